//! The expert's lists: *Çağrı Havuzu* (the own pools' unheld records, claim
//! one or many) and *Üzerimdeki Çağrılar* (held records, with days held and
//! a colour as the 3-day note line nears and passes). The case service
//! decides what the list holds and whether a claim may happen.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1};
use tekmerkez_types::{catalogue::name_of, limits};
use tonic::Code;

use super::{AppState, Frame, render, see_other, signed_in::SignedIn};
use crate::{
    i18n::cases::CasesTexts,
    session::{Session, tokens_match},
};

/// One row of a list.
pub(super) struct Row {
    pub(super) id: String,
    pub(super) tracking_number: String,
    pub(super) category: String,
    pub(super) place: String,
    pub(super) days: u32,
    pub(super) urgent: bool,
    /// `""`, `yaklasiyor` (day 2) or `gecti` (day 3 and later), for the colour.
    pub(super) line: &'static str,
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct ListPage {
    frame: Frame,
    t: &'static CasesTexts,
    csrf: String,
    display_name: String,
    heading: &'static str,
    days_heading: &'static str,
    claimable: bool,
    rows: Vec<Row>,
    next_page: Option<String>,
    path: &'static str,
    claim_action: &'static str,
    message: Option<&'static str>,
    is_error: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct ListQuery {
    sayfa: String,
    durum: String,
}

/// The colour class for a record `days` into the 3-day note line.
pub(super) fn three_day_line(days: u32) -> &'static str {
    match days {
        0 | 1 => "",
        2 => "yaklasiyor",
        _ => "gecti",
    }
}

/// A list row for `c`, with `days` in the days column and the category's
/// name from the catalogue.
pub(super) fn row(c: pb::Case, days: u32, state: &AppState, english: bool) -> Row {
    let place = c
        .location
        .as_ref()
        .map(|l| {
            let province = u8::try_from(l.province_code)
                .ok()
                .and_then(tekmerkez_geo::province_by_code)
                .map_or_else(String::new, |p| p.name().to_owned());
            if l.district.is_empty() {
                province
            } else {
                format!("{} / {province}", l.district)
            }
        })
        .unwrap_or_default();
    Row {
        // The note rule counts from entering the pool, whoever holds it.
        line: three_day_line(c.days_in_pool),
        urgent: c.urgency == common_v1::Urgency::Urgent as i32,
        tracking_number: c.tracking_number,
        category: name_of(&state.categories, &c.category, english).to_owned(),
        place,
        days,
        id: c.id,
    }
}

async fn list(
    state: &AppState,
    frame: Frame,
    s: Session,
    view: pb::CaseView,
    q: ListQuery,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().cases);
    let english = frame.english();
    let token: String = q.sayfa.chars().take(512).collect();
    let req = state.backend.as_user(
        s.user_id,
        pb::ListCasesRequest {
            view: view as i32,
            page: Some(common_v1::PageRequest {
                page_size: 50,
                page_token: token,
            }),
            ..Default::default()
        },
    );
    let (rows, next, failure) = match state.backend.cases().list_cases(req).await {
        Ok(r) => {
            let r = r.into_inner();
            let mine = view == pb::CaseView::Mine;
            let rows = r
                .cases
                .into_iter()
                .map(|c| {
                    let days = if mine { c.days_held } else { c.days_in_pool };
                    row(c, days, state, english)
                })
                .collect();
            let next = (!r.next_page_token.is_empty()).then(|| query_value(&r.next_page_token));
            (rows, next, None)
        }
        Err(st) if st.code() == Code::InvalidArgument => (Vec::new(), None, Some(t.list_reset)),
        Err(st) if st.code() == Code::PermissionDenied => return super::refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing cases failed");
            (Vec::new(), None, Some(c.unavailable))
        }
    };
    let (heading, days_heading, claimable, path, claim_action) = match view {
        pb::CaseView::Mine => (c.my_calls, t.days_held, false, "/uzerimdeki", ""),
        pb::CaseView::CallbackPool => (
            c.callback_pool,
            c.days_in_pool,
            true,
            "/geri-donus",
            "/geri-donus/al",
        ),
        _ => (
            c.call_pool,
            c.days_in_pool,
            true,
            "/cagri-havuzu",
            "/cagri-havuzu/al",
        ),
    };
    let (message, is_error) = match (failure, q.durum.as_str()) {
        (Some(m), _) => (Some(m), true),
        (None, "alindi") => (Some(t.claimed), false),
        (None, "alinamadi") => (Some(t.claim_conflict), true),
        (None, "secilmedi") => (Some(t.nothing_selected), true),
        (None, "sonuclandi") => (Some(t.callback_resolved), false),
        _ => (None, false),
    };
    render(&ListPage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        heading,
        days_heading,
        claimable,
        rows,
        next_page: next,
        path,
        claim_action,
        message,
        is_error,
        frame,
        t,
    })
}

/// `GET /cagri-havuzu`.
pub(super) async fn pool(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ListQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::Pool, q).await
}

/// `GET /uzerimdeki`.
pub(super) async fn mine(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ListQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::Mine, q).await
}

/// `GET /geri-donus`: *Geri Dönüş Havuzu*, the records waiting for a phone
/// callback in the callback agent's pools.
pub(super) async fn callbacks(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ListQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::CallbackPool, q).await
}

/// `v` percent-encoded for a query string.
pub(super) fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A posted form with repeated `case_id` fields: the CSRF token and the ids
/// (UUIDs only; anything else is dropped, the case service would refuse it).
fn claim_form(body: &[u8]) -> (String, Vec<String>) {
    let mut csrf = String::new();
    let mut ids = Vec::new();
    for (k, v) in super::form_pairs(body) {
        match k.as_str() {
            "csrf" => csrf = v,
            "case_id" if uuid::Uuid::parse_str(&v).is_ok() && ids.len() < limits::BULK => {
                ids.push(v);
            }
            _ => {}
        }
    }
    (csrf, ids)
}

/// `POST /cagri-havuzu/al`: claims the selected records, all or none.
pub(super) async fn claim(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    claim_from(&state, s, &body, "/cagri-havuzu").await
}

/// `POST /geri-donus/al`: the callback agent takes records from the
/// callback pool, all or none.
pub(super) async fn claim_callbacks(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    claim_from(&state, s, &body, "/geri-donus").await
}

async fn claim_from(state: &AppState, s: Session, body: &[u8], list: &str) -> Response {
    let (csrf, ids) = claim_form(body);
    if !tokens_match(&s.csrf_token, &csrf) {
        let mut r = see_other(list);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    if ids.is_empty() {
        return see_other(&format!("{list}?durum=secilmedi"));
    }
    let req = state
        .backend
        .as_user(s.user_id, pb::ClaimCasesRequest { case_ids: ids });
    match state.backend.cases().claim_cases(req).await {
        Ok(_) => see_other("/uzerimdeki?durum=alindi"),
        Err(st) => {
            if !matches!(
                st.code(),
                Code::FailedPrecondition | Code::NotFound | Code::Aborted
            ) {
                tracing::error!(code = ?st.code(), "claiming cases failed");
            }
            see_other(&format!("{list}?durum=alinamadi"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_form_keeps_only_ids_that_are_uuids() {
        let id = "0190b8a0-0000-7000-8000-000000000001";
        let body = format!("csrf=abc&case_id={id}&case_id=1%20OR%201=1&case_id={id}&x=y");
        let (csrf, ids) = claim_form(body.as_bytes());
        assert_eq!(csrf, "abc");
        assert_eq!(ids, vec![id, id]);
    }

    #[test]
    fn the_three_day_line_colours_day_two_and_beyond() {
        let lines: Vec<&str> = (0..5).map(three_day_line).collect();
        assert_eq!(lines, vec!["", "", "yaklasiyor", "gecti", "gecti"]);
    }
}
