//! A token bucket per client address (GCRA through `governor`): a flood from
//! one client gets 429 with `Retry-After` while everyone else is served.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock as _};

use crate::{api_error::ApiError, counters};

/// Limits keyed by client IP.
#[derive(Clone, Debug)]
pub struct ClientLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl ClientLimiter {
    /// `per_minute` sustained, `burst` at once.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(
            Quota::per_minute(per_minute).allow_burst(burst),
        )))
    }

    /// Drops the state of clients that have been quiet (call periodically).
    pub fn shrink(&self) {
        self.0.retain_recent();
    }
}

/// Middleware: 429 when the client's bucket is empty.
pub async fn limit(
    State(limiter): State<ClientLimiter>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    match limiter.0.check_key(&addr.ip()) {
        Ok(()) => next.run(req).await,
        Err(not_until) => {
            if req.method() == axum::http::Method::POST {
                let channel = if req.uri().path() == "/basvuru" {
                    "web_form"
                } else {
                    "unknown"
                };
                counters::count_rejected(channel, StatusCode::TOO_MANY_REQUESTS);
            }
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests; slow down",
            )
            .retry_after(wait.as_secs().max(1))
            .into_response()
        }
    }
}
