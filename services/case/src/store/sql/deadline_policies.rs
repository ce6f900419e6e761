//! The deadline policies' statements: a policy and its change row are
//! written in one transaction; a put or delete carries the version check.

use jiff::Timestamp;
use tekmerkez_sqlpool::on_pool;
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use uuid::Uuid;

use super::{SqlStore, code, micros, timestamp};
use crate::{
    domain::deadline::{
        AutomaticReasons, DayCount, DeadlinePolicy, InternalTarget, LegalPeriod, NoteRule,
        PolicyKey, StoredPolicy, TargetUnit,
    },
    store::{DeadlinePolicyStore, StoreError},
};

const COLUMNS: &str = "policy_key, source, application_type, category, legal_days, legal_count, \
    legal_half_days_count, internal_n, internal_unit, extension_days, note_rule_days, \
    note_rule_count, information_only_reason, incident_closed_reason, \
    field_work_confirmed_reason, version, updated_by, updated_at";

const INSERT: &str = "INSERT INTO deadline_policies (policy_key, source, application_type, \
    category, legal_days, legal_count, legal_half_days_count, internal_n, internal_unit, \
    extension_days, note_rule_days, note_rule_count, information_only_reason, \
    incident_closed_reason, field_work_confirmed_reason, version, updated_by, updated_at) VALUES \
    ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
    ON CONFLICT DO NOTHING";

const UPDATE: &str = "UPDATE deadline_policies SET legal_days = $1, legal_count = $2, \
    legal_half_days_count = $3, internal_n = $4, internal_unit = $5, extension_days = $6, \
    note_rule_days = $7, note_rule_count = $8, information_only_reason = $9, \
    incident_closed_reason = $10, field_work_confirmed_reason = $11, version = $12, \
    updated_by = $13, updated_at = $14 WHERE policy_key = $15 AND version = $16";

const DELETE: &str = "DELETE FROM deadline_policies WHERE policy_key = $1 AND version = $2";

const INSERT_CHANGE: &str = "INSERT INTO deadline_policy_changes (id, policy_key, action, \
    version, changed_by, changed_at, summary) VALUES ($1, $2, $3, $4, $5, $6, $7)";

#[derive(sqlx::FromRow)]
struct Row {
    #[allow(dead_code, reason = "the key is rebuilt from its parts")]
    policy_key: String,
    source: Option<String>,
    application_type: Option<String>,
    category: Option<String>,
    legal_days: Option<i64>,
    legal_count: Option<String>,
    legal_half_days_count: bool,
    internal_n: Option<i64>,
    internal_unit: Option<String>,
    extension_days: Option<i64>,
    note_rule_days: Option<i64>,
    note_rule_count: Option<String>,
    information_only_reason: Option<String>,
    incident_closed_reason: Option<String>,
    field_work_confirmed_reason: Option<String>,
    version: i64,
    updated_by: Option<Uuid>,
    updated_at: i64,
}

fn count(n: i64, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(what))
}

impl TryFrom<Row> for StoredPolicy {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        let legal = match (r.legal_days, r.legal_count.as_deref()) {
            (Some(days), Some(c)) => Some(LegalPeriod {
                days: count(days, "legal_days")?,
                count: code(DayCount::from_code, c, "legal_count")?,
                half_days_count: r.legal_half_days_count,
            }),
            _ => None,
        };
        let internal = match (r.internal_n, r.internal_unit.as_deref()) {
            (Some(n), Some(u)) => Some(InternalTarget {
                n: count(n, "internal_n")?,
                unit: code(TargetUnit::from_code, u, "internal_unit")?,
            }),
            _ => None,
        };
        let note_rule = match (r.note_rule_days, r.note_rule_count.as_deref()) {
            (Some(days), Some(c)) => Some(NoteRule {
                days: count(days, "note_rule_days")?,
                count: code(DayCount::from_code, c, "note_rule_count")?,
            }),
            _ => None,
        };
        Ok(Self {
            policy: DeadlinePolicy {
                key: PolicyKey {
                    source: r
                        .source
                        .as_deref()
                        .map(|s| code(ApplicationSource::from_code, s, "source"))
                        .transpose()?,
                    application_type: r
                        .application_type
                        .as_deref()
                        .map(|s| code(ApplicationType::from_code, s, "application_type"))
                        .transpose()?,
                    category: r.category,
                },
                legal,
                internal,
                extension_days: r
                    .extension_days
                    .map(|n| count(n, "extension_days"))
                    .transpose()?,
                note_rule,
                automatic_reasons: AutomaticReasons {
                    information_only: r.information_only_reason,
                    incident_closed: r.incident_closed_reason,
                    field_work_confirmed: r.field_work_confirmed_reason,
                },
            },
            version: r.version,
            updated_by: r.updated_by,
            updated_at: timestamp(r.updated_at)?,
        })
    }
}

/// The change row of `key` at `version`.
macro_rules! change_row {
    ($key:expr, $action:expr, $version:expr, $by:expr, $at:expr, $summary:expr) => {
        sqlx::query(INSERT_CHANGE)
            .bind(Uuid::now_v7())
            .bind($key)
            .bind($action)
            .bind($version)
            .bind($by)
            .bind(micros($at))
            .bind($summary)
    };
}

/// The columns of a policy's values, in the order INSERT and UPDATE bind them.
macro_rules! bind_values {
    ($q:expr, $p:expr) => {
        $q.bind($p.legal.map(|l| i64::from(l.days)))
            .bind($p.legal.map(|l| l.count.as_str()))
            .bind($p.legal.is_none_or(|l| l.half_days_count))
            .bind($p.internal.map(|t| i64::from(t.n)))
            .bind($p.internal.map(|t| t.unit.as_str()))
            .bind($p.extension_days.map(i64::from))
            .bind($p.note_rule.map(|n| i64::from(n.days)))
            .bind($p.note_rule.map(|n| n.count.as_str()))
            .bind($p.automatic_reasons.information_only.as_deref())
            .bind($p.automatic_reasons.incident_closed.as_deref())
            .bind($p.automatic_reasons.field_work_confirmed.as_deref())
    };
}

#[async_trait::async_trait]
impl DeadlinePolicyStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn list_deadline_policies(&self) -> Result<Vec<StoredPolicy>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deadline_policies ORDER BY policy_key");
        let rows: Vec<Row> = on_pool!(&self.read, |p| sqlx::query_as(&sql).fetch_all(p).await?);
        rows.into_iter().map(StoredPolicy::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn put_deadline_policy(
        &self,
        s: &StoredPolicy,
        expected: Option<i64>,
    ) -> Result<bool, StoreError> {
        let Some(by) = s.updated_by else {
            return Err(StoreError::Corrupt("a policy changed by nobody"));
        };
        let p = &s.policy;
        let key = p.key.storage_key();
        let summary = p.summary();
        Ok(on_pool!(&self.write, |pool| {
            let mut tx = pool.begin().await?;
            let done = match expected {
                None => {
                    let q = sqlx::query(INSERT)
                        .bind(&key)
                        .bind(p.key.source.map(ApplicationSource::code))
                        .bind(p.key.application_type.map(ApplicationType::code))
                        .bind(p.key.category.as_deref());
                    bind_values!(q, p)
                        .bind(s.version)
                        .bind(s.updated_by)
                        .bind(micros(s.updated_at))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                }
                Some(v) => bind_values!(sqlx::query(UPDATE), p)
                    .bind(s.version)
                    .bind(s.updated_by)
                    .bind(micros(s.updated_at))
                    .bind(&key)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
            } == 1;
            if done {
                let action = if expected.is_none() {
                    "created"
                } else {
                    "updated"
                };
                change_row!(&key, action, s.version, by, s.updated_at, &summary)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            done
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_deadline_policy(
        &self,
        key: &PolicyKey,
        expected: i64,
        by: Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let key = key.storage_key();
        Ok(on_pool!(&self.write, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(DELETE)
                .bind(&key)
                .bind(expected)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if done {
                change_row!(&key, "deleted", expected + 1, by, at, "")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            done
        }))
    }
}
