//! The Messenger Platform's Send API, for Messenger and Instagram:
//! `POST {base}/{version}/{page-or-instagram-account-id}/messages` with the
//! Page access token as bearer token.
//!
//! ```text
//! {"recipient": {"id": "<PSID or IGSID>"}, "messaging_type": "RESPONSE",
//!  "message": {"text": "…"}}
//! {"recipient": {"id": "…"}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT",
//!  "message": {"text": "…"}}
//!
//! 200 {"recipient_id": "…", "message_id": "m_…"}
//! 4xx/5xx {"error": {"message": "…", "type": "OAuthException", "code": 10,
//!          "error_subcode": 2018278, "fbtrace_id": "…"}}
//! ```
//!
//! Errors by `code` and `error_subcode`: 10 with 2018278 (or 2018065,
//! 2018108) "sent outside of allowed window"; 551 "this person isn't
//! available", 100 with 2018001 "no matching user found", 200 with 1545041
//! "message not sent" — the person is not reachable here; 4, 17, 32, 613
//! rate limits; 102, 190 and other 10 or 200 permissions and tokens; 1, 2,
//! 1200 "temporary send message failure"; other 100 a malformed message.

use std::time::Duration;

use secrecy::SecretString;

use super::{
    Form, GraphError, OutgoingSocial, Platform, SocialOutcome, SocialRecipient, fit, post_json,
    settings::GraphSettings,
};

/// A Messenger text's limit, in characters.
pub const MAX_TEXT: usize = 2000;
/// An Instagram text's limit, in UTF-8 bytes.
pub const MAX_INSTAGRAM_BYTES: usize = 1000;

/// The client of one of the two platforms.
#[derive(Clone)]
pub struct Graph {
    client: reqwest::Client,
    base: String,
    version: String,
    tokens: std::collections::BTreeMap<String, SecretString>,
    /// `messenger` or `instagram`, for logs.
    platform: &'static str,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("platform", &self.platform)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Accepted {
    message_id: String,
}

/// What an error answer means.
fn classify(status: u16, body: &[u8]) -> SocialOutcome {
    let e = serde_json::from_slice::<GraphError>(body).map(|e| e.error);
    match e.as_ref().map(|e| (e.code, e.error_subcode.unwrap_or(0))) {
        Ok((10, 2_018_278 | 2_018_065 | 2_018_108)) => SocialOutcome::WindowClosed,
        Ok((551, _) | (100, 2_018_001) | (200, 1_545_041)) => {
            SocialOutcome::Unreachable("social_recipient_unreachable")
        }
        Ok((4 | 17 | 32 | 613, _)) => SocialOutcome::Retry("social_rate_limited"),
        Ok((10 | 102 | 190 | 200..=299, _)) => SocialOutcome::Retry("social_auth"),
        Ok((1 | 2 | 1200, _)) => SocialOutcome::Retry("social_unavailable"),
        Ok((100, _)) => SocialOutcome::Rejected("social_rejected_message"),
        _ => match status {
            401 | 403 => SocialOutcome::Retry("social_auth"),
            429 => SocialOutcome::Retry("social_rate_limited"),
            s if s >= 500 => SocialOutcome::Retry("social_server_error"),
            _ => SocialOutcome::Rejected("social_rejected_request"),
        },
    }
}

impl Graph {
    /// A client from settings; `platform` names it in logs.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(s: &GraphSettings, platform: &'static str) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: crate::sms::http_client(Duration::from_millis(s.timeout_ms))?,
            base: s.base_url.trim_end_matches('/').to_owned(),
            version: s.api_version.clone(),
            tokens: s.access_tokens.clone(),
            platform,
        })
    }

    /// `text` cut to what the platform takes.
    fn cut(&self, text: &str) -> String {
        if self.platform != "instagram" {
            return fit(text, MAX_TEXT);
        }
        if text.len() <= MAX_INSTAGRAM_BYTES {
            return text.to_owned();
        }
        let mut out = String::new();
        for c in text.chars() {
            // Room for the closing '…' (3 bytes).
            if out.len() + c.len_utf8() > MAX_INSTAGRAM_BYTES - 3 {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }

    /// The request body of `msg` to `to` in `form`.
    pub fn body(
        &self,
        to: &SocialRecipient,
        form: Form,
        msg: &OutgoingSocial,
    ) -> serde_json::Value {
        let text = self.cut(&msg.text);
        match form {
            Form::HumanAgent => serde_json::json!({
                "recipient": {"id": to.user_id},
                "messaging_type": "MESSAGE_TAG",
                "tag": "HUMAN_AGENT",
                "message": {"text": text},
            }),
            Form::Text | Form::Template => serde_json::json!({
                "recipient": {"id": to.user_id},
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            }),
        }
    }
}

#[async_trait::async_trait]
impl Platform for Graph {
    #[tracing::instrument(name = "notify.graph.send", skip_all, fields(delivery_id = %msg.id, platform = self.platform, form = ?form))]
    async fn send(&self, to: &SocialRecipient, form: Form, msg: &OutgoingSocial) -> SocialOutcome {
        let Some(token) = self.tokens.get(&to.account_id) else {
            return SocialOutcome::Retry("social_account_unknown");
        };
        let url = format!("{}/{}/{}/messages", self.base, self.version, to.account_id);
        let (status, bytes) =
            match post_json(&self.client, url, token, &self.body(to, form, msg)).await {
                Ok(answer) => answer,
                Err(outcome) => return outcome,
            };
        if (200..300).contains(&status) {
            return match serde_json::from_slice::<Accepted>(&bytes) {
                Ok(a) if !a.message_id.is_empty() => SocialOutcome::Sent(a.message_id),
                _ => SocialOutcome::Retry("social_garbled_answer"),
            };
        }
        classify(status, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_apart_by_code_and_subcode() {
        let err = |code: i64, sub: i64| {
            format!(
                r#"{{"error":{{"message":"x","type":"OAuthException","code":{code},"error_subcode":{sub},"fbtrace_id":"A"}}}}"#
            )
        };
        for (status, code, sub, want) in [
            (400, 10, 2_018_278, SocialOutcome::WindowClosed),
            (
                400,
                551,
                1_545_041,
                SocialOutcome::Unreachable("social_recipient_unreachable"),
            ),
            (
                400,
                100,
                2_018_001,
                SocialOutcome::Unreachable("social_recipient_unreachable"),
            ),
            (400, 613, 0, SocialOutcome::Retry("social_rate_limited")),
            (400, 190, 460, SocialOutcome::Retry("social_auth")),
            (403, 10, 0, SocialOutcome::Retry("social_auth")),
            (500, 1200, 0, SocialOutcome::Retry("social_unavailable")),
            (
                400,
                100,
                0,
                SocialOutcome::Rejected("social_rejected_message"),
            ),
        ] {
            assert_eq!(
                classify(status, err(code, sub).as_bytes()),
                want,
                "{code}/{sub}"
            );
        }
        assert_eq!(
            classify(503, b""),
            SocialOutcome::Retry("social_server_error")
        );
    }

    #[test]
    fn an_instagram_text_is_cut_to_1000_bytes() {
        let g = Graph::new(
            &GraphSettings {
                timeout_ms: 1000,
                ..GraphSettings::default()
            },
            "instagram",
        )
        .unwrap();
        let cut = g.cut(&"ğ".repeat(800));
        assert!(
            cut.len() <= MAX_INSTAGRAM_BYTES && cut.ends_with('…'),
            "{}",
            cut.len()
        );
        assert_eq!(g.cut("kısa"), "kısa");
    }
}
