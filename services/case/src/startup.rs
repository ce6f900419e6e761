//! Builds and runs the case service: opens the store named by the database
//! URL, binds the gRPC listener (port 0 picks a free port), registers the
//! case and directory services behind the authentication interceptor, health
//! and reflection, and runs the outbox relay beside the server.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::Bus;
use tekmerkez_proto::case_v1::{
    assignment_service_server::AssignmentServiceServer, audit_service_server::AuditServiceServer,
    calendar_service_server::CalendarServiceServer, case_service_server::CaseServiceServer,
    classification_service_server::ClassificationServiceServer,
    deadline_service_server::DeadlineServiceServer, desk_service_server::DeskServiceServer,
    directory_service_server::DirectoryServiceServer,
    incident_service_server::IncidentServiceServer,
    saved_view_service_server::SavedViewServiceServer,
};
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tonic_health::server::HealthReporter;

use crate::{
    app::{CaseApp, auth::Authenticator},
    clock::Clock,
    config::CaseSettings,
    desk_feed::DeskFeed,
    grpc::{
        CallerResolver,
        assignment_service::AssignmentGrpc,
        audit_service::AuditGrpc,
        calendar_service::CalendarGrpc,
        case_service::{CaseGrpc, PageLimits},
        classification_service::ClassificationGrpc,
        deadline_service::DeadlineGrpc,
        desk_service::DeskGrpc,
        directory_service::DirectoryGrpc,
        incident_service::IncidentGrpc,
        interceptor,
        saved_view_service::SavedViewGrpc,
    },
    outbox::OutboxRelay,
    store::{self, Store},
};

/// Opens the store the URL names: `postgres://` or `sqlite:`.
///
/// # Errors
/// An unparsable URL.
pub fn open_store(settings: &CaseSettings) -> anyhow::Result<Arc<dyn Store>> {
    store::open(
        settings.database.url.expose_secret(),
        settings.database.max_connections,
        settings.database.acquire_timeout(),
    )
    .context("opening the case database")
}

/// The case service, bound and ready to run.
pub struct Application {
    addr: SocketAddr,
    listener: TcpListener,
    app: CaseApp,
    settings: CaseSettings,
    bus: Option<Arc<dyn Bus>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens the store, migrates when configured, and binds the listener.
    /// Without a bus the outbox relay does not run: events wait in the
    /// outbox until a process with a bus publishes them.
    ///
    /// # Errors
    /// Store, migration or bind failures.
    pub async fn build(
        settings: CaseSettings,
        bus: Option<Arc<dyn Bus>>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let store = open_store(&settings)?;
        if settings.database.migrate_on_start {
            store
                .migrate()
                .await
                .context("migrating the case database")?;
        }
        let app = CaseApp::new(store, clock)
            .with_letter_prefix(settings.letters.number_prefix.trim())
            .with_wrong_guesses_per_hour(settings.tracking.wrong_guesses_per_hour)
            .with_escalation_thresholds(settings.escalation.thresholds())
            .with_duplicate_window(settings.duplicates.window())
            .with_assignment_limits(settings.assignment.limits());
        if settings.database.migrate_on_start {
            // Where this process migrates it also loads the built-in
            // calendar before serving, so the first due date counts on it;
            // elsewhere `run_until_stopped` loads it in the background.
            app.seed_builtin_calendar()
                .await
                .context("loading the built-in working calendar")?;
        }
        let listener = TcpListener::bind(&settings.grpc.listen)
            .await
            .with_context(|| format!("binding the gRPC listener on {}", settings.grpc.listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            addr,
            listener,
            app,
            settings,
            bus,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The operations, for demo seeding and tests.
    pub fn app(&self) -> &CaseApp {
        &self.app
    }

    /// Reads the outbox and case gauges when `/metrics` is scraped.
    pub fn metrics_collector(&self) -> Arc<dyn tekmerkez_telemetry::metrics::Collector> {
        Arc::new(crate::metrics::CaseCollector::new(
            self.app.store().clone(),
            self.app.clock().clone(),
        ))
    }

    /// Serves until `shutdown` is cancelled, then stops taking calls,
    /// finishes in-flight ones and the relay's round within the drain bound.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let Self {
            listener,
            app,
            settings,
            bus,
            addr,
        } = self;
        let (health, health_service) = tonic_health::server::health_reporter();
        let auth = Authenticator::new(app.store().clone(), settings.service_tokens());
        let callers = CallerResolver::new(auth);
        let pages = PageLimits {
            default: settings.pages.default_page_size,
            max: settings.pages.max_page_size,
        };
        let case = CaseServiceServer::with_interceptor(
            CaseGrpc::new(app.clone(), callers.clone(), pages),
            interceptor::authenticate,
        );
        let classification = ClassificationServiceServer::with_interceptor(
            ClassificationGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let deadlines = DeadlineServiceServer::with_interceptor(
            DeadlineGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let directory = DirectoryServiceServer::with_interceptor(
            DirectoryGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let assignment = AssignmentServiceServer::with_interceptor(
            AssignmentGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let incidents = IncidentServiceServer::with_interceptor(
            IncidentGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let saved_views = SavedViewServiceServer::with_interceptor(
            SavedViewGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let audit = AuditServiceServer::with_interceptor(
            AuditGrpc::new(app.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let desk_feed = DeskFeed::new(
            app.store().clone(),
            app.clock().clone(),
            settings.desk.clone(),
            shutdown.child_token(),
        );
        let desk = DeskServiceServer::with_interceptor(
            DeskGrpc::new(desk_feed.clone(), callers.clone()),
            interceptor::authenticate,
        );
        let calendar = CalendarServiceServer::with_interceptor(
            CalendarGrpc::new(app.clone(), callers),
            interceptor::authenticate,
        );
        let reflection = if settings.grpc.reflection {
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

        let tracker = TaskTracker::new();
        tracker.spawn(watch_health(
            app.store().clone(),
            health.clone(),
            shutdown.child_token(),
        ));
        tracker.spawn(crate::metrics::fold_status_counts(
            app.store().clone(),
            Duration::from_secs(5),
            shutdown.child_token(),
        ));
        tracker.spawn(desk_feed.run());
        tracker.spawn(purge_tracking_guesses(app.clone(), shutdown.child_token()));
        tracker.spawn(sweep_assignments(
            app.clone(),
            settings.assignment.sweep_interval(),
            shutdown.child_token(),
        ));
        tracker.spawn(seed_builtin_calendar(app.clone(), shutdown.child_token()));
        tracker.spawn(
            crate::escalation::EscalationScheduler::new(app.clone(), settings.escalation.clone())
                .run(shutdown.child_token()),
        );
        match bus {
            Some(bus) => {
                let relay = OutboxRelay::new(
                    app.store().clone(),
                    bus,
                    app.clock().clone(),
                    settings.outbox.clone(),
                );
                tracker.spawn(relay.run(shutdown.child_token()));
            }
            None => tracing::warn!(
                "no event bus configured: case events stay in the outbox until one is"
            ),
        }
        tracker.close();

        tracing::info!(%addr, "case service listening");
        let server_shutdown = shutdown.clone();
        let server = tonic::transport::Server::builder()
            .timeout(settings.request_timeout())
            // A span per call continuing the caller's trace, and its latency.
            .layer(tekmerkez_telemetry::grpc::ServerLayer)
            .add_service(health_service)
            .add_optional_service(reflection)
            .add_service(case)
            .add_service(directory)
            .add_service(calendar)
            .add_service(classification)
            .add_service(deadlines)
            .add_service(incidents)
            .add_service(assignment)
            .add_service(desk)
            .add_service(saved_views)
            .add_service(audit)
            // Without TCP_NODELAY a small reply waits for the peer's delayed
            // ACK: about 40 ms per call.
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
                async move { server_shutdown.cancelled().await },
            );
        let result = server.await.context("serving gRPC");
        // The server returns once in-flight calls finished; stop the helpers too.
        shutdown.cancel();
        health
            .set_not_serving::<CaseServiceServer<CaseGrpc>>()
            .await;
        if tokio::time::timeout(settings.shutdown_timeout(), tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("background tasks did not stop within the drain timeout");
        }
        tracing::info!("case service stopped");
        result
    }
}

/// A round in every pool with automatic assignment on, every `interval`:
/// an absence day ending frees an expert without any change to a case.
async fn sweep_assignments(app: CaseApp, interval: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(interval) => {}
        }
        if let Err(e) = app.hand_out_everywhere().await {
            tracing::warn!(error.message = %e, error.cause_chain = ?e, "automatic assignment sweep failed");
        }
    }
}

/// Reports SERVING only while the database answers.
async fn watch_health(store: Arc<dyn Store>, health: HealthReporter, shutdown: CancellationToken) {
    let mut serving = None;
    loop {
        let ok = store.ping().await.is_ok();
        if serving != Some(ok) {
            if ok {
                health.set_serving::<CaseServiceServer<CaseGrpc>>().await;
                health
                    .set_serving::<DirectoryServiceServer<DirectoryGrpc>>()
                    .await;
                health
                    .set_serving::<CalendarServiceServer<CalendarGrpc>>()
                    .await;
                health
                    .set_serving::<ClassificationServiceServer<ClassificationGrpc>>()
                    .await;
                health
                    .set_serving::<DeadlineServiceServer<DeadlineGrpc>>()
                    .await;
                health
                    .set_serving::<IncidentServiceServer<IncidentGrpc>>()
                    .await;
                health
                    .set_serving::<AssignmentServiceServer<AssignmentGrpc>>()
                    .await;
                health
                    .set_serving::<SavedViewServiceServer<SavedViewGrpc>>()
                    .await;
                health.set_serving::<AuditServiceServer<AuditGrpc>>().await;
                health
                    .set_service_status("", tonic_health::ServingStatus::Serving)
                    .await;
            } else {
                tracing::warn!("database unreachable; reporting NOT_SERVING");
                health
                    .set_not_serving::<CaseServiceServer<CaseGrpc>>()
                    .await;
                health
                    .set_not_serving::<DirectoryServiceServer<DirectoryGrpc>>()
                    .await;
                health
                    .set_not_serving::<CalendarServiceServer<CalendarGrpc>>()
                    .await;
                health
                    .set_not_serving::<ClassificationServiceServer<ClassificationGrpc>>()
                    .await;
                health
                    .set_not_serving::<DeadlineServiceServer<DeadlineGrpc>>()
                    .await;
                health
                    .set_not_serving::<IncidentServiceServer<IncidentGrpc>>()
                    .await;
                health
                    .set_not_serving::<AssignmentServiceServer<AssignmentGrpc>>()
                    .await;
                health
                    .set_not_serving::<SavedViewServiceServer<SavedViewGrpc>>()
                    .await;
                health
                    .set_not_serving::<AuditServiceServer<AuditGrpc>>()
                    .await;
                health
                    .set_service_status("", tonic_health::ServingStatus::NotServing)
                    .await;
            }
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

/// Deletes ended tracking-lookup windows every few minutes until `shutdown`
/// (any replica may; the statement is idempotent).
async fn purge_tracking_guesses(app: CaseApp, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(Duration::from_secs(300));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        match app.purge_tracking_guesses().await {
            Ok(n) if n > 0 => tracing::debug!(purged = n, "ended tracking lookup windows purged"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error.message = %e, "purging tracking lookup windows failed; retrying later")
            }
        }
    }
}

/// Loads the built-in calendar days of the years the store has not had yet,
/// retrying every 30 s until it succeeds once (the database may be down at
/// start); any replica may, each year is loaded once.
async fn seed_builtin_calendar(app: CaseApp, shutdown: CancellationToken) {
    loop {
        match app.seed_builtin_calendar().await {
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error.message = %e, "loading the built-in working calendar failed; retrying later")
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(30)) => {}
        }
    }
}
