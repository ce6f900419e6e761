use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn text_and_a_name_that_show_nothing_are_refused_by_field(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.text = "\u{200B}\u{2060}\u{FEFF}".into();
        req.contact.as_mut().unwrap().name = " \u{0301} ".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let fields = violated_fields(&err);
        for f in ["text", "contact.name"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
        assert_eq!(app.case_count().await, 0);
    }

    async fn creating_the_same_application_twice_makes_one_case(app) {
        let req = app.application(&app.org.ankara_water.clone(), 6, "çankaya");
        let first = app.case.create_case(with_token(ROUTING_TOKEN, req.clone())).await.unwrap().into_inner();
        let second = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap().into_inner();
        assert!(first.created);
        assert!(!second.created);
        assert_eq!(first.case.as_ref().unwrap().id, second.case.as_ref().unwrap().id);
        assert_eq!(app.case_count().await, 1);
        let c = first.case.unwrap();
        assert_eq!(c.status, pb::CaseStatus::InPool as i32);
        assert_eq!(c.location.unwrap().district, "Çankaya", "districts are stored by their official name");
        assert_eq!(c.tracking_number.len(), 11);
    }

    async fn an_application_id_reused_with_other_content_is_refused(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        app.case.create_case(with_token(ROUTING_TOKEN, req.clone())).await.unwrap();
        req.text = "Başka bir metin".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        assert_eq!(app.case_count().await, 1);
    }

    async fn bad_input_gets_one_violation_per_field_and_writes_nothing(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.text = "   ".into();
        req.channel = 999;
        req.urgency = 0;
        req.location = Some(common::Location { province_code: 99, district: "Yok".into(), coordinates: None, neighbourhood: String::new() });
        req.contact.as_mut().unwrap().phone = "+49 30 1234567".into();
        req.contact.as_mut().unwrap().email = "not-an-address".into();
        req.consent = None;
        req.application_id = "not-a-uuid".into();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let fields = violated_fields(&err);
        for f in ["application_id", "channel", "text", "urgency", "location.province_code", "contact.phone", "contact.email", "consent"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
        assert!(!err.message().contains("+49 30"), "an error must not echo submitted values: {}", err.message());
        assert!(!err.message().contains("not-an-address"));
        assert_eq!(app.case_count().await, 0);
    }

    async fn a_district_outside_the_province_and_a_pool_of_another_province_are_rejected(app) {
        let req = app.application(&app.org.ankara_water.clone(), 6, "Karşıyaka");
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["location.district"]);
        let req = app.application(&app.org.izmir_water.clone(), 6, "Çankaya");
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["pool_id"]);
        assert_eq!(app.case_count().await, 0);
    }

    async fn oversized_texts_are_rejected(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.text = "ş".repeat(10_001);
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["text"]);
    }

    async fn a_reply_channel_needs_its_contact_detail(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.reply_channel = common::ReplyChannel::Letter as i32;
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["contact.postal_address"]);
    }

    async fn a_given_tracking_number_is_kept_and_a_mistyped_one_rejected(app) {
        let tn = tekmerkez_tracking::TrackingNumber::generate();
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.tracking_number = tn.to_string().to_lowercase();
        let c = app.create(req).await;
        assert_eq!(c.tracking_number, tn.to_string());
        let mut bad = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        let mut chars: Vec<char> = tn.as_str().chars().collect();
        chars[9] = if chars[9] == '0' { '1' } else { '0' };
        bad.tracking_number = chars.into_iter().collect();
        let err = app.case.create_case(with_token(ROUTING_TOKEN, bad)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["tracking_number"]);
    }

    async fn an_information_only_call_is_opened_and_resolved_at_once(app) {
        let mut req = app.application(&app.org.ankara_billing.clone(), 6, "Keçiören");
        req.channel = common::Channel::Phone as i32;
        req.information_only = true;
        req.information_answer = "Planlı kesinti bilgisi verildi.".into();
        let c = app.case.create_case(as_user("callcentre", req)).await.unwrap().into_inner().case.unwrap();
        assert_eq!(c.status, pb::CaseStatus::Resolved as i32);
        assert!(c.information_only);
        assert!(!c.contact_masked, "the agent who typed the contact sees it");
        let steps = app.history("callcentre", &c.id).await;
        let actions: Vec<i32> = steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, vec![pb::HistoryAction::Opened as i32, pb::HistoryAction::Resolved as i32]);
    }

    async fn experts_and_managers_may_not_open_cases(app) {
        let req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        let err = app.case.create_case(as_user("expert_ankara", req)).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
    }
}
