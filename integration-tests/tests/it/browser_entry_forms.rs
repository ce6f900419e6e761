//! The staff entry forms in a real Chromium against `tekmerkez dev`, for
//! what goes wrong on a busy desk: the province list in Turkish alphabetical
//! order (not plate order), the district list offering only the chosen
//! province's districts (none before), a letter whose applicant gave a
//! landline with an SMS reply (refused at the phone field, in Turkish and in
//! English, with everything typed kept and the focus on the phone), and the
//! same letter answered by post: recorded, and no SMS goes to the landline.
//! Screens under `test-artifacts/screens/browser_entry_forms/`.

use serde_json::Value;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};

use crate::channels::{Running, start};

const CONSENT: &str = "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.";
const LANDLINE: &str = "0 (312) 555 12 34";
const LANDLINE_E164: &str = "+903125551234";
const TEXT: &str = "Sokağımızdaki aydınlatma direği devrildi; kaldırımı kapatıyor.";

/// The texts of the options a list offers now (enabled, in a shown group,
/// not the empty choice), in page order.
async fn offered(s: &Session, id: &str) -> Vec<String> {
    let v: Value = s
        .client()
        .execute(
            "return Array.from(document.getElementById(arguments[0]).options)
               .filter(o => o.value && !o.disabled && !(o.parentElement.disabled || o.parentElement.hidden))
               .map(o => o.text);",
            vec![Value::from(id)],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// The SMS the dev sink holds for `recipient`.
async fn sms_to(app: &Running, recipient: &str) -> Vec<Value> {
    let list: Vec<Value> = reqwest::get(app.url("/dev/sms.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.into_iter()
        .filter(|m| m["recipient"] == recipient)
        .collect()
}

/// Fills a letter for an applicant in Ankara with `phone`, replied by SMS.
async fn fill_letter(s: &Session, phone: &str) {
    s.choose("Konu", "Fatura ve abonelik").await.unwrap();
    s.fill_label("Başvuru metni", TEXT).await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Çankaya").await.unwrap();
    s.fill_label("Gelen evrak no", "2026/0312").await.unwrap();
    s.fill_label("Ad Soyad", "Hülya Çağlayan").await.unwrap();
    s.fill_label("Telefon", phone).await.unwrap();
    s.click_text("label", "SMS").await.unwrap();
    if !s.one("#kvkk").await.unwrap().is_selected().await.unwrap() {
        s.click_text("label", CONSENT).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_with_a_landline_for_an_sms_reply_is_refused_at_the_phone_and_no_sms_reaches_a_landline()
 {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_entry_forms")
        .await
        .unwrap();
    s.sign_in("danisma", DEMO_PASSWORD).await.unwrap();
    s.click_link("Yazılı Başvuru (Dilekçe)").await.unwrap();

    // The province list: all 81, by name in Turkish order, not by plate.
    let provinces = offered(&s, "il").await;
    assert_eq!(provinces.len(), 81);
    assert_eq!(
        &provinces[..5],
        ["Adana", "Adıyaman", "Afyonkarahisar", "Ağrı", "Aksaray"]
    );
    let at = |n: &str| provinces.iter().position(|p| p == n).unwrap();
    assert!(at("Bursa") < at("Çanakkale") && at("Çanakkale") < at("Çankırı"));
    assert!(at("Isparta") < at("İstanbul") && at("İstanbul") < at("İzmir"));
    assert!(at("Sivas") < at("Şanlıurfa") && at("Şırnak") < at("Tekirdağ"));
    // Before a province is chosen the district list offers nothing…
    assert_eq!(offered(&s, "ilce").await, Vec::<String>::new());
    s.screenshot("yazi-bos").await.unwrap();
    // …then only the province's districts, in Turkish order.
    s.choose("İl", "Ankara").await.unwrap();
    let districts = offered(&s, "ilce").await;
    assert_eq!(districts.len(), 25, "{districts:?}");
    assert!(
        districts.contains(&"Çankaya".to_owned()) && districts.contains(&"Keçiören".to_owned())
    );
    assert!(!districts.contains(&"İzmit".to_owned()), "{districts:?}");
    assert!(
        districts.iter().position(|d| d == "Çubuk") < districts.iter().position(|d| d == "Elmadağ")
    );
    s.choose("İl", "Kocaeli").await.unwrap();
    let districts = offered(&s, "ilce").await;
    assert!(districts.contains(&"İzmit".to_owned()) && !districts.contains(&"Çankaya".to_owned()));

    // A landline with an SMS reply: refused at the phone, everything kept.
    fill_letter(&s, LANDLINE).await;
    s.screenshot("yazi-sabit-hat-sms").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/kayit-girisi/yazi");
    let listed = s.texts("#alan-hatalari li").await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with("Telefon: SMS ile yanıt için cep telefonu numarası (05xx) gerekir"),
        "{listed:?}"
    );
    let said = s.one("#telefon-hata").await.unwrap().text().await.unwrap();
    assert!(said.contains("sabit hatta"), "{said}");
    let focused = s.focused().await.unwrap().attr("id").await.unwrap();
    assert_eq!(
        focused.as_deref(),
        Some("telefon"),
        "the focus is on the phone"
    );
    for (id, typed) in [
        ("metin", TEXT),
        ("il", "6"),
        ("ilce", "Çankaya"),
        ("referans", "2026/0312"),
        ("ad", "Hülya Çağlayan"),
        ("telefon", LANDLINE),
        ("konu", "fatura"),
    ] {
        assert_eq!(
            s.value(&format!("#{id}")).await.unwrap(),
            typed,
            "{id} is kept"
        );
    }
    assert!(s.one("#kvkk").await.unwrap().is_selected().await.unwrap());
    assert!(
        s.one("#yanit-sms")
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap()
    );
    assert_eq!(offered(&s, "ilce").await.len(), 25, "Ankara's districts");
    s.screenshot("yazi-sabit-hat-reddedildi").await.unwrap();

    // Answered by post instead: recorded, the landline kept as contact.
    s.click_text("label", "Posta (yazılı yanıt)").await.unwrap();
    s.fill_label("Adres", "Atatürk Bulvarı No: 101, Çankaya")
        .await
        .unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/alindi/"));
    let tn = s
        .one("#takip-numarasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned();
    let case = app.case(&tn).await;
    let place = case.location.unwrap();
    assert_eq!(
        (place.province_code, place.district.as_str()),
        (6, "Çankaya")
    );

    // A second letter, from a mobile: the printed receipt is its
    // acknowledgement, so no SMS either. A web-form application filed next
    // is acknowledged by SMS; by then the letters' events are handled too.
    s.goto("/kayit-girisi/yazi").await.unwrap();
    fill_letter(&s, "0541 777 88 99").await;
    s.click_button("Kaydet").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/alindi/"));
    app.apply("Ankara", "Çankaya", "su_arizasi", "0541 777 88 00")
        .await;
    tekmerkez_integration_tests::wait::eventually(
        std::time::Duration::from_secs(20),
        "the web-form applicant's SMS",
        async || !sms_to(&app, "+905417778800").await.is_empty(),
    )
    .await;
    assert_eq!(
        sms_to(&app, LANDLINE_E164).await,
        Vec::<Value>::new(),
        "no SMS to a landline"
    );
    assert_eq!(
        sms_to(&app, "+905417778899").await,
        Vec::<Value>::new(),
        "a letter is acknowledged by its printed receipt, not by SMS"
    );

    // In English, the same refusal names the field in English.
    s.goto("/kayit-girisi/yazi?lang=en").await.unwrap();
    s.choose("Subject", "Bills and subscription").await.unwrap();
    s.fill_label("Application text", TEXT).await.unwrap();
    s.choose("Province", "Ankara").await.unwrap();
    s.choose("District", "Çankaya").await.unwrap();
    s.fill_label("Phone", LANDLINE).await.unwrap();
    s.click_text("label", "SMS").await.unwrap();
    s.click_button("Save").await.unwrap();
    let listed = s.texts("#alan-hatalari li").await.unwrap();
    assert!(
        listed
            .iter()
            .any(|l| l.starts_with("Phone: An SMS reply needs a mobile number (05xx)")),
        "{listed:?}"
    );
    shows(&s.text().await.unwrap(), &["Province", "District"]);
    s.screenshot("yazi-sabit-hat-en").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
