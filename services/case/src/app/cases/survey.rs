//! The satisfaction survey's answers: recorded once per case from the
//! signed link (the gateway) or the IVR (intake), or with the callback
//! outcome (see `close`), and what a citizen's signed status link shows.

use uuid::Uuid;

use super::{
    actor_of,
    read::{Tracking, timeline},
    retry::{CONFLICT_RETRIES, Transition},
};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        case::Case,
        enums::{CaseStatus, SurveySource},
        policy,
        survey::SurveyAnswer,
    },
    store::StoreError,
};

/// Which case an answer is for.
#[derive(Debug, Clone)]
pub enum CaseRef {
    /// By id (the signed link names it).
    Id(Uuid),
    /// By canonical tracking number (the IVR knows only this).
    TrackingNumber(String),
}

/// An answer to record, before it is stored.
#[derive(Clone)]
pub struct NewSurveyAnswer {
    pub case: CaseRef,
    /// 1 to 5.
    pub score: u8,
    pub comment: Option<String>,
    pub source: SurveySource,
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for NewSurveyAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSurveyAnswer")
            .field("case", &self.case)
            .field("score", &self.score)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What a signed status link shows.
#[derive(Debug, Clone)]
pub struct PublicStatus {
    /// The timeline, as the tracking page has it.
    pub tracking: Tracking,
    /// The official answer, only once resolved.
    pub official_answer: Option<String>,
    pub resolved_at: Option<jiff::Timestamp>,
    pub survey_answered: bool,
}

/// Whether `existing` is the answer `key` made (the same submission again).
fn same_submission(existing: &SurveyAnswer, key: Option<&str>) -> bool {
    key.is_some() && existing.idempotency_key.as_deref() == key
}

impl CaseApp {
    async fn case_of(&self, r: &CaseRef) -> Result<Option<Case>, CaseError> {
        Ok(match r {
            CaseRef::Id(id) => self.store.get_case(*id).await?,
            CaseRef::TrackingNumber(tn) => self.store.get_case_by_tracking_number(tn).await?,
        })
    }

    /// Records a satisfaction answer: `(answer, created)`; the same
    /// idempotency key again gives the stored answer with `created` false.
    ///
    /// # Errors
    /// `PermissionDenied` unless the caller may record answers of that
    /// source; `NotFound`; `AlreadyExists` when the case was answered.
    pub async fn record_survey(
        &self,
        caller: &Caller,
        new: NewSurveyAnswer,
    ) -> Result<(SurveyAnswer, bool), CaseError> {
        if !policy::can_record_survey(caller, new.source) {
            return Err(CaseError::PermissionDenied(
                "only the survey link (the gateway) and the IVR (intake) record survey answers",
            ));
        }
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let case = self
                .case_of(&new.case)
                .await?
                .ok_or(CaseError::NotFound("record"))?;
            if let Some(existing) = self.store.get_survey(case.id).await? {
                return if same_submission(&existing, new.idempotency_key.as_deref()) {
                    Ok((existing, false))
                } else {
                    Err(CaseError::AlreadyExists(
                        "the survey of this record was already answered",
                    ))
                };
            }
            let now = self.clock.now();
            let answer = SurveyAnswer {
                case_id: case.id,
                score: new.score,
                source: new.source,
                comment: new.comment.clone(),
                recorded_by: caller.user().map(|u| u.id),
                answered_at: now,
                idempotency_key: new.idempotency_key.clone(),
            };
            let t = Transition::many((case.clone(), Vec::new())).with_survey(answer.clone());
            let change = t.into_change(&case, &actor, now);
            match self
                .store
                .apply_changes(std::slice::from_ref(&change))
                .await
            {
                Ok(()) => return Ok((answer, true)),
                // Someone else changed the case, or answered first: look again.
                Err(StoreError::Conflict(_) | StoreError::Duplicate) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// What the citizen's signed status link shows of case `id`.
    ///
    /// # Errors
    /// `PermissionDenied` for callers other than the gateway and admins;
    /// `NotFound`.
    pub async fn public_status(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<PublicStatus, CaseError> {
        if !policy::can_read_public_status(caller) {
            return Err(CaseError::PermissionDenied(
                "only the gateway reads a signed link's status",
            ));
        }
        let case = self
            .store
            .get_case(id)
            .await?
            .ok_or(CaseError::NotFound("record"))?;
        let (case, merged_from) = self.follow_merge(case).await?;
        let history = self.store.list_history(case.id).await?;
        let survey = self.store.get_survey(case.id).await?;
        let resolved = case.status == CaseStatus::Resolved;
        Ok(PublicStatus {
            official_answer: case.official_answer.clone().filter(|_| resolved),
            resolved_at: case.resolved_at.filter(|_| resolved),
            survey_answered: survey.is_some(),
            tracking: Tracking {
                tracking_number: case.tracking_number.clone(),
                status: case.status,
                timeline: timeline(&history),
                created_at: case.created_at,
                legal_due_date: case.legal_due_date,
                province_code: case.province_code,
                district: case.district.clone(),
                merged_from,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    #[test]
    fn only_the_same_key_is_the_same_submission() {
        let a = SurveyAnswer {
            case_id: Uuid::nil(),
            score: 3,
            source: SurveySource::Link,
            comment: None,
            recorded_by: None,
            answered_at: Timestamp::UNIX_EPOCH,
            idempotency_key: Some("k1".into()),
        };
        assert!(same_submission(&a, Some("k1")));
        assert!(!same_submission(&a, Some("k2")));
        assert!(!same_submission(&a, None));
        let keyless = SurveyAnswer {
            idempotency_key: None,
            ..a
        };
        assert!(!same_submission(&keyless, None), "no key is never a repeat");
    }
}
