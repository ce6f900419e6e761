//! The phone channel's machine side: the CTI/IVR platform reports calls to
//! `POST /v1/cti/events`, IVR self-service records (an outage report) open
//! an application (channel `PHONE`) at once, and the call-centre screen
//! asks who is calling and what they applied for before. An IVR record is
//! answered by SMS when the caller rang from a mobile, and by a callback
//! when from a landline or an `0850` line (an SMS cannot reach those).
//!
//! | route | who | what |
//! |---|---|---|
//! | `POST /v1/cti/events` | the CTI/IVR platform, signed | `call.offered`, `call.ended`, `ivr.record`, `survey.score` ([`event`]) |
//! | `GET /v1/cti/calls/{call_id}` | the gateway, `Bearer lookup_token` | the call, its IVR steps, the caller's earlier applications |
//! | `GET /v1/cti/agents/{user}/call` | the same | the call currently offered to that agent |
//! | `POST /v1/cti/outages` | the IVR, signed | the outages of the caller's district or subscriber number ([`outages`]) |
//!
//! Events are signed like this: `X-Tekmerkez-Timestamp: <Unix seconds>` and
//! `X-Tekmerkez-Signature: sha256=<hex HMAC-SHA256(signing_secret,
//! "<timestamp>.<raw body>")>`; a timestamp further than
//! `max_skew_seconds` from now is refused, so a captured request cannot be
//! replayed later, and each `event_id` is taken once (a retry gets the first
//! answer, the same id with other content 422). Unsigned: 401; a bad
//! signature or stale timestamp: 403; bad JSON, an unknown `type` or bad
//! fields: 400 naming them. The signing client's events are limited
//! (`rate_limit_per_second`, `rate_limit_burst`): beyond, 429 with
//! `Retry-After` and `"reason": "CTI_RATE_LIMITED"`.
//!
//! An IVR record is published once: the store marks it published when the
//! bus acknowledged it, and a replay (after a lost answer, an intake
//! restart, on another replica) answers the first tracking number and
//! publishes and counts nothing. Until then one request at a time holds
//! its publishing lease in the store, so concurrent replays wait (503,
//! `Retry-After: 1`) rather than publish it twice.
//!
//! A `survey.score` (the IVR asked the caller to rate an application's
//! handling, 1 to 5) is recorded on that application's case through the
//! case service's `RecordSurveyResponse` (source IVR, keyed by the event id,
//! so a CTI retry records nothing new): 200 `{"status": "recorded"}`; 404
//! for a tracking number no case has; 409 when the case's survey was
//! already answered (one answer per case).
//!
//! The earlier applications come from the caller index: a consumer group of
//! intake's own topic (`intake-caller-index` on `intake.applications.v1`)
//! records every application that carries a phone number, whatever channel
//! took it, under an HMAC of the number (`caller_index_key`), so the index
//! holds no number. Their current status is read from the case service
//! (`TrackCase`, which intake may call with the number's last four digits).

pub mod event;
pub mod outages;
pub mod settings;
pub mod store;

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter, clock::Clock as _};
use jiff::Timestamp;
use prost::Message as _;
use secrecy::ExposeSecret as _;
use sha2::{Digest as _, Sha256};
use tekmerkez_bus::{
    Bus, Envelope,
    consumer::{self, HandleError, Handler},
};
use tekmerkez_proto::{case_v1 as case, common_v1 as common, intake_v1 as pb};
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::{
    contact::{Contact, PhoneNumber},
    fields::Violations,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use tekmerkez_case_client::CaseClient;

use crate::{
    api_error::ApiError,
    application::{Consent, NewApplication, Place, at_micros},
    bearer,
    publish::{APPLICATIONS_TOPIC, Publisher},
    signature,
};
use event::{Event, EventError, IvrSelection};
use settings::CtiSettings;
use store::{Call, CtiStore, SeenEvent};

/// The consumer group of the caller index.
pub const CALLER_INDEX_GROUP: &str = "intake-caller-index";

/// The `reason` of a 429 for a signing client over its budget.
pub const CTI_RATE_LIMITED: &str = "CTI_RATE_LIMITED";

/// The CTI side's shared state.
#[derive(Clone)]
pub struct CtiState(Arc<Inner>);

struct Inner {
    /// The caller index consumes intake's own topic from it.
    bus: Arc<dyn Bus>,
    settings: CtiSettings,
    /// The signing client's event budget (one signing secret, so one
    /// client); checked after the signature, so nobody without the secret
    /// can spend it. Per replica.
    limiter: DefaultDirectRateLimiter,
    /// How long a request may hold an IVR record's publishing lease: past
    /// the publisher's timeout, so a live publish is never overtaken.
    publish_lease: Duration,
    store: CtiStore,
    publisher: Publisher,
    cases: CaseClient,
    /// The outages the IVR's question reads.
    incidents: tekmerkez_case_client::IncidentClient,
    /// Places a subscriber number.
    directory: Box<dyn outages::SubscriberDirectory>,
    categories: Vec<String>,
}

impl std::fmt::Debug for CtiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CtiState").finish_non_exhaustive()
    }
}

impl CtiState {
    /// The state for `settings`.
    ///
    /// # Errors
    /// An unparsable database URL, or a subscriber directory client that
    /// cannot be built.
    pub fn new(
        settings: &crate::IntakeSettings,
        publisher: Publisher,
        case_service: &tekmerkez_case_client::Connection,
        bus: Arc<dyn Bus>,
    ) -> anyhow::Result<Self> {
        let cti = &settings.cti;
        let quota = Quota::per_second(
            NonZeroU32::new(cti.rate_limit_per_second).unwrap_or(NonZeroU32::MIN),
        )
        .allow_burst(NonZeroU32::new(cti.rate_limit_burst).unwrap_or(NonZeroU32::MIN));
        Ok(Self(Arc::new(Inner {
            bus,
            settings: settings.cti.clone(),
            limiter: RateLimiter::direct(quota),
            publish_lease: settings.publish_timeout() + Duration::from_secs(5),
            store: CtiStore::connect(settings.database_url.expose_secret())?,
            publisher,
            cases: case_service.cases(),
            incidents: case_service.incidents(),
            directory: outages::directory(&cti.subscriber_directory)?,
            categories: settings.categories.iter().map(|c| c.code.clone()).collect(),
        })))
    }

    /// Whether the endpoint is switched on.
    pub fn enabled(&self) -> bool {
        self.0.settings.enabled
    }

    /// The store (tests read it).
    pub fn store(&self) -> &CtiStore {
        &self.0.store
    }

    /// Runs the caller index and the purge until `shutdown` (only when the
    /// endpoint is on).
    pub async fn run_background(self, shutdown: CancellationToken) {
        if !self.enabled() {
            return;
        }
        let bus = self.0.bus.clone();
        let purge = tokio::spawn(self.clone().housekeeping(shutdown.child_token()));
        let handler = Arc::new(CallerIndexer(self.clone()));
        loop {
            match bus.subscribe(CALLER_INDEX_GROUP, APPLICATIONS_TOPIC).await {
                Ok(sub) => {
                    let stats = consumer::run(
                        sub,
                        bus.clone(),
                        handler,
                        consumer::Options::default(),
                        shutdown.child_token(),
                    )
                    .await;
                    tracing::info!(handled = stats.handled, "caller index stopped");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error.message = %e, "caller index cannot subscribe yet; retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        }
        let _ = purge.await;
    }

    async fn housekeeping(self, shutdown: CancellationToken) {
        let s = &self.0.settings;
        let hour = 3_600_000_000i64;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(Duration::from_secs(300)) => {}
            }
            let now = Timestamp::now().as_microsecond();
            let calls = now - hour * i64::try_from(s.call_retention_hours).unwrap_or(24);
            let index = now - hour * 24 * i64::try_from(s.caller_history_days).unwrap_or(365);
            if let Err(e) = self.0.store.purge(calls, now - hour * 24 * 7, index).await {
                tracing::warn!(error.message = %e, "purging the CTI store failed");
            }
        }
    }

    fn phone_hash(&self, phone: &PhoneNumber) -> String {
        hex::encode(signature::hmac_sha256(
            self.0.settings.caller_index_key.expose_secret().as_bytes(),
            phone.expose().as_bytes(),
        ))
    }
}

/// The routes (none when the endpoint is off).
pub fn router(state: &CtiState) -> Router {
    if !state.enabled() {
        return Router::new();
    }
    Router::new()
        .route("/v1/cti/events", post(receive))
        .route("/v1/cti/outages", post(outages::ask))
        .route("/v1/cti/calls/{call_id}", get(call_by_id))
        .route("/v1/cti/agents/{agent}/call", get(call_of_agent))
        .with_state(state.clone())
}

fn event_refused(e: &EventError) -> Response {
    let mut v = Violations::new();
    for (f, r) in &e.violations {
        v.add(f.clone(), r);
    }
    ApiError::invalid(&v)
        .with_message(e.message)
        .into_response()
}

/// 429 when the signing client is over `intake.cti.rate_limit_*`.
fn over_budget(s: &CtiState) -> Option<Response> {
    let not_until = s.0.limiter.check().err()?;
    let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
    tracing::warn!("CTI event refused: the signing client is over its rate limit");
    Some(
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many CTI events; slow down",
        )
        .with_reason(CTI_RATE_LIMITED)
        .retry_after(wait.as_secs().max(1))
        .into_response(),
    )
}

fn unavailable() -> Response {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "the event could not be recorded; retry",
    )
    .retry_after(1)
    .into_response()
}

/// Checks the timestamp and signature headers over the raw body.
fn authenticate(
    s: &CtiSettings,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(ts), Some(sig)) = (
        header("x-tekmerkez-timestamp"),
        header("x-tekmerkez-signature"),
    ) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the request is not signed",
        ));
    };
    let forbidden = |m: &str| Err(ApiError::new(StatusCode::FORBIDDEN, m));
    let Ok(seconds) = ts.trim().parse::<i64>() else {
        return forbidden("X-Tekmerkez-Timestamp must be Unix seconds");
    };
    // `abs_diff` cannot overflow, whatever i64 the header holds
    // (`now - i64::MIN` panicked in debug builds and wrapped in release).
    if now.as_second().abs_diff(seconds) > s.max_skew_seconds {
        return forbidden("the request's timestamp is outside the accepted window");
    }
    let mut signed = Vec::with_capacity(ts.len() + 1 + body.len());
    signed.extend_from_slice(ts.trim().as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    match signature::verify_meta(
        s.signing_secret.expose_secret().as_bytes(),
        &signed,
        Some(sig),
    ) {
        Ok(()) => Ok(()),
        Err(_) => forbidden("the signature is not valid"),
    }
}

/// The signature headers for `body` at `timestamp` (Unix seconds), as the
/// CTI platform sends them: for stand-ins, tests and the README's curl.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> (String, String) {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    (timestamp.to_string(), signature::sign_meta(secret, &signed))
}

#[tracing::instrument(name = "intake.cti.event", skip_all, fields(event_type, call_id))]
async fn receive(State(s): State<CtiState>, headers: HeaderMap, body: Bytes) -> Response {
    let now = Timestamp::now();
    if let Err(r) = authenticate(&s.0.settings, &headers, &body, now) {
        tracing::warn!("CTI event refused: not signed as configured");
        return r.into_response();
    }
    if let Some(r) = over_budget(&s) {
        return r;
    }
    let event = match event::parse(&body) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(reason = e.message, "CTI event refused");
            return event_refused(&e);
        }
    };
    let head = event.head().clone();
    tracing::Span::current().record("call_id", head.call_id.as_str());
    // An IVR record is checked whole before its id is taken, so a refused
    // record can be corrected and sent again under the same id.
    let record = match &event {
        Event::IvrRecord { .. } => match ivr_record(&s, &event) {
            Ok(r) => Some(r),
            Err(r) => return r.into_response(),
        },
        _ => None,
    };
    let micros_now = now.as_microsecond();
    let fresh = SeenEvent {
        fingerprint: hex::encode(Sha256::digest(&body)),
        application_id: record.as_ref().map(|_| Uuid::now_v7()),
        tracking_number: record
            .as_ref()
            .map(|_| TrackingNumber::generate().as_str().to_owned()),
        received_at: micros_now,
        published_at: None,
    };
    let lease_until = record.as_ref().map(|_| lease_end(&s, micros_now));
    let seen = match s
        .0
        .store
        .remember_event(&head.event_id, &fresh, lease_until)
        .await
    {
        Ok(seen) => seen,
        Err(e) => {
            tracing::error!(error.message = %e, "CTI store failed");
            return unavailable();
        }
    };
    if seen.fingerprint != fresh.fingerprint {
        let mut v = Violations::new();
        v.add("event_id", "must be unique per event");
        return ApiError::invalid(&v)
            .with_message("event_id was already used for a different event")
            .with_status(StatusCode::UNPROCESSABLE_ENTITY)
            .into_response();
    }
    match event {
        Event::CallOffered {
            caller_number,
            dialled_number,
            queue,
            agent,
            ivr_selections,
            ..
        } => {
            tracing::Span::current().record("event_type", "call.offered");
            let call = Call {
                call_id: head.call_id.clone(),
                // A number that is not Turkish cannot be called back or
                // matched; the screen shows it as withheld.
                caller_phone: caller_number
                    .as_deref()
                    .and_then(|n| PhoneNumber::parse(n).ok())
                    .map(|p| p.expose().to_owned()),
                agent,
                queue: queue.or(dialled_number),
                ivr_selections,
                offered_at: Some(head.occurred_at_micros),
                ended_at: None,
                disposition: None,
            };
            if let Err(e) = s.0.store.call_offered(&call, micros_now).await {
                tracing::error!(error.message = %e, "CTI store failed");
                return unavailable();
            }
            Json(serde_json::json!({ "status": "recorded" })).into_response()
        }
        Event::CallEnded {
            disposition,
            duration_seconds,
            ..
        } => {
            tracing::Span::current().record("event_type", "call.ended");
            call_ended(&s, &head, disposition, duration_seconds, micros_now).await
        }
        Event::SurveyScore {
            tracking_number,
            score,
            ..
        } => {
            tracing::Span::current().record("event_type", "survey.score");
            record_survey_score(&s, &tracking_number, score, &head.event_id).await
        }
        Event::IvrRecord { .. } => {
            tracing::Span::current().record("event_type", "ivr.record");
            let first = seen.application_id == fresh.application_id;
            let (Some(r), Some(id), Some(tn)) = (record, seen.application_id, seen.tracking_number)
            else {
                return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
                    .into_response();
            };
            if seen.published_at.is_some() {
                // A replay of a published record: the first answer, and
                // nothing on the bus or in the counts.
                tracing::info!(application_id = %id, "IVR record replayed; already published");
                return record_accepted(&tn);
            }
            // The first request holds the lease it inserted the event with;
            // a retry of one whose publish failed or died takes it over.
            if !first {
                match s
                    .0
                    .store
                    .claim_publication(&head.event_id, micros_now, lease_end(&s, micros_now))
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => {
                        // Another request (on any replica) is publishing it
                        // now, or just did: the retry gets its answer.
                        return ApiError::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "this event is being recorded; retry",
                        )
                        .retry_after(1)
                        .into_response();
                    }
                    Err(e) => {
                        tracing::error!(error.message = %e, "CTI store failed");
                        return unavailable();
                    }
                }
            }
            publish_record(&s, r, id, &tn, seen.received_at, &head.event_id).await
        }
    }
}

/// Records a call's end and publishes it for the reports' call figures
/// (`intake.calls.v1`); answered only once the bus has it, so a call is
/// never lost from the counts: a failed publish is a 503 the CTI retries,
/// and the retry publishes the same event id, counted once.
async fn call_ended(
    s: &CtiState,
    head: &event::Head,
    disposition: event::Disposition,
    duration_seconds: Option<u32>,
    now: i64,
) -> Response {
    let stored = match s
        .0
        .store
        .call_ended(
            &head.call_id,
            head.occurred_at_micros,
            disposition.as_str(),
            now,
        )
        .await
    {
        Ok(()) => s.0.store.call(&head.call_id).await,
        Err(e) => Err(e),
    };
    let call = match stored {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error.message = %e, "CTI store failed");
            return unavailable();
        }
    };
    let rfc3339 = |micros: i64| {
        Timestamp::from_microsecond(micros)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    let message = pb::CallCompleted {
        event_id: head.event_id.clone(),
        call_id: head.call_id.clone(),
        queue: call
            .as_ref()
            .and_then(|c| c.queue.clone())
            .unwrap_or_default(),
        offered_at: rfc3339(
            call.as_ref()
                .and_then(|c| c.offered_at)
                .unwrap_or(head.occurred_at_micros),
        ),
        ended_at: rfc3339(head.occurred_at_micros),
        disposition: match disposition {
            event::Disposition::Answered => pb::CallDisposition::Answered,
            event::Disposition::Abandoned => pb::CallDisposition::Abandoned,
            event::Disposition::IvrCompleted => pb::CallDisposition::IvrCompleted,
            event::Disposition::Transferred => pb::CallDisposition::Transferred,
        } as i32,
        duration_seconds,
    };
    if let Err(e) = s.0.publisher.publish_call(&message).await {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing a call's end failed; not acknowledged");
        return unavailable();
    }
    Json(serde_json::json!({ "status": "recorded" })).into_response()
}

/// Records the IVR's satisfaction score on the case of `tracking_number`.
async fn record_survey_score(
    s: &CtiState,
    tracking_number: &str,
    score: u32,
    event_id: &str,
) -> Response {
    let Ok(tn) = TrackingNumber::parse(tracking_number) else {
        let mut v = Violations::new();
        v.add("tracking_number", "must be a valid tracking number");
        return ApiError::invalid(&v)
            .with_message("the CTI event has invalid fields")
            .into_response();
    };
    let req = tonic::Request::new(case::RecordSurveyResponseRequest {
        case_id: String::new(),
        tracking_number: tn.as_str().to_owned(),
        score,
        comment: String::new(),
        source: case::SurveySource::Ivr as i32,
        idempotency_key: format!("cti:{event_id}"),
    });
    match s.0.cases.clone().record_survey_response(req).await {
        Ok(r) => {
            tracing::info!(case_id = %r.get_ref().case_id, created = r.get_ref().created, "IVR survey score recorded");
            Json(serde_json::json!({ "status": "recorded" })).into_response()
        }
        Err(st) => match st.code() {
            tonic::Code::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "no application has this tracking number",
            )
            .into_response(),
            tonic::Code::AlreadyExists => ApiError::new(
                StatusCode::CONFLICT,
                "the survey of this application was already answered",
            )
            .into_response(),
            tonic::Code::InvalidArgument => {
                let mut v = Violations::new();
                v.add("score", "must be 1 to 5");
                ApiError::invalid(&v)
                    .with_message("the CTI event has invalid fields")
                    .into_response()
            }
            code => {
                tracing::error!(
                    ?code,
                    "recording an IVR survey score failed; not acknowledged"
                );
                unavailable()
            }
        },
    }
}

/// An IVR record, checked and resolved against the settings.
struct Record {
    category: String,
    text: String,
    province: u8,
    district: Option<String>,
    phone: PhoneNumber,
    occurred_at: i64,
}

fn ivr_record(s: &CtiState, e: &Event) -> Result<Record, ApiError> {
    let Event::IvrRecord {
        head,
        caller_number,
        record,
        province_code,
        district,
        ivr_selections,
    } = e
    else {
        let mut v = Violations::new();
        v.add("type", "must be ivr.record");
        return Err(ApiError::invalid(&v));
    };
    let cfg = &s.0.settings;
    let mut v = Violations::new();
    let kind = cfg.record(record);
    if kind.is_none() {
        v.add(
            "record",
            "must be one of the IVR records in intake.cti.ivr_records",
        );
    }
    let province =
        tekmerkez_geo::province_by_code(province_code.unwrap_or(cfg.default_province_code));
    if province.is_none() {
        v.add("province_code", "must be a plate code from 1 to 81");
    }
    let mut district_name = None;
    if let (Some(p), Some(d)) = (province, district.as_deref()) {
        match p.find_district(d) {
            Some(found) => district_name = Some(found.to_owned()),
            None => v.add("district", "must be a district of the province"),
        }
    }
    let phone = PhoneNumber::parse(caller_number).ok();
    if phone.is_none() {
        v.add(
            "caller_number",
            "must be a Turkish phone number (the reply is an SMS or a callback)",
        );
    }
    if !v.is_empty() {
        return Err(ApiError::invalid(&v).with_message("the IVR record has invalid fields"));
    }
    let (Some(kind), Some(province), Some(phone)) = (kind, province, phone) else {
        return Err(ApiError::invalid(&v));
    };
    if !s.0.categories.contains(&kind.category) {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
        ));
    }
    Ok(Record {
        category: kind.category.clone(),
        text: record_text(&kind.text, ivr_selections),
        province: province.code(),
        district: district_name,
        phone,
        occurred_at: head.occurred_at_micros,
    })
}

/// The record's text with the IVR steps, so the expert sees what was chosen.
fn record_text(text: &str, steps: &[IvrSelection]) -> String {
    if steps.is_empty() {
        return text.trim().to_owned();
    }
    let path = steps
        .iter()
        .map(|s| format!("{} → {}", s.menu.trim(), s.choice.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{}\nIVR seçimleri: {path}", text.trim())
}

async fn publish_record(
    s: &CtiState,
    r: Record,
    application_id: Uuid,
    tracking_number: &str,
    received_at: i64,
    event_id: &str,
) -> Response {
    // An SMS reaches only a mobile: a caller on a landline is called back.
    let reply = if r.phone.is_mobile() {
        common::ReplyChannel::Sms
    } else {
        common::ReplyChannel::PhoneCallback
    };
    let app = NewApplication {
        id: application_id,
        tracking_number: Some(tracking_number.to_owned()),
        channel: common::Channel::Phone,
        category: r.category,
        // Chosen in the IVR menu.
        category_is_default: false,
        text: r.text,
        place: Place {
            province_code: r.province,
            district: r.district,
            neighbourhood: None,
            coordinates: None,
        },
        contact: Contact {
            phone: Some(r.phone),
            ..Contact::default()
        },
        reply,
        consent: Some(Consent {
            text_version: s.0.settings.kvkk_text_version.trim().to_owned(),
            accepted_at: at_micros(r.occurred_at),
            special_category: false,
        }),
        received_at: at_micros(received_at),
        attachments: Vec::new(),
        information_answer: None,
        source_reference: Some(format!("cti:{event_id}")),
        follow_up_of: None,
        recorded_by: None,
        application_type: common::ApplicationType::Unspecified,
        partner: None,
    };
    let message = pb::ApplicationReceived::from(app);
    if let Err(e) = s.0.publisher.publish(&message).await {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing an IVR record failed; not acknowledged");
        if let Err(e) = s.0.store.release_publication(event_id).await {
            // The lease runs out by itself; the retry waits for it.
            tracing::warn!(error.message = %e, "releasing an IVR record's publishing lease failed");
        }
        return unavailable();
    }
    if let Err(e) =
        s.0.store
            .mark_published(event_id, Timestamp::now().as_microsecond())
            .await
    {
        // Acknowledged by the bus all the same; a replay would publish the
        // same application again, which routing takes once.
        tracing::error!(error.message = %e, "marking an IVR record published failed");
    }
    tracing::info!(%application_id, "IVR record accepted");
    record_accepted(tracking_number)
}

/// When a publishing lease taken at `now` (microseconds) runs out.
fn lease_end(s: &CtiState, now: i64) -> i64 {
    now.saturating_add(i64::try_from(s.0.publish_lease.as_micros()).unwrap_or(i64::MAX))
}

/// 202 with the tracking number, as the IVR reads it out.
fn record_accepted(tracking_number: &str) -> Response {
    let shown = TrackingNumber::parse(tracking_number)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| tracking_number.to_owned());
    (
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "tracking_number": shown, "status": "received" })),
    )
        .into_response()
}

/// The gateway's lookup token (at least 32 characters whenever the routes
/// are served).
fn lookup_allowed(s: &CtiState, headers: &HeaderMap) -> bool {
    bearer::presents(headers, s.0.settings.lookup_token.expose_secret())
}

async fn call_by_id(
    State(s): State<CtiState>,
    headers: HeaderMap,
    Path(call_id): Path<String>,
) -> Response {
    if !lookup_allowed(&s, &headers) {
        return ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated").into_response();
    }
    match s.0.store.call(&call_id).await {
        Ok(Some(c)) => describe(&s, c).await,
        Ok(None) => ApiError::new(StatusCode::NOT_FOUND, "no such call").into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "CTI store failed");
            unavailable()
        }
    }
}

async fn call_of_agent(
    State(s): State<CtiState>,
    headers: HeaderMap,
    Path(agent): Path<String>,
) -> Response {
    if !lookup_allowed(&s, &headers) {
        return ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated").into_response();
    }
    match s.0.store.current_call(&agent).await {
        Ok(Some(c)) => describe(&s, c).await,
        Ok(None) => {
            ApiError::new(StatusCode::NOT_FOUND, "no call is offered to this agent").into_response()
        }
        Err(e) => {
            tracing::error!(error.message = %e, "CTI store failed");
            unavailable()
        }
    }
}

fn iso(micros: Option<i64>) -> Option<String> {
    micros
        .and_then(|m| Timestamp::from_microsecond(m).ok())
        .map(|t| t.to_string())
}

fn channel_name(c: i32) -> &'static str {
    match common::Channel::try_from(c) {
        Ok(common::Channel::WebForm) => "web_form",
        Ok(common::Channel::MobileApp) => "mobile_app",
        Ok(common::Channel::Email) => "email",
        Ok(common::Channel::SocialMedia) => "social_media",
        Ok(common::Channel::Phone) => "phone",
        Ok(common::Channel::Written) => "written",
        Ok(common::Channel::FaceToFace) => "face_to_face",
        Ok(common::Channel::Video) => "video",
        Ok(common::Channel::Partner) => "partner",
        _ => "unknown",
    }
}

fn status_name(s: i32) -> &'static str {
    match case::CaseStatus::try_from(s) {
        Ok(case::CaseStatus::InPool) => "in_pool",
        Ok(case::CaseStatus::Held) => "in_progress",
        Ok(case::CaseStatus::AwaitingCallback) => "awaiting_callback",
        Ok(case::CaseStatus::Resolved) => "resolved",
        _ => "unknown",
    }
}

/// The call as the screen shows it, with the caller's earlier applications
/// and where each stands now.
async fn describe(s: &CtiState, c: Call) -> Response {
    let phone = c
        .caller_phone
        .as_deref()
        .and_then(|p| PhoneNumber::parse(p).ok());
    let mut earlier = Vec::new();
    if let Some(p) = &phone {
        let cfg = &s.0.settings;
        let since = Timestamp::now().as_microsecond()
            - 86_400_000_000 * i64::try_from(cfg.caller_history_days).unwrap_or(365);
        let apps = match s
            .0
            .store
            .earlier_applications(&s.phone_hash(p), since, cfg.caller_history_limit)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error.message = %e, "CTI store failed");
                return unavailable();
            }
        };
        let statuses = futures::future::join_all(apps.iter().map(|a| {
            let req = tonic::Request::new(case::TrackCaseRequest {
                tracking_number: a.tracking_number.clone(),
                phone_last4: p.last4().to_owned(),
                // From the index of the caller's own number: not a guess,
                // and answered while typed lookups of the number are locked.
                digits_from_verified_phone: true,
            });
            let mut cases = s.0.cases.clone();
            async move {
                match cases.track_case(req).await {
                    Ok(r) => status_name(r.into_inner().status),
                    // Not a case yet (routing is on it), or gone.
                    Err(st) if st.code() == tonic::Code::NotFound => "received",
                    Err(_) => "unknown",
                }
            }
        }))
        .await;
        for (a, status) in apps.iter().zip(statuses) {
            earlier.push(serde_json::json!({
                "tracking_number": TrackingNumber::parse(&a.tracking_number)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| a.tracking_number.clone()),
                "channel": channel_name(a.channel),
                "received_at": iso(Some(a.received_at)),
                "status": status,
            }));
        }
    }
    Json(serde_json::json!({
        "call_id": c.call_id,
        "state": if c.ended_at.is_some() { "ended" } else { "offered" },
        "caller_number": c.caller_phone,
        "agent": c.agent,
        "ivr_selections": c.ivr_selections,
        "offered_at": iso(c.offered_at),
        "ended_at": iso(c.ended_at),
        "disposition": c.disposition,
        "earlier_applications": earlier,
    }))
    .into_response()
}

/// Adds every application with a phone number to the caller index. The
/// index is a convenience for the screen: a message it cannot read is
/// skipped (routing dead-letters it), never dead-lettered twice.
struct CallerIndexer(CtiState);

#[async_trait::async_trait]
impl Handler for CallerIndexer {
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let Ok(app) = pb::ApplicationReceived::decode(envelope.payload.clone()) else {
            tracing::warn!("caller index skipped an undecodable application");
            return Ok(());
        };
        if !app.follow_up_of.is_empty() {
            return Ok(());
        }
        let Some(phone) = app
            .contact
            .as_ref()
            .and_then(|c| PhoneNumber::parse(&c.phone).ok())
        else {
            return Ok(());
        };
        let Ok(tn) = TrackingNumber::parse(&app.tracking_number) else {
            return Ok(());
        };
        let at = app.received_at.as_ref().map_or(0, |t| {
            t.seconds.saturating_mul(1_000_000) + i64::from(t.nanos / 1000)
        });
        self.0
            .0
            .store
            .index_application(
                &app.application_id,
                &self.0.phone_hash(&phone),
                tn.as_str(),
                app.channel,
                at,
            )
            .await
            .map_err(|e| HandleError::Unavailable(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_text_carries_the_ivr_path() {
        let t = record_text(
            "IVR üzerinden su arızası bildirimi.",
            &[
                IvrSelection {
                    menu: "ana_menu".into(),
                    choice: "1".into(),
                },
                IvrSelection {
                    menu: "ariza".into(),
                    choice: "2".into(),
                },
            ],
        );
        assert_eq!(
            t,
            "IVR üzerinden su arızası bildirimi.\nIVR seçimleri: ana_menu → 1, ariza → 2"
        );
    }

    #[test]
    fn timestamps_at_i64s_edges_are_refused_not_a_panic() {
        let secret = "0123456789abcdef0123456789abcdef";
        let s = CtiSettings {
            enabled: true,
            signing_secret: secret.into(),
            max_skew_seconds: 300,
            lookup_token: secret.into(),
            caller_index_key: secret.into(),
            call_retention_hours: 1,
            caller_history_days: 1,
            caller_history_limit: 1,
            default_province_code: 6,
            kvkk_text_version: "v1".into(),
            ivr_records: vec![],
            subscriber_directory: settings::SubscriberDirectorySettings::default(),
            rate_limit_per_second: 1,
            rate_limit_burst: 1,
        };
        let now = Timestamp::from_second(1_764_000_000).unwrap();
        let headers = |ts: i64| {
            let (ts, sig) = sign(secret.as_bytes(), ts, b"{}");
            let mut h = HeaderMap::new();
            h.insert("x-tekmerkez-timestamp", ts.parse().unwrap());
            h.insert("x-tekmerkez-signature", sig.parse().unwrap());
            h
        };
        // `now - i64::MIN` overflowed (a panic in debug builds).
        for ts in [i64::MIN, i64::MIN + 1, i64::MAX, -1, 0, 99_999_999_999_999] {
            let e = authenticate(&s, &headers(ts), b"{}", now).unwrap_err();
            assert_eq!(e.status(), StatusCode::FORBIDDEN, "{ts}");
        }
        assert!(authenticate(&s, &headers(1_764_000_000 - 299), b"{}", now).is_ok());
    }

    #[test]
    fn signing_follows_the_documented_recipe() {
        let (ts, sig) = sign(b"0123456789abcdef0123456789abcdef", 1_764_000_000, b"{}");
        assert_eq!(ts, "1764000000");
        // HMAC-SHA256(secret, "1764000000.{}") by Python's hmac module.
        assert_eq!(
            sig,
            "sha256=27f02469eb49b2d8e3eb8409071d82418b2245ac64f7960fa1a321212decc2a6"
        );
    }
}
