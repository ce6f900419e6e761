//! The e-mail channel's settings (`intake.channels.email`).

use std::time::Duration;

use secrecy::SecretString;

/// How the IMAP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain TCP: only for a server on this machine (tests, `tekmerkez dev`).
    None,
    /// TLS from the first byte (port 993).
    Implicit,
    /// Plain, then `STARTTLS` before logging in (port 143).
    Starttls,
}

/// Where the mailbox is and how to reach it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapSettings {
    /// Server host name (also the name its TLS certificate must carry).
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Connection protection.
    pub tls: TlsMode,
    /// A PEM file of extra CA certificates to trust (a private CA); empty
    /// trusts the system's roots only.
    pub ca_file: String,
    /// Login name.
    pub username: String,
    /// Password (a secret: from the environment).
    pub password: SecretString,
    /// The mailbox read, usually `INBOX`.
    pub mailbox: String,
    /// Where processed messages are moved; empty keeps them in place (each
    /// is marked with the `$TekmerkezProcessed` keyword either way).
    pub processed_mailbox: String,
    /// Between two looks at a mailbox whose server does not offer IDLE.
    pub poll_interval_ms: u64,
    /// The longest one IDLE lasts before it is renewed (RFC 2177: under 29 minutes).
    pub idle_renew_ms: u64,
    /// Connecting and logging in, and any one command.
    pub timeout_ms: u64,
    /// The longest wait before reconnecting after a failure (waits double from 1 s).
    pub max_backoff_ms: u64,
}

/// The inbound e-mail channel.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// Whether this deployment reads the mailbox.
    pub enabled: bool,
    /// The mailbox.
    pub imap: ImapSettings,
    /// The mailbox's own addresses: mail from them, or naming them in
    /// `X-Loop`, is a loop and opens nothing.
    pub own_addresses: Vec<String>,
    /// The domain of the notification e-mails' `Message-ID`s
    /// (`<case.{tracking}.{event}@{domain}>`); empty accepts any.
    pub notification_domain: String,
    /// The province plate code e-mail applications are about (the
    /// institution's own); a district named in the text is picked up.
    pub province_code: u8,
    /// The category code e-mail applications carry as their channel's
    /// default (the citizen chose none): the routing rule that places one by
    /// its words gives the case that rule's assigned category instead.
    pub category: String,
    /// The KVKK notice version published with the e-mail address, recorded
    /// as the applicant's consent (the notice is what the citizen was shown
    /// before writing; the acknowledgement repeats it).
    pub kvkk_text_version: String,
    /// The most of one message fetched; the rest of a larger one (a 50 MB
    /// attachment) is not read: its text is kept and the cut files refused.
    pub max_message_bytes: u32,
}

impl EmailSettings {
    /// Checks what deserialisation cannot, when enabled.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(
        &self,
        categories: &[tekmerkez_types::catalogue::Category],
    ) -> Result<(), &'static str> {
        if !self.enabled {
            return Ok(());
        }
        let i = &self.imap;
        if i.host.trim().is_empty() || i.port == 0 {
            return Err("intake.channels.email.imap.host and port must be set");
        }
        if i.username.trim().is_empty() || i.mailbox.trim().is_empty() {
            return Err("intake.channels.email.imap.username and mailbox must be set");
        }
        if i.poll_interval_ms == 0 || i.timeout_ms == 0 || i.max_backoff_ms < 1000 {
            return Err(
                "intake.channels.email.imap timings must be positive (max_backoff_ms at least 1000)",
            );
        }
        if i.idle_renew_ms == 0 || i.idle_renew_ms > 29 * 60 * 1000 {
            return Err(
                "intake.channels.email.imap.idle_renew_ms must be 1 to 1740000 (29 minutes)",
            );
        }
        if tekmerkez_geo::province_by_code(self.province_code).is_none() {
            return Err("intake.channels.email.province_code must be a plate code from 1 to 81");
        }
        if !categories.iter().any(|c| c.code == self.category) {
            return Err("intake.channels.email.category must be one of intake.categories");
        }
        if self.kvkk_text_version.trim().is_empty() || self.kvkk_text_version.len() > 64 {
            return Err("intake.channels.email.kvkk_text_version must be 1 to 64 characters");
        }
        if self.max_message_bytes < 64 * 1024 {
            return Err("intake.channels.email.max_message_bytes must be at least 65536");
        }
        Ok(())
    }

    /// Per-command and connect bound.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.imap.timeout_ms)
    }
}
