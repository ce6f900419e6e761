//! The consumer of `intake.applications.v1`: decode, decide, open the case
//! with the application id as idempotency key. The bus position is committed
//! by the consumer loop only after this returns, that is after the case
//! exists; a redelivery opens nothing new.

use std::time::Duration;

use prost::Message as _;
use tekmerkez_bus::{
    Envelope,
    consumer::{HandleError, Handler},
};
use tekmerkez_proto::{case_v1 as pb, intake_v1 as intake};
use tonic::Code;

use crate::router::{RouteError, Router};

/// The case service, as routing calls it.
pub type CaseClient = pb::case_service_client::CaseServiceClient<
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, crate::BearerToken>,
>;

/// Routes applications into cases.
#[derive(Debug, Clone)]
pub struct RoutingHandler {
    router: Router,
    cases: CaseClient,
    timeout: Duration,
}

impl RoutingHandler {
    /// A handler deciding with `router` and opening cases through `cases`.
    pub fn new(router: Router, cases: CaseClient, timeout: Duration) -> Self {
        Self {
            router,
            cases,
            timeout,
        }
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
    #[tracing::instrument(name = "routing.handle", skip_all, fields(application_id, pool_id))]
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let app = intake::ApplicationReceived::decode(envelope.payload.clone())
            .map_err(|e| permanent("decode", e))?;
        tracing::Span::current().record("application_id", app.application_id.as_str());
        let location = app
            .location
            .clone()
            .ok_or_else(|| permanent("invalid", anyhow::anyhow!("no location")))?;
        let decision = self
            .router
            .decide(
                &app.category,
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
        let mut req = tonic::Request::new(pb::CreateCaseRequest {
            application_id: app.application_id,
            tracking_number: app.tracking_number,
            channel: app.channel,
            category: app.category,
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
        });
        req.set_timeout(self.timeout);
        match self.cases.clone().create_case(req).await {
            Ok(_) => Ok(()),
            Err(s) => Err(match s.code() {
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
                | Code::Unknown => {
                    HandleError::Unavailable(anyhow::anyhow!("case service: {:?}", s.code()))
                }
                _ => HandleError::Transient {
                    kind: "case_service",
                    source: anyhow::anyhow!("case service: {:?}", s.code()),
                },
            }),
        }
    }
}
