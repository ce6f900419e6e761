//! `tekmerkez.case.v1.AssignmentService`: a pool's automatic assignment
//! and the experts' own availability. Thin handlers over
//! [`crate::app::assignment`].

use tekmerkez_proto::case_v1::{self as pb, assignment_service_server::AssignmentService};
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{
        CaseApp,
        assignment::{Availability, PoolAssignment},
    },
    domain::{assignment::Mode, fields::Violations, working_calendar::parse_date},
};

/// The gRPC face of automatic assignment.
#[derive(Debug, Clone)]
pub struct AssignmentGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl AssignmentGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

type R<T> = Result<Response<T>, Status>;

fn mode_to_proto(m: Mode) -> pb::AssignmentMode {
    match m {
        Mode::RoundRobin => pb::AssignmentMode::RoundRobin,
        Mode::LeastLoaded => pb::AssignmentMode::LeastLoaded,
    }
}

fn mode_from_proto(n: i32) -> Option<Mode> {
    match pb::AssignmentMode::try_from(n).ok()? {
        pb::AssignmentMode::RoundRobin => Some(Mode::RoundRobin),
        pb::AssignmentMode::LeastLoaded => Some(Mode::LeastLoaded),
        pb::AssignmentMode::Unspecified => None,
    }
}

type PoolParts = (
    Option<pb::PoolAssignmentSettings>,
    Vec<pb::AssignmentExpert>,
    u32,
);

fn pool_parts(p: &PoolAssignment) -> PoolParts {
    let settings = pb::PoolAssignmentSettings {
        pool_id: p.settings.pool_id.to_string(),
        enabled: p.settings.enabled,
        mode: mode_to_proto(p.settings.mode) as i32,
    };
    let experts = p
        .experts
        .iter()
        .map(|e| pb::AssignmentExpert {
            user_id: e.user_id.to_string(),
            display_name: e.display_name.clone(),
            capacity: e.capacity,
            effective_capacity: e.capacity.unwrap_or(p.default_capacity),
            categories: e.skills.clone(),
            present: e.present,
            absent_today: e.absent,
            held: e.held,
        })
        .collect();
    (Some(settings), experts, p.default_capacity)
}

fn availability(a: &Availability) -> Option<pb::Availability> {
    Some(pb::Availability {
        present: a.present,
        absence_days: a.absences.iter().map(ToString::to_string).collect(),
    })
}

#[tonic::async_trait]
impl AssignmentService for AssignmentGrpc {
    async fn get_pool_assignment(
        &self,
        req: Request<pb::GetPoolAssignmentRequest>,
    ) -> R<pb::GetPoolAssignmentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let pool = convert::one_id("pool_id", &req.get_ref().pool_id)?;
        let p = self.app.pool_assignment(&caller, pool).await?;
        let (settings, experts, default_capacity) = pool_parts(&p);
        Ok(Response::new(pb::GetPoolAssignmentResponse {
            settings,
            experts,
            default_capacity,
        }))
    }

    async fn update_pool_assignment(
        &self,
        req: Request<pb::UpdatePoolAssignmentRequest>,
    ) -> R<pb::UpdatePoolAssignmentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let (pool, enabled, mode) = match req.get_ref().settings.as_ref() {
            None => {
                v.add("settings", "is required");
                (None, false, None)
            }
            Some(s) => {
                let pool = convert::id_field(&mut v, "settings.pool_id", &s.pool_id);
                let mode = mode_from_proto(s.mode);
                if mode.is_none() {
                    v.add("settings.mode", "must be ROUND_ROBIN or LEAST_LOADED");
                }
                (pool, s.enabled, mode)
            }
        };
        convert::finish(v)?;
        let (Some(pool), Some(mode)) = (pool, mode) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let p = self
            .app
            .update_pool_assignment(&caller, pool, enabled, mode)
            .await?;
        let (settings, experts, default_capacity) = pool_parts(&p);
        Ok(Response::new(pb::UpdatePoolAssignmentResponse {
            settings,
            experts,
            default_capacity,
        }))
    }

    async fn set_expert_assignment(
        &self,
        req: Request<pb::SetExpertAssignmentRequest>,
    ) -> R<pb::SetExpertAssignmentResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let pool = convert::id_field(&mut v, "pool_id", &r.pool_id);
        let user = convert::id_field(&mut v, "user_id", &r.user_id);
        convert::finish(v)?;
        let (Some(pool), Some(user)) = (pool, user) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let p = self
            .app
            .set_expert_assignment(&caller, pool, user, r.capacity, r.categories.clone())
            .await?;
        let (settings, experts, default_capacity) = pool_parts(&p);
        Ok(Response::new(pb::SetExpertAssignmentResponse {
            settings,
            experts,
            default_capacity,
        }))
    }

    async fn get_my_availability(
        &self,
        req: Request<pb::GetMyAvailabilityRequest>,
    ) -> R<pb::GetMyAvailabilityResponse> {
        let caller = self.callers.resolve(&req).await?;
        let a = self.app.my_availability(&caller).await?;
        Ok(Response::new(pb::GetMyAvailabilityResponse {
            availability: availability(&a),
        }))
    }

    async fn set_my_presence(
        &self,
        req: Request<pb::SetMyPresenceRequest>,
    ) -> R<pb::SetMyPresenceResponse> {
        let caller = self.callers.resolve(&req).await?;
        let a = self
            .app
            .set_presence(&caller, req.get_ref().present)
            .await?;
        Ok(Response::new(pb::SetMyPresenceResponse {
            availability: availability(&a),
        }))
    }

    async fn set_my_absence_days(
        &self,
        req: Request<pb::SetMyAbsenceDaysRequest>,
    ) -> R<pb::SetMyAbsenceDaysResponse> {
        let caller = self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let days: Vec<_> = req
            .get_ref()
            .absence_days
            .iter()
            .filter_map(|d| v.check(parse_date("absence_days", d)))
            .collect();
        convert::finish(v)?;
        let a = self.app.set_absence_days(&caller, days).await?;
        Ok(Response::new(pb::SetMyAbsenceDaysResponse {
            availability: availability(&a),
        }))
    }
}
