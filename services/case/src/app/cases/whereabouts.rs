//! Where a case went, for the people who worked it: the names behind the
//! ids of its task steps and notes (so the desk reads "Ayşe Yıldırım", not
//! a UUID), the last move told to a former holder who may no longer see the
//! case (*Bu kayıt artık sizde değil …*), and the callback agent's window
//! to reopen a case they resolved (until 23:59 Istanbul time that day).
//!
//! The whereabouts say who moved the case where and when, never its
//! content, and only to a user who appears in its history (held it, or did
//! one of its steps): to anyone else the case stays NOT_FOUND, as when it
//! does not exist.

use std::collections::HashMap;

use jiff::Timestamp;
use uuid::Uuid;

use super::user_of;
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        calendar,
        caller::{Caller, UserCaller},
        enums::{CaseStatus, HistoryAction, Role},
    },
    store::{HistoryRecord, NoteRecord},
};

/// Display names of users and names of pools, by id.
#[derive(Debug, Clone, Default)]
pub struct Names {
    users: HashMap<Uuid, String>,
    pools: HashMap<Uuid, String>,
}

impl Names {
    /// A user's display name; empty when unknown or `None`.
    pub fn user(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.users.get(&id).cloned())
            .unwrap_or_default()
    }

    /// A pool's name; empty when unknown or `None`.
    pub fn pool(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.pools.get(&id).cloned())
            .unwrap_or_default()
    }
}

/// A case's last move, as its former holder is told it.
#[derive(Debug, Clone)]
pub struct Whereabouts {
    /// Canonical tracking number (the caller saw it when they held the case).
    pub tracking_number: String,
    /// The step that moved it last.
    pub last: HistoryRecord,
    /// The names of that step's actor, pool and holder.
    pub names: Names,
    /// Until when the caller may reopen it, if they may now.
    pub reopenable_until: Option<Timestamp>,
    /// Whether the caller did the last move.
    pub by_caller: bool,
}

/// Whether `user` appears in `history`: did a step, or held the case.
fn appears_in(user: Uuid, history: &[HistoryRecord]) -> bool {
    history.iter().any(|h| {
        h.actor.user_id() == Some(user)
            || h.step.from_holder == Some(user)
            || h.step.to_holder == Some(user)
    })
}

/// The first instant of the Istanbul day after `t`'s: a case resolved at
/// `t` may be reopened by its callback agent until just before then.
fn end_of_istanbul_day(t: Timestamp) -> Timestamp {
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(3)));
    calendar::istanbul_date(t)
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(tz).ok())
        .map_or(t, |z| z.timestamp())
}

/// Until when callback agent `user` may reopen a case with `history` and
/// status `status` at `now`: the case is resolved, its last step is the
/// resolution that followed `user`'s own callback outcome, and the
/// Istanbul day of that resolution has not ended.
pub(super) fn callback_reopen_until(
    user: &UserCaller,
    status: CaseStatus,
    history: &[HistoryRecord],
    now: Timestamp,
) -> Option<Timestamp> {
    if user.role != Role::CallbackAgent || status != CaseStatus::Resolved {
        return None;
    }
    let last = history.last()?;
    let resolved_by_user = last.step.action == HistoryAction::Resolved
        && last.actor.user_id() == Some(user.id)
        && last.step.from_holder == Some(user.id);
    let until = end_of_istanbul_day(last.occurred_at);
    (resolved_by_user && now < until).then_some(until)
}

/// The latest step that changed the case's status, pool or holder.
fn last_move(history: &[HistoryRecord]) -> Option<&HistoryRecord> {
    history.iter().rev().find(|h| {
        h.step.from_status != Some(h.step.to_status)
            || h.step.from_pool != Some(h.step.to_pool)
            || h.step.from_holder != h.step.to_holder
    })
}

impl CaseApp {
    /// The names behind the users and pools of `history`.
    ///
    /// # Errors
    /// Store failures.
    pub async fn history_names(&self, history: &[HistoryRecord]) -> Result<Names, CaseError> {
        let users = history.iter().flat_map(|h| {
            [h.actor.user_id(), h.step.from_holder, h.step.to_holder]
                .into_iter()
                .flatten()
        });
        let pools = history.iter().flat_map(|h| {
            [h.step.from_pool, Some(h.step.to_pool)]
                .into_iter()
                .flatten()
        });
        self.names(users, pools).await
    }

    /// The names of the staff who wrote `notes`.
    ///
    /// # Errors
    /// Store failures.
    pub async fn note_names(&self, notes: &[NoteRecord]) -> Result<Names, CaseError> {
        self.names(notes.iter().filter_map(|n| n.author_id), std::iter::empty())
            .await
    }

    pub(crate) async fn names(
        &self,
        users: impl Iterator<Item = Uuid>,
        pools: impl Iterator<Item = Uuid>,
    ) -> Result<Names, CaseError> {
        let mut names = Names::default();
        for id in users {
            if names.users.contains_key(&id) {
                continue;
            }
            if let Some(u) = self.store.get_user(id).await? {
                names.users.insert(id, u.display_name);
            }
        }
        for id in pools {
            if names.pools.contains_key(&id) {
                continue;
            }
            if let Some(p) = self.store.get_pool(id).await? {
                names.pools.insert(id, p.name);
            }
        }
        Ok(names)
    }

    /// What last happened to a case, for a user who held or worked it.
    ///
    /// # Errors
    /// `NotFound` when the case does not exist or the caller never appears
    /// in its history (the same answer, so that its existence does not leak).
    pub async fn where_is(&self, caller: &Caller, id: Uuid) -> Result<Whereabouts, CaseError> {
        let user = user_of(caller)?;
        let case = self
            .store
            .get_case(id)
            .await?
            .ok_or(CaseError::NotFound("record"))?;
        let history = self.store.list_history(case.id).await?;
        if !appears_in(user.id, &history) {
            return Err(CaseError::NotFound("record"));
        }
        let last = last_move(&history)
            .or(history.last())
            .cloned()
            .ok_or(CaseError::NotFound("record"))?;
        let names = self.history_names(std::slice::from_ref(&last)).await?;
        let now = self.clock.now();
        Ok(Whereabouts {
            tracking_number: case.tracking_number.clone(),
            reopenable_until: callback_reopen_until(user, case.status, &history, now),
            by_caller: last.actor.user_id() == Some(user.id),
            last,
            names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{Actor, Step};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn step(action: HistoryAction, by: Uuid, from_holder: Option<Uuid>, at: &str) -> HistoryRecord {
        let pool = Uuid::nil();
        HistoryRecord {
            step: Step {
                action,
                from_status: Some(CaseStatus::AwaitingCallback),
                to_status: CaseStatus::Resolved,
                from_pool: Some(pool),
                to_pool: pool,
                from_holder,
                to_holder: None,
                detail: None,
            },
            actor: Actor::User(by),
            occurred_at: ts(at),
        }
    }

    fn agent(id: Uuid) -> UserCaller {
        UserCaller {
            id,
            role: Role::CallbackAgent,
            pools: Default::default(),
            directorate_id: None,
            username: "geridonus".into(),
            access: Default::default(),
        }
    }

    #[test]
    fn a_callback_agent_may_reopen_what_they_resolved_until_istanbul_midnight() {
        let me = Uuid::now_v7();
        // 21:30 UTC on 5 Dec is 00:30 on 6 Dec in Istanbul: the day ends at
        // 21:00 UTC on 6 Dec.
        let h = [step(
            HistoryAction::Resolved,
            me,
            Some(me),
            "2026-12-05T21:30:00Z",
        )];
        let until = callback_reopen_until(
            &agent(me),
            CaseStatus::Resolved,
            &h,
            ts("2026-12-06T20:59:00Z"),
        );
        assert_eq!(until, Some(ts("2026-12-06T21:00:00Z")));
        assert_eq!(
            callback_reopen_until(
                &agent(me),
                CaseStatus::Resolved,
                &h,
                ts("2026-12-06T21:00:00Z")
            ),
            None,
            "after 23:59 Istanbul time"
        );
        let other = Uuid::now_v7();
        assert_eq!(
            callback_reopen_until(
                &agent(other),
                CaseStatus::Resolved,
                &h,
                ts("2026-12-06T10:00:00Z")
            ),
            None,
            "another agent"
        );
        assert_eq!(
            callback_reopen_until(
                &agent(me),
                CaseStatus::InPool,
                &h,
                ts("2026-12-06T10:00:00Z")
            ),
            None,
            "not resolved"
        );
    }

    #[test]
    fn only_someone_in_the_history_appears_in_it() {
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let h = [step(
            HistoryAction::Assigned,
            other,
            Some(me),
            "2026-12-05T10:00:00Z",
        )];
        assert!(appears_in(me, &h), "a former holder");
        assert!(appears_in(other, &h), "the actor");
        assert!(!appears_in(Uuid::now_v7(), &h));
    }
}
