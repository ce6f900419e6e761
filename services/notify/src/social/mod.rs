//! Replies in social-media conversations: the acknowledgement and the answer
//! of an application that came in one (reply channel `social`, or the
//! acknowledgement on the channel of origin), written where the citizen
//! wrote, within what each platform allows.
//!
//! # The platforms' customer-service window
//!
//! A business may answer a person freely only for a while after the
//! person's last message; after that each platform allows less:
//!
//! | platform | within 24 h of the citizen's last message | later |
//! | --- | --- | --- |
//! | WhatsApp | a text message | only an approved template (`whatsapp.template`), any time |
//! | Messenger, Instagram | a text, `messaging_type: RESPONSE` | with the `HUMAN_AGENT` tag until 7 days (`human_agent: true`) |
//! | X | a direct message | a direct message (X documents no window; a refusal is handled below) |
//!
//! When the window allows nothing (or the platform answers that it is
//! closed, or that the person cannot be reached there), the message falls
//! back to an SMS to the mobile number on record, if any; otherwise the
//! delivery fails with a reason code (`social_window_closed`,
//! `social_recipient_unreachable`, …) that a person then acts on. The
//! citizen's last message is the later of the message the case came with
//! (`Contact.social.message_at`, the platform's own time) and the citizen's
//! later messages on the case (notes of channel `SOCIAL_MEDIA`, recorded a
//! little after they were sent: `window_margin_minutes` covers that).
//!
//! Quiet hours do not hold social messages back: the citizen chose the
//! conversation, and waiting for the morning could close the platform's
//! window (the fallback SMS, once switched, goes at once too).
//!
//! # Exactly once
//!
//! The platforms' send APIs take no client-side idempotency key and have no
//! lookup: an attempt whose answer was lost (a timeout, a crash between the
//! request and the log write) is sent again, as e-mail is, and may then show
//! twice in the conversation. Everything that certainly was not taken
//! (refused connection, rate limits, credentials, 5xx) is retried with the
//! dispatcher's backoff; what the platform refuses for good fails at once.
//!
//! # The formats
//!
//! Each platform's request, answers and errors follow its documentation:
//!
//! - WhatsApp Cloud API, messages:
//!   <https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages>,
//!   template messages:
//!   <https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates>,
//!   error codes (build on `code`, not on titles or HTTP statuses):
//!   <https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes>.
//! - Messenger Platform Send API (Messenger and Instagram):
//!   <https://developers.facebook.com/docs/messenger-platform/reference/send-api>,
//!   message tags (`HUMAN_AGENT`, 7 days):
//!   <https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags>,
//!   Instagram messaging:
//!   <https://developers.facebook.com/docs/instagram-messaging/overview>,
//!   error codes: <https://developers.facebook.com/docs/messenger-platform/error-codes>.
//! - X API v2, create a DM by participant id (`201`, `data.dm_event_id`;
//!   errors as RFC 7807 problem details):
//!   <https://docs.x.com/x-api/direct-messages/create-dm-message-by-participant-id>.
//!
//! - [`settings`]: the `notify.social` block.
//! - [`whatsapp`], [`graph`] (Messenger and Instagram), [`x`]: one client each.
//! - [`SocialSenders::deliver`]: the window, the platform, the fallback.

pub mod graph;
pub mod settings;
pub mod whatsapp;
pub mod x;

use std::time::Duration;

use jiff::Timestamp;
use tekmerkez_types::contact::SocialPlatform;

use crate::cases::CaseView;
pub use settings::SocialSettings;

/// The platforms' free-form window after the citizen's last message.
pub const SERVICE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
/// How long Messenger and Instagram accept a `HUMAN_AGENT` reply.
pub const HUMAN_AGENT_WINDOW: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Where a social message goes, as the delivery log keeps it (JSON in the
/// delivery's `recipient`: personal data, cleared once the delivery is
/// final, never logged).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SocialRecipient {
    /// `whatsapp`, `messenger`, `instagram` or `x`.
    pub platform: String,
    /// The institution's account: WhatsApp phone-number id, Page id,
    /// Instagram account id, X user id.
    pub account_id: String,
    /// The citizen: WhatsApp id, PSID, IGSID, X user id.
    pub user_id: String,
    /// The citizen's last message (Unix microseconds); unknown counts as
    /// long ago.
    pub last_message_at: Option<i64>,
    /// A mobile number (E.164) to send an SMS to instead, when the platform
    /// no longer lets the institution write.
    pub sms_fallback: Option<String>,
}

impl std::fmt::Debug for SocialRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialRecipient")
            .field("platform", &self.platform)
            .field("account_id", &self.account_id)
            .field("has_sms_fallback", &self.sms_fallback.is_some())
            .finish_non_exhaustive()
    }
}

/// The recipient of a social message about `case`, serialised for the
/// delivery log; `None` when the case has no conversation to reply in.
pub fn recipient(case: &CaseView) -> Option<String> {
    let s = case.social.as_ref()?;
    let r = SocialRecipient {
        platform: s.platform.as_str().to_owned(),
        account_id: s.account_id.clone(),
        user_id: s.user_id.expose().to_owned(),
        last_message_at: case.last_social_message_at().map(Timestamp::as_microsecond),
        sms_fallback: case
            .phone
            .clone()
            .filter(|p| crate::survey::reaches_by_sms(p)),
    };
    serde_json::to_string(&r).ok()
}

/// The form a message may take now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Free text, inside the window.
    Text,
    /// WhatsApp's approved template, outside the window.
    Template,
    /// Messenger or Instagram text tagged `HUMAN_AGENT`, up to 7 days.
    HumanAgent,
}

/// The form the window allows for `platform` when the citizen last wrote
/// at `last` (`None`: unknown, counted as long ago); `None` when the
/// platform allows nothing now.
pub fn form(
    platform: SocialPlatform,
    last: Option<Timestamp>,
    now: Timestamp,
    s: &SocialSettings,
) -> Option<Form> {
    let margin = Duration::from_secs(s.window_margin_minutes.saturating_mul(60));
    let age = last.map(|l| now.duration_since(l).unsigned_abs());
    let within = |w: Duration| age.is_some_and(|a| a < w.saturating_sub(margin));
    if platform == SocialPlatform::X || within(SERVICE_WINDOW) {
        return Some(Form::Text);
    }
    outside_form(platform, age, margin, s)
}

/// The form for a conversation outside the free-form window.
fn outside_form(
    platform: SocialPlatform,
    age: Option<Duration>,
    margin: Duration,
    s: &SocialSettings,
) -> Option<Form> {
    match platform {
        SocialPlatform::WhatsApp => {
            (!s.whatsapp.template.name.trim().is_empty()).then_some(Form::Template)
        }
        SocialPlatform::Messenger | SocialPlatform::Instagram => {
            let g = if platform == SocialPlatform::Messenger {
                &s.messenger
            } else {
                &s.instagram
            };
            (g.human_agent && age.is_some_and(|a| a < HUMAN_AGENT_WINDOW.saturating_sub(margin)))
                .then_some(Form::HumanAgent)
        }
        SocialPlatform::X => None,
    }
}

/// One message to write in a conversation (personal data: `Debug` hides it).
#[derive(Clone)]
pub struct OutgoingSocial {
    /// The delivery id.
    pub id: uuid::Uuid,
    /// The text.
    pub text: String,
    /// For the template's parameters.
    pub tracking_number: String,
}

impl std::fmt::Debug for OutgoingSocial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingSocial")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// What a platform did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialOutcome {
    /// Taken; the platform's message id.
    Sent(String),
    /// Refused: outside the window for this form.
    WindowClosed,
    /// This person cannot be reached on the platform now (blocked, not on
    /// WhatsApp, no such user, our account restricted, the template
    /// refused): another channel may; a reason code.
    Unreachable(&'static str),
    /// This message is refused for good (a malformed request); a reason code.
    Rejected(&'static str),
    /// Not taken, or unknown: try again later; a reason code.
    Retry(&'static str),
}

/// What the dispatcher does with a social delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Sent; the platform's message id.
    Sent(String),
    /// Send it as an SMS to `phone` instead; `reason` says why.
    Fallback {
        /// E.164.
        phone: String,
        /// A reason code.
        reason: &'static str,
    },
    /// It fails for good; a reason code.
    Failed(&'static str),
    /// Try again later; a reason code.
    Retry(&'static str),
}

/// One platform's client.
#[async_trait::async_trait]
pub trait Platform: Send + Sync + std::fmt::Debug {
    /// Writes `msg` to `to` in `form`.
    async fn send(&self, to: &SocialRecipient, form: Form, msg: &OutgoingSocial) -> SocialOutcome;
}

/// The clients of the platforms that are on.
#[derive(Debug, Clone, Default)]
pub struct SocialSenders {
    settings: SocialSettings,
    whatsapp: Option<std::sync::Arc<dyn Platform>>,
    messenger: Option<std::sync::Arc<dyn Platform>>,
    instagram: Option<std::sync::Arc<dyn Platform>>,
    x: Option<std::sync::Arc<dyn Platform>>,
}

impl SocialSenders {
    /// The clients `settings` switch on.
    ///
    /// # Errors
    /// When an HTTP client cannot be built.
    pub fn new(settings: &SocialSettings, institution: &str) -> Result<Self, reqwest::Error> {
        let arc = |p: Box<dyn Platform>| -> std::sync::Arc<dyn Platform> { p.into() };
        Ok(Self {
            settings: settings.clone(),
            whatsapp: if settings.whatsapp.enabled {
                Some(arc(Box::new(whatsapp::WhatsApp::new(
                    &settings.whatsapp,
                    institution,
                )?)))
            } else {
                None
            },
            messenger: if settings.messenger.enabled {
                Some(arc(Box::new(graph::Graph::new(
                    &settings.messenger,
                    "messenger",
                )?)))
            } else {
                None
            },
            instagram: if settings.instagram.enabled {
                Some(arc(Box::new(graph::Graph::new(
                    &settings.instagram,
                    "instagram",
                )?)))
            } else {
                None
            },
            x: if settings.x.enabled {
                Some(arc(Box::new(x::X::new(&settings.x)?)))
            } else {
                None
            },
        })
    }

    fn client(&self, p: SocialPlatform) -> Option<&std::sync::Arc<dyn Platform>> {
        match p {
            SocialPlatform::WhatsApp => self.whatsapp.as_ref(),
            SocialPlatform::Messenger => self.messenger.as_ref(),
            SocialPlatform::Instagram => self.instagram.as_ref(),
            SocialPlatform::X => self.x.as_ref(),
        }
    }

    /// Writes `msg` to `to` as the window allows at `now`, or says to fall
    /// back to SMS, to fail, or to retry.
    pub async fn deliver(
        &self,
        to: &SocialRecipient,
        msg: &OutgoingSocial,
        now: Timestamp,
    ) -> Step {
        let fallback = |reason: &'static str| match &to.sms_fallback {
            Some(phone) => Step::Fallback {
                phone: phone.clone(),
                reason,
            },
            None => Step::Failed(reason),
        };
        let Some(platform) = SocialPlatform::parse(&to.platform) else {
            return Step::Failed("social_recipient_unreadable");
        };
        let Some(client) = self.client(platform) else {
            return fallback("social_platform_off");
        };
        let last = to
            .last_message_at
            .and_then(|m| Timestamp::from_microsecond(m).ok());
        let Some(first) = form(platform, last, now, &self.settings) else {
            return fallback("social_window_closed");
        };
        let mut outcome = client.send(to, first, msg).await;
        if outcome == SocialOutcome::WindowClosed && first == Form::Text {
            // The platform counts the window from what it saw, which is
            // what counts: answer in the form allowed outside it.
            let margin =
                Duration::from_secs(self.settings.window_margin_minutes.saturating_mul(60));
            let age = last.map(|l| now.duration_since(l).unsigned_abs());
            outcome = match outside_form(platform, age, margin, &self.settings) {
                Some(f) => client.send(to, f, msg).await,
                None => SocialOutcome::WindowClosed,
            };
        }
        match outcome {
            SocialOutcome::Sent(id) => Step::Sent(id),
            SocialOutcome::WindowClosed => fallback("social_window_closed"),
            SocialOutcome::Unreachable(reason) => fallback(reason),
            SocialOutcome::Rejected(reason) => Step::Failed(reason),
            SocialOutcome::Retry(reason) => Step::Retry(reason),
        }
    }
}

/// `text` cut to `max` characters (the platform's limit), marked with `…`.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A Graph API error answer (WhatsApp, Messenger, Instagram).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct GraphError {
    pub(crate) error: GraphErrorBody,
}

/// Its body: the documented `code` and, for some, `error_subcode`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct GraphErrorBody {
    #[serde(default)]
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) error_subcode: Option<i64>,
}

/// POSTs `body` as JSON to `url` with the account's bearer `token` and the
/// trace context, and reads the whole answer: `(status, body)`, or the
/// outcome of a transport failure (the same for every platform).
pub(crate) async fn post_json(
    client: &reqwest::Client,
    url: String,
    token: &secrecy::SecretString,
    body: &serde_json::Value,
) -> Result<(u16, bytes::Bytes), SocialOutcome> {
    use secrecy::ExposeSecret as _;
    let mut trace = reqwest::header::HeaderMap::new();
    tekmerkez_telemetry::propagation::inject_headers(&mut trace);
    let resp = client
        .post(url)
        .bearer_auth(token.expose_secret())
        .headers(trace)
        .json(body)
        .send()
        .await
        .map_err(|e| transport_failure(&e))?;
    let status = resp.status().as_u16();
    let bytes = resp
        .bytes()
        .await
        .map_err(|_| SocialOutcome::Retry("social_connection_lost"))?;
    Ok((status, bytes))
}

/// What a reqwest failure means: nothing sent when no connection was made;
/// otherwise unknown (sent again, see the module's *Exactly once*).
pub(crate) fn transport_failure(e: &reqwest::Error) -> SocialOutcome {
    if crate::sms::failed_before_sending(e) {
        SocialOutcome::Retry("social_unreachable")
    } else if e.is_timeout() {
        SocialOutcome::Retry("social_timeout")
    } else {
        SocialOutcome::Retry("social_connection_lost")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(template: &str, human_agent: bool) -> SocialSettings {
        let mut s = SocialSettings::default();
        s.whatsapp.template.name = template.into();
        s.messenger.human_agent = human_agent;
        s.instagram.human_agent = human_agent;
        s
    }

    #[test]
    fn the_window_decides_the_form_per_platform() {
        use SocialPlatform::{Instagram, Messenger, WhatsApp, X};
        let now: Timestamp = "2026-12-06T12:00:00Z".parse().unwrap();
        let ago = |h: i64, m: i64| Some(now - jiff::SignedDuration::from_mins(h * 60 + m));
        let on = settings("basvuru_bilgi", true);
        let off = settings("", false);
        for (platform, last, s, want) in [
            (WhatsApp, ago(0, 1), &on, Some(Form::Text)),
            (WhatsApp, ago(23, 30), &on, Some(Form::Text)),
            // Inside the margin before the 24 hours: no longer counted on.
            (WhatsApp, ago(23, 50), &on, Some(Form::Template)),
            (WhatsApp, ago(30, 0), &on, Some(Form::Template)),
            (WhatsApp, ago(30, 0), &off, None),
            (WhatsApp, None, &on, Some(Form::Template)),
            (Messenger, ago(2, 0), &off, Some(Form::Text)),
            (Messenger, ago(30, 0), &on, Some(Form::HumanAgent)),
            (Messenger, ago(30, 0), &off, None),
            (Instagram, ago(6 * 24 + 23, 0), &on, Some(Form::HumanAgent)),
            (Instagram, ago(8 * 24, 0), &on, None),
            (Instagram, None, &on, None),
            (X, ago(30 * 24, 0), &off, Some(Form::Text)),
        ] {
            assert_eq!(form(platform, last, now, s), want, "{platform:?} {last:?}");
        }
    }

    #[test]
    fn long_texts_are_cut_to_the_platforms_limit() {
        assert_eq!(fit("kısa", 10), "kısa");
        assert_eq!(fit("çğıöşü", 4), "çğı…");
        assert_eq!(fit("çğıöşü", 4).chars().count(), 4);
    }

    #[test]
    fn the_recipient_never_shows_in_debug() {
        let r = SocialRecipient {
            platform: "whatsapp".into(),
            account_id: "106540352242922".into(),
            user_id: "905321234567".into(),
            last_message_at: Some(1),
            sms_fallback: Some("+905321234567".into()),
        };
        let d = format!("{r:?}");
        assert!(!d.contains("5321234567"), "{d}");
    }
}
