//! The end-to-end benchmark behind `scripts/bench`: runs the services as
//! separate processes on PostgreSQL and Kafka, then measures
//!
//! 1. a burst: `--count` applications posted with `--concurrency` clients;
//!    end-to-end applications/s from the first POST to the last case
//!    committed, and the acknowledgement latency;
//! 2. a steady `--rate` applications/s for `--seconds`: acknowledgement
//!    p50/p99 at that rate;
//! 3. on the same PostgreSQL, a `pgbench` single-row insert baseline, and the
//!    ratio of 1 to it.
//!
//! It prints its figures; it asserts nothing about time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark tool fails loudly"
)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use futures::StreamExt as _;
use tekmerkez_integration_tests::{cluster::Cluster, scenario};

/// The end-to-end benchmark: a burst of applications, then a steady rate,
/// then a pgbench baseline on the same PostgreSQL.
///
/// Run it with scripts/bench, which starts PostgreSQL and the broker and
/// passes them in TEKMERKEZ_TEST_PG_URL and TEKMERKEZ_TEST_KAFKA.
#[derive(Parser)]
#[command(name = "tekmerkez-load", version)]
struct Args {
    /// Applications posted in the burst.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    count: usize,
    /// Clients posting at once in the burst.
    #[arg(long, value_name = "C", default_value_t = 64)]
    concurrency: usize,
    /// Applications per second in the steady phase (at least 1).
    #[arg(
        long,
        value_name = "R",
        default_value_t = 1_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    rate: u64,
    /// How long the steady phase lasts, in seconds.
    #[arg(long, value_name = "S", default_value_t = 10)]
    seconds: u64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn post_one(client: &reqwest::Client, url: &str, key: String, i: usize) -> Duration {
    let (body, _, _) = scenario::application(i);
    loop {
        let start = Instant::now();
        let r = client
            .post(format!("{url}/v1/applications"))
            .header("Idempotency-Key", key.clone())
            .json(&body)
            .send()
            .await;
        if let Ok(r) = r
            && r.status().as_u16() == 202
        {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_cases(cluster: &Cluster, want: i64) {
    while cluster.count("SELECT COUNT(*) FROM cases").await < want {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CPU time (user + system, in clock ticks) of one process, from /proc.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // Fields after the command name (which may hold spaces) in parentheses:
    // state is the 1st, utime the 12th, stime the 13th.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    n(11) + n(12)
}

/// Every process named `name` (PostgreSQL's backends come and go).
fn pids_named(name: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .collect()
}

/// CPU ticks so far of each part of the system under test.
fn cpu_snapshot(cluster: &Cluster) -> Vec<(&'static str, u64)> {
    let home = std::env::var("TEKMERKEZ_HOME").unwrap_or_else(|_| {
        format!(
            "{}/.cache/tekmerkez",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let broker = std::fs::read_to_string(format!("{home}/state/kafka.pid"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .map_or(0, cpu_ticks);
    let mut parts: Vec<(&'static str, u64)> = ["intake", "routing", "case"]
        .into_iter()
        .map(|s| (s, cluster.pid(s).map_or(0, cpu_ticks)))
        .collect();
    parts.push(("broker (tansu)", broker));
    parts.push((
        "postgresql",
        pids_named("postgres").into_iter().map(cpu_ticks).sum(),
    ));
    parts.push(("load generator", cpu_ticks(std::process::id())));
    parts
}

fn print_cpu(before: &[(&'static str, u64)], after: &[(&'static str, u64)], apps: usize) {
    let hz = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    let per_app = |ticks: u64| ticks as f64 / hz * 1000.0 / apps as f64;
    let mut total = 0.0;
    let mut line = String::from("  CPU per application (ms):");
    for ((name, a), (_, b)) in before.iter().zip(after) {
        let ms = per_app(b.saturating_sub(*a));
        total += ms;
        line.push_str(&format!(" {name} {ms:.2};"));
    }
    println!("{line} total {total:.2}");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    println!(
        "  CPU ceiling on {cores} cores: about {:.0} applications/s",
        cores * 1000.0 / total
    );
}

fn pgbench_tps(cluster: &Cluster) -> f64 {
    let admin = std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".into());
    let url = cluster.case_db.clone();
    let psql = |sql: &str| {
        let ok = std::process::Command::new("psql")
            .arg(&url)
            .args(["-q", "-c", sql])
            .status()
            .unwrap()
            .success();
        assert!(ok, "psql failed: {sql}");
    };
    psql(
        "CREATE TABLE IF NOT EXISTS bench_baseline (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)",
    );
    let script = std::env::temp_dir().join("tekmerkez-pgbench.sql");
    std::fs::write(
        &script,
        "INSERT INTO bench_baseline (payload) VALUES (repeat('x', 600));\n",
    )
    .unwrap();
    let out = std::process::Command::new("/usr/lib/postgresql/15/bin/pgbench")
        .args(["-n", "-c", "8", "-j", "2", "-T", "10", "-f"])
        .arg(&script)
        .arg(&url)
        .output()
        .unwrap();
    let _ = admin;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("tps = ")
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or_else(|| {
            panic!(
                "pgbench printed no tps: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

#[tokio::main]
async fn main() {
    let a = Args::parse();
    let mut cluster = Cluster::new().await;
    scenario::setup(&mut cluster).await;
    let url = cluster.intake_url.clone();
    let run = cluster.prefix.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();

    println!(
        "burst: {} applications, {} concurrent clients",
        a.count, a.concurrency
    );
    let cpu_before = cpu_snapshot(&cluster);
    let started = Instant::now();
    let mut acks: Vec<Duration> = futures::stream::iter(0..a.count)
        .map(|i| {
            let (client, url, key) = (client.clone(), url.clone(), format!("{run}b-{i}"));
            async move { post_one(&client, &url, key, i).await }
        })
        .buffer_unordered(a.concurrency)
        .collect()
        .await;
    let acked = started.elapsed();
    wait_cases(&cluster, a.count as i64).await;
    let end_to_end = started.elapsed();
    let cpu_after = cpu_snapshot(&cluster);
    acks.sort_unstable();
    let e2e_rate = a.count as f64 / end_to_end.as_secs_f64();
    println!(
        "  acknowledged all in {:.1} s ({:.0}/s)",
        acked.as_secs_f64(),
        a.count as f64 / acked.as_secs_f64()
    );
    println!(
        "  end to end (HTTP in -> case committed): {:.1} s, {:.0} applications/s",
        end_to_end.as_secs_f64(),
        e2e_rate
    );
    println!(
        "  acknowledgement p50 {:?}, p99 {:?}",
        percentile(&acks, 0.50),
        percentile(&acks, 0.99)
    );
    print_cpu(&cpu_before, &cpu_after, a.count);

    println!("steady: {} applications/s for {} s", a.rate, a.seconds);
    let total = (a.rate * a.seconds) as usize;
    let lat = Arc::new(std::sync::Mutex::new(Vec::with_capacity(total)));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / a.rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tick.tick().await;
        let (client, url, key, lat) = (
            client.clone(),
            url.clone(),
            format!("{run}s-{i}"),
            lat.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let d = post_one(&client, &url, key, a.count + i).await;
            lat.lock().unwrap().push(d);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut steady = lat.lock().unwrap().clone();
    steady.sort_unstable();
    println!(
        "  acknowledgement p50 {:?}, p99 {:?} ({} requests)",
        percentile(&steady, 0.50),
        percentile(&steady, 0.99),
        steady.len()
    );
    wait_cases(&cluster, (a.count + total) as i64).await;

    let tps = pgbench_tps(&cluster);
    println!(
        "baseline: pgbench single-row inserts on the same PostgreSQL: {tps:.0}/s (8 clients, 10 s)"
    );
    println!("ratio: end-to-end / baseline = {:.4}", e2e_rate / tps);
}
