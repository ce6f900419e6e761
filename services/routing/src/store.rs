//! The rules table: the same SQL on PostgreSQL and SQLite.

use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

use crate::rules::Rule;

/// Why a rules call failed.
#[derive(Debug, thiserror::Error)]
pub enum RulesStoreError {
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("running migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored row is unreadable.
    #[error("stored rule is invalid: {0}")]
    Corrupt(&'static str),
}

/// Where rules are kept.
#[derive(Debug, Clone)]
pub struct RulesStore(SqlPool);

const COLUMNS: &str = "id, priority, category, keywords, channels, province_code, district, \
    target_unit_id, urgency, description, assigned_category, application_type";

fn from_row<R: sqlx::Row>(r: &R) -> Result<Rule, RulesStoreError>
where
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    Uuid: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'x> sqlx::Decode<'x, R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database>,
{
    let keywords: String = r.try_get("keywords")?;
    let channels: String = r.try_get("channels")?;
    Ok(Rule {
        id: r.try_get("id")?,
        priority: i32::try_from(r.try_get::<i64, _>("priority")?)
            .map_err(|_| RulesStoreError::Corrupt("priority"))?,
        category: r.try_get("category")?,
        keywords: serde_json::from_str(&keywords)
            .map_err(|_| RulesStoreError::Corrupt("keywords"))?,
        channels: serde_json::from_str(&channels)
            .map_err(|_| RulesStoreError::Corrupt("channels"))?,
        province_code: r
            .try_get::<Option<i64>, _>("province_code")?
            .map(|p| u8::try_from(p).unwrap_or(0)),
        district: r.try_get("district")?,
        target_unit_id: r.try_get("target_unit_id")?,
        urgency: r
            .try_get::<Option<i64>, _>("urgency")?
            .and_then(|u| i32::try_from(u).ok()),
        description: r.try_get("description")?,
        assigned_category: r.try_get("assigned_category")?,
        application_type: r
            .try_get::<Option<i64>, _>("application_type")?
            .and_then(|t| i32::try_from(t).ok()),
    })
}

impl RulesStore {
    /// Connects lazily to `url` (`postgres://` or `sqlite:`).
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 5).map(Self)
    }

    /// Applies migrations.
    ///
    /// # Errors
    /// Migration failures.
    pub async fn migrate(&self) -> Result<(), RulesStoreError> {
        match &self.0 {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        }
        Ok(())
    }

    /// Every rule in evaluation order.
    ///
    /// # Errors
    /// Database failures.
    pub async fn list(&self) -> Result<Vec<Rule>, RulesStoreError> {
        let sql = format!("SELECT {COLUMNS} FROM routing_rules ORDER BY priority, id");
        on_pool!(&self.0, |p| {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter().map(from_row).collect()
        })
    }

    /// Inserts or replaces `rule`; false when replacing a rule that does not exist.
    ///
    /// # Errors
    /// Database failures.
    pub async fn save(
        &self,
        rule: &Rule,
        insert: bool,
        now_micros: i64,
    ) -> Result<bool, RulesStoreError> {
        let keywords = serde_json::to_string(&rule.keywords)
            .map_err(|_| RulesStoreError::Corrupt("keywords"))?;
        let channels = serde_json::to_string(&rule.channels)
            .map_err(|_| RulesStoreError::Corrupt("channels"))?;
        let sql = if insert {
            "INSERT INTO routing_rules (priority, category, keywords, channels, province_code, district, target_unit_id, urgency, description, updated_at, id, assigned_category, application_type) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        } else {
            "UPDATE routing_rules SET priority = $1, category = $2, keywords = $3, channels = $4, province_code = $5, district = $6, \
             target_unit_id = $7, urgency = $8, description = $9, updated_at = $10, assigned_category = $12, application_type = $13 WHERE id = $11"
        };
        on_pool!(&self.0, |p| {
            let n = sqlx::query(sql)
                .bind(i64::from(rule.priority))
                .bind(rule.category.as_deref())
                .bind(&keywords)
                .bind(&channels)
                .bind(rule.province_code.map(i64::from))
                .bind(rule.district.as_deref())
                .bind(rule.target_unit_id)
                .bind(rule.urgency.map(i64::from))
                .bind(&rule.description)
                .bind(now_micros)
                .bind(rule.id)
                .bind(rule.assigned_category.as_deref())
                .bind(rule.application_type.map(i64::from))
                .execute(p)
                .await?
                .rows_affected();
            Ok(n == 1)
        })
    }

    /// Deletes a rule; false when it did not exist.
    ///
    /// # Errors
    /// Database failures.
    pub async fn delete(&self, id: Uuid) -> Result<bool, RulesStoreError> {
        on_pool!(&self.0, |p| Ok(sqlx::query(
            "DELETE FROM routing_rules WHERE id = $1"
        )
        .bind(id)
        .execute(p)
        .await?
        .rows_affected()
            == 1))
    }
}
