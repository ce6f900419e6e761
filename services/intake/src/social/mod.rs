//! Social-media webhooks: WhatsApp Cloud API, Messenger, Instagram
//! Messaging and X direct messages become applications on
//! `intake.applications.v1` (channel `SOCIAL_MEDIA`, reply by phone
//! callback, as seed 001 says: "the customer is called back").
//!
//! | route | GET (handshake) | POST (events), signed with |
//! |---|---|---|
//! | `/webhooks/whatsapp` | `hub.mode`, `hub.verify_token`, `hub.challenge` | `X-Hub-Signature-256` |
//! | `/webhooks/messenger` | the same | the same |
//! | `/webhooks/instagram` | the same | the same |
//! | `/webhooks/x` | `crc_token` → `response_token` | `x-twitter-webhooks-signature` |
//!
//! A POST is checked in this order, and answered as the platforms expect:
//! no signature → 401; a wrong or malformed one → 403 (over the raw bytes,
//! constant time, before anything parses the body); a body that is not JSON
//! or not the documented shape → 400; a message for an account that is not
//! configured → 422 (the platform keeps retrying until ops add it, so nothing
//! is lost); the store or the bus failing → 503 (the platform retries). Only
//! when every message of the delivery is durable (published and acknowledged
//! by the bus, or held in intake's store) does it answer 200.
//!
//! Replays: a message id seen before is not published again (the answer is
//! still 200: a platform retries what it did not see acknowledged, and a
//! non-200 would only make it retry for days); a message older than the
//! channel's `max_message_age_minutes` (or implausibly far in the future) is
//! refused whatever its id, so a captured delivery cannot be replayed once
//! its ids are forgotten. What a conversation becomes — a new case, a
//! follow-up of its case, or held until a phone number arrives — is
//! [`store::ConversationStore`]'s.
//!
//! A held conversation is never dropped: the platform was answered 200 for
//! it. When its window passes without a phone number, [`SocialState::tidy`]
//! (every `housekeeping_interval_seconds`) makes it a case anyway: the held
//! texts joined into one application, reply channel `NO_CONTACT` ("no reply
//! can be sent: the citizen left no contact detail"), published with the id
//! and tracking number claimed for it, so a crash or a bus failure before
//! the store marks it only publishes the same application again. The texts
//! are erased once the bus acknowledged it, as for every published message.
//! Later messages of the conversation within the window follow that case up
//! as the citizen's notes — also one that finally gives a phone number (the
//! number is then in the note, for the agent).
//!
//! - [`parse`]: the payload parsers (no dependencies beyond serde, fuzzed).
//! - [`signature`]: HMAC-SHA256 checks and the handshakes' answers.
//! - [`store`]: conversations and message ids.
//! - [`phone`]: a phone number written into a message.
//! - [`settings`]: the `intake.social` block.

pub mod keyed;
pub mod parse;
pub mod phone;
pub mod settings;
pub mod signature;
pub mod store;

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use jiff::Timestamp;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::Bus;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_types::contact::{PersonName, PhoneNumber};
use tokio_util::sync::CancellationToken;

use crate::http::ApiError;
use parse::{Content, Inbound, ParseError, Parsed, Platform};
use settings::{AccountSettings, SocialSettings};
use signature::SignatureError;
use store::{ConversationStore, Expired, NewMessage, Origin, Planned, Recorded};

/// How far in the future a platform's timestamp may be (clock skew).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(10 * 60);

/// Held conversations claimed, and claimed applications published, per
/// housekeeping round at most (the next round takes the rest).
const EXPIRY_BATCH: i64 = 100;

/// The text of a held conversation whose messages carried none (a sticker,
/// a reaction): the case still opens, so the agent sees something came.
const NO_TEXT: &str = "[metin içermeyen ileti]";

/// What one housekeeping round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Held conversations whose window passed, claimed as applications.
    pub claimed: u64,
    /// Claimed applications published (and acknowledged) this round.
    pub published: u64,
    /// Claimed applications still waiting for the bus (or for their account
    /// to be configured): tried again next round.
    pub waiting: u64,
}

/// The social channels' shared state.
#[derive(Clone)]
pub struct SocialState(Arc<Inner>);

struct Inner {
    settings: SocialSettings,
    store: ConversationStore,
    publisher: keyed::KeyedPublisher,
}

impl std::fmt::Debug for SocialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialState").finish_non_exhaustive()
    }
}

impl SocialState {
    /// The state for `settings`, keeping conversations in intake's database
    /// at `database_url` and publishing to `bus`.
    ///
    /// # Errors
    /// An unparsable database URL.
    pub fn new(
        settings: &SocialSettings,
        database_url: &str,
        bus: Arc<dyn Bus>,
        publish_timeout: Duration,
    ) -> Result<Self, sqlx::Error> {
        Ok(Self(Arc::new(Inner {
            settings: settings.clone(),
            store: ConversationStore::connect(database_url)?,
            publisher: keyed::KeyedPublisher::new(bus, publish_timeout),
        })))
    }

    /// The store (tests read it).
    pub fn store(&self) -> &ConversationStore {
        &self.0.store
    }

    /// Whether any social channel is switched on.
    pub fn any_enabled(&self) -> bool {
        let s = &self.0.settings;
        s.whatsapp.enabled || s.messenger.enabled || s.instagram.enabled || s.x.enabled
    }

    /// Runs [`Self::tidy`] every `housekeeping_interval_seconds` until
    /// `shutdown`.
    pub async fn housekeeping(self, shutdown: CancellationToken) {
        let interval = self.0.settings.housekeeping_interval();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(interval) => {}
            }
            self.tidy(Timestamp::now().as_microsecond()).await;
        }
    }

    /// One housekeeping round at `now` (microseconds): held conversations
    /// whose window passed without a phone number become applications no
    /// reply can be sent to, claimed ones the bus has not acknowledged yet
    /// are published (again), and message ids past the longest replay
    /// horizon and idle conversations are forgotten. Failures are logged and
    /// left for the next round; nothing held is ever erased unpublished.
    pub async fn tidy(&self, now: i64) -> Tidied {
        let s = &self.0.settings;
        let window = micros(s.window());
        let mut done = Tidied::default();
        match self
            .0
            .store
            .expire_held(now - window, now, EXPIRY_BATCH)
            .await
        {
            Ok(n) => done.claimed = n,
            Err(e) => {
                tracing::warn!(error.message = %e, "claiming held social conversations failed; retried next round");
            }
        }
        match self.0.store.expired_unpublished(EXPIRY_BATCH).await {
            Ok(claims) => {
                let mut bus_down = false;
                for e in &claims {
                    if bus_down {
                        done.waiting += 1;
                        continue;
                    }
                    let Some(account) = origin_account(s, e) else {
                        tracing::error!(
                            application_id = %e.application_id,
                            platform = e.platform.as_deref().unwrap_or(""),
                            account = e.account_id.as_deref().unwrap_or(""),
                            "a held social conversation is for an account missing from intake.social; kept until it is configured"
                        );
                        done.waiting += 1;
                        continue;
                    };
                    match self.publish_expired(account, e).await {
                        Ok(()) => done.published += 1,
                        Err(()) => {
                            // The bus is down: the rest waits for the next round.
                            bus_down = true;
                            done.waiting += 1;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error.message = %e, "reading claimed social conversations failed; retried next round");
            }
        }
        self.purge(now).await;
        done
    }

    /// Publishes a claimed conversation and, once acknowledged, marks it.
    /// `Err` (logged) when the bus did not acknowledge it.
    async fn publish_expired(&self, account: &AccountSettings, e: &Expired) -> Result<(), ()> {
        let app = expired_application(&self.0.settings, account, e);
        let key = e.application_id.to_string();
        if let Err(err) = self.0.publisher.publish(&key, &app).await {
            tracing::warn!(
                application_id = %e.application_id,
                error.message = %err,
                error.cause_chain = ?err,
                "publishing a held social conversation failed; its texts are kept and it is published again"
            );
            return Err(());
        }
        if let Err(err) = self.0.store.mark_published(e.application_id).await {
            // On the bus already; the next round publishes the very same
            // application again, which routing and the case service take once.
            tracing::warn!(error.message = %err, "marking a held social conversation published failed");
        }
        tracing::info!(
            application_id = %e.application_id,
            platform = e.platform.as_deref().unwrap_or(""),
            messages = e.texts.len(),
            "a held social conversation without a phone number became a case no reply can be sent to"
        );
        Ok(())
    }

    /// Forgets message ids past the longest replay horizon and idle conversations.
    async fn purge(&self, now: i64) {
        let s = &self.0.settings;
        let max_age_min = [
            s.whatsapp.max_message_age_minutes,
            s.messenger.max_message_age_minutes,
            s.instagram.max_message_age_minutes,
            s.x.max_message_age_minutes,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let window = micros(s.window());
        let horizon =
            micros(Duration::from_secs(max_age_min * 60)) + micros(Duration::from_secs(3600));
        if let Err(e) = self
            .0
            .store
            .purge(now - horizon, now - window - horizon)
            .await
        {
            tracing::warn!(error.message = %e, "purging social conversations failed");
        }
    }
}

/// The account a claimed conversation's messages came to, by the origin its
/// messages kept.
fn origin_account<'a>(s: &'a SocialSettings, e: &Expired) -> Option<&'a AccountSettings> {
    let accounts = match e.platform.as_deref()? {
        "whatsapp" => &s.whatsapp.accounts,
        "messenger" => &s.messenger.accounts,
        "instagram" => &s.instagram.accounts,
        "x" => &s.x.accounts,
        _ => return None,
    };
    settings::account(accounts, e.account_id.as_deref()?)
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The routes of the enabled channels (none when all are off).
pub fn router(state: &SocialState) -> Router {
    let s = &state.0.settings;
    let mut r = Router::new();
    if s.whatsapp.enabled {
        r = r.route(
            "/webhooks/whatsapp",
            get(whatsapp_verify).post(whatsapp_event),
        );
    }
    if s.messenger.enabled {
        r = r.route(
            "/webhooks/messenger",
            get(messenger_verify).post(messenger_event),
        );
    }
    if s.instagram.enabled {
        r = r.route(
            "/webhooks/instagram",
            get(instagram_verify).post(instagram_event),
        );
    }
    if s.x.enabled {
        r = r.route("/webhooks/x", get(x_crc).post(x_event));
    }
    r.layer(axum::extract::DefaultBodyLimit::max(s.body_limit_bytes))
        .with_state(state.clone())
}

/// Which Meta channel a request is for.
#[derive(Clone, Copy)]
enum Meta {
    WhatsApp,
    Messenger,
    Instagram,
}

impl Meta {
    fn settings(self, s: &SocialSettings) -> &settings::MetaChannelSettings {
        match self {
            Self::WhatsApp => &s.whatsapp,
            Self::Messenger => &s.messenger,
            Self::Instagram => &s.instagram,
        }
    }

    fn parse(self, body: &[u8]) -> Result<Parsed, ParseError> {
        match self {
            Self::WhatsApp => parse::whatsapp::parse(body),
            Self::Messenger => parse::messenger::parse(body, Platform::Messenger),
            Self::Instagram => parse::messenger::parse(body, Platform::Instagram),
        }
    }
}

async fn whatsapp_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::WhatsApp, &q)
}
async fn messenger_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::Messenger, &q)
}
async fn instagram_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::Instagram, &q)
}
async fn whatsapp_event(State(s): State<SocialState>, headers: HeaderMap, body: Bytes) -> Response {
    meta_event(&s, Meta::WhatsApp, &headers, &body).await
}
async fn messenger_event(
    State(s): State<SocialState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    meta_event(&s, Meta::Messenger, &headers, &body).await
}
async fn instagram_event(
    State(s): State<SocialState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    meta_event(&s, Meta::Instagram, &headers, &body).await
}

fn bad_request(message: &str, field: &str, rule: &'static str) -> Response {
    let mut v = tekmerkez_types::fields::Violations::new();
    v.add(field, rule);
    let mut e = ApiError::invalid(&v);
    e = e.with_message(message);
    e.into_response()
}

/// The verification request: `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`
/// answered with the challenge when the token is ours, 403 otherwise.
fn meta_verify(s: &SocialState, which: Meta, q: &HashMap<String, String>) -> Response {
    let cfg = which.settings(&s.0.settings);
    let (Some(mode), Some(token), Some(challenge)) = (
        q.get("hub.mode"),
        q.get("hub.verify_token"),
        q.get("hub.challenge"),
    ) else {
        return bad_request(
            "a verification request needs hub.mode, hub.verify_token and hub.challenge",
            "hub.challenge",
            "is required",
        );
    };
    // The challenge is echoed back: only the digits and letters Meta sends,
    // never markup.
    if challenge.is_empty()
        || challenge.len() > 128
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return bad_request(
            "hub.challenge is not a challenge",
            "hub.challenge",
            "must be 1 to 128 letters or digits",
        );
    }
    let ours = cfg.verify_token.expose_secret().as_bytes();
    let token_ok: bool = subtle::ConstantTimeEq::ct_eq(token.as_bytes(), ours).into();
    if mode != "subscribe" || !token_ok {
        tracing::warn!(channel = which_name(which), "webhook verification refused");
        return ApiError::new(StatusCode::FORBIDDEN, "verification refused").into_response();
    }
    tracing::info!(channel = which_name(which), "webhook verified");
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        challenge.clone(),
    )
        .into_response()
}

fn which_name(w: Meta) -> &'static str {
    match w {
        Meta::WhatsApp => "whatsapp",
        Meta::Messenger => "messenger",
        Meta::Instagram => "instagram",
    }
}

fn signature_refused(e: SignatureError) -> Response {
    match e {
        SignatureError::Missing => {
            ApiError::new(StatusCode::UNAUTHORIZED, "the request is not signed").into_response()
        }
        SignatureError::Malformed | SignatureError::Mismatch => {
            ApiError::new(StatusCode::FORBIDDEN, "the signature is not valid").into_response()
        }
    }
}

async fn meta_event(s: &SocialState, which: Meta, headers: &HeaderMap, body: &[u8]) -> Response {
    let cfg = which.settings(&s.0.settings);
    let sig = headers
        .get("x-hub-signature-256")
        .map(|v| v.to_str().unwrap_or(""));
    if let Err(e) = signature::verify_meta(cfg.app_secret.expose_secret().as_bytes(), body, sig) {
        tracing::warn!(channel = which_name(which), reason = %e, "webhook refused");
        return signature_refused(e);
    }
    let parsed = match which.parse(body) {
        Ok(p) => p,
        Err(e) => return parse_refused(&e),
    };
    let channel = Channel {
        accounts: &cfg.accounts,
        secret: cfg.app_secret.expose_secret().as_bytes(),
        max_age: Duration::from_secs(cfg.max_message_age_minutes * 60),
    };
    deliver(s, &channel, parsed).await
}

fn parse_refused(e: &ParseError) -> Response {
    match e {
        ParseError::NotJson => bad_request("the body is not JSON", "body", "must be JSON"),
        ParseError::Shape(part) => {
            let mut err = ApiError::invalid(&{
                let mut v = tekmerkez_types::fields::Violations::new();
                v.add(*part, "does not have the documented shape");
                v
            });
            err = err.with_message("the body is not a documented webhook payload");
            err.into_response()
        }
    }
}

/// The CRC: `GET ?crc_token=…` → `{"response_token": "sha256=<base64 HMAC>"}`.
async fn x_crc(State(s): State<SocialState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(token) = q.get("crc_token") else {
        return bad_request("a CRC needs crc_token", "crc_token", "is required");
    };
    if token.is_empty() || token.len() > 512 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return bad_request(
            "crc_token is not a token",
            "crc_token",
            "must be 1 to 512 visible ASCII characters",
        );
    }
    let secret = s.0.settings.x.consumer_secret.expose_secret().as_bytes();
    Json(serde_json::json!({ "response_token": signature::sign_x(secret, token.as_bytes()) }))
        .into_response()
}

async fn x_event(State(s): State<SocialState>, headers: HeaderMap, body: Bytes) -> Response {
    let cfg = &s.0.settings.x;
    let sig = headers
        .get("x-twitter-webhooks-signature")
        .map(|v| v.to_str().unwrap_or(""));
    if let Err(e) = signature::verify_x(cfg.consumer_secret.expose_secret().as_bytes(), &body, sig)
    {
        tracing::warn!(channel = "x", reason = %e, "webhook refused");
        return signature_refused(e);
    }
    let parsed = match parse::x::parse(&body) {
        Ok(p) => p,
        Err(e) => return parse_refused(&e),
    };
    let channel = Channel {
        accounts: &cfg.accounts,
        secret: cfg.consumer_secret.expose_secret().as_bytes(),
        max_age: Duration::from_secs(cfg.max_message_age_minutes * 60),
    };
    deliver(&s, &channel, parsed).await
}

/// One platform's configuration for a delivery.
struct Channel<'a> {
    accounts: &'a [AccountSettings],
    /// Keys the conversation HMAC.
    secret: &'a [u8],
    max_age: Duration,
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

#[tracing::instrument(name = "intake.social.deliver", skip_all, fields(messages = parsed.messages.len()))]
async fn deliver(s: &SocialState, channel: &Channel<'_>, parsed: Parsed) -> Response {
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
    let sent_at = m
        .sent_at_ms
        .and_then(|ms| ms.checked_mul(1000))
        .unwrap_or(now);
    if now - sent_at > micros(channel.max_age) || sent_at - now > micros(MAX_CLOCK_SKEW) {
        tracing::warn!(
            platform = m.platform.as_str(),
            message_id = %m.message_id,
            "a message outside the accepted time window was refused as a replay"
        );
        return Ok(Done::Stale);
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
    let app = application(&s.0.settings, account, m, &plan, &text, &message_key)?;
    s.0.publisher.publish(&plan.bus_key, &app).await.map_err(|e| {
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

/// The application text of a message, in Turkish: the agent reads it.
fn render(c: &Content) -> String {
    let clean = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect()
    };
    match c {
        Content::Text(t) => clean(t),
        Content::Media { kind, caption } => {
            let what = match kind.as_str() {
                "image" => "fotoğraf",
                "video" => "video",
                "audio" => "ses kaydı",
                "document" | "file" => "belge",
                _ => "dosya",
            };
            match caption {
                Some(c) => format!("[{what} gönderildi; dosya platformda] {}", clean(c)),
                None => format!("[{what} gönderildi; dosya platformda]"),
            }
        }
        Content::Location { label, .. } => match label {
            Some(l) => format!("[konum paylaşıldı: {}]", clean(l)),
            None => "[konum paylaşıldı]".to_owned(),
        },
    }
}

/// The location a message shares, if any.
fn coordinates(c: &Content) -> Option<(f64, f64)> {
    match c {
        Content::Location {
            latitude,
            longitude,
            ..
        } => Some((*latitude, *longitude)),
        _ => None,
    }
}

fn ts(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: i32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    }
}

/// The bus message for a planned message. Deterministic in (payload, plan),
/// so a republish after a failure is byte-for-byte the first one.
fn application(
    settings: &SocialSettings,
    account: &AccountSettings,
    m: &Inbound,
    plan: &Planned,
    text: &str,
    message_key: &str,
) -> Result<pb::ApplicationReceived, ApiError> {
    let mut full: String = plan
        .earlier_texts
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(text))
        .collect::<Vec<_>>()
        .join("\n");
    if full.chars().count() > crate::application::MAX_TEXT {
        full = full.chars().take(crate::application::MAX_TEXT).collect();
    }
    let text = tekmerkez_types::text::parse_text("text", &full, crate::application::MAX_TEXT)
        .map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the message has no usable text",
            )
        })?;
    let name = m
        .sender_name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok());
    let coordinates = coordinates(&m.content).map(|(latitude, longitude)| common::Coordinates {
        latitude,
        longitude,
    });
    Ok(pb::ApplicationReceived {
        application_id: plan.application_id.to_string(),
        tracking_number: plan.tracking_number.clone(),
        channel: common::Channel::SocialMedia as i32,
        category: account.category.clone(),
        text,
        location: Some(common::Location {
            province_code: u32::from(account.province_code),
            district: String::new(),
            coordinates,
        }),
        contact: Some(common::Contact {
            name: name.map(|n| n.expose().to_owned()).unwrap_or_default(),
            phone: plan.phone.clone().unwrap_or_default(),
            email: String::new(),
            postal_address: String::new(),
        }),
        reply_channel: common::ReplyChannel::PhoneCallback as i32,
        consent: Some(common::Consent {
            text_version: settings.kvkk_text_version.trim().to_owned(),
            accepted_at: Some(ts(plan.sent_at)),
            special_category: false,
        }),
        received_at: Some(ts(plan.sent_at)),
        attachments: Vec::new(),
        information_only: false,
        information_answer: String::new(),
        source_reference: message_key.to_owned(),
        follow_up_of: plan.follow_up_of.clone().unwrap_or_default(),
        recorded_by: String::new(),
    })
}

/// The bus message for a held conversation whose window passed without a
/// phone number: its texts joined as the phone path joins them, no contact
/// but the name the platform gave, reply channel `NO_CONTACT`. Deterministic
/// in the claim, so a republish is byte-for-byte the first one.
fn expired_application(
    settings: &SocialSettings,
    account: &AccountSettings,
    e: &Expired,
) -> pb::ApplicationReceived {
    let mut full = e.texts.join("\n");
    if full.chars().count() > crate::application::MAX_TEXT {
        full = full.chars().take(crate::application::MAX_TEXT).collect();
    }
    let text = tekmerkez_types::text::parse_text("text", &full, crate::application::MAX_TEXT)
        .unwrap_or_else(|_| NO_TEXT.to_owned());
    let name = e
        .sender_name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok());
    pb::ApplicationReceived {
        application_id: e.application_id.to_string(),
        tracking_number: e.tracking_number.clone(),
        channel: common::Channel::SocialMedia as i32,
        category: account.category.clone(),
        text,
        location: Some(common::Location {
            province_code: u32::from(account.province_code),
            district: String::new(),
            coordinates: e
                .coordinates
                .map(|(latitude, longitude)| common::Coordinates {
                    latitude,
                    longitude,
                }),
        }),
        contact: Some(common::Contact {
            name: name.map(|n| n.expose().to_owned()).unwrap_or_default(),
            phone: String::new(),
            email: String::new(),
            postal_address: String::new(),
        }),
        reply_channel: common::ReplyChannel::NoContact as i32,
        consent: Some(common::Consent {
            text_version: settings.kvkk_text_version.trim().to_owned(),
            accepted_at: Some(ts(e.sent_at)),
            special_category: false,
        }),
        received_at: Some(ts(e.sent_at)),
        attachments: Vec::new(),
        information_only: false,
        information_answer: String::new(),
        source_reference: e.source_reference.clone(),
        follow_up_of: String::new(),
        recorded_by: String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
