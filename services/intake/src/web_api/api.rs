//! `POST /v1/applications`, `GET /v1/applications/{tracking_number}` and the
//! OpenAPI document.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use sha2::{Digest as _, Sha256};
use tekmerkez_proto::{case_v1 as pb, intake_v1 as pb_intake};
use tekmerkez_tracking::TrackingNumber;
use uuid::Uuid;

use super::{
    openapi::{ErrorBody, PublicStatus},
    state::WebState,
};
use crate::{
    api_error::ApiError,
    application::{self, ApplicationRequest},
    counters,
    idempotency::Remembered,
};

/// What an accepted application answers.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Accepted {
    /// `XXXXX-XXXXX`.
    #[schema(example = "7K2QF-9M3XA")]
    pub tracking_number: String,
    /// Always `received`: the application is durable on the bus.
    pub status: &'static str,
}

/// Validates, deduplicates by `key`, publishes, and only then answers.
#[tracing::instrument(name = "intake.accept", skip_all)]
pub(super) async fn accept(
    state: &WebState,
    req: &ApplicationRequest,
    key: Option<&str>,
    fingerprint: String,
) -> Result<Accepted, ApiError> {
    let internal = || ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    // Microseconds, as stored: a replay must rebuild the very same message.
    let now = jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond())
        .map_err(|_| internal())?;
    let fresh = Remembered {
        fingerprint,
        application_id: Uuid::now_v7(),
        tracking_number: TrackingNumber::generate().as_str().to_owned(),
        received_at_micros: now.as_microsecond(),
    };
    let tn = TrackingNumber::parse(&fresh.tracking_number).map_err(|_| internal())?;
    // Validate before remembering the key, so a rejected body never claims it.
    let mut app = application::parse(
        req,
        &state.categories,
        fresh.application_id,
        &tn,
        now,
        state.smtputf8,
    )
    .map_err(|v| ApiError::invalid(&v))?;
    let ids = match key {
        None => fresh.clone(),
        Some(key) => state.keys.remember(key, &fresh).await.map_err(|e| {
            tracing::error!(error.message = %e, "idempotency store failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable; retry",
            )
            .retry_after(1)
        })?,
    };
    if ids.fingerprint != fresh.fingerprint {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Idempotency-Key was already used for a different application",
        ));
    }
    if ids != fresh {
        // A repeat: publish again exactly what the first request made (same
        // ids, same time), so whichever copy arrives opens the one case.
        let first_tn = TrackingNumber::parse(&ids.tracking_number).map_err(|_| internal())?;
        let at =
            jiff::Timestamp::from_microsecond(ids.received_at_micros).map_err(|_| internal())?;
        app = application::parse(
            req,
            &state.categories,
            ids.application_id,
            &first_tn,
            at,
            state.smtputf8,
        )
        .map_err(|v| ApiError::invalid(&v))?;
    }
    let message = pb_intake::ApplicationReceived::from(app);
    state.publisher.publish(&message).await.map_err(|e| {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing an application failed; not acknowledged");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the application could not be recorded; retry").retry_after(1)
    })?;
    tracing::info!(application_id = %ids.application_id, channel = %req.channel, "application accepted");
    let shown = TrackingNumber::parse(&ids.tracking_number)
        .map(|t| t.to_string())
        .unwrap_or(ids.tracking_number);
    Ok(Accepted {
        tracking_number: shown,
        status: "received",
    })
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let s = v
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_graphic()));
    match s {
        Some(s) => Ok(Some(s.to_owned())),
        None => {
            let mut v = tekmerkez_types::fields::Violations::new();
            v.add(
                "Idempotency-Key",
                "must be 1 to 255 visible ASCII characters",
            );
            Err(ApiError::invalid(&v))
        }
    }
}

/// `POST /v1/applications`.
#[utoipa::path(
    post,
    path = "/v1/applications",
    operation_id = "submitApplication",
    summary = "Submit an application",
    params(
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
         description = "1 to 255 visible ASCII characters. The same key with the same body answers with the same tracking number and makes one case; with another body, 422. Keys are kept for 24 hours."),
    ),
    request_body(content = ApplicationRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Recorded", body = Accepted),
        (status = 400, description = "Invalid fields or body", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json in UTF-8 (another charset, another type)", body = ErrorBody),
        (status = 422, description = "Idempotency-Key reused for a different body", body = ErrorBody),
        (status = 429, description = "Rate-limited; see Retry-After", body = ErrorBody),
        (status = 503, description = "Not recorded; retry after Retry-After", body = ErrorBody),
    ),
)]
pub(super) async fn submit(
    State(state): State<WebState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut channel = "unknown";
    let result = async {
        crate::api_error::require_json(&headers)?;
        let key = idempotency_key(&headers)?;
        let req: ApplicationRequest = serde_json::from_slice(&body).map_err(|e| {
            let mut v = tekmerkez_types::fields::Violations::new();
            let rule = if e.is_syntax() || e.is_eof() {
                "must be valid JSON"
            } else {
                "has a field of the wrong type or an unknown field"
            };
            v.add("body", rule);
            ApiError::invalid(&v).with_message(format!(
                "the body is not a valid application (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        channel = counters::submitted_channel_label(&req.channel);
        let fingerprint = hex::encode(Sha256::digest(&body));
        accept(&state, &req, key.as_deref(), fingerprint).await
    }
    .await;
    match result {
        Ok(a) => (StatusCode::ACCEPTED, Json(a)).into_response(),
        Err(e) => {
            counters::count_rejected(channel, e.status());
            e.into_response()
        }
    }
}

/// The query of the status call.
#[derive(Debug, serde::Deserialize)]
pub(super) struct StatusQuery {
    #[serde(default)]
    phone_last4: String,
}

/// The public status: a dated timeline, no personal data.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Status)]
pub(super) struct StatusBody {
    tracking_number: String,
    #[schema(value_type = PublicStatus)]
    status: &'static str,
    #[schema(inline)]
    timeline: Vec<StatusStep>,
    /// The legal due date (Europe/Istanbul; the answer is due by the end of
    /// that day); absent when the application has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-04-01")]
    legal_due_date: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct StatusStep {
    #[schema(value_type = PublicStatus)]
    status: &'static str,
    #[schema(format = DateTime)]
    at: String,
}

/// The public name of a case status.
pub(super) fn public_status(s: i32) -> &'static str {
    match pb::CaseStatus::try_from(s) {
        Ok(pb::CaseStatus::InPool) => "received",
        Ok(pb::CaseStatus::Held) => "in_progress",
        Ok(pb::CaseStatus::AwaitingCallback) => "answered_awaiting_callback",
        Ok(pb::CaseStatus::Resolved) => "resolved",
        _ => "unknown",
    }
}

/// Looks a case up for the public; every kind of miss is the same `None`.
pub(super) async fn lookup(
    state: &WebState,
    tracking_number: &str,
    last4: &str,
) -> Result<Option<pb::TrackCaseResponse>, ApiError> {
    let req = tonic::Request::new(pb::TrackCaseRequest {
        tracking_number: tracking_number.to_owned(),
        phone_last4: last4.to_owned(),
        // Typed by whoever calls the API: a guess until proven right.
        digits_from_verified_phone: false,
    });
    match state.cases.clone().track_case(req).await {
        Ok(r) => Ok(Some(r.into_inner())),
        Err(s) if s.code() == tonic::Code::ResourceExhausted => {
            use tonic_types::StatusExt as _;
            let wait = s
                .get_details_retry_info()
                .and_then(|r| r.retry_delay)
                .map_or(3600, |d| d.as_secs().max(1));
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many wrong phone digits for this tracking number; lookups of it are locked until Retry-After (the link in the SMS or e-mail the applicant received shows the status without digits)",
            )
            .retry_after(wait))
        }
        Err(s)
            if matches!(
                s.code(),
                tonic::Code::NotFound | tonic::Code::InvalidArgument
            ) =>
        {
            Ok(None)
        }
        Err(s) => {
            tracing::warn!(code = ?s.code(), "case service status lookup failed");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "status is temporarily unavailable; retry",
            )
            .retry_after(2))
        }
    }
}

/// `GET /v1/applications/{tracking_number}?phone_last4=NNNN`.
#[utoipa::path(
    get,
    path = "/v1/applications/{tracking_number}",
    operation_id = "getApplicationStatus",
    summary = "The public status timeline of an application (no personal data)",
    params(
        ("tracking_number" = String, Path, example = "7K2QF-9M3XA"),
        ("phone_last4" = String, Query, pattern = "^[0-9]{4}$",
         description = "The last four digits of the applicant's phone number."),
    ),
    responses(
        (status = 200, description = "Found", body = StatusBody),
        (status = 400, description = "phone_last4 is not 4 digits", body = ErrorBody),
        (status = 404, description = "No such application, a mistyped number, or a wrong phone suffix (one answer for all)", body = ErrorBody),
        (status = 429, description = "Rate-limited: too many requests from this client address, or too many wrong phone digits for this tracking number (from any address: 10 an hour by default), after which its lookups are refused, right digits too, until Retry-After. The signed link in the SMS or e-mail the applicant received shows the status without digits and is never locked.", body = ErrorBody,
         headers(("Retry-After" = u64, description = "Seconds until a lookup may succeed"))),
        (status = 503, description = "The case service did not answer; retry after Retry-After", body = ErrorBody),
    ),
)]
pub(super) async fn status(
    State(state): State<WebState>,
    Path(tn): Path<String>,
    Query(q): Query<StatusQuery>,
) -> Response {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no application with that tracking number and phone",
        )
        .into_response()
    };
    if q.phone_last4.len() != 4 || !q.phone_last4.bytes().all(|b| b.is_ascii_digit()) {
        let mut v = tekmerkez_types::fields::Violations::new();
        v.add(
            "phone_last4",
            "must be the last 4 digits of the applicant's phone",
        );
        return ApiError::invalid(&v).into_response();
    }
    match lookup(&state, &tn, &q.phone_last4).await {
        Ok(Some(t)) => {
            let body = StatusBody {
                tracking_number: t.tracking_number,
                status: public_status(t.status),
                timeline: t
                    .timeline
                    .iter()
                    .map(|s| StatusStep {
                        status: public_status(s.status),
                        at: s
                            .occurred_at
                            .as_ref()
                            .and_then(|ts| jiff::Timestamp::new(ts.seconds, ts.nanos).ok())
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                    })
                    .collect(),
                legal_due_date: Some(t.legal_due_date).filter(|d| !d.is_empty()),
            };
            Json(body).into_response()
        }
        Ok(None) => not_found(),
        Err(e) => e.into_response(),
    }
}

/// `GET /openapi.json`: the document generated from these handlers.
pub(super) async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
}
