//! Black-box tests of routing's rule matching: rules are written through
//! the real `RoutingRulesService` on a socket, kept in a real store (a fresh
//! SQLite file or PostgreSQL database), and applications are placed by the
//! real `Router` reading that store and the pools of a stand-in case-service
//! directory over gRPC.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

mod helpers;

mod rule_matching;
