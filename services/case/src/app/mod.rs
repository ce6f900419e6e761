//! The case application layer: one [`CaseApp`] holds the store and the
//! clock, and exposes every operation the gRPC services call. Each
//! operation takes the resolved [`crate::domain::caller::Caller`] and
//! authorises inside, so no transport can skip the checks.

pub mod assignment;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod classification;
mod deadlines;
pub mod directory;
pub mod error;
pub mod escalations;
pub mod events;
pub mod letters;
pub mod saved_views;

use std::sync::Arc;

use crate::{clock::Clock, store::Store};

/// The case service's operations.
#[derive(Debug, Clone)]
pub struct CaseApp {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    /// The answer letters' number prefix (`case.letters.number_prefix`).
    pub(crate) letter_prefix: Arc<str>,
    /// Wrong guesses at one tracking number's phone digits per hour
    /// (`case.tracking.wrong_guesses_per_hour`).
    pub(crate) wrong_guesses_per_hour: u32,
    /// The working calendar last built from the store, shared by every
    /// clone (see [`CaseApp::working_calendar`]).
    pub(crate) calendar: Arc<calendar::CalendarCache>,
    /// When due dates count as near and when overdue ones escalate
    /// (`case.escalation.*`).
    pub(crate) escalation: crate::domain::escalation::Thresholds,
    /// How far apart duplicates may be (`case.duplicates.*`).
    pub(crate) duplicates: crate::domain::duplicate::Window,
    /// Automatic assignment's default capacity and round size
    /// (`case.assignment.*`).
    pub(crate) assignment: assignment::Limits,
    /// The pools with an assignment round running in this process.
    pub(crate) rounds: Arc<assignment::RoundsInFlight>,
}

/// Wrong guesses per tracking number per hour when none is configured.
pub const DEFAULT_WRONG_GUESSES_PER_HOUR: u32 = 10;

/// The letter number prefix when none is configured.
pub const DEFAULT_LETTER_PREFIX: &str = "TM";

impl CaseApp {
    /// Operations over `store`, telling time by `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            letter_prefix: Arc::from(DEFAULT_LETTER_PREFIX),
            wrong_guesses_per_hour: DEFAULT_WRONG_GUESSES_PER_HOUR,
            calendar: Arc::default(),
            escalation: crate::domain::escalation::Thresholds::default(),
            duplicates: crate::domain::duplicate::Window::default(),
            assignment: assignment::Limits::default(),
            rounds: Arc::default(),
        }
    }

    /// The same operations with these escalation thresholds (checked by the
    /// settings).
    #[must_use]
    pub fn with_escalation_thresholds(
        mut self,
        thresholds: crate::domain::escalation::Thresholds,
    ) -> Self {
        self.escalation = thresholds;
        self
    }

    /// The same operations suggesting duplicates within `window` (checked
    /// by the settings).
    #[must_use]
    pub fn with_duplicate_window(mut self, window: crate::domain::duplicate::Window) -> Self {
        self.duplicates = window;
        self
    }

    /// The same operations with these automatic-assignment limits (checked
    /// by the settings).
    #[must_use]
    pub fn with_assignment_limits(mut self, limits: assignment::Limits) -> Self {
        self.assignment = limits;
        self
    }

    /// The same operations allowing `limit` wrong guesses at one tracking
    /// number's phone digits per hour (checked by the settings).
    #[must_use]
    pub fn with_wrong_guesses_per_hour(mut self, limit: u32) -> Self {
        self.wrong_guesses_per_hour = limit;
        self
    }

    /// The same operations numbering answer letters with `prefix` (checked
    /// by the settings).
    #[must_use]
    pub fn with_letter_prefix(mut self, prefix: &str) -> Self {
        self.letter_prefix = Arc::from(prefix);
        self
    }

    /// The store (for the outbox relay, health checks and demo data).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
