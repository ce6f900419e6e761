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

/// The current span's W3C `traceparent` header value, when a trace is being
/// recorded (OTLP export on); `None` otherwise, so nothing empty is sent.
pub fn current_traceparent() -> Option<String> {
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    let cx = tracing::Span::current().context();
    let mut carrier = std::collections::HashMap::new();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut carrier));
    carrier.remove("traceparent")
}

/// Makes `span` continue the trace a message or request arrived with
/// (`traceparent` and optional `tracestate`); a missing or malformed value
/// leaves `span` a root, as a new trace.
pub fn continue_trace(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    let Some(traceparent) = traceparent else {
        return;
    };
    let mut carrier = std::collections::HashMap::new();
    carrier.insert("traceparent".to_owned(), traceparent.to_owned());
    if let Some(state) = tracestate {
        carrier.insert("tracestate".to_owned(), state.to_owned());
    }
    let cx = opentelemetry::global::get_text_map_propagator(|p| p.extract(&carrier));
    // Fails only when no OpenTelemetry layer is installed: nothing to join then.
    let _ = span.set_parent(cx);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    fn recording() -> tracing::subscriber::DefaultGuard {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
        tracing::subscriber::set_default(tracing_subscriber::registry().with(layer))
    }

    #[test]
    fn a_span_continued_from_a_traceparent_keeps_its_trace_id_and_passes_it_on() {
        let _g = recording();
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let span = tracing::info_span!("consume");
        continue_trace(&span, Some(incoming), None);
        let out = span.in_scope(current_traceparent).unwrap();
        let parts: Vec<&str> = out.split('-').collect();
        assert_eq!(parts[1], "4bf92f3577b34da6a3ce929d0e0e4736", "same trace");
        assert_ne!(parts[2], "00f067aa0ba902b7", "a new span of it");
    }

    #[test]
    fn without_a_recorded_trace_there_is_no_header_and_garbage_starts_a_new_trace() {
        assert_eq!(tracing::info_span!("x").in_scope(current_traceparent), None);
        let _g = recording();
        let span = tracing::info_span!("consume");
        continue_trace(&span, Some("not a traceparent"), None);
        let out = span.in_scope(current_traceparent).unwrap();
        assert!(!out.contains("4bf92f3577b34da6"), "{out}");
        assert_eq!(out.len(), 55);
    }
}
