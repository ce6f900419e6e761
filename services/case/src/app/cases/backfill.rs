//! The one-time back-fill of due dates: cases opened before due dates
//! existed have no legal due date. Each gets what its deadline policy gives
//! a case of its keys (the type and source the classification migration
//! gave them: `talep`, `dogrudan`) opened when it was, as a task step and a
//! `DeadlinesBackfilled` event, so the record says where the date came
//! from. It runs at the start of each escalation round, under the same
//! lease, until no case is left without a date; each change is made on the
//! version read, so a second replica or a repeated round changes nothing.

use std::collections::HashMap;

use super::retry::Transition;
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        case::Actor,
        deadline::{CaseDeadlines, Resolved},
    },
    store::StoreError,
};

/// The actor of the back-fill's task steps and events.
const BACKFILL: Actor = Actor::Service("system");

impl CaseApp {
    /// Gives every case without a legal due date its policy's, `batch` at a
    /// time; how many this call changed.
    ///
    /// # Errors
    /// Store failures (what was changed stays changed; the next round goes on).
    pub async fn backfill_due_dates(&self, batch: u32) -> Result<usize, CaseError> {
        let limit = batch.max(1);
        let cal = self.working_calendar().await?;
        let mut policies: HashMap<(String, String, String), Resolved> = HashMap::new();
        let (mut after, mut changed) = (0, 0);
        loop {
            let page = self.store.undated_cases(after, limit).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            let full = page.len() == limit as usize;
            for case in page {
                let key = (
                    case.source.code().to_owned(),
                    case.application_type.code().to_owned(),
                    case.category.clone(),
                );
                let resolved = match policies.get(&key) {
                    Some(r) => r.clone(),
                    None => {
                        let r = self
                            .resolved_policy(
                                Some(case.source),
                                Some(case.application_type),
                                &case.category,
                            )
                            .await?;
                        policies.insert(key, r.clone());
                        r
                    }
                };
                let dates: CaseDeadlines = resolved.for_case(&cal, case.created_at);
                let Some(t) = case.backfill_deadlines(&dates) else {
                    continue;
                };
                let change = Transition::one(t).into_change(&case, &BACKFILL, self.clock.now());
                match self
                    .store
                    .apply_changes(std::slice::from_ref(&change))
                    .await
                {
                    Ok(()) => changed += 1,
                    // Changed meanwhile (by a person, or another round):
                    // the next round reads it again if it is still undated.
                    Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            if !full {
                break;
            }
        }
        if changed > 0 {
            tracing::info!(
                cases = changed,
                "due dates given to cases opened before due dates existed"
            );
        }
        Ok(changed)
    }
}
