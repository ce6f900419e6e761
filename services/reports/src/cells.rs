//! Rollup cells: which rows of the daily rollups one case touches, and the
//! change an event makes to them.
//!
//! A case is counted under every *cell* of its keys: the totals, each
//! dimension of [`DIMS`] alone and each pair of them, once across all pools
//! (`pool_id = ''`) and once within its own pool (`pool_id = <pool>`). The
//! per-pool copies answer three things from pre-aggregated rows: a
//! breakdown by pool (or by unit, mapped from pools at query time) alone or
//! with one other dimension, and any breakdown of a caller scoped to some
//! pools (a pool or directorate manager), summed over those pools. That is
//! 29 cells per pool value, 58 per case.

use std::collections::BTreeMap;

use crate::{
    fact::{Contribution, DayFigures, Fact, Keys, Metric, month_start},
    histogram::{self, Counts},
};

/// The dimensions kept in the rollups besides the pool, in key order.
pub const DIMS: [&str; 7] = [
    "channel",
    "type",
    "category",
    "province",
    "partner",
    "closure_reason",
    "source",
];

/// One rollup row's key (without its day).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// `''` (all pools) or a pool id.
    pub pool_id: String,
    /// `''` (totals), one dimension, or two joined by a comma in [`DIMS`] order.
    pub dims: String,
    /// The first dimension's value.
    pub key1: String,
    /// The second dimension's value.
    pub key2: String,
}

/// The `dims` text of dimension indexes `i` (and `j`).
pub fn dims_name(i: Option<usize>, j: Option<usize>) -> String {
    match (i, j) {
        (None, _) => String::new(),
        (Some(i), None) => DIMS[i].to_owned(),
        (Some(i), Some(j)) => format!("{},{}", DIMS[i], DIMS[j]),
    }
}

/// Every cell of `keys`.
pub fn cells(keys: &Keys) -> Vec<Cell> {
    let mut out = Vec::with_capacity(2 * (1 + DIMS.len() * (DIMS.len() + 1) / 2));
    for pool in [String::new(), keys.pool.clone()] {
        let cell = |dims: String, key1: &str, key2: &str| Cell {
            pool_id: pool.clone(),
            dims,
            key1: key1.to_owned(),
            key2: key2.to_owned(),
        };
        out.push(cell(String::new(), "", ""));
        for i in 0..DIMS.len() {
            out.push(cell(dims_name(Some(i), None), &keys.values[i], ""));
            for j in i + 1..DIMS.len() {
                out.push(cell(
                    dims_name(Some(i), Some(j)),
                    &keys.values[i],
                    &keys.values[j],
                ));
            }
        }
    }
    out
}

/// One rollup row's sums (or the change to them): its additive figures
/// and its two duration histograms.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RowSums {
    /// The additive figures.
    pub figures: DayFigures,
    /// Time to the first action, by bucket.
    pub first_action: Counts,
    /// Time to close, by bucket.
    pub to_close: Counts,
}

impl RowSums {
    /// The histogram of `metric`.
    pub fn counts_mut(&mut self, metric: Metric) -> &mut Counts {
        match metric {
            Metric::FirstAction => &mut self.first_action,
            Metric::Close => &mut self.to_close,
        }
    }

    /// Whether either histogram has counts.
    pub fn has_histograms(&self) -> bool {
        !self.first_action.is_empty() || !self.to_close.is_empty()
    }

    /// Whether nothing is counted.
    pub fn is_zero(&self) -> bool {
        self.figures.is_zero() && !self.has_histograms()
    }

    /// Adds `other`.
    pub fn add(&mut self, other: &RowSums) {
        self.figures.add(&other.figures, 1);
        histogram::add(&mut self.first_action, &other.first_action);
        histogram::add(&mut self.to_close, &other.to_close);
    }
}

/// The change to the rollups, row by row; zero changes are left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delta {
    /// (cell, day) → figures to add.
    pub days: BTreeMap<(Cell, i32), DayFigures>,
    /// (cell, day, metric, bucket) → samples to add.
    pub samples: BTreeMap<(Cell, i32, Metric, i32), i64>,
}

impl Delta {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.samples.is_empty()
    }

    /// The change row by row: figures and samples of each (cell, day)
    /// together, in key order.
    pub fn rows(&self) -> BTreeMap<(Cell, i32), RowSums> {
        let mut rows: BTreeMap<(Cell, i32), RowSums> = BTreeMap::new();
        for (key, f) in &self.days {
            rows.entry(key.clone()).or_default().figures = *f;
        }
        for ((cell, day, metric, bucket), n) in &self.samples {
            *rows
                .entry((cell.clone(), *day))
                .or_default()
                .counts_mut(*metric)
                .entry(*bucket)
                .or_default() += n;
        }
        rows
    }

    /// The same change summed by month: days become the first day of
    /// their month (what the monthly rollups add).
    pub fn by_month(&self) -> Delta {
        let mut m = Delta::default();
        for ((cell, day), f) in &self.days {
            m.days
                .entry((cell.clone(), month_start(*day)))
                .or_default()
                .add(f, 1);
        }
        for ((cell, day, metric, bucket), n) in &self.samples {
            *m.samples
                .entry((cell.clone(), month_start(*day), *metric, *bucket))
                .or_default() += n;
        }
        m.prune()
    }

    fn add(&mut self, keys: &Keys, c: &Contribution, sign: i64) {
        for cell in cells(keys) {
            for (day, f) in &c.days {
                self.days
                    .entry((cell.clone(), *day))
                    .or_default()
                    .add(f, sign);
            }
            for ((day, metric, bucket), n) in &c.samples {
                *self
                    .samples
                    .entry((cell.clone(), *day, *metric, *bucket))
                    .or_default() += sign * n;
            }
        }
    }

    fn prune(mut self) -> Self {
        self.days.retain(|_, f| !f.is_zero());
        self.samples.retain(|_, n| *n != 0);
        self
    }
}

/// What changing a case's fact from `old` to `new` does to the rollups: its
/// old contribution leaves its old cells and its new one joins its new
/// cells (when the keys did not change, only the difference is written).
pub fn delta(old: &Fact, new: &Fact) -> Delta {
    let mut d = Delta::default();
    match (old.keys(), new.keys()) {
        (Some(ko), Some(kn)) if ko == kn => {
            let (co, cn) = (old.contribution(), new.contribution());
            let mut diff = Contribution::default();
            for (day, f) in &cn.days {
                diff.days.entry(*day).or_default().add(f, 1);
            }
            for (day, f) in &co.days {
                diff.days.entry(*day).or_default().add(f, -1);
            }
            for (k, n) in &cn.samples {
                *diff.samples.entry(*k).or_default() += n;
            }
            for (k, n) in &co.samples {
                *diff.samples.entry(*k).or_default() -= n;
            }
            diff.days.retain(|_, f| !f.is_zero());
            diff.samples.retain(|_, n| *n != 0);
            d.add(&kn, &diff, 1);
        }
        (ko, kn) => {
            if let Some(ko) = ko {
                d.add(&ko, &old.contribution(), -1);
            }
            if let Some(kn) = kn {
                d.add(&kn, &new.contribution(), 1);
            }
        }
    }
    d.prune()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_month_sums_the_days_of_each_month_and_drops_what_cancels() {
        use crate::fact::{day_number, month_start};
        use jiff::civil::date;
        let cell = Cell {
            pool_id: String::new(),
            dims: String::new(),
            key1: String::new(),
            key2: String::new(),
        };
        let (jan31, feb1, feb2) = (
            day_number(date(2026, 1, 31)),
            day_number(date(2026, 2, 1)),
            day_number(date(2026, 2, 2)),
        );
        let mut d = Delta::default();
        let f = |opened, open_delta| DayFigures {
            opened,
            open_delta,
            ..DayFigures::default()
        };
        d.days.insert((cell.clone(), jan31), f(1, 1));
        d.days.insert((cell.clone(), feb1), f(2, 2));
        d.days.insert((cell.clone(), feb2), f(0, -2));
        d.samples.insert((cell.clone(), feb1, Metric::Close, 7), 1);
        d.samples.insert((cell.clone(), feb2, Metric::Close, 7), 2);
        d.samples
            .insert((cell.clone(), feb2, Metric::FirstAction, 3), 1);
        d.samples
            .insert((cell.clone(), jan31, Metric::FirstAction, 3), -1);
        let m = d.by_month();
        assert_eq!(month_start(feb2), feb1);
        assert_eq!(month_start(jan31), day_number(date(2026, 1, 1)));
        assert_eq!(
            m.days,
            BTreeMap::from([
                ((cell.clone(), month_start(jan31)), f(1, 1)),
                ((cell.clone(), feb1), f(2, 0)),
            ])
        );
        assert_eq!(
            m.samples,
            BTreeMap::from([
                (
                    (cell.clone(), month_start(jan31), Metric::FirstAction, 3),
                    -1
                ),
                ((cell.clone(), feb1, Metric::Close, 7), 3),
                ((cell.clone(), feb1, Metric::FirstAction, 3), 1),
            ])
        );
    }

    #[test]
    fn a_case_touches_29_cells_per_pool_value() {
        let keys = Keys {
            pool: "p".into(),
            values: std::array::from_fn(|i| format!("v{i}")),
        };
        let all = cells(&keys);
        assert_eq!(all.len(), 58);
        let distinct: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), 58);
        assert!(all.contains(&Cell {
            pool_id: "p".into(),
            dims: "category,closure_reason".into(),
            key1: "v2".into(),
            key2: "v5".into(),
        }));
    }
}
