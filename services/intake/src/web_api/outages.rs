//! `GET /v1/outages?province=41&district=İzmit`: the planned and unplanned
//! outages under way or starting within a week, for the mobile app and the
//! web form (which shows the ones of the district chosen before the citizen
//! writes). Public: only what the outage's own notice says, no case and no
//! person; answers may be cached for a minute.

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use serde::{Deserialize, Serialize};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;
use tonic_types::StatusExt as _;

use super::WebState;
use crate::api_error::ApiError;

/// What the list takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub(super) struct OutagesQuery {
    /// `en` for the notice in English (Turkish by default).
    lang: String,
    /// Province plate code (1–81); empty: every province.
    province: String,
    /// District name in any spelling (needs `province`).
    district: String,
    /// Neighbourhood (mahalle) name in any spelling (needs `district`).
    neighbourhood: String,
}

/// A district, whole or some of its neighbourhoods.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OutageArea)]
pub(super) struct AreaBody {
    district: String,
    /// Empty: the whole district.
    neighbourhoods: Vec<String>,
}

/// One outage.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Outage)]
pub(super) struct OutageBody {
    /// For example OLY-000012.
    reference: String,
    /// `planned` or `unplanned`.
    kind: &'static str,
    province_code: u32,
    province: String,
    areas: Vec<AreaBody>,
    /// RFC 3339.
    starts_at: String,
    /// RFC 3339; absent while nobody knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_end_at: Option<String>,
    /// Whether it has started.
    under_way: bool,
    title: String,
    /// What the citizen is told, in the language asked for: "Bölgenizde
    /// 16:00'ya kadar planlı çalışma var."
    notice: String,
    /// The text written for citizens.
    text: String,
    /// Category code.
    category: String,
}

/// The list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Outages)]
pub(super) struct OutagesBody {
    /// Under way first, then by start.
    outages: Vec<OutageBody>,
}

fn rfc3339(t: Option<&prost_types::Timestamp>) -> Option<jiff::Timestamp> {
    t.and_then(|t| jiff::Timestamp::new(t.seconds, 0).ok())
}

fn body(o: pb::Outage, now: jiff::Timestamp, english: bool) -> OutageBody {
    let starts = rfc3339(o.starts_at.as_ref());
    let planned = o.kind == pb::IncidentKind::PlannedOutage as i32;
    let end = rfc3339(o.expected_end_at.as_ref());
    OutageBody {
        notice: tekmerkez_workdays::outage_notice(planned, end, now, english),
        reference: o.reference,
        kind: if planned { "planned" } else { "unplanned" },
        province: u8::try_from(o.province_code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
            .map(|p| p.name().to_owned())
            .unwrap_or_default(),
        province_code: o.province_code,
        areas: o
            .areas
            .into_iter()
            .map(|a| AreaBody {
                district: a.district,
                neighbourhoods: a.neighbourhoods,
            })
            .collect(),
        starts_at: starts.map(|t| t.to_string()).unwrap_or_default(),
        expected_end_at: end.map(|t| t.to_string()),
        under_way: starts.is_some_and(|s| s <= now),
        title: o.title,
        text: o.public_text,
        category: o.category,
    }
}

/// `GET /v1/outages`.
#[utoipa::path(
    get,
    path = "/v1/outages",
    operation_id = "listOutages",
    summary = "Planned and unplanned outages under way or starting within a week",
    params(OutagesQuery),
    responses(
        (status = 200, description = "The outages (possibly none)", body = OutagesBody,
         headers(("Cache-Control" = String, description = "public, max-age=60"))),
        (status = 400, description = "An unknown province, or a district or neighbourhood it does not have", body = super::openapi::ErrorBody),
        (status = 503, description = "The case service did not answer; retry", body = super::openapi::ErrorBody),
    ),
)]
pub(super) async fn list(State(state): State<WebState>, Query(q): Query<OutagesQuery>) -> Response {
    let province = match q.province.trim() {
        "" => 0,
        p => match p
            .parse::<u8>()
            .ok()
            .filter(|p| tekmerkez_geo::province_by_code(*p).is_some())
        {
            Some(p) => u32::from(p),
            None => {
                return ApiError::invalid_fields([(
                    "province".to_owned(),
                    "must be a plate code from 1 to 81".to_owned(),
                )])
                .into_response();
            }
        },
    };
    let english = q.lang == "en";
    let listed = state
        .incidents
        .clone()
        .list_outages(pb::ListOutagesRequest {
            province_code: province,
            district: q.district,
            neighbourhood: q.neighbourhood,
        })
        .await;
    match listed {
        Ok(r) => {
            let now = jiff::Timestamp::now();
            let outages = r
                .into_inner()
                .outages
                .into_iter()
                .map(|o| body(o, now, english))
                .collect();
            let mut res = Json(OutagesBody { outages }).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            );
            res
        }
        Err(st) if st.code() == Code::InvalidArgument => ApiError::invalid_fields(
            st.get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v.field.replace("province_code", "province"), v.description)),
        )
        .into_response(),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing outages failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the outages cannot be read now; retry",
            )
            .retry_after(5)
            .into_response()
        }
    }
}
