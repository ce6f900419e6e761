//! The answer letters' operations: the queue of letters to post
//! (*Gönderilecek Mektuplar*) and the posted ones, one letter to print, and
//! marking letters posted. Who may do what is [`policy::letter_pools`];
//! a letter outside the caller's pools is answered as one that does not
//! exist. (Letters are made by the close itself: see `cases::close`.)

use uuid::Uuid;

use super::{CaseApp, cases::Names, error::CaseError};
use crate::{
    domain::{
        caller::{Caller, UserCaller},
        case::{Actor, Step},
        enums::HistoryAction,
        letter::Letter,
        policy,
    },
    store::{HistoryRecord, LetterQuery, PostMark},
};

/// At most this many letters in one MarkLettersPosted.
pub const MAX_MARK: usize = tekmerkez_types::limits::BULK;

/// One letter marked: the letter as it now stands, and whether this call
/// posted it.
#[derive(Debug, Clone)]
pub struct Marked {
    pub letter: Letter,
    pub newly_posted: bool,
}

fn user_of(caller: &Caller) -> Result<&UserCaller, CaseError> {
    caller.user().ok_or(CaseError::PermissionDenied(
        "only a user may handle letters",
    ))
}

/// The pools whose letters `user` may handle, or the refusal.
fn scope(user: &UserCaller) -> Result<Option<Vec<Uuid>>, CaseError> {
    policy::letter_pools(user).ok_or(CaseError::PermissionDenied(
        "only admins, callback agents and front-office staff handle letters",
    ))
}

impl CaseApp {
    /// A page of the caller's letters: to be posted (oldest first) or
    /// posted (newest first); `offset` skips, and the second value says
    /// whether more follow.
    ///
    /// # Errors
    /// `PermissionDenied` for a role that does not post letters.
    pub async fn list_letters(
        &self,
        caller: &Caller,
        posted: bool,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Letter>, bool), CaseError> {
        let user = user_of(caller)?;
        let q = LetterQuery {
            pools: scope(user)?,
            posted,
            offset,
            limit: limit.saturating_add(1),
        };
        let mut letters = self.store.list_letters(&q).await?;
        let more = letters.len() > limit as usize;
        letters.truncate(limit as usize);
        // Defence in depth: the query is scoped, and every row is checked again.
        letters.retain(|l| policy::posts_letter_of(user, l.pool_id));
        Ok((letters, more))
    }

    /// How many letters the caller's list holds, up to `cap`: `(cap, true)`
    /// when more. `posted: false` counts the queue, which a pool manager may
    /// also count for the managed pools.
    ///
    /// # Errors
    /// `PermissionDenied` for a role that may not count them.
    pub async fn count_letters(
        &self,
        caller: &Caller,
        posted: bool,
        cap: u32,
    ) -> Result<(u32, bool), CaseError> {
        let user = user_of(caller)?;
        let pools = if posted {
            scope(user)?
        } else {
            policy::letter_count_pools(user).ok_or(CaseError::PermissionDenied(
                "only the staff who post letters and pool managers count them",
            ))?
        };
        let q = LetterQuery {
            pools,
            posted,
            offset: 0,
            limit: cap,
        };
        let seen = self.store.count_letters(&q, cap).await?;
        Ok(if seen > cap {
            (cap, true)
        } else {
            (seen, false)
        })
    }

    /// One letter, with its answer, to print.
    ///
    /// # Errors
    /// `PermissionDenied` for a role that does not post letters; `NotFound`
    /// when missing or out of the caller's pools.
    pub async fn get_letter(&self, caller: &Caller, id: Uuid) -> Result<Letter, CaseError> {
        let user = user_of(caller)?;
        scope(user)?;
        let letter = self
            .store
            .get_letter(id)
            .await?
            .filter(|l| policy::posts_letter_of(user, l.pool_id))
            .ok_or(CaseError::NotFound("letter"))?;
        let case = self.store.get_case(letter.case_id).await?;
        let detail = format!("letter:{}", letter.number);
        self.audit(
            caller,
            crate::domain::audit::AuditAction::LetterRead,
            crate::app::audit::About {
                case: case.as_ref(),
                object: "",
                detail: &detail,
            },
        )
        .await?;
        Ok(letter)
    }

    /// A case's newest letter, for a caller who may already see the case.
    ///
    /// # Errors
    /// Store failures.
    pub async fn latest_letter(&self, case: Uuid) -> Result<Option<Letter>, CaseError> {
        Ok(self.store.latest_letter_of_case(case).await?)
    }

    /// Marks letters posted; each letter this call posts gets a
    /// `LETTER_POSTED` step on its case (the detail is its number). A
    /// letter posted before stays as it was: a double click or a retry
    /// records nothing twice.
    ///
    /// # Errors
    /// `PermissionDenied` for a role that does not post letters; `NotFound`
    /// (and nothing marked) when any letter is missing or out of scope.
    pub async fn mark_letters_posted(
        &self,
        caller: &Caller,
        ids: &[Uuid],
    ) -> Result<Vec<Marked>, CaseError> {
        let user = user_of(caller)?;
        scope(user)?;
        let now = self.clock.now();
        let mut marks = Vec::with_capacity(ids.len());
        for id in ids {
            let letter = self
                .store
                .get_letter(*id)
                .await?
                .filter(|l| policy::posts_letter_of(user, l.pool_id))
                .ok_or(CaseError::NotFound("letter"))?;
            let case = self
                .store
                .get_case(letter.case_id)
                .await?
                .ok_or(CaseError::NotFound("letter"))?;
            // Posting changes neither status, pool nor holder: the step
            // records who posted which letter, and when.
            let step = Step {
                action: HistoryAction::LetterPosted,
                from_status: Some(case.status),
                to_status: case.status,
                from_pool: Some(case.pool_id),
                to_pool: case.pool_id,
                from_holder: case.holder_id,
                to_holder: case.holder_id,
                detail: Some(letter.number.clone()),
            };
            marks.push(PostMark {
                letter_id: letter.id,
                by: user.id,
                at: now,
                step: HistoryRecord {
                    step,
                    actor: Actor::User(user.id),
                    occurred_at: now,
                },
                case_id: case.id,
            });
        }
        let posted = self.store.mark_letters_posted(&marks).await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, newly_posted) in ids.iter().zip(posted) {
            let letter = self
                .store
                .get_letter(*id)
                .await?
                .ok_or(CaseError::NotFound("letter"))?;
            out.push(Marked {
                letter,
                newly_posted,
            });
        }
        Ok(out)
    }

    /// The display names of who posted `letters` and the names of their pools.
    ///
    /// # Errors
    /// Store failures.
    pub async fn letter_names(&self, letters: &[&Letter]) -> Result<Names, CaseError> {
        self.names(
            letters.iter().filter_map(|l| l.posted_by),
            letters.iter().map(|l| l.pool_id),
        )
        .await
    }
}
