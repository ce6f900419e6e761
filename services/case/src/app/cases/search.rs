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
    /// By words alike to those typed (a misspelling): after every other
    /// kind.
    SimilarWords,
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
        let words = tekmerkez_turkish::search::query_words(&query);
        let roots: Vec<String> = words.iter().map(|(_, r)| r.clone()).collect();
        if !roots.is_empty() {
            let (pools, created_by) = match user.role {
                Role::Admin => (None, None),
                Role::CallCentreAgent | Role::PartnerClient => (None, Some(user.id)),
                _ => (Some(user.pools.iter().copied().collect()), None),
            };
            let mut q = SearchQuery {
                roots,
                alternatives: Vec::new(),
                pools,
                created_by,
                limit: limit.saturating_mul(READ_AHEAD),
                enough: limit,
            };
            let matched = self.store.search_cases(&q).await?;
            let short = matched.len() < usize::try_from(limit).unwrap_or(usize::MAX);
            found.extend(matched.into_iter().map(|c| (c, MatchedBy::Words)));
            // Too few found as typed: try the words alike to those typed.
            if short {
                q.alternatives = self.alike(&words).await?;
                if q.alternatives.iter().any(|a| !a.is_empty()) {
                    let alike = self.store.search_cases(&q).await?;
                    found.extend(alike.into_iter().map(|c| (c, MatchedBy::SimilarWords)));
                }
            }
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
        // Only a search whose answer named people is an access to their
        // data; the query itself is personal data and is not kept.
        if !out.is_empty() {
            let detail = format!("results:{}", out.len());
            self.audit(
                caller,
                crate::domain::audit::AuditAction::PeopleSearched,
                crate::app::audit::About::default().detail(&detail),
            )
            .await?;
        }
        Ok(out)
    }
}

/// Query words looked up for misspellings, at most.
const ALIKE_WORDS: usize = 4;

/// Alternatives per query word, at most.
const ALIKE_PER_WORD: u32 = 5;

/// A query word shorter than this is not looked up for misspellings: too
/// few letters to tell a slip from another word.
const ALIKE_MIN_LETTERS: usize = 4;

impl CaseApp {
    /// For each query word (with its root), the indexed words alike to it
    /// that its root does not already match.
    async fn alike(&self, words: &[(String, String)]) -> Result<Vec<Vec<String>>, CaseError> {
        let mut out = Vec::with_capacity(words.len());
        for (i, (word, root)) in words.iter().enumerate() {
            let mut alike: Vec<String> = Vec::new();
            if i < ALIKE_WORDS && word.chars().count() >= ALIKE_MIN_LETTERS {
                for w in self.store.similar_words(word, ALIKE_PER_WORD).await? {
                    if !w.starts_with(root.as_str()) && !alike.contains(&w) {
                        alike.push(w);
                    }
                }
            }
            out.push(alike);
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
