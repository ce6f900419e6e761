//! Over a real socket: what a server of ours receives from a call made
//! through a [`Connection`].
#![allow(
    clippy::expect_used,
    reason = "test set-up fails loudly; the house style allows it"
)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use secrecy::SecretString;
use tekmerkez_case_client::Connection;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

/// The headers a server saw on its last call.
#[derive(Default, Clone)]
struct Seen(Arc<Mutex<Vec<(String, String)>>>);

async fn serve_health(seen: Seen) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (_reporter, health) = tonic_health::server::health_reporter();
    let recorder = move |req: tonic::Request<()>| {
        let mut headers = seen.0.lock().expect("lock");
        for key in ["authorization", "grpc-timeout", "traceparent"] {
            if let Some(v) = req.metadata().get(key).and_then(|v| v.to_str().ok()) {
                headers.push((key.to_owned(), v.to_owned()));
            }
        }
        Ok(req)
    };
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(tonic::service::interceptor::InterceptedService::new(
                health, recorder,
            ))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    addr
}

#[tokio::test]
async fn the_server_sees_the_bearer_token_and_a_deadline_on_every_call() {
    let seen = Seen::default();
    let addr = serve_health(seen.clone()).await;
    let conn = Connection::connect_lazy(
        &format!("http://{addr}"),
        &SecretString::from("routing-token-0123456789abcdefghij".to_owned()),
        Duration::from_secs(3),
    )
    .expect("valid settings");

    let mut client = HealthClient::with_interceptor(conn.channel(), conn.credentials());
    client
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("the server answers");

    let headers = seen.0.lock().expect("lock").clone();
    assert!(
        headers.contains(&(
            "authorization".to_owned(),
            "Bearer routing-token-0123456789abcdefghij".to_owned()
        )),
        "{headers:?}"
    );
    // Sent as the server reads it: the value is the deadline less time in flight.
    assert!(
        headers.iter().any(|(k, _)| k == "grpc-timeout"),
        "no deadline reached the server: {headers:?}"
    );
}

#[tokio::test]
async fn another_service_is_called_with_the_same_credentials() {
    let seen = Seen::default();
    let addr = serve_health(seen.clone()).await;
    let case = Connection::connect_lazy(
        "http://127.0.0.1:9",
        &SecretString::from("gateway-token-0123456789abcdefghij".to_owned()),
        Duration::from_secs(3),
    )
    .expect("valid settings");
    let routing = case.to(&format!("http://{addr}")).expect("valid url");

    HealthClient::with_interceptor(routing.channel(), routing.credentials())
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("the server answers");

    let headers = seen.0.lock().expect("lock").clone();
    assert!(headers.contains(&(
        "authorization".to_owned(),
        "Bearer gateway-token-0123456789abcdefghij".to_owned()
    )));
}

#[tokio::test]
async fn a_service_that_is_down_fails_the_call_as_unavailable() {
    // Port 9 (discard) has no listener on 127.0.0.1 here.
    let conn = Connection::connect_lazy(
        "http://127.0.0.1:9",
        &SecretString::from("t".to_owned()),
        Duration::from_secs(3),
    )
    .expect("valid settings");
    let err = conn
        .cases()
        .get_case(tekmerkez_proto::case_v1::GetCaseRequest::default())
        .await
        .expect_err("nobody listens");
    assert_eq!(err.code(), tonic::Code::Unavailable, "{err:?}");
}
