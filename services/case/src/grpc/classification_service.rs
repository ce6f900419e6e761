//! `tekmerkez.case.v1.ClassificationService`: the closure reasons admins
//! edit and an agent's change of a case's application type. Thin handlers
//! over [`crate::app::classification`] and the case operations.

use tekmerkez_proto::case_v1::{self as pb, classification_service_server::ClassificationService};
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{CaseApp, classification::ReasonEdit, events::to_proto_ts},
    domain::{
        classification::{ClosureReason, type_from_proto},
        fields::Violations,
    },
};

/// The gRPC face of the classification operations.
#[derive(Debug, Clone)]
pub struct ClassificationGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl ClassificationGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }

    /// `reasons` on the wire, with the display names of who changed them.
    async fn to_proto(&self, reasons: &[ClosureReason]) -> Result<Vec<pb::ClosureReason>, Status> {
        let names = self
            .app
            .display_names(reasons.iter().filter_map(|r| r.updated_by).collect())
            .await?;
        Ok(reasons
            .iter()
            .map(|r| pb::ClosureReason {
                code: r.code.clone(),
                label_tr: r.label_tr.clone(),
                label_en: r.label_en.clone(),
                active: r.active,
                position: r.position,
                version: r.version,
                updated_by: r.updated_by.map(|u| u.to_string()).unwrap_or_default(),
                updated_by_display_name: r
                    .updated_by
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                updated_at: Some(to_proto_ts(r.updated_at)),
            })
            .collect())
    }

    async fn one(&self, r: &ClosureReason) -> Result<Option<pb::ClosureReason>, Status> {
        Ok(self.to_proto(std::slice::from_ref(r)).await?.pop())
    }
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl ClassificationService for ClassificationGrpc {
    #[tracing::instrument(name = "case.list_closure_reasons", skip_all)]
    async fn list_closure_reasons(
        &self,
        req: Request<pb::ListClosureReasonsRequest>,
    ) -> R<pb::ListClosureReasonsResponse> {
        let caller = self.callers.resolve(&req).await?;
        let reasons = self
            .app
            .list_closure_reasons(&caller, req.get_ref().include_inactive)
            .await?;
        Ok(Response::new(pb::ListClosureReasonsResponse {
            reasons: self.to_proto(&reasons).await?,
        }))
    }

    #[tracing::instrument(name = "case.create_closure_reason", skip_all)]
    async fn create_closure_reason(
        &self,
        req: Request<pb::CreateClosureReasonRequest>,
    ) -> R<pb::CreateClosureReasonResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.into_inner();
        let reason = self
            .app
            .create_closure_reason(
                &caller,
                &r.code,
                ReasonEdit {
                    label_tr: r.label_tr,
                    label_en: r.label_en,
                    position: r.position,
                    active: true,
                },
            )
            .await?;
        Ok(Response::new(pb::CreateClosureReasonResponse {
            reason: self.one(&reason).await?,
        }))
    }

    #[tracing::instrument(name = "case.update_closure_reason", skip_all)]
    async fn update_closure_reason(
        &self,
        req: Request<pb::UpdateClosureReasonRequest>,
    ) -> R<pb::UpdateClosureReasonResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.into_inner();
        let reason = self
            .app
            .update_closure_reason(
                &caller,
                &r.code,
                ReasonEdit {
                    label_tr: r.label_tr,
                    label_en: r.label_en,
                    position: r.position,
                    active: r.active,
                },
                r.expected_version,
            )
            .await?;
        Ok(Response::new(pb::UpdateClosureReasonResponse {
            reason: self.one(&reason).await?,
        }))
    }

    #[tracing::instrument(name = "case.change_application_type", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn change_application_type(
        &self,
        req: Request<pb::ChangeApplicationTypeRequest>,
    ) -> R<pb::ChangeApplicationTypeResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "case_id", &r.case_id);
        let to = match type_from_proto(r.application_type) {
            Ok(Some(t)) => Some(t),
            _ => {
                v.add("application_type", "must be a known application type");
                None
            }
        };
        convert::finish(v)?;
        let (Some(id), Some(to)) = (id, to) else {
            return Err(Status::invalid_argument("request"));
        };
        let view = self
            .app
            .change_application_type(&caller, id, to, r.expected_version)
            .await?;
        Ok(Response::new(pb::ChangeApplicationTypeResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }
}
