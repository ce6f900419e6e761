//! An expert answers from a ready answer in a real Chromium, against the
//! gateway inside `tekmerkez dev`: on the record page picks a ready answer
//! in the *Yetkili Açıklaması* box, *Yerleştir* fills it for the record,
//! edits it, *Önizle* shows the SMS the citizen receives with its parts
//! and encoding (the text typed kept), then *Kaydet ve Kaydı Kapat* closes
//! the record with the edited answer. Screens under
//! `test-artifacts/screens/browser_ready_answers/`.

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, shows},
    wait::eventually,
    web::dev_settings,
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tokio_util::sync::CancellationToken;

fn auth<T>(token: &str, msg: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_picks_a_ready_answer_edits_previews_and_closes_with_it_in_a_real_browser() {
    let chrome = Chrome::start().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let (addr, grpc) = (dev.http_addr(), dev.grpc_addr());
    let token = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    // A water fault in Ankara, answered by SMS, held by the expert.
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/v1/applications"))
        .json(&json!({"channel":"web_form","category":"su_arizasi",
            "text":"Sokağımızda iki gündür su yok, ana boru patlamış olabilir.",
            "province":"Ankara","district":"Çankaya",
            "applicant":{"name":"Mehmet Kaya","phone":"0532 111 22 33"},
            "reply_channel":"sms",
            "kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let tn = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    let case = eventually(std::time::Duration::from_secs(30), "the case", async || {
        cases
            .get_case(auth(
                &token,
                pb::GetCaseRequest {
                    case_id: String::new(),
                    tracking_number: tn.clone(),
                },
            ))
            .await
            .ok()
            .and_then(|r| r.into_inner().case)
    })
    .await;
    cases
        .claim_cases(auth(
            &token,
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();

    let s = chrome.session(addr, "browser_ready_answers").await.unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    let record = format!("/kayit/{}", case.id);
    s.goto(&record).await.unwrap();

    // Pick and insert: filled for this record.
    s.choose("Hazır cevap", "Arıza giderildi").await.unwrap();
    s.click_button("Yerleştir").await.unwrap();
    let page = s.text().await.unwrap();
    shows(&page, &["Hazır cevap bu kayda göre dolduruldu."]);
    let filled = s.value("#aciklama").await.unwrap();
    assert!(
        filled.starts_with("Sayın Mehmet Kaya, ")
            && filled.contains(&format!("{tn} numaralı başvurunuzda"))
            && !filled.contains("{{"),
        "{filled}"
    );
    s.screenshot("hazir-cevap-yerlestirildi").await.unwrap();

    // Edit, then preview: the SMS as the citizen gets it.
    let edited = format!("{filled} Ekibimiz hattı yıkayıp klorladı.");
    s.fill_in("#aciklama", &edited).await.unwrap();
    s.click_button("Önizle").await.unwrap();
    let preview = s.one("#onizleme").await.unwrap().text().await.unwrap();
    shows(
        &preview,
        &[
            "Vatandaşa gidecek ileti",
            &format!("{tn} numaralı başvurunuz sonuçlandı. Yanıtımız: Sayın Mehmet Kaya"),
            "Ekibimiz hattı yıkayıp klorladı.",
            "SMS (GSM 7 bit, Türkçe karakterli)",
        ],
    );
    assert_eq!(
        s.value("#aciklama").await.unwrap(),
        edited,
        "the edited answer is kept"
    );
    s.screenshot("onizleme").await.unwrap();

    // Close with it.
    s.choose("Kapanış nedeni", "Çözüldü").await.unwrap();
    s.click_text(
        "label",
        "Kaydedince kayıt kapanır ve yetkili açıklaması vatandaşa seçtiği kanaldan iletilir; onaylıyorum.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{record}?durum=kaydedildi")
    );
    shows(
        &s.text().await.unwrap(),
        &["Yetkili açıklaması kaydedildi; kayıt kapatıldı.", &edited],
    );
    s.screenshot("kapatildi").await.unwrap();

    s.close().await.unwrap();
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
