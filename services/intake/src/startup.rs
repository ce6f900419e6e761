//! Builds and runs intake: binds the HTTP listener (port 0 picks a free
//! one), prepares the idempotency store and the case-service client, and
//! serves until shutdown, finishing requests in flight.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::Bus;
use tekmerkez_case_client::Connection;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    api_error::ApiError,
    config::IntakeSettings,
    http::{self, AppState},
    idempotency::IdempotencyStore,
    publish::Publisher,
    staff::StaffState,
    web_api::{ClientLimiter, WebState},
};

/// Intake, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    settings: IntakeSettings,
    background: Background,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Binds the listener and prepares the state; `migrate` applies the
    /// idempotency store's migrations first.
    ///
    /// # Errors
    /// Invalid settings, a taken port, or an unreachable store when migrating.
    pub async fn build(
        settings: IntakeSettings,
        bus: Arc<dyn Bus>,
        migrate: bool,
    ) -> anyhow::Result<Self> {
        let state = prepare(&settings, bus, migrate).await?;
        let listener = TcpListener::bind(&settings.http.listen)
            .await
            .with_context(|| format!("binding the intake listener on {}", settings.http.listen))?;
        let addr = listener.local_addr()?;
        let background = Background::bind(&settings, &state).await?;
        Ok(Self {
            listener,
            addr,
            state,
            settings,
            background,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The partners' gRPC address, when `intake.partner.enabled`.
    pub fn partner_addr(&self) -> Option<SocketAddr> {
        self.background.partner_addr()
    }

    /// The routes, for hosting them on another listener (`tekmerkez dev`).
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone(), self.settings.http.body_limit_bytes)
    }

    /// Serves until `shutdown`.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let limit = Duration::from_millis(self.settings.http.request_timeout_ms);
        let router = self
            .router()
            .fallback(http::not_found)
            .layer(axum::middleware::from_fn_with_state(limit, deadline))
            // Outermost: the request span (continuing the caller's trace) and its latency.
            .layer(axum::middleware::from_fn(
                tekmerkez_telemetry::http::observe,
            ));
        let limiter = self.state.web.limiter.clone();
        let keys = self.state.web.keys.clone();
        let housekeeping = shutdown.child_token();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = housekeeping.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_secs(60)) => {}
                }
                limiter.shrink();
                let day_ago = jiff::Timestamp::now().as_microsecond() - 86_400 * 1_000_000;
                if let Err(e) = keys.purge(day_ago).await {
                    tracing::warn!(error.message = %e, "purging old idempotency keys failed");
                }
            }
        });
        let background_stop = shutdown.child_token();
        let background = tokio::spawn(self.background.run(background_stop.clone()));
        tracing::info!(addr = %self.addr, "intake listening");
        let served = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
        .context("serving intake HTTP");
        // The HTTP server stopped: stop the partner listener and the rest too.
        background_stop.cancel();
        match background.await {
            Ok(Err(e)) => {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "intake background task failed")
            }
            Err(e) => tracing::error!(error.message = %e, "intake background task panicked"),
            Ok(Ok(())) => {}
        }
        served
    }
}

/// The routes' state: the idempotency store (migrated when asked), the
/// case-service client and the publisher. `tekmerkez dev` mounts the routes
/// on its own listener with this.
///
/// # Errors
/// Invalid settings, or an unreachable store when migrating.
pub async fn prepare(
    settings: &IntakeSettings,
    bus: Arc<dyn Bus>,
    migrate: bool,
) -> anyhow::Result<AppState> {
    settings.validate().map_err(anyhow::Error::msg)?;
    settings.validate_channels().map_err(anyhow::Error::msg)?;
    let keys = IdempotencyStore::connect(settings.database_url.expose_secret())
        .context("configuring the idempotency store")?;
    if migrate {
        keys.migrate()
            .await
            .context("migrating the idempotency store")?;
    }
    let case_service = Connection::connect_lazy(
        &settings.case_service.url,
        &settings.case_service.token,
        Duration::from_millis(settings.case_service.timeout_ms),
    )
    .context("intake.case_service")?;
    let cases = case_service.cases();
    let publisher = Publisher::new(bus.clone(), settings.publish_timeout());
    let social = crate::social::SocialState::new(
        &settings.social,
        settings.database_url.expose_secret(),
        bus.clone(),
        settings.publish_timeout(),
    )
    .context("configuring the social-media store")?;
    let cti = crate::cti::CtiState::new(settings, publisher.clone(), &case_service, bus)
        .context("configuring the CTI store")?;
    let problems =
        crate::email::problems::ProblemStore::connect(settings.database_url.expose_secret())
            .context("configuring the e-mail problem store")?;
    // The gateway reads the list with the staff token: only while it is on.
    let email_problems = crate::email::problems::ProblemsState::new(
        settings.staff.enabled.then(|| settings.staff.token.clone()),
        problems.clone(),
    );
    let categories = Arc::new(settings.categories.clone());
    let staff = StaffState::new(
        settings.staff.clone(),
        publisher.clone(),
        keys.clone(),
        categories.clone(),
        settings.smtputf8,
    );
    let web = WebState {
        publisher: publisher.clone(),
        keys,
        categories,
        cases: cases.clone(),
        incidents: case_service.incidents(),
        audit: tekmerkez_proto::case_v1::audit_service_client::AuditServiceClient::new(
            case_service.channel(),
        ),
        limiter: ClientLimiter::new(
            settings.rate_limit.per_minute,
            settings.rate_limit.burst,
            tekmerkez_client_addr::ClientAddr::new(settings.rate_limit.trusted_proxy_hops),
        ),
        kvkk_text_version: Arc::from(settings.kvkk_text_version.as_str()),
        institution: Arc::new(settings.institution.clone()),
        smtputf8: settings.smtputf8,
        reports: reports_client(settings)?,
    };
    let open311 = crate::open311::Open311State::new(settings, publisher.clone(), cases.clone())
        .context("configuring the Open311 store")?;
    Ok(AppState {
        web,
        open311,
        social,
        cti,
        staff,
        email_problems,
        problems,
        publisher,
        cases,
    })
}

/// What runs beside the HTTP routes: the partners' gRPC listener (when
/// `intake.partner.enabled`), the CTI caller index (when `intake.cti.enabled`),
/// the social conversation store's purge (when a social channel is on) and
/// the mailbox reader (when `intake.email.enabled`).
/// `tekmerkez intake` and `tekmerkez dev` both run it.
pub struct Background {
    partner: Option<crate::partner::PartnerServer>,
    social: crate::social::SocialState,
    cti: crate::cti::CtiState,
    email: Option<crate::email::EmailChannel>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("partner", &self.partner_addr())
            .finish_non_exhaustive()
    }
}

impl Background {
    /// Binds the partner listener if enabled.
    ///
    /// # Errors
    /// A taken port or an unusable database URL.
    pub async fn bind(settings: &IntakeSettings, state: &AppState) -> anyhow::Result<Self> {
        let partner = crate::partner::PartnerServer::bind(
            settings,
            state.publisher.clone(),
            state.cases.clone(),
        )
        .await?;
        Ok(Self {
            partner,
            social: state.social.clone(),
            cti: state.cti.clone(),
            email: settings.email.enabled.then(|| {
                crate::email::EmailChannel::new(
                    settings.email.clone(),
                    state.publisher.clone(),
                    state.problems.clone(),
                )
            }),
        })
    }

    /// The partner listener's address, when it runs.
    pub fn partner_addr(&self) -> Option<SocketAddr> {
        self.partner
            .as_ref()
            .map(crate::partner::PartnerServer::addr)
    }

    /// Runs until `shutdown`.
    ///
    /// # Errors
    /// When the partner server fails.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let social = self
            .social
            .any_enabled()
            .then(|| tokio::spawn(self.social.clone().housekeeping(shutdown.child_token())));
        let cti = tokio::spawn(self.cti.run_background(shutdown.child_token()));
        let email = self.email.map(|channel| {
            tracing::info!("e-mail channel enabled");
            tokio::spawn(channel.run(shutdown.child_token()))
        });
        let partner = match self.partner {
            Some(p) => p.run(shutdown.child_token()).await,
            None => {
                shutdown.cancelled().await;
                Ok(())
            }
        };
        if let Some(s) = social {
            let _ = s.await;
        }
        let _ = cti.await;
        if let Some(email) = email {
            // It finishes the message in hand (a bounded publish) and logs out.
            let _ = email.await;
        }
        partner
    }
}

/// A request deadline answered with 503, so a stuck dependency never holds a client forever.
async fn deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => axum::response::IntoResponse::into_response(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "request timed out; retry",
        )),
    }
}

/// The reports service's client, connected lazily; `None` when
/// `intake.reports_service_url` is empty.
fn reports_client(
    settings: &IntakeSettings,
) -> anyhow::Result<
    Option<
        tekmerkez_proto::reports_v1::report_service_client::ReportServiceClient<
            tonic::transport::Channel,
        >,
    >,
> {
    let url = settings.reports_service_url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .context("intake.reports_service_url")?
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_millis(
            settings.case_service.timeout_ms.max(5_000),
        ))
        .tcp_nodelay(true)
        .connect_lazy();
    Ok(Some(
        tekmerkez_proto::reports_v1::report_service_client::ReportServiceClient::new(channel),
    ))
}
