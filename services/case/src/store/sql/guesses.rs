//! The per-number lookup counters' statements: one upsert counts a lookup
//! and reads the count back (PostgreSQL locks the row for the statement,
//! SQLite has one writer), so replicas guessing at once cannot both pass
//! the last free guess.

use jiff::{SignedDuration, Timestamp};
use tekmerkez_sqlpool::on_pool;

use super::{SqlStore, micros, timestamp};
use crate::store::{GuessCount, GuessStore, StoreError};

/// `$1` number, `$2` now, `$3` the start of the oldest window still open,
/// `$4` the limit. Every `SET` expression reads the row as it was.
const COUNT: &str = "INSERT INTO tracking_guesses (tracking_number, window_started_at, guesses) \
     VALUES ($1, $2, 1) \
     ON CONFLICT (tracking_number) DO UPDATE SET \
       guesses = CASE WHEN tracking_guesses.window_started_at <= $3 THEN 1 \
                      WHEN tracking_guesses.guesses > $4 THEN tracking_guesses.guesses \
                      ELSE tracking_guesses.guesses + 1 END, \
       window_started_at = CASE WHEN tracking_guesses.window_started_at <= $3 THEN $2 \
                      ELSE tracking_guesses.window_started_at END \
     RETURNING guesses, window_started_at";

#[derive(sqlx::FromRow)]
struct CountRow {
    guesses: i32,
    window_started_at: i64,
}

#[async_trait::async_trait]
impl GuessStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn count_guess(
        &self,
        tracking_number: &str,
        now: Timestamp,
        window: SignedDuration,
        limit: u32,
    ) -> Result<GuessCount, StoreError> {
        let oldest_open = micros(now) - window.as_micros().try_into().unwrap_or(i64::MAX);
        let limit = i32::try_from(limit).unwrap_or(i32::MAX - 1);
        let row: CountRow = on_pool!(&self.write, |p| sqlx::query_as(COUNT)
            .bind(tracking_number)
            .bind(micros(now))
            .bind(oldest_open)
            .bind(limit)
            .fetch_one(p)
            .await?);
        Ok(GuessCount {
            guesses: u32::try_from(row.guesses)
                .map_err(|_| StoreError::Corrupt("negative guess count"))?,
            window_started_at: timestamp(row.window_started_at)?,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn forgive_guess(
        &self,
        tracking_number: &str,
        window_started_at: Timestamp,
    ) -> Result<(), StoreError> {
        on_pool!(&self.write, |p| sqlx::query(
            "UPDATE tracking_guesses SET guesses = guesses - 1 \
             WHERE tracking_number = $1 AND window_started_at = $2 AND guesses > 0"
        )
        .bind(tracking_number)
        .bind(micros(window_started_at))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn purge_guesses(&self, before: Timestamp) -> Result<u64, StoreError> {
        Ok(on_pool!(&self.write, |p| sqlx::query(
            "DELETE FROM tracking_guesses WHERE window_started_at < $1"
        )
        .bind(micros(before))
        .execute(p)
        .await?
        .rows_affected()))
    }
}
