//! The closure reasons admins edit: read for the close form and the
//! checks, created and changed with a version check, each change kept with
//! who made it and when.

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::domain::classification::ClosureReason;

/// Closure reasons.
#[async_trait::async_trait]
pub trait ClosureReasonStore: Send + Sync + std::fmt::Debug + 'static {
    /// Every reason (or the active ones), by position then code.
    async fn list_closure_reasons(
        &self,
        include_inactive: bool,
    ) -> Result<Vec<ClosureReason>, StoreError>;
    /// One reason.
    async fn get_closure_reason(&self, code: &str) -> Result<Option<ClosureReason>, StoreError>;
    /// Adds `reason` (version 1) and its change row by `by` at `at`.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the code exists.
    async fn create_closure_reason(
        &self,
        reason: &ClosureReason,
        by: Uuid,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Stores `reason` (its version already the next one) if the stored
    /// version is still `expected`, with its change row; `false` when the
    /// version moved or the code is unknown.
    async fn update_closure_reason(
        &self,
        reason: &ClosureReason,
        expected: i64,
    ) -> Result<bool, StoreError>;
}
