//! The end of a case's life-cycle: the expert's official answer, the
//! callback agent's attempts, and a manager reopening a resolved case.

use jiff::Timestamp;
use uuid::Uuid;

use super::{CaseView, retry::Transition, user_of, whereabouts::callback_reopen_until};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        case::{EventKind, RuleViolation, Step},
        enums::{CallbackOutcome, CaseStatus, HistoryAction, ReplyChannel, Role, SurveySource},
        fields::Violations,
        policy,
        survey::SurveyAnswer,
    },
};

/// What a callback agent records about one call.
#[derive(Clone)]
pub struct CallbackReport {
    pub outcome: CallbackOutcome,
    /// When to call again (NOT_REACHED).
    pub retry_at: Option<Timestamp>,
    /// What the citizen was told or why the call failed.
    pub note: Option<String>,
    /// The satisfaction score and comment the citizen gave on the phone.
    pub survey: Option<(u8, Option<String>)>,
}

impl std::fmt::Debug for CallbackReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackReport")
            .field("outcome", &self.outcome)
            .field("has_survey", &self.survey.is_some())
            .finish_non_exhaustive()
    }
}

impl CaseApp {
    /// Saves the official answer and closes the case with the closure
    /// reason `reason` (the code of an active reason).
    ///
    /// # Errors
    /// `Invalid` on `closure_reason` (missing, unknown, inactive);
    /// permission and rule errors (including the note rule).
    pub async fn close_case(
        &self,
        caller: &Caller,
        id: Uuid,
        answer: String,
        reason: &str,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        let checked = self.active_closure_reason(reason).await?;
        let calendar = self.working_calendar().await?;
        self.change_one(caller, id, expected, |user, case, now| {
            if user.role != Role::Expert {
                return Err(CaseError::PermissionDenied(
                    "only an institutional expert closes records",
                ));
            }
            let reason = checked.clone()?;
            let mut t = Transition::many(case.close(user.id, answer.clone(), now, &calendar)?);
            t.next.closure_reason = Some(reason);
            // A letter reply is answered by post: the letter is made (and
            // numbered) in the close's own transaction, so a close never
            // stands without its letter, nor a letter without its close.
            if t.next.reply_channel == ReplyChannel::Letter && t.next.status == CaseStatus::Resolved
            {
                t.with_letter(&self.letter_prefix, answer.clone(), user.id, now);
            }
            Ok(t)
        })
        .await
    }

    /// Records a callback attempt, with an optional note and, when the
    /// citizen was reached, the satisfaction score they gave on the phone
    /// (`survey`: score and comment), in the same change.
    ///
    /// # Errors
    /// Permission and rule errors; a score with another outcome, or for a
    /// case already answered, is refused by the `survey_score` field.
    pub async fn record_callback(
        &self,
        caller: &Caller,
        id: Uuid,
        report: CallbackReport,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        let CallbackReport {
            outcome,
            retry_at,
            note,
            survey,
        } = report;
        let answered = if survey.is_some() {
            self.store.get_survey(id).await?.is_some()
        } else {
            false
        };
        self.change_one(caller, id, expected, |user, case, now| {
            if user.role != Role::CallbackAgent {
                return Err(CaseError::PermissionDenied(
                    "only a callback agent records callbacks",
                ));
            }
            if outcome == CallbackOutcome::NotReached && retry_at.is_none_or(|t| t <= now) {
                let mut v = Violations::new();
                v.add(
                    "retry_at",
                    "is required for NOT_REACHED and must be in the future",
                );
                return Err(v.into());
            }
            if survey.is_some() && outcome != CallbackOutcome::Reached {
                let mut v = Violations::new();
                v.add("survey_score", "is asked only of a citizen who was reached");
                return Err(v.into());
            }
            if survey.is_some() && answered {
                let mut v = Violations::new();
                v.add(
                    "survey_score",
                    "the survey of this record was already answered",
                );
                return Err(v.into());
            }
            let mut t = Transition::many(case.record_callback(user.id, outcome, retry_at, now)?);
            if let Some((score, comment)) = &survey {
                t = t.with_survey(SurveyAnswer {
                    case_id: case.id,
                    score: *score,
                    source: SurveySource::PhoneCallback,
                    comment: comment.clone(),
                    recorded_by: Some(user.id),
                    answered_at: now,
                    idempotency_key: None,
                });
            }
            if let Some(text) = &note {
                t.with_staff_note(user.id, text, now);
            }
            Ok(t)
        })
        .await
    }

    /// Puts a resolved case back into its pool (its pool manager), or back
    /// with the callback agent who resolved it, awaiting their callback, until
    /// 23:59 Istanbul time of the day it was resolved.
    ///
    /// # Errors
    /// Permission and rule errors; `NotFound` for a callback agent past the
    /// day or who did not resolve it (they may no longer see it).
    pub async fn reopen_case(
        &self,
        caller: &Caller,
        id: Uuid,
        reason: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        if caller.role() == Some(Role::CallbackAgent) {
            return self.reopen_for_callback(caller, id, reason, expected).await;
        }
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::manages(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the pool's manager may reopen its records",
                ));
            }
            Ok(Transition::one(case.reopen(reason.clone(), now)?))
        })
        .await
    }

    /// The callback agent takes back a case they resolved today: it waits
    /// for their callback again, with its answer, and a task step says why.
    async fn reopen_for_callback(
        &self,
        caller: &Caller,
        id: Uuid,
        reason: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        let user = user_of(caller)?;
        let history = self.store.list_history(id).await?;
        let Some(case) = self.store.get_case(id).await? else {
            return Err(CaseError::NotFound("record"));
        };
        if callback_reopen_until(user, case.status, &history, self.clock.now()).is_none() {
            return Err(CaseError::NotFound("record"));
        }
        self.change_one(caller, id, expected, |user, case, now| {
            if case.status != CaseStatus::Resolved {
                return Err(RuleViolation::NotResolved.into());
            }
            let mut next = case.clone();
            next.status = CaseStatus::AwaitingCallback;
            next.holder_id = Some(user.id);
            next.held_since = Some(now);
            next.resolved_at = None;
            next.callback_retry_at = None;
            let step = Step {
                action: HistoryAction::Reopened,
                from_status: Some(case.status),
                to_status: next.status,
                from_pool: Some(case.pool_id),
                to_pool: next.pool_id,
                from_holder: case.holder_id,
                to_holder: next.holder_id,
                detail: Some(reason.clone()),
            };
            Ok(Transition::one((next, step, EventKind::Reopened)))
        })
        .await
    }
}
