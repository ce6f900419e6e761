//! Persistence of the case service's state.
//!
//! [`CaseStore`] is the one contract; [`PgStore`] (production) and
//! [`SqliteStore`] (`tekmerkez dev`) implement it from the same SQL text
//! (see `sql.rs`), and one contract-test suite runs against both. The store
//! never decides a rule: it persists what the domain decided, atomically,
//! with an optimistic version check on every case update, the task steps,
//! and the outbox rows describing the change, in one transaction.

mod sql;

use jiff::Timestamp;
use uuid::Uuid;

pub use sql::{PgStore, SqliteStore};

use crate::domain::{
    case::{Actor, Case, Step},
    directory::{Directorate, Pool, Unit, User},
    enums::{CaseStatus, Channel, Role, Urgency},
};

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
}

/// A note on a case: a user's progress note, or a citizen's follow-up message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRecord {
    /// Id.
    pub id: Uuid,
    /// Case.
    pub case_id: Uuid,
    /// The user who wrote it; `None` for a citizen's message.
    pub author_id: Option<Uuid>,
    /// Text.
    pub text: String,
    /// When.
    pub created_at: Timestamp,
    /// Set for a citizen's follow-up message.
    pub citizen: Option<CitizenNote>,
}

/// Where a citizen's follow-up message came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenNote {
    /// The channel.
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
    /// Id.
    pub id: Uuid,
    /// Case.
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
    /// The step.
    pub step: Step,
    /// Who.
    pub actor: Actor,
    /// When.
    pub occurred_at: Timestamp,
}

/// What sign-in needs to know about a user.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginState {
    /// The argon2id hash, when a password is set.
    pub password_hash: Option<String>,
    /// Consecutive failed sign-ins since the last success or lockout.
    pub failed_logins: u32,
    /// Sign-in is refused until then.
    pub locked_until: Option<Timestamp>,
}

impl std::fmt::Debug for LoginState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginState")
            .field("has_password", &self.password_hash.is_some())
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

/// An event waiting in, or read from, the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Row id (publication order); zero before insertion.
    pub id: i64,
    /// The event's id.
    pub event_id: Uuid,
    /// Topic.
    pub topic: String,
    /// Partition key.
    pub key: String,
    /// Protobuf message name.
    pub event_type: String,
    /// Encoded event.
    pub payload: Vec<u8>,
    /// W3C trace context of the change, if any.
    pub traceparent: Option<String>,
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
}

/// What [`CaseStore::create_case`] found.
#[derive(Debug, Clone)]
pub enum CreateOutcome {
    /// Inserted.
    Created,
    /// The application id already made this case.
    Existing(Box<Case>),
    /// The tracking number is taken by another case.
    TrackingNumberTaken,
}

/// Who holds the listed cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderFilter {
    /// Anyone or nobody.
    Any,
    /// Nobody.
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
}

/// Where the previous page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last case's urgency rank.
    pub urgency: i64,
    /// The last case's arrival sequence.
    pub seq: i64,
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
    /// Only this category.
    pub category: Option<String>,
    /// Only this canonical district.
    pub district: Option<String>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only cases that entered their pool before this instant.
    pub entered_pool_before: Option<Timestamp>,
    /// Only this tracking number.
    pub tracking_number: Option<String>,
    /// Order.
    pub sort: Sort,
    /// Resume after this position.
    pub after: Option<Cursor>,
    /// At most this many.
    pub limit: u32,
}

/// Which users to list.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Only members of these pools (`None`: everyone).
    pub pools: Option<Vec<Uuid>>,
    /// Only this role.
    pub role: Option<Role>,
}

/// The case service's persistence.
#[async_trait::async_trait]
pub trait CaseStore: Send + Sync + std::fmt::Debug + 'static {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts a directorate; `Duplicate` if its name is taken.
    async fn insert_directorate(
        &self,
        d: &Directorate,
        name_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Every directorate.
    async fn list_directorates(&self) -> Result<Vec<Directorate>, StoreError>;
    /// One directorate.
    async fn get_directorate(&self, id: Uuid) -> Result<Option<Directorate>, StoreError>;
    /// Inserts a unit; `Duplicate` if its name is taken in the directorate.
    async fn insert_unit(&self, u: &Unit, name_key: &str, now: Timestamp)
    -> Result<(), StoreError>;
    /// Units, optionally of one directorate.
    async fn list_units(&self, directorate: Option<Uuid>) -> Result<Vec<Unit>, StoreError>;
    /// One unit.
    async fn get_unit(&self, id: Uuid) -> Result<Option<Unit>, StoreError>;
    /// Inserts a pool; `Duplicate` if the unit has one in that province or a second triage pool.
    async fn insert_pool(&self, p: &Pool, now: Timestamp) -> Result<(), StoreError>;
    /// Pools, optionally of one province.
    async fn list_pools(&self, province: Option<u8>) -> Result<Vec<Pool>, StoreError>;
    /// One pool.
    async fn get_pool(&self, id: Uuid) -> Result<Option<Pool>, StoreError>;

    /// Inserts a user with its pools; `Duplicate` if the user name is taken.
    async fn insert_user(
        &self,
        u: &User,
        username_key: &str,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Replaces a user's fields and pools.
    async fn update_user(&self, u: &User) -> Result<(), StoreError>;
    /// Sets a user's password hash.
    async fn set_password_hash(&self, user: Uuid, hash: &str) -> Result<(), StoreError>;
    /// A user's password hash.
    async fn password_hash(&self, user: Uuid) -> Result<Option<String>, StoreError>;
    /// A user's sign-in state: password hash, consecutive failures, and the
    /// end of a lockout.
    async fn login_state(&self, user: Uuid) -> Result<LoginState, StoreError>;
    /// Stores a user's failure count and lockout end after a sign-in attempt.
    async fn record_login(
        &self,
        user: Uuid,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// One user.
    async fn get_user(&self, id: Uuid) -> Result<Option<User>, StoreError>;
    /// One user by case-folded user name.
    async fn get_user_by_username(&self, username_key: &str) -> Result<Option<User>, StoreError>;
    /// Users.
    async fn list_users(&self, q: &UserQuery) -> Result<Vec<User>, StoreError>;
    /// Stores an API token's hash for a user.
    async fn insert_api_token(
        &self,
        sha256_hex: &str,
        user: Uuid,
        label: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The user an unrevoked token's hash belongs to.
    async fn user_for_api_token(&self, sha256_hex: &str) -> Result<Option<Uuid>, StoreError>;

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
    /// One case.
    async fn get_case(&self, id: Uuid) -> Result<Option<Case>, StoreError>;
    /// One case by tracking number.
    async fn get_case_by_tracking_number(
        &self,
        tracking_number: &str,
    ) -> Result<Option<Case>, StoreError>;
    /// A page of cases.
    async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<Case>, StoreError>;
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
    /// A case's task steps, oldest first.
    async fn list_history(&self, case: Uuid) -> Result<Vec<HistoryRecord>, StoreError>;
    /// Number of cases (demo seeding, tests).
    async fn count_cases(&self) -> Result<i64, StoreError>;

    /// Takes or renews the relay lease for `holder` until `until`; false if another holder has it.
    async fn acquire_outbox_lease(
        &self,
        holder: Uuid,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// The oldest unpublished outbox rows.
    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError>;
    /// Stamps rows as published.
    async fn mark_published(&self, ids: &[i64], now: Timestamp) -> Result<(), StoreError>;
    /// How many rows are unpublished.
    async fn outbox_backlog(&self) -> Result<i64, StoreError>;
    /// When the oldest unpublished row was written, if any.
    async fn oldest_pending_outbox_at(&self) -> Result<Option<Timestamp>, StoreError>;

    /// Cases by status (status code, count), from the maintained totals and
    /// the deltas not yet folded into them: no count of the cases table.
    async fn count_cases_by_status(&self) -> Result<Vec<(String, i64)>, StoreError>;
    /// Folds up to `limit` status deltas into the totals; how many it folded.
    async fn fold_case_status_deltas(&self, limit: u32) -> Result<u64, StoreError>;
}
