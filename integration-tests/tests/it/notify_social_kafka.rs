//! Social replies as production runs them: `tekmerkez case`, `routing`,
//! `intake` and `notify` as separate processes on PostgreSQL and the Kafka
//! broker, the WhatsApp Cloud API played by the platforms' stand-in in the
//! test (`tekmerkez-standin`) and the SMS provider by the webhook stand-in.
//! A WhatsApp applicant is acknowledged in the conversation, with the
//! phone number's token and the documented body, and gets nothing by SMS;
//! a message that reaches us a day and a half after it was sent (Meta
//! retries for up to 7 days) is acknowledged with the approved template,
//! the only form WhatsApp takes outside its 24-hour window; notify killed
//! and started again sends neither twice.

#[path = "../../../services/notify/tests/support/webhook.rs"]
mod webhook_standin;

use std::time::Duration;

use hmac::{Hmac, Mac as _};
use serde_json::json;
use sha2::Sha256;
use tekmerkez_integration_tests::{cluster::Cluster, scenario::setup, wait::eventually};
use tekmerkez_standin::{Account, StandIn};

const WAIT: Duration = Duration::from_secs(60);
const APP_SECRET: &str = "kafka-test-meta-app-secret";
const PHONE_NUMBER_ID: &str = "106540352242922";
const TOKEN: &str = "kafka-test-whatsapp-system-user-token";

fn whatsapp(id: &str, from: &str, text: &str, sent: i64) -> String {
    json!({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
        "messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":PHONE_NUMBER_ID},
        "contacts":[{"profile":{"name":"Ayşe Yılmaz"},"wa_id":from}],
        "messages":[{"from":from,"id":id,"timestamp":sent.to_string(),"type":"text","text":{"body":text}}]}}]}]})
    .to_string()
}

async fn webhook(cluster: &Cluster, body: &str) -> u16 {
    let mut m = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    m.update(body.as_bytes());
    reqwest::Client::new()
        .post(format!("{}/webhooks/whatsapp", cluster.intake_url))
        .header("content-type", "application/json")
        .header(
            "x-hub-signature-256",
            format!("sha256={}", hex::encode(m.finalize().into_bytes())),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whatsapp_applicant_is_acknowledged_in_the_conversation_on_kafka_and_postgresql() {
    let platforms = StandIn::new(vec![Account {
        platform: "whatsapp",
        id: PHONE_NUMBER_ID.into(),
        token: TOKEN.into(),
    }]);
    let base = platforms.serve().await;
    let sms = webhook_standin::WebhookStandIn::start().await;
    let mut cluster = Cluster::new().await;
    cluster.add_test_config(&format!(
        r#"intake:
  social:
    whatsapp:
      enabled: true
      verify_token: kafka-test-verify-token
      app_secret: {APP_SECRET}
      accounts:
        - {{ id: "{PHONE_NUMBER_ID}", province_code: 6, category: su_arizasi }}
"#
    ));
    for (k, v) in [
        ("TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__ENABLED", "true"),
        (
            "TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__BASE_URL",
            base.as_str(),
        ),
        ("TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__TIMEOUT_MS", "2000"),
        (
            &format!("TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__ACCESS_TOKENS__{PHONE_NUMBER_ID}"),
            TOKEN,
        ),
        (
            "TEKMERKEZ__NOTIFY__SOCIAL__WHATSAPP__TEMPLATE__NAME",
            "basvuru_bilgilendirme",
        ),
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "webhook"),
        ("TEKMERKEZ__NOTIFY__SMS__WEBHOOK__URL", sms.url.as_str()),
        (
            "TEKMERKEZ__NOTIFY__SMS__WEBHOOK__TOKEN",
            webhook_standin::TOKEN,
        ),
        ("TEKMERKEZ__NOTIFY__SMS__WEBHOOK__TIMEOUT_MS", "2000"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__LEASE_MS", "8000"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
    ] {
        cluster.set_env(k, v);
    }
    setup(&mut cluster).await;
    cluster.start("notify").await;

    let now = jiff::Timestamp::now().as_second();
    assert_eq!(
        webhook(
            &cluster,
            &whatsapp(
                "wamid.kn1",
                "905321234567",
                "Sokakta su borusu patladı.",
                now
            )
        )
        .await,
        200
    );
    let first = eventually(WAIT, "the acknowledgement in the conversation", || async {
        platforms.delivered().into_iter().next()
    })
    .await;
    assert_eq!(first.token, TOKEN);
    assert_eq!(first.account_id, PHONE_NUMBER_ID);
    assert_eq!(first.body["messaging_product"], "whatsapp");
    assert_eq!(first.body["recipient_type"], "individual");
    assert_eq!(first.body["to"], "905321234567");
    assert_eq!(first.body["type"], "text");
    let text = first.body["text"]["body"].as_str().unwrap();
    assert!(
        text.starts_with("Başvurunuz alındı. Takip numaranız: "),
        "{text}"
    );

    // Sent a day and a half ago, delivered only now: the template.
    let late = now - 36 * 3600;
    assert_eq!(
        webhook(
            &cluster,
            &whatsapp("wamid.kn2", "905339876543", "Kanalizasyon taştı.", late)
        )
        .await,
        200
    );
    let second = eventually(WAIT, "the template to the late applicant", || async {
        platforms
            .delivered()
            .into_iter()
            .find(|r| r.recipient == "905339876543")
    })
    .await;
    assert_eq!(second.body["type"], "template");
    assert_eq!(second.body["template"]["name"], "basvuru_bilgilendirme");
    assert_eq!(second.body["template"]["language"]["code"], "tr");

    // Notify killed and started again reads what it had not committed once
    // more: nothing is sent twice, and nothing went by SMS.
    cluster.kill("notify").await;
    cluster.start("notify").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(platforms.delivered().len(), 2, "{:?}", platforms.received());
    assert_eq!(sms.requests(), 0);
}
