//! *Yönetim* (admins only): users with their roles and pools, the
//! organisation (directorates, units, pools per province) and the routing
//! rules. The case service and the routing service check that the caller is
//! an admin on every call; the gateway only shows the forms.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1, routing_v1 as rpb};
use tekmerkez_types::limits;
use tonic::Code;

use super::{
    AppState, Frame, form_pairs, message_page, refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{
    i18n::{Texts, admin::AdminTexts, common::CommonTexts},
    session::{Session, tokens_match},
};

/// The outcome a write redirects to (`?durum=…&alan=…`), read by the
/// admin pages.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Durum {
    pub(super) durum: String,
    pub(super) alan: String,
}

struct UserRow {
    id: String,
    username: String,
    name: String,
    role: &'static str,
    pools: String,
    active: bool,
}

struct RuleRow {
    id: String,
    priority: i32,
    category: String,
    keywords: String,
    channels: String,
    province: String,
    district: String,
    unit: String,
    urgency: &'static str,
    /// The category given to what comes without a chosen one, by name.
    assigned_category: String,
    /// The application type it gives, in words (empty: the channel's).
    application_type: &'static str,
    description: String,
}

/// A pool with its managers, and every pool manager marked chosen or not.
struct PoolRow {
    id: String,
    name: String,
    /// The managers' names, in Turkish order; empty flags the pool.
    managers: Vec<String>,
    /// Every pool manager: id, name, whether they manage this pool.
    choices: Vec<(String, String, bool)>,
}

struct UnitRow {
    id: String,
    label: String,
}

#[derive(askama::Template)]
#[template(path = "admin.html")]
struct AdminPage {
    frame: Frame,
    t: &'static AdminTexts,
    csrf: String,
    display_name: String,
    users: Vec<UserRow>,
    directorates: Vec<(String, String)>,
    units: Vec<UnitRow>,
    pools: Vec<(String, String)>,
    /// The pools with their managers (the organisation's table).
    pool_rows: Vec<PoolRow>,
    rules: Vec<RuleRow>,
    rules_unavailable: bool,
    provinces: Vec<(u8, &'static str)>,
    roles: Vec<(i32, &'static str)>,
    categories: Vec<(String, String)>,
    channels: Vec<(i32, &'static str)>,
    message: Option<String>,
    is_error: bool,
}

#[derive(askama::Template)]
#[template(path = "admin_delete_rule.html")]
struct DeleteRulePage {
    frame: Frame,
    t: &'static AdminTexts,
    csrf: String,
    display_name: String,
    rule: RuleRow,
}

#[derive(askama::Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    frame: Frame,
    t: &'static AdminTexts,
    csrf: String,
    display_name: String,
    user: UserRow,
    role: i32,
    roles: Vec<(i32, &'static str)>,
    pools: Vec<(String, String, bool)>,
    /// Every directorate, the user's marked (a directorate manager's scope).
    directorates: Vec<(String, String, bool)>,
}

fn roles(c: &CommonTexts) -> Vec<(i32, &'static str)> {
    (1..=7).map(|r| (r, c.role_name(r))).collect()
}

fn province_name(code: u32) -> String {
    u8::try_from(code)
        .ok()
        .and_then(tekmerkez_geo::province_by_code)
        .map_or_else(String::new, |p| p.name().to_owned())
}

fn message(texts: &Texts, q: &Durum) -> Option<(String, bool)> {
    let (c, t) = (&texts.common, &texts.admin);
    let done = match q.durum.as_str() {
        "kullanici-eklendi" => t.user_created,
        "kullanici-guncellendi" => t.user_updated,
        "teskilat-eklendi" => t.organisation_added,
        "yoneticiler-kaydedildi" => t.managers_saved,
        "kural-eklendi" => t.rule_added,
        "kural-silindi" => t.rule_deleted,
        "kural-yok" => return Some((t.rule_gone.to_owned(), true)),
        "gecersiz" => {
            let field = field_label(texts, &q.alan);
            return Some((format!("{} {field}", t.invalid_field), true));
        }
        "var" => return Some((t.already_exists.to_owned(), true)),
        "yetki" => return Some((c.not_allowed.to_owned(), true)),
        "hata" => return Some((c.unavailable.to_owned(), true)),
        _ => return None,
    };
    Some((done.to_owned(), false))
}

/// The label of a field the services named in a violation.
fn field_label(texts: &Texts, field: &str) -> &'static str {
    let (c, t) = (&texts.common, &texts.admin);
    match field {
        "username" => c.username,
        "display_name" => c.full_name,
        "password" => c.password,
        "email" => c.work_email,
        "phone" => c.work_phone,
        "role" => c.role,
        "pool_ids" => c.pool,
        "name" => t.name,
        "directorate_id" => t.directorate,
        "unit_id" | "rule.target_unit_id" => t.unit,
        "province_code" | "rule.province_code" => t.province,
        "rule.priority" => t.priority,
        "rule.category" => c.category,
        "rule.keywords" => t.keywords,
        "rule.district" => c.district,
        "rule.description" => t.description,
        "rule.channels" => c.channel,
        "rule.urgency" => c.urgency,
        "rule.assigned_category" => t.assigned_category,
        _ => t.unknown_field,
    }
}

/// `durum=gecersiz&alan=<field>`: the first field the service named in its
/// refusal, for the page to label.
pub(super) fn invalid_field_query(st: &tonic::Status) -> String {
    use tonic_types::StatusExt as _;
    let field = st
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default();
    format!("durum=gecersiz&alan={}", super::cases::query_value(&field))
}

/// Where a write's outcome sends the admin.
fn after_write(r: Result<(), tonic::Status>, done: &str, anchor: &str) -> Response {
    let q = match r {
        Ok(()) => format!("durum={done}"),
        Err(st) => match st.code() {
            Code::InvalidArgument => invalid_field_query(&st),
            Code::AlreadyExists => "durum=var".to_owned(),
            Code::PermissionDenied | Code::Unauthenticated => "durum=yetki".to_owned(),
            other => {
                tracing::error!(code = ?other, "an admin write failed");
                "durum=hata".to_owned()
            }
        },
    };
    see_other(&format!("/yonetim?{q}#{anchor}"))
}

/// `GET /yonetim`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<Durum>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let texts = frame.texts();
    let c = frame.c;
    let b = &state.backend;
    let u = s.user_id;
    let (mut d1, mut d2, mut d3, mut d4) =
        (b.directory(), b.directory(), b.directory(), b.directory());
    let mut rules_client = b.rules();
    let (users, directorates, units, pools, rules) = tokio::join!(
        d1.list_users(b.as_user(u, pb::ListUsersRequest::default())),
        d2.list_directorates(b.as_user(u, pb::ListDirectoratesRequest {})),
        d3.list_units(b.as_user(u, pb::ListUnitsRequest::default())),
        d4.list_pools(b.as_user(u, pb::ListPoolsRequest::default())),
        async {
            match rules_client.as_mut() {
                Some(c) => c
                    .list_rules(b.as_user(u, rpb::ListRulesRequest {}))
                    .await
                    .map(|r| r.into_inner().rules)
                    .ok(),
                None => None,
            }
        },
    );
    let (Ok(users), Ok(directorates), Ok(units), Ok(pools)) = (users, directorates, units, pools)
    else {
        tracing::error!("reading the directory for the admin page failed");
        let mut r = refuse(&frame);
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return r;
    };
    let directorates = directorates.into_inner().directorates;
    let units = units.into_inner().units;
    let pools = pools.into_inner().pools;
    let pool_names: HashMap<&str, &str> = pools
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let directorate_names: HashMap<&str, &str> = directorates
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    let unit_names: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let rules_unavailable = rules.is_none();
    let rules = rules
        .unwrap_or_default()
        .into_iter()
        .map(|r| rule_row(&state, c, frame.english(), &unit_names, r))
        .collect();
    let (message, is_error) = message(texts, &q).map_or((None, false), |(m, e)| (Some(m), e));
    let users = users.into_inner().users;
    let pool_rows = pool_rows(&pools, &users);
    let users = users
        .into_iter()
        .map(|u| user_row(c, &pool_names, u))
        .collect();
    render(&AdminPage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        users,
        units: units
            .iter()
            .map(|u| UnitRow {
                id: u.id.clone(),
                label: format!(
                    "{} — {}",
                    u.name,
                    directorate_names
                        .get(u.directorate_id.as_str())
                        .copied()
                        .unwrap_or_default()
                ),
            })
            .collect(),
        directorates: directorates.into_iter().map(|d| (d.id, d.name)).collect(),
        pools: pools.into_iter().map(|p| (p.id, p.name)).collect(),
        pool_rows,
        rules,
        rules_unavailable,
        provinces: tekmerkez_geo::provinces()
            .iter()
            .map(|p| (p.code(), p.name()))
            .collect(),
        roles: roles(c),
        categories: state
            .categories
            .iter()
            .map(|cat| {
                let name = if frame.english() {
                    &cat.name_en
                } else {
                    &cat.name_tr
                };
                (cat.code.clone(), name.clone())
            })
            .collect(),
        channels: (1..=9).map(|n| (n, c.channel_name(n))).collect(),
        message,
        is_error,
        frame,
        t: &texts.admin,
    })
}

/// Each pool with the active pool managers who manage it, and every active
/// pool manager to choose from.
fn pool_rows(pools: &[pb::Pool], users: &[pb::User]) -> Vec<PoolRow> {
    let mut managers: Vec<&pb::User> = users
        .iter()
        .filter(|u| u.role == pb::Role::PoolManager as i32 && u.active)
        .collect();
    managers.sort_by(|a, b| tekmerkez_turkish::compare(&a.display_name, &b.display_name));
    pools
        .iter()
        .map(|p| {
            let manages = |u: &pb::User| u.pool_ids.contains(&p.id);
            PoolRow {
                id: p.id.clone(),
                name: p.name.clone(),
                managers: managers
                    .iter()
                    .filter(|u| manages(u))
                    .map(|u| u.display_name.clone())
                    .collect(),
                choices: managers
                    .iter()
                    .map(|u| (u.id.clone(), u.display_name.clone(), manages(u)))
                    .collect(),
            }
        })
        .collect()
}

/// `POST /yonetim/havuz/{id}/yoneticiler`: the pool's managers are the
/// pool managers chosen; each pool manager's pools gain or lose this one
/// (the case service checks, on each user update, that an admin asks).
pub(super) async fn set_pool_managers(
    State(state): State<Arc<AppState>>,
    Path(pool): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let chosen = many(&f, "yonetici");
    let b = &state.backend;
    let mut d = b.directory();
    let listed = d
        .list_users(b.as_user(
            s.user_id,
            pb::ListUsersRequest {
                role: pb::Role::PoolManager as i32,
                ..Default::default()
            },
        ))
        .await;
    let users = match listed {
        Ok(r) => r.into_inner().users,
        Err(st) => return after_write(Err(st), "", "teskilat"),
    };
    for u in users {
        let has = u.pool_ids.contains(&pool);
        let wanted = chosen.contains(&u.id);
        if has == wanted {
            continue;
        }
        let mut pool_ids: Vec<String> = u.pool_ids.into_iter().filter(|p| *p != pool).collect();
        if wanted {
            pool_ids.push(pool.clone());
        }
        let req = pb::UpdateUserRequest {
            user_id: u.id,
            pool_ids,
            update_pools: true,
            ..Default::default()
        };
        if let Err(st) = d.update_user(b.as_user(s.user_id, req)).await {
            return after_write(Err(st), "", "teskilat");
        }
    }
    after_write(Ok(()), "yoneticiler-kaydedildi", "teskilat")
}

/// A rule as the admin reads it: names, not codes and ids.
fn rule_row(
    state: &AppState,
    c: &CommonTexts,
    english: bool,
    unit_names: &HashMap<&str, &str>,
    r: rpb::Rule,
) -> RuleRow {
    RuleRow {
        category: if r.category.is_empty() {
            String::new()
        } else {
            tekmerkez_types::catalogue::name_of(&state.categories, &r.category, english).to_owned()
        },
        keywords: r.keywords.join(", "),
        channels: r
            .channels
            .iter()
            .map(|n| c.channel_name(*n))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        province: province_name(r.province_code),
        unit: unit_names
            .get(r.target_unit_id.as_str())
            .map(|n| (*n).to_owned())
            .unwrap_or_default(),
        urgency: match common_v1::Urgency::try_from(r.urgency).unwrap_or_default() {
            common_v1::Urgency::Urgent => c.urgent,
            common_v1::Urgency::Normal => c.normal,
            common_v1::Urgency::Unspecified => "",
        },
        assigned_category: if r.assigned_category.is_empty() {
            String::new()
        } else {
            tekmerkez_types::catalogue::name_of(&state.categories, &r.assigned_category, english)
                .to_owned()
        },
        application_type: frame_texts_classify(english).type_name(r.application_type),
        id: r.id,
        priority: r.priority,
        district: r.district,
        description: r.description,
    }
}

fn user_row(c: &CommonTexts, pool_names: &HashMap<&str, &str>, u: pb::User) -> UserRow {
    UserRow {
        role: c.role_name(u.role),
        pools: u
            .pool_ids
            .iter()
            .filter_map(|p| pool_names.get(p.as_str()).copied())
            .collect::<Vec<_>>()
            .join(", "),
        id: u.id,
        username: u.username,
        name: u.display_name,
        active: u.active,
    }
}

/// The posted form as name → values, with the CSRF token checked.
pub(super) fn checked_form(s: &Session, body: &[u8]) -> Option<HashMap<String, Vec<String>>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_pairs(body) {
        m.entry(k).or_default().push(v);
    }
    let csrf = m
        .get("csrf")
        .and_then(|v| v.first())
        .map_or("", String::as_str);
    tokens_match(&s.csrf_token, csrf).then_some(m)
}

pub(super) fn one(form: &HashMap<String, Vec<String>>, key: &str) -> String {
    form.get(key)
        .and_then(|v| v.first())
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn many(form: &HashMap<String, Vec<String>>, key: &str) -> Vec<String> {
    form.get(key)
        .map(|v| {
            v.iter()
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn number(form: &HashMap<String, Vec<String>>, key: &str) -> i32 {
    one(form, key).parse().unwrap_or_default()
}

/// The answer to an admin form whose CSRF token is wrong or missing.
pub(super) fn form_refused() -> Response {
    let mut r = see_other("/yonetim?durum=yetki");
    *r.status_mut() = StatusCode::FORBIDDEN;
    r
}

/// `POST /yonetim/kullanici`: a new user.
pub(super) async fn create_user(
    State(state): State<Arc<AppState>>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let b = &state.backend;
    let req = pb::CreateUserRequest {
        username: one(&f, "kullanici_adi"),
        display_name: one(&f, "ad"),
        role: number(&f, "rol"),
        pool_ids: many(&f, "havuz"),
        password: f
            .get("parola")
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default(),
        email: one(&f, "eposta"),
        phone: one(&f, "telefon"),
        directorate_id: one(&f, "mudurluk"),
    };
    let r = b
        .directory()
        .create_user(b.as_user(s.user_id, req))
        .await
        .map(|_| ());
    after_write(r, "kullanici-eklendi", "kullanicilar")
}

/// `GET /yonetim/kullanici/{id}`: one user's role, pools and state.
pub(super) async fn edit_user(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let b = &state.backend;
    let (mut d1, mut d2, mut d3) = (b.directory(), b.directory(), b.directory());
    let (users, pools, directorates) = tokio::join!(
        d1.list_users(b.as_user(s.user_id, pb::ListUsersRequest::default())),
        d2.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
        d3.list_directorates(b.as_user(s.user_id, pb::ListDirectoratesRequest {})),
    );
    let (Ok(users), Ok(pools), Ok(directorates)) = (users, pools, directorates) else {
        return see_other("/yonetim?durum=hata");
    };
    let Some(user) = users.into_inner().users.into_iter().find(|u| u.id == id) else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let pools = pools.into_inner().pools;
    let pool_names: HashMap<&str, &str> = pools
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let role = user.role;
    let checked: Vec<(String, String, bool)> = pools
        .iter()
        .map(|p| (p.id.clone(), p.name.clone(), user.pool_ids.contains(&p.id)))
        .collect();
    let directorates = directorates
        .into_inner()
        .directorates
        .into_iter()
        .map(|d| {
            let mine = d.id == user.directorate_id;
            (d.id, d.name, mine)
        })
        .collect();
    render(&UserPage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        user: user_row(frame.c, &pool_names, user),
        role,
        roles: roles(frame.c),
        pools: checked,
        directorates,
        t: &frame.texts().admin,
        frame,
    })
}

/// `POST /yonetim/kullanici/{id}`: role, pools, name and whether they may sign in.
pub(super) async fn update_user(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let b = &state.backend;
    let req = pb::UpdateUserRequest {
        user_id: id,
        role: number(&f, "rol"),
        pool_ids: many(&f, "havuz"),
        update_pools: true,
        active: Some(one(&f, "etkin") == "1"),
        display_name: one(&f, "ad"),
        // The form always shows the directorate: none clears it.
        directorate_id: Some(one(&f, "mudurluk")),
    };
    let r = b
        .directory()
        .update_user(b.as_user(s.user_id, req))
        .await
        .map(|_| ());
    after_write(r, "kullanici-guncellendi", "kullanicilar")
}

/// `POST /yonetim/teskilat`: a directorate, a unit or a pool, by `tur`.
pub(super) async fn create_organisation(
    State(state): State<Arc<AppState>>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let b = &state.backend;
    let mut d = b.directory();
    let u = s.user_id;
    let r = match one(&f, "tur").as_str() {
        "mudurluk" => d
            .create_directorate(b.as_user(
                u,
                pb::CreateDirectorateRequest {
                    name: one(&f, "ad"),
                },
            ))
            .await
            .map(|_| ()),
        "birim" => d
            .create_unit(b.as_user(
                u,
                pb::CreateUnitRequest {
                    directorate_id: one(&f, "mudurluk"),
                    name: one(&f, "ad"),
                },
            ))
            .await
            .map(|_| ()),
        "havuz" => d
            .create_pool(b.as_user(
                u,
                pb::CreatePoolRequest {
                    unit_id: one(&f, "birim"),
                    province_code: one(&f, "il").parse().unwrap_or_default(),
                    name: one(&f, "ad"),
                    triage: one(&f, "triyaj") == "1",
                },
            ))
            .await
            .map(|_| ()),
        _ => return see_other("/yonetim?durum=hata#teskilat"),
    };
    after_write(r, "teskilat-eklendi", "teskilat")
}

/// `POST /yonetim/kural`: a routing rule.
pub(super) async fn create_rule(
    State(state): State<Arc<AppState>>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let b = &state.backend;
    let Some(mut rules) = b.rules() else {
        return see_other("/yonetim?durum=hata#kurallar");
    };
    let rule = rpb::Rule {
        id: String::new(),
        priority: number(&f, "oncelik"),
        category: one(&f, "konu"),
        keywords: one(&f, "kelimeler")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        channels: many(&f, "kanal")
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect(),
        province_code: one(&f, "il").parse().unwrap_or_default(),
        district: one(&f, "ilce"),
        target_unit_id: one(&f, "birim"),
        urgency: number(&f, "aciliyet"),
        description: one(&f, "aciklama"),
        assigned_category: one(&f, "verilen_konu"),
        application_type: number(&f, "verilen_tur"),
    };
    let r = rules
        .create_rule(b.as_user(s.user_id, rpb::CreateRuleRequest { rule: Some(rule) }))
        .await
        .map(|_| ());
    after_write(r, "kural-eklendi", "kurallar")
}

/// `GET /yonetim/kural/{id}/sil`: the rule and what deleting it changes,
/// asked before anything is deleted (a rule decides where every later
/// application goes, and a deleted one cannot be brought back).
pub(super) async fn confirm_delete_rule(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let b = &state.backend;
    let Some(mut rules) = b.rules() else {
        return see_other("/yonetim?durum=hata#kurallar");
    };
    let mut directory = b.directory();
    let (listed, units) = tokio::join!(
        rules.list_rules(b.as_user(s.user_id, rpb::ListRulesRequest {})),
        directory.list_units(b.as_user(s.user_id, pb::ListUnitsRequest::default())),
    );
    let (Ok(listed), Ok(units)) = (listed, units) else {
        return see_other("/yonetim?durum=hata#kurallar");
    };
    let Some(rule) = listed.into_inner().rules.into_iter().find(|r| r.id == id) else {
        return see_other("/yonetim?durum=kural-yok#kurallar");
    };
    let units = units.into_inner().units;
    let unit_names: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let rule = rule_row(&state, frame.c, frame.english(), &unit_names, rule);
    render(&DeleteRulePage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        rule,
        t: &frame.texts().admin,
        frame,
    })
}

/// `POST /yonetim/kural/{id}/sil`: deletes a routing rule (the form on the
/// confirmation page).
pub(super) async fn delete_rule(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    if checked_form(&s, &body).is_none() {
        return form_refused();
    }
    let b = &state.backend;
    let Some(mut rules) = b.rules() else {
        return see_other("/yonetim?durum=hata#kurallar");
    };
    match rules
        .delete_rule(b.as_user(s.user_id, rpb::DeleteRuleRequest { id }))
        .await
    {
        // Deleted in another session, or this form sent twice.
        Err(st) if st.code() == Code::NotFound => see_other("/yonetim?durum=kural-yok#kurallar"),
        r => after_write(r.map(|_| ()), "kural-silindi", "kurallar"),
    }
}

/// The classification words of the page's language.
fn frame_texts_classify(english: bool) -> &'static crate::i18n::classify::ClassifyTexts {
    if english {
        &crate::i18n::classify::EN
    } else {
        &crate::i18n::classify::TR
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{TR, admin::TR as ADMIN_TR};

    #[test]
    fn every_field_the_services_name_has_a_turkish_label() {
        for f in [
            "username",
            "display_name",
            "password",
            "email",
            "phone",
            "role",
            "pool_ids",
            "name",
            "directorate_id",
            "unit_id",
            "province_code",
            "rule.priority",
            "rule.category",
            "rule.keywords",
            "rule.district",
            "rule.description",
            "rule.target_unit_id",
            "rule.province_code",
            "rule.assigned_category",
        ] {
            assert_ne!(field_label(&TR, f), ADMIN_TR.unknown_field, "{f}");
        }
    }

    #[test]
    fn repeated_fields_are_kept_and_a_wrong_token_refuses_the_form() {
        let s = Session {
            user_id: uuid::Uuid::nil(),
            username: String::new(),
            display_name: String::new(),
            role: 1,
            csrf_token: "t".into(),
        };
        let f = checked_form(
            &s,
            b"csrf=t&havuz=a&havuz=b&havuz=&ad=+%C3%87a%C4%9Fr%C4%B1+",
        )
        .unwrap();
        assert_eq!(many(&f, "havuz"), vec!["a", "b"]);
        assert_eq!(one(&f, "ad"), "Çağrı");
        assert!(checked_form(&s, b"csrf=x&ad=y").is_none());
        assert!(checked_form(&s, b"ad=y").is_none());
    }
}
