//! PostgreSQL going away under a request: the case service answers
//! UNAVAILABLE (wait and retry), never INTERNAL. Routing waits out an
//! UNAVAILABLE without limit but dead-letters an application after a few
//! INTERNALs, so taking a dying database for a failed request lost a valid
//! application in the fault suite (`integration-tests` `chaos_kafka`: the
//! postmaster SIGKILLed, its backends ending their queries with FATAL
//! 57P01).

use std::time::Duration;

use sqlx::Connection as _;
use tonic::Code;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_database_session_is_terminated_mid_query_is_unavailable_not_internal() {
    let mut app = spawn_app(Backend::Postgres).await;
    let db = app.db_url.rsplit_once('/').unwrap().1.to_owned();
    // Hold the cases table, so that CreateCase waits inside PostgreSQL.
    let mut holder = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .unwrap();
    let req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    let mut client = app.case.clone();
    let call =
        tokio::spawn(async move { client.create_case(with_token(ROUTING_TOKEN, req)).await });
    // End the waiting session as PostgreSQL ends every session when it
    // goes down: FATAL 57P01 to the client, then the socket closes. The
    // service's own background work (outbox relay, schedulers) waits on
    // the lock too and may be there first, so every waiter is ended until
    // CreateCase answers: ending only the first ones found left CreateCase
    // waiting on a busy machine until the client gave up.
    let mut admin = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
    let mut ended = 0;
    let answer = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if call.is_finished() {
                return call.await.unwrap();
            }
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE datname = $1 AND wait_event_type = 'Lock'",
            )
            .bind(&db)
            .fetch_one(&mut admin)
            .await
            .unwrap();
            ended += n;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("CreateCase answers once its session is gone");
    assert!(ended > 0, "CreateCase never waited for the lock");
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    let status = answer.expect_err("the session was ended mid-request");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    // The service goes on with a new session.
    app.open_case().await;
    assert_eq!(app.case_count().await, 1);
}
