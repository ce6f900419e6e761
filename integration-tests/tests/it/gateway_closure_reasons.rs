//! *Kapanış Nedenleri* in the admin pages: an admin adds a closure reason,
//! renames and deactivates one; a refused addition keeps what was typed by
//! its field; nobody else sees the page or may post to it; a deactivated
//! reason leaves the close form's choices and the record closed with it
//! still names it.

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tokio_util::sync::CancellationToken;

/// The hidden version of reason `code`'s form.
fn version_of(page: &str, code: &str) -> String {
    Page::parse(page)
        .attrs(&format!("form#f-{code} input[name=surum]"), "value")
        .pop()
        .unwrap_or_else(|| panic!("no form for {code}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_renames_and_deactivates_closure_reasons() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let http = dev.http_addr();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get("/yonetim/kapanis-nedenleri").await;
    assert_eq!(status, 403);
    let (_, page, _, _) = expert.get("/").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, _, _) = expert
        .post(
            "/yonetim/kapanis-nedenleri",
            &[
                ("csrf", &csrf),
                ("kod", "ele_gecirildi"),
                ("ad_tr", "x"),
                ("ad_en", "x"),
                ("sira", "1"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    let mut admin = Browser::new(http);
    sign_in(&mut admin, "admin").await;
    let (_, page, _, _) = admin.get("/yonetim").await;
    assert!(
        Page::parse(&page).has("a[href=\"/yonetim/kapanis-nedenleri\"]"),
        "linked from Yönetim"
    );
    let (status, page, _, _) = admin.get("/yonetim/kapanis-nedenleri").await;
    assert_eq!(status, 200, "{page}");
    for label in [
        "Kapanış Nedenleri",
        "Çözüldü",
        "Yetki dışı — başka kuruma yönlendirildi",
        "Vatandaşa ulaşılamadı",
    ] {
        assert!(page.contains(label), "{label}");
    }
    let csrf = hidden(&page, "csrf");

    // A bad code is refused by its field, the names as typed.
    let (status, page, _, _) = admin
        .post(
            "/yonetim/kapanis-nedenleri",
            &[
                ("csrf", &csrf),
                ("kod", "Kötü Kod"),
                ("ad_tr", "Kurum içinde çözüldü"),
                ("ad_en", "Solved in house"),
                ("sira", "15"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Kod 1–64 küçük harf"), "{page}");
    let form = Page::parse(&page);
    assert_eq!(form.attrs("#yeni-ad-tr", "value"), ["Kurum içinde çözüldü"]);
    assert_eq!(form.attrs("#yeni-kod", "aria-invalid"), ["true"]);

    let (_, _, _, location) = admin
        .post(
            "/yonetim/kapanis-nedenleri",
            &[
                ("csrf", &csrf),
                ("kod", "kurum_ici"),
                ("ad_tr", "Kurum içinde çözüldü"),
                ("ad_en", "Solved in house"),
                ("sira", "15"),
            ],
        )
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/kapanis-nedenleri?durum=eklendi")
    );
    let (_, page, _, _) = admin.get("/yonetim/kapanis-nedenleri?durum=eklendi").await;
    assert!(page.contains("Kapanış nedeni eklendi."));
    assert!(
        page.contains("Sistem Yöneticisi"),
        "who changed it is shown"
    );

    // Deactivate "asilsiz" (the box unticked) and rename it.
    let version = version_of(&page, "asilsiz");
    let (_, _, _, location) = admin
        .post(
            "/yonetim/kapanis-nedenleri/asilsiz",
            &[
                ("csrf", &csrf),
                ("surum", &version),
                ("ad_tr", "Asılsız ihbar"),
                ("ad_en", "Unfounded report"),
                ("sira", "70"),
            ],
        )
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/kapanis-nedenleri?durum=kaydedildi")
    );
    let (_, page, _, _) = admin.get("/yonetim/kapanis-nedenleri").await;
    let rows = Page::parse(&page);
    assert!(rows.has("tr#neden-asilsiz.pasif"), "shown inactive");
    assert_eq!(
        rows.attrs("tr#neden-asilsiz input[name=ad_tr]", "value"),
        ["Asılsız ihbar"]
    );

    // The same edit on the old version is refused, as typed.
    let (status, page, _, _) = admin
        .post(
            "/yonetim/kapanis-nedenleri/asilsiz",
            &[
                ("csrf", &csrf),
                ("surum", &version),
                ("ad_tr", "Eski sürüm"),
                ("ad_en", "Old"),
                ("sira", "70"),
                ("etkin", "1"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("siz düzenlerken değişti"), "{page}");
    assert_eq!(
        Page::parse(&page).attrs("tr#neden-asilsiz input[name=ad_tr]", "value"),
        ["Eski sürüm"]
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
