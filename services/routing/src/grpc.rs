//! `tekmerkez.routing.v1.RoutingRulesService`. Only admins may call it: the
//! caller's own credentials are shown to the case service's directory, the
//! owner of users and roles, which says who the caller is.

use tekmerkez_case_client::on_behalf_of;
use tekmerkez_proto::{
    case_v1 as pb, common_v1 as common,
    routing_v1::{self as rpb, routing_rules_service_server::RoutingRulesService},
};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::{router::RuleCache, rules::Rule};

/// The admin API.
#[derive(Debug, Clone)]
pub struct RulesGrpc {
    rules: RuleCache,
    directory: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    audit: pb::audit_service_client::AuditServiceClient<tonic::transport::Channel>,
}

impl RulesGrpc {
    /// Handlers over `rules`, asking the case service on `case` who callers
    /// are, and recording their changes in its audit trail.
    pub fn new(rules: RuleCache, case: tonic::transport::Channel) -> Self {
        Self {
            rules,
            directory: pb::directory_service_client::DirectoryServiceClient::new(case.clone()),
            audit: pb::audit_service_client::AuditServiceClient::new(case),
        }
    }

    /// Records the change of `rule` in the case service's audit trail,
    /// before it is applied: a change that cannot be recorded is not made.
    async fn record<T>(&self, req: &Request<T>, rule: Uuid, detail: &str) -> Result<(), Status> {
        let ask = on_behalf_of(
            req.metadata(),
            pb::RecordAdminChangeRequest {
                object: format!("routing_rule:{rule}"),
                detail: detail.to_owned(),
            },
        );
        self.audit
            .clone()
            .record_admin_change(ask)
            .await
            .map(|_| ())
            .map_err(|s| {
                tracing::warn!(code = ?s.code(), "recording a rule change in the audit trail failed");
                Status::unavailable("the change could not be recorded in the audit trail; nothing was changed")
            })
    }

    async fn require_admin<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let ask = on_behalf_of(req.metadata(), pb::GetCurrentUserRequest {});
        let me = self
            .directory
            .clone()
            .get_current_user(ask)
            .await
            .map_err(|s| match s.code() {
                tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
                    Status::unauthenticated("unauthenticated")
                }
                _ => Status::unavailable("the directory is unavailable"),
            })?;
        match me.into_inner().user {
            Some(u) if u.role == pb::Role::Admin as i32 => Ok(()),
            _ => Err(Status::permission_denied(
                "only an admin may change routing rules",
            )),
        }
    }
}

fn invalid(field: &str, rule: &str) -> Status {
    use tonic_types::{ErrorDetails, StatusExt as _};
    let mut d = ErrorDetails::new();
    d.add_bad_request_violation(field, rule);
    Status::with_error_details(
        tonic::Code::InvalidArgument,
        format!("invalid request: {field}: {rule}"),
        d,
    )
}

fn parse_rule(r: Option<rpb::Rule>, id: Uuid) -> Result<Rule, Status> {
    let r = r.ok_or_else(|| invalid("rule", "is required"))?;
    let target = Uuid::parse_str(&r.target_unit_id)
        .map_err(|_| invalid("rule.target_unit_id", "must be a unit id"))?;
    let province = match r.province_code {
        0 => None,
        p => Some(
            u8::try_from(p)
                .ok()
                .and_then(tekmerkez_geo::province_by_code)
                .ok_or_else(|| invalid("rule.province_code", "must be 0 or a plate code"))?,
        ),
    };
    let district = match (province, r.district.trim()) {
        (_, "") => None,
        (Some(p), d) => Some(
            p.find_district(d)
                .ok_or_else(|| invalid("rule.district", "must be a district of the province"))?
                .to_owned(),
        ),
        (None, _) => return Err(invalid("rule.district", "needs a province")),
    };
    for c in &r.channels {
        if common::Channel::try_from(*c).map_or(true, |c| c == common::Channel::Unspecified) {
            return Err(invalid("rule.channels", "must be known channels"));
        }
    }
    let urgency = match common::Urgency::try_from(r.urgency) {
        Ok(common::Urgency::Unspecified) => None,
        Ok(u) => Some(u as i32),
        Err(_) => return Err(invalid("rule.urgency", "must be a known urgency")),
    };
    if r.keywords.len() > 50
        || r.keywords
            .iter()
            .any(|k| k.trim().is_empty() || k.chars().count() > 100)
    {
        return Err(invalid(
            "rule.keywords",
            "must be at most 50 words of 1 to 100 characters",
        ));
    }
    if r.description.chars().count() > 500 {
        return Err(invalid("rule.description", "is too long"));
    }
    // The case service takes the category as a code: one it would refuse
    // would dead-letter every application the rule placed.
    let assigned = r.assigned_category.trim();
    if !assigned.is_empty()
        && (assigned.len() > 64
            || !assigned
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
    {
        return Err(invalid(
            "rule.assigned_category",
            "must be a category code: 1 to 64 of a-z, 0-9 and _",
        ));
    }
    let application_type = match common::ApplicationType::try_from(r.application_type) {
        Ok(common::ApplicationType::Unspecified) => None,
        Ok(t) => Some(t as i32),
        Err(_) => {
            return Err(invalid(
                "rule.application_type",
                "must be a known application type",
            ));
        }
    };
    Ok(Rule {
        id,
        priority: r.priority,
        category: Some(r.category.trim().to_owned()).filter(|c| !c.is_empty()),
        keywords: r
            .keywords
            .iter()
            .map(|k| tekmerkez_turkish::fold(k))
            .collect(),
        channels: r.channels,
        province_code: province.map(tekmerkez_geo::Province::code),
        district,
        target_unit_id: target,
        urgency,
        assigned_category: Some(assigned.to_owned()).filter(|c| !c.is_empty()),
        application_type,
        description: r.description,
    })
}

fn to_proto(r: &Rule) -> rpb::Rule {
    rpb::Rule {
        id: r.id.to_string(),
        priority: r.priority,
        category: r.category.clone().unwrap_or_default(),
        keywords: r.keywords.clone(),
        channels: r.channels.clone(),
        province_code: r.province_code.map_or(0, u32::from),
        district: r.district.clone().unwrap_or_default(),
        target_unit_id: r.target_unit_id.to_string(),
        urgency: r.urgency.unwrap_or(0),
        description: r.description.clone(),
        assigned_category: r.assigned_category.clone().unwrap_or_default(),
        application_type: r.application_type.unwrap_or(0),
    }
}

fn store_err(e: crate::store::RulesStoreError) -> Status {
    tracing::error!(error.message = %e, error.cause_chain = ?e, "rules store failure");
    Status::internal("internal error")
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[tonic::async_trait]
impl RoutingRulesService for RulesGrpc {
    async fn create_rule(
        &self,
        req: Request<rpb::CreateRuleRequest>,
    ) -> Result<Response<rpb::CreateRuleResponse>, Status> {
        self.require_admin(&req).await?;
        let rule = parse_rule(req.get_ref().rule.clone(), Uuid::now_v7())?;
        self.record(&req, rule.id, "created").await?;
        self.rules
            .store()
            .save(&rule, true, now_micros())
            .await
            .map_err(store_err)?;
        self.rules.invalidate().await;
        Ok(Response::new(rpb::CreateRuleResponse {
            rule: Some(to_proto(&rule)),
        }))
    }

    async fn update_rule(
        &self,
        req: Request<rpb::UpdateRuleRequest>,
    ) -> Result<Response<rpb::UpdateRuleResponse>, Status> {
        self.require_admin(&req).await?;
        let id = req
            .get_ref()
            .rule
            .as_ref()
            .and_then(|r| Uuid::parse_str(&r.id).ok())
            .ok_or_else(|| invalid("rule.id", "must be a rule id"))?;
        let rule = parse_rule(req.get_ref().rule.clone(), id)?;
        self.record(&req, id, "updated").await?;
        if !self
            .rules
            .store()
            .save(&rule, false, now_micros())
            .await
            .map_err(store_err)?
        {
            return Err(Status::not_found("rule not found"));
        }
        self.rules.invalidate().await;
        Ok(Response::new(rpb::UpdateRuleResponse {
            rule: Some(to_proto(&rule)),
        }))
    }

    async fn delete_rule(
        &self,
        req: Request<rpb::DeleteRuleRequest>,
    ) -> Result<Response<rpb::DeleteRuleResponse>, Status> {
        self.require_admin(&req).await?;
        let id =
            Uuid::parse_str(&req.get_ref().id).map_err(|_| invalid("id", "must be a rule id"))?;
        self.record(&req, id, "deleted").await?;
        if !self.rules.store().delete(id).await.map_err(store_err)? {
            return Err(Status::not_found("rule not found"));
        }
        self.rules.invalidate().await;
        Ok(Response::new(rpb::DeleteRuleResponse {}))
    }

    async fn list_rules(
        &self,
        req: Request<rpb::ListRulesRequest>,
    ) -> Result<Response<rpb::ListRulesResponse>, Status> {
        self.require_admin(&req).await?;
        let rules = self.rules.store().list().await.map_err(store_err)?;
        Ok(Response::new(rpb::ListRulesResponse {
            rules: rules.iter().map(to_proto).collect(),
        }))
    }
}
