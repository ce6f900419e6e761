//! The outbox statements: rows are inserted with the change they describe
//! (the case statements run [`insert_outbox`] in their transaction); the
//! relay takes the lease, reads pending rows in order and stamps them
//! published.

use jiff::Timestamp;
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, micros, opt_timestamp};
use crate::store::{OutboxRecord, OutboxStore, StoreError};

const INSERT_OUTBOX: &str = "INSERT INTO outbox (event_id, topic, msg_key, event_type, payload, \
    traceparent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The rows that put `events` in the outbox, written at `now`.
pub(super) fn insert_outbox(events: &[OutboxRecord], now: i64) -> impl Iterator<Item = Statement> {
    events.iter().map(move |e| {
        Statement::new(INSERT_OUTBOX)
            .bind(e.event_id)
            .bind(&e.topic)
            .bind(&e.key)
            .bind(&e.event_type)
            .bind(&e.payload)
            // The span that writes the event: the relay publishes it with
            // this context, so the event joins the trace.
            .bind(
                e.traceparent
                    .clone()
                    .or_else(tekmerkez_telemetry::current_traceparent),
            )
            .bind(now)
    })
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    event_id: Uuid,
    topic: String,
    msg_key: String,
    event_type: String,
    payload: Vec<u8>,
    traceparent: Option<String>,
}

impl From<OutboxRow> for OutboxRecord {
    fn from(r: OutboxRow) -> Self {
        Self {
            id: r.id,
            event_id: r.event_id,
            topic: r.topic,
            key: r.msg_key,
            event_type: r.event_type,
            payload: r.payload,
            traceparent: r.traceparent,
        }
    }
}

#[async_trait::async_trait]
impl OutboxStore for SqlStore {
    async fn acquire_outbox_lease(
        &self,
        holder: Uuid,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let sql = "INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('relay', $1, $2) ON \
            CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = \
            excluded.expires_at WHERE outbox_lease.holder = excluded.holder OR \
            outbox_lease.expires_at < $3";
        let n = on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(holder)
            .bind(micros(until))
            .bind(micros(now))
            .execute(p)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = "SELECT id, event_id, topic, msg_key, event_type, payload, traceparent FROM \
            outbox WHERE published_at IS NULL ORDER BY id LIMIT $1";
        let rows: Vec<OutboxRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        Ok(rows.into_iter().map(OutboxRecord::from).collect())
    }

    async fn mark_published(&self, ids: &[i64], now: Timestamp) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut update = Statement::new("UPDATE outbox SET published_at = ");
        update
            .push_bind(micros(now))
            .push(" WHERE id IN (")
            .push_list(ids.iter().copied())
            .push(")");
        on_pool!(&self.write, |p| update
            .query()
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL";
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .fetch_one(p)
            .await?))
    }

    async fn oldest_pending_outbox_at(&self) -> Result<Option<Timestamp>, StoreError> {
        // Ids grow with time: the pending index's first row is the oldest.
        let sql = "SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1";
        let at: Option<i64> = on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .fetch_optional(p)
            .await?);
        opt_timestamp(at)
    }
}
