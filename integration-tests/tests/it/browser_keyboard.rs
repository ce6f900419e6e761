//! The keyboard alone in a real Chromium: the sign-in form starts in the
//! user-name field, Tab walks to the password and then to *Giriş yap*, each
//! field is named by its label, Enter signs in; on the home page Tab reaches
//! the menu and Enter opens *Çağrı Havuzu*; the desk's shortcuts (`?`,
//! `/`, `j`, Enter, `a`, `n`) and closing a record onto the next one of its
//! list, without the mouse. Screens (with the focus ring)
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

/// Presses Tab until the element matching `selector` has the focus.
async fn tab_to(s: &Session, selector: &str) {
    for _ in 0..15 {
        s.keys(&key(Key::Tab)).await.unwrap();
        let here = s
            .client()
            .execute(
                "return document.activeElement.matches(arguments[0]);",
                vec![serde_json::Value::from(selector)],
            )
            .await
            .unwrap();
        if here == serde_json::Value::Bool(true) {
            return;
        }
    }
    panic!("Tab never reached {selector}");
}

/// Claims `tn`'s record for `who` through the case service.
async fn claim_for(app: &crate::channels::Running, who: &str, tn: &str) -> String {
    use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
    let id = app.case(tn).await.id;
    CaseServiceClient::new(app.channel().await)
        .claim_cases(app.as_user(
            who,
            pb::ClaimCasesRequest {
                case_ids: vec![id.clone()],
            },
        ))
        .await
        .unwrap();
    id
}

/// The shortcuts without a mouse (issue 21, part 5): on *Üzerimdeki
/// Çağrılar* `?` opens the help overlay listing every shortcut in Turkish
/// and Escape closes it, `/` puts the focus in the header's search box,
/// `j` selects the first row and Enter opens it; on the record `a` reaches
/// the answer box, Tab and the keyboard close it, and the desk lands on the
/// next record of the list, naming the closed one. Screens under
/// `test-artifacts/screens/browser_keyboard/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shortcuts_open_help_search_and_records_and_closing_lands_on_the_next() {
    let chrome = Chrome::start().await.unwrap();
    let app = crate::channels::start(|_| {}).await;
    let mut held = Vec::new();
    for text in ["Sokakta su yok.", "Vana bozuk."] {
        let tn = app
            .apply_text("Ankara", "Çankaya", "su_arizasi", "0532 444 55 66", text)
            .await;
        let id = claim_for(&app, "uzman.ankara", &tn).await;
        held.push((tn, id));
    }
    let s = chrome.session(app.http, "browser_keyboard").await.unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    s.goto("/uzerimdeki").await.unwrap();

    let help = s.one("#kisayollar").await.unwrap();
    assert!(!help.is_displayed().await.unwrap(), "closed at first");
    s.keys("?").await.unwrap();
    assert!(help.is_displayed().await.unwrap(), "? opens the help");
    let listed = help.text().await.unwrap();
    for words in [
        "Klavye kısayolları",
        "Arama kutusuna git",
        "Listede sonraki satır",
        "Seçili kaydı aç",
        "Sıradaki kayıt",
        "Kaydı üzerime al",
        "Yetkili açıklaması kutusuna git",
    ] {
        assert!(listed.contains(words), "{words} in {listed}");
    }
    s.screenshot("kisayol-yardimi").await.unwrap();
    s.keys(&key(Key::Escape)).await.unwrap();
    assert!(!help.is_displayed().await.unwrap(), "Escape closes it");

    s.keys("/").await.unwrap();
    let focused = s.focused().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("ara-q"));
    // Typing in the box types, it does not jump.
    s.keys("j?").await.unwrap();
    assert_eq!(s.value("#ara-q").await.unwrap(), "j?");
    assert!(
        !help.is_displayed().await.unwrap(),
        "no shortcut while typing"
    );
    s.keys(&key(Key::Escape)).await.unwrap();

    s.keys("j").await.unwrap();
    let first = s.focused().await.unwrap();
    assert_eq!(
        first.text().await.unwrap(),
        held[0].0,
        "j selects the first row"
    );
    s.screenshot("satir-secili").await.unwrap();
    s.keys_navigating(&key(Key::Enter)).await.unwrap();
    let path = s.path().await.unwrap();
    assert!(
        path.starts_with(&format!("/kayit/{}?from=", held[0].1)),
        "Enter opens it, remembering the list: {path}"
    );

    s.keys("a").await.unwrap();
    let answer = s.focused().await.unwrap();
    assert_eq!(
        answer.attr("id").await.unwrap().as_deref(),
        Some("aciklama")
    );
    s.keys("Arıza giderildi.").await.unwrap();
    // Tab on through the form (the ready-answer picker sits in between).
    tab_to(&s, "#neden").await;
    s.keys("Çözüldü").await.unwrap();
    tab_to(&s, "#onay").await;
    s.keys(" ").await.unwrap();
    tab_to(&s, "button[formaction$=\"/kaydet\"]").await;
    assert_eq!(
        s.focused().await.unwrap().text().await.unwrap(),
        "Kaydet ve Kaydı Kapat"
    );
    s.keys_navigating(&key(Key::Enter)).await.unwrap();
    let path = s.path().await.unwrap();
    assert!(
        path.starts_with(&format!("/kayit/{}?from=", held[1].1)),
        "the next record of the list: {path}"
    );
    let text = s.text().await.unwrap();
    assert!(
        text.contains(&format!(
            "{} numaralı kayıt kapatıldı; sıradaki kayıt",
            held[0].0
        )),
        "{text}"
    );
    s.screenshot("siradaki-kayit").await.unwrap();

    // `n` with nothing after it: back to the list, told so.
    s.keys("n").await.unwrap();
    tekmerkez_integration_tests::wait::eventually(
        std::time::Duration::from_secs(10),
        "back on the list",
        || async { (s.path().await.ok()? == "/uzerimdeki?durum=son").then_some(()) },
    )
    .await;
    assert!(s.text().await.unwrap().contains("Listede başka kayıt yok."));

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
