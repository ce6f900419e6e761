//! What the unit tests of several channels share.

use uuid::Uuid;

/// A fresh intake database on `backend` (`sqlite` or `postgres`) with
/// intake's migrations applied: its URL, and the directory a SQLite file
/// lives in (keep it as long as the database is used).
pub async fn database(backend: &str) -> (String, Option<tempfile::TempDir>) {
    let (url, dir) = if backend == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        (
            format!("sqlite://{}", dir.path().join("intake.db").display()),
            Some(dir),
        )
    } else {
        use sqlx::Connection as _;
        let admin = std::env::var("TEKMERKEZ_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned());
        let name = format!("intake_social_{}", Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL for tests (scripts/postgres start)");
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap();
        (
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0),
            None,
        )
    };
    crate::idempotency::IdempotencyStore::connect(&url)
        .unwrap()
        .migrate()
        .await
        .unwrap();
    (url, dir)
}
