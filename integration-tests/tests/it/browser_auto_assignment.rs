//! *Otomatik Atama* in a real Chromium against `tekmerkez dev` (issue 21,
//! part 4): Ankara's pool manager opens the water pool's page from *Havuz
//! Yönetimi*, switches it on (least loaded) and saves; an expert leaves the
//! desk with the header's "Müsait değilim", so a new application goes to
//! the other expert; back with "Müsait ol", the next one appears on their
//! own list, assigned to them with the step "Atandı (otomatik)". Screens
//! under `test-artifacts/screens/browser_auto_assignment/`.

use std::time::Duration;

use crate::channels::{Running, start};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, Session, shows},
    wait::eventually,
};

const TEST: &str = "browser_auto_assignment";

/// Files a water-fault application in Ankara/Çankaya: its tracking number.
async fn arrive(app: &Running, n: u32) -> String {
    let tn = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            &format!("0532 222 33 {n:02}"),
            "Caddede su borusu patladı, yol su altında.",
        )
        .await;
    app.case(&tn).await;
    tn
}

/// Waits until `tn` is listed on `s`'s *Üzerimdeki Çağrılar*.
async fn appears_on_my_list(s: &Session, tn: &str) {
    eventually(
        Duration::from_secs(20),
        "the record on the expert's own list",
        || async {
            s.goto("/uzerimdeki").await.unwrap();
            s.text().await.unwrap().contains(tn)
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_switches_it_on_an_expert_toggles_presence_and_records_arrive_assigned() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let (m, mehmet, zeynep) = tokio::join!(
        chrome.session(app.http, TEST),
        chrome.session(app.http, TEST),
        chrome.session(app.http, TEST)
    );
    let (m, mehmet, zeynep) = (m.unwrap(), mehmet.unwrap(), zeynep.unwrap());
    m.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    mehmet.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    zeynep
        .sign_in("uzman2.ankara", DEMO_PASSWORD)
        .await
        .unwrap();

    m.goto("/havuz").await.unwrap();
    // Folded away on the heading's line: opened first.
    m.one("#otomatik-atama summary")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    m.click_link_in("otomatik-atama", "Ankara Su Arıza Birimi")
        .await
        .unwrap();
    shows(
        &m.text().await.unwrap(),
        &[
            "Otomatik Atama",
            "Ankara Su Arıza Birimi",
            "Mehmet Öztürk",
            "Zeynep Çelik",
            "Müsait",
            "Her konu",
        ],
    );
    m.one("#acik").await.unwrap().click().await.unwrap();
    m.choose("Dağıtım yöntemi", "En az yüklüye").await.unwrap();
    m.click_button_in("Otomatik Atama", "Kaydet").await.unwrap();
    shows(&m.text().await.unwrap(), &["Kaydedildi."]);
    assert_eq!(m.value("#yontem").await.unwrap(), "2");
    m.screenshot("acildi").await.unwrap();

    // Zeynep leaves the desk: the next record goes to Mehmet.
    zeynep.goto("/cagri-havuzu").await.unwrap();
    shows(&zeynep.text().await.unwrap(), &["Müsait", "Müsait değilim"]);
    zeynep.click_button("Müsait değilim").await.unwrap();
    assert_eq!(zeynep.path().await.unwrap(), "/cagri-havuzu");
    shows(
        &zeynep.text().await.unwrap(),
        &["Müsait değil", "Müsait ol"],
    );
    zeynep.screenshot("musait-degil").await.unwrap();
    let first = arrive(&app, 1).await;
    appears_on_my_list(&mehmet, &first).await;

    // Back at the desk, Zeynep (holding fewer) gets the next one.
    zeynep.click_button("Müsait ol").await.unwrap();
    shows(&zeynep.text().await.unwrap(), &["Müsait değilim"]);
    let second = arrive(&app, 2).await;
    appears_on_my_list(&zeynep, &second).await;
    zeynep.screenshot("atandi").await.unwrap();
    zeynep.click_link(&format!("Aç {second}")).await.unwrap();
    shows(&zeynep.text().await.unwrap(), &[second.as_str()]);
    // The steps sit in a closed <details>: read them from the page's HTML.
    let steps = zeynep.page().await.unwrap().texts("ol.adimlar li");
    assert!(
        steps.iter().any(|s| s.contains("Atandı (otomatik)")),
        "{steps:?}"
    );

    for s in [m, mehmet, zeynep] {
        s.close().await.unwrap();
    }
    app.stop().await;
}
