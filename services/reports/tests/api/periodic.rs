//! The monthly report: drawn from the rollups as a PDF and an XLSX, handed
//! to notify on the month's first working day from the configured hour,
//! once however many replicas run the round and however often it runs.

use std::{sync::Arc, time::Duration};

use jiff::{Timestamp, civil::date, tz::TimeZone};
use prost::Message as _;
use tekmerkez_bus::consumer::Handler as _;
use tekmerkez_proto::notify_v1::ReportMailRequested;
use tekmerkez_reports::{
    directory::{Directory, PoolMap},
    handler::ReportHandler,
    labels::Catalogues,
    periodic::{
        REPORT_MAIL_TOPIC, Reporter, content::Subject, event_id, period::ReportPeriod,
        schedule::Schedule, store::SetOutcome,
    },
};

use crate::{
    helpers::{self, Backend, envelope},
    history::{self, POOLS, directorate_of_unit},
};

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn pool_map() -> PoolMap {
    let mut m = PoolMap::default();
    for (p, u) in POOLS {
        m.pools
            .insert(p.to_owned(), (u.to_owned(), directorate_of_unit(u)));
        m.unit_names.insert(u.to_owned(), format!("Birim {u}"));
        m.pool_names.insert(p.to_owned(), format!("Havuz {p}"));
    }
    m.directorate_names.insert(
        "dir-1".into(),
        "Su ve Kanalizasyon Dairesi Başkanlığı".into(),
    );
    m
}

/// An Istanbul wall-clock time.
fn istanbul(y: i16, mo: i8, d: i8, h: i8) -> Timestamp {
    date(y, mo, d)
        .at(h, 0, 0, 0)
        .to_zoned(TimeZone::get("Europe/Istanbul").unwrap())
        .unwrap()
        .timestamp()
}

struct World {
    env: helpers::Env,
    reporter: Reporter,
}

/// March 2026's histories counted, and a reporter over them.
async fn world() -> World {
    let env = helpers::env(Backend::Embedded).await;
    let (_, events) = history::generate(41, 150);
    let handler = ReportHandler::new(env.store.clone());
    for e in &events {
        handler.handle(&envelope(e)).await.unwrap();
    }
    let reporter = Reporter::new(
        env.store.clone(),
        Directory::fixed(pool_map()),
        Arc::new(Catalogues::default()),
        tekmerkez_pdf::Font::load(DEJAVU).unwrap(),
        env.bus.clone(),
        "Tek Merkez Başvuru ve Çözüm Merkezi".into(),
    );
    World { env, reporter }
}

/// The report e-mail requests on the bus so far.
async fn requests(w: &World, group: &str, want: usize) -> Vec<ReportMailRequested> {
    let mut sub = w.env.bus.subscribe(group, REPORT_MAIL_TOPIC).await.unwrap();
    let mut out = Vec::new();
    while let Ok(Ok(d)) = tokio::time::timeout(
        Duration::from_millis(if out.len() < want { 5_000 } else { 500 }),
        sub.next(),
    )
    .await
    {
        out.push(ReportMailRequested::decode(d.envelope.payload.clone()).unwrap());
    }
    out
}

#[tokio::test]
async fn a_directorates_month_is_drawn_as_a_pdf_with_charts_and_an_xlsx() {
    let w = world().await;
    let march = ReportPeriod::parse("2026-03").unwrap();
    let subject = Subject::Directorate("dir-1".into());
    let c = w.reporter.content(&subject, march, false).await.unwrap();
    // The directorate's pools only: units 1 and 2, not unit 3.
    let units = &c.breakdowns.last().unwrap().rows;
    assert!(
        units.iter().all(|(name, _)| name != "Birim unit-3"),
        "{units:?}"
    );
    assert!(units.iter().any(|(name, _)| name == "Birim unit-1"));
    let whole = w
        .reporter
        .content(&Subject::Institution, march, false)
        .await
        .unwrap();
    assert!(c.totals.opened > 0 && c.totals.opened < whole.totals.opened);
    assert_eq!(c.trend.len(), 31, "one step a day of March");
    assert_eq!(
        c.trend.iter().map(|p| p.opened).sum::<i64>(),
        c.totals.opened,
        "the trend adds up to the total"
    );
    assert!(
        c.calls.is_none(),
        "calls are the institution's, not a directorate's"
    );
    assert!(whole.calls.is_some());

    let drawn = w.reporter.draw(&subject, march, false).await.unwrap();
    // For people to look at (the note): where the screenshots go.
    if let Ok(dir) = std::env::var("TEKMERKEZ_SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/periodic-report.pdf"), &drawn.pdf).unwrap();
    }
    assert!(drawn.pdf.starts_with(b"%PDF-"));
    assert!(
        drawn.pdf.len() > 5_000,
        "a cover, a trend and four breakdowns"
    );
    assert!(drawn.xlsx.starts_with(b"PK"), "an XLSX is a zip");
    let sheets = String::from_utf8_lossy(&drawn.xlsx);
    assert!(
        sheets.contains("xl/worksheets/sheet6.xml"),
        "summary, trend, four breakdowns"
    );
    assert_eq!(
        drawn.file_stem,
        "Aylık rapor - Su ve Kanalizasyon Dairesi Başkanlığı - Mart 2026"
    );
    let en = w.reporter.draw(&subject, march, true).await.unwrap();
    assert_eq!(
        en.file_stem,
        "Monthly report - Su ve Kanalizasyon Dairesi Başkanlığı - March 2026"
    );
}

#[tokio::test]
async fn the_month_is_sent_once_on_the_first_working_day_whatever_the_replicas_do() {
    let w = world().await;
    let store = &w.env.store;
    let emails = vec![
        "mudur@su.example.gov.tr".to_owned(),
        "rapor@su.example.gov.tr".to_owned(),
    ];
    let SetOutcome::Stored(set) = store
        .set_recipients("dir-1", &emails, "tr", 0, 0)
        .await
        .unwrap()
    else {
        panic!("the first edit is stored");
    };
    assert_eq!(set.version, 1);
    // An edit made on an old version is refused, not lost silently.
    assert_eq!(
        store
            .set_recipients("dir-1", &[], "tr", 0, 0)
            .await
            .unwrap(),
        SetOutcome::Stale { current: 1 }
    );

    let lease = Duration::from_secs(300);
    let a = Schedule::new(w.reporter.clone(), 8, lease, "replica-a".into());
    let b = Schedule::new(w.reporter.clone(), 8, lease, "replica-b".into());
    // 1 April 2026, a Wednesday: the first working day; not before 08:00.
    assert!(a.round(istanbul(2026, 4, 1, 7)).await.unwrap().not_due);
    assert!(
        a.round(istanbul(2026, 4, 2, 9)).await.unwrap().not_due,
        "the second day"
    );
    let first = a.round(istanbul(2026, 4, 1, 9)).await.unwrap();
    assert_eq!(first.sent, ["dir-1"]);
    // The other replica finds the round taken; the first finds it done.
    let other = b.round(istanbul(2026, 4, 1, 9)).await.unwrap();
    assert!(other.not_ours && other.sent.is_empty());
    assert!(
        a.round(istanbul(2026, 4, 1, 10))
            .await
            .unwrap()
            .sent
            .is_empty()
    );
    // Once the lease has run out, the other replica takes it: still done.
    let later = b.round(istanbul(2026, 4, 1, 16)).await.unwrap();
    assert!(!later.not_ours && later.sent.is_empty());

    let sent = requests(&w, "test-once", 1).await;
    assert_eq!(sent.len(), 1, "one request for the month");
    let r = &sent[0];
    assert_eq!(
        r.event_id,
        event_id("dir-1", ReportPeriod::parse("2026-03").unwrap())
    );
    assert_eq!(r.recipients, emails);
    assert_eq!(r.period, "2026-03");
    assert_eq!(r.language, "tr");
    assert!(
        r.subject.starts_with("Aylık rapor — Mart 2026"),
        "{}",
        r.subject
    );
    assert!(r.text_body.contains("Mart 2026"), "{}", r.text_body);
    let names: Vec<&str> = r.attachments.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(
        names,
        [
            "Aylık rapor - Su ve Kanalizasyon Dairesi Başkanlığı - Mart 2026.pdf",
            "Aylık rapor - Su ve Kanalizasyon Dairesi Başkanlığı - Mart 2026.xlsx"
        ]
    );
    assert_eq!(r.attachments[0].content_type, "application/pdf");
    assert!(r.attachments[0].content.starts_with(b"%PDF-"));
    let runs = store.mail_runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].period.as_str(), runs[0].recipients),
        ("2026-03", 2)
    );

    // Sent again by hand: the same event, which notify sends to nobody twice.
    let again = w
        .reporter
        .send("dir-1", ReportPeriod::parse("2026-03").unwrap(), 0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.event_id, r.event_id);
    // A directorate without recipients gets nothing, and says so.
    assert!(
        w.reporter
            .send("dir-2", ReportPeriod::parse("2026-03").unwrap(), 0)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_year_end_summary_carries_seed_002s_lines() {
    let w = world().await;
    let year = ReportPeriod::parse("2026").unwrap();
    let c = w
        .reporter
        .content(&Subject::Institution, year, false)
        .await
        .unwrap();
    assert_eq!(c.trend.len(), 12, "a step a month, the quiet ones too");
    assert_eq!(
        c.trend.iter().map(|p| p.opened).sum::<i64>(),
        c.totals.opened
    );
    assert_eq!(c.trend[0].opened, 0, "nothing opened in January");
    assert!(c.calls.is_some());
    let partners: i64 = c.breakdowns[0]
        .rows
        .iter()
        .filter(|(name, _)| name.starts_with("Kurum"))
        .map(|(_, f)| f.resolved)
        .sum();
    assert_eq!(c.resolved_from_partners, partners);
    let drawn = w
        .reporter
        .draw(&Subject::Institution, year, false)
        .await
        .unwrap();
    assert_eq!(
        drawn.file_stem,
        "Yıl sonu raporu - Tek Merkez Başvuru ve Çözüm Merkezi - 2026"
    );
}
