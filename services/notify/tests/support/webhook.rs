//! A local stand-in for the generic JSON webhook SMS provider, speaking the
//! contract documented in `tekmerkez_notify::sms::webhook`: `POST /sms`
//! with a bearer token and `{"message_id", "to", "text", "encoding",
//! "segments", "sender"}` → `202 {"id", "status": "accepted"}`, the same id
//! again for a repeated `message_id` (nothing sent twice); `422
//! {"error": {"code": "invalid_number"}}` for numbers it refuses; faults
//! staged per test (401, 429, 500, 503, garbage, slow answers).
//! Shared by notify's tests and `integration-tests` (included by path).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::{
    collections::{HashMap, HashSet},
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
use serde_json::{Value, json};

/// The token it accepts.
pub const TOKEN: &str = "webhook-standin-token-0123456789abcdef";

/// How the next sends are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Accept what is valid.
    Normal,
    /// This HTTP status with a JSON error, nothing taken.
    Status(u16),
    /// 200 with a body that is not JSON, nothing taken.
    Garbage,
    /// Take it, answer after this long.
    Slow(Duration),
}

/// One message taken.
#[derive(Debug, Clone)]
pub struct Taken {
    /// Our message id.
    pub message_id: String,
    /// Its reference.
    pub id: String,
    /// E.164.
    pub to: String,
    pub text: String,
    /// Encoding code.
    pub encoding: String,
    pub segments: u64,
}

#[derive(Default)]
struct Inner {
    mode: Option<Mode>,
    mode_left: Option<usize>,
    taken: Vec<Taken>,
    by_message_id: HashMap<String, String>,
    requests: usize,
    refused: HashSet<String>,
}

#[derive(Clone)]
pub struct WebhookStandIn {
    /// The POST URL.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl WebhookStandIn {
    /// Starts it on 127.0.0.1 (port 0).
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/sms", post(send))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{addr}/sms"),
            inner,
        }
    }

    /// Answers the next `count` sends (all, when `None`) with `mode`.
    pub fn set_mode(&self, mode: Mode, count: Option<usize>) {
        let mut i = self.inner.lock().unwrap();
        i.mode = Some(mode);
        i.mode_left = count;
    }

    /// Refuses `to` (E.164) as an invalid number.
    pub fn refuse(&self, to: &str) {
        self.inner.lock().unwrap().refused.insert(to.to_owned());
    }

    /// Distinct messages taken (what handsets get).
    pub fn taken(&self) -> Vec<Taken> {
        self.inner.lock().unwrap().taken.clone()
    }

    /// Requests received.
    pub fn requests(&self) -> usize {
        self.inner.lock().unwrap().requests
    }
}

fn refusal(status: StatusCode, code: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": code}})),
    )
        .into_response()
}

async fn send(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> Response {
    let mode = {
        let mut i = inner.lock().unwrap();
        i.requests += 1;
        let mode = i.mode.clone().unwrap_or(Mode::Normal);
        if let Some(left) = i.mode_left.as_mut() {
            *left -= 1;
            if *left == 0 {
                i.mode = None;
                i.mode_left = None;
            }
        }
        mode
    };
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if bearer != format!("Bearer {TOKEN}") {
        return refusal(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    match mode {
        Mode::Status(s) => return refusal(StatusCode::from_u16(s).unwrap(), "fault"),
        Mode::Garbage => return (StatusCode::OK, "not json").into_response(),
        _ => {}
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return refusal(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let (Some(message_id), Some(to), Some(text), Some(encoding)) = (
        req["message_id"].as_str(),
        req["to"].as_str(),
        req["text"].as_str(),
        req["encoding"].as_str(),
    ) else {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    };
    if headers.get("idempotency-key").and_then(|v| v.to_str().ok()) != Some(message_id) {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    }
    let id = {
        let mut i = inner.lock().unwrap();
        if i.refused.contains(to) || !to.starts_with('+') {
            return refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalid_number");
        }
        if let Some(id) = i.by_message_id.get(message_id) {
            id.clone()
        } else {
            let id = format!("wh-{}", i.taken.len() + 1);
            i.by_message_id.insert(message_id.to_owned(), id.clone());
            i.taken.push(Taken {
                message_id: message_id.to_owned(),
                id: id.clone(),
                to: to.to_owned(),
                text: text.to_owned(),
                encoding: encoding.to_owned(),
                segments: req["segments"].as_u64().unwrap_or(0),
            });
            id
        }
    };
    if let Mode::Slow(d) = mode {
        tokio::time::sleep(d).await;
    }
    (
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "status": "accepted"})),
    )
        .into_response()
}
