//! The outbox relay: publishes committed outbox rows to the bus, each key's
//! rows in row order (different keys at once), and stamps them published. A crash between a commit and its publish
//! loses nothing: the row is still unpublished and goes out on the next
//! round. A crash between publish and stamp publishes the row again, which
//! consumers absorb by deduplicating on `event-id`. Only the holder of the
//! lease publishes, so events of one case keep their order across replicas.

use std::{collections::HashMap, sync::Arc};

use bytes::Bytes;
use jiff::SignedDuration;
use tekmerkez_bus::{Bus, Envelope, headers};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    clock::Clock,
    config::OutboxSettings,
    store::{OutboxRecord, OutboxStore},
};

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundReport {
    /// Rows published.
    pub published: usize,
    /// Whether this relay held the lease.
    pub leader: bool,
}

/// Publishes the outbox.
#[derive(Debug, Clone)]
pub struct OutboxRelay {
    store: Arc<dyn OutboxStore>,
    bus: Arc<dyn Bus>,
    clock: Arc<dyn Clock>,
    settings: OutboxSettings,
    /// Identifies this relay in the lease table; fixed for the process's life.
    id: Uuid,
}

impl OutboxRelay {
    /// A relay from `store` to `bus`.
    pub fn new(
        store: Arc<dyn OutboxStore>,
        bus: Arc<dyn Bus>,
        clock: Arc<dyn Clock>,
        settings: OutboxSettings,
    ) -> Self {
        Self {
            store,
            bus,
            clock,
            settings,
            id: Uuid::new_v4(),
        }
    }

    /// Publishes one batch if this relay holds the lease.
    ///
    /// # Errors
    /// Store failures, or a publish that failed (the row stays for the next round).
    pub async fn run_once(&self) -> anyhow::Result<RoundReport> {
        let now = self.clock.now();
        let lease = SignedDuration::try_from(self.settings.lease())
            .unwrap_or(SignedDuration::from_secs(30));
        let until = now.checked_add(lease).unwrap_or(now);
        if !self.store.acquire_outbox_lease(self.id, now, until).await? {
            return Ok(RoundReport {
                published: 0,
                leader: false,
            });
        }
        let rows = self.store.pending_outbox(self.settings.batch_size).await?;
        // One sequence per key, in row order; the keys go out concurrently so
        // the producer can batch them. A key stops at its first failure, so
        // a later event of a case never overtakes an earlier one.
        let mut by_key: Vec<(String, Vec<OutboxRecord>)> = Vec::new();
        let mut slot: HashMap<String, usize> = HashMap::new();
        for row in rows {
            let i = *slot.entry(row.key.clone()).or_insert_with(|| {
                by_key.push((row.key.clone(), Vec::new()));
                by_key.len() - 1
            });
            by_key[i].1.push(row);
        }
        let results = futures::future::join_all(
            by_key
                .into_iter()
                .map(|(_, rows)| self.publish_in_order(rows)),
        )
        .await;
        let mut done = Vec::new();
        let mut failure = None;
        for (published, error) in results {
            done.extend(published);
            if failure.is_none() {
                failure = error;
            }
        }
        // Stamp what went out even when a later row failed, so it is not sent twice.
        self.store.mark_published(&done, self.clock.now()).await?;
        match failure {
            Some(e) => Err(e),
            None => Ok(RoundReport {
                published: done.len(),
                leader: true,
            }),
        }
    }

    /// Publishes `rows` one after another; the ids that went out, and the
    /// failure that stopped the sequence.
    async fn publish_in_order(&self, rows: Vec<OutboxRecord>) -> (Vec<i64>, Option<anyhow::Error>) {
        let mut done = Vec::with_capacity(rows.len());
        for row in rows {
            let mut hdrs = vec![
                (headers::EVENT_ID.to_owned(), row.event_id.to_string()),
                (headers::EVENT_TYPE.to_owned(), row.event_type.clone()),
                (headers::SCHEMA_VERSION.to_owned(), "1".to_owned()),
                (
                    headers::CONTENT_TYPE.to_owned(),
                    "application/protobuf".to_owned(),
                ),
            ];
            // The publish is a span of the trace that wrote the event (its
            // start shows how long the row waited), and the event carries
            // that span's context on to the consumers.
            let span = tracing::info_span!(
                "case.outbox.publish",
                otel.kind = "producer",
                messaging.destination = %row.topic,
                event_id = %row.event_id,
            );
            tekmerkez_telemetry::continue_trace(&span, row.traceparent.as_deref(), None);
            if let Some(tp) = span.in_scope(tekmerkez_telemetry::current_traceparent) {
                hdrs.push((headers::TRACEPARENT.to_owned(), tp));
            } else if let Some(tp) = &row.traceparent {
                hdrs.push((headers::TRACEPARENT.to_owned(), tp.clone()));
            }
            let envelope = Envelope {
                topic: row.topic.clone(),
                key: row.key.clone(),
                headers: hdrs,
                payload: Bytes::from(row.payload),
            };
            let publish =
                tokio::time::timeout(self.settings.publish_timeout(), self.bus.publish(envelope));
            match tracing::Instrument::instrument(publish, span).await {
                Ok(Ok(())) => {
                    metrics::counter!(tekmerkez_telemetry::metrics::names::OUTBOX_PUBLISHED)
                        .increment(1);
                    done.push(row.id);
                }
                Ok(Err(e)) => {
                    return (
                        done,
                        Some(anyhow::Error::new(e).context("publishing an outbox row")),
                    );
                }
                Err(_) => {
                    return (
                        done,
                        Some(anyhow::anyhow!("publishing an outbox row timed out")),
                    );
                }
            }
        }
        (done, None)
    }

    /// Runs rounds until `shutdown`, pausing when there was nothing to do.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            let idle = match self.run_once().await {
                Ok(r) => r.published == 0,
                Err(e) => {
                    tracing::warn!(error.message = %e, error.cause_chain = ?e, "outbox relay round failed; retrying");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(self.settings.poll_interval()) => {}
                }
            } else if shutdown.is_cancelled() {
                break;
            }
        }
        tracing::info!("outbox relay stopped");
    }
}
