//! Events in, messages out, through the real application: redelivery,
//! information-only cases, unknown cases, broken templates, refused
//! numbers, failover, in-doubt recovery, quiet hours, e-mail answers,
//! delivery reports and the API.

use tekmerkez_notify::store::DeliveryState;
use tekmerkez_proto::{common_v1 as common, notify_v1 as npb};

use crate::{
    helpers::{Db, TestApp, case, closed, eventually, opened, resolved},
    netgsm_standin::Mode,
    webhook_standin,
};

async fn the_same_event_delivered_three_times_sends_one_sms(db: Db) {
    let app = TestApp::spawn(db, &["netgsm"], |_| {}).await;
    let c = case("+905321230001", None);
    app.know(&c);
    let e = opened(&c, false);
    for _ in 0..3 {
        app.publish(&e).await;
    }
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Sent);
    assert_eq!(d[0].kind, "basvuru_alindi");
    assert!(
        d[0].recipient.is_none() && d[0].body.is_none(),
        "personal data is cleared once sent"
    );
    // All three deliveries are handled before the count is final.
    eventually(10, "the bus is drained", || async {
        app.bus.len("case.events.v1").await.unwrap() == 3
    })
    .await;
    let sent = app.netgsm.sent_to("5321230001");
    assert_eq!(sent.len(), 1, "one SMS for three deliveries of one event");
    assert!(sent[0].msg.contains(&c.tracking_number), "{}", sent[0].msg);
    assert!(
        sent[0].msg.starts_with("Başvurunuz alındı."),
        "Turkish: {}",
        sent[0].msg
    );
    app.stop().await;
}

#[tokio::test]
async fn the_same_event_delivered_three_times_sends_one_sms_on_sqlite() {
    the_same_event_delivered_three_times_sends_one_sms(Db::Sqlite).await;
}

#[tokio::test]
async fn the_same_event_delivered_three_times_sends_one_sms_on_postgres() {
    the_same_event_delivered_three_times_sends_one_sms(Db::Postgres).await;
}

#[tokio::test]
async fn an_information_only_case_gets_one_sms_saying_so_over_its_two_events() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    let mut c = case("+905321230002", None);
    c.information_only = true;
    app.know(&c);
    app.publish(&opened(&c, true)).await;
    app.publish(&resolved(&c, common::ReplyChannel::Sms)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].kind, "bilgi_verildi");
    let sent = app.netgsm.sent_to("5321230002");
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].msg.contains("yanıtlanarak sonuçlandırıldı"),
        "{}",
        sent[0].msg
    );
    app.stop().await;
}

#[tokio::test]
async fn a_case_the_citizen_left_no_contact_for_gets_no_message_and_is_not_an_error() {
    use tekmerkez_proto::case_v1::case_event::Payload;
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    // Even were a number and an address on file, "no reply possible" sends
    // nothing: not the acknowledgement, not the answer.
    let mut c = case("+905321230020", Some("ayse@example.org"));
    c.official_answer = Some("Arıza giderildi.".into());
    app.know(&c);
    let mut o = opened(&c, false);
    if let Some(Payload::Opened(x)) = &mut o.payload {
        x.channel = common::Channel::SocialMedia as i32;
        x.reply_channel = common::ReplyChannel::NoContact as i32;
    }
    app.publish(&o).await;
    app.publish(&closed(&c, common::ReplyChannel::NoContact))
        .await;
    app.publish(&resolved(&c, common::ReplyChannel::NoContact))
        .await;
    // A later event of the same case (same key, so handled after those)
    // that does ask for an SMS is the only thing sent: the three before it
    // were handled, sent nothing, and neither stopped nor dead-lettered.
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].kind, "basvuru_alindi");
    assert_eq!(d[0].state, DeliveryState::Sent);
    assert_eq!(app.netgsm.sent_to("5321230020").len(), 1);
    assert_eq!(app.store.sink_list("email", 10).await.unwrap().len(), 0);
    assert_eq!(app.bus.len("case.events.v1.dlq").await.unwrap(), 0);
    app.stop().await;
}

#[tokio::test]
async fn an_event_for_an_unknown_case_is_marked_failed_after_bounded_reads_and_sends_nothing() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    let c = case("+905321230003", None); // never made known
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Failed);
    assert_eq!(d[0].reason.as_deref(), Some("unknown_case"));
    assert_eq!(app.netgsm.requests(), 0);
    // The consumer went on: the next event is handled.
    let ok = case("+905321230004", None);
    app.know(&ok);
    app.publish(&opened(&ok, false)).await;
    assert_eq!(app.settled(&ok.id, 1).await[0].state, DeliveryState::Sent);
    app.stop().await;
}

#[tokio::test]
async fn a_template_with_a_missing_variable_marks_its_message_failed_with_the_reason() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    let snap = app.store.current_templates().await.unwrap();
    let mut t = snap
        .into_iter()
        .find(|t| t.key == "basvuru_alindi" && t.locale == "tr")
        .unwrap();
    // The official answer does not exist when a case is opened.
    t.body = "Başvurunuz {{tracking_number}}: {{official_answer}}".into();
    app.store
        .save_template(&t, None, "test", 0)
        .await
        .unwrap()
        .unwrap();
    let c = case("+905321230005", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Failed);
    assert_eq!(d[0].reason.as_deref(), Some("template_missing_variable"));
    assert_eq!(d[0].template.2, 2, "the version in force was used");
    assert_eq!(app.netgsm.requests(), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_number_the_provider_refuses_fails_with_the_reason_and_is_not_retried() {
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |_| {}).await;
    app.webhook.refuse("+905321230006");
    let c = case("+905321230006", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Failed);
    assert_eq!(d[0].reason.as_deref(), Some("rejected_number"));
    assert_eq!(app.webhook.requests(), 1);
    app.stop().await;
}

#[tokio::test]
async fn when_netgsm_is_down_the_webhook_takes_the_message() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm", "webhook"], |_| {}).await;
    app.netgsm.set_mode(Mode::Unavailable, None);
    let c = case("+905321230007", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Sent);
    assert_eq!(d[0].provider.as_deref(), Some("webhook"));
    assert_eq!(app.webhook.taken().len(), 1);
    assert!(app.netgsm.sent().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_provider_answering_500s_is_retried_with_backoff_then_the_message_fails_with_the_reason()
{
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |_| {}).await;
    app.webhook
        .set_mode(webhook_standin::Mode::Status(503), None);
    let c = case("+905321230008", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Failed);
    assert_eq!(d[0].reason.as_deref(), Some("provider_unavailable"));
    assert_eq!(d[0].attempts, 4, "dispatch.max_attempts");
    assert_eq!(app.webhook.requests(), 4);
    app.stop().await;
}

#[tokio::test]
async fn a_garbled_answer_is_settled_through_the_report_api_and_the_citizen_gets_one_sms() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm", "webhook"], |_| {}).await;
    // Netgsm took the first message but the answer was garbled: it must be
    // recognised, not sent again nor failed over.
    app.netgsm.set_mode(Mode::GarbageAfterAccepting, Some(1));
    let c = case("+905321230009", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert!(
        matches!(d[0].state, DeliveryState::Sent | DeliveryState::Delivered),
        "{:?}",
        d[0].state
    );
    assert_eq!(d[0].provider.as_deref(), Some("netgsm"));
    assert_eq!(app.netgsm.sent_to("5321230009").len(), 1);
    assert!(
        app.webhook.taken().is_empty(),
        "no failover after an unknown outcome"
    );
    // The second did not reach Netgsm (a 500 before processing): after the
    // report says so it is sent again, once.
    app.netgsm.set_mode(Mode::ServerError, Some(1));
    let c2 = case("+905321230010", None);
    app.know(&c2);
    app.publish(&opened(&c2, false)).await;
    let d = app.settled(&c2.id, 1).await;
    // Sent, or already reported delivered by the stand-in: either way once.
    assert!(
        matches!(d[0].state, DeliveryState::Sent | DeliveryState::Delivered),
        "{:?}",
        d[0].state
    );
    assert_eq!(app.netgsm.sent_to("5321230010").len(), 1);
    assert_eq!(app.netgsm.requests(), 3);
    app.stop().await;
}

#[tokio::test]
async fn quiet_hours_defer_a_resolution_sms_but_not_the_acknowledgement_nor_anything_urgent() {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    let start = format!("{:02}:00", (now.hour() + 23) % 24);
    let end = format!("{:02}:00", (now.hour() + 2) % 24);
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |s| {
        s.quiet_hours.enabled = true;
        s.quiet_hours.start = start.clone();
        s.quiet_hours.end = end.clone();
        s.quiet_hours.time_zone = "UTC".into();
    })
    .await;
    let c = case("+905321230011", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    assert_eq!(
        app.settled(&c.id, 1).await[0].state,
        DeliveryState::Sent,
        "the acknowledgement goes at once"
    );
    app.publish(&resolved(&c, common::ReplyChannel::PhoneCallback))
        .await;
    eventually(10, "the resolution SMS is recorded", || async {
        app.deliveries(&c.id).await.len() == 2
    })
    .await;
    let d = app
        .deliveries(&c.id)
        .await
        .into_iter()
        .find(|d| d.kind == "sonuclandi")
        .unwrap();
    assert_eq!(d.state, DeliveryState::Pending, "deferred, not dropped");
    assert!(d.deferred);
    assert!(d.due_at > jiff::Timestamp::now().as_microsecond());
    assert!(d.body.as_deref().unwrap().contains(&c.tracking_number));
    let mut urgent = case("+905321230012", None);
    urgent.urgent = true;
    app.know(&urgent);
    app.publish(&resolved(&urgent, common::ReplyChannel::PhoneCallback))
        .await;
    assert_eq!(
        app.settled(&urgent.id, 1).await[0].state,
        DeliveryState::Sent,
        "urgent goes at once"
    );
    assert_eq!(app.netgsm.sent().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn an_applicant_who_gave_no_name_gets_the_answer_addressed_to_the_applicant() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    // As an e-mail from a bare address arrives: no display name.
    let mut c = case("+905321230014", Some("ayse@example.org"));
    c.name = None;
    c.official_answer = Some("Sayacınız değiştirildi.".into());
    app.know(&c);
    app.publish(&closed(&c, common::ReplyChannel::Email)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Sent, "{:?}", d[0].reason);
    let mails = app.store.sink_list("email", 10).await.unwrap();
    assert!(
        mails[0].body.starts_with("Sayın Başvuru Sahibi,"),
        "{}",
        mails[0].body
    );
    assert!(mails[0].html.contains("Sayın Başvuru Sahibi,"));
    app.stop().await;
}

#[tokio::test]
async fn closing_with_an_email_reply_mails_the_official_answer_and_the_api_lists_it() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    let mut c = case("+905321230013", Some("ayse@example.org"));
    c.official_answer = Some("Sayacınız 3 Aralık'ta değiştirilecek; ölçüm düzelecek.".into());
    app.know(&c);
    app.publish(&closed(&c, common::ReplyChannel::Email)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].channel, "email");
    assert_eq!(d[0].state, DeliveryState::Sent);
    let mails = app.store.sink_list("email", 10).await.unwrap();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.recipient, "ayse@example.org");
    assert!(m.subject.contains(&format!("[{}]", c.tracking_number)));
    assert!(
        m.body
            .contains("Sayacınız 3 Aralık'ta değiştirilecek; ölçüm düzelecek.")
    );
    assert!(
        m.html.contains("Sayacınız 3 Aralık&#39;ta değiştirilecek"),
        "escaped in HTML: {}",
        m.html
    );
    assert!(
        m.headers
            .contains(&format!("Message-ID: <case.{}.", c.tracking_number)),
        "{}",
        m.headers
    );

    // The gateway's credential lists the log; none, or a wrong one, cannot.
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", app.grpc_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut api = npb::notification_service_client::NotificationServiceClient::new(channel);
    let mut req = tonic::Request::new(npb::ListDeliveriesRequest {
        case_id: c.id.clone(),
    });
    req.metadata_mut().insert(
        "authorization",
        "Bearer gateway-token-for-notify-tests-0123456789"
            .parse()
            .unwrap(),
    );
    let list = api
        .list_deliveries(req)
        .await
        .unwrap()
        .into_inner()
        .deliveries;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, npb::DeliveryState::Sent as i32);
    assert_eq!(list[0].channel, npb::MessageChannel::Email as i32);
    let mut req = tonic::Request::new(npb::ListDeliveriesRequest {
        case_id: c.id.clone(),
    });
    req.metadata_mut()
        .insert("authorization", "Bearer not-the-token".parse().unwrap());
    assert_ne!(
        api.list_deliveries(req).await.unwrap_err().code(),
        tonic::Code::Ok
    );
    let err = api
        .list_deliveries(tonic::Request::new(npb::ListDeliveriesRequest {
            case_id: c.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    app.stop().await;
}

#[tokio::test]
async fn delivery_reports_move_sent_messages_to_delivered_or_failed() {
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |_| {}).await;
    let c = case("+905321230014", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    let reference = d[0].provider_ref.clone().unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/delivery-reports/webhook", app.http_url);
    let r = http
        .post(&url)
        .json(&serde_json::json!({"id": reference, "status": "delivered"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the provider's token is required");
    let auth = format!("Bearer {}", webhook_standin::TOKEN);
    let r = http
        .post(&url)
        .header("authorization", &auth)
        .json(&serde_json::json!({"id": reference, "status": "delivered"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let d = app.deliveries(&c.id).await;
    assert_eq!(d[0].state, DeliveryState::Delivered);
    let r = http
        .post(&url)
        .header("authorization", &auth)
        .json(&serde_json::json!({"id": "wh-unknown", "status": "delivered"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .post(&url)
        .header("authorization", &auth)
        .body("{\"status\": 5}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    app.stop().await;
}

#[tokio::test]
async fn with_no_webhook_token_configured_every_report_is_refused() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |s| {
        s.sms.webhook.token = secrecy::SecretString::from("");
    })
    .await;
    let c = case("+905321230017", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    let reference = d[0].provider_ref.clone().unwrap();
    let url = format!("{}/v1/delivery-reports/webhook", app.http_url);
    for auth in [None, Some("Bearer "), Some("Bearer anything")] {
        let mut req = reqwest::Client::new()
            .post(&url)
            .json(&serde_json::json!({"id": reference, "status": "failed", "error": "forged"}));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        assert_eq!(req.send().await.unwrap().status(), 401, "{auth:?}");
    }
    assert_eq!(
        app.deliveries(&c.id).await[0].state,
        d[0].state,
        "unchanged"
    );
    app.stop().await;
}

#[tokio::test]
async fn netgsm_reports_are_fetched_and_an_undeliverable_number_ends_failed() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    app.netgsm.undeliverable_number("5321230015");
    let c = case("+905321230015", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let ok = case("+905321230016", None);
    app.know(&ok);
    app.publish(&opened(&ok, false)).await;
    eventually(15, "both reports are fetched", || async {
        let a = app.deliveries(&c.id).await;
        let b = app.deliveries(&ok.id).await;
        a.first().is_some_and(|d| d.state == DeliveryState::Failed)
            && b.first()
                .is_some_and(|d| d.state == DeliveryState::Delivered)
    })
    .await;
    assert_eq!(
        app.deliveries(&c.id).await[0].reason.as_deref(),
        Some("rejected_number")
    );
    app.stop().await;
}

async fn an_answer_that_cannot_be_delivered_marks_the_citizen_not_reached_once(db: Db) {
    let app = TestApp::spawn(db, &["webhook"], |_| {}).await;
    // An SMS answer to a number the provider refuses for good.
    app.webhook.refuse("+905321230021");
    let c = case("+905321230021", None);
    let mut c = c;
    c.official_answer = Some("Sayacınız değiştirildi.".into());
    app.know(&c);
    let e = resolved(&c, common::ReplyChannel::Sms);
    app.publish(&e).await;
    // The answer and the survey both fail; only the answer is a citizen not reached.
    let d = app.settled(&c.id, 2).await;
    let answer = d.iter().find(|d| d.kind == "yanit_sms").unwrap();
    assert_eq!(answer.state, DeliveryState::Failed);
    assert!(
        d.iter()
            .any(|d| d.kind == "anket_sms" && d.state == DeliveryState::Failed)
    );
    eventually(10, "the case service is told", || async {
        !app.not_reached().is_empty()
    })
    .await;
    // An e-mail answer for a citizen with no address on record.
    let mut no_address = case("+905321230022", None);
    no_address.official_answer = Some("Sayacınız değiştirildi.".into());
    app.know(&no_address);
    app.publish(&closed(&no_address, common::ReplyChannel::Email))
        .await;
    let d = app.settled(&no_address.id, 1).await;
    assert_eq!(
        (d[0].state, d[0].reason.as_deref()),
        (DeliveryState::Failed, Some("no_recipient"))
    );
    eventually(10, "the second case is reported", || async {
        app.not_reached().len() == 2
    })
    .await;
    // Redelivered events and later rounds report nothing again.
    app.publish(&e).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let reports = app.not_reached();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert_eq!(
        (
            reports[0].0.as_str(),
            reports[0].2.as_str(),
            reports[0].3.as_str()
        ),
        (c.id.as_str(), "sms", "rejected_number")
    );
    assert_eq!(
        (
            reports[1].0.as_str(),
            reports[1].2.as_str(),
            reports[1].3.as_str()
        ),
        (no_address.id.as_str(), "email", "no_recipient")
    );
    // A failed acknowledgement is not a missed answer.
    app.webhook.refuse("+905321230023");
    let ack = case("+905321230023", None);
    app.know(&ack);
    app.publish(&opened(&ack, false)).await;
    app.settled(&ack.id, 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.not_reached().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn an_answer_that_cannot_be_delivered_marks_the_citizen_not_reached_once_sqlite() {
    an_answer_that_cannot_be_delivered_marks_the_citizen_not_reached_once(Db::Sqlite).await;
}

#[tokio::test]
async fn an_answer_that_cannot_be_delivered_marks_the_citizen_not_reached_once_postgres() {
    an_answer_that_cannot_be_delivered_marks_the_citizen_not_reached_once(Db::Postgres).await;
}

#[tokio::test]
async fn an_answer_too_old_to_send_marks_nobody_not_reached() {
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |s| {
        s.max_event_age_minutes = 60;
    })
    .await;
    let mut c = case("+905321230031", None);
    c.official_answer = Some("Sayacınız değiştirildi.".into());
    app.know(&c);
    let mut e = resolved(&c, common::ReplyChannel::Sms);
    // Resolved two days ago (a replay of the topic, the demo's backdated records).
    let then = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48);
    e.occurred_at = Some(prost_types::Timestamp {
        seconds: then.as_second(),
        nanos: 0,
    });
    app.publish(&e).await;
    let d = app.settled(&c.id, 2).await;
    assert!(
        d.iter().all(|d| d.reason.as_deref() == Some("stale_event")),
        "{d:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(
        app.not_reached().is_empty(),
        "held back on purpose is not a citizen not reached"
    );
    app.stop().await;
}
