//! The delivery-report endpoint: providers tell notify what became of a
//! message they took, and the delivery log moves `sent → delivered` (or
//! `failed` with the provider's reason).
//!
//! `POST /v1/delivery-reports/webhook`, `Authorization: Bearer <the webhook
//! provider's token>` (with no token configured every report is refused), JSON
//! `{"id": "<provider reference>", "status": "delivered" | "failed" |
//! "expired" | "undeliverable", "error": "<code>"}` → `204` when recorded or
//! already final, `404` for a reference notify never sent, `400` for a body
//! that does not parse (the field named), `401` without the token. Netgsm's
//! reports are fetched from its report API instead (the poller that startup runs).

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

use crate::store::NotifyStore;

/// What the report endpoint needs.
#[derive(Clone)]
pub struct ReportState {
    /// The log.
    pub store: NotifyStore,
    /// The webhook provider's token; empty refuses every report.
    pub token: SecretString,
}

/// The report routes.
pub fn router(state: ReportState) -> Router {
    Router::new()
        .route("/v1/delivery-reports/webhook", post(webhook_report))
        .with_state(state)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    id: String,
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message_id: Option<String>,
}

fn problem(status: StatusCode, field: &str, rule: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"message": "invalid delivery report", "errors": {field: [rule]}})),
    )
        .into_response()
}

fn reason_code(s: &str) -> String {
    let code: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect();
    if code.is_empty() {
        "undeliverable".into()
    } else {
        code
    }
}

async fn webhook_report(
    State(state): State<ReportState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Without a configured token nobody may report: an open endpoint would
    // let anyone mark a citizen's message delivered or failed.
    let expected = state.token.expose_secret();
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if expected.is_empty() || !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let report: Report = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            // serde names the field it choked on; the value is never echoed.
            let field = e.to_string().split('`').nth(1).unwrap_or("body").to_owned();
            return problem(StatusCode::BAD_REQUEST, &field, "missing or malformed");
        }
    };
    let _ = report.message_id;
    if report.id.is_empty() || report.id.len() > 200 {
        return problem(
            StatusCode::BAD_REQUEST,
            "id",
            "must be the provider's reference",
        );
    }
    let failure = match report.status.as_str() {
        "delivered" => None,
        "failed" | "expired" | "undeliverable" | "rejected" => Some(
            report
                .error
                .as_deref()
                .map_or_else(|| report.status.clone(), reason_code),
        ),
        "accepted" | "queued" | "sent" => return StatusCode::NO_CONTENT.into_response(),
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "status",
                "must be delivered, failed, expired or undeliverable",
            );
        }
    };
    let now = jiff::Timestamp::now().as_microsecond();
    match state
        .store
        .report("webhook", &report.id, failure.as_deref(), now)
        .await
    {
        Ok(0) => match state.store.known_reference("webhook", &report.id).await {
            Ok(true) => StatusCode::NO_CONTENT.into_response(),
            Ok(false) => StatusCode::NOT_FOUND.into_response(),
            Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
        Ok(_) => {
            tracing::info!(
                provider = "webhook",
                failed = failure.is_some(),
                "delivery report recorded"
            );
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            tracing::warn!(error.message = %e, "recording a delivery report failed; the provider will retry");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
