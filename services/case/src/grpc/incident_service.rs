//! `tekmerkez.case.v1.IncidentService`: incidents and the reports linked to
//! them. Thin handlers over [`crate::app`]; a linked report goes out without
//! its citizen's text or contact.

use tekmerkez_proto::case_v1::{self as pb, incident_service_server::IncidentService};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{CallerResolver, convert};
use crate::{
    app::{
        CaseApp,
        cases::{IncidentDraft, IncidentView, LinkedReport},
        events::to_proto_ts,
    },
    domain::{
        fields::Violations,
        incident::{Area, IncidentKind, IncidentStatus, LinkMethod},
    },
};

/// The gRPC face of the incident operations.
#[derive(Debug, Clone)]
pub struct IncidentGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl IncidentGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

fn opt_id(u: Option<Uuid>) -> String {
    u.map(|u| u.to_string()).unwrap_or_default()
}

/// An incident on the wire.
pub fn incident_to_proto(v: &IncidentView) -> pb::Incident {
    let i = &v.incident;
    pb::Incident {
        id: i.id.to_string(),
        number: i.number,
        reference: i.reference(),
        kind: i.kind.to_proto() as i32,
        category: i.category.clone(),
        title: i.title.clone(),
        public_text: i.public_text.clone(),
        province_code: u32::from(i.province_code),
        areas: i
            .areas
            .iter()
            .map(|a| pb::IncidentArea {
                district: a.district.clone(),
                neighbourhoods: a.neighbourhoods.clone(),
            })
            .collect(),
        starts_at: Some(to_proto_ts(i.starts_at)),
        expected_end_at: i.expected_end_at.map(to_proto_ts),
        pool_id: i.pool_id.to_string(),
        status: i.status.to_proto() as i32,
        answer: i.answer.clone().unwrap_or_default(),
        closure_reason: i.closure_reason.clone().unwrap_or_default(),
        created_by: i.created_by.to_string(),
        created_at: Some(to_proto_ts(i.created_at)),
        closed_by: opt_id(i.closed_by),
        closed_at: i.closed_at.map(to_proto_ts),
        due_at: i.due_at.map(to_proto_ts),
        version: i.version,
        linked_count: v.linked.total,
        open_linked_count: v.linked.open,
    }
}

fn linked_to_proto(r: &LinkedReport) -> pb::LinkedCase {
    let c = &r.case;
    pb::LinkedCase {
        case_id: c.id.to_string(),
        tracking_number: convert::tracking_number(c),
        status: c.status.to_proto() as i32,
        channel: c.channel.to_proto() as i32,
        district: c.district.clone().unwrap_or_default(),
        created_at: Some(to_proto_ts(c.created_at)),
        method: c.incident.map_or(0, |l| l.method.to_proto() as i32),
        linked_at: c.incident.map(|l| to_proto_ts(l.linked_at)),
        visible: r.visible,
    }
}

fn draft(r: &pb::DeclareIncidentRequest) -> Result<IncidentDraft, Status> {
    let mut v = Violations::new();
    let starts_at = r
        .starts_at
        .as_ref()
        .and_then(|t| v.check(convert::from_proto_ts("starts_at", t)));
    let expected_end_at = r
        .expected_end_at
        .as_ref()
        .and_then(|t| v.check(convert::from_proto_ts("expected_end_at", t)));
    let pool_id = (!r.pool_id.is_empty())
        .then(|| convert::id_field(&mut v, "pool_id", &r.pool_id))
        .flatten();
    let origin_case_id = (!r.origin_case_id.is_empty())
        .then(|| convert::id_field(&mut v, "origin_case_id", &r.origin_case_id))
        .flatten();
    let request_id = (!r.request_id.is_empty())
        .then(|| convert::id_field(&mut v, "request_id", &r.request_id))
        .flatten();
    let province_code = match u8::try_from(r.province_code) {
        Ok(p) => p,
        Err(_) => {
            v.add("province_code", "must be a known province");
            0
        }
    };
    v.into_result()
        .map_err(|v| Status::from(crate::app::error::CaseError::Invalid(v)))?;
    Ok(IncidentDraft {
        kind: IncidentKind::from_proto(r.kind),
        category: r.category.trim().to_owned(),
        title: r.title.clone(),
        public_text: r.public_text.clone(),
        province_code,
        areas: r
            .areas
            .iter()
            .map(|a| Area {
                district: a.district.clone(),
                neighbourhoods: a.neighbourhoods.clone(),
            })
            .collect(),
        starts_at,
        expected_end_at,
        pool_id,
        origin_case_id,
        request_id,
    })
}

/// An outage as the public is told about it.
fn outage_to_proto(i: &crate::domain::incident::Incident) -> pb::Outage {
    pb::Outage {
        reference: i.reference(),
        kind: i.kind.to_proto() as i32,
        province_code: u32::from(i.province_code),
        areas: i
            .areas
            .iter()
            .map(|a| pb::IncidentArea {
                district: a.district.clone(),
                neighbourhoods: a.neighbourhoods.clone(),
            })
            .collect(),
        starts_at: Some(to_proto_ts(i.starts_at)),
        expected_end_at: i.expected_end_at.map(to_proto_ts),
        title: i.title.clone(),
        public_text: i.public_text.clone(),
        category: i.category.clone(),
    }
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl IncidentService for IncidentGrpc {
    #[tracing::instrument(name = "case.declare_incident", skip_all)]
    async fn declare_incident(
        &self,
        req: Request<pb::DeclareIncidentRequest>,
    ) -> R<pb::DeclareIncidentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let draft = draft(req.get_ref())?;
        let view = self.app.declare_incident(&caller, draft).await?;
        Ok(Response::new(pb::DeclareIncidentResponse {
            incident: Some(incident_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.get_incident", skip_all, fields(incident_id = %req.get_ref().id))]
    async fn get_incident(
        &self,
        req: Request<pb::GetIncidentRequest>,
    ) -> R<pb::GetIncidentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let id = convert::one_id("id", &req.get_ref().id)?;
        let (view, linked) = self.app.get_incident(&caller, id).await?;
        Ok(Response::new(pb::GetIncidentResponse {
            incident: Some(incident_to_proto(&view)),
            linked: linked.iter().map(linked_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.list_incidents", skip_all)]
    async fn list_incidents(
        &self,
        req: Request<pb::ListIncidentsRequest>,
    ) -> R<pb::ListIncidentsResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let statuses = r
            .statuses
            .iter()
            .filter_map(|s| IncidentStatus::from_proto(*s))
            .collect();
        let limit = if r.limit == 0 { 100 } else { r.limit };
        let list = self.app.list_incidents(&caller, statuses, limit).await?;
        Ok(Response::new(pb::ListIncidentsResponse {
            incidents: list.iter().map(incident_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.link_cases", skip_all, fields(incident_id = %req.get_ref().incident_id))]
    async fn link_cases(&self, req: Request<pb::LinkCasesRequest>) -> R<pb::LinkCasesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let incident_id = convert::id_field(&mut v, "incident_id", &r.incident_id);
        let ids = convert::case_ids(&r.case_ids, &mut v);
        let method = match LinkMethod::from_proto(r.method) {
            None => LinkMethod::Manual,
            Some(m) => m,
        };
        v.into_result()
            .map_err(|v| Status::from(crate::app::error::CaseError::Invalid(v)))?;
        let Some(incident_id) = incident_id else {
            unreachable!("a missing id was a violation");
        };
        let view = self
            .app
            .link_cases(&caller, incident_id, &ids, method)
            .await?;
        Ok(Response::new(pb::LinkCasesResponse {
            incident: Some(incident_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.unlink_case", skip_all, fields(incident_id = %req.get_ref().incident_id, case_id = %req.get_ref().case_id))]
    async fn unlink_case(&self, req: Request<pb::UnlinkCaseRequest>) -> R<pb::UnlinkCaseResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let incident_id = convert::one_id("incident_id", &r.incident_id)?;
        let case_id = convert::one_id("case_id", &r.case_id)?;
        let view = self
            .app
            .unlink_case(&caller, incident_id, case_id, &r.reason)
            .await?;
        Ok(Response::new(pb::UnlinkCaseResponse {
            incident: Some(incident_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.list_outages", skip_all, fields(province = req.get_ref().province_code))]
    async fn list_outages(
        &self,
        req: Request<pb::ListOutagesRequest>,
    ) -> R<pb::ListOutagesResponse> {
        self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let province = match r.province_code {
            0 => None,
            p => Some(
                u8::try_from(p)
                    .ok()
                    .filter(|p| tekmerkez_geo::province_by_code(*p).is_some())
                    .ok_or_else(|| {
                        let mut v = Violations::new();
                        v.add("province_code", "must be a known province");
                        Status::from(crate::app::error::CaseError::Invalid(v))
                    })?,
            ),
        };
        let outages = self
            .app
            .list_outages(province, &r.district, &r.neighbourhood)
            .await?;
        Ok(Response::new(pb::ListOutagesResponse {
            outages: outages.iter().map(outage_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "case.close_incident", skip_all, fields(incident_id = %req.get_ref().id))]
    async fn close_incident(
        &self,
        req: Request<pb::CloseIncidentRequest>,
    ) -> R<pb::CloseIncidentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let id = convert::one_id("id", &r.id)?;
        let expected = (r.expected_version > 0).then_some(r.expected_version);
        let (view, closed) = self
            .app
            .close_incident(&caller, id, &r.answer, expected)
            .await?;
        tracing::info!(closed_cases = closed, "incident closed");
        Ok(Response::new(pb::CloseIncidentResponse {
            incident: Some(incident_to_proto(&view)),
            closed_cases: closed,
        }))
    }
}
