//! A durable bus in one SQLite file: every topic is an append-only table of
//! messages, every consumer group a stored position per topic. A publish is
//! acknowledged once its insert committed; a delivery is skipped after a
//! restart only once its group committed past it. One process owns the
//! file, and a group has one member (which is all `tekmerkez dev` needs).

use std::{str::FromStr as _, time::Duration};

use bytes::Bytes;
use sqlx::{
    Row as _,
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};
use tokio::sync::watch;

use crate::{Bus, ConsumeError, Delivery, Envelope, PublishError, Subscription};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS bus_messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT NOT NULL,
    msg_key    TEXT NOT NULL,
    headers    TEXT NOT NULL,
    payload    BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_messages_by_topic ON bus_messages (topic, seq);
CREATE TABLE IF NOT EXISTS bus_offsets (
    group_id  TEXT NOT NULL,
    topic     TEXT NOT NULL,
    next_seq  INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic)
);";

/// How many messages one read fetches.
const BATCH: i64 = 256;

/// The embedded durable bus.
#[derive(Debug, Clone)]
pub struct EmbeddedBus {
    pool: SqlitePool,
    /// Bumped after every publish so waiting subscriptions re-read; the bus
    /// owns the sender, each subscription a receiver.
    published: watch::Sender<u64>,
}

fn boxed<E: std::error::Error + Send + Sync + 'static>(
    e: E,
) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

impl EmbeddedBus {
    /// Opens (creating) the bus at `url` (`sqlite://path` or `sqlite::memory:`).
    ///
    /// # Errors
    /// When the file cannot be opened or the schema created.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        // One connection: SQLite serialises writers, and an in-memory database
        // exists only on the connection that made it.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        Ok(Self {
            pool,
            published: watch::channel(0).0,
        })
    }

    /// How many messages `topic` holds (tests, diagnostics).
    ///
    /// # Errors
    /// Database failures.
    pub async fn len(&self, topic: &str) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM bus_messages WHERE topic = $1")
            .bind(topic)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")
    }
}

#[async_trait::async_trait]
impl Bus for EmbeddedBus {
    async fn publish(&self, e: Envelope) -> Result<(), PublishError> {
        let headers =
            serde_json::to_string(&e.headers).map_err(|err| PublishError::Rejected(boxed(err)))?;
        sqlx::query(
            "INSERT INTO bus_messages (topic, msg_key, headers, payload) VALUES ($1, $2, $3, $4)",
        )
        .bind(&e.topic)
        .bind(&e.key)
        .bind(headers)
        .bind(e.payload.as_ref())
        .execute(&self.pool)
        .await
        .map_err(|err| PublishError::Rejected(boxed(err)))?;
        self.published.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    async fn subscribe(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<Box<dyn Subscription>, ConsumeError> {
        let row =
            sqlx::query("SELECT next_seq FROM bus_offsets WHERE group_id = $1 AND topic = $2")
                .bind(group)
                .bind(topic)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        let position = match row {
            Some(r) => r
                .try_get::<i64, _>("next_seq")
                .map_err(|e| ConsumeError::Bus(boxed(e)))?,
            None => 0,
        };
        Ok(Box::new(EmbeddedSubscription {
            pool: self.pool.clone(),
            wake: self.published.subscribe(),
            group: group.to_owned(),
            topic: topic.to_owned(),
            position,
            buffer: std::collections::VecDeque::new(),
            lag_measured: None,
        }))
    }
}

struct EmbeddedSubscription {
    pool: SqlitePool,
    wake: watch::Receiver<u64>,
    group: String,
    topic: String,
    /// The next sequence number to read (not yet delivered).
    position: i64,
    buffer: std::collections::VecDeque<Delivery>,
    /// When the lag gauge was last set; it is measured at most once a second.
    lag_measured: Option<std::time::Instant>,
}

/// How often the embedded bus measures a group's lag.
const LAG_EVERY: Duration = Duration::from_secs(1);

impl EmbeddedSubscription {
    /// Sets the lag gauge: the topic's messages at or after the group's
    /// committed position (a range of the topic index, as long as the lag).
    async fn measure_lag(&mut self) {
        if self.lag_measured.is_some_and(|t| t.elapsed() < LAG_EVERY) {
            return;
        }
        self.lag_measured = Some(std::time::Instant::now());
        let lag: Result<i64, sqlx::Error> = sqlx::query(
            "SELECT COUNT(*) AS n FROM bus_messages WHERE topic = $1 AND seq >= \
             COALESCE((SELECT next_seq FROM bus_offsets WHERE group_id = $2 AND topic = $1), 0)",
        )
        .bind(&self.topic)
        .bind(&self.group)
        .fetch_one(&self.pool)
        .await
        .and_then(|r| r.try_get("n"));
        match lag {
            Ok(n) => metrics::gauge!(
                tekmerkez_telemetry::metrics::names::CONSUMER_LAG,
                "group" => self.group.clone(),
                "topic" => self.topic.clone(),
                "partition" => "0",
            )
            .set(n as f64),
            Err(e) => tracing::debug!(error = %e, "measuring the embedded bus's lag failed"),
        }
    }

    async fn fill(&mut self) -> Result<(), ConsumeError> {
        let rows = sqlx::query("SELECT seq, msg_key, headers, payload FROM bus_messages WHERE topic = $1 AND seq >= $2 ORDER BY seq LIMIT $3")
            .bind(&self.topic)
            .bind(self.position)
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        for r in rows {
            let seq: i64 = r.try_get("seq").map_err(|e| ConsumeError::Bus(boxed(e)))?;
            let headers: String = r
                .try_get("headers")
                .map_err(|e| ConsumeError::Bus(boxed(e)))?;
            let headers: Vec<(String, String)> =
                serde_json::from_str(&headers).map_err(|e| ConsumeError::Bus(boxed(e)))?;
            let payload: Vec<u8> = r
                .try_get("payload")
                .map_err(|e| ConsumeError::Bus(boxed(e)))?;
            let key: String = r
                .try_get("msg_key")
                .map_err(|e| ConsumeError::Bus(boxed(e)))?;
            self.position = seq + 1;
            self.buffer.push_back(Delivery {
                envelope: Envelope {
                    topic: self.topic.clone(),
                    key,
                    headers,
                    payload: Bytes::from(payload),
                },
                partition: 0,
                offset: seq,
            });
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Subscription for EmbeddedSubscription {
    async fn next(&mut self) -> Result<Delivery, ConsumeError> {
        loop {
            if let Some(d) = self.buffer.pop_front() {
                return Ok(d);
            }
            // Mark the current publish count seen before reading, so a publish
            // that lands after the read still wakes us.
            self.wake.borrow_and_update();
            self.measure_lag().await;
            self.fill().await?;
            if self.buffer.is_empty() {
                // A bounded wait also picks up rows written by another handle on the same file.
                let _ = tokio::time::timeout(Duration::from_millis(500), self.wake.changed()).await;
            }
        }
    }

    async fn commit(&mut self, d: &Delivery) -> Result<(), ConsumeError> {
        sqlx::query(
            "INSERT INTO bus_offsets (group_id, topic, next_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (group_id, topic) DO UPDATE SET next_seq = MAX(bus_offsets.next_seq, excluded.next_seq)",
        )
        .bind(&self.group)
        .bind(&self.topic)
        .bind(d.offset + 1)
        .execute(&self.pool)
        .await
        .map_err(|e| ConsumeError::Bus(boxed(e)))?;
        Ok(())
    }

    async fn close(self: Box<Self>) {}
}
