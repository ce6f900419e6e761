//! `CreateCaseRequest.recorded_by`: an application that staff recorded on a
//! citizen's behalf (a call, a letter, a counter visit) reaches the case
//! service through routing, and the case counts as opened by that person —
//! they see it among the records they took, the task steps name them, and
//! an information-only one was resolved by them. Only routing may name
//! them, and only a user who may record applications counts.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn a_record_taken_by_staff_is_theirs_when_routing_opens_it(app) {
        let agent = app.user_id("callcentre");
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.channel = common::Channel::Phone as i32;
        req.recorded_by = agent.clone();
        let c = app.create(req).await;
        assert_eq!(c.status, pb::CaseStatus::InPool as i32);

        let mine = app.list("callcentre", pb::CaseView::All, 50, "").await.unwrap();
        let listed: Vec<&str> = mine.cases.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(listed, vec![c.id.as_str()], "the agent sees the record they took");
        let seen = app.get("callcentre", &c.id).await.unwrap();
        assert!(!seen.contact_masked, "the agent who typed the contact sees it");

        let steps = app.history("admin", &c.id).await;
        assert_eq!(steps[0].action, pb::HistoryAction::Opened as i32);
        assert_eq!(steps[0].actor_user_id, agent, "the task step names who recorded it");
        assert!(steps[0].actor_service.is_empty());
    }

    async fn an_information_only_call_routed_for_an_agent_is_resolved_by_them(app) {
        let agent = app.user_id("callcentre");
        let mut req = app.application(&app.org.ankara_billing.clone(), 6, "Keçiören");
        req.channel = common::Channel::Phone as i32;
        req.information_only = true;
        req.information_answer = "Fatura son ödeme tarihi bilgisi verildi.".into();
        req.recorded_by = agent.clone();
        let c = app.create(req).await;
        assert_eq!(c.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(c.closed_by, agent);
        assert_eq!(c.official_answer, "Fatura son ödeme tarihi bilgisi verildi.");
        let actions: Vec<(i32, String)> = app
            .history("callcentre", &c.id)
            .await
            .into_iter()
            .map(|s| (s.action, s.actor_user_id))
            .collect();
        assert_eq!(
            actions,
            vec![
                (pb::HistoryAction::Opened as i32, agent.clone()),
                (pb::HistoryAction::Resolved as i32, agent)
            ]
        );
    }

    async fn recorded_by_naming_someone_who_may_not_record_opens_the_case_for_nobody(app) {
        // An expert cannot take applications: the case is opened (the citizen's
        // application is never lost) but it is not the expert's.
        let expert = app.user_id("expert_ankara");
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.recorded_by = expert;
        let c = app.create(req).await;
        let steps = app.history("admin", &c.id).await;
        assert!(steps[0].actor_user_id.is_empty());
        assert_eq!(steps[0].actor_service, "routing");
        let mine = app.list("callcentre", pb::CaseView::All, 50, "").await.unwrap();
        assert!(mine.cases.is_empty());
        // An id that names nobody at all: the same.
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.recorded_by = uuid::Uuid::new_v4().to_string();
        let c = app.create(req).await;
        assert_eq!(app.history("admin", &c.id).await[0].actor_service, "routing");
        assert_eq!(app.case_count().await, 2);
    }

    async fn only_routing_may_name_who_recorded_and_only_with_a_user_id(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.recorded_by = app.user_id("manager_ankara");
        // The agent typing it in the gateway is already the creator; naming
        // someone else is refused.
        let err = app.case.create_case(as_user("callcentre", req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["recorded_by"]);
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.recorded_by = "ömer".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["recorded_by"]);
        assert!(!err.message().contains("ömer"), "an error names the field, not the value");
        assert_eq!(app.case_count().await, 0);
    }
}
