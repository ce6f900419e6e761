//! One raw e-mail (RFC 5322 bytes, MIME) into what the e-mail channel
//! needs, without I/O: who sent it, the text (Turkish charsets —
//! windows-1254, ISO-8859-9, UTF-8 —, encoded-word subjects,
//! quoted-printable and base64 bodies, HTML-only mail turned into text), the
//! files within the limits, the case it follows up, and whether it is an
//! automated message (auto-reply, bounce, bulk) that must never open a case.
//!
//! MIME itself is `mail-parser`'s (lenient, as real mail needs). This module
//! only decides, and it never panics on any input: the `fuzz/` target
//! `email_mime` feeds it arbitrary bytes. It depends on nothing of intake's
//! (only `mail-parser`, `tekmerkez-tracking` and `tekmerkez-turkish`), so the
//! fuzz crate compiles these files alone: keep every path in here relative
//! (`super::`), never `crate::`.
//!
//! - [`automated`]: auto-reply, bounce, bulk and loop detection.
//! - [`sender`]: who wrote it, from every form of `From` seen in the wild,
//!   falling back to `Sender`, `Reply-To` and `Return-Path`.
//! - [`text`]: body text clean-up, quoted-reply removal, and the tracking
//!   number a reply names.

pub mod automated;
pub mod sender;
pub mod text;

use mail_parser::{MessageParser, MimeHeaders as _, PartType};

pub use automated::Automated;

/// What [`parse`] accepts.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most files taken from one message.
    pub max_attachments: usize,
    /// Largest file, decoded.
    pub max_attachment_bytes: usize,
    /// Longest text, in characters (longer text is cut, with a marker).
    pub max_text_chars: usize,
    /// The mailbox's own addresses, lower-case: mail from them, or carrying
    /// them in `X-Loop`, is a loop.
    pub own_addresses: Vec<String>,
    /// The domain of the notification e-mails' `Message-ID`s
    /// (`<case.{tracking}.{event}@{domain}>`); empty accepts any domain.
    pub notification_domain: String,
}

/// The media types taken as files, each with the bytes its content must
/// start with: the case service stores nothing else, and refusing a file
/// here keeps the rest of the application.
pub const ATTACHMENT_TYPES: [(&str, &[u8]); 3] = [
    ("image/jpeg", &[0xFF, 0xD8, 0xFF]),
    ("image/png", &[0x89, b'P', b'N', b'G']),
    ("application/pdf", b"%PDF"),
];

/// What one message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A citizen wrote: an application, or a follow-up of a case.
    Citizen(Box<Inbound>),
    /// An automated message: never a case (no mail loops).
    Automated(Automated),
    /// Nothing a case can be made of.
    Unusable(Unusable),
}

/// Why a message cannot be used; each is a fixed code, safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Not a message at all.
    Unparseable,
    /// No sender address to answer.
    NoSender,
    /// No subject, no text and no file.
    Empty,
}

impl Unusable {
    /// The code for logs and IMAP keywords.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unparseable => "unparseable",
            Self::NoSender => "no_sender",
            Self::Empty => "empty",
        }
    }
}

/// Why a file was not taken; fixed codes, safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    /// Over the size limit (or cut off by the fetch limit).
    TooLarge,
    /// Not one of [`ATTACHMENT_TYPES`], or its bytes are not of its type.
    Type,
    /// Over the count limit.
    TooMany,
}

/// A file taken from the message.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    /// The name as sent, without directories (may be personal data).
    pub name: String,
    /// One of [`ATTACHMENT_TYPES`].
    pub content_type: String,
    /// Decoded content.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// A citizen's message. Every field but the ids may be personal data: it
/// has no `Display`, and its `Debug` shows only sizes and codes.
#[derive(Clone, PartialEq, Eq)]
pub struct Inbound {
    /// `Message-ID` without angle brackets, if any.
    pub message_id: Option<String>,
    /// The address to answer (`Reply-To`, else the [`sender`]), as written.
    pub reply_address: String,
    /// The sender's display name, if given.
    pub sender_name: Option<String>,
    /// The subject, decoded, trimmed ("" when none).
    pub subject: String,
    /// The body as plain text, cleaned; for a follow-up without the quoted
    /// earlier messages.
    pub body: String,
    /// The `Date` header as Unix seconds, if it parses.
    pub date: Option<i64>,
    /// The canonical tracking number of the case this follows up.
    pub follow_up_of: Option<String>,
    /// Files taken.
    pub files: Vec<File>,
    /// Files refused, in order.
    pub refused_files: Vec<FileRefusal>,
}

impl std::fmt::Debug for Inbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound")
            .field("follow_up", &self.follow_up_of.is_some())
            .field("body_chars", &self.body.chars().count())
            .field("files", &self.files)
            .field("refused_files", &self.refused_files)
            .finish_non_exhaustive()
    }
}

/// Decides what `raw` is. `truncated` says the bytes are only the start of
/// a larger message (fetched up to a limit): its last part may be cut off,
/// so files that reach the end are refused as too large.
pub fn parse(raw: &[u8], truncated: bool, limits: &Limits) -> Verdict {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Verdict::Unusable(Unusable::Unparseable);
    };
    if let Some(kind) = automated::detect(&message, limits) {
        return Verdict::Automated(kind);
    }
    let Some(from) = sender::sender(&message) else {
        return Verdict::Unusable(Unusable::NoSender);
    };
    // Answers go where the citizen asked them to go, if that is an address.
    let reply_address = sender::reply_to(&message).unwrap_or(from.address);
    let sender_name = from.name;
    let subject = message.subject().map(text::single_line).unwrap_or_default();
    let follow_up_of = text::followed_up_case(&message, &subject, &limits.notification_domain);

    let mut bodies = Vec::new();
    for i in 0..message.text_body_count().max(message.html_body_count()) {
        if let Some(b) = message.body_text(i) {
            bodies.push(b.into_owned());
        }
    }
    let mut body = text::clean(&bodies.join("\n\n"));
    if follow_up_of.is_some() {
        body = text::strip_quoted_reply(&body);
    } else if !text::is_forward(&subject) {
        // A forward's quoted block is the application itself; a reply's is
        // some earlier mail under Outlook's separator.
        body = text::strip_outlook_quote(&body);
    }
    // Above the quote, so it comes off once the quote is gone.
    body = text::strip_signature(&body);

    let (files, refused_files) = take_files(&message, raw.len(), truncated, limits);
    if subject.is_empty() && body.is_empty() && files.is_empty() {
        return Verdict::Unusable(Unusable::Empty);
    }
    Verdict::Citizen(Box::new(Inbound {
        message_id: message
            .message_id()
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty()),
        reply_address,
        sender_name,
        subject,
        body: text::bound(&body, limits.max_text_chars),
        date: message.date().map(mail_parser::DateTime::to_timestamp),
        follow_up_of,
        files,
        refused_files,
    }))
}

/// The `Message-ID` of `raw` without angle brackets (at most 998
/// characters, a header line's limit), for staff to find a message that made
/// no case.
pub fn message_id(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse_headers(raw)?;
    let id = text::single_line(message.message_id()?);
    let id: String = id.chars().take(998).collect();
    (!id.is_empty()).then_some(id)
}

/// The files within the limits, and why each other one was refused.
/// Inline parts with a `Content-ID` (logos and pictures of an HTML
/// signature) are neither: they are part of the text's layout.
fn take_files(
    message: &mail_parser::Message<'_>,
    raw_len: usize,
    truncated: bool,
    limits: &Limits,
) -> (Vec<File>, Vec<FileRefusal>) {
    let (mut files, mut refused) = (Vec::new(), Vec::new());
    for (i, part) in message.attachments().enumerate() {
        let inline = part
            .content_disposition()
            .is_none_or(|d| !d.ctype().eq_ignore_ascii_case("attachment"));
        if inline && part.content_id().is_some() {
            continue;
        }
        let content = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b.as_ref(),
            PartType::Text(t) | PartType::Html(t) => t.as_bytes(),
            PartType::Message(_) | PartType::Multipart(_) => {
                refused.push(FileRefusal::Type);
                continue;
            }
        };
        // A part that runs to the end of a message cut at the fetch limit
        // is itself cut: its bytes are not the file.
        let cut = truncated && (part.offset_end as usize) + 2 >= raw_len;
        if cut || content.len() > limits.max_attachment_bytes {
            refused.push(FileRefusal::TooLarge);
            continue;
        }
        let content_type = part
            .content_type()
            .map(|c| {
                format!(
                    "{}/{}",
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or_default().to_ascii_lowercase()
                )
            })
            .unwrap_or_default();
        let typed = ATTACHMENT_TYPES
            .iter()
            .find(|(t, _)| *t == content_type)
            .is_some_and(|(_, magic)| content.starts_with(magic));
        if !typed {
            refused.push(FileRefusal::Type);
            continue;
        }
        if files.len() == limits.max_attachments {
            refused.push(FileRefusal::TooMany);
            continue;
        }
        files.push(File {
            name: text::file_name(part.attachment_name(), i, &content_type),
            content_type,
            content: content.to_vec(),
        });
    }
    // What lay past the fetch limit was not read at all (the parser may not
    // even see its part): staff are told something was left out.
    if truncated && !refused.contains(&FileRefusal::TooLarge) {
        refused.push(FileRefusal::TooLarge);
    }
    (files, refused)
}

#[cfg(test)]
mod tests;
