//! Summaries: a period broken down by one or two dimensions (optionally by
//! day, week, month or year), read from the pre-aggregated daily rows.
//!
//! Which rows: the stored dimensions of the request pick `dims`; a
//! breakdown by pool, unit or directorate, or a caller scoped to some pools,
//! reads the per-pool rows (and sums them over pools when none of those is
//! asked for), an admin's other breakdowns the rows over all pools. Units
//! are mapped from pools here, at query time (see [`crate::directory`]).
//! `open_at_end` is the open count carried into the period (the open
//! deltas of every earlier day) plus the period's own deltas up to each
//! row's period end.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::{
    cells::{DIMS, dims_name},
    fact::{DayFigures, date_of, day_number, month_start},
    histogram::{self, Dense},
    store::{PoolRows, ReportStore, StoreError},
};

/// A dimension a summary is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    /// Where it came in.
    Channel,
    /// The application type.
    Type,
    /// The category.
    Category,
    /// The pool's unit (mapped at query time).
    Unit,
    /// The pool.
    Pool,
    /// The province.
    Province,
    /// The partner.
    Partner,
    /// The closure reason.
    ClosureReason,
    /// The road it took.
    Source,
    /// The directorate of the pool's unit (mapped at query time).
    Directorate,
}

impl Dim {
    /// Every dimension.
    pub const ALL: [Dim; 10] = [
        Dim::Channel,
        Dim::Type,
        Dim::Category,
        Dim::Unit,
        Dim::Pool,
        Dim::Province,
        Dim::Partner,
        Dim::ClosureReason,
        Dim::Source,
        Dim::Directorate,
    ];

    /// Its code (`closure_reason`), as in the API.
    pub fn code(self) -> &'static str {
        match self {
            Dim::Unit => "unit",
            Dim::Pool => "pool",
            Dim::Directorate => "directorate",
            d => d.stored().map_or("", |i| DIMS[i]),
        }
    }

    /// The index of a dimension kept in the rollups ([`DIMS`]); `None` for
    /// pool, unit and directorate, which come from the rows' pool.
    pub fn stored(self) -> Option<usize> {
        let name = match self {
            Dim::Channel => "channel",
            Dim::Type => "type",
            Dim::Category => "category",
            Dim::Province => "province",
            Dim::Partner => "partner",
            Dim::ClosureReason => "closure_reason",
            Dim::Source => "source",
            Dim::Unit | Dim::Pool | Dim::Directorate => return None,
        };
        DIMS.iter().position(|d| *d == name)
    }
}

/// How a period is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// Days.
    Day,
    /// ISO weeks (Monday first).
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

impl Granularity {
    /// The first day of the period holding `d`.
    pub fn start_of(self, d: Date) -> Date {
        match self {
            Granularity::Day => d,
            Granularity::Week => d
                .checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
                .unwrap_or(d),
            Granularity::Month => d.first_of_month(),
            Granularity::Year => d.first_of_year(),
        }
    }
}

/// A checked summary request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryQuery {
    /// The first Istanbul day.
    pub from: Date,
    /// The last Istanbul day (included).
    pub to: Date,
    /// One or two distinct dimensions.
    pub by: Vec<Dim>,
    /// How to split the period; `None`: one period.
    pub granularity: Option<Granularity>,
}

/// Whose cases a caller may count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every pool (admin).
    All,
    /// These pools (a pool manager's own, a directorate's).
    Pools(BTreeSet<String>),
}

impl Scope {
    /// The scope narrowed to `pools` (a drill-down, `Within`): the
    /// intersection, so it can never widen what the caller may see.
    pub fn narrow(self, pools: BTreeSet<String>) -> Scope {
        match self {
            Scope::All => Scope::Pools(pools),
            Scope::Pools(mine) => Scope::Pools(mine.intersection(&pools).cloned().collect()),
        }
    }
}

/// The figures of one key in one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Cases created.
    pub opened: i64,
    /// Resolutions.
    pub resolved: i64,
    /// Open at the period's end.
    pub open_at_end: i64,
    /// Resolved by the legal due date.
    pub on_time: i64,
    /// Resolved after it.
    pub late: i64,
    /// Median hours to close.
    pub median_hours_to_close: Option<f64>,
    /// Median hours to the first action.
    pub median_hours_to_first_action: Option<f64>,
    /// Samples behind the close median.
    pub close_samples: i64,
    /// Samples behind the first-action median.
    pub first_action_samples: i64,
    /// Satisfaction answers.
    pub satisfaction_count: i64,
    /// Their scores' sum.
    pub satisfaction_sum: i64,
    /// Cases created in the period that are linked to an incident now.
    pub linked_to_incident: i64,
    /// The median's bucket (for tests that check the exact cell).
    pub close_bucket: Option<i32>,
    /// The median's bucket.
    pub first_action_bucket: Option<i32>,
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The period's first day (clamped to the request's `from`), when split.
    pub period: Option<Date>,
    /// The key values in the order of `by`.
    pub keys: Vec<String>,
    /// The figures.
    pub figures: Figures,
}

/// A summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Rows by period, then keys.
    pub rows: Vec<Row>,
    /// The whole period over every key in scope.
    pub totals: Figures,
}

#[derive(Debug, Default, Clone)]
struct Acc {
    f: DayFigures,
    close: Dense,
    first: Dense,
}

impl Acc {
    fn absorb(&mut self, o: &Acc) {
        self.f.add(&o.f, 1);
        self.close.absorb(&o.close);
        self.first.absorb(&o.first);
    }

    fn figures(&self, open_at_end: i64) -> Figures {
        let (close, first) = (self.close.median_bucket(), self.first.median_bucket());
        Figures {
            opened: self.f.opened,
            resolved: self.f.resolved,
            open_at_end,
            on_time: self.f.on_time,
            late: self.f.late,
            median_hours_to_close: close.map(histogram::midpoint_hours),
            median_hours_to_first_action: first.map(histogram::midpoint_hours),
            close_samples: self.close.total(),
            first_action_samples: self.first.total(),
            satisfaction_count: self.f.survey_count,
            satisfaction_sum: self.f.survey_sum,
            linked_to_incident: self.f.linked,
            close_bucket: close,
            first_action_bucket: first,
        }
    }
}

/// Which rows a period is read from: day ranges of the daily rows, and a
/// range of whole months (first days) of the monthly pre-sums.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadPlan {
    days: Vec<(i32, i32)>,
    months: Option<(i32, i32)>,
}

impl ReadPlan {
    /// Days `from..=to`, their whole months from the monthly rows when
    /// `monthly`.
    fn of(from: i32, to: i32, monthly: bool) -> Self {
        let all_days = Self {
            days: vec![(from, to)],
            months: None,
        };
        if !monthly {
            return all_days;
        }
        // The first whole month starts at `from` or at the next month; the
        // last whole month is `to`'s when `to` is its last day.
        let first = if month_start(from) == from {
            from
        } else {
            next_month(from)
        };
        let last = if month_start(to + 1) == to + 1 {
            month_start(to)
        } else {
            month_start(month_start(to) - 1)
        };
        if first > last {
            return all_days;
        }
        let mut days = Vec::new();
        if from < first {
            days.push((from, first - 1));
        }
        let after = next_month(last);
        if after <= to {
            days.push((after, to));
        }
        Self {
            days,
            months: Some((first, last)),
        }
    }
}

/// The first day of the month after day `day`'s.
fn next_month(day: i32) -> i32 {
    day_number(
        date_of(day)
            .last_of_month()
            .tomorrow()
            .unwrap_or_else(|_| date_of(day)),
    )
}

/// Answers `q` over the cases of `scope`; `place_of(Dim::Unit, pool)` and
/// `place_of(Dim::Directorate, pool)` map a pool id to its unit's or
/// directorate's id (empty when unknown).
///
/// # Errors
/// Store failures.
pub async fn summary(
    store: &ReportStore,
    q: &SummaryQuery,
    scope: &Scope,
    place_of: &(dyn Fn(Dim, &str) -> String + Sync),
) -> Result<Summary, StoreError> {
    let mut stored: Vec<usize> = q.by.iter().filter_map(|d| d.stored()).collect();
    stored.sort_unstable();
    let dims = dims_name(stored.first().copied(), stored.get(1).copied());
    let needs_pool = q.by.iter().any(|d| d.stored().is_none());
    let pools = match scope {
        Scope::All if needs_pool => PoolRows::EachPool,
        Scope::All => PoolRows::AllPools,
        Scope::Pools(p) => PoolRows::Pools(p.iter().cloned().collect()),
    };
    let (from, to) = (day_number(q.from), day_number(q.to));
    let key_of = |pool: &str, key1: &str, key2: &str| -> Vec<String> {
        q.by.iter()
            .map(|d| match d {
                Dim::Pool => pool.to_owned(),
                Dim::Unit | Dim::Directorate => place_of(*d, pool),
                d => {
                    let pos = d.stored().and_then(|i| stored.iter().position(|s| *s == i));
                    if pos == Some(0) { key1 } else { key2 }.to_owned()
                }
            })
            .collect()
    };
    let period_of = |day: i32| -> i32 {
        match q.granularity {
            None => from,
            Some(g) => day_number(g.start_of(date_of(day))).max(from),
        }
    };

    // Whole months from the monthly pre-sums when no period is shorter
    // than a month; the rest day by day. A monthly row's day is its
    // month's first, which falls in the same period as each of its days.
    let monthly = matches!(
        q.granularity,
        None | Some(Granularity::Month | Granularity::Year)
    );
    let reads = ReadPlan::of(from, to, monthly);
    let mut figures = Vec::new();
    for (a, b) in &reads.days {
        figures.extend(store.daily(&dims, &pools, *a, *b).await?);
    }
    if let Some((a, b)) = reads.months {
        figures.extend(store.monthly(&dims, &pools, a, b).await?);
    }

    let mut cells: BTreeMap<(Vec<String>, i32), Acc> = BTreeMap::new();
    for r in figures {
        let key = key_of(&r.pool_id, &r.key1, &r.key2);
        let acc = cells.entry((key, period_of(r.day))).or_default();
        acc.f.add(&r.figures(), 1);
        acc.first
            .add_text(&r.first_action)
            .ok_or(StoreError::CorruptHistogram)?;
        acc.close
            .add_text(&r.to_close)
            .ok_or(StoreError::CorruptHistogram)?;
    }
    let mut carried: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for b in store.baseline(&dims, &pools, from).await? {
        *carried
            .entry(key_of(&b.pool_id, &b.key1, &b.key2))
            .or_default() += b.open;
    }

    // Every period of the request, in order.
    let mut periods: Vec<i32> = Vec::new();
    for day in from..=to {
        let p = period_of(day);
        if periods.last() != Some(&p) {
            periods.push(p);
        }
    }
    let keys: BTreeSet<Vec<String>> = carried
        .keys()
        .cloned()
        .chain(cells.keys().map(|(k, _)| k.clone()))
        .collect();
    let mut rows = Vec::new();
    let mut total = Acc::default();
    let mut total_open = 0;
    let empty = Acc::default();
    for key in keys {
        let mut open = carried.get(&key).copied().unwrap_or(0);
        for p in &periods {
            let acc = cells.get(&(key.clone(), *p)).unwrap_or(&empty);
            open += acc.f.open_delta;
            total.absorb(acc);
            let figures = acc.figures(open);
            if open != 0 || !acc.f.is_zero() || !acc.close.is_empty() || !acc.first.is_empty() {
                rows.push(Row {
                    period: q.granularity.map(|_| date_of(*p)),
                    keys: key.clone(),
                    figures,
                });
            }
        }
        total_open += open;
    }
    rows.sort_by(|a, b| (a.period, &a.keys).cmp(&(b.period, &b.keys)));
    Ok(Summary {
        rows,
        totals: total.figures(total_open),
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn d(y: i16, m: i8, day: i8) -> i32 {
        day_number(date(y, m, day))
    }

    #[test]
    fn a_period_reads_its_whole_months_monthly_and_its_edges_daily() {
        // 15 Jan – 10 Apr: Feb and Mar whole, the rest by day.
        assert_eq!(
            ReadPlan::of(d(2026, 1, 15), d(2026, 4, 10), true),
            ReadPlan {
                days: vec![
                    (d(2026, 1, 15), d(2026, 1, 31)),
                    (d(2026, 4, 1), d(2026, 4, 10))
                ],
                months: Some((d(2026, 2, 1), d(2026, 3, 1))),
            }
        );
        // Exactly a year: twelve months, no days.
        assert_eq!(
            ReadPlan::of(d(2025, 1, 1), d(2025, 12, 31), true),
            ReadPlan {
                days: vec![],
                months: Some((d(2025, 1, 1), d(2025, 12, 1))),
            }
        );
        // February of a leap year, whole.
        assert_eq!(
            ReadPlan::of(d(2028, 2, 1), d(2028, 2, 29), true),
            ReadPlan {
                days: vec![],
                months: Some((d(2028, 2, 1), d(2028, 2, 1))),
            }
        );
    }

    #[test]
    fn a_period_without_a_whole_month_or_split_finer_reads_days() {
        let days = |a, b| ReadPlan {
            days: vec![(a, b)],
            months: None,
        };
        let (from, to) = (d(2026, 1, 2), d(2026, 2, 27));
        assert_eq!(ReadPlan::of(from, to, true), days(from, to));
        let (from, to) = (d(2026, 3, 1), d(2026, 3, 30));
        assert_eq!(ReadPlan::of(from, to, true), days(from, to));
        let (from, to) = (d(2026, 1, 1), d(2026, 12, 31));
        assert_eq!(ReadPlan::of(from, to, false), days(from, to));
    }
}
