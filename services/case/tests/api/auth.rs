use tekmerkez_proto::case_v1 as pb;
use tonic::{Code, Request};

use crate::{both_stores, helpers::*};

both_stores! {
    async fn calls_without_valid_credentials_are_unauthenticated(app) {
        let req = || pb::ListCasesRequest { view: pb::CaseView::Pool as i32, ..Default::default() };
        let err = app.case.list_cases(Request::new(req())).await.unwrap_err();
        assert_eq!((err.code(), err.message()), (Code::Unauthenticated, "unauthenticated"));
        let err = app.case.list_cases(with_token("wrong-token-wrong-token-wrong-token", req())).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
        let mut r = with_token(ROUTING_TOKEN, req());
        r.metadata_mut().insert("x-tekmerkez-acting-user", "admin".parse().unwrap());
        assert_eq!(app.case.list_cases(r).await.unwrap_err().code(), Code::Unauthenticated, "only the gateway acts for users");
        let err = app.case.list_cases(as_user("nobody", req())).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
    }

    async fn issued_api_tokens_act_as_their_user_until_the_user_is_deactivated(app) {
        let partner = app.user_id("partner");
        let token = app.dir.issue_api_token(as_user("admin", pb::IssueApiTokenRequest { user_id: partner.clone(), label: "CİMER".into() })).await.unwrap().into_inner().token;
        let me = app.dir.get_current_user(with_token(&token, pb::GetCurrentUserRequest {})).await.unwrap().into_inner().user.unwrap();
        assert_eq!(me.username, "partner");
        app.dir.update_user(as_user("admin", pb::UpdateUserRequest { user_id: partner, active: Some(false), ..Default::default() })).await.unwrap();
        let err = app.dir.get_current_user(with_token(&token, pb::GetCurrentUserRequest {})).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
    }

    async fn the_acting_user_may_be_named_in_any_turkish_case(app) {
        let me = app.dir.get_current_user(as_user("EXPERT_ANKARA", pb::GetCurrentUserRequest {})).await.unwrap().into_inner().user.unwrap();
        assert_eq!(me.username, "expert_ankara");
    }
}

fn sign_in(username: &str, password: &str) -> Request<pb::AuthenticateUserRequest> {
    with_token(
        GATEWAY_TOKEN,
        pb::AuthenticateUserRequest {
            username: username.into(),
            password: password.into(),
        },
    )
}

both_stores! {
    async fn the_gateway_signs_a_person_in_by_name_in_any_turkish_case_and_password(app) {
        // Turkish case folding: İ is the capital of i ("ADMIN" would be "admın").
        let u = app.dir.authenticate_user(sign_in("ADMİN", "admin-password-1")).await.unwrap().into_inner().user.unwrap();
        assert_eq!(u.username, "admin");
        for (name, password) in [("admin", "wrong-password"), ("nobody", "admin-password-1"), ("ADMIN", "admin-password-1")] {
            let err = app.dir.authenticate_user(sign_in(name, password)).await.unwrap_err();
            assert_eq!((err.code(), err.message()), (Code::Unauthenticated, "unauthenticated"), "the same answer for {name}");
        }
        let mut as_routing = sign_in("admin", "admin-password-1");
        as_routing.metadata_mut().insert("authorization", format!("Bearer {ROUTING_TOKEN}").parse().unwrap());
        assert_eq!(app.dir.authenticate_user(as_routing).await.unwrap_err().code(), Code::PermissionDenied, "only the gateway");
        let err = app.dir.authenticate_user(sign_in(" ", "")).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["username", "password"]);
    }

    async fn five_failed_sign_ins_lock_the_account_for_fifteen_minutes_even_against_the_right_password(app) {
        for _ in 0..4 {
            app.dir.authenticate_user(sign_in("admin", "wrong-password")).await.unwrap_err();
        }
        app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.expect("4 failures do not lock; a success resets the count");
        for _ in 0..5 {
            app.dir.authenticate_user(sign_in("admin", "wrong-password")).await.unwrap_err();
        }
        let err = app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated, "locked");
        app.clock.advance(jiff::SignedDuration::from_mins(14));
        app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.unwrap_err();
        app.clock.advance(jiff::SignedDuration::from_mins(2));
        app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.expect("the lock ran out");
    }
}

fn change_password(current: &str) -> pb::UpdateCurrentUserRequest {
    pb::UpdateCurrentUserRequest {
        current_password: current.into(),
        new_password: "yepyeni-parola-789".into(),
        ..Default::default()
    }
}

/// The `ErrorInfo` reason of a refusal, if it carries one.
fn reason(status: &tonic::Status) -> Option<String> {
    use tonic_types::StatusExt as _;
    status.get_details_error_info().map(|i| i.reason)
}

// Issue 17, finding 3: a wrong current password on the profile is a
// password guess like a failed sign-in.
both_stores! {
    async fn wrong_current_passwords_lock_the_account_as_failed_sign_ins_do(app) {
        for i in 1..5 {
            let err = app.dir.update_current_user(as_user("admin", change_password("yanlış-parola"))).await.unwrap_err();
            assert_eq!(violated_fields(&err), vec!["current_password"], "guess {i}");
        }
        let err = app.dir.update_current_user(as_user("admin", change_password("yanlış-parola"))).await.unwrap_err();
        assert_eq!((err.code(), reason(&err).as_deref()), (Code::PermissionDenied, Some("ACCOUNT_LOCKED")), "the fifth locks");
        let err = app.dir.update_current_user(as_user("admin", change_password("admin-password-1"))).await.unwrap_err();
        assert_eq!(reason(&err).as_deref(), Some("ACCOUNT_LOCKED"), "locked even against the right password");
        let err = app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.unwrap_err();
        assert_eq!((err.code(), err.message()), (Code::Unauthenticated, "unauthenticated"), "sign-in is locked too, with its one answer");
        app.clock.advance(jiff::SignedDuration::from_mins(16));
        app.dir.update_current_user(as_user("admin", change_password("admin-password-1"))).await.expect("the lock ran out");
        app.dir.authenticate_user(sign_in("admin", "yepyeni-parola-789")).await.expect("the new password signs in");
    }

    async fn sign_in_failures_and_profile_failures_count_toward_one_lockout(app) {
        for _ in 0..3 {
            app.dir.authenticate_user(sign_in("admin", "wrong-password")).await.unwrap_err();
        }
        app.dir.update_current_user(as_user("admin", change_password("yanlış-parola"))).await.unwrap_err();
        let err = app.dir.update_current_user(as_user("admin", change_password("yanlış-parola"))).await.unwrap_err();
        assert_eq!(reason(&err).as_deref(), Some("ACCOUNT_LOCKED"), "3 + 2 failures");
        app.dir.authenticate_user(sign_in("admin", "admin-password-1")).await.unwrap_err();
        let admin = app.dir.get_current_user(as_user("admin", pb::GetCurrentUserRequest {})).await.unwrap().into_inner().user.unwrap().id;
        let state = app.app.store().login_state(admin.parse().unwrap()).await.unwrap();
        assert!(state.locked_until.is_some(), "{state:?}");
    }

    async fn guesses_sent_at_once_are_each_counted(app) {
        // The probe's 30 guesses in 0.66 s: sent together, not one after another.
        let guesses = (0..30).map(|i| {
            let mut dir = app.dir.clone();
            async move { dir.update_current_user(as_user("admin", change_password(&format!("yanlış-parola-{i}")))).await.unwrap_err() }
        });
        let answers = futures::future::join_all(guesses).await;
        let wrong = answers.iter().filter(|e| e.code() == Code::InvalidArgument).count();
        let locked = answers.iter().filter(|e| reason(e).as_deref() == Some("ACCOUNT_LOCKED")).count();
        assert!(wrong < 5, "at most four guesses are checked and told wrong, got {wrong}");
        assert_eq!(wrong + locked, 30);
        let err = app.dir.update_current_user(as_user("admin", change_password("admin-password-1"))).await.unwrap_err();
        assert_eq!(reason(&err).as_deref(), Some("ACCOUNT_LOCKED"));
    }
}

// Issue 17, finding 4: `tekmerkez dev` mints API tokens "for this run"
// (`demo::seed` at every start); the next start revokes them, never an
// admin's.
both_stores! {
    async fn each_dev_start_revokes_the_previous_runs_tokens_but_not_an_admins(app) {
        let partner = app.user_id("partner");
        let admins = app.dir.issue_api_token(as_user("admin", pb::IssueApiTokenRequest { user_id: partner, label: "tekmerkez dev".into() })).await.unwrap().into_inner().token;
        let token_of = |users: &[tekmerkez_case::demo::DemoUser]| users.iter().find(|u| u.username == "partner").unwrap().api_token.clone();
        let first = token_of(&tekmerkez_case::demo::seed(&app.app, 0).await.unwrap());
        let me = |t: &str| with_token(t, pb::GetCurrentUserRequest {});
        assert_eq!(app.dir.get_current_user(me(&first)).await.unwrap().into_inner().user.unwrap().username, "partner");
        let second = token_of(&tekmerkez_case::demo::seed(&app.app, 0).await.unwrap());
        let err = app.dir.get_current_user(me(&first)).await.unwrap_err();
        assert_eq!((err.code(), err.message()), (Code::Unauthenticated, "unauthenticated"), "the previous run's token");
        app.dir.get_current_user(me(&second)).await.expect("this run's token");
        app.dir.get_current_user(me(&admins)).await.expect("an admin's token, even labelled like dev's, stays valid");
    }
}
