//! The person index as the stores keep it: which cases share a key of
//! `domain::person` with a case. A case's keys are written with the case
//! (`CaseStore::create_case`), in its transaction.

use uuid::Uuid;

use super::StoreError;
use crate::domain::{
    case::Case,
    person::{KeyKind, PersonKey},
};

/// A case found by the index, with what it shares.
#[derive(Debug, Clone)]
pub struct SharingCase {
    pub case: Case,
    /// The kinds of key it shares, each once, phone first.
    pub shares: Vec<KeyKind>,
}

/// Lookups in the person index.
#[async_trait::async_trait]
pub trait PersonIndex: Send + Sync + std::fmt::Debug + 'static {
    /// The cases other than `except` that hold any of `keys`, newest first,
    /// at most `limit` of them.
    async fn cases_sharing(
        &self,
        keys: &[PersonKey],
        except: Uuid,
        limit: u32,
    ) -> Result<Vec<SharingCase>, StoreError>;
}
