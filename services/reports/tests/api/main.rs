//! The reports service's tests: random case histories fed through the real
//! consumer (embedded bus and SQLite; Kafka and PostgreSQL), compared cell
//! by cell with a direct count over the histories.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod helpers;
mod history;
mod incidents;
mod monthly;
mod periodic;
mod reconciliation;
mod rows;
