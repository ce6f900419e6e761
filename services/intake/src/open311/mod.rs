//! Open311 GeoReport v2 under `/open311/v2/`: a partner's system or a city
//! app files and follows requests without knowing tekmerkez's own API. It is
//! a channel like the partners' gRPC API and shares its model: each client
//! has its own `api_key` (intake keeps only the SHA-256), its own token
//! bucket and its KVKK consent terms, recorded as each application's
//! consent; its applications reach the case as the PARTNER channel with the
//! client as partner; a request is acknowledged only after the bus
//! acknowledged it; an `Idempotency-Key` header makes a replayed POST file
//! nothing twice.
//!
//! | route | what | api_key |
//! |---|---|---|
//! | `GET services.{json,xml}` | the category catalogue as services | no |
//! | `GET services/{code}.{json,xml}` | a service's attributes | no |
//! | `POST requests.{json,xml}` | file a request (form-encoded) | yes |
//! | `GET requests.{json,xml}` | the client's requests by id, service, status, dates | yes |
//! | `GET requests/{id}.{json,xml}` | one of the client's requests | yes |
//! | `GET tokens/{token}.{json,xml}` | a token's `service_request_id` | yes |
//!
//! The specification lets reads go without a key; here a request's
//! description, place and answer are personal data (KVKK), so a client
//! reads only its own requests, with its key. The service list is public.
//!
//! The `service_request_id` is the tracking number, chosen before the
//! application is published, so it is answered at once (`realtime`) unless
//! `intake.open311.request_ids` is `batch`. Status and answer come from the
//! case service, as for partners: `open` until the case is resolved, then
//! `closed` with the official answer as `status_notes`.
//!
//! - [`settings`]: the `intake.open311` settings.
//! - [`request`]: the POSTed form → the application, every violation named.
//! - [`format`]: one document tree written as the specification's XML or JSON.
//! - [`dates`]: W3C date-times in Europe/Istanbul.
//! - [`store`]: what each client filed.

pub mod dates;
pub mod format;
pub mod request;
pub mod settings;
pub mod store;

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use futures::StreamExt as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter, clock::Clock as _};
use jiff::Timestamp;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use tekmerkez_case_client::CaseClient;
use tekmerkez_proto::{case_v1 as case, common_v1 as common, intake_v1 as pb};
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::catalogue::Category;
use uuid::Uuid;

use crate::{
    application::{Consent, NewApplication, PartnerOrigin, at_micros},
    counters,
    publish::Publisher,
};
use format::{Format, Node};
use request::{Form, Refusal, Submitted};
use settings::{Open311Client, Open311Settings, RequestIds};
use store::{Filed, Open311Store};

/// The metrics' channel label of refusals here.
const CHANNEL: &str = "open311";
/// Case-service reads at once while answering a list.
const LOOKUPS_AT_ONCE: usize = 8;
/// The widest date range of a list (the specification's 90 days).
const MAX_RANGE: jiff::SignedDuration = jiff::SignedDuration::from_hours(90 * 24);

struct Client {
    settings: Open311Client,
    key_sha256: [u8; 32],
    /// One bucket per client: clients never share or starve each other's quota.
    limiter: DefaultDirectRateLimiter,
}

/// What the routes share, built by startup.
#[derive(Clone)]
pub struct Open311State {
    settings: Arc<Open311Settings>,
    categories: Arc<Vec<Category>>,
    clients: Arc<Vec<Client>>,
    store: Open311Store,
    publisher: Publisher,
    cases: CaseClient,
    smtputf8: bool,
    /// The institution's name: every request's `agency_responsible`.
    agency: Arc<str>,
}

impl std::fmt::Debug for Open311State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Open311State")
            .field("clients", &self.clients.len())
            .finish_non_exhaustive()
    }
}

impl Open311State {
    /// From intake's settings; the store connects lazily.
    ///
    /// # Errors
    /// An unusable database URL.
    pub fn new(
        settings: &crate::IntakeSettings,
        publisher: Publisher,
        cases: CaseClient,
    ) -> Result<Self, sqlx::Error> {
        use secrecy::ExposeSecret as _;
        let o = &settings.open311;
        let clients = o
            .clients
            .iter()
            .map(|c| {
                let mut hash = [0u8; 32];
                if let Ok(bytes) = hex::decode(&c.api_key_sha256)
                    && bytes.len() == 32
                {
                    hash.copy_from_slice(&bytes);
                }
                let per_minute = NonZeroU32::new(c.per_minute).unwrap_or(NonZeroU32::MIN);
                let burst = NonZeroU32::new(c.burst).unwrap_or(NonZeroU32::MIN);
                Client {
                    settings: c.clone(),
                    key_sha256: hash,
                    limiter: RateLimiter::direct(Quota::per_minute(per_minute).allow_burst(burst)),
                }
            })
            .collect();
        Ok(Self {
            settings: Arc::new(o.clone()),
            categories: Arc::new(settings.categories.clone()),
            clients: Arc::new(clients),
            store: Open311Store::connect(settings.database_url.expose_secret())?,
            publisher,
            cases,
            smtputf8: settings.smtputf8,
            agency: Arc::from(settings.institution.name.trim()),
        })
    }

    /// Whether the routes are served.
    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }
}

/// The routes under `/open311/v2/` (none when not enabled).
pub fn router(state: &Open311State) -> Router {
    if !state.enabled() {
        return Router::new();
    }
    let v2 = Router::new()
        .route("/{file}", get(top_get).post(top_post))
        .route("/services/{file}", get(service_definition))
        .route("/requests/{file}", get(one_request))
        .route("/tokens/{file}", get(token))
        .fallback(not_found)
        .with_state(state.clone());
    Router::new().nest("/open311/v2", v2)
}

// ---- answers ----

/// A GeoReport error answer: the specification's list of `{code, description}`.
struct Refused {
    status: StatusCode,
    descriptions: Vec<String>,
    retry_after: Option<u64>,
}

impl Refused {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            descriptions: vec![description.into()],
            retry_after: None,
        }
    }

    fn invalid(v: &tekmerkez_types::fields::Violations) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            descriptions: v
                .iter()
                .map(|f| format!("{}: {}", f.field, f.rule))
                .collect(),
            retry_after: None,
        }
    }

    fn unavailable(what: &str) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            descriptions: vec![format!("{what} is temporarily unavailable; retry")],
            retry_after: Some(1),
        }
    }

    fn render(self, format: Format) -> Response {
        let code = i64::from(self.status.as_u16());
        let doc = Node::List(
            "error",
            self.descriptions
                .into_iter()
                .map(|d| {
                    Node::Object(vec![
                        ("code", Node::Int(code)),
                        ("description", Node::text(d)),
                    ])
                })
                .collect(),
        );
        let mut res = answer(format, "errors", &doc, self.status);
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

fn answer(format: Format, root: &str, doc: &Node, status: StatusCode) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, format.content_type())],
        doc.render(root, format),
    )
        .into_response()
}

/// Any other path under `/open311/v2/`: 404 in the required format (XML).
async fn not_found() -> Response {
    Refused::new(StatusCode::NOT_FOUND, "no such resource").render(Format::Xml)
}

/// A path without `.json` or `.xml`: 404 in the required format (XML).
fn no_format() -> Response {
    Refused::new(
        StatusCode::NOT_FOUND,
        "no such resource; the path ends in .json or .xml",
    )
    .render(Format::Xml)
}

fn english(form: &Form, headers: &HeaderMap) -> bool {
    match form.get("locale") {
        Some(l) => l.to_ascii_lowercase().starts_with("en"),
        None => headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en")),
    }
}

impl Open311State {
    /// The configured `jurisdiction_id` or none.
    fn check_jurisdiction(&self, form: &Form) -> Result<(), Refused> {
        match form.get("jurisdiction_id") {
            Some(j) if j != self.settings.jurisdiction_id.trim() => Err(Refused::new(
                StatusCode::NOT_FOUND,
                "jurisdiction_id was not found",
            )),
            _ => Ok(()),
        }
    }

    /// The client whose `api_key` the request carries, within its quota.
    fn client(&self, form: &Form) -> Result<&Client, Refused> {
        let Some(key) = form.get("api_key") else {
            counters::count_rejected_because(CHANNEL, "forbidden");
            return Err(Refused::new(StatusCode::FORBIDDEN, "api_key is required"));
        };
        let digest = Sha256::digest(key.as_bytes());
        // Every client's hash is compared, so the time taken says nothing
        // about which (if any) matched.
        let mut found = None;
        for (i, c) in self.clients.iter().enumerate() {
            if bool::from(c.key_sha256.ct_eq(digest.as_slice())) {
                found = Some(i);
            }
        }
        let Some(client) = found.and_then(|i| self.clients.get(i)) else {
            counters::count_rejected_because(CHANNEL, "forbidden");
            return Err(Refused::new(
                StatusCode::FORBIDDEN,
                "Invalid api_key received -- can't proceed",
            ));
        };
        if let Err(not_until) = client.limiter.check() {
            counters::count_rejected_because(CHANNEL, "rate_limited");
            tracing::warn!(client = %client.settings.id, "open311 client over its quota");
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let mut r = Refused::new(
                StatusCode::TOO_MANY_REQUESTS,
                "requests per minute above the client's quota; retry later",
            );
            r.retry_after = Some(wait.max(Duration::from_secs(1)).as_secs().max(1));
            return Err(r);
        }
        Ok(client)
    }

    fn service_node(&self, c: &Category, english: bool) -> Node {
        let extra = self.settings.service(&c.code);
        let (group, keywords, metadata) = match extra {
            Some(s) => (
                if english {
                    s.group_en.clone()
                } else {
                    s.group_tr.clone()
                },
                s.keywords.clone(),
                !s.attributes.is_empty(),
            ),
            None => (
                if english { "General" } else { "Genel" }.to_owned(),
                String::new(),
                false,
            ),
        };
        let name = if english { &c.name_en } else { &c.name_tr };
        Node::Object(vec![
            ("service_code", Node::text(&c.code)),
            ("service_name", Node::text(name)),
            ("description", Node::text(name)),
            ("metadata", Node::Bool(metadata)),
            (
                "type",
                Node::text(match self.settings.request_ids {
                    RequestIds::Realtime => "realtime",
                    RequestIds::Batch => "batch",
                }),
            ),
            ("keywords", Node::opt(Some(keywords))),
            ("group", Node::text(group)),
        ])
    }
}

// ---- GET services, GET/POST requests ----

async fn top_get(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return no_format();
    };
    let form = Form::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let result = match name {
        "services" => services(&state, &form, &headers, format),
        "requests" => list_requests(&state, &form, &headers, format).await,
        "discovery" => Ok(discovery(format)),
        _ => Err(Refused::new(StatusCode::NOT_FOUND, "no such resource")),
    };
    result.unwrap_or_else(|r| r.render(format))
}

async fn top_post(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return no_format();
    };
    if name != "requests" {
        return Refused::new(StatusCode::METHOD_NOT_ALLOWED, "only requests takes a POST")
            .render(format);
    }
    create_request(&state, &headers, &body, format)
        .await
        .unwrap_or_else(|r| {
            if r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND {
                counters::count_rejected_because(CHANNEL, "invalid");
            } else if r.status == StatusCode::SERVICE_UNAVAILABLE {
                counters::count_rejected_because(CHANNEL, "unavailable");
            }
            r.render(format)
        })
}

/// The service discovery document, pointing at this endpoint.
fn discovery(format: Format) -> Response {
    let doc = Node::Object(vec![
        ("changeset", Node::text("2026-12-07T00:00:00+03:00")),
        ("contact", Node::text("tekmerkez")),
        (
            "key_service",
            Node::text("api_key: the institution issues one per client"),
        ),
        (
            "endpoints",
            Node::List(
                "endpoint",
                vec![Node::Object(vec![
                    (
                        "specification",
                        Node::text("http://wiki.open311.org/GeoReport_v2"),
                    ),
                    ("url", Node::text("/open311/v2")),
                    ("changeset", Node::text("2026-12-07T00:00:00+03:00")),
                    ("type", Node::text("production")),
                    (
                        "formats",
                        Node::List(
                            "format",
                            vec![Node::text("text/xml"), Node::text("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ]);
    answer(format, "discovery", &doc, StatusCode::OK)
}

fn services(
    state: &Open311State,
    form: &Form,
    headers: &HeaderMap,
    format: Format,
) -> Result<Response, Refused> {
    state.check_jurisdiction(form)?;
    let en = english(form, headers);
    let doc = Node::List(
        "service",
        state
            .categories
            .iter()
            .map(|c| state.service_node(c, en))
            .collect(),
    );
    Ok(answer(format, "services", &doc, StatusCode::OK))
}

async fn service_definition(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return no_format();
    };
    let form = Form::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    if let Err(r) = state.check_jurisdiction(&form) {
        return r.render(format);
    }
    if !state.categories.iter().any(|c| c.code == code) {
        return Refused::new(StatusCode::NOT_FOUND, "service_code was not found").render(format);
    }
    let en = english(&form, &headers);
    let attributes = state
        .settings
        .service(code)
        .map(|s| s.attributes.as_slice())
        .unwrap_or_default();
    let attrs = attributes
        .iter()
        .zip(1i64..)
        .map(|(a, order)| {
            Node::Object(vec![
                ("variable", Node::Bool(true)),
                ("code", Node::text(&a.code)),
                ("datatype", Node::text(&a.datatype)),
                ("required", Node::Bool(a.required)),
                ("datatype_description", Node::Text(None)),
                ("order", Node::Int(order)),
                (
                    "description",
                    Node::text(if en {
                        &a.description_en
                    } else {
                        &a.description_tr
                    }),
                ),
                (
                    "values",
                    Node::List(
                        "value",
                        a.values
                            .iter()
                            .map(|v| {
                                Node::Object(vec![
                                    ("key", Node::text(&v.key)),
                                    ("name", Node::text(if en { &v.name_en } else { &v.name_tr })),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let doc = Node::Object(vec![
        ("service_code", Node::text(code)),
        ("attributes", Node::List("attribute", attrs)),
    ]);
    answer(format, "service_definition", &doc, StatusCode::OK)
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Refused> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic()))
        .map(|s| Some(s.to_owned()))
        .ok_or_else(|| {
            Refused::new(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key: must be 1 to 200 visible ASCII characters",
            )
        })
}

#[tracing::instrument(
    name = "intake.open311.submit",
    skip_all,
    fields(client, application_id)
)]
async fn create_request(
    state: &Open311State,
    headers: &HeaderMap,
    body: &[u8],
    format: Format,
) -> Result<Response, Refused> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !form_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let form = Form::parse(body)
        .map_err(|_| Refused::new(StatusCode::BAD_REQUEST, "the body must be UTF-8"))?;
    state.check_jurisdiction(&form)?;
    let client = state.client(&form)?;
    let client_id = client.settings.id.clone();
    tracing::Span::current().record("client", client_id.as_str());
    let key = idempotency_key(headers)?;
    let submitted = request::validate(&form, &state.categories, &state.settings, state.smtputf8)
        .map_err(|r| match r {
            Refusal::UnknownService => {
                Refused::new(StatusCode::NOT_FOUND, "service_code was not found")
            }
            Refusal::Invalid(v) => Refused::invalid(&v),
        })?;
    let now = request::now_micros()
        .ok_or_else(|| Refused::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))?;
    let fresh = Filed {
        client_id: client_id.clone(),
        service_request_id: TrackingNumber::generate().as_str().to_owned(),
        token: Uuid::new_v4().simple().to_string(),
        application_id: Uuid::now_v7(),
        service_code: submitted.service_code.clone(),
        requested_at: now.as_microsecond(),
        idempotency_key: key,
        fingerprint: form.fingerprint(),
        media_url: submitted.media_url.clone(),
    };
    let filed = state.store.remember(&fresh).await.map_err(|e| {
        tracing::error!(error.message = %e, "open311 store failed");
        Refused::unavailable("the request store")
    })?;
    if filed.fingerprint != fresh.fingerprint {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "Idempotency-Key was already used for a different request",
        ));
    }
    tracing::Span::current().record("application_id", filed.application_id.to_string());
    // A replay publishes again exactly what the first request made (same
    // ids, same time), so a retry after a lost answer still ends in one case.
    let app = application(&submitted, &filed, &client.settings);
    let message = pb::ApplicationReceived::from(app);
    state.publisher.publish(&message).await.map_err(|e| {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "publishing an open311 request failed; not acknowledged");
        Refused::unavailable("recording the request")
    })?;
    state
        .store
        .mark_published(&filed.client_id, &filed.service_request_id)
        .await
        .map_err(|e| {
            tracing::error!(error.message = %e, "open311 store failed after publishing");
            Refused::unavailable("the request store")
        })?;
    tracing::info!(
        created = filed.application_id == fresh.application_id,
        "open311 request accepted"
    );
    let id = match state.settings.request_ids {
        RequestIds::Realtime => (
            "service_request_id",
            Node::text(shown(&filed.service_request_id)),
        ),
        RequestIds::Batch => ("token", Node::text(&filed.token)),
    };
    let doc = Node::List(
        "request",
        vec![Node::Object(vec![
            id,
            (
                "service_notice",
                Node::opt(Some(state.settings.service_notice.clone())),
            ),
            ("account_id", Node::Text(None)),
        ])],
    );
    Ok(answer(
        format,
        "service_requests",
        &doc,
        StatusCode::CREATED,
    ))
}

/// The application a request files, with the ids and time `filed` holds.
fn application(s: &Submitted, filed: &Filed, client: &Open311Client) -> NewApplication {
    let received_at = at_micros(filed.requested_at);
    // The client's own reference when it gave one, else the tracking number:
    // the case's partner reference is never empty beside its partner id.
    let reference = filed
        .idempotency_key
        .clone()
        .unwrap_or_else(|| filed.service_request_id.clone());
    NewApplication {
        id: filed.application_id,
        tracking_number: Some(filed.service_request_id.clone()),
        channel: common::Channel::Partner,
        category: s.service_code.clone(),
        category_is_default: false,
        text: s.text.clone(),
        place: s.place.clone(),
        contact: s.contact.clone(),
        reply: s.reply,
        // The client accepted its terms for its users: the consent of every
        // application it files, given when the request came.
        consent: Some(Consent {
            text_version: client.kvkk_text_version.trim().to_owned(),
            accepted_at: received_at,
            special_category: false,
        }),
        received_at,
        attachments: vec![],
        information_answer: None,
        source_reference: Some(reference.clone()),
        follow_up_of: None,
        recorded_by: None,
        application_type: common::ApplicationType::Unspecified,
        partner: Some(PartnerOrigin {
            id: client.id.clone(),
            source: client.source.to_proto(),
            reference,
        }),
    }
}

/// A tracking number as citizens see it (`7K2QF-9M3XA`).
fn shown(canonical: &str) -> String {
    TrackingNumber::parse(canonical).map_or_else(|_| canonical.to_owned(), |t| t.to_string())
}

// ---- reading requests ----

async fn one_request(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return no_format();
    };
    let form = Form::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let result = async {
        state.check_jurisdiction(&form)?;
        let client = state.client(&form)?;
        let en = english(&form, &headers);
        let found = match TrackingNumber::parse(id) {
            Ok(tn) => state
                .store
                .by_id(&client.settings.id, tn.as_str())
                .await
                .map_err(store_failed)?,
            // A mistyped id is answered like another client's.
            Err(_) => None,
        };
        let Some(filed) = found else {
            return Err(Refused::new(
                StatusCode::NOT_FOUND,
                "service_request_id was not found",
            ));
        };
        let node = state.request_node(&filed, en).await?;
        Ok(answer(
            format,
            "service_requests",
            &Node::List("request", vec![node]),
            StatusCode::OK,
        ))
    }
    .await;
    result.unwrap_or_else(|r| r.render(format))
}

fn store_failed(e: sqlx::Error) -> Refused {
    tracing::error!(error.message = %e, "open311 store failed");
    Refused::unavailable("the request store")
}

async fn list_requests(
    state: &Open311State,
    form: &Form,
    headers: &HeaderMap,
    format: Format,
) -> Result<Response, Refused> {
    state.check_jurisdiction(form)?;
    let client = state.client(form)?;
    let en = english(form, headers);
    let limit = state.settings.list_limit;
    let ids = form.list("service_request_id");
    let (filed, statuses) = if !ids.is_empty() {
        // The ids override every other argument; unknown ones are left out.
        let mut found = Vec::new();
        for id in ids.iter().take(limit as usize) {
            if let Ok(tn) = TrackingNumber::parse(id)
                && let Some(f) = state
                    .store
                    .by_id(&client.settings.id, tn.as_str())
                    .await
                    .map_err(store_failed)?
            {
                found.push(f);
            }
        }
        (found, Vec::new())
    } else {
        let mut v = tekmerkez_types::fields::Violations::new();
        let statuses = form.list("status");
        if statuses.iter().any(|s| s != "open" && s != "closed") {
            v.add("status", "must be open or closed");
        }
        let codes = form.list("service_code");
        let mut date = |name: &'static str| {
            form.get(name).and_then(|raw| {
                let t = dates::parse_w3c(raw);
                if t.is_none() {
                    v.add(
                        name,
                        "must be a W3C date-time with an offset (2026-01-01T00:00:00Z)",
                    );
                }
                t
            })
        };
        let start = date("start_date");
        let end = date("end_date");
        let (from, to) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + MAX_RANGE),
            (None, Some(e)) => (e - MAX_RANGE, e),
            (None, None) => {
                let now = Timestamp::now();
                (now - MAX_RANGE, now)
            }
        };
        if to < from {
            v.add("end_date", "must not be before start_date");
        } else if to.duration_since(from) > MAX_RANGE {
            v.add("end_date", "must be at most 90 days after start_date");
        }
        v.into_result().map_err(|v| Refused::invalid(&v))?;
        let q = store::Query {
            from: from.as_microsecond(),
            to: to.as_microsecond(),
            service_codes: codes,
            limit,
        };
        (
            state
                .store
                .list(&client.settings.id, &q)
                .await
                .map_err(store_failed)?,
            statuses,
        )
    };
    let nodes: Vec<Result<Node, Refused>> = futures::stream::iter(filed)
        .map(|f| {
            let state = state.clone();
            async move { state.request_node(&f, en).await }
        })
        .buffered(LOOKUPS_AT_ONCE)
        .collect()
        .await;
    let mut items = Vec::new();
    for n in nodes {
        let n = n?;
        if !statuses.is_empty() {
            let status = match &n {
                Node::Object(fields) => fields
                    .iter()
                    .find(|(k, _)| *k == "status")
                    .map(|(_, v)| v.clone()),
                _ => None,
            };
            if !statuses
                .iter()
                .any(|s| status.as_ref() == Some(&Node::text(s.as_str())))
            {
                continue;
            }
        }
        items.push(n);
    }
    Ok(answer(
        format,
        "service_requests",
        &Node::List("request", items),
        StatusCode::OK,
    ))
}

async fn token(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return no_format();
    };
    let form = Form::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let result = async {
        state.check_jurisdiction(&form)?;
        let client = state.client(&form)?;
        let found = state
            .store
            .by_token(&client.settings.id, token.trim())
            .await
            .map_err(store_failed)?;
        let Some(filed) = found else {
            return Err(Refused::new(StatusCode::NOT_FOUND, "token was not found"));
        };
        // The id is given once the case exists; until then the token alone.
        let id = state
            .case_of(&filed)
            .await?
            .map(|_| shown(&filed.service_request_id));
        let doc = Node::List(
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::opt(id)),
                ("token", Node::text(&filed.token)),
            ])],
        );
        Ok(answer(format, "service_requests", &doc, StatusCode::OK))
    }
    .await;
    result.unwrap_or_else(|r| r.render(format))
}

impl Open311State {
    /// The case of a request, `None` while routing has not opened it.
    async fn case_of(&self, filed: &Filed) -> Result<Option<case::Case>, Refused> {
        let call = tonic::Request::new(case::GetCaseRequest {
            case_id: String::new(),
            tracking_number: filed.service_request_id.clone(),
        });
        match self.cases.clone().get_case(call).await {
            Ok(r) => Ok(r.into_inner().case),
            Err(s) if s.code() == tonic::Code::NotFound => Ok(None),
            Err(s) => {
                tracing::warn!(code = ?s.code(), "case service read failed");
                Err(Refused::unavailable("the case service"))
            }
        }
    }

    /// One request as GET answers it: what the case says, else what intake
    /// knows. No contact details: the specification returns none.
    async fn request_node(&self, filed: &Filed, en: bool) -> Result<Node, Refused> {
        let case = self.case_of(filed).await?;
        let requested = at_micros(filed.requested_at);
        let ts = |t: &Option<prost_types::Timestamp>| {
            t.as_ref()
                .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok())
        };
        let code = case
            .as_ref()
            .map_or(filed.service_code.clone(), |c| c.category.clone());
        let service_name =
            tekmerkez_types::catalogue::name_of(&self.categories, &code, en).to_owned();
        let (status, notes, updated, expected, description, address, coordinates) = match &case {
            None => (
                "open",
                Some(if en { "Received" } else { "Alındı" }.to_owned()),
                requested,
                None,
                None,
                None,
                None,
            ),
            Some(c) => {
                let status = case::CaseStatus::try_from(c.status).unwrap_or_default();
                let closed = status == case::CaseStatus::Resolved;
                let notes = if closed {
                    Some(c.official_answer.clone())
                } else {
                    Some(
                        match (status, en) {
                            (case::CaseStatus::Held, false) => "Uzman tarafından inceleniyor",
                            (case::CaseStatus::Held, true) => "Being examined by an expert",
                            (case::CaseStatus::AwaitingCallback, false) => {
                                "Yanıtlandı; size dönüş yapılacak"
                            }
                            (case::CaseStatus::AwaitingCallback, true) => {
                                "Answered; you will be called back"
                            }
                            (_, false) => "Alındı, ilgili birimde sırada",
                            (_, true) => "Received, queued at the unit concerned",
                        }
                        .to_owned(),
                    )
                };
                let updated = [&c.resolved_at, &c.closed_at, &c.held_since]
                    .into_iter()
                    .find_map(ts)
                    .or_else(|| ts(&c.entered_pool_at))
                    .or_else(|| ts(&c.created_at))
                    .unwrap_or(requested);
                let description = c
                    .text
                    .split(request::DETAILS_MARKER)
                    .next()
                    .map(str::to_owned);
                let (address, coordinates) = match &c.location {
                    Some(l) => {
                        let province = u8::try_from(l.province_code)
                            .ok()
                            .and_then(tekmerkez_geo::province_by_code)
                            .map(|p| p.name().to_owned());
                        let parts: Vec<String> = [Some(l.district.clone()), province]
                            .into_iter()
                            .flatten()
                            .filter(|s| !s.is_empty())
                            .collect();
                        (
                            (!parts.is_empty()).then(|| parts.join(", ")),
                            l.coordinates.as_ref().map(|c| (c.latitude, c.longitude)),
                        )
                    }
                    None => (None, None),
                };
                (
                    if closed { "closed" } else { "open" },
                    notes,
                    updated,
                    ts(&c.internal_due_at),
                    description,
                    address,
                    coordinates,
                )
            }
        };
        let coordinate = |v: Option<f64>| v.map_or(Node::Text(None), Node::Float);
        Ok(Node::Object(vec![
            (
                "service_request_id",
                Node::text(shown(&filed.service_request_id)),
            ),
            ("status", Node::text(status)),
            ("status_notes", Node::opt(notes)),
            ("service_name", Node::text(service_name)),
            ("service_code", Node::text(code)),
            ("description", Node::opt(description)),
            (
                "agency_responsible",
                Node::opt(Some(self.agency.to_string())),
            ),
            (
                "service_notice",
                Node::opt(Some(self.settings.service_notice.clone())),
            ),
            ("requested_datetime", Node::text(dates::w3c(requested))),
            ("updated_datetime", Node::text(dates::w3c(updated))),
            ("expected_datetime", Node::opt(expected.map(dates::w3c))),
            ("address", Node::opt(address)),
            ("address_id", Node::Text(None)),
            ("zipcode", Node::Text(None)),
            ("lat", coordinate(coordinates.map(|c| c.0))),
            ("long", coordinate(coordinates.map(|c| c.1))),
            ("media_url", Node::opt(filed.media_url.clone())),
        ]))
    }
}

#[cfg(test)]
mod tests;
