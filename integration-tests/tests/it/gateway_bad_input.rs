//! Bad input at the gateway inside `tekmerkez dev`: an ended session, a
//! missing or forged form token, a record out of scope, tampered fields and
//! an over-long note each get a clear Turkish answer, never a 500, and write
//! nothing.

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, dev_settings, hidden, offered, sign_in},
};
use tokio_util::sync::CancellationToken;

/// The number of notes on a record page.
fn notes(page: &str) -> usize {
    Page::parse(page).texts("ul.notlar > li").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_turkish_answer_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 80)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let (mut a, mut izmir) = (Browser::new(addr), Browser::new(addr));
    sign_in(&mut a, "uzman.ankara").await;
    sign_in(&mut izmir, "uzman.izmir").await;

    let (_, pool, _, _) = a.get("/cagri-havuzu").await;
    let id = offered(&pool).into_iter().next().unwrap();
    let csrf = hidden(&pool, "csrf");
    a.post("/cagri-havuzu/al", &[("csrf", &csrf), ("case_id", &id)])
        .await;
    let (_, record, _, _) = a.get(&format!("/kayit/{id}")).await;
    let version = hidden(&record, "version");
    let note_path = format!("/kayit/{id}/not");
    let before = notes(&record);

    // An over-long note: the limit is said in Turkish; nothing written.
    let long = "ş".repeat(4001);
    let (status, page, _, location) = a
        .post(
            &note_path,
            &[("csrf", &csrf), ("version", &version), ("text", &long)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(location, None);
    assert!(page.contains("en çok 4000 karakter"), "{page}");
    assert!(page.contains(&long), "the note is kept");

    // Missing and forged form tokens.
    for token in [
        "",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let (status, _, _, _) = a
            .post(
                &note_path,
                &[("csrf", token), ("version", &version), ("text", "not")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // Tampered fields: a version that is not a number, an id that is not
    // one, a transfer target from a forged form.
    let (status, page, _, _) = a
        .post(
            &note_path,
            &[("csrf", &csrf), ("version", "1 OR 1=1"), ("text", "not")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Sayfa yenilendi."), "{page}");
    let (status, page, _, _) = a.get("/kayit/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Kayıt bulunamadı."));
    // The transfer page answers a forged target by its field, and the
    // case service refuses a transfer from an expert.
    let (status, page, _, _) = a
        .post(
            &format!("/kayit/{id}/aktar"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("hedef", "not-a-pool"),
                ("gerekce", "gerekçe"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"hedef-hata\">Aktarılacak havuzu seçiniz."),
        "{page}"
    );
    assert!(page.contains(">gerekçe</textarea>"), "what was typed stays");
    let (status, page, _, _) = a
        .post(
            &format!("/kayit/{id}/aktar"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("hedef", &uuid::Uuid::new_v4().to_string()),
                ("gerekce", "gerekçe"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown pool");
    assert!(page.contains("Aktarılacak havuzu seçiniz."), "{page}");

    // A record out of scope: not shown, and a write to it is refused.
    let (status, page, _, _) = izmir.get(&format!("/kayit/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Kayıt bulunamadı.") && !Page::parse(&page).has("input[name=version]"));
    let (_, own, _, _) = izmir.get("/").await;
    let (status, page, _, _) = izmir
        .post(
            &note_path,
            &[
                ("csrf", &hidden(&own, "csrf")),
                ("version", &version),
                ("text", "sızma denemesi"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Kayıt bulunamadı.") && !Page::parse(&page).has("input[name=version]"));

    // An ended session: the person is told, and the note is not written.
    let mut ended = Browser::new(addr);
    ended.cookies.push(("tmk_oturum".into(), "ab".repeat(32)));
    let (_, _, _, location) = ended
        .post(
            &note_path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("text", "geç kalan not"),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/giris?durum=sure-doldu"));
    let (_, page, _, _) = ended.get("/giris?durum=sure-doldu").await;
    assert!(page.contains("Oturumunuz sona erdi"));

    let (_, after, _, _) = a.get(&format!("/kayit/{id}")).await;
    assert_eq!(notes(&after), before, "no note was written by any of it");
    assert_eq!(
        hidden(&after, "version"),
        version,
        "the record is unchanged"
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
