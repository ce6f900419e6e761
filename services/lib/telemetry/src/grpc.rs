//! gRPC on both ends.
//!
//! - Servers: [`ServerLayer`] (`Server::builder().layer(ServerLayer)`) opens
//!   one `SpanKind::Server` span per call continuing the caller's
//!   `traceparent` metadata, and records the call-latency histogram by
//!   service, method and status code. Health checks and reflection are timed
//!   but not traced (probes every few seconds). A path naming no served
//!   method (`Unimplemented`) is labelled `unknown`, so a client cannot
//!   invent label values.
//! - Clients: call [`crate::propagation::inject_grpc`] from the client's
//!   interceptor; it runs inside the caller's span, so the call joins the
//!   caller's trace.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Instant,
};

use tracing::Instrument as _;

use crate::metrics::names;

/// Services whose calls get no span.
const QUIET: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
];

/// The tower layer for tonic servers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerLayer;

impl<S> tower::Layer<S> for ServerLayer {
    type Service = Server<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Server { inner }
    }
}

/// The service [`ServerLayer`] wraps around a tonic router.
#[derive(Debug, Clone)]
pub struct Server<S> {
    inner: S,
}

/// `/pkg.Service/Method` split, or `None` for anything else.
fn split(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/')?;
    let (service, method) = rest.split_once('/')?;
    (!service.is_empty() && !method.is_empty() && !method.contains('/'))
        .then_some((service, method))
}

impl<S, B, RB> tower::Service<http::Request<B>> for Server<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        // The ready clone answers this call; the fresh clone waits for the next poll_ready.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let (service, method) = split(req.uri().path()).unwrap_or(("unknown", "unknown"));
        let (service, method) = (service.to_owned(), method.to_owned());
        let span = if QUIET.contains(&service.as_str()) {
            tracing::Span::none()
        } else {
            let span = tracing::info_span!(
                "grpc.server",
                otel.name = format!("{service}/{method}"),
                otel.kind = "server",
                rpc.system = "grpc",
                rpc.service = %service,
                rpc.method = %method,
                rpc.grpc.status_code = tracing::field::Empty,
                otel.status_code = tracing::field::Empty,
            );
            crate::propagation::continue_from_headers(&span, req.headers());
            span
        };
        let start = Instant::now();
        let future = {
            let _entered = span.enter();
            inner.call(req)
        };
        Box::pin(
            async move {
                let result = future.await;
                // Unary answers carry the status in the trailers when it is
                // OK and in the headers (trailers-only) when it is not.
                let code = match &result {
                    Ok(r) => r
                        .headers()
                        .get("grpc-status")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<i32>().ok())
                        .map_or(tonic::Code::Ok, tonic::Code::from),
                    Err(_) => tonic::Code::Unavailable,
                };
                let span = tracing::Span::current();
                span.record("rpc.grpc.status_code", code as i32);
                if matches!(
                    code,
                    tonic::Code::Internal
                        | tonic::Code::Unavailable
                        | tonic::Code::Unknown
                        | tonic::Code::DataLoss
                        | tonic::Code::DeadlineExceeded
                ) {
                    span.record("otel.status_code", "ERROR");
                }
                let (service, method) = if code == tonic::Code::Unimplemented {
                    ("unknown".to_owned(), "unknown".to_owned())
                } else {
                    (service, method)
                };
                metrics::histogram!(
                    names::GRPC_DURATION,
                    "service" => service,
                    "method" => method,
                    "code" => code_label(code),
                )
                .record(start.elapsed().as_secs_f64());
                result
            }
            .instrument(span),
        )
    }
}

/// The status code's name, as gRPC documents it.
fn code_label(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use tower::{Layer as _, ServiceExt as _};

    use super::*;
    use crate::metrics::{parse, render};

    #[test]
    fn only_well_formed_paths_name_a_method() {
        assert_eq!(
            split("/tekmerkez.case.v1.CaseService/CreateCase"),
            Some(("tekmerkez.case.v1.CaseService", "CreateCase"))
        );
        assert_eq!(split("/x"), None);
        assert_eq!(split("/a/b/c"), None);
        assert_eq!(split("//m"), None);
    }

    #[tokio::test]
    async fn calls_are_timed_by_service_method_and_code_and_unknown_paths_are_pooled() {
        crate::metrics::install();
        let svc = tower::service_fn(|req: http::Request<()>| async move {
            let status = match req.uri().path() {
                "/t.v1.S/Fails" => Some("5"),
                "/t.v1.S/Works" => None,
                _ => Some("12"),
            };
            let mut r = http::Response::new(());
            if let Some(s) = status {
                r.headers_mut().insert("grpc-status", s.parse().unwrap());
            }
            Ok::<_, std::convert::Infallible>(r)
        });
        let layered = ServerLayer.layer(svc);
        for path in ["/t.v1.S/Works", "/t.v1.S/Fails", "/INVENTED.x/Y"] {
            let req = http::Request::builder().uri(path).body(()).unwrap();
            layered.clone().oneshot(req).await.unwrap();
        }
        let samples = parse(&render()).unwrap();
        let count = |service: &str, method: &str, code: &str| {
            samples
                .iter()
                .find(|s| {
                    s.name == format!("{}_count", names::GRPC_DURATION)
                        && s.label("service") == Some(service)
                        && s.label("method") == Some(method)
                        && s.label("code") == Some(code)
                })
                .map(|s| s.value)
        };
        assert_eq!(count("t.v1.S", "Works", "OK"), Some(1.0));
        assert_eq!(count("t.v1.S", "Fails", "NOT_FOUND"), Some(1.0));
        assert_eq!(count("unknown", "unknown", "UNIMPLEMENTED"), Some(1.0));
        assert!(
            !samples
                .iter()
                .any(|s| s.label("service") == Some("INVENTED.x"))
        );
    }
}
