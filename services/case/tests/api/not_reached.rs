//! "Citizen not reached": notify reports an answer it could not deliver,
//! the case keeps its status but shows in the callback unit's
//! *Ulaşılamayanlar* list (and in its managers' counts), and whoever acts on
//! it records what they did, which clears the mark. Notify's report is
//! idempotent on the delivery and carries codes only.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;
use uuid::Uuid;

use crate::{authorization_matrix::mark_not_reached, both_stores, helpers::*};

/// An e-mail-reply case the Ankara expert answered: resolved at once.
async fn answered_by_email(app: &mut TestApp) -> pb::Case {
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.reply_channel = common::ReplyChannel::Email as i32;
    let c = app.create(req).await;
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    app.close("expert_ankara", &c.id, "Arıza giderildi.")
        .await
        .unwrap()
}

fn resolve(id: &str, outcome: pb::NotReachedOutcome, note: &str) -> pb::ResolveNotReachedRequest {
    pb::ResolveNotReachedRequest {
        case_id: id.to_owned(),
        outcome: outcome as i32,
        note: note.to_owned(),
        expected_version: None,
    }
}

async fn not_reached_ids(app: &mut TestApp, who: &str) -> Vec<String> {
    app.list(who, pb::CaseView::NotReached, 50, "")
        .await
        .unwrap()
        .cases
        .into_iter()
        .map(|c| c.id)
        .collect()
}

both_stores! {
    async fn an_undelivered_answer_puts_the_resolved_case_on_the_callback_units_list_once(app) {
        let c = answered_by_email(&mut app).await;
        assert_eq!(c.status, pb::CaseStatus::Resolved as i32);
        assert!(not_reached_ids(&mut app, "callback_ankara").await.is_empty());

        let delivery = Uuid::now_v7().to_string();
        assert!(mark_not_reached(&mut app, &c.id, &delivery).await.unwrap());
        assert!(!mark_not_reached(&mut app, &c.id, &delivery).await.unwrap(), "a repeated report is not a new mark");

        let seen = app.get("callback_ankara", &c.id).await.unwrap();
        assert_eq!(seen.status, pb::CaseStatus::Resolved as i32, "the case stays resolved");
        let mark = seen.not_reached.clone().expect("the mark shows on the case");
        assert_eq!((mark.channel.as_str(), mark.reason.as_str()), ("email", "rejected"));
        assert!(!seen.contact_masked, "the callback unit sees how to reach the citizen");
        assert_eq!(not_reached_ids(&mut app, "callback_ankara").await, vec![c.id.clone()]);
        assert_eq!(not_reached_ids(&mut app, "manager_ankara").await, vec![c.id.clone()]);
        assert!(not_reached_ids(&mut app, "manager_izmir").await.is_empty(), "another province's manager");
        let counted = app.case.count_cases(as_user("manager_ankara", pb::CountCasesRequest {
            views: vec![pb::CaseView::NotReached as i32],
        })).await.unwrap().into_inner().counts;
        assert_eq!(counted.first().map(|c| c.count), Some(1), "the pool manager sees the count");

        let steps = app.history("admin", &c.id).await;
        let marks: Vec<_> = steps.iter().filter(|s| s.action == pb::HistoryAction::CitizenNotReached as i32).collect();
        assert_eq!(marks.len(), 1, "one task step for one failed delivery");
        assert_eq!(marks[0].detail, "email: rejected");
        assert_eq!(marks[0].actor_service, "notify");
    }

    async fn acting_on_the_mark_records_what_was_done_and_takes_the_case_off_the_list(app) {
        let c = answered_by_email(&mut app).await;
        mark_not_reached(&mut app, &c.id, &Uuid::now_v7().to_string()).await.unwrap();

        let refused = app.case.resolve_not_reached(as_user("expert_ankara", resolve(&c.id, pb::NotReachedOutcome::Called, ""))).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "the expert is not the callback unit");

        let done = app.case.resolve_not_reached(as_user("callback_ankara", resolve(&c.id, pb::NotReachedOutcome::OtherChannel, "Cep telefonundan arandı, yanıt okundu.")))
            .await.unwrap().into_inner().case.unwrap();
        assert!(done.not_reached.is_none());
        assert_eq!(done.status, pb::CaseStatus::Resolved as i32);
        assert!(not_reached_ids(&mut app, "callback_ankara").await.is_empty());
        let steps = app.history("admin", &c.id).await;
        let last = steps.last().unwrap();
        assert_eq!((last.action, last.detail.as_str()), (pb::HistoryAction::NotReachedResolved as i32, "other_channel"));
        let notes = app.get("admin", &c.id).await.unwrap().notes;
        assert!(notes.iter().any(|n| n.text == "Cep telefonundan arandı, yanıt okundu."), "the note is kept");

        let twice = app.case.resolve_not_reached(as_user("manager_ankara", resolve(&c.id, pb::NotReachedOutcome::GaveUp, ""))).await.unwrap_err();
        assert_eq!(twice.code(), Code::FailedPrecondition, "{twice:?}");
        assert!(twice.message().contains("not reached"), "{}", twice.message());

        // A later delivery failing again marks it again.
        assert!(mark_not_reached(&mut app, &c.id, &Uuid::now_v7().to_string()).await.unwrap());
        assert_eq!(not_reached_ids(&mut app, "callback_ankara").await, vec![c.id.clone()]);
    }

    async fn only_notify_reports_a_citizen_not_reached_and_only_with_codes(app) {
        let c = answered_by_email(&mut app).await;
        let report = |reason: &str| pb::MarkCitizenNotReachedRequest {
            case_id: c.id.clone(),
            delivery_id: Uuid::now_v7().to_string(),
            channel: "sms".into(),
            reason: reason.to_owned(),
        };
        for token in [ROUTING_TOKEN, INTAKE_TOKEN, GATEWAY_TOKEN] {
            let s = app.case.mark_citizen_not_reached(with_token(token, report("rejected"))).await.unwrap_err();
            assert_eq!(s.code(), Code::PermissionDenied);
        }
        let s = app.case.mark_citizen_not_reached(as_user("admin", report("rejected"))).await.unwrap_err();
        assert_eq!(s.code(), Code::PermissionDenied);
        let s = app.case.mark_citizen_not_reached(with_token(NOTIFY_TOKEN, report("550 user ayse@ornek.com.tr unknown"))).await.unwrap_err();
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&s), vec!["reason".to_owned()]);
        assert!(!s.message().contains("ayse"), "{}", s.message());
        let mut unknown = report("rejected");
        unknown.case_id = Uuid::now_v7().to_string();
        let s = app.case.mark_citizen_not_reached(with_token(NOTIFY_TOKEN, unknown)).await.unwrap_err();
        assert_eq!(s.code(), Code::NotFound);
        assert!(app.get("admin", &c.id).await.unwrap().not_reached.is_none(), "nothing was marked");
    }
}

both_stores! {
    async fn by_post_puts_the_answer_in_the_letters_queue_when_there_is_an_address(app) {
        let no_address = answered_by_email(&mut app).await;
        mark_not_reached(&mut app, &no_address.id, &Uuid::now_v7().to_string()).await.unwrap();
        let refused = app.case.resolve_not_reached(as_user("callback_ankara", resolve(&no_address.id, pb::NotReachedOutcome::Letter, ""))).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&refused), vec!["outcome".to_owned()]);
        assert!(app.get("admin", &no_address.id).await.unwrap().not_reached.is_some(), "still on the list");

        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.reply_channel = common::ReplyChannel::Email as i32;
        req.contact.as_mut().unwrap().postal_address = "Kızılay Mah. Atatürk Blv. No: 1, Çankaya/Ankara".into();
        let c = app.create(req).await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.close("expert_ankara", &c.id, "Arıza giderildi.").await.unwrap();
        mark_not_reached(&mut app, &c.id, &Uuid::now_v7().to_string()).await.unwrap();
        let done = app.case.resolve_not_reached(as_user("callback_ankara", resolve(&c.id, pb::NotReachedOutcome::Letter, "")))
            .await.unwrap().into_inner().case.unwrap();
        assert!(done.not_reached.is_none());
        let letters = app.case.list_letters(as_user("admin", pb::ListLettersRequest::default()))
            .await.unwrap().into_inner().letters;
        let letter = letters.iter().find(|l| l.case_id == c.id).expect("the answer waits to be posted");
        assert!(!letter.number.is_empty());
    }
}
