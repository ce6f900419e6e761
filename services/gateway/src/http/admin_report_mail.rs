//! *Rapor Alıcıları* (admins only, `/yonetim/rapor-alicilari`): who
//! receives each directorate's monthly report. The reports service keeps
//! the lists, refuses an address that does not parse (named by its line)
//! and an edit made on an old version; a refused edit comes back with what
//! was typed. An admin can also send last month's report now.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::reports_v1 as rpb;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{Durum, checked_form, form_refused, one},
    message_page, refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{i18n::report_mail::ReportMailTexts, session::Session};

/// One directorate's row: as stored, or as the admin typed it.
struct Row {
    id: String,
    name: String,
    /// One address a line.
    emails: String,
    english: bool,
    version: i64,
    last_sent: String,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "admin_report_mail.html")]
struct RecipientsPage {
    frame: Frame,
    t: &'static ReportMailTexts,
    csrf: String,
    display_name: String,
    rows: Vec<Row>,
    message: Option<String>,
    is_error: bool,
}

/// `GET /yonetim/rapor-alicilari`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<Durum>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let t = &frame.texts().report_mail;
    let message = match q.durum.as_str() {
        "kaydedildi" => Some((t.saved.to_owned(), false)),
        "gonderildi" => Some((t.sent.to_owned(), false)),
        "alici-yok" => Some((t.no_recipients.to_owned(), true)),
        _ => None,
    };
    page(&state, frame, s, message, None).await
}

/// The page with `message` on top and `typed` (a refused edit) in its row.
async fn page(
    state: &AppState,
    frame: Frame,
    s: Session,
    message: Option<(String, bool)>,
    typed: Option<Row>,
) -> Response {
    let t = &frame.texts().report_mail;
    let Some(mut client) = state.backend.periodic_reports() else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let listed = client
        .list_report_recipients(
            state
                .backend
                .as_user(s.user_id, rpb::ListReportRecipientsRequest {}),
        )
        .await;
    let listed = match listed {
        Ok(r) => r.into_inner().directorates,
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            return refuse(&frame);
        }
        Err(e) => {
            tracing::error!(code = ?e.code(), "reading the report recipients failed");
            return message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, t.unavailable);
        }
    };
    let refused = typed.is_some();
    let mut rows: Vec<Row> = listed
        .into_iter()
        .map(|d| Row {
            emails: d.emails.join("\n"),
            english: d.language == "en",
            version: d.version,
            last_sent: d.last_sent_period,
            error: None,
            id: d.directorate_id,
            name: d.directorate_name,
        })
        .collect();
    if let Some(typed) = typed
        && let Some(row) = rows.iter_mut().find(|r| r.id == typed.id)
    {
        *row = Row {
            name: std::mem::take(&mut row.name),
            last_sent: std::mem::take(&mut row.last_sent),
            // A stale edit is saved again on purpose, over the version now.
            version: row.version,
            ..typed
        };
    }
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&RecipientsPage {
        t,
        frame,
        csrf: s.csrf_token,
        display_name: s.display_name,
        rows,
        message,
        is_error,
    });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The addresses typed: one a line (commas and semicolons also split).
fn addresses(typed: &str) -> Vec<String> {
    typed
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What to say by a refused list: the first address that does not parse
/// (the admin's own typing, shown back to them).
fn refusal(t: &ReportMailTexts, st: &tonic::Status, sent: &[String]) -> String {
    use tonic_types::StatusExt as _;
    let field = st
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default();
    match field
        .strip_prefix("emails[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        Some(i) => format!(
            "{} {}",
            t.invalid_address,
            sent.get(i).map_or("", String::as_str)
        ),
        None if field == "emails" => t.too_many.to_owned(),
        None => t.unavailable.to_owned(),
    }
}

/// `POST /yonetim/rapor-alicilari/{directorate}`.
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(directorate): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let Some(mut client) = state.backend.periodic_reports() else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let t = &frame.texts().report_mail;
    let typed_text = f
        .get("alicilar")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let english = one(&f, "dil") == "en";
    let version = one(&f, "surum").parse::<i64>().unwrap_or(0);
    let emails = addresses(&typed_text);
    let typed = |error: String| Row {
        id: directorate.clone(),
        name: String::new(),
        emails: typed_text.clone(),
        english,
        version,
        last_sent: String::new(),
        error: Some(error),
    };
    let answer = client
        .set_report_recipients(state.backend.as_user(
            s.user_id,
            rpb::SetReportRecipientsRequest {
                directorate_id: directorate.clone(),
                emails: emails.clone(),
                language: if english { "en" } else { "tr" }.to_owned(),
                version,
            },
        ))
        .await;
    // Refused: the row keeps the typing with the reason by it; a stale
    // version or an unavailable service is also said on top.
    let (why, on_top) = match answer {
        Ok(_) => return see_other("/yonetim/rapor-alicilari?durum=kaydedildi"),
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            return refuse(&frame);
        }
        Err(e) if e.code() == Code::InvalidArgument => (refusal(t, &e, &emails), false),
        Err(e) if e.code() == Code::Aborted => (t.stale.to_owned(), true),
        Err(e) => {
            tracing::error!(code = ?e.code(), "saving the report recipients failed");
            (t.unavailable.to_owned(), true)
        }
    };
    let message = on_top.then(|| (why.clone(), true));
    page(&state, frame, s, message, Some(typed(why))).await
}

/// `POST /yonetim/rapor-alicilari/{directorate}/gonder`: last month's
/// report to the directorate's recipients now.
pub(super) async fn send(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(directorate): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    if checked_form(&s, &body).is_none() {
        return form_refused();
    }
    let Some(mut client) = state.backend.periodic_reports() else {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let last_month = tekmerkez_workdays::istanbul_date(jiff::Timestamp::now())
        .first_of_month()
        .yesterday()
        .map(|d| d.strftime("%Y-%m").to_string())
        .unwrap_or_default();
    let answer = client
        .send_report(state.backend.as_user(
            s.user_id,
            rpb::SendReportRequest {
                directorate_id: directorate,
                period: last_month,
            },
        ))
        .await;
    match answer {
        Ok(_) => see_other("/yonetim/rapor-alicilari?durum=gonderildi"),
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            refuse(&frame)
        }
        Err(e) if e.code() == Code::FailedPrecondition => {
            see_other("/yonetim/rapor-alicilari?durum=alici-yok")
        }
        Err(e) => {
            tracing::error!(code = ?e.code(), "sending a periodic report failed");
            let t = &frame.texts().report_mail;
            page(
                &state,
                frame,
                s,
                Some((t.unavailable.to_owned(), true)),
                None,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_a_line_each_and_commas_split_too() {
        assert_eq!(
            addresses(" a@x.gov.tr \n\nb@x.gov.tr, c@x.gov.tr;d@x.gov.tr\r\n"),
            ["a@x.gov.tr", "b@x.gov.tr", "c@x.gov.tr", "d@x.gov.tr"]
        );
    }
}
