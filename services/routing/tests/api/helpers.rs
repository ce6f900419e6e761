//! Spawns routing's admin API (`RoutingRulesService`) on port 0 over a fresh
//! rules store, next to a stand-in for the case service's directory (the
//! caller's role, the organisation's pools: what routing asks the case
//! service), and a `Router` over the same rule cache and that directory.
//! `TestApp` has one method per call, and `route` for an application.

use std::{net::SocketAddr, sync::LazyLock};

use tekmerkez_proto::{
    case_v1::{
        self as pb,
        audit_service_server::{AuditService, AuditServiceServer},
        directory_service_client::DirectoryServiceClient,
        directory_service_server::{DirectoryService, DirectoryServiceServer},
    },
    common_v1 as common,
    routing_v1::{
        self as rpb, routing_rules_service_client::RoutingRulesServiceClient,
        routing_rules_service_server::RoutingRulesServiceServer,
    },
};
use tekmerkez_routing::{
    grpc::RulesGrpc,
    router::{Decision, GrpcPoolSource, PoolDirectory, Router, RuleCache},
    store::RulesStore,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, service::Routes, transport::Channel};
use uuid::Uuid;

/// The admin's token at the stand-in directory.
pub const ADMIN: &str = "admin-token";
/// An expert's token: a signed-in user who is not an admin.
pub const EXPERT: &str = "expert-token";

/// Categories urgent unless a rule says otherwise, as configured in production.
pub const URGENT_CATEGORIES: [&str; 1] = ["su_arizasi"];

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static PG_ADMIN_URL: LazyLock<String> = LazyLock::new(|| {
    std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned())
});

async fn database_url(backend: Backend, dir: &tempfile::TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("routing.db").display()),
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

/// The units of the stand-in organisation.
#[derive(Debug, Clone)]
pub struct Units {
    /// Su Arıza: a pool in Ankara and in İzmir.
    pub water: String,
    /// Abone İşleri: a pool in Ankara and in İzmir.
    pub billing: String,
    /// Gürültü Denetim: a pool in Ankara only.
    pub noise: String,
}

/// The pool ids, by unit and province.
#[derive(Debug, Clone)]
pub struct Pools {
    pub ankara_water: String,
    pub ankara_billing: String,
    pub ankara_noise: String,
    pub ankara_triage: String,
    pub izmir_water: String,
    pub izmir_billing: String,
    pub izmir_triage: String,
}

/// The case service's directory as routing sees it: who a token belongs
/// to, and the pools. Every other call is unimplemented (routing makes none).
#[derive(Debug, Clone)]
struct StandInDirectory {
    pools: Vec<pb::Pool>,
}

/// The administrative changes routing recorded in the case service's
/// audit trail: (object, detail).
pub type Recorded = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A stand-in for the case service's audit trail: keeps what routing
/// records, or refuses it all when `refuse` is set (the trail unavailable).
#[derive(Debug, Clone, Default)]
struct StandInAudit {
    recorded: Recorded,
    refuse: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[tonic::async_trait]
impl AuditService for StandInAudit {
    async fn list_audit_entries(
        &self,
        _: Request<pb::ListAuditEntriesRequest>,
    ) -> Result<Response<pb::ListAuditEntriesResponse>, Status> {
        unused()
    }

    async fn record_admin_change(
        &self,
        req: Request<pb::RecordAdminChangeRequest>,
    ) -> Result<Response<pb::RecordAdminChangeResponse>, Status> {
        if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Status::unavailable("the audit trail is unavailable"));
        }
        let r = req.into_inner();
        self.recorded.lock().unwrap().push((r.object, r.detail));
        Ok(Response::new(pb::RecordAdminChangeResponse {}))
    }
}

fn unused<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented("routing does not call this"))
}

#[tonic::async_trait]
impl DirectoryService for StandInDirectory {
    async fn get_current_user(
        &self,
        req: Request<pb::GetCurrentUserRequest>,
    ) -> Result<Response<pb::GetCurrentUserResponse>, Status> {
        let token = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let role = match token {
            Some(ADMIN) => pb::Role::Admin,
            Some(EXPERT) => pb::Role::Expert,
            _ => return Err(Status::unauthenticated("unauthenticated")),
        };
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(pb::User {
                id: Uuid::new_v4().to_string(),
                role: role as i32,
                active: true,
                ..Default::default()
            }),
        }))
    }

    async fn list_pools(
        &self,
        _: Request<pb::ListPoolsRequest>,
    ) -> Result<Response<pb::ListPoolsResponse>, Status> {
        Ok(Response::new(pb::ListPoolsResponse {
            pools: self.pools.clone(),
        }))
    }

    async fn create_directorate(
        &self,
        _: Request<pb::CreateDirectorateRequest>,
    ) -> Result<Response<pb::CreateDirectorateResponse>, Status> {
        unused()
    }
    async fn list_directorates(
        &self,
        _: Request<pb::ListDirectoratesRequest>,
    ) -> Result<Response<pb::ListDirectoratesResponse>, Status> {
        unused()
    }
    async fn create_unit(
        &self,
        _: Request<pb::CreateUnitRequest>,
    ) -> Result<Response<pb::CreateUnitResponse>, Status> {
        unused()
    }
    async fn list_units(
        &self,
        _: Request<pb::ListUnitsRequest>,
    ) -> Result<Response<pb::ListUnitsResponse>, Status> {
        unused()
    }
    async fn create_pool(
        &self,
        _: Request<pb::CreatePoolRequest>,
    ) -> Result<Response<pb::CreatePoolResponse>, Status> {
        unused()
    }
    async fn create_user(
        &self,
        _: Request<pb::CreateUserRequest>,
    ) -> Result<Response<pb::CreateUserResponse>, Status> {
        unused()
    }
    async fn update_user(
        &self,
        _: Request<pb::UpdateUserRequest>,
    ) -> Result<Response<pb::UpdateUserResponse>, Status> {
        unused()
    }
    async fn list_users(
        &self,
        _: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        unused()
    }
    async fn issue_api_token(
        &self,
        _: Request<pb::IssueApiTokenRequest>,
    ) -> Result<Response<pb::IssueApiTokenResponse>, Status> {
        unused()
    }
    async fn authenticate_user(
        &self,
        _: Request<pb::AuthenticateUserRequest>,
    ) -> Result<Response<pb::AuthenticateUserResponse>, Status> {
        unused()
    }
    async fn update_current_user(
        &self,
        _: Request<pb::UpdateCurrentUserRequest>,
    ) -> Result<Response<pb::UpdateCurrentUserResponse>, Status> {
        unused()
    }
    async fn list_provinces(
        &self,
        _: Request<pb::ListProvincesRequest>,
    ) -> Result<Response<pb::ListProvincesResponse>, Status> {
        unused()
    }
}

/// An application as routing reads it from `intake.applications.v1`.
#[derive(Debug, Clone)]
pub struct Application {
    pub category: &'static str,
    /// The channel's default category (e-mail, social media), not a chosen one.
    pub category_is_default: bool,
    pub text: &'static str,
    pub channel: common::Channel,
    pub province: u32,
    /// Canonical, as intake sends it.
    pub district: &'static str,
}

/// A web-form application from Çankaya, Ankara.
pub fn application(category: &'static str, text: &'static str) -> Application {
    Application {
        category,
        category_is_default: false,
        text,
        channel: common::Channel::WebForm,
        province: 6,
        district: "Çankaya",
    }
}

/// A rule sending everything to `unit` at `priority`; tests add conditions.
pub fn rule(priority: i32, unit: &str) -> rpb::Rule {
    rpb::Rule {
        priority,
        target_unit_id: unit.to_owned(),
        ..Default::default()
    }
}

/// Routing's admin API and router, running.
pub struct TestApp {
    pub units: Units,
    pub pools: Pools,
    rules: RoutingRulesServiceClient<Channel>,
    router: Router,
    /// What the rule changes recorded in the audit trail.
    pub recorded: Recorded,
    /// Set: the audit trail refuses every record.
    pub audit_down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Stops both servers when the test ends (the token is cancelled on drop).
    _stop: tokio_util::sync::DropGuard,
    _data: tempfile::TempDir,
}

async fn serve(routes: tonic::service::Routes, stop: CancellationToken) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_routes(routes)
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                async move { stop.cancelled().await },
            ),
    );
    addr
}

async fn connect(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

fn pool(unit: &str, province_code: u32, triage: bool) -> pb::Pool {
    pb::Pool {
        id: Uuid::new_v4().to_string(),
        unit_id: unit.to_owned(),
        province_code,
        name: String::new(),
        triage,
    }
}

/// Routing over a fresh `backend` store and the stand-in organisation.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let units = Units {
        water: Uuid::new_v4().to_string(),
        billing: Uuid::new_v4().to_string(),
        noise: Uuid::new_v4().to_string(),
    };
    let triage = Uuid::new_v4().to_string();
    let all = [
        pool(&units.water, 6, false),
        pool(&units.billing, 6, false),
        pool(&units.noise, 6, false),
        pool(&triage, 6, true),
        pool(&units.water, 35, false),
        pool(&units.billing, 35, false),
        pool(&triage, 35, true),
    ];
    let pools = Pools {
        ankara_water: all[0].id.clone(),
        ankara_billing: all[1].id.clone(),
        ankara_noise: all[2].id.clone(),
        ankara_triage: all[3].id.clone(),
        izmir_water: all[4].id.clone(),
        izmir_billing: all[5].id.clone(),
        izmir_triage: all[6].id.clone(),
    };
    let stop = CancellationToken::new();
    let directory = StandInDirectory {
        pools: all.to_vec(),
    };
    let audit = StandInAudit::default();
    let directory = connect(
        serve(
            Routes::new(DirectoryServiceServer::new(directory))
                .add_service(AuditServiceServer::new(audit.clone())),
            stop.clone(),
        )
        .await,
    )
    .await;

    let data = tempfile::tempdir().unwrap();
    let store = RulesStore::connect(&database_url(backend, &data).await).unwrap();
    store.migrate().await.unwrap();
    let cache = RuleCache::new(store);
    let admin = RulesGrpc::new(cache.clone(), directory.clone());
    let rules = connect(
        serve(
            Routes::new(RoutingRulesServiceServer::new(admin)),
            stop.clone(),
        )
        .await,
    )
    .await;
    let router = Router::new(
        cache,
        PoolDirectory::new(std::sync::Arc::new(GrpcPoolSource::new(
            DirectoryServiceClient::new(directory),
        ))),
        URGENT_CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
    );
    TestApp {
        units,
        pools,
        rules: RoutingRulesServiceClient::new(rules),
        router,
        recorded: audit.recorded,
        audit_down: audit.refuse,
        _stop: stop.drop_guard(),
        _data: data,
    }
}

/// `msg` with `Bearer <token>`, or with no credentials for `""`.
fn with_token<T>(token: &str, msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    if !token.is_empty() {
        r.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    r
}

impl TestApp {
    /// `CreateRule` as the caller with `token`.
    pub async fn create_rule_as(&self, token: &str, rule: rpb::Rule) -> Result<rpb::Rule, Status> {
        let req = rpb::CreateRuleRequest { rule: Some(rule) };
        let r = self
            .rules
            .clone()
            .create_rule(with_token(token, req))
            .await?;
        Ok(r.into_inner().rule.unwrap())
    }

    /// `CreateRule` as the admin; panics unless it works.
    pub async fn create_rule(&self, rule: rpb::Rule) -> rpb::Rule {
        self.create_rule_as(ADMIN, rule).await.unwrap()
    }

    /// `UpdateRule` as the admin.
    pub async fn update_rule(&self, rule: rpb::Rule) -> Result<rpb::Rule, Status> {
        let req = rpb::UpdateRuleRequest { rule: Some(rule) };
        let r = self
            .rules
            .clone()
            .update_rule(with_token(ADMIN, req))
            .await?;
        Ok(r.into_inner().rule.unwrap())
    }

    /// `DeleteRule` as the admin.
    pub async fn delete_rule(&self, id: &str) -> Result<(), Status> {
        let req = rpb::DeleteRuleRequest { id: id.to_owned() };
        self.rules
            .clone()
            .delete_rule(with_token(ADMIN, req))
            .await?;
        Ok(())
    }

    /// `ListRules` as the caller with `token`.
    pub async fn list_rules_as(&self, token: &str) -> Result<Vec<rpb::Rule>, Status> {
        let r = self
            .rules
            .clone()
            .list_rules(with_token(token, rpb::ListRulesRequest {}))
            .await?;
        Ok(r.into_inner().rules)
    }

    /// Every rule, as the admin lists them.
    pub async fn list_rules(&self) -> Vec<rpb::Rule> {
        self.list_rules_as(ADMIN).await.unwrap()
    }

    /// Where routing places `app`.
    pub async fn route(&self, app: &Application) -> Decision {
        self.router
            .decide(
                app.category,
                app.category_is_default,
                app.text,
                app.channel as i32,
                app.province,
                app.district,
            )
            .await
            .unwrap()
    }

    /// The pool routing places `app` in.
    pub async fn pool_of(&self, app: &Application) -> String {
        self.route(app).await.pool_id
    }
}

/// The field violations of an `InvalidArgument`, as `field: rule`.
pub fn violations(status: &Status) -> Vec<String> {
    use tonic_types::StatusExt as _;
    status
        .get_details_bad_request()
        .map(|b| {
            b.field_violations
                .into_iter()
                .map(|v| format!("{}: {}", v.field, v.description))
                .collect()
        })
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
                async fn body($app: $crate::helpers::TestApp) $body

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
