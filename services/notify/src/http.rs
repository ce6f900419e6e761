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
//!
//! `POST /v1/inbound-sms/webhook`, the same bearer token: a citizen's SMS to
//! the provider's number (the webhook contract's inbound direction, see
//! [`crate::sms::webhook`]), JSON `{"id", "from", "to", "text",
//! "received_at"}`. A text that is the survey opt-out keyword
//! (`notify.survey.opt_out_keyword`, `RET`) puts the sender's number on the
//! opt-out list; anything else is ignored. `204` either way (the provider
//! must not retry a message it delivered), `400` naming a malformed field,
//! `401` without the token, `503` when the list cannot be written (the
//! provider retries).

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
    /// The survey opt-out list; `None` without a contact key (inbound
    /// messages are then only acknowledged).
    pub opt_outs: Option<crate::survey::OptOuts>,
}

/// The report and inbound-SMS routes.
pub fn router(state: ReportState) -> Router {
    Router::new()
        .route("/v1/delivery-reports/webhook", post(webhook_report))
        .route("/v1/inbound-sms/webhook", post(inbound_sms))
        .with_state(state)
}

/// An inbound SMS as the webhook contract delivers it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundSms {
    id: String,
    from: String,
    #[serde(default)]
    to: Option<String>,
    text: String,
    #[serde(default)]
    received_at: Option<String>,
}

fn authorised(state: &ReportState, headers: &HeaderMap) -> bool {
    let expected = state.token.expose_secret();
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

async fn inbound_sms(
    State(state): State<ReportState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Without a token nobody may post: anyone could opt numbers out.
    if !authorised(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let sms: InboundSms = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => {
            let field = e.to_string().split('`').nth(1).unwrap_or("body").to_owned();
            return problem(StatusCode::BAD_REQUEST, &field, "missing or malformed");
        }
    };
    let _ = (&sms.to, &sms.received_at);
    if sms.id.is_empty() || sms.id.len() > 200 {
        return problem(
            StatusCode::BAD_REQUEST,
            "id",
            "must be the provider's message id",
        );
    }
    if sms.text.chars().count() > 1600 {
        return problem(
            StatusCode::BAD_REQUEST,
            "text",
            "must be at most 1600 characters",
        );
    }
    let Some(opt_outs) = &state.opt_outs else {
        return StatusCode::NO_CONTENT.into_response();
    };
    if !opt_outs.is_keyword(&sms.text) {
        // A reply that is not the keyword: nobody reads this number.
        tracing::info!(keyword = false, "inbound SMS ignored");
        return StatusCode::NO_CONTENT.into_response();
    }
    match opt_outs
        .opt_out_phone(&sms.from, crate::survey::OptOutSource::SmsKeyword)
        .await
    {
        Ok(true) => {
            tracing::info!(keyword = true, "a citizen opted out of surveys by SMS");
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => problem(StatusCode::BAD_REQUEST, "from", "must be a phone number"),
        Err(e) => {
            tracing::warn!(error.message = %e, "recording an SMS opt-out failed; the provider will retry");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
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
    if !authorised(&state, &headers) {
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
