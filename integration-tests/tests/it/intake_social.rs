//! Social-media webhooks in `tekmerkez dev`, driven as the platforms drive
//! them: requests shaped as Meta's and X's documented examples, signed as
//! their documentation says (`X-Hub-Signature-256: sha256=<hex HMAC>` over
//! the raw body with the app secret; `x-twitter-webhooks-signature:
//! sha256=<base64 HMAC>` with the consumer secret), the verification
//! handshakes, and every way to get it wrong. Applications land in the pool
//! the routing rules name; a conversation's later messages join its case.

use crate::channels::{Running, WAIT, hmac_sha256, http, now_seconds, start, start_in};
use base64::Engine as _;
use serde_json::{Value, json};
use tekmerkez::dev_channels::{
    DEV_META_APP_SECRET, DEV_META_VERIFY_TOKEN, DEV_PAGE_ID, DEV_WHATSAPP_PHONE_NUMBER_ID,
    DEV_X_CONSUMER_SECRET, DEV_X_USER_ID,
};
use tekmerkez_intake::social::settings::SocialReply;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::{
    case_v1 as pb,
    common_v1::{Channel, ReplyChannel},
};

const FAULT_POOL: &str = "Kocaeli Su Arıza Birimi";
const TRIAGE_POOL: &str = "Kocaeli Ön Değerlendirme (Triyaj)";

/// A WhatsApp text notification shaped as Meta's documented example, sent
/// at `timestamp` (Unix seconds).
pub(crate) fn whatsapp(id: &str, from: &str, text: &str, timestamp: i64) -> String {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": "15550783881",
                        "phone_number_id": DEV_WHATSAPP_PHONE_NUMBER_ID
                    },
                    "contacts": [{ "profile": { "name": "Ayşe Yılmaz" }, "wa_id": from }],
                    "messages": [{
                        "from": from,
                        "id": id,
                        "timestamp": timestamp.to_string(),
                        "type": "text",
                        "text": { "body": text }
                    }]
                },
                "field": "messages"
            }]
        }]
    })
    .to_string()
}

/// A Messenger (`object: page`) or Instagram text message.
pub(crate) fn messaging(object: &str, mid: &str, sender: &str, text: &str) -> String {
    messaging_at(object, mid, sender, text, now_seconds() * 1000)
}

/// The same, sent at `at_ms` (Unix milliseconds).
pub(crate) fn messaging_at(
    object: &str,
    mid: &str,
    sender: &str,
    text: &str,
    at_ms: i64,
) -> String {
    json!({
        "object": object,
        "entry": [{
            "id": DEV_PAGE_ID,
            "time": at_ms,
            "messaging": [{
                "sender": { "id": sender },
                "recipient": { "id": DEV_PAGE_ID },
                "timestamp": at_ms,
                "message": { "mid": mid, "text": text }
            }]
        }]
    })
    .to_string()
}

pub(crate) fn meta_signature(body: &str) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(DEV_META_APP_SECRET.as_bytes(), body.as_bytes()))
    )
}

pub(crate) fn x_signature(body: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::STANDARD
            .encode(hmac_sha256(DEV_X_CONSUMER_SECRET.as_bytes(), body))
    )
}

/// POSTs `body` to `path` with `headers`; the status and the JSON answer.
pub(crate) async fn post(
    app: &Running,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = http()
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub(crate) async fn post_meta(app: &Running, path: &str, body: &str) -> (u16, Value) {
    post(
        app,
        path,
        body,
        &[("x-hub-signature-256", &meta_signature(body))],
    )
    .await
}

async fn get(app: &Running, path_and_query: &str) -> (u16, String) {
    let r = http().get(app.url(path_and_query)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatsapp_opens_one_case_in_the_fault_pool_and_the_conversation_joins_it() {
    let app = start(|_| {}).await;

    // The verification request, as Meta sends it when the webhook is set up.
    let (status, challenge) = get(
        &app,
        &format!(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={DEV_META_VERIFY_TOKEN}"
        ),
    )
    .await;
    assert_eq!((status, challenge.as_str()), (200, "1158201444"));
    let (status, _) = get(
        &app,
        "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
    )
    .await;
    assert_eq!(status, 403, "a wrong verify token is refused");
    let (status, _) = get(&app, "/webhooks/whatsapp?hub.mode=subscribe").await;
    assert_eq!(status, 400);

    // The documented example itself carries a 2025 timestamp: a replay of a
    // captured delivery that old is refused, and no case opens from it.
    let old = whatsapp(
        "wamid.documented",
        "905321234567",
        "Eski mesaj.",
        1_749_416_383,
    );
    let (status, body) = post_meta(&app, "/webhooks/whatsapp", &old).await;
    assert_eq!((status, body["stale"].as_u64()), (200, Some(1)), "{body}");

    let first = whatsapp(
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
        "905321234567",
        "Sokağımızda su borusu patladı, yol su içinde.",
        now_seconds(),
    );
    let (status, body) = post_meta(&app, "/webhooks/whatsapp", &first).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let cases = app.wait_cases(Channel::SocialMedia, 1).await;
    let case = &cases[0];
    assert_eq!(app.pool_name(&case.pool_id).await, FAULT_POOL);
    assert_eq!(
        case.reply_channel,
        tekmerkez_proto::common_v1::ReplyChannel::Social as i32,
        "answered in the conversation"
    );
    assert_eq!(case.text, "Sokağımızda su borusu patladı, yol su içinde.");
    let contact = case.contact.clone().unwrap();
    assert_eq!(
        contact.phone, "+905321234567",
        "the number is the sender's wa_id"
    );
    let social = contact.social.clone().unwrap();
    assert_eq!(
        (
            social.platform,
            social.account_id.as_str(),
            social.user_id.as_str()
        ),
        (
            tekmerkez_proto::common_v1::SocialPlatform::Whatsapp as i32,
            DEV_WHATSAPP_PHONE_NUMBER_ID,
            "905321234567"
        ),
        "the conversation to reply in"
    );
    assert_eq!(contact.name, "Ayşe Yılmaz");

    // Meta retries what it did not see acknowledged: the same delivery again
    // is answered 200 and opens nothing new.
    let (status, body) = post_meta(&app, "/webhooks/whatsapp", &first).await;
    assert_eq!(
        (status, body["duplicates"].as_u64()),
        (200, Some(1)),
        "{body}"
    );

    // A later message of the same conversation joins the case as the
    // citizen's message, not a second case.
    let later = whatsapp(
        "wamid.second",
        "905321234567",
        "Hâlâ ekip gelmedi.",
        now_seconds(),
    );
    let (status, body) = post_meta(&app, "/webhooks/whatsapp", &later).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let joined = eventually(WAIT, "the follow-up as the citizen's note", || async {
        let c = app.case(&case.tracking_number).await;
        c.notes
            .iter()
            .any(|n| n.text == "Hâlâ ekip gelmedi." && n.author == pb::NoteAuthor::Citizen as i32)
            .then_some(c)
    })
    .await;
    assert_eq!(
        joined
            .notes
            .iter()
            .filter(|n| n.author == pb::NoteAuthor::Citizen as i32)
            .count(),
        1
    );

    // Another sender is another conversation, and another case.
    let other = whatsapp(
        "wamid.third",
        "905339876543",
        "Kanalizasyon taştı.",
        now_seconds(),
    );
    post_meta(&app, "/webhooks/whatsapp", &other).await;
    let cases = app.wait_cases(Channel::SocialMedia, 2).await;
    assert_eq!(cases.len(), 2, "exactly two conversations, two cases");

    // Status receipts of the institution's own messages are acknowledged and dropped.
    let status_only = json!({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
        "metadata":{"phone_number_id": DEV_WHATSAPP_PHONE_NUMBER_ID},
        "statuses":[{"id":"wamid.X","status":"delivered","timestamp":"1750857384","recipient_id":"905321234567"}]}}]}]})
    .to_string();
    let (status, body) = post_meta(&app, "/webhooks/whatsapp", &status_only).await;
    assert_eq!((status, body["ignored"].as_u64()), (200, Some(1)));
    assert_eq!(app.cases_of(Channel::SocialMedia).await.len(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_webhook_requests_get_the_status_the_platform_expects_and_open_nothing() {
    let app = start(|_| {}).await;
    let body = whatsapp("wamid.bad", "905321234567", "Su yok.", now_seconds());

    let (status, _) = post(&app, "/webhooks/whatsapp", &body, &[]).await;
    assert_eq!(status, 401, "unsigned");
    let forged = format!(
        "sha256={}",
        hex::encode(hmac_sha256(b"not-the-app-secret", body.as_bytes()))
    );
    let (status, _) = post(
        &app,
        "/webhooks/whatsapp",
        &body,
        &[("x-hub-signature-256", &forged)],
    )
    .await;
    assert_eq!(status, 403, "signed with another secret");
    let (status, _) = post(
        &app,
        "/webhooks/whatsapp",
        &body,
        &[("x-hub-signature-256", "sha1=abc")],
    )
    .await;
    assert_eq!(status, 403, "malformed signature");
    // Signed, then changed on the way (one byte): the signature is over the raw bytes.
    let tampered = body.replace("Su yok.", "Su var.");
    let (status, _) = post(
        &app,
        "/webhooks/whatsapp",
        &tampered,
        &[("x-hub-signature-256", &meta_signature(&body))],
    )
    .await;
    assert_eq!(status, 403, "tampered body");

    let (status, answer) = post_meta(&app, "/webhooks/whatsapp", "this is not json").await;
    assert_eq!(status, 400);
    assert!(answer["errors"]["body"].is_array(), "{answer}");
    let (status, _) = post(&app, "/webhooks/whatsapp", "this is not json", &[]).await;
    assert_eq!(
        status, 401,
        "the signature is checked before the body is read"
    );
    let (status, answer) = post_meta(
        &app,
        "/webhooks/whatsapp",
        r#"{"object":"page","entry":[]}"#,
    )
    .await;
    assert_eq!(status, 400, "{answer}");

    let unknown = body.replace(DEV_WHATSAPP_PHONE_NUMBER_ID, "999999999999999");
    let (status, answer) = post_meta(&app, "/webhooks/whatsapp", &unknown).await;
    assert_eq!(
        status, 422,
        "an account not configured: Meta keeps it and retries ({answer})"
    );

    // X: the CRC, and its signature header.
    let (status, _) = get(&app, "/webhooks/x").await;
    assert_eq!(status, 400);
    let (status, crc) = get(&app, "/webhooks/x?crc_token=challenge-string").await;
    assert_eq!(status, 200);
    let crc: Value = serde_json::from_str(&crc).unwrap();
    assert_eq!(
        crc["response_token"].as_str().unwrap(),
        x_signature(b"challenge-string")
    );
    let dm = x_dm("1", "3001969357", "Su yok.");
    let (status, _) = post(&app, "/webhooks/x", &dm, &[]).await;
    assert_eq!(status, 401);
    let (status, _) = post(
        &app,
        "/webhooks/x",
        &dm,
        &[("x-twitter-webhooks-signature", &meta_signature(&dm))],
    )
    .await;
    assert_eq!(status, 403, "a hex (Meta-style) signature is not X's");

    // Every refusal is counted by channel and reason, for whoever watches
    // the webhooks at 3 a.m.
    let metrics = reqwest::get(format!("http://{}/metrics", app.http))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (reason, n) in [
        ("unauthenticated", 3),
        ("forbidden", 4),
        ("invalid", 2),
        ("unprocessable", 1),
    ] {
        assert_eq!(
            rejected(&metrics, "social_media", reason),
            n,
            "{reason}: {metrics}"
        );
    }

    // A channel that is off is not served at all.
    let (status, _) = get(&app, "/webhooks/telegram").await;
    assert_eq!(status, 404);

    for ch in [Channel::SocialMedia] {
        assert!(
            app.cases_of(ch).await.is_empty(),
            "a refused request opened a case"
        );
    }
    app.stop().await;
}

/// An X direct message shaped as the documented `direct_message_events` example.
pub(crate) fn x_dm(id: &str, sender: &str, text: &str) -> String {
    json!({
        "for_user_id": DEV_X_USER_ID,
        "direct_message_events": [{
            "type": "message_create",
            "id": id,
            "created_timestamp": (now_seconds() * 1000).to_string(),
            "message_create": {
                "target": { "recipient_id": DEV_X_USER_ID },
                "sender_id": sender,
                "source_app_id": "13090192",
                "message_data": { "text": text, "entities": { "hashtags": [], "symbols": [], "user_mentions": [], "urls": [] } }
            }
        }],
        "users": {
            sender: { "id": sender, "name": "Jordan Brinks", "screen_name": "furiouscamper" },
            DEV_X_USER_ID: { "id": DEV_X_USER_ID, "name": "Alo 185", "screen_name": "alo185" }
        }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_phone_callback_reply_messenger_instagram_and_x_wait_for_a_phone_number_then_reach_triage()
 {
    let app = start(|s| s.intake.social.reply = SocialReply::PhoneCallback).await;

    // Messenger never tells the number: the first message waits for one.
    let m1 = messaging(
        "page",
        "mid.1",
        "1254459154682919",
        "Mahallemizde iki gündür su yok.",
    );
    let (status, body) = post_meta(&app, "/webhooks/messenger", &m1).await;
    assert_eq!((status, body["held"].as_u64()), (200, Some(1)), "{body}");
    let m2 = messaging(
        "page",
        "mid.2",
        "1254459154682919",
        "Beni 0532 111 22 33'ten arayabilirsiniz.",
    );
    let (status, body) = post_meta(&app, "/webhooks/messenger", &m2).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let cases = app.wait_cases(Channel::SocialMedia, 1).await;
    let c = &cases[0];
    assert_eq!(
        c.text, "Mahallemizde iki gündür su yok.\nBeni 0532 111 22 33'ten arayabilirsiniz.",
        "the held message joined the case the number opened"
    );
    assert_eq!(c.contact.clone().unwrap().phone, "+905321112233");
    assert_eq!(app.pool_name(&c.pool_id).await, TRIAGE_POOL);

    // Instagram, the same parser under its own object and secret check.
    let ig = messaging(
        "instagram",
        "aWdfZAG1faXRlbToxOklHTWVzc2FnZA",
        "2612003852179592",
        "Faturam çok yüksek. Tel: 0533 444 55 66",
    );
    let (status, body) = post_meta(&app, "/webhooks/instagram", &ig).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let (status, _) = post_meta(&app, "/webhooks/instagram", &m1).await;
    assert_eq!(
        status, 400,
        "a Page payload on the Instagram webhook is not its shape"
    );

    // X, signed with base64 HMAC of the consumer secret.
    let dm = x_dm(
        "954491830116155396",
        "3001969357",
        "Kaldırımda çukur var, numaram 0542 777 88 99",
    );
    let (status, body) = post(
        &app,
        "/webhooks/x",
        &dm,
        &[("x-twitter-webhooks-signature", &x_signature(dm.as_bytes()))],
    )
    .await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );

    let cases = app.wait_cases(Channel::SocialMedia, 3).await;
    let x_case = cases
        .iter()
        .find(|c| c.text.contains("Kaldırımda"))
        .expect("the X message became a case");
    assert_eq!(x_case.contact.clone().unwrap().name, "Jordan Brinks");
    for c in &cases {
        assert_eq!(
            app.pool_name(&c.pool_id).await,
            TRIAGE_POOL,
            "category diger goes to triage"
        );
    }
    app.stop().await;
}

/// The states of intake's records of `message_keys`, read from its SQLite
/// database in dev's data directory.
async fn message_states(data: &std::path::Path, message_keys: &[&str]) -> Vec<String> {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", data.join("intake.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mut out = Vec::new();
    for k in message_keys {
        let state: String =
            sqlx::query_scalar("SELECT state FROM social_messages WHERE message_key = $1")
                .bind(k)
                .fetch_one(&mut db)
                .await
                .unwrap();
        out.push(state);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_phone_callback_reply_a_conversation_that_never_gives_a_phone_number_still_becomes_one_case_with_no_reply_possible()
 {
    // A one-minute window and a housekeeping round every second; the held
    // messages were sent almost a minute ago, so the window passes within
    // seconds of the test.
    let tweak = |s: &mut tekmerkez::settings::Settings| {
        s.intake.social.reply = SocialReply::PhoneCallback;
        s.intake.social.conversation_window_minutes = 1;
        s.intake.social.housekeeping_interval_seconds = 1;
    };
    let app = start(tweak).await;
    let sender = "6655443322110099";
    let sent = (now_seconds() - 55) * 1000;
    let m1 = messaging_at(
        "page",
        "mid.nophone.1",
        sender,
        "Gölcük yolunda ana boru patladı, yol su içinde.",
        sent,
    );
    let m2 = messaging_at(
        "page",
        "mid.nophone.2",
        sender,
        "Üç saattir kimse gelmedi.",
        sent + 1000,
    );
    for m in [&m1, &m2] {
        let (status, body) = post_meta(&app, "/webhooks/messenger", m).await;
        assert_eq!((status, body["held"].as_u64()), (200, Some(1)), "{body}");
    }

    // The window passes without a number: one case, in the pool the rules
    // name, the texts joined, nobody to reply to.
    let cases = app.wait_cases(Channel::SocialMedia, 1).await;
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(app.pool_name(&case.pool_id).await, TRIAGE_POOL);
    assert_eq!(
        case.text,
        "Gölcük yolunda ana boru patladı, yol su içinde.\nÜç saattir kimse gelmedi."
    );
    assert_eq!(case.reply_channel, ReplyChannel::NoContact as i32);
    let contact = case.contact.clone().unwrap_or_default();
    assert!(contact.phone.is_empty() && contact.email.is_empty());

    // The conversation goes on: a later message is the citizen's note on
    // that case, even one that now gives a number.
    let m3 = messaging(
        "page",
        "mid.nophone.3",
        sender,
        "Numaram 0532 999 88 77, arayın lütfen.",
    );
    let (status, body) = post_meta(&app, "/webhooks/messenger", &m3).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let citizen_notes = |c: &pb::Case| {
        c.notes
            .iter()
            .filter(|n| n.author == pb::NoteAuthor::Citizen as i32)
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
    };
    eventually(WAIT, "the first citizen's note", || async {
        let c = app.case(&case.tracking_number).await;
        (citizen_notes(&c).len() == 1).then_some(())
    })
    .await;
    let keys = ["messenger:mid.nophone.1", "messenger:mid.nophone.2"];

    // A crash between the publish and the store's mark: dev stops, the held
    // messages are put back as the crash left them (claimed, texts kept),
    // and dev starts again on the same data. It publishes the very same
    // application again; routing and the case service take it once.
    let data = app.stop_keeping_data().await;
    {
        use sqlx::Connection as _;
        let url = format!("sqlite://{}", data.path().join("intake.db").display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for (key, text) in keys.iter().zip([
            "Gölcük yolunda ana boru patladı, yol su içinde.",
            "Üç saattir kimse gelmedi.",
        ]) {
            let n = sqlx::query(
                "UPDATE social_messages SET state = 'expiring', held_text = $2 WHERE message_key = $1 AND state = 'published'",
            )
            .bind(key)
            .bind(text)
            .execute(&mut db)
            .await
            .unwrap()
            .rows_affected();
            assert_eq!(n, 1, "{key} was published and marked");
        }
    }
    let app = start_in(data, tweak).await;
    let data_dir = app.data_dir().to_owned();
    eventually(WAIT, "both held messages published again", || async {
        (message_states(&data_dir, &keys).await == ["published", "published"]).then_some(())
    })
    .await;
    // A follow-up keyed like the case (so routing handles it after the
    // republished application): once it is on the case, the republish was
    // handled too.
    let m4 = messaging("page", "mid.nophone.4", sender, "Ekip geldi, teşekkürler.");
    let (status, _) = post_meta(&app, "/webhooks/messenger", &m4).await;
    assert_eq!(status, 200);
    let c = eventually(WAIT, "the second citizen's note", || async {
        let c = app.case(&case.tracking_number).await;
        (citizen_notes(&c).len() == 2).then_some(c)
    })
    .await;
    assert_eq!(
        citizen_notes(&c),
        [
            "Numaram 0532 999 88 77, arayın lütfen.",
            "Ekip geldi, teşekkürler."
        ]
    );
    assert_eq!(
        app.cases_of(Channel::SocialMedia).await.len(),
        1,
        "the republished application made no second case"
    );
    // Redelivered webhooks of the held messages change nothing either.
    let (status, body) = post_meta(&app, "/webhooks/messenger", &m1).await;
    assert_eq!(
        (status, body["duplicates"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    assert_eq!(app.cases_of(Channel::SocialMedia).await.len(), 1);
    let data = app.stop_keeping_data().await;

    // On the bus: the application twice, byte for byte (so the case service
    // took the second as the first, not as a conflict), and nothing
    // dead-lettered.
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", data.path().join("bus.db").display());
    let mut bus = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let payloads: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT payload FROM bus_messages WHERE topic = 'intake.applications.v1' AND msg_key = $1 ORDER BY seq",
    )
    .bind(&case.application_id)
    .fetch_all(&mut bus)
    .await
    .unwrap();
    let copies: Vec<&Vec<u8>> = payloads
        .iter()
        .filter(|p| {
            <tekmerkez_proto::intake_v1::ApplicationReceived as prost::Message>::decode(
                p.as_slice(),
            )
            .unwrap()
            .application_id
                == case.application_id
        })
        .collect();
    assert_eq!(
        copies.len(),
        2,
        "published, then republished after the restart"
    );
    assert_eq!(copies[0], copies[1]);
    let dead: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bus_messages WHERE topic LIKE '%.dlq'")
            .fetch_one(&mut bus)
            .await
            .unwrap();
    assert_eq!(dead, 0);
}

/// `tekmerkez_intake_applications_rejected_total` for one channel and reason.
fn rejected(metrics: &str, channel: &str, reason: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("tekmerkez_intake_applications_rejected_total{"))
        .filter(|l| {
            l.contains(&format!("channel=\"{channel}\""))
                && l.contains(&format!("reason=\"{reason}\""))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}
