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
pub const TOPICS: &[&str] = &[
    "intake.applications.v1",
    "case.events.v1",
    "intake.calls.v1",
    "reports.mail.v1",
];

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
    tekmerkez_reports::store::ReportStore::connect(
        settings.reports.database_url.expose_secret(),
        1,
    )?
    .migrate()
    .await
    .context("applying the reports' migrations")?;
    tracing::info!("migrations applied");
    Ok(())
}

/// A command whose settings `check-config` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Checked {
    /// `tekmerkez case`.
    Case,
    /// `tekmerkez intake`.
    Intake,
    /// `tekmerkez routing`.
    Routing,
    /// `tekmerkez gateway`.
    Gateway,
    /// `tekmerkez notify`.
    Notify,
    /// `tekmerkez reports` (and `reports rebuild`).
    Reports,
    /// `tekmerkez migrate`.
    Migrate,
}

impl Checked {
    /// The command's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Intake => "intake",
            Self::Routing => "routing",
            Self::Gateway => "gateway",
            Self::Notify => "notify",
            Self::Reports => "reports",
            Self::Migrate => "migrate",
        }
    }
}

/// Every check `service` makes of its settings before it connects to
/// anything (the telemetry block is checked for every command at start).
///
/// # Errors
/// The first setting that cannot work, named by its key.
pub fn check_config(service: Checked, settings: &Settings) -> anyhow::Result<()> {
    match service {
        Checked::Case | Checked::Migrate => settings.case.validate()?,
        Checked::Intake => {
            settings.intake.validate().map_err(anyhow::Error::msg)?;
            settings
                .intake
                .validate_channels()
                .map_err(anyhow::Error::msg)?;
        }
        Checked::Routing => settings.routing.validate().map_err(anyhow::Error::msg)?,
        Checked::Gateway => settings.gateway.validate().map_err(anyhow::Error::msg)?,
        Checked::Notify => settings.notify.validate().map_err(anyhow::Error::msg)?,
        Checked::Reports => settings.reports.validate().map_err(anyhow::Error::msg)?,
    }
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

/// Runs the reports service alone until `shutdown`.
///
/// # Errors
/// Invalid settings, Kafka unreachable, or the server failing.
pub async fn reports(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let bus = kafka(&settings).await?;
    let app = tekmerkez_reports::Application::build(settings.reports.clone(), bus).await?;
    with_metrics(
        &settings,
        Default::default(),
        app.run_until_stopped(shutdown),
    )
    .await
}

/// Empties the reports' rollups and replays `case.events.v1` from its
/// beginning (the reports service must be stopped), printing events/s.
///
/// # Errors
/// Invalid settings, the store or Kafka unreachable.
pub async fn reports_rebuild(
    settings: Settings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let bus = kafka(&settings).await?;
    rebuild_on(&settings, bus, shutdown).await
}

/// The rebuild of a stopped `tekmerkez dev` whose data directory is `dir`.
///
/// # Errors
/// The embedded bus or store cannot be opened.
pub async fn reports_rebuild_dev(
    mut settings: Settings,
    dir: &std::path::Path,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let bus =
        tekmerkez_bus::EmbeddedBus::open(&format!("sqlite://{}", dir.join("bus.db").display()))
            .await
            .context("opening the embedded bus")?;
    settings.reports.database_url =
        secrecy::SecretString::from(format!("sqlite://{}", dir.join("reports.db").display()));
    settings.reports.migrate_on_start = true;
    rebuild_on(&settings, Arc::new(bus), shutdown).await
}

/// The rebuild on `bus`, printing progress to stdout.
///
/// # Errors
/// Invalid settings, the store or the bus unreachable.
pub async fn rebuild_on(
    settings: &Settings,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    println!("tekmerkez reports rebuild: emptying the rollups, replaying case.events.v1");
    let stats = tekmerkez_reports::rebuild::rebuild(&settings.reports, bus, shutdown, |n, rate| {
        println!("  {n} events, {rate:.0} events/s");
    })
    .await?;
    println!(
        "tekmerkez reports rebuild: {} events in {:.1} s, {:.0} events/s (consumer generation {})",
        stats.events,
        stats.elapsed.as_secs_f64(),
        stats.rate(),
        stats.generation
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use std::path::Path;

    use super::*;

    fn shipped(env: &str) -> Settings {
        Settings::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config"), env).unwrap()
    }

    #[test]
    fn every_command_s_shipped_settings_pass_its_check() {
        for c in [
            Checked::Case,
            Checked::Intake,
            Checked::Routing,
            Checked::Gateway,
            Checked::Notify,
            Checked::Reports,
            Checked::Migrate,
        ] {
            check_config(c, &shipped("test")).unwrap();
        }
    }

    #[test]
    fn a_setting_only_a_command_s_start_would_refuse_is_refused_by_its_key() {
        let mut s = shipped("test");
        s.routing.grpc_listen = "nonsense".into();
        let err = check_config(Checked::Routing, &s).unwrap_err().to_string();
        assert!(err.contains("routing.grpc_listen"), "{err}");
        // Only the named command's settings are checked.
        check_config(Checked::Case, &s).unwrap();
    }
}
