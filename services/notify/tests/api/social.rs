//! Replies in social-media conversations against the platforms' local
//! stand-in (`tekmerkez-standin`: the documented request shapes checked,
//! the documented answers and errors): each platform's format and token,
//! the customer-service window (WhatsApp's template, Messenger's
//! `HUMAN_AGENT` tag, the fallback to SMS, the reason when there is none),
//! the acknowledgement's channel, and exactly once.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tekmerkez_notify::{
    NotifySettings,
    cases::CaseView,
    social::settings::{
        GraphSettings, SocialSettings, WhatsAppSettings, WhatsAppTemplateSettings, XSettings,
    },
    store::DeliveryState,
};
use tekmerkez_proto::common_v1 as common;
use tekmerkez_standin::{Account, Failure, StandIn};
use tekmerkez_types::contact::{SocialAddress, SocialPlatform};

use crate::helpers::*;

const WA_ACCOUNT: &str = "106540352242922";
const PAGE: &str = "682498302938465";
const X_ACCOUNT: &str = "4337869213";
const WA_TOKEN: &str = "EAAG-whatsapp-test-token";
const PAGE_TOKEN: &str = "EAAG-page-test-token";
const IG_TOKEN: &str = "EAAG-instagram-test-token";
const X_TOKEN: &str = "x-user-test-token";

fn standin() -> StandIn {
    StandIn::new(vec![
        Account {
            platform: "whatsapp",
            id: WA_ACCOUNT.into(),
            token: WA_TOKEN.into(),
        },
        Account {
            platform: "messenger",
            id: PAGE.into(),
            token: PAGE_TOKEN.into(),
        },
        Account {
            platform: "instagram",
            id: PAGE.into(),
            token: IG_TOKEN.into(),
        },
        Account {
            platform: "x",
            id: X_ACCOUNT.into(),
            token: X_TOKEN.into(),
        },
    ])
}

/// Every platform on, at the stand-in; WhatsApp with an approved template,
/// Messenger (not Instagram) allowed the `HUMAN_AGENT` tag.
fn social(base: &str) -> SocialSettings {
    let tokens = |id: &str, t: &str| [(id.to_owned(), t.to_owned().into())].into_iter().collect();
    let graph = |token: &str, human_agent: bool| GraphSettings {
        enabled: true,
        base_url: base.into(),
        api_version: "v23.0".into(),
        access_tokens: tokens(PAGE, token),
        timeout_ms: 1000,
        human_agent,
    };
    SocialSettings {
        whatsapp: WhatsAppSettings {
            enabled: true,
            base_url: base.into(),
            api_version: "v23.0".into(),
            access_tokens: tokens(WA_ACCOUNT, WA_TOKEN),
            timeout_ms: 1000,
            template: WhatsAppTemplateSettings {
                name: "basvuru_bilgilendirme".into(),
                language: "tr".into(),
                body_parameters: vec!["tracking_number".into(), "text".into()],
            },
        },
        messenger: graph(PAGE_TOKEN, true),
        instagram: graph(IG_TOKEN, false),
        x: XSettings {
            enabled: true,
            base_url: base.into(),
            access_tokens: tokens(X_ACCOUNT, X_TOKEN),
            timeout_ms: 1000,
        },
        window_margin_minutes: 15,
    }
}

/// Notify writing to the stand-in, without satisfaction surveys (each
/// test counts its own messages; `the_survey_goes_in_the_conversation`
/// has them on).
async fn spawn(s: &StandIn) -> TestApp {
    spawn_on(Db::Sqlite, s).await
}

async fn spawn_on(db: Db, s: &StandIn) -> TestApp {
    spawn_with(db, s, false).await
}

async fn spawn_with(db: Db, s: &StandIn, survey: bool) -> TestApp {
    let base = s.serve().await;
    TestApp::spawn(db, &["webhook"], move |n: &mut NotifySettings| {
        n.social = social(&base);
        n.survey.enabled = survey;
    })
    .await
}

#[tokio::test]
async fn the_survey_goes_in_the_conversation_the_application_came_from() {
    let s = standin();
    let app = spawn_with(Db::Sqlite, &s, true).await;
    let mut c = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234579",
        RECENT,
        Some("+905321234579"),
    );
    c.official_answer = Some("Arıza giderildi.".into());
    app.know(&c);
    app.publish(&resolved(&c, common::ReplyChannel::Social))
        .await;
    let d = app.settled(&c.id, 2).await;
    let survey = d
        .iter()
        .find(|d| d.kind == "anket_sosyal")
        .expect("one survey");
    assert_eq!(
        (survey.channel.as_str(), survey.state),
        ("social", DeliveryState::Sent)
    );
    let texts: Vec<String> = s
        .received()
        .iter()
        .filter_map(|r| r.body["text"]["body"].as_str().map(str::to_owned))
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("1-5 arası puanlar mısınız? https://tekmerkez.example/anket/")),
        "{texts:?}"
    );
    assert!(app.webhook.taken().is_empty(), "nothing by SMS");
    app.stop().await;
}

/// A social-media application whose citizen last wrote `ago` ago, answered
/// in the conversation; `phone` as the platform or the text gave it.
fn social_case(
    platform: SocialPlatform,
    account: &str,
    user: &str,
    ago: SignedDuration,
    phone: Option<&str>,
) -> CaseView {
    let mut c = case("+905320000000", None);
    c.phone = phone.map(str::to_owned);
    c.channel = common::Channel::SocialMedia;
    c.reply_channel = common::ReplyChannel::Social;
    c.name = None;
    c.social = Some(
        SocialAddress::parse(
            platform,
            account,
            user,
            Some((Timestamp::now() - ago).as_microsecond()),
        )
        .unwrap(),
    );
    c
}

const RECENT: SignedDuration = SignedDuration::from_mins(3);
const DAY_AND_A_HALF: SignedDuration = SignedDuration::from_hours(36);

#[tokio::test]
async fn a_whatsapp_applicant_is_acknowledged_in_the_conversation_and_not_by_sms() {
    let s = standin();
    let app = spawn(&s).await;
    let c = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234567",
        RECENT,
        Some("+905321234567"),
    );
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].kind.as_str(), d[0].channel.as_str()),
        ("basvuru_alindi_sosyal", "social")
    );
    assert_eq!(d[0].state, DeliveryState::Sent);
    assert_eq!(d[0].provider.as_deref(), Some("whatsapp"));
    assert!(d[0].recipient.is_none(), "the address is cleared once sent");
    let got = s.received();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.token, WA_TOKEN, "the phone number's bearer token");
    assert_eq!(r.account_id, WA_ACCOUNT);
    let text = format!(
        "Başvurunuz alındı. Takip numaranız: {}. Bu yazışmaya yazdıklarınız aynı başvuruya eklenir. Durumunu https://tekmerkez.example/takip adresinden izleyebilirsiniz. Tek Merkez",
        c.tracking_number
    );
    assert_eq!(
        r.body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "905321234567",
               "type": "text", "text": {"preview_url": false, "body": text}})
    );
    assert_eq!(
        d[0].provider_ref, r.message_id,
        "the wamid is the reference"
    );
    assert_eq!(app.webhook.requests(), 0, "nothing by SMS");
    app.stop().await;
}

#[tokio::test]
async fn messenger_instagram_and_x_get_their_documented_formats_with_their_tokens() {
    let s = standin();
    let app = spawn(&s).await;
    let cases = [
        social_case(
            SocialPlatform::Messenger,
            PAGE,
            "7265514420186",
            RECENT,
            None,
        ),
        social_case(
            SocialPlatform::Instagram,
            PAGE,
            "17841400008460056",
            RECENT,
            None,
        ),
        social_case(SocialPlatform::X, X_ACCOUNT, "2244994945", RECENT, None),
    ];
    for c in &cases {
        app.know(c);
        app.publish(&opened(c, false)).await;
        let d = app.settled(&c.id, 1).await;
        assert_eq!(d[0].state, DeliveryState::Sent, "{:?}", d[0]);
    }
    let got = s.received();
    assert_eq!(got.len(), 3);
    let by = |p: &str| got.iter().find(|r| r.platform == p).unwrap().clone();
    let m = by("messenger");
    assert_eq!(
        (m.token.as_str(), m.account_id.as_str()),
        (PAGE_TOKEN, PAGE)
    );
    assert_eq!(m.body["recipient"], json!({"id": "7265514420186"}));
    assert_eq!(m.body["messaging_type"], "RESPONSE");
    assert!(
        m.body["message"]["text"]
            .as_str()
            .unwrap()
            .contains(&cases[0].tracking_number)
    );
    assert_eq!(
        m.body.as_object().unwrap().len(),
        3,
        "recipient, messaging_type, message: {}",
        m.body
    );
    let i = by("instagram");
    assert_eq!(i.token, IG_TOKEN);
    assert_eq!(i.body["recipient"], json!({"id": "17841400008460056"}));
    assert_eq!(i.body["messaging_type"], "RESPONSE");
    let x = by("x");
    assert_eq!(
        (
            x.token.as_str(),
            x.account_id.as_str(),
            x.recipient.as_str()
        ),
        (X_TOKEN, X_ACCOUNT, "2244994945")
    );
    assert_eq!(
        x.body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["text"]
    );
    assert!(
        x.body["text"]
            .as_str()
            .unwrap()
            .contains(&cases[2].tracking_number)
    );
    for (c, r) in cases.iter().zip([&m, &i, &x]) {
        let d = app.deliveries(&c.id).await;
        assert_eq!(d[0].provider_ref, r.message_id);
    }
    app.stop().await;
}

#[tokio::test]
async fn outside_the_window_whatsapp_sends_its_template_and_messenger_tags_a_human_agent() {
    let s = standin();
    let app = spawn(&s).await;
    let wa = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234568",
        DAY_AND_A_HALF,
        Some("+905321234568"),
    );
    let ms = social_case(
        SocialPlatform::Messenger,
        PAGE,
        "7265514420187",
        DAY_AND_A_HALF,
        None,
    );
    for c in [&wa, &ms] {
        app.know(c);
        app.publish(&opened(c, false)).await;
        assert_eq!(app.settled(&c.id, 1).await[0].state, DeliveryState::Sent);
    }
    let got = s.received();
    assert_eq!(got.len(), 2, "no free-form try first: {got:?}");
    let t = got.iter().find(|r| r.platform == "whatsapp").unwrap();
    assert_eq!(t.body["type"], "template");
    assert_eq!(t.body["template"]["name"], "basvuru_bilgilendirme");
    assert_eq!(t.body["template"]["language"], json!({"code": "tr"}));
    let params = &t.body["template"]["components"][0];
    assert_eq!(params["type"], "body");
    assert_eq!(
        params["parameters"][0],
        json!({"type": "text", "text": wa.tracking_number})
    );
    assert!(
        params["parameters"][1]["text"]
            .as_str()
            .unwrap()
            .starts_with("Başvurunuz alındı.")
    );
    let h = got.iter().find(|r| r.platform == "messenger").unwrap();
    assert_eq!(h.body["messaging_type"], "MESSAGE_TAG");
    assert_eq!(h.body["tag"], "HUMAN_AGENT");
    assert_eq!(app.webhook.requests(), 0);
    app.stop().await;
}

#[tokio::test]
async fn when_the_platform_says_the_window_closed_the_template_goes_instead() {
    let s = standin();
    let app = spawn(&s).await;
    // The case service's copy says the citizen wrote minutes ago; WhatsApp
    // counts otherwise (a delayed webhook), and WhatsApp decides.
    s.close_window("905321234569");
    let c = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234569",
        RECENT,
        None,
    );
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    assert_eq!(app.settled(&c.id, 1).await[0].state, DeliveryState::Sent);
    let got = s.received();
    assert_eq!(
        got.iter()
            .map(|r| (r.body["type"].as_str().unwrap(), r.status))
            .collect::<Vec<_>>(),
        [("text", 400), ("template", 200)]
    );
    app.stop().await;
}

#[tokio::test]
async fn with_no_form_the_window_allows_the_message_goes_by_sms_or_fails_with_the_reason() {
    no_form_the_window_allows(Db::Sqlite).await;
}

#[tokio::test]
async fn with_no_form_the_window_allows_the_message_goes_by_sms_or_fails_with_the_reason_on_postgres()
 {
    no_form_the_window_allows(Db::Postgres).await;
}

async fn no_form_the_window_allows(db: Db) {
    let s = standin();
    let app = spawn_on(db, &s).await;
    // Instagram has no HUMAN_AGENT permission here: outside the window it
    // can carry nothing. With a mobile on record, the SMS takes the text.
    let with_phone = social_case(
        SocialPlatform::Instagram,
        PAGE,
        "17841400008460057",
        DAY_AND_A_HALF,
        Some("+905321234570"),
    );
    let without = social_case(
        SocialPlatform::Instagram,
        PAGE,
        "17841400008460058",
        DAY_AND_A_HALF,
        None,
    );
    // X refuses a person who does not take direct messages (403).
    s.close_window("2244994946");
    let x_phone = social_case(
        SocialPlatform::X,
        X_ACCOUNT,
        "2244994946",
        RECENT,
        Some("+905321234571"),
    );
    for c in [&with_phone, &without, &x_phone] {
        app.know(c);
        app.publish(&opened(c, false)).await;
    }
    let d = app.settled(&with_phone.id, 1).await;
    assert_eq!(
        (d[0].channel.as_str(), d[0].state),
        ("sms", DeliveryState::Sent)
    );
    assert_eq!(d[0].provider.as_deref(), Some("webhook"));
    assert_eq!(
        d[0].kind, "basvuru_alindi_sosyal",
        "the same delivery, now an SMS"
    );
    let d = app.settled(&without.id, 1).await;
    assert_eq!(
        (d[0].channel.as_str(), d[0].state),
        ("social", DeliveryState::Failed)
    );
    assert_eq!(d[0].reason.as_deref(), Some("social_window_closed"));
    let d = app.settled(&x_phone.id, 1).await;
    assert_eq!(
        (d[0].channel.as_str(), d[0].state),
        ("sms", DeliveryState::Sent)
    );
    let sms = app.webhook.taken();
    assert_eq!(sms.len(), 2);
    let to_ig = sms.iter().find(|t| t.to == "+905321234570").unwrap();
    assert!(
        to_ig.text.contains(&with_phone.tracking_number),
        "{}",
        to_ig.text
    );
    assert!(sms.iter().any(|t| t.to == "+905321234571"));
    assert!(
        s.received().iter().all(|r| r.platform != "instagram"),
        "nothing was tried where the window allows nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_rate_limit_is_retried_and_a_redelivered_event_sends_nothing_twice() {
    let s = standin();
    let app = spawn(&s).await;
    s.fail_next(
        "whatsapp",
        Failure::graph(400, 130_429, 0, "(#130429) Rate limit hit"),
    );
    let c = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234572",
        RECENT,
        None,
    );
    app.know(&c);
    let e = opened(&c, false);
    for _ in 0..3 {
        app.publish(&e).await;
    }
    let d = app.settled(&c.id, 1).await;
    assert_eq!(d[0].state, DeliveryState::Sent);
    assert_eq!(
        d[0].attempts, 2,
        "the rate-limited attempt, then the one that went"
    );
    assert_eq!(s.received().len(), 2);
    assert_eq!(s.delivered().len(), 1, "one message in the conversation");
    // Later redeliveries of the same event change nothing either.
    app.publish(&e).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.deliveries(&c.id).await.len(), 1);
    assert_eq!(s.delivered().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn the_answer_goes_in_the_conversation_and_a_person_not_reachable_there_gets_it_by_sms() {
    let s = standin();
    let app = spawn(&s).await;
    let mut c = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234573",
        RECENT,
        Some("+905321234573"),
    );
    c.official_answer = Some("Arıza giderildi, suyunuz açıldı.".into());
    app.know(&c);
    app.publish(&resolved(&c, common::ReplyChannel::Social))
        .await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].kind.as_str(), d[0].state),
        ("yanit_sosyal", DeliveryState::Sent)
    );
    let text = s.received()[0].body["text"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.starts_with(&format!(
            "{} numaralı başvurunuz sonuçlandı. Yanıtımız: Arıza giderildi, suyunuz açıldı. Ayrıntılar: https://tekmerkez.example/takip/d/",
            c.tracking_number
        )) && text.ends_with(" Tek Merkez"),
        "the answer and its signed status link: {text}"
    );

    // Not on WhatsApp any more (131026): the SMS takes it.
    s.fail_next(
        "whatsapp",
        Failure::graph(400, 131_026, 0, "(#131026) Message undeliverable"),
    );
    let mut gone = social_case(
        SocialPlatform::WhatsApp,
        WA_ACCOUNT,
        "905321234574",
        RECENT,
        Some("+905321234574"),
    );
    gone.official_answer = Some("Sayacınız değiştirildi.".into());
    app.know(&gone);
    app.publish(&resolved(&gone, common::ReplyChannel::Social))
        .await;
    let d = app.settled(&gone.id, 1).await;
    assert_eq!(
        (d[0].channel.as_str(), d[0].state),
        ("sms", DeliveryState::Sent)
    );
    let tried = s.received();
    assert_eq!(
        (tried.len(), tried[1].status, tried[1].recipient.as_str()),
        (2, 400, "905321234574"),
        "tried in the conversation first"
    );
    assert!(
        app.webhook.taken()[0]
            .text
            .contains("Sayacınız değiştirildi.")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_e_mail_applicant_without_a_name_is_acknowledged_by_e_mail_in_their_thread() {
    e_mail_acknowledgement(Db::Sqlite).await;
}

#[tokio::test]
async fn an_e_mail_applicant_without_a_name_is_acknowledged_by_e_mail_in_their_thread_on_postgres()
{
    e_mail_acknowledgement(Db::Postgres).await;
}

async fn e_mail_acknowledgement(db: Db) {
    let app = TestApp::spawn(db, &["webhook"], |_| {}).await;
    let mut c = case("+905321234575", Some("vatandas@ornek.com.tr"));
    c.name = None;
    c.phone = None;
    c.channel = common::Channel::Email;
    c.reply_channel = common::ReplyChannel::Email;
    c.source_reference = Some("CAF=k2Lx9@mail.ornek.com.tr".into());
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].kind.as_str(), d[0].channel.as_str(), d[0].state),
        ("basvuru_alindi_eposta", "email", DeliveryState::Sent)
    );
    let mails = app.store.sink_list("email", 10).await.unwrap();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.recipient, "vatandas@ornek.com.tr");
    assert_eq!(
        m.subject,
        format!("Başvurunuz alındı [{}]", c.tracking_number)
    );
    assert!(m.body.starts_with("Sayın Başvuru Sahibi,"), "{}", m.body);
    assert!(m.body.contains(&c.tracking_number));
    assert!(
        m.headers
            .contains("In-Reply-To: <CAF=k2Lx9@mail.ornek.com.tr>"),
        "{}",
        m.headers
    );
    assert!(
        m.headers.contains(&format!(
            "References: <CAF=k2Lx9@mail.ornek.com.tr> <case.{}@tekmerkez.local>",
            c.tracking_number
        )),
        "{}",
        m.headers
    );
    assert_eq!(app.webhook.requests(), 0);
    app.stop().await;
}

#[tokio::test]
async fn written_and_counter_applications_are_acknowledged_by_their_receipt_alone() {
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |_| {}).await;
    for channel in [common::Channel::Written, common::Channel::FaceToFace] {
        let mut c = case("+905321234576", None);
        c.channel = channel;
        c.official_answer = Some("Sayacınız değiştirildi.".into());
        app.know(&c);
        app.publish(&opened(&c, false)).await;
        // The same case's next event is handled after this one (one lane
        // per case): once its message is there, the opening was handled.
        app.publish(&resolved(&c, common::ReplyChannel::Sms)).await;
        // The answer and the survey; no acknowledgement.
        let d = app.settled(&c.id, 2).await;
        let mut kinds: Vec<&str> = d.iter().map(|d| d.kind.as_str()).collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            ["anket_sms", "yanit_sms"],
            "{channel:?}: the printed receipt was the acknowledgement"
        );
    }
    // A web-form applicant with the same details is acknowledged by SMS.
    let c = case("+905321234577", None);
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    assert_eq!(app.settled(&c.id, 1).await[0].kind, "basvuru_alindi");
    app.stop().await;
}

#[tokio::test]
async fn an_e_mail_applicant_who_asked_for_an_sms_reply_is_acknowledged_by_sms() {
    let app = TestApp::spawn(Db::Sqlite, &["webhook"], |_| {}).await;
    let mut c = case("+905321234578", Some("vatandas@ornek.com.tr"));
    c.channel = common::Channel::Email;
    c.reply_channel = common::ReplyChannel::Sms;
    app.know(&c);
    app.publish(&opened(&c, false)).await;
    let d = app.settled(&c.id, 1).await;
    assert_eq!(
        (d[0].kind.as_str(), d[0].channel.as_str()),
        ("basvuru_alindi", "sms")
    );
    assert!(app.store.sink_list("email", 10).await.unwrap().is_empty());
    app.stop().await;
}
