//! The conversation store on both databases (SQLite as in `tekmerkez dev`,
//! the project's PostgreSQL as in production: a fresh database per test),
//! and the message → application mapping.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use jiff::Timestamp;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};

use crate::{signature, testing::database};

use super::{
    application::{application, expired_application, render},
    parse::{Content, Inbound, Platform},
    settings::{AccountSettings, SocialReply, SocialSettings},
    state::micros,
    store::{ConversationStore, Expired, NewMessage, Origin, Planned, Recorded},
    webhooks::{Meta, meta_event},
    *,
};

const MINUTE: i64 = 60_000_000;
const WINDOW: i64 = 60 * MINUTE;

/// A store on `backend`, migrated; the temp dir lives as long as the store is used.
async fn store(backend: &str) -> (ConversationStore, Option<tempfile::TempDir>) {
    let (url, dir) = database(backend).await;
    (ConversationStore::connect(&url).unwrap(), dir)
}

use uuid::Uuid;

fn msg<'a>(
    key: &'a str,
    at: i64,
    phone: Option<&'a str>,
    text: &'a str,
    tn: &'a str,
) -> NewMessage<'a> {
    NewMessage {
        message_key: key,
        conversation_key: "conv-1",
        sent_at: at,
        now: at,
        phone,
        needs_phone: true,
        text,
        window: WINDOW,
        new_tracking_number: tn,
        origin: ORIGIN,
    }
}

const ORIGIN: Origin<'static> = Origin {
    platform: "messenger",
    account_id: "106540352242922",
    sender_name: Some("Ayşe Yılmaz"),
    coordinates: None,
};

/// The claimed, not yet acknowledged conversations.
async fn claims(s: &ConversationStore) -> Vec<Expired> {
    s.expired_unpublished(100).await.unwrap()
}

fn published(r: Recorded) -> Planned {
    match r {
        Recorded::Publish(p) => p,
        other => panic!("expected a publish, got {other:?}"),
    }
}

const PHONE: Option<&str> = Some("+905321234567");
const T0: i64 = 1_764_000_000_000_000;

macro_rules! both {
    ($($name:ident($s:ident) $body:block)*) => {
        $(mod $name {
            use super::*;
            async fn body($s: ConversationStore) $body
            #[tokio::test]
            async fn sqlite() { let (s, _dir) = store("sqlite").await; body(s).await }
            #[tokio::test]
            async fn postgres() { let (s, _dir) = store("postgres").await; body(s).await }
        })*
    };
}

both! {
    a_message_with_a_phone_opens_a_case_and_the_next_one_in_the_window_follows_it_up(s) {
        let first = published(s.record(msg("wa:1", T0, PHONE, "Su yok.", "AAAAAAAAAA")).await.unwrap());
        assert_eq!(first.follow_up_of, None);
        assert_eq!(first.bus_key, first.application_id.to_string());
        assert_eq!(first.tracking_number, "AAAAAAAAAA");
        s.mark_published(first.application_id).await.unwrap();

        let second = published(s.record(msg("wa:2", T0 + 30 * MINUTE, PHONE, "Hâlâ yok.", "BBBBBBBBBB")).await.unwrap());
        assert_eq!(second.follow_up_of.as_deref(), Some("AAAAAAAAAA"));
        assert_eq!(second.bus_key, first.bus_key, "one conversation, one bus key: routing keeps them in order");
        assert_ne!(second.application_id, first.application_id);
        // The window counts from the last message, not the first.
        let third = published(s.record(msg("wa:3", T0 + 85 * MINUTE, PHONE, "Geldiler.", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(third.follow_up_of.as_deref(), Some("AAAAAAAAAA"));
    }

    after_the_window_a_message_opens_a_new_case(s) {
        let first = published(s.record(msg("wa:1", T0, PHONE, "Su yok.", "AAAAAAAAAA")).await.unwrap());
        let later = published(s.record(msg("wa:2", T0 + WINDOW + MINUTE, PHONE, "Yine yok.", "BBBBBBBBBB")).await.unwrap());
        assert_eq!(later.follow_up_of, None);
        assert_eq!(later.tracking_number, "BBBBBBBBBB");
        assert_ne!(later.bus_key, first.bus_key);
        let next = published(s.record(msg("wa:3", T0 + WINDOW + 2 * MINUTE, PHONE, "Acil.", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(next.follow_up_of.as_deref(), Some("BBBBBBBBBB"));
    }

    messages_without_a_phone_wait_and_join_the_case_the_first_number_opens(s) {
        assert_eq!(s.record(msg("ms:1", T0, None, "Sokakta su borusu patladı.", "AAAAAAAAAA")).await.unwrap(), Recorded::Held);
        assert_eq!(s.record(msg("ms:2", T0 + MINUTE, None, "Yol su içinde.", "BBBBBBBBBB")).await.unwrap(), Recorded::Held);
        assert_eq!(s.count_in_state("held").await.unwrap(), 2);
        let opened = published(s.record(msg("ms:3", T0 + 2 * MINUTE, PHONE, "Numaram 0532 123 45 67", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(opened.earlier_texts, vec!["Sokakta su borusu patladı.", "Yol su içinde."]);
        assert_eq!(opened.phone.as_deref(), PHONE);
        assert_eq!(opened.follow_up_of, None);
        s.mark_published(opened.application_id).await.unwrap();
        assert_eq!(s.count_in_state("held").await.unwrap(), 0);
        assert_eq!(s.count_in_state("joined").await.unwrap(), 0, "joined texts are erased once published");
        // The number given once serves the conversation's later messages.
        let later = published(s.record(msg("ms:4", T0 + 3 * MINUTE, None, "Ekip ne zaman gelir?", "DDDDDDDDDD")).await.unwrap());
        assert_eq!(later.follow_up_of.as_deref(), Some("CCCCCCCCCC"));
        assert_eq!(later.phone.as_deref(), PHONE);
        // Replays of the held messages change nothing.
        assert_eq!(s.record(msg("ms:1", T0, None, "Sokakta su borusu patladı.", "EEEEEEEEEE")).await.unwrap(), Recorded::Duplicate);
    }

    a_location_shared_while_the_conversation_waited_for_a_phone_goes_with_its_case(s) {
        let mut shared = msg("wa:1", T0, None, "[konum paylaşıldı: İzmit]", "AAAAAAAAAA");
        shared.origin.coordinates = Some((40.7654, 29.9408));
        assert_eq!(s.record(shared).await.unwrap(), Recorded::Held);
        assert_eq!(s.record(msg("wa:2", T0 + MINUTE, None, "Su yok.", "BBBBBBBBBB")).await.unwrap(), Recorded::Held);
        let opened = published(s.record(msg("wa:3", T0 + 2 * MINUTE, PHONE, "0532 123 45 67", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(opened.earlier_coordinates, Some((40.7654, 29.9408)));
        // A retry before the bus acknowledged publishes the same point.
        match s.record(msg("wa:3", T0 + 2 * MINUTE, PHONE, "0532 123 45 67", "DDDDDDDDDD")).await.unwrap() {
            Recorded::Republish(p) => assert_eq!(p, opened),
            other => panic!("expected a republish, got {other:?}"),
        }
        // Without a location earlier, none.
        let later = published(s.record(msg("wa:9", T0 + 3 * WINDOW, PHONE, "Yine yok.", "EEEEEEEEEE")).await.unwrap());
        assert_eq!(later.earlier_coordinates, None);
    }

    a_seen_message_is_not_published_twice_but_one_never_acknowledged_is_published_again(s) {
        assert_eq!(s.record(msg("x:0", T0, None, "Su yok.", "AAAAAAAAAA")).await.unwrap(), Recorded::Held);
        let first = published(s.record(msg("x:1", T0 + MINUTE, PHONE, "0532 123 45 67", "BBBBBBBBBB")).await.unwrap());
        // The bus did not acknowledge: the platform retries, the retry
        // publishes the very same application, earlier texts included.
        match s.record(msg("x:1", T0 + MINUTE, PHONE, "0532 123 45 67", "CCCCCCCCCC")).await.unwrap() {
            Recorded::Republish(p) => assert_eq!(p, first),
            other => panic!("expected a republish, got {other:?}"),
        }
        s.mark_published(first.application_id).await.unwrap();
        assert_eq!(s.record(msg("x:1", T0 + MINUTE, PHONE, "0532 123 45 67", "DDDDDDDDDD")).await.unwrap(), Recorded::Duplicate);
    }

    a_very_late_message_does_not_reset_a_conversation_that_moved_on(s) {
        let now = published(s.record(msg("wa:2", T0 + 3 * WINDOW, PHONE, "Bugün.", "AAAAAAAAAA")).await.unwrap());
        let old = published(s.record(msg("wa:1", T0, PHONE, "Üç saat önce.", "BBBBBBBBBB")).await.unwrap());
        assert_eq!(old.follow_up_of, None, "too old to join today's case: a case of its own");
        let next = published(s.record(msg("wa:3", T0 + 3 * WINDOW + MINUTE, PHONE, "Yine bugün.", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(next.follow_up_of.as_deref(), Some("AAAAAAAAAA"));
        assert_eq!(next.bus_key, now.bus_key);
    }

    a_held_conversation_becomes_one_case_when_its_window_passes_without_a_phone(s) {
        let mut first = msg("ig:1", T0, None, "Adres: Kışla Mah. 12", "AAAAAAAAAA");
        first.origin.coordinates = Some((40.76, 29.94));
        assert_eq!(s.record(first).await.unwrap(), Recorded::Held);
        let mut second = msg("ig:2", T0 + MINUTE, None, "Sokakta su borusu patladı.", "BBBBBBBBBB");
        second.origin.sender_name = Some("Başka Ad");
        assert_eq!(s.record(second).await.unwrap(), Recorded::Held);
        // The window counts from the conversation's newest message.
        assert_eq!(s.expire_held(T0 + MINUTE, T0 + WINDOW, 100).await.unwrap(), 0);
        assert!(claims(&s).await.is_empty());
        let now = T0 + MINUTE + WINDOW + 1;
        assert_eq!(s.expire_held(now - WINDOW, now, 100).await.unwrap(), 1);
        assert_eq!(s.count_in_state("held").await.unwrap(), 0);
        assert_eq!(s.count_in_state("expiring").await.unwrap(), 2);
        let c = claims(&s).await;
        assert_eq!(c.len(), 1);
        let e = &c[0];
        assert_eq!(e.texts, vec!["Adres: Kışla Mah. 12", "Sokakta su borusu patladı."], "oldest first, nothing lost");
        assert_eq!(e.source_reference, "ig:1");
        assert_eq!((e.platform.as_deref(), e.account_id.as_deref()), (Some("messenger"), Some("106540352242922")));
        assert_eq!(e.sender_name.as_deref(), Some("Ayşe Yılmaz"), "the first name given");
        assert_eq!(e.coordinates, Some((40.76, 29.94)));
        assert_eq!(e.sent_at, T0);
        assert!(tekmerkez_tracking::TrackingNumber::parse(&e.tracking_number).is_ok());
        // Claimed once: the id and tracking number are fixed, so every try
        // to publish it is the same application.
        assert_eq!(s.expire_held(now - WINDOW + MINUTE, now + MINUTE, 100).await.unwrap(), 0);
        assert_eq!(claims(&s).await, c);
        // Replays of its messages change nothing.
        assert_eq!(s.record(msg("ig:1", T0, None, "Adres: Kışla Mah. 12", "CCCCCCCCCC")).await.unwrap(), Recorded::Duplicate);
        // Purging never erases what is not on the bus yet, however old (the
        // conversation's row goes: it only says which case to follow).
        let p = s.purge(now + 10 * WINDOW, now + 10 * WINDOW).await.unwrap();
        assert_eq!((p.messages, p.conversations), (0, 1));
        assert_eq!(claims(&s).await, c);
        assert_eq!(s.personal_data_kept().await.unwrap(), 2);
        // Acknowledged by the bus: marked, and the texts erased.
        s.mark_published(e.application_id).await.unwrap();
        assert!(claims(&s).await.is_empty());
        assert_eq!(s.count_in_state("published").await.unwrap(), 2);
        assert_eq!(s.personal_data_kept().await.unwrap(), 0);
        // Past the replay horizon the ids are forgotten too.
        let p = s.purge(now + 2 * WINDOW, now + 2 * WINDOW).await.unwrap();
        assert_eq!(p.messages, 2);
    }

    the_conversation_follows_the_case_its_held_messages_became(s) {
        assert_eq!(s.record(msg("ms:1", T0, None, "Su yok.", "AAAAAAAAAA")).await.unwrap(), Recorded::Held);
        let now = T0 + WINDOW + 2 * MINUTE;
        assert_eq!(s.expire_held(now - WINDOW, now, 100).await.unwrap(), 1);
        let case = claims(&s).await.remove(0);
        // Later than the window after the message, but within the window of
        // the case opening: a follow-up, keyed like the case, which is
        // published first while the bus has not acknowledged it.
        let next = published(s.record(msg("ms:2", now + 30 * MINUTE, None, "Hâlâ yok.", "BBBBBBBBBB")).await.unwrap());
        assert_eq!(next.follow_up_of.as_deref(), Some(case.tracking_number.as_str()));
        assert_eq!(next.bus_key, case.application_id.to_string());
        assert_eq!(next.opens_first.as_ref(), Some(&case));
        // Its publish was not acknowledged: the platform's retry carries the case again.
        match s.record(msg("ms:2", now + 30 * MINUTE, None, "Hâlâ yok.", "CCCCCCCCCC")).await.unwrap() {
            Recorded::Republish(p) => assert_eq!(p, next),
            other => panic!("expected a republish, got {other:?}"),
        }
        s.mark_published(case.application_id).await.unwrap();
        s.mark_published(next.application_id).await.unwrap();
        // A number given now is a note on the case, not a case of its own.
        let with_phone = published(s.record(msg("ms:3", now + 40 * MINUTE, PHONE, "Numaram 0532 123 45 67", "DDDDDDDDDD")).await.unwrap());
        assert_eq!(with_phone.follow_up_of.as_deref(), Some(case.tracking_number.as_str()));
        assert_eq!(with_phone.phone.as_deref(), PHONE);
        assert_eq!(with_phone.opens_first, None, "the case is on the bus");
    }

    a_message_after_the_window_makes_the_held_ones_a_case_before_the_housekeeping_does(s) {
        assert_eq!(s.record(msg("x:1", T0, None, "Kaldırım çöktü.", "AAAAAAAAAA")).await.unwrap(), Recorded::Held);
        // No housekeeping round yet; this message claims them itself, and
        // follows the case up, whether it gives a number or not.
        let next = published(s.record(msg("x:2", T0 + WINDOW + MINUTE, PHONE, "0532 123 45 67", "BBBBBBBBBB")).await.unwrap());
        let case = next.opens_first.clone().expect("the held messages' case goes first");
        assert_eq!(case.texts, vec!["Kaldırım çöktü."]);
        assert_eq!(next.follow_up_of.as_deref(), Some(case.tracking_number.as_str()));
        assert_eq!(s.count_in_state("held").await.unwrap(), 0);
        assert_eq!(claims(&s).await, vec![case]);
    }

    a_very_late_held_message_becomes_a_case_of_its_own_and_the_conversation_keeps_its_case(s) {
        let today = published(s.record(msg("wa:2", T0 + 3 * WINDOW, PHONE, "Bugün.", "AAAAAAAAAA")).await.unwrap());
        assert_eq!(s.record(msg("wa:1", T0, None, "Üç saat önce.", "BBBBBBBBBB")).await.unwrap(), Recorded::Held);
        let now = T0 + 3 * WINDOW + MINUTE;
        assert_eq!(s.expire_held(now - WINDOW, now, 100).await.unwrap(), 1);
        let late = claims(&s).await.remove(0);
        assert_eq!(late.texts, vec!["Üç saat önce."]);
        let next = published(s.record(msg("wa:3", now + MINUTE, PHONE, "Yine bugün.", "CCCCCCCCCC")).await.unwrap());
        assert_eq!(next.follow_up_of.as_deref(), Some("AAAAAAAAAA"));
        assert_eq!(next.bus_key, today.bus_key);
        assert_eq!(next.opens_first, None);
    }

    with_the_reply_in_the_conversation_a_message_without_a_phone_opens_a_case_at_once(s) {
        let mut first = msg("ms:1", T0, None, "Sokakta su borusu patladı.", "AAAAAAAAAA");
        first.needs_phone = false;
        let opened = published(s.record(first).await.unwrap());
        assert_eq!(opened.follow_up_of, None);
        assert_eq!(opened.phone, None);
        assert_eq!(s.count_in_state("held").await.unwrap(), 0);
        let mut next = msg("ms:2", T0 + MINUTE, None, "Yol su içinde.", "BBBBBBBBBB");
        next.needs_phone = false;
        let next = published(s.record(next).await.unwrap());
        assert_eq!(next.follow_up_of.as_deref(), Some("AAAAAAAAAA"));
    }

    concurrent_messages_of_one_conversation_open_exactly_one_case(s) {
        let keys: Vec<String> = (0..12).map(|i| format!("wa:c{i}")).collect();
        let tns: Vec<String> = (0..12).map(|i| format!("T{i:09}")).collect();
        let results = futures::future::join_all(keys.iter().zip(&tns).enumerate().map(|(i, (k, tn))| {
            let s = s.clone();
            async move {
                let at = T0 + i64::try_from(i).unwrap();
                s.record(msg(k, at, PHONE, "Su yok.", tn)).await.unwrap()
            }
        }))
        .await;
        let plans: Vec<Planned> = results.into_iter().map(published).collect();
        let opened: Vec<&Planned> = plans.iter().filter(|p| p.follow_up_of.is_none()).collect();
        assert_eq!(opened.len(), 1, "{plans:?}");
        for p in &plans {
            if let Some(f) = &p.follow_up_of {
                assert_eq!(f, &opened[0].tracking_number);
                assert_eq!(p.bus_key, opened[0].bus_key);
            }
        }
    }
}

fn account() -> AccountSettings {
    AccountSettings {
        id: "106540352242922".into(),
        province_code: 41,
        category: "su_arizasi".into(),
    }
}

fn settings() -> SocialSettings {
    let meta = settings::MetaChannelSettings {
        enabled: true,
        verify_token: "verify-token-0123456789".to_owned().into(),
        app_secret: "app-secret-0123456789".to_owned().into(),
        max_message_age_minutes: 60,
        accounts: vec![account()],
    };
    SocialSettings {
        conversation_window_minutes: 60,
        body_limit_bytes: 4096,
        kvkk_text_version: "kvkk-sosyal-medya-v1".into(),
        // The store's holding is what most tests here are about.
        reply: SocialReply::PhoneCallback,
        whatsapp: meta.clone(),
        messenger: meta.clone(),
        instagram: meta,
        housekeeping_interval_seconds: 60,
        x: settings::XChannelSettings {
            enabled: false,
            consumer_secret: String::new().into(),
            max_message_age_minutes: 60,
            accounts: vec![],
        },
    }
}

fn inbound(content: Content) -> Inbound {
    Inbound {
        platform: Platform::WhatsApp,
        account_id: "106540352242922".into(),
        sender_id: "905321234567".into(),
        message_id: "wamid.1".into(),
        sent_at_ms: 1_764_000_000_123,
        sender_name: Some("Ayşe Yılmaz".into()),
        sender_phone: Some("905321234567".into()),
        content,
    }
}

fn plan(earlier: Vec<String>, follow_up_of: Option<String>) -> Planned {
    Planned {
        application_id: Uuid::nil(),
        bus_key: Uuid::nil().to_string(),
        tracking_number: "AAAAAAAAAA".into(),
        follow_up_of,
        sent_at: 1_764_000_000_123_000,
        phone: Some("+905321234567".into()),
        earlier_texts: earlier,
        earlier_coordinates: None,
        opens_first: None,
    }
}

#[test]
fn a_message_becomes_a_social_application_called_back_by_phone() {
    let m = inbound(Content::Text("Su borusu patladı.".into()));
    let text = render(&m.content);
    let app = pb::ApplicationReceived::from(
        application(
            &settings(),
            &account(),
            &m,
            &plan(vec![], None),
            &text,
            "whatsapp:wamid.1",
        )
        .unwrap(),
    );
    assert_eq!(app.channel, common::Channel::SocialMedia as i32);
    assert_eq!(
        app.reply_channel,
        common::ReplyChannel::PhoneCallback as i32
    );
    assert_eq!(app.category, "su_arizasi");
    assert!(
        app.category_is_default,
        "the account's category: the placing rule may give a better one"
    );
    assert_eq!(app.location.as_ref().unwrap().province_code, 41);
    let contact = app.contact.as_ref().unwrap();
    assert_eq!(
        (contact.name.as_str(), contact.phone.as_str()),
        ("Ayşe Yılmaz", "+905321234567")
    );
    assert_eq!(
        app.consent.as_ref().unwrap().text_version,
        "kvkk-sosyal-medya-v1"
    );
    assert_eq!(app.received_at.unwrap().seconds, 1_764_000_000);
    assert_eq!(app.source_reference, "whatsapp:wamid.1");
    assert!(app.follow_up_of.is_empty());
}

#[test]
fn by_default_a_message_is_answered_in_its_conversation_whose_address_goes_with_the_contact() {
    let mut settings = settings();
    settings.reply = SocialReply::Conversation;
    for (platform, sender, want) in [
        (
            Platform::WhatsApp,
            "905321234567",
            common::SocialPlatform::Whatsapp,
        ),
        (
            Platform::Messenger,
            "7265514420186",
            common::SocialPlatform::Messenger,
        ),
        (
            Platform::Instagram,
            "17841400008460056",
            common::SocialPlatform::Instagram,
        ),
        (Platform::X, "2244994945", common::SocialPlatform::X),
    ] {
        let mut m = inbound(Content::Text("Su borusu patladı.".into()));
        m.platform = platform;
        m.sender_id = sender.into();
        let text = render(&m.content);
        let app = pb::ApplicationReceived::from(
            application(&settings, &account(), &m, &plan(vec![], None), &text, "k").unwrap(),
        );
        assert_eq!(app.reply_channel, common::ReplyChannel::Social as i32);
        let s = app.contact.as_ref().unwrap().social.clone().unwrap();
        assert_eq!(s.platform, want as i32);
        assert_eq!(s.account_id, "106540352242922");
        assert_eq!(s.user_id, sender);
        assert_eq!(
            s.message_at.unwrap().seconds,
            1_764_000_000,
            "the window runs from the message's own time"
        );
    }
    assert_eq!(
        serde_json::from_str::<SocialReply>("\"conversation\"").unwrap(),
        SocialReply::default(),
        "the conversation is the default"
    );
}

#[test]
fn held_texts_come_first_and_a_follow_up_names_its_case() {
    let m = inbound(Content::Text("0532 123 45 67".into()));
    let text = render(&m.content);
    let p = plan(
        vec!["Su yok.".into(), "Yol su içinde.".into()],
        Some("BBBBBBBBBB".into()),
    );
    let app = pb::ApplicationReceived::from(
        application(&settings(), &account(), &m, &p, &text, "k").unwrap(),
    );
    assert_eq!(app.text, "Su yok.\nYol su içinde.\n0532 123 45 67");
    assert_eq!(app.follow_up_of, "BBBBBBBBBB");
}

#[test]
fn the_same_message_and_plan_make_byte_identical_applications() {
    use prost::Message as _;
    let m = inbound(Content::Location {
        latitude: 40.76,
        longitude: 29.94,
        label: Some("İzmit".into()),
    });
    let text = render(&m.content);
    let make = || {
        pb::ApplicationReceived::from(
            application(&settings(), &account(), &m, &plan(vec![], None), &text, "k").unwrap(),
        )
    };
    let (a, b) = (make(), make());
    assert_eq!(a.encode_to_vec(), b.encode_to_vec());
    assert!(a.location.unwrap().coordinates.is_some());
    assert_eq!(a.text, "[konum paylaşıldı: İzmit]");
}

#[test]
fn a_location_shared_before_the_text_reaches_the_application_and_its_case() {
    let m = inbound(Content::Text("0532 123 45 67".into()));
    let text = render(&m.content);
    let mut p = plan(
        vec!["[konum paylaşıldı: İzmit]".into(), "Su yok.".into()],
        None,
    );
    p.earlier_coordinates = Some((40.7654, 29.9408));
    let app = pb::ApplicationReceived::from(
        application(&settings(), &account(), &m, &p, &text, "k").unwrap(),
    );
    let c = app.location.unwrap().coordinates.unwrap();
    assert_eq!((c.latitude, c.longitude), (40.7654, 29.9408));
    // The message's own location wins over an earlier one.
    let own = inbound(Content::Location {
        latitude: 41.0,
        longitude: 29.0,
        label: None,
    });
    let app = pb::ApplicationReceived::from(
        application(
            &settings(),
            &account(),
            &own,
            &p,
            &render(&own.content),
            "k",
        )
        .unwrap(),
    );
    let c = app.location.unwrap().coordinates.unwrap();
    assert_eq!((c.latitude, c.longitude), (41.0, 29.0));
}

#[test]
fn media_is_named_in_turkish_and_control_characters_never_reach_the_text() {
    assert_eq!(
        render(&Content::Media {
            kind: "image".into(),
            caption: Some("Patlak\u{7}boru".into())
        }),
        "[fotoğraf gönderildi; dosya platformda] Patlakboru"
    );
    assert_eq!(
        render(&Content::Media {
            kind: "audio".into(),
            caption: None
        }),
        "[ses kaydı gönderildi; dosya platformda]"
    );
}

/// A writer into a shared buffer, for capturing the logs.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_channel_logs_ids_and_counts_never_personal_data() {
    let (url, dir) = database("sqlite").await;
    let bus = std::sync::Arc::new(
        tekmerkez_bus::EmbeddedBus::open(&format!(
            "sqlite://{}",
            dir.as_ref().unwrap().path().join("bus.db").display()
        ))
        .await
        .unwrap(),
    );
    let state = SocialState::new(&settings(), &url, bus, Duration::from_secs(5)).unwrap();
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let now = Timestamp::now().as_second();
    let whatsapp = |id: &str, text: &str, at: i64| {
        format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{
            "metadata":{{"phone_number_id":"106540352242922"}},
            "contacts":[{{"profile":{{"name":"Ayşe Yılmaz"}},"wa_id":"905321234567"}}],
            "messages":[{{"from":"905321234567","id":"{id}","timestamp":"{at}","type":"text","text":{{"body":"{text}"}}}}]}}}}]}}]}}"#
        )
    };
    let sign = |body: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            "x-hub-signature-256",
            signature::sign_meta(b"app-secret-0123456789", body.as_bytes())
                .parse()
                .unwrap(),
        );
        h
    };
    let mut statuses = Vec::new();
    for body in [
        whatsapp("wamid.1", "Sokakta su borusu patladı", now),
        whatsapp("wamid.1", "Sokakta su borusu patladı", now),
        whatsapp("wamid.2", "Ekip hâlâ gelmedi", now),
        whatsapp("wamid.3", "Eski mesaj", now - 86_400),
    ] {
        statuses.push(
            meta_event(&state, Meta::WhatsApp, &sign(&body), body.as_bytes())
                .await
                .status(),
        );
    }
    let held = r#"{"object":"page","entry":[{"id":"106540352242922","messaging":[{"sender":{"id":"7777777777"},"recipient":{"id":"106540352242922"},"timestamp":TS,"message":{"mid":"m.1","text":"Kızılay Cad. No 5 su yok"}}]}]}"#
        .replace("TS", &(now * 1000).to_string());
    statuses.push(
        meta_event(&state, Meta::Messenger, &sign(&held), held.as_bytes())
            .await
            .status(),
    );
    let unsigned = whatsapp("wamid.4", "İmzasız", now);
    statuses.push(
        meta_event(
            &state,
            Meta::WhatsApp,
            &HeaderMap::new(),
            unsigned.as_bytes(),
        )
        .await
        .status(),
    );
    assert_eq!(
        statuses.iter().map(|s| s.as_u16()).collect::<Vec<_>>(),
        vec![200, 200, 200, 200, 200, 401]
    );

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("social message accepted"),
        "the logs were captured: {text}"
    );
    for secret in [
        "905321234567",
        "5321234567",
        "Ayşe",
        "Yılmaz",
        "borusu",
        "gelmedi",
        "Eski mesaj",
        "Kızılay",
        "7777777777",
        "İmzasız",
    ] {
        assert!(!text.contains(secret), "{secret:?} in the logs:\n{text}");
    }
}

/// A Messenger text message from `sender`, sent at `at_ms`.
fn messenger(mid: &str, sender: &str, text: &str, at_ms: i64) -> String {
    format!(
        r#"{{"object":"page","entry":[{{"id":"106540352242922","messaging":[{{"sender":{{"id":"{sender}"}},"recipient":{{"id":"106540352242922"}},"timestamp":{at_ms},"message":{{"mid":"{mid}","text":"{text}"}}}}]}}]}}"#
    )
}

fn signed(body: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "x-hub-signature-256",
        signature::sign_meta(b"app-secret-0123456789", body.as_bytes())
            .parse()
            .unwrap(),
    );
    h
}

/// Reads the next application from the bus, as routing would.
async fn next_application(
    sub: &mut Box<dyn tekmerkez_bus::Subscription>,
) -> (tekmerkez_bus::Envelope, pb::ApplicationReceived) {
    use prost::Message as _;
    let d = tokio::time::timeout(Duration::from_secs(10), sub.next())
        .await
        .expect("an application on the bus")
        .unwrap();
    let app = pb::ApplicationReceived::decode(d.envelope.payload.clone()).unwrap();
    (d.envelope, app)
}

#[tokio::test(flavor = "current_thread")]
async fn a_held_conversation_past_its_window_is_published_as_a_no_contact_application_and_again_after_a_crash()
 {
    use tekmerkez_bus::Bus as _;
    let (url, dir) = database("sqlite").await;
    let bus = std::sync::Arc::new(
        tekmerkez_bus::EmbeddedBus::open(&format!(
            "sqlite://{}",
            dir.as_ref().unwrap().path().join("bus.db").display()
        ))
        .await
        .unwrap(),
    );
    // Messages sent an hour ago are still accepted: the window passes in
    // the test without waiting for it.
    let mut settings = settings();
    settings.messenger.max_message_age_minutes = 24 * 60;
    let state = SocialState::new(&settings, &url, bus.clone(), Duration::from_secs(5)).unwrap();
    let mut sub = bus
        .subscribe("test", crate::publish::APPLICATIONS_TOPIC)
        .await
        .unwrap();
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let now_ms = Timestamp::now().as_millisecond();
    let sent_ms = now_ms - 62 * 60_000;
    for (mid, text, at) in [
        ("m.1", "Kızılay Cad. No 5 su yok", sent_ms),
        ("m.2", "Üç gündür böyle.", sent_ms + 1000),
    ] {
        let body = messenger(mid, "7777777777", text, at);
        let r = meta_event(&state, Meta::Messenger, &signed(&body), body.as_bytes()).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(state.store().count_in_state("held").await.unwrap(), 2);
    // Within the window nothing happens.
    let within = (sent_ms + 30 * 60_000) * 1000;
    assert_eq!(state.tidy(within).await, Tidied::default());
    assert_eq!(
        bus.len(crate::publish::APPLICATIONS_TOPIC).await.unwrap(),
        0
    );

    // The window passed without a phone number: one application.
    let after = now_ms * 1000;
    assert_eq!(
        state.tidy(after).await,
        Tidied {
            claimed: 1,
            published: 1,
            waiting: 0
        }
    );
    let (envelope, app) = next_application(&mut sub).await;
    assert_eq!(app.channel, common::Channel::SocialMedia as i32);
    assert_eq!(app.reply_channel, common::ReplyChannel::NoContact as i32);
    assert_eq!(app.text, "Kızılay Cad. No 5 su yok\nÜç gündür böyle.");
    let contact = app.contact.clone().unwrap();
    assert!(contact.phone.is_empty() && contact.email.is_empty());
    assert_eq!(
        (
            app.category.as_str(),
            app.location.as_ref().unwrap().province_code
        ),
        ("su_arizasi", 41)
    );
    assert_eq!(app.source_reference, "messenger:m.1");
    assert!(app.follow_up_of.is_empty());
    assert_eq!(
        envelope.key, app.application_id,
        "keyed by its own id: its follow-ups use it too"
    );
    assert!(tekmerkez_tracking::TrackingNumber::parse(&app.tracking_number).is_ok());
    assert_eq!(state.store().count_in_state("published").await.unwrap(), 2);
    assert_eq!(
        state.store().personal_data_kept().await.unwrap(),
        0,
        "texts erased once on the bus"
    );
    assert_eq!(
        state.tidy(after + 1).await,
        Tidied::default(),
        "exactly once"
    );

    // A later message of the conversation follows that case up.
    let body = messenger("m.3", "7777777777", "Ekip geldi mi?", now_ms);
    let r = meta_event(&state, Meta::Messenger, &signed(&body), body.as_bytes()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (follow_envelope, follow) = next_application(&mut sub).await;
    assert_eq!(follow.follow_up_of, app.tracking_number);
    assert_eq!(follow_envelope.key, app.application_id);

    // A crash between the publish and the mark: another conversation
    // claimed and put on the bus, its rows not marked (what a process killed
    // there leaves). The next round publishes the very same application.
    let body = messenger("m.9", "8888888888", "Çukur var.", sent_ms);
    meta_event(&state, Meta::Messenger, &signed(&body), body.as_bytes()).await;
    assert_eq!(
        state
            .store()
            .expire_held(after - micros(state.0.settings.window()), after, 100)
            .await
            .unwrap(),
        1
    );
    let claim = state
        .store()
        .expired_unpublished(10)
        .await
        .unwrap()
        .remove(0);
    let first =
        pb::ApplicationReceived::from(expired_application(&state.0.settings, &account(), &claim));
    state
        .0
        .publisher
        .publish_keyed(&claim.application_id.to_string(), &first)
        .await
        .unwrap();
    let (_, crashed) = next_application(&mut sub).await;
    assert_eq!(
        state.tidy(after + 2).await,
        Tidied {
            claimed: 0,
            published: 1,
            waiting: 0
        }
    );
    let (_, again) = next_application(&mut sub).await;
    {
        use prost::Message as _;
        assert_eq!(
            again.encode_to_vec(),
            crashed.encode_to_vec(),
            "byte for byte: the case service takes it once"
        );
    }
    assert_eq!(again.text, "Çukur var.");
    assert_eq!(state.tidy(after + 3).await, Tidied::default());

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("became a case no reply can be sent to"),
        "{text}"
    );
    assert!(!text.contains("erased unopened"));
    for secret in [
        "Kızılay",
        "gündür",
        "Çukur",
        "7777777777",
        "8888888888",
        "Ekip geldi",
    ] {
        assert!(!text.contains(secret), "{secret:?} in the logs:\n{text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_signed_delivery_with_an_unrepresentable_send_time_is_refused_naming_the_field() {
    let (url, dir) = database("sqlite").await;
    let bus = std::sync::Arc::new(
        tekmerkez_bus::EmbeddedBus::open(&format!(
            "sqlite://{}",
            dir.as_ref().unwrap().path().join("bus.db").display()
        ))
        .await
        .unwrap(),
    );
    let state = SocialState::new(&settings(), &url, bus, Duration::from_secs(5)).unwrap();
    // 99999999999999 seconds overflows microseconds: it used to fall back to
    // "now", pass the replay window and open a case.
    for stamp in ["99999999999999", "-9223372036854775808", "-1"] {
        let body = format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{
            "metadata":{{"phone_number_id":"106540352242922"}},
            "messages":[{{"from":"905321234567","id":"wamid.t{stamp}","timestamp":"{stamp}","type":"text","text":{{"body":"Su yok"}}}}]}}}}]}}]}}"#
        );
        let mut h = HeaderMap::new();
        h.insert(
            "x-hub-signature-256",
            signature::sign_meta(b"app-secret-0123456789", body.as_bytes())
                .parse()
                .unwrap(),
        );
        let res = meta_event(&state, Meta::WhatsApp, &h, body.as_bytes()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{stamp}");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(
            v["errors"]["messages[].timestamp"].is_array(),
            "{stamp}: {v}"
        );
    }
}
