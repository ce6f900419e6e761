//! *Takvim* (admins only, `/yonetim/takvim`): the working-day calendar due
//! dates are counted on, kept by the case service's `CalendarService`. A
//! year's special days (date with its weekday, kind, name, the *tahmini*
//! badge of a day computed ahead of the announcement), a form to add or
//! change a day, removal with a reason, *Yılı onayla* for an estimated
//! year, and the history of every change. Each write names the calendar
//! version the page showed; the case service refuses it when the calendar
//! moved on, and the page then shows the latest calendar with the form as
//! typed. A refused form keeps what was typed with the error by its field.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use jiff::civil::Date;
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{checked_form, form_refused, one},
    record::when,
    refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{i18n::admin_calendar::AdminCalendarTexts, session::Session};

/// The page's query: the year, the last write's outcome, the day to edit.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct CalendarQuery {
    #[serde(default)]
    yil: Option<i32>,
    #[serde(default)]
    durum: String,
    #[serde(default)]
    duzenle: String,
}

struct DayRow {
    /// `YYYY-MM-DD`, for the forms.
    date: String,
    /// `26.05.2026`.
    shown: String,
    weekday: &'static str,
    kind: &'static str,
    name: String,
    estimated: bool,
}

struct RevisionRow {
    revision: i64,
    when: String,
    who: String,
    change: String,
    day: String,
    reason: String,
}

/// The add/edit form, as shown or as typed.
#[derive(Default)]
struct DayForm {
    date: String,
    kind: String,
    name_tr: String,
    name_en: String,
    reason: String,
    editing: bool,
}

/// The error by each field of a refused form.
#[derive(Default)]
struct FieldErrors {
    date: Option<&'static str>,
    kind: Option<&'static str>,
    name_tr: Option<&'static str>,
    name_en: Option<&'static str>,
    reason: Option<&'static str>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.date.is_some()
            || self.kind.is_some()
            || self.name_tr.is_some()
            || self.name_en.is_some()
            || self.reason.is_some()
    }
}

#[derive(askama::Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    frame: Frame,
    t: &'static AdminCalendarTexts,
    csrf: String,
    display_name: String,
    year: i32,
    previous_year: i32,
    next_year: i32,
    version: i64,
    days: Vec<DayRow>,
    estimated: usize,
    confirm_hint: String,
    kinds: [(&'static str, &'static str); 3],
    form: DayForm,
    errors: FieldErrors,
    revisions: Vec<RevisionRow>,
    message: Option<String>,
    is_error: bool,
}

/// The form's kind codes and the wire's kinds.
const KINDS: [(&str, pb::CalendarDayKind); 3] = [
    ("holiday", pb::CalendarDayKind::Holiday),
    ("half_day", pb::CalendarDayKind::HalfDay),
    (
        "administrative_leave",
        pb::CalendarDayKind::AdministrativeLeave,
    ),
];

fn kind_name(t: &AdminCalendarTexts, kind: i32) -> &'static str {
    match pb::CalendarDayKind::try_from(kind) {
        Ok(pb::CalendarDayKind::Holiday) => t.holiday,
        Ok(pb::CalendarDayKind::HalfDay) => t.half_day,
        Ok(pb::CalendarDayKind::AdministrativeLeave) => t.administrative_leave,
        _ => "",
    }
}

fn kind_code(kind: i32) -> &'static str {
    KINDS
        .iter()
        .find(|(_, k)| *k as i32 == kind)
        .map_or("", |(c, _)| c)
}

/// This year in Istanbul.
fn this_year() -> i32 {
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC);
    i32::from(jiff::Timestamp::now().to_zoned(tz).year())
}

fn day_name<'a>(frame: &Frame, d: &'a pb::CalendarDay) -> &'a str {
    if frame.lang.is_english() {
        &d.name_en
    } else {
        &d.name_tr
    }
}

/// How a day reads in the history (`26.05.2026 İdari izin — …`).
fn day_words(frame: &Frame, t: &AdminCalendarTexts, d: &pb::CalendarDay) -> String {
    let shown = d
        .date
        .parse::<Date>()
        .map_or_else(|_| d.date.clone(), |x| x.strftime("%d.%m.%Y").to_string());
    format!("{shown} {} — {}", kind_name(t, d.kind), day_name(frame, d))
}

fn revision_row(frame: &Frame, t: &AdminCalendarTexts, r: &pb::CalendarRevision) -> RevisionRow {
    let count = u32::try_from(r.day_count).unwrap_or(0);
    let change = match pb::CalendarChange::try_from(r.change) {
        Ok(pb::CalendarChange::Seed) => (t.change_seed)(count),
        Ok(pb::CalendarChange::Add) => t.change_add.to_owned(),
        Ok(pb::CalendarChange::Edit) => t.change_edit.to_owned(),
        Ok(pb::CalendarChange::Remove) => t.change_remove.to_owned(),
        Ok(pb::CalendarChange::ConfirmYear) => (t.change_confirm)(count),
        _ => String::new(),
    };
    let day = match (&r.previous, &r.day) {
        (Some(p), Some(d)) => format!("{} → {}", day_words(frame, t, p), day_words(frame, t, d)),
        (Some(d), None) | (None, Some(d)) => day_words(frame, t, d),
        (None, None) => String::new(),
    };
    RevisionRow {
        revision: r.revision,
        when: when(r.changed_at.as_ref()),
        who: if r.changed_by.is_empty() {
            t.system.to_owned()
        } else {
            r.changed_by_display_name.clone()
        },
        change,
        day,
        reason: r.reason.clone(),
    }
}

/// The outcome of the last write, from the redirect's query.
fn message(t: &AdminCalendarTexts, durum: &str) -> Option<(String, bool)> {
    let (text, error) = match durum {
        "kaydedildi" => (t.saved, false),
        "kaldirildi" => (t.removed, false),
        "onaylandi" => (t.confirmed, false),
        "onaylanacak-yok" => (t.nothing_to_confirm, false),
        "degisti" => (t.changed, true),
        "yok" => (t.gone, true),
        "gecersiz" => (t.invalid, true),
        "hata" => (t.unavailable, true),
        _ => return None,
    };
    Some((text.to_owned(), error))
}

fn unavailable(frame: &Frame) -> Response {
    let t = &frame.texts().admin_calendar;
    super::message_page(frame, StatusCode::SERVICE_UNAVAILABLE, t.unavailable)
}

/// `GET /yonetim/takvim`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<CalendarQuery>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let t = &frame.texts().admin_calendar;
    let year = q
        .yil
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year);
    let message = message(t, &q.durum);
    let edit = (!q.duzenle.is_empty()).then_some(q.duzenle);
    calendar_page(
        &state,
        frame,
        s,
        year,
        message,
        Edit::Day(edit),
        FieldErrors::default(),
    )
    .await
}

/// What the form shows.
enum Edit {
    /// Empty, or the stored day on this date.
    Day(Option<String>),
    /// As typed in a refused write.
    Typed(DayForm),
}

/// The page for `year`, with `message` on top and the form as `edit` says.
async fn calendar_page(
    state: &AppState,
    frame: Frame,
    s: Session,
    year: i32,
    message: Option<(String, bool)>,
    edit: Edit,
    errors: FieldErrors,
) -> Response {
    let t = &frame.texts().admin_calendar;
    let b = &state.backend;
    let (mut days_client, mut revisions_client) = (b.calendar(), b.calendar());
    let (days, revisions) = tokio::join!(
        days_client.list_calendar_days(b.as_user(s.user_id, pb::ListCalendarDaysRequest { year })),
        revisions_client.list_calendar_revisions(b.as_user(
            s.user_id,
            pb::ListCalendarRevisionsRequest { year, limit: 200 }
        )),
    );
    let (days, revisions) = match (days, revisions) {
        (Ok(d), Ok(r)) => (d.into_inner(), r.into_inner().revisions),
        (Err(e), _) | (_, Err(e)) => {
            if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) {
                return refuse(&frame);
            }
            tracing::error!(code = ?e.code(), "reading the working calendar failed");
            return unavailable(&frame);
        }
    };
    let form = match edit {
        Edit::Typed(f) => f,
        Edit::Day(Some(date)) => days
            .days
            .iter()
            .find(|d| d.date == date)
            .map(|d| DayForm {
                date: d.date.clone(),
                kind: kind_code(d.kind).to_owned(),
                name_tr: d.name_tr.clone(),
                name_en: d.name_en.clone(),
                reason: String::new(),
                editing: true,
            })
            .unwrap_or_default(),
        Edit::Day(None) => DayForm::default(),
    };
    let rows: Vec<DayRow> = days
        .days
        .iter()
        .map(|d| {
            let parsed = d.date.parse::<Date>().ok();
            DayRow {
                date: d.date.clone(),
                shown: parsed
                    .map_or_else(|| d.date.clone(), |x| x.strftime("%d.%m.%Y").to_string()),
                weekday: parsed.map_or("", |x| {
                    t.weekdays[usize::from(x.weekday().to_monday_zero_offset().unsigned_abs())]
                }),
                kind: kind_name(t, d.kind),
                name: day_name(&frame, d).to_owned(),
                estimated: d.estimated,
            }
        })
        .collect();
    let estimated = rows.iter().filter(|d| d.estimated).count();
    let revisions = revisions
        .iter()
        .map(|r| revision_row(&frame, t, r))
        .collect();
    let status = if errors.any() {
        Some(StatusCode::UNPROCESSABLE_ENTITY)
    } else if message.as_ref().is_some_and(|(m, e)| *e && m == t.changed) && !form.date.is_empty() {
        Some(StatusCode::CONFLICT)
    } else {
        None
    };
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&CalendarPage {
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        year,
        previous_year: year - 1,
        next_year: year + 1,
        version: days.version,
        days: rows,
        estimated,
        confirm_hint: (t.confirm_hint)(estimated),
        kinds: [
            ("holiday", t.holiday),
            ("half_day", t.half_day),
            ("administrative_leave", t.administrative_leave),
        ],
        form,
        errors,
        revisions,
        message,
        is_error,
        frame,
    });
    if let Some(st) = status {
        *r.status_mut() = st;
    }
    r
}

/// The year a form is about: its date's, else its `yil`, else this year.
fn form_year(date: &str, yil: &str) -> i32 {
    date.parse::<Date>()
        .ok()
        .map(|d| i32::from(d.year()))
        .or_else(|| yil.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year)
}

/// Where a write that needs no form again sends the admin.
fn after_write(year: i32, r: Result<&str, tonic::Status>) -> Response {
    let durum = match r {
        Ok(done) => done,
        Err(st) => match st.code() {
            Code::Aborted => "degisti",
            Code::NotFound => "yok",
            Code::InvalidArgument => "gecersiz",
            Code::PermissionDenied | Code::Unauthenticated => return form_refused(),
            other => {
                tracing::error!(code = ?other, "a working calendar write failed");
                "hata"
            }
        },
    };
    see_other(&format!("/yonetim/takvim?yil={year}&durum={durum}#durum"))
}

/// `POST /yonetim/takvim/gun`: adds a day or changes the one on its date.
pub(super) async fn save_day(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let t = &frame.texts().admin_calendar;
    let typed = DayForm {
        date: one(&f, "tarih"),
        kind: one(&f, "tur"),
        name_tr: one(&f, "ad_tr"),
        name_en: one(&f, "ad_en"),
        reason: one(&f, "gerekce"),
        editing: one(&f, "duzenleme") == "1",
    };
    let year = form_year(&typed.date, &one(&f, "yil"));
    let kind = KINDS
        .iter()
        .find(|(c, _)| *c == typed.kind)
        .map_or(0, |(_, k)| *k as i32);
    let b = &state.backend;
    let r = b
        .calendar()
        .put_calendar_day(b.as_user(
            s.user_id,
            pb::PutCalendarDayRequest {
                day: Some(pb::CalendarDay {
                    date: typed.date.clone(),
                    kind,
                    name_tr: typed.name_tr.clone(),
                    name_en: typed.name_en.clone(),
                    estimated: false,
                }),
                expected_version: one(&f, "surum").parse().unwrap_or(-1),
                reason: typed.reason.clone(),
            },
        ))
        .await;
    let st = match r {
        Ok(_) => {
            return see_other(&format!(
                "/yonetim/takvim?yil={year}&durum=kaydedildi#durum"
            ));
        }
        Err(st) => st,
    };
    match st.code() {
        Code::Aborted => {
            // The latest calendar, the form as typed: the admin checks and saves again.
            let message = Some((t.changed.to_owned(), true));
            calendar_page(
                &state,
                frame,
                s,
                year,
                message,
                Edit::Typed(typed),
                FieldErrors::default(),
            )
            .await
        }
        Code::InvalidArgument => {
            use tonic_types::StatusExt as _;
            let mut errors = FieldErrors::default();
            for v in st
                .get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default()
            {
                match v.field.as_str() {
                    "day.date" => errors.date = Some(t.date_invalid),
                    "day.kind" => errors.kind = Some(t.kind_invalid),
                    "day.name_tr" => errors.name_tr = Some(t.name_invalid),
                    "day.name_en" => errors.name_en = Some(t.name_invalid),
                    "reason" => errors.reason = Some(t.reason_invalid),
                    // A stale or forged version field: the page's own, read again.
                    _ => errors.date = errors.date.or(Some(t.invalid)),
                }
            }
            let message = Some((t.invalid.to_owned(), true));
            calendar_page(&state, frame, s, year, message, Edit::Typed(typed), errors).await
        }
        _ => after_write(year, Err(st)),
    }
}

/// `POST /yonetim/takvim/kaldir`: removes the day on a date.
pub(super) async fn remove_day(
    State(state): State<Arc<AppState>>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let date = one(&f, "tarih");
    let year = form_year(&date, &one(&f, "yil"));
    let b = &state.backend;
    let r = b
        .calendar()
        .remove_calendar_day(b.as_user(
            s.user_id,
            pb::RemoveCalendarDayRequest {
                date,
                expected_version: one(&f, "surum").parse().unwrap_or(-1),
                reason: one(&f, "gerekce"),
            },
        ))
        .await;
    after_write(year, r.map(|_| "kaldirildi"))
}

/// `POST /yonetim/takvim/onayla`: confirms a year's estimated days.
pub(super) async fn confirm_year(
    State(state): State<Arc<AppState>>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let year = form_year("", &one(&f, "yil"));
    let b = &state.backend;
    let r = b
        .calendar()
        .confirm_calendar_year(b.as_user(
            s.user_id,
            pb::ConfirmCalendarYearRequest {
                year,
                expected_version: one(&f, "surum").parse().unwrap_or(-1),
                reason: one(&f, "gerekce"),
            },
        ))
        .await;
    after_write(
        year,
        r.map(|r| {
            if r.into_inner().confirmed_days > 0 {
                "onaylandi"
            } else {
                "onaylanacak-yok"
            }
        }),
    )
}
