//! The desk's frame and lists in a real Chromium against `tekmerkez dev`
//! with its demo records, on a 1366×768 screen (the desk's laptops): the
//! menu of the role's screens with counts on every page; *Havuz Yönetimi*
//! with its first rows in view under a header nothing covers, the whole
//! list's total, pages that lead back and assign-all-on-this-page;
//! *Üzerimdeki Çağrılar* with days in pool and days held side by side and
//! the colour of the 3-day note rule the case service applies; *Çağrı
//! Havuzu* narrowed by category, district, urgency and days, sorted by a
//! column, a row opening its record; the callback screen's own callbacks
//! with a `tel:` link, the retry time and the tries. Screens (the viewport,
//! what a person sees without scrolling) under
//! `test-artifacts/screens/browser_desk_*/`.

use std::path::PathBuf;

use crate::channels::{Running, start};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows, workspace_root};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tekmerkez_proto::common_v1::{self as common, PageRequest};

const DESK: (u32, u32) = (1366, 768);

/// Sizes the window so that the page itself is 1366×768.
async fn at_desk_size(s: &Session) {
    let frame = s
        .client()
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let side = |i: usize| u32::try_from(frame[i].as_u64().unwrap()).unwrap();
    s.client()
        .set_window_size(DESK.0 + side(0), DESK.1 + side(1))
        .await
        .unwrap();
    let inner = s
        .client()
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    assert_eq!(
        (inner[0].as_u64().unwrap(), inner[1].as_u64().unwrap()),
        (u64::from(DESK.0), u64::from(DESK.1))
    );
}

/// What the screen shows now (the viewport, not the whole page), as
/// `test-artifacts/screens/<test>/<name>.png`.
async fn shot(s: &Session, test: &str, name: &str) -> PathBuf {
    let dir = workspace_root()
        .join("test-artifacts")
        .join("screens")
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, s.client().screenshot().await.unwrap()).unwrap();
    path
}

/// Runs `script` (which returns a value) on the page.
async fn js(s: &Session, script: &str) -> serde_json::Value {
    s.client().execute(script, vec![]).await.unwrap()
}

/// Every case of `view` as `who` sees it, every page.
async fn whole_view(app: &Running, who: &str, view: pb::CaseView) -> Vec<pb::Case> {
    let mut client = CaseServiceClient::new(app.channel().await);
    let (mut all, mut token) = (Vec::new(), String::new());
    loop {
        let req = pb::ListCasesRequest {
            view: view as i32,
            page: Some(PageRequest {
                page_size: 100,
                page_token: token,
            }),
            ..Default::default()
        };
        let page = client
            .list_cases(app.as_user(who, req))
            .await
            .unwrap()
            .into_inner();
        all.extend(page.cases);
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

/// The desk menu's entries as read: "Çağrı Havuzu 12".
async fn menu(s: &Session) -> Vec<String> {
    s.texts("nav.masa li").await.unwrap()
}

/// The `class` of the list row of `tn`.
async fn row_class(s: &Session, tn: &str) -> String {
    js(
        s,
        &format!(
            "const a = document.querySelector('a.satir[aria-label=\"Aç {tn}\"]'); \
             return a ? a.closest('tr').className : 'missing';"
        ),
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn havuz_yonetimi_at_1366x768_shows_rows_under_an_uncovered_header_a_real_total_pages_that_lead_back_and_assigns_a_whole_page()
 {
    const TEST: &str = "browser_desk_manager";
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 300).await;
    let s = chrome.session(app.http, TEST).await.unwrap();
    at_desk_size(&s).await;
    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    s.click_link("Havuz Yönetimi").await.unwrap();
    shot(&s, TEST, "01-havuz-yonetimi").await;

    // The first data row is in view, and nothing lies over the header or
    // the first checkbox: a click there reaches them.
    let layout = js(
        &s,
        "const th = document.querySelector('table.liste thead th:nth-child(2)').getBoundingClientRect(); \
         const box = document.querySelector('table.liste tbody input[type=checkbox]'); \
         const b = box.getBoundingClientRect(); \
         const row = box.closest('tr').getBoundingClientRect(); \
         const atHeader = document.elementFromPoint(th.left + th.width / 2, th.top + th.height / 2); \
         const atBox = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2); \
         return [row.bottom, atHeader.closest('thead') !== null, atBox === box, innerHeight];",
    )
    .await;
    let bottom = layout[0].as_f64().unwrap();
    assert!(
        bottom <= 768.0,
        "the first row ends at {bottom} px, below a 768 px screen"
    );
    assert_eq!(layout[1], true, "something covers the table's header");
    assert_eq!(layout[2], true, "something covers the first checkbox");
    let rows_in_view = js(
        &s,
        "return [...document.querySelectorAll('table.liste tbody tr')].filter(r => r.getBoundingClientRect().bottom <= innerHeight).length;",
    )
    .await
    .as_u64()
    .unwrap();
    assert!(rows_in_view >= 6, "{rows_in_view} rows in view at 1366×768");
    // The table fits the screen's width.
    let overflow = js(
        &s,
        "return document.documentElement.scrollWidth - innerWidth;",
    )
    .await
    .as_i64()
    .unwrap();
    assert!(
        overflow <= 0,
        "the page is {overflow} px wider than the screen"
    );

    // The caption gives the whole list's total, as the case service counts it.
    let open = whole_view(&app, "yonetici.ankara", pb::CaseView::Pool).await;
    assert!(
        open.len() > 50,
        "the demo fills more than a page: {}",
        open.len()
    );
    let caption = s.texts("h1").await.unwrap().join(" ");
    assert!(
        caption.contains(&format!("{} kayıt", open.len())) && caption.contains("1–50 /"),
        "{caption}"
    );
    let counted = menu(&s).await;
    assert!(
        counted
            .iter()
            .any(|m| m == &format!("Havuz Yönetimi {}", open.len())),
        "{counted:?}"
    );

    // Page 2 leads back to page 1.
    let first_page = s.offered().await.unwrap();
    s.click_link("Sonraki sayfa").await.unwrap();
    let second_page = s.offered().await.unwrap();
    assert!(!second_page.is_empty() && second_page[0] != first_page[0]);
    let caption = s.texts("h1").await.unwrap().join(" ");
    assert!(caption.contains("51–"), "{caption}");
    shot(&s, TEST, "02-ikinci-sayfa").await;
    s.click_link("Önceki sayfa").await.unwrap();
    assert_eq!(s.offered().await.unwrap(), first_page);

    // Assign a whole page (no script needed): every record in the pool on
    // the page goes to the expert.
    s.choose("Durum", "Havuzda").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    let page = s.offered().await.unwrap();
    assert!(page.len() > 1, "{page:?}");
    s.choose("Atanacak uzman", "Mehmet Öztürk").await.unwrap();
    shot(&s, TEST, "03-sayfanin-tumu").await;
    s.click_button("Sayfadakilerin tümünü ata").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Seçilen kayıtlar uzmana atandı."],
    );
    let mehmet = app.case(&page[0]).await.holder_id;
    assert!(!mehmet.is_empty());
    for tn in &page {
        let c = app.case(tn).await;
        assert_eq!(
            (c.status, c.holder_id.as_str()),
            (pb::CaseStatus::Held as i32, mehmet.as_str()),
            "{tn}"
        );
    }
    shot(&s, TEST, "04-atandi").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_calls_show_days_in_pool_and_days_held_labelled_and_colour_by_the_note_rule() {
    const TEST: &str = "browser_desk_expert";
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 300).await;
    let s = chrome.session(app.http, TEST).await.unwrap();
    at_desk_size(&s).await;

    // From the expert's pool: one record exactly 3 days there (the rule
    // does not ask for a note yet), one more than 3 days (it does).
    let pool = whole_view(&app, "uzman.ankara", pb::CaseView::Pool).await;
    let day3 = pool
        .iter()
        .find(|c| c.days_in_pool == 3 && !c.note_written_in_pool)
        .expect("the demo has a record 3 days in the pool")
        .tracking_number
        .clone();
    let late = pool
        .iter()
        .filter(|c| c.days_in_pool > 3 && !c.note_written_in_pool)
        .nth(1)
        .expect("the demo has records more than 3 days in the pool")
        .tracking_number
        .clone();
    let noted = pool
        .iter()
        .find(|c| c.days_in_pool > 3 && !c.note_written_in_pool)
        .unwrap()
        .tracking_number
        .clone();

    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    s.click_link("Çağrı Havuzu").await.unwrap();
    for tn in [&day3, &late, &noted] {
        s.tick(&format!("Seç {tn}")).await.unwrap();
    }
    s.click_button("Seçilenleri Üzerime Al").await.unwrap();
    // A note on one of the late ones: the rule is met, no colour.
    let noted_id = app.case(&noted).await.id;
    CaseServiceClient::new(app.channel().await)
        .add_note(app.as_user(
            "uzman.ankara",
            pb::AddNoteRequest {
                case_id: noted_id,
                text: "Saha ekibi yönlendirildi.".into(),
                expected_version: None,
            },
        ))
        .await
        .unwrap();
    s.goto("/uzerimdeki").await.unwrap();
    shot(&s, TEST, "01-uzerimdeki").await;

    let headers = s.texts("table.liste thead th").await.unwrap();
    for h in ["Havuzda (gün)", "Üzerimde (gün)", "Not kuralı"] {
        assert!(headers.iter().any(|x| x == h), "{h} in {headers:?}");
    }
    for (tn, class, closing_needs_note) in [
        (&day3, "yaklasiyor", false),
        (&late, "gecti", true),
        (&noted, "", false),
    ] {
        let case = app.case(tn).await;
        assert_eq!(case.note_required_to_close, closing_needs_note, "{tn}");
        assert_eq!(row_class(&s, tn).await, class, "{tn}");
        let cells = js(
            &s,
            &format!(
                "return [...document.querySelector('a.satir[aria-label=\"Aç {tn}\"]').closest('tr').cells].map(c => c.innerText.trim());"
            ),
        )
        .await;
        let cells: Vec<String> = cells
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        assert!(
            cells.contains(&case.days_in_pool.to_string()) && cells.contains(&"0".to_owned()),
            "days in pool {} and days held 0 side by side: {cells:?}",
            case.days_in_pool
        );
        // The default policy's rule: 3 calendar days.
        let said = cells
            .iter()
            .any(|c| c == "kapatmadan önce not gerekli (3 gün)");
        assert_eq!(said, closing_needs_note, "{tn}: {cells:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_narrows_the_pool_sorts_it_and_opens_a_record_by_its_row_with_the_menu_counting()
{
    const TEST: &str = "browser_desk_pool";
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 300).await;
    let s = chrome.session(app.http, TEST).await.unwrap();
    at_desk_size(&s).await;
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();

    // The menu counts on every page, the start page included.
    let pool = whole_view(&app, "uzman.ankara", pb::CaseView::Pool).await;
    let mine = whole_view(&app, "uzman.ankara", pb::CaseView::Mine).await;
    let expected = [
        format!("Çağrı Havuzu {}", pool.len()),
        format!("Üzerimdeki Çağrılar {}", mine.len()),
    ];
    // The start page is the menu itself, each entry with its count.
    let cards: Vec<String> = s
        .texts("main nav li")
        .await
        .unwrap()
        .iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(cards[..2], expected);
    s.click_link("Çağrı Havuzu").await.unwrap();
    assert_eq!(menu(&s).await[..2], expected);
    shot(&s, TEST, "01-cagri-havuzu").await;

    // Filters: category, urgency, days in pool, district.
    let sample = pool
        .iter()
        .find(|c| c.days_in_pool >= 1)
        .expect("a record a day or more in the pool");
    let district = sample.location.as_ref().unwrap().district.clone();
    s.choose("Konu", "Su arızası / su kesintisi").await.unwrap();
    s.fill_label("Havuzda en az (gün)", "1").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    let listed = s.offered().await.unwrap();
    assert!(!listed.is_empty());
    for tn in &listed {
        let c = app.case(tn).await;
        assert_eq!(c.category, "su_arizasi", "{tn}");
        assert!(c.days_in_pool >= 1, "{tn}");
    }
    s.choose("Aciliyet", "Acil").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    for tn in s.offered().await.unwrap() {
        let c = app.case(&tn).await;
        assert_eq!(c.urgency, common::Urgency::Urgent as i32, "{tn}");
        assert_eq!(c.category, "su_arizasi", "{tn}");
    }
    shot(&s, TEST, "02-suzgecli").await;
    s.click_link("Temizle").await.unwrap();
    s.fill_label("İlçe", &district).await.unwrap();
    s.click_button("Uygula").await.unwrap();
    let in_district = s.offered().await.unwrap();
    assert!(!in_district.is_empty());
    for tn in &in_district {
        let d = app.case(tn).await.location.unwrap().district;
        assert_eq!(d, district, "{tn}");
    }

    // The received column sorts: newest first, then back.
    s.click_link("Temizle").await.unwrap();
    let oldest_first = s.offered().await.unwrap();
    s.click_link("Alındı (en eski önce)").await.unwrap();
    assert!(s.path().await.unwrap().contains("sira=2"));
    let newest_first = s.offered().await.unwrap();
    let a = app.case(&newest_first[0]).await.created_at.unwrap().seconds;
    let b = app
        .case(&newest_first[newest_first.len() - 1])
        .await
        .created_at
        .unwrap()
        .seconds;
    assert!(a >= b, "newest first");
    assert_ne!(newest_first[0], oldest_first[0]);
    shot(&s, TEST, "03-en-yeni-once").await;

    // A click on the row (its category cell, not the link) opens the record.
    let tn = newest_first[0].clone();
    let id = app.case(&tn).await.id;
    let cell = s.one("tbody tr:first-child td:nth-child(4)").await.unwrap();
    // A person's click (the pointer, not an element's own click()).
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: cell,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    s.client().perform_actions(click).await.unwrap();
    tekmerkez_integration_tests::wait::eventually(
        std::time::Duration::from_secs(10),
        "the record page",
        // The list rides along (`?from=`, for "next record").
        || async {
            (s.path().await.ok()?.split('?').next()? == format!("/kayit/{id}")).then_some(())
        },
    )
    .await;
    // And the checkbox still only ticks.
    s.goto("/cagri-havuzu?sira=2").await.unwrap();
    s.tick(&format!("Seç {tn}")).await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/cagri-havuzu?sira=2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callback_screen_lists_the_agents_callbacks_with_a_tel_link_the_retry_time_and_the_tries()
 {
    const TEST: &str = "browser_desk_callback";
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let s = chrome.session(app.http, TEST).await.unwrap();
    at_desk_size(&s).await;
    s.sign_in("geridonus", DEMO_PASSWORD).await.unwrap();
    s.click_link("Geri Dönüş Havuzu").await.unwrap();
    let tn = s.offered().await.unwrap()[0].clone();
    s.tick(&format!("Seç {tn}")).await.unwrap();
    s.click_button("Seçilenleri Üzerime Al").await.unwrap();

    // Not reached: call again tomorrow at 10:30 Istanbul time.
    let case = app.case(&tn).await;
    let retry = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .date()
        .tomorrow()
        .unwrap()
        .at(10, 30, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .unwrap();
    CaseServiceClient::new(app.channel().await)
        .record_callback_outcome(app.as_user(
            "geridonus",
            pb::RecordCallbackOutcomeRequest {
                case_id: case.id.clone(),
                outcome: pb::CallbackOutcome::NotReached as i32,
                retry_at: Some(prost_types::Timestamp {
                    seconds: retry.timestamp().as_second(),
                    nanos: 0,
                }),
                ..Default::default()
            },
        ))
        .await
        .unwrap();

    s.goto("/geri-donus").await.unwrap();
    shot(&s, TEST, "01-geri-donus").await;
    shows(
        &s.text().await.unwrap(),
        &["Üzerimdeki geri dönüşler", "Yeniden arama", "Deneme"],
    );
    let phone = app.case(&tn).await.contact.unwrap().phone;
    let link = js(
        &s,
        &format!(
            "const a = [...document.querySelectorAll('a[href^=\"tel:\"]')].find(a => a.closest('tr').innerText.includes('{tn}')); \
             return a ? [a.getAttribute('href'), a.closest('tr').innerText] : null;"
        ),
    )
    .await;
    assert_eq!(link[0].as_str().unwrap(), format!("tel:{phone}"));
    let row = link[1].as_str().unwrap();
    assert!(
        row.contains(&retry.strftime("%d.%m.%Y 10:30").to_string()),
        "the retry time, Istanbul: {row}"
    );
    assert!(row.split('\t').any(|c| c.trim() == "1"), "one try: {row}");
}
