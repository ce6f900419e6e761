//! The process's metrics in the Prometheus text format.
//!
//! Code records through the `metrics` facade (`metrics::counter!(…)`), which
//! [`install`] points at one Prometheus recorder per process; `tekmerkez dev`
//! hosting every service therefore has one `/metrics` for all of them.
//! Counters and histograms are pushed where things happen; values that live
//! in a database (the outbox backlog, cases by state) are read at scrape
//! time by [`Collector`]s, each bounded by the scrape's timeout so a slow
//! database never hangs the scrape (the gauge keeps its last value then).
//!
//! Every metric the project records is named in [`names`] with its help
//! text. Label values are codes from fixed sets (channels, statuses, route
//! templates, reason codes), never request data: no personal data, and no
//! label a client can multiply.

use std::{sync::Arc, time::Duration};

use axum::{Router, http::header, response::IntoResponse, routing::get};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The names of every metric, with their help texts.
pub mod names {
    /// Applications intake published, by channel.
    pub const APPLICATIONS_ACCEPTED: &str = "tekmerkez_intake_applications_accepted_total";
    /// Applications intake refused, by channel and reason.
    pub const APPLICATIONS_REJECTED: &str = "tekmerkez_intake_applications_rejected_total";
    /// E-mails no case could be made of (left for staff), by reason.
    pub const EMAIL_UNUSABLE: &str = "tekmerkez_intake_email_unusable_total";
    /// Messages a consumer group has not yet committed, by group, topic and partition.
    pub const CONSUMER_LAG: &str = "tekmerkez_bus_consumer_lag";
    /// Messages handled and committed, by topic.
    pub const MESSAGES_HANDLED: &str = "tekmerkez_bus_messages_handled_total";
    /// Messages dead-lettered, by topic and reason.
    pub const DEAD_LETTERS: &str = "tekmerkez_bus_dead_letters_total";
    /// Handler retries, by topic and kind (`transient`, `unavailable`).
    pub const HANDLER_RETRIES: &str = "tekmerkez_bus_handler_retries_total";
    /// Time to handle one message, retries included, by topic.
    pub const HANDLE_DURATION: &str = "tekmerkez_bus_handle_duration_seconds";
    /// Outbox rows not yet published.
    pub const OUTBOX_BACKLOG: &str = "tekmerkez_case_outbox_backlog";
    /// Age of the oldest unpublished outbox row (0 when none).
    pub const OUTBOX_OLDEST_AGE: &str = "tekmerkez_case_outbox_oldest_age_seconds";
    /// Outbox rows published to the bus.
    pub const OUTBOX_PUBLISHED: &str = "tekmerkez_case_outbox_published_total";
    /// Cases by status.
    pub const CASES: &str = "tekmerkez_case_cases";
    /// One automatic-assignment round of a pool (its lock wait, reads,
    /// decision and writes), by outcome: `assigned`, or `none` (the pool
    /// off, nobody available, nothing waiting).
    pub const ASSIGNMENT_ROUND: &str = "tekmerkez_case_assignment_round_duration_seconds";
    /// The decision part of a round: from its start, through the pool's
    /// lock and the reads under it, to the plan (the writes and their
    /// durable commit follow).
    pub const ASSIGNMENT_DECISION: &str = "tekmerkez_case_assignment_decision_duration_seconds";
    /// Notifications the provider or mail relay took, by channel and provider.
    pub const NOTIFY_SENT: &str = "tekmerkez_notify_sent_total";
    /// Notifications that failed for good, by channel and reason.
    pub const NOTIFY_FAILED: &str = "tekmerkez_notify_failed_total";
    /// Notifications put back for a later attempt, by channel and reason.
    pub const NOTIFY_RETRIED: &str = "tekmerkez_notify_retried_total";
    /// HTTP request latency, by method, route template and status.
    pub const HTTP_DURATION: &str = "tekmerkez_http_request_duration_seconds";
    /// gRPC call latency (server side), by service, method and code.
    pub const GRPC_DURATION: &str = "tekmerkez_grpc_request_duration_seconds";
    /// 1, labelled with the service and version.
    pub const BUILD_INFO: &str = "tekmerkez_build_info";
}

/// Histogram buckets for every `_seconds` metric: 1 ms to 10 s.
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: std::sync::OnceLock<Option<PrometheusHandle>> = std::sync::OnceLock::new();

/// Installs the process's Prometheus recorder (once; later calls return the
/// same handle). `None` when another global recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
                .ok()?;
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    use names::*;
    describe_counter!(
        APPLICATIONS_ACCEPTED,
        "Applications intake published, by channel"
    );
    describe_counter!(
        APPLICATIONS_REJECTED,
        "Applications intake refused, by channel and reason"
    );
    describe_counter!(
        EMAIL_UNUSABLE,
        "E-mails no case could be made of (left for staff), by reason"
    );
    describe_gauge!(
        CONSUMER_LAG,
        "Messages a consumer group has not yet committed, by group, topic and partition"
    );
    describe_counter!(MESSAGES_HANDLED, "Messages handled and committed, by topic");
    describe_counter!(DEAD_LETTERS, "Messages dead-lettered, by topic and reason");
    describe_counter!(HANDLER_RETRIES, "Handler retries, by topic and kind");
    describe_histogram!(
        HANDLE_DURATION,
        Unit::Seconds,
        "Time to handle one message, retries included, by topic"
    );
    describe_gauge!(OUTBOX_BACKLOG, "Outbox rows not yet published");
    describe_gauge!(
        OUTBOX_OLDEST_AGE,
        Unit::Seconds,
        "Age of the oldest unpublished outbox row (0 when none)"
    );
    describe_counter!(OUTBOX_PUBLISHED, "Outbox rows published to the bus");
    describe_gauge!(CASES, "Cases by status");
    describe_histogram!(
        ASSIGNMENT_ROUND,
        Unit::Seconds,
        "One automatic-assignment round of a pool, its lock wait included, by outcome"
    );
    describe_histogram!(
        ASSIGNMENT_DECISION,
        Unit::Seconds,
        "An automatic-assignment round's start to its plan: lock wait, reads and decision"
    );
    describe_counter!(
        NOTIFY_SENT,
        "Notifications the provider or mail relay took, by channel and provider"
    );
    describe_counter!(
        NOTIFY_FAILED,
        "Notifications that failed for good, by channel and reason"
    );
    describe_counter!(
        NOTIFY_RETRIED,
        "Notifications put back for a later attempt, by channel and reason"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "HTTP request latency, by method, route template and status"
    );
    describe_histogram!(
        GRPC_DURATION,
        Unit::Seconds,
        "gRPC call latency on the server, by service, method and code"
    );
    describe_gauge!(BUILD_INFO, "1, labelled with the service and version");
}

/// The current values in the Prometheus text format (empty when no recorder
/// could be installed).
pub fn render() -> String {
    match install() {
        Some(h) => {
            h.run_upkeep();
            h.render()
        }
        None => String::new(),
    }
}

/// Reads values that live elsewhere (a database, a broker) into gauges when
/// `/metrics` is scraped.
#[async_trait::async_trait]
pub trait Collector: Send + Sync + 'static {
    /// Sets this collector's gauges; a failure leaves their last values.
    async fn collect(&self);
}

/// What a scrape runs before rendering.
#[derive(Clone)]
pub struct Scrape {
    collectors: Vec<Arc<dyn Collector>>,
    timeout: Duration,
}

impl std::fmt::Debug for Scrape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrape")
            .field("collectors", &self.collectors.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for Scrape {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Scrape {
    /// A scrape running `collectors` (at once), each bounded by 2 s.
    pub fn new(collectors: Vec<Arc<dyn Collector>>) -> Self {
        install();
        Self {
            collectors,
            timeout: Duration::from_secs(2),
        }
    }

    /// Adds `collector`.
    #[must_use]
    pub fn with(mut self, collector: Arc<dyn Collector>) -> Self {
        self.collectors.push(collector);
        self
    }

    /// Runs the collectors, then renders.
    pub async fn run(&self) -> String {
        let timeout = self.timeout;
        futures::future::join_all(self.collectors.iter().map(|c| async move {
            if tokio::time::timeout(timeout, c.collect()).await.is_err() {
                tracing::warn!("a metrics collector timed out; its gauges keep their last values");
            }
        }))
        .await;
        render()
    }
}

/// `GET /metrics`.
pub fn router(scrape: Scrape) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let scrape = scrape.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    scrape.run().await,
                )
                    .into_response()
            }
        }),
    )
}

/// Serves `/metrics` and `/healthz` (the process answers) on `listener`
/// until `shutdown`.
///
/// # Errors
/// When the server fails.
pub async fn serve(
    listener: TcpListener,
    scrape: Scrape,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let app = router(scrape).route("/healthz", get(|| async { "ok" }));
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

/// Binds `listen` and serves [`serve`] in a task until `shutdown`; `None`
/// when `listen` is `None`.
///
/// # Errors
/// When the address cannot be bound.
pub async fn spawn(
    listen: Option<&str>,
    scrape: Scrape,
    shutdown: CancellationToken,
) -> std::io::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(listen) = listen else {
        return Ok(None);
    };
    let listener = TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "metrics listening");
    Ok(Some(tokio::spawn(async move {
        if let Err(e) = serve(listener, scrape, shutdown).await {
            tracing::error!(error.message = %e, "the metrics listener failed");
        }
    })))
}

/// One parsed sample of the text format, for tests and tools.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Metric name (with `_bucket`, `_sum`, `_count` for histograms).
    pub name: String,
    /// Labels in the order written.
    pub labels: Vec<(String, String)>,
    /// The sample's value; `+Inf` and `-Inf` read as infinities.
    pub value: f64,
}

impl Sample {
    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses the Prometheus text format (the subset the exporter writes:
/// `# HELP`/`# TYPE` comments, `name{label="value",…} value`).
///
/// # Errors
/// The first line that does not parse, by number.
pub fn parse(text: &str) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || format!("line {}: not a sample", i + 1);
        let (head, value) = line.rsplit_once(' ').ok_or_else(bad)?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().map_err(|_| bad())?,
        };
        let (name, labels) = match head.split_once('{') {
            None => (head.to_owned(), Vec::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').ok_or_else(bad)?;
                (name.to_owned(), parse_labels(body).ok_or_else(bad)?)
            }
        };
        out.push(Sample {
            name,
            labels,
            value,
        });
    }
    Ok(out)
}

fn parse_labels(mut s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let (key, rest) = s.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                '"' => break i,
                c => value.push(c),
            }
        };
        out.push((key.trim_start_matches(',').trim().to_owned(), value));
        s = rest[end + 1..].trim_start_matches(',');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn the_text_format_parses_with_escaped_labels_and_histograms() {
        let text = "# HELP x_total a thing\n# TYPE x_total counter\nx_total{channel=\"web_form\",reason=\"a\\\"b\"} 3\n\
                    y_seconds_bucket{le=\"+Inf\"} 7\ny_seconds_sum 0.5\nup 1\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].label("channel"), Some("web_form"));
        assert_eq!(s[0].label("reason"), Some("a\"b"));
        assert!((s[0].value - 3.0).abs() < f64::EPSILON);
        assert_eq!(s[1].label("le"), Some("+Inf"));
        assert_eq!(s[3].name, "up");
        assert!(parse("garbage").is_err());
    }

    struct Slow;

    #[async_trait::async_trait]
    impl Collector for Slow {
        async fn collect(&self) {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }

    struct Sets;

    #[async_trait::async_trait]
    impl Collector for Sets {
        async fn collect(&self) {
            metrics::gauge!("tekmerkez_test_collected").set(42.0);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_scrape_runs_its_collectors_and_a_slow_one_does_not_hang_it() {
        let scrape = Scrape::new(vec![Arc::new(Slow), Arc::new(Sets)]);
        metrics::counter!(names::APPLICATIONS_ACCEPTED, "channel" => "web_form").increment(2);
        let text = scrape.run().await;
        let samples = parse(&text).unwrap();
        let got = samples
            .iter()
            .find(|s| s.name == "tekmerkez_test_collected")
            .unwrap();
        assert!((got.value - 42.0).abs() < f64::EPSILON);
        let accepted = samples
            .iter()
            .find(|s| s.name == names::APPLICATIONS_ACCEPTED)
            .unwrap();
        assert_eq!(accepted.label("channel"), Some("web_form"));
        assert!(text.contains("# HELP tekmerkez_intake_applications_accepted_total"));
    }
}
