//! Waiting for an effect: poll a check until it holds or a deadline passes,
//! never sleep a guessed time. Every test waits for an effect this way;
//! what still sleeps is a retry's backoff under load (the crash tests'
//! POSTs, in spawned tasks) or a deliberate pause, not a wait.

use std::time::Duration;

/// How often a check is repeated.
const POLL: Duration = Duration::from_millis(50);

/// What a check answers: `true`/`false`, or `Some(value)` once met.
pub trait Met {
    /// What [`eventually`] returns once the check is met.
    type Value;
    /// The value if the check is met.
    fn met(self) -> Option<Self::Value>;
}

impl Met for bool {
    type Value = ();
    fn met(self) -> Option<()> {
        self.then_some(())
    }
}

impl<T> Met for Option<T> {
    type Value = T;
    fn met(self) -> Option<T> {
        self
    }
}

/// Runs `check` every 50 ms until it is met (`true` or `Some`), and returns
/// what it gave; `None` if `deadline` passes first.
pub async fn within<M: Met>(
    deadline: Duration,
    mut check: impl AsyncFnMut() -> M,
) -> Option<M::Value> {
    tokio::time::timeout(deadline, async {
        loop {
            if let Some(v) = check().await.met() {
                return v;
            }
            tokio::time::sleep(POLL).await;
        }
    })
    .await
    .ok()
}

/// Runs `check` every 50 ms until it is met (`true` or `Some`), and returns
/// what it gave.
///
/// # Panics
/// When `deadline` passes first, naming `what` was awaited.
pub async fn eventually<M: Met>(
    deadline: Duration,
    what: &str,
    check: impl AsyncFnMut() -> M,
) -> M::Value {
    within(deadline, check)
        .await
        .unwrap_or_else(|| panic!("{what}: not within {deadline:?}"))
}
