//! The saved views' statements. The limit is checked in the inserting
//! statement itself, so a second browser saving at the same moment reads
//! the count the first one left.

use tekmerkez_sqlpool::on_pool;
use uuid::Uuid;

use super::{SqlStore, micros, timestamp, unique_violation};
use crate::{
    domain::saved_view::{SavedList, SavedView, ViewName, ViewQuery},
    store::{SavedViewStore, StoreError},
};

const COLUMNS: &str = "id, user_id, name, list_view, query, created_at, updated_at";

// The count and the insert are one statement: at most `max` rows per user.
const INSERT: &str = "INSERT INTO case_saved_views (id, user_id, name, name_key, list_view, \
    query, created_at, updated_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
    WHERE (SELECT COUNT(*) FROM case_saved_views WHERE user_id = $9) < $10";

const UPDATE: &str = "UPDATE case_saved_views SET name = $1, name_key = $2, list_view = $3, \
    query = $4, updated_at = $5 WHERE id = $6 AND user_id = $7";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    user_id: Uuid,
    name: String,
    list_view: i32,
    query: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<Row> for SavedView {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            user_id: r.user_id,
            name: ViewName::parse(&r.name).map_err(|_| StoreError::Corrupt("view name"))?,
            list: SavedList::parse("list_view", r.list_view)
                .map_err(|_| StoreError::Corrupt("view list"))?,
            query: ViewQuery::parse(&r.query).map_err(|_| StoreError::Corrupt("view query"))?,
            created_at: timestamp(r.created_at)?,
            updated_at: timestamp(r.updated_at)?,
        })
    }
}

#[async_trait::async_trait]
impl SavedViewStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn list_saved_views(&self, user: Uuid) -> Result<Vec<SavedView>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM case_saved_views WHERE user_id = $1");
        let rows: Vec<Row> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(user)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(SavedView::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn insert_saved_view(&self, v: &SavedView, max: usize) -> Result<bool, StoreError> {
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        Ok(on_pool!(&self.write, |p| {
            sqlx::query(INSERT)
                .bind(v.id)
                .bind(v.user_id)
                .bind(v.name.as_str())
                .bind(v.name.key())
                .bind(v.list.number())
                .bind(v.query.as_str())
                .bind(micros(v.created_at))
                .bind(micros(v.updated_at))
                .bind(v.user_id)
                .bind(max)
                .execute(p)
                .await
                .map_err(unique_violation)?
                .rows_affected()
                == 1
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_saved_view(&self, v: &SavedView) -> Result<bool, StoreError> {
        Ok(on_pool!(&self.write, |p| {
            sqlx::query(UPDATE)
                .bind(v.name.as_str())
                .bind(v.name.key())
                .bind(v.list.number())
                .bind(v.query.as_str())
                .bind(micros(v.updated_at))
                .bind(v.id)
                .bind(v.user_id)
                .execute(p)
                .await
                .map_err(unique_violation)?
                .rows_affected()
                == 1
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_saved_view(&self, user: Uuid, id: Uuid) -> Result<(), StoreError> {
        on_pool!(&self.write, |p| {
            sqlx::query("DELETE FROM case_saved_views WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
