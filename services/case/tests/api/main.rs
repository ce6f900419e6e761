//! Black-box tests of the case service over gRPC, each against both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

mod helpers;

mod attachments;
mod audit;
mod auth;
mod authorization_matrix;
mod auto_assignment;
mod bad_bytes;
mod calendar;
mod callbacks;
mod citizen_messages;
mod claim_and_assign;
mod classification;
mod closure_reasons;
mod create_case;
mod database_outage;
mod deadlines;
mod desk;
mod directorate_manager;
mod directory;
mod duplicates;
mod escalation;
mod escalation_store;
mod health;
mod incidents;
mod letters;
mod listing;
mod not_reached;
mod outbox;
mod privacy;
mod recorded_by;
mod related;
mod saved_views;
mod search;
mod social_reply;
mod status_counts;
mod store_contract;
mod survey;
mod tracking;
mod transfer_corrections;
mod transfer_notes_close;
mod visibility;
mod whereabouts;
