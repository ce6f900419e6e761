//! The monthly pre-sums: what applying events writes to them equals the
//! sums of the daily rows, and the migration that created them fills them
//! the same way from a database counted before they existed, on both
//! stores.

use sqlx::Connection as _;
use tekmerkez_reports::store::{PoolRows, ReportStore};

use crate::{
    helpers::{Backend, env},
    history,
};

/// Every non-zero monthly row of a few dimension sets, over all pools and
/// each pool, sorted: figures and duration samples.
async fn monthly_rows(store: &ReportStore) -> Vec<String> {
    let mut out = Vec::new();
    for dims in ["", "category", "channel,type", "province,closure_reason"] {
        for pools in [PoolRows::AllPools, PoolRows::EachPool] {
            for r in store.monthly(dims, &pools, 0, i32::MAX).await.unwrap() {
                let f = r.figures();
                if !f.is_zero() {
                    out.push(format!(
                        "{dims}|{}|{}|{}|{}|{f:?}",
                        r.pool_id, r.day, r.key1, r.key2
                    ));
                }
            }
            for s in store
                .monthly_samples(dims, &pools, 0, i32::MAX)
                .await
                .unwrap()
            {
                if s.samples != 0 {
                    out.push(format!(
                        "{dims}|{}|{}|{}|{}|{}|{}|{}",
                        s.pool_id, s.day, s.metric, s.key1, s.key2, s.bucket, s.samples
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

/// The migration's back-fill: its statements from the first INSERT on.
fn backfill_sql(backend: Backend) -> &'static str {
    let migration = match backend {
        Backend::Embedded => {
            include_str!("../../migrations/sqlite/20261210000030_monthly_rollups.sql")
        }
        Backend::Production => {
            include_str!("../../migrations/postgres/20261210000030_monthly_rollups.sql")
        }
    };
    &migration[migration.find("INSERT INTO").expect("the back-fill")..]
}

async fn execute(backend: Backend, url: &str, sql: &str) {
    match backend {
        Backend::Embedded => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
        Backend::Production => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
    }
}

async fn the_backfill_equals_what_applying_wrote(backend: Backend) {
    let env = env(backend).await;
    let (_, events) = history::generate(11, 120);
    for e in &events {
        env.store
            .apply(&e.event_id, &e.case_id, 0, |f| f.merge(e))
            .await
            .unwrap();
    }
    let applied = monthly_rows(&env.store).await;
    // Histories run from March into May: rows in more than one month.
    let months: std::collections::BTreeSet<&str> =
        applied.iter().filter_map(|r| r.split('|').nth(2)).collect();
    assert!(months.len() >= 2, "{months:?}");

    execute(
        backend,
        &env.url,
        "DELETE FROM report_monthly; DELETE FROM report_durations_monthly;",
    )
    .await;
    assert!(monthly_rows(&env.store).await.is_empty());
    execute(backend, &env.url, backfill_sql(backend)).await;
    assert_eq!(monthly_rows(&env.store).await, applied);
}

#[tokio::test]
async fn sqlite_monthly_rows_are_the_daily_rows_summed_by_month() {
    the_backfill_equals_what_applying_wrote(Backend::Embedded).await;
}

#[tokio::test]
async fn postgres_monthly_rows_are_the_daily_rows_summed_by_month() {
    the_backfill_equals_what_applying_wrote(Backend::Production).await;
}
