//! Incidents with their areas. Every write that touches an incident's
//! reports (declaring from a record, linking, unlinking, closing) bumps the
//! incident's version in the same transaction as the reports' changes, so
//! a close never misses a report linked while it was being decided.

use uuid::Uuid;

use super::{CaseChange, StoreError};
use crate::domain::incident::{Incident, IncidentStatus};

/// Which incidents.
#[derive(Debug, Clone, Default)]
pub struct IncidentQuery {
    /// Only these pools (`None`: any).
    pub pools: Option<Vec<Uuid>>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<IncidentStatus>,
    /// Only this province.
    pub province_code: Option<u8>,
    /// At most this many, newest first.
    pub limit: u32,
}

/// How many reports an incident gathers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkedCount {
    pub total: u32,
    /// Still unanswered.
    pub open: u32,
}

/// The incidents.
#[async_trait::async_trait]
pub trait IncidentStore: Send + Sync + std::fmt::Debug + 'static {
    /// Inserts `incident` with the next number (which it returns) and its
    /// areas, with `origin`, the change linking the record it was declared
    /// from, in one transaction.
    ///
    /// # Errors
    /// `Duplicate` when its request id is taken, or another declaration
    /// took the number (then the caller tries again).
    async fn create_incident(
        &self,
        incident: &Incident,
        origin: Option<&CaseChange>,
    ) -> Result<i64, StoreError>;
    async fn get_incident(&self, id: Uuid) -> Result<Option<Incident>, StoreError>;
    /// The incident a declaration with `request_id` made.
    async fn get_incident_by_request(
        &self,
        request_id: Uuid,
    ) -> Result<Option<Incident>, StoreError>;
    /// Incidents matching `q`, newest first.
    async fn list_incidents(&self, q: &IncidentQuery) -> Result<Vec<Incident>, StoreError>;
    /// The reports linked to each of `ids`.
    async fn count_linked(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, LinkedCount)>, StoreError>;
    /// Stores `incident` if it is still at `expected_version`, with the
    /// reports' `changes`, all or nothing.
    ///
    /// # Errors
    /// `Conflict` (the incident's id or a report's) when either moved on.
    async fn change_incident(
        &self,
        incident: &Incident,
        expected_version: i64,
        changes: &[CaseChange],
    ) -> Result<(), StoreError>;
}
