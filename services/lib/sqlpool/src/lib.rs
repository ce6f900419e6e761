//! The one way tekmerkez's stores run the same SQL on PostgreSQL
//! (production) and SQLite (`tekmerkez dev`): [`SqlPool::connect_lazy`]
//! picks the backend from the URL, and [`on_pool!`] runs one body against
//! whichever it is (`on_pool!(&pool, |p| async-code-using-p)`, closure
//! syntax so rustfmt formats the body). A statement assembled away from the
//! pool (a filter built from a query, rows written in one transaction by
//! several operations) is a [`Statement`]: SQL with its [`Value`]s, bound on
//! either backend inside the body. Connecting is lazy, so start-up never
//! blocks on the database. [`SqlPool::connect_lazy_with`] takes
//! [`PoolOptions`] for a service that tunes the pool, and
//! [`sqlite_readers`] adds read-only connections beside SQLite's single
//! writer.

#![warn(missing_docs)]

mod statement;

use std::{str::FromStr as _, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};

/// How [`SqlPool::connect_lazy_with`] sizes and tunes a pool.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// PostgreSQL's connection limit.
    pub pg_max_connections: u32,
    /// How long a PostgreSQL caller waits for a free connection.
    pub pg_acquire_timeout: Duration,
    /// SQLite's `synchronous` pragma; `None` keeps SQLite's default (FULL).
    pub sqlite_synchronous: Option<SqliteSynchronous>,
}

impl PoolOptions {
    /// What [`SqlPool::connect_lazy`] uses: up to `pg_max_connections`, a 5 s
    /// acquire bound, SQLite's default durability.
    pub fn new(pg_max_connections: u32) -> Self {
        Self {
            pg_max_connections,
            pg_acquire_timeout: Duration::from_secs(5),
            sqlite_synchronous: None,
        }
    }
}

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
        Self::connect_lazy_with(url, PoolOptions::new(pg_max_connections))
    }

    /// [`SqlPool::connect_lazy`] with the pool tuned by `options`.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect_lazy_with(url: &str, options: PoolOptions) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            let mut opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10));
            if let Some(sync) = options.sqlite_synchronous {
                opts = opts.synchronous(sync);
            }
            Ok(Self::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_lazy_with(opts),
            ))
        } else {
            let opts = PgConnectOptions::from_str(url)?;
            Ok(Self::Postgres(
                PgPoolOptions::new()
                    .max_connections(options.pg_max_connections)
                    .acquire_timeout(options.pg_acquire_timeout)
                    .connect_lazy_with(opts),
            ))
        }
    }
}

/// A pool of `connections` read-only uses of the database `writer` opens,
/// with the same settings: in WAL mode they read while the one writer
/// writes. (An in-memory database is per connection: readers of
/// `sqlite::memory:` would see another, empty, database.)
pub fn sqlite_readers(writer: &SqlitePool, connections: u32) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_lazy_with((*writer.connect_options()).clone())
}

pub use statement::{Backend, Statement, Value};

/// Whether `e` means the database cannot be used right now (it is down,
/// restarting, or dropped the connection), so that the caller should be
/// told "unavailable, retry" rather than "internal error". When
/// PostgreSQL's postmaster dies, a backend in the middle of a query ends it
/// with FATAL 57P01 ("terminating connection due to unexpected postmaster
/// exit"); while it restarts, connecting fails with 57P03 (starting up);
/// a lost socket is an I/O or protocol error; sqlx's pool gives up with
/// `PoolTimedOut`. A message consumer that took such an error for a
/// failure of the message would dead-letter a valid application.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| {
            // Class 08: connection exception; 57P01–57P03: the server is
            // shutting down, crashed, or not accepting connections yet;
            // 53300: too many connections.
            c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// Runs `$body` with `$p` bound to the concrete pool of `$pool` (a
/// [`SqlPool`]): `on_pool!(&pool, |p| sqlx::query("…").execute(p).await)`.
/// The body is compiled once per backend; it is not a closure (`?` and
/// `.await` act on the enclosing function), the syntax only lets rustfmt
/// format it.
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::SqlPool::Postgres($p) => $body,
            $crate::SqlPool::Sqlite($p) => $body,
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn lost_connections_and_pool_timeouts_are_unavailable_bad_sql_is_not() {
        use super::is_unavailable;
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(is_unavailable(&sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        ))));
        assert!(is_unavailable(&sqlx::Error::Protocol(
            "unexpected eof".into()
        )));
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
        assert!(!is_unavailable(&sqlx::Error::ColumnNotFound("x".into())));
    }
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

    #[tokio::test]
    async fn readers_see_what_the_writer_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let mut options = PoolOptions::new(3);
        options.sqlite_synchronous = Some(SqliteSynchronous::Normal);
        let SqlPool::Sqlite(writer) = SqlPool::connect_lazy_with(&url, options).unwrap() else {
            panic!("a sqlite: URL opens SQLite");
        };
        sqlx::query("CREATE TABLE t (v INTEGER)")
            .execute(&writer)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t (v) VALUES (7)")
            .execute(&writer)
            .await
            .unwrap();
        let readers = sqlite_readers(&writer, 2);
        let v: i64 = sqlx::query_scalar("SELECT v FROM t")
            .fetch_one(&readers)
            .await
            .unwrap();
        assert_eq!(v, 7);
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&readers)
            .await
            .unwrap();
        assert_eq!(sync, 1, "NORMAL, as the writer");
    }
}
