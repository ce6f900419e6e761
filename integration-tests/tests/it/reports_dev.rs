//! `tekmerkez dev` hosts the reports service too: the demo cases, opened
//! through the case service's outbox and the embedded bus, are counted in
//! SQLite and answered by `ReportService`, scoped per caller.

use std::time::Duration;

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::reports_v1::{self as rpb, report_service_client::ReportServiceClient};
use tokio_util::sync::CancellationToken;

async fn opened(
    client: &mut ReportServiceClient<tonic::transport::Channel>,
    token: &str,
) -> Result<i64, tonic::Code> {
    let mut req = tonic::Request::new(rpb::SummaryRequest {
        from: "2020-01-01".into(),
        to: "2029-12-31".into(),
        by: vec![rpb::Dimension::Channel as i32],
        granularity: Some(rpb::Granularity::Year as i32),
        within: None,
    });
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    client
        .summary(req)
        .await
        .map(|r| r.into_inner().totals.unwrap_or_default().opened)
        .map_err(|s| s.code())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_counts_the_demo_cases_and_answers_each_caller_in_its_scope() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 40);
    settings.reports.grpc_listen = "127.0.0.1:0".into();
    let dev = Dev::build(settings).await.unwrap();
    let addr = dev.reports_addr();
    let users = dev.users().to_vec();
    assert!(
        dev.banner(data.path())
            .contains("tekmerkez.reports.v1.ReportService")
    );
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let mut client = ReportServiceClient::connect(format!("http://{addr}"))
        .await
        .unwrap();
    let token = |role: &str| {
        users
            .iter()
            .find(|u| u.role.as_str() == role)
            .unwrap()
            .api_token
            .clone()
    };
    let all = eventually(
        Duration::from_secs(30),
        "the admin sees the demo cases",
        async || {
            opened(&mut client, &token("admin"))
                .await
                .ok()
                .filter(|n| *n >= 40)
        },
    )
    .await;
    let mine = opened(&mut client, &token("pool_manager")).await.unwrap();
    assert!(
        0 < mine && mine < all,
        "a pool manager sees its pools' share: {mine} of {all}"
    );
    assert_eq!(
        opened(&mut client, &token("expert")).await,
        Err(tonic::Code::PermissionDenied)
    );
    shutdown.cancel();
    server.await.unwrap().unwrap();
}

/// The whole of the first-start period as one row.
async fn year_totals(
    client: &mut ReportServiceClient<tonic::transport::Channel>,
    token: &str,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> rpb::Figures {
    let mut req = tonic::Request::new(rpb::SummaryRequest {
        from: from.to_string(),
        to: to.to_string(),
        by: vec![rpb::Dimension::ClosureReason as i32],
        granularity: None,
        within: None,
    });
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    client
        .summary(req)
        .await
        .unwrap()
        .into_inner()
        .totals
        .unwrap_or_default()
}

// Issue 19, part 7: the first start loads a history in the background
// while the product already serves, and the reports count it on the days
// it happened: applications before the demo's last twelve days, nearly all
// answered with a reason, some late, some with a satisfaction answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_loads_a_history_in_the_background_and_the_reports_count_it_on_its_days() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 0);
    settings.reports.grpc_listen = "127.0.0.1:0".into();
    settings.dev.demo_history_days = 45;
    settings.dev.demo_history_per_day = 6;
    let dev = Dev::build(settings).await.unwrap();
    let addr = dev.reports_addr();
    let http = dev.http_addr();
    let admin = dev
        .users()
        .iter()
        .find(|u| u.role.as_str() == "admin")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    // Serving does not wait for the history.
    let page = reqwest::get(format!("http://{http}/giris")).await.unwrap();
    assert_eq!(page.status(), 200);

    let today = tekmerkez_workdays::istanbul_date(jiff::Timestamp::now());
    let day = |ago: i64| today.checked_sub(jiff::Span::new().days(ago)).unwrap();
    let mut client = ReportServiceClient::connect(format!("http://{addr}"))
        .await
        .unwrap();
    // Settled: the same figures twice, two seconds apart.
    let mut last = rpb::Figures::default();
    let history = eventually(
        Duration::from_secs(120),
        "the history is loaded and counted",
        async || {
            let now = year_totals(&mut client, &admin, day(57), day(13)).await;
            let settled = now.opened > 100 && now == last;
            last = now;
            if !settled {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            settled.then_some(now)
        },
    )
    .await;
    // Nothing of it falls in the demo's own last twelve days.
    let recent = year_totals(&mut client, &admin, day(11), today).await;
    assert_eq!(recent.opened, 0, "{recent:?}");
    // About six a weekday over 45 days, fewer at weekends.
    assert!((120..=400).contains(&history.opened), "{history:?}");
    assert!(
        history.resolved * 10 >= history.opened * 8,
        "most are answered: {history:?}"
    );
    assert!(
        history.on_time + history.late <= history.resolved,
        "{history:?}"
    );
    assert!(history.late > 0, "some were late: {history:?}");
    assert!(history.satisfaction_count > 0, "{history:?}");
    assert!(history.median_hours_to_close.is_some());
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
