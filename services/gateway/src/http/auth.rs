//! Sign-in and sign-out.
//!
//! The sign-in form is protected by a double-submit token (a random cookie
//! echoed in a hidden field) since there is no session yet; after sign-in
//! every form posts the session's own token. The case service checks the
//! password and locks an account after repeated failures; every refusal
//! shows the same message.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use tekmerkez_types::limits;

use super::{
    AppState, Frame, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, current, render, see_other,
    set_cookie, signed_in::SignedIn,
};
use crate::{
    i18n::auth::AuthTexts,
    session::{Session, random_token, tokens_match},
};

#[derive(askama::Template)]
#[template(path = "auth.html")]
struct SignInPage {
    frame: Frame,
    t: &'static AuthTexts,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    dev_hint: bool,
}

/// What the sign-in form posts.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SignInForm {
    csrf: String,
    username: String,
    password: String,
}

/// The form's answer, with a fresh double-submit token.
fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    error: Option<&'static str>,
) -> Response {
    let csrf = random_token();
    let frame = Frame::of(headers);
    let mut res = render(&SignInPage {
        t: &frame.texts().auth,
        frame,
        csrf: csrf.clone(),
        username,
        error,
        dev_hint: state.dev_hint,
    });
    *res.status_mut() = status;
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.secure_cookies),
    );
    res
}

/// Why the sign-in page is shown (`?durum=`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Why {
    durum: String,
}

/// `GET /giris`.
pub(super) async fn form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(why): Query<Why>,
) -> Response {
    if current(&state, &headers).await.is_some() {
        return see_other("/");
    }
    let t = &Frame::of(&headers).texts().auth;
    let message = (why.durum == "sure-doldu").then_some(t.session_ended);
    page(&state, &headers, StatusCode::OK, String::new(), message)
}

/// `POST /giris`.
pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let texts = Frame::of(&headers).texts();
    let (c, t) = (&texts.common, &texts.auth);
    let username: String = f.username.trim().chars().take(100).collect();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !tokens_match(expected, &f.csrf) {
        return page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            username,
            Some(c.form_expired),
        );
    }
    if username.is_empty() || f.password.is_empty() {
        return page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            username,
            Some(t.missing_fields),
        );
    }
    let unavailable = |username| {
        page(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            username,
            Some(c.unavailable),
        )
    };
    let req = state.backend.as_gateway(pb::AuthenticateUserRequest {
        username: username.clone(),
        password: f.password.chars().take(128).collect(),
    });
    let user = match state.backend.directory().authenticate_user(req).await {
        Ok(r) => r.into_inner().user,
        Err(s) if matches!(s.code(), Code::Unauthenticated | Code::InvalidArgument) => {
            return page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                username,
                Some(t.bad_credentials),
            );
        }
        Err(s) => {
            tracing::error!(code = ?s.code(), "sign-in: the case service failed");
            return unavailable(username);
        }
    };
    let Some(user) = user else {
        return unavailable(username);
    };
    let Ok(user_id) = uuid::Uuid::parse_str(&user.id) else {
        return unavailable(username);
    };
    let session = Session {
        user_id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        csrf_token: random_token(),
    };
    let id = match state
        .sessions
        .create(&session, jiff::Timestamp::now())
        .await
    {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error.message = %e, "storing a session failed");
            return unavailable(username);
        }
    };
    tracing::info!(user_id = %session.user_id, "signed in");
    let mut res = see_other("/");
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &id,
            u64::from(state.idle_minutes) * 60,
            state.secure_cookies,
        ),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, state.secure_cookies),
    );
    res
}

/// What a CSRF-protected form posts at least.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct CsrfOnly {
    csrf: String,
}

/// `POST /cikis`.
pub(super) async fn sign_out(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    SignedIn { session, id }: SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !tokens_match(&session.csrf_token, &f.csrf) {
        return (StatusCode::FORBIDDEN, frame.c.form_expired).into_response();
    }
    if let Err(e) = state.sessions.delete(&id).await {
        tracing::error!(error.message = %e, "ending a session failed");
    }
    let mut res = see_other("/giris");
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
    );
    res
}
