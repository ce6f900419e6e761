//! The transactional outbox as the relay reads it: rows are written with
//! the change they describe (see [`super::CaseChange`]); the relay takes a
//! lease, reads pending rows in order, and stamps them published.

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;

/// An event waiting in, or read from, the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Row id (publication order); zero before insertion.
    pub id: i64,
    pub event_id: Uuid,
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

/// The outbox, for the relay and its gauges.
#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync + std::fmt::Debug + 'static {
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
}
