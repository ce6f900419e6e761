//! The closure reasons' statements: a reason and its change row are
//! written in one transaction; an update carries the version check.

use jiff::Timestamp;
use tekmerkez_sqlpool::on_pool;
use uuid::Uuid;

use super::{SqlStore, micros, timestamp, unique_violation};
use crate::{
    domain::classification::ClosureReason,
    store::{ClosureReasonStore, StoreError},
};

const COLUMNS: &str = "code, label_tr, label_en, active, position, version, updated_by, updated_at";

const INSERT: &str = "INSERT INTO case_closure_reasons (code, label_tr, label_en, active, \
    position, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const UPDATE: &str = "UPDATE case_closure_reasons SET label_tr = $1, label_en = $2, active = $3, \
    position = $4, version = $5, updated_by = $6, updated_at = $7 WHERE code = $8 AND version = $9";

const INSERT_CHANGE: &str = "INSERT INTO case_closure_reason_changes (id, code, version, \
    label_tr, label_en, active, position, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, \
    $7, $8, $9)";

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    label_tr: String,
    label_en: String,
    active: bool,
    position: i32,
    version: i64,
    updated_by: Option<Uuid>,
    updated_at: i64,
}

impl TryFrom<Row> for ClosureReason {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            code: r.code,
            label_tr: r.label_tr,
            label_en: r.label_en,
            active: r.active,
            position: u32::try_from(r.position).map_err(|_| StoreError::Corrupt("position"))?,
            version: r.version,
            updated_by: r.updated_by,
            updated_at: timestamp(r.updated_at)?,
        })
    }
}

fn position(r: &ClosureReason) -> i32 {
    i32::try_from(r.position).unwrap_or(i32::MAX)
}

/// The change row of `r` by `by` at `at`.
macro_rules! change_row {
    ($r:expr, $by:expr, $at:expr) => {
        sqlx::query(INSERT_CHANGE)
            .bind(Uuid::now_v7())
            .bind(&$r.code)
            .bind($r.version)
            .bind(&$r.label_tr)
            .bind(&$r.label_en)
            .bind($r.active)
            .bind(position($r))
            .bind($by)
            .bind(micros($at))
    };
}

#[async_trait::async_trait]
impl ClosureReasonStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn list_closure_reasons(
        &self,
        include_inactive: bool,
    ) -> Result<Vec<ClosureReason>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM case_closure_reasons{} ORDER BY position, code",
            if include_inactive {
                ""
            } else {
                " WHERE active = TRUE"
            }
        );
        let rows: Vec<Row> = on_pool!(&self.read, |p| sqlx::query_as(&sql).fetch_all(p).await?);
        rows.into_iter().map(ClosureReason::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn get_closure_reason(&self, code: &str) -> Result<Option<ClosureReason>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM case_closure_reasons WHERE code = $1");
        let row: Option<Row> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(code)
            .fetch_optional(p)
            .await?);
        row.map(ClosureReason::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn create_closure_reason(
        &self,
        r: &ClosureReason,
        by: Uuid,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(INSERT)
                .bind(&r.code)
                .bind(&r.label_tr)
                .bind(&r.label_en)
                .bind(r.active)
                .bind(position(r))
                .bind(r.version)
                .bind(r.updated_by)
                .bind(micros(r.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(unique_violation)?;
            change_row!(r, by, at).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn update_closure_reason(
        &self,
        r: &ClosureReason,
        expected: i64,
    ) -> Result<bool, StoreError> {
        let Some(by) = r.updated_by else {
            return Err(StoreError::Corrupt("a reason changed by nobody"));
        };
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(UPDATE)
                .bind(&r.label_tr)
                .bind(&r.label_en)
                .bind(r.active)
                .bind(position(r))
                .bind(r.version)
                .bind(r.updated_by)
                .bind(micros(r.updated_at))
                .bind(&r.code)
                .bind(expected)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if done {
                change_row!(r, by, r.updated_at).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            done
        }))
    }
}
