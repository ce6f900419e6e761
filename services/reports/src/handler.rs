//! The consumer of `case.events.v1`: decodes each `CaseEvent` and applies
//! it to the store once (by event id), merging it into its case's fact.

use prost::Message as _;
use tekmerkez_bus::{Envelope, consumer::HandleError};
use tekmerkez_proto::case_v1 as pb;

use crate::store::{ReportStore, StoreError};

/// The topic the reports consume.
pub const CASE_EVENTS_TOPIC: &str = "case.events.v1";

/// Applies case events to the rollups.
#[derive(Debug, Clone)]
pub struct ReportHandler {
    store: ReportStore,
}

impl ReportHandler {
    /// A handler writing to `store`.
    pub fn new(store: ReportStore) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl tekmerkez_bus::consumer::Handler for ReportHandler {
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let event = pb::CaseEvent::decode(envelope.payload.clone()).map_err(|e| {
            HandleError::Permanent {
                kind: "decode",
                source: e.into(),
            }
        })?;
        if event.event_id.is_empty() || event.case_id.is_empty() {
            return Err(HandleError::Permanent {
                kind: "missing_ids",
                source: anyhow::anyhow!("a case event without event or case id"),
            });
        }
        let now = jiff::Timestamp::now().as_second();
        match self
            .store
            .apply(&event.event_id, &event.case_id, now, |f| f.merge(&event))
            .await
        {
            Ok(_) => Ok(()),
            // A passing failure of the database, a lost race with another
            // writer of the case (a rebalance) or a deadlock between writers
            // of one rollup row: each passes, and dead-lettering the event
            // would leave the figures short for good, so retry until it does.
            Err(StoreError::Database(e))
                if tekmerkez_sqlpool::is_unavailable(&e) || retryable(&e) =>
            {
                Err(HandleError::Unavailable(e.into()))
            }
            Err(e @ StoreError::Conflict) => Err(HandleError::Unavailable(e.into())),
            Err(e) => Err(HandleError::Transient {
                kind: "store",
                source: e.into(),
            }),
        }
    }
}

/// PostgreSQL's deadlock (40P01) and serialization failure (40001).
fn retryable(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "40P01" || c == "40001")
}
