//! Duplicates on the record page inside `tekmerkez dev` (issue 20): a
//! citizen who reported the same water fault twice sees, on the newer
//! record, the older one suggested with its text and a merge button, and a
//! neighbour's report of the same street suggested without its text. The
//! pool manager merges the newer into the older: the page of the older one
//! says so, the newer one's page names where it went, and the citizen's
//! two tracking numbers both lead on `/takip` to the one record that will
//! be answered. *Yinelenen değil* removes a suggestion for good.

use crate::channels::start;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, hidden, sign_in},
};

/// The suggestion rows: (tracking number, the whole row's text).
fn suggested(page: &str) -> Vec<(String, String)> {
    let html = scraper::Html::parse_document(page);
    let row = scraper::Selector::parse("#yinelenenler tbody tr").unwrap();
    let first = scraper::Selector::parse("td a").unwrap();
    html.select(&row)
        .map(|r| {
            let number = r
                .select(&first)
                .next()
                .map(tekmerkez_integration_tests::page::text_of)
                .unwrap_or_default();
            (number, tekmerkez_integration_tests::page::text_of(r))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizens_repeat_is_merged_from_the_record_page_and_both_numbers_lead_to_one_answer() {
    let app = start(|_| {}).await;
    let first = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 765 43 21")
        .await;
    let first_case = app.case(&first).await;
    let again = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "+90 532 765 4321")
        .await;
    let again_case = app.case(&again).await;
    let neighbour = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0533 111 22 33")
        .await;
    let neighbour_case = app.case(&neighbour).await;

    let mut manager = Browser::new(app.http);
    sign_in(&mut manager, "yonetici.kocaeli").await;
    let path = format!("/kayit/{}", again_case.id);
    let (_, page, _, _) = manager.get(&path).await;
    assert!(
        Page::parse(&page)
            .texts("h2")
            .contains(&"Olası Yinelenenler".to_owned()),
        "{page}"
    );
    let rows = suggested(&page);
    let (_, mine) = rows
        .iter()
        .find(|(n, _)| *n == first)
        .expect("the first report");
    assert!(mine.contains("Aynı vatandaş, aynı konu"), "{mine}");
    assert!(
        mine.contains("Sokakta su kesintisi var"),
        "the citizen's own text: {mine}"
    );
    assert!(
        mine.contains(&format!("Bu kaydı {first} kaydına birleştir")),
        "{mine}"
    );
    let (_, theirs) = rows
        .iter()
        .find(|(n, _)| *n == neighbour)
        .expect("the neighbour's report");
    assert!(theirs.contains("Aynı yer"), "{theirs}");
    assert!(
        !theirs.contains("Sokakta su kesintisi var"),
        "never another citizen's text: {theirs}"
    );
    assert!(!theirs.contains("birleştir"), "never merged: {theirs}");

    let csrf = hidden(&page, "csrf");
    let (status, _, _, to) = manager
        .post(
            &format!("{path}/birlestir"),
            &[
                ("csrf", &csrf),
                ("kopya", &again_case.id),
                ("asil", &first_case.id),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 303);
    let to = to.unwrap();
    assert!(
        to.starts_with(&format!("/kayit/{}?durum=birlestirildi", first_case.id)),
        "{to}"
    );
    let (_, page, _, _) = manager.get(&to).await;
    let said = Page::parse(&page).texts("#durum").join(" ");
    assert!(
        said.contains(&format!("{again} numaralı kayıt bu kayda birleştirildi")),
        "{said}"
    );
    assert!(
        !suggested(&page).iter().any(|(n, _)| *n == again),
        "merged: no longer suggested"
    );
    let (_, page, _, _) = manager.get(&path).await;
    let banner = Page::parse(&page).texts("#kayit-birlestirildi").join(" ");
    assert!(banner.contains(&first), "{banner}");

    // The citizen's second number tells the first record's status.
    let mut citizen = Browser::new(app.http);
    let (status, page, _, _) = citizen
        .post("/takip", &[("takip", again.as_str()), ("son4", "4321")])
        .await;
    assert_eq!(status.as_u16(), 200, "{page}");
    let note = Page::parse(&page).texts("#takip-birlestirildi").join(" ");
    assert!(note.contains(&again) && note.contains(&first), "{note}");

    // Not a duplicate: gone from the record's suggestions for good.
    let (_, page, _, _) = manager.get(&format!("/kayit/{}", first_case.id)).await;
    assert!(suggested(&page).iter().any(|(n, _)| *n == neighbour));
    let csrf = hidden(&page, "csrf");
    let (status, _, _, to) = manager
        .post(
            &format!("/kayit/{}/yinelenen-degil", first_case.id),
            &[("csrf", &csrf), ("diger", &neighbour_case.id)],
        )
        .await;
    assert_eq!(status.as_u16(), 303);
    let (_, page, _, _) = manager.get(&to.unwrap()).await;
    assert!(
        !suggested(&page).iter().any(|(n, _)| *n == neighbour),
        "{page}"
    );
    app.stop().await;
}
