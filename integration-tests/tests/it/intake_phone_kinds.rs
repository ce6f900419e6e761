//! An SMS reaches only a mobile number, on every channel of `tekmerkez dev`
//! that takes a reply by SMS: the app API answers 400 at
//! `applicant.phone`, a partner gets `INVALID_ARGUMENT` with a violation at
//! `contact.phone` (and a Turkish `LocalizedMessage` naming it), and the same landline with a callback reply is taken;
//! an IVR record from a landline caller is answered by callback instead of
//! an SMS. (The citizen's form and the staff entry forms are walked in
//! Chromium: `browser_citizen_form`, `browser_entry_forms`.)

use crate::channels::{Running, hmac_sha256, http, now_seconds, start};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tekmerkez::dev_channels::DEV_CTI_SIGNING_SECRET;
use tekmerkez_intake::partner::settings::PartnerCredential;
use tekmerkez_proto::{
    common_v1::{self as common, ReplyChannel},
    intake_v1::{self as intake, intake_service_client::IntakeServiceClient},
};
use tonic::{Code, Request};
use tonic_types::StatusExt as _;

const PARTNER_TOKEN: &str = "cimer-phone-kinds-token-0123456789abcdef012345";
const LANDLINE: &str = "0 (312) 555 12 34";
/// The rule every channel gives (`tekmerkez_types::contact::SMS_NEEDS_MOBILE`).
const SMS_NEEDS_MOBILE: &str = "must be a mobile number (05xx) for an SMS reply";

async fn app() -> Running {
    start(|s| {
        let p = &mut s.intake.partner;
        p.enabled = true;
        p.partners = vec![PartnerCredential {
            id: "cimer".into(),
            name: "CİMER".into(),
            token_sha256: hex::encode(Sha256::digest(PARTNER_TOKEN)),
            per_minute: 600,
            burst: 100,
            source: Default::default(),
        }];
    })
    .await
}

/// `POST /v1/applications` with a landline and `reply`.
async fn apply(app: &Running, reply: &str) -> (u16, Value) {
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&json!({
            "channel": "mobile_app", "category": "fatura", "text": "Faturam iki kat geldi.",
            "province": "Ankara", "district": "Çankaya",
            "applicant": { "name": "Ayşe Yılmaz", "phone": LANDLINE },
            "reply_channel": reply,
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
        }))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_channel_refuses_an_sms_reply_to_a_landline_and_takes_a_callback() {
    let app = app().await;

    // The app API.
    let (status, body) = apply(&app, "sms").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"]["applicant.phone"], json!([SMS_NEEDS_MOBILE]));
    assert!(
        !body.to_string().contains("555"),
        "the number is not echoed: {body}"
    );
    let (status, body) = apply(&app, "phone").await;
    assert_eq!(status, 202, "a callback can ring a landline: {body}");

    // A partner over gRPC.
    let ch = tonic::transport::Channel::from_shared(format!("http://{}", app.partner.unwrap()))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let submission = |reply: ReplyChannel, reference: &str| {
        let mut r = Request::new(intake::SubmitApplicationRequest {
            partner_reference: reference.into(),
            category: "su_arizasi".into(),
            text: "CİMER başvurusu: iki gündür su yok.".into(),
            location: Some(common::Location {
                province_code: 6,
                district: "Çankaya".into(),
                coordinates: None,
                neighbourhood: String::new(),
            }),
            contact: Some(common::Contact {
                name: "Ayşe Yılmaz".into(),
                phone: LANDLINE.into(),
                ..Default::default()
            }),
            reply_channel: reply as i32,
            consent: Some(common::Consent {
                text_version: "cimer-kvkk-v3".into(),
                accepted_at: Some(prost_types::Timestamp {
                    seconds: now_seconds() - 3600,
                    nanos: 0,
                }),
                special_category: false,
            }),
            attachments: vec![],
            submitted_at: None,
            application_type: 0,
        });
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {PARTNER_TOKEN}").parse().unwrap(),
        );
        r
    };
    let refused = IntakeServiceClient::new(ch.clone())
        .submit_application(submission(ReplyChannel::Sms, "CIMER-2026-555"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    let violations: Vec<(String, String)> = refused
        .get_error_details()
        .bad_request()
        .map(|b| {
            b.field_violations
                .iter()
                .map(|v| (v.field.clone(), v.description.clone()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        violations,
        vec![("contact.phone".to_owned(), SMS_NEEDS_MOBILE.to_owned())]
    );
    let said = refused.get_error_details();
    let turkish = said.localized_message().unwrap();
    assert_eq!(turkish.locale, "tr-TR");
    assert!(
        turkish
            .message
            .starts_with("Telefon (contact.phone): SMS ile yanıt için cep telefonu"),
        "{}",
        turkish.message
    );
    IntakeServiceClient::new(ch)
        .submit_application(submission(ReplyChannel::PhoneCallback, "CIMER-2026-556"))
        .await
        .unwrap();

    // An IVR record from a landline caller: answered by callback.
    let event = json!({
        "type": "ivr.record", "event_id": "evt-landline-1", "call_id": "call-landline",
        "occurred_at": jiff::Timestamp::now().to_string(), "caller_number": "03125551234",
        "record": "outage_report", "province_code": 6, "district": "Çankaya",
        "ivr_selections": []
    })
    .to_string();
    let at = now_seconds();
    let signature = format!(
        "sha256={}",
        hex::encode(hmac_sha256(
            DEV_CTI_SIGNING_SECRET.as_bytes(),
            format!("{at}.{event}").as_bytes()
        ))
    );
    let r = http()
        .post(app.url("/v1/cti/events"))
        .header("content-type", "application/json")
        .header("x-tekmerkez-timestamp", at.to_string())
        .header("x-tekmerkez-signature", signature)
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let body: Value = r.json().await.unwrap();
    let case = app.case(body["tracking_number"].as_str().unwrap()).await;
    assert_eq!(case.reply_channel, ReplyChannel::PhoneCallback as i32);
    assert_eq!(case.contact.unwrap().phone, "+903125551234");
    app.stop().await;
}
