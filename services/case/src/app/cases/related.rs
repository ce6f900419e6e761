//! The citizen's other applications: the cases that share a phone number
//! or an e-mail address with a case (the person index), as far as the
//! caller's scope reaches. A related case the caller may open is listed
//! with a way in; one of the caller's pools that they may not open now
//! (another expert holds it) is listed without; anything else is not
//! mentioned at all, so the list tells nothing across provinces or units.

use uuid::Uuid;

use super::{reachable, user_of};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        case::Case,
        person::{KeyKind, PersonKey},
        policy,
    },
};

/// At most this many related cases in one answer (the gRPC limit's rule
/// says "must be at most 50").
pub const MAX_RELATED: u32 = 50;

/// Scope filtering drops index hits, so more are read than shown: up to
/// this many times the limit.
const READ_AHEAD: u32 = 5;

/// Another application of the same citizen, as the caller may know it.
#[derive(Debug, Clone)]
pub struct RelatedCase {
    pub case: Case,
    /// What it shares with the case asked about.
    pub shares: Vec<KeyKind>,
    /// Whether the caller may open it.
    pub openable: bool,
}

/// The citizen's other applications, newest first.
#[derive(Debug, Clone, Default)]
pub struct Related {
    pub cases: Vec<RelatedCase>,
    /// More than the limit were found.
    pub more: bool,
}

impl CaseApp {
    /// The other applications of the citizen of case `id`, newest first, at
    /// most `limit` (1 to [`MAX_RELATED`]).
    ///
    /// # Errors
    /// `PermissionDenied` for a service; `NotFound` when the case is
    /// missing or the caller may not see it.
    pub async fn related_cases(
        &self,
        caller: &Caller,
        id: Uuid,
        limit: u32,
    ) -> Result<Related, CaseError> {
        let user = user_of(caller)?;
        let case = self
            .store
            .get_case(id)
            .await?
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))?;
        let keys = PersonKey::of(&case.contact);
        let limit = limit.clamp(1, MAX_RELATED);
        let found = self
            .store
            .cases_sharing(&keys, case.id, limit.saturating_add(1) * READ_AHEAD)
            .await?;
        let mut cases: Vec<RelatedCase> = found
            .into_iter()
            .filter_map(|s| {
                let openable = policy::can_view(caller, &s.case);
                (openable || reachable(user, &s.case)).then_some(RelatedCase {
                    case: s.case,
                    shares: s.shares,
                    openable,
                })
            })
            .collect();
        let more = cases.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        cases.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let detail = format!("results:{}", cases.len());
        self.audit(
            caller,
            crate::domain::audit::AuditAction::PersonIndexRead,
            crate::app::audit::About::case(&case).detail(&detail),
        )
        .await?;
        Ok(Related { cases, more })
    }
}
