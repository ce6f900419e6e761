//! The reports API on `tekmerkez dev`: `GET /v1/reports/summary` on
//! intake's listener (JSON, CSV in both separators, XLSX), scoped by the
//! caller's API token through the reports service, and `ReportService`'s
//! drill-down (Within), LongestOpen and CasesBehind over the demo cases
//! and a few applications filed over the API.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{wait::eventually, web::dev_settings};
use tekmerkez_proto::{
    case_v1::{self as pb, directory_service_client::DirectoryServiceClient},
    reports_v1::{self as rpb, report_service_client::ReportServiceClient},
};
use tokio_util::sync::CancellationToken;

/// Today in Istanbul, YYYY-MM-DD.
fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .date()
        .to_string()
}

fn authed<T>(msg: T, token: &str) -> tonic::Request<T> {
    let mut req = tonic::Request::new(msg);
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    req
}

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    /// GET `path` with `token`: status, headers, body.
    async fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.bytes().await.unwrap().to_vec())
    }

    async fn json(&self, path: &str, token: &str) -> (u16, Value) {
        let (s, _, body) = self.get(path, Some(token)).await;
        (s, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

/// The names of the shared strings of an XLSX workbook.
fn shared_strings(xlsx: &[u8]) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reports_api_answers_json_csv_and_xlsx_in_the_callers_scope() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 40);
    settings.reports.grpc_listen = "127.0.0.1:0".into();
    let dev = Dev::build(settings).await.unwrap();
    let (http, grpc, reports) = (dev.http_addr(), dev.grpc_addr(), dev.reports_addr());
    let users = dev.users().to_vec();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let token = |role: &str| {
        users
            .iter()
            .find(|u| u.role.as_str() == role)
            .unwrap()
            .api_token
            .clone()
    };
    let (admin, director, expert) = (
        token("admin"),
        token("directorate_manager"),
        token("expert"),
    );
    let api = Api {
        base: format!("http://{http}"),
        http: reqwest::Client::new(),
    };

    // A few applications filed today over the app API.
    for _ in 0..3 {
        let res = api
            .http
            .post(format!("{}/v1/applications", api.base))
            .json(&json!({
                "channel": "mobile_app",
                "category": "fatura",
                "text": "Faturam bu ay iki kat geldi, kontrol edilmesini rica ederim.",
                "province": "Ankara",
                "district": "cankaya",
                "applicant": { "name": "Ayşe Yılmaz", "phone": "0532 123 45 67" },
                "reply_channel": "sms",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 202);
    }
    let day = today();
    let this_day = format!("/v1/reports/summary?from={day}&to={day}&by=channel");
    let body = eventually(
        Duration::from_secs(40),
        "the applications are counted",
        async || {
            let (s, b) = api.json(&this_day, &admin).await;
            let mobile = b["rows"]
                .as_array()?
                .iter()
                .find(|r| r["channel"] == "mobile_app")?["opened"]
                .as_i64()?;
            (s == 200 && mobile >= 3).then_some(b)
        },
    )
    .await;
    assert_eq!(body["from"], day.as_str());
    assert_eq!(body["by"], json!(["channel"]));
    assert_eq!(body["labels"]["channel"]["mobile_app"], "Mobil uygulama");
    let row = &body["rows"][0];
    for figure in [
        "opened",
        "resolved",
        "open_at_end",
        "on_time",
        "late",
        "median_hours_to_close",
        "median_hours_to_first_action",
        "satisfaction_average",
        "satisfaction_count",
    ] {
        assert!(row.get(figure).is_some(), "{figure} in {row}");
    }
    assert!(body["totals"]["opened"].as_i64().unwrap() >= 3);

    // A year by month, by channel and type, in English.
    let year = format!(
        "/v1/reports/summary?from=2020-01-01&to={day}&by=channel,type&granularity=month&lang=en"
    );
    let (s, b) = api.json(&year, &admin).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["rows"][0]["period"].is_string(), "{b}");
    assert_eq!(b["labels"]["channel"]["mobile_app"], "Mobile app");
    let all = b["totals"]["opened"].as_i64().unwrap();
    assert!(all >= 43, "{all}");

    // CSV: a BOM, Turkish headers, labels beside codes, both separators.
    let csv_path = format!("/v1/reports/summary?from=2020-01-01&to={day}&by=channel&format=csv");
    let (s, h, csv) = api.get(&csv_path, Some(&admin)).await;
    assert_eq!(s, 200);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with("\u{feff}Kanal,Kanal (kod),Açılan"),
        "{text}"
    );
    assert!(text.contains("Mobil uygulama,mobile_app,"), "{text}");
    assert!(text.contains("Toplam"), "{text}");
    assert_eq!(
        h["content-disposition"],
        format!("attachment; filename=\"rapor-2020-01-01-{day}.csv\"").as_str()
    );
    assert!(h["content-type"].to_str().unwrap().starts_with("text/csv"));
    let (_, _, semi) = api
        .get(&format!("{csv_path}&separator=semicolon"), Some(&admin))
        .await;
    let semi = String::from_utf8(semi).unwrap();
    assert!(
        semi.starts_with("\u{feff}Kanal;Kanal (kod);Açılan"),
        "{semi}"
    );

    // XLSX: a zip whose strings are the Turkish headers and names.
    let (s, h, xlsx) = api
        .get(
            &format!("/v1/reports/summary?from=2020-01-01&to={day}&by=channel&format=xlsx"),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 200);
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    let strings = shared_strings(&xlsx);
    for s in [
        "Kanal",
        "Açılan",
        "Dönem sonunda açık",
        "Mobil uygulama",
        "Toplam",
    ] {
        assert!(strings.contains(s), "{s} in {strings}");
    }

    // Refusals: the field named, no token, a role without reports.
    let (s, b) = api
        .json(
            "/v1/reports/summary?from=2026-01-01&to=2026-01-31&by=nonsense",
            &admin,
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(b["errors"]["by"].is_array(), "{b}");
    let (s, _, _) = api.get(&this_day, None).await;
    assert_eq!(s, 401);
    let (s, _, _) = api.get(&this_day, Some("not-a-token")).await;
    assert_eq!(s, 401);
    let (s, b) = api.json(&this_day, &expert).await;
    assert_eq!(s, 403, "{b}");

    // Within: a directorate manager naming another directorate gets
    // nothing; an admin naming the manager's directorate gets its figures.
    let mut dir = DirectoryServiceClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let me = dir
        .get_current_user(authed(pb::GetCurrentUserRequest {}, &director))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    let directorates = dir
        .list_directorates(authed(pb::ListDirectoratesRequest {}, &admin))
        .await
        .unwrap()
        .into_inner()
        .directorates;
    let other = directorates
        .iter()
        .find(|d| d.id != me.directorate_id)
        .expect("the demo has another directorate");
    let whole = format!("/v1/reports/summary?from=2020-01-01&to={day}&by=directorate");
    let (_, mine) = api.json(&whole, &director).await;
    let mine_total = mine["totals"]["opened"].as_i64().unwrap();
    assert!(0 < mine_total && mine_total <= all, "{mine_total} of {all}");
    let (s, none) = api
        .json(&format!("{whole}&directorate={}", other.id), &director)
        .await;
    assert_eq!(s, 200);
    assert_eq!(none["totals"]["opened"], 0, "{none}");
    assert_eq!(none["rows"], json!([]));
    let (_, as_admin) = api
        .json(
            &format!("{whole}&directorate={}", me.directorate_id),
            &admin,
        )
        .await;
    assert_eq!(as_admin["totals"]["opened"], mine_total);
    assert_eq!(
        as_admin["labels"]["directorate"][&me.directorate_id],
        mine["labels"]["directorate"][&me.directorate_id]
    );
    assert!(
        as_admin["labels"]["directorate"][&me.directorate_id]
            .as_str()
            .unwrap()
            .contains("Su")
    );

    // LongestOpen: oldest first, with Turkish labels; CasesBehind: as many
    // cases as the figure.
    let mut rs = ReportServiceClient::connect(format!("http://{reports}"))
        .await
        .unwrap();
    let longest = rs
        .longest_open(authed(
            rpb::LongestOpenRequest {
                at: day.clone(),
                limit: 10,
                within: None,
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!longest.cases.is_empty());
    assert!(
        longest
            .cases
            .windows(2)
            .all(|w| w[0].opened_at <= w[1].opened_at && w[0].days_open >= w[1].days_open)
    );
    // Every case's channel is named in Turkish and English.
    for c in &longest.cases {
        let label = longest
            .labels
            .iter()
            .find(|l| l.dimension == rpb::Dimension::Channel as i32 && l.code == c.channel)
            .unwrap();
        assert!(
            label.name_tr != c.channel && !label.name_en.is_empty(),
            "{label:?}"
        );
    }
    let bad = rs
        .longest_open(authed(
            rpb::LongestOpenRequest {
                at: "yesterday".into(),
                limit: 501,
                within: None,
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    assert!(bad.message().contains("limit") && bad.message().contains("at"));

    let summary = rs
        .summary(authed(
            rpb::SummaryRequest {
                from: "2020-01-01".into(),
                to: day.clone(),
                by: vec![rpb::Dimension::Channel as i32],
                granularity: None,
                within: None,
            },
            &director,
        ))
        .await
        .unwrap()
        .into_inner();
    for row in &summary.rows {
        let f = row.figures.unwrap_or_default();
        for (figure, want) in [
            (rpb::Figure::Opened, f.opened),
            (rpb::Figure::Resolved, f.resolved),
            (rpb::Figure::OpenAtEnd, f.open_at_end),
        ] {
            let mut stream = rs
                .cases_behind(authed(
                    rpb::CasesBehindRequest {
                        from: "2020-01-01".into(),
                        to: day.clone(),
                        figure: figure as i32,
                        key: vec![rpb::KeyValue {
                            dimension: rpb::Dimension::Channel as i32,
                            code: row.keys[0].clone(),
                        }],
                        within: None,
                    },
                    &director,
                ))
                .await
                .unwrap()
                .into_inner();
            let mut n = 0;
            while let Some(page) = stream.message().await.unwrap() {
                for c in &page.cases {
                    assert_eq!(c.channel, row.keys[0]);
                    n += 1;
                }
            }
            assert_eq!(n, want, "{figure:?} of {}", row.keys[0]);
        }
    }

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
