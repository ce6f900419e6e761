//! The letter statements. A letter's number comes from `letter_counters`:
//! one row per year, incremented by an upsert inside the close's
//! transaction. On PostgreSQL the upsert locks the year's row until the
//! transaction ends, so concurrent closes take numbers one after the other
//! and a rolled-back close gives its number back; SQLite has one writer, so
//! the same holds. Marking posted is a conditional UPDATE (`posted_at IS
//! NULL`), so a second mark, at once or later, finds nothing to change and
//! writes no second task step.

use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, cases::insert_history_rows, micros, opt_timestamp, timestamp};
use crate::{
    domain::{
        contact::{PersonName, PostalAddress},
        letter::{self, Letter, NewLetter},
    },
    store::{LetterQuery, LetterStore, PostMark, StoreError},
};

/// The next number of a year, inside the caller's transaction.
pub(super) const NEXT_SEQ: &str = "INSERT INTO letter_counters (year, last_seq) VALUES ($1, 1) \
    ON CONFLICT (year) DO UPDATE SET last_seq = letter_counters.last_seq + 1 RETURNING last_seq";

const INSERT_LETTER: &str = "INSERT INTO letters (id, case_id, case_version, year, seq, number, \
    official_answer, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const COLUMNS: &str = "l.id, l.case_id, l.number, l.year, l.seq, l.official_answer, \
    l.created_by, l.created_at, l.posted_at, l.posted_by, c.tracking_number, c.pool_id, \
    c.province_code, c.district, c.category, c.contact_name, c.contact_address";

/// A letter is read with its case's number, place and addressee.
const FROM: &str = "FROM letters l JOIN cases c ON c.id = l.case_id";

const MARK_POSTED: &str =
    "UPDATE letters SET posted_at = $1, posted_by = $2 WHERE id = $3 AND posted_at IS NULL";

/// The INSERT of `l` as the `seq`th letter of its year.
pub(super) fn insert_letter(l: &NewLetter, seq: i64) -> Statement {
    Statement::new(INSERT_LETTER)
        .bind(l.id)
        .bind(l.case_id)
        .bind(l.case_version)
        .bind(i64::from(l.year))
        .bind(seq)
        .bind(letter::number(&l.prefix, l.year, seq))
        .bind(&l.official_answer)
        .bind(l.created_by)
        .bind(micros(l.created_at))
}

#[derive(sqlx::FromRow)]
struct LetterRow {
    id: Uuid,
    case_id: Uuid,
    number: String,
    year: i64,
    seq: i64,
    official_answer: String,
    created_by: Uuid,
    created_at: i64,
    posted_at: Option<i64>,
    posted_by: Option<Uuid>,
    tracking_number: String,
    pool_id: Uuid,
    province_code: i64,
    district: Option<String>,
    category: String,
    contact_name: Option<String>,
    contact_address: Option<String>,
}

impl TryFrom<LetterRow> for Letter {
    type Error = StoreError;

    fn try_from(r: LetterRow) -> Result<Self, StoreError> {
        Ok(Letter {
            id: r.id,
            case_id: r.case_id,
            number: r.number,
            year: i16::try_from(r.year).map_err(|_| StoreError::Corrupt("letter year"))?,
            seq: r.seq,
            official_answer: r.official_answer,
            created_by: r.created_by,
            created_at: timestamp(r.created_at)?,
            posted_at: opt_timestamp(r.posted_at)?,
            posted_by: r.posted_by,
            tracking_number: r.tracking_number,
            pool_id: r.pool_id,
            province_code: u8::try_from(r.province_code)
                .map_err(|_| StoreError::Corrupt("province_code"))?,
            district: r.district,
            category: r.category,
            recipient_name: r.contact_name.map(PersonName::from_trusted),
            postal_address: r.contact_address.map(PostalAddress::from_trusted),
        })
    }
}

/// `columns` of the letters `q` matches, in its order, at most `limit`.
fn select(q: &LetterQuery, columns: &str, limit: u32, offset: u32) -> Statement {
    let mut s = Statement::new(format!("SELECT {columns} {FROM}"));
    s.push(if q.posted {
        " WHERE l.posted_at IS NOT NULL"
    } else {
        " WHERE l.posted_at IS NULL"
    });
    if let Some(pools) = &q.pools {
        s.push(" AND c.pool_id IN (")
            .push_list(pools.iter().copied())
            .push(")");
    }
    s.push(if q.posted {
        " ORDER BY l.posted_at DESC, l.id DESC"
    } else {
        " ORDER BY l.created_at ASC, l.id ASC"
    });
    s.push(" LIMIT ").push_bind(i64::from(limit));
    s.push(" OFFSET ").push_bind(i64::from(offset));
    s
}

#[async_trait::async_trait]
impl LetterStore for SqlStore {
    async fn list_letters(&self, q: &LetterQuery) -> Result<Vec<Letter>, StoreError> {
        if q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let s = select(q, COLUMNS, q.limit, q.offset);
        let rows: Vec<LetterRow> = on_pool!(&self.read, |p| s.query_as().fetch_all(p).await?);
        rows.into_iter().map(Letter::try_from).collect()
    }

    async fn count_letters(&self, q: &LetterQuery, cap: u32) -> Result<u32, StoreError> {
        if q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(0);
        }
        let inner = select(q, "1 AS one", cap.saturating_add(1), 0);
        let mut count = Statement::new("SELECT COUNT(*) FROM (");
        count.push(inner.sql()).push(") AS capped");
        let count = inner.values().iter().cloned().fold(count, Statement::bind);
        let n: i64 = on_pool!(&self.read, |p| count.query_scalar().fetch_one(p).await?);
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn get_letter(&self, id: Uuid) -> Result<Option<Letter>, StoreError> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE l.id = $1");
        let row: Option<LetterRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Letter::try_from).transpose()
    }

    async fn latest_letter_of_case(&self, case: Uuid) -> Result<Option<Letter>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE l.case_id = $1 ORDER BY l.case_version DESC LIMIT 1"
        );
        let row: Option<LetterRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(case)
            .fetch_optional(p)
            .await?);
        row.map(Letter::try_from).transpose()
    }

    async fn mark_letters_posted(&self, marks: &[PostMark]) -> Result<Vec<bool>, StoreError> {
        let writes: Vec<(Statement, Vec<Statement>)> = marks
            .iter()
            .map(|m| {
                let mark = Statement::new(MARK_POSTED)
                    .bind(micros(m.at))
                    .bind(m.by)
                    .bind(m.letter_id);
                let step = insert_history_rows(m.case_id, std::slice::from_ref(&m.step)).collect();
                (mark, step)
            })
            .collect();
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let mut posted = Vec::with_capacity(writes.len());
            for (mark, step) in &writes {
                let now = mark.query().execute(&mut *tx).await?.rows_affected() == 1;
                if now {
                    for s in step {
                        s.query().execute(&mut *tx).await?;
                    }
                }
                posted.push(now);
            }
            tx.commit().await?;
            posted
        }))
    }
}
