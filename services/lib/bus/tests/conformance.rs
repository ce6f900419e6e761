//! One conformance suite for every bus: the embedded SQLite log and Kafka
//! (the project's tansu broker, started by `scripts/test`). Each test uses
//! its own topic and group names.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::{
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use tekmerkez_bus::{
    Bus, EmbeddedBus, Envelope, KafkaBus, KafkaSettings,
    consumer::{self, HandleError, Handler, RetryPolicy},
    dlq_topic, headers,
};
use tokio_util::sync::CancellationToken;

enum Kind {
    Embedded,
    Kafka,
}

struct Fixture {
    bus: Arc<dyn Bus>,
    kafka: Option<KafkaBus>,
    topic: String,
    _dir: tempfile::TempDir,
}

fn brokers() -> String {
    std::env::var("TEKMERKEZ_TEST_KAFKA").unwrap_or_else(|_| "127.0.0.1:19092".to_owned())
}

fn kafka_settings() -> KafkaSettings {
    KafkaSettings {
        brokers: brokers(),
        client_id: "tekmerkez-bus-tests".into(),
        message_timeout_ms: 10_000,
        session_timeout_ms: 6_000,
        partitions: 3,
        replication_factor: 1,
        topic_prefix: String::new(),
        idempotence: true,
        linger_ms: 1,
        fetch_wait_max_ms: 100,
        unassigned_rejoin_after_ms: 15_000,
        statistics_interval_ms: 500,
        topic_retention: Vec::new(),
    }
}

async fn fixture(kind: Kind) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let topic = format!("test.{}.v1", uuid_like());
    match kind {
        Kind::Embedded => {
            let url = format!("sqlite://{}", dir.path().join("bus.db").display());
            Fixture {
                bus: Arc::new(EmbeddedBus::open(&url).await.unwrap()),
                kafka: None,
                topic,
                _dir: dir,
            }
        }
        Kind::Kafka => {
            let bus = KafkaBus::new(kafka_settings()).unwrap();
            bus.ensure_topics(&[&topic, &dlq_topic(&topic)])
                .await
                .expect("the test broker is not reachable: run scripts/kafka start");
            Fixture {
                bus: Arc::new(bus.clone()),
                kafka: Some(bus),
                topic,
                _dir: dir,
            }
        }
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static N: AtomicU32 = AtomicU32::new(0);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{t:x}{}{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn envelope(topic: &str, key: &str, n: u32) -> Envelope {
    Envelope {
        topic: topic.to_owned(),
        key: key.to_owned(),
        headers: vec![
            (headers::EVENT_ID.into(), format!("e{n}")),
            (headers::EVENT_TYPE.into(), "test.v1.Thing".into()),
        ],
        payload: Bytes::from(n.to_be_bytes().to_vec()),
    }
}

fn number(e: &Envelope) -> u32 {
    u32::from_be_bytes(e.payload.as_ref().try_into().unwrap())
}

async fn next(sub: &mut Box<dyn tekmerkez_bus::Subscription>) -> tekmerkez_bus::Delivery {
    tokio::time::timeout(Duration::from_secs(60), sub.next())
        .await
        .expect("a delivery within 60 s")
        .unwrap()
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::fixture(super::Kind::Embedded).await).await }
            )*
        }
        mod kafka {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::fixture(super::Kind::Kafka).await).await }
            )*
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_topic_prefix_isolates_environments_sharing_a_cluster() {
    let mut a = kafka_settings();
    a.topic_prefix = format!("env-{}-", uuid_like());
    let mut b = kafka_settings();
    b.topic_prefix = format!("env-{}-", uuid_like());
    let (bus_a, bus_b) = (KafkaBus::new(a).unwrap(), KafkaBus::new(b).unwrap());
    for bus in [&bus_a, &bus_b] {
        bus.ensure_topics(&["shared.v1"]).await.unwrap();
    }
    bus_a.publish(envelope("shared.v1", "k", 1)).await.unwrap();
    bus_b.publish(envelope("shared.v1", "k", 2)).await.unwrap();
    let mut sub = bus_b.subscribe("g", "shared.v1").await.unwrap();
    let d = next(&mut sub).await;
    assert_eq!(
        (number(&d.envelope), d.envelope.topic.as_str()),
        (2, "shared.v1"),
        "b sees only its own, under the logical name"
    );
    sub.commit(&d).await.unwrap();
    sub.close().await;
}

conformance!(
    a_new_group_reads_everything_in_key_order_with_headers_intact,
    a_resubscribed_group_resumes_after_its_last_commit,
    every_group_gets_every_message,
    the_consumer_loop_dead_letters_poison_and_goes_on,
    transient_failures_are_retried_and_then_handled_once,
    concurrent_lanes_keep_each_keys_order_and_handle_everything_once,
    the_position_never_passes_a_message_still_in_hand,
    the_lag_gauge_counts_what_the_group_has_not_committed,
);

/// The group's lag as the metrics endpoint would show it (summed over partitions).
fn lag_of(group: &str, topic: &str) -> Option<f64> {
    let text = tekmerkez_telemetry::metrics::render();
    let samples = tekmerkez_telemetry::metrics::parse(&text).unwrap();
    let mine: Vec<_> = samples
        .iter()
        .filter(|s| {
            s.name == "tekmerkez_bus_consumer_lag"
                && s.label("group") == Some(group)
                && s.label("topic") == Some(topic)
        })
        .collect();
    (!mine.is_empty()).then(|| mine.iter().map(|s| s.value).sum())
}

async fn the_lag_gauge_counts_what_the_group_has_not_committed(f: Fixture) {
    tekmerkez_telemetry::metrics::install();
    for n in 0..10 {
        f.bus.publish(envelope(&f.topic, "k", n)).await.unwrap();
    }
    let group = format!("g-lag-{}", uuid_like());
    let mut sub = f.bus.subscribe(&group, &f.topic).await.unwrap();
    for _ in 0..4 {
        let d = next(&mut sub).await;
        sub.commit(&d).await.unwrap();
    }
    // Keep the subscription reading (statistics and lag are measured while
    // it polls) until the gauge shows the six left.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if lag_of(&group, &f.topic) == Some(6.0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "lag {:?} after 60 s, want 6",
            lag_of(&group, &f.topic)
        );
        // Read ahead without committing: read is not handled, so no change.
        let _ = tokio::time::timeout(Duration::from_millis(200), sub.next()).await;
    }
    sub.close().await;
}

async fn a_new_group_reads_everything_in_key_order_with_headers_intact(f: Fixture) {
    for n in 0..30 {
        f.bus
            .publish(envelope(&f.topic, &format!("key-{}", n % 3), n))
            .await
            .unwrap();
    }
    let mut sub = f.bus.subscribe("g1", &f.topic).await.unwrap();
    let mut per_key: std::collections::HashMap<String, Vec<u32>> = Default::default();
    for _ in 0..30 {
        let d = next(&mut sub).await;
        assert_eq!(
            d.envelope.header(headers::EVENT_ID),
            Some(format!("e{}", number(&d.envelope)).as_str())
        );
        assert_eq!(
            d.envelope.header(headers::EVENT_TYPE),
            Some("test.v1.Thing")
        );
        per_key
            .entry(d.envelope.key.clone())
            .or_default()
            .push(number(&d.envelope));
        sub.commit(&d).await.unwrap();
    }
    for (key, got) in per_key {
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(got, sorted, "messages of {key} out of order");
        assert_eq!(got.len(), 10);
    }
    sub.close().await;
}

async fn a_resubscribed_group_resumes_after_its_last_commit(f: Fixture) {
    for n in 0..20 {
        f.bus.publish(envelope(&f.topic, "k", n)).await.unwrap();
    }
    let mut sub = f.bus.subscribe("g-resume", &f.topic).await.unwrap();
    for _ in 0..10 {
        let d = next(&mut sub).await;
        sub.commit(&d).await.unwrap();
    }
    // Read one more without committing: it must come again.
    let uncommitted = next(&mut sub).await;
    sub.close().await;
    let mut again = f.bus.subscribe("g-resume", &f.topic).await.unwrap();
    let first = next(&mut again).await;
    assert_eq!(
        number(&first.envelope),
        number(&uncommitted.envelope),
        "the uncommitted message is delivered again"
    );
    let mut seen = vec![number(&first.envelope)];
    again.commit(&first).await.unwrap();
    while seen.len() < 10 {
        let d = next(&mut again).await;
        seen.push(number(&d.envelope));
        again.commit(&d).await.unwrap();
    }
    assert_eq!(
        seen,
        (10..20).collect::<Vec<_>>(),
        "0 lost, 0 repeated after the last commit"
    );
    again.close().await;
}

async fn every_group_gets_every_message(f: Fixture) {
    for n in 0..5 {
        f.bus.publish(envelope(&f.topic, "k", n)).await.unwrap();
    }
    for group in ["ga", "gb"] {
        let mut sub = f.bus.subscribe(group, &f.topic).await.unwrap();
        let mut got = Vec::new();
        for _ in 0..5 {
            let d = next(&mut sub).await;
            got.push(number(&d.envelope));
            sub.commit(&d).await.unwrap();
        }
        assert_eq!(got, vec![0, 1, 2, 3, 4], "{group}");
        sub.close().await;
    }
}

struct Flaky {
    poison: u32,
    transient_first: u32,
    attempts: AtomicU32,
    handled: std::sync::Mutex<Vec<u32>>,
}

#[async_trait::async_trait]
impl Handler for Flaky {
    async fn handle(&self, e: &Envelope) -> Result<(), HandleError> {
        let n = number(e);
        if n == self.poison {
            return Err(HandleError::Permanent {
                kind: "decode",
                source: anyhow::anyhow!("cannot decode"),
            });
        }
        if n == self.transient_first && self.attempts.fetch_add(1, Ordering::SeqCst) < 2 {
            return Err(HandleError::Transient {
                kind: "timeout",
                source: anyhow::anyhow!("slow"),
            });
        }
        self.handled.lock().unwrap().push(n);
        Ok(())
    }
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

async fn run_until(f: &Fixture, handler: Arc<Flaky>, want_handled: usize) {
    let shutdown = CancellationToken::new();
    let sub = f.bus.subscribe("g-loop", &f.topic).await.unwrap();
    let task = tokio::spawn(consumer::run(
        sub,
        f.bus.clone(),
        handler.clone(),
        consumer::Options {
            retry: quick(),
            concurrency: 1,
        },
        shutdown.clone(),
    ));
    tokio::time::timeout(Duration::from_secs(60), async {
        while handler.handled.lock().unwrap().len() < want_handled {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the consumer handled everything within 60 s");
    shutdown.cancel();
    task.await.unwrap();
}

async fn the_consumer_loop_dead_letters_poison_and_goes_on(f: Fixture) {
    for n in 0..5 {
        f.bus.publish(envelope(&f.topic, "k", n)).await.unwrap();
    }
    let handler = Arc::new(Flaky {
        poison: 2,
        transient_first: 99,
        attempts: AtomicU32::new(0),
        handled: Default::default(),
    });
    run_until(&f, handler.clone(), 4).await;
    assert_eq!(*handler.handled.lock().unwrap(), vec![0, 1, 3, 4]);
    let mut dlq = f
        .bus
        .subscribe("g-dlq-reader", &dlq_topic(&f.topic))
        .await
        .unwrap();
    let letter = next(&mut dlq).await;
    assert_eq!(number(&letter.envelope), 2, "the original bytes");
    assert_eq!(
        letter.envelope.header(headers::EVENT_ID),
        Some("e2"),
        "the original headers"
    );
    assert_eq!(letter.envelope.header(headers::DLQ_REASON), Some("decode"));
    assert_eq!(
        letter.envelope.header(headers::DLQ_SOURCE_TOPIC),
        Some(f.topic.as_str())
    );
    assert!(letter.envelope.header(headers::DLQ_SOURCE_OFFSET).is_some());
    dlq.close().await;
    drop(f.kafka);
}

async fn transient_failures_are_retried_and_then_handled_once(f: Fixture) {
    for n in 0..3 {
        f.bus.publish(envelope(&f.topic, "k", n)).await.unwrap();
    }
    let handler = Arc::new(Flaky {
        poison: 99,
        transient_first: 1,
        attempts: AtomicU32::new(0),
        handled: Default::default(),
    });
    run_until(&f, handler.clone(), 3).await;
    assert_eq!(*handler.handled.lock().unwrap(), vec![0, 1, 2]);
    assert_eq!(
        handler.attempts.load(Ordering::SeqCst),
        3,
        "two failures, then success"
    );
}

#[tokio::test]
async fn the_embedded_bus_keeps_messages_and_positions_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bus.db").display());
    {
        let bus = EmbeddedBus::open(&url).await.unwrap();
        for n in 0..4 {
            bus.publish(envelope("t.v1", "k", n)).await.unwrap();
        }
        let mut sub = bus.subscribe("g", "t.v1").await.unwrap();
        let d = next(&mut sub).await;
        sub.commit(&d).await.unwrap();
    }
    let bus = EmbeddedBus::open(&url).await.unwrap();
    assert_eq!(bus.len("t.v1").await.unwrap(), 4);
    let mut sub = bus.subscribe("g", "t.v1").await.unwrap();
    assert_eq!(number(&next(&mut sub).await.envelope), 1);
}

#[test]
fn backoff_doubles_is_capped_and_jittered_within_half_to_full() {
    let p = RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
    };
    for attempt in 0..10 {
        let full = Duration::from_millis(100)
            .saturating_mul(1 << attempt)
            .min(Duration::from_secs(1));
        let b = p.backoff(attempt);
        assert!(
            b >= full / 2 && b <= full,
            "attempt {attempt}: {b:?} outside [{:?}, {full:?}]",
            full / 2
        );
    }
}

/// Records (key, number) with a pause that varies by message, so lanes
/// finish out of order; holds `stuck` unavailable until shutdown.
struct Lanes {
    stuck: Option<u32>,
    seen: std::sync::Mutex<Vec<(String, u32)>>,
}

#[async_trait::async_trait]
impl Handler for Lanes {
    async fn handle(&self, e: &Envelope) -> Result<(), HandleError> {
        let n = number(e);
        if Some(n) == self.stuck {
            return Err(HandleError::Unavailable(anyhow::anyhow!("down")));
        }
        tokio::time::sleep(Duration::from_millis(u64::from((n * 7) % 5))).await;
        self.seen.lock().unwrap().push((e.key.clone(), n));
        Ok(())
    }
}

async fn run_lanes(
    f: &Fixture,
    group: &str,
    handler: Arc<Lanes>,
    until: impl Fn(&[(String, u32)]) -> bool,
) {
    let shutdown = CancellationToken::new();
    let sub = f.bus.subscribe(group, &f.topic).await.unwrap();
    let task = tokio::spawn(consumer::run(
        sub,
        f.bus.clone(),
        handler.clone(),
        consumer::Options {
            retry: quick(),
            concurrency: 8,
        },
        shutdown.clone(),
    ));
    tokio::time::timeout(Duration::from_secs(60), async {
        while !until(&handler.seen.lock().unwrap()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the consumer handled everything within 60 s");
    // Let the loop commit what finished last before stopping it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    shutdown.cancel();
    task.await.unwrap();
}

async fn concurrent_lanes_keep_each_keys_order_and_handle_everything_once(f: Fixture) {
    for n in 0..60 {
        f.bus
            .publish(envelope(&f.topic, &format!("key-{}", n % 5), n))
            .await
            .unwrap();
    }
    let handler = Arc::new(Lanes {
        stuck: None,
        seen: Default::default(),
    });
    run_lanes(&f, "g-lanes", handler.clone(), |s| s.len() >= 60).await;
    let seen = handler.seen.lock().unwrap().clone();
    let mut numbers: Vec<u32> = seen.iter().map(|(_, n)| *n).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..60).collect::<Vec<_>>(), "each once");
    for k in 0..5 {
        let key = format!("key-{k}");
        let order: Vec<u32> = seen
            .iter()
            .filter(|(x, _)| *x == key)
            .map(|(_, n)| *n)
            .collect();
        let want: Vec<u32> = (0..60).filter(|n| n % 5 == k).collect();
        assert_eq!(order, want, "{key} in publish order");
    }
}

async fn the_position_never_passes_a_message_still_in_hand(f: Fixture) {
    // 7 is stuck while the other lanes finish what follows it; the group
    // must resume at 7, not after what finished. (The exact watermark
    // arithmetic is unit-tested in the consumer module.)
    for n in 0..20 {
        f.bus
            .publish(envelope(&f.topic, &format!("key-{}", n % 4), n))
            .await
            .unwrap();
    }
    let handler = Arc::new(Lanes {
        stuck: Some(7),
        seen: Default::default(),
    });
    // At least 0..=6 finish whatever lane shares 7's; wait for those.
    run_lanes(&f, "g-mark", handler.clone(), |s| s.len() >= 7).await;
    let again = Arc::new(Lanes {
        stuck: None,
        seen: Default::default(),
    });
    run_lanes(&f, "g-mark", again.clone(), |s| {
        s.iter().any(|(_, n)| *n == 7)
    })
    .await;
    let redelivered: Vec<u32> = again.seen.lock().unwrap().iter().map(|(_, n)| *n).collect();
    assert!(
        redelivered.iter().all(|n| *n >= 7 || n % 4 != 3),
        "nothing of the stuck message's key before it comes back: {redelivered:?}"
    );
    assert!(
        !handler.seen.lock().unwrap().iter().any(|(_, n)| *n == 7),
        "7 was never handled the first time"
    );
}

/// The retention a topic's creator asks for, as the broker reports it.
async fn retention_on_broker(topic: &str) -> Option<String> {
    use rdkafka::{
        admin::{AdminClient, AdminOptions, ResourceSpecifier},
        client::DefaultClientContext,
        config::ClientConfig,
    };
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .create()
        .unwrap();
    let described = admin
        .describe_configs(
            &[ResourceSpecifier::Topic(topic)],
            &AdminOptions::new().request_timeout(Some(Duration::from_secs(10))),
        )
        .await
        .unwrap();
    let resource = described.into_iter().next()?.ok()?;
    resource.get("retention.ms").and_then(|e| e.value.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_topics_get_the_configured_retention_when_created() {
    let mut s = kafka_settings();
    s.topic_prefix = format!("ret-{}-", uuid_like());
    s.topic_retention = vec![tekmerkez_bus::TopicRetention {
        topic: "kept.v1".into(),
        retention_ms: -1,
    }];
    let prefix = s.topic_prefix.clone();
    let bus = KafkaBus::new(s).unwrap();
    bus.ensure_topics(&["kept.v1", "other.v1"]).await.unwrap();
    assert_eq!(
        retention_on_broker(&format!("{prefix}kept.v1"))
            .await
            .as_deref(),
        Some("-1")
    );
    assert_ne!(
        retention_on_broker(&format!("{prefix}other.v1"))
            .await
            .as_deref(),
        Some("-1"),
        "only the named topic"
    );
}
