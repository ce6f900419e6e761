//! Search (issue 21): one box for a tracking number in any spelling the
//! parser takes, a phone number in any format, an e-mail address, a
//! partner's reference, or words of the applications, their names and
//! notes (Turkish-aware: see [`tekmerkez_turkish::search`]). Exact matches
//! come first, then the words' matches, best first. Every result is one
//! the caller may open ([`policy::can_view`]), the same rule as the lists.

use uuid::Uuid;

use super::{CaseView, user_of};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        case::Case,
        contact::{EmailAddress, PhoneNumber},
        enums::Role,
        person::PersonKey,
        policy,
    },
    store::{CaseQuery, SearchQuery, Sort},
};

/// At most this many results in one answer.
pub const MAX_RESULTS: u32 = 50;

/// Scope filtering drops index hits, so more are read than shown.
const READ_AHEAD: u32 = 3;

/// Longest query read (a pasted text is cut).
const MAX_QUERY: usize = 200;

/// How a result matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    TrackingNumber,
    Phone,
    Email,
    PartnerReference,
    Words,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Found {
    pub view: CaseView,
    pub matched_by: MatchedBy,
}

impl CaseApp {
    /// The cases `query` finds that the caller may open, exact matches
    /// first, at most `limit` (1 to [`MAX_RESULTS`]).
    ///
    /// # Errors
    /// `PermissionDenied` for a service; `InvalidArgument`-like
    /// `Violations` are the caller's (an empty query finds nothing).
    pub async fn search(
        &self,
        caller: &Caller,
        query: &str,
        limit: u32,
    ) -> Result<Vec<Found>, CaseError> {
        let user = user_of(caller)?;
        let query: String = query.trim().chars().take(MAX_QUERY).collect();
        let limit = limit.clamp(1, MAX_RESULTS);
        let mut found: Vec<(Case, MatchedBy)> = Vec::new();
        if let Ok(tn) = tekmerkez_tracking::TrackingNumber::parse(&query)
            && let Some(c) = self.store.get_case_by_tracking_number(tn.as_str()).await?
        {
            found.push((c, MatchedBy::TrackingNumber));
        }
        let key = if query.contains('@') {
            EmailAddress::parse(&query)
                .ok()
                .map(|e| (PersonKey::email(&e), MatchedBy::Email))
        } else {
            PhoneNumber::parse(&query)
                .ok()
                .map(|p| (PersonKey::phone(&p), MatchedBy::Phone))
        };
        if let Some((key, by)) = key {
            let read = limit.saturating_mul(READ_AHEAD);
            for s in self.store.cases_sharing(&[key], Uuid::nil(), read).await? {
                found.push((s.case, by));
            }
        }
        if !query.is_empty() && query.len() <= 100 {
            let exact = self
                .store
                .list_cases(&CaseQuery {
                    partner_reference: Some(query.clone()),
                    sort: Sort::NewestFirst,
                    ..CaseQuery::any(limit.saturating_mul(READ_AHEAD))
                })
                .await?;
            found.extend(exact.into_iter().map(|c| (c, MatchedBy::PartnerReference)));
        }
        let roots = tekmerkez_turkish::search::query_terms(&query);
        if !roots.is_empty() {
            let (pools, created_by) = match user.role {
                Role::Admin => (None, None),
                Role::CallCentreAgent | Role::PartnerClient => (None, Some(user.id)),
                _ => (Some(user.pools.iter().copied().collect()), None),
            };
            let words = self
                .store
                .search_cases(&SearchQuery {
                    roots,
                    pools,
                    created_by,
                    limit: limit.saturating_mul(READ_AHEAD),
                })
                .await?;
            found.extend(words.into_iter().map(|c| (c, MatchedBy::Words)));
        }
        let now = self.clock.now();
        let mut out: Vec<Found> = Vec::new();
        for (case, matched_by) in found {
            if out.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
                break;
            }
            if policy::can_view(caller, &case) && !out.iter().any(|f| f.view.case.id == case.id) {
                out.push(Found {
                    view: self.view(caller, case, now),
                    matched_by,
                });
            }
        }
        Ok(out)
    }
}

impl CaseApp {
    /// Indexes up to `batch` cases opened before search existed (the
    /// escalation round calls it: a no-op read once none is left).
    ///
    /// # Errors
    /// Store failures.
    pub async fn index_unindexed(&self, batch: u32) -> Result<u64, CaseError> {
        Ok(self.store.index_unindexed(batch).await?)
    }
}
