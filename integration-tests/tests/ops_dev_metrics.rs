//! `tekmerkez dev` serves one `/metrics` for the whole process on its HTTP
//! port: the demo data's cases by status, the bus lag of its consumers, and
//! the HTTP histogram counting a request to the web form.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::{path::Path, time::Duration};

use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_integration_tests::ops::{scrape, value};
use tekmerkez_telemetry::metrics::names;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tekmerkez_dev_serves_one_metrics_endpoint_for_every_hosted_service() {
    let data = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut s = Settings::load(&dir, "test").unwrap();
    s.dev.data_dir = data.path().to_owned();
    s.dev.demo_cases = 30;
    s.case.grpc.listen = "127.0.0.1:0".into();
    s.routing.grpc_listen = "127.0.0.1:0".into();
    s.dev.http_listen = "127.0.0.1:0".into();
    let dev = Dev::build(s).await.unwrap();
    let http = dev.http_addr();
    assert!(
        dev.banner(data.path())
            .contains(&format!("http://{http}/metrics"))
    );
    let stop = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(stop.clone()));
    let url = format!("http://{http}/metrics");
    let form = reqwest::get(format!("http://{http}/basvuru"))
        .await
        .unwrap();
    assert_eq!(form.status(), 200);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let samples = scrape(&url).await;
        let cases: f64 = ["in_pool", "held", "awaiting_callback", "resolved"]
            .iter()
            .map(|st| value(&samples, names::CASES, &[("status", st)]))
            .sum();
        let form_timed = value(
            &samples,
            &format!("{}_count", names::HTTP_DURATION),
            &[("route", "/basvuru"), ("method", "GET"), ("status", "200")],
        );
        let lag_seen = samples
            .iter()
            .any(|x| x.name == names::CONSUMER_LAG && x.label("group") == Some("routing"));
        if cases >= 30.0 && form_timed >= 1.0 && lag_seen {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "cases {cases}, form timed {form_timed}, routing's lag seen {lag_seen}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.cancel();
    run.await.unwrap().unwrap();
}
