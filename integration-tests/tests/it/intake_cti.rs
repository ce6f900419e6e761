//! The CTI/IVR event endpoint in `tekmerkez dev`: calls offered and ended
//! as the CTI platform reports them (signed over timestamp and raw body),
//! the call-centre screen's lookups with the caller's earlier applications,
//! an IVR outage report that opens a PHONE application in the fault pool
//! once however often it is sent, and every way to get an event wrong.

use crate::channels::{Running, WAIT, hmac_sha256, http, now_seconds, start, start_in};
use serde_json::{Value, json};
use tekmerkez::dev_channels::{DEV_CTI_LOOKUP_TOKEN, DEV_CTI_SIGNING_SECRET};
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::common_v1::{Channel, ReplyChannel};

/// POSTs an event signed as the endpoint documents, at `timestamp`.
async fn send_at(app: &Running, body: &str, timestamp: i64, secret: &[u8]) -> (u16, Value) {
    let signed = format!("{timestamp}.{body}");
    let sig = format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret, signed.as_bytes()))
    );
    let r = http()
        .post(app.url("/v1/cti/events"))
        .header("content-type", "application/json")
        .header("x-tekmerkez-timestamp", timestamp.to_string())
        .header("x-tekmerkez-signature", sig)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn send(app: &Running, event: &Value) -> (u16, Value) {
    send_at(
        app,
        &event.to_string(),
        now_seconds(),
        DEV_CTI_SIGNING_SECRET.as_bytes(),
    )
    .await
}

async fn lookup(app: &Running, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = http().get(app.url(path));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offered_call_shows_the_callers_earlier_applications_until_it_ends() {
    let app = start(|_| {}).await;
    // The caller applied on the web form before.
    let r = http()
        .post(app.url("/v1/applications"))
        .header("content-type", "application/json")
        .body(
            json!({
                "channel": "web_form", "category": "fatura",
                "text": "Faturam bu ay üç katına çıktı.", "province": "Kocaeli", "district": "İzmit",
                "applicant": { "name": "Mehmet Kaya", "phone": "0532 765 43 21" },
                "reply_channel": "sms",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let earlier: Value = r.json().await.unwrap();
    let earlier_tn = earlier["tracking_number"].as_str().unwrap().to_owned();
    app.case(&earlier_tn).await;

    let offered = json!({
        "type": "call.offered", "event_id": "evt-1", "call_id": "call-1",
        "occurred_at": now_rfc3339(), "caller_number": "0532 765 43 21",
        "dialled_number": "185", "agent": "cagrimerkezi",
        "ivr_selections": [{ "menu": "ana_menu", "choice": "2" }, { "menu": "abone", "choice": "1" }]
    });
    let (status, body) = send(&app, &offered).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = send(&app, &offered).await;
    assert_eq!(status, 200, "a CTI retry is answered as the first time");

    let (status, _) = lookup(&app, "/v1/cti/calls/call-1", None).await;
    assert_eq!(status, 401, "the lookup needs the gateway's token");
    let (status, _) = lookup(&app, "/v1/cti/calls/call-1", Some("not-the-token")).await;
    assert_eq!(status, 401);
    // The caller index fills from the bus: wait for the earlier application.
    let call = eventually(
        WAIT,
        "the earlier application in the caller index",
        || async {
            let (status, call) =
                lookup(&app, "/v1/cti/calls/call-1", Some(DEV_CTI_LOOKUP_TOKEN)).await;
            (status == 200
                && call["earlier_applications"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty()))
            .then_some(call)
        },
    )
    .await;
    assert_eq!(call["state"], "offered");
    assert_eq!(call["caller_number"], "+905327654321");
    assert_eq!(call["agent"], "cagrimerkezi");
    assert_eq!(call["ivr_selections"][1]["menu"], "abone");
    let e = &call["earlier_applications"][0];
    assert_eq!(e["tracking_number"], earlier_tn.as_str());
    assert_eq!(e["channel"], "web_form");
    assert_eq!(e["status"], "in_pool");

    let (status, current) = lookup(
        &app,
        "/v1/cti/agents/cagrimerkezi/call",
        Some(DEV_CTI_LOOKUP_TOKEN),
    )
    .await;
    assert_eq!((status, current["call_id"].as_str()), (200, Some("call-1")));

    let ended = json!({
        "type": "call.ended", "event_id": "evt-2", "call_id": "call-1",
        "occurred_at": now_rfc3339(), "disposition": "answered", "duration_seconds": 95
    });
    assert_eq!(send(&app, &ended).await.0, 200);
    let (_, call) = lookup(&app, "/v1/cti/calls/call-1", Some(DEV_CTI_LOOKUP_TOKEN)).await;
    assert_eq!(
        (call["state"].as_str(), call["disposition"].as_str()),
        (Some("ended"), Some("answered"))
    );
    let (status, _) = lookup(
        &app,
        "/v1/cti/agents/cagrimerkezi/call",
        Some(DEV_CTI_LOOKUP_TOKEN),
    )
    .await;
    assert_eq!(status, 404, "no call is offered to the agent any more");

    // A withheld number: the call is shown, with no earlier applications.
    let anonymous = json!({
        "type": "call.offered", "event_id": "evt-3", "call_id": "call-2",
        "occurred_at": now_rfc3339(), "caller_number": "anonymous", "agent": "cagrimerkezi"
    });
    assert_eq!(send(&app, &anonymous).await.0, 200);
    let (_, call) = lookup(&app, "/v1/cti/calls/call-2", Some(DEV_CTI_LOOKUP_TOKEN)).await;
    assert!(call["caller_number"].is_null());
    assert_eq!(call["earlier_applications"], json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ivr_outage_report_opens_one_phone_application_in_the_fault_pool() {
    let app = start(|_| {}).await;
    let record = json!({
        "type": "ivr.record", "event_id": "evt-ivr-1", "call_id": "call-9",
        "occurred_at": now_rfc3339(), "caller_number": "05321234567",
        "record": "outage_report", "province_code": 41, "district": "izmit",
        "ivr_selections": [{ "menu": "ana_menu", "choice": "1" }, { "menu": "ariza", "choice": "1" }]
    });
    let (status, body) = send(&app, &record).await;
    assert_eq!(status, 202, "{body}");
    let tn = body["tracking_number"].as_str().unwrap().to_owned();
    // The IVR retries (its answer got lost): the same tracking number, one case.
    let (status, again) = send(&app, &record).await;
    assert_eq!(
        (status, again["tracking_number"].as_str()),
        (202, Some(tn.as_str()))
    );

    let case = app.case(&tn).await;
    assert_eq!(case.channel, Channel::Phone as i32);
    assert_eq!(case.reply_channel, ReplyChannel::Sms as i32);
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        "Kocaeli Su Arıza Birimi"
    );
    assert_eq!(case.location.clone().unwrap().district, "İzmit");
    assert!(
        case.text.contains("IVR seçimleri: ana_menu → 1, ariza → 1"),
        "{}",
        case.text
    );
    assert_eq!(case.contact.clone().unwrap().phone, "+905321234567");
    assert_eq!(app.cases_of(Channel::Phone).await.len(), 1);

    // The same event id with other content is refused, not taken for a retry.
    let mut changed = record.clone();
    changed["district"] = json!("Gebze");
    let (status, body) = send(&app, &changed).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["event_id"].is_array());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_stale_unknown_and_malformed_events_are_refused_with_a_reason() {
    let app = start(|_| {}).await;
    let offered = json!({
        "type": "call.offered", "event_id": "evt-x", "call_id": "call-x",
        "occurred_at": now_rfc3339(), "caller_number": "05321234567"
    })
    .to_string();

    let r = http()
        .post(app.url("/v1/cti/events"))
        .header("content-type", "application/json")
        .body(offered.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "unsigned");
    let secret = DEV_CTI_SIGNING_SECRET.as_bytes();
    let (status, _) = send_at(
        &app,
        &offered,
        now_seconds(),
        b"another-secret-0123456789abcdef",
    )
    .await;
    assert_eq!(status, 403, "signed with another secret");
    let (status, body) = send_at(&app, &offered, now_seconds() - 3600, secret).await;
    assert_eq!(status, 403, "an hour-old timestamp: a replay ({body})");

    let (status, body) = send(&app, &json!({
        "type": "call.parked", "event_id": "evt-y", "call_id": "call-x", "occurred_at": now_rfc3339()
    }))
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "unknown CTI event type");
    assert!(body["errors"]["type"].is_array(), "{body}");

    let (status, body) = send_at(&app, "<xml/>", now_seconds(), secret).await;
    assert_eq!(status, 400);
    assert!(body["errors"]["body"].is_array());

    let (status, body) = send(
        &app,
        &json!({
            "type": "ivr.record", "event_id": "evt-z", "call_id": "call-z", "occurred_at": "dün",
            "caller_number": "+49 30 1234567", "record": "balloon_report", "province_code": 99
        }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errors"]["occurred_at"].is_array(), "{body}");
    let (status, body) = send(&app, &json!({
        "type": "ivr.record", "event_id": "evt-z", "call_id": "call-z", "occurred_at": now_rfc3339(),
        "caller_number": "+49 30 1234567", "record": "balloon_report", "province_code": 99
    }))
    .await;
    assert_eq!(status, 400, "{body}");
    for f in ["record", "province_code", "caller_number"] {
        assert!(body["errors"][f].is_array(), "{f} missing in {body}");
    }
    assert!(
        !body.to_string().contains("1234567"),
        "errors never echo values"
    );
    // The refused record did not take its id: corrected, it is accepted.
    let (status, body) = send(&app, &json!({
        "type": "ivr.record", "event_id": "evt-z", "call_id": "call-z", "occurred_at": now_rfc3339(),
        "caller_number": "0532 123 45 67", "record": "sewer_report"
    }))
    .await;
    assert_eq!(status, 202, "{body}");
    app.stop().await;
}

/// A counter of `/metrics` summed over the series whose labels contain `labels`.
async fn metric(app: &Running, name: &str, labels: &str) -> u64 {
    let text = http()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) && l.contains(labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// Issue 17, finding 5: a replayed signed `ivr.record` (same event id, same
/// content) answers the first tracking number and publishes and counts
/// nothing, also after an intake restart (the store remembers, not memory).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_ivr_record_is_published_and_counted_once_even_across_a_restart() {
    let app = start(|_| {}).await;
    let body = json!({
        "type": "ivr.record", "event_id": "evt-ivr-replay", "call_id": "call-r",
        "occurred_at": now_rfc3339(), "caller_number": "05321234567",
        "record": "outage_report", "province_code": 41, "district": "izmit"
    })
    .to_string();
    let secret = DEV_CTI_SIGNING_SECRET.as_bytes();
    let (status, first) = send_at(&app, &body, now_seconds(), secret).await;
    assert_eq!(status, 202, "{first}");
    let tn = first["tracking_number"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let (status, again) = send_at(&app, &body, now_seconds(), secret).await;
        assert_eq!((status, &again), (202, &first), "the first answer");
    }
    let case = app.case(&tn).await;
    let accepted = "tekmerkez_intake_applications_accepted_total";
    assert_eq!(
        metric(&app, accepted, "channel=\"phone\"").await,
        1,
        "counted once"
    );

    let app = start_in(app.stop_keeping_data().await, |_| {}).await;
    let (status, again) = send_at(&app, &body, now_seconds(), secret).await;
    assert_eq!((status, &again), (202, &first), "after a restart too");
    assert_eq!(
        metric(&app, accepted, "channel=\"phone\"").await,
        1,
        "still counted once"
    );
    assert_eq!(app.cases_of(Channel::Phone).await.len(), 1);
    let data = app.stop_keeping_data().await;

    use sqlx::Connection as _;
    let url = format!("sqlite://{}", data.path().join("bus.db").display());
    let mut bus = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bus_messages WHERE topic = 'intake.applications.v1' AND msg_key = $1",
    )
    .bind(&case.application_id)
    .fetch_one(&mut bus)
    .await
    .unwrap();
    assert_eq!(published, 1, "one message on the topic for five deliveries");
}

/// Issue 17, finding 5: the signing client's events are limited
/// (`intake.cti.rate_limit_*`); over the limit, 429 with `Retry-After` in
/// the JSON error format with the reason `CTI_RATE_LIMITED`. Requests
/// without the secret do not spend the client's budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_cti_events_over_the_limit_gets_429_with_retry_after() {
    let app = start(|s| {
        s.intake.cti.rate_limit_per_second = 1;
        s.intake.cti.rate_limit_burst = 5;
    })
    .await;
    let event = |i: usize| {
        json!({
            "type": "call.offered", "event_id": format!("evt-flood-{i}"), "call_id": format!("call-{i}"),
            "occurred_at": now_rfc3339(), "caller_number": "05321234567"
        })
        .to_string()
    };
    for i in 0..20 {
        let (status, _) = send_at(
            &app,
            &event(i),
            now_seconds(),
            b"another-secret-0123456789abcdef",
        )
        .await;
        assert_eq!(status, 403, "not the signing client");
    }
    let secret = DEV_CTI_SIGNING_SECRET.as_bytes();
    let mut answers = Vec::new();
    for i in 0..20 {
        let body = event(i);
        let (ts, sig) = tekmerkez_intake::cti::sign(secret, now_seconds(), body.as_bytes());
        let r = http()
            .post(app.url("/v1/cti/events"))
            .header("content-type", "application/json")
            .header("x-tekmerkez-timestamp", ts)
            .header("x-tekmerkez-signature", sig)
            .body(body)
            .send()
            .await
            .unwrap();
        let retry_after = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        let status = r.status().as_u16();
        answers.push((status, retry_after, r.json::<Value>().await.unwrap()));
    }
    let ok = answers.iter().filter(|(s, _, _)| *s == 200).count();
    assert!(
        (5..=7).contains(&ok),
        "the burst of 5 (and a second's refill) passes: {ok}"
    );
    let limited: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 429).collect();
    assert_eq!(ok + limited.len(), 20);
    for (_, retry_after, body) in limited {
        assert!(retry_after.is_some_and(|s| s >= 1), "Retry-After");
        assert_eq!(body["reason"], "CTI_RATE_LIMITED", "{body}");
        assert!(
            body["message"].is_string() && body["errors"].is_object(),
            "{body}"
        );
    }
    app.stop().await;
}

/// The call figures of today as `user` sees them, by queue.
async fn calls_today(
    app: &Running,
    user: &str,
) -> Result<tekmerkez_proto::reports_v1::CallSummaryResponse, tonic::Code> {
    use tekmerkez_proto::reports_v1 as rpb;
    let today = tekmerkez_workdays::istanbul_date(jiff::Timestamp::now()).to_string();
    let mut client = rpb::call_report_service_client::CallReportServiceClient::connect(format!(
        "http://{}",
        app.reports
    ))
    .await
    .unwrap();
    let mut req = tonic::Request::new(rpb::CallSummaryRequest {
        from: today.clone(),
        to: today,
        by: vec![rpb::CallDimension::Queue as i32],
        granularity: None,
    });
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {}", app.tokens[user]).parse().unwrap(),
    );
    client
        .call_summary(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| s.code())
}

// Issue 19, part 2: every call's end is counted in the reports, by queue
// (call.offered's queue, else the number dialled), once however often the
// CTI sends it, with no number in what is counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_ended_call_is_counted_once_by_queue_in_the_call_figures() {
    let app = start(|_| {}).await;
    let offered = |id: &str, extra: Value| {
        let mut e = json!({
            "type": "call.offered", "event_id": format!("o-{id}"), "call_id": id,
            "occurred_at": now_rfc3339(), "caller_number": "0532 765 43 21",
        });
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    let ended = |id: &str, disposition: &str, secs: Option<u32>| {
        let mut e = json!({
            "type": "call.ended", "event_id": format!("e-{id}"), "call_id": id,
            "occurred_at": now_rfc3339(), "disposition": disposition,
        });
        if let Some(s) = secs {
            e["duration_seconds"] = json!(s);
        }
        e
    };
    let answered = ended("k-1", "answered", Some(120));
    for e in [
        offered(
            "k-1",
            json!({ "dialled_number": "185", "queue": "185-ariza" }),
        ),
        offered("k-2", json!({ "dialled_number": "186" })),
        answered.clone(),
        ended("k-2", "abandoned", None),
        // The IVR served this caller; the CTI never reported an offer.
        ended("k-3", "ivr_completed", Some(40)),
    ] {
        let (status, body) = send(&app, &e).await;
        assert_eq!(status, 200, "{body}");
    }
    // A CTI retry of an end is answered again and counted once.
    let (status, _) = send(&app, &answered).await;
    assert_eq!(status, 200);
    let (status, body) = send(&app, &offered("k-4", json!({ "queue": "kuyruk adı" }))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("queue"), "{body}");

    let figures = eventually(WAIT, "the three calls counted", || async {
        calls_today(&app, "admin")
            .await
            .ok()
            .filter(|r| r.totals.as_ref().is_some_and(|t| t.offered >= 3))
    })
    .await;
    let by_queue: std::collections::BTreeMap<String, _> = figures
        .rows
        .iter()
        .map(|r| (r.keys[0].clone(), r.figures.unwrap()))
        .collect();
    let q = &by_queue["185-ariza"];
    assert_eq!(
        (q.offered, q.answered, q.answered_seconds, q.answered_timed),
        (1, 1, 120, 1)
    );
    assert_eq!((by_queue["186"].offered, by_queue["186"].abandoned), (1, 1));
    assert_eq!((by_queue[""].offered, by_queue[""].ivr_completed), (1, 1));
    let totals = figures.totals.unwrap();
    assert_eq!(
        (
            totals.offered,
            totals.answered,
            totals.abandoned,
            totals.ivr_completed
        ),
        (3, 1, 1, 1),
        "the retried end counted once"
    );
    // Institution-wide figures: the directorate manager sees them, a pool
    // manager does not.
    assert_eq!(
        calls_today(&app, "mudur.su")
            .await
            .unwrap()
            .totals
            .unwrap()
            .offered,
        3
    );
    assert_eq!(
        calls_today(&app, "yonetici.ankara").await.unwrap_err(),
        tonic::Code::PermissionDenied
    );
    // On Raporlar: the same figures by queue and by hour, for the same people.
    use tekmerkez_integration_tests::{page::Page, web};
    let mut director = web::Browser::new(app.http);
    web::sign_in(&mut director, "mudur.su").await;
    let (_, page, _, _) = director.get("/raporlar?donem=bu-ay").await;
    let p = Page::parse(&page);
    let total = p.texts("#cagri-tablosu tfoot td");
    assert_eq!(
        &total[..4],
        ["3", "1", "1", "1"],
        "offered, answered, IVR, abandoned"
    );
    assert_eq!(total[5], "%66,7", "answered by an agent or the IVR");
    assert_eq!(total[6], "2,0 dk", "two minutes of talk on average");
    let queues = p.texts("#cagri-tablosu tbody th");
    assert!(
        queues.contains(&"185-ariza".to_owned()) && queues.contains(&"Belirtilmemiş".to_owned()),
        "{queues:?}"
    );
    assert_eq!(p.texts("#cagri-saatleri tbody tr").len(), 24, "every hour");
    assert!(page.contains("id=\"grafik-cagrilar\""), "the chart by hour");
    let mut pool_manager = web::Browser::new(app.http);
    web::sign_in(&mut pool_manager, "yonetici.ankara").await;
    let (_, page, _, _) = pool_manager.get("/raporlar?donem=bu-ay").await;
    assert!(!page.contains("cagri-merkezi"), "not a pool manager's");
    app.stop().await;
}
