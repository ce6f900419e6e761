//! The case service: the only owner of case state.
//!
//! - [`domain`]: values parsed at the edge, the case aggregate and its
//!   life-cycle rules (seed 000: pool, claim, assign, transfer, notes, the
//!   3-day note rule, official answer, callback pool), the organisation, and
//!   the authorization policy. No I/O.
//! - [`store`]: the directory, case and outbox store contracts
//!   ([`store::DirectoryStore`], [`store::CaseStore`], [`store::OutboxStore`])
//!   and their one SQL implementation for PostgreSQL and SQLite.
//! - [`app`]: the operations the gRPC services call; each authorises the
//!   caller and persists one decision atomically.
//! - [`grpc`]: the authentication interceptor, conversions and the
//!   `CaseService` and `DirectoryService` handlers.
//! - [`outbox`]: the relay from the outbox table to the bus.
//! - [`escalation`]: the scheduler that warns of near and passed due dates
//!   and escalates overdue cases, each stage once, under a lease.
//! - [`metrics`]: the gauges read from the database at scrape time.
//! - [`startup`]: building and running the server (health, reflection,
//!   graceful shutdown).
//! - [`demo`]: the demo organisation, users and cases `tekmerkez dev` loads.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod desk_feed;
pub mod domain;
pub mod escalation;
pub mod grpc;
pub mod metrics;
pub mod outbox;
pub mod startup;
pub mod store;

pub use config::CaseSettings;
pub use startup::Application;
