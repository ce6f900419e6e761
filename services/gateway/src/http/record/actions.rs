//! The record page's forms: *Not Ekle* and the official answer (one form
//! with two buttons, so adding a note keeps the answer typed), *Kaydet ve
//! Kaydı Kapat* (which asks once, by a box to tick), *Üzerime Al*, the pool
//! manager's assignment, the callback agent's outcome and their reopening
//! of a record they resolved today (a transfer has its own page,
//! `http::transfer`). Each checks the session's
//! CSRF token and sends the version the page showed.
//!
//! A success redirects back with a `durum` the page words (unless there is
//! typed text to keep: a note added with an answer waiting shows the page
//! at once, the answer still in its box). A refusal shows the page again
//! with everything typed, the error by its field and the focus on it; when
//! the record left the person meanwhile, the page says where it went
//! (`WhereIsCase`) and keeps what they typed.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::limits;
use tonic::Code;

use super::page::{Field, Shown, Typed, record_page};
use crate::{
    http::{AppState, Frame, see_other, signed_in::SignedIn, views},
    i18n::Texts,
    session::{Session, tokens_match},
};

/// What the record page's forms post (each form sends the fields it has).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(in crate::http) struct TextForm {
    csrf: String,
    text: String,
    version: String,
    /// Callback: the outcome number.
    sonuc: String,
    /// Callback: when to call again (`datetime-local`, Istanbul time).
    zaman: String,
    /// The official answer, in the note's form.
    aciklama: String,
    /// The box confirming that saving the answer closes the record.
    onay: String,
    /// Assignment: the expert.
    uzman: String,
    /// Reopening: the reason.
    gerekce: String,
    /// "Citizen not reached": what was done (a `NotReachedOutcome` number).
    ulasim: String,
    /// "Citizen not reached": the note.
    ulasim_notu: String,
    /// Callback: the citizen's satisfaction score (1–5; empty: not asked).
    puan: String,
    /// Callback: the citizen's comment with the score.
    gorus: String,
    /// Closing: the closure reason's code.
    neden: String,
    /// Reclassifying: the application type's number.
    tur: String,
    /// *Süreyi uzat*: the reason.
    uzatma_gerekcesi: String,
    /// *Süreyi uzat*: the working days the page offered (only to word the
    /// success; the case service decides the days).
    gun: String,
    /// The list the record was opened from, for "next record" (`views`).
    from: String,
    /// The ready answer picked in the answer box (its id).
    hazir: String,
}

impl TextForm {
    /// The form's CSRF token.
    pub(super) fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The ready answer picked (its id; empty: none).
    pub(super) fn ready_answer(&self) -> &str {
        self.hazir.trim()
    }

    /// What was typed into the note and answer form.
    pub(super) fn typed_answer(&self) -> Typed {
        self.typed(TextWrite::Answer)
    }
}

impl TextForm {
    /// What the person typed into the form of `kind`.
    fn typed(&self, kind: TextWrite) -> Typed {
        let mut t = Typed {
            answer: self.aciklama.clone(),
            confirm: !self.onay.is_empty(),
            outcome: self.sonuc.clone(),
            retry_at: self.zaman.clone(),
            reopen_reason: self.gerekce.clone(),
            assignee: self.uzman.clone(),
            reach_outcome: self.ulasim.clone(),
            reach_note: self.ulasim_notu.clone(),
            survey_score: self.puan.clone(),
            survey_comment: self.gorus.clone(),
            closure_reason: self.neden.clone(),
            extend_reason: self.uzatma_gerekcesi.clone(),
            ..Typed::default()
        };
        match kind {
            TextWrite::Callback => t.call_note = self.text.clone(),
            _ => t.note = self.text.clone(),
        }
        t
    }
}

/// A `datetime-local` value read as Europe/Istanbul wall time.
pub(in crate::http) fn istanbul_time(v: &str) -> Option<prost_types::Timestamp> {
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M", v.trim()).ok()?;
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul").ok()?;
    let at = civil.to_zoned(tz).ok()?.timestamp();
    Some(prost_types::Timestamp {
        seconds: at.as_second(),
        nanos: 0,
    })
}

/// Why the callback form cannot be sent as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallbackRefusal {
    /// No outcome chosen.
    NoOutcome,
    /// "Not reached" without a time to call again.
    NoTime,
    /// "Not reached" with a time that has passed.
    PastTime,
}

/// The callback form's outcome and retry time, judged at `now`.
fn callback_fields(
    f: &TextForm,
    now: jiff::Timestamp,
) -> Result<(pb::CallbackOutcome, Option<prost_types::Timestamp>), CallbackRefusal> {
    let outcome = f
        .sonuc
        .parse::<i32>()
        .ok()
        .and_then(|n| pb::CallbackOutcome::try_from(n).ok())
        .filter(|o| *o != pb::CallbackOutcome::Unspecified)
        .ok_or(CallbackRefusal::NoOutcome)?;
    let retry = if outcome == pb::CallbackOutcome::NotReached {
        let at = istanbul_time(&f.zaman).ok_or(CallbackRefusal::NoTime)?;
        if at.seconds <= now.as_second() {
            return Err(CallbackRefusal::PastTime);
        }
        Some(at)
    } else {
        None
    };
    Ok((outcome, retry))
}

/// The satisfaction score the callback agent wrote down: none when not
/// asked; refused (`Err`) with an outcome other than "reached" or outside 1–5.
fn survey_score(f: &TextForm, outcome: pb::CallbackOutcome) -> Result<Option<u32>, ()> {
    let raw = f.puan.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let score = raw
        .parse::<u32>()
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or(())?;
    if outcome == pb::CallbackOutcome::Reached {
        Ok(Some(score))
    } else {
        Err(())
    }
}

fn back(id: &str, status: StatusCode, durum: &str) -> Response {
    let mut r = see_other(&format!("/kayit/{id}?durum={durum}"));
    *r.status_mut() = status;
    r
}

/// Whether the case service refused because of the rule `subject` (its
/// precondition-failure detail names the rule: `NoteRequired`, `SameType`).
fn breaks_rule(st: &tonic::Status, subject: &str) -> bool {
    use tonic_types::StatusExt as _;
    st.get_details_precondition_failure()
        .is_some_and(|p| p.violations.iter().any(|v| v.subject == subject))
}

/// Whether the case service refused field `field` of the request.
fn refused_field(st: &tonic::Status, field: &str) -> bool {
    use tonic_types::StatusExt as _;
    st.get_details_bad_request()
        .is_some_and(|b| b.field_violations.iter().any(|v| v.field == field))
}

/// The forms of the record page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TextWrite {
    /// *Not Ekle*.
    Note,
    /// *Yetkili Açıklaması* with *Kaydet ve Kaydı Kapat*: closes the record.
    Answer,
    /// The callback agent records what the call brought.
    Callback,
    /// *Üzerime Al*.
    Claim,
    /// The pool manager gives the record to an expert of its pool.
    Assign,
    /// The callback agent reopens a record they resolved today.
    Reopen,
    /// Someone of the callback unit records what was done for a citizen
    /// the answer did not reach.
    NotReached,
    /// The holder or the pool's manager changes the application type.
    Reclassify,
    /// *Süreyi uzat*: the 4982 extension of a `bilgi_edinme` record.
    Extend,
    /// The wait for the citizen's information starts (`true`) or ends.
    Await(bool),
}

impl TextWrite {
    /// The field a refused text is about.
    fn text_field(self) -> Field {
        match self {
            Self::Note | Self::Claim => Field::Note,
            Self::Answer => Field::Answer,
            Self::Callback => Field::CallNote,
            Self::Assign => Field::Assignee,
            Self::Reopen => Field::ReopenReason,
            Self::NotReached => Field::ReachNote,
            Self::Reclassify | Self::Await(_) => Field::Note,
            Self::Extend => Field::ExtendReason,
        }
    }

    /// What to say by that field when its text is refused.
    fn text_error(self, texts: &Texts) -> String {
        let t = &texts.record;
        match self {
            Self::Note | Self::Claim => t.note_needed.to_string(),
            Self::Answer => t.answer_needed.to_string(),
            Self::Callback => t.call_note_too_long.to_string(),
            Self::Assign => t.choose_expert.to_owned(),
            Self::Reopen => t.reopen_reason_invalid.to_string(),
            Self::NotReached => t.reach_note_too_long.to_owned(),
            Self::Reclassify | Self::Await(_) => String::new(),
            Self::Extend => texts.deadline.extend_reason_needed.to_owned(),
        }
    }
}

/// The page again after the case service refused a write of `kind`, with
/// what was typed.
fn refusal(frame: &Frame, kind: TextWrite, st: &tonic::Status, typed: Typed) -> Shown {
    let (c, t) = (frame.c, &frame.texts().record);
    let shown = |status, field, error: String, top: Option<&str>| {
        let mut s = Shown::refused(status, field, error, typed.clone());
        s.message = top.map(str::to_owned);
        s
    };
    match st.code() {
        // The words name the case's own rule: the page fills them in from
        // the record it reads.
        Code::FailedPrecondition if breaks_rule(st, "NoteRequired") => {
            let mut s = shown(StatusCode::CONFLICT, Field::Note, String::new(), None);
            s.note_rule_refused = true;
            s
        }
        Code::InvalidArgument
            if kind == TextWrite::Callback && refused_field(st, "survey_score") =>
        {
            shown(
                StatusCode::UNPROCESSABLE_ENTITY,
                Field::SurveyScore,
                frame.texts().survey.callback_already_answered.to_owned(),
                None,
            )
        }
        Code::InvalidArgument if kind == TextWrite::Callback && refused_field(st, "retry_at") => {
            shown(
                StatusCode::UNPROCESSABLE_ENTITY,
                Field::RetryAt,
                t.retry_time_past.to_owned(),
                None,
            )
        }
        // The type it already has: said so, not "changed meanwhile".
        Code::FailedPrecondition
            if kind == TextWrite::Reclassify && breaks_rule(st, "SameType") =>
        {
            let mut s = Shown::ok(Some(frame.texts().classify.type_unchanged.to_owned()), true);
            s.status = StatusCode::UNPROCESSABLE_ENTITY;
            s.typed = typed;
            s
        }
        // A type the list does not offer (a forged form): said on top, as
        // the select has no error place of its own.
        Code::InvalidArgument if kind == TextWrite::Reclassify => {
            let mut s = Shown::ok(Some(frame.texts().classify.type_required.to_owned()), true);
            s.status = StatusCode::UNPROCESSABLE_ENTITY;
            s.typed = typed;
            s
        }
        Code::InvalidArgument
            if kind == TextWrite::Answer && refused_field(st, "closure_reason") =>
        {
            shown(
                StatusCode::UNPROCESSABLE_ENTITY,
                Field::ClosureReason,
                frame.texts().classify.reason_unknown.to_owned(),
                None,
            )
        }
        Code::InvalidArgument if kind == TextWrite::Extend && refused_field(st, "reason") => shown(
            StatusCode::UNPROCESSABLE_ENTITY,
            Field::ExtendReason,
            frame.texts().deadline.extend_reason_too_long.to_owned(),
            None,
        ),
        Code::InvalidArgument if kind == TextWrite::NotReached && refused_field(st, "outcome") => {
            shown(
                StatusCode::UNPROCESSABLE_ENTITY,
                Field::ReachOutcome,
                t.reach_letter_impossible.to_owned(),
                None,
            )
        }
        Code::InvalidArgument => shown(
            StatusCode::UNPROCESSABLE_ENTITY,
            kind.text_field(),
            kind.text_error(frame.texts()),
            None,
        ),
        Code::NotFound => {
            // Gone from the person's sight: the page says where it went.
            let mut s = Shown::ok(Some(c.not_allowed.to_owned()), true);
            s.status = StatusCode::CONFLICT;
            s.typed = typed;
            s
        }
        Code::PermissionDenied => {
            let mut s = Shown::ok(Some(c.not_allowed.to_owned()), true);
            s.status = StatusCode::FORBIDDEN;
            s.typed = typed;
            s
        }
        Code::FailedPrecondition | Code::Aborted => {
            let message = match kind {
                TextWrite::Claim => t.claim_failed,
                TextWrite::Assign => t.assign_failed,
                TextWrite::Reopen => t.reopen_failed,
                TextWrite::NotReached => t.reach_already_done,
                // Not extendable (type, once, passed) or changed meanwhile:
                // the page shows the record as it is now.
                TextWrite::Extend if st.code() == Code::FailedPrecondition => {
                    frame.texts().deadline.extend_refused
                }
                TextWrite::Await(_) => frame.texts().deadline.await_failed,
                _ => t.record_changed,
            };
            let mut s = Shown::ok(Some(message.to_owned()), true);
            s.status = StatusCode::CONFLICT;
            s.typed = typed;
            s
        }
        other => {
            tracing::error!(code = ?other, "a record write failed");
            let mut s = Shown::ok(Some(c.unavailable.to_owned()), true);
            s.status = StatusCode::SERVICE_UNAVAILABLE;
            s.typed = typed;
            s
        }
    }
}

/// The text of `raw` if it is not empty and at most `max` characters.
fn bounded(raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

/// Checks the token, the id and the form of `kind`, sends it to the case
/// service, and answers with where that leads.
async fn write(
    kind: TextWrite,
    state: &AppState,
    frame: Frame,
    s: Session,
    id: String,
    f: &TextForm,
) -> Response {
    if uuid::Uuid::parse_str(&id).is_err() {
        return see_other("/");
    }
    if !tokens_match(&s.csrf_token, &f.csrf) {
        return back(&id, StatusCode::FORBIDDEN, "degisti");
    }
    let t = &frame.texts().record;
    let typed = f.typed(kind);
    let refuse = |field: Field, error: String| {
        Shown::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            error,
            typed.clone(),
        )
    };
    let needs_version = matches!(
        kind,
        TextWrite::Note
            | TextWrite::Answer
            | TextWrite::Callback
            | TextWrite::Assign
            | TextWrite::NotReached
            | TextWrite::Reclassify
            | TextWrite::Extend
            | TextWrite::Await(_)
    );
    let version = f.version.parse::<i64>().ok();
    if needs_version && version.is_none() {
        let mut shown = Shown::ok(Some(t.record_changed.to_owned()), true);
        shown.status = StatusCode::CONFLICT;
        shown.typed = typed;
        return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
    }
    let b = &state.backend;
    let mut cases = b.cases();
    let case_id = id.clone();
    let expected_version = version;
    let result = match kind {
        TextWrite::Note => {
            let Some(text) = bounded(&f.text, limits::NOTE) else {
                let shown = refuse(Field::Note, t.note_needed.to_string());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            };
            let req = pb::AddNoteRequest {
                case_id,
                text,
                expected_version,
            };
            cases.add_note(b.as_user(s.user_id, req)).await.map(|_| ())
        }
        TextWrite::Answer => {
            // The desk's answer keeps to a note's length (the case service
            // would take up to `limits::OFFICIAL_ANSWER`).
            let Some(answer) = bounded(&f.aciklama, limits::NOTE) else {
                let shown = refuse(Field::Answer, t.answer_needed.to_string());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            };
            if f.onay.is_empty() {
                let shown = refuse(Field::Confirm, t.close_confirm_needed.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            if f.neden.trim().is_empty() {
                let shown = refuse(
                    Field::ClosureReason,
                    frame.texts().classify.reason_required.to_owned(),
                );
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let req = pb::CloseCaseRequest {
                case_id,
                official_answer: answer,
                expected_version,
                closure_reason: f.neden.trim().to_owned(),
            };
            let r = cases.close_case(b.as_user(s.user_id, req)).await;
            if let Some(to) = r.as_ref().ok().and_then(|r| {
                let no = r
                    .get_ref()
                    .case
                    .as_ref()
                    .map(|c| c.tracking_number.as_str());
                views::after_action(&f.from, state, &id, "kapatildi", no.unwrap_or_default())
            }) {
                return see_other(&to);
            }
            r.map(|_| ())
        }
        TextWrite::Callback => {
            let (outcome, retry_at) = match callback_fields(f, jiff::Timestamp::now()) {
                Ok(v) => v,
                Err(why) => {
                    let shown = match why {
                        CallbackRefusal::NoOutcome => {
                            refuse(Field::Outcome, t.choose_outcome.to_owned())
                        }
                        CallbackRefusal::NoTime => {
                            refuse(Field::RetryAt, t.retry_time_needed.to_owned())
                        }
                        CallbackRefusal::PastTime => {
                            refuse(Field::RetryAt, t.retry_time_past.to_owned())
                        }
                    };
                    return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
                }
            };
            let note = f.text.trim();
            if note.chars().count() > limits::NOTE {
                let shown = refuse(Field::CallNote, t.call_note_too_long.to_string());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let sv = &frame.texts().survey;
            let survey_score = match survey_score(f, outcome) {
                Ok(v) => v,
                Err(()) => {
                    let shown = refuse(
                        Field::SurveyScore,
                        sv.callback_score_needs_reached.to_owned(),
                    );
                    return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
                }
            };
            if f.gorus.trim().chars().count() > limits::SURVEY_COMMENT {
                let shown = refuse(Field::SurveyScore, sv.comment_too_long.to_string());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let req = pb::RecordCallbackOutcomeRequest {
                case_id,
                outcome: outcome as i32,
                retry_at,
                note: note.to_owned(),
                expected_version,
                survey_score,
                survey_comment: if survey_score.is_some() {
                    f.gorus.trim().to_owned()
                } else {
                    String::new()
                },
            };
            let r = cases
                .record_callback_outcome(b.as_user(s.user_id, req))
                .await;
            if r.is_ok() && outcome != pb::CallbackOutcome::NotReached {
                let no = r
                    .as_ref()
                    .ok()
                    .and_then(|r| r.get_ref().case.as_ref())
                    .map(|c| c.tracking_number.as_str())
                    .unwrap_or_default();
                if let Some(to) = views::after_action(&f.from, state, &id, "sonuclandi", no) {
                    return see_other(&to);
                }
                // Resolved: it left the callback agent's list.
                return see_other("/geri-donus?durum=sonuclandi");
            }
            r.map(|_| ())
        }
        TextWrite::Claim => {
            let req = pb::ClaimCasesRequest {
                case_ids: vec![case_id],
            };
            cases
                .claim_cases(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
        TextWrite::Assign => {
            if uuid::Uuid::parse_str(f.uzman.trim()).is_err() {
                let shown = refuse(Field::Assignee, t.choose_expert.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let req = pb::AssignCasesRequest {
                case_ids: vec![case_id],
                assignee_user_id: f.uzman.trim().to_owned(),
            };
            cases
                .assign_cases(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
        TextWrite::NotReached => {
            let outcome = f
                .ulasim
                .parse::<i32>()
                .ok()
                .and_then(|n| pb::NotReachedOutcome::try_from(n).ok())
                .filter(|o| *o != pb::NotReachedOutcome::Unspecified);
            let Some(outcome) = outcome else {
                let shown = refuse(Field::ReachOutcome, t.reach_choose_needed.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            };
            let note = f.ulasim_notu.trim();
            if note.chars().count() > limits::NOTE {
                let shown = refuse(Field::ReachNote, t.reach_note_too_long.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let req = pb::ResolveNotReachedRequest {
                case_id,
                outcome: outcome as i32,
                note: note.to_owned(),
                expected_version,
            };
            let r = cases.resolve_not_reached(b.as_user(s.user_id, req)).await;
            if r.is_ok() {
                // Done: it left the list the person came from.
                return see_other("/ulasilamayanlar?durum=ulasildi");
            }
            r.map(|_| ())
        }
        TextWrite::Reclassify => {
            let req = pb::ChangeApplicationTypeRequest {
                case_id,
                application_type: f.tur.trim().parse().unwrap_or(0),
                expected_version,
            };
            b.classification()
                .change_application_type(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
        TextWrite::Extend => {
            let reason = f.uzatma_gerekcesi.trim();
            let d = &frame.texts().deadline;
            if reason.is_empty() {
                let shown = refuse(Field::ExtendReason, d.extend_reason_needed.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            if reason.chars().count() > limits::REASON {
                let shown = refuse(Field::ExtendReason, d.extend_reason_too_long.to_owned());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            }
            let req = pb::ExtendLegalDeadlineRequest {
                case_id,
                reason: reason.to_owned(),
                expected_version: expected_version.unwrap_or_default(),
            };
            b.deadlines()
                .extend_legal_deadline(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
        TextWrite::Await(waiting) => {
            let req = pb::SetAwaitingCitizenRequest {
                case_id,
                waiting,
                expected_version: expected_version.unwrap_or_default(),
            };
            b.deadlines()
                .set_awaiting_citizen(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
        TextWrite::Reopen => {
            let Some(reason) = bounded(&f.gerekce, limits::REASON) else {
                let shown = refuse(Field::ReopenReason, t.reopen_reason_invalid.to_string());
                return record_page(state, frame, s, &id, shown.with_from(&f.from)).await;
            };
            let req = pb::ReopenCaseRequest {
                case_id,
                reason,
                expected_version: None,
            };
            cases
                .reopen_case(b.as_user(s.user_id, req))
                .await
                .map(|_| ())
        }
    };
    match result {
        // A note added while an answer waits in its box: the page at once,
        // with the answer kept (a resend is refused by the version).
        Ok(()) if kind == TextWrite::Note && !f.aciklama.trim().is_empty() => {
            let mut shown = Shown::ok(Some(t.note_added.to_owned()), false);
            shown.typed = Typed {
                answer: f.aciklama.clone(),
                confirm: !f.onay.is_empty(),
                closure_reason: f.neden.clone(),
                ..Typed::default()
            };
            record_page(state, frame, s, &id, shown.with_from(&f.from)).await
        }
        Ok(()) => {
            let done = match kind {
                TextWrite::Note => "not-eklendi",
                TextWrite::Answer => "kaydedildi",
                TextWrite::Callback => "geri-donus-kaydedildi",
                TextWrite::Claim => "alindi",
                TextWrite::Assign => "atandi",
                TextWrite::Reopen => "yeniden-acildi",
                TextWrite::NotReached => "ulasildi",
                TextWrite::Reclassify => "tur-degisti",
                TextWrite::Extend => {
                    // The days only word the message; the page reads the
                    // new date from the record.
                    let days = f.gun.trim().parse::<u32>().unwrap_or(0);
                    return back(
                        &id,
                        StatusCode::SEE_OTHER,
                        &format!("sure-uzatildi&gun={days}"),
                    );
                }
                TextWrite::Await(true) => "bilgi-bekleniyor",
                TextWrite::Await(false) => "bilgi-geldi",
            };
            match views::list_address(&f.from, state) {
                // Still on the way through a list: keep it.
                Some(l) => see_other(&format!(
                    "/kayit/{id}?durum={done}&{}",
                    views::from_pair(&l)
                )),
                None => back(&id, StatusCode::SEE_OTHER, done),
            }
        }
        Err(st) => {
            let shown = refusal(&frame, kind, &st, typed);
            record_page(state, frame, s, &id, shown.with_from(&f.from)).await
        }
    }
}

/// `POST /kayit/{id}/not`: *Not Ekle*.
pub(in crate::http) async fn add_note(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Note, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/kaydet`: the official answer, closing the record.
pub(in crate::http) async fn close(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Answer, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/tur`: the application type changed.
pub(in crate::http) async fn reclassify(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Reclassify, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/sure-uzat`: *Süreyi uzat* (Law 4982 art. 11).
pub(in crate::http) async fn extend_deadline(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Extend, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/bilgi-bekle`: *Vatandaştan bilgi bekleniyor*.
pub(in crate::http) async fn await_citizen(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Await(true), &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/bilgi-geldi`: *Bilgi geldi, devam*.
pub(in crate::http) async fn citizen_answered(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Await(false), &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/geri-donus`: a callback's outcome.
pub(in crate::http) async fn record_callback(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Callback, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/al`: *Üzerime Al* from the record page.
pub(in crate::http) async fn claim(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Claim, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/ata`: the pool manager assigns it to an expert.
pub(in crate::http) async fn assign(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Assign, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/yeniden-ac`: the callback agent reopens a record they
/// resolved today.
pub(in crate::http) async fn reopen(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Reopen, &state, frame, s, id, &f).await
}

/// `POST /kayit/{id}/ulasilamadi`: what was done for a citizen the answer
/// did not reach.
pub(in crate::http) async fn resolve_not_reached(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    frame: Frame,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::NotReached, &state, frame, s, id, &f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_time_is_istanbul_wall_time() {
        // 25 Nov 2026 10:30 in Istanbul (UTC+3) is 07:30 UTC.
        let t = istanbul_time("2026-11-25T10:30").unwrap();
        assert_eq!(
            jiff::Timestamp::new(t.seconds, 0).unwrap().to_string(),
            "2026-11-25T07:30:00Z"
        );
        assert!(istanbul_time("25.11.2026 10:30").is_none());
    }

    #[test]
    fn not_reached_needs_a_time_in_the_future_and_an_outcome_is_required() {
        let f = |sonuc: &str, zaman: &str| TextForm {
            sonuc: sonuc.into(),
            zaman: zaman.into(),
            ..Default::default()
        };
        // 25 Nov 2026 09:00 in Istanbul.
        let now: jiff::Timestamp = "2026-11-25T06:00:00Z".parse().unwrap();
        let check = |sonuc, zaman| callback_fields(&f(sonuc, zaman), now);
        assert_eq!(check("", "").unwrap_err(), CallbackRefusal::NoOutcome);
        assert_eq!(check("0", "").unwrap_err(), CallbackRefusal::NoOutcome);
        assert_eq!(check("2", "").unwrap_err(), CallbackRefusal::NoTime);
        assert_eq!(
            check("2", "2026-11-25T08:59").unwrap_err(),
            CallbackRefusal::PastTime,
            "a time that has passed is said to be past, not an empty text"
        );
        assert!(check("2", "2026-11-25T10:30").unwrap().1.is_some());
        assert_eq!(
            check("1", "").unwrap(),
            (pb::CallbackOutcome::Reached, None)
        );
    }

    #[test]
    fn a_satisfaction_score_is_one_to_five_and_only_for_a_citizen_reached() {
        let f = |puan: &str| TextForm {
            puan: puan.into(),
            ..Default::default()
        };
        let reached = pb::CallbackOutcome::Reached;
        assert_eq!(survey_score(&f(""), reached), Ok(None));
        assert_eq!(survey_score(&f("4"), reached), Ok(Some(4)));
        assert_eq!(survey_score(&f("6"), reached), Err(()));
        assert_eq!(
            survey_score(&f("4"), pb::CallbackOutcome::NotReached),
            Err(())
        );
        assert_eq!(
            survey_score(&f(""), pb::CallbackOutcome::Unreachable),
            Ok(None)
        );
    }
}
