//! The authorization matrix: every case-service call × every role, in scope
//! (Ankara, the record's province) and out of scope (İzmir), plus no
//! credentials — allowed or denied as `domain::policy` specifies, decided by
//! the case service itself. "0 leaks" is checked three ways: a record the
//! caller may not see is answered exactly as a record that does not exist;
//! a refused call changes nothing; and every list, in every view, for every
//! role, holds only records that role may see, with contact details masked
//! unless the role needs them. The matrix is printed (`--no-capture`).

use tekmerkez_proto::case_v1 as pb;
use tonic::{Code, Request, Status};
use uuid::Uuid;

use crate::{both_stores, helpers::*};

/// Every signed-in caller of the test organisation, then the services that
/// call with their own token (`routing`, `intake`, and `gateway` acting for
/// nobody: a citizen's signed link); `""` is a call with no credentials at
/// all.
const CALLERS: [&str; 13] = [
    "admin",
    "manager_ankara",
    "manager_izmir",
    "expert_ankara",
    "expert_izmir",
    "callback_ankara",
    "callcentre",
    "partner",
    "kvkk",
    "routing",
    "intake",
    "gateway",
    "",
];

/// The callers that are services, not users.
fn is_service(who: &str) -> bool {
    matches!(who, "routing" | "intake" | "gateway")
}

/// Where the record is when the call is tried: the state in which the call
/// makes sense for the role that should be allowed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the Ankara water pool, unheld.
    InPool,
    /// Held by `expert_ankara`.
    Held,
    /// Closed by `expert_ankara` with a phone reply, waiting in the callback pool.
    AwaitingCallback,
    /// The same, taken by `callback_ankara`.
    CallbackHeld,
    /// Resolved after the callback.
    Resolved,
    /// Resolved, then marked "citizen not reached" by notify.
    NotReached,
    /// A letter reply closed by `expert_ankara`: resolved, its letter waiting to be posted.
    LetterWaiting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rpc {
    GetCase,
    GetHistory,
    GetAttachment,
    ListCasesPool,
    ClaimCases,
    ClaimCallback,
    AssignCases,
    TransferCase,
    AddNote,
    CloseCase,
    RecordCallbackOutcome,
    ReopenCase,
    CreateCase,
    TrackCase,
    AddCitizenMessage,
    WhereIsCase,
    ListRelatedCases,
    ResolveNotReached,
    /// A citizen's answer on the signed survey link (source LINK).
    RecordSurveyResponse,
    /// A score the IVR collected (source IVR).
    RecordSurveyIvr,
    GetPublicStatus,
    ListLetters,
    GetLetter,
    MarkLettersPosted,
    CountLetters,
}

const RPCS: [Rpc; 25] = [
    Rpc::GetCase,
    Rpc::GetHistory,
    Rpc::GetAttachment,
    Rpc::ListCasesPool,
    Rpc::ClaimCases,
    Rpc::ClaimCallback,
    Rpc::AssignCases,
    Rpc::TransferCase,
    Rpc::AddNote,
    Rpc::CloseCase,
    Rpc::RecordCallbackOutcome,
    Rpc::ReopenCase,
    Rpc::CreateCase,
    Rpc::TrackCase,
    Rpc::AddCitizenMessage,
    Rpc::WhereIsCase,
    Rpc::ListRelatedCases,
    Rpc::ResolveNotReached,
    Rpc::RecordSurveyResponse,
    Rpc::RecordSurveyIvr,
    Rpc::GetPublicStatus,
    Rpc::ListLetters,
    Rpc::GetLetter,
    Rpc::MarkLettersPosted,
    Rpc::CountLetters,
];

impl Rpc {
    fn state(self) -> State {
        match self {
            // Held by the expert, who appears in its task steps.
            Self::AddNote | Self::CloseCase | Self::WhereIsCase => State::Held,
            Self::ClaimCallback => State::AwaitingCallback,
            Self::RecordCallbackOutcome => State::CallbackHeld,
            Self::ReopenCase
            | Self::RecordSurveyResponse
            | Self::RecordSurveyIvr
            | Self::GetPublicStatus => State::Resolved,
            Self::ResolveNotReached => State::NotReached,
            Self::ListLetters | Self::GetLetter | Self::MarkLettersPosted | Self::CountLetters => {
                State::LetterWaiting
            }
            _ => State::InPool,
        }
    }

    /// Who may make this call on an Ankara water record in `self.state()`.
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Self::GetCase | Self::GetHistory | Self::GetAttachment | Self::ListRelatedCases => {
                &["admin", "manager_ankara", "expert_ankara"]
            }
            // Only those who appear in its task steps: here the expert who claimed it.
            Self::WhereIsCase => &["expert_ankara"],
            Self::ListCasesPool => &[
                "admin",
                "manager_ankara",
                "manager_izmir",
                "expert_ankara",
                "expert_izmir",
            ],
            Self::ClaimCases => &["expert_ankara"],
            Self::ClaimCallback | Self::RecordCallbackOutcome => &["callback_ankara"],
            Self::AssignCases | Self::TransferCase => &["admin", "manager_ankara"],
            // The callback agent resolved it today: they may take it back
            // until 23:59 Istanbul time (see `whereabouts`).
            Self::ReopenCase => &["admin", "manager_ankara", "callback_ankara"],
            Self::AddNote => &["admin", "manager_ankara", "expert_ankara"],
            Self::CloseCase => &["expert_ankara"],
            Self::CreateCase => &["admin", "callcentre", "partner", "routing"],
            Self::TrackCase => &["admin", "intake", "gateway"],
            Self::AddCitizenMessage => &["routing"],
            // The callback unit of the record's pool, and its managers.
            Self::ResolveNotReached => &["admin", "manager_ankara", "callback_ankara"],
            // The gateway after verifying a signed link; intake for the IVR.
            Self::RecordSurveyResponse | Self::GetPublicStatus => &["admin", "gateway"],
            Self::RecordSurveyIvr => &["admin", "intake"],
            // The staff who post letters, in their pools (both have Ankara's).
            Self::ListLetters | Self::GetLetter | Self::MarkLettersPosted => {
                &["admin", "callback_ankara", "callcentre"]
            }
            // Pool managers count their pools' queue (and read none of it).
            Self::CountLetters => &[
                "admin",
                "manager_ankara",
                "manager_izmir",
                "callback_ankara",
                "callcentre",
            ],
        }
    }

    /// Whether the call names an existing record (so a refusal must not
    /// tell it apart from a record that does not exist).
    fn names_a_record(self) -> bool {
        !matches!(
            self,
            Self::ListCasesPool
                | Self::CreateCase
                | Self::TrackCase
                | Self::ListLetters
                | Self::CountLetters
        )
    }
}

/// Whether `who` may see an Ankara water record in `state`, as the policy
/// says: the independent oracle for "answered as if it did not exist".
fn sees(who: &str, state: State) -> bool {
    match who {
        "admin" | "manager_ankara" => true,
        // The expert held it, then closed it: closed records stay theirs to read.
        "expert_ankara" => true,
        "callback_ankara" => matches!(
            state,
            State::AwaitingCallback | State::CallbackHeld | State::NotReached
        ),
        _ => false,
    }
}

/// The code a refused call gets: the specific refusal, as the case service
/// answers today, so that a call refused for the wrong reason (a typo in
/// the request, a record in the wrong state) cannot pass as refused.
fn refusal(rpc: Rpc, who: &str) -> Code {
    if who.is_empty() {
        return Code::Unauthenticated;
    }
    match rpc {
        // Checked on the caller's role before any record is read.
        Rpc::CreateCase
        | Rpc::TrackCase
        | Rpc::AddCitizenMessage
        | Rpc::ListCasesPool
        | Rpc::RecordSurveyResponse
        | Rpc::RecordSurveyIvr
        | Rpc::GetPublicStatus => Code::PermissionDenied,
        // Letters: a role that does not post them is refused for what it
        // is, whatever letter it names (a missing one included).
        Rpc::ListLetters | Rpc::GetLetter | Rpc::MarkLettersPosted | Rpc::CountLetters => {
            Code::PermissionDenied
        }
        // Bulk calls: a caller of the right role is refused per record
        // (all or none), a caller of another role outright.
        Rpc::ClaimCases | Rpc::ClaimCallback
            if matches!(who, "expert_ankara" | "expert_izmir" | "callback_ankara") =>
        {
            Code::FailedPrecondition
        }
        Rpc::AssignCases if who == "manager_izmir" => Code::FailedPrecondition,
        Rpc::ClaimCases | Rpc::ClaimCallback | Rpc::AssignCases => Code::PermissionDenied,
        // A record a caller (a service too) may not read is not there.
        Rpc::GetCase | Rpc::GetHistory | Rpc::GetAttachment => Code::NotFound,
        // Users' calls: a service is refused for what it is.
        Rpc::WhereIsCase | Rpc::ListRelatedCases if is_service(who) => Code::PermissionDenied,
        // Whoever never appears in its steps gets what a missing record gets.
        Rpc::WhereIsCase | Rpc::ListRelatedCases => Code::NotFound,
        // A service may change no record by itself.
        _ if is_service(who) => Code::PermissionDenied,
        _ if !sees(who, rpc.state()) => Code::NotFound,
        _ => Code::PermissionDenied,
    }
}

fn request<T>(who: &str, msg: T) -> Request<T> {
    if who.is_empty() {
        Request::new(msg)
    } else if who == "routing" {
        with_token(ROUTING_TOKEN, msg)
    } else if who == "intake" {
        with_token(INTAKE_TOKEN, msg)
    } else if who == "gateway" {
        with_token(GATEWAY_TOKEN, msg)
    } else {
        as_user(who, msg)
    }
}

async fn record_in(app: &mut TestApp, state: State) -> pb::Case {
    if state == State::LetterWaiting {
        return crate::letters::closed_letter_case(app, "Yanıtımız ektedir.").await;
    }
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.attachments = vec![pb::NewAttachment {
        file_name: "ariza.pdf".into(),
        content_type: "application/pdf".into(),
        content: b"%PDF-1.4".to_vec(),
    }];
    let c = app.create(req).await;
    if state == State::InPool {
        return c;
    }
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    if state == State::Held {
        return c;
    }
    app.close(
        "expert_ankara",
        &c.id,
        "Arıza giderildi; ekip yerinde onardı.",
    )
    .await
    .unwrap();
    if state == State::AwaitingCallback {
        return c;
    }
    app.claim("callback_ankara", &[&c.id]).await.unwrap();
    if state == State::CallbackHeld {
        return c;
    }
    outcome(app, "callback_ankara", &c.id).await.unwrap();
    if state == State::Resolved {
        return c;
    }
    mark_not_reached(app, &c.id, &Uuid::now_v7().to_string())
        .await
        .unwrap();
    c
}

/// Notify's report that the answer did not reach the citizen.
pub async fn mark_not_reached(app: &mut TestApp, id: &str, delivery: &str) -> Result<bool, Status> {
    let req = pb::MarkCitizenNotReachedRequest {
        case_id: id.to_owned(),
        delivery_id: delivery.to_owned(),
        channel: "email".into(),
        reason: "rejected".into(),
    };
    app.case
        .mark_citizen_not_reached(with_token(NOTIFY_TOKEN, req))
        .await
        .map(|r| r.into_inner().marked)
}

/// The letter of a LetterWaiting record, as the admin sees it; a random id
/// for a record that does not exist.
async fn letter_of(app: &mut TestApp, id: &str) -> String {
    match app.get("admin", id).await {
        Ok(case) => case.letter_id,
        Err(_) => Uuid::now_v7().to_string(),
    }
}

async fn outcome(app: &mut TestApp, who: &str, id: &str) -> Result<(), Status> {
    let req = pb::RecordCallbackOutcomeRequest {
        case_id: id.to_owned(),
        outcome: pb::CallbackOutcome::Reached as i32,
        retry_at: None,
        note: "Vatandaş bilgilendirildi.".into(),
        expected_version: None,
        survey_score: None,
        survey_comment: String::new(),
    };
    app.case
        .record_callback_outcome(request(who, req))
        .await
        .map(|_| ())
}

/// Makes `rpc` as `who` on record `id`; only success or the refusal matters.
async fn call(app: &mut TestApp, rpc: Rpc, who: &str, record: &pb::Case) -> Result<(), Status> {
    let id = record.id.as_str();
    let ids = vec![id.to_owned()];
    let c = &mut app.case;
    match rpc {
        Rpc::GetCase => c
            .get_case(request(
                who,
                pb::GetCaseRequest {
                    case_id: id.into(),
                    tracking_number: String::new(),
                },
            ))
            .await
            .map(|_| ()),
        Rpc::GetHistory => c
            .get_history(request(who, pb::GetHistoryRequest { case_id: id.into() }))
            .await
            .map(|_| ()),
        Rpc::GetAttachment => {
            // The record's one file, as the admin sees it (a missing record has none).
            let file = match app.get("admin", id).await {
                Ok(case) => case.attachments[0].id.clone(),
                Err(_) => Uuid::now_v7().to_string(),
            };
            app.case
                .get_attachment(request(
                    who,
                    pb::GetAttachmentRequest {
                        case_id: id.into(),
                        attachment_id: file,
                    },
                ))
                .await
                .map(|_| ())
        }
        Rpc::ListCasesPool => c
            .list_cases(request(
                who,
                pb::ListCasesRequest {
                    view: pb::CaseView::Pool as i32,
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        Rpc::ClaimCases | Rpc::ClaimCallback => c
            .claim_cases(request(who, pb::ClaimCasesRequest { case_ids: ids }))
            .await
            .map(|_| ()),
        Rpc::AssignCases => {
            let assignee = app.org.users["expert_ankara"].clone();
            app.case
                .assign_cases(request(
                    who,
                    pb::AssignCasesRequest {
                        case_ids: ids,
                        assignee_user_id: assignee,
                    },
                ))
                .await
                .map(|_| ())
        }
        Rpc::TransferCase => {
            let target = app.org.ankara_billing.clone();
            let req = pb::TransferCaseRequest {
                case_id: id.into(),
                target_pool_id: target,
                reason: "Abonelik konusu.".into(),
                expected_version: None,
                ..Default::default()
            };
            app.case.transfer_case(request(who, req)).await.map(|_| ())
        }
        Rpc::AddNote => c
            .add_note(request(
                who,
                pb::AddNoteRequest {
                    case_id: id.into(),
                    text: "Ekip yönlendirildi.".into(),
                    expected_version: None,
                },
            ))
            .await
            .map(|_| ()),
        Rpc::CloseCase => c
            .close_case(request(
                who,
                pb::CloseCaseRequest {
                    case_id: id.into(),
                    official_answer: "Giderildi.".into(),
                    expected_version: None,
                    closure_reason: "cozuldu".into(),
                },
            ))
            .await
            .map(|_| ()),
        Rpc::RecordCallbackOutcome => outcome(app, who, id).await,
        Rpc::ReopenCase => c
            .reopen_case(request(
                who,
                pb::ReopenCaseRequest {
                    case_id: id.into(),
                    reason: "Sorun sürüyor.".into(),
                    expected_version: None,
                },
            ))
            .await
            .map(|_| ()),
        Rpc::CreateCase => {
            let req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
            app.case.create_case(request(who, req)).await.map(|_| ())
        }
        Rpc::TrackCase => c
            .track_case(request(
                who,
                pb::TrackCaseRequest {
                    tracking_number: record.tracking_number.clone(),
                    phone_last4: "4567".into(),
                    digits_from_verified_phone: false,
                },
            ))
            .await
            .map(|_| ()),
        Rpc::WhereIsCase => c
            .where_is_case(request(who, pb::WhereIsCaseRequest { case_id: id.into() }))
            .await
            .map(|_| ()),
        Rpc::ListRelatedCases => c
            .list_related_cases(request(
                who,
                pb::ListRelatedCasesRequest {
                    case_id: id.into(),
                    limit: 0,
                },
            ))
            .await
            .map(|_| ()),
        Rpc::ResolveNotReached => c
            .resolve_not_reached(request(
                who,
                pb::ResolveNotReachedRequest {
                    case_id: id.into(),
                    outcome: pb::NotReachedOutcome::Called as i32,
                    note: "Vatandaş arandı, yanıt okundu.".into(),
                    expected_version: None,
                },
            ))
            .await
            .map(|_| ()),
        Rpc::RecordSurveyResponse | Rpc::RecordSurveyIvr => {
            let (case_id, tracking_number, source) = if rpc == Rpc::RecordSurveyIvr {
                (
                    String::new(),
                    record.tracking_number.clone(),
                    pb::SurveySource::Ivr,
                )
            } else {
                (id.to_owned(), String::new(), pb::SurveySource::Link)
            };
            c.record_survey_response(request(
                who,
                pb::RecordSurveyResponseRequest {
                    case_id,
                    tracking_number,
                    score: 4,
                    comment: "Hızlı çözüldü.".into(),
                    source: source as i32,
                    idempotency_key: format!("k-{who}"),
                },
            ))
            .await
            .map(|_| ())
        }
        Rpc::GetPublicStatus => c
            .get_public_status(request(
                who,
                pb::GetPublicStatusRequest { case_id: id.into() },
            ))
            .await
            .map(|_| ()),
        Rpc::ListLetters => c
            .list_letters(request(who, pb::ListLettersRequest::default()))
            .await
            .map(|_| ()),
        Rpc::CountLetters => c
            .count_letters(request(who, pb::CountLettersRequest {}))
            .await
            .map(|_| ()),
        Rpc::GetLetter => {
            let letter_id = letter_of(app, id).await;
            app.case
                .get_letter(request(who, pb::GetLetterRequest { letter_id }))
                .await
                .map(|_| ())
        }
        Rpc::MarkLettersPosted => {
            let letter_ids = vec![letter_of(app, id).await];
            app.case
                .mark_letters_posted(request(who, pb::MarkLettersPostedRequest { letter_ids }))
                .await
                .map(|_| ())
        }
        Rpc::AddCitizenMessage => c
            .add_citizen_message(request(
                who,
                pb::AddCitizenMessageRequest {
                    application_id: Uuid::new_v4().to_string(),
                    tracking_number: record.tracking_number.clone(),
                    channel: tekmerkez_proto::common_v1::Channel::Email as i32,
                    text: "Ekip hâlâ gelmedi.".into(),
                    sender: None,
                    received_at: None,
                    attachments: Vec::new(),
                },
            ))
            .await
            .map(|_| ()),
    }
}

/// A refusal with the record's id replaced, to compare with the refusal
/// for a record that does not exist.
fn shape(s: &Status, id: &str) -> (Code, String, Vec<String>) {
    let subjects = failed_subjects(s)
        .into_iter()
        .map(|x| x.replace(id, "ID"))
        .collect();
    (s.code(), s.message().replace(id, "ID"), subjects)
}

async fn version(app: &mut TestApp, id: &str) -> i64 {
    app.get("admin", id).await.unwrap().version
}

both_stores! {
    async fn every_call_is_allowed_or_refused_as_the_policy_says_and_refusals_leak_nothing(app) {
        let mut table = String::from("\nauthorization matrix (✓ allowed, · refused, ∅ refused as if the record did not exist)\n");
        table.push_str(&format!("{:<24}", "call \\ caller"));
        for who in CALLERS {
            table.push_str(&format!("{:>17}", if who.is_empty() { "(no credentials)" } else { who }));
        }
        table.push('\n');
        let mut wrong_codes = Vec::new();
        for rpc in RPCS {
            table.push_str(&format!("{:<24}", format!("{rpc:?}")));
            for who in CALLERS {
                let record = record_in(&mut app, rpc.state()).await;
                let before = version(&mut app, &record.id).await;
                let got = call(&mut app, rpc, who, &record).await;
                let expected = rpc.allowed().contains(&who);
                let mark = match &got {
                    Ok(()) => {
                        assert!(expected, "{rpc:?} by {who:?} was allowed; the policy refuses it");
                        "✓"
                    }
                    Err(status) => {
                        assert!(!expected, "{rpc:?} by {who:?} was refused ({status:?}); the policy allows it");
                        if status.code() != refusal(rpc, who) {
                            wrong_codes.push(format!("{rpc:?} by {who:?}: {:?} ({}), expected {:?}", status.code(), status.message(), refusal(rpc, who)));
                        }
                        assert_eq!(version(&mut app, &record.id).await, before, "{rpc:?} by {who:?} was refused but changed the record");
                        if rpc == Rpc::MarkLettersPosted {
                            let after = app.get("admin", &record.id).await.unwrap();
                            assert!(after.letter_posted_at.is_none(), "{who:?} was refused but posted the letter");
                        }
                        for personal in ["Ayşe", "Yılmaz", "0532", "123 45 67", "ornek.com.tr", record.tracking_number.as_str()] {
                            assert!(!status.message().contains(personal), "{rpc:?} by {who:?}: the refusal names {personal}");
                        }
                        if !who.is_empty() && rpc.names_a_record() && !sees(who, rpc.state()) {
                            let missing = Uuid::now_v7().to_string();
                            let ghost = pb::Case { id: missing.clone(), ..record.clone() };
                            let none = call(&mut app, rpc, who, &ghost).await.unwrap_err();
                            assert_eq!(
                                shape(status, &record.id),
                                shape(&none, &missing),
                                "{rpc:?} by {who:?}: a record out of scope must look like no record"
                            );
                            "∅"
                        } else {
                            "·"
                        }
                    }
                };
                table.push_str(&format!("{mark:>17}"));
            }
            table.push('\n');
        }
        eprintln!("{table}");
        assert!(wrong_codes.is_empty(), "refused with another code than the product's:\n{}", wrong_codes.join("\n"));
    }

    async fn every_list_in_every_view_holds_only_what_the_role_may_see(app) {
        let mut records = Vec::new();
        for state in [State::InPool, State::Held, State::AwaitingCallback, State::CallbackHeld, State::Resolved, State::NotReached] {
            records.push((record_in(&mut app, state).await.id, state));
        }
        let izmir = app.application(&app.org.izmir_water.clone(), 35, "Karşıyaka");
        let izmir_open = app.create(izmir.clone()).await;
        let mut izmir_held = izmir;
        izmir_held.application_id = Uuid::new_v4().to_string();
        let izmir_held = app.create(izmir_held).await;
        app.claim("expert_izmir", &[&izmir_held.id]).await.unwrap();

        let views = [pb::CaseView::Pool, pb::CaseView::Mine, pb::CaseView::CallbackPool, pb::CaseView::All, pb::CaseView::NotReached];
        for who in CALLERS.iter().filter(|w| !w.is_empty() && !is_service(w)) {
            let me = app.org.users.get(*who).cloned().unwrap_or_default();
            for view in views {
                let listed = match app.list(who, view, 200, "").await {
                    Ok(r) => r.cases,
                    Err(s) => {
                        assert_eq!(s.code(), Code::PermissionDenied, "{who} {view:?}");
                        continue;
                    }
                };
                for c in listed {
                    let state = records.iter().find(|(id, _)| *id == c.id).map(|(_, s)| *s);
                    let visible = match state {
                        Some(s) => sees(who, s),
                        None if c.id == izmir_open.id => matches!(*who, "admin" | "manager_izmir" | "expert_izmir"),
                        None if c.id == izmir_held.id => matches!(*who, "admin" | "manager_izmir" | "expert_izmir"),
                        None => panic!("{who} {view:?} listed a record the test did not make"),
                    };
                    assert!(visible, "{who} {view:?} lists {} ({state:?}): a leak", c.id);
                    let needs_contact = *who == "admin"
                        || (c.holder_id == me && matches!(*who, "expert_ankara" | "expert_izmir" | "callback_ankara"))
                        || (*who == "callback_ankara" && c.not_reached.is_some());
                    assert_eq!(!c.contact_masked, needs_contact, "{who} {view:?}: contact of {}", c.id);
                    if c.contact_masked {
                        let contact = c.contact.unwrap_or_default();
                        assert!(!contact.name.contains("Yılmaz") && !contact.phone.contains("123 45 67") && !contact.phone.contains("1234567"), "{who}: {contact:?}");
                    }
                }
            }
        }
    }
}

both_stores! {
    // The one thing intake reads beyond the public status: a partner's
    // application, so IntakeService.GetApplicationStatus can answer with its
    // status and official answer (intake checks the partner submitted it).
    async fn intake_reads_partner_channel_cases_masked_and_nothing_else(app) {
        let pool = app.org.ankara_water.clone();
        let mut handed_over = app.application(&pool, 6, "Çankaya");
        handed_over.channel = tekmerkez_proto::common_v1::Channel::Partner as i32;
        let partner_case = app.create(handed_over).await;
        let web = app.application(&pool, 6, "Çankaya");
        let web_case = app.create(web).await;
        let get = |tn: &str| pb::GetCaseRequest { case_id: String::new(), tracking_number: tn.to_owned() };

        let got = app.case.get_case(request("intake", get(&partner_case.tracking_number))).await.unwrap();
        let c = got.into_inner().case.unwrap();
        assert_eq!(c.id, partner_case.id);
        assert!(c.contact_masked, "intake needs no contact details");
        let contact = c.contact.unwrap_or_default();
        assert!(!contact.name.contains("Yılmaz") && !contact.phone.contains("1234567") && !contact.email.contains("ayse"), "{contact:?}");

        // Any other channel's case is answered exactly as a missing one.
        let refused = app.case.get_case(request("intake", get(&web_case.tracking_number))).await.unwrap_err();
        assert_eq!(refused.code(), Code::NotFound);
        let missing = app.case.get_case(request("intake", pb::GetCaseRequest { case_id: Uuid::new_v4().to_string(), tracking_number: String::new() })).await.unwrap_err();
        assert_eq!((refused.code(), refused.message()), (missing.code(), missing.message()));

        // Seeing a partner case gives intake no right to change it or list cases.
        let claim = app.case.claim_cases(request("intake", pb::ClaimCasesRequest { case_ids: vec![partner_case.id.clone()] })).await;
        assert_eq!(claim.map(|_| ()).unwrap_err().code(), Code::PermissionDenied, "intake claimed a case");
        let note = app.case.add_note(request("intake", pb::AddNoteRequest { case_id: partner_case.id.clone(), text: "Not.".into(), expected_version: None })).await;
        assert_eq!(note.map(|_| ()).unwrap_err().code(), Code::PermissionDenied, "intake added a note");
        let listed = app.case.list_cases(request("intake", pb::ListCasesRequest { view: pb::CaseView::All as i32, ..Default::default() })).await;
        assert_eq!(listed.map(|r| r.into_inner().cases.len()).unwrap_err().code(), Code::PermissionDenied, "intake listed cases");
        let after = app.case.get_case(request("admin", get(&partner_case.tracking_number))).await.unwrap().into_inner().case.unwrap();
        assert_eq!((after.status, after.version), (partner_case.status, partner_case.version), "a refused call changed the case");
    }
}
