//! Automatic assignment with a million records: seeds PostgreSQL with the
//! demo organisation and `--cases` records (default 1 000 000, cloned as
//! `scripts/bench-ui` does), switches Ankara's water pool on with
//! `--experts` new experts (capacity 1000 each) beside the demo's two,
//! then drives `--rate` arrivals a second (default 100) for `--seconds`
//! (default 30) through the case service's `CreateCase` over gRPC, open
//! loop (an arrival never waits for the one before). Each arrival runs a
//! round of the pool under its row lock; the case service times every
//! round itself (`tekmerkez_case_assignment_round_duration_seconds`) and
//! its decision (`tekmerkez_case_assignment_decision_duration_seconds`:
//! lock wait, reads and plan, before the writes) and this binary reads
//! those samples exactly (its own metrics recorder), so the figures are
//! the decisions' and the rounds' p50, p95, p99 and max and, apart,
//! `CreateCase` as the caller sees it.
//! A benchmark, not a test: it asserts nothing about time. Run it with
//! `scripts/bench-assign`.
//!
//! The clones keep the demo's pools, so Ankara's water pool would hold a
//! hundred thousand waiting records and the demo's experts tens of
//! thousands each; before each run the clones (and the last run's
//! arrivals) of that pool are moved to İzmir's water pool, so the table
//! stays a million records and the pool starts with the demo's own.
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
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clap::Parser;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use secrecy::SecretString;
use sqlx::{Connection as _, PgConnection};
use tekmerkez_integration_tests::bench::{
    clone_cases, durability, ensure_database, print_latencies, with_db,
};
use tekmerkez_proto::{
    case_v1::{
        self as pb, assignment_service_client::AssignmentServiceClient,
        case_service_client::CaseServiceClient, directory_service_client::DirectoryServiceClient,
    },
    common_v1 as common,
};
use tekmerkez_telemetry::metrics::names::{ASSIGNMENT_DECISION, ASSIGNMENT_ROUND};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use uuid::Uuid;

/// The automatic-assignment benchmark: a million records in PostgreSQL,
/// a pool switched on, arrivals at a steady rate through CreateCase; the
/// rounds' latency as the case service measured it.
///
/// Run it with scripts/bench-assign, which starts the durable PostgreSQL.
#[derive(Parser)]
#[command(name = "tekmerkez-assign-bench", version)]
struct Args {
    /// The PostgreSQL server's admin URL; the benchmark's database is
    /// created beside its database.
    #[arg(
        long,
        value_name = "URL",
        env = "TEKMERKEZ_TEST_PG_DURABLE_URL",
        default_value = "postgres://postgres:postgres@127.0.0.1:55433/postgres"
    )]
    pg_url: String,
    /// Records to seed (kept between runs; more are added when fewer are there).
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    cases: i64,
    /// Arrivals per second.
    #[arg(long, value_name = "N", default_value_t = 100)]
    rate: u32,
    /// Seconds of arrivals.
    #[arg(long, value_name = "N", default_value_t = 30)]
    seconds: u32,
    /// Experts added to the pool (beside the demo's two).
    #[arg(long, value_name = "N", default_value_t = 6)]
    experts: u32,
    /// Spread the records round-robin instead of to the least loaded.
    #[arg(long)]
    round_robin: bool,
    /// Drop the seeded records' database and seed it again.
    #[arg(long)]
    fresh: bool,
}

/// The label the decision samples are kept under, beside the rounds' outcomes.
const DECISION: &str = "decision";

/// The round and decision durations the case service records, kept
/// whole: (outcome, or [`DECISION`], seconds).
type Samples = Arc<Mutex<Vec<(String, f64)>>>;

/// A metrics recorder keeping every sample of the assignment round's
/// histogram (the Prometheus exporter would give buckets, not percentiles);
/// every other metric goes nowhere.
struct RoundRecorder(Samples);

struct RoundSink {
    outcome: String,
    samples: Samples,
}

impl metrics::HistogramFn for RoundSink {
    fn record(&self, value: f64) {
        self.samples
            .lock()
            .unwrap()
            .push((self.outcome.clone(), value));
    }
}

impl Recorder for RoundRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, _: &Key, _: &Metadata<'_>) -> Counter {
        Counter::noop()
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        let outcome = match key.name() {
            ASSIGNMENT_DECISION => DECISION.to_owned(),
            ASSIGNMENT_ROUND => key
                .labels()
                .find(|l| l.key() == "outcome")
                .map_or_else(String::new, |l| l.value().to_owned()),
            _ => return Histogram::noop(),
        };
        Histogram::from_arc(Arc::new(RoundSink {
            outcome,
            samples: self.0.clone(),
        }))
    }
}

const GATEWAY_TOKEN: &str = "bench-gateway-token-0123456789abcdef";
const ROUTING_TOKEN: &str = "bench-routing-token-0123456789abcdef";
const CAPACITY: u32 = 1000;

/// A request with `token`, acting as `user` when given.
fn call<T>(token: &str, user: Option<&str>, msg: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    if let Some(u) = user {
        r.metadata_mut()
            .insert("x-tekmerkez-acting-user", u.parse().unwrap());
    }
    r
}

/// The id of the pool of unit `unit` in `province`.
async fn pool_of(c: &mut PgConnection, unit: &str, province: i64) -> Uuid {
    sqlx::query_scalar(
        "SELECT p.id FROM pools p JOIN units u ON u.id = p.unit_id \
         WHERE u.name = $1 AND p.province_code = $2",
    )
    .bind(unit)
    .bind(province)
    .fetch_one(c)
    .await
    .unwrap()
}

async fn user_id(c: &mut PgConnection, username: &str) -> String {
    let id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(c)
        .await
        .unwrap();
    id.to_string()
}

/// Leaves Ankara's water pool with the demo's own records: the clones and
/// the last run's arrivals go to İzmir's water pool (the table keeps its
/// size), and the bench's experts start holding nothing.
async fn reset_pool(c: &mut PgConnection, pool: Uuid, elsewhere: Uuid) {
    let demo_last: i64 =
        sqlx::query_scalar("SELECT seq FROM cases ORDER BY seq OFFSET 299 LIMIT 1")
            .fetch_one(&mut *c)
            .await
            .unwrap();
    let moved = sqlx::query("UPDATE cases SET pool_id = $1 WHERE pool_id = $2 AND seq > $3")
        .bind(elsewhere)
        .bind(pool)
        .bind(demo_last)
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected();
    if moved > 0 {
        println!("  {moved} records moved out of the pool (clones, the last run's arrivals)");
        sqlx::query("ANALYZE cases").execute(&mut *c).await.unwrap();
    }
}

/// The machine, as `nproc` and `free` would say.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0);
    format!(
        "{cores} cores, {:.1} GiB memory",
        mem_kib as f64 / 1024.0 / 1024.0
    )
}

fn application(pool: &str, n: u64) -> pb::CreateCaseRequest {
    pb::CreateCaseRequest {
        application_id: Uuid::new_v4().to_string(),
        channel: common::Channel::WebForm as i32,
        category: "su_arizasi".into(),
        text: "Sokağımızda ana boru patladı, su yola taşıyor.".into(),
        // One in ten urgent: they go first.
        urgency: if n.is_multiple_of(10) {
            common::Urgency::Urgent
        } else {
            common::Urgency::Normal
        } as i32,
        location: Some(common::Location {
            province_code: 6,
            district: "Çankaya".into(),
            coordinates: None,
            neighbourhood: String::new(),
        }),
        pool_id: pool.to_owned(),
        contact: Some(common::Contact {
            name: "Ayşe Yılmaz".into(),
            phone: format!("0532 {:03} {:02} {:02}", n % 1000, (n / 1000) % 100, n % 97),
            ..Default::default()
        }),
        reply_channel: common::ReplyChannel::Sms as i32,
        consent: Some(common::Consent {
            text_version: "kvkk-aydinlatma-v1".into(),
            accepted_at: Some(prost_types::Timestamp {
                seconds: jiff::Timestamp::now().as_second(),
                nanos: 0,
            }),
            special_category: false,
        }),
        ..Default::default()
    }
}

fn millis(mut s: Vec<f64>) -> Vec<f64> {
    for v in &mut s {
        *v *= 1000.0;
    }
    s.sort_by(f64::total_cmp);
    s
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = Args::parse();
    let samples: Samples = Arc::default();
    metrics::set_global_recorder(RoundRecorder(samples.clone()))
        .expect("no other metrics recorder in this process");
    let case_db = "tekmerkez_assign_bench";
    println!(
        "tekmerkez automatic-assignment benchmark: {} records in PostgreSQL",
        a.cases
    );
    println!("machine: {}", machine());
    println!("PostgreSQL: {}", durability(&a.pg_url).await);
    ensure_database(&a.pg_url, case_db, a.fresh).await;
    let case_url = with_db(&a.pg_url, case_db);

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut settings = tekmerkez::settings::Settings::load(&dir, "test").unwrap();
    settings.case.grpc.listen = "127.0.0.1:0".into();
    settings.case.database.url = SecretString::from(case_url.clone());
    settings.case.database.migrate_on_start = true;
    settings.case.auth.service_tokens = [
        ("gateway".to_owned(), SecretString::from(GATEWAY_TOKEN)),
        ("routing".to_owned(), SecretString::from(ROUTING_TOKEN)),
    ]
    .into_iter()
    .collect();
    let round_limit = settings.case.assignment.round_limit;
    let case = tekmerkez_case::startup::Application::build(
        settings.case.clone(),
        None,
        Arc::new(tekmerkez_case::clock::SystemClock),
    )
    .await
    .unwrap();
    println!("seeding the demo organisation and records…");
    tekmerkez_case::demo::seed(case.app(), 300).await.unwrap();
    clone_cases(&case_url, a.cases).await;

    let mut db = PgConnection::connect(&case_url).await.unwrap();
    let pool = pool_of(&mut db, "Su Arıza Birimi", 6).await;
    let elsewhere = pool_of(&mut db, "Su Arıza Birimi", 35).await;
    reset_pool(&mut db, pool, elsewhere).await;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let (admin, manager) = (
        user_id(&mut db, "admin").await,
        user_id(&mut db, "yonetici.ankara").await,
    );

    let addr = case.addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(case.run_until_stopped(shutdown.clone()));
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut directory = DirectoryServiceClient::new(channel.clone());
    let mut assignment = AssignmentServiceClient::new(channel.clone());
    let pool_id = pool.to_string();

    // The bench's experts (kept between runs), present, capacity 1000.
    let mut experts = Vec::new();
    for i in 1..=a.experts {
        let username = format!("uzman.bench{i}");
        let req = pb::CreateUserRequest {
            username: username.clone(),
            display_name: format!("Deneme Uzmanı {i}"),
            role: pb::Role::Expert as i32,
            pool_ids: vec![pool_id.clone()],
            password: "bench-password-Uzman-2026".into(),
            ..Default::default()
        };
        let id = match directory
            .create_user(call(GATEWAY_TOKEN, Some(&admin), req))
            .await
        {
            Ok(r) => r.into_inner().user.unwrap().id,
            Err(st) if st.code() == tonic::Code::AlreadyExists => user_id(&mut db, &username).await,
            Err(st) => panic!("creating {username}: {st}"),
        };
        sqlx::query("DELETE FROM expert_presence WHERE user_id = $1")
            .bind(Uuid::parse_str(&id).unwrap())
            .execute(&mut db)
            .await
            .unwrap();
        assignment
            .set_expert_assignment(call(
                GATEWAY_TOKEN,
                Some(&manager),
                pb::SetExpertAssignmentRequest {
                    pool_id: pool_id.clone(),
                    user_id: id.clone(),
                    capacity: Some(CAPACITY),
                    categories: Vec::new(),
                },
            ))
            .await
            .unwrap();
        experts.push(id);
    }
    let mode = if a.round_robin {
        pb::AssignmentMode::RoundRobin
    } else {
        pb::AssignmentMode::LeastLoaded
    };
    let on = assignment
        .update_pool_assignment(call(
            GATEWAY_TOKEN,
            Some(&manager),
            pb::UpdatePoolAssignmentRequest {
                settings: Some(pb::PoolAssignmentSettings {
                    pool_id: pool_id.clone(),
                    enabled: true,
                    mode: mode as i32,
                }),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    println!(
        "pool: Ankara Su Arıza Birimi, {} experts ({} added, capacity {CAPACITY}; the demo's two at the default), {:?}; {total} records in the table",
        on.experts.len(),
        a.experts,
        mode
    );
    // Only the timed arrivals' rounds count.
    samples.lock().unwrap().clear();

    let arrivals = u64::from(a.rate) * u64::from(a.seconds);
    println!(
        "\n{arrivals} arrivals through CreateCase, {} a second for {} s (open loop), each followed by a round of the pool:",
        a.rate, a.seconds
    );
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(a.rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..arrivals {
        tick.tick().await;
        let mut client = CaseServiceClient::new(channel.clone());
        let req = application(&pool_id, n);
        tasks.spawn(async move {
            let t = Instant::now();
            let case = client
                .create_case(call(ROUTING_TOKEN, None, req))
                .await
                .map(|r| r.into_inner().case.unwrap_or_default());
            (t.elapsed().as_secs_f64(), case)
        });
    }
    let mut create = Vec::new();
    let (mut failed, mut given_at_once) = (0, 0);
    let mut ids = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (secs, case) = r.unwrap();
        match case {
            Ok(c) => {
                create.push(secs);
                if !c.holder_id.is_empty() {
                    given_at_once += 1;
                }
                ids.push(c.id);
            }
            Err(st) => {
                failed += 1;
                eprintln!("CreateCase failed: {st}");
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "  sent in {took:.1} s ({:.0} a second), {failed} failed",
        arrivals as f64 / took
    );

    let rounds = samples.lock().unwrap().clone();
    let of = |keep: &dyn Fn(&str) -> bool| -> Vec<f64> {
        rounds
            .iter()
            .filter(|(o, _)| keep(o))
            .map(|(_, s)| *s)
            .collect()
    };
    let all = of(&|o| o != DECISION);
    let assigned = of(&|o| o == "assigned");
    let decisions = of(&|o| o == DECISION);
    print_latencies(
        "assignment decision (lock, reads, plan)",
        44,
        &millis(decisions),
    );
    print_latencies("assignment round, every round", 44, &millis(all));
    print_latencies(
        "assignment round, rounds that assigned",
        44,
        &millis(assigned),
    );
    print_latencies(
        "CreateCase as routing sees it (round included)",
        44,
        &millis(create),
    );

    // Where the arrivals went (the demo's experts hold some of the demo's own).
    let held: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT holder_id, count(*) FROM cases WHERE pool_id = $1 AND status = 'held' \
         AND holder_id IS NOT NULL GROUP BY holder_id",
    )
    .bind(pool)
    .fetch_all(&mut db)
    .await
    .unwrap();
    let held: HashMap<String, i64> = held.into_iter().map(|(u, n)| (u.to_string(), n)).collect();
    let loads: Vec<i64> = experts
        .iter()
        .map(|e| held.get(e).copied().unwrap_or(0))
        .collect();
    println!(
        "  {given_at_once} of {} arrivals assigned within their own CreateCase; the added experts hold {loads:?} (capacity {CAPACITY}; round limit {round_limit})",
        ids.len()
    );
    println!(
        "\n(PostgreSQL, the case service and this client share the machine: {})",
        machine()
    );
    shutdown.cancel();
    let _ = server.await;
}
