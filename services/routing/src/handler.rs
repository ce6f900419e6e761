//! The consumer of `intake.applications.v1`: decode, decide, open the case
//! with the application id as idempotency key. The bus position is committed
//! by the consumer loop only after this returns, that is after the case
//! exists; a redelivery opens nothing new.
//!
//! A follow-up (`follow_up_of` names a tracking number) joins that case as
//! the citizen's message (`AddCitizenMessage`, idempotent on the same
//! application id) instead; when no case has that number, or it is not a
//! valid one, the message opens a new case like any application, so nothing
//! a citizen sent is dropped (docs/adr/0004).

use prost::Message as _;
use tekmerkez_bus::{
    Envelope,
    consumer::{HandleError, Handler},
};
use tekmerkez_case_client::CaseClient;
use tekmerkez_proto::{case_v1 as pb, intake_v1 as intake};
use tonic::Code;

use crate::router::{RouteError, Router};

/// Routes applications into cases.
#[derive(Debug, Clone)]
pub struct RoutingHandler {
    router: Router,
    /// Calls carry routing's token and the case-service deadline.
    cases: CaseClient,
}

impl RoutingHandler {
    /// A handler deciding with `router` and opening cases through `cases`.
    pub fn new(router: Router, cases: CaseClient) -> Self {
        Self { router, cases }
    }
}

fn permanent(kind: &'static str, e: impl Into<anyhow::Error>) -> HandleError {
    HandleError::Permanent {
        kind,
        source: e.into(),
    }
}

#[async_trait::async_trait]
impl Handler for RoutingHandler {
    #[tracing::instrument(
        name = "routing.handle",
        skip_all,
        fields(application_id, pool_id, follow_up)
    )]
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let app = intake::ApplicationReceived::decode(envelope.payload.clone())
            .map_err(|e| permanent("decode", e))?;
        tracing::Span::current().record("application_id", app.application_id.as_str());
        if !app.follow_up_of.is_empty() {
            let joined = self.add_follow_up(&app).await?;
            tracing::Span::current()
                .record("follow_up", if joined { "joined" } else { "new_case" });
            if joined {
                return Ok(());
            }
        }
        let location = app
            .location
            .clone()
            .ok_or_else(|| permanent("invalid", anyhow::anyhow!("no location")))?;
        let decision = self
            .router
            .decide(
                &app.category,
                app.category_is_default,
                &app.text,
                app.channel,
                location.province_code,
                &location.district,
            )
            .await
            .map_err(|e| match e {
                RouteError::NoTriagePool(_) => permanent("no_pool", e),
                RouteError::Rules(_) | RouteError::Directory(_) => {
                    HandleError::Unavailable(e.into())
                }
            })?;
        tracing::Span::current().record("pool_id", decision.pool_id.as_str());
        let req = tonic::Request::new(pb::CreateCaseRequest {
            application_id: app.application_id,
            tracking_number: app.tracking_number,
            channel: app.channel,
            category: decision.category,
            text: app.text,
            urgency: decision.urgency as i32,
            location: Some(location),
            pool_id: decision.pool_id,
            contact: app.contact,
            reply_channel: app.reply_channel,
            consent: app.consent,
            information_only: app.information_only,
            information_answer: app.information_answer,
            received_at: app.received_at,
            attachments: app
                .attachments
                .into_iter()
                .map(|a| pb::NewAttachment {
                    file_name: a.file_name,
                    content_type: a.content_type,
                    content: a.content,
                })
                .collect(),
            recorded_by: app.recorded_by,
            source_reference: app.source_reference,
            application_type: chosen_type(app.application_type, decision.application_type),
            source: app.source,
            partner_id: app.partner_id,
            partner_reference: app.partner_reference,
        });
        match self.cases.clone().create_case(req).await {
            Ok(_) => Ok(()),
            Err(s) => Err(case_service_error(&s)),
        }
    }
}

impl RoutingHandler {
    /// Adds a follow-up to the case it names: `true` when it joined that
    /// case (now or on an earlier delivery), `false` when no case has that
    /// tracking number (or it is not a valid one) and the message should
    /// open a new case instead.
    async fn add_follow_up(&self, app: &intake::ApplicationReceived) -> Result<bool, HandleError> {
        let req = tonic::Request::new(pb::AddCitizenMessageRequest {
            application_id: app.application_id.clone(),
            tracking_number: app.follow_up_of.clone(),
            channel: app.channel,
            text: app.text.clone(),
            sender: app.contact.clone(),
            received_at: app.received_at,
            attachments: app
                .attachments
                .iter()
                .map(|a| pb::NewAttachment {
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    content: a.content.clone(),
                })
                .collect(),
        });
        match self.cases.clone().add_citizen_message(req).await {
            Ok(_) => Ok(true),
            // No such case, or a number that is not one: the message stands
            // as an application of its own. (Were the message itself
            // invalid, CreateCase refuses it too and it is dead-lettered.)
            Err(s) if matches!(s.code(), Code::NotFound | Code::InvalidArgument) => Ok(false),
            Err(s) => Err(case_service_error(&s)),
        }
    }
}

/// How a case-service refusal is handled: bad input is permanent (dead
/// letter), an outage waits for the service, anything else is retried.
fn case_service_error(s: &tonic::Status) -> HandleError {
    match s.code() {
        Code::InvalidArgument => permanent(
            "invalid",
            anyhow::anyhow!("case service refused the application: {}", s.message()),
        ),
        Code::AlreadyExists => permanent(
            "conflict",
            anyhow::anyhow!("application id reused for other content"),
        ),
        Code::PermissionDenied | Code::Unauthenticated => HandleError::Unavailable(
            anyhow::anyhow!("routing's credential was refused: {:?}", s.code()),
        ),
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::Aborted
        | Code::ResourceExhausted
        | Code::Cancelled
        // A case service not yet upgraded during a rolling deploy.
        | Code::Unimplemented
        | Code::Unknown => {
            HandleError::Unavailable(anyhow::anyhow!("case service: {:?}", s.code()))
        }
        _ => HandleError::Transient {
            kind: "case_service",
            source: anyhow::anyhow!("case service: {:?}", s.code()),
        },
    }
}

/// The application type a case opens with: the one the citizen (or the
/// partner) chose on the channel, since it may carry a statutory deadline
/// (a 4982 request); else the matching rule's; else unspecified, which the
/// case service makes talep.
fn chosen_type(channel: i32, rule: Option<i32>) -> i32 {
    if channel != 0 {
        channel
    } else {
        rule.unwrap_or(0)
    }
}

#[cfg(test)]
mod type_tests {
    use tekmerkez_proto::common_v1::ApplicationType as T;

    use super::chosen_type;

    #[test]
    fn the_channels_choice_wins_and_a_rule_fills_in_when_none_was_made() {
        let (bilgi, talep) = (T::BilgiEdinme as i32, T::Talep as i32);
        assert_eq!(
            chosen_type(bilgi, Some(talep)),
            bilgi,
            "a 4982 request stays one"
        );
        assert_eq!(chosen_type(0, Some(talep)), talep);
        assert_eq!(chosen_type(0, None), 0);
        assert_eq!(chosen_type(bilgi, None), bilgi);
    }
}
