//! Duplicates (issue 20): `ListDuplicateCandidates` suggests the same
//! citizen's repeat (with its text, mergeable) and other citizens' reports
//! of the same place (no text, never mergeable); `MergeCase` resolves the
//! duplicate into the original without an answer of its own, its text and
//! files kept, both tracking numbers leading to the one answer;
//! `DismissDuplicate` hides a pair for good. The neighbourhood of a place
//! is spelt as the reference data spells it.

use jiff::SignedDuration;
use prost::Message as _;
use tekmerkez_bus::Bus as _;
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

fn citizen(mut req: pb::CreateCaseRequest, phone: &str, text: &str) -> pb::CreateCaseRequest {
    let contact = req.contact.get_or_insert_with(Default::default);
    phone.clone_into(&mut contact.phone);
    contact.email.clear();
    text.clone_into(&mut req.text);
    req
}

async fn candidates(
    app: &mut TestApp,
    who: &str,
    id: &str,
) -> Result<Vec<pb::DuplicateCandidate>, tonic::Status> {
    let req = pb::ListDuplicateCandidatesRequest {
        case_id: id.to_owned(),
    };
    app.case
        .list_duplicate_candidates(as_user(who, req))
        .await
        .map(|r| r.into_inner().candidates)
}

async fn merge(
    app: &mut TestApp,
    who: &str,
    id: &str,
    into: &str,
) -> Result<pb::MergeCaseResponse, tonic::Status> {
    let req = pb::MergeCaseRequest {
        case_id: id.to_owned(),
        into_case_id: into.to_owned(),
        expected_version: 0,
    };
    app.case
        .merge_case(as_user(who, req))
        .await
        .map(|r| r.into_inner())
}

/// Ayşe's first report, her repeat an hour later typed on a phone without
/// Turkish letters, a neighbour's report of the same street, and Ayşe's
/// bill question (another category).
struct Reports {
    first: pb::Case,
    again: pb::Case,
    neighbour: pb::Case,
    bill: pb::Case,
}

async fn reports(app: &mut TestApp) -> Reports {
    let water = app.org.ankara_water.clone();
    let billing = app.org.ankara_billing.clone();
    let hour = SignedDuration::from_hours(1);
    let first = app
        .create(citizen(
            app.application(&water, 6, "Çankaya"),
            "0532 123 45 67",
            "Sokağımızda su yok, boru patladı",
        ))
        .await;
    app.clock.advance(hour);
    let again = app
        .create(citizen(
            app.application(&water, 6, "Çankaya"),
            "+905321234567",
            "SOKAGIMIZDA SU YOK BORU PATLADI",
        ))
        .await;
    app.clock.advance(hour);
    let neighbour = app
        .create(citizen(
            app.application(&water, 6, "Çankaya"),
            "0544 765 43 21",
            "Bizim sokakta da su kesik",
        ))
        .await;
    let mut bill = citizen(
        app.application(&billing, 6, "Çankaya"),
        "0532 123 45 67",
        "Faturam yüksek geldi",
    );
    bill.category = "fatura_itiraz".into();
    let bill = app.create(bill).await;
    Reports {
        first,
        again,
        neighbour,
        bill,
    }
}

fn by_id<'a>(list: &'a [pb::DuplicateCandidate], id: &str) -> Option<&'a pb::DuplicateCandidate> {
    list.iter().find(|c| c.case_id == id)
}

both_stores! {
    async fn the_same_citizens_repeat_is_suggested_with_its_text_and_the_neighbours_without(app) {
        let r = reports(&mut app).await;
        let got = candidates(&mut app, "manager_ankara", &r.again.id).await.unwrap();
        let first = by_id(&got, &r.first.id).expect("the citizen's first report");
        assert_eq!(first.kind, pb::DuplicateKind::SameCitizen as i32);
        assert_eq!((first.score, first.text_likeness), (100, 100), "the same words once folded");
        assert_eq!(first.text, r.first.text);
        assert_eq!(first.tracking_number, r.first.tracking_number);
        assert!(first.mergeable);
        let neighbour = by_id(&got, &r.neighbour.id).expect("the neighbour's report of the street");
        assert_eq!(neighbour.kind, pb::DuplicateKind::SamePlace as i32);
        assert!(neighbour.text.is_empty(), "another citizen's text is never shown");
        assert!(!neighbour.mergeable);
        assert!(neighbour.score < first.score);
        assert_eq!(got[0].case_id, r.first.id, "best first");
        assert!(by_id(&got, &r.bill.id).is_none(), "another category is not a repeat");
        assert!(by_id(&got, &r.again.id).is_none(), "not itself");
    }

    async fn a_merge_resolves_the_repeat_into_the_first_and_both_numbers_lead_there(app) {
        let mut events = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let r = reports(&mut app).await;
        let got = merge(&mut app, "manager_ankara", &r.again.id, &r.first.id).await.unwrap();
        let merged = got.merged.unwrap();
        assert_eq!(merged.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(merged.merged_into_case_id, r.first.id);
        assert!(merged.official_answer.is_empty(), "no answer of its own");
        let into = got.into.unwrap();
        assert_eq!(into.status, pb::CaseStatus::InPool as i32);

        let first = app.get("manager_ankara", &r.first.id).await.unwrap();
        let kept = first.notes.iter().find(|n| n.author == pb::NoteAuthor::Citizen as i32).expect("the repeat's text");
        assert_eq!(kept.text, r.again.text);
        let steps = app.history("admin", &r.first.id).await;
        let step = steps.iter().find(|s| s.action == pb::HistoryAction::DuplicateMerged as i32).unwrap();
        assert_eq!(step.detail, r.again.tracking_number);
        let again = app.get("manager_ankara", &r.again.id).await.unwrap();
        assert_eq!(again.merged_into_tracking_number, r.first.tracking_number);
        let steps = app.history("admin", &r.again.id).await;
        assert!(steps.iter().any(|s| s.action == pb::HistoryAction::MergedInto as i32 && s.detail == r.first.tracking_number));

        // The repeat's number tells the first one's status.
        let t = app.case.track_case(with_token(INTAKE_TOKEN, pb::TrackCaseRequest {
            tracking_number: r.again.tracking_number.clone(),
            phone_last4: "4567".into(),
            digits_from_verified_phone: false,
        })).await.unwrap().into_inner();
        assert_eq!(t.tracking_number, r.first.tracking_number);
        assert_eq!(t.merged_from_tracking_number, r.again.tracking_number);
        assert_eq!(t.status, pb::CaseStatus::InPool as i32);

        // A reply to the repeat's e-mail joins the first record.
        let reply = app.case.add_citizen_message(with_token(ROUTING_TOKEN, pb::AddCitizenMessageRequest {
            application_id: uuid::Uuid::new_v4().to_string(),
            tracking_number: r.again.tracking_number.clone(),
            channel: common::Channel::Email as i32,
            text: "Hâlâ su yok.".into(),
            sender: None,
            received_at: None,
            attachments: Vec::new(),
        })).await.unwrap().into_inner();
        assert_eq!(reply.case_id, r.first.id);

        // Once merged: merging again returns it, it is suggested no more.
        let again = merge(&mut app, "manager_ankara", &r.again.id, &r.first.id).await.unwrap();
        assert_eq!(again.merged.unwrap().version, merged.version);
        let left = candidates(&mut app, "manager_ankara", &r.first.id).await.unwrap();
        assert!(by_id(&left, &r.again.id).is_none());

        // The repeat is resolved by a Merged event, never a Resolved or an
        // answer one (notify would tell the citizen twice).
        let seen = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            let mut kinds = Vec::new();
            loop {
                let env = events.next().await.unwrap().envelope;
                let ev = pb::CaseEvent::decode(env.payload.clone()).unwrap();
                if ev.case_id != r.again.id {
                    continue;
                }
                match ev.payload {
                    Some(pb::case_event::Payload::Merged(m)) => {
                        assert_eq!(m.into_case_id, r.first.id);
                        assert_eq!(m.into_tracking_number, r.first.tracking_number);
                        break kinds;
                    }
                    Some(p) => kinds.push(format!("{p:?}")),
                    None => {}
                }
            }
        }).await.expect("a Merged event");
        assert!(seen.iter().all(|k| !k.starts_with("Resolved") && !k.starts_with("ClosedByExpert")), "{seen:?}");
    }

    async fn merges_are_refused_across_citizens_to_bystanders_and_after_an_answer(app) {
        let r = reports(&mut app).await;
        let err = merge(&mut app, "manager_ankara", &r.neighbour.id, &r.first.id).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(failed_subjects(&err), ["NotSameCitizen"]);
        let err = merge(&mut app, "manager_ankara", &r.first.id, &r.first.id).await.unwrap_err();
        assert_eq!(failed_subjects(&err), ["SameRecord"]);
        // An expert of the pool who holds neither may look but not merge.
        let err = merge(&mut app, "expert2_ankara", &r.again.id, &r.first.id).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        // Once the first one is answered, the repeat gets its own answer.
        app.claim("expert_ankara", &[&r.first.id]).await.unwrap();
        app.close("expert_ankara", &r.first.id, "Ekip gönderildi, arıza giderildi.").await.unwrap();
        let err = merge(&mut app, "admin", &r.again.id, &r.first.id).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "the first one is answered: answer the repeat");
        let got = candidates(&mut app, "admin", &r.again.id).await.unwrap();
        assert!(!by_id(&got, &r.first.id).unwrap().mergeable);
    }

    async fn a_dismissed_suggestion_is_gone_from_both_records(app) {
        let r = reports(&mut app).await;
        app.case.dismiss_duplicate(as_user("expert2_ankara", pb::DismissDuplicateRequest {
            case_id: r.neighbour.id.clone(),
            other_case_id: r.again.id.clone(),
        })).await.unwrap();
        let on_again = candidates(&mut app, "manager_ankara", &r.again.id).await.unwrap();
        assert!(by_id(&on_again, &r.neighbour.id).is_none());
        assert!(by_id(&on_again, &r.first.id).is_some(), "only that pair");
        let on_neighbour = candidates(&mut app, "manager_ankara", &r.neighbour.id).await.unwrap();
        assert!(by_id(&on_neighbour, &r.again.id).is_none());
        // İzmir's expert sees none of Ankara's records.
        let err = candidates(&mut app, "expert_izmir", &r.again.id).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
    }

    async fn a_neighbourhood_is_kept_as_the_reference_data_spells_it(app) {
        let water = app.org.ankara_water.clone();
        let mut req = app.application(&water, 6, "Çankaya");
        req.location.as_mut().unwrap().neighbourhood = "Karşıyaka".into(); // İzmir's, not Çankaya's
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req.clone())).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["location.neighbourhood"]);
        req.location.as_mut().unwrap().neighbourhood = "cukurambar".into();
        let c = app.create(req).await;
        let got = app.get("admin", &c.id).await.unwrap();
        assert_eq!(got.location.unwrap().neighbourhood, "Çukurambar Mah");
    }
}
