//! The routes driven through the real router (an embedded bus, a SQLite
//! store, an unreachable case service), held to the specification's
//! example documents in `fixtures/`; and the request rules one by one.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use serde_json::Value;

use super::{
    format::{Element, read_xml},
    request::{Form, Refusal, validate},
    settings::{AttributeSettings, AttributeValue, ServiceSettings},
    *,
};
use crate::partner::settings::PartnerSource;

const KEY: &str = "xyz";
const OTHER_KEY: &str = "another-client-key-0123456789abcdef";
const SMALL_KEY: &str = "small-quota-client-key-0123456789abcdef";

fn fixture(name: &str) -> &'static str {
    match name {
        "services.xml" => include_str!("fixtures/services.xml"),
        "services.json" => include_str!("fixtures/services.json"),
        "service_definition.xml" => include_str!("fixtures/service_definition.xml"),
        "service_definition.json" => include_str!("fixtures/service_definition.json"),
        "post_request.http" => include_str!("fixtures/post_request.http"),
        "post_response.xml" => include_str!("fixtures/post_response.xml"),
        "post_response.json" => include_str!("fixtures/post_response.json"),
        "errors.xml" => include_str!("fixtures/errors.xml"),
        "errors.json" => include_str!("fixtures/errors.json"),
        "request.xml" => include_str!("fixtures/request.xml"),
        "requests.xml" => include_str!("fixtures/requests.xml"),
        other => panic!("no fixture {other}"),
    }
}

/// The specification's JSON with its leading-zero numbers (`001`) quoted.
fn lenient_json(s: &str) -> Value {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        if c == ':' {
            while i < chars.len() && chars[i].is_whitespace() {
                out.push(chars[i]);
                i += 1;
            }
            if chars.get(i) == Some(&'0') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                out.push('"');
                while i < chars.len() && chars[i].is_ascii_digit() {
                    out.push(chars[i]);
                    i += 1;
                }
                out.push('"');
            }
        }
    }
    serde_json::from_str(&out).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The spec's POST body (after its blank line).
fn spec_post_body() -> String {
    fixture("post_request.http")
        .split("\n\n")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned()
}

fn categories() -> Vec<Category> {
    [
        (
            "su_arizasi",
            "Su arızası / su kesintisi",
            "Water fault or outage",
        ),
        ("fatura", "Fatura ve abonelik", "Bills and subscription"),
        (
            "cevre_kirliligi",
            "Çevre kirliliği ve gürültü",
            "Pollution and noise",
        ),
    ]
    .into_iter()
    .map(|(code, tr, en)| Category {
        code: code.into(),
        name_tr: tr.into(),
        name_en: en.into(),
    })
    .collect()
}

fn attribute(code: &str, datatype: &str, required: bool) -> AttributeSettings {
    AttributeSettings {
        code: code.into(),
        datatype: datatype.into(),
        required,
        description_tr: format!("{code} (tr)"),
        description_en: format!("{code} (en)"),
        values: vec![],
    }
}

fn settings() -> Open311Settings {
    let mut pressure = attribute("basinc", "singlevaluelist", false);
    pressure.description_tr = "Su basıncı".into();
    pressure.values = vec![
        AttributeValue {
            key: "yok".into(),
            name_tr: "Hiç su gelmiyor".into(),
            name_en: "No water".into(),
        },
        AttributeValue {
            key: "dusuk".into(),
            name_tr: "Basınç düşük".into(),
            name_en: "Low pressure".into(),
        },
    ];
    let mut subscriber = attribute("abone_no", "string", true);
    subscriber.description_tr = "Abone numarası".into();
    let client = |id: &str, key: &str| Open311Client {
        id: id.into(),
        name: id.into(),
        api_key_sha256: hex::encode(Sha256::digest(key.as_bytes())),
        per_minute: 600,
        burst: 100,
        kvkk_text_version: "belediye-kvkk-v2".into(),
        source: PartnerSource::Dogrudan,
    };
    Open311Settings {
        enabled: true,
        jurisdiction_id: "city.gov".into(),
        request_ids: RequestIds::Realtime,
        default_province_code: 41,
        list_limit: 1000,
        service_notice: "Başvurunuz ilgili birime iletildi.".into(),
        services: vec![
            ServiceSettings {
                code: "su_arizasi".into(),
                group_tr: "Su ve kanalizasyon".into(),
                group_en: "Water and sewerage".into(),
                keywords: "su, arıza, kesinti".into(),
                attributes: vec![pressure, attribute("mahalle", "string", false)],
            },
            ServiceSettings {
                code: "fatura".into(),
                group_tr: "Abonelik".into(),
                group_en: "Subscription".into(),
                keywords: String::new(),
                attributes: vec![subscriber],
            },
        ],
        clients: vec![
            client("belediye", KEY),
            client("baska", OTHER_KEY),
            Open311Client {
                per_minute: 1,
                burst: 2,
                ..client("kucuk", SMALL_KEY)
            },
        ],
    }
}

struct App {
    router: Router,
    bus: Arc<tekmerkez_bus::EmbeddedBus>,
    _dir: Option<tempfile::TempDir>,
}

async fn app() -> App {
    let (url, dir) = crate::testing::database("sqlite").await;
    let bus = Arc::new(
        tekmerkez_bus::EmbeddedBus::open("sqlite::memory:")
            .await
            .unwrap(),
    );
    let cases = tekmerkez_case_client::Connection::connect_lazy(
        "http://127.0.0.1:1",
        &secrecy::SecretString::from("t"),
        Duration::from_millis(500),
    )
    .unwrap()
    .cases();
    let settings = settings();
    let clients = settings
        .clients
        .iter()
        .map(|c| Client {
            settings: c.clone(),
            key_sha256: hex::decode(&c.api_key_sha256).unwrap().try_into().unwrap(),
            limiter: RateLimiter::direct(
                Quota::per_minute(NonZeroU32::new(c.per_minute).unwrap())
                    .allow_burst(NonZeroU32::new(c.burst).unwrap()),
            ),
        })
        .collect();
    let state = Open311State {
        settings: Arc::new(settings),
        categories: Arc::new(categories()),
        clients: Arc::new(clients),
        store: Open311Store::connect(&url).unwrap(),
        publisher: Publisher::new(bus.clone(), Duration::from_secs(5)),
        cases,
        smtputf8: false,
        agency: Arc::from("İzmit Su ve Kanalizasyon İdaresi"),
    };
    App {
        router: router(&state),
        bus,
        _dir: dir,
    }
}

struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: String,
}

impl Answer {
    fn xml(&self) -> Element {
        read_xml(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The error descriptions of a JSON error answer.
    fn errors(&self) -> Vec<String> {
        self.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e["code"], self.status, "{}", self.body);
                e["description"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

async fn send(app: &App, method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    use tower::ServiceExt as _;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(axum::body::Body::from(body.to_owned())).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let header = |h| {
        res.headers()
            .get(h)
            .map(|v: &HeaderValue| v.to_str().unwrap().to_owned())
    };
    let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
    let retry_after = header(header::RETRY_AFTER);
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    Answer {
        status,
        content_type,
        retry_after,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

const FORM: (&str, &str) = (
    "content-type",
    "application/x-www-form-urlencoded; charset=utf-8",
);

async fn post(app: &App, path: &str, body: &str, extra: &[(&str, &str)]) -> Answer {
    let mut headers = vec![FORM];
    headers.extend_from_slice(extra);
    send(app, "POST", path, &headers, body).await
}

/// A valid request in Kocaeli, in Turkish, percent-encoded as a browser would.
fn turkish_body(key: &str) -> String {
    format!(
        "api_key={key}&service_code=su_arizasi&lat=40.7654&long=29.9408\
         &address_string=Yahya+Kaptan+Mah.%2C+%C4%B0zmit&first_name=Ay%C5%9Fe&last_name=Y%C4%B1lmaz\
         &phone=0532+123+45+67&description=%C4%B0ki+g%C3%BCnd%C3%BCr+su+yok%3B+%3Cacil%3E\
         &attribute[basinc]=yok&attribute[mahalle]=Yahya+Kaptan\
         &media_url=https%3A%2F%2Fornek.gov.tr%2Ffoto%2F1.jpg"
    )
}

#[tokio::test]
async fn the_service_list_has_the_specifications_shape_in_xml_and_json() {
    let app = app().await;
    let xml = send(&app, "GET", "/open311/v2/services.xml", &[], "").await;
    assert_eq!(xml.status, 200);
    assert_eq!(xml.content_type, "text/xml; charset=utf-8");
    assert!(
        xml.body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    );
    let ours = xml.xml();
    let spec = read_xml(fixture("services.xml")).unwrap();
    assert_eq!(ours.shape(), spec.shape());
    let water = &ours.children[0];
    assert_eq!(water.text_of("service_code"), "su_arizasi");
    assert_eq!(water.text_of("service_name"), "Su arızası / su kesintisi");
    assert_eq!(water.text_of("group"), "Su ve kanalizasyon");
    assert_eq!(water.text_of("metadata"), "true");
    assert_eq!(water.text_of("type"), "realtime");
    // Attributes make metadata true; a category without any has none.
    let env = ours
        .children
        .iter()
        .find(|s| s.text_of("service_code") == "cevre_kirliligi")
        .unwrap();
    assert_eq!(
        (env.text_of("metadata"), env.text_of("group")),
        ("false", "Genel")
    );

    let json = send(
        &app,
        "GET",
        "/open311/v2/services.json?jurisdiction_id=city.gov",
        &[],
        "",
    )
    .await;
    assert_eq!(json.status, 200);
    assert_eq!(json.content_type, "application/json; charset=utf-8");
    let ours = json.json();
    let spec = lenient_json(fixture("services.json"));
    assert_eq!(keys(&ours[0]), keys(&spec[0]));
    assert_eq!(ours[0]["metadata"], true);
    assert_eq!(ours.as_array().unwrap().len(), 3);

    // English where the catalogue has it.
    for (uri, headers) in [
        ("/open311/v2/services.json?locale=en", vec![]),
        (
            "/open311/v2/services.json",
            vec![("accept-language", "en-GB,en;q=0.8")],
        ),
    ] {
        let en = send(&app, "GET", uri, &headers, "").await.json();
        assert_eq!(en[0]["service_name"], "Water fault or outage");
        assert_eq!(en[0]["group"], "Water and sewerage");
    }
}

#[tokio::test]
async fn a_service_definition_has_the_specifications_shape() {
    let app = app().await;
    let xml = send(&app, "GET", "/open311/v2/services/su_arizasi.xml", &[], "").await;
    assert_eq!(xml.status, 200, "{}", xml.body);
    let ours = xml.xml();
    let spec = read_xml(fixture("service_definition.xml")).unwrap();
    // The first attribute is a list, like the specification's.
    let first = |e: &Element| e.child("attributes").unwrap().children[0].shape();
    assert_eq!(first(&ours), first(&spec));
    let attr = &ours.child("attributes").unwrap().children[0];
    assert_eq!(attr.text_of("code"), "basinc");
    assert_eq!(attr.text_of("description"), "Su basıncı");
    assert_eq!(attr.text_of("order"), "1");
    let values = attr.child("values").unwrap();
    assert_eq!(values.children[1].text_of("name"), "Basınç düşük");

    let json = send(&app, "GET", "/open311/v2/services/su_arizasi.json", &[], "")
        .await
        .json();
    let spec = lenient_json(fixture("service_definition.json"));
    assert_eq!(keys(&json), keys(&spec));
    assert_eq!(keys(&json["attributes"][0]), keys(&spec["attributes"][0]));
    assert_eq!(
        keys(&json["attributes"][0]["values"][0]),
        keys(&spec["attributes"][0]["values"][0])
    );
    assert!(json["attributes"][0]["datatype_description"].is_null());

    let missing = send(&app, "GET", "/open311/v2/services/uzay.json", &[], "").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.errors(), ["service_code was not found"]);
}

#[tokio::test]
async fn the_specifications_example_post_is_answered_with_its_errors() {
    let app = app().await;
    // As printed: service 001 does not exist here, which the specification
    // answers with 404.
    let body = spec_post_body();
    let r = post(&app, "/open311/v2/requests.xml", &body, &[]).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(
        r.xml().shape(),
        read_xml(fixture("errors.xml")).unwrap().shape()
    );
    assert_eq!(r.xml().children[0].text_of("code"), "404");
    let r = post(&app, "/open311/v2/requests.json", &body, &[]).await;
    assert_eq!(
        keys(&r.json()[0]),
        keys(&lenient_json(fixture("errors.json"))[0])
    );

    // With a service of ours: San Francisco is not in Türkiye, "1234 5th
    // street" names no district, the phone is no number and the example's
    // attributes are not ours. Each is named, none by its value.
    let body = body.replace("service_code=001", "service_code=su_arizasi");
    let r = post(&app, "/open311/v2/requests.json", &body, &[]).await;
    assert_eq!(r.status, 400);
    let errors = r.errors();
    for field in [
        "long: must be a WGS84 longitude within Türkiye",
        "address_string: must name the district",
        "phone:",
        "attribute[WHISPAWN]: is not an attribute",
        "attribute[WHISDORN]: is not an attribute",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(field)),
            "{field} in {errors:?}"
        );
    }
    for value in [
        "122.42",
        "1234",
        "111111111",
        "123456",
        "COISL001",
        "smit333",
    ] {
        assert!(!r.body.contains(value), "{value} in {}", r.body);
    }
    assert_eq!(app.bus.len("intake.applications.v1").await.unwrap(), 0);
}

#[tokio::test]
async fn a_valid_request_is_published_and_answered_as_the_specification_shows() {
    let app = app().await;
    let r = post(&app, "/open311/v2/requests.xml", &turkish_body(KEY), &[]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ours = r.xml();
    assert_eq!(
        ours.shape(),
        read_xml(fixture("post_response.xml")).unwrap().shape()
    );
    let id = ours.children[0].text_of("service_request_id").to_owned();
    assert!(TrackingNumber::parse(&id).is_ok(), "{id}");
    assert_eq!(
        ours.children[0].text_of("service_notice"),
        "Başvurunuz ilgili birime iletildi."
    );
    assert_eq!(app.bus.len("intake.applications.v1").await.unwrap(), 1);

    let r = post(&app, "/open311/v2/requests.json", &turkish_body(KEY), &[]).await;
    assert_eq!(r.status, 201);
    let json = r.json();
    assert_eq!(
        keys(&json[0]),
        keys(&lenient_json(fixture("post_response.json"))[0])
    );
    assert!(json[0]["account_id"].is_null());
    assert_ne!(
        json[0]["service_request_id"],
        id.as_str(),
        "no key: a new request"
    );
}

#[tokio::test]
async fn a_replay_with_the_same_idempotency_key_files_nothing_new() {
    let app = app().await;
    let key = [("idempotency-key", "app-7f3a-0001")];
    let first = post(&app, "/open311/v2/requests.json", &turkish_body(KEY), &key).await;
    assert_eq!(first.status, 201);
    // The same fields in another order: the same request.
    let mut reordered: Vec<&str> = turkish_body(KEY).leak().split('&').collect();
    reordered.reverse();
    let again = post(
        &app,
        "/open311/v2/requests.json",
        &reordered.join("&"),
        &key,
    )
    .await;
    assert_eq!(
        again.json()[0]["service_request_id"],
        first.json()[0]["service_request_id"]
    );
    // Another client's same key is its own.
    let other = post(
        &app,
        "/open311/v2/requests.json",
        &turkish_body(OTHER_KEY),
        &key,
    )
    .await;
    assert_ne!(
        other.json()[0]["service_request_id"],
        first.json()[0]["service_request_id"]
    );
    // Other content under the key: refused.
    let changed = turkish_body(KEY).replace("attribute[basinc]=yok", "attribute[basinc]=dusuk");
    let refused = post(&app, "/open311/v2/requests.json", &changed, &key).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.errors(),
        ["Idempotency-Key was already used for a different request"]
    );
}

#[tokio::test]
async fn a_missing_or_wrong_api_key_is_403_in_the_specifications_format() {
    let app = app().await;
    let no_key = turkish_body(KEY).replace("api_key=xyz&", "");
    let r = post(&app, "/open311/v2/requests.xml", &no_key, &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.xml().shape(),
        read_xml(fixture("errors.xml")).unwrap().shape()
    );
    assert_eq!(
        r.xml().children[0].text_of("description"),
        "api_key is required"
    );
    let r = post(
        &app,
        "/open311/v2/requests.json",
        &turkish_body("wrong"),
        &[],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.errors()[0].starts_with("Invalid api_key received"));
    for uri in [
        "/open311/v2/requests.json",
        "/open311/v2/requests/7K2QF-9M3XA.json",
        "/open311/v2/tokens/abc.json",
        "/open311/v2/requests.json?api_key=wrong",
    ] {
        assert_eq!(send(&app, "GET", uri, &[], "").await.status, 403, "{uri}");
    }
    assert_eq!(app.bus.len("intake.applications.v1").await.unwrap(), 0);
}

#[tokio::test]
async fn the_edges_answer_in_the_specifications_format() {
    let app = app().await;
    // Another jurisdiction.
    let r = send(
        &app,
        "GET",
        "/open311/v2/services.json?jurisdiction_id=baska.gov.tr",
        &[],
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.errors()),
        (404, vec!["jurisdiction_id was not found".to_owned()])
    );
    // Not a form.
    let r = send(
        &app,
        "POST",
        "/open311/v2/requests.json",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(r.status, 400);
    // No format, an unknown format, an unknown resource.
    for uri in [
        "/open311/v2/services",
        "/open311/v2/services.html",
        "/open311/v2/a/b/c",
    ] {
        let r = send(&app, "GET", uri, &[], "").await;
        assert_eq!(r.status, 404, "{uri}");
        assert_eq!(r.xml().name, "errors", "{uri}");
    }
    let r = send(&app, "GET", "/open311/v2/nope.json", &[], "").await;
    assert_eq!(
        (r.status, r.errors()),
        (404, vec!["no such resource".to_owned()])
    );
    // An unknown token or request of this client: 404.
    let r = send(
        &app,
        "GET",
        "/open311/v2/tokens/0123.json?api_key=xyz",
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 404);
    let r = send(
        &app,
        "GET",
        "/open311/v2/requests/7K2QF-9M3XA.xml?api_key=xyz",
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 404);
    // A date range beyond 90 days, a status that is none of the two.
    let r = send(
        &app,
        "GET",
        "/open311/v2/requests.json?api_key=xyz&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z&status=acik",
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.errors(),
        [
            "status: must be open or closed",
            "end_date: must be at most 90 days after start_date"
        ]
    );
    // The case service is down: a filed request cannot be read, retry.
    let filed = post(&app, "/open311/v2/requests.json", &turkish_body(KEY), &[])
        .await
        .json();
    let id = filed[0]["service_request_id"].as_str().unwrap();
    let r = send(
        &app,
        "GET",
        &format!("/open311/v2/requests/{id}.json?api_key=xyz"),
        &[],
        "",
    )
    .await;
    assert_eq!((r.status, r.retry_after.as_deref()), (503, Some("1")));
    // Another client does not see it at all.
    let r = send(
        &app,
        "GET",
        &format!("/open311/v2/requests/{id}.json?api_key={OTHER_KEY}"),
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_client_over_its_quota_is_told_when_to_retry_and_others_are_unaffected() {
    let app = app().await;
    let path = format!("/open311/v2/requests.json?api_key={SMALL_KEY}");
    for _ in 0..2 {
        assert_eq!(send(&app, "GET", &path, &[], "").await.status, 200);
    }
    let over = send(&app, "GET", &path, &[], "").await;
    assert_eq!(over.status, 429);
    assert!(
        over.retry_after
            .as_deref()
            .is_some_and(|s| s.parse::<u64>().unwrap() >= 1)
    );
    assert_eq!(
        over.errors(),
        ["requests per minute above the client's quota; retry later"]
    );
    let other = send(
        &app,
        "GET",
        &format!("/open311/v2/requests.json?api_key={KEY}"),
        &[],
        "",
    )
    .await;
    assert_eq!((other.status, other.body.as_str()), (200, "[]"));
}

// ---- the request rules ----

fn check(body: &str) -> Result<request::Submitted, Vec<String>> {
    let form = Form::parse(body.as_bytes()).unwrap();
    validate(&form, &categories(), &settings(), false).map_err(|r| match r {
        Refusal::UnknownService => vec!["404".to_owned()],
        Refusal::Invalid(v) => v.iter().map(|e| e.field.clone()).collect(),
    })
}

#[test]
fn forms_decode_turkish_plus_signs_and_list_attributes() {
    let f = Form::parse(
        b"address_string=%C4%B0zmit+Merkez&attribute[a][]=1&attribute[a][]=2&attribute[b]=x&status=open,closed&status=open&bad=%zz",
    )
    .unwrap();
    assert_eq!(f.get("address_string"), Some("İzmit Merkez"));
    let attrs = f.attributes();
    assert_eq!(attrs["a"], ["1", "2"]);
    assert_eq!(attrs["b"], ["x"]);
    assert_eq!(f.list("status"), ["open", "closed", "open"]);
    assert_eq!(f.get("bad"), Some("%zz"));
    assert!(Form::parse(b"a=%FF").is_err(), "not UTF-8");
}

#[test]
fn a_request_becomes_a_partner_application_with_the_clients_consent() {
    let s = check(&turkish_body(KEY)).unwrap();
    assert_eq!(s.place.province_code, 41);
    assert_eq!(s.place.district.as_deref(), Some("İzmit"));
    assert_eq!(s.place.coordinates, Some((40.7654, 29.9408)));
    assert_eq!(s.reply, common::ReplyChannel::Sms, "a mobile number");
    assert!(
        s.text.starts_with("İki gündür su yok; <acil>"),
        "{}",
        s.text
    );
    let details = s.text.split(request::DETAILS_MARKER).nth(1).unwrap();
    assert_eq!(
        details,
        "Adres: Yahya Kaptan Mah., İzmit\nSu basıncı: Hiç su gelmiyor\nmahalle (tr): Yahya Kaptan\nMedya bağlantısı: https://ornek.gov.tr/foto/1.jpg"
    );
    let filed = Filed {
        client_id: "belediye".into(),
        service_request_id: "7K2QF9M3XA".into(),
        token: "t".into(),
        application_id: Uuid::nil(),
        service_code: "su_arizasi".into(),
        requested_at: 1_764_000_000_000_000,
        idempotency_key: None,
        fingerprint: "f".into(),
        media_url: s.media_url.clone(),
    };
    let m = pb::ApplicationReceived::from(application(&s, &filed, &settings().clients[0]));
    assert_eq!(m.channel, common::Channel::Partner as i32);
    assert_eq!(m.partner_id, "belediye");
    assert_eq!(m.partner_reference, "7K2QF9M3XA");
    assert_eq!(m.source, common::ApplicationSource::Direct as i32);
    assert_eq!(m.tracking_number, "7K2QF9M3XA");
    let consent = m.consent.unwrap();
    assert_eq!(consent.text_version, "belediye-kvkk-v2");
    assert_eq!(consent.accepted_at, m.received_at);
    let contact = m.contact.unwrap();
    assert_eq!(
        (contact.name.as_str(), contact.phone.as_str()),
        ("Ayşe Yılmaz", "+905321234567")
    );
}

#[test]
fn the_location_must_place_the_request_in_a_district() {
    let base = "api_key=xyz&service_code=cevre_kirliligi&description=G%C3%BCr%C3%BClt%C3%BC";
    assert_eq!(check(base).unwrap_err(), ["location"]);
    assert_eq!(check(&format!("{base}&lat=40.76")).unwrap_err(), ["long"]);
    // Coordinates alone place nothing without the district.
    assert_eq!(
        check(&format!("{base}&lat=40.76&long=29.94")).unwrap_err(),
        ["attribute[ilce]"]
    );
    let s = check(&format!(
        "{base}&lat=40.76&long=29.94&attribute[ilce]=gebze"
    ))
    .unwrap();
    assert_eq!(
        (s.place.province_code, s.place.district.as_deref()),
        (41, Some("Gebze"))
    );
    // An address naming another province and its district.
    let s = check(&format!(
        "{base}&address_string=Kavakl%C4%B1dere+Mah.%2C+%C3%87ankaya%2C+Ankara"
    ))
    .unwrap();
    assert_eq!(
        (s.place.province_code, s.place.district.as_deref()),
        (6, Some("Çankaya"))
    );
    assert_eq!(s.reply, common::ReplyChannel::NoContact, "nobody to answer");
    // A district of another province than the one named.
    assert_eq!(
        check(&format!("{base}&address_string=%C3%87ankaya%2C+Kocaeli")).unwrap_err(),
        ["address_string"]
    );
    assert_eq!(
        check(&format!(
            "{base}&address_id=12345&attribute[il]=99&attribute[ilce]=x"
        ))
        .unwrap_err(),
        ["attribute[il]"]
    );
    let s = check(&format!(
        "{base}&address_id=AK-1234&attribute[il]=Kocaeli&attribute[ilce]=Izmit"
    ))
    .unwrap();
    assert_eq!(s.place.district.as_deref(), Some("İzmit"));
    assert!(s.text.ends_with("Adres no: AK-1234"), "{}", s.text);
}

#[test]
fn attributes_follow_the_service_definition() {
    let base = "api_key=xyz&address_string=%C4%B0zmit";
    assert_eq!(
        check(&format!("{base}&service_code=fatura")).unwrap_err(),
        ["attribute[abone_no]"]
    );
    let s = check(&format!(
        "{base}&service_code=fatura&attribute[abone_no]=1234567"
    ))
    .unwrap();
    assert_eq!(
        s.text,
        "Fatura ve abonelik\n\n[Open311]\nAdres: İzmit\nAbone numarası: 1234567"
    );
    assert_eq!(
        check(&format!(
            "{base}&service_code=su_arizasi&attribute[basinc]=cok"
        ))
        .unwrap_err(),
        ["attribute[basinc]"]
    );
    assert_eq!(
        check(&format!(
            "{base}&service_code=su_arizasi&attribute[basinc][]=yok&attribute[basinc][]=dusuk"
        ))
        .unwrap_err(),
        ["attribute[basinc]"]
    );
    assert_eq!(
        check(&format!("{base}&service_code=uzay")).unwrap_err(),
        ["404"]
    );
    assert_eq!(
        check("api_key=xyz&address_string=x").unwrap_err(),
        ["service_code"]
    );
}

#[test]
fn contact_and_media_are_checked_without_echoing_them() {
    let base = "api_key=xyz&service_code=cevre_kirliligi&address_string=%C4%B0zmit";
    let r = check(&format!(
        "{base}&email=not-an-address&phone=12&media_url=ftp%3A%2F%2Fx"
    ))
    .unwrap_err();
    assert_eq!(r, ["phone", "email", "media_url"]);
    let s = check(&format!("{base}&email=ayse%40ornek.com.tr")).unwrap();
    assert_eq!(s.reply, common::ReplyChannel::Email);
    assert_eq!(
        s.text, "Çevre kirliliği ve gürültü\n\n[Open311]\nAdres: İzmit",
        "the service's name stands for no description"
    );
    let s = check(&format!("{base}&phone=0262+555+12+34")).unwrap();
    assert_eq!(
        s.reply,
        common::ReplyChannel::PhoneCallback,
        "a landline is called back"
    );
    let long = "a".repeat(4001);
    assert_eq!(
        check(&format!("{base}&description={long}")).unwrap_err(),
        ["description"]
    );
    assert!(!format!("{s:?}").contains("0262"));
}
