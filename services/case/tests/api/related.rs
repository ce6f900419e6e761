//! `ListRelatedCases`: the citizen's other applications found by the person
//! index (the same phone however it was written, the same e-mail whatever
//! its ASCII case), newest first, each with what it shares; within the
//! caller's scope only (openable when the caller may read it, listed without
//! a way in when it is in the caller's pool but not theirs to read), nothing
//! across provinces; refused as a missing record to whoever may not see the
//! case asked about.

use jiff::SignedDuration;
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

/// The records of one citizen (Ayşe: 0532 123 45 67, ayse.yilmaz@ornek.com.tr)
/// and one of somebody else, a minute apart.
struct Records {
    /// Ankara water, phone and e-mail.
    first: pb::Case,
    /// Ankara water, the phone written another way, from the app, no e-mail.
    by_phone: pb::Case,
    /// Ankara billing, another phone, the e-mail in capitals.
    by_email: pb::Case,
    /// İzmir water, phone and e-mail.
    izmir: pb::Case,
    /// Ankara water, somebody else.
    stranger: pb::Case,
    /// Ankara water, phone and e-mail, held by `expert_ankara`.
    held: pb::Case,
}

fn with_contact(mut req: pb::CreateCaseRequest, phone: &str, email: &str) -> pb::CreateCaseRequest {
    let contact = req.contact.get_or_insert_with(Default::default);
    phone.clone_into(&mut contact.phone);
    email.clone_into(&mut contact.email);
    req
}

async fn records(app: &mut TestApp) -> Records {
    let minute = SignedDuration::from_mins(1);
    let (water, billing, izmir) = (
        app.org.ankara_water.clone(),
        app.org.ankara_billing.clone(),
        app.org.izmir_water.clone(),
    );
    let first = app.open_case().await;
    app.clock.advance(minute);
    let mut req = with_contact(
        app.application(&water, 6, "Çankaya"),
        "+90 (532) 123-4567",
        "",
    );
    req.channel = common::Channel::MobileApp as i32;
    let by_phone = app.create(req).await;
    app.clock.advance(minute);
    let req = with_contact(
        app.application(&billing, 6, "Keçiören"),
        "0533 000 00 01",
        "AYSE.YILMAZ@ornek.com.tr",
    );
    let by_email = app.create(req).await;
    app.clock.advance(minute);
    let izmir = app.create(app.application(&izmir, 35, "Karşıyaka")).await;
    app.clock.advance(minute);
    let req = with_contact(
        app.application(&water, 6, "Çankaya"),
        "0544 765 43 21",
        "baska.biri@ornek.com.tr",
    );
    let stranger = app.create(req).await;
    app.clock.advance(minute);
    let held = app.open_case().await;
    app.claim("expert_ankara", &[&held.id]).await.unwrap();
    Records {
        first,
        by_phone,
        by_email,
        izmir,
        stranger,
        held,
    }
}

async fn related(
    app: &mut TestApp,
    who: &str,
    id: &str,
    limit: u32,
) -> Result<pb::ListRelatedCasesResponse, tonic::Status> {
    let req = pb::ListRelatedCasesRequest {
        case_id: id.to_owned(),
        limit,
    };
    app.case
        .list_related_cases(as_user(who, req))
        .await
        .map(tonic::Response::into_inner)
}

/// (id, what it shares, openable) of each listed case, in order.
fn listed(r: &pb::ListRelatedCasesResponse) -> Vec<(String, Vec<i32>, bool)> {
    r.cases
        .iter()
        .map(|c| (c.case_id.clone(), c.matched_by.clone(), c.openable))
        .collect()
}

const PHONE: i32 = pb::PersonKeyKind::Phone as i32;
const EMAIL: i32 = pb::PersonKeyKind::Email as i32;

both_stores! {
    async fn an_admin_sees_every_other_application_of_the_citizen_newest_first(app) {
        let r = records(&mut app).await;
        let got = related(&mut app, "admin", &r.first.id, 0).await.unwrap();
        assert_eq!(
            listed(&got),
            [
                (r.held.id.clone(), vec![PHONE, EMAIL], true),
                (r.izmir.id.clone(), vec![PHONE, EMAIL], true),
                (r.by_email.id.clone(), vec![EMAIL], true),
                (r.by_phone.id.clone(), vec![PHONE], true),
            ],
            "the stranger ({}) and the record itself are not listed",
            r.stranger.id
        );
        assert!(!got.more);
        let one = &got.cases[3];
        assert_eq!(one.tracking_number, r.by_phone.tracking_number);
        assert_eq!(one.channel, common::Channel::MobileApp as i32);
        assert_eq!(one.category, "su_arizasi");
        assert_eq!(one.status, pb::CaseStatus::InPool as i32);
        assert_eq!(one.created_at, r.by_phone.created_at);
    }

    async fn an_expert_sees_their_pools_only_and_opens_only_what_they_may_read(app) {
        let r = records(&mut app).await;
        // expert2_ankara works the Ankara water pool only: the billing record
        // and the İzmir one are not mentioned; the one another expert holds
        // is there, without a way in.
        let got = related(&mut app, "expert2_ankara", &r.first.id, 0).await.unwrap();
        assert_eq!(
            listed(&got),
            [
                (r.held.id.clone(), vec![PHONE, EMAIL], false),
                (r.by_phone.id.clone(), vec![PHONE], true),
            ]
        );
        // From İzmir, nothing of Ankara shows.
        let got = related(&mut app, "expert_izmir", &r.izmir.id, 0).await.unwrap();
        assert!(got.cases.is_empty(), "{:?}", listed(&got));
        // The holder opens the one they hold.
        let got = related(&mut app, "expert_ankara", &r.first.id, 0).await.unwrap();
        assert!(got.cases.iter().any(|c| c.case_id == r.held.id && c.openable));
    }

    async fn a_record_out_of_scope_is_answered_as_a_missing_one(app) {
        let r = records(&mut app).await;
        let out = related(&mut app, "manager_izmir", &r.first.id, 0).await.unwrap_err();
        let missing = related(&mut app, "manager_izmir", &uuid::Uuid::now_v7().to_string(), 0)
            .await
            .unwrap_err();
        assert_eq!(out.code(), Code::NotFound);
        assert_eq!((out.code(), out.message()), (missing.code(), missing.message()));
        let service = app
            .case
            .list_related_cases(with_token(
                ROUTING_TOKEN,
                pb::ListRelatedCasesRequest { case_id: r.first.id.clone(), limit: 0 },
            ))
            .await
            .unwrap_err();
        assert_eq!(service.code(), Code::PermissionDenied);
    }

    async fn the_limit_cuts_the_list_and_says_there_is_more(app) {
        let r = records(&mut app).await;
        let got = related(&mut app, "admin", &r.first.id, 2).await.unwrap();
        assert_eq!(
            got.cases.iter().map(|c| c.case_id.clone()).collect::<Vec<_>>(),
            [r.held.id.clone(), r.izmir.id.clone()]
        );
        assert!(got.more);
        let refused = related(&mut app, "admin", &r.first.id, 51).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&refused), ["limit"]);
    }
}
