//! Services as separate processes, for crash tests.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use sqlx::Connection as _;
use tokio::process::{Child, Command};

use crate::wait::within;

/// The gateway token the cluster's case service trusts.
pub const GATEWAY_TOKEN: &str = "cluster-gateway-token-0123456789abcdef0123";
const ROUTING_TOKEN: &str = "cluster-routing-token-0123456789abcdef0123";
const INTAKE_TOKEN: &str = "cluster-intake-token-0123456789abcdef01234";
/// The notify token the cluster's case service trusts.
const NOTIFY_TOKEN: &str = "cluster-notify-token-0123456789abcdef01234";
/// The reports token the cluster's case service trusts.
const REPORTS_TOKEN: &str = "cluster-reports-token-0123456789abcdef0123";

/// The `tekmerkez` binary: `TEKMERKEZ_BIN`, else the shared target directory's debug build.
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("TEKMERKEZ_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/tekmerkez")
}

/// The repository's scripts directory.
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts")
}

/// A port nothing listens on now, for a server a test starts later.
///
/// Chosen below Linux's ephemeral range (32768–60999 by default), never
/// from it: a port the kernel hands out for `:0` is released before the
/// server binds it, and meanwhile any outgoing connection (another test's
/// broker or database client) may be given it as its local port. Ports
/// 20000–32767 are never given out that way; the project's own servers
/// listen below 20000 (55432, PostgreSQL's, is bound before any test).
pub fn free_port() -> u16 {
    use rand::Rng as _;
    let mut rng = rand::rng();
    for _ in 0..1000 {
        let port = rng.random_range(20_000..32_768);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in 20000-32767 after 1000 tries")
}

/// The three services as processes.
pub struct Cluster {
    /// The case database (for counting).
    pub case_db: String,
    /// The Kafka topic prefix of this cluster.
    pub prefix: String,
    /// The brokers.
    pub brokers: String,
    /// The case service's gRPC address.
    pub case_addr: String,
    /// The routing admin address.
    pub routing_addr: String,
    /// Intake's HTTP base URL.
    pub intake_url: String,
    /// Notify's gRPC address.
    pub notify_addr: String,
    /// The gateway's HTTP base URL.
    pub gateway_url: String,
    /// Notify's database (for counting).
    pub notify_db: String,
    /// The reports' database.
    pub reports_db: String,
    /// The report API's gRPC address.
    pub reports_addr: String,
    env: Vec<(String, String)>,
    /// Each service's `/metrics` listener (`telemetry.metrics_listen`).
    metrics: HashMap<&'static str, String>,
    children: HashMap<&'static str, Child>,
    logs: tempfile::TempDir,
    /// Where the processes read `test.yaml` (the repository's unless a test
    /// added configuration with [`Cluster::add_test_config`]).
    config_dir: PathBuf,
}

async fn create_db(admin_url: &str, name: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("PostgreSQL for tests (scripts/postgres start)");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0)
}

impl Cluster {
    /// Fresh databases (on the shared test PostgreSQL), ports and topic
    /// prefix; runs `tekmerkez migrate`.
    pub async fn new() -> Self {
        let pg = std::env::var("TEKMERKEZ_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned());
        Self::on_postgres(&pg).await
    }

    /// As [`Cluster::new`], with the databases on the PostgreSQL server whose
    /// admin URL is `pg` (the fault suite's durable one, which it kills).
    pub async fn on_postgres(pg: &str) -> Self {
        let pg = pg.to_owned();
        let brokers =
            std::env::var("TEKMERKEZ_TEST_KAFKA").unwrap_or_else(|_| "127.0.0.1:19092".to_owned());
        let id = uuid::Uuid::new_v4().simple().to_string();
        let case_db = create_db(&pg, &format!("cl_{id}_case")).await;
        let routing_db = create_db(&pg, &format!("cl_{id}_routing")).await;
        let intake_db = create_db(&pg, &format!("cl_{id}_intake")).await;
        let gateway_db = create_db(&pg, &format!("cl_{id}_gateway")).await;
        let notify_db = create_db(&pg, &format!("cl_{id}_notify")).await;
        let reports_db = create_db(&pg, &format!("cl_{id}_reports")).await;
        let reports_addr = format!("127.0.0.1:{}", free_port());
        let notify_addr = format!("127.0.0.1:{}", free_port());
        let prefix = format!("cl-{id}-");
        let (case_port, routing_port, intake_port) = (free_port(), free_port(), free_port());
        let case_addr = format!("127.0.0.1:{case_port}");
        let env: Vec<(String, String)> = [
            ("APP_ENVIRONMENT", "test".to_owned()),
            (
                "RUST_LOG",
                "warn,tekmerkez_bus=info,tekmerkez_routing=info".to_owned(),
            ),
            ("TEKMERKEZ__TELEMETRY__LOG_FORMAT", "json".to_owned()),
            ("TEKMERKEZ__KAFKA__BROKERS", brokers.clone()),
            ("TEKMERKEZ__KAFKA__TOPIC_PREFIX", prefix.clone()),
            ("TEKMERKEZ__KAFKA__PARTITIONS", "3".to_owned()),
            // tansu 0.6.0's SQLite engine panics in its idempotent-producer
            // check under this load (README, known issues); the cases' own
            // idempotency is what these tests prove.
            (
                "TEKMERKEZ__KAFKA__IDEMPOTENCE",
                std::env::var("TEKMERKEZ_TEST_KAFKA_IDEMPOTENCE")
                    .unwrap_or_else(|_| "false".to_owned()),
            ),
            ("TEKMERKEZ__KAFKA__SESSION_TIMEOUT_MS", "6000".to_owned()),
            ("TEKMERKEZ__CASE__DATABASE__URL", case_db.clone()),
            ("TEKMERKEZ__CASE__GRPC__LISTEN", case_addr.clone()),
            (
                "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__GATEWAY",
                GATEWAY_TOKEN.to_owned(),
            ),
            (
                "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__ROUTING",
                ROUTING_TOKEN.to_owned(),
            ),
            (
                "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__INTAKE",
                INTAKE_TOKEN.to_owned(),
            ),
            ("TEKMERKEZ__CASE__OUTBOX__POLL_INTERVAL_MS", "50".to_owned()),
            (
                "TEKMERKEZ__BOOTSTRAP__ADMIN_PASSWORD",
                "cluster-admin-password".to_owned(),
            ),
            ("TEKMERKEZ__ROUTING__DATABASE_URL", routing_db),
            (
                "TEKMERKEZ__ROUTING__GRPC_LISTEN",
                format!("127.0.0.1:{routing_port}"),
            ),
            (
                "TEKMERKEZ__ROUTING__CASE_SERVICE__URL",
                format!("http://{case_addr}"),
            ),
            (
                "TEKMERKEZ__ROUTING__CASE_SERVICE__TOKEN",
                ROUTING_TOKEN.to_owned(),
            ),
            (
                "TEKMERKEZ__ROUTING__CONSUMER__MAX_BACKOFF_MS",
                "1000".to_owned(),
            ),
            ("TEKMERKEZ__INTAKE__DATABASE_URL", intake_db),
            ("TEKMERKEZ__GATEWAY__DATABASE_URL", gateway_db),
            (
                "TEKMERKEZ__INTAKE__HTTP__LISTEN",
                format!("127.0.0.1:{intake_port}"),
            ),
            (
                "TEKMERKEZ__INTAKE__CASE_SERVICE__URL",
                format!("http://{case_addr}"),
            ),
            (
                "TEKMERKEZ__INTAKE__CASE_SERVICE__TOKEN",
                INTAKE_TOKEN.to_owned(),
            ),
            ("TEKMERKEZ__NOTIFY__DATABASE_URL", notify_db.clone()),
            ("TEKMERKEZ__NOTIFY__GRPC_LISTEN", notify_addr.clone()),
            (
                "TEKMERKEZ__NOTIFY__HTTP_LISTEN",
                format!("127.0.0.1:{}", free_port()),
            ),
            (
                "TEKMERKEZ__NOTIFY__CASE_SERVICE__URL",
                format!("http://{case_addr}"),
            ),
            (
                "TEKMERKEZ__NOTIFY__CASE_SERVICE__TOKEN",
                NOTIFY_TOKEN.to_owned(),
            ),
            (
                "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__NOTIFY",
                NOTIFY_TOKEN.to_owned(),
            ),
            ("TEKMERKEZ__REPORTS__DATABASE_URL", reports_db.clone()),
            ("TEKMERKEZ__REPORTS__GRPC_LISTEN", reports_addr.clone()),
            (
                "TEKMERKEZ__REPORTS__CASE_SERVICE__URL",
                format!("http://{case_addr}"),
            ),
            (
                "TEKMERKEZ__REPORTS__CASE_SERVICE__TOKEN",
                REPORTS_TOKEN.to_owned(),
            ),
            (
                "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__REPORTS",
                REPORTS_TOKEN.to_owned(),
            ),
            ("TEKMERKEZ__NOTIFY__EMAIL__TRANSPORT", "off".to_owned()),
            (
                "TEKMERKEZ__NOTIFY__QUIET_HOURS__ENABLED",
                "false".to_owned(),
            ),
            ("TEKMERKEZ__NOTIFY__MAX_EVENT_AGE_MINUTES", "0".to_owned()),
            (
                "TEKMERKEZ__INTAKE__RATE_LIMIT__PER_MINUTE",
                "10000000".to_owned(),
            ),
            ("TEKMERKEZ__INTAKE__RATE_LIMIT__BURST", "1000000".to_owned()),
            ("TEKMERKEZ__INTAKE__PUBLISH_TIMEOUT_MS", "20000".to_owned()),
            (
                "TEKMERKEZ__INTAKE__HTTP__REQUEST_TIMEOUT_MS",
                "30000".to_owned(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let gateway_port = free_port();
        let mut env = env;
        for (k, v) in [
            (
                "TEKMERKEZ__GATEWAY__HTTP__LISTEN",
                format!("127.0.0.1:{gateway_port}"),
            ),
            (
                "TEKMERKEZ__GATEWAY__CASE_SERVICE__URL",
                format!("http://{case_addr}"),
            ),
            (
                "TEKMERKEZ__GATEWAY__CASE_SERVICE__TOKEN",
                GATEWAY_TOKEN.to_owned(),
            ),
        ] {
            env.push((k.to_owned(), v));
        }
        let cluster = Self {
            case_db,
            prefix,
            brokers,
            case_addr,
            routing_addr: format!("127.0.0.1:{routing_port}"),
            intake_url: format!("http://127.0.0.1:{intake_port}"),
            notify_addr,
            notify_db,
            reports_db,
            reports_addr,
            gateway_url: format!("http://127.0.0.1:{gateway_port}"),
            env,
            metrics: ["case", "routing", "intake", "notify", "gateway", "reports"]
                .into_iter()
                .map(|s| (s, format!("127.0.0.1:{}", free_port())))
                .collect(),
            children: HashMap::new(),
            logs: tempfile::tempdir().unwrap(),
            config_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config"),
        };
        let status = cluster.command("migrate").status().await.unwrap();
        assert!(
            status.success(),
            "tekmerkez migrate failed; see {}",
            cluster.logs.path().display()
        );
        cluster
    }

    /// Appends `yaml` (top-level keys the repository's `config/test.yaml`
    /// does not have, such as `intake:`) to the test configuration of the
    /// processes started from now on. Lists (partners, accounts) cannot be
    /// given as environment variables; this is how a test configures them.
    pub fn add_test_config(&mut self, yaml: &str) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
        let base = std::fs::read_to_string(repo.join("test.yaml")).unwrap();
        let dir = self.logs.path().join("config");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("test.yaml"), format!("{base}\n{yaml}\n")).unwrap();
        self.config_dir = dir;
    }

    fn command(&self, service: &str) -> Command {
        let config = &self.config_dir;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.path().join(format!("{service}.log")))
            .unwrap();
        let mut c = Command::new(binary());
        c.arg("--config-dir")
            .arg(config)
            .arg(service)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(addr) = self.metrics.get(service) {
            c.env("TEKMERKEZ__TELEMETRY__METRICS_LISTEN", addr);
        }
        c.stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        c
    }

    /// Runs `tekmerkez <args>` to its end with the services' environment
    /// (a one-off command such as `reports rebuild`).
    pub async fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(binary())
            .arg("--config-dir")
            .arg(&self.config_dir)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .kill_on_drop(true)
            .output()
            .await
            .unwrap_or_else(|e| panic!("running {} {args:?}: {e}", binary().display()))
    }

    /// Sets (or replaces) an environment variable of the services started from now on.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// Starts `service` (`case`, `routing`, `intake`, `notify`, `reports`) and waits until it answers.
    pub async fn start(&mut self, service: &'static str) {
        let child = self
            .command(service)
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {} {service}: {e}", binary().display()));
        self.children.insert(service, child);
        let addr = match service {
            "case" => self.case_addr.clone(),
            "routing" => self.routing_addr.clone(),
            "notify" => self.notify_addr.clone(),
            "reports" => self.reports_addr.clone(),
            "gateway" => self.gateway_url.trim_start_matches("http://").to_owned(),
            _ => self.intake_url.trim_start_matches("http://").to_owned(),
        };
        let listening = within(Duration::from_secs(30), async || {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return true;
            }
            if let Some(c) = self.children.get_mut(service)
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!("{service} exited with {status}: {}", self.failure(service));
            }
            false
        })
        .await;
        if listening.is_none() {
            panic!(
                "{service} did not listen on {addr}: {}",
                self.failure(service)
            );
        }
    }

    /// The process id of `service`, while it runs.
    pub fn pid(&self, service: &str) -> Option<u32> {
        self.children.get(service).and_then(Child::id)
    }

    /// The services started here that have exited by themselves (not
    /// killed by the test), with how they exited.
    pub fn exited(&mut self) -> Vec<(&'static str, std::process::ExitStatus)> {
        self.children
            .iter_mut()
            .filter_map(|(name, c)| c.try_wait().ok().flatten().map(|s| (*name, s)))
            .collect()
    }

    /// Keeps the services' logs after the test (for a failure of a long
    /// run that cannot simply be repeated) and returns where they are.
    pub fn keep_logs(&mut self) -> PathBuf {
        self.logs.disable_cleanup(true);
        self.logs.path().to_owned()
    }

    /// `service`'s `/metrics` URL.
    pub fn metrics_url(&self, service: &str) -> String {
        format!("http://{}/metrics", self.metrics[service])
    }

    /// SIGTERMs `service`, as Kubernetes stops a pod, and waits for it to
    /// exit: its exit status and how long it took after the signal.
    pub async fn terminate(
        &mut self,
        service: &'static str,
    ) -> (std::process::ExitStatus, Duration) {
        let mut c = self.children.remove(service).expect("the service runs");
        let pid = c.id().expect("a running child has a pid");
        let started = std::time::Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {pid}");
        let exit = c.wait().await.unwrap();
        (exit, started.elapsed())
    }

    /// The whole log of `service` so far.
    pub fn full_log(&self, service: &str) -> String {
        std::fs::read_to_string(self.logs.path().join(format!("{service}.log"))).unwrap_or_default()
    }

    /// SIGKILLs `service`, as a crash would.
    pub async fn kill(&mut self, service: &'static str) {
        if let Some(mut c) = self.children.remove(service) {
            c.start_kill().unwrap();
            c.wait().await.unwrap();
        }
    }

    /// Why a service stopped, from its log: the error it exited with and
    /// its causes (anyhow's `Error:` and `Caused by:` block, which a
    /// backtrace would push out of [`Self::log`]'s tail), every ERROR line,
    /// then the tail.
    pub fn failure(&self, service: &str) -> String {
        let text = self.full_log(service);
        let mut why: Vec<&str> = Vec::new();
        let mut in_error = false;
        for line in text.lines() {
            if line.starts_with("Error:") {
                in_error = true;
            } else if in_error && (line.trim().is_empty() || line.contains("backtrace")) {
                in_error = false;
            }
            if in_error || line.contains(" ERROR ") {
                why.push(line);
            }
        }
        format!(
            "{}\n--- the log's end ---\n{}",
            why.join("\n"),
            self.log(service)
        )
    }

    /// The end of a service's log.
    pub fn log(&self, service: &str) -> String {
        let text = std::fs::read_to_string(self.logs.path().join(format!("{service}.log")))
            .unwrap_or_default();
        text.lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A request as the admin, through the gateway's credential.
    pub fn as_admin<T>(&self, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {GATEWAY_TOKEN}").parse().unwrap(),
        );
        r.metadata_mut()
            .insert("x-tekmerkez-acting-user", "admin".parse().unwrap());
        r
    }

    /// Counts rows of the case database.
    pub async fn count(&self, sql: &str) -> i64 {
        let mut conn = sqlx::PgConnection::connect(&self.case_db).await.unwrap();
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap()
    }
}
