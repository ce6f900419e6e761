//! The gateway's sign-in inside `tekmerkez dev`, over real HTTP: the
//! double-submit CSRF token on the sign-in form, one message for every
//! refusal, an HttpOnly SameSite=Strict session cookie, the role's menu,
//! sign-out with the session's CSRF token, Turkish by default and English
//! on request.

use reqwest::{StatusCode, header};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, dev_settings, hidden},
};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_signs_in_sees_their_menu_and_signs_out() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let mut b = Browser::new(dev.http_addr());
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let (status, _, _, headers) = b.get("/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out: to the sign-in page"
    );
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/giris");

    let (status, page, set, headers) = b.get("/giris").await;
    assert_eq!(status, StatusCode::OK);
    let form = Page::parse(&page);
    assert_eq!(form.lang, "tr", "{page}");
    let labels: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert!(
        labels.contains(&"Kullanıcı adı") && labels.contains(&"Parola"),
        "the fields are named by their labels: {labels:?}"
    );
    assert!(
        set.iter().any(|c| c.starts_with("tmk_giris=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")),
        "{set:?}"
    );
    for h in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
    ] {
        assert!(headers.contains_key(h), "{h}");
    }
    let csrf = hidden(&page, "csrf");

    // A forged token: refused before the password is even looked at.
    let (status, page, _, _) = b
        .post(
            "/giris",
            &[
                ("csrf", "forged"),
                ("username", "uzman.ankara"),
                ("password", "tekmerkez-demo"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Formun süresi doldu"), "{page}");

    // Each refusal answers alike (every render issues a fresh form token).
    let mut messages = Vec::new();
    for (user, password) in [
        ("uzman.ankara", "yanlış-parola"),
        ("kimse", "tekmerkez-demo"),
    ] {
        let (_, page, _, _) = b.get("/giris").await;
        let csrf = hidden(&page, "csrf");
        let (status, page, set, _) = b
            .post(
                "/giris",
                &[("csrf", &csrf), ("username", user), ("password", password)],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            !set.iter().any(|c| c.starts_with("tmk_oturum=")),
            "no session"
        );
        assert!(!page.contains(password), "the password is never echoed");
        messages.push(Page::parse(&page).text_in("#giris-hata"));
    }
    assert_eq!(
        messages[0], messages[1],
        "the same message for a wrong password and an unknown user"
    );
    assert!(messages[0].contains("hatalı"), "{}", messages[0]);
    let _ = csrf;

    let (_, page, _, _) = b.get("/giris").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, set, location) = b
        .post(
            "/giris",
            &[
                ("csrf", &csrf),
                ("username", "UZMAN.ANKARA"),
                ("password", "tekmerkez-demo"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/")),
        "Turkish case folding: UZMAN is uzman"
    );
    let session = set
        .iter()
        .find(|c| c.starts_with("tmk_oturum="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );

    let (status, page, _, _) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Kurum Uzmanı")
            && page.contains("Çağrı Havuzu")
            && page.contains("Üzerimdeki Çağrılar"),
        "{page}"
    );
    assert!(
        !page.contains("/yonetim"),
        "an expert's menu has no administration"
    );
    let (_, page, _, _) = b.get("/giris").await;
    assert!(
        Page::parse(&page).named("password").is_empty(),
        "signed in: /giris goes home (got {page})"
    );

    let (_, english, _, _) = b.get("/?lang=en").await;
    assert_eq!(Page::parse(&english).lang, "en", "{english}");
    assert!(
        english.contains("Call pool") && english.contains("Sign out"),
        "{english}"
    );
    let (_, page, _, _) = b.get("/?lang=tr").await;
    let token = hidden(&page, "csrf");

    let signed_in = b.cookies.clone();
    let (status, _, _, _) = b.post("/cikis", &[("csrf", "forged")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "sign-out needs the session's token"
    );
    let (status, _, _, location) = b.post("/cikis", &[("csrf", &token)]).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/giris"))
    );
    b.cookies = signed_in;
    let (status, _, _, _) = b.get("/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer signs anyone in"
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
