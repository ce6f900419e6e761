//! The case service's gauges, read from its database when `/metrics` is
//! scraped: the outbox backlog and the age of its oldest row (a relay that
//! stopped publishing shows as a growing age), and cases by status from the
//! maintained totals (a few rows, whatever the size of the cases table; see
//! the `case_status_counts` migration). Counters (rows published) are
//! recorded by the relay itself.

use std::sync::Arc;

use tekmerkez_telemetry::metrics::{Collector, names};

use crate::{
    clock::Clock,
    domain::enums::CaseStatus,
    store::{CaseStore, Store},
};

/// Reads the case service's gauges.
#[derive(Debug, Clone)]
pub struct CaseCollector {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl CaseCollector {
    /// A collector over `store`; ages are measured against `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

#[async_trait::async_trait]
impl Collector for CaseCollector {
    async fn collect(&self) {
        let (backlog, oldest, counts) = tokio::join!(
            self.store.outbox_backlog(),
            self.store.oldest_pending_outbox_at(),
            self.store.count_cases_by_status()
        );
        match backlog {
            Ok(n) => metrics::gauge!(names::OUTBOX_BACKLOG).set(n as f64),
            Err(e) => tracing::warn!(error.message = %e, "reading the outbox backlog failed"),
        }
        match oldest {
            Ok(at) => {
                let age = at.map_or(0.0, |at| {
                    self.clock.now().duration_since(at).as_secs_f64().max(0.0)
                });
                metrics::gauge!(names::OUTBOX_OLDEST_AGE).set(age);
            }
            Err(e) => tracing::warn!(error.message = %e, "reading the outbox's oldest row failed"),
        }
        match counts {
            Ok(counts) => {
                // Every status, so one with no case reads 0 rather than vanishing.
                for status in CaseStatus::ALL.iter().copied() {
                    let n = counts
                        .iter()
                        .find(|(s, _)| s == status.as_str())
                        .map_or(0, |(_, n)| *n);
                    metrics::gauge!(names::CASES, "status" => status.as_str()).set(n as f64);
                }
            }
            Err(e) => tracing::warn!(error.message = %e, "reading cases by status failed"),
        }
    }
}

/// Folds the status deltas into the totals every `every` until `shutdown`,
/// so a scrape reads only a few rows.
pub async fn fold_status_counts(
    store: Arc<dyn CaseStore>,
    every: std::time::Duration,
    shutdown: tokio_util::sync::CancellationToken,
) {
    const BATCH: u32 = 10_000;
    loop {
        loop {
            match store.fold_case_status_deltas(BATCH).await {
                Ok(n) if u64::from(BATCH) == n => {}
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error.message = %e, "folding the case status counts failed; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
