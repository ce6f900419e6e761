//! Routing's settings (`routing:` in the binary's configuration).

use std::time::Duration;

use secrecy::SecretString;

/// Everything routing needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSettings {
    /// The admin gRPC listener.
    pub grpc_listen: String,
    /// The rules store: `postgres://…` or `sqlite:…`.
    pub database_url: SecretString,
    /// Apply migrations at start-up.
    pub migrate_on_start: bool,
    pub case_service: CaseServiceSettings,
    pub consumer: ConsumerSettings,
    /// Categories that are urgent unless a rule says otherwise (fault reports).
    pub urgent_categories: Vec<String>,
}

/// How routing reaches the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// Routing's service token.
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
}

/// The consumer of `intake.applications.v1`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSettings {
    /// Consumer group id.
    pub group: String,
    /// Attempts for transient failures before the DLQ.
    pub max_attempts: u32,
    /// First retry pause.
    pub initial_backoff_ms: u64,
    /// Longest retry pause.
    pub max_backoff_ms: u64,
    /// Applications routed at once (each waits on the case service, so this
    /// is what keeps the case service's connection pool busy).
    pub concurrency: usize,
}

impl RoutingSettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.grpc_listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("routing.grpc_listen must be host:port with an IP address");
        }
        if self.consumer.group.trim().is_empty()
            || self.consumer.max_attempts == 0
            || self.consumer.initial_backoff_ms == 0
            || !(1..=1024).contains(&self.consumer.concurrency)
        {
            return Err(
                "routing.consumer needs a group, attempts, a backoff and a concurrency of 1 to 1024",
            );
        }
        if self.consumer.max_backoff_ms < self.consumer.initial_backoff_ms
            || self.case_service.timeout_ms == 0
        {
            return Err(
                "routing.consumer.max_backoff_ms must be at least initial_backoff_ms; timeouts positive",
            );
        }
        Ok(())
    }

    /// How the consumer runs: retries and concurrency.
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
