//! What the benchmark binaries (`src/bin`) share: databases beside the
//! admin URL's, and latency percentiles printed one line per measurement.

/// `base` with its database replaced by `db`.
pub fn with_db(base: &str, db: &str) -> String {
    let cut = base.rfind('/').expect("a database URL");
    format!("{}/{db}", &base[..cut])
}

/// The `p` quantile (0–1) of sorted milliseconds: the smallest value at
/// or above that share of the samples.
pub fn pct(ms: &[f64], p: f64) -> f64 {
    let i = ((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1;
    ms[i]
}

/// Prints p50, p95, p99 and max of sorted milliseconds, `name` padded to `width`.
#[allow(clippy::print_stdout, reason = "benchmarks report on stdout")]
pub fn print_latencies(name: &str, width: usize, ms: &[f64]) {
    println!(
        "  {name:<width$} p50 {:>7.1} ms   p95 {:>7.1} ms   p99 {:>7.1} ms   max {:>7.1} ms   (n = {})",
        pct(ms, 0.50),
        pct(ms, 0.95),
        pct(ms, 0.99),
        ms.last().copied().unwrap_or_default(),
        ms.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_sample_at_or_above_the_share() {
        let ms: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pct(&ms, 0.5), 50.0);
        assert_eq!(pct(&ms, 0.99), 99.0);
        assert_eq!(pct(&ms, 1.0), 100.0);
        assert_eq!(pct(&[7.0], 0.99), 7.0);
    }

    #[test]
    fn the_database_is_replaced_not_appended() {
        assert_eq!(
            with_db("postgres://u:p@h:1/postgres", "bench"),
            "postgres://u:p@h:1/bench"
        );
    }
}
