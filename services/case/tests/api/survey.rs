//! The satisfaction survey on the case: one answer per case from the signed
//! link (the gateway), the IVR (intake, by tracking number) or the callback
//! outcome; the same submission again is the same answer, another one is
//! refused; the answer shows on the case, as a task step and as a
//! `SurveyAnswered` event without the comment; and what a signed status
//! link shows (the official answer only once resolved).

use prost::Message as _;
use tekmerkez_bus::{Bus as _, Subscription};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

/// Resolves `id` through the callback pool (reached), with a score if given.
async fn resolve(
    app: &mut TestApp,
    id: &str,
    score: Option<u32>,
) -> Result<pb::Case, tonic::Status> {
    app.claim("expert_ankara", &[id]).await.unwrap();
    app.close("expert_ankara", id, "Boru onarıldı; su verildi.")
        .await
        .unwrap();
    app.claim("callback_ankara", &[id]).await.unwrap();
    callback(app, id, pb::CallbackOutcome::Reached, score, "").await
}

async fn callback(
    app: &mut TestApp,
    id: &str,
    outcome: pb::CallbackOutcome,
    score: Option<u32>,
    comment: &str,
) -> Result<pb::Case, tonic::Status> {
    let req = pb::RecordCallbackOutcomeRequest {
        case_id: id.to_owned(),
        outcome: outcome as i32,
        retry_at: None,
        note: "Vatandaş bilgilendirildi.".into(),
        expected_version: None,
        survey_score: score,
        survey_comment: comment.into(),
    };
    app.case
        .record_callback_outcome(as_user("callback_ankara", req))
        .await
        .map(|r| r.into_inner().case.unwrap())
}

fn link_answer(id: &str, score: u32, comment: &str, key: &str) -> pb::RecordSurveyResponseRequest {
    pb::RecordSurveyResponseRequest {
        case_id: id.to_owned(),
        tracking_number: String::new(),
        score,
        comment: comment.into(),
        source: pb::SurveySource::Link as i32,
        idempotency_key: key.into(),
    }
}

/// The SurveyAnswered events published on `rx` until it stays quiet for a second.
async fn survey_events(rx: &mut Box<dyn Subscription>) -> Vec<(pb::CaseEvent, pb::SurveyAnswered)> {
    let mut out = Vec::new();
    while let Ok(Some(d)) = tokio::time::timeout(std::time::Duration::from_secs(1), rx.next())
        .await
        .map(Result::ok)
    {
        let ev = pb::CaseEvent::decode(d.envelope.payload.clone()).unwrap();
        if let Some(pb::case_event::Payload::SurveyAnswered(s)) = ev.payload.clone() {
            out.push((ev, s));
        }
    }
    out
}

both_stores! {
    async fn a_link_answer_is_recorded_once_and_the_same_submission_again_is_the_same_answer(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.open_case().await;
        resolve(&mut app, &c.id, None).await.unwrap();
        let first = app.case.record_survey_response(with_token(GATEWAY_TOKEN, link_answer(&c.id, 4, "Ekip çok hızlı geldi, teşekkürler.", "form-1"))).await.unwrap().into_inner();
        assert!(first.created);
        let s = first.survey.unwrap();
        assert_eq!((s.score, s.source), (4, pb::SurveySource::Link as i32));

        // A double click: the same key, the same answer, nothing new.
        let again = app.case.record_survey_response(with_token(GATEWAY_TOKEN, link_answer(&c.id, 4, "Ekip çok hızlı geldi, teşekkürler.", "form-1"))).await.unwrap().into_inner();
        assert!(!again.created);
        assert_eq!(again.survey.unwrap().answered_at, s.answered_at);
        // Another answer (the link opened again, or forwarded): refused.
        let second = app.case.record_survey_response(with_token(GATEWAY_TOKEN, link_answer(&c.id, 1, "", "form-2"))).await.unwrap_err();
        assert_eq!(second.code(), Code::AlreadyExists);
        assert!(!second.message().contains("hızlı"));

        let case = app.get("manager_ankara", &c.id).await.unwrap();
        let shown = case.survey.unwrap();
        assert_eq!((shown.score, shown.comment.as_str()), (4, "Ekip çok hızlı geldi, teşekkürler."));
        assert_eq!(case.status, pb::CaseStatus::Resolved as i32, "an answer changes no status");
        let steps = app.history("manager_ankara", &c.id).await;
        let answered: Vec<_> = steps.iter().filter(|s| s.action == pb::HistoryAction::SurveyAnswered as i32).collect();
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0].detail, "4:link");

        let events = survey_events(&mut rx).await;
        assert_eq!(events.len(), 1, "one event per case");
        let (ev, e) = &events[0];
        assert_eq!(ev.case_id, c.id);
        assert_eq!((e.score, e.source, e.has_comment), (4, pb::SurveySource::Link as i32, true));
        assert_eq!(e.pool_id, case.pool_id);
        assert_eq!(e.expert_id, app.user_id("expert_ankara"));
        assert_eq!(e.category, case.category);
        let raw = format!("{ev:?}");
        assert!(!raw.contains("hızlı") && !raw.contains("Yılmaz"), "the event names no comment or person: {raw}");
    }

    async fn an_ivr_score_arrives_by_tracking_number_and_bad_answers_name_their_field(app) {
        let c = app.open_case().await;
        resolve(&mut app, &c.id, None).await.unwrap();
        let ivr = pb::RecordSurveyResponseRequest {
            case_id: String::new(),
            tracking_number: c.tracking_number.to_lowercase(),
            score: 2,
            comment: String::new(),
            source: pb::SurveySource::Ivr as i32,
            idempotency_key: "cti:evt-9".into(),
        };
        let r = app.case.record_survey_response(with_token(INTAKE_TOKEN, ivr.clone())).await.unwrap().into_inner();
        assert!(r.created);
        assert_eq!(r.case_id, c.id);
        assert!(!app.case.record_survey_response(with_token(INTAKE_TOKEN, ivr)).await.unwrap().into_inner().created, "an IVR retry records nothing new");
        assert_eq!(app.get("admin", &c.id).await.unwrap().survey.unwrap().source, pb::SurveySource::Ivr as i32);

        let other = app.open_case().await;
        for (req, field) in [
            (link_answer(&other.id, 0, "", "k"), "score"),
            (link_answer(&other.id, 6, "", "k"), "score"),
            (link_answer(&other.id, 3, &"ç".repeat(2001), "k"), "comment"),
            (link_answer("not-a-case", 3, "", "k"), "case_id"),
            (pb::RecordSurveyResponseRequest { source: pb::SurveySource::PhoneCallback as i32, ..link_answer(&other.id, 3, "", "k") }, "source"),
            (pb::RecordSurveyResponseRequest { tracking_number: "ZZZZZ".into(), ..link_answer("", 3, "", "k") }, "tracking_number"),
        ] {
            let err = app.case.record_survey_response(with_token(GATEWAY_TOKEN, req)).await.unwrap_err();
            assert_eq!(violated_fields(&err), vec![field]);
        }
        // The gateway records only links, intake only the IVR.
        let err = app.case.record_survey_response(with_token(INTAKE_TOKEN, link_answer(&other.id, 3, "", "k"))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        assert!(app.get("admin", &other.id).await.unwrap().survey.is_none());
    }

    async fn the_callback_agent_records_the_score_with_the_outcome(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.close("expert_ankara", &c.id, "Sayaç değiştirildi.").await.unwrap();
        app.claim("callback_ankara", &[&c.id]).await.unwrap();
        // Only a citizen who was reached is asked.
        let later = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(30)).unwrap();
        let mut not_reached = pb::RecordCallbackOutcomeRequest {
            case_id: c.id.clone(),
            outcome: pb::CallbackOutcome::NotReached as i32,
            retry_at: Some(prost_types::Timestamp { seconds: later.as_second(), nanos: 0 }),
            note: String::new(),
            expected_version: None,
            survey_score: Some(5),
            survey_comment: String::new(),
        };
        let err = app.case.record_callback_outcome(as_user("callback_ankara", not_reached.clone())).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["survey_score"]);
        not_reached.survey_score = Some(9);
        not_reached.outcome = pb::CallbackOutcome::Reached as i32;
        let err = app.case.record_callback_outcome(as_user("callback_ankara", not_reached)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["survey_score"]);

        let done = callback(&mut app, &c.id, pb::CallbackOutcome::Reached, Some(5), "Memnun kaldım.").await.unwrap();
        assert_eq!(done.status, pb::CaseStatus::Resolved as i32);
        let case = app.get("admin", &c.id).await.unwrap();
        let s = case.survey.unwrap();
        assert_eq!((s.score, s.source, s.comment.as_str()), (5, pb::SurveySource::PhoneCallback as i32, "Memnun kaldım."));
        assert_eq!(s.recorded_by, app.user_id("callback_ankara"));
        let steps: Vec<i32> = app.history("admin", &c.id).await.iter().map(|s| s.action).collect();
        assert!(steps.ends_with(&[pb::HistoryAction::CallbackRecorded as i32, pb::HistoryAction::Resolved as i32, pb::HistoryAction::SurveyAnswered as i32]), "{steps:?}");
        // The link later cannot answer it a second time.
        let err = app.case.record_survey_response(with_token(GATEWAY_TOKEN, link_answer(&c.id, 1, "", "late"))).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        let events = survey_events(&mut rx).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].1.source, pb::SurveySource::PhoneCallback as i32);
    }

    async fn a_signed_status_link_shows_the_answer_only_once_resolved(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.close("expert_ankara", &c.id, "Boru onarıldı; su verildi.").await.unwrap();
        let status = |app: &mut TestApp| {
            let req = with_token(GATEWAY_TOKEN, pb::GetPublicStatusRequest { case_id: c.id.clone() });
            let mut client = app.case.clone();
            async move { client.get_public_status(req).await.unwrap().into_inner() }
        };
        let waiting = status(&mut app).await;
        assert_eq!(waiting.status, pb::CaseStatus::AwaitingCallback as i32);
        assert!(waiting.official_answer.is_empty(), "no answer before the citizen was told");
        app.claim("callback_ankara", &[&c.id]).await.unwrap();
        callback(&mut app, &c.id, pb::CallbackOutcome::Reached, None, "").await.unwrap();
        let done = status(&mut app).await;
        assert_eq!(done.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(done.official_answer, "Boru onarıldı; su verildi.");
        assert!(done.resolved_at.is_some() && !done.survey_answered);
        assert_eq!(done.timeline.last().unwrap().status, pb::CaseStatus::Resolved as i32);
        let missing = app.case.get_public_status(with_token(GATEWAY_TOKEN, pb::GetPublicStatusRequest { case_id: uuid::Uuid::now_v7().to_string() })).await.unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);
    }
}
