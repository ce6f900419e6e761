//! Builds and runs the reports service: the consumer of `case.events.v1`
//! and the report API side by side, until shutdown.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::{Bus, consumer};
use tekmerkez_case_client::Connection;
use tekmerkez_proto::{
    case_v1::{
        classification_service_client::ClassificationServiceClient,
        directory_service_client::DirectoryServiceClient,
    },
    reports_v1::{
        call_report_service_server::CallReportServiceServer,
        periodic_report_service_server::PeriodicReportServiceServer,
        report_service_server::ReportServiceServer,
    },
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    call_grpc::CallReportGrpc,
    calls::{CALLS_TOPIC, CallHandler},
    config::ReportsSettings,
    directory::Directory,
    grpc::ReportGrpc,
    handler::{CASE_EVENTS_TOPIC, ReportHandler},
    periodic::{Reporter, grpc::PeriodicReportGrpc, schedule::Schedule},
    store::ReportStore,
};

/// Opens the reports' store (lazily) and migrates it when configured to.
///
/// # Errors
/// An unparsable URL or failing migrations.
pub async fn open_store(settings: &ReportsSettings) -> anyhow::Result<ReportStore> {
    let store = ReportStore::connect(
        settings.database_url.expose_secret(),
        settings.pg_max_connections,
    )
    .context("configuring the reports store")?;
    if settings.migrate_on_start {
        store
            .migrate()
            .await
            .context("migrating the reports store")?;
    }
    Ok(store)
}

/// The reports service, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    settings: ReportsSettings,
    bus: Arc<dyn Bus>,
    store: ReportStore,
    font: tekmerkez_pdf::Font,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Prepares the store and binds the API's listener.
    ///
    /// # Errors
    /// Invalid settings, store or bind failures.
    pub async fn build(settings: ReportsSettings, bus: Arc<dyn Bus>) -> anyhow::Result<Self> {
        settings.validate().map_err(anyhow::Error::msg)?;
        let store = open_store(&settings).await?;
        // A database from before the case rows were kept: fill them from
        // the facts once, before the consumer changes any.
        let filled = store
            .backfill_rows()
            .await
            .context("filling the case rows from the facts")?;
        if filled > 0 {
            tracing::info!(cases = filled, "case rows filled from the facts");
        }
        let font = tekmerkez_pdf::Font::load(&settings.periodic.font_path).with_context(|| {
            format!(
                "reports.periodic.font_path: {} (Debian's fonts-dejavu-core)",
                settings.periodic.font_path
            )
        })?;
        let listener = TcpListener::bind(&settings.grpc_listen)
            .await
            .with_context(|| format!("binding {}", settings.grpc_listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            addr,
            settings,
            bus,
            store,
            font,
        })
    }

    /// The API's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The store (tests read facts from it).
    pub fn store(&self) -> &ReportStore {
        &self.store
    }

    /// Consumes and serves until `shutdown`: stops taking events, lets the
    /// ones in hand finish, commits, and stops the API.
    ///
    /// # Errors
    /// When the bus or the server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let timeout = Duration::from_millis(self.settings.case_service.timeout_ms);
        let cs = &self.settings.case_service;
        let connection = Connection::connect_lazy(&cs.url, &cs.token, timeout)
            .context("reports.case_service")?;
        let directory = Directory::new(
            connection.directory(),
            ClassificationServiceClient::new(connection.channel()),
            Duration::from_millis(self.settings.directory_cache_ms),
        );
        // The generation names the consumer group; a rebuild moved it on.
        let generation = self
            .store
            .generation()
            .await
            .context("reading the consumer generation")?;
        let group = self.settings.group(generation);
        let subscription = self
            .bus
            .subscribe(&group, CASE_EVENTS_TOPIC)
            .await
            .context("joining the consumer group")?;
        let consumer = tokio::spawn(consumer::run(
            subscription,
            self.bus.clone(),
            Arc::new(ReportHandler::new(self.store.clone())),
            self.settings.consumer_options(),
            shutdown.child_token(),
        ));
        let calls_group = self.settings.calls_group(generation);
        let calls_subscription = self
            .bus
            .subscribe(&calls_group, CALLS_TOPIC)
            .await
            .context("joining the calls' consumer group")?;
        let calls_consumer = tokio::spawn(consumer::run(
            calls_subscription,
            self.bus.clone(),
            Arc::new(CallHandler::new(self.store.clone())),
            self.settings.consumer_options(),
            shutdown.child_token(),
        ));

        let (health, health_service) = tonic_health::server::health_reporter();
        health
            .set_serving::<ReportServiceServer<ReportGrpc>>()
            .await;
        health
            .set_serving::<CallReportServiceServer<CallReportGrpc>>()
            .await;
        let calls_api = CallReportServiceServer::new(CallReportGrpc::new(
            self.store.clone(),
            DirectoryServiceClient::new(connection.channel()),
        ));
        let catalogues = Arc::new(crate::labels::Catalogues::from_settings(&self.settings));
        let reporter = Reporter::new(
            self.store.clone(),
            directory.clone(),
            catalogues.clone(),
            self.font,
            self.bus.clone(),
            self.settings.periodic.institution.clone(),
        );
        let periodic = &self.settings.periodic;
        let schedule = periodic.enabled.then(|| {
            let runner = Schedule::new(
                reporter.clone(),
                periodic.send_hour,
                Duration::from_millis(periodic.lease_ms),
                format!("reports-{}", uuid::Uuid::new_v4()),
            );
            tokio::spawn(runner.run(
                Duration::from_millis(periodic.poll_interval_ms),
                shutdown.child_token(),
            ))
        });
        health
            .set_serving::<PeriodicReportServiceServer<PeriodicReportGrpc>>()
            .await;
        let periodic_api = PeriodicReportServiceServer::new(PeriodicReportGrpc::new(
            reporter,
            DirectoryServiceClient::new(connection.channel()),
        ));
        let api = ReportServiceServer::new(ReportGrpc::new(
            self.store.clone(),
            directory,
            catalogues,
            // Who a caller is: asked with the caller's own credentials.
            DirectoryServiceClient::new(connection.channel()),
        ));
        tracing::info!(addr = %self.addr, group = %group, "reports listening");
        let server_shutdown = shutdown.clone();
        let served = tonic::transport::Server::builder()
            .timeout(timeout.max(Duration::from_secs(10)))
            .layer(tekmerkez_telemetry::grpc::ServerLayer)
            .add_service(health_service)
            .add_service(api)
            .add_service(calls_api)
            .add_service(periodic_api)
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(self.listener).with_nodelay(Some(true)),
                async move { server_shutdown.cancelled().await },
            )
            .await;
        shutdown.cancel();
        if let Some(s) = schedule {
            s.await.context("the monthly report round panicked")?;
        }
        let stats = consumer.await.context("the consumer task panicked")?;
        let call_stats = calls_consumer
            .await
            .context("the calls' consumer task panicked")?;
        tracing::info!(
            handled = stats.handled,
            dead_lettered = stats.dead_lettered,
            calls_handled = call_stats.handled,
            calls_dead_lettered = call_stats.dead_lettered,
            "reports stopped"
        );
        served.context("serving the report API")
    }
}
