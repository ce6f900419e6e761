//! The development sink of `tekmerkez dev`: an "SMS provider" that keeps
//! what it is given in notify's own database, for `/dev/sms` to show
//! (see [`crate::sinks`]). Like an idempotent provider, it keeps one copy
//! per message id.

use jiff::Timestamp;

use super::{Lookup, OutgoingSms, SendOutcome, SmsProvider};
use crate::{
    gsm::SmsEncoding,
    store::{NotifyStore, SinkMessage},
};

/// The sink.
#[derive(Debug, Clone)]
pub struct DevSms {
    store: NotifyStore,
}

impl DevSms {
    /// A sink writing to `store`.
    pub fn new(store: NotifyStore) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl SmsProvider for DevSms {
    fn name(&self) -> &'static str {
        "dev"
    }

    fn supports(&self, _encoding: SmsEncoding) -> bool {
        true
    }

    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let m = SinkMessage {
            seq: 0,
            channel: "sms".into(),
            message_id: sms.id.to_string(),
            recipient: sms.to.clone(),
            subject: String::new(),
            body: sms.text.clone(),
            html: String::new(),
            headers: String::new(),
            encoding: sms.encoding.as_str().into(),
            segments: i64::from(sms.segments),
            received_at: Timestamp::now().as_microsecond(),
            attachments: Vec::new(),
        };
        match self.store.sink_insert(&m).await {
            Ok(_) => SendOutcome::Accepted(format!("dev-{}", sms.id.simple())),
            Err(_) => SendOutcome::NotAccepted("dev_sink_unavailable"),
        }
    }

    async fn lookup(&self, _sms: &OutgoingSms, _attempt_started: Timestamp) -> Lookup {
        Lookup::ResendIsSafe
    }
}
