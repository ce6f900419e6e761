//! Refused forms keep what was typed, in a real Chromium against `tekmerkez
//! dev` (issue 15, defect 1): *Kullanıcı Bilgileri* with an invalid phone
//! keeps the edited name, and the notification template editor keeps a
//! template refused for an unknown variable. In both the error sits by its
//! field (aria-describedby) and the focus is on it. Screens under
//! `test-artifacts/screens/browser_forms/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, Session, shows},
    wait::eventually,
};

/// The id of the focused element.
async fn focused_id(s: &Session) -> String {
    s.focused()
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_profile_and_template_forms_come_back_as_typed_with_the_error_by_the_field() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, "browser_forms").await.unwrap();

    // Kullanıcı Bilgileri: a new name and a phone that is not one.
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    s.goto("/kullanici").await.unwrap();
    let name = "Mehmet Öztürk Çağlayan";
    s.fill_label("Ad soyad", name).await.unwrap();
    s.fill_label("İş telefonu", "12345").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    let page = s.text().await.unwrap();
    shows(&page, &["Geçerli bir telefon numarası"]);
    assert_eq!(
        s.value("#ad").await.unwrap(),
        name,
        "the edited name is kept"
    );
    assert_eq!(
        s.value("#telefon").await.unwrap(),
        "12345",
        "the phone as typed"
    );
    assert_eq!(focused_id(&s).await, "telefon");
    let phone = s.one("#telefon").await.unwrap();
    assert_eq!(
        phone.attr("aria-describedby").await.unwrap().as_deref(),
        Some("telefon-hata")
    );
    s.screenshot("kullanici-gecersiz-telefon").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // The template editor: an unknown variable is refused, the words kept.
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim/bildirimler").await.unwrap();
    let body = "Başvurunuz alındı (ğüşıöç). Takip: {{takip_numarasi}}";
    s.fill_in("#metin-basvuru_alindi-tr", body).await.unwrap();
    let save = s
        .client()
        .find(fantoccini::Locator::Css(
            "#sablon-basvuru_alindi-tr button[type=submit]",
        ))
        .await
        .unwrap();
    save.click().await.unwrap();
    eventually(
        std::time::Duration::from_secs(10),
        "the refused template's page",
        || async { s.one("#metin-hata-basvuru_alindi-tr").await.ok() },
    )
    .await;
    shows(&s.text().await.unwrap(), &["Kaydedilmedi: metin"]);
    assert_eq!(
        s.value("#metin-basvuru_alindi-tr").await.unwrap(),
        body,
        "kept"
    );
    assert_eq!(focused_id(&s).await, "metin-basvuru_alindi-tr");
    let field = s.one("#metin-basvuru_alindi-tr").await.unwrap();
    assert_eq!(
        field.attr("aria-describedby").await.unwrap().as_deref(),
        Some("metin-hata-basvuru_alindi-tr")
    );
    s.screenshot("sablon-bilinmeyen-degisken").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
