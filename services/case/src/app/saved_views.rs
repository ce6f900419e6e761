//! Saved list filters: a user lists, saves and deletes their own views and
//! never anyone else's (every store call names the caller). Saving under a
//! name the user already uses replaces that view, so a repeated save (a
//! double click, a second tab) never makes two.

use tekmerkez_types::fields::Violations;
use uuid::Uuid;

use super::{CaseApp, cases::user_of, error::CaseError};
use crate::{
    domain::saved_view::{MAX_PER_USER, SavedList, SavedView, ViewName, ViewQuery},
    store::StoreError,
};

/// A view to store, parsed at the edge.
#[derive(Debug, Clone)]
pub struct ViewToSave {
    /// The view to change; `None` adds (or replaces the one of that name).
    pub id: Option<Uuid>,
    pub name: ViewName,
    pub list: SavedList,
    pub query: ViewQuery,
}

impl CaseApp {
    /// The caller's views, by name in Turkish order.
    ///
    /// # Errors
    /// `PermissionDenied` for a service caller.
    pub async fn list_saved_views(
        &self,
        caller: &crate::domain::caller::Caller,
    ) -> Result<Vec<SavedView>, CaseError> {
        let user = user_of(caller)?;
        let mut views = self.store.list_saved_views(user.id).await?;
        views.sort_by(|a, b| tekmerkez_turkish::compare(a.name.as_str(), b.name.as_str()));
        Ok(views)
    }

    /// Adds or changes one of the caller's views.
    ///
    /// # Errors
    /// `NotFound` when `id` names no view of the caller's; `Invalid` on
    /// `name` when another of the caller's views has the name, or when the
    /// caller already keeps [`MAX_PER_USER`] views.
    pub async fn save_saved_view(
        &self,
        caller: &crate::domain::caller::Caller,
        v: ViewToSave,
    ) -> Result<SavedView, CaseError> {
        let user = user_of(caller)?;
        let now = self.clock.now();
        let mine = self.store.list_saved_views(user.id).await?;
        let key = v.name.key();
        let same_name = mine.iter().find(|m| m.name.key() == key);
        let target = match v.id {
            Some(id) => {
                let Some(t) = mine.iter().find(|m| m.id == id) else {
                    return Err(CaseError::NotFound("saved view"));
                };
                if same_name.is_some_and(|s| s.id != id) {
                    return Err(name_taken());
                }
                Some(t)
            }
            None => same_name,
        };
        if let Some(t) = target {
            let view = SavedView {
                name: v.name,
                list: v.list,
                query: v.query,
                updated_at: now,
                ..t.clone()
            };
            return match self.store.update_saved_view(&view).await {
                Ok(true) => Ok(view),
                Ok(false) => Err(CaseError::NotFound("saved view")),
                Err(StoreError::Duplicate) => Err(name_taken()),
                Err(e) => Err(e.into()),
            };
        }
        let view = SavedView {
            id: Uuid::now_v7(),
            user_id: user.id,
            name: v.name,
            list: v.list,
            query: v.query,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_saved_view(&view, MAX_PER_USER).await {
            Ok(true) => Ok(view),
            Ok(false) => {
                let mut e = Violations::new();
                e.add(
                    "name",
                    "at most 20 saved views per person; delete one first",
                );
                Err(CaseError::Invalid(e))
            }
            // Saved under the same name in another tab meanwhile.
            Err(StoreError::Duplicate) => Err(name_taken()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes one of the caller's views; one that is gone (or another
    /// person's) is left as it is, and the call succeeds.
    ///
    /// # Errors
    /// `PermissionDenied` for a service caller.
    pub async fn delete_saved_view(
        &self,
        caller: &crate::domain::caller::Caller,
        id: Uuid,
    ) -> Result<(), CaseError> {
        let user = user_of(caller)?;
        Ok(self.store.delete_saved_view(user.id, id).await?)
    }
}

fn name_taken() -> CaseError {
    let mut e = Violations::new();
    e.add("name", "another saved view has this name");
    CaseError::Invalid(e)
}
