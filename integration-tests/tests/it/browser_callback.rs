//! The callback agent's work in a real Chromium against `tekmerkez dev`
//! with its demo records: sign in, *Geri Dönüş Havuzu* (closed records whose
//! citizen asked to be called back), claim one, open it (the phone number
//! to call and the official answer to read out), record "not reached"
//! (refused until a time to call again is given, then saved with it), and
//! later "reached and informed", which resolves the record and takes it off
//! the list; its page then says it was resolved and offers reopening. The
//! case service confirms the outcome. Screens under
//! `test-artifacts/screens/browser_callback/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, shows};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_agent_claims_a_record_cannot_reach_the_citizen_then_does_and_it_is_resolved() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let s = chrome.session(app.http, "browser_callback").await.unwrap();

    s.sign_in("geridonus", DEMO_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Hoş geldiniz, Gülşen Kılıç", "Geri Dönüş Havuzu"],
    );
    s.screenshot("ana-menu").await.unwrap();

    // Geri Dönüş Havuzu: claim one record.
    s.click_link("Geri Dönüş Havuzu").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/geri-donus");
    shows(
        &s.text().await.unwrap(),
        &[
            "Geri Dönüş Havuzu",
            "Takip numarası",
            "Seçilenleri Üzerime Al",
        ],
    );
    let tn = s
        .offered()
        .await
        .unwrap()
        .first()
        .cloned()
        .expect("the demo data has records awaiting a callback");
    s.screenshot("geri-donus-havuzu").await.unwrap();
    s.tick(&format!("Seç {tn}")).await.unwrap();
    s.click_button("Seçilenleri Üzerime Al").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/uzerimdeki?durum=alindi");
    shows(
        &s.text().await.unwrap(),
        &["Seçtiğiniz kayıtlar üzerinize alındı.", &tn],
    );
    s.screenshot("uzerimdeki-alindi").await.unwrap();

    // The record: a phone reply, the number to call, the answer to read out.
    s.click_link(&format!("Aç {tn}")).await.unwrap();
    // Opened from the list, the record remembers it (`?from=`, for "next
    // record"); this walk goes on with the record alone, as opened directly.
    let record_path = s.path().await.unwrap();
    let record_path = record_path.split('?').next().unwrap().to_owned();
    s.goto(&record_path).await.unwrap();
    let record = s.text().await.unwrap();
    shows(
        &record,
        &[
            &format!("Kayıt {tn}"),
            "Telefonla geri dönüş",
            "Yetkili Açıklaması",
            "Geri Dönüş Sonucu",
            "Görüşmenin sonucunu seçiniz.",
            "Ulaşıldı, bilgi verildi",
            "Ulaşılamadı, yeniden aranacak",
            "Sonucu Kaydet",
        ],
    );
    assert!(
        !record.contains("iletişim bilgileri gizli"),
        "the agent sees the phone number to call:\n{record}"
    );
    let case = app.case(&tn).await;
    assert_eq!(
        case.reply_channel,
        tekmerkez_proto::common_v1::ReplyChannel::PhoneCallback as i32
    );
    // Shown as it is dialled: 0XXX XXX XX XX.
    let e164 = case.contact.as_ref().unwrap().phone.clone();
    let d = e164.strip_prefix("+90").unwrap();
    let phone = format!("0{} {} {} {}", &d[..3], &d[3..6], &d[6..8], &d[8..]);
    assert!(record.contains(&phone), "{phone} shown");
    s.screenshot("kayit").await.unwrap();

    // "Not reached" without a time to call again: refused, told why.
    let note = "Telefonu açmadı; yarın sabah yeniden aranacak.";
    s.click_text("label", "Ulaşılamadı, yeniden aranacak")
        .await
        .unwrap();
    s.fill_label("Görüşme notu", note).await.unwrap();
    s.click_button("Sonucu Kaydet").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{record_path}/geri-donus"));
    shows(
        &s.text().await.unwrap(),
        &["“Ulaşılamadı” için yeniden aranacağı ileri bir tarih ve saat giriniz."],
    );
    let kept = s
        .labelled("Görüşme notu")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(note), "the note is kept");
    s.screenshot("kayit-zaman-eksik").await.unwrap();

    // With a time (tomorrow 10:30 in Istanbul, typed as a person does).
    let tomorrow = jiff::Zoned::now()
        .in_tz("Europe/Istanbul")
        .unwrap()
        .date()
        .tomorrow()
        .unwrap();
    s.click_text("label", "Ulaşılamadı, yeniden aranacak")
        .await
        .unwrap();
    s.fill_datetime(
        "Yeniden arama zamanı",
        &format!("{}T10:30", tomorrow.strftime("%Y-%m-%d")),
    )
    .await
    .unwrap();
    s.fill_label("Görüşme notu", note).await.unwrap();
    s.screenshot("kayit-ulasilamadi").await.unwrap();
    s.click_button("Sonucu Kaydet").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{record_path}?durum=geri-donus-kaydedildi")
    );
    let saved = s.text().await.unwrap();
    shows(
        &saved,
        &[
            "Geri dönüş sonucu kaydedildi.",
            &format!(
                "Geri dönüş denemesi\n1 — Yeniden arama zamanı: {} 10:30",
                tomorrow.strftime("%d.%m.%Y")
            ),
            note,
            "Sonucu Kaydet",
        ],
    );
    s.screenshot("kayit-yeniden-aranacak").await.unwrap();
    let case = app.case(&tn).await;
    assert_eq!(case.status, pb::CaseStatus::AwaitingCallback as i32);
    assert_eq!(case.callback_attempts, 1);
    assert!(case.callback_retry_at.is_some());

    // Reached and informed: the record is resolved and leaves the list.
    s.click_text(
        "label",
        "Ulaşıldı, bilgi verildi (saha çalışması teyit edildi)",
    )
    .await
    .unwrap();
    let informed = "Vatandaşa yetkili açıklaması okundu; arızanın giderildiğini doğruladı.";
    s.fill_label("Görüşme notu", informed).await.unwrap();
    s.screenshot("kayit-ulasildi").await.unwrap();
    s.click_button("Sonucu Kaydet").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/geri-donus?durum=sonuclandi");
    shows(
        &s.text().await.unwrap(),
        &["Geri dönüş sonucu kaydedildi; kayıt sonuçlandırıldı."],
    );
    assert!(
        !s.offered().await.unwrap().contains(&tn),
        "{tn} left the list"
    );
    s.screenshot("geri-donus-sonuclandi").await.unwrap();

    let case = app.case(&tn).await;
    assert_eq!(case.status, pb::CaseStatus::Resolved as i32);
    assert_eq!(case.callback_attempts, 2);
    assert!(case.resolved_at.is_some());

    let mut cases = CaseServiceClient::new(app.channel().await);
    let steps: Vec<i32> = cases
        .get_history(app.as_user(
            "admin",
            pb::GetHistoryRequest {
                case_id: case.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .steps
        .iter()
        .map(|st| st.action)
        .collect();
    let recorded = pb::HistoryAction::CallbackRecorded as i32;
    assert_eq!(
        steps.iter().filter(|a| **a == recorded).count(),
        2,
        "both outcomes are steps: {steps:?}"
    );
    assert_eq!(steps.last(), Some(&(pb::HistoryAction::Resolved as i32)));

    // Resolved, the record is no longer the agent's to work: its page says
    // so (not "not found") and offers reopening it for the rest of the day.
    s.goto(&record_path).await.unwrap();
    let gone = s.text().await.unwrap();
    shows(
        &gone,
        &["Bu kayıt sonuçlandı: Gülşen Kılıç", "Kaydı Yeniden Aç"],
    );
    assert!(!gone.contains("Kayıt bulunamadı."), "{gone}");
    assert!(!gone.contains("Sonucu Kaydet"), "{gone}");
    s.screenshot("kayit-sonuclandi").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
