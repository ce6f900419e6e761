//! The live desk in the browser: `GET /canli` is one server-sent event
//! stream per browser (a shared worker opens it for every tab; see
//! `static/live.js`), relaying the case service's `WatchDesk` with each
//! notice worded in the person's language; `GET /canli/sayilar` gives the
//! menu's counts after a change. Neither counts as activity: the session is
//! read without restarting its idle time, and a stream ends soon after its
//! session does.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{
        IntoResponse as _, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use tekmerkez_proto::case_v1::{self as pb, DeskEvent, DeskEventKind, WatchDeskRequest};
use tekmerkez_types::catalogue::name_of;
use tokio_stream::StreamExt as _;

use super::{AppState, Lang, SESSION_COOKIE, cookie, lang};
use crate::{i18n::live::LiveTexts, session::Session};

/// How often an open stream checks that its session still stands.
const SESSION_CHECK: Duration = Duration::from_secs(30);

/// The signed-in session of `headers`, read without touching it.
async fn peek(state: &AppState, headers: &HeaderMap) -> Option<(String, Session)> {
    let id = cookie(headers, SESSION_COOKIE)?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match state.sessions.peek(id, jiff::Timestamp::now()).await {
        Ok(s) => s.map(|s| (id.to_owned(), s)),
        Err(e) => {
            tracing::error!(error.message = %e, "reading a session failed");
            None
        }
    }
}

/// The notice `e` as the page shows it, in `t`'s language.
fn notice(e: &DeskEvent, t: &LiveTexts, category: &str) -> serde_json::Value {
    let kind = DeskEventKind::try_from(e.kind).unwrap_or(DeskEventKind::Unspecified);
    let (code, pattern) = match kind {
        DeskEventKind::NewInPool if e.alert => ("acil", t.urgent_in_pool),
        DeskEventKind::NewInPool => ("yeni", t.new_in_pool),
        DeskEventKind::AssignedToMe => ("atandi", t.assigned_to_me),
        DeskEventKind::CallbackDue => ("geri-donus", t.callback_due),
        _ => ("", ""),
    };
    serde_json::json!({
        "tur": code,
        "metin": pattern.replace("{n}", &e.tracking_number).replace("{category}", category),
        "adres": format!("/kayit/{}", e.case_id),
        "acil": e.alert,
    })
}

/// One case-service event as a server-sent event.
fn to_sse(e: &DeskEvent, state: &AppState, lang: Lang) -> Event {
    let id = e.cursor.to_string();
    match DeskEventKind::try_from(e.kind) {
        Ok(DeskEventKind::Ready) => Event::default().id(id).event("hazir").data("{}"),
        Ok(DeskEventKind::Changed) | Err(_) | Ok(DeskEventKind::Unspecified) => {
            Event::default().id(id).event("degisti").data("{}")
        }
        Ok(_) => {
            let category = name_of(&state.categories, &e.category, lang.is_english());
            let body = notice(e, &lang.texts().live, category);
            Event::default()
                .id(id)
                .event("bildirim")
                .data(body.to_string())
        }
    }
}

/// `GET /canli`: the desk's events; `Last-Event-ID` resumes.
pub(super) async fn stream(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some((sid, session)) = peek(&state, &headers).await else {
        // Not a redirect: an event source cannot follow one to a page.
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0);
    let req = state
        .backend
        .as_user(session.user_id, WatchDeskRequest { after });
    let events = match state.backend.desk().watch_desk(req).await {
        Ok(r) => r.into_inner(),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "opening the live desk failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let lang = lang(&headers);
    let stopping = state.stopping.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(16);
    tokio::spawn(async move {
        let mut events = events;
        let ended = session_ended(Arc::clone(&state), sid, session.user_id, stopping);
        tokio::pin!(ended);
        loop {
            tokio::select! {
                () = &mut ended => return,
                () = tx.closed() => return,
                next = events.message() => match next {
                    Ok(Some(pb::WatchDeskResponse { event: Some(e) })) => {
                        if tx.send(to_sse(&e, &state, lang)).await.is_err() {
                            return;
                        }
                    }
                    Ok(Some(_)) => {}
                    // The case service ended the stream (or failed): the
                    // browser reconnects and resumes.
                    _ => return,
                },
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<_, Infallible>);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

/// Returns once session `sid` of `user` has ended (signed out, expired) or
/// the gateway stops.
async fn session_ended(
    state: Arc<AppState>,
    sid: String,
    user: uuid::Uuid,
    stopping: tokio_util::sync::CancellationToken,
) {
    loop {
        tokio::select! {
            () = stopping.cancelled() => return,
            () = tokio::time::sleep(SESSION_CHECK) => {}
        }
        let still = state
            .sessions
            .peek(&sid, jiff::Timestamp::now())
            .await
            .is_ok_and(|s| s.is_some_and(|s| s.user_id == user));
        if !still {
            return;
        }
    }
}

/// `GET /canli/sayilar`: the menu's counts now, as `{"path": "count"}`.
pub(super) async fn counts(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some((_, session)) = peek(&state, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let nav = super::desk_menu(&state, &session, lang(&headers), "", true).await;
    let counts: serde_json::Map<String, serde_json::Value> = nav
        .into_iter()
        .filter_map(|i| Some((i.path.to_owned(), serde_json::Value::from(i.count?))))
        .collect();
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(serde_json::Value::Object(counts)),
    )
        .into_response()
}

/// `GET /static/live.js` and `/static/live-worker.js`.
pub(super) async fn script() -> Response {
    javascript(include_str!("../../static/live.js"))
}

pub(super) async fn worker_script() -> Response {
    javascript(include_str!("../../static/live-worker.js"))
}

fn javascript(body: &'static str) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::live;

    fn event(kind: DeskEventKind, alert: bool) -> DeskEvent {
        DeskEvent {
            cursor: 7,
            kind: kind as i32,
            case_id: "c0ffee".into(),
            tracking_number: "2026-000042".into(),
            alert,
            ..Default::default()
        }
    }

    #[test]
    fn notices_are_worded_and_urgent_ones_marked() {
        let n = notice(
            &event(DeskEventKind::NewInPool, true),
            &live::TR,
            "Su arızası",
        );
        assert_eq!(n["tur"], "acil");
        assert_eq!(
            n["metin"],
            "ACİL kayıt havuzunuza geldi: 2026-000042 (Su arızası)"
        );
        assert_eq!(n["adres"], "/kayit/c0ffee");
        let n = notice(
            &event(DeskEventKind::AssignedToMe, false),
            &live::EN,
            "Water fault",
        );
        assert_eq!(
            n["metin"],
            "A record was assigned to you: 2026-000042 (Water fault)"
        );
        assert_eq!(n["acil"], false);
    }
}
