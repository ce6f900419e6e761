//! *Bildirimler* in the admin pages: an admin changes what citizens are told
//! without a deploy. The edited Turkish acknowledgement is what the next
//! application's SMS says; an edit made on an old version, or naming a
//! variable that does not exist, is refused with a Turkish message and
//! changes nothing; a rule switched off sends nothing (the same case's answer
//! still goes); nobody but an admin
//! sees the page or may post to it.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::{eventually, within},
    web::{Browser, dev_settings, hidden, sign_in},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tokio_util::sync::CancellationToken;

/// The form of template `key` in `locale` on the page: its hidden version.
fn version_of(page: &str, key: &str, locale: &str) -> String {
    Page::parse(page)
        .attrs(
            &format!("form#sablon-{key}-{locale} input[name=surum]"),
            "value",
        )
        .pop()
        .unwrap_or_else(|| panic!("no form for {key}/{locale}"))
}

/// The form switching rule `key` on or off: the hidden version and what
/// pressing it asks for (`acik`: "1" to switch it on).
fn rule_form(page: &str, key: &str) -> (String, String) {
    let page = Page::parse(page);
    let form = format!("form[action=\"/yonetim/bildirimler/kural/{key}\"]");
    let value = |name: &str| {
        page.attrs(&format!("{form} input[name={name}]"), "value")
            .pop()
            .unwrap_or_else(|| panic!("no {name} in the form of rule {key}"))
    };
    (value("surum"), value("acik"))
}

async fn apply(base: &str, key: &str, phone: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/applications"))
        .header("idempotency-key", key)
        .json(&json!({"channel":"mobile_app","category":"fatura","text":"Faturam çok yüksek geldi.",
            "province":"Ankara","district":"Çankaya","applicant":{"name":"Ayşe Yılmaz","phone":phone},
            "reply_channel":"sms","kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// How long the test waits for a notification or a case.
const WAIT: Duration = Duration::from_secs(30);

/// The SMS bodies sent to `recipient` once `ready` holds for them.
async fn sms_to(base: &str, recipient: &str, ready: impl Fn(&[String]) -> bool) -> Vec<String> {
    let mut last = Vec::new();
    let seen = within(WAIT, async || {
        let list: Vec<Value> = reqwest::get(format!("{base}/dev/sms.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        last = list
            .iter()
            .filter(|m| m["recipient"] == recipient)
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect();
        ready(&last).then(|| last.clone())
    })
    .await;
    seen.unwrap_or_else(|| panic!("{last:?}"))
}

async fn post(
    b: &mut Browser,
    path: &str,
    form: Vec<(String, String)>,
) -> (reqwest::StatusCode, String, Vec<String>, Option<String>) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(path, &pairs).await
}

/// Claims and closes the case `tracking` as the expert holding `token`.
pub(crate) async fn close_as_expert(
    grpc: std::net::SocketAddr,
    token: &str,
    tracking: &str,
    answer: &str,
) {
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    let auth = |msg| {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        r
    };
    let case = eventually(WAIT, &format!("{tracking} in the pool"), async || {
        let got = cases
            .get_case(auth(pb::GetCaseRequest {
                case_id: String::new(),
                tracking_number: tracking.to_owned(),
            }))
            .await;
        got.ok().and_then(|r| r.into_inner().case)
    })
    .await;
    let mut claim = tonic::Request::new(pb::ClaimCasesRequest {
        case_ids: vec![case.id.clone()],
    });
    claim
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    cases.claim_cases(claim).await.unwrap();
    let mut close = tonic::Request::new(pb::CloseCaseRequest {
        case_id: case.id,
        official_answer: answer.into(),
        expected_version: None,
        closure_reason: "cozuldu".into(),
    });
    close
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    cases.close_case(close).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_edits_the_acknowledgement_and_switches_a_rule_off_without_a_deploy() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 0);
    settings.notify.quiet_hours.enabled = false;
    // An edit reaches the dispatcher at once (replicas re-read on this period).
    settings.notify.catalogue_refresh_ms = 100;
    let dev = Dev::build(settings).await.unwrap();
    let http = dev.http_addr();
    let grpc = dev.grpc_addr();
    let expert_token = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");

    // Only an admin sees the page, or may post to it.
    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get("/yonetim/bildirimler").await;
    assert_eq!(status, 403);
    let (_, page, _, _) = expert.get("/").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, _, _) = expert
        .post(
            "/yonetim/bildirimler/sablon",
            &[
                ("csrf", &csrf),
                ("anahtar", "basvuru_alindi"),
                ("dil", "tr"),
                ("kanal", "1"),
                ("surum", "0"),
                ("metin", "Ele geçirildi {{tracking_number}}"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    let mut admin = Browser::new(http);
    sign_in(&mut admin, "admin").await;
    let (status, page, _, _) = admin.get("/yonetim").await;
    assert_eq!(status, 200);
    assert!(
        Page::parse(&page).has("a[href=\"/yonetim/bildirimler\"]"),
        "linked from Yönetim"
    );
    let (status, page, _, _) = admin.get("/yonetim/bildirimler").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Bildirim kuralları") && page.contains("Şablonlar"));
    assert!(
        Page::parse(&page)
            .texts("code")
            .contains(&"{{tracking_number}}".to_owned()),
        "the variables are listed"
    );
    assert!(page.contains("SMS, Türkçe, Sürüm"), "the language by name");
    assert_eq!(
        Page::parse(&page).texts("#sablon-basvuru_alindi").len(),
        1,
        "the rules' link has one target"
    );
    let csrf = hidden(&page, "csrf");
    let v1 = version_of(&page, "basvuru_alindi", "tr");

    // A new version of the Turkish acknowledgement.
    let new_text =
        "Başvurunuzu aldık, teşekkürler. Takip no: {{tracking_number}} — {{institution}}";
    let edit = |version: String, text: &'static str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("anahtar".to_owned(), "basvuru_alindi".to_owned()),
            ("dil".to_owned(), "tr".to_owned()),
            ("kanal".to_owned(), "1".to_owned()),
            ("surum".to_owned(), version),
            ("metin".to_owned(), text.to_owned()),
        ]
    };
    let (status, _, _, location) = post(
        &mut admin,
        "/yonetim/bildirimler/sablon",
        edit(v1.clone(), new_text),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/bildirimler?durum=sablon-kaydedildi")
    );
    let (_, page, _, _) = admin
        .get("/yonetim/bildirimler?durum=sablon-kaydedildi")
        .await;
    assert!(page.contains("Şablon kaydedildi"));
    let v2 = version_of(&page, "basvuru_alindi", "tr");
    assert_eq!(v2.parse::<i64>().unwrap(), v1.parse::<i64>().unwrap() + 1);

    // The next application is acknowledged with the new words.
    let tracking = apply(&base, "admin-notify-1", "0532 111 00 01").await;
    let bodies = sms_to(&base, "+905321110001", |b| !b.is_empty()).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(
        bodies[0].starts_with("Başvurunuzu aldık, teşekkürler. Takip no: "),
        "{bodies:?}"
    );
    assert!(bodies[0].contains(&tracking));

    // An edit on the old version is refused, and so is an unknown variable;
    // neither changes the version in force.
    // Each refusal shows the page again with the words as typed.
    let (status, page, _, _) = post(
        &mut admin,
        "/yonetim/bildirimler/sablon",
        edit(v1, "Eski sürümden {{tracking_number}}"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Siz düzenlerken başka biri değiştirdi"),
        "{page}"
    );
    assert!(page.contains("Eski sürümden {{tracking_number}}"), "kept");
    let (status, page, _, _) = post(
        &mut admin,
        "/yonetim/bildirimler/sablon",
        edit(v2.clone(), "Takip: {{takip_numarasi}}"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Kaydedilmedi: metin"), "{page}");
    assert!(page.contains("Takip: {{takip_numarasi}}"), "kept: {page}");
    assert_eq!(version_of(&page, "basvuru_alindi", "tr"), v2);

    // The SMS answer goes on resolution, which may come without an answer:
    // a template using it must say what to write when it is empty.
    let answer_version = version_of(&page, "yanit_sms", "tr");
    let answer_edit = |text: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("anahtar".to_owned(), "yanit_sms".to_owned()),
            ("dil".to_owned(), "tr".to_owned()),
            ("kanal".to_owned(), "1".to_owned()),
            ("surum".to_owned(), answer_version.clone()),
            ("metin".to_owned(), text.to_owned()),
        ]
    };
    let (status, page, _, _) = post(
        &mut admin,
        "/yonetim/bildirimler/sablon",
        answer_edit("Yanıtımız: {{official_answer}}"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("{{official_answer}} kullanıyor, ama yanit_sms kuralının")
            && page.contains("{{official_answer | …}}"),
        "the variable, the rule and the way out are named: {page}"
    );
    assert!(page.contains("Yanıtımız: {{official_answer}}"), "kept");
    let (status, _, _, _) = post(
        &mut admin,
        "/yonetim/bildirimler/sablon",
        answer_edit("Yanıtımız: {{official_answer | takip sayfasına bakınız}}"),
    )
    .await;
    assert_eq!(status, 303, "with a fallback it is saved");
    let (_, page, _, _) = admin.get("/yonetim/bildirimler").await;

    // Switched off, the rule texts nobody.
    let (rule_version, _) = rule_form(&page, "basvuru_alindi");
    let (_, _, _, location) = post(
        &mut admin,
        "/yonetim/bildirimler/kural/basvuru_alindi",
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("surum".to_owned(), rule_version),
            ("acik".to_owned(), "0".to_owned()),
        ],
    )
    .await;
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/bildirimler?durum=kural-guncellendi")
    );
    let (_, page, _, _) = admin.get("/yonetim/bildirimler").await;
    assert_eq!(
        rule_form(&page, "basvuru_alindi").1,
        "1",
        "shown as off: its button switches it on"
    );
    let off = apply(&base, "admin-notify-2", "0532 111 00 02").await;
    // The expert answers it: the answer's SMS comes after the case's opening
    // was handled (one case's events are handled in order), so once it is
    // there, an acknowledgement would have been too.
    let answer = "Faturanız yeniden hesaplandı; fark iade edilecek.";
    close_as_expert(grpc, &expert_token, &off, answer).await;
    let bodies: Vec<String> = sms_to(&base, "+905321110002", |b| {
        b.iter().any(|m| m.contains(answer))
    })
    .await
    .into_iter()
    // The satisfaction survey follows the answer: not an acknowledgement.
    .filter(|m| !m.contains("/anket/"))
    .collect();
    assert_eq!(
        bodies.len(),
        1,
        "only the answer, no acknowledgement: {bodies:?}"
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
