//! *Olaylar* (`/olaylar`): for the pools' experts and managers and admins,
//! the incidents of their pools, a form to declare one (from scratch or
//! from a record, `?kayit=`), and each incident's page (`/olaylar/{id}`):
//! its place and times, its linked records (numbers only for records out
//! of the viewer's reach, never another citizen's text), linking by
//! tracking numbers, taking one out with a reason, and closing it with one
//! answer for all. A refused form comes back with what was typed and the
//! error by its field; the declaration carries an idempotency key, so a
//! double click or a reload declares once.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::catalogue::name_of;
use tonic::Code;
use tonic_types::StatusExt as _;

use super::{
    AppState, Frame,
    admin::{checked_form, one},
    record::{istanbul_time, when},
    refuse, render, see_other,
    signed_in::{IncidentWorkers, RequireRole},
};
use crate::{i18n::incidents::IncidentTexts, session::Session};

/// One incident in a list.
struct IncidentRow {
    id: String,
    reference: String,
    kind: &'static str,
    title: String,
    category: String,
    places: String,
    starts: String,
    expected_end: String,
    linked: u32,
    open_linked: u32,
    closed: String,
}

/// The declaration form, as typed.
#[derive(Default)]
struct Draft {
    kind: String,
    category: String,
    title: String,
    public_text: String,
    province: String,
    places: String,
    starts: String,
    expected_end: String,
    pool: String,
    request_id: String,
    origin: String,
    /// The origin record's tracking number, shown above the form.
    origin_number: String,
    /// Form field → what to say by it.
    errors: HashMap<&'static str, String>,
}

impl Draft {
    fn error_on(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

#[derive(askama::Template)]
#[template(path = "incidents.html")]
struct ListPage {
    frame: Frame,
    t: &'static IncidentTexts,
    csrf: String,
    display_name: String,
    open: Vec<IncidentRow>,
    closed: Vec<IncidentRow>,
    draft: Draft,
    kinds: Vec<(i32, &'static str)>,
    categories: Vec<(String, String)>,
    provinces: Vec<(u8, &'static str)>,
    pools: Vec<(String, String)>,
    failure: Option<&'static str>,
}

/// One linked record on the incident's page.
struct LinkedRow {
    id: String,
    /// A refused "take out" of this row: (typed reason, error).
    unlink_refused: Option<(String, String)>,
    tracking_number: String,
    status: &'static str,
    channel: &'static str,
    district: String,
    received: String,
    method: &'static str,
    linked_at: String,
    visible: bool,
    open: bool,
}

#[derive(askama::Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    frame: Frame,
    t: &'static IncidentTexts,
    csrf: String,
    display_name: String,
    row: IncidentRow,
    public_text: String,
    pool: String,
    due: String,
    open: bool,
    answer: String,
    version: i64,
    linked: Vec<LinkedRow>,
    message: Option<String>,
    is_error: bool,
    /// What was typed in the link and close forms when refused.
    typed_numbers: String,
    typed_answer: String,
    numbers_error: Option<String>,
    answer_error: Option<String>,
    close_hint: String,
    /// The areas, one district a line.
    areas: crate::http::place_map::AreaList,
}

/// `?durum=…&n=…` after a write; `?kayit=` to declare from a record.
#[derive(serde::Deserialize, Default)]
pub(super) struct Query_ {
    #[serde(default)]
    durum: String,
    #[serde(default)]
    n: usize,
    #[serde(default)]
    kayit: String,
}

fn places(areas: &[pb::IncidentArea], t: &IncidentTexts) -> String {
    areas
        .iter()
        .map(|a| {
            if a.neighbourhoods.is_empty() {
                format!("{} ({})", a.district, t.whole_district)
            } else {
                format!("{}: {}", a.district, a.neighbourhoods.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The textarea's lines as areas: `İlçe` or `İlçe: Mahalle, Mahalle`.
fn parse_places(text: &str) -> Vec<pb::IncidentArea> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once(':') {
            Some((district, names)) => pb::IncidentArea {
                district: district.trim().to_owned(),
                neighbourhoods: names
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            },
            None => pb::IncidentArea {
                district: line.to_owned(),
                neighbourhoods: Vec::new(),
            },
        })
        .collect()
}

fn kind_name(t: &IncidentTexts, kind: i32) -> &'static str {
    usize::try_from(kind)
        .ok()
        .and_then(|i| t.kinds.get(i))
        .copied()
        .unwrap_or_default()
}

fn row(state: &AppState, frame: &Frame, t: &IncidentTexts, i: &pb::Incident) -> IncidentRow {
    IncidentRow {
        id: i.id.clone(),
        reference: i.reference.clone(),
        kind: kind_name(t, i.kind),
        title: i.title.clone(),
        category: name_of(&state.categories, &i.category, frame.english()).to_owned(),
        places: places(&i.areas, t),
        starts: when(i.starts_at.as_ref()),
        expected_end: when(i.expected_end_at.as_ref()),
        linked: i.linked_count,
        open_linked: i.open_linked_count,
        closed: when(i.closed_at.as_ref()),
    }
}

/// The form field of a refused declaration's request field.
fn draft_field(field: &str) -> &'static str {
    match field {
        "kind" => "tur",
        "category" => "konu",
        "title" => "baslik",
        "public_text" => "duyuru",
        "pool_id" => "havuz",
        "starts_at" => "baslangic",
        "expected_end_at" => "bitis",
        _ => "yerler",
    }
}

fn draft_message(t: &IncidentTexts, field: &str) -> String {
    match field {
        "kind" => t.kind_missing.to_owned(),
        "category" => t.category_missing.to_owned(),
        "title" => t.title_invalid.to_owned(),
        "public_text" => t.public_text_invalid.to_owned(),
        "pool_id" => t.pool_invalid.to_owned(),
        "starts_at" => t.time_invalid.to_owned(),
        "expected_end_at" => t.end_before_start.to_owned(),
        other => {
            // `areas[2].district`: the line it is about.
            let line = other
                .strip_prefix("areas[")
                .and_then(|r| r.split(']').next())
                .and_then(|n| n.parse::<usize>().ok());
            match line {
                Some(n) => format!(
                    "{} {}",
                    t.areas_invalid,
                    t.line.replace("{n}", &(n + 1).to_string())
                ),
                None => t.areas_invalid.to_owned(),
            }
        }
    }
}

/// `GET /olaylar`.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<Query_>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
) -> Response {
    let mut draft = Draft {
        request_id: uuid::Uuid::new_v4().to_string(),
        ..Draft::default()
    };
    if let Ok(origin) = q.kayit.parse::<uuid::Uuid>() {
        let b = &state.backend;
        let got = b
            .cases()
            .get_case(b.as_user(
                s.user_id,
                pb::GetCaseRequest {
                    case_id: origin.to_string(),
                    tracking_number: String::new(),
                },
            ))
            .await;
        if let Ok(r) = got
            && let Some(c) = r.into_inner().case
        {
            draft.origin = c.id.clone();
            draft.origin_number = c.tracking_number.clone();
            draft.category = c.category.clone();
            draft.pool = c.pool_id.clone();
            draft.places = c
                .location
                .as_ref()
                .map(|l| l.district.clone())
                .unwrap_or_default();
            draft.province = c
                .location
                .as_ref()
                .map(|l| l.province_code.to_string())
                .unwrap_or_default();
        }
    }
    list_page(&state, frame, s, draft).await
}

async fn list_page(state: &AppState, frame: Frame, s: Session, draft: Draft) -> Response {
    let t = &frame.texts().incidents;
    let b = &state.backend;
    let (mut d1, mut d2) = (b.directory(), b.directory());
    let mut incidents = b.incidents();
    let (listed, pools, me) = tokio::join!(
        incidents.list_incidents(b.as_user(s.user_id, pb::ListIncidentsRequest::default())),
        d1.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
        d2.get_current_user(b.as_user(s.user_id, pb::GetCurrentUserRequest::default())),
    );
    let (open, closed, failure) = match listed {
        Ok(r) => {
            let (open, closed): (Vec<_>, Vec<_>) = r
                .into_inner()
                .incidents
                .into_iter()
                .partition(|i| i.status == pb::IncidentStatus::Open as i32);
            (
                open.iter().map(|i| row(state, &frame, t, i)).collect(),
                closed
                    .iter()
                    .take(50)
                    .map(|i| row(state, &frame, t, i))
                    .collect(),
                None,
            )
        }
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing incidents failed");
            (Vec::new(), Vec::new(), Some(frame.c.unavailable))
        }
    };
    let mine: Vec<String> = me
        .ok()
        .and_then(|r| r.into_inner().user)
        .map(|u| u.pool_ids)
        .unwrap_or_default();
    let admin = s.role == pb::Role::Admin as i32;
    let pools = pools
        .map(|r| r.into_inner().pools)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| admin || mine.contains(&p.id))
        .map(|p| (p.id, p.name))
        .collect();
    let english = frame.english();
    let mut r = render(&ListPage {
        kinds: (1..=3).map(|k| (k, kind_name(t, k))).collect(),
        categories: state
            .categories
            .iter()
            .map(|c| {
                (
                    c.code.clone(),
                    if english {
                        c.name_en.clone()
                    } else {
                        c.name_tr.clone()
                    },
                )
            })
            .collect(),
        provinces: tekmerkez_geo::provinces_by_name()
            .map(|p| (p.code(), p.name()))
            .collect(),
        pools,
        open,
        closed,
        failure,
        csrf: s.csrf_token,
        display_name: s.display_name,
        t,
        frame,
        draft,
    });
    if failure.is_some() {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    r
}

/// `POST /olaylar`: declares an incident.
pub(super) async fn declare(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return super::admin::form_refused();
    };
    let t = &frame.texts().incidents;
    let mut draft = Draft {
        kind: one(&f, "tur"),
        category: one(&f, "konu"),
        title: one(&f, "baslik"),
        public_text: one(&f, "duyuru"),
        province: one(&f, "il"),
        places: one(&f, "yerler"),
        starts: one(&f, "baslangic"),
        expected_end: one(&f, "bitis"),
        pool: one(&f, "havuz"),
        request_id: one(&f, "istek"),
        origin: one(&f, "kayit"),
        origin_number: one(&f, "kayit_no"),
        errors: HashMap::new(),
    };
    let starts_at = (!draft.starts.is_empty())
        .then(|| istanbul_time(&draft.starts))
        .flatten();
    if !draft.starts.is_empty() && starts_at.is_none() {
        draft.errors.insert("baslangic", t.time_invalid.to_owned());
    }
    let expected_end_at = (!draft.expected_end.is_empty())
        .then(|| istanbul_time(&draft.expected_end))
        .flatten();
    if !draft.expected_end.is_empty() && expected_end_at.is_none() {
        draft.errors.insert("bitis", t.time_invalid.to_owned());
    }
    if !draft.errors.is_empty() {
        return refused(&state, frame, s, draft).await;
    }
    let b = &state.backend;
    let req = pb::DeclareIncidentRequest {
        kind: draft.kind.parse().unwrap_or_default(),
        category: draft.category.clone(),
        title: draft.title.clone(),
        public_text: draft.public_text.clone(),
        province_code: draft.province.parse().unwrap_or_default(),
        areas: parse_places(&draft.places),
        starts_at,
        expected_end_at,
        pool_id: draft.pool.clone(),
        origin_case_id: draft.origin.clone(),
        request_id: draft.request_id.clone(),
    };
    match b
        .incidents()
        .declare_incident(b.as_user(s.user_id, req))
        .await
    {
        Ok(r) => {
            let id = r.into_inner().incident.map(|i| i.id).unwrap_or_default();
            see_other(&format!("/olaylar/{id}?durum=bildirildi"))
        }
        Err(st) if st.code() == Code::InvalidArgument => {
            for v in st
                .get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default()
            {
                draft
                    .errors
                    .entry(draft_field(&v.field))
                    .or_insert_with(|| draft_message(t, &v.field));
            }
            refused(&state, frame, s, draft).await
        }
        Err(st) if st.code() == Code::PermissionDenied => refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "declaring an incident failed");
            let mut r =
                super::message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}

async fn refused(state: &AppState, frame: Frame, s: Session, draft: Draft) -> Response {
    let mut r = list_page(state, frame, s, draft).await;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// What the incident page says on top after a write.
fn status_message(t: &IncidentTexts, q: &Query_) -> Option<(String, bool)> {
    Some(match q.durum.as_str() {
        "bildirildi" => (t.declared.to_owned(), false),
        "baglandi" => ((t.linked_done)(q.n), false),
        "cikarildi" => (t.unlinked_done.to_owned(), false),
        "kapatildi" => (
            (t.closed_done)(u32::try_from(q.n).unwrap_or(u32::MAX)),
            false,
        ),
        "kapali" => (t.incident_closed.to_owned(), true),
        _ => return None,
    })
}

/// What a refused link or close keeps, and the error by it.
#[derive(Default)]
struct Typed {
    numbers: String,
    answer: String,
    numbers_error: Option<String>,
    answer_error: Option<String>,
    message: Option<(String, bool)>,
    /// A refused "take out": the record, its typed reason and the error.
    unlink: Option<(String, String, String)>,
}

/// `GET /olaylar/{id}`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    Query(q): Query<Query_>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
) -> Response {
    let message = status_message(&frame.texts().incidents, &q);
    page(
        &state,
        frame,
        s,
        &id,
        Typed {
            message,
            ..Typed::default()
        },
    )
    .await
}

async fn page(state: &AppState, frame: Frame, s: Session, id: &str, typed: Typed) -> Response {
    let t = &frame.texts().incidents;
    let c = frame.c;
    let b = &state.backend;
    let (mut d, mut incidents) = (b.directory(), b.incidents());
    let (got, pools) = tokio::join!(
        incidents.get_incident(b.as_user(s.user_id, pb::GetIncidentRequest { id: id.to_owned() })),
        d.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
    );
    let got = match got {
        Ok(r) => r.into_inner(),
        Err(st) if matches!(st.code(), Code::NotFound | Code::InvalidArgument) => {
            return super::message_page(&frame, StatusCode::NOT_FOUND, c.not_found);
        }
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "reading an incident failed");
            return super::message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, c.unavailable);
        }
    };
    let Some(i) = got.incident else {
        return super::message_page(&frame, StatusCode::NOT_FOUND, c.not_found);
    };
    let pool = pools
        .ok()
        .and_then(|r| r.into_inner().pools.into_iter().find(|p| p.id == i.pool_id))
        .map(|p| p.name)
        .unwrap_or_default();
    let linked = got
        .linked
        .into_iter()
        .map(|l| LinkedRow {
            unlink_refused: typed
                .unlink
                .as_ref()
                .filter(|(case, _, _)| *case == l.case_id)
                .map(|(_, reason, error)| (reason.clone(), error.clone())),
            open: matches!(
                pb::CaseStatus::try_from(l.status),
                Ok(pb::CaseStatus::InPool | pb::CaseStatus::Held)
            ),
            status: c.status_name(l.status),
            channel: c.channel_name(l.channel),
            district: l.district,
            received: when(l.created_at.as_ref()),
            method: usize::try_from(l.method)
                .ok()
                .and_then(|m| t.methods.get(m))
                .copied()
                .unwrap_or_default(),
            linked_at: when(l.linked_at.as_ref()),
            visible: l.visible,
            tracking_number: l.tracking_number,
            id: l.case_id,
        })
        .collect();
    let refused =
        typed.numbers_error.is_some() || typed.answer_error.is_some() || typed.unlink.is_some();
    let (message, is_error) = typed.message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&IncidentPage {
        areas: crate::http::place_map::AreaList::of(&i.areas, &frame.texts().place_map),
        row: row(state, &frame, t, &i),
        public_text: i.public_text.clone(),
        pool,
        due: when(i.due_at.as_ref()),
        open: i.status == pb::IncidentStatus::Open as i32,
        answer: i.answer.clone(),
        version: i.version,
        close_hint: (t.close_hint)(i.open_linked_count),
        linked,
        message,
        is_error,
        typed_numbers: typed.numbers,
        typed_answer: typed.answer,
        numbers_error: typed.numbers_error,
        answer_error: typed.answer_error,
        csrf: s.csrf_token,
        display_name: s.display_name,
        t,
        frame,
    });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The incident's own refusal (closed, or changed since the page was read).
fn incident_rule(t: &IncidentTexts, st: &tonic::Status) -> Option<String> {
    let subjects: Vec<String> = st
        .get_details_precondition_failure()
        .map(|p| p.violations.into_iter().map(|v| v.subject).collect())
        .unwrap_or_default();
    if subjects.iter().any(|s| s == "IncidentClosed") {
        Some(t.incident_closed.to_owned())
    } else if subjects.iter().any(|s| s == "StaleVersion") {
        Some(t.stale.to_owned())
    } else {
        None
    }
}

/// `POST /olaylar/{id}/bagla`: links records by their tracking numbers.
pub(super) async fn link(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return super::admin::form_refused();
    };
    let t = &frame.texts().incidents;
    let numbers_text = one(&f, "numaralar");
    let numbers: Vec<&str> = numbers_text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|n| !n.is_empty())
        .collect();
    let fail = |error: String| Typed {
        numbers: numbers_text.clone(),
        numbers_error: Some(error),
        ..Typed::default()
    };
    if numbers.is_empty() || numbers.len() > 100 {
        let typed = fail(t.numbers_missing.to_owned());
        return page(&state, frame, s, &id, typed).await;
    }
    let b = &state.backend;
    let mut ids = Vec::with_capacity(numbers.len());
    let mut unknown = Vec::new();
    for n in &numbers {
        let got = b
            .cases()
            .get_case(b.as_user(
                s.user_id,
                pb::GetCaseRequest {
                    case_id: String::new(),
                    tracking_number: (*n).to_owned(),
                },
            ))
            .await;
        match got.ok().and_then(|r| r.into_inner().case) {
            Some(c) if !ids.contains(&c.id) => ids.push(c.id),
            Some(_) => {}
            None => unknown.push(*n),
        }
    }
    if !unknown.is_empty() {
        let typed = fail((t.unknown_numbers)(&unknown.join(", ")));
        return page(&state, frame, s, &id, typed).await;
    }
    let n = ids.len();
    match link_ids(
        &state,
        frame,
        s,
        &id,
        ids,
        pb::IncidentLinkMethod::Bulk,
        numbers_text,
    )
    .await
    {
        Ok(()) => see_other(&format!("/olaylar/{id}?durum=baglandi&n={n}")),
        Err(r) => r,
    }
}

/// Links `ids` to incident `id`; on a refusal, the answer to give: the
/// incident's page with the error by the numbers (as typed in `numbers`).
async fn link_ids(
    state: &AppState,
    frame: Frame,
    s: Session,
    id: &str,
    ids: Vec<String>,
    method: pb::IncidentLinkMethod,
    numbers: String,
) -> Result<(), Response> {
    let t = &frame.texts().incidents;
    let b = &state.backend;
    let done = b
        .incidents()
        .link_cases(b.as_user(
            s.user_id,
            pb::LinkCasesRequest {
                incident_id: id.to_owned(),
                case_ids: ids,
                method: method as i32,
            },
        ))
        .await;
    let error = match done {
        Ok(_) => return Ok(()),
        Err(st) if st.code() == Code::PermissionDenied => return Err(refuse(&frame)),
        Err(st) if st.code() == Code::NotFound => {
            return Err(super::message_page(
                &frame,
                StatusCode::NOT_FOUND,
                frame.c.not_found,
            ));
        }
        Err(st) => match incident_rule(t, &st) {
            Some(m) => m,
            None => st
                .get_details_precondition_failure()
                .and_then(|p| p.violations.first().map(|v| v.description.clone()))
                .unwrap_or_else(|| t.numbers_missing.to_owned()),
        },
    };
    let typed = Typed {
        numbers,
        numbers_error: Some(error),
        ..Typed::default()
    };
    Err(page(state, frame, s, id, typed).await)
}

/// `POST /olaylar/{id}/cikar`: takes a record out, with a reason.
pub(super) async fn unlink(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return super::admin::form_refused();
    };
    let t = &frame.texts().incidents;
    let b = &state.backend;
    let done = b
        .incidents()
        .unlink_case(b.as_user(
            s.user_id,
            pb::UnlinkCaseRequest {
                incident_id: id.clone(),
                case_id: one(&f, "kayit"),
                reason: one(&f, "neden"),
            },
        ))
        .await;
    let typed = match done {
        Ok(_) => return see_other(&format!("/olaylar/{id}?durum=cikarildi")),
        // By the row's box, what was typed kept.
        Err(st) if st.code() == Code::InvalidArgument => Typed {
            unlink: Some((
                one(&f, "kayit"),
                // As typed, spaces and all.
                f.get("neden")
                    .and_then(|v| v.first())
                    .cloned()
                    .unwrap_or_default(),
                t.reason_missing.to_owned(),
            )),
            ..Typed::default()
        },
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) => Typed {
            message: Some((
                incident_rule(t, &st).unwrap_or_else(|| st.message().to_owned()),
                true,
            )),
            ..Typed::default()
        },
    };
    let mut r = page(&state, frame, s, &id, typed).await;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// `POST /olaylar/{id}/kapat`: the answer for every linked record.
pub(super) async fn close(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return super::admin::form_refused();
    };
    let t = &frame.texts().incidents;
    let answer = f
        .get("cevap")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let b = &state.backend;
    let done = b
        .incidents()
        .close_incident(b.as_user(
            s.user_id,
            pb::CloseIncidentRequest {
                id: id.clone(),
                answer: answer.clone(),
                expected_version: one(&f, "surum").parse().unwrap_or_default(),
            },
        ))
        .await;
    let error = match done {
        Ok(r) => {
            let n = r.into_inner().closed_cases;
            return see_other(&format!("/olaylar/{id}?durum=kapatildi&n={n}"));
        }
        Err(st) if st.code() == Code::InvalidArgument => t.answer_missing.to_owned(),
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) => incident_rule(t, &st).unwrap_or_else(|| frame.c.unavailable.to_owned()),
    };
    let typed = Typed {
        answer,
        answer_error: Some(error),
        ..Typed::default()
    };
    page(&state, frame, s, &id, typed).await
}

/// `POST /kayit/{id}/olaya-bagla`: the record page links its record to an
/// open incident chosen from the list.
pub(super) async fn link_record(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(case_id): Path<String>,
    RequireRole(s, _): RequireRole<IncidentWorkers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return super::admin::form_refused();
    };
    let incident = one(&f, "olay");
    if incident.is_empty() {
        return see_other(&format!("/kayit/{case_id}"));
    }
    match link_ids(
        &state,
        frame,
        s,
        &incident,
        vec![case_id],
        pb::IncidentLinkMethod::Manual,
        String::new(),
    )
    .await
    {
        Ok(()) => see_other(&format!("/olaylar/{incident}?durum=baglandi&n=1")),
        Err(r) => r,
    }
}

/// The open incidents a record page offers to link to, as (id, label).
pub(super) async fn open_incidents(state: &AppState, s: &Session) -> Vec<(String, String)> {
    let b = &state.backend;
    b.incidents()
        .list_incidents(b.as_user(
            s.user_id,
            pb::ListIncidentsRequest {
                statuses: vec![pb::IncidentStatus::Open as i32],
                limit: 100,
            },
        ))
        .await
        .map(|r| {
            r.into_inner()
                .incidents
                .into_iter()
                .map(|i| (i.id, format!("{} — {}", i.reference, i.title)))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::incidents::TR;

    #[test]
    fn places_are_typed_one_district_per_line_with_neighbourhoods_after_a_colon() {
        let areas = parse_places("İzmit: Yenişehir, Kadıköy ,\n\n  Gebze \n");
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[0].district, "İzmit");
        assert_eq!(areas[0].neighbourhoods, vec!["Yenişehir", "Kadıköy"]);
        assert_eq!(areas[1].district, "Gebze");
        assert!(areas[1].neighbourhoods.is_empty());
        assert_eq!(
            places(&areas, &TR),
            "İzmit: Yenişehir, Kadıköy; Gebze (tüm ilçe)"
        );
    }

    #[test]
    fn a_refused_area_names_its_line() {
        assert_eq!(draft_field("areas[1].neighbourhoods[0]"), "yerler");
        assert!(draft_message(&TR, "areas[1].district").ends_with("(2. satır)"));
        assert!(
            draft_message(&crate::i18n::incidents::EN, "areas[0].district").ends_with("(line 1)")
        );
        assert_eq!(draft_field("pool_id"), "havuz");
    }
}
