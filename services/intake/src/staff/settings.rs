//! `intake.staff`: the staff-entry endpoint the gateway's entry screens post to.

use secrecy::{ExposeSecret as _, SecretString};

/// Staff entry.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSettings {
    /// Whether `POST /v1/staff/applications` is served.
    pub enabled: bool,
    /// The bearer token the gateway sends (a secret, at least 32 characters).
    pub token: SecretString,
}

impl StaffSettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self) -> Result<(), String> {
        if self.enabled && self.token.expose_secret().len() < 32 {
            return Err("intake.staff.token must be at least 32 characters".into());
        }
        Ok(())
    }
}
