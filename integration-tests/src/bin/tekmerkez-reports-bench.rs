//! The reports at ten million cases, on a PostgreSQL with production
//! durability: seeds the reports' database with `--cases` cases over
//! `--days` days (kept between runs), measures how fast the consumer
//! rebuilds the rollups from events, then starts the case service, the
//! reports service, intake and the gateway on it and times *Raporlar*
//! (admin, directorate manager, pool manager; this month, last month, the
//! year, a pair breakdown, the monthly trend) and `GET /v1/reports/summary`,
//! printing p50, p95, p99 and max of each. A benchmark, not a test: it
//! asserts nothing about time. Run it with `scripts/bench-reports`.
//!
//! The seed goes through the reports' own code: each synthetic case is a
//! [`Fact`], its rollup change is [`cells::delta`] and its rows
//! [`Fact::rows`], exactly what the consumer writes; only the writing is
//! bulk (`COPY`), summed per row in memory first. Every case is drawn on
//! its own (keys, times, durations, closure, survey), so the rollups hold
//! as many distinct cells as real cases would fill (only a day busier than
//! [`PROFILES`] draws profiles standing for a few cases each), and every
//! case has its own row in `report_case_rows`. The per-case facts (`report_cases`), which no report
//! reads, are not written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::panic,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use std::{
    collections::HashMap,
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use jiff::civil::Date;
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};
use secrecy::SecretString;
use sqlx::{Connection as _, Executor as _, PgConnection};
use tekmerkez_integration_tests::{
    bench::{print_latencies, with_db},
    web::{Browser, sign_in},
};
use tekmerkez_reports::{
    cells::{self, Cell, RowSums},
    fact::{Fact, Keys, Mark, Opening, Survey, Versioned, date_of, day_number, month_start},
    histogram,
    store::ReportStore,
};
use tokio_util::sync::CancellationToken;

/// The reports at scale: seeds the reports' database, measures the
/// rebuild, and times the report pages and the summary API.
///
/// Run it with scripts/bench-reports, which starts a durable PostgreSQL.
#[derive(Parser)]
#[command(name = "tekmerkez-reports-bench", version)]
struct Args {
    /// The PostgreSQL server's admin URL (production durability); the
    /// benchmark's databases are created beside its database.
    #[arg(
        long,
        value_name = "URL",
        env = "TEKMERKEZ_BENCH_PG_URL",
        default_value = "postgres://postgres:postgres@127.0.0.1:55433/postgres"
    )]
    pg_url: String,
    /// Cases in the rollups' source.
    #[arg(long, value_name = "N", default_value_t = 10_000_000)]
    cases: u64,
    /// Days they span, ending yesterday.
    #[arg(long, value_name = "N", default_value_t = 1096)]
    days: i32,
    /// Requests timed per page and per API call.
    #[arg(long, value_name = "N", default_value_t = 200)]
    requests: usize,
    /// Events applied one at a time through the consumer's store to time
    /// the rebuild (a fresh database each run).
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    rebuild_events: usize,
    /// Tasks applying events at once, each with its own cases (the
    /// consumer's lanes: `reports.consumer.concurrency`).
    #[arg(long, value_name = "N", default_value_t = 4)]
    rebuild_lanes: usize,
    /// Drop the seeded database and seed it again.
    #[arg(long)]
    fresh: bool,
}

const REPORTS_DB: &str = "tekmerkez_reports_bench";

async fn recreate_database(admin_url: &str, db: &str) {
    let mut c = PgConnection::connect(admin_url).await.unwrap();
    c.execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
        .await
        .unwrap();
    c.execute(format!("CREATE DATABASE {db}").as_str())
        .await
        .unwrap();
}

/// The settings a benchmark on production settings must show.
async fn print_settings(url: &str) {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut line = String::new();
    for name in [
        "server_version",
        "fsync",
        "synchronous_commit",
        "full_page_writes",
        "shared_buffers",
        "work_mem",
    ] {
        let v: String = sqlx::query_scalar(&format!("SHOW {name}"))
            .fetch_one(&mut c)
            .await
            .unwrap();
        let _ = write!(line, "{name}={v} ");
    }
    println!("PostgreSQL: {}", line.trim_end());
}

// --- The synthetic centre -----------------------------------------------------

/// A pool of the demo organisation, with what is filed in it.
#[derive(Debug, Clone)]
struct PoolOf {
    id: String,
    province: u32,
    categories: &'static [&'static str],
    /// How often it gets an application, relative to the others.
    weight: u32,
}

/// The demo organisation's pools (the case service's), so that scopes and
/// names resolve as in production.
async fn pools(case_url: &str) -> Vec<PoolOf> {
    let mut c = PgConnection::connect(case_url).await.unwrap();
    let rows: Vec<(String, i64, String, bool)> = sqlx::query_as(
        "SELECT p.id::text, p.province_code, u.name, p.triage FROM pools p \
         JOIN units u ON u.id = p.unit_id ORDER BY p.id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, province, unit, triage)| {
            let (categories, weight): (&'static [&'static str], u32) = match unit.as_str() {
                _ if triage => (&["genel_bilgi", "diger"], 2),
                "Su Arıza Birimi" => (&["su_arizasi", "kanalizasyon"], 10),
                "Abone İşleri Birimi" => (&["fatura", "sayac"], 8),
                "Çevre Denetim Birimi" => (&["cevre_kirliligi"], 3),
                _ => (&["diger"], 1),
            };
            PoolOf {
                id,
                province: u32::try_from(province).unwrap(),
                categories,
                weight,
            }
        })
        .collect()
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (t, w) in items {
        if x < *w {
            return t;
        }
        x -= w;
    }
    &items[0].0
}

const CHANNELS: &[(&str, u32)] = &[
    ("phone", 36),
    ("web_form", 18),
    ("mobile_app", 16),
    ("email", 8),
    ("social_media", 7),
    ("written", 5),
    ("face_to_face", 4),
    ("partner", 6),
];
const TYPES: &[(&str, u32)] = &[
    ("talep", 50),
    ("sikayet", 25),
    ("bilgi_edinme", 8),
    ("oneri", 7),
    ("ihbar", 7),
    ("tesekkur", 3),
];
/// Partner, its source.
const PARTNERS: &[((&str, &str), u32)] = &[
    (("cimer", "cimer"), 6),
    (("acikkapi", "acik_kapi"), 2),
    (("valilik", "other_body"), 1),
    (("bakanlik", "other_body"), 1),
];
const REASONS: &[(&str, u32)] = &[
    ("cozuldu", 50),
    ("bilgi_verildi", 20),
    ("is_programina_alindi", 8),
    ("talep_karsilanamadi", 4),
    ("yetki_disi", 5),
    ("mukerrer", 5),
    ("asilsiz", 2),
    ("vatandasa_ulasilamadi", 4),
    ("basvuru_sahibi_vazgecti", 2),
];

/// A duration drawn log-uniformly between `min` and `max` seconds.
fn log_uniform(rng: &mut StdRng, min: f64, max: f64) -> i64 {
    (min.ln() + rng.random::<f64>() * (max.ln() - min.ln())).exp() as i64
}

/// One synthetic case opened on `day`, decided by `now` (Unix seconds).
fn draw_case(rng: &mut StdRng, pools: &[(PoolOf, u32)], day: i32, now: i64) -> Fact {
    let pool = weighted(rng, pools);
    let category = pool.categories[rng.random_range(0..pool.categories.len())];
    let channel = *weighted(rng, CHANNELS);
    let (partner, source) = if channel == "partner" {
        *weighted(rng, PARTNERS)
    } else {
        ("", "direct")
    };
    let app_type = if source == "direct" {
        *weighted(rng, TYPES)
    } else {
        *weighted(rng, &TYPES[..2])
    };
    // Istanbul is UTC+3 all year: a day's 07:00–21:00 local time.
    let midnight = date_of(day)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .unwrap()
        .timestamp()
        .as_second();
    let at = midnight + rng.random_range(7 * 3600..21 * 3600);
    let information_only = channel == "phone" && rng.random_bool(0.25);
    let legal_days = if app_type == "bilgi_edinme" { 21 } else { 42 };
    let due = date_of(day + legal_days).to_string();
    let mut fact = Fact {
        opening: Some(Opening {
            at,
            channel: channel.to_owned(),
            source: source.to_owned(),
            partner: partner.to_owned(),
            information_only,
            tracking_number: String::new(),
        }),
        pool: Versioned {
            value: pool.id.clone(),
            version: 1,
        },
        category: Versioned {
            value: category.to_owned(),
            version: 1,
        },
        province: Versioned {
            value: pool.province,
            version: 1,
        },
        app_type: Versioned {
            value: app_type.to_owned(),
            version: 1,
        },
        closure_reason: Versioned::default(),
        legal_due_date: Versioned {
            value: due,
            version: 1,
        },
        first_action_at: None,
        marks: Vec::new(),
        survey: None,
        incident: Versioned::default(),
    };
    let mut version = 2;
    if information_only {
        resolve(&mut fact, rng, at, now, &mut version);
        return fact;
    }
    let first = at + log_uniform(rng, 120.0, 3.0 * 86_400.0);
    if first <= now && rng.random_bool(0.9) {
        fact.first_action_at = Some(first);
    }
    let took = log_uniform(rng, 1_800.0, 45.0 * 86_400.0);
    if rng.random_bool(0.97) && resolve(&mut fact, rng, first.max(at) + took, now, &mut version) {
        let resolved_at = fact.marks[0].at;
        if rng.random_bool(0.03) {
            // Reopened, then answered again.
            let reopened = resolved_at + log_uniform(rng, 3_600.0, 5.0 * 86_400.0);
            if reopened <= now {
                fact.marks.push(Mark {
                    version,
                    at: reopened,
                    resolved: false,
                });
                version += 1;
                let again = reopened + log_uniform(rng, 3_600.0, 10.0 * 86_400.0);
                resolve(&mut fact, rng, again, now, &mut version);
            }
        }
        let survey_at = resolved_at + rng.random_range(600..86_400);
        if survey_at <= now && rng.random_bool(0.2) {
            fact.survey = Some(Survey {
                at: survey_at,
                score: *weighted(rng, &[(5, 45), (4, 25), (3, 12), (2, 8), (1, 10)]),
            });
        }
    }
    fact
}

/// Resolves `fact` at `at` with a drawn closure reason, unless `at` is
/// still to come; whether it did.
fn resolve(fact: &mut Fact, rng: &mut StdRng, at: i64, now: i64, version: &mut i64) -> bool {
    if at > now {
        return false;
    }
    fact.closure_reason = Versioned {
        value: (*weighted(rng, REASONS)).to_owned(),
        version: *version,
    };
    fact.marks.push(Mark {
        version: *version,
        at,
        resolved: true,
    });
    *version += 1;
    true
}

// --- Bulk writing ---------------------------------------------------------------

/// A rollup cell with its strings interned (see [`CellShapes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct CellId {
    /// Which of [`cells::cells`]'s cells.
    shape: u8,
    /// Interned pool (`''` for the cells over all pools) and key values.
    pool: u32,
    key1: u32,
    key2: u32,
}

/// Where each cell of [`cells::cells`] takes its pool and keys from,
/// learnt once from the function itself on placeholder keys, so summing
/// millions of cases hashes small numbers instead of strings while the
/// cells stay exactly the consumer's.
struct CellShapes {
    /// Per cell: its `dims`, whether it is the pool's own, and which key
    /// value (index into [`Keys::values`]) fills `key1` and `key2`.
    shapes: Vec<(String, bool, Option<usize>, Option<usize>)>,
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl CellShapes {
    fn new() -> Self {
        let placeholder = |i: usize| format!("\u{1}{i}");
        let template = Keys {
            pool: "\u{1}pool".to_owned(),
            values: std::array::from_fn(placeholder),
        };
        let source = |v: &str| (0..cells::DIMS.len()).find(|i| placeholder(*i) == v);
        let shapes = cells::cells(&template)
            .into_iter()
            .map(|c| {
                (
                    c.dims.clone(),
                    c.pool_id == template.pool,
                    source(&c.key1),
                    source(&c.key2),
                )
            })
            .collect();
        let mut me = Self {
            shapes,
            names: Vec::new(),
            ids: HashMap::new(),
        };
        me.id("");
        me
    }

    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap();
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), id);
        id
    }

    /// The cells of `keys`, as [`cells::cells`] lists them.
    fn cells(&mut self, keys: &Keys) -> Vec<CellId> {
        let pool = self.id(&keys.pool);
        let values: Vec<u32> = keys.values.iter().map(|v| self.id(v)).collect();
        let value = |i: Option<usize>| i.map_or(0, |i| values[i]);
        self.shapes
            .iter()
            .enumerate()
            .map(|(n, (_, own, k1, k2))| CellId {
                shape: u8::try_from(n).unwrap(),
                pool: if *own { pool } else { 0 },
                key1: value(*k1),
                key2: value(*k2),
            })
            .collect()
    }

    /// The strings of `id`.
    fn cell(&self, id: CellId) -> Cell {
        let name = |i: u32| self.names[i as usize].clone();
        Cell {
            dims: self.shapes[usize::from(id.shape)].0.clone(),
            pool_id: name(id.pool),
            key1: name(id.key1),
            key2: name(id.key2),
        }
    }
}

/// The rollups being built, flushed day by day once no later case can
/// change them.
struct Rollups {
    shapes: CellShapes,
    days: HashMap<(CellId, i32), RowSums>,
    /// The current month's sums of the days flushed (the monthly rows).
    month: HashMap<(CellId, i32), RowSums>,
    daily_rows: u64,
    monthly_rows: u64,
}

/// `COPY` text of one rollup row.
fn row_line(out: &mut String, cell: &Cell, day: i32, s: &RowSums) {
    let f = &s.figures;
    let _ = writeln!(
        out,
        "{}\t{}\t{day}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        cell.dims,
        cell.pool_id,
        cell.key1,
        cell.key2,
        f.opened,
        f.resolved,
        f.open_delta,
        f.on_time,
        f.late,
        f.survey_count,
        f.survey_sum,
        histogram::encode(&s.first_action),
        histogram::encode(&s.to_close),
    );
}

/// What one flush writes: daily rows, and monthly ones at a month's end.
#[derive(Default)]
struct Flushed {
    days: String,
    months: String,
}

impl Rollups {
    fn new() -> Self {
        Self {
            shapes: CellShapes::new(),
            days: HashMap::new(),
            month: HashMap::new(),
            daily_rows: 0,
            monthly_rows: 0,
        }
    }

    /// Adds `weight` cases like `fact` (a new case: its whole contribution
    /// under each of its cells, what [`cells::delta`] from nothing gives).
    fn add(&mut self, fact: &Fact, weight: i64) {
        let Some(keys) = fact.keys() else {
            return;
        };
        let contribution = fact.contribution();
        for cell in self.shapes.cells(&keys) {
            for (day, f) in &contribution.days {
                self.days
                    .entry((cell, *day))
                    .or_default()
                    .figures
                    .add(f, weight);
            }
            for ((day, metric, bucket), n) in &contribution.samples {
                *self
                    .days
                    .entry((cell, *day))
                    .or_default()
                    .counts_mut(*metric)
                    .entry(*bucket)
                    .or_default() += n * weight;
            }
        }
    }

    /// `COPY` text of the rows of days up to `last`, removed from memory,
    /// and of the month ending with `last` when it does (`i32::MAX`: all).
    fn take_until(&mut self, last: i32) -> Flushed {
        let mut out = Flushed::default();
        let (month, shapes) = (&mut self.month, &self.shapes);
        let mut rows = 0;
        self.days.retain(|(cell, day), s| {
            if *day > last {
                return true;
            }
            if !s.is_zero() {
                row_line(&mut out.days, &shapes.cell(*cell), *day, s);
                rows += 1;
            }
            month.entry((*cell, month_start(*day))).or_default().add(s);
            false
        });
        self.daily_rows += rows;
        if last == i32::MAX || month_start(last + 1) == last + 1 {
            for ((cell, m), s) in self.month.drain() {
                if !s.is_zero() {
                    row_line(&mut out.months, &shapes.cell(cell), m, &s);
                    self.monthly_rows += 1;
                }
            }
        }
        out
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "\\N".to_owned(), |v| v.to_string())
}

/// `COPY` text of `weight` cases like `fact`, numbered from `*next`.
fn case_rows(out: &mut String, fact: &Fact, weight: i64, next: &mut u64) {
    let rows = fact.rows();
    for _ in 0..weight {
        *next += 1;
        let id = format!("00000000-0000-4000-8000-{:012x}", *next);
        let hex = format!("{:08X}", *next);
        let tracking = format!("B{}-{}0", &hex[..4], &hex[4..]);
        for r in &rows {
            let _ = writeln!(
                out,
                "{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{tracking}",
                r.span,
                r.opened_at,
                r.opened_day,
                r.start_day,
                opt(r.resolved_at),
                opt(r.resolved_day),
                opt(r.due_day),
                opt(r.on_time.map(i32::from)),
                r.keys.values[0],
                r.keys.values[1],
                r.keys.values[2],
                r.keys.pool,
                r.keys.values[3],
                r.keys.values[4],
                r.keys.values[5],
                r.keys.values[6],
            );
        }
    }
}

async fn copy(c: &mut PgConnection, statement: &str, data: String) {
    if data.is_empty() {
        return;
    }
    let mut copy = c.copy_in_raw(statement).await.unwrap();
    copy.send(data.into_bytes()).await.unwrap();
    copy.finish().await.unwrap();
}

const COPY_DAILY: &str = "COPY report_daily (dims, pool_id, day, key1, key2, opened, resolved, \
    open_delta, on_time, late, survey_count, survey_sum, first_action, to_close) FROM STDIN";
const COPY_MONTHLY: &str = "COPY report_monthly (dims, pool_id, month_day, key1, key2, opened, \
    resolved, open_delta, on_time, late, survey_count, survey_sum, first_action, to_close) \
    FROM STDIN";
const COPY_ROWS: &str = "COPY report_case_rows (case_id, span, opened_at, opened_day, start_day, \
    resolved_at, resolved_day, due_day, on_time, channel, type, category, pool_id, province, \
    partner, closure_reason, source, tracking_number) FROM STDIN";

async fn write(c: &mut PgConnection, f: Flushed) {
    copy(c, COPY_DAILY, f.days).await;
    copy(c, COPY_MONTHLY, f.months).await;
}

/// Cases drawn one by one per day: a day with more (none at the default
/// ten million over three years, about 9 100 a day and 12 000 on the
/// busiest) draws this many profiles, each standing for a few cases.
const PROFILES: u64 = 20_000;

/// How busy `day` is relative to an ordinary weekday.
fn busyness(day: i32) -> f64 {
    let d = date_of(day);
    let weekday = match d.weekday() {
        jiff::civil::Weekday::Saturday => 0.45,
        jiff::civil::Weekday::Sunday => 0.35,
        _ => 1.0,
    };
    let season = match d.month() {
        6..=8 => 1.3,
        12 | 1 | 2 => 0.9,
        _ => 1.0,
    };
    weekday * season
}

/// What one day of the seed loads: its cases' rows and the rollup rows
/// it completes.
struct SeedDay {
    case_rows: String,
    rollups: Flushed,
    progress: Option<String>,
}

/// Draws `cases` over the `days` days before `today`, sending each day's
/// rows to `tx` in order (the last message carries every row left).
fn draw_days(
    pools: &[(PoolOf, u32)],
    cases: u64,
    days: i32,
    today: i32,
    started: Instant,
    tx: &tokio::sync::mpsc::Sender<SeedDay>,
) {
    let first = today - days;
    let shares: Vec<f64> = (first..today).map(busyness).collect();
    let total: f64 = shares.iter().sum();
    let now = jiff::Timestamp::now().as_second();
    let (mut rollups, mut next, mut placed) = (Rollups::new(), 0u64, 0u64);
    for (i, day) in (first..today).enumerate() {
        // This day's cases: its share, the last day takes the rounding.
        let n = if day == today - 1 {
            cases - placed
        } else {
            ((cases as f64) * shares[i] / total).round() as u64
        };
        placed += n;
        let profiles = n.clamp(1, PROFILES);
        let mut rng = StdRng::seed_from_u64(u64::try_from(day).unwrap_or(0));
        let mut case_text = String::new();
        for p in 0..profiles {
            let weight = n / profiles + u64::from(p < n % profiles);
            if weight == 0 {
                continue;
            }
            let fact = draw_case(&mut rng, pools, day, now);
            let w = i64::try_from(weight).unwrap();
            rollups.add(&fact, w);
            case_rows(&mut case_text, &fact, w, &mut next);
        }
        // Nothing opened later changes this day's rollups; the last day
        // flushes everything (resolutions not yet due are in the future).
        let last = if day == today - 1 { i32::MAX } else { day };
        let flushed = rollups.take_until(last);
        let progress = (i % 100 == 99 || last == i32::MAX).then(|| {
            format!(
                "  {next} cases, {} daily and {} monthly rollup rows ({:.0} s)",
                rollups.daily_rows,
                rollups.monthly_rows,
                started.elapsed().as_secs_f64()
            )
        });
        let day = SeedDay {
            case_rows: case_text,
            rollups: flushed,
            progress,
        };
        if tx.blocking_send(day).is_err() {
            return;
        }
    }
}

/// Seeds `url` with `cases` over the `days` days before `today`.
async fn seed(url: &str, pools: &[PoolOf], cases: u64, days: i32, today: i32) {
    let store = ReportStore::connect(url, 2).unwrap();
    store.migrate().await.unwrap();
    let mut c = PgConnection::connect(url).await.unwrap();
    // Loaded without its secondary indexes, which are built once after.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'report_case_rows' \
         AND indexname <> 'report_case_rows_pkey'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (name, _) in &indexes {
        c.execute(format!("DROP INDEX {name}").as_str())
            .await
            .unwrap();
    }
    let weighted_pools: Vec<(PoolOf, u32)> = pools.iter().map(|p| (p.clone(), p.weight)).collect();
    let started = Instant::now();
    // Drawing and summing run on their own thread, a day or two ahead of
    // the database loading the days before.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<SeedDay>(2);
    let drawing = std::thread::spawn(move || {
        draw_days(&weighted_pools, cases, days, today, started, &tx);
    });
    while let Some(d) = rx.recv().await {
        copy(&mut c, COPY_ROWS, d.case_rows).await;
        write(&mut c, d.rollups).await;
        if let Some(line) = d.progress {
            println!("{line}");
        }
    }
    drawing.join().unwrap();
    println!(
        "  loaded in {:.0} s; indexing…",
        started.elapsed().as_secs_f64()
    );
    for (_, def) in &indexes {
        c.execute(def.as_str()).await.unwrap();
    }
    c.execute("VACUUM ANALYZE").await.unwrap();
    c.execute(
        "CREATE TABLE bench_seed (cases BIGINT NOT NULL, days INTEGER NOT NULL, today INTEGER NOT NULL)",
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO bench_seed VALUES ($1, $2, $3)")
        .bind(i64::try_from(cases).unwrap())
        .bind(days)
        .bind(today)
        .execute(&mut c)
        .await
        .unwrap();
    println!("  seeded in {:.0} s", started.elapsed().as_secs_f64());
}

/// The seed already there: (cases, days, the day after its last).
async fn seeded(url: &str) -> Option<(u64, i32, i32)> {
    let mut c = PgConnection::connect(url).await.ok()?;
    let row: (i64, i32, i32) = sqlx::query_as("SELECT cases, days, today FROM bench_seed")
        .fetch_one(&mut c)
        .await
        .ok()?;
    Some((u64::try_from(row.0).ok()?, row.1, row.2))
}

// --- The rebuild ----------------------------------------------------------------

/// Applies about `events` events (cases of three events: opened,
/// claimed, resolved) through the consumer's store, one event per
/// transaction, on `lanes` tasks each with its own cases in order, as the
/// consumer's lanes do (a lost race on a rollup row is retried, as the
/// consumer retries it); returns events per second.
async fn rebuild_speed(
    url: &str,
    pools: &[PoolOf],
    events: usize,
    lanes: usize,
    today: i32,
) -> f64 {
    let store = ReportStore::connect(url, u32::try_from(lanes).unwrap() + 1).unwrap();
    store.migrate().await.unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for lane in 0..lanes {
        let (store, pools) = (store.clone(), pools.to_vec());
        let share = events / lanes;
        tasks.spawn(async move { apply_cases(&store, &pools, share, lane as u64, today).await });
    }
    let mut applied = 0;
    while let Some(n) = tasks.join_next().await {
        applied += n.unwrap();
    }
    applied as f64 / started.elapsed().as_secs_f64()
}

/// One lane of [`rebuild_speed`]: at least `events` events; how many.
async fn apply_cases(
    store: &ReportStore,
    pools: &[PoolOf],
    events: usize,
    lane: u64,
    today: i32,
) -> usize {
    use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
    let mut rng = StdRng::seed_from_u64(7 + lane);
    let ts = |s: i64| {
        Some(prost_types::Timestamp {
            seconds: s,
            nanos: 0,
        })
    };
    let mut applied = 0;
    let mut n = 0u64;
    while applied < events {
        n += 1;
        let case_id = uuid::Uuid::new_v4().to_string();
        let pool = &pools[rng.random_range(0..pools.len())];
        let day = today - rng.random_range(1..365);
        let at = date_of(day)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second()
            + rng.random_range(4 * 3600..18 * 3600);
        let event = |version: i64, at: i64, payload: pb::case_event::Payload| pb::CaseEvent {
            event_id: uuid::Uuid::new_v4().to_string(),
            case_id: case_id.clone(),
            case_version: version,
            occurred_at: ts(at),
            tracking_number: format!("R{lane}-{n:08}"),
            payload: Some(payload),
            ..Default::default()
        };
        let evs = [
            event(
                1,
                at,
                pb::case_event::Payload::Opened(pb::CaseOpened {
                    channel: common::Channel::Phone as i32,
                    pool_id: pool.id.clone(),
                    category: pool.categories[0].to_owned(),
                    province_code: pool.province,
                    legal_due_date: date_of(day + 30).to_string(),
                    ..Default::default()
                }),
            ),
            event(
                2,
                at + 600,
                pb::case_event::Payload::Claimed(pb::CaseClaimed::default()),
            ),
            event(
                3,
                at + rng.random_range(3_600..20 * 86_400),
                pb::case_event::Payload::Resolved(pb::CaseResolved {
                    closure_reason: "cozuldu".to_owned(),
                    ..Default::default()
                }),
            ),
        ];
        for e in &evs {
            let mut attempt = 0;
            while let Err(err) = store
                .apply(&e.event_id, &e.case_id, 0, |f| f.merge(e))
                .await
            {
                attempt += 1;
                assert!(attempt < 50, "applying an event failed 50 times: {err:?}");
            }
            applied += 1;
        }
    }
    applied
}

// --- Timing ---------------------------------------------------------------------

fn report(name: &str, ms: &[f64]) {
    print_latencies(name, 58, ms);
}

/// Times `requests` GETs of `path` through the gateway (after a warm-up);
/// sorted milliseconds of the answered ones, and the statuses of those
/// that failed (a page that times out at this scale is a finding, not a
/// reason to stop measuring the others).
async fn time_page(b: &mut Browser, requests: usize, path: &str) -> (Vec<f64>, Vec<u16>) {
    for _ in 0..3 {
        let _ = b.get(path).await;
    }
    let (mut ms, mut failed) = (Vec::with_capacity(requests), Vec::new());
    for _ in 0..requests {
        let t = Instant::now();
        let (status, page, _, _) = b.get(path).await;
        let took = t.elapsed().as_secs_f64() * 1000.0;
        if status.is_success() {
            assert!(page.contains("kirilim-tablosu"), "GET {path}: no breakdown");
            ms.push(took);
        } else {
            failed.push(status.as_u16());
        }
    }
    ms.sort_by(f64::total_cmp);
    (ms, failed)
}

/// Times `requests` GETs of the summary API with a bearer token.
async fn time_api(base: &str, token: &str, requests: usize, query: &str) -> Vec<f64> {
    let http = reqwest::Client::new();
    let url = format!("{base}/v1/reports/summary?{query}");
    let get = || http.get(&url).bearer_auth(token).send();
    for _ in 0..5 {
        let _ = get().await;
    }
    let mut ms = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        let res = get().await.unwrap();
        let status = res.status();
        let body = res.bytes().await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(
            status.is_success(),
            "GET {url}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    ms.sort_by(f64::total_cmp);
    ms
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = Args::parse();
    println!(
        "tekmerkez reports benchmark: {} cases over {} days",
        a.cases, a.days
    );
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    print_settings(&a.pg_url).await;
    let (case_db, gateway_db, intake_db, rebuild_db) = (
        "tekmerkez_reports_bench_case",
        "tekmerkez_reports_bench_gateway",
        "tekmerkez_reports_bench_intake",
        "tekmerkez_reports_bench_rebuild",
    );
    let case_url = with_db(&a.pg_url, case_db);
    let reports_url = with_db(&a.pg_url, REPORTS_DB);
    // The seeded figures name the case database's pools: the two are kept,
    // or made, together.
    let reuse = !a.fresh
        && seeded(&reports_url)
            .await
            .is_some_and(|(cases, days, _)| cases == a.cases && days == a.days);
    let fresh: &[&str] = if reuse {
        &[gateway_db, intake_db, rebuild_db]
    } else {
        &[case_db, REPORTS_DB, gateway_db, intake_db, rebuild_db]
    };
    for db in fresh {
        recreate_database(&a.pg_url, db).await;
    }

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut settings = tekmerkez::settings::Settings::load(&dir, "test").unwrap();
    settings.share_institution();
    let (gateway_token, intake_token, reports_token) = (
        "bench-gateway-token-0123456789abcdef",
        "bench-intake-token-0123456789abcdef0",
        "bench-reports-token-0123456789abcdef",
    );
    settings.case.grpc.listen = "127.0.0.1:0".into();
    settings.case.database.url = SecretString::from(case_url.clone());
    settings.case.database.migrate_on_start = true;
    settings.case.auth.service_tokens = [
        ("gateway", gateway_token),
        ("intake", intake_token),
        ("reports", reports_token),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), SecretString::from(v.to_owned())))
    .collect();
    let case = tekmerkez_case::startup::Application::build(
        settings.case.clone(),
        None,
        Arc::new(tekmerkez_case::clock::SystemClock),
    )
    .await
    .unwrap();
    let users = tekmerkez_case::demo::seed(case.app(), 0).await.unwrap();
    let pools = pools(&case_url).await;

    let today = day_number(jiff::Zoned::now().date());
    if reuse {
        println!("the seeded databases are there ({} cases)", a.cases);
    } else {
        println!("seeding {} cases…", a.cases);
        seed(&reports_url, &pools, a.cases, a.days, today).await;
    }
    let (_, _, seeded_today) = seeded(&reports_url).await.unwrap();
    let mut c = PgConnection::connect(&reports_url).await.unwrap();
    let sizes: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT relname::text, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) \
         FROM pg_stat_user_tables WHERE relname LIKE 'report_%' AND n_live_tup > 0 ORDER BY relname",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for (table, rows, size) in sizes {
        println!("  {table:<22} {rows:>12} rows  {size:>8}");
    }

    if a.rebuild_events > 0 {
        let rate = rebuild_speed(
            &with_db(&a.pg_url, rebuild_db),
            &pools,
            a.rebuild_events,
            a.rebuild_lanes.max(1),
            today,
        )
        .await;
        println!(
            "\nrebuild: {rate:.0} events/s through the consumer's store, one event per transaction, {} lanes ({} events; 10 M cases of ~4 events each would take {:.1} h)",
            a.rebuild_lanes.max(1),
            a.rebuild_events,
            4.0e7 / rate / 3600.0
        );
    }

    // The services on it: the reports on the seeded database, read as the
    // gateway and intake read it; no events arrive meanwhile.
    let data = tempfile::tempdir().unwrap();
    let bus = Arc::new(
        tekmerkez_bus::EmbeddedBus::open(&format!(
            "sqlite://{}",
            data.path().join("bus.db").display()
        ))
        .await
        .unwrap(),
    );
    let case_addr = format!("http://{}", case.addr());
    settings.reports.grpc_listen = "127.0.0.1:0".into();
    settings.reports.database_url = SecretString::from(reports_url.clone());
    settings.reports.migrate_on_start = true;
    settings.reports.periodic.enabled = false;
    settings.reports.case_service.url.clone_from(&case_addr);
    settings.reports.case_service.token = SecretString::from(reports_token.to_owned());
    let reports = tekmerkez_reports::Application::build(settings.reports.clone(), bus.clone())
        .await
        .unwrap();
    let reports_addr = format!("http://{}", reports.addr());

    settings.intake.database_url = SecretString::from(with_db(&a.pg_url, intake_db));
    // One client sending requests back to back: intake's per-address limit
    // would answer 429, and it is not what is measured.
    settings.intake.rate_limit.per_minute = 1_000_000;
    settings.intake.rate_limit.burst = 10_000;
    settings.intake.case_service.url.clone_from(&case_addr);
    settings.intake.case_service.token = SecretString::from(intake_token.to_owned());
    settings
        .intake
        .reports_service_url
        .clone_from(&reports_addr);
    let intake_state = tekmerkez_intake::startup::prepare(&settings.intake, bus.clone(), true)
        .await
        .unwrap();
    let intake =
        tekmerkez_intake::http::router(intake_state, settings.intake.http.body_limit_bytes);

    settings.gateway.database_url = SecretString::from(with_db(&a.pg_url, gateway_db));
    settings.gateway.migrate_on_start = true;
    settings.gateway.session.secure_cookies = false;
    settings.gateway.case_service.url.clone_from(&case_addr);
    settings.gateway.case_service.token = SecretString::from(gateway_token.to_owned());
    settings.gateway.routing_service_url = String::new();
    settings
        .gateway
        .reports_service_url
        .clone_from(&reports_addr);
    let state = tekmerkez_gateway::startup::prepare(&settings.gateway)
        .await
        .unwrap();

    let shutdown = CancellationToken::new();
    let serve = |router: axum::Router, listener: tokio::net::TcpListener| {
        let stop = shutdown.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
        })
    };
    let gateway_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway_addr = gateway_listener.local_addr().unwrap();
    let intake_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let intake_base = format!("http://{}", intake_listener.local_addr().unwrap());
    let gateway_task = serve(tekmerkez_gateway::http::router(state), gateway_listener);
    let intake_task = serve(intake, intake_listener);
    let case_task = tokio::spawn(case.run_until_stopped(shutdown.clone()));
    let reports_task = tokio::spawn(reports.run_until_stopped(shutdown.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Periods relative to the seed's last day.
    let last = date_of(seeded_today - 1);
    let month_start = last.first_of_month();
    let prev = month_start.yesterday().unwrap();
    let year_ago = last.checked_sub(jiff::Span::new().days(364)).unwrap();
    let custom = |from: Date, to: Date, rest: &str| {
        format!("/raporlar?donem=ozel&baslangic={from}&bitis={to}{rest}")
    };
    // Admin, directorate manager, pool manager.
    let mut browsers = [
        Browser::new(gateway_addr),
        Browser::new(gateway_addr),
        Browser::new(gateway_addr),
    ];
    for (b, user) in browsers
        .iter_mut()
        .zip(["admin", "mudur.su", "yonetici.ankara"])
    {
        sign_in(b, user).await;
    }
    let (admin, director, manager) = (0, 1, 2);
    let pages = [
        (
            "admin, this month (breakdown by unit)",
            admin,
            custom(month_start, last, "&adim=gun"),
        ),
        (
            "admin, last month by channel",
            admin,
            custom(prev.first_of_month(), prev, "&kirilim=kanal&adim=gun"),
        ),
        (
            "admin, the last 365 days by category, monthly trend",
            admin,
            custom(year_ago, last, "&kirilim=konu&adim=ay"),
        ),
        (
            "admin, three years by province, monthly trend",
            admin,
            custom(date_of(seeded_today - a.days), last, "&kirilim=il&adim=ay"),
        ),
        (
            "directorate manager, the last 365 days by unit",
            director,
            custom(year_ago, last, "&adim=ay"),
        ),
        (
            "pool manager, the last 365 days by pool, weekly trend",
            manager,
            custom(year_ago, last, "&adim=hafta"),
        ),
    ];
    println!(
        "\nRaporlar through the gateway (HTTP → gRPC → PostgreSQL, charts drawn), one request at a time, {} each:",
        a.requests
    );
    for (name, who, path) in &pages {
        let (ms, failed) = time_page(&mut browsers[*who], a.requests, path).await;
        if !ms.is_empty() {
            report(name, &ms);
        }
        if !failed.is_empty() {
            println!(
                "  {name:<58} {} of {} failed (HTTP {:?})",
                failed.len(),
                a.requests,
                failed.iter().collect::<std::collections::BTreeSet<_>>()
            );
        }
    }

    let admin_token = &users
        .iter()
        .find(|u| u.role.as_str() == "admin")
        .expect("the demo admin")
        .api_token;
    let director_token = &users
        .iter()
        .find(|u| u.role.as_str() == "directorate_manager")
        .expect("the demo directorate manager")
        .api_token;
    let apis: [(&str, &String, String); 5] = [
        (
            "admin, last month by channel",
            admin_token,
            format!("from={}&to={prev}&by=channel", prev.first_of_month()),
        ),
        (
            "admin, 365 days by category and closure reason",
            admin_token,
            format!("from={year_ago}&to={last}&by=category,closure_reason"),
        ),
        (
            "admin, 365 days by type, by month",
            admin_token,
            format!("from={year_ago}&to={last}&by=type&granularity=month"),
        ),
        (
            "admin, three years by unit and channel",
            admin_token,
            format!(
                "from={}&to={last}&by=unit,channel",
                date_of(seeded_today - a.days)
            ),
        ),
        (
            "directorate manager, 365 days by pool",
            director_token,
            format!("from={year_ago}&to={last}&by=pool"),
        ),
    ];
    println!(
        "\nGET /v1/reports/summary through intake (HTTP → gRPC → PostgreSQL), one request at a time, {} each:",
        a.requests
    );
    for (name, token, query) in &apis {
        report(
            name,
            &time_api(&intake_base, token, a.requests, query).await,
        );
    }
    println!("\n(PostgreSQL, the services and this client share the machine's cores)");
    shutdown.cancel();
    let _ = gateway_task.await;
    let _ = intake_task.await;
    let _ = case_task.await;
    let _ = reports_task.await;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tekmerkez_reports::fact::DayFigures;

    use super::*;

    /// The seed's interned summing writes the rows the consumer's own
    /// [`cells::delta`] would, case by case.
    #[test]
    fn interned_sums_equal_the_consumers_deltas() {
        let pools = [
            (
                PoolOf {
                    id: "su-izmit".into(),
                    province: 41,
                    categories: &["su_arizasi", "fatura"],
                    weight: 3,
                },
                3,
            ),
            (
                PoolOf {
                    id: "cagri".into(),
                    province: 6,
                    categories: &["bilgi"],
                    weight: 1,
                },
                1,
            ),
        ];
        let today = day_number(jiff::civil::date(2026, 12, 1));
        let now = jiff::civil::date(2026, 12, 1)
            .at(12, 0, 0, 0)
            .in_tz("Europe/Istanbul")
            .unwrap()
            .timestamp()
            .as_second();
        let mut rng = StdRng::seed_from_u64(7);
        let mut rollups = Rollups::new();
        let mut expected: BTreeMap<(Cell, i32), RowSums> = BTreeMap::new();
        for i in 0..300 {
            let fact = draw_case(&mut rng, &pools, today - 60 + i / 5, now);
            let weight = 1 + i64::from(i % 3);
            rollups.add(&fact, weight);
            for (key, mut change) in cells::delta(&Fact::default(), &fact).rows() {
                let mut figures = DayFigures::default();
                figures.add(&change.figures, weight);
                change.figures = figures;
                for counts in [&mut change.first_action, &mut change.to_close] {
                    counts.values_mut().for_each(|n| *n *= weight);
                }
                expected.entry(key).or_default().add(&change);
            }
        }
        assert!(
            expected.values().any(|e| !e.to_close.is_empty()),
            "some closed"
        );
        let got: BTreeMap<(Cell, i32), RowSums> = rollups
            .days
            .iter()
            .map(|((id, day), s)| ((rollups.shapes.cell(*id), *day), s.clone()))
            .collect();
        assert_eq!(got, expected);
    }
}
