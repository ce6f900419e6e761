//! Random case histories, the events the case service would publish for
//! them, and a direct count over the histories (independent of the
//! reports' fact and cell code) to compare the rollups with.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom as _};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_reports::{
    fact::{channel_code, day_number, day_of, source_code, type_code},
    histogram,
    query::{Dim, Granularity, Scope},
};

/// The pools of the tests and their units.
pub const POOLS: [(&str, &str); 5] = [
    ("pool-a", "unit-1"),
    ("pool-b", "unit-1"),
    ("pool-c", "unit-2"),
    ("pool-d", "unit-3"),
    ("pool-e", "unit-3"),
];

/// The unit of a test pool.
pub fn unit_of(pool: &str) -> String {
    POOLS
        .iter()
        .find(|(p, _)| *p == pool)
        .map(|(_, u)| (*u).to_owned())
        .unwrap_or_default()
}

/// The directorate of a test unit (unit-3 has none: its cases count
/// under the empty directorate).
pub fn directorate_of_unit(unit: &str) -> String {
    match unit {
        "unit-1" | "unit-2" => "dir-1".to_owned(),
        _ => String::new(),
    }
}

/// The unit or directorate of a test pool, as the directory maps it.
pub fn place_of(d: Dim, pool: &str) -> String {
    match d {
        Dim::Directorate => directorate_of_unit(&unit_of(pool)),
        _ => unit_of(pool),
    }
}

/// One case as the case service holds it now, with its lifecycle.
#[derive(Debug, Clone)]
pub struct Truth {
    pub opened_at: i64,
    pub channel: i32,
    pub source: i32,
    pub partner: String,
    pub info_only: bool,
    pub pool: String,
    pub category: String,
    pub province: u32,
    pub app_type: i32,
    pub closure_reason: String,
    pub legal_due: Option<Date>,
    pub first_action: Option<i64>,
    /// Open intervals: start, resolution.
    pub intervals: Vec<(i64, Option<i64>)>,
    pub survey: Option<(i64, i64)>,
    /// Linked to an incident now.
    pub linked: bool,
}

/// The start of the histories: 2026-03-01 00:00 Istanbul.
pub const START: i64 = 1_772_312_400;
/// The histories' days.
pub const DAYS: i64 = 30;

fn ts(secs: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp {
        seconds: secs,
        nanos: 0,
    })
}

/// `n` random histories from `seed`, and their events in the order the
/// case service publishes them (one case's in order, cases interleaved).
pub fn generate(seed: u64, n: usize) -> (Vec<Truth>, Vec<pb::CaseEvent>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut truths = Vec::new();
    let mut per_case: Vec<Vec<pb::CaseEvent>> = Vec::new();
    let categories = ["su_kesintisi", "yol_bakim", "cop_toplama", "park_bahce"];
    let reasons = ["cozuldu", "yetki_disi", "mukerrer", "bilgi_verildi"];
    let partners = ["", "", "", "partner-cimer", "partner-valilik"];
    for i in 0..n {
        let case_id = format!("case-{seed}-{i}");
        let mut events = Vec::new();
        let mut v = 1;
        let mut t = START + rng.random_range(0..DAYS * 86_400);
        let ev = |v: i64, t: i64, p: pb::case_event::Payload| pb::CaseEvent {
            event_id: uuid::Uuid::new_v4().to_string(),
            case_id: case_id.clone(),
            tracking_number: format!("T{i}"),
            occurred_at: ts(t),
            actor: None,
            case_version: v,
            payload: Some(p),
        };
        use pb::case_event::Payload as P;
        let opened_day = jiff::Timestamp::from_second(t)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
            .date();
        let mut c = Truth {
            opened_at: t,
            channel: rng.random_range(1..=6),
            source: rng.random_range(0..=4),
            partner: (*partners.choose(&mut rng).unwrap()).to_owned(),
            info_only: rng.random_bool(0.1),
            pool: POOLS.choose(&mut rng).unwrap().0.to_owned(),
            category: (*categories.choose(&mut rng).unwrap()).to_owned(),
            province: *[6_u32, 34, 35].choose(&mut rng).unwrap(),
            app_type: rng.random_range(0..=6),
            closure_reason: String::new(),
            legal_due: rng.random_bool(0.6).then(|| {
                opened_day
                    .checked_add(jiff::Span::new().days(rng.random_range(-2..15)))
                    .unwrap()
            }),
            first_action: None,
            intervals: vec![(t, None)],
            survey: None,
            linked: false,
        };
        events.push(ev(
            v,
            t,
            P::Opened(pb::CaseOpened {
                channel: c.channel,
                category: c.category.clone(),
                pool_id: c.pool.clone(),
                province_code: c.province,
                information_only: c.info_only,
                application_type: c.app_type,
                source: c.source,
                partner_id: c.partner.clone(),
                legal_due_date: c.legal_due.map(|d| d.to_string()).unwrap_or_default(),
                ..Default::default()
            }),
        ));
        if c.info_only {
            let reason = (*reasons.choose(&mut rng).unwrap()).to_owned();
            c.closure_reason.clone_from(&reason);
            c.intervals[0].1 = Some(t);
            events.push(ev(
                v,
                t,
                P::Resolved(pb::CaseResolved {
                    information_only: true,
                    closure_reason: reason,
                    ..Default::default()
                }),
            ));
        }
        for _ in 0..rng.random_range(0..14) {
            // Gaps of nothing (the same second) up to three days.
            t += if rng.random_bool(0.1) {
                0
            } else {
                rng.random_range(1..3 * 86_400)
            };
            v += 1;
            let open = c.intervals.last().unwrap().1.is_none();
            let op = rng.random_range(0..13);
            let action = |c: &mut Truth| {
                c.first_action = Some(c.first_action.map_or(t, |f| f.min(t)));
            };
            match (open, op) {
                (_, 0) => {
                    action(&mut c);
                    events.push(ev(v, t, P::NoteAdded(pb::NoteAdded::default())));
                }
                (true, 1) => {
                    action(&mut c);
                    events.push(ev(v, t, P::Claimed(pb::CaseClaimed::default())));
                }
                (true, 2) => {
                    action(&mut c);
                    events.push(ev(v, t, P::Assigned(pb::CaseAssigned::default())));
                }
                (true, 3) => {
                    let to = POOLS.choose(&mut rng).unwrap().0.to_owned();
                    events.push(ev(
                        v,
                        t,
                        P::Transferred(pb::CaseTransferred {
                            from_pool_id: c.pool.clone(),
                            to_pool_id: to.clone(),
                        }),
                    ));
                    c.pool = to;
                }
                (_, 4) => {
                    c.category = (*categories.choose(&mut rng).unwrap()).to_owned();
                    c.province = *[6_u32, 34, 35, 1].choose(&mut rng).unwrap();
                    events.push(ev(
                        v,
                        t,
                        P::Corrected(pb::CaseCorrected {
                            field: "category".into(),
                            province_code: c.province,
                            category: c.category.clone(),
                        }),
                    ));
                }
                (true, 5) => {
                    let from = c.app_type;
                    c.app_type = rng.random_range(1..=6);
                    events.push(ev(
                        v,
                        t,
                        P::TypeChanged(pb::ApplicationTypeChanged {
                            from_type: from,
                            to_type: c.app_type,
                        }),
                    ));
                }
                (true, 6) if c.legal_due.is_some() => {
                    let from = c.legal_due.unwrap();
                    let to = from
                        .checked_add(jiff::Span::new().days(rng.random_range(1..10)))
                        .unwrap();
                    c.legal_due = Some(to);
                    events.push(ev(
                        v,
                        t,
                        P::LegalDeadlineExtended(pb::LegalDeadlineExtended {
                            from_due_date: from.to_string(),
                            to_due_date: to.to_string(),
                            working_days: 3,
                            ..Default::default()
                        }),
                    ));
                }
                (true, 7 | 8) => {
                    let reason = (*reasons.choose(&mut rng).unwrap()).to_owned();
                    c.closure_reason.clone_from(&reason);
                    c.intervals.last_mut().unwrap().1 = Some(t);
                    if op == 7 {
                        events.push(ev(
                            v,
                            t,
                            P::ClosedByExpert(pb::CaseClosedByExpert {
                                closure_reason: reason.clone(),
                                ..Default::default()
                            }),
                        ));
                    }
                    events.push(ev(
                        v,
                        t,
                        P::Resolved(pb::CaseResolved {
                            closure_reason: reason,
                            ..Default::default()
                        }),
                    ));
                }
                (false, 9) => {
                    c.intervals.push((t, None));
                    events.push(ev(
                        v,
                        t,
                        P::Reopened(pb::CaseReopened {
                            pool_id: c.pool.clone(),
                        }),
                    ));
                }
                (false, 10) if c.survey.is_none() => {
                    let score = rng.random_range(1..=5);
                    c.survey = Some((t, score));
                    events.push(ev(
                        v,
                        t,
                        P::SurveyAnswered(pb::SurveyAnswered {
                            score: u32::try_from(score).unwrap(),
                            pool_id: c.pool.clone(),
                            ..Default::default()
                        }),
                    ));
                }
                (_, 11) if c.legal_due.is_none() => {
                    // A case opened before due dates existed gets one; a
                    // resolved one without a reason gets "kaydedilmedi".
                    let due = opened_day
                        .checked_add(jiff::Span::new().days(rng.random_range(0..10)))
                        .unwrap();
                    c.legal_due = Some(due);
                    let reason = if !open && c.closure_reason.is_empty() {
                        c.closure_reason = "kaydedilmedi".to_owned();
                        c.closure_reason.clone()
                    } else {
                        String::new()
                    };
                    events.push(ev(
                        v,
                        t,
                        P::DeadlinesBackfilled(pb::DeadlinesBackfilled {
                            legal_due_date: due.to_string(),
                            closure_reason: reason,
                        }),
                    ));
                }
                (_, 12) => {
                    // Linked to an incident, or taken back out: an unlink
                    // clears it.
                    events.push(ev(
                        v,
                        t,
                        if c.linked {
                            P::UnlinkedFromIncident(pb::UnlinkedFromIncident {
                                incident_id: "olay-1".into(),
                                pool_id: c.pool.clone(),
                            })
                        } else {
                            P::LinkedToIncident(pb::LinkedToIncident {
                                incident_id: "olay-1".into(),
                                pool_id: c.pool.clone(),
                                category: c.category.clone(),
                                ..Default::default()
                            })
                        },
                    ));
                    c.linked = !c.linked;
                }
                _ => {
                    // Noise: counts nothing.
                    events.push(ev(
                        v,
                        t,
                        P::CallbackRecorded(pb::CallbackRecorded {
                            outcome: pb::CallbackOutcome::NotReached as i32,
                            ..Default::default()
                        }),
                    ));
                }
            }
        }
        truths.push(c);
        per_case.push(events);
    }
    // Interleave the cases, keeping each one's order.
    let mut all = Vec::new();
    let mut heads: Vec<usize> = vec![0; per_case.len()];
    let mut left: Vec<usize> = (0..per_case.len()).collect();
    while !left.is_empty() {
        let k = rng.random_range(0..left.len());
        let c = left[k];
        all.push(per_case[c][heads[c]].clone());
        heads[c] += 1;
        if heads[c] == per_case[c].len() {
            left.swap_remove(k);
        }
    }
    (truths, all)
}

/// A figure set as the direct count makes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    pub opened: i64,
    pub resolved: i64,
    pub open_at_end: i64,
    pub on_time: i64,
    pub late: i64,
    pub close_bucket: Option<i32>,
    pub first_action_bucket: Option<i32>,
    pub close_samples: i64,
    pub first_action_samples: i64,
    pub satisfaction_count: i64,
    pub satisfaction_sum: i64,
    pub linked_to_incident: i64,
}

impl Truth {
    /// The case's key for `d`.
    pub fn key(&self, d: Dim) -> String {
        match d {
            Dim::Channel => channel_code(self.channel),
            Dim::Type => type_code(self.app_type),
            Dim::Category => self.category.clone(),
            Dim::Unit => unit_of(&self.pool),
            Dim::Pool => self.pool.clone(),
            Dim::Province => format!("{:02}", self.province),
            Dim::Partner => self.partner.clone(),
            Dim::ClosureReason => self.closure_reason.clone(),
            Dim::Source => source_code(self.source),
            Dim::Directorate => directorate_of_unit(&unit_of(&self.pool)),
        }
    }

    /// Whether the case is open at the end of day `day`.
    fn open_at(&self, day: i32) -> bool {
        let mut open = false;
        for (start, end) in &self.intervals {
            if day_of(*start) <= day {
                open = true;
            }
            if let Some(e) = end
                && day_of(*e) <= day
            {
                open = false;
            }
        }
        open
    }
}

/// The direct count of `truths` in scope for days `from..=to`, split by
/// `granularity`, by `by`: (period start or None, keys) → figures; rows
/// with nothing to show are left out.
pub fn direct_count(
    truths: &[Truth],
    scope: &Scope,
    from: Date,
    to: Date,
    by: &[Dim],
    granularity: Option<Granularity>,
) -> BTreeMap<(Option<Date>, Vec<String>), Expected> {
    let (f, t) = (day_number(from), day_number(to));
    // Periods: (label, first day, last day).
    let mut periods: Vec<(Option<Date>, i32, i32)> = Vec::new();
    for day in f..=t {
        let label = granularity.map(|g| {
            let s = g.start_of(tekmerkez_reports::fact::date_of(day));
            if s < from { from } else { s }
        });
        match periods.last_mut() {
            Some(p) if p.0 == label => p.2 = day,
            _ => periods.push((label, day, day)),
        }
    }
    let in_scope = |c: &Truth| match scope {
        Scope::All => true,
        Scope::Pools(p) => p.contains(&c.pool),
    };
    // Figures, close buckets and first-action buckets per (period, keys).
    type Cell = (Expected, Vec<i32>, Vec<i32>);
    let mut out: BTreeMap<(Option<Date>, Vec<String>), Cell> = BTreeMap::new();
    for c in truths.iter().filter(|c| in_scope(c)) {
        let key: Vec<String> = by.iter().map(|d| c.key(*d)).collect();
        for (label, pf, pt) in &periods {
            let within = |secs: i64| (*pf..=*pt).contains(&day_of(secs));
            let e = out.entry((*label, key.clone())).or_default();
            if within(c.opened_at) {
                e.0.opened += 1;
                if c.linked {
                    e.0.linked_to_incident += 1;
                }
                if let Some(fa) = c.first_action
                    && !c.info_only
                {
                    e.2.push(histogram::bucket(fa - c.opened_at));
                }
            }
            for (start, end) in &c.intervals {
                if let Some(end) = end
                    && within(*end)
                {
                    e.0.resolved += 1;
                    if let Some(due) = c.legal_due {
                        if day_of(*end) <= day_number(due) {
                            e.0.on_time += 1;
                        } else {
                            e.0.late += 1;
                        }
                    }
                    if !c.info_only {
                        e.1.push(histogram::bucket(end - start));
                    }
                }
            }
            if c.open_at(*pt) {
                e.0.open_at_end += 1;
            }
            if let Some((at, score)) = c.survey
                && within(at)
            {
                e.0.satisfaction_count += 1;
                e.0.satisfaction_sum += score;
            }
        }
    }
    out.into_iter()
        .filter_map(|(k, (mut e, close, first))| {
            e.close_samples = close.len() as i64;
            e.first_action_samples = first.len() as i64;
            e.close_bucket = histogram::median_bucket(close.into_iter().map(|b| (b, 1)));
            e.first_action_bucket = histogram::median_bucket(first.into_iter().map(|b| (b, 1)));
            (e != Expected::default()).then_some((k, e))
        })
        .collect()
}

/// Pools in a random scope.
pub fn some_pools(rng: &mut impl Rng) -> BTreeSet<String> {
    POOLS
        .iter()
        .filter(|_| rng.random_bool(0.5))
        .map(|(p, _)| (*p).to_owned())
        .collect()
}
