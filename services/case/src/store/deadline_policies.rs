//! The deadline policies admins edit: read whole (they are few) when a
//! case opens and for the admin page; put and deleted with a version check,
//! each change kept with who made it and when.

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::domain::deadline::{PolicyKey, StoredPolicy};

/// Deadline policies.
#[async_trait::async_trait]
pub trait DeadlinePolicyStore: Send + Sync + std::fmt::Debug + 'static {
    /// Every policy.
    async fn list_deadline_policies(&self) -> Result<Vec<StoredPolicy>, StoreError>;
    /// Stores `p` (its version already the next one: 1 for a new key) if
    /// the stored version is still `expected` (`None`: the key must be
    /// new), with its change row; `false` when the version moved, the key
    /// is unknown, or (for a new one) already taken.
    async fn put_deadline_policy(
        &self,
        p: &StoredPolicy,
        expected: Option<i64>,
    ) -> Result<bool, StoreError>;
    /// Deletes the policy of `key` if its version is still `expected`, with
    /// a change row by `by` at `at`; `false` when the version moved or the
    /// key is unknown.
    async fn delete_deadline_policy(
        &self,
        key: &PolicyKey,
        expected: i64,
        by: Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
}
