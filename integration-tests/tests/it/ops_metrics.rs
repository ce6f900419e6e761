//! Every service's `/metrics`, scraped from its metrics listener while the
//! services run as separate `tekmerkez` processes on PostgreSQL and the
//! Kafka broker: the text format parses, and the named series move as the
//! traffic says they must — applications accepted and rejected by channel,
//! a poison message counted as a dead letter, the outbox drained and
//! counted, cases by status, consumer lag back at zero, the SMS counted as
//! sent, and HTTP and gRPC latency histograms counting the calls.

use std::time::Duration;

use tekmerkez_integration_tests::{
    cluster::Cluster,
    ops::{WebhookStandIn, scrape, value},
    scenario,
    wait::within,
};
use tekmerkez_telemetry::metrics::{Sample, names};

/// Scrapes `service`'s metrics until `check` holds (60 s at most); on
/// timeout the panic shows what was last scraped.
async fn scraped_until(
    cluster: &Cluster,
    service: &str,
    what: &str,
    check: impl Fn(&[Sample]) -> bool,
) -> Vec<Sample> {
    let mut last = Vec::new();
    let seen = within(Duration::from_secs(60), async || {
        last = scrape(&cluster.metrics_url(service)).await;
        check(&last).then(|| last.clone())
    })
    .await;
    seen.unwrap_or_else(|| {
        panic!(
            "{service}: {what} not seen within 60 s; {}",
            last.iter()
                .filter(|s| s.name.starts_with("tekmerkez_") && !s.name.ends_with("_bucket"))
                .map(|s| format!("{} {:?} {}", s.name, s.labels, s.value))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_service_exports_metrics_that_follow_the_traffic() {
    use tekmerkez_bus::{Bus as _, Envelope, KafkaBus, KafkaSettings, headers};
    let (sms, sms_url) = WebhookStandIn::start().await;
    let mut cluster = Cluster::new().await;
    for (k, v) in [
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "webhook"),
        ("TEKMERKEZ__NOTIFY__SMS__WEBHOOK__URL", sms_url.as_str()),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
        ("TEKMERKEZ__KAFKA__STATISTICS_INTERVAL_MS", "500"),
    ] {
        cluster.set_env(k, v);
    }
    scenario::setup(&mut cluster).await;
    cluster.start("notify").await;
    cluster.start("gateway").await;

    // Every listener answers in the text format before any traffic.
    for service in ["case", "routing", "intake", "notify", "gateway"] {
        let samples = scrape(&cluster.metrics_url(service)).await;
        let build = samples
            .iter()
            .find(|s| s.name == names::BUILD_INFO)
            .unwrap();
        assert_eq!(
            build.label("service"),
            Some(format!("tekmerkez-{service}").as_str())
        );
        let health = reqwest::get(cluster.metrics_url(service).replace("/metrics", "/healthz"))
            .await
            .unwrap();
        assert_eq!(health.status(), 200, "{service}'s /healthz");
    }
    let intake_before = scrape(&cluster.metrics_url("intake")).await;
    let accepted = |s: &[Sample]| {
        value(
            s,
            names::APPLICATIONS_ACCEPTED,
            &[("channel", "mobile_app")],
        )
    };
    let rejected = |s: &[Sample]| {
        value(
            s,
            names::APPLICATIONS_REJECTED,
            &[("channel", "mobile_app"), ("reason", "invalid")],
        )
    };
    let unsupported = |s: &[Sample]| {
        value(
            s,
            names::APPLICATIONS_REJECTED,
            &[("channel", "unknown"), ("reason", "unsupported_media_type")],
        )
    };
    let posted_202 = |s: &[Sample]| {
        value(
            s,
            &format!("{}_count", names::HTTP_DURATION),
            &[
                ("route", "/v1/applications"),
                ("status", "202"),
                ("method", "POST"),
            ],
        )
    };

    // One accepted, one refused field by field, one not JSON at all.
    let client = reqwest::Client::new();
    let (mut good, _, _) = scenario::application(1);
    good["channel"] = "mobile_app".into();
    let r = client
        .post(format!("{}/v1/applications", cluster.intake_url))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let mut bad = good.clone();
    bad["province"] = "999".into();
    bad["applicant"]["phone"] = "12".into();
    let r = client
        .post(format!("{}/v1/applications", cluster.intake_url))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client
        .post(format!("{}/v1/applications", cluster.intake_url))
        .header("content-type", "text/plain")
        .body("merhaba")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    let intake = scrape(&cluster.metrics_url("intake")).await;
    assert_eq!(
        accepted(&intake) - accepted(&intake_before),
        1.0,
        "accepted +1"
    );
    assert_eq!(
        rejected(&intake) - rejected(&intake_before),
        1.0,
        "rejected (mobile_app, invalid) +1"
    );
    assert_eq!(
        unsupported(&intake) - unsupported(&intake_before),
        1.0,
        "415 counted with no channel known"
    );
    assert_eq!(
        posted_202(&intake) - posted_202(&intake_before),
        1.0,
        "the HTTP histogram counted the 202"
    );
    assert!(
        !intake.iter().any(|s| s
            .labels
            .iter()
            .any(|(_, v)| v.contains("Ayşe") || v.contains("0532"))),
        "no personal data in any label"
    );

    // A poison message on routing's topic: dead-lettered, counted, and routing goes on.
    let bus = KafkaBus::new(KafkaSettings {
        brokers: cluster.brokers.clone(),
        client_id: "ops-metrics-test".into(),
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
    bus.publish(Envelope {
        topic: "intake.applications.v1".into(),
        key: "poison".into(),
        headers: vec![(headers::EVENT_ID.into(), "poison-1".into())],
        payload: bytes::Bytes::from_static(b"\xff\xff not protobuf"),
    })
    .await
    .unwrap();
    let routing = scraped_until(
        &cluster,
        "routing",
        "the dead letter and the handled application",
        |s| {
            value(
                s,
                names::DEAD_LETTERS,
                &[("topic", "intake.applications.v1"), ("reason", "decode")],
            ) == 1.0
                && value(
                    s,
                    names::MESSAGES_HANDLED,
                    &[("topic", "intake.applications.v1")],
                ) >= 1.0
        },
    )
    .await;
    assert!(
        value(
            &routing,
            &format!("{}_count", names::HANDLE_DURATION),
            &[("topic", "intake.applications.v1")]
        ) >= 2.0
    );
    // Everything consumed and committed: the group's lag returns to 0.
    scraped_until(&cluster, "routing", "routing's lag at 0", |s| {
        s.iter()
            .any(|x| x.name == names::CONSUMER_LAG && x.label("group") == Some("routing"))
            && value(
                s,
                names::CONSUMER_LAG,
                &[("group", "routing"), ("topic", "intake.applications.v1")],
            ) == 0.0
    })
    .await;

    // The case service: the case is counted in its pool, the outbox drained
    // and its rows counted, the CreateCase call timed.
    let case = scraped_until(
        &cluster,
        "case",
        "the case in the pool and the outbox drained",
        |s| {
            value(s, names::CASES, &[("status", "in_pool")]) == 1.0
                && value(s, names::OUTBOX_BACKLOG, &[]) == 0.0
                && value(s, names::OUTBOX_PUBLISHED, &[]) >= 1.0
        },
    )
    .await;
    assert_eq!(
        value(&case, names::CASES, &[("status", "resolved")]),
        0.0,
        "every status is reported"
    );
    assert_eq!(value(&case, names::OUTBOX_OLDEST_AGE, &[]), 0.0);
    assert!(
        value(
            &case,
            &format!("{}_count", names::GRPC_DURATION),
            &[
                ("service", "tekmerkez.case.v1.CaseService"),
                ("method", "CreateCase"),
                ("code", "OK")
            ]
        ) >= 1.0
    );

    // Notify: the acknowledgement SMS counted as sent through the webhook.
    scraped_until(&cluster, "notify", "the SMS counted", |s| {
        value(
            s,
            names::NOTIFY_SENT,
            &[("channel", "sms"), ("provider", "webhook")],
        ) == 1.0
    })
    .await;
    assert_eq!(sms.sent().len(), 1);

    // The gateway: its sign-in page, timed by route.
    let r = client
        .get(format!("{}/giris", cluster.gateway_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    scraped_until(&cluster, "gateway", "the sign-in page timed", |s| {
        value(
            s,
            &format!("{}_count", names::HTTP_DURATION),
            &[("route", "/giris"), ("method", "GET")],
        ) >= 1.0
    })
    .await;
}
