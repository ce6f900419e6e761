//! Law 4982 art. 11: when a bilgi edinme request's answer period is
//! extended, the applicant is told, on the channel they chose, with the new
//! last day (the case service's `LegalDeadlineExtended` event).

use tekmerkez_notify::store::DeliveryState;
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};

use crate::helpers::{Db, TestApp, case};

fn extended(c: &tekmerkez_notify::cases::CaseView, reply: common::ReplyChannel) -> pb::CaseEvent {
    pb::CaseEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        case_id: c.id.clone(),
        tracking_number: c.tracking_number.clone(),
        occurred_at: Some(prost_types::Timestamp {
            seconds: jiff::Timestamp::now().as_second(),
            nanos: 0,
        }),
        actor: None,
        case_version: 3,
        payload: Some(pb::case_event::Payload::LegalDeadlineExtended(
            pb::LegalDeadlineExtended {
                from_due_date: "2026-03-24".into(),
                to_due_date: "2026-04-14".into(),
                working_days: 15,
                reply_channel: reply as i32,
                category: "genel_bilgi".into(),
            },
        )),
    }
}

async fn the_applicant_is_told_the_new_due_date_by_sms(db: Db) {
    let app = TestApp::spawn(db, &["netgsm"], |_| {}).await;
    let c = case("+905321230901", None);
    app.know(&c);
    let e = extended(&c, common::ReplyChannel::PhoneCallback);
    app.publish(&e).await;
    app.publish(&e).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].kind.as_str(), d[0].state),
        ("sure_uzatildi_sms", DeliveryState::Sent)
    );
    let sent = app.netgsm.sent_to("5321230901");
    assert_eq!(sent.len(), 1, "one SMS for a redelivered event");
    assert!(sent[0].msg.contains("14.04.2026"), "{}", sent[0].msg);
    assert!(sent[0].msg.contains("4982"), "{}", sent[0].msg);
    assert!(sent[0].msg.contains(&c.tracking_number), "{}", sent[0].msg);
    app.stop().await;
}

#[tokio::test]
async fn the_applicant_is_told_the_new_due_date_by_sms_on_sqlite() {
    the_applicant_is_told_the_new_due_date_by_sms(Db::Sqlite).await;
}

#[tokio::test]
async fn the_applicant_is_told_the_new_due_date_by_sms_on_postgres() {
    the_applicant_is_told_the_new_due_date_by_sms(Db::Postgres).await;
}

#[tokio::test]
async fn an_applicant_answered_by_email_is_told_by_email() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    let c = case("+905321230902", Some("bilgi@example.org"));
    app.know(&c);
    app.publish(&extended(&c, common::ReplyChannel::Email))
        .await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].channel.as_str(), d[0].state),
        ("email", DeliveryState::Sent)
    );
    let mails = app.store.sink_list("email", 10).await.unwrap();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.recipient, "bilgi@example.org");
    assert!(m.subject.contains("süresi uzatıldı"), "{}", m.subject);
    assert!(
        m.body.contains("14.04.2026") && m.body.contains("4982"),
        "{}",
        m.body
    );
    assert!(
        app.netgsm.sent_to("5321230902").is_empty(),
        "no SMS besides"
    );
    app.stop().await;
}
