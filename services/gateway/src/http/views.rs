//! Quick views, saved filters and "next record".
//!
//! A quick view is a list address with a filter that ships built in
//! (*Acil*, *3 günü geçen*, *Bugün aranacaklar*, *Süresi yaklaşan*), shown
//! only to the roles whose lists hold such records, with its count. A
//! saved view is the same thing named by its user and kept by the case
//! service (`SavedViewService`), so it follows the person from browser to
//! browser. Record links carry the list they were opened from (`from`, the
//! list's address); after closing, transferring or finishing a callback,
//! the desk opens the next record of that same list the person may work
//! on, naming what happened to the previous one, or goes back to the list
//! when none is left. Every list address that comes back from a browser is
//! read again through the list's own filter parser, so only known lists and
//! understood filters are ever followed.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{StatusCode, Uri},
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1};
use tonic::Code;

use super::{
    AppState, Frame,
    cases::query_value,
    form_pairs, last_value,
    manager::{self, ManagerQuery, Parsed},
    see_other,
    signed_in::SignedIn,
};
use crate::{i18n::views::ViewsTexts, session::Session, session::tokens_match};

/// The lists a view may narrow and "next record" may follow.
const LISTS: [&str; 5] = [
    "/cagri-havuzu",
    "/uzerimdeki",
    "/geri-donus",
    "/ulasilamayanlar",
    "/havuz",
];

/// More than 3 days in the pool: the filter counts calendar days in
/// Istanbul, at least this many (day 3 is the last day within).
pub(super) const OVER_THREE_DAYS: &str = "gun=4";

/// A list address understood: its path, its filters (as the list's parser
/// writes them back) and the request they make.
pub(super) struct ListAddress {
    pub(super) path: &'static str,
    pub(super) parsed: Parsed,
}

impl ListAddress {
    /// `path?filters`, or the path alone.
    pub(super) fn href(&self) -> String {
        href(self.path, &self.parsed.canonical)
    }

    /// The address with `extra` pairs added (`durum=…`).
    pub(super) fn href_with(&self, extra: &str) -> String {
        if self.parsed.canonical.is_empty() {
            format!("{}?{extra}", self.path)
        } else {
            format!("{}?{}&{extra}", self.path, self.parsed.canonical)
        }
    }

    /// The list it reads for a person of `role`.
    fn view(&self, role: i32) -> pb::CaseView {
        match self.path {
            "/uzerimdeki" => pb::CaseView::Mine,
            "/geri-donus" => pb::CaseView::CallbackPool,
            "/ulasilamayanlar" => pb::CaseView::NotReached,
            // The manager's page reads the whole history when asked.
            "/havuz" if role != pb::Role::Expert as i32 => self.parsed.view,
            _ => pb::CaseView::Pool,
        }
    }
}

/// `path?query`, or `path` alone when the query is empty.
fn href(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// `raw` (`/uzerimdeki?aciliyet=2`) understood, if it is one of the lists;
/// paging and messages are dropped.
pub(super) fn list_address(raw: &str, state: &AppState) -> Option<ListAddress> {
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let path = LISTS.iter().copied().find(|p| *p == path)?;
    Some(ListAddress {
        path,
        parsed: parse_query(query, state),
    })
}

fn parse_query(query: &str, state: &AppState) -> Parsed {
    let uri: Uri = format!("/?{query}").parse().unwrap_or_default();
    let q = Query::<ManagerQuery>::try_from_uri(&uri)
        .map(|Query(q)| q)
        .unwrap_or_default();
    manager::parse(&q, &state.categories)
}

/// The `from=` pair that makes a record link remember `list`.
pub(super) fn from_pair(list: &ListAddress) -> String {
    format!("from={}", query_value(&list.href()))
}

/// One link of the views bar.
pub(super) struct ViewLink {
    pub(super) label: String,
    pub(super) href: String,
    /// How many records it holds ("12", "100+"); `None` when not read.
    pub(super) count: Option<String>,
    /// The page shown is this view.
    pub(super) current: bool,
    /// A title explaining the rule (empty: none).
    pub(super) hint: &'static str,
    /// A saved view's id (empty for the built-in ones).
    pub(super) id: String,
}

/// The views bar above a list and on the start page.
pub(super) struct Bar {
    pub(super) t: &'static ViewsTexts,
    pub(super) quick: Vec<ViewLink>,
    pub(super) saved: Vec<ViewLink>,
    /// On a list page: the form saving its filter (the path and filters to
    /// save, the name typed and the error by it).
    pub(super) save: Option<SaveBox>,
    /// The address to come back to after deleting or renaming a view.
    pub(super) back: String,
}

/// The "save this filter" form's state.
pub(super) struct SaveBox {
    pub(super) path: &'static str,
    pub(super) query: String,
    pub(super) name: String,
    pub(super) error: Option<&'static str>,
}

impl Bar {
    /// Whether there is anything to show.
    pub(super) fn is_empty(&self) -> bool {
        self.quick.is_empty() && self.saved.is_empty() && self.save.is_none()
    }
}

/// The built-in views of `role`: (label, hint, list path, filters).
pub(super) fn builtin(
    t: &'static ViewsTexts,
    role: pb::Role,
) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let urgent = |path| (t.urgent, "", path, "aciliyet=2");
    let old = |path| {
        (
            t.over_three_days,
            t.over_three_days_hint,
            path,
            OVER_THREE_DAYS,
        )
    };
    let due = |path| (t.due_near, "", path, "vade=1");
    let today = (t.call_today, "", "/geri-donus", "bugun=1");
    match role {
        pb::Role::Expert => vec![
            urgent("/cagri-havuzu"),
            old("/cagri-havuzu"),
            due("/uzerimdeki"),
        ],
        pb::Role::CallbackAgent => vec![today, urgent("/geri-donus")],
        pb::Role::PoolManager | pb::Role::DirectorateManager | pb::Role::Admin => {
            vec![urgent("/havuz"), old("/havuz"), due("/havuz"), today]
        }
        _ => Vec::new(),
    }
}

/// The path a saved view of `view` opens for `role`.
fn path_of(view: i32, role: pb::Role) -> Option<&'static str> {
    let manager = matches!(
        role,
        pb::Role::PoolManager | pb::Role::DirectorateManager | pb::Role::Admin
    );
    match pb::CaseView::try_from(view).ok()? {
        pb::CaseView::Pool if manager => Some("/havuz"),
        pb::CaseView::Pool => Some("/cagri-havuzu"),
        pb::CaseView::Mine => Some("/uzerimdeki"),
        pb::CaseView::CallbackPool => Some("/geri-donus"),
        pb::CaseView::NotReached => Some("/ulasilamayanlar"),
        _ => None,
    }
}

/// How many records `list` holds for `s`, in words; `None` when the case
/// service did not say.
async fn count(state: &AppState, s: &Session, list: &ListAddress, frame: &Frame) -> Option<String> {
    let req = state.backend.as_user(
        s.user_id,
        pb::ListCasesRequest {
            view: list.view(s.role) as i32,
            filter: Some(list.parsed.filter.clone()),
            sort: list.parsed.sort as i32,
            page: Some(common_v1::PageRequest {
                page_size: 1,
                page_token: String::new(),
            }),
            with_total: true,
            partner_reference: list.parsed.partner_reference.clone(),
        },
    );
    let r = state
        .backend
        .cases()
        .list_cases(req)
        .await
        .ok()?
        .into_inner();
    Some(super::capped_count(r.total, r.total_capped, frame.lang))
}

/// The views bar of `s` on the page `current` (a list address, or `None`
/// on the start page), with the save form filled as `saving` asks.
pub(super) async fn bar(
    state: &AppState,
    s: &Session,
    frame: &Frame,
    current: Option<&ListAddress>,
    saving: (&str, &str),
) -> Bar {
    let t = &frame.texts().views;
    let role = pb::Role::try_from(s.role).unwrap_or_default();
    let here = current.map(ListAddress::href).unwrap_or_default();
    let builtins: Vec<_> = builtin(t, role)
        .into_iter()
        .filter_map(|(label, hint, path, query)| {
            let list = list_address(&href(path, query), state)?;
            Some((label, hint, list))
        })
        .collect();
    // A handful of capped counts, each one indexed query.
    let counts = async {
        let mut counts = Vec::with_capacity(builtins.len());
        for (_, _, list) in &builtins {
            counts.push(count(state, s, list, frame).await);
        }
        counts
    };
    let saved = async {
        let mut c = state.backend.saved_views();
        match c
            .list_saved_views(
                state
                    .backend
                    .as_user(s.user_id, pb::ListSavedViewsRequest {}),
            )
            .await
        {
            Ok(r) => r.into_inner().views,
            Err(st) => {
                if st.code() != Code::PermissionDenied {
                    tracing::warn!(code = ?st.code(), "listing saved views failed");
                }
                Vec::new()
            }
        }
    };
    let (counts, saved) = tokio::join!(counts, saved);
    let quick = builtins
        .into_iter()
        .zip(counts)
        .map(|((label, hint, list), count)| {
            let href = list.href();
            ViewLink {
                label: label.to_owned(),
                current: href == here,
                href,
                count,
                hint,
                id: String::new(),
            }
        })
        .collect();
    let saved = saved
        .into_iter()
        .filter_map(|v| {
            let path = path_of(v.view, role)?;
            let list = list_address(&href(path, &v.query), state)?;
            let href = list.href();
            Some(ViewLink {
                label: v.name,
                current: href == here,
                href,
                count: None,
                hint: "",
                id: v.id,
            })
        })
        .collect();
    let (name, error) = saving;
    Bar {
        t,
        quick,
        saved,
        save: current.map(|l| SaveBox {
            path: l.path,
            query: l.parsed.canonical.clone(),
            name: name.chars().take(200).collect(),
            error: save_error(t, error),
        }),
        back: if here.is_empty() {
            "/".to_owned()
        } else {
            here
        },
    }
}

/// The error by the name field a save came back with (`gorunum_hata`).
fn save_error(t: &'static ViewsTexts, code: &str) -> Option<&'static str> {
    match code {
        "ad-bos" => Some(t.name_needed),
        "ad-uzun" => Some(t.name_too_long),
        "ad-var" => Some(t.name_taken),
        "cok" => Some(t.too_many),
        "yapilamadi" => Some(t.not_saved),
        _ => None,
    }
}

/// The list message of `durum` (a views action), if it is one.
pub(super) fn message(t: &'static ViewsTexts, durum: &str) -> Option<(&'static str, bool)> {
    match durum {
        "gorunum-kaydedildi" => Some((t.saved_ok, false)),
        "gorunum-silindi" => Some((t.deleted_ok, false)),
        "son" => Some((t.none_left, false)),
        _ => None,
    }
}

/// Why the case service refused a save, as the form's error code.
fn refusal(st: &tonic::Status) -> &'static str {
    use tonic_types::StatusExt as _;
    if st.code() != Code::InvalidArgument {
        return "yapilamadi";
    }
    let rules: Vec<String> = st
        .get_details_bad_request()
        .map(|b| {
            b.field_violations
                .into_iter()
                .filter(|v| v.field == "name")
                .map(|v| v.description)
                .collect()
        })
        .unwrap_or_default();
    match rules.first().map(String::as_str) {
        Some(r) if r.starts_with("must not be empty") => "ad-bos",
        Some(r) if r.starts_with("must be at most") => "ad-uzun",
        Some(r) if r.starts_with("another") => "ad-var",
        Some(r) if r.starts_with("at most 20") => "cok",
        _ => "yapilamadi",
    }
}

/// `POST /gorunumler/kaydet`: saves a list's filter under a name (or
/// renames one, with `id`), then back to that list. A refused name comes
/// back in the form with its error.
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let pairs = form_pairs(&body);
    let get = |k| last_value(&pairs, k).unwrap_or_default();
    let back = list_address(get("geri"), &state);
    let back_href = back
        .as_ref()
        .map_or_else(|| "/".to_owned(), ListAddress::href);
    if !tokens_match(&s.csrf_token, get("csrf")) {
        let mut r = see_other(&back_href);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let role = pb::Role::try_from(s.role).unwrap_or_default();
    let id = get("id").trim().to_owned();
    // A rename keeps the view's own list and filters.
    let target = if id.is_empty() {
        list_address(&href(get("liste"), get("sorgu")), &state)
    } else {
        list_address(get("liste"), &state)
    };
    let Some(target) = target else {
        return see_other(&back_href);
    };
    let view = target.view(s.role);
    if path_of(view as i32, role) != Some(target.path) {
        return see_other(&back_href);
    }
    let name = get("ad").to_owned();
    let req = pb::SaveSavedViewRequest {
        id,
        name: name.clone(),
        view: view as i32,
        query: target.parsed.canonical.clone(),
    };
    let done = state
        .backend
        .saved_views()
        .save_saved_view(state.backend.as_user(s.user_id, req))
        .await;
    let back = back.unwrap_or(target);
    match done {
        Ok(_) => see_other(&back.href_with("durum=gorunum-kaydedildi")),
        Err(st) => {
            let why = refusal(&st);
            if why == "yapilamadi" {
                tracing::error!(code = ?st.code(), "saving a view failed");
            }
            see_other(&back.href_with(&format!(
                "gorunum_hata={why}&gorunum_adi={}",
                query_value(&name.chars().take(200).collect::<String>())
            )))
        }
    }
}

/// `POST /gorunumler/sil`: deletes one of the person's views, then back.
pub(super) async fn delete(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let pairs = form_pairs(&body);
    let get = |k| last_value(&pairs, k).unwrap_or_default();
    let back = list_address(get("geri"), &state);
    let back_href = |extra: &str| {
        back.as_ref()
            .map_or_else(|| format!("/?{extra}"), |b| b.href_with(extra))
    };
    if !tokens_match(&s.csrf_token, get("csrf")) {
        let mut r = see_other(&back_href("durum=degisti"));
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    let req = pb::DeleteSavedViewRequest {
        id: get("id").trim().to_owned(),
    };
    match state
        .backend
        .saved_views()
        .delete_saved_view(state.backend.as_user(s.user_id, req))
        .await
    {
        Ok(_) => see_other(&back_href("durum=gorunum-silindi")),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "deleting a view failed");
            see_other(&back_href("gorunum_hata=yapilamadi"))
        }
    }
}

/// What `/kayit/sonraki` is asked.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct NextQuery {
    /// The list (`/uzerimdeki?aciliyet=2`).
    from: String,
    /// The record left (its id).
    once: String,
    /// What happened to it: `kapatildi`, `aktarildi`, `sonuclandi`.
    eylem: String,
    /// Its tracking number, for the message.
    no: String,
}

/// A tracking number fit to put in a message (as the case service writes them).
pub(super) fn tracking_number(raw: &str) -> Option<&str> {
    let t = raw.trim();
    (!t.is_empty() && t.len() <= 24 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(t)
}

/// Where "next record" after `once` in `list` leads for `s`: the next
/// record of that list the person may work on, or `None` when none is left.
async fn next_of(
    state: &AppState,
    s: &Session,
    list: &ListAddress,
    once: &str,
) -> Result<Option<String>, tonic::Status> {
    let view = list.view(s.role);
    let mut token = String::new();
    let me = s.user_id.to_string();
    // The first two pages: the one left is on them, or it left the list
    // (closed, moved on) and the list's first workable record is next.
    for _ in 0..2 {
        let req = state.backend.as_user(
            s.user_id,
            pb::ListCasesRequest {
                view: view as i32,
                filter: Some(list.parsed.filter.clone()),
                sort: list.parsed.sort as i32,
                page: Some(common_v1::PageRequest {
                    page_size: super::cases::PAGE_SIZE as u32,
                    page_token: token.clone(),
                }),
                with_total: false,
                partner_reference: list.parsed.partner_reference.clone(),
            },
        );
        let r = state.backend.cases().list_cases(req).await?.into_inner();
        let start = r
            .cases
            .iter()
            .position(|c| c.id == once)
            .map_or(0, |i| i + 1);
        let workable = |c: &&pb::Case| {
            c.id != once
                && (c.holder_id.is_empty() || c.holder_id == me)
                && c.status != pb::CaseStatus::Resolved as i32
        };
        if let Some(c) = r
            .cases
            .get(start..)
            .unwrap_or_default()
            .iter()
            .find(workable)
        {
            return Ok(Some(c.id.clone()));
        }
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    Ok(None)
}

/// `GET /kayit/sonraki`: the next record of the list a record was opened
/// from, with what happened to the previous one; back to that list with
/// "Listede başka kayıt yok" when none is left.
pub(super) async fn next(
    State(state): State<Arc<AppState>>,
    Query(q): Query<NextQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let Some(list) = list_address(&q.from, &state) else {
        return see_other("/");
    };
    let once = if uuid::Uuid::parse_str(q.once.trim()).is_ok() {
        q.once.trim()
    } else {
        ""
    };
    let eylem = match q.eylem.as_str() {
        e @ ("kapatildi" | "aktarildi" | "sonuclandi") => e,
        _ => "",
    };
    let no = tracking_number(&q.no).unwrap_or_default();
    match next_of(&state, &s, &list, once).await {
        Ok(Some(id)) => {
            let mut to = format!("/kayit/{id}?{}&durum=sonraki", from_pair(&list));
            if !eylem.is_empty() && !no.is_empty() {
                to.push_str(&format!("&eylem={eylem}&no={no}"));
            }
            see_other(&to)
        }
        Ok(None) => see_other(&list.href_with("durum=son")),
        Err(st) => {
            if st.code() != Code::InvalidArgument && st.code() != Code::PermissionDenied {
                tracing::error!(code = ?st.code(), "reading the next record failed");
            }
            see_other(&list.href())
        }
    }
}

/// The record page's message after "next record": what happened to the
/// previous one (`eylem`, its number `no`), or "Sıradaki kayıt" alone.
pub(super) fn next_message(t: &'static ViewsTexts, eylem: &str, no: &str) -> String {
    let Some(no) = tracking_number(no) else {
        return t.next_only.to_owned();
    };
    let text = match eylem {
        "kapatildi" => t.closed_next,
        "aktarildi" => t.transferred_next,
        "sonuclandi" => t.resolved_next,
        _ => return t.next_only.to_owned(),
    };
    text.replace("{no}", no)
}

/// Where a record page action leads when the record was opened from a list
/// (`from`): "next record" with what happened; `None` without a list.
pub(super) fn after_action(
    from: &str,
    state: &AppState,
    once: &str,
    eylem: &str,
    no: &str,
) -> Option<String> {
    let list = list_address(from, state)?;
    let no = tracking_number(no).unwrap_or_default();
    Some(format!(
        "/kayit/sonraki?from={}&once={}&eylem={eylem}&no={}",
        query_value(&list.href()),
        query_value(once),
        query_value(no)
    ))
}

/// `GET /static/keyboard.js`: the shortcuts (a file, as the CSP allows
/// only the site's own scripts).
pub(super) async fn keyboard_script() -> Response {
    use axum::response::IntoResponse as _;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/keyboard.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, TR};

    #[test]
    fn each_role_sees_only_the_quick_views_its_lists_hold() {
        let paths = |r| {
            builtin(&TR.views, r)
                .into_iter()
                .map(|(l, _, p, q)| format!("{l} {p}?{q}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            paths(pb::Role::Expert),
            vec![
                "Acil /cagri-havuzu?aciliyet=2",
                "3 günü geçen /cagri-havuzu?gun=4",
                "Süresi yaklaşan /uzerimdeki?vade=1"
            ]
        );
        assert_eq!(
            paths(pb::Role::CallbackAgent),
            vec![
                "Bugün aranacaklar /geri-donus?bugun=1",
                "Acil /geri-donus?aciliyet=2"
            ]
        );
        assert_eq!(paths(pb::Role::PoolManager).len(), 4);
        assert!(paths(pb::Role::CallCentreAgent).is_empty());
        assert!(paths(pb::Role::PartnerClient).is_empty());
    }

    #[test]
    fn next_record_messages_name_the_previous_one() {
        assert_eq!(
            next_message(&TR.views, "kapatildi", "2026-ABC123"),
            "2026-ABC123 numaralı kayıt kapatıldı; sıradaki kayıt"
        );
        assert_eq!(
            next_message(&EN.views, "aktarildi", "2026-ABC123"),
            "Record 2026-ABC123 transferred; next record"
        );
        assert_eq!(
            next_message(&TR.views, "kapatildi", "<b>"),
            "Sıradaki kayıt"
        );
        assert_eq!(next_message(&TR.views, "", "2026-1"), "Sıradaki kayıt");
    }

    #[test]
    fn saved_views_open_the_list_of_the_persons_role() {
        assert_eq!(path_of(1, pb::Role::Expert), Some("/cagri-havuzu"));
        assert_eq!(path_of(1, pb::Role::PoolManager), Some("/havuz"));
        assert_eq!(path_of(2, pb::Role::Expert), Some("/uzerimdeki"));
        assert_eq!(path_of(20, pb::Role::Admin), None);
    }
}
