//! The automatic-assignment statements. A round's first statement updates
//! the pool's `pool_assignment` row: on PostgreSQL that row lock is held
//! until the round commits, so a second round of the same pool (on any
//! replica) waits and then reads the loads the first one wrote; SQLite's
//! one writer connection runs rounds one after the other anyway.

use jiff::{Timestamp, civil::Date};
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{
    SqlStore,
    cases::{CaseRow, insert_history_rows, list_statement, update_case},
    micros,
    outbox::insert_outbox,
};
use crate::{
    domain::{
        assignment::{Demand, Mode, PoolSettings, demand},
        case::Case,
        enums::CaseStatus,
    },
    store::{
        AssignmentStore, CaseQuery, Decide, HolderFilter, IncidentFilter, PoolExpert, Round, Sort,
        StoreError,
    },
};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    enabled: bool,
    mode: String,
    last_expert: Option<Uuid>,
}

fn settings(pool_id: Uuid, r: SettingsRow) -> Result<PoolSettings, StoreError> {
    Ok(PoolSettings {
        pool_id,
        enabled: r.enabled,
        mode: Mode::from_code(&r.mode).ok_or(StoreError::Corrupt("assignment mode"))?,
        last_expert: r.last_expert,
    })
}

#[derive(sqlx::FromRow)]
struct ExpertRow {
    user_id: Uuid,
    display_name: String,
    capacity: Option<i64>,
    present: bool,
    absent: bool,
    held: i64,
    /// One of their skills in the pool (a row per skill; none: `None`).
    skill: Option<String>,
}

const SELECT_SETTINGS: &str =
    "SELECT enabled, mode, last_expert FROM pool_assignment WHERE pool_id = $1";

/// Takes the pool's lock (the row's, until commit) and reads its settings
/// when it is on.
const LOCK_SETTINGS: &str = "UPDATE pool_assignment SET rounds = rounds + 1 WHERE pool_id = $1 \
    AND enabled = $2 RETURNING enabled, mode, last_expert";

/// The held counts are the loads the cases' triggers keep (migration
/// `expert_loads`); counting the pool's held cases each round cost 5–60 ms
/// with thousands held. Skills come joined, a row each, to spare the round
/// a statement.
const SELECT_EXPERTS: &str = "SELECT u.id AS user_id, u.display_name, s.capacity, \
    COALESCE(pr.present, $1) AS present, \
    EXISTS (SELECT 1 FROM expert_absences a WHERE a.user_id = u.id AND a.day = $2) AS absent, \
    COALESCE(h.held, 0) AS held, k.category AS skill \
    FROM users u JOIN user_pools up ON up.user_id = u.id AND up.pool_id = $3 \
    LEFT JOIN expert_pool_settings s ON s.user_id = u.id AND s.pool_id = $4 \
    LEFT JOIN expert_presence pr ON pr.user_id = u.id \
    LEFT JOIN expert_loads h ON h.user_id = u.id AND h.pool_id = $5 \
    LEFT JOIN expert_skills k ON k.user_id = u.id AND k.pool_id = $6 \
    WHERE u.role = 'expert' AND u.active = $7 ORDER BY u.id, k.category";

fn experts_statement(pool: Uuid, today: Date) -> Statement {
    Statement::new(SELECT_EXPERTS)
        .bind(true)
        .bind(today.to_string())
        .bind(pool)
        .bind(pool)
        .bind(pool)
        .bind(pool)
        .bind(true)
}

/// The experts of [`SELECT_EXPERTS`]'s rows (ordered by expert, a row per
/// skill).
fn pool_experts(rows: Vec<ExpertRow>) -> Vec<PoolExpert> {
    let mut experts: Vec<PoolExpert> = Vec::new();
    for r in rows {
        if let Some(e) = experts.last_mut().filter(|e| e.user_id == r.user_id) {
            e.skills.extend(r.skill);
            continue;
        }
        experts.push(PoolExpert {
            user_id: r.user_id,
            display_name: r.display_name,
            capacity: r.capacity.map(|c| u32::try_from(c).unwrap_or(0)),
            skills: r.skill.into_iter().collect(),
            present: r.present,
            absent: r.absent,
            held: u32::try_from(r.held).unwrap_or(u32::MAX),
        });
    }
    experts
}

/// The first `n` (urgent first, then the oldest) unassigned cases waiting
/// in `pool`, narrowed by `only` and `not` categories.
fn waiting_statement(pool: Uuid, only: Vec<String>, not: Vec<String>, n: u32) -> Statement {
    list_statement(&CaseQuery {
        pools: Some(vec![pool]),
        statuses: vec![CaseStatus::InPool],
        holder: HolderFilter::Nobody,
        incident: IncidentFilter::Unlinked,
        categories: only,
        not_categories: not,
        sort: Sort::UrgentFirst,
        ..CaseQuery::any(n)
    })
}

/// The reads of a round's [`Demand`], each at most `limit`.
fn demand_statements(pool: Uuid, d: &Demand, limit: u32) -> Vec<Statement> {
    let n = |k: u64| u32::try_from(k).unwrap_or(u32::MAX).min(limit);
    let mut reads: Vec<Statement> = d
        .categories
        .iter()
        .map(|(c, k)| waiting_statement(pool, vec![c.clone()], Vec::new(), n(*k)))
        .collect();
    if d.others > 0 {
        let listed = d.categories.iter().map(|(c, _)| c.clone()).collect();
        reads.push(waiting_statement(pool, Vec::new(), listed, n(d.others)));
    }
    reads
}

#[async_trait::async_trait]
impl AssignmentStore for SqlStore {
    async fn get_pool_assignment(&self, pool: Uuid) -> Result<PoolSettings, StoreError> {
        let row: Option<SettingsRow> = on_pool!(&self.read, |p| sqlx::query_as(SELECT_SETTINGS)
            .bind(pool)
            .fetch_optional(p)
            .await?);
        row.map_or(Ok(PoolSettings::off(pool)), |r| settings(pool, r))
    }

    async fn put_pool_assignment(
        &self,
        s: &PoolSettings,
        by: Uuid,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO pool_assignment (pool_id, enabled, mode, last_expert, rounds, \
            updated_at, updated_by) VALUES ($1, $2, $3, NULL, 0, $4, $5) ON CONFLICT (pool_id) \
            DO UPDATE SET enabled = excluded.enabled, mode = excluded.mode, updated_at = \
            excluded.updated_at, updated_by = excluded.updated_by";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(s.pool_id)
            .bind(s.enabled)
            .bind(s.mode.as_str())
            .bind(micros(now))
            .bind(by)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn auto_assigned_pools(&self) -> Result<Vec<Uuid>, StoreError> {
        let sql = "SELECT pool_id FROM pool_assignment WHERE enabled = $1 ORDER BY pool_id";
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(true)
            .fetch_all(p)
            .await?))
    }

    async fn pool_experts(&self, pool: Uuid, today: Date) -> Result<Vec<PoolExpert>, StoreError> {
        let experts = experts_statement(pool, today);
        let rows: Vec<ExpertRow> =
            on_pool!(&self.read, |p| experts.query_as().fetch_all(p).await?);
        Ok(pool_experts(rows))
    }

    async fn set_expert_pool(
        &self,
        user: Uuid,
        pool: Uuid,
        capacity: Option<u32>,
        skills: &[String],
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            Statement::new(
                "INSERT INTO expert_pool_settings (user_id, pool_id, capacity) VALUES ($1, $2, \
                 $3) ON CONFLICT (user_id, pool_id) DO UPDATE SET capacity = excluded.capacity",
            )
            .bind(user)
            .bind(pool)
            .bind(capacity.map(i64::from)),
            Statement::new("DELETE FROM expert_skills WHERE user_id = $1 AND pool_id = $2")
                .bind(user)
                .bind(pool),
        ];
        writes.extend(skills.iter().map(|c| {
            Statement::new(
                "INSERT INTO expert_skills (user_id, pool_id, category) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(user)
            .bind(pool)
            .bind(c.as_str())
        }));
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            for s in &writes {
                s.query().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn get_presence(&self, user: Uuid) -> Result<bool, StoreError> {
        let sql = "SELECT present FROM expert_presence WHERE user_id = $1";
        let present: Option<bool> = on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(user)
            .fetch_optional(p)
            .await?);
        Ok(present.unwrap_or(true))
    }

    async fn set_presence(
        &self,
        user: Uuid,
        present: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO expert_presence (user_id, present, changed_at) VALUES ($1, $2, \
            $3) ON CONFLICT (user_id) DO UPDATE SET present = excluded.present, changed_at = \
            excluded.changed_at";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(user)
            .bind(present)
            .bind(micros(now))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn list_absences(&self, user: Uuid) -> Result<Vec<Date>, StoreError> {
        let sql = "SELECT day FROM expert_absences WHERE user_id = $1 ORDER BY day";
        let days: Vec<String> = on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(user)
            .fetch_all(p)
            .await?);
        days.iter()
            .map(|d| d.parse().map_err(|_| StoreError::Corrupt("absence day")))
            .collect()
    }

    async fn set_absences(&self, user: Uuid, days: &[Date]) -> Result<(), StoreError> {
        let mut writes =
            vec![Statement::new("DELETE FROM expert_absences WHERE user_id = $1").bind(user)];
        writes.extend(days.iter().map(|d| {
            Statement::new(
                "INSERT INTO expert_absences (user_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(user)
            .bind(d.to_string())
        }));
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            for s in &writes {
                s.query().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn hand_out(
        &self,
        pool: Uuid,
        today: Date,
        limit: u32,
        default_capacity: u32,
        decide: &Decide,
    ) -> Result<Vec<Case>, StoreError> {
        let lock = Statement::new(LOCK_SETTINGS).bind(pool).bind(true);
        let experts = experts_statement(pool, today);
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let Some(row) = lock
                .query_as::<_, SettingsRow>()
                .fetch_optional(&mut *tx)
                .await?
            else {
                tx.rollback().await?;
                return Ok(Vec::new());
            };
            let current = settings(pool, row)?;
            let rows: Vec<ExpertRow> = experts.query_as().fetch_all(&mut *tx).await?;
            let experts = pool_experts(rows);
            let wanted = demand(
                &experts
                    .iter()
                    .map(|e| e.as_expert(default_capacity))
                    .collect::<Vec<_>>(),
            );
            if wanted.is_empty() {
                tx.rollback().await?;
                return Ok(Vec::new());
            }
            let mut cases: Vec<Case> = Vec::new();
            for read in demand_statements(pool, &wanted, limit) {
                let rows: Vec<CaseRow> = read.query_as().fetch_all(&mut *tx).await?;
                for r in rows {
                    cases.push(Case::try_from(r)?);
                }
            }
            if cases.is_empty() {
                tx.rollback().await?;
                return Ok(Vec::new());
            }
            // The reads' one order: urgent first, then the oldest.
            cases.sort_by_key(|c| (std::cmp::Reverse(c.urgency.rank()), c.seq));
            let decided = decide(Round {
                settings: &current,
                experts: &experts,
                waiting: &cases,
            });
            let mut given = Vec::with_capacity(decided.changes.len());
            for ch in &decided.changes {
                let now = ch.history.last().map_or(0, |h| micros(h.occurred_at));
                // A case someone took by hand since it was read stays theirs.
                if update_case(ch, now)
                    .query()
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    != 1
                {
                    continue;
                }
                let rows: Vec<Statement> = insert_history_rows(ch.case.id, &ch.history)
                    .chain(insert_outbox(&ch.events, now))
                    .collect();
                for s in &rows {
                    s.query().execute(&mut *tx).await?;
                }
                given.push(ch.case.clone());
            }
            if !given.is_empty() {
                sqlx::query("UPDATE pool_assignment SET last_expert = $1 WHERE pool_id = $2")
                    .bind(decided.last_expert)
                    .bind(pool)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(given)
        })
    }
}
