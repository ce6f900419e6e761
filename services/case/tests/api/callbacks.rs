use jiff::SignedDuration;
use tekmerkez_case::clock::Clock as _;
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn outcome(
    id: &str,
    o: pb::CallbackOutcome,
    retry_at: Option<jiff::Timestamp>,
) -> pb::RecordCallbackOutcomeRequest {
    pb::RecordCallbackOutcomeRequest {
        case_id: id.to_owned(),
        outcome: o as i32,
        retry_at: retry_at.map(|t| prost_types::Timestamp {
            seconds: t.as_second(),
            nanos: 0,
        }),
        note: "Vatandaş arandı.".into(),
        expected_version: None,
        survey_score: None,
        survey_comment: String::new(),
    }
}

both_stores! {
    async fn a_phone_reply_goes_through_the_callback_pool_to_resolution(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let closed = app.close("expert_ankara", &c.id, "Boru onarıldı.").await.unwrap();
        assert_eq!(closed.status, pb::CaseStatus::AwaitingCallback as i32);
        let pool = app.list("callback_ankara", pb::CaseView::CallbackPool, 50, "").await.unwrap();
        assert_eq!(pool.cases.len(), 1);
        assert!(pool.cases[0].contact_masked, "contact is unmasked only once the agent holds the record");
        assert_eq!(app.claim("expert_ankara", &[&c.id]).await.unwrap_err().code(), Code::FailedPrecondition);
        let held = app.claim("callback_ankara", &[&c.id]).await.unwrap().remove(0);
        assert_eq!(held.holder_id, app.user_id("callback_ankara"));
        assert!(!held.contact_masked);
        assert_eq!(held.contact.unwrap().phone, "+905321234567");

        let err = app.case.record_callback_outcome(as_user("callback_ankara", outcome(&c.id, pb::CallbackOutcome::NotReached, None))).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["retry_at"]);
        let later = app.clock.now().checked_add(SignedDuration::from_hours(2)).unwrap();
        let again = app.case.record_callback_outcome(as_user("callback_ankara", outcome(&c.id, pb::CallbackOutcome::NotReached, Some(later)))).await.unwrap().into_inner().case.unwrap();
        assert_eq!((again.status, again.callback_attempts), (pb::CaseStatus::AwaitingCallback as i32, 1));
        let done = app.case.record_callback_outcome(as_user("callback_ankara", outcome(&c.id, pb::CallbackOutcome::Reached, None))).await.unwrap().into_inner().case.unwrap();
        assert_eq!((done.status, done.callback_attempts), (pb::CaseStatus::Resolved as i32, 2));
        let steps = app.history("manager_ankara", &c.id).await;
        assert_eq!(steps.iter().filter(|s| s.action == pb::HistoryAction::CallbackRecorded as i32).count(), 2);
    }

    async fn only_callback_agents_record_callbacks(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.close("expert_ankara", &c.id, "Tamam").await.unwrap();
        let err = app.case.record_callback_outcome(as_user("manager_ankara", outcome(&c.id, pb::CallbackOutcome::Reached, None))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = app.case.record_callback_outcome(as_user("callback_ankara", outcome(&c.id, pb::CallbackOutcome::Reached, None))).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "must claim it first");
        let err = app.case.record_callback_outcome(as_user("callback_ankara", outcome(&c.id, pb::CallbackOutcome::Unspecified, None))).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["outcome"]);
    }
}
