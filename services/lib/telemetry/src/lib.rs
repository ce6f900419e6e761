//! Telemetry set-up shared by every binary: one `tracing` subscriber with an
//! `EnvFilter` (`RUST_LOG` overrides the configured level), JSON or pretty
//! logs on stdout, and an OpenTelemetry layer exporting spans over OTLP/gRPC
//! only when an endpoint is configured. The W3C TraceContext propagator is
//! always installed so trace context crosses every hop.
//!
//! Span and log fields carry ids, enums, counts and durations only: personal
//! data never reaches this layer (see the house style, §9).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::{Resource, propagation::TraceContextPropagator, trace::SdkTracerProvider};
use tracing_subscriber::{
    EnvFilter, Layer, layer::SubscriberExt as _, util::SubscriberInitExt as _,
};

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
                .with_resource(
                    Resource::builder()
                        .with_service_name(service_name.to_owned())
                        .build(),
                )
                .build();
            let tracer = provider.tracer(service_name.to_owned());
            opentelemetry::global::set_tracer_provider(provider.clone());
            (
                Some(tracing_opentelemetry::layer().with_tracer(tracer)),
                Some(provider),
            )
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init()?;
    Ok(TelemetryGuard { provider })
}
