//! The binary's settings: one section per hosted service, loaded with
//! [`tekmerkez_config::load`] (embedded `config/base.yaml`, then
//! `config/{APP_ENVIRONMENT}.yaml`, then `TEKMERKEZ__…` variables).

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use tekmerkez_case::CaseSettings;
use tekmerkez_telemetry::TelemetrySettings;

const BASE_YAML: &str = include_str!("../config/base.yaml");

/// Everything `tekmerkez` reads.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The institution of the deployment (one per deployment): its name,
    /// short name and logo, passed to the gateway (pages, titles, receipts)
    /// and to notify (SMS and e-mails), so that every place names it alike.
    pub institution: tekmerkez_types::institution::InstitutionSettings,
    /// The secrets of citizens' signed links (status page, survey): notify
    /// signs with `secret`, the gateway verifies with it and with
    /// `previous_secrets` (a rotation). Given to both, like `institution`.
    pub signed_links: tekmerkez_signed_link::SignedLinkSettings,
    /// Logs and traces.
    pub telemetry: TelemetrySettings,
    /// The case service.
    pub case: CaseSettings,
    /// Kafka, for the production commands.
    pub kafka: tekmerkez_bus::KafkaSettings,
    pub intake: tekmerkez_intake::IntakeSettings,
    pub routing: tekmerkez_routing::RoutingSettings,
    /// The gateway (agents' web UI).
    pub gateway: tekmerkez_gateway::config::GatewaySettings,
    pub notify: tekmerkez_notify::NotifySettings,
    /// The reports service.
    pub reports: tekmerkez_reports::ReportsSettings,
    /// `tekmerkez dev` only.
    pub dev: DevSettings,
    /// First-start bootstrap.
    pub bootstrap: BootstrapSettings,
    /// How a process stops.
    pub shutdown: ShutdownSettings,
}

/// How a process stops on SIGTERM.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShutdownSettings {
    /// The whole process's bound after SIGTERM: in-flight work that has not
    /// finished by then is abandoned (it is not acknowledged, so it comes
    /// back), spans are flushed and the process exits non-zero. Keep it
    /// below the pods' `terminationGracePeriodSeconds`.
    pub drain_timeout_ms: u64,
}

impl ShutdownSettings {
    /// The drain bound.
    pub fn drain_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.drain_timeout_ms.max(1))
    }
}

/// `tekmerkez dev`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevSettings {
    /// Where the embedded databases live.
    pub data_dir: PathBuf,
    pub http_listen: String,
    /// How many demo cases to load on first start.
    pub demo_cases: usize,
    /// Days of finished applications loaded in the background on first
    /// start, before the demo cases' last twelve days (0: none), so the
    /// reports show a year.
    #[serde(default)]
    pub demo_history_days: i64,
    /// About how many of them arrive on an ordinary weekday.
    #[serde(default = "default_history_per_day")]
    pub demo_history_per_day: u32,
    /// Send notify's e-mail through `notify.email.smtp` (a real relay, such
    /// as the project's `scripts/smtp`) instead of the `/dev/mail` sink.
    #[serde(default)]
    pub smtp_relay: bool,
}

fn default_history_per_day() -> u32 {
    10
}

/// The admin created on a store with none.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapSettings {
    pub admin_username: String,
    /// Password; empty means no bootstrap.
    pub admin_password: SecretString,
}

impl Settings {
    /// Gives the gateway, intake, notify and the reports the one
    /// `institution`, so that pages, the citizen form, receipts, SMS,
    /// e-mails and the periodic reports name it alike (a report's own
    /// `reports.periodic.institution`, when set, wins).
    pub fn share_institution(&mut self) {
        let institution = self.institution.clone();
        institution
            .name
            .trim()
            .clone_into(&mut self.notify.institution);
        institution
            .name
            .trim()
            .clone_into(&mut self.gateway.entry.institution);
        if self.reports.periodic.institution.trim().is_empty() {
            institution
                .name
                .trim()
                .clone_into(&mut self.reports.periodic.institution);
        }
        self.intake.institution = institution.clone();
        self.gateway.institution = institution;
    }

    /// Gives intake notify's `notify.email.smtputf8`: the relay's one
    /// setting decides both what notify sends and which addresses intake
    /// accepts, so a citizen never gives an address no answer can reach.
    pub fn share_mail_relay(&mut self) {
        self.intake.smtputf8 = self.notify.email.smtputf8;
    }

    /// Gives notify (which signs) and the gateway (which verifies) the one
    /// `signed_links` section.
    pub fn share_signed_links(&mut self) {
        self.notify.signed_links = self.signed_links.clone();
        self.gateway.signed_links = self.signed_links.clone();
    }

    /// Loads the layers for `environment`, reading `{config_dir}/{environment}.yaml` if present.
    ///
    /// # Errors
    /// A source that does not parse or a key that does not fit, named by its path.
    pub fn load(config_dir: &Path, environment: &str) -> anyhow::Result<Self> {
        let mut settings: Self = tekmerkez_config::load(&tekmerkez_config::Sources {
            base_yaml: BASE_YAML,
            config_dir: Some(config_dir),
            environment,
            env_prefix: "TEKMERKEZ",
            list_keys: &["notify.sms.order", "signed_links.previous_secrets"],
        })?;
        settings.share_institution();
        settings.share_mail_relay();
        settings.share_signed_links();
        if settings.gateway.categories.is_empty() {
            settings
                .gateway
                .categories
                .clone_from(&settings.intake.categories);
        }
        // The reports name categories and partners as intake knows them.
        if settings.reports.categories.is_empty() {
            settings
                .reports
                .categories
                .clone_from(&settings.intake.categories);
        }
        if settings.reports.partners.is_empty() {
            settings.reports.partners = settings
                .intake
                .partner
                .partners
                .iter()
                .map(|p| tekmerkez_reports::config::PartnerName {
                    id: p.id.clone(),
                    name: p.name.clone(),
                })
                .collect();
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_environment_file_loads_and_validates() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        for env in ["local", "test", "production"] {
            let s = Settings::load(&dir, env).unwrap();
            s.case.validate().unwrap();
            s.intake.validate().unwrap();
            s.intake.validate_channels().unwrap();
            s.routing.validate().unwrap();
            s.notify.validate().unwrap();
            s.reports.validate().unwrap();
        }
        let local = Settings::load(&dir, "local").unwrap();
        assert!(!local.institution.name.is_empty());
        assert_eq!(local.notify.institution, local.institution.name);
        assert_eq!(local.gateway.institution.name, local.institution.name);
        assert_eq!(local.intake.institution, local.institution);
        assert_eq!(local.gateway.entry.institution, local.institution.name);
        assert!(
            !local.intake.smtputf8,
            "off unless the relay is known to take it"
        );
        // One signed-link secret for the signer (notify) and the verifier (gateway).
        let mut s = Settings::load(&dir, "local").unwrap();
        s.signed_links.secret = "a-signed-link-secret-of-32-characters-or-more".into();
        s.share_signed_links();
        use secrecy::ExposeSecret as _;
        assert_eq!(
            s.notify.signed_links.secret.expose_secret(),
            s.gateway.signed_links.secret.expose_secret()
        );
        let prod = Settings::load(&dir, "production").unwrap();
        assert_eq!(prod.case.grpc.listen, "0.0.0.0:50051");
        assert!(
            !prod.case.database.migrate_on_start,
            "production migrates through the Helm hook"
        );
    }
}
