//! A generic JSON webhook SMS provider, for any gateway that can be put
//! behind one (an operator's SMPP bridge, another bulk-SMS vendor, an
//! in-house relay). The contract notify speaks:
//!
//! ```text
//! POST <url>
//! Authorization: Bearer <token>        (when configured)
//! Idempotency-Key: <message_id>
//! Content-Type: application/json
//! {"message_id": "<uuid>", "to": "+905321234567", "text": "…",
//!  "encoding": "gsm7" | "gsm7_tr" | "ucs2", "segments": 1, "sender": "TEKMERKEZ"}
//!
//! 200/201/202 {"id": "<provider reference>", "status": "accepted"}
//!     The same message_id again answers the same id and sends nothing new.
//! 400/422 {"error": {"code": "invalid_number" | "invalid_text" | …, "message": "…"}}
//!     Refused for good.
//! 401/403 credentials; 429 rate limited; 503 unavailable: nothing was taken.
//! Other 5xx, or a 2xx without an id: the outcome is unknown.
//! ```
//!
//! Because the provider deduplicates on `message_id`, a message whose
//! outcome is unknown is simply sent again to it ([`Lookup::ResendIsSafe`]).
//! Delivery reports come back to notify's `POST /v1/delivery-reports/webhook`
//! (see [`crate::http`]).
//!
//! The inbound direction: a citizen's SMS to the number the provider
//! receives on is posted to notify (same bearer token), so that the survey
//! SMS's one-word opt-out works:
//!
//! ```text
//! POST <notify>/v1/inbound-sms/webhook
//! Authorization: Bearer <token>
//! {"id": "<provider's message id>", "from": "+905321234567", "to": "4607",
//!  "text": "RET", "received_at": "2026-12-06T10:00:00+03:00"}
//!
//! 204  taken (the opt-out keyword recorded, or any other text ignored)
//! 400  {"message", "errors": {"<field>": ["…"]}}: malformed, do not retry
//! 401  wrong token; 503: retry later
//! ```

use std::time::Duration;

use jiff::Timestamp;
use secrecy::{ExposeSecret as _, SecretString};

use super::{Lookup, OutgoingSms, SendOutcome, SmsProvider, failed_before_sending, http_client};
use crate::{config::WebhookSettings, gsm::SmsEncoding};

/// The webhook client.
#[derive(Clone)]
pub struct Webhook {
    client: reqwest::Client,
    url: String,
    token: SecretString,
    sender: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Accepted {
    id: String,
}

#[derive(serde::Deserialize)]
struct Refused {
    error: RefusedDetail,
}

#[derive(serde::Deserialize)]
struct RefusedDetail {
    code: String,
}

impl Webhook {
    /// A client from settings.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(s: &WebhookSettings) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: http_client(Duration::from_millis(s.timeout_ms))?,
            url: s.url.clone(),
            token: s.token.clone(),
            sender: s.sender.clone(),
        })
    }
}

#[async_trait::async_trait]
impl SmsProvider for Webhook {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn supports(&self, _encoding: SmsEncoding) -> bool {
        true
    }

    #[tracing::instrument(name = "notify.webhook.send", skip_all, fields(delivery_id = %sms.id))]
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let body = serde_json::json!({
            "message_id": sms.id.to_string(),
            "to": sms.to,
            "text": sms.text,
            "encoding": sms.encoding.as_str(),
            "segments": sms.segments,
            "sender": self.sender,
        });
        // The trace context of the send (ids only), so the receiver can join it.
        let mut trace = reqwest::header::HeaderMap::new();
        tekmerkez_telemetry::propagation::inject_headers(&mut trace);
        let mut req = self
            .client
            .post(&self.url)
            .header("idempotency-key", sms.id.to_string())
            .headers(trace)
            .json(&body);
        if !self.token.expose_secret().is_empty() {
            req = req.bearer_auth(self.token.expose_secret());
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) if failed_before_sending(&e) => {
                return SendOutcome::NotAccepted("provider_unreachable");
            }
            Err(e) if e.is_timeout() => return SendOutcome::Unknown("provider_timeout"),
            Err(_) => return SendOutcome::Unknown("provider_connection_lost"),
        };
        let status = resp.status();
        let Ok(bytes) = resp.bytes().await else {
            return SendOutcome::Unknown("provider_connection_lost");
        };
        if status.is_success() {
            return match serde_json::from_slice::<Accepted>(&bytes) {
                Ok(a) if !a.id.is_empty() => SendOutcome::Accepted(a.id),
                _ => SendOutcome::Unknown("provider_garbled_answer"),
            };
        }
        match status.as_u16() {
            400 | 422 => match serde_json::from_slice::<Refused>(&bytes).map(|r| r.error.code) {
                Ok(c) if c == "invalid_number" => SendOutcome::Rejected("rejected_number"),
                Ok(c) if c == "invalid_text" => SendOutcome::Rejected("rejected_text"),
                _ => SendOutcome::Rejected("rejected_request"),
            },
            401 | 403 => SendOutcome::NotAccepted("provider_auth"),
            429 => SendOutcome::NotAccepted("provider_rate_limited"),
            502 | 503 => SendOutcome::NotAccepted("provider_unavailable"),
            s if s >= 500 => SendOutcome::Unknown("provider_server_error"),
            _ => SendOutcome::NotAccepted("provider_refused_request"),
        }
    }

    async fn lookup(&self, _sms: &OutgoingSms, _attempt_started: Timestamp) -> Lookup {
        Lookup::ResendIsSafe
    }
}
