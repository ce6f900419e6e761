//! Automatic assignment: which waiting case goes to which of a pool's
//! experts, decided from one consistent reading of the pool (the store
//! takes it under the pool's lock, so two rounds never see the same free
//! places). Pure: no clock, no store.
//!
//! An expert takes a case when they are available (present at the desk and
//! not absent today), below their capacity in the pool, and skilled in the
//! case's category (no skills listed: any category). Urgent cases go first,
//! then the oldest. Round-robin gives each case to the next expert after
//! the last one given a case, in a fixed order; least-loaded gives it to
//! the expert holding the fewest cases, ties broken in the same ring order,
//! so with equal capacities the spread stays within one case.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    case::{Case, EventKind, RuleViolation, Step},
    enums::HistoryAction,
};

/// How a pool's cases are spread over its experts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// In turn, one after the other.
    RoundRobin,
    /// To whoever holds the fewest.
    LeastLoaded,
}

impl Mode {
    /// The stored and wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RoundRobin => "round_robin",
            Self::LeastLoaded => "least_loaded",
        }
    }

    /// The mode a code names.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "round_robin" => Some(Self::RoundRobin),
            "least_loaded" => Some(Self::LeastLoaded),
            _ => None,
        }
    }
}

/// A pool's automatic-assignment settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    pub pool_id: Uuid,
    pub enabled: bool,
    pub mode: Mode,
    /// The expert given the last case (the round-robin cursor).
    pub last_expert: Option<Uuid>,
}

impl PoolSettings {
    /// A pool nobody has set: off, round-robin.
    pub fn off(pool_id: Uuid) -> Self {
        Self {
            pool_id,
            enabled: false,
            mode: Mode::RoundRobin,
            last_expert: None,
        }
    }
}

/// Most categories one expert may list as skills in a pool.
pub const MAX_SKILLS: usize = 64;

/// The largest capacity a manager may set.
pub const MAX_CAPACITY: u32 = 1000;

/// One expert of the pool as the round reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expert {
    pub id: Uuid,
    /// Held cases in the pool allowed before they are passed by.
    pub capacity: u32,
    /// Held cases in the pool now (by hand or automatically).
    pub held: u32,
    /// Categories taken; empty: any.
    pub skills: Vec<String>,
    /// Present at the desk and not absent today.
    pub available: bool,
}

impl Expert {
    fn takes(&self, category: &str) -> bool {
        self.available
            && self.held < self.capacity
            && (self.skills.is_empty() || self.skills.iter().any(|s| s == category))
    }
}

/// A case waiting unassigned in the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: Uuid,
    pub category: String,
    pub urgent: bool,
}

/// What one round decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// (case, expert), in the order decided.
    pub assignments: Vec<(Uuid, Uuid)>,
    /// The cursor after the round.
    pub last_expert: Option<Uuid>,
}

/// Hands `waiting` (oldest first) out to `experts`: urgent cases first,
/// each to an expert who takes it, chosen by `mode` from after `last`. A
/// case nobody takes stays waiting; the rest carry on.
pub fn plan(mode: Mode, last: Option<Uuid>, experts: &[Expert], waiting: &[Waiting]) -> Plan {
    let mut ring: Vec<Expert> = experts.to_vec();
    // The ring's order is fixed (by id), so "after the last one" means the
    // same thing in every round and on every replica.
    ring.sort_by_key(|e| e.id);
    let mut order: Vec<&Waiting> = waiting.iter().collect();
    // Stable: among the urgent, and among the rest, the oldest stay first.
    order.sort_by_key(|w| !w.urgent);
    let mut cursor = last;
    let mut assignments = Vec::new();
    let mut free: u64 = ring
        .iter()
        .filter(|e| e.available)
        .map(|e| u64::from(e.capacity.saturating_sub(e.held)))
        .sum();
    for w in order {
        if free == 0 {
            break;
        }
        let Some(i) = choose(mode, cursor, &ring, &w.category) else {
            continue;
        };
        let e = &mut ring[i];
        e.held += 1;
        free -= 1;
        cursor = Some(e.id);
        assignments.push((w.id, e.id));
    }
    Plan {
        assignments,
        last_expert: cursor,
    }
}

/// Which waiting cases a round must read to decide as if it read them
/// all: [`plan`] goes oldest first and a case of a category is passed by
/// only when nobody left takes it, so it gives at most the free places
/// of the experts who take that category, and those are the category's
/// first. Reading the pool's oldest few instead would let a pile of cases
/// nobody takes hide, for ever, the ones an expert is free for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demand {
    /// Per category some available expert with room lists: how many of its
    /// first cases (urgent first, then the oldest) to read.
    pub categories: Vec<(String, u64)>,
    /// How many of the first cases of every other category to read: the
    /// room of the experts who take any category.
    pub others: u64,
}

impl Demand {
    /// Whether no case could be given.
    pub fn is_empty(&self) -> bool {
        self.others == 0 && self.categories.is_empty()
    }
}

/// The [`Demand`] of a round over `experts`.
pub fn demand(experts: &[Expert]) -> Demand {
    let room = |e: &Expert| {
        if e.available {
            u64::from(e.capacity.saturating_sub(e.held))
        } else {
            0
        }
    };
    let others: u64 = experts
        .iter()
        .filter(|e| e.skills.is_empty())
        .map(room)
        .sum();
    let mut categories: Vec<(String, u64)> = Vec::new();
    for e in experts.iter().filter(|e| room(e) > 0) {
        for s in &e.skills {
            match categories.iter_mut().find(|(c, _)| c == s) {
                Some((_, n)) => *n += room(e),
                None => categories.push((s.clone(), others + room(e))),
            }
        }
    }
    categories.sort();
    Demand { categories, others }
}

/// The index in `ring` (sorted by id) of the expert who gets a case of
/// `category`, if anyone takes it.
fn choose(mode: Mode, cursor: Option<Uuid>, ring: &[Expert], category: &str) -> Option<usize> {
    let n = ring.len();
    if n == 0 {
        return None;
    }
    // The first place after the cursor (the cursor's expert may have left
    // the pool: then the first one after where they stood).
    let start = cursor.map_or(0, |c| ring.partition_point(|e| e.id <= c) % n);
    let after = (0..n).map(|k| (start + k) % n);
    match mode {
        Mode::RoundRobin => after.into_iter().find(|&i| ring[i].takes(category)),
        // `min_by_key` keeps the first of equals: the one nearest after the cursor.
        Mode::LeastLoaded => after
            .filter(|&i| ring[i].takes(category))
            .min_by_key(|&i| ring[i].held),
    }
}

/// `case` given to expert `to` automatically: as a manager's assignment,
/// recorded as the distinct step "assigned (automatic)".
///
/// # Errors
/// [`RuleViolation`] as [`Case::assign`].
pub fn assign_automatically(
    case: &Case,
    to: Uuid,
    now: Timestamp,
) -> Result<(Case, Step, EventKind), RuleViolation> {
    let (next, mut step, kind) = case.assign(to, now)?;
    step.action = HistoryAction::AutoAssigned;
    Ok((next, step, kind))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn expert(n: u128, capacity: u32) -> Expert {
        Expert {
            id: id(n),
            capacity,
            held: 0,
            skills: Vec::new(),
            available: true,
        }
    }

    fn waiting(n: u128, category: &str, urgent: bool) -> Waiting {
        Waiting {
            id: id(1000 + n),
            category: category.to_owned(),
            urgent,
        }
    }

    fn cases(n: u128) -> Vec<Waiting> {
        (0..n).map(|i| waiting(i, "su", false)).collect()
    }

    fn counts(p: &Plan) -> HashMap<Uuid, u32> {
        let mut m = HashMap::new();
        for (_, e) in &p.assignments {
            *m.entry(*e).or_default() += 1;
        }
        m
    }

    #[test]
    fn demand_reads_each_category_up_to_the_room_of_those_who_take_it() {
        let mut a = expert(1, 5);
        a.skills = vec!["su".into()];
        a.held = 2;
        let mut b = expert(2, 4);
        b.skills = vec!["su".into(), "kanal".into()];
        let any = expert(3, 2);
        let mut away = expert(4, 9);
        away.available = false;
        let mut full = expert(5, 1);
        full.skills = vec!["sayac".into()];
        full.held = 1;
        let d = demand(&[a, b, any, away, full]);
        assert_eq!(d.others, 2);
        assert_eq!(d.categories, [("kanal".into(), 6), ("su".into(), 9)]);
    }

    #[test]
    fn demand_is_empty_when_nobody_has_room() {
        let mut a = expert(1, 1);
        a.held = 1;
        let mut b = expert(2, 3);
        b.available = false;
        assert!(demand(&[a, b]).is_empty());
        assert!(!demand(&[expert(3, 1)]).is_empty());
    }

    proptest! {
        /// Whatever the pool, the plan over what the demand reads equals
        /// the plan over every waiting case.
        #[test]
        fn the_plan_over_the_demand_is_the_plan_over_everything(
            spec in prop::collection::vec((0u32..4, 0u32..4, any::<bool>(), 0usize..3), 1..6),
            queue in prop::collection::vec((0usize..3, any::<bool>()), 0..30),
            least in any::<bool>(),
        ) {
            const CATS: [&str; 3] = ["su", "kanal", "sayac"];
            let experts: Vec<Expert> = spec.iter().enumerate().map(|(i, (cap, held, available, skill))| Expert {
                id: id(i as u128 + 1),
                capacity: *cap,
                held: *held,
                skills: if *skill == 0 { Vec::new() } else { vec![CATS[*skill].to_owned()] },
                available: *available,
            }).collect();
            let all: Vec<Waiting> = queue.iter().enumerate()
                .map(|(i, (c, urgent))| waiting(i as u128, CATS[*c], *urgent))
                .collect();
            // The store's reading: per branch the first n, urgent first, then the oldest.
            let mut ordered: Vec<&Waiting> = all.iter().collect();
            ordered.sort_by_key(|w| !w.urgent);
            let d = demand(&experts);
            let listed = |c: &str| d.categories.iter().any(|(k, _)| k == c);
            let mut read: Vec<Waiting> = Vec::new();
            for (c, n) in &d.categories {
                read.extend(ordered.iter().filter(|w| &w.category == c).take(*n as usize).map(|w| (*w).clone()));
            }
            read.extend(ordered.iter().filter(|w| !listed(&w.category)).take(d.others as usize).map(|w| (*w).clone()));
            read.sort_by_key(|w| (!w.urgent, w.id));
            let mode = if least { Mode::LeastLoaded } else { Mode::RoundRobin };
            prop_assert_eq!(plan(mode, None, &experts, &read), plan(mode, None, &experts, &all));
        }
    }

    #[test]
    fn round_robin_goes_in_turn_from_after_the_last_one() {
        let experts = [expert(1, 5), expert(2, 5), expert(3, 5)];
        let p = plan(Mode::RoundRobin, Some(id(2)), &experts, &cases(4));
        let to: Vec<Uuid> = p.assignments.iter().map(|a| a.1).collect();
        assert_eq!(to, [id(3), id(1), id(2), id(3)]);
        assert_eq!(p.last_expert, Some(id(3)));
    }

    #[test]
    fn a_cursor_on_an_expert_who_left_continues_after_where_they_stood() {
        let experts = [expert(1, 5), expert(3, 5)];
        let p = plan(Mode::RoundRobin, Some(id(2)), &experts, &cases(1));
        assert_eq!(p.assignments[0].1, id(3));
    }

    #[test]
    fn least_loaded_gives_to_the_one_holding_fewest() {
        let mut experts = [expert(1, 10), expert(2, 10), expert(3, 10)];
        experts[0].held = 4;
        experts[1].held = 1;
        experts[2].held = 3;
        let p = plan(Mode::LeastLoaded, None, &experts, &cases(3));
        let to: Vec<Uuid> = p.assignments.iter().map(|a| a.1).collect();
        assert_eq!(to, [id(2), id(2), id(3)]);
    }

    #[test]
    fn nobody_goes_over_capacity_and_the_rest_waits() {
        let experts = [expert(1, 2), expert(2, 1)];
        let p = plan(Mode::RoundRobin, None, &experts, &cases(10));
        assert_eq!(p.assignments.len(), 3);
        let c = counts(&p);
        assert_eq!((c[&id(1)], c[&id(2)]), (2, 1));
    }

    #[test]
    fn unavailable_experts_are_skipped() {
        let mut experts = [expert(1, 5), expert(2, 5)];
        experts[0].available = false;
        let p = plan(Mode::RoundRobin, None, &experts, &cases(3));
        assert!(p.assignments.iter().all(|a| a.1 == id(2)));
    }

    #[test]
    fn skills_limit_the_categories_and_none_means_any() {
        let mut experts = [expert(1, 5), expert(2, 5)];
        experts[0].skills = vec!["su".to_owned()];
        experts[1].skills = vec!["yol".to_owned()];
        let w = [
            waiting(1, "yol", false),
            waiting(2, "su", false),
            waiting(3, "park", false),
        ];
        let p = plan(Mode::RoundRobin, None, &experts, &w);
        assert_eq!(
            p.assignments,
            [(id(1001), id(2)), (id(1002), id(1))],
            "the park case has nobody skilled and waits"
        );
        experts[1].skills.clear();
        let p = plan(Mode::RoundRobin, None, &experts, &w);
        assert_eq!(p.assignments.len(), 3);
    }

    #[test]
    fn urgent_cases_go_first_then_the_oldest() {
        let experts = [expert(1, 2)];
        let w = [
            waiting(1, "su", false),
            waiting(2, "su", true),
            waiting(3, "su", false),
            waiting(4, "su", true),
        ];
        let p = plan(Mode::LeastLoaded, None, &experts, &w);
        let got: Vec<Uuid> = p.assignments.iter().map(|a| a.0).collect();
        assert_eq!(got, [id(1002), id(1004)]);
    }

    #[test]
    fn the_mode_codes_round_trip() {
        for m in [Mode::RoundRobin, Mode::LeastLoaded] {
            assert_eq!(Mode::from_code(m.as_str()), Some(m));
        }
        assert_eq!(Mode::from_code("random"), None);
    }

    fn arb_experts() -> impl Strategy<Value = Vec<Expert>> {
        prop::collection::vec((0u32..6, 0u32..4, any::<bool>(), 0usize..3), 1..8).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (capacity, held, available, skill))| Expert {
                    id: id(i as u128 + 1),
                    capacity,
                    held,
                    skills: match skill {
                        0 => Vec::new(),
                        1 => vec!["su".to_owned()],
                        _ => vec!["yol".to_owned()],
                    },
                    available,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn never_over_capacity_never_unskilled_never_absent(
            experts in arb_experts(),
            mode in prop_oneof![Just(Mode::RoundRobin), Just(Mode::LeastLoaded)],
            n in 0u128..40,
            urgent_every in 1u128..5,
        ) {
            let w: Vec<Waiting> = (0..n)
                .map(|i| waiting(i, if i % 2 == 0 { "su" } else { "yol" }, i % urgent_every == 0))
                .collect();
            let p = plan(mode, None, &experts, &w);
            let by_id: HashMap<Uuid, &Expert> = experts.iter().map(|e| (e.id, e)).collect();
            let given = counts(&p);
            for (e, k) in &given {
                let x = by_id[e];
                prop_assert!(x.available);
                prop_assert!(x.held + k <= x.capacity.max(x.held));
            }
            for (c, e) in &p.assignments {
                let cat = &w.iter().find(|x| x.id == *c).unwrap().category;
                let x = by_id[e];
                prop_assert!(x.skills.is_empty() || x.skills.contains(cat));
            }
            // Nobody skipped: a case left waiting has nobody who could still take it.
            let mut held: HashMap<Uuid, u32> = experts.iter().map(|e| (e.id, e.held)).collect();
            for (e, k) in &given { *held.get_mut(e).unwrap() += k; }
            let assigned: Vec<Uuid> = p.assignments.iter().map(|a| a.0).collect();
            for left in w.iter().filter(|x| !assigned.contains(&x.id)) {
                let someone = experts.iter().any(|e| Expert { held: held[&e.id], ..e.clone() }.takes(&left.category));
                prop_assert!(!someone, "a case waits while someone could take it");
            }
        }

        #[test]
        fn equal_capacities_spread_within_one(
            k in 1usize..8,
            capacity in 1u32..30,
            n in 0u128..200,
            mode in prop_oneof![Just(Mode::RoundRobin), Just(Mode::LeastLoaded)],
            start in 0u128..8,
        ) {
            let experts: Vec<Expert> = (1..=k as u128).map(|i| expert(i, capacity)).collect();
            let p = plan(mode, Some(id(start)), &experts, &cases(n));
            let given = counts(&p);
            let loads: Vec<u32> = experts.iter().map(|e| given.get(&e.id).copied().unwrap_or(0)).collect();
            let (lo, hi) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
            prop_assert!(hi - lo <= 1, "{loads:?}");
        }
    }
}
