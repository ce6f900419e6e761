//! The gateway's HTTP side: routes, cookies, security headers, the page
//! frame and the signed-in person of a request (`signed_in`).
//!
//! Each page module renders the template of its name (`manager.rs` →
//! `templates/manager.html`, more pages as `manager_<page>.html`) with the
//! texts of its name in [`crate::i18n`].

mod admin;
mod admin_calendar;
mod admin_deadlines;
mod admin_notify;
mod admin_reasons;
mod admin_report_mail;
mod assignment;
mod audit;
mod auth;
mod cases;
pub(crate) mod due;
mod email_problems;
mod entry;
mod home;
mod incidents;
mod letters;
mod live;
mod manager;
mod outages;
pub mod place_map;
mod profile;
mod ready_answers;
mod receipt;
mod record;
mod report_calls;
mod reports;
mod search;
mod signed_in;
mod survey;
mod track;
mod transfer;
mod views;

pub use entry::EntryState;
pub use track::TrackingLimits;

use std::sync::Arc;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    middleware::Next,
    response::{Html, IntoResponse, Response},
    routing::get,
};

use crate::{
    backend::Backend,
    i18n::{Lang, Texts, common::CommonTexts},
    session::{Session, SessionStore},
};

pub const SESSION_COOKIE: &str = "tmk_oturum";
/// The sign-in form's CSRF cookie (before there is a session).
pub const LOGIN_CSRF_COOKIE: &str = "tmk_giris";
pub const LANG_COOKIE: &str = "tmk_dil";

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub sessions: SessionStore,
    /// The case service.
    pub backend: Backend,
    /// `Secure` on cookies.
    pub secure_cookies: bool,
    /// Session idle time, for the cookie's Max-Age.
    pub idle_minutes: u32,
    /// `tekmerkez dev`: the sign-in page points to the demo users.
    pub dev_hint: bool,
    /// Category codes and names.
    pub categories: Arc<Vec<tekmerkez_types::catalogue::Category>>,
    /// The public tracking page's limits.
    pub tracking: TrackingLimits,
    /// Staff entry and receipts; `None` hides the entry screens.
    pub entry: Option<EntryState>,
    /// Whose desk this is: the name every page and receipt shows.
    pub institution: Arc<Institution>,
    /// Verifies citizens' signed links; `None` without a secret.
    pub links: Option<tekmerkez_signed_link::SignedLinks>,
    /// *Raporlar*'s large exports under way or done (in memory).
    pub report_jobs: crate::report_jobs::ReportJobs,
    /// How a record's place is drawn (`gateway.map`).
    pub map: crate::config::MapSettings,
    /// Every page's Content-Security-Policy: the pages' own, with the map's
    /// tile server allowed for images when one is set.
    pub csp: HeaderValue,
    /// Cancelled when the gateway stops: long-lived responses (the live
    /// desk's streams) end then, so a graceful shutdown does not wait on
    /// them.
    pub stopping: tokio_util::sync::CancellationToken,
}

/// The institution of the deployment, as the pages show it.
#[derive(Debug, Clone)]
pub struct Institution {
    pub name: String,
    pub short_name: String,
    /// The logo's bytes and media type, served at `/static/kurum-logosu`.
    pub logo: Option<(Vec<u8>, &'static str)>,
    /// The logo as the receipt PDF embeds it, when it can (see `pdf_image`).
    pub receipt_logo: Option<tekmerkez_pdf::Image>,
}

impl Institution {
    /// The institution of `s`, its logo read from disk.
    ///
    /// # Errors
    /// A logo that cannot be read or is not PNG, JPEG or SVG.
    pub fn load(s: &crate::config::InstitutionSettings) -> anyhow::Result<Self> {
        let logo = if s.logo_path.trim().is_empty() {
            None
        } else {
            let path = s.logo_path.trim();
            let kind = match path
                .rsplit('.')
                .next()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("png") => "image/png",
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("svg") => "image/svg+xml",
                _ => anyhow::bail!("institution.logo_path must be a .png, .jpg or .svg file"),
            };
            let bytes = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("institution.logo_path: reading the logo: {e}"))?;
            Some((bytes, kind))
        };
        let receipt_logo = logo
            .as_ref()
            .and_then(|(bytes, kind)| tekmerkez_pdf::Image::of(bytes, kind));
        if logo.is_some() && receipt_logo.is_none() {
            tracing::warn!(
                "institution.logo_path: the pages show the logo; the receipt PDF prints the \
                 name alone (it takes an 8-bit grey or RGB PNG without transparency, or a JPEG)"
            );
        }
        Ok(Self {
            name: s.name.trim().to_owned(),
            short_name: s.short().to_owned(),
            logo,
            receipt_logo,
        })
    }
}

tokio::task_local! {
    /// The institution of the request being served, for [`Frame::of`]
    /// (which many handlers call with the headers alone).
    static INSTITUTION: Arc<Institution>;
}

/// Runs the request with the deployment's institution in reach of every
/// page frame.
async fn brand(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    INSTITUTION
        .scope(state.institution.clone(), next.run(req))
        .await
}

/// `/static/kurum-logosu`: the institution's logo, if it has one.
async fn logo(axum::extract::State(state): axum::extract::State<Arc<AppState>>) -> Response {
    match &state.institution.logo {
        Some((bytes, kind)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The gateway standing alone: its pages and `/healthz`.
pub fn router(state: AppState) -> Router {
    pages(state).route("/healthz", get(|| async { "ok" }))
}

/// The gateway's pages, to merge into a router that already has `/healthz`
/// (`tekmerkez dev`).
pub fn pages(state: AppState) -> Router {
    let state = Arc::new(state);
    Router::new()
        .route("/", get(home::show))
        .route("/giris", get(auth::form).post(auth::submit))
        .route("/cikis", axum::routing::post(auth::sign_out))
        .route("/cagri-havuzu", get(cases::pool))
        .route("/cagri-havuzu/al", axum::routing::post(cases::claim))
        .route("/uzerimdeki", get(cases::mine))
        .route("/geri-donus", get(cases::callbacks))
        .route("/ulasilamayanlar", get(cases::not_reached))
        .route("/sure-yaklasan", get(due::due_soon))
        .route("/sure-gecen", get(due::overdue))
        .route(
            "/geri-donus/al",
            axum::routing::post(cases::claim_callbacks),
        )
        .route("/mektuplar", get(letters::show))
        .route("/mektuplar/postalandi", axum::routing::post(letters::mark))
        .route("/mektuplar/{id}/pdf", get(letters::pdf))
        .route("/raporlar", get(reports::show))
        .route("/raporlar/indir", get(reports::export))
        .route("/raporlar/donem-raporu", get(reports::period_report))
        .route("/raporlar/kayitlar", get(reports::cases))
        .route("/raporlar/is/{key}", get(reports::job))
        .route("/raporlar/is/{key}/dosya", get(reports::job_file))
        .route("/havuz", get(manager::show))
        .route("/havuz/ata", axum::routing::post(manager::assign))
        .route(
            "/havuz/{pool}/otomatik-atama",
            get(assignment::show).post(assignment::save_pool),
        )
        .route(
            "/havuz/{pool}/otomatik-atama/uzman",
            axum::routing::post(assignment::save_expert),
        )
        .route("/musaitlik", axum::routing::post(assignment::presence))
        .route("/ara", get(search::search))
        .route("/canli", get(live::stream))
        .route("/canli/sayilar", get(live::counts))
        .route("/kayit/sonraki", get(views::next))
        .route("/gorunumler/kaydet", axum::routing::post(views::save))
        .route("/gorunumler/sil", axum::routing::post(views::delete))
        .route("/static/keyboard.js", get(views::keyboard_script))
        .route("/kayit/{id}", get(record::show))
        .route("/kayit/{id}/not", axum::routing::post(record::add_note))
        .route("/kayit/{id}/kaydet", axum::routing::post(record::close))
        .route("/kayit/{id}/tur", axum::routing::post(record::reclassify))
        .route(
            "/kayit/{id}/sure-uzat",
            axum::routing::post(record::extend_deadline),
        )
        .route(
            "/kayit/{id}/bilgi-bekle",
            axum::routing::post(record::await_citizen),
        )
        .route(
            "/kayit/{id}/bilgi-geldi",
            axum::routing::post(record::citizen_answered),
        )
        .route(
            "/kayit/{id}/aktar",
            get(transfer::show).post(transfer::submit),
        )
        .route("/kayit/{id}/al", axum::routing::post(record::claim))
        .route("/kayit/{id}/birlestir", axum::routing::post(record::merge))
        .route(
            "/kayit/{id}/yinelenen-degil",
            axum::routing::post(record::dismiss_duplicate),
        )
        .route(
            "/kayit/{id}/olaya-bagla",
            axum::routing::post(incidents::link_record),
        )
        .route("/olaylar", get(incidents::list).post(incidents::declare))
        .route("/olaylar/{id}", get(incidents::show))
        .route("/olaylar/{id}/bagla", axum::routing::post(incidents::link))
        .route(
            "/olaylar/{id}/cikar",
            axum::routing::post(incidents::unlink),
        )
        .route("/olaylar/{id}/kapat", axum::routing::post(incidents::close))
        .route("/kayit/{id}/ata", axum::routing::post(record::assign))
        .route(
            "/kayit/{id}/yeniden-ac",
            axum::routing::post(record::reopen),
        )
        .route(
            "/kayit/{id}/ulasilamadi",
            axum::routing::post(record::resolve_not_reached),
        )
        .route("/kayit/{id}/ek/{file}", get(record::attachment))
        .route(
            "/kayit/{id}/geri-donus",
            axum::routing::post(record::record_callback),
        )
        .route("/takip", get(track::form).post(track::lookup))
        .route("/kesintiler", get(outages::show))
        .route("/takip/d/{token}", get(survey::status))
        .route("/anket/{token}", get(survey::form).post(survey::answer))
        .route("/anket/{token}/tesekkurler", get(survey::thanks))
        .route(
            "/anket/{token}/ret",
            get(survey::opted_out).post(survey::opt_out),
        )
        .route("/kullanici", get(profile::show).post(profile::save))
        .route(
            "/kullanici/izin-gunleri",
            axum::routing::post(profile::save_absences),
        )
        .route("/yonetim", get(admin::show))
        .route(
            "/yonetim/kullanici",
            axum::routing::post(admin::create_user),
        )
        .route(
            "/yonetim/kullanici/{id}",
            get(admin::edit_user).post(admin::update_user),
        )
        .route(
            "/yonetim/teskilat",
            axum::routing::post(admin::create_organisation),
        )
        .route(
            "/yonetim/havuz/{id}/yoneticiler",
            axum::routing::post(admin::set_pool_managers),
        )
        .route("/yonetim/kural", axum::routing::post(admin::create_rule))
        .route(
            "/yonetim/kapanis-nedenleri",
            get(admin_reasons::show).post(admin_reasons::create),
        )
        .route(
            "/yonetim/sure-kurallari",
            get(admin_deadlines::show).post(admin_deadlines::put),
        )
        .route(
            "/yonetim/sure-kurallari/sil",
            axum::routing::post(admin_deadlines::delete),
        )
        .route(
            "/yonetim/kapanis-nedenleri/{code}",
            axum::routing::post(admin_reasons::update),
        )
        .route("/yonetim/bildirimler", get(admin_notify::show))
        .route("/yonetim/rapor-alicilari", get(admin_report_mail::show))
        .route(
            "/yonetim/rapor-alicilari/{directorate}",
            axum::routing::post(admin_report_mail::save),
        )
        .route(
            "/yonetim/rapor-alicilari/{directorate}/gonder",
            axum::routing::post(admin_report_mail::send),
        )
        .route("/yonetim/takvim", get(admin_calendar::show))
        .route(
            "/yonetim/takvim/gun",
            axum::routing::post(admin_calendar::save_day),
        )
        .route(
            "/yonetim/takvim/kaldir",
            axum::routing::post(admin_calendar::remove_day),
        )
        .route(
            "/yonetim/takvim/onayla",
            axum::routing::post(admin_calendar::confirm_year),
        )
        .route(
            "/yonetim/bildirimler/sablon",
            axum::routing::post(admin_notify::save_template),
        )
        .route(
            "/yonetim/bildirimler/kural/{key}",
            axum::routing::post(admin_notify::switch_rule),
        )
        .route(
            "/yonetim/kural/{id}/sil",
            get(admin::confirm_delete_rule).post(admin::delete_rule),
        )
        .route(
            "/hazir-cevaplar",
            get(ready_answers::show).post(ready_answers::save),
        )
        .route(
            "/hazir-cevaplar/{id}/kaldir",
            axum::routing::post(ready_answers::retire),
        )
        .route("/bilgi-bankasi", get(ready_answers::knowledge_base))
        .route(
            "/kayit/{id}/hazir-cevap",
            axum::routing::post(record::insert_ready_answer),
        )
        .route(
            "/kayit/{id}/onizle",
            axum::routing::post(record::preview_answer),
        )
        .route("/kayit-girisi/{kind}", get(entry::form).post(entry::submit))
        .route("/aldigim-kayitlar", get(entry::taken))
        .route("/eposta-sorunlari", get(email_problems::show))
        .route("/denetim-izi", get(audit::show))
        .route("/denetim-izi.csv", get(audit::csv))
        .route("/alindi/{tracking}", get(receipt::page))
        .route("/alindi/{tracking}/pdf", get(receipt::pdf))
        .route("/static/receipt.css", get(receipt::stylesheet))
        .route("/static/print.js", get(receipt::print_script))
        .route("/static/pickers.js", get(entry::picker_script))
        .route("/static/live.js", get(live::script))
        .route("/static/live-worker.js", get(live::worker_script))
        .route("/static/site.css", get(stylesheet))
        .route("/static/kurum-logosu", get(logo))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), access))
        .layer(axum::middleware::from_fn(language))
        .layer(axum::middleware::from_fn_with_state(state.clone(), brand))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Serves the request inside its [`crate::backend::RequestAccess`], so the
/// case service records one audit entry per page and knows where it came
/// from: the client behind the trusted proxies, and the first 16 hex digits
/// of the session cookie's SHA-256 (a mark that tells sessions apart and
/// cannot be turned back into one).
async fn access(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    use sha2::{Digest as _, Sha256};
    let connection = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let client = connection
        .map(|ip| state.tracking.client_of(ip, req.headers()).to_string())
        .unwrap_or_default();
    let session = cookie(req.headers(), SESSION_COOKIE).map(|id| {
        let digest = Sha256::digest(id.as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    });
    let a = crate::backend::RequestAccess {
        request: uuid::Uuid::new_v4(),
        client,
        session,
    };
    crate::backend::ACCESS.scope(a, next.run(req)).await
}

/// Pages are never framed, never cached, and run only their own scripts;
/// images come from this origin and the map's tile server, if any
/// ([`AppState::csp`]).
async fn security_headers(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(state.csp.clone());
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    res
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/site.css"),
    )
        .into_response()
}

/// `?lang=en` (or `tr`) on any page switches the language: the request is
/// served in it and a cookie keeps it.
async fn language(mut req: Request, next: Next) -> Response {
    let chosen = req.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == "lang")
            .map(|(_, v)| Lang::parse(v))
    });
    let Some(chosen) = chosen else {
        return next.run(req).await;
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{LANG_COOKIE}={}", chosen.code())) {
        req.headers_mut().append(header::COOKIE, v);
    }
    let mut res = next.run(req).await;
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(match chosen {
            Lang::Tr => "tmk_dil=tr; Path=/; SameSite=Lax; Max-Age=31536000",
            Lang::En => "tmk_dil=en; Path=/; SameSite=Lax; Max-Age=31536000",
        }),
    );
    res
}

async fn not_found(headers: HeaderMap) -> Response {
    let frame = Frame::of(&headers);
    message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found)
}

/// A posted form's (or a query string's) decoded name–value pairs, in order;
/// repeated names stay repeated.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The last value given for `key` among `pairs` (a repeated query key:
/// the later one wins, as a form re-submitted with an extra field).
pub fn last_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// 403 with the "you may not do this" page.
pub fn refuse(frame: &Frame) -> Response {
    message_page(frame, StatusCode::FORBIDDEN, frame.c.not_allowed)
}

/// A short page with one message and a way back to the menu.
pub fn message_page(frame: &Frame, status: StatusCode, text: &str) -> Response {
    #[derive(askama::Template)]
    #[template(path = "message.html")]
    struct MessagePage<'a> {
        frame: &'a Frame,
        text: &'a str,
    }
    let mut r = render(&MessagePage { frame, text });
    *r.status_mut() = status;
    r
}

/// The value of cookie `name` (the last one sent, if several).
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        // The last wins: `language` appends the newly chosen one.
        .rfind(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let s = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&s).unwrap_or(HeaderValue::from_static("tmk_invalid=; Max-Age=0"))
}

/// The request's language: the cookie, else Turkish.
pub fn lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).map_or(Lang::Tr, Lang::parse)
}

/// The signed-in session of a request, if any.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Option<(String, Session)> {
    let id = cookie(headers, SESSION_COOKIE)?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match state.sessions.get(id, jiff::Timestamp::now()).await {
        Ok(s) => s.map(|s| (id.to_owned(), s)),
        Err(e) => {
            tracing::error!(error.message = %e, "reading a session failed");
            None
        }
    }
}

/// To the sign-in page; saying the session ended when the browser still
/// presented one (it expired, or was ended by a password change or sign-out
/// elsewhere), so that a person whose form was not saved knows why.
pub fn sign_in_again(headers: &HeaderMap) -> Response {
    if cookie(headers, SESSION_COOKIE).is_some() {
        see_other("/giris?durum=sure-doldu")
    } else {
        see_other("/giris")
    }
}

/// A redirect after a POST (303) or to sign in.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// A phone number as a desk reads and dials it (`0532 123 45 67`); a masked
/// or unparsable one is shown as it came.
pub fn readable_phone(raw: &str) -> String {
    tekmerkez_types::contact::PhoneNumber::parse(raw)
        .map_or_else(|_| raw.to_owned(), |p| p.national())
}

/// Renders an askama template, or a plain 500 if it cannot.
pub fn render(t: &impl askama::Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "rendering a page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What the page frame needs: the request's language, the words every
/// page shares and, for a signed-in person, the desk menu. A handler takes
/// it as an extractor (it never fails).
pub struct Frame {
    /// The request's language.
    pub lang: Lang,
    /// The shared words in it.
    pub c: &'static CommonTexts,
    /// The desk menu of the signed-in person's role (empty when nobody is
    /// signed in), with the counts read for this page.
    pub nav: Vec<NavItem>,
    /// The institution whose desk this is.
    pub institution: Arc<Institution>,
    /// An expert's presence for the header's toggle (read on a GET only).
    pub presence: Option<bool>,
    /// The page's own address, for a header form to come back to.
    pub here: String,
}

/// One entry of the desk menu.
pub struct NavItem {
    pub label: &'static str,
    pub path: &'static str,
    /// How many records the screen lists now (`"100+"` past the cap);
    /// `None` for screens that list none, or when the count was not read.
    pub count: Option<String>,
    /// The page shown is this screen.
    pub current: bool,
}

impl Frame {
    /// The frame for `headers`' language, without the desk menu.
    pub fn of(headers: &HeaderMap) -> Self {
        let lang = lang(headers);
        Self {
            lang,
            c: &lang.texts().common,
            nav: Vec::new(),
            institution: INSTITUTION.try_with(Arc::clone).unwrap_or_else(|_| {
                Arc::new(Institution {
                    name: String::new(),
                    short_name: String::new(),
                    logo: None,
                    receipt_logo: None,
                })
            }),
            presence: None,
            here: String::new(),
        }
    }

    /// Every text in the frame's language (a page takes its own).
    pub fn texts(&self) -> &'static Texts {
        self.lang.texts()
    }

    /// Whether catalogue names are shown in English.
    pub fn english(&self) -> bool {
        self.lang.is_english()
    }
}

/// The signed-in session read once per request, shared by [`Frame`] and
/// [`signed_in::SignedIn`] through the request's extensions.
#[derive(Clone)]
pub(super) struct SessionOfRequest(pub(super) Option<(String, Session)>);

/// The request's session, read from the store once and then kept in the
/// request's extensions.
pub(super) async fn session_of(state: &AppState, parts: &mut Parts) -> Option<(String, Session)> {
    if let Some(SessionOfRequest(s)) = parts.extensions.get::<SessionOfRequest>() {
        return s.clone();
    }
    let s = current(state, &parts.headers).await;
    parts.extensions.insert(SessionOfRequest(s.clone()));
    s
}

/// The case-service view each counted menu entry lists.
fn counted_view(path: &str) -> Option<tekmerkez_proto::case_v1::CaseView> {
    use tekmerkez_proto::case_v1::CaseView;
    match path {
        "/cagri-havuzu" | "/havuz" => Some(CaseView::Pool),
        "/uzerimdeki" => Some(CaseView::Mine),
        "/geri-donus" => Some(CaseView::CallbackPool),
        "/ulasilamayanlar" => Some(CaseView::NotReached),
        "/sure-yaklasan" => Some(CaseView::DueSoon),
        "/sure-gecen" => Some(CaseView::Overdue),
        _ => None,
    }
}

/// A count as the menu shows it: `"100+"` past the cap.
pub fn capped_count(count: u32, capped: bool, lang: Lang) -> String {
    let n = thousands(count, lang);
    if capped { format!("{n}+") } else { n }
}

/// `1000` as `1 000` (Turkish) or `1,000` (English).
pub fn thousands(n: u32, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = if lang.is_english() { ',' } else { ' ' };
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

/// The desk menu of `s`'s role, `path` marked as the current screen; the
/// counts are read (one call for all) when `count` is set.
async fn desk_menu(
    state: &AppState,
    s: &Session,
    lang: Lang,
    path: &str,
    count: bool,
) -> Vec<NavItem> {
    use tekmerkez_proto::case_v1::{CountCasesRequest, Role};
    let role = Role::try_from(s.role).unwrap_or(Role::Unspecified);
    let reports = state.backend.reports().is_some();
    let mut nav: Vec<NavItem> = home::menu(lang.texts(), role)
        .into_iter()
        // Without a reports service there is no *Raporlar* to lead to.
        .filter(|(_, p)| reports || *p != "/raporlar")
        .map(|(label, p)| NavItem {
            label,
            path: p,
            count: None,
            current: path == p,
        })
        .collect();
    if count && nav.iter().any(|i| i.path == "/mektuplar") {
        count_letters(state, s, lang, &mut nav).await;
    }
    let views: Vec<i32> = nav
        .iter()
        .filter_map(|i| counted_view(i.path))
        .map(|v| v as i32)
        .collect();
    if !count || views.is_empty() {
        return nav;
    }
    let req = state
        .backend
        .as_user(s.user_id, CountCasesRequest { views });
    match state.backend.cases().count_cases(req).await {
        Ok(r) => {
            for c in r.into_inner().counts {
                for item in nav
                    .iter_mut()
                    .filter(|i| counted_view(i.path).is_some_and(|v| v as i32 == c.view))
                {
                    item.count = Some(capped_count(c.count, c.capped, lang));
                }
            }
        }
        // The menu still leads everywhere; only the numbers are missing.
        Err(st) => tracing::warn!(code = ?st.code(), "counting the menu's records failed"),
    }
    nav
}

/// The letters waiting to be posted, on the menu's *Gönderilecek Mektuplar*.
async fn count_letters(state: &AppState, s: &Session, lang: Lang, nav: &mut [NavItem]) {
    let req = state
        .backend
        .as_user(s.user_id, tekmerkez_proto::case_v1::CountLettersRequest {});
    match state.backend.cases().count_letters(req).await {
        Ok(r) => {
            let r = r.into_inner();
            for item in nav.iter_mut().filter(|i| i.path == "/mektuplar") {
                item.count = Some(capped_count(r.count, r.capped, lang));
            }
        }
        Err(st) => tracing::warn!(code = ?st.code(), "counting the letters to post failed"),
    }
}

impl FromRequestParts<Arc<AppState>> for Frame {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let mut frame = Self::of(&parts.headers);
        if let Some((_, s)) = session_of(state, parts).await {
            // A page shown after a GET gets the counts; a form's answer
            // (a refusal shown again) keeps the menu without re-counting.
            let count = parts.method == axum::http::Method::GET;
            let expert = count && s.role == tekmerkez_proto::case_v1::Role::Expert as i32;
            let (nav, presence) = tokio::join!(
                desk_menu(state, &s, frame.lang, parts.uri.path(), count),
                async {
                    if expert {
                        assignment::presence_of(state, &s).await
                    } else {
                        None
                    }
                }
            );
            frame.nav = nav;
            frame.presence = presence;
            frame.here = parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        }
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_value_of_a_repeated_key_wins() {
        let pairs = form_pairs(b"donem=bu-ay&kirilim=il&donem=ozel&bos=");
        assert_eq!(last_value(&pairs, "donem"), Some("ozel"));
        assert_eq!(last_value(&pairs, "kirilim"), Some("il"));
        assert_eq!(last_value(&pairs, "bos"), Some(""));
        assert_eq!(last_value(&pairs, "yok"), None);
    }

    #[test]
    fn counts_group_thousands_as_each_language_writes_them() {
        assert_eq!(thousands(7, Lang::Tr), "7");
        assert_eq!(thousands(1000, Lang::Tr), "1 000");
        assert_eq!(thousands(1_234_567, Lang::En), "1,234,567");
        assert_eq!(capped_count(100, true, Lang::Tr), "100+");
        assert_eq!(capped_count(82, false, Lang::Tr), "82");
    }

    #[test]
    fn phones_read_as_a_desk_writes_them_and_masked_ones_stay_masked() {
        assert_eq!(super::readable_phone("+905454732603"), "0545 473 26 03");
        assert_eq!(super::readable_phone("+90545*****03"), "+90545*****03");
        assert_eq!(super::readable_phone(""), "");
    }

    #[test]
    fn cookies_are_found_among_several_headers_and_pairs() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; tmk_dil=en"));
        h.append(header::COOKIE, HeaderValue::from_static("tmk_oturum=abc"));
        assert_eq!(cookie(&h, "tmk_dil"), Some("en"));
        assert_eq!(cookie(&h, "tmk_oturum"), Some("abc"));
        assert_eq!(cookie(&h, "tmk"), None);
        assert_eq!(lang(&h), Lang::En);
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_when_asked() {
        let c = set_cookie("tmk_oturum", "x", 60, true);
        let c = c.to_str().unwrap();
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(c.contains(part), "{c}");
        }
        assert!(
            !set_cookie("a", "b", 1, false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }
}
