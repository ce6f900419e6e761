//! Reconciliation: random case histories through the real consumer (with
//! duplicates on the bus and redelivery after a stop), then every single
//! and pair key, for random periods, granularities and scopes, compared
//! cell by cell with a direct count over the histories.

use std::sync::Arc;

use jiff::civil::Date;
use rand::{Rng as _, SeedableRng as _, rngs::StdRng, seq::SliceRandom as _};
use tekmerkez_bus::consumer::Handler as _;
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_reports::{
    fact::date_of,
    handler::ReportHandler,
    query::{self, Dim, Granularity, Scope, SummaryQuery},
    store::ReportStore,
};
use tokio_util::sync::CancellationToken;

use crate::{
    helpers::{self, Backend, Env, envelope, eventually, publish},
    history::{self, DAYS, START, Truth, direct_count, place_of},
};

/// Every dimension alone and every pair.
fn every_by() -> Vec<Vec<Dim>> {
    let mut all = Vec::new();
    for (i, a) in Dim::ALL.iter().enumerate() {
        all.push(vec![*a]);
        for b in &Dim::ALL[i + 1..] {
            all.push(vec![*a, *b]);
        }
    }
    all
}

/// Compares every key of `by` for random periods, granularities and
/// scopes; returns how many cells were compared.
async fn compare(store: &ReportStore, truths: &[Truth], seed: u64) -> usize {
    let mut rng = StdRng::seed_from_u64(seed);
    let first = tekmerkez_reports::fact::day_of(START);
    let mut periods: Vec<(Date, Date)> = vec![
        (date_of(first - 3), date_of(first + DAYS as i32 + 10)),
        (date_of(first + 5), date_of(first + 5)),
        // March exactly (the monthly pre-sums alone), and mid-February to
        // mid-April (days, then whole months, then days again).
        (date_of(first), date_of(first + 30)),
        (date_of(first - 15), date_of(first + 50)),
    ];
    for _ in 0..3 {
        let a = first + rng.random_range(-2..DAYS as i32 + 5);
        let b = a + rng.random_range(0..25);
        periods.push((date_of(a), date_of(b)));
    }
    let granularities = [
        None,
        Some(Granularity::Day),
        Some(Granularity::Week),
        Some(Granularity::Month),
        Some(Granularity::Year),
    ];
    let mut cells = 0;
    for (from, to) in periods {
        let scopes = [Scope::All, Scope::Pools(history::some_pools(&mut rng))];
        for scope in &scopes {
            for by in every_by() {
                let granularity = if rng.random_bool(0.5) {
                    None
                } else {
                    granularities[rng.random_range(0..granularities.len())]
                };
                let q = SummaryQuery {
                    from,
                    to,
                    by: by.clone(),
                    granularity,
                };
                let got = query::summary(store, &q, scope, &place_of).await.unwrap();
                let want = direct_count(truths, scope, from, to, &by, granularity);
                let got_rows: std::collections::BTreeMap<_, _> = got
                    .rows
                    .iter()
                    .map(|r| {
                        let f = &r.figures;
                        (
                            (r.period, r.keys.clone()),
                            history::Expected {
                                opened: f.opened,
                                resolved: f.resolved,
                                open_at_end: f.open_at_end,
                                on_time: f.on_time,
                                late: f.late,
                                close_bucket: f.close_bucket,
                                first_action_bucket: f.first_action_bucket,
                                close_samples: f.close_samples,
                                first_action_samples: f.first_action_samples,
                                satisfaction_count: f.satisfaction_count,
                                satisfaction_sum: f.satisfaction_sum,
                                linked_to_incident: f.linked_to_incident,
                            },
                        )
                    })
                    .collect();
                for (k, w) in &want {
                    assert_eq!(
                        got_rows.get(k),
                        Some(w),
                        "{from}..{to} by {by:?} ({granularity:?}, {scope:?}) at {k:?}"
                    );
                }
                assert_eq!(
                    got_rows.len(),
                    want.len(),
                    "{from}..{to} by {by:?} ({granularity:?}, {scope:?}): extra rows {:?}",
                    got_rows
                        .keys()
                        .filter(|k| !want.contains_key(k))
                        .collect::<Vec<_>>()
                );
                // The totals are the rows' sums (one key per case per dimension).
                if granularity.is_none() {
                    let opened: i64 = want.values().map(|e| e.opened).sum();
                    let open: i64 = want.values().map(|e| e.open_at_end).sum();
                    assert_eq!((got.totals.opened, got.totals.open_at_end), (opened, open));
                }
                cells += want.len();
            }
        }
    }
    cells
}

/// Feeds `events` (some published twice) through the real consumer, which
/// is stopped part-way and started again in the same group (redelivering
/// what it had not committed), until every distinct event is applied.
async fn feed(env: &Env, events: &[pb::CaseEvent], seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut on_bus = Vec::new();
    for e in events {
        on_bus.push(e.clone());
        if rng.random_bool(0.1) {
            on_bus.push(e.clone());
        }
    }
    publish(&env.bus, &on_bus).await;
    let distinct = events.len() as i64;
    for (round, until) in [(0, distinct / 2), (1, distinct)] {
        let sub = env
            .bus
            .subscribe(
                "reports-test",
                tekmerkez_reports::handler::CASE_EVENTS_TOPIC,
            )
            .await
            .unwrap();
        let stop = CancellationToken::new();
        let run = tokio::spawn(tekmerkez_bus::consumer::run(
            sub,
            env.bus.clone(),
            Arc::new(ReportHandler::new(env.store.clone())),
            tekmerkez_bus::consumer::Options {
                retry: tekmerkez_bus::consumer::RetryPolicy {
                    max_attempts: 10,
                    initial_backoff: std::time::Duration::from_millis(10),
                    max_backoff: std::time::Duration::from_millis(200),
                },
                concurrency: 4,
            },
            stop.clone(),
        ));
        let store = env.store.clone();
        eventually(
            180,
            &format!("round {round}: {until} events applied"),
            || {
                let store = store.clone();
                async move { store.processed_count().await.unwrap() >= until }
            },
        )
        .await;
        stop.cancel();
        let stats = run.await.unwrap();
        assert_eq!(stats.dead_lettered, 0);
    }
    assert_eq!(env.store.processed_count().await.unwrap(), distinct);
}

async fn reconcile(backend: Backend, seed: u64, cases: usize) {
    let env = helpers::env(backend).await;
    let (truths, events) = history::generate(seed, cases);
    feed(&env, &events, seed).await;
    let cells = compare(&env.store, &truths, seed).await;
    assert!(cells > 1000, "compared {cells} cells");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_rollups_equal_a_direct_count_for_every_key_period_and_scope() {
    reconcile(Backend::Embedded, 19, 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_and_kafka_rollups_equal_a_direct_count_for_every_key_period_and_scope() {
    reconcile(Backend::Production, 1919, 300).await;
}

/// Each case's events applied in a random order (and some twice) give the
/// same counts as the stream in order: an event for a case whose earlier
/// version was not seen yet corrupts nothing.
#[tokio::test]
async fn events_in_any_order_and_repeated_converge_to_the_direct_count() {
    for seed in [1_u64, 2, 3] {
        let env = helpers::env(Backend::Embedded).await;
        let (truths, mut events) = history::generate(seed, 120);
        let mut rng = StdRng::seed_from_u64(seed);
        events.shuffle(&mut rng);
        let repeats: Vec<_> = events
            .iter()
            .filter(|_| rng.random_bool(0.2))
            .cloned()
            .collect();
        events.extend(repeats);
        let handler = ReportHandler::new(env.store.clone());
        for e in &events {
            handler.handle(&envelope(e)).await.unwrap();
        }
        compare(&env.store, &truths, seed).await;
    }
}

/// A second consumer group reading the whole topic again (a replay, or
/// every event redelivered) changes no figure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_events_delivered_twice_count_once() {
    let env = helpers::env(Backend::Embedded).await;
    let (truths, events) = history::generate(7, 150);
    feed(&env, &events, 7).await;
    let by = vec![Dim::Pool, Dim::ClosureReason];
    let q = SummaryQuery {
        from: date_of(tekmerkez_reports::fact::day_of(START)),
        to: date_of(tekmerkez_reports::fact::day_of(START) + 40),
        by,
        granularity: Some(Granularity::Week),
    };
    let before = query::summary(&env.store, &q, &Scope::All, &place_of)
        .await
        .unwrap();
    let stats = helpers::consume(&env, "another-group", events.len() as u64, 2).await;
    assert!(stats.handled >= events.len() as u64);
    let after = query::summary(&env.store, &q, &Scope::All, &place_of)
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(
        env.store.processed_count().await.unwrap(),
        events.len() as i64
    );
    compare(&env.store, &truths, 7).await;
}

/// The rebuild (as `tekmerkez reports rebuild --data-dir` runs it on a
/// stopped `tekmerkez dev`): everything emptied, the topic replayed from
/// its beginning in a new generation, the same figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_empties_everything_and_replays_the_topic_into_the_same_figures() {
    let env = helpers::env(Backend::Embedded).await;
    let (truths, events) = history::generate(11, 150);
    feed(&env, &events, 11).await;
    let settings: tekmerkez_reports::ReportsSettings = serde_json::from_value(serde_json::json!({
        "grpc_listen": "127.0.0.1:0",
        "database_url": env.url,
        "migrate_on_start": true,
        "pg_max_connections": 1,
        "case_service": {"url": "http://127.0.0.1:1", "token": "unused", "timeout_ms": 1000},
        "consumer": {"group": "reports", "max_attempts": 3, "initial_backoff_ms": 10, "max_backoff_ms": 100, "concurrency": 2},
        "directory_cache_ms": 1000,
        "rebuild": {"idle_ms": 1500},
        "periodic": {"enabled": false, "send_hour": 8, "poll_interval_ms": 60000, "lease_ms": 300000,
                     "institution": "Tek Merkez", "font_path": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
    }))
    .unwrap();
    let mut seen = Vec::new();
    let stats = tekmerkez_reports::rebuild::rebuild(
        &settings,
        env.bus.clone(),
        CancellationToken::new(),
        |n, _| seen.push(n),
    )
    .await
    .unwrap();
    assert_eq!(stats.generation, 1);
    // Every delivery, the bus's duplicates included.
    assert!(stats.events >= events.len() as u64);
    assert!(stats.rate() > 0.0 && !seen.is_empty());
    assert_eq!(env.store.generation().await.unwrap(), 1);
    assert_eq!(
        env.store.processed_count().await.unwrap(),
        events.len() as i64
    );
    compare(&env.store, &truths, 11).await;
}
