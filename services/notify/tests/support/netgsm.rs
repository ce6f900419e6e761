//! A local stand-in for Netgsm's REST v2 SMS API, speaking the request and
//! answer formats its official SDKs document (npm `@netgsm/sms`, PyPI
//! `netgsm-sms`): `POST /sms/rest/v2/send` with Basic authentication and
//! `{"msgheader", "messages": [{"msg", "no"}], "encoding", "iysfilter",
//! "appname"}` → `{"code": "00", "jobid", "description"}`, or HTTP 406 with
//! an error `code` (20 text, 30 credentials, 40 sender header, 70 parameter,
//! 80 rate limit, 100 system error); `POST /sms/rest/v2/report` with
//! `startdate`/`stopdate` (`dd.MM.yyyy HH:mm:ss`), optional `jobids`,
//! `pagesize`, `pagenumber` → `{"code": "00", "jobs": [...]}` or `60`.
//!
//! Faults are staged per test: a mode for the next sends (error code, 500,
//! garbage, slow answers), numbers it refuses (code 70, as Netgsm does for
//! a number it will not take) and numbers reported undeliverable (status 3).
//! Shared by notify's tests and `integration-tests` (included by path).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::{
    collections::HashSet,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine as _;
use serde_json::{Value, json};

/// How the next sends are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// As the real service: accept what is valid.
    Normal,
    /// HTTP 406 with this error code.
    Code(&'static str),
    /// HTTP 500 with an HTML page, nothing recorded.
    ServerError,
    /// HTTP 503, nothing recorded.
    Unavailable,
    /// HTTP 200 with a body that is not JSON, nothing recorded.
    Garbage,
    /// HTTP 200 with a body that is not JSON, but the message WAS taken
    /// (a proxy garbling the answer).
    GarbageAfterAccepting,
    /// Accept, but answer only after this long.
    Slow(Duration),
    /// Take the message only after this long, then answer: a request still
    /// on its way, which the report API does not list until it is taken.
    LateRecord(Duration),
}

/// One message Netgsm took.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The job id it answered.
    pub jobid: String,
    /// `no`.
    pub number: String,
    /// `msg`.
    pub msg: String,
    /// `encoding` as sent.
    pub encoding: Option<String>,
    /// `msgheader`.
    pub msgheader: String,
    /// `iysfilter`.
    pub iysfilter: Option<String>,
    /// When it arrived.
    pub at: jiff::Timestamp,
}

#[derive(Default)]
struct Inner {
    mode: Option<Mode>,
    /// How many more sends the mode applies to (None: until changed).
    mode_left: Option<usize>,
    sent: Vec<Sent>,
    requests: usize,
    refused_numbers: HashSet<String>,
    undeliverable_numbers: HashSet<String>,
    next_job: u64,
}

/// The stand-in, listening on 127.0.0.1 (port 0).
#[derive(Clone)]
pub struct NetgsmStandIn {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

/// The credentials it accepts.
pub const USER: &str = "8503000000";
/// The password it accepts.
pub const PASSWORD: &str = "standin-password";
/// The sender header defined for the account.
pub const HEADER: &str = "TEKMERKEZ";

impl NetgsmStandIn {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/sms/rest/v2/send", post(send))
            .route("/sms/rest/v2/report", post(report))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{addr}"),
            inner,
        }
    }

    /// Answers the next `count` sends (all, when `None`) with `mode`.
    pub fn set_mode(&self, mode: Mode, count: Option<usize>) {
        let mut i = self.inner.lock().unwrap();
        i.mode = Some(mode);
        i.mode_left = count;
    }

    /// Refuses `number` (10 digits) with code 70.
    pub fn refuse_number(&self, number: &str) {
        self.inner
            .lock()
            .unwrap()
            .refused_numbers
            .insert(number.to_owned());
    }

    /// Takes messages to `number` but reports them undeliverable (status 3).
    pub fn undeliverable_number(&self, number: &str) {
        self.inner
            .lock()
            .unwrap()
            .undeliverable_numbers
            .insert(number.to_owned());
    }

    /// Every message taken.
    pub fn sent(&self) -> Vec<Sent> {
        self.inner.lock().unwrap().sent.clone()
    }

    /// How many messages were taken (without copying them, for polling).
    pub fn sent_count(&self) -> usize {
        self.inner.lock().unwrap().sent.len()
    }

    /// Messages taken for `number`.
    pub fn sent_to(&self, number: &str) -> Vec<Sent> {
        self.sent()
            .into_iter()
            .filter(|s| s.number == number)
            .collect()
    }

    /// Send requests received, whatever their answer.
    pub fn requests(&self) -> usize {
        self.inner.lock().unwrap().requests
    }
}

fn error(code: &str, description: &str) -> Response {
    (
        StatusCode::NOT_ACCEPTABLE,
        Json(json!({"code": code, "description": description})),
    )
        .into_response()
}

fn authorised(headers: &HeaderMap) -> bool {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {expected}"))
}

fn take_mode(i: &mut Inner) -> Mode {
    let mode = i.mode.clone().unwrap_or(Mode::Normal);
    if let Some(left) = i.mode_left.as_mut() {
        *left -= 1;
        if *left == 0 {
            i.mode = None;
            i.mode_left = None;
        }
    }
    mode
}

async fn send(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> Response {
    let mode = {
        let mut i = inner.lock().unwrap();
        i.requests += 1;
        take_mode(&mut i)
    };
    if !authorised(&headers) {
        return error(
            "30",
            "Geçersiz kullanıcı adı, şifre veya kullanıcınızın API erişim izni yok.",
        );
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error("70", "Hatalı sorgulama.");
    };
    match mode {
        Mode::Code(c) => return error(c, "Hata"),
        Mode::ServerError => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "<html><body>Internal Server Error</body></html>",
            )
                .into_response();
        }
        Mode::Unavailable => {
            return (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response();
        }
        Mode::Garbage => return (StatusCode::OK, "<?xml version=\"1.0\"?><oops/>").into_response(),
        _ => {}
    }
    let header = req["msgheader"].as_str().unwrap_or_default().to_owned();
    if header != HEADER {
        return error(
            "40",
            "Mesaj başlığınız (gönderici adınızın) sistemde tanımlı değil.",
        );
    }
    let Some(messages) = req["messages"].as_array().filter(|m| !m.is_empty()) else {
        return error("70", "Hatalı sorgulama.");
    };
    if let Mode::LateRecord(d) = mode {
        tokio::time::sleep(d).await;
    }
    let mut taken = Vec::new();
    for m in messages {
        let (Some(msg), Some(no)) = (m["msg"].as_str(), m["no"].as_str()) else {
            return error("70", "Hatalı sorgulama.");
        };
        if no.len() != 10 || !no.bytes().all(|b| b.is_ascii_digit()) {
            return error("70", "Hatalı sorgulama.");
        }
        if msg.is_empty() || msg.chars().count() > 917 {
            return error("20", "Mesaj metninde ki problemden dolayı gönderilemedi.");
        }
        if inner.lock().unwrap().refused_numbers.contains(no) {
            return error("70", "Hatalı sorgulama.");
        }
        taken.push((no.to_owned(), msg.to_owned()));
    }
    let jobid = {
        let mut i = inner.lock().unwrap();
        i.next_job += 1;
        let jobid = format!("{}", 1_700_000_000 + i.next_job);
        for (number, msg) in taken {
            i.sent.push(Sent {
                jobid: jobid.clone(),
                number,
                msg,
                encoding: req["encoding"].as_str().map(str::to_owned),
                msgheader: header.clone(),
                iysfilter: req["iysfilter"].as_str().map(str::to_owned),
                at: jiff::Timestamp::now(),
            });
        }
        jobid
    };
    match mode {
        Mode::Slow(d) => tokio::time::sleep(d).await,
        Mode::GarbageAfterAccepting => {
            return (StatusCode::OK, "{\"code\": \"00\", \"jobid\"").into_response();
        }
        _ => {}
    }
    Json(json!({"code": "00", "jobid": jobid, "description": "queued"})).into_response()
}

fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    let dt = jiff::civil::DateTime::strptime("%d.%m.%Y %H:%M:%S", s).ok()?;
    dt.to_zoned(jiff::tz::TimeZone::get("Europe/Istanbul").ok()?)
        .ok()
        .map(|z| z.timestamp())
}

async fn report(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorised(&headers) {
        return error(
            "30",
            "Geçersiz kullanıcı adı, şifre veya kullanıcınızın API erişim izni yok.",
        );
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error("70", "Hatalı sorgulama.");
    };
    let (Some(start), Some(stop)) = (
        req["startdate"].as_str().and_then(parse_time),
        req["stopdate"].as_str().and_then(parse_time),
    ) else {
        return error("70", "Hatalı sorgulama.");
    };
    let jobids: Option<Vec<String>> = req["jobids"].as_array().map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    let size = req["pagesize"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let page = req["pagenumber"].as_u64().unwrap_or(0) as usize;
    let i = inner.lock().unwrap();
    let jobs: Vec<Value> = i
        .sent
        .iter()
        .filter(|s| s.at >= start && s.at <= stop)
        .filter(|s| jobids.as_ref().is_none_or(|j| j.contains(&s.jobid)))
        .skip(page * size)
        .take(size)
        .map(|s| {
            let status = if i.undeliverable_numbers.contains(&s.number) { 3 } else { 1 };
            json!({"jobid": s.jobid, "number": format!("90{}", s.number), "status": status, "operator": 30,
                   "msglen": s.msg.chars().count(), "deliveredDate": "01.12.2026 10:00:00", "errorCode": 0})
        })
        .collect();
    if jobs.is_empty() {
        return error(
            "60",
            "Belirttiğiniz kriterlere göre listelenecek kayıt yok.",
        );
    }
    Json(json!({"code": "00", "description": "success", "jobs": jobs})).into_response()
}
