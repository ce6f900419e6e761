use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn track(tn: &str, last4: &str) -> pb::TrackCaseRequest {
    pb::TrackCaseRequest {
        tracking_number: tn.to_owned(),
        phone_last4: last4.to_owned(),
    }
}

both_stores! {
    async fn the_public_status_needs_the_phones_last_four_digits_and_shows_no_personal_data(app) {
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let t = app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number.to_lowercase(), "4567"))).await.unwrap().into_inner();
        assert_eq!(t.tracking_number, c.tracking_number);
        assert_eq!(t.status, pb::CaseStatus::Held as i32);
        let statuses: Vec<i32> = t.timeline.iter().map(|s| s.status).collect();
        assert_eq!(statuses, vec![pb::CaseStatus::InPool as i32, pb::CaseStatus::Held as i32]);
        let dump = format!("{t:?}");
        assert!(!dump.contains("Yılmaz") && !dump.contains("5321234567") && !dump.contains("patladı"));
    }

    async fn every_kind_of_miss_gets_the_same_answer(app) {
        let c = app.open_case().await;
        let mut wrong_check: Vec<char> = c.tracking_number.chars().collect();
        let last = wrong_check.len() - 1;
        wrong_check[last] = if wrong_check[last] == '0' { '1' } else { '0' };
        let wrong_check: String = wrong_check.into_iter().collect();
        let unknown = tekmerkez_tracking::TrackingNumber::generate().to_string();
        let mut answers = Vec::new();
        for (tn, last4) in [(c.tracking_number.as_str(), "0000"), (wrong_check.as_str(), "4567"), (unknown.as_str(), "4567")] {
            let err = app.case.track_case(with_token(INTAKE_TOKEN, track(tn, last4))).await.unwrap_err();
            answers.push((err.code(), err.message().to_owned()));
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
        assert_eq!(answers[0].0, Code::NotFound);
    }

    async fn only_the_public_channels_may_track(app) {
        let c = app.open_case().await;
        let err = app.case.track_case(as_user("expert_ankara", track(&c.tracking_number, "4567"))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "45a7"))).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["phone_last4"]);
    }
}
