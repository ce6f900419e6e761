//! The incident statements. A declaration takes the next number in its
//! INSERT (`MAX(number) + 1`; two at once collide on the unique number and
//! the loser tries again); every other write is a versioned UPDATE run
//! first in the transaction that changes the reports.

use std::collections::HashMap;

use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, code, micros, opt_micros, opt_timestamp, timestamp};
use crate::{
    domain::incident::{Area, Incident, IncidentKind, IncidentStatus},
    store::{CaseChange, IncidentQuery, IncidentStore, LinkedCount, StoreError},
};

const COLUMNS: &str = "id, number, kind, category, title, public_text, province_code, starts_at, \
    expected_end_at, pool_id, status, answer, closure_reason, created_by, created_at, closed_by, \
    closed_at, due_at, request_id, version";

const INSERT: &str = "INSERT INTO incidents (id, number, kind, category, title, public_text, \
    province_code, starts_at, expected_end_at, pool_id, status, answer, closure_reason, \
    created_by, created_at, closed_by, closed_at, due_at, request_id, version) \
    SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
    $14, $15, $16, $17, $18, $19 FROM incidents";

const UPDATE: &str = "UPDATE incidents SET status = $1, answer = $2, closure_reason = $3, \
    closed_by = $4, closed_at = $5, version = $6 WHERE id = $7 AND version = $8";

const INSERT_AREA: &str =
    "INSERT INTO incident_areas (incident_id, district, neighbourhood) VALUES ($1, $2, $3)";

#[derive(sqlx::FromRow)]
struct IncidentRow {
    id: Uuid,
    number: i64,
    kind: String,
    category: String,
    title: String,
    public_text: String,
    province_code: i64,
    starts_at: i64,
    expected_end_at: Option<i64>,
    pool_id: Uuid,
    status: String,
    answer: Option<String>,
    closure_reason: Option<String>,
    created_by: Uuid,
    created_at: i64,
    closed_by: Option<Uuid>,
    closed_at: Option<i64>,
    due_at: Option<i64>,
    request_id: Option<Uuid>,
    version: i64,
}

impl IncidentRow {
    fn into_incident(self, areas: Vec<Area>) -> Result<Incident, StoreError> {
        Ok(Incident {
            id: self.id,
            number: self.number,
            kind: code(IncidentKind::from_code, &self.kind, "incident kind")?,
            category: self.category,
            title: self.title,
            public_text: self.public_text,
            province_code: u8::try_from(self.province_code)
                .map_err(|_| StoreError::Corrupt("incident province_code"))?,
            areas,
            starts_at: timestamp(self.starts_at)?,
            expected_end_at: opt_timestamp(self.expected_end_at)?,
            pool_id: self.pool_id,
            status: code(IncidentStatus::from_code, &self.status, "incident status")?,
            answer: self.answer,
            closure_reason: self.closure_reason,
            created_by: self.created_by,
            created_at: timestamp(self.created_at)?,
            closed_by: self.closed_by,
            closed_at: opt_timestamp(self.closed_at)?,
            due_at: opt_timestamp(self.due_at)?,
            request_id: self.request_id,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AreaRow {
    incident_id: Uuid,
    district: String,
    neighbourhood: String,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    incident_id: Uuid,
    total: i64,
    open: i64,
}

fn insert(i: &Incident) -> Statement {
    Statement::new(INSERT)
        .bind(i.id)
        .bind(i.kind.as_str())
        .bind(&i.category)
        .bind(&i.title)
        .bind(&i.public_text)
        .bind(i64::from(i.province_code))
        .bind(micros(i.starts_at))
        .bind(opt_micros(i.expected_end_at))
        .bind(i.pool_id)
        .bind(i.status.as_str())
        .bind(i.answer.as_deref())
        .bind(i.closure_reason.as_deref())
        .bind(i.created_by)
        .bind(micros(i.created_at))
        .bind(i.closed_by)
        .bind(opt_micros(i.closed_at))
        .bind(opt_micros(i.due_at))
        .bind(i.request_id)
        .bind(i.version)
}

/// The area rows of `i`: a whole district is one row with neighbourhood ''.
fn insert_areas(i: &Incident) -> Vec<Statement> {
    i.areas
        .iter()
        .flat_map(|a| {
            let names: Vec<&str> = if a.neighbourhoods.is_empty() {
                vec![""]
            } else {
                a.neighbourhoods.iter().map(String::as_str).collect()
            };
            names.into_iter().map(|n| {
                Statement::new(INSERT_AREA)
                    .bind(i.id)
                    .bind(&a.district)
                    .bind(n)
            })
        })
        .collect()
}

impl SqlStore {
    /// `rows` with their areas, in the rows' order.
    async fn with_areas(&self, rows: Vec<IncidentRow>) -> Result<Vec<Incident>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut select = Statement::new(
            "SELECT incident_id, district, neighbourhood FROM incident_areas WHERE incident_id IN (",
        );
        select.push_list(rows.iter().map(|r| r.id)).push(")");
        let areas: Vec<AreaRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        let mut by_incident: HashMap<Uuid, Vec<Area>> = HashMap::new();
        for a in areas {
            let list = by_incident.entry(a.incident_id).or_default();
            let at = match list.iter().position(|x| x.district == a.district) {
                Some(at) => at,
                None => {
                    list.push(Area {
                        district: a.district,
                        neighbourhoods: Vec::new(),
                    });
                    list.len() - 1
                }
            };
            if !a.neighbourhood.is_empty() {
                list[at].neighbourhoods.push(a.neighbourhood);
            }
        }
        rows.into_iter()
            .map(|r| {
                let mut areas = by_incident.remove(&r.id).unwrap_or_default();
                areas.sort_by(|x, y| tekmerkez_turkish::compare(&x.district, &y.district));
                for a in &mut areas {
                    a.neighbourhoods
                        .sort_by(|x, y| tekmerkez_turkish::compare(x, y));
                }
                r.into_incident(areas)
            })
            .collect()
    }

    async fn one_incident(
        &self,
        column: &str,
        value: Uuid,
    ) -> Result<Option<Incident>, StoreError> {
        let select = Statement::new(format!(
            "SELECT {COLUMNS} FROM incidents WHERE {column} = $1"
        ))
        .bind(value);
        let rows: Vec<IncidentRow> =
            on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        Ok(self.with_areas(rows).await?.pop())
    }
}

#[async_trait::async_trait]
impl IncidentStore for SqlStore {
    async fn create_incident(
        &self,
        incident: &Incident,
        origin: Option<&CaseChange>,
    ) -> Result<i64, StoreError> {
        self.apply_guarded(
            Some((incident.id, insert(incident))),
            insert_areas(incident),
            origin.map(std::slice::from_ref).unwrap_or_default(),
            None,
        )
        .await?;
        let select = Statement::new("SELECT number FROM incidents WHERE id = $1").bind(incident.id);
        Ok(on_pool!(&self.write, |p| select
            .query_scalar()
            .fetch_one(p)
            .await?))
    }

    async fn get_incident(&self, id: Uuid) -> Result<Option<Incident>, StoreError> {
        self.one_incident("id", id).await
    }

    async fn get_incident_by_request(
        &self,
        request_id: Uuid,
    ) -> Result<Option<Incident>, StoreError> {
        self.one_incident("request_id", request_id).await
    }

    async fn list_incidents(&self, q: &IncidentQuery) -> Result<Vec<Incident>, StoreError> {
        if q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let mut select = Statement::new(format!("SELECT {COLUMNS} FROM incidents WHERE 1 = 1"));
        if let Some(pools) = &q.pools {
            select
                .push(" AND pool_id IN (")
                .push_list(pools.iter().copied())
                .push(")");
        }
        if !q.statuses.is_empty() {
            select
                .push(" AND status IN (")
                .push_list(q.statuses.iter().map(|s| s.as_str()))
                .push(")");
        }
        if let Some(p) = q.province_code {
            select.push(" AND province_code = ").push_bind(i64::from(p));
        }
        select
            .push(" ORDER BY number DESC LIMIT ")
            .push_bind(i64::from(q.limit));
        let rows: Vec<IncidentRow> =
            on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        self.with_areas(rows).await
    }

    async fn count_linked(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, LinkedCount)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut select = Statement::new(
            "SELECT incident_id, COUNT(*) AS total, CAST(SUM(CASE WHEN status IN ('in_pool', 'held') \
             THEN 1 ELSE 0 END) AS BIGINT) AS open FROM cases WHERE incident_id IN (",
        );
        select
            .push_list(ids.iter().copied())
            .push(") GROUP BY incident_id");
        let rows: Vec<CountRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.incident_id,
                    LinkedCount {
                        total: u32::try_from(r.total).unwrap_or(u32::MAX),
                        open: u32::try_from(r.open).unwrap_or(u32::MAX),
                    },
                )
            })
            .collect())
    }

    async fn change_incident(
        &self,
        incident: &Incident,
        expected_version: i64,
        changes: &[CaseChange],
    ) -> Result<(), StoreError> {
        let update = Statement::new(UPDATE)
            .bind(incident.status.as_str())
            .bind(incident.answer.as_deref())
            .bind(incident.closure_reason.as_deref())
            .bind(incident.closed_by)
            .bind(opt_micros(incident.closed_at))
            .bind(incident.version)
            .bind(incident.id)
            .bind(expected_version);
        // A closed incident leaves no linked report unanswered: one linked
        // at opening while the close was decided makes the close decide again.
        let settled = (incident.status == IncidentStatus::Closed).then(|| {
            (
                incident.id,
                Statement::new(
                    "SELECT COUNT(*) FROM cases WHERE incident_id = $1 \
                     AND status IN ('in_pool', 'held')",
                )
                .bind(incident.id),
            )
        });
        self.apply_guarded(Some((incident.id, update)), Vec::new(), changes, settled)
            .await
    }
}
