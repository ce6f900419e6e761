//! What the channel tests (`intake_social`, `intake_partner`, `intake_cti`)
//! share: `tekmerkez dev` in-process (SQLite, the embedded bus, the demo
//! organisation and routing rules, every channel switched on with its
//! development credentials), signing as the platforms do, and reading cases
//! back through the case service.

use std::{path::Path, time::Duration};

use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::case_v1::{
    self as pb, case_service_client::CaseServiceClient,
    directory_service_client::DirectoryServiceClient,
};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

/// The test configuration with every listener on port 0 and no demo records.
pub fn settings(data_dir: &Path) -> Settings {
    let mut s = dev_settings(data_dir, 0);
    s.intake.partner.grpc_listen = "127.0.0.1:0".into();
    s
}

/// `tekmerkez dev`, running.
pub struct Running {
    /// The HTTP listener (UI, form, webhooks, CTI).
    pub http: std::net::SocketAddr,
    /// The case service.
    pub grpc: std::net::SocketAddr,
    /// The partner API.
    pub partner: Option<std::net::SocketAddr>,
    /// The report API (`ReportService`, `CallReportService`).
    pub reports: std::net::SocketAddr,
    /// Demo user name → API token.
    pub tokens: std::collections::HashMap<String, String>,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    _data: tempfile::TempDir,
}

/// Starts dev with `tweak` applied to the settings first.
pub async fn start(tweak: impl FnOnce(&mut Settings)) -> Running {
    start_in(tempfile::tempdir().unwrap(), tweak).await
}

/// Starts dev on the data in `data` (a restart, with
/// [`Running::stop_keeping_data`]), with `tweak` applied to the settings.
pub async fn start_in(data: tempfile::TempDir, tweak: impl FnOnce(&mut Settings)) -> Running {
    let mut s = settings(data.path());
    tweak(&mut s);
    let dev = Dev::build(s).await.unwrap();
    let tokens = dev
        .users()
        .iter()
        .map(|u| (u.username.clone(), u.api_token.clone()))
        .collect();
    let (http, grpc, partner) = (dev.http_addr(), dev.grpc_addr(), dev.partner_addr());
    let reports = dev.reports_addr();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    Running {
        http,
        grpc,
        partner,
        reports,
        tokens,
        shutdown,
        task,
        _data: data,
    }
}

impl Running {
    /// Stops it and checks it stopped cleanly.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.unwrap().unwrap();
    }

    /// Dev's data directory (its SQLite databases).
    pub fn data_dir(&self) -> &Path {
        self._data.path()
    }

    /// Stops it cleanly and hands back its data directory, for a restart.
    pub async fn stop_keeping_data(self) -> tempfile::TempDir {
        self.shutdown.cancel();
        self.task.await.unwrap().unwrap();
        self._data
    }

    /// `http://<dev>{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    /// Files a web-form application (water, by SMS, KVKK accepted) for
    /// "Mehmet Kaya" at `phone` through intake's API: its tracking number.
    pub async fn apply(
        &self,
        province: &str,
        district: &str,
        category: &str,
        phone: &str,
    ) -> String {
        self.apply_text(
            province,
            district,
            category,
            phone,
            "Sokakta su kesintisi var, iki gündür düzelmedi.",
        )
        .await
    }

    /// Files the same application with `text`: its tracking number.
    pub async fn apply_text(
        &self,
        province: &str,
        district: &str,
        category: &str,
        phone: &str,
        text: &str,
    ) -> String {
        let r = http()
            .post(self.url("/v1/applications"))
            .json(&serde_json::json!({
                "channel": "web_form", "category": category,
                "text": text,
                "province": province, "district": district,
                "applicant": { "name": "Mehmet Kaya", "phone": phone },
                "reply_channel": "sms",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
        let v: serde_json::Value = r.json().await.unwrap();
        v["tracking_number"].as_str().unwrap().to_owned()
    }

    /// Files a web-form application of `application_type` (a code, such as
    /// `bilgi_edinme`) in `category` in Ankara/Çankaya for "Ayşe Yılmaz", who
    /// wants the answer by e-mail: its tracking number.
    pub async fn apply_typed(&self, category: &str, application_type: &str) -> String {
        let r = http()
            .post(self.url("/v1/applications"))
            .json(&serde_json::json!({
                "channel": "web_form", "category": category,
                "text": "Su tarifesinin dayanağı olan meclis kararını ve son üç ayın arıza kayıtlarını öğrenmek istiyorum.",
                "province": "Ankara", "district": "Çankaya",
                "application_type": application_type,
                "applicant": { "name": "Ayşe Yılmaz", "email": "ayse.yilmaz@ornek.com.tr", "phone": "0532 765 43 21" },
                "reply_channel": "email",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202, "{:?}", r.text().await);
        let v: serde_json::Value = r.json().await.unwrap();
        v["tracking_number"].as_str().unwrap().to_owned()
    }

    /// A request as demo user `who`.
    pub fn as_user<T>(&self, who: &str, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", self.tokens[who]).parse().unwrap(),
        );
        r
    }

    /// A channel to the case service.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.grpc))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Every case of `channel`, as the admin sees them.
    pub async fn cases_of(&self, channel: tekmerkez_proto::common_v1::Channel) -> Vec<pb::Case> {
        let mut client = CaseServiceClient::new(self.channel().await);
        let req = pb::ListCasesRequest {
            view: pb::CaseView::All as i32,
            filter: Some(pb::CaseFilter {
                channels: vec![channel as i32],
                ..Default::default()
            }),
            page: Some(tekmerkez_proto::common_v1::PageRequest {
                page_size: 200,
                page_token: String::new(),
            }),
            ..Default::default()
        };
        client
            .list_cases(self.as_user("admin", req))
            .await
            .unwrap()
            .into_inner()
            .cases
    }

    /// Waits until `channel` has `n` cases, and returns them.
    pub async fn wait_cases(
        &self,
        channel: tekmerkez_proto::common_v1::Channel,
        n: usize,
    ) -> Vec<pb::Case> {
        eventually(WAIT, &format!("{n} cases of {channel:?}"), || async {
            let c = self.cases_of(channel).await;
            (c.len() >= n).then_some(c)
        })
        .await
    }

    /// The case with `tracking_number`, with its notes, once it exists.
    pub async fn case(&self, tracking_number: &str) -> pb::Case {
        eventually(WAIT, "the case of the tracking number", || async {
            let mut client = CaseServiceClient::new(self.channel().await);
            let req = pb::GetCaseRequest {
                case_id: String::new(),
                tracking_number: tracking_number.to_owned(),
            };
            client
                .get_case(self.as_user("admin", req))
                .await
                .ok()
                .and_then(|r| r.into_inner().case)
        })
        .await
    }

    /// The name of pool `id`.
    pub async fn pool_name(&self, id: &str) -> String {
        let mut dir = DirectoryServiceClient::new(self.channel().await);
        let pools = dir
            .list_pools(self.as_user("admin", pb::ListPoolsRequest { province_code: 0 }))
            .await
            .unwrap()
            .into_inner()
            .pools;
        pools.into_iter().find(|p| p.id == id).unwrap().name
    }
}

/// How long the channel tests wait for an effect of dev's own pipeline.
pub const WAIT: Duration = Duration::from_secs(20);

/// HMAC-SHA256 of `message` under `key`, with the `hmac` crate directly (not
/// through the service's code).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Now, in Unix seconds.
pub fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// An HTTP client (no pooling: each test talks to its own server).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}
