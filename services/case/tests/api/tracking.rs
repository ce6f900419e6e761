use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn track(tn: &str, last4: &str) -> pb::TrackCaseRequest {
    pb::TrackCaseRequest {
        tracking_number: tn.to_owned(),
        phone_last4: last4.to_owned(),
        digits_from_verified_phone: false,
    }
}

/// The default budget of wrong guesses per number per hour.
const BUDGET: usize = 10;

/// `n` ways of typing `tn` (`XXXXX-XXXXX`): dashes anywhere, lower case,
/// none at all.
fn spellings(tn: &str, n: usize) -> Vec<String> {
    let bare: String = tn.chars().filter(|c| *c != '-').collect();
    (0..n)
        .map(|i| {
            let mut s = String::new();
            for (j, c) in bare.chars().enumerate() {
                if j > 0 && (i >> (j % 9)) & 1 == 1 {
                    s.push('-');
                }
                s.push(c);
            }
            if i % 2 == 1 { s.to_lowercase() } else { s }
        })
        .collect()
}

/// A wrong guess: four digits other than `4567`.
fn wrong(i: usize) -> String {
    format!("{:04}", (i * 37) % 4567)
}

fn assert_locked(err: &tonic::Status) {
    use tonic_types::StatusExt as _;
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    let info = err.get_details_error_info().expect("an ErrorInfo");
    assert_eq!(info.reason, "TRACKING_LOOKUPS_LOCKED");
    let wait = err
        .get_details_retry_info()
        .and_then(|r| r.retry_delay)
        .expect("a RetryInfo");
    assert!(wait.as_secs() >= 1 && wait.as_secs() <= 3600, "{wait:?}");
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

both_stores! {
    async fn wrong_guesses_in_any_spelling_lock_the_number_and_then_the_right_digits_too(app) {
        let c = app.open_case().await;
        let ways = spellings(&c.tracking_number, 36);
        for (i, tn) in ways.iter().take(BUDGET).enumerate() {
            let err = app.case.track_case(with_token(INTAKE_TOKEN, track(tn, &wrong(i)))).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "guess {i}");
        }
        // Every further lookup, the right digits included, in any spelling
        // and from either public route, is refused without a check.
        for (i, tn) in ways.iter().enumerate().skip(BUDGET) {
            let token = if i % 2 == 0 { INTAKE_TOKEN } else { GATEWAY_TOKEN };
            let err = app.case.track_case(with_token(token, track(tn, "4567"))).await.unwrap_err();
            assert_locked(&err);
        }
        // The window ends an hour after the first wrong guess.
        app.clock.advance(jiff::SignedDuration::from_mins(59));
        assert_locked(&app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap_err());
        app.clock.advance(jiff::SignedDuration::from_mins(1));
        let t = app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap();
        assert_eq!(t.into_inner().tracking_number, c.tracking_number);
    }

    async fn right_answers_do_not_use_the_budget(app) {
        let c = app.open_case().await;
        for i in 0..BUDGET - 1 {
            app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, &wrong(i)))).await.unwrap_err();
        }
        for _ in 0..25 {
            app.case.track_case(with_token(GATEWAY_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap();
        }
        let err = app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "0000"))).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "the tenth wrong guess is still checked");
        assert_locked(&app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap_err());
    }

    async fn a_number_no_case_has_yet_is_counted_too(app) {
        let tn = tekmerkez_tracking::TrackingNumber::generate();
        for i in 0..BUDGET {
            let err = app.case.track_case(with_token(INTAKE_TOKEN, track(&tn.to_string(), &wrong(i)))).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound);
        }
        // Its case arrives afterwards: the number stays locked for the hour.
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.tracking_number = tn.as_str().to_owned();
        let c = app.create(req).await;
        assert_eq!(c.tracking_number, tn.to_string());
        assert_locked(&app.case.track_case(with_token(GATEWAY_TOKEN, track(&tn.to_string(), "4567"))).await.unwrap_err());
    }

    async fn the_citizens_signed_link_and_the_call_centre_screen_work_while_locked(app) {
        let c = app.open_case().await;
        for i in 0..BUDGET {
            app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, &wrong(i)))).await.unwrap_err();
        }
        assert_locked(&app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap_err());
        // The signed link (`/takip/d/…`) reads the case by id, never counted.
        for _ in 0..3 {
            let s = app.case.get_public_status(with_token(GATEWAY_TOKEN, pb::GetPublicStatusRequest { case_id: c.id.clone() })).await.unwrap().into_inner();
            assert_eq!(s.tracking_number, c.tracking_number);
        }
        // The caller index's digits come from the caller's own number.
        let mut known = track(&c.tracking_number, "4567");
        known.digits_from_verified_phone = true;
        for _ in 0..3 {
            let t = app.case.track_case(with_token(INTAKE_TOKEN, known.clone())).await.unwrap().into_inner();
            assert_eq!(t.tracking_number, c.tracking_number);
        }
        assert_locked(&app.case.track_case(with_token(INTAKE_TOKEN, track(&c.tracking_number, "4567"))).await.unwrap_err());
    }

    async fn replicas_guessing_at_once_get_no_more_than_the_budget_checked(app) {
        let c = app.open_case().await;
        // Four clients (as four replicas would), 60 wrong guesses at once.
        let calls = (0..60).map(|i| {
            let mut client = app.case.clone();
            let tn = c.tracking_number.clone();
            async move { client.track_case(with_token(INTAKE_TOKEN, track(&tn, &wrong(i)))).await.unwrap_err().code() }
        });
        let codes = futures::future::join_all(calls).await;
        let checked = codes.iter().filter(|c| **c == Code::NotFound).count();
        let refused = codes.iter().filter(|c| **c == Code::ResourceExhausted).count();
        assert_eq!((checked, refused), (BUDGET, 60 - BUDGET), "{codes:?}");
    }
}
