//! The intake service's settings (`intake:` in the binary's configuration).

use std::time::Duration;

use secrecy::SecretString;
use tekmerkez_types::catalogue::Category;

/// Everything intake needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSettings {
    pub http: HttpSettings,
    /// Per-client request limits.
    pub rate_limit: RateLimitSettings,
    /// How long a publish may take before the request fails with 503.
    pub publish_timeout_ms: u64,
    /// The idempotency-key store: `postgres://…` or `sqlite:…`.
    pub database_url: SecretString,
    /// The case service, for the public status.
    pub case_service: CaseServiceSettings,
    /// The categories the channels accept.
    pub categories: Vec<Category>,
    /// The reports service's gRPC address (`http://host:port`) for
    /// `GET /v1/reports/summary`; empty: the route answers 503.
    #[serde(default)]
    pub reports_service_url: String,
    /// The KVKK notice version the web form shows.
    pub kvkk_text_version: String,
    /// The inbound e-mail channel (off unless enabled).
    pub email: crate::email::EmailSettings,
    /// The social-media webhooks (WhatsApp, Messenger, Instagram, X).
    pub social: crate::social::settings::SocialSettings,
    /// The partners' gRPC API (`tekmerkez.intake.v1.IntakeService`).
    pub partner: crate::partner::settings::PartnerSettings,
    /// Open311 GeoReport v2 under `/open311/v2/` (off unless enabled).
    pub open311: crate::open311::settings::Open311Settings,
    /// The CTI/IVR event endpoint and the caller lookup.
    pub cti: crate::cti::settings::CtiSettings,
    /// Staff entry from the agent UI (calls, letters, counter visits, video).
    pub staff: crate::staff::StaffSettings,
    /// The institution the citizen form names; the binary fills it from its
    /// one `institution` section, shared with the gateway and notify.
    #[serde(default)]
    pub institution: tekmerkez_types::institution::InstitutionSettings,
    /// Whether the mail relay takes non-ASCII addresses: the binary fills it
    /// from `notify.email.smtputf8`, so intake refuses, where it is typed,
    /// an address notify could not send to.
    #[serde(default)]
    pub smtputf8: bool,
}

/// The HTTP listener.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// `host:port`.
    pub listen: String,
    /// Largest request body; larger ones get 413.
    pub body_limit_bytes: usize,
    /// Server-side deadline per request.
    pub request_timeout_ms: u64,
}

/// A token bucket per client address. Mobile operators put thousands of
/// users behind one carrier-grade NAT address, so the default is high;
/// status lookups are limited per tracking number by the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Sustained requests per minute.
    pub per_minute: u32,
    /// Burst above the sustained rate.
    pub burst: u32,
    /// How many proxies in front of intake append to `X-Forwarded-For`
    /// (0: the connection's address is the client's); see
    /// `tekmerkez_client_addr`.
    #[serde(default)]
    pub trusted_proxy_hops: u8,
}

/// How intake reaches the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// Intake's service token.
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
}

impl IntakeSettings {
    /// Publish bound.
    pub fn publish_timeout(&self) -> Duration {
        Duration::from_millis(self.publish_timeout_ms)
    }

    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("intake.http.listen must be host:port with an IP address");
        }
        if self.http.body_limit_bytes < 1024
            || self.http.request_timeout_ms == 0
            || self.publish_timeout_ms == 0
        {
            return Err("intake.http limits and intake.publish_timeout_ms must be positive");
        }
        if self.rate_limit.per_minute == 0 || self.rate_limit.burst == 0 {
            return Err("intake.rate_limit values must be positive");
        }
        if self.categories.is_empty() {
            return Err("intake.categories must not be empty");
        }
        self.email.validate(&self.categories)?;
        Ok(())
    }

    /// Checks the social, partner and CTI channels' settings.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate_channels(&self) -> Result<(), String> {
        let codes: Vec<String> = self.categories.iter().map(|c| c.code.clone()).collect();
        self.social.validate(&codes)?;
        self.partner.validate()?;
        let partner_ids: Vec<String> = self.partner.partners.iter().map(|p| p.id.clone()).collect();
        self.open311.validate(&codes, &partner_ids)?;
        self.staff.validate()?;
        self.cti.validate(&codes)
    }
}
