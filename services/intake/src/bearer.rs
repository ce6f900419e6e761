//! The bearer tokens callers of intake's HTTP routes present (the gateway
//! for staff entry and the CTI lookup), compared in constant time.

use axum::http::HeaderMap;

/// Whether `headers` carry `Authorization: Bearer <expected>`. Compared in
/// constant time; an empty `expected` matches nothing.
pub fn presents(headers: &HeaderMap, expected: &str) -> bool {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    !expected.is_empty()
        && bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            expected.as_bytes(),
        ))
}
