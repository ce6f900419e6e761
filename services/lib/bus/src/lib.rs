//! The event bus every service publishes to and consumes from.
//!
//! - [`Bus`]: publish one keyed [`Envelope`] (done only once the bus has
//!   acknowledged it durably) and subscribe a consumer group to a topic.
//! - [`Subscription`]: at-least-once delivery; [`Subscription::commit`] marks
//!   a delivery handled, and only then does a restart skip it.
//! - [`EmbeddedBus`]: a durable log in one SQLite file, for `tekmerkez dev`
//!   and tests that need no broker.
//! - [`KafkaBus`]: Kafka through rdkafka (idempotent producer, `acks=all`,
//!   offsets stored only after the work is done).
//! - [`consumer`]: the loop every consumer runs: bounded retries with capped
//!   exponential backoff, a dead-letter topic for what can never be handled.
//!
//! Envelopes carry their metadata as headers (`event-id`, `event-type`,
//! `schema-version`, `content-type`, W3C `traceparent`) so consumers can
//! deduplicate and trace without decoding the payload.

#![warn(missing_docs)]

pub mod consumer;
mod embedded;
mod kafka;

use bytes::Bytes;
pub use embedded::EmbeddedBus;
pub use kafka::{KafkaBus, KafkaSettings, TopicRetention};

/// One message on the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The topic, `<area>.<what>.v1`.
    pub topic: String,
    /// The partition key: the case or application id, so one case stays ordered.
    pub key: String,
    /// Headers, name and value; see [`headers`] for the standard names.
    pub headers: Vec<(String, String)>,
    /// The encoded protobuf message.
    pub payload: Bytes,
}

impl Envelope {
    /// The value of header `name`, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Standard header names.
pub mod headers {
    /// Unique per event; consumers deduplicate on it.
    pub const EVENT_ID: &str = "event-id";
    /// The protobuf message's full name.
    pub const EVENT_TYPE: &str = "event-type";
    /// The payload's schema version.
    pub const SCHEMA_VERSION: &str = "schema-version";
    /// `application/protobuf`.
    pub const CONTENT_TYPE: &str = "content-type";
    /// W3C trace context.
    pub const TRACEPARENT: &str = "traceparent";
    /// W3C trace state.
    pub const TRACESTATE: &str = "tracestate";
    /// Why a message was dead-lettered: an error kind, never free text.
    pub const DLQ_REASON: &str = "x-dlq-reason";
    /// The topic a dead letter came from.
    pub const DLQ_SOURCE_TOPIC: &str = "x-source-topic";
    /// Its partition.
    pub const DLQ_SOURCE_PARTITION: &str = "x-source-partition";
    /// Its offset.
    pub const DLQ_SOURCE_OFFSET: &str = "x-source-offset";
}

/// The dead-letter topic of `topic`.
pub fn dlq_topic(topic: &str) -> String {
    format!("{topic}.dlq")
}

/// One delivered message and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message as produced (topic, key, headers, payload).
    pub envelope: Envelope,
    /// Its partition (always 0 on the embedded bus).
    pub partition: i32,
    /// Its offset in the partition.
    pub offset: i64,
}

/// Why a publish failed; the caller keeps the message and retries.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The bus did not acknowledge in time.
    #[error("the bus did not acknowledge within the timeout")]
    Timeout,
    /// The bus refused or could not be reached.
    #[error("the bus refused the message")]
    Rejected(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Why consuming failed.
#[derive(Debug, thiserror::Error)]
pub enum ConsumeError {
    /// The bus failed or could not be reached.
    #[error("the bus failed")]
    Bus(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Something that publishes envelopes durably and feeds consumer groups.
#[async_trait::async_trait]
pub trait Bus: Send + Sync + std::fmt::Debug + 'static {
    /// Publishes `envelope` and returns once the bus acknowledged it.
    ///
    /// # Errors
    /// [`PublishError`] when it was not acknowledged; the envelope may or may
    /// not have been delivered, so consumers must be idempotent.
    async fn publish(&self, envelope: Envelope) -> Result<(), PublishError>;

    /// Joins consumer group `group` on `topic`, resuming after its last commit
    /// (or from the beginning for a new group).
    ///
    /// # Errors
    /// [`ConsumeError`] when the bus cannot be reached.
    async fn subscribe(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<Box<dyn Subscription>, ConsumeError>;
}

/// A consumer group member's view of a topic.
#[async_trait::async_trait]
pub trait Subscription: Send {
    /// The next delivery, waiting for one. Cancel-safe: dropping the future
    /// before it completes loses no delivery (the consumer loop races it
    /// against finished work).
    ///
    /// # Errors
    /// [`ConsumeError`] when the bus fails.
    async fn next(&mut self) -> Result<Delivery, ConsumeError>;

    /// Marks `delivery` (and everything before it on its partition) handled.
    ///
    /// # Errors
    /// [`ConsumeError`] when the position cannot be stored.
    async fn commit(&mut self, delivery: &Delivery) -> Result<(), ConsumeError>;

    /// Flushes committed positions before the subscription is dropped.
    async fn close(self: Box<Self>);
}
