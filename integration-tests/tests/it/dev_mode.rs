//! `tekmerkez dev` as a new user meets it: one process, embedded storage,
//! demo data, gRPC health SERVING and reflection listing the services, the
//! HTTP page up; and a restart keeps the data.

use std::{path::Path, time::Duration};

use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::case_v1::{
    self as pb, case_service_client::CaseServiceClient,
    directory_service_client::DirectoryServiceClient,
};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

fn settings(data_dir: &Path) -> Settings {
    dev_settings(data_dir, 40)
}

async fn wait_serving(channel: Channel) {
    let mut health = HealthClient::new(channel);
    eventually(Duration::from_secs(10), "CaseService SERVING", async || {
        let req = HealthCheckRequest {
            service: "tekmerkez.case.v1.CaseService".into(),
        };
        health
            .check(req)
            .await
            .is_ok_and(|r| r.into_inner().status == ServingStatus::Serving as i32)
    })
    .await;
}

async fn services_listed(channel: Channel) -> Vec<String> {
    let mut client = ServerReflectionClient::new(channel);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter(vec![req]))
        .await
        .unwrap()
        .into_inner();
    let resp = stream.message().await.unwrap().unwrap();
    match resp.message_response.unwrap() {
        MessageResponse::ListServicesResponse(l) => l.service.into_iter().map(|s| s.name).collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_serves_health_reflection_demo_data_and_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(settings(data.path())).await.unwrap();
    let (grpc, http) = (dev.grpc_addr(), dev.http_addr());
    let users = dev.users().to_vec();
    let banner = dev.banner(data.path());
    for role in [
        "admin",
        "pool_manager",
        "expert",
        "callback_agent",
        "call_centre_agent",
        "partner_client",
    ] {
        assert!(
            users.iter().any(|u| u.role.as_str() == role),
            "a demo user of role {role}"
        );
        assert!(banner.contains(role));
    }
    // The e-mail channel needs an IMAP server, so dev leaves it off and says how to turn it on.
    assert!(banner.contains("e-mail off"), "{banner}");
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let channel = Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    wait_serving(channel.clone()).await;
    let listed = services_listed(channel.clone()).await;
    assert!(
        listed.contains(&"tekmerkez.case.v1.CaseService".to_owned()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"grpc.health.v1.Health".to_owned()),
        "{listed:?}"
    );

    let manager = users
        .iter()
        .find(|u| u.username == "yonetici.ankara")
        .unwrap();
    let mut case = CaseServiceClient::new(channel);
    let mut req = tonic::Request::new(pb::ListCasesRequest {
        view: pb::CaseView::All as i32,
        ..Default::default()
    });
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {}", manager.api_token).parse().unwrap(),
    );
    let seen = case.list_cases(req).await.unwrap().into_inner().cases;
    assert!(
        !seen.is_empty(),
        "the demo data gives the Ankara pool manager records"
    );

    let page = http_get(http, "/gelistirme").await;
    assert!(
        page.contains("Örnek kullanıcılar") && page.contains("yonetici.ankara"),
        "{page}"
    );
    shutdown.cancel();
    server.await.unwrap().unwrap();

    // A restart keeps the data and does not seed twice.
    let again = Dev::build(settings(data.path())).await.unwrap();
    assert_eq!(again.users().len(), users.len());
}

/// `who`'s own user name through `DirectoryService.GetCurrentUser` with
/// `token`, or the refusal's code.
async fn current_user(channel: Channel, token: &str) -> Result<String, tonic::Code> {
    let mut dir = DirectoryServiceClient::new(channel);
    let mut req = tonic::Request::new(pb::GetCurrentUserRequest {});
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    dir.get_current_user(req)
        .await
        .map(|r| r.into_inner().user.unwrap().username)
        .map_err(|s| s.code())
}

/// Runs a built `Dev` until its case service answers; returns its channel,
/// the stop switch and the task.
async fn run(
    dev: Dev,
) -> (
    Channel,
    CancellationToken,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let grpc = dev.grpc_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let channel = Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    wait_serving(channel.clone()).await;
    (channel, shutdown, server)
}

/// Issue 17, finding 4: the banner's "gRPC API tokens for this run" die
/// with the run: a restart on the same data (no `--fresh`) revokes them
/// and mints new ones, while a token an admin issued stays valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_revokes_the_previous_runs_api_tokens_but_not_an_admins() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(settings(data.path())).await.unwrap();
    let token_of = |dev: &Dev, name: &str| {
        dev.users()
            .iter()
            .find(|u| u.username == name)
            .unwrap()
            .api_token
            .clone()
    };
    let (old_admin, old_manager) = (token_of(&dev, "admin"), token_of(&dev, "yonetici.ankara"));
    assert!(dev.banner(data.path()).contains(&old_manager));
    let (channel, shutdown, server) = run(dev).await;
    assert_eq!(
        current_user(channel.clone(), &old_manager).await,
        Ok("yonetici.ankara".to_owned())
    );
    // An admin issues a token through the API (as the UI does).
    let mut dir = DirectoryServiceClient::new(channel.clone());
    let manager_id = {
        let mut req = tonic::Request::new(pb::GetCurrentUserRequest {});
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {old_manager}").parse().unwrap(),
        );
        dir.get_current_user(req)
            .await
            .unwrap()
            .into_inner()
            .user
            .unwrap()
            .id
    };
    let mut req = tonic::Request::new(pb::IssueApiTokenRequest {
        user_id: manager_id,
        label: "raporlama".into(),
    });
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {old_admin}").parse().unwrap(),
    );
    let admins = dir.issue_api_token(req).await.unwrap().into_inner().token;
    shutdown.cancel();
    server.await.unwrap().unwrap();

    let again = Dev::build(settings(data.path())).await.unwrap();
    let new_manager = token_of(&again, "yonetici.ankara");
    assert_ne!(new_manager, old_manager);
    let (channel, shutdown, server) = run(again).await;
    for old in [&old_manager, &old_admin] {
        assert_eq!(
            current_user(channel.clone(), old).await,
            Err(tonic::Code::Unauthenticated),
            "the previous run's token is refused"
        );
    }
    assert_eq!(
        current_user(channel.clone(), &new_manager).await,
        Ok("yonetici.ankara".to_owned())
    );
    assert_eq!(
        current_user(channel.clone(), &admins).await,
        Ok("yonetici.ankara".to_owned()),
        "the admin's token outlives the restart"
    );
    shutdown.cancel();
    server.await.unwrap().unwrap();
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}
