//! `WatchDesk` (issue 21, the live desk) on both stores: a new record
//! reaches the people of its pool and never another province's, an urgent
//! one as an alert; a record handed over is announced to its new holder; a
//! desk that reconnects with its last cursor gets what it missed; services
//! have no desk.

use std::time::Duration;

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::{Code, Streaming};

use crate::{both_stores, helpers::*};

/// A generous bound so that a broken stream fails the test instead of
/// hanging it; nothing here depends on how fast events arrive.
const PATIENCE: Duration = Duration::from_secs(20);

type Desk = Streaming<pb::WatchDeskResponse>;

async fn watch(app: &TestApp, who: &str, after: Option<i64>) -> (Desk, i64) {
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", app.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = pb::desk_service_client::DeskServiceClient::new(channel);
    let mut desk = client
        .watch_desk(as_user(who, pb::WatchDeskRequest { after }))
        .await
        .unwrap()
        .into_inner();
    let ready = next_event(&mut desk).await;
    assert_eq!(
        ready.kind,
        pb::DeskEventKind::Ready as i32,
        "a stream opens with READY"
    );
    (desk, ready.cursor)
}

async fn next_event(desk: &mut Desk) -> pb::DeskEvent {
    tokio::time::timeout(PATIENCE, desk.message())
        .await
        .expect("the desk stream went quiet")
        .unwrap()
        .expect("the desk stream ended")
        .event
        .expect("every response carries its event")
}

/// The next event that announces something (the silent "changed" signals
/// skipped).
async fn next_notice(desk: &mut Desk) -> pb::DeskEvent {
    loop {
        let e = next_event(desk).await;
        if e.kind != pb::DeskEventKind::Changed as i32 {
            return e;
        }
    }
}

async fn open_in(
    app: &mut TestApp,
    pool: &str,
    province: u32,
    district: &str,
    urgent: bool,
) -> pb::Case {
    let mut req = app.application(pool, province, district);
    req.urgency = if urgent {
        common::Urgency::Urgent
    } else {
        common::Urgency::Normal
    } as i32;
    app.create(req).await
}

both_stores! {
    async fn a_new_record_reaches_its_pool_and_never_another_province(app) {
        let (mut ankara_expert, _) = watch(&app, "expert_ankara", None).await;
        let (mut ankara_manager, _) = watch(&app, "manager_ankara", None).await;
        let (mut izmir_expert, _) = watch(&app, "expert_izmir", None).await;
        let water = app.org.ankara_water.clone();
        let izmir = app.org.izmir_water.clone();
        let ankara_case = open_in(&mut app, &water, 6, "Çankaya", true).await;
        let izmir_case = open_in(&mut app, &izmir, 35, "Konak", false).await;

        for desk in [&mut ankara_expert, &mut ankara_manager] {
            let e = next_notice(desk).await;
            assert_eq!(e.kind, pb::DeskEventKind::NewInPool as i32);
            assert_eq!(e.case_id, ankara_case.id);
            assert_eq!(e.tracking_number, ankara_case.tracking_number);
            assert_eq!(e.category, "su_arizasi");
            assert!(e.alert, "an urgent record raises an alert");
            assert!(e.cursor > 0);
        }
        // The İzmir expert's first notice is İzmir's record: the Ankara
        // one, opened before it, never came.
        let e = next_notice(&mut izmir_expert).await;
        assert_eq!(e.case_id, izmir_case.id);
        assert!(!e.alert, "a normal record is a quiet notice");
    }

    async fn a_record_handed_over_is_announced_to_its_new_holder(app) {
        let (mut desk, _) = watch(&app, "expert2_ankara", None).await;
        let case = app.open_case().await;
        let arrived = next_notice(&mut desk).await;
        assert_eq!(arrived.kind, pb::DeskEventKind::NewInPool as i32);
        let assignee = app.user_id("expert2_ankara");
        app.case
            .assign_cases(as_user(
                "manager_ankara",
                pb::AssignCasesRequest {
                    case_ids: vec![case.id.clone()],
                    assignee_user_id: assignee,
                },
            ))
            .await
            .unwrap();
        let e = next_notice(&mut desk).await;
        assert_eq!(e.kind, pb::DeskEventKind::AssignedToMe as i32);
        assert_eq!(e.case_id, case.id);
        assert_eq!(e.status, pb::CaseStatus::Held as i32);
    }

    async fn a_desk_that_reconnects_gets_what_it_missed(app) {
        let (desk, cursor) = watch(&app, "expert_ankara", None).await;
        drop(desk);
        let missed = app.open_case().await;
        // Its event was written with the case, in the same transaction.
        let (mut again, _) = watch(&app, "expert_ankara", Some(cursor)).await;
        let e = next_notice(&mut again).await;
        assert_eq!(e.case_id, missed.id);
        assert_eq!(e.kind, pb::DeskEventKind::NewInPool as i32);
        assert!(e.cursor > cursor);
    }

    async fn services_have_no_desk(app) {
        let channel = tonic::transport::Channel::from_shared(format!("http://{}", app.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut client = pb::desk_service_client::DeskServiceClient::new(channel);
        let err = client
            .watch_desk(with_token(NOTIFY_TOKEN, pb::WatchDeskRequest { after: None }))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = client
            .watch_desk(as_user("expert_ankara", pb::WatchDeskRequest { after: Some(-1) }))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }
}
