//! The institutional expert's lists through the gateway inside `tekmerkez
//! dev`: *Çağrı Havuzu* shows the own province's unheld records; claiming
//! moves one to *Üzerimdeki Çağrılar*; a second expert claiming the same
//! record (a stale page in another browser) gets a clear message and
//! nothing changes; a forged form token claims nothing.

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::page::Page;
use tekmerkez_integration_tests::web::{
    Browser, dev_settings, hidden, offered, sign_in, tracking_number,
};
use tokio_util::sync::CancellationToken;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_notes_answers_and_closes_a_record_and_a_resent_form_writes_nothing_twice() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 120)).await.unwrap();
    let (mut a, mut other) = (Browser::new(dev.http_addr()), Browser::new(dev.http_addr()));
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    sign_in(&mut a, "uzman.ankara").await;
    sign_in(&mut other, "uzman.izmir").await;

    let (_, pool, _, _) = a.get("/cagri-havuzu").await;
    let id = offered(&pool)
        .into_iter()
        .next()
        .expect("an unheld Ankara record");
    let tn = tracking_number(&pool, &id);
    let csrf = hidden(&pool, "csrf");
    a.post("/cagri-havuzu/al", &[("csrf", &csrf), ("case_id", &id)])
        .await;

    let path = format!("/kayit/{id}");
    let (status, page, _, _) = a.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&tn) && page.contains("Başvuru metni") && page.contains("Uzmanda"),
        "{page}"
    );
    assert!(
        !page.contains("iletişim bilgileri gizli"),
        "the holder sees the contact details"
    );
    let version = hidden(&page, "version");

    let note = "Ekip yönlendirildi; çalışma başladı.";
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("text", note),
    ];
    let (_, _, _, location) = a.post(&format!("{path}/not"), &form).await;
    assert_eq!(location.unwrap(), format!("{path}?durum=not-eklendi"));
    // The same form again (a double click, a resend): nothing is written
    // twice; the page says so and keeps what was typed.
    let (status, page, _, _) = a.post(&format!("{path}/not"), &form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("hiçbir şey iki kez yazılmadı"), "{page}");
    assert_eq!(
        Page::parse(&page).texts("ul.notlar > li").len(),
        1,
        "one note: {page}"
    );

    let too_long = "ş".repeat(4001);
    let version = hidden(&page, "version");
    let (status, page, _, _) = a
        .post(
            &format!("{path}/kaydet"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("aciklama", &too_long),
                ("onay", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("en çok 4000 karakter"), "{page}");
    assert!(page.contains(&too_long), "the answer is kept");

    // Without the confirmation box ticked, nothing closes.
    let answer = "Arıza giderildi, su verildi.";
    let (status, page, _, _) = a
        .post(
            &format!("{path}/kaydet"),
            &[("csrf", &csrf), ("version", &version), ("aciklama", answer)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("onay kutusunu işaretleyiniz"), "{page}");
    assert!(page.contains(answer), "the answer is kept");

    let (_, _, _, location) = a
        .post(
            &format!("{path}/kaydet"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("aciklama", answer),
                ("onay", "1"),
                ("neden", "cozuldu"),
            ],
        )
        .await;
    assert_eq!(location.unwrap(), format!("{path}?durum=kaydedildi"));
    let (_, page, _, _) = a.get(&path).await;
    assert!(
        !Page::parse(&page).has("form[action^=\"/kayit/\"]"),
        "a closed record offers no more forms: {page}"
    );
    for step in [
        "Başvuru açıldı",
        "Uzman üzerine aldı",
        "Not eklendi",
        "Uzman kapattı",
    ] {
        assert!(page.contains(step), "{step} in the task steps: {page}");
    }

    // Another province's expert: the same answer as for a record that does
    // not exist (each page names the address it was asked for, in the
    // header's presence form, and nothing else differs).
    let missing = "/kayit/0190b8a0-0000-7000-8000-000000000001";
    let (status, body, _, _) = other.get(&path).await;
    let (status_missing, body_missing, _, _) = other.get(missing).await;
    assert_eq!(
        (status, body.replace(&path, "ADRES")),
        (
            StatusCode::NOT_FOUND,
            body_missing.replace(missing, "ADRES")
        )
    );
    assert_eq!(status_missing, StatusCode::NOT_FOUND);
    assert!(!body.contains(&tn));

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
