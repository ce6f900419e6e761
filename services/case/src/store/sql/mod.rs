//! The SQL implementation of the stores, one file per concern
//! (`directory.rs`, `cases.rs`, `people.rs`, `outbox.rs`, `guesses.rs`), written once for PostgreSQL
//! and SQLite the way every tekmerkez store is: `on_pool!` runs a body on
//! whichever backend the URL picked, rows are read into `FromRow` structs,
//! and statements assembled away from the pool are `Statement`s. Both
//! schemas use the same column names and portable types (BIGINT
//! microseconds for time, UUIDs through sqlx), so every statement is valid
//! on both; the only differences are the pools (SQLite has one writer
//! connection, which serialises writes as SQLite does anyway, and a few
//! readers) and the migration directories.

mod assignment;
mod audit;
mod calendar;
mod cases;
mod closure_reasons;
mod deadline_policies;
mod desk;
mod directory;
mod duplicates;
mod escalations;
mod guesses;
mod incidents;
mod letters;
mod outbox;
mod people;
mod saved_views;
mod search;

use std::{sync::Arc, time::Duration};

use jiff::Timestamp;
use sqlx::sqlite::SqliteSynchronous;
use tekmerkez_sqlpool::{PoolOptions, SqlPool, on_pool, sqlite_readers};

use super::{Store, StoreError};

/// Read connections beside SQLite's single writer.
const SQLITE_READERS: u32 = 4;

/// Opens the store `url` names (`postgres://…` or `sqlite:…`, created if
/// missing); connects lazily so start-up never blocks on the database:
/// readiness reports it instead. PostgreSQL gets up to `max_connections`
/// waiting at most `acquire_timeout` for one.
///
/// # Errors
/// When the URL does not parse.
pub fn open(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<Arc<dyn Store>, StoreError> {
    let options = PoolOptions {
        pg_max_connections: max_connections,
        pg_acquire_timeout: acquire_timeout,
        // As the case store always ran SQLite: in WAL mode NORMAL never
        // corrupts the file; a power cut may lose the last commits, which
        // `tekmerkez dev` can afford for the write speed.
        sqlite_synchronous: Some(SqliteSynchronous::Normal),
    };
    let write = SqlPool::connect_lazy_with(url, options)?;
    let read = match &write {
        SqlPool::Postgres(_) => write.clone(),
        SqlPool::Sqlite(w) => SqlPool::Sqlite(sqlite_readers(w, SQLITE_READERS)),
    };
    Ok(Arc::new(SqlStore { write, read }))
}

/// The store on either backend: PostgreSQL reads and writes through one
/// pool; SQLite (`tekmerkez dev`) is a file in WAL mode with one writer
/// connection and a few readers.
#[derive(Debug, Clone)]
struct SqlStore {
    write: SqlPool,
    read: SqlPool,
}

fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn opt_micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(micros)
}

fn timestamp(v: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(v).map_err(|_| StoreError::Corrupt("timestamp out of range"))
}

fn opt_timestamp(v: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    v.map(timestamp).transpose()
}

fn code<T>(parse: fn(&str) -> Option<T>, v: &str, what: &'static str) -> Result<T, StoreError> {
    parse(v).ok_or(StoreError::Corrupt(what))
}

fn unique_violation(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => StoreError::Duplicate,
        other => StoreError::Database(other),
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        match &self.write {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(&self.read, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }
}
