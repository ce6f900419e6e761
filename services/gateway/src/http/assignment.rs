//! *Otomatik Atama*: a pool's manager (its pool manager, the directorate's
//! manager, an admin) switches the pool's automatic assignment on or off,
//! picks the spread, and sets each expert's capacity and categories; the
//! page lists the pool's experts with what they hold, whether they are at
//! the desk and whether they are away today. Experts say whether they are
//! at the desk with the header's toggle (`POST /musaitlik`). The case
//! service decides who may do what and hands the records out; a refused
//! form comes back as typed, the error by its field.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::catalogue::Category;
use tonic::Code;
use uuid::Uuid;

use super::{
    AppState, Frame, form_pairs, message_page, refuse, render, see_other,
    signed_in::{PoolManagers, RequireRole, SignedIn},
};
use crate::{i18n::assignment::AssignmentTexts, session::tokens_match};

/// The largest capacity a manager may set (the case service's rule).
const MAX_CAPACITY: u32 = 1000;

/// One category offered as a skill.
struct Skill {
    code: String,
    name: String,
    chosen: bool,
}

/// One expert's row: as stored, or as typed when their form was refused.
struct ExpertRow {
    id: String,
    name: String,
    held: u32,
    /// The capacity field: empty for the default.
    capacity: String,
    effective_capacity: u32,
    skills: Vec<Skill>,
    /// The chosen categories' names, or "any category".
    skills_text: String,
    present: bool,
    absent_today: bool,
    capacity_error: Option<&'static str>,
    categories_error: Option<&'static str>,
}

#[derive(askama::Template)]
#[template(path = "assignment.html")]
struct AssignmentPage {
    frame: Frame,
    t: &'static AssignmentTexts,
    csrf: String,
    display_name: String,
    pool_id: String,
    pool_name: String,
    enabled: bool,
    /// `1` round-robin, `2` least-loaded.
    mode: i32,
    mode_error: Option<&'static str>,
    /// "Varsayılan: 10".
    default_capacity: String,
    experts: Vec<ExpertRow>,
    message: Option<&'static str>,
    is_error: bool,
}

/// A refused expert form, shown again as typed.
struct TypedExpert {
    id: String,
    capacity: String,
    categories: Vec<String>,
    capacity_error: Option<&'static str>,
    categories_error: Option<&'static str>,
}

/// A refused pool form, shown again as typed.
struct TypedPool {
    enabled: bool,
    mode: i32,
    mode_error: Option<&'static str>,
}

/// What shows on the page besides the stored state.
#[derive(Default)]
struct Shown {
    message: Option<(&'static str, bool)>,
    pool: Option<TypedPool>,
    expert: Option<TypedExpert>,
}

fn category_name<'a>(categories: &'a [Category], code: &'a str, english: bool) -> &'a str {
    categories
        .iter()
        .find(|c| c.code == code)
        .map_or(code, |c| {
            if english {
                c.name_en.as_str()
            } else {
                c.name_tr.as_str()
            }
        })
}

fn expert_row(
    e: pb::AssignmentExpert,
    typed: Option<&TypedExpert>,
    categories: &[Category],
    t: &AssignmentTexts,
    english: bool,
) -> ExpertRow {
    let (capacity, chosen, capacity_error, categories_error) = match typed {
        Some(f) => (
            f.capacity.clone(),
            f.categories.clone(),
            f.capacity_error,
            f.categories_error,
        ),
        None => (
            e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            e.categories.clone(),
            None,
            None,
        ),
    };
    let skills_text = if e.categories.is_empty() {
        t.any_category.to_owned()
    } else {
        e.categories
            .iter()
            .map(|c| category_name(categories, c, english))
            .collect::<Vec<_>>()
            .join(", ")
    };
    ExpertRow {
        skills: categories
            .iter()
            .map(|c| Skill {
                chosen: chosen.contains(&c.code),
                name: category_name(categories, &c.code, english).to_owned(),
                code: c.code.clone(),
            })
            .collect(),
        skills_text,
        capacity,
        capacity_error,
        categories_error,
        effective_capacity: e.effective_capacity,
        held: e.held,
        present: e.present,
        absent_today: e.absent_today,
        name: e.display_name,
        id: e.user_id,
    }
}

/// The pool's page: its settings and experts read again, with what `shown`
/// adds (a message, a refused form as typed).
async fn page(
    state: &AppState,
    frame: Frame,
    s: crate::session::Session,
    pool: Uuid,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let b = &state.backend;
    let mut assignment = b.assignment();
    let mut directory = b.directory();
    let (got, pools) = tokio::join!(
        assignment.get_pool_assignment(b.as_user(
            s.user_id,
            pb::GetPoolAssignmentRequest {
                pool_id: pool.to_string(),
            },
        )),
        directory.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
    );
    let got = match got {
        Ok(r) => r.into_inner(),
        Err(st) => return failed(&frame, &st),
    };
    let pool_name = pools
        .ok()
        .and_then(|r| {
            r.into_inner()
                .pools
                .into_iter()
                .find(|p| p.id == pool.to_string())
        })
        .map(|p| p.name)
        .unwrap_or_default();
    let t = &frame.texts().assignment;
    let english = frame.english();
    let settings = got.settings.unwrap_or_default();
    let (enabled, mode, mode_error) = match &shown.pool {
        Some(p) => (p.enabled, p.mode, p.mode_error),
        None => (settings.enabled, settings.mode, None),
    };
    let experts = got
        .experts
        .into_iter()
        .map(|e| {
            let typed = shown.expert.as_ref().filter(|f| f.id == e.user_id);
            expert_row(e, typed, &state.categories, t, english)
        })
        .collect();
    let (message, is_error) = shown.message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&AssignmentPage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        pool_id: pool.to_string(),
        pool_name,
        enabled,
        mode,
        mode_error,
        default_capacity: t
            .default_capacity
            .replace("{n}", &got.default_capacity.to_string()),
        experts,
        message,
        is_error,
        t,
        frame,
    });
    *r.status_mut() = status;
    r
}

/// The page for a call the case service refused or could not answer.
fn failed(frame: &Frame, st: &tonic::Status) -> Response {
    match st.code() {
        Code::PermissionDenied => refuse(frame),
        Code::NotFound | Code::InvalidArgument => {
            message_page(frame, StatusCode::NOT_FOUND, frame.c.not_found)
        }
        code => {
            tracing::error!(?code, "reading a pool's automatic assignment failed");
            message_page(frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable)
        }
    }
}

fn pool_id(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw).ok()
}

fn address(pool: Uuid) -> String {
    format!("/havuz/{pool}/otomatik-atama")
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Durum {
    durum: String,
}

/// `GET /havuz/{pool}/otomatik-atama`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(pool): Path<String>,
    Query(q): Query<Durum>,
    RequireRole(s, _): RequireRole<PoolManagers>,
) -> Response {
    let Some(pool) = pool_id(&pool) else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let t = &frame.texts().assignment;
    let message = (q.durum == "kaydedildi").then_some((t.saved, false));
    let shown = Shown {
        message,
        ..Shown::default()
    };
    page(&state, frame, s, pool, shown, StatusCode::OK).await
}

/// What the pool's settings form posts.
#[derive(Debug, Default, PartialEq)]
struct PoolForm {
    csrf: String,
    enabled: bool,
    /// The mode's number as sent.
    mode: String,
}

fn pool_form(body: &[u8]) -> PoolForm {
    let mut f = PoolForm::default();
    for (k, v) in form_pairs(body) {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "acik" => f.enabled = v == "1",
            "yontem" => f.mode = v,
            _ => {}
        }
    }
    f
}

fn mode_of(raw: &str) -> Option<pb::AssignmentMode> {
    match raw.trim() {
        "1" => Some(pb::AssignmentMode::RoundRobin),
        "2" => Some(pb::AssignmentMode::LeastLoaded),
        _ => None,
    }
}

/// `POST /havuz/{pool}/otomatik-atama`: switches the pool on or off and
/// sets its spread.
pub(super) async fn save_pool(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(pool): Path<String>,
    RequireRole(s, _): RequireRole<PoolManagers>,
    body: Bytes,
) -> Response {
    let Some(pool) = pool_id(&pool) else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let (c, t) = (frame.c, &frame.texts().assignment);
    let f = pool_form(&body);
    let mode = mode_of(&f.mode);
    let typed = |mode_error| TypedPool {
        enabled: f.enabled,
        mode: mode.map_or(0, |m| m as i32),
        mode_error,
    };
    if !tokens_match(&s.csrf_token, &f.csrf) {
        let shown = Shown {
            message: Some((c.form_expired, true)),
            pool: Some(typed(None)),
            expert: None,
        };
        return page(&state, frame, s, pool, shown, StatusCode::FORBIDDEN).await;
    }
    let Some(mode) = mode else {
        let shown = Shown {
            message: Some((t.not_saved, true)),
            pool: Some(typed(Some(t.invalid_mode))),
            expert: None,
        };
        return page(
            &state,
            frame,
            s,
            pool,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let req = state.backend.as_user(
        s.user_id,
        pb::UpdatePoolAssignmentRequest {
            settings: Some(pb::PoolAssignmentSettings {
                pool_id: pool.to_string(),
                enabled: f.enabled,
                mode: mode as i32,
            }),
        },
    );
    match state.backend.assignment().update_pool_assignment(req).await {
        Ok(_) => see_other(&format!("{}?durum=kaydedildi", address(pool))),
        Err(st) if st.code() == Code::InvalidArgument => {
            let shown = Shown {
                message: Some((t.not_saved, true)),
                pool: Some(typed(Some(t.invalid_mode))),
                expert: None,
            };
            page(
                &state,
                frame,
                s,
                pool,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(st) => failed(&frame, &st),
    }
}

/// What an expert's row posts.
#[derive(Debug, Default, PartialEq)]
struct ExpertForm {
    csrf: String,
    expert: String,
    capacity: String,
    categories: Vec<String>,
}

fn expert_form(body: &[u8]) -> ExpertForm {
    let mut f = ExpertForm::default();
    for (k, v) in form_pairs(body) {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "uzman" => f.expert = v,
            "kapasite" => f.capacity = v,
            // A tampered form cannot make the page list thousands.
            "konu" if f.categories.len() < 256 => f.categories.push(v),
            _ => {}
        }
    }
    f
}

/// The capacity typed: `Ok(None)` for the default (empty), a number from
/// 0 to 1000, or `Err` for anything else.
fn capacity_of(raw: &str) -> Result<Option<u32>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<u32>()
        .ok()
        .filter(|c| *c <= MAX_CAPACITY)
        .map(Some)
        .ok_or(())
}

/// `POST /havuz/{pool}/otomatik-atama/uzman`: one expert's capacity and
/// categories in the pool.
pub(super) async fn save_expert(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(pool): Path<String>,
    RequireRole(s, _): RequireRole<PoolManagers>,
    body: Bytes,
) -> Response {
    let Some(pool) = pool_id(&pool) else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let (c, t) = (frame.c, &frame.texts().assignment);
    let f = expert_form(&body);
    let typed = |capacity_error, categories_error| TypedExpert {
        id: f.expert.clone(),
        capacity: f.capacity.clone(),
        categories: f.categories.clone(),
        capacity_error,
        categories_error,
    };
    if !tokens_match(&s.csrf_token, &f.csrf) {
        let shown = Shown {
            message: Some((c.form_expired, true)),
            pool: None,
            expert: Some(typed(None, None)),
        };
        return page(&state, frame, s, pool, shown, StatusCode::FORBIDDEN).await;
    }
    let Ok(expert) = Uuid::parse_str(f.expert.trim()) else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let capacity = capacity_of(&f.capacity);
    let known = f
        .categories
        .iter()
        .all(|code| state.categories.iter().any(|c| c.code == *code));
    if capacity.is_err() || !known {
        let shown = Shown {
            message: Some((t.not_saved, true)),
            pool: None,
            expert: Some(typed(
                capacity.is_err().then_some(t.invalid_capacity),
                (!known).then_some(t.invalid_categories),
            )),
        };
        return page(
            &state,
            frame,
            s,
            pool,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let req = state.backend.as_user(
        s.user_id,
        pb::SetExpertAssignmentRequest {
            pool_id: pool.to_string(),
            user_id: expert.to_string(),
            capacity: capacity.ok().flatten(),
            categories: f.categories.clone(),
        },
    );
    match state.backend.assignment().set_expert_assignment(req).await {
        Ok(_) => see_other(&format!(
            "{}?durum=kaydedildi#uzman-{expert}",
            address(pool)
        )),
        Err(st) if st.code() == Code::InvalidArgument => {
            use tonic_types::StatusExt as _;
            let fields: Vec<String> = st
                .get_details_bad_request()
                .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
                .unwrap_or_default();
            let on = |name: &str| fields.iter().any(|f| f == name);
            let shown = Shown {
                message: Some((t.not_saved, true)),
                pool: None,
                expert: Some(typed(
                    on("capacity").then_some(t.invalid_capacity),
                    (on("categories") || !on("capacity")).then_some(t.invalid_categories),
                )),
            };
            page(
                &state,
                frame,
                s,
                pool,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(st) => failed(&frame, &st),
    }
}

/// A page address to go back to after the toggle: this site's own path,
/// else the start page.
fn back_to(raw: &str) -> &str {
    let local = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && !raw.chars().any(char::is_control)
        && raw.len() <= 2048;
    if local { raw } else { "/" }
}

/// The signed-in expert's presence, for the header's toggle; `None` when
/// it cannot be read (the page shows without the toggle).
pub(super) async fn presence_of(state: &AppState, s: &crate::session::Session) -> Option<bool> {
    let req = state
        .backend
        .as_user(s.user_id, pb::GetMyAvailabilityRequest {});
    match state.backend.assignment().get_my_availability(req).await {
        Ok(r) => r.into_inner().availability.map(|a| a.present),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading the expert's presence failed");
            None
        }
    }
}

/// `POST /musaitlik`: the expert comes to or leaves the desk; back to the
/// page they were on.
pub(super) async fn presence(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let pairs = form_pairs(&body);
    let value = |key: &str| super::last_value(&pairs, key).unwrap_or_default();
    if !tokens_match(&s.csrf_token, value("csrf")) {
        return message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    }
    let present = value("musait") == "1";
    let req = state
        .backend
        .as_user(s.user_id, pb::SetMyPresenceRequest { present });
    match state.backend.assignment().set_my_presence(req).await {
        Ok(_) => see_other(back_to(value("geri"))),
        Err(st) if st.code() == Code::PermissionDenied => refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "setting the expert's presence failed");
            message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_are_blank_for_the_default_or_zero_to_a_thousand() {
        assert_eq!(capacity_of(""), Ok(None));
        assert_eq!(capacity_of(" 0 "), Ok(Some(0)));
        assert_eq!(capacity_of("1000"), Ok(Some(1000)));
        for bad in ["-1", "1001", "on", "1.5", "99999999999"] {
            assert_eq!(capacity_of(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn the_expert_form_keeps_every_chosen_category_and_the_typed_capacity() {
        let f = expert_form(b"csrf=t&uzman=u&kapasite=-1&konu=su_arizasi&konu=fatura");
        assert_eq!(f.capacity, "-1");
        assert_eq!(f.categories, ["su_arizasi", "fatura"]);
        let p = pool_form(b"csrf=t&acik=1&yontem=2");
        assert!(p.enabled);
        assert_eq!(mode_of(&p.mode), Some(pb::AssignmentMode::LeastLoaded));
        assert!(!pool_form(b"csrf=t&yontem=1").enabled, "unticked: off");
        assert_eq!(mode_of("0"), None);
    }

    #[test]
    fn the_toggle_goes_back_only_to_this_sites_pages() {
        assert_eq!(back_to("/cagri-havuzu?sayfa=2"), "/cagri-havuzu?sayfa=2");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "",
            "x",
        ] {
            assert_eq!(back_to(bad), "/", "{bad}");
        }
    }
}
