//! `tekmerkez.case.v1.CaseService`: thin handlers. Each resolves the caller,
//! parses the request whole, calls [`CaseApp`], and converts the answer.

use tekmerkez_proto::case_v1::{self as pb, case_service_server::CaseService};
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{
        CaseApp,
        cases::{
            CallbackReport, CaseRef, ListRequest, MAX_RELATED, MAX_RESULTS, MatchedBy,
            NewSurveyAnswer,
        },
        events::to_proto_ts,
    },
    domain::{
        enums::{CallbackOutcome, NotReachedOutcome, SurveySource},
        fields::{FieldError, Violations},
        survey,
        text::parse_text,
    },
};

/// The page size when none is asked for, and the most one page holds.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    /// Used when the request asks for none (page size 0).
    pub default: u32,
    /// Largest page size accepted; a larger request is refused, not cut.
    pub max: u32,
}

/// The gRPC face of the case operations.
#[derive(Debug, Clone)]
pub struct CaseGrpc {
    app: CaseApp,
    callers: CallerResolver,
    pages: PageLimits,
}

impl CaseGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver, pages: PageLimits) -> Self {
        Self {
            app,
            callers,
            pages,
        }
    }
}

type R<T> = Result<Response<T>, Status>;

/// A list's total is counted up to this many ("1 000+" past it): a count
/// costs at most about as much as reading this many rows.
const LIST_TOTAL_CAP: u32 = 1000;

/// The desk menu's counts stop here ("100+"): they are read on every page.
const MENU_COUNT_CAP: u32 = 100;

#[tonic::async_trait]
impl CaseService for CaseGrpc {
    #[tracing::instrument(name = "case.list_letters", skip_all, fields(count))]
    async fn list_letters(
        &self,
        req: Request<pb::ListLettersRequest>,
    ) -> R<pb::ListLettersResponse> {
        super::letters::list(
            &self.app,
            &self.callers,
            self.pages.max,
            self.pages.default,
            req,
        )
        .await
    }

    #[tracing::instrument(name = "case.get_letter", skip_all)]
    async fn get_letter(&self, req: Request<pb::GetLetterRequest>) -> R<pb::GetLetterResponse> {
        super::letters::get(&self.app, &self.callers, req).await
    }

    #[tracing::instrument(name = "case.mark_letters_posted", skip_all, fields(count))]
    async fn mark_letters_posted(
        &self,
        req: Request<pb::MarkLettersPostedRequest>,
    ) -> R<pb::MarkLettersPostedResponse> {
        super::letters::mark_posted(&self.app, &self.callers, req).await
    }

    #[tracing::instrument(name = "case.count_letters", skip_all)]
    async fn count_letters(
        &self,
        req: Request<pb::CountLettersRequest>,
    ) -> R<pb::CountLettersResponse> {
        super::letters::count(&self.app, &self.callers, req).await
    }

    #[tracing::instrument(name = "case.create", skip_all, fields(case_id))]
    async fn create_case(&self, req: Request<pb::CreateCaseRequest>) -> R<pb::CreateCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let new =
            convert::new_case(req.get_ref()).map_err(crate::app::error::CaseError::Invalid)?;
        let (view, created) = self.app.create_case(&caller, new).await?;
        tracing::Span::current().record("case_id", tracing::field::display(view.case.id));
        Ok(Response::new(pb::CreateCaseResponse {
            case: Some(convert::case_to_proto(&view)),
            created,
        }))
    }

    #[tracing::instrument(name = "case.add_citizen_message", skip_all, fields(case_id, created))]
    async fn add_citizen_message(
        &self,
        req: Request<pb::AddCitizenMessageRequest>,
    ) -> R<pb::AddCitizenMessageResponse> {
        let caller = self.callers.resolve(&req).await?;
        // Refuse before parsing, so that nobody else learns what a valid
        // request would look like.
        if !crate::domain::policy::can_add_citizen_message(&caller) {
            return Err(crate::app::error::CaseError::PermissionDenied(
                "only the routing service adds citizens' messages",
            )
            .into());
        }
        let msg = convert::citizen_message(req.get_ref())
            .map_err(crate::app::error::CaseError::Invalid)?;
        let (note, created) = self.app.add_citizen_message(&caller, msg).await?;
        let span = tracing::Span::current();
        span.record("case_id", tracing::field::display(note.case_id));
        span.record("created", created);
        Ok(Response::new(pb::AddCitizenMessageResponse {
            case_id: note.case_id.to_string(),
            note: Some(convert::note_to_proto(&note)),
            created,
        }))
    }

    #[tracing::instrument(name = "case.get_attachment", skip_all)]
    async fn get_attachment(
        &self,
        req: Request<pb::GetAttachmentRequest>,
    ) -> R<pb::GetAttachmentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let case = convert::id_field(&mut v, "case_id", &r.case_id);
        let id = convert::id_field(&mut v, "attachment_id", &r.attachment_id);
        convert::finish(v)?;
        let (Some(case), Some(id)) = (case, id) else {
            return Err(Status::invalid_argument("case_id"));
        };
        let a = self.app.get_attachment(&caller, case, id).await?;
        Ok(Response::new(pb::GetAttachmentResponse {
            attachment: Some(convert::attachment_to_proto(&a)),
            content: a.content,
        }))
    }

    #[tracing::instrument(name = "case.get", skip_all)]
    async fn get_case(&self, req: Request<pb::GetCaseRequest>) -> R<pb::GetCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let case = match (r.case_id.trim(), r.tracking_number.trim()) {
            ("", "") => {
                let mut v = Violations::new();
                v.add("case_id", "or tracking_number is required");
                return Err(crate::app::error::CaseError::Invalid(v).into());
            }
            (id, "") => {
                let mut v = Violations::new();
                let id = convert::id_field(&mut v, "case_id", id);
                convert::finish(v)?;
                match id {
                    Some(id) => self.app.load(id).await?,
                    None => None,
                }
            }
            (_, tn) => match tekmerkez_tracking::TrackingNumber::parse(tn) {
                Ok(tn) => self.app.load_by_tracking_number(tn.as_str()).await?,
                Err(_) => {
                    let v = Violations::from(FieldError::new(
                        "tracking_number",
                        "must be a valid tracking number",
                    ));
                    return Err(crate::app::error::CaseError::Invalid(v).into());
                }
            },
        };
        let view = self.app.get_case(&caller, case).await?;
        let names = self.app.note_names(&view.notes).await?;
        let mut case = convert::case_to_proto(&view);
        for (n, record) in case.notes.iter_mut().zip(&view.notes) {
            n.author_display_name = names.user(record.author_id);
        }
        super::letters::fill_case(&self.app, &mut case, view.case.id).await?;
        Ok(Response::new(pb::GetCaseResponse { case: Some(case) }))
    }

    #[tracing::instrument(name = "case.list", skip_all)]
    async fn list_cases(&self, req: Request<pb::ListCasesRequest>) -> R<pb::ListCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let view = v.check(convert::view(r.view));
        let sort = v
            .check(convert::sort(r.sort))
            .unwrap_or(crate::store::Sort::OldestFirst);
        let mut filter = convert::filter(r.filter.as_ref(), &mut v);
        filter.partner_reference = convert::partner_reference_filter(&mut v, &r.partner_reference);
        let page = r.page.clone().unwrap_or_default();
        let after = v
            .check(convert::parse_page_token(&page.page_token, sort))
            .flatten();
        if page.page_size > self.pages.max {
            v.add("page.page_size", "is larger than the maximum page size");
        }
        convert::finish(v.clone())?;
        let Some(view) = view else {
            return Err(crate::app::error::CaseError::Invalid(v).into());
        };
        let page_size = if page.page_size == 0 {
            self.pages.default
        } else {
            page.page_size
        };
        let (total, total_capped) = if r.with_total {
            self.app
                .count_cases(&caller, view, &filter, LIST_TOTAL_CAP)
                .await?
        } else {
            (0, false)
        };
        let (cases, next) = self
            .app
            .list_cases(
                &caller,
                ListRequest {
                    view,
                    filter,
                    sort,
                    page_size,
                    after,
                },
            )
            .await?;
        Ok(Response::new(pb::ListCasesResponse {
            cases: cases.iter().map(convert::case_to_proto).collect(),
            next_page_token: convert::page_token(next, sort),
            total,
            total_capped,
        }))
    }

    #[tracing::instrument(name = "case.count", skip_all, fields(views))]
    async fn count_cases(&self, req: Request<pb::CountCasesRequest>) -> R<pb::CountCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        if r.views.len() > 4 {
            v.add("views", "names at most 4 views");
        }
        let views: Vec<_> = r
            .views
            .iter()
            .filter_map(|n| v.check(convert::view(*n)).map(|view| (*n, view)))
            .collect();
        convert::finish(v)?;
        tracing::Span::current().record("views", views.len());
        let mut counts = Vec::with_capacity(views.len());
        let filter = crate::app::cases::Filter::default();
        for (number, view) in views {
            match self
                .app
                .count_cases(&caller, view, &filter, MENU_COUNT_CAP)
                .await
            {
                Ok((count, capped)) => counts.push(pb::CaseCount {
                    view: number,
                    count,
                    capped,
                }),
                Err(crate::app::error::CaseError::PermissionDenied(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Response::new(pb::CountCasesResponse { counts }))
    }

    #[tracing::instrument(name = "case.claim", skip_all, fields(count))]
    async fn claim_cases(&self, req: Request<pb::ClaimCasesRequest>) -> R<pb::ClaimCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let ids = convert::case_ids(&req.get_ref().case_ids, &mut v);
        convert::finish(v)?;
        tracing::Span::current().record("count", ids.len());
        let views = self.app.claim_cases(&caller, &ids).await?;
        Ok(Response::new(pb::ClaimCasesResponse {
            cases: views.iter().map(convert::case_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.assign", skip_all, fields(count))]
    async fn assign_cases(
        &self,
        req: Request<pb::AssignCasesRequest>,
    ) -> R<pb::AssignCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let ids = convert::case_ids(&r.case_ids, &mut v);
        let assignee = convert::id_field(&mut v, "assignee_user_id", &r.assignee_user_id);
        convert::finish(v)?;
        tracing::Span::current().record("count", ids.len());
        let Some(assignee) = assignee else {
            return Err(Status::invalid_argument("assignee_user_id"));
        };
        let views = self.app.assign_cases(&caller, &ids, assignee).await?;
        Ok(Response::new(pb::AssignCasesResponse {
            cases: views.iter().map(convert::case_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.transfer", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn transfer_case(
        &self,
        req: Request<pb::TransferCaseRequest>,
    ) -> R<pb::TransferCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let target = convert::id_field(&mut v, "target_pool_id", &r.target_pool_id);
        let reason = v.check(parse_text("reason", &r.reason, convert::MAX_REASON));
        let fix = convert::correction(&mut v, r);
        convert::finish(v)?;
        let (Some(id), Some(target), Some(reason)) = (id, target, reason) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .transfer_case(&caller, id, target, reason, fix, r.expected_version)
            .await?;
        Ok(Response::new(pb::TransferCaseResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.add_note", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn add_note(&self, req: Request<pb::AddNoteRequest>) -> R<pb::AddNoteResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let text = v.check(parse_text("text", &r.text, convert::MAX_NOTE));
        convert::finish(v)?;
        let (Some(id), Some(text)) = (id, text) else {
            return Err(Status::invalid_argument("request"));
        };
        let (note, view) = self
            .app
            .add_note(&caller, id, text, r.expected_version)
            .await?;
        Ok(Response::new(pb::AddNoteResponse {
            note: Some(convert::note_to_proto(&note)),
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.close", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn close_case(&self, req: Request<pb::CloseCaseRequest>) -> R<pb::CloseCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let answer = v.check(parse_text(
            "official_answer",
            &r.official_answer,
            convert::MAX_TEXT,
        ));
        convert::finish(v)?;
        let (Some(id), Some(answer)) = (id, answer) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .close_case(&caller, id, answer, &r.closure_reason, r.expected_version)
            .await?;
        let mut case = convert::case_to_proto(&view);
        super::letters::fill_case(&self.app, &mut case, view.case.id).await?;
        Ok(Response::new(pb::CloseCaseResponse { case: Some(case) }))
    }

    #[tracing::instrument(name = "case.record_callback", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn record_callback_outcome(
        &self,
        req: Request<pb::RecordCallbackOutcomeRequest>,
    ) -> R<pb::RecordCallbackOutcomeResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let outcome = CallbackOutcome::from_proto(r.outcome);
        if outcome.is_none() {
            v.add("outcome", "must be REACHED, NOT_REACHED or UNREACHABLE");
        }
        let retry_at = r
            .retry_at
            .as_ref()
            .and_then(|t| v.check(convert::from_proto_ts("retry_at", t)));
        let note = convert::optional_text(&mut v, "note", &r.note, convert::MAX_NOTE);
        let score = r
            .survey_score
            .and_then(|s| v.check(survey::parse_score("survey_score", s)));
        let comment = v
            .check(survey::parse_comment("survey_comment", &r.survey_comment))
            .flatten();
        if r.survey_score.is_none() && comment.is_some() {
            v.add("survey_comment", "needs a survey_score");
        }
        convert::finish(v)?;
        let (Some(id), Some(outcome)) = (id, outcome) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .record_callback(
                &caller,
                id,
                CallbackReport {
                    outcome,
                    retry_at,
                    note,
                    survey: score.map(|s| (s, comment)),
                },
                r.expected_version,
            )
            .await?;
        Ok(Response::new(pb::RecordCallbackOutcomeResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.mark_citizen_not_reached", skip_all, fields(case_id = %req.get_ref().case_id, marked))]
    async fn mark_citizen_not_reached(
        &self,
        req: Request<pb::MarkCitizenNotReachedRequest>,
    ) -> R<pb::MarkCitizenNotReachedResponse> {
        let caller = self.callers.resolve(&req).await?;
        // Refused before parsing: nobody else learns what a valid report is.
        if !crate::domain::policy::can_mark_not_reached(&caller) {
            return Err(crate::app::error::CaseError::PermissionDenied(
                "only the notification service reports a citizen not reached",
            )
            .into());
        }
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let delivery = convert::id_field(&mut v, "delivery_id", &r.delivery_id);
        convert::finish(v)?;
        let (Some(id), Some(delivery)) = (id, delivery) else {
            return Err(Status::invalid_argument("request"));
        };
        let marked = self
            .app
            .mark_not_reached(&caller, id, delivery, &r.channel, &r.reason)
            .await?;
        tracing::Span::current().record("marked", marked);
        Ok(Response::new(pb::MarkCitizenNotReachedResponse { marked }))
    }

    #[tracing::instrument(name = "case.resolve_not_reached", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn resolve_not_reached(
        &self,
        req: Request<pb::ResolveNotReachedRequest>,
    ) -> R<pb::ResolveNotReachedResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let outcome = NotReachedOutcome::from_proto(r.outcome);
        if outcome.is_none() {
            v.add(
                "outcome",
                "must be CALLED, OTHER_CHANNEL, LETTER or GAVE_UP",
            );
        }
        let note = convert::optional_text(&mut v, "note", &r.note, convert::MAX_NOTE);
        convert::finish(v)?;
        let (Some(id), Some(outcome)) = (id, outcome) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .resolve_not_reached(&caller, id, outcome, note, r.expected_version)
            .await?;
        Ok(Response::new(pb::ResolveNotReachedResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.reopen", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn reopen_case(&self, req: Request<pb::ReopenCaseRequest>) -> R<pb::ReopenCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let reason = v.check(parse_text("reason", &r.reason, convert::MAX_REASON));
        convert::finish(v)?;
        let (Some(id), Some(reason)) = (id, reason) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .reopen_case(&caller, id, reason, r.expected_version)
            .await?;
        Ok(Response::new(pb::ReopenCaseResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.history", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn get_history(&self, req: Request<pb::GetHistoryRequest>) -> R<pb::GetHistoryResponse> {
        let caller = self.callers.resolve(&req).await?;
        let id = convert::one_id("case_id", &req.get_ref().case_id)?;
        let steps = self.app.history(&caller, id).await?;
        let names = self.app.history_names(&steps).await?;
        Ok(Response::new(pb::GetHistoryResponse {
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, h)| convert::history_to_proto_named(i, h, &names))
                .collect(),
        }))
    }

    #[tracing::instrument(name = "case.where_is", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn where_is_case(
        &self,
        req: Request<pb::WhereIsCaseRequest>,
    ) -> R<pb::WhereIsCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let id = convert::one_id("case_id", &req.get_ref().case_id)?;
        let w = self.app.where_is(&caller, id).await?;
        let step = convert::history_to_proto_named(0, &w.last, &w.names);
        Ok(Response::new(pb::WhereIsCaseResponse {
            tracking_number: tekmerkez_tracking::TrackingNumber::parse(&w.tracking_number)
                .map(|t| t.to_string())
                .unwrap_or(w.tracking_number),
            action: step.action,
            actor_display_name: step.actor_display_name,
            to_status: step.to_status,
            to_pool_name: step.to_pool_name,
            to_holder_display_name: step.to_holder_display_name,
            occurred_at: step.occurred_at,
            reopenable_until: w.reopenable_until.map(to_proto_ts),
            by_caller: w.by_caller,
        }))
    }

    #[tracing::instrument(name = "case.related", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn list_related_cases(
        &self,
        req: Request<pb::ListRelatedCasesRequest>,
    ) -> R<pb::ListRelatedCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        if r.limit > MAX_RELATED {
            v.add("limit", "must be at most 50");
        }
        convert::finish(v)?;
        let Some(id) = id else {
            return Err(Status::invalid_argument("case_id"));
        };
        let limit = if r.limit == 0 { 20 } else { r.limit };
        let related = self.app.related_cases(&caller, id, limit).await?;
        Ok(Response::new(pb::ListRelatedCasesResponse {
            cases: related
                .cases
                .iter()
                .map(convert::related_to_proto)
                .collect(),
            more: related.more,
        }))
    }

    #[tracing::instrument(name = "case.search", skip_all, fields(results))]
    async fn search_cases(
        &self,
        req: Request<pb::SearchCasesRequest>,
    ) -> R<pb::SearchCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        if r.limit > MAX_RESULTS {
            v.add("limit", "must be at most 50");
        }
        if r.query.trim().is_empty() {
            v.add("query", "must not be empty");
        }
        convert::finish(v)?;
        let limit = if r.limit == 0 { 20 } else { r.limit };
        let found = self.app.search(&caller, &r.query, limit).await?;
        tracing::Span::current().record("results", found.len());
        Ok(Response::new(pb::SearchCasesResponse {
            results: found
                .iter()
                .map(|f| pb::SearchResult {
                    case: Some(convert::case_to_proto(&f.view)),
                    matched_by: match f.matched_by {
                        MatchedBy::TrackingNumber => pb::SearchMatch::TrackingNumber,
                        MatchedBy::Phone => pb::SearchMatch::Phone,
                        MatchedBy::Email => pb::SearchMatch::Email,
                        MatchedBy::PartnerReference => pb::SearchMatch::PartnerReference,
                        MatchedBy::Words => pb::SearchMatch::Words,
                        MatchedBy::SimilarWords => pb::SearchMatch::SimilarWords,
                    } as i32,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(name = "case.duplicates", skip_all)]
    async fn list_duplicate_candidates(
        &self,
        req: Request<pb::ListDuplicateCandidatesRequest>,
    ) -> R<pb::ListDuplicateCandidatesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &req.get_ref().case_id);
        convert::finish(v)?;
        let Some(id) = id else {
            return Err(Status::invalid_argument("case_id"));
        };
        let found = self.app.duplicate_candidates(&caller, id).await?;
        Ok(Response::new(pb::ListDuplicateCandidatesResponse {
            candidates: found.iter().map(convert::candidate_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.merge", skip_all)]
    async fn merge_case(&self, req: Request<pb::MergeCaseRequest>) -> R<pb::MergeCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let into = convert::id_field(&mut v, "into_case_id", &r.into_case_id);
        if r.expected_version < 0 {
            v.add("expected_version", "must not be negative");
        }
        convert::finish(v)?;
        let (Some(id), Some(into)) = (id, into) else {
            return Err(Status::invalid_argument("case_id"));
        };
        let expected = (r.expected_version > 0).then_some(r.expected_version);
        let (merged, into) = self.app.merge_case(&caller, id, into, expected).await?;
        Ok(Response::new(pb::MergeCaseResponse {
            merged: Some(convert::case_to_proto(&merged)),
            into: Some(convert::case_to_proto(&into)),
        }))
    }

    #[tracing::instrument(name = "case.dismiss_duplicate", skip_all)]
    async fn dismiss_duplicate(
        &self,
        req: Request<pb::DismissDuplicateRequest>,
    ) -> R<pb::DismissDuplicateResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let other = convert::id_field(&mut v, "other_case_id", &r.other_case_id);
        convert::finish(v)?;
        let (Some(id), Some(other)) = (id, other) else {
            return Err(Status::invalid_argument("case_id"));
        };
        self.app.dismiss_duplicate(&caller, id, other).await?;
        Ok(Response::new(pb::DismissDuplicateResponse {}))
    }

    #[tracing::instrument(name = "case.track", skip_all)]
    async fn track_case(&self, req: Request<pb::TrackCaseRequest>) -> R<pb::TrackCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        if r.phone_last4.len() != 4 || !r.phone_last4.bytes().all(|b| b.is_ascii_digit()) {
            v.add("phone_last4", "must be 4 digits");
        }
        if r.tracking_number.trim().is_empty() {
            v.add("tracking_number", "must not be empty");
        }
        convert::finish(v)?;
        // A mistyped number (wrong check symbol) is answered like any other miss.
        let tn = tekmerkez_tracking::TrackingNumber::parse(&r.tracking_number).ok();
        let t = self
            .app
            .track(
                &caller,
                tn.as_ref().map(|t| t.as_str()),
                &r.phone_last4,
                !r.digits_from_verified_phone,
            )
            .await?;
        Ok(Response::new(pb::TrackCaseResponse {
            tracking_number: match t.merged_from {
                // The number asked about was merged into this record.
                Some(_) => tekmerkez_tracking::TrackingNumber::parse(&t.tracking_number)
                    .map(|n| n.to_string())
                    .unwrap_or(t.tracking_number),
                None => tn.map(|n| n.to_string()).unwrap_or(t.tracking_number),
            },
            status: t.status.to_proto() as i32,
            timeline: t
                .timeline
                .iter()
                .map(|e| pb::StatusStep {
                    status: e.status.to_proto() as i32,
                    occurred_at: Some(to_proto_ts(e.at)),
                })
                .collect(),
            created_at: Some(to_proto_ts(t.created_at)),
            legal_due_date: t.legal_due_date.map(|d| d.to_string()).unwrap_or_default(),
            province_code: u32::from(t.province_code),
            district: t.district.unwrap_or_default(),
            merged_from_tracking_number: t.merged_from.unwrap_or_default(),
        }))
    }

    #[tracing::instrument(name = "case.record_survey", skip_all, fields(case_id, created))]
    async fn record_survey_response(
        &self,
        req: Request<pb::RecordSurveyResponseRequest>,
    ) -> R<pb::RecordSurveyResponseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let case = match (
            r.case_id.trim().is_empty(),
            r.tracking_number.trim().is_empty(),
        ) {
            (false, true) => convert::id_field(&mut v, "case_id", &r.case_id).map(CaseRef::Id),
            (true, false) => match tekmerkez_tracking::TrackingNumber::parse(&r.tracking_number) {
                Ok(t) => Some(CaseRef::TrackingNumber(t.as_str().to_owned())),
                Err(_) => {
                    v.add("tracking_number", "must be a valid tracking number");
                    None
                }
            },
            _ => {
                v.add("case_id", "give either case_id or tracking_number");
                None
            }
        };
        let score = v.check(survey::parse_score("score", r.score));
        let comment = v
            .check(survey::parse_comment("comment", &r.comment))
            .flatten();
        let source = SurveySource::from_proto(r.source);
        match source {
            Some(SurveySource::Link | SurveySource::Ivr) => {}
            Some(SurveySource::PhoneCallback) => v.add(
                "source",
                "a callback's score is recorded with RecordCallbackOutcome",
            ),
            None => v.add("source", "must be LINK or IVR"),
        }
        let key = v
            .check(survey::parse_key("idempotency_key", &r.idempotency_key))
            .flatten();
        convert::finish(v)?;
        let (Some(case), Some(score), Some(source)) = (case, score, source) else {
            return Err(Status::invalid_argument("request"));
        };
        let (answer, created) = self
            .app
            .record_survey(
                &caller,
                NewSurveyAnswer {
                    case,
                    score,
                    comment,
                    source,
                    idempotency_key: key,
                },
            )
            .await?;
        let span = tracing::Span::current();
        span.record("case_id", tracing::field::display(answer.case_id));
        span.record("created", created);
        Ok(Response::new(pb::RecordSurveyResponseResponse {
            case_id: answer.case_id.to_string(),
            survey: Some(convert::survey_to_proto(&answer)),
            created,
        }))
    }

    #[tracing::instrument(name = "case.public_status", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn get_public_status(
        &self,
        req: Request<pb::GetPublicStatusRequest>,
    ) -> R<pb::GetPublicStatusResponse> {
        let caller = self.callers.resolve(&req).await?;
        let id = convert::one_id("case_id", &req.get_ref().case_id)?;
        let p = self.app.public_status(&caller, id).await?;
        let t = &p.tracking;
        Ok(Response::new(pb::GetPublicStatusResponse {
            tracking_number: tekmerkez_tracking::TrackingNumber::parse(&t.tracking_number)
                .map(|n| n.to_string())
                .unwrap_or_else(|_| t.tracking_number.clone()),
            status: t.status.to_proto() as i32,
            timeline: t
                .timeline
                .iter()
                .map(|e| pb::StatusStep {
                    status: e.status.to_proto() as i32,
                    occurred_at: Some(to_proto_ts(e.at)),
                })
                .collect(),
            created_at: Some(to_proto_ts(t.created_at)),
            official_answer: p.official_answer.unwrap_or_default(),
            resolved_at: p.resolved_at.map(to_proto_ts),
            survey_answered: p.survey_answered,
            legal_due_date: t.legal_due_date.map(|d| d.to_string()).unwrap_or_default(),
        }))
    }
}
