//! The public tracking page (`/takip`, no sign-in): a citizen types the
//! tracking number and the last four digits of the phone given with the
//! application and sees the dated status timeline, with no personal data.
//! Every kind of miss (unknown number, wrong digits, malformed input, no
//! phone on the record) gets the same answer. Lookups are limited per client
//! address here, and wrong guesses per tracking number by the case service
//! (`TrackCase`, counted in its database for every replica and every route
//! together, keyed on the parsed number however it was typed), so neither
//! one client nor many together can walk the 10 000 possible digits. Once a
//! number is locked the page says so and points to the signed link the
//! citizen received, which needs no digits and is never counted.

use std::{net::SocketAddr, num::NonZeroU32, sync::Arc};

use axum::{
    Form,
    extract::{ConnectInfo, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse as _, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tekmerkez_client_addr::ClientAddr;
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_tracking::TrackingNumber;

use super::{AppState, Frame, render};
use crate::{config::TrackingSettings, i18n::track::TrackTexts};

/// The per-client bucket a lookup must pass (the per-number budget is the
/// case service's).
#[derive(Clone, Debug)]
pub struct TrackingLimits {
    client: ClientAddr,
    per_client: Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>,
}

impl TrackingLimits {
    /// The limits of `s`.
    pub fn new(s: &TrackingSettings) -> Self {
        let n = |v: u32| NonZeroU32::new(v).unwrap_or(NonZeroU32::MIN);
        Self {
            client: ClientAddr::new(s.trusted_proxy_hops),
            per_client: Arc::new(RateLimiter::keyed(
                Quota::per_minute(n(s.per_client_per_minute))
                    .allow_burst(n(s.per_client_per_minute)),
            )),
        }
    }

    /// The request's client: `connection`, or the address the trusted
    /// proxies in front of it name.
    pub fn client_of(&self, connection: std::net::IpAddr, headers: &HeaderMap) -> std::net::IpAddr {
        self.client.client(connection, headers)
    }

    /// Whether a lookup from the request's client may go ahead (and counts it).
    fn allow(&self, connection: std::net::IpAddr, headers: &HeaderMap) -> bool {
        let client = self.client.client(connection, headers);
        self.per_client.check_key(&client).is_ok()
    }

    /// Forgets quiet clients (call now and then).
    pub fn shrink(&self) {
        self.per_client.retain_recent();
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
    /// The legal due date, written out in the page's language.
    due: Option<String>,
    /// Outages in the application's district.
    outages: Vec<super::outages::OutageView>,
    /// The number asked about, when it was merged into the one shown:
    /// the sentence saying so.
    merged_from: Option<String>,
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
        due: t.long_date(&r.legal_due_date),
        outages: Vec::new(),
        merged_from: None,
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

/// The tracking number, however it was typed (case, dashes, spaces, `O`
/// for `0`), if it can be one.
fn canonical(raw: &str) -> Option<TrackingNumber> {
    // Bounded before parsing: nobody types a 10-symbol number in 40 characters.
    (raw.chars().count() <= 40)
        .then(|| TrackingNumber::parse(raw).ok())
        .flatten()
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
        due: None,
        outages: Vec::new(),
        merged_from: None,
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
                due: None,
                outages: Vec::new(),
                merged_from: None,
            },
        )
    };
    if f.takip.trim().is_empty() || f.son4.trim().is_empty() {
        return empty(frame, StatusCode::UNPROCESSABLE_ENTITY, t.track_fill_both);
    }
    if !state.tracking.allow(client.ip(), &headers) {
        return empty(frame, StatusCode::TOO_MANY_REQUESTS, t.track_slow_down);
    }
    let (Some(number), Some(digits)) = (canonical(&f.takip), last4(&f.son4)) else {
        return empty(frame, StatusCode::NOT_FOUND, t.track_miss);
    };
    let req = state.backend.as_gateway(pb::TrackCaseRequest {
        tracking_number: number.as_str().to_owned(),
        phone_last4: digits,
        // Typed on the page: a guess until proven right.
        digits_from_verified_phone: false,
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
            let province = u8::try_from(r.province_code).unwrap_or(0);
            let outages = if province == 0 || r.district.is_empty() {
                Vec::new()
            } else {
                let now = jiff::Timestamp::now();
                super::outages::outages(&state, province, &r.district)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|o| super::outages::view(&state, &frame, o, now))
                    .collect()
            };
            let merged_from = (!r.merged_from_tracking_number.is_empty()).then(|| {
                t.merged_from
                    .replace("{from}", &r.merged_from_tracking_number)
                    .replace("{to}", &r.tracking_number)
            });
            render(&TrackPage {
                merged_from,
                outages,
                sv: &frame.texts().survey,
                frame,
                t,
                tracking_number: r.tracking_number.clone(),
                found: Some((r.tracking_number, status)),
                steps,
                message: None,
                // Behind the digits: status only, never the answer.
                answer: None,
                due: t.long_date(&r.legal_due_date),
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
        Err(st) if st.code() == tonic::Code::ResourceExhausted => {
            let mut r = empty(frame, StatusCode::TOO_MANY_REQUESTS, t.track_locked);
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after(&st));
            r
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "tracking lookup failed");
            empty(frame, StatusCode::SERVICE_UNAVAILABLE, c.unavailable)
        }
    }
    .into_response()
}

/// Seconds until the case service will check the number's digits again.
fn retry_after(st: &tonic::Status) -> HeaderValue {
    use tonic_types::StatusExt as _;
    let secs = st
        .get_details_retry_info()
        .and_then(|r| r.retry_delay)
        .map_or(3600, |d| d.as_secs().max(1));
    HeaderValue::from(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_read_forgivingly_and_digits_strictly() {
        let tn = TrackingNumber::generate();
        let shown = tn.to_string();
        let spaced = format!(" {} ", shown.to_lowercase().replace('-', "-- -"));
        assert_eq!(canonical(&spaced), Some(tn.clone()));
        assert_eq!(canonical(&shown.replace('-', "")), Some(tn));
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
    fn the_per_client_limit_reads_the_client_behind_the_trusted_proxy() {
        let l = TrackingLimits::new(&TrackingSettings {
            per_client_per_minute: 1,
            trusted_proxy_hops: 1,
        });
        let proxy: std::net::IpAddr = [10, 0, 0, 9].into();
        let from = |a: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", a.parse().unwrap());
            h
        };
        assert!(l.allow(proxy, &from("203.0.113.7")));
        assert!(
            !l.allow(proxy, &from("6.6.6.6, 203.0.113.7")),
            "the same client"
        );
        assert!(l.allow(proxy, &from("203.0.113.8")), "another client");
    }
}
