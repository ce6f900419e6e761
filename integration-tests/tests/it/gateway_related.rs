//! The record page's *Vatandaşın Diğer Başvuruları* inside `tekmerkez dev`:
//! a citizen who applied three times (the phone written three ways, once in
//! another province) is one person to the case service's index. A pool
//! manager sees the other application of their province as a link, with
//! what it shares and its status in words, and nothing of the other
//! province; the admin sees both; the page says it in English too.

use crate::channels::start;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, sign_in},
};

/// The rows of the other-applications table: (tracking-number cell, link, rest).
fn rows(page: &str) -> Vec<(String, Option<String>, String)> {
    let html = scraper::Html::parse_document(page);
    let row = scraper::Selector::parse("#diger-basvurular tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let link = scraper::Selector::parse("td a").unwrap();
    html.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(tekmerkez_integration_tests::page::text_of)
                .collect();
            let href = r
                .select(&link)
                .next()
                .and_then(|a| a.value().attr("href"))
                .map(str::to_owned);
            (cells[0].clone(), href, cells[1..].join(" | "))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_page_lists_the_citizens_other_applications_within_the_readers_scope() {
    let app = start(|_| {}).await;
    // Each application becomes its case before the next is sent: "newest"
    // is the order the cases were made in, and routing may otherwise make
    // two applications sent a moment apart into cases the other way round.
    let first = app
        .apply("Kocaeli", "İzmit", "fatura", "0532 765 43 21")
        .await;
    let first_case = app.case(&first).await;
    let second = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "+90 (532) 765-4321")
        .await;
    let second_case = app.case(&second).await;
    let ankara = app
        .apply("Ankara", "Çankaya", "su_arizasi", "5327654321")
        .await;
    app.case(&ankara).await;
    let stranger = app
        .apply("Kocaeli", "İzmit", "su_arizasi", "0533 111 22 33")
        .await;
    app.case(&stranger).await;
    let path = format!("/kayit/{}", first_case.id);

    let mut manager = Browser::new(app.http);
    sign_in(&mut manager, "yonetici.kocaeli").await;
    let (_, page, _, _) = manager.get(&path).await;
    assert!(
        Page::parse(&page)
            .texts("h2")
            .contains(&"Vatandaşın Diğer Başvuruları".to_owned()),
        "{page}"
    );
    let listed = rows(&page);
    assert_eq!(listed.len(), 1, "only Kocaeli's other one: {listed:?}");
    let (number, link, rest) = &listed[0];
    assert_eq!(number, &second);
    assert_eq!(
        link.as_deref(),
        Some(format!("/kayit/{}", second_case.id).as_str())
    );
    for words in [
        "Web formu",
        "Su arızası / su kesintisi",
        "Havuzda",
        "aynı telefon",
    ] {
        assert!(rest.contains(words), "'{words}' in {rest}");
    }
    assert!(
        !page.contains(&ankara) && !page.contains(&stranger),
        "{page}"
    );

    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (_, page, _, _) = admin.get(&path).await;
    let numbers: Vec<String> = rows(&page).into_iter().map(|r| r.0).collect();
    assert_eq!(
        numbers,
        [ankara.clone(), second.clone()],
        "newest first; never the stranger"
    );
    let (_, page, _, _) = admin.get(&format!("{path}?lang=en")).await;
    assert!(
        Page::parse(&page)
            .texts("h2")
            .contains(&"The citizen's other applications".to_owned()),
        "{page}"
    );
    assert!(rows(&page)[0].2.contains("same phone"), "{page}");
    app.stop().await;
}
