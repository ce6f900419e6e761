//! Telemetry shared by every binary: logs, traces and metrics.
//!
//! - [`init`]: one `tracing` subscriber with an `EnvFilter` (`RUST_LOG`
//!   overrides the configured level), JSON or pretty logs on stdout, and an
//!   OpenTelemetry layer exporting spans over OTLP/gRPC only when an
//!   endpoint is configured, under the process's own `service.name`
//!   (`tekmerkez-case`, `tekmerkez-intake`, …). The W3C TraceContext
//!   propagator is always installed so trace context crosses every hop.
//! - [`propagation`]: the current span's context into HTTP headers, gRPC
//!   metadata and Kafka headers, and back out of them.
//! - [`http`] and [`grpc`]: a request span that continues the caller's trace
//!   and a latency histogram, for axum routers and tonic servers; an
//!   interceptor helper for tonic clients.
//! - [`metrics`]: the process's Prometheus recorder (the `metrics` facade),
//!   scrape-time collectors and the `/metrics` route.
//!
//! Span and log fields and metric labels carry ids, enums, counts and
//! durations only: personal data never reaches this layer (house style §9).

#![warn(missing_docs)]

pub mod grpc;
pub mod http;
pub mod metrics;
pub mod propagation;

pub use propagation::{continue_trace, current_traceparent};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::{
    Resource,
    propagation::TraceContextPropagator,
    trace::{Sampler, SdkTracerProvider},
};
use tracing_subscriber::{
    EnvFilter, Layer, layer::SubscriberExt as _, util::SubscriberInitExt as _,
};

/// What becomes a span (or a span's event) in an exported trace, whatever
/// the log level: our spans and events at `info` and above; the libraries'
/// chatter (per-statement and per-frame spans) only when it warns, and the
/// exporter's own diagnostics never, so exporting cannot feed itself.
const TRACE_FILTER: &str = "info,sqlx=warn,h2=warn,hyper=warn,hyper_util=warn,tower=warn,tonic=warn,rdkafka=warn,lettre=warn,async_imap=warn,opentelemetry=off,opentelemetry_sdk=off,opentelemetry_otlp=off";

/// How logs and traces are emitted.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// Default filter directive, for example `info` or `info,tekmerkez_case=debug`.
    pub log_level: String,
    /// `json` for machines, `pretty` for a person at a terminal.
    pub log_format: LogFormat,
    /// OTLP/gRPC endpoint (`http://collector:4317`); `null` turns export off.
    pub otlp_endpoint: Option<String>,
    /// Share of new traces recorded, 0.0 to 1.0; a trace continued from a
    /// caller follows the caller's decision (parent-based sampling).
    #[serde(default = "default_sample_ratio")]
    pub trace_sample_ratio: f64,
    /// Where the production commands serve `/metrics` and `/healthz`
    /// (`0.0.0.0:9464`); `null` serves no metrics listener. `tekmerkez dev`
    /// serves `/metrics` on its HTTP port instead.
    #[serde(default)]
    pub metrics_listen: Option<String>,
}

fn default_sample_ratio() -> f64 {
    1.0
}

impl TelemetrySettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// A message naming the key.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.trace_sample_ratio) {
            return Err("telemetry.trace_sample_ratio must be between 0.0 and 1.0".to_owned());
        }
        if let Some(l) = &self.metrics_listen
            && l.parse::<std::net::SocketAddr>().is_err()
        {
            return Err("telemetry.metrics_listen must be host:port with an IP address".to_owned());
        }
        if let Some(e) = &self.otlp_endpoint
            && !(e.starts_with("http://") || e.starts_with("https://"))
        {
            return Err("telemetry.otlp_endpoint must be an http:// or https:// URL".to_owned());
        }
        Ok(())
    }
}

/// The log line format.
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Pretty,
}

/// Why telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporter could not be built.
    #[error("building the OTLP span exporter")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    /// A global subscriber was already installed.
    #[error("installing the tracing subscriber")]
    Install(#[from] tracing_subscriber::util::TryInitError),
    /// The filter directive did not parse.
    #[error("parsing the log filter")]
    Filter(#[from] tracing_subscriber::filter::ParseError),
}

/// Flushes and shuts the tracer provider down when dropped.
#[must_use = "dropping the guard stops trace export"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            // Shutdown flushes pending spans; at process exit there is nobody
            // left to report a failure to but stderr.
            if let Err(e) = provider.shutdown() {
                eprintln!("telemetry: flushing spans failed: {e}");
            }
        }
    }
}

/// Installs the global subscriber and propagator for `service_name`.
///
/// # Errors
/// [`TelemetryError`] when the filter does not parse, the exporter cannot be
/// built, or a subscriber is already installed.
pub fn init(
    settings: &TelemetrySettings,
    service_name: &str,
) -> Result<TelemetryGuard, TelemetryError> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter = match std::env::var("RUST_LOG") {
        Ok(directive) if !directive.is_empty() => EnvFilter::try_new(directive)?,
        _ => EnvFilter::try_new(&settings.log_level)?,
    };
    let fmt = match settings.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().compact().boxed(),
    };
    let (otel, provider) = match &settings.otlp_endpoint {
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()?;
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                    settings.trace_sample_ratio,
                ))))
                .with_resource(
                    Resource::builder()
                        .with_service_name(service_name.to_owned())
                        .build(),
                )
                .build();
            let tracer = provider.tracer(service_name.to_owned());
            opentelemetry::global::set_tracer_provider(provider.clone());
            (
                Some(
                    tracing_opentelemetry::layer()
                        .with_tracer(tracer)
                        .with_filter(EnvFilter::try_new(TRACE_FILTER)?),
                ),
                Some(provider),
            )
        }
        None => (None, None),
    };
    // Each layer filters for itself: a quiet log level (`warn` in tests,
    // RUST_LOG) must not drop the spans of a trace.
    tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init()?;
    metrics::install();
    ::metrics::gauge!("tekmerkez_build_info", "service" => service_name.to_owned(), "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Ok(TelemetryGuard { provider })
}
