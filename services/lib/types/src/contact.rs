//! The applicant's personal data (KVKK). Each value is a newtype whose inner
//! field is private, whose `Debug` masks it, and which has no `Display`:
//! reading the raw value takes an explicit `.expose()`. Each value's
//! `masked()` form is safe to show to any caller.
//!
//! A [`PhoneNumber`] knows its [`PhoneKind`] by the Turkish numbering plan:
//! an SMS reaches only a mobile number, so every channel that takes an SMS
//! reply refuses any other kind with the rule [`SMS_NEEDS_MOBILE`]. The
//! plan is written here, not taken from the `phonenumber` crate (a
//! libphonenumber port): that crate brings 45 packages, two versions of the
//! regex engine and a build step that parses every country's metadata, for
//! the one country whose numbers these are.

use std::fmt;

use unicode_normalization::UnicodeNormalization as _;

use crate::fields::{FieldError, Violations};

/// The rule every channel gives when an SMS reply comes with a phone number
/// that is not a mobile one (a landline, `0850`, a short code).
pub const SMS_NEEDS_MOBILE: &str = "must be a mobile number (05xx) for an SMS reply";

/// The rule every channel gives when an e-mail address has letters outside
/// ASCII (`çağrı@örnek.com.tr`) and the mail relay cannot send to it
/// (`notify.email.smtputf8` off): the answer would never arrive.
pub const EMAIL_NEEDS_ASCII: &str =
    "must have only ASCII letters: the mail relay cannot send to other addresses";

macro_rules! pii_newtype {
    ($(#[$doc:meta])* $name:ident, $mask:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The raw value, for the places that must use it (storage, sending).
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// The value with most of it hidden, safe to show to any caller.
            pub fn masked(&self) -> String {
                let f: fn(&str) -> String = $mask;
                f(&self.0)
            }

            /// Rebuilds a value that was validated before it was stored; only
            /// stores call this, with what they wrote themselves.
            pub fn from_trusted(raw: String) -> Self {
                Self(raw)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.masked())
            }
        }
    };
}

pii_newtype!(
    /// A person's name, 1 to 200 characters.
    PersonName,
    |s| mask_words(s)
);
pii_newtype!(
    /// A Turkish phone number in E.164 form: `+90` and 10 digits.
    PhoneNumber,
    |s| {
        let tail: String = s.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
        format!("+90 *** *** ** {tail}")
    }
);
pii_newtype!(
    /// An e-mail address with a lower-cased domain.
    EmailAddress,
    |s| match s.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
);
pii_newtype!(
    /// A postal address, 1 to 500 characters.
    PostalAddress,
    |_| "***".to_owned()
);

fn mask_words(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let first: String = w.chars().take(1).collect();
            format!("{first}***")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl PersonName {
    /// Removes bidi controls, collapses spaces, NFC-normalises and bounds a
    /// name; a name that shows nothing (zero-width characters, a lone
    /// combining mark) is empty ([`crate::text`]).
    ///
    /// # Errors
    /// `contact.name` violations.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let t: String = crate::text::strip_bidi(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .nfc()
            .collect();
        if !crate::text::has_visible(&t) {
            return Err(FieldError::new("contact.name", "must not be empty"));
        }
        if t.chars().count() > crate::limits::NAME {
            return Err(FieldError::new("contact.name", "is too long"));
        }
        if t.chars().any(char::is_control) {
            return Err(FieldError::new(
                "contact.name",
                "must not contain control characters",
            ));
        }
        Ok(Self(t))
    }
}

impl PhoneNumber {
    /// Accepts the ways Turkish numbers are written (`0532 123 45 67`,
    /// `+90 (532) 123-4567`, `5321234567`, `905321234567`) and normalises to
    /// `+905321234567`. The 10 national digits must start with 2, 3, 4
    /// (landlines), 5 (mobiles) or 8 (`850` and the like).
    ///
    /// # Errors
    /// A `contact.phone` violation.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = || FieldError::new("contact.phone", "must be a valid Turkish phone number");
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '.')))
        {
            return Err(err());
        }
        if raw.chars().skip(1).any(|c| c == '+') {
            return Err(err());
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let national = if raw.trim_start().starts_with('+') || digits.len() == 12 {
            digits.strip_prefix("90").ok_or_else(err)?
        } else if digits.len() == 11 {
            digits.strip_prefix('0').ok_or_else(err)?
        } else {
            digits.as_str()
        };
        if national.len() != 10
            || !matches!(national.as_bytes()[0], b'2' | b'3' | b'4' | b'5' | b'8')
        {
            return Err(err());
        }
        Ok(Self(format!("+90{national}")))
    }

    /// As a Turkish desk writes and dials it: `0532 123 45 67`.
    pub fn national(&self) -> String {
        let d = &self.0[3..];
        format!("0{} {} {} {}", &d[..3], &d[3..6], &d[6..8], &d[8..])
    }

    /// The last four digits, which the public tracking page asks for.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }

    /// What kind of line the number is, by the Turkish numbering plan.
    pub fn kind(&self) -> PhoneKind {
        kind_of_national(self.0.get(3..).unwrap_or_default())
    }

    /// Whether an SMS can reach it: only a mobile number (`05xx`) can.
    pub fn is_mobile(&self) -> bool {
        self.kind() == PhoneKind::Mobile
    }

    /// Classifies a number as typed, including the short codes that
    /// [`PhoneNumber::parse`] refuses as a contact number (`181`, `112`,
    /// `444 0 181`); `None` when it is no Turkish number at all.
    pub fn classify(raw: &str) -> Option<PhoneKind> {
        if let Ok(p) = Self::parse(raw) {
            return Some(p.kind());
        }
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.')))
        {
            return None;
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let short = match digits.len() {
            // Emergency and public-service numbers: 110, 112, 155, 181, 186…
            3 => digits.starts_with('1'),
            // Four-digit service numbers (1xxx) and nationwide 444 numbers.
            4 => digits.starts_with('1'),
            7 => digits.starts_with("444"),
            _ => false,
        };
        short.then_some(PhoneKind::ShortCode)
    }
}

/// The kinds of Turkish numbers, by the national numbering plan (BTK): the
/// first digit of the 10-digit national number tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// `05xx`: a mobile line, the only kind an SMS reaches.
    Mobile,
    /// `02xx`, `03xx`, `04xx`: a geographic fixed line (`0312` is Ankara).
    Landline,
    /// `08xx`: non-geographic numbers (`0850`, toll-free `0800`).
    NonGeographic,
    /// Short codes (`181`, `112`) and nationwide `444` numbers: services,
    /// never a person's contact number.
    ShortCode,
}

fn kind_of_national(national: &str) -> PhoneKind {
    match national.as_bytes().first() {
        Some(b'5') => PhoneKind::Mobile,
        Some(b'2' | b'3' | b'4') => PhoneKind::Landline,
        _ => PhoneKind::NonGeographic,
    }
}

impl EmailAddress {
    /// A pragmatic address check (one `@`, a dotted domain, no spaces, at
    /// most 254 characters); the domain is lower-cased.
    ///
    /// # Errors
    /// A `contact.email` violation.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = || FieldError::new("contact.email", "must be a valid e-mail address");
        let t = raw.trim();
        if t.len() > crate::limits::EMAIL || t.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(err());
        }
        let (local, domain) = t.split_once('@').ok_or_else(err)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(err());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }
}

impl EmailAddress {
    /// Whether the address is ASCII throughout, as a relay without
    /// SMTPUTF8 (RFC 6531) needs.
    pub fn is_ascii(&self) -> bool {
        self.0.is_ascii()
    }
}

impl PostalAddress {
    /// Trims, NFC-normalises and bounds an address.
    ///
    /// # Errors
    /// A `contact.postal_address` violation.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let t: String = raw.trim().nfc().collect();
        if !crate::text::has_visible(&t) {
            return Err(FieldError::new(
                "contact.postal_address",
                "must not be empty",
            ));
        }
        if t.chars().count() > crate::limits::POSTAL_ADDRESS {
            return Err(FieldError::new("contact.postal_address", "is too long"));
        }
        Ok(Self(t))
    }
}

/// The messaging platform of a social-media conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocialPlatform {
    /// WhatsApp (Cloud API).
    WhatsApp,
    /// Facebook Messenger.
    Messenger,
    /// Instagram direct messages.
    Instagram,
    /// X direct messages.
    X,
}

impl SocialPlatform {
    /// Every platform.
    pub const ALL: [Self; 4] = [Self::WhatsApp, Self::Messenger, Self::Instagram, Self::X];

    /// The code used in settings and stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WhatsApp => "whatsapp",
            Self::Messenger => "messenger",
            Self::Instagram => "instagram",
            Self::X => "x",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == code)
    }

    /// The platform's name as people write it.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::WhatsApp => "WhatsApp",
            Self::Messenger => "Messenger",
            Self::Instagram => "Instagram",
            Self::X => "X",
        }
    }
}

pii_newtype!(
    /// The citizen's id on a messaging platform (a WhatsApp id is the phone
    /// number; a page-scoped, Instagram-scoped or X user id singles the
    /// person out too): masked to its last two characters.
    SocialUserId,
    |s| {
        let tail: String = s.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
        format!("***{tail}")
    }
);

/// Where a reply in a social-media conversation goes: the platform, the
/// institution's own account on it (not personal data), the citizen there
/// (personal data), and when the citizen's message it came with was sent.
#[derive(Clone, PartialEq, Eq)]
pub struct SocialAddress {
    /// The platform.
    pub platform: SocialPlatform,
    /// The WhatsApp phone-number id, Page id, Instagram account id or X user id.
    pub account_id: String,
    /// The citizen.
    pub user_id: SocialUserId,
    /// When the citizen's message was sent (Unix microseconds), if known.
    pub message_at: Option<i64>,
}

impl fmt::Debug for SocialAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocialAddress")
            .field("platform", &self.platform)
            .field("account_id", &self.account_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// Whether `id` looks like a platform id: 1 to 64 ASCII letters, digits,
/// `_`, `-`, `.` (WhatsApp, Meta and X ids are digits).
fn platform_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl SocialAddress {
    /// Checks a platform address.
    ///
    /// # Errors
    /// A `contact.social` violation.
    pub fn parse(
        platform: SocialPlatform,
        account_id: &str,
        user_id: &str,
        message_at: Option<i64>,
    ) -> Result<Self, FieldError> {
        if !platform_id_ok(account_id.trim()) {
            return Err(FieldError::new(
                "contact.social.account_id",
                "must be the platform's id of the institution's account",
            ));
        }
        if !platform_id_ok(user_id.trim()) {
            return Err(FieldError::new(
                "contact.social.user_id",
                "must be the platform's id of the citizen",
            ));
        }
        Ok(Self {
            platform,
            account_id: account_id.trim().to_owned(),
            user_id: SocialUserId(user_id.trim().to_owned()),
            message_at,
        })
    }

    /// `WhatsApp ***67`: safe to show to any caller.
    pub fn masked(&self) -> String {
        format!("{} {}", self.platform.display_name(), self.user_id.masked())
    }
}

/// The applicant's contact details; any part may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// Masked to initials in `Debug`.
    pub name: Option<PersonName>,
    /// Masked to the last two digits in `Debug`.
    pub phone: Option<PhoneNumber>,
    /// Masked to the first letter and the domain in `Debug`.
    pub email: Option<EmailAddress>,
    /// Masked entirely in `Debug`.
    pub postal_address: Option<PostalAddress>,
    /// The social-media conversation to reply in; the user id masked in `Debug`.
    pub social: Option<SocialAddress>,
}

/// Raw contact fields as they arrive; a blank one (empty or spaces) was not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawContact<'a> {
    /// As typed; checked by [`PersonName::parse`].
    pub name: &'a str,
    /// In any common Turkish spelling (`0532 123 45 67`, `+90 (532) 123-4567`).
    pub phone: &'a str,
    /// As typed; checked by [`EmailAddress::parse`].
    pub email: &'a str,
    /// As typed; checked by [`PostalAddress::parse`].
    pub postal_address: &'a str,
}

impl Contact {
    /// Parses every non-empty field, recording each violation.
    pub fn parse(raw: RawContact<'_>, v: &mut Violations) -> Self {
        let opt = |s: &str| (!s.trim().is_empty()).then_some(());
        Self {
            name: opt(raw.name).and_then(|()| v.check(PersonName::parse(raw.name))),
            phone: opt(raw.phone).and_then(|()| v.check(PhoneNumber::parse(raw.phone))),
            email: opt(raw.email).and_then(|()| v.check(EmailAddress::parse(raw.email))),
            postal_address: opt(raw.postal_address)
                .and_then(|()| v.check(PostalAddress::parse(raw.postal_address))),
            social: None,
        }
    }

    /// Whether any personal data is present.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.postal_address.is_none()
            && self.social.is_none()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_number_reads_as_a_turkish_desk_writes_it() {
        let p = PhoneNumber::parse("+905321234567").unwrap();
        assert_eq!(p.national(), "0532 123 45 67");
        assert_eq!(
            PhoneNumber::parse("0 (212) 444-0 181").unwrap().national(),
            "0212 444 01 81"
        );
    }

    #[test]
    fn turkish_numbers_in_every_common_spelling_normalise_to_e164() {
        for raw in [
            "0532 123 45 67",
            "+90 (532) 123-4567",
            "5321234567",
            "905321234567",
            "0 312 555 12 34",
        ] {
            let p = PhoneNumber::parse(raw).unwrap();
            assert!(
                p.expose().starts_with("+90") && p.expose().len() == 13,
                "{raw}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("0532 123 45 67").unwrap().last4(),
            "4567"
        );
    }

    #[test]
    fn numbers_that_are_not_turkish_are_rejected() {
        for raw in [
            "",
            "12345",
            "+49 30 1234567",
            "0632 123 45 67",
            "0532 123 45 6a",
            "05321234567890",
            "+90 532 +1234567",
        ] {
            assert!(PhoneNumber::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn numbers_are_classified_by_the_turkish_numbering_plan() {
        for (raw, kind) in [
            ("0532 123 45 67", PhoneKind::Mobile),
            ("+90 (505) 123-4567", PhoneKind::Mobile),
            ("5551234567", PhoneKind::Mobile),
            ("0 (312) 555 12 34", PhoneKind::Landline),
            ("0212 444 01 81", PhoneKind::Landline),
            ("0262 317 00 00", PhoneKind::Landline),
            ("0 462 230 00 00", PhoneKind::Landline),
            ("0850 222 01 86", PhoneKind::NonGeographic),
            ("0800 211 00 00", PhoneKind::NonGeographic),
            ("181", PhoneKind::ShortCode),
            ("112", PhoneKind::ShortCode),
            ("444 0 181", PhoneKind::ShortCode),
            ("4440181", PhoneKind::ShortCode),
        ] {
            assert_eq!(PhoneNumber::classify(raw), Some(kind), "{raw}");
        }
        for raw in ["", "12345", "+49 30 1234567", "0632 123 45 67", "abc"] {
            assert_eq!(PhoneNumber::classify(raw), None, "{raw}");
        }
        assert!(PhoneNumber::parse("0532 123 45 67").unwrap().is_mobile());
        assert!(!PhoneNumber::parse("0 (312) 555 12 34").unwrap().is_mobile());
        assert!(!PhoneNumber::parse("0850 222 01 86").unwrap().is_mobile());
    }

    #[test]
    fn email_domains_are_lower_cased_and_bad_addresses_rejected() {
        assert_eq!(
            EmailAddress::parse(" Ayse@Ornek.COM.tr ").unwrap().expose(),
            "Ayse@ornek.com.tr"
        );
        for raw in ["ayse", "@x.tr", "a@b", "a b@x.tr", "a@x..tr", "a@@x.tr"] {
            assert!(EmailAddress::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn a_name_that_shows_nothing_is_refused_and_bidi_controls_are_removed() {
        for raw in [
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{0301}",
            "\u{2060} \u{202E}",
        ] {
            assert_eq!(
                PersonName::parse(raw).unwrap_err().rule,
                "must not be empty",
                "{:?}",
                raw.escape_unicode().to_string()
            );
        }
        assert_eq!(
            PersonName::parse("Ayşe \u{202E}zılmaY").unwrap().expose(),
            "Ayşe zılmaY"
        );
        assert!(PostalAddress::parse("\u{200B}\u{0308}").is_err());
        let mut v = Violations::new();
        let c = Contact::parse(
            RawContact {
                name: "\u{200B}",
                phone: "",
                email: "",
                postal_address: "",
            },
            &mut v,
        );
        assert!(c.name.is_none());
        assert_eq!(v.iter().next().unwrap().field, "contact.name");
    }

    #[test]
    fn debug_output_never_contains_the_raw_values() {
        let c = Contact {
            name: Some(PersonName::parse("Ayşe Yılmaz").unwrap()),
            phone: Some(PhoneNumber::parse("05321234567").unwrap()),
            email: Some(EmailAddress::parse("ayse.yilmaz@ornek.com.tr").unwrap()),
            postal_address: Some(PostalAddress::parse("Atatürk Cad. No: 5 Çankaya").unwrap()),
            social: Some(
                SocialAddress::parse(
                    SocialPlatform::Messenger,
                    "682498302938465",
                    "7265514420186",
                    None,
                )
                .unwrap(),
            ),
        };
        let dbg = format!("{c:?}");
        for secret in [
            "Ayşe",
            "Yılmaz",
            "5321234567",
            "ayse.yilmaz",
            "Atatürk",
            "72655144201",
        ] {
            assert!(!dbg.contains(secret), "{secret} leaked in {dbg}");
        }
    }

    #[test]
    fn a_social_address_takes_platform_ids_and_masks_the_citizen() {
        let a = SocialAddress::parse(
            SocialPlatform::WhatsApp,
            " 106540352242922 ",
            "905321234567",
            Some(1),
        )
        .unwrap();
        assert_eq!(a.account_id, "106540352242922");
        assert_eq!(a.user_id.expose(), "905321234567");
        assert_eq!(a.masked(), "WhatsApp ***67");
        for (account, user, field) in [
            ("", "905321234567", "contact.social.account_id"),
            ("106540352242922", "", "contact.social.user_id"),
            ("106540352242922", "90 532", "contact.social.user_id"),
            ("1065<script>", "905321234567", "contact.social.account_id"),
        ] {
            let e = SocialAddress::parse(SocialPlatform::X, account, user, None).unwrap_err();
            assert_eq!(e.field, field, "{account:?} {user:?}");
        }
        for p in SocialPlatform::ALL {
            assert_eq!(SocialPlatform::parse(p.as_str()), Some(p));
        }
        assert_eq!(SocialPlatform::parse("telegram"), None);
    }

    proptest! {
        #[test]
        fn every_valid_mobile_number_parses_and_round_trips(n in 5_000_000_000u64..5_999_999_999u64) {
            let raw = format!("0{n}");
            let p = PhoneNumber::parse(&raw).unwrap();
            prop_assert_eq!(p.expose(), format!("+90{n}"));
            prop_assert_eq!(PhoneNumber::parse(p.expose()).unwrap(), p.clone());
            prop_assert_eq!(p.kind(), PhoneKind::Mobile);
            let dbg = format!("{:?}", p);
            prop_assert!(!dbg.contains(&n.to_string()));
        }

        #[test]
        fn names_never_appear_in_debug_output(name in "[A-Za-zÇĞİÖŞÜçğıöşü]{3,12}( [A-Za-zÇĞİÖŞÜçğıöşü]{3,12})?") {
            let n = PersonName::parse(&name).unwrap();
            prop_assert_eq!(n.expose(), name.as_str());
            // Debug prints exactly the masked form, which keeps one letter a word.
            prop_assert_eq!(format!("{n:?}"), format!("PersonName({})", n.masked()));
            for word in name.split(' ') {
                prop_assert!(!n.masked().contains(word));
            }
        }
    }
}
