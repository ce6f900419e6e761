//! The escalation scheduler: every `case.escalation.interval_ms` the
//! holder of the lease (one replica at a time, as the outbox relay) runs a
//! round ([`crate::app::CaseApp::escalate_due_cases`]). The lease only
//! saves work: each stage is a unique row written with its event, so even
//! two rounds at once, or a round repeated after a crash, record it once.
//! A replica that was down catches up on its next round: every stage
//! passed meanwhile is recorded (the moot warnings before a due date
//! excepted). Each round first gives cases opened before due dates existed
//! their policy's due date ([`crate::app::CaseApp::backfill_due_dates`]).

use jiff::SignedDuration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{app::CaseApp, config::EscalationSettings};

/// What one tick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TickReport {
    /// Whether this scheduler held the lease.
    pub leader: bool,
    /// Stages recorded.
    pub recorded: usize,
}

/// Runs escalation rounds under a lease.
#[derive(Debug, Clone)]
pub struct EscalationScheduler {
    app: CaseApp,
    settings: EscalationSettings,
    /// Identifies this scheduler in the lease table; fixed for the process's life.
    id: Uuid,
}

impl EscalationScheduler {
    /// A scheduler over `app`.
    pub fn new(app: CaseApp, settings: EscalationSettings) -> Self {
        Self {
            app,
            settings,
            id: Uuid::new_v4(),
        }
    }

    /// One round if this scheduler holds (or takes) the lease.
    ///
    /// # Errors
    /// Store failures.
    pub async fn run_once(&self) -> anyhow::Result<TickReport> {
        let now = self.app.clock().now();
        let lease = SignedDuration::try_from(self.settings.lease())
            .unwrap_or(SignedDuration::from_secs(120));
        let until = now.checked_add(lease).unwrap_or(now);
        if !self
            .app
            .store()
            .acquire_escalation_lease(self.id, now, until)
            .await?
        {
            return Ok(TickReport::default());
        }
        // Cases opened before due dates existed get theirs first (a no-op
        // read once none is left), so this very round warns about them.
        self.app
            .backfill_due_dates(self.settings.batch_size)
            .await?;
        // And the search index, the same way.
        self.app.index_unindexed(self.settings.batch_size).await?;
        let r = self
            .app
            .escalate_due_cases(self.settings.batch_size)
            .await?;
        Ok(TickReport {
            leader: true,
            recorded: r.recorded,
        })
    }

    /// Runs rounds until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            match self.run_once().await {
                Ok(r) if r.recorded > 0 => {
                    tracing::info!(recorded = r.recorded, "escalation round done")
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error.message = %e, error.cause_chain = ?e, "escalation round failed; retrying")
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(self.settings.interval()) => {}
            }
        }
        tracing::info!("escalation scheduler stopped");
    }
}
