//! The outbox statements: rows are inserted with the change they describe
//! (by the case statements, through `insert_outbox`); the relay takes the
//! lease, reads pending rows in order and stamps them published.

use jiff::Timestamp;
use sqlx::{QueryBuilder, Row as _};
use uuid::Uuid;

use super::{PgStore, SqliteStore, micros, opt_timestamp};
use crate::store::{OutboxRecord, OutboxStore, StoreError};

const INSERT_OUTBOX: &str = "INSERT INTO outbox (event_id, topic, msg_key, event_type, payload, traceparent, \
    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

macro_rules! outbox_sql {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn insert_outbox(tx: &mut sqlx::Transaction<'_, $db>, events: &[OutboxRecord], now: i64) -> Result<(), StoreError> {
                for e in events {
                    sqlx::query(INSERT_OUTBOX)
                        .bind(e.event_id)
                        .bind(&e.topic)
                        .bind(&e.key)
                        .bind(&e.event_type)
                        .bind(&e.payload)
                        // The span that writes the event: the relay publishes
                        // it with this context, so the event joins the trace.
                        .bind(e.traceparent.clone().or_else(tekmerkez_telemetry::current_traceparent))
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl OutboxStore for $store {
            async fn acquire_outbox_lease(&self, holder: Uuid, now: Timestamp, until: Timestamp) -> Result<bool, StoreError> {
                let n = sqlx::query("INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('relay', $1, $2) \
                                     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                                     WHERE outbox_lease.holder = excluded.holder OR outbox_lease.expires_at < $3")
                    .bind(holder).bind(micros(until)).bind(micros(now))
                    .execute(self.writer()).await?.rows_affected();
                Ok(n == 1)
            }

            async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError> {
                let rows = sqlx::query("SELECT id, event_id, topic, msg_key, event_type, payload, traceparent FROM outbox \
                                        WHERE published_at IS NULL ORDER BY id LIMIT $1")
                    .bind(i64::from(limit)).fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|r| {
                        Ok(OutboxRecord {
                            id: r.try_get("id")?,
                            event_id: r.try_get("event_id")?,
                            topic: r.try_get("topic")?,
                            key: r.try_get("msg_key")?,
                            event_type: r.try_get("event_type")?,
                            payload: r.try_get("payload")?,
                            traceparent: r.try_get("traceparent")?,
                        })
                    })
                    .collect()
            }

            async fn mark_published(&self, ids: &[i64], now: Timestamp) -> Result<(), StoreError> {
                if ids.is_empty() {
                    return Ok(());
                }
                let mut qb = QueryBuilder::<$db>::new("UPDATE outbox SET published_at = ");
                qb.push_bind(micros(now)).push(" WHERE id IN (");
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build().execute(self.writer()).await?;
                Ok(())
            }

            async fn outbox_backlog(&self) -> Result<i64, StoreError> {
                Ok(sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL").fetch_one(self.reader()).await?.try_get("n")?)
            }

            async fn oldest_pending_outbox_at(&self) -> Result<Option<Timestamp>, StoreError> {
                // Ids grow with time: the pending index's first row is the oldest.
                let at: Option<i64> = sqlx::query("SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1")
                    .fetch_optional(self.reader()).await?
                    .map(|r| r.try_get("created_at")).transpose()?;
                opt_timestamp(at)
            }
        }
    };
}

outbox_sql!(PgStore, sqlx::Postgres);
outbox_sql!(SqliteStore, sqlx::Sqlite);
