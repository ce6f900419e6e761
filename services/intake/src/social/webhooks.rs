//! The webhooks: the platforms' handshakes and their signed deliveries.
//!
//! | route | GET (handshake) | POST (events), signed with |
//! |---|---|---|
//! | `/webhooks/whatsapp` | `hub.mode`, `hub.verify_token`, `hub.challenge` | `X-Hub-Signature-256` |
//! | `/webhooks/messenger` | the same | the same |
//! | `/webhooks/instagram` | the same | the same |
//! | `/webhooks/x` | `crc_token` → `response_token` | `x-twitter-webhooks-signature` |
//!
//! A POST is checked in this order, and answered as the platforms expect:
//! no signature → 401; a wrong or malformed one → 403 (over the raw bytes,
//! constant time, before anything parses the body); a body that is not JSON
//! or not the documented shape → 400. What the delivery then comes to is
//! [`super::delivery`]'s.

use std::{collections::HashMap, time::Duration};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use secrecy::ExposeSecret as _;

use super::{
    delivery::{Channel, deliver},
    parse::{self, ParseError, Parsed, Platform},
    settings::{self, SocialSettings},
    state::SocialState,
};
use crate::{
    api_error::ApiError,
    signature::{self, SignatureError},
};

/// The routes of the enabled channels (none when all are off).
pub fn router(state: &SocialState) -> Router {
    let s = &state.0.settings;
    let mut r = Router::new();
    if s.whatsapp.enabled {
        r = r.route(
            "/webhooks/whatsapp",
            get(whatsapp_verify).post(whatsapp_event),
        );
    }
    if s.messenger.enabled {
        r = r.route(
            "/webhooks/messenger",
            get(messenger_verify).post(messenger_event),
        );
    }
    if s.instagram.enabled {
        r = r.route(
            "/webhooks/instagram",
            get(instagram_verify).post(instagram_event),
        );
    }
    if s.x.enabled {
        r = r.route("/webhooks/x", get(x_crc).post(x_event));
    }
    r.layer(axum::extract::DefaultBodyLimit::max(s.body_limit_bytes))
        .with_state(state.clone())
}

/// Which Meta channel a request is for.
#[derive(Clone, Copy)]
pub(super) enum Meta {
    WhatsApp,
    Messenger,
    Instagram,
}

impl Meta {
    fn settings(self, s: &SocialSettings) -> &settings::MetaChannelSettings {
        match self {
            Self::WhatsApp => &s.whatsapp,
            Self::Messenger => &s.messenger,
            Self::Instagram => &s.instagram,
        }
    }

    fn parse(self, body: &[u8]) -> Result<Parsed, ParseError> {
        match self {
            Self::WhatsApp => parse::whatsapp::parse(body),
            Self::Messenger => parse::messenger::parse(body, Platform::Messenger),
            Self::Instagram => parse::messenger::parse(body, Platform::Instagram),
        }
    }
}

async fn whatsapp_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::WhatsApp, &q)
}
async fn messenger_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::Messenger, &q)
}
async fn instagram_verify(
    State(s): State<SocialState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    meta_verify(&s, Meta::Instagram, &q)
}
async fn whatsapp_event(State(s): State<SocialState>, headers: HeaderMap, body: Bytes) -> Response {
    meta_event(&s, Meta::WhatsApp, &headers, &body).await
}
async fn messenger_event(
    State(s): State<SocialState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    meta_event(&s, Meta::Messenger, &headers, &body).await
}
async fn instagram_event(
    State(s): State<SocialState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    meta_event(&s, Meta::Instagram, &headers, &body).await
}

fn bad_request(message: &str, field: &str, rule: &'static str) -> Response {
    let mut v = tekmerkez_types::fields::Violations::new();
    v.add(field, rule);
    let mut e = ApiError::invalid(&v);
    e = e.with_message(message);
    e.into_response()
}

/// The verification request: `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`
/// answered with the challenge when the token is ours, 403 otherwise.
fn meta_verify(s: &SocialState, which: Meta, q: &HashMap<String, String>) -> Response {
    let cfg = which.settings(&s.0.settings);
    let (Some(mode), Some(token), Some(challenge)) = (
        q.get("hub.mode"),
        q.get("hub.verify_token"),
        q.get("hub.challenge"),
    ) else {
        return bad_request(
            "a verification request needs hub.mode, hub.verify_token and hub.challenge",
            "hub.challenge",
            "is required",
        );
    };
    // The challenge is echoed back: only the digits and letters Meta sends,
    // never markup.
    if challenge.is_empty()
        || challenge.len() > 128
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return bad_request(
            "hub.challenge is not a challenge",
            "hub.challenge",
            "must be 1 to 128 letters or digits",
        );
    }
    let ours = cfg.verify_token.expose_secret().as_bytes();
    let token_ok: bool = subtle::ConstantTimeEq::ct_eq(token.as_bytes(), ours).into();
    if mode != "subscribe" || !token_ok {
        tracing::warn!(channel = which_name(which), "webhook verification refused");
        return ApiError::new(StatusCode::FORBIDDEN, "verification refused").into_response();
    }
    tracing::info!(channel = which_name(which), "webhook verified");
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        challenge.clone(),
    )
        .into_response()
}

fn which_name(w: Meta) -> &'static str {
    match w {
        Meta::WhatsApp => "whatsapp",
        Meta::Messenger => "messenger",
        Meta::Instagram => "instagram",
    }
}

fn signature_refused(e: SignatureError) -> Response {
    match e {
        SignatureError::Missing => {
            ApiError::new(StatusCode::UNAUTHORIZED, "the request is not signed").into_response()
        }
        SignatureError::Malformed | SignatureError::Mismatch => {
            ApiError::new(StatusCode::FORBIDDEN, "the signature is not valid").into_response()
        }
    }
}

pub(super) async fn meta_event(
    s: &SocialState,
    which: Meta,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let cfg = which.settings(&s.0.settings);
    let sig = headers
        .get("x-hub-signature-256")
        .map(|v| v.to_str().unwrap_or(""));
    if let Err(e) = signature::verify_meta(cfg.app_secret.expose_secret().as_bytes(), body, sig) {
        tracing::warn!(channel = which_name(which), reason = %e, "webhook refused");
        return signature_refused(e);
    }
    let parsed = match which.parse(body) {
        Ok(p) => p,
        Err(e) => return parse_refused(&e),
    };
    let channel = Channel {
        accounts: &cfg.accounts,
        secret: cfg.app_secret.expose_secret().as_bytes(),
        max_age: Duration::from_secs(cfg.max_message_age_minutes * 60),
    };
    deliver(s, &channel, parsed).await
}

fn parse_refused(e: &ParseError) -> Response {
    match e {
        ParseError::NotJson => bad_request("the body is not JSON", "body", "must be JSON"),
        ParseError::Shape(part) => {
            let mut err = ApiError::invalid(&{
                let mut v = tekmerkez_types::fields::Violations::new();
                v.add(*part, "does not have the documented shape");
                v
            });
            err = err.with_message("the body is not a documented webhook payload");
            err.into_response()
        }
        ParseError::Time(part) => {
            let mut v = tekmerkez_types::fields::Violations::new();
            v.add(
                *part,
                "must be a send time between the years 2000 and 9999 in the platform's unit",
            );
            ApiError::invalid(&v)
                .with_message("a message has no plausible send time")
                .into_response()
        }
    }
}

/// The CRC: `GET ?crc_token=…` → `{"response_token": "sha256=<base64 HMAC>"}`.
async fn x_crc(State(s): State<SocialState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(token) = q.get("crc_token") else {
        return bad_request("a CRC needs crc_token", "crc_token", "is required");
    };
    if token.is_empty() || token.len() > 512 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return bad_request(
            "crc_token is not a token",
            "crc_token",
            "must be 1 to 512 visible ASCII characters",
        );
    }
    let secret = s.0.settings.x.consumer_secret.expose_secret().as_bytes();
    Json(serde_json::json!({ "response_token": signature::sign_x(secret, token.as_bytes()) }))
        .into_response()
}

async fn x_event(State(s): State<SocialState>, headers: HeaderMap, body: Bytes) -> Response {
    let cfg = &s.0.settings.x;
    let sig = headers
        .get("x-twitter-webhooks-signature")
        .map(|v| v.to_str().unwrap_or(""));
    if let Err(e) = signature::verify_x(cfg.consumer_secret.expose_secret().as_bytes(), &body, sig)
    {
        tracing::warn!(channel = "x", reason = %e, "webhook refused");
        return signature_refused(e);
    }
    let parsed = match parse::x::parse(&body) {
        Ok(p) => p,
        Err(e) => return parse_refused(&e),
    };
    let channel = Channel {
        accounts: &cfg.accounts,
        secret: cfg.consumer_secret.expose_secret().as_bytes(),
        max_age: Duration::from_secs(cfg.max_message_age_minutes * 60),
    };
    deliver(&s, &channel, parsed).await
}
