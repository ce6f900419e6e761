//! The record page itself (`GET /kayit/{id}`) and its attachments'
//! downloads.

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::{
    catalogue::{Category, name_of},
    limits,
    text::{isolate_bidi, strip_bidi},
};
use tonic::Code;

use super::{
    delivery_log::{DeliveryView, deliveries},
    duplicates::{DuplicateView, duplicates},
    related::{Related, related},
    when,
};
use crate::{
    http::{AppState, Frame, message_page, render, signed_in::SignedIn},
    i18n::{
        Texts,
        record::{DeliveryTexts, NoteRule, RecordTexts, RelatedTexts},
    },
    session::Session,
};

struct NoteView {
    when: String,
    text: String,
    /// The staff member who wrote it (empty for a citizen's message).
    author: String,
    /// Set for a citizen's follow-up message (an e-mail reply and the like).
    from_citizen: bool,
}

struct FileView {
    id: String,
    name: String,
    size: String,
}

/// The citizen's satisfaction answer, as the desk reads it.
struct SurveyView {
    score: u32,
    /// How it came, in words.
    source: &'static str,
    when: String,
    comment: String,
}

struct StepView {
    when: String,
    action: &'static str,
    /// Who did it: a person's name, or "the system".
    by: String,
    /// `from → to` of status, holder and pool, where they changed.
    moves: Vec<String>,
    /// The transfer or reopen reason, the callback outcome, in words.
    detail: String,
}

/// What the person typed into the record page's forms: a refused or
/// failed submit shows the page again with all of it.
#[derive(Debug, Default, Clone)]
pub(super) struct Typed {
    pub(super) note: String,
    pub(super) answer: String,
    pub(super) confirm: bool,
    pub(super) outcome: String,
    pub(super) retry_at: String,
    pub(super) call_note: String,
    pub(super) reopen_reason: String,
    pub(super) assignee: String,
    /// "Citizen not reached": what was done (the outcome's number) and a note.
    pub(super) reach_outcome: String,
    pub(super) reach_note: String,
    /// The callback form's satisfaction score (1–5, empty: not asked).
    pub(super) survey_score: String,
    pub(super) survey_comment: String,
    /// The close form's closure reason (a code).
    pub(super) closure_reason: String,
    /// *Süreyi uzat*: the reason.
    pub(super) extend_reason: String,
    /// The ready answer picked in the answer box (its id).
    pub(super) ready_answer: String,
}

impl Typed {
    fn is_empty(&self) -> bool {
        self.note.trim().is_empty()
            && self.answer.trim().is_empty()
            && self.call_note.trim().is_empty()
            && self.reopen_reason.trim().is_empty()
            && self.reach_note.trim().is_empty()
            && self.survey_comment.trim().is_empty()
            && self.extend_reason.trim().is_empty()
    }
}

/// The field a refusal is about: its error is shown by it, and it gets the
/// focus (`autofocus`, so without scripts too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Note,
    Answer,
    Confirm,
    Outcome,
    RetryAt,
    CallNote,
    ReopenReason,
    Assignee,
    ReachOutcome,
    ReachNote,
    SurveyScore,
    ClosureReason,
    ExtendReason,
}

/// How the record page is shown: a message at the top, an error by a field,
/// and what was typed.
#[derive(Debug)]
pub(super) struct Shown {
    pub(super) status: StatusCode,
    pub(super) message: Option<String>,
    pub(super) is_error: bool,
    pub(super) field_error: Option<(Field, String)>,
    pub(super) typed: Typed,
    /// The legal due date was just extended (by this many working days, 0
    /// when not known): the message names the new date, read from the record.
    pub(super) extended_by: Option<u32>,
    /// A close was refused by the note rule: the message and the error by
    /// the note box name the case's own rule (its policy's days), read from
    /// the record.
    pub(super) note_rule_refused: bool,
    /// *Önizle*: what the citizen receives for the answer typed.
    pub(super) preview: Option<super::ready_answer::PreviewView>,
    /// The list the record was opened from (`path?filters`, checked when
    /// used), for "next record" and the way back.
    pub(super) from: String,
}

impl Shown {
    /// The same, remembering the list the record was opened from.
    pub(super) fn with_from(mut self, from: &str) -> Self {
        from.clone_into(&mut self.from);
        self
    }

    /// The page as a GET shows it, with `message` on top.
    pub(super) fn ok(message: Option<String>, is_error: bool) -> Self {
        Self {
            status: StatusCode::OK,
            message,
            is_error,
            field_error: None,
            typed: Typed::default(),
            extended_by: None,
            note_rule_refused: false,
            preview: None,
            from: String::new(),
        }
    }

    /// A refusal: `status`, the error by `field`, everything typed kept.
    pub(super) fn refused(status: StatusCode, field: Field, error: String, typed: Typed) -> Self {
        Self {
            status,
            message: None,
            is_error: true,
            field_error: Some((field, error)),
            typed,
            extended_by: None,
            note_rule_refused: false,
            preview: None,
            from: String::new(),
        }
    }

    fn error(&self, f: Field) -> Option<&str> {
        self.field_error
            .as_ref()
            .filter(|(field, _)| *field == f)
            .map(|(_, e)| e.as_str())
    }
}

#[derive(askama::Template)]
#[template(path = "record.html")]
struct RecordPage {
    frame: Frame,
    /// The answer box's ready answers: (id, label, chosen).
    ready_answers: Vec<(String, String, bool)>,
    /// *Önizle*: what the citizen receives.
    preview: Option<super::ready_answer::PreviewView>,
    /// The ready answers' words.
    ra: &'static crate::i18n::ready_answers::ReadyAnswerTexts,
    /// The list the record was opened from (`path?filters`; empty when
    /// none), kept in the forms for "next record".
    from_list: String,
    /// "Next record" in that list.
    next_href: Option<String>,
    /// The transfer page, remembering that list.
    transfer_href: String,
    t: &'static RecordTexts,
    /// The answer letter of a letter reply, in words (number, whether it
    /// was posted), and its PDF for whoever posts letters.
    letter: String,
    letter_pdf: Option<String>,
    csrf: String,
    display_name: String,
    id: String,
    version: i64,
    tracking_number: String,
    status: &'static str,
    category: String,
    text: String,
    received_at: String,
    channel: &'static str,
    /// Where: the place in words and, with a point, its map.
    place: crate::http::place_map::PlaceSection,
    urgent: bool,
    holder: String,
    contact_masked: bool,
    name: String,
    phone: String,
    email: String,
    address: String,
    days_in_pool: u32,
    pool: String,
    reply_channel: &'static str,
    /// The number or address the reply channel uses (masked where the role
    /// does not need it, as the case service sent it).
    reply_to: String,
    official_answer: String,
    mine: bool,
    note_required: bool,
    /// The note rule's warning, for this case's rule.
    note_rule_warning: String,
    /// An expert may claim it from the pool, or a callback agent from the
    /// callback pool.
    can_claim: bool,
    /// A pool manager may assign it to an expert of its pool: the experts.
    assignees: Vec<(String, String, bool)>,
    /// Pool manager or admin, record not resolved: the link to *Kaydı Aktar*.
    can_transfer: bool,
    /// The incident it is linked to: its id and reference.
    incident: Option<(String, String)>,
    /// An open, unlinked record and someone who works incidents: the open
    /// incidents it may be linked to (id, label), and the declaration link.
    incident_choices: Vec<(String, String)>,
    can_declare_incident: bool,
    /// The callback agent holds it: the outcome form.
    callback_mine: bool,
    callback_attempts: u32,
    callback_retry_at: String,
    /// The answer did not reach the citizen: what, why and when, in words.
    not_reached: Option<String>,
    /// The person may record what was done about it (the callback unit of
    /// the pool, its manager, an admin; the case service decides again).
    can_resolve_not_reached: bool,
    reach_outcome_error: Option<String>,
    reach_note_error: Option<String>,
    notes: Vec<NoteView>,
    files: Vec<FileView>,
    steps: Vec<StepView>,
    /// Messages to the citizen (notify's delivery log); `None` when notify
    /// is not configured or did not answer.
    deliveries: Option<Vec<DeliveryView>>,
    /// Notify is configured but did not answer.
    delivery_error: bool,
    /// Headings of the delivery log, in the page's language.
    delivery_labels: &'static DeliveryTexts,
    /// The citizen's other applications; `None` when the case service did
    /// not answer.
    related: Option<Related>,
    related_labels: &'static RelatedTexts,
    /// The records this one may repeat; `None` when the case service did
    /// not answer.
    duplicates: Option<Vec<DuplicateView>>,
    /// A duplicate's original: (id, tracking number).
    merged_into: Option<(String, String)>,
    message: Option<String>,
    is_error: bool,
    typed: Typed,
    note_error: Option<String>,
    answer_error: Option<String>,
    confirm_error: Option<String>,
    outcome_error: Option<String>,
    retry_error: Option<String>,
    call_note_error: Option<String>,
    assignee_error: Option<String>,
    /// The satisfaction survey's words.
    sv: &'static crate::i18n::survey::SurveyTexts,
    /// The citizen's answer, once given.
    survey: Option<SurveyView>,
    survey_error: Option<String>,
    /// Classification words.
    cl: &'static crate::i18n::classify::ClassifyTexts,
    /// The application type, in words.
    application_type: &'static str,
    /// The source, with a partner's reference ("CİMER — başvuru no. …").
    source_line: String,
    /// The closure reason's label, once closed.
    closure_reason: String,
    /// The close form's reasons: code, label, chosen.
    reasons: Vec<(String, String, bool)>,
    reason_error: Option<String>,
    /// The holder or the pool's manager may change the type: the types
    /// (number, label, current).
    type_choices: Vec<(i32, &'static str, bool)>,
    /// The legal due date in words with the working days left ("1 Nisan
    /// 2026 — 21 iş günü kaldı", "uzatıldı" when extended); empty when none.
    legal_due: String,
    /// The internal target's time; empty when none.
    internal_due: String,
    /// The internal target has passed (and is not paused): said in words
    /// beside it, as the lists mark it.
    internal_passed: bool,
    /// Waiting for the citizen's information.
    awaiting_citizen: bool,
    /// Deadline words.
    dl: &'static crate::i18n::deadline::DeadlineTexts,
    /// *Süreyi uzat* is offered: the working days it adds (0: not offered).
    extension_days: u32,
    /// The hint above the extension form, with the days.
    extend_hint: String,
    extend_error: Option<String>,
    /// The holder, the pool's manager or an admin may start or end the
    /// wait for the citizen (open record).
    can_await: bool,
}

/// Whether `case` may be extended now (Law 4982 art. 11: a `bilgi_edinme`
/// record still open, not yet extended, its due date not passed) by one
/// who acts on its due dates; the case service decides again.
fn extendable(case: &pb::Case, acts: bool) -> bool {
    acts && case.status != pb::CaseStatus::Resolved as i32
        && case.application_type == tekmerkez_proto::common_v1::ApplicationType::BilgiEdinme as i32
        && !case.legal_due_date.is_empty()
        && !case.legal_extended
        && case.legal_extension_days > 0
        && case.legal_days_left.is_some_and(|n| n >= 0)
}

/// The legal due date of `case` in `texts`' words.
fn legal_due_line(texts: &Texts, case: &pb::Case) -> String {
    let t = &texts.record;
    let Some(date) = texts.track.long_date(&case.legal_due_date) else {
        return String::new();
    };
    let left = match case.legal_days_left {
        Some(0) => t.due_today.to_owned(),
        Some(n) if n > 0 => t.days_left.replace("{n}", &n.to_string()),
        Some(n) => t.days_late.replace("{n}", &n.unsigned_abs().to_string()),
        None => String::new(),
    };
    let mut line = format!("{date} — {left}");
    if case.legal_extended {
        line.push_str(&format!(" ({})", t.extended));
    }
    line
}

/// The page for a record the person can no longer see: what happened to
/// it (when they held or worked it), what they typed, and the callback
/// agent's reopening form.
#[derive(askama::Template)]
#[template(path = "record_gone.html")]
struct GonePage {
    frame: Frame,
    t: &'static RecordTexts,
    csrf: String,
    display_name: String,
    id: String,
    tracking_number: String,
    message: String,
    /// The person did the last move themselves (resolved it): told, not warned.
    by_caller: bool,
    typed: Typed,
    has_typed: bool,
    can_reopen: bool,
    reopen_error: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(in crate::http) struct Durum {
    durum: String,
    /// After an extension: by how many working days.
    gun: String,
    /// After a merge: the merged record's tracking number.
    no: String,
    /// The list the record was opened from (`views`).
    from: String,
    /// After "next record": what happened to the previous one.
    eylem: String,
}

/// The record's answer letter in words (`Sayı TM-2026-000001 — postalandı
/// (06.12.2026 14:05)`), and its PDF's address when `role` posts letters.
fn letter_line(frame: &Frame, case: &pb::Case, role: i32) -> (String, Option<String>) {
    if case.letter_number.is_empty() {
        return (String::new(), None);
    }
    let t = &frame.texts().letters;
    let state = match case.letter_posted_at.as_ref() {
        Some(at) => format!(
            "{} ({})",
            t.record_posted,
            crate::http::record::when(Some(at))
        ),
        None => t.record_waiting.to_owned(),
    };
    let pdf = crate::http::letters::posts_letters(role)
        .then(|| format!("/mektuplar/{}/pdf", case.letter_id));
    (
        format!("{}: {} — {state}", t.number, case.letter_number),
        pdf,
    )
}

fn action_name(texts: &Texts, a: i32) -> &'static str {
    use pb::HistoryAction as A;
    let t = &texts.record;
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
        A::CitizenMessageAdded => t.step_citizen_message,
        A::ProvinceCorrected => texts.transfer.step_province_corrected,
        A::DistrictCorrected => texts.transfer.step_district_corrected,
        A::CategoryCorrected => texts.transfer.step_category_corrected,
        A::CitizenNotReached => t.step_not_reached,
        A::NotReachedResolved => t.step_not_reached_resolved,
        A::SurveyAnswered => texts.survey.step,
        A::LetterPosted => texts.letters.step_posted,
        A::TypeChanged => texts.classify.step_type_changed,
        A::LegalDeadlineExtended => t.step_legal_extended,
        A::AwaitingCitizenStarted => t.step_awaiting_started,
        A::AwaitingCitizenEnded => t.step_awaiting_ended,
        A::DeadlineOverdue => texts.due.step_overdue,
        A::DeadlineEscalated => texts.due.step_escalated,
        A::DeadlinesBackfilled => texts.due.step_backfilled,
        A::LinkedToIncident => t.step_linked_to_incident,
        A::UnlinkedFromIncident => t.step_unlinked_from_incident,
        A::MergedInto => texts.duplicates.step_merged_into,
        A::DuplicateMerged => texts.duplicates.step_duplicate_merged,
        A::AutoAssigned => texts.assignment.step_auto_assigned,
        A::Unspecified => "",
    }
}

/// A task step's detail in words: the case service records outcomes,
/// reply channels and channels as codes; reasons people wrote stay as they
/// are.
fn step_detail(frame: &Frame, categories: &[Category], st: &pb::HistoryStep) -> String {
    use pb::HistoryAction as A;
    let (c, t) = (frame.c, &frame.texts().record);
    let d = st.detail.as_str();
    // The case service writes an enum's value as its proto name without the
    // prefix, in lower case (`not_reached` is CALLBACK_OUTCOME_NOT_REACHED):
    // the generated code reads it back, so no list of codes is kept here.
    let value_of = |prefix: &str| {
        (!d.is_empty() && d.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .then(|| format!("{prefix}{}", d.to_ascii_uppercase()))
    };
    let outcome = value_of("CALLBACK_OUTCOME_")
        .and_then(|n| pb::CallbackOutcome::from_str_name(&n))
        .filter(|o| *o != pb::CallbackOutcome::Unspecified);
    if let Some(o) = outcome {
        let i = usize::try_from(o as i32).unwrap_or_default();
        return t.outcome_short.get(i).copied().unwrap_or(d).to_owned();
    }
    let reply = value_of("REPLY_CHANNEL_")
        .and_then(|n| tekmerkez_proto::common_v1::ReplyChannel::from_str_name(&n))
        .and_then(|r| usize::try_from(r as i32).ok())
        .filter(|i| *i != 0);
    let channel = value_of("CHANNEL_")
        .and_then(|n| tekmerkez_proto::common_v1::Channel::from_str_name(&n))
        .filter(|ch| *ch != tekmerkez_proto::common_v1::Channel::Unspecified);
    match A::try_from(st.action).unwrap_or_default() {
        A::SurveyAnswered => frame
            .texts()
            .survey
            .step_detail(d)
            .unwrap_or_else(|| d.to_owned()),
        A::Resolved if d == "information_only" => t.information_given.to_owned(),
        A::Resolved => reply.map_or_else(
            || d.to_owned(),
            |i| format!("{}: {}", t.reply_sent_by, t.reply_channel_names[i]),
        ),
        a @ (A::ProvinceCorrected | A::DistrictCorrected | A::CategoryCorrected) => {
            crate::http::transfer::correction_detail(
                &frame.texts().transfer,
                categories,
                frame.english(),
                a,
                d,
            )
        }
        A::CitizenMessageAdded => {
            channel.map_or_else(|| d.to_owned(), |ch| c.channel_name(ch as i32).to_owned())
        }
        // "<channel>: <reason code>", as notify reported it.
        A::CitizenNotReached => d.split_once(": ").map_or_else(
            || d.to_owned(),
            |(channel, reason)| {
                let w = &t.delivery;
                let channel = if channel == "email" {
                    c.email_channel
                } else if channel == "sms" {
                    "SMS"
                } else {
                    c.channel_name(tekmerkez_proto::common_v1::Channel::SocialMedia as i32)
                };
                format!("{channel}: {}", w.reason(reason).unwrap_or(w.reason_other))
            },
        ),
        A::NotReachedResolved => value_of("NOT_REACHED_OUTCOME_")
            .and_then(|n| pb::NotReachedOutcome::from_str_name(&n))
            .and_then(|o| usize::try_from(o as i32).ok())
            .and_then(|i| t.reach_outcomes.get(i).copied())
            .map_or_else(|| d.to_owned(), str::to_owned),
        // "<old code> → <new code>": the types' names.
        A::TypeChanged => d.split_once(" → ").map_or_else(
            || d.to_owned(),
            |(from, to)| {
                let cl = &frame.texts().classify;
                let name = |code: &str| {
                    tekmerkez_proto::common_v1::ApplicationType::from_str_name(&format!(
                        "APPLICATION_TYPE_{}",
                        code.to_ascii_uppercase()
                    ))
                    .map_or_else(|| code.to_owned(), |t| cl.type_name(t as i32).to_owned())
                };
                format!("{} → {}", name(from), name(to))
            },
        ),
        // "<minutes> min", as the case service writes the time waited.
        A::AwaitingCitizenEnded => d
            .strip_suffix(" min")
            .and_then(|m| m.parse::<u64>().ok())
            .map_or_else(|| d.to_owned(), |m| (t.waited)(m / 60, m % 60)),
        // The letter's number (sayı), which the case service writes as it is.
        A::LetterPosted => format!("{}: {d}", frame.texts().letters.number),
        // "<deadline>:<due value>", as the escalation scheduler writes it.
        A::DeadlineOverdue | A::DeadlineEscalated | A::DeadlinesBackfilled => {
            crate::http::due::deadline_detail(&frame.texts().due, d)
        }
        _ => d.to_owned(),
    }
}

fn step_view(frame: &Frame, categories: &[Category], st: &pb::HistoryStep) -> StepView {
    let (c, t) = (frame.c, &frame.texts().record);
    let mut moves = Vec::new();
    if st.from_status != st.to_status && st.from_status != 0 {
        moves.push(format!(
            "{}: {} → {}",
            t.step_status,
            c.status_name(st.from_status),
            c.status_name(st.to_status)
        ));
    }
    if st.from_holder_id != st.to_holder_id {
        let name = |n: &str| {
            if n.is_empty() {
                t.nobody.to_owned()
            } else {
                n.to_owned()
            }
        };
        moves.push(format!(
            "{}: {} → {}",
            t.step_holder,
            name(&st.from_holder_display_name),
            name(&st.to_holder_display_name)
        ));
    }
    if st.from_pool_id != st.to_pool_id && !st.from_pool_id.is_empty() {
        moves.push(format!(
            "{}: {} → {}",
            t.step_pool, st.from_pool_name, st.to_pool_name
        ));
    }
    StepView {
        when: when(st.occurred_at.as_ref()),
        action: action_name(frame.texts(), st.action),
        by: if st.actor_display_name.is_empty() {
            t.the_system.to_owned()
        } else {
            st.actor_display_name.clone()
        },
        moves,
        detail: step_detail(frame, categories, st),
    }
}

/// The words for a record's last move, told to its former holder.
fn gone_message(texts: &Texts, w: &pb::WhereIsCaseResponse) -> String {
    use pb::HistoryAction as A;
    let t = &texts.record;
    let g = &t.gone;
    let actor = if w.actor_display_name.is_empty() {
        t.the_system
    } else {
        w.actor_display_name.as_str()
    };
    let at = when(w.occurred_at.as_ref());
    let (holder, pool) = (w.to_holder_display_name.as_str(), w.to_pool_name.as_str());
    match A::try_from(w.action).unwrap_or_default() {
        A::Assigned => (g.assigned)(actor, holder, &at),
        A::Claimed => (g.claimed)(actor, holder, &at),
        A::Transferred => (g.transferred)(actor, pool, &at),
        A::ClosedByExpert => (g.closed)(actor, "", &at),
        A::Resolved => (g.resolved)(actor, "", &at),
        A::CallbackClaimed => (g.callback_claimed)(actor, holder, &at),
        A::Reopened => (g.reopened)(actor, pool, &at),
        other => (g.other)(actor, action_name(texts, other as i32), &at),
    }
}

/// `GET /kayit/{id}`.
pub(in crate::http) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    Query(q): Query<Durum>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let texts = frame.texts();
    let (c, t) = (frame.c, &texts.record);
    let (message, is_error) = match q.durum.as_str() {
        "not-eklendi" => (Some(t.note_added.to_owned()), false),
        "kaydedildi" => (Some(t.record_closed.to_owned()), false),
        "degisti" => (Some(t.record_changed.to_owned()), true),
        "gecersiz" => (Some(t.text_invalid.to_string()), true),
        "yetki" => (Some(c.not_allowed.to_owned()), true),
        "sonuc-yok" => (Some(t.choose_outcome.to_owned()), true),
        "zaman" => (Some(t.retry_time_needed.to_owned()), true),
        "geri-donus-kaydedildi" => (Some(t.callback_saved.to_owned()), false),
        "alindi" => (Some(t.claimed.to_owned()), false),
        "atandi" => (Some(t.assigned.to_owned()), false),
        "yeniden-acildi" => (Some(t.reopened.to_owned()), false),
        "tur-degisti" => (Some(texts.classify.type_changed.to_owned()), false),
        "bilgi-bekleniyor" => (Some(texts.deadline.await_started.to_owned()), false),
        "bilgi-geldi" => (Some(texts.deadline.await_ended.to_owned()), false),
        "sonraki" => (
            Some(crate::http::views::next_message(
                &texts.views,
                &q.eylem,
                &q.no,
            )),
            false,
        ),
        other => match super::duplicates::message(texts, other, &q.no) {
            Some((text, is_error)) => (Some(text), is_error),
            None => (None, false),
        },
    };
    let mut shown = Shown::ok(message, is_error).with_from(&q.from);
    if q.durum == "sure-uzatildi" {
        shown.extended_by = Some(q.gun.parse().unwrap_or(0));
    }
    if q.durum == "kural" {
        shown.note_rule_refused = true;
        shown.is_error = true;
    }
    record_page(&state, frame, s, &id, shown).await
}

/// The record page as `shown` asks, or, when the person may no longer see
/// the record, what happened to it (and what they typed).
pub(super) async fn record_page(
    state: &AppState,
    frame: Frame,
    s: Session,
    id: &str,
    shown: Shown,
) -> Response {
    let texts = frame.texts();
    let (c, t) = (frame.c, &texts.record);
    if uuid::Uuid::parse_str(id).is_err() {
        return gone_page(state, frame, s, id, shown).await;
    }
    let cases = state.backend.cases();
    let got = cases
        .clone()
        .get_case(state.backend.as_user(
            s.user_id,
            pb::GetCaseRequest {
                case_id: id.to_owned(),
                ..Default::default()
            },
        ))
        .await;
    let case = match got.map(|r| r.into_inner().case) {
        Ok(Some(case)) => case,
        // Out of scope answers NOT_FOUND too: the record's existence does not leak.
        Ok(None) | Err(_) => return gone_page(state, frame, s, id, shown).await,
    };
    // Both only now, after the case service let this user read the case.
    let mut history = cases.clone();
    let (steps, related, duplicates) = tokio::join!(
        history.get_history(state.backend.as_user(
            s.user_id,
            pb::GetHistoryRequest {
                case_id: id.to_owned(),
            },
        )),
        related(state, s.user_id, id, texts, frame.english()),
        duplicates(state, s.user_id, &case, texts),
    );
    let steps = steps.map(|r| r.into_inner().steps).unwrap_or_default();
    let role = pb::Role::try_from(s.role).unwrap_or_default();
    let status = pb::CaseStatus::try_from(case.status).unwrap_or_default();
    let open = status != pb::CaseStatus::Resolved;
    let manager = matches!(
        role,
        pb::Role::PoolManager | pb::Role::DirectorateManager | pb::Role::Admin
    );
    let can_transfer = open && manager;
    let works_incidents =
        <super::super::signed_in::IncidentWorkers as super::super::signed_in::Roles>::allow(s.role);
    let linkable = works_incidents
        && case.incident_id.is_empty()
        && matches!(status, pb::CaseStatus::InPool | pb::CaseStatus::Held);
    let incident_choices = if linkable {
        super::super::incidents::open_incidents(state, &s).await
    } else {
        Vec::new()
    };
    let incident = (!case.incident_id.is_empty())
        .then(|| (case.incident_id.clone(), case.incident_reference.clone()));
    let province = case.location.as_ref().map_or(0, |l| l.province_code);
    let pools = state
        .backend
        .directory()
        .list_pools(state.backend.as_user(
            s.user_id,
            pb::ListPoolsRequest {
                province_code: province,
            },
        ))
        .await
        .map(|r| r.into_inner().pools)
        .unwrap_or_default();
    let pool = pools
        .iter()
        .find(|p| p.id == case.pool_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let assignable = manager && matches!(status, pb::CaseStatus::InPool | pb::CaseStatus::Held);
    let assignees = if assignable {
        state
            .backend
            .directory()
            .list_users(state.backend.as_user(
                s.user_id,
                pb::ListUsersRequest {
                    pool_id: case.pool_id.clone(),
                    role: pb::Role::Expert as i32,
                },
            ))
            .await
            .map(|r| r.into_inner().users)
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.active && u.id != case.holder_id)
            .map(|u| {
                let chosen = u.id == shown.typed.assignee;
                (u.id, u.display_name, chosen)
            })
            .collect()
    } else {
        Vec::new()
    };
    let me = s.user_id.to_string();
    let callback_mine = role == pb::Role::CallbackAgent
        && case.holder_id == me
        && status == pb::CaseStatus::AwaitingCallback;
    let not_reached = case
        .not_reached
        .as_ref()
        .map(|m| crate::http::cases::not_reached_text(&frame, m));
    let can_resolve_not_reached = not_reached.is_some()
        && matches!(
            role,
            pb::Role::CallbackAgent
                | pb::Role::PoolManager
                | pb::Role::DirectorateManager
                | pb::Role::Admin
        );
    let can_claim = case.holder_id.is_empty()
        && match role {
            pb::Role::Expert => status == pb::CaseStatus::InPool,
            pb::Role::CallbackAgent => status == pb::CaseStatus::AwaitingCallback,
            _ => false,
        };
    let holder = if case.holder_id.is_empty() {
        t.nobody.to_owned()
    } else {
        steps
            .iter()
            .rev()
            .find(|st| st.to_holder_id == case.holder_id)
            .map(|st| st.to_holder_display_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| {
                if case.holder_id == me {
                    s.display_name.clone()
                } else {
                    String::new()
                }
            })
    };
    let contact = case.contact.clone().unwrap_or_default();
    let phone = crate::http::readable_phone(&contact.phone);
    let reply_to = match tekmerkez_proto::common_v1::ReplyChannel::try_from(case.reply_channel)
        .unwrap_or_default()
    {
        tekmerkez_proto::common_v1::ReplyChannel::Sms
        | tekmerkez_proto::common_v1::ReplyChannel::PhoneCallback => phone.clone(),
        tekmerkez_proto::common_v1::ReplyChannel::Email => contact.email.clone(),
        tekmerkez_proto::common_v1::ReplyChannel::Letter => contact.postal_address.clone(),
        // The platform and the citizen's id there (masked like the rest of
        // the contact for whoever may not see it).
        tekmerkez_proto::common_v1::ReplyChannel::Social => contact
            .social
            .as_ref()
            .map(social_address)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let place = crate::http::place_map::PlaceSection::of(
        case.location.as_ref(),
        &state.map,
        &frame.texts().place_map,
    );
    // Only now, after the case service let this user read the case.
    let deliveries = deliveries(state, &case.id, texts).await;
    let (letter, letter_pdf) = letter_line(&frame, &case, s.role);
    let cl = &texts.classify;
    let reasons_all = closure_reasons(state, s.user_id).await;
    let closure_reason = if case.closure_reason.is_empty() {
        String::new()
    } else {
        reasons_all
            .iter()
            .find(|r| r.code == case.closure_reason)
            .map(|r| {
                if frame.english() {
                    r.label_en.clone()
                } else {
                    r.label_tr.clone()
                }
            })
            .unwrap_or_else(|| case.closure_reason.clone())
    };
    let source_line = if case.partner_reference.is_empty() {
        cl.source_name(case.source).to_owned()
    } else {
        format!(
            "{} — {} {}",
            cl.source_name(case.source),
            cl.partner_reference_prefix,
            case.partner_reference
        )
    };
    let reasons = reasons_all
        .iter()
        .filter(|r| r.active)
        .map(|r| {
            (
                r.code.clone(),
                if frame.english() {
                    r.label_en.clone()
                } else {
                    r.label_tr.clone()
                },
                shown.typed.closure_reason == r.code,
            )
        })
        .collect();
    let may_reclassify = status != pb::CaseStatus::Resolved
        && (case.holder_id == me || matches!(role, pb::Role::PoolManager | pb::Role::Admin));
    let type_choices = if may_reclassify {
        (1..=6)
            .map(|n| (n, cl.type_name(n), n == case.application_type))
            .collect()
    } else {
        Vec::new()
    };
    let dl = &texts.deadline;
    let acts_on_deadline = status != pb::CaseStatus::Resolved && (case.holder_id == me || manager);
    let extension_days = if extendable(&case, acts_on_deadline) {
        case.legal_extension_days
    } else {
        0
    };
    let mut message = shown.message.clone();
    let rule = NoteRule::of(&case);
    let mut field_error = shown.field_error.clone();
    if shown.note_rule_refused {
        message = Some((t.note_rule_blocks)(rule));
        if field_error.is_some() {
            field_error = Some((Field::Note, (t.note_first)(rule)));
        }
    }
    let error = |f: Field| {
        field_error
            .as_ref()
            .filter(|(field, _)| *field == f)
            .map(|(_, e)| e.clone())
    };
    if let Some(days) = shown.extended_by {
        let date = texts
            .track
            .long_date(&case.legal_due_date)
            .unwrap_or_default();
        let words = if days == 0 {
            dl.extended_no_days.to_owned()
        } else {
            dl.extended.replace("{n}", &days.to_string())
        };
        message = Some(words.replace("{date}", &date));
    }
    // The answer box's ready answers: only for the holder, who answers.
    let ready_answers = if case.holder_id == me && status == pb::CaseStatus::Held {
        super::ready_answer::choices(
            state,
            &s,
            &case,
            &shown.typed.ready_answer,
            &texts.ready_answers,
        )
        .await
    } else {
        Vec::new()
    };
    let from = crate::http::views::list_address(&shown.from, state);
    let next_href = from.as_ref().map(|l| {
        format!(
            "/kayit/sonraki?{}&once={}",
            crate::http::views::from_pair(l),
            case.id
        )
    });
    let transfer_href = match &from {
        Some(l) => format!(
            "/kayit/{}/aktar?{}",
            case.id,
            crate::http::views::from_pair(l)
        ),
        None => format!("/kayit/{}/aktar", case.id),
    };
    let mut r = render(&RecordPage {
        from_list: from.as_ref().map(|l| l.href()).unwrap_or_default(),
        next_href,
        transfer_href,
        dl,
        extension_days,
        extend_hint: dl
            .extend_hint
            .replace("{n}", &case.legal_extension_days.to_string()),
        extend_error: error(Field::ExtendReason),
        can_await: acts_on_deadline,
        legal_due: legal_due_line(texts, &case),
        internal_due: case
            .internal_due_at
            .as_ref()
            .map(|t| when(Some(t)))
            .unwrap_or_default(),
        awaiting_citizen: case.awaiting_citizen_since.is_some(),
        internal_passed: open
            && case.awaiting_citizen_since.is_none()
            && case
                .internal_due_at
                .as_ref()
                .is_some_and(|t| t.seconds <= jiff::Timestamp::now().as_second()),
        cl,
        application_type: cl.type_name(case.application_type),
        source_line,
        closure_reason,
        reasons,
        reason_error: error(Field::ClosureReason),
        type_choices,
        letter,
        letter_pdf,
        related,
        related_labels: &t.related,
        duplicates,
        merged_into: Some((
            case.merged_into_case_id.clone(),
            case.merged_into_tracking_number.clone(),
        ))
        .filter(|(id, _)| !id.is_empty()),
        delivery_error: deliveries.is_none() && state.backend.notify().is_some(),
        deliveries,
        delivery_labels: &t.delivery,
        csrf: s.csrf_token,
        display_name: s.display_name,
        mine: case.holder_id == me && status == pb::CaseStatus::Held,
        can_claim,
        assignees,
        can_transfer,
        incident,
        incident_choices,
        can_declare_incident: linkable,
        callback_mine,
        callback_attempts: case.callback_attempts,
        callback_retry_at: when(case.callback_retry_at.as_ref()),
        not_reached,
        can_resolve_not_reached,
        reach_outcome_error: error(Field::ReachOutcome),
        reach_note_error: error(Field::ReachNote),
        pool,
        reply_channel: usize::try_from(case.reply_channel)
            .ok()
            .and_then(|i| t.reply_channel_names.get(i).copied())
            .unwrap_or_default(),
        reply_to,
        official_answer: case.official_answer.clone(),
        status: c.status_name(case.status),
        note_required: case.note_required_to_close,
        note_rule_warning: (t.note_rule_warning)(rule),
        received_at: when(case.created_at.as_ref()),
        channel: c.channel_name(case.channel),
        place,
        urgent: case.urgency == tekmerkez_proto::common_v1::Urgency::Urgent as i32,
        holder,
        notes: case
            .notes
            .iter()
            .map(|n| NoteView {
                when: when(n.created_at.as_ref()),
                text: isolate_bidi(&n.text).into_owned(),
                author: n.author_display_name.clone(),
                from_citizen: n.author == pb::NoteAuthor::Citizen as i32,
            })
            .collect(),
        files: case.attachments.iter().map(file_view).collect(),
        steps: steps
            .iter()
            .map(|st| step_view(&frame, &state.categories, st))
            .collect(),
        id: case.id,
        version: case.version,
        tracking_number: case.tracking_number,
        category: name_of(&state.categories, &case.category, frame.english()).to_owned(),
        // Citizen text keeps its bidi controls but cannot reorder the page
        // around it; names lose them (as new ones do at intake).
        text: isolate_bidi(&case.text).into_owned(),
        contact_masked: case.contact_masked,
        name: strip_bidi(&contact.name).into_owned(),
        phone,
        email: contact.email,
        address: isolate_bidi(&contact.postal_address).into_owned(),
        days_in_pool: case.days_in_pool,
        note_error: error(Field::Note),
        answer_error: error(Field::Answer),
        confirm_error: error(Field::Confirm),
        outcome_error: error(Field::Outcome),
        retry_error: error(Field::RetryAt),
        call_note_error: error(Field::CallNote),
        assignee_error: error(Field::Assignee),
        survey_error: error(Field::SurveyScore),
        sv: &texts.survey,
        survey: case.survey.as_ref().map(|a| SurveyView {
            score: a.score,
            source: texts.survey.source(a.source),
            when: when(a.answered_at.as_ref()),
            comment: a.comment.clone(),
        }),
        message,
        is_error: shown.is_error,
        typed: shown.typed,
        ready_answers,
        preview: shown.preview,
        ra: &texts.ready_answers,
        frame,
        t,
    });
    *r.status_mut() = shown.status;
    r
}

/// The record is not (or no longer) the person's to see: what happened to
/// it when they held or worked it, else "not found" (the same for a record
/// that does not exist); in the signed-in frame, with what they typed.
async fn gone_page(state: &AppState, frame: Frame, s: Session, id: &str, shown: Shown) -> Response {
    let texts = frame.texts();
    let t = &texts.record;
    let where_is = if uuid::Uuid::parse_str(id).is_ok() {
        state
            .backend
            .cases()
            .where_is_case(state.backend.as_user(
                s.user_id,
                pb::WhereIsCaseRequest {
                    case_id: id.to_owned(),
                },
            ))
            .await
            .map(tonic::Response::into_inner)
            .ok()
    } else {
        None
    };
    let (status, message, tracking_number, can_reopen) = match &where_is {
        Some(w) => (
            StatusCode::OK,
            gone_message(texts, w),
            w.tracking_number.clone(),
            w.reopenable_until.is_some(),
        ),
        None => (
            StatusCode::NOT_FOUND,
            t.gone.not_found.to_owned(),
            String::new(),
            false,
        ),
    };
    let mut r = render(&GonePage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        id: if where_is.is_some() {
            id.to_owned()
        } else {
            String::new()
        },
        tracking_number,
        message,
        by_caller: where_is.as_ref().is_some_and(|w| w.by_caller),
        has_typed: !shown.typed.is_empty(),
        reopen_error: shown.error(Field::ReopenReason).map(str::to_owned),
        typed: shown.typed,
        can_reopen,
        frame,
        t,
    });
    // A refused write on a record the person worked keeps its own status;
    // a page read, or any request about a record they never saw, answers by
    // where the record is (404 alike for missing and out of scope).
    *r.status_mut() = if where_is.is_none() || shown.status == StatusCode::OK {
        status
    } else {
        shown.status
    };
    r
}

/// A file size as people read it (`12 KB`).
/// Where a reply in a social-media conversation goes: `WhatsApp ·
/// 905321234567` (the platform's name, the citizen's id as the case
/// service gave it, masked for a viewer who may not see it).
fn social_address(s: &tekmerkez_proto::common_v1::SocialAddress) -> String {
    use tekmerkez_proto::common_v1::SocialPlatform as P;
    let platform = match P::try_from(s.platform).unwrap_or_default() {
        P::Whatsapp => "WhatsApp",
        P::Messenger => "Messenger",
        P::Instagram => "Instagram",
        P::X => "X",
        P::Unspecified => return String::new(),
    };
    format!("{platform} · {}", s.user_id)
}

/// A file as the record lists it: its name without bidi controls, so a
/// name stored before intake removed them (`Ödeme \u{202E}gnp.exe`) shows
/// what it is (`Ödeme gnp.exe`), not "Ödeme exe.png".
fn file_view(a: &pb::Attachment) -> FileView {
    FileView {
        id: a.id.clone(),
        name: strip_bidi(&a.file_name).into_owned(),
        size: size_text(a.size_bytes),
    }
}

fn size_text(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// `GET /kayit/{id}/ek/{file}`: one attachment, as a download (never shown
/// inline, so a file can do nothing in the UI's origin).
pub(in crate::http) async fn attachment(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path((id, file)): Path<(String, String)>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    use axum::response::IntoResponse as _;
    let not_found = frame.texts().record.record_not_found;
    if uuid::Uuid::parse_str(&id).is_err() || uuid::Uuid::parse_str(&file).is_err() {
        return message_page(&frame, StatusCode::NOT_FOUND, not_found);
    }
    let req = state.backend.as_user(
        s.user_id,
        pb::GetAttachmentRequest {
            case_id: id,
            attachment_id: file,
        },
    );
    let got = match state.backend.cases().get_attachment(req).await {
        Ok(r) => r.into_inner(),
        Err(st) => {
            if !matches!(st.code(), Code::NotFound | Code::PermissionDenied) {
                tracing::error!(code = ?st.code(), "reading an attachment failed");
            }
            return message_page(&frame, StatusCode::NOT_FOUND, not_found);
        }
    };
    let meta = got.attachment.unwrap_or_default();
    let content_type = match meta.content_type.as_str() {
        t @ ("image/jpeg" | "image/png" | "application/pdf") => t,
        _ => "application/octet-stream",
    };
    // Saved without bidi controls too: a file manager would show the name
    // reordered.
    let file_name = strip_bidi(&meta.file_name);
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        file_name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        crate::http::cases::query_value(&file_name)
    );
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        got.content,
    )
        .into_response()
}

/// Every closure reason (inactive ones name the reason of cases closed
/// with them), asked as `user`; none when the case service did not answer
/// (the close form then has no reason to offer, and the page says so by
/// the refused close).
async fn closure_reasons(state: &AppState, user: uuid::Uuid) -> Vec<pb::ClosureReason> {
    state
        .backend
        .classification()
        .list_closure_reasons(state.backend.as_user(
            user,
            pb::ListClosureReasonsRequest {
                include_inactive: true,
            },
        ))
        .await
        .map(|r| r.into_inner().reasons)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::TR;

    #[test]
    fn the_legal_due_date_reads_in_words_with_the_working_days_left() {
        let case = |days_left, extended| pb::Case {
            legal_due_date: "2026-04-01".into(),
            legal_days_left: Some(days_left),
            legal_extended: extended,
            ..Default::default()
        };
        assert_eq!(
            legal_due_line(&TR, &case(21, false)),
            "1 Nisan 2026 — 21 iş günü kaldı"
        );
        assert_eq!(
            legal_due_line(&TR, &case(0, false)),
            "1 Nisan 2026 — bugün son gün"
        );
        assert_eq!(
            legal_due_line(&TR, &case(-2, true)),
            "1 Nisan 2026 — 2 iş günü gecikti (uzatıldı)"
        );
        assert_eq!(
            legal_due_line(&crate::i18n::EN, &case(3, false)),
            "1 April 2026 — 3 working days left"
        );
        assert_eq!(
            legal_due_line(&TR, &pb::Case::default()),
            "",
            "older records have none"
        );
    }

    #[test]
    fn every_task_step_has_words_in_both_languages() {
        // Every value the contract defines (0, unspecified, aside), by
        // number, so a value added to the proto without words here fails.
        let defined: Vec<i32> = (1..200)
            .filter(|n| pb::HistoryAction::try_from(*n).is_ok())
            .collect();
        assert!(defined.contains(&(pb::HistoryAction::DeadlinesBackfilled as i32)));
        for texts in [&TR, &crate::i18n::EN] {
            for n in &defined {
                assert!(!action_name(texts, *n).is_empty(), "history action {n}");
            }
        }
        assert!(
            action_name(&TR, pb::HistoryAction::DeadlinesBackfilled as i32)
                .contains("açılış tarihinden")
        );
    }

    fn at(s: &str) -> Option<prost_types::Timestamp> {
        let t: jiff::Timestamp = s.parse().unwrap();
        Some(prost_types::Timestamp {
            seconds: t.as_second(),
            nanos: 0,
        })
    }

    #[test]
    fn a_former_holder_reads_who_moved_the_record_where_in_words() {
        let w = |action: pb::HistoryAction| pb::WhereIsCaseResponse {
            action: action as i32,
            actor_display_name: "Ayşe Yıldırım".into(),
            to_holder_display_name: "Zeynep Çelik".into(),
            to_pool_name: "İzmir Su Arıza Birimi".into(),
            occurred_at: at("2026-12-06T07:30:00Z"),
            ..Default::default()
        };
        assert_eq!(
            gone_message(&TR, &w(pb::HistoryAction::Assigned)),
            "Bu kayıt artık sizde değil: Ayşe Yıldırım tarafından Zeynep Çelik'e aktarıldı (06.12.2026 10:30)."
        );
        assert_eq!(
            gone_message(&TR, &w(pb::HistoryAction::Transferred)),
            "Bu kayıt artık sizde değil: Ayşe Yıldırım tarafından “İzmir Su Arıza Birimi” havuzuna aktarıldı (06.12.2026 10:30)."
        );
        let by_service = pb::WhereIsCaseResponse {
            actor_display_name: String::new(),
            ..w(pb::HistoryAction::Resolved)
        };
        assert_eq!(
            gone_message(&TR, &by_service),
            "Bu kayıt sonuçlandı: sistem, 06.12.2026 10:30."
        );
    }

    #[test]
    fn task_step_details_are_words_not_codes() {
        // No language cookie: Turkish.
        let frame = Frame::of(&axum::http::HeaderMap::new());
        let step = |action: pb::HistoryAction, detail: &str| pb::HistoryStep {
            action: action as i32,
            detail: detail.into(),
            ..Default::default()
        };
        let words = |a, d| step_detail(&frame, &[], &step(a, d));
        assert_eq!(
            words(pb::HistoryAction::CallbackRecorded, "not_reached"),
            "ulaşılamadı"
        );
        assert_eq!(
            words(pb::HistoryAction::Resolved, "reached"),
            "ulaşıldı, bilgi verildi"
        );
        assert_eq!(
            words(pb::HistoryAction::Resolved, "email"),
            "yanıt kanalı: E-posta"
        );
        assert_eq!(
            words(pb::HistoryAction::Resolved, "information_only"),
            "bilgi verilerek kapatıldı"
        );
        assert_eq!(
            words(pb::HistoryAction::CitizenMessageAdded, "web_form"),
            "Web formu"
        );
        assert_eq!(
            words(pb::HistoryAction::TypeChanged, "talep → bilgi_edinme"),
            "Talep → Bilgi edinme"
        );
        assert_eq!(
            words(pb::HistoryAction::AwaitingCitizenEnded, "0 min"),
            "0 dakika beklendi"
        );
        assert_eq!(
            words(pb::HistoryAction::AwaitingCitizenEnded, "125 min"),
            "2 saat 5 dakika beklendi"
        );
        // Every value of each enum reads back from its code, however many words.
        for (a, d) in [
            (pb::HistoryAction::CallbackRecorded, "unreachable"),
            (pb::HistoryAction::Resolved, "phone_callback"),
            (pb::HistoryAction::Resolved, "no_contact"),
            (pb::HistoryAction::CitizenMessageAdded, "face_to_face"),
            (pb::HistoryAction::CitizenMessageAdded, "social_media"),
        ] {
            let w = words(a, d);
            assert!(!w.is_empty() && !w.contains('_'), "{d}: {w}");
        }
        // A reason people wrote stays as written.
        assert_eq!(
            words(pb::HistoryAction::Transferred, "Çevre birimine ait."),
            "Çevre birimine ait."
        );
        let moved = step_view(
            &frame,
            &[],
            &pb::HistoryStep {
                action: pb::HistoryAction::Assigned as i32,
                actor_display_name: "Ayşe Yıldırım".into(),
                from_status: pb::CaseStatus::Held as i32,
                to_status: pb::CaseStatus::Held as i32,
                from_holder_id: "a".into(),
                to_holder_id: "b".into(),
                from_holder_display_name: "Mehmet Öztürk".into(),
                to_holder_display_name: "Zeynep Çelik".into(),
                from_pool_id: "p".into(),
                to_pool_id: "p".into(),
                ..Default::default()
            },
        );
        assert_eq!(moved.by, "Ayşe Yıldırım");
        assert_eq!(moved.moves, ["kişi: Mehmet Öztürk → Zeynep Çelik"]);
    }

    #[test]
    fn a_file_name_with_a_right_to_left_override_shows_what_it_is() {
        let f = file_view(&pb::Attachment {
            file_name: "Ödeme \u{202E}gnp.exe".into(),
            ..Default::default()
        });
        assert_eq!(f.name, "Ödeme gnp.exe");
    }

    #[test]
    fn file_sizes_read_in_bytes_then_kilobytes() {
        assert_eq!(size_text(900), "900 B");
        assert_eq!(size_text(1024), "1 KB");
        assert_eq!(size_text(256 * 1024), "256 KB");
    }
}
