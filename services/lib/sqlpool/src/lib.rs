//! One pool type for services whose small schemas run the same SQL on
//! PostgreSQL (production) and SQLite (`tekmerkez dev`): [`SqlPool::connect_lazy`]
//! picks the backend from the URL, and [`on_pool!`] runs one statement body
//! against whichever it is. Connecting is lazy, so start-up never blocks on
//! the database.

use std::{str::FromStr as _, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions},
};

/// A pool on either backend.
#[derive(Debug, Clone)]
pub enum SqlPool {
    /// Production.
    Postgres(PgPool),
    /// Embedded.
    Sqlite(SqlitePool),
}

impl SqlPool {
    /// A pool for `url` (`postgres://…` or `sqlite:…`). SQLite gets one
    /// connection in WAL mode (SQLite serialises writers anyway); PostgreSQL
    /// gets up to `pg_max_connections` with a 5 s acquire bound.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect_lazy(url: &str, pg_max_connections: u32) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10));
            Ok(Self::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_lazy_with(opts),
            ))
        } else {
            let opts = PgConnectOptions::from_str(url)?;
            Ok(Self::Postgres(
                PgPoolOptions::new()
                    .max_connections(pg_max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_lazy_with(opts),
            ))
        }
    }
}

/// Runs `$body` with `$p` bound to the concrete pool of `$pool` (a [`SqlPool`]).
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::SqlPool::Postgres($p) => $body,
            $crate::SqlPool::Sqlite($p) => $body,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_url_picks_the_backend() {
        assert!(matches!(
            SqlPool::connect_lazy("sqlite::memory:", 3).unwrap(),
            SqlPool::Sqlite(_)
        ));
        assert!(matches!(
            SqlPool::connect_lazy("postgres://u:p@127.0.0.1:1/db", 3).unwrap(),
            SqlPool::Postgres(_)
        ));
        assert!(SqlPool::connect_lazy("postgres://u:p@127.0.0.1:notaport/db", 3).is_err());
    }
}
