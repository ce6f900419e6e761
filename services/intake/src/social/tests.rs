//! The conversation store on both databases (SQLite as in `tekmerkez dev`,
//! the project's PostgreSQL as in production: a fresh database per test),
//! and the message → application mapping.

use super::{
    store::{ConversationStore, NewMessage, Planned, Recorded},
    *,
};

const MINUTE: i64 = 60_000_000;
const WINDOW: i64 = 60 * MINUTE;

/// A store on `backend`, migrated; the temp dir lives as long as the store is used.
async fn store(backend: &str) -> (ConversationStore, Option<tempfile::TempDir>) {
    let (url, dir) = database(backend).await;
    (ConversationStore::connect(&url).unwrap(), dir)
}

/// A fresh intake database on `backend` (`sqlite` or `postgres`) with
/// intake's migrations applied: its URL, and the directory a SQLite file
/// lives in (keep it as long as the database is used).
pub(crate) async fn database(backend: &str) -> (String, Option<tempfile::TempDir>) {
    let (url, dir) = if backend == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        (
            format!("sqlite://{}", dir.path().join("intake.db").display()),
            Some(dir),
        )
    } else {
        use sqlx::Connection as _;
        let admin = std::env::var("TEKMERKEZ_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned());
        let name = format!("intake_social_{}", Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL for tests (scripts/postgres start)");
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap();
        (
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0),
            None,
        )
    };
    crate::idempotency::IdempotencyStore::connect(&url)
        .unwrap()
        .migrate()
        .await
        .unwrap();
    (url, dir)
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
        text,
        window: WINDOW,
        new_tracking_number: tn,
    }
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

    held_texts_are_erased_when_the_window_passes_without_a_phone(s) {
        assert_eq!(s.record(msg("ig:1", T0, None, "Adres: Kışla Mah. 12", "AAAAAAAAAA")).await.unwrap(), Recorded::Held);
        let p = s.purge(T0 + 1, T0 - WINDOW, T0 - WINDOW).await.unwrap();
        assert_eq!(p.expired_held, 1);
        assert_eq!(s.count_in_state("held").await.unwrap(), 0);
        assert_eq!(s.count_in_state("expired").await.unwrap(), 1);
        // A later number opens a case without the erased text.
        let opened = published(s.record(msg("ig:2", T0 + WINDOW + MINUTE, PHONE, "0532 123 45 67", "BBBBBBBBBB")).await.unwrap());
        assert!(opened.earlier_texts.is_empty());
        // Past the replay horizon the ids are forgotten too.
        let p = s.purge(T0, T0 + 2 * WINDOW, T0 + 2 * WINDOW).await.unwrap();
        assert_eq!(p.messages, 2);
        assert_eq!(p.conversations, 1);
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
        whatsapp: meta.clone(),
        messenger: meta.clone(),
        instagram: meta,
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
        sent_at_ms: Some(1_764_000_000_123),
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
    }
}

#[test]
fn a_message_becomes_a_social_application_called_back_by_phone() {
    let m = inbound(Content::Text("Su borusu patladı.".into()));
    let text = render(&m.content);
    let app = application(
        &settings(),
        &account(),
        &m,
        &plan(vec![], None),
        &text,
        "whatsapp:wamid.1",
    )
    .unwrap();
    assert_eq!(app.channel, common::Channel::SocialMedia as i32);
    assert_eq!(
        app.reply_channel,
        common::ReplyChannel::PhoneCallback as i32
    );
    assert_eq!(app.category, "su_arizasi");
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
fn held_texts_come_first_and_a_follow_up_names_its_case() {
    let m = inbound(Content::Text("0532 123 45 67".into()));
    let text = render(&m.content);
    let p = plan(
        vec!["Su yok.".into(), "Yol su içinde.".into()],
        Some("BBBBBBBBBB".into()),
    );
    let app = application(&settings(), &account(), &m, &p, &text, "k").unwrap();
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
    let a = application(&settings(), &account(), &m, &plan(vec![], None), &text, "k").unwrap();
    let b = application(&settings(), &account(), &m, &plan(vec![], None), &text, "k").unwrap();
    assert_eq!(a.encode_to_vec(), b.encode_to_vec());
    assert!(a.location.unwrap().coordinates.is_some());
    assert_eq!(a.text, "[konum paylaşıldı: İzmit]");
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
