//! `tekmerkez.case.v1.AuditService`: the KVKK audit trail read by the KVKK
//! officer, and administrative changes other services own recorded in it.
//! Thin handlers over [`crate::app::audit`].

use tekmerkez_proto::case_v1::{self as pb, audit_service_server::AuditService};
use tekmerkez_types::fields::Violations;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{CallerResolver, convert};
use crate::{
    app::CaseApp,
    domain::audit::{AuditAction, AuditEntry, AuditQuery, page_size},
};

/// The gRPC face of the audit trail.
#[derive(Debug, Clone)]
pub struct AuditGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl AuditGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

type R<T> = Result<Response<T>, Status>;

fn to_proto(e: &AuditEntry) -> pb::AuditEntry {
    pb::AuditEntry {
        seq: e.seq,
        at: Some(crate::app::events::to_proto_ts(e.at)),
        actor_user_id: e.actor.user_id.map(|u| u.to_string()).unwrap_or_default(),
        actor: e.actor.name.clone(),
        actor_role: e.actor.role.map_or(0, |r| r.to_proto() as i32),
        client_address: e.access.client.clone().unwrap_or_default(),
        session: e.access.session.clone().unwrap_or_default(),
        action: e.action.number(),
        case_id: e.case_id.map(|c| c.to_string()).unwrap_or_default(),
        tracking_number: e.tracking_number.clone().unwrap_or_default(),
        object: e.object.clone(),
        detail: e.detail.clone(),
        request_id: e.access.request.map(|r| r.to_string()).unwrap_or_default(),
    }
}

impl AuditGrpc {
    /// The user a filter names: an id, or a user name looked up.
    async fn actor(&self, v: &mut Violations, raw: &str) -> Result<Option<Uuid>, Status> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = Uuid::parse_str(raw) {
            return Ok(Some(id));
        }
        match self.app.user_id_by_username(raw).await? {
            Some(id) => Ok(Some(id)),
            None => {
                v.add("actor", "must name a user by id or user name");
                Ok(None)
            }
        }
    }

    /// The case a filter names: an id, or a tracking number looked up.
    async fn case(&self, v: &mut Violations, raw: &str) -> Result<Option<Uuid>, Status> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = Uuid::parse_str(raw) {
            return Ok(Some(id));
        }
        let found = match tekmerkez_tracking::TrackingNumber::parse(raw) {
            Ok(tn) => self.app.load_by_tracking_number(tn.as_str()).await?,
            Err(_) => None,
        };
        match found {
            Some(c) => Ok(Some(c.id)),
            None => {
                v.add("case", "must be a case id or a known tracking number");
                Ok(None)
            }
        }
    }
}

#[tonic::async_trait]
impl AuditService for AuditGrpc {
    #[tracing::instrument(name = "case.list_audit_entries", skip_all)]
    async fn list_audit_entries(
        &self,
        req: Request<pb::ListAuditEntriesRequest>,
    ) -> R<pb::ListAuditEntriesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let from = r
            .from
            .as_ref()
            .and_then(|t| v.check(convert::from_proto_ts("from", t)));
        let to =
            r.to.as_ref()
                .and_then(|t| v.check(convert::from_proto_ts("to", t)));
        let action = match r.action {
            0 => None,
            n => {
                let a = AuditAction::from_number(n);
                if a.is_none() {
                    v.add("action", "must be a known action");
                }
                a
            }
        };
        // Only the KVKK officer learns whether a user or a record exists.
        if caller.role() == Some(crate::domain::enums::Role::KvkkOfficer) {
            let actor = self.actor(&mut v, &r.actor).await?;
            let case_id = self.case(&mut v, &r.case).await?;
            convert::finish(v)?;
            let limit = page_size(r.limit);
            let q = AuditQuery {
                from,
                to,
                actor,
                case_id,
                action,
                before: r.before,
                limit,
            };
            let entries = self.app.list_audit(&caller, q).await?;
            // A full page may have more after it.
            let full = entries.len() >= usize::try_from(limit).unwrap_or(usize::MAX);
            let next_before = entries.last().filter(|_| full).map(|e| e.seq);
            return Ok(Response::new(pb::ListAuditEntriesResponse {
                entries: entries.iter().map(to_proto).collect(),
                next_before,
            }));
        }
        // Refused there, the attempt recorded.
        self.app.list_audit(&caller, AuditQuery::default()).await?;
        Err(Status::permission_denied(
            "only the KVKK officer reads the audit trail",
        ))
    }

    #[tracing::instrument(name = "case.record_admin_change", skip_all)]
    async fn record_admin_change(
        &self,
        req: Request<pb::RecordAdminChangeRequest>,
    ) -> R<pb::RecordAdminChangeResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        self.app
            .record_admin_change(&caller, &r.object, &r.detail)
            .await?;
        Ok(Response::new(pb::RecordAdminChangeResponse {}))
    }
}
