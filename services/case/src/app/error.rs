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
    /// Concurrent changes kept winning; the caller may retry.
    #[error("the record kept changing concurrently")]
    Contended,
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
                details.add_precondition_failure_violation("RULE", format!("{r:?}"), r.to_string());
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
            CaseError::Contended => Status::aborted("the record kept changing concurrently; retry"),
            CaseError::Store(err) => {
                // PostgreSQL down or restarting is an outage the caller
                // waits out (routing retries without limit), not a failure
                // of the request (routing dead-letters after a few tries).
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
