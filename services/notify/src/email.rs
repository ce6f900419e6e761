//! E-mail over SMTP (lettre; STARTTLS through rustls, AUTH), with a
//! plain-text and an HTML part, the tracking number in the subject, and
//! threading headers that let a citizen's reply find its case.
//!
//! # The Message-ID scheme
//!
//! Every e-mail notify sends about a case carries
//!
//! ```text
//! Message-ID: <case.{TRACKING}.{EVENT-ID}@{DOMAIN}>
//! References: <case.{TRACKING}@{DOMAIN}>
//! X-Tekmerkez-Tracking: {TRACKING}
//! Subject: … [{TRACKING}]
//! ```
//!
//! where `{TRACKING}` is the case's tracking number as printed
//! (`XXXXX-XXXXX`), `{EVENT-ID}` the case event that caused the message (so
//! each message's id is unique and the same on a resend), and `{DOMAIN}`
//! `notify.email.message_id_domain`. `References` names a per-case root
//! that no message has, so mail clients thread every message of a case
//! together. A reply carries `In-Reply-To: <case.{TRACKING}.{EVENT-ID}@…>`
//! and `References` with both ids: the inbound e-mail channel reads the
//! tracking number from either (`case.` prefix, up to the next `.`) and adds
//! the reply to the same case; the subject's `[{TRACKING}]` is the fallback
//! when a client drops the headers.
//!
//! An e-mail about an application that came in by e-mail also answers the
//! citizen's own message: `In-Reply-To: <the citizen's Message-ID>` and
//! `References: <the citizen's Message-ID> <case.{TRACKING}@{DOMAIN}>`
//! (the case's `source_reference`), so the acknowledgement and the answer
//! show in the thread the citizen started, and a reply to them still names
//! the case.
//!
//! `Auto-Submitted: auto-generated` (RFC 3834) keeps auto-responders from
//! answering, while people can still reply.
//!
//! # Exactly once
//!
//! SMTP has no client-side idempotency: if notify dies after the relay's
//! `250` but before the log write, the restarted sender sends again, with
//! the same `Message-ID`, which receiving systems commonly use to drop the
//! duplicate. A later bounce (a delivery-status report to the envelope
//! sender) reaches the institution's mailbox, not notify; a refusal during
//! the SMTP dialogue (`550` unknown mailbox) marks the delivery failed at once.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{Certificate, Tls, TlsParameters},
    },
};
use secrecy::ExposeSecret as _;

use crate::{
    config::EmailSettings,
    sms::SendOutcome,
    store::{NotifyStore, SinkAttachment, SinkMessage},
};

/// One e-mail to send (personal data: `Debug` hides it).
#[derive(Clone)]
pub struct OutgoingEmail {
    pub id: uuid::Uuid,
    /// Recipient address.
    pub to: String,
    /// Subject (the tracking number in it).
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// `<case.…@…>`.
    pub message_id: String,
    /// `<case.…@…>`: the case's thread root.
    pub references: String,
    pub tracking_number: String,
    /// The citizen's own Message-ID (`<…@…>`) this answers, if any.
    pub in_reply_to: Option<String>,
}

impl std::fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingEmail")
            .field("id", &self.id)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// The message id of the e-mail about `tracking` caused by `event_id`.
pub fn message_id(tracking: &str, event_id: &str, domain: &str) -> String {
    format!("<case.{tracking}.{event_id}@{domain}>")
}

/// The thread root of a case's e-mails.
pub fn thread_root(tracking: &str, domain: &str) -> String {
    format!("<case.{tracking}@{domain}>")
}

/// The citizen's own Message-ID, `<…@…>`, of a case that came in by
/// e-mail (its `source_reference`); `None` for other channels and for a
/// reference that is no Message-ID.
pub fn citizens_message_id(case: &crate::cases::CaseView) -> Option<String> {
    if case.channel != tekmerkez_proto::common_v1::Channel::Email {
        return None;
    }
    let id = case.source_reference.as_deref()?.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    let ok = id.len() <= 995
        && id
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\' | ','));
    ok.then(|| format!("<{id}>"))
}

/// The tracking number named by a `Message-ID`, `In-Reply-To` or
/// `References` value of this scheme (any of the ids in it), for the
/// inbound channel and tests.
pub fn tracking_from_header(value: &str) -> Option<String> {
    value
        .split(['<', '>', ' ', ',', '\t', '\r', '\n'])
        .find_map(|id| {
            let rest = id.strip_prefix("case.")?;
            let (local, _domain) = rest.split_once('@')?;
            let tracking = local.split('.').next()?;
            tekmerkez_tracking::TrackingNumber::parse(tracking)
                .ok()
                .map(|t| t.to_string())
        })
}

/// The subject with `[TRACKING]` added when the template left it out.
pub fn subject_with_tracking(subject: &str, tracking: &str) -> String {
    if subject.contains(tracking) {
        subject.to_owned()
    } else {
        format!("{subject} [{tracking}]")
    }
}

/// Why the mailer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// The CA file could not be read or parsed.
    #[error("notify.email.smtp.ca_file cannot be used")]
    CaFile(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// TLS parameters were refused.
    #[error("TLS parameters for the SMTP relay")]
    Tls(#[source] lettre::transport::smtp::Error),
    /// The `From:` address does not parse.
    #[error("notify.email.from is not an address")]
    From,
}

/// Where e-mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// A real SMTP relay.
    Smtp {
        /// The pooled transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// `From:`.
        from: Mailbox,
        /// A bound on one whole send: lettre's own timeout covers each
        /// read, not a dialogue a relay drags out (a refused AUTH was seen
        /// to hang until the server's 300 s idle limit).
        deadline: Duration,
        /// `notify.email.smtputf8`: non-ASCII addresses may be sent.
        smtputf8: bool,
    },
    /// The development sink.
    Dev {
        /// Where it keeps what it receives.
        store: NotifyStore,
        /// `From:`.
        from: Mailbox,
        /// As for SMTP, so `tekmerkez dev` refuses what production would.
        smtputf8: bool,
    },
    /// E-mail is off: deliveries fail with `email_disabled`.
    Off,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Smtp { .. } => "Mailer::Smtp",
            Self::Dev { .. } => "Mailer::Dev",
            Self::Off => "Mailer::Off",
        })
    }
}

/// The `From:` of every message: `from` as configured; an address without
/// a name goes out under the institution's name, so the citizen reads the
/// same name as on the pages and SMS.
fn sender(from: &str, institution: &str) -> Result<Mailbox, MailerError> {
    let mut m = from.parse::<Mailbox>().map_err(|_| MailerError::From)?;
    if m.name.is_none() && !institution.trim().is_empty() {
        m.name = Some(institution.trim().to_owned());
    }
    Ok(m)
}

impl Mailer {
    /// The mailer `settings` describe; the dev sink writes to `store`;
    /// `institution` names the sender when `settings.from` has no name.
    ///
    /// # Errors
    /// [`MailerError`] for a bad CA file, TLS parameters or `From:`.
    pub fn new(
        settings: &EmailSettings,
        institution: &str,
        store: NotifyStore,
    ) -> Result<Self, MailerError> {
        let from = || sender(&settings.from, institution);
        match settings.transport.as_str() {
            "dev" => Ok(Self::Dev {
                store,
                from: from()?,
                smtputf8: settings.smtputf8,
            }),
            "smtp" => {
                let s = &settings.smtp;
                let mut tls = TlsParameters::builder(s.host.clone());
                if let Some(path) = s.ca_file.as_deref().filter(|p| !p.is_empty()) {
                    let pem = std::fs::read(path).map_err(|e| MailerError::CaFile(e.into()))?;
                    let cert =
                        Certificate::from_pem(&pem).map_err(|e| MailerError::CaFile(e.into()))?;
                    tls = tls.add_root_certificate(cert);
                }
                let tls = tls.build_rustls().map_err(MailerError::Tls)?;
                let tls = match s.tls.as_str() {
                    "required" => Tls::Required(tls),
                    "opportunistic" => Tls::Opportunistic(tls),
                    "wrapper" => Tls::Wrapper(tls),
                    _ => Tls::None,
                };
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
                    .port(s.port)
                    .tls(tls)
                    .timeout(Some(Duration::from_millis(s.timeout_ms)));
                if !s.username.expose_secret().is_empty() {
                    b = b
                        .credentials(Credentials::new(
                            s.username.expose_secret().to_owned(),
                            s.password.expose_secret().to_owned(),
                        ))
                        // PLAIN over TLS only: no LOGIN fallback after a refusal.
                        .authentication(vec![Mechanism::Plain]);
                }
                Ok(Self::Smtp {
                    transport: b.build(),
                    from: from()?,
                    deadline: Duration::from_millis(s.timeout_ms.saturating_mul(2)),
                    smtputf8: settings.smtputf8,
                })
            }
            _ => Ok(Self::Off),
        }
    }

    fn build(from: &Mailbox, e: &OutgoingEmail) -> Result<Message, &'static str> {
        let to: Mailbox = e.to.parse().map_err(|_| "rejected_address")?;
        let mut b = Message::builder();
        if let Some(citizen) = &e.in_reply_to {
            b = b
                .in_reply_to(citizen.clone())
                .references(format!("{citizen} {}", e.references));
        } else {
            b = b.references(e.references.clone());
        }
        b.from(from.clone())
            .to(to)
            .subject(e.subject.clone())
            .message_id(Some(e.message_id.clone()))
            .date_now()
            .raw_header(lettre::message::header::HeaderValue::new(
                lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ))
            .raw_header(lettre::message::header::HeaderValue::new(
                lettre::message::header::HeaderName::new_from_ascii_str("X-Tekmerkez-Tracking"),
                e.tracking_number.clone(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                e.text.clone(),
                e.html.clone(),
            ))
            .map_err(|_| "rejected_message")
    }

    /// Sends `e`. An address that is not ASCII is refused
    /// (`address_not_ascii`) unless the relay takes SMTPUTF8
    /// (`notify.email.smtputf8`); then lettre sends it with the SMTPUTF8
    /// parameter, and a relay that does not offer the extension after all
    /// refuses it for good (`relay_lacks_smtputf8`).
    #[tracing::instrument(name = "notify.email.send", skip_all, fields(delivery_id = %e.id))]
    pub async fn send(&self, e: &OutgoingEmail) -> SendOutcome {
        let sink = SinkMessage {
            seq: 0,
            channel: "email".into(),
            message_id: e.message_id.clone(),
            recipient: e.to.clone(),
            subject: e.subject.clone(),
            body: e.text.clone(),
            html: e.html.clone(),
            headers: String::new(),
            encoding: String::new(),
            segments: 0,
            received_at: 0,
            attachments: Vec::new(),
        };
        self.deliver(&e.to, sink, |from| Self::build(from, e)).await
    }

    /// Sends a report e-mail (see [`crate::report_mail`]): `multipart/mixed`
    /// with the body and each attachment. The same address rules as
    /// [`Self::send`] hold.
    #[tracing::instrument(name = "notify.email.send_report", skip_all)]
    pub async fn send_report(&self, e: &ReportEmail) -> SendOutcome {
        let sink = SinkMessage {
            seq: 0,
            channel: "email".into(),
            message_id: e.message_id.clone(),
            recipient: e.to.clone(),
            subject: e.subject.clone(),
            body: e.text.clone(),
            html: e.html.clone().unwrap_or_default(),
            headers: String::new(),
            encoding: String::new(),
            segments: 0,
            received_at: 0,
            attachments: e
                .attachments
                .iter()
                .map(|a| SinkAttachment {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: i64::try_from(a.content.len()).unwrap_or(i64::MAX),
                })
                .collect(),
        };
        self.deliver(&e.to, sink, |from| build_report(from, e))
            .await
    }

    /// Sends what `build` makes to `to` through this mailer; the dev sink
    /// keeps `sink` with the built message's headers.
    async fn deliver(
        &self,
        to: &str,
        mut sink: SinkMessage,
        build: impl FnOnce(&Mailbox) -> Result<Message, &'static str>,
    ) -> SendOutcome {
        if let Self::Smtp {
            smtputf8: false, ..
        }
        | Self::Dev {
            smtputf8: false, ..
        } = self
            && !to.is_ascii()
        {
            return SendOutcome::Rejected("address_not_ascii");
        }
        match self {
            Self::Off => SendOutcome::Rejected("email_disabled"),
            Self::Dev { store, from, .. } => {
                let msg = match build(from) {
                    Ok(m) => m,
                    Err(reason) => return SendOutcome::Rejected(reason),
                };
                sink.headers = msg.headers().to_string();
                sink.received_at = jiff::Timestamp::now().as_microsecond();
                match store.sink_insert(&sink).await {
                    Ok(_) => SendOutcome::Accepted(sink.message_id),
                    Err(_) => SendOutcome::NotAccepted("dev_sink_unavailable"),
                }
            }
            Self::Smtp {
                transport,
                from,
                deadline,
                ..
            } => {
                let msg = match build(from) {
                    Ok(m) => m,
                    Err(reason) => return SendOutcome::Rejected(reason),
                };
                match tokio::time::timeout(*deadline, transport.send(msg)).await {
                    Ok(Ok(_)) => SendOutcome::Accepted(sink.message_id),
                    Ok(Err(err)) => classify(&err),
                    Err(_) => SendOutcome::NotAccepted("smtp_timeout"),
                }
            }
        }
    }
}

/// One file attached to a report e-mail.
#[derive(Clone)]
pub struct ReportAttachment {
    /// The name the recipient sees (Turkish letters allowed).
    pub filename: String,
    /// Its MIME type.
    pub content_type: String,
    /// The file.
    pub content: bytes::Bytes,
}

/// A report e-mail to one recipient (personal data: `Debug` hides it).
#[derive(Clone)]
pub struct ReportEmail {
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML alternative, if any.
    pub html: Option<String>,
    /// `<report.…@…>`: the same on a resend.
    pub message_id: String,
    /// `tr` or `en` (`Content-Language`).
    pub language: String,
    /// The files.
    pub attachments: Vec<ReportAttachment>,
}

impl std::fmt::Debug for ReportEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportEmail")
            .field("message_id", &self.message_id)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

fn raw_header(name: &'static str, value: &str) -> lettre::message::header::HeaderValue {
    lettre::message::header::HeaderValue::new(
        lettre::message::header::HeaderName::new_from_ascii_str(name),
        value.to_owned(),
    )
}

/// The MIME message of a report e-mail: `multipart/mixed` of the body (the
/// text, or `multipart/alternative` of text and HTML) and one part per
/// attachment, its name RFC 2231-encoded by lettre's
/// `Content-Disposition: attachment`.
///
/// # Errors
/// `rejected_address` for a recipient that does not parse,
/// `rejected_attachment` for a content type that does not,
/// `rejected_message` when lettre refuses the whole.
pub fn build_report(from: &Mailbox, e: &ReportEmail) -> Result<Message, &'static str> {
    use lettre::message::{Attachment, SinglePart, header::ContentType};
    let to: Mailbox = e.to.parse().map_err(|_| "rejected_address")?;
    let body = match &e.html {
        Some(html) => MultiPart::alternative_plain_html(e.text.clone(), html.clone()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(e.text.clone())),
    };
    let mut mixed = match &e.html {
        Some(_) => MultiPart::mixed().multipart(body),
        // A lone text part goes straight into the outer multipart.
        None => body,
    };
    for a in &e.attachments {
        let ct = ContentType::parse(&a.content_type).map_err(|_| "rejected_attachment")?;
        mixed = mixed.singlepart(Attachment::new(a.filename.clone()).body(a.content.to_vec(), ct));
    }
    let language = if e.language == "en" { "en" } else { "tr" };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(e.subject.clone())
        .message_id(Some(e.message_id.clone()))
        .date_now()
        .raw_header(raw_header("Auto-Submitted", "auto-generated"))
        .raw_header(raw_header("Content-Language", language))
        .multipart(mixed)
        .map_err(|_| "rejected_message")
}

/// What an SMTP error means for the delivery.
fn classify(err: &lettre::transport::smtp::Error) -> SendOutcome {
    let code = err.status().map(|c| c.to_string());
    match code.as_deref() {
        // The mailbox does not exist or is not accepted: a bounce at the door.
        Some("550" | "551" | "553" | "501") => SendOutcome::Rejected("address_rejected"),
        Some("552") => SendOutcome::Rejected("message_too_large"),
        // Authentication: the relay's credentials, not this message.
        Some("535" | "530" | "534") => SendOutcome::NotAccepted("smtp_auth"),
        Some("554") => SendOutcome::Rejected("smtp_rejected"),
        _ if err.is_permanent() => SendOutcome::Rejected("smtp_rejected"),
        // lettre refuses before sending what the relay's EHLO does not
        // offer: SMTPUTF8 for a non-ASCII address (8BITMIME is offered by
        // every relay we support). Trying again changes nothing.
        _ if err.is_client() => SendOutcome::Rejected("relay_lacks_smtputf8"),
        _ if err.is_timeout() => SendOutcome::NotAccepted("smtp_timeout"),
        _ if err.is_tls() => SendOutcome::NotAccepted("smtp_tls"),
        _ if err.is_transient() => SendOutcome::NotAccepted("smtp_transient"),
        _ => SendOutcome::NotAccepted("smtp_unreachable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_without_a_name_goes_out_under_the_institutions_name() {
        let named = sender("bildirim@tekmerkez.local", "Kocaeli İSU Alo 185").unwrap();
        assert_eq!(named.name.as_deref(), Some("Kocaeli İSU Alo 185"));
        assert_eq!(named.email.to_string(), "bildirim@tekmerkez.local");
        let kept = sender("Çözüm Masası <bildirim@tekmerkez.local>", "Kocaeli İSU").unwrap();
        assert_eq!(
            kept.name.as_deref(),
            Some("Çözüm Masası"),
            "a configured name wins"
        );
        assert_eq!(sender("bildirim@tekmerkez.local", " ").unwrap().name, None);
        assert!(matches!(
            sender("not an address", "x"),
            Err(MailerError::From)
        ));
    }

    #[test]
    fn the_tracking_number_comes_back_from_any_threading_header() {
        let id = message_id(
            "7K3MQ-2ZX9D",
            "0192f7a0-1111-7000-8000-000000000001",
            "tekmerkez.local",
        );
        assert_eq!(
            id,
            "<case.7K3MQ-2ZX9D.0192f7a0-1111-7000-8000-000000000001@tekmerkez.local>"
        );
        let refs = format!("{} {id}", thread_root("7K3MQ-2ZX9D", "tekmerkez.local"));
        // Only valid tracking numbers (with their check symbol) are read.
        let valid = tekmerkez_tracking::TrackingNumber::generate().to_string();
        assert_eq!(valid.len(), 11, "XXXXX-XXXXX");
        let id = message_id(&valid, "e1", "x.org");
        assert_eq!(tracking_from_header(&id).as_deref(), Some(valid.as_str()));
        let refs2 = format!("<other@x.org>\r\n {}", thread_root(&valid, "x.org"));
        assert_eq!(
            tracking_from_header(&refs2).as_deref(),
            Some(valid.as_str())
        );
        assert_eq!(tracking_from_header("<abc@x.org>"), None);
        let _ = refs;
    }

    #[test]
    fn only_an_e_mailed_applications_message_id_is_answered() {
        use tekmerkez_proto::common_v1::Channel;
        let case = |channel, reference: &str| crate::cases::CaseView {
            channel,
            source_reference: Some(reference.to_owned()),
            ..Default::default()
        };
        for (c, want) in [
            (
                case(Channel::Email, "CAF=x1@mail.gmail.com"),
                Some("<CAF=x1@mail.gmail.com>"),
            ),
            (
                case(Channel::Email, "<m1@ornek.com.tr>"),
                Some("<m1@ornek.com.tr>"),
            ),
            (case(Channel::Email, "imap:INBOX:42:abc"), None),
            (case(Channel::Email, "a b@c"), None),
            (case(Channel::Partner, "m1@ornek.com.tr"), None),
        ] {
            assert_eq!(
                citizens_message_id(&c).as_deref(),
                want,
                "{:?}",
                c.source_reference
            );
        }
    }

    #[test]
    fn an_answer_to_the_citizens_message_threads_on_it() {
        let from: Mailbox = "bildirim@tekmerkez.local".parse().unwrap();
        let e = OutgoingEmail {
            id: uuid::Uuid::nil(),
            to: "vatandas@ornek.com.tr".into(),
            subject: "Başvurunuz alındı [ABCDE-FGHJK]".into(),
            text: "metin".into(),
            html: "<p>metin</p>".into(),
            message_id: "<case.ABCDE-FGHJK.e1@tekmerkez.local>".into(),
            references: "<case.ABCDE-FGHJK@tekmerkez.local>".into(),
            tracking_number: "ABCDE-FGHJK".into(),
            in_reply_to: Some("<m1@ornek.com.tr>".into()),
        };
        let headers = Mailer::build(&from, &e).unwrap().headers().to_string();
        assert!(
            headers.contains("In-Reply-To: <m1@ornek.com.tr>"),
            "{headers}"
        );
        assert!(
            headers.contains("References: <m1@ornek.com.tr> <case.ABCDE-FGHJK@tekmerkez.local>"),
            "{headers}"
        );
    }

    #[test]
    fn the_subject_always_names_the_tracking_number() {
        assert_eq!(
            subject_with_tracking("Yanıt", "ABCDE-FGHJK"),
            "Yanıt [ABCDE-FGHJK]"
        );
        assert_eq!(
            subject_with_tracking("Yanıt [ABCDE-FGHJK]", "ABCDE-FGHJK"),
            "Yanıt [ABCDE-FGHJK]"
        );
    }
}
