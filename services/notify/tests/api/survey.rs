//! The satisfaction survey and the signed links through the real
//! application: one survey per case on the citizen's channel (however often
//! the resolution is delivered, or the case resolved again), none to a
//! contact that opted out (on the survey page through `OptOutOfSurveys`, or
//! with the keyword texted to the inbound-SMS webhook), quiet hours defer
//! the survey SMS even for an urgent case, the answers carry the signed
//! status link, and a changed default text replaces only an untouched
//! default.

use tekmerkez_notify::store::DeliveryState;
use tekmerkez_proto::{common_v1 as common, notify_v1 as npb};
use tekmerkez_signed_link::{Purpose, SignedLinkSettings, SignedLinks};

use crate::{
    helpers::{Db, LINK_SECRET, TestApp, case, eventually, resolved},
    webhook_standin,
};

fn verifier() -> SignedLinks {
    SignedLinks::from_settings(&SignedLinkSettings {
        secret: LINK_SECRET.into(),
        previous_secrets: Vec::new(),
    })
    .unwrap()
    .unwrap()
}

/// The token at the end of the first link to `path` in `text`.
fn token_after<'a>(text: &'a str, path: &str) -> &'a str {
    let at = text
        .find(path)
        .unwrap_or_else(|| panic!("no {path} in {text}"));
    let rest = &text[at + path.len()..];
    rest.split(|c: char| c.is_whitespace()).next().unwrap()
}

async fn one_survey_per_case_on_the_citizens_channel(db: Db) {
    let app = TestApp::spawn(db, &["netgsm"], |_| {}).await;
    let mut c = case("+905321239001", None);
    c.official_answer = Some("Arıza giderildi.".into());
    app.know(&c);
    let first = resolved(&c, common::ReplyChannel::Sms);
    for _ in 0..3 {
        app.publish(&first).await;
    }
    // Reopened and resolved again: a new event, still one survey.
    app.publish(&resolved(&c, common::ReplyChannel::Sms)).await;
    let d = app.settled(&c.id, 3).await;
    let kinds: Vec<&str> = d.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "anket_sms").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "yanit_sms").count(), 2);
    let sent = app.netgsm.sent_to("5321239001");
    let survey: Vec<_> = sent.iter().filter(|m| m.msg.contains("/anket/")).collect();
    assert_eq!(survey.len(), 1, "one survey SMS: {sent:?}");
    let text = &survey[0].msg;
    assert!(
        text.contains("1-5 arası puanlar mısınız?") && text.contains("RET yazıp yanıtlayın"),
        "{text}"
    );
    let token = token_after(text, "https://tekmerkez.example/anket/");
    let now = jiff::Timestamp::now();
    assert_eq!(
        verifier()
            .verify(token, Purpose::Survey, now)
            .unwrap()
            .to_string(),
        c.id
    );
    // The answer SMS carries the signed status link, not the bare page.
    let answer = sent.iter().find(|m| m.msg.contains("Yanıtımız:")).unwrap();
    let status = token_after(
        &answer.msg,
        "Ayrıntılar: https://tekmerkez.example/takip/d/",
    );
    assert_eq!(
        verifier()
            .verify(status, Purpose::Status, now)
            .unwrap()
            .to_string(),
        c.id
    );
    assert!(
        verifier().verify(status, Purpose::Survey, now).is_err(),
        "a status link is no survey link"
    );

    // An e-mail reply is asked by e-mail; a phone callback on the phone
    // (no message); an answered survey is not asked again.
    let mut mail = case("+905321239002", Some("ayse@example.org"));
    mail.official_answer = Some("Fatura düzeltildi.".into());
    app.know(&mail);
    app.publish(&resolved(&mail, common::ReplyChannel::Email))
        .await;
    let d = app.settled(&mail.id, 2).await;
    assert!(
        d.iter()
            .any(|d| (d.kind.as_str(), d.channel.as_str()) == ("anket_eposta", "email")),
        "{d:?}"
    );
    let mails = app.store.sink_list("email", 10).await.unwrap();
    assert!(
        mails[0].body.contains("https://tekmerkez.example/anket/"),
        "{}",
        mails[0].body
    );
    assert!(mails[0].html.contains("Anketi yanıtlayın"));
    let phone = case("+905321239003", None);
    app.know(&phone);
    app.publish(&resolved(&phone, common::ReplyChannel::PhoneCallback))
        .await;
    let d = app.settled(&phone.id, 1).await;
    assert_eq!(d[0].kind, "sonuclandi", "no survey after a callback");
    let mut answered = case("+905321239004", None);
    answered.survey_answered = true;
    answered.official_answer = Some("Tamam.".into());
    app.know(&answered);
    app.publish(&resolved(&answered, common::ReplyChannel::Sms))
        .await;
    let d = app.settled(&answered.id, 1).await;
    assert_eq!(d[0].kind, "yanit_sms");
    app.stop().await;
}

#[tokio::test]
async fn one_survey_per_case_on_the_citizens_channel_on_sqlite() {
    one_survey_per_case_on_the_citizens_channel(Db::Sqlite).await;
}

#[tokio::test]
async fn one_survey_per_case_on_the_citizens_channel_on_postgres() {
    one_survey_per_case_on_the_citizens_channel(Db::Postgres).await;
}

#[tokio::test]
async fn a_contact_that_opted_out_gets_no_survey_by_page_or_by_keyword() {
    let app = TestApp::spawn(Db::Sqlite, &["netgsm"], |_| {}).await;
    // The survey page: the gateway calls OptOutOfSurveys for the case.
    let mut page = case("+905321239011", None);
    page.official_answer = Some("Tamam.".into());
    app.know(&page);
    let mut api = npb::notification_service_client::NotificationServiceClient::connect(format!(
        "http://{}",
        app.grpc_addr
    ))
    .await
    .unwrap();
    let mut req = tonic::Request::new(npb::OptOutOfSurveysRequest {
        case_id: page.id.clone(),
    });
    let denied = api.opt_out_of_surveys(req).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::Unauthenticated);
    req = tonic::Request::new(npb::OptOutOfSurveysRequest {
        case_id: page.id.clone(),
    });
    req.metadata_mut().insert(
        "authorization",
        "Bearer gateway-token-for-notify-tests-0123456789"
            .parse()
            .unwrap(),
    );
    assert_eq!(
        api.opt_out_of_surveys(req)
            .await
            .unwrap()
            .into_inner()
            .contacts,
        1
    );
    // A later case of the same number, however it is written.
    let mut later = case("0532 123 90 11", None);
    later.official_answer = Some("Sayaç okundu.".into());
    app.know(&later);
    app.publish(&resolved(&later, common::ReplyChannel::Sms))
        .await;
    let d = app.settled(&later.id, 1).await;
    assert_eq!(d[0].kind, "yanit_sms", "the answer, no survey: {d:?}");

    // The keyword texted to the provider's number.
    let http = reqwest::Client::new();
    let url = format!("{}/v1/inbound-sms/webhook", app.http_url);
    let sms = serde_json::json!({"id": "in-1", "from": "+905321239012", "to": "4607", "text": " ret. ",
                                 "received_at": "2026-12-06T10:00:00+03:00"});
    let r = http.post(&url).json(&sms).send().await.unwrap();
    assert_eq!(r.status(), 401, "the provider's token is required");
    for _ in 0..2 {
        let r = http
            .post(&url)
            .bearer_auth(webhook_standin::TOKEN)
            .json(&sms)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "a redelivered message is taken again");
    }
    let other = serde_json::json!({"id": "in-2", "from": "+905321239013", "text": "Teşekkürler"});
    let r = http
        .post(&url)
        .bearer_auth(webhook_standin::TOKEN)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let bad = serde_json::json!({"id": "in-3", "text": "RET"});
    let r = http
        .post(&url)
        .bearer_auth(webhook_standin::TOKEN)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["errors"]["from"].is_array(), "{body}");

    let mut keyword = case("+905321239012", None);
    keyword.official_answer = Some("Tamam.".into());
    let mut chatty = case("+905321239013", None);
    chatty.official_answer = Some("Tamam.".into());
    app.know(&keyword);
    app.know(&chatty);
    app.publish(&resolved(&keyword, common::ReplyChannel::Sms))
        .await;
    app.publish(&resolved(&chatty, common::ReplyChannel::Sms))
        .await;
    assert_eq!(app.settled(&keyword.id, 1).await[0].kind, "yanit_sms");
    let kinds: Vec<String> = app
        .settled(&chatty.id, 2)
        .await
        .into_iter()
        .map(|d| d.kind)
        .collect();
    assert!(
        kinds.contains(&"anket_sms".to_owned()),
        "another reply opts nobody out: {kinds:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn quiet_hours_defer_the_survey_sms_even_for_an_urgent_case() {
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
    let mut c = case("+905321239021", None);
    c.urgent = true;
    c.official_answer = Some("Arıza giderildi.".into());
    app.know(&c);
    app.publish(&resolved(&c, common::ReplyChannel::Sms)).await;
    eventually(10, "the answer and the survey are recorded", || async {
        app.deliveries(&c.id).await.len() == 2
    })
    .await;
    let d = app.deliveries(&c.id).await;
    let survey = d.iter().find(|d| d.kind == "anket_sms").unwrap();
    assert_eq!(
        survey.state,
        DeliveryState::Pending,
        "deferred, not dropped"
    );
    assert!(survey.deferred);
    assert!(survey.due_at > jiff::Timestamp::now().as_microsecond());
    // The urgent case's answer itself goes at once.
    eventually(10, "the answer is sent", || async {
        app.deliveries(&c.id)
            .await
            .iter()
            .any(|d| d.kind == "yanit_sms" && d.state == DeliveryState::Sent)
    })
    .await;
    assert_eq!(app.netgsm.sent_to("5321239021").len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_changed_default_replaces_an_untouched_default_and_never_an_admins_words() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("notify.db").display());
    let store = tekmerkez_notify::store::NotifyStore::connect(&url, 2).unwrap();
    store.migrate().await.unwrap();
    // As the release before wrote them: version 1 of every old default.
    for old in tekmerkez_notify::catalogue::superseded_templates() {
        store
            .save_template(&old, Some(0), "defaults", 1)
            .await
            .unwrap();
    }
    // An admin reworded the English SMS answer.
    let mut mine = tekmerkez_notify::catalogue::superseded_templates()
        .into_iter()
        .find(|t| t.key == "yanit_sms" && t.locale == "en")
        .unwrap();
    mine.body = "Resolved: {{official_answer}} ({{tracking_number}})".into();
    store
        .save_template(&mine, Some(1), "admin-id", 2)
        .await
        .unwrap();
    store.ensure_defaults(3).await.unwrap();
    store.ensure_defaults(4).await.unwrap();
    let now = store.current_templates().await.unwrap();
    let get = |k: &str, l: &str| now.iter().find(|t| t.key == k && t.locale == l).unwrap();
    for (k, l) in [
        ("yanit_sms", "tr"),
        ("sonuclandi", "tr"),
        ("sonuclandi", "en"),
        ("yanit_eposta", "tr"),
        ("yanit_eposta", "en"),
    ] {
        let t = get(k, l);
        assert_eq!(t.version, 2, "{k} {l}: one new version, once");
        assert!(t.body.contains("{{status_url}}"), "{k} {l}: {}", t.body);
    }
    let kept = get("yanit_sms", "en");
    assert_eq!(
        (kept.version, kept.body.as_str()),
        (2, mine.body.as_str()),
        "the admin's words stay"
    );
    assert_eq!(get("anket_sms", "tr").version, 1, "new templates are added");
    let rules = store.current_rules().await.unwrap();
    assert!(
        rules.iter().any(|r| r.key == "anket_sms") && rules.iter().any(|r| r.key == "anket_eposta")
    );
}
