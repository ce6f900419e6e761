//! Ready answers in the notify database: one row per version, the highest
//! in force ([`crate::ready_answer`]). Answers are few (hundreds), so the
//! ones in force are read whole and searched in Rust, with the same Turkish
//! terms on both databases.

use tekmerkez_sqlpool::on_pool;
use uuid::Uuid;

use super::{NotifyStore, StoreError};
use crate::ready_answer::ReadyAnswer;

/// A row of `notify_ready_answers`, in column order.
type Row = (
    String,
    i64,
    String,
    String,
    String,
    String,
    bool,
    i64,
    String,
);

const COLUMNS: &str =
    "answer_id, version, title, category, language, body, retired, created_at, created_by";

fn answer(r: Row) -> Result<ReadyAnswer, StoreError> {
    Ok(ReadyAnswer {
        id: Uuid::parse_str(&r.0).map_err(|_| StoreError::Corrupt("ready answer id"))?,
        version: r.1,
        title: r.2,
        category: r.3,
        language: r.4,
        body: r.5,
        retired: r.6,
        saved_at: r.7,
        saved_by: r.8,
    })
}

impl NotifyStore {
    /// The version in force of every ready answer (retired ones too).
    ///
    /// # Errors
    /// Database failures or an unreadable row.
    pub async fn ready_answers_in_force(&self) -> Result<Vec<ReadyAnswer>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notify_ready_answers a WHERE a.version = (SELECT \
             MAX(version) FROM notify_ready_answers x WHERE x.answer_id = a.answer_id)"
        );
        on_pool!(&self.0, |p| {
            let rows: Vec<Row> = sqlx::query_as(&sql).fetch_all(p).await?;
            rows.into_iter().map(answer).collect()
        })
    }

    /// Every version of ready answer `id`, newest first (empty: unknown).
    ///
    /// # Errors
    /// Database failures or an unreadable row.
    pub async fn ready_answer_versions(&self, id: Uuid) -> Result<Vec<ReadyAnswer>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notify_ready_answers WHERE answer_id = $1 ORDER BY version DESC"
        );
        on_pool!(&self.0, |p| {
            let rows: Vec<Row> = sqlx::query_as(&sql)
                .bind(id.to_string())
                .fetch_all(p)
                .await?;
            rows.into_iter().map(answer).collect()
        })
    }

    /// Stores `a` as version `expected + 1` of its id, and returns that
    /// version; `None` when the version in force is not `expected` (an edit
    /// made on an old version, or a concurrent save of the same one: the
    /// primary key lets one win).
    ///
    /// # Errors
    /// Database failures.
    pub async fn save_ready_answer(
        &self,
        a: &ReadyAnswer,
        expected: i64,
        by: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let sql = format!(
            "INSERT INTO notify_ready_answers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9) ON CONFLICT (answer_id, version) DO NOTHING"
        );
        on_pool!(&self.0, |p| {
            let current: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM notify_ready_answers WHERE answer_id = $1",
            )
            .bind(a.id.to_string())
            .fetch_one(p)
            .await?;
            if current.unwrap_or(0) != expected {
                return Ok(None);
            }
            let version = expected + 1;
            let n = sqlx::query(&sql)
                .bind(a.id.to_string())
                .bind(version)
                .bind(&a.title)
                .bind(&a.category)
                .bind(&a.language)
                .bind(&a.body)
                .bind(a.retired)
                .bind(now)
                .bind(by)
                .execute(p)
                .await?
                .rows_affected();
            Ok((n == 1).then_some(version))
        })
    }

    /// Writes the demo's ready answers ([`crate::ready_answer::DEMO`]) when
    /// there are none yet; how many were written.
    ///
    /// # Errors
    /// Database failures.
    pub async fn seed_demo_ready_answers(&self, now: i64) -> Result<usize, StoreError> {
        let any: Option<String> = on_pool!(&self.0, |p| sqlx::query_scalar(
            "SELECT answer_id FROM notify_ready_answers LIMIT 1"
        )
        .fetch_optional(p)
        .await)?;
        if any.is_some() {
            return Ok(0);
        }
        let mut n = 0;
        for (category, language, title, body) in crate::ready_answer::DEMO {
            let a = ReadyAnswer {
                id: Uuid::now_v7(),
                version: 0,
                title: (*title).to_owned(),
                category: (*category).to_owned(),
                language: (*language).to_owned(),
                body: (*body).to_owned(),
                retired: false,
                saved_by: String::new(),
                saved_at: now,
            };
            if self.save_ready_answer(&a, 0, "demo", now).await?.is_some() {
                n += 1;
            }
        }
        Ok(n)
    }
}
