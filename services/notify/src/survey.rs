//! The satisfaction survey (memnuniyet anketi) and the citizens' signed
//! links, notify's side.
//!
//! - [`Links`]: the signed status link (`{{status_url}}`, `/takip/d/…`,
//!   the official answer without typing digits) and survey link
//!   (`{{survey_url}}`, `/anket/…`), signed with `signed_links.secret`
//!   (the gateway verifies them with the same secret).
//! - [`channel_for`]: the ONE place that decides on which channel a case's
//!   citizen is asked: a new channel (WhatsApp) joins here and gets a rule
//!   of its channel with the `survey_due` trigger.
//! - [`OptOuts`]: "do not send me surveys", kept per contact as an HMAC of
//!   the normalised phone number or e-mail address (`survey.contact_key`),
//!   never the number itself, and checked before each survey. It comes from
//!   the survey page (the gateway calls `OptOutOfSurveys`) or from an SMS
//!   with the opt-out keyword to the SMS provider's inbound webhook.
//!
//! One survey per case: its delivery's idempotency key is
//! `survey:<case id>`, so neither a redelivered event nor a second
//! resolution (a reopened case) sends another.

use std::time::Duration;

use hmac::{Hmac, Mac as _};
use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;
use tekmerkez_signed_link::{Purpose, SignedLinks};
use tekmerkez_types::contact::PhoneNumber;
use uuid::Uuid;

use crate::{cases::CaseView, catalogue::Channel, store::NotifyStore};

/// The survey's settings (`notify.survey`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySettings {
    /// Off sends no survey (the rules stay).
    pub enabled: bool,
    /// How long after the resolution the survey goes (then quiet hours apply).
    pub delay_minutes: u64,
    /// How long a survey link can be answered.
    pub link_days: u64,
    /// The key of the opt-out list's contact hashes (a secret, at least 32
    /// characters; keep it: a new key forgets every opt-out). Empty: no
    /// survey is sent, since an opt-out could not be honoured.
    pub contact_key: SecretString,
    /// The word a citizen texts back to get no more surveys
    /// (`{{opt_out_keyword}}` in the survey SMS).
    pub opt_out_keyword: String,
}

impl SurveySettings {
    /// The delay before a survey.
    pub fn delay(&self) -> Duration {
        Duration::from_secs(self.delay_minutes.saturating_mul(60))
    }
}

/// The deliveries' idempotency key of a case's survey: one per case.
pub fn idempotency_key(case_id: &str) -> String {
    format!("survey:{case_id}")
}

/// On which channel the citizen of `case`, who chose `reply` (a reply
/// channel code), is asked, if any: the one place a new channel joins.
/// E-mail for an e-mail reply; an SMS to a mobile for an SMS or letter reply
/// (a letter applicant without a mobile, by e-mail); the social-media
/// conversation for a reply there (the social channel falls back to an SMS
/// when the platform's window has closed); none for a phone
/// callback (the callback agent asks during the call and writes the score
/// in the outcome form) or for no contact.
pub fn channel_for(reply: &str, case: &CaseView) -> Option<Channel> {
    let mobile = case.phone.as_deref().is_some_and(reaches_by_sms);
    match reply {
        "email" => case.email.is_some().then_some(Channel::Email),
        "social" => case.social.is_some().then_some(Channel::Social),
        "sms" => mobile.then_some(Channel::Sms),
        "letter" => {
            if mobile {
                Some(Channel::Sms)
            } else {
                case.email.is_some().then_some(Channel::Email)
            }
        }
        _ => None,
    }
}

/// Whether an SMS can reach `phone`: only a Turkish mobile number.
pub fn reaches_by_sms(phone: &str) -> bool {
    PhoneNumber::parse(phone).is_ok_and(|p| p.is_mobile())
}

/// The citizens' signed links.
#[derive(Debug, Clone)]
pub struct Links {
    /// `None`: no secret configured; messages carry the plain tracking page.
    signer: Option<SignedLinks>,
    /// `https://host` of the citizens' pages, without a trailing slash.
    public_url: String,
    status_days: u64,
    survey_days: u64,
}

impl Links {
    /// Links signed by `signer` under `public_url`.
    pub fn new(
        signer: Option<SignedLinks>,
        public_url: &str,
        status_days: u64,
        survey_days: u64,
    ) -> Self {
        Self {
            signer,
            public_url: public_url.trim().trim_end_matches('/').to_owned(),
            status_days,
            survey_days,
        }
    }

    /// Whether links can be signed.
    pub fn enabled(&self) -> bool {
        self.signer.is_some()
    }

    fn url(
        &self,
        purpose: Purpose,
        path: &str,
        case_id: &str,
        days: u64,
        now: Timestamp,
    ) -> Option<String> {
        let signer = self.signer.as_ref()?;
        let id = Uuid::parse_str(case_id).ok()?;
        let hours = i64::try_from(days.saturating_mul(24)).unwrap_or(i64::MAX / 3600);
        let until = now
            .checked_add(SignedDuration::from_hours(hours))
            .unwrap_or(Timestamp::MAX);
        Some(format!(
            "{}{path}{}",
            self.public_url,
            signer.sign(purpose, id, until)
        ))
    }

    /// The signed status link of case `case_id` (`/takip/d/<token>`).
    pub fn status_url(&self, case_id: &str, now: Timestamp) -> Option<String> {
        self.url(Purpose::Status, "/takip/d/", case_id, self.status_days, now)
    }

    /// The signed survey link of case `case_id` (`/anket/<token>`).
    pub fn survey_url(&self, case_id: &str, now: Timestamp) -> Option<String> {
        self.url(Purpose::Survey, "/anket/", case_id, self.survey_days, now)
    }
}

/// Where an opt-out came from (stored with it, a code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOutSource {
    /// The survey page's "send me no surveys".
    Link,
    /// The keyword texted to the SMS provider.
    SmsKeyword,
}

impl OptOutSource {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::SmsKeyword => "sms_keyword",
        }
    }
}

/// The opt-out list, keyed by contact hashes.
#[derive(Clone)]
pub struct OptOuts {
    store: NotifyStore,
    key: SecretString,
    keyword: String,
}

impl std::fmt::Debug for OptOuts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptOuts")
            .field("keyword", &self.keyword)
            .finish_non_exhaustive()
    }
}

/// The normalised contact values of a case: `phone:+90…`, `email:…`.
fn contact_values(phone: Option<&str>, email: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = phone.and_then(|p| PhoneNumber::parse(p).ok()) {
        out.push(format!("phone:{}", p.expose()));
    }
    if let Some(e) = email.map(str::trim).filter(|e| !e.is_empty()) {
        // ASCII letters fold; Turkish letters stay as typed (as the case
        // service's person index does).
        out.push(format!("email:{}", e.to_ascii_lowercase()));
    }
    out
}

impl OptOuts {
    /// The list in `store`; `None` without a contact key.
    pub fn new(store: NotifyStore, settings: &SurveySettings) -> Option<Self> {
        (!settings.contact_key.expose_secret().is_empty()).then(|| Self {
            store,
            key: settings.contact_key.clone(),
            keyword: settings.opt_out_keyword.trim().to_owned(),
        })
    }

    /// The opt-out keyword.
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    #[expect(
        clippy::expect_used,
        reason = "HMAC-SHA256 takes a key of any length: new_from_slice cannot fail"
    )]
    fn hash(&self, value: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as hmac::Mac>::new_from_slice(self.key.expose_secret().as_bytes())
                .expect("HMAC-SHA256 takes any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn hashes(&self, phone: Option<&str>, email: Option<&str>) -> Vec<String> {
        contact_values(phone, email)
            .iter()
            .map(|v| self.hash(v))
            .collect()
    }

    /// Records every contact detail of `case` as opted out: how many.
    ///
    /// # Errors
    /// Store failures.
    pub async fn opt_out_case(
        &self,
        case: &CaseView,
        source: OptOutSource,
    ) -> Result<u32, crate::store::StoreError> {
        let hashes = self.hashes(case.phone.as_deref(), case.email.as_deref());
        let now = Timestamp::now().as_microsecond();
        for h in &hashes {
            self.store.record_opt_out(h, source.as_str(), now).await?;
        }
        Ok(u32::try_from(hashes.len()).unwrap_or(u32::MAX))
    }

    /// Records `phone` as opted out; false when it is not a phone number.
    ///
    /// # Errors
    /// Store failures.
    pub async fn opt_out_phone(
        &self,
        phone: &str,
        source: OptOutSource,
    ) -> Result<bool, crate::store::StoreError> {
        let hashes = self.hashes(Some(phone), None);
        let now = Timestamp::now().as_microsecond();
        for h in &hashes {
            self.store.record_opt_out(h, source.as_str(), now).await?;
        }
        Ok(!hashes.is_empty())
    }

    /// Whether the citizen of `case` asked for no surveys (any of their
    /// contact details).
    ///
    /// # Errors
    /// Store failures.
    pub async fn is_opted_out(&self, case: &CaseView) -> Result<bool, crate::store::StoreError> {
        let hashes = self.hashes(case.phone.as_deref(), case.email.as_deref());
        self.store.any_opted_out(&hashes).await
    }

    /// Whether `text` (an inbound SMS) is the opt-out keyword: the word
    /// alone, in any case (Turkish rules), with surrounding spaces and
    /// punctuation ignored.
    pub fn is_keyword(&self, text: &str) -> bool {
        let word = text
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        !self.keyword.is_empty() && tekmerkez_turkish::eq_ignore_case(word, &self.keyword)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(phone: Option<&str>, email: Option<&str>) -> CaseView {
        CaseView {
            phone: phone.map(str::to_owned),
            email: email.map(str::to_owned),
            ..CaseView::default()
        }
    }

    #[test]
    fn the_survey_goes_on_the_citizens_channel_and_never_to_a_landline() {
        let m = Some("+905321234567");
        let landline = Some("+903125551234");
        let e = Some("ayse@example.org");
        assert_eq!(channel_for("sms", &view(m, e)), Some(Channel::Sms));
        assert_eq!(channel_for("email", &view(m, e)), Some(Channel::Email));
        assert_eq!(channel_for("email", &view(m, None)), None);
        assert_eq!(channel_for("letter", &view(m, e)), Some(Channel::Sms));
        assert_eq!(
            channel_for("letter", &view(landline, e)),
            Some(Channel::Email)
        );
        assert_eq!(channel_for("letter", &view(landline, None)), None);
        assert_eq!(channel_for("sms", &view(landline, e)), None);
        assert_eq!(
            channel_for("phone_callback", &view(m, e)),
            None,
            "asked during the callback"
        );
        assert_eq!(channel_for("no_contact", &view(None, None)), None);
        // In the conversation the application came from, when there is one.
        let mut social = view(m, None);
        assert_eq!(channel_for("social", &social), None);
        social.social = tekmerkez_types::contact::SocialAddress::parse(
            tekmerkez_types::contact::SocialPlatform::WhatsApp,
            "106540352242922",
            "905321234567",
            None,
        )
        .ok();
        assert_eq!(channel_for("social", &social), Some(Channel::Social));
    }

    #[test]
    fn contacts_are_normalised_before_hashing() {
        assert_eq!(
            contact_values(Some("0532 123 45 67"), Some(" Ayse@Example.ORG ")),
            vec![
                "phone:+905321234567".to_owned(),
                "email:ayse@example.org".to_owned()
            ]
        );
        assert_eq!(contact_values(Some("yok"), None), Vec::<String>::new());
    }

    #[test]
    fn links_carry_a_token_under_the_public_address_or_nothing_without_a_secret() {
        let signer = SignedLinks::from_settings(&tekmerkez_signed_link::SignedLinkSettings {
            secret: "0123456789abcdef0123456789abcdef-test".into(),
            previous_secrets: Vec::new(),
        })
        .unwrap();
        let now = Timestamp::now();
        let id = Uuid::now_v7().to_string();
        let l = Links::new(signer.clone(), "https://tekmerkez.example/", 180, 30);
        let s = l.status_url(&id, now).unwrap();
        assert!(s.starts_with("https://tekmerkez.example/takip/d/"), "{s}");
        let token = s.rsplit('/').next().unwrap();
        assert_eq!(
            signer
                .as_ref()
                .unwrap()
                .verify(token, Purpose::Status, now)
                .unwrap()
                .to_string(),
            id
        );
        let v = l.survey_url(&id, now).unwrap();
        assert!(v.starts_with("https://tekmerkez.example/anket/"), "{v}");
        assert_eq!(l.status_url("not-an-id", now), None);
        let off = Links::new(None, "https://x", 1, 1);
        assert!(!off.enabled() && off.survey_url(&id, now).is_none());
    }
}
