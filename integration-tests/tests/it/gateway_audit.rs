//! The KVKK audit trail inside `tekmerkez dev` (issue 22, part 1): an
//! expert's record page is one entry however many calls it makes, with the
//! browser's address and session mark; the KVKK officer finds it on
//! *Denetim İzi* by the record's tracking number and by the person, in
//! words, and downloads it as CSV; a bad date comes back by its field with
//! what was typed; nobody else opens the page; `GET /v1/audit` answers the
//! officer's API token as JSON and refuses every other.

use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, sign_in},
};

use crate::channels::{http, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kvkk_officer_finds_who_saw_a_record_on_the_page_and_over_the_api() {
    let app = start(|_| {}).await;
    let tn = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 444 55 66",
            "Su yok.",
        )
        .await;
    let id = app.case(&tn).await.id;

    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get(&format!("/kayit/{id}")).await;
    assert_eq!(status.as_u16(), 200);

    // Nobody but the officer opens the trail.
    for who in ["admin", "yonetici.ankara"] {
        let mut b = Browser::new(app.http);
        sign_in(&mut b, who).await;
        let (status, _, _, _) = b.get("/denetim-izi").await;
        assert_eq!(status.as_u16(), 403, "{who}");
    }

    let mut officer = Browser::new(app.http);
    sign_in(&mut officer, "kvkk").await;
    let (_, home, _, _) = officer.get("/").await;
    assert!(
        Page::parse(&home).has("a[href=\"/denetim-izi\"]"),
        "the officer's menu: {home}"
    );
    let (status, page, _, _) = officer
        .get(&format!("/denetim-izi?kayit={tn}&islem=1"))
        .await;
    assert_eq!(status.as_u16(), 200);
    let p = Page::parse(&page);
    // (The test's own look-up of the record, as admin over gRPC, is there too.)
    let rows: Vec<String> = p
        .texts("#denetim-izi tbody tr")
        .into_iter()
        .filter(|r| r.contains("uzman.ankara"))
        .collect();
    assert_eq!(rows.len(), 1, "one page, one entry: {rows:#?}");
    let row = &rows[0];
    for words in [
        "uzman.ankara",
        "Kurum Uzmanı",
        "127.0.0.1",
        "Kayıt görüntülendi",
        &tn.replace('-', ""),
        "iletişim bilgileri gizli",
    ] {
        assert!(
            row.replace('-', "").contains(&words.replace('-', "")),
            "{words} in {row}"
        );
    }
    let session = p.texts("#denetim-izi tbody tr td code");
    assert!(
        session
            .iter()
            .any(|s| s.len() == 16 && row.contains(s.as_str())),
        "the session's mark: {session:?}"
    );

    // By the person: their reading is there, in words.
    let (_, page, _, _) = officer.get("/denetim-izi?kisi=uzman.ankara").await;
    assert!(page.contains("Kayıt görüntülendi"), "{page}");

    // The CSV holds the same, in columns.
    let (status, csv, _, headers) = officer
        .get(&format!("/denetim-izi.csv?kayit={tn}&islem=1"))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/csv"))
    );
    assert_eq!(
        csv.lines().filter(|l| l.contains("uzman.ankara")).count(),
        1,
        "{csv}"
    );
    assert!(csv.contains("uzman.ankara;Kurum Uzmanı;127.0.0.1"), "{csv}");

    // A bad day comes back by its field with what was typed.
    let (status, page, _, _) = officer
        .get("/denetim-izi?baslangic=31.02.2026&kisi=uzman.ankara")
        .await;
    assert_eq!(status.as_u16(), 422);
    let p = Page::parse(&page);
    assert_eq!(
        p.texts("#baslangic-hata"),
        ["Tarihi GG.AA.YYYY biçiminde yazın."]
    );
    assert_eq!(p.value("kisi"), "uzman.ankara");
    let (status, page, _, _) = officer.get("/denetim-izi?kayit=2026-ZZZZZZZ").await;
    assert_eq!(status.as_u16(), 422);
    assert_eq!(
        Page::parse(&page).texts("#kayit-hata"),
        ["Bu takip numarasıyla bir kayıt yok."]
    );

    // The API: the officer's token only.
    let get = |token: &str, q: &str| {
        http()
            .get(app.url(&format!("/v1/audit?{q}")))
            .bearer_auth(token)
            .send()
    };
    let r = get(
        &app.tokens["kvkk"],
        &format!("case={tn}&action=record_viewed&actor=uzman.ankara"),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{v}");
    assert_eq!(entries[0]["actor"], "uzman.ankara");
    assert_eq!(entries[0]["actor_role"], "expert");
    assert_eq!(entries[0]["case_id"], id.as_str());
    let r = get(&app.tokens["admin"], "").await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = get(&app.tokens["kvkk"], "from=yesterday").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    app.stop().await;
}
