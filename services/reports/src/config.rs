//! The reports service's settings (`reports:` in the binary's configuration).

use std::time::Duration;

use secrecy::SecretString;

/// Everything the reports service needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsSettings {
    /// The report API's gRPC listener.
    pub grpc_listen: String,
    /// The reports' own database: `postgres://…` or `sqlite:…`.
    pub database_url: SecretString,
    /// Apply migrations at start-up.
    pub migrate_on_start: bool,
    /// PostgreSQL connections (the consumer's lanes and the API share them).
    pub pg_max_connections: u32,
    /// How the service reaches the case service's directory.
    pub case_service: CaseServiceSettings,
    /// The consumer of `case.events.v1`.
    pub consumer: ConsumerSettings,
    /// How long the pool → unit → directorate map is kept before it is read again.
    pub directory_cache_ms: u64,
    /// `tekmerkez reports rebuild`.
    pub rebuild: RebuildSettings,
    /// The category names labels show; when empty, the binary fills it
    /// from `intake.categories`, so the catalogue is written once.
    #[serde(default)]
    pub categories: Vec<tekmerkez_types::catalogue::Category>,
    /// The partners' names labels show (id → name); when empty, the binary
    /// fills it from `intake.partner.partners`.
    #[serde(default)]
    pub partners: Vec<PartnerName>,
    /// The monthly report e-mailed to each directorate.
    pub periodic: PeriodicSettings,
}

/// The periodic report (src/periodic/).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodicSettings {
    /// Send each directorate's monthly report on the month's first working
    /// day; off, reports are drawn and sent on demand only.
    pub enabled: bool,
    /// The Istanbul hour (0–23) from which the day's round sends.
    pub send_hour: i8,
    /// How often a replica checks whether a round is due.
    pub poll_interval_ms: u64,
    /// How long a replica holds the round once it took it.
    pub lease_ms: u64,
    /// The institution's name on the reports' cover.
    pub institution: String,
    /// A TrueType font with every Turkish letter, embedded in the PDF.
    pub font_path: String,
}

/// One partner institution's name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerName {
    /// Its id (`cimer`), as on the cases.
    pub id: String,
    /// Its name, in every language (an institution's own name).
    pub name: String,
}

/// How the reports reach the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// The reports' service token (`case.auth.service_tokens.reports`).
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
}

/// The consumer of `case.events.v1`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSettings {
    /// Consumer group id; the generation is appended (`reports-0`), and a
    /// rebuild moves to the next one.
    pub group: String,
    /// Attempts for transient failures before the DLQ.
    pub max_attempts: u32,
    /// First retry pause.
    pub initial_backoff_ms: u64,
    /// Longest retry pause.
    pub max_backoff_ms: u64,
    /// Cases applied at once (one case's events stay in order in its lane).
    pub concurrency: usize,
}

/// The rebuild command.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RebuildSettings {
    /// The replay is done once no event arrived for this long.
    pub idle_ms: u64,
}

impl ReportsSettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.grpc_listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("reports.grpc_listen must be host:port with an IP address");
        }
        if self.pg_max_connections == 0 {
            return Err("reports.pg_max_connections must be positive");
        }
        if self.consumer.group.trim().is_empty()
            || self.consumer.max_attempts == 0
            || self.consumer.initial_backoff_ms == 0
            || !(1..=64).contains(&self.consumer.concurrency)
        {
            return Err(
                "reports.consumer needs a group, attempts, a backoff and a concurrency of 1 to 64",
            );
        }
        if self.consumer.max_backoff_ms < self.consumer.initial_backoff_ms {
            return Err("reports.consumer.max_backoff_ms must be at least initial_backoff_ms");
        }
        if self.case_service.timeout_ms == 0
            || self.directory_cache_ms == 0
            || self.rebuild.idle_ms == 0
        {
            return Err(
                "reports.case_service.timeout_ms, directory_cache_ms and rebuild.idle_ms must be positive",
            );
        }
        let p = &self.periodic;
        if !(0..=23).contains(&p.send_hour)
            || p.poll_interval_ms == 0
            || p.lease_ms <= p.poll_interval_ms
        {
            return Err(
                "reports.periodic needs a send_hour of 0 to 23, a poll interval, and a lease longer than it",
            );
        }
        if p.institution.trim().is_empty() || p.font_path.trim().is_empty() {
            return Err("reports.periodic.institution and font_path must be set");
        }
        Ok(())
    }

    /// The consumer group of `generation`.
    pub fn group(&self, generation: i64) -> String {
        format!("{}-{generation}", self.consumer.group.trim())
    }

    /// The consumer group of `intake.calls.v1` for `generation`.
    pub fn calls_group(&self, generation: i64) -> String {
        format!("{}-calls", self.group(generation))
    }

    /// How the consumer runs.
    pub fn consumer_options(&self) -> tekmerkez_bus::consumer::Options {
        tekmerkez_bus::consumer::Options {
            retry: tekmerkez_bus::consumer::RetryPolicy {
                max_attempts: self.consumer.max_attempts,
                initial_backoff: Duration::from_millis(self.consumer.initial_backoff_ms),
                max_backoff: Duration::from_millis(self.consumer.max_backoff_ms),
            },
            concurrency: self.consumer.concurrency,
        }
    }
}
