//! Rules and templates are data: which case event sends what to whom, and
//! the words, in Turkish and English. Both are versioned in the database
//! (an edit adds a version; the highest is in force) and editable by an
//! admin through `NotificationService` without a deploy; the defaults below
//! are written on first start.
//!
//! | rule | on | sends |
//! | --- | --- | --- |
//! | `basvuru_alindi` | a case opened (not information-only) | SMS with the tracking number, at once |
//! | `bilgi_verildi` | an information-only case opened (and resolved) | one SMS saying so, at once |
//! | `yanit_eposta` | closed by the expert, reply by e-mail | the official answer by e-mail |
//! | `yanit_sms` | resolved, reply by SMS | the official answer by SMS (quiet hours) |
//! | `sonuclandi` | resolved otherwise (not information-only) | SMS that it was resolved (quiet hours) |
//! | `anket_sms` | resolved (survey due), the citizen's channel is SMS | the satisfaction survey link by SMS (quiet hours) |
//! | `anket_eposta` | resolved (survey due), the citizen's channel is e-mail | the satisfaction survey link by e-mail |
//! | `anket_sosyal` | resolved (survey due), the citizen's channel is the conversation | the survey link in the conversation (or by SMS when its window has closed) |
//! | `basvuru_alindi_eposta` | a case opened (not information-only) | e-mail with the tracking number, at once |
//! | `basvuru_alindi_sosyal` | a case opened (not information-only) | the tracking number in the social-media conversation, at once |
//! | `yanit_sosyal` | resolved, reply in the conversation | the official answer in the conversation |
//! | `sure_uzatildi_sms` | a 4982 request's due date extended, reply by SMS, phone or letter | SMS with the new due date, at once |
//! | `sure_uzatildi_eposta` | a 4982 request's due date extended, reply by e-mail | e-mail with the new due date, at once |
//!
//! SMS rules need a phone number and the applicant's KVKK consent; e-mail
//! rules need an address; social rules a conversation. Of the rules for an
//! opened case only one acknowledges it, on the channel
//! [`crate::acknowledgement`] picks. The answers carry the signed status
//! link (`{{status_url}}`: the status and the official answer without
//! typing the phone's digits). The survey rules (`survey_due`) are one per
//! channel: which one applies to a case is decided in one place,
//! [`crate::survey::channel_for`], and a case gets one survey at most.

use serde::{Deserialize, Serialize};

/// What a rule reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    CaseOpened,
    CaseClosedByExpert,
    CaseResolved,
    /// A case was resolved and its citizen may be asked for a satisfaction
    /// score (once per case, on the channel [`crate::survey::channel_for`] picks).
    SurveyDue,
    /// A 4982 request's legal due date was extended: the law requires the
    /// applicant be told (Law 4982 art. 11).
    LegalDeadlineExtended,
}

impl Trigger {
    /// The code used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseOpened => "case_opened",
            Self::CaseClosedByExpert => "case_closed_by_expert",
            Self::CaseResolved => "case_resolved",
            Self::SurveyDue => "survey_due",
            Self::LegalDeadlineExtended => "legal_deadline_extended",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::CaseOpened,
            Self::CaseClosedByExpert,
            Self::CaseResolved,
            Self::SurveyDue,
            Self::LegalDeadlineExtended,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
    /// A message in the citizen's social-media conversation.
    Social,
}

impl Channel {
    /// The code stored in the delivery log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::Social => "social",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sms" => Some(Self::Sms),
            "email" => Some(Self::Email),
            "social" => Some(Self::Social),
            _ => None,
        }
    }
}

/// When a message may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// At once: the acknowledgement of what the citizen just did.
    Immediate,
    /// Outside quiet hours, unless the case is urgent.
    RespectQuietHours,
}

/// The reply channels a rule may be limited to (`tekmerkez.common.v1.ReplyChannel` codes).
pub const REPLY_CHANNELS: &[&str] = &["sms", "phone_callback", "email", "letter", "social"];

/// One rule (the body stored per version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable key; also the message kind in the idempotency key.
    pub key: String,
    /// Version (1, 2, …); the highest is in force.
    #[serde(default)]
    pub version: i64,
    /// Off keeps the rule but sends nothing.
    pub enabled: bool,
    /// What it reacts to.
    pub trigger: Trigger,
    /// Only for information-only cases (true), only for others (false), or both.
    pub information_only: Option<bool>,
    /// Only for these reply channels; empty: any.
    pub reply_channels: Vec<String>,
    /// SMS or e-mail.
    pub channel: Channel,
    /// The template's key.
    pub template: String,
    /// Needs the applicant's KVKK consent on record.
    pub require_consent: bool,
    /// At once or outside quiet hours.
    pub timing: Timing,
    /// What it is for, for admins.
    pub description: String,
}

/// What a rule is matched against: the event and the case's flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    /// What happened.
    pub trigger: Trigger,
    /// Information-only case.
    pub information_only: bool,
    /// The reply channel code.
    pub reply_channel: &'a str,
}

impl Rule {
    /// Whether the event-level conditions hold (contact and consent are
    /// checked on the case itself).
    pub fn matches(&self, f: &Facts<'_>) -> bool {
        self.enabled
            && self.trigger == f.trigger
            && self
                .information_only
                .is_none_or(|i| i == f.information_only)
            && (self.reply_channels.is_empty()
                || self.reply_channels.iter().any(|r| r == f.reply_channel))
    }

    /// Checks a rule an admin sends.
    ///
    /// # Errors
    /// `(field, rule)` of the first problem.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let key_ok = |k: &str| {
            !k.is_empty()
                && k.len() <= 64
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !key_ok(&self.key) {
            return Err(("rule.key", "must be 1 to 64 of a-z, 0-9 and _"));
        }
        if !key_ok(&self.template) {
            return Err(("rule.template", "must be a template key"));
        }
        if self
            .reply_channels
            .iter()
            .any(|r| !REPLY_CHANNELS.contains(&r.as_str()))
        {
            return Err((
                "rule.reply_channels",
                "must be sms, phone_callback, email, letter or social",
            ));
        }
        if self.description.chars().count() > 500 {
            return Err(("rule.description", "must be at most 500 characters"));
        }
        Ok(())
    }
}

/// One template in one language (the body stored per version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable key, named by rules.
    pub key: String,
    /// `tr` or `en`.
    pub locale: String,
    /// Version (1, 2, …); the highest is in force.
    #[serde(default)]
    pub version: i64,
    /// SMS or e-mail.
    pub channel: Channel,
    /// The e-mail's subject (the tracking number is added if it lacks it).
    pub subject: String,
    /// The SMS text, or the e-mail's plain-text part.
    pub body: String,
    /// The e-mail's HTML part (values HTML-escaped); empty: derived from the text.
    pub html: String,
}

impl Template {
    /// Whether `other` says the same in the same way (the version aside).
    pub fn same_words(&self, other: &Self) -> bool {
        self.key == other.key
            && self.locale == other.locale
            && self.channel == other.channel
            && self.subject == other.subject
            && self.body == other.body
            && self.html == other.html
    }

    /// Checks a template an admin sends.
    ///
    /// # Errors
    /// `(field, rule)` of the first problem.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !matches!(self.locale.as_str(), "tr" | "en") {
            return Err(("template.locale", "must be tr or en"));
        }
        if self.key.is_empty()
            || self.key.len() > 64
            || !self
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(("template.key", "must be 1 to 64 of a-z, 0-9 and _"));
        }
        if self.body.trim().is_empty() || self.body.chars().count() > 10_000 {
            return Err(("template.body", "must be 1 to 10 000 characters"));
        }
        for (field, text) in [
            ("template.body", &self.body),
            ("template.subject", &self.subject),
            ("template.html", &self.html),
        ] {
            crate::template::validate(text).map_err(|e| match e {
                crate::template::TemplateError::Unclosed => {
                    (field, "has a placeholder that is not closed")
                }
                _ => (field, "names a variable that does not exist"),
            })?;
        }
        if self.channel == Channel::Email && self.subject.trim().is_empty() {
            return Err(("template.subject", "is required for e-mail"));
        }
        if self.subject.contains(['\r', '\n']) {
            return Err(("template.subject", "must be one line"));
        }
        Ok(())
    }
}

/// The rules written on first start.
pub fn default_rules() -> Vec<Rule> {
    let rule = |key: &str,
                trigger,
                information_only,
                reply: &[&str],
                channel,
                template: &str,
                consent,
                timing,
                description: &str| Rule {
        key: key.into(),
        version: 1,
        enabled: true,
        trigger,
        information_only,
        reply_channels: reply.iter().map(|r| (*r).to_owned()).collect(),
        channel,
        template: template.into(),
        require_consent: consent,
        timing,
        description: description.into(),
    };
    vec![
        rule(
            "basvuru_alindi",
            Trigger::CaseOpened,
            Some(false),
            &[],
            Channel::Sms,
            "basvuru_alindi",
            true,
            Timing::Immediate,
            "Başvuru kaydedilince takip numarasıyla SMS",
        ),
        rule(
            "bilgi_verildi",
            Trigger::CaseOpened,
            Some(true),
            &[],
            Channel::Sms,
            "bilgi_verildi",
            true,
            Timing::Immediate,
            "Yalnızca bilgi verilen başvuru: açılıp hemen çözüldüğünü bildiren tek SMS",
        ),
        rule(
            "yanit_eposta",
            Trigger::CaseClosedByExpert,
            Some(false),
            &["email"],
            Channel::Email,
            "yanit_eposta",
            false,
            Timing::Immediate,
            "Yanıtı e-postayla isteyene yetkili açıklaması",
        ),
        rule(
            "yanit_sms",
            Trigger::CaseResolved,
            Some(false),
            &["sms"],
            Channel::Sms,
            "yanit_sms",
            true,
            Timing::RespectQuietHours,
            "Yanıtı SMS ile isteyene yetkili açıklaması",
        ),
        rule(
            "sonuclandi",
            Trigger::CaseResolved,
            Some(false),
            &["phone_callback", "email", "letter"],
            Channel::Sms,
            "sonuclandi",
            true,
            Timing::RespectQuietHours,
            "Başvuru sonuçlanınca SMS",
        ),
        rule(
            "anket_sms",
            Trigger::SurveyDue,
            Some(false),
            &[],
            Channel::Sms,
            "anket_sms",
            true,
            Timing::RespectQuietHours,
            "Sonuçlanan başvuru için memnuniyet anketi, vatandaşın kanalı SMS ise (başvuru başına bir kez)",
        ),
        rule(
            "anket_eposta",
            Trigger::SurveyDue,
            Some(false),
            &[],
            Channel::Email,
            "anket_eposta",
            true,
            Timing::RespectQuietHours,
            "Sonuçlanan başvuru için memnuniyet anketi, vatandaşın kanalı e-posta ise (başvuru başına bir kez)",
        ),
        rule(
            "anket_sosyal",
            Trigger::SurveyDue,
            Some(false),
            &[],
            Channel::Social,
            "anket_sosyal",
            true,
            Timing::RespectQuietHours,
            "Sonuçlanan başvuru için memnuniyet anketi, vatandaşın yazdığı sosyal medya yazışmasında (başvuru başına bir kez)",
        ),
        rule(
            "basvuru_alindi_eposta",
            Trigger::CaseOpened,
            Some(false),
            &[],
            Channel::Email,
            "basvuru_alindi_eposta",
            false,
            Timing::Immediate,
            "Başvuru kaydedilince takip numarasıyla e-posta (e-postayla yazana ya da yanıtı e-postayla isteyene)",
        ),
        rule(
            "basvuru_alindi_sosyal",
            Trigger::CaseOpened,
            Some(false),
            &[],
            Channel::Social,
            "basvuru_alindi_sosyal",
            true,
            Timing::Immediate,
            "Başvuru kaydedilince takip numarası, vatandaşın yazdığı sosyal medya yazışmasında",
        ),
        rule(
            "yanit_sosyal",
            Trigger::CaseResolved,
            Some(false),
            &["social"],
            Channel::Social,
            "yanit_sosyal",
            true,
            Timing::Immediate,
            "Yanıtı sosyal medya yazışmasında isteyene yetkili açıklaması",
        ),
        rule(
            "sure_uzatildi_sms",
            Trigger::LegalDeadlineExtended,
            Some(false),
            &["sms", "phone_callback", "letter"],
            Channel::Sms,
            "sure_uzatildi_sms",
            true,
            Timing::Immediate,
            "Bilgi edinme başvurusunun süresi uzatılınca yeni tarihi bildiren SMS (4982 s. K. m. 11)",
        ),
        rule(
            "sure_uzatildi_eposta",
            Trigger::LegalDeadlineExtended,
            Some(false),
            &["email"],
            Channel::Email,
            "sure_uzatildi_eposta",
            false,
            Timing::Immediate,
            "Bilgi edinme başvurusunun süresi uzatılınca yeni tarihi bildiren e-posta (4982 s. K. m. 11)",
        ),
    ]
}

/// The templates written on first start, Turkish and English.
pub fn default_templates() -> Vec<Template> {
    let t = |key: &str, locale: &str, channel, subject: &str, body: &str, html: &str| Template {
        key: key.into(),
        locale: locale.into(),
        version: 1,
        channel,
        subject: subject.into(),
        body: body.into(),
        html: html.into(),
    };
    vec![
        t(
            "basvuru_alindi",
            "tr",
            Channel::Sms,
            "",
            "Başvurunuz alındı. Takip numaranız: {{tracking_number}}. {{outage_notice}}Durumunu {{tracking_url}} adresinden izleyebilirsiniz. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi",
            "en",
            Channel::Sms,
            "",
            "Your application has been recorded. Tracking number: {{tracking_number}}. {{outage_notice}}Follow it at {{tracking_url}}. {{institution}}",
            "",
        ),
        t(
            "bilgi_verildi",
            "tr",
            Channel::Sms,
            "",
            "Bilgi talebiniz {{tracking_number}} numarasıyla kaydedildi ve yanıtlanarak sonuçlandırıldı. {{institution}}",
            "",
        ),
        t(
            "bilgi_verildi",
            "en",
            Channel::Sms,
            "",
            "Your information request was recorded as {{tracking_number}} and answered. {{institution}}",
            "",
        ),
        t(
            "yanit_sms",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı başvurunuz sonuçlandı. Yanıtımız: {{official_answer | takip sayfasındadır}} Ayrıntılar: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "yanit_sms",
            "en",
            Channel::Sms,
            "",
            "Your application {{tracking_number}} has been resolved. Our answer: {{official_answer | on the tracking page}} Details: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "sonuclandi",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı başvurunuz sonuçlandı. Ayrıntılar: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "sonuclandi",
            "en",
            Channel::Sms,
            "",
            "Your application {{tracking_number}} has been resolved. Details: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "yanit_eposta",
            "tr",
            Channel::Email,
            "Başvurunuzun yanıtı [{{tracking_number}}]",
            "Sayın {{applicant_name}},\n\n{{tracking_number}} takip numaralı başvurunuz incelendi. Yetkili açıklaması:\n\n{{official_answer}}\n\nBu e-postayı yanıtlayarak bize yeniden yazabilirsiniz; yanıtınız aynı başvuruya eklenir.\nBaşvurunuzun durumunu ve yanıtını {{status_url}} adresinden görebilirsiniz.\n\nSaygılarımızla,\n{{institution}}",
            "<p>Sayın {{applicant_name}},</p>\n<p><strong>{{tracking_number}}</strong> takip numaralı başvurunuz incelendi. Yetkili açıklaması:</p>\n<blockquote>{{official_answer}}</blockquote>\n<p>Bu e-postayı yanıtlayarak bize yeniden yazabilirsiniz; yanıtınız aynı başvuruya eklenir.<br>\nBaşvurunuzun durumunu ve yanıtını <a href=\"{{status_url}}\">{{status_url}}</a> adresinden görebilirsiniz.</p>\n<p>Saygılarımızla,<br>\n{{institution}}</p>",
        ),
        t(
            "yanit_eposta",
            "en",
            Channel::Email,
            "The answer to your application [{{tracking_number}}]",
            "Dear {{applicant_name}},\n\nYour application {{tracking_number}} has been reviewed. The official answer:\n\n{{official_answer}}\n\nReply to this e-mail to write to us again; your reply joins the same application.\nSee its status and the answer at {{status_url}}.\n\nKind regards,\n{{institution}}",
            "<p>Dear {{applicant_name}},</p>\n<p>Your application <strong>{{tracking_number}}</strong> has been reviewed. The official answer:</p>\n<blockquote>{{official_answer}}</blockquote>\n<p>Reply to this e-mail to write to us again; your reply joins the same application.<br>\nSee its status and the answer at <a href=\"{{status_url}}\">{{status_url}}</a>.</p>\n<p>Kind regards,<br>\n{{institution}}</p>",
        ),
        t(
            "anket_sms",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı başvurunuz için hizmetimizi 1-5 arası puanlar mısınız? {{survey_url}} Anket istemiyorsanız {{opt_out_keyword}} yazıp yanıtlayın. {{institution}}",
            "",
        ),
        t(
            "anket_sms",
            "en",
            Channel::Sms,
            "",
            "Please rate our service for your application {{tracking_number}} from 1 to 5: {{survey_url}} To get no surveys, reply {{opt_out_keyword}}. {{institution}}",
            "",
        ),
        t(
            "anket_eposta",
            "tr",
            Channel::Email,
            "Memnuniyet anketi [{{tracking_number}}]",
            "Sayın {{applicant_name}},\n\n{{tracking_number}} takip numaralı başvurunuz sonuçlandı. Hizmetimizi değerlendirmeniz bizim için önemli: aşağıdaki bağlantıdan 1 ile 5 arasında bir puan verebilir, dilerseniz görüşünüzü yazabilirsiniz. Bir dakikanızı alır.\n\n{{survey_url}}\n\nAnket bir kez yanıtlanabilir. Anket almak istemiyorsanız aynı sayfadan bildirebilirsiniz.\n\nSaygılarımızla,\n{{institution}}",
            "<p>Sayın {{applicant_name}},</p>\n<p><strong>{{tracking_number}}</strong> takip numaralı başvurunuz sonuçlandı. Hizmetimizi değerlendirmeniz bizim için önemli: aşağıdaki bağlantıdan 1 ile 5 arasında bir puan verebilir, dilerseniz görüşünüzü yazabilirsiniz. Bir dakikanızı alır.</p>\n<p><a href=\"{{survey_url}}\">Anketi yanıtlayın</a></p>\n<p>Anket bir kez yanıtlanabilir. Anket almak istemiyorsanız aynı sayfadan bildirebilirsiniz.</p>\n<p>Saygılarımızla,<br>\n{{institution}}</p>",
        ),
        t(
            "anket_eposta",
            "en",
            Channel::Email,
            "How did we do? [{{tracking_number}}]",
            "Dear {{applicant_name}},\n\nYour application {{tracking_number}} has been resolved. Please tell us how we did: give a score from 1 to 5 and, if you like, a comment at the link below. It takes a minute.\n\n{{survey_url}}\n\nThe survey can be answered once. If you want no surveys, you can say so on the same page.\n\nKind regards,\n{{institution}}",
            "<p>Dear {{applicant_name}},</p>\n<p>Your application <strong>{{tracking_number}}</strong> has been resolved. Please tell us how we did: give a score from 1 to 5 and, if you like, a comment at the link below. It takes a minute.</p>\n<p><a href=\"{{survey_url}}\">Answer the survey</a></p>\n<p>The survey can be answered once. If you want no surveys, you can say so on the same page.</p>\n<p>Kind regards,<br>\n{{institution}}</p>",
        ),
        t(
            "anket_sosyal",
            "tr",
            Channel::Social,
            "",
            "{{tracking_number}} numaralı başvurunuz için hizmetimizi 1-5 arası puanlar mısınız? {{survey_url}} Anket istemiyorsanız aynı sayfadan bildirebilirsiniz. {{institution}}",
            "",
        ),
        t(
            "anket_sosyal",
            "en",
            Channel::Social,
            "",
            "Please rate our service for your application {{tracking_number}} from 1 to 5: {{survey_url}} If you want no surveys, say so on the same page. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi_eposta",
            "tr",
            Channel::Email,
            "Başvurunuz alındı [{{tracking_number}}]",
            "Sayın {{applicant_name}},\n\nBaşvurunuz {{tracking_number}} takip numarasıyla kaydedildi ve ilgili birime iletildi.\n\nBu e-postayı yanıtlayarak başvurunuza ekleme yapabilirsiniz; yanıtınız aynı başvuruya eklenir.\nBaşvurunuzu {{tracking_url}} adresinden izleyebilirsiniz.\n\nSaygılarımızla,\n{{institution}}",
            "<p>Sayın {{applicant_name}},</p>\n<p>Başvurunuz <strong>{{tracking_number}}</strong> takip numarasıyla kaydedildi ve ilgili birime iletildi.</p>\n<p>Bu e-postayı yanıtlayarak başvurunuza ekleme yapabilirsiniz; yanıtınız aynı başvuruya eklenir.<br>\nBaşvurunuzu <a href=\"{{tracking_url}}\">{{tracking_url}}</a> adresinden izleyebilirsiniz.</p>\n<p>Saygılarımızla,<br>\n{{institution}}</p>",
        ),
        t(
            "basvuru_alindi_eposta",
            "en",
            Channel::Email,
            "Your application has been received [{{tracking_number}}]",
            "Dear {{applicant_name}},\n\nYour application has been recorded under tracking number {{tracking_number}} and passed to the unit concerned.\n\nReply to this e-mail to add to your application; your reply joins the same application.\nFollow it at {{tracking_url}}.\n\nKind regards,\n{{institution}}",
            "<p>Dear {{applicant_name}},</p>\n<p>Your application has been recorded under tracking number <strong>{{tracking_number}}</strong> and passed to the unit concerned.</p>\n<p>Reply to this e-mail to add to your application; your reply joins the same application.<br>\nFollow it at <a href=\"{{tracking_url}}\">{{tracking_url}}</a>.</p>\n<p>Kind regards,<br>\n{{institution}}</p>",
        ),
        t(
            "basvuru_alindi_sosyal",
            "tr",
            Channel::Social,
            "",
            "Başvurunuz alındı. Takip numaranız: {{tracking_number}}. {{outage_notice}}Bu yazışmaya yazdıklarınız aynı başvuruya eklenir. Durumunu {{tracking_url}} adresinden izleyebilirsiniz. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi_sosyal",
            "en",
            Channel::Social,
            "",
            "Your application has been recorded. Tracking number: {{tracking_number}}. {{outage_notice}}What you write in this conversation joins the same application. Follow it at {{tracking_url}}. {{institution}}",
            "",
        ),
        t(
            "yanit_sosyal",
            "tr",
            Channel::Social,
            "",
            "{{tracking_number}} numaralı başvurunuz sonuçlandı. Yanıtımız: {{official_answer | takip sayfasındadır}} Ayrıntılar: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "yanit_sosyal",
            "en",
            Channel::Social,
            "",
            "Your application {{tracking_number}} has been resolved. Our answer: {{official_answer | on the tracking page}} Details: {{status_url}} {{institution}}",
            "",
        ),
        t(
            "sure_uzatildi_sms",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı bilgi edinme başvurunuzun cevap süresi 4982 sayılı Kanun'un 11. maddesi uyarınca uzatıldı. Yeni son gün: {{legal_due_date}}. {{status_url}} {{institution}}",
            "",
        ),
        t(
            "sure_uzatildi_sms",
            "en",
            Channel::Sms,
            "",
            "The answer period of your information request {{tracking_number}} was extended under Article 11 of Law 4982. New last day: {{legal_due_date}}. {{status_url}} {{institution}}",
            "",
        ),
        t(
            "sure_uzatildi_eposta",
            "tr",
            Channel::Email,
            "Başvurunuzun cevap süresi uzatıldı [{{tracking_number}}]",
            "Sayın {{applicant_name}},\n\n{{tracking_number}} takip numaralı bilgi edinme başvurunuzun cevap süresi, 4982 sayılı Bilgi Edinme Hakkı Kanunu'nun 11. maddesi uyarınca uzatılmıştır. Başvurunuz en geç {{legal_due_date}} tarihinde cevaplanacaktır.\n\nBaşvurunuzun durumunu {{status_url}} adresinden izleyebilirsiniz.\n\nSaygılarımızla,\n{{institution}}",
            "<p>Sayın {{applicant_name}},</p>\n<p><strong>{{tracking_number}}</strong> takip numaralı bilgi edinme başvurunuzun cevap süresi, 4982 sayılı Bilgi Edinme Hakkı Kanunu'nun 11. maddesi uyarınca uzatılmıştır. Başvurunuz en geç <strong>{{legal_due_date}}</strong> tarihinde cevaplanacaktır.</p>\n<p>Başvurunuzun durumunu <a href=\"{{status_url}}\">{{status_url}}</a> adresinden izleyebilirsiniz.</p>\n<p>Saygılarımızla,<br>\n{{institution}}</p>",
        ),
        t(
            "sure_uzatildi_eposta",
            "en",
            Channel::Email,
            "The answer period of your application was extended [{{tracking_number}}]",
            "Dear {{applicant_name}},\n\nThe answer period of your information request {{tracking_number}} has been extended under Article 11 of the Right to Information Act (Law 4982). It will be answered by {{legal_due_date}} at the latest.\n\nFollow its status at {{status_url}}.\n\nKind regards,\n{{institution}}",
            "<p>Dear {{applicant_name}},</p>\n<p>The answer period of your information request <strong>{{tracking_number}}</strong> has been extended under Article 11 of the Right to Information Act (Law 4982). It will be answered by <strong>{{legal_due_date}}</strong> at the latest.</p>\n<p>Follow its status at <a href=\"{{status_url}}\">{{status_url}}</a>.</p>\n<p>Kind regards,<br>\n{{institution}}</p>",
        ),
    ]
}

/// Default texts an earlier release wrote and this one replaced: a
/// template still in force in one of these words (never edited by an
/// admin) is brought to today's default on start (see
/// [`crate::store::NotifyStore::ensure_defaults`]). Issue 16: the answers
/// carry the signed status link instead of the bare tracking page.
pub fn superseded_templates() -> Vec<Template> {
    let t = |key: &str, locale: &str, channel, subject: &str, body: &str, html: &str| Template {
        key: key.into(),
        locale: locale.into(),
        version: 1,
        channel,
        subject: subject.into(),
        body: body.into(),
        html: html.into(),
    };
    vec![
        // Before the outage notice (issue 20's incidents).
        t(
            "basvuru_alindi",
            "tr",
            Channel::Sms,
            "",
            "Başvurunuz alındı. Takip numaranız: {{tracking_number}}. Durumunu {{tracking_url}} adresinden izleyebilirsiniz. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi",
            "en",
            Channel::Sms,
            "",
            "Your application has been recorded. Tracking number: {{tracking_number}}. Follow it at {{tracking_url}}. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi_sosyal",
            "tr",
            Channel::Social,
            "",
            "Başvurunuz alındı. Takip numaranız: {{tracking_number}}. Bu yazışmaya yazdıklarınız aynı başvuruya eklenir. Durumunu {{tracking_url}} adresinden izleyebilirsiniz. {{institution}}",
            "",
        ),
        t(
            "basvuru_alindi_sosyal",
            "en",
            Channel::Social,
            "",
            "Your application has been recorded. Tracking number: {{tracking_number}}. What you write in this conversation joins the same application. Follow it at {{tracking_url}}. {{institution}}",
            "",
        ),
        t(
            "yanit_sms",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı başvurunuz sonuçlandı. Yanıtımız: {{official_answer}} {{institution}}",
            "",
        ),
        t(
            "yanit_sms",
            "en",
            Channel::Sms,
            "",
            "Your application {{tracking_number}} has been resolved. Our answer: {{official_answer}} {{institution}}",
            "",
        ),
        t(
            "sonuclandi",
            "tr",
            Channel::Sms,
            "",
            "{{tracking_number}} numaralı başvurunuz sonuçlandı. Ayrıntılar: {{tracking_url}} {{institution}}",
            "",
        ),
        t(
            "sonuclandi",
            "en",
            Channel::Sms,
            "",
            "Your application {{tracking_number}} has been resolved. Details: {{tracking_url}} {{institution}}",
            "",
        ),
        t(
            "yanit_eposta",
            "tr",
            Channel::Email,
            "Başvurunuzun yanıtı [{{tracking_number}}]",
            "Sayın {{applicant_name}},\n\n{{tracking_number}} takip numaralı başvurunuz incelendi. Yetkili açıklaması:\n\n{{official_answer}}\n\nBu e-postayı yanıtlayarak bize yeniden yazabilirsiniz; yanıtınız aynı başvuruya eklenir.\nBaşvurunuzu {{tracking_url}} adresinden izleyebilirsiniz.\n\nSaygılarımızla,\n{{institution}}",
            "<p>Sayın {{applicant_name}},</p>\n<p><strong>{{tracking_number}}</strong> takip numaralı başvurunuz incelendi. Yetkili açıklaması:</p>\n<blockquote>{{official_answer}}</blockquote>\n<p>Bu e-postayı yanıtlayarak bize yeniden yazabilirsiniz; yanıtınız aynı başvuruya eklenir.<br>\nBaşvurunuzu <a href=\"{{tracking_url}}\">{{tracking_url}}</a> adresinden izleyebilirsiniz.</p>\n<p>Saygılarımızla,<br>\n{{institution}}</p>",
        ),
        t(
            "yanit_eposta",
            "en",
            Channel::Email,
            "The answer to your application [{{tracking_number}}]",
            "Dear {{applicant_name}},\n\nYour application {{tracking_number}} has been reviewed. The official answer:\n\n{{official_answer}}\n\nReply to this e-mail to write to us again; your reply joins the same application.\nFollow it at {{tracking_url}}.\n\nKind regards,\n{{institution}}",
            "<p>Dear {{applicant_name}},</p>\n<p>Your application <strong>{{tracking_number}}</strong> has been reviewed. The official answer:</p>\n<blockquote>{{official_answer}}</blockquote>\n<p>Reply to this e-mail to write to us again; your reply joins the same application.<br>\nFollow it at <a href=\"{{tracking_url}}\">{{tracking_url}}</a>.</p>\n<p>Kind regards,<br>\n{{institution}}</p>",
        ),
    ]
}

/// The rules and templates in force, read from the store and kept for
/// `refresh` so that handling an event costs no catalogue query; an edit
/// through this replica is seen at once, through another within `refresh`.
#[derive(Debug, Clone)]
pub struct CatalogueCache {
    store: crate::store::NotifyStore,
    refresh: std::time::Duration,
    /// The snapshot and when it was read; replaced whole, never mutated.
    current: std::sync::Arc<tokio::sync::RwLock<Option<Cached>>>,
}

/// A snapshot and when it was read.
type Cached = (std::time::Instant, std::sync::Arc<Snapshot>);

/// One consistent reading of the catalogue.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Rules in force.
    pub rules: Vec<Rule>,
    /// Templates in force.
    pub templates: Vec<Template>,
}

impl Snapshot {
    /// The template `key` in `locale`, else in Turkish.
    pub fn template(&self, key: &str, locale: &str) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| t.key == key && t.locale == locale)
            .or_else(|| {
                self.templates
                    .iter()
                    .find(|t| t.key == key && t.locale == "tr")
            })
    }
}

impl CatalogueCache {
    /// A cache over `store`.
    pub fn new(store: crate::store::NotifyStore, refresh: std::time::Duration) -> Self {
        Self {
            store,
            refresh,
            current: std::sync::Arc::default(),
        }
    }

    /// The catalogue, read again when older than `refresh`.
    ///
    /// # Errors
    /// Store failures.
    pub async fn snapshot(&self) -> Result<std::sync::Arc<Snapshot>, crate::store::StoreError> {
        if let Some((at, snap)) = self.current.read().await.as_ref()
            && at.elapsed() < self.refresh
        {
            return Ok(snap.clone());
        }
        let snap = std::sync::Arc::new(Snapshot {
            rules: self.store.current_rules().await?,
            templates: self.store.current_templates().await?,
        });
        *self.current.write().await = Some((std::time::Instant::now(), snap.clone()));
        Ok(snap)
    }

    /// Forgets the snapshot (after an edit).
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_every_rule_has_both_languages() {
        let templates = default_templates();
        for t in &templates {
            t.validate().unwrap();
        }
        for r in default_rules() {
            r.validate().unwrap();
            for locale in ["tr", "en"] {
                let t = templates
                    .iter()
                    .find(|t| t.key == r.template && t.locale == locale)
                    .unwrap();
                assert_eq!(t.channel, r.channel, "{}", r.key);
            }
        }
    }

    #[test]
    fn an_information_only_case_gets_exactly_one_message_over_its_two_events() {
        let rules = default_rules();
        let count = |trigger, information_only| {
            rules
                .iter()
                .filter(|r| {
                    r.matches(&Facts {
                        trigger,
                        information_only,
                        reply_channel: "sms",
                    })
                })
                .count()
        };
        assert_eq!(count(Trigger::CaseOpened, true), 1);
        assert_eq!(count(Trigger::CaseResolved, true), 0);
        // One acknowledgement rule per channel; `acknowledgement::select` applies one.
        assert_eq!(count(Trigger::CaseOpened, false), 3);
        assert_eq!(count(Trigger::CaseResolved, false), 1);
    }

    #[test]
    fn closing_with_an_email_reply_sends_the_answer_by_email() {
        let rules = default_rules();
        let f = Facts {
            trigger: Trigger::CaseClosedByExpert,
            information_only: false,
            reply_channel: "email",
        };
        let m: Vec<_> = rules.iter().filter(|r| r.matches(&f)).collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].channel, Channel::Email);
        let f = Facts {
            reply_channel: "phone_callback",
            ..f
        };
        assert!(rules.iter().all(|r| !r.matches(&f)));
    }

    #[test]
    fn a_disabled_rule_matches_nothing_and_bad_rules_are_refused() {
        let mut r = default_rules().remove(0);
        r.enabled = false;
        assert!(!r.matches(&Facts {
            trigger: Trigger::CaseOpened,
            information_only: false,
            reply_channel: "sms"
        }));
        r.reply_channels = vec!["fax".into()];
        assert_eq!(r.validate().unwrap_err().0, "rule.reply_channels");
        let mut t = default_templates().remove(0);
        t.body = "{{telefon}}".into();
        assert_eq!(t.validate().unwrap_err().0, "template.body");
    }
}
