//! Builds and runs routing: the consumer of `intake.applications.v1` and the
//! rules admin API, side by side, until shutdown.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::{Bus, consumer};
use tekmerkez_case_client::Connection;
use tekmerkez_proto::routing_v1::routing_rules_service_server::RoutingRulesServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    config::RoutingSettings,
    grpc::RulesGrpc,
    handler::RoutingHandler,
    router::{GrpcPoolSource, PoolDirectory, Router, RuleCache},
    store::RulesStore,
};

/// The topic routing consumes.
pub const APPLICATIONS_TOPIC: &str = "intake.applications.v1";

/// Routing, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    settings: RoutingSettings,
    bus: Arc<dyn Bus>,
    rules: RuleCache,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Prepares the rules store and binds the admin listener.
    ///
    /// # Errors
    /// Invalid settings, store or bind failures.
    pub async fn build(settings: RoutingSettings, bus: Arc<dyn Bus>) -> anyhow::Result<Self> {
        settings.validate().map_err(anyhow::Error::msg)?;
        let store = RulesStore::connect(settings.database_url.expose_secret())
            .context("configuring the rules store")?;
        if settings.migrate_on_start {
            store.migrate().await.context("migrating the rules store")?;
        }
        let listener = TcpListener::bind(&settings.grpc_listen)
            .await
            .with_context(|| format!("binding {}", settings.grpc_listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            addr,
            settings,
            bus,
            rules: RuleCache::new(store),
        })
    }

    /// The admin API's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Consumes and serves until `shutdown`: stops taking messages, lets the
    /// one in hand finish, commits, and stops the admin API.
    ///
    /// # Errors
    /// When the bus or the server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let timeout = Duration::from_millis(self.settings.case_service.timeout_ms);
        let case_service = &self.settings.case_service;
        let connection = Connection::connect_lazy(&case_service.url, &case_service.token, timeout)
            .context("routing.case_service")?;
        let pools = PoolDirectory::new(Arc::new(GrpcPoolSource::new(connection.directory())));
        let router = Router::new(
            self.rules.clone(),
            pools,
            self.settings.urgent_categories.clone(),
        );
        let handler = Arc::new(RoutingHandler::new(router, connection.cases()));
        let subscription = self
            .bus
            .subscribe(&self.settings.consumer.group, APPLICATIONS_TOPIC)
            .await
            .context("joining the consumer group")?;
        let consumer = tokio::spawn(consumer::run(
            subscription,
            self.bus.clone(),
            handler,
            self.settings.consumer_options(),
            shutdown.child_token(),
        ));

        let (health, health_service) = tonic_health::server::health_reporter();
        health
            .set_serving::<RoutingRulesServiceServer<RulesGrpc>>()
            .await;
        let admin = RoutingRulesServiceServer::new(RulesGrpc::new(
            self.rules.clone(),
            // The admin API calls the case service with its caller's token.
            connection.channel(),
        ));
        tracing::info!(addr = %self.addr, "routing listening");
        let server_shutdown = shutdown.clone();
        let served = tonic::transport::Server::builder()
            .timeout(timeout)
            // A span per call continuing the caller's trace, and its latency.
            .layer(tekmerkez_telemetry::grpc::ServerLayer)
            .add_service(health_service)
            .add_service(admin)
            // Without TCP_NODELAY a small reply waits for the peer's delayed
            // ACK: about 40 ms per call.
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(self.listener).with_nodelay(Some(true)),
                async move { server_shutdown.cancelled().await },
            )
            .await;
        shutdown.cancel();
        let stats = consumer.await.context("the consumer task panicked")?;
        tracing::info!(
            handled = stats.handled,
            dead_lettered = stats.dead_lettered,
            "routing stopped"
        );
        served.context("serving the routing admin API")
    }
}
