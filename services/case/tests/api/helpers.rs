//! Spawns the real case service on port 0 over a fresh database (a SQLite
//! file in a temp dir, or a new PostgreSQL database), builds a small
//! organisation through the public API, and offers one method per call.

use std::sync::{Arc, LazyLock};

use jiff::Timestamp;
use secrecy::SecretString;
use tekmerkez_bus::EmbeddedBus;
use tekmerkez_case::{
    Application, CaseSettings,
    app::CaseApp,
    clock::ManualClock,
    config::{
        AuthSettings, DatabaseSettings, EscalationSettings, GrpcSettings, LetterSettings,
        OutboxSettings, PageSettings,
    },
};
use tekmerkez_proto::{
    case_v1::{
        self as pb, case_service_client::CaseServiceClient,
        directory_service_client::DirectoryServiceClient,
    },
    common_v1 as common,
};
use tokio_util::sync::CancellationToken;
use tonic::{Request, transport::Channel};
use uuid::Uuid;

/// The gateway's service token in tests.
pub const GATEWAY_TOKEN: &str = "test-gateway-token-0123456789abcdef0123456789";
/// The routing service's token in tests.
pub const ROUTING_TOKEN: &str = "test-routing-token-0123456789abcdef0123456789";
/// The intake service's token in tests.
pub const INTAKE_TOKEN: &str = "test-intake-token-0123456789abcdef01234567890";
/// The notify service's token in tests.
pub const NOTIFY_TOKEN: &str = "test-notify-token-0123456789abcdef01234567890";

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Monday 2 March 2026, 10:00 in Istanbul.
pub fn start_time() -> Timestamp {
    "2026-03-02T07:00:00Z".parse().unwrap()
}

static PG_ADMIN_URL: LazyLock<String> = LazyLock::new(|| {
    std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned())
});

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,tekmerkez_case=debug")
            .with_test_writer()
            .try_init();
    }
});

async fn database_url(backend: Backend, dir: &tempfile::TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("case.db").display()),
        Backend::Postgres => {
            use sqlx::Connection as _;
            let name = format!("test_{}", Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&PG_ADMIN_URL)
                .await
                .expect("PostgreSQL for tests is not reachable: run `scripts/postgres start` (the README's test command does)");
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .unwrap();
            let base = PG_ADMIN_URL.rsplit_once('/').unwrap().0;
            format!("{base}/{name}")
        }
    }
}

pub fn settings(url: String) -> CaseSettings {
    CaseSettings {
        grpc: GrpcSettings {
            listen: "127.0.0.1:0".into(),
            request_timeout_ms: 10_000,
            reflection: true,
        },
        database: DatabaseSettings {
            url: SecretString::from(url),
            max_connections: 20,
            acquire_timeout_ms: 10_000,
            migrate_on_start: true,
        },
        auth: AuthSettings {
            service_tokens: [
                ("gateway", GATEWAY_TOKEN),
                ("routing", ROUTING_TOKEN),
                ("intake", INTAKE_TOKEN),
                ("notify", NOTIFY_TOKEN),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
            .collect(),
        },
        outbox: OutboxSettings {
            poll_interval_ms: 20,
            batch_size: 100,
            lease_ms: 5_000,
            publish_timeout_ms: 5_000,
        },
        pages: PageSettings {
            default_page_size: 50,
            max_page_size: 200,
        },
        letters: LetterSettings {
            number_prefix: "TM".into(),
        },
        tracking: Default::default(),
        // Rounds every 100 ms of real time; the lease counts on the test's
        // clock, which stands still until a test moves it.
        escalation: EscalationSettings {
            interval_ms: 100,
            lease_ms: 1_000,
            ..Default::default()
        },
        duplicates: Default::default(),
        // The live desk reads new events often, so tests do not wait.
        desk: tekmerkez_case::config::DeskSettings {
            poll_interval_ms: 50,
            ..Default::default()
        },
        // A round reads at most 4 cases of a category, so the tests see
        // backlogs larger than one round and piles of cases nobody takes.
        assignment: tekmerkez_case::config::AssignmentSettings {
            round_limit: 4,
            ..Default::default()
        },
        shutdown_timeout_ms: 5_000,
    }
}

/// The ids of the test organisation.
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub ankara_water: String,
    pub ankara_billing: String,
    pub ankara_triage: String,
    pub izmir_water: String,
    /// The directorate of every test pool.
    pub directorate: String,
    pub users: std::collections::HashMap<&'static str, String>,
}

pub struct TestApp {
    pub case: CaseServiceClient<Channel>,
    pub incidents:
        tekmerkez_proto::case_v1::incident_service_client::IncidentServiceClient<Channel>,
    pub dir: DirectoryServiceClient<Channel>,
    pub clock: Arc<ManualClock>,
    pub bus: Arc<EmbeddedBus>,
    pub app: CaseApp,
    pub org: Org,
    pub backend: Backend,
    pub addr: std::net::SocketAddr,
    pub db_url: String,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// Runs `sql` on the service's database behind its back: to make rows
    /// as an older release left them.
    pub async fn execute_sql(&self, sql: &str) {
        use sqlx::Connection as _;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
    }
}

impl TestApp {
    /// Runs `sql` on the service's database behind its back, saying
    /// whether the database refused it (a trigger, a constraint).
    pub async fn try_execute_sql(&self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection as _;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await?;
                sqlx::query(sql).execute(&mut conn).await.map(|_| ())
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await?;
                sqlx::query(sql).execute(&mut conn).await.map(|_| ())
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A second instance of the service (see [`TestApp::spawn_replica`]).
pub struct Replica {
    pub app: CaseApp,
    pub bus: Arc<EmbeddedBus>,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Replica {
    /// Stops it and waits until it is done.
    pub async fn stop(&mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Adds the gateway token and the acting user.
pub fn as_user<T>(who: &str, msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut().insert(
        "authorization",
        format!("Bearer {GATEWAY_TOKEN}").parse().unwrap(),
    );
    r.metadata_mut()
        .insert("x-tekmerkez-acting-user", who.parse().unwrap());
    r
}

/// Adds a bearer token only.
pub fn with_token<T>(token: &str, msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, true).await
}

pub async fn spawn_app_with(backend: Backend, with_org: bool) -> TestApp {
    LazyLock::force(&TRACING);
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(backend, &dir).await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let bus = Arc::new(EmbeddedBus::open("sqlite::memory:").await.unwrap());
    let application = Application::build(settings(url.clone()), Some(bus.clone()), clock.clone())
        .await
        .unwrap();
    let addr = application.addr();
    let app = application.app().clone();
    tekmerkez_case::demo::ensure_admin(&app, "admin", SecretString::from("admin-password-1"))
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(application.run_until_stopped(shutdown.clone()));
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut t = TestApp {
        case: CaseServiceClient::new(channel.clone()),
        incidents: tekmerkez_proto::case_v1::incident_service_client::IncidentServiceClient::new(
            channel.clone(),
        ),
        dir: DirectoryServiceClient::new(channel),
        clock,
        bus,
        app,
        org: Org::default(),
        backend,
        addr,
        db_url: url,
        shutdown,
        server: Some(server),
        _dir: dir,
    };
    if with_org {
        t.org = t.build_org().await;
    }
    t
}

impl TestApp {
    /// Stops the server and its outbox relay and waits until they are done.
    pub async fn shutdown_now(&mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    async fn build_org(&mut self) -> Org {
        let d = self
            .dir
            .create_directorate(as_user(
                "admin",
                pb::CreateDirectorateRequest {
                    name: "Su ve Kanalizasyon Dairesi Başkanlığı".into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .directorate
            .unwrap();
        let water = self
            .dir
            .create_unit(as_user(
                "admin",
                pb::CreateUnitRequest {
                    directorate_id: d.id.clone(),
                    name: "Su Arıza Birimi".into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .unit
            .unwrap();
        let billing = self
            .dir
            .create_unit(as_user(
                "admin",
                pb::CreateUnitRequest {
                    directorate_id: d.id.clone(),
                    name: "Abone İşleri Birimi".into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .unit
            .unwrap();
        let triage = self
            .dir
            .create_unit(as_user(
                "admin",
                pb::CreateUnitRequest {
                    directorate_id: d.id.clone(),
                    name: "Triyaj".into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .unit
            .unwrap();
        let pool = |unit: &str, province: u32, triage: bool| pb::CreatePoolRequest {
            unit_id: unit.to_owned(),
            province_code: province,
            name: String::new(),
            triage,
        };
        let mut org = Org {
            ankara_water: self
                .dir
                .create_pool(as_user("admin", pool(&water.id, 6, false)))
                .await
                .unwrap()
                .into_inner()
                .pool
                .unwrap()
                .id,
            ankara_billing: self
                .dir
                .create_pool(as_user("admin", pool(&billing.id, 6, false)))
                .await
                .unwrap()
                .into_inner()
                .pool
                .unwrap()
                .id,
            ankara_triage: self
                .dir
                .create_pool(as_user("admin", pool(&triage.id, 6, true)))
                .await
                .unwrap()
                .into_inner()
                .pool
                .unwrap()
                .id,
            izmir_water: self
                .dir
                .create_pool(as_user("admin", pool(&water.id, 35, false)))
                .await
                .unwrap()
                .into_inner()
                .pool
                .unwrap()
                .id,
            directorate: d.id.clone(),
            users: Default::default(),
        };
        let ankara = vec![
            org.ankara_water.clone(),
            org.ankara_billing.clone(),
            org.ankara_triage.clone(),
        ];
        let izmir = vec![org.izmir_water.clone()];
        for (name, role, pools) in [
            ("manager_ankara", pb::Role::PoolManager, ankara.clone()),
            ("expert_ankara", pb::Role::Expert, ankara.clone()),
            (
                "expert2_ankara",
                pb::Role::Expert,
                vec![org.ankara_water.clone()],
            ),
            ("manager_izmir", pb::Role::PoolManager, izmir.clone()),
            ("expert_izmir", pb::Role::Expert, izmir.clone()),
            ("callback_ankara", pb::Role::CallbackAgent, ankara.clone()),
            ("callcentre", pb::Role::CallCentreAgent, ankara.clone()),
            ("partner", pb::Role::PartnerClient, vec![]),
            ("director", pb::Role::DirectorateManager, vec![]),
            ("kvkk", pb::Role::KvkkOfficer, vec![]),
        ] {
            let u = self
                .dir
                .create_user(as_user(
                    "admin",
                    pb::CreateUserRequest {
                        username: name.into(),
                        display_name: name.into(),
                        role: role as i32,
                        pool_ids: pools,
                        password: String::new(),
                        email: String::new(),
                        phone: String::new(),
                        directorate_id: if role == pb::Role::DirectorateManager {
                            d.id.clone()
                        } else {
                            String::new()
                        },
                    },
                ))
                .await
                .unwrap()
                .into_inner()
                .user
                .unwrap();
            org.users.insert(name, u.id);
        }
        org
    }

    /// Another replica of the service on this database, telling time by
    /// the same clock, with its own bus: its server, outbox relay and
    /// escalation scheduler run until the returned token is cancelled.
    pub async fn spawn_replica(&self) -> Replica {
        let bus = Arc::new(EmbeddedBus::open("sqlite::memory:").await.unwrap());
        let application = Application::build(
            settings(self.db_url.clone()),
            Some(bus.clone()),
            self.clock.clone(),
        )
        .await
        .unwrap();
        let app = application.app().clone();
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(application.run_until_stopped(shutdown.clone()));
        Replica {
            app,
            bus,
            shutdown,
            server: Some(server),
        }
    }

    pub fn user_id(&self, name: &str) -> String {
        self.org.users[name].clone()
    }

    /// A valid application for `pool` in `province`, with phone reply.
    pub fn application(&self, pool: &str, province: u32, district: &str) -> pb::CreateCaseRequest {
        pb::CreateCaseRequest {
            application_id: Uuid::new_v4().to_string(),
            tracking_number: String::new(),
            channel: common::Channel::WebForm as i32,
            category: "su_arizasi".into(),
            text: "Sokağımızda ana boru patladı, su yola taşıyor.".into(),
            urgency: common::Urgency::Urgent as i32,
            location: Some(common::Location {
                province_code: province,
                district: district.into(),
                coordinates: None,
                neighbourhood: String::new(),
            }),
            pool_id: pool.to_owned(),
            contact: Some(common::Contact {
                name: "Ayşe Yılmaz".into(),
                phone: "0532 123 45 67".into(),
                email: "ayse.yilmaz@ornek.com.tr".into(),
                ..Default::default()
            }),
            reply_channel: common::ReplyChannel::PhoneCallback as i32,
            consent: Some(common::Consent {
                text_version: "kvkk-v1".into(),
                accepted_at: Some(prost_types::Timestamp {
                    seconds: start_time().as_second(),
                    nanos: 0,
                }),
                special_category: false,
            }),
            information_only: false,
            information_answer: String::new(),
            received_at: None,
            attachments: Vec::new(),
            ..Default::default()
        }
    }

    /// Opens an Ankara water case through the routing service's credential.
    pub async fn open_case(&mut self) -> pb::Case {
        let req = self.application(&self.org.ankara_water.clone(), 6, "Çankaya");
        self.create(req).await
    }

    pub async fn create(&mut self, req: pb::CreateCaseRequest) -> pb::Case {
        self.case
            .create_case(with_token(ROUTING_TOKEN, req))
            .await
            .unwrap()
            .into_inner()
            .case
            .unwrap()
    }

    pub async fn claim(&mut self, who: &str, ids: &[&str]) -> Result<Vec<pb::Case>, tonic::Status> {
        let req = pb::ClaimCasesRequest {
            case_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        };
        self.case
            .claim_cases(as_user(who, req))
            .await
            .map(|r| r.into_inner().cases)
    }

    pub async fn get(&mut self, who: &str, id: &str) -> Result<pb::Case, tonic::Status> {
        let req = pb::GetCaseRequest {
            case_id: id.to_owned(),
            tracking_number: String::new(),
        };
        self.case
            .get_case(as_user(who, req))
            .await
            .map(|r| r.into_inner().case.unwrap())
    }

    pub async fn note(
        &mut self,
        who: &str,
        id: &str,
        text: &str,
    ) -> Result<pb::Case, tonic::Status> {
        let req = pb::AddNoteRequest {
            case_id: id.to_owned(),
            text: text.to_owned(),
            expected_version: None,
        };
        self.case
            .add_note(as_user(who, req))
            .await
            .map(|r| r.into_inner().case.unwrap())
    }

    pub async fn close(
        &mut self,
        who: &str,
        id: &str,
        answer: &str,
    ) -> Result<pb::Case, tonic::Status> {
        let req = pb::CloseCaseRequest {
            case_id: id.to_owned(),
            official_answer: answer.to_owned(),
            expected_version: None,
            closure_reason: "cozuldu".into(),
        };
        self.case
            .close_case(as_user(who, req))
            .await
            .map(|r| r.into_inner().case.unwrap())
    }

    pub async fn list(
        &mut self,
        who: &str,
        view: pb::CaseView,
        page_size: u32,
        token: &str,
    ) -> Result<pb::ListCasesResponse, tonic::Status> {
        let req = pb::ListCasesRequest {
            view: view as i32,
            filter: None,
            sort: pb::CaseSort::OldestFirst as i32,
            page: Some(common::PageRequest {
                page_size,
                page_token: token.to_owned(),
            }),
            with_total: false,
            partner_reference: String::new(),
        };
        self.case
            .list_cases(as_user(who, req))
            .await
            .map(|r| r.into_inner())
    }

    pub async fn history(&mut self, who: &str, id: &str) -> Vec<pb::HistoryStep> {
        self.case
            .get_history(as_user(
                who,
                pb::GetHistoryRequest {
                    case_id: id.to_owned(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .steps
    }

    pub async fn case_count(&self) -> i64 {
        self.app.store().count_cases().await.unwrap()
    }
}

/// The field names of an INVALID_ARGUMENT's bad-request details.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt as _;
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The subjects of a FAILED_PRECONDITION's precondition-failure details.
pub fn failed_subjects(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt as _;
    status
        .get_details_precondition_failure()
        .map(|p| p.violations.into_iter().map(|v| v.subject).collect())
        .unwrap_or_default()
}

/// Runs each test body against SQLite and PostgreSQL.
#[macro_export]
macro_rules! both_stores {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn body(#[allow(unused_mut)] mut $app: $crate::helpers::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    body($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    body($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await
                }
            }
        )*
    };
}
