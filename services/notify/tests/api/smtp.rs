//! E-mail against a real SMTP server on 127.0.0.1 (`scripts/smtp`: aiosmtpd
//! requiring STARTTLS and AUTH): what arrives is parsed and checked — the
//! headers, both parts, the Turkish letters and the threading headers.

use std::path::PathBuf;

use mail_parser::{MessageParser, MimeHeaders as _};
use tekmerkez_notify::{
    config::{EmailSettings, SmtpSettings},
    email::{self, Mailer, OutgoingEmail},
    sms::SendOutcome,
};

/// Where the test SMTP server is: the environment `scripts/test` sets, or
/// `scripts/smtp start` (idempotent) when run alone.
pub(crate) struct Smtp {
    pub(crate) addr: String,
    pub(crate) ca: String,
    pub(crate) maildir: PathBuf,
    pub(crate) user: String,
    pub(crate) password: String,
}

pub(crate) fn smtp() -> Smtp {
    if let (Ok(addr), Ok(ca), Ok(maildir), Ok(user), Ok(password)) = (
        std::env::var("TEKMERKEZ_TEST_SMTP"),
        std::env::var("TEKMERKEZ_TEST_SMTP_CA"),
        std::env::var("TEKMERKEZ_TEST_SMTP_MAILDIR"),
        std::env::var("TEKMERKEZ_TEST_SMTP_USER"),
        std::env::var("TEKMERKEZ_TEST_SMTP_PASSWORD"),
    ) {
        return Smtp {
            addr,
            ca,
            maildir: maildir.into(),
            user,
            password,
        };
    }
    let out = std::process::Command::new(crate::helpers::scripts().join("smtp"))
        .arg("start")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/smtp start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap()
            .to_owned()
    };
    Smtp {
        addr: get("SMTP_ADDR"),
        ca: get("SMTP_CA"),
        maildir: get("SMTP_MAILDIR").into(),
        user: get("SMTP_USER"),
        password: get("SMTP_PASSWORD"),
    }
}

fn mailer(s: &Smtp, password: &str, tls: &str) -> Mailer {
    mailer_with(s, password, tls, false)
}

fn mailer_with(s: &Smtp, password: &str, tls: &str, smtputf8: bool) -> Mailer {
    let port = s.addr.rsplit_once(':').unwrap().1.parse().unwrap();
    Mailer::new(
        &EmailSettings {
            transport: "smtp".into(),
            from: "Tek Merkez Çözüm Masası <bildirim@tekmerkez.local>".into(),
            message_id_domain: "tekmerkez.local".into(),
            smtputf8,
            smtp: SmtpSettings {
                host: "localhost".into(),
                port,
                tls: tls.into(),
                ca_file: Some(s.ca.clone()),
                username: s.user.clone().into(),
                password: password.to_owned().into(),
                timeout_ms: 1500,
            },
        },
        "Kocaeli İSU Alo 185",
        tekmerkez_notify::store::NotifyStore::connect("sqlite::memory:", 1).unwrap(),
    )
    .unwrap()
}

/// The raw message and envelope the server received for `to`.
async fn received(s: &Smtp, to: &str) -> (Vec<u8>, serde_json::Value) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        for e in std::fs::read_dir(&s.maildir).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                let meta: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let eml = p.with_extension("eml");
                if meta["rcpt_tos"].as_array().unwrap().iter().any(|r| r == to) && eml.exists() {
                    return (std::fs::read(eml).unwrap(), meta);
                }
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the message did not reach the SMTP server"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

fn email_to(to: &str, tracking: &str) -> OutgoingEmail {
    let event = uuid::Uuid::now_v7().to_string();
    OutgoingEmail {
        id: uuid::Uuid::now_v7(),
        to: to.into(),
        subject: email::subject_with_tracking("Başvurunuzun yanıtı — Çağrı Şikâyeti", tracking),
        text: "Sayın Ayşe Yılmaz,\n\nYetkili açıklaması: Arızalı sayaç değiştirildi; ölçüm düzeldi. Teşekkür ederiz.\n\nİyi günler".into(),
        html: "<p>Sayın Ayşe Yılmaz,</p><blockquote>Arızalı sayaç değiştirildi; ölçüm düzeldi.</blockquote>".into(),
        message_id: email::message_id(tracking, &event, "tekmerkez.local"),
        references: email::thread_root(tracking, "tekmerkez.local"),
        tracking_number: tracking.into(),
        in_reply_to: Some("<m1-7f3a@ornek.com.tr>".into()),
    }
}

#[tokio::test]
async fn an_answer_arrives_over_starttls_with_auth_both_parts_turkish_letters_and_threading_headers()
 {
    let s = smtp();
    let tracking = tekmerkez_tracking::TrackingNumber::generate().to_string();
    let to = format!("vatandas-{}@example.org", uuid::Uuid::new_v4().simple());
    let e = email_to(&to, &tracking);
    let out = mailer(&s, &s.password, "required").send(&e).await;
    assert_eq!(out, SendOutcome::Accepted(e.message_id.clone()));
    let (raw, meta) = received(&s, &to).await;
    assert_eq!(meta["tls"], true, "STARTTLS was used");
    assert_eq!(meta["authenticated"], true, "AUTH was used");
    assert_eq!(meta["mail_from"], "bildirim@tekmerkez.local");
    let m = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        m.subject().unwrap(),
        format!("Başvurunuzun yanıtı — Çağrı Şikâyeti [{tracking}]")
    );
    assert_eq!(
        m.from().unwrap().first().unwrap().name().unwrap(),
        "Tek Merkez Çözüm Masası"
    );
    assert_eq!(format!("<{}>", m.message_id().unwrap()), e.message_id);
    assert!(e.message_id.starts_with(&format!("<case.{tracking}.")));
    let refs = m.references().as_text_list().unwrap().join(" ");
    assert!(
        refs.contains(&format!("case.{tracking}@tekmerkez.local")),
        "{refs}"
    );
    // In the citizen's own thread: it answers their message.
    assert_eq!(
        m.in_reply_to().as_text_list().unwrap(),
        vec!["m1-7f3a@ornek.com.tr"]
    );
    assert!(refs.contains("m1-7f3a@ornek.com.tr"), "{refs}");
    assert_eq!(
        m.header_raw("Auto-Submitted").unwrap().trim(),
        "auto-generated"
    );
    assert_eq!(
        m.header_raw("X-Tekmerkez-Tracking").unwrap().trim(),
        tracking
    );
    // The inbound channel finds the case from a reply's headers.
    assert_eq!(
        email::tracking_from_header(&e.message_id).as_deref(),
        Some(tracking.as_str())
    );
    // multipart/alternative: text/plain and text/html, UTF-8, Turkish intact.
    let ct = m.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    let text = m.body_text(0).unwrap();
    assert!(
        text.contains("Arızalı sayaç değiştirildi; ölçüm düzeldi. Teşekkür ederiz."),
        "{text}"
    );
    let html = m.body_html(0).unwrap();
    assert!(
        html.contains("<blockquote>Arızalı sayaç değiştirildi; ölçüm düzeldi.</blockquote>"),
        "{html}"
    );
    for part in m
        .parts
        .iter()
        .filter(|p| p.content_type().is_some_and(|c| c.ctype() == "text"))
    {
        assert_eq!(
            part.content_type()
                .unwrap()
                .attribute("charset")
                .map(str::to_lowercase)
                .as_deref(),
            Some("utf-8")
        );
    }
}

#[tokio::test]
async fn a_bounced_address_fails_for_good_and_a_wrong_password_is_the_relay_s_fault() {
    let s = smtp();
    let tracking = tekmerkez_tracking::TrackingNumber::generate().to_string();
    let bounce = format!("bounce-{}@example.org", uuid::Uuid::new_v4().simple());
    let out = mailer(&s, &s.password, "required")
        .send(&email_to(&bounce, &tracking))
        .await;
    assert_eq!(out, SendOutcome::Rejected("address_rejected"));
    let to = format!("vatandas-{}@example.org", uuid::Uuid::new_v4().simple());
    let out = mailer(&s, "wrong-password", "required")
        .send(&email_to(&to, &tracking))
        .await;
    assert!(
        matches!(out, SendOutcome::NotAccepted(_)),
        "retried later, the message is fine: {out:?}"
    );
    let out = mailer(&s, &s.password, "required")
        .send(&email_to("not an address", &tracking))
        .await;
    assert_eq!(out, SendOutcome::Rejected("rejected_address"));
}

#[tokio::test]
async fn a_non_ascii_address_goes_out_with_smtputf8_when_the_relay_takes_it_and_never_when_not() {
    let s = smtp();
    let tracking = tekmerkez_tracking::TrackingNumber::generate().to_string();
    let to = format!(
        "çağrı.yılmaz-{}@örnek.com.tr",
        uuid::Uuid::new_v4().simple()
    );
    // Off: nothing is tried, for good.
    let out = mailer_with(&s, &s.password, "required", false)
        .send(&email_to(&to, &tracking))
        .await;
    assert_eq!(out, SendOutcome::Rejected("address_not_ascii"));
    // On: lettre gives MAIL FROM the SMTPUTF8 parameter for a non-ASCII
    // address (and refuses to send one to a relay that does not offer it),
    // so the relay taking it is SMTPUTF8 at work.
    let e = email_to(&to, &tracking);
    let out = mailer_with(&s, &s.password, "required", true)
        .send(&e)
        .await;
    assert_eq!(out, SendOutcome::Accepted(e.message_id.clone()));
    let (raw, meta) = received(&s, &to).await;
    // A server started from this checkout's scripts/smtp records the
    // parameter too (one started from an older one does not say).
    if let Some(flag) = meta.get("smtputf8") {
        assert_eq!(flag, true, "{meta}");
    }
    let m = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        m.to().unwrap().first().unwrap().address().unwrap(),
        to,
        "the header carries the address as UTF-8 (RFC 6532)"
    );
    assert!(
        std::str::from_utf8(&raw).unwrap().contains(&to),
        "not encoded away"
    );
    // An ASCII address is sent as before with the setting on.
    let ascii = format!("vatandas-{}@example.org", uuid::Uuid::new_v4().simple());
    let e = email_to(&ascii, &tracking);
    let out = mailer_with(&s, &s.password, "required", true)
        .send(&e)
        .await;
    assert_eq!(out, SendOutcome::Accepted(e.message_id.clone()));
}
