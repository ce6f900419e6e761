//! A delivery's messages, each recorded and, once the bus acknowledged it,
//! answered for. A message for an account that is not configured refuses
//! the whole delivery with 422 before anything is recorded (the platform
//! keeps retrying until ops add it, so nothing is lost); the store or the
//! bus failing → 503 (the platform retries). Only when every message of
//! the delivery is durable (published and acknowledged by the bus, or held
//! in intake's store) does it answer 200.
//!
//! Replays: a message id seen before is not published again (the answer is
//! still 200: a platform retries what it did not see acknowledged, and a
//! non-200 would only make it retry for days); a message older than the
//! channel's `max_message_age_minutes` (or implausibly far in the future) is
//! refused whatever its id, so a captured delivery cannot be replayed once
//! its ids are forgotten. What a conversation becomes — a new case, a
//! follow-up of its case, or held until a phone number arrives — is
//! [`super::store::ConversationStore`]'s.

use std::time::Duration;

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use jiff::Timestamp;
use tekmerkez_proto::intake_v1 as pb;
use tekmerkez_types::contact::{PersonName, PhoneNumber};

use super::{
    application::{application, coordinates, render},
    housekeeping::origin_account,
    parse::{Content, Inbound, Parsed},
    phone,
    settings::{self, AccountSettings},
    state::{SocialState, micros},
    store::{NewMessage, Origin, Recorded},
};
use crate::{api_error::ApiError, signature};

/// How far in the future a platform's timestamp may be (clock skew).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(10 * 60);

/// One platform's configuration for a delivery.
pub(super) struct Channel<'a> {
    pub(super) accounts: &'a [AccountSettings],
    /// Keys the conversation HMAC.
    pub(super) secret: &'a [u8],
    pub(super) max_age: Duration,
}

/// What one delivery came to (the 200's body; platforms ignore it).
#[derive(Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Citizen messages in the delivery.
    pub messages: usize,
    /// Published as a new case or a follow-up.
    pub published: usize,
    /// Held until the conversation gives a phone number (or, failing that,
    /// its window passes and it becomes a case no reply can be sent to).
    pub held: usize,
    /// Seen before.
    pub duplicates: usize,
    /// Refused as too old or from the future.
    pub stale: usize,
    /// Not citizen messages (receipts, echoes, other fields).
    pub ignored: usize,
}

pub(super) async fn deliver(s: &SocialState, channel: &Channel<'_>, parsed: Parsed) -> Response {
    // Every account must be known before anything is recorded, so a refused
    // delivery leaves nothing half done.
    let mut accounts = Vec::with_capacity(parsed.messages.len());
    for m in &parsed.messages {
        match settings::account(channel.accounts, &m.account_id) {
            Some(a) => accounts.push(a),
            None => {
                tracing::error!(
                    platform = m.platform.as_str(),
                    account = %m.account_id,
                    "a message for an account missing from intake.social was refused; the platform retries it"
                );
                let mut v = tekmerkez_types::fields::Violations::new();
                v.add("account", "is not configured in intake.social");
                let mut e = ApiError::invalid(&v)
                    .with_message("a message is for an account this service does not handle");
                e = e.with_status(StatusCode::UNPROCESSABLE_ENTITY);
                return e.into_response();
            }
        }
    }
    let mut summary = Summary {
        messages: parsed.messages.len(),
        ignored: parsed.ignored,
        ..Summary::default()
    };
    let now = Timestamp::now().as_microsecond();
    for (m, account) in parsed.messages.iter().zip(accounts) {
        match one(s, channel, account, m, now).await {
            Ok(Done::Published) => summary.published += 1,
            Ok(Done::Held) => summary.held += 1,
            Ok(Done::Duplicate) => summary.duplicates += 1,
            Ok(Done::Stale) => summary.stale += 1,
            Ok(Done::Invisible) => summary.ignored += 1,
            Err(e) => return e.into_response(),
        }
    }
    tracing::info!(
        published = summary.published,
        held = summary.held,
        duplicates = summary.duplicates,
        stale = summary.stale,
        ignored = summary.ignored,
        "social delivery handled"
    );
    (StatusCode::OK, Json(summary)).into_response()
}

enum Done {
    Published,
    Held,
    Duplicate,
    Stale,
    /// Text that shows nothing.
    Invisible,
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "the message could not be recorded; retry",
    )
    .retry_after(1)
}

async fn one(
    s: &SocialState,
    channel: &Channel<'_>,
    account: &AccountSettings,
    m: &Inbound,
    now: i64,
) -> Result<Done, ApiError> {
    // The parsers bound the send time to years 2000..=9999, so in
    // microseconds it fits i64 and the differences below cannot overflow;
    // saturating all the same, so a parser bug refuses instead of panicking.
    let sent_at = m.sent_at_ms.saturating_mul(1000);
    if now.saturating_sub(sent_at) > micros(channel.max_age)
        || sent_at.saturating_sub(now) > micros(MAX_CLOCK_SKEW)
    {
        tracing::warn!(
            platform = m.platform.as_str(),
            message_id = %m.message_id,
            "a message outside the accepted time window was refused as a replay"
        );
        return Ok(Done::Stale);
    }
    // A message that shows nothing (only zero-width characters or a lone
    // combining mark) would open an empty-looking case: not a citizen's
    // message, acknowledged and dropped like a receipt.
    if let Content::Text(t) = &m.content
        && !tekmerkez_types::text::has_visible(t)
    {
        return Ok(Done::Invisible);
    }
    let text = render(&m.content);
    let phone = m
        .sender_phone
        .as_deref()
        .and_then(|p| PhoneNumber::parse(p).ok())
        .or_else(|| phone::find_phone(&text));
    let conversation_key = hex::encode(signature::hmac_sha256(
        channel.secret,
        format!("{}|{}|{}", m.platform.as_str(), m.account_id, m.sender_id).as_bytes(),
    ));
    let message_key = format!("{}:{}", m.platform.as_str(), m.message_id);
    let tracking = tekmerkez_tracking::TrackingNumber::generate();
    let sender_name = m
        .sender_name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok());
    let recorded = s
        .0
        .store
        .record(NewMessage {
            message_key: &message_key,
            conversation_key: &conversation_key,
            sent_at,
            now,
            phone: phone.as_ref().map(PhoneNumber::expose),
            needs_phone: s.0.settings.reply == settings::SocialReply::PhoneCallback,
            text: &text,
            window: micros(s.0.settings.window()),
            new_tracking_number: tracking.as_str(),
            origin: Origin {
                platform: m.platform.as_str(),
                account_id: &m.account_id,
                sender_name: sender_name.as_ref().map(PersonName::expose),
                coordinates: coordinates(&m.content),
            },
        })
        .await
        .map_err(|e| {
            tracing::error!(error.message = %e, "recording a social message failed; not acknowledged");
            unavailable()
        })?;
    let plan = match recorded {
        Recorded::Duplicate => return Ok(Done::Duplicate),
        Recorded::Held => {
            tracing::info!(
                platform = m.platform.as_str(),
                "social message held until a phone number arrives"
            );
            return Ok(Done::Held);
        }
        Recorded::Publish(p) | Recorded::Republish(p) => p,
    };
    if let Some(e) = &plan.opens_first {
        // The case this message follows up was claimed from held messages
        // and is not acknowledged yet: it goes first, or routing would open
        // the follow-up as a case of its own.
        let account = origin_account(&s.0.settings, e).unwrap_or(account);
        s.publish_expired(account, e)
            .await
            .map_err(|()| unavailable())?;
    }
    let app = pb::ApplicationReceived::from(application(
        &s.0.settings,
        account,
        m,
        &plan,
        &text,
        &message_key,
    )?);
    s.0.publisher.publish_keyed(&plan.bus_key, &app).await.map_err(|e| {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing a social message failed; not acknowledged");
        unavailable()
    })?;
    if let Err(e) = s.0.store.mark_published(plan.application_id).await {
        // The application is on the bus; a retry would publish the very same
        // one again, which routing and the case service take once.
        tracing::warn!(error.message = %e, "marking a social message published failed");
    }
    tracing::info!(
        application_id = %plan.application_id,
        follow_up = plan.follow_up_of.is_some(),
        platform = m.platform.as_str(),
        "social message accepted"
    );
    Ok(Done::Published)
}
