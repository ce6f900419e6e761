//! Reports: consumes `case.events.v1` into its own database and answers the
//! institution's figures by channel, type, category, unit, pool, province,
//! partner, closure reason and source, for any period, scoped like the desk.
//!
//! - [`fact`]: what the reports know of one case, merged from its events in
//!   any order, and what it contributes to which day (pure).
//! - [`cells`]: the rollup rows a case touches (each dimension alone and in
//!   pairs, over all pools and within its pool) and an event's change.
//! - [`histogram`]: durations as log-scale buckets, for medians.
//! - [`store`]: the tables on PostgreSQL or SQLite, one SQL text.
//! - [`handler`]: the consumer's handler (once per event id).
//! - [`query`]: summaries read from the rollups.
//! - [`rows`]: the cases behind the figures (one row per open span).
//! - [`labels`]: Turkish and English names of the codes.
//! - [`directory`]: pools → units → directorates, from the case service.
//! - [`grpc`]: `ReportService` and its callers' scope.
//! - [`periodic`]: the monthly report (PDF and XLSX) e-mailed to each
//!   directorate through notify, and the same on demand.
//! - [`rebuild`]: empty everything and replay the topic.
//! - [`startup`]: building and running.

pub mod call_grpc;
pub mod calls;
pub mod cells;
pub mod config;
pub mod directory;
pub mod fact;
pub mod grpc;
pub mod handler;
pub mod histogram;
pub mod labels;
pub mod periodic;
pub mod query;
pub mod rebuild;
pub mod rows;
pub mod startup;
pub mod store;

pub use config::ReportsSettings;
pub use startup::Application;
