//! The case rows behind the figures: for random histories, the rows
//! CasesBehind would stream for a figure of a key number exactly what the
//! Summary shows for that key and period; LongestOpen's order; the rows
//! filled from the facts of a database that had none.

use jiff::civil::Date;
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};
use tekmerkez_bus::consumer::Handler as _;
use tekmerkez_reports::{
    directory::PoolMap,
    fact::{date_of, day_number, day_of},
    grpc::row_query,
    handler::ReportHandler,
    query::{self, Dim, Scope, SummaryQuery},
    rows::Which,
    store::ReportStore,
};

use crate::{
    helpers::{self, Backend, envelope},
    history::{self, DAYS, POOLS, START, directorate_of_unit, place_of},
};

/// The test pools as the directory would map them.
fn pool_map() -> PoolMap {
    let mut m = PoolMap::default();
    for (p, u) in POOLS {
        m.pools
            .insert(p.to_owned(), (u.to_owned(), directorate_of_unit(u)));
    }
    m
}

/// Every figure's rows for every key of `by` equal the summary's figure.
async fn check(store: &ReportStore, scope: &Scope, from: Date, to: Date, by: &[Dim]) -> usize {
    let map = pool_map();
    let q = SummaryQuery {
        from,
        to,
        by: by.to_vec(),
        granularity: None,
    };
    let s = query::summary(store, &q, scope, &place_of).await.unwrap();
    let (a, b) = (day_number(from), day_number(to));
    let mut checked = 0;
    for row in &s.rows {
        let key: Vec<(Dim, String)> = by.iter().copied().zip(row.keys.iter().cloned()).collect();
        let f = &row.figures;
        for (which, want) in [
            (Which::Opened(a, b), f.opened),
            (Which::Resolved(a, b), f.resolved),
            (Which::OpenAt(b), f.open_at_end),
            (Which::OnTime(a, b), f.on_time),
            (Which::Late(a, b), f.late),
            (Which::Linked(a, b), f.linked_to_incident),
        ] {
            let rq = row_query(which, &key, scope, Some(&map));
            let got = store.count_case_rows(&rq).await.unwrap();
            assert_eq!(got, want, "{from}..{to} {key:?} {which:?} {scope:?}");
            // The stream's pages hold the same rows as the count.
            if want > 0 && checked % 7 == 0 {
                let mut after = None;
                let mut n = 0;
                loop {
                    let page = store.case_rows(&rq, after.as_ref(), 3).await.unwrap();
                    n += page.len() as i64;
                    let Some(last) = page.last() else { break };
                    after = Some(last.cursor());
                }
                assert_eq!(n, want, "paged {key:?} {which:?}");
            }
            checked += 1;
        }
    }
    // The totals: no key.
    let t = &s.totals;
    let rq = row_query(Which::Opened(a, b), &[], scope, Some(&map));
    assert_eq!(store.count_case_rows(&rq).await.unwrap(), t.opened);
    let rq = row_query(Which::OpenAt(b), &[], scope, Some(&map));
    assert_eq!(store.count_case_rows(&rq).await.unwrap(), t.open_at_end);
    checked
}

async fn reconcile_rows(store: &ReportStore, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let first = day_of(START);
    let mut checked = 0;
    for _ in 0..4 {
        let a = first + rng.random_range(-2..DAYS as i32);
        let b = a + rng.random_range(0..20);
        let scopes = [Scope::All, Scope::Pools(history::some_pools(&mut rng))];
        for scope in &scopes {
            for (i, d) in Dim::ALL.iter().enumerate() {
                checked += check(store, scope, date_of(a), date_of(b), &[*d]).await;
                let other =
                    Dim::ALL[(i + 1 + rng.random_range(0..Dim::ALL.len() - 1)) % Dim::ALL.len()];
                checked += check(store, scope, date_of(a), date_of(b), &[*d, other]).await;
            }
        }
    }
    assert!(checked > 500, "checked {checked}");
}

#[tokio::test]
async fn the_rows_behind_every_figure_number_what_the_summary_shows() {
    let env = helpers::env(Backend::Embedded).await;
    let (_, events) = history::generate(23, 250);
    let handler = ReportHandler::new(env.store.clone());
    for e in &events {
        handler.handle(&envelope(e)).await.unwrap();
    }
    reconcile_rows(&env.store, 23).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_rows_behind_every_figure_number_what_the_summary_shows() {
    let env = helpers::env(Backend::Production).await;
    let (_, events) = history::generate(29, 150);
    let handler = ReportHandler::new(env.store.clone());
    for e in &events {
        handler.handle(&envelope(e)).await.unwrap();
    }
    reconcile_rows(&env.store, 29).await;
}

/// A database from before the rows were kept (facts, no rows) gets them
/// from the facts at start, once.
#[tokio::test]
async fn rows_are_filled_from_the_facts_when_there_are_none() {
    let env = helpers::env(Backend::Embedded).await;
    let (_, events) = history::generate(31, 80);
    let handler = ReportHandler::new(env.store.clone());
    for e in &events {
        handler.handle(&envelope(e)).await.unwrap();
    }
    let first = day_of(START);
    let all = |w| row_query(w, &[], &Scope::All, None);
    let open = all(Which::OpenAt(first + 20));
    let before = env.store.count_case_rows(&open).await.unwrap();
    assert!(before > 0);
    {
        use sqlx::Connection as _;
        let mut c = sqlx::SqliteConnection::connect(&env.url).await.unwrap();
        sqlx::query("DELETE FROM report_case_rows")
            .execute(&mut c)
            .await
            .unwrap();
    }
    assert_eq!(env.store.count_case_rows(&open).await.unwrap(), 0);
    assert_eq!(env.store.backfill_rows().await.unwrap(), 80);
    assert_eq!(env.store.count_case_rows(&open).await.unwrap(), before);
    let back = env.store.case_rows(&open, None, 5).await.unwrap();
    assert!(
        back.iter().all(|r| r.tracking_number.starts_with('T')),
        "{back:?}"
    );
    // Not again once there are rows.
    assert_eq!(env.store.backfill_rows().await.unwrap(), 0);
    reconcile_rows(&env.store, 31).await;
}

/// LongestOpen's rows: open at the day's end, oldest first.
#[tokio::test]
async fn open_rows_come_oldest_first() {
    let env = helpers::env(Backend::Embedded).await;
    let (truths, events) = history::generate(37, 120);
    let handler = ReportHandler::new(env.store.clone());
    for e in &events {
        handler.handle(&envelope(e)).await.unwrap();
    }
    let at = day_of(START) + 15;
    let rq = row_query(Which::OpenAt(at), &[], &Scope::All, None);
    let rows = env.store.case_rows(&rq, None, 10).await.unwrap();
    assert_eq!(rows.len(), 10);
    assert!(rows.windows(2).all(|w| w[0].opened_at <= w[1].opened_at));
    // The oldest open case of the direct count heads the list.
    let oldest = truths
        .iter()
        .filter(|t| {
            t.intervals
                .iter()
                .any(|(s, e)| day_of(*s) <= at && e.is_none_or(|e| day_of(e) > at))
        })
        .map(|t| t.opened_at)
        .min()
        .unwrap();
    assert_eq!(rows[0].opened_at, oldest);
    // Each names its case by the tracking number its events carried.
    for r in &rows {
        let i = r.case_id.rsplit('-').next().unwrap();
        assert_eq!(r.tracking_number, format!("T{i}"), "{}", r.case_id);
    }
}
