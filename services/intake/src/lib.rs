//! Intake: the channel adapters. Each validates what its channel received,
//! normalises it into one `ApplicationReceived`, publishes it to
//! `intake.applications.v1`, and acknowledges its source only once the bus
//! has acknowledged the publish.
//!
//! - [`application`]: the JSON request and its parsing into the contract.
//! - [`http`]: the app/partner API, the Turkish web form, the public status.
//! - [`publish`]: the bus side.
//! - [`idempotency`]: `Idempotency-Key` → the same application.
//! - [`startup`]: building and running the HTTP server.

pub mod application;
pub mod config;
pub mod http;
pub mod idempotency;
pub mod publish;
pub mod startup;

pub use config::IntakeSettings;
pub use startup::Application;
