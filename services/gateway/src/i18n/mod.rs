//! The UI's texts: Turkish by default, English on request (`?lang=en`, then
//! remembered in a cookie). Every string a page shows comes from here, one
//! module per page (named as its `http` module) and [`common`] for the words
//! several pages share.
//!
//! Each module's texts are a struct with one field per text and a `TR` and
//! an `EN` constant of it, so a text missing in either language does not
//! compile. A text that states a limit is a [`Formatted`] that writes the
//! number from [`tekmerkez_types::limits`], the constants the services
//! enforce. A template reads the shared words as `frame.c.…` and its own
//! page's as `t.…`.

pub mod admin;
pub mod admin_calendar;
pub mod admin_notify;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod classify;
pub mod common;
pub mod deadline;
pub mod due;
pub mod duplicates;
pub mod email_problems;
pub mod entry;
pub mod incidents;
pub mod letters;
pub mod live;
pub mod manager;
pub mod place_map;
pub mod profile;
pub mod ready_answers;
pub mod record;
pub mod report_calls;
pub mod report_mail;
pub mod reports;
pub mod search;
pub mod survey;
pub mod track;
pub mod transfer;
pub mod views;

use std::fmt;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Tr,
    En,
}

impl Lang {
    /// `tr` or `en`; anything else is Turkish.
    pub fn parse(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Self::En
        } else {
            Self::Tr
        }
    }

    /// The `lang` attribute and cookie value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Tr => "tr",
            Self::En => "en",
        }
    }

    /// Whether catalogue names and the like are to be shown in English.
    pub fn is_english(self) -> bool {
        self == Self::En
    }

    /// Every text in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Tr => &TR,
            Self::En => &EN,
        }
    }
}

/// Every text of the UI in one language, page by page.
#[derive(Debug)]
pub struct Texts {
    /// The words several pages share.
    pub common: common::CommonTexts,
    /// Sign-in.
    pub auth: auth::AuthTexts,
    /// The expert's and callback agent's lists.
    pub cases: cases::CasesTexts,
    /// The pool manager's page.
    pub manager: manager::ManagerTexts,
    /// The record page and its delivery log.
    pub record: record::RecordTexts,
    /// The public tracking page.
    pub track: track::TrackTexts,
    /// The person's own details.
    pub profile: profile::ProfileTexts,
    /// *Yönetim*.
    pub admin: admin::AdminTexts,
    /// *Bildirimler*.
    pub admin_notify: admin_notify::AdminNotifyTexts,
    /// *Takvim*: the working-day calendar.
    pub admin_calendar: admin_calendar::AdminCalendarTexts,
    /// Staff entry and the receipt.
    pub entry: entry::EntryTexts,
    /// *Kaydı Aktar*.
    pub transfer: transfer::TransferTexts,
    /// *E-posta Sorunları*.
    pub email_problems: email_problems::EmailProblemsTexts,
    /// *Süresi Yaklaşan / Süresi Geçen*.
    pub due: due::DueTexts,
    /// *Olaylar*.
    pub incidents: incidents::IncidentTexts,
    /// The satisfaction survey and the signed status page.
    pub survey: survey::SurveyTexts,
    /// *Gönderilecek Mektuplar*.
    pub letters: letters::LettersTexts,
    /// Application types and sources, closure reasons.
    pub classify: classify::ClassifyTexts,
    /// Due dates on the desk and *Süre Kuralları*.
    pub deadline: deadline::DeadlineTexts,
    /// *Raporlar*.
    pub reports: reports::ReportsTexts,
    /// *Rapor Alıcıları* and the periodic report's links.
    pub report_mail: report_mail::ReportMailTexts,
    /// *Raporlar*'s call-centre section.
    pub report_calls: report_calls::ReportCallsTexts,
    /// A record's place and map, an incident's areas.
    pub place_map: place_map::PlaceMapTexts,
    /// The record page's *Olası Yinelenenler*.
    pub duplicates: duplicates::DuplicateTexts,
    /// The search box and its results.
    pub search: search::SearchTexts,
    /// Automatic assignment: its task step, presence, the manager's page.
    pub assignment: assignment::AssignmentTexts,
    /// The live desk's notices.
    pub live: live::LiveTexts,
    /// Quick views, saved filters, the next record, the keyboard.
    pub views: views::ViewsTexts,
    /// *Hazır Cevaplar*, *Bilgi Bankası*, the record page's picker and preview.
    pub ready_answers: ready_answers::ReadyAnswerTexts,
    /// *Denetim İzi*: the KVKK audit trail.
    pub audit: audit::AuditTexts,
}

pub static TR: Texts = Texts {
    common: common::TR,
    auth: auth::TR,
    cases: cases::TR,
    manager: manager::TR,
    record: record::TR,
    track: track::TR,
    profile: profile::TR,
    admin: admin::TR,
    admin_notify: admin_notify::TR,
    admin_calendar: admin_calendar::TR,
    entry: entry::TR,
    transfer: transfer::TR,
    email_problems: email_problems::TR,
    due: due::TR,
    incidents: incidents::TR,
    survey: survey::TR,
    letters: letters::TR,
    classify: classify::TR,
    deadline: deadline::TR,
    reports: reports::TR,
    report_mail: report_mail::TR,
    report_calls: report_calls::TR,
    place_map: place_map::TR,
    duplicates: duplicates::TR,
    search: search::TR,
    assignment: assignment::TR,
    live: live::TR,
    views: views::TR,
    ready_answers: ready_answers::TR,
    audit: audit::TR,
};

pub static EN: Texts = Texts {
    common: common::EN,
    auth: auth::EN,
    cases: cases::EN,
    manager: manager::EN,
    record: record::EN,
    track: track::EN,
    profile: profile::EN,
    admin: admin::EN,
    admin_notify: admin_notify::EN,
    admin_calendar: admin_calendar::EN,
    entry: entry::EN,
    transfer: transfer::EN,
    email_problems: email_problems::EN,
    due: due::EN,
    incidents: incidents::EN,
    survey: survey::EN,
    letters: letters::EN,
    classify: classify::EN,
    deadline: deadline::EN,
    reports: reports::EN,
    report_mail: report_mail::EN,
    report_calls: report_calls::EN,
    place_map: place_map::EN,
    duplicates: duplicates::EN,
    search: search::EN,
    assignment: assignment::EN,
    live: live::EN,
    views: views::EN,
    ready_answers: ready_answers::EN,
    audit: audit::EN,
};

/// A text with a number from [`tekmerkez_types::limits`] in it, written when
/// it is shown, so the page states the limit the services enforce.
#[derive(Clone, Copy)]
pub struct Formatted(pub fn(&mut fmt::Formatter<'_>) -> fmt::Result);

impl fmt::Display for Formatted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

impl fmt::Debug for Formatted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

/// `n` with its thousands grouped by `sep` (`10 000`, `10,000`).
pub fn grouped(n: usize, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_is_the_default_and_keeps_its_letters() {
        assert_eq!(Lang::default(), Lang::Tr);
        assert_eq!(Lang::parse("xx"), Lang::Tr);
        assert_eq!(Lang::parse("EN"), Lang::En);
        let all = format!("{TR:?}");
        for c in ['ç', 'ğ', 'ı', 'İ', 'ö', 'ş', 'ü'] {
            assert!(all.contains(c), "{c} appears in the Turkish texts");
        }
    }

    #[test]
    fn limits_are_stated_with_the_enforced_numbers() {
        assert_eq!(grouped(10_000, ' '), "10 000");
        assert_eq!(grouped(10_000, ','), "10,000");
        assert_eq!(grouped(999, ','), "999");
        assert_eq!(grouped(1_234_567, '.'), "1.234.567");
        // The words the pages showed when the numbers were typed in.
        for (text, words) in [
            (
                TR.record.text_invalid,
                "Metin boş olamaz ve en çok 4000 karakter olabilir.",
            ),
            (
                EN.record.text_invalid,
                "The text must not be empty and may have at most 4000 characters.",
            ),
            (
                TR.profile.invalid_display_name,
                "Ad soyad boş olamaz ve en çok 200 karakter olabilir.",
            ),
            (
                EN.profile.invalid_display_name,
                "The name must not be empty and may have at most 200 characters.",
            ),
            (
                TR.profile.invalid_new_password,
                "Yeni parola 10 ile 128 karakter arasında olmalıdır.",
            ),
            (
                EN.profile.invalid_new_password,
                "The new password must have 10 to 128 characters.",
            ),
            (TR.profile.new_password, "Yeni parola (10–128 karakter)"),
            (EN.profile.new_password, "New password (10–128 characters)"),
            (TR.admin.initial_password, "İlk parola (10–128 karakter)"),
            (
                EN.admin.initial_password,
                "Initial password (10–128 characters)",
            ),
            (
                TR.entry.field_errors.text,
                "Başvuru metnini yazın (en çok 10 000 karakter).",
            ),
            (
                EN.entry.field_errors.text,
                "Write the application text (at most 10,000 characters).",
            ),
            (
                TR.entry.field_errors.queue_ticket,
                "Gişe başvurusunda sıra numarası gereklidir (en çok 64 karakter).",
            ),
            (
                EN.entry.field_errors.queue_ticket,
                "A counter visit needs its queue ticket number (at most 64 characters).",
            ),
            (
                TR.entry.field_errors.reference,
                "Numara en çok 64 karakter olabilir.",
            ),
            (
                EN.entry.field_errors.reference,
                "The number may have at most 64 characters.",
            ),
        ] {
            assert_eq!(text.to_string(), words);
        }
        assert_eq!(
            format!("{:?}", TR.profile.new_password),
            "\"Yeni parola (10–128 karakter)\""
        );
        assert_eq!(
            (TR.admin_notify.invalid)(TR.admin_notify.field("template.body")),
            "Kaydedilmedi: metin boş, çok uzun, olmayan bir değişken kullanıyor ya da bir yer tutucu kapanmamış."
        );
        assert_eq!(
            (EN.admin_notify.invalid)(EN.admin_notify.field("x")),
            "Not saved: the a field is empty, too long, names a variable that does not exist or leaves a placeholder open."
        );
    }

    #[test]
    fn every_field_intake_refuses_has_its_own_words_and_others_a_general_one() {
        for t in [&TR.entry, &EN.entry] {
            assert_eq!(
                t.field_error("kvkk_consent"),
                t.field_error("kvkk_consent.accepted")
            );
            assert_eq!(t.field_error("nope"), t.field_errors.other);
            assert_ne!(t.field_error("applicant.phone"), t.field_errors.other);
        }
        assert_eq!(TR.entry.field_error("category"), "Bir konu seçin.");
    }

    #[test]
    fn every_reply_channel_has_a_name_in_both_languages() {
        use tekmerkez_proto::common_v1::ReplyChannel;
        // Indexed by the proto number: a value added to the enum without a
        // name here would show as blank on the record page.
        let last = ReplyChannel::Social as usize;
        assert!(ReplyChannel::try_from(i32::try_from(last + 1).unwrap()).is_err());
        for t in [&TR, &EN] {
            assert_eq!(t.record.reply_channel_names.len(), last + 1);
            assert_eq!(t.common.reply_channel_names.len(), last + 1);
            assert!(
                t.record.reply_channel_names[1..]
                    .iter()
                    .chain(&t.common.reply_channel_names[1..])
                    .all(|n| !n.is_empty())
            );
        }
        let no_contact = ReplyChannel::NoContact as usize;
        assert_eq!(
            TR.record.reply_channel_names[no_contact],
            "Yanıt gönderilemez (iletişim bilgisi yok)"
        );
        assert_eq!(
            EN.record.reply_channel_names[no_contact],
            "No reply possible (no contact details)"
        );
        assert_eq!(
            TR.record.reply_channel_names[last],
            "Sosyal medya yazışmasında"
        );
        assert_eq!(
            EN.record.reply_channel_names[last],
            "In the social-media conversation"
        );
    }
}
