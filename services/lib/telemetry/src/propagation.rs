//! W3C trace context across every hop: out of the current span into HTTP
//! headers, gRPC metadata and bus headers, and back in as the parent of the
//! span that handles a request or a message.
//!
//! Only `traceparent` and `tracestate` travel (the TraceContext propagator
//! [`crate::init`] installs); both hold ids and flags, never payload data.
//! Without a recording OpenTelemetry layer (OTLP export off) nothing is
//! injected, so no empty or meaningless header is ever sent.

use std::collections::HashMap;

use opentelemetry::propagation::{Extractor, Injector};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// The header names the propagator writes.
const FIELDS: [&str; 2] = ["traceparent", "tracestate"];

/// The current span's context as `(name, value)` pairs (`traceparent`, and
/// `tracestate` when set); empty when no trace is being recorded.
pub fn current_context_headers() -> Vec<(&'static str, String)> {
    let cx = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut carrier));
    let mut out = Vec::new();
    for name in FIELDS {
        if let Some(v) = carrier.remove(name).filter(|v| !v.is_empty()) {
            out.push((name, v));
        }
    }
    // A traceparent of an invalid context is never written by the
    // propagator; a lone tracestate would mean nothing to the receiver.
    if !out.iter().any(|(n, _)| *n == "traceparent") {
        out.clear();
    }
    out
}

/// The current span's W3C `traceparent` header value, when a trace is being
/// recorded (OTLP export on); `None` otherwise, so nothing empty is sent.
pub fn current_traceparent() -> Option<String> {
    current_context_headers()
        .into_iter()
        .find(|(n, _)| *n == "traceparent")
        .map(|(_, v)| v)
}

/// Makes `span` continue the trace a message or request arrived with
/// (`traceparent` and optional `tracestate`); a missing or malformed value
/// leaves `span` a root, as a new trace. Call it before the span is entered.
pub fn continue_trace(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    let Some(traceparent) = traceparent else {
        return;
    };
    let mut carrier = HashMap::new();
    carrier.insert("traceparent".to_owned(), traceparent.to_owned());
    if let Some(state) = tracestate {
        carrier.insert("tracestate".to_owned(), state.to_owned());
    }
    let cx = opentelemetry::global::get_text_map_propagator(|p| p.extract(&carrier));
    // Fails only when no OpenTelemetry layer is installed: nothing to join then.
    let _ = span.set_parent(cx);
}

/// Makes `span` continue the trace named by an HTTP request's (or gRPC
/// call's) `traceparent`/`tracestate` headers.
pub fn continue_from_headers(span: &tracing::Span, headers: &http::HeaderMap) {
    if !headers.contains_key("traceparent") {
        return;
    }
    let cx =
        opentelemetry::global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(headers)));
    let _ = span.set_parent(cx);
}

/// Writes the current span's context into outgoing HTTP `headers` (reqwest
/// requests: `request.headers_mut()`).
pub fn inject_headers(headers: &mut http::HeaderMap) {
    for (name, value) in current_context_headers() {
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// Writes the current span's context into an outgoing gRPC call's metadata;
/// call it from the client's interceptor, which runs inside the caller's span.
pub fn inject_grpc(metadata: &mut tonic::metadata::MetadataMap) {
    for (name, value) in current_context_headers() {
        if let Ok(v) = value.parse() {
            metadata.insert(name, v);
        }
    }
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// An injector into a plain map, for carriers built by hand.
#[derive(Debug, Default)]
pub struct MapInjector(pub HashMap<String, String>);

impl Injector for MapInjector {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::{propagation::TraceContextPropagator, trace::SdkTracerProvider};
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    const INCOMING: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn recording() -> tracing::subscriber::DefaultGuard {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
        tracing::subscriber::set_default(tracing_subscriber::registry().with(layer))
    }

    fn trace_id(traceparent: &str) -> &str {
        traceparent.split('-').nth(1).unwrap()
    }

    #[test]
    fn a_span_continued_from_a_traceparent_keeps_its_trace_id_and_passes_it_on() {
        let _g = recording();
        let span = tracing::info_span!("consume");
        continue_trace(&span, Some(INCOMING), None);
        let out = span.in_scope(current_traceparent).unwrap();
        let parts: Vec<&str> = out.split('-').collect();
        assert_eq!(parts[1], "4bf92f3577b34da6a3ce929d0e0e4736", "same trace");
        assert_ne!(parts[2], "00f067aa0ba902b7", "a new span of it");
    }

    #[test]
    fn without_a_recorded_trace_there_is_no_header_and_garbage_starts_a_new_trace() {
        assert_eq!(tracing::info_span!("x").in_scope(current_traceparent), None);
        let mut md = tonic::metadata::MetadataMap::new();
        tracing::info_span!("x").in_scope(|| inject_grpc(&mut md));
        assert!(md.is_empty(), "nothing injected without a trace");
        let _g = recording();
        let span = tracing::info_span!("consume");
        continue_trace(&span, Some("not a traceparent"), None);
        let out = span.in_scope(current_traceparent).unwrap();
        assert!(!out.contains("4bf92f3577b34da6"), "{out}");
        assert_eq!(out.len(), 55);
    }

    #[test]
    fn http_headers_and_grpc_metadata_carry_the_trace_both_ways() {
        let _g = recording();
        let mut incoming = http::HeaderMap::new();
        incoming.insert("traceparent", INCOMING.parse().unwrap());
        incoming.insert("tracestate", "vendor=1".parse().unwrap());
        let server = tracing::info_span!("server");
        continue_from_headers(&server, &incoming);
        let (mut out_headers, mut out_md) =
            (http::HeaderMap::new(), tonic::metadata::MetadataMap::new());
        server.in_scope(|| {
            inject_headers(&mut out_headers);
            inject_grpc(&mut out_md);
        });
        let tp = out_headers.get("traceparent").unwrap().to_str().unwrap();
        assert_eq!(trace_id(tp), trace_id(INCOMING));
        assert_eq!(out_headers.get("tracestate").unwrap(), "vendor=1");
        let md_tp = out_md.get("traceparent").unwrap().to_str().unwrap();
        assert_eq!(md_tp, tp, "the same span context on both carriers");

        // A request without headers starts its own trace.
        let fresh = tracing::info_span!("fresh");
        continue_from_headers(&fresh, &http::HeaderMap::new());
        let tp = fresh.in_scope(current_traceparent).unwrap();
        assert_ne!(trace_id(&tp), trace_id(INCOMING));
    }
}
