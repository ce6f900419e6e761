//! *Rapor Alıcıları* in a real Chromium against `tekmerkez dev`: the admin
//! opens it from *Yönetim*, types the water directorate's recipients with
//! a bad address and English as the report's language; the save is refused
//! by that field, naming the address, with everything typed kept, the field
//! marked and focused; corrected, it is saved and shown. Screens under
//! `test-artifacts/screens/browser_report_recipients/`. (The e-mail itself
//! and a stale edit: `reports_periodic`.)

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, shows};

const PAGE: &str = "/yonetim/rapor-alicilari";
const WATER: &str = "Su ve Kanalizasyon Dairesi Başkanlığı";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sets_a_directorates_recipients_and_a_bad_address_is_named_with_the_typing_kept() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_report_recipients")
        .await
        .unwrap();
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim").await.unwrap();
    s.click_link("Rapor Alıcıları").await.unwrap();
    assert_eq!(s.path().await.unwrap(), PAGE);
    shows(
        &s.text().await.unwrap(),
        &[
            "Rapor Alıcıları",
            WATER,
            "Henüz gönderilmedi",
            "Her satıra bir e-posta adresi",
        ],
    );
    let page = s.page().await.unwrap();
    let row = page
        .attrs("#rapor-alicilari tbody tr", "id")
        .into_iter()
        .find(|id| page.text_in(&format!("#{id} th")).contains(WATER))
        .expect("the water directorate's row");
    let (recipients, language) = (
        format!("tr#{row} textarea[name=alicilar]"),
        format!("tr#{row} select[name=dil]"),
    );
    s.screenshot("rapor-alicilari").await.unwrap();

    // A bad address: refused by the field, naming it; all typed kept.
    let typed = "mudur@su.example.gov.tr\nbozuk-adres";
    s.fill_in(&recipients, typed).await.unwrap();
    s.choose_in(&language, "İngilizce").await.unwrap();
    s.click_button(&format!("Kaydet: {WATER}")).await.unwrap();
    assert_eq!(
        s.texts(&format!("#alici-hata-{}", row.trim_start_matches("daire-")))
            .await
            .unwrap(),
        ["Geçerli bir e-posta adresi değil: bozuk-adres"]
    );
    assert_eq!(s.value(&recipients).await.unwrap(), typed);
    assert_eq!(s.value(&language).await.unwrap(), "en");
    let field = s.one(&recipients).await.unwrap();
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        s.focused().await.unwrap().attr("aria-label").await.unwrap(),
        Some(format!("Alıcılar: {WATER}"))
    );
    s.screenshot("bozuk-adres").await.unwrap();

    // Corrected and saved: told so, the list and the language as saved.
    let fixed = "mudur@su.example.gov.tr\nrapor@su.example.gov.tr";
    s.fill_in(&recipients, fixed).await.unwrap();
    s.click_button(&format!("Kaydet: {WATER}")).await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{PAGE}?durum=kaydedildi"));
    assert_eq!(
        s.one("#durum").await.unwrap().text().await.unwrap(),
        "Alıcılar kaydedildi."
    );
    assert_eq!(s.value(&recipients).await.unwrap(), fixed);
    assert_eq!(s.value(&language).await.unwrap(), "en");
    s.screenshot("kaydedildi").await.unwrap();
    s.close().await.unwrap();
}
