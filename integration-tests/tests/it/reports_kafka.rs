//! The reports service as its own process on PostgreSQL and the broker:
//! SIGKILLed twice mid-stream and restarted, it counts nothing twice; and
//! its `ReportService` answers each caller within the desk's scope (a pool
//! manager its pools, a directorate manager its directorate, an admin
//! everything; an expert is refused; a bad request names its fields).

use std::{collections::BTreeSet, time::Duration};

use prost::Message as _;
use sqlx::Connection as _;
use tekmerkez_bus::{Bus as _, Envelope, KafkaBus, KafkaSettings, headers};
use tekmerkez_integration_tests::{cluster::Cluster, wait::within};
use tekmerkez_proto::{
    case_v1::{self as pb, directory_service_client::DirectoryServiceClient},
    reports_v1::{self as rpb, report_service_client::ReportServiceClient},
};
use tekmerkez_reports::{
    fact::Metric,
    store::{PoolRows, ReportStore},
};

/// 2026-03-02 10:00 Istanbul.
const T0: i64 = 1_772_434_800;

fn ts(secs: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp {
        seconds: secs,
        nanos: 0,
    })
}

/// The events of case `i` in pool `pool`: opened, claimed, resolved; every
/// third reopened and resolved again; every fifth answers the survey.
fn case_events(i: usize, pool: &str) -> Vec<pb::CaseEvent> {
    use pb::case_event::Payload as P;
    let case_id = uuid::Uuid::new_v4().to_string();
    let at = T0 + (i as i64 % 20) * 86_400;
    let mut v = 0;
    let mut ev = |secs: i64, p: P| {
        v += 1;
        pb::CaseEvent {
            event_id: uuid::Uuid::new_v4().to_string(),
            case_id: case_id.clone(),
            tracking_number: format!("R{i}"),
            occurred_at: ts(secs),
            actor: None,
            case_version: v,
            payload: Some(p),
        }
    };
    let mut out = vec![
        ev(
            at,
            P::Opened(pb::CaseOpened {
                channel: 1 + (i % 6) as i32,
                category: "yol_bakim".into(),
                pool_id: pool.to_owned(),
                province_code: 6,
                ..Default::default()
            }),
        ),
        ev(at + 600, P::Claimed(pb::CaseClaimed::default())),
        ev(
            at + 7200,
            P::Resolved(pb::CaseResolved {
                closure_reason: "cozuldu".into(),
                ..Default::default()
            }),
        ),
    ];
    if i.is_multiple_of(3) {
        out.push(ev(
            at + 9000,
            P::Reopened(pb::CaseReopened {
                pool_id: pool.to_owned(),
            }),
        ));
        out.push(ev(
            at + 20_000,
            P::Resolved(pb::CaseResolved {
                closure_reason: "cozuldu".into(),
                ..Default::default()
            }),
        ));
    }
    if i.is_multiple_of(5) {
        out.push(ev(
            at + 30_000,
            P::SurveyAnswered(pb::SurveyAnswered {
                score: 4,
                pool_id: pool.to_owned(),
                ..Default::default()
            }),
        ));
    }
    out
}

fn bus(cluster: &Cluster) -> KafkaBus {
    KafkaBus::new(KafkaSettings {
        brokers: cluster.brokers.clone(),
        client_id: "reports-it".into(),
        message_timeout_ms: 20_000,
        session_timeout_ms: 6_000,
        partitions: 3,
        replication_factor: 1,
        topic_prefix: cluster.prefix.clone(),
        idempotence: false,
        linger_ms: 5,
        fetch_wait_max_ms: 100,
        unassigned_rejoin_after_ms: 15_000,
        statistics_interval_ms: 0,
        topic_retention: Vec::new(),
    })
    .unwrap()
}

async fn publish(bus: &KafkaBus, events: &[pb::CaseEvent]) {
    let sends = events.iter().map(|e| {
        bus.publish(Envelope {
            topic: "case.events.v1".into(),
            key: e.case_id.clone(),
            headers: vec![(headers::EVENT_ID.into(), e.event_id.clone())],
            payload: e.encode_to_vec().into(),
        })
    });
    for r in futures::future::join_all(sends).await {
        r.unwrap();
    }
}

async fn reports_count(db: &str, sql: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(db).await.unwrap();
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .unwrap_or(0)
}

const PROCESSED: &str = "SELECT COUNT(*) FROM report_processed_events";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reports_process_killed_mid_stream_and_restarted_counts_nothing_twice() {
    let mut cluster = Cluster::new().await;
    // Small transactions and several lanes: a kill lands mid-batch.
    cluster.set_env("TEKMERKEZ__REPORTS__CONSUMER__CONCURRENCY", "4");
    let bus = bus(&cluster);
    bus.ensure_topics(&["case.events.v1", "case.events.v1.dlq"])
        .await
        .unwrap();
    let n = 1500;
    let events: Vec<pb::CaseEvent> = (0..n)
        .flat_map(|i| case_events(i, ["pool-a", "pool-b"][i % 2]))
        .collect();
    // Every tenth event is on the bus twice (a producer's retry).
    let mut on_bus = events.clone();
    on_bus.extend(events.iter().step_by(10).cloned());
    publish(&bus, &on_bus).await;
    let distinct = events.len() as i64;

    cluster.start("reports").await;
    for fraction in [4, 2] {
        let at = distinct / fraction;
        let reached = within(Duration::from_secs(120), async || {
            reports_count(&cluster.reports_db, PROCESSED).await >= at
        })
        .await;
        assert!(
            reached.is_some(),
            "{at} events: {}",
            cluster.failure("reports")
        );
        cluster.kill("reports").await;
        let after_kill = reports_count(&cluster.reports_db, PROCESSED).await;
        assert!(
            after_kill < distinct,
            "killed mid-stream ({after_kill} of {distinct})"
        );
        cluster.start("reports").await;
    }
    let done = within(Duration::from_secs(180), async || {
        reports_count(&cluster.reports_db, PROCESSED).await >= distinct
    })
    .await;
    assert!(
        done.is_some(),
        "every event: {}",
        cluster.failure("reports")
    );

    let resolutions = (n + n.div_ceil(3)) as i64;
    let surveys = n.div_ceil(5) as i64;
    let total = |col: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM({col}), 0) AS BIGINT) FROM report_daily WHERE dims = '' AND pool_id = ''"
        )
    };
    let db = cluster.reports_db.clone();
    assert_eq!(reports_count(&db, &total("opened")).await, n as i64);
    assert_eq!(reports_count(&db, &total("resolved")).await, resolutions);
    assert_eq!(reports_count(&db, &total("open_delta")).await, 0);
    assert_eq!(reports_count(&db, &total("survey_count")).await, surveys);
    assert_eq!(reports_count(&db, PROCESSED).await, distinct);
    let close_samples: i64 = ReportStore::connect(&db, 1)
        .unwrap()
        .daily("", &PoolRows::AllPools, 0, i32::MAX)
        .await
        .unwrap()
        .iter()
        .map(|r| r.counts(Metric::Close).unwrap().values().sum::<i64>())
        .sum();
    assert_eq!(close_samples, resolutions);
    // Per pool, the same: nothing doubled in any cell.
    let per_pool = reports_count(
        &db,
        "SELECT CAST(SUM(opened) AS BIGINT) FROM report_daily WHERE dims = 'channel' AND pool_id <> ''",
    )
    .await;
    assert_eq!(per_pool, n as i64);
    assert!(cluster.exited().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_replays_the_topic_into_the_same_figures_and_the_service_goes_on_from_there() {
    let mut cluster = Cluster::new().await;
    cluster.set_env("TEKMERKEZ__REPORTS__REBUILD__IDLE_MS", "3000");
    let bus = bus(&cluster);
    bus.ensure_topics(&["case.events.v1", "case.events.v1.dlq"])
        .await
        .unwrap();
    let n = 300;
    let events: Vec<pb::CaseEvent> = (0..n).flat_map(|i| case_events(i, "pool-a")).collect();
    publish(&bus, &events).await;
    let distinct = events.len() as i64;
    cluster.start("reports").await;
    let done = within(Duration::from_secs(120), async || {
        reports_count(&cluster.reports_db, PROCESSED).await >= distinct
    })
    .await;
    assert!(done.is_some(), "{}", cluster.failure("reports"));
    let opened = "SELECT CAST(COALESCE(SUM(opened), 0) AS BIGINT) FROM report_daily WHERE dims = 'channel,category' AND pool_id = 'pool-a'";
    let resolved = "SELECT CAST(COALESCE(SUM(resolved), 0) AS BIGINT) FROM report_daily WHERE dims = '' AND pool_id = ''";
    let before = (
        reports_count(&cluster.reports_db, opened).await,
        reports_count(&cluster.reports_db, resolved).await,
    );
    assert_eq!(before.0, n as i64);
    // The service is stopped for a rebuild (scaled to 0).
    let (status, _) = cluster.terminate("reports").await;
    assert!(status.success());

    let out = cluster.run(&["reports", "rebuild"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{distinct} events in")),
        "{stdout}"
    );
    assert!(stdout.contains("events/s"), "{stdout}");
    assert!(stdout.contains("generation 1"), "{stdout}");
    let after = (
        reports_count(&cluster.reports_db, opened).await,
        reports_count(&cluster.reports_db, resolved).await,
    );
    assert_eq!(after, before, "the same figures after the replay");
    assert_eq!(
        reports_count(&cluster.reports_db, PROCESSED).await,
        distinct
    );

    // Started again, the service reads the new generation's position: only
    // new events are applied.
    cluster.start("reports").await;
    let more: Vec<pb::CaseEvent> = (n..n + 10).flat_map(|i| case_events(i, "pool-a")).collect();
    publish(&bus, &more).await;
    let all = distinct + more.len() as i64;
    let done = within(Duration::from_secs(60), async || {
        reports_count(&cluster.reports_db, PROCESSED).await >= all
    })
    .await;
    assert!(done.is_some(), "{}", cluster.failure("reports"));
    assert_eq!(
        reports_count(&cluster.reports_db, opened).await,
        n as i64 + 10
    );
}

/// A user with `role`, its API token.
async fn user_token(
    dir: &mut DirectoryServiceClient<tonic::transport::Channel>,
    cluster: &Cluster,
    name: &str,
    role: pb::Role,
    pools: Vec<String>,
    directorate: &str,
) -> String {
    let user = dir
        .create_user(cluster.as_admin(pb::CreateUserRequest {
            username: name.into(),
            display_name: format!("Kullanıcı {name}"),
            role: role as i32,
            pool_ids: pools,
            password: "a-long-enough-password-1".into(),
            email: String::new(),
            phone: String::new(),
            directorate_id: directorate.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    dir.issue_api_token(cluster.as_admin(pb::IssueApiTokenRequest {
        user_id: user.id,
        label: "reports test".into(),
    }))
    .await
    .unwrap()
    .into_inner()
    .token
}

fn with_token<T>(token: &str, msg: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

fn by_pool() -> rpb::SummaryRequest {
    rpb::SummaryRequest {
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
        by: vec![rpb::Dimension::Pool as i32],
        granularity: None,
        within: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_caller_sees_only_its_scope_and_an_expert_is_refused() {
    let mut cluster = Cluster::new().await;
    cluster.start("case").await;
    let mut dir = DirectoryServiceClient::connect(format!("http://{}", cluster.case_addr))
        .await
        .unwrap();
    // Two directorates: d1 holds units u1 (pools a, b) and u2 (pool c); d2 holds u3 (pool d).
    let mut directorate = async |name: &str| {
        dir.create_directorate(cluster.as_admin(pb::CreateDirectorateRequest { name: name.into() }))
            .await
            .unwrap()
            .into_inner()
            .directorate
            .unwrap()
            .id
    };
    let d1 = directorate("Fen İşleri").await;
    let d2 = directorate("Park ve Bahçeler").await;
    let mut unit = async |d: &str, name: &str| {
        dir.create_unit(cluster.as_admin(pb::CreateUnitRequest {
            directorate_id: d.into(),
            name: name.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .unit
        .unwrap()
        .id
    };
    let u1 = unit(&d1, "Yol Bakım").await;
    let u2 = unit(&d1, "Asfalt").await;
    let u3 = unit(&d2, "Yeşil Alanlar").await;
    let mut pool = async |u: &str, province: u32| {
        dir.create_pool(cluster.as_admin(pb::CreatePoolRequest {
            unit_id: u.into(),
            province_code: province,
            name: String::new(),
            triage: false,
        }))
        .await
        .unwrap()
        .into_inner()
        .pool
        .unwrap()
        .id
    };
    let (a, b, c, d) = (
        pool(&u1, 6).await,
        pool(&u1, 34).await,
        pool(&u2, 6).await,
        pool(&u3, 6).await,
    );

    let manager = user_token(
        &mut dir,
        &cluster,
        "havuz",
        pb::Role::PoolManager,
        vec![a.clone()],
        "",
    )
    .await;
    let director = user_token(
        &mut dir,
        &cluster,
        "mudur",
        pb::Role::DirectorateManager,
        vec![],
        &d1,
    )
    .await;
    let expert = user_token(
        &mut dir,
        &cluster,
        "uzman",
        pb::Role::Expert,
        vec![a.clone()],
        "",
    )
    .await;
    let admin = user_token(&mut dir, &cluster, "yonetici", pb::Role::Admin, vec![], "").await;

    // Cases: 1 in a, 2 in b, 3 in c, 4 in d.
    let bus = bus(&cluster);
    bus.ensure_topics(&["case.events.v1", "case.events.v1.dlq"])
        .await
        .unwrap();
    let mut events = Vec::new();
    let mut i = 0;
    for (p, k) in [(&a, 1), (&b, 2), (&c, 3), (&d, 4)] {
        for _ in 0..k {
            events.extend(case_events(i * 5 + 1, p));
            i += 1;
        }
    }
    publish(&bus, &events).await;
    cluster.start("reports").await;
    let mut reports = ReportServiceClient::connect(format!("http://{}", cluster.reports_addr))
        .await
        .unwrap();
    let opened_by_pool = async |reports: &mut ReportServiceClient<tonic::transport::Channel>,
                                token: &str| {
        let r = reports
            .summary(with_token(token, by_pool()))
            .await
            .unwrap()
            .into_inner();
        r.rows
            .iter()
            .map(|row| (row.keys[0].clone(), row.figures.as_ref().unwrap().opened))
            .collect::<Vec<_>>()
    };
    let all = within(Duration::from_secs(60), async || {
        let rows = opened_by_pool(&mut reports, &admin).await;
        (rows.iter().map(|(_, n)| n).sum::<i64>() == 10).then_some(rows)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "the admin sees all ten cases: {}",
            cluster.failure("reports")
        )
    });
    let mut want: Vec<(String, i64)> = vec![
        (a.clone(), 1),
        (b.clone(), 2),
        (c.clone(), 3),
        (d.clone(), 4),
    ];
    want.sort();
    assert_eq!(all, want);

    assert_eq!(
        opened_by_pool(&mut reports, &manager).await,
        [(a.clone(), 1)]
    );
    let mut d1_pools = vec![(a.clone(), 1), (b.clone(), 2), (c.clone(), 3)];
    d1_pools.sort();
    assert_eq!(opened_by_pool(&mut reports, &director).await, d1_pools);

    // By unit and by channel, the scope holds too.
    let by = |dims: Vec<rpb::Dimension>| rpb::SummaryRequest {
        by: dims.into_iter().map(|d| d as i32).collect(),
        ..by_pool()
    };
    let units = reports
        .summary(with_token(&director, by(vec![rpb::Dimension::Unit])))
        .await
        .unwrap()
        .into_inner();
    let got: BTreeSet<(String, i64)> = units
        .rows
        .iter()
        .map(|r| (r.keys[0].clone(), r.figures.as_ref().unwrap().opened))
        .collect();
    assert_eq!(got, BTreeSet::from([(u1.clone(), 3), (u2.clone(), 3)]));
    let channels = reports
        .summary(with_token(&manager, by(vec![rpb::Dimension::Channel])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(channels.totals.unwrap().opened, 1);

    let refused = reports
        .summary(with_token(&expert, by_pool()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    let nobody = reports
        .summary(with_token("not-a-token", by_pool()))
        .await
        .unwrap_err();
    assert_eq!(nobody.code(), tonic::Code::Unauthenticated);

    let bad = reports
        .summary(with_token(
            &admin,
            rpb::SummaryRequest {
                from: "2026-02-30".into(),
                to: "2026-03-31".into(),
                by: vec![],
                granularity: Some(0),
                within: None,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    use tonic_types::StatusExt as _;
    let fields: Vec<String> = bad
        .get_error_details()
        .bad_request()
        .unwrap()
        .field_violations
        .iter()
        .map(|v| v.field.clone())
        .collect();
    assert_eq!(fields, ["from", "by", "granularity"]);
    let _ = u3;
}
