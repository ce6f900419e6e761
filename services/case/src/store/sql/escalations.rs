//! The escalation statements: the lease (a row of the relay's lease table
//! under its own name), the candidates a round reads, and the once-only
//! insert written with its event and task step.

use jiff::Timestamp;
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{
    SqlStore,
    cases::{CASE_COLUMNS, CaseRow, insert_history_rows},
    code, micros,
    outbox::insert_outbox,
    timestamp,
};
use crate::{
    domain::{
        case::Case,
        escalation::{DeadlineKind, Stage},
    },
    store::{DueQuery, EscalationRecord, EscalationStore, HistoryRecord, OutboxRecord, StoreError},
};

/// How a legal due date is compared in SQL: as the column stores it.
pub(super) fn date_value(d: jiff::civil::Date) -> String {
    d.to_string()
}

#[derive(sqlx::FromRow)]
struct EscalationRow {
    case_id: Uuid,
    deadline: String,
    due_value: String,
    stage: String,
    pool_id: Uuid,
    holder_id: Option<Uuid>,
    recorded_at: i64,
}

impl TryFrom<EscalationRow> for EscalationRecord {
    type Error = StoreError;

    fn try_from(r: EscalationRow) -> Result<Self, StoreError> {
        Ok(Self {
            case_id: r.case_id,
            deadline: code(DeadlineKind::from_code, &r.deadline, "escalation deadline")?,
            due_value: r.due_value,
            stage: code(Stage::from_code, &r.stage, "escalation stage")?,
            pool_id: r.pool_id,
            holder_id: r.holder_id,
            recorded_at: timestamp(r.recorded_at)?,
        })
    }
}

const INSERT_ESCALATION: &str = "INSERT INTO case_escalations (case_id, deadline, due_value, \
    stage, pool_id, holder_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO \
    NOTHING";

#[async_trait::async_trait]
impl EscalationStore for SqlStore {
    async fn acquire_escalation_lease(
        &self,
        holder: Uuid,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let sql = "INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('escalation', $1, \
            $2) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = \
            excluded.expires_at WHERE outbox_lease.holder = excluded.holder OR \
            outbox_lease.expires_at < $3";
        let n = on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(holder)
            .bind(micros(until))
            .bind(micros(now))
            .execute(p)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    async fn due_candidates(&self, q: &DueQuery) -> Result<Vec<Case>, StoreError> {
        // A case whose every due value reached its last stage is done with:
        // the rounds do not read it again (the keys are the columns' own
        // values, text on both databases).
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE status IN ('in_pool', 'held', \
             'awaiting_callback') AND (legal_due_date <= $1 OR internal_due_at <= $2) AND seq > \
             $3 AND NOT ((legal_due_date IS NULL OR EXISTS (SELECT 1 FROM case_escalations e \
             WHERE e.case_id = cases.id AND e.deadline = 'legal' AND e.stage = 'escalated' AND \
             e.due_value = cases.legal_due_date)) AND (internal_due_at IS NULL OR EXISTS (SELECT \
             1 FROM case_escalations e WHERE e.case_id = cases.id AND e.deadline = 'internal' \
             AND e.stage = 'escalated' AND e.due_value = CAST(cases.internal_due_at AS TEXT)))) \
             ORDER BY seq LIMIT $4"
        );
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(date_value(q.legal_by))
            .bind(micros(q.internal_by))
            .bind(q.after_seq)
            .bind(i64::from(q.limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Case::try_from).collect()
    }

    async fn undated_cases(&self, after_seq: i64, limit: u32) -> Result<Vec<Case>, StoreError> {
        // Index cases_undated: after the back-fill this reads nothing.
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE legal_due_date IS NULL AND seq > $1 \
             ORDER BY seq LIMIT $2"
        );
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(after_seq)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Case::try_from).collect()
    }

    async fn list_escalations(&self, case: Uuid) -> Result<Vec<EscalationRecord>, StoreError> {
        let sql = "SELECT case_id, deadline, due_value, stage, pool_id, holder_id, recorded_at \
            FROM case_escalations WHERE case_id = $1 ORDER BY recorded_at, CASE stage WHEN \
            'approaching' THEN 1 WHEN 'imminent' THEN 2 WHEN 'overdue' THEN 3 ELSE 4 END, deadline, due_value";
        let rows: Vec<EscalationRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(case)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(EscalationRecord::try_from).collect()
    }

    async fn record_escalation(
        &self,
        r: &EscalationRecord,
        step: Option<&HistoryRecord>,
        event: &OutboxRecord,
    ) -> Result<bool, StoreError> {
        let insert = Statement::new(INSERT_ESCALATION)
            .bind(r.case_id)
            .bind(r.deadline.as_str())
            .bind(&r.due_value)
            .bind(r.stage.as_str())
            .bind(r.pool_id)
            .bind(r.holder_id)
            .bind(micros(r.recorded_at));
        let rows: Vec<Statement> = insert_history_rows(
            r.case_id,
            step.map(std::slice::from_ref).unwrap_or_default(),
        )
        .chain(insert_outbox(
            std::slice::from_ref(event),
            micros(r.recorded_at),
        ))
        .collect();
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            if insert.query().execute(&mut *tx).await?.rows_affected() == 0 {
                // Recorded already (another replica, or before a restart).
                tx.rollback().await?;
                false
            } else {
                for s in &rows {
                    s.query().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                true
            }
        }))
    }
}
