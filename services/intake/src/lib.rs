//! Intake: the channel adapters. Each validates what its channel received,
//! builds one [`application::NewApplication`], publishes it as an
//! `ApplicationReceived` on `intake.applications.v1`, and acknowledges its
//! source only once the bus has acknowledged the publish.
//!
//! The channels (each owns its routes or listener, its state and its rules):
//! - [`web_api`]: the app API, the Turkish web form, the public status.
//! - [`email`]: the inbound e-mail channel (IMAP, MIME, follow-ups, and
//!   the list of unusable mail staff read through the staff token).
//! - [`social`]: WhatsApp, Messenger, Instagram and X webhooks; conversations.
//! - [`partner`]: partners over gRPC (`tekmerkez.intake.v1.IntakeService`).
//! - [`open311`]: Open311 GeoReport v2 under `/open311/v2/` (partners'
//!   systems and city apps, by `api_key`).
//! - [`cti`]: CTI/IVR events, IVR self-service records, the caller lookup.
//! - [`staff`]: staff entry from the agent UI (calls, letters, counter
//!   visits, video meetings), recorded by the signed-in person.
//!
//! What they share (leaves: none imports a channel or the wiring):
//! - [`application`]: the new application, its one conversion to the
//!   contract, and the web form's rules staff entry shares.
//! - [`publish`]: the bus side.
//! - [`idempotency`]: `Idempotency-Key` → the same application.
//! - [`api_error`]: the one HTTP error shape.
//! - [`bearer`]: bearer tokens callers present.
//! - [`signature`]: HMAC-SHA256 request signatures (webhooks, the CTI).
//! - [`counters`]: accepted and refused applications, by channel.
//!
//! The wiring (imports the channels; no channel imports it):
//! - [`http`]: the channels' routes merged into one router.
//! - [`startup`]: building and running the HTTP server and the background
//!   tasks (partner listener, mailbox, housekeeping).
//! - [`config`]: the `intake:` settings.

pub mod api_error;
pub mod application;
pub mod bearer;
pub mod config;
pub mod counters;
pub mod cti;
pub mod email;
pub mod http;
pub mod idempotency;
pub mod open311;
pub mod partner;
pub mod publish;
pub mod signature;
pub mod social;
pub mod staff;
pub mod startup;
#[cfg(test)]
mod testing;
pub mod web_api;

pub use config::IntakeSettings;
pub use startup::Application;
