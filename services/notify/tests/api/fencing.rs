//! Fencing a claim whose lease ran out: a sender paused past its lease
//! (between recording its attempt and the provider recording the message)
//! and a second sender that claims the same delivery in doubt. The first
//! sender's writes match nothing once the second claimed; the second does
//! not take Netgsm's "not found" for an answer before the first attempt's
//! request could have reached it; the citizen gets one SMS. On SQLite and
//! PostgreSQL.

use std::{path::Path, sync::Arc, time::Duration};

use tekmerkez_notify::{
    config::NetgsmSettings,
    dispatch::{DispatchOptions, Dispatcher},
    email::Mailer,
    report_mail,
    sms::{SmsProvider, netgsm::Netgsm},
    store::{DeliveryState, NewDelivery, NotifyStore, ReportClaim, ReportMailKey, StoreError},
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    helpers::{Db, eventually, fresh_pg},
    netgsm_standin::{self, Mode, NetgsmStandIn},
};

/// The citizen's number, E.164 and as Netgsm lists it.
const PHONE: &str = "+905321112233";
const NATIONAL: &str = "5321112233";

async fn store(db: Db, dir: &Path) -> NotifyStore {
    let url = match db {
        Db::Sqlite => format!("sqlite://{}", dir.join("notify.db").display()),
        Db::Postgres => fresh_pg().await,
    };
    let s = NotifyStore::connect(&url, 4).unwrap();
    s.migrate().await.unwrap();
    s
}

/// A pending acknowledgement SMS, due at `now` (µs).
fn sms(now: i64) -> NewDelivery {
    let event = Uuid::now_v7().to_string();
    NewDelivery {
        id: Uuid::now_v7(),
        idempotency_key: format!("{event}:acknowledgement"),
        event_id: event,
        case_id: Uuid::now_v7().to_string(),
        tracking_number: "TM-2026-000001".into(),
        kind: "acknowledgement".into(),
        channel: "sms".into(),
        rule_version: 1,
        template_key: "acknowledgement".into(),
        template_locale: "tr".into(),
        template_version: 1,
        state: DeliveryState::Pending,
        reason: None,
        recipient: Some(PHONE.into()),
        subject: None,
        body: Some("Başvurunuz alındı. Takip numaranız TM-2026-000001.".into()),
        html: None,
        message_id: None,
        in_reply_to: None,
        encoding: None,
        segments: Some(1),
        urgent: false,
        deferred: false,
        due_at: now,
        created_at: now,
        carries_answer: false,
    }
}

fn lost<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::ClaimLost)),
        "{what} of the lost claim: {r:?}"
    );
}

async fn a_second_claim_after_the_lease_fences_the_first(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let now = jiff::Timestamp::now().as_microsecond();
    let second = 1_000_000;
    let d = sms(now);
    assert!(store.insert(&d).await.unwrap());

    // Sender A claims and records its attempt (lease for 4 s).
    let a = store.claim(now, now + 4 * second, 10).await.unwrap();
    assert_eq!(a.len(), 1);
    let a = &a[0];
    assert!(!a.in_doubt);
    store
        .start_attempt(d.id, a.claim_seq, "netgsm", true, now, now + 4 * second)
        .await
        .unwrap();
    store
        .extend_lease(d.id, a.claim_seq, now + 4 * second)
        .await
        .unwrap();
    // Within the lease nobody else gets it.
    assert!(
        store
            .claim(now + second, now + 5 * second, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // A starves past its lease; sender B claims the row, in doubt.
    let later = now + 5 * second;
    let b = store.claim(later, later + 4 * second, 10).await.unwrap();
    assert_eq!(b.len(), 1);
    let b = &b[0];
    assert!(b.in_doubt, "claimed again after the lease: in doubt");
    assert_ne!(a.claim_seq, b.claim_seq);

    // Every write of A's claim now matches nothing.
    lost(
        store
            .start_attempt(d.id, a.claim_seq, "netgsm", true, later, later + 4 * second)
            .await,
        "start_attempt",
    );
    lost(
        store
            .mark_sent(d.id, a.claim_seq, "netgsm", "1700000001", later)
            .await,
        "mark_sent",
    );
    lost(
        store
            .extend_lease(d.id, a.claim_seq, later + 9 * second)
            .await,
        "extend_lease",
    );
    lost(
        store
            .mark_failed(d.id, a.claim_seq, "rejected_number", later)
            .await,
        "mark_failed",
    );
    lost(
        store
            .reschedule(d.id, a.claim_seq, later, "provider_unavailable", later)
            .await,
        "reschedule",
    );
    lost(
        store
            .mark_in_doubt(d.id, a.claim_seq, later + second, "provider_timeout", later)
            .await,
        "mark_in_doubt",
    );
    let row = store.get(d.id).await.unwrap().unwrap();
    assert_eq!(row.state, DeliveryState::Sending);
    assert_eq!(row.attempts, 1, "A's second start_attempt counted nothing");
    assert_eq!(row.attempt_started_at, Some(now));
    assert!(
        row.recipient.is_some(),
        "nothing of A's cleared the message"
    );

    // B's claim works.
    store
        .start_attempt(d.id, b.claim_seq, "netgsm", true, later, later + 4 * second)
        .await
        .unwrap();
    store
        .mark_sent(d.id, b.claim_seq, "netgsm", "1700000002", later + second)
        .await
        .unwrap();
    let row = store.get(d.id).await.unwrap().unwrap();
    assert_eq!(row.state, DeliveryState::Sent);
    assert_eq!(row.provider_ref.as_deref(), Some("1700000002"));
    assert_eq!(row.attempts, 2);
    // Once sent, even B's claim writes nothing more.
    lost(
        store
            .mark_failed(d.id, b.claim_seq, "late", later + second)
            .await,
        "mark_failed after sent",
    );
    // A sent row is never claimed again.
    assert!(
        store
            .claim(later + 60 * second, later + 64 * second, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_second_claim_after_the_lease_fences_the_first_sqlite() {
    a_second_claim_after_the_lease_fences_the_first(Db::Sqlite).await;
}

#[tokio::test]
async fn a_second_claim_after_the_lease_fences_the_first_postgres() {
    a_second_claim_after_the_lease_fences_the_first(Db::Postgres).await;
}

async fn a_report_mail_taken_over_fences_the_first_sender(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let now = jiff::Timestamp::now().as_microsecond();
    let second = 1_000_000;
    let event_id = Uuid::new_v4().to_string();
    let hash = report_mail::recipient_hash("mudur@kocaeli.example");
    let key = ReportMailKey {
        event_id: &event_id,
        recipient_hash: &hash,
        directorate_id: "d1",
        period: "2026-11",
        position: 0,
        message_id: "<report.x@tekmerkez.local>",
    };
    let ReportClaim::Claimed {
        in_doubt: false,
        attempt: a,
    } = store
        .report_mail_claim(&key, now, now + 4 * second)
        .await
        .unwrap()
    else {
        panic!("the first claim");
    };
    let later = now + 5 * second;
    let ReportClaim::Claimed {
        in_doubt: true,
        attempt: b,
    } = store
        .report_mail_claim(&key, later, later + 4 * second)
        .await
        .unwrap()
    else {
        panic!("the take-over");
    };
    // A's late "not taken", while B sends, must not hand the recipient
    // back (a third sender would send it again).
    lost(
        store
            .report_mail_mark(
                &event_id,
                &hash,
                a,
                "pending",
                Some("smtp_timeout"),
                later + second,
            )
            .await,
        "report_mail_mark",
    );
    store
        .report_mail_mark(&event_id, &hash, b, "sent", None, later + second)
        .await
        .unwrap();
    let rec = &store.report_mails(&event_id).await.unwrap()[0];
    assert_eq!((rec.state.as_str(), rec.attempts), ("sent", 2));
}

#[tokio::test]
async fn a_report_mail_taken_over_fences_the_first_sender_sqlite() {
    a_report_mail_taken_over_fences_the_first_sender(Db::Sqlite).await;
}

#[tokio::test]
async fn a_report_mail_taken_over_fences_the_first_sender_postgres() {
    a_report_mail_taken_over_fences_the_first_sender(Db::Postgres).await;
}

/// A sender with a short lease, sending through Netgsm's stand-in.
fn sender(store: &NotifyStore, netgsm: &NetgsmStandIn, lease: Duration) -> Dispatcher {
    let settings: NetgsmSettings = serde_json::from_value(serde_json::json!({
        "base_url": netgsm.url,
        "username": netgsm_standin::USER,
        "password": netgsm_standin::PASSWORD,
        "msgheader": netgsm_standin::HEADER,
        "appname": "tekmerkez-test",
        "iys_filter": "0",
        "timeout_ms": 3000,
        "report_poll_ms": 0,
    }))
    .unwrap();
    let netgsm: Arc<dyn SmsProvider> = Arc::new(Netgsm::new(&settings).unwrap());
    Dispatcher::new(
        store.clone(),
        vec![netgsm],
        Mailer::Off,
        DispatchOptions {
            poll_interval: Duration::from_millis(50),
            batch_size: 8,
            concurrency: 4,
            lease,
            in_doubt_retry: Duration::from_millis(100),
            // Netgsm's 3 s timeout and a short margin.
            in_doubt_settle: Duration::from_millis(3500),
            retry: tekmerkez_bus::consumer::RetryPolicy {
                max_attempts: 4,
                initial_backoff: Duration::from_millis(50),
                max_backoff: Duration::from_millis(400),
            },
        },
        Arc::default(),
    )
}

async fn a_sender_paused_past_its_lease_and_a_second_sender_send_one_sms(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(db, dir.path()).await;
    let netgsm = NetgsmStandIn::start().await;
    let lease = Duration::from_millis(300);
    let a = sender(&store, &netgsm, lease);
    let b = sender(&store, &netgsm, lease);
    let now = jiff::Timestamp::now().as_microsecond();
    let d = sms(now);
    assert!(store.insert(&d).await.unwrap());

    // A's request is on its way for longer than A's lease: Netgsm takes
    // (and lists) it only after a second.
    netgsm.set_mode(Mode::LateRecord(Duration::from_secs(1)), Some(1));
    let now = jiff::Timestamp::now().as_microsecond();
    let claimed = store.claim(now, now + 300_000, 8).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let first = tokio::spawn(async move { a.process(claimed.into_iter().next().unwrap()).await });
    eventually(5, "A's request reached Netgsm", || {
        let n = netgsm.requests();
        async move { n == 1 }
    })
    .await;

    // B claims it in doubt as soon as A's lease ran out, and asks Netgsm
    // while A's message is not yet listed.
    let mut in_doubt = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let now = jiff::Timestamp::now().as_microsecond();
            let c = store.claim(now, now + 300_000, 8).await.unwrap();
            if !c.is_empty() {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("B claims the delivery after A's lease");
    let taken = in_doubt.pop().unwrap();
    assert!(taken.in_doubt);
    b.process(taken).await.unwrap();
    assert_eq!(
        netgsm.requests(),
        1,
        "B must not send while A's request may still reach Netgsm"
    );

    // A's answer comes; its claim is lost, so it records nothing.
    first.await.unwrap().unwrap();
    assert_eq!(
        store.get(d.id).await.unwrap().unwrap().state,
        DeliveryState::Sending
    );

    // B's sender loop asks again once A's request could no longer arrive,
    // and finds the message.
    let stop = CancellationToken::new();
    let run = tokio::spawn(b_loop(store.clone(), netgsm.clone(), lease, stop.clone()));
    eventually(15, "the delivery is recorded sent", || {
        let store = store.clone();
        async move { store.get(d.id).await.unwrap().unwrap().state == DeliveryState::Sent }
    })
    .await;
    stop.cancel();
    run.await.unwrap();

    assert_eq!(netgsm.sent_to(NATIONAL).len(), 1, "the citizen got one SMS");
    assert_eq!(netgsm.requests(), 1);
    let row = store.get(d.id).await.unwrap().unwrap();
    assert_eq!(row.state, DeliveryState::Sent);
    assert_eq!(row.attempts, 1, "one attempt, found by the lookup");
    assert_eq!(
        row.provider_ref.as_deref(),
        Some(netgsm.sent()[0].jobid.as_str())
    );
    assert!(row.recipient.is_none() && row.body.is_none());
}

async fn b_loop(
    store: NotifyStore,
    netgsm: NetgsmStandIn,
    lease: Duration,
    stop: CancellationToken,
) {
    sender(&store, &netgsm, lease).run(stop).await;
}

#[tokio::test]
async fn a_sender_paused_past_its_lease_and_a_second_sender_send_one_sms_sqlite() {
    a_sender_paused_past_its_lease_and_a_second_sender_send_one_sms(Db::Sqlite).await;
}

#[tokio::test]
async fn a_sender_paused_past_its_lease_and_a_second_sender_send_one_sms_postgres() {
    a_sender_paused_past_its_lease_and_a_second_sender_send_one_sms(Db::Postgres).await;
}
