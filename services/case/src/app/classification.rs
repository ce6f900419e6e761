//! Classification operations: the closure reasons admins edit (and the
//! check a close makes against them). (The reason of a close no person
//! makes is a deadline policy value: `deadlines`.) (An agent's change of a case's type is a case change:
//! `cases::work`.)

use uuid::Uuid;

use super::{CaseApp, cases::user_of, error::CaseError};
use crate::{
    domain::{
        caller::Caller,
        case::RuleViolation,
        classification::{ClosureReason, parse_reason_fields},
        enums::Role,
        fields::Violations,
        text::parse_code,
    },
    store::StoreError,
};

/// A reason's editable fields, as an admin sends them.
#[derive(Debug, Clone)]
pub struct ReasonEdit {
    pub label_tr: String,
    pub label_en: String,
    pub position: u32,
    pub active: bool,
}

impl CaseApp {
    /// The reasons in order, for anyone signed in: the active ones (the
    /// close form), or with the inactive ones (to name the reason of a case
    /// closed with one, and the admin page). Labels are no secret.
    ///
    /// # Errors
    /// `Unauthenticated` for a service; store failures.
    pub async fn list_closure_reasons(
        &self,
        caller: &Caller,
        include_inactive: bool,
    ) -> Result<Vec<ClosureReason>, CaseError> {
        user_of(caller)?;
        Ok(self.store.list_closure_reasons(include_inactive).await?)
    }

    /// The active reason `raw` names, for a close; the inner error is the
    /// violation on `closure_reason` (blank, not a code, unknown, inactive),
    /// which the close reports only once the caller may close at all.
    ///
    /// # Errors
    /// Store failures.
    pub async fn active_closure_reason(
        &self,
        raw: &str,
    ) -> Result<Result<String, Violations>, StoreError> {
        let mut v = Violations::new();
        if raw.trim().is_empty() {
            v.add("closure_reason", "is required to close a record");
            return Ok(Err(v));
        }
        let Some(code) = v.check(parse_code("closure_reason", raw)) else {
            return Ok(Err(v));
        };
        Ok(match self.store.get_closure_reason(&code).await? {
            Some(r) if r.active => Ok(r.code),
            Some(_) => {
                v.add("closure_reason", "is no longer in use");
                Err(v)
            }
            None => {
                v.add("closure_reason", "must be a known closure reason");
                Err(v)
            }
        })
    }

    /// Adds an active reason (admins).
    ///
    /// # Errors
    /// `PermissionDenied` for others; `Invalid` by field; `AlreadyExists`
    /// when the code is taken.
    pub async fn create_closure_reason(
        &self,
        caller: &Caller,
        code: &str,
        edit: ReasonEdit,
    ) -> Result<ClosureReason, CaseError> {
        let user = admin_of(caller)?;
        let mut v = Violations::new();
        let code = v.check(parse_code("code", code));
        let fields = parse_reason_fields(&mut v, &edit.label_tr, &edit.label_en, edit.position);
        v.clone().into_result()?;
        let (Some(code), Some((label_tr, label_en, position))) = (code, fields) else {
            return Err(v.into());
        };
        let now = self.clock.now();
        let reason = ClosureReason {
            code,
            label_tr,
            label_en,
            active: true,
            position,
            version: 1,
            updated_by: Some(user),
            updated_at: now,
        };
        match self.store.create_closure_reason(&reason, user, now).await {
            Ok(()) => {
                let object = format!("closure_reason:{}", reason.code);
                self.audit(
                    caller,
                    crate::domain::audit::AuditAction::AdminChanged,
                    super::audit::About::object(&object).detail("created"),
                )
                .await?;
                Ok(reason)
            }
            Err(StoreError::Duplicate) => Err(CaseError::AlreadyExists(
                "a closure reason with this code exists",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Changes a reason's labels, order and active flag (admins), if it is
    /// still at `expected`.
    ///
    /// # Errors
    /// `PermissionDenied` for others; `Invalid` by field; `NotFound`;
    /// `StaleVersion` when it changed meanwhile.
    pub async fn update_closure_reason(
        &self,
        caller: &Caller,
        code: &str,
        edit: ReasonEdit,
        expected: i64,
    ) -> Result<ClosureReason, CaseError> {
        let user = admin_of(caller)?;
        let mut v = Violations::new();
        let fields = parse_reason_fields(&mut v, &edit.label_tr, &edit.label_en, edit.position);
        v.clone().into_result()?;
        let Some((label_tr, label_en, position)) = fields else {
            return Err(v.into());
        };
        let Some(before) = self.store.get_closure_reason(code.trim()).await? else {
            return Err(CaseError::NotFound("closure reason"));
        };
        if before.version != expected {
            return Err(RuleViolation::StaleVersion.into());
        }
        let reason = ClosureReason {
            label_tr,
            label_en,
            position,
            active: edit.active,
            version: before.version + 1,
            updated_by: Some(user),
            updated_at: self.clock.now(),
            ..before
        };
        if self.store.update_closure_reason(&reason, expected).await? {
            let object = format!("closure_reason:{}", reason.code);
            let detail = format!("active:{} version:{}", reason.active, reason.version);
            self.audit(
                caller,
                crate::domain::audit::AuditAction::AdminChanged,
                super::audit::About::object(&object).detail(&detail),
            )
            .await?;
            Ok(reason)
        } else {
            Err(RuleViolation::StaleVersion.into())
        }
    }
}

/// The admin's id.
fn admin_of(caller: &Caller) -> Result<Uuid, CaseError> {
    let user = user_of(caller)?;
    if user.role != Role::Admin {
        return Err(CaseError::PermissionDenied(
            "only an admin edits closure reasons",
        ));
    }
    Ok(user.id)
}
