//! Which database failures mean "the store cannot take this now, retry"
//! rather than "this request is wrong" or "a bug": a full disk
//! (SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`), I/O errors, a
//! database that is locked, restarting or unreachable. Callers answer these
//! as retryable (HTTP 503 with `Retry-After`, gRPC `UNAVAILABLE`) and
//! background loops back off and carry on; anything else stays an error.
//!
//! When PostgreSQL's postmaster dies, a backend in the middle of a query
//! ends it with FATAL 57P01 ("terminating connection due to unexpected
//! postmaster exit"); while it restarts, connecting fails with 57P03; a
//! lost socket is an I/O or protocol error. A message consumer that took
//! such an error for a failure of the message would dead-letter a valid
//! application (the fault suite found exactly that).

/// SQLite primary result codes (the low byte of an extended code) that a
/// retry can get past: `SQLITE_BUSY` (5), `SQLITE_LOCKED` (6),
/// `SQLITE_NOMEM` (7), `SQLITE_IOERR` (10), `SQLITE_FULL` (13) — "database
/// or disk is full" — and `SQLITE_CANTOPEN` (14).
const SQLITE_RETRYABLE: [i64; 6] = [5, 6, 7, 10, 13, 14];

/// Whether `e` is a passing condition of the database, worth retrying.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
            db.code().is_some_and(|code| retryable_code(sqlite, &code))
        }
        _ => false,
    }
}

/// SQLite reports its (extended) result code as a number; PostgreSQL an
/// SQLSTATE: class 08 (connection exception), 53 (insufficient resources:
/// `disk_full`, out of memory, too many connections), 57P01–57P03 (the
/// server shutting down or starting), 58030 (I/O error).
fn retryable_code(sqlite: bool, code: &str) -> bool {
    if sqlite {
        return code
            .parse::<i64>()
            .is_ok_and(|n| SQLITE_RETRYABLE.contains(&(n & 0xff)));
    }
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(code, "57P01" | "57P02" | "57P03" | "58030")
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::*;

    #[test]
    fn lost_connections_and_pool_timeouts_are_unavailable_bad_sql_is_not() {
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
    #[test]
    fn codes_of_passing_conditions_are_retryable_and_others_not() {
        for code in ["13", "10", "3850", "5", "517"] {
            assert!(retryable_code(true, code), "{code}");
        }
        for code in ["08006", "53100", "57P01"] {
            assert!(retryable_code(false, code), "{code}");
        }
        // A constraint (SQLite 19, 2067; PostgreSQL 23505), a syntax error (1, 42601).
        for code in ["19", "2067", "1"] {
            assert!(!retryable_code(true, code), "{code}");
        }
        for code in ["23505", "42601", "40001"] {
            assert!(!retryable_code(false, code), "{code}");
        }
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
    }

    /// A real SQLITE_FULL: the database may not grow past a few pages, as
    /// on a full disk ("database or disk is full").
    #[tokio::test]
    async fn a_full_sqlite_database_is_unavailable_and_a_duplicate_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let opts = SqliteConnectOptions::from_str(&format!(
            "sqlite://{}",
            dir.path().join("f.db").display()
        ))
        .unwrap()
        .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("PRAGMA max_page_count = 8")
            .execute(&pool)
            .await
            .unwrap();
        let mut full = None;
        for k in 0..100 {
            if let Err(e) = sqlx::query("INSERT INTO t (k, v) VALUES ($1, zeroblob(4000))")
                .bind(k)
                .execute(&pool)
                .await
            {
                full = Some(e);
                break;
            }
        }
        let full = full.expect("the database filled up");
        assert!(full.to_string().contains("full"), "{full}");
        assert!(is_unavailable(&full), "{full:?}");
        let dup = sqlx::query("INSERT INTO t (k, v) VALUES (0, NULL)")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(!is_unavailable(&dup), "{dup:?}");
    }
}
