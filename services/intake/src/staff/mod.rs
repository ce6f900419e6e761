//! Staff entry: applications that staff record on a citizen's behalf — a
//! call-centre agent during a call (an information-only call too), front
//! office staff for a letter, a counter visit or an online video meeting.
//! The gateway's entry screens post them here; they become the same
//! `ApplicationReceived` as every other channel's, carrying who recorded
//! them (`recorded_by`), and the answer (with the tracking number for the
//! receipt) comes only once the bus has acknowledged the publish.
//!
//! | route | who | what |
//! |---|---|---|
//! | `POST /v1/staff/applications` | the gateway: `Authorization: Bearer <intake.staff.token>`, `X-Tekmerkez-Acting-User: <user id>`, `Idempotency-Key` | one application ([`StaffApplication`]) → 202 [`Recorded`] |
//!
//! The gateway has signed the person in and checked their role; intake
//! trusts its token for who is acting (as the case service does, ADR 0001),
//! and the case service opens the record as theirs only when that user may
//! record applications (ADR 0005). The idempotency key is the entry form's
//! one-time id, so a form sent twice (a double click, a retry after a
//! timeout) records one application and answers the same tracking number.
//!
//! Rules beyond the web form's ([`crate::application`]): the channel is
//! `phone`, `written`, `face_to_face` or `video`; a counter visit needs its
//! queue ticket number; an information-only application (not a letter,
//! which is always answered) carries what the citizen was told and is
//! resolved at once; special-category data (health and the like, KVKK
//! art. 6) needs the citizen's explicit consent
//! (`kvkk_consent.special_category`).

pub mod settings;

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use secrecy::ExposeSecret as _;
use sha2::{Digest as _, Sha256};
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::{catalogue::Category, fields::Violations, text::parse_text};
use uuid::Uuid;

use crate::{
    api_error::ApiError,
    application::{self, Applicant, ApplicationRequest, MAX_TEXT, NewApplication},
    bearer,
    idempotency::{IdempotencyStore, Remembered},
    publish::Publisher,
};
pub use settings::StaffSettings;

/// Staff entry's state.
#[derive(Clone)]
pub struct StaffState {
    settings: StaffSettings,
    publisher: Publisher,
    /// The entry forms' one-time ids (in the idempotency store the app API
    /// uses, under keys of their own).
    keys: IdempotencyStore,
    categories: Arc<Vec<Category>>,
    /// Whether the mail relay takes non-ASCII addresses (`notify.email.smtputf8`).
    smtputf8: bool,
}

impl std::fmt::Debug for StaffState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffState").finish_non_exhaustive()
    }
}

impl StaffState {
    /// The state for `settings`.
    pub fn new(
        settings: StaffSettings,
        publisher: Publisher,
        keys: IdempotencyStore,
        categories: Arc<Vec<Category>>,
        smtputf8: bool,
    ) -> Self {
        Self {
            settings,
            publisher,
            keys,
            categories,
            smtputf8,
        }
    }
}

/// Longest queue ticket number or reference.
const MAX_REFERENCE: usize = tekmerkez_types::limits::REFERENCE;

/// The JSON body of `POST /v1/staff/applications`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffApplication {
    /// `phone`, `written`, `face_to_face` or `video`.
    #[serde(default)]
    pub channel: String,
    /// A category code.
    #[serde(default)]
    pub category: String,
    /// The application type's code (`talep` … `tesekkur`), as the staff
    /// member classified it with the citizen; empty leaves it to routing.
    #[serde(default)]
    pub application_type: String,
    /// The application as the citizen put it.
    #[serde(default)]
    pub text: String,
    /// Province name or plate code.
    #[serde(default)]
    pub province: String,
    /// District name.
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub applicant: Applicant,
    /// `sms`, `phone`, `email` or `letter`.
    #[serde(default)]
    pub reply_channel: String,
    /// The KVKK consent the citizen gave (the notice read out or handed over).
    pub kvkk_consent: Option<StaffConsent>,
    /// Whether the application involves special-category personal data
    /// (health, disability and the like): then explicit consent is required.
    #[serde(default)]
    pub special_category_data: bool,
    /// Information only: the citizen was answered at once.
    #[serde(default)]
    pub information_only: bool,
    /// What the citizen was told, for an information-only application.
    #[serde(default)]
    pub information_answer: String,
    /// The counter's queue ticket number (`face_to_face` only, required there).
    #[serde(default)]
    pub queue_ticket: String,
    /// The letter's incoming document number, the video meeting's id, or
    /// the CTI call id of the call (optional).
    #[serde(default)]
    pub reference: String,
}

/// The consent as staff record it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffConsent {
    /// The notice version shown or read out.
    #[serde(default)]
    pub text_version: String,
    /// Whether the citizen accepted it.
    #[serde(default)]
    pub accepted: bool,
    /// Whether the citizen gave explicit consent to the processing of
    /// special-category data.
    #[serde(default)]
    pub special_category: bool,
}

/// What a recorded application answers: what the receipt prints.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// `XXXXX-XXXXX`.
    pub tracking_number: String,
    pub application_id: String,
    /// When it was recorded (RFC 3339, UTC).
    pub received_at: String,
    /// When the consent was recorded, if any (RFC 3339, UTC).
    pub consent_accepted_at: Option<String>,
    /// Always `received`: the application is durable on the bus.
    pub status: String,
}

fn channel(raw: &str) -> Option<common::Channel> {
    match raw {
        "phone" => Some(common::Channel::Phone),
        "written" => Some(common::Channel::Written),
        "face_to_face" => Some(common::Channel::FaceToFace),
        "video" => Some(common::Channel::Video),
        _ => None,
    }
}

/// A queue ticket or reference: 1 to 64 visible characters, no controls.
fn reference(v: &mut Violations, field: &str, raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > MAX_REFERENCE || t.chars().any(char::is_control) {
        v.add(field, "must be 1 to 64 characters without line breaks");
        return None;
    }
    Some(t.to_owned())
}

/// Parses a staff application into a new application (`smtputf8`: whether
/// the mail relay takes non-ASCII addresses).
///
/// # Errors
/// Every violation found, the web form's rules and the staff rules together.
pub fn parse(
    req: &StaffApplication,
    categories: &[Category],
    recorded_by: Uuid,
    application_id: Uuid,
    tracking_number: &TrackingNumber,
    now: jiff::Timestamp,
    smtputf8: bool,
) -> Result<NewApplication, Violations> {
    // The fields a staff entry shares with the web form are checked by the
    // web form's rules, so every channel accepts the same applications.
    let shared = ApplicationRequest {
        channel: "web_form".into(),
        category: req.category.clone(),
        application_type: req.application_type.clone(),
        text: req.text.clone(),
        province: req.province.clone(),
        district: req.district.clone(),
        applicant: req.applicant.clone(),
        reply_channel: req.reply_channel.clone(),
        kvkk_consent: req.kvkk_consent.as_ref().map(|c| application::KvkkConsent {
            text_version: c.text_version.clone(),
            accepted: c.accepted,
        }),
        attachments: Vec::new(),
        // Staff entry takes no neighbourhood or point (yet).
        ..ApplicationRequest::default()
    };
    let mut v = Violations::new();
    let parsed = application::parse(
        &shared,
        categories,
        application_id,
        tracking_number,
        now,
        smtputf8,
    );
    let mut message = match parsed {
        Ok(m) => Some(m),
        Err(e) => {
            for f in e.iter() {
                v.push(f.clone());
            }
            None
        }
    };
    let channel = channel(req.channel.trim());
    if channel.is_none() {
        v.add("channel", "must be phone, written, face_to_face or video");
    }
    let ticket = reference(&mut v, "queue_ticket", &req.queue_ticket);
    match channel {
        Some(common::Channel::FaceToFace)
            if ticket.is_none() && req.queue_ticket.trim().is_empty() =>
        {
            v.add("queue_ticket", "is required for a counter visit");
        }
        Some(c) if c != common::Channel::FaceToFace && ticket.is_some() => {
            v.add("queue_ticket", "is only for a counter visit");
        }
        _ => {}
    }
    let reference = reference(&mut v, "reference", &req.reference);
    let answer = if req.information_only {
        if channel == Some(common::Channel::Written) {
            v.add(
                "information_only",
                "is not for a letter: a letter is always answered",
            );
        }
        v.check(parse_text(
            "information_answer",
            &req.information_answer,
            MAX_TEXT,
        ))
    } else {
        if !req.information_answer.trim().is_empty() {
            v.add(
                "information_answer",
                "is only for an information-only application",
            );
        }
        None
    };
    let consent = req.kvkk_consent.as_ref();
    if req.special_category_data && !consent.is_some_and(|c| c.accepted && c.special_category) {
        v.add(
            "kvkk_consent.special_category",
            "must be true: special-category data needs the citizen's explicit consent",
        );
    }
    if consent.is_some_and(|c| c.special_category) && !req.special_category_data {
        v.add(
            "special_category_data",
            "must be true when explicit consent for special-category data is recorded",
        );
    }
    let Some(m) = message.as_mut() else {
        return Err(v);
    };
    // What the expert must see with the text: the ticket or the reference.
    let mut text = m.text.clone();
    let channel_line = match channel {
        Some(common::Channel::FaceToFace) => ticket.as_ref().map(|t| format!("Sıra numarası: {t}")),
        _ => None,
    };
    let reference_line = reference.as_ref().map(|r| match channel {
        Some(common::Channel::Written) => format!("Gelen evrak no: {r}"),
        Some(common::Channel::Video) => format!("Görüntülü görüşme no: {r}"),
        Some(common::Channel::Phone) => format!("Çağrı no: {r}"),
        _ => format!("Referans: {r}"),
    });
    for line in [channel_line, reference_line].into_iter().flatten() {
        text.push('\n');
        text.push_str(&line);
    }
    if text.chars().count() > MAX_TEXT {
        v.add("text", "is too long with the ticket or reference added");
    }
    v.clone().into_result()?;
    let Some(channel) = channel else {
        return Err(v);
    };
    m.channel = channel;
    m.text = text;
    if let Some(c) = m.consent.as_mut() {
        c.special_category = req.special_category_data;
    }
    m.information_answer = answer;
    m.source_reference = match (channel, &ticket, &reference) {
        (common::Channel::FaceToFace, Some(t), _) => Some(format!("staff:queue:{t}")),
        (_, _, Some(r)) => Some(format!("staff:{}:{r}", req.channel.trim())),
        _ => None,
    };
    m.recorded_by = Some(recorded_by);
    Ok(m.clone())
}

/// The routes (none when staff entry is off).
pub fn router(state: &StaffState) -> Router {
    if !state.settings.enabled {
        return Router::new();
    }
    Router::new()
        .route("/v1/staff/applications", post(submit))
        .with_state(state.clone())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn rfc3339(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `POST /v1/staff/applications`.
#[tracing::instrument(
    name = "intake.staff.submit",
    skip_all,
    fields(application_id, channel)
)]
async fn submit(State(state): State<StaffState>, headers: HeaderMap, body: Bytes) -> Response {
    match accept(&state, &headers, &body).await {
        Ok(r) => (StatusCode::ACCEPTED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn accept(
    state: &StaffState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Recorded, ApiError> {
    // The gateway's token.
    if !bearer::presents(headers, state.settings.token.expose_secret()) {
        tracing::warn!("staff entry refused: not the gateway's token");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated"));
    }
    let mut v = Violations::new();
    let user = header(headers, "x-tekmerkez-acting-user").and_then(|u| Uuid::parse_str(u).ok());
    if user.is_none() {
        v.add(
            "X-Tekmerkez-Acting-User",
            "must name the signed-in user (UUID)",
        );
    }
    let key = header(headers, "idempotency-key")
        .filter(|k| !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_graphic()));
    if key.is_none() {
        v.add(
            "Idempotency-Key",
            "must be the entry form's id (1 to 128 visible ASCII characters)",
        );
    }
    crate::api_error::require_json(headers)?;
    let (Some(user), Some(key)) = (user, key) else {
        return Err(ApiError::invalid(&v));
    };
    let req: StaffApplication = serde_json::from_slice(body).map_err(|e| {
        let mut v = Violations::new();
        v.add(
            "body",
            if e.is_syntax() || e.is_eof() {
                "must be valid JSON"
            } else {
                "has a field of the wrong type or an unknown field"
            },
        );
        ApiError::invalid(&v)
    })?;
    let internal = || ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    // Microseconds, as stored: a replay rebuilds the very same message.
    let now = jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond())
        .map_err(|_| internal())?;
    let fresh = Remembered {
        fingerprint: hex::encode(Sha256::digest(body)),
        application_id: Uuid::now_v7(),
        tracking_number: TrackingNumber::generate().as_str().to_owned(),
        received_at_micros: now.as_microsecond(),
    };
    let tn = TrackingNumber::parse(&fresh.tracking_number).map_err(|_| internal())?;
    // Checked before the key is taken, so a refused form can be corrected
    // and sent again with the same id.
    parse(
        &req,
        &state.categories,
        user,
        fresh.application_id,
        &tn,
        now,
        state.smtputf8,
    )
    .map_err(|v| ApiError::invalid(&v))?;
    // One person's form ids never meet another's.
    let ids = state
        .keys
        .remember(&format!("staff:{user}:{key}"), &fresh)
        .await
        .map_err(|e| {
            tracing::error!(error.message = %e, "idempotency store failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable; retry",
            )
            .retry_after(1)
        })?;
    if ids.fingerprint != fresh.fingerprint {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "this entry form was already sent with other content",
        ));
    }
    let first_tn = TrackingNumber::parse(&ids.tracking_number).map_err(|_| internal())?;
    let at = jiff::Timestamp::from_microsecond(ids.received_at_micros).map_err(|_| internal())?;
    let message = pb::ApplicationReceived::from(
        parse(
            &req,
            &state.categories,
            user,
            ids.application_id,
            &first_tn,
            at,
            state.smtputf8,
        )
        .map_err(|v| ApiError::invalid(&v))?,
    );
    tracing::Span::current()
        .record("application_id", message.application_id.as_str())
        .record("channel", req.channel.trim());
    state.publisher.publish(&message).await.map_err(|e| {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing a staff entry failed; not acknowledged");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the application could not be recorded; retry")
            .retry_after(1)
    })?;
    tracing::info!(application_id = %ids.application_id, "staff entry accepted");
    Ok(Recorded {
        tracking_number: first_tn.to_string(),
        application_id: ids.application_id.to_string(),
        received_at: rfc3339(ids.received_at_micros),
        consent_accepted_at: message
            .consent
            .as_ref()
            .map(|_| rfc3339(ids.received_at_micros)),
        status: "received".into(),
    })
}

#[cfg(test)]
mod tests;
