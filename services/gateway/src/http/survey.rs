//! The citizens' signed-link pages, no sign-in: the status page with the
//! official answer (`/takip/d/{token}`) and the satisfaction survey
//! (`/anket/{token}`, its thanks and its opt-out). The link is the key: a
//! token notify signed for this purpose and case, not expired (see
//! `tekmerkez-signed-link`); anything else reads "not valid" (or
//! "expired"), naming nothing. The status link needs no digits and is not
//! counted against `/takip`'s limits (it cannot be guessed); it shows the
//! official answer, which `/takip` with the digits never does.
//!
//! The survey takes one answer per case: the case service refuses a second
//! (`ALREADY_EXISTS`: "Bu anket zaten yanıtlandı"), while the same form sent
//! twice (a double click, Back and send) carries the same key and is the
//! same answer. A refused form comes back with the score and comment
//! typed, the error by its field.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use rand::RngCore as _;
use tekmerkez_proto::{case_v1 as pb, notify_v1 as npb};
use tekmerkez_signed_link::{LinkError, Purpose};
use tekmerkez_types::limits;
use tonic::Code;
use uuid::Uuid;

use super::{AppState, Frame, message_page, render, see_other};
use crate::i18n::survey::SurveyTexts;

/// The survey page in one of its states.
#[derive(askama::Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    frame: Frame,
    t: &'static SurveyTexts,
    token: String,
    tracking_number: String,
    /// The form (else only the message).
    show_form: bool,
    /// The opt-out button (the link is valid).
    show_opt_out: bool,
    /// A message on top, and whether it is an error.
    message: Option<(String, bool)>,
    score: String,
    comment: String,
    key: String,
    score_error: Option<String>,
    comment_error: Option<String>,
}

impl SurveyPage {
    fn new(frame: Frame, token: &str) -> Self {
        Self {
            t: &frame.texts().survey,
            frame,
            token: token.to_owned(),
            tracking_number: String::new(),
            show_form: false,
            show_opt_out: false,
            message: None,
            score: String::new(),
            comment: String::new(),
            key: String::new(),
            score_error: None,
            comment_error: None,
        }
    }

    fn said(mut self, text: &str, error: bool) -> Self {
        self.message = Some((text.to_owned(), error));
        self
    }
}

fn page(status: StatusCode, p: &SurveyPage) -> Response {
    let mut r = render(p);
    *r.status_mut() = status;
    r
}

/// The case a link opens for `purpose`, or why not: 404 (not valid:
/// forged, cut, for something else) or 410 (expired).
fn verify(state: &AppState, token: &str, purpose: Purpose) -> Result<Uuid, StatusCode> {
    let Some(links) = &state.links else {
        return Err(StatusCode::NOT_FOUND);
    };
    match links.verify(token, purpose, jiff::Timestamp::now()) {
        Ok(id) => Ok(id),
        Err(LinkError::Expired) => Err(StatusCode::GONE),
        Err(e) => {
            tracing::info!(reason = %e, "a signed link was refused");
            Err(StatusCode::NOT_FOUND)
        }
    }
}

/// The case a survey link opens, or the survey page saying why not.
fn open(state: &AppState, token: &str, frame: Frame) -> Result<(Uuid, Frame), Box<Response>> {
    match verify(state, token, Purpose::Survey) {
        Ok(id) => Ok((id, frame)),
        Err(status) => {
            let p = SurveyPage::new(frame, token);
            let text = if status == StatusCode::GONE {
                p.t.expired_link
            } else {
                p.t.invalid_link
            };
            Err(Box::new(page(status, &p.said(text, true))))
        }
    }
}

/// What the case service says a link's case shows.
async fn public_status(
    state: &AppState,
    id: Uuid,
) -> Result<pb::GetPublicStatusResponse, tonic::Status> {
    state
        .backend
        .cases()
        .get_public_status(state.backend.as_gateway(pb::GetPublicStatusRequest {
            case_id: id.to_string(),
        }))
        .await
        .map(tonic::Response::into_inner)
}

fn fresh_key() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// `GET /takip/d/{token}`: the status and, once resolved, the official answer.
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
) -> Response {
    let t = &frame.texts().survey;
    let id = match verify(&state, &token, Purpose::Status) {
        Ok(id) => id,
        Err(StatusCode::GONE) => {
            return message_page(&frame, StatusCode::GONE, t.status_link_expired);
        }
        Err(status) => return message_page(&frame, status, t.status_link_invalid),
    };
    match public_status(&state, id).await {
        Ok(s) => super::track::signed_status_page(frame, &s),
        Err(st) if st.code() == Code::NotFound => {
            let text = frame.texts().survey.status_link_invalid;
            message_page(&frame, StatusCode::NOT_FOUND, text)
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "reading a signed link's status failed");
            message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable)
        }
    }
}

/// `GET /anket/{token}`: the form, or that it was answered.
pub(super) async fn form(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
) -> Response {
    let (id, frame) = match open(&state, &token, frame) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let s = match public_status(&state, id).await {
        Ok(s) => s,
        Err(st) => {
            let p = SurveyPage::new(frame, &token);
            return if st.code() == Code::NotFound {
                let text = p.t.invalid_link;
                page(StatusCode::NOT_FOUND, &p.said(text, true))
            } else {
                tracing::error!(code = ?st.code(), "reading a survey's case failed");
                let text = p.t.unavailable;
                page(StatusCode::SERVICE_UNAVAILABLE, &p.said(text, true))
            };
        }
    };
    let mut p = SurveyPage::new(frame, &token);
    p.tracking_number = s.tracking_number;
    p.show_opt_out = true;
    if s.survey_answered {
        let text = p.t.already_answered;
        return page(StatusCode::OK, &p.said(text, false));
    }
    p.show_form = true;
    p.key = fresh_key();
    page(StatusCode::OK, &p)
}

/// What the survey form posts.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct AnswerForm {
    /// The score, 1 to 5.
    puan: String,
    /// The comment.
    yorum: String,
    /// The form's one-time key: the same form sent twice is one answer.
    anahtar: String,
    /// The application's number, as the form showed it.
    takip: String,
}

/// `POST /anket/{token}`: records the answer once.
pub(super) async fn answer(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Response {
    let (id, frame) = match open(&state, &token, frame) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let t = &frame.texts().survey;
    let mut p = SurveyPage::new(frame, &token);
    p.show_form = true;
    p.show_opt_out = true;
    p.tracking_number = f.takip.chars().take(16).collect();
    p.score.clone_from(&f.puan);
    p.comment.clone_from(&f.yorum);
    let key_ok = !f.anahtar.is_empty()
        && f.anahtar.len() <= 64
        && f.anahtar.bytes().all(|b| b.is_ascii_hexdigit());
    p.key = if key_ok {
        f.anahtar.clone()
    } else {
        fresh_key()
    };
    let score = f
        .puan
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|s| (1..=5).contains(s));
    if score.is_none() {
        p.score_error = Some(t.choose_score.to_owned());
    }
    let comment = f.yorum.trim().to_owned();
    if comment.chars().count() > limits::SURVEY_COMMENT {
        p.comment_error = Some(t.comment_too_long.to_string());
    }
    let Some(score) = score.filter(|_| p.comment_error.is_none()) else {
        return page(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let req = pb::RecordSurveyResponseRequest {
        case_id: id.to_string(),
        tracking_number: String::new(),
        score,
        comment,
        source: pb::SurveySource::Link as i32,
        idempotency_key: format!("link:{}", p.key),
    };
    match state
        .backend
        .cases()
        .record_survey_response(state.backend.as_gateway(req))
        .await
    {
        Ok(_) => see_other(&format!("/anket/{token}/tesekkurler")),
        Err(st) => match st.code() {
            Code::AlreadyExists => {
                let mut p = p.said(t.already_answered, false);
                p.show_form = false;
                page(StatusCode::CONFLICT, &p)
            }
            Code::NotFound => {
                let mut p = p.said(t.invalid_link, true);
                p.show_form = false;
                p.show_opt_out = false;
                page(StatusCode::NOT_FOUND, &p)
            }
            Code::InvalidArgument => {
                use tonic_types::StatusExt as _;
                let on_comment = st
                    .get_details_bad_request()
                    .is_some_and(|b| b.field_violations.iter().any(|v| v.field == "comment"));
                if on_comment {
                    p.comment_error = Some(t.comment_too_long.to_string());
                } else {
                    p.score_error = Some(t.choose_score.to_owned());
                }
                page(StatusCode::UNPROCESSABLE_ENTITY, &p)
            }
            other => {
                tracing::error!(code = ?other, "recording a survey answer failed");
                let p = p.said(t.unavailable, true);
                page(StatusCode::SERVICE_UNAVAILABLE, &p)
            }
        },
    }
}

/// `GET /anket/{token}/tesekkurler`: after an answer (a reload shows it again).
pub(super) async fn thanks(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
) -> Response {
    let frame = match open(&state, &token, frame) {
        Ok((_, frame)) => frame,
        Err(r) => return *r,
    };
    let mut p = SurveyPage::new(frame, &token);
    p.show_opt_out = true;
    let text = format!("{}. {}", p.t.thanks, p.t.thanks_detail);
    page(StatusCode::OK, &p.said(&text, false))
}

/// `POST /anket/{token}/ret`: "send me no more surveys", kept by notify
/// per contact detail of the case's applicant.
pub(super) async fn opt_out(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
) -> Response {
    let (id, frame) = match open(&state, &token, frame) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let unavailable = |frame: Frame| {
        let p = SurveyPage::new(frame, &token);
        let text = p.t.unavailable;
        page(StatusCode::SERVICE_UNAVAILABLE, &p.said(text, true))
    };
    let Some(mut notify) = state.backend.notify() else {
        return unavailable(frame);
    };
    let req = state.backend.as_gateway(npb::OptOutOfSurveysRequest {
        case_id: id.to_string(),
    });
    match notify.opt_out_of_surveys(req).await {
        Ok(_) => see_other(&format!("/anket/{token}/ret")),
        Err(st) => {
            tracing::error!(code = ?st.code(), "recording a survey opt-out failed");
            unavailable(frame)
        }
    }
}

/// `GET /anket/{token}/ret`: the opt-out is recorded.
pub(super) async fn opted_out(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(token): Path<String>,
) -> Response {
    let frame = match open(&state, &token, frame) {
        Ok((_, frame)) => frame,
        Err(r) => return *r,
    };
    let p = SurveyPage::new(frame, &token);
    let text = p.t.opted_out;
    page(StatusCode::OK, &p.said(text, false))
}
