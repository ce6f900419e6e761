//! "Citizen not reached": notify's report that the answer could not be
//! delivered, and the callback unit's record of what it did about it
//! (see [`crate::domain::not_reached`]).

use uuid::Uuid;

use super::{CaseView, actor_of, retry::CONFLICT_RETRIES, retry::Transition};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{caller::Caller, enums::NotReachedOutcome, fields::Violations, not_reached, policy},
    store::StoreError,
};

impl CaseApp {
    /// Marks `case` as not reached by `delivery` (notify only). `Ok(false)`
    /// when that delivery's mark is already open.
    ///
    /// # Errors
    /// `PermissionDenied` for any caller but notify; `InvalidArgument` for
    /// a channel or reason that is not a code; `NotFound` for an unknown case.
    pub async fn mark_not_reached(
        &self,
        caller: &Caller,
        case: Uuid,
        delivery: Uuid,
        channel: &str,
        reason: &str,
    ) -> Result<bool, CaseError> {
        if !policy::can_mark_not_reached(caller) {
            return Err(CaseError::PermissionDenied(
                "only the notification service reports a citizen not reached",
            ));
        }
        not_reached::check_report(channel, reason)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let current = self
                .store
                .get_case(case)
                .await?
                .ok_or(CaseError::NotFound("record"))?;
            let now = self.clock.now();
            let Some(marked) = current.mark_not_reached(delivery, channel, reason, now) else {
                return Ok(false);
            };
            let change = Transition::one(marked).into_change(&current, &actor, now);
            match self
                .store
                .apply_changes(std::slice::from_ref(&change))
                .await
            {
                Ok(()) => {
                    tracing::info!(case_id = %case, channel, reason, "citizen not reached: the case is marked for the callback unit");
                    return Ok(true);
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Records what was done about `case`'s "not reached" mark, with an
    /// optional note, and clears the mark. "By post" puts the answer in the
    /// *Gönderilecek Mektuplar* queue as a numbered letter, in the same change.
    ///
    /// # Errors
    /// `NotFound` out of scope; `FailedPrecondition` when there is no open
    /// mark (someone else acted on it first); `InvalidArgument` (`outcome`)
    /// for a letter to a record with no postal address or no answer.
    pub async fn resolve_not_reached(
        &self,
        caller: &Caller,
        case: Uuid,
        outcome: NotReachedOutcome,
        note: Option<String>,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, case, expected, |user, current, now| {
            if current.not_reached.is_some() && !policy::acts_on_not_reached(user, current) {
                return Err(CaseError::PermissionDenied(
                    "only the callback unit of the record's pool, its pool manager or an admin acts on it",
                ));
            }
            let mut t = Transition::one(current.resolve_not_reached(outcome)?);
            if outcome == NotReachedOutcome::Letter {
                let answer = current.official_answer.clone().filter(|a| !a.trim().is_empty());
                let (Some(answer), Some(_)) = (answer, current.contact.postal_address.as_ref())
                else {
                    let mut v = Violations::new();
                    v.add(
                        "outcome",
                        "a letter needs the record's postal address and official answer",
                    );
                    return Err(v.into());
                };
                t.with_letter(&self.letter_prefix, answer, user.id, now);
            }
            if let Some(text) = &note {
                t.with_staff_note(user.id, text, now);
            }
            Ok(t)
        })
        .await
    }
}
