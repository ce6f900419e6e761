//! The fault suite on real servers: intake, routing, case and notify as
//! separate `tekmerkez` processes on the durable tansu broker and a durable
//! PostgreSQL of their own (`scripts/postgres --durable`: fsync,
//! synchronous_commit and full_page_writes on). A burst of N applications
//! (`TEKMERKEZ_CHAOS_N`, 10 000 by default; `scripts/chaos` runs 100 000)
//! comes in through the web form, the app API, the partner gRPC API and
//! e-mail (1 %, appended to the test IMAP server's mailbox), each client
//! retrying with the same key until acknowledged, as a real one would.
//! Meanwhile a chaos driver SIGKILLs, one at a time at moments drawn from a
//! printed seed (`TEKMERKEZ_CHAOS_SEED` repeats a run), intake, routing,
//! case, notify, the broker and PostgreSQL's postmaster, several times each,
//! and restarts each after a short random pause.
//!
//! Afterwards every acknowledged application has exactly one case (in the
//! pool its rule names), every case with a mobile number exactly one
//! acknowledgement SMS at Netgsm's stand-in, nothing is in any dead-letter
//! topic and the case service's outbox is empty. The figures are printed as
//! a table: acknowledged, cases, SMS, lost, doubled, kills per process and
//! the time each kill took to recover from.

use crate::netgsm_standin;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt::Write as _,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures::StreamExt as _;
use rand::{Rng as _, SeedableRng as _, rngs::StdRng, seq::SliceRandom as _};
use sha2::{Digest as _, Sha256};
use sqlx::Connection as _;
use tekmerkez_integration_tests::{
    cluster::{Cluster, free_port, scripts},
    scenario::{Expected, PROVINCES, application, setup},
    web::urlencode,
};
use tekmerkez_proto::{
    common_v1 as common,
    intake_v1::{self as intake, intake_service_client::IntakeServiceClient},
};

const PARTNER_TOKEN: &str = "chaos-test-partner-token-0123456789abcdef";
const IMAP_USER: &str = "intake@test.local";
const IMAP_PASSWORD: &str = "secret";
/// How long one application may take to be acknowledged, outages included.
const ACK_DEADLINE: Duration = Duration::from_secs(600);
/// How long the case count, the SMS count or the outbox may stand still
/// before the test fails with the services' logs.
const STALL: Duration = Duration::from_secs(180);

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Which way application `i` comes in: 1 in 100 by e-mail, the rest spread
/// evenly over the web form, the app API and the partner API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Via {
    WebForm,
    AppApi,
    Partner,
    Email,
}

impl Via {
    fn of(i: usize) -> Self {
        if i % 100 == 99 {
            return Self::Email;
        }
        match i % 3 {
            0 => Self::WebForm,
            1 => Self::AppApi,
            _ => Self::Partner,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::WebForm => "web form",
            Self::AppApi => "app API",
            Self::Partner => "partner gRPC",
            Self::Email => "e-mail",
        }
    }
}

/// The processes the driver kills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Victim {
    Intake,
    Routing,
    Case,
    Notify,
    Broker,
    Postgres,
}

const VICTIMS: [Victim; 6] = [
    Victim::Intake,
    Victim::Routing,
    Victim::Case,
    Victim::Notify,
    Victim::Broker,
    Victim::Postgres,
];

impl Victim {
    fn name(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::Routing => "routing",
            Self::Case => "case",
            Self::Notify => "notify",
            Self::Broker => "broker",
            Self::Postgres => "postgresql",
        }
    }

    /// The stages whose progress shows this process is back, its own first:
    /// recovery is measured on the first one with work left at the restart.
    fn stages(self) -> &'static [Stage] {
        match self {
            Self::Intake | Self::Broker | Self::Postgres => {
                &[Stage::Acknowledged, Stage::Cases, Stage::Sms]
            }
            Self::Routing | Self::Case => &[Stage::Cases, Stage::Sms],
            Self::Notify => &[Stage::Sms],
        }
    }
}

/// A stage of an application's way: acknowledged to its client, a case, an SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Acknowledged,
    Cases,
    Sms,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Self::Acknowledged => "ack",
            Self::Cases => "case",
            Self::Sms => "SMS",
        }
    }
}

/// An acknowledged application.
#[derive(Debug, Clone)]
struct Acked {
    i: usize,
    via: Via,
    /// The tracking number its client was given (an e-mail gets none back).
    tracking: Option<String>,
}

/// What the clients share with the driver and the report.
#[derive(Default)]
struct Load {
    acked: AtomicUsize,
    acked_mobile: AtomicUsize,
    /// Answers other than the acknowledgement, by "channel status".
    refusals: Mutex<BTreeMap<String, usize>>,
}

impl Load {
    fn refused(&self, what: String) {
        *self.refusals.lock().unwrap().entry(what).or_default() += 1;
    }

    fn ack(&self, via: Via) {
        if via != Via::Email {
            self.acked_mobile.fetch_add(1, Ordering::Relaxed);
        }
        self.acked.fetch_add(1, Ordering::Relaxed);
    }
}

fn phone(i: usize) -> String {
    format!("05{:09}", 320_000_000 + i)
}

/// The number as notify sends it to Netgsm.
fn sms_number(i: usize) -> String {
    format!("5{:09}", 320_000_000 + i)
}

fn category_and_province(i: usize) -> (&'static str, u32, &'static str) {
    let (_, category, province) = application(i);
    let district = PROVINCES.iter().find(|(p, _)| *p == province).unwrap().1;
    (category, province, district)
}

/// The clients' retry pause: short, with jitter, as a real client's.
async fn pause(i: usize, attempt: u32) {
    let ms = 150 + (i as u64 * 7919 + u64::from(attempt) * 104_729) % 250;
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// `POST /basvuru` as a browser posts the form, with its one-time key;
/// the tracking number comes back in the redirect to the thank-you page.
async fn web_form(client: &reqwest::Client, url: &str, run: &str, i: usize, load: &Load) -> String {
    let (category, province, district) = category_and_province(i);
    let form_id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{run}-{i}").as_bytes());
    let fields = [
        ("form_id", form_id.to_string()),
        ("kategori", category.to_owned()),
        ("tur", "talep".to_owned()),
        ("il", province.to_string()),
        ("ilce", district.to_owned()),
        (
            "metin",
            format!("Başvuru {i}: mahallede su borusu patladı, ilgilenilmesini rica ederim."),
        ),
        ("ad", "Ayşe Yılmaz".to_owned()),
        ("telefon", phone(i)),
        ("eposta", String::new()),
        ("adres", String::new()),
        ("yanit", "sms".to_owned()),
        ("kvkk", "on".to_owned()),
    ];
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let deadline = Instant::now() + ACK_DEADLINE;
    for attempt in 0.. {
        match client
            .post(format!("{url}/basvuru"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
        {
            Ok(r) if r.status().as_u16() == 303 => {
                let to = r.headers()["location"].to_str().unwrap().to_owned();
                let tn = to
                    .split_once("takip=")
                    .map(|(_, t)| t.split('&').next().unwrap_or(t))
                    .unwrap_or_else(|| panic!("no tracking number in {to}"));
                return tn.replace('-', "");
            }
            Ok(r) => {
                let status = r.status().as_u16();
                assert!(
                    status >= 500 || status == 429,
                    "web form {i}: unexpected {status}"
                );
                load.refused(format!("web form {status}"));
            }
            Err(_) => load.refused("web form: no answer".into()),
        }
        assert!(Instant::now() < deadline, "web form {i} never acknowledged");
        pause(i, attempt).await;
    }
    unreachable!()
}

/// `POST /v1/applications` with an Idempotency-Key, as the app sends it.
async fn app_api(client: &reqwest::Client, url: &str, run: &str, i: usize, load: &Load) -> String {
    let (body, _, _) = application(i);
    let deadline = Instant::now() + ACK_DEADLINE;
    for attempt in 0.. {
        match client
            .post(format!("{url}/v1/applications"))
            .header("Idempotency-Key", format!("{run}-{i}"))
            .json(&body)
            .send()
            .await
        {
            Ok(r) if r.status().as_u16() == 202 => {
                let v: serde_json::Value = r.json().await.unwrap();
                return v["tracking_number"].as_str().unwrap().replace('-', "");
            }
            Ok(r) => {
                let status = r.status().as_u16();
                assert!(
                    status >= 500 || status == 429,
                    "app API {i}: unexpected {status}: {}",
                    r.text().await.unwrap_or_default()
                );
                load.refused(format!("app API {status}"));
            }
            Err(_) => load.refused("app API: no answer".into()),
        }
        assert!(Instant::now() < deadline, "app API {i} never acknowledged");
        pause(i, attempt).await;
    }
    unreachable!()
}

/// `SubmitApplication` on intake's partner listener, the partner's
/// reference being its idempotency key.
async fn partner(
    client: &IntakeServiceClient<tonic::transport::Channel>,
    run: &str,
    i: usize,
    load: &Load,
) -> String {
    let (category, province, district) = category_and_province(i);
    let submitted = jiff::Timestamp::now().as_second() - 60;
    let deadline = Instant::now() + ACK_DEADLINE;
    for attempt in 0.. {
        let mut req = tonic::Request::new(intake::SubmitApplicationRequest {
            partner_reference: format!("CHAOS-{run}-{i}"),
            category: category.into(),
            text: format!("CİMER {i}: sayaç okunmadan fatura kesilmiş, düzeltilmesini istiyorum."),
            location: Some(common::Location {
                province_code: province,
                district: district.into(),
                coordinates: None,
                neighbourhood: String::new(),
            }),
            contact: Some(common::Contact {
                name: "Mehmet Kaya".into(),
                phone: phone(i),
                ..Default::default()
            }),
            reply_channel: common::ReplyChannel::Sms as i32,
            consent: Some(common::Consent {
                text_version: "cimer-kvkk-v3".into(),
                accepted_at: Some(prost_types::Timestamp {
                    seconds: submitted,
                    nanos: 0,
                }),
                special_category: false,
            }),
            attachments: vec![],
            submitted_at: None,
            application_type: 0,
        });
        req.set_timeout(Duration::from_secs(40));
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {PARTNER_TOKEN}").parse().unwrap(),
        );
        match client.clone().submit_application(req).await {
            Ok(r) => return r.into_inner().tracking_number.replace('-', ""),
            Err(s) => {
                use tonic::Code;
                assert!(
                    matches!(
                        s.code(),
                        Code::Unavailable
                            | Code::Internal
                            | Code::Unknown
                            | Code::DeadlineExceeded
                            | Code::Cancelled
                            | Code::ResourceExhausted
                    ),
                    "partner {i}: unexpected {s:?}"
                );
                load.refused(format!("partner {:?}", s.code()));
            }
        }
        assert!(Instant::now() < deadline, "partner {i} never acknowledged");
        pause(i, attempt).await;
    }
    unreachable!()
}

fn mail(run: &str, i: usize) -> Vec<u8> {
    format!(
        "From: Vatandaş {i} <vatandas{i}@ornek.com.tr>\r\nTo: basvuru@tekmerkez.local\r\nSubject: Su kesintisi {i}\r\n\
         Message-ID: <chaos-{run}-{i}@ornek.com.tr>\r\nDate: Tue, 03 Mar 2026 09:15:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Çankaya'da {i} numaralı sokakta su kesik.\r\n"
    )
    .into_bytes()
}

type ImapSession = async_imap::Session<tokio::net::TcpStream>;

async fn imap_session() -> Option<ImapSession> {
    let addr = std::env::var("TEKMERKEZ_TEST_IMAP").unwrap_or_else(|_| "127.0.0.1:10143".into());
    let tcp = tokio::net::TcpStream::connect(addr).await.ok()?;
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.ok()??;
    client.login(IMAP_USER, IMAP_PASSWORD).await.ok()
}

/// Appends the e-mails to the folder intake reads, spread over the run:
/// e-mail `k` once the other channels have `k` shares of theirs acknowledged.
async fn send_mails(
    folder: String,
    run: String,
    mails: Vec<usize>,
    others: usize,
    load: Arc<Load>,
) -> Vec<Acked> {
    let mut session: Option<ImapSession> = None;
    let mut acked = Vec::new();
    let step = others / (mails.len() + 1);
    for (k, i) in mails.into_iter().enumerate() {
        while load.acked.load(Ordering::Relaxed) < (k + 1) * step {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let deadline = Instant::now() + ACK_DEADLINE;
        loop {
            if session.is_none() {
                session = imap_session().await;
            }
            if let Some(s) = session.as_mut() {
                if s.append(&folder, None, None, &mail(&run, i)).await.is_ok() {
                    break;
                }
                session = None;
            }
            assert!(Instant::now() < deadline, "e-mail {i} never appended");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        load.ack(Via::Email);
        acked.push(Acked {
            i,
            via: Via::Email,
            tracking: None,
        });
    }
    if let Some(mut s) = session {
        let _ = s.logout().await;
    }
    acked
}

/// Sends every application but the e-mails, 32 at a time and at most
/// `rate` a second, so that the burst lasts while the driver kills.
async fn send_all(
    cluster_intake: String,
    partner_addr: String,
    run: String,
    n: usize,
    rate: f64,
    load: Arc<Load>,
) -> Vec<Acked> {
    let start = tokio::time::Instant::now();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{partner_addr}"))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .connect_lazy();
    let grpc = IntakeServiceClient::new(channel);
    futures::stream::iter((0..n).filter(|&i| Via::of(i) != Via::Email))
        .map(|i| {
            let (http, grpc, url, run, load) = (
                http.clone(),
                grpc.clone(),
                cluster_intake.clone(),
                run.clone(),
                load.clone(),
            );
            async move {
                tokio::time::sleep_until(start + Duration::from_secs_f64(i as f64 / rate)).await;
                let via = Via::of(i);
                let tn = match via {
                    Via::WebForm => web_form(&http, &url, &run, i, &load).await,
                    Via::AppApi => app_api(&http, &url, &run, i, &load).await,
                    Via::Partner => partner(&grpc, &run, i, &load).await,
                    Via::Email => unreachable!(),
                };
                load.ack(via);
                Acked {
                    i,
                    via,
                    tracking: Some(tn),
                }
            }
        })
        .buffer_unordered(32)
        .collect()
        .await
}

/// A count in one of the cluster's databases, or `None` while PostgreSQL
/// is down (the connection is made again on the next call).
struct Counter {
    url: String,
    conn: Option<sqlx::PgConnection>,
}

impl Counter {
    fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            conn: None,
        }
    }

    async fn count(&mut self, sql: &str) -> Option<i64> {
        if self.conn.is_none() {
            self.conn = tokio::time::timeout(
                Duration::from_secs(5),
                sqlx::PgConnection::connect(&self.url),
            )
            .await
            .ok()?
            .ok();
        }
        let conn = self.conn.as_mut()?;
        match tokio::time::timeout(
            Duration::from_secs(10),
            sqlx::query_scalar::<_, i64>(sql).fetch_one(conn),
        )
        .await
        {
            Ok(Ok(n)) => Some(n),
            _ => {
                self.conn = None;
                None
            }
        }
    }
}

/// How a kill was recovered from: the stage that moved and when (none
/// when no stage had work left).
type Recovery = Option<(Stage, Duration)>;

/// One kill of the run, for the table.
struct Kill {
    at: Duration,
    victim: Victim,
    down: Duration,
    /// From the restart command to the process answering again.
    restart: Duration,
    /// From answering again to the first progress of the stage named (none
    /// within [`STALL`]); no watch when no stage had work left.
    recovered: Option<tokio::task::JoinHandle<(Stage, Option<Duration>)>>,
}

fn run_script(args: &[&str]) {
    let [script, rest @ ..] = args else {
        unreachable!()
    };
    let status = std::process::Command::new(scripts().join(script))
        .args(rest)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "scripts/{} failed", args.join(" "));
}

/// The messages waiting in every dead-letter topic of this cluster.
fn dead_letters(brokers: &str, prefix: &str) -> BTreeMap<String, i64> {
    use rdkafka::consumer::{BaseConsumer, Consumer as _};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("{prefix}dlq-count"))
        .create()
        .unwrap();
    let timeout = Duration::from_secs(10);
    let metadata = consumer.fetch_metadata(None, timeout).unwrap();
    let mut out = BTreeMap::new();
    for t in metadata.topics() {
        if !(t.name().starts_with(prefix) && t.name().ends_with(".dlq")) {
            continue;
        }
        let mut waiting = 0;
        for p in t.partitions() {
            let (low, high) = consumer
                .fetch_watermarks(t.name(), p.id(), timeout)
                .unwrap();
            waiting += high - low;
        }
        out.insert(t.name().to_owned(), waiting);
    }
    out
}

struct Stats {
    values: Vec<Duration>,
}

impl Stats {
    fn line(&self) -> String {
        if self.values.is_empty() {
            return "-".into();
        }
        let mut v = self.values.clone();
        v.sort();
        format!(
            "{:.1} / {:.1} / {:.1}",
            v[0].as_secs_f64(),
            v[v.len() / 2].as_secs_f64(),
            v[v.len() - 1].as_secs_f64()
        )
    }
}

/// Waits until `check` reaches `want`, failing when it stands still for [`STALL`].
async fn wait_for(
    what: &str,
    want: i64,
    cluster: &Cluster,
    mut check: impl AsyncFnMut() -> Option<i64>,
) {
    let mut last = (-1, Instant::now());
    loop {
        let have = check().await.unwrap_or(last.0);
        if have >= want {
            return;
        }
        if have > last.0 {
            last = (have, Instant::now());
        }
        assert!(
            last.1.elapsed() < STALL,
            "{what}: stuck at {have} of {want} for {} s\n--- routing:\n{}\n--- case:\n{}\n--- notify:\n{}\n--- intake:\n{}",
            STALL.as_secs(),
            cluster.log("routing"),
            cluster.log("case"),
            cluster.log("notify"),
            cluster.log("intake"),
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chaos_every_process_and_postgresql_killed_under_a_burst_nothing_lost_nothing_doubled() {
    let n = env_number("TEKMERKEZ_CHAOS_N").unwrap_or(10_000) as usize;
    let seed = env_number("TEKMERKEZ_CHAOS_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    });
    // Several kills of each process, more for a longer run.
    let kills_each = env_number("TEKMERKEZ_CHAOS_KILLS")
        .map(|k| k as usize)
        .unwrap_or((n / 10_000).clamp(2, 10));
    // At most this many applications a second, so that the burst lasts about
    // 4 s a kill (a kill, its pause and the restart): every kill falls into
    // it. (At 100 000 the cap is above what the machine takes anyway.)
    let rate = env_number("TEKMERKEZ_CHAOS_RATE")
        .map(|r| r as f64)
        .unwrap_or(n as f64 / (6 * kills_each * 4) as f64);
    eprintln!(
        "chaos: N = {n}, seed = {seed} (TEKMERKEZ_CHAOS_SEED={seed} repeats the kills), {kills_each} kills of each process, at most {rate:.0} applications/s"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let pg = std::env::var("TEKMERKEZ_TEST_PG_DURABLE_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55433/postgres".to_owned());

    let netgsm = Arc::new(netgsm_standin::NetgsmStandIn::start().await);
    let mut cluster = Cluster::on_postgres(&pg).await;
    let run = cluster.prefix.trim_matches('-').to_owned();
    let logs = cluster.keep_logs();
    eprintln!(
        "chaos: the services' logs are in {} (kept if the run fails: it cannot simply be repeated)",
        logs.display()
    );
    // The e-mail channel's own folder in the test mailbox.
    let folder = format!("chaos-{}", uuid::Uuid::new_v4().simple());
    {
        let mut s = imap_session()
            .await
            .expect("the test IMAP server (scripts/imap start)");
        s.create(&folder).await.unwrap();
        s.logout().await.unwrap();
    }
    let partner_addr = format!("127.0.0.1:{}", free_port());
    cluster.add_test_config(&format!(
        r#"intake:
  partner:
    enabled: true
    grpc_listen: {partner_addr}
    partners:
      - {{ id: cimer, name: CİMER, token_sha256: {}, per_minute: 100000000, burst: 1000000 }}
  email:
    enabled: true
    imap:
      host: 127.0.0.1
      port: {}
      tls: none
      username: {IMAP_USER}
      password: {IMAP_PASSWORD}
      mailbox: {folder}
      processed_mailbox: ""
      poll_interval_ms: 2000
      max_backoff_ms: 1000
      timeout_ms: 10000
    province_code: 6
    category: diger
"#,
        hex::encode(Sha256::digest(PARTNER_TOKEN)),
        std::env::var("TEKMERKEZ_TEST_IMAP")
            .unwrap_or_else(|_| "127.0.0.1:10143".into())
            .rsplit_once(':')
            .unwrap()
            .1,
    ));
    for (k, v) in [
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "netgsm"),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__BASE_URL",
            netgsm.url.as_str(),
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__USERNAME",
            netgsm_standin::USER,
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__PASSWORD",
            netgsm_standin::PASSWORD,
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__MSGHEADER",
            netgsm_standin::HEADER,
        ),
        ("TEKMERKEZ__NOTIFY__SMS__NETGSM__TIMEOUT_MS", "2000"),
        ("TEKMERKEZ__NOTIFY__SMS__NETGSM__REPORT_POLL_MS", "0"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__LEASE_MS", "4000"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__IN_DOUBT_RETRY_MS", "500"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__CONCURRENCY", "16"),
        ("TEKMERKEZ__NOTIFY__CONSUMER__CONCURRENCY", "32"),
        ("TEKMERKEZ__NOTIFY__QUIET_HOURS__ENABLED", "false"),
        (
            "TEKMERKEZ__SIGNED_LINKS__SECRET",
            "chaos-test-signed-link-secret-0123456789abcdef",
        ),
    ] {
        cluster.set_env(k, v);
    }
    let expected: Expected = setup(&mut cluster).await;
    cluster.start("notify").await;

    // The burst, and the e-mails spread over it.
    let load = Arc::new(Load::default());
    let mails: Vec<usize> = (0..n).filter(|&i| Via::of(i) == Via::Email).collect();
    let others = n - mails.len();
    let started = Instant::now();
    let clients = tokio::spawn(send_all(
        cluster.intake_url.clone(),
        partner_addr.clone(),
        run.clone(),
        n,
        rate,
        load.clone(),
    ));
    let mailer = tokio::spawn(send_mails(
        folder.clone(),
        run.clone(),
        mails.clone(),
        others,
        load.clone(),
    ));

    // The kills: each process `kills_each` times in a seeded order, at
    // seeded moments between 5 % and 85 % of the acknowledgements.
    let mut order: Vec<Victim> = VICTIMS
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, kills_each))
        .collect();
    order.shuffle(&mut rng);
    let total_kills = order.len();
    let mut cases = Counter::new(&cluster.case_db);
    let mut kills: Vec<Kill> = Vec::new();
    for (j, victim) in order.into_iter().enumerate() {
        let at = (n as f64 * (0.05 + 0.8 * (j as f64 + rng.random::<f64>()) / total_kills as f64))
            as usize;
        let waited = Instant::now();
        while load.acked.load(Ordering::Relaxed) < at && !clients.is_finished() {
            assert!(
                waited.elapsed() < STALL,
                "acknowledgements stuck at {} before kill {j}\n--- intake:\n{}",
                load.acked.load(Ordering::Relaxed),
                cluster.log("intake")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..300))).await;
        let down = Duration::from_millis(rng.random_range(200..1500));
        let at = started.elapsed();
        match victim {
            Victim::Broker => run_script(&["kafka", "kill"]),
            Victim::Postgres => run_script(&["postgres", "--durable", "kill"]),
            other => cluster.kill(other.name()).await,
        }
        tokio::time::sleep(down).await;
        // Where each stage stood when the process came back.
        let sms_before = netgsm.sent_count() as i64;
        let restarting = Instant::now();
        match victim {
            Victim::Broker => run_script(&["kafka", "start"]),
            Victim::Postgres => run_script(&["postgres", "--durable", "start"]),
            other => cluster.start(other.name()).await,
        }
        let restart = restarting.elapsed();
        let back = Instant::now();
        let acked_now = load.acked.load(Ordering::Relaxed) as i64;
        let cases_now = {
            let mut c = None;
            while c.is_none() && back.elapsed() < Duration::from_secs(30) {
                c = cases.count("SELECT COUNT(*) FROM cases").await;
            }
            c.expect("the case database answers after the restart")
        };
        let stage = victim.stages().iter().copied().find(|s| match s {
            Stage::Acknowledged => acked_now < n as i64,
            Stage::Cases => cases_now < acked_now,
            Stage::Sms => sms_before < load.acked_mobile.load(Ordering::Relaxed) as i64,
        });
        // The recovery is watched beside the driver, which goes on to the
        // next kill: a slow consumer-group rejoin does not hold the burst up.
        let recovered = stage.map(|stage| {
            let (load, netgsm, case_db) = (load.clone(), netgsm.clone(), cluster.case_db.clone());
            tokio::spawn(async move {
                let mut cases = Counter::new(&case_db);
                while back.elapsed() < STALL {
                    let moved = match stage {
                        Stage::Acknowledged => {
                            load.acked.load(Ordering::Relaxed) as i64 > acked_now
                        }
                        Stage::Cases => cases
                            .count("SELECT COUNT(*) FROM cases")
                            .await
                            .is_some_and(|c| c > cases_now),
                        Stage::Sms => netgsm.sent_count() as i64 > sms_before,
                    };
                    if moved {
                        return (stage, Some(back.elapsed()));
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                (stage, None)
            })
        });
        let died = cluster.exited();
        assert!(
            died.is_empty(),
            "after {} was killed, these exited by themselves: {died:?}\n{}",
            victim.name(),
            died.iter()
                .map(|(s, _)| format!("--- {s}:\n{}", cluster.failure(s)))
                .collect::<String>()
        );
        eprintln!(
            "chaos: kill {:>2}/{total_kills} at {:>6.1} s: {:<10} down {:>5} ms, restarted in {:>5} ms",
            j + 1,
            at.as_secs_f64(),
            victim.name(),
            down.as_millis(),
            restart.as_millis(),
        );
        kills.push(Kill {
            at,
            victim,
            down,
            restart,
            recovered,
        });
    }

    // Every kill's recovery.
    let mut recovery: Vec<Recovery> = Vec::new();
    for k in &mut kills {
        let Some(watch) = k.recovered.take() else {
            recovery.push(None);
            continue;
        };
        let (stage, took) = watch.await.unwrap();
        let took = took.unwrap_or_else(|| {
            panic!(
                "no {} progress within {} s after {} came back\n--- routing:\n{}\n--- case:\n{}\n--- notify:\n{}\n--- intake:\n{}",
                stage.name(),
                STALL.as_secs(),
                k.victim.name(),
                cluster.log("routing"),
                cluster.log("case"),
                cluster.log("notify"),
                cluster.log("intake"),
            )
        });
        recovery.push(Some((stage, took)));
    }
    let mut acked = clients.await.unwrap();
    acked.extend(mailer.await.unwrap());
    let load_took = started.elapsed();
    assert_eq!(acked.len(), n, "every application acknowledged");
    let mobile = acked.iter().filter(|a| a.via != Via::Email).count();

    // Everything settles: the cases, the SMS, the outbox.
    wait_for("cases", n as i64, &cluster, async || {
        cases.count("SELECT COUNT(*) FROM cases").await
    })
    .await;
    wait_for("acknowledgement SMS", mobile as i64, &cluster, async || {
        Some(netgsm.sent_count() as i64)
    })
    .await;
    wait_for("the outbox published", 0, &cluster, async || {
        cases
            .count("SELECT -COUNT(*) FROM outbox WHERE published_at IS NULL")
            .await
    })
    .await;
    // A short grace period for a duplicate still on its way.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let settled = started.elapsed();

    // Count.
    let mut conn = sqlx::PgConnection::connect(&cluster.case_db).await.unwrap();
    let rows: Vec<(String, String, uuid::Uuid)> =
        sqlx::query_as("SELECT tracking_number, channel, pool_id FROM cases")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let mut by_tracking: HashMap<&str, (&str, uuid::Uuid)> = HashMap::new();
    let mut by_channel: BTreeMap<&str, usize> = BTreeMap::new();
    for (tn, channel, pool) in &rows {
        by_tracking.insert(tn.as_str(), (channel.as_str(), *pool));
        *by_channel.entry(channel.as_str()).or_default() += 1;
    }
    let mut lost = Vec::new();
    let mut misrouted = Vec::new();
    let mut matched = 0usize;
    for a in &acked {
        let Some(tn) = &a.tracking else { continue };
        match by_tracking.get(tn.as_str()) {
            None => lost.push(a.i),
            Some((_, pool)) => {
                matched += 1;
                let (category, province, _) = category_and_province(a.i);
                if expected[&(category, province)] != pool.to_string() {
                    misrouted.push(a.i);
                }
            }
        }
    }
    let mail_cases = by_channel.get("email").copied().unwrap_or(0);
    let mails_lost = mails.len().saturating_sub(mail_cases);
    let doubled = rows.len() - matched - mail_cases.min(mails.len());
    let sent = netgsm.sent();
    let mut per_number: HashMap<&str, usize> = HashMap::new();
    for s in &sent {
        if s.msg.starts_with("Başvurunuz alındı.") {
            *per_number.entry(s.number.as_str()).or_default() += 1;
        }
    }
    let mut sms_missing = 0;
    let mut sms_doubled = 0;
    for a in acked.iter().filter(|a| a.via != Via::Email) {
        match per_number.get(sms_number(a.i).as_str()) {
            None => sms_missing += 1,
            Some(&c) if c > 1 => sms_doubled += c - 1,
            Some(_) => {}
        }
    }
    let wanted: HashSet<String> = acked
        .iter()
        .filter(|a| a.via != Via::Email)
        .map(|a| sms_number(a.i))
        .collect();
    let sms_stray = sent.iter().filter(|s| !wanted.contains(&s.number)).count();
    let dlq = dead_letters(&cluster.brokers, &cluster.prefix);
    let dead: i64 = dlq.values().sum();
    let deliveries: BTreeMap<String, i64> = {
        let mut c = sqlx::PgConnection::connect(&cluster.notify_db)
            .await
            .unwrap();
        sqlx::query_as::<_, (String, i64)>(
            "SELECT state, COUNT(*) FROM notify_deliveries GROUP BY state",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
        .into_iter()
        .collect()
    };

    // The figures.
    let mut report = String::new();
    let w = &mut report;
    writeln!(w, "\nchaos: fault suite, N = {n}, seed = {seed}").unwrap();
    writeln!(w, "| figure | value |\n|---|---|").unwrap();
    let mut per_via: BTreeMap<Via, usize> = BTreeMap::new();
    for a in &acked {
        *per_via.entry(a.via).or_default() += 1;
    }
    writeln!(
        w,
        "| acknowledged | {} ({}) |",
        acked.len(),
        per_via
            .iter()
            .map(|(v, c)| format!("{} {c}", v.name()))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    writeln!(
        w,
        "| cases | {} ({}) |",
        rows.len(),
        by_channel
            .iter()
            .map(|(c, k)| format!("{c} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    writeln!(
        w,
        "| acknowledgement SMS | {} for {mobile} cases with a mobile number ({sms_missing} missing, {sms_doubled} doubled, {sms_stray} to other numbers) |",
        per_number.values().sum::<usize>()
    )
    .unwrap();
    writeln!(w, "| lost | {} |", lost.len() + mails_lost).unwrap();
    writeln!(w, "| doubled | {doubled} |").unwrap();
    writeln!(
        w,
        "| in another pool than its rule's | {} |",
        misrouted.len()
    )
    .unwrap();
    writeln!(w, "| dead letters | {dead} ({} topics) |", dlq.len()).unwrap();
    writeln!(w, "| outbox left | {outbox} |").unwrap();
    writeln!(w, "| notify deliveries | {deliveries:?} |").unwrap();
    writeln!(
        w,
        "| time | load {:.0} s, settled after {:.0} s |",
        load_took.as_secs_f64(),
        settled.as_secs_f64()
    )
    .unwrap();
    writeln!(
        w,
        "| answers before the acknowledgement | {:?} |",
        load.refusals.lock().unwrap()
    )
    .unwrap();
    writeln!(
        w,
        "\n| process | kills | down (s) min / median / max | restart (s) min / median / max | recovery (s) min / median / max |\n|---|---|---|---|---|"
    )
    .unwrap();
    for v in VICTIMS {
        let mine: Vec<(&Kill, Recovery)> = kills
            .iter()
            .zip(recovery.iter().copied())
            .filter(|(k, _)| k.victim == v)
            .collect();
        let stats = |f: &dyn Fn(&Kill, Recovery) -> Option<Duration>| Stats {
            values: mine.iter().filter_map(|(k, r)| f(k, *r)).collect(),
        };
        writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            v.name(),
            mine.len(),
            stats(&|k, _| Some(k.down)).line(),
            stats(&|k, _| Some(k.restart)).line(),
            stats(&|_, r| r.map(|r| r.1)).line(),
        )
        .unwrap();
    }
    writeln!(
        w,
        "\n(recovery: from the restarted process answering to the next acknowledged application, new case or SMS, whichever stage still had work, watched while the driver went on; each kill: {})",
        kills
            .iter()
            .zip(&recovery)
            .map(|(k, r)| format!(
                "{:.0} s {} ({})",
                k.at.as_secs_f64(),
                k.victim.name(),
                match r {
                    Some((stage, d)) => format!("{} after {:.1} s", stage.name(), d.as_secs_f64()),
                    None => "nothing left to do".into(),
                }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    eprintln!("{report}");

    assert!(
        lost.is_empty() && mails_lost == 0,
        "lost: {lost:?}, e-mails {mails_lost}"
    );
    assert_eq!(doubled, 0, "doubled cases");
    assert!(misrouted.is_empty(), "in another pool: {misrouted:?}");
    assert_eq!(
        (sms_missing, sms_doubled, sms_stray),
        (0, 0, 0),
        "one acknowledgement SMS each"
    );
    assert_eq!(dead, 0, "nothing in any dead-letter topic: {dlq:?}");
    assert_eq!(outbox, 0, "the outbox is empty");
    assert!(
        deliveries.keys().all(|s| s != "pending" && s != "sending"),
        "notify has nothing left to send: {deliveries:?}"
    );
    drop(cluster);
    let _ = std::fs::remove_dir_all(&logs);
}
