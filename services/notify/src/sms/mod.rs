//! SMS through HTTP providers, with failover.
//!
//! Every provider answers a send with one of four [`SendOutcome`]s, and the
//! difference between the last two is what keeps a citizen from getting a
//! message twice:
//!
//! - `Accepted`: it took the message (with its reference);
//! - `Rejected`: it refused *this message* for good (the number, the text):
//!   no other provider would do better, the delivery fails with the reason;
//! - `NotAccepted`: it certainly did not take it (refused connection, 5xx
//!   before processing, authentication, rate limit): the next provider may;
//! - `Unknown`: it may have taken it (a timeout after the request left, a
//!   garbled 200): failing over now could send it twice, so the delivery is
//!   kept *in doubt* and the same provider is asked later ([`SmsProvider::lookup`]).
//!
//! - [`netgsm`]: Netgsm's REST v2 API (Basic auth, JSON, `code`/`jobid`).
//! - [`webhook`]: a generic JSON webhook, idempotent on our message id.
//! - [`dev`]: the development sink of `tekmerkez dev`.

pub mod dev;
pub mod netgsm;
pub mod webhook;

use jiff::Timestamp;
use uuid::Uuid;

use crate::gsm::SmsEncoding;

/// One SMS to send. The recipient and text are personal data: `Debug` hides them.
#[derive(Clone)]
pub struct OutgoingSms {
    /// The delivery id: our client-side message id.
    pub id: Uuid,
    /// E.164, `+90…`.
    pub to: String,
    pub text: String,
    /// How it is encoded.
    pub encoding: SmsEncoding,
    /// Segments it takes.
    pub segments: u32,
}

impl std::fmt::Debug for OutgoingSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingSms")
            .field("id", &self.id)
            .field("encoding", &self.encoding)
            .field("segments", &self.segments)
            .finish_non_exhaustive()
    }
}

/// What a provider did with a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Taken; the provider's reference.
    Accepted(String),
    /// Refused for good; a reason code (`rejected_number`, `rejected_text`, …).
    Rejected(&'static str),
    /// Certainly not taken; a reason code. Another provider may take it.
    NotAccepted(&'static str),
    /// Maybe taken; a reason code. Ask the same provider before sending again.
    Unknown(&'static str),
}

/// What a provider knows about a message whose outcome was unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// It has the message; its reference.
    Found(String),
    /// It certainly does not have it: sending again is safe.
    NotFound,
    /// Sending the same message again is harmless (the provider
    /// deduplicates on our message id).
    ResendIsSafe,
    /// It cannot tell now (its report API failed); ask again later.
    CannotTell(&'static str),
}

/// An HTTP SMS provider.
#[async_trait::async_trait]
pub trait SmsProvider: Send + Sync + std::fmt::Debug {
    /// Its name in settings and in the delivery log.
    fn name(&self) -> &'static str;

    /// Whether it can carry `encoding` with the letters intact.
    fn supports(&self, encoding: SmsEncoding) -> bool;

    /// Sends one message.
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome;

    /// After an unknown outcome (or a crash) of an attempt started at
    /// `attempt_started`: does the provider have `sms`?
    async fn lookup(&self, sms: &OutgoingSms, attempt_started: Timestamp) -> Lookup;
}

/// An HTTP client for one provider: its own timeouts, no redirects (a
/// redirected POST could be sent twice), and no proxy from the environment.
///
/// # Errors
/// When the TLS-less client cannot be built.
pub fn http_client(timeout: std::time::Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
}

/// Whether a reqwest error happened before the request could have reached
/// the provider (no connection, or the request could not be built): then
/// nothing was sent. Anything later (a timeout, a reset while reading the
/// answer) leaves it unknown.
pub fn failed_before_sending(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_builder()
}
