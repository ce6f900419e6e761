//! Notifications in `tekmerkez dev` as a new user meets them: an application
//! made over HTTP shows exactly one Turkish SMS with its tracking number on
//! `/dev/sms`, and a case an expert closes with an e-mail reply shows the
//! official answer on `/dev/mail`, threaded by its tracking number.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    wait::{eventually, within},
    web::dev_settings,
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tokio_util::sync::CancellationToken;

/// How long the test waits for a notification.
const WAIT: Duration = Duration::from_secs(30);

async fn poll_json(url: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut last = Vec::new();
    let seen = within(WAIT, async || {
        let r = reqwest::get(url).await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{url}: {status} {text}");
        last = serde_json::from_str(&text).unwrap();
        check(&last).then(|| last.clone())
    })
    .await;
    seen.unwrap_or_else(|| panic!("{url}: {last:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_shows_one_turkish_sms_and_an_email_answer_shows_on_dev_mail() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 20);
    settings.notify.quiet_hours.enabled = false;
    let dev = Dev::build(settings).await.unwrap();
    let http = dev.http_addr();
    let grpc = dev.grpc_addr();
    let expert = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");
    let client = reqwest::Client::new();

    // The demo records are backdated: they text nobody.
    let sms_url = format!("{base}/dev/sms.json");
    let r = client
        .post(format!("{base}/v1/applications"))
        .header("idempotency-key", "notify-dev-1")
        .json(&json!({"channel":"mobile_app","category":"fatura","text":"Faturam çok yüksek geldi.",
            "province":"Ankara","district":"Çankaya","applicant":{"name":"Ayşe Yılmaz","phone":"0532 765 43 21"},
            "reply_channel":"sms","kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let tracking = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = poll_json(&sms_url, |l| {
        l.iter()
            .any(|m| m["body"].as_str().unwrap().contains(&tracking))
    })
    .await;
    let mine: Vec<&Value> = list
        .iter()
        .filter(|m| m["recipient"] == "+905327654321")
        .collect();
    assert_eq!(mine.len(), 1, "exactly one SMS: {list:?}");
    let body = mine[0]["body"].as_str().unwrap();
    assert!(
        body.starts_with("Başvurunuz alındı. Takip numaranız: "),
        "{body}"
    );
    assert!(body.contains(&tracking));
    assert_eq!(mine[0]["encoding"], "gsm7_tr");
    let page = client
        .get(format!("{base}/dev/sms"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("SMS kutusu") && page.contains(&tracking));

    // An application answered by e-mail: the expert claims and closes it.
    let r = client
        .post(format!("{base}/v1/applications"))
        .header("idempotency-key", "notify-dev-2")
        .json(&json!({"channel":"web_form","category":"fatura","text":"Sayaç okuması yanlış yapılmış.",
            "province":"Ankara","district":"Çankaya","applicant":{"name":"Mehmet Öz","email":"mehmet.oz@example.org"},
            "reply_channel":"email","kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let tracking2 = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    fn auth<T>(token: &str, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        r
    }
    let case = eventually(WAIT, "the case in the expert's pool", async || {
        let got = cases
            .get_case(auth(
                &expert,
                pb::GetCaseRequest {
                    case_id: String::new(),
                    tracking_number: tracking2.clone(),
                },
            ))
            .await;
        got.ok().map(|c| c.into_inner().case)
    })
    .await
    .expect("the case reaches the expert's pool");
    cases
        .claim_cases(auth(
            &expert,
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    let answer = "Sayaç yeniden okundu; faturanız düzeltildi, fark iade edilecek.";
    cases
        .close_case(auth(
            &expert,
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: answer.into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    // The answer (the satisfaction survey follows it to the same address).
    let is_answer = |m: &Value| {
        m["recipient"] == "mehmet.oz@example.org" && m["body"].as_str().unwrap().contains(answer)
    };
    let mail = poll_json(&format!("{base}/dev/mail.json"), |l| {
        l.iter().any(is_answer)
    })
    .await;
    let m = mail.iter().find(|m| is_answer(m)).unwrap();
    assert!(m["body"].as_str().unwrap().contains(answer));
    assert!(m["body"].as_str().unwrap().starts_with("Sayın Mehmet Öz,"));
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .contains(&format!("[{tracking2}]"))
    );
    let headers = m["headers"].as_str().unwrap();
    assert!(
        headers.contains(&format!("Message-ID: <case.{tracking2}.")),
        "{headers}"
    );
    assert!(
        headers.contains(&format!("References: <case.{tracking2}@")),
        "{headers}"
    );
    let page = client
        .get(format!("{base}/dev/mail"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("E-posta kutusu") && page.contains("faturanız düzeltildi"));

    // The record page shows the expert the case's delivery log (the
    // gateway asks notify only after the case service let them see it).
    let mut b = tekmerkez_integration_tests::web::Browser::new(http);
    tekmerkez_integration_tests::web::sign_in(&mut b, "uzman.ankara").await;
    let (status, page, _, _) = b.get(&format!("/kayit/{}", case.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Vatandaşa Bildirimler"), "{page}");
    assert!(
        page.contains("E-posta, yetkili açıklaması (e-posta): gönderildi"),
        "{page}"
    );

    // A backdated demo record's acknowledgement was held back on purpose,
    // and the page says so in words, not as a failure code. (A letter or a
    // counter visit among them has none: its printed receipt was it.)
    let (_, pool, _, _) = b.get("/cagri-havuzu").await;
    let demo = tekmerkez_integration_tests::web::offered(&pool);
    assert!(!demo.is_empty(), "demo records in the pool");
    let page = eventually(
        WAIT,
        "the held-back acknowledgement on the record",
        async || {
            for id in demo.iter().take(10) {
                let (_, page, _, _) = b.get(&format!("/kayit/{id}")).await;
                if page.contains("başvuru alındı bildirimi") && page.contains(": gönderilmedi")
                {
                    return Some(page);
                }
            }
            None
        },
    )
    .await;
    assert!(page.contains("eski bir bildirim gönderilmez"), "{page}");
    assert!(!page.contains("gönderilemedi"), "{page}");
    shutdown.cancel();
    run.await.unwrap().unwrap();
}
