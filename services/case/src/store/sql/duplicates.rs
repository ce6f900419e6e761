//! The duplicate suggestions' statements: one range of `cases_by_place`
//! (category, province, district, time), and the dismissed pairs stored
//! once, the smaller id first.

use jiff::Timestamp;
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, cases::CaseRow, micros};
use crate::{
    domain::case::Case,
    store::{DuplicateStore, PlaceQuery, StoreError},
};

#[async_trait::async_trait]
impl DuplicateStore for SqlStore {
    async fn cases_at_place(&self, q: &PlaceQuery) -> Result<Vec<Case>, StoreError> {
        let read = Statement::new(format!(
            "SELECT {} FROM cases WHERE category = $1 AND province_code = $2 AND district = $3 \
             AND created_at >= $4 AND created_at <= $5 AND id <> $6 \
             ORDER BY created_at DESC LIMIT $7",
            super::cases::CASE_COLUMNS
        ))
        .bind(&q.category)
        .bind(i64::from(q.province_code))
        .bind(&q.district)
        .bind(micros(q.from))
        .bind(micros(q.to))
        .bind(q.except)
        .bind(i64::from(q.limit));
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| read.query_as().fetch_all(p).await?);
        rows.into_iter().map(Case::try_from).collect()
    }

    async fn dismiss_duplicate(
        &self,
        a: Uuid,
        b: Uuid,
        by: Uuid,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let (first, second) = if a <= b { (a, b) } else { (b, a) };
        let insert = Statement::new(
            "INSERT INTO duplicate_dismissals (case_a, case_b, dismissed_by, dismissed_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(first)
        .bind(second)
        .bind(by)
        .bind(micros(at));
        on_pool!(&self.write, |p| {
            insert.query().execute(p).await?;
        });
        Ok(())
    }

    async fn dismissed_with(&self, case: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let read = Statement::new(
            "SELECT case_b FROM duplicate_dismissals WHERE case_a = $1 \
             UNION SELECT case_a FROM duplicate_dismissals WHERE case_b = $1",
        )
        .bind(case);
        let rows: Vec<(Uuid,)> = on_pool!(&self.read, |p| read.query_as().fetch_all(p).await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
