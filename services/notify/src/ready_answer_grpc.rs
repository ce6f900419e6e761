//! `tekmerkez.notify.v1.ReadyAnswerService`: ready answers and the preview
//! of an official answer as the citizen receives it.
//!
//! Who may do what is decided here, from the role the case service's
//! directory gives the acting person (asked with the caller's own
//! credentials, as the catalogue's writes are):
//!
//! - reading (list, get, preview): staff who handle cases or calls —
//!   admins, pool and directorate managers, experts, callback and
//!   call-centre agents — or a service credential acting for nobody;
//! - saving and retiring: admins, every answer; pool and directorate
//!   managers, answers of a category (a general answer reaches every
//!   category's experts, so it is the admins').

use secrecy::SecretString;
use tekmerkez_proto::{
    case_v1 as pb,
    notify_v1::{self as npb, ready_answer_service_server::ReadyAnswerService},
};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::{
    cases::reply_code,
    catalogue::{CatalogueCache, Channel},
    handler::HandlerSettings,
    ready_answer::{self, Context, Filter, PreviewError, ReadyAnswer},
    store::NotifyStore,
};

/// The API.
#[derive(Debug, Clone)]
pub struct ReadyAnswerGrpc {
    store: NotifyStore,
    catalogue: CatalogueCache,
    /// The handler's settings: the preview renders as the handler does.
    settings: HandlerSettings,
    tokens: Vec<SecretString>,
    directory: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
}

/// Who is calling.
enum Caller {
    /// A service credential acting for nobody.
    Service,
    /// A person, with their user id and role.
    Person(String, pb::Role),
}

fn invalid(violations: &[(&str, &str)]) -> Status {
    use tonic_types::{ErrorDetails, StatusExt as _};
    let mut d = ErrorDetails::new();
    for (field, rule) in violations {
        d.add_bad_request_violation(*field, *rule);
    }
    let first = violations
        .first()
        .map(|(f, r)| format!("{f}: {r}"))
        .unwrap_or_default();
    Status::with_error_details(
        tonic::Code::InvalidArgument,
        format!("invalid request: {first}"),
        d,
    )
}

fn internal(e: &impl std::fmt::Debug) -> Status {
    tracing::error!(error.cause_chain = ?e, "ready answer API failed");
    Status::internal("internal error")
}

fn ts(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: i32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    }
}

fn to_proto(a: &ReadyAnswer) -> npb::ReadyAnswer {
    npb::ReadyAnswer {
        id: a.id.to_string(),
        version: a.version,
        title: a.title.clone(),
        category: a.category.clone(),
        language: a.language.clone(),
        body: a.body.clone(),
        retired: a.retired,
        saved_by: a.saved_by.clone(),
        saved_at: Some(ts(a.saved_at)),
    }
}

fn parse_id(raw: &str) -> Result<Uuid, Status> {
    Uuid::parse_str(raw.trim()).map_err(|_| invalid(&[("id", "must be a ready answer id")]))
}

fn context(c: Option<npb::ReplyContext>) -> Context {
    let c = c.unwrap_or_default();
    Context {
        tracking_number: c.tracking_number,
        applicant_name: c.applicant_name,
        applied_at: c
            .applied_at
            .and_then(|t| jiff::Timestamp::new(t.seconds, t.nanos).ok()),
        case_id: c.case_id,
    }
}

impl ReadyAnswerGrpc {
    /// The API over `store`, previewing with the handler's `settings`.
    pub fn new(
        store: NotifyStore,
        catalogue: CatalogueCache,
        settings: HandlerSettings,
        tokens: Vec<SecretString>,
        directory: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    ) -> Self {
        Self {
            store,
            catalogue,
            settings,
            tokens,
            directory,
        }
    }

    async fn caller<T>(&self, req: &Request<T>) -> Result<Caller, Status> {
        if req.metadata().get("authorization").is_none() {
            return Err(Status::unauthenticated("unauthenticated"));
        }
        if crate::grpc::has_service_token(&self.tokens, req) {
            return Ok(Caller::Service);
        }
        let user = crate::grpc::current_user(&self.directory, req)
            .await?
            .ok_or_else(|| Status::unauthenticated("unauthenticated"))?;
        let role = pb::Role::try_from(user.role).unwrap_or(pb::Role::Unspecified);
        Ok(Caller::Person(user.id, role))
    }

    async fn require_reader<T>(&self, req: &Request<T>) -> Result<(), Status> {
        use pb::Role;
        match self.caller(req).await? {
            Caller::Service => Ok(()),
            Caller::Person(
                _,
                Role::Admin
                | Role::PoolManager
                | Role::DirectorateManager
                | Role::Expert
                | Role::CallbackAgent
                | Role::CallCentreAgent,
            ) => Ok(()),
            Caller::Person(..) => Err(Status::permission_denied(
                "only staff who handle cases read ready answers",
            )),
        }
    }

    /// The editor's user id, when `caller` may write answers of `category`
    /// (empty: general).
    fn may_edit(caller: &Caller, category: &str) -> Result<String, Status> {
        use pb::Role;
        match caller {
            Caller::Person(id, Role::Admin) => Ok(id.clone()),
            Caller::Person(id, Role::PoolManager | Role::DirectorateManager)
                if !category.is_empty() =>
            {
                Ok(id.clone())
            }
            Caller::Person(_, Role::PoolManager | Role::DirectorateManager) => Err(
                Status::permission_denied("only an admin may edit a general ready answer"),
            ),
            _ => Err(Status::permission_denied(
                "only an admin or a manager may edit ready answers",
            )),
        }
    }

    async fn versions(&self, id: Uuid) -> Result<Vec<ReadyAnswer>, Status> {
        let v = self
            .store
            .ready_answer_versions(id)
            .await
            .map_err(|e| internal(&e))?;
        if v.is_empty() {
            return Err(Status::not_found("ready answer not found"));
        }
        Ok(v)
    }
}

#[tonic::async_trait]
impl ReadyAnswerService for ReadyAnswerGrpc {
    #[tracing::instrument(name = "notify.list_ready_answers", skip_all)]
    async fn list_ready_answers(
        &self,
        req: Request<npb::ListReadyAnswersRequest>,
    ) -> Result<Response<npb::ListReadyAnswersResponse>, Status> {
        self.require_reader(&req).await?;
        let r = req.into_inner();
        if r.query.chars().count() > 200 {
            return Err(invalid(&[("query", "must be at most 200 characters")]));
        }
        let all = self
            .store
            .ready_answers_in_force()
            .await
            .map_err(|e| internal(&e))?;
        let found = ready_answer::select(
            all,
            &Filter {
                category: r.category.trim().to_owned(),
                include_general: r.include_general,
                language: r.language.trim().to_owned(),
                query: r.query,
                include_retired: r.include_retired,
            },
        );
        Ok(Response::new(npb::ListReadyAnswersResponse {
            ready_answers: found.iter().map(to_proto).collect(),
            placeholders: ready_answer::known_placeholders(),
        }))
    }

    #[tracing::instrument(name = "notify.get_ready_answer", skip_all)]
    async fn get_ready_answer(
        &self,
        req: Request<npb::GetReadyAnswerRequest>,
    ) -> Result<Response<npb::GetReadyAnswerResponse>, Status> {
        self.require_reader(&req).await?;
        let r = req.into_inner();
        let id = parse_id(&r.id)?;
        let versions = self.versions(id).await?;
        let current = &versions[0];
        let filled_body = match r.context {
            Some(c) => ready_answer::fill(
                &current.body,
                &current.language,
                &context(Some(c)),
                jiff::Timestamp::now(),
            ),
            None => String::new(),
        };
        Ok(Response::new(npb::GetReadyAnswerResponse {
            ready_answer: Some(to_proto(current)),
            filled_body,
            versions: if r.include_history {
                versions.iter().map(to_proto).collect()
            } else {
                Vec::new()
            },
        }))
    }

    #[tracing::instrument(name = "notify.save_ready_answer", skip_all, fields(answer_id))]
    async fn save_ready_answer(
        &self,
        req: Request<npb::SaveReadyAnswerRequest>,
    ) -> Result<Response<npb::SaveReadyAnswerResponse>, Status> {
        let caller = self.caller(&req).await?;
        let r = req.into_inner();
        let a = r
            .ready_answer
            .ok_or_else(|| invalid(&[("ready_answer", "is required")]))?;
        let category = a.category.trim().to_owned();
        let editor = Self::may_edit(&caller, &category)?;
        let (id, expected) = if a.id.trim().is_empty() {
            (Uuid::now_v7(), 0)
        } else {
            (parse_id(&a.id)?, r.expected_version)
        };
        tracing::Span::current().record("answer_id", id.to_string());
        if !a.id.trim().is_empty() {
            // An edit may not take an answer from where the editor may not
            // write: a manager does not make a general answer a category's.
            let current = self.versions(id).await?;
            Self::may_edit(&caller, &current[0].category)?;
        }
        let answer = ReadyAnswer {
            id,
            version: 0,
            title: a.title.trim().to_owned(),
            category,
            language: a.language.trim().to_owned(),
            // Browsers send CRLF; answers keep LF.
            body: a.body.replace("\r\n", "\n").trim().to_owned(),
            retired: false,
            saved_by: editor.clone(),
            saved_at: 0,
        };
        if let Err(errors) = ready_answer::validate(&answer) {
            let v: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.rule.as_str())).collect();
            return Err(invalid(&v));
        }
        let now = jiff::Timestamp::now().as_microsecond();
        let version = self
            .store
            .save_ready_answer(&answer, expected, &editor, now)
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| {
                Status::aborted("the ready answer changed since it was loaded: reload it")
            })?;
        tracing::info!(version, "ready answer saved");
        Ok(Response::new(npb::SaveReadyAnswerResponse {
            ready_answer: Some(to_proto(&ReadyAnswer {
                version,
                saved_at: now,
                ..answer
            })),
        }))
    }

    #[tracing::instrument(name = "notify.retire_ready_answer", skip_all, fields(answer_id))]
    async fn retire_ready_answer(
        &self,
        req: Request<npb::RetireReadyAnswerRequest>,
    ) -> Result<Response<npb::RetireReadyAnswerResponse>, Status> {
        let id = parse_id(&req.get_ref().id)?;
        tracing::Span::current().record("answer_id", id.to_string());
        let caller = self.caller(&req).await?;
        let current = self.versions(id).await?.swap_remove(0);
        let editor = Self::may_edit(&caller, &current.category)?;
        let expected = req.get_ref().expected_version;
        if current.version != expected {
            return Err(Status::aborted(
                "the ready answer changed since it was loaded: reload it",
            ));
        }
        let now = jiff::Timestamp::now().as_microsecond();
        let retired = ReadyAnswer {
            retired: true,
            ..current
        };
        let version = self
            .store
            .save_ready_answer(&retired, expected, &editor, now)
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| {
                Status::aborted("the ready answer changed since it was loaded: reload it")
            })?;
        tracing::info!(version, "ready answer retired");
        Ok(Response::new(npb::RetireReadyAnswerResponse {
            ready_answer: Some(to_proto(&ReadyAnswer {
                version,
                saved_by: editor,
                saved_at: now,
                ..retired
            })),
        }))
    }

    #[tracing::instrument(name = "notify.preview_reply", skip_all)]
    async fn preview_reply(
        &self,
        req: Request<npb::PreviewReplyRequest>,
    ) -> Result<Response<npb::PreviewReplyResponse>, Status> {
        self.require_reader(&req).await?;
        let r = req.into_inner();
        let reply = reply_code(r.reply_channel);
        if reply.is_empty() {
            return Err(invalid(&[(
                "reply_channel",
                "must be sms, phone_callback, email, letter, no_contact or social",
            )]));
        }
        if r.answer.chars().count() > 10_000 {
            return Err(invalid(&[("answer", "must be at most 10 000 characters")]));
        }
        let snap = self.catalogue.snapshot().await.map_err(|e| internal(&e))?;
        let ctx = context(r.context);
        let p = ready_answer::preview(
            &snap,
            &self.settings,
            reply,
            &r.answer,
            &ctx,
            jiff::Timestamp::now(),
        )
        .map_err(|e| match e {
            PreviewError::EmptyAnswer => invalid(&[("answer", "must not be empty")]),
            PreviewError::Template(key, err) => {
                tracing::warn!(template = %key, error.kind = err.kind(), "a template in force cannot render an answer");
                Status::failed_precondition(format!(
                    "template {key} cannot be rendered ({})",
                    err.kind()
                ))
            }
        })?;
        Ok(Response::new(npb::PreviewReplyResponse {
            messages: p
                .messages
                .into_iter()
                .map(|m| npb::PreviewMessage {
                    rule: m.rule,
                    channel: match m.channel {
                        Channel::Sms => npb::MessageChannel::Sms,
                        Channel::Email => npb::MessageChannel::Email,
                        Channel::Social => npb::MessageChannel::Social,
                    } as i32,
                    subject: m.rendered.subject.unwrap_or_default(),
                    body: m.rendered.body,
                    html: m.rendered.html.unwrap_or_default(),
                    encoding: m
                        .rendered
                        .encoding
                        .map(|e| e.as_str().to_owned())
                        .unwrap_or_default(),
                    segments: m
                        .rendered
                        .segments
                        .and_then(|s| u32::try_from(s).ok())
                        .unwrap_or(0),
                    requires_consent: m.requires_consent,
                    carries_answer: m.carries_answer,
                })
                .collect(),
            locale: p.locale,
            unfilled_placeholders: p.unfilled,
            answer_encoding: p.answer_cost.encoding.as_str().to_owned(),
            answer_segments: u32::try_from(p.answer_cost.segments).unwrap_or(0),
        }))
    }
}
