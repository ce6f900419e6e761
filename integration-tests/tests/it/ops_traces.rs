//! One application's whole path is one trace: intake, routing, case and
//! notify run as separate `tekmerkez` processes on PostgreSQL and the Kafka
//! broker, exporting over OTLP/gRPC to a receiver this test runs. The
//! application is posted with a `traceparent`, as a browser or gateway that
//! traces would send it; every hop (HTTP → Kafka → gRPC → outbox → Kafka →
//! notify → the SMS provider's HTTP request) must continue that trace, and
//! no span of any trace may carry the applicant's personal data.

use std::{collections::BTreeMap, time::Duration};

use tekmerkez_integration_tests::{
    cluster::Cluster,
    ops::{OtlpReceiver, ReceivedSpan, WebhookStandIn},
    scenario,
    wait::within,
};

const NAME: &str = "Gülsüm Karaağaçlı";
const PHONE: &str = "0532 987 65 43";
const EMAIL: &str = "gulsum.karaagacli@example.org";
const TEXT: &str = "Nergis Sokak 17 numaranın önünde su borusu patladı, yol göle döndü.";

/// What must never appear in a span: the name (and each part of it), the
/// phone in the forms it takes on the way (as typed, national, E.164), the
/// e-mail address and its local part, and the text (and its distinctive words).
fn personal_data() -> Vec<&'static str> {
    vec![
        NAME,
        "Gülsüm",
        "Karaağaçlı",
        PHONE,
        "5329876543",
        "+905329876543",
        "05329876543",
        "987 65 43",
        EMAIL,
        "gulsum.karaagacli",
        TEXT,
        "Nergis",
        "göle döndü",
    ]
}

/// The spans that make the application's path, by service: HTTP in,
/// intake's publish, routing's consume, the gRPC call, the outbox publish,
/// notify's consume and its send.
const HOPS: [(&str, &str); 6] = [
    ("tekmerkez-intake", "POST /v1/applications"),
    ("tekmerkez-routing", "bus.consume"),
    ("tekmerkez-case", "tekmerkez.case.v1.CaseService/CreateCase"),
    ("tekmerkez-case", "case.outbox.publish"),
    ("tekmerkez-notify", "bus.consume"),
    ("tekmerkez-notify", "notify.dispatch"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_application_is_one_trace_across_intake_routing_case_and_notify_without_personal_data()
{
    let (receiver, otlp) = OtlpReceiver::start().await;
    let (sms, sms_url) = WebhookStandIn::start().await;
    let mut cluster = Cluster::new().await;
    for (k, v) in [
        ("TEKMERKEZ__TELEMETRY__OTLP_ENDPOINT", otlp.as_str()),
        // Export each batch quickly instead of every 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "webhook"),
        ("TEKMERKEZ__NOTIFY__SMS__WEBHOOK__URL", sms_url.as_str()),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
    ] {
        cluster.set_env(k, v);
    }
    scenario::setup(&mut cluster).await;
    cluster.start("notify").await;

    // The caller's trace: a random trace id the services cannot have made up.
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let caller = format!(
        "00-{trace_id}-{}-01",
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    );
    let body = serde_json::json!({
        "channel": "mobile_app",
        "category": "su_arizasi",
        "text": TEXT,
        "province": "6",
        "district": "Çankaya",
        "applicant": { "name": NAME, "phone": PHONE, "email": EMAIL },
        "reply_channel": "sms",
        "kvkk_consent": { "text_version": "kvkk-v1", "accepted": true }
    });
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/applications", cluster.intake_url))
        .header("traceparent", &caller)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());

    // Poll until every hop's span of this trace is in, and the SMS
    // went out carrying the trace.
    let want = [
        "tekmerkez-intake",
        "tekmerkez-routing",
        "tekmerkez-case",
        "tekmerkez-notify",
    ];
    let mut last = String::new();
    let seen = within(Duration::from_secs(90), async || {
        let trace: Vec<ReceivedSpan> = receiver
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace_id)
            .collect();
        let services: std::collections::BTreeSet<&str> =
            trace.iter().map(|s| s.service.as_str()).collect();
        let dispatched = trace.iter().any(|s| s.name == "notify.dispatch");
        // Every hop asserted below, not only every service: each process
        // exports in its own batches, so notify's spans can be in before
        // the case service's outbox span.
        let hops = HOPS.iter().all(|(service, name)| {
            trace
                .iter()
                .any(|s| s.service == *service && s.name == *name)
        });
        if want.iter().all(|w| services.contains(w)) && hops && !sms.sent().is_empty() {
            return Some(trace);
        }
        last = format!(
            "the trace holds {services:?} (dispatch span: {dispatched}), {} SMS sent; spans: {:?}",
            sms.sent().len(),
            trace
                .iter()
                .map(|s| (&s.service, &s.name))
                .collect::<Vec<_>>(),
        );
        None
    })
    .await;
    let trace: Vec<ReceivedSpan> =
        seen.unwrap_or_else(|| panic!("after 90 s {last}\nnotify: {}", cluster.log("notify")));

    let mut per_service: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &trace {
        per_service
            .entry(s.service.as_str())
            .or_default()
            .push(s.name.as_str());
    }
    eprintln!("spans of the application's trace by service: {per_service:#?}");
    for (service, name) in HOPS {
        assert!(
            trace.iter().any(|s| s.service == service && s.name == name),
            "{service} has no {name} span in the trace"
        );
    }
    // The SMS provider's request carried the same trace.
    let sent = sms.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "+905329876543");
    let tp = sent[0]
        .traceparent
        .as_deref()
        .expect("the SMS request carries traceparent");
    assert_eq!(tp.split('-').nth(1), Some(trace_id.as_str()));

    // Let every process flush what it still holds, then look at all of it.
    for service in ["notify", "intake", "routing", "case"] {
        let (status, _) = cluster.terminate(service).await;
        assert!(
            status.success(),
            "{service} exited with {status}: {}",
            cluster.log(service)
        );
    }
    let all = receiver.spans();
    // Parent links hold within the trace, once every process has flushed:
    // every parent but the caller's span is one of its spans.
    let trace: Vec<&ReceivedSpan> = all.iter().filter(|s| s.trace_id == trace_id).collect();
    let ids: std::collections::HashSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
    let caller_span = &caller[36..52];
    for s in &trace {
        assert!(
            s.parent_span_id == caller_span || ids.contains(s.parent_span_id.as_str()),
            "{}/{}'s parent {} is not in the trace",
            s.service,
            s.name,
            s.parent_span_id
        );
    }
    let mut attributes = 0usize;
    for s in &all {
        attributes += s.attributes.len();
        for text in &s.texts {
            for pii in personal_data() {
                assert!(
                    !text.contains(pii),
                    "span {}/{} carries personal data ({pii:?}) in {text:?}",
                    s.service,
                    s.name
                );
            }
        }
    }
    eprintln!(
        "{} spans from {} services checked ({attributes} attributes, with events and status), no personal data",
        all.len(),
        all.iter()
            .map(|s| s.service.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
}
