//! Spawning notify for a test, with stand-ins and an in-memory case source.

use std::{
    collections::HashMap,
    future::Future,
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use prost::Message as _;
use serde_json::json;
use tekmerkez_bus::{Bus, EmbeddedBus, Envelope};
use tekmerkez_notify::{
    NotifySettings,
    cases::{CaseReader, CaseView, ReadError},
    startup::{Application, BuildOptions},
    store::{Delivery, NotifyStore},
};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tokio_util::sync::CancellationToken;

use crate::{netgsm_standin::NetgsmStandIn, webhook_standin::WebhookStandIn};

/// Polls `check` until it holds, for at most `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let done = tokio::time::timeout(Duration::from_secs(secs), async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await;
    assert!(done.is_ok(), "not within {secs}s: {what}");
}

/// One "citizen not reached" report: case, delivery, channel, reason.
pub type NotReachedReport = (String, String, String, String);

/// The cases the test's "case service" knows, and the "citizen not
/// reached" reports it took (the first of each delivery; a repeat answers
/// `false`, as the case service does).
#[derive(Debug, Default, Clone)]
pub struct Cases(
    pub Arc<Mutex<HashMap<String, CaseView>>>,
    pub Arc<Mutex<Vec<NotReachedReport>>>,
);

#[async_trait::async_trait]
impl CaseReader for Cases {
    async fn get(&self, case_id: &str) -> Result<CaseView, ReadError> {
        self.0
            .lock()
            .unwrap()
            .get(case_id)
            .cloned()
            .ok_or(ReadError::NotFound)
    }

    async fn mark_not_reached(
        &self,
        case_id: &str,
        delivery_id: &str,
        channel: &str,
        reason: &str,
    ) -> Result<bool, ReadError> {
        if !self.0.lock().unwrap().contains_key(case_id) {
            return Err(ReadError::NotFound);
        }
        let mut marks = self.1.lock().unwrap();
        if marks.iter().any(|m| m.1 == delivery_id) {
            return Ok(false);
        }
        marks.push((
            case_id.to_owned(),
            delivery_id.to_owned(),
            channel.to_owned(),
            reason.to_owned(),
        ));
        Ok(true)
    }
}

/// A case with a phone, consent, and optionally an e-mail address.
pub fn case(phone: &str, email: Option<&str>) -> CaseView {
    CaseView {
        id: uuid::Uuid::now_v7().to_string(),
        tracking_number: tekmerkez_tracking::TrackingNumber::generate().to_string(),
        urgent: false,
        information_only: false,
        phone: Some(phone.to_owned()),
        email: email.map(str::to_owned),
        name: Some("Ayşe Yılmaz".to_owned()),
        has_consent: true,
        official_answer: None,
        created_at: Some(jiff::Timestamp::now()),
        survey_answered: false,
        channel: common::Channel::WebForm,
        reply_channel: common::ReplyChannel::Sms,
        ..CaseView::default()
    }
}

/// The signed-link secret of the tests.
pub const LINK_SECRET: &str = "notify-test-signed-link-secret-0123456789";

/// The PostgreSQL server for tests.
pub fn pg_admin_url() -> String {
    std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned())
}

/// A fresh PostgreSQL database.
pub async fn fresh_pg() -> String {
    use sqlx::Connection as _;
    let admin = pg_admin_url();
    let name = format!("notify_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL for tests (scripts/postgres start)");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// Settings for a test: providers at the stand-ins, short timeouts.
pub fn settings(database_url: &str, netgsm: &str, webhook: &str, order: &[&str]) -> NotifySettings {
    serde_json::from_value(json!({
        "grpc_listen": "127.0.0.1:0",
        "http_listen": "127.0.0.1:0",
        "database_url": database_url,
        "migrate_on_start": true,
        "case_service": {"url": "http://127.0.0.1:1", "token": "unused", "timeout_ms": 2000,
                         "unknown_case_attempts": 3, "unknown_case_backoff_ms": 20},
        "consumer": {"group": "notify", "max_attempts": 3, "initial_backoff_ms": 20, "max_backoff_ms": 200, "concurrency": 8},
        "api_tokens": {"gateway": "gateway-token-for-notify-tests-0123456789"},
        "default_locale": "tr",
        "institution": "Tek Merkez",
        "tracking_url": "https://tekmerkez.example/takip",
        "public_url": "https://tekmerkez.example",
        "status_link_days": 180,
        "signed_links": {"secret": LINK_SECRET, "previous_secrets": []},
        "survey": {"enabled": true, "delay_minutes": 0, "link_days": 30,
                   "contact_key": "notify-test-survey-contact-key-0123456789", "opt_out_keyword": "RET"},
        "quiet_hours": {"enabled": false, "start": "21:00", "end": "09:00", "time_zone": "Europe/Istanbul", "fresh_minutes": 60},
        "dispatch": {"poll_interval_ms": 50, "batch_size": 32, "concurrency": 8, "lease_ms": 5000,
                     "in_doubt_retry_ms": 200, "max_attempts": 4, "initial_backoff_ms": 50, "max_backoff_ms": 400},
        "sms": {"order": order,
                "netgsm": {"base_url": netgsm, "username": crate::netgsm_standin::USER, "password": crate::netgsm_standin::PASSWORD,
                           "msgheader": crate::netgsm_standin::HEADER, "appname": "tekmerkez-test", "iys_filter": "0",
                           "timeout_ms": 1000, "report_poll_ms": 200},
                "webhook": {"url": webhook, "token": crate::webhook_standin::TOKEN, "sender": "TEKMERKEZ", "timeout_ms": 1000}},
        "email": {"transport": "dev", "from": "Tek Merkez <bildirim@tekmerkez.local>", "message_id_domain": "tekmerkez.local",
                  "smtputf8": false,
                  "smtp": {"host": "localhost", "port": 1, "tls": "required", "ca_file": null, "username": "", "password": "", "timeout_ms": 2000}},
        "catalogue_refresh_ms": 0,
        "max_event_age_minutes": 0
    }))
    .unwrap()
}

/// Notify running on the embedded bus.
pub struct TestApp {
    /// The bus events are published to.
    pub bus: Arc<EmbeddedBus>,
    /// The delivery log.
    pub store: NotifyStore,
    /// The cases the case reader knows.
    pub cases: Cases,
    /// Netgsm's stand-in.
    pub netgsm: NetgsmStandIn,
    /// The webhook's stand-in.
    pub webhook: WebhookStandIn,
    /// The gRPC API.
    pub grpc_addr: std::net::SocketAddr,
    /// The report endpoint.
    pub http_url: String,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Which database.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl TestApp {
    /// Notify with SMS order `order`, changed by `tune`.
    pub async fn spawn(db: Db, order: &[&str], tune: impl FnOnce(&mut NotifySettings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let netgsm = NetgsmStandIn::start().await;
        let webhook = WebhookStandIn::start().await;
        let url = match db {
            Db::Sqlite => format!("sqlite://{}", dir.path().join("notify.db").display()),
            Db::Postgres => fresh_pg().await,
        };
        let mut s = settings(&url, &netgsm.url, &webhook.url, order);
        tune(&mut s);
        let bus = Arc::new(
            EmbeddedBus::open(&format!("sqlite://{}", dir.path().join("bus.db").display()))
                .await
                .unwrap(),
        );
        let cases = Cases::default();
        let app = Application::build_with(
            s,
            bus.clone(),
            BuildOptions {
                no_http_listener: false,
                cases: Some(Arc::new(cases.clone())),
            },
        )
        .await
        .unwrap();
        let store = app.store().clone();
        let grpc_addr = app.grpc_addr();
        let http_url = format!("http://{}", app.http_addr().unwrap());
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(app.run_until_stopped(shutdown.clone()));
        Self {
            bus,
            store,
            cases,
            netgsm,
            webhook,
            grpc_addr,
            http_url,
            shutdown,
            task: Some(task),
            _dir: dir,
        }
    }

    /// Makes `case` known.
    pub fn know(&self, case: &CaseView) {
        self.cases
            .0
            .lock()
            .unwrap()
            .insert(case.id.clone(), case.clone());
    }

    /// The "citizen not reached" reports taken so far.
    pub fn not_reached(&self) -> Vec<NotReachedReport> {
        self.cases.1.lock().unwrap().clone()
    }

    /// Publishes `event` as the case service's relay would.
    pub async fn publish(&self, event: &pb::CaseEvent) {
        self.bus
            .publish(Envelope {
                topic: "case.events.v1".into(),
                key: event.case_id.clone(),
                headers: vec![
                    ("event-id".into(), event.event_id.clone()),
                    ("event-type".into(), "tekmerkez.case.v1.CaseEvent".into()),
                ],
                payload: event.encode_to_vec().into(),
            })
            .await
            .unwrap();
    }

    /// The deliveries of `case_id`.
    pub async fn deliveries(&self, case_id: &str) -> Vec<Delivery> {
        self.store.list_by_case(case_id).await.unwrap()
    }

    /// Waits until every delivery of `case_id` is final and there are `n`.
    pub async fn settled(&self, case_id: &str, n: usize) -> Vec<Delivery> {
        use tekmerkez_notify::store::DeliveryState::{Delivered, Failed, Sent};
        let mut last = Vec::new();
        let ok = tokio::time::timeout(Duration::from_secs(15), async {
            loop {
                last = self.deliveries(case_id).await;
                if last.len() == n
                    && last
                        .iter()
                        .all(|d| matches!(d.state, Sent | Delivered | Failed))
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        })
        .await;
        assert!(ok.is_ok(), "deliveries did not settle: {last:?}");
        last
    }

    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }
}

fn ts(t: jiff::Timestamp) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: t.subsec_nanosecond(),
    }
}

/// A `CaseOpened` event for `c`.
pub fn opened(c: &CaseView, information_only: bool) -> pb::CaseEvent {
    event(
        c,
        pb::case_event::Payload::Opened(pb::CaseOpened {
            application_id: uuid::Uuid::new_v4().to_string(),
            channel: c.channel as i32,
            category: "su_arizasi".into(),
            urgency: common::Urgency::Normal as i32,
            pool_id: uuid::Uuid::new_v4().to_string(),
            province_code: 6,
            reply_channel: c.reply_channel as i32,
            information_only,
            has_phone: c.phone.is_some(),
            has_email: c.email.is_some(),
            has_consent: c.has_consent,
            ..Default::default()
        }),
    )
}

/// A `CaseClosedByExpert` event with reply channel `reply`.
pub fn closed(c: &CaseView, reply: common::ReplyChannel) -> pb::CaseEvent {
    event(
        c,
        pb::case_event::Payload::ClosedByExpert(pb::CaseClosedByExpert {
            expert_id: uuid::Uuid::new_v4().to_string(),
            reply_channel: reply as i32,
            ..Default::default()
        }),
    )
}

/// A `CaseResolved` event with reply channel `reply`.
pub fn resolved(c: &CaseView, reply: common::ReplyChannel) -> pb::CaseEvent {
    event(
        c,
        pb::case_event::Payload::Resolved(pb::CaseResolved {
            information_only: c.information_only,
            reply_channel: reply as i32,
            ..Default::default()
        }),
    )
}

fn event(c: &CaseView, payload: pb::case_event::Payload) -> pb::CaseEvent {
    pb::CaseEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        case_id: c.id.clone(),
        tracking_number: c.tracking_number.clone(),
        occurred_at: Some(ts(jiff::Timestamp::now())),
        actor: None,
        case_version: 1,
        payload: Some(payload),
    }
}

/// The repository's scripts.
pub fn scripts() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}
