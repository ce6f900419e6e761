//! Routing: consumes `intake.applications.v1` in a consumer group, decides
//! each application's pool and urgency from rules kept in its own database
//! (editable at run time through `RoutingRulesService`), and opens the case
//! through the case service with the application id as idempotency key.
//! Anything no rule places goes to its province's triage pool; what can
//! never be routed goes to the dead-letter topic, and the consumer goes on.
//!
//! - [`rules`]: rules and matching (pure).
//! - [`store`]: the rules table on PostgreSQL or SQLite.
//! - [`router`]: rules and pools, cached, into a decision.
//! - [`handler`]: the consumer's handler.
//! - [`grpc`]: the admin API.
//! - [`startup`]: building and running.

pub mod config;
pub mod grpc;
pub mod handler;
pub mod router;
pub mod rules;
pub mod startup;
pub mod store;

pub use config::RoutingSettings;
pub use startup::Application;
