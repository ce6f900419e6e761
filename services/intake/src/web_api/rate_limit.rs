//! A token bucket per client address (GCRA through `governor`): a flood from
//! one client gets 429 with `Retry-After` while everyone else is served. The
//! client is read the way the gateway reads it (`tekmerkez_client_addr`):
//! behind the configured number of trusted proxies, the address the nearest
//! one recorded. The budget is generous (carrier-grade NAT); guessing a
//! status is stopped per tracking number by the case service instead.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock as _};
use tekmerkez_client_addr::ClientAddr;

use crate::{api_error::ApiError, counters};

/// Limits keyed by client IP.
#[derive(Clone, Debug)]
pub struct ClientLimiter {
    buckets: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    client: ClientAddr,
}

impl ClientLimiter {
    /// `per_minute` sustained, `burst` at once, per client as `client` reads it.
    pub fn new(per_minute: u32, burst: u32, client: ClientAddr) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self {
            buckets: Arc::new(RateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            )),
            client,
        }
    }

    /// Drops the state of clients that have been quiet (call periodically).
    pub fn shrink(&self) {
        self.buckets.retain_recent();
    }
}

/// Middleware: 429 when the client's bucket is empty.
pub async fn limit(
    State(limiter): State<ClientLimiter>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let client = limiter.client.client(addr.ip(), req.headers());
    match limiter.buckets.check_key(&client) {
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
