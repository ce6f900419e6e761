//! Search (issue 21): the terms each case is found by, written with the
//! case and its notes, and the ranked query, scoped by the caller's pools
//! or as the recorder. The terms are made in Rust
//! ([`tekmerkez_turkish::search`]) so both stores index and match the same.

use uuid::Uuid;

use super::StoreError;
use crate::domain::case::Case;

/// What a search asks the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Query roots; a case matches when each begins one of its terms.
    pub roots: Vec<String>,
    /// By root's position: whole terms that also satisfy it (the words a
    /// misspelt query word is close to); empty for none.
    pub alternatives: Vec<Vec<String>>,
    /// Only cases of these pools (`None`: any).
    pub pools: Option<Vec<Uuid>>,
    /// Only cases recorded by this user.
    pub created_by: Option<Uuid>,
    /// At most this many, best first.
    pub limit: u32,
    /// When the newest records alone give this many, the rest are not
    /// searched (PostgreSQL searches its newest stretch first).
    pub enough: u32,
}

/// The search index.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync + std::fmt::Debug + 'static {
    /// The matching cases, the best match first (then the newest).
    async fn search_cases(&self, q: &SearchQuery) -> Result<Vec<Case>, StoreError>;
    /// Up to `limit` indexed words alike to `word` (trigram similarity at
    /// least [`tekmerkez_turkish::search::SIMILAR`]), the most alike first;
    /// never `word` itself.
    async fn similar_words(&self, word: &str, limit: u32) -> Result<Vec<String>, StoreError>;
    /// Indexes up to `limit` cases that have no terms yet (opened before
    /// search existed); how many it indexed.
    async fn index_unindexed(&self, limit: u32) -> Result<u64, StoreError>;
}
