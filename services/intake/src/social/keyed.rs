//! Publishes social-media applications keyed by their conversation's first
//! application id (not by their own id, as [`crate::publish::Publisher`]
//! does): every message of a conversation then lands in one partition and
//! one routing lane, so a follow-up is never handled before the case it
//! follows up exists. Same topic, headers and acknowledgement rule.

use std::{sync::Arc, time::Duration};

use prost::Message as _;
use tekmerkez_bus::{Bus, Envelope, PublishError, headers};
use tekmerkez_proto::intake_v1 as pb;

use crate::publish::{APPLICATION_EVENT_TYPE, APPLICATIONS_TOPIC};

/// Puts applications on the bus under a chosen key.
#[derive(Debug, Clone)]
pub struct KeyedPublisher {
    bus: Arc<dyn Bus>,
    timeout: Duration,
}

impl KeyedPublisher {
    /// A publisher on `bus` that gives up after `timeout`.
    pub fn new(bus: Arc<dyn Bus>, timeout: Duration) -> Self {
        Self { bus, timeout }
    }

    /// Publishes `app` under `key` and waits for the bus's acknowledgement.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish(
        &self,
        key: &str,
        app: &pb::ApplicationReceived,
    ) -> Result<(), PublishError> {
        let mut envelope = Envelope {
            topic: APPLICATIONS_TOPIC.to_owned(),
            key: key.to_owned(),
            headers: vec![
                (headers::EVENT_ID.to_owned(), app.application_id.clone()),
                (
                    headers::EVENT_TYPE.to_owned(),
                    APPLICATION_EVENT_TYPE.to_owned(),
                ),
                (headers::SCHEMA_VERSION.to_owned(), "1".to_owned()),
                (
                    headers::CONTENT_TYPE.to_owned(),
                    "application/protobuf".to_owned(),
                ),
            ],
            payload: app.encode_to_vec().into(),
        };
        if let Some(tp) = tekmerkez_telemetry::current_traceparent() {
            envelope.headers.push((headers::TRACEPARENT.to_owned(), tp));
        }
        let result = match tokio::time::timeout(self.timeout, self.bus.publish(envelope)).await {
            Ok(r) => r,
            Err(_) => Err(PublishError::Timeout),
        };
        if result.is_ok() {
            crate::publish::count_accepted(app);
        }
        result
    }
}
