//! Black-box tests across services on real servers live in `tests/`; this
//! library holds what they share: [`cluster::Cluster`] runs each service as
//! its own OS process of the `tekmerkez` binary, on a fresh PostgreSQL
//! database and a private topic prefix on the project's Kafka broker, so a
//! test can SIGKILL and restart any of them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support fails loudly"
)]

pub mod bench;
pub mod browser;
pub mod cluster;
pub mod dev_process;
pub mod ops;
pub mod page;
pub mod raw_grpc;
pub mod scenario;
pub mod wait;
pub mod web;
