//! The SQL implementation of the stores, written once and instantiated for
//! PostgreSQL and SQLite by one macro per concern (`directory.rs`,
//! `cases.rs`, `outbox.rs`). Both schemas use the same column names and
//! portable types (BIGINT microseconds for time, UUIDs through sqlx), so
//! every statement is valid on both; the only differences are the pools,
//! which `tekmerkez-sqlpool` opens from the URL (SQLite has one writer
//! connection, which serialises writes as SQLite does anyway, and a few
//! readers), and the migration directories.

mod cases;
mod directory;
mod outbox;

use std::{sync::Arc, time::Duration};

use jiff::Timestamp;
use sqlx::{
    postgres::PgPool,
    sqlite::{SqlitePool, SqliteSynchronous},
};
use tekmerkez_sqlpool::{PoolOptions, SqlPool, sqlite_readers};

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
    Ok(match SqlPool::connect_lazy_with(url, options)? {
        SqlPool::Postgres(pool) => Arc::new(PgStore { pool }),
        SqlPool::Sqlite(write) => Arc::new(SqliteStore {
            read: sqlite_readers(&write, SQLITE_READERS),
            write,
        }),
    })
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

/// The PostgreSQL store (production).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }
}

/// The SQLite store (`tekmerkez dev`): a file in WAL mode with one writer
/// connection and a few readers.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
}

impl SqliteStore {
    fn reader(&self) -> &SqlitePool {
        &self.read
    }

    fn writer(&self) -> &SqlitePool {
        &self.write
    }
}

macro_rules! store {
    ($store:ident, $migrator:expr) => {
        #[async_trait::async_trait]
        impl Store for $store {
            async fn migrate(&self) -> Result<(), StoreError> {
                $migrator.run(self.writer()).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(self.reader()).await?;
                Ok(())
            }
        }
    };
}

store!(PgStore, sqlx::migrate!("./migrations/postgres"));
store!(SqliteStore, sqlx::migrate!("./migrations/sqlite"));
