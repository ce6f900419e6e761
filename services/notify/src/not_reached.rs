//! A message carrying the official answer that failed for good (refused,
//! attempts exhausted, no address to send it to, a template that cannot be
//! rendered) is reported to the case service, which marks the case "citizen
//! not reached" and lists it for the callback unit (*Ulaşılamayanlar*).
//!
//! The report is an outbox of its own: the delivery's failure is recorded
//! first, and this loop reports every failed answer not yet reported, so a
//! crash or an unavailable case service only delays the mark. The case
//! service takes a report once per delivery, so reporting again after a
//! crash changes nothing.

use std::{sync::Arc, time::Duration};

use jiff::Timestamp;
use tokio_util::sync::CancellationToken;

use crate::{
    cases::{CaseReader, ReadError},
    store::NotifyStore,
};

/// Reports taken per round.
const BATCH: u32 = 50;

/// A delivery reason as the case service takes it: a code of lower-case
/// letters, digits and `_`, at most 64 long (ours are; a provider's own
/// code might not be).
pub fn reason_code(reason: &str) -> String {
    let code: String = reason
        .chars()
        .take(64)
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    if code.is_empty() {
        "unknown".into()
    } else {
        code
    }
}

/// Reports the failed answers of `store` to `cases` every `interval` until `shutdown`.
pub async fn run(
    store: NotifyStore,
    cases: Arc<dyn CaseReader>,
    interval: Duration,
    shutdown: CancellationToken,
) {
    while !shutdown.is_cancelled() {
        match report_once(&store, cases.as_ref()).await {
            Ok(n) if n == BATCH as usize => continue,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error.message = %e, "reporting citizens not reached failed; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// One round: reports what is pending; returns how many were settled.
///
/// # Errors
/// Store failures, or the case service being unavailable (the rest waits
/// for the next round).
pub async fn report_once(
    store: &NotifyStore,
    cases: &dyn CaseReader,
) -> Result<usize, anyhow::Error> {
    let pending = store.unreported_not_reached(BATCH).await?;
    let mut settled = 0;
    for (id, case_id, channel, reason) in pending {
        let reason = reason_code(&reason);
        match cases
            .mark_not_reached(&case_id, &id.to_string(), &channel, &reason)
            .await
        {
            Ok(marked) => {
                tracing::info!(delivery_id = %id, case_id, channel, reason, marked, "citizen not reached: reported to the case service");
            }
            // A case the case service does not know cannot be marked; the
            // delivery itself says why it failed.
            Err(ReadError::NotFound) => {
                tracing::error!(delivery_id = %id, case_id, "citizen not reached, but the case service does not know the case");
            }
            Err(ReadError::Unavailable(code)) => {
                anyhow::bail!("the case service is unavailable ({code:?})");
            }
        }
        store
            .mark_not_reached_reported(id, Timestamp::now().as_microsecond())
            .await?;
        settled += 1;
    }
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::reason_code;

    #[test]
    fn any_reason_becomes_a_code_the_case_service_takes() {
        assert_eq!(reason_code("rejected"), "rejected");
        assert_eq!(reason_code("SMTP 550-5.1.1"), "smtp_550_5_1_1");
        assert_eq!(reason_code(""), "unknown");
        assert_eq!(reason_code(&"x".repeat(100)).len(), 64);
    }
}
