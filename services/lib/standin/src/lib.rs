//! A local stand-in for the social platforms' send APIs, which cannot run
//! here: the WhatsApp Cloud API, the Messenger Platform's Send API (Messenger
//! and Instagram) and X's direct-message API. It answers as their documents
//! say — the documented success bodies, and the documented error bodies for
//! a bad token, a malformed request, a closed customer-service window or an
//! unreachable person — and records every request it received, for tests to
//! read (and `tekmerkez dev` to show on `/dev/social`).
//!
//! | route | platform | auth |
//! | --- | --- | --- |
//! | `POST /{version}/{phone-number-id}/messages` | WhatsApp | `Authorization: Bearer <the number's token>` |
//! | `POST /{version}/{page-or-instagram-id}/messages` | Messenger, Instagram | `Authorization: Bearer <the Page token>` |
//! | `POST /2/dm_conversations/with/{participant_id}/messages` | X | `Authorization: Bearer <the account's user token>` |
//!
//! The accounts it knows ([`Account`]: platform, id, token) decide which
//! platform a Graph path is (the same id may be a Page and an Instagram
//! account; the token tells them apart) and which account an X token is.
//!
//! Formats, from the platforms' documentation (cited in notify's
//! `social` module): WhatsApp `{"messaging_product": "whatsapp",
//! "recipient_type": "individual", "to", "type": "text"|"template", …}` →
//! `200 {"messaging_product", "contacts": [{"input", "wa_id"}], "messages":
//! [{"id": "wamid.…"}]}`, errors `{"error": {"message", "type", "code",
//! "error_data": {"messaging_product", "details"}, "fbtrace_id"}}` (131047
//! outside the 24-hour window, 100 invalid parameter, 190 the token);
//! Messenger/Instagram `{"recipient": {"id"}, "messaging_type":
//! "RESPONSE"|"UPDATE"|"MESSAGE_TAG", "tag"?, "message": {"text"}}` → `200
//! {"recipient_id", "message_id"}`, errors `{"error": {"message", "type",
//! "code", "error_subcode", "fbtrace_id"}}` (10/2018278 outside the window,
//! 100 invalid parameter, 190 the token); X `{"text"}` → `201 {"data":
//! {"dm_conversation_id", "dm_event_id"}}`, errors as RFC 7807 problem
//! details (`400` invalid request, `401`, `403` not permitted).
//!
//! Tests steer it: [`StandIn::close_window`] makes a person's free-form
//! window closed (as if they last wrote days ago), [`StandIn::fail_next`]
//! answers the next request of a platform with a given documented error.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

/// How many requests are kept (the oldest go first).
const KEEP: usize = 1000;

/// One institutional account the stand-in accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// `whatsapp`, `messenger`, `instagram` or `x`.
    pub platform: &'static str,
    /// The phone-number id, Page id, Instagram account id or X user id.
    pub id: String,
    /// Its bearer token.
    pub token: String,
}

/// A request the stand-in received, and what it answered.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Received {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `whatsapp`, `messenger`, `instagram`, `x`, or `unknown` for a
    /// request no account matched.
    pub platform: String,
    /// The account id of the path (the X account the token is).
    pub account_id: String,
    /// The recipient: `to`, `recipient.id` or the X participant id.
    pub recipient: String,
    /// The bearer token presented.
    pub token: String,
    /// The JSON body (`null` when it was not JSON).
    pub body: Value,
    /// The status answered.
    pub status: u16,
    /// The message id answered, on success.
    pub message_id: Option<String>,
    /// When (RFC 3339).
    pub received_at: String,
}

/// A documented error to answer with.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Failure {
    /// A Graph API error (WhatsApp, Messenger, Instagram) with `code` and,
    /// when not 0, `error_subcode`.
    pub fn graph(status: u16, code: i64, subcode: i64, message: &str) -> Self {
        let mut error = json!({
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": fbtrace(),
        });
        if subcode != 0 {
            error["error_subcode"] = json!(subcode);
        }
        Self {
            status,
            body: json!({ "error": error }),
        }
    }

    /// An X API problem (RFC 7807).
    pub fn x(status: u16, title: &str, detail: &str) -> Self {
        Self {
            status,
            body: json!({"title": title, "type": "about:blank", "status": status, "detail": detail}),
        }
    }
}

fn fbtrace() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..11].to_owned()
}

#[derive(Debug, Default)]
struct Inner {
    received: VecDeque<Received>,
    seq: u64,
    /// Users whose free-form window is closed.
    closed: HashSet<String>,
    /// Errors to answer next, per platform.
    failures: HashMap<String, VecDeque<Failure>>,
}

/// The stand-in: cheap to clone, one state.
#[derive(Debug, Clone)]
pub struct StandIn {
    accounts: Arc<Vec<Account>>,
    inner: Arc<Mutex<Inner>>,
}

impl StandIn {
    /// A stand-in accepting `accounts`.
    pub fn new(accounts: Vec<Account>) -> Self {
        Self {
            accounts: Arc::new(accounts),
            inner: Arc::default(),
        }
    }

    /// Serves it on 127.0.0.1 (any free port) in the background: its base URL.
    ///
    /// # Panics
    /// When no port can be bound.
    #[allow(
        clippy::expect_used,
        reason = "a test or dev helper: no port is a broken machine"
    )]
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port for the social stand-in");
        let addr: SocketAddr = listener.local_addr().expect("a bound address");
        let app = self.api_router();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    /// The platforms' routes, to mount under a prefix of one's own (`tekmerkez
    /// dev` nests them under `/dev/social-api`).
    pub fn api_router(&self) -> Router {
        Router::new()
            .route("/{version}/{id}/messages", post(graph))
            .route(
                "/2/dm_conversations/with/{participant}/messages",
                post(x_message),
            )
            .with_state(self.clone())
    }

    /// `/dev/social` (the messages, newest first, in Turkish) and
    /// `/dev/social.json`, for `tekmerkez dev`.
    pub fn pages_router(&self) -> Router {
        Router::new()
            .route("/dev/social", get(page))
            .route("/dev/social.json", get(list))
            .with_state(self.clone())
    }

    /// Every request received, oldest first.
    ///
    /// # Panics
    /// When the state's lock is poisoned.
    pub fn received(&self) -> Vec<Received> {
        #[allow(
            clippy::unwrap_used,
            reason = "a poisoned lock means a test already failed"
        )]
        self.inner
            .lock()
            .unwrap()
            .received
            .iter()
            .cloned()
            .collect()
    }

    /// The requests that were answered with success, oldest first.
    pub fn delivered(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.message_id.is_some())
            .collect()
    }

    /// From now on `user`'s free-form window is closed: a text to them is
    /// refused as the platform refuses it (WhatsApp 131047; Messenger and
    /// Instagram 10/2018278 for `RESPONSE`; X 403).
    ///
    /// # Panics
    /// When the state's lock is poisoned.
    pub fn close_window(&self, user: &str) {
        #[allow(
            clippy::unwrap_used,
            reason = "a poisoned lock means a test already failed"
        )]
        self.inner.lock().unwrap().closed.insert(user.to_owned());
    }

    /// The next request for `platform` is answered with `failure`.
    ///
    /// # Panics
    /// When the state's lock is poisoned.
    pub fn fail_next(&self, platform: &str, failure: Failure) {
        #[allow(
            clippy::unwrap_used,
            reason = "a poisoned lock means a test already failed"
        )]
        self.inner
            .lock()
            .unwrap()
            .failures
            .entry(platform.to_owned())
            .or_default()
            .push_back(failure);
    }

    fn record(&self, mut r: Received) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.seq += 1;
        r.seq = inner.seq;
        inner.received.push_back(r);
        while inner.received.len() > KEEP {
            inner.received.pop_front();
        }
    }

    fn take_failure(&self, platform: &str) -> Option<Failure> {
        self.inner
            .lock()
            .ok()?
            .failures
            .get_mut(platform)
            .and_then(VecDeque::pop_front)
    }

    fn window_closed(&self, user: &str) -> bool {
        self.inner.lock().is_ok_and(|i| i.closed.contains(user))
    }
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// A parameter problem as WhatsApp words it (`details` names it).
fn invalid_whatsapp(details: &str) -> Failure {
    let mut f = Failure::graph(400, 100, 0, "(#100) Invalid parameter");
    f.body["error"]["error_data"] = json!({"messaging_product": "whatsapp", "details": details});
    f
}

/// A parameter problem as the Send API words it.
fn invalid_graph(message: &str) -> Failure {
    Failure::graph(400, 100, 0, &format!("(#100) {message}"))
}

fn text_ok(v: &Value, max_chars: usize) -> bool {
    v.as_str()
        .is_some_and(|t| !t.trim().is_empty() && t.chars().count() <= max_chars)
}

/// Checks a WhatsApp Cloud API message body.
fn check_whatsapp(body: &Value) -> Result<(), Failure> {
    if body["messaging_product"] != "whatsapp" {
        return Err(invalid_whatsapp("messaging_product must be whatsapp"));
    }
    if !matches!(body.get("recipient_type"), None | Some(Value::String(_)))
        || body
            .get("recipient_type")
            .is_some_and(|r| r != "individual" && r != "group")
    {
        return Err(invalid_whatsapp("recipient_type must be individual"));
    }
    let to_ok = body["to"]
        .as_str()
        .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '+'));
    if !to_ok {
        return Err(invalid_whatsapp("to must be a phone number or WhatsApp id"));
    }
    match body["type"].as_str() {
        Some("text") => {
            if !text_ok(&body["text"]["body"], 4096) {
                return Err(invalid_whatsapp("text.body must be 1 to 4096 characters"));
            }
        }
        Some("template") => {
            let t = &body["template"];
            if t["name"].as_str().is_none_or(str::is_empty) {
                return Err(invalid_whatsapp("template.name is required"));
            }
            if t["language"]["code"].as_str().is_none_or(str::is_empty) {
                return Err(invalid_whatsapp("template.language.code is required"));
            }
            if let Some(components) = t.get("components") {
                let ok = components.as_array().is_some_and(|cs| {
                    cs.iter().all(|c| {
                        c["type"].as_str().is_some()
                            && c["parameters"].as_array().is_some_and(|ps| {
                                ps.iter().all(|p| {
                                    p["type"] == "text"
                                        && p["text"].as_str().is_some_and(|s| {
                                            !s.is_empty()
                                                && !s.contains(['\n', '\t'])
                                                && !s.contains("     ")
                                        })
                                })
                            })
                    })
                });
                if !ok {
                    return Err(Failure::graph(
                        400,
                        132_012,
                        0,
                        "(#132012) Parameter format does not match format in the created template",
                    ));
                }
            }
        }
        _ => return Err(invalid_whatsapp("type must be a supported message type")),
    }
    Ok(())
}

/// Checks a Send API body (Messenger, Instagram).
fn check_send_api(body: &Value, instagram: bool) -> Result<(), Failure> {
    if body["recipient"]["id"].as_str().is_none_or(str::is_empty) {
        return Err(invalid_graph("param recipient must be non-empty."));
    }
    match body["messaging_type"].as_str() {
        Some("RESPONSE" | "UPDATE") => {}
        Some("MESSAGE_TAG") => {
            if !matches!(
                body["tag"].as_str(),
                Some(
                    "HUMAN_AGENT"
                        | "CONFIRMED_EVENT_UPDATE"
                        | "POST_PURCHASE_UPDATE"
                        | "ACCOUNT_UPDATE"
                )
            ) {
                return Err(invalid_graph("param tag must be a message tag"));
            }
        }
        _ => {
            return Err(invalid_graph(
                "param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}",
            ));
        }
    }
    let text = &body["message"]["text"];
    let ok = if instagram {
        text.as_str()
            .is_some_and(|t| !t.trim().is_empty() && t.len() <= 1000)
    } else {
        text_ok(text, 2000)
    };
    if !ok {
        return Err(invalid_graph(
            "param message must have text of the allowed length",
        ));
    }
    Ok(())
}

fn answer(f: Failure) -> Response {
    (
        StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST),
        Json(f.body),
    )
        .into_response()
}

async fn graph(
    State(s): State<StandIn>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let token = bearer(&headers);
    let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let account = s
        .accounts
        .iter()
        .find(|a| a.id == id && a.token == token && a.platform != "x");
    let platform = account.map_or("unknown", |a| a.platform);
    let recipient = body["to"]
        .as_str()
        .or(body["recipient"]["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let mut rec = Received {
        seq: 0,
        platform: platform.to_owned(),
        account_id: id.clone(),
        recipient: recipient.clone(),
        token,
        body: body.clone(),
        status: 0,
        message_id: None,
        received_at: now(),
    };
    let versioned = version
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok());
    let outcome: Result<Value, Failure> = (|| {
        if !versioned {
            return Err(Failure::graph(400, 2500, 0, "Unknown path components"));
        }
        let Some(account) = account else {
            return Err(if s.accounts.iter().any(|a| a.id == id) {
                Failure::graph(
                    401,
                    190,
                    0,
                    "Invalid OAuth access token - Cannot parse access token",
                )
            } else {
                Failure::graph(
                    400,
                    100,
                    33,
                    "Unsupported post request. Object with ID does not exist, cannot be loaded due to missing permissions, or does not support this operation",
                )
            });
        };
        if body.is_null() {
            return Err(invalid_graph("the body must be JSON"));
        }
        if let Some(f) = s.take_failure(account.platform) {
            return Err(f);
        }
        if account.platform == "whatsapp" {
            check_whatsapp(&body)?;
            if body["type"] == "text" && s.window_closed(&recipient) {
                let mut f = Failure::graph(400, 131_047, 0, "(#131047) Re-engagement message");
                f.body["error"]["error_data"] = json!({"messaging_product": "whatsapp",
                    "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."});
                return Err(f);
            }
            let wamid = format!("wamid.{}", uuid::Uuid::new_v4().simple());
            Ok(json!({
                "messaging_product": "whatsapp",
                "contacts": [{"input": recipient, "wa_id": recipient}],
                "messages": [{"id": wamid}],
            }))
        } else {
            check_send_api(&body, account.platform == "instagram")?;
            if body["messaging_type"] != "MESSAGE_TAG" && s.window_closed(&recipient) {
                return Err(Failure::graph(
                    400,
                    10,
                    2_018_278,
                    "(#10) This message is sent outside of allowed window.",
                ));
            }
            Ok(json!({
                "recipient_id": recipient,
                "message_id": format!("m_{}", uuid::Uuid::new_v4().simple()),
            }))
        }
    })();
    match outcome {
        Ok(v) => {
            rec.status = 200;
            rec.message_id = v["messages"][0]["id"]
                .as_str()
                .or(v["message_id"].as_str())
                .map(str::to_owned);
            s.record(rec);
            (StatusCode::OK, Json(v)).into_response()
        }
        Err(f) => {
            rec.status = f.status;
            s.record(rec);
            answer(f)
        }
    }
}

async fn x_message(
    State(s): State<StandIn>,
    Path(participant): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let token = bearer(&headers);
    let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let account = s
        .accounts
        .iter()
        .find(|a| a.platform == "x" && a.token == token);
    let mut rec = Received {
        seq: 0,
        platform: account.map_or("unknown", |a| a.platform).to_owned(),
        account_id: account.map(|a| a.id.clone()).unwrap_or_default(),
        recipient: participant.clone(),
        token,
        body: body.clone(),
        status: 0,
        message_id: None,
        received_at: now(),
    };
    let outcome: Result<Value, Failure> = (|| {
        let Some(account) = account else {
            return Err(Failure::x(401, "Unauthorized", "Unauthorized"));
        };
        let id_ok = (1..=19).contains(&participant.len())
            && participant.chars().all(|c| c.is_ascii_digit());
        let text_ok = body["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty() && t.chars().count() <= 10_000);
        if !id_ok || !text_ok {
            let mut f = Failure::x(
                400,
                "Invalid Request",
                "One or more parameters to your request was invalid.",
            );
            f.body["type"] = json!("https://api.twitter.com/2/problems/invalid-request");
            return Err(f);
        }
        if let Some(f) = s.take_failure("x") {
            return Err(f);
        }
        if s.window_closed(&participant) {
            return Err(Failure::x(
                403,
                "Forbidden",
                "You are not permitted to send this message to this user.",
            ));
        }
        let event = uuid::Uuid::new_v4().as_u128() % 10u128.pow(19);
        Ok(json!({"data": {
            "dm_conversation_id": format!("{}-{participant}", account.id),
            "dm_event_id": event.to_string(),
        }}))
    })();
    match outcome {
        Ok(v) => {
            rec.status = 201;
            rec.message_id = v["data"]["dm_event_id"].as_str().map(str::to_owned);
            s.record(rec);
            (StatusCode::CREATED, Json(v)).into_response()
        }
        Err(f) => {
            rec.status = f.status;
            s.record(rec);
            answer(f)
        }
    }
}

async fn list(State(s): State<StandIn>) -> Response {
    let mut all = s.received();
    all.reverse();
    Json(all).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn platform_tr(p: &str) -> &'static str {
    match p {
        "whatsapp" => "WhatsApp",
        "messenger" => "Messenger",
        "instagram" => "Instagram",
        "x" => "X",
        _ => "bilinmeyen hesap",
    }
}

/// What a request said, in a line: the text, or the template's name and values.
fn gist(body: &Value) -> String {
    if let Some(t) = body["text"]["body"].as_str() {
        return t.to_owned();
    }
    if let Some(t) = body["message"]["text"].as_str() {
        return t.to_owned();
    }
    if let Some(t) = body["text"].as_str() {
        return t.to_owned();
    }
    if body["type"] == "template" {
        let values: Vec<&str> = body["template"]["components"][0]["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p["text"].as_str()).collect())
            .unwrap_or_default();
        return format!(
            "[şablon {}] {}",
            body["template"]["name"].as_str().unwrap_or_default(),
            values.join(" · ")
        );
    }
    String::new()
}

async fn page(State(s): State<StandIn>) -> Html<String> {
    let mut items = String::new();
    for r in s.received().iter().rev() {
        let how = match (r.body["messaging_type"].as_str(), r.body["tag"].as_str()) {
            (Some("MESSAGE_TAG"), Some(tag)) => format!(" · etiket <code>{}</code>", escape(tag)),
            _ => String::new(),
        };
        let outcome = if r.message_id.is_some() {
            "gönderildi".to_owned()
        } else {
            format!("reddedildi ({})", r.status)
        };
        items.push_str(&format!(
            r#"<article><div class="meta">{} · hesap <code>{}</code> → <code>{}</code> · {}{} · {}</div><pre>{}</pre></article>"#,
            platform_tr(&r.platform),
            escape(&r.account_id),
            escape(&r.recipient),
            escape(&r.received_at),
            how,
            outcome,
            escape(&gist(&r.body))
        ));
    }
    if items.is_empty() {
        items.push_str("<p>Henüz ileti yok. README'deki <em>Social media</em> bölümündeki gibi bir WhatsApp iletisi gönderin: alındı yanıtı burada görünür.</p>");
    }
    Html(format!(
        r#"<!doctype html><html lang="tr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Sosyal medya kutusu — tekmerkez geliştirme</title>
<style>body{{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;color:#1a1a1a}}article{{border:1px solid #ccc;border-radius:.4rem;padding:.75rem 1rem;margin:.75rem 0}}
.meta{{color:#444;font-size:.9rem}}pre{{white-space:pre-wrap;font-family:inherit;margin:.5rem 0}}code{{background:#f1f1f1;padding:0 .25rem}}</style></head>
<body><h1>Sosyal medya kutusu</h1><p>Bildirim servisinin WhatsApp, Messenger, Instagram ve X yazışmalarına gönderdikleri (geliştirme kipi: platformların yerine yerel bir taklit karşılar). En yenisi üstte.</p><p><a href="/gelistirme">Geliştirme sayfası</a> · <a href="/dev/sms">SMS kutusu</a> · <a href="/dev/mail">E-posta kutusu</a></p>{items}</body></html>"#
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    fn standin() -> StandIn {
        StandIn::new(vec![
            Account {
                platform: "whatsapp",
                id: "106540352242922".into(),
                token: "wa-token".into(),
            },
            Account {
                platform: "messenger",
                id: "682498302938465".into(),
                token: "page-token".into(),
            },
            Account {
                platform: "instagram",
                id: "682498302938465".into(),
                token: "ig-token".into(),
            },
            Account {
                platform: "x",
                id: "4337869213".into(),
                token: "x-token".into(),
            },
        ])
    }

    async fn post(url: &str, token: &str, body: Value) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    #[tokio::test]
    async fn it_answers_each_platform_as_documented_and_records_what_it_got() {
        let s = standin();
        let base = s.serve().await;
        let wa = format!("{base}/v23.0/106540352242922/messages");
        let text = json!({"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "905321234567", "type": "text", "text": {"body": "Başvurunuz alındı."}});
        let (status, v) = post(&wa, "wa-token", text.clone()).await;
        assert_eq!(status, 200);
        assert!(
            v["messages"][0]["id"]
                .as_str()
                .unwrap()
                .starts_with("wamid.")
        );
        assert_eq!(v["contacts"][0]["wa_id"], "905321234567");
        let (status, v) = post(&wa, "wrong", text.clone()).await;
        assert_eq!((status, v["error"]["code"].as_i64()), (401, Some(190)));
        let (status, v) = post(
            &wa,
            "wa-token",
            json!({"messaging_product": "whatsapp", "to": "905321234567", "type": "text"}),
        )
        .await;
        assert_eq!((status, v["error"]["code"].as_i64()), (400, Some(100)));
        s.close_window("905321234567");
        let (status, v) = post(&wa, "wa-token", text).await;
        assert_eq!((status, v["error"]["code"].as_i64()), (400, Some(131_047)));
        let template = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "905321234567",
            "type": "template", "template": {"name": "basvuru_bilgi", "language": {"code": "tr"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "ABCDE-FGHJK"}]}]}});
        assert_eq!(post(&wa, "wa-token", template).await.0, 200);

        let page = format!("{base}/v23.0/682498302938465/messages");
        let msg = json!({"recipient": {"id": "7265514420186"}, "messaging_type": "RESPONSE", "message": {"text": "Merhaba"}});
        let (status, v) = post(&page, "page-token", msg.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(v["recipient_id"], "7265514420186");
        s.close_window("7265514420186");
        let (status, v) = post(&page, "page-token", msg).await;
        assert_eq!(
            (
                v["error"]["code"].as_i64(),
                v["error"]["error_subcode"].as_i64()
            ),
            (Some(10), Some(2_018_278))
        );
        assert_eq!(status, 400);
        let tagged = json!({"recipient": {"id": "7265514420186"}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "message": {"text": "Merhaba"}});
        assert_eq!(
            post(&page, "ig-token", tagged).await.0,
            200,
            "the Instagram token makes it Instagram"
        );

        let x = format!("{base}/2/dm_conversations/with/2244994945/messages");
        let (status, v) = post(&x, "x-token", json!({"text": "Merhaba"})).await;
        assert_eq!(status, 201);
        assert_eq!(v["data"]["dm_conversation_id"], "4337869213-2244994945");
        let (status, v) = post(&x, "nope", json!({"text": "Merhaba"})).await;
        assert_eq!((status, v["status"].as_i64()), (401, Some(401)));
        s.fail_next(
            "x",
            Failure::x(429, "Too Many Requests", "Too Many Requests"),
        );
        assert_eq!(post(&x, "x-token", json!({"text": "Merhaba"})).await.0, 429);
        assert_eq!(post(&x, "x-token", json!({"text": ""})).await.0, 400);

        let got = s.received();
        assert_eq!(got.len(), 12);
        assert_eq!(got[0].platform, "whatsapp");
        assert_eq!(got[0].token, "wa-token");
        assert_eq!(got[0].body["text"]["body"], "Başvurunuz alındı.");
        assert_eq!(got[5].platform, "messenger");
        assert_eq!(got[7].platform, "instagram");
        assert_eq!(got[8].account_id, "4337869213");
        assert_eq!(s.delivered().len(), 5);
    }
}
