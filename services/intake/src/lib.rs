//! Intake: the channel adapters. Each validates what its channel received,
//! normalises it into one `ApplicationReceived`, publishes it to
//! `intake.applications.v1`, and acknowledges its source only once the bus
//! has acknowledged the publish.
//!
//! - [`application`]: the JSON request and its parsing into the contract.
//! - [`http`]: the app/partner API, the Turkish web form, the public status.
//! - [`email`]: the inbound e-mail channel (IMAP, MIME, follow-ups).
//! - [`social`]: WhatsApp, Messenger, Instagram and X webhooks; conversations.
//! - [`partner`]: partners over gRPC (`tekmerkez.intake.v1.IntakeService`).
//! - [`cti`]: CTI/IVR events, IVR self-service records, the caller lookup.
//! - [`staff`]: staff entry from the agent UI (calls, letters, counter
//!   visits, video meetings), recorded by the signed-in person.
//! - [`publish`]: the bus side.
//! - [`idempotency`]: `Idempotency-Key` → the same application.
//! - [`startup`]: building and running the HTTP server.

pub mod application;
pub mod config;
pub mod cti;
pub mod email;
pub mod http;
pub mod idempotency;
pub mod partner;
pub mod publish;
pub mod social;
pub mod staff;
pub mod startup;

pub use config::IntakeSettings;
pub use startup::Application;
