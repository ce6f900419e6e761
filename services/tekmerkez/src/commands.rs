//! The production commands: one service per process, on PostgreSQL.

use std::sync::Arc;

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_case::{Application, clock::SystemClock, startup::open_store};
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

/// Applies the case service's migrations and exits.
///
/// # Errors
/// When the database cannot be reached or a migration fails.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    settings.case.validate()?;
    let store = open_store(&settings.case)?;
    store
        .migrate()
        .await
        .context("applying the case service's migrations")?;
    tracing::info!("migrations applied");
    Ok(())
}

/// Runs the case service alone until `shutdown`.
///
/// The Kafka bus arrives with the event backbone; until it is configured the
/// outbox relay does not run, so events wait in the outbox rather than being
/// published to nobody.
///
/// # Errors
/// Invalid settings, or the server failing.
pub async fn case(settings: Settings, shutdown: CancellationToken) -> anyhow::Result<()> {
    settings.case.validate()?;
    let app = Application::build(settings.case.clone(), None, Arc::new(SystemClock)).await?;
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
    app.run_until_stopped(shutdown).await
}
