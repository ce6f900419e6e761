//! Automatic assignment: a pool's manager switches it on and sets each
//! expert's capacity and skills; experts say whether they are at the desk
//! and which days they are away; and a round hands the pool's waiting
//! cases out whenever one arrives or enters the pool, an expert frees up
//! (a case closed, moved or transferred away), or someone becomes
//! available. The choice is [`crate::domain::assignment::plan`]; the store
//! runs it under the pool's lock, so rounds on several replicas never
//! give two cases to one free place.

use jiff::{Timestamp, civil::Date};
use tekmerkez_telemetry::metrics::names;
use uuid::Uuid;

use super::{CaseApp, cases::persisted_steps, error::CaseError};
use crate::{
    domain::{
        assignment::{self as rule, Expert, MAX_CAPACITY, MAX_SKILLS, Mode, PoolSettings, Waiting},
        calendar::istanbul_date,
        caller::{Caller, UserCaller},
        case::{Actor, Case},
        enums::{CaseStatus, Role, Urgency},
        fields::Violations,
        policy,
    },
    store::{PoolExpert, Round, RoundResult},
};

/// The actor of an automatic assignment's task step.
const AUTOMATIC: Actor = Actor::Service("system");

/// Most absence days one expert may list.
pub const MAX_ABSENCES: usize = 366;

/// `case.assignment.*`: the capacity of an expert nobody set one for, and
/// how many waiting cases of one category one round reads at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub default_capacity: u32,
    pub round_limit: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_capacity: 10,
            round_limit: 200,
        }
    }
}

/// A pool's settings and its experts, for its manager's page.
#[derive(Debug, Clone)]
pub struct PoolAssignment {
    pub settings: PoolSettings,
    pub experts: Vec<PoolExpert>,
    /// The capacity of an expert with none set.
    pub default_capacity: u32,
}

/// An expert's own availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    pub present: bool,
    pub absences: Vec<Date>,
}

/// Whether a case's change may have freed an expert or left a case
/// waiting, and in which pools a round should run.
pub(crate) fn pools_to_refill(before: &Case, after: &Case) -> Vec<Uuid> {
    let mut pools = Vec::new();
    let was_held = before.status == CaseStatus::Held && before.holder_id.is_some();
    let freed = was_held
        && (after.holder_id != before.holder_id
            || after.pool_id != before.pool_id
            || after.status != CaseStatus::Held);
    if freed {
        pools.push(before.pool_id);
    }
    let waits = after.status == CaseStatus::InPool
        && after.holder_id.is_none()
        && after.incident.is_none()
        && (before.status != CaseStatus::InPool
            || before.holder_id.is_some()
            || before.pool_id != after.pool_id
            || before.incident.is_some());
    if waits && !pools.contains(&after.pool_id) {
        pools.push(after.pool_id);
    }
    pools
}

fn may_manage_pool(user: &UserCaller, pool: Uuid) -> bool {
    user.role == Role::Admin || (policy::is_manager(user.role) && user.pools.contains(&pool))
}

fn manager_of(caller: &Caller, pool: Uuid) -> Result<&UserCaller, CaseError> {
    caller
        .user()
        .filter(|u| may_manage_pool(u, pool))
        .ok_or(CaseError::PermissionDenied(
            "only the pool's manager or an admin sets its automatic assignment",
        ))
}

fn expert_self(caller: &Caller) -> Result<&UserCaller, CaseError> {
    caller
        .user()
        .filter(|u| u.role == Role::Expert)
        .ok_or(CaseError::PermissionDenied(
            "only institutional experts set their own availability",
        ))
}

fn valid_category(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The round's rule over what the store read: the plan, and each planned
/// case's automatic assignment as a change with its step and event.
fn decide(round: Round<'_>, default_capacity: u32, now: Timestamp) -> RoundResult {
    let experts: Vec<Expert> = round
        .experts
        .iter()
        .map(|e| e.as_expert(default_capacity))
        .collect();
    let waiting: Vec<Waiting> = round
        .waiting
        .iter()
        .map(|c| Waiting {
            id: c.id,
            category: c.category.clone(),
            urgent: c.urgency == Urgency::Urgent,
        })
        .collect();
    let plan = rule::plan(
        round.settings.mode,
        round.settings.last_expert,
        &experts,
        &waiting,
    );
    let changes = plan
        .assignments
        .iter()
        .filter_map(|(case_id, expert)| {
            let case = round.waiting.iter().find(|c| c.id == *case_id)?;
            let (mut next, step, kind) = rule::assign_automatically(case, *expert, now).ok()?;
            next.version = case.version + 1;
            let (history, events) = persisted_steps(vec![(step, kind)], &next, &AUTOMATIC, now);
            Some(crate::store::CaseChange {
                case: next,
                expected_version: case.version,
                history,
                note: None,
                events,
                attachments: Vec::new(),
                survey: None,
                letter: None,
            })
        })
        .collect();
    RoundResult {
        changes,
        last_expert: plan.last_expert,
    }
}

/// The pools with a round running in this process, each with whether
/// another round was asked for while it ran.
#[derive(Debug, Default)]
pub struct RoundsInFlight(std::sync::Mutex<std::collections::HashMap<Uuid, bool>>);

impl RoundsInFlight {
    /// Whether the caller should run the round: false when one is running
    /// already, which is then told to run once more when it ends.
    fn begin(&self, pool: Uuid) -> bool {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match m.get_mut(&pool) {
            Some(again) => {
                *again = true;
                false
            }
            None => {
                m.insert(pool, false);
                true
            }
        }
    }

    /// Whether to run once more (a round was asked for meanwhile); when
    /// not, the pool is free.
    fn again(&self, pool: Uuid) -> bool {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match m.get_mut(&pool) {
            Some(again) if *again => {
                *again = false;
                true
            }
            _ => {
                m.remove(&pool);
                false
            }
        }
    }
}

impl CaseApp {
    /// A round for `pool` unless one is running in this process: then that
    /// one runs once more when it ends, and this returns nothing at once.
    /// Arrivals in a busy pool thus share rounds instead of queueing one
    /// each on the pool's row lock. The cases given by the rounds run here.
    ///
    /// # Errors
    /// Store failures (the pool is freed for the next round).
    pub async fn hand_out_shared(&self, pool: Uuid) -> Result<Vec<Case>, CaseError> {
        if !self.rounds.begin(pool) {
            return Ok(Vec::new());
        }
        let mut given = Vec::new();
        let limit = usize::try_from(self.assignment.round_limit).unwrap_or(usize::MAX);
        loop {
            match self.hand_out(pool).await {
                // A round cut by the limit may leave free places and cases
                // for them: another one at once, not at the next change.
                Ok(cases) if cases.len() >= limit => {
                    given.extend(cases);
                    continue;
                }
                Ok(cases) => given.extend(cases),
                Err(e) => {
                    // Free the pool; a round asked for meanwhile is left to
                    // the next change or the sweep.
                    while self.rounds.again(pool) {}
                    return Err(e);
                }
            }
            if !self.rounds.again(pool) {
                return Ok(given);
            }
        }
    }

    /// One round for `pool`: the waiting cases its available experts can
    /// take, handed out. The cases given, as stored.
    ///
    /// # Errors
    /// Store failures.
    pub async fn hand_out(&self, pool: Uuid) -> Result<Vec<Case>, CaseError> {
        let now = self.clock.now();
        let default_capacity = self.assignment.default_capacity;
        let started = std::time::Instant::now();
        let decide = move |round: Round<'_>| {
            let decided = decide(round, default_capacity, now);
            metrics::histogram!(names::ASSIGNMENT_DECISION).record(started.elapsed().as_secs_f64());
            decided
        };
        let given = self
            .store
            .hand_out(
                pool,
                istanbul_date(now),
                self.assignment.round_limit,
                default_capacity,
                &decide,
            )
            .await?;
        let outcome = if given.is_empty() { "none" } else { "assigned" };
        metrics::histogram!(names::ASSIGNMENT_ROUND, "outcome" => outcome)
            .record(started.elapsed().as_secs_f64());
        Ok(given)
    }

    /// Rounds for `pools` after a change that already succeeded: a failure
    /// is logged, never the change's (the sweep hands the cases out later).
    /// The cases given.
    pub(crate) async fn refill(&self, pools: impl IntoIterator<Item = Uuid>) -> Vec<Case> {
        let mut given = Vec::new();
        for pool in pools {
            match self.hand_out_shared(pool).await {
                Ok(cases) => given.extend(cases),
                Err(e) => {
                    tracing::warn!(error.message = %e, error.cause_chain = ?e, pool_id = %pool, "automatic assignment round failed");
                }
            }
        }
        given
    }

    /// `case` as it is after rounds for the pools its change touched (the
    /// round may have given it to someone at once).
    pub(crate) async fn refilled(&self, before: Option<&Case>, case: Case) -> Case {
        let pools = match before {
            Some(b) => pools_to_refill(b, &case),
            None if case.status == CaseStatus::InPool
                && case.holder_id.is_none()
                && case.incident.is_none() =>
            {
                vec![case.pool_id]
            }
            None => Vec::new(),
        };
        self.refill(pools)
            .await
            .into_iter()
            .find(|c| c.id == case.id)
            .unwrap_or(case)
    }

    /// A round in every pool with automatic assignment on (the periodic
    /// sweep: absence days ending, a round that failed after a change).
    ///
    /// # Errors
    /// Store failures listing the pools.
    pub async fn hand_out_everywhere(&self) -> Result<usize, CaseError> {
        let pools = self.store.auto_assigned_pools().await?;
        let mut given = 0;
        for pool in pools {
            given += self.hand_out_shared(pool).await?.len();
        }
        Ok(given)
    }

    /// A pool's automatic-assignment settings and its experts' loads.
    ///
    /// # Errors
    /// `NotFound` for an unknown pool; permission errors.
    pub async fn pool_assignment(
        &self,
        caller: &Caller,
        pool: Uuid,
    ) -> Result<PoolAssignment, CaseError> {
        manager_of(caller, pool)?;
        self.store
            .get_pool(pool)
            .await?
            .ok_or(CaseError::NotFound("pool"))?;
        let settings = self.store.get_pool_assignment(pool).await?;
        let experts = self
            .store
            .pool_experts(pool, istanbul_date(self.clock.now()))
            .await?;
        Ok(PoolAssignment {
            settings,
            experts,
            default_capacity: self.assignment.default_capacity,
        })
    }

    /// Switches a pool's automatic assignment on or off and sets its mode;
    /// switched on, its waiting cases are handed out at once.
    ///
    /// # Errors
    /// `NotFound` for an unknown pool; permission errors.
    pub async fn update_pool_assignment(
        &self,
        caller: &Caller,
        pool: Uuid,
        enabled: bool,
        mode: Mode,
    ) -> Result<PoolAssignment, CaseError> {
        let user = manager_of(caller, pool)?;
        self.store
            .get_pool(pool)
            .await?
            .ok_or(CaseError::NotFound("pool"))?;
        let mut settings = self.store.get_pool_assignment(pool).await?;
        settings.enabled = enabled;
        settings.mode = mode;
        self.store
            .put_pool_assignment(&settings, user.id, self.clock.now())
            .await?;
        let object = format!("assignment:{pool}");
        let detail = format!("enabled:{enabled} mode:{}", mode.as_str());
        self.audit(
            caller,
            crate::domain::audit::AuditAction::AdminChanged,
            super::audit::About::object(&object).detail(&detail),
        )
        .await?;
        self.refill([pool]).await;
        self.pool_assignment(caller, pool).await
    }

    /// Sets an expert's capacity (`None`: the default) and skills in a
    /// pool; a raised capacity takes waiting cases at once.
    ///
    /// # Errors
    /// `Invalid` for a capacity out of range or a malformed category;
    /// `NotFound` for someone who is not an active expert of the pool.
    pub async fn set_expert_assignment(
        &self,
        caller: &Caller,
        pool: Uuid,
        expert: Uuid,
        capacity: Option<u32>,
        skills: Vec<String>,
    ) -> Result<PoolAssignment, CaseError> {
        manager_of(caller, pool)?;
        let mut v = Violations::new();
        if capacity.is_some_and(|c| c > MAX_CAPACITY) {
            v.add("capacity", "must be 0 to 1000");
        }
        let mut skills: Vec<String> = skills.iter().map(|s| s.trim().to_owned()).collect();
        skills.sort();
        skills.dedup();
        if skills.len() > MAX_SKILLS {
            v.add("categories", "must list at most 64 categories");
        }
        if skills.iter().any(|s| !valid_category(s)) {
            v.add("categories", "must be category codes");
        }
        v.into_result()?;
        self.store
            .get_user(expert)
            .await?
            .filter(|u| u.active && u.role == Role::Expert && u.pool_ids.contains(&pool))
            .ok_or(CaseError::NotFound("expert (an active expert of the pool)"))?;
        self.store
            .set_expert_pool(expert, pool, capacity, &skills)
            .await?;
        let object = format!("assignment:{pool}");
        let capacity_code = capacity.map_or_else(|| "default".to_owned(), |c| c.to_string());
        let detail = format!(
            "expert:{expert} capacity:{capacity_code} skills:{}",
            skills.join(",")
        );
        self.audit(
            caller,
            crate::domain::audit::AuditAction::AdminChanged,
            super::audit::About::object(&object).detail(&detail),
        )
        .await?;
        self.refill([pool]).await;
        self.pool_assignment(caller, pool).await
    }

    /// The calling expert's presence and absence days.
    ///
    /// # Errors
    /// Permission errors.
    pub async fn my_availability(&self, caller: &Caller) -> Result<Availability, CaseError> {
        let user = expert_self(caller)?;
        Ok(Availability {
            present: self.store.get_presence(user.id).await?,
            absences: self.store.list_absences(user.id).await?,
        })
    }

    /// The calling expert comes to or leaves the desk; coming, they take
    /// waiting cases of their pools at once.
    ///
    /// # Errors
    /// Permission errors.
    pub async fn set_presence(
        &self,
        caller: &Caller,
        present: bool,
    ) -> Result<Availability, CaseError> {
        let user = expert_self(caller)?;
        self.store
            .set_presence(user.id, present, self.clock.now())
            .await?;
        if present {
            let mut pools: Vec<Uuid> = user.pools.iter().copied().collect();
            pools.sort();
            self.refill(pools).await;
        }
        self.my_availability(caller).await
    }

    /// Replaces the calling expert's absence days (Istanbul dates).
    ///
    /// # Errors
    /// `Invalid` for too many days; permission errors.
    pub async fn set_absence_days(
        &self,
        caller: &Caller,
        mut days: Vec<Date>,
    ) -> Result<Availability, CaseError> {
        let user = expert_self(caller)?;
        days.sort();
        days.dedup();
        if days.len() > MAX_ABSENCES {
            let mut v = Violations::new();
            v.add("days", "must list at most 366 days");
            return Err(CaseError::Invalid(v));
        }
        self.store.set_absences(user.id, &days).await?;
        let mut pools: Vec<Uuid> = user.pools.iter().copied().collect();
        pools.sort();
        self.refill(pools).await;
        self.my_availability(caller).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn categories_are_codes() {
        assert!(valid_category("su_arizasi"));
        assert!(!valid_category("Su Arızası"));
        assert!(!valid_category(""));
    }

    #[test]
    fn a_round_asked_for_while_one_runs_becomes_one_more_run_of_it() {
        let r = RoundsInFlight::default();
        let (pool, other) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(r.begin(pool), "nothing running: run it");
        assert!(r.begin(other), "pools are independent");
        assert!(!r.begin(pool), "running: the runner is told instead");
        assert!(!r.begin(pool), "asked twice, still one more run");
        assert!(r.again(pool), "the runner runs once more");
        assert!(!r.again(pool), "then the pool is free");
        assert!(r.begin(pool), "and the next arrival runs its own");
    }
}
