//! Issue 20's figures: the IVR's self-service answers beside the calls
//! (`IvrSelfService` on `intake.calls.v1`, told apart by the `event-type`
//! header), and "linked to incident" in the case reports (a link counts, an
//! unlink clears it, an incident's close keeps it), each counted once
//! whatever is delivered twice or out of order.

use jiff::civil::date;
use prost::Message as _;
use tekmerkez_bus::{Envelope, consumer::Handler as _, headers};
use tekmerkez_proto::{case_v1 as pb, intake_v1 as ipb};
use tekmerkez_reports::{
    calls::{
        CALL_EVENT_TYPE, CALLS_TOPIC, CallDim, CallHandler, IVR_SELF_SERVICE_EVENT_TYPE, summarise,
    },
    fact::day_number,
    grpc::row_query,
    query::{self, Dim, Scope, SummaryQuery},
    rows::Which,
};

use crate::{
    helpers::{self, Backend},
    history::place_of,
};

fn on_calls_topic(event_type: &str, event_id: &str, key: &str, payload: Vec<u8>) -> Envelope {
    Envelope {
        topic: CALLS_TOPIC.to_owned(),
        key: key.to_owned(),
        headers: vec![
            (headers::EVENT_ID.to_owned(), event_id.to_owned()),
            (headers::EVENT_TYPE.to_owned(), event_type.to_owned()),
        ],
        payload: payload.into(),
    }
}

fn self_service(call_id: &str, queue: &str, at: &str) -> Envelope {
    let s = ipb::IvrSelfService {
        event_id: format!("ivr-self-service:{call_id}"),
        call_id: call_id.into(),
        queue: queue.into(),
        answered_at: at.into(),
        province_code: 41,
        district: "İzmit".into(),
        outage_found: true,
        language: "tr".into(),
        service: "outage_lookup".into(),
    };
    on_calls_topic(
        IVR_SELF_SERVICE_EVENT_TYPE,
        &s.event_id,
        call_id,
        s.encode_to_vec(),
    )
}

fn call_ended(event_id: &str, call_id: &str, at: &str) -> Envelope {
    let c = ipb::CallCompleted {
        event_id: event_id.into(),
        call_id: call_id.into(),
        queue: "185".into(),
        offered_at: at.into(),
        ended_at: at.into(),
        disposition: ipb::CallDisposition::IvrCompleted as i32,
        duration_seconds: Some(40),
    };
    on_calls_topic(CALL_EVENT_TYPE, event_id, call_id, c.encode_to_vec())
}

#[tokio::test]
async fn ivr_self_service_answers_are_counted_once_beside_the_calls() {
    for backend in [Backend::Embedded, Backend::Production] {
        let env = helpers::env(backend).await;
        let h = CallHandler::new(env.store.clone());
        // 10:10 and 10:20 Istanbul on 2 March; 23:30 UTC is 02:30 on the 3rd.
        let first = self_service("c-1", "185", "2026-03-02T07:10:00Z");
        h.handle(&call_ended("cti-e1", "c-1", "2026-03-02T07:09:00Z"))
            .await
            .unwrap();
        h.handle(&first).await.unwrap();
        // A redelivery, and the IVR's retry (the same event id, published
        // again by intake): nothing more.
        h.handle(&first).await.unwrap();
        h.handle(&self_service("c-1", "185", "2026-03-02T07:10:05Z"))
            .await
            .unwrap();
        h.handle(&self_service("c-2", "", "2026-03-02T07:20:00Z"))
            .await
            .unwrap();
        h.handle(&self_service("c-3", "185", "2026-03-02T23:30:00Z"))
            .await
            .unwrap();
        // An event type the call figures do not know is refused, not
        // counted as a call.
        let unknown = on_calls_topic("tekmerkez.intake.v1.Other", "x-1", "c-9", vec![]);
        assert!(h.handle(&unknown).await.is_err());

        let d = |dd| day_number(date(2026, 3, dd));
        let rows = env.store.call_rows(d(2), d(2)).await.unwrap();
        let (by_queue, totals) = summarise(&rows, &[CallDim::Queue], None);
        assert_eq!(totals.ivr_self_service, 2, "{backend:?}");
        // The answers are not calls offered: the call counts once, as its end.
        assert_eq!(
            (totals.offered, totals.ivr_completed),
            (1, 1),
            "{backend:?}"
        );
        assert_eq!(
            by_queue[&(None, vec!["185".to_owned()])].ivr_self_service,
            1
        );
        assert_eq!(by_queue[&(None, vec![String::new()])].ivr_self_service, 1);
        let (by_hour, _) = summarise(&rows, &[CallDim::Hour], None);
        assert_eq!(by_hour[&(None, vec!["10".to_owned()])].ivr_self_service, 2);
        let next = env.store.call_rows(d(3), d(3)).await.unwrap();
        assert_eq!(summarise(&next, &[], None).1.ivr_self_service, 1);
    }
}

/// Istanbul 2 March 2026, 09:00.
const T0: i64 = 1_772_431_200;

fn ev(case: &str, v: i64, at: i64, p: pb::case_event::Payload) -> pb::CaseEvent {
    pb::CaseEvent {
        event_id: format!("{case}-e{v}"),
        case_id: case.into(),
        tracking_number: format!("T-{case}"),
        case_version: v,
        occurred_at: Some(prost_types::Timestamp {
            seconds: at,
            nanos: 0,
        }),
        payload: Some(p),
        ..Default::default()
    }
}

fn opened(case: &str, pool: &str) -> pb::CaseEvent {
    ev(
        case,
        1,
        T0,
        pb::case_event::Payload::Opened(pb::CaseOpened {
            pool_id: pool.into(),
            category: "su_kesintisi".into(),
            province_code: 41,
            legal_due_date: "2026-04-01".into(),
            ..Default::default()
        }),
    )
}

fn linked(case: &str, v: i64, pool: &str) -> pb::CaseEvent {
    ev(
        case,
        v,
        T0 + 60,
        pb::case_event::Payload::LinkedToIncident(pb::LinkedToIncident {
            incident_id: "olay-1".into(),
            pool_id: pool.into(),
            category: "su_kesintisi".into(),
            ..Default::default()
        }),
    )
}

fn unlinked(case: &str, v: i64, pool: &str) -> pb::CaseEvent {
    ev(
        case,
        v,
        T0 + 120,
        pb::case_event::Payload::UnlinkedFromIncident(pb::UnlinkedFromIncident {
            incident_id: "olay-1".into(),
            pool_id: pool.into(),
        }),
    )
}

fn resolved(case: &str, v: i64) -> pb::CaseEvent {
    ev(
        case,
        v,
        T0 + 86_400,
        pb::case_event::Payload::Resolved(pb::CaseResolved {
            closure_reason: "cozuldu".into(),
            ..Default::default()
        }),
    )
}

#[tokio::test]
async fn linked_cases_count_as_linked_until_unlinked_and_stay_linked_when_the_incident_closes() {
    for backend in [Backend::Embedded, Backend::Production] {
        let env = helpers::env(backend).await;
        // a: linked, then answered by the incident's close. b: linked and
        // taken back out. c: its unlink delivered before its link (out of
        // order): not linked. d: linked and open, in another pool. e: never.
        let mut events = vec![
            opened("a", "pool-a"),
            linked("a", 2, "pool-a"),
            resolved("a", 3),
            opened("b", "pool-a"),
            linked("b", 2, "pool-a"),
            unlinked("b", 3, "pool-a"),
            opened("c", "pool-a"),
            unlinked("c", 3, "pool-a"),
            linked("c", 2, "pool-a"),
            opened("d", "pool-c"),
            linked("d", 2, "pool-c"),
            opened("e", "pool-c"),
        ];
        // Everything delivered twice.
        events.extend(events.clone());
        helpers::publish(&env.bus, &events).await;
        helpers::consume(&env, "incidents", events.len() as u64, 2).await;

        let (from, to) = (date(2026, 3, 1), date(2026, 3, 31));
        let q = SummaryQuery {
            from,
            to,
            by: vec![Dim::Pool],
            granularity: None,
        };
        let s = query::summary(&env.store, &q, &Scope::All, &place_of)
            .await
            .unwrap();
        let t = &s.totals;
        assert_eq!(
            (t.opened, t.resolved, t.open_at_end, t.linked_to_incident),
            (5, 1, 4, 2),
            "{backend:?}"
        );
        let of = |pool: &str| {
            s.rows
                .iter()
                .find(|r| r.keys == [pool])
                .map(|r| r.figures.linked_to_incident)
        };
        assert_eq!((of("pool-a"), of("pool-c")), (Some(1), Some(1)));
        // The cases behind the figure are those two.
        let (a, b) = (day_number(from), day_number(to));
        let rq = row_query(Which::Linked(a, b), &[], &Scope::All, None);
        let rows = env.store.case_rows(&rq, None, 10).await.unwrap();
        let mut ids: Vec<_> = rows.iter().map(|r| r.case_id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["a", "d"], "{backend:?}");
        // Within a pool manager's scope.
        let scope = Scope::Pools(["pool-c".to_owned()].into());
        let s = query::summary(&env.store, &q, &scope, &place_of)
            .await
            .unwrap();
        assert_eq!(s.totals.linked_to_incident, 1);
    }
}

#[tokio::test]
async fn a_duplicate_merged_into_the_citizens_earlier_record_counts_as_resolved() {
    let env = helpers::env(Backend::Embedded).await;
    let merged = ev(
        "m",
        2,
        T0 + 3600,
        pb::case_event::Payload::Merged(pb::CaseMerged {
            into_case_id: "o".into(),
            into_tracking_number: "T-o".into(),
            pool_id: "pool-a".into(),
            category: "su_kesintisi".into(),
        }),
    );
    let events = vec![opened("o", "pool-a"), opened("m", "pool-a"), merged];
    helpers::publish(&env.bus, &events).await;
    helpers::consume(&env, "merged", events.len() as u64, 1).await;
    let q = SummaryQuery {
        from: date(2026, 3, 1),
        to: date(2026, 3, 31),
        by: vec![],
        granularity: None,
    };
    let t = query::summary(&env.store, &q, &Scope::All, &place_of)
        .await
        .unwrap()
        .totals;
    assert_eq!((t.opened, t.resolved, t.open_at_end), (2, 1, 1));
}
