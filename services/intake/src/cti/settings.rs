//! `intake.cti`: the CTI/IVR event endpoint and the caller lookup.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};

/// The phone channel's machine side.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CtiSettings {
    /// Whether `/v1/cti/*` is served and the caller index kept.
    pub enabled: bool,
    /// The HMAC key shared with the CTI/IVR platform; it signs each event
    /// (`X-Tekmerkez-Signature`) over its timestamp and raw body (a secret).
    pub signing_secret: SecretString,
    /// How far an event's `X-Tekmerkez-Timestamp` may be from now.
    pub max_skew_seconds: u64,
    /// Events per second the signing client may send, sustained (per
    /// intake replica); more get 429 with `Retry-After`. Well above a busy
    /// centre's peak of a few hundred.
    pub rate_limit_per_second: u32,
    /// Events the signing client may send at once above the sustained rate.
    pub rate_limit_burst: u32,
    /// The bearer token the gateway's call-centre screen uses for the
    /// caller lookups (a secret).
    pub lookup_token: SecretString,
    /// Keys the caller index's phone hashes, so the index holds no number
    /// that could be read back (a secret).
    pub caller_index_key: SecretString,
    /// How long an offered call stays available to the lookup.
    pub call_retention_hours: u64,
    /// How far back a caller's earlier applications are listed.
    pub caller_history_days: u64,
    /// Most earlier applications a lookup lists (newest first).
    pub caller_history_limit: u32,
    /// The province IVR self-service records are about when the IVR does
    /// not ask (plate code).
    pub default_province_code: u8,
    /// The KVKK notice the IVR plays, recorded with each IVR record.
    pub kvkk_text_version: String,
    /// What each IVR self-service record opens.
    pub ivr_records: Vec<IvrRecordSettings>,
    /// Where the IVR's outage question finds a subscriber number's place.
    #[serde(default)]
    pub subscriber_directory: SubscriberDirectorySettings,
}

/// The subscriber directory: a billing system over HTTP, or a table.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubscriberDirectorySettings {
    /// `GET {url}/{subscriber}` answers the place; empty: the table below.
    pub url: String,
    /// How long the directory may take.
    pub timeout_ms: u64,
    /// The table used without a URL (the stand-in of `tekmerkez dev`).
    pub subscribers: Vec<SubscriberPlace>,
}

impl Default for SubscriberDirectorySettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            timeout_ms: 2_000,
            subscribers: Vec::new(),
        }
    }
}

/// One subscriber of the table.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberPlace {
    pub subscriber: String,
    pub province_code: u8,
    pub district: String,
    #[serde(default)]
    pub neighbourhood: String,
}

/// One kind of IVR self-service record.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IvrRecordSettings {
    /// The record kind the IVR sends (`outage_report`).
    pub kind: String,
    /// The category its application gets.
    pub category: String,
    /// The application text (Turkish); the IVR selections are appended.
    pub text: String,
}

impl CtiSettings {
    /// The timestamp tolerance.
    pub fn max_skew(&self) -> Duration {
        Duration::from_secs(self.max_skew_seconds)
    }

    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self, categories: &[String]) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        for (key, s) in [
            ("signing_secret", &self.signing_secret),
            ("lookup_token", &self.lookup_token),
            ("caller_index_key", &self.caller_index_key),
        ] {
            if s.expose_secret().len() < 32 {
                return Err(format!("intake.cti.{key} must be at least 32 characters"));
            }
        }
        if self.max_skew_seconds == 0
            || self.call_retention_hours == 0
            || self.caller_history_days == 0
            || self.caller_history_limit == 0
            || self.rate_limit_per_second == 0
            || self.rate_limit_burst == 0
        {
            return Err("intake.cti durations and limits must be positive".into());
        }
        if tekmerkez_geo::province_by_code(self.default_province_code).is_none() {
            return Err("intake.cti.default_province_code must be a plate code".into());
        }
        let t = self.kvkk_text_version.trim();
        if t.is_empty() || t.len() > 64 {
            return Err("intake.cti.kvkk_text_version must be 1 to 64 characters".into());
        }
        for (i, r) in self.ivr_records.iter().enumerate() {
            if r.kind.trim().is_empty() || r.text.trim().is_empty() {
                return Err(format!(
                    "intake.cti.ivr_records[{i}] needs a kind and a text"
                ));
            }
            if !categories.contains(&r.category) {
                return Err(format!(
                    "intake.cti.ivr_records[{i}].category must be a category of intake.categories"
                ));
            }
        }
        Ok(())
    }

    /// The record settings of `kind`.
    pub fn record(&self, kind: &str) -> Option<&IvrRecordSettings> {
        self.ivr_records.iter().find(|r| r.kind == kind)
    }
}
