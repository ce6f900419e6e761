//! Persistence of the case service's state, by concern: the organisation
//! and its users ([`DirectoryStore`]), cases with their notes, files and task
//! steps ([`CaseStore`]), the person index that finds a citizen's other
//! applications ([`PersonIndex`]), the answer letters ([`LetterStore`]), the
//! per-number tracking lookup counters ([`GuessStore`]), the working-day
//! calendar ([`CalendarStore`]), the closure
//! reasons admins edit ([`ClosureReasonStore`]), the deadline policies
//! ([`DeadlinePolicyStore`]), the escalation
//! stages recorded once each ([`EscalationStore`]), the incidents that
//! gather many reports ([`IncidentStore`]), the other reports of one place
//! and the dismissed duplicate suggestions ([`DuplicateStore`]), the search
//! index ([`SearchIndex`]), and the
//! transactional outbox ([`OutboxStore`]). [`Store`] is the whole
//! database (all six, with
//! migrations and a health check); one SQL implementation (`sql/`) serves
//! PostgreSQL (production) and SQLite (`tekmerkez dev`) from the same statements, and one
//! contract-test suite runs against both. The store never decides a rule: it
//! persists what the domain decided, atomically, with an optimistic version
//! check on every case update, the task steps, and the outbox rows
//! describing the change, in one transaction.

mod assignment;
mod audit;
mod calendar;
mod cases;
mod closure_reasons;
mod deadline_policies;
mod desk;
mod directory;
mod duplicates;
mod escalations;
mod guesses;
mod incidents;
mod letters;
mod outbox;
mod people;
mod saved_views;
mod search;
mod sql;

use uuid::Uuid;

pub use assignment::{AssignmentStore, Decide, PoolExpert, Round, RoundResult};
pub use audit::AuditStore;
pub use calendar::CalendarStore;
pub use cases::{
    AttachmentRecord, CaseChange, CaseQuery, CaseStore, CitizenNote, CreateOutcome, Cursor,
    DueFilter, HistoryRecord, HolderFilter, IncidentFilter, NoteRecord, Sort,
};
pub use closure_reasons::ClosureReasonStore;
pub use deadline_policies::DeadlinePolicyStore;
pub use desk::{DeskFeedRow, DeskFeedStore};
pub use directory::{DirectoryStore, LoginState, PasswordAttempt, UserQuery};
pub use duplicates::{DuplicateStore, PlaceQuery};
pub use escalations::{DueQuery, EscalationRecord, EscalationStore};
pub use guesses::{GuessCount, GuessStore};
pub use incidents::{IncidentQuery, IncidentStore, LinkedCount};
pub use letters::{LetterQuery, LetterStore, NewLetter, PostMark};
pub use outbox::{OutboxRecord, OutboxStore};
pub use people::{PersonIndex, SharingCase};
pub use saved_views::SavedViewStore;
pub use search::{SearchIndex, SearchQuery};
pub use sql::open;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A case's version moved on since it was read: someone else changed it.
    #[error("case {0} was changed concurrently")]
    Conflict(Uuid),
    /// A unique constraint refused the write.
    #[error("a unique constraint refused the write")]
    Duplicate,
    /// A row held a value this code cannot read (a bug or a bad migration).
    #[error("stored row is invalid: {0}")]
    Corrupt(&'static str),
    /// The database failed or could not be reached.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("running migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The working-day calendar moved on from the version a change was
    /// made against (`current` is its version now).
    #[error("the calendar was changed concurrently")]
    CalendarMoved { current: i64 },
}

/// The case service's database: every store, its migrations and a health check.
#[async_trait::async_trait]
pub trait Store:
    DirectoryStore
    + CaseStore
    + PersonIndex
    + OutboxStore
    + LetterStore
    + GuessStore
    + ClosureReasonStore
    + DeadlinePolicyStore
    + CalendarStore
    + EscalationStore
    + IncidentStore
    + DuplicateStore
    + SearchIndex
    + AssignmentStore
    + DeskFeedStore
    + SavedViewStore
    + AuditStore
{
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
