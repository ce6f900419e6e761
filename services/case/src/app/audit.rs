//! The KVKK audit trail: each operation that shows a person's data or
//! changes the institution's settings appends its entry before it answers,
//! so a page that cannot record its access does not show the data. A
//! service's own reads (notify reading where to send an answer) are the
//! system's processing, not a person's access, and are not recorded. Only
//! the KVKK officer reads the trail, and reading it is recorded too.

use tekmerkez_types::fields::Violations;

use super::{CaseApp, error::CaseError};
use crate::domain::{
    audit::{
        Actor, AuditAction, AuditEntry, AuditQuery, MAX_DETAIL, MAX_OBJECT, bounded, page_size,
    },
    caller::{Caller, UserCaller},
    case::Case,
    enums::Role,
};

/// What an entry is about, beside its action.
#[derive(Debug, Clone, Copy, Default)]
pub struct About<'a> {
    pub case: Option<&'a Case>,
    /// `kind:id` of what an administrative change changed.
    pub object: &'a str,
    /// Codes and counts, never personal data.
    pub detail: &'a str,
}

impl<'a> About<'a> {
    /// A record.
    pub fn case(case: &'a Case) -> Self {
        Self {
            case: Some(case),
            ..Self::default()
        }
    }

    /// An administrative change of `object`.
    pub fn object(object: &'a str) -> Self {
        Self {
            object,
            ..Self::default()
        }
    }

    /// With `detail`.
    #[must_use]
    pub fn detail(self, detail: &'a str) -> Self {
        Self { detail, ..self }
    }
}

fn actor_of(user: &UserCaller) -> Actor {
    Actor {
        user_id: Some(user.id),
        name: user.username.clone(),
        role: Some(user.role),
    }
}

impl CaseApp {
    /// Appends the entry of a person's `action`; nothing for a service.
    ///
    /// # Errors
    /// Store failures: the caller must then not show what it read.
    pub(crate) async fn audit(
        &self,
        caller: &Caller,
        action: AuditAction,
        about: About<'_>,
    ) -> Result<(), CaseError> {
        let Some(user) = caller.user() else {
            return Ok(());
        };
        let entry = AuditEntry {
            seq: 0,
            at: self.clock.now(),
            actor: actor_of(user),
            access: user.access.clone(),
            action,
            case_id: about.case.map(|c| c.id),
            tracking_number: about.case.map(Case::printed_tracking_number),
            object: bounded(about.object, MAX_OBJECT),
            detail: bounded(about.detail, MAX_DETAIL),
        };
        self.store.append_audit(&entry).await?;
        Ok(())
    }

    /// Records a change another service owns (routing rules, notification
    /// templates) before it applies it, for the person it acts for.
    ///
    /// # Errors
    /// `PermissionDenied` for anyone who administers nothing; `Invalid` for
    /// an object not of the form `kind:id` or a detail too long.
    pub async fn record_admin_change(
        &self,
        caller: &Caller,
        object: &str,
        detail: &str,
    ) -> Result<(), CaseError> {
        let administers = caller.user().is_some_and(|u| {
            matches!(
                u.role,
                Role::Admin | Role::PoolManager | Role::DirectorateManager
            )
        });
        if !administers {
            return Err(CaseError::PermissionDenied(
                "only those who administer settings record their changes",
            ));
        }
        let mut v = Violations::new();
        let object = object.trim();
        let well_formed = object
            .split_once(':')
            .is_some_and(|(kind, id)| !kind.is_empty() && !id.is_empty());
        if !well_formed || object.chars().count() > MAX_OBJECT {
            v.add("object", "must be kind:id, at most 120 characters");
        }
        if detail.chars().count() > MAX_DETAIL {
            v.add("detail", "must be at most 500 characters");
        }
        if !v.is_empty() {
            return Err(CaseError::Invalid(v));
        }
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(object).detail(detail.trim()),
        )
        .await
    }

    /// A page of the trail, newest first, for the KVKK officer; the reading
    /// is itself recorded (what was asked, in codes), and so is anyone
    /// else's attempt.
    ///
    /// # Errors
    /// `PermissionDenied` for everyone else; `Invalid` on `to` when it is
    /// not after `from`.
    pub async fn list_audit(
        &self,
        caller: &Caller,
        mut q: AuditQuery,
    ) -> Result<Vec<AuditEntry>, CaseError> {
        if caller.role() != Some(Role::KvkkOfficer) {
            // An attempt is worth knowing about too.
            self.audit(
                caller,
                AuditAction::AuditRead,
                About::default().detail("refused"),
            )
            .await?;
            return Err(CaseError::PermissionDenied(
                "only the KVKK officer reads the audit trail",
            ));
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && to <= from
        {
            let mut v = Violations::new();
            v.add("to", "must be after from");
            return Err(CaseError::Invalid(v));
        }
        q.limit = page_size(q.limit);
        let entries = self.store.list_audit(&q).await?;
        let case = match q.case_id {
            Some(id) => self.store.get_case(id).await?,
            None => None,
        };
        let detail = asked(&q, entries.len());
        self.audit(
            caller,
            AuditAction::AuditRead,
            About {
                case: case.as_ref(),
                object: "",
                detail: &detail,
            },
        )
        .await?;
        Ok(entries)
    }
}

impl CaseApp {
    /// The id of the user `name` names, for a filter of the trail.
    ///
    /// # Errors
    /// Store failures.
    pub async fn user_id_by_username(&self, name: &str) -> Result<Option<uuid::Uuid>, CaseError> {
        let key = super::auth::username_key(name);
        Ok(self.store.get_user_by_username(&key).await?.map(|u| u.id))
    }
}

/// What a reading of the trail asked, in codes: the filters and the count.
fn asked(q: &AuditQuery, found: usize) -> String {
    let mut parts = Vec::new();
    if let Some(a) = q.actor {
        parts.push(format!("actor:{a}"));
    }
    if let Some(a) = q.action {
        parts.push(format!("action:{}", a.as_str()));
    }
    if let Some(f) = q.from {
        parts.push(format!("from:{f}"));
    }
    if let Some(t) = q.to {
        parts.push(format!("to:{t}"));
    }
    parts.push(format!("results:{found}"));
    parts.join(" ")
}

/// The detail of a read of a record: whether its contacts were shown.
pub(crate) fn contact_detail(shown: bool) -> &'static str {
    if shown {
        "contact:shown"
    } else {
        "contact:masked"
    }
}
