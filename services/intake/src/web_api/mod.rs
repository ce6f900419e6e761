//! The web form and the app API: the JSON API the mobile app (and any
//! client) submits to, the Turkish form at `/basvuru`, the public status of
//! an application, and the OpenAPI document. Every client address has its
//! own request budget here.
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/applications` | an application ([`crate::application::ApplicationRequest`]), `Idempotency-Key` optional → 202 |
//! | `GET /v1/applications/{tracking_number}?phone_last4=NNNN` | the public status, a dated timeline |
//! | `GET`, `POST /basvuru` | the web form (`?lang=en`: English); an accepted form redirects to… |
//! | `GET /basvuru/alindi?takip=…` | …the thank-you page with the tracking number |
//! | `GET /v1/outages?province=…&district=…` | planned and unplanned outages, public, for the app and the form |
//! | `GET /v1/neighbourhoods?province=…&district=…` | a district's neighbourhoods (mahalle), for the app and the form |
//! | `GET /v1/reports/summary?from=…&to=…&by=…` | the reports service's figures as JSON, CSV or XLSX, for a user's API token |
//! | `GET /v1/audit?from=…&to=…&actor=…&case=…` | the KVKK audit trail as JSON or CSV, for the KVKK officer's API token |
//! | `GET /openapi.json` | the API's description |
//! | `GET /basvuru/basvuru.css`, `/basvuru/basvuru.js` | the form's style and script |
//!
//! Every answer carries the gateway's security headers (`pages`).
//!
//! `state` is what the handlers share (built by startup); `texts` holds the
//! form's words in Turkish and English; `rate_limit` keeps a
//! token bucket per client address; `openapi` generates
//! the API's description from the handlers and their types, and its tests
//! hold it to what the handlers accept.

mod api;
mod audit;
mod form;
#[cfg(test)]
mod location_tests;
mod openapi;
mod outages;
mod pages;
mod pass_through;
mod places;
mod rate_limit;
mod reports;
mod state;
mod texts;

use axum::{Router, routing::get};

pub use rate_limit::ClientLimiter;
pub use state::WebState;

/// The routes: the form and the API limited per client address, the
/// OpenAPI document not; bodies up to `body_limit` bytes. Every error the
/// extractors give before a handler runs answers in the API's JSON shape
/// ([`crate::api_error::json_errors`]), here so the API keeps its contract
/// whatever it is merged into.
pub fn router(state: &WebState, body_limit: usize) -> Router {
    Router::new()
        .route("/v1/applications", axum::routing::post(api::submit))
        .route("/v1/applications/{tracking_number}", get(api::status))
        .route("/v1/reports/summary", get(reports::summary))
        .route("/v1/audit", get(audit::list))
        .route("/v1/outages", get(outages::list))
        .route("/v1/neighbourhoods", get(places::neighbourhoods))
        .route("/basvuru", get(form::show).post(form::submit))
        .route("/basvuru/alindi", get(form::thanks))
        .route_layer(axum::middleware::from_fn_with_state(
            state.limiter.clone(),
            rate_limit::limit,
        ))
        .route("/openapi.json", get(api::openapi))
        .route("/basvuru/basvuru.css", get(pages::stylesheet))
        .route("/basvuru/basvuru.js", get(pages::script))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(crate::api_error::json_errors))
        .layer(axum::middleware::from_fn(pages::security_headers))
        .with_state(state.clone())
}
