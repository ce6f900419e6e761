//! Open311 GeoReport v2 in `tekmerkez dev`, as a city app would use it:
//! the service list, a request filed in JSON and one in XML, followed
//! through routing into a case (`open`), closed by an expert and read back
//! `closed` with the official answer; the lists by status, date range and
//! ids; a token resolved once its case exists; an `Idempotency-Key` replay
//! that files nothing twice; the specification's errors (403 for a missing
//! or wrong api_key, 404 for an unknown service or another client's request,
//! 400 naming the missing location). The answers are held to the shapes of
//! the specification's example documents (intake's `src/open311/fixtures`).
//! And `tekmerkez dev` prints a demo client's key that works.

use crate::channels::{Running, WAIT, http, start};
use sha2::{Digest as _, Sha256};
use tekmerkez_intake::open311::{
    format::{Element, read_xml},
    settings::{Open311Client, RequestIds},
};
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::{
    case_v1::{self as pb, case_service_client::CaseServiceClient},
    common_v1 as common,
};

const CITY_KEY: &str = "belediye-test-key-0123456789abcdef0123456789";
const OTHER_KEY: &str = "baska-test-key-0123456789abcdef0123456789";

fn fixture(name: &str) -> Element {
    let doc = match name {
        "request.xml" => include_str!("../../../services/intake/src/open311/fixtures/request.xml"),
        "token.xml" => include_str!("../../../services/intake/src/open311/fixtures/token.xml"),
        "post_response.xml" => {
            include_str!("../../../services/intake/src/open311/fixtures/post_response.xml")
        }
        "errors.xml" => include_str!("../../../services/intake/src/open311/fixtures/errors.xml"),
        other => panic!("no fixture {other}"),
    };
    read_xml(doc).unwrap()
}

fn client(id: &str, key: &str) -> Open311Client {
    Open311Client {
        id: id.into(),
        name: id.into(),
        api_key_sha256: hex::encode(Sha256::digest(key)),
        per_minute: 600,
        burst: 100,
        kvkk_text_version: format!("{id}-kvkk-v1"),
        source: tekmerkez_intake::partner::settings::PartnerSource::Dogrudan,
    }
}

async fn app(request_ids: RequestIds) -> Running {
    start(|s| {
        let o = &mut s.intake.open311;
        o.enabled = true;
        o.jurisdiction_id = "izmitsu.gov.tr".into();
        o.request_ids = request_ids;
        o.clients = vec![
            client("belediye", CITY_KEY),
            client("baska-uygulama", OTHER_KEY),
        ];
    })
    .await
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn xml(&self) -> Element {
        read_xml(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn errors(&self) -> Vec<String> {
        self.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["description"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn get(app: &Running, path: &str) -> Answer {
    let r = http().get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    Answer {
        status,
        body: r.text().await.unwrap(),
    }
}

async fn post(app: &Running, path: &str, body: &str, key: Option<&str>) -> Answer {
    let mut req = http()
        .post(app.url(path))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body.to_owned());
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    Answer {
        status,
        body: r.text().await.unwrap(),
    }
}

/// A fault report in İzmit with a mobile number, percent-encoded.
fn water_fault(key: &str) -> String {
    format!(
        "api_key={key}&jurisdiction_id=izmitsu.gov.tr&service_code=su_arizasi\
         &lat=40.7654&long=29.9408&address_string=Yahya+Kaptan+Mah.%2C+%C4%B0zmit%2C+Kocaeli\
         &first_name=Ay%C5%9Fe&last_name=Y%C4%B1lmaz&phone=0532+123+45+67&email=ayse%40ornek.com.tr\
         &description=%C4%B0ki+g%C3%BCnd%C3%BCr+su+yok%2C+bas%C4%B1n%C3%A7+s%C4%B1f%C4%B1r.\
         &attribute[mahalle]=Yahya+Kaptan&attribute[abone_no]=4100123\
         &media_url=https%3A%2F%2Fbelediye.example%2Ffoto%2F1.jpg"
    )
}

async fn close(app: &Running, case_id: &str, answer: &str) {
    let mut cases = CaseServiceClient::new(app.channel().await);
    cases
        .claim_cases(app.as_user(
            "uzman.kocaeli",
            pb::ClaimCasesRequest {
                case_ids: vec![case_id.to_owned()],
            },
        ))
        .await
        .unwrap();
    cases
        .close_case(app.as_user(
            "uzman.kocaeli",
            pb::CloseCaseRequest {
                case_id: case_id.to_owned(),
                official_answer: answer.into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_app_files_requests_and_follows_them_through_the_case_pipeline() {
    let app = app(RequestIds::Realtime).await;

    // The service list, from the category catalogue, in Turkish.
    let services = get(&app, "/open311/v2/services.json").await.json();
    let water = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "su_arizasi")
        .unwrap();
    assert_eq!(water["service_name"], "Su arızası / su kesintisi");
    assert_eq!(
        (water["metadata"].as_bool(), water["type"].as_str()),
        (Some(true), Some("realtime"))
    );
    let definition = get(&app, "/open311/v2/services/su_arizasi.xml").await.xml();
    assert_eq!(definition.name, "service_definition");

    // Filed in JSON: the tracking number at once.
    let filed = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault(CITY_KEY),
        None,
    )
    .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let id = filed.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Routing opens the case: the partner channel, the client as partner,
    // its KVKK terms as the consent, the water-fault pool of Kocaeli.
    let case = app.case(&id).await;
    assert_eq!(case.channel, common::Channel::Partner as i32);
    assert_eq!(case.partner_id, "belediye");
    assert_eq!(case.partner_reference, id.replace('-', ""));
    assert_eq!(case.source, common::ApplicationSource::Direct as i32);
    assert_eq!(
        case.consent.as_ref().unwrap().text_version,
        "belediye-kvkk-v1"
    );
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        "Kocaeli Su Arıza Birimi"
    );
    assert_eq!(case.location.as_ref().unwrap().district, "İzmit");
    assert!(
        case.text
            .contains("[Open311]\nAdres: Yahya Kaptan Mah., İzmit, Kocaeli")
            && case.text.contains("Abone numarası: 4100123")
            && case
                .text
                .contains("Medya bağlantısı: https://belediye.example/foto/1.jpg"),
        "{}",
        case.text
    );
    assert_eq!(case.reply_channel, common::ReplyChannel::Sms as i32);

    // GET by id: open, with what the specification returns and no contact.
    let one = get(
        &app,
        &format!("/open311/v2/requests/{id}.json?api_key={CITY_KEY}"),
    )
    .await;
    assert_eq!(one.status, 200, "{}", one.body);
    let r = &one.json()[0];
    assert_eq!(r["service_request_id"], id.as_str());
    assert_eq!(r["status"], "open");
    assert_eq!(r["status_notes"], "Alındı, ilgili birimde sırada");
    assert_eq!(r["service_code"], "su_arizasi");
    assert_eq!(r["description"], "İki gündür su yok, basınç sıfır.");
    assert_eq!(r["address"], "İzmit, Kocaeli");
    assert_eq!(
        (r["lat"].as_f64(), r["long"].as_f64()),
        (Some(40.7654), Some(29.9408))
    );
    assert_eq!(r["media_url"], "https://belediye.example/foto/1.jpg");
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+03:00"),
        "{r}"
    );
    for personal in ["0532", "5321234567", "ayse@", "Yılmaz"] {
        assert!(!one.body.contains(personal), "{personal} in {}", one.body);
    }
    // Another client does not see it.
    let other = get(
        &app,
        &format!("/open311/v2/requests/{id}.json?api_key={OTHER_KEY}"),
    )
    .await;
    assert_eq!(other.status, 404);

    // Filed in XML, anonymously, in Ankara (a district named in the address).
    let anonymous = format!(
        "api_key={CITY_KEY}&service_code=cevre_kirliligi&address_string=Kavakl%C4%B1dere%2C+%C3%87ankaya%2C+Ankara\
         &description=Gece+boyunca+g%C3%BCr%C3%BClt%C3%BC+%26+toz+%3Cin%C5%9Faat%3E"
    );
    let xml = post(&app, "/open311/v2/requests.xml", &anonymous, None).await;
    assert_eq!(xml.status, 201, "{}", xml.body);
    assert_eq!(xml.xml().shape(), fixture("post_response.xml").shape());
    let id2 = xml.xml().children[0]
        .text_of("service_request_id")
        .to_owned();
    let case2 = app.case(&id2).await;
    assert_eq!(case2.reply_channel, common::ReplyChannel::NoContact as i32);
    let read = get(
        &app,
        &format!("/open311/v2/requests/{id2}.xml?api_key={CITY_KEY}"),
    )
    .await
    .xml();
    assert_eq!(read.shape(), fixture("request.xml").shape());
    let req = read.child("request").unwrap();
    assert_eq!(
        req.text_of("description"),
        "Gece boyunca gürültü & toz <inşaat>"
    );
    assert_eq!(req.text_of("address"), "Çankaya, Ankara");

    // An expert answers the first: closed, the answer as status_notes.
    close(&app, &case.id, "Arıza giderildi; şebeke suyu verildi.").await;
    let done = get(
        &app,
        &format!("/open311/v2/requests/{id}.xml?api_key={CITY_KEY}"),
    )
    .await;
    let done = done.xml();
    assert_eq!(done.shape(), fixture("request.xml").shape());
    let req = done.child("request").unwrap();
    assert_eq!(req.text_of("status"), "closed");
    assert_eq!(
        req.text_of("status_notes"),
        "Arıza giderildi; şebeke suyu verildi."
    );

    // Lists: by status, by date range, by ids; only the client's own.
    let ids_of = |a: &Answer| -> Vec<String> {
        a.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let closed = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={CITY_KEY}&status=closed"),
    )
    .await;
    assert_eq!(ids_of(&closed), [id.as_str()]);
    let open = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={CITY_KEY}&status=open"),
    )
    .await;
    assert_eq!(ids_of(&open), [id2.as_str()]);
    let today = jiff::Zoned::now().date();
    let range = format!(
        "/open311/v2/requests.json?api_key={CITY_KEY}&start_date={}T00:00:00Z&end_date={}T00:00:00Z",
        today.yesterday().unwrap(),
        today.tomorrow().unwrap()
    );
    let mut all = ids_of(&get(&app, &range).await);
    all.sort();
    let mut both = vec![id.clone(), id2.clone()];
    both.sort();
    assert_eq!(all, both);
    let past = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={CITY_KEY}&start_date=2020-01-01T00:00:00%2B03:00&end_date=2020-02-01T00:00:00%2B03:00"),
    )
    .await;
    assert_eq!(ids_of(&past), Vec::<String>::new());
    let by_code = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={CITY_KEY}&service_code=cevre_kirliligi"),
    )
    .await;
    assert_eq!(ids_of(&by_code), [id2.as_str()]);
    let by_ids = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={CITY_KEY}&service_request_id={id},{id2},0000000000&status=open"),
    )
    .await;
    assert_eq!(ids_of(&by_ids).len(), 2, "ids override the other arguments");
    let theirs = get(
        &app,
        &format!("/open311/v2/requests.json?api_key={OTHER_KEY}"),
    )
    .await;
    assert_eq!(ids_of(&theirs), Vec::<String>::new());

    // The same Idempotency-Key again: the same id and no second case.
    let first = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault(CITY_KEY),
        Some("app-istek-42"),
    )
    .await;
    let again = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault(CITY_KEY),
        Some("app-istek-42"),
    )
    .await;
    let replayed = first.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(again.json()[0]["service_request_id"], replayed.as_str());
    let replayed_case = app.case(&replayed).await;
    assert_eq!(replayed_case.partner_reference, "app-istek-42");
    let partner_cases = app.wait_cases(common::Channel::Partner, 3).await;
    assert_eq!(
        partner_cases
            .iter()
            .filter(|c| c.partner_id == "belediye")
            .count(),
        3,
        "two requests and one replayed"
    );

    // The specification's errors.
    let no_key = water_fault(CITY_KEY).replace(&format!("api_key={CITY_KEY}&"), "");
    let r = post(&app, "/open311/v2/requests.xml", &no_key, None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.xml().shape(), fixture("errors.xml").shape());
    let r = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault("yanlis-anahtar"),
        None,
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault(CITY_KEY).replace("service_code=su_arizasi", "service_code=uzay"),
        None,
    )
    .await;
    assert_eq!(
        (r.status, r.errors()),
        (404, vec!["service_code was not found".to_owned()])
    );
    let nowhere = format!("api_key={CITY_KEY}&service_code=su_arizasi&description=Su+yok");
    let r = post(&app, "/open311/v2/requests.json", &nowhere, None).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.errors(),
        ["location: one of lat and long, address_string or address_id is required"]
    );
    let r = get(
        &app,
        "/open311/v2/services.json?jurisdiction_id=baska.gov.tr",
    )
    .await;
    assert_eq!(r.status, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_endpoint_answers_a_token_that_resolves_once_the_case_exists() {
    let app = app(RequestIds::Batch).await;
    let services = get(&app, "/open311/v2/services.xml").await.xml();
    assert_eq!(services.children[0].text_of("type"), "batch");
    let filed = post(
        &app,
        "/open311/v2/requests.json",
        &water_fault(CITY_KEY),
        None,
    )
    .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let answer = &filed.json()[0];
    assert!(
        answer.get("service_request_id").is_none(),
        "a token instead: {answer}"
    );
    let token = answer["token"].as_str().unwrap().to_owned();
    let path = format!("/open311/v2/tokens/{token}.xml?api_key={CITY_KEY}");
    let resolved = eventually(WAIT, "the token resolved", || async {
        let doc = get(&app, &path).await.xml();
        let id = doc
            .child("request")?
            .text_of("service_request_id")
            .to_owned();
        (!id.is_empty()).then_some(doc)
    })
    .await;
    assert_eq!(resolved.shape(), fixture("token.xml").shape());
    let req = resolved.child("request").unwrap();
    assert_eq!(req.text_of("token"), token);
    let id = req.text_of("service_request_id");
    assert_eq!(app.case(id).await.partner_id, "belediye");
    // The token is the client's own.
    let theirs = get(
        &app,
        &format!("/open311/v2/tokens/{token}.json?api_key={OTHER_KEY}"),
    )
    .await;
    assert_eq!(theirs.status, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tekmerkez_dev_prints_a_demo_key_that_files_a_request() {
    use tekmerkez::dev::Dev;
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(crate::channels::settings(data.path()))
        .await
        .unwrap();
    let banner = dev.banner(data.path());
    let line = banner
        .lines()
        .find(|l| l.contains("open311"))
        .unwrap_or_else(|| panic!("no open311 line in {banner}"));
    let key = line
        .split("api_key=")
        .nth(1)
        .and_then(|k| k.split(|c: char| c == ')' || c.is_whitespace()).next())
        .unwrap()
        .to_owned();
    let http_addr = dev.http_addr();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let r = http()
        .post(format!("http://{http_addr}/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(water_fault(&key).replace("&jurisdiction_id=izmitsu.gov.tr", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.text().await);
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
