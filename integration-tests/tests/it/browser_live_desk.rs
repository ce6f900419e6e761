//! The live desk and the search box in a real Chromium against `tekmerkez
//! dev` (no demo records):
//!
//! - an Ankara expert keeps *Çağrı Havuzu* open in two tabs; an application
//!   filed in Ankara appears without reloading: a notice naming it (an
//!   alert when urgent), its row in the list, the menu's count one up, in
//!   both tabs, which share one event stream; Kocaeli's expert, watching at
//!   the same time, is told of Kocaeli's record and never of Ankara's;
//! - the expert types a misspelt word in the header's search box and finds
//!   the record, marked as found by a similar spelling.
//!
//! Screens under `test-artifacts/screens/browser_live_desk/`.

use serde_json::Value;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, Session},
    wait::eventually,
};

use crate::channels::{WAIT, start};

async fn run_js(s: &Session, script: &str) -> Value {
    s.client().execute(script, vec![]).await.unwrap()
}

/// The texts of the live notices shown now.
async fn notices(s: &Session) -> Vec<String> {
    let v = run_js(
        s,
        "return Array.from(document.querySelectorAll('#canli .canli-bildirim'))
                .map(n => n.className + '|' + n.textContent);",
    )
    .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

/// The menu's count on *Çağrı Havuzu* (0 when none is shown).
async fn pool_count(s: &Session) -> u64 {
    let v = run_js(
        s,
        "const n = document.querySelector('nav.masa a[data-yol=\"/cagri-havuzu\"] .sayi');
         return n ? n.textContent.replace(/\\D/g, '') : '0';",
    )
    .await;
    v.as_str().unwrap().parse().unwrap_or(0)
}

/// The tracking numbers in the list's rows.
async fn rows(s: &Session) -> Vec<String> {
    let v = run_js(
        s,
        "return Array.from(document.querySelectorAll('table.liste a.satir')).map(a => a.textContent.trim());",
    )
    .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

/// Marks the page, so that a reload (which would drop the mark) shows.
async fn mark(s: &Session) {
    run_js(s, "window.__notReloaded = true; return null;").await;
}

async fn still_marked(s: &Session) -> bool {
    run_js(s, "return window.__notReloaded === true;").await == Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_records_appear_live_in_every_tab_and_only_in_their_province() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let ankara = chrome.session(app.http, "browser_live_desk").await.unwrap();
    let kocaeli = chrome.session(app.http, "browser_live_desk").await.unwrap();
    ankara.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    kocaeli
        .sign_in("uzman.kocaeli", DEMO_PASSWORD)
        .await
        .unwrap();
    ankara.goto("/cagri-havuzu").await.unwrap();
    kocaeli.goto("/cagri-havuzu").await.unwrap();
    // A second tab of the Ankara expert's browser, on the same list.
    let first_tab = ankara.client().window().await.unwrap();
    let second = ankara.client().new_window(true).await.unwrap();
    ankara
        .client()
        .switch_to_window(second.handle)
        .await
        .unwrap();
    ankara.goto("/cagri-havuzu").await.unwrap();
    let second_tab = ankara.client().window().await.unwrap();
    let before = pool_count(&ankara).await;
    for tab in [&first_tab, &second_tab] {
        ankara.client().switch_to_window(tab.clone()).await.unwrap();
        mark(&ankara).await;
    }
    mark(&kocaeli).await;
    // Each page says when its stream is open: what is filed from then on
    // reaches it.
    let open = "return document.querySelector('#canli[data-hazir]') !== null;";
    for tab in [&first_tab, &second_tab] {
        ankara.client().switch_to_window(tab.clone()).await.unwrap();
        eventually(WAIT, "the tab's stream is open", async || {
            run_js(&ankara, open).await == Value::Bool(true)
        })
        .await;
    }
    eventually(WAIT, "Kocaeli's stream is open", async || {
        run_js(&kocaeli, open).await == Value::Bool(true)
    })
    .await;

    let in_ankara = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 610 20 01",
            "Ana boru patladı, su yola taşıyor.",
        )
        .await;
    for tab in [&first_tab, &second_tab] {
        ankara.client().switch_to_window(tab.clone()).await.unwrap();
        let shown = eventually(WAIT, "the notice in each tab", async || {
            notices(&ankara)
                .await
                .into_iter()
                .find(|n| n.contains(&in_ankara))
        })
        .await;
        assert!(
            shown.contains("Havuzunuza yeni kayıt") || shown.contains("ACİL"),
            "worded: {shown}"
        );
        if shown.contains("ACİL") {
            assert!(
                shown.starts_with("canli-bildirim acil"),
                "an urgent one is an alert: {shown}"
            );
        }
        let drawn = tekmerkez_integration_tests::wait::within(WAIT, async || {
            rows(&ankara).await.contains(&in_ankara)
        })
        .await;
        assert!(
            drawn.is_some(),
            "the row in the list without a reload: {}",
            ankara.text().await.unwrap()
        );
        eventually(WAIT, "the menu's count one up", async || {
            pool_count(&ankara).await == before + 1
        })
        .await;
        assert!(still_marked(&ankara).await, "the page was not reloaded");
    }
    ankara
        .client()
        .switch_to_window(first_tab.clone())
        .await
        .unwrap();
    ankara.screenshot("ankara-notice").await.unwrap();

    let in_gebze = app
        .apply_text(
            "Kocaeli",
            "Gebze",
            "su_arizasi",
            "0532 610 20 02",
            "Sayaç akıtıyor.",
        )
        .await;
    eventually(WAIT, "Kocaeli's own record on its desk", async || {
        notices(&kocaeli)
            .await
            .iter()
            .any(|n| n.contains(&in_gebze))
    })
    .await;
    assert!(
        notices(&kocaeli)
            .await
            .iter()
            .all(|n| !n.contains(&in_ankara)),
        "Ankara's record, filed first, never reached Kocaeli"
    );
    assert!(!rows(&kocaeli).await.contains(&in_ankara));
    assert!(still_marked(&kocaeli).await);
    kocaeli.screenshot("kocaeli-notice").await.unwrap();

    // The header's search box, with a misspelt word: "borru" for "boru".
    ankara.one("#ara-q").await.unwrap().click().await.unwrap();
    ankara.keys("borru").await.unwrap();
    ankara.keys_navigating("\u{E007}").await.unwrap();
    assert!(ankara.path().await.unwrap().starts_with("/ara?q=borru"));
    let page = ankara.text().await.unwrap();
    assert!(
        page.contains(&in_ankara),
        "found by a similar spelling: {page}"
    );
    assert!(page.contains("Benzer yazım"), "{page}");
    assert!(
        !page.contains(&in_gebze),
        "Kocaeli's is out of scope: {page}"
    );
    ankara.screenshot("search-misspelt").await.unwrap();

    ankara.close().await.unwrap();
    kocaeli.close().await.unwrap();
    app.stop().await;
}
