//! The session store on both databases it runs on: a session is found by
//! its cookie id until it has been idle too long, renamed everywhere, ended
//! elsewhere after a password change, and purged once ended.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly; the house style allows it"
)]

use jiff::{SignedDuration, Timestamp};
use tekmerkez_gateway::session::{Session, SessionStore};
use uuid::Uuid;

async fn postgres_url() -> String {
    use sqlx::Connection as _;
    let admin = std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned());
    let name = format!("test_gw_{}", Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL for tests is not reachable: run `scripts/postgres start` (the README's test command does)");
    sqlx::Executor::execute(&mut c, format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

fn someone(role: i32) -> Session {
    Session {
        user_id: Uuid::new_v4(),
        username: "uzman.ankara".into(),
        display_name: "Mehmet Öztürk".into(),
        role,
        csrf_token: "c".repeat(64),
    }
}

async fn the_store_keeps_and_ends_sessions(url: &str) {
    let store = SessionStore::connect(url, SignedDuration::from_mins(30)).unwrap();
    store.migrate().await.unwrap();
    let t0: Timestamp = "2026-11-24T09:00:00Z".parse().unwrap();
    let me = someone(3);
    let here = store.create(&me, t0).await.unwrap();
    let there = store.create(&me, t0).await.unwrap();
    let other = store.create(&someone(2), t0).await.unwrap();

    let got = store.get(&here, t0).await.unwrap().expect("a live session");
    assert_eq!(got, me, "every field, the role included, round-trips");
    assert!(store.get(&"0".repeat(64), t0).await.unwrap().is_none());

    // Each request restarts the idle time; 30 idle minutes end it.
    let t1 = t0 + SignedDuration::from_mins(25);
    assert!(store.get(&here, t1).await.unwrap().is_some());
    assert!(store.get(&there, t1).await.unwrap().is_some());
    let t2 = t1 + SignedDuration::from_mins(29);
    assert!(store.get(&here, t2).await.unwrap().is_some());

    store.rename(me.user_id, "Mehmet Öztürk Şen").await.unwrap();
    assert_eq!(
        store.get(&there, t2).await.unwrap().unwrap().display_name,
        "Mehmet Öztürk Şen"
    );

    assert_eq!(store.end_others(me.user_id, &here).await.unwrap(), 1);
    assert!(store.get(&there, t2).await.unwrap().is_none());
    assert!(store.get(&here, t2).await.unwrap().is_some());
    assert!(
        store.get(&other, t0).await.unwrap().is_some(),
        "others' sessions stay"
    );

    let late = t2 + SignedDuration::from_mins(31);
    assert!(
        store.get(&here, late).await.unwrap().is_none(),
        "idle too long"
    );
    assert!(store.purge(late).await.unwrap() >= 1);
    store.delete(&here).await.unwrap();
}

#[tokio::test]
async fn sessions_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gateway.db").display());
    the_store_keeps_and_ends_sessions(&url).await;
}

#[tokio::test]
async fn sessions_on_postgres() {
    the_store_keeps_and_ends_sessions(&postgres_url().await).await;
}
