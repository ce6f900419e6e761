//! `notify.email.smtputf8`, the mail relay's one setting read by notify and
//! intake, inside `tekmerkez dev`. Off (the default): an e-mail address with
//! Turkish letters, which no answer could reach, is refused where it is
//! typed — the citizen's form (Turkish and English, everything kept), the
//! app API and the partner API (the field named), staff entry (the
//! Turkish message at the field). On: the same address is taken and the
//! answer e-mail goes to it (the dev sink; notify's SMTP test sends one
//! through the real relay with SMTPUTF8).

use reqwest::StatusCode;
use serde_json::{Value, json};
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, hidden, sign_in},
};
use tekmerkez_proto::{
    case_v1 as pb,
    common_v1::{self as common, ReplyChannel},
    intake_v1::{self as ipb, intake_service_client::IntakeServiceClient},
};

use crate::channels::{WAIT, http, start};

const ADDRESS: &str = "çağrı.öztürk@örnek.com.tr";
const PARTNER_TOKEN: &str = "cimer-test-token-0123456789abcdef0123456789";

fn app_request(email: &str) -> Value {
    json!({
        "channel": "mobile_app", "category": "fatura",
        "text": "Faturam çok yüksek geldi, açıklama bekliyorum.",
        "province": "Kocaeli", "district": "İzmit",
        "applicant": { "name": "Çağrı Öztürk", "email": email },
        "reply_channel": "email",
        "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_with_turkish_letters_is_refused_where_it_is_typed_while_the_relay_takes_none() {
    let app = start(|s| {
        use sha2::Digest as _;
        let p = &mut s.intake.partner;
        p.enabled = true;
        p.partners = vec![tekmerkez_intake::partner::settings::PartnerCredential {
            id: "cimer".into(),
            name: "CİMER".into(),
            token_sha256: hex::encode(sha2::Sha256::digest(PARTNER_TOKEN)),
            per_minute: 600,
            burst: 100,
            source: Default::default(),
        }];
    })
    .await;

    // The app API names the field and the rule.
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&app_request(ADDRESS))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["errors"]["applicant.email"],
        json!(["must have only ASCII letters: the mail relay cannot send to other addresses"]),
        "{body}"
    );

    // The citizen's form: the message at the e-mail field, in Turkish and
    // English, with everything typed kept.
    for (lang, words) in [("", "Türkçe harf"), ("?lang=en", "non-ASCII")] {
        let mut citizen = Browser::new(app.http);
        let (_, page, _, _) = citizen.get(&format!("/basvuru{lang}")).await;
        let form_id = hidden(&page, "form_id");
        let (status, page, _, _) = citizen
            .post(
                &format!("/basvuru{lang}"),
                &[
                    ("form_id", &form_id),
                    ("kategori", "fatura"),
                    ("tur", "sikayet"),
                    ("il", "Kocaeli"),
                    ("ilce", "İzmit"),
                    ("metin", "Faturam çok yüksek geldi."),
                    ("ad", "Çağrı Öztürk"),
                    ("eposta", ADDRESS),
                    ("yanit", "email"),
                    ("kvkk", "1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
        let page = Page::parse(&page);
        let message = page.text_in("#eposta-hata");
        assert!(message.contains(words), "{lang}: {message}");
        assert_eq!(page.attrs("#form-hatalari a", "href"), ["#eposta"]);
        for (name, typed) in [
            ("eposta", ADDRESS),
            ("ad", "Çağrı Öztürk"),
            ("metin", "Faturam çok yüksek geldi."),
        ] {
            assert!(
                page.fields
                    .iter()
                    .any(|f| f.name == name && f.value == typed),
                "{lang}: {name} kept"
            );
        }
    }

    // Staff entry: front-office staff read it at the field, the letter kept.
    let mut staff = Browser::new(app.http);
    sign_in(&mut staff, "danisma").await;
    let (_, page, _, _) = staff.get("/kayit-girisi/yazi").await;
    let (csrf, form_id) = (hidden(&page, "csrf"), hidden(&page, "form_id"));
    let (status, page, _, _) = staff
        .post(
            "/kayit-girisi/yazi",
            &[
                ("csrf", &csrf),
                ("form_id", &form_id),
                ("konu", "fatura"),
                ("metin", "Fatura itirazı dilekçesidir."),
                ("il", "41"),
                ("ilce", "İzmit"),
                ("ad", "Çağrı Öztürk"),
                ("eposta", ADDRESS),
                ("yanit", "email"),
                ("kvkk", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let page = Page::parse(&page);
    assert!(
        page.text_in("#eposta-hata")
            .starts_with("Bu e-posta adresinde Türkçe ya da başka ASCII dışı harf var"),
        "{}",
        page.text_in("#eposta-hata")
    );
    assert!(
        page.fields
            .iter()
            .any(|f| f.name == "eposta" && f.value == ADDRESS)
    );

    // A partner is told the field.
    let partner =
        tonic::transport::Channel::from_shared(format!("http://{}", app.partner.unwrap()))
            .unwrap()
            .connect()
            .await
            .unwrap();
    let mut req = tonic::Request::new(ipb::SubmitApplicationRequest {
        partner_reference: "CIMER-2026-UTF8".into(),
        category: "fatura".into(),
        text: "Fatura yüksek.".into(),
        location: Some(common::Location {
            province_code: 41,
            district: "İzmit".into(),
            coordinates: None,
            neighbourhood: String::new(),
        }),
        contact: Some(common::Contact {
            name: "Çağrı Öztürk".into(),
            email: ADDRESS.into(),
            ..Default::default()
        }),
        reply_channel: ReplyChannel::Email as i32,
        consent: Some(common::Consent {
            text_version: "kvkk-cimer-v1".into(),
            accepted_at: Some(prost_types::Timestamp {
                seconds: 1_772_000_000,
                nanos: 0,
            }),
            special_category: false,
        }),
        ..Default::default()
    });
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {PARTNER_TOKEN}").parse().unwrap(),
    );
    let refused = IntakeServiceClient::new(partner)
        .submit_application(req)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(
        refused.message().contains("contact.email"),
        "{}",
        refused.message()
    );
    // Nothing was recorded anywhere.
    assert!(app.cases_of(common::Channel::MobileApp).await.is_empty());
    assert!(app.cases_of(common::Channel::Written).await.is_empty());
    assert!(app.cases_of(common::Channel::Partner).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_relay_that_takes_smtputf8_the_address_is_taken_and_the_answer_goes_to_it() {
    let app = start(|s| s.notify.email.smtputf8 = true).await;
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&app_request(ADDRESS))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let tn = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = app.case(&tn).await;
    assert_eq!(case.contact.as_ref().unwrap().email, ADDRESS);
    // An expert answers; the answer e-mail goes to the address as typed.
    let mut cases = pb::case_service_client::CaseServiceClient::new(app.channel().await);
    let expert = "uzman.kocaeli";
    cases
        .claim_cases(app.as_user(
            expert,
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    cases
        .close_case(app.as_user(
            expert,
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: "Faturanız yeniden hesaplandı.".into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    let mail = eventually(WAIT, "the answer in the dev sink", async || {
        let list: Vec<Value> = http()
            .get(app.url("/dev/mail.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list.into_iter().find(|m| {
            m["recipient"] == ADDRESS
                && m["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("Faturanız yeniden hesaplandı."))
        })
    })
    .await;
    assert!(
        mail["headers"].as_str().unwrap().contains(ADDRESS),
        "{mail}"
    );
    app.stop().await;
}
