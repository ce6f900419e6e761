//! `tekmerkez dev`: every service in one process on the embedded backends
//! (SQLite databases under the data directory for the case store, the
//! routing rules, intake's idempotency keys and the durable embedded bus),
//! with the demo organisation, users, cases and routing rules loaded on
//! first start. The HTTP listener serves the landing page, the web form and
//! the app API; the case and routing services keep their gRPC listeners.

use std::{fmt::Write as _, net::SocketAddr, path::Path, sync::Arc};

use anyhow::Context as _;
use axum::{Router, response::Html, routing::get};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};
use tekmerkez_bus::EmbeddedBus;
use tekmerkez_case::{
    Application,
    clock::SystemClock,
    demo::{self, DemoUser},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

/// The running embedded product.
pub struct Dev {
    case: Application,
    routing: tekmerkez_routing::Application,
    notify: tekmerkez_notify::Application,
    reports: tekmerkez_reports::Application,
    intake: Router,
    /// The partner listener, the caller index and the social store's purge.
    intake_background: tekmerkez_intake::startup::Background,
    /// Which intake channels dev switched on, for the banner.
    channels: crate::dev_channels::DevChannels,
    gateway: Router,
    /// The social platforms' stand-in notify writes to (`/dev/social`).
    social: Option<tekmerkez_standin::StandIn>,
    http: TcpListener,
    http_addr: SocketAddr,
    users: Vec<DemoUser>,
    /// The year of history to load in the background (a fresh store only).
    history: Option<(i64, u32)>,
}

impl std::fmt::Debug for Dev {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dev")
            .field("grpc", &self.case.addr())
            .field("http", &self.http_addr)
            .finish_non_exhaustive()
    }
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn sqlite(dir: &Path, file: &str) -> SecretString {
    SecretString::from(format!("sqlite://{}", dir.join(file).display()))
}

impl Dev {
    /// Points every service at SQLite under `data_dir`, binds the listeners,
    /// and loads the demo data when the stores are empty.
    ///
    /// # Errors
    /// When the data directory cannot be created, a port is taken, or seeding fails.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        // Settings changed after loading (the tests') still name one
        // institution and one mail relay.
        settings.share_institution();
        settings.share_mail_relay();
        let dir = settings.dev.data_dir.clone();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the data directory {}", dir.display()))?;
        let bus = Arc::new(
            EmbeddedBus::open(&format!("sqlite://{}", dir.join("bus.db").display()))
                .await
                .context("opening the embedded bus")?,
        );

        // The services still talk over loopback gRPC with service tokens; in
        // one process those only need to be unguessable while it runs.
        let (routing_token, intake_token, gateway_token) =
            (random_token(), random_token(), random_token());
        let notify_token = random_token();
        let reports_token = random_token();
        let tokens = settings.case.auth.service_tokens.clone();
        settings.case.auth.service_tokens = tokens
            .into_keys()
            .map(|k| {
                let v = match k.as_str() {
                    "routing" => routing_token.clone(),
                    "intake" => intake_token.clone(),
                    "gateway" => gateway_token.clone(),
                    "notify" => notify_token.clone(),
                    "reports" => reports_token.clone(),
                    _ => random_token(),
                };
                (k, SecretString::from(v))
            })
            .collect();
        settings.case.database.url = sqlite(&dir, "case.db");
        settings.case.database.migrate_on_start = true;
        settings.case.validate()?;
        let case = Application::build(
            settings.case.clone(),
            Some(bus.clone()),
            Arc::new(SystemClock),
        )
        .await?;
        let fresh = demo::is_fresh(case.app())
            .await
            .context("reading the demo data")?;
        let history = (fresh && settings.dev.demo_history_days > 0).then_some((
            settings.dev.demo_history_days,
            settings.dev.demo_history_per_day,
        ));
        let users = demo::seed(case.app(), settings.dev.demo_cases)
            .await
            .context("loading the demo data")?;
        let case_url = format!("http://{}", case.addr());

        settings.routing.database_url = sqlite(&dir, "routing.db");
        settings.routing.migrate_on_start = true;
        settings.routing.case_service.url.clone_from(&case_url);
        settings.routing.case_service.token = SecretString::from(routing_token);
        let routing =
            tekmerkez_routing::Application::build(settings.routing.clone(), bus.clone()).await?;
        seed_rules(case.app(), &settings)
            .await
            .context("loading the demo routing rules")?;

        // The reports count the embedded bus's case events into SQLite.
        if settings.case.grpc.listen.ends_with(":0") {
            settings.reports.grpc_listen = "127.0.0.1:0".to_owned();
        }
        settings.reports.database_url = sqlite(&dir, "reports.db");
        settings.reports.migrate_on_start = true;
        settings.reports.case_service.url.clone_from(&case_url);
        settings.reports.case_service.token = SecretString::from(reports_token);
        // Built before intake, whose /v1/reports/summary calls it.
        let reports =
            tekmerkez_reports::Application::build(settings.reports.clone(), bus.clone()).await?;

        settings.intake.reports_service_url = format!("http://{}", reports.addr());
        settings.intake.database_url = sqlite(&dir, "intake.db");
        settings.intake.case_service.url.clone_from(&case_url);
        settings.intake.case_service.token = SecretString::from(intake_token);
        let ephemeral = settings.case.grpc.listen.ends_with(":0");
        let channels =
            crate::dev_channels::configure(&mut settings.intake, random_token(), ephemeral);
        if !settings.intake.staff.enabled {
            // Only the gateway in this process knows this run's staff token.
            settings.intake.staff.enabled = true;
            settings.intake.staff.token = SecretString::from(random_token());
        }
        let intake_state =
            tekmerkez_intake::startup::prepare(&settings.intake, bus.clone(), true).await?;
        let intake_background =
            tekmerkez_intake::startup::Background::bind(&settings.intake, &intake_state).await?;
        let intake =
            tekmerkez_intake::http::router(intake_state, settings.intake.http.body_limit_bytes);

        // The shared HTTP listener is bound first, so its address is known to
        // notify (the links it texts, the platforms' stand-in its social
        // replies go to) and the gateway's entry screens (which post to
        // intake on it).
        let http = TcpListener::bind(&settings.dev.http_listen)
            .await
            .with_context(|| {
                format!("binding the HTTP listener on {}", settings.dev.http_listen)
            })?;
        let http_addr = http.local_addr()?;
        // Notify writes to development sinks (/dev/sms, /dev/mail) instead of
        // an SMS provider and a mail relay, and to the social platforms'
        // stand-in (/dev/social); its report endpoint and the sink pages
        // share the HTTP listener.
        // When the case service takes an ephemeral port (tests running many
        // at once), so does notify's API.
        if settings.case.grpc.listen.ends_with(":0") {
            settings.notify.grpc_listen = "127.0.0.1:0".to_owned();
        }
        settings.notify.database_url = sqlite(&dir, "notify.db");
        settings.notify.migrate_on_start = true;
        settings.notify.case_service.url.clone_from(&case_url);
        settings.notify.case_service.token = SecretString::from(notify_token);
        settings.notify.api_tokens.insert(
            "gateway".to_owned(),
            SecretString::from(gateway_token.clone()),
        );
        settings.notify.sms.order = vec!["dev".to_owned()];
        if !settings.dev.smtp_relay {
            settings.notify.email.transport = "dev".to_owned();
        }
        settings.notify.tracking_url = format!("http://{http_addr}/takip");
        // Citizens' signed links: a fixed development secret unless one is
        // configured, so `/takip/d/…` and `/anket/…` work out of the box.
        if settings.signed_links.secret.expose_secret().is_empty() {
            settings.signed_links.secret =
                SecretString::from(crate::dev_channels::DEV_SIGNED_LINK_SECRET);
        }
        settings.share_signed_links();
        settings.notify.public_url = format!("http://{http_addr}");
        if settings
            .notify
            .survey
            .contact_key
            .expose_secret()
            .is_empty()
        {
            settings.notify.survey.contact_key =
                SecretString::from(crate::dev_channels::DEV_SURVEY_CONTACT_KEY);
        }
        if settings.notify.sms.webhook.token.expose_secret().is_empty() {
            settings.notify.sms.webhook.token =
                SecretString::from(crate::dev_channels::DEV_SMS_WEBHOOK_TOKEN);
        }
        // The demo records are backdated: their events must not text anyone.
        settings.notify.max_event_age_minutes = 10;
        settings.notify.dispatch.poll_interval_ms = 200;
        let social = crate::dev_channels::configure_notify(&mut settings.notify.social, http_addr);
        let notify = tekmerkez_notify::Application::build_with(
            settings.notify.clone(),
            bus.clone(),
            tekmerkez_notify::startup::BuildOptions {
                no_http_listener: true,
                cases: None,
            },
        )
        .await?;
        // The demo's ready answers (hazır cevaplar), when there are none.
        notify
            .store()
            .seed_demo_ready_answers(jiff::Timestamp::now().as_microsecond())
            .await
            .context("loading the demo ready answers")?;

        // Staff entry: the gateway's entry screens post to intake on the
        // shared HTTP listener.
        settings.gateway.entry.intake_url = format!("http://{http_addr}");
        settings.gateway.entry.tracking_url = format!("http://{http_addr}/takip");
        settings
            .gateway
            .entry
            .staff_token
            .clone_from(&settings.intake.staff.token);
        if settings.intake.cti.enabled {
            settings
                .gateway
                .entry
                .cti_lookup_token
                .clone_from(&settings.intake.cti.lookup_token);
        }
        settings.gateway.database_url = sqlite(&dir, "gateway.db");
        settings.gateway.migrate_on_start = true;
        // Plain HTTP on loopback: a Secure cookie would not come back from
        // every client.
        settings.gateway.session.secure_cookies = false;
        settings.gateway.case_service.url.clone_from(&case_url);
        settings.gateway.routing_service_url = format!("http://{}", routing.addr());
        settings.gateway.case_service.token = SecretString::from(gateway_token);
        settings.gateway.notify_service_url = format!("http://{}", notify.grpc_addr());
        settings.gateway.reports_service_url = format!("http://{}", reports.addr());
        let mut gateway_state = tekmerkez_gateway::startup::prepare(&settings.gateway).await?;
        gateway_state.dev_hint = true;
        let gateway = tekmerkez_gateway::http::pages(gateway_state);

        Ok(Self {
            case,
            routing,
            notify,
            reports,
            intake,
            intake_background,
            channels,
            gateway,
            social,
            http,
            http_addr,
            users,
            history,
        })
    }

    /// The case service's gRPC address.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.case.addr()
    }

    /// The routing admin API's gRPC address.
    pub fn routing_addr(&self) -> SocketAddr {
        self.routing.addr()
    }

    /// The notification API's gRPC address.
    pub fn notify_addr(&self) -> SocketAddr {
        self.notify.grpc_addr()
    }

    /// The report API's gRPC address.
    pub fn reports_addr(&self) -> SocketAddr {
        self.reports.addr()
    }

    /// The partners' gRPC address (`tekmerkez.intake.v1.IntakeService`).
    pub fn partner_addr(&self) -> Option<SocketAddr> {
        self.intake_background.partner_addr()
    }

    /// The HTTP address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// The demo users with their API tokens.
    pub fn users(&self) -> &[DemoUser] {
        &self.users
    }

    /// What `tekmerkez dev` prints at start: every address and the demo credentials.
    pub fn banner(&self, data_dir: &Path) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\ntekmerkez dev: every service in one process (embedded mode)\n"
        );
        let _ = writeln!(
            s,
            "  UI     http://{}/   (agents sign in as a demo user below; /gelistirme lists them)",
            self.http_addr()
        );
        let _ = writeln!(
            s,
            "  form   http://{}/basvuru   (API: POST /v1/applications, GET /openapi.json)",
            self.http_addr()
        );
        let _ = writeln!(
            s,
            "  track  http://{}/takip   (citizens: tracking number + last 4 digits of the phone)",
            self.http_addr()
        );
        let _ = writeln!(
            s,
            "  SMS    http://{}/dev/sms   (what notify sent, Turkish; /dev/mail for e-mail, /dev/social for WhatsApp, Messenger, Instagram and X; .json for each)",
            self.http_addr()
        );
        let _ = writeln!(
            s,
            "  survey /anket/… and /takip/d/… links arrive with the answers on /dev/sms and /dev/mail; a citizen's RET: POST /v1/inbound-sms/webhook (Bearer {})",
            crate::dev_channels::DEV_SMS_WEBHOOK_TOKEN
        );
        let _ = writeln!(
            s,
            "  metrics http://{}/metrics   (Prometheus text format, every service of this process)",
            self.http_addr()
        );
        let _ = writeln!(
            s,
            "  gRPC   {}  (tekmerkez.case.v1.CaseService, DirectoryService, CalendarService, ClassificationService, DeadlineService, IncidentService; health and reflection)",
            self.grpc_addr()
        );
        let _ = writeln!(
            s,
            "  gRPC   {}  (tekmerkez.routing.v1.RoutingRulesService, for admins)",
            self.routing_addr()
        );
        let _ = writeln!(
            s,
            "  gRPC   {}  (tekmerkez.reports.v1.ReportService, for admins, directorate and pool managers;\n                   CallReportService and PeriodicReportService, for admins and directorate managers)",
            self.reports_addr()
        );
        s.push_str(&self.channels.banner(self.http_addr(), self.partner_addr()));
        let _ = writeln!(
            s,
            "  data   {}  (delete it, or run with --fresh, to start over)\n",
            data_dir.display()
        );
        let _ = writeln!(
            s,
            "  Demo users (password for all: {}):",
            demo::DEMO_PASSWORD
        );
        for u in &self.users {
            let _ = writeln!(
                s,
                "    {:<18} {:<20} {}",
                u.username,
                u.role.as_str(),
                u.display_name
            );
        }
        let _ = writeln!(
            s,
            "\n  gRPC API tokens for this run (Authorization: Bearer <token>):"
        );
        for u in &self.users {
            let _ = writeln!(s, "    {:<18} {}", u.username, u.api_token);
        }
        s
    }

    /// Serves until `shutdown` is cancelled.
    ///
    /// # Errors
    /// When a server fails.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let page = landing_page(&self);
        // One /metrics for the whole process: every hosted service records
        // into the same registry.
        let scrape = tekmerkez_telemetry::metrics::Scrape::new(vec![self.case.metrics_collector()]);
        let mut router = Router::new();
        if let Some(standin) = &self.social {
            router = router
                .nest(crate::dev_channels::SOCIAL_API_PREFIX, standin.api_router())
                .merge(standin.pages_router());
        }
        let router = router
            .route("/gelistirme", get(move || async move { Html(page) }))
            .merge(tekmerkez_telemetry::metrics::router(scrape))
            .merge(self.notify.http_router())
            .merge(self.notify.dev_router())
            .merge(self.intake)
            .merge(self.gateway)
            // After every merge: each route gets one span and one timing.
            .layer(axum::middleware::from_fn(
                tekmerkez_telemetry::http::observe,
            ));
        let http_shutdown = shutdown.clone();
        let http = axum::serve(
            self.http,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { http_shutdown.cancelled().await });
        let intake_background = tokio::spawn(self.intake_background.run(shutdown.clone()));
        if let Some((days, per_day)) = self.history {
            tokio::spawn(load_history(
                self.case.app().clone(),
                days,
                per_day,
                shutdown.clone(),
            ));
        }
        let (case, routing, notify, reports, http) = tokio::join!(
            self.case.run_until_stopped(shutdown.clone()),
            self.routing.run_until_stopped(shutdown.clone()),
            self.notify.run_until_stopped(shutdown.clone()),
            self.reports.run_until_stopped(shutdown.clone()),
            async { http.await.context("serving HTTP") }
        );
        let intake_background = intake_background
            .await
            .context("the intake background task panicked")
            .and_then(|r| r);
        case.and(routing)
            .and(notify)
            .and(reports)
            .and(http)
            .and(intake_background)
    }
}

/// Loads the demo's year of history while the product already serves (it
/// takes a while), stopping with the process; a store stopped half-way
/// keeps the days it has (the next start finds users and loads no more).
async fn load_history(
    app: tekmerkez_case::app::CaseApp,
    days: i64,
    per_day: u32,
    shutdown: CancellationToken,
) {
    let started = std::time::Instant::now();
    tracing::info!(days, "loading the demo year in the background");
    tokio::select! {
        () = shutdown.cancelled() => {}
        r = demo::seed_year(&app, days, per_day) => match r {
            Ok(n) => tracing::info!(
                cases = n.cases,
                closed = n.closed,
                surveys = n.surveys,
                seconds = started.elapsed().as_secs(),
                "the demo year is loaded"
            ),
            Err(e) => tracing::warn!(error.message = %e, "loading the demo year failed"),
        },
    }
}

/// Demo rules: each category to the unit that owns it; the rest to triage.
async fn seed_rules(
    case: &tekmerkez_case::app::CaseApp,
    settings: &Settings,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret as _;
    let store = tekmerkez_routing::store::RulesStore::connect(
        settings.routing.database_url.expose_secret(),
    )?;
    if !store.list().await?.is_empty() {
        return Ok(());
    }
    let units = case
        .list_units(None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let unit = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id);
    let plan: [(i32, &str, &[&str], &str); 5] = [
        (10, "su_arizasi", &[], "Su Arıza Birimi"),
        (20, "kanalizasyon", &[], "Su Arıza Birimi"),
        (30, "fatura", &[], "Abone İşleri Birimi"),
        (40, "sayac", &[], "Abone İşleri Birimi"),
        (50, "cevre_kirliligi", &[], "Çevre Denetim Birimi"),
    ];
    let now = jiff::Timestamp::now().as_microsecond();
    for (priority, category, keywords, unit_name) in plan {
        let Some(target) = unit(unit_name) else {
            continue;
        };
        let rule = tekmerkez_routing::rules::Rule {
            id: uuid::Uuid::now_v7(),
            priority,
            category: Some(category.to_owned()),
            keywords: keywords
                .iter()
                .map(|k| tekmerkez_turkish::fold(k))
                .collect(),
            channels: vec![],
            province_code: None,
            district: None,
            target_unit_id: target,
            urgency: None,
            // A chosen category is kept: nothing to assign.
            assigned_category: None,
            // The channel's type is kept (a rule's would win over it).
            application_type: None,
            // What an admin would write: the category's name, not its code.
            description: format!(
                "{} → {unit_name}",
                tekmerkez_types::catalogue::name_of(&settings.intake.categories, category, false)
            ),
        };
        store.save(&rule, true, now).await?;
    }
    // E-mail comes without a category (intake.email.category): these place
    // it by its words, after the category rules, and give the case the
    // category the words show; the rest goes to triage as "Diğer".
    // (priority, words, category given, unit, urgency)
    type ByWords<'a> = (i32, &'a [&'a str], &'a str, &'a str, Option<i32>);
    let by_words: [ByWords<'_>; 5] = [
        (
            60,
            &["kanalizasyon", "atık su", "rögar"],
            "kanalizasyon",
            "Su Arıza Birimi",
            Some(tekmerkez_proto::common_v1::Urgency::Urgent as i32),
        ),
        (
            61,
            &[
                "su kesik",
                "su kesinti",
                "su yok",
                "su gelmiyor",
                "boru patla",
                "su akıyor",
            ],
            "su_arizasi",
            "Su Arıza Birimi",
            Some(tekmerkez_proto::common_v1::Urgency::Urgent as i32),
        ),
        // The meter before the bill: "sayaç … fatura" is about the meter.
        (
            62,
            &["sayaç", "sayac"],
            "sayac",
            "Abone İşleri Birimi",
            None,
        ),
        (
            63,
            &["fatura", "abonelik"],
            "fatura",
            "Abone İşleri Birimi",
            None,
        ),
        (
            64,
            &["kirlilik", "gürültü", "koku"],
            "cevre_kirliligi",
            "Çevre Denetim Birimi",
            None,
        ),
    ];
    for (priority, keywords, category, unit_name, urgency) in by_words {
        let Some(target) = unit(unit_name) else {
            continue;
        };
        let rule = tekmerkez_routing::rules::Rule {
            id: uuid::Uuid::now_v7(),
            priority,
            category: None,
            keywords: keywords
                .iter()
                .map(|k| tekmerkez_turkish::fold(k))
                .collect(),
            channels: vec![tekmerkez_proto::common_v1::Channel::Email as i32],
            province_code: None,
            district: None,
            target_unit_id: target,
            urgency,
            application_type: None,
            assigned_category: Some(category.to_owned()),
            description: format!(
                "e-posta, sözcüklerle → {unit_name} ({})",
                tekmerkez_types::catalogue::name_of(&settings.intake.categories, category, false)
            ),
        };
        store.save(&rule, true, now).await?;
    }
    Ok(())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn landing_page(dev: &Dev) -> String {
    let mut rows = String::new();
    for u in dev.users() {
        let _ = write!(
            rows,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&u.username),
            escape(role_tr(u.role)),
            escape(&u.display_name)
        );
    }
    format!(
        r#"<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>tekmerkez — geliştirme</title>
<style>body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#1a1a1a}}td,th{{padding:.25rem .75rem;text-align:left}}code{{background:#f1f1f1;padding:0 .25rem}}</style></head>
<body><h1>tekmerkez</h1><p>Tek merkez: her kanaldan gelen başvurular tek yerden. Bu sunucu geliştirme kipinde çalışıyor (gömülü veritabanı, örnek veriler).</p>
<h2>Adresler</h2><ul><li><a href="/giris">Çalışan arayüzü</a> — aşağıdaki kullanıcılarla giriş</li><li><a href="/basvuru">Başvuru formu</a> — vatandaşın gördüğü form</li><li><a href="/kesintiler">Su kesintileri</a> — yayımlanan planlı ve plansız kesintiler (demo: İzmit'te süren planlı çalışma); çalışanlar için <a href="/olaylar">Olaylar</a></li><li><a href="/dev/sms">SMS kutusu</a>, <a href="/dev/mail">e-posta kutusu</a> ve <a href="/dev/social">sosyal medya kutusu</a> — bildirim servisinin vatandaşa gönderdikleri</li><li>Uygulama API'si: <code>POST /v1/applications</code>, <code>GET /v1/applications/{{takip}}?phone_last4=NNNN</code>, <a href="/openapi.json">OpenAPI</a></li><li>gRPC: <code>{grpc}</code> — <code>tekmerkez.case.v1.CaseService</code>, <code>DirectoryService</code>, sağlık ve yansıma</li></ul>
<h2>Örnek kullanıcılar</h2><p>Parola (hepsi için): <code>{pw}</code></p><table><thead><tr><th>Kullanıcı adı</th><th>Rol</th><th>Ad</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>"#,
        grpc = dev.grpc_addr(),
        pw = demo::DEMO_PASSWORD,
    )
}

fn role_tr(role: tekmerkez_case::domain::enums::Role) -> &'static str {
    use tekmerkez_case::domain::enums::Role;
    match role {
        Role::Admin => "Sistem yöneticisi",
        Role::PoolManager => "Havuz yöneticisi",
        Role::Expert => "Kurum uzmanı",
        Role::CallbackAgent => "Geri dönüş temsilcisi",
        Role::CallCentreAgent => "Çağrı merkezi temsilcisi",
        Role::PartnerClient => "Kurum entegrasyonu",
        Role::DirectorateManager => "Müdürlük yöneticisi",
        Role::KvkkOfficer => "KVKK sorumlusu",
    }
}
