//! Notify's settings (`notify:` in the binary's configuration).

use std::{collections::BTreeMap, time::Duration};

use secrecy::SecretString;

/// Everything notify needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// The gRPC listener (`NotificationService`, health).
    pub grpc_listen: String,
    /// The HTTP listener (delivery reports from SMS providers).
    pub http_listen: String,
    /// The delivery log: `postgres://…` or `sqlite:…`.
    pub database_url: SecretString,
    /// Apply migrations at start-up.
    pub migrate_on_start: bool,
    /// The case service, read with notify's own service token.
    pub case_service: CaseServiceSettings,
    /// The consumer of `case.events.v1`.
    pub consumer: ConsumerSettings,
    /// Who may call the API with a service credential (`gateway`), each a
    /// bearer token of at least 32 characters; empty disables it.
    pub api_tokens: BTreeMap<String, SecretString>,
    /// Templates' language when the citizen's is unknown: `tr` or `en`.
    pub default_locale: String,
    /// The institution's name, `{{institution}}` in templates; the binary
    /// fills it from its one `institution` section, shared with the gateway.
    #[serde(default)]
    pub institution: String,
    /// Where citizens follow a case, `{{tracking_url}}` in templates.
    pub tracking_url: String,
    /// The public address of the citizens' pages (`https://host`): signed
    /// links are `<public_url>/takip/d/<token>` (`{{status_url}}`) and
    /// `<public_url>/anket/<token>` (`{{survey_url}}`).
    pub public_url: String,
    /// How long a signed status link opens the status and answer.
    pub status_link_days: u64,
    /// The secrets signed links are signed with; the binary fills it from
    /// its one `signed_links` section, shared with the gateway (which
    /// verifies). Without a secret, messages carry the plain tracking page
    /// and no survey is sent.
    #[serde(default)]
    pub signed_links: tekmerkez_signed_link::SignedLinkSettings,
    /// The satisfaction survey.
    pub survey: crate::survey::SurveySettings,
    /// Quiet hours for SMS.
    pub quiet_hours: QuietHoursSettings,
    /// The sender: claiming, retrying, failing over.
    pub dispatch: DispatchSettings,
    /// SMS providers.
    pub sms: SmsSettings,
    pub email: EmailSettings,
    /// Replies in social-media conversations (see [`crate::social`]); all
    /// platforms off when the section is missing.
    #[serde(default)]
    pub social: SocialSettings,
    /// How long an admin's catalogue edit may take to reach every replica.
    pub catalogue_refresh_ms: u64,
    /// An event older than this when notify first sees it sends nothing
    /// (its deliveries are recorded failed, `stale_event`): a citizen is not
    /// texted a week-old acknowledgement after an outage. 0: no limit.
    pub max_event_age_minutes: u64,
}

/// How notify reaches the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// Notify's service token (the case service's `notify` token).
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
    /// Reads of a case the case service does not know before its messages
    /// are marked failed (`unknown_case`).
    pub unknown_case_attempts: u32,
    /// Pause between those reads.
    pub unknown_case_backoff_ms: u64,
}

/// The consumer of `case.events.v1`.
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
    /// Events handled at once (one case's events stay in order).
    pub concurrency: usize,
}

/// The social platforms' settings live with what they configure.
pub use crate::social::settings::SocialSettings;

/// Quiet hours' settings live with what they configure.
pub use crate::quiet::QuietHoursSettings;

/// The sender.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchSettings {
    /// Pause between claims when nothing is due.
    pub poll_interval_ms: u64,
    /// Deliveries claimed at once.
    pub batch_size: u32,
    /// Messages being sent at once.
    pub concurrency: usize,
    /// How long a claim is held; must exceed the longest send (every
    /// provider's timeout), or two replicas could send the same message.
    pub lease_ms: u64,
    /// After an answer that leaves it unknown whether the provider took the
    /// message (a timeout, a garbled reply), how long to wait before asking it.
    pub in_doubt_retry_ms: u64,
    /// Attempts before a delivery is marked failed.
    pub max_attempts: u32,
    /// First retry pause.
    pub initial_backoff_ms: u64,
    /// Longest retry pause.
    pub max_backoff_ms: u64,
}

/// SMS providers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// Providers in failover order: `netgsm`, `webhook`, `dev`.
    pub order: Vec<String>,
    /// Netgsm's REST v2 API.
    pub netgsm: NetgsmSettings,
    /// A generic JSON webhook.
    pub webhook: WebhookSettings,
}

/// Netgsm's REST v2 API (`/sms/rest/v2/send`, `/sms/rest/v2/report`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetgsmSettings {
    /// `https://api.netgsm.com.tr` in production.
    pub base_url: String,
    /// The subscriber number or user code (Basic authentication).
    pub username: SecretString,
    /// The API password.
    pub password: SecretString,
    /// The approved sender header (msgheader), at most 11 characters.
    pub msgheader: String,
    /// `appname`, sent when not empty.
    pub appname: String,
    /// `iysfilter`: "0" marks informational messages (not commercial, no
    /// İYS consent check), which is what a public service sends.
    pub iys_filter: String,
    /// Per-request timeout.
    pub timeout_ms: u64,
    /// How often delivery reports are fetched (0: never).
    pub report_poll_ms: u64,
}

/// A generic JSON webhook SMS provider (see [`crate::sms::webhook`]).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The POST URL.
    pub url: String,
    /// Bearer token, sent when not empty.
    pub token: SecretString,
    /// The sender name passed on.
    pub sender: String,
    /// Per-request timeout.
    pub timeout_ms: u64,
}

/// Outgoing e-mail: the transport, the sender and the `Message-ID` domain.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// `smtp`, `dev` (the development sink) or `off`.
    pub transport: String,
    /// `From:`, for example `bildirim@example.gov.tr` (sent under the
    /// institution's name) or `Çözüm Masası <bildirim@example.gov.tr>`.
    pub from: String,
    /// The domain of `Message-ID`s (see [`crate::email`]).
    pub message_id_domain: String,
    /// Whether the relay takes internationalised addresses (SMTPUTF8, RFC
    /// 6531: `çağrı@örnek.com.tr`). Off, an address that is not ASCII is
    /// refused here (`address_not_ascii`), and intake, which reads this
    /// setting too, refuses such an address where it is typed; on, it is
    /// sent with SMTPUTF8.
    pub smtputf8: bool,
    pub smtp: SmtpSettings,
}

/// The SMTP relay.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Host name (also the TLS server name).
    pub host: String,
    /// Port (587 for submission with STARTTLS).
    pub port: u16,
    /// `required` (STARTTLS or fail), `opportunistic`, `wrapper` (TLS from
    /// the first byte, port 465) or `none` (loopback tests only).
    pub tls: String,
    /// A PEM file with extra CA certificates to trust (an internal relay).
    pub ca_file: Option<String>,
    /// AUTH user; empty sends without authentication.
    pub username: SecretString,
    /// AUTH password.
    pub password: SecretString,
    /// Per-message timeout.
    pub timeout_ms: u64,
}

impl NotifySettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, named by its key.
    pub fn validate(&self) -> Result<(), String> {
        use secrecy::ExposeSecret as _;
        for (key, v) in [
            ("notify.grpc_listen", &self.grpc_listen),
            ("notify.http_listen", &self.http_listen),
        ] {
            if v.parse::<std::net::SocketAddr>().is_err() {
                return Err(format!("{key} must be host:port with an IP address"));
            }
        }
        let c = &self.consumer;
        if c.group.trim().is_empty()
            || c.max_attempts == 0
            || c.initial_backoff_ms == 0
            || c.max_backoff_ms < c.initial_backoff_ms
            || !(1..=1024).contains(&c.concurrency)
        {
            return Err(
                "notify.consumer needs a group, attempts, a backoff and a concurrency of 1 to 1024"
                    .into(),
            );
        }
        if self.case_service.timeout_ms == 0 || self.case_service.unknown_case_attempts == 0 {
            return Err(
                "notify.case_service: timeout_ms and unknown_case_attempts must be positive".into(),
            );
        }
        if !matches!(self.default_locale.as_str(), "tr" | "en") {
            return Err("notify.default_locale must be tr or en".into());
        }
        for (k, t) in &self.api_tokens {
            let t = t.expose_secret();
            if !t.is_empty() && t.len() < 32 {
                return Err(format!(
                    "notify.api_tokens.{k} must be at least 32 characters"
                ));
            }
        }
        tekmerkez_signed_link::SignedLinks::from_settings(&self.signed_links)
            .map_err(|e| e.to_string())?;
        if !self.public_url.starts_with("http://") && !self.public_url.starts_with("https://") {
            return Err("notify.public_url must be an http:// or https:// address".into());
        }
        if self.status_link_days == 0 || self.survey.link_days == 0 {
            return Err(
                "notify.status_link_days and notify.survey.link_days must be positive".into(),
            );
        }
        let key = self.survey.contact_key.expose_secret();
        if !key.is_empty() && key.len() < 32 {
            return Err("notify.survey.contact_key must be at least 32 characters".into());
        }
        let word = self.survey.opt_out_keyword.trim();
        if word.is_empty() || word.chars().count() > 16 || word.contains(char::is_whitespace) {
            return Err("notify.survey.opt_out_keyword must be one word".into());
        }
        if self.quiet_hours.enabled {
            crate::quiet::QuietHours::from_settings(&self.quiet_hours)
                .map_err(|e| format!("notify.quiet_hours: {e}"))?;
        }
        let d = &self.dispatch;
        if d.poll_interval_ms == 0
            || d.batch_size == 0
            || !(1..=1024).contains(&d.concurrency)
            || d.max_attempts == 0
            || d.initial_backoff_ms == 0
            || d.max_backoff_ms < d.initial_backoff_ms
            || d.in_doubt_retry_ms == 0
        {
            return Err("notify.dispatch: intervals, sizes and attempts must be positive".into());
        }
        let mut longest_send = 0u64;
        for name in &self.sms.order {
            longest_send += match name.as_str() {
                "netgsm" => {
                    if self.sms.netgsm.base_url.trim().is_empty() {
                        return Err("notify.sms.netgsm.base_url is required when netgsm is in notify.sms.order".into());
                    }
                    if self.sms.netgsm.msgheader.is_empty()
                        || self.sms.netgsm.msgheader.chars().count() > 11
                    {
                        return Err("notify.sms.netgsm.msgheader must be 1 to 11 characters".into());
                    }
                    self.sms.netgsm.timeout_ms
                }
                "webhook" => {
                    if self.sms.webhook.url.trim().is_empty() {
                        return Err("notify.sms.webhook.url is required when webhook is in notify.sms.order".into());
                    }
                    self.sms.webhook.timeout_ms
                }
                "dev" => 0,
                _ => return Err("notify.sms.order may name netgsm, webhook and dev".into()),
            };
        }
        match self.email.transport.as_str() {
            "smtp" => {
                if !matches!(
                    self.email.smtp.tls.as_str(),
                    "required" | "opportunistic" | "wrapper" | "none"
                ) {
                    return Err(
                        "notify.email.smtp.tls must be required, opportunistic, wrapper or none"
                            .into(),
                    );
                }
                longest_send = longest_send.max(self.email.smtp.timeout_ms);
            }
            "dev" | "off" => {}
            _ => return Err("notify.email.transport must be smtp, dev or off".into()),
        }
        if self.email.transport != "off"
            && self.email.from.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err("notify.email.from must be an address, optionally with a name".into());
        }
        longest_send = longest_send.max(self.social.validate()?);
        if self.email.message_id_domain.trim().is_empty() {
            return Err("notify.email.message_id_domain is required".into());
        }
        if d.lease_ms <= longest_send {
            return Err("notify.dispatch.lease_ms must exceed the sum of the SMS providers' timeouts, the SMTP timeout and twice a social platform's timeout".into());
        }
        Ok(())
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

    /// The sender's retry timing.
    pub fn dispatch_retry(&self) -> tekmerkez_bus::consumer::RetryPolicy {
        tekmerkez_bus::consumer::RetryPolicy {
            max_attempts: self.dispatch.max_attempts,
            initial_backoff: Duration::from_millis(self.dispatch.initial_backoff_ms),
            max_backoff: Duration::from_millis(self.dispatch.max_backoff_ms),
        }
    }
}
