//! `tekmerkez dev` as an OS process of the real binary on a data directory,
//! for the embedded mode's fault tests: it can be SIGKILLed and started
//! again on the same data (no `--fresh`) at the same HTTP address, so
//! clients that keep retrying reach the new process. Its SQLite files are
//! read (read-only, beside the running process: WAL allows it) to count
//! what it holds.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Stdio,
    str::FromStr as _,
    time::Duration,
};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tokio::process::{Child, Command};

use crate::{
    cluster::{binary, free_port},
    wait::within,
};

/// One `tekmerkez dev` process (and the ones started after it on the same
/// data directory).
pub struct DevProcess {
    /// Where the embedded databases live.
    pub data_dir: PathBuf,
    /// The HTTP listener: the form, the app API, `/dev/sms`. Kept across
    /// restarts.
    pub http: SocketAddr,
    env: Vec<(String, String)>,
    /// The running process; `None` between a kill and the next start.
    child: Option<Child>,
    /// Every run's stdout and stderr, appended.
    log: PathBuf,
    /// How many times it was started.
    pub starts: u32,
}

impl DevProcess {
    /// Starts `tekmerkez dev` on `data_dir` with no demo cases, the rate
    /// limits out of the way (the tests are one client address posting
    /// thousands), and `env` on top; logs go to `log`. Waits until it
    /// answers HTTP.
    pub async fn start(data_dir: &Path, log: &Path, env: &[(&str, &str)]) -> Self {
        let mut all: Vec<(String, String)> = [
            ("APP_ENVIRONMENT", "test"),
            ("RUST_LOG", "warn"),
            ("TEKMERKEZ__DEV__DEMO_CASES", "0"),
            ("TEKMERKEZ__DEV__DEMO_HISTORY_DAYS", "0"),
            ("TEKMERKEZ__ROUTING__GRPC_LISTEN", "127.0.0.1:0"),
            ("TEKMERKEZ__INTAKE__RATE_LIMIT__PER_MINUTE", "10000000"),
            ("TEKMERKEZ__INTAKE__RATE_LIMIT__BURST", "1000000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in env {
            all.retain(|(n, _)| n != k);
            all.push(((*k).to_owned(), (*v).to_owned()));
        }
        let mut dev = Self {
            data_dir: data_dir.to_owned(),
            http: SocketAddr::from(([127, 0, 0, 1], free_port())),
            env: all,
            child: None,
            log: log.to_owned(),
            starts: 0,
        };
        dev.restart().await;
        dev
    }

    /// Starts the process again on the same data directory and address
    /// (after [`Self::kill`]) and waits until it answers HTTP.
    ///
    /// # Panics
    /// When it exits or does not answer within 90 s.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
        let child = Command::new(binary())
            .arg("--config-dir")
            .arg(config)
            .arg("dev")
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--grpc-listen")
            .arg("127.0.0.1:0")
            .arg("--http-listen")
            .arg(self.http.to_string())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {}: {e}", binary().display()));
        self.child = Some(child);
        self.starts += 1;
        let url = format!("http://{}/openapi.json", self.http);
        let client = reqwest::Client::new();
        let up = within(Duration::from_secs(90), async || {
            if let Some(status) = self.exited() {
                panic!("tekmerkez dev exited with {status}:\n{}", self.log_tail(60));
            }
            client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        })
        .await;
        assert!(
            up.is_some(),
            "tekmerkez dev did not answer on {}:\n{}",
            self.http,
            self.log_tail(60)
        );
    }

    /// The exit status, if the process ended by itself.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// SIGKILLs the process, as a crash would, and reaps it.
    pub async fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.start_kill().unwrap();
            c.wait().await.unwrap();
        }
    }

    /// SIGTERMs the process and waits for it to exit; its exit status.
    pub async fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let mut c = self.child.take()?;
        let pid = c.id()?;
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {pid}");
        Some(c.wait().await.unwrap())
    }

    /// The whole log of every run so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last `lines` lines of the log.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = self.log();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// A read-only pool on one of the data directory's databases
    /// (`case.db`, `bus.db`, `notify.db`, `intake.db`).
    pub async fn db(&self, file: &str) -> SqlitePool {
        let opts = SqliteConnectOptions::from_str(&format!(
            "sqlite://{}",
            self.data_dir.join(file).display()
        ))
        .unwrap()
        .read_only(true)
        .busy_timeout(Duration::from_secs(10));
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .unwrap()
    }
}

/// What the embedded mode holds, counted from its databases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Cases.
    pub cases: i64,
    /// Case events written but not yet published (the case service's outbox).
    pub outbox_pending: i64,
    /// Messages of the bus not yet committed by a group reading their topic.
    pub bus_unconsumed: i64,
    /// Messages in any dead-letter topic.
    pub dead_letters: i64,
    /// Notify's deliveries not yet settled (`pending` or `sending`).
    pub deliveries_open: i64,
    /// SMS the development sink (`/dev/sms`) received.
    pub sms: i64,
}

impl DevProcess {
    /// Counts [`Holdings`] from the databases (the process may be running).
    pub async fn holdings(&self) -> Holdings {
        let case = self.db("case.db").await;
        let bus = self.db("bus.db").await;
        let notify = self.db("notify.db").await;
        let one = async |pool: &SqlitePool, sql: &str| -> i64 {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        };
        let h = Holdings {
            cases: one(&case, "SELECT COUNT(*) FROM cases").await,
            outbox_pending: one(
                &case,
                "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL",
            )
            .await,
            // Every topic a group reads, from the group's committed position.
            bus_unconsumed: one(
                &bus,
                "SELECT COUNT(*) FROM bus_messages m JOIN bus_offsets o ON o.topic = m.topic \
                 WHERE m.seq >= o.next_seq",
            )
            .await,
            dead_letters: one(
                &bus,
                "SELECT COUNT(*) FROM bus_messages WHERE topic LIKE '%.dlq'",
            )
            .await,
            deliveries_open: one(
                &notify,
                "SELECT COUNT(*) FROM notify_deliveries WHERE state IN ('pending', 'sending')",
            )
            .await,
            sms: one(
                &notify,
                "SELECT COUNT(*) FROM notify_dev_sink WHERE channel = 'sms'",
            )
            .await,
        };
        case.close().await;
        bus.close().await;
        notify.close().await;
        h
    }
}
