//! *Denetim İzi* (`/denetim-izi`): the KVKK audit trail for the KVKK
//! officer — who saw whose data and who changed what, newest first,
//! narrowed by days (Istanbul), person, record and action, a page at a time
//! or as a CSV file. The case service decides who may read it and records
//! each reading; every code is shown in words.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse as _, Response},
};
use jiff::{civil::Date, tz::TimeZone};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_table::{Cell, Separator, Table};
use tonic::Code;

use super::{
    AppState, Frame, render,
    signed_in::{KvkkOfficers, RequireRole},
};
use crate::{
    i18n::{audit::AuditTexts, common::CommonTexts},
    session::Session,
};

/// Entries a page shows; the CSV takes the most the trail gives at once.
const PAGE: u32 = 100;
const CSV_ROWS: u32 = 1000;

/// The filter, as the form sends it (kept as typed through a refusal).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(super) struct AuditForm {
    baslangic: String,
    bitis: String,
    kisi: String,
    kayit: String,
    islem: String,
    /// The position to list from (the next page).
    once: String,
}

impl AuditForm {
    /// The query string of this filter (without `once`).
    fn query(&self) -> String {
        let v = super::cases::query_value;
        format!(
            "baslangic={}&bitis={}&kisi={}&kayit={}&islem={}",
            v(&self.baslangic),
            v(&self.bitis),
            v(&self.kisi),
            v(&self.kayit),
            v(&self.islem)
        )
    }
}

struct Row {
    when: String,
    actor: String,
    role: &'static str,
    client: String,
    session: String,
    action: &'static str,
    record: String,
    object: String,
    detail: String,
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    t: &'static AuditTexts,
    csrf: String,
    display_name: String,
    v: AuditForm,
    rows: Vec<Row>,
    next: Option<String>,
    csv: String,
    message: Option<String>,
    problems: Vec<(&'static str, String)>,
}

impl AuditPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn focus(&self, field: &str) -> bool {
        self.problems.first().is_some_and(|(f, _)| *f == field)
    }

    /// The filter's text fields: (id, label, as typed, placeholder).
    fn fields(&self) -> Vec<(&'static str, &'static str, String, &'static str)> {
        let t = self.t;
        vec![
            ("baslangic", t.from, self.v.baslangic.clone(), t.date_hint),
            ("bitis", t.to, self.v.bitis.clone(), t.date_hint),
            ("kisi", t.actor, self.v.kisi.clone(), t.actor_hint),
            ("kayit", t.case, self.v.kayit.clone(), t.case_hint),
        ]
    }
}

fn istanbul() -> TimeZone {
    TimeZone::get("Europe/Istanbul").unwrap_or(TimeZone::UTC)
}

/// A day as typed (`GG.AA.YYYY` or `YYYY-AA-GG`).
fn day(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    Date::strptime("%d.%m.%Y", s).ok()
}

/// The start of `d` in Istanbul, as the wire's timestamp.
fn start_of(d: Date) -> Option<prost_types::Timestamp> {
    let t = d.to_zoned(istanbul()).ok()?.timestamp();
    Some(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: 0,
    })
}

/// The request of `f`, or the fields it gets wrong.
fn request(
    t: &AuditTexts,
    f: &AuditForm,
    limit: u32,
) -> Result<pb::ListAuditEntriesRequest, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let mut date = |field: &'static str, raw: &str| {
        if raw.trim().is_empty() {
            return None;
        }
        let d = day(raw);
        if d.is_none() {
            problems.push((field, t.bad_date.to_owned()));
        }
        d
    };
    let from = date("baslangic", &f.baslangic);
    let to = date("bitis", &f.bitis);
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        problems.push(("bitis", t.bad_range.to_owned()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(pb::ListAuditEntriesRequest {
        from: from.and_then(start_of),
        // The whole last day: up to the start of the next.
        to: to.and_then(|d| d.tomorrow().ok()).and_then(start_of),
        actor: f.kisi.trim().to_owned(),
        case: f.kayit.trim().to_owned(),
        action: f.islem.trim().parse().unwrap_or(0),
        before: f.once.trim().parse().ok(),
        limit,
    })
}

/// The page's field of a field the case service named.
fn field_of(t: &AuditTexts, field: &str) -> Option<(&'static str, String)> {
    Some(match field {
        "actor" => ("kisi", t.bad_actor.to_owned()),
        "case" => ("kayit", t.bad_case.to_owned()),
        "from" => ("baslangic", t.bad_date.to_owned()),
        "to" => ("bitis", t.bad_range.to_owned()),
        _ => return None,
    })
}

/// A role's code (`pool_manager`) as its wire number.
fn role_number(code: &str) -> i32 {
    pb::Role::from_str_name(&format!("ROLE_{}", code.to_ascii_uppercase())).map_or(0, |r| r as i32)
}

/// `kind:id` in words.
fn object_words(t: &AuditTexts, object: &str) -> String {
    match object.split_once(':') {
        Some((kind, id)) => match t.kinds.iter().find(|(k, _)| *k == kind) {
            Some((_, words)) => format!("{words} {id}"),
            None => object.to_owned(),
        },
        None => object.to_owned(),
    }
}

/// A detail's codes in words; what has no words stays as it is.
fn detail_words(t: &AuditTexts, c: &CommonTexts, detail: &str) -> String {
    let role = |code: &str| c.role_name(role_number(code)).to_owned();
    let yes_no = |b: &str| if b == "true" { t.yes } else { t.no };
    detail
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once(':') {
            None => match w {
                "created" => t.created.to_owned(),
                "unchanged" => t.unchanged.to_owned(),
                _ => t
                    .changes
                    .iter()
                    .find(|(code, _)| *code == w)
                    .map_or_else(|| w.to_owned(), |(_, words)| (*words).to_owned()),
            },
            Some(("version", n)) => format!("{} {n}", t.version),
            Some(("contact", "shown")) => t.contact_shown.to_owned(),
            Some(("contact", "masked")) => t.contact_masked.to_owned(),
            Some(("results", n)) => (t.results)(n),
            Some(("api_token", "issued")) => t.token_issued.to_owned(),
            Some(("display_name", "changed")) => t.name_changed.to_owned(),
            Some(("attachment", id)) => format!("{} {id}", t.attachment),
            Some(("letter", no)) => format!("{} {no}", t.letter),
            Some(("role", change)) => match change.split_once('→') {
                Some((a, b)) => format!("{}: {} → {}", t.role, role(a), role(b)),
                None => w.to_owned(),
            },
            Some(("active", change)) => match change.split_once('→') {
                Some((a, b)) => format!("{}: {} → {}", t.active, yes_no(a), yes_no(b)),
                None => w.to_owned(),
            },
            Some(_) => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn rows(t: &AuditTexts, frame: &Frame, entries: &[pb::AuditEntry]) -> Vec<Row> {
    let tz = istanbul();
    entries
        .iter()
        .map(|e| Row {
            when: e
                .at
                .as_ref()
                .and_then(|a| jiff::Timestamp::new(a.seconds, a.nanos).ok())
                .map(|a| {
                    a.to_zoned(tz.clone())
                        .strftime("%d.%m.%Y %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default(),
            actor: e.actor.clone(),
            role: frame.c.role_name(e.actor_role),
            client: e.client_address.clone(),
            session: e.session.clone(),
            action: t.action_name(e.action),
            record: e.tracking_number.clone(),
            object: object_words(t, &e.object),
            detail: detail_words(t, frame.c, &e.detail),
        })
        .collect()
}

/// What the case service answered, or the page that says why not.
async fn entries(
    state: &AppState,
    s: &Session,
    frame: &Frame,
    req: pb::ListAuditEntriesRequest,
) -> Result<pb::ListAuditEntriesResponse, Result<Vec<(&'static str, String)>, Response>> {
    let b = &state.backend;
    match b
        .audit()
        .list_audit_entries(b.as_user(s.user_id, req))
        .await
    {
        Ok(r) => Ok(r.into_inner()),
        Err(st) if st.code() == Code::InvalidArgument => {
            use tonic_types::StatusExt as _;
            let t = &frame.texts().audit;
            let mut problems: Vec<_> = st
                .get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| field_of(t, &v.field))
                .collect();
            problems.dedup_by_key(|p| p.0);
            Err(Ok(problems))
        }
        Err(st) if st.code() == Code::PermissionDenied => Err(Err(super::message_page(
            frame,
            StatusCode::FORBIDDEN,
            frame.c.not_allowed,
        ))),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading the audit trail failed");
            Err(Err(super::message_page(
                frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.c.unavailable,
            )))
        }
    }
}

/// `GET /denetim-izi`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(f): Query<AuditForm>,
    RequireRole(s, _): RequireRole<KvkkOfficers>,
) -> Response {
    let t = &frame.texts().audit;
    let (rows, next, problems) = match request(t, &f, PAGE) {
        Err(problems) => (Vec::new(), None, problems),
        Ok(req) => match entries(&state, &s, &frame, req).await {
            Ok(r) => {
                let next = r
                    .next_before
                    .map(|n| format!("/denetim-izi?{}&once={n}", f.query()));
                (rows(t, &frame, &r.entries), next, Vec::new())
            }
            Err(Ok(problems)) => (Vec::new(), None, problems),
            Err(Err(page)) => return page,
        },
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&AuditPage {
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        csv: format!("/denetim-izi.csv?{}", f.query()),
        message: (!problems.is_empty()).then(|| t.check_fields.to_owned()),
        problems,
        rows,
        next,
        v: f,
        frame,
    });
    *r.status_mut() = status;
    r
}

/// `GET /denetim-izi.csv`: the filter's newest entries (at most 1000) as
/// CSV with a BOM and `;` (Excel in a Turkish locale opens it as columns).
pub(super) async fn csv(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(f): Query<AuditForm>,
    RequireRole(s, _): RequireRole<KvkkOfficers>,
) -> Response {
    let t = &frame.texts().audit;
    let Ok(req) = request(t, &f, CSV_ROWS) else {
        return super::see_other(&format!("/denetim-izi?{}", f.query()));
    };
    let listed = match entries(&state, &s, &frame, req).await {
        Ok(r) => r,
        Err(Ok(_)) => return super::see_other(&format!("/denetim-izi?{}", f.query())),
        Err(Err(page)) => return page,
    };
    let mut table = Table::new(
        t.title,
        [
            t.when, t.actor, t.role, t.client, t.session, t.action, t.record, t.object, t.detail,
        ],
    );
    for r in rows(t, &frame, &listed.entries) {
        table.push(
            [
                r.when,
                r.actor,
                r.role.to_owned(),
                r.client,
                r.session,
                r.action.to_owned(),
                r.record,
                r.object,
                r.detail,
            ]
            .into_iter()
            .map(Cell::Text)
            .collect(),
        );
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"denetim-izi.csv\"",
            ),
        ],
        table.to_csv(Separator::Semicolon),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::audit::{EN, TR};

    #[test]
    fn days_are_read_in_both_spellings_and_bad_ones_named() {
        assert_eq!(day("08.12.2026"), Some(jiff::civil::date(2026, 12, 8)));
        assert_eq!(day("2026-12-08"), Some(jiff::civil::date(2026, 12, 8)));
        let f = AuditForm {
            baslangic: "32.13.2026".into(),
            ..AuditForm::default()
        };
        assert_eq!(request(&TR, &f, 10).unwrap_err()[0].0, "baslangic");
        let f = AuditForm {
            baslangic: "08.12.2026".into(),
            bitis: "01.12.2026".into(),
            ..AuditForm::default()
        };
        assert_eq!(request(&TR, &f, 10).unwrap_err()[0].0, "bitis");
    }

    #[test]
    fn a_range_covers_whole_istanbul_days() {
        let f = AuditForm {
            baslangic: "08.12.2026".into(),
            bitis: "08.12.2026".into(),
            ..AuditForm::default()
        };
        let r = request(&TR, &f, 10).unwrap();
        // 00:00 in Istanbul is 21:00 UTC the day before; the end is the next midnight.
        let from = jiff::Timestamp::new(r.from.unwrap().seconds, 0).unwrap();
        let to = jiff::Timestamp::new(r.to.unwrap().seconds, 0).unwrap();
        assert_eq!(from.to_string(), "2026-12-07T21:00:00Z");
        assert_eq!(to.to_string(), "2026-12-08T21:00:00Z");
    }

    #[test]
    fn a_details_codes_read_in_words() {
        let c = &crate::i18n::TR.common;
        assert_eq!(
            detail_words(&TR, c, "contact:shown"),
            "iletişim bilgileri açık"
        );
        assert_eq!(
            detail_words(&TR, c, "role:expert→pool_manager active:true→false"),
            "Rolü: Kurum Uzmanı → Havuz Yöneticisi; Etkin: evet → hayır"
        );
        assert_eq!(
            detail_words(&TR, c, "removed version:4 odd:code"),
            "kaldırıldı; sürüm 4; odd:code"
        );
        assert_eq!(detail_words(&TR, c, "results:3"), "3 sonuç");
    }

    #[test]
    fn every_action_and_kind_has_words_in_both_languages() {
        for t in [&TR, &EN] {
            for n in 1..=8 {
                assert!(!t.action_name(n).is_empty(), "{n}");
            }
            assert!(object_words(t, "routing_rule:7").ends_with(" 7"));
        }
        assert_eq!(object_words(&TR, "pool:abc"), "Havuz abc");
        assert_eq!(object_words(&TR, "odd"), "odd");
    }
}
