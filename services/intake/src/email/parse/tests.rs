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
fn an_outlook_reply_keeps_only_what_the_citizen_wrote_above_the_separator() {
    let m = citizen(mail!("reply_outlook.eml"));
    assert_eq!(m.follow_up_of.as_deref(), Some("7K3QD2M9XS"));
    assert_eq!(m.sender_name.as_deref(), Some("Gülşen Kılıç"));
    assert_eq!(
        m.body,
        "Merhaba,\n\nSayacın fotoğrafını bu akşam çekip göndereceğim, hâlâ ters dönüyor.\n\n\
         Saygılarımla,\nGülşen Kılıç"
    );
}

#[test]
fn an_iphone_reply_loses_its_quote_and_its_signature() {
    let m = citizen(mail!("reply_iphone.eml"));
    assert_eq!(m.follow_up_of.as_deref(), Some("7K3QD2M9XS"));
    assert_eq!(
        m.body,
        "Ekip hâlâ gelmedi, yarın sabah 9'dan sonra evdeyim."
    );
}

#[test]
fn a_from_encoded_whole_as_one_word_is_a_citizen_with_a_name_and_an_address() {
    let m = citizen(mail!("from_encoded_whole.eml"));
    assert_eq!(m.reply_address, "ayse.yilmaz@ornek.com.tr");
    assert_eq!(m.sender_name.as_deref(), Some("Ayşe Yılmaz"));
    assert_eq!(m.subject, "Su kesintisi");
    assert_eq!(
        m.body,
        "Başiskele'de Yeniköy mahallesinde iki gündür su yok. Yaşlı annem evde, acil \
         bakılmasını rica ederim.",
        "the phone's signature is gone"
    );
}

#[test]
fn a_new_application_loses_an_outlook_quote_but_a_forward_keeps_what_it_forwards() {
    let body = "Merhaba, su faturam iki katına çıktı.\r\n\r\nGet Outlook for Android<https://aka.ms/ghei36>\r\n\
        ________________________________\r\nFrom: Abone Hizmetleri <abone@ornek.gov.tr>\r\n\
        Sent: Monday, March 2, 2026 4:10:12 PM\r\nTo: Can Demir <can@ornek.com.tr>\r\n\
        Subject: Fatura bilgilendirme\r\n\r\nSayın abonemiz, Mart faturanız hazırlanmıştır.\r\n";
    let reply = format!(
        "From: Can Demir <can@ornek.com.tr>\r\nSubject: RE: Fatura bilgilendirme\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{body}"
    );
    let m = citizen(reply.as_bytes());
    assert_eq!(m.body, "Merhaba, su faturam iki katına çıktı.");
    let forward = reply.replace("RE: Fatura", "FW: Fatura");
    let m = citizen(forward.as_bytes());
    assert!(
        m.body.contains("Mart faturanız hazırlanmıştır"),
        "a forward keeps what it forwards: {}",
        m.body
    );
}

#[test]
fn senders_are_found_in_sender_reply_to_and_return_path_when_from_has_none() {
    let m = citizen(
        b"From: =?UTF-8?B?QXnFn2UgWcSxbG1heg==?=\r\nReturn-Path: <ayse@ornek.com.tr>\r\n\
          Subject: Su yok\r\n\r\nSu yok.\r\n",
    );
    assert_eq!(m.reply_address, "ayse@ornek.com.tr");
    assert_eq!(m.sender_name.as_deref(), Some("Ayşe Yılmaz"));
    let m = citizen(b"Sender: kalem@ornek.gov.tr\r\nSubject: Su yok\r\n\r\nSu yok.\r\n");
    assert_eq!(m.reply_address, "kalem@ornek.gov.tr");
    // Reply-To is where answers go, whoever sent it.
    let m = citizen(
        b"From: Ayse <ayse@ornek.com.tr>\r\nReply-To: =?UTF-8?B?QXnFn2UgPGV2QG9ybmVrLmNvbS50cj4=?=\r\n\
          Subject: Su yok\r\n\r\nSu yok.\r\n",
    );
    assert_eq!(m.reply_address, "ev@ornek.com.tr");
}

#[test]
fn an_encoded_mailer_daemon_is_still_automated() {
    let raw = b"From: =?UTF-8?B?TWFpbCBEZWxpdmVyeSBTdWJzeXN0ZW0gPE1BSUxFUi1EQUVNT05Ab3JuZWsuY29tLnRyPg==?=\r\n\
        Subject: Teslim edilemedi\r\n\r\nx\r\n";
    assert_eq!(
        parse(raw, false, &limits()),
        Verdict::Automated(Automated::MailerDaemon)
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
