//! The one HTTP error shape every route of intake answers with:
//! `{"message": "...", "errors": {"field": ["rule", ...]}}`, and
//! `Retry-After` when a retry can succeed.
//!
//! Two pieces keep the edges of the API in that shape too:
//! [`require_json`] checks a body's declared type (JSON, and JSON is UTF-8:
//! RFC 8259), and [`json_errors`] rewrites the plain-text answers axum's
//! extractors and layers give before a handler runs (413 body too large, a
//! query or path that does not decode, 405, 404) into the shape, without
//! echoing anything the request carried.
//!
//! A refusal a client should act on by kind (a rate limit) adds
//! `"reason": "CTI_RATE_LIMITED"`, like the `ErrorInfo` reason of a gRPC
//! status.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::Request,
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
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

    /// 400 with the field violations another service gave (its rules are
    /// its own texts, not this crate's constants).
    pub fn invalid_fields(fields: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, rule) in fields {
            errors.entry(field).or_default().push(rule);
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            message: "the request has invalid fields".into(),
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

/// The rule a body declared as anything but JSON in UTF-8 breaks.
pub const JSON_ONLY: &str = "must be application/json (in UTF-8, the only charset of JSON)";

/// Checks that `Content-Type` declares JSON, in UTF-8 if a charset is named:
/// a body declared `charset=iso-8859-9` would otherwise be read as UTF-8
/// and its Turkish letters garbled or refused as bad JSON.
///
/// # Errors
/// 415 in the shared shape, naming `Content-Type`.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = declared.split(';');
    let essence_is_json = parts
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    let charset_is_utf8 = parts.all(|p| match p.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let v = value.trim().trim_matches('"');
            v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    });
    if essence_is_json && charset_is_utf8 {
        return Ok(());
    }
    let mut v = Violations::new();
    v.add("Content-Type", JSON_ONLY);
    Err(ApiError::invalid(&v)
        .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .with_message("the body must be JSON in UTF-8"))
}

/// Middleware: an error answer that is neither JSON nor a page (axum's
/// extractor rejections and its 404/405 are plain text or empty) becomes the
/// shared shape with the same status and headers (`Allow`, `Retry-After`).
/// The text axum wrote is dropped: it can quote the request (a serde message
/// names the value it could not read), and KVKK keeps requests out of
/// answers.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if kind.starts_with("application/json") || kind.starts_with("text/html") {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    let mut v = Violations::new();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            v.add("body", "is larger than this service takes");
            "the body is too large"
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            v.add("Content-Type", JSON_ONLY);
            "the body is not of a type this route takes"
        }
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            v.add(
                "request",
                "must be well-formed: a path and query that decode to UTF-8, and a readable body",
            );
            "the request could not be read"
        }
        StatusCode::NOT_FOUND => "no such route",
        StatusCode::METHOD_NOT_ALLOWED => "the route does not take this method",
        s if s.is_server_error() => "internal error",
        _ => "the request was refused",
    };
    let e = if v.is_empty() {
        ApiError::new(status, message)
    } else {
        ApiError::invalid(&v)
            .with_status(status)
            .with_message(message)
    };
    let mut fresh = e.into_response();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &parts.headers {
        fresh.headers_mut().entry(name).or_insert(value.clone());
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, t.parse().unwrap());
        h
    }

    #[test]
    fn json_is_json_in_utf8_and_nothing_else() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert!(require_json(&with_type(ok)).is_ok(), "{ok}");
        }
        for refused in [
            "application/json; charset=iso-8859-9",
            "application/json; charset=windows-1254",
            "application/jsonp",
            "application/json-seq",
            "text/plain",
            "",
        ] {
            let e = require_json(&with_type(refused)).unwrap_err();
            assert_eq!(e.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{refused}");
            assert!(e.field_errors().any(|(f, _)| f == "Content-Type"));
        }
        assert!(require_json(&HeaderMap::new()).is_err());
    }
}
