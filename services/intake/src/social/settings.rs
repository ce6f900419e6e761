//! `intake.social`: one block per platform, each switched on by its own
//! `enabled` so ops can run a channel as its own deployment.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};

/// Every social-media channel.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialSettings {
    /// Messages of one conversation at most this far apart join one case; a
    /// conversation held this long without a phone number becomes a case no
    /// reply can be sent to.
    pub conversation_window_minutes: u64,
    /// How often held conversations past the window are made cases (and
    /// claimed ones the bus has not acknowledged are published again), and
    /// old message ids forgotten.
    #[serde(default = "default_housekeeping_interval_seconds")]
    pub housekeeping_interval_seconds: u64,
    /// Largest webhook body (Meta sends up to about 3 MB).
    pub body_limit_bytes: usize,
    /// The KVKK notice the accounts show (profile, greeting, auto-reply)
    /// before a citizen writes: recorded with each application.
    pub kvkk_text_version: String,
    /// How social-media applications are answered: in the conversation
    /// (the default: every message opens or joins a case at once), or by a
    /// phone callback (seed 001's way: messages without a phone number are
    /// held until one arrives or the window passes).
    #[serde(default)]
    pub reply: SocialReply,
    /// WhatsApp Cloud API.
    pub whatsapp: MetaChannelSettings,
    /// Facebook Messenger (Page messages).
    pub messenger: MetaChannelSettings,
    /// Instagram Messaging.
    pub instagram: MetaChannelSettings,
    /// X direct messages (Account Activity API).
    pub x: XChannelSettings,
}

/// How a social-media application is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialReply {
    /// In the conversation it came from (`REPLY_CHANNEL_SOCIAL`).
    #[default]
    Conversation,
    /// A callback agent phones the number the conversation gave
    /// (`REPLY_CHANNEL_PHONE_CALLBACK`).
    PhoneCallback,
}

/// A Meta channel (WhatsApp, Messenger, Instagram).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaChannelSettings {
    /// Whether the webhook is served.
    pub enabled: bool,
    /// The Verify Token set in the App Dashboard, for the `hub.challenge`
    /// handshake (a secret).
    pub verify_token: SecretString,
    /// The app secret Meta signs `X-Hub-Signature-256` with (a secret).
    pub app_secret: SecretString,
    /// A message sent longer ago than this is refused as a replay (Meta
    /// retries a failed WhatsApp delivery for up to 7 days, Messenger's for 36 hours).
    pub max_message_age_minutes: u64,
    /// The institution's accounts on this platform.
    pub accounts: Vec<AccountSettings>,
}

/// X's Account Activity API.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XChannelSettings {
    /// Whether the webhook is served.
    pub enabled: bool,
    /// The app's consumer secret (API secret key), which signs both the CRC
    /// answer and `x-twitter-webhooks-signature` (a secret).
    pub consumer_secret: SecretString,
    /// A message sent longer ago than this is refused as a replay.
    pub max_message_age_minutes: u64,
    pub accounts: Vec<AccountSettings>,
}

/// One institutional account and where its messages belong.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    /// The platform's id of the account: the WhatsApp phone number id, the
    /// Page id, the Instagram account id, the X user id; `*` for any account
    /// not listed.
    pub id: String,
    /// The province its applications are about (plate code).
    pub province_code: u8,
    /// The category its applications get (routing rules may refine it from
    /// the text).
    pub category: String,
}

fn default_housekeeping_interval_seconds() -> u64 {
    60
}

impl SocialSettings {
    pub fn window(&self) -> Duration {
        Duration::from_secs(self.conversation_window_minutes * 60)
    }

    pub fn housekeeping_interval(&self) -> Duration {
        Duration::from_secs(self.housekeeping_interval_seconds)
    }

    /// Checks what deserialisation cannot, for the enabled channels.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self, categories: &[String]) -> Result<(), String> {
        if self.conversation_window_minutes == 0 {
            return Err("intake.social.conversation_window_minutes must be positive".into());
        }
        if self.housekeeping_interval_seconds == 0 {
            return Err("intake.social.housekeeping_interval_seconds must be positive".into());
        }
        if self.body_limit_bytes < 1024 {
            return Err("intake.social.body_limit_bytes must be at least 1024".into());
        }
        let t = self.kvkk_text_version.trim();
        if t.is_empty() || t.len() > 64 {
            return Err("intake.social.kvkk_text_version must be 1 to 64 characters".into());
        }
        for (name, c) in [
            ("whatsapp", &self.whatsapp),
            ("messenger", &self.messenger),
            ("instagram", &self.instagram),
        ] {
            if !c.enabled {
                continue;
            }
            if c.verify_token.expose_secret().len() < 16 {
                return Err(format!(
                    "intake.social.{name}.verify_token must be at least 16 characters"
                ));
            }
            if c.app_secret.expose_secret().len() < 16 {
                return Err(format!(
                    "intake.social.{name}.app_secret must be at least 16 characters"
                ));
            }
            check_channel(name, c.max_message_age_minutes, &c.accounts, categories)?;
        }
        if self.x.enabled {
            if self.x.consumer_secret.expose_secret().len() < 16 {
                return Err(
                    "intake.social.x.consumer_secret must be at least 16 characters".into(),
                );
            }
            check_channel(
                "x",
                self.x.max_message_age_minutes,
                &self.x.accounts,
                categories,
            )?;
        }
        Ok(())
    }
}

fn check_channel(
    name: &str,
    max_age: u64,
    accounts: &[AccountSettings],
    categories: &[String],
) -> Result<(), String> {
    if max_age == 0 {
        return Err(format!(
            "intake.social.{name}.max_message_age_minutes must be positive"
        ));
    }
    if accounts.is_empty() {
        return Err(format!(
            "intake.social.{name}.accounts must list at least one account"
        ));
    }
    for (i, a) in accounts.iter().enumerate() {
        if a.id.trim().is_empty() {
            return Err(format!(
                "intake.social.{name}.accounts[{i}].id must not be empty"
            ));
        }
        if tekmerkez_geo::province_by_code(a.province_code).is_none() {
            return Err(format!(
                "intake.social.{name}.accounts[{i}].province_code must be a plate code"
            ));
        }
        if !categories.contains(&a.category) {
            return Err(format!(
                "intake.social.{name}.accounts[{i}].category must be a category of intake.categories"
            ));
        }
    }
    Ok(())
}

/// The account settings for `id`, or the `*` entry.
pub fn account<'a>(accounts: &'a [AccountSettings], id: &str) -> Option<&'a AccountSettings> {
    accounts
        .iter()
        .find(|a| a.id == id)
        .or_else(|| accounts.iter().find(|a| a.id == "*"))
}
