//! The event backbone on real servers: PostgreSQL and the project's durable
//! tansu broker, each service a separate `tekmerkez` process. N applications
//! (10 000 by default; `TEKMERKEZ_BACKBONE_N` changes it) are posted
//! concurrently and must become exactly N cases, each in the pool its rule
//! names; malformed messages go to the dead-letter topic. The same under
//! SIGKILLs of every process, the broker and PostgreSQL included, is the
//! fault suite's (`chaos_kafka`), which replaced this file's two crash tests.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::StreamExt as _;
use tekmerkez_integration_tests::{
    cluster::Cluster,
    scenario::{Expected, application, setup},
};

fn n() -> usize {
    std::env::var("TEKMERKEZ_BACKBONE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// Posts every application until it gets its 202 (retrying with the same
/// Idempotency-Key through outages), `progress` counting the 202s.
async fn post_all(
    url: String,
    run: String,
    count: usize,
    progress: Arc<AtomicUsize>,
) -> Vec<String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap();
    futures::stream::iter(0..count)
        .map(|i| {
            let (client, url, run, progress) =
                (client.clone(), url.clone(), run.clone(), progress.clone());
            async move {
                let (body, _, _) = application(i);
                let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
                loop {
                    let resp = client
                        .post(format!("{url}/v1/applications"))
                        .header("Idempotency-Key", format!("{run}-{i}"))
                        .json(&body)
                        .send()
                        .await;
                    if let Ok(r) = resp {
                        if r.status().as_u16() == 202 {
                            let v: serde_json::Value = r.json().await.unwrap();
                            progress.fetch_add(1, Ordering::Relaxed);
                            return v["tracking_number"].as_str().unwrap().replace('-', "");
                        }
                        assert!(
                            matches!(r.status().as_u16(), 503 | 429),
                            "unexpected {} for application {i}",
                            r.status()
                        );
                    }
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "application {i} never acknowledged"
                    );
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
}

/// Waits until the case database holds `want` cases. The deadline stays well
/// inside nextest's own (10 minutes), so that a stall fails with the
/// services' logs instead of a bare timeout.
async fn wait_for_cases(cluster: &Cluster, want: i64, what: &str) {
    const STALL: Duration = Duration::from_secs(180);
    let mut last = (
        cluster.count("SELECT COUNT(*) FROM cases").await,
        tokio::time::Instant::now(),
    );
    loop {
        let have = cluster.count("SELECT COUNT(*) FROM cases").await;
        if have >= want {
            return;
        }
        if have > last.0 {
            last = (have, tokio::time::Instant::now());
        }
        assert!(
            last.1.elapsed() < STALL,
            "{what}: stuck at {have} of {want} cases for {} s\n--- routing log:\n{}\n--- case log:\n{}\n--- intake log:\n{}",
            STALL.as_secs(),
            cluster.log("routing"),
            cluster.log("case"),
            cluster.log("intake"),
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn check_exactly(cluster: &Cluster, expected: &Expected, tracking: &[String], count: usize) {
    wait_for_cases(cluster, count as i64, "all cases").await;
    // A short grace period for any duplicate that might still be on its way.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        cluster.count("SELECT COUNT(*) FROM cases").await,
        count as i64,
        "exactly one case per application"
    );
    assert_eq!(
        cluster
            .count("SELECT COUNT(DISTINCT application_id) FROM cases")
            .await,
        count as i64
    );
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&cluster.case_db)
        .await
        .unwrap();
    let found: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE tracking_number = ANY($1)")
            .bind(tracking)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        found, count as i64,
        "every 202's tracking number has its case"
    );
    let mut want: HashMap<String, i64> = HashMap::new();
    for i in 0..count {
        let (_, category, province) = application(i);
        *want
            .entry(expected[&(category, province)].clone())
            .or_default() += 1;
    }
    let rows: Vec<(uuid::Uuid, i64)> =
        sqlx::query_as("SELECT pool_id, COUNT(*) FROM cases GROUP BY pool_id")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let got: HashMap<String, i64> = rows.into_iter().map(|(p, c)| (p.to_string(), c)).collect();
    assert_eq!(got, want, "each case is in the pool its rule names");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_n_concurrent_applications_make_exactly_n_cases_in_their_pools() {
    let mut cluster = Cluster::new().await;
    let expected = setup(&mut cluster).await;
    let count = n();
    let tracking = post_all(
        cluster.intake_url.clone(),
        cluster.prefix.clone(),
        count,
        Arc::default(),
    )
    .await;
    check_exactly(&cluster, &expected, &tracking, count).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_malformed_messages_go_to_the_dlq_and_routing_goes_on() {
    use tekmerkez_bus::{Bus as _, Envelope, KafkaBus, KafkaSettings, headers};
    let mut cluster = Cluster::new().await;
    let expected = setup(&mut cluster).await;
    let bus = KafkaBus::new(KafkaSettings {
        brokers: cluster.brokers.clone(),
        client_id: "dlq-test".into(),
        message_timeout_ms: 10_000,
        session_timeout_ms: 6_000,
        partitions: 3,
        replication_factor: 1,
        topic_prefix: cluster.prefix.clone(),
        idempotence: false,
        linger_ms: 1,
        fetch_wait_max_ms: 100,
        unassigned_rejoin_after_ms: 15_000,
        statistics_interval_ms: 5_000,
        topic_retention: Vec::new(),
    })
    .unwrap();
    for garbage in [&b"\xff\xfe not protobuf"[..], &b""[..]] {
        let e = Envelope {
            topic: "intake.applications.v1".into(),
            key: "poison".into(),
            headers: vec![(headers::EVENT_ID.into(), "poison".into())],
            payload: bytes::Bytes::copy_from_slice(garbage),
        };
        bus.publish(e).await.unwrap();
    }
    let tracking = post_all(
        cluster.intake_url.clone(),
        cluster.prefix.clone(),
        30,
        Arc::default(),
    )
    .await;
    check_exactly(&cluster, &expected, &tracking, 30).await;
    let mut dlq = bus
        .subscribe("dlq-reader", "intake.applications.v1.dlq")
        .await
        .unwrap();
    let mut reasons = Vec::new();
    for _ in 0..2 {
        let d = tokio::time::timeout(Duration::from_secs(60), dlq.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d.envelope.header(headers::EVENT_ID), Some("poison"));
        reasons.push(d.envelope.header(headers::DLQ_REASON).unwrap().to_owned());
        dlq.commit(&d).await.unwrap();
    }
    assert!(
        reasons.iter().all(|r| r == "decode" || r == "invalid"),
        "{reasons:?}"
    );
    dlq.close().await;
}
