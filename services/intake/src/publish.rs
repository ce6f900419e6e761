//! Publishes an accepted application to `intake.applications.v1`,
//! identified by its application id and keyed by it (or, for social media,
//! by its conversation's first application id); the answer to the channel
//! waits for this.

use std::{sync::Arc, time::Duration};

use prost::Message as _;
use tekmerkez_bus::{Bus, Envelope, PublishError, headers};
use tekmerkez_proto::intake_v1 as pb;

/// The topic applications go to.
pub const APPLICATIONS_TOPIC: &str = "intake.applications.v1";
/// The `event-type` header value.
pub const APPLICATION_EVENT_TYPE: &str = "tekmerkez.intake.v1.ApplicationReceived";

/// The topic the call centre's finished calls go to (for the reports).
pub const CALLS_TOPIC: &str = "intake.calls.v1";
/// Their `event-type` header value.
pub const CALL_EVENT_TYPE: &str = "tekmerkez.intake.v1.CallCompleted";
/// The `event-type` header of an IVR self-service answer on the same topic.
pub const IVR_SELF_SERVICE_EVENT_TYPE: &str = "tekmerkez.intake.v1.IvrSelfService";

/// Puts applications (and finished calls) on the bus.
#[derive(Debug, Clone)]
pub struct Publisher {
    bus: Arc<dyn Bus>,
    timeout: Duration,
}

impl Publisher {
    /// A publisher on `bus` that gives up after `timeout`.
    pub fn new(bus: Arc<dyn Bus>, timeout: Duration) -> Self {
        Self { bus, timeout }
    }

    /// Publishes keyed by the application id and waits for the bus's
    /// acknowledgement.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish(&self, app: &pb::ApplicationReceived) -> Result<(), PublishError> {
        self.publish_keyed(&app.application_id, app).await
    }

    /// Publishes under `key` and waits for the bus's acknowledgement. Social
    /// media keys every message of a conversation by its first application
    /// id: they then land in one partition and one routing lane, so a
    /// follow-up is never handled before the case it follows up exists.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish_keyed(
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
        let result = self.send(envelope).await;
        if result.is_ok() {
            crate::counters::count_accepted(app);
        }
        result
    }

    /// Publishes a finished call keyed by its call id and waits for the
    /// bus's acknowledgement; its event id is the CTI's, so a CTI retry
    /// publishes the same event, which the reports count once.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish_call(&self, call: &pb::CallCompleted) -> Result<(), PublishError> {
        self.send(call_envelope(
            &call.call_id,
            &call.event_id,
            CALL_EVENT_TYPE,
            call.encode_to_vec(),
        ))
        .await
    }

    /// Publishes an IVR self-service answer on the calls' topic, keyed by
    /// its call id (by its event id without one), and waits for the bus's
    /// acknowledgement; the reports count its event id once.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish_self_service(&self, s: &pb::IvrSelfService) -> Result<(), PublishError> {
        let key = if s.call_id.is_empty() {
            &s.event_id
        } else {
            &s.call_id
        };
        self.send(call_envelope(
            key,
            &s.event_id,
            IVR_SELF_SERVICE_EVENT_TYPE,
            s.encode_to_vec(),
        ))
        .await
    }

    async fn send(&self, envelope: Envelope) -> Result<(), PublishError> {
        match tokio::time::timeout(self.timeout, self.bus.publish(envelope)).await {
            Ok(r) => r,
            Err(_) => Err(PublishError::Timeout),
        }
    }
}

/// A message of the calls' topic: the event type travels in its header, so
/// a consumer knows what the payload is before decoding it.
fn call_envelope(key: &str, event_id: &str, event_type: &str, payload: Vec<u8>) -> Envelope {
    Envelope {
        topic: CALLS_TOPIC.to_owned(),
        key: key.to_owned(),
        headers: vec![
            (headers::EVENT_ID.to_owned(), event_id.to_owned()),
            (headers::EVENT_TYPE.to_owned(), event_type.to_owned()),
            (headers::SCHEMA_VERSION.to_owned(), "1".to_owned()),
            (
                headers::CONTENT_TYPE.to_owned(),
                "application/protobuf".to_owned(),
            ),
        ],
        payload: payload.into(),
    }
}
