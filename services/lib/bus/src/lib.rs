//! The event bus contract every service publishes through, and its
//! in-process implementation.
//!
//! - [`Bus`]: publish one keyed [`Envelope`]; a publish is done only when the
//!   bus has acknowledged it (for Kafka: `acks=all` delivery report).
//! - [`InProcessBus`]: the embedded implementation `tekmerkez dev` uses and
//!   tests observe; subscribers get every envelope published after they
//!   subscribed, per topic, in publish order.
//!
//! Envelopes carry their metadata as headers (`event-id`, `event-type`,
//! `schema-version`, `content-type`, W3C `traceparent`) so consumers can
//! deduplicate and trace without decoding the payload.

use std::{collections::HashMap, sync::Mutex};

use bytes::Bytes;
use tokio::sync::broadcast;

/// One message for the bus.
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
}

/// Why a publish failed; the caller keeps the message and retries.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The bus did not acknowledge in time.
    #[error("the bus did not acknowledge within the timeout")]
    Timeout,
    /// The bus refused or could not be reached.
    #[error("the bus refused the message: {0}")]
    Rejected(String),
}

/// Something that publishes envelopes durably.
#[async_trait::async_trait]
pub trait Bus: Send + Sync + std::fmt::Debug + 'static {
    /// Publishes `envelope` and returns once the bus acknowledged it.
    ///
    /// # Errors
    /// [`PublishError`] when it was not acknowledged; the envelope may or may
    /// not have been delivered, so consumers must be idempotent.
    async fn publish(&self, envelope: Envelope) -> Result<(), PublishError>;
}

/// An in-process bus: topics are broadcast channels.
#[derive(Debug)]
pub struct InProcessBus {
    /// One sender per topic, created on first use; the bus owns them so
    /// subscribers never see a closed channel while the bus lives.
    topics: Mutex<HashMap<String, broadcast::Sender<Envelope>>>,
    capacity: usize,
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self::with_capacity(4096)
    }
}

impl InProcessBus {
    /// A bus whose subscribers may lag by `capacity` envelopes per topic.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            topics: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn sender(&self, topic: &str) -> broadcast::Sender<Envelope> {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        topics
            .entry(topic.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .clone()
    }

    /// Receives every envelope published on `topic` from now on.
    pub fn subscribe(&self, topic: &str) -> broadcast::Receiver<Envelope> {
        self.sender(topic).subscribe()
    }
}

#[async_trait::async_trait]
impl Bus for InProcessBus {
    async fn publish(&self, envelope: Envelope) -> Result<(), PublishError> {
        // A topic nobody listens to yet still accepts the message, as a
        // broker would; send only fails when there is no receiver.
        let _ = self.sender(&envelope.topic).send(envelope);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(topic: &str, key: &str, n: u8) -> Envelope {
        Envelope {
            topic: topic.into(),
            key: key.into(),
            headers: vec![(headers::EVENT_ID.into(), format!("e{n}"))],
            payload: Bytes::from(vec![n]),
        }
    }

    #[tokio::test]
    async fn subscribers_receive_their_topic_in_publish_order() {
        let bus = InProcessBus::default();
        let mut rx = bus.subscribe("case.events.v1");
        let mut other = bus.subscribe("other.v1");
        for n in 0..3 {
            bus.publish(envelope("case.events.v1", "k", n))
                .await
                .unwrap();
        }
        for n in 0..3 {
            let got = rx.recv().await.unwrap();
            assert_eq!(got.payload.as_ref(), &[n]);
            assert_eq!(
                got.header(headers::EVENT_ID),
                Some(format!("e{n}").as_str())
            );
        }
        assert!(other.try_recv().is_err());
    }

    #[tokio::test]
    async fn publishing_to_a_topic_without_subscribers_succeeds() {
        let bus = InProcessBus::default();
        assert!(bus.publish(envelope("nobody.v1", "k", 1)).await.is_ok());
    }
}
