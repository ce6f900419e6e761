//! Transfer to another province with the record's province, district and
//! category corrected on the way (issue 15, defect 4): for the
//! institution's pool managers and admins only, each correction a task step.

use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn to_izmir(app: &TestApp, id: &str) -> pb::TransferCaseRequest {
    pb::TransferCaseRequest {
        case_id: id.to_owned(),
        target_pool_id: app.org.izmir_water.clone(),
        reason: "Adres İzmir'de: il yanlış seçilmiş.".into(),
        province_code: 35,
        district: "bornova".into(),
        category: "fatura_itirazi".into(),
        ..Default::default()
    }
}

both_stores! {
    async fn a_manager_transfers_to_another_province_and_every_correction_is_a_task_step(app) {
        let c = app.open_case().await;
        let moved = app.case.transfer_case(as_user("manager_ankara", to_izmir(&app, &c.id))).await.unwrap().into_inner().case.unwrap();
        let loc = moved.location.clone().unwrap();
        assert_eq!((moved.pool_id.as_str(), loc.province_code, loc.district.as_str(), moved.category.as_str()),
            (app.org.izmir_water.as_str(), 35, "Bornova", "fatura_itirazi"));
        let steps = app.history("manager_izmir", &c.id).await;
        let tail: Vec<(i32, &str)> = steps.iter().skip(1).map(|s| (s.action, s.detail.as_str())).collect();
        assert_eq!(tail, vec![
            (pb::HistoryAction::ProvinceCorrected as i32, "6 → 35"),
            (pb::HistoryAction::DistrictCorrected as i32, "Çankaya → Bornova"),
            (pb::HistoryAction::CategoryCorrected as i32, "su_arizasi → fatura_itirazi"),
            (pb::HistoryAction::Transferred as i32, "Adres İzmir'de: il yanlış seçilmiş."),
        ]);
        let me = app.user_id("manager_ankara");
        assert!(steps.iter().skip(1).all(|s| s.actor_user_id == me), "each step names who did it");
        // The İzmir expert now finds it in the pool, under the corrected category.
        let pool = app.list("expert_izmir", pb::CaseView::Pool, 50, "").await.unwrap();
        assert_eq!(pool.cases.iter().map(|c| c.category.as_str()).collect::<Vec<_>>(), vec!["fatura_itirazi"]);
    }

    async fn an_admin_transfers_across_provinces_and_a_province_correction_alone_clears_the_district(app) {
        let c = app.open_case().await;
        let req = pb::TransferCaseRequest { district: String::new(), category: String::new(), ..to_izmir(&app, &c.id) };
        let moved = app.case.transfer_case(as_user("admin", req)).await.unwrap().into_inner().case.unwrap();
        let loc = moved.location.unwrap();
        assert_eq!((loc.province_code, loc.district.as_str(), moved.category.as_str()), (35, "", "su_arizasi"));
        let actions: Vec<i32> = app.history("admin", &c.id).await.iter().skip(1).map(|s| s.action).collect();
        assert_eq!(actions, vec![pb::HistoryAction::ProvinceCorrected as i32, pb::HistoryAction::DistrictCorrected as i32, pb::HistoryAction::Transferred as i32]);
    }

    async fn an_expert_may_neither_transfer_to_another_province_nor_correct(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let err = app.case.transfer_case(as_user("expert_ankara", to_izmir(&app, &c.id))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let plain = pb::TransferCaseRequest { province_code: 0, district: String::new(), category: String::new(), ..to_izmir(&app, &c.id) };
        assert_eq!(app.case.transfer_case(as_user("expert_ankara", plain)).await.unwrap_err().code(), Code::PermissionDenied);
        let same_province = pb::TransferCaseRequest { target_pool_id: app.org.ankara_billing.clone(), province_code: 0, district: String::new(), ..to_izmir(&app, &c.id) };
        assert_eq!(app.case.transfer_case(as_user("expert_ankara", same_province)).await.unwrap_err().code(), Code::PermissionDenied);
        // Another province's manager does not see it at all.
        assert_eq!(app.case.transfer_case(as_user("manager_izmir", to_izmir(&app, &c.id))).await.unwrap_err().code(), Code::NotFound);
        let got = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!((got.pool_id.as_str(), got.category.as_str(), got.location.unwrap().province_code), (app.org.ankara_water.as_str(), "su_arizasi", 6));
        assert_eq!(app.history("admin", &c.id).await.len(), 2, "opened and claimed; nothing else");
    }

    async fn a_district_outside_the_province_or_an_unknown_province_is_refused_by_its_field(app) {
        let c = app.open_case().await;
        let wrong = pb::TransferCaseRequest { district: "Çankaya".into(), ..to_izmir(&app, &c.id) };
        let err = app.case.transfer_case(as_user("manager_ankara", wrong)).await.unwrap_err();
        assert_eq!((err.code(), violated_fields(&err)), (Code::InvalidArgument, vec!["district".to_owned()]));
        let unknown = pb::TransferCaseRequest { province_code: 99, category: "Fatura İtirazı!".into(), ..to_izmir(&app, &c.id) };
        let err = app.case.transfer_case(as_user("manager_ankara", unknown)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["province_code".to_owned(), "category".to_owned()]);
        assert_eq!(app.history("admin", &c.id).await.len(), 1, "nothing changed");
    }
}
