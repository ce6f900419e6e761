//! The event backbone inside one process (`tekmerkez dev`: embedded bus,
//! SQLite): HTTP in → bus → routing → case in the pool its rule names;
//! nothing doubled on replays; the bad inputs get their answers; and after a
//! restart of the process, what was accepted still becomes a case.

use std::{path::Path, time::Duration};

use serde_json::{Value, json};
use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::case_v1::{
    self as pb, case_service_client::CaseServiceClient,
    directory_service_client::DirectoryServiceClient,
};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

fn settings(data_dir: &Path) -> Settings {
    let mut s = dev_settings(data_dir, 0);
    s.intake.rate_limit.per_minute = 600;
    s.intake.rate_limit.burst = 40;
    s.intake.http.body_limit_bytes = 64 * 1024;
    s
}

struct Running {
    dev_http: std::net::SocketAddr,
    grpc: std::net::SocketAddr,
    admin_token: String,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(data: &Path) -> Running {
    let dev = Dev::build(settings(data)).await.unwrap();
    let admin_token = dev
        .users()
        .iter()
        .find(|u| u.username == "admin")
        .unwrap()
        .api_token
        .clone();
    let (dev_http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    Running {
        dev_http,
        grpc,
        admin_token,
        shutdown,
        task,
    }
}

impl Running {
    async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.unwrap().unwrap();
    }

    fn auth<T>(&self, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", self.admin_token).parse().unwrap(),
        );
        r
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.grpc))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    async fn cases(&self) -> Vec<pb::Case> {
        let mut client = CaseServiceClient::new(self.channel().await);
        let req = pb::ListCasesRequest {
            view: pb::CaseView::All as i32,
            ..Default::default()
        };
        client
            .list_cases(self.auth(req))
            .await
            .unwrap()
            .into_inner()
            .cases
    }

    async fn pool_name(&self, pool_id: &str) -> String {
        let mut dir = DirectoryServiceClient::new(self.channel().await);
        let pools = dir
            .list_pools(self.auth(pb::ListPoolsRequest { province_code: 0 }))
            .await
            .unwrap()
            .into_inner()
            .pools;
        pools.into_iter().find(|p| p.id == pool_id).unwrap().name
    }

    /// Waits until the case with `tracking_number` exists.
    async fn case_for(&self, tracking_number: &str) -> pb::Case {
        eventually(Duration::from_secs(20), "the case", || async {
            self.cases()
                .await
                .into_iter()
                .find(|c| c.tracking_number == tracking_number)
        })
        .await
    }

    async fn post(&self, body: &Value, key: Option<&str>) -> (u16, Value) {
        post_raw(
            self.dev_http,
            "/v1/applications",
            "application/json",
            &body.to_string(),
            key,
        )
        .await
    }
}

/// A minimal HTTP/1.1 client: enough for status, headers and a JSON body.
async fn post_raw(
    addr: std::net::SocketAddr,
    path: &str,
    content_type: &str,
    body: &str,
    key: Option<&str>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let key = key
        .map(|k| format!("Idempotency-Key: {k}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{key}Connection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or(Value::String(body.to_owned())),
    )
}

fn application(category: &str, province: &str, district: &str) -> Value {
    json!({
        "channel": "mobile_app",
        "category": category,
        "text": "Mahallemizde sabahtan beri su yok, ekip gönderilmesini rica ederim.",
        "province": province,
        "district": district,
        "applicant": { "name": "Ayşe Yılmaz", "phone": "0532 123 45 67" },
        "reply_channel": "sms",
        "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_become_cases_in_the_pool_their_rule_names_once_each() {
    let data = tempfile::tempdir().unwrap();
    let app = start(data.path()).await;

    let (status, body) = app
        .post(&application("fatura", "Ankara", "cankaya"), Some("key-1"))
        .await;
    assert_eq!(status, 202, "{body}");
    let tn = body["tracking_number"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let (status, again) = app
            .post(&application("fatura", "Ankara", "cankaya"), Some("key-1"))
            .await;
        assert_eq!(
            (status, again["tracking_number"].as_str().unwrap()),
            (202, tn.as_str())
        );
    }
    let case = app.case_for(&tn).await;
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        "Ankara Abone İşleri Birimi"
    );
    assert_eq!(
        case.urgency,
        tekmerkez_proto::common_v1::Urgency::Normal as i32
    );

    let (_, water) = app
        .post(&application("su_arizasi", "41", "İzmit"), None)
        .await;
    let water = app
        .case_for(water["tracking_number"].as_str().unwrap())
        .await;
    assert_eq!(
        app.pool_name(&water.pool_id).await,
        "Kocaeli Su Arıza Birimi"
    );
    assert_eq!(
        water.urgency,
        tekmerkez_proto::common_v1::Urgency::Urgent as i32,
        "fault reports are urgent"
    );

    let (_, other) = app
        .post(&application("diger", "İzmir", "Bornova"), None)
        .await;
    let other = app
        .case_for(other["tracking_number"].as_str().unwrap())
        .await;
    assert_eq!(
        app.pool_name(&other.pool_id).await,
        "İzmir Ön Değerlendirme (Triyaj)",
        "unroutable goes to triage"
    );

    let (_, other_key) = app
        .post(&application("fatura", "Ankara", "cankaya"), Some("key-2"))
        .await;
    app.case_for(other_key["tracking_number"].as_str().unwrap())
        .await;
    let mine: Vec<_> = app
        .cases()
        .await
        .into_iter()
        .filter(|c| c.tracking_number == tn)
        .collect();
    assert_eq!(mine.len(), 1, "three posts with one key made one case");
    assert_eq!(app.cases().await.len(), 4);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_its_answer_and_the_service_stays_up() {
    let data = tempfile::tempdir().unwrap();
    let app = start(data.path()).await;
    let (status, body) = post_raw(
        app.dev_http,
        "/v1/applications",
        "application/json",
        "{not json",
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errors"]["body"].is_array());

    let mut wrong = application("uzay", "Atlantis", "x");
    wrong["applicant"]["phone"] = json!("+49 30 1234567");
    wrong["kvkk_consent"] = Value::Null;
    let (status, body) = app.post(&wrong, None).await;
    assert_eq!(status, 400);
    for f in ["category", "province", "applicant.phone", "kvkk_consent"] {
        assert!(body["errors"][f].is_array(), "{f} missing in {body}");
    }
    assert!(
        !body.to_string().contains("1234567"),
        "errors never echo values"
    );

    let huge = json!({ "channel": "web_form", "text": "ş".repeat(100_000) }).to_string();
    let (status, _) = post_raw(
        app.dev_http,
        "/v1/applications",
        "application/json",
        &huge,
        None,
    )
    .await;
    assert_eq!(status, 413);

    let (status, _) = post_raw(app.dev_http, "/v1/applications", "text/plain", "{}", None).await;
    assert_eq!(status, 415);

    let (status, body) = app
        .post(&application("fatura", "Ankara", "Çankaya"), Some("reused"))
        .await;
    assert_eq!(status, 202, "{body}");
    let (status, _) = app
        .post(
            &application("su_arizasi", "Ankara", "Çankaya"),
            Some("reused"),
        )
        .await;
    assert_eq!(status, 422, "a key reused for another body");

    let mut limited = 0;
    for _ in 0..60 {
        let (status, _) = app
            .post(&application("nope", "Ankara", "Çankaya"), None)
            .await;
        if status == 429 {
            limited += 1;
        }
    }
    assert!(limited > 0, "a flood from one client is rate-limited");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_accepted_before_a_restart_still_becomes_a_case() {
    let data = tempfile::tempdir().unwrap();
    let app = start(data.path()).await;
    let mut tracking = Vec::new();
    for i in 0..20 {
        let (status, body) = app
            .post(
                &application("fatura", "Ankara", "Çankaya"),
                Some(&format!("r-{i}")),
            )
            .await;
        assert_eq!(status, 202);
        tracking.push(body["tracking_number"].as_str().unwrap().to_owned());
    }
    // Stop at once: routing may be mid-way through the topic.
    app.stop().await;
    let app = start(data.path()).await;
    for tn in &tracking {
        app.case_for(tn).await;
    }
    let cases = app.cases().await;
    assert_eq!(cases.len(), 20, "0 lost, 0 doubled across the restart");
    let (status, body) = post_raw(
        app.dev_http,
        &format!("/v1/applications/{}?phone_last4=4567", tracking[0]),
        "application/json",
        "",
        None,
    )
    .await;
    assert_ne!(status, 0);
    let _ = body;
    app.stop().await;
}
