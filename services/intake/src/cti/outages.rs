//! `POST /v1/cti/outages`: the IVR asks whether the caller's area has an
//! outage — the self-service answer seed 002 counts by the hundred
//! thousand — by district (and neighbourhood) or by subscriber number,
//! signed like the CTI's events. The answer carries the outages' notices
//! and one sentence ready to be read out (`speech`), in Turkish or English.
//!
//! A subscriber number is placed through the [`SubscriberDirectory`]: a
//! utility's billing system over HTTP (`intake.cti.subscriber_directory.url`:
//! `GET {url}/{subscriber}` → `{"province_code", "district",
//! "neighbourhood"}`, 404 unknown), or, without one, the table in
//! `intake.cti.subscriber_directory.subscribers` (the stand-in `tekmerkez
//! dev` and the tests use). The number never reaches a log.
//!
//! Each answered question is one IVR self-service answer for the reports'
//! call figures: an `IvrSelfService` on `intake.calls.v1` (the place, whether
//! an outage was found, the language; no subscriber or phone number), with
//! the event id `ivr-self-service:<call id>`. The answer goes out only once
//! the bus acknowledged it, as `call.ended`'s does: a 503 the IVR retries
//! rather than an answer missing from the counts. The wait is bounded by
//! `intake.publish_timeout_ms`, so the IVR never hangs (it already gets a
//! 503 when the outages cannot be read). The call id is remembered in the
//! CTI store once published, so a retry or a second question within the
//! same call publishes nothing more; a call without an id is counted per
//! answer.

use std::collections::HashMap;

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse as _, Response},
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tekmerkez_proto::{case_v1 as case, intake_v1 as pb};
use tonic::Code;

use super::{
    CtiState, authenticate, over_budget,
    settings::SubscriberDirectorySettings,
    store::{CtiStore, SeenEvent},
};
use crate::{api_error::ApiError, publish::Publisher};

/// The `reason` of a 404 for a subscriber number the directory does not know.
pub const SUBSCRIBER_UNKNOWN: &str = "SUBSCRIBER_UNKNOWN";

/// Where a subscriber is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub province_code: u8,
    pub district: String,
    #[serde(default)]
    pub neighbourhood: String,
}

/// Places subscriber numbers.
#[async_trait::async_trait]
pub trait SubscriberDirectory: Send + Sync {
    /// The place of `subscriber`, `None` when unknown.
    ///
    /// # Errors
    /// The directory could not be asked (a reason code).
    async fn place_of(&self, subscriber: &str) -> Result<Option<Place>, &'static str>;
}

/// The configured table: the stand-in.
pub struct TableDirectory(HashMap<String, Place>);

#[async_trait::async_trait]
impl SubscriberDirectory for TableDirectory {
    async fn place_of(&self, subscriber: &str) -> Result<Option<Place>, &'static str> {
        Ok(self.0.get(subscriber).cloned())
    }
}

/// A billing system answering `GET {url}/{subscriber}`.
pub struct HttpDirectory {
    client: reqwest::Client,
    url: String,
}

#[async_trait::async_trait]
impl SubscriberDirectory for HttpDirectory {
    async fn place_of(&self, subscriber: &str) -> Result<Option<Place>, &'static str> {
        let url = format!("{}/{subscriber}", self.url.trim_end_matches('/'));
        let r = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|_| "directory_unreachable")?;
        match r.status() {
            StatusCode::NOT_FOUND => Ok(None),
            s if s.is_success() => r.json().await.map(Some).map_err(|_| "directory_garbled"),
            _ => Err("directory_failed"),
        }
    }
}

/// The directory `s` configures.
///
/// # Errors
/// An HTTP client that cannot be built.
pub fn directory(
    s: &SubscriberDirectorySettings,
) -> Result<Box<dyn SubscriberDirectory>, reqwest::Error> {
    if s.url.trim().is_empty() {
        return Ok(Box::new(TableDirectory(
            s.subscribers
                .iter()
                .map(|e| {
                    (
                        e.subscriber.trim().to_owned(),
                        Place {
                            province_code: e.province_code,
                            district: e.district.clone(),
                            neighbourhood: e.neighbourhood.clone(),
                        },
                    )
                })
                .collect(),
        )));
    }
    Ok(Box::new(HttpDirectory {
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(s.timeout_ms))
            .build()?,
        url: s.url.clone(),
    }))
}

/// What the IVR asks.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Ask {
    /// The CTI's call id (kept for the trace, never required).
    call_id: String,
    /// Plate code; the institution's (`default_province_code`) when absent.
    province: Option<u8>,
    district: String,
    neighbourhood: String,
    /// A subscriber number instead of a place.
    subscriber: String,
    /// `en` for English.
    lang: String,
}

#[derive(Debug, Serialize)]
struct Told {
    reference: String,
    kind: &'static str,
    notice: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_end_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct Answer {
    place: Place,
    found: bool,
    outages: Vec<Told>,
    /// One sentence (or several) to read out.
    speech: String,
}

fn invalid(field: &str, rule: &str) -> Response {
    ApiError::invalid_fields([(field.to_owned(), rule.to_owned())]).into_response()
}

/// `POST /v1/cti/outages`.
#[tracing::instrument(name = "intake.cti.outages", skip_all, fields(call_id))]
pub(super) async fn ask(State(s): State<CtiState>, headers: HeaderMap, body: Bytes) -> Response {
    let now = Timestamp::now();
    if let Err(r) = authenticate(&s.0.settings, &headers, &body, now) {
        tracing::warn!("CTI outage question refused: not signed as configured");
        return r.into_response();
    }
    if let Some(r) = over_budget(&s) {
        return r;
    }
    let Ok(ask) = serde_json::from_slice::<Ask>(&body) else {
        return invalid("body", "must be a JSON object of the documented fields");
    };
    tracing::Span::current().record("call_id", ask.call_id.as_str());
    let english = ask.lang == "en";
    let place = if ask.subscriber.trim().is_empty() {
        if ask.district.trim().is_empty() {
            return invalid("district", "is required without a subscriber number");
        }
        let code = ask.province.unwrap_or(s.0.settings.default_province_code);
        let Some(province) = tekmerkez_geo::province_by_code(code) else {
            return invalid("province", "must be a plate code from 1 to 81");
        };
        let Some(district) = province.find_district(&ask.district) else {
            return invalid("district", "must be a district of the province");
        };
        let neighbourhood = match ask.neighbourhood.trim() {
            "" => "",
            typed => match province.find_neighbourhood(district, typed) {
                Some(n) => n,
                None => return invalid("neighbourhood", "must be a neighbourhood of the district"),
            },
        };
        Place {
            province_code: code,
            district: district.to_owned(),
            neighbourhood: neighbourhood.to_owned(),
        }
    } else {
        match s.0.directory.place_of(ask.subscriber.trim()).await {
            Ok(Some(p)) => p,
            Ok(None) => {
                return ApiError::new(StatusCode::NOT_FOUND, "the subscriber number is not known")
                    .with_reason(SUBSCRIBER_UNKNOWN)
                    .into_response();
            }
            Err(reason) => {
                tracing::warn!(reason, "the subscriber directory did not answer");
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the subscriber directory did not answer; ask for the district",
                )
                .retry_after(1)
                .into_response();
            }
        }
    };
    let listed =
        s.0.incidents
            .clone()
            .list_outages(case::ListOutagesRequest {
                province_code: u32::from(place.province_code),
                district: place.district.clone(),
                neighbourhood: place.neighbourhood.clone(),
            })
            .await;
    let outages = match listed {
        Ok(r) => r.into_inner().outages,
        Err(st) if st.code() == Code::InvalidArgument => {
            return invalid(
                "district",
                "must be a district (and neighbourhood) of the province",
            );
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing outages for the IVR failed");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the outages cannot be read now; retry",
            )
            .retry_after(1)
            .into_response();
        }
    };
    let told: Vec<Told> = outages
        .into_iter()
        .map(|o| {
            let planned = o.kind == case::IncidentKind::PlannedOutage as i32;
            let end = o
                .expected_end_at
                .and_then(|t| Timestamp::new(t.seconds, 0).ok());
            Told {
                reference: o.reference,
                kind: if planned { "planned" } else { "unplanned" },
                notice: tekmerkez_workdays::outage_notice(planned, end, now, english),
                text: o.public_text,
                expected_end_at: end.map(|t| t.to_string()),
            }
        })
        .collect();
    let speech = if told.is_empty() {
        if english {
            "No outage has been announced in your area.".to_owned()
        } else {
            "Bölgenizde bildirilmiş bir kesinti bulunmuyor.".to_owned()
        }
    } else {
        told.iter()
            .map(|t| t.notice.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let answered = pb::IvrSelfService {
        event_id: String::new(),
        call_id: ask.call_id.trim().to_owned(),
        queue: String::new(),
        answered_at: now.to_string(),
        province_code: u32::from(place.province_code),
        district: place.district.clone(),
        outage_found: !told.is_empty(),
        language: if english { "en" } else { "tr" }.to_owned(),
        service: "outage_lookup".to_owned(),
    };
    if let Err(e) = count_self_service(&s.0.store, &s.0.publisher, answered, now).await {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "counting an IVR self-service answer failed; not answered");
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the answer could not be recorded; retry",
        )
        .retry_after(1)
        .into_response();
    }
    Json(Answer {
        found: !told.is_empty(),
        place,
        outages: told,
        speech,
    })
    .into_response()
}

/// The event id of the self-service answer of call `call_id`.
pub fn self_service_event_id(call_id: &str) -> String {
    format!("ivr-self-service:{call_id}")
}

/// Publishes the self-service answer (once per call id) before the IVR
/// hears it.
///
/// # Errors
/// The CTI store or the bus failed: nothing was counted for sure, and the
/// IVR's retry counts it.
async fn count_self_service(
    store: &CtiStore,
    publisher: &Publisher,
    mut event: pb::IvrSelfService,
    now: Timestamp,
) -> Result<(), SelfServiceError> {
    if event.call_id.is_empty() {
        event.event_id = format!("ivr-self-service:{}", uuid::Uuid::now_v7());
    } else {
        event.event_id = self_service_event_id(&event.call_id);
        let fresh = SeenEvent {
            // Every question of the call is the same answer to count.
            fingerprint: "ivr-self-service".to_owned(),
            application_id: None,
            tracking_number: None,
            received_at: now.as_microsecond(),
            published_at: None,
        };
        let seen = store.remember_event(&event.event_id, &fresh, None).await?;
        if seen.published_at.is_some() {
            return Ok(());
        }
        event.queue = store
            .call(&event.call_id)
            .await?
            .and_then(|c| c.queue)
            .unwrap_or_default();
    }
    publisher.publish_self_service(&event).await?;
    if !event.call_id.is_empty()
        && let Err(e) = store
            .mark_published(&event.event_id, Timestamp::now().as_microsecond())
            .await
    {
        // Published all the same; a retry publishes the same event id,
        // which the reports count once.
        tracing::warn!(error.message = %e, "marking an IVR self-service answer published failed");
    }
    Ok(())
}

/// Why a self-service answer could not be counted.
#[derive(Debug, thiserror::Error)]
enum SelfServiceError {
    /// The CTI store failed.
    #[error("the CTI store failed")]
    Store(#[from] sqlx::Error),
    /// The bus did not acknowledge the event.
    #[error("publishing failed")]
    Publish(#[from] tekmerkez_bus::PublishError),
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, atomic::AtomicBool};

    use prost::Message as _;
    use tekmerkez_bus::{Bus, ConsumeError, Envelope, PublishError, Subscription};

    use super::*;

    /// Records what is published; refuses while `down`.
    #[derive(Debug, Default)]
    struct Recorded {
        sent: Mutex<Vec<Envelope>>,
        down: AtomicBool,
    }

    #[async_trait::async_trait]
    impl Bus for Recorded {
        async fn publish(&self, envelope: Envelope) -> Result<(), PublishError> {
            if self.down.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(PublishError::Timeout);
            }
            self.sent.lock().unwrap().push(envelope);
            Ok(())
        }

        async fn subscribe(
            &self,
            _group: &str,
            _topic: &str,
        ) -> Result<Box<dyn Subscription>, ConsumeError> {
            unimplemented!("the tests only publish")
        }
    }

    fn answer(call_id: &str) -> pb::IvrSelfService {
        pb::IvrSelfService {
            call_id: call_id.to_owned(),
            answered_at: "2026-03-02T07:10:00Z".to_owned(),
            province_code: 41,
            district: "İzmit".to_owned(),
            outage_found: true,
            language: "tr".to_owned(),
            service: "outage_lookup".to_owned(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn an_answered_lookup_publishes_one_event_per_call_id_and_none_while_the_bus_is_down() {
        let (url, _dir) = crate::testing::database("sqlite").await;
        let store = CtiStore::connect(&url).unwrap();
        let bus = Arc::new(Recorded::default());
        let publisher = Publisher::new(bus.clone(), std::time::Duration::from_secs(1));
        let now = Timestamp::now();
        // The call was offered on queue 185 (with the caller's number).
        store
            .call_offered(
                &super::super::store::Call {
                    call_id: "c-1".into(),
                    caller_phone: Some("+905321234567".into()),
                    agent: None,
                    queue: Some("185".into()),
                    ivr_selections: Vec::new(),
                    offered_at: Some(now.as_microsecond()),
                    ended_at: None,
                    disposition: None,
                },
                now.as_microsecond(),
            )
            .await
            .unwrap();
        // The bus down: an error (the IVR hears 503), nothing remembered
        // as published.
        bus.down.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(
            count_self_service(&store, &publisher, answer("c-1"), now)
                .await
                .is_err()
        );
        bus.down.store(false, std::sync::atomic::Ordering::SeqCst);
        // The retry, a second question in the same call, and another call.
        for call in ["c-1", "c-1", "c-1", "c-2"] {
            count_self_service(&store, &publisher, answer(call), now)
                .await
                .unwrap();
        }
        // Without a call id, each answer is its own.
        for _ in 0..2 {
            count_self_service(&store, &publisher, answer(""), now)
                .await
                .unwrap();
        }
        let sent = bus.sent.lock().unwrap().clone();
        let ids: Vec<_> = sent
            .iter()
            .map(|e| {
                e.header(tekmerkez_bus::headers::EVENT_ID)
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(sent.len(), 4, "{ids:?}");
        assert_eq!(ids[..2], ["ivr-self-service:c-1", "ivr-self-service:c-2"]);
        assert_ne!(ids[2], ids[3]);
        for e in &sent {
            assert_eq!(e.topic, crate::publish::CALLS_TOPIC);
            assert_eq!(
                e.header(tekmerkez_bus::headers::EVENT_TYPE),
                Some(crate::publish::IVR_SELF_SERVICE_EVENT_TYPE)
            );
        }
        let first = pb::IvrSelfService::decode(sent[0].payload.clone()).unwrap();
        assert_eq!(sent[0].key, "c-1");
        assert_eq!(first.queue, "185");
        assert_eq!(first.district, "İzmit");
        // No personal data: the caller's number is nowhere in the message.
        assert!(!String::from_utf8_lossy(&sent[0].payload).contains("5321234567"));
    }
}
