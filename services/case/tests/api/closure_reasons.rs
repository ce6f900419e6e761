//! Closure reasons as admin-editable data: one is required to close (a
//! missing, unknown or inactive one is refused by the `closure_reason`
//! field), it is stored on the case and carried on the closing events;
//! admins add and change reasons (who and when recorded, a stale edit
//! refused), and deactivating one never touches the cases closed with it.
//! Information-only records take the default reason of their deadline
//! policy (`deadlines::closes_no_person_makes_take_their_reason_from_the_policy`). An
//! agent's type change is a task step and an event.

use prost::Message as _;
use tekmerkez_bus::Bus as _;
use tekmerkez_proto::{
    case_v1::{self as pb, classification_service_client::ClassificationServiceClient},
    common_v1 as common,
};
use tonic::{Code, transport::Channel};

use crate::{both_stores, helpers::*};

async fn classification(app: &TestApp) -> ClassificationServiceClient<Channel> {
    ClassificationServiceClient::connect(format!("http://{}", app.addr))
        .await
        .unwrap()
}

async fn held_case(app: &mut TestApp) -> pb::Case {
    let c = app.open_case().await;
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    c
}

async fn close_with(app: &mut TestApp, id: &str, reason: &str) -> Result<pb::Case, tonic::Status> {
    let req = pb::CloseCaseRequest {
        case_id: id.to_owned(),
        official_answer: "Arıza giderildi.".into(),
        expected_version: None,
        closure_reason: reason.to_owned(),
    };
    app.case
        .close_case(as_user("expert_ankara", req))
        .await
        .map(|r| r.into_inner().case.unwrap())
}

async fn reasons(app: &TestApp, who: &str, include_inactive: bool) -> Vec<pb::ClosureReason> {
    classification(app)
        .await
        .list_closure_reasons(as_user(
            who,
            pb::ListClosureReasonsRequest { include_inactive },
        ))
        .await
        .unwrap()
        .into_inner()
        .reasons
}

fn edit(r: &pb::ClosureReason, active: bool) -> pb::UpdateClosureReasonRequest {
    pb::UpdateClosureReasonRequest {
        code: r.code.clone(),
        label_tr: r.label_tr.clone(),
        label_en: r.label_en.clone(),
        position: r.position,
        active,
        expected_version: r.version,
    }
}

both_stores! {
    async fn the_seeded_reasons_are_listed_in_order_with_turkish_labels(app) {
        let all = reasons(&app, "expert_ankara", false).await;
        let codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        for c in ["cozuldu", "bilgi_verildi", "yetki_disi", "mukerrer", "asilsiz", "vatandasa_ulasilamadi"] {
            assert!(codes.contains(&c), "{c} in {codes:?}");
        }
        assert_eq!(all[0].label_tr, "Çözüldü");
        assert!(all.iter().any(|r| r.label_tr == "Yetki dışı — başka kuruma yönlendirildi"));
        assert!(all.windows(2).all(|w| w[0].position <= w[1].position));
    }

    async fn closing_needs_a_known_active_reason_and_keeps_it_on_the_case_and_events(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = held_case(&mut app).await;
        for (reason, rule) in [
            ("", "is required to close a record"),
            ("yok_boyle", "must be a known closure reason"),
            ("Çözüldü", "must be 1 to 64 of a-z, 0-9 and _"),
        ] {
            let err = close_with(&mut app, &c.id, reason).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{reason}");
            assert_eq!(violated_fields(&err), ["closure_reason"], "{reason}");
            assert!(err.message().contains(rule), "{}", err.message());
        }
        assert_eq!(app.get("expert_ankara", &c.id).await.unwrap().status, pb::CaseStatus::Held as i32);

        let closed = close_with(&mut app, &c.id, "yetki_disi").await.unwrap();
        assert_eq!(closed.closure_reason, "yetki_disi");
        assert_eq!(app.get("manager_ankara", &c.id).await.unwrap().closure_reason, "yetki_disi");
        loop {
            let env = tokio::time::timeout(std::time::Duration::from_secs(10), rx.next()).await.unwrap().unwrap().envelope;
            if let Some(pb::case_event::Payload::ClosedByExpert(e)) = pb::CaseEvent::decode(env.payload.clone()).unwrap().payload {
                assert_eq!(e.closure_reason, "yetki_disi");
                break;
            }
        }
    }

    async fn a_deactivated_reason_is_refused_for_new_closes_and_kept_on_closed_cases(app) {
        let a = held_case(&mut app).await;
        close_with(&mut app, &a.id, "asilsiz").await.unwrap();
        let all = reasons(&app, "admin", true).await;
        let asilsiz = all.iter().find(|r| r.code == "asilsiz").unwrap();
        let mut grpc = classification(&app).await;
        let changed = grpc
            .update_closure_reason(as_user("admin", edit(asilsiz, false)))
            .await
            .unwrap()
            .into_inner()
            .reason
            .unwrap();
        assert!(!changed.active);
        assert_eq!(changed.version, asilsiz.version + 1);
        assert!(!changed.updated_by.is_empty() && !changed.updated_by_display_name.is_empty(), "who changed it is recorded");
        assert!(changed.updated_at.is_some());

        assert!(!reasons(&app, "expert_ankara", false).await.iter().any(|r| r.code == "asilsiz"));
        assert!(reasons(&app, "admin", true).await.iter().any(|r| r.code == "asilsiz" && !r.active));
        let b = held_case(&mut app).await;
        let err = close_with(&mut app, &b.id, "asilsiz").await.unwrap_err();
        assert_eq!(violated_fields(&err), ["closure_reason"]);
        assert!(err.message().contains("no longer in use"));
        assert_eq!(app.get("manager_ankara", &a.id).await.unwrap().closure_reason, "asilsiz", "closed cases keep it");

        // The admin's screen was stale: the edit is refused, not lost silently.
        let err = grpc.update_closure_reason(as_user("admin", edit(asilsiz, true))).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
    }

    async fn admins_add_reasons_and_nobody_else_edits_them(app) {
        let mut grpc = classification(&app).await;
        let new = || pb::CreateClosureReasonRequest {
            code: "kurum_ici_cozum".into(),
            label_tr: "Kurum içinde çözüldü".into(),
            label_en: "Solved within the institution".into(),
            position: 15,
        };
        let err = grpc.create_closure_reason(as_user("manager_ankara", new())).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let made = grpc.create_closure_reason(as_user("admin", new())).await.unwrap().into_inner().reason.unwrap();
        assert!(made.active);
        assert!(!made.updated_by_display_name.is_empty());
        let err = grpc.create_closure_reason(as_user("admin", new())).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        let bad = pb::CreateClosureReasonRequest { code: "Kötü Kod".into(), label_tr: " ".into(), label_en: "x".repeat(101), position: 10_000 };
        let err = grpc.create_closure_reason(as_user("admin", bad)).await.unwrap_err();
        let mut fields = violated_fields(&err);
        fields.sort();
        assert_eq!(fields, ["code", "label_en", "label_tr", "position"]);

        let c = held_case(&mut app).await;
        assert_eq!(close_with(&mut app, &c.id, "kurum_ici_cozum").await.unwrap().closure_reason, "kurum_ici_cozum");
        let err = grpc.update_closure_reason(as_user("expert_ankara", edit(&made, false))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
    }

    async fn an_information_only_record_takes_the_default_reason(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.information_only = true;
        req.information_answer = "Kesinti 18:00'de bitecek.".into();
        let c = app.create(req).await;
        assert_eq!(c.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(c.closure_reason, "bilgi_verildi");
    }

    async fn the_holder_or_the_manager_changes_the_type_with_a_step_and_an_event(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = held_case(&mut app).await;
        let mut grpc = classification(&app).await;
        let change = |who: &str, t: common::ApplicationType| as_user(who, pb::ChangeApplicationTypeRequest {
            case_id: c.id.clone(),
            application_type: t as i32,
            expected_version: None,
        });
        let err = grpc.change_application_type(change("expert_izmir", common::ApplicationType::Sikayet)).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "outside the caller's scope");
        let err = grpc.change_application_type(change("expert_ankara", common::ApplicationType::Unspecified)).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["application_type"]);
        let changed = grpc.change_application_type(change("expert_ankara", common::ApplicationType::Sikayet)).await.unwrap().into_inner().case.unwrap();
        assert_eq!(changed.application_type, common::ApplicationType::Sikayet as i32);
        assert_eq!(changed.status, pb::CaseStatus::Held as i32, "nothing else changes");
        let err = grpc.change_application_type(change("manager_ankara", common::ApplicationType::Sikayet)).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "already that type");
        grpc.change_application_type(change("manager_ankara", common::ApplicationType::Ihbar)).await.unwrap();

        let steps = app.history("manager_ankara", &c.id).await;
        let details: Vec<&str> = steps.iter().filter(|s| s.action == pb::HistoryAction::TypeChanged as i32).map(|s| s.detail.as_str()).collect();
        assert_eq!(details, ["talep → sikayet", "sikayet → ihbar"]);
        let mut changes = Vec::new();
        while changes.len() < 2 {
            let env = tokio::time::timeout(std::time::Duration::from_secs(10), rx.next()).await.unwrap().unwrap().envelope;
            if let Some(pb::case_event::Payload::TypeChanged(e)) = pb::CaseEvent::decode(env.payload.clone()).unwrap().payload {
                changes.push((e.from_type, e.to_type));
            }
        }
        assert_eq!(changes[0], (common::ApplicationType::Talep as i32, common::ApplicationType::Sikayet as i32));
    }
}
