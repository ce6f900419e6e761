//! Partners over gRPC: `tekmerkez.intake.v1.IntakeService` on a listener of
//! its own (`intake.partner.grpc_listen`), so a public body such as CİMER
//! hands applications over and reads their outcome.
//!
//! - Authentication: each partner has its own bearer token; intake keeps only
//!   its SHA-256 (`intake.partner.partners[].token_sha256`) and compares the
//!   presented token's hash with every partner's in constant time. A missing
//!   or unknown token is `UNAUTHENTICATED`.
//! - Quotas: a token bucket per partner (`per_minute`, `burst`); over it,
//!   `RESOURCE_EXHAUSTED` with `RetryInfo` and a `QuotaFailure`.
//! - `SubmitApplication`: validated whole (`INVALID_ARGUMENT` with one
//!   `BadRequest` field violation per bad field), idempotent on the partner's
//!   reference ([`store::PartnerStore`]), answered only after the bus
//!   acknowledged the application (channel `PARTNER`).
//! - `GetApplicationStatus`: only the partner's own applications; the status
//!   and official answer come from the case service (`GetCase` with intake's
//!   service token, which the case service allows for partner cases only).
//! - gRPC health (`SERVING` while intake's database answers) and reflection.

pub mod convert;
pub mod settings;
pub mod store;

use std::{collections::HashMap, net::SocketAddr, num::NonZeroU32, sync::Arc, time::Duration};

use anyhow::Context as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter, clock::Clock as _};
use prost::Message as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use tekmerkez_proto::{
    case_v1 as case,
    intake_v1::{
        self as pb,
        intake_service_server::{IntakeService, IntakeServiceServer},
    },
};
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::{catalogue::Category, fields::Violations};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt as _};
use uuid::Uuid;

use tekmerkez_case_client::CaseClient;

use crate::{application::PartnerOrigin, counters, publish::Publisher};
use settings::{PartnerSettings, PartnerSource};
use store::{PartnerStore, Submission};

/// The authenticated partner of one call, put in the request's extensions
/// by [`PartnerAuth`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerId(pub String);

struct Partner {
    id: String,
    token_sha256: [u8; 32],
    /// One bucket per partner: partners never share or starve each other's quota.
    limiter: DefaultDirectRateLimiter,
}

/// The interceptor: bearer token → partner, then its quota.
#[derive(Clone)]
pub struct PartnerAuth(Arc<Vec<Partner>>);

impl std::fmt::Debug for PartnerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerAuth")
            .field("partners", &self.0.len())
            .finish()
    }
}

impl PartnerAuth {
    /// From the configured credentials (validated: 64 hex digits each).
    pub fn new(settings: &PartnerSettings) -> Self {
        let partners = settings
            .partners
            .iter()
            .map(|p| {
                let mut hash = [0u8; 32];
                if let Ok(bytes) = hex::decode(&p.token_sha256)
                    && bytes.len() == 32
                {
                    hash.copy_from_slice(&bytes);
                }
                let per_minute = NonZeroU32::new(p.per_minute).unwrap_or(NonZeroU32::MIN);
                let burst = NonZeroU32::new(p.burst).unwrap_or(NonZeroU32::MIN);
                Partner {
                    id: p.id.clone(),
                    token_sha256: hash,
                    limiter: RateLimiter::direct(Quota::per_minute(per_minute).allow_burst(burst)),
                }
            })
            .collect();
        Self(Arc::new(partners))
    }
}

impl tonic::service::Interceptor for PartnerAuth {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let unauthenticated = || Status::unauthenticated("unauthenticated");
        let token = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                counters::count_rejected_because("partner", "unauthenticated");
                unauthenticated()
            })?;
        let digest = Sha256::digest(token.as_bytes());
        // Every partner's hash is compared, so the time taken says nothing
        // about which (if any) matched.
        let mut found = None;
        for (i, p) in self.0.iter().enumerate() {
            if bool::from(p.token_sha256.ct_eq(digest.as_slice())) {
                found = Some(i);
            }
        }
        let partner = found.and_then(|i| self.0.get(i)).ok_or_else(|| {
            counters::count_rejected_because("partner", "unauthenticated");
            unauthenticated()
        })?;
        if let Err(not_until) = partner.limiter.check() {
            counters::count_rejected_because("partner", "rate_limited");
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            tracing::warn!(partner = %partner.id, "partner quota exceeded");
            let mut details = ErrorDetails::with_retry_info(Some(wait.max(Duration::from_secs(1))));
            details.add_quota_failure_violation(
                format!("partner:{}", partner.id),
                "calls per minute above the partner's quota",
            );
            return Err(Status::with_error_details(
                Code::ResourceExhausted,
                "quota exceeded; retry later",
                details,
            ));
        }
        req.extensions_mut().insert(PartnerId(partner.id.clone()));
        Ok(req)
    }
}

/// A refused submission's reason, as the metrics name it.
fn refusal_reason(code: Code) -> &'static str {
    match code {
        Code::InvalidArgument => "invalid",
        Code::AlreadyExists => "idempotency_conflict",
        Code::Unauthenticated => "unauthenticated",
        Code::ResourceExhausted => "rate_limited",
        Code::Unavailable => "unavailable",
        _ => "other",
    }
}

/// `INVALID_ARGUMENT` with one `BadRequest` field violation per field; an
/// SMS reply to a number that is not a mobile also gets a Turkish
/// `LocalizedMessage` naming the field, for the partner's agent to read out.
fn invalid(v: &Violations) -> Status {
    let mut details = ErrorDetails::new();
    for f in v.iter() {
        details.add_bad_request_violation(f.field.clone(), f.rule);
    }
    if v.iter()
        .any(|f| f.rule == tekmerkez_types::contact::SMS_NEEDS_MOBILE)
    {
        details.set_localized_message(
            "tr-TR",
            "Telefon (contact.phone): SMS ile yanıt için cep telefonu numarası (05xx) gerekir; sabit hatta SMS gönderilemez.",
        );
    }
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: {v}"),
        details,
    )
}

fn unavailable(what: &'static str) -> Status {
    Status::unavailable(format!("{what} is temporarily unavailable; retry"))
}

/// The service implementation.
#[derive(Clone)]
pub struct IntakeGrpc {
    publisher: Publisher,
    store: PartnerStore,
    categories: Arc<Vec<Category>>,
    cases: CaseClient,
    /// Whether the mail relay takes non-ASCII addresses (`notify.email.smtputf8`).
    smtputf8: bool,
    /// Each partner's configured source (CİMER, Açık Kapı, another body).
    sources: Arc<HashMap<String, PartnerSource>>,
}

impl std::fmt::Debug for IntakeGrpc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeGrpc").finish_non_exhaustive()
    }
}

fn partner_of<T>(req: &Request<T>) -> Result<String, Status> {
    req.extensions()
        .get::<PartnerId>()
        .map(|p| p.0.clone())
        .ok_or_else(|| Status::unauthenticated("unauthenticated"))
}

fn ts_micros(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: i32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    }
}

fn status_of(s: i32) -> pb::ApplicationStatus {
    match case::CaseStatus::try_from(s) {
        Ok(case::CaseStatus::InPool) => pb::ApplicationStatus::InPool,
        Ok(case::CaseStatus::Held) => pb::ApplicationStatus::InProgress,
        Ok(case::CaseStatus::AwaitingCallback) => pb::ApplicationStatus::AwaitingCallback,
        Ok(case::CaseStatus::Resolved) => pb::ApplicationStatus::Resolved,
        _ => pb::ApplicationStatus::Received,
    }
}

#[tonic::async_trait]
impl IntakeService for IntakeGrpc {
    #[tracing::instrument(
        name = "intake.partner.submit",
        skip_all,
        fields(partner, application_id)
    )]
    async fn submit_application(
        &self,
        req: Request<pb::SubmitApplicationRequest>,
    ) -> Result<Response<pb::SubmitApplicationResponse>, Status> {
        let outcome: Result<Response<pb::SubmitApplicationResponse>, Status> = async {
            let partner = partner_of(&req)?;
            tracing::Span::current().record("partner", partner.as_str());
            let r = req.into_inner();
            let internal = || Status::internal("internal error");
            let now = jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond())
                .map_err(|_| internal())?;
            let received_at = convert::received_at(&r, now).map_err(|v| invalid(&v))?;
            convert::validate(&r, &self.categories, now, self.smtputf8)
                .map_err(|v| invalid(&v))?;
            let fresh = Submission {
                fingerprint: hex::encode(Sha256::digest(r.encode_to_vec())),
                application_id: Uuid::now_v7(),
                tracking_number: TrackingNumber::generate().as_str().to_owned(),
                received_at_micros: received_at.as_microsecond(),
            };
            let got = self
                .store
                .remember(&partner, &r.partner_reference, &fresh)
                .await
                .map_err(|e| {
                    tracing::error!(error.message = %e, "partner store failed");
                    unavailable("the partner store")
                })?;
            if got.fingerprint != fresh.fingerprint {
                let mut details = ErrorDetails::new();
                details.add_bad_request_violation(
                    "partner_reference",
                    "was already used for a different application",
                );
                return Err(Status::with_error_details(
                    Code::AlreadyExists,
                    "partner_reference was already used for a different application",
                    details,
                ));
            }
            tracing::Span::current().record("application_id", got.application_id.to_string());
            let tn = TrackingNumber::parse(&got.tracking_number).map_err(|_| internal())?;
            let at =
                jiff::Timestamp::from_microsecond(got.received_at_micros).map_err(|_| internal())?;
            // A repeat publishes again exactly what the first call made, so the
            // retry of a call whose answer was lost still ends in one case.
            let mut app = convert::build(
                &r,
                &self.categories,
                got.application_id,
                &tn,
                at,
                self.smtputf8,
            )
            .map_err(|v| invalid(&v))?;
            app.partner = Some(PartnerOrigin {
                source: self
                    .sources
                    .get(&partner)
                    .copied()
                    .unwrap_or_default()
                    .to_proto(),
                id: partner.clone(),
                reference: r.partner_reference.trim().to_owned(),
            });
            let message = pb::ApplicationReceived::from(app);
            self.publisher.publish(&message).await.map_err(|e| {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing a partner application failed; not acknowledged");
                unavailable("recording the application")
            })?;
            let created = got.application_id == fresh.application_id;
            tracing::info!(created, "partner application accepted");
            Ok(Response::new(pb::SubmitApplicationResponse {
                tracking_number: tn.to_string(),
                created,
            }))
        }
        .await;
        if let Err(s) = &outcome {
            counters::count_rejected_because("partner", refusal_reason(s.code()));
        }
        outcome
    }

    #[tracing::instrument(name = "intake.partner.status", skip_all, fields(partner))]
    async fn get_application_status(
        &self,
        req: Request<pb::GetApplicationStatusRequest>,
    ) -> Result<Response<pb::GetApplicationStatusResponse>, Status> {
        let partner = partner_of(&req)?;
        tracing::Span::current().record("partner", partner.as_str());
        let store_failed = |e: sqlx::Error| {
            tracing::error!(error.message = %e, "partner store failed");
            unavailable("the partner store")
        };
        let mut v = Violations::new();
        let found = match req.into_inner().application {
            Some(pb::get_application_status_request::Application::PartnerReference(r)) => {
                let Some(r) = convert::check_reference(&mut v, "partner_reference", &r) else {
                    return Err(invalid(&v));
                };
                self.store
                    .by_reference(&partner, &r)
                    .await
                    .map_err(store_failed)?
            }
            Some(pb::get_application_status_request::Application::TrackingNumber(t)) => {
                // A mistyped number is answered like one that is not theirs.
                match TrackingNumber::parse(&t) {
                    Ok(tn) => self
                        .store
                        .by_tracking_number(&partner, tn.as_str())
                        .await
                        .map_err(store_failed)?,
                    Err(_) => None,
                }
            }
            None => {
                v.add(
                    "application",
                    "must name a partner_reference or a tracking_number",
                );
                return Err(invalid(&v));
            }
        };
        let Some((sub, reference)) = found else {
            return Err(Status::not_found(
                "no application of this partner has that reference or tracking number",
            ));
        };
        let shown = TrackingNumber::parse(&sub.tracking_number)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| sub.tracking_number.clone());
        let mut out = pb::GetApplicationStatusResponse {
            tracking_number: shown,
            partner_reference: reference,
            status: pb::ApplicationStatus::Received as i32,
            official_answer: String::new(),
            received_at: Some(ts_micros(sub.received_at_micros)),
            opened_at: None,
            closed_at: None,
            resolved_at: None,
            // Unspecified until the case exists.
            application_type: 0,
            legal_due_date: String::new(),
        };
        let call = Request::new(case::GetCaseRequest {
            case_id: String::new(),
            tracking_number: sub.tracking_number.clone(),
        });
        match self.cases.clone().get_case(call).await {
            Ok(r) => {
                if let Some(c) = r.into_inner().case {
                    out.status = status_of(c.status) as i32;
                    out.application_type = c.application_type;
                    if !c.partner_reference.is_empty() {
                        out.partner_reference = c.partner_reference;
                    }
                    out.official_answer = c.official_answer;
                    out.opened_at = c.created_at;
                    out.closed_at = c.closed_at;
                    out.resolved_at = c.resolved_at;
                    out.legal_due_date = c.legal_due_date;
                }
            }
            // Not a case yet: routing has not opened it (it is on the bus).
            Err(s) if s.code() == Code::NotFound => {}
            Err(s) => {
                tracing::warn!(code = ?s.code(), "case service status read failed");
                return Err(unavailable("the case service"));
            }
        }
        Ok(Response::new(out))
    }
}

/// The partner listener, bound and ready to serve.
pub struct PartnerServer {
    listener: TcpListener,
    addr: SocketAddr,
    grpc: IntakeGrpc,
    auth: PartnerAuth,
    settings: PartnerSettings,
}

impl std::fmt::Debug for PartnerServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl PartnerServer {
    /// Binds the listener when `intake.partner.enabled`; `None` otherwise.
    ///
    /// # Errors
    /// A taken port or an unusable database URL.
    pub async fn bind(
        settings: &crate::IntakeSettings,
        publisher: Publisher,
        cases: CaseClient,
    ) -> anyhow::Result<Option<Self>> {
        let p = &settings.partner;
        if !p.enabled {
            return Ok(None);
        }
        use secrecy::ExposeSecret as _;
        let store = PartnerStore::connect(settings.database_url.expose_secret())
            .context("configuring the partner store")?;
        let listener = TcpListener::bind(&p.grpc_listen)
            .await
            .with_context(|| format!("binding the partner listener on {}", p.grpc_listen))?;
        let addr = listener.local_addr()?;
        Ok(Some(Self {
            listener,
            addr,
            grpc: IntakeGrpc {
                publisher,
                store,
                categories: Arc::new(settings.categories.clone()),
                cases,
                smtputf8: settings.smtputf8,
                sources: Arc::new(
                    p.partners
                        .iter()
                        .map(|c| (c.id.clone(), c.source))
                        .collect(),
                ),
            },
            auth: PartnerAuth::new(p),
            settings: p.clone(),
        }))
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown`, then finishes calls in flight.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let (health, health_service) = tonic_health::server::health_reporter();
        let reflection = if self.settings.reflection {
            Some(
                tonic_reflection::server::Builder::configure()
                    .register_encoded_file_descriptor_set(tekmerkez_proto::FILE_DESCRIPTOR_SET)
                    .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
                    .build_v1()
                    .context("building the reflection service")?,
            )
        } else {
            None
        };
        let store = self.grpc.store.clone();
        let watch = tokio::spawn(watch_health(store, health.clone(), shutdown.child_token()));
        let service = IntakeServiceServer::with_interceptor(self.grpc, self.auth);
        tracing::info!(addr = %self.addr, "partner API listening");
        let server_shutdown = shutdown.clone();
        let result = tonic::transport::Server::builder()
            .timeout(self.settings.request_timeout())
            // A span per call continuing the caller's trace, and its latency.
            .layer(tekmerkez_telemetry::grpc::ServerLayer)
            .add_service(health_service)
            .add_optional_service(reflection)
            .add_service(service)
            // Without TCP_NODELAY each small reply waits for a delayed ACK.
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(self.listener).with_nodelay(Some(true)),
                async move { server_shutdown.cancelled().await },
            )
            .await
            .context("serving the partner API");
        shutdown.cancel();
        let _ = watch.await;
        result
    }
}

/// Reports SERVING only while intake's database answers.
async fn watch_health(
    store: PartnerStore,
    health: tonic_health::server::HealthReporter,
    shutdown: CancellationToken,
) {
    let mut serving = None;
    loop {
        let ok = store.ping().await.is_ok();
        if serving != Some(ok) {
            let status = if ok {
                tonic_health::ServingStatus::Serving
            } else {
                tracing::warn!("intake's database unreachable; partner API NOT_SERVING");
                tonic_health::ServingStatus::NotServing
            };
            health
                .set_service_status("tekmerkez.intake.v1.IntakeService", status)
                .await;
            health.set_service_status("", status).await;
            serving = Some(ok);
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(Duration::from_secs(if ok { 5 } else { 1 })) => {}
        }
    }
    health
        .set_service_status("", tonic_health::ServingStatus::NotServing)
        .await;
}
