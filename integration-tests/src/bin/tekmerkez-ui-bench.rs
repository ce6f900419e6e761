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
use sqlx::{Connection as _, Executor as _, PgConnection};
use tekmerkez_integration_tests::{
    bench::{print_latencies, with_db},
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

async fn ensure_database(admin_url: &str, db: &str, fresh: bool) {
    let mut c = PgConnection::connect(admin_url).await.unwrap();
    if fresh {
        c.execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
            .await
            .unwrap();
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(db)
            .fetch_one(&mut c)
            .await
            .unwrap();
    if !exists {
        c.execute(format!("CREATE DATABASE {db}").as_str())
            .await
            .unwrap();
    }
}

async fn max_seq(c: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM cases")
        .fetch_one(c)
        .await
        .unwrap()
}

/// Puts the clones after `seq` into the person index, as the case service
/// does for a case it opens (the clones share the demo citizens' phones and
/// addresses: each demo citizen ends up with thousands of applications).
async fn index_people(c: &mut PgConnection, seq: i64) {
    sqlx::query(
        "INSERT INTO person_keys (person_key, created_at, case_id)
         SELECT 'phone:' || contact_phone, created_at, id FROM cases
         WHERE seq > $1 AND contact_phone IS NOT NULL
         UNION ALL
         SELECT 'email:' || translate(contact_email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
                created_at, id FROM cases
         WHERE seq > $1 AND contact_email IS NOT NULL",
    )
    .bind(seq)
    .execute(c)
    .await
    .unwrap();
}

/// Gives the clones the search terms of the demo record each was cloned
/// from (same text, same applicant: the terms the case service made for
/// it), as the case service would have written them; the vocabulary holds
/// the demo's words already. Without this the case service's backfill
/// would index a million records while the pages are timed.
async fn index_clones(c: &mut PgConnection) {
    c.execute(
        "CREATE TABLE IF NOT EXISTS bench_terms AS
         SELECT DISTINCT ON (c.text, c.contact_name) c.text, c.contact_name AS name, s.terms
         FROM cases c JOIN case_search s ON s.rowid = c.seq ORDER BY c.text, c.contact_name, c.seq",
    )
    .await
    .unwrap();
    let n = sqlx::query(
        "INSERT INTO case_search (rowid, terms)
         SELECT c.seq, t.terms FROM cases c
         JOIN bench_terms t ON t.text = c.text AND t.name IS NOT DISTINCT FROM c.contact_name
         WHERE NOT EXISTS (SELECT 1 FROM case_search s WHERE s.rowid = c.seq)",
    )
    .execute(&mut *c)
    .await
    .unwrap()
    .rows_affected();
    if n > 0 {
        println!("  {n} records given their search terms");
    }
}

/// Leaves the tables as autovacuum would on a settled database: statistics,
/// and the visibility map that lets counts read indexes alone.
async fn settle(c: &mut PgConnection) {
    c.execute("VACUUM ANALYZE cases").await.unwrap();
    c.execute("VACUUM ANALYZE person_keys").await.unwrap();
    c.execute("VACUUM ANALYZE case_search").await.unwrap();
    c.execute("VACUUM ANALYZE search_words").await.unwrap();
}

/// Clones the demo records until there are `target` in all, in batches so
/// that progress shows and no transaction grows huge.
async fn clone_cases(url: &str, target: i64) {
    let mut c = PgConnection::connect(url).await.unwrap();
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&mut c)
        .await
        .unwrap();
    if have >= target {
        println!("  {have} records already there");
        index_clones(&mut c).await;
        settle(&mut c).await;
        return;
    }
    let started = Instant::now();
    let batch = 100_000;
    let mut next = have;
    let mut last_seq = max_seq(&mut c).await;
    while next < target {
        let n = batch.min(target - next);
        // New ids, application ids and tracking numbers (unique, in the
        // format's alphabet); everything else from a demo record.
        sqlx::query(
            "WITH t AS (SELECT row_number() OVER (ORDER BY seq) - 1 AS k, * FROM (SELECT * FROM cases ORDER BY seq LIMIT 300) AS demo),
                  n AS (SELECT count(*) AS c FROM t)
             INSERT INTO cases (id, tracking_number, application_id, request_fingerprint, channel, category, text,
                  urgency, province_code, district, latitude, longitude, pool_id, status, holder_id, reply_channel,
                  contact_name, contact_phone, contact_email, contact_address, consent_text_version,
                  consent_accepted_at, consent_special, information_only, official_answer, closed_by, created_by,
                  created_at, entered_pool_at, held_since, closed_at, resolved_at, last_note_at, callback_attempts,
                  callback_retry_at, version, updated_at)
             SELECT gen_random_uuid(),
                    'B' || substr(lpad(upper(to_hex(g)), 8, '0'), 1, 4) || '-' || substr(lpad(upper(to_hex(g)), 8, '0'), 5, 4) || '0',
                    gen_random_uuid(), t.request_fingerprint, t.channel, t.category, t.text,
                    t.urgency, t.province_code, t.district, t.latitude, t.longitude, t.pool_id, t.status, t.holder_id,
                    t.reply_channel, t.contact_name, t.contact_phone, t.contact_email, t.contact_address,
                    t.consent_text_version, t.consent_accepted_at, t.consent_special, t.information_only,
                    t.official_answer, t.closed_by, t.created_by,
                    t.created_at - g, t.entered_pool_at - g, t.held_since, t.closed_at, t.resolved_at,
                    t.last_note_at, t.callback_attempts, t.callback_retry_at, t.version, t.updated_at
             FROM generate_series($1::bigint, $2::bigint) AS g
             JOIN t ON t.k = g % (SELECT c FROM n)",
        )
        .bind(next + 1)
        .bind(next + n)
        .execute(&mut c)
        .await
        .unwrap();
        index_people(&mut c, last_seq).await;
        last_seq = max_seq(&mut c).await;
        next += n;
        println!(
            "  {next} records ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    index_clones(&mut c).await;
    settle(&mut c).await;
}

/// The durability settings the server reports, as a DBA would check them.
async fn durability(url: &str) -> String {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut out = Vec::new();
    for name in ["fsync", "synchronous_commit", "full_page_writes"] {
        let v: String = sqlx::query_scalar(&format!("SHOW {name}"))
            .fetch_one(&mut c)
            .await
            .unwrap();
        out.push(format!("{name} = {v}"));
    }
    out.join(", ")
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
    assert!(!phones.is_empty() && !pairs.is_empty(), "queries from the demo records");
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
