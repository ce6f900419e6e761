//! The agent UI with a million records: seeds PostgreSQL with the demo
//! organisation and `--cases` records (default 1 000 000), starts the case
//! service and the gateway on it, signs in as a pool manager and an expert,
//! and times the pages agents live in — *Havuz Yönetimi* (first page, a
//! later page, a filtered page), *Üzerimdeki Çağrılar* and the record page —
//! printing p50, p95, p99 and max per page. A benchmark, not a test: it
//! asserts nothing about time. Run it with `scripts/bench-ui`.
//!
//! The records are the demo's few hundred, cloned with new ids, tracking
//! numbers and dates, so statuses, pools and holders keep the demo's mix:
//! an expert ends up holding tens of thousands of records, which is harsher
//! on "my records" than any real desk.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::panic,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use std::{sync::Arc, time::Instant};

use clap::Parser;
use secrecy::SecretString;
use sqlx::{Connection as _, PgConnection};
use tekmerkez_integration_tests::{
    bench::{clone_cases, durability, ensure_database, print_latencies, with_db},
    page::Page,
    web::{Browser, hidden, sign_in},
};
use tokio_util::sync::CancellationToken;

/// The agent UI benchmark: seeds PostgreSQL with records, then times the
/// pool manager's pages, an expert's "my records" and the record page
/// through the gateway.
///
/// Run it with scripts/bench-ui, which starts PostgreSQL.
#[derive(Parser)]
#[command(name = "tekmerkez-ui-bench", version)]
struct Args {
    /// The PostgreSQL server's admin URL; the benchmark's databases are
    /// created beside its database.
    #[arg(
        long,
        value_name = "URL",
        env = "TEKMERKEZ_TEST_PG_URL",
        default_value = "postgres://postgres:postgres@127.0.0.1:55432/postgres"
    )]
    pg_url: String,
    /// Records to seed (kept between runs; more are added when fewer are there).
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    cases: i64,
    /// Requests timed per page.
    #[arg(long, value_name = "N", default_value_t = 400)]
    requests: usize,
    /// Drop the seeded records' database and seed it again.
    #[arg(long)]
    fresh: bool,
}

/// A stored phone (`+905321234567`) as a person types it (`0532 123 45 67`).
fn typed_phone(stored: &str) -> String {
    let d = stored.trim_start_matches("+90");
    if d.len() == 10 {
        format!("0{} {} {} {}", &d[..3], &d[3..6], &d[6..8], &d[8..])
    } else {
        stored.to_owned()
    }
}

/// What the search is timed with, from the demo records of Ankara: the
/// applicants' phones, two-word queries (two neighbouring words of a text,
/// each of four letters or more) and the same with a letter doubled (a
/// misspelling, which takes the similar-words pass).
async fn search_queries(url: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut c = PgConnection::connect(url).await.unwrap();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT text, contact_phone FROM cases WHERE province_code = 6 ORDER BY seq LIMIT 300",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut phones: Vec<String> = rows
        .iter()
        .filter_map(|(_, p)| p.as_deref().map(typed_phone))
        .collect();
    phones.sort();
    phones.dedup();
    let mut pairs = Vec::new();
    for (text, _) in &rows {
        let words: Vec<&str> = text
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .collect();
        if let [a, b, ..] = words.as_slice() {
            let q = format!("{a} {b}");
            if !pairs.contains(&q) {
                pairs.push(q);
            }
        }
    }
    let misspelt = pairs
        .iter()
        .map(|q| {
            let (a, b) = q.split_once(' ').unwrap();
            let mut chars: Vec<char> = a.chars().collect();
            let k = chars.len() / 2;
            chars.insert(k, chars[k]);
            format!("{} {b}", chars.into_iter().collect::<String>())
        })
        .collect();
    (phones, pairs, misspelt)
}

/// Times `requests` GETs of the paths `path_of(i)` gives; returns sorted milliseconds.
async fn time_page(
    b: &mut Browser,
    requests: usize,
    mut path_of: impl FnMut(usize) -> String,
) -> Vec<f64> {
    for i in 0..20 {
        let _ = b.get(&path_of(i)).await;
    }
    let mut ms = Vec::with_capacity(requests);
    for i in 0..requests {
        let path = path_of(i);
        let t = Instant::now();
        let (status, _, _, _) = b.get(&path).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(status.is_success(), "GET {path}: {status}");
    }
    ms.sort_by(f64::total_cmp);
    ms
}

fn report(name: &str, ms: &[f64]) {
    print_latencies(name, 34, ms);
}

/// The `/kayit/…` ids the rows of a list link to.
fn record_ids(page: &str) -> Vec<String> {
    Page::parse(page)
        .attrs("a.satir", "href")
        .into_iter()
        .filter_map(|h| h.strip_prefix("/kayit/").map(str::to_owned))
        .collect()
}

/// The tracking numbers of a list's rows.
fn tracking_numbers(page: &str) -> Vec<String> {
    Page::parse(page).texts("a.satir")
}

/// The list's next page (the pager's `rel="next"` link).
fn next_link(page: &str) -> Option<String> {
    Page::parse(page)
        .attrs("a[rel=next]", "href")
        .into_iter()
        .next()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = Args::parse();
    let (case_db, gateway_db) = ("tekmerkez_ui_bench", "tekmerkez_ui_bench_gateway");
    println!("tekmerkez UI benchmark: {} records in PostgreSQL", a.cases);
    println!("PostgreSQL: {}", durability(&a.pg_url).await);
    ensure_database(&a.pg_url, case_db, a.fresh).await;
    ensure_database(&a.pg_url, gateway_db, true).await;
    let case_url = with_db(&a.pg_url, case_db);

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut settings = tekmerkez::settings::Settings::load(&dir, "test").unwrap();
    let token = "bench-gateway-token-0123456789abcdef";
    settings.case.grpc.listen = "127.0.0.1:0".into();
    settings.case.database.url = SecretString::from(case_url.clone());
    settings.case.database.migrate_on_start = true;
    settings.case.auth.service_tokens =
        [("gateway".to_owned(), SecretString::from(token.to_owned()))]
            .into_iter()
            .collect();
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

    settings.gateway.database_url = SecretString::from(with_db(&a.pg_url, gateway_db));
    settings.gateway.migrate_on_start = true;
    settings.gateway.session.secure_cookies = false;
    settings.gateway.case_service.url = format!("http://{}", case.addr());
    settings.gateway.case_service.token = SecretString::from(token.to_owned());
    settings.gateway.routing_service_url = String::new();
    let state = tekmerkez_gateway::startup::prepare(&settings.gateway)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let case_task = tokio::spawn(case.run_until_stopped(shutdown.clone()));
    let gateway_task = tokio::spawn(async move {
        axum::serve(
            listener,
            tekmerkez_gateway::http::router(state)
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await
    });

    let (mut manager, mut expert) = (Browser::new(addr), Browser::new(addr));
    sign_in(&mut manager, "yonetici.ankara").await;
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, first, _, headers) = manager.get("/havuz").await;
    assert!(
        status.is_success(),
        "GET /havuz: {status} {:?}",
        headers.get("location")
    );
    let later = next_link(&first).unwrap_or_else(|| panic!("more than one page: {first}"));
    let mut deep = later.clone();
    for _ in 0..20 {
        let (_, p, _, _) = manager.get(&deep).await;
        match next_link(&p) {
            Some(n) => deep = n,
            None => break,
        }
    }
    let ids = record_ids(&first);
    let numbers = tracking_numbers(&first);
    assert!(
        !ids.is_empty() && !numbers.is_empty(),
        "the first page lists records: {first}"
    );
    let (_, mine, _, _) = expert.get("/uzerimdeki").await;
    let _ = hidden(&mine, "csrf");

    println!(
        "\nthrough the gateway (HTTP → gRPC → PostgreSQL), one request at a time, {} each:",
        a.requests
    );
    let n = a.requests;
    report(
        "Havuz Yönetimi, first page",
        &time_page(&mut manager, n, |_| "/havuz".into()).await,
    );
    report(
        "Havuz Yönetimi, 21st page",
        &time_page(&mut manager, n, |_| deep.clone()).await,
    );
    report(
        "Havuz Yönetimi, filtered + urgent",
        &time_page(&mut manager, n, |_| {
            "/havuz?statu=1&konu=fatura&gun=2&sira=3".into()
        })
        .await,
    );
    report(
        "Havuz Yönetimi, category, oldest first",
        &time_page(&mut manager, n, |_| {
            "/havuz?statu=1&konu=fatura&sira=1".into()
        })
        .await,
    );
    report(
        "Havuz Yönetimi, search by number",
        &time_page(&mut manager, n, |i| {
            format!("/havuz?takip={}", numbers[i % numbers.len()])
        })
        .await,
    );
    report(
        "Üzerimdeki Çağrılar",
        &time_page(&mut expert, n, |_| "/uzerimdeki".into()).await,
    );
    report(
        "record page (manager), with the citizen's other applications",
        &time_page(&mut manager, n, |i| {
            format!("/kayit/{}", ids[i % ids.len()])
        })
        .await,
    );
    let (phones, pairs, misspelt) = search_queries(&case_url).await;
    assert!(
        !phones.is_empty() && !pairs.is_empty(),
        "queries from the demo records"
    );
    let path = |q: &str| format!("/ara?q={}", tekmerkez_integration_tests::web::urlencode(q));
    report(
        "Ara, a phone number (manager)",
        &time_page(&mut manager, n, |i| path(&phones[i % phones.len()])).await,
    );
    report(
        "Ara, two Turkish words (manager)",
        &time_page(&mut manager, n, |i| path(&pairs[i % pairs.len()])).await,
    );
    report(
        "Ara, two words, one misspelt (manager)",
        &time_page(&mut manager, n, |i| path(&misspelt[i % misspelt.len()])).await,
    );
    report(
        "Ara, two Turkish words (expert)",
        &time_page(&mut expert, n, |i| path(&pairs[i % pairs.len()])).await,
    );
    println!(
        "\n(machine: {} cores; PostgreSQL, the case service, the gateway and this client share it)",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    shutdown.cancel();
    let _ = case_task.await;
    let _ = gateway_task.await;
}
