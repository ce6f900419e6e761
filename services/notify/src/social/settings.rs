//! `notify.social`: one block per platform, each off unless `enabled`, with
//! the API's base URL (Meta's or X's; the stand-in's in tests and `tekmerkez
//! dev`), a per-request timeout and a token per institutional account
//! (secrets: `TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__ACCESS_TOKENS__<phone
//! number id>`, `…__MESSENGER__ACCESS_TOKENS__<page id>`,
//! `…__INSTAGRAM__ACCESS_TOKENS__<account id>`, `…__X__ACCESS_TOKENS__<user id>`).

use std::collections::BTreeMap;

use secrecy::{ExposeSecret as _, SecretString};

/// The values an approved WhatsApp template's body variables may take, in
/// the order `body_parameters` lists them.
pub const TEMPLATE_PARAMETERS: &[&str] = &["tracking_number", "text", "institution"];

/// Every platform.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialSettings {
    /// WhatsApp Cloud API.
    pub whatsapp: WhatsAppSettings,
    /// Messenger through the Graph Send API (Page access tokens).
    pub messenger: GraphSettings,
    /// Instagram messaging through the Graph Send API.
    pub instagram: GraphSettings,
    /// X direct messages.
    pub x: XSettings,
    /// The customer-service window is counted as this much shorter than the
    /// platform's: the citizen's later messages are known by when the case
    /// service recorded them, a little after they were sent.
    #[serde(default = "default_margin")]
    pub window_margin_minutes: u64,
}

fn default_margin() -> u64 {
    15
}

impl Default for SocialSettings {
    /// Every platform off, the usual margin.
    fn default() -> Self {
        Self {
            whatsapp: WhatsAppSettings::default(),
            messenger: GraphSettings::default(),
            instagram: GraphSettings::default(),
            x: XSettings::default(),
            window_margin_minutes: default_margin(),
        }
    }
}

/// The WhatsApp Cloud API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppSettings {
    /// Whether notify writes in WhatsApp conversations.
    pub enabled: bool,
    /// `https://graph.facebook.com`.
    pub base_url: String,
    /// The Graph API version in the path, `v23.0`.
    pub api_version: String,
    /// The bearer token (a System User access token) per business phone
    /// number id (secrets).
    pub access_tokens: BTreeMap<String, SecretString>,
    /// Per-request timeout.
    pub timeout_ms: u64,
    /// The approved template sent once the 24-hour window has closed.
    pub template: WhatsAppTemplateSettings,
}

/// An approved WhatsApp message template (a "utility" template).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppTemplateSettings {
    /// Its name in WhatsApp Manager; empty: none, so outside the window the
    /// message falls back to SMS.
    pub name: String,
    /// Its language code, `tr`.
    pub language: String,
    /// What fills its body's `{{1}}`, `{{2}}`, …: `tracking_number`, `text`
    /// (the message notify would have sent, on one line) or `institution`.
    pub body_parameters: Vec<String>,
}

/// Messenger or Instagram through the Graph Send API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSettings {
    /// Whether notify writes in these conversations.
    pub enabled: bool,
    /// `https://graph.facebook.com`.
    pub base_url: String,
    /// The Graph API version in the path, `v23.0`.
    pub api_version: String,
    /// The Page access token per Page id (Messenger) or Instagram account
    /// id (secrets).
    pub access_tokens: BTreeMap<String, SecretString>,
    /// Per-request timeout.
    pub timeout_ms: u64,
    /// Whether the app has Meta's Human Agent permission: then a reply may
    /// go up to 7 days after the citizen's last message, tagged
    /// `HUMAN_AGENT` (an official answer is a person's reply).
    pub human_agent: bool,
}

/// X's direct-message API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XSettings {
    /// Whether notify writes in X conversations.
    pub enabled: bool,
    /// `https://api.x.com`.
    pub base_url: String,
    /// The account's OAuth 2.0 user access token (`dm.write`) per X user
    /// id of the institution's accounts (secrets).
    pub access_tokens: BTreeMap<String, SecretString>,
    /// Per-request timeout.
    pub timeout_ms: u64,
}

fn check_api(
    name: &str,
    base_url: &str,
    tokens: &BTreeMap<String, SecretString>,
    timeout_ms: u64,
) -> Result<(), String> {
    let url = base_url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!(
            "notify.social.{name}.base_url must be an http(s) URL"
        ));
    }
    if timeout_ms == 0 {
        return Err(format!("notify.social.{name}.timeout_ms must be positive"));
    }
    if tokens.is_empty() || tokens.values().any(|t| t.expose_secret().trim().is_empty()) {
        return Err(format!(
            "notify.social.{name}.access_tokens must give a token for each account"
        ));
    }
    Ok(())
}

fn check_version(name: &str, v: &str) -> Result<(), String> {
    let ok = v
        .strip_prefix('v')
        .and_then(|n| n.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "notify.social.{name}.api_version must be a Graph API version such as v23.0"
        ))
    }
}

impl SocialSettings {
    /// Checks the enabled platforms; returns the longest a delivery's
    /// attempt may take (two requests: a text refused as outside the
    /// window is sent again in the form the window allows).
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self) -> Result<u64, String> {
        let mut longest = 0;
        let w = &self.whatsapp;
        if w.enabled {
            check_api("whatsapp", &w.base_url, &w.access_tokens, w.timeout_ms)?;
            check_version("whatsapp", &w.api_version)?;
            let t = &w.template;
            if !t.name.trim().is_empty() {
                if t.language.trim().is_empty() {
                    return Err(
                        "notify.social.whatsapp.template.language is required with a template name"
                            .into(),
                    );
                }
                if t.body_parameters
                    .iter()
                    .any(|p| !TEMPLATE_PARAMETERS.contains(&p.as_str()))
                {
                    return Err("notify.social.whatsapp.template.body_parameters may name tracking_number, text and institution".into());
                }
            }
            longest = longest.max(w.timeout_ms.saturating_mul(2));
        }
        for (name, g) in [
            ("messenger", &self.messenger),
            ("instagram", &self.instagram),
        ] {
            if g.enabled {
                check_api(name, &g.base_url, &g.access_tokens, g.timeout_ms)?;
                check_version(name, &g.api_version)?;
                longest = longest.max(g.timeout_ms.saturating_mul(2));
            }
        }
        if self.x.enabled {
            check_api(
                "x",
                &self.x.base_url,
                &self.x.access_tokens,
                self.x.timeout_ms,
            )?;
            longest = longest.max(self.x.timeout_ms.saturating_mul(2));
        }
        if self.window_margin_minutes >= 12 * 60 {
            return Err("notify.social.window_margin_minutes must be under 720".into());
        }
        Ok(longest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whatsapp() -> SocialSettings {
        SocialSettings {
            whatsapp: WhatsAppSettings {
                enabled: true,
                base_url: "https://graph.facebook.com".into(),
                api_version: "v23.0".into(),
                access_tokens: [("106540352242922".to_owned(), SecretString::from("EAAG"))]
                    .into_iter()
                    .collect(),
                timeout_ms: 5000,
                template: WhatsAppTemplateSettings {
                    name: "basvuru_bilgi".into(),
                    language: "tr".into(),
                    body_parameters: vec!["tracking_number".into(), "text".into()],
                },
            },
            ..SocialSettings::default()
        }
    }

    #[test]
    fn an_enabled_platform_needs_a_url_a_version_and_a_token_per_account() {
        assert_eq!(whatsapp().validate(), Ok(10_000));
        assert_eq!(SocialSettings::default().validate(), Ok(0), "all off");
        let mut s = whatsapp();
        s.whatsapp.api_version = "23".into();
        assert!(s.validate().unwrap_err().contains("api_version"));
        let mut s = whatsapp();
        s.whatsapp.access_tokens.clear();
        assert!(s.validate().unwrap_err().contains("access_tokens"));
        let mut s = whatsapp();
        s.whatsapp.base_url = "graph.facebook.com".into();
        assert!(s.validate().unwrap_err().contains("base_url"));
        let mut s = whatsapp();
        s.whatsapp.template.body_parameters = vec!["phone".into()];
        assert!(s.validate().unwrap_err().contains("body_parameters"));
        let mut s = whatsapp();
        s.whatsapp.template.name = String::new();
        s.whatsapp.template.language = String::new();
        assert!(
            s.validate().is_ok(),
            "no template: outside the window falls back to SMS"
        );
    }
}
