//! The idempotency-key store: one table, the same SQL on PostgreSQL and SQLite.

use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

/// What a key already stood for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    /// Hash of the request body that first used the key.
    pub fingerprint: String,
    /// The application the key's first request opened.
    pub application_id: Uuid,
    pub tracking_number: String,
    /// When it was first received (microseconds since the epoch): a replay
    /// reuses it so that the republished application is identical.
    pub received_at_micros: i64,
}

/// Where keys are kept.
#[derive(Debug, Clone)]
pub struct IdempotencyStore(SqlPool);

/// One round trip on the acknowledgement path: the row is inserted, or, when
/// the key exists, the no-op update makes `RETURNING` give the first request's
/// row (`DO NOTHING` would return nothing and need a second query).
const REMEMBER: &str = "INSERT INTO idempotency_keys (idempotency_key, fingerprint, \
    application_id, tracking_number, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT \
    (idempotency_key) DO UPDATE SET idempotency_key = excluded.idempotency_key RETURNING \
    fingerprint, application_id, tracking_number, created_at";

impl IdempotencyStore {
    /// Connects lazily to `url` (`postgres://` or `sqlite:`).
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 10).map(Self)
    }

    /// Applies migrations.
    ///
    /// # Errors
    /// Migration failures.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.0 {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await,
        }
    }

    /// Records `key` for this request unless it exists; returns what the key
    /// stands for now (this request's ids when it was new).
    ///
    /// # Errors
    /// Database failures.
    pub async fn remember(&self, key: &str, fresh: &Remembered) -> Result<Remembered, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(REMEMBER)
                .bind(key)
                .bind(&fresh.fingerprint)
                .bind(fresh.application_id)
                .bind(&fresh.tracking_number)
                .bind(fresh.received_at_micros)
                .fetch_one(p)
                .await?;
            Ok(Remembered {
                fingerprint: row.try_get("fingerprint")?,
                application_id: row.try_get("application_id")?,
                tracking_number: row.try_get("tracking_number")?,
                received_at_micros: row.try_get("created_at")?,
            })
        })
    }

    /// Forgets keys older than `before_micros`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn purge(&self, before_micros: i64) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, |p| Ok(sqlx::query(
            "DELETE FROM idempotency_keys WHERE created_at < $1"
        )
        .bind(before_micros)
        .execute(p)
        .await?
        .rows_affected()))
    }

    /// Checks the database answers.
    ///
    /// # Errors
    /// Database failures.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))
    }
}
