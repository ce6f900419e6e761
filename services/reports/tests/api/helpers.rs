//! Stores and buses for a test, and feeding events through the real consumer.

use std::{future::Future, sync::Arc, time::Duration};

use prost::Message as _;
use tekmerkez_bus::{Bus, EmbeddedBus, Envelope, KafkaBus, KafkaSettings, consumer, headers};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_reports::{
    handler::{CASE_EVENTS_TOPIC, ReportHandler},
    store::ReportStore,
};
use tokio_util::sync::CancellationToken;

/// Polls `check` until it holds, for at most `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let done = tokio::time::timeout(Duration::from_secs(secs), async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await;
    assert!(done.is_ok(), "not within {secs}s: {what}");
}

/// The PostgreSQL server for tests.
pub fn pg_admin_url() -> String {
    std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned())
}

/// A fresh PostgreSQL database.
pub async fn fresh_pg() -> String {
    use sqlx::Connection as _;
    let admin = pg_admin_url();
    let name = format!("reports_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL for tests (scripts/postgres start)");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// Which store and bus a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite and the embedded bus (`tekmerkez dev`).
    Embedded,
    /// PostgreSQL and the Kafka-protocol broker (production).
    Production,
}

/// A migrated store and a bus whose `case.events.v1` is the test's own.
pub struct Env {
    pub store: ReportStore,
    /// The store's URL.
    pub url: String,
    pub bus: Arc<dyn Bus>,
    _dir: tempfile::TempDir,
}

/// Settings for the test broker; `prefix` makes every topic and group the test's own.
pub fn kafka_settings(prefix: &str) -> KafkaSettings {
    KafkaSettings {
        brokers: std::env::var("TEKMERKEZ_TEST_KAFKA")
            .unwrap_or_else(|_| "127.0.0.1:19092".to_owned()),
        client_id: "tekmerkez-reports-tests".into(),
        message_timeout_ms: 10_000,
        session_timeout_ms: 6_000,
        partitions: 3,
        replication_factor: 1,
        topic_prefix: prefix.to_owned(),
        idempotence: true,
        linger_ms: 1,
        fetch_wait_max_ms: 100,
        unassigned_rejoin_after_ms: 15_000,
        statistics_interval_ms: 0,
        topic_retention: Vec::new(),
    }
}

/// A fresh environment on `backend`.
pub async fn env(backend: Backend) -> Env {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Embedded => {
            let db = format!("sqlite://{}", dir.path().join("reports.db").display());
            let store = ReportStore::connect(&db, 1).unwrap();
            store.migrate().await.unwrap();
            let bus_url = format!("sqlite://{}", dir.path().join("bus.db").display());
            let bus = Arc::new(EmbeddedBus::open(&bus_url).await.unwrap());
            Env {
                store,
                url: db,
                bus,
                _dir: dir,
            }
        }
        Backend::Production => {
            let url = fresh_pg().await;
            let store = ReportStore::connect(&url, 8).unwrap();
            store.migrate().await.unwrap();
            let prefix = format!("t{}.", uuid::Uuid::new_v4().simple());
            let bus = KafkaBus::new(kafka_settings(&prefix)).unwrap();
            bus.ensure_topics(&[
                CASE_EVENTS_TOPIC,
                &tekmerkez_bus::dlq_topic(CASE_EVENTS_TOPIC),
            ])
            .await
            .expect("the test broker is not reachable: run scripts/kafka start");
            Env {
                store,
                url,
                bus: Arc::new(bus),
                _dir: dir,
            }
        }
    }
}

/// The envelope the case service's outbox relay publishes for `e`.
pub fn envelope(e: &pb::CaseEvent) -> Envelope {
    Envelope {
        topic: CASE_EVENTS_TOPIC.to_owned(),
        key: e.case_id.clone(),
        headers: vec![
            (headers::EVENT_ID.to_owned(), e.event_id.clone()),
            (
                headers::EVENT_TYPE.to_owned(),
                "tekmerkez.case.v1.CaseEvent".to_owned(),
            ),
        ],
        payload: e.encode_to_vec().into(),
    }
}

/// Publishes `events` in order.
pub async fn publish(bus: &Arc<dyn Bus>, events: &[pb::CaseEvent]) {
    for e in events {
        bus.publish(envelope(e)).await.unwrap();
    }
}

/// Runs the real consumer (group `group`) until it has handled `expected`
/// deliveries, then stops it; returns how many it handled.
pub async fn consume(
    env: &Env,
    group: &str,
    expected: u64,
    concurrency: usize,
) -> consumer::ConsumerStats {
    let sub = env.bus.subscribe(group, CASE_EVENTS_TOPIC).await.unwrap();
    let stop = CancellationToken::new();
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let handler = Arc::new(Counted(
        ReportHandler::new(env.store.clone()),
        counter.clone(),
    ));
    let options = consumer::Options {
        retry: consumer::RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(200),
        },
        concurrency,
    };
    let run = tokio::spawn(consumer::run(
        sub,
        env.bus.clone(),
        handler,
        options,
        stop.clone(),
    ));
    eventually(120, "the consumer handled every event", || {
        let c = counter.clone();
        async move { c.load(std::sync::atomic::Ordering::SeqCst) >= expected }
    })
    .await;
    stop.cancel();
    run.await.unwrap()
}

/// The real handler, counting what it handled.
struct Counted(ReportHandler, Arc<std::sync::atomic::AtomicU64>);

#[async_trait::async_trait]
impl consumer::Handler for Counted {
    async fn handle(&self, e: &Envelope) -> Result<(), consumer::HandleError> {
        let r = self.0.handle(e).await;
        if r.is_ok() {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        r
    }
}
