//! Cases with their notes, files and task steps: each change is written
//! with its outbox rows in one transaction, under the case's version check.

use jiff::Timestamp;
use uuid::Uuid;

use super::{OutboxRecord, StoreError};
use crate::domain::{
    case::{Actor, Case, Step},
    enums::{CaseStatus, Channel, Urgency},
    survey::SurveyAnswer,
};

/// A note on a case: a user's progress note, or a citizen's follow-up message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The user who wrote it; `None` for a citizen's message.
    pub author_id: Option<Uuid>,
    pub text: String,
    pub created_at: Timestamp,
    /// Set for a citizen's follow-up message.
    pub citizen: Option<CitizenNote>,
}

/// Where a citizen's follow-up message came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenNote {
    pub channel: Channel,
    /// The message's application id: the idempotency key.
    pub application_id: Uuid,
    /// Hash of the request, to refuse the id reused for other content.
    pub fingerprint: String,
    /// Whether the sender's address or number is the applicant's.
    pub from_applicant: bool,
}

/// A file that came with an application.
#[derive(Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    /// File name, without directories.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The content; empty when only the description was read.
    pub content: Vec<u8>,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl std::fmt::Debug for AttachmentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The file name and content may hold personal data.
        f.debug_struct("AttachmentRecord")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("content_type", &self.content_type)
            .field("size_bytes", &self.size_bytes)
            .finish_non_exhaustive()
    }
}

/// A stored task step.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    pub step: Step,
    pub actor: Actor,
    pub occurred_at: Timestamp,
}

/// One case's change, persisted atomically with its companions.
#[derive(Debug, Clone)]
pub struct CaseChange {
    /// The case after the change; its version is the old version + 1.
    pub case: Case,
    /// The version the change was computed from.
    pub expected_version: i64,
    /// Task steps to append.
    pub history: Vec<HistoryRecord>,
    /// A note to insert; `Duplicate` when a citizen's message with its
    /// application id is already stored.
    pub note: Option<NoteRecord>,
    /// Events to publish.
    pub events: Vec<OutboxRecord>,
    /// Files to store with the case (a citizen's follow-up message's).
    pub attachments: Vec<AttachmentRecord>,
    /// A satisfaction answer to store; `Duplicate` when the case has one.
    pub survey: Option<SurveyAnswer>,
    /// An answer letter to make (a letter reply's close), numbered in the
    /// change's transaction.
    pub letter: Option<super::NewLetter>,
}

/// What [`CaseStore::create_case`] found.
#[derive(Debug, Clone)]
pub enum CreateOutcome {
    Created,
    /// The application id already made this case.
    Existing(Box<Case>),
    /// The tracking number is taken by another case.
    TrackingNumberTaken,
    /// The incident the new case was linked to was closed meanwhile.
    IncidentClosed,
}

/// Who holds the listed cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderFilter {
    /// Anyone or nobody.
    Any,
    Nobody,
    /// This user.
    User(Uuid),
}

/// List order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Arrival order.
    OldestFirst,
    /// Reverse arrival order.
    NewestFirst,
    /// Urgent first, then arrival order.
    UrgentFirst,
    /// The earliest legal due date first (none last), then arrival order.
    LegalDueFirst,
}

/// Which due dates a list wants (*Süresi Yaklaşan / Süresi Geçen*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    /// A due date is near (the legal one on or before `legal_by`, or the
    /// internal one at or before `internal_by`) and none has passed (the
    /// legal one is `today` or later, the internal one after `now`).
    Near {
        legal_by: jiff::civil::Date,
        internal_by: Timestamp,
        today: jiff::civil::Date,
        now: Timestamp,
    },
    /// A due date has passed: the legal one before `today`, or the internal
    /// one at or before `now`.
    Passed {
        today: jiff::civil::Date,
        now: Timestamp,
    },
    /// A due date is near or has passed: the legal one on or before
    /// `legal_by`, or the internal one at or before `internal_by`.
    NearOrPassed {
        legal_by: jiff::civil::Date,
        internal_by: Timestamp,
    },
}

/// Where the previous page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last case's urgency rank.
    pub urgency: i64,
    /// The last case's arrival sequence.
    pub seq: i64,
    /// The last case's legal due date (read by [`Sort::LegalDueFirst`]).
    pub legal_due: Option<jiff::civil::Date>,
}

/// Which cases by their incident link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncidentFilter {
    #[default]
    Any,
    /// Not linked to any incident: the work lists.
    Unlinked,
    /// Linked to this incident.
    LinkedTo(Uuid),
}

/// A case list query; every set condition must hold.
#[derive(Debug, Clone)]
pub struct CaseQuery {
    /// Only these pools (`None`: any pool).
    pub pools: Option<Vec<Uuid>>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<CaseStatus>,
    /// Holder condition.
    pub holder: HolderFilter,
    /// Only cases recorded by this user.
    pub created_by: Option<Uuid>,
    /// Only cases closed by this user.
    pub closed_by: Option<Uuid>,
    /// Only these channels (empty: any).
    pub channels: Vec<Channel>,
    /// Only these categories (empty: any).
    pub categories: Vec<String>,
    /// None of these categories.
    pub not_categories: Vec<String>,
    /// Only this canonical district.
    pub district: Option<String>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only cases that entered their pool before this instant.
    pub entered_pool_before: Option<Timestamp>,
    /// Only this tracking number.
    pub tracking_number: Option<String>,
    /// Only cases with an open "citizen not reached" mark.
    pub not_reached: bool,
    /// Only cases with this partner reference (exact, already trimmed).
    pub partner_reference: Option<String>,
    /// Only cases whose due dates are near or past.
    pub due: Option<DueFilter>,
    /// Only cases never tried for a callback or whose next try is before this instant.
    pub callback_due_before: Option<Timestamp>,
    /// By their incident link.
    pub incident: IncidentFilter,
    pub sort: Sort,
    /// Resume after this position.
    pub after: Option<Cursor>,
    /// At most this many.
    pub limit: u32,
}

impl CaseQuery {
    /// Every case, oldest first, at most `limit`: narrow it with struct
    /// update syntax (`CaseQuery { statuses, ..CaseQuery::any(50) }`).
    pub fn any(limit: u32) -> Self {
        Self {
            pools: None,
            statuses: Vec::new(),
            holder: HolderFilter::Any,
            created_by: None,
            closed_by: None,
            channels: Vec::new(),
            categories: Vec::new(),
            not_categories: Vec::new(),
            district: None,
            urgency: None,
            entered_pool_before: None,
            tracking_number: None,
            not_reached: false,
            partner_reference: None,
            due: None,
            callback_due_before: None,
            incident: IncidentFilter::Any,
            sort: Sort::OldestFirst,
            after: None,
            limit,
        }
    }
}

/// Cases, their notes, files and task steps, and the status totals.
#[async_trait::async_trait]
pub trait CaseStore: Send + Sync + std::fmt::Debug + 'static {
    /// Inserts a new case with its opening steps and events, unless its
    /// application id or tracking number already exists.
    async fn create_case(
        &self,
        case: &Case,
        history: &[HistoryRecord],
        events: &[OutboxRecord],
        attachments: &[AttachmentRecord],
    ) -> Result<CreateOutcome, StoreError>;
    /// Applies every change or none; `Conflict` names the first case whose version moved.
    async fn apply_changes(&self, changes: &[CaseChange]) -> Result<(), StoreError>;
    async fn get_case(&self, id: Uuid) -> Result<Option<Case>, StoreError>;
    async fn get_case_by_tracking_number(
        &self,
        tracking_number: &str,
    ) -> Result<Option<Case>, StoreError>;
    /// A page of cases.
    async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<Case>, StoreError>;
    /// How many cases `q` matches (its limit ignored), counted up to
    /// `cap + 1`: a number above `cap` means "more than `cap`". Reads no
    /// more than that many index entries, whatever the backlog.
    async fn count_matching(&self, q: &CaseQuery, cap: u32) -> Result<u32, StoreError>;
    /// A case's notes, oldest first.
    async fn list_notes(&self, case: Uuid) -> Result<Vec<NoteRecord>, StoreError>;
    /// The citizen's message stored for an application id, if any.
    async fn get_citizen_note(
        &self,
        application_id: Uuid,
    ) -> Result<Option<NoteRecord>, StoreError>;
    /// A case's attachments, oldest first, without their content.
    async fn list_attachments(&self, case: Uuid) -> Result<Vec<AttachmentRecord>, StoreError>;
    /// One attachment of a case, with its content.
    async fn get_attachment(
        &self,
        case: Uuid,
        id: Uuid,
    ) -> Result<Option<AttachmentRecord>, StoreError>;
    /// A case's satisfaction answer, if it has one.
    async fn get_survey(&self, case: Uuid) -> Result<Option<SurveyAnswer>, StoreError>;
    /// A case's task steps, oldest first.
    async fn list_history(&self, case: Uuid) -> Result<Vec<HistoryRecord>, StoreError>;
    /// Number of cases (demo seeding, tests).
    async fn count_cases(&self) -> Result<i64, StoreError>;

    /// Cases by status (status code, count), from the maintained totals and
    /// the deltas not yet folded into them: no count of the cases table.
    async fn count_cases_by_status(&self) -> Result<Vec<(String, i64)>, StoreError>;
    /// Folds up to `limit` status deltas into the totals; how many it folded.
    async fn fold_case_status_deltas(&self, limit: u32) -> Result<u64, StoreError>;
}
