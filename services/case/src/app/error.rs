//! The errors of the case application layer and their one mapping to gRPC
//! statuses. Messages name the field or the rule, never a submitted value;
//! anything unexpected becomes `Internal("internal error")` and its details
//! go only to the log.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt as _};
use uuid::Uuid;

use crate::{
    domain::{case::RuleViolation, fields::Violations},
    store::StoreError,
};

/// The `ErrorInfo` domain of the case service's reasons.
pub const ERROR_DOMAIN: &str = "case.tekmerkez";
/// `ErrorInfo` reason of a refused lookup: too many wrong guesses at the
/// number's phone digits; the `RetryInfo` says when the window ends.
pub const TRACKING_LOOKUPS_LOCKED: &str = "TRACKING_LOOKUPS_LOCKED";
/// The `ErrorInfo` reason of [`CaseError::CalendarMoved`]; its metadata's
/// `current_version` is the calendar's version now.
pub const CALENDAR_VERSION_CONFLICT: &str = "CALENDAR_VERSION_CONFLICT";
/// The `ErrorInfo` reason of [`CaseError::AccountLocked`].
pub const ACCOUNT_LOCKED: &str = "ACCOUNT_LOCKED";

/// Why one case in a bulk call could not be changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkFailure {
    /// Not found, or outside the caller's scope.
    NotFound,
    /// The caller's role may not do this to it.
    PermissionDenied(&'static str),
    /// A rule refused it.
    Rule(RuleViolation),
    /// The assignee does not work in its pool.
    AssigneeNotInPool,
}

impl BulkFailure {
    fn describe(&self) -> String {
        match self {
            Self::NotFound => "record not found".to_owned(),
            Self::PermissionDenied(why) => (*why).to_owned(),
            Self::Rule(r) => r.to_string(),
            Self::AssigneeNotInPool => {
                "the assignee is not an institutional expert of the record's pool".to_owned()
            }
        }
    }
}

/// Why a case-service call failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The request broke field rules.
    #[error("invalid request: {0}")]
    Invalid(Violations),
    /// No valid credentials.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The caller's role may not do this.
    #[error("permission denied: {0}")]
    PermissionDenied(&'static str),
    /// The thing does not exist or is out of the caller's scope.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A life-cycle rule refused the change.
    #[error(transparent)]
    Rule(RuleViolation),
    /// Some cases of a bulk call could not be changed; none were.
    #[error("{} of the records could not be changed; none were", .0.len())]
    Bulk(Vec<(Uuid, BulkFailure)>),
    /// A unique value is taken.
    #[error("{0}")]
    AlreadyExists(&'static str),
    /// Too many wrong guesses at this tracking number's phone digits in the
    /// current window: lookups are refused, unchecked, for this long.
    #[error("lookups of this tracking number are locked for now")]
    LookupsLocked(std::time::Duration),
    /// Concurrent changes kept winning; the caller may retry.
    #[error("the record kept changing concurrently")]
    Contended,
    /// Too many wrong passwords: the account refuses every password check
    /// (sign-in answers `Unauthenticated` instead, to reveal nothing).
    #[error("the account is locked")]
    AccountLocked,
    /// The working calendar moved on from the version a change was made
    /// against (`current` is its version now).
    #[error("the working calendar was changed meanwhile")]
    CalendarMoved { current: i64 },
    /// An incident's own rule refused the request.
    #[error("{0}")]
    Incident(crate::domain::incident::IncidentRule),
    /// The store failed.
    #[error("store failure")]
    Store(#[from] StoreError),
}

impl From<Violations> for CaseError {
    fn from(v: Violations) -> Self {
        Self::Invalid(v)
    }
}

impl From<RuleViolation> for CaseError {
    fn from(r: RuleViolation) -> Self {
        Self::Rule(r)
    }
}

impl From<CaseError> for Status {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Invalid(v) => {
                let mut details = ErrorDetails::new();
                for f in v.iter() {
                    details.add_bad_request_violation(f.field.clone(), f.rule);
                }
                Status::with_error_details(
                    Code::InvalidArgument,
                    format!("invalid request: {v}"),
                    details,
                )
            }
            CaseError::Unauthenticated => Status::unauthenticated("unauthenticated"),
            CaseError::PermissionDenied(why) => Status::permission_denied(why),
            CaseError::NotFound(what) => Status::not_found(format!("{what} not found")),
            CaseError::Rule(r) => {
                let mut details = ErrorDetails::new();
                details.add_precondition_failure_violation("RULE", rule_subject(&r), r.to_string());
                Status::with_error_details(Code::FailedPrecondition, r.to_string(), details)
            }
            CaseError::Incident(r) => {
                let subject = match r {
                    crate::domain::incident::IncidentRule::Closed => "IncidentClosed",
                    crate::domain::incident::IncidentRule::StaleVersion => "StaleVersion",
                };
                let mut details = ErrorDetails::new();
                details.add_precondition_failure_violation("RULE", subject, r.to_string());
                Status::with_error_details(Code::FailedPrecondition, r.to_string(), details)
            }
            CaseError::Bulk(failures) => {
                let mut details = ErrorDetails::new();
                for (id, f) in &failures {
                    details.add_precondition_failure_violation(
                        "RECORD",
                        id.to_string(),
                        f.describe(),
                    );
                }
                let msg = format!(
                    "{} of the records could not be changed; none were",
                    failures.len()
                );
                Status::with_error_details(Code::FailedPrecondition, msg, details)
            }
            CaseError::AlreadyExists(what) => Status::already_exists(what),
            CaseError::LookupsLocked(wait) => {
                let mut details = ErrorDetails::with_retry_info(Some(wait));
                details.set_error_info(
                    TRACKING_LOOKUPS_LOCKED,
                    ERROR_DOMAIN,
                    std::collections::HashMap::<String, String>::new(),
                );
                Status::with_error_details(
                    Code::ResourceExhausted,
                    "too many wrong guesses at this tracking number; retry later",
                    details,
                )
            }
            CaseError::Contended => Status::aborted("the record kept changing concurrently; retry"),
            CaseError::AccountLocked => {
                let mut details = ErrorDetails::new();
                details.set_error_info(
                    ACCOUNT_LOCKED,
                    ERROR_DOMAIN,
                    std::collections::HashMap::<String, String>::new(),
                );
                Status::with_error_details(
                    Code::PermissionDenied,
                    "the account is locked after repeated wrong passwords; try again later",
                    details,
                )
            }
            CaseError::CalendarMoved { current } => {
                let mut details = ErrorDetails::new();
                details.set_error_info(
                    CALENDAR_VERSION_CONFLICT,
                    ERROR_DOMAIN,
                    [("current_version".to_owned(), current.to_string())],
                );
                Status::with_error_details(
                    Code::Aborted,
                    "the working calendar was changed meanwhile; read it again",
                    details,
                )
            }
            CaseError::Store(err) => {
                // A full disk, an I/O error, PostgreSQL down or restarting
                // passes: the caller retries (routing waits it out instead
                // of dead-lettering the application after a few tries).
                let unavailable =
                    matches!(&err, StoreError::Database(e) if tekmerkez_sqlpool::is_unavailable(e));
                tracing::error!(error.message = %err, error.cause_chain = ?err, "store failure");
                if unavailable {
                    Status::unavailable("database unavailable")
                } else {
                    Status::internal("internal error")
                }
            }
        }
    }
}

/// The rule's name as callers match on it (`NoteRequired`), without the
/// values some rules carry (`NoteRequired(3)` names the days in its message).
fn rule_subject(r: &RuleViolation) -> String {
    let debug = format!("{r:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_named_without_its_values_so_callers_can_match_it() {
        let status = Status::from(CaseError::Rule(RuleViolation::NoteRequired(3)));
        let failure = status.get_details_precondition_failure().unwrap();
        assert_eq!(failure.violations[0].subject, "NoteRequired");
        assert!(failure.violations[0].description.contains('3'));
        assert_eq!(rule_subject(&RuleViolation::NotInPool), "NotInPool");
    }
}
