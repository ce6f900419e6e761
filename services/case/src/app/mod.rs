//! The case application layer: one [`CaseApp`] holds the store and the
//! clock, and exposes every operation the gRPC services call. Each
//! operation takes the resolved [`crate::domain::caller::Caller`] and
//! authorises inside, so no transport can skip the checks.

pub mod auth;
pub mod cases;
pub mod directory;
pub mod error;
pub mod events;

use std::sync::Arc;

use crate::{clock::Clock, store::Store};

/// The case service's operations.
#[derive(Debug, Clone)]
pub struct CaseApp {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl CaseApp {
    /// Operations over `store`, telling time by `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The store (for the outbox relay, health checks and demo data).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
