//! The production commands: one service per process, on PostgreSQL and Kafka.

use std::sync::Arc;

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::{Bus, KafkaBus, dlq_topic};
use tekmerkez_case::{Application, clock::SystemClock, startup::open_store};
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

/// Runs `service` with the metrics listener (`telemetry.metrics_listen`)
/// beside it; the listener stays up until the service has stopped, so a
/// scrape during the drain still answers.
///
/// # Errors
/// When the metrics address cannot be bound, or the service's error.
async fn with_metrics(
    settings: &Settings,
    scrape: tekmerkez_telemetry::metrics::Scrape,
    service: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    let listener = tekmerkez_telemetry::metrics::spawn(
        settings.telemetry.metrics_listen.as_deref(),
        scrape,
        stop.clone(),
    )
    .await
    .context("binding the metrics listener (telemetry.metrics_listen)")?;
    let result = service.await;
    stop.cancel();
    if let Some(l) = listener {
        let _ = l.await;
    }
    result
}

/// Every topic the services use, with their dead-letter topics.
pub const TOPICS: &[&str] = &["intake.applications.v1", "case.events.v1"];

/// Connects to Kafka and creates the topics that are missing.
///
/// # Errors
/// When the brokers cannot be reached.
pub async fn kafka(settings: &Settings) -> anyhow::Result<Arc<dyn Bus>> {
    let bus = KafkaBus::new(settings.kafka.clone()).context("configuring the Kafka client")?;
    let mut topics: Vec<String> = TOPICS.iter().map(|t| (*t).to_owned()).collect();
    topics.extend(TOPICS.iter().map(|t| dlq_topic(t)));
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    bus.ensure_topics(&names)
        .await
        .context("creating the Kafka topics")?;
    Ok(Arc::new(bus))
}

/// Applies every service's migrations and exits.
///
/// # Errors
/// When a database cannot be reached or a migration fails.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    settings.case.validate()?;
    open_store(&settings.case)?
        .migrate()
        .await
        .context("applying the case service's migrations")?;
    tekmerkez_intake::idempotency::IdempotencyStore::connect(
        settings.intake.database_url.expose_secret(),
    )?
    .migrate()
    .await
    .context("applying intake's migrations")?;
    tekmerkez_routing::store::RulesStore::connect(settings.routing.database_url.expose_secret())?
        .migrate()
        .await
        .context("applying routing's migrations")?;
    tekmerkez_gateway::session::SessionStore::connect(
        settings.gateway.database_url.expose_secret(),
        jiff::SignedDuration::from_mins(1),
    )?
    .migrate()
    .await
    .context("applying the gateway's migrations")?;
    tekmerkez_notify::startup::open_store(&settings.notify)?
        .migrate()
        .await
        .context("applying notify's migrations")?;
    tracing::info!("migrations applied");
    Ok(())
}

/// Runs the case service alone until `shutdown`, relaying its outbox to Kafka.
///
/// # Errors
/// Invalid settings, Kafka unreachable, or the server failing.
pub async fn case(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    settings.case.validate()?;
    let bus = kafka(&settings).await?;
    let app = Application::build(settings.case.clone(), Some(bus), Arc::new(SystemClock)).await?;
    if !settings.bootstrap.admin_password.expose_secret().is_empty() {
        let created = tekmerkez_case::demo::ensure_admin(
            app.app(),
            &settings.bootstrap.admin_username,
            settings.bootstrap.admin_password.clone(),
        )
        .await
        .context("creating the bootstrap admin")?;
        if created {
            tracing::info!("bootstrap admin created");
        }
    }
    let scrape = tekmerkez_telemetry::metrics::Scrape::new(vec![app.metrics_collector()]);
    with_metrics(&settings, scrape, app.run_until_stopped(shutdown)).await
}

/// Runs intake alone until `shutdown`.
///
/// # Errors
/// Invalid settings, Kafka unreachable, or the server failing.
pub async fn intake(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let bus = kafka(&settings).await?;
    let app = tekmerkez_intake::Application::build(settings.intake.clone(), bus, false).await?;
    with_metrics(
        &settings,
        Default::default(),
        app.run_until_stopped(shutdown),
    )
    .await
}

/// Runs routing alone until `shutdown`.
///
/// # Errors
/// Invalid settings, Kafka unreachable, or the server failing.
pub async fn routing(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let bus = kafka(&settings).await?;
    let app = tekmerkez_routing::Application::build(settings.routing.clone(), bus).await?;
    with_metrics(
        &settings,
        Default::default(),
        app.run_until_stopped(shutdown),
    )
    .await
}

/// Runs the gateway alone until `shutdown`.
///
/// # Errors
/// Invalid settings, or the server failing.
pub async fn gateway(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let gateway = settings.gateway.clone();
    with_metrics(
        &settings,
        Default::default(),
        tekmerkez_gateway::startup::run(gateway, shutdown),
    )
    .await
}

/// Runs the notification service alone until `shutdown`.
///
/// # Errors
/// Invalid settings, Kafka unreachable, or the server failing.
pub async fn notify(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let bus = kafka(&settings).await?;
    let app = tekmerkez_notify::Application::build(settings.notify.clone(), bus).await?;
    with_metrics(
        &settings,
        Default::default(),
        app.run_until_stopped(shutdown),
    )
    .await
}
