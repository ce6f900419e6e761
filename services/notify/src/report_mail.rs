//! Report e-mails: the consumer of `reports.mail.v1`. The reports service
//! asks for a report (its PDF and XLSX attached) to go to a list of
//! people ([`ReportMailRequested`]); notify sends one e-mail per recipient,
//! `multipart/mixed` with the files ([`crate::email::build_report`]),
//! exactly once per (event id, recipient).
//!
//! # Exactly once
//!
//! The same pattern as the delivery log ([`crate::dispatch`]): each
//! recipient is **claimed** in `notify_report_mails` under a lease, then
//! **sent**, then **marked** `sent` or `failed`. The address is not stored,
//! only its hash, so the table holds no personal data; the request itself
//! stays on the bus until it is handled, so nothing else needs keeping.
//!
//! - A redelivered or republished event finds its recipients `sent` or
//!   `failed` and sends nothing new.
//! - A crash between send and mark leaves the recipient `sending`; once
//!   its lease runs out, the redelivered event takes it over and sends it
//!   again with the same `Message-ID` (`<report.{EVENT-ID}.{HASH}@{DOMAIN}>`,
//!   `{HASH}` from the address), which receiving systems commonly use to
//!   drop the duplicate, as for the case e-mails ([`crate::email`]).
//! - Another replica's live claim makes this one wait and retry.
//! - A recipient the relay refuses for good (`550`) is recorded `failed`
//!   with the reason; the others still go. An address that does not parse
//!   is skipped and recorded `failed` (`invalid_address`).
//! - A relay that does not take the message (down, timeout) leaves the
//!   recipient `pending` and the event is retried (a dependency is
//!   unavailable: without limit, since the request itself is fine).
//! - A request that can never be sent (no recipients, no subject, an
//!   attachment without a name or with a bad type, attachments over
//!   [`MAX_ATTACHMENT_BYTES`]) is a permanent error: the consumer
//!   dead-letters it; the log names the event and the field, never an
//!   address.

use std::{collections::HashSet, time::Duration};

use jiff::Timestamp;
use prost::Message as _;
use sha2::{Digest as _, Sha256};
use tekmerkez_bus::{
    Envelope,
    consumer::{HandleError, Handler},
};
use tekmerkez_proto::notify_v1::ReportMailRequested;

use crate::{
    email::{Mailer, ReportAttachment, ReportEmail},
    sms::SendOutcome,
    store::{NotifyStore, ReportClaim, ReportMailKey, StoreError},
};

/// The topic report e-mails are requested on.
pub const REPORT_MAIL_TOPIC: &str = "reports.mail.v1";

/// The consumer group's suffix: notify's group plus this
/// (`notify-report-mail` by default), so report e-mails have their own
/// position and never wait behind case events.
pub const GROUP_SUFFIX: &str = "-report-mail";

/// The attachments of one request together, at most: the whole message
/// must stay under Kafka's default 1 MB.
pub const MAX_ATTACHMENT_BYTES: usize = 900 * 1024;

/// The longest event id (it goes into the `Message-ID`).
const MAX_EVENT_ID: usize = 200;

/// Why a request is refused: the field (for the log and the DLQ kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// `event_id` is empty, too long, or has characters a `Message-ID` cannot.
    #[error("event_id is missing or not usable in a Message-ID")]
    EventId,
    /// `directorate_id` is empty.
    #[error("directorate_id is missing")]
    Directorate,
    /// No recipients.
    #[error("recipients is empty")]
    Recipients,
    /// No subject.
    #[error("subject is missing")]
    Subject,
    /// No text body.
    #[error("text_body is missing")]
    TextBody,
    /// `language` is neither `tr` nor `en`.
    #[error("language must be tr or en")]
    Language,
    /// An attachment without a usable name.
    #[error("attachments[{0}].filename is missing or has a path or control character")]
    Filename(usize),
    /// An attachment whose content type does not parse.
    #[error("attachments[{0}].content_type is not a MIME type")]
    ContentType(usize),
    /// The attachments are too big together.
    #[error("attachments are over {MAX_ATTACHMENT_BYTES} bytes together")]
    TooLarge,
}

impl Invalid {
    /// The DLQ reason.
    pub fn kind(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            _ => "invalid",
        }
    }
}

/// Checks what a request must hold before anything is sent.
///
/// # Errors
/// The first field that is wrong.
pub fn validate(r: &ReportMailRequested) -> Result<(), Invalid> {
    let id_ok = !r.event_id.is_empty()
        && r.event_id.len() <= MAX_EVENT_ID
        && r.event_id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '@' | '"' | '\\' | ','));
    if !id_ok {
        return Err(Invalid::EventId);
    }
    if r.directorate_id.trim().is_empty() {
        return Err(Invalid::Directorate);
    }
    if r.recipients.is_empty() {
        return Err(Invalid::Recipients);
    }
    if r.subject.trim().is_empty() {
        return Err(Invalid::Subject);
    }
    if r.text_body.trim().is_empty() {
        return Err(Invalid::TextBody);
    }
    if !matches!(r.language.as_str(), "" | "tr" | "en") {
        return Err(Invalid::Language);
    }
    let mut total = 0usize;
    for (i, a) in r.attachments.iter().enumerate() {
        let name_ok = !a.filename.trim().is_empty()
            && a.filename.chars().count() <= 255
            && !a
                .filename
                .chars()
                .any(|c| c.is_control() || matches!(c, '/' | '\\'));
        if !name_ok {
            return Err(Invalid::Filename(i));
        }
        if lettre::message::header::ContentType::parse(&a.content_type).is_err() {
            return Err(Invalid::ContentType(i));
        }
        total = total.saturating_add(a.content.len());
    }
    if total > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::TooLarge);
    }
    Ok(())
}

/// SHA-256 (hex) of the trimmed, lower-cased address: the recipient's key
/// in the once-only record.
pub fn recipient_hash(address: &str) -> String {
    hex::encode(Sha256::digest(address.trim().to_lowercase().as_bytes()))
}

/// The `Message-ID` of the report e-mail of `event_id` to the recipient
/// whose hash is `hash`: the same on every resend.
pub fn message_id(event_id: &str, hash: &str, domain: &str) -> String {
    let short = hash.get(..16).unwrap_or(hash);
    format!("<report.{event_id}.{short}@{domain}>")
}

/// The consumer's handler.
#[derive(Debug, Clone)]
pub struct ReportMailHandler {
    store: NotifyStore,
    mailer: Mailer,
    domain: String,
    lease: Duration,
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn store_down(e: impl Into<anyhow::Error>) -> HandleError {
    HandleError::Unavailable(e.into().context("notify's database"))
}

impl ReportMailHandler {
    /// Sends through `mailer`, records in `store`; `domain` is the
    /// `Message-ID` domain; a claim lasts `lease` (longer than a send may).
    pub fn new(store: NotifyStore, mailer: Mailer, domain: String, lease: Duration) -> Self {
        Self {
            store,
            mailer,
            domain,
            lease,
        }
    }

    /// Sends `r` to each of its recipients not yet done.
    ///
    /// # Errors
    /// Permanent for an invalid request; unavailable while the database or
    /// the relay is down, or another sender holds a recipient.
    pub async fn handle_request(&self, r: &ReportMailRequested) -> Result<(), HandleError> {
        if let Err(invalid) = validate(r) {
            // The event id may be what is wrong: log a bounded piece of it.
            let event_id: String = r.event_id.chars().take(MAX_EVENT_ID).collect();
            tracing::error!(%event_id, reason = %invalid, "report e-mail request refused; dead-lettered");
            metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_FAILED, "channel" => "report_email", "reason" => invalid.kind()).increment(1);
            return Err(HandleError::Permanent {
                kind: invalid.kind(),
                source: anyhow::Error::new(invalid),
            });
        }
        let attachments: Vec<ReportAttachment> = r
            .attachments
            .iter()
            .map(|a| ReportAttachment {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                content: bytes::Bytes::copy_from_slice(&a.content),
            })
            .collect();
        let mut seen = HashSet::new();
        let mut retry: Option<&'static str> = None;
        for (position, address) in r.recipients.iter().enumerate() {
            let hash = recipient_hash(address);
            if !seen.insert(hash.clone()) {
                continue;
            }
            let mid = message_id(&r.event_id, &hash, &self.domain);
            let key = ReportMailKey {
                event_id: &r.event_id,
                recipient_hash: &hash,
                directorate_id: &r.directorate_id,
                period: &r.period,
                position: i64::try_from(position).unwrap_or(i64::MAX),
                message_id: &mid,
            };
            let now = Timestamp::now().as_microsecond();
            if address.trim().parse::<lettre::Address>().is_err() {
                tracing::warn!(event_id = %r.event_id, position, "a report recipient's address does not parse; skipped and recorded");
                metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_FAILED, "channel" => "report_email", "reason" => "invalid_address").increment(1);
                self.store
                    .report_mail_refuse(&key, "invalid_address", now)
                    .await
                    .map_err(store_down)?;
                continue;
            }
            let attempt = match self
                .store
                .report_mail_claim(&key, now, now + micros(self.lease))
                .await
                .map_err(store_down)?
            {
                ReportClaim::Done => continue,
                ReportClaim::Busy => {
                    retry = retry.or(Some("claimed_elsewhere"));
                    continue;
                }
                ReportClaim::Claimed {
                    in_doubt: true,
                    attempt,
                } => {
                    tracing::warn!(event_id = %r.event_id, position, "a report e-mail's outcome is unknown (crash or lost answer): sending it again with the same Message-ID");
                    attempt
                }
                ReportClaim::Claimed {
                    in_doubt: false,
                    attempt,
                } => attempt,
            };
            let e = ReportEmail {
                to: address.trim().to_owned(),
                subject: r.subject.clone(),
                text: r.text_body.clone(),
                html: r.html_body.clone().filter(|h| !h.trim().is_empty()),
                message_id: mid.clone(),
                language: r.language.clone(),
                attachments: attachments.clone(),
            };
            let (state, reason) = match self.mailer.send_report(&e).await {
                SendOutcome::Accepted(_) => {
                    tracing::info!(event_id = %r.event_id, directorate_id = %r.directorate_id, period = %r.period, position, "report e-mail sent");
                    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_SENT, "channel" => "report_email", "provider" => self.mailer_name()).increment(1);
                    ("sent", None)
                }
                SendOutcome::Rejected(reason) => {
                    tracing::error!(event_id = %r.event_id, position, reason, "the report e-mail was refused for good; recorded failed");
                    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_FAILED, "channel" => "report_email", "reason" => reason).increment(1);
                    ("failed", Some(reason))
                }
                SendOutcome::NotAccepted(reason) | SendOutcome::Unknown(reason) => {
                    tracing::warn!(event_id = %r.event_id, position, reason, "the report e-mail was not taken; the event is retried");
                    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_RETRIED, "channel" => "report_email", "reason" => reason).increment(1);
                    retry = retry.or(Some(reason));
                    ("pending", Some(reason))
                }
            };
            match self
                .store
                .report_mail_mark(
                    &r.event_id,
                    &hash,
                    attempt,
                    state,
                    reason,
                    Timestamp::now().as_microsecond(),
                )
                .await
            {
                Ok(()) => {}
                Err(StoreError::ClaimLost) => {
                    // This sender's lease ran out during the send and another
                    // claimed the recipient: its outcome is that sender's to
                    // record (it resends with the same Message-ID).
                    tracing::info!(event_id = %r.event_id, position, "the claim on a report recipient was lost during the send; left to the sender that holds it");
                    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_RETRIED, "channel" => "report_email", "reason" => "claim_lost").increment(1);
                }
                Err(e) => return Err(store_down(e)),
            }
        }
        match retry {
            Some(reason) => Err(HandleError::Unavailable(anyhow::anyhow!(
                "report e-mail not sent to every recipient yet: {reason}"
            ))),
            None => Ok(()),
        }
    }

    fn mailer_name(&self) -> &'static str {
        match &self.mailer {
            Mailer::Smtp { .. } => "smtp",
            Mailer::Dev { .. } => "dev",
            Mailer::Off => "off",
        }
    }
}

#[async_trait::async_trait]
impl Handler for ReportMailHandler {
    #[tracing::instrument(name = "notify.report_mail", skip_all)]
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let r = ReportMailRequested::decode(envelope.payload.clone()).map_err(|e| {
            HandleError::Permanent {
                kind: "decode",
                source: e.into(),
            }
        })?;
        self.handle_request(&r).await
    }
}

#[cfg(test)]
mod tests {
    use lettre::message::Mailbox;
    use mail_parser::{MessageParser, MimeHeaders as _};
    use tekmerkez_proto::notify_v1::ReportAttachment as PbAttachment;

    use super::*;
    use crate::email::build_report;

    const PDF: &str = "application/pdf";
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    fn request() -> ReportMailRequested {
        ReportMailRequested {
            event_id: "0193a1b2-0000-5000-8000-000000000001".into(),
            directorate_id: "dir-1".into(),
            period: "2026-11".into(),
            recipients: vec!["mudur@kocaeli.bel.tr".into()],
            subject: "Aylık rapor — Kasım 2026".into(),
            text_body: "Sayın Müdürüm,\n\nKasım 2026 raporu ektedir.".into(),
            html_body: Some("<p>Sayın Müdürüm,</p><p>Kasım 2026 raporu ektedir.</p>".into()),
            attachments: vec![
                PbAttachment {
                    filename: "Aylık rapor — Kasım 2026.pdf".into(),
                    content_type: PDF.into(),
                    content: b"%PDF-1.7\n\x00\x01\x02\xff".to_vec(),
                },
                PbAttachment {
                    filename: "Aylık rapor — Kasım 2026.xlsx".into(),
                    content_type: XLSX.into(),
                    content: vec![0x50, 0x4b, 0x03, 0x04, 0, 0xfe],
                },
            ],
            language: "tr".into(),
        }
    }

    fn email(r: &ReportMailRequested) -> ReportEmail {
        ReportEmail {
            to: r.recipients[0].clone(),
            subject: r.subject.clone(),
            text: r.text_body.clone(),
            html: r.html_body.clone(),
            message_id: message_id(
                &r.event_id,
                &recipient_hash(&r.recipients[0]),
                "tekmerkez.local",
            ),
            language: r.language.clone(),
            attachments: r
                .attachments
                .iter()
                .map(|a| ReportAttachment {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    content: a.content.clone().into(),
                })
                .collect(),
        }
    }

    fn from() -> Mailbox {
        "Kocaeli İSU <bildirim@tekmerkez.local>".parse().unwrap()
    }

    #[test]
    fn a_report_e_mail_is_mixed_with_both_bodies_and_each_file_under_its_turkish_name() {
        let r = request();
        let e = email(&r);
        let raw = build_report(&from(), &e).unwrap().formatted();
        let text = String::from_utf8_lossy(&raw);
        // The name is RFC 2231-encoded on the wire, not sent as raw UTF-8.
        assert!(text.contains("filename*"), "{text}");
        assert!(!text.contains("filename=\"Aylık"), "{text}");
        let m = MessageParser::default().parse(&raw[..]).unwrap();
        assert_eq!(m.subject(), Some("Aylık rapor — Kasım 2026"));
        assert_eq!(m.message_id(), Some(e.message_id.trim_matches(['<', '>'])));
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        assert_eq!(m.header_raw("Content-Language").map(str::trim), Some("tr"));
        let ct = m.content_type().unwrap();
        assert_eq!(
            (ct.ctype(), ct.subtype()),
            ("multipart", Some("mixed")),
            "{text}"
        );
        assert_eq!(
            // The wire has CRLF line ends.
            m.body_text(0)
                .map(|t| t.replace("\r\n", "\n").trim_end().to_owned())
                .as_deref(),
            Some("Sayın Müdürüm,\n\nKasım 2026 raporu ektedir.")
        );
        assert!(
            m.body_html(0)
                .is_some_and(|h| h.contains("Kasım 2026 raporu ektedir.")),
            "the HTML alternative"
        );
        assert_eq!(m.attachment_count(), 2);
        for (i, a) in r.attachments.iter().enumerate() {
            let part = m.attachment(u32::try_from(i).unwrap()).unwrap();
            assert_eq!(part.attachment_name(), Some(a.filename.as_str()));
            let ct = part.content_type().unwrap();
            assert_eq!(
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap()),
                a.content_type
            );
            assert_eq!(part.contents(), &a.content[..], "bytes survive the trip");
        }
    }

    #[test]
    fn without_html_the_text_is_the_first_part_beside_the_files() {
        let mut r = request();
        r.html_body = None;
        r.language = "en".into();
        let raw = build_report(&from(), &email(&r)).unwrap().formatted();
        let m = MessageParser::default().parse(&raw[..]).unwrap();
        assert_eq!(m.header_raw("Content-Language").map(str::trim), Some("en"));
        assert!(m.body_html(0).is_some_and(|h| h.contains("ektedir")));
        assert_eq!(m.attachment_count(), 2);
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("multipart/alternative"), "{text}");
    }

    #[test]
    fn a_bad_recipient_or_content_type_is_refused_when_built() {
        let r = request();
        let mut e = email(&r);
        e.to = "not an address".into();
        assert_eq!(build_report(&from(), &e).err(), Some("rejected_address"));
        let mut e = email(&r);
        e.attachments[0].content_type = "pdf".into();
        assert_eq!(build_report(&from(), &e).err(), Some("rejected_attachment"));
    }

    #[test]
    fn the_message_id_is_the_same_for_the_same_event_and_recipient_and_hides_the_address() {
        let a = message_id("ev-1", &recipient_hash("Mudur@Kocaeli.bel.tr "), "x.org");
        let b = message_id("ev-1", &recipient_hash("mudur@kocaeli.bel.tr"), "x.org");
        assert_eq!(a, b, "case and spaces do not make another recipient");
        assert!(
            a.starts_with("<report.ev-1.") && a.ends_with("@x.org>"),
            "{a}"
        );
        assert!(!a.contains("mudur"), "{a}");
        assert_ne!(
            a,
            message_id("ev-1", &recipient_hash("baska@kocaeli.bel.tr"), "x.org")
        );
        assert_ne!(
            a,
            message_id("ev-2", &recipient_hash("mudur@kocaeli.bel.tr"), "x.org")
        );
    }

    #[test]
    fn a_request_that_can_never_be_sent_is_refused_with_its_field() {
        assert_eq!(validate(&request()), Ok(()));
        let refused = |change: &dyn Fn(&mut ReportMailRequested), want: Invalid| {
            let mut r = request();
            change(&mut r);
            assert_eq!(validate(&r), Err(want));
        };
        refused(&|r| r.event_id.clear(), Invalid::EventId);
        refused(&|r| r.event_id = "a<b>".into(), Invalid::EventId);
        refused(&|r| r.event_id = "a b".into(), Invalid::EventId);
        refused(&|r| r.directorate_id = " ".into(), Invalid::Directorate);
        refused(&|r| r.recipients.clear(), Invalid::Recipients);
        refused(&|r| r.subject.clear(), Invalid::Subject);
        refused(&|r| r.text_body = "\n".into(), Invalid::TextBody);
        refused(&|r| r.language = "de".into(), Invalid::Language);
        refused(
            &|r| r.attachments[1].filename = "../x.pdf".into(),
            Invalid::Filename(1),
        );
        refused(
            &|r| r.attachments[0].filename = "a\nb.pdf".into(),
            Invalid::Filename(0),
        );
        refused(
            &|r| r.attachments[0].filename = " ".into(),
            Invalid::Filename(0),
        );
        refused(
            &|r| r.attachments[1].content_type = "xlsx".into(),
            Invalid::ContentType(1),
        );
        refused(
            &|r| r.attachments[0].content = vec![0; MAX_ATTACHMENT_BYTES],
            Invalid::TooLarge,
        );
        let mut r = request();
        r.attachments[0].content = vec![0; MAX_ATTACHMENT_BYTES - 6];
        assert_eq!(validate(&r), Ok(()), "exactly the limit is allowed");
        assert_eq!(Invalid::TooLarge.kind(), "too_large");
        assert_eq!(Invalid::Subject.kind(), "invalid");
    }
}
