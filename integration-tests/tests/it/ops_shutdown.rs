//! Graceful shutdown under load, as Kubernetes stops pods: while
//! applications stream in, routing, intake, the case service and notify are
//! each sent SIGTERM (one after another, each restarted at once). Each must
//! stop taking work, finish or hand back what it holds, commit its position
//! and exit 0 — that is, before its drain bound (`shutdown.drain_timeout_ms`,
//! past which the process exits 1). In the end every application that got a
//! `202` has exactly one case, and every citizen exactly one SMS.

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
    cluster::Cluster, ops::WebhookStandIn, scenario, wait::eventually,
};

fn count() -> usize {
    std::env::var("TEKMERKEZ_SHUTDOWN_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(800)
}

/// Posts application `i` until intake answers 202 (the same Idempotency-Key
/// every time, so a retry after a refused connection is the same application).
async fn post_until_accepted(client: &reqwest::Client, url: &str, i: usize) -> String {
    let (body, _, _) = scenario::application(i);
    // A retry loop of its own, not `eventually`: this runs in a spawned
    // task, and a future awaiting an `AsyncFnMut` is not provably `Send`.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let sent = client
            .post(url)
            .header("idempotency-key", format!("shutdown-test-{i}"))
            .json(&body)
            .send()
            .await;
        if let Ok(r) = sent
            && r.status() == 202
        {
            let v: serde_json::Value = r.json().await.unwrap();
            return v["tracking_number"].as_str().unwrap().replace('-', "");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "application {i} not accepted within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How long the test waits for load to reach a point, or for the outcome.
const WAIT: Duration = Duration::from_secs(180);

async fn sigterm_and_restart(cluster: &mut Cluster, service: &'static str) {
    let (status, took) = cluster.terminate(service).await;
    assert!(
        status.success(),
        "{service} exited with {status} after SIGTERM ({took:?}); a non-zero exit means it hit its drain bound: {}",
        cluster.log(service)
    );
    eprintln!("{service}: SIGTERM → exit 0 in {took:?}");
    cluster.start(service).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_mid_load_loses_and_doubles_nothing_and_every_service_exits_before_its_bound() {
    let n = count();
    let (sms, sms_url) = WebhookStandIn::start().await;
    let mut cluster = Cluster::new().await;
    for (k, v) in [
        ("TEKMERKEZ__SHUTDOWN__DRAIN_TIMEOUT_MS", "15000"),
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "webhook"),
        ("TEKMERKEZ__NOTIFY__SMS__WEBHOOK__URL", sms_url.as_str()),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
    ] {
        cluster.set_env(k, v);
    }
    let expected = scenario::setup(&mut cluster).await;
    cluster.start("notify").await;

    let accepted = Arc::new(AtomicUsize::new(0));
    let url = format!("{}/v1/applications", cluster.intake_url);
    let load = {
        let accepted = accepted.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            futures::stream::iter(0..n)
                .map(|i| {
                    let (client, url, accepted) = (client.clone(), url.clone(), accepted.clone());
                    async move {
                        let tn = post_until_accepted(&client, &url, i).await;
                        accepted.fetch_add(1, Ordering::Relaxed);
                        (i, tn)
                    }
                })
                .buffer_unordered(16)
                .collect::<Vec<(usize, String)>>()
                .await
        })
    };

    // Each service in turn, while the load is in full flow.
    for (service, at) in [
        ("routing", n / 5),
        ("intake", 2 * n / 5),
        ("case", 3 * n / 5),
        ("notify", 4 * n / 5),
    ] {
        eventually(
            WAIT,
            &format!("{at} accepted before stopping {service}"),
            async || accepted.load(Ordering::Relaxed) >= at,
        )
        .await;
        sigterm_and_restart(&mut cluster, service).await;
    }
    let tracking = load.await.unwrap();
    assert_eq!(tracking.len(), n);

    // Every accepted application has exactly one case, in the rule's pool.
    eventually(WAIT, "every case opened", async || {
        cluster.count("SELECT COUNT(*) FROM cases").await >= n as i64
    })
    .await;
    assert_eq!(
        cluster.count("SELECT COUNT(*) FROM cases").await,
        n as i64,
        "no case doubled"
    );
    assert_eq!(
        cluster
            .count("SELECT COUNT(DISTINCT application_id) FROM cases")
            .await,
        n as i64
    );
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&cluster.case_db)
        .await
        .unwrap();
    let rows: Vec<(String, uuid::Uuid)> =
        sqlx::query_as("SELECT tracking_number, pool_id FROM cases")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let by_tn: HashMap<String, uuid::Uuid> = rows
        .into_iter()
        .map(|(t, p)| (t.replace('-', ""), p))
        .collect();
    for (i, tn) in &tracking {
        let i = *i;
        let pool = by_tn
            .get(tn)
            .unwrap_or_else(|| panic!("application {i} ({tn}) got a 202 but no case"));
        let (_, category, province) = scenario::application(i);
        assert_eq!(
            pool.to_string(),
            expected[&(category, province)],
            "application {i} in its rule's pool"
        );
    }

    // Every citizen got exactly one SMS (each delivery once, by message id,
    // and no second delivery for anyone).
    eventually(WAIT, "every acknowledgement sent", async || {
        sms.sent().len() >= n
    })
    .await;
    let sent = sms.sent();
    let mut per_number: HashMap<&str, usize> = HashMap::new();
    for s in &sent {
        *per_number.entry(s.to.as_str()).or_default() += 1;
    }
    assert_eq!(per_number.len(), n, "everybody got one");
    assert!(per_number.values().all(|&c| c == 1), "nobody got two");
    assert_eq!(sent.len(), n);
    eprintln!(
        "{n} applications: {n} cases, {n} SMS, with routing, intake, case and notify each SIGTERMed once"
    );
}
