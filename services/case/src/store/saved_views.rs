//! Each user's saved list filters: listed, added or changed, and removed,
//! always by their owner (every statement names the user).

use uuid::Uuid;

use super::StoreError;
use crate::domain::saved_view::SavedView;

/// Saved views.
#[async_trait::async_trait]
pub trait SavedViewStore: Send + Sync + std::fmt::Debug + 'static {
    /// `user`'s views, in no particular order.
    async fn list_saved_views(&self, user: Uuid) -> Result<Vec<SavedView>, StoreError>;
    /// Adds `view`, unless its user already has `max` views.
    ///
    /// Returns `false` when the user is at the limit.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the user has a view of that name key.
    async fn insert_saved_view(&self, view: &SavedView, max: usize) -> Result<bool, StoreError>;
    /// Stores `view`'s name, list, query and update time over the view of
    /// its id and user; `false` when there is none.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when another view of the user has that name key.
    async fn update_saved_view(&self, view: &SavedView) -> Result<bool, StoreError>;
    /// Removes the view `id` of `user` (nothing when there is none).
    async fn delete_saved_view(&self, user: Uuid, id: Uuid) -> Result<(), StoreError>;
}
