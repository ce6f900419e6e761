//! `tekmerkez.case.v1.SavedViewService`: each user's saved list filters.
//! Thin handlers over [`crate::app::saved_views`]; the caller is always the
//! owner, so no request names a user.

use tekmerkez_proto::case_v1::{self as pb, saved_view_service_server::SavedViewService};
use tekmerkez_types::fields::Violations;
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{CaseApp, saved_views::ViewToSave},
    domain::saved_view::{SavedList, SavedView, ViewName, ViewQuery},
};

/// The gRPC face of the saved views.
#[derive(Debug, Clone)]
pub struct SavedViewGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl SavedViewGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

type R<T> = Result<Response<T>, Status>;

fn to_proto(v: &SavedView) -> pb::SavedView {
    pb::SavedView {
        id: v.id.to_string(),
        name: v.name.as_str().to_owned(),
        view: v.list.number(),
        query: v.query.as_str().to_owned(),
    }
}

#[tonic::async_trait]
impl SavedViewService for SavedViewGrpc {
    #[tracing::instrument(name = "case.list_saved_views", skip_all)]
    async fn list_saved_views(
        &self,
        req: Request<pb::ListSavedViewsRequest>,
    ) -> R<pb::ListSavedViewsResponse> {
        let caller = self.callers.resolve(&req).await?;
        let views = self.app.list_saved_views(&caller).await?;
        Ok(Response::new(pb::ListSavedViewsResponse {
            views: views.iter().map(to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.save_saved_view", skip_all)]
    async fn save_saved_view(
        &self,
        req: Request<pb::SaveSavedViewRequest>,
    ) -> R<pb::SaveSavedViewResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = (!r.id.trim().is_empty())
            .then(|| convert::id_field(&mut v, "id", &r.id))
            .flatten();
        let name = v.check(ViewName::parse(&r.name));
        let list = v.check(SavedList::parse("view", r.view));
        let query = v.check(ViewQuery::parse(&r.query));
        convert::finish(v)?;
        let (Some(name), Some(list), Some(query)) = (name, list, query) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let view = self
            .app
            .save_saved_view(
                &caller,
                ViewToSave {
                    id,
                    name,
                    list,
                    query,
                },
            )
            .await?;
        Ok(Response::new(pb::SaveSavedViewResponse {
            view: Some(to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.delete_saved_view", skip_all)]
    async fn delete_saved_view(
        &self,
        req: Request<pb::DeleteSavedViewRequest>,
    ) -> R<pb::DeleteSavedViewResponse> {
        let caller = self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "id", &req.get_ref().id);
        convert::finish(v)?;
        let Some(id) = id else {
            return Err(Status::invalid_argument("invalid request"));
        };
        self.app.delete_saved_view(&caller, id).await?;
        Ok(Response::new(pb::DeleteSavedViewResponse {}))
    }
}
