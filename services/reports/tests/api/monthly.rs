//! The monthly pre-sums: what applying events writes to them equals the
//! daily rows summed by month, figures and histograms; and a database
//! counted when histograms were a row per bucket (before migration 40)
//! keeps every sample when they fold into the rollup rows. Both stores.

use std::collections::BTreeMap;

use tekmerkez_reports::{
    cells::RowSums,
    fact::{DayFigures, month_start},
    histogram::Counts,
    store::{PoolRows, ReportStore},
};

use crate::{
    helpers::{Backend, env, fresh_pg},
    history,
};

/// (dims, pool, month's first day, key1, key2) → sums, non-zero only.
type ByMonth = BTreeMap<(String, String, i32, String, String), RowSums>;

const DIMS: [&str; 4] = ["", "category", "channel,type", "province,closure_reason"];

async fn monthly_rows(store: &ReportStore) -> ByMonth {
    let mut out = ByMonth::new();
    for dims in DIMS {
        for pools in [PoolRows::AllPools, PoolRows::EachPool] {
            for r in store.monthly(dims, &pools, 0, i32::MAX).await.unwrap() {
                let s = r.sums().unwrap();
                if !s.is_zero() {
                    out.insert((dims.into(), r.pool_id, r.day, r.key1, r.key2), s);
                }
            }
        }
    }
    out
}

async fn daily_rows_by_month(store: &ReportStore) -> ByMonth {
    let mut out = ByMonth::new();
    for dims in DIMS {
        for pools in [PoolRows::AllPools, PoolRows::EachPool] {
            for r in store.daily(dims, &pools, 0, i32::MAX).await.unwrap() {
                let key = (
                    dims.into(),
                    r.pool_id.clone(),
                    month_start(r.day),
                    r.key1.clone(),
                    r.key2.clone(),
                );
                out.entry(key).or_default().add(&r.sums().unwrap());
            }
        }
    }
    out.retain(|_, s| !s.is_zero());
    out
}

async fn monthly_rows_are_daily_rows_summed(backend: Backend) {
    let env = env(backend).await;
    let (_, events) = history::generate(11, 120);
    for e in &events {
        env.store
            .apply(&e.event_id, &e.case_id, 0, |f| f.merge(e))
            .await
            .unwrap();
    }
    let monthly = monthly_rows(&env.store).await;
    // Histories run from March into May: rows in more than one month, and
    // histograms of both kinds.
    let months: std::collections::BTreeSet<i32> = monthly.keys().map(|k| k.2).collect();
    assert!(months.len() >= 2, "{months:?}");
    assert!(monthly.values().any(|s| !s.first_action.is_empty()));
    assert!(monthly.values().any(|s| !s.to_close.is_empty()));
    assert_eq!(monthly, daily_rows_by_month(&env.store).await);
}

#[tokio::test]
async fn sqlite_monthly_rows_are_the_daily_rows_summed_by_month() {
    monthly_rows_are_daily_rows_summed(Backend::Embedded).await;
}

#[tokio::test]
async fn postgres_monthly_rows_are_the_daily_rows_summed_by_month() {
    monthly_rows_are_daily_rows_summed(Backend::Production).await;
}

/// The version that moved the histograms into the rollup rows.
const HISTOGRAMS_IN_ROWS: i64 = 20_261_210_000_040;

/// Rows as the reports kept them before [`HISTOGRAMS_IN_ROWS`]: a day
/// with figures and samples of both kinds, a later day with a sample and
/// no figures, a bucket that had summed to zero; the same for a month.
const OLD_ROWS: &str = "
INSERT INTO report_daily VALUES ('category', 'p1', 20000, 'su', '', 2, 1, 1, 1, 0, 0, 0);
INSERT INTO report_durations VALUES
    ('category', 'p1', 20000, 2, 'su', '', 143, 2),
    ('category', 'p1', 20000, 2, 'su', '', 141, 1),
    ('category', 'p1', 20000, 1, 'su', '', 5, 3),
    ('category', 'p1', 20000, 1, 'su', '', 9, 0),
    ('category', 'p1', 20001, 1, 'su', '', 7, 1);
INSERT INTO report_monthly VALUES ('category', 'p1', 19997, 'su', '', 2, 1, 1, 1, 0, 0, 0);
INSERT INTO report_durations_monthly VALUES
    ('category', 'p1', 19997, 2, 'su', '', 143, 2),
    ('category', 'p1', 19997, 2, 'su', '', 141, 1),
    ('category', 'p1', 19997, 1, 'su', '', 5, 3),
    ('category', 'p1', 19997, 1, 'su', '', 7, 1);
";

/// A database at the schema before `version`, holding [`OLD_ROWS`]; its URL.
async fn database_before(backend: Backend, version: i64, dir: &std::path::Path) -> String {
    let store_dir = match backend {
        Backend::Embedded => "sqlite",
        Backend::Production => "postgres",
    };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(store_dir);
    let earlier = dir.join("migrations");
    std::fs::create_dir_all(&earlier).unwrap();
    for f in std::fs::read_dir(&source).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().into_string().unwrap();
        let v: i64 = name.split('_').next().unwrap().parse().unwrap();
        if v < version {
            std::fs::copy(f.path(), earlier.join(&name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(earlier.as_path())
        .await
        .unwrap();
    match backend {
        Backend::Embedded => {
            let url = format!("sqlite://{}?mode=rwc", dir.join("reports.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            sqlx::raw_sql(OLD_ROWS).execute(&pool).await.unwrap();
            pool.close().await;
            url
        }
        Backend::Production => {
            let url = fresh_pg().await;
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            sqlx::raw_sql(OLD_ROWS).execute(&pool).await.unwrap();
            pool.close().await;
            url
        }
    }
}

async fn histograms_fold_into_the_rollup_rows(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_before(backend, HISTOGRAMS_IN_ROWS, dir.path()).await;
    let store = ReportStore::connect(&url, 2).unwrap();
    store.migrate().await.unwrap();
    let pools = PoolRows::EachPool;
    let figures = |opened, resolved| DayFigures {
        opened,
        resolved,
        open_delta: 1,
        on_time: 1,
        ..DayFigures::default()
    };
    let daily: BTreeMap<i32, RowSums> = store
        .daily("category", &pools, 0, i32::MAX)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.day, r.sums().unwrap()))
        .collect();
    assert_eq!(
        daily,
        BTreeMap::from([
            (
                20000,
                RowSums {
                    figures: figures(2, 1),
                    first_action: Counts::from([(5, 3)]),
                    to_close: Counts::from([(141, 1), (143, 2)]),
                }
            ),
            (
                20001,
                RowSums {
                    first_action: Counts::from([(7, 1)]),
                    ..RowSums::default()
                }
            ),
        ])
    );
    let monthly = store
        .monthly("category", &pools, 0, i32::MAX)
        .await
        .unwrap();
    assert_eq!(monthly.len(), 1);
    assert_eq!(
        monthly[0].sums().unwrap(),
        RowSums {
            figures: figures(2, 1),
            first_action: Counts::from([(5, 3), (7, 1)]),
            to_close: Counts::from([(141, 1), (143, 2)]),
        }
    );
    // The stored text is in bucket order, as the service writes it.
    assert_eq!(monthly[0].to_close, "141:1,143:2");
}

#[tokio::test]
async fn sqlite_histograms_kept_per_bucket_fold_into_the_rollup_rows() {
    histograms_fold_into_the_rollup_rows(Backend::Embedded).await;
}

#[tokio::test]
async fn postgres_histograms_kept_per_bucket_fold_into_the_rollup_rows() {
    histograms_fold_into_the_rollup_rows(Backend::Production).await;
}
