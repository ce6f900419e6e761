//! A reply in the social-media conversation: the conversation's address is
//! kept with the contact (masked like the rest of it), a social reply needs
//! it, and closing such a case resolves it (nobody calls back). The
//! application's source reference is kept beside it.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

fn social_application(app: &TestApp) -> pb::CreateCaseRequest {
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.channel = common::Channel::SocialMedia as i32;
    req.reply_channel = common::ReplyChannel::Social as i32;
    req.source_reference = "messenger:m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM".into();
    let c = req.contact.as_mut().unwrap();
    c.phone = String::new();
    c.email = String::new();
    c.social = Some(common::SocialAddress {
        platform: common::SocialPlatform::Messenger as i32,
        account_id: "682498302938465".into(),
        user_id: "7265514420186".into(),
        message_at: Some(prost_types::Timestamp {
            seconds: start_time().as_second(),
            nanos: 0,
        }),
    });
    req
}

both_stores! {
    async fn the_conversation_is_kept_with_the_contact_and_masked_like_it(app) {
        let c = app.create(social_application(&app)).await;
        assert_eq!(c.reply_channel, common::ReplyChannel::Social as i32);
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let held = app.get("expert_ankara", &c.id).await.unwrap();
        assert!(!held.contact_masked);
        let s = held.contact.unwrap().social.unwrap();
        assert_eq!(s.platform, common::SocialPlatform::Messenger as i32);
        assert_eq!(s.account_id, "682498302938465");
        assert_eq!(s.user_id, "7265514420186");
        assert_eq!(s.message_at.unwrap().seconds, start_time().as_second());
        assert_eq!(held.source_reference, "messenger:m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM");

        let managed = app.get("manager_ankara", &c.id).await.unwrap();
        assert!(managed.contact_masked);
        let s = managed.contact.unwrap().social.unwrap();
        assert_eq!(s.user_id, "***86", "the citizen's id is masked");
        assert_eq!(s.account_id, "682498302938465", "the institution's own account is not personal data");
        assert_eq!(managed.source_reference, "", "the source reference goes with the contact");
    }

    async fn a_social_reply_needs_the_conversation_and_platform_ids_are_checked(app) {
        let mut req = social_application(&app);
        req.contact.as_mut().unwrap().social = None;
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["contact.social"]);

        let mut req = social_application(&app);
        let s = req.contact.as_mut().unwrap().social.as_mut().unwrap();
        s.user_id = "72655 14420186".into();
        s.platform = 0;
        req.source_reference = "a\nb".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        let fields = violated_fields(&err);
        for f in ["contact.social.platform", "source_reference"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
        assert!(!err.message().contains("72655"), "no submitted value is echoed: {}", err.message());
        assert_eq!(app.case_count().await, 0);

        let mut req = social_application(&app);
        req.contact.as_mut().unwrap().social.as_mut().unwrap().user_id = "72655 14420186".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["contact.social.user_id"]);
    }

    async fn closing_a_case_answered_in_the_conversation_resolves_it(app) {
        let c = app.create(social_application(&app)).await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let closed = app.close("expert_ankara", &c.id, "Arıza giderildi.").await.unwrap();
        assert_eq!(closed.status, pb::CaseStatus::Resolved as i32, "no callback for a social reply");
    }
}
