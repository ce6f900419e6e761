//! Optimistic concurrency: a [`Transition`] decided on the case as read is
//! persisted only if the case's version has not moved; when it has, the
//! operation reloads and decides again, so the loser of a race gets the rule
//! that now applies (for example "already held"), not a retry error. A
//! caller that sent the version it saw gets `StaleVersion` instead.

use jiff::Timestamp;
use uuid::Uuid;

use super::{CaseView, actor_of, persisted_steps, reachable, user_of};
use crate::{
    app::{
        CaseApp,
        error::{BulkFailure, CaseError},
    },
    domain::{
        caller::{Caller, UserCaller},
        case::{Actor, Case, EventKind, RuleViolation, Step},
        policy,
        survey::SurveyAnswer,
    },
    store::{AttachmentRecord, CaseChange, NewLetter, NoteRecord, StoreError},
};

/// How many times a change is recomputed after losing a race.
pub(super) const CONFLICT_RETRIES: usize = 5;

/// A transition's result before persistence.
pub(super) struct Transition {
    pub(super) next: Case,
    steps: Vec<(Step, EventKind)>,
    pub(super) note: Option<NoteRecord>,
    pub(super) attachments: Vec<AttachmentRecord>,
    /// A satisfaction answer stored with the change.
    pub(super) survey: Option<SurveyAnswer>,
    /// An answer letter the change makes; its case version is set here.
    pub(super) letter: Option<NewLetter>,
}

impl Transition {
    pub(super) fn one((next, step, kind): (Case, Step, EventKind)) -> Self {
        Self {
            next,
            steps: vec![(step, kind)],
            note: None,
            attachments: Vec::new(),
            survey: None,
            letter: None,
        }
    }

    pub(super) fn many((next, steps): (Case, Vec<(Step, EventKind)>)) -> Self {
        Self {
            next,
            steps,
            note: None,
            attachments: Vec::new(),
            survey: None,
            letter: None,
        }
    }

    /// Adds the satisfaction answer `answer` (its step and event) to this
    /// transition, on the case as it will be after the rest.
    pub(super) fn with_survey(mut self, answer: SurveyAnswer) -> Self {
        let (_, step, kind) = self.next.answer_survey(&answer);
        self.steps.push((step, kind));
        self.survey = Some(answer);
        self
    }

    /// Adds a staff member's note written with the change (a callback's
    /// conversation, what was done for a citizen not reached).
    pub(super) fn with_staff_note(&mut self, author: Uuid, text: &str, now: Timestamp) {
        self.next.last_note_at = Some(now);
        self.note = Some(NoteRecord {
            id: Uuid::now_v7(),
            case_id: self.next.id,
            author_id: Some(author),
            text: text.to_owned(),
            created_at: now,
            citizen: None,
        });
    }

    /// Adds the answer letter (`answer` by post) the change makes, numbered
    /// with `prefix` in the change's transaction.
    pub(super) fn with_letter(&mut self, prefix: &str, answer: String, by: Uuid, now: Timestamp) {
        self.letter = Some(NewLetter {
            id: Uuid::now_v7(),
            case_id: self.next.id,
            case_version: 0,
            prefix: prefix.to_owned(),
            year: crate::domain::letter::year_of(now),
            official_answer: answer,
            created_by: by,
            created_at: now,
        });
    }

    pub(super) fn into_change(
        mut self,
        before: &Case,
        actor: &Actor,
        now: Timestamp,
    ) -> CaseChange {
        self.next.version = before.version + 1;
        let (history, events) = persisted_steps(self.steps, &self.next, actor, now);
        let version = self.next.version;
        CaseChange {
            case: self.next,
            expected_version: before.version,
            history,
            note: self.note,
            events,
            attachments: self.attachments,
            survey: self.survey,
            letter: self.letter.map(|l| NewLetter {
                case_version: version,
                ..l
            }),
        }
    }
}

impl CaseApp {
    /// Applies `decide` to one case and persists it, recomputing after a lost race.
    pub(super) async fn change_one<F>(
        &self,
        caller: &Caller,
        id: Uuid,
        expected: Option<i64>,
        decide: F,
    ) -> Result<CaseView, CaseError>
    where
        F: Fn(&UserCaller, &Case, Timestamp) -> Result<Transition, CaseError>,
    {
        let user = user_of(caller)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let case = self
                .store
                .get_case(id)
                .await?
                .filter(|c| reachable(user, c))
                .ok_or(CaseError::NotFound("record"))?;
            let now = self.clock.now();
            let decided = case
                .check_version(expected)
                .map_err(CaseError::from)
                .and_then(|()| decide(user, &case, now));
            let change = match decided {
                Ok(t) => t.into_change(&case, &actor, now),
                // A refusal must not tell a record the caller may not see
                // from one that does not exist.
                Err(_) if !policy::can_view(caller, &case) => {
                    return Err(CaseError::NotFound("record"));
                }
                Err(e) => return Err(e),
            };
            let next = change.case.clone();
            match self
                .store
                .apply_changes(std::slice::from_ref(&change))
                .await
            {
                Ok(()) => {
                    let next = self.refilled(Some(&case), next).await;
                    return Ok(self.view(caller, next, now));
                }
                Err(StoreError::Conflict(_)) if expected.is_some() => {
                    return Err(RuleViolation::StaleVersion.into());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Applies `decide` to every case or to none.
    pub(super) async fn change_many<F>(
        &self,
        caller: &Caller,
        ids: &[Uuid],
        decide: F,
    ) -> Result<Vec<CaseView>, CaseError>
    where
        F: Fn(&UserCaller, &Case, Timestamp) -> Result<Transition, BulkFailure>,
    {
        let user = user_of(caller)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let now = self.clock.now();
            let mut changes = Vec::with_capacity(ids.len());
            let mut refills = Vec::new();
            let mut failures = Vec::new();
            for id in ids {
                match self
                    .store
                    .get_case(*id)
                    .await?
                    .filter(|c| reachable(user, c))
                {
                    None => failures.push((*id, BulkFailure::NotFound)),
                    Some(case) => match decide(user, &case, now) {
                        Ok(t) => {
                            let change = t.into_change(&case, &actor, now);
                            for pool in crate::app::assignment::pools_to_refill(&case, &change.case)
                            {
                                if !refills.contains(&pool) {
                                    refills.push(pool);
                                }
                            }
                            changes.push(change);
                        }
                        Err(_) if !policy::can_view(caller, &case) => {
                            failures.push((*id, BulkFailure::NotFound));
                        }
                        Err(f) => failures.push((*id, f)),
                    },
                }
            }
            if !failures.is_empty() {
                return Err(CaseError::Bulk(failures));
            }
            match self.store.apply_changes(&changes).await {
                Ok(()) => {
                    self.refill(refills).await;
                    return Ok(changes
                        .into_iter()
                        .map(|c| self.view(caller, c.case, now))
                        .collect());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }
}
