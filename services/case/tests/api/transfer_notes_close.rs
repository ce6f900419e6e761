use jiff::SignedDuration;
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn a_transfer_moves_the_record_to_the_other_pools_unassigned_list(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let req = pb::TransferCaseRequest {
            case_id: c.id.clone(),
            target_pool_id: app.org.izmir_water.clone(),
            reason: "Adres İzmir il sınırları içinde.".into(),
            expected_version: None,
..Default::default()
        };
        let err = app.case.transfer_case(as_user("expert_ankara", req.clone())).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "only the pool manager transfers");
        let moved = app.case.transfer_case(as_user("manager_ankara", req)).await.unwrap().into_inner().case.unwrap();
        assert_eq!((moved.pool_id.as_str(), moved.status, moved.holder_id.as_str()), (app.org.izmir_water.as_str(), pb::CaseStatus::InPool as i32, ""));
        assert_eq!(app.get("expert_ankara", &c.id).await.unwrap_err().code(), Code::NotFound);
        let izmir_pool = app.list("expert_izmir", pb::CaseView::Pool, 50, "").await.unwrap();
        assert_eq!(izmir_pool.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![c.id.as_str()]);
        let step = app.history("manager_izmir", &c.id).await.pop().unwrap();
        assert_eq!(step.action, pb::HistoryAction::Transferred as i32);
        assert_eq!(step.detail, "Adres İzmir il sınırları içinde.");
        assert_eq!(step.from_pool_id, app.org.ankara_water);
    }

    async fn transferring_to_the_same_or_an_unknown_pool_is_refused(app) {
        let c = app.open_case().await;
        let mut req = pb::TransferCaseRequest { case_id: c.id.clone(), target_pool_id: app.org.ankara_water.clone(), reason: "x".into(), expected_version: None, ..Default::default() };
        assert_eq!(app.case.transfer_case(as_user("manager_ankara", req.clone())).await.unwrap_err().code(), Code::FailedPrecondition);
        req.target_pool_id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.case.transfer_case(as_user("manager_ankara", req.clone())).await.unwrap_err().code(), Code::NotFound);
        req.reason = " ".into();
        assert_eq!(violated_fields(&app.case.transfer_case(as_user("manager_ankara", req)).await.unwrap_err()), vec!["reason"]);
    }

    async fn notes_never_close_and_after_three_days_closing_needs_one(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let noted = app.note("expert_ankara", &c.id, "Ekip yönlendirildi.").await.unwrap();
        assert_eq!(noted.status, pb::CaseStatus::Held as i32, "a note never closes the record");
        // Entered Monday 10:00 Istanbul; Friday 00:30 is four calendar days later.
        app.clock.set("2026-03-05T21:30:00Z".parse().unwrap());
        let c2 = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!(c2.days_in_pool, 4);
        assert!(!c2.note_required_to_close, "the note made in the pool satisfies the rule");
        let fresh = app.open_case().await;
        app.claim("expert_ankara", &[&fresh.id]).await.unwrap();
        app.clock.advance(SignedDuration::from_hours(24 * 4));
        let shown = app.get("expert_ankara", &fresh.id).await.unwrap();
        assert!(shown.note_required_to_close, "the rule is shown before it blocks");
        let err = app.close("expert_ankara", &fresh.id, "Giderildi.").await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert!(err.message().contains("3 days"), "{}", err.message());
        app.note("expert_ankara", &fresh.id, "Malzeme bekleniyor.").await.unwrap();
        let closed = app.close("expert_ankara", &fresh.id, "Giderildi.").await.unwrap();
        assert_eq!(closed.status, pb::CaseStatus::AwaitingCallback as i32);
    }

    async fn three_days_are_counted_in_istanbul_calendar_days(app) {
        let c = app.open_case().await; // Monday 10:00 Istanbul
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.clock.set("2026-03-05T20:59:00Z".parse().unwrap()); // Thursday 23:59 Istanbul: 3 days
        assert!(!app.get("expert_ankara", &c.id).await.unwrap().note_required_to_close);
        app.clock.set("2026-03-05T21:01:00Z".parse().unwrap()); // Friday 00:01 Istanbul: 4 days
        assert!(app.get("expert_ankara", &c.id).await.unwrap().note_required_to_close);
    }

    async fn only_the_holding_expert_closes_and_an_email_reply_resolves_at_once(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.reply_channel = tekmerkez_proto::common_v1::ReplyChannel::Email as i32;
        let c = app.create(req).await;
        assert_eq!(app.close("expert_ankara", &c.id, "x").await.unwrap_err().code(), Code::FailedPrecondition, "not held yet");
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        // Held by another expert, the record is out of expert2's sight: the
        // refusal reads as "not found", as GetCase does.
        let err = app.close("expert2_ankara", &c.id, "x").await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{}", err.message());
        assert_eq!(app.get("expert2_ankara", &c.id).await.unwrap_err().code(), Code::NotFound);
        assert_eq!(app.close("manager_ankara", &c.id, "x").await.unwrap_err().code(), Code::PermissionDenied);
        let closed = app.close("expert_ankara", &c.id, "Arıza giderilmiştir.").await.unwrap();
        assert_eq!(closed.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(closed.official_answer, "Arıza giderilmiştir.");
        assert_eq!(closed.closed_by, app.user_id("expert_ankara"));
        let err = app.note("manager_ankara", &c.id, "geç not").await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "no notes on a resolved record");
    }

    async fn a_case_without_any_contact_detail_is_answered_and_resolved_with_nothing_to_send(app) {
        use tekmerkez_proto::common_v1 as common;
        // A social conversation that never gave a phone number: no contact
        // at all, and the reply channel says so.
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.channel = common::Channel::SocialMedia as i32;
        req.contact = None;
        req.consent = None;
        req.reply_channel = common::ReplyChannel::NoContact as i32;
        let c = app.create(req.clone()).await;
        assert_eq!(c.reply_channel, common::ReplyChannel::NoContact as i32);
        assert_eq!(c.status, pb::CaseStatus::InPool as i32);
        // The same application again is the same case (intake republishes
        // after a crash).
        let again = app.create(req).await;
        assert_eq!(again.id, c.id);
        assert_eq!(app.case_count().await, 1);

        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let closed = app.close("expert_ankara", &c.id, "Arıza giderilmiştir.").await.unwrap();
        assert_eq!(closed.status, pb::CaseStatus::Resolved as i32, "nobody to call back: resolved at once");
        assert_eq!(closed.official_answer, "Arıza giderilmiştir.");
        assert_eq!(closed.closed_by, app.user_id("expert_ankara"));
        let callbacks = app.list("callback_ankara", pb::CaseView::CallbackPool, 50, "").await.unwrap();
        assert!(callbacks.cases.is_empty(), "never in the callback pool");
        let steps = app.history("manager_ankara", &c.id).await;
        let actions: Vec<i32> = steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, vec![
            pb::HistoryAction::Opened as i32,
            pb::HistoryAction::Claimed as i32,
            pb::HistoryAction::ClosedByExpert as i32,
            pb::HistoryAction::Resolved as i32,
        ]);
        assert_eq!(steps.last().unwrap().detail, "no_contact");
    }

    async fn a_contact_reply_channel_still_needs_its_contact_detail(app) {
        use tekmerkez_proto::common_v1 as common;
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.contact = None;
        req.consent = None;
        req.reply_channel = common::ReplyChannel::PhoneCallback as i32;
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["contact.phone"]);
        assert_eq!(app.case_count().await, 0);
    }

    async fn a_stale_expected_version_is_refused_so_a_double_submit_writes_once(app) {
        let c = app.open_case().await;
        let held = app.claim("expert_ankara", &[&c.id]).await.unwrap().remove(0);
        let req = pb::AddNoteRequest { case_id: c.id.clone(), text: "Bir kez".into(), expected_version: Some(held.version) };
        app.case.add_note(as_user("expert_ankara", req.clone())).await.unwrap();
        let err = app.case.add_note(as_user("expert_ankara", req)).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        let notes = app.get("expert_ankara", &c.id).await.unwrap().notes;
        assert_eq!(notes.len(), 1);
    }

    async fn notes_are_bounded_and_need_text(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        assert_eq!(violated_fields(&app.note("expert_ankara", &c.id, "").await.unwrap_err()), vec!["text"]);
        assert_eq!(violated_fields(&app.note("expert_ankara", &c.id, &"ğ".repeat(4001)).await.unwrap_err()), vec!["text"]);
    }

    async fn a_resolved_record_can_be_reopened_by_its_pool_manager(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.reply_channel = tekmerkez_proto::common_v1::ReplyChannel::Sms as i32;
        let c = app.create(req).await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let closed = app.close("expert_ankara", &c.id, "Tamam").await.unwrap();
        let reopen = pb::ReopenCaseRequest { case_id: c.id.clone(), reason: "Vatandaş sorunun sürdüğünü bildirdi.".into(), expected_version: Some(closed.version) };
        assert_eq!(app.case.reopen_case(as_user("expert_ankara", reopen.clone())).await.unwrap_err().code(), Code::PermissionDenied);
        let open = app.case.reopen_case(as_user("manager_ankara", reopen)).await.unwrap().into_inner().case.unwrap();
        assert_eq!((open.status, open.holder_id.as_str()), (pb::CaseStatus::InPool as i32, ""));
        let actions: Vec<i32> = app.history("manager_ankara", &c.id).await.iter().map(|s| s.action).collect();
        use pb::HistoryAction as A;
        assert_eq!(actions, vec![A::Opened as i32, A::Claimed as i32, A::ClosedByExpert as i32, A::Resolved as i32, A::Reopened as i32]);
    }
}
