//! Builds and runs notify: the consumer of `case.events.v1`, the sender, the
//! consumer of `reports.mail.v1` (report e-mails), the Netgsm report poller, the gRPC API and the delivery-report endpoint,
//! side by side until shutdown.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret as _;
use tekmerkez_bus::{Bus, consumer};
use tekmerkez_case_client::Connection;
use tekmerkez_proto::{
    case_v1::directory_service_client::DirectoryServiceClient,
    notify_v1::{
        notification_service_server::NotificationServiceServer,
        ready_answer_service_server::ReadyAnswerServiceServer,
    },
};
use tokio::{net::TcpListener, sync::Notify};
use tokio_util::sync::CancellationToken;

use crate::{
    cases::{CaseReader, GrpcCaseReader},
    catalogue::CatalogueCache,
    config::NotifySettings,
    dispatch::{DispatchOptions, Dispatcher},
    email::Mailer,
    grpc::NotifyGrpc,
    handler::{HandlerSettings, NotifyHandler, SurveyRuntime},
    quiet::QuietHours,
    sms::{SmsProvider, dev::DevSms, netgsm::Netgsm, webhook::Webhook},
    store::NotifyStore,
    survey::{Links, OptOuts},
};

/// The SMS providers in failover order, and the Netgsm client for its reports.
type Providers = (Vec<Arc<dyn SmsProvider>>, Option<Netgsm>);

/// The topic notify consumes.
pub const CASE_EVENTS_TOPIC: &str = "case.events.v1";

/// How to build: what tests and `tekmerkez dev` change.
#[derive(Debug, Default, Clone)]
pub struct BuildOptions {
    /// Bind no HTTP listener: the host mounts [`Application::http_router`] itself.
    pub no_http_listener: bool,
    /// Read cases from here instead of the case service over gRPC.
    pub cases: Option<Arc<dyn CaseReader>>,
}

/// Notify, bound and ready to run.
pub struct Application {
    grpc: TcpListener,
    grpc_addr: SocketAddr,
    http: Option<TcpListener>,
    http_addr: Option<SocketAddr>,
    settings: NotifySettings,
    bus: Arc<dyn Bus>,
    store: NotifyStore,
    catalogue: CatalogueCache,
    cases: Option<Arc<dyn CaseReader>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("grpc", &self.grpc_addr)
            .field("http", &self.http_addr)
            .finish_non_exhaustive()
    }
}

/// Opens notify's store (for `tekmerkez migrate`).
///
/// # Errors
/// An unparsable URL.
pub fn open_store(settings: &NotifySettings) -> anyhow::Result<NotifyStore> {
    NotifyStore::connect(settings.database_url.expose_secret(), 10).context("notify.database_url")
}

impl Application {
    /// Validates, prepares the store (migrations when configured, default
    /// rules and templates when missing) and binds the listeners.
    ///
    /// # Errors
    /// Invalid settings, store or bind failures.
    pub async fn build(settings: NotifySettings, bus: Arc<dyn Bus>) -> anyhow::Result<Self> {
        Self::build_with(settings, bus, BuildOptions::default()).await
    }

    /// [`Self::build`] with options.
    ///
    /// # Errors
    /// As [`Self::build`].
    pub async fn build_with(
        settings: NotifySettings,
        bus: Arc<dyn Bus>,
        options: BuildOptions,
    ) -> anyhow::Result<Self> {
        settings.validate().map_err(anyhow::Error::msg)?;
        let store = open_store(&settings)?;
        if settings.migrate_on_start {
            store.migrate().await.context("migrating notify's store")?;
        }
        store
            .ensure_defaults(jiff::Timestamp::now().as_microsecond())
            .await
            .context("writing the default rules and templates")?;
        let grpc = TcpListener::bind(&settings.grpc_listen)
            .await
            .with_context(|| format!("binding {}", settings.grpc_listen))?;
        let grpc_addr = grpc.local_addr()?;
        let (http, http_addr) = if options.no_http_listener {
            (None, None)
        } else {
            let l = TcpListener::bind(&settings.http_listen)
                .await
                .with_context(|| format!("binding {}", settings.http_listen))?;
            let a = l.local_addr()?;
            (Some(l), Some(a))
        };
        let catalogue = CatalogueCache::new(
            store.clone(),
            Duration::from_millis(settings.catalogue_refresh_ms),
        );
        Ok(Self {
            grpc,
            grpc_addr,
            http,
            http_addr,
            settings,
            bus,
            store,
            catalogue,
            cases: options.cases,
        })
    }

    /// The gRPC API's address.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc_addr
    }

    /// The delivery-report endpoint's address, when notify listens itself.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// The delivery log.
    pub fn store(&self) -> &NotifyStore {
        &self.store
    }

    /// The delivery-report and inbound-SMS routes.
    pub fn http_router(&self) -> axum::Router {
        crate::http::router(crate::http::ReportState {
            store: self.store.clone(),
            token: self.settings.sms.webhook.token.clone(),
            opt_outs: OptOuts::new(self.store.clone(), &self.settings.survey),
        })
    }

    /// The development sinks' pages (`tekmerkez dev` only).
    pub fn dev_router(&self) -> axum::Router {
        crate::sinks::router(self.store.clone())
    }

    fn providers(&self) -> anyhow::Result<Providers> {
        let mut out: Vec<Arc<dyn SmsProvider>> = Vec::new();
        let mut netgsm = None;
        for name in &self.settings.sms.order {
            match name.as_str() {
                "netgsm" => {
                    let n = Netgsm::new(&self.settings.sms.netgsm).context("the Netgsm client")?;
                    netgsm = Some(n.clone());
                    out.push(Arc::new(n));
                }
                "webhook" => out.push(Arc::new(
                    Webhook::new(&self.settings.sms.webhook).context("the webhook client")?,
                )),
                _ => out.push(Arc::new(DevSms::new(self.store.clone()))),
            }
        }
        Ok((out, netgsm))
    }

    /// Consumes, sends and serves until `shutdown`: stops taking events and
    /// claiming messages, lets what is in flight finish, then stops the API.
    ///
    /// # Errors
    /// When the bus or a server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let s = &self.settings;
        let timeout = Duration::from_millis(s.case_service.timeout_ms);
        let connection =
            Connection::connect_lazy(&s.case_service.url, &s.case_service.token, timeout)
                .context("notify.case_service")?;
        let cases: Arc<dyn CaseReader> = match self.cases.clone() {
            Some(c) => c,
            None => Arc::new(GrpcCaseReader::new(connection.cases())),
        };
        let wake = Arc::new(Notify::new());
        let quiet = if s.quiet_hours.enabled {
            Some(QuietHours::from_settings(&s.quiet_hours).map_err(anyhow::Error::msg)?)
        } else {
            None
        };
        // Failed answers go to the case service as "citizen not reached".
        let not_reached = tokio::spawn(crate::not_reached::run(
            self.store.clone(),
            cases.clone(),
            Duration::from_millis(s.dispatch.poll_interval_ms),
            shutdown.child_token(),
        ));
        let signer = tekmerkez_signed_link::SignedLinks::from_settings(&s.signed_links)
            .map_err(anyhow::Error::msg)?;
        let links = Links::new(
            signer,
            &s.public_url,
            s.status_link_days,
            s.survey.link_days,
        );
        let opt_outs = OptOuts::new(self.store.clone(), &s.survey);
        let survey = match (&opt_outs, links.enabled(), s.survey.enabled) {
            (Some(o), true, true) => Some(SurveyRuntime {
                opt_outs: o.clone(),
                delay: s.survey.delay(),
            }),
            (_, _, false) => None,
            _ => {
                tracing::warn!(
                    "no satisfaction survey is sent: it needs signed_links.secret and notify.survey.contact_key"
                );
                None
            }
        };
        if !links.enabled() {
            tracing::warn!(
                "signed_links.secret is not set: messages link the plain tracking page instead of the signed status link"
            );
        }
        let handler_settings = HandlerSettings {
            locale: s.default_locale.clone(),
            institution: s.institution.clone(),
            tracking_url: s.tracking_url.clone(),
            quiet,
            fresh: Duration::from_secs(s.quiet_hours.fresh_minutes.saturating_mul(60)),
            message_id_domain: s.email.message_id_domain.clone(),
            unknown_case_attempts: s.case_service.unknown_case_attempts,
            unknown_case_backoff: Duration::from_millis(s.case_service.unknown_case_backoff_ms),
            max_event_age: (s.max_event_age_minutes > 0)
                .then(|| Duration::from_secs(s.max_event_age_minutes.saturating_mul(60))),
            links,
            survey,
        };
        // The answer preview renders as the handler does.
        let preview_settings = handler_settings.clone();
        let handler = Arc::new(NotifyHandler::new(
            self.store.clone(),
            self.catalogue.clone(),
            cases.clone(),
            handler_settings,
            wake.clone(),
        ));
        let subscription = self
            .bus
            .subscribe(&s.consumer.group, CASE_EVENTS_TOPIC)
            .await
            .context("joining the consumer group")?;
        let consumer = tokio::spawn(consumer::run(
            subscription,
            self.bus.clone(),
            handler,
            s.consumer_options(),
            shutdown.child_token(),
        ));

        let (providers, netgsm) = self.providers()?;
        let mailer =
            Mailer::new(&s.email, &s.institution, self.store.clone()).context("the mailer")?;
        // Report e-mails: their own group, so a report never waits behind
        // case events, nor they behind it.
        let report_group = format!("{}{}", s.consumer.group, crate::report_mail::GROUP_SUFFIX);
        let report_subscription = self
            .bus
            .subscribe(&report_group, crate::report_mail::REPORT_MAIL_TOPIC)
            .await
            .context("joining the report e-mail consumer group")?;
        let report_consumer = tokio::spawn(consumer::run(
            report_subscription,
            self.bus.clone(),
            Arc::new(crate::report_mail::ReportMailHandler::new(
                self.store.clone(),
                mailer.clone(),
                s.email.message_id_domain.clone(),
                // A claim outlives the longest send (the mailer's deadline).
                Duration::from_millis(
                    s.dispatch
                        .lease_ms
                        .max(s.email.smtp.timeout_ms.saturating_mul(3)),
                ),
            )),
            s.consumer_options(),
            shutdown.child_token(),
        ));
        let dispatcher = Dispatcher::new(
            self.store.clone(),
            providers,
            mailer,
            DispatchOptions {
                poll_interval: Duration::from_millis(s.dispatch.poll_interval_ms),
                batch_size: s.dispatch.batch_size,
                concurrency: s.dispatch.concurrency,
                lease: Duration::from_millis(s.dispatch.lease_ms),
                in_doubt_retry: Duration::from_millis(s.dispatch.in_doubt_retry_ms),
                // A lookup's "not found" counts only once the last attempt's
                // request can no longer reach its provider.
                in_doubt_settle: Duration::from_millis(
                    s.sms.netgsm.timeout_ms.max(s.sms.webhook.timeout_ms),
                ) + crate::dispatch::IN_DOUBT_MARGIN,
                retry: s.dispatch_retry(),
            },
            wake,
        )
        .with_social(
            crate::social::SocialSenders::new(&s.social, &s.institution)
                .context("the social platforms' clients")?,
        );
        let sender = tokio::spawn(dispatcher.run(shutdown.child_token()));
        let reports = match netgsm {
            Some(n) if s.sms.netgsm.report_poll_ms > 0 => Some(tokio::spawn(poll_netgsm_reports(
                n,
                self.store.clone(),
                Duration::from_millis(s.sms.netgsm.report_poll_ms),
                shutdown.child_token(),
            ))),
            _ => None,
        };

        let http = match self.http {
            Some(listener) => {
                let router = crate::http::router(crate::http::ReportState {
                    store: self.store.clone(),
                    token: s.sms.webhook.token.clone(),
                    opt_outs: opt_outs.clone(),
                });
                let stop = shutdown.clone();
                tracing::info!(addr = ?self.http_addr, "notify delivery reports listening");
                Some(tokio::spawn(async move {
                    axum::serve(listener, router)
                        .with_graceful_shutdown(async move { stop.cancelled().await })
                        .await
                }))
            }
            None => None,
        };

        let (health, health_service) = tonic_health::server::health_reporter();
        health
            .set_serving::<NotificationServiceServer<NotifyGrpc>>()
            .await;
        let tokens: Vec<secrecy::SecretString> = s.api_tokens.values().cloned().collect();
        let ready_answers =
            ReadyAnswerServiceServer::new(crate::ready_answer_grpc::ReadyAnswerGrpc::new(
                self.store.clone(),
                self.catalogue.clone(),
                preview_settings,
                tokens.clone(),
                DirectoryServiceClient::new(connection.channel()),
            ));
        let api = NotificationServiceServer::new(NotifyGrpc::new(
            self.store.clone(),
            self.catalogue.clone(),
            tokens,
            // The API calls the case service with its caller's token.
            connection.channel(),
            cases,
            opt_outs,
        ));
        tracing::info!(addr = %self.grpc_addr, "notify listening");
        let stop = shutdown.clone();
        let served = tonic::transport::Server::builder()
            .timeout(timeout.max(Duration::from_secs(5)))
            // A span per call continuing the caller's trace, and its latency.
            .layer(tekmerkez_telemetry::grpc::ServerLayer)
            .add_service(health_service)
            .add_service(api)
            .add_service(ready_answers)
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(self.grpc).with_nodelay(Some(true)),
                async move { stop.cancelled().await },
            )
            .await;
        shutdown.cancel();
        health
            .set_not_serving::<NotificationServiceServer<NotifyGrpc>>()
            .await;
        let stats = consumer.await.context("the consumer task panicked")?;
        let report_stats = report_consumer
            .await
            .context("the report e-mail consumer panicked")?;
        sender.await.context("the sender task panicked")?;
        not_reached
            .await
            .context("the not-reached reporter panicked")?;
        if let Some(r) = reports {
            r.await.context("the report poller panicked")?;
        }
        if let Some(h) = http {
            h.await
                .context("the report endpoint panicked")?
                .context("serving delivery reports")?;
        }
        tracing::info!(
            handled = stats.handled,
            dead_lettered = stats.dead_lettered,
            report_mails_handled = report_stats.handled,
            report_mails_dead_lettered = report_stats.dead_lettered,
            "notify stopped"
        );
        served.context("serving the notify API")
    }
}

/// Fetches Netgsm's delivery reports for messages it took and has not
/// reported on, every `every` (its report API allows 10 queries a minute).
async fn poll_netgsm_reports(
    netgsm: Netgsm,
    store: NotifyStore,
    every: Duration,
    shutdown: CancellationToken,
) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        let refs = match store.awaiting_report("netgsm", 100).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error.message = %e, "reading the messages awaiting Netgsm reports failed");
                continue;
            }
        };
        if refs.is_empty() {
            continue;
        }
        let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(72);
        match netgsm.statuses(&refs, since).await {
            Ok(statuses) => {
                let now = jiff::Timestamp::now().as_microsecond();
                for st in statuses {
                    if let Some(outcome) = st.outcome()
                        && let Err(e) = store.report("netgsm", &st.jobid, outcome, now).await
                    {
                        tracing::warn!(error.message = %e, "recording a Netgsm report failed");
                    }
                }
            }
            Err(reason) => tracing::warn!(reason, "Netgsm's report API failed; trying again later"),
        }
    }
}
