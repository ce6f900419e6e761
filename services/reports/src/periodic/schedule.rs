//! The monthly round: on the month's first working day (Istanbul), from
//! the configured hour, the replica holding the lease sends every
//! directorate with recipients its last month's report, once.

use std::time::Duration;

use jiff::Timestamp;
use tekmerkez_workdays::{Calendar, istanbul};
use tokio_util::sync::CancellationToken;

use super::{
    ReportError, Reporter,
    period::{ReportPeriod, is_first_working_day},
};

/// The lease's name.
const LEASE: &str = "periodic-monthly";

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundOutcome {
    /// The round was not due (not the day, or before the hour).
    pub not_due: bool,
    /// Another replica holds the round.
    pub not_ours: bool,
    /// Directorates sent their report now.
    pub sent: Vec<String>,
    /// Directorates whose report could not be sent (tried again next poll).
    pub failed: Vec<String>,
}

/// One replica's round runner.
#[derive(Debug, Clone)]
pub struct Schedule {
    reporter: Reporter,
    calendar: Calendar,
    send_hour: i8,
    lease: Duration,
    holder: String,
}

impl Schedule {
    /// A runner for this replica (`holder` names it in the lease).
    pub fn new(reporter: Reporter, send_hour: i8, lease: Duration, holder: String) -> Self {
        Self {
            reporter,
            calendar: Calendar::builtin(),
            send_hour,
            lease,
            holder,
        }
    }

    /// One round at `now`: when due, takes the lease and sends what the
    /// month has not sent yet.
    ///
    /// # Errors
    /// The store failed (a directorate's failure is in the outcome).
    pub async fn round(&self, now: Timestamp) -> Result<RoundOutcome, ReportError> {
        let local = now.to_zoned(istanbul().clone());
        let today = local.date();
        if !is_first_working_day(&self.calendar, today) || local.hour() < self.send_hour {
            return Ok(RoundOutcome {
                not_due: true,
                ..RoundOutcome::default()
            });
        }
        let period = ReportPeriod::month_before(today);
        let mut out = RoundOutcome::default();
        let store = self.reporter.store();
        for r in store.all_recipients().await? {
            if r.emails.is_empty() {
                continue;
            }
            // Renewed before each directorate: a long round keeps it, and a
            // replica that lost it stops before sending anything more. Only
            // then is "sent already?" asked, so no one else sends meanwhile.
            let now_ms = now.as_millisecond();
            let until = now_ms + i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX / 2);
            if !store.take_lease(LEASE, &self.holder, now_ms, until).await? {
                out.not_ours = true;
                return Ok(out);
            }
            if store
                .mail_run_exists(&r.directorate_id, &period.code())
                .await?
            {
                continue;
            }
            match self.reporter.send(&r.directorate_id, period, now_ms).await {
                Ok(Some(_)) => out.sent.push(r.directorate_id),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(
                        directorate_id = %r.directorate_id,
                        period = %period.code(),
                        error.message = %e,
                        "the monthly report was not sent; tried again at the next poll"
                    );
                    out.failed.push(r.directorate_id);
                }
            }
        }
        Ok(out)
    }

    /// Runs a round every `interval` until `shutdown`.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) {
        loop {
            if let Err(e) = self.round(Timestamp::now()).await {
                tracing::warn!(error.message = %e, "the monthly report round failed");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(interval) => {}
            }
        }
    }
}
