//! Report e-mails (`reports.mail.v1`): against the real SMTP server, each
//! recipient gets the message with both files exactly once even when the
//! event is handled twice; a refused and an invalid address are recorded
//! failed while the others go; a crash between send and mark resends with
//! the same Message-ID; and through the running application on the
//! embedded bus, the development sink shows the attachments. On SQLite and
//! PostgreSQL.

use std::{path::Path, sync::Arc, time::Duration};

use mail_parser::{MessageParser, MimeHeaders as _};
use prost::Message as _;
use tekmerkez_bus::{
    Bus as _, Envelope,
    consumer::{HandleError, Handler as _},
};
use tekmerkez_notify::{
    config::{EmailSettings, SmtpSettings},
    email::Mailer,
    report_mail::{self, REPORT_MAIL_TOPIC, ReportMailHandler},
    store::{NotifyStore, ReportClaim, ReportMailKey, SinkAttachment},
};
use tekmerkez_proto::notify_v1::{ReportAttachment, ReportMailRequested};

use crate::{
    helpers::{Db, TestApp, eventually, fresh_pg},
    smtp::{Smtp, smtp},
};

const PDF: &str = "application/pdf";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PDF_NAME: &str = "Aylık rapor — Kasım 2026.pdf";
const XLSX_NAME: &str = "Aylık rapor — Kasım 2026.xlsx";

fn request(recipients: Vec<String>) -> ReportMailRequested {
    ReportMailRequested {
        event_id: uuid::Uuid::new_v4().to_string(),
        directorate_id: uuid::Uuid::new_v4().to_string(),
        period: "2026-11".into(),
        recipients,
        subject: "Aylık rapor — Kasım 2026".into(),
        text_body: "Sayın Müdürüm,\n\nMüdürlüğünüzün Kasım 2026 raporu ektedir.".into(),
        html_body: Some(
            "<p>Sayın Müdürüm,</p><p>Müdürlüğünüzün Kasım 2026 raporu ektedir.</p>".into(),
        ),
        attachments: vec![
            ReportAttachment {
                filename: PDF_NAME.into(),
                content_type: PDF.into(),
                content: [b"%PDF-1.7\n".as_slice(), &[0xde; 3000]].concat(),
            },
            ReportAttachment {
                filename: XLSX_NAME.into(),
                content_type: XLSX.into(),
                content: [b"PK\x03\x04".as_slice(), &[0x11; 2000]].concat(),
            },
        ],
        language: "tr".into(),
    }
}

fn envelope(r: &ReportMailRequested) -> Envelope {
    Envelope {
        topic: REPORT_MAIL_TOPIC.into(),
        key: r.directorate_id.clone(),
        headers: vec![
            ("event-id".into(), r.event_id.clone()),
            (
                "event-type".into(),
                "tekmerkez.notify.v1.ReportMailRequested".into(),
            ),
        ],
        payload: r.encode_to_vec().into(),
    }
}

/// A migrated store on `db`; the tempdir holds the SQLite file.
async fn store(db: Db, dir: &Path) -> NotifyStore {
    let url = match db {
        Db::Sqlite => format!("sqlite://{}", dir.join("notify.db").display()),
        Db::Postgres => fresh_pg().await,
    };
    let s = NotifyStore::connect(&url, 4).unwrap();
    s.migrate().await.unwrap();
    s
}

fn smtp_mailer(s: &Smtp, store: NotifyStore) -> Mailer {
    let port = s.addr.rsplit_once(':').unwrap().1.parse().unwrap();
    Mailer::new(
        &EmailSettings {
            transport: "smtp".into(),
            from: "Tek Merkez <bildirim@tekmerkez.local>".into(),
            message_id_domain: "tekmerkez.local".into(),
            smtputf8: false,
            smtp: SmtpSettings {
                host: "localhost".into(),
                port,
                tls: "required".into(),
                ca_file: Some(s.ca.clone()),
                username: s.user.clone().into(),
                password: s.password.clone().into(),
                timeout_ms: 1500,
            },
        },
        "Kocaeli İSU",
        store,
    )
    .unwrap()
}

fn dev_mailer(store: NotifyStore) -> Mailer {
    Mailer::new(
        &EmailSettings {
            transport: "dev".into(),
            from: "Tek Merkez <bildirim@tekmerkez.local>".into(),
            message_id_domain: "tekmerkez.local".into(),
            smtputf8: false,
            smtp: SmtpSettings {
                host: "localhost".into(),
                port: 1,
                tls: "required".into(),
                ca_file: None,
                username: String::new().into(),
                password: String::new().into(),
                timeout_ms: 1500,
            },
        },
        "Kocaeli İSU",
        store.clone(),
    )
    .unwrap()
}

fn handler(store: &NotifyStore, mailer: Mailer) -> ReportMailHandler {
    ReportMailHandler::new(
        store.clone(),
        mailer,
        "tekmerkez.local".into(),
        Duration::from_secs(30),
    )
}

/// Every message the SMTP server kept for `to`.
fn all_received(s: &Smtp, to: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(&s.maildir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let eml = p.with_extension("eml");
            if meta["rcpt_tos"].as_array().unwrap().iter().any(|r| r == to) && eml.exists() {
                out.push(std::fs::read(eml).unwrap());
            }
        }
    }
    out
}

async fn arrives_once_per_recipient_even_when_handled_twice(db: Db) {
    let s = smtp();
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let id = uuid::Uuid::new_v4().simple();
    let a = format!("mudur-{id}@example.org");
    let b = format!("yardimci-{id}@example.org");
    let bounce = format!("bounce-{id}@example.org");
    let r = request(vec![
        a.clone(),
        "not an address".into(),
        bounce,
        b.clone(),
        // The same person again, written otherwise: one e-mail.
        a.to_uppercase(),
    ]);
    let h = handler(&store, smtp_mailer(&s, store.clone()));
    h.handle(&envelope(&r)).await.unwrap();
    // Redelivered (a crash before the commit, a rebalance): nothing new.
    h.handle(&envelope(&r)).await.unwrap();

    let records = store.report_mails(&r.event_id).await.unwrap();
    let states: Vec<(i64, &str, Option<&str>)> = records
        .iter()
        .map(|m| (m.position, m.state.as_str(), m.reason.as_deref()))
        .collect();
    assert_eq!(
        states,
        vec![
            (0, "sent", None),
            (1, "failed", Some("invalid_address")),
            (2, "failed", Some("address_rejected")),
            (3, "sent", None),
        ]
    );
    assert!(
        records.iter().all(|m| m.attempts <= 1),
        "handled twice, sent once: {records:?}"
    );
    assert!(
        records
            .iter()
            .all(|m| m.directorate_id == r.directorate_id && m.period == "2026-11"),
        "{records:?}"
    );

    // Give the server a moment to write everything it took, then count.
    let mut got = Vec::new();
    for to in [&a, &b] {
        eventually(10, "the report reaches the SMTP server", || async {
            !all_received(&s, to).is_empty()
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (to, record) in [(&a, &records[0]), (&b, &records[3])] {
        let all = all_received(&s, to);
        assert_eq!(all.len(), 1, "exactly one e-mail for each recipient");
        got.push((all.into_iter().next().unwrap(), record.message_id.clone()));
    }
    for (raw, message_id) in got {
        let m = MessageParser::default().parse(&raw[..]).unwrap();
        assert_eq!(m.subject(), Some("Aylık rapor — Kasım 2026"));
        assert_eq!(m.message_id(), Some(message_id.trim_matches(['<', '>'])));
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        let ct = m.content_type().unwrap();
        assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("mixed")));
        assert!(
            m.body_text(0)
                .is_some_and(|t| t.contains("Kasım 2026 raporu ektedir.")),
            "the Turkish text"
        );
        assert_eq!(m.attachment_count(), 2);
        for (i, want) in r.attachments.iter().enumerate() {
            let part = m.attachment(u32::try_from(i).unwrap()).unwrap();
            assert_eq!(part.attachment_name(), Some(want.filename.as_str()));
            let ct = part.content_type().unwrap();
            assert_eq!(
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap()),
                want.content_type
            );
            assert_eq!(part.contents(), &want.content[..]);
        }
    }
}

#[tokio::test]
async fn a_report_with_two_files_arrives_once_per_recipient_even_when_handled_twice_sqlite() {
    arrives_once_per_recipient_even_when_handled_twice(Db::Sqlite).await;
}

#[tokio::test]
async fn a_report_with_two_files_arrives_once_per_recipient_even_when_handled_twice_postgres() {
    arrives_once_per_recipient_even_when_handled_twice(Db::Postgres).await;
}

/// The Message-ID the report `r` gets for its first recipient.
fn first_message_id(r: &ReportMailRequested) -> String {
    let hash = report_mail::recipient_hash(&r.recipients[0]);
    report_mail::message_id(&r.event_id, &hash, "tekmerkez.local")
}

/// Claims `r`'s first recipient from `at` until `until`, as a sender does.
async fn claim_first(
    store: &NotifyStore,
    r: &ReportMailRequested,
    at: i64,
    until: i64,
) -> ReportClaim {
    let hash = report_mail::recipient_hash(&r.recipients[0]);
    let message_id = first_message_id(r);
    let key = ReportMailKey {
        event_id: &r.event_id,
        recipient_hash: &hash,
        directorate_id: &r.directorate_id,
        period: &r.period,
        position: 0,
        message_id: &message_id,
    };
    store.report_mail_claim(&key, at, until).await.unwrap()
}

async fn a_crash_between_send_and_mark_resends_with_the_same_message_id(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let h = handler(&store, dev_mailer(store.clone()));
    let now = jiff::Timestamp::now().as_microsecond();
    let minute = 60_000_000;

    // Another sender claimed it and is still within its lease: this one
    // waits (the consumer retries) and sends nothing.
    let r = request(vec!["mudur@kocaeli.example".into()]);
    assert!(matches!(
        claim_first(&store, &r, now, now + minute).await,
        ReportClaim::Claimed {
            in_doubt: false,
            attempt: 1
        }
    ));
    let busy = h.handle_request(&r).await;
    assert!(matches!(busy, Err(HandleError::Unavailable(_))), "{busy:?}");
    assert!(store.sink_list("email", 10).await.unwrap().is_empty());

    // Senders that died after claiming (maybe after sending): once the
    // lease is over, the recipient is taken over, in doubt, and sent with
    // the Message-ID it would have had.
    let r = request(vec!["mudur@kocaeli.example".into()]);
    assert!(matches!(
        claim_first(&store, &r, now - 3 * minute, now - 2 * minute).await,
        ReportClaim::Claimed {
            in_doubt: false,
            attempt: 1
        }
    ));
    assert!(
        matches!(
            claim_first(&store, &r, now - 90_000_000, now - minute).await,
            ReportClaim::Claimed {
                in_doubt: true,
                attempt: 2
            }
        ),
        "an expired claim is taken over, in doubt"
    );
    h.handle_request(&r).await.unwrap();
    let sink = store.sink_list("email", 10).await.unwrap();
    assert_eq!(sink.len(), 1);
    assert_eq!(sink[0].message_id, first_message_id(&r));
    let rec = &store.report_mails(&r.event_id).await.unwrap()[0];
    assert_eq!((rec.state.as_str(), rec.attempts), ("sent", 3));
    assert!(rec.sent_at.is_some());
    // Done now: the event again sends nothing, a claim finds nothing to do.
    h.handle_request(&r).await.unwrap();
    assert_eq!(store.sink_list("email", 10).await.unwrap().len(), 1);
    let later = now + 10 * minute;
    assert_eq!(
        claim_first(&store, &r, later, later + minute).await,
        ReportClaim::Done
    );
}

#[tokio::test]
async fn a_crash_between_send_and_mark_resends_with_the_same_message_id_sqlite() {
    a_crash_between_send_and_mark_resends_with_the_same_message_id(Db::Sqlite).await;
}

#[tokio::test]
async fn a_crash_between_send_and_mark_resends_with_the_same_message_id_postgres() {
    a_crash_between_send_and_mark_resends_with_the_same_message_id(Db::Postgres).await;
}

async fn a_relay_that_is_down_leaves_the_recipient_for_the_next_try(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let r = request(vec!["mudur@kocaeli.example".into()]);
    // Nothing listens on port 1: the relay did not take it.
    let down = Mailer::new(
        &EmailSettings {
            transport: "smtp".into(),
            from: "Tek Merkez <bildirim@tekmerkez.local>".into(),
            message_id_domain: "tekmerkez.local".into(),
            smtputf8: false,
            smtp: SmtpSettings {
                host: "127.0.0.1".into(),
                port: 1,
                tls: "none".into(),
                ca_file: None,
                username: String::new().into(),
                password: String::new().into(),
                timeout_ms: 500,
            },
        },
        "Kocaeli İSU",
        store.clone(),
    )
    .unwrap();
    let out = handler(&store, down).handle_request(&r).await;
    assert!(matches!(out, Err(HandleError::Unavailable(_))), "{out:?}");
    let rec = &store.report_mails(&r.event_id).await.unwrap()[0];
    assert_eq!(rec.state, "pending");
    assert!(rec.reason.is_some());
    // The retry, with the relay back, sends it.
    handler(&store, dev_mailer(store.clone()))
        .handle_request(&r)
        .await
        .unwrap();
    let rec = &store.report_mails(&r.event_id).await.unwrap()[0];
    assert_eq!((rec.state.as_str(), rec.reason.as_deref()), ("sent", None));
    assert_eq!(store.sink_list("email", 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_relay_that_is_down_leaves_the_recipient_for_the_next_try_sqlite() {
    a_relay_that_is_down_leaves_the_recipient_for_the_next_try(Db::Sqlite).await;
}

#[tokio::test]
async fn a_relay_that_is_down_leaves_the_recipient_for_the_next_try_postgres() {
    a_relay_that_is_down_leaves_the_recipient_for_the_next_try(Db::Postgres).await;
}

async fn published_reports_reach_the_dev_sink_with_their_files(db: Db) {
    let app = TestApp::spawn(db, &["dev"], |_| {}).await;
    let r = request(vec![
        "mudur@kocaeli.example".into(),
        "yardimci@kocaeli.example".into(),
    ]);
    // Published twice, as a reports scheduler on two replicas might.
    app.bus.publish(envelope(&r)).await.unwrap();
    app.bus.publish(envelope(&r)).await.unwrap();
    // One that is too big never sends and is dead-lettered.
    let mut big = request(vec!["mudur@kocaeli.example".into()]);
    big.attachments[0].content = vec![0; report_mail::MAX_ATTACHMENT_BYTES];
    app.bus.publish(envelope(&big)).await.unwrap();

    let store = app.store.clone();
    eventually(15, "both recipients' e-mails in the sink", || {
        let store = store.clone();
        async move { store.sink_list("email", 10).await.unwrap().len() >= 2 }
    })
    .await;
    let bus: Arc<tekmerkez_bus::EmbeddedBus> = app.bus.clone();
    eventually(15, "the big request dead-lettered", || {
        let bus = bus.clone();
        async move { bus.len("reports.mail.v1.dlq").await.unwrap() == 1 }
    })
    .await;
    let event_id = r.event_id.clone();
    eventually(15, "both recipients recorded sent", || {
        let store = store.clone();
        let event_id = event_id.clone();
        async move {
            let recs = store.report_mails(&event_id).await.unwrap();
            recs.len() == 2 && recs.iter().all(|m| m.state == "sent")
        }
    })
    .await;
    // Time for the second copy to be handled too (same key, same lane, after).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let recs = app.store.report_mails(&r.event_id).await.unwrap();
    assert!(
        recs.iter().all(|m| m.attempts == 1),
        "the second copy sent nothing: {recs:?}"
    );
    let sink = app.store.sink_list("email", 10).await.unwrap();
    assert_eq!(sink.len(), 2, "once per recipient: {sink:?}");
    let mut recipients: Vec<&str> = sink.iter().map(|m| m.recipient.as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(
        recipients,
        ["mudur@kocaeli.example", "yardimci@kocaeli.example"]
    );
    for m in &sink {
        assert_eq!(
            m.attachments,
            vec![
                SinkAttachment {
                    filename: PDF_NAME.into(),
                    content_type: PDF.into(),
                    size: 3009,
                },
                SinkAttachment {
                    filename: XLSX_NAME.into(),
                    content_type: XLSX.into(),
                    size: 2004,
                },
            ]
        );
        assert!(
            m.headers.contains("Auto-Submitted: auto-generated"),
            "{}",
            m.headers
        );
        assert!(m.message_id.starts_with("<report."), "{}", m.message_id);
    }
    assert!(
        app.store
            .report_mails(&big.event_id)
            .await
            .unwrap()
            .is_empty(),
        "nothing recorded for a refused request"
    );
    app.stop().await;
}

#[tokio::test]
async fn published_reports_reach_the_dev_sink_with_their_files_sqlite() {
    published_reports_reach_the_dev_sink_with_their_files(Db::Sqlite).await;
}

#[tokio::test]
async fn published_reports_reach_the_dev_sink_with_their_files_postgres() {
    published_reports_reach_the_dev_sink_with_their_files(Db::Postgres).await;
}
