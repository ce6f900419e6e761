//! A citizen's e-mail ([`super::parse::Inbound`]) into a
//! [`NewApplication`]. Everything is derived from the message
//! and the mailbox, never from the clock or a random source, so a message
//! processed twice (a crash between the publish and the IMAP flag) gives
//! the very same application, which routing and the case service then
//! recognise by its id.

use jiff::Timestamp;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_types::{
    contact::{Contact, EmailAddress, PersonName},
    text::{has_visible, normalise_name},
};
use uuid::Uuid;

use super::{
    parse::{FileRefusal, Inbound},
    settings::EmailSettings,
};
use crate::application::{Consent, MAX_TEXT, NewApplication, Place};

/// The namespace of e-mail application ids (UUID v5).
const NAMESPACE: Uuid = Uuid::from_u128(0x8f1c_5a7e_4b2d_4c61_9e3a_7d10_b5c2_e014);

/// Where a message is: what makes its id when it has no `Message-ID`.
#[derive(Debug, Clone)]
pub struct MessagePlace<'a> {
    /// `user@host` of the mailbox.
    pub account: &'a str,
    pub mailbox: &'a str,
    /// Its UIDVALIDITY.
    pub uid_validity: u32,
    /// The message's UID.
    pub uid: u32,
    /// SHA-256 of the bytes fetched, hex.
    pub sha256: &'a str,
}

/// The application id of a message: from its `Message-ID` (so the same
/// mail delivered twice, to two of our addresses, is one application), or
/// from where it is stored and what it holds.
pub fn application_id(message_id: Option<&str>, place: &MessagePlace<'_>) -> Uuid {
    let name = match message_id {
        Some(id) => format!("message-id\n{}\n{id}", place.account),
        None => format!(
            "stored\n{}\n{}\n{}\n{}\n{}",
            place.account, place.mailbox, place.uid_validity, place.uid, place.sha256
        ),
    };
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// Why a citizen's message still makes no application; fixed codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The reply address is not an address the system can write to.
    BadSender,
}

impl Refusal {
    /// The code for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadSender => "bad_sender",
        }
    }
}

/// The district of `province` the text names, if exactly one is named: a
/// Turkish proper noun takes its suffix after an apostrophe
/// (`Karşıyaka'da`), so words are split there. `Merkez` (a district of many
/// provinces, and a common word) is never taken.
pub fn named_district(province: u8, text: &str) -> Option<String> {
    let p = tekmerkez_geo::province_by_code(province)?;
    let folded = tekmerkez_turkish::fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<&str> = Vec::new();
    for d in p.districts() {
        let key = tekmerkez_turkish::fold(d);
        if key == "merkez" {
            continue;
        }
        let parts: Vec<&str> = key
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if !parts.is_empty()
            && words.windows(parts.len()).any(|w| w == parts.as_slice())
            && !found.contains(&d.as_str())
        {
            found.push(d);
        }
    }
    match found.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    }
}

/// The note staff read when files were left out.
fn refused_note(refused: &[FileRefusal]) -> Option<String> {
    if refused.is_empty() {
        return None;
    }
    let count = |k: FileRefusal| refused.iter().filter(|r| **r == k).count();
    let mut parts = Vec::new();
    for (k, what) in [
        (FileRefusal::TooLarge, "boyut sınırını (256 KB) aşıyor"),
        (
            FileRefusal::Type,
            "türü kabul edilmiyor (yalnızca JPEG, PNG, PDF)",
        ),
        (FileRefusal::TooMany, "en çok 3 ek alınıyor"),
    ] {
        let n = count(k);
        if n > 0 {
            parts.push(format!("{n} ek: {what}"));
        }
    }
    Some(format!(
        "[Sistem notu: e-postanın bazı ekleri alınmadı — {}.]",
        parts.join("; ")
    ))
}

/// The application text: the subject (not for a follow-up, whose subject
/// is the notification's "Re: …"), the body, and a note on the files left
/// out, within the case service's limit.
pub fn application_text(m: &Inbound) -> String {
    // A subject or body that shows nothing (zero-width characters, a lone
    // combining mark) is as good as none: the case must not look empty.
    let subject = if has_visible(&m.subject) {
        m.subject.as_str()
    } else {
        ""
    };
    let body = if has_visible(&m.body) {
        m.body.as_str()
    } else {
        ""
    };
    let mut text = String::new();
    if !subject.is_empty() && (m.follow_up_of.is_none() || body.is_empty()) {
        text.push_str("Konu: ");
        text.push_str(subject);
    }
    if !body.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(body);
    }
    if text.is_empty() {
        text.push_str("[E-posta metinsiz geldi; ekleri inceleyin.]");
    }
    let note = refused_note(&m.refused_files);
    let room = MAX_TEXT - note.as_ref().map_or(0, |n| n.chars().count() + 2);
    let mut text = super::parse::text::bound(&text, room);
    if let Some(n) = note {
        text.push_str("\n\n");
        text.push_str(&n);
    }
    text
}

/// A file's name as the case keeps it: bidi controls removed, so
/// `Ödeme \u{202E}gnp.exe` stays `Ödeme gnp.exe`; one that shows nothing
/// becomes `ek-N`, as a file sent without a name does.
fn attachment_name(sent: &str, index: usize) -> String {
    let name = normalise_name(sent);
    if has_visible(&name) {
        name
    } else {
        format!("ek-{}", index + 1)
    }
}

/// The application for message `m`, received (IMAP INTERNALDATE) at `received_at`.
///
/// # Errors
/// [`Refusal`] when the message cannot be answered.
pub fn to_application(
    m: &Inbound,
    application_id: Uuid,
    received_at: Timestamp,
    settings: &EmailSettings,
) -> Result<NewApplication, Refusal> {
    let email = EmailAddress::parse(&m.reply_address).map_err(|_| Refusal::BadSender)?;
    let name = m
        .sender_name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok());
    let district = named_district(
        settings.province_code,
        &format!("{}\n{}", m.subject, m.body),
    );
    Ok(NewApplication {
        id: application_id,
        // The case service gives the number; the acknowledgement e-mail tells it.
        tracking_number: None,
        channel: common::Channel::Email,
        category: settings.category.clone(),
        // The mailbox's default: the rule that places the mail gives the
        // case its category (the citizen chose none).
        category_is_default: true,
        text: application_text(m),
        place: Place {
            province_code: settings.province_code,
            district,
            neighbourhood: None,
            coordinates: None,
        },
        contact: Contact {
            name,
            email: Some(email),
            ..Contact::default()
        },
        reply: common::ReplyChannel::Email,
        consent: Some(Consent {
            text_version: settings.kvkk_text_version.clone(),
            accepted_at: received_at,
            special_category: false,
        }),
        received_at,
        attachments: m
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| pb::Attachment {
                file_name: attachment_name(&f.name, i),
                content_type: f.content_type.clone(),
                content: f.content.clone(),
            })
            .collect(),
        information_answer: None,
        source_reference: m
            .message_id
            .as_deref()
            .map(|id| id.chars().take(998).collect()),
        follow_up_of: m.follow_up_of.clone(),
        recorded_by: None,
        application_type: common::ApplicationType::Unspecified,
        partner: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_lose_bidi_controls_and_invisible_ones_get_a_number() {
        assert_eq!(attachment_name("Ödeme \u{202E}gnp.exe", 0), "Ödeme gnp.exe");
        assert_eq!(attachment_name("\u{200B}\u{202E}", 1), "ek-2");
    }

    #[test]
    fn a_district_named_with_its_suffix_is_found_and_merkez_never() {
        assert_eq!(
            named_district(35, "Karşıyaka'da su yok").as_deref(),
            Some("Karşıyaka")
        );
        assert_eq!(
            named_district(6, "ÇANKAYA ilçesinde"),
            Some("Çankaya".to_owned())
        );
        assert_eq!(
            named_district(6, "Çankaya ve Keçiören'de"),
            None,
            "two named: none taken"
        );
        assert_eq!(named_district(6, "merkez ofis"), None);
    }

    fn settings() -> EmailSettings {
        use crate::email::settings::{ImapSettings, TlsMode};
        EmailSettings {
            enabled: true,
            imap: ImapSettings {
                host: "127.0.0.1".into(),
                port: 143,
                tls: TlsMode::None,
                ca_file: String::new(),
                username: "basvuru".into(),
                password: secrecy::SecretString::from("x"),
                mailbox: "INBOX".into(),
                processed_mailbox: String::new(),
                poll_interval_ms: 1000,
                idle_renew_ms: 1000,
                timeout_ms: 1000,
                max_backoff_ms: 1000,
            },
            own_addresses: Vec::new(),
            notification_domain: String::new(),
            province_code: 41,
            category: "diger".into(),
            kvkk_text_version: "kvkk-eposta-v1".into(),
            max_message_bytes: 1 << 20,
        }
    }

    #[test]
    fn an_e_mails_category_is_the_mailboxs_default_for_routing_to_replace() {
        let m = Inbound {
            message_id: None,
            reply_address: "ayse@ornek.com.tr".into(),
            sender_name: Some("Ayşe Yılmaz".into()),
            subject: "Su yok".into(),
            body: "Gebze'de su yok.".into(),
            date: None,
            follow_up_of: None,
            files: Vec::new(),
            refused_files: Vec::new(),
        };
        let app = to_application(&m, Uuid::nil(), Timestamp::UNIX_EPOCH, &settings()).unwrap();
        let received = pb::ApplicationReceived::from(app);
        assert_eq!(received.category, "diger");
        assert!(
            received.category_is_default,
            "routing gives the placing rule's category"
        );
    }

    #[test]
    fn ids_come_from_the_message_id_or_from_where_and_what_it_is() {
        let place = MessagePlace {
            account: "a@h",
            mailbox: "INBOX",
            uid_validity: 1,
            uid: 7,
            sha256: "ab",
        };
        let a = application_id(Some("x@y"), &place);
        assert_eq!(
            a,
            application_id(
                Some("x@y"),
                &MessagePlace {
                    uid: 8,
                    ..place.clone()
                }
            )
        );
        assert_ne!(a, application_id(Some("z@y"), &place));
        let b = application_id(None, &place);
        assert_ne!(
            b,
            application_id(
                None,
                &MessagePlace {
                    sha256: "cd",
                    ..place.clone()
                }
            )
        );
        assert_eq!(b, application_id(None, &place));
    }
}
