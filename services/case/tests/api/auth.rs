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
