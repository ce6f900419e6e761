//! Outages where citizens look, in a real Chromium against `tekmerkez dev`
//! and its demo's planned outage in İzmit: the public `/kesintiler` page
//! (by province), the form `/basvuru` (choosing İzmit shows the outage
//! before the citizen writes, in Turkish and in English; another district
//! shows nothing), the app API `GET /v1/outages` (the mobile app's list and
//! its field errors) and `/takip` (an application filed in İzmit shows the
//! outage beside its status). Screens under
//! `test-artifacts/screens/browser_outages/`.

use std::time::Duration;

use serde_json::Value;
use tekmerkez_integration_tests::browser::{Chrome, Session};

use crate::channels::start;

const TITLE: &str = "İzmit'te planlı şebeke çalışması";

/// The text of `#kesinti` once the script has filled it (empty when it
/// stays hidden for two seconds).
async fn notice_box(s: &Session) -> String {
    for _ in 0..20 {
        let shown = s.one("#kesinti").await.unwrap().text().await.unwrap();
        if !shown.trim().is_empty() {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    String::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_outage_shows_on_the_outages_page_the_form_the_api_and_tracking() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 10).await;
    let s = chrome.session(app.http, "browser_outages").await.unwrap();

    s.goto("/kesintiler").await.unwrap();
    let page = s.text().await.unwrap();
    assert!(page.contains(TITLE), "{page}");
    assert!(page.contains("kadar planlı çalışma var."), "{page}");
    assert!(page.contains("Cedit Mah"), "the neighbourhoods: {page}");
    s.screenshot("kesintiler").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.click_button("Göster").await.unwrap();
    assert!(s.path().await.unwrap().contains("il=6"));
    assert_eq!(
        s.one("#kesinti-yok").await.unwrap().text().await.unwrap(),
        "Şu anda bildirilmiş bir kesinti yok."
    );

    s.goto("/basvuru").await.unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("İlçe", "İzmit").await.unwrap();
    let shown = notice_box(&s).await;
    assert!(
        shown.contains("Bu ilçede bildirilmiş bir kesinti var"),
        "{shown}"
    );
    assert!(shown.contains("kadar planlı çalışma var."), "{shown}");
    assert!(shown.contains(TITLE), "{shown}");
    s.screenshot("basvuru-izmit").await.unwrap();
    s.choose("İlçe", "Gebze").await.unwrap();
    assert_eq!(notice_box(&s).await, "", "nothing announced in Gebze");

    s.goto("/basvuru?lang=en").await.unwrap();
    s.choose("Province", "Kocaeli").await.unwrap();
    s.choose("District", "İzmit").await.unwrap();
    let shown = notice_box(&s).await;
    assert!(
        shown.contains("There is planned work in your area until"),
        "{shown}"
    );

    let api = |q: &str| {
        let url = app.url(&format!("/v1/outages{q}"));
        async move {
            let r = reqwest::get(url).await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = api("?province=41&district=izmit").await;
    assert_eq!(status, 200);
    let outages = body["outages"].as_array().unwrap();
    assert_eq!(outages.len(), 1, "{body}");
    assert_eq!(outages[0]["kind"], "planned");
    assert_eq!(outages[0]["areas"][0]["district"], "İzmit");
    assert!(
        outages[0]["notice"]
            .as_str()
            .unwrap()
            .starts_with("Bölgenizde")
    );
    assert_eq!(outages[0]["under_way"], true);
    let (_, none) = api("?province=41&district=Gebze").await;
    assert_eq!(none["outages"].as_array().unwrap().len(), 0);
    let (status, refused) = api("?province=99").await;
    assert_eq!(status, 400);
    assert!(refused["errors"]["province"].is_array(), "{refused}");
    let (status, refused) = api("?province=41&district=Karşıyaka").await;
    assert_eq!(status, 400);
    assert!(refused["errors"]["district"].is_array(), "{refused}");

    let tracking = app
        .apply("Kocaeli", "İzmit", "su_arizasi", "0532 700 11 22")
        .await;
    s.goto("/takip").await.unwrap();
    s.fill("takip", &tracking).await.unwrap();
    s.fill("son4", "1122").await.unwrap();
    s.submit("takip").await.unwrap();
    // In English: the language the citizen chose on the form stays theirs.
    let page = s.text().await.unwrap();
    assert!(
        page.contains("Outages in your application's area"),
        "{page}"
    );
    assert!(
        page.contains("There is planned work in your area until"),
        "{page}"
    );
    assert!(page.contains(TITLE), "{page}");
    s.screenshot("takip").await.unwrap();

    s.close().await.unwrap();
    app.stop().await;
}
