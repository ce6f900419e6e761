//! The live desk's statements: plain reads by the outbox's primary key and
//! the cases' own indexes.

use jiff::Timestamp;
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{
    SqlStore,
    cases::{CASE_COLUMNS, CaseRow},
    micros,
};
use crate::{
    app::events::CASE_EVENT_TYPE,
    domain::{case::Case, enums::CaseStatus},
    store::{DeskFeedRow, DeskFeedStore, StoreError},
};

#[derive(sqlx::FromRow)]
struct FeedRow {
    id: i64,
    event_type: String,
    payload: Vec<u8>,
}

#[async_trait::async_trait]
impl DeskFeedStore for SqlStore {
    async fn case_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<DeskFeedRow>, StoreError> {
        // Every row, whatever its type: the reader tells a hole (a write not
        // yet committed) from another topic's row by the id sequence.
        let sql = "SELECT id, event_type, payload FROM outbox WHERE id > $1 ORDER BY id LIMIT $2";
        let rows: Vec<FeedRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        Ok(rows
            .into_iter()
            .map(|r| DeskFeedRow {
                id: r.id,
                payload: (r.event_type == CASE_EVENT_TYPE).then_some(r.payload),
            })
            .collect())
    }

    async fn last_outbox_id(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(id), 0) FROM outbox";
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .fetch_one(p)
            .await?))
    }

    async fn cases_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Case>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut s = Statement::new(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id IN ("));
        s.push_list(ids.iter().copied()).push(")");
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| s.query_as().fetch_all(p).await?);
        rows.into_iter().map(Case::try_from).collect()
    }

    async fn callbacks_coming_due(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<Case>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE status = $1 AND callback_retry_at > $2 \
             AND callback_retry_at <= $3 ORDER BY callback_retry_at LIMIT $4"
        );
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(CaseStatus::AwaitingCallback.as_str())
            .bind(micros(from))
            .bind(micros(to))
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Case::try_from).collect()
    }
}
