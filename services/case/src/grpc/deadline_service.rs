//! `tekmerkez.case.v1.DeadlineService`: the deadline policies admins edit,
//! the Law 4982 extension and the wait for the citizen. Thin handlers over
//! [`crate::app`].

use std::collections::HashMap;

use tekmerkez_proto::case_v1::{self as pb, deadline_service_server::DeadlineService};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{CallerResolver, convert};
use crate::{
    app::{CaseApp, events::to_proto_ts},
    domain::{
        classification::{source_from_proto, source_to_proto, type_from_proto, type_to_proto},
        deadline::{
            AutomaticReasons, DayCount, DeadlinePolicy, InternalTarget, LegalPeriod, NoteRule,
            PolicyKey, StoredPolicy, TargetUnit,
        },
        fields::Violations,
    },
};

/// The gRPC face of the deadline operations.
#[derive(Debug, Clone)]
pub struct DeadlineGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl DeadlineGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }

    /// `policies` on the wire, with the display names of who changed them.
    async fn to_proto(&self, policies: &[StoredPolicy]) -> Result<Vec<pb::DeadlinePolicy>, Status> {
        let names = self
            .app
            .display_names(policies.iter().filter_map(|p| p.updated_by).collect())
            .await?;
        Ok(policies
            .iter()
            .map(|s| policy_to_proto(s, &names))
            .collect())
    }
}

fn day_count_to_proto(c: DayCount) -> pb::DayCount {
    match c {
        DayCount::Calendar => pb::DayCount::Calendar,
        DayCount::Working => pb::DayCount::Working,
    }
}

fn day_count_from_proto(n: i32) -> Option<DayCount> {
    match pb::DayCount::try_from(n).ok()? {
        pb::DayCount::Calendar => Some(DayCount::Calendar),
        pb::DayCount::Working => Some(DayCount::Working),
        pb::DayCount::Unspecified => None,
    }
}

fn unit_to_proto(u: TargetUnit) -> pb::TargetUnit {
    match u {
        TargetUnit::Hours => pb::TargetUnit::Hours,
        TargetUnit::WorkingHours => pb::TargetUnit::WorkingHours,
        TargetUnit::WorkingDays => pb::TargetUnit::WorkingDays,
        TargetUnit::CalendarDays => pb::TargetUnit::CalendarDays,
    }
}

fn unit_from_proto(n: i32) -> Option<TargetUnit> {
    match pb::TargetUnit::try_from(n).ok()? {
        pb::TargetUnit::Hours => Some(TargetUnit::Hours),
        pb::TargetUnit::WorkingHours => Some(TargetUnit::WorkingHours),
        pb::TargetUnit::WorkingDays => Some(TargetUnit::WorkingDays),
        pb::TargetUnit::CalendarDays => Some(TargetUnit::CalendarDays),
        pb::TargetUnit::Unspecified => None,
    }
}

fn policy_to_proto(s: &StoredPolicy, names: &HashMap<Uuid, String>) -> pb::DeadlinePolicy {
    let p = &s.policy;
    pb::DeadlinePolicy {
        source: p.key.source.map_or(0, |x| source_to_proto(x) as i32),
        application_type: p
            .key
            .application_type
            .map_or(0, |x| type_to_proto(x) as i32),
        category: p.key.category.clone().unwrap_or_default(),
        legal: p.legal.map(|l| pb::LegalPeriod {
            days: l.days,
            count: day_count_to_proto(l.count) as i32,
            half_days_off: !l.half_days_count,
        }),
        internal: p.internal.map(|t| pb::InternalTarget {
            n: t.n,
            unit: unit_to_proto(t.unit) as i32,
        }),
        extension_days: p.extension_days,
        note_rule: p.note_rule.map(|n| pb::NoteRule {
            days: n.days,
            count: day_count_to_proto(n.count) as i32,
        }),
        version: s.version,
        updated_by: s.updated_by.map(|u| u.to_string()).unwrap_or_default(),
        updated_by_display_name: s
            .updated_by
            .and_then(|u| names.get(&u).cloned())
            .unwrap_or_default(),
        updated_at: Some(to_proto_ts(s.updated_at)),
        information_only_reason: p.automatic_reasons.information_only.clone(),
        incident_closed_reason: p.automatic_reasons.incident_closed.clone(),
        field_work_confirmed_reason: p.automatic_reasons.field_work_confirmed.clone(),
    }
}

/// The key of (source, type, category) as sent; unspecified is "any".
fn key_from_proto(v: &mut Violations, source: i32, t: i32, category: &str) -> PolicyKey {
    let source = source_from_proto(source).unwrap_or_else(|()| {
        v.add("source", "must be a known application source");
        None
    });
    let application_type = type_from_proto(t).unwrap_or_else(|()| {
        v.add("application_type", "must be a known application type");
        None
    });
    let category = category.trim();
    PolicyKey {
        source,
        application_type,
        category: (!category.is_empty()).then(|| category.to_owned()),
    }
}

fn policy_from_proto(v: &mut Violations, p: &pb::DeadlinePolicy) -> DeadlinePolicy {
    let key = key_from_proto(v, p.source, p.application_type, &p.category);
    let legal = p
        .legal
        .as_ref()
        .and_then(|l| match day_count_from_proto(l.count) {
            Some(count) => Some(LegalPeriod {
                days: l.days,
                count,
                half_days_count: !l.half_days_off,
            }),
            None => {
                v.add("legal.count", "must be calendar or working days");
                None
            }
        });
    let internal = p
        .internal
        .as_ref()
        .and_then(|t| match unit_from_proto(t.unit) {
            Some(unit) => Some(InternalTarget { n: t.n, unit }),
            None => {
                v.add("internal.unit", "must be a known unit");
                None
            }
        });
    let note_rule = p
        .note_rule
        .as_ref()
        .and_then(|n| match day_count_from_proto(n.count) {
            Some(count) => Some(NoteRule {
                days: n.days,
                count,
            }),
            None => {
                v.add("note_rule.count", "must be calendar or working days");
                None
            }
        });
    DeadlinePolicy {
        key,
        legal,
        internal,
        extension_days: p.extension_days,
        note_rule,
        automatic_reasons: AutomaticReasons {
            information_only: reason(&p.information_only_reason),
            incident_closed: reason(&p.incident_closed_reason),
            field_work_confirmed: reason(&p.field_work_confirmed_reason),
        },
    }
}

/// A reason code as sent; blank is "not stated".
fn reason(r: &Option<String>) -> Option<String> {
    r.as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

fn expected(v: i64) -> Option<i64> {
    (v > 0).then_some(v)
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl DeadlineService for DeadlineGrpc {
    #[tracing::instrument(name = "case.list_deadline_policies", skip_all)]
    async fn list_deadline_policies(
        &self,
        req: Request<pb::ListDeadlinePoliciesRequest>,
    ) -> R<pb::ListDeadlinePoliciesResponse> {
        let caller = self.callers.resolve(&req).await?;
        let policies = self.app.list_deadline_policies(&caller).await?;
        Ok(Response::new(pb::ListDeadlinePoliciesResponse {
            policies: self.to_proto(&policies).await?,
        }))
    }

    #[tracing::instrument(name = "case.put_deadline_policy", skip_all)]
    async fn put_deadline_policy(
        &self,
        req: Request<pb::PutDeadlinePolicyRequest>,
    ) -> R<pb::PutDeadlinePolicyResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.into_inner();
        let mut v = Violations::new();
        let policy = policy_from_proto(&mut v, &r.policy.unwrap_or_default());
        convert::finish(v)?;
        let stored = self
            .app
            .put_deadline_policy(&caller, policy, expected(r.expected_version))
            .await?;
        Ok(Response::new(pb::PutDeadlinePolicyResponse {
            policy: self.to_proto(std::slice::from_ref(&stored)).await?.pop(),
        }))
    }

    #[tracing::instrument(name = "case.delete_deadline_policy", skip_all)]
    async fn delete_deadline_policy(
        &self,
        req: Request<pb::DeleteDeadlinePolicyRequest>,
    ) -> R<pb::DeleteDeadlinePolicyResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let key = key_from_proto(&mut v, r.source, r.application_type, &r.category);
        convert::finish(v)?;
        self.app
            .delete_deadline_policy(&caller, &key, r.expected_version)
            .await?;
        Ok(Response::new(pb::DeleteDeadlinePolicyResponse {}))
    }

    #[tracing::instrument(name = "case.extend_legal_deadline", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn extend_legal_deadline(
        &self,
        req: Request<pb::ExtendLegalDeadlineRequest>,
    ) -> R<pb::ExtendLegalDeadlineResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let id = convert::one_id("case_id", &r.case_id)?;
        let view = self
            .app
            .extend_legal_deadline(&caller, id, &r.reason, expected(r.expected_version))
            .await?;
        Ok(Response::new(pb::ExtendLegalDeadlineResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }

    #[tracing::instrument(name = "case.set_awaiting_citizen", skip_all, fields(case_id = %req.get_ref().case_id))]
    async fn set_awaiting_citizen(
        &self,
        req: Request<pb::SetAwaitingCitizenRequest>,
    ) -> R<pb::SetAwaitingCitizenResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let id = convert::one_id("case_id", &r.case_id)?;
        let view = self
            .app
            .set_awaiting_citizen(&caller, id, r.waiting, expected(r.expected_version))
            .await?;
        Ok(Response::new(pb::SetAwaitingCitizenResponse {
            case: Some(convert::case_to_proto(&view)),
        }))
    }
}
