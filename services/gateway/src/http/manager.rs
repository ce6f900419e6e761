//! The pool manager's *Havuz Yönetimi*: every unresolved record of the
//! managed pools (resolved ones on request), narrowed by status, channel,
//! category, district, days in pool, urgency, pool and holder, sorted, paged
//! by key, searchable by tracking number; selected records are assigned to
//! an institutional expert of their pool, or moved from one person to
//! another, all or none. The case service decides what the list holds and
//! whether an assignment may happen.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1};
use tekmerkez_types::{catalogue::Category, limits};
use tonic::Code;

use super::{
    AppState, Frame,
    cases::{PAGE_SIZE, Paging, Row, SortLink, paging, query_value, row, sort_links, without},
    form_pairs, render, see_other,
    signed_in::{PoolManagers, RequireRole, SignedIn},
};
use crate::{
    i18n::{common::CommonTexts, manager::ManagerTexts},
    session::tokens_match,
};

/// What the filter form sends (every field optional; anything that does
/// not parse is dropped and the person told so).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(super) struct ManagerQuery {
    /// The tokens of the pages behind this one, comma-separated.
    pub(super) onceki: String,
    /// Status number; `4` (resolved) switches to the whole history.
    pub(super) statu: String,
    /// Channel number.
    pub(super) kanal: String,
    /// Category code.
    pub(super) konu: String,
    /// District.
    pub(super) ilce: String,
    /// At least this many days in the pool.
    pub(super) gun: String,
    /// Urgency number.
    pub(super) aciliyet: String,
    /// Pool id.
    pub(super) havuz: String,
    /// Holder id.
    pub(super) uzman: String,
    /// Sort number.
    pub(super) sira: String,
    /// Tracking number.
    pub(super) takip: String,
    /// A partner's own reference (a CİMER application number).
    pub(super) kurum_no: String,
    /// `1`: only records whose due date is near or past (*Süresi yaklaşan*).
    pub(super) vade: String,
    /// `1`: only callbacks to make by the end of today (*Bugün aranacaklar*).
    pub(super) bugun: String,
    /// Page token.
    pub(super) sayfa: String,
    /// Outcome of the last action, for the message.
    pub(super) durum: String,
    /// A refused view name, back in the save form (`views`).
    pub(super) gorunum_adi: String,
    /// Why it was refused.
    pub(super) gorunum_hata: String,
}

/// The list request a query asks for, and whether some of it was dropped.
#[derive(Debug, PartialEq)]
pub(super) struct Parsed {
    pub(super) view: pb::CaseView,
    pub(super) filter: pb::CaseFilter,
    pub(super) sort: pb::CaseSort,
    /// The filters that were understood, as a query string (no page, no message).
    pub(super) canonical: String,
    pub(super) dropped: bool,
    /// A partner's reference to find (exact, trimmed).
    pub(super) partner_reference: String,
}

impl Default for Parsed {
    fn default() -> Self {
        Self {
            view: pb::CaseView::Pool,
            filter: pb::CaseFilter::default(),
            sort: pb::CaseSort::OldestFirst,
            canonical: String::new(),
            dropped: false,
            partner_reference: String::new(),
        }
    }
}

const LONGEST_DISTRICT: usize = 64;
const LONGEST_TRACKING: usize = 16;
const MOST_DAYS: u32 = 3650;

fn number_in(v: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    v.parse().ok().filter(|n| range.contains(n))
}

fn is_uuid(v: &str) -> bool {
    uuid::Uuid::parse_str(v).is_ok()
}

pub(super) fn parse(q: &ManagerQuery, categories: &[Category]) -> Parsed {
    let mut dropped = false;
    let mut kept: Vec<(&str, String)> = Vec::new();
    let mut take = |key: &'static str, raw: &str, ok: bool| -> bool {
        let raw = raw.trim();
        if raw.is_empty() {
            return false;
        }
        if ok {
            kept.push((key, raw.to_owned()));
        } else {
            dropped = true;
        }
        ok
    };
    let mut view = pb::CaseView::Pool;
    let mut filter = pb::CaseFilter::default();
    let status = number_in(q.statu.trim(), 1..=4);
    if take("statu", &q.statu, status.is_some()) {
        let s = status.unwrap_or_default();
        if s == pb::CaseStatus::Resolved as i32 {
            view = pb::CaseView::All;
        }
        filter.statuses = vec![s];
    }
    let channel = number_in(q.kanal.trim(), 1..=9);
    if take("kanal", &q.kanal, channel.is_some()) {
        filter.channels = channel.into_iter().collect();
    }
    if take(
        "konu",
        &q.konu,
        categories.iter().any(|c| c.code == q.konu.trim()),
    ) {
        q.konu.trim().clone_into(&mut filter.category);
    }
    if take(
        "ilce",
        &q.ilce,
        q.ilce.trim().chars().count() <= LONGEST_DISTRICT,
    ) {
        q.ilce.trim().clone_into(&mut filter.district);
    }
    let days = q.gun.trim().parse::<u32>().ok().filter(|d| *d <= MOST_DAYS);
    if take("gun", &q.gun, days.is_some()) {
        filter.min_days_in_pool = days.unwrap_or_default();
    }
    let urgency = number_in(q.aciliyet.trim(), 1..=2);
    if take("aciliyet", &q.aciliyet, urgency.is_some()) {
        filter.urgency = urgency.unwrap_or_default();
    }
    if take("havuz", &q.havuz, is_uuid(q.havuz.trim())) {
        q.havuz.trim().clone_into(&mut filter.pool_id);
    }
    if take("uzman", &q.uzman, is_uuid(q.uzman.trim())) {
        q.uzman.trim().clone_into(&mut filter.holder_id);
    }
    if take("vade", &q.vade, q.vade.trim() == "1") {
        filter.due_near_or_passed = true;
    }
    if take("bugun", &q.bugun, q.bugun.trim() == "1") {
        filter.callback_due_today = true;
    }
    let sort = number_in(q.sira.trim(), 1..=4);
    take("sira", &q.sira, sort.is_some());
    let tracking = q.takip.trim().to_uppercase();
    if take(
        "takip",
        &tracking,
        tracking.len() <= LONGEST_TRACKING
            && tracking
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'),
    ) {
        filter.tracking_number = tracking;
    }
    let reference = q.kurum_no.trim().to_owned();
    let partner_reference = if take(
        "kurum_no",
        &reference,
        reference.chars().count() <= 200 && !reference.chars().any(char::is_control),
    ) {
        reference
    } else {
        String::new()
    };
    let canonical = kept
        .iter()
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect::<Vec<_>>()
        .join("&");
    Parsed {
        view,
        filter,
        sort: sort
            .and_then(|s| pb::CaseSort::try_from(s).ok())
            .unwrap_or(pb::CaseSort::OldestFirst),
        canonical,
        dropped,
        partner_reference,
    }
}

/// One option of a `<select>`.
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

/// The categories as options, `current` chosen.
pub(super) fn category_choices(
    current: &str,
    categories: &[Category],
    english: bool,
) -> Vec<Choice> {
    choices(
        current,
        categories.iter().map(|cat| {
            (
                cat.code.clone(),
                if english {
                    cat.name_en.as_str()
                } else {
                    cat.name_tr.as_str()
                },
            )
        }),
    )
}

/// The urgencies as options, `current` chosen.
pub(super) fn urgency_choices(current: &str, c: &CommonTexts) -> Vec<Choice> {
    choices(
        current,
        [
            ((common_v1::Urgency::Normal as i32).to_string(), c.normal),
            ((common_v1::Urgency::Urgent as i32).to_string(), c.urgent),
        ],
    )
}

fn choices<'a>(current: &str, options: impl IntoIterator<Item = (String, &'a str)>) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current.trim(),
            label: label.to_owned(),
            value,
        })
        .collect()
}

/// A row of the manager's list: the common columns and the pool.
struct ManagedRow {
    row: Row,
    pool: String,
}

#[derive(askama::Template)]
#[template(path = "manager.html")]
struct ManagerPage {
    frame: Frame,
    t: &'static ManagerTexts,
    /// Quick views, saved views and the form saving this filter.
    views: super::views::Bar,
    /// The `from=` pair record links carry, for "next record".
    from: String,
    /// How many answer letters of the managed pools wait to be posted
    /// (`"100+"` past the cap); `None` when it could not be read.
    letters_waiting: Option<String>,
    csrf: String,
    display_name: String,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    categories: Vec<Choice>,
    urgencies: Vec<Choice>,
    sorts: Vec<Choice>,
    pools: Vec<Choice>,
    holders: Vec<Choice>,
    experts: Vec<Choice>,
    district: String,
    /// The partner reference searched for.
    partner_reference: String,
    min_days: String,
    tracking: String,
    rows: Vec<ManagedRow>,
    paging: Paging,
    columns: [SortLink; 3],
    /// The filters and page shown, for the assignment form to come back to.
    back: String,
    message: Option<&'static str>,
    is_error: bool,
}

/// The caller's pools, every pool's name and the people of those pools.
struct Scope {
    my_pools: Vec<String>,
    pool_names: HashMap<String, String>,
    people: Vec<pb::User>,
}

async fn scope(state: &AppState, user: uuid::Uuid) -> Result<Scope, tonic::Status> {
    let b = &state.backend;
    let (mut d1, mut d2, mut d3) = (b.directory(), b.directory(), b.directory());
    let (me, pools, people) = tokio::join!(
        d1.get_current_user(b.as_user(user, pb::GetCurrentUserRequest {})),
        d2.list_pools(b.as_user(user, pb::ListPoolsRequest::default())),
        d3.list_users(b.as_user(user, pb::ListUsersRequest::default())),
    );
    let me = me?.into_inner().user.unwrap_or_default();
    let pools = pools?.into_inner().pools;
    let my_pools = if me.role == pb::Role::Admin as i32 {
        pools.iter().map(|p| p.id.clone()).collect()
    } else {
        me.pool_ids
    };
    Ok(Scope {
        my_pools,
        pool_names: pools.into_iter().map(|p| (p.id, p.name)).collect(),
        people: people?.into_inner().users,
    })
}

fn status_names(c: &CommonTexts) -> [(i32, &'static str); 4] {
    [
        pb::CaseStatus::InPool,
        pb::CaseStatus::Held,
        pb::CaseStatus::AwaitingCallback,
        pb::CaseStatus::Resolved,
    ]
    .map(|s| (s as i32, c.status_name(s as i32)))
}

fn message(c: &CommonTexts, t: &ManagerTexts, durum: &str) -> Option<(&'static str, bool)> {
    match durum {
        "atandi" => Some((t.assigned, false)),
        "atanamadi" => Some((t.assign_failed, true)),
        "secilmedi" => Some((t.nothing_selected_assign, true)),
        "uzman-yok" => Some((t.choose_expert, true)),
        "aktarildi" => Some((t.transferred, false)),
        "yetki" => Some((c.not_allowed, true)),
        _ => None,
    }
}

/// `GET /havuz`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ManagerQuery>,
    RequireRole(s, _): RequireRole<PoolManagers>,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().manager);
    let english = frame.english();
    let parsed = parse(&q, &state.categories);
    let token: String = q.sayfa.chars().take(512).collect();
    let b = &state.backend;
    let request = pb::ListCasesRequest {
        view: parsed.view as i32,
        filter: Some(parsed.filter.clone()),
        sort: parsed.sort as i32,
        page: Some(common_v1::PageRequest {
            page_size: PAGE_SIZE as u32,
            page_token: token.clone(),
        }),
        with_total: true,
        partner_reference: parsed.partner_reference.clone(),
    };
    let mut cases_client = b.cases();
    let (listed, scope) = tokio::join!(
        cases_client.list_cases(b.as_user(s.user_id, request)),
        scope(&state, s.user_id)
    );
    let (mut message, mut is_error) = message(c, t, &q.durum)
        .or_else(|| super::views::message(&frame.texts().views, &q.durum))
        .map_or((None, false), |(m, e)| (Some(m), e));
    if parsed.dropped {
        (message, is_error) = (Some(t.filter_invalid), true);
    }
    let (cases, next, total) = match (listed, &scope) {
        (Ok(r), Ok(_)) => {
            let r = r.into_inner();
            (
                r.cases,
                Some(r.next_page_token).filter(|n| !n.is_empty()),
                (r.total, r.total_capped),
            )
        }
        (Err(st), _) if st.code() == Code::PermissionDenied => {
            return super::refuse(&frame);
        }
        (Err(st), _) if st.code() == Code::InvalidArgument => {
            (message, is_error) = (Some(t.filter_invalid), true);
            (Vec::new(), None, (0, false))
        }
        (Err(st), _) => {
            tracing::error!(code = ?st.code(), "the pool manager's list failed");
            (message, is_error) = (Some(c.unavailable), true);
            (Vec::new(), None, (0, false))
        }
        (Ok(_), Err(st)) => {
            tracing::error!(code = ?st.code(), "reading the pool manager's scope failed");
            (message, is_error) = (Some(c.unavailable), true);
            (Vec::new(), None, (0, false))
        }
    };
    let scope = scope.unwrap_or(Scope {
        my_pools: Vec::new(),
        pool_names: HashMap::new(),
        people: Vec::new(),
    });
    let names: HashMap<&str, &str> = scope
        .people
        .iter()
        .map(|u| (u.id.as_str(), u.display_name.as_str()))
        .collect();
    let rows: Vec<ManagedRow> = cases
        .into_iter()
        .map(|case| ManagedRow {
            pool: scope
                .pool_names
                .get(&case.pool_id)
                .cloned()
                .unwrap_or_default(),
            row: {
                let holder = names
                    .get(case.holder_id.as_str())
                    .map(|n| (*n).to_owned())
                    .unwrap_or_default();
                row(case, holder, &state, &frame)
            },
        })
        .collect();
    let experts: Vec<&pb::User> = scope
        .people
        .iter()
        .filter(|u| u.role == pb::Role::Expert as i32 && u.active)
        .collect();
    let pool_label = |u: &pb::User| {
        let pools: Vec<&str> = u
            .pool_ids
            .iter()
            .filter(|p| scope.my_pools.contains(p))
            .filter_map(|p| scope.pool_names.get(p).map(String::as_str))
            .collect();
        format!("{} ({})", u.display_name, pools.join(", "))
    };
    let expert_labels: Vec<(String, String)> = experts
        .iter()
        .map(|u| (u.id.clone(), pool_label(u)))
        .collect();
    let holder_labels: Vec<(String, String)> = scope
        .people
        .iter()
        .filter(|u| u.role == pb::Role::Expert as i32 || u.role == pb::Role::CallbackAgent as i32)
        .map(|u| (u.id.clone(), u.display_name.clone()))
        .collect();
    let pool_labels: Vec<(String, String)> = scope
        .my_pools
        .iter()
        .filter_map(|p| scope.pool_names.get(p).map(|n| (p.clone(), n.clone())))
        .collect();
    let letters_waiting = {
        let req = state.backend.as_user(s.user_id, pb::CountLettersRequest {});
        match state.backend.cases().count_letters(req).await {
            Ok(r) => {
                let r = r.into_inner();
                Some(super::capped_count(r.count, r.capped, frame.lang))
            }
            Err(st) => {
                tracing::warn!(code = ?st.code(), "counting the letters to post failed");
                None
            }
        }
    };
    let here = super::views::list_address(&format!("/havuz?{}", parsed.canonical), &state);
    let views = super::views::bar(
        &state,
        &s,
        &frame,
        here.as_ref(),
        (&q.gorunum_adi, &q.gorunum_hata),
    )
    .await;
    let from = here
        .as_ref()
        .map(super::views::from_pair)
        .unwrap_or_default();
    render(&ManagerPage {
        views,
        from,
        letters_waiting,
        csrf: s.csrf_token,
        display_name: s.display_name,
        statuses: choices(
            &q.statu,
            status_names(c)
                .iter()
                .map(|(n, name)| (n.to_string(), *name)),
        ),
        channels: choices(
            &q.kanal,
            (1..=9).map(|n| (n.to_string(), c.channel_name(n))),
        ),
        categories: category_choices(&q.konu, &state.categories, english),
        urgencies: urgency_choices(&q.aciliyet, c),
        sorts: choices(
            &q.sira,
            [
                (
                    (pb::CaseSort::OldestFirst as i32).to_string(),
                    t.sort_oldest,
                ),
                (
                    (pb::CaseSort::NewestFirst as i32).to_string(),
                    t.sort_newest,
                ),
                (
                    (pb::CaseSort::UrgentFirst as i32).to_string(),
                    t.sort_urgent,
                ),
                (
                    (pb::CaseSort::LegalDueFirst as i32).to_string(),
                    frame.texts().deadline.sort_by_due,
                ),
            ],
        ),
        pools: choices(
            &q.havuz,
            pool_labels.iter().map(|(v, l)| (v.clone(), l.as_str())),
        ),
        holders: choices(
            &q.uzman,
            holder_labels.iter().map(|(v, l)| (v.clone(), l.as_str())),
        ),
        experts: choices(
            "",
            expert_labels.iter().map(|(v, l)| (v.clone(), l.as_str())),
        ),
        district: parsed.filter.district.clone(),
        partner_reference: parsed.partner_reference.clone(),
        min_days: if parsed.filter.min_days_in_pool > 0 {
            parsed.filter.min_days_in_pool.to_string()
        } else {
            String::new()
        },
        tracking: parsed.filter.tracking_number.clone(),
        paging: paging(
            "/havuz",
            &parsed.canonical,
            &token,
            &q.onceki,
            next.as_deref(),
            rows.len(),
            total,
            &frame,
        ),
        columns: sort_links(
            "/havuz",
            &without(&parsed.canonical, "sira"),
            parsed.sort,
            &frame,
        ),
        rows,
        back: parsed.canonical,
        message,
        is_error,
        frame,
        t,
    })
}

/// What the assignment form posts.
#[derive(Debug, Default, PartialEq)]
struct AssignForm {
    csrf: String,
    ids: Vec<String>,
    assignee: String,
    /// The filters to go back to.
    back: String,
}

fn assign_form(body: &[u8], categories: &[Category]) -> AssignForm {
    let mut f = AssignForm::default();
    let pairs = form_pairs(body);
    // "Assign all on this page" (no script needed) takes every listed
    // record instead of the ticked ones.
    let all = pairs.iter().any(|(k, v)| k == "tumu" && v == "1");
    let ids_from = if all { "sayfadaki" } else { "case_id" };
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            k if k == ids_from && is_uuid(&v) && f.ids.len() < limits::BULK => f.ids.push(v),
            "atanan" if is_uuid(&v) => f.assignee = v,
            // Only the understood filters go back into the redirect.
            "geri" => {
                let q: ManagerQuery = filters_from_query(&v);
                f.back = parse(&q, categories).canonical;
            }
            _ => {}
        }
    }
    f
}

/// A query string read into the filter fields (unknown keys ignored).
fn filters_from_query(query: &str) -> ManagerQuery {
    let mut q = ManagerQuery::default();
    for (k, v) in form_pairs(query.as_bytes()) {
        let slot = match k.as_str() {
            "statu" => &mut q.statu,
            "kanal" => &mut q.kanal,
            "konu" => &mut q.konu,
            "ilce" => &mut q.ilce,
            "gun" => &mut q.gun,
            "aciliyet" => &mut q.aciliyet,
            "havuz" => &mut q.havuz,
            "uzman" => &mut q.uzman,
            "sira" => &mut q.sira,
            "takip" => &mut q.takip,
            _ => continue,
        };
        *slot = v;
    }
    q
}

/// `POST /havuz/ata`: assigns (or moves) the selected records to one
/// expert, all or none.
pub(super) async fn assign(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let f = assign_form(&body, &state.categories);
    let to = |durum: &str| {
        let sep = if f.back.is_empty() { "" } else { "&" };
        see_other(&format!("/havuz?{}{sep}durum={durum}", f.back))
    };
    if !tokens_match(&s.csrf_token, &f.csrf) {
        let mut r = to("yetki");
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    if f.ids.is_empty() {
        return to("secilmedi");
    }
    if f.assignee.is_empty() {
        return to("uzman-yok");
    }
    let req = state.backend.as_user(
        s.user_id,
        pb::AssignCasesRequest {
            case_ids: f.ids.clone(),
            assignee_user_id: f.assignee.clone(),
        },
    );
    match state.backend.cases().assign_cases(req).await {
        Ok(_) => to("atandi"),
        Err(st) if st.code() == Code::PermissionDenied => to("yetki"),
        Err(st) => {
            if !matches!(
                st.code(),
                Code::FailedPrecondition | Code::NotFound | Code::Aborted | Code::InvalidArgument
            ) {
                tracing::error!(code = ?st.code(), "assigning cases failed");
            }
            to("atanamadi")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<Category> {
        vec![Category {
            code: "fatura".into(),
            name_tr: "Fatura".into(),
            name_en: "Bills".into(),
        }]
    }

    #[test]
    fn understood_filters_become_the_request_and_the_canonical_query() {
        let q = ManagerQuery {
            statu: "2".into(),
            kanal: "5".into(),
            konu: "fatura".into(),
            ilce: " Çankaya ".into(),
            gun: "3".into(),
            aciliyet: "2".into(),
            sira: "3".into(),
            takip: "ab12c-3d4e5".into(),
            ..Default::default()
        };
        let p = parse(&q, &cats());
        assert!(!p.dropped);
        assert_eq!(p.view, pb::CaseView::Pool);
        assert_eq!(p.sort, pb::CaseSort::UrgentFirst);
        assert_eq!(p.filter.statuses, vec![pb::CaseStatus::Held as i32]);
        assert_eq!(p.filter.channels, vec![common_v1::Channel::Phone as i32]);
        assert_eq!(p.filter.category, "fatura");
        assert_eq!(p.filter.district, "Çankaya");
        assert_eq!(p.filter.min_days_in_pool, 3);
        assert_eq!(p.filter.urgency, common_v1::Urgency::Urgent as i32);
        assert_eq!(p.filter.tracking_number, "AB12C-3D4E5");
        assert!(p.canonical.contains("ilce=%C3%87ankaya"), "{}", p.canonical);
    }

    #[test]
    fn resolved_records_come_from_the_whole_history() {
        let p = parse(
            &ManagerQuery {
                statu: "4".into(),
                ..Default::default()
            },
            &cats(),
        );
        assert_eq!(p.view, pb::CaseView::All);
        assert_eq!(p.filter.statuses, vec![pb::CaseStatus::Resolved as i32]);
    }

    #[test]
    fn tampered_filters_are_dropped_and_flagged_not_sent() {
        let q = ManagerQuery {
            statu: "9".into(),
            kanal: "x".into(),
            konu: "yok_boyle".into(),
            gun: "-1".into(),
            havuz: "'; drop table cases".into(),
            takip: "<script>".into(),
            ilce: "Ç".repeat(65),
            ..Default::default()
        };
        let p = parse(&q, &cats());
        assert!(p.dropped);
        assert_eq!(p.filter, pb::CaseFilter::default());
        assert_eq!(p.canonical, "");
        assert!(!parse(&ManagerQuery::default(), &cats()).dropped);
    }

    #[test]
    fn the_assignment_form_keeps_ids_assignee_and_only_understood_filters() {
        let id = "0190b8a0-0000-7000-8000-000000000001";
        let body = format!(
            "csrf=t&case_id={id}&case_id=bad&atanan={id}&geri=konu%3Dfatura%26x%3Dhttp%3A%2F%2Fevil%26kanal%3D99"
        );
        let f = assign_form(body.as_bytes(), &cats());
        assert_eq!(f.ids, vec![id]);
        assert_eq!(f.assignee, id);
        assert_eq!(f.back, "konu=fatura");
    }

    #[test]
    fn assigning_the_whole_page_takes_every_listed_record_not_the_ticked_ones() {
        let (a, b) = (
            "0190b8a0-0000-7000-8000-000000000001",
            "0190b8a0-0000-7000-8000-000000000002",
        );
        let body = format!("csrf=t&case_id={a}&sayfadaki={a}&sayfadaki={b}&atanan={a}&tumu=1");
        assert_eq!(assign_form(body.as_bytes(), &cats()).ids, vec![a, b]);
        let body = format!("csrf=t&case_id={a}&sayfadaki={a}&sayfadaki={b}&atanan={a}");
        assert_eq!(assign_form(body.as_bytes(), &cats()).ids, vec![a]);
    }
}
