//! What the citizen's pages (`/basvuru`, `/basvuru/alindi`) need besides
//! their templates: the security headers every answer of this router
//! carries, and the stylesheet and script the pages load as files.
//!
//! The headers are the gateway's set (`services/gateway/src/http/mod.rs`,
//! `security_headers`), so the form is held to what the staff pages are: a
//! CSP that runs only this origin's scripts and styles (none inline), never
//! framed (`frame-ancestors 'none'` and `X-Frame-Options` for old
//! browsers), no content sniffing, no referrer outside the origin, nothing
//! cached (the pages echo what the citizen typed).

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The headers, as the gateway sets them.
pub(super) const SECURITY_HEADERS: [(header::HeaderName, &str); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::CACHE_CONTROL, "no-store"),
];

/// Middleware: every answer gets [`SECURITY_HEADERS`] unless it set one
/// itself (the static files keep their own `Cache-Control`).
pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    res
}

/// `GET /basvuru/basvuru.css`.
pub(super) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/basvuru.css"),
    )
        .into_response()
}

/// `GET /basvuru/basvuru.js`.
pub(super) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/basvuru.js"),
    )
        .into_response()
}
