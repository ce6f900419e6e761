//! `WhereIsCase` and the callback agent's reopening: a former holder learns
//! who moved a case where (and nothing else), anyone else gets NOT_FOUND as
//! for a missing case; task steps and notes carry their people's names; a
//! callback agent reopens a case they resolved until 23:59 Istanbul time
//! that day, and nobody else that way.

use jiff::SignedDuration;
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn where_is(id: &str) -> pb::WhereIsCaseRequest {
    pb::WhereIsCaseRequest {
        case_id: id.to_owned(),
    }
}

fn reopen(id: &str, reason: &str) -> pb::ReopenCaseRequest {
    pb::ReopenCaseRequest {
        case_id: id.to_owned(),
        reason: reason.to_owned(),
        expected_version: None,
    }
}

/// A case closed for a phone reply, claimed and resolved ("reached") by
/// the Ankara callback agent.
async fn resolved_by_callback(app: &mut TestApp) -> pb::Case {
    let c = app.open_case().await;
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    app.close("expert_ankara", &c.id, "Boru onarıldı.")
        .await
        .unwrap();
    app.claim("callback_ankara", &[&c.id]).await.unwrap();
    let req = pb::RecordCallbackOutcomeRequest {
        case_id: c.id.clone(),
        outcome: pb::CallbackOutcome::Reached as i32,
        retry_at: None,
        note: String::new(),
        expected_version: None,
        survey_score: None,
        survey_comment: String::new(),
    };
    app.case
        .record_callback_outcome(as_user("callback_ankara", req))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap()
}

both_stores! {
    async fn a_former_holder_is_told_who_moved_the_case_where_and_a_stranger_nothing(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.note("expert_ankara", &c.id, "Ekip yönlendirildi.").await.unwrap();
        let to = app.user_id("expert2_ankara");
        app.case
            .assign_cases(as_user("manager_ankara", pb::AssignCasesRequest {
                case_ids: vec![c.id.clone()],
                assignee_user_id: to,
            }))
            .await
            .unwrap();
        assert_eq!(app.get("expert_ankara", &c.id).await.unwrap_err().code(), Code::NotFound);

        let w = app.case.where_is_case(as_user("expert_ankara", where_is(&c.id))).await.unwrap().into_inner();
        assert_eq!(w.action, pb::HistoryAction::Assigned as i32);
        assert_eq!(w.actor_display_name, "manager_ankara");
        assert_eq!(w.to_holder_display_name, "expert2_ankara");
        assert_eq!(w.to_status, pb::CaseStatus::Held as i32);
        assert_eq!(w.tracking_number, c.tracking_number);
        assert!(w.reopenable_until.is_none());
        assert!(!w.by_caller);

        // Someone who never held or worked it: as for a case that does not exist.
        for who in ["expert_izmir", "callback_ankara", "callcentre"] {
            let err = app.case.where_is_case(as_user(who, where_is(&c.id))).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "{who}");
        }
        let missing = app.case.where_is_case(as_user("expert_ankara", where_is("0190b8a0-0000-7000-8000-000000000001"))).await.unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);

        // The steps and notes carry their people's and pools' names.
        let steps = app.history("manager_ankara", &c.id).await;
        let assigned = steps.iter().find(|s| s.action == pb::HistoryAction::Assigned as i32).unwrap();
        assert_eq!(
            (assigned.actor_display_name.as_str(), assigned.from_holder_display_name.as_str(), assigned.to_holder_display_name.as_str()),
            ("manager_ankara", "expert_ankara", "expert2_ankara")
        );
        assert!(!assigned.to_pool_name.is_empty());
        let seen = app.get("manager_ankara", &c.id).await.unwrap();
        assert_eq!(seen.notes[0].author_display_name, "expert_ankara");
    }

    async fn a_callback_agent_reopens_what_they_resolved_until_istanbul_midnight(app) {
        let c = resolved_by_callback(&mut app).await;
        let w = app.case.where_is_case(as_user("callback_ankara", where_is(&c.id))).await.unwrap().into_inner();
        assert_eq!(w.action, pb::HistoryAction::Resolved as i32);
        assert!(w.by_caller);
        // Resolved at 10:00 Istanbul time on 2 March: until 3 March 00:00 (21:00 UTC).
        assert_eq!(w.reopenable_until.map(|t| t.seconds), Some("2026-03-02T21:00:00Z".parse::<jiff::Timestamp>().unwrap().as_second()));

        // Not the expert who closed it (they may see it, not reopen it this way).
        let err = app.case.reopen_case(as_user("expert_ankara", reopen(&c.id, "Yanlışlık"))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = app.case.reopen_case(as_user("callback_ankara", reopen(&c.id, ""))).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["reason"]);

        let again = app.case.reopen_case(as_user("callback_ankara", reopen(&c.id, "Vatandaş geri aradı."))).await.unwrap().into_inner().case.unwrap();
        assert_eq!(again.status, pb::CaseStatus::AwaitingCallback as i32);
        assert_eq!(again.holder_id, app.user_id("callback_ankara"));
        assert!(!again.official_answer.is_empty(), "the answer stays to read out");
        let last = app.history("manager_ankara", &c.id).await.pop().unwrap();
        assert_eq!(last.action, pb::HistoryAction::Reopened as i32);
        assert_eq!(last.detail, "Vatandaş geri aradı.");
        assert_eq!(last.actor_display_name, "callback_ankara");
    }

    async fn after_the_day_of_resolution_the_callback_agent_cannot_reopen(app) {
        let c = resolved_by_callback(&mut app).await;
        // 23:59 Istanbul time that day is still in time; midnight is not.
        app.clock.set("2026-03-02T20:59:00Z".parse().unwrap());
        let w = app.case.where_is_case(as_user("callback_ankara", where_is(&c.id))).await.unwrap().into_inner();
        assert!(w.reopenable_until.is_some());
        app.clock.advance(SignedDuration::from_mins(1));
        let w = app.case.where_is_case(as_user("callback_ankara", where_is(&c.id))).await.unwrap().into_inner();
        assert!(w.reopenable_until.is_none());
        let err = app.case.reopen_case(as_user("callback_ankara", reopen(&c.id, "Geç kaldım."))).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        assert_eq!(app.get("manager_ankara", &c.id).await.unwrap().status, pb::CaseStatus::Resolved as i32);
    }
}
