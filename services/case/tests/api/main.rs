//! Black-box tests of the case service over gRPC, each against both stores.

mod helpers;

mod auth;
mod callbacks;
mod claim_and_assign;
mod create_case;
mod directory;
mod health;
mod listing;
mod outbox;
mod privacy;
mod store_contract;
mod tracking;
mod transfer_notes_close;
mod visibility;
