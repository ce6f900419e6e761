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
use tekmerkez_proto::case_v1 as case;
use tonic::Code;

use super::{CtiState, authenticate, over_budget, settings::SubscriberDirectorySettings};
use crate::api_error::ApiError;

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
    Json(Answer {
        found: !told.is_empty(),
        place,
        outages: told,
        speech,
    })
    .into_response()
}
