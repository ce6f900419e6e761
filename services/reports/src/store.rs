//! The reports' tables on PostgreSQL or SQLite, with one SQL text for both
//! (`tekmerkez_sqlpool`): applying an event (dedupe row, fact, rollup
//! change in one transaction), reading rollup rows for a summary, and
//! emptying everything for a rebuild.

use std::collections::BTreeMap;

use tekmerkez_sqlpool::{SqlPool, Statement, on_pool};

use crate::{
    cells::{self, Cell, Delta, RowSums},
    fact::{DayFigures, Fact, Metric},
    histogram::{self, Counts},
    rows::{CaseRow, RowQuery, StoredRow},
};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("running migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored fact does not parse.
    #[error("a stored fact is unreadable")]
    Corrupt(#[source] serde_json::Error),
    /// A stored histogram does not parse.
    #[error("a stored histogram is unreadable")]
    CorruptHistogram,
    /// Another writer changed the case's fact meanwhile; retry.
    #[error("the case's fact changed meanwhile")]
    Conflict,
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The event id was seen before: nothing changed.
    Duplicate,
    /// Recorded; the rollups changed (or the event counts nothing).
    Recorded,
}

/// Which pools' rows a read takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolRows {
    /// The rows over all pools (`pool_id = ''`).
    AllPools,
    /// Every pool's own rows.
    EachPool,
    /// These pools' own rows.
    Pools(Vec<String>),
}

/// One rollup row as read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DailyRow {
    /// The pool, `''` for all pools.
    pub pool_id: String,
    /// First key.
    pub key1: String,
    /// Second key.
    pub key2: String,
    /// Day number.
    pub day: i32,
    /// Figures.
    pub opened: i64,
    /// Figures.
    pub resolved: i64,
    /// Figures.
    pub open_delta: i64,
    /// Figures.
    pub on_time: i64,
    /// Figures.
    pub late: i64,
    /// Figures.
    pub survey_count: i64,
    /// Figures.
    pub survey_sum: i64,
    /// Figures.
    pub linked: i64,
    /// Time-to-first-action histogram (stored text, [`histogram::decode`]).
    pub first_action: String,
    /// Time-to-close histogram (stored text).
    pub to_close: String,
}

impl DailyRow {
    /// The histogram of `metric`.
    ///
    /// # Errors
    /// [`StoreError::CorruptHistogram`] when the stored text does not parse.
    pub fn counts(&self, metric: Metric) -> Result<Counts, StoreError> {
        decode_stored(match metric {
            Metric::FirstAction => &self.first_action,
            Metric::Close => &self.to_close,
        })
    }

    /// The figures and both histograms.
    ///
    /// # Errors
    /// [`StoreError::CorruptHistogram`] when a stored text does not parse.
    pub fn sums(&self) -> Result<RowSums, StoreError> {
        Ok(RowSums {
            figures: self.figures(),
            first_action: self.counts(Metric::FirstAction)?,
            to_close: self.counts(Metric::Close)?,
        })
    }

    /// The additive figures.
    pub fn figures(&self) -> DayFigures {
        DayFigures {
            opened: self.opened,
            resolved: self.resolved,
            open_delta: self.open_delta,
            on_time: self.on_time,
            late: self.late,
            survey_count: self.survey_count,
            survey_sum: self.survey_sum,
            linked: self.linked,
        }
    }
}

/// The open count carried into a period: open_delta summed before it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BaselineRow {
    /// The pool, `''` for all pools.
    pub pool_id: String,
    /// First key.
    pub key1: String,
    /// Second key.
    pub key2: String,
    /// Open cases at the end of the day before the period.
    pub open: i64,
}

/// A rollup row's key and its stored histograms, as an upsert returns them.
#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredHistograms {
    dims: String,
    pool_id: String,
    day: i32,
    key1: String,
    key2: String,
    first_action: String,
    to_close: String,
}

/// Where the reports are kept.
#[derive(Debug, Clone)]
pub struct ReportStore(SqlPool);

/// Rows per multi-row upsert (SQLite binds at most 32 766 values).
const CHUNK: usize = 200;

/// The rollup tables of one grain: by day, or the monthly pre-sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grain {
    Day,
    Month,
}

impl Grain {
    fn figures(self) -> &'static str {
        match self {
            Grain::Day => "report_daily",
            Grain::Month => "report_monthly",
        }
    }

    /// The day column: the day, or the first day of the month.
    fn column(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Month => "month_day",
        }
    }
}

const FIGURES: [&str; 8] = [
    "opened",
    "resolved",
    "open_delta",
    "on_time",
    "late",
    "survey_count",
    "survey_sum",
    "linked",
];

fn decode_stored(text: &str) -> Result<Counts, StoreError> {
    histogram::decode(text).ok_or(StoreError::CorruptHistogram)
}

/// Up to [`CHUNK`] rows of one grain written together, in key order (so
/// concurrent writers lock rows in one order and cannot deadlock): an
/// upsert adding the figures, and, when any histogram changes, the read of
/// the stored histograms (the upsert's `RETURNING`, under its row lock)
/// and their rewrite.
#[derive(Debug)]
struct ChunkWrite {
    grain: Grain,
    rows: Vec<((Cell, i32), RowSums)>,
}

/// The writes of `delta`: its daily rows, then its monthly sums.
fn chunk_writes(delta: &Delta) -> Vec<ChunkWrite> {
    let mut out = grain_chunks(delta, Grain::Day);
    out.extend(grain_chunks(&delta.by_month(), Grain::Month));
    out
}

fn grain_chunks(delta: &Delta, grain: Grain) -> Vec<ChunkWrite> {
    let rows: Vec<_> = delta.rows().into_iter().collect();
    rows.chunks(CHUNK)
        .map(|c| ChunkWrite {
            grain,
            rows: c.to_vec(),
        })
        .collect()
}

impl ChunkWrite {
    fn has_histograms(&self) -> bool {
        self.rows.iter().any(|(_, c)| c.has_histograms())
    }

    /// Adds the figures (creating missing rows); returns the rows' stored
    /// histograms when [`Self::has_histograms`].
    fn figures_upsert(&self) -> Statement {
        let (table, column) = (self.grain.figures(), self.grain.column());
        let mut s = Statement::new(format!(
            "INSERT INTO {table} (dims, pool_id, {column}, key1, key2, {}) VALUES ",
            FIGURES.join(", ")
        ));
        for (i, ((cell, day), c)) in self.rows.iter().enumerate() {
            s.push(if i == 0 { "(" } else { ", (" });
            push_cell(&mut s, cell, *day);
            let f = &c.figures;
            for v in [
                f.opened,
                f.resolved,
                f.open_delta,
                f.on_time,
                f.late,
                f.survey_count,
                f.survey_sum,
                f.linked,
            ] {
                s.push(", ").push_bind(v);
            }
            s.push(")");
        }
        s.push(&format!(
            " ON CONFLICT (dims, pool_id, {column}, key1, key2) DO UPDATE SET {}",
            FIGURES
                .iter()
                .map(|f| format!("{f} = {table}.{f} + excluded.{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if self.has_histograms() {
            s.push(&format!(
                " RETURNING dims, pool_id, {column} AS day, key1, key2, first_action, to_close"
            ));
        }
        s
    }

    /// The rewrite of the histograms that change, given the rows' stored
    /// ones (`current`, from [`Self::figures_upsert`]).
    fn histogram_update(&self, current: &[StoredHistograms]) -> Result<Statement, StoreError> {
        let stored: BTreeMap<(&str, &str, i32, &str, &str), &StoredHistograms> = current
            .iter()
            .map(|h| {
                (
                    (
                        h.pool_id.as_str(),
                        h.dims.as_str(),
                        h.day,
                        h.key1.as_str(),
                        h.key2.as_str(),
                    ),
                    h,
                )
            })
            .collect();
        let (table, column) = (self.grain.figures(), self.grain.column());
        let mut s = Statement::new(format!(
            "INSERT INTO {table} (dims, pool_id, {column}, key1, key2, {}, first_action, \
             to_close) VALUES ",
            FIGURES.join(", ")
        ));
        let zeros = vec!["0"; FIGURES.len()].join(", ");
        let changed = self.rows.iter().filter(|(_, c)| c.has_histograms());
        for (i, ((cell, day), c)) in changed.enumerate() {
            let key = (
                cell.pool_id.as_str(),
                cell.dims.as_str(),
                *day,
                cell.key1.as_str(),
                cell.key2.as_str(),
            );
            let (mut first, mut close) = match stored.get(&key) {
                Some(h) => (decode_stored(&h.first_action)?, decode_stored(&h.to_close)?),
                None => (Counts::new(), Counts::new()),
            };
            histogram::add(&mut first, &c.first_action);
            histogram::add(&mut close, &c.to_close);
            s.push(if i == 0 { "(" } else { ", (" });
            push_cell(&mut s, cell, *day);
            s.push(", ").push(&zeros);
            s.push(", ")
                .push_bind(histogram::encode(&first))
                .push(", ")
                .push_bind(histogram::encode(&close))
                .push(")");
        }
        s.push(&format!(
            " ON CONFLICT (dims, pool_id, {column}, key1, key2) DO UPDATE SET \
             first_action = excluded.first_action, to_close = excluded.to_close"
        ));
        Ok(s)
    }
}

fn push_cell(s: &mut Statement, cell: &Cell, day: i32) {
    s.push_bind(cell.dims.as_str())
        .push(", ")
        .push_bind(cell.pool_id.as_str())
        .push(", ")
        .push_bind(i64::from(day))
        .push(", ")
        .push_bind(cell.key1.as_str())
        .push(", ")
        .push_bind(cell.key2.as_str());
}

const INSERT_ROWS: &str = "INSERT INTO report_case_rows (case_id, span, opened_at, opened_day, \
    start_day, resolved_at, resolved_day, due_day, on_time, channel, type, category, pool_id, \
    province, partner, closure_reason, source, tracking_number, linked) VALUES ";

/// The insert of one case's `rows` (`None` when there are none);
/// `tolerant` skips rows already there (a backfill racing another replica's).
fn row_insert(case_id: &str, rows: &[CaseRow], tolerant: bool) -> Option<Statement> {
    if rows.is_empty() {
        return None;
    }
    let mut s = Statement::new(INSERT_ROWS);
    for (i, r) in rows.iter().enumerate() {
        s.push(if i == 0 { "(" } else { ", (" });
        s.push_bind(case_id)
            .push(", ")
            .push_bind(i64::from(r.span))
            .push(", ")
            .push_bind(r.opened_at)
            .push(", ")
            .push_bind(i64::from(r.opened_day))
            .push(", ")
            .push_bind(i64::from(r.start_day))
            .push(", ")
            .push_bind(r.resolved_at)
            .push(", ")
            .push_bind(r.resolved_day.map(i64::from))
            .push(", ")
            .push_bind(r.due_day.map(i64::from))
            .push(", ")
            .push_bind(r.on_time.map(i64::from));
        for v in [&r.keys.values[0], &r.keys.values[1], &r.keys.values[2]] {
            s.push(", ").push_bind(v.as_str());
        }
        s.push(", ").push_bind(r.keys.pool.as_str());
        for v in &r.keys.values[3..] {
            s.push(", ").push_bind(v.as_str());
        }
        s.push(", ").push_bind(r.tracking_number.as_str());
        s.push(", ").push_bind(i64::from(r.linked));
        s.push(")");
    }
    if tolerant {
        s.push(" ON CONFLICT (case_id, span) DO NOTHING");
    }
    Some(s)
}

/// `AND pool_id …` for `pools`, added to `s`.
fn push_pools(s: &mut Statement, pools: &PoolRows) {
    match pools {
        PoolRows::AllPools => {
            s.push(" AND pool_id = ''");
        }
        PoolRows::EachPool => {
            s.push(" AND pool_id <> ''");
        }
        PoolRows::Pools(ids) if ids.is_empty() => {
            s.push(" AND 1 = 0");
        }
        PoolRows::Pools(ids) => {
            s.push(" AND pool_id IN (").push_list(ids.iter()).push(")");
        }
    }
}

impl ReportStore {
    /// Connects lazily to `url` (`postgres://` or `sqlite:`).
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str, pg_max_connections: u32) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, pg_max_connections).map(Self)
    }

    /// The pool (for the stores of other modules, such as the calls).
    pub(crate) fn pool(&self) -> &SqlPool {
        &self.0
    }

    /// Applies migrations.
    ///
    /// # Errors
    /// Migration failures.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.0 {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        }
        Ok(())
    }

    /// Whether the database answers (health).
    pub async fn ping(&self) -> bool {
        on_pool!(&self.0, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .is_ok())
    }

    /// Applies event `event_id` of case `case_id` once: `merge` changes the
    /// case's fact, and the fact, the rollup change and the dedupe row are
    /// written in one transaction. A repeated event id changes nothing.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Conflict`] when another writer
    /// changed the case meanwhile (retry).
    #[tracing::instrument(name = "reports.apply", skip_all)]
    pub async fn apply(
        &self,
        event_id: &str,
        case_id: &str,
        now_secs: i64,
        merge: impl FnOnce(&mut Fact),
    ) -> Result<Applied, StoreError> {
        on_pool!(&self.0, |p| {
            let mut tx = p.begin().await?;
            let fresh = sqlx::query(
                "INSERT INTO report_processed_events (event_id, processed_at) VALUES ($1, $2) \
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(now_secs)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !fresh {
                tx.rollback().await?;
                return Ok(Applied::Duplicate);
            }
            let row: Option<(String, i64)> =
                sqlx::query_as("SELECT fact, revision FROM report_cases WHERE case_id = $1")
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let old = match &row {
                Some((json, _)) => serde_json::from_str(json).map_err(StoreError::Corrupt)?,
                None => Fact::default(),
            };
            let mut new = old.clone();
            merge(&mut new);
            if new != old {
                for chunk in chunk_writes(&cells::delta(&old, &new)) {
                    let upsert = chunk.figures_upsert();
                    if chunk.has_histograms() {
                        let current: Vec<StoredHistograms> =
                            upsert.query_as().fetch_all(&mut *tx).await?;
                        chunk
                            .histogram_update(&current)?
                            .query()
                            .execute(&mut *tx)
                            .await?;
                    } else {
                        upsert.query().execute(&mut *tx).await?;
                    }
                }
                // The rows behind the figures change with them, in the same
                // transaction, so a count over them always equals the rollups.
                let rows = new.rows();
                if rows != old.rows() {
                    sqlx::query("DELETE FROM report_case_rows WHERE case_id = $1")
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                    if let Some(s) = row_insert(case_id, &rows, false) {
                        s.query().execute(&mut *tx).await?;
                    }
                }
                let json = serde_json::to_string(&new).map_err(StoreError::Corrupt)?;
                let written = match row {
                    None => sqlx::query(
                        "INSERT INTO report_cases (case_id, fact, revision) VALUES ($1, $2, 1) \
                         ON CONFLICT (case_id) DO NOTHING",
                    )
                    .bind(case_id)
                    .bind(&json)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                    Some((_, revision)) => sqlx::query(
                        "UPDATE report_cases SET fact = $2, revision = revision + 1 \
                         WHERE case_id = $1 AND revision = $3",
                    )
                    .bind(case_id)
                    .bind(&json)
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                };
                if written != 1 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict);
                }
            }
            tx.commit().await?;
            Ok(Applied::Recorded)
        })
    }

    /// Rollup rows of `dims` for `pools` from day `from` to day `to`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn daily(
        &self,
        dims: &str,
        pools: &PoolRows,
        from: i32,
        to: i32,
    ) -> Result<Vec<DailyRow>, StoreError> {
        self.figures(Grain::Day, dims, pools, from, to).await
    }

    /// Monthly rollup rows of `dims` for `pools` of the months starting
    /// from day `from` to day `to` (first days of months); each row's `day`
    /// is its month's first day.
    ///
    /// # Errors
    /// Database failures.
    pub async fn monthly(
        &self,
        dims: &str,
        pools: &PoolRows,
        from: i32,
        to: i32,
    ) -> Result<Vec<DailyRow>, StoreError> {
        self.figures(Grain::Month, dims, pools, from, to).await
    }

    async fn figures(
        &self,
        grain: Grain,
        dims: &str,
        pools: &PoolRows,
        from: i32,
        to: i32,
    ) -> Result<Vec<DailyRow>, StoreError> {
        let (table, column) = (grain.figures(), grain.column());
        let mut s = Statement::new(format!(
            "SELECT pool_id, key1, key2, {column} AS day, {}, first_action, to_close \
             FROM {table} WHERE dims = $1 AND {column} >= $2 AND {column} <= $3",
            FIGURES.join(", ")
        ))
        .bind(dims)
        .bind(i64::from(from))
        .bind(i64::from(to));
        push_pools(&mut s, pools);
        Ok(on_pool!(&self.0, |p| s.query_as().fetch_all(p).await?))
    }

    /// The open count per key at the end of day `before − 1`: the open
    /// deltas of the whole months before `before`'s month, then of its
    /// days before `before`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn baseline(
        &self,
        dims: &str,
        pools: &PoolRows,
        before: i32,
    ) -> Result<Vec<BaselineRow>, StoreError> {
        let month = crate::fact::month_start(before);
        let mut s = Statement::new(
            "SELECT pool_id, key1, key2, CAST(SUM(open_delta) AS BIGINT) AS open FROM (\
             SELECT pool_id, key1, key2, open_delta FROM report_monthly WHERE dims = ",
        );
        s.push_bind(dims)
            .push(" AND month_day < ")
            .push_bind(i64::from(month));
        push_pools(&mut s, pools);
        s.push(" UNION ALL SELECT pool_id, key1, key2, open_delta FROM report_daily WHERE dims = ")
            .push_bind(dims)
            .push(" AND day >= ")
            .push_bind(i64::from(month))
            .push(" AND day < ")
            .push_bind(i64::from(before));
        push_pools(&mut s, pools);
        s.push(") AS carried GROUP BY pool_id, key1, key2");
        Ok(on_pool!(&self.0, |p| s.query_as().fetch_all(p).await?))
    }

    /// Fills `report_case_rows` from the facts when it is empty and facts
    /// exist (a database from before the rows were kept); returns how many
    /// cases it filled. Runs at start-up, before the consumer; a replica
    /// starting at the same time skips what the other wrote.
    ///
    /// # Errors
    /// Database failures or an unreadable fact.
    pub async fn backfill_rows(&self) -> Result<u64, StoreError> {
        let has_rows: i64 = on_pool!(&self.0, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM report_case_rows LIMIT 1) AS one"
        )
        .fetch_one(p)
        .await?);
        if has_rows > 0 {
            return Ok(0);
        }
        let mut after = String::new();
        let mut filled = 0;
        loop {
            let page: Vec<(String, String)> = on_pool!(&self.0, |p| {
                sqlx::query_as(
                "SELECT case_id, fact FROM report_cases WHERE case_id > $1 ORDER BY case_id LIMIT 500"
            )
            .bind(&after)
            .fetch_all(p)
            .await?
            });
            let Some((last, _)) = page.last() else {
                return Ok(filled);
            };
            after.clone_from(last);
            on_pool!(&self.0, |p| {
                let mut tx = p.begin().await?;
                for (case_id, json) in &page {
                    let fact: Fact = serde_json::from_str(json).map_err(StoreError::Corrupt)?;
                    if let Some(s) = row_insert(case_id, &fact.rows(), true) {
                        s.query().execute(&mut *tx).await?;
                        filled += 1;
                    }
                }
                tx.commit().await?;
            });
        }
    }

    /// Up to `limit` case rows matching `q`, in creation order after
    /// `after` (opened_at, case_id, span).
    ///
    /// # Errors
    /// Database failures.
    pub async fn case_rows(
        &self,
        q: &RowQuery,
        after: Option<&(i64, String, i32)>,
        limit: u32,
    ) -> Result<Vec<StoredRow>, StoreError> {
        let s = q.statement(after, limit);
        Ok(on_pool!(&self.0, |p| s.query_as().fetch_all(p).await?))
    }

    /// How many case rows match `q`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn count_case_rows(&self, q: &RowQuery) -> Result<i64, StoreError> {
        let s = q.count_statement();
        Ok(on_pool!(&self.0, |p| s.query_scalar().fetch_one(p).await?))
    }

    /// The consumer group's generation.
    ///
    /// # Errors
    /// Database failures.
    pub async fn generation(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.0, |p| sqlx::query_scalar(
            "SELECT generation FROM report_meta WHERE id = 1"
        )
        .fetch_one(p)
        .await?))
    }

    /// Empties facts, rollups and dedupe rows and moves to the next
    /// generation, in one transaction; returns the new generation.
    ///
    /// # Errors
    /// Database failures.
    pub async fn reset_for_rebuild(&self) -> Result<i64, StoreError> {
        on_pool!(&self.0, |p| {
            let mut tx = p.begin().await?;
            for table in [
                "report_processed_events",
                "report_cases",
                "report_daily",
                "report_monthly",
                "report_calls",
                "report_case_rows",
            ] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await?;
            }
            let g: i64 = sqlx::query_scalar(
                "UPDATE report_meta SET generation = generation + 1 WHERE id = 1 RETURNING generation",
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(g)
        })
    }

    /// How many distinct events were applied (tests and the rebuild).
    ///
    /// # Errors
    /// Database failures.
    pub async fn processed_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.0, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM report_processed_events"
        )
        .fetch_one(p)
        .await?))
    }

    /// Every case fact (tests and tools).
    ///
    /// # Errors
    /// Database failures or an unreadable fact.
    pub async fn facts(&self) -> Result<BTreeMap<String, Fact>, StoreError> {
        let rows: Vec<(String, String)> = on_pool!(&self.0, |p| sqlx::query_as(
            "SELECT case_id, fact FROM report_cases"
        )
        .fetch_all(p)
        .await?);
        rows.into_iter()
            .map(|(id, json)| {
                Ok((
                    id,
                    serde_json::from_str(&json).map_err(StoreError::Corrupt)?,
                ))
            })
            .collect()
    }
}

impl Metric {
    /// The stored code.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::FirstAction),
            2 => Some(Self::Close),
            _ => None,
        }
    }
}
