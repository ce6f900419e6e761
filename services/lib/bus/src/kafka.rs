//! Kafka through rdkafka with its bundled librdkafka.
//!
//! - Producer: `enable.idempotence=true`, `acks=all`, a bounded
//!   `message.timeout.ms`; a publish returns only after the delivery report.
//! - Consumers: `enable.auto.commit=true` with `enable.auto.offset.store=false`;
//!   an offset is stored only when the caller commits the delivery, so the
//!   background commit never passes unhandled work. Closing commits
//!   synchronously.
//! - Topics the services use are created at start-up when missing.
//! - Consumer lag: librdkafka's statistics (every
//!   [`KafkaSettings::statistics_interval_ms`]) give each assigned
//!   partition's distance from the high watermark to the offset this consumer
//!   stored as handled; it is the `tekmerkez_bus_consumer_lag` gauge.
//! - A consumer left holding no partitions while the topic has at least as
//!   many partitions as its group has members rejoins the group (see
//!   [`KafkaSettings::unassigned_rejoin_after_ms`]): no assignor leaves a
//!   member empty then, so the group's assignment was lost.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use bytes::Bytes;
use rdkafka::{
    ClientConfig, Message as _, Offset, TopicPartitionList,
    admin::{
        AdminClient, AdminOptions, AlterConfig, NewTopic, ResourceSpecifier, TopicReplication,
    },
    client::DefaultClientContext,
    consumer::{CommitMode, Consumer as _, StreamConsumer},
    error::RDKafkaErrorCode,
    message::{Header, Headers as _, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};

use crate::{Bus, ConsumeError, Delivery, Envelope, PublishError, Subscription};

/// How to reach the brokers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    /// `host:port,host:port`.
    pub brokers: String,
    /// Identifies this process to the brokers.
    pub client_id: String,
    /// How long a publish may take before it fails (`message.timeout.ms`).
    pub message_timeout_ms: u64,
    /// Consumer session timeout.
    pub session_timeout_ms: u64,
    /// Partitions for topics created at start-up.
    pub partitions: i32,
    /// Replication factor for topics created at start-up.
    pub replication_factor: i32,
    /// Prepended to every topic name and consumer group id on the brokers
    /// (empty in production); lets test runs and environments share a
    /// cluster without seeing each other.
    #[serde(default)]
    pub topic_prefix: String,
    /// The idempotent producer (`enable.idempotence`, with `acks=all`). On in
    /// production. Consumers deduplicate on event ids, so turning it off only
    /// allows broker-side duplicates that are absorbed anyway; the project's
    /// test broker (tansu 0.6.0, SQLite engine) needs it off under load, see
    /// the README's known issues.
    #[serde(default = "default_true")]
    pub idempotence: bool,
    /// How long the producer waits to batch messages (`linger.ms`). Every
    /// publish is awaited (an HTTP answer, the outbox relay), so this adds to
    /// their latency at low load; at high load batching is what keeps the
    /// broker's per-request cost down. 5 (librdkafka's default) measured best
    /// end to end on tansu (README, benchmark).
    #[serde(default = "default_linger_ms")]
    pub linger_ms: u64,
    /// How long a broker may hold a consumer's fetch waiting for data
    /// (`fetch.wait.max.ms`). Kafka answers as soon as data arrives; tansu
    /// 0.6.0 waits out up to half of it even when it has data, so lower
    /// values cut the consumer's latency there at the price of more fetches.
    #[serde(default = "default_fetch_wait_max_ms")]
    pub fetch_wait_max_ms: u64,
    /// How long a consumer may hold no partition before it checks whether
    /// its group lost the assignment, and rejoins if so; 0 turns the check
    /// off. Every assignor (range, round-robin, sticky) gives each member at
    /// least one partition when the topic has at least as many partitions as
    /// the group has members, so an empty assignment then is never the
    /// group's intent: tansu 0.6.0 forms such a group when a follower's
    /// SyncGroup arrives just after the old leader's session expired (its
    /// `Forming::sync` accepts the follower's empty assignment list once no
    /// leader is left), and the consumer would otherwise wait forever. Real
    /// Kafka never gets there, so the check never fires on it.
    #[serde(default = "default_unassigned_rejoin_after_ms")]
    pub unassigned_rejoin_after_ms: u64,
    /// How often librdkafka reports a consumer's statistics
    /// (`statistics.interval.ms`), from which the consumer-lag gauge is set;
    /// 0 turns them (and the gauge) off.
    #[serde(default = "default_statistics_interval_ms")]
    pub statistics_interval_ms: u64,
    /// Retention of named topics (`retention.ms`, -1 unlimited), set when
    /// the topic is created and, on a topic that exists, altered at start
    /// (a broker that refuses is logged, not fatal). `case.events.v1` keeps
    /// its events unlimited in production so that the reports can be
    /// rebuilt from its beginning (`tekmerkez reports rebuild`).
    #[serde(default)]
    pub topic_retention: Vec<TopicRetention>,
}

/// One topic's retention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicRetention {
    /// The topic's logical name (without the prefix).
    pub topic: String,
    /// `retention.ms`: -1 keeps everything.
    pub retention_ms: i64,
}

fn default_statistics_interval_ms() -> u64 {
    5_000
}

fn default_unassigned_rejoin_after_ms() -> u64 {
    15_000
}

fn default_linger_ms() -> u64 {
    5
}

fn default_fetch_wait_max_ms() -> u64 {
    100
}

fn default_true() -> bool {
    true
}

fn boxed<E: std::error::Error + Send + Sync + 'static>(
    e: E,
) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

/// The Kafka bus.
#[derive(Clone)]
pub struct KafkaBus {
    producer: FutureProducer,
    settings: KafkaSettings,
}

impl std::fmt::Debug for KafkaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaBus")
            .field("brokers", &self.settings.brokers)
            .finish_non_exhaustive()
    }
}

impl KafkaBus {
    fn physical(&self, topic: &str) -> String {
        format!("{}{topic}", self.settings.topic_prefix)
    }

    /// A producer for `settings`; connects lazily.
    ///
    /// # Errors
    /// When librdkafka refuses the configuration.
    pub fn new(settings: KafkaSettings) -> Result<Self, rdkafka::error::KafkaError> {
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", &settings.brokers)
            .set("client.id", &settings.client_id)
            .set("enable.idempotence", settings.idempotence.to_string())
            .set("acks", "all")
            .set("linger.ms", settings.linger_ms.to_string())
            .set(
                "message.timeout.ms",
                settings.message_timeout_ms.to_string(),
            )
            .create()?;
        Ok(Self { producer, settings })
    }

    /// Creates `topics` (and their dead-letter topics when asked) if missing.
    ///
    /// # Errors
    /// When the brokers cannot be reached or refuse for another reason than "exists".
    pub async fn ensure_topics(&self, topics: &[&str]) -> Result<(), rdkafka::error::KafkaError> {
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.settings.brokers)
            .create()?;
        let names: Vec<String> = topics.iter().map(|t| self.physical(t)).collect();
        let retention: Vec<(String, String)> = self
            .settings
            .topic_retention
            .iter()
            .filter(|r| topics.contains(&r.topic.as_str()))
            .map(|r| (self.physical(&r.topic), r.retention_ms.to_string()))
            .collect();
        let retention_of = |t: &str| {
            retention
                .iter()
                .find(|(n, _)| n == t)
                .map(|(_, ms)| ms.as_str())
        };
        let new: Vec<NewTopic<'_>> = names
            .iter()
            .map(|t| {
                let topic = NewTopic::new(
                    t,
                    self.settings.partitions,
                    TopicReplication::Fixed(self.settings.replication_factor),
                );
                match retention_of(t) {
                    Some(ms) => topic.set("retention.ms", ms),
                    None => topic,
                }
            })
            .collect();
        let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
        for result in admin.create_topics(&new, &opts).await? {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    tracing::warn!(topic, error = %code, "creating a topic failed");
                    return Err(rdkafka::error::KafkaError::AdminOp(code));
                }
            }
        }
        // A topic created before its retention was configured gets it now.
        let alter: Vec<AlterConfig<'_>> = retention
            .iter()
            .map(|(t, ms)| AlterConfig::new(ResourceSpecifier::Topic(t)).set("retention.ms", ms))
            .collect();
        if !alter.is_empty() {
            match admin.alter_configs(&alter, &opts).await {
                Ok(results) => {
                    for r in results {
                        if let Err((_, code)) = r {
                            tracing::warn!(error = %code, "setting a topic's retention failed");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "setting topics' retention failed"),
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Bus for KafkaBus {
    async fn publish(&self, e: Envelope) -> Result<(), PublishError> {
        let mut headers = OwnedHeaders::new_with_capacity(e.headers.len());
        for (k, v) in &e.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v.as_bytes()),
            });
        }
        let topic = self.physical(&e.topic);
        let record = FutureRecord::to(&topic)
            .key(e.key.as_bytes())
            .payload(e.payload.as_ref())
            .headers(headers);
        let timeout = Duration::from_millis(self.settings.message_timeout_ms);
        match self.producer.send(record, timeout).await {
            Ok(_) => Ok(()),
            Err((
                rdkafka::error::KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut),
                _,
            )) => Err(PublishError::Timeout),
            Err((err, _)) => Err(PublishError::Rejected(boxed(err))),
        }
    }

    async fn subscribe(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<Box<dyn Subscription>, ConsumeError> {
        let physical_topic = self.physical(topic);
        let context = LagContext {
            group: group.to_owned(),
            topic: topic.to_owned(),
            physical_topic: physical_topic.clone(),
            reported: std::sync::Mutex::new(std::collections::BTreeSet::new()),
        };
        let consumer: Consumer = ClientConfig::new()
            .set("bootstrap.servers", &self.settings.brokers)
            .set("client.id", &self.settings.client_id)
            .set("group.id", self.physical(group))
            .set("enable.auto.commit", "true")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set(
                "fetch.wait.max.ms",
                self.settings.fetch_wait_max_ms.to_string(),
            )
            .set(
                "session.timeout.ms",
                self.settings.session_timeout_ms.to_string(),
            )
            .set(
                "statistics.interval.ms",
                self.settings.statistics_interval_ms.to_string(),
            )
            .create_with_context(context)
            .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        consumer
            .subscribe(&[&physical_topic])
            .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        let watchdog = (self.settings.unassigned_rejoin_after_ms > 0).then(|| {
            AssignmentWatchdog::new(Duration::from_millis(
                self.settings.unassigned_rejoin_after_ms,
            ))
        });
        Ok(Box::new(KafkaSubscription {
            consumer: Arc::new(consumer),
            prefix: self.settings.topic_prefix.clone(),
            topic: physical_topic,
            watchdog,
        }))
    }
}

/// A consumer whose statistics set the lag gauge.
type Consumer = StreamConsumer<LagContext>;

/// Sets `tekmerkez_bus_consumer_lag` from librdkafka's statistics for the
/// partitions this consumer holds. A partition it reported before and no
/// longer holds reads 0 here, so summing the gauge over a group's members
/// counts each partition once (its new owner reports it).
struct LagContext {
    group: String,
    topic: String,
    physical_topic: String,
    reported: std::sync::Mutex<std::collections::BTreeSet<i32>>,
}

impl rdkafka::ClientContext for LagContext {
    fn stats(&self, statistics: rdkafka::Statistics) {
        let mut now = std::collections::BTreeMap::new();
        if let Some(t) = statistics.topics.get(&self.physical_topic) {
            for (&partition, p) in &t.partitions {
                // Partition -1 is librdkafka's internal one; -1 lags mean
                // "not known" (a partition this consumer does not hold).
                let lag = if p.consumer_lag_stored >= 0 {
                    p.consumer_lag_stored
                } else {
                    p.consumer_lag
                };
                if partition >= 0 && lag >= 0 {
                    now.insert(partition, lag);
                }
            }
        }
        let Ok(mut reported) = self.reported.lock() else {
            return;
        };
        for gone in reported.iter().filter(|p| !now.contains_key(p)) {
            self.set(*gone, 0);
        }
        for (&partition, &lag) in &now {
            self.set(partition, lag);
        }
        *reported = now.keys().copied().collect();
    }
}

impl LagContext {
    fn set(&self, partition: i32, lag: i64) {
        metrics::gauge!(
            tekmerkez_telemetry::metrics::names::CONSUMER_LAG,
            "group" => self.group.clone(),
            "topic" => self.topic.clone(),
            "partition" => partition.to_string(),
        )
        .set(lag as f64);
    }
}

impl rdkafka::consumer::ConsumerContext for LagContext {}

struct KafkaSubscription {
    /// Shared with the blocking group and metadata look-ups of the watchdog.
    consumer: Arc<Consumer>,
    prefix: String,
    /// The physical topic, for the watchdog's look-ups.
    topic: String,
    watchdog: Option<AssignmentWatchdog>,
}

/// The group's position on each partition of the topic: the committed
/// offset, and whether messages wait beyond it.
type Positions = BTreeMap<i32, (i64, bool)>;

/// Notices a consumer that has held no partition for a whole grace period
/// while the group made no progress on a partition with messages waiting:
/// then nobody consumes them, and the consumer rejoins (see
/// [`KafkaSettings::unassigned_rejoin_after_ms`]). An idle member of a
/// healthy group (more members than partitions) sees the others' commits
/// move, or nothing waiting, and stays put.
struct AssignmentWatchdog {
    grace: Duration,
    ticker: tokio::time::Interval,
    /// Since when this consumer has held nothing, with the group's positions
    /// then; `None` while it holds partitions.
    empty: Option<(tokio::time::Instant, Option<Positions>)>,
}

impl AssignmentWatchdog {
    fn new(grace: Duration) -> Self {
        let period = (grace / 3).max(Duration::from_millis(100));
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self {
            grace,
            ticker,
            empty: None,
        }
    }
}

/// Whether some partition had messages waiting both times, and the group's
/// committed position on it did not move in between.
fn stalled(before: &Positions, after: &Positions) -> bool {
    after.iter().any(|(partition, &(committed, waiting))| {
        waiting && before.get(partition) == Some(&(committed, true))
    })
}

/// Looks up the group's committed offsets and the topic's high watermarks
/// (blocking librdkafka calls, so on the blocking pool).
async fn group_positions(
    consumer: Arc<Consumer>,
    topic: String,
) -> Result<Positions, rdkafka::error::KafkaError> {
    tokio::task::spawn_blocking(move || {
        let timeout = Duration::from_secs(5);
        let metadata = consumer.fetch_metadata(Some(&topic), timeout)?;
        let mut list = TopicPartitionList::new();
        for t in metadata.topics().iter().filter(|t| t.name() == topic) {
            for p in t.partitions() {
                list.add_partition(&topic, p.id());
            }
        }
        let committed = consumer.committed_offsets(list, timeout)?;
        let mut positions = Positions::new();
        for e in committed.elements() {
            let (low, high) = consumer.fetch_watermarks(&topic, e.partition(), timeout)?;
            let at = match e.offset() {
                Offset::Offset(o) => o.max(low),
                _ => low,
            };
            positions.insert(e.partition(), (at, high > at));
        }
        Ok(positions)
    })
    .await
    .unwrap_or_else(|_| Err(rdkafka::error::KafkaError::Canceled))
}

impl KafkaSubscription {
    /// One watchdog tick: tracks an empty assignment and, after the grace
    /// period, rejoins the group when it has stalled.
    async fn watch(&mut self, now: tokio::time::Instant) {
        let held = self.consumer.assignment().map_or(0, |a| a.count());
        let Some(watchdog) = self.watchdog.as_mut() else {
            return;
        };
        if held > 0 {
            watchdog.empty = None;
            return;
        }
        let due = match &watchdog.empty {
            None => true,
            Some((since, before)) => {
                before.is_none() || now.duration_since(*since) >= watchdog.grace
            }
        };
        if !due {
            return;
        }
        let after = match group_positions(self.consumer.clone(), self.topic.clone()).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "looking up the group's positions failed; checking again later");
                return;
            }
        };
        let before = watchdog.empty.take().and_then(|(_, p)| p);
        if before.as_ref().is_some_and(|b| stalled(b, &after)) {
            tracing::warn!(
                topic = %self.topic,
                partitions = after.len(),
                "this consumer held no partition while messages waited unconsumed; rejoining the group"
            );
            self.consumer.unsubscribe();
            if let Err(e) = self.consumer.subscribe(&[&self.topic]) {
                tracing::warn!(error = %e, "resubscribing after a lost assignment failed");
            }
        }
        watchdog.empty = Some((now, Some(after)));
    }
}

#[async_trait::async_trait]
impl Subscription for KafkaSubscription {
    async fn next(&mut self) -> Result<Delivery, ConsumeError> {
        let m = loop {
            let Some(watchdog) = self.watchdog.as_mut() else {
                break self.consumer.recv().await;
            };
            tokio::select! {
                m = self.consumer.recv() => break m,
                now = watchdog.ticker.tick() => self.watch(now).await,
            }
        }
        .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        let headers = m
            .headers()
            .map(|h| {
                h.iter()
                    .map(|x| {
                        (
                            x.key.to_owned(),
                            x.value
                                .map(|v| String::from_utf8_lossy(v).into_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Delivery {
            envelope: Envelope {
                topic: m
                    .topic()
                    .strip_prefix(self.prefix.as_str())
                    .unwrap_or(m.topic())
                    .to_owned(),
                key: m
                    .key()
                    .map(|k| String::from_utf8_lossy(k).into_owned())
                    .unwrap_or_default(),
                headers,
                payload: Bytes::copy_from_slice(m.payload().unwrap_or_default()),
            },
            partition: m.partition(),
            offset: m.offset(),
        })
    }

    async fn commit(&mut self, d: &Delivery) -> Result<(), ConsumeError> {
        // librdkafka stores offset + 1: the next message to read.
        let topic = format!("{}{}", self.prefix, d.envelope.topic);
        self.consumer
            .store_offset(&topic, d.partition, d.offset)
            .map_err(|e| ConsumeError::Bus(boxed(e)))
    }

    async fn close(self: Box<Self>) {
        if let Err(e) = self.consumer.commit_consumer_state(CommitMode::Sync) {
            // Nothing stored since the last automatic commit is not an error.
            if !matches!(
                e,
                rdkafka::error::KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)
            ) {
                tracing::warn!(error = %e, "committing consumer offsets on close failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(entries: &[(i32, i64, bool)]) -> Positions {
        entries.iter().map(|&(p, o, w)| (p, (o, w))).collect()
    }

    #[test]
    fn a_group_has_stalled_when_a_waiting_partition_kept_its_position() {
        let before = positions(&[(0, 10, true), (1, 5, false)]);
        assert!(stalled(
            &before,
            &positions(&[(0, 10, true), (1, 5, false)])
        ));
        assert!(
            !stalled(&before, &positions(&[(0, 11, true), (1, 5, false)])),
            "someone consumes partition 0"
        );
        assert!(
            !stalled(&before, &positions(&[(0, 10, false), (1, 5, false)])),
            "nothing waits any more"
        );
        assert!(
            !stalled(&positions(&[(0, 10, false)]), &positions(&[(0, 10, true)])),
            "a message just arrived: wait for the next look"
        );
        assert!(
            !stalled(&Positions::new(), &positions(&[(0, 10, true)])),
            "a partition not seen before"
        );
        assert!(stalled(
            &positions(&[(0, 3, false), (2, 7, true)]),
            &positions(&[(0, 4, false), (2, 7, true)])
        ));
    }
}
