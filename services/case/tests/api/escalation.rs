//! Escalation, black-box: the service's own scheduler (every 100 ms of real
//! time) on a clock the test moves. Each stage of a due date (approaching,
//! for the holder → imminent, for the pool manager → overdue → escalated,
//! for the directorate manager) is recorded once, with one event on
//! `case.events.v1` and, past due, one task step; two replicas on one
//! database and a restart after downtime still record each stage once.
//! Cases opened before due dates existed get theirs once, from the same
//! rounds.

use std::{collections::HashMap, time::Duration};

use jiff::{Timestamp, civil::Date};
use prost::Message as _;
use tekmerkez_bus::{Bus as _, EmbeddedBus, Envelope, Subscription};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_workdays::{Calendar, istanbul};

use crate::{both_stores, helpers::*};

/// 09:00 Istanbul on `d`.
fn morning(d: Date) -> Timestamp {
    d.at(9, 0, 0, 0)
        .to_zoned(istanbul().clone())
        .unwrap()
        .timestamp()
}

/// The escalation events seen on `rx` until each case of `want` has had
/// its number of them: per case, in order.
async fn collect(
    rx: &mut Box<dyn Subscription>,
    want: &[(&str, usize)],
) -> HashMap<String, Vec<pb::EscalationRecorded>> {
    let mut seen: HashMap<String, Vec<pb::EscalationRecorded>> = HashMap::new();
    let done = |seen: &HashMap<String, Vec<pb::EscalationRecorded>>| {
        want.iter()
            .all(|(c, n)| seen.get(*c).map_or(0, Vec::len) >= *n)
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done(&seen) {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let d = tokio::time::timeout(left, rx.next())
            .await
            .unwrap_or_else(|_| panic!("escalation events {want:?} within 15 s; saw {seen:?}"))
            .unwrap();
        let ev = pb::CaseEvent::decode(d.envelope.payload.clone()).unwrap();
        if let Some(pb::case_event::Payload::EscalationRecorded(e)) = ev.payload {
            let raw = format!("{e:?}");
            assert!(
                // The applicant's name and phone digits (ids are random hex,
                // which may hold "532" by chance).
                !raw.contains("Yılmaz") && !raw.contains("1234567"),
                "no personal data: {raw}"
            );
            seen.entry(ev.case_id).or_default().push(e);
        }
    }
    seen
}

/// The escalation events of `case_id` on `rx` until `want` came.
async fn escalations(
    rx: &mut Box<dyn Subscription>,
    case_id: &str,
    want: usize,
) -> Vec<pb::EscalationRecorded> {
    collect(rx, &[(case_id, want)])
        .await
        .remove(case_id)
        .unwrap_or_default()
}

/// No more escalation events of `case_id` reach `bus` while the
/// scheduler runs several more rounds. (Read up to a marker published
/// after them: a read of the in-memory bus must not be cancelled.)
async fn no_more(bus: &EmbeddedBus, rx: &mut Box<dyn Subscription>, case_id: &str) {
    // Absence takes waiting: five rounds of the 100 ms scheduler.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let marker = uuid::Uuid::new_v4().to_string();
    bus.publish(Envelope {
        topic: "case.events.v1".into(),
        key: marker.clone(),
        headers: Vec::new(),
        payload: Default::default(),
    })
    .await
    .unwrap();
    loop {
        let d = rx.next().await.unwrap();
        if d.envelope.key == marker {
            return;
        }
        let ev = pb::CaseEvent::decode(d.envelope.payload.clone()).unwrap();
        assert!(
            !(ev.case_id == case_id
                && matches!(
                    ev.payload,
                    Some(pb::case_event::Payload::EscalationRecorded(_))
                )),
            "a warning came twice: {ev:?}"
        );
    }
}

fn stages(events: &[pb::EscalationRecorded]) -> Vec<(i32, i32)> {
    events.iter().map(|e| (e.deadline, e.stage)).collect()
}

fn recipients(events: &[pb::EscalationRecorded]) -> Vec<pb::EscalationRecipient> {
    events.iter().map(|e| e.recipient()).collect()
}

const LEGAL: i32 = pb::EscalationDeadline::Legal as i32;
const INTERNAL: i32 = pb::EscalationDeadline::Internal as i32;
const APPROACHING: i32 = pb::EscalationStage::Approaching as i32;
const IMMINENT: i32 = pb::EscalationStage::Imminent as i32;
const OVERDUE: i32 = pb::EscalationStage::Overdue as i32;
const ESCALATED: i32 = pb::EscalationStage::Escalated as i32;

/// A case with a legal due date only (a bill dispute: no internal target).
async fn billing_case(app: &mut TestApp) -> (pb::Case, Date) {
    let mut req = app.application(&app.org.ankara_billing.clone(), 6, "Çankaya");
    req.category = "fatura".into();
    let c = app.create(req).await;
    let due: Date = c
        .legal_due_date
        .parse()
        .expect("a legal due date on every case");
    (c, due)
}

fn steps_of(history: &[pb::HistoryStep]) -> HashMap<i32, Vec<String>> {
    let mut m: HashMap<i32, Vec<String>> = HashMap::new();
    for s in history {
        if s.action == pb::HistoryAction::DeadlineOverdue as i32
            || s.action == pb::HistoryAction::DeadlineEscalated as i32
        {
            m.entry(s.action).or_default().push(s.detail.clone());
        }
    }
    m
}

both_stores! {
    async fn a_legal_due_date_warns_then_is_overdue_then_escalates_each_once(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let (c, due) = billing_case(&mut app).await;
        assert!(c.internal_due_at.is_none(), "a bill dispute has no internal target");
        let cal = Calendar::builtin();

        // Held by an expert; the working day before the due day is within 3
        // working days: the holder is warned.
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let day_before = (1..10)
            .map(|n| due.checked_sub(jiff::Span::new().days(n)).unwrap())
            .find(|d| cal.is_working_day(*d, true))
            .unwrap();
        app.clock.set(morning(day_before));
        let e = escalations(&mut rx, &c.id, 1).await;
        assert_eq!(stages(&e), [(LEGAL, APPROACHING)]);
        assert_eq!(recipients(&e), [pb::EscalationRecipient::Holder]);
        assert_eq!(e[0].holder_id, app.user_id("expert_ankara"));
        assert_eq!(e[0].legal_due_date, due.to_string());
        assert_eq!((e[0].pool_id.as_str(), e[0].directorate_id.as_str()), (app.org.ankara_billing.as_str(), app.org.directorate.as_str()));
        assert!(!e[0].unit_id.is_empty());
        let seen = app.get("manager_ankara", &c.id).await.unwrap();
        assert_eq!(seen.escalation_stage, APPROACHING);

        // The due day itself: the second warning, to the pool manager.
        app.clock.set(morning(due));
        let e = escalations(&mut rx, &c.id, 1).await;
        assert_eq!(stages(&e), [(LEGAL, IMMINENT)]);
        assert_eq!(recipients(&e), [pb::EscalationRecipient::PoolManager]);
        let seen = app.get("manager_ankara", &c.id).await.unwrap();
        assert_eq!(seen.escalation_stage, IMMINENT);
        assert_eq!(seen.legal_working_days_late, Some(-1), "the due day itself is left");

        // The next working day: overdue, for the pool manager.
        let next = cal.add_working_days(due, 1, true);
        app.clock.set(morning(next));
        let e = escalations(&mut rx, &c.id, 1).await;
        assert_eq!(stages(&e), [(LEGAL, OVERDUE)]);
        assert_eq!(recipients(&e), [pb::EscalationRecipient::PoolManager]);
        assert_eq!(app.get("manager_ankara", &c.id).await.unwrap().legal_working_days_late, Some(1));

        // Five working days late (holidays not counted): escalated.
        app.clock.set(morning(cal.add_working_days(due, 5, true)));
        let e = escalations(&mut rx, &c.id, 1).await;
        assert_eq!(stages(&e), [(LEGAL, ESCALATED)]);
        assert_eq!(recipients(&e), [pb::EscalationRecipient::DirectorateManager]);
        assert_eq!(app.get("director", &c.id).await.unwrap().escalation_stage, ESCALATED);

        // Rounds go on; nothing is sent again, and a round by hand records nothing.
        no_more(&app.bus, &mut rx, &c.id).await;
        assert_eq!(app.app.escalate_due_cases(50).await.unwrap().recorded, 0);
        let steps = steps_of(&app.history("manager_ankara", &c.id).await);
        let detail = format!("legal:{due}");
        assert_eq!(steps[&(pb::HistoryAction::DeadlineOverdue as i32)], std::slice::from_ref(&detail));
        assert_eq!(steps[&(pb::HistoryAction::DeadlineEscalated as i32)], [detail]);
    }

    async fn an_internal_target_runs_in_hours_round_the_clock(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.open_case().await; // su arızası: an internal target in hours
        let at = c.internal_due_at.as_ref().expect("su arızası has an internal target");
        let at = Timestamp::new(at.seconds, 0).unwrap();
        app.clock.set(at - jiff::SignedDuration::from_mins(90));
        let e = escalations(&mut rx, &c.id, 1).await;
        assert_eq!(stages(&e), [(INTERNAL, APPROACHING)]);
        assert_eq!(recipients(&e), [pb::EscalationRecipient::PoolManager], "nobody holds it");
        assert!(e[0].internal_due_at.is_some() && e[0].legal_due_date.is_empty());
        app.clock.set(at - jiff::SignedDuration::from_mins(30));
        assert_eq!(stages(&escalations(&mut rx, &c.id, 1).await), [(INTERNAL, IMMINENT)]);
        app.clock.set(at + jiff::SignedDuration::from_mins(1));
        assert_eq!(stages(&escalations(&mut rx, &c.id, 1).await), [(INTERNAL, OVERDUE)]);
        assert_eq!(app.get("manager_ankara", &c.id).await.unwrap().internal_minutes_late, Some(1));
        app.clock.set(at + jiff::SignedDuration::from_hours(8));
        assert_eq!(stages(&escalations(&mut rx, &c.id, 1).await), [(INTERNAL, ESCALATED)]);
        no_more(&app.bus, &mut rx, &c.id).await;
    }

    async fn after_downtime_every_passed_stage_is_caught_up_once_and_a_moot_warning_skipped(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let (a, due_a) = billing_case(&mut app).await;
        // A second record a week later: its due date a week later too.
        app.clock.set(start_time() + jiff::SignedDuration::from_hours(24 * 7));
        let (b, due_b) = billing_case(&mut app).await;
        assert!(due_b > due_a);
        app.clock.set(morning(due_a));
        // Both warnings before the due day went out, caught up at once.
        assert_eq!(stages(&escalations(&mut rx, &a.id, 2).await), [(LEGAL, APPROACHING), (LEGAL, IMMINENT)]);

        // The service is down while both pass every threshold.
        app.shutdown_now().await;
        let cal = Calendar::builtin();
        app.clock.set(morning(cal.add_working_days(due_b, 6, true)));
        let mut replica = app.spawn_replica().await;
        let mut rx2 = replica.bus.subscribe("test", "case.events.v1").await.unwrap();
        let seen = collect(&mut rx2, &[(&a.id, 2), (&b.id, 2)]).await;
        // A: its warnings went out before; now overdue and escalated, once.
        assert_eq!(stages(&seen[&a.id]), [(LEGAL, OVERDUE), (LEGAL, ESCALATED)]);
        // B: never warned while near; after the downtime those warnings are moot.
        assert_eq!(stages(&seen[&b.id]), [(LEGAL, OVERDUE), (LEGAL, ESCALATED)]);
        replica.stop().await;
        // Started again: nothing more.
        let mut again = app.spawn_replica().await;
        let mut rx3 = again.bus.subscribe("test", "case.events.v1").await.unwrap();
        no_more(&again.bus, &mut rx3, &a.id).await;
        no_more(&again.bus, &mut rx3, &b.id).await;
        assert_eq!(again.app.escalate_due_cases(50).await.unwrap().recorded, 0);
        let a_rows = again.app.store().list_escalations(uuid::Uuid::parse_str(&a.id).unwrap()).await.unwrap();
        assert_eq!(a_rows.iter().map(|r| r.stage.as_str()).collect::<Vec<_>>(), ["approaching", "imminent", "overdue", "escalated"]);
        again.stop().await;
    }

    async fn cases_opened_before_due_dates_get_their_policys_once_with_a_step_and_an_event(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let (open, due) = billing_case(&mut app).await;
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.information_only = true;
        req.information_answer = "Kesinti 18:00'de bitecek.".into();
        let closed = app.create(req).await;
        // As the release before due dates and closure reasons left them.
        // One statement: the scheduler must never see a case half set back.
        app.execute_sql(
            "UPDATE cases SET legal_due_date = NULL, legal_extension_days = 0, \
             closure_reason = CASE WHEN status = 'resolved' THEN NULL ELSE closure_reason END",
        )
        .await;
        // (Not read back here: the scheduler, every 100 ms in these tests,
        // may already have given the dates back; its events say so below.)

        // The scheduler's next round gives each its policy's date, counted
        // from when it was opened: the very date a new case gets.
        let mut seen: HashMap<String, pb::DeadlinesBackfilled> = HashMap::new();
        while seen.len() < 2 {
            let d = tokio::time::timeout(Duration::from_secs(15), rx.next())
                .await
                .unwrap_or_else(|_| panic!("two back-fills within 15 s; saw {seen:?}"))
                .unwrap();
            let ev = pb::CaseEvent::decode(d.envelope.payload.clone()).unwrap();
            if let Some(pb::case_event::Payload::DeadlinesBackfilled(b)) = ev.payload {
                assert!(seen.insert(ev.case_id, b).is_none(), "a back-fill came twice");
            }
        }
        assert_eq!(seen[&open.id].legal_due_date, due.to_string());
        assert_eq!(seen[&open.id].closure_reason, "", "an open case is not closed");
        assert_eq!(seen[&closed.id].closure_reason, "kaydedilmedi");
        let after = app.get("manager_ankara", &open.id).await.unwrap();
        assert_eq!(after.legal_due_date, due.to_string());
        let history = app.history("manager_ankara", &open.id).await;
        let step = history
            .iter()
            .find(|s| s.action == pb::HistoryAction::DeadlinesBackfilled as i32)
            .expect("the record says where its date came from");
        assert_eq!(step.detail, format!("legal:{due}"));
        let c = app.get("manager_ankara", &closed.id).await.unwrap();
        assert!(!c.legal_due_date.is_empty());
        assert_eq!(c.closure_reason, "kaydedilmedi", "a closed case names a reason");

        // Once: the rounds go on, and one by hand finds nothing to do.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.app.backfill_due_dates(50).await.unwrap(), 0);
        let steps = app.history("manager_ankara", &open.id).await;
        assert_eq!(steps.iter().filter(|s| s.action == pb::HistoryAction::DeadlinesBackfilled as i32).count(), 1);
    }

    async fn the_due_lists_are_scoped_sorted_and_counted(app) {
        let (a, due) = billing_case(&mut app).await;
        let izmir_req = {
            let mut r = app.application(&app.org.izmir_water.clone(), 35, "Konak");
            r.category = "fatura".into();
            r
        };
        let izmir = app.create(izmir_req).await;
        app.clock.set(morning(due));
        let ids = |r: pb::ListCasesResponse| r.cases.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let soon = ids(app.list("manager_ankara", pb::CaseView::DueSoon, 50, "").await.unwrap());
        assert!(soon.contains(&a.id) && !soon.contains(&izmir.id), "a pool manager: the managed pools");
        let soon = ids(app.list("director", pb::CaseView::DueSoon, 50, "").await.unwrap());
        assert!(soon.contains(&a.id) && soon.contains(&izmir.id), "the directorate manager: the directorate");
        let err = app.list("expert_ankara", pb::CaseView::DueSoon, 50, "").await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::PermissionDenied);
        assert!(ids(app.list("director", pb::CaseView::Overdue, 50, "").await.unwrap()).is_empty());
        // Past due: the other list, with the menu's count.
        app.clock.set(morning(Calendar::builtin().add_working_days(due, 1, true)));
        let overdue = ids(app.list("admin", pb::CaseView::Overdue, 50, "").await.unwrap());
        assert!(overdue.contains(&a.id) && overdue.contains(&izmir.id));
        assert!(!ids(app.list("admin", pb::CaseView::DueSoon, 50, "").await.unwrap()).contains(&a.id));
        let counts = app
            .case
            .count_cases(as_user("manager_ankara", pb::CountCasesRequest { views: vec![pb::CaseView::Overdue as i32, pb::CaseView::DueSoon as i32] }))
            .await
            .unwrap()
            .into_inner()
            .counts;
        let n = |v: pb::CaseView| counts.iter().find(|c| c.view == v as i32).map(|c| c.count);
        assert_eq!((n(pb::CaseView::Overdue), n(pb::CaseView::DueSoon)), (Some(1), Some(0)));
        // The holder sees the mark on their own list.
        app.claim("expert_ankara", &[&a.id]).await.unwrap();
        let mine = app.list("expert_ankara", pb::CaseView::Mine, 50, "").await.unwrap();
        let marked = mine.cases.iter().find(|c| c.id == a.id).expect("the holder's own record");
        assert_eq!(marked.escalation_stage, OVERDUE);
        assert_eq!(marked.legal_working_days_late, Some(1));
    }
}

mod two_replicas {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_replicas_on_one_database_warn_once() {
        let mut app = spawn_app(Backend::Postgres).await;
        let mut replica = app.spawn_replica().await;
        let rx1 = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let rx2 = replica
            .bus
            .subscribe("test", "case.events.v1")
            .await
            .unwrap();
        let mut cases = Vec::new();
        for _ in 0..5 {
            cases.push(billing_case(&mut app).await);
        }
        let due = cases[0].1;
        let cal = Calendar::builtin();
        // Past every stage at once, with both schedulers running, and
        // rounds by hand on both replicas at the same time besides.
        app.clock.set(morning(cal.add_working_days(due, 6, true)));
        let (a, b) = (app.app.clone(), replica.app.clone());
        let mut by_hand = 0;
        for _ in 0..3 {
            let (x, y) = tokio::join!(a.escalate_due_cases(2), b.escalate_due_cases(2));
            by_hand += x.unwrap().recorded + y.unwrap().recorded;
        }
        assert!(by_hand <= 10);
        // Every event reaches one of the two buses (whichever relay holds
        // the outbox lease): two per case, overdue and escalated, once. Each
        // bus is read by a task of its own, never cancelled mid-read.
        let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        for mut rx in [rx1, rx2] {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Ok(d) = rx.next().await {
                    let ev = pb::CaseEvent::decode(d.envelope.payload.clone()).unwrap();
                    if let Some(pb::case_event::Payload::EscalationRecorded(e)) = ev.payload
                        && tx.send((ev.case_id, e.stage)).is_err()
                    {
                        return;
                    }
                }
            });
        }
        let mut seen: HashMap<String, Vec<i32>> = HashMap::new();
        while seen.values().map(Vec::len).sum::<usize>() < 10 {
            let (case, stage) = tokio::time::timeout(Duration::from_secs(20), events.recv())
                .await
                .unwrap_or_else(|_| panic!("10 escalation events within 20 s; saw {seen:?}"))
                .unwrap();
            seen.entry(case).or_default().push(stage);
        }
        for (c, _) in &cases {
            assert_eq!(seen[&c.id], [OVERDUE, ESCALATED], "{}", c.id);
        }
        // Absence takes waiting: several rounds of both schedulers.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(events.try_recv().is_err(), "a warning came twice");
        for (c, _) in &cases {
            let steps = steps_of(&app.history("manager_ankara", &c.id).await);
            assert_eq!(steps[&(pb::HistoryAction::DeadlineOverdue as i32)].len(), 1);
            assert_eq!(
                steps[&(pb::HistoryAction::DeadlineEscalated as i32)].len(),
                1
            );
        }
        replica.stop().await;
    }
}
