//! *Kullanıcı Bilgileri*: each person edits their own name, work e-mail and
//! phone, and changes their password (which needs the current one). The
//! case service validates every field and answers per field; a refused form
//! comes back with the details as typed (never the passwords), each error by
//! its field and the focus on the first. An institutional expert also
//! lists their absence days here (automatic assignment passes them by on
//! those days).

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
    /// An expert's absence days, one a line (`None` for other roles).
    absences: Option<Absences>,
}

/// The absence-days form: the days as stored, or as typed when refused.
struct Absences {
    text: String,
    error: Option<&'static str>,
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
    let absences = absences(state, &s, None).await;
    page_with(state, frame, s, message, problems, typed, absences, status).await
}

/// An expert's absence days as the form shows them: `typed` when given
/// (a refused form), else as stored; `None` for other roles.
async fn absences(
    state: &AppState,
    s: &crate::session::Session,
    typed: Option<Absences>,
) -> Option<Absences> {
    if s.role != pb::Role::Expert as i32 {
        return None;
    }
    if typed.is_some() {
        return typed;
    }
    let req = state
        .backend
        .as_user(s.user_id, pb::GetMyAvailabilityRequest {});
    match state.backend.assignment().get_my_availability(req).await {
        Ok(r) => Some(Absences {
            text: r
                .into_inner()
                .availability
                .map(|a| {
                    a.absence_days
                        .iter()
                        .map(|d| readable_day(d))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default(),
            error: None,
        }),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading the expert's absence days failed");
            None
        }
    }
}

/// `2026-12-31` as a Turkish desk writes it, `31.12.2026`.
fn readable_day(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_owned(),
    }
}

/// The days typed, one a line (or separated by commas), as `YYYY-MM-DD`;
/// `Err` if any is not a real date written `GG.AA.YYYY` or `YYYY-AA-GG`.
fn parse_days(text: &str) -> Result<Vec<String>, ()> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split(['.', '-', '/']).collect();
            let (y, m, d) = match parts[..] {
                [y, m, d] if y.len() == 4 => (y, m, d),
                [d, m, y] if y.len() == 4 => (y, m, d),
                _ => return Err(()),
            };
            let (y, m, d) = (
                y.parse::<i16>().map_err(|_| ())?,
                m.parse::<i8>().map_err(|_| ())?,
                d.parse::<i8>().map_err(|_| ())?,
            );
            jiff::civil::Date::new(y, m, d)
                .map(|date| date.to_string())
                .map_err(|_| ())
        })
        .collect()
}

#[allow(clippy::too_many_arguments, reason = "one page, every part it shows")]
async fn page_with(
    state: &AppState,
    frame: Frame,
    s: crate::session::Session,
    message: Option<(&'static str, bool)>,
    problems: Vec<(&'static str, String)>,
    typed: Option<Typed>,
    absences: Option<Absences>,
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
        absences,
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
        "izin" => Some((frame.texts().assignment.absences_saved, false)),
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

/// What the absence-days form posts.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct AbsenceForm {
    csrf: String,
    gunler: String,
}

/// The profile page with the absence days as typed, refused by their field.
async fn refuse_days(
    state: &AppState,
    frame: Frame,
    s: crate::session::Session,
    text: String,
) -> Response {
    let at = &frame.texts().assignment;
    let typed = Some(Absences {
        text,
        error: Some(at.invalid_absence_days),
    });
    let typed = absences(state, &s, typed).await;
    let message = Some((frame.texts().profile.check_fields, true));
    page_with(
        state,
        frame,
        s,
        message,
        vec![("gunler", at.invalid_absence_days.to_owned())],
        None,
        typed,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /kullanici/izin-gunleri`: the expert's absence days, replacing
/// the list.
pub(super) async fn save_absences(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<AbsenceForm>,
) -> Response {
    let c = frame.c;
    let refused = |error| {
        Some(Absences {
            text: f.gunler.clone(),
            error,
        })
    };
    if !tokens_match(&s.csrf_token, &f.csrf) {
        let typed = absences(&state, &s, refused(None)).await;
        let message = Some((c.form_expired, true));
        return page_with(
            &state,
            frame,
            s,
            message,
            Vec::new(),
            None,
            typed,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let Ok(days) = parse_days(&f.gunler) else {
        return refuse_days(&state, frame, s, f.gunler).await;
    };
    let req = state.backend.as_user(
        s.user_id,
        pb::SetMyAbsenceDaysRequest { absence_days: days },
    );
    match state.backend.assignment().set_my_absence_days(req).await {
        Ok(_) => see_other("/kullanici?durum=izin"),
        Err(st) if st.code() == Code::InvalidArgument => {
            refuse_days(&state, frame, s, f.gunler).await
        }
        Err(st) if st.code() == Code::PermissionDenied => super::refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "saving the expert's absence days failed");
            let typed = absences(&state, &s, refused(None)).await;
            let message = Some((c.unavailable, true));
            page_with(
                &state,
                frame,
                s,
                message,
                Vec::new(),
                None,
                typed,
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

    #[test]
    fn absence_days_are_read_either_way_round_and_must_be_real_dates() {
        assert_eq!(
            parse_days("31.12.2026\n 2027-01-02 \n\n5.1.2027").unwrap(),
            ["2026-12-31", "2027-01-02", "2027-01-05"]
        );
        assert_eq!(parse_days("").unwrap(), Vec::<String>::new());
        for bad in ["30.02.2027", "yarın", "2027-13-01", "1.1.27"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
        assert_eq!(readable_day("2026-12-31"), "31.12.2026");
    }
}
