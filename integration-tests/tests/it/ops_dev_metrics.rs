//! `tekmerkez dev` serves one `/metrics` for the whole process on its HTTP
//! port: the demo data's cases by status, the bus lag of its consumers, and
//! the HTTP histogram counting a request to the web form.

use std::time::Duration;

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    ops::{scrape, value},
    wait::within,
    web::dev_settings,
};
use tekmerkez_telemetry::metrics::names;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tekmerkez_dev_serves_one_metrics_endpoint_for_every_hosted_service() {
    let data = tempfile::tempdir().unwrap();
    let s = dev_settings(data.path(), 30);
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

    let mut last = String::new();
    let seen = within(Duration::from_secs(60), async || {
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
        last = format!("cases {cases}, form timed {form_timed}, routing's lag seen {lag_seen}");
        cases >= 30.0 && form_timed >= 1.0 && lag_seen
    })
    .await;
    assert!(seen.is_some(), "{last}");
    stop.cancel();
    run.await.unwrap().unwrap();
}
