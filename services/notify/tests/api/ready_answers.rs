//! Ready answers (hazır cevaplar) over the API, on SQLite and PostgreSQL:
//! versions and history, the knowledge-base search in Turkish, retiring,
//! who may edit, and the preview of an answer as the citizen receives it
//! (SMS encoding and segments, the e-mail).

use std::net::SocketAddr;

use tekmerkez_notify::NotifySettings;
use tekmerkez_proto::{
    case_v1::{
        self as pb,
        directory_service_server::{DirectoryService, DirectoryServiceServer},
    },
    common_v1 as common,
    notify_v1::{self as npb, ready_answer_service_client::ReadyAnswerServiceClient},
};
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request, Response, Status, transport::Channel};
use tonic_types::StatusExt as _;

use crate::helpers::{Db, TestApp};

const ADMIN: &str = "admin-token";
const MANAGER: &str = "manager-token";
const EXPERT: &str = "expert-token";
const AGENT: &str = "agent-token";
const PARTNER: &str = "partner-token";

/// The case service's directory, as far as notify asks it: who a token is.
struct StandInDirectory;

fn unused<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented("notify does not call this"))
}

#[tonic::async_trait]
impl DirectoryService for StandInDirectory {
    async fn get_current_user(
        &self,
        req: Request<pb::GetCurrentUserRequest>,
    ) -> Result<Response<pb::GetCurrentUserResponse>, Status> {
        let token = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let (id, role) = match token {
            ADMIN => ("00000000-0000-0000-0000-0000000000a1", pb::Role::Admin),
            MANAGER => (
                "00000000-0000-0000-0000-0000000000b2",
                pb::Role::PoolManager,
            ),
            EXPERT => ("00000000-0000-0000-0000-0000000000c3", pb::Role::Expert),
            AGENT => (
                "00000000-0000-0000-0000-0000000000d4",
                pb::Role::CallCentreAgent,
            ),
            PARTNER => (
                "00000000-0000-0000-0000-0000000000e5",
                pb::Role::PartnerClient,
            ),
            _ => return Err(Status::unauthenticated("unauthenticated")),
        };
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(pb::User {
                id: id.to_owned(),
                role: role as i32,
                active: true,
                ..Default::default()
            }),
        }))
    }

    async fn list_pools(
        &self,
        _: Request<pb::ListPoolsRequest>,
    ) -> Result<Response<pb::ListPoolsResponse>, Status> {
        unused()
    }

    async fn create_directorate(
        &self,
        _: Request<pb::CreateDirectorateRequest>,
    ) -> Result<Response<pb::CreateDirectorateResponse>, Status> {
        unused()
    }
    async fn list_directorates(
        &self,
        _: Request<pb::ListDirectoratesRequest>,
    ) -> Result<Response<pb::ListDirectoratesResponse>, Status> {
        unused()
    }
    async fn create_unit(
        &self,
        _: Request<pb::CreateUnitRequest>,
    ) -> Result<Response<pb::CreateUnitResponse>, Status> {
        unused()
    }
    async fn list_units(
        &self,
        _: Request<pb::ListUnitsRequest>,
    ) -> Result<Response<pb::ListUnitsResponse>, Status> {
        unused()
    }
    async fn create_pool(
        &self,
        _: Request<pb::CreatePoolRequest>,
    ) -> Result<Response<pb::CreatePoolResponse>, Status> {
        unused()
    }
    async fn create_user(
        &self,
        _: Request<pb::CreateUserRequest>,
    ) -> Result<Response<pb::CreateUserResponse>, Status> {
        unused()
    }
    async fn update_user(
        &self,
        _: Request<pb::UpdateUserRequest>,
    ) -> Result<Response<pb::UpdateUserResponse>, Status> {
        unused()
    }
    async fn list_users(
        &self,
        _: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        unused()
    }
    async fn issue_api_token(
        &self,
        _: Request<pb::IssueApiTokenRequest>,
    ) -> Result<Response<pb::IssueApiTokenResponse>, Status> {
        unused()
    }
    async fn authenticate_user(
        &self,
        _: Request<pb::AuthenticateUserRequest>,
    ) -> Result<Response<pb::AuthenticateUserResponse>, Status> {
        unused()
    }
    async fn update_current_user(
        &self,
        _: Request<pb::UpdateCurrentUserRequest>,
    ) -> Result<Response<pb::UpdateCurrentUserResponse>, Status> {
        unused()
    }
    async fn list_provinces(
        &self,
        _: Request<pb::ListProvincesRequest>,
    ) -> Result<Response<pb::ListProvincesResponse>, Status> {
        unused()
    }
}

async fn directory() -> (SocketAddr, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    let s = stop.clone();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(DirectoryServiceServer::new(StandInDirectory))
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                s.cancelled(),
            )
            .await
    });
    (addr, stop)
}

struct Api {
    app: TestApp,
    client: ReadyAnswerServiceClient<Channel>,
    stop: CancellationToken,
}

async fn spawn(db: Db) -> Api {
    let (dir, stop) = directory().await;
    let app = TestApp::spawn(db, &["dev"], |s: &mut NotifySettings| {
        s.case_service.url = format!("http://{dir}");
    })
    .await;
    let channel = Channel::from_shared(format!("http://{}", app.grpc_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    Api {
        app,
        client: ReadyAnswerServiceClient::new(channel),
        stop,
    }
}

fn req<T>(token: &str, msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    // People act through the gateway: its credential is no person's.
    r.metadata_mut().insert(
        "x-tekmerkez-acting-user",
        "00000000-0000-0000-0000-000000000001".parse().unwrap(),
    );
    r
}

fn answer(category: &str, language: &str, title: &str, body: &str) -> npb::ReadyAnswer {
    npb::ReadyAnswer {
        title: title.into(),
        category: category.into(),
        language: language.into(),
        body: body.into(),
        ..Default::default()
    }
}

impl Api {
    async fn save(
        &mut self,
        token: &str,
        a: npb::ReadyAnswer,
        expected_version: i64,
    ) -> Result<npb::ReadyAnswer, Status> {
        self.client
            .save_ready_answer(req(
                token,
                npb::SaveReadyAnswerRequest {
                    ready_answer: Some(a),
                    expected_version,
                },
            ))
            .await
            .map(|r| r.into_inner().ready_answer.unwrap())
    }

    async fn list(
        &mut self,
        token: &str,
        r: npb::ListReadyAnswersRequest,
    ) -> Vec<npb::ReadyAnswer> {
        self.client
            .list_ready_answers(req(token, r))
            .await
            .unwrap()
            .into_inner()
            .ready_answers
    }

    async fn search(&mut self, q: &str) -> Vec<String> {
        self.list(
            AGENT,
            npb::ListReadyAnswersRequest {
                query: q.into(),
                ..Default::default()
            },
        )
        .await
        .into_iter()
        .map(|a| a.title)
        .collect()
    }

    async fn preview(
        &mut self,
        reply: common::ReplyChannel,
        text: &str,
    ) -> Result<npb::PreviewReplyResponse, Status> {
        self.client
            .preview_reply(req(
                EXPERT,
                npb::PreviewReplyRequest {
                    reply_channel: reply as i32,
                    answer: text.into(),
                    context: Some(npb::ReplyContext {
                        tracking_number: "ABCDE-FGHJK".into(),
                        applicant_name: "Ayşe Yılmaz".into(),
                        applied_at: None,
                        case_id: "0193a3b4-0000-7000-8000-000000000001".into(),
                    }),
                },
            ))
            .await
            .map(|r| r.into_inner())
    }

    async fn stop(self) {
        self.stop.cancel();
        self.app.stop().await;
    }
}

async fn versions_history_search_and_retiring(db: Db) {
    let mut api = spawn(db).await;
    let first = api
        .save(
            ADMIN,
            answer(
                "cevre_kirliligi",
                "tr",
                "Sokak aydınlatması",
                "Sayın {{ad_soyad}}, ışık arızalarını 186'ya bildirebilirsiniz.",
            ),
            0,
        )
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(first.saved_by, "00000000-0000-0000-0000-0000000000a1");
    let mut edit = first.clone();
    edit.body =
        "Sayın {{ad_soyad}}, {{takip_no}}: ışık arızalarını 186'ya bildirebilirsiniz.".into();
    let second = api.save(MANAGER, edit.clone(), 1).await.unwrap();
    assert_eq!((second.id.as_str(), second.version), (first.id.as_str(), 2));
    // An edit made on the old version is refused, not lost silently.
    let stale = api.save(ADMIN, edit, 1).await.unwrap_err();
    assert_eq!(stale.code(), Code::Aborted);
    api.save(
        ADMIN,
        answer("fatura", "tr", "Fatura itirazı", "Faturanız incelendi."),
        0,
    )
    .await
    .unwrap();
    api.save(
        ADMIN,
        answer(
            "",
            "en",
            "Passed on",
            "Your application {{takip_no}} was passed on.",
        ),
        0,
    )
    .await
    .unwrap();

    // History, newest first, with who and when.
    let got = api
        .client
        .get_ready_answer(req(
            EXPERT,
            npb::GetReadyAnswerRequest {
                id: first.id.clone(),
                context: Some(npb::ReplyContext {
                    tracking_number: "ABCDE-FGHJK".into(),
                    applicant_name: String::new(),
                    applied_at: None,
                    case_id: String::new(),
                }),
                include_history: true,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(
        got.versions[0].saved_by,
        "00000000-0000-0000-0000-0000000000b2"
    );
    assert!(got.versions[0].saved_at.is_some());
    assert_eq!(
        got.filled_body,
        "Sayın Başvuru Sahibi, ABCDE-FGHJK: ışık arızalarını 186'ya bildirebilirsiniz."
    );

    // Turkish-aware search: case folding, ASCII spellings, suffixes.
    assert_eq!(api.search("IŞIK").await, ["Sokak aydınlatması"]);
    assert_eq!(
        api.search("sokak aydinlatmasi").await,
        ["Sokak aydınlatması"]
    );
    assert_eq!(api.search("faturanızı").await, ["Fatura itirazı"]);
    assert!(api.search("kanalizasyon").await.is_empty());

    // A category's list with the general ones, in one language.
    let titles: Vec<String> = api
        .list(
            EXPERT,
            npb::ListReadyAnswersRequest {
                category: "fatura".into(),
                include_general: true,
                ..Default::default()
            },
        )
        .await
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(titles, ["Fatura itirazı", "Passed on"]);
    let english = api
        .list(
            EXPERT,
            npb::ListReadyAnswersRequest {
                language: "en".into(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(english.len(), 1);

    // Retired: gone from the lists, kept in the history.
    let retired = api
        .client
        .retire_ready_answer(req(
            MANAGER,
            npb::RetireReadyAnswerRequest {
                id: first.id.clone(),
                expected_version: 2,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .ready_answer
        .unwrap();
    assert!(retired.retired);
    assert_eq!(retired.version, 3);
    assert!(api.search("ışık").await.is_empty());
    let all = api
        .list(
            ADMIN,
            npb::ListReadyAnswersRequest {
                include_retired: true,
                ..Default::default()
            },
        )
        .await;
    assert_eq!(all.len(), 3);
    api.stop().await;
}

#[tokio::test]
async fn ready_answers_are_versioned_searched_in_turkish_and_retired_on_sqlite() {
    versions_history_search_and_retiring(Db::Sqlite).await;
}

#[tokio::test]
async fn ready_answers_are_versioned_searched_in_turkish_and_retired_on_postgres() {
    versions_history_search_and_retiring(Db::Postgres).await;
}

async fn refusals_and_roles(db: Db) {
    let mut api = spawn(db).await;
    // An unknown placeholder: INVALID_ARGUMENT at the body, naming it.
    let st = api
        .save(
            ADMIN,
            answer("fatura", "tr", "Başlık", "Sayın {{isim}}, yanıtınız hazır."),
            0,
        )
        .await
        .unwrap_err();
    assert_eq!(st.code(), Code::InvalidArgument);
    let v = st.get_details_bad_request().unwrap().field_violations;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].field, "ready_answer.body");
    assert!(
        v[0].description.contains("{{isim}}"),
        "{}",
        v[0].description
    );
    let st = api
        .save(ADMIN, answer("fatura", "fr", "", "x"), 0)
        .await
        .unwrap_err();
    let fields: Vec<String> = st
        .get_details_bad_request()
        .unwrap()
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, ["ready_answer.title", "ready_answer.language"]);

    // A manager keeps a category's answers, not the general ones.
    let mine = api
        .save(
            MANAGER,
            answer("fatura", "tr", "Fatura", "Faturanız incelendi."),
            0,
        )
        .await
        .unwrap();
    let general = api
        .save(
            MANAGER,
            answer("", "tr", "Genel", "Başvurunuz iletildi."),
            0,
        )
        .await
        .unwrap_err();
    assert_eq!(general.code(), Code::PermissionDenied);
    let admins = api
        .save(ADMIN, answer("", "tr", "Genel", "Başvurunuz iletildi."), 0)
        .await
        .unwrap();
    // Nor moves a general one into a category by editing it.
    let mut moved = admins.clone();
    moved.category = "fatura".into();
    assert_eq!(
        api.save(MANAGER, moved, 1).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    // Experts and agents read; they do not write.
    for who in [EXPERT, AGENT] {
        assert_eq!(
            api.save(who, answer("fatura", "tr", "X", "Y"), 0)
                .await
                .unwrap_err()
                .code(),
            Code::PermissionDenied
        );
        assert_eq!(
            api.list(who, npb::ListReadyAnswersRequest::default())
                .await
                .len(),
            2
        );
    }
    // A partner's client reads nothing.
    let st = api
        .client
        .list_ready_answers(req(PARTNER, npb::ListReadyAnswersRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(st.code(), Code::PermissionDenied);
    // Nobody without credentials.
    let st = api
        .client
        .list_ready_answers(Request::new(npb::ListReadyAnswersRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(st.code(), Code::Unauthenticated);
    let _ = mine;
    api.stop().await;
}

#[tokio::test]
async fn unknown_placeholders_are_refused_and_only_admins_and_managers_edit_on_sqlite() {
    refusals_and_roles(Db::Sqlite).await;
}

#[tokio::test]
async fn unknown_placeholders_are_refused_and_only_admins_and_managers_edit_on_postgres() {
    refusals_and_roles(Db::Postgres).await;
}

#[tokio::test]
async fn the_preview_is_what_the_citizen_receives_on_the_reply_channel() {
    let mut api = spawn(Db::Sqlite).await;
    let text = "Arızanız giderildi; şebeke suyu yeniden verilmektedir. Işık ve çöp şikâyetleriniz ilgili birime iletildi.";

    // SMS: the answer in the SMS template, Turkish shift table, two parts.
    let p = api.preview(common::ReplyChannel::Sms, text).await.unwrap();
    assert_eq!(p.locale, "tr");
    assert_eq!(p.messages.len(), 1, "{:?}", p.messages);
    let sms = &p.messages[0];
    assert_eq!(sms.rule, "yanit_sms");
    assert_eq!(sms.channel, npb::MessageChannel::Sms as i32);
    assert!(sms.carries_answer && sms.requires_consent);
    assert!(
        sms.body.starts_with(
            "ABCDE-FGHJK numaralı başvurunuz sonuçlandı. Yanıtımız: Arızanız giderildi;"
        ),
        "{}",
        sms.body
    );
    assert!(
        sms.body.contains("https://tekmerkez.example/takip/d/"),
        "{}",
        sms.body
    );
    // "ş ı ğ İ" need the Turkish single shift table; "â" does not fit GSM: UCS-2.
    assert_eq!(sms.encoding, "ucs2");
    let expected = tekmerkez_notify::gsm::cost(&sms.body);
    assert_eq!(sms.segments as usize, expected.segments);
    assert!(sms.segments >= 3, "{}", sms.segments);
    assert_eq!((p.answer_encoding.as_str(), p.answer_segments), ("ucs2", 2));
    let plain = "Arızanız giderildi; şebeke suyu yeniden verilmektedir.";
    let p = api.preview(common::ReplyChannel::Sms, plain).await.unwrap();
    assert_eq!(p.messages[0].encoding, "gsm7_tr");
    assert_eq!(p.messages[0].segments, 2);
    assert_eq!(
        (p.answer_encoding.as_str(), p.answer_segments),
        ("gsm7_tr", 1)
    );

    // E-mail: subject with the tracking number, the answer in both parts,
    // and the SMS that says the case was resolved.
    let p = api
        .preview(common::ReplyChannel::Email, "Yanıtımız <ekte>.")
        .await
        .unwrap();
    let rules: Vec<&str> = p.messages.iter().map(|m| m.rule.as_str()).collect();
    assert_eq!(rules, ["yanit_eposta", "sonuclandi"]);
    let mail = &p.messages[0];
    assert_eq!(mail.subject, "Başvurunuzun yanıtı [ABCDE-FGHJK]");
    assert!(mail.body.starts_with("Sayın Ayşe Yılmaz,"), "{}", mail.body);
    assert!(mail.body.contains("Yanıtımız <ekte>."));
    assert!(
        mail.html.contains("Yanıtımız &lt;ekte&gt;."),
        "{}",
        mail.html
    );
    assert!(!p.messages[1].carries_answer);

    // A callback: nothing written carries the answer; the agent reads it.
    let p = api
        .preview(common::ReplyChannel::PhoneCallback, plain)
        .await
        .unwrap();
    assert!(p.messages.iter().all(|m| !m.carries_answer));

    // Placeholders left in the text are named: they would go as written.
    let p = api
        .preview(common::ReplyChannel::Sms, "Sayın {{ad_soyad}}, tamam.")
        .await
        .unwrap();
    assert_eq!(p.unfilled_placeholders, ["{{ad_soyad}}"]);

    // An empty answer: a field error.
    let st = api
        .preview(common::ReplyChannel::Sms, "  ")
        .await
        .unwrap_err();
    assert_eq!(st.code(), Code::InvalidArgument);
    assert_eq!(
        st.get_details_bad_request().unwrap().field_violations[0].field,
        "answer"
    );
    api.stop().await;
}
