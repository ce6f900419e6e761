//! The institutional expert's lists through the gateway inside `tekmerkez
//! dev`: *Çağrı Havuzu* shows the own province's unheld records; claiming
//! moves one to *Üzerimdeki Çağrılar*; a second expert claiming the same
//! record (a stale page in another browser) gets a clear message and
//! nothing changes; a forged form token claims nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::web::{Browser, dev_settings, hidden, sign_in};
use tokio_util::sync::CancellationToken;

/// The case ids offered for claiming on a pool page.
fn offered(page: &str) -> Vec<String> {
    page.match_indices("name=\"case_id\" value=\"")
        .map(|(i, m)| page[i + m.len()..i + m.len() + 36].to_owned())
        .collect()
}

/// The tracking number shown for case `id` on a pool page.
fn tracking_number(page: &str, id: &str) -> String {
    let marker = format!("for=\"sec-{id}\">");
    let at = page.find(&marker).unwrap() + marker.len();
    page[at..at + page[at..].find('<').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_experts_claim_the_same_record_one_wins_the_other_is_told() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 120)).await.unwrap();
    let (mut a, mut b) = (Browser::new(dev.http_addr()), Browser::new(dev.http_addr()));
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    sign_in(&mut a, "uzman.ankara").await;
    sign_in(&mut b, "uzman2.ankara").await;

    let (status, page_a, _, _) = a.get("/cagri-havuzu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page_a.contains("Çağrı Havuzu") && page_a.contains("Havuzda (gün)"),
        "{page_a}"
    );
    assert!(
        page_a.contains("Ankara") && !page_a.contains("İzmir"),
        "only the own province: {page_a}"
    );
    let ids = offered(&page_a);
    assert!(
        !ids.is_empty(),
        "the demo data leaves unheld Ankara records"
    );
    let (_, page_b, _, _) = b.get("/cagri-havuzu").await;
    let target = ids[0].clone();
    assert!(offered(&page_b).contains(&target), "both see it");

    // A forged token claims nothing.
    let (status, _, _, _) = a
        .post(
            "/cagri-havuzu/al",
            &[("csrf", "forged"), ("case_id", &target)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page_b_again, _, _) = b.get("/cagri-havuzu").await;
    assert!(offered(&page_b_again).contains(&target), "still unheld");

    let csrf_a = hidden(&page_a, "csrf");
    let (status, _, _, location) = a
        .post(
            "/cagri-havuzu/al",
            &[("csrf", &csrf_a), ("case_id", &target)],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/uzerimdeki?durum=alindi"))
    );
    let (_, mine, _, _) = a.get("/uzerimdeki?durum=alindi").await;
    assert!(
        mine.contains("üzerinize alındı") && mine.contains("Üzerimde (gün)"),
        "{mine}"
    );

    // B's page is stale: B claims the same record and is told.
    let csrf_b = hidden(&page_b, "csrf");
    let (status, _, _, location) = b
        .post(
            "/cagri-havuzu/al",
            &[("csrf", &csrf_b), ("case_id", &target)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert_eq!(location, "/cagri-havuzu?durum=alinamadi");
    let (_, told, _, _) = b.get(&location).await;
    assert!(
        told.contains("başka bir uzman tarafından alınmış"),
        "{told}"
    );
    assert!(
        !offered(&told).contains(&target),
        "the refreshed pool no longer offers it"
    );
    let (_, b_mine, _, _) = b.get("/uzerimdeki").await;
    let (_, a_mine, _, _) = a.get("/uzerimdeki").await;
    let tn = tracking_number(&page_a, &target);
    assert!(a_mine.contains(&tn), "A holds {tn}");
    assert!(!b_mine.contains(&tn), "B does not");

    // Nothing selected: a message, not an error page.
    let (_, _, _, location) = b.post("/cagri-havuzu/al", &[("csrf", &csrf_b)]).await;
    assert_eq!(location.as_deref(), Some("/cagri-havuzu?durum=secilmedi"));

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
