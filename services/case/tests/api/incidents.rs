use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;
use tonic_types::StatusExt as _;

use crate::{both_stores, helpers::*};

/// An unplanned outage in two neighbourhoods of Çankaya: a report that
/// names neither is linked to it only by hand.
fn declaration(app: &TestApp) -> pb::DeclareIncidentRequest {
    pb::DeclareIncidentRequest {
        kind: pb::IncidentKind::UnplannedOutage as i32,
        category: "su_arizasi".into(),
        title: "Çankaya ana boru arızası".into(),
        public_text: "Ana boru arızası nedeniyle bölgede su kesintisi var.".into(),
        province_code: 6,
        areas: vec![pb::IncidentArea {
            district: "cankaya".into(),
            neighbourhoods: vec!["kizilay".into(), "Emek Mahallesi".into()],
        }],
        pool_id: app.org.ankara_water.clone(),
        ..Default::default()
    }
}

/// An outage of the whole of Çankaya: every water report there joins it.
fn whole_district(app: &TestApp) -> pb::DeclareIncidentRequest {
    let mut req = declaration(app);
    req.kind = pb::IncidentKind::PlannedOutage as i32;
    req.areas[0].neighbourhoods.clear();
    req
}

async fn declare(app: &mut TestApp, who: &str) -> pb::Incident {
    let req = declaration(app);
    app.incidents
        .declare_incident(as_user(who, req))
        .await
        .unwrap()
        .into_inner()
        .incident
        .unwrap()
}

/// An Ankara report replying on `reply` to `phone`.
async fn report(app: &mut TestApp, reply: common::ReplyChannel, phone: &str) -> pb::Case {
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.reply_channel = reply as i32;
    if let Some(c) = req.contact.as_mut() {
        c.phone = phone.into();
    }
    app.create(req).await
}

async fn link(
    app: &mut TestApp,
    who: &str,
    incident: &str,
    ids: &[&str],
) -> Result<pb::Incident, tonic::Status> {
    let req = pb::LinkCasesRequest {
        incident_id: incident.into(),
        case_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        method: pb::IncidentLinkMethod::Bulk as i32,
    };
    app.incidents
        .link_cases(as_user(who, req))
        .await
        .map(|r| r.into_inner().incident.unwrap())
}

async fn close(
    app: &mut TestApp,
    who: &str,
    incident: &pb::Incident,
    answer: &str,
) -> Result<pb::CloseIncidentResponse, tonic::Status> {
    let req = pb::CloseIncidentRequest {
        id: incident.id.clone(),
        answer: answer.into(),
        expected_version: incident.version,
    };
    app.incidents
        .close_incident(as_user(who, req))
        .await
        .map(|r| r.into_inner())
}

both_stores! {
    async fn a_declaration_names_each_bad_field_and_spells_places_as_the_reference_data(app) {
        let mut bad = declaration(&app);
        bad.kind = 0;
        bad.title = " ".into();
        bad.areas = vec![pb::IncidentArea { district: "Karşıyaka".into(), neighbourhoods: vec![] }];
        let err = app.incidents.declare_incident(as_user("expert_ankara", bad)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["kind", "title", "areas[0].district"]);
        let mut other_pool = declaration(&app);
        other_pool.pool_id = app.org.izmir_water.clone();
        let err = app.incidents.declare_incident(as_user("expert_ankara", other_pool)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["pool_id"]);
        let denied = app.incidents.declare_incident(as_user("callcentre", declaration(&app))).await.unwrap_err();
        assert_eq!(denied.code(), Code::PermissionDenied);
        let i = declare(&mut app, "expert_ankara").await;
        assert_eq!(i.reference, format!("OLY-{:06}", i.number));
        assert_eq!(i.areas[0].district, "Çankaya", "typed in ASCII, kept as the reference data spells it");
        assert_eq!(i.areas[0].neighbourhoods, vec!["Emek Mah", "Kızılay Mah"], "sorted in Turkish order");
        assert_eq!(i.status, pb::IncidentStatus::Open as i32);
        assert!(i.due_at.is_some(), "the incident has its own deadline");
        let second = declare(&mut app, "manager_ankara").await;
        assert_eq!(second.number, i.number + 1);
    }

    async fn a_repeated_declaration_returns_the_first_incident(app) {
        let mut req = declaration(&app);
        req.request_id = uuid::Uuid::new_v4().to_string();
        let first = app.incidents.declare_incident(as_user("expert_ankara", req.clone())).await.unwrap().into_inner().incident.unwrap();
        let again = app.incidents.declare_incident(as_user("expert_ankara", req)).await.unwrap().into_inner().incident.unwrap();
        assert_eq!(again.id, first.id);
        let list = app.incidents.list_incidents(as_user("manager_ankara", pb::ListIncidentsRequest::default())).await.unwrap().into_inner();
        assert_eq!(list.incidents.len(), 1);
    }

    async fn linked_reports_leave_the_work_lists_and_cannot_be_worked_until_unlinked(app) {
        let i = declare(&mut app, "expert_ankara").await;
        let a = report(&mut app, common::ReplyChannel::Sms, "0532 111 22 33").await;
        let b = report(&mut app, common::ReplyChannel::Email, "").await;
        app.claim("expert_ankara", &[&b.id]).await.unwrap();
        let linked = link(&mut app, "expert_ankara", &i.id, &[&a.id, &b.id]).await.unwrap();
        assert_eq!((linked.linked_count, linked.open_linked_count), (2, 2));
        let pool = app.list("manager_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert!(pool.cases.is_empty(), "linked reports are off the pool's list");
        let mine = app.list("expert_ankara", pb::CaseView::Mine, 50, "").await.unwrap();
        assert!(mine.cases.is_empty(), "the expert let the held one go");
        let shown = app.get("expert_ankara", &b.id).await.unwrap();
        assert_eq!(shown.incident_id, i.id);
        assert_eq!(shown.incident_reference, i.reference);
        let refused = app.claim("expert_ankara", &[&a.id]).await.unwrap_err();
        assert_eq!(refused.code(), Code::FailedPrecondition);
        let why = refused.get_details_precondition_failure().unwrap();
        assert!(why.violations[0].description.contains("linked to an incident"), "{why:?}");
        let again = link(&mut app, "expert_ankara", &i.id, &[&a.id]).await.unwrap_err();
        assert_eq!(again.code(), Code::FailedPrecondition);
        let step = app.history("expert_ankara", &a.id).await.pop().unwrap();
        assert_eq!((step.action, step.detail.as_str()), (pb::HistoryAction::LinkedToIncident as i32, i.reference.as_str()));
        let req = pb::UnlinkCaseRequest { incident_id: i.id.clone(), case_id: a.id.clone(), reason: " ".into() };
        let err = app.incidents.unlink_case(as_user("expert_ankara", req)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["reason"]);
        let req = pb::UnlinkCaseRequest { incident_id: i.id.clone(), case_id: a.id.clone(), reason: "Başka sokak, ayrı arıza.".into() };
        let after = app.incidents.unlink_case(as_user("expert_ankara", req)).await.unwrap().into_inner().incident.unwrap();
        assert_eq!(after.linked_count, 1);
        let pool = app.list("expert_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert_eq!(pool.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![a.id.as_str()]);
        let step = app.history("expert_ankara", &a.id).await.pop().unwrap();
        assert_eq!(step.detail, format!("{}: Başka sokak, ayrı arıza.", i.reference));
    }

    async fn the_page_shows_linked_reports_without_texts_and_only_in_scope(app) {
        let i = declare(&mut app, "expert_ankara").await;
        let a = report(&mut app, common::ReplyChannel::Sms, "0532 111 22 33").await;
        link(&mut app, "expert_ankara", &i.id, &[&a.id]).await.unwrap();
        let page = app.incidents.get_incident(as_user("manager_ankara", pb::GetIncidentRequest { id: i.id.clone() })).await.unwrap().into_inner();
        assert_eq!(page.linked.len(), 1);
        assert_eq!(page.linked[0].tracking_number, a.tracking_number);
        assert_eq!(page.linked[0].method, pb::IncidentLinkMethod::Bulk as i32);
        assert!(page.linked[0].visible);
        let err = app.incidents.get_incident(as_user("expert_izmir", pb::GetIncidentRequest { id: i.id.clone() })).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "another pool's incident does not exist for İzmir");
        let err = link(&mut app, "expert_izmir", &i.id, &[&a.id]).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
    }

    async fn closing_answers_every_linked_citizen_on_their_channel_once(app) {
        let i = declare(&mut app, "expert_ankara").await;
        let email = report(&mut app, common::ReplyChannel::Email, "").await;
        let mobile = report(&mut app, common::ReplyChannel::PhoneCallback, "0532 123 45 67").await;
        let landline = report(&mut app, common::ReplyChannel::PhoneCallback, "0312 555 12 34").await;
        let letter_free = report(&mut app, common::ReplyChannel::Sms, "0533 000 11 22").await;
        let i = link(&mut app, "expert_ankara", &i.id, &[&email.id, &mobile.id, &landline.id]).await.unwrap();
        let err = close(&mut app, "expert_ankara", &i, " ").await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["answer"]);
        let done = close(&mut app, "expert_ankara", &i, "Arıza giderildi, su verildi.").await.unwrap();
        assert_eq!(done.closed_cases, 3);
        let incident = done.incident.unwrap();
        assert_eq!((incident.status, incident.open_linked_count, incident.linked_count), (pb::IncidentStatus::Closed as i32, 0, 3));
        let e = app.get("manager_ankara", &email.id).await.unwrap();
        assert_eq!((e.status, e.official_answer.as_str()), (pb::CaseStatus::Resolved as i32, "Arıza giderildi, su verildi."));
        assert!(!e.closure_reason.is_empty(), "the policy's reason for an incident's close");
        let m = app.get("manager_ankara", &mobile.id).await.unwrap();
        assert_eq!((m.status, m.reply_channel), (pb::CaseStatus::Resolved as i32, common::ReplyChannel::Sms as i32), "a mobile number gets the answer by SMS");
        let l = app.get("manager_ankara", &landline.id).await.unwrap();
        assert_eq!((l.status, l.incident_id.as_str()), (pb::CaseStatus::AwaitingCallback as i32, i.id.as_str()), "a landline waits for a callback, marked with the incident");
        let callbacks = app.list("callback_ankara", pb::CaseView::CallbackPool, 50, "").await.unwrap();
        assert_eq!(callbacks.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![landline.id.as_str()]);
        let untouched = app.get("manager_ankara", &letter_free.id).await.unwrap();
        assert_eq!(untouched.status, pb::CaseStatus::InPool as i32, "an unlinked report is not answered");
        let steps = app.history("manager_ankara", &email.id).await;
        let closed_step = steps.iter().find(|s| s.action == pb::HistoryAction::ClosedByExpert as i32).unwrap();
        assert_eq!(closed_step.detail, i.reference);
        let mut fresh = incident.clone();
        let again = close(&mut app, "expert_ankara", &fresh, "İkinci cevap").await.unwrap_err();
        assert!(failed_subjects(&again).contains(&"IncidentClosed".to_owned()), "{again:?}");
        fresh.version = 1;
        let late = link(&mut app, "expert_ankara", &i.id, &[&letter_free.id]).await.unwrap_err();
        assert!(failed_subjects(&late).contains(&"IncidentClosed".to_owned()), "{late:?}");
    }

    async fn a_close_from_a_stale_page_is_refused(app) {
        let i = declare(&mut app, "expert_ankara").await;
        let a = report(&mut app, common::ReplyChannel::Email, "").await;
        link(&mut app, "expert_ankara", &i.id, &[&a.id]).await.unwrap();
        // `i` is the page before the link: its close would miss the report.
        let err = close(&mut app, "expert_ankara", &i, "Cevap").await.unwrap_err();
        assert!(failed_subjects(&err).contains(&"StaleVersion".to_owned()), "{err:?}");
        let current = app.incidents.get_incident(as_user("expert_ankara", pb::GetIncidentRequest { id: i.id.clone() })).await.unwrap().into_inner().incident.unwrap();
        assert_eq!(close(&mut app, "expert_ankara", &current, "Cevap").await.unwrap().closed_cases, 1);
    }

    async fn declared_from_a_record_the_record_is_linked_at_once(app) {
        let a = report(&mut app, common::ReplyChannel::Email, "").await;
        let mut req = declaration(&app);
        req.pool_id = String::new();
        req.origin_case_id = a.id.clone();
        let i = app.incidents.declare_incident(as_user("expert_ankara", req)).await.unwrap().into_inner().incident.unwrap();
        assert_eq!((i.pool_id.as_str(), i.linked_count), (app.org.ankara_water.as_str(), 1));
        assert_eq!(app.get("expert_ankara", &a.id).await.unwrap().incident_id, i.id);
    }

    async fn a_report_in_the_place_and_time_of_an_outage_joins_it_as_it_opens(app) {
        let req = whole_district(&app);
        let i = app.incidents.declare_incident(as_user("expert_ankara", req)).await.unwrap().into_inner().incident.unwrap();
        let joined = report(&mut app, common::ReplyChannel::Sms, "0532 111 22 33").await;
        assert_eq!(joined.incident_id, i.id, "a water report in Çankaya joins the outage");
        let step = app.history("expert_ankara", &joined.id).await.pop().unwrap();
        assert_eq!((step.action, step.detail.as_str()), (pb::HistoryAction::LinkedToIncident as i32, i.reference.as_str()));
        let page = app.incidents.get_incident(as_user("expert_ankara", pb::GetIncidentRequest { id: i.id.clone() })).await.unwrap().into_inner();
        assert_eq!(page.linked[0].method, pb::IncidentLinkMethod::Automatic as i32);
        let shown = app.get("expert_ankara", &joined.id).await.unwrap();
        assert_eq!(shown.incident_kind, pb::IncidentKind::PlannedOutage as i32, "for the acknowledgement");
        let elsewhere = app.application(&app.org.ankara_water.clone(), 6, "Keçiören");
        let elsewhere = app.create(elsewhere).await;
        assert_eq!(elsewhere.incident_id, "", "another district");
        let mut bill = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        bill.category = "fatura".into();
        assert_eq!(app.create(bill).await.incident_id, "", "another category");
        let pool = app.list("expert_ankara", pb::CaseView::Pool, 50, "").await.unwrap();
        assert!(!pool.cases.iter().any(|c| c.id == joined.id), "off the work list");
        let current = app.incidents.get_incident(as_user("expert_ankara", pb::GetIncidentRequest { id: i.id.clone() })).await.unwrap().into_inner().incident.unwrap();
        assert_eq!(close(&mut app, "expert_ankara", &current, "Çalışma bitti, su verildi.").await.unwrap().closed_cases, 1);
        let after = report(&mut app, common::ReplyChannel::Sms, "0532 111 22 44").await;
        assert_eq!(after.incident_id, "", "a closed outage gathers nothing");
    }

    async fn a_report_naming_a_neighbourhood_of_a_partial_outage_joins_it_and_others_do_not(app) {
        let i = declare(&mut app, "expert_ankara").await;
        let water = app.org.ankara_water.clone();
        let at = |n: &str| {
            let mut req = app.application(&water, 6, "Çankaya");
            req.location.as_mut().unwrap().neighbourhood = n.into();
            req
        };
        let (inside, outside, unnamed) = (at("Kızılay"), at("Çukurambar"), at(""));
        assert_eq!(app.create(inside).await.incident_id, i.id, "Kızılay is in the outage");
        assert_eq!(app.create(outside).await.incident_id, "", "Çukurambar is not");
        assert_eq!(app.create(unnamed).await.incident_id, "", "somewhere in Çankaya: by hand");
    }

    async fn an_outage_not_yet_begun_gathers_nothing_and_is_announced(app) {
        let mut req = whole_district(&app);
        let tomorrow = start_time() + jiff::SignedDuration::from_hours(24);
        req.starts_at = Some(prost_types::Timestamp { seconds: tomorrow.as_second(), nanos: 0 });
        app.incidents.declare_incident(as_user("manager_ankara", req)).await.unwrap();
        let c = report(&mut app, common::ReplyChannel::Sms, "0532 111 22 33").await;
        assert_eq!(c.incident_id, "");
        let listed = app.incidents.list_outages(with_token(GATEWAY_TOKEN, pb::ListOutagesRequest { province_code: 6, district: "cankaya".into(), neighbourhood: String::new() })).await.unwrap().into_inner();
        assert_eq!(listed.outages.len(), 1, "announced a day ahead");
        let other = app.incidents.list_outages(with_token(GATEWAY_TOKEN, pb::ListOutagesRequest { province_code: 35, district: String::new(), neighbourhood: String::new() })).await.unwrap().into_inner();
        assert!(other.outages.is_empty());
        let bad = app.incidents.list_outages(with_token(GATEWAY_TOKEN, pb::ListOutagesRequest { province_code: 6, district: "Karşıyaka".into(), neighbourhood: String::new() })).await.unwrap_err();
        assert_eq!(violated_fields(&bad), vec!["district"]);
    }
}
