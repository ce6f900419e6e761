//! A citizen who writes by e-mail from a bare address (no display name)
//! hears back by e-mail, in their own thread, in `tekmerkez dev` with the
//! real servers on both ends: the message goes into the project's dovecot
//! (`scripts/imap`), the e-mail channel reads it over IMAP, and notify's
//! acknowledgement goes out through the project's SMTP server
//! (`scripts/smtp`: STARTTLS and AUTH), read back from its maildir. The
//! acknowledgement names the tracking number, greets "Sayın Başvuru
//! Sahibi", answers the citizen's own Message-ID (`In-Reply-To`,
//! `References`) and carries notify's own, so the citizen's reply to it
//! joins the case; and when the expert closes it, the answer follows by
//! e-mail in the same thread.

use std::{path::PathBuf, time::Duration};

use mail_parser::MessageParser;
use secrecy::SecretString;
use tekmerkez_intake::email::settings::TlsMode;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::{case_v1 as pb, common_v1::Channel};

use crate::{
    channels::start,
    intake_email_dev::{PASSWORD, USER, append, imap, new_folder},
};

const WAIT: Duration = Duration::from_secs(60);

/// The test SMTP server: the environment `scripts/test` sets (see
/// notify's SMTP tests), or `scripts/smtp start` when run alone.
pub(crate) struct Smtp {
    pub(crate) port: u16,
    pub(crate) ca: String,
    maildir: PathBuf,
    pub(crate) user: String,
    pub(crate) password: String,
}

pub(crate) fn smtp() -> Smtp {
    let env = |k: &str| std::env::var(k).ok();
    if let (Some(addr), Some(ca), Some(maildir), Some(user), Some(password)) = (
        env("TEKMERKEZ_TEST_SMTP"),
        env("TEKMERKEZ_TEST_SMTP_CA"),
        env("TEKMERKEZ_TEST_SMTP_MAILDIR"),
        env("TEKMERKEZ_TEST_SMTP_USER"),
        env("TEKMERKEZ_TEST_SMTP_PASSWORD"),
    ) {
        return Smtp {
            port: addr.rsplit_once(':').unwrap().1.parse().unwrap(),
            ca,
            maildir: maildir.into(),
            user,
            password,
        };
    }
    let out =
        std::process::Command::new(tekmerkez_integration_tests::cluster::scripts().join("smtp"))
            .arg("start")
            .output()
            .unwrap();
    assert!(out.status.success(), "scripts/smtp start");
    let text = String::from_utf8(out.stdout).unwrap();
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap()
            .to_owned()
    };
    Smtp {
        port: get("SMTP_ADDR")
            .rsplit_once(':')
            .unwrap()
            .1
            .parse()
            .unwrap(),
        ca: get("SMTP_CA"),
        maildir: get("SMTP_MAILDIR").into(),
        user: get("SMTP_USER"),
        password: get("SMTP_PASSWORD"),
    }
}

/// The raw messages the SMTP server took for `to`.
pub(crate) fn received(s: &Smtp, to: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(&s.maildir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let Ok(meta) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&p).unwrap())
            else {
                continue;
            };
            let eml = p.with_extension("eml");
            if meta["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x == to))
                && eml.exists()
            {
                out.push(std::fs::read(eml).unwrap());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_e_mail_applicant_with_a_bare_address_is_acknowledged_and_answered_in_their_thread() {
    let folder = new_folder().await;
    let s = smtp();
    let (host, port) = imap();
    let (mailbox, smtp_settings) = (
        folder.clone(),
        (s.port, s.ca.clone(), s.user.clone(), s.password.clone()),
    );
    let app = start(move |settings| {
        let e = &mut settings.intake.email;
        e.enabled = true;
        e.imap.host = host;
        e.imap.port = port;
        e.imap.tls = TlsMode::None;
        e.imap.username = USER.into();
        e.imap.password = SecretString::from(PASSWORD);
        e.imap.mailbox = mailbox;
        e.imap.processed_mailbox = String::new();
        e.imap.max_backoff_ms = 1_000;
        e.province_code = 41;
        settings.dev.smtp_relay = true;
        let n = &mut settings.notify.email;
        n.transport = "smtp".into();
        n.smtp.host = "localhost".into();
        n.smtp.port = smtp_settings.0;
        n.smtp.tls = "required".into();
        n.smtp.ca_file = Some(smtp_settings.1);
        n.smtp.username = smtp_settings.2.into();
        n.smtp.password = smtp_settings.3.into();
        n.smtp.timeout_ms = 5_000;
    })
    .await;

    let id = uuid::Uuid::new_v4().simple().to_string();
    let citizen = format!("vatandas-{id}@ornek.com.tr");
    let their_id = format!("m-{id}@ornek.com.tr");
    let mail = format!(
        "From: {citizen}\r\nTo: basvuru@tekmerkez.local\r\nSubject: Su kesintisi\r\n\
         Message-ID: <{their_id}>\r\nDate: Tue, 03 Mar 2026 09:15:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         İzmit Yahya Kaptan'da iki gündür su yok.\r\n"
    );
    append(&folder, mail.as_bytes()).await;
    let case = app.wait_cases(Channel::Email, 1).await.remove(0);
    let tracking = case.tracking_number.clone();

    let raw = eventually(WAIT, "the acknowledgement at the SMTP server", || async {
        received(&s, &citizen).into_iter().next()
    })
    .await;
    let m = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        m.subject().unwrap(),
        format!("Başvurunuz alındı [{tracking}]")
    );
    let text = m.body_text(0).unwrap();
    assert!(text.starts_with("Sayın Başvuru Sahibi,"), "{text}");
    assert!(
        text.contains(&format!(
            "Başvurunuz {tracking} takip numarasıyla kaydedildi"
        )),
        "{text}"
    );
    assert!(m.body_html(0).unwrap().contains("Sayın Başvuru Sahibi,"));
    // In the citizen's own thread, and naming the case for their reply.
    assert_eq!(
        m.in_reply_to().as_text_list().unwrap(),
        vec![their_id.as_str()]
    );
    let refs = m.references().as_text_list().unwrap().join(" ");
    assert!(refs.contains(&their_id), "{refs}");
    assert!(
        refs.contains(&format!("case.{tracking}@tekmerkez.local")),
        "{refs}"
    );
    let ours = m.message_id().unwrap().to_owned();
    assert!(ours.starts_with(&format!("case.{tracking}.")), "{ours}");

    // The citizen answers the acknowledgement: the reply joins the case.
    let reply = format!(
        "From: {citizen}\r\nTo: basvuru@tekmerkez.local\r\nSubject: Re: Başvurunuz alındı [{tracking}]\r\n\
         Message-ID: <r-{id}@ornek.com.tr>\r\nIn-Reply-To: <{ours}>\r\nReferences: <{their_id}> <{ours}>\r\n\
         Date: Tue, 03 Mar 2026 10:15:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Su hâlâ gelmedi.\r\n"
    );
    append(&folder, reply.as_bytes()).await;
    let noted = eventually(WAIT, "the reply as the citizen's note", || async {
        let c = app.case(&tracking).await;
        c.notes
            .iter()
            .any(|n| {
                n.author == pb::NoteAuthor::Citizen as i32 && n.text.contains("Su hâlâ gelmedi.")
            })
            .then_some(c)
    })
    .await;
    assert!(
        noted
            .notes
            .iter()
            .all(|n| n.channel == Channel::Email as i32)
    );
    assert_eq!(
        app.cases_of(Channel::Email).await.len(),
        1,
        "no second case"
    );
    // One acknowledgement, whatever else happened on the case.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received(&s, &citizen).len(), 1);

    // The expert of the case's province answers it: the answer follows by
    // e-mail, to the same bare address, in the same thread.
    let expert = match noted.location.as_ref().map_or(0, |l| l.province_code) {
        35 => "uzman.izmir",
        41 => "uzman.kocaeli",
        _ => "uzman.ankara",
    };
    let mut cases = pb::case_service_client::CaseServiceClient::new(app.channel().await);
    cases
        .claim_cases(app.as_user(
            expert,
            pb::ClaimCasesRequest {
                case_ids: vec![noted.id.clone()],
            },
        ))
        .await
        .unwrap();
    cases
        .close_case(app.as_user(
            expert,
            pb::CloseCaseRequest {
                case_id: noted.id.clone(),
                official_answer: "Arıza ekibimiz vanayı değiştirdi; suyunuz açıldı.".into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    let raw = eventually(WAIT, "the answer at the SMTP server", || async {
        received(&s, &citizen).into_iter().find(|m| {
            MessageParser::default()
                .parse(m)
                .and_then(|p| p.subject().map(|s| s.starts_with("Başvurunuzun yanıtı")))
                .unwrap_or(false)
        })
    })
    .await;
    let answer = MessageParser::default().parse(&raw).unwrap();
    let text = answer.body_text(0).unwrap();
    assert!(text.starts_with("Sayın Başvuru Sahibi,"), "{text}");
    assert!(
        text.contains("Arıza ekibimiz vanayı değiştirdi; suyunuz açıldı."),
        "{text}"
    );
    let refs = answer.references().as_text_list().unwrap().join(" ");
    assert!(
        refs.contains(&format!("case.{tracking}@tekmerkez.local")),
        "{refs}"
    );
    app.stop().await;
}
