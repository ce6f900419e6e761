//! The *Yetkili Açıklaması* box's ready answers and preview: the record's
//! category's ready answers (and the general ones) to pick from, *Yerleştir*
//! filling the chosen one for this record (tracking number, the applicant's
//! name as this person sees it, dates) into the answer box, and *Önizle*
//! showing what the citizen receives on the record's reply channel,
//! rendered by notify (`PreviewReply`: the code that renders what is sent,
//! SMS segments counted). Both are posts of the record page's form, so they
//! work without scripts and keep everything typed: the page comes back with
//! the note, the answer and the closing choices as they were.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, notify_v1 as npb};

use super::{
    actions::TextForm,
    page::{Field, Shown, record_page},
};
use crate::{
    http::{AppState, Frame, signed_in::SignedIn},
    i18n::ready_answers::ReadyAnswerTexts,
    session::{Session, tokens_match},
};

/// One message of the preview, in words.
pub(in crate::http) struct MessageView {
    pub(in crate::http) channel: &'static str,
    pub(in crate::http) subject: String,
    pub(in crate::http) body: String,
    /// "2 SMS (GSM 7 bit, Türkçe karakterli)"; empty for other channels.
    pub(in crate::http) cost: String,
    /// When it goes and what it carries, in words.
    pub(in crate::http) notes: String,
}

/// What the citizen receives, as the page shows it.
pub(in crate::http) struct PreviewView {
    pub(in crate::http) messages: Vec<MessageView>,
    /// Nothing written carries the answer on this reply channel.
    pub(in crate::http) nothing_written: bool,
    /// Placeholders left in the answer, in words.
    pub(in crate::http) unfilled: Option<String>,
    /// The answer alone as an SMS, in words.
    pub(in crate::http) answer_cost: String,
}

impl std::fmt::Debug for PreviewView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The texts carry the applicant's name: only their number shows.
        f.debug_struct("PreviewView")
            .field("messages", &self.messages.len())
            .finish_non_exhaustive()
    }
}

/// The ready answers offered for `case`: its category's and the general
/// ones, (id, label, chosen); empty when notify is not configured.
pub(super) async fn choices(
    state: &AppState,
    s: &Session,
    case: &pb::Case,
    chosen: &str,
    t: &ReadyAnswerTexts,
) -> Vec<(String, String, bool)> {
    let Some(mut client) = state.backend.ready_answers() else {
        return Vec::new();
    };
    let Ok(r) = client
        .list_ready_answers(state.backend.as_user(
            s.user_id,
            npb::ListReadyAnswersRequest {
                category: case.category.clone(),
                include_general: true,
                ..Default::default()
            },
        ))
        .await
    else {
        return Vec::new();
    };
    r.into_inner()
        .ready_answers
        .into_iter()
        .map(|a| {
            let label = if a.language == "tr" {
                a.title
            } else {
                format!("{} ({})", a.title, t.language_name(&a.language))
            };
            (a.id.clone(), label, a.id == chosen)
        })
        .collect()
}

/// The record as this person may read it, for filling and previewing.
async fn case_of(state: &AppState, s: &Session, id: &str) -> Option<pb::Case> {
    state
        .backend
        .cases()
        .get_case(state.backend.as_user(
            s.user_id,
            pb::GetCaseRequest {
                case_id: id.to_owned(),
                ..Default::default()
            },
        ))
        .await
        .ok()?
        .into_inner()
        .case
}

fn context(case: &pb::Case) -> npb::ReplyContext {
    npb::ReplyContext {
        tracking_number: case.tracking_number.clone(),
        applicant_name: case
            .contact
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        applied_at: case.created_at,
        case_id: case.id.clone(),
    }
}

/// `POST /kayit/{id}/hazir-cevap`: *Yerleştir*.
pub(in crate::http) async fn insert_ready_answer(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    if !tokens_match(&s.csrf_token, f.csrf()) {
        return crate::http::message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    }
    let t = &frame.texts().ready_answers;
    let mut typed = f.typed_answer();
    typed.ready_answer = f.ready_answer().to_owned();
    let case = case_of(&state, &s, &id).await;
    let filled = match (&case, state.backend.ready_answers()) {
        (Some(case), Some(mut client)) if !f.ready_answer().is_empty() => client
            .get_ready_answer(state.backend.as_user(
                s.user_id,
                npb::GetReadyAnswerRequest {
                    id: f.ready_answer().to_owned(),
                    context: Some(context(case)),
                    include_history: false,
                },
            ))
            .await
            .ok()
            .map(|r| r.into_inner().filled_body),
        _ => None,
    };
    let shown = match filled {
        Some(text) => {
            typed.answer = text;
            let mut shown = Shown::ok(Some(t.inserted.to_owned()), false);
            shown.typed = typed;
            shown
        }
        None => Shown::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            Field::Answer,
            t.choose.to_owned(),
            typed,
        ),
    };
    record_page(&state, frame, s, &id, shown).await
}

/// `POST /kayit/{id}/onizle`: *Önizle*.
pub(in crate::http) async fn preview_answer(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    if !tokens_match(&s.csrf_token, f.csrf()) {
        return crate::http::message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    }
    let t = &frame.texts().ready_answers;
    let mut typed = f.typed_answer();
    typed.ready_answer = f.ready_answer().to_owned();
    if typed.answer.trim().is_empty() {
        let shown = Shown::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            Field::Answer,
            t.answer_needed.to_owned(),
            typed,
        );
        return record_page(&state, frame, s, &id, shown).await;
    }
    let case = case_of(&state, &s, &id).await;
    let preview = match (&case, state.backend.ready_answers()) {
        (Some(case), Some(mut client)) => client
            .preview_reply(state.backend.as_user(
                s.user_id,
                npb::PreviewReplyRequest {
                    reply_channel: case.reply_channel,
                    answer: typed.answer.replace("\r\n", "\n"),
                    context: Some(context(case)),
                },
            ))
            .await
            .map_err(|st| tracing::warn!(code = ?st.code(), "the answer preview failed"))
            .ok()
            .map(|r| view(r.into_inner(), t)),
        _ => None,
    };
    let mut shown = match &preview {
        Some(_) => Shown::ok(None, false),
        None => {
            let mut s = Shown::ok(Some(t.unavailable.to_owned()), true);
            s.status = StatusCode::SERVICE_UNAVAILABLE;
            s
        }
    };
    shown.typed = typed;
    shown.preview = preview;
    record_page(&state, frame, s, &id, shown).await
}

fn view(p: npb::PreviewReplyResponse, t: &ReadyAnswerTexts) -> PreviewView {
    let nothing_written = !p.messages.iter().any(|m| m.carries_answer);
    PreviewView {
        messages: p
            .messages
            .into_iter()
            .map(|m| {
                let channel = match npb::MessageChannel::try_from(m.channel) {
                    Ok(npb::MessageChannel::Email) => t.email,
                    Ok(npb::MessageChannel::Social) => t.social,
                    _ => t.sms,
                };
                let mut notes = Vec::new();
                if m.carries_answer {
                    notes.push(t.carries_answer);
                }
                if m.requires_consent {
                    notes.push(t.needs_consent);
                }
                MessageView {
                    channel,
                    subject: m.subject,
                    body: m.body,
                    cost: if m.encoding.is_empty() {
                        String::new()
                    } else {
                        (t.sms_cost)(m.segments, t.encoding(&m.encoding))
                    },
                    notes: notes.join("; "),
                }
            })
            .collect(),
        nothing_written,
        unfilled: (!p.unfilled_placeholders.is_empty())
            .then(|| (t.unfilled)(&p.unfilled_placeholders.join(", "))),
        answer_cost: (t.sms_cost)(p.answer_segments, t.encoding(&p.answer_encoding)),
    }
}
