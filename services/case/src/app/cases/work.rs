//! Working a case in its pool: claiming (experts from the pool, callback
//! agents from the callback pool), assigning, transferring, notes, and
//! changing the application type.

use tekmerkez_types::fields::Violations;
use uuid::Uuid;

use super::{CaseView, retry::Transition, user_of};
use crate::{
    app::{
        CaseApp,
        error::{BulkFailure, CaseError},
    },
    domain::{caller::Caller, case::Correction, enums::Role, policy},
    store::NoteRecord,
};

impl CaseApp {
    /// Claims every case or none: an expert from the pool, a callback agent
    /// from the callback pool.
    ///
    /// # Errors
    /// `Bulk` naming each case that could not be claimed.
    pub async fn claim_cases(
        &self,
        caller: &Caller,
        ids: &[Uuid],
    ) -> Result<Vec<CaseView>, CaseError> {
        if !matches!(caller.role(), Some(Role::Expert | Role::CallbackAgent)) {
            return Err(CaseError::PermissionDenied(
                "only institutional experts and callback agents claim records",
            ));
        }
        self.change_many(caller, ids, |user, case, now| {
            if !policy::can_claim(user, case) {
                return Err(BulkFailure::PermissionDenied(
                    "only experts and callback agents of the record's pool may claim it",
                ));
            }
            let callback = user.role == Role::CallbackAgent;
            case.claim(user.id, callback, now)
                .map(Transition::one)
                .map_err(BulkFailure::Rule)
        })
        .await
    }

    /// Gives every case to `assignee`, or none.
    ///
    /// # Errors
    /// `NotFound` for an unknown assignee; `Bulk` for cases that cannot go to them.
    pub async fn assign_cases(
        &self,
        caller: &Caller,
        ids: &[Uuid],
        assignee: Uuid,
    ) -> Result<Vec<CaseView>, CaseError> {
        if !caller
            .role()
            .is_some_and(|r| r == Role::Admin || policy::is_manager(r))
        {
            return Err(CaseError::PermissionDenied(
                "only pool managers assign records",
            ));
        }
        let target = self
            .store
            .get_user(assignee)
            .await?
            .filter(|u| u.active && u.role == Role::Expert)
            .ok_or(CaseError::NotFound(
                "assignee (an active institutional expert)",
            ))?;
        self.change_many(caller, ids, |user, case, now| {
            if !policy::manages(user, case) {
                return Err(BulkFailure::PermissionDenied(
                    "only the pool's manager may assign its records",
                ));
            }
            if !target.pool_ids.contains(&case.pool_id) {
                return Err(BulkFailure::AssigneeNotInPool);
            }
            case.assign(target.id, now)
                .map(Transition::one)
                .map_err(BulkFailure::Rule)
        })
        .await
    }

    /// Moves a case to another pool, correcting its province, district or
    /// category on the way (`fix`'s district is as typed: it must be a
    /// district of the corrected province, or of the case's own). A target
    /// in another province and any correction are for pool managers and
    /// admins ([`policy::may_transfer`]).
    ///
    /// # Errors
    /// `NotFound` for an unknown target pool; `Invalid` for a district
    /// outside the province; permission and rule errors.
    pub async fn transfer_case(
        &self,
        caller: &Caller,
        id: Uuid,
        target: Uuid,
        reason: String,
        fix: Correction,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        let pool = self
            .store
            .get_pool(target)
            .await?
            .ok_or(CaseError::NotFound("target pool"))?;
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::may_transfer(user, case, pool.province_code, &fix) {
                return Err(CaseError::PermissionDenied(
                    "only the pool's manager may transfer its records, \
                     and only the institution's pool managers and admins to another province",
                ));
            }
            let mut fix = fix.clone();
            if let Some(raw) = fix.district.take() {
                let province = fix.province_code.unwrap_or(case.province_code);
                let found = tekmerkez_geo::province_by_code(province)
                    .and_then(|p| p.find_district(&raw))
                    .map(str::to_owned);
                let Some(d) = found else {
                    let mut v = Violations::new();
                    v.add("district", "must be a district of the province");
                    return Err(CaseError::Invalid(v));
                };
                fix.district = Some(d);
            }
            Ok(Transition::many(case.transfer_corrected(
                target,
                reason.clone(),
                &fix,
                now,
            )?))
        })
        .await
    }

    /// Adds a note.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn add_note(
        &self,
        caller: &Caller,
        id: Uuid,
        text: String,
        expected: Option<i64>,
    ) -> Result<(NoteRecord, CaseView), CaseError> {
        let note_id = Uuid::now_v7();
        let view = self
            .change_one(caller, id, expected, |user, case, now| {
                if !policy::can_note(user, case) {
                    return Err(CaseError::PermissionDenied(
                        "only the record's holder or its pool manager may add notes",
                    ));
                }
                let mut t = Transition::one(case.add_note(note_id, now)?);
                t.note = Some(NoteRecord {
                    id: note_id,
                    case_id: case.id,
                    author_id: Some(user.id),
                    text: text.clone(),
                    created_at: now,
                    citizen: None,
                });
                Ok(t)
            })
            .await?;
        let note = NoteRecord {
            id: note_id,
            case_id: id,
            author_id: Some(user_of(caller)?.id),
            text,
            created_at: view.now,
            citizen: None,
        };
        Ok((note, view))
    }
}

impl CaseApp {
    /// Reclassifies a case (its holder, its pool's manager, an admin).
    ///
    /// # Errors
    /// Permission and rule errors (`SameType`).
    pub async fn change_application_type(
        &self,
        caller: &Caller,
        id: Uuid,
        to: crate::domain::classification::ApplicationType,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, _now| {
            if !policy::can_reclassify(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the record's holder or its pool manager may change its type",
                ));
            }
            Ok(Transition::one(case.change_type(to)?))
        })
        .await
    }
}
