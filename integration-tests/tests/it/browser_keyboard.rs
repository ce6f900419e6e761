//! The keyboard alone in a real Chromium: the sign-in form starts in the
//! user-name field, Tab walks to the password and then to *Giriş yap*, each
//! field is named by its label, Enter signs in; on the home page Tab reaches
//! the menu and Enter opens *Çağrı Havuzu*. Screens (with the focus ring)
//! under `test-artifacts/screens/browser_keyboard/`.

use fantoccini::key::Key;
use tekmerkez::dev::Dev;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session};
use tekmerkez_integration_tests::web::dev_settings;
use tokio_util::sync::CancellationToken;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

/// What a screen reader would call the focused element: its label's text
/// for a field, its own text for a button or link.
async fn focused_name(s: &Session) -> String {
    let el = s.focused().await.unwrap();
    let tag = el.tag_name().await.unwrap();
    if tag == "input" || tag == "textarea" || tag == "select" {
        let id = el.attr("id").await.unwrap().unwrap_or_default();
        assert!(!id.is_empty(), "a focused field without an id has no label");
        s.one(&format!("label[for=\"{id}\"]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    } else {
        format!("{tag}:{}", el.text().await.unwrap().trim())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_form_works_with_tab_and_enter_alone() {
    let chrome = Chrome::start().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 30)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let s = chrome.session(addr, "browser_keyboard").await.unwrap();

    s.goto("/giris").await.unwrap();
    // The page opens with the user-name field focused.
    assert_eq!(focused_name(&s).await, "Kullanıcı adı");
    s.keys("uzman.ankara").await.unwrap();
    s.keys(&key(Key::Tab)).await.unwrap();
    assert_eq!(focused_name(&s).await, "Parola");
    s.keys(DEMO_PASSWORD).await.unwrap();
    s.keys(&key(Key::Tab)).await.unwrap();
    assert_eq!(focused_name(&s).await, "button:Giriş yap");
    s.screenshot("giris-dugmede").await.unwrap();
    s.keys_navigating(&key(Key::Enter)).await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/");
    assert!(
        s.text()
            .await
            .unwrap()
            .contains("Hoş geldiniz, Mehmet Öztürk")
    );

    // Tab from the top of the home page reaches the menu, in reading order.
    let mut walked = Vec::new();
    for _ in 0..10 {
        s.keys(&key(Key::Tab)).await.unwrap();
        let name = focused_name(&s).await;
        walked.push(name.clone());
        if name == "a:Çağrı Havuzu" {
            break;
        }
    }
    assert_eq!(
        walked.last().map(String::as_str),
        Some("a:Çağrı Havuzu"),
        "Tab reaches the menu: {walked:?}"
    );
    s.screenshot("ana-menu-odakta").await.unwrap();
    s.keys_navigating(&key(Key::Enter)).await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/cagri-havuzu");

    // Enter in the password field alone also signs in (a fresh browser).
    let t = chrome.session(addr, "browser_keyboard").await.unwrap();
    t.goto("/giris").await.unwrap();
    t.keys("uzman2.ankara").await.unwrap();
    t.keys(&key(Key::Tab)).await.unwrap();
    t.keys(DEMO_PASSWORD).await.unwrap();
    t.keys_navigating(&key(Key::Enter)).await.unwrap();
    assert_eq!(t.path().await.unwrap(), "/");
    assert!(t.text().await.unwrap().contains("Zeynep Çelik"));

    s.close().await.unwrap();
    t.close().await.unwrap();
    drop(chrome);
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
