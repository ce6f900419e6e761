//! The OpenAPI document of the app API (`GET /openapi.json`), generated
//! from the handlers' `#[utoipa::path]` attributes and the request and
//! response types. What the types cannot carry (the values `parse` accepts,
//! length limits, descriptions beyond the doc comments) `rules` adds by JSON
//! pointer, from the constants the parser uses where there are some.
//!
//! The tests hold the document to what the API accepts: the properties,
//! unknown fields, required fields, listed values and limits through serde
//! and `application::parse`, and the listed values, header bounds and
//! answer codes through the real router. `services/intake/openapi.json` is
//! a copy for reviewers, checked against the generated document; after a
//! change, regenerate it with
//! `INTAKE_WRITE_OPENAPI=1 cargo nextest run -p tekmerkez-intake the_committed_copy_is_what_is_served`.

use std::{collections::BTreeMap, sync::LazyLock};

use serde_json::{Value, json};
use utoipa::OpenApi as _;

use crate::application::{ATTACHMENT_TYPES, MAX_ATTACHMENTS, MAX_TEXT};
use tekmerkez_types::limits;

/// The error shape every route answers with ([`crate::api_error::ApiError`]
/// renders it); only described here.
#[derive(utoipa::ToSchema)]
#[schema(as = Error)]
#[expect(dead_code, reason = "a description of ApiError's body, never built")]
pub(super) struct ErrorBody {
    message: String,
    errors: BTreeMap<String, Vec<String>>,
}

/// The public name of a case status (see `api::public_status`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[expect(dead_code, reason = "a description of the status names, never built")]
pub(super) enum PublicStatus {
    Received,
    InProgress,
    AnsweredAwaitingCallback,
    Resolved,
}

/// The values of `channel` that `application::parse` accepts.
const CHANNELS: [&str; 2] = ["web_form", "mobile_app"];
/// The values of `reply_channel` that `application::parse` accepts.
const REPLY_CHANNELS: [&str; 4] = ["sms", "phone", "email", "letter"];
/// The longest KVKK notice version `application::parse` accepts, in bytes.
const MAX_TEXT_VERSION: usize = 64;
/// The longest attachment file name `application::parse` accepts.
const MAX_FILE_NAME: usize = 200;

/// The generated part of the document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "tekmerkez intake",
        version = "1.0.0",
        description = "Submit citizens' applications from the mobile app or an HTTP partner, and read their public status. An application is acknowledged (202) only after it is durably recorded. Errors share one shape: {\"message\": string, \"errors\": {field: [rule]}}.",
    ),
    paths(
        super::api::submit,
        super::api::status,
        super::reports::summary,
        super::audit::list,
        super::outages::list,
        super::places::neighbourhoods
    ),
    components(schemas(
        crate::application::ApplicationRequest,
        super::api::Accepted,
        super::api::StatusBody,
        PublicStatus,
        ErrorBody,
        super::reports::SummaryBody,
        super::audit::AuditBody,
        super::audit::EntryBody,
        super::reports::RowBody,
        super::reports::FiguresBody,
        super::outages::OutagesBody,
        super::outages::OutageBody,
        super::outages::AreaBody,
        super::places::NeighbourhoodsBody
    ))
)]
struct ApiDoc;

/// Keywords the types cannot carry, by JSON pointer into the document:
/// each pointer names an object of the document and gets the keyword.
fn rules() -> Vec<(String, &'static str, Value)> {
    let app = "/components/schemas/Application/properties";
    let applicant = format!("{app}/applicant/properties");
    let consent = format!("{app}/kvkk_consent/oneOf/0/properties");
    let file = format!("{app}/attachments/items/properties");
    let summary = "/paths/~1v1~1reports~1summary/get/parameters";
    vec![
        (format!("{app}/channel"), "enum", json!(CHANNELS)),
        (
            format!("{app}/category"),
            "description",
            json!("A category code of the deployment's catalogue, for example su_arizasi."),
        ),
        (format!("{app}/text"), "minLength", json!(1)),
        (format!("{app}/text"), "maxLength", json!(MAX_TEXT)),
        (
            format!("{app}/province"),
            "description",
            json!("Province name (any case, with or without Turkish letters) or plate code."),
        ),
        (
            format!("{app}/district"),
            "description",
            json!("District name within the province."),
        ),
        (
            format!("{app}/neighbourhood"),
            "description",
            json!(
                "Neighbourhood (mahalle) of the district, in any case, with or without Turkish letters and the word mahallesi; GET /v1/neighbourhoods lists them. Forwarded as the reference data spells it."
            ),
        ),
        (format!("{app}/latitude"), "minimum", json!(-90)),
        (format!("{app}/latitude"), "maximum", json!(90)),
        (format!("{app}/longitude"), "minimum", json!(-180)),
        (format!("{app}/longitude"), "maximum", json!(180)),
        (
            format!("{applicant}/name"),
            "maxLength",
            json!(limits::NAME),
        ),
        (
            format!("{applicant}/phone"),
            "description",
            json!("A Turkish number, for example 0532 123 45 67."),
        ),
        (format!("{applicant}/email"), "format", json!("email")),
        (
            format!("{applicant}/address"),
            "maxLength",
            json!(limits::POSTAL_ADDRESS),
        ),
        (
            format!("{app}/reply_channel"),
            "enum",
            json!(REPLY_CHANNELS),
        ),
        (
            format!("{app}/reply_channel"),
            "description",
            json!(
                "How the answer reaches the applicant: sms and phone need applicant.phone, email needs applicant.email, letter needs applicant.address."
            ),
        ),
        (
            format!("{app}/application_type"),
            "enum",
            json!(
                tekmerkez_types::classification::ApplicationType::ALL
                    .iter()
                    .map(|t| t.code())
                    .collect::<Vec<_>>()
            ),
        ),
        (
            format!("{app}/kvkk_consent"),
            "description",
            json!("Required whenever applicant data is given."),
        ),
        (
            format!("{consent}/text_version"),
            "maxLength",
            json!(MAX_TEXT_VERSION),
        ),
        // parse counts this one in bytes, not characters.
        (
            format!("{consent}/text_version"),
            "description",
            json!(format!(
                "The notice version shown: at most {MAX_TEXT_VERSION} bytes of UTF-8 (as many ASCII characters)."
            )),
        ),
        (
            format!("{app}/attachments"),
            "maxItems",
            json!(MAX_ATTACHMENTS),
        ),
        (
            format!("{file}/file_name"),
            "maxLength",
            json!(MAX_FILE_NAME),
        ),
        (
            format!("{file}/content_type"),
            "enum",
            json!(ATTACHMENT_TYPES),
        ),
        (
            format!("{file}/content_base64"),
            "description",
            json!(format!(
                "Standard base64, at most {} KiB decoded.",
                limits::ATTACHMENT_BYTES / 1024
            )),
        ),
        (
            "/components/schemas/Accepted/properties/status".into(),
            "enum",
            json!(["received"]),
        ),
        // The reports API takes a user's API token.
        (
            "/components".into(),
            "securitySchemes",
            json!({"bearer": {"type": "http", "scheme": "bearer",
                "description": "A user's API token (issued by an admin); reports are scoped to its user."}}),
        ),
        (
            format!("{summary}/2/schema"),
            "pattern",
            json!(format!(
                "^({dims})(,({dims}))?$",
                dims = super::reports::DIMENSIONS
                    .iter()
                    .map(|d| d.0)
                    .collect::<Vec<_>>()
                    .join("|")
            )),
        ),
        (
            format!("{summary}/3/schema"),
            "enum",
            json!(super::reports::GRANULARITIES),
        ),
        (
            format!("{summary}/7/schema"),
            "enum",
            json!(super::reports::FORMATS),
        ),
        (
            format!("{summary}/8/schema"),
            "enum",
            json!(["comma", "semicolon"]),
        ),
        (format!("{summary}/9/schema"), "enum", json!(["tr", "en"])),
        // An absent header is how the key is optional; it is never null.
        (
            "/paths/~1v1~1applications/post/parameters/0/schema".into(),
            "type",
            json!("string"),
        ),
    ]
}

/// The document as served, pretty-printed JSON.
pub(super) fn document() -> &'static str {
    static DOC: LazyLock<String> = LazyLock::new(|| format!("{:#}\n", generate().0));
    &DOC
}

/// The document, and the pointers of [`rules`] that named nothing.
fn generate() -> (Value, Vec<String>) {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    tidy(&mut doc);
    let mut missing = Vec::new();
    for (pointer, keyword, value) in rules() {
        match doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            Some(o) => {
                o.insert(keyword.to_owned(), value);
            }
            None => missing.push(pointer),
        }
    }
    (doc, missing)
}

/// Drops what the generator adds that says nothing here: the module path as
/// a tag, and the `allOf` wrapper an inlined field with its own doc comment
/// gets (its description moves onto the inlined object).
fn tidy(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("operationId") {
                o.remove("tags");
            }
            let wrapped =
                o.get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|a| match a.as_slice() {
                        [inner, Value::Object(extra)]
                            if extra.keys().all(|k| k == "description" || k == "type") =>
                        {
                            let mut inner = inner.clone();
                            if let (Some(d), Some(io)) =
                                (extra.get("description"), inner.as_object_mut())
                            {
                                io.insert("description".into(), d.clone());
                            }
                            Some(inner)
                        }
                        _ => None,
                    });
            if let Some(inner) = wrapped {
                *v = inner;
                tidy(v);
                return;
            }
            o.values_mut().for_each(tidy);
        }
        Value::Array(a) => a.iter_mut().for_each(tidy),
        _ => {}
    }
}

#[cfg(test)]
pub(super) mod tests {
    use axum::response::IntoResponse as _;
    use jiff::Timestamp;
    use serde_json::Map;
    use tekmerkez_types::catalogue::Category;
    use uuid::Uuid;

    use super::*;
    use crate::application::{self, ApplicationRequest};

    /// The committed copy reviewers read; the code is the source of truth.
    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

    fn doc() -> Value {
        let (doc, missing) = generate();
        assert!(missing.is_empty(), "rules naming nothing: {missing:?}");
        doc
    }

    fn schema(doc: &Value, pointer: &str) -> Map<String, Value> {
        doc.pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{pointer} is not in the document"))
            .clone()
    }

    fn names(v: Option<&Value>) -> Vec<String> {
        let mut n: Vec<String> = match v {
            Some(Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
            Some(Value::Object(o)) => o.keys().cloned().collect(),
            _ => vec![],
        };
        n.sort();
        n
    }

    /// The objects of the request body: where each sits in the document,
    /// and where in a body (`0` for the first attachment).
    const OBJECTS: [(&str, &str); 4] = [
        ("/components/schemas/Application", ""),
        (
            "/components/schemas/Application/properties/applicant",
            "/applicant",
        ),
        (
            "/components/schemas/Application/properties/kvkk_consent/oneOf/0",
            "/kvkk_consent",
        ),
        (
            "/components/schemas/Application/properties/attachments/items",
            "/attachments/0",
        ),
    ];

    /// A body that names every property the document lists, valid.
    fn full() -> Value {
        json!({
            "channel": CHANNELS[0],
            "category": "su_arizasi",
            "text": "Sokakta su borusu patladı.",
            "province": "izmir",
            "district": "KARŞIYAKA",
            "neighbourhood": "bostanlı",
            "latitude": 38.4600,
            "longitude": 27.0950,
            "applicant": {
                "name": "Ayşe Yılmaz",
                "phone": "0532 123 45 67",
                "email": "ayse@example.com",
                "address": "Atatürk Cad. 1, Karşıyaka, İzmir",
            },
            "reply_channel": REPLY_CHANNELS[0],
            "application_type": "sikayet",
            "kvkk_consent": { "text_version": "kvkk-v1", "accepted": true },
            "attachments": [{
                "file_name": "boru.jpg",
                "content_type": ATTACHMENT_TYPES[0],
                "content_base64": "/9j/AA==",
            }],
        })
    }

    /// What `POST /v1/applications` does with a body: serde, then `parse`.
    /// `Err(None)` is serde's refusal, `Err(Some(fields))` parse's.
    fn post(body: &Value) -> Result<(), Option<Vec<String>>> {
        let bytes = serde_json::to_vec(body).unwrap();
        let req: ApplicationRequest = serde_json::from_slice(&bytes).map_err(|_| None)?;
        let cats = [Category {
            code: "su_arizasi".into(),
            name_tr: "Su arızası".into(),
            name_en: "Water fault".into(),
        }];
        application::parse(
            &req,
            &cats,
            Uuid::nil(),
            &tekmerkez_tracking::TrackingNumber::generate(),
            Timestamp::UNIX_EPOCH,
            false,
        )
        .map(|_| ())
        .map_err(|v| Some(v.iter().map(|e| e.field.clone()).collect()))
    }

    /// A body path (`/attachments/0/file_name`) as parse names the field
    /// (`attachments[0].file_name`).
    fn field(path: &str) -> String {
        path.trim_start_matches('/')
            .replace("/0", "[0]")
            .replace('/', ".")
    }

    #[test]
    fn every_rule_lands() {
        doc();
    }

    #[test]
    fn the_committed_copy_is_what_is_served() {
        if std::env::var_os("INTAKE_WRITE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, document()).unwrap();
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == document(),
            "services/intake/openapi.json is not the generated document; regenerate it with \
             INTAKE_WRITE_OPENAPI=1 cargo nextest run -p tekmerkez-intake the_committed_copy_is_what_is_served"
        );
    }

    #[tokio::test]
    async fn get_openapi_json_serves_the_document() {
        use tower::ServiceExt as _;
        let (app, _dir) = app().await;
        let req = axum::http::Request::get("/openapi.json")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), axum::http::StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/json");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let served: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(served, doc());
        assert_eq!(served["openapi"], "3.1.0");
        for path in ["/v1/applications", "/v1/applications/{tracking_number}"] {
            assert!(served["paths"].get(path).is_some(), "{path}");
        }
    }

    #[test]
    fn a_body_of_every_documented_property_is_accepted() {
        let doc = doc();
        let body = full();
        for (at, in_body) in OBJECTS {
            let documented = names(schema(&doc, at).get("properties"));
            let sent = names(body.pointer(in_body));
            assert_eq!(documented, sent, "the properties of {at}");
        }
        assert_eq!(post(&body), Ok(()));
    }

    #[test]
    fn a_property_the_document_does_not_list_is_refused() {
        let doc = doc();
        for (at, in_body) in OBJECTS {
            assert_eq!(
                schema(&doc, at).get("additionalProperties"),
                Some(&json!(false)),
                "{at}"
            );
            let mut body = full();
            body.pointer_mut(in_body)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("unlisted".into(), json!("x"));
            assert_eq!(post(&body), Err(None), "an unlisted field in {in_body:?}");
        }
    }

    #[test]
    fn the_required_fields_are_those_the_api_requires() {
        let doc = doc();
        // Optional fields whose absence another documented rule refuses:
        // an SMS reply needs the phone (see reply_channel), and applicant
        // data needs the consent (see kvkk_consent), and a coordinate needs
        // the other (see latitude and longitude).
        let conditional = [
            ("/applicant", "applicant.phone"),
            ("/applicant/phone", "applicant.phone"),
            ("/kvkk_consent", "kvkk_consent"),
            ("/latitude", "latitude"),
            ("/longitude", "longitude"),
        ];
        for (at, in_body) in OBJECTS {
            let s = schema(&doc, at);
            let required = names(s.get("required"));
            for property in names(s.get("properties")) {
                let mut body = full();
                body.pointer_mut(in_body)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove(&property);
                let path = format!("{in_body}/{property}");
                let got = post(&body);
                if required.contains(&property) {
                    assert_eq!(got, Err(Some(vec![field(&path)])), "without {path}");
                } else if let Some((_, f)) = conditional.iter().find(|(p, _)| *p == path) {
                    assert_eq!(got, Err(Some(vec![(*f).to_owned()])), "without {path}");
                } else {
                    assert_eq!(got, Ok(()), "without {path}");
                }
            }
        }
    }

    #[test]
    fn the_listed_values_are_exactly_those_accepted() {
        let doc = doc();
        let app = "/components/schemas/Application/properties";
        for (at, in_body) in [
            (format!("{app}/channel"), "/channel"),
            (format!("{app}/reply_channel"), "/reply_channel"),
            (
                format!("{app}/attachments/items/properties/content_type"),
                "/attachments/0/content_type",
            ),
        ] {
            let listed = names(schema(&doc, &at).get("enum"));
            assert!(!listed.is_empty(), "{at}");
            for value in listed.iter().map(String::as_str).chain(["fax", "", "SMS"]) {
                let mut body = full();
                *body.pointer_mut(in_body).unwrap() = json!(value);
                let got = post(&body);
                if listed.iter().any(|l| l == value) {
                    assert_eq!(got, Ok(()), "{in_body} = {value:?}");
                } else {
                    assert_eq!(
                        got,
                        Err(Some(vec![field(in_body)])),
                        "{in_body} = {value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_documented_limits_are_those_enforced() {
        let doc = doc();
        let app = "/components/schemas/Application/properties";
        // Lengths count characters (a two-byte `ş` is one), except the
        // notice version's, which counts bytes as its description says.
        for (at, in_body, fill) in [
            (format!("{app}/text"), "/text", "ş"),
            (
                format!("{app}/applicant/properties/name"),
                "/applicant/name",
                "ş",
            ),
            (
                format!("{app}/applicant/properties/address"),
                "/applicant/address",
                "ş",
            ),
            (
                format!("{app}/kvkk_consent/oneOf/0/properties/text_version"),
                "/kvkk_consent/text_version",
                "v",
            ),
            (
                format!("{app}/attachments/items/properties/file_name"),
                "/attachments/0/file_name",
                "ş",
            ),
        ] {
            let max = usize::try_from(schema(&doc, &at)["maxLength"].as_u64().unwrap()).unwrap();
            for (n, ok) in [(max, true), (max + 1, false)] {
                let mut body = full();
                *body.pointer_mut(in_body).unwrap() = json!(fill.repeat(n));
                let got = post(&body);
                if ok {
                    assert_eq!(got, Ok(()), "{in_body} of {n} characters");
                } else {
                    assert_eq!(got, Err(Some(vec![field(in_body)])), "{in_body} of {n}");
                }
            }
        }
        let max = usize::try_from(
            schema(&doc, &format!("{app}/attachments"))["maxItems"]
                .as_u64()
                .unwrap(),
        )
        .unwrap();
        let mut body = full();
        let one = body["attachments"][0].clone();
        body["attachments"] = json!(vec![one; max]);
        assert_eq!(post(&body), Ok(()));
        body["attachments"]
            .as_array_mut()
            .unwrap()
            .push(full()["attachments"][0].clone());
        assert_eq!(post(&body), Err(Some(vec!["attachments".to_owned()])));
        // The coordinates' bounds, each in range at the bound, out past it.
        for name in ["latitude", "longitude"] {
            let s = schema(&doc, &format!("{app}/{name}"));
            for (bound, step) in [("minimum", -0.001), ("maximum", 0.001)] {
                let at = s[bound].as_f64().unwrap();
                let mut body = full();
                body[name] = json!(at);
                assert_eq!(post(&body), Ok(()), "{name} at its {bound}");
                body[name] = json!(at + step);
                assert_eq!(
                    post(&body),
                    Err(Some(vec![name.to_owned()])),
                    "{name} past {bound}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_error_schema_is_what_api_error_renders() {
        let doc = doc();
        let s = schema(&doc, "/components/schemas/Error");
        let mut v = tekmerkez_types::fields::Violations::new();
        v.add("channel", "must be web_form or mobile_app");
        let res = crate::api_error::ApiError::invalid(&v).into_response();
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(names(s.get("properties")), names(Some(&body)));
        assert_eq!(names(s.get("required")), names(Some(&body)));
        assert!(body["message"].is_string());
        assert_eq!(
            body["errors"]["channel"][0],
            "must be web_form or mobile_app"
        );
    }

    #[test]
    fn the_public_statuses_are_those_the_status_call_names() {
        let doc = doc();
        let listed = names(schema(&doc, "/components/schemas/PublicStatus").get("enum"));
        let mut named: Vec<String> = (0..32)
            .map(super::super::api::public_status)
            .filter(|s| *s != "unknown")
            .map(str::to_owned)
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(listed, named);
    }

    /// The real router over an embedded bus and a SQLite key store; the
    /// case service is unreachable (also `location_tests`' router).
    pub(in crate::web_api) async fn app() -> (axum::Router, Option<tempfile::TempDir>) {
        use std::{sync::Arc, time::Duration};
        let (url, dir) = crate::testing::database("sqlite").await;
        let bus = tekmerkez_bus::EmbeddedBus::open("sqlite::memory:")
            .await
            .unwrap();
        let case_service = tekmerkez_case_client::Connection::connect_lazy(
            "http://127.0.0.1:1",
            &secrecy::SecretString::from("t"),
            Duration::from_millis(500),
        )
        .unwrap();
        let state = super::super::WebState {
            publisher: crate::publish::Publisher::new(Arc::new(bus), Duration::from_secs(5)),
            keys: crate::idempotency::IdempotencyStore::connect(&url).unwrap(),
            categories: Arc::new(vec![Category {
                code: "su_arizasi".into(),
                name_tr: "Su arızası".into(),
                name_en: "Water fault".into(),
            }]),
            cases: case_service.cases(),
            incidents: case_service.incidents(),
            audit: tekmerkez_proto::case_v1::audit_service_client::AuditServiceClient::new(
                case_service.channel(),
            ),
            limiter: super::super::ClientLimiter::new(
                100_000,
                100_000,
                tekmerkez_client_addr::ClientAddr::default(),
            ),
            kvkk_text_version: Arc::from("kvkk-v1"),
            institution: Arc::default(),
            smtputf8: false,
            reports: None,
        };
        (super::super::router(&state, BODY_LIMIT), dir)
    }

    /// The body limit the test router takes (the service's default is larger).
    const BODY_LIMIT: usize = 64 * 1024;

    /// Sends one request through the router: its status and JSON body.
    async fn send(
        app: &axum::Router,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> (u16, Value) {
        use tower::ServiceExt as _;
        let mut req = axum::http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(axum::body::Body::from(body)).unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40000,
            ))));
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn documented_codes(doc: &Value, operation: &str) -> Vec<u16> {
        names(doc.pointer(&format!("{operation}/responses")))
            .iter()
            .map(|c| c.parse().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn the_router_accepts_what_the_document_lists_and_answers_documented_codes() {
        let doc = doc();
        let (app, _dir) = app().await;
        let post = "/paths/~1v1~1applications/post";
        let codes = documented_codes(&doc, post);
        let json = [("content-type", "application/json")];
        let mut seen = Vec::new();
        let app_props = "/components/schemas/Application/properties";
        for (property, in_body) in [
            ("channel", "/channel"),
            ("reply_channel", "/reply_channel"),
            ("application_type", "/application_type"),
        ] {
            let listed = names(schema(&doc, &format!("{app_props}/{property}")).get("enum"));
            for value in listed.iter().map(String::as_str).chain(["fax"]) {
                let mut body = full();
                *body.pointer_mut(in_body).unwrap() = json!(value);
                let (status, answer) =
                    send(&app, "POST", "/v1/applications", &json, body.to_string()).await;
                seen.push(status);
                if listed.iter().any(|l| l == value) {
                    assert_eq!(status, 202, "{property} = {value}: {answer}");
                    assert_eq!(answer["status"], "received");
                } else {
                    assert_eq!(status, 400, "{property} = {value}");
                    assert!(answer["errors"].get(property).is_some(), "{answer}");
                }
            }
        }
        let mut unlisted = full();
        unlisted["unlisted"] = json!(1);
        let (status, answer) = send(
            &app,
            "POST",
            "/v1/applications",
            &json,
            unlisted.to_string(),
        )
        .await;
        assert_eq!(status, 400);
        assert!(answer["errors"].get("body").is_some(), "{answer}");

        let (status, _) = send(
            &app,
            "POST",
            "/v1/applications",
            &[("content-type", "text/plain")],
            full().to_string(),
        )
        .await;
        seen.push(status);
        assert_eq!(status, 415);

        // The header's documented bounds.
        let header = schema(&doc, &format!("{post}/parameters/0/schema"));
        let max = usize::try_from(header["maxLength"].as_u64().unwrap()).unwrap();
        for (key, want) in [("k".repeat(max), 202), ("k".repeat(max + 1), 400)] {
            let (status, answer) = send(
                &app,
                "POST",
                "/v1/applications",
                &[json[0], ("idempotency-key", &key)],
                full().to_string(),
            )
            .await;
            assert_eq!(status, want, "a key of {} characters: {answer}", key.len());
        }
        let mut other = full();
        other["text"] = json!("Başka bir metin.");
        let (status, _) = send(
            &app,
            "POST",
            "/v1/applications",
            &[json[0], ("idempotency-key", &"k".repeat(max))],
            other.to_string(),
        )
        .await;
        seen.push(status);
        assert_eq!(status, 422);
        for code in seen {
            assert!(codes.contains(&code), "{code} is not documented for POST");
        }
    }

    #[tokio::test]
    async fn the_status_call_answers_documented_codes() {
        let doc = doc();
        let (app, _dir) = app().await;
        let get = "/paths/~1v1~1applications~1{tracking_number}/get";
        let codes = documented_codes(&doc, get);
        let pattern = schema(&doc, &format!("{get}/parameters/1/schema"))["pattern"].clone();
        assert_eq!(pattern, "^[0-9]{4}$");
        for (last4, want) in [("12a4", 400), ("123", 400), ("1234", 503)] {
            let uri = format!("/v1/applications/7K2QF-9M3XA?phone_last4={last4}");
            let (status, answer) = send(&app, "GET", &uri, &[], String::new()).await;
            assert_eq!(status, want, "phone_last4={last4}: {answer}");
            assert!(
                codes.contains(&status),
                "{status} is not documented for GET"
            );
            if status == 400 {
                assert!(answer["errors"].get("phone_last4").is_some(), "{answer}");
            }
        }
    }

    #[tokio::test]
    async fn the_report_summary_answers_documented_codes() {
        let doc = doc();
        let (app, _dir) = app().await;
        let codes = documented_codes(&doc, "/paths/~1v1~1reports~1summary/get");
        let good = "/v1/reports/summary?from=2026-01-01&to=2026-01-31&by=channel";
        let bad = "/v1/reports/summary?from=2026-01-01&to=2026-01-31&by=nonsense";
        let token = [("authorization", "Bearer some-token")];
        for (uri, headers, want, field) in [
            (good, &[][..], 401, None),
            (bad, &token[..], 400, Some("by")),
            // No reports service configured here.
            (good, &token[..], 503, None),
        ] {
            let (status, answer) = send(&app, "GET", uri, headers, String::new()).await;
            assert_eq!(status, want, "{uri}: {answer}");
            assert!(codes.contains(&status), "{status} is not documented");
            assert!(answer["message"].is_string(), "{answer}");
            if let Some(f) = field {
                assert!(answer["errors"].get(f).is_some(), "{answer}");
            }
        }
    }

    /// Sends raw bytes and returns the status, the Content-Type and the body
    /// as JSON (`Null` when it is not JSON).
    async fn send_raw(
        app: &axum::Router,
        method: &str,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, String, Value) {
        use tower::ServiceExt as _;
        let mut req = axum::http::Request::builder().method(method).uri(uri);
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let mut req = req.body(axum::body::Body::from(body)).unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40000,
            ))));
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            kind,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn refusals_before_the_handler_answer_the_documented_json_error_shape() {
        let (app, _dir) = app().await;
        let json = Some("application/json");
        let too_big = format!(r#"{{"text":"{}"}}"#, "a".repeat(BODY_LIMIT + 1)).into_bytes();
        let latin5 = Some("application/json; charset=iso-8859-9");
        // Method, URI, Content-Type, body, the status and the field named.
        type Case<'a> = (
            &'a str,
            &'a str,
            Option<&'a str>,
            Vec<u8>,
            u16,
            Option<&'a str>,
        );
        let cases: Vec<Case<'_>> = vec![
            ("POST", "/v1/applications", json, too_big, 413, Some("body")),
            (
                "POST",
                "/v1/applications",
                latin5,
                full().to_string().into_bytes(),
                415,
                Some("Content-Type"),
            ),
            // "Çöp" in ISO-8859-9: never read as (broken) UTF-8.
            (
                "POST",
                "/v1/applications",
                latin5,
                b"{\"text\":\"\xc7\xf6p\"}".to_vec(),
                415,
                Some("Content-Type"),
            ),
            (
                "POST",
                "/v1/applications",
                Some("text/plain"),
                full().to_string().into_bytes(),
                415,
                Some("Content-Type"),
            ),
            (
                "POST",
                "/v1/applications",
                json,
                br#"{"text":"\u12"}"#.to_vec(),
                400,
                Some("body"),
            ),
            (
                "POST",
                "/v1/applications",
                json,
                br#"{"text":"#.to_vec(),
                400,
                Some("body"),
            ),
            (
                "POST",
                "/v1/applications",
                json,
                b"{\"text\":\"\xff\"}".to_vec(),
                400,
                Some("body"),
            ),
            (
                "GET",
                "/v1/applications/%FF%FE?phone_last4=1234",
                None,
                vec![],
                400,
                Some("request"),
            ),
            (
                "GET",
                "/v1/applications/7K2QF-9M3XA?phone_last4=1&phone_last4=2",
                None,
                vec![],
                400,
                Some("request"),
            ),
            ("DELETE", "/v1/applications", None, vec![], 405, None),
        ];
        for (method, uri, kind, body, want, field) in cases {
            let (status, content_type, answer) = send_raw(&app, method, uri, kind, body).await;
            assert_eq!(status, want, "{method} {uri} ({kind:?}): {answer}");
            assert_eq!(
                content_type, "application/json",
                "{method} {uri} ({kind:?})"
            );
            assert!(answer["message"].is_string(), "{method} {uri}: {answer}");
            assert!(answer["errors"].is_object(), "{method} {uri}: {answer}");
            if let Some(f) = field {
                assert!(
                    answer["errors"][f].is_array(),
                    "{method} {uri} names {f}: {answer}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_citizen_pages_carry_the_gateways_security_headers_and_no_inline_code() {
        use tower::ServiceExt as _;
        let (app, _dir) = app().await;
        let tn = tekmerkez_tracking::TrackingNumber::generate().to_string();
        for uri in [
            "/basvuru".to_owned(),
            "/basvuru?lang=en".to_owned(),
            format!("/basvuru/alindi?takip={tn}"),
            "/basvuru/basvuru.css".to_owned(),
            "/basvuru/basvuru.js".to_owned(),
            "/v1/applications/7K2QF-9M3XA?phone_last4=12".to_owned(),
        ] {
            let mut req = axum::http::Request::get(&uri)
                .body(axum::body::Body::empty())
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [127, 0, 0, 1],
                    40000,
                ))));
            let res = app.clone().oneshot(req).await.unwrap();
            let h = res.headers().clone();
            let csp = h["content-security-policy"].to_str().unwrap();
            for part in [
                "default-src 'self'",
                "frame-ancestors 'none'",
                "base-uri 'none'",
            ] {
                assert!(csp.contains(part), "{uri}: {csp}");
            }
            assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
            assert_eq!(h["x-frame-options"], "DENY", "{uri}");
            assert_eq!(h["referrer-policy"], "same-origin", "{uri}");
            let html = h["content-type"].to_str().unwrap().starts_with("text/html");
            let body = axum::body::to_bytes(res.into_body(), 1 << 22)
                .await
                .unwrap();
            if html {
                // The CSP would block inline code: the pages have none.
                let page = String::from_utf8(body.to_vec()).unwrap();
                assert!(!page.contains("<style"), "{uri} has an inline style");
                assert!(!page.contains(" style="), "{uri} has a style attribute");
                assert!(!page.contains("<script>"), "{uri} has an inline script");
                for handler in [" onclick=", " onchange=", " onsubmit=", " onload="] {
                    assert!(!page.contains(handler), "{uri} has an inline handler");
                }
            }
        }
    }
}
