//! The application counters every channel shares: accepted by channel (once
//! the bus acknowledged), refused by channel and reason. The labels are a
//! fixed set, never a submitted value.

use axum::http::StatusCode;
use tekmerkez_proto::intake_v1 as pb;

/// The channel of `app` as a metric label (`web_form`, `email`, …): the
/// proto enum's name, a fixed set.
pub fn channel_label(channel: i32) -> String {
    tekmerkez_proto::common_v1::Channel::try_from(channel).map_or_else(
        |_| "unknown".to_owned(),
        |c| {
            c.as_str_name()
                .trim_start_matches("CHANNEL_")
                .to_ascii_lowercase()
        },
    )
}

/// Counts an application the bus acknowledged, by channel.
pub fn count_accepted(app: &pb::ApplicationReceived) {
    metrics::counter!(
        tekmerkez_telemetry::metrics::names::APPLICATIONS_ACCEPTED,
        "channel" => channel_label(app.channel),
    )
    .increment(1);
}

/// The channel submitted to the app API as a metric label: the API's own
/// names, or `unknown` (a client may send anything there).
pub fn submitted_channel_label(raw: &str) -> &'static str {
    match raw.trim() {
        "web_form" => "web_form",
        "mobile_app" => "mobile_app",
        _ => "unknown",
    }
}

/// Counts a refused submission of the app API or the web form by channel
/// and a reason named by its status.
pub fn count_rejected(channel: &'static str, status: StatusCode) {
    let reason = match status.as_u16() {
        400 => "invalid",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "idempotency_conflict",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "other",
    };
    count_rejected_because(channel, reason);
}

/// A channel route's refusal as the metrics name it (422 is an unknown
/// account or event there, not the API's idempotency conflict).
pub fn refusal_reason(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid",
        401 => "unauthenticated",
        403 => "forbidden",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "other",
    }
}

/// Counts a refused submission by channel and reason.
pub fn count_rejected_because(channel: &'static str, reason: &'static str) {
    metrics::counter!(
        tekmerkez_telemetry::metrics::names::APPLICATIONS_REJECTED,
        "channel" => channel,
        "reason" => reason,
    )
    .increment(1);
}
