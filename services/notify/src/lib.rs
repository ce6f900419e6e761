//! Notify: consumes `case.events.v1`, decides from rules kept as data which
//! message each event sends to the citizen, renders it from a versioned
//! Turkish (or English) template, records it in the delivery log keyed by
//! (event, message kind), and sends it exactly once: SMS through HTTP
//! providers with failover, e-mail over SMTP, messages in the citizen's
//! social-media conversation through the platforms' APIs.
//!
//! - [`acknowledgement`]: which channel acknowledges an application (one place, one table).
//! - [`catalogue`]: rules and templates, their defaults and the cache.
//! - [`template`]: `{{variable}}` and `{{variable | fallback}}` rendering; a
//!   missing variable without a fallback is an error.
//! - [`template_check`]: what an admin saves is checked against the events
//!   that use it.
//! - [`gsm`]: GSM 7-bit (with the Turkish single shift table) or UCS-2, and segment counts.
//! - [`quiet`]: quiet hours in Europe/Istanbul.
//! - [`cases`]: reading a case with notify's own service token.
//! - [`handler`]: the consumer's handler: events into deliveries.
//! - [`store`]: the delivery log and the catalogue (PostgreSQL or SQLite).
//! - [`dispatch`]: the sender: leases, failover, backoff, in-doubt recovery.
//! - [`not_reached`]: an answer that failed for good is reported to the case
//!   service, which marks the citizen not reached.
//! - [`sms`]: the providers: Netgsm's REST v2, a generic JSON webhook, the dev sink.
//! - [`email`]: SMTP with lettre, and the `Message-ID` scheme replies thread on.
//! - [`report_mail`]: report e-mails with attachments from `reports.mail.v1`,
//!   exactly once per recipient.
//! - [`social`]: replies in WhatsApp, Messenger, Instagram and X conversations.
//! - [`http`]: the delivery-report endpoint.
//! - [`grpc`]: the API, `tekmerkez.notify.v1.NotificationService`.
//! - [`ready_answer`]: ready answers (hazır cevaplar), their placeholders,
//!   the knowledge-base search, and the preview of an answer as sent.
//! - [`ready_answer_grpc`]: their API, `tekmerkez.notify.v1.ReadyAnswerService`.
//! - [`sinks`]: `/dev/sms` and `/dev/mail` for `tekmerkez dev`.
//! - [`survey`]: the satisfaction survey's channel, the signed links, the opt-out list.
//! - [`startup`]: building and running.

pub mod acknowledgement;
pub mod cases;
pub mod catalogue;
pub mod config;
pub mod dispatch;
pub mod email;
pub mod grpc;
pub mod gsm;
pub mod handler;
pub mod http;
pub mod not_reached;
pub mod quiet;
pub mod ready_answer;
pub mod ready_answer_grpc;
pub mod report_mail;
pub mod sinks;
pub mod sms;
pub mod social;
pub mod startup;
pub mod store;
pub mod survey;
pub mod template;
pub mod template_check;

pub use config::NotifySettings;
pub use startup::Application;
