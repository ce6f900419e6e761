//! `AddCitizenMessage`: a citizen's follow-up (an e-mail reply, a later
//! social-media message) joins the case with that tracking number as the
//! citizen's note, with its task step and event, once per application id.

use prost::Message as _;
use tekmerkez_bus::Bus as _;
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;
use uuid::Uuid;

use crate::{both_stores, helpers::*};

fn message(tracking_number: &str, sender_email: &str) -> pb::AddCitizenMessageRequest {
    pb::AddCitizenMessageRequest {
        application_id: Uuid::new_v4().to_string(),
        tracking_number: tracking_number.to_owned(),
        channel: common::Channel::Email as i32,
        text: "Su hâlâ akıyor, ekip gelmedi.".into(),
        sender: Some(common::Contact {
            email: sender_email.to_owned(),
            ..Default::default()
        }),
        received_at: None,
        attachments: Vec::new(),
    }
}

async fn add(
    app: &mut TestApp,
    req: pb::AddCitizenMessageRequest,
) -> Result<pb::AddCitizenMessageResponse, tonic::Status> {
    app.case
        .add_citizen_message(with_token(ROUTING_TOKEN, req))
        .await
        .map(|r| r.into_inner())
}

both_stores! {
    async fn a_follow_up_becomes_the_citizens_note_with_its_step_and_event(app) {
        let mut events = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.open_case().await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let before = app.get("admin", &c.id).await.unwrap();
        // The applicant's own address, typed in another case.
        let got = add(&mut app, message(&c.tracking_number, "AYSE.YILMAZ@ornek.com.tr")).await.unwrap();
        assert!(got.created);
        assert_eq!(got.case_id, c.id);
        let note = got.note.unwrap();
        assert_eq!(note.author, pb::NoteAuthor::Citizen as i32);
        assert_eq!(note.channel, common::Channel::Email as i32);
        assert!(note.author_id.is_empty());
        assert!(note.from_applicant);

        let after = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!((after.status, after.holder_id.clone()), (before.status, before.holder_id.clone()), "nothing moves");
        assert_eq!(after.version, before.version + 1);
        let shown = after.notes.iter().find(|n| n.id == note.id).unwrap();
        assert_eq!(shown.text, "Su hâlâ akıyor, ekip gelmedi.");
        assert_eq!(shown.author, pb::NoteAuthor::Citizen as i32);
        app.note("expert_ankara", &c.id, "Ekip yolda.").await.unwrap();
        let staff = app.get("expert_ankara", &c.id).await.unwrap();
        assert!(staff.notes.iter().any(|n| n.author == pb::NoteAuthor::Staff as i32 && !n.author_id.is_empty()));

        let steps = app.history("admin", &c.id).await;
        let step = steps.iter().find(|s| s.action == pb::HistoryAction::CitizenMessageAdded as i32).unwrap();
        assert_eq!((step.detail.as_str(), step.actor_service.as_str()), ("email", "routing"));
        assert_eq!(step.from_status, step.to_status);

        let found = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                let env = events.next().await.unwrap().envelope;
                let ev = pb::CaseEvent::decode(env.payload.clone()).unwrap();
                if let Some(pb::case_event::Payload::CitizenMessageAdded(m)) = ev.payload {
                    break (ev.case_id, m);
                }
            }
        }).await.expect("a CitizenMessageAdded event");
        assert_eq!(found.0, c.id);
        assert_eq!(found.1.note_id, note.id);
        assert_eq!(found.1.status, pb::CaseStatus::Held as i32);
        assert!(found.1.from_applicant);
    }

    async fn a_redelivered_message_adds_nothing_and_its_id_cannot_carry_other_words(app) {
        let c = app.open_case().await;
        let req = message(&c.tracking_number, "baska@ornek.com.tr");
        let first = add(&mut app, req.clone()).await.unwrap();
        let version = app.get("admin", &c.id).await.unwrap().version;
        let again = add(&mut app, req.clone()).await.unwrap();
        assert!(!again.created);
        assert_eq!(again.note.unwrap().id, first.note.as_ref().unwrap().id);
        assert!(!first.note.unwrap().from_applicant, "another sender");
        let case = app.get("admin", &c.id).await.unwrap();
        assert_eq!(case.version, version, "the second delivery changed the case");
        assert_eq!(case.notes.len(), 1);
        let mut other = req;
        other.text = "Başka bir metin.".into();
        assert_eq!(add(&mut app, other).await.unwrap_err().code(), Code::AlreadyExists);
    }

    async fn an_unknown_number_is_not_found_and_a_mistyped_one_is_named(app) {
        let unknown = tekmerkez_tracking::TrackingNumber::generate().to_string();
        let err = add(&mut app, message(&unknown, "a@b.com.tr")).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        assert!(!err.message().contains(&unknown));
        let c = app.open_case().await;
        let mut typo: Vec<char> = c.tracking_number.chars().collect();
        typo[0] = if typo[0] == '7' { '8' } else { '7' };
        let typo: String = typo.into_iter().collect();
        let err = add(&mut app, message(&typo, "a@b.com.tr")).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), ["tracking_number"]);
        let mut empty = message(&c.tracking_number, "");
        empty.text = "   ".into();
        empty.channel = 0;
        let err = add(&mut app, empty).await.unwrap_err();
        let mut fields = violated_fields(&err);
        fields.sort();
        assert_eq!(fields, ["channel", "text"]);
        assert!(app.get("admin", &c.id).await.unwrap().notes.is_empty());
    }

    async fn a_message_on_a_resolved_case_is_kept_with_its_files_and_the_case_stays_resolved(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.reply_channel = common::ReplyChannel::Email as i32;
        let c = app.create(req).await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.close("expert_ankara", &c.id, "Onarıldı.").await.unwrap();
        let mut msg = message(&c.tracking_number, "ayse.yilmaz@ornek.com.tr");
        msg.attachments = vec![pb::NewAttachment {
            file_name: "foto.png".into(),
            content_type: "image/png".into(),
            content: b"\x89PNG\r\n\x1a\nrest".to_vec(),
        }];
        let got = add(&mut app, msg).await.unwrap();
        assert!(got.created);
        let case = app.get("admin", &c.id).await.unwrap();
        assert_eq!(case.status, pb::CaseStatus::Resolved as i32);
        assert_eq!(case.notes.len(), 1);
        assert_eq!(case.attachments.len(), 1);
        assert_eq!(case.attachments[0].file_name, "foto.png");
    }

    async fn nobody_but_routing_adds_a_citizens_message(app) {
        let c = app.open_case().await;
        for token in [INTAKE_TOKEN, GATEWAY_TOKEN] {
            let err = app.case.add_citizen_message(with_token(token, message(&c.tracking_number, "a@b.com.tr"))).await.unwrap_err();
            assert_eq!(err.code(), Code::PermissionDenied, "{token}");
        }
        let err = app.case.add_citizen_message(as_user("admin", message(&c.tracking_number, "a@b.com.tr"))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        assert!(app.get("admin", &c.id).await.unwrap().notes.is_empty());
    }
}
