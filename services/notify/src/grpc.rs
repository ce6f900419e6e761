//! `tekmerkez.notify.v1.NotificationService`.
//!
//! - `ListDeliveries`, `ListRules`, `ListTemplates`: a service credential
//!   from `notify.api_tokens` (the gateway, which calls only after the case
//!   service let the person see the case), or an admin.
//! - `UpdateRule`, `UpdateTemplate`: admins only. Who the caller is, is
//!   asked of the case service's directory with the caller's own
//!   credentials, as routing's rules API does.
//!
//! Deliveries are listed without their text or recipient (the log does
//! not keep them once a message is final).

use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;
use tekmerkez_proto::{
    case_v1 as pb,
    notify_v1::{self as npb, notification_service_server::NotificationService},
};
use tonic::{Request, Response, Status};

use crate::{
    cases::{CaseReader, ReadError},
    catalogue::{CatalogueCache, Channel, Rule, Template, Timing, Trigger},
    store::{Delivery, DeliveryState, NotifyStore},
    survey::{OptOutSource, OptOuts},
};

/// The API.
#[derive(Debug, Clone)]
pub struct NotifyGrpc {
    store: NotifyStore,
    catalogue: CatalogueCache,
    tokens: Vec<SecretString>,
    directory: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    audit: pb::audit_service_client::AuditServiceClient<tonic::transport::Channel>,
    /// Where an opting-out case's contact details are read.
    cases: std::sync::Arc<dyn CaseReader>,
    /// The survey opt-out list; `None` without a contact key.
    opt_outs: Option<OptOuts>,
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

fn internal(e: &impl std::fmt::Debug) -> Status {
    tracing::error!(error.cause_chain = ?e, "notify API failed");
    Status::internal("internal error")
}

fn ts(micros: Option<i64>) -> Option<prost_types::Timestamp> {
    let m = micros?;
    Some(prost_types::Timestamp {
        seconds: m.div_euclid(1_000_000),
        nanos: i32::try_from(m.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    })
}

fn channel_to_proto(c: Channel) -> npb::MessageChannel {
    match c {
        Channel::Sms => npb::MessageChannel::Sms,
        Channel::Email => npb::MessageChannel::Email,
        Channel::Social => npb::MessageChannel::Social,
    }
}

fn channel_from_proto(c: i32, field: &str) -> Result<Channel, Status> {
    match npb::MessageChannel::try_from(c) {
        Ok(npb::MessageChannel::Sms) => Ok(Channel::Sms),
        Ok(npb::MessageChannel::Email) => Ok(Channel::Email),
        Ok(npb::MessageChannel::Social) => Ok(Channel::Social),
        _ => Err(invalid(field, "must be SMS or e-mail")),
    }
}

/// The proto form of a delivery.
pub fn delivery_to_proto(d: &Delivery) -> npb::Delivery {
    let state = match d.state {
        DeliveryState::Pending => npb::DeliveryState::Pending,
        DeliveryState::Sending => npb::DeliveryState::Sending,
        DeliveryState::Sent => npb::DeliveryState::Sent,
        DeliveryState::Delivered => npb::DeliveryState::Delivered,
        DeliveryState::Failed => npb::DeliveryState::Failed,
    };
    npb::Delivery {
        id: d.id.to_string(),
        case_id: d.case_id.clone(),
        event_id: d.event_id.clone(),
        kind: d.kind.clone(),
        channel: Channel::parse(&d.channel)
            .map_or(npb::MessageChannel::Unspecified, channel_to_proto) as i32,
        state: state as i32,
        reason: d.reason.clone().unwrap_or_default(),
        provider: d.provider.clone().unwrap_or_default(),
        encoding: d.encoding.clone().unwrap_or_default(),
        segments: d.segments.and_then(|s| u32::try_from(s).ok()).unwrap_or(0),
        attempts: u32::try_from(d.attempts).unwrap_or(0),
        deferred: d.deferred,
        created_at: ts(Some(d.created_at)),
        due_at: ts(Some(d.due_at)),
        sent_at: ts(d.sent_at),
        delivered_at: ts(d.delivered_at),
        template_key: d.template.0.clone(),
        template_locale: d.template.1.clone(),
        template_version: d.template.2,
        rule_version: d.rule_version,
    }
}

fn rule_to_proto(r: &Rule) -> npb::Rule {
    npb::Rule {
        key: r.key.clone(),
        version: r.version,
        enabled: r.enabled,
        trigger: r.trigger.as_str().to_owned(),
        information_only: match r.information_only {
            Some(true) => "only",
            Some(false) => "exclude",
            None => "any",
        }
        .to_owned(),
        reply_channels: r.reply_channels.clone(),
        channel: channel_to_proto(r.channel) as i32,
        template: r.template.clone(),
        require_consent: r.require_consent,
        immediate: r.timing == Timing::Immediate,
        description: r.description.clone(),
    }
}

fn rule_from_proto(r: npb::Rule) -> Result<Rule, Status> {
    let rule = Rule {
        trigger: Trigger::parse(&r.trigger).ok_or_else(|| {
            invalid(
                "rule.trigger",
                "must be case_opened, case_closed_by_expert, case_resolved, survey_due or legal_deadline_extended",
            )
        })?,
        information_only: match r.information_only.as_str() {
            "only" => Some(true),
            "exclude" => Some(false),
            "any" | "" => None,
            _ => {
                return Err(invalid(
                    "rule.information_only",
                    "must be only, exclude or any",
                ));
            }
        },
        channel: channel_from_proto(r.channel, "rule.channel")?,
        key: r.key,
        version: 0,
        enabled: r.enabled,
        reply_channels: r.reply_channels,
        template: r.template,
        require_consent: r.require_consent,
        timing: if r.immediate {
            Timing::Immediate
        } else {
            Timing::RespectQuietHours
        },
        description: r.description,
    };
    rule.validate().map_err(|(f, why)| invalid(f, why))?;
    Ok(rule)
}

fn template_to_proto(t: &Template) -> npb::Template {
    npb::Template {
        key: t.key.clone(),
        locale: t.locale.clone(),
        version: t.version,
        channel: channel_to_proto(t.channel) as i32,
        subject: t.subject.clone(),
        body: t.body.clone(),
        html: t.html.clone(),
    }
}

impl NotifyGrpc {
    /// The API over `store`.
    pub fn new(
        store: NotifyStore,
        catalogue: CatalogueCache,
        tokens: Vec<SecretString>,
        case: tonic::transport::Channel,
        cases: std::sync::Arc<dyn CaseReader>,
        opt_outs: Option<OptOuts>,
    ) -> Self {
        Self {
            store,
            catalogue,
            tokens,
            directory: pb::directory_service_client::DirectoryServiceClient::new(case.clone()),
            audit: pb::audit_service_client::AuditServiceClient::new(case),
            cases,
            opt_outs,
        }
    }

    fn has_service_token<T>(&self, req: &Request<T>) -> bool {
        has_service_token(&self.tokens, req)
    }

    /// The admin's user id, or a refusal.
    async fn require_admin<T>(&self, req: &Request<T>) -> Result<String, Status> {
        if req.metadata().get("authorization").is_none() {
            return Err(Status::unauthenticated("unauthenticated"));
        }
        let me = current_user(&self.directory, req).await;
        match me? {
            Some(u) if u.role == pb::Role::Admin as i32 => Ok(u.id),
            _ => Err(Status::permission_denied("only an admin may do this")),
        }
    }

    async fn require_reader<T>(&self, req: &Request<T>) -> Result<(), Status> {
        if self.has_service_token(req) {
            return Ok(());
        }
        self.require_admin(req).await.map(|_| ())
    }
}

#[tonic::async_trait]
impl NotificationService for NotifyGrpc {
    #[tracing::instrument(name = "notify.list_deliveries", skip_all)]
    async fn list_deliveries(
        &self,
        req: Request<npb::ListDeliveriesRequest>,
    ) -> Result<Response<npb::ListDeliveriesResponse>, Status> {
        self.require_reader(&req).await?;
        let case_id = req.into_inner().case_id;
        if uuid::Uuid::parse_str(&case_id).is_err() {
            return Err(invalid("case_id", "must be a case id"));
        }
        let list = self
            .store
            .list_by_case(&case_id)
            .await
            .map_err(|e| internal(&e))?;
        Ok(Response::new(npb::ListDeliveriesResponse {
            deliveries: list.iter().map(delivery_to_proto).collect(),
        }))
    }

    async fn list_rules(
        &self,
        req: Request<npb::ListRulesRequest>,
    ) -> Result<Response<npb::ListRulesResponse>, Status> {
        self.require_reader(&req).await?;
        let rules = self.store.current_rules().await.map_err(|e| internal(&e))?;
        Ok(Response::new(npb::ListRulesResponse {
            rules: rules.iter().map(rule_to_proto).collect(),
        }))
    }

    #[tracing::instrument(name = "notify.update_rule", skip_all)]
    async fn update_rule(
        &self,
        req: Request<npb::UpdateRuleRequest>,
    ) -> Result<Response<npb::UpdateRuleResponse>, Status> {
        let admin = self.require_admin(&req).await?;
        let meta = req.metadata().clone();
        let r = req.into_inner();
        let rule = rule_from_proto(r.rule.ok_or_else(|| invalid("rule", "is required"))?)?;
        let snap = self.catalogue.snapshot().await.map_err(|e| internal(&e))?;
        if !snap
            .templates
            .iter()
            .any(|t| t.key == rule.template && t.channel == rule.channel)
        {
            return Err(invalid(
                "rule.template",
                "must name a template of the rule's channel",
            ));
        }
        crate::template_check::check_rule_save(&rule, &snap).map_err(|r| r.into_status())?;
        let expected = (r.expected_version > 0).then_some(r.expected_version);
        let object = format!("notification_rule:{}", rule.key);
        record_admin_change(&self.audit, &meta, &object, "updated").await?;
        let now = jiff::Timestamp::now().as_microsecond();
        let version = self
            .store
            .save_rule(&rule, expected, &admin, now)
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| Status::aborted("the rule changed since it was loaded: reload it"))?;
        self.catalogue.invalidate().await;
        tracing::info!(rule = %rule.key, version, "rule updated");
        Ok(Response::new(npb::UpdateRuleResponse {
            rule: Some(rule_to_proto(&Rule { version, ..rule })),
        }))
    }

    async fn list_templates(
        &self,
        req: Request<npb::ListTemplatesRequest>,
    ) -> Result<Response<npb::ListTemplatesResponse>, Status> {
        self.require_reader(&req).await?;
        let templates = self
            .store
            .current_templates()
            .await
            .map_err(|e| internal(&e))?;
        Ok(Response::new(npb::ListTemplatesResponse {
            templates: templates.iter().map(template_to_proto).collect(),
            variables: crate::template::VARIABLES
                .iter()
                .map(|(v, _)| (*v).to_owned())
                .collect(),
        }))
    }

    #[tracing::instrument(name = "notify.update_template", skip_all)]
    async fn update_template(
        &self,
        req: Request<npb::UpdateTemplateRequest>,
    ) -> Result<Response<npb::UpdateTemplateResponse>, Status> {
        let admin = self.require_admin(&req).await?;
        let meta = req.metadata().clone();
        let r = req.into_inner();
        let t = r
            .template
            .ok_or_else(|| invalid("template", "is required"))?;
        let template = Template {
            channel: channel_from_proto(t.channel, "template.channel")?,
            key: t.key,
            locale: t.locale,
            version: 0,
            subject: t.subject,
            body: t.body,
            html: t.html,
        };
        template.validate().map_err(|(f, why)| invalid(f, why))?;
        let snap = self.catalogue.snapshot().await.map_err(|e| internal(&e))?;
        crate::template_check::check_template_save(&template, &snap)
            .map_err(|r| r.into_status())?;
        let expected = (r.expected_version > 0).then_some(r.expected_version);
        let object = format!("notification_template:{}/{}", template.key, template.locale);
        record_admin_change(&self.audit, &meta, &object, "updated").await?;
        let now = jiff::Timestamp::now().as_microsecond();
        let version = self
            .store
            .save_template(&template, expected, &admin, now)
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| {
                Status::aborted("the template changed since it was loaded: reload it")
            })?;
        self.catalogue.invalidate().await;
        tracing::info!(template = %template.key, locale = %template.locale, version, "template updated");
        Ok(Response::new(npb::UpdateTemplateResponse {
            template: Some(template_to_proto(&Template {
                version,
                ..template
            })),
        }))
    }

    #[tracing::instrument(name = "notify.opt_out_of_surveys", skip_all, fields(case_id))]
    async fn opt_out_of_surveys(
        &self,
        req: Request<npb::OptOutOfSurveysRequest>,
    ) -> Result<Response<npb::OptOutOfSurveysResponse>, Status> {
        // Only a service (the gateway, after verifying the signed survey
        // link): a person never opts a citizen out.
        if !self.has_service_token(&req) {
            return Err(Status::unauthenticated("unauthenticated"));
        }
        let case_id = req.into_inner().case_id;
        if uuid::Uuid::parse_str(&case_id).is_err() {
            return Err(invalid("case_id", "must be a case id"));
        }
        tracing::Span::current().record("case_id", case_id.as_str());
        let Some(opt_outs) = &self.opt_outs else {
            return Err(Status::failed_precondition(
                "surveys are not configured (notify.survey.contact_key)",
            ));
        };
        let case = match self.cases.get(&case_id).await {
            Ok(c) => c,
            Err(ReadError::NotFound) => return Err(Status::not_found("record not found")),
            Err(ReadError::Unavailable(_)) => {
                return Err(Status::unavailable("the case service is unavailable"));
            }
        };
        let contacts = opt_outs
            .opt_out_case(&case, OptOutSource::Link)
            .await
            .map_err(|e| internal(&e))?;
        tracing::info!(contacts, "a citizen opted out of surveys");
        Ok(Response::new(npb::OptOutOfSurveysResponse { contacts }))
    }
}

/// Whether `req` carries one of the service `tokens` as its bearer, acting
/// for nobody (service credentials never act for a person).
pub(crate) fn has_service_token<T>(tokens: &[SecretString], req: &Request<T>) -> bool {
    let Some(given) = req
        .metadata()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    if req.metadata().get("x-tekmerkez-acting-user").is_some() {
        return false;
    }
    tokens
        .iter()
        .filter(|t| !t.expose_secret().is_empty())
        .any(|t| bool::from(t.expose_secret().as_bytes().ct_eq(given.as_bytes())))
}

/// The person `req` acts for, as the case service's directory knows them
/// (asked with the caller's own credentials); `None` if its answer names
/// nobody.
///
/// # Errors
/// `Unauthenticated` when the directory does not know them; `Unavailable`
/// when it cannot be asked.
/// Records an administrative change in the case service's audit trail for
/// the caller of `meta`, before it is applied: a change the trail cannot
/// record is not made.
pub(crate) async fn record_admin_change(
    audit: &pb::audit_service_client::AuditServiceClient<tonic::transport::Channel>,
    meta: &tonic::metadata::MetadataMap,
    object: &str,
    detail: &str,
) -> Result<(), Status> {
    let ask = tekmerkez_case_client::on_behalf_of(
        meta,
        pb::RecordAdminChangeRequest {
            object: object.to_owned(),
            detail: detail.to_owned(),
        },
    );
    audit
        .clone()
        .record_admin_change(ask)
        .await
        .map(|_| ())
        .map_err(|s| {
            tracing::warn!(code = ?s.code(), "recording a change in the audit trail failed");
            Status::unavailable(
                "the change could not be recorded in the audit trail; nothing was changed",
            )
        })
}

pub(crate) async fn current_user<T>(
    directory: &pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    req: &Request<T>,
) -> Result<Option<pb::User>, Status> {
    let ask = tekmerkez_case_client::on_behalf_of(req.metadata(), pb::GetCurrentUserRequest {});
    Ok(directory
        .clone()
        .get_current_user(ask)
        .await
        .map_err(|s| match s.code() {
            tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
                Status::unauthenticated("unauthenticated")
            }
            _ => Status::unavailable("the directory is unavailable"),
        })?
        .into_inner()
        .user)
}
