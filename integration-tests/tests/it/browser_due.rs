//! *Süresi Yaklaşan / Süresi Geçen* in a real Chromium against `tekmerkez
//! dev` with its demo records (backdated up to twelve days: a water fault's
//! 4-hour internal target has long passed for many): the pool manager's
//! menu counts the overdue records of the managed pools and the list shows
//! exactly those, most urgent first, each with how late it is; the
//! directorate manager's list spans the directorate's pools in every
//! province and nothing of another directorate; the expert's own list marks
//! the overdue records they hold. Screens under
//! `test-artifacts/screens/browser_due/`.

use crate::channels::{Running, start};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1 as pb;

/// The number the desk menu shows beside `label` (`None` without one).
async fn menu_count(s: &Session, label: &str) -> Option<u32> {
    s.texts("nav.masa li, main li")
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.starts_with(label))
        .and_then(|t| t[label.len()..].trim().trim_end_matches('+').parse().ok())
}

/// The tracking numbers the due list shows, in order.
async fn listed(s: &Session) -> Vec<String> {
    s.texts("#sure-listesi tbody tr td:first-child")
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.trim().to_owned())
        .collect()
}

/// Whether `c` is past a due date now.
fn past_due(c: &pb::Case) -> bool {
    let now = jiff::Timestamp::now();
    let today = tekmerkez_workdays::istanbul_date(now).to_string();
    (!c.legal_due_date.is_empty() && c.legal_due_date < today)
        || c.internal_due_at
            .as_ref()
            .is_some_and(|t| t.seconds <= now.as_second())
}

/// The earliest instant `c` falls due (the list's order).
fn due_instant(c: &pb::Case) -> i64 {
    let legal = c
        .legal_due_date
        .parse::<jiff::civil::Date>()
        .ok()
        .map(|d| tekmerkez_workdays::end_of_istanbul_day(d).as_second());
    legal
        .into_iter()
        .chain(c.internal_due_at.as_ref().map(|t| t.seconds))
        .min()
        .unwrap_or(i64::MAX)
}

async fn check_overdue_list(app: &Running, s: &Session, pool_word: &str) -> Vec<pb::Case> {
    let shown = listed(s).await;
    assert!(!shown.is_empty(), "the demo data has overdue records");
    let mut cases = Vec::new();
    for tn in &shown {
        let c = app.case(tn).await;
        assert_ne!(c.status, pb::CaseStatus::Resolved as i32, "{tn}");
        assert!(past_due(&c), "{tn} is past a due date");
        assert!(is_past(c.escalation_stage), "{tn}");
        let pool = app.pool_name(&c.pool_id).await;
        assert!(pool.contains(pool_word), "{tn} in {pool}");
        cases.push(c);
    }
    let order: Vec<i64> = cases.iter().map(due_instant).collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "most urgent first: {order:?}"
    );
    for row in s.texts("#sure-listesi tbody tr").await.unwrap() {
        assert!(row.contains("gecikti"), "how late, in words: {row}");
    }
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_see_their_overdue_records_counted_on_the_menu_in_a_real_browser() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;

    // The pool manager of Ankara.
    let s = chrome.session(app.http, "browser_due").await.unwrap();
    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Süresi Yaklaşan", "Süresi Geçen"],
    );
    let counted = menu_count(&s, "Süresi Geçen")
        .await
        .expect("the menu counts overdue records");
    s.click_link("Süresi Geçen").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/sure-gecen");
    shows(
        &s.text().await.unwrap(),
        &[
            "Süresi Geçen",
            "Takip numarası",
            "Yasal son gün",
            "Kurum içi hedef",
            "Gecikme",
            "Durum",
        ],
    );
    let ankara = check_overdue_list(&app, &s, "Ankara").await;
    assert_eq!(
        ankara.len() as u32,
        counted.min(200),
        "the list holds what the menu counts"
    );
    assert_eq!(menu_count(&s, "Süresi Geçen").await, Some(counted));
    s.screenshot("sure-gecen-havuz-yoneticisi").await.unwrap();
    s.goto("/sure-yaklasan").await.unwrap();
    shows(&s.text().await.unwrap(), &["Süresi Yaklaşan"]);
    for tn in listed(&s).await {
        assert!(!past_due(&app.case(&tn).await), "{tn}: not past due");
    }
    s.screenshot("sure-yaklasan").await.unwrap();

    // The water directorate's manager: every province, no other directorate.
    let d = chrome.session(app.http, "browser_due").await.unwrap();
    d.sign_in("mudur.su", DEMO_PASSWORD).await.unwrap();
    shows(
        &d.text().await.unwrap(),
        &["Müdürlük Yöneticisi", "Süresi Geçen"],
    );
    d.click_link("Süresi Geçen").await.unwrap();
    let all = check_overdue_list(&app, &d, "").await;
    let mut provinces = std::collections::BTreeSet::new();
    for c in &all {
        let pool = app.pool_name(&c.pool_id).await;
        assert!(
            !pool.contains("Çevre") && !pool.contains("Triyaj"),
            "only the water directorate: {pool}"
        );
        provinces.insert(c.location.as_ref().map_or(0, |l| l.province_code));
    }
    assert!(provinces.len() > 1, "more than one province: {provinces:?}");
    d.screenshot("sure-gecen-mudurluk").await.unwrap();

    // Someone else's screen is refused.
    let e = chrome.session(app.http, "browser_due").await.unwrap();
    e.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    assert!(!e.text().await.unwrap().contains("Süresi Geçen"));
    e.goto("/sure-gecen").await.unwrap();
    shows(&e.text().await.unwrap(), &["yetkiniz yok"]);
    // The expert's own list marks the overdue records they hold.
    e.goto("/uzerimdeki").await.unwrap();
    let held = e.texts("tbody tr td:first-child").await.unwrap();
    // The cell holds the tracking number, and under it the mark.
    for tn in held
        .iter()
        .filter_map(|t| t.split_whitespace().next().map(str::to_owned))
    {
        let c = app.case(&tn).await;
        if is_past(c.escalation_stage) {
            let row = e
                .texts("tbody tr")
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.contains(&tn))
                .unwrap();
            assert!(
                row.contains("Süresi geçti") || row.contains("Müdürlüğe iletildi"),
                "{row}"
            );
        }
    }
    e.screenshot("uzerimdeki-isaretler").await.unwrap();
    app.stop().await;
}

/// Whether an escalation stage is past the due date (IMMINENT, numbered
/// last, comes before it).
fn is_past(stage: i32) -> bool {
    matches!(
        pb::EscalationStage::try_from(stage),
        Ok(pb::EscalationStage::Overdue | pb::EscalationStage::Escalated)
    )
}
