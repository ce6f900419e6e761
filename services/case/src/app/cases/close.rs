//! The end of a case's life-cycle: the expert's official answer, the
//! callback agent's attempts, and a manager reopening a resolved case.

use jiff::Timestamp;
use uuid::Uuid;

use super::{CaseView, retry::Transition};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        enums::{CallbackOutcome, Role},
        fields::Violations,
        policy,
    },
    store::NoteRecord,
};

impl CaseApp {
    /// Saves the official answer and closes the case.
    ///
    /// # Errors
    /// Permission and rule errors (including the 3-day note rule).
    pub async fn close_case(
        &self,
        caller: &Caller,
        id: Uuid,
        answer: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, now| {
            if user.role != Role::Expert {
                return Err(CaseError::PermissionDenied(
                    "only an institutional expert closes records",
                ));
            }
            Ok(Transition::many(case.close(
                user.id,
                answer.clone(),
                now,
            )?))
        })
        .await
    }

    /// Records a callback attempt, with an optional note.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn record_callback(
        &self,
        caller: &Caller,
        id: Uuid,
        outcome: CallbackOutcome,
        retry_at: Option<Timestamp>,
        note: Option<String>,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
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
            let mut t = Transition::many(case.record_callback(user.id, outcome, retry_at, now)?);
            if let Some(text) = &note {
                let id = Uuid::now_v7();
                t.next.last_note_at = Some(now);
                t.note = Some(NoteRecord {
                    id,
                    case_id: case.id,
                    author_id: Some(user.id),
                    text: text.clone(),
                    created_at: now,
                    citizen: None,
                });
            }
            Ok(t)
        })
        .await
    }

    /// Puts a resolved case back into its pool.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn reopen_case(
        &self,
        caller: &Caller,
        id: Uuid,
        reason: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
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
}
