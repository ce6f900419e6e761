//! The WhatsApp Cloud API client: `POST {base}/{version}/{phone-number-id}/messages`
//! with the phone number's bearer token.
//!
//! ```text
//! {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "<wa_id>",
//!  "type": "text", "text": {"preview_url": false, "body": "…"}}
//! {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "<wa_id>",
//!  "type": "template", "template": {"name": "…", "language": {"code": "tr"},
//!   "components": [{"type": "body", "parameters": [{"type": "text", "text": "…"}]}]}}
//!
//! 200 {"messaging_product": "whatsapp", "contacts": [{"input": "…", "wa_id": "…"}],
//!      "messages": [{"id": "wamid.…"}]}
//! 4xx/5xx {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException",
//!          "code": 131047, "error_data": {"messaging_product": "whatsapp", "details": "…"},
//!          "fbtrace_id": "…"}}
//! ```
//!
//! Errors are told apart by `code`, as Meta recommends (titles and HTTP
//! statuses are not stable): 131047 the 24-hour window closed; 131026
//! undeliverable, 131021 the recipient is the sender, 131030 not an allowed
//! recipient (test numbers) — the person is not reachable here; 368, 130497,
//! 131031 our account restricted or locked; 132000–132016 the template
//! refused (missing, paused, parameters); 100, 131008, 131009, 131051 a
//! malformed message; 0, 3, 10, 190, 200–299 credentials and permissions;
//! 4, 80007, 130429, 131048, 131056 rate limits; 1, 2, 131000, 131016 the
//! service. (Some of these, 131026 and 131047 among them, may also arrive
//! later in a status webhook rather than in the answer; intake acknowledges
//! status webhooks and notify does not read them.)

use std::time::Duration;

use secrecy::SecretString;

use super::{
    Form, GraphError, OutgoingSocial, Platform, SocialOutcome, SocialRecipient, fit, post_json,
    settings::WhatsAppSettings,
};

/// A WhatsApp text body's limit.
pub const MAX_TEXT: usize = 4096;
/// A template body parameter's limit (no newlines, tabs or runs of spaces).
pub const MAX_PARAMETER: usize = 1024;

/// The client.
#[derive(Clone)]
pub struct WhatsApp {
    client: reqwest::Client,
    base: String,
    version: String,
    tokens: std::collections::BTreeMap<String, SecretString>,
    template: super::settings::WhatsAppTemplateSettings,
    institution: String,
}

impl std::fmt::Debug for WhatsApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhatsApp")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Accepted {
    messages: Vec<MessageId>,
}

#[derive(serde::Deserialize)]
struct MessageId {
    id: String,
}

/// A template parameter: one line, no tabs, at most four spaces in a row.
fn parameter(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    fit(
        &one_line
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        MAX_PARAMETER,
    )
}

/// What an error answer means.
fn classify(status: u16, body: &[u8]) -> SocialOutcome {
    let code = serde_json::from_slice::<GraphError>(body).map(|e| e.error.code);
    match code {
        Ok(131_047) => SocialOutcome::WindowClosed,
        Ok(131_026 | 131_021 | 131_030) => {
            SocialOutcome::Unreachable("social_recipient_unreachable")
        }
        Ok(368 | 130_497 | 131_031) => SocialOutcome::Unreachable("social_account_restricted"),
        Ok(132_000..=132_016) => SocialOutcome::Unreachable("social_template_rejected"),
        Ok(100 | 131_008 | 131_009 | 131_051) => SocialOutcome::Rejected("social_rejected_message"),
        Ok(0 | 3 | 10 | 190 | 200..=299) => SocialOutcome::Retry("social_auth"),
        Ok(4 | 80_007 | 130_429 | 131_048 | 131_056) => SocialOutcome::Retry("social_rate_limited"),
        Ok(1 | 2 | 131_000 | 131_016) => SocialOutcome::Retry("social_unavailable"),
        _ => match status {
            401 | 403 => SocialOutcome::Retry("social_auth"),
            429 => SocialOutcome::Retry("social_rate_limited"),
            s if s >= 500 => SocialOutcome::Retry("social_server_error"),
            _ => SocialOutcome::Rejected("social_rejected_request"),
        },
    }
}

impl WhatsApp {
    /// A client from settings.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(s: &WhatsAppSettings, institution: &str) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: crate::sms::http_client(Duration::from_millis(s.timeout_ms))?,
            base: s.base_url.trim_end_matches('/').to_owned(),
            version: s.api_version.clone(),
            tokens: s.access_tokens.clone(),
            template: s.template.clone(),
            institution: institution.to_owned(),
        })
    }

    /// The request body of `msg` to `to` in `form`.
    pub fn body(
        &self,
        to: &SocialRecipient,
        form: Form,
        msg: &OutgoingSocial,
    ) -> serde_json::Value {
        match form {
            Form::Template => {
                let t = &self.template;
                let mut template = serde_json::json!({
                    "name": t.name,
                    "language": {"code": t.language},
                });
                let parameters: Vec<serde_json::Value> = t
                    .body_parameters
                    .iter()
                    .map(|p| {
                        let value = match p.as_str() {
                            "tracking_number" => msg.tracking_number.clone(),
                            "institution" => self.institution.clone(),
                            _ => msg.text.clone(),
                        };
                        serde_json::json!({"type": "text", "text": parameter(&value)})
                    })
                    .collect();
                if !parameters.is_empty() {
                    template["components"] =
                        serde_json::json!([{"type": "body", "parameters": parameters}]);
                }
                serde_json::json!({
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": to.user_id,
                    "type": "template",
                    "template": template,
                })
            }
            Form::Text | Form::HumanAgent => serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to.user_id,
                "type": "text",
                "text": {"preview_url": false, "body": fit(&msg.text, MAX_TEXT)},
            }),
        }
    }
}

#[async_trait::async_trait]
impl Platform for WhatsApp {
    #[tracing::instrument(name = "notify.whatsapp.send", skip_all, fields(delivery_id = %msg.id, form = ?form))]
    async fn send(&self, to: &SocialRecipient, form: Form, msg: &OutgoingSocial) -> SocialOutcome {
        let Some(token) = self.tokens.get(&to.account_id) else {
            // No token for the phone number it came to: ops must add one.
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
                Ok(a) => match a.messages.into_iter().next() {
                    Some(m) if !m.id.is_empty() => SocialOutcome::Sent(m.id),
                    _ => SocialOutcome::Retry("social_garbled_answer"),
                },
                Err(_) => SocialOutcome::Retry("social_garbled_answer"),
            };
        }
        classify(status, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_apart_by_their_code() {
        let err = |code: i64| {
            format!(
                r#"{{"error":{{"message":"x","type":"OAuthException","code":{code},"fbtrace_id":"A"}}}}"#
            )
        };
        for (status, code, want) in [
            (400, 131_047, SocialOutcome::WindowClosed),
            (
                400,
                131_026,
                SocialOutcome::Unreachable("social_recipient_unreachable"),
            ),
            (
                400,
                132_001,
                SocialOutcome::Unreachable("social_template_rejected"),
            ),
            (
                403,
                368,
                SocialOutcome::Unreachable("social_account_restricted"),
            ),
            (400, 100, SocialOutcome::Rejected("social_rejected_message")),
            (401, 190, SocialOutcome::Retry("social_auth")),
            (400, 130_429, SocialOutcome::Retry("social_rate_limited")),
            (503, 131_016, SocialOutcome::Retry("social_unavailable")),
        ] {
            assert_eq!(classify(status, err(code).as_bytes()), want, "{code}");
        }
        assert_eq!(
            classify(502, b"<html>"),
            SocialOutcome::Retry("social_server_error")
        );
        assert_eq!(
            classify(429, b""),
            SocialOutcome::Retry("social_rate_limited")
        );
        assert_eq!(
            classify(404, b"{}"),
            SocialOutcome::Rejected("social_rejected_request")
        );
    }

    #[test]
    fn a_template_parameter_is_one_line_without_runs_of_spaces() {
        assert_eq!(
            parameter("Sayın\n\nvatandaş,\t yanıtımız:     hazır"),
            "Sayın vatandaş, yanıtımız: hazır"
        );
        assert_eq!(parameter(&"ş".repeat(2000)).chars().count(), MAX_PARAMETER);
    }
}
