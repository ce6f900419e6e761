//! The expert's lists: *Çağrı Havuzu* (the own pools' unheld records, claim
//! one or many) and *Üzerimdeki Çağrılar* (held records, with days held and
//! a colour as the 3-day note line nears and passes). The case service
//! decides what the list holds and whether a claim may happen.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1};
use tekmerkez_types::{catalogue::name_of, limits};
use tonic::Code;

use super::{
    AppState, Frame,
    manager::{ManagerQuery, Parsed},
    record::when,
    render, see_other,
    signed_in::SignedIn,
};
use crate::{
    i18n::cases::CasesTexts,
    session::{Session, tokens_match},
};

/// One row of a list: what an agent reads to pick work.
pub(super) struct Row {
    pub(super) id: String,
    pub(super) tracking_number: String,
    /// The application text's beginning, on one line.
    pub(super) snippet: String,
    pub(super) category: String,
    pub(super) place: String,
    pub(super) channel: &'static str,
    pub(super) reply: &'static str,
    /// When it came in, Istanbul time.
    pub(super) received: String,
    pub(super) days_in_pool: u32,
    pub(super) days_held: u32,
    pub(super) urgent: bool,
    pub(super) status: &'static str,
    /// Who holds it; empty when nobody does.
    pub(super) holder: String,
    /// `""`, `yaklasiyor` (a note is needed from tomorrow) or `gecti` (a
    /// note is needed before closing), for the colour: the case's note rule.
    pub(super) line: &'static str,
    /// The case's note rule in words ("3 gün", "5 iş günü"): its policy's.
    pub(super) note_rule: String,
    /// The phone as the desk reads it, and the `tel:` target when the
    /// caller sees it unmasked.
    pub(super) phone: String,
    pub(super) tel: Option<String>,
    /// When to call again (Istanbul time), after a try that did not reach.
    pub(super) retry_at: String,
    pub(super) attempts: u32,
    /// What did not reach the citizen, in words ("SMS: numara geçersiz —
    /// 06.12.2026 14:05"); empty unless the record is marked.
    pub(super) not_reached: String,
    /// The application type, in words.
    pub(super) application_type: &'static str,
    /// A partner's case: its source and reference ("CİMER 2026-123").
    pub(super) partner: String,
    /// Where the record stands against its due dates in words ("Süresi
    /// geçti — 2 iş günü gecikti"); empty while no due date is near.
    pub(super) due: String,
    /// The stage alone ("Süresi geçti"), shown under the tracking number.
    pub(super) due_stage: &'static str,
    /// Whether a due date has passed (the mark is shown strong).
    pub(super) due_passed: bool,
    /// The legal due date column: the date (`01.04.2026`), its words
    /// ("süresi geçti", "yaklaşıyor", "12 iş günü kaldı") and its colour
    /// class (`sure-gecti`, `sure-yakin` or empty; the words say it too).
    pub(super) legal_due: String,
    pub(super) legal_due_words: String,
    pub(super) legal_due_class: &'static str,
}

/// Working days left from which a legal due date reads "yaklaşıyor" (the
/// desk's word for the last few days; escalation has its own setting).
const DUE_SOON_WORKING_DAYS: i64 = 3;

/// The legal due date column of `c`: date, words, colour class; empty for
/// records older than the policies and for resolved ones (the words).
pub(super) fn legal_due_cell(
    t: &crate::i18n::deadline::DeadlineTexts,
    c: &pb::Case,
) -> (String, String, &'static str) {
    let Ok(date) = c.legal_due_date.parse::<jiff::civil::Date>() else {
        return (String::new(), String::new(), "");
    };
    let shown = date.strftime("%d.%m.%Y").to_string();
    if c.status == pb::CaseStatus::Resolved as i32 {
        return (shown, String::new(), "");
    }
    match c.legal_days_left {
        Some(n) if n < 0 => (shown, t.overdue.to_owned(), "sure-gecti"),
        // Short words: the column stays narrow (the record page has the rest).
        Some(0) => (shown, t.due_today.to_owned(), "sure-yakin"),
        Some(n) if n <= DUE_SOON_WORKING_DAYS => (shown, t.due_soon.to_owned(), "sure-yakin"),
        Some(n) => (shown, t.days_left.replace("{n}", &n.to_string()), ""),
        None => (shown, String::new(), ""),
    }
}

/// A "citizen not reached" mark in words: the channel, why, when.
pub(super) fn not_reached_text(frame: &Frame, m: &pb::NotReached) -> String {
    let t = &frame.texts().record.delivery;
    let channel = match m.channel.as_str() {
        "email" => frame.c.email_channel,
        "sms" => "SMS",
        other => frame.c.channel_name(if other == "social" {
            common_v1::Channel::SocialMedia as i32
        } else {
            0
        }),
    };
    let reason = t.reason(&m.reason).unwrap_or(t.reason_other);
    format!("{channel}: {reason} — {}", when(m.marked_at.as_ref()))
}

/// The note rule's state of `c` (the case's policy: more than
/// `note_rule_days` days in the current pool, counted as the rule says, and
/// no note since it entered): `gecti` when closing needs a note now,
/// `yaklasiyor` on the last day before, `""` otherwise (a note was written,
/// or it is early).
pub(super) fn note_line(c: &pb::Case) -> &'static str {
    if c.status == pb::CaseStatus::Resolved as i32 || c.note_written_in_pool {
        return "";
    }
    match c.rule_days_in_pool {
        d if d > c.note_rule_days => "gecti",
        d if d == c.note_rule_days => "yaklasiyor",
        _ => "",
    }
}

/// The text's first characters on one line (the cell also clips it),
/// isolated so its bidi controls cannot reorder the row
/// ([`tekmerkez_types::text::isolate_bidi`]; cutting can leave an override
/// open).
fn snippet(text: &str) -> String {
    const LONGEST: usize = 140;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = if one_line.chars().count() > LONGEST {
        let cut: String = one_line.chars().take(LONGEST).collect();
        format!("{}…", cut.trim_end())
    } else {
        one_line
    };
    tekmerkez_types::text::isolate_bidi(&shown).into_owned()
}

/// Where a case is, as people write it: `Çankaya / Ankara`, or the
/// province alone.
pub(super) fn place(location: Option<&common_v1::Location>) -> String {
    location
        .map(|l| {
            let province = u8::try_from(l.province_code)
                .ok()
                .and_then(tekmerkez_geo::province_by_code)
                .map_or_else(String::new, |p| p.name().to_owned());
            if l.district.is_empty() {
                province
            } else {
                format!("{} / {province}", l.district)
            }
        })
        .unwrap_or_default()
}

/// A list row for `c`: the category's name from the catalogue, channels
/// and status in words, `holder` the holder's name.
pub(super) fn row(c: pb::Case, holder: String, state: &AppState, frame: &Frame) -> Row {
    let place = place(c.location.as_ref());
    let phone = c
        .contact
        .as_ref()
        .map(|k| k.phone.as_str())
        .unwrap_or_default();
    let tel = (!c.contact_masked && !phone.is_empty())
        .then(|| tekmerkez_types::contact::PhoneNumber::parse(phone).ok())
        .flatten()
        .map(|p| format!("tel:{}", p.expose()));
    let due_texts = &frame.texts().due;
    let stage = due_texts.stage_name(c.escalation_stage);
    let due = if stage.is_empty() {
        String::new()
    } else {
        format!("{stage} — {}", super::due::lateness(due_texts, &c))
    };
    let (legal_due, legal_due_words, legal_due_class) = legal_due_cell(&frame.texts().deadline, &c);
    Row {
        legal_due,
        legal_due_words,
        legal_due_class,
        due,
        due_stage: stage,
        due_passed: matches!(
            pb::EscalationStage::try_from(c.escalation_stage),
            Ok(pb::EscalationStage::Overdue | pb::EscalationStage::Escalated)
        ),
        line: note_line(&c),
        note_rule: crate::i18n::record::NoteRule::of(&c).words(frame.english()),
        urgent: c.urgency == common_v1::Urgency::Urgent as i32,
        snippet: snippet(&c.text),
        category: name_of(&state.categories, &c.category, frame.english()).to_owned(),
        place,
        channel: frame.c.channel_name(c.channel),
        reply: frame.c.reply_channel_name(c.reply_channel),
        received: when(c.created_at.as_ref()),
        days_in_pool: c.days_in_pool,
        days_held: c.days_held,
        status: frame.c.status_name(c.status),
        holder,
        phone: super::readable_phone(phone),
        tel,
        retry_at: when(c.callback_retry_at.as_ref()),
        attempts: c.callback_attempts,
        not_reached: c
            .not_reached
            .as_ref()
            .map(|m| not_reached_text(frame, m))
            .unwrap_or_default(),
        application_type: frame.texts().classify.type_name(c.application_type),
        partner: if c.partner_reference.is_empty() {
            String::new()
        } else {
            format!(
                "{} {}",
                frame.texts().classify.source_name(c.source),
                c.partner_reference
            )
        },
        tracking_number: c.tracking_number,
        id: c.id,
    }
}

/// Going through a list's pages: keyset tokens, the ones behind kept in
/// the address (`onceki`) so that a page leads back.
pub(super) struct Paging {
    pub(super) first: Option<String>,
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
    /// "1–50 / 82", "51–100 / 1 000+".
    pub(super) range: String,
    /// The whole list's size in words: "82 kayıt".
    pub(super) total: String,
}

/// Tokens of the pages behind the current one (oldest first); anything
/// that is not a token is dropped.
fn tokens_behind(onceki: &str) -> Vec<&str> {
    onceki
        .split(',')
        .filter(|t| !t.is_empty() && t.len() <= 128 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .take(200)
        .collect()
}

/// The paging of a page at `path` with the filters `filters` (a query
/// string, sort included), showing `shown` rows from the page `token`
/// (`onceki`: the pages behind), the service's `next` token and total.
#[expect(
    clippy::too_many_arguments,
    reason = "each is one part of the address or the answer"
)]
pub(super) fn paging(
    path: &str,
    filters: &str,
    token: &str,
    onceki: &str,
    next: Option<&str>,
    shown: usize,
    total: (u32, bool),
    frame: &Frame,
) -> Paging {
    let behind = if token.is_empty() {
        Vec::new()
    } else {
        tokens_behind(onceki)
    };
    let href = |page: &str, behind: &[&str]| {
        let mut q: Vec<String> = Vec::new();
        if !filters.is_empty() {
            q.push(filters.to_owned());
        }
        if !page.is_empty() {
            q.push(format!("sayfa={}", query_value(page)));
            q.push(format!("onceki={}", query_value(&behind.join(","))));
        }
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", q.join("&"))
        }
    };
    let previous = (!token.is_empty()).then(|| match behind.split_last() {
        Some((last, rest)) => href(last, rest),
        None => href("", &[]),
    });
    let next = next.map(|n| {
        let mut b = behind.clone();
        if !token.is_empty() {
            b.push(token);
        }
        href(n, &b)
    });
    let lang = frame.lang;
    let before = behind.len() + usize::from(!token.is_empty());
    let from = before * PAGE_SIZE + 1;
    let to = before * PAGE_SIZE + shown;
    let total_words = super::capped_count(total.0, total.1, lang);
    Paging {
        first: (before > 1).then(|| href("", &[])),
        previous,
        next,
        range: if shown == 0 {
            String::new()
        } else {
            format!(
                "{}–{} {} {total_words}",
                super::thousands(u32::try_from(from).unwrap_or(u32::MAX), lang),
                super::thousands(u32::try_from(to).unwrap_or(u32::MAX), lang),
                frame.c.of
            )
        },
        total: format!("{total_words} {}", frame.c.records),
    }
}

/// Rows per page.
pub(super) const PAGE_SIZE: usize = 50;

/// A sortable column's header: where a click leads and how it is sorted now.
pub(super) struct SortLink {
    pub(super) href: String,
    /// `aria-sort`: `ascending`, `descending` or `none`.
    pub(super) aria: &'static str,
    /// The order shown now, in words (empty when the column is not sorting).
    pub(super) now: &'static str,
}

/// The received, urgency and legal due date columns' sort links on `path`
/// with the filters `filters` (without `sira`) and the current `sort`.
pub(super) fn sort_links(
    path: &str,
    filters: &str,
    sort: pb::CaseSort,
    frame: &Frame,
) -> [SortLink; 3] {
    let href = |s: pb::CaseSort| {
        let sira = format!("sira={}", s as i32);
        if filters.is_empty() {
            format!("{path}?{sira}")
        } else {
            format!("{path}?{filters}&{sira}")
        }
    };
    let c = frame.c;
    let received = match sort {
        pb::CaseSort::NewestFirst => SortLink {
            href: href(pb::CaseSort::OldestFirst),
            aria: "descending",
            now: c.sorted_newest,
        },
        pb::CaseSort::UrgentFirst | pb::CaseSort::LegalDueFirst => SortLink {
            href: href(pb::CaseSort::OldestFirst),
            aria: "none",
            now: "",
        },
        _ => SortLink {
            href: href(pb::CaseSort::NewestFirst),
            aria: "ascending",
            now: c.sorted_oldest,
        },
    };
    let urgency = if sort == pb::CaseSort::UrgentFirst {
        SortLink {
            href: href(pb::CaseSort::OldestFirst),
            aria: "descending",
            now: c.sorted_urgent,
        }
    } else {
        SortLink {
            href: href(pb::CaseSort::UrgentFirst),
            aria: "none",
            now: "",
        }
    };
    let d = &frame.texts().deadline;
    let due = if sort == pb::CaseSort::LegalDueFirst {
        SortLink {
            href: href(pb::CaseSort::OldestFirst),
            aria: "ascending",
            now: d.sort_by_due,
        }
    } else {
        SortLink {
            href: href(pb::CaseSort::LegalDueFirst),
            aria: "none",
            now: "",
        }
    };
    [received, urgency, due]
}

/// `query` without its `key=` pairs.
pub(super) fn without(query: &str, key: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(key))
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct ListPage {
    frame: Frame,
    t: &'static CasesTexts,
    csrf: String,
    display_name: String,
    heading: &'static str,
    /// *Üzerimdeki Çağrılar*: days held and the note rule's column.
    mine: bool,
    /// *Geri Dönüş Havuzu*: phone, retry time and tries.
    callbacks: bool,
    /// *Ulaşılamayanlar*: phone and what did not reach the citizen.
    unreached: bool,
    /// *Çağrı Havuzu*: the filter box.
    filterable: bool,
    claimable: bool,
    rows: Vec<Row>,
    /// The callback agent's own callbacks, above the pool.
    held: Vec<Row>,
    paging: Paging,
    columns: [SortLink; 3],
    path: &'static str,
    claim_action: &'static str,
    categories: Vec<super::manager::Choice>,
    urgencies: Vec<super::manager::Choice>,
    district: String,
    min_days: String,
    /// The partner reference searched for.
    partner_reference: String,
    message: Option<&'static str>,
    is_error: bool,
    /// Quick views, saved views and the form saving this filter.
    views: super::views::Bar,
    /// The `from=` pair record links carry, for "next record".
    from: String,
}

/// One page of `view` for `s` with the filters of `q`; the total counted.
async fn page_of(
    state: &AppState,
    s: &Session,
    view: pb::CaseView,
    parsed: &Parsed,
    token: &str,
) -> Result<pb::ListCasesResponse, tonic::Status> {
    let req = state.backend.as_user(
        s.user_id,
        pb::ListCasesRequest {
            view: view as i32,
            filter: Some(parsed.filter.clone()),
            sort: parsed.sort as i32,
            page: Some(common_v1::PageRequest {
                page_size: PAGE_SIZE as u32,
                page_token: token.to_owned(),
            }),
            with_total: true,
            partner_reference: parsed.partner_reference.clone(),
        },
    );
    state
        .backend
        .cases()
        .list_cases(req)
        .await
        .map(tonic::Response::into_inner)
}

async fn list(
    state: &AppState,
    frame: Frame,
    s: Session,
    view: pb::CaseView,
    q: ManagerQuery,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().cases);
    let token: String = q.sayfa.chars().take(512).collect();
    let parsed = super::manager::parse(&q, &state.categories);
    let callbacks = view == pb::CaseView::CallbackPool;
    // The callback agent's own callbacks come first on the callback screen:
    // there the number is callable.
    let held = async {
        if callbacks && s.role == pb::Role::CallbackAgent as i32 {
            page_of(state, &s, pb::CaseView::Mine, &Parsed::default(), "")
                .await
                .ok()
        } else {
            None
        }
    };
    let (listed, held) = tokio::join!(page_of(state, &s, view, &parsed, &token), held);
    let holder_name = |case: &pb::Case| {
        if case.holder_id.is_empty() {
            String::new()
        } else if case.holder_id == s.user_id.to_string() {
            s.display_name.clone()
        } else {
            c.status_held.to_owned()
        }
    };
    let (rows, next, total, failure) = match listed {
        Ok(r) => {
            let rows = r
                .cases
                .into_iter()
                .map(|case| {
                    let h = holder_name(&case);
                    row(case, h, state, &frame)
                })
                .collect();
            let next = Some(r.next_page_token).filter(|n| !n.is_empty());
            (rows, next, (r.total, r.total_capped), None)
        }
        Err(st) if st.code() == Code::InvalidArgument => {
            (Vec::new(), None, (0, false), Some(t.list_reset))
        }
        Err(st) if st.code() == Code::PermissionDenied => return super::refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing cases failed");
            (Vec::new(), None, (0, false), Some(c.unavailable))
        }
    };
    let held: Vec<Row> = held
        .map(|r| {
            r.cases
                .into_iter()
                .map(|case| {
                    let h = holder_name(&case);
                    row(case, h, state, &frame)
                })
                .collect()
        })
        .unwrap_or_default();
    let (heading, claimable, path, claim_action) = match view {
        pb::CaseView::Mine => (c.my_calls, false, "/uzerimdeki", ""),
        pb::CaseView::CallbackPool => (c.callback_pool, true, "/geri-donus", "/geri-donus/al"),
        pb::CaseView::NotReached => (c.not_reached, false, "/ulasilamayanlar", ""),
        _ => (c.call_pool, true, "/cagri-havuzu", "/cagri-havuzu/al"),
    };
    let (mut message, mut is_error) = match (failure, q.durum.as_str()) {
        (Some(m), _) => (Some(m), true),
        (None, "alindi") => (Some(t.claimed), false),
        (None, "alinamadi") => (Some(t.claim_conflict), true),
        (None, "secilmedi") => (Some(t.nothing_selected), true),
        (None, "sonuclandi") => (Some(t.callback_resolved), false),
        (None, "ulasildi") => (Some(t.not_reached_done), false),
        (None, d) => super::views::message(&frame.texts().views, d)
            .map_or((None, false), |(m, e)| (Some(m), e)),
    };
    if parsed.dropped && message.is_none() {
        (message, is_error) = (Some(frame.texts().manager.filter_invalid), true);
    }
    let paging = paging(
        path,
        &parsed.canonical,
        &token,
        &q.onceki,
        next.as_deref(),
        rows.len(),
        total,
        &frame,
    );
    let columns = sort_links(
        path,
        &without(&parsed.canonical, "sira"),
        parsed.sort,
        &frame,
    );
    let english = frame.english();
    let here = super::views::list_address(&format!("{path}?{}", parsed.canonical), state);
    let views = super::views::bar(
        state,
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
    render(&ListPage {
        views,
        from,
        csrf: s.csrf_token,
        display_name: s.display_name,
        heading,
        mine: view == pb::CaseView::Mine,
        callbacks,
        unreached: view == pb::CaseView::NotReached,
        filterable: view == pb::CaseView::Pool,
        claimable,
        rows,
        held,
        paging,
        columns,
        path,
        claim_action,
        categories: super::manager::category_choices(&q.konu, &state.categories, english),
        urgencies: super::manager::urgency_choices(&q.aciliyet, c),
        district: parsed.filter.district.clone(),
        partner_reference: parsed.partner_reference.clone(),
        min_days: if parsed.filter.min_days_in_pool > 0 {
            parsed.filter.min_days_in_pool.to_string()
        } else {
            String::new()
        },
        message,
        is_error,
        frame,
        t,
    })
}

/// `GET /cagri-havuzu`: the own pools' unheld records, narrowed by
/// category, district, urgency and days in pool.
pub(super) async fn pool(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ManagerQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::Pool, q).await
}

/// `GET /uzerimdeki`.
pub(super) async fn mine(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ManagerQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::Mine, q).await
}

/// `GET /geri-donus`: *Geri Dönüş Havuzu*, the records waiting for a phone
/// callback in the callback agent's pools, under the ones the agent holds.
pub(super) async fn callbacks(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ManagerQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::CallbackPool, q).await
}

/// `GET /ulasilamayanlar`: *Ulaşılamayanlar*, answered records whose answer
/// did not reach the citizen, for the callback unit and the pool managers.
pub(super) async fn not_reached(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<ManagerQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    list(&state, frame, s, pb::CaseView::NotReached, q).await
}

/// `v` percent-encoded for a query string.
pub(super) fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A posted form with repeated `case_id` fields: the CSRF token and the ids
/// (UUIDs only; anything else is dropped, the case service would refuse it).
fn claim_form(body: &[u8]) -> (String, Vec<String>) {
    let mut csrf = String::new();
    let mut ids = Vec::new();
    for (k, v) in super::form_pairs(body) {
        match k.as_str() {
            "csrf" => csrf = v,
            "case_id" if uuid::Uuid::parse_str(&v).is_ok() && ids.len() < limits::BULK => {
                ids.push(v);
            }
            _ => {}
        }
    }
    (csrf, ids)
}

/// `POST /cagri-havuzu/al`: claims the selected records, all or none.
pub(super) async fn claim(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    claim_from(&state, s, &body, "/cagri-havuzu").await
}

/// `POST /geri-donus/al`: the callback agent takes records from the
/// callback pool, all or none.
pub(super) async fn claim_callbacks(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    claim_from(&state, s, &body, "/geri-donus").await
}

async fn claim_from(state: &AppState, s: Session, body: &[u8], list: &str) -> Response {
    let (csrf, ids) = claim_form(body);
    if !tokens_match(&s.csrf_token, &csrf) {
        let mut r = see_other(list);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    if ids.is_empty() {
        return see_other(&format!("{list}?durum=secilmedi"));
    }
    let req = state
        .backend
        .as_user(s.user_id, pb::ClaimCasesRequest { case_ids: ids });
    match state.backend.cases().claim_cases(req).await {
        Ok(_) => see_other("/uzerimdeki?durum=alindi"),
        Err(st) => {
            if !matches!(
                st.code(),
                Code::FailedPrecondition | Code::NotFound | Code::Aborted
            ) {
                tracing::error!(code = ?st.code(), "claiming cases failed");
            }
            see_other(&format!("{list}?durum=alinamadi"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_due_column_says_overdue_or_near_in_words_beside_its_colour() {
        let case = |left: Option<i64>| pb::Case {
            legal_due_date: "2026-04-01".into(),
            legal_days_left: left,
            status: pb::CaseStatus::Held as i32,
            ..Default::default()
        };
        let tr = &crate::i18n::TR.deadline;
        let cell = |left| legal_due_cell(tr, &case(left));
        assert_eq!(
            cell(Some(-2)),
            ("01.04.2026".into(), "süresi geçti".into(), "sure-gecti")
        );
        assert_eq!(
            cell(Some(0)),
            ("01.04.2026".into(), "bugün son gün".into(), "sure-yakin")
        );
        assert_eq!(cell(Some(3)).1, "yaklaşıyor");
        assert_eq!(
            cell(Some(4)),
            ("01.04.2026".into(), "4 iş günü kaldı".into(), "")
        );
        assert_eq!(
            legal_due_cell(&crate::i18n::EN.deadline, &case(Some(-1))).1,
            "overdue"
        );
        assert_eq!(
            legal_due_cell(tr, &pb::Case::default()),
            (String::new(), String::new(), ""),
            "older records have none"
        );
    }

    #[test]
    fn the_claim_form_keeps_only_ids_that_are_uuids() {
        let id = "0190b8a0-0000-7000-8000-000000000001";
        let body = format!("csrf=abc&case_id={id}&case_id=1%20OR%201=1&case_id={id}&x=y");
        let (csrf, ids) = claim_form(body.as_bytes());
        assert_eq!(csrf, "abc");
        assert_eq!(ids, vec![id, id]);
    }

    #[test]
    fn the_note_line_follows_the_case_services_rule_not_the_days_held() {
        let case = |rule_days_in_pool, days_held, note_written_in_pool| pb::Case {
            status: pb::CaseStatus::Held as i32,
            rule_days_in_pool,
            days_held,
            note_written_in_pool,
            note_rule_days: 3,
            ..Default::default()
        };
        let lines: Vec<&str> = (0..6).map(|d| note_line(&case(d, 0, false))).collect();
        // More than 3 days in the pool: a note is needed; day 3 is the last day without.
        assert_eq!(lines, vec!["", "", "", "yaklasiyor", "gecti", "gecti"]);
        assert_eq!(
            note_line(&case(5, 5, true)),
            "",
            "a note since it entered the pool"
        );
        assert_eq!(note_line(&case(0, 9, false)), "", "days held do not count");
        // The rule is the case's policy value, not a constant.
        let five = pb::Case {
            note_rule_days: 5,
            ..case(4, 0, false)
        };
        assert_eq!(note_line(&five), "");
        assert_eq!(
            note_line(&pb::Case {
                rule_days_in_pool: 6,
                ..five
            }),
            "gecti"
        );
    }

    #[test]
    fn pages_lead_forward_back_and_to_the_first() {
        let frame = Frame::of(&axum::http::HeaderMap::new());
        let first = paging(
            "/havuz",
            "konu=fatura",
            "",
            "",
            Some("aa"),
            50,
            (82, false),
            &frame,
        );
        assert_eq!(first.previous, None);
        assert_eq!(
            first.next.as_deref(),
            Some("/havuz?konu=fatura&sayfa=aa&onceki=")
        );
        assert_eq!(first.range, "1–50 / 82");
        assert_eq!(first.total, "82 kayıt");
        let second = paging(
            "/havuz",
            "konu=fatura",
            "aa",
            "",
            Some("bb"),
            50,
            (1000, true),
            &frame,
        );
        assert_eq!(second.previous.as_deref(), Some("/havuz?konu=fatura"));
        assert_eq!(
            second.next.as_deref(),
            Some("/havuz?konu=fatura&sayfa=bb&onceki=aa")
        );
        assert_eq!(second.range, "51–100 / 1 000+");
        assert_eq!(second.first, None);
        let third = paging("/havuz", "", "bb", "aa,<x>", None, 3, (103, false), &frame);
        assert_eq!(third.previous.as_deref(), Some("/havuz?sayfa=aa&onceki="));
        assert_eq!(third.first.as_deref(), Some("/havuz"));
        assert_eq!(third.range, "101–103 / 103");
    }

    #[test]
    fn snippets_are_one_line_and_short() {
        assert_eq!(snippet("Su\n  kesik   "), "Su kesik");
        assert_eq!(
            snippet("Fatura \u{202E}gnp.exe"),
            "\u{2068}Fatura \u{202E}gnp.exe\u{202C}\u{2069}",
            "an override is closed and the text isolated"
        );
        let long = "ç".repeat(300);
        assert_eq!(snippet(&long).chars().count(), 141);
    }
}
