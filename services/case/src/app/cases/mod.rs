//! The case operations: each authenticates nothing (the caller is already
//! resolved), authorises through [`policy`], applies a domain transition,
//! and persists the change with its task steps and events atomically.
//!
//! - `requests`: what the operations take besides the caller.
//! - `retry`: the optimistic-concurrency loop every change runs in.
//! - `open`: what routing brings in: a new case, or a citizen's follow-up
//!   message joining one.
//! - `work`: working a case in its pool: claim, assign, transfer, notes.
//! - `close`: the official answer, callbacks, and reopening.
//! - `read`: a case, its files and history, lists, public tracking.
//! - `related`: the citizen's other applications (the person index).
//! - `unreached`: a citizen the answer did not reach, and what was done.
//! - `whereabouts`: the names behind a case's steps and notes, and where a
//!   case went, for a former holder who may no longer see it.

mod backfill;
mod close;
mod deadline;
mod duplicates;
mod incidents;
mod open;
mod read;
mod related;
mod requests;
mod retry;
mod search;
mod survey;
mod unreached;
mod whereabouts;
mod work;

use jiff::Timestamp;
use uuid::Uuid;

pub use close::CallbackReport;
pub use duplicates::{Candidate, MAX_CANDIDATES};
pub use incidents::{IncidentDraft, IncidentView, LinkedReport, MAX_LINKED, OUTAGE_NOTICE};
pub use read::{TimelineEntry, Tracking};
pub use related::{MAX_RELATED, Related, RelatedCase};
pub use requests::{CitizenMessage, Filter, ListRequest, View};
pub use search::{Found, MAX_RESULTS, MatchedBy};
pub use survey::{CaseRef, NewSurveyAnswer, PublicStatus};
pub use whereabouts::{Names, Whereabouts};

use super::{CaseApp, error::CaseError, events::outbox_record};
use crate::{
    domain::{
        caller::{Caller, UserCaller},
        case::{Actor, Case, EventKind, NewAttachment, Step},
        enums::Role,
        policy,
    },
    store::{AttachmentRecord, HistoryRecord, NoteRecord, OutboxRecord},
};

/// At most this many cases in one bulk call.
pub const MAX_BULK: usize = tekmerkez_types::limits::BULK;

/// A case as one caller may see it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    /// Whether the caller gets the contact unmasked.
    pub contact_visible: bool,
    /// Notes (GetCase only).
    pub notes: Vec<NoteRecord>,
    /// Attachments without content (GetCase only).
    pub attachments: Vec<AttachmentRecord>,
    /// The satisfaction answer (GetCase only).
    pub survey: Option<crate::domain::survey::SurveyAnswer>,
    /// When it was read: days are counted to here.
    pub now: Timestamp,
    /// Whether closing now needs a note first (its note rule, counted on
    /// the working-day calendar).
    pub note_required_to_close: bool,
    /// Days in the current pool as its note rule counts them.
    pub rule_days_in_pool: u32,
    /// Working days from today to the legal due date (negative when late).
    pub legal_days_left: Option<i64>,
    /// Where it stands against its due dates when read.
    pub standing: crate::domain::escalation::Standing,
    /// Its incident, when linked (GetCase only).
    pub incident: Option<crate::domain::incident::Incident>,
    /// The tracking number of the record a duplicate was merged into.
    pub merged_into_tracking: Option<String>,
}

fn actor_of(caller: &Caller) -> Actor {
    match caller {
        Caller::User(u) => Actor::User(u.id),
        Caller::Service(s) => Actor::Service(s.as_str()),
    }
}

pub(crate) fn user_of(caller: &Caller) -> Result<&UserCaller, CaseError> {
    caller
        .user()
        .ok_or(CaseError::PermissionDenied("only a user may do this"))
}

/// Whether the case is within the user's reach at all: outside it, the case
/// is reported as not found so that its existence does not leak.
fn reachable(user: &UserCaller, case: &Case) -> bool {
    user.role == Role::Admin
        || user.pools.contains(&case.pool_id)
        || case.holder_id == Some(user.id)
}

/// The task steps of a change to `case` by `actor` at `now`, and the events
/// describing them (computed from `case` as it will be stored).
pub(crate) fn persisted_steps(
    steps: Vec<(Step, EventKind)>,
    case: &Case,
    actor: &Actor,
    now: Timestamp,
) -> (Vec<HistoryRecord>, Vec<OutboxRecord>) {
    let events = steps
        .iter()
        .map(|(_, kind)| outbox_record(kind, case, actor, now))
        .collect();
    let history = steps
        .into_iter()
        .map(|(step, _)| HistoryRecord {
            step,
            actor: actor.clone(),
            occurred_at: now,
        })
        .collect();
    (history, events)
}

/// The files that came with an application, to store with case `case_id`.
fn attachment_records(
    files: &[NewAttachment],
    case_id: Uuid,
    now: Timestamp,
) -> Vec<AttachmentRecord> {
    files
        .iter()
        .map(|a| AttachmentRecord {
            id: Uuid::now_v7(),
            case_id,
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: i64::try_from(a.content.len()).unwrap_or(i64::MAX),
            content: a.content.clone(),
            created_at: now,
        })
        .collect()
}

impl CaseApp {
    fn view(&self, caller: &Caller, case: Case, now: Timestamp) -> CaseView {
        // Only shown counts: the copy of the last stored calendar read is enough.
        let calendar = self.last_working_calendar();
        let today = crate::domain::calendar::istanbul_date(now);
        CaseView {
            rule_days_in_pool: case.rule_days_in_pool(now, &calendar),
            note_required_to_close: case.status == crate::domain::enums::CaseStatus::Held
                && case.note_required_to_close(now, &calendar),
            legal_days_left: case
                .legal_due_date
                .map(|due| crate::domain::deadline::working_days_left(&calendar, today, due)),
            contact_visible: policy::sees_contact(caller, &case),
            notes: Vec::new(),
            attachments: Vec::new(),
            survey: None,
            standing: crate::domain::escalation::standing(
                case.legal_due_date,
                case.internal_due_at,
                now,
                &calendar,
                &self.escalation,
            ),
            case,
            now,
            incident: None,
            merged_into_tracking: None,
        }
    }
}
