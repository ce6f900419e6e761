use std::sync::Arc;

use prost::Message as _;
use tekmerkez_bus::{Bus as _, EmbeddedBus, Subscription, headers};
use tekmerkez_case::outbox::OutboxRelay;
use tekmerkez_proto::case_v1 as pb;

use crate::{both_stores, helpers::*};

async fn next_event(rx: &mut Box<dyn Subscription>) -> (tekmerkez_bus::Envelope, pb::CaseEvent) {
    let env = tokio::time::timeout(std::time::Duration::from_secs(10), rx.next())
        .await
        .expect("an event within 10 s")
        .unwrap()
        .envelope;
    let ev = pb::CaseEvent::decode(env.payload.clone()).unwrap();
    (env, ev)
}

both_stores! {
    async fn every_change_is_published_in_order_keyed_by_case_with_headers(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.note("expert_ankara", &c.id, "not").await.unwrap();
        app.close("expert_ankara", &c.id, "cevap").await.unwrap();
        let mut kinds = Vec::new();
        let mut versions = Vec::new();
        for _ in 0..4 {
            let (env, ev) = next_event(&mut rx).await;
            assert_eq!(env.key, c.id);
            assert_eq!(env.header(headers::EVENT_ID), Some(ev.event_id.as_str()));
            assert_eq!(env.header(headers::EVENT_TYPE), Some("tekmerkez.case.v1.CaseEvent"));
            assert_eq!(ev.tracking_number.replace('-', ""), c.tracking_number.replace('-', ""));
            versions.push(ev.case_version);
            kinds.push(match ev.payload.unwrap() {
                pb::case_event::Payload::Opened(o) => {
                    assert!(o.has_phone && o.has_consent);
                    "opened"
                }
                pb::case_event::Payload::Claimed(_) => "claimed",
                pb::case_event::Payload::NoteAdded(_) => "note",
                pb::case_event::Payload::ClosedByExpert(_) => "closed",
                other => panic!("unexpected {other:?}"),
            });
        }
        assert_eq!(kinds, ["opened", "claimed", "note", "closed"]);
        assert_eq!(versions, [1, 2, 3, 4]);
        let raw = format!("{:?}", app.app.store().pending_outbox(10).await.unwrap());
        assert!(!raw.contains("Yılmaz"), "events carry no personal data");
    }

    async fn a_crash_between_commit_and_publish_loses_nothing_and_publishes_once(app) {
        // Stop the server and its relay: what is committed from now on is what
        // a process leaves behind when it dies between commit and publish.
        app.shutdown_now().await;
        let before = app.app.store().outbox_backlog().await.unwrap();
        let routing = tekmerkez_case::domain::caller::Caller::Service(tekmerkez_case::domain::caller::ServiceName::Routing);
        let req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        let new = tekmerkez_case::grpc::convert::new_case(&req).unwrap();
        app.app.create_case(&routing, new).await.unwrap();
        let backlog = app.app.store().outbox_backlog().await.unwrap();
        assert_eq!(backlog, before + 1, "committed but not yet published");
        let bus = Arc::new(EmbeddedBus::open("sqlite::memory:").await.unwrap());
        // The dead relay's lease must run out before a new process takes over.
        let relay_settings = settings(String::new()).outbox;
        let mut rounds = 0;
        let relay = OutboxRelay::new(app.app.store().clone(), bus.clone(), app.app.clock().clone(), relay_settings.clone());
        assert!(!relay.run_once().await.unwrap().leader, "the lease is still held");
        app.clock.advance(jiff::SignedDuration::from_millis(i64::try_from(relay_settings.lease_ms).unwrap() + 1));
        let mut published = 0;
        loop {
            let r = relay.run_once().await.unwrap();
            assert!(r.leader);
            rounds += 1;
            published += r.published;
            if r.published == 0 {
                break;
            }
        }
        assert_eq!(published as i64, backlog);
        assert!(rounds >= 2);
        assert_eq!(app.app.store().outbox_backlog().await.unwrap(), 0);
        assert_eq!(bus.len("case.events.v1").await.unwrap(), backlog, "each event published once");
        assert_eq!(relay.run_once().await.unwrap().published, 0, "a second round publishes nothing again");
    }
}
