//! X's direct-message API (v2): `POST {base}/2/dm_conversations/with/{participant_id}/messages`
//! with the institution's account's OAuth 2.0 user token as bearer token.
//!
//! ```text
//! {"text": "…"}
//!
//! 201 {"data": {"dm_conversation_id": "123123123-456456456", "dm_event_id": "1146654567674912769"}}
//! 4xx {"title": "…", "type": "https://api.twitter.com/2/problems/…", "detail": "…", "status": 403}
//! ```
//!
//! `participant_id` is the citizen's X user id (`^[0-9]{1,19}$`); the text
//! is 1 to 10 000 characters. X documents no customer-service window: a
//! user who does not accept direct messages from the account is refused
//! with 403 (and a user that does not exist with 404), which counts as not
//! reachable here; 400 a malformed request; 401 the token (expired or
//! revoked); 429 the rate limit; 5xx the service.

use std::time::Duration;

use secrecy::SecretString;

use super::{
    Form, OutgoingSocial, Platform, SocialOutcome, SocialRecipient, fit, post_json,
    settings::XSettings,
};

/// A direct message's limit.
pub const MAX_TEXT: usize = 10_000;

/// The client.
#[derive(Clone)]
pub struct X {
    client: reqwest::Client,
    base: String,
    tokens: std::collections::BTreeMap<String, SecretString>,
}

impl std::fmt::Debug for X {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Accepted {
    data: Created,
}

#[derive(serde::Deserialize)]
struct Created {
    dm_event_id: String,
}

/// Whether `id` is an X user id.
fn user_id_ok(id: &str) -> bool {
    (1..=19).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit())
}

impl X {
    /// A client from settings.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(s: &XSettings) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: crate::sms::http_client(Duration::from_millis(s.timeout_ms))?,
            base: s.base_url.trim_end_matches('/').to_owned(),
            tokens: s.access_tokens.clone(),
        })
    }
}

#[async_trait::async_trait]
impl Platform for X {
    #[tracing::instrument(name = "notify.x.send", skip_all, fields(delivery_id = %msg.id))]
    async fn send(&self, to: &SocialRecipient, _form: Form, msg: &OutgoingSocial) -> SocialOutcome {
        if !user_id_ok(&to.user_id) {
            return SocialOutcome::Rejected("social_rejected_recipient");
        }
        let Some(token) = self.tokens.get(&to.account_id) else {
            return SocialOutcome::Retry("social_account_unknown");
        };
        let url = format!(
            "{}/2/dm_conversations/with/{}/messages",
            self.base, to.user_id
        );
        let body = serde_json::json!({"text": fit(&msg.text, MAX_TEXT)});
        let (status, bytes) = match post_json(&self.client, url, token, &body).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        match status {
            200..=299 => match serde_json::from_slice::<Accepted>(&bytes) {
                Ok(a) if !a.data.dm_event_id.is_empty() => SocialOutcome::Sent(a.data.dm_event_id),
                _ => SocialOutcome::Retry("social_garbled_answer"),
            },
            403 | 404 => SocialOutcome::Unreachable("social_recipient_unreachable"),
            401 => SocialOutcome::Retry("social_auth"),
            429 => SocialOutcome::Retry("social_rate_limited"),
            s if s >= 500 => SocialOutcome::Retry("social_server_error"),
            _ => SocialOutcome::Rejected("social_rejected_request"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_user_ids_are_x_user_ids() {
        assert!(user_id_ok("2244994945"));
        for bad in ["", "22449 94945", "abc", "12345678901234567890", "../1"] {
            assert!(!user_id_ok(bad), "{bad}");
        }
    }
}
