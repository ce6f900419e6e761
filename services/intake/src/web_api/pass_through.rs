//! The HTTP APIs that answer with another service's data under the
//! caller's own API token (`/v1/reports/summary`, `/v1/audit`): the token
//! is passed on, never intake's, and the other service's gRPC refusal
//! becomes the API's answer.

use axum::http::{HeaderMap, StatusCode, header};

use crate::api_error::ApiError;

const NEEDS_TOKEN: &str = "a valid API token is needed: Authorization: Bearer <token>";

/// `msg` as a request carrying the caller's `Authorization: Bearer …`.
///
/// # Errors
/// 401 without a bearer token, or with one that is not readable.
pub(super) fn with_callers_token<T>(
    headers: &HeaderMap,
    msg: T,
) -> Result<tonic::Request<T>, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .filter(|v| {
            v.to_str()
                .is_ok_and(|s| s.starts_with("Bearer ") && s.len() > 7)
        })
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, NEEDS_TOKEN))?;
    let value = tonic::metadata::MetadataValue::try_from(token.as_bytes())
        .map_err(|_| ApiError::new(StatusCode::UNAUTHORIZED, "the token is not readable"))?;
    let mut req = tonic::Request::new(msg);
    req.metadata_mut().insert("authorization", value);
    Ok(req)
}

/// What to say when the other service refuses or fails.
pub(super) struct Refusals {
    /// To a caller whose role may not read it.
    pub forbidden: &'static str,
    /// Beside the invalid fields.
    pub invalid: &'static str,
    /// When it does not answer.
    pub unavailable: &'static str,
}

/// The other service's gRPC status as the API's answer: 401, 403, 400 with
/// each field the service named, or 503 with Retry-After.
pub(super) fn from_status(s: &tonic::Status, say: &Refusals) -> ApiError {
    use tonic_types::StatusExt as _;
    match s.code() {
        tonic::Code::Unauthenticated => ApiError::new(StatusCode::UNAUTHORIZED, NEEDS_TOKEN),
        tonic::Code::PermissionDenied => ApiError::new(StatusCode::FORBIDDEN, say.forbidden),
        tonic::Code::InvalidArgument => {
            let fields: Vec<(String, String)> = s
                .get_details_bad_request()
                .map(|b| {
                    b.field_violations
                        .into_iter()
                        .map(|f| (f.field, f.description))
                        .collect()
                })
                .unwrap_or_default();
            ApiError::invalid_fields(fields).with_message(say.invalid)
        }
        code => {
            tracing::warn!(?code, "the service behind the API did not answer");
            unavailable(say.unavailable)
        }
    }
}

/// 503 with Retry-After: 5.
pub(super) fn unavailable(message: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message).retry_after(5)
}
