//! Classification on every case: the application type (the channel's, or
//! `talep`), the source, and a partner's identity and reference number are
//! kept, shown to everyone who sees the case (the reference is the
//! partner's number, not the citizen's), searchable by the reference, and
//! carried on the opening event without the reference.

use prost::Message as _;
use tekmerkez_bus::{Bus as _, Subscription};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

fn cimer_application(app: &TestApp, reference: &str) -> pb::CreateCaseRequest {
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.channel = common::Channel::Partner as i32;
    req.application_type = common::ApplicationType::BilgiEdinme as i32;
    req.source = common::ApplicationSource::Cimer as i32;
    req.partner_id = "cimer".into();
    req.partner_reference = reference.into();
    req
}

/// The opening event, with its encoded bytes.
async fn opened_event(rx: &mut Box<dyn Subscription>) -> (pb::CaseOpened, Vec<u8>) {
    loop {
        let env = tokio::time::timeout(std::time::Duration::from_secs(10), rx.next())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .envelope;
        if let Some(pb::case_event::Payload::Opened(o)) =
            pb::CaseEvent::decode(env.payload.clone()).unwrap().payload
        {
            return (o, env.payload.to_vec());
        }
    }
}

async fn by_reference(
    app: &mut TestApp,
    who: &str,
    reference: &str,
) -> Result<Vec<pb::Case>, tonic::Status> {
    let req = pb::ListCasesRequest {
        view: pb::CaseView::All as i32,
        partner_reference: reference.into(),
        ..Default::default()
    };
    app.case
        .list_cases(as_user(who, req))
        .await
        .map(|r| r.into_inner().cases)
}

both_stores! {
    async fn a_case_without_a_type_is_a_direct_request(app) {
        let c = app.open_case().await;
        assert_eq!(c.application_type, common::ApplicationType::Talep as i32);
        assert_eq!(c.source, common::ApplicationSource::Direct as i32);
        assert_eq!((c.partner_id.as_str(), c.partner_reference.as_str()), ("", ""));
        assert_eq!(c.closure_reason, "");
    }

    async fn the_channels_type_and_a_partners_identity_and_reference_are_kept_and_shown(app) {
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.create(cimer_application(&app, "2026-123")).await;
        assert_eq!(c.application_type, common::ApplicationType::BilgiEdinme as i32);
        assert_eq!(c.source, common::ApplicationSource::Cimer as i32);
        // The manager sees the contact masked, but the partner's number is not the citizen's.
        let seen = app.get("manager_ankara", &c.id).await.unwrap();
        assert!(seen.contact_masked);
        assert_eq!((seen.partner_id.as_str(), seen.partner_reference.as_str()), ("cimer", "2026-123"));

        let (o, bytes) = opened_event(&mut rx).await;
        assert_eq!(o.application_type, common::ApplicationType::BilgiEdinme as i32);
        assert_eq!(o.source, common::ApplicationSource::Cimer as i32);
        assert_eq!(o.partner_id, "cimer");
        assert!(
            !bytes.windows(8).any(|w| w == b"2026-123"),
            "the partner's reference stays out of events"
        );
    }

    async fn cases_are_found_by_a_partners_reference_exactly_after_trimming(app) {
        let a = app.create(cimer_application(&app, "2026-123")).await;
        app.create(cimer_application(&app, "2026-1234")).await;
        app.open_case().await;
        let found = by_reference(&mut app, "manager_ankara", "  2026-123 ").await.unwrap();
        assert_eq!(found.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [a.id.as_str()]);
        assert!(by_reference(&mut app, "manager_ankara", "2026-12").await.unwrap().is_empty(), "no prefix match");
        assert_eq!(by_reference(&mut app, "manager_ankara", "").await.unwrap().len(), 3, "blank is no filter");
        let err = by_reference(&mut app, "manager_ankara", "a\u{7}b").await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), ["partner_reference"]);
    }

    async fn unknown_types_and_sources_and_half_a_partner_are_refused_by_field(app) {
        let mut req = cimer_application(&app, "");
        req.application_type = 77;
        req.source = 9;
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let mut fields = violated_fields(&err);
        fields.sort();
        assert_eq!(fields, ["application_type", "partner_reference", "source"]);
        assert_eq!(app.case_count().await, 0);
    }
}
