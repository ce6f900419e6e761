//! What the live desk reads: the case events after a cursor (the outbox
//! keeps every row, published or not, so a reconnecting desk resumes from
//! it), the cases they are about, and the callbacks coming due.

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::domain::case::Case;

/// A case event as the desk reads it from the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskFeedRow {
    /// The outbox row id: the desk's cursor.
    pub id: i64,
    /// The encoded `tekmerkez.case.v1.CaseEvent`; `None` for another
    /// topic's row (kept so the reader sees the id sequence whole).
    pub payload: Option<Vec<u8>>,
}

/// The live desk's reads.
#[async_trait::async_trait]
pub trait DeskFeedStore: Send + Sync + std::fmt::Debug + 'static {
    /// Outbox rows with an id above `after`, in id order, at most `limit`.
    async fn case_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<DeskFeedRow>, StoreError>;
    /// The highest outbox id written so far (0 when none).
    async fn last_outbox_id(&self) -> Result<i64, StoreError>;
    /// The cases with these ids (any order; missing ones left out).
    async fn cases_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Case>, StoreError>;
    /// Cases awaiting a callback whose retry time is in `(from, to]`, at most `limit`.
    async fn callbacks_coming_due(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<Case>, StoreError>;
}
