//! The escalation store's contract on both implementations: a stage is
//! written once with its event and task step, all or nothing; the lease is
//! held by one scheduler until it expires; the candidates are the
//! unresolved cases with a due date on or before the bounds.

use jiff::SignedDuration;
use tekmerkez_case::{
    domain::{
        case::{Actor, Step},
        enums::HistoryAction,
        escalation::{DeadlineKind, Stage},
    },
    store::{DueQuery, EscalationRecord, HistoryRecord, OutboxRecord},
};
use uuid::Uuid;

use crate::{both_stores, helpers::*};

fn event(case: Uuid) -> OutboxRecord {
    OutboxRecord {
        id: 0,
        event_id: Uuid::now_v7(),
        topic: "case.events.v1".into(),
        key: case.to_string(),
        event_type: "tekmerkez.case.v1.CaseEvent".into(),
        payload: vec![1, 2, 3],
        traceparent: None,
    }
}

both_stores! {
    async fn a_case_whose_legal_and_internal_due_values_both_escalated_is_read_no_more(app) {
        let c = app.open_case().await; // su arızası: both due dates
        app.shutdown_now().await;
        let case = app.app.store().get_case(c.id.parse().unwrap()).await.unwrap().unwrap();
        let (legal, internal) = (case.legal_due_date.unwrap(), case.internal_due_at.unwrap());
        let store = app.app.store().clone();
        let q = DueQuery { legal_by: legal, internal_by: internal, after_seq: 0, limit: 10 };
        let rec = |deadline, due_value: String| EscalationRecord {
            case_id: case.id,
            deadline,
            due_value,
            stage: Stage::Escalated,
            pool_id: case.pool_id,
            holder_id: None,
            recorded_at: start_time(),
        };
        use tekmerkez_case::domain::escalation::Due;
        store.record_escalation(&rec(DeadlineKind::Legal, Due::Legal(legal).key()), None, &event(case.id)).await.unwrap();
        assert_eq!(store.due_candidates(&q).await.unwrap().len(), 1, "the internal target is not escalated");
        store.record_escalation(&rec(DeadlineKind::Internal, Due::Internal(internal).key()), None, &event(case.id)).await.unwrap();
        assert!(store.due_candidates(&q).await.unwrap().is_empty());
    }

    async fn a_stage_is_written_once_with_its_event_and_step(app) {
        let c = app.open_case().await;
        app.shutdown_now().await; // no relay or scheduler beside the test
        let case = app.app.store().get_case(c.id.parse().unwrap()).await.unwrap().unwrap();
        let store = app.app.store().clone();
        let now = start_time();
        let record = EscalationRecord {
            case_id: case.id,
            deadline: DeadlineKind::Legal,
            due_value: "2026-04-01".into(),
            stage: Stage::Overdue,
            pool_id: case.pool_id,
            holder_id: None,
            recorded_at: now,
        };
        let step = HistoryRecord {
            step: Step {
                action: HistoryAction::DeadlineOverdue,
                from_status: Some(case.status),
                to_status: case.status,
                from_pool: Some(case.pool_id),
                to_pool: case.pool_id,
                from_holder: None,
                to_holder: None,
                detail: Some("legal:2026-04-01".into()),
            },
            actor: Actor::Service("system"),
            occurred_at: now,
        };
        let backlog = store.outbox_backlog().await.unwrap();
        let history = store.list_history(case.id).await.unwrap().len();
        assert!(store.record_escalation(&record, Some(&step), &event(case.id)).await.unwrap());
        // Again, even with another event id: refused whole.
        assert!(!store.record_escalation(&record, Some(&step), &event(case.id)).await.unwrap());
        assert_eq!(store.outbox_backlog().await.unwrap(), backlog + 1);
        assert_eq!(store.list_history(case.id).await.unwrap().len(), history + 1);
        assert_eq!(store.list_escalations(case.id).await.unwrap(), std::slice::from_ref(&record));
        // Another due value (an extension) and another stage are new rows.
        let extended = EscalationRecord { due_value: "2026-04-22".into(), ..record.clone() };
        assert!(store.record_escalation(&extended, None, &event(case.id)).await.unwrap());
        let escalated = EscalationRecord { stage: Stage::Escalated, ..record.clone() };
        assert!(store.record_escalation(&escalated, None, &event(case.id)).await.unwrap());
        assert_eq!(store.list_escalations(case.id).await.unwrap().len(), 3);
        assert_eq!(store.outbox_backlog().await.unwrap(), backlog + 3);
    }

    async fn one_scheduler_holds_the_escalation_lease_until_it_expires(app) {
        app.shutdown_now().await;
        let store = app.app.store().clone();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        // Well after the stopped service's own leases ran out.
        let now = start_time() + SignedDuration::from_hours(1);
        let until = now + SignedDuration::from_secs(60);
        assert!(store.acquire_escalation_lease(a, now, until).await.unwrap());
        assert!(!store.acquire_escalation_lease(b, now, until).await.unwrap());
        assert!(store.acquire_escalation_lease(a, now, until).await.unwrap(), "renewed");
        let later = until + SignedDuration::from_secs(1);
        assert!(store.acquire_escalation_lease(b, later, later + SignedDuration::from_secs(60)).await.unwrap());
        // Its own lease, not the outbox relay's.
        assert!(store.acquire_outbox_lease(a, now, until).await.unwrap());
    }

    async fn the_candidates_are_unresolved_cases_due_by_the_bounds_in_arrival_order(app) {
        let mut req = app.application(&app.org.ankara_billing.clone(), 6, "Çankaya");
        req.category = "fatura".into();
        let first = app.create(req.clone()).await;
        req.application_id = Uuid::new_v4().to_string();
        let second = app.create(req).await;
        app.shutdown_now().await;
        let due: jiff::civil::Date = first.legal_due_date.parse().unwrap();
        let store = app.app.store().clone();
        let q = |legal_by, after_seq| DueQuery {
            legal_by,
            internal_by: start_time(),
            after_seq,
            limit: 10,
        };
        let ids = |v: Vec<tekmerkez_case::domain::case::Case>| v.into_iter().map(|c| c.id.to_string()).collect::<Vec<_>>();
        assert!(ids(store.due_candidates(&q(due.yesterday().unwrap(), 0)).await.unwrap()).is_empty());
        let both = store.due_candidates(&q(due, 0)).await.unwrap();
        assert_eq!(ids(both.clone()), [first.id.clone(), second.id.clone()]);
        assert_eq!(ids(store.due_candidates(&q(due, both[0].seq)).await.unwrap()), std::slice::from_ref(&second.id));
        // Once its due value is escalated, a case is not read again; a
        // stage short of that, or another due value, keeps it.
        let rec = |stage, due_value: String| EscalationRecord {
            case_id: both[0].id,
            deadline: DeadlineKind::Legal,
            due_value,
            stage,
            pool_id: both[0].pool_id,
            holder_id: None,
            recorded_at: start_time(),
        };
        assert!(store.record_escalation(&rec(Stage::Overdue, due.to_string()), None, &event(both[0].id)).await.unwrap());
        assert!(store.record_escalation(&rec(Stage::Escalated, "2020-01-01".into()), None, &event(both[0].id)).await.unwrap());
        assert_eq!(ids(store.due_candidates(&q(due, 0)).await.unwrap()).len(), 2);
        assert!(store.record_escalation(&rec(Stage::Escalated, due.to_string()), None, &event(both[0].id)).await.unwrap());
        assert_eq!(ids(store.due_candidates(&q(due, 0)).await.unwrap()), std::slice::from_ref(&second.id));
    }
}
