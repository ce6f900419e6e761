//! Quick views, saved filters and "next record" inside `tekmerkez dev`
//! (issue 21, part 5): each built-in view lists exactly the records it
//! names (*Acil* the urgent ones, *3 günü geçen* those more than 3
//! Istanbul calendar days in the pool, *Süresi yaklaşan* those whose due
//! date is near or past, *Bugün aranacaklar* the callbacks due today), only
//! within the person's scope, with its count on the bar; a person saves the
//! current filter under a name, sees it on the bar, renames and deletes it,
//! and a refused name comes back in the form; after closing or
//! transferring a record opened from a view the desk opens the next record
//! of that view, naming the one closed or transferred, and goes back to the
//! view with "Listede başka kayıt yok" after the last.

use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, hidden, option, sign_in, urlencode},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

use crate::channels::{Running, http, start};

/// The tracking numbers a list page shows, in order (stored without the dash).
fn listed(page: &str) -> Vec<String> {
    Page::parse(page)
        .texts("table.liste tbody a.satir")
        .into_iter()
        .map(|t| t.replace('-', ""))
        .collect()
}

fn bare(tn: &str) -> String {
    tn.replace('-', "")
}

/// Runs `sql` with `tn` (stored without the dash) on dev's case database,
/// as records filed days ago or marked urgent by a rule would be.
async fn set(app: &Running, sql: &str, tn: &str) {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", app.data_dir().join("case.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let n = sqlx::query(sql)
        .bind(bare(tn))
        .execute(&mut db)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1, "{sql}");
    db.close().await.unwrap();
}

/// Files an application wanting a phone callback: its tracking number.
async fn apply_for_callback(app: &Running) -> String {
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&serde_json::json!({
            "channel": "web_form", "category": "su_arizasi",
            "text": "Sayaç okunmadı, beni arayın lütfen.",
            "province": "Ankara", "district": "Çankaya",
            "applicant": { "name": "Ali Veli", "phone": "0532 111 22 33" },
            "reply_channel": "phone",
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let v: serde_json::Value = r.json().await.unwrap();
    v["tracking_number"].as_str().unwrap().to_owned()
}

async fn claim(app: &Running, who: &str, id: &str) {
    CaseServiceClient::new(app.channel().await)
        .claim_cases(app.as_user(
            who,
            pb::ClaimCasesRequest {
                case_ids: vec![id.to_owned()],
            },
        ))
        .await
        .unwrap();
}

async fn close(app: &Running, who: &str, id: &str) {
    CaseServiceClient::new(app.channel().await)
        .close_case(app.as_user(
            who,
            pb::CloseCaseRequest {
                case_id: id.to_owned(),
                official_answer: "Sizi arayacağız.".into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
}

/// The bar's quick views: (label with count, address).
fn quick(page: &str) -> Vec<(String, String)> {
    let p = Page::parse(page);
    p.texts("#hizli-gorunumler a")
        .into_iter()
        .zip(p.attrs("#hizli-gorunumler a", "href"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_quick_view_lists_exactly_its_records_within_scope() {
    let app = start(|_| {}).await;
    let apply = |district: &'static str, province: &'static str| {
        let app = &app;
        async move {
            let tn = app
                .apply_text(
                    province,
                    district,
                    "su_arizasi",
                    "0532 444 55 66",
                    "Su yok.",
                )
                .await;
            let c = app.case(&tn).await;
            // Water faults come in urgent; these start as normal ones.
            set(
                app,
                "UPDATE cases SET urgency = 1 WHERE tracking_number = $1",
                &tn,
            )
            .await;
            (tn, c.id)
        }
    };
    let (urgent, _) = apply("Çankaya", "Ankara").await;
    let (old, _) = apply("Çankaya", "Ankara").await;
    let (plain, _) = apply("Çankaya", "Ankara").await;
    let (izmir, _) = apply("Konak", "İzmir").await;
    let (mine_late, mine_late_id) = apply("Çankaya", "Ankara").await;
    let (mine_fine, mine_fine_id) = apply("Çankaya", "Ankara").await;
    for tn in [&urgent, &izmir] {
        set(
            &app,
            "UPDATE cases SET urgency = 2 WHERE tracking_number = $1",
            tn,
        )
        .await;
    }
    let days_ago = |d: i64| (jiff::Timestamp::now().as_microsecond()) - d * 86_400_000_000;
    for (tn, days) in [(&old, 5), (&izmir, 5), (&plain, 3)] {
        set(
            &app,
            &format!(
                "UPDATE cases SET entered_pool_at = {} WHERE tracking_number = $1",
                days_ago(days)
            ),
            tn,
        )
        .await;
    }
    claim(&app, "uzman.ankara", &mine_late_id).await;
    claim(&app, "uzman.ankara", &mine_fine_id).await;
    let yesterday = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .date()
        .yesterday()
        .unwrap();
    set(
        &app,
        &format!("UPDATE cases SET legal_due_date = '{yesterday}' WHERE tracking_number = $1"),
        &mine_late,
    )
    .await;
    // Whatever the policy's targets, this one's are far off.
    set(
        &app,
        "UPDATE cases SET legal_due_date = '2099-01-01', internal_due_at = NULL WHERE tracking_number = $1",
        &mine_fine,
    )
    .await;

    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (_, pool, _, _) = expert.get("/cagri-havuzu").await;
    assert_eq!(
        quick(&pool),
        vec![
            ("Acil (1)".to_owned(), "/cagri-havuzu?aciliyet=2".to_owned()),
            (
                "3 günü geçen (1)".to_owned(),
                "/cagri-havuzu?gun=4".to_owned()
            ),
            (
                "Süresi yaklaşan (1)".to_owned(),
                "/uzerimdeki?vade=1".to_owned()
            ),
        ],
        "the expert's views, counted in scope: {pool}"
    );
    assert!(!pool.contains("Bugün aranacaklar"), "not an expert's list");
    let (_, page, _, _) = expert.get("/cagri-havuzu?aciliyet=2").await;
    assert_eq!(
        listed(&page),
        vec![bare(&urgent)],
        "urgent only, never İzmir's"
    );
    assert!(
        Page::parse(&page)
            .has("#hizli-gorunumler a[aria-current=page][href=\"/cagri-havuzu?aciliyet=2\"]"),
        "the view shown is marked: {page}"
    );
    let (_, page, _, _) = expert.get("/cagri-havuzu?gun=4").await;
    assert_eq!(
        listed(&page),
        vec![bare(&old)],
        "more than 3 days only (3 days is not more than 3)"
    );
    let (_, page, _, _) = expert.get("/uzerimdeki?vade=1").await;
    assert_eq!(
        listed(&page),
        vec![bare(&mine_late)],
        "the late one of mine only"
    );
    let (_, home, _, _) = expert.get("/").await;
    assert_eq!(
        quick(&home).len(),
        3,
        "the same views on the start page: {home}"
    );

    // Callbacks: two records wait for a call; one is to be called tomorrow.
    let today = apply_for_callback(&app).await;
    let later = apply_for_callback(&app).await;
    for tn in [&today, &later] {
        let id = app.case(tn).await.id;
        claim(&app, "uzman.ankara", &id).await;
        close(&app, "uzman.ankara", &id).await;
    }
    set(
        &app,
        &format!(
            "UPDATE cases SET callback_attempts = 1, callback_retry_at = {} WHERE tracking_number = $1",
            days_ago(-2)
        ),
        &later,
    )
    .await;
    let mut caller = Browser::new(app.http);
    sign_in(&mut caller, "geridonus").await;
    let (_, page, _, _) = caller.get("/geri-donus").await;
    assert_eq!(
        quick(&page)[0],
        (
            "Bugün aranacaklar (1)".to_owned(),
            "/geri-donus?bugun=1".to_owned()
        ),
        "{page}"
    );
    let (_, page, _, _) = caller.get("/geri-donus?bugun=1").await;
    assert_eq!(listed(&page), vec![bare(&today)], "due today only");
    let (_, page, _, _) = caller.get("/geri-donus").await;
    assert_eq!(listed(&page).len(), 2, "both wait: {page}");

    // The İzmir manager sees İzmir's urgent record only.
    let mut manager = Browser::new(app.http);
    sign_in(&mut manager, "yonetici.izmir").await;
    let (_, page, _, _) = manager.get("/havuz?aciliyet=2").await;
    assert!(
        page.contains(&izmir) || page.contains(&bare(&izmir)),
        "{page}"
    );
    assert!(
        !page.contains(&urgent) && !page.contains(&bare(&urgent)),
        "never Ankara's"
    );
    let (_, page, _, _) = manager.get("/havuz?lang=en").await;
    let bar = Page::parse(&page).texts("#hizli-gorunumler a");
    assert_eq!(
        bar[..2],
        ["Urgent (1)".to_owned(), "Over 3 days (1)".to_owned()],
        "{bar:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_saves_renames_and_deletes_a_filter_as_a_view() {
    let app = start(|_| {}).await;
    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (_, page, _, _) = expert
        .get("/cagri-havuzu?aciliyet=2&ilce=%C3%87ankaya")
        .await;
    let csrf = hidden(&page, "csrf");
    let p = Page::parse(&page);
    assert_eq!(
        p.attrs("#gorunum-kaydet input[name=sorgu]", "value"),
        vec!["ilce=%C3%87ankaya&aciliyet=2"]
    );
    let form = |name: &str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("liste", "/cagri-havuzu".to_owned()),
            ("sorgu", "ilce=%C3%87ankaya&aciliyet=2".to_owned()),
            (
                "geri",
                "/cagri-havuzu?ilce=%C3%87ankaya&aciliyet=2".to_owned(),
            ),
            ("ad", name.to_owned()),
        ]
    };
    let f = form("Çankaya acil");
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _, to) = expert.post("/gorunumler/kaydet", &refs).await;
    assert_eq!(status.as_u16(), 303);
    assert_eq!(
        to.as_deref(),
        Some("/cagri-havuzu?ilce=%C3%87ankaya&aciliyet=2&durum=gorunum-kaydedildi")
    );
    // A double submit replaces, it never makes two.
    expert.post("/gorunumler/kaydet", &refs).await;
    let (_, page, _, _) = expert.get(to.as_deref().unwrap()).await;
    assert!(page.contains("Görünüm kaydedildi."), "{page}");
    let p = Page::parse(&page);
    assert_eq!(p.texts("#kayitli-gorunumler a"), vec!["Çankaya acil"]);
    assert_eq!(
        p.attrs("#kayitli-gorunumler a", "href"),
        vec!["/cagri-havuzu?ilce=%C3%87ankaya&aciliyet=2"]
    );
    assert!(
        p.has("#kayitli-gorunumler a[aria-current=page]"),
        "the page shown is the view"
    );
    // It follows the person to another browser; nobody else sees it.
    let mut again = Browser::new(app.http);
    sign_in(&mut again, "uzman.ankara").await;
    let (_, home, _, _) = again.get("/").await;
    assert_eq!(
        Page::parse(&home).texts("#kayitli-gorunumler a"),
        vec!["Çankaya acil"]
    );
    let mut other = Browser::new(app.http);
    sign_in(&mut other, "uzman2.ankara").await;
    let (_, home, _, _) = other.get("/").await;
    assert!(!Page::parse(&home).has("#kayitli-gorunumler"), "{home}");

    // A refused name comes back in the form, with its error by the field.
    let long = "ş".repeat(61);
    let f = form(&long);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, _, _, to) = expert.post("/gorunumler/kaydet", &refs).await;
    let (_, page, _, _) = expert.get(to.as_deref().unwrap()).await;
    assert!(page.contains("en çok 60 karakter"), "{page}");
    assert_eq!(
        Page::parse(&page).attrs("#gorunum-adi", "value"),
        vec![long.clone()],
        "what was typed is kept"
    );
    assert!(Page::parse(&page).has("#gorunum-adi[aria-invalid=true]"));

    // Renamed, then deleted.
    let id = Page::parse(&page).attrs("#kayitli-gorunumler + details input[name=id]", "value")[0]
        .clone();
    let (_, _, _, to) = expert
        .post(
            "/gorunumler/kaydet",
            &[
                ("csrf", &csrf),
                ("id", &id),
                ("liste", "/cagri-havuzu?ilce=%C3%87ankaya&aciliyet=2"),
                ("geri", "/cagri-havuzu"),
                ("ad", "Acil işler"),
            ],
        )
        .await;
    assert_eq!(
        to.as_deref(),
        Some("/cagri-havuzu?durum=gorunum-kaydedildi")
    );
    let (_, page, _, _) = expert.get("/cagri-havuzu").await;
    assert_eq!(
        Page::parse(&page).texts("#kayitli-gorunumler a"),
        vec!["Acil işler"]
    );
    let (_, _, _, to) = other
        .post(
            "/gorunumler/sil",
            &[("csrf", &csrf), ("id", &id), ("geri", "/")],
        )
        .await;
    assert_ne!(
        to.as_deref(),
        Some("/?durum=gorunum-silindi"),
        "another person's token"
    );
    let (_, _, _, to) = expert
        .post(
            "/gorunumler/sil",
            &[("csrf", &csrf), ("id", &id), ("geri", "/cagri-havuzu")],
        )
        .await;
    assert_eq!(to.as_deref(), Some("/cagri-havuzu?durum=gorunum-silindi"));
    let (_, page, _, _) = expert.get("/cagri-havuzu?durum=gorunum-silindi").await;
    assert!(page.contains("Görünüm silindi."));
    assert!(!Page::parse(&page).has("#kayitli-gorunumler"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_record_of_a_view_opens_the_next_one_of_that_view() {
    let app = start(|_| {}).await;
    let mut urgent = Vec::new();
    for _ in 0..2 {
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
        set(
            &app,
            "UPDATE cases SET urgency = 2 WHERE tracking_number = $1",
            &tn,
        )
        .await;
        claim(&app, "uzman.ankara", &id).await;
        urgent.push((tn, id));
    }
    // Held too, but not urgent: not in the view.
    let other = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 444 55 66",
            "Su yok.",
        )
        .await;
    let other_id = app.case(&other).await.id;
    set(
        &app,
        "UPDATE cases SET urgency = 1 WHERE tracking_number = $1",
        &other,
    )
    .await;
    claim(&app, "uzman.ankara", &other_id).await;

    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (_, list, _, _) = expert.get("/uzerimdeki?aciliyet=2").await;
    let from = format!("from={}", urlencode("/uzerimdeki?aciliyet=2"));
    let links = Page::parse(&list).attrs("table.liste a.satir", "href");
    assert_eq!(
        links,
        vec![
            format!("/kayit/{}?{from}", urgent[0].1),
            format!("/kayit/{}?{from}", urgent[1].1)
        ],
        "record links carry the view"
    );
    let (_, record, _, _) = expert.get(&links[0]).await;
    let p = Page::parse(&record);
    assert_eq!(p.attrs("#sonraki-kayit", "href").len(), 1, "{record}");
    let close_form = |page: &str| {
        let p = Page::parse(page);
        vec![
            ("csrf".to_owned(), p.value("csrf")),
            ("version".to_owned(), p.value("version")),
            (
                "from".to_owned(),
                p.attrs("input[name=from]", "value")
                    .pop()
                    .unwrap_or_default(),
            ),
            ("aciklama".to_owned(), "Arıza giderildi.".to_owned()),
            ("onay".to_owned(), "1".to_owned()),
            ("neden".to_owned(), "cozuldu".to_owned()),
        ]
    };
    let f = close_form(&record);
    assert_eq!(f[2].1, "/uzerimdeki?aciliyet=2");
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, _, _, to) = expert
        .post(&format!("/kayit/{}/kaydet", urgent[0].1), &refs)
        .await;
    assert_eq!(status.as_u16(), 303);
    let (status, _, _, next) = expert.get(to.as_deref().unwrap()).await;
    assert_eq!(status.as_u16(), 303);
    let next = next.get("location").unwrap().to_str().unwrap().to_owned();
    assert!(
        next.starts_with(&format!("/kayit/{}?{from}&durum=sonraki", urgent[1].1)),
        "the next urgent one, not {other}: {next}"
    );
    let (_, page, _, _) = expert.get(&next).await;
    assert!(
        page.contains(&format!(
            "{} numaralı kayıt kapatıldı; sıradaki kayıt",
            urgent[0].0
        )),
        "{page}"
    );

    // The last one of the view: back to the view, told so.
    let f = close_form(&page);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, _, _, to) = expert
        .post(&format!("/kayit/{}/kaydet", urgent[1].1), &refs)
        .await;
    let (_, _, _, headers) = expert.get(to.as_deref().unwrap()).await;
    let back = headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(back, "/uzerimdeki?aciliyet=2&durum=son");
    let (_, page, _, _) = expert.get(&back).await;
    assert!(page.contains("Listede başka kayıt yok."), "{page}");

    // Without a list, closing stays on the record as before.
    let (_, record, _, _) = expert.get(&format!("/kayit/{other_id}")).await;
    let f = close_form(&record);
    assert_eq!(f[2].1, "", "no list remembered");
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, _, _, to) = expert
        .post(&format!("/kayit/{other_id}/kaydet"), &refs)
        .await;
    assert_eq!(
        to.as_deref(),
        Some(format!("/kayit/{other_id}?durum=kaydedildi").as_str())
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transferring_a_record_of_a_list_opens_the_next_one_of_that_list() {
    let app = start(|_| {}).await;
    let tn = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 444 55 66",
            "Çevre kirliliği var.",
        )
        .await;
    let id = app.case(&tn).await.id;
    let after = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 444 55 67",
            "Su yok.",
        )
        .await;
    let after_id = app.case(&after).await.id;
    let mut m = Browser::new(app.http);
    sign_in(&mut m, "yonetici.ankara").await;
    let list = "/havuz?statu=1&konu=su_arizasi";
    let from = format!("from={}", urlencode(list));
    let (_, record, _, _) = m.get(&format!("/kayit/{id}?{from}")).await;
    let transfer = format!("/kayit/{id}/aktar?{from}");
    assert_eq!(
        Page::parse(&record).attrs("#aktar-baglanti", "href"),
        std::slice::from_ref(&transfer),
        "the transfer link remembers the list"
    );
    let (_, page, _, _) = m.get(&transfer).await;
    let p = Page::parse(&page);
    assert_eq!(p.attrs("input[name=from]", "value"), [list]);
    assert!(
        p.has(&format!("a[href=\"/kayit/{id}?{from}\"]")),
        "back to the record keeps the list: {page}"
    );
    let target = option(
        &page,
        "Ankara — Çevre Koruma ve Kontrol Dairesi Başkanlığı › Çevre Denetim Birimi",
    );
    let form = [
        ("csrf", hidden(&page, "csrf")),
        ("version", hidden(&page, "version")),
        ("hedef", target),
        (
            "gerekce",
            "Çevre kirliliği; Çevre Denetim Birimi'ne.".to_owned(),
        ),
        ("from", list.to_owned()),
    ];
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _, to) = m.post(&format!("/kayit/{id}/aktar"), &refs).await;
    assert_eq!(status.as_u16(), 303);
    let to = to.unwrap();
    assert!(
        to.starts_with("/kayit/sonraki?") && to.contains("eylem=aktarildi"),
        "{to}"
    );
    let (status, _, _, headers) = m.get(&to).await;
    assert_eq!(status.as_u16(), 303);
    let next = headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        next.starts_with(&format!("/kayit/{after_id}?{from}&durum=sonraki")),
        "the list's other record: {next}"
    );
    let (_, page, _, _) = m.get(&next).await;
    assert!(
        page.contains(&format!("{tn} numaralı kayıt aktarıldı; sıradaki kayıt")),
        "{page}"
    );
    app.stop().await;
}
