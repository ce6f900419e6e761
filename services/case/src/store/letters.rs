//! Answer letters: made with a close (a [`super::CaseChange`] carries the
//! [`NewLetter`], numbered inside its transaction), listed for the staff who
//! post them, and marked posted, each mark with its case's task step.

use jiff::Timestamp;
use uuid::Uuid;

use super::{HistoryRecord, StoreError};
use crate::domain::letter::Letter;

pub use crate::domain::letter::NewLetter;

/// Which letters a list reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterQuery {
    /// Only letters of cases in these pools (`None`: any pool).
    pub pools: Option<Vec<Uuid>>,
    /// Posted ones (newest posting first) or those to be posted (oldest first).
    pub posted: bool,
    /// Skip this many.
    pub offset: u32,
    /// At most this many.
    pub limit: u32,
}

/// One letter to mark posted, with the task step its case gets when this
/// mark is the one that posts it.
#[derive(Debug, Clone)]
pub struct PostMark {
    pub letter_id: Uuid,
    pub by: Uuid,
    pub at: Timestamp,
    /// The `LETTER_POSTED` step for the letter's case.
    pub step: HistoryRecord,
    pub case_id: Uuid,
}

/// Answer letters.
#[async_trait::async_trait]
pub trait LetterStore: Send + Sync + std::fmt::Debug + 'static {
    /// A page of letters.
    async fn list_letters(&self, q: &LetterQuery) -> Result<Vec<Letter>, StoreError>;
    /// How many letters `q` matches (its offset and limit ignored), counted
    /// up to `cap + 1`.
    async fn count_letters(&self, q: &LetterQuery, cap: u32) -> Result<u32, StoreError>;
    /// One letter.
    async fn get_letter(&self, id: Uuid) -> Result<Option<Letter>, StoreError>;
    /// A case's newest letter.
    async fn latest_letter_of_case(&self, case: Uuid) -> Result<Option<Letter>, StoreError>;
    /// Marks every letter posted that is not yet, in one transaction, and
    /// writes the step of each one this call posted; answers, in order,
    /// whether this call posted it (false: it was posted already, and
    /// stays as it was). Two calls at once post a letter once.
    async fn mark_letters_posted(&self, marks: &[PostMark]) -> Result<Vec<bool>, StoreError>;
}
