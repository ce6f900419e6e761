//! The HTTP edge of every axum service: one span per request continuing the
//! caller's W3C trace (`traceparent`), and the request-latency histogram.
//!
//! Use it as the outermost layer of the finished router
//! (`router.layer(axum::middleware::from_fn(tekmerkez_telemetry::http::observe))`),
//! after every `merge`, so each route is measured once. The route label is
//! the matched route *template* (`/v1/applications/{tracking_number}`),
//! never the path a client sent, so no tracking number or other request
//! data becomes a label or a span name; unmatched requests share
//! `unmatched`. `/healthz` and `/metrics` are timed but get no span: probes
//! and scrapes every few seconds would bury the traces that matter.

use std::time::Instant;

use axum::{extract::MatchedPath, extract::Request, middleware::Next, response::Response};
use tracing::Instrument as _;

use crate::metrics::names;

/// Paths that are timed but not traced.
const QUIET: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// The middleware: span and histogram around `next`.
pub async fn observe(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = method_label(req.method());
    let quiet = QUIET.contains(&route.as_str());
    let start = Instant::now();
    let response = if quiet {
        next.run(req).await
    } else {
        let span = tracing::info_span!(
            "http.request",
            otel.name = format!("{method} {route}"),
            otel.kind = "server",
            http.request.method = method,
            http.route = %route,
            http.response.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
        );
        crate::propagation::continue_from_headers(&span, req.headers());
        let response = next.run(req).instrument(span.clone()).await;
        span.record("http.response.status_code", response.status().as_u16());
        if response.status().is_server_error() {
            span.record("otel.status_code", "ERROR");
        }
        response
    };
    metrics::histogram!(
        names::HTTP_DURATION,
        "method" => method,
        "route" => route,
        "status" => response.status().as_u16().to_string(),
    )
    .record(start.elapsed().as_secs_f64());
    response
}

/// The method as a label from a fixed set (a client may send any token).
fn method_label(m: &http::Method) -> &'static str {
    match *m {
        http::Method::GET => "GET",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::DELETE => "DELETE",
        http::Method::PATCH => "PATCH",
        http::Method::HEAD => "HEAD",
        http::Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use axum::{Router, body::Body, routing::get};
    use tower::ServiceExt as _;

    use super::*;
    use crate::metrics::{parse, render};

    #[tokio::test]
    async fn requests_are_timed_by_route_template_never_by_the_path_sent() {
        crate::metrics::install();
        let app = Router::new()
            .route("/v1/things/{id}", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(observe));
        for path in ["/v1/things/SECRET-1", "/v1/things/SECRET-2", "/nope"] {
            let _ = app
                .clone()
                .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
        }
        let text = render();
        assert!(!text.contains("SECRET"), "{text}");
        let samples = parse(&text).unwrap();
        let count = |route: &str, status: &str| {
            samples
                .iter()
                .find(|s| {
                    s.name == format!("{}_count", names::HTTP_DURATION)
                        && s.label("route") == Some(route)
                        && s.label("status") == Some(status)
                })
                .map(|s| s.value)
        };
        assert_eq!(count("/v1/things/{id}", "200"), Some(2.0));
        assert_eq!(count("unmatched", "404"), Some(1.0));
    }
}
