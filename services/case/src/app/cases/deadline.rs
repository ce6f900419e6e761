//! The actions on a case's due dates: the Law 4982 extension and the wait
//! for the citizen's missing information (which the citizen's follow-up
//! message also ends: `open.rs`).

use uuid::Uuid;

use super::{CaseView, retry::Transition};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{caller::Caller, fields::Violations, policy},
};

/// The longest extension reason kept.
const MAX_REASON_CHARS: usize = 2000;

impl CaseApp {
    /// Extends a `bilgi_edinme` case's legal due date once, with `reason`:
    /// its holder, its pool's manager or an admin. The event tells notify
    /// to inform the applicant.
    ///
    /// # Errors
    /// `Invalid` on `reason`; permission; rule errors (not extendable,
    /// already extended, passed, resolved).
    pub async fn extend_legal_deadline(
        &self,
        caller: &Caller,
        id: Uuid,
        reason: &str,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        let reason = reason.trim();
        let mut v = Violations::new();
        if reason.is_empty() {
            v.add("reason", "is required to extend the due date");
        } else if reason.chars().count() > MAX_REASON_CHARS {
            v.add("reason", "must be at most 2000 characters");
        }
        v.into_result()?;
        let reason = reason.to_owned();
        let calendar = self.working_calendar().await?;
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::acts_on_deadline(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the record's holder or its pool manager may extend its due date",
                ));
            }
            Ok(Transition::one(case.extend_legal_deadline(
                reason.clone(),
                now,
                &calendar,
            )?))
        })
        .await
    }

    /// Starts (`waiting`) or ends the wait for the citizen's missing
    /// information: its holder, its pool's manager or an admin.
    ///
    /// # Errors
    /// Permission; rule errors (already waiting, not waiting, resolved).
    pub async fn set_awaiting_citizen(
        &self,
        caller: &Caller,
        id: Uuid,
        waiting: bool,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::acts_on_deadline(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the record's holder or its pool manager may do this",
                ));
            }
            Ok(Transition::one(if waiting {
                case.start_awaiting_citizen(now)?
            } else {
                case.end_awaiting_citizen(now)?
            }))
        })
        .await
    }
}
