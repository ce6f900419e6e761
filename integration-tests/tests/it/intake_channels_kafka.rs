//! The social, partner and CTI channels as production runs them: `tekmerkez
//! intake`, `routing` and `case` as separate processes on PostgreSQL and the
//! project's Kafka-protocol broker. A WhatsApp conversation, a partner's
//! hand-over and an IVR outage report each reach the pool their rule names;
//! the caller index fills from Kafka; after intake is SIGKILLed and started
//! again, replays are still recognised (the stores are in PostgreSQL).

use std::time::Duration;

use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_integration_tests::{
    cluster::{Cluster, free_port},
    scenario::setup,
};
use tekmerkez_proto::{
    case_v1::{self as pb, case_service_client::CaseServiceClient},
    common_v1 as common,
    intake_v1::{self as intake, intake_service_client::IntakeServiceClient},
};
use tonic::transport::Channel;

/// How long a test waits for an effect.
const WAIT: Duration = Duration::from_secs(60);

const APP_SECRET: &str = "kafka-test-meta-app-secret";
const CTI_SECRET: &str = "kafka-test-cti-signing-secret-0123456789";
const LOOKUP: &str = "kafka-test-cti-lookup-token-0123456789ab";
const PARTNER_TOKEN: &str = "kafka-test-partner-token-0123456789abcdef";
const PHONE_NUMBER_ID: &str = "106540352242922";

fn hmac(key: &[u8], msg: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    hex::encode(m.finalize().into_bytes())
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn whatsapp(id: &str, text: &str) -> String {
    json!({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
        "messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":PHONE_NUMBER_ID},
        "contacts":[{"profile":{"name":"Ayşe Yılmaz"},"wa_id":"905321234567"}],
        "messages":[{"from":"905321234567","id":id,"timestamp":now().to_string(),"type":"text","text":{"body":text}}]}}]}]})
    .to_string()
}

async fn post(url: &str, body: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn webhook(cluster: &Cluster, body: &str) -> (u16, Value) {
    let sig = format!("sha256={}", hmac(APP_SECRET.as_bytes(), body.as_bytes()));
    post(
        &format!("{}/webhooks/whatsapp", cluster.intake_url),
        body,
        &[("x-hub-signature-256", sig)],
    )
    .await
}

async fn cti(cluster: &Cluster, event: &Value) -> (u16, Value) {
    let body = event.to_string();
    let ts = now().to_string();
    let sig = format!(
        "sha256={}",
        hmac(CTI_SECRET.as_bytes(), format!("{ts}.{body}").as_bytes())
    );
    post(
        &format!("{}/v1/cti/events", cluster.intake_url),
        &body,
        &[
            ("x-tekmerkez-timestamp", ts),
            ("x-tekmerkez-signature", sig),
        ],
    )
    .await
}

async fn cases_of(cluster: &Cluster, channel: common::Channel) -> Vec<pb::Case> {
    let ch = Channel::from_shared(format!("http://{}", cluster.case_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let req = pb::ListCasesRequest {
        view: pb::CaseView::All as i32,
        filter: Some(pb::CaseFilter {
            channels: vec![channel as i32],
            ..Default::default()
        }),
        ..Default::default()
    };
    CaseServiceClient::new(ch)
        .list_cases(cluster.as_admin(req))
        .await
        .unwrap()
        .into_inner()
        .cases
}

async fn case_with_notes(cluster: &Cluster, tracking_number: &str) -> Option<pb::Case> {
    let ch = Channel::from_shared(format!("http://{}", cluster.case_addr))
        .unwrap()
        .connect()
        .await
        .ok()?;
    let req = pb::GetCaseRequest {
        case_id: String::new(),
        tracking_number: tracking_number.to_owned(),
    };
    CaseServiceClient::new(ch)
        .get_case(cluster.as_admin(req))
        .await
        .ok()?
        .into_inner()
        .case
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_partner_and_cti_channels_on_kafka_and_postgresql() {
    let mut cluster = Cluster::new().await;
    let partner_addr = format!("127.0.0.1:{}", free_port());
    cluster.add_test_config(&format!(
        r#"intake:
  social:
    whatsapp:
      enabled: true
      verify_token: kafka-test-verify-token
      app_secret: {APP_SECRET}
      accounts:
        - {{ id: "{PHONE_NUMBER_ID}", province_code: 6, category: su_arizasi }}
  partner:
    enabled: true
    grpc_listen: {partner_addr}
    partners:
      - {{ id: cimer, name: CİMER, token_sha256: {}, per_minute: 600, burst: 100 }}
  cti:
    enabled: true
    signing_secret: {CTI_SECRET}
    lookup_token: {LOOKUP}
    caller_index_key: kafka-test-caller-index-key-0123456789
    default_province_code: 6
"#,
        hex::encode(Sha256::digest(PARTNER_TOKEN))
    ));
    let expected = setup(&mut cluster).await;

    // A WhatsApp conversation: one case in the fault pool, the later message a note on it.
    let first = whatsapp("wamid.k1", "Sokakta su borusu patladı.");
    let (status, body) = webhook(&cluster, &first).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let social = eventually(WAIT, "the WhatsApp case", || async {
        cases_of(&cluster, common::Channel::SocialMedia).await.pop()
    })
    .await;
    assert_eq!(social.pool_id, expected[&("su_arizasi", 6)]);
    let (status, _) = webhook(&cluster, &whatsapp("wamid.k2", "Hâlâ akıyor.")).await;
    assert_eq!(status, 200);
    eventually(WAIT, "the follow-up note", || async {
        let c = case_with_notes(&cluster, &social.tracking_number).await?;
        c.notes
            .iter()
            .any(|n| n.text == "Hâlâ akıyor.")
            .then_some(())
    })
    .await;

    // A partner's hand-over, through the partner listener of `tekmerkez intake`.
    let ch = Channel::from_shared(format!("http://{partner_addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut partner = IntakeServiceClient::new(ch);
    let mut req = tonic::Request::new(intake::SubmitApplicationRequest {
        partner_reference: "CIMER-K-1".into(),
        category: "fatura".into(),
        text: "CİMER: faturaya itiraz.".into(),
        location: Some(common::Location {
            province_code: 35,
            district: "Karşıyaka".into(),
            coordinates: None,
            neighbourhood: String::new(),
        }),
        contact: Some(common::Contact {
            name: "Mehmet Kaya".into(),
            phone: "0532 765 43 21".into(),
            ..Default::default()
        }),
        reply_channel: common::ReplyChannel::Sms as i32,
        consent: Some(common::Consent {
            text_version: "cimer-kvkk-v3".into(),
            accepted_at: Some(prost_types::Timestamp {
                seconds: now() - 60,
                nanos: 0,
            }),
            special_category: false,
        }),
        attachments: vec![],
        submitted_at: None,
        application_type: 0,
    });
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {PARTNER_TOKEN}").parse().unwrap(),
    );
    let handed = partner.submit_application(req).await.unwrap().into_inner();
    let partner_case = eventually(WAIT, "the partner's case", || async {
        case_with_notes(&cluster, &handed.tracking_number).await
    })
    .await;
    assert_eq!(partner_case.pool_id, expected[&("fatura", 35)]);

    // The caller index fills from Kafka: a call from the partner's applicant
    // shows that application.
    let offered = json!({"type":"call.offered","event_id":"k-1","call_id":"call-k","occurred_at":jiff::Timestamp::now().to_string(),
        "caller_number":"05327654321","agent":"cagrimerkezi"});
    assert_eq!(cti(&cluster, &offered).await.0, 200);
    let lookup = format!("{}/v1/cti/calls/call-k", cluster.intake_url);
    let call = eventually(WAIT, "the caller's earlier application", || async {
        let r = reqwest::Client::new()
            .get(&lookup)
            .header("authorization", format!("Bearer {LOOKUP}"))
            .send()
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        (!v["earlier_applications"].as_array()?.is_empty()).then_some(v)
    })
    .await;
    assert_eq!(
        call["earlier_applications"][0]["tracking_number"],
        handed.tracking_number.as_str()
    );
    assert_eq!(call["earlier_applications"][0]["channel"], "partner");

    // An IVR outage report opens a PHONE application in the fault pool.
    let record = json!({"type":"ivr.record","event_id":"k-2","call_id":"call-k2","occurred_at":jiff::Timestamp::now().to_string(),
        "caller_number":"05321234567","record":"outage_report"});
    let (status, body) = cti(&cluster, &record).await;
    assert_eq!(status, 202, "{body}");
    let tn = body["tracking_number"].as_str().unwrap().to_owned();
    let phone_case = eventually(WAIT, "the IVR record's case", || async {
        case_with_notes(&cluster, &tn).await
    })
    .await;
    assert_eq!(phone_case.pool_id, expected[&("su_arizasi", 6)]);
    assert_eq!(phone_case.channel, common::Channel::Phone as i32);

    // A crash: replays after the restart are still replays.
    cluster.kill("intake").await;
    cluster.start("intake").await;
    let (status, body) = webhook(&cluster, &first).await;
    assert_eq!(
        (status, body["duplicates"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let (status, again) = cti(&cluster, &record).await;
    assert_eq!(
        (status, again["tracking_number"].as_str()),
        (202, Some(tn.as_str()))
    );
    assert_eq!(
        cases_of(&cluster, common::Channel::SocialMedia).await.len(),
        1
    );
    assert_eq!(cases_of(&cluster, common::Channel::Phone).await.len(), 1);
}
