//! Kafka through rdkafka with its bundled librdkafka.
//!
//! - Producer: `enable.idempotence=true`, `acks=all`, a bounded
//!   `message.timeout.ms`; a publish returns only after the delivery report.
//! - Consumers: `enable.auto.commit=true` with `enable.auto.offset.store=false`;
//!   an offset is stored only when the caller commits the delivery, so the
//!   background commit never passes unhandled work. Closing commits
//!   synchronously.
//! - Topics the services use are created at start-up when missing.

use std::time::Duration;

use bytes::Bytes;
use rdkafka::{
    ClientConfig, Message as _,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
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
    /// At librdkafka's default of 500, a consumer that replaced a SIGKILLed
    /// one on tansu joined its group and then never received a message (the
    /// routing crash test, reproducibly); at 100 it resumes at once.
    #[serde(default = "default_fetch_wait_max_ms")]
    pub fetch_wait_max_ms: u64,
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
        let new: Vec<NewTopic<'_>> = names
            .iter()
            .map(|t| {
                NewTopic::new(
                    t,
                    self.settings.partitions,
                    TopicReplication::Fixed(self.settings.replication_factor),
                )
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
        let consumer: StreamConsumer = ClientConfig::new()
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
            .create()
            .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        consumer
            .subscribe(&[&self.physical(topic)])
            .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        Ok(Box::new(KafkaSubscription {
            consumer,
            prefix: self.settings.topic_prefix.clone(),
        }))
    }
}

struct KafkaSubscription {
    consumer: StreamConsumer,
    prefix: String,
}

#[async_trait::async_trait]
impl Subscription for KafkaSubscription {
    async fn next(&mut self) -> Result<Delivery, ConsumeError> {
        let m = self
            .consumer
            .recv()
            .await
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
