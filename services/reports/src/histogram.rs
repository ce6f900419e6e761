//! Durations as log-scale buckets, so a median over any days and keys is
//! read from summed counts: bucket `b` holds durations `d` (seconds) with
//! `60·(1.05^b − 1) ≤ d < 60·(1.05^(b+1) − 1)`, each bucket 5 % wider than
//! the last. The median is the bucket's midpoint, within 2.5 % of the true
//! (lower) median plus a minute; two years fit in about 290 buckets.
//!
//! A rollup row keeps its histogram as text, `bucket:count` pairs joined
//! by commas in bucket order (`"141:2,143:1"`; empty when none), so one row
//! holds a cell's whole day or month and an operator can read it in `psql`.

use std::collections::BTreeMap;

/// The growth of each bucket's width.
const GROWTH: f64 = 1.05;

/// The bucket of a duration of `secs` seconds (negative counts as 0).
pub fn bucket(secs: i64) -> i32 {
    let minutes = secs.max(0) as f64 / 60.0;
    // The floor of a finite non-negative value well inside i32.
    let b = ((1.0 + minutes).ln() / GROWTH.ln()).floor() as i32;
    // Guard the floating-point edge: the lower bound must not exceed secs.
    if lower(b) > secs.max(0) as f64 {
        b - 1
    } else {
        b
    }
}

/// The lower bound of bucket `b`, in seconds.
pub fn lower(b: i32) -> f64 {
    60.0 * (GROWTH.powi(b) - 1.0)
}

/// The midpoint of bucket `b`, in hours.
pub fn midpoint_hours(b: i32) -> f64 {
    (lower(b) + lower(b + 1)) / 2.0 / 3600.0
}

/// The lower median (the ⌈n/2⌉-th smallest sample) of `(bucket, count)`
/// pairs in any order, as a bucket; `None` without samples.
pub fn median_bucket(counts: impl IntoIterator<Item = (i32, i64)>) -> Option<i32> {
    let mut all: Vec<(i32, i64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    all.sort_unstable();
    let total: i64 = all.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = (total + 1) / 2;
    let mut seen = 0;
    for (b, n) in all {
        seen += n;
        if seen >= rank {
            return Some(b);
        }
    }
    None
}

/// Sample counts by bucket.
pub type Counts = BTreeMap<i32, i64>;

/// The `(bucket, count)` pairs of stored text `text`, in its order; `None`
/// when it does not parse.
fn pairs(text: &str) -> Option<Vec<(i32, i64)>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|pair| {
            let (b, n) = pair.split_once(':')?;
            Some((b.parse().ok()?, n.parse().ok()?))
        })
        .collect()
}

/// The counts of stored text `text` (pairs in any order; a bucket named
/// twice is summed); `None` when it does not parse.
pub fn decode(text: &str) -> Option<Counts> {
    let mut out = Counts::new();
    for (b, n) in pairs(text)? {
        *out.entry(b).or_default() += n;
    }
    Some(out)
}

/// The stored text of `counts`: zero counts left out, buckets in order.
pub fn encode(counts: &Counts) -> String {
    let mut out = String::new();
    for (b, n) in counts.iter().filter(|(_, n)| **n != 0) {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(&b.to_string());
        out.push(':');
        out.push_str(&n.to_string());
    }
    out
}

/// Adds `other` into `counts`, dropping buckets that sum to zero.
pub fn add(counts: &mut Counts, other: &Counts) {
    for (b, n) in other {
        *counts.entry(*b).or_default() += n;
    }
    counts.retain(|_, n| *n != 0);
}

/// The highest bucket a stored text may name: about 10^200 minutes, so
/// anything above is a corrupt row, not a duration.
const MAX_BUCKET: usize = 10_000;

/// Counts indexed by bucket: what a summary adds thousands of rows into,
/// straight from their stored text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dense(Vec<i64>);

impl Dense {
    /// Adds the counts of stored text `text`; `None` (perhaps after some)
    /// when it does not parse or names a bucket out of range.
    pub fn add_text(&mut self, text: &str) -> Option<()> {
        for (b, n) in pairs(text)? {
            let b = usize::try_from(b).ok().filter(|b| *b <= MAX_BUCKET)?;
            if self.0.len() <= b {
                self.0.resize(b + 1, 0);
            }
            self.0[b] += n;
        }
        Some(())
    }

    /// Adds `other`.
    pub fn absorb(&mut self, other: &Dense) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine += theirs;
        }
    }

    /// How many samples.
    pub fn total(&self) -> i64 {
        self.0.iter().sum()
    }

    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|n| *n == 0)
    }

    /// The lower median, as [`median_bucket`] gives it.
    pub fn median_bucket(&self) -> Option<i32> {
        median_bucket(
            self.0
                .iter()
                .enumerate()
                .map(|(b, n)| (i32::try_from(b).unwrap_or(i32::MAX), *n)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_round_trips_and_sums_repeated_buckets() {
        let counts = Counts::from([(3, 2), (141, 1), (290, 70_000)]);
        assert_eq!(encode(&counts), "3:2,141:1,290:70000");
        assert_eq!(decode(&encode(&counts)), Some(counts));
        assert_eq!(decode(""), Some(Counts::new()));
        assert_eq!(encode(&Counts::from([(4, 0)])), "");
        assert_eq!(decode("7:1,2:3,7:-1"), Some(Counts::from([(2, 3), (7, 0)])));
        for bad in ["7", "7:", ":1", "a:1", "1:2,", "1:2;3:4"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn dense_counts_add_stored_texts_as_the_sparse_ones_do() {
        let texts = ["3:2,141:1", "", "141:4,7:1", "3:-2"];
        let mut dense = Dense::default();
        let mut sparse = Counts::new();
        for t in texts {
            assert_eq!(dense.add_text(t), Some(()));
            add(&mut sparse, &decode(t).unwrap());
        }
        assert_eq!(dense.total(), sparse.values().sum::<i64>());
        assert_eq!(
            dense.median_bucket(),
            median_bucket(sparse.iter().map(|(b, n)| (*b, *n)))
        );
        assert_eq!(dense.median_bucket(), Some(141));
        let mut twice = dense.clone();
        twice.absorb(&dense);
        assert_eq!(twice.total(), 2 * dense.total());
        assert!(Dense::default().is_empty());
        for bad in ["7", "-1:2", "10001:1", "1:x"] {
            assert_eq!(Dense::default().add_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn adding_drops_what_cancels() {
        let mut c = Counts::from([(1, 2), (5, 1)]);
        add(&mut c, &Counts::from([(5, -1), (9, 4)]));
        assert_eq!(c, Counts::from([(1, 2), (9, 4)]));
    }

    #[test]
    fn every_duration_falls_inside_its_bucket_and_the_midpoint_is_close() {
        for secs in (0..3_000_000_i64)
            .step_by(997)
            .chain([0, 59, 60, 61, 3600, 63_072_000])
        {
            let b = bucket(secs);
            assert!(
                lower(b) <= secs as f64 && (secs as f64) < lower(b + 1),
                "{secs} in {b}"
            );
            let mid = midpoint_hours(b) * 3600.0;
            assert!(
                (mid - secs as f64).abs() <= 0.025 * secs as f64 + 60.0,
                "{secs}: {mid}"
            );
        }
        assert!(bucket(63_072_000) < 300, "two years fit in 300 buckets");
    }

    #[test]
    fn the_median_is_the_lower_median_over_summed_counts() {
        assert_eq!(median_bucket([]), None);
        assert_eq!(median_bucket([(5, 1)]), Some(5));
        assert_eq!(median_bucket([(9, 1), (2, 1)]), Some(2), "lower of two");
        assert_eq!(median_bucket([(9, 2), (2, 1), (4, 0)]), Some(9));
        assert_eq!(median_bucket([(3, 2), (1, 1), (3, 1), (7, 3)]), Some(3));
    }
}
