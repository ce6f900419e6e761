//! *Kullanıcı Bilgileri*: each person edits their own name, work e-mail and
//! phone, and changes their password (which needs the current one). The
//! case service validates every field and answers per field; a refused form
//! comes back with the details as typed (never the passwords), each error by
//! its field and the focus on the first.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use secrecy::{ExposeSecret as _, SecretString};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::limits;
use tonic::Code;

use super::{AppState, Frame, render, see_other, signed_in::SignedIn};
use crate::{i18n::profile::ProfileTexts, session::tokens_match};

#[derive(askama::Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    frame: Frame,
    t: &'static ProfileTexts,
    csrf: String,
    display_name: String,
    username: String,
    role_name: &'static str,
    name: String,
    email: String,
    phone: String,
    message: Option<&'static str>,
    is_error: bool,
    /// Field-level messages: (field id, message).
    problems: Vec<(&'static str, String)>,
}

impl ProfilePage {
    /// The message for the field with `id`, if it was refused.
    fn problem(&self, id: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, m)| m.as_str())
    }

    /// Whether the field with `id` is the first refused one (it gets the focus).
    fn first(&self, id: &str) -> bool {
        self.problems.first().is_some_and(|(f, _)| *f == id)
    }
}

/// The details as the person typed them, shown again after a refusal.
struct Typed {
    name: String,
    email: String,
    phone: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Durum {
    durum: String,
}

/// What the details form and the password form post.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct ProfileForm {
    csrf: String,
    ad: String,
    eposta: String,
    telefon: String,
    mevcut: SecretString,
    yeni: SecretString,
    yeni_tekrar: SecretString,
}

/// The Turkish (or English) message for a field the case service refused.
fn field_problem(t: &ProfileTexts, field: &str) -> Option<(&'static str, String)> {
    Some(match field {
        "display_name" => ("ad", t.invalid_display_name.to_string()),
        "email" => ("eposta", t.invalid_email.to_owned()),
        "phone" => ("telefon", t.invalid_phone.to_owned()),
        "current_password" => ("mevcut", t.wrong_current_password.to_owned()),
        "new_password" => ("yeni", t.invalid_new_password.to_string()),
        _ => return None,
    })
}

/// Whether the case service refused because wrong passwords locked the account.
fn account_locked(st: &tonic::Status) -> bool {
    use tonic_types::StatusExt as _;
    st.code() == Code::PermissionDenied
        && st
            .get_details_error_info()
            .is_some_and(|i| i.reason == "ACCOUNT_LOCKED")
}

async fn page(
    state: &AppState,
    frame: Frame,
    s: crate::session::Session,
    message: Option<(&'static str, bool)>,
    problems: Vec<(&'static str, String)>,
    typed: Option<Typed>,
    status: StatusCode,
) -> Response {
    let me = state
        .backend
        .directory()
        .get_current_user(
            state
                .backend
                .as_user(s.user_id, pb::GetCurrentUserRequest {}),
        )
        .await
        .ok()
        .and_then(|r| r.into_inner().user)
        .unwrap_or_default();
    let role_name = frame.c.role_name(s.role);
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let typed = typed.unwrap_or_else(|| Typed {
        name: me.display_name.clone(),
        email: me.email.clone(),
        phone: super::readable_phone(&me.phone),
    });
    let mut r = render(&ProfilePage {
        csrf: s.csrf_token,
        display_name: me.display_name.clone(),
        username: me.username,
        role_name,
        name: typed.name,
        email: typed.email,
        phone: typed.phone,
        message,
        is_error,
        problems,
        t: &frame.texts().profile,
        frame,
    });
    *r.status_mut() = status;
    r
}

/// `GET /kullanici`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<Durum>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let t = &frame.texts().profile;
    let message = match q.durum.as_str() {
        "kaydedildi" => Some((t.profile_saved, false)),
        "parola" => Some((t.password_changed, false)),
        _ => None,
    };
    page(&state, frame, s, message, Vec::new(), None, StatusCode::OK).await
}

/// `POST /kullanici`: details, or a new password when one is typed.
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    SignedIn {
        session: s,
        id: session_id,
    }: SignedIn,
    Form(f): Form<ProfileForm>,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().profile);
    let changing_password = !f.yeni.expose_secret().is_empty();
    // The details form keeps what was typed; the password form's page shows
    // the stored details (it did not send them) and never echoes a password.
    let typed = || {
        (!changing_password).then(|| Typed {
            name: f.ad.clone(),
            email: f.eposta.clone(),
            phone: f.telefon.clone(),
        })
    };
    if !tokens_match(&s.csrf_token, &f.csrf) {
        return page(
            &state,
            frame,
            s,
            Some((c.form_expired, true)),
            Vec::new(),
            typed(),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    if changing_password && f.yeni.expose_secret() != f.yeni_tekrar.expose_secret() {
        return page(
            &state,
            frame,
            s,
            Some((t.check_fields, true)),
            vec![("yeni_tekrar", t.passwords_differ.to_owned())],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let req = if changing_password {
        pb::UpdateCurrentUserRequest {
            current_password: f.mevcut.expose_secret().to_owned(),
            new_password: f.yeni.expose_secret().to_owned(),
            ..Default::default()
        }
    } else {
        pb::UpdateCurrentUserRequest {
            display_name: f.ad.trim().to_owned(),
            email: f.eposta.trim().to_owned(),
            phone: f.telefon.trim().to_owned(),
            ..Default::default()
        }
    };
    let user = s.user_id;
    match state
        .backend
        .directory()
        .update_current_user(state.backend.as_user(user, req))
        .await
    {
        Ok(r) => {
            if let Some(u) = r.into_inner().user
                && let Err(e) = state.sessions.rename(user, &u.display_name).await
            {
                tracing::warn!(error.message = %e, "updating the sessions' display name failed");
            }
            if changing_password && let Err(e) = state.sessions.end_others(user, &session_id).await
            {
                tracing::error!(error.message = %e, "ending the other sessions after a password change failed");
            }
            see_other(if changing_password {
                "/kullanici?durum=parola"
            } else {
                "/kullanici?durum=kaydedildi"
            })
        }
        Err(st) if st.code() == Code::InvalidArgument => {
            use tonic_types::StatusExt as _;
            let problems: Vec<_> = st
                .get_details_bad_request()
                .map(|b| {
                    b.field_violations
                        .iter()
                        .filter_map(|v| field_problem(t, &v.field))
                        .collect()
                })
                .unwrap_or_default();
            page(
                &state,
                frame,
                s,
                Some((t.check_fields, true)),
                problems,
                typed(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(st) if account_locked(&st) => {
            // Locked by wrong passwords, here or at sign-in: the words the
            // sign-in page uses, so the person knows why and for how long.
            let words = frame.texts().auth.bad_credentials;
            page(
                &state,
                frame,
                s,
                Some((words, true)),
                Vec::new(),
                typed(),
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "updating the user's own details failed");
            page(
                &state,
                frame,
                s,
                Some((c.unavailable, true)),
                Vec::new(),
                typed(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::profile::TR;

    #[test]
    fn every_field_the_service_checks_has_a_turkish_message_on_its_input() {
        for (field, id) in [
            ("display_name", "ad"),
            ("email", "eposta"),
            ("phone", "telefon"),
            ("current_password", "mevcut"),
            ("new_password", "yeni"),
        ] {
            let (got, message) = field_problem(&TR, field).unwrap();
            assert_eq!(got, id);
            assert!(!message.is_empty());
        }
        assert!(field_problem(&TR, "role").is_none());
    }
}
