//! *Kapanış Nedenleri* (admins only, `/yonetim/kapanis-nedenleri`): the
//! closure reasons a close chooses from. An admin adds a reason, renames
//! it, orders it and makes it inactive (never deletes it: closed cases keep
//! its code); the case service records who changed it and when and refuses
//! an edit made on an old version. A refused edit or addition comes back
//! with what was typed and the error by its field.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{Durum, checked_form, form_refused, one},
    refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{i18n::classify::ClassifyTexts, session::Session};

/// One reason's row: as stored, or as the admin typed it when refused.
struct ReasonRow {
    code: String,
    label_tr: String,
    label_en: String,
    position: String,
    active: bool,
    version: i64,
    changed: String,
    /// The refused field (`ad_tr`, `ad_en`, `sira`) and what to say by it.
    error: Option<(&'static str, &'static str)>,
}

impl ReasonRow {
    fn error_on(&self, field: &str) -> Option<&str> {
        self.error.filter(|(f, _)| *f == field).map(|(_, e)| e)
    }
}

#[derive(askama::Template)]
#[template(path = "admin_reasons.html")]
struct ReasonsPage {
    frame: Frame,
    t: &'static ClassifyTexts,
    csrf: String,
    display_name: String,
    reasons: Vec<ReasonRow>,
    /// The new reason's form, as typed when refused.
    new: ReasonRow,
    message: Option<String>,
    is_error: bool,
}

/// What the last write did, from the redirect's query.
fn message(t: &ClassifyTexts, q: &Durum) -> Option<(String, bool)> {
    let (text, error) = match q.durum.as_str() {
        "eklendi" => (t.added, false),
        "kaydedildi" => (t.saved, false),
        "degisti" => (t.stale, true),
        _ => return None,
    };
    Some((text.to_owned(), error))
}

/// The form field of a refused request field, and what to say by it.
fn refused_field(t: &ClassifyTexts, st: &tonic::Status) -> (&'static str, &'static str) {
    use tonic_types::StatusExt as _;
    let field = st
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default();
    match field.as_str() {
        "code" => ("kod", t.code_invalid),
        "label_en" => ("ad_en", t.label_invalid),
        "position" => ("sira", t.position_invalid),
        _ => ("ad_tr", t.label_invalid),
    }
}

/// `GET /yonetim/kapanis-nedenleri`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<Durum>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let m = message(&frame.texts().classify, &q);
    page(&state, frame, s, m, None, None).await
}

/// The page with `message` on top; `edited` is a refused edit of an
/// existing reason, `new` a refused addition.
async fn page(
    state: &AppState,
    frame: Frame,
    s: Session,
    message: Option<(String, bool)>,
    edited: Option<ReasonRow>,
    new: Option<ReasonRow>,
) -> Response {
    let t = &frame.texts().classify;
    let b = &state.backend;
    let listed = b
        .classification()
        .list_closure_reasons(b.as_user(
            s.user_id,
            pb::ListClosureReasonsRequest {
                include_inactive: true,
            },
        ))
        .await;
    let reasons = match listed {
        Ok(r) => r.into_inner().reasons,
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            return refuse(&frame);
        }
        Err(e) => {
            tracing::error!(code = ?e.code(), "reading the closure reasons failed");
            let c = frame.c;
            let mut r = super::message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, c.unavailable);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            return r;
        }
    };
    let refused = edited.is_some() || new.is_some();
    let mut rows: Vec<ReasonRow> = reasons
        .into_iter()
        .map(|r| ReasonRow {
            changed: if r.updated_by_display_name.is_empty() {
                String::new()
            } else {
                format!(
                    "{}, {}",
                    r.updated_by_display_name,
                    super::record::when(r.updated_at.as_ref())
                )
            },
            code: r.code,
            label_tr: r.label_tr,
            label_en: r.label_en,
            position: r.position.to_string(),
            active: r.active,
            version: r.version,
            error: None,
        })
        .collect();
    let mut message = message;
    if let Some(mut e) = edited
        && let Some(row) = rows.iter_mut().find(|r| r.code == e.code)
    {
        // Changed meanwhile: the typing stays, against the current version
        // (saving again is a deliberate choice), and the top says what the
        // reason reads now, which the typed row hides.
        if e.error.is_some_and(|(_, m)| m == t.stale) {
            e.version = row.version;
            message = Some(((t.stale_now)(&row.label_tr, &row.label_en), true));
        }
        *row = ReasonRow {
            changed: std::mem::take(&mut row.changed),
            ..e
        };
    }
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&ReasonsPage {
        t,
        frame,
        csrf: s.csrf_token,
        display_name: s.display_name,
        reasons: rows,
        new: new.unwrap_or(ReasonRow {
            code: String::new(),
            label_tr: String::new(),
            label_en: String::new(),
            position: "100".to_owned(),
            active: true,
            version: 0,
            changed: String::new(),
            error: None,
        }),
        message,
        is_error,
    });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The row the admin typed.
fn typed(f: &std::collections::HashMap<String, Vec<String>>, code: String) -> ReasonRow {
    ReasonRow {
        code,
        label_tr: one(f, "ad_tr"),
        label_en: one(f, "ad_en"),
        position: one(f, "sira"),
        active: one(f, "etkin") == "1",
        version: one(f, "surum").parse().unwrap_or_default(),
        changed: String::new(),
        error: None,
    }
}

/// `POST /yonetim/kapanis-nedenleri`: a new reason.
pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let mut row = typed(&f, one(&f, "kod"));
    row.active = true;
    let b = &state.backend;
    let r = b
        .classification()
        .create_closure_reason(b.as_user(
            s.user_id,
            pb::CreateClosureReasonRequest {
                code: row.code.clone(),
                label_tr: row.label_tr.clone(),
                label_en: row.label_en.clone(),
                position: row.position.parse().unwrap_or(u32::MAX),
            },
        ))
        .await;
    let t = &frame.texts().classify;
    let error = match r {
        Ok(_) => return see_other("/yonetim/kapanis-nedenleri?durum=eklendi"),
        Err(st) if st.code() == Code::InvalidArgument => refused_field(t, &st),
        Err(st) if st.code() == Code::AlreadyExists => ("kod", t.code_taken),
        Err(st) => return failed(&frame, &st),
    };
    row.error = Some(error);
    page(
        &state,
        frame,
        s,
        Some((error.1.to_owned(), true)),
        None,
        Some(row),
    )
    .await
}

/// `POST /yonetim/kapanis-nedenleri/{code}`: a reason's labels, order and
/// active flag.
pub(super) async fn update(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(code): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let mut row = typed(&f, code);
    let b = &state.backend;
    let r = b
        .classification()
        .update_closure_reason(b.as_user(
            s.user_id,
            pb::UpdateClosureReasonRequest {
                code: row.code.clone(),
                label_tr: row.label_tr.clone(),
                label_en: row.label_en.clone(),
                position: row.position.parse().unwrap_or(u32::MAX),
                active: row.active,
                expected_version: row.version,
            },
        ))
        .await;
    let t = &frame.texts().classify;
    let error = match r {
        Ok(_) => return see_other("/yonetim/kapanis-nedenleri?durum=kaydedildi"),
        Err(st) if st.code() == Code::InvalidArgument => refused_field(t, &st),
        Err(st) if matches!(st.code(), Code::FailedPrecondition | Code::Aborted) => {
            ("ad_tr", t.stale)
        }
        Err(st) => return failed(&frame, &st),
    };
    row.error = Some(error);
    page(
        &state,
        frame,
        s,
        Some((error.1.to_owned(), true)),
        Some(row),
        None,
    )
    .await
}

/// A write that failed for another reason than the form.
fn failed(frame: &Frame, st: &tonic::Status) -> Response {
    match st.code() {
        Code::PermissionDenied | Code::Unauthenticated => refuse(frame),
        Code::NotFound => see_other("/yonetim/kapanis-nedenleri?durum=degisti"),
        other => {
            tracing::error!(code = ?other, "a closure reason write failed");
            let mut r =
                super::message_page(frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}
