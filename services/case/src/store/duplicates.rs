//! What duplicate suggestions read and remember: other reports of one
//! place by time, and the pairs an agent said are not duplicates. (The
//! same citizen's records come from the [`super::PersonIndex`]; a merge is
//! two [`super::CaseChange`]s.)

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::domain::case::Case;

/// Where and when other reports are looked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceQuery {
    pub category: String,
    pub province_code: u8,
    /// Canonical district name.
    pub district: String,
    /// Opened at or after this.
    pub from: Timestamp,
    /// Opened at or before this.
    pub to: Timestamp,
    /// Not this case.
    pub except: Uuid,
    /// At most this many, newest first.
    pub limit: u32,
}

/// Duplicate suggestions' reads and dismissals.
#[async_trait::async_trait]
pub trait DuplicateStore: Send + Sync + std::fmt::Debug + 'static {
    /// The cases of one category and district opened within a time span,
    /// newest first.
    async fn cases_at_place(&self, q: &PlaceQuery) -> Result<Vec<Case>, StoreError>;
    /// Remembers that `a` and `b` are not duplicates (once; a repeat is a
    /// no-op).
    async fn dismiss_duplicate(
        &self,
        a: Uuid,
        b: Uuid,
        by: Uuid,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The cases dismissed as not duplicates of `case`.
    async fn dismissed_with(&self, case: Uuid) -> Result<Vec<Uuid>, StoreError>;
}
