//! Deadline policies: what a case takes from its policy (due dates counted
//! on the stored working calendar, [`CaseApp::working_calendar`]; the
//! automatic closes' reasons), and the admins' edits.

use tekmerkez_types::classification::{ApplicationSource, ApplicationType};

use super::{CaseApp, cases::user_of, error::CaseError};
use crate::domain::{
    caller::Caller,
    case::RuleViolation,
    classification::AutomaticClose,
    deadline::{self, DeadlinePolicy, PolicyKey, StoredPolicy},
    enums::Role,
    fields::Violations,
};

impl CaseApp {
    /// What the deadline policies give an application of `source`,
    /// `application_type` and `category`.
    ///
    /// # Errors
    /// When the policies cannot be read.
    pub(crate) async fn resolved_policy(
        &self,
        source: Option<ApplicationSource>,
        application_type: Option<ApplicationType>,
        category: &str,
    ) -> Result<deadline::Resolved, CaseError> {
        let policies: Vec<DeadlinePolicy> = self
            .store
            .list_deadline_policies()
            .await?
            .into_iter()
            .map(|p| p.policy)
            .collect();
        Ok(deadline::resolve(
            &policies,
            source,
            application_type,
            category,
        ))
    }

    /// The closure reason a close of `kind` that no person makes gives a
    /// case of these keys: its deadline policy's (the one function an
    /// incident's close and a field-work confirmation call as well).
    ///
    /// # Errors
    /// When the policies cannot be read.
    pub async fn automatic_closure_reason(
        &self,
        kind: AutomaticClose,
        source: ApplicationSource,
        application_type: ApplicationType,
        category: &str,
    ) -> Result<String, CaseError> {
        Ok(self
            .resolved_policy(Some(source), Some(application_type), category)
            .await?
            .automatic_reason(kind)
            .to_owned())
    }
}

/// The `ErrorInfo`-style refusal of deleting the default policy.
const DEFAULT_REQUIRED: &str =
    "the default policy (any source, type and category) cannot be removed";

impl CaseApp {
    /// Every deadline policy, most general first (admins).
    ///
    /// # Errors
    /// Permission; store failures.
    pub async fn list_deadline_policies(
        &self,
        caller: &Caller,
    ) -> Result<Vec<StoredPolicy>, CaseError> {
        admin_of(caller)?;
        let mut all = self.store.list_deadline_policies().await?;
        all.sort_by_key(|p| (p.policy.key.specificity(), p.policy.key.storage_key()));
        Ok(all)
    }

    /// Adds (`expected` `None`) or changes a policy (admins).
    ///
    /// # Errors
    /// Permission; `Invalid` by field (the default must state a legal
    /// period and a note rule); `AlreadyExists` for a new key that exists;
    /// `Rule(StaleVersion)` when it changed meanwhile.
    pub async fn put_deadline_policy(
        &self,
        caller: &Caller,
        policy: DeadlinePolicy,
        expected: Option<i64>,
    ) -> Result<StoredPolicy, CaseError> {
        let by = admin_of(caller)?;
        let mut v = Violations::new();
        deadline::check_policy(&mut v, &policy);
        v.into_result()?;
        self.check_automatic_reasons(&policy).await?;
        let stored = StoredPolicy {
            policy,
            version: expected.map_or(1, |e| e + 1),
            updated_by: Some(by),
            updated_at: self.clock.now(),
        };
        if self.store.put_deadline_policy(&stored, expected).await? {
            let object = format!("deadline_policy:{}", stored.policy.key.storage_key());
            let detail = format!("version:{}", stored.version);
            self.audit(
                caller,
                crate::domain::audit::AuditAction::AdminChanged,
                super::audit::About::object(&object).detail(&detail),
            )
            .await?;
            return Ok(stored);
        }
        Err(match expected {
            None => CaseError::AlreadyExists("a policy with this source, type and category exists"),
            Some(_) => CaseError::Rule(RuleViolation::StaleVersion),
        })
    }

    /// Removes the policy of `key` (admins); never the default.
    ///
    /// # Errors
    /// Permission; `Invalid` for the default; `Rule(StaleVersion)` when it
    /// changed or is gone.
    pub async fn delete_deadline_policy(
        &self,
        caller: &Caller,
        key: &PolicyKey,
        expected: i64,
    ) -> Result<(), CaseError> {
        let by = admin_of(caller)?;
        if key.specificity() == 0 {
            let mut v = Violations::new();
            v.add("policy", DEFAULT_REQUIRED);
            return Err(v.into());
        }
        let now = self.clock.now();
        if self
            .store
            .delete_deadline_policy(key, expected, by, now)
            .await?
        {
            let object = format!("deadline_policy:{}", key.storage_key());
            self.audit(
                caller,
                crate::domain::audit::AuditAction::AdminChanged,
                super::audit::About::object(&object).detail("removed"),
            )
            .await
        } else {
            Err(CaseError::Rule(RuleViolation::StaleVersion))
        }
    }
}

impl CaseApp {
    /// Each automatic close's reason a policy states must name an active
    /// closure reason (an inactive one is no longer offered to people; a
    /// policy should not start using it).
    async fn check_automatic_reasons(&self, policy: &DeadlinePolicy) -> Result<(), CaseError> {
        let active = self.store.list_closure_reasons(false).await?;
        let mut v = Violations::new();
        for (field, code) in policy.automatic_reasons.stated() {
            if !active.iter().any(|r| r.code == code) {
                v.add(field, "must be an active closure reason");
            }
        }
        Ok(v.into_result()?)
    }
}

fn admin_of(caller: &Caller) -> Result<uuid::Uuid, CaseError> {
    let user = user_of(caller)?;
    if user.role != Role::Admin {
        return Err(CaseError::PermissionDenied(
            "only an admin edits deadline policies",
        ));
    }
    Ok(user.id)
}
