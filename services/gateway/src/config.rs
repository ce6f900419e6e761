//! The gateway's settings (`gateway:` in the configuration files).

use secrecy::SecretString;
pub use tekmerkez_types::institution::InstitutionSettings;

/// Everything the gateway needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    pub http: HttpSettings,
    /// Where sessions are kept: `postgres://…` or `sqlite://…`.
    pub database_url: SecretString,
    /// Apply migrations at start (development); production runs `tekmerkez migrate`.
    pub migrate_on_start: bool,
    pub case_service: CaseServiceSettings,
    /// The routing service's admin API (`http://host:port`), for the rules
    /// page; empty hides the rules.
    pub routing_service_url: String,
    /// The notification service's API (`http://host:port`), for the
    /// delivery log on the record page; empty hides it. The gateway calls it
    /// with its own service token (`case_service.token`), which notify must
    /// list in `notify.api_tokens.gateway`.
    #[serde(default)]
    pub notify_service_url: String,
    /// The reports service's API (`http://host:port`), for *Raporlar*;
    /// empty hides the pages. The gateway calls it as it calls the case
    /// service (its own token, the signed-in person named), and the
    /// reports service scopes every figure to that person.
    #[serde(default)]
    pub reports_service_url: String,
    /// Sign-in sessions.
    pub session: SessionSettings,
    /// The category names lists show; when empty, the binary fills it from
    /// `intake.categories`, so the catalogue is written once.
    #[serde(default)]
    pub categories: Vec<tekmerkez_types::catalogue::Category>,
    /// The public tracking page's limits.
    pub tracking: TrackingSettings,
    /// Staff entry (calls, letters, counter visits, video meetings) and the
    /// receipt.
    pub entry: EntrySettings,
    /// The institution the pages, titles and receipts name; the binary
    /// fills it from its one `institution` section, shared with notify.
    #[serde(default)]
    pub institution: InstitutionSettings,
    /// The secrets citizens' signed links (`/takip/d/…`, `/anket/…`) are
    /// verified with; the binary fills it from its one `signed_links`
    /// section, shared with notify (which signs). Without a secret those
    /// pages say the link is not valid.
    #[serde(default)]
    pub signed_links: tekmerkez_signed_link::SignedLinkSettings,
}

/// Staff entry through intake, and the receipt it prints.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrySettings {
    /// Intake's HTTP API (`http://host:port`); empty hides the entry screens.
    pub intake_url: String,
    /// Intake's `intake.staff.token` (a secret).
    pub staff_token: SecretString,
    /// Intake's `intake.cti.lookup_token`, for the caller of an offered
    /// call and their earlier applications (a secret; empty: no lookup).
    pub cti_lookup_token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
    /// The KVKK notice version the entry screens show and record.
    pub kvkk_text_version: String,
    /// A TrueType font with every Turkish letter, embedded (subset) in the
    /// receipt's PDF.
    pub font_path: String,
    /// The institution named at the top of the receipt; the binary fills it
    /// from its `institution` section (kept for the settings files that
    /// still name it).
    #[serde(default)]
    pub institution: String,
    /// The public tracking page the receipt points to.
    pub tracking_url: String,
}

/// How often the public tracking page answers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingSettings {
    /// Lookups per client address per minute (and at once). Wrong guesses
    /// per tracking number are limited by the case service
    /// (`case.tracking.wrong_guesses_per_hour`), for every route together.
    pub per_client_per_minute: u32,
    /// How many proxies in front of the gateway append to
    /// `X-Forwarded-For` (0: use the connection's address). The client is
    /// the entry this many places from the right; entries further left
    /// were written by the client and are not believed.
    #[serde(default)]
    pub trusted_proxy_hops: u8,
}

/// The HTTP listener.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// `host:port`.
    pub listen: String,
}

/// How the gateway reaches the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// The gateway's service token (a secret).
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
}

/// Sign-in sessions.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle_minutes: u32,
    /// Send cookies with `Secure` (always in production; browsers accept
    /// it on http://127.0.0.1 too).
    pub secure_cookies: bool,
}

impl GatewaySettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("gateway.http.listen must be host:port with an IP address");
        }
        if !(1..=24 * 60).contains(&self.session.idle_minutes) {
            return Err("gateway.session.idle_minutes must be 1 to 1440");
        }
        if self.tracking.per_client_per_minute == 0 {
            return Err("gateway.tracking limits must be positive");
        }
        if !self.entry.intake_url.is_empty() {
            if self.entry.timeout_ms == 0 {
                return Err("gateway.entry.timeout_ms must be positive");
            }
            let v = self.entry.kvkk_text_version.trim();
            if v.is_empty() || v.len() > 64 {
                return Err("gateway.entry.kvkk_text_version must be 1 to 64 characters");
            }
            if self.entry.institution.trim().is_empty() || self.entry.font_path.is_empty() {
                return Err("gateway.entry.institution and font_path must be set");
            }
        }
        if self.case_service.timeout_ms == 0 {
            return Err("gateway.case_service.timeout_ms must be positive");
        }
        if tekmerkez_signed_link::SignedLinks::from_settings(&self.signed_links).is_err() {
            return Err("signed_links.secret and previous_secrets must be at least 32 characters");
        }
        if self.institution.name.trim().is_empty() {
            return Err("institution.name must be set: every page names the institution");
        }
        Ok(())
    }
}
