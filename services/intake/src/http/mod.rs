//! The HTTP edge of intake: the JSON API for the app and partners, the
//! Turkish web form, the public status, the OpenAPI document. Errors share
//! one shape: `{"message": "...", "errors": {"field": ["rule", ...]}}`.

mod api;
mod form;
mod rate_limit;

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Json, Router,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use tekmerkez_proto::case_v1::case_service_client::CaseServiceClient;
use tekmerkez_types::fields::Violations;
use tonic::{service::interceptor::InterceptedService, transport::Channel};

use crate::{config::Category, idempotency::IdempotencyStore, publish::Publisher};

pub use rate_limit::ClientLimiter;

/// Adds intake's bearer token to case-service calls.
#[derive(Clone)]
pub struct BearerToken(pub tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl tonic::service::Interceptor for BearerToken {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        req.metadata_mut().insert("authorization", self.0.clone());
        // The interceptor runs inside the caller's span: the call joins its trace.
        tekmerkez_telemetry::propagation::inject_grpc(req.metadata_mut());
        Ok(req)
    }
}

/// The case service, as intake calls it.
pub type CaseClient = CaseServiceClient<InterceptedService<Channel, BearerToken>>;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// Puts applications on the bus.
    pub publisher: Publisher,
    /// Idempotency keys.
    pub keys: IdempotencyStore,
    /// The category catalogue.
    pub categories: Arc<Vec<Category>>,
    /// The case service.
    pub cases: CaseClient,
    /// Per-client limits.
    pub limiter: ClientLimiter,
    /// The KVKK notice version the form shows.
    pub kvkk_text_version: Arc<str>,
    /// Deadline for case-service calls.
    pub case_timeout: std::time::Duration,
    /// The social-media webhooks (routes only for the enabled ones).
    pub social: crate::social::SocialState,
    /// The CTI/IVR endpoint (routes only when enabled).
    pub cti: crate::cti::CtiState,
    /// Staff entry (routes only when enabled).
    pub staff: crate::staff::StaffSettings,
}

/// The router.
pub fn router(state: AppState, body_limit: usize) -> Router {
    let limited = Router::new()
        .route("/v1/applications", axum::routing::post(api::submit))
        .route("/v1/applications/{tracking_number}", get(api::status))
        .route("/basvuru", get(form::show).post(form::submit))
        .route_layer(axum::middleware::from_fn_with_state(
            state.limiter.clone(),
            rate_limit::limit,
        ));
    // The platforms' webhooks and the CTI come from a few addresses at a
    // high rate: they authenticate every request instead of being limited
    // per client address.
    let social = counting_refusals(crate::social::router(&state.social), "social_media");
    let cti = counting_refusals(crate::cti::router(&state.cti), "phone");
    // Staff entry comes from the gateway alone, which authenticates. Its
    // applications are calls, letters, visits and meetings: one label.
    let staff = counting_refusals(crate::staff::router(&state), "staff_entry");
    Router::new()
        .merge(limited)
        .route("/openapi.json", get(api::openapi))
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .with_state(state)
        .merge(social)
        .merge(cti)
        .merge(staff)
}

/// The submitted channel as a metric label: the API's own names, or
/// `unknown` (a client may send anything there).
pub(crate) fn channel_label(raw: &str) -> &'static str {
    match raw.trim() {
        "web_form" => "web_form",
        "mobile_app" => "mobile_app",
        _ => "unknown",
    }
}

/// Counts a refused submission by channel and a reason named by its status.
pub(crate) fn count_rejected(channel: &'static str, status: StatusCode) {
    let reason = match status.as_u16() {
        400 => "invalid",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "idempotency_conflict",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "other",
    };
    count_rejected_because(channel, reason);
}

/// A channel route's refusal as the metrics name it (422 is an unknown
/// account or event there, not the API's idempotency conflict).
fn refusal_reason(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid",
        401 => "unauthenticated",
        403 => "forbidden",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        503 => "unavailable",
        _ => "other",
    }
}

/// Counts a refused submission by channel and reason.
pub(crate) fn count_rejected_because(channel: &'static str, reason: &'static str) {
    metrics::counter!(
        tekmerkez_telemetry::metrics::names::APPLICATIONS_REJECTED,
        "channel" => channel,
        "reason" => reason,
    )
    .increment(1);
}

/// `router` with every refused POST counted as a rejection of `channel`:
/// the webhooks, the CTI and staff entry answer in many places (a bad
/// signature, a body that is not JSON, an unknown account, the bus down),
/// and the status they answer with is what the platform or caller saw.
fn counting_refusals(router: Router, channel: &'static str) -> Router {
    router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| async move {
            let post = req.method() == axum::http::Method::POST;
            let res = next.run(req).await;
            let status = res.status();
            if post && (status.is_client_error() || status.is_server_error()) {
                count_rejected_because(channel, refusal_reason(status));
            }
            res
        },
    ))
}

/// An HTTP error in the shared shape.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    errors: BTreeMap<String, Vec<String>>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error without field details.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            errors: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// 400 with one entry per field.
    pub fn invalid(v: &Violations) -> Self {
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in v.iter() {
            errors
                .entry(e.field.clone())
                .or_default()
                .push(e.rule.to_owned());
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            message: "the application has invalid fields".into(),
            errors,
            retry_after: None,
        }
    }

    /// The field violations, by field.
    pub fn field_errors(&self) -> impl Iterator<Item = (&str, &Vec<String>)> {
        self.errors.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The same error with another message (the field details stay).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The same error with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a `Retry-After` header.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "message": self.message, "errors": self.errors });
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = s.to_string().parse()
        {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
}
