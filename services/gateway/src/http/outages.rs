//! `/kesintiler`: the public page of planned and unplanned outages, under
//! way or starting within a week, by province (`?il=41`), each with its
//! places, its times and the text written for citizens, read from the case
//! service with the gateway's own credential (nobody signs in). `/takip`
//! shows the ones in an application's district with the same words.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::catalogue::name_of;

use super::{AppState, Frame, record::when, render};
use crate::i18n::incidents::IncidentTexts;

/// One outage as the public reads it.
pub(super) struct OutageView {
    pub(super) reference: String,
    pub(super) kind: &'static str,
    pub(super) province: String,
    pub(super) category: String,
    pub(super) title: String,
    pub(super) places: Vec<String>,
    pub(super) starts: String,
    pub(super) ends: String,
    pub(super) under_way: bool,
    /// "Bölgenizde 16:00'ya kadar planlı çalışma var."
    pub(super) notice: String,
    pub(super) text: String,
}

#[derive(askama::Template)]
#[template(path = "outages.html")]
struct OutagesPage {
    frame: Frame,
    t: &'static IncidentTexts,
    provinces: Vec<(u8, &'static str)>,
    chosen: u8,
    outages: Vec<OutageView>,
    failure: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct OutagesQuery {
    #[serde(default)]
    il: String,
}

fn ts(t: Option<&prost_types::Timestamp>) -> Option<jiff::Timestamp> {
    t.and_then(|t| jiff::Timestamp::new(t.seconds, 0).ok())
}

/// `o` in `frame`'s language, seen at `now`.
pub(super) fn view(
    state: &AppState,
    frame: &Frame,
    o: &pb::Outage,
    now: jiff::Timestamp,
) -> OutageView {
    let t = &frame.texts().incidents;
    let english = frame.english();
    OutageView {
        reference: o.reference.clone(),
        kind: usize::try_from(o.kind)
            .ok()
            .and_then(|k| t.kinds.get(k))
            .copied()
            .unwrap_or_default(),
        province: u8::try_from(o.province_code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
            .map(|p| p.name().to_owned())
            .unwrap_or_default(),
        category: name_of(&state.categories, &o.category, english).to_owned(),
        title: o.title.clone(),
        places: o
            .areas
            .iter()
            .map(|a| {
                if a.neighbourhoods.is_empty() {
                    format!("{} ({})", a.district, t.whole_district)
                } else {
                    format!("{}: {}", a.district, a.neighbourhoods.join(", "))
                }
            })
            .collect(),
        starts: when(o.starts_at.as_ref()),
        ends: when(o.expected_end_at.as_ref()),
        under_way: ts(o.starts_at.as_ref()).is_some_and(|s| s <= now),
        notice: tekmerkez_workdays::outage_notice(
            o.kind == pb::IncidentKind::PlannedOutage as i32,
            ts(o.expected_end_at.as_ref()),
            now,
            english,
        ),
        text: o.public_text.clone(),
    }
}

/// The outages in `province` (0: all) reaching `district` (empty: any),
/// or `None` when the case service did not answer.
pub(super) async fn outages(
    state: &AppState,
    province: u8,
    district: &str,
) -> Option<Vec<pb::Outage>> {
    let b = &state.backend;
    match b
        .incidents()
        .list_outages(b.as_gateway(pb::ListOutagesRequest {
            province_code: u32::from(province),
            district: district.to_owned(),
            neighbourhood: String::new(),
        }))
        .await
    {
        Ok(r) => Some(r.into_inner().outages),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing outages failed");
            None
        }
    }
}

/// `GET /kesintiler`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<OutagesQuery>,
) -> Response {
    let t = &frame.texts().incidents;
    let chosen =
        q.il.parse::<u8>()
            .ok()
            .filter(|p| tekmerkez_geo::province_by_code(*p).is_some())
            .unwrap_or(0);
    let now = jiff::Timestamp::now();
    let listed = outages(&state, chosen, "").await;
    let failure = listed.is_none().then_some(frame.c.unavailable);
    let views = listed
        .unwrap_or_default()
        .iter()
        .map(|o| view(&state, &frame, o, now))
        .collect();
    let mut r = render(&OutagesPage {
        t,
        provinces: tekmerkez_geo::provinces_by_name()
            .map(|p| (p.code(), p.name()))
            .collect(),
        chosen,
        outages: views,
        failure,
        frame,
    });
    if failure.is_some() {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    r
}
