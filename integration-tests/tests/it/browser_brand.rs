//! The institution is one setting (`institution` of `tekmerkez`'s settings)
//! and every place names it alike, in a real Chromium against `tekmerkez
//! dev` set up for another institution than the shipped one: the sign-in
//! page's and a desk page's header and title, the receipt of an Ankara
//! record a call-centre agent enters, the SMS the citizen gets and the
//! citizen form's header and title — no
//! "tekmerkez Çağrı Merkezi", "Tek Merkez" or "Kocaeli İSU Alo 185"
//! anywhere. Screens under `test-artifacts/screens/browser_brand/`.

use serde_json::Value;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_integration_tests::wait::eventually;

use crate::channels::start;

const NAME: &str = "Ankara Büyükşehir Belediyesi ASKİ Genel Müdürlüğü";
const SHORT: &str = "ASKİ";
const OTHERS: [&str; 4] = [
    "tekmerkez Çağrı Merkezi",
    "Tek Merkez",
    "Kocaeli İSU",
    "Alo 185",
];

/// The page's header names the institution, the title its short name, and
/// no other name shows.
async fn named_alike(s: &Session) {
    let header = s.one("header .app").await.unwrap().text().await.unwrap();
    assert_eq!(header.trim(), NAME);
    let title = s.title().await.unwrap();
    assert!(title.ends_with(&format!("— {SHORT}")), "{title}");
    let text = s.text().await.unwrap();
    for other in OTHERS {
        assert!(
            !text.contains(other),
            "{other} on {}",
            s.path().await.unwrap()
        );
    }
}

/// Picks the option starting with `text` in the list labelled `label`.
async fn choose(s: &Session, label: &str, text: &str) {
    s.labelled(label)
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_institution_setting_names_the_header_titles_the_receipt_and_the_sms() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| {
        s.institution.name = NAME.to_owned();
        s.institution.short_name = SHORT.to_owned();
    })
    .await;
    let s = chrome.session(app.http, "browser_brand").await.unwrap();

    s.goto("/giris").await.unwrap();
    named_alike(&s).await;
    s.screenshot("giris").await.unwrap();

    // A call about Ankara, entered by the call-centre agent: its receipt.
    s.sign_in("cagrimerkezi", DEMO_PASSWORD).await.unwrap();
    named_alike(&s).await;
    s.click_link("Çağrı Kaydı").await.unwrap();
    named_alike(&s).await;
    choose(&s, "Konu", "Su arızası").await;
    s.fill_label(
        "Başvuru metni",
        "Çankaya'da ana boru patladı, sokak su altında.",
    )
    .await
    .unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Çankaya").await.unwrap();
    s.fill_label("Ad Soyad", "Ayşe Yılmaz").await.unwrap();
    s.fill_label("Telefon", "0532 111 22 44").await.unwrap();
    s.click_text(
        "label",
        "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/alindi/"));
    named_alike(&s).await;
    let receipt = s.one(".belge .kurum").await.unwrap().text().await.unwrap();
    assert_eq!(receipt.trim(), NAME, "the receipt names the institution");
    let tn = s
        .one("#takip-numarasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned();
    s.screenshot("alindi-belgesi").await.unwrap();

    // The citizen's SMS names the same institution.
    let sms = eventually(
        std::time::Duration::from_secs(20),
        "the receipt SMS",
        || async {
            let list: Vec<Value> = reqwest::get(app.url("/dev/sms.json"))
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            list.into_iter()
                .filter_map(|m| m["body"].as_str().map(str::to_owned))
                .find(|b| b.contains(&tn))
        },
    )
    .await;
    assert!(sms.contains(NAME), "{sms}");
    for other in OTHERS {
        assert!(!sms.contains(other), "{other} in {sms}");
    }
    s.goto("/dev/sms").await.unwrap();
    shows(&s.text().await.unwrap(), &[&tn]);
    s.screenshot("sms").await.unwrap();

    // The citizen form (intake's page) is headed and titled alike.
    s.goto("/basvuru").await.unwrap();
    let heading = s.one("#kurum").await.unwrap().text().await.unwrap();
    assert_eq!(heading.trim(), NAME);
    let title = s.title().await.unwrap();
    assert_eq!(title, format!("Başvuru formu — {SHORT}"));
    let text = s.text().await.unwrap();
    for other in OTHERS {
        assert!(!text.contains(other), "{other} on the citizen form");
    }
    s.screenshot("basvuru").await.unwrap();
}
