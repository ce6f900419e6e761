//! The record page: the application, contact details (masked when the
//! caller's role does not need them), notes with *Not Ekle*, the official
//! answer (*Yetkili Açıklaması*) with *Kaydet*, which closes the record, the
//! 3-day note rule shown before it blocks, and *İşlem Detaylarını Göster*
//! with every task step. Every write carries the version the page showed,
//! so a double-submitted form or a record changed meanwhile writes nothing
//! twice.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse as _, Response},
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use super::{AppState, Frame, current, render, see_other};
use crate::{i18n::Texts, session::tokens_match};

/// Longest note and answer, in characters (the case service enforces it too).
const MAX_TEXT: usize = 4000;

struct NoteView {
    when: String,
    text: String,
}

struct StepView {
    when: String,
    action: &'static str,
}

#[derive(askama::Template)]
#[template(path = "kayit.html")]
struct RecordPage {
    frame: Frame,
    csrf: String,
    display_name: String,
    id: String,
    version: i64,
    tracking_number: String,
    status: &'static str,
    category: String,
    text: String,
    contact_masked: bool,
    name: String,
    phone: String,
    email: String,
    days_in_pool: u32,
    mine: bool,
    note_required: bool,
    notes: Vec<NoteView>,
    steps: Vec<StepView>,
    message: Option<&'static str>,
    is_error: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Durum {
    durum: String,
}

/// What the note and answer forms post.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct TextForm {
    csrf: String,
    text: String,
    version: String,
}

fn when(t: Option<&prost_types::Timestamp>) -> String {
    t.and_then(|t| jiff::Timestamp::new(t.seconds, 0).ok())
        .map(|t| {
            t.to_zoned(
                jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
        })
        .unwrap_or_default()
}

fn status_name(t: &Texts, s: i32) -> &'static str {
    match pb::CaseStatus::try_from(s).unwrap_or_default() {
        pb::CaseStatus::InPool => t.status_in_pool,
        pb::CaseStatus::Held => t.status_held,
        pb::CaseStatus::AwaitingCallback => t.status_awaiting_callback,
        pb::CaseStatus::Resolved => t.status_resolved,
        pb::CaseStatus::Unspecified => "",
    }
}

fn action_name(t: &Texts, a: i32) -> &'static str {
    use pb::HistoryAction as A;
    match A::try_from(a).unwrap_or_default() {
        A::Opened => t.step_opened,
        A::Claimed => t.step_claimed,
        A::Assigned => t.step_assigned,
        A::Transferred => t.step_transferred,
        A::NoteAdded => t.step_note,
        A::ClosedByExpert => t.step_closed,
        A::CallbackClaimed => t.step_callback_claimed,
        A::CallbackRecorded => t.step_callback_recorded,
        A::Resolved => t.step_resolved,
        A::Reopened => t.step_reopened,
        A::Unspecified => "",
    }
}

/// `GET /kayit/{id}`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Durum>,
) -> Response {
    let Some((_, s)) = current(&state, &headers).await else {
        return see_other("/giris");
    };
    let frame = Frame::of(&headers);
    let t = frame.t;
    if uuid::Uuid::parse_str(&id).is_err() {
        return (StatusCode::NOT_FOUND, t.record_not_found).into_response();
    }
    let cases = state.backend.cases();
    let got = cases
        .clone()
        .get_case(state.backend.as_user(
            s.user_id,
            pb::GetCaseRequest {
                case_id: id.clone(),
                ..Default::default()
            },
        ))
        .await;
    let c = match got.map(|r| r.into_inner().case) {
        Ok(Some(c)) => c,
        // Out of scope answers NOT_FOUND too: the record's existence does not leak.
        Ok(None) | Err(_) => return (StatusCode::NOT_FOUND, t.record_not_found).into_response(),
    };
    let steps = cases
        .clone()
        .get_history(state.backend.as_user(
            s.user_id,
            pb::GetHistoryRequest {
                case_id: id.clone(),
            },
        ))
        .await
        .map(|r| r.into_inner().steps)
        .unwrap_or_default();
    let (message, is_error) = match q.durum.as_str() {
        "not-eklendi" => (Some(t.note_added), false),
        "kaydedildi" => (Some(t.record_closed), false),
        "degisti" => (Some(t.record_changed), true),
        "kural" => (Some(t.note_rule_blocks), true),
        "gecersiz" => (Some(t.text_invalid), true),
        "yetki" => (Some(t.not_allowed), true),
        _ => (None, false),
    };
    let contact = c.contact.clone().unwrap_or_default();
    render(&RecordPage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        mine: c.holder_id == s.user_id.to_string() && c.status == pb::CaseStatus::Held as i32,
        status: status_name(t, c.status),
        note_required: c.note_required_to_close,
        notes: c
            .notes
            .iter()
            .map(|n| NoteView {
                when: when(n.created_at.as_ref()),
                text: n.text.clone(),
            })
            .collect(),
        steps: steps
            .iter()
            .map(|st| StepView {
                when: when(st.occurred_at.as_ref()),
                action: action_name(t, st.action),
            })
            .collect(),
        id: c.id,
        version: c.version,
        tracking_number: c.tracking_number,
        category: c.category,
        text: c.text,
        contact_masked: c.contact_masked,
        name: contact.name,
        phone: contact.phone,
        email: contact.email,
        days_in_pool: c.days_in_pool,
        message,
        is_error,
        frame,
    })
}

/// Checks the form: its version and text, or the status and `durum` to
/// send the person back with.
fn accept(session_csrf: &str, f: &TextForm) -> Result<(i64, String), (StatusCode, &'static str)> {
    if !tokens_match(session_csrf, &f.csrf) {
        return Err((StatusCode::FORBIDDEN, "degisti"));
    }
    let Ok(version) = f.version.parse::<i64>() else {
        return Err((StatusCode::SEE_OTHER, "degisti"));
    };
    let text = f.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err((StatusCode::SEE_OTHER, "gecersiz"));
    }
    Ok((version, text.to_owned()))
}

fn back(id: &str, status: StatusCode, durum: &str) -> Response {
    let mut r = see_other(&format!("/kayit/{id}?durum={durum}"));
    *r.status_mut() = status;
    r
}

/// Whether the case service refused because of the 3-day note rule (its
/// precondition-failure detail names the rule).
fn breaks_note_rule(st: &tonic::Status) -> bool {
    use tonic_types::StatusExt as _;
    st.get_details_precondition_failure()
        .is_some_and(|p| p.violations.iter().any(|v| v.subject == "NoteRequired"))
}

fn outcome(id: &str, r: Result<(), tonic::Status>, done: &str) -> Response {
    let d = match r {
        Ok(()) => done,
        Err(st) => match st.code() {
            Code::InvalidArgument => "gecersiz",
            Code::FailedPrecondition if breaks_note_rule(&st) => "kural",
            Code::PermissionDenied | Code::NotFound => "yetki",
            Code::FailedPrecondition | Code::Aborted => "degisti",
            other => {
                tracing::error!(code = ?other, "a record write failed");
                "degisti"
            }
        },
    };
    back(id, StatusCode::SEE_OTHER, d)
}

/// The two text forms of the record page.
#[derive(Clone, Copy)]
enum TextWrite {
    /// *Not Ekle*.
    Note,
    /// *Yetkili Açıklaması* with *Kaydet*: closes the record.
    Answer,
}

/// Checks the session, the id and the form, then writes the note or the
/// answer with the version the page showed.
async fn write(
    kind: TextWrite,
    state: &AppState,
    headers: &HeaderMap,
    id: String,
    f: &TextForm,
) -> Response {
    let Some((_, s)) = current(state, headers).await else {
        return see_other("/giris");
    };
    if uuid::Uuid::parse_str(&id).is_err() {
        return see_other("/");
    }
    let (version, text) = match accept(&s.csrf_token, f) {
        Ok(v) => v,
        Err((status, durum)) => return back(&id, status, durum),
    };
    let mut cases = state.backend.cases();
    let (result, done) = match kind {
        TextWrite::Note => {
            let req = pb::AddNoteRequest {
                case_id: id.clone(),
                text,
                expected_version: Some(version),
            };
            (
                cases
                    .add_note(state.backend.as_user(s.user_id, req))
                    .await
                    .map(|_| ()),
                "not-eklendi",
            )
        }
        TextWrite::Answer => {
            let req = pb::CloseCaseRequest {
                case_id: id.clone(),
                official_answer: text,
                expected_version: Some(version),
            };
            (
                cases
                    .close_case(state.backend.as_user(s.user_id, req))
                    .await
                    .map(|_| ()),
                "kaydedildi",
            )
        }
    };
    outcome(&id, result, done)
}

/// `POST /kayit/{id}/not`: *Not Ekle*.
pub(super) async fn add_note(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Note, &state, &headers, id, &f).await
}

/// `POST /kayit/{id}/kaydet`: the official answer, closing the record.
pub(super) async fn close(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Answer, &state, &headers, id, &f).await
}
