//! Escalation as operations: one scheduler round (which stages each case
//! with a near or passed due date reached, each recorded once with its
//! event and task step), and where a case stands when a list or the record
//! page reads it ([`crate::domain::escalation::standing`], in the case's
//! view).

use std::collections::HashMap;

use jiff::Timestamp;
use tekmerkez_workdays::Calendar;
use uuid::Uuid;

use super::{CaseApp, error::CaseError, events::outbox_record};
use crate::{
    domain::{
        case::{Actor, Case, EventKind, Step},
        enums::HistoryAction,
        escalation::{self, Due, Stage},
    },
    store::{DueQuery, EscalationRecord, HistoryRecord},
};

/// The actor of the scheduler's task steps and events.
const SCHEDULER: Actor = Actor::Service("system");

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EscalationReport {
    /// Cases looked at.
    pub cases: usize,
    /// Stages recorded by this round (a stage another replica recorded
    /// first is not counted).
    pub recorded: usize,
}

impl CaseApp {
    /// One scheduler round at the clock's now: every unresolved case with a
    /// due date near or past, page by page, and each stage it reached and
    /// has not recorded for that due value.
    ///
    /// # Errors
    /// Store failures (what was recorded before stays recorded; the next
    /// round goes on from there).
    pub async fn escalate_due_cases(&self, batch: u32) -> Result<EscalationReport, CaseError> {
        let now = self.clock.now();
        let cal = self.working_calendar().await?;
        let t = self.escalation;
        let mut q = DueQuery {
            legal_by: escalation::legal_near_by(now, &cal, &t),
            internal_by: escalation::internal_near_by(now, &t),
            after_seq: 0,
            limit: batch.max(1),
        };
        let mut report = EscalationReport::default();
        let mut org: HashMap<Uuid, (Uuid, Uuid)> = HashMap::new();
        loop {
            let page = self.store.due_candidates(&q).await?;
            let Some(last) = page.last() else { break };
            q.after_seq = last.seq;
            let full = page.len() == q.limit as usize;
            for case in page {
                report.cases += 1;
                report.recorded += self.escalate_case(&case, now, &cal, &mut org).await?;
            }
            if !full {
                break;
            }
        }
        Ok(report)
    }

    /// Records the stages `case` reached at `now`; how many this call recorded.
    async fn escalate_case(
        &self,
        case: &Case,
        now: Timestamp,
        cal: &Calendar,
        org: &mut HashMap<Uuid, (Uuid, Uuid)>,
    ) -> Result<usize, CaseError> {
        let dues = [
            case.legal_due_date.map(Due::Legal),
            case.internal_due_at.map(Due::Internal),
        ];
        let recorded = self.store.list_escalations(case.id).await?;
        let mut n = 0;
        for due in dues.into_iter().flatten() {
            let value = due.key();
            let done: Vec<Stage> = recorded
                .iter()
                .filter(|r| r.deadline == due.kind() && r.due_value == value)
                .map(|r| r.stage)
                .collect();
            let stages = escalation::stages_to_record(due, now, cal, &self.escalation, &done);
            if stages.is_empty() {
                continue;
            }
            let (unit_id, directorate_id) = match org.get(&case.pool_id) {
                Some(x) => *x,
                None => {
                    let x = self.unit_and_directorate(case.pool_id).await?;
                    org.insert(case.pool_id, x);
                    x
                }
            };
            for stage in stages {
                let record = EscalationRecord {
                    case_id: case.id,
                    deadline: due.kind(),
                    due_value: value.clone(),
                    stage,
                    pool_id: case.pool_id,
                    holder_id: case.holder_id,
                    recorded_at: now,
                };
                let kind = EventKind::Escalation {
                    due,
                    stage,
                    unit_id,
                    directorate_id,
                };
                let event = outbox_record(&kind, case, &SCHEDULER, now);
                let step = history_step(case, due, stage, now);
                if self
                    .store
                    .record_escalation(&record, step.as_ref(), &event)
                    .await?
                {
                    tracing::info!(
                        case_id = %case.id,
                        deadline = due.kind().as_str(),
                        stage = stage.as_str(),
                        "escalation stage recorded"
                    );
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    async fn unit_and_directorate(&self, pool: Uuid) -> Result<(Uuid, Uuid), CaseError> {
        let pool = self
            .store
            .get_pool(pool)
            .await?
            .ok_or(CaseError::NotFound("pool"))?;
        let unit = self
            .store
            .get_unit(pool.unit_id)
            .await?
            .ok_or(CaseError::NotFound("unit"))?;
        Ok((unit.id, unit.directorate_id))
    }
}

/// The task step of `stage` (overdue and escalated; the warnings that a
/// due date is near are events only): the case itself does not change.
fn history_step(case: &Case, due: Due, stage: Stage, now: Timestamp) -> Option<HistoryRecord> {
    let action = match stage {
        Stage::Approaching | Stage::Imminent => return None,
        Stage::Overdue => HistoryAction::DeadlineOverdue,
        Stage::Escalated => HistoryAction::DeadlineEscalated,
    };
    Some(HistoryRecord {
        step: Step {
            action,
            from_status: Some(case.status),
            to_status: case.status,
            from_pool: Some(case.pool_id),
            to_pool: case.pool_id,
            from_holder: case.holder_id,
            to_holder: case.holder_id,
            detail: Some(format!("{}:{}", due.kind().as_str(), due.display())),
        },
        actor: SCHEDULER,
        occurred_at: now,
    })
}
