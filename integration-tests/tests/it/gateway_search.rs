//! *Ara* inside `tekmerkez dev` (issue 21): the search box on every agent
//! page finds a record by a Turkish word typed another way ("BORULAR",
//! "borusu" find "boru"; "isik" finds "ışık"), by its tracking number
//! typed without the dash and by the applicant's phone in another format,
//! lists how each matched, and never shows a record out of the person's
//! scope (Kocaeli's pool manager never finds Ankara's).

use crate::channels::start;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, sign_in, urlencode},
};

/// The tracking numbers listed on a results page.
fn listed(page: &str) -> Vec<String> {
    Page::parse(page).attrs("#arama-sonuclari tbody tr", "data-takip")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_box_finds_records_the_turkish_way_within_scope() {
    let app = start(|_| {}).await;
    let gebze = app
        .apply_text(
            "Kocaeli",
            "Gebze",
            "su_arizasi",
            "0532 444 55 66",
            "Sokaktaki ana boru patladı, ışıklar da yanmıyor.",
        )
        .await;
    app.case(&gebze).await;
    let ankara = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0533 444 55 66",
            "Ana boru patladı.",
        )
        .await;
    app.case(&ankara).await;

    let mut manager = Browser::new(app.http);
    sign_in(&mut manager, "yonetici.kocaeli").await;
    let (_, home, _, _) = manager.get("/havuz").await;
    assert!(
        Page::parse(&home).attrs("header form[role=search] input", "name") == ["q"],
        "the box is in the header: {home}"
    );
    for q in ["BORULAR", "borusu", "isik", "ana boru"] {
        let (status, page, _, _) = manager.get(&format!("/ara?q={}", urlencode(q))).await;
        assert_eq!(status.as_u16(), 200);
        assert_eq!(
            listed(&page),
            vec![gebze.clone()],
            "{q}: never Ankara's {ankara}"
        );
        assert!(page.contains("Metin"), "how it matched: {page}");
    }
    let bare: String = gebze
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_lowercase();
    let (_, page, _, _) = manager.get(&format!("/ara?q={bare}")).await;
    assert_eq!(listed(&page), vec![gebze.clone()]);
    assert!(page.contains("Takip numarası"), "{page}");
    let (_, page, _, _) = manager
        .get(&format!("/ara?q={}", urlencode("+90 532 444 5566")))
        .await;
    assert_eq!(listed(&page), vec![gebze.clone()]);
    let (_, page, _, _) = manager.get(&format!("/ara?q={}", urlencode(&ankara))).await;
    assert!(listed(&page).is_empty(), "out of scope: {page}");
    assert!(page.contains("görebileceğiniz bir kayıt yok"), "{page}");

    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (_, page, _, _) = admin.get("/ara?q=boru&lang=en").await;
    let mut both = listed(&page);
    both.sort();
    let mut want = vec![gebze.clone(), ankara.clone()];
    want.sort();
    assert_eq!(both, want);
    assert!(page.contains("records for"), "{page}");
    let (_, page, _, _) = admin.get("/ara?q=%20%20&lang=tr").await;
    assert!(page.contains("Aramak için bir şey yazın."), "{page}");
    app.stop().await;
}
