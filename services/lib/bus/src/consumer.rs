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

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::Duration,
};

use rand::Rng as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

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
        /// Logged with its chain; the DLQ records only `kind`.
        #[source]
        source: anyhow::Error,
    },
    /// Will never work: straight to the DLQ.
    #[error("permanent failure ({kind})")]
    Permanent {
        /// Short error kind for the DLQ header.
        kind: &'static str,
        /// Logged with its chain; the DLQ records only `kind`.
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

/// How a consumer runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Retry timing.
    pub retry: RetryPolicy,
    /// Messages handled at once. Messages with the same key always go to the
    /// same lane, one after another, so per-key order holds; 1 handles the
    /// whole subscription in order.
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            concurrency: 1,
        }
    }
}

/// A finished delivery, back from its lane.
struct Done {
    delivery: Delivery,
    outcome: Outcome,
}

/// Runs `handler` over `subscription` until `shutdown`; dead letters go to
/// `<topic>.dlq` through `bus`.
///
/// Up to `options.concurrency` messages are handled at once, in lanes chosen
/// by key. A partition's position is committed only up to the first message
/// not yet finished (see `Watermarks`), so a crash never skips unfinished
/// work, whatever order the lanes finish in. On shutdown it stops reading,
/// lets the lanes finish what they hold, commits, and returns.
pub async fn run(
    mut subscription: Box<dyn Subscription>,
    bus: Arc<dyn Bus>,
    handler: Arc<dyn Handler>,
    options: Options,
    shutdown: CancellationToken,
) -> ConsumerStats {
    let policy = options.retry;
    let lanes = options.concurrency.max(1);
    // Bounds the work read ahead of the slowest lane.
    let max_in_flight = lanes * 4;
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
    let mut senders = Vec::with_capacity(lanes);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..lanes {
        let (tx, rx) = mpsc::unbounded_channel::<Delivery>();
        senders.push(tx);
        workers.spawn(lane(
            rx,
            done_tx.clone(),
            bus.clone(),
            handler.clone(),
            policy,
            shutdown.clone(),
        ));
    }
    drop(done_tx);

    let mut stats = ConsumerStats::default();
    let mut marks = Watermarks::default();
    let mut in_flight = 0usize;
    loop {
        let reading = in_flight < max_in_flight;
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            Some(done) = done_rx.recv() => {
                in_flight -= 1;
                if finish(done, &mut stats, &mut marks, &mut *subscription).await.is_break() {
                    break;
                }
            }
            d = subscription.next(), if reading => match d {
                Ok(d) => {
                    if marks.start(&d) {
                        in_flight += 1;
                        let lane = lane_of(&d.envelope.key, lanes);
                        if senders[lane].send(d).is_err() {
                            break;
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error.message = %e, error.cause_chain = ?e, "reading from the bus failed; retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(policy.initial_backoff) => {}
                    }
                }
            },
        }
    }
    // Stop: no new work; lanes finish the message they hold (a handler is
    // never cut off mid-call) and drop what they had not started.
    drop(senders);
    while let Some(done) = done_rx.recv().await {
        let _ = finish(done, &mut stats, &mut marks, &mut *subscription).await;
    }
    while workers.join_next().await.is_some() {}
    subscription.close().await;
    stats
}

fn lane_of(key: &str, lanes: usize) -> usize {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    let h =
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(key);
    (h % lanes as u64) as usize
}

/// Records a finished delivery and commits what became contiguous; `Break`
/// when the loop must stop (shutdown reached a lane mid-message).
async fn finish(
    done: Done,
    stats: &mut ConsumerStats,
    marks: &mut Watermarks,
    subscription: &mut dyn Subscription,
) -> std::ops::ControlFlow<()> {
    match done.outcome {
        Outcome::Handled => stats.handled += 1,
        Outcome::DeadLetter(_) => stats.dead_lettered += 1,
        Outcome::Stopped => return std::ops::ControlFlow::Break(()),
    }
    if let Some(upto) = marks.finish(done.delivery)
        && let Err(e) = subscription.commit(&upto).await
    {
        tracing::warn!(error.message = %e, "committing a consumer position failed; the message may be delivered again");
    }
    std::ops::ControlFlow::Continue(())
}

/// One lane: handles its deliveries one at a time, in arrival order.
async fn lane(
    mut rx: mpsc::UnboundedReceiver<Delivery>,
    done: mpsc::UnboundedSender<Done>,
    bus: Arc<dyn Bus>,
    handler: Arc<dyn Handler>,
    policy: RetryPolicy,
    shutdown: CancellationToken,
) {
    while let Some(delivery) = rx.recv().await {
        if shutdown.is_cancelled() {
            break;
        }
        // One span per message, continuing the trace it was published in.
        let span = tracing::info_span!(
            "bus.consume",
            messaging.destination = %delivery.envelope.topic,
            messaging.partition = delivery.partition,
            messaging.offset = delivery.offset,
        );
        tekmerkez_telemetry::continue_trace(
            &span,
            delivery.envelope.header(headers::TRACEPARENT),
            delivery.envelope.header(headers::TRACESTATE),
        );
        let started = std::time::Instant::now();
        let outcome = async {
            match handle_one(&delivery, &*handler, policy, &shutdown).await {
                Outcome::DeadLetter(kind) => {
                    if dead_letter(&*bus, &delivery, kind, policy, &shutdown).await {
                        Outcome::DeadLetter(kind)
                    } else {
                        Outcome::Stopped
                    }
                }
                other => other,
            }
        }
        .instrument(span)
        .await;
        record(&delivery.envelope.topic, &outcome, started.elapsed());
        let stopped = matches!(outcome, Outcome::Stopped);
        if done.send(Done { delivery, outcome }).is_err() || stopped {
            break;
        }
    }
}

/// Counts a finished delivery by topic (and dead letters by reason) and
/// times it; a delivery cut off by shutdown is neither.
fn record(topic: &str, outcome: &Outcome, took: Duration) {
    use tekmerkez_telemetry::metrics::names;
    match outcome {
        Outcome::Handled => {
            metrics::counter!(names::MESSAGES_HANDLED, "topic" => topic.to_owned()).increment(1);
        }
        Outcome::DeadLetter(kind) => {
            metrics::counter!(names::DEAD_LETTERS, "topic" => topic.to_owned(), "reason" => *kind)
                .increment(1);
        }
        Outcome::Stopped => return,
    }
    metrics::histogram!(names::HANDLE_DURATION, "topic" => topic.to_owned())
        .record(took.as_secs_f64());
}

/// Per partition, the deliveries read but not yet committable, so that the
/// committed position never passes a message still being handled.
#[derive(Default)]
struct Watermarks {
    /// (topic, partition) → offset → the finished delivery, or `None` while
    /// it is being handled.
    open: HashMap<(String, i32), BTreeMap<i64, Option<Delivery>>>,
    /// (topic, partition) → the highest offset committed, so that a
    /// redelivery after a rebalance never moves the position back.
    committed: HashMap<(String, i32), i64>,
}

impl Watermarks {
    /// Tracks `d` as started; false when it is already in hand (a redelivery
    /// of a message still being handled), which is then not handled twice.
    fn start(&mut self, d: &Delivery) -> bool {
        let slots = self
            .open
            .entry((d.envelope.topic.clone(), d.partition))
            .or_default();
        if slots.contains_key(&d.offset) {
            return false;
        }
        slots.insert(d.offset, None);
        true
    }

    /// Marks `d` finished; returns the last delivery of the now-contiguous
    /// finished run at the partition's head, which is what to commit.
    fn finish(&mut self, d: Delivery) -> Option<Delivery> {
        let key = (d.envelope.topic.clone(), d.partition);
        let slots = self.open.get_mut(&key)?;
        if let Some(slot) = slots.get_mut(&d.offset) {
            *slot = Some(d);
        }
        let mut upto = None;
        while let Some(entry) = slots.first_entry() {
            if entry.get().is_none() {
                break;
            }
            upto = entry.remove();
        }
        let upto = upto?;
        let high = self.committed.entry(key).or_insert(i64::MIN);
        if upto.offset <= *high {
            return None;
        }
        *high = upto.offset;
        Some(upto)
    }
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
                metrics::counter!(tekmerkez_telemetry::metrics::names::HANDLER_RETRIES, "topic" => d.envelope.topic.clone(), "kind" => "transient").increment(1);
            }
            Err(HandleError::Unavailable(source)) => {
                attempt = attempt.saturating_add(1);
                tracing::warn!(topic = %d.envelope.topic, offset = d.offset, attempt, error.cause_chain = ?source, "dependency unavailable; retrying");
                metrics::counter!(tekmerkez_telemetry::metrics::names::HANDLER_RETRIES, "topic" => d.envelope.topic.clone(), "kind" => "unavailable").increment(1);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(partition: i32, offset: i64) -> Delivery {
        Delivery {
            envelope: Envelope {
                topic: "t.v1".into(),
                key: String::new(),
                headers: Vec::new(),
                payload: bytes::Bytes::new(),
            },
            partition,
            offset,
        }
    }

    fn done(m: &mut Watermarks, partition: i32, offset: i64) -> Option<i64> {
        m.finish(d(partition, offset)).map(|x| x.offset)
    }

    #[test]
    fn the_commit_waits_for_the_first_unfinished_offset_of_its_partition() {
        let mut m = Watermarks::default();
        for o in 10..15 {
            assert!(m.start(&d(0, o)));
        }
        assert!(m.start(&d(1, 3)));
        assert_eq!(done(&mut m, 0, 12), None, "10 and 11 are still in hand");
        assert_eq!(done(&mut m, 0, 11), None);
        assert_eq!(done(&mut m, 1, 3), Some(3), "partitions are independent");
        assert_eq!(done(&mut m, 0, 10), Some(12), "10..=12 are now contiguous");
        assert_eq!(done(&mut m, 0, 14), None);
        assert_eq!(done(&mut m, 0, 13), Some(14));
    }

    #[test]
    fn a_redelivery_of_work_in_hand_is_not_started_twice_and_the_position_never_goes_back() {
        let mut m = Watermarks::default();
        assert!(m.start(&d(0, 5)));
        assert!(!m.start(&d(0, 5)), "already in hand");
        assert_eq!(done(&mut m, 0, 5), Some(5));
        // After a rebalance the same offsets come again: handled again
        // (handlers are idempotent), but the position does not move back.
        assert!(m.start(&d(0, 4)));
        assert_eq!(done(&mut m, 0, 4), None);
        assert!(m.start(&d(0, 6)));
        assert_eq!(done(&mut m, 0, 6), Some(6));
    }

    #[test]
    fn lanes_are_stable_per_key_and_spread_keys() {
        let lanes: std::collections::HashSet<usize> =
            (0..100).map(|i| lane_of(&format!("app-{i}"), 8)).collect();
        assert_eq!(lanes.len(), 8);
        assert_eq!(lane_of("case-1", 8), lane_of("case-1", 8));
        assert_eq!(lane_of("anything", 1), 0);
    }
}
