//! The loop every consumer runs, at least once: take a delivery, hand it to
//! the [`Handler`], and commit it only once it is handled or dead-lettered.
//!
//! - [`HandleError::Unavailable`]: a dependency is down; retry with capped
//!   exponential backoff for as long as it takes (the message is fine, and
//!   dead-lettering it would lose work), until shutdown.
//! - [`HandleError::Transient`]: retry up to `max_attempts`, then dead-letter.
//! - [`HandleError::Permanent`]: dead-letter at once (undecodable, invalid).
//!
//! A dead letter is the original bytes and headers plus `x-dlq-reason` (an
//! error kind, never free text), `x-source-topic`, `x-source-partition` and
//! `x-source-offset`; the source offset is committed only after the DLQ
//! publish was acknowledged.

use std::{sync::Arc, time::Duration};

use rand::Rng as _;
use tokio_util::sync::CancellationToken;

use crate::{Bus, Delivery, Envelope, Subscription, dlq_topic, headers};

/// Why a handler could not handle a message.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// A dependency is unreachable: retry without limit.
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Might work on retry: bounded retries, then the DLQ.
    #[error("transient failure ({kind})")]
    Transient {
        /// Short error kind for the DLQ header.
        kind: &'static str,
        /// The cause.
        #[source]
        source: anyhow::Error,
    },
    /// Will never work: straight to the DLQ.
    #[error("permanent failure ({kind})")]
    Permanent {
        /// Short error kind for the DLQ header.
        kind: &'static str,
        /// The cause.
        #[source]
        source: anyhow::Error,
    },
}

/// Handles one message; must be idempotent (deliveries repeat after crashes).
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Handles `envelope`.
    ///
    /// # Errors
    /// [`HandleError`] says whether and how to retry.
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError>;
}

/// Retry timing.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts for transient failures, the first included.
    pub max_attempts: u32,
    /// First pause.
    pub initial_backoff: Duration,
    /// Longest pause.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1`: doubling, capped, with full jitter
    /// between half and all of it so that restarted consumers do not retry in step.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(self.max_backoff);
        let half = capped / 2;
        half + capped.mul_f64(rand::rng().random_range(0.0..0.5))
    }
}

/// What the loop did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ConsumerStats {
    /// Handled and committed.
    pub handled: u64,
    /// Dead-lettered and committed.
    pub dead_lettered: u64,
}

/// Runs `handler` over `subscription` until `shutdown`; dead letters go to
/// `<topic>.dlq` through `bus`.
pub async fn run(
    mut subscription: Box<dyn Subscription>,
    bus: Arc<dyn Bus>,
    handler: Arc<dyn Handler>,
    policy: RetryPolicy,
    shutdown: CancellationToken,
) -> ConsumerStats {
    let mut stats = ConsumerStats::default();
    loop {
        let delivery = tokio::select! {
            () = shutdown.cancelled() => break,
            d = subscription.next() => d,
        };
        let delivery = match delivery {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error.message = %e, error.cause_chain = ?e, "reading from the bus failed; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(policy.initial_backoff) => continue,
                }
            }
        };
        match handle_one(&delivery, &*handler, policy, &shutdown).await {
            Outcome::Handled => stats.handled += 1,
            Outcome::DeadLetter(kind) => {
                if !dead_letter(&*bus, &delivery, kind, policy, &shutdown).await {
                    break;
                }
                stats.dead_lettered += 1;
            }
            Outcome::Stopped => break,
        }
        if let Err(e) = subscription.commit(&delivery).await {
            tracing::warn!(error.message = %e, "committing a consumer position failed; the message may be delivered again");
        }
    }
    subscription.close().await;
    stats
}

enum Outcome {
    Handled,
    DeadLetter(&'static str),
    Stopped,
}

async fn handle_one(
    d: &Delivery,
    handler: &dyn Handler,
    policy: RetryPolicy,
    shutdown: &CancellationToken,
) -> Outcome {
    let mut attempt = 0u32;
    loop {
        match handler.handle(&d.envelope).await {
            Ok(()) => return Outcome::Handled,
            Err(HandleError::Permanent { kind, source }) => {
                tracing::error!(topic = %d.envelope.topic, offset = d.offset, error.kind = kind, error.cause_chain = ?source, "message cannot be handled; dead-lettering it");
                return Outcome::DeadLetter(kind);
            }
            Err(HandleError::Transient { kind, source }) => {
                attempt += 1;
                if attempt >= policy.max_attempts {
                    tracing::error!(topic = %d.envelope.topic, offset = d.offset, error.kind = kind, attempts = attempt, error.cause_chain = ?source, "retries exhausted; dead-lettering the message");
                    return Outcome::DeadLetter(kind);
                }
                tracing::warn!(topic = %d.envelope.topic, offset = d.offset, error.kind = kind, attempt, "transient failure; retrying");
            }
            Err(HandleError::Unavailable(source)) => {
                attempt = attempt.saturating_add(1);
                tracing::warn!(topic = %d.envelope.topic, offset = d.offset, attempt, error.cause_chain = ?source, "dependency unavailable; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return Outcome::Stopped,
            () = tokio::time::sleep(policy.backoff(attempt)) => {}
        }
    }
}

/// Publishes the dead letter, retrying until acknowledged; false on shutdown.
async fn dead_letter(
    bus: &dyn Bus,
    d: &Delivery,
    kind: &'static str,
    policy: RetryPolicy,
    shutdown: &CancellationToken,
) -> bool {
    let mut hdrs = d.envelope.headers.clone();
    hdrs.retain(|(k, _)| !k.starts_with("x-dlq-") && !k.starts_with("x-source-"));
    hdrs.push((headers::DLQ_REASON.to_owned(), kind.to_owned()));
    hdrs.push((
        headers::DLQ_SOURCE_TOPIC.to_owned(),
        d.envelope.topic.clone(),
    ));
    hdrs.push((
        headers::DLQ_SOURCE_PARTITION.to_owned(),
        d.partition.to_string(),
    ));
    hdrs.push((headers::DLQ_SOURCE_OFFSET.to_owned(), d.offset.to_string()));
    let letter = Envelope {
        topic: dlq_topic(&d.envelope.topic),
        key: d.envelope.key.clone(),
        headers: hdrs,
        payload: d.envelope.payload.clone(),
    };
    let mut attempt = 0;
    loop {
        match bus.publish(letter.clone()).await {
            Ok(()) => return true,
            Err(e) => {
                attempt += 1;
                tracing::error!(error.message = %e, attempt, "publishing a dead letter failed; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return false,
            () = tokio::time::sleep(policy.backoff(attempt)) => {}
        }
    }
}
