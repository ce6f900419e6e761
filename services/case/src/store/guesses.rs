//! Counting lookups of a tracking number, so the phone's last four digits
//! cannot be guessed: one counter per canonical number and window, shared
//! by every replica through the database. The rule (how many, how long)
//! is the application's; the store only counts atomically.

use jiff::{SignedDuration, Timestamp};

use super::StoreError;

/// Where a number's window stands after counting one lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessCount {
    /// Lookups counted in the window, this one included (it stops growing
    /// one past the limit).
    pub guesses: u32,
    /// When the window began.
    pub window_started_at: Timestamp,
}

/// The per-number lookup counters.
#[async_trait::async_trait]
pub trait GuessStore: Send + Sync + std::fmt::Debug + 'static {
    /// Counts one lookup of `tracking_number` at `now`, in one statement:
    /// a window older than `window` starts afresh at `now`; past `limit`
    /// the count stays at `limit + 1`. Concurrent calls each see their own
    /// count, so no more than `limit` lookups pass in a window.
    async fn count_guess(
        &self,
        tracking_number: &str,
        now: Timestamp,
        window: SignedDuration,
        limit: u32,
    ) -> Result<GuessCount, StoreError>;

    /// Takes back one lookup counted in the window that began at
    /// `window_started_at` (the digits were right: only wrong guesses count).
    async fn forgive_guess(
        &self,
        tracking_number: &str,
        window_started_at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Deletes the counters of windows that began before `before`; how many.
    async fn purge_guesses(&self, before: Timestamp) -> Result<u64, StoreError>;
}
