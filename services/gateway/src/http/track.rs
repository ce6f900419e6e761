//! The public tracking page (`/takip`, no sign-in): a citizen types the
//! tracking number and the last four digits of the phone given with the
//! application and sees the dated status timeline, with no personal data.
//! Every kind of miss (unknown number, wrong digits, malformed input, no
//! phone on the record) gets the same answer, and lookups are rate-limited
//! per client address and per tracking number, so neither one client nor
//! many together can walk the 10 000 possible digits.

use std::{net::SocketAddr, num::NonZeroU32, sync::Arc};

use axum::{
    Form,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse as _, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tekmerkez_proto::case_v1 as pb;

use super::{AppState, Frame, render};
use crate::{config::TrackingSettings, i18n::track::TrackTexts};

/// The two buckets a lookup must pass.
#[derive(Clone, Debug)]
pub struct TrackingLimits {
    proxy_hops: u8,
    per_client: Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>,
    per_number: Arc<DefaultKeyedRateLimiter<String>>,
}

impl TrackingLimits {
    /// The limits of `s`.
    pub fn new(s: &TrackingSettings) -> Self {
        let n = |v: u32| NonZeroU32::new(v).unwrap_or(NonZeroU32::MIN);
        Self {
            proxy_hops: s.trusted_proxy_hops,
            per_client: Arc::new(RateLimiter::keyed(
                Quota::per_minute(n(s.per_client_per_minute))
                    .allow_burst(n(s.per_client_per_minute)),
            )),
            per_number: Arc::new(RateLimiter::keyed(
                Quota::per_hour(n(s.per_number_per_hour)).allow_burst(n(s.per_number_per_hour)),
            )),
        }
    }

    /// Whether a lookup of `number` from `client` may go ahead (and counts it).
    fn allow(&self, client: std::net::IpAddr, number: &str) -> bool {
        self.per_client.check_key(&client).is_ok()
            && self.per_number.check_key(&number.to_owned()).is_ok()
    }

    /// The client's address: the connection's, or the one the trusted
    /// proxies recorded.
    fn client(&self, connection: std::net::IpAddr, headers: &HeaderMap) -> std::net::IpAddr {
        if self.proxy_hops == 0 {
            return connection;
        }
        let chain: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        chain
            .len()
            .checked_sub(usize::from(self.proxy_hops))
            .and_then(|i| chain.get(i))
            .and_then(|a| a.parse().ok())
            .unwrap_or(connection)
    }

    /// Forgets quiet clients and numbers (call now and then).
    pub fn shrink(&self) {
        self.per_client.retain_recent();
        self.per_number.retain_recent();
    }
}

struct Step {
    when: String,
    status: &'static str,
}

#[derive(askama::Template)]
#[template(path = "track.html")]
struct TrackPage {
    frame: Frame,
    t: &'static TrackTexts,
    tracking_number: String,
    found: Option<(String, &'static str)>,
    steps: Vec<Step>,
    message: Option<&'static str>,
    /// The official answer: only on a signed status link, never behind
    /// the digits (it may hold personal data).
    answer: Option<(String, String)>,
    /// The answer's words.
    sv: &'static crate::i18n::survey::SurveyTexts,
}

/// The page a signed status link opens (`/takip/d/…`, checked by the
/// caller): the timeline and, once resolved, the official answer.
pub(super) fn signed_status_page(frame: Frame, r: &pb::GetPublicStatusResponse) -> Response {
    let t = &frame.texts().track;
    let steps = r
        .timeline
        .iter()
        .map(|s| Step {
            when: super::record::when(s.occurred_at.as_ref()),
            status: t.status_name(s.status),
        })
        .collect();
    let answer = (!r.official_answer.trim().is_empty()).then(|| {
        (
            // Written by staff, possibly quoting the citizen: isolated.
            tekmerkez_types::text::isolate_bidi(&r.official_answer).into_owned(),
            super::record::when(r.resolved_at.as_ref()),
        )
    });
    render(&TrackPage {
        sv: &frame.texts().survey,
        t,
        tracking_number: r.tracking_number.clone(),
        found: Some((r.tracking_number.clone(), t.status_name(r.status))),
        steps,
        message: None,
        answer,
        frame,
    })
}

/// What the form posts (a POST keeps the digits out of addresses and logs).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct TrackForm {
    takip: String,
    son4: String,
}

/// The canonical tracking number (upper case, no spaces), if it can be one.
fn canonical(raw: &str) -> Option<String> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    (t.len() <= 16 && !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(t)
}

fn last4(raw: &str) -> Option<String> {
    let d = raw.trim();
    (d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit())).then(|| d.to_owned())
}

fn with_status(status: StatusCode, p: &TrackPage) -> Response {
    let mut r = render(p);
    *r.status_mut() = status;
    r
}

/// `GET /takip`.
pub(super) async fn form(frame: Frame) -> Response {
    render(&TrackPage {
        t: &frame.texts().track,
        sv: &frame.texts().survey,
        frame,
        tracking_number: String::new(),
        found: None,
        steps: Vec::new(),
        message: None,
        answer: None,
    })
}

/// `POST /takip`.
pub(super) async fn lookup(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<TrackForm>,
) -> Response {
    let frame = Frame::of(&headers);
    let (c, t) = (frame.c, &frame.texts().track);
    let shown: String = f.takip.chars().take(16).collect();
    let empty = |frame: Frame, status, message| {
        with_status(
            status,
            &TrackPage {
                sv: &frame.texts().survey,
                frame,
                t,
                tracking_number: shown.clone(),
                found: None,
                steps: Vec::new(),
                message: Some(message),
                answer: None,
            },
        )
    };
    if f.takip.trim().is_empty() || f.son4.trim().is_empty() {
        return empty(frame, StatusCode::UNPROCESSABLE_ENTITY, t.track_fill_both);
    }
    let number = canonical(&f.takip);
    if !state.tracking.allow(
        state.tracking.client(client.ip(), &headers),
        number.as_deref().unwrap_or("?"),
    ) {
        return empty(frame, StatusCode::TOO_MANY_REQUESTS, t.track_slow_down);
    }
    let (Some(number), Some(digits)) = (number, last4(&f.son4)) else {
        return empty(frame, StatusCode::NOT_FOUND, t.track_miss);
    };
    let req = state.backend.as_gateway(pb::TrackCaseRequest {
        tracking_number: number,
        phone_last4: digits,
    });
    match state.backend.cases().track_case(req).await {
        Ok(r) => {
            let r = r.into_inner();
            let steps = r
                .timeline
                .iter()
                .map(|s| Step {
                    when: super::record::when(s.occurred_at.as_ref()),
                    status: t.status_name(s.status),
                })
                .collect();
            let status = t.status_name(r.status);
            render(&TrackPage {
                sv: &frame.texts().survey,
                frame,
                t,
                tracking_number: r.tracking_number.clone(),
                found: Some((r.tracking_number, status)),
                steps,
                message: None,
                // Behind the digits: status only, never the answer.
                answer: None,
            })
        }
        Err(st)
            if matches!(
                st.code(),
                tonic::Code::NotFound | tonic::Code::InvalidArgument
            ) =>
        {
            empty(frame, StatusCode::NOT_FOUND, t.track_miss)
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "tracking lookup failed");
            empty(frame, StatusCode::SERVICE_UNAVAILABLE, c.unavailable)
        }
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_read_forgivingly_and_digits_strictly() {
        assert_eq!(canonical(" ab12c-3d4e5 ").as_deref(), Some("AB12C-3D4E5"));
        assert_eq!(canonical("<b>"), None);
        assert_eq!(canonical(""), None);
        assert_eq!(last4("1234").as_deref(), Some("1234"));
        assert_eq!(last4("123"), None);
        assert_eq!(last4("12a4"), None);
    }

    #[test]
    fn every_status_reads_in_the_citizens_words_in_both_languages() {
        use tekmerkez_proto::case_v1::CaseStatus;
        for t in [&crate::i18n::track::TR, &crate::i18n::track::EN] {
            let names: Vec<&str> = [
                CaseStatus::Unspecified,
                CaseStatus::InPool,
                CaseStatus::Held,
                CaseStatus::AwaitingCallback,
                CaseStatus::Resolved,
            ]
            .iter()
            .map(|s| t.status_name(*s as i32))
            .collect();
            for n in &names {
                assert!(!n.is_empty() && !n.contains('_'), "{n}");
                assert!(!["Havuzda", "In the pool"].contains(n), "desk words: {n}");
            }
            assert_eq!(
                t.status_name(99),
                t.status_name(0),
                "an unknown status is 'received'"
            );
        }
    }

    #[test]
    fn behind_one_proxy_the_client_is_the_last_forwarded_address() {
        let limits = |hops| {
            TrackingLimits::new(&TrackingSettings {
                per_client_per_minute: 1,
                per_number_per_hour: 1,
                trusted_proxy_hops: hops,
            })
        };
        let proxy: std::net::IpAddr = [10, 0, 0, 9].into();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        assert_eq!(
            limits(1).client(proxy, &h),
            std::net::IpAddr::from([203, 0, 113, 7])
        );
        assert_eq!(
            limits(2).client(proxy, &h),
            std::net::IpAddr::from([6, 6, 6, 6])
        );
        assert_eq!(
            limits(0).client(proxy, &h),
            proxy,
            "not trusted unless configured"
        );
        assert_eq!(
            limits(3).client(proxy, &h),
            proxy,
            "fewer entries than proxies"
        );
        assert_eq!(limits(1).client(proxy, &HeaderMap::new()), proxy);
    }

    #[test]
    fn one_number_is_limited_across_clients() {
        let l = TrackingLimits::new(&TrackingSettings {
            per_client_per_minute: 100,
            per_number_per_hour: 3,
            trusted_proxy_hops: 0,
        });
        let clients: Vec<std::net::IpAddr> = (1..=4)
            .map(|i| std::net::IpAddr::from([10, 0, 0, i]))
            .collect();
        let allowed = clients
            .iter()
            .filter(|c| l.allow(**c, "AB12C-3D4E5"))
            .count();
        assert_eq!(allowed, 3);
        assert!(l.allow(clients[0], "ZZ12C-3D4E5"));
    }
}
