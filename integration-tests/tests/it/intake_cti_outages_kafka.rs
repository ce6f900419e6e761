//! The IVR's outage answers in the call figures, as production runs them:
//! `tekmerkez case`, `intake` and `reports` as separate processes on
//! PostgreSQL and the project's Kafka-protocol broker. Each outage question
//! the IVR answered (`POST /v1/cti/outages`) reaches the reports through
//! `intake.calls.v1` as one IVR self-service answer per call — the IVR's
//! retry and a second question in the same call count nothing more — and
//! none of them is a call offered.

use std::time::Duration;

use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;
use sqlx::Connection as _;
use tekmerkez_integration_tests::{cluster::Cluster, wait::eventually};
use tekmerkez_proto::reports_v1::{
    self as rpb, call_report_service_client::CallReportServiceClient,
};

const WAIT: Duration = Duration::from_secs(60);
const CTI_SECRET: &str = "kafka-test-cti-signing-secret-0123456789";

async fn ask(cluster: &Cluster, question: &Value) -> (u16, Value) {
    let body = question.to_string();
    let ts = jiff::Timestamp::now().as_second().to_string();
    let mut m = Hmac::<Sha256>::new_from_slice(CTI_SECRET.as_bytes()).unwrap();
    m.update(format!("{ts}.{body}").as_bytes());
    let sig = format!("sha256={}", hex::encode(m.finalize().into_bytes()));
    let r = reqwest::Client::new()
        .post(format!("{}/v1/cti/outages", cluster.intake_url))
        .header("content-type", "application/json")
        .header("x-tekmerkez-timestamp", ts)
        .header("x-tekmerkez-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Today's call figures (Istanbul), by hour, as the admin.
async fn today(cluster: &Cluster) -> Option<rpb::CallFigures> {
    let day = tekmerkez_workdays::istanbul_date(jiff::Timestamp::now()).to_string();
    let mut client = CallReportServiceClient::connect(format!("http://{}", cluster.reports_addr))
        .await
        .ok()?;
    client
        .call_summary(cluster.as_admin(rpb::CallSummaryRequest {
            from: day.clone(),
            to: day,
            by: vec![rpb::CallDimension::Hour as i32],
            granularity: None,
        }))
        .await
        .ok()?
        .into_inner()
        .totals
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_call_the_ivr_answered_about_outages_counts_once_in_the_call_figures() {
    let mut cluster = Cluster::new().await;
    cluster.add_test_config(&format!(
        r#"intake:
  cti:
    enabled: true
    signing_secret: {CTI_SECRET}
    lookup_token: kafka-test-cti-lookup-token-0123456789ab
    caller_index_key: kafka-test-caller-index-key-0123456789
    default_province_code: 6
"#
    ));
    cluster.start("case").await;
    cluster.start("intake").await;
    cluster.start("reports").await;

    let first = json!({"call_id": "ivr-k-1", "district": "Çankaya"});
    for q in [
        first.clone(),
        // The IVR's retry of the same question.
        first,
        // A second question in the same call.
        json!({"call_id": "ivr-k-1", "district": "Keçiören"}),
        json!({"call_id": "ivr-k-2", "district": "Çankaya", "lang": "en"}),
        json!({"call_id": "ivr-k-3", "district": "Yenimahalle"}),
    ] {
        let (status, body) = eventually(WAIT, "intake answers", || async {
            let (status, body) = ask(&cluster, &q).await;
            (status != 503).then_some((status, body))
        })
        .await;
        assert_eq!(status, 200, "{body} {}", cluster.log("intake"));
        assert_eq!(body["found"], false, "no outage declared: {body}");
    }
    // A refused question (no place) is no answer.
    let (status, _) = ask(&cluster, &json!({"call_id": "ivr-k-4"})).await;
    assert_eq!(status, 400);

    let totals = eventually(WAIT, "three self-service answers counted", || async {
        today(&cluster).await.filter(|t| t.ivr_self_service >= 3)
    })
    .await;
    assert_eq!(totals.ivr_self_service, 3, "one per call");
    assert_eq!(totals.offered, 0, "an answer is not a call offered");
    // Everything the reports took from the topic is done: still three.
    let mut reports = sqlx::PgConnection::connect(&cluster.reports_db)
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(ivr_self_service), 0) AS BIGINT) FROM report_calls",
    )
    .fetch_one(&mut reports)
    .await
    .unwrap();
    assert_eq!(counted, 3);
}
