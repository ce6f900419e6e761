//! The case service's settings, one section of the binary's configuration
//! (`case:` in `config/base.yaml`, `TEKMERKEZ__CASE__…` in the environment).

use std::{collections::BTreeMap, net::SocketAddr, time::Duration};

use secrecy::{ExposeSecret as _, SecretString};

use crate::domain::caller::ServiceName;

/// Everything the case service needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSettings {
    pub grpc: GrpcSettings,
    pub database: DatabaseSettings,
    /// Service credentials.
    pub auth: AuthSettings,
    pub outbox: OutboxSettings,
    /// List paging.
    pub pages: PageSettings,
    /// Answer letters.
    #[serde(default)]
    pub letters: LetterSettings,
    /// The public status lookup (`TrackCase`).
    #[serde(default)]
    pub tracking: TrackingSettings,
    /// The escalation scheduler and its thresholds.
    #[serde(default)]
    pub escalation: EscalationSettings,
    /// How far apart suggested duplicates may be.
    #[serde(default)]
    pub duplicates: DuplicateSettings,
    /// Automatic assignment's defaults and sweep.
    #[serde(default)]
    pub assignment: AssignmentSettings,
    /// The live desk's event streams.
    #[serde(default)]
    pub desk: DeskSettings,
    /// How long in-flight work may take to finish after a shutdown signal.
    pub shutdown_timeout_ms: u64,
}

/// Automatic assignment (`case.assignment`): the capacity of an expert
/// whose manager set none, how many waiting cases one round reads, and how
/// often every switched-on pool gets a round (absence days ending, a round
/// that failed after a change).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSettings {
    pub default_capacity: u32,
    pub round_limit: u32,
    pub sweep_interval_ms: u64,
}

impl Default for AssignmentSettings {
    fn default() -> Self {
        let l = crate::app::assignment::Limits::default();
        Self {
            default_capacity: l.default_capacity,
            round_limit: l.round_limit,
            sweep_interval_ms: 60_000,
        }
    }
}

impl AssignmentSettings {
    /// The limits the rounds use.
    pub fn limits(&self) -> crate::app::assignment::Limits {
        crate::app::assignment::Limits {
            default_capacity: self.default_capacity,
            round_limit: self.round_limit,
        }
    }

    /// Between two sweeps.
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_millis(self.sweep_interval_ms)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let err = |key, rule| Err(SettingsError { key, rule });
        if !(1..=1_000).contains(&self.default_capacity) {
            return err("case.assignment.default_capacity", "must be 1 to 1000");
        }
        if !(1..=10_000).contains(&self.round_limit) {
            return err("case.assignment.round_limit", "must be 1 to 10000");
        }
        if !(1_000..=3_600_000).contains(&self.sweep_interval_ms) {
            return err(
                "case.assignment.sweep_interval_ms",
                "must be 1000 to 3600000",
            );
        }
        Ok(())
    }
}

/// Duplicate suggestions (`case.duplicates`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateSettings {
    /// The same citizen's records of one category within this many days.
    pub same_citizen_days: u32,
    /// Other citizens' reports of one category and place within this many hours.
    pub same_place_hours: u32,
    /// ... and within this many metres when both have a point.
    pub same_place_metres: u32,
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        let w = crate::domain::duplicate::Window::default();
        Self {
            same_citizen_days: w.same_citizen_days,
            same_place_hours: w.same_place_hours,
            same_place_metres: w.same_place_metres,
        }
    }
}

impl DuplicateSettings {
    /// The window the suggestions use.
    pub fn window(&self) -> crate::domain::duplicate::Window {
        crate::domain::duplicate::Window {
            same_citizen_days: self.same_citizen_days,
            same_place_hours: self.same_place_hours,
            same_place_metres: self.same_place_metres,
        }
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let err = |key, rule| Err(SettingsError { key, rule });
        if !(1..=365).contains(&self.same_citizen_days) {
            return err("case.duplicates.same_citizen_days", "must be 1 to 365");
        }
        if !(1..=720).contains(&self.same_place_hours) {
            return err("case.duplicates.same_place_hours", "must be 1 to 720");
        }
        if !(10..=50_000).contains(&self.same_place_metres) {
            return err("case.duplicates.same_place_metres", "must be 10 to 50000");
        }
        Ok(())
    }
}

/// The live desk (`case.desk`): how often the feed reads new case events,
/// how much a reconnecting page may catch up on, how long one stream lasts
/// before the page reconnects (its caller's scope read again), and how
/// often callbacks coming due are looked for.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskSettings {
    pub poll_interval_ms: u64,
    pub replay_limit: u32,
    pub stream_seconds: u64,
    pub callback_scan_seconds: u64,
}

impl Default for DeskSettings {
    fn default() -> Self {
        Self {
            poll_interval_ms: 500,
            replay_limit: 500,
            stream_seconds: 600,
            callback_scan_seconds: 30,
        }
    }
}

impl DeskSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        let err = |key, rule| Err(SettingsError { key, rule });
        if !(50..=10_000).contains(&self.poll_interval_ms) {
            return err("case.desk.poll_interval_ms", "must be 50 to 10000");
        }
        if !(1..=10_000).contains(&self.replay_limit) {
            return err("case.desk.replay_limit", "must be 1 to 10000");
        }
        if !(10..=3_600).contains(&self.stream_seconds) {
            return err("case.desk.stream_seconds", "must be 10 to 3600");
        }
        if !(1..=3_600).contains(&self.callback_scan_seconds) {
            return err("case.desk.callback_scan_seconds", "must be 1 to 3600");
        }
        Ok(())
    }
}

/// The escalation scheduler (`case.escalation`): how often it looks, its
/// lease, and the thresholds of the warnings.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationSettings {
    /// Pause between rounds.
    pub interval_ms: u64,
    /// How long a scheduler's lease lasts without renewal.
    pub lease_ms: u64,
    /// Cases read per page of a round.
    pub batch_size: u32,
    /// A legal due date is near from this many working days before it (the
    /// due day included): the holder is warned.
    pub approaching_working_days: u32,
    /// The pool manager's warning before the due date, from this many
    /// working days before it (1: on the due day).
    pub manager_warning_working_days: u32,
    /// An overdue legal due date escalates to the directorate manager after
    /// this many working days.
    pub escalate_after_working_days: u32,
    /// An internal target is near this many hours before it.
    pub approaching_hours: u32,
    /// The pool manager's warning this many hours before an internal target.
    pub manager_warning_hours: u32,
    /// An overdue internal target escalates after this many hours.
    pub escalate_after_hours: u32,
}

impl Default for EscalationSettings {
    fn default() -> Self {
        let t = crate::domain::escalation::Thresholds::default();
        Self {
            interval_ms: 60_000,
            lease_ms: 120_000,
            batch_size: 200,
            approaching_working_days: t.approaching_working_days,
            manager_warning_working_days: t.manager_warning_working_days,
            escalate_after_working_days: t.escalate_after_working_days,
            approaching_hours: t.approaching_hours,
            manager_warning_hours: t.manager_warning_hours,
            escalate_after_hours: t.escalate_after_hours,
        }
    }
}

impl EscalationSettings {
    /// Round pause.
    pub fn interval(&self) -> Duration {
        ms(self.interval_ms)
    }

    /// Lease length.
    pub fn lease(&self) -> Duration {
        ms(self.lease_ms)
    }

    /// The warning thresholds.
    pub fn thresholds(&self) -> crate::domain::escalation::Thresholds {
        crate::domain::escalation::Thresholds {
            approaching_working_days: self.approaching_working_days,
            manager_warning_working_days: self.manager_warning_working_days,
            escalate_after_working_days: self.escalate_after_working_days,
            approaching_hours: self.approaching_hours,
            manager_warning_hours: self.manager_warning_hours,
            escalate_after_hours: self.escalate_after_hours,
        }
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let err = |key, rule| Err(SettingsError { key, rule });
        if self.interval_ms == 0 || self.batch_size == 0 {
            return err(
                "case.escalation",
                "interval_ms and batch_size must be greater than 0",
            );
        }
        if self.lease_ms <= self.interval_ms {
            return err(
                "case.escalation.lease_ms",
                "must be longer than interval_ms, or the lease lapses between rounds",
            );
        }
        if !(1..=30).contains(&self.approaching_working_days) {
            return err(
                "case.escalation.approaching_working_days",
                "must be 1 to 30",
            );
        }
        if !(1..=self.approaching_working_days).contains(&self.manager_warning_working_days) {
            return err(
                "case.escalation.manager_warning_working_days",
                "must be 1 to approaching_working_days (the holder is warned first)",
            );
        }
        if !(1..=60).contains(&self.escalate_after_working_days) {
            return err(
                "case.escalation.escalate_after_working_days",
                "must be 1 to 60",
            );
        }
        if !(1..=720).contains(&self.approaching_hours) {
            return err("case.escalation.approaching_hours", "must be 1 to 720");
        }
        if !(1..=self.approaching_hours).contains(&self.manager_warning_hours) {
            return err(
                "case.escalation.manager_warning_hours",
                "must be 1 to approaching_hours (the holder is warned first)",
            );
        }
        if !(1..=720).contains(&self.escalate_after_hours) {
            return err("case.escalation.escalate_after_hours", "must be 1 to 720");
        }
        Ok(())
    }
}

/// The gRPC listener.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrpcSettings {
    /// `host:port`; port 0 lets the OS pick (tests).
    pub listen: String,
    /// Server-side deadline for every call.
    pub request_timeout_ms: u64,
    /// Whether to serve gRPC reflection.
    pub reflection: bool,
}

/// The database.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `postgres://…` (production) or `sqlite://path` (embedded).
    pub url: SecretString,
    /// Pool size.
    pub max_connections: u32,
    /// How long to wait for a connection.
    pub acquire_timeout_ms: u64,
    /// Apply migrations at start-up (local and test); production runs `tekmerkez migrate` as a Helm hook.
    pub migrate_on_start: bool,
}

/// Service credentials: one bearer token per service; empty disables it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Keys: `gateway`, `routing`, `intake`, `notify`.
    pub service_tokens: BTreeMap<String, SecretString>,
}

/// The outbox relay.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    /// Pause between polls when the outbox is empty.
    pub poll_interval_ms: u64,
    /// Rows per batch.
    pub batch_size: u32,
    /// How long a relay's lease lasts without renewal.
    pub lease_ms: u64,
    /// How long one publish may take.
    pub publish_timeout_ms: u64,
}

/// List paging.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSettings {
    /// When a request asks for none.
    pub default_page_size: u32,
    /// The most one page holds.
    pub max_page_size: u32,
}

/// Answer letters (a letter reply's close makes one).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// The outgoing number's prefix: a number reads `<prefix>-<year>-<sequence>`.
    pub number_prefix: String,
}

impl Default for LetterSettings {
    fn default() -> Self {
        Self {
            number_prefix: crate::app::DEFAULT_LETTER_PREFIX.to_owned(),
        }
    }
}

/// The public status lookup (`TrackCase`, behind the app API and `/takip`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingSettings {
    /// Wrong guesses at one tracking number's phone digits per hour, from
    /// every client and replica together; past them the number's lookups
    /// are refused, unchecked, until the hour that began with the first
    /// wrong guess ends. With 10, the 10 000 possible digits take 1 000
    /// hours on average.
    pub wrong_guesses_per_hour: u32,
}

impl Default for TrackingSettings {
    fn default() -> Self {
        Self {
            wrong_guesses_per_hour: crate::app::DEFAULT_WRONG_GUESSES_PER_HOUR,
        }
    }
}

/// A setting that cannot work.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{key}`: {rule}")]
pub struct SettingsError {
    /// Dotted key.
    pub key: &'static str,
    /// What is wrong.
    pub rule: &'static str,
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

impl CaseSettings {
    /// Checks what deserialisation cannot; call before any port opens.
    ///
    /// # Errors
    /// The first setting that cannot work.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let err = |key, rule| Err(SettingsError { key, rule });
        if self.grpc.listen.parse::<SocketAddr>().is_err() {
            return err("case.grpc.listen", "must be host:port with an IP address");
        }
        if self.grpc.request_timeout_ms == 0 {
            return err("case.grpc.request_timeout_ms", "must be greater than 0");
        }
        let url = self.database.url.expose_secret();
        if !(url.starts_with("postgres://")
            || url.starts_with("postgresql://")
            || url.starts_with("sqlite:"))
        {
            return err("case.database.url", "must be a postgres:// or sqlite: URL");
        }
        if self.database.max_connections == 0 || self.database.acquire_timeout_ms == 0 {
            return err(
                "case.database",
                "max_connections and acquire_timeout_ms must be greater than 0",
            );
        }
        for (name, token) in &self.auth.service_tokens {
            if ServiceName::from_name(name).is_none() {
                return err(
                    "case.auth.service_tokens",
                    "keys must be gateway, routing, intake, notify or reports",
                );
            }
            let len = token.expose_secret().len();
            if len != 0 && len < 32 {
                return err(
                    "case.auth.service_tokens",
                    "tokens must be at least 32 characters",
                );
            }
        }
        if self.outbox.poll_interval_ms == 0
            || self.outbox.batch_size == 0
            || self.outbox.lease_ms == 0
            || self.outbox.publish_timeout_ms == 0
        {
            return err(
                "case.outbox",
                "intervals, batch size and timeouts must be greater than 0",
            );
        }
        if self.pages.default_page_size == 0
            || self.pages.default_page_size > self.pages.max_page_size
        {
            return err(
                "case.pages",
                "default_page_size must be between 1 and max_page_size",
            );
        }
        if self.shutdown_timeout_ms == 0 {
            return err("case.shutdown_timeout_ms", "must be greater than 0");
        }
        if !(1..=1000).contains(&self.tracking.wrong_guesses_per_hour) {
            return err("case.tracking.wrong_guesses_per_hour", "must be 1 to 1000");
        }
        self.escalation.validate()?;
        self.duplicates.validate()?;
        self.assignment.validate()?;
        self.desk.validate()?;
        if crate::domain::letter::parse_prefix(&self.letters.number_prefix).is_err() {
            return err(
                "case.letters.number_prefix",
                "must be 1 to 40 letters, digits, '.', '-' or '/'",
            );
        }
        Ok(())
    }

    /// The configured service tokens that are not empty.
    pub fn service_tokens(&self) -> Vec<(ServiceName, SecretString)> {
        self.auth
            .service_tokens
            .iter()
            .filter(|(_, t)| !t.expose_secret().is_empty())
            .filter_map(|(n, t)| ServiceName::from_name(n).map(|n| (n, t.clone())))
            .collect()
    }

    /// Server-side call deadline.
    pub fn request_timeout(&self) -> Duration {
        ms(self.grpc.request_timeout_ms)
    }

    /// Drain bound.
    pub fn shutdown_timeout(&self) -> Duration {
        ms(self.shutdown_timeout_ms)
    }
}

impl OutboxSettings {
    /// Poll pause.
    pub fn poll_interval(&self) -> Duration {
        ms(self.poll_interval_ms)
    }

    /// Lease length.
    pub fn lease(&self) -> Duration {
        ms(self.lease_ms)
    }

    /// Publish bound.
    pub fn publish_timeout(&self) -> Duration {
        ms(self.publish_timeout_ms)
    }
}

impl DatabaseSettings {
    /// Connection wait bound.
    pub fn acquire_timeout(&self) -> Duration {
        ms(self.acquire_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::EscalationSettings;

    #[test]
    fn the_pool_managers_warning_may_not_come_before_the_holders() {
        assert!(EscalationSettings::default().validate().is_ok());
        let early = EscalationSettings {
            manager_warning_working_days: 4,
            ..EscalationSettings::default()
        };
        let e = early.validate().unwrap_err();
        assert_eq!(e.key, "case.escalation.manager_warning_working_days");
        let early = EscalationSettings {
            manager_warning_hours: 3,
            ..EscalationSettings::default()
        };
        let e = early.validate().unwrap_err();
        assert_eq!(e.key, "case.escalation.manager_warning_hours");
    }
}
