//! The one HTTP error shape every route of intake answers with:
//! `{"message": "...", "errors": {"field": ["rule", ...]}}`, and
//! `Retry-After` when a retry can succeed. A refusal a client should act on
//! by kind (a rate limit) adds `"reason": "CTI_RATE_LIMITED"`, like the
//! `ErrorInfo` reason of a gRPC status.

use std::collections::BTreeMap;

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use tekmerkez_types::fields::Violations;

/// An HTTP error in the shared shape.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    errors: BTreeMap<String, Vec<String>>,
    retry_after: Option<u64>,
    reason: Option<&'static str>,
}

impl ApiError {
    /// An error without field details.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            errors: BTreeMap::new(),
            retry_after: None,
            reason: None,
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
            reason: None,
        }
    }

    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
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

    /// Adds a machine-readable `reason` (an `ErrorInfo`-like code).
    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
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
        let mut body = serde_json::json!({ "message": self.message, "errors": self.errors });
        if let Some(reason) = self.reason {
            body["reason"] = serde_json::Value::from(reason);
        }
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
