//! The audit trail's store: entries appended (a repeat within one request
//! left out) and read back newest first. Nothing here changes or deletes an
//! entry; the database's triggers refuse it anyway.

use super::StoreError;
use crate::domain::audit::{AuditEntry, AuditQuery};

/// The audit trail.
#[async_trait::async_trait]
pub trait AuditStore: Send + Sync + std::fmt::Debug + 'static {
    /// Appends `entry` unless an entry with its request key is there; its
    /// position, or `None` for such a repeat.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<Option<i64>, StoreError>;
    /// The entries `q` selects, newest first, at most `q.limit`.
    async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}
