//! Answer letters: a letter reply's close makes one numbered letter in the
//! close's transaction; the staff who post letters list it, print it and
//! mark it posted once, with a task step; numbers run per Istanbul year
//! without gaps or duplicates, however many closes run at once.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

/// The address every letter test writes to.
pub const ADDRESS: &str = "Kızılay Mah. Atatürk Bulvarı No: 12/4\nÇankaya / Ankara";

/// An Ankara water application whose citizen asked for a letter.
pub fn letter_application(app: &TestApp) -> pb::CreateCaseRequest {
    let mut req = app.application(&app.org.ankara_water, 6, "Çankaya");
    req.reply_channel = common::ReplyChannel::Letter as i32;
    if let Some(c) = req.contact.as_mut() {
        c.postal_address = ADDRESS.into();
    }
    req
}

/// A letter-reply case, claimed and closed by `expert_ankara` with `answer`.
pub async fn closed_letter_case(app: &mut TestApp, answer: &str) -> pb::Case {
    let req = letter_application(app);
    let c = app.create(req).await;
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    app.close("expert_ankara", &c.id, answer).await.unwrap()
}

pub async fn list_letters(
    app: &mut TestApp,
    who: &str,
    status: pb::LetterStatus,
) -> Result<pb::ListLettersResponse, tonic::Status> {
    app.case
        .list_letters(as_user(
            who,
            pb::ListLettersRequest {
                status: status as i32,
                page: None,
            },
        ))
        .await
        .map(|r| r.into_inner())
}

pub async fn mark(
    app: &mut TestApp,
    who: &str,
    ids: &[&str],
) -> Result<Vec<pb::PostedLetter>, tonic::Status> {
    app.case
        .mark_letters_posted(as_user(
            who,
            pb::MarkLettersPostedRequest {
                letter_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            },
        ))
        .await
        .map(|r| r.into_inner().letters)
}

both_stores! {
    async fn a_letter_reply_resolves_with_one_numbered_letter_waiting_to_be_posted(app) {
        let answer = "Sayaç değiştirildi; fark faturanıza yansıtılacaktır.";
        let closed = closed_letter_case(&mut app, answer).await;
        // The life-cycle is as it was: a letter reply resolves at the close.
        assert_eq!(closed.status, pb::CaseStatus::Resolved as i32);
        // 2 March 2026 in Istanbul: the year's first letter.
        assert_eq!(closed.letter_number, "TM-2026-000001");
        assert!(!closed.letter_id.is_empty() && closed.letter_posted_at.is_none());
        let again = app.get("admin", &closed.id).await.unwrap();
        assert_eq!((again.letter_number.as_str(), again.letter_id.as_str()), ("TM-2026-000001", closed.letter_id.as_str()));

        let queue = list_letters(&mut app, "callback_ankara", pb::LetterStatus::ToBePosted).await.unwrap();
        assert_eq!(queue.total, 1);
        let l = &queue.letters[0];
        assert_eq!((l.id.as_str(), l.number.as_str(), l.case_id.as_str()), (closed.letter_id.as_str(), "TM-2026-000001", closed.id.as_str()));
        assert_eq!(l.tracking_number, closed.tracking_number);
        assert_eq!((l.recipient_name.as_str(), l.postal_address.as_str()), ("Ayşe Yılmaz", ADDRESS));
        assert_eq!(l.status, pb::LetterStatus::ToBePosted as i32);
        assert!(l.official_answer.is_empty(), "the list leaves the answer out");
        assert!(!l.pool_name.is_empty());

        let printed = app.case.get_letter(as_user("callcentre", pb::GetLetterRequest { letter_id: l.id.clone() })).await.unwrap().into_inner().letter.unwrap();
        assert_eq!(printed.official_answer, answer);

        // A phone reply makes no letter.
        let phone = app.open_case().await;
        app.claim("expert_ankara", &[&phone.id]).await.unwrap();
        let phone = app.close("expert_ankara", &phone.id, "Arıza giderildi.").await.unwrap();
        assert!(phone.letter_number.is_empty());
        assert_eq!(list_letters(&mut app, "admin", pb::LetterStatus::ToBePosted).await.unwrap().total, 1);
    }

    async fn marking_posted_is_idempotent_and_one_task_step_records_it(app) {
        let closed = closed_letter_case(&mut app, "Yanıtımız ektedir.").await;
        let id = closed.letter_id.clone();
        // A double click: two marks at once.
        let (mut a, mut b) = (app.case.clone(), app.case.clone());
        let req = || as_user("callback_ankara", pb::MarkLettersPostedRequest { letter_ids: vec![id.clone()] });
        let (x, y) = tokio::join!(a.mark_letters_posted(req()), b.mark_letters_posted(req()));
        let (x, y) = (x.unwrap().into_inner().letters, y.unwrap().into_inner().letters);
        assert_eq!(u8::from(x[0].newly_posted) + u8::from(y[0].newly_posted), 1, "exactly one posted it");
        // Later, again: nothing changes.
        let later = mark(&mut app, "admin", &[&id]).await.unwrap();
        assert!(!later[0].newly_posted);
        let posted = later[0].letter.clone().unwrap();
        assert_eq!(posted.status, pb::LetterStatus::Posted as i32);
        assert_eq!(posted.posted_by, app.user_id("callback_ankara"), "still who posted it first");
        assert_eq!(posted.posted_by_display_name, "callback_ankara");

        let steps: Vec<_> = app.history("admin", &closed.id).await.into_iter()
            .filter(|s| s.action == pb::HistoryAction::LetterPosted as i32).collect();
        assert_eq!(steps.len(), 1, "one step for one posting");
        assert_eq!(steps[0].detail, closed.letter_number);
        assert_eq!(steps[0].actor_user_id, app.user_id("callback_ankara"));
        assert_eq!(steps[0].to_status, pb::CaseStatus::Resolved as i32, "posting changes no status");

        // The posted letter leaves the queue and shows in the posted list.
        assert_eq!(list_letters(&mut app, "callback_ankara", pb::LetterStatus::ToBePosted).await.unwrap().total, 0);
        let done = list_letters(&mut app, "callback_ankara", pb::LetterStatus::Posted).await.unwrap();
        assert_eq!(done.letters.len(), 1);
        assert!(done.letters[0].posted_at.is_some());
        let count = app.case.count_letters(as_user("manager_ankara", pb::CountLettersRequest {})).await.unwrap().into_inner();
        assert_eq!((count.count, count.capped), (0, false));
        let case = app.get("admin", &closed.id).await.unwrap();
        assert!(case.letter_posted_at.is_some());
    }

    async fn letters_stay_in_their_pools_and_a_refused_mark_marks_nothing(app) {
        let ankara = closed_letter_case(&mut app, "Yanıt.").await;
        // An İzmir callback agent.
        let izmir_agent = app.dir.create_user(as_user("admin", pb::CreateUserRequest {
            username: "callback_izmir".into(),
            display_name: "callback_izmir".into(),
            role: pb::Role::CallbackAgent as i32,
            pool_ids: vec![app.org.izmir_water.clone()],
            password: String::new(),
            email: String::new(),
            phone: String::new(),
        directorate_id: String::new(), })).await.unwrap().into_inner().user.unwrap();
        app.org.users.insert("callback_izmir", izmir_agent.id);
        assert!(list_letters(&mut app, "callback_izmir", pb::LetterStatus::ToBePosted).await.unwrap().letters.is_empty());
        let other = closed_letter_case(&mut app, "Yanıt.").await;
        let refused = mark(&mut app, "callback_izmir", &[&ankara.letter_id]).await.unwrap_err();
        assert_eq!(refused.code(), Code::NotFound);
        // All or nothing: one letter out of scope, none is marked.
        let mut izmir_case = letter_application(&app);
        izmir_case.pool_id = app.org.izmir_water.clone();
        izmir_case.location = Some(common::Location { province_code: 35, district: "Karşıyaka".into(), coordinates: None, neighbourhood: String::new() });
        let izmir_case = app.create(izmir_case).await;
        app.claim("expert_izmir", &[&izmir_case.id]).await.unwrap();
        let izmir_case = app.close("expert_izmir", &izmir_case.id, "Yanıt.").await.unwrap();
        let both = mark(&mut app, "callback_ankara", &[&other.letter_id, &izmir_case.letter_id]).await.unwrap_err();
        assert_eq!(both.code(), Code::NotFound);
        assert_eq!(list_letters(&mut app, "admin", pb::LetterStatus::ToBePosted).await.unwrap().total, 3, "nothing was marked");
        // The pool manager counts the queue of the managed pools, and reads none of it.
        let count = app.case.count_letters(as_user("manager_ankara", pb::CountLettersRequest {})).await.unwrap().into_inner();
        assert_eq!(count.count, 2);
        assert_eq!(list_letters(&mut app, "manager_ankara", pb::LetterStatus::ToBePosted).await.unwrap_err().code(), Code::PermissionDenied);
    }

    async fn a_reopened_and_closed_again_case_gets_a_second_letter_with_the_new_answer(app) {
        let first = closed_letter_case(&mut app, "İlk yanıt.").await;
        app.case.reopen_case(as_user("manager_ankara", pb::ReopenCaseRequest { case_id: first.id.clone(), reason: "Eksik yanıt.".into(), expected_version: None })).await.unwrap();
        app.claim("expert_ankara", &[&first.id]).await.unwrap();
        let second = app.close("expert_ankara", &first.id, "Düzeltilmiş yanıt.").await.unwrap();
        assert_eq!((first.letter_number.as_str(), second.letter_number.as_str()), ("TM-2026-000001", "TM-2026-000002"));
        let get = |id: &str| pb::GetLetterRequest { letter_id: id.to_owned() };
        let a = app.case.get_letter(as_user("admin", get(&first.letter_id))).await.unwrap().into_inner().letter.unwrap();
        let b = app.case.get_letter(as_user("admin", get(&second.letter_id))).await.unwrap().into_inner().letter.unwrap();
        assert_eq!((a.official_answer.as_str(), b.official_answer.as_str()), ("İlk yanıt.", "Düzeltilmiş yanıt."));
    }
}
