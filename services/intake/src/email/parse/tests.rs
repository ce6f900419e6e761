//! The parser on the test corpus (`services/intake/tests/mail`): every
//! charset, the MIME shapes, files, replies, auto-replies, bounces and
//! broken mail, each decided as a person reading the mailbox would.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use super::*;

macro_rules! mail {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/mail/", $name))
    };
}

fn limits() -> Limits {
    Limits {
        max_attachments: 3,
        max_attachment_bytes: 256 * 1024,
        max_text_chars: 10_000,
        own_addresses: vec!["basvuru@tekmerkez.local".into()],
        notification_domain: "tekmerkez.local".into(),
    }
}

fn citizen(raw: &[u8]) -> Inbound {
    match parse(raw, false, &limits()) {
        Verdict::Citizen(m) => *m,
        other => panic!("not a citizen's message: {other:?}"),
    }
}

#[test]
fn every_turkish_charset_and_transfer_encoding_decodes_to_the_same_letters() {
    let m = citizen(mail!("utf8_quoted_printable.eml"));
    assert_eq!(m.subject, "Su kesintisi hakkında şikâyet");
    assert_eq!(m.sender_name.as_deref(), Some("Ayşe Yılmaz"));
    assert!(
        m.body
            .contains("İzmit'te Yahya Kaptan mahallesinde iki gündür su kesik."),
        "{}",
        m.body
    );
    assert_eq!(m.reply_address, "ayse.yilmaz@ornek.com.tr");
    assert_eq!(m.message_id.as_deref(), Some("utf8-qp-0001@ornek.com.tr"));
    assert_eq!(m.follow_up_of, None);

    let m = citizen(mail!("windows1254_quoted_printable.eml"));
    assert_eq!(m.subject, "Kırık kanalizasyon kapağı — acil");
    assert_eq!(m.sender_name.as_deref(), Some("İbrahim Öztürk"));
    assert!(m.body.contains("Gebze'de kaldırımdaki kanalizasyon kapağı kırık, gece yürüyen biri düşebilir. Şikâyetimi kayda alın."), "{}", m.body);

    let m = citizen(mail!("iso88599_base64.eml"));
    assert_eq!(m.subject, "Sayaç arızası ve yüksek fatura");
    assert_eq!(m.sender_name.as_deref(), Some("Gülşen Kılıç"));
    assert!(
        m.body.contains("Darıca'daki evimizin sayacı ters dönüyor"),
        "{}",
        m.body
    );
    assert!(!m.body.contains('\r'));
}

#[test]
fn html_only_mail_becomes_text_and_alternatives_are_read_once() {
    let m = citizen(mail!("html_only.eml"));
    assert!(
        m.body.contains("Gölcük sahilinde denize atık su akıyor"),
        "{}",
        m.body
    );
    assert!(
        !m.body.contains('<') && !m.body.contains("color:red"),
        "{}",
        m.body
    );
    let m = citizen(mail!("multipart_alternative.eml"));
    assert_eq!(m.body.matches("sokak lambası").count(), 1, "{}", m.body);
    assert_eq!(m.sender_name.as_deref(), Some("Ömer Şahin"));
}

#[test]
fn files_within_the_limits_are_taken_and_the_rest_refused_by_reason() {
    let m = citizen(mail!("attachments.eml"));
    let kinds: Vec<_> = m
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content_type.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("sayaç.png", "image/png"),
            ("fatura.pdf", "application/pdf")
        ]
    );
    assert_eq!(
        m.refused_files,
        [FileRefusal::Type],
        "the .exe; the inline logo is no file"
    );
    assert!(m.body.contains("Körfez ilçesindeyim"));

    let m = citizen(mail!("oversize_attachment.eml"));
    assert!(m.files.is_empty());
    assert_eq!(m.refused_files, [FileRefusal::TooLarge]);
    assert!(m.body.contains("Çayırova'da ana boru patladı"));
}

#[test]
fn a_message_cut_at_the_fetch_limit_keeps_its_text_and_refuses_the_cut_file() {
    let raw = mail!("attachments.eml");
    let cut = &raw[..raw.len() - 400];
    let Verdict::Citizen(m) = parse(cut, true, &limits()) else {
        panic!("a cut message is still a citizen's");
    };
    assert!(m.body.contains("Körfez"));
    assert!(
        m.refused_files.contains(&FileRefusal::TooLarge),
        "{:?} {:?} {}",
        m.refused_files,
        m.files,
        cut.len()
    );
    assert!(
        m.files
            .iter()
            .all(|f| f.content.len() < 400 || f.content_type == "image/png")
    );
}

#[test]
fn replies_name_their_case_by_notification_id_or_subject_and_lose_the_quote() {
    let m = citizen(mail!("reply_in_reply_to.eml"));
    assert_eq!(m.follow_up_of.as_deref(), Some("7K3QD2M9XS"));
    assert_eq!(m.body, "Su hâlâ gelmedi, ekip ne zaman gelecek?");
    let m = citizen(mail!("reply_subject.eml"));
    assert_eq!(m.follow_up_of.as_deref(), Some("7K3QD2M9XS"));
    assert_eq!(m.body, "Adres tarifi: caminin karşısındaki sokak.");
    let m = citizen(mail!("reply_mistyped_number.eml"));
    assert_eq!(
        m.follow_up_of, None,
        "a mistyped number opens a new application"
    );
    let mut other = limits();
    other.notification_domain = "baska.example".into();
    let Verdict::Citizen(m) = parse(mail!("reply_in_reply_to.eml"), false, &other) else {
        panic!()
    };
    assert_eq!(
        m.follow_up_of, None,
        "another domain's Message-ID is not ours"
    );
}

#[test]
fn auto_replies_and_bounces_are_automated() {
    assert_eq!(
        parse(mail!("auto_reply.eml"), false, &limits()),
        Verdict::Automated(Automated::AutoSubmitted)
    );
    assert_eq!(
        parse(mail!("auto_reply_precedence.eml"), false, &limits()),
        Verdict::Automated(Automated::Precedence)
    );
    assert_eq!(
        parse(mail!("bounce.eml"), false, &limits()),
        Verdict::Automated(Automated::DeliveryReport)
    );
    let own = b"From: basvuru@tekmerkez.local\r\nSubject: x\r\n\r\nloop\r\n";
    assert_eq!(
        parse(own, false, &limits()),
        Verdict::Automated(Automated::Loop)
    );
    let null = b"Return-Path: <>\r\nFrom: a@b.com.tr\r\nSubject: x\r\n\r\ny\r\n";
    assert_eq!(
        parse(null, false, &limits()),
        Verdict::Automated(Automated::NullReturnPath)
    );
    let daemon = b"From: postmaster@b.com.tr\r\nSubject: x\r\n\r\ny\r\n";
    assert_eq!(
        parse(daemon, false, &limits()),
        Verdict::Automated(Automated::MailerDaemon)
    );
    let subject = b"From: a@b.com.tr\r\nSubject: Automatic reply: Ba\xc5\x9fvuru\r\n\r\ny\r\n";
    assert_eq!(
        parse(subject, false, &limits()),
        Verdict::Automated(Automated::AutoReplySubject)
    );
    let person = b"From: a@b.com.tr\r\nAuto-Submitted: no\r\nSubject: Su yok\r\n\r\ny\r\n";
    assert!(
        matches!(parse(person, false, &limits()), Verdict::Citizen(_)),
        "Auto-Submitted: no is a person"
    );
}

#[test]
fn broken_or_senderless_mail_is_decided_without_a_panic() {
    match parse(mail!("malformed_mime.eml"), false, &limits()) {
        Verdict::Citizen(m) => {
            assert!(m.files.is_empty(), "the broken PDF is no file");
            assert!(
                m.body
                    .chars()
                    .all(|c| !c.is_control() || c == '\n' || c == '\t')
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parse(mail!("no_sender.eml"), false, &limits()),
        Verdict::Unusable(Unusable::NoSender)
    );
    assert_eq!(
        parse(b"", false, &limits()),
        Verdict::Unusable(Unusable::Unparseable)
    );
    assert_eq!(
        parse(b"From: a@b.com.tr\r\n\r\n", false, &limits()),
        Verdict::Unusable(Unusable::Empty)
    );
}

#[test]
fn a_debug_print_shows_no_personal_data() {
    let m = citizen(mail!("utf8_quoted_printable.eml"));
    let shown = format!("{m:?}");
    for secret in ["Ayşe", "ayse.yilmaz", "İzmit", "Su kesintisi"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
