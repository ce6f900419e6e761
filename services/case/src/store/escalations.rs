//! The escalation stages each case reached, written once: a row per (case,
//! deadline, due value, stage), inserted in the same transaction as its
//! event (the outbox) and task step; a row already there refuses the whole
//! write, so two replicas, or one after a restart, never warn twice. The
//! scheduler holds a lease (as the outbox relay does) so that only one
//! replica does the round's work.

use jiff::{Timestamp, civil::Date};
use uuid::Uuid;

use super::{HistoryRecord, OutboxRecord, StoreError};
use crate::domain::{
    case::Case,
    escalation::{DeadlineKind, Stage},
};

/// One recorded stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRecord {
    pub case_id: Uuid,
    pub deadline: DeadlineKind,
    /// The due value it was about (`Due::key`).
    pub due_value: String,
    pub stage: Stage,
    /// The case's pool and holder when recorded.
    pub pool_id: Uuid,
    pub holder_id: Option<Uuid>,
    pub recorded_at: Timestamp,
}

/// The unresolved cases a scheduler round looks at: a legal due date on or
/// before `legal_by`, or an internal target at or before `internal_by`, in
/// arrival order after `after_seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueQuery {
    pub legal_by: Date,
    pub internal_by: Timestamp,
    pub after_seq: i64,
    pub limit: u32,
}

/// The escalation stages.
#[async_trait::async_trait]
pub trait EscalationStore: Send + Sync + std::fmt::Debug + 'static {
    /// Takes or renews the escalation scheduler's lease for `holder` until
    /// `until`; false if another holder has it.
    async fn acquire_escalation_lease(
        &self,
        holder: Uuid,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Unresolved cases with a due date near or past, except those whose
    /// every due value was escalated already.
    async fn due_candidates(&self, q: &DueQuery) -> Result<Vec<Case>, StoreError>;
    /// Cases without a legal due date (opened before due dates existed),
    /// in arrival order after `after_seq`, at most `limit`.
    async fn undated_cases(&self, after_seq: i64, limit: u32) -> Result<Vec<Case>, StoreError>;
    /// The stages recorded for a case, oldest first (stages of one moment in
    /// their order).
    async fn list_escalations(&self, case: Uuid) -> Result<Vec<EscalationRecord>, StoreError>;
    /// Records a stage with its event and (for overdue and escalated) its
    /// task step, all or nothing; `false` when the stage was recorded
    /// already (and then nothing is written).
    async fn record_escalation(
        &self,
        record: &EscalationRecord,
        step: Option<&HistoryRecord>,
        event: &OutboxRecord,
    ) -> Result<bool, StoreError>;
}
