//! Publishes an accepted application to `intake.applications.v1`, keyed and
//! identified by its application id; the HTTP answer waits for this.

use std::{sync::Arc, time::Duration};

use prost::Message as _;
use tekmerkez_bus::{Bus, Envelope, PublishError, headers};
use tekmerkez_proto::intake_v1 as pb;

/// The topic applications go to.
pub const APPLICATIONS_TOPIC: &str = "intake.applications.v1";
/// The `event-type` header value.
pub const APPLICATION_EVENT_TYPE: &str = "tekmerkez.intake.v1.ApplicationReceived";

/// Puts applications on the bus.
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

    /// Publishes and waits for the bus's acknowledgement.
    ///
    /// # Errors
    /// [`PublishError`] when not acknowledged in time.
    pub async fn publish(&self, app: &pb::ApplicationReceived) -> Result<(), PublishError> {
        let mut envelope = Envelope {
            topic: APPLICATIONS_TOPIC.to_owned(),
            key: app.application_id.clone(),
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
            count_accepted(app);
        }
        result
    }
}

/// The channel of `app` as a metric label (`web_form`, `email`, …): the
/// proto enum's name, a fixed set.
pub fn channel_label(channel: i32) -> String {
    tekmerkez_proto::common_v1::Channel::try_from(channel).map_or_else(
        |_| "unknown".to_owned(),
        |c| {
            c.as_str_name()
                .trim_start_matches("CHANNEL_")
                .to_ascii_lowercase()
        },
    )
}

/// Counts an application the bus acknowledged, by channel.
pub fn count_accepted(app: &pb::ApplicationReceived) {
    metrics::counter!(
        tekmerkez_telemetry::metrics::names::APPLICATIONS_ACCEPTED,
        "channel" => channel_label(app.channel),
    )
    .increment(1);
}
