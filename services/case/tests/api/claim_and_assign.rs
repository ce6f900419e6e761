use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn a_claimed_record_leaves_the_pool_for_every_other_expert(app) {
        let c = app.open_case().await;
        let claimed = app.claim("expert_ankara", &[&c.id]).await.unwrap();
        assert_eq!(claimed[0].status, pb::CaseStatus::Held as i32);
        assert_eq!(claimed[0].holder_id, app.user_id("expert_ankara"));
        let pool = app.list("expert2_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert!(pool.cases.is_empty(), "the other expert's pool view must not show it");
        let err = app.get("expert2_ankara", &c.id).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        let mine = app.list("expert_ankara", pb::CaseView::Mine, 50, "").await.unwrap();
        assert_eq!(mine.cases.len(), 1);
        let err = app.claim("expert2_ankara", &[&c.id]).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
    }

    async fn fifty_concurrent_claims_of_one_record_have_exactly_one_winner(app) {
        let c = app.open_case().await;
        let mut tasks = Vec::new();
        for i in 0..50 {
            let mut client = app.case.clone();
            let who = if i % 2 == 0 { "expert_ankara" } else { "expert2_ankara" };
            let id = c.id.clone();
            tasks.push(tokio::spawn(async move {
                client.claim_cases(as_user(who, pb::ClaimCasesRequest { case_ids: vec![id] })).await
            }));
        }
        let (mut won, mut refused) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => won += 1,
                Err(s) if s.code() == Code::FailedPrecondition => refused += 1,
                Err(s) => panic!("unexpected status {s:?}"),
            }
        }
        assert_eq!((won, refused), (1, 49));
        let steps = app.history("manager_ankara", &c.id).await;
        assert_eq!(steps.iter().filter(|s| s.action == pb::HistoryAction::Claimed as i32).count(), 1);
    }

    async fn a_bulk_claim_is_all_or_nothing_and_names_the_failing_records(app) {
        let a = app.open_case().await;
        let b = app.open_case().await;
        let c = app.open_case().await;
        app.claim("expert2_ankara", &[&b.id]).await.unwrap();
        let err = app.claim("expert_ankara", &[&a.id, &b.id, &c.id]).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(failed_subjects(&err), vec![b.id.clone()]);
        for id in [&a.id, &c.id] {
            assert_eq!(app.get("manager_ankara", id).await.unwrap().status, pb::CaseStatus::InPool as i32, "nothing was claimed");
        }
        let claimed = app.claim("expert_ankara", &[&a.id, &c.id]).await.unwrap();
        assert_eq!(claimed.len(), 2);
    }

    async fn only_the_pool_manager_assigns_and_moves_records(app) {
        let a = app.open_case().await;
        let b = app.open_case().await;
        let expert = app.user_id("expert_ankara");
        let expert2 = app.user_id("expert2_ankara");
        let req = |ids: Vec<String>, to: &str| pb::AssignCasesRequest { case_ids: ids, assignee_user_id: to.to_owned() };
        let err = app.case.assign_cases(as_user("expert_ankara", req(vec![a.id.clone()], &expert))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let assigned = app.case.assign_cases(as_user("manager_ankara", req(vec![a.id.clone(), b.id.clone()], &expert))).await.unwrap().into_inner().cases;
        assert!(assigned.iter().all(|c| c.holder_id == expert && c.status == pb::CaseStatus::Held as i32));
        let moved = app.case.assign_cases(as_user("manager_ankara", req(vec![a.id.clone()], &expert2))).await.unwrap().into_inner().cases;
        assert_eq!(moved[0].holder_id, expert2);
        let steps = app.history("manager_ankara", &a.id).await;
        let last = steps.last().unwrap();
        assert_eq!((last.from_holder_id.as_str(), last.to_holder_id.as_str()), (expert.as_str(), expert2.as_str()));
        assert_eq!(last.actor_user_id, app.user_id("manager_ankara"));
    }

    async fn records_go_only_to_experts_of_their_pool(app) {
        let a = app.open_case().await;
        let izmir_expert = app.user_id("expert_izmir");
        let err = app
            .case
            .assign_cases(as_user("manager_ankara", pb::AssignCasesRequest { case_ids: vec![a.id.clone()], assignee_user_id: izmir_expert }))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(failed_subjects(&err), vec![a.id.clone()]);
        let manager = app.user_id("manager_ankara");
        let err = app
            .case
            .assign_cases(as_user("manager_ankara", pb::AssignCasesRequest { case_ids: vec![a.id], assignee_user_id: manager }))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "a pool manager is not an institutional expert");
    }

    async fn bulk_calls_reject_empty_repeated_and_malformed_ids(app) {
        let a = app.open_case().await;
        for ids in [vec![], vec![a.id.clone(), a.id.clone()], vec!["x".to_owned()]] {
            let err = app.case.claim_cases(as_user("expert_ankara", pb::ClaimCasesRequest { case_ids: ids })).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument);
            assert_eq!(violated_fields(&err), vec!["case_ids"]);
        }
        let many: Vec<String> = (0..101).map(|_| uuid::Uuid::new_v4().to_string()).collect();
        let err = app.case.claim_cases(as_user("expert_ankara", pb::ClaimCasesRequest { case_ids: many })).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }
}
