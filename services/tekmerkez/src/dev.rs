//! `tekmerkez dev`: every service in one process on the embedded backends
//! (SQLite databases under the data directory: the case store and the
//! durable embedded bus), with the demo
//! organisation, users and cases loaded on first start, and a small HTTP
//! page on the HTTP address that lists what is served and how to log in.

use std::{fmt::Write as _, net::SocketAddr, path::Path, sync::Arc};

use anyhow::Context as _;
use axum::{Router, response::Html, routing::get};
use rand::RngCore as _;
use secrecy::SecretString;
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
    http: TcpListener,
    http_addr: SocketAddr,
    users: Vec<DemoUser>,
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

impl Dev {
    /// Points the case service at SQLite under `data_dir`, binds both
    /// listeners, and loads the demo data when the store is empty.
    ///
    /// # Errors
    /// When the data directory cannot be created, a port is taken, or seeding fails.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let dir = settings.dev.data_dir.clone();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the data directory {}", dir.display()))?;
        let db = dir.join("case.db");
        settings.case.database.url = SecretString::from(format!("sqlite://{}", db.display()));
        settings.case.database.migrate_on_start = true;
        // In one process the gateway and routing talk in-process; their tokens
        // only need to be unguessable for the lifetime of this process.
        for name in ["gateway", "routing", "intake", "notify"] {
            settings
                .case
                .auth
                .service_tokens
                .insert(name.to_owned(), SecretString::from(random_token()));
        }
        settings.case.validate()?;
        let bus_path = dir.join("bus.db");
        let bus = Arc::new(
            EmbeddedBus::open(&format!("sqlite://{}", bus_path.display()))
                .await
                .context("opening the embedded bus")?,
        );
        let case =
            Application::build(settings.case.clone(), Some(bus), Arc::new(SystemClock)).await?;
        let users = demo::seed(case.app(), settings.dev.demo_cases)
            .await
            .context("loading the demo data")?;
        let http = TcpListener::bind(&settings.dev.http_listen)
            .await
            .with_context(|| {
                format!("binding the HTTP listener on {}", settings.dev.http_listen)
            })?;
        let http_addr = http.local_addr()?;
        Ok(Self {
            case,
            http,
            http_addr,
            users,
        })
    }

    /// The gRPC address.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.case.addr()
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
        let _ = writeln!(s, "  HTTP   http://{}/", self.http_addr());
        let _ = writeln!(
            s,
            "  gRPC   {}  (tekmerkez.case.v1.CaseService, DirectoryService; health and reflection)",
            self.grpc_addr()
        );
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
        let router = Router::new()
            .route("/", get(move || async move { Html(page) }))
            .route("/healthz", get(|| async { "ok" }));
        let http_shutdown = shutdown.clone();
        let http = axum::serve(self.http, router)
            .with_graceful_shutdown(async move { http_shutdown.cancelled().await });
        let (case, http) = tokio::join!(self.case.run_until_stopped(shutdown.clone()), async {
            http.await.context("serving HTTP")
        });
        case.and(http)
    }
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
<h2>Adresler</h2><ul><li>gRPC: <code>{grpc}</code> — <code>tekmerkez.case.v1.CaseService</code>, <code>DirectoryService</code>, sağlık ve yansıma</li><li>HTTP: bu sayfa ve <code>/healthz</code></li></ul>
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
    }
}
