//! `tekmerkez dev` as a new user meets it: one process, embedded storage,
//! demo data, gRPC health SERVING and reflection listing the services, the
//! HTTP page up; and a restart keeps the data.

use std::{path::Path, time::Duration};

use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
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
