use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn an_ankara_expert_can_neither_see_nor_claim_an_izmir_record(app) {
        let izmir = app.application(&app.org.izmir_water.clone(), 35, "Karşıyaka");
        let c = app.create(izmir).await;
        assert_eq!(app.get("expert_ankara", &c.id).await.unwrap_err().code(), Code::NotFound);
        assert_eq!(app.get("manager_ankara", &c.id).await.unwrap_err().code(), Code::NotFound);
        let err = app.claim("expert_ankara", &[&c.id]).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(failed_subjects(&err), vec![c.id.clone()]);
        let by_tn = pb::GetCaseRequest { case_id: String::new(), tracking_number: c.tracking_number.clone() };
        assert_eq!(app.case.get_case(as_user("expert_ankara", by_tn.clone())).await.unwrap_err().code(), Code::NotFound);
        assert_eq!(app.case.get_history(as_user("expert_ankara", pb::GetHistoryRequest { case_id: c.id.clone() })).await.unwrap_err().code(), Code::NotFound);
        assert!(app.list("expert_ankara", pb::CaseView::Pool, 50, "").await.unwrap().cases.is_empty());
        assert_eq!(app.case.get_case(as_user("expert_izmir", by_tn)).await.unwrap().into_inner().case.unwrap().id, c.id);
        let transfer = pb::TransferCaseRequest { case_id: c.id.clone(), target_pool_id: app.org.ankara_water.clone(), reason: "x".into(), expected_version: None, ..Default::default() };
        assert_eq!(app.case.transfer_case(as_user("manager_ankara", transfer)).await.unwrap_err().code(), Code::NotFound);
    }

    async fn the_pool_manager_sees_every_unresolved_record_of_the_pool_with_contact_masked(app) {
        let a = app.open_case().await;
        let b = app.open_case().await;
        app.claim("expert_ankara", &[&a.id]).await.unwrap();
        let pool = app.list("manager_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert_eq!(pool.cases.len(), 2);
        let expert_pool = app.list("expert_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert_eq!(expert_pool.cases.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![b.id.clone()]);
        let seen = app.get("manager_ankara", &a.id).await.unwrap();
        assert!(seen.contact_masked);
        let contact = seen.contact.unwrap();
        assert!(!contact.name.contains("Yılmaz") && !contact.phone.contains("1234567"), "{contact:?}");
        let held = app.get("expert_ankara", &a.id).await.unwrap();
        assert!(!held.contact_masked);
        assert_eq!(held.contact.unwrap().name, "Ayşe Yılmaz");
    }

    async fn partners_and_call_centre_agents_see_only_what_they_recorded(app) {
        let own = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        let mine = app.case.create_case(as_user("partner", own)).await.unwrap().into_inner().case.unwrap();
        let other = app.open_case().await;
        assert_eq!(app.get("partner", &mine.id).await.unwrap().id, mine.id);
        assert_eq!(app.get("partner", &other.id).await.unwrap_err().code(), Code::NotFound);
        let all = app.list("partner", pb::CaseView::All, 50, "").await.unwrap();
        assert_eq!(all.cases.len(), 1);
        assert_eq!(app.get("callcentre", &mine.id).await.unwrap_err().code(), Code::NotFound);
        assert_eq!(app.list("partner", pb::CaseView::Pool, 50, "").await.unwrap_err().code(), Code::PermissionDenied);
    }
}
