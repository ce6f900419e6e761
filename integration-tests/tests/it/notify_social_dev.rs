//! The citizen hears back in the social-media conversation they wrote in,
//! in `tekmerkez dev`: a webhook message opens a case answered in the
//! conversation, notify acknowledges it there through the platforms' local
//! stand-in (served by dev at `/dev/social-api`, read back at
//! `/dev/social.json`) and nothing goes by SMS; a Messenger applicant who
//! never gave a phone number gets the acknowledgement and, once an expert
//! closes the case, the official answer in the conversation; an X applicant
//! gets a direct message.

use serde_json::{Value, json};
use tekmerkez::dev_channels::{
    DEV_PAGE_ID, DEV_PAGE_TOKEN, DEV_WHATSAPP_PHONE_NUMBER_ID, DEV_WHATSAPP_TOKEN, DEV_X_TOKEN,
    DEV_X_USER_ID,
};
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::{
    case_v1::{self as pb, case_service_client::CaseServiceClient},
    common_v1::{Channel, ReplyChannel, SocialPlatform},
};

use crate::{
    channels::{Running, WAIT, http, now_seconds, start},
    intake_social::{messaging, post, post_meta, whatsapp, x_dm, x_signature},
};

/// What the stand-in received, oldest first.
async fn social(app: &Running) -> Vec<Value> {
    let v: Vec<Value> = http()
        .get(app.url("/dev/social.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.into_iter().rev().collect()
}

/// What the SMS sink took.
async fn sms(app: &Running) -> Vec<Value> {
    http()
        .get(app.url("/dev/sms.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until the stand-in has taken `n` messages, and returns them.
async fn sent(app: &Running, n: usize) -> Vec<Value> {
    eventually(WAIT, &format!("{n} social messages"), || async {
        let got: Vec<Value> = social(app)
            .await
            .into_iter()
            .filter(|r| !r["message_id"].is_null())
            .collect();
        (got.len() >= n).then_some(got)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whatsapp_applicant_is_acknowledged_in_the_conversation_and_not_by_sms() {
    let app = start(|_| {}).await;
    let first = whatsapp(
        "wamid.ack1",
        "905321234567",
        "Sokağımızda su borusu patladı.",
        now_seconds(),
    );
    let (status, _) = post_meta(&app, "/webhooks/whatsapp", &first).await;
    assert_eq!(status, 200);
    let case = app.wait_cases(Channel::SocialMedia, 1).await.remove(0);
    assert_eq!(case.reply_channel, ReplyChannel::Social as i32);

    let got = sent(&app, 1).await;
    let r = &got[0];
    assert_eq!(r["platform"], "whatsapp");
    assert_eq!(r["account_id"], DEV_WHATSAPP_PHONE_NUMBER_ID);
    assert_eq!(
        r["token"], DEV_WHATSAPP_TOKEN,
        "the phone number's bearer token"
    );
    assert_eq!(r["status"], 200);
    let body = &r["body"];
    assert_eq!(
        (
            &body["messaging_product"],
            &body["recipient_type"],
            &body["to"],
            &body["type"]
        ),
        (
            &json!("whatsapp"),
            &json!("individual"),
            &json!("905321234567"),
            &json!("text")
        )
    );
    let text = body["text"]["body"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "Başvurunuz alındı. Takip numaranız: {}.",
            case.tracking_number
        )),
        "{text}"
    );

    // The platform's retry of the same delivery, and a later message of
    // the conversation (a note on the case), acknowledge nothing again.
    post_meta(&app, "/webhooks/whatsapp", &first).await;
    let later = whatsapp("wamid.ack2", "905321234567", "Hâlâ akıyor.", now_seconds());
    post_meta(&app, "/webhooks/whatsapp", &later).await;
    eventually(WAIT, "the follow-up as the citizen's note", || async {
        let c = app.case(&case.tracking_number).await;
        c.notes
            .iter()
            .any(|n| n.author == pb::NoteAuthor::Citizen as i32)
            .then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sent(&app, 1).await.len(), 1, "exactly one acknowledgement");
    assert!(sms(&app).await.is_empty(), "nothing by SMS");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messenger_and_x_applicants_hear_back_in_the_conversation_without_giving_a_number() {
    let app = start(|_| {}).await;
    let m = messaging(
        "page",
        "mid.reply1",
        "7265514420186",
        "Mahallemizde iki gündür su yok.",
    );
    let (status, body) = post_meta(&app, "/webhooks/messenger", &m).await;
    assert_eq!(
        (status, body["published"].as_u64()),
        (200, Some(1)),
        "no longer held for a phone number: {body}"
    );
    let case = app.wait_cases(Channel::SocialMedia, 1).await.remove(0);
    assert_eq!(case.reply_channel, ReplyChannel::Social as i32);
    let s = case.contact.clone().unwrap().social.unwrap();
    assert_eq!(s.platform, SocialPlatform::Messenger as i32);

    let ack = sent(&app, 1).await.remove(0);
    assert_eq!(
        (&ack["platform"], &ack["account_id"], &ack["token"]),
        (
            &json!("messenger"),
            &json!(DEV_PAGE_ID),
            &json!(DEV_PAGE_TOKEN)
        )
    );
    assert_eq!(ack["body"]["recipient"], json!({"id": "7265514420186"}));
    assert_eq!(ack["body"]["messaging_type"], "RESPONSE");
    assert!(
        ack["body"]["message"]["text"]
            .as_str()
            .unwrap()
            .contains(&case.tracking_number)
    );

    // The expert answers and closes it: the answer goes to the conversation.
    let channel = app.channel().await;
    let mut cases = CaseServiceClient::new(channel);
    cases
        .claim_cases(app.as_user(
            "uzman.kocaeli",
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    let closed = cases
        .close_case(app.as_user(
            "uzman.kocaeli",
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: "Ana boru onarıldı; suyunuz akşam açılacak.".into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    assert_eq!(closed.status, pb::CaseStatus::Resolved as i32);
    // The answer, with its signed status link, and then the survey, both
    // in the conversation.
    let messenger = sent(&app, 3).await;
    let texts: Vec<&str> = messenger
        .iter()
        .filter(|m| m["platform"] == "messenger")
        .filter_map(|m| m["body"]["message"]["text"].as_str())
        .collect();
    let answer = texts
        .iter()
        .find(|t| t.contains("Yanıtımız"))
        .expect("the answer");
    assert!(
        answer.starts_with(&format!(
            "{} numaralı başvurunuz sonuçlandı. Yanıtımız: Ana boru onarıldı; suyunuz akşam açılacak. Ayrıntılar: http://",
            case.tracking_number
        )) && answer.contains("/takip/d/"),
        "{answer}"
    );
    let institution = tekmerkez::settings::Settings::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config"),
        "test",
    )
    .unwrap()
    .institution
    .name;
    assert!(answer.ends_with(&institution), "{answer}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("1-5 arası puanlar mısınız?") && t.contains("/anket/")),
        "the survey in the conversation: {texts:?}"
    );

    // X: a direct message to the sender, with the account's token.
    let dm = x_dm("954491830116155397", "3001969357", "Kaldırımda çukur var.");
    let (status, _) = post(
        &app,
        "/webhooks/x",
        &dm,
        &[("x-twitter-webhooks-signature", &x_signature(dm.as_bytes()))],
    )
    .await;
    assert_eq!(status, 200);
    let x = sent(&app, 4)
        .await
        .into_iter()
        .find(|m| m["platform"] == "x")
        .expect("the X message");
    assert_eq!(
        (
            &x["platform"],
            &x["account_id"],
            &x["recipient"],
            &x["token"],
            &x["status"]
        ),
        (
            &json!("x"),
            &json!(DEV_X_USER_ID),
            &json!("3001969357"),
            &json!(DEV_X_TOKEN),
            &json!(201)
        )
    );
    assert!(
        x["body"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Başvurunuz alındı.")
    );
    assert!(sms(&app).await.is_empty());

    // The dev page shows them, in Turkish.
    let page = http()
        .get(app.url("/dev/social"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sosyal medya kutusu") && page.contains("gönderildi"),
        "{page}"
    );
    app.stop().await;
}
