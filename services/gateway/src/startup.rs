//! Building and running the gateway: alone (`tekmerkez gateway`) or as a
//! router inside `tekmerkez dev`.

use std::time::Duration;

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{backend::Backend, config::GatewaySettings, http::AppState, session::SessionStore};

/// The state the routes need: the session store (migrated when asked) and
/// the case service's client (connected lazily).
///
/// # Errors
/// Invalid settings, or migrations failing.
pub async fn prepare(settings: &GatewaySettings) -> anyhow::Result<AppState> {
    settings.validate().map_err(anyhow::Error::msg)?;
    let sessions = SessionStore::connect(
        settings.database_url.expose_secret(),
        jiff::SignedDuration::from_mins(i64::from(settings.session.idle_minutes)),
    )
    .context("gateway.database_url")?;
    if settings.migrate_on_start {
        sessions
            .migrate()
            .await
            .context("applying the gateway's migrations")?;
    }
    let backend = Backend::connect_lazy(
        &settings.case_service.url,
        &settings.case_service.token,
        Duration::from_millis(settings.case_service.timeout_ms),
    )?
    .with_routing(&settings.routing_service_url)?
    .with_notify(&settings.notify_service_url)?
    .with_reports(&settings.reports_service_url)?;
    let institution = crate::http::Institution::load(&settings.institution)?;
    let links = tekmerkez_signed_link::SignedLinks::from_settings(&settings.signed_links)
        .map_err(anyhow::Error::msg)?;
    let csp = axum::http::HeaderValue::from_str(&settings.map.csp())
        .context("gateway.map.tile_url: the pages' Content-Security-Policy")?;
    Ok(AppState {
        map: settings.map.clone(),
        csp,
        report_jobs: crate::report_jobs::ReportJobs::default(),
        stopping: CancellationToken::new(),
        links,
        institution: std::sync::Arc::new(institution),
        sessions,
        backend,
        secure_cookies: settings.session.secure_cookies,
        idle_minutes: settings.session.idle_minutes,
        dev_hint: false,
        categories: std::sync::Arc::new(settings.categories.clone()),
        tracking: crate::http::TrackingLimits::new(&settings.tracking),
        entry: crate::http::EntryState::prepare(
            &settings.entry,
            settings.database_url.expose_secret(),
        )?,
    })
}

/// Serves the gateway on `settings.http.listen` until `shutdown`, purging
/// ended sessions every few minutes.
///
/// # Errors
/// Binding or serving failing.
pub async fn run(settings: GatewaySettings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut state = prepare(&settings).await?;
    state.stopping = shutdown.child_token();
    let listener = TcpListener::bind(&settings.http.listen)
        .await
        .with_context(|| format!("binding {}", settings.http.listen))?;
    tracing::info!(addr = %listener.local_addr()?, "gateway listening");
    let sessions = state.sessions.clone();
    let limits = state.tracking.clone();
    let purge_stop = shutdown.clone();
    let purger = tokio::spawn(async move {
        loop {
            tokio::select! {
                () = purge_stop.cancelled() => break,
                () = tokio::time::sleep(Duration::from_secs(300)) => {
                    limits.shrink();
                    if let Err(e) = sessions.purge(jiff::Timestamp::now()).await {
                        tracing::warn!(error.message = %e, "purging ended sessions failed");
                    }
                }
            }
        }
    });
    let stop = shutdown.clone();
    axum::serve(
        listener,
        crate::http::router(state)
            // Outermost: the request span (continuing the caller's trace) and its latency.
            .layer(axum::middleware::from_fn(
                tekmerkez_telemetry::http::observe,
            ))
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.cancelled().await })
    .await
    .context("serving the gateway")?;
    shutdown.cancel();
    let _ = purger.await;
    Ok(())
}
