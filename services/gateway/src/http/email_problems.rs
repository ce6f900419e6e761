//! *E-posta Sorunları* (`/eposta-sorunlari`): the e-mails the mailbox
//! channel could make no case of — no sender to answer, nothing in them, not
//! a message at all — newest first, each with when it came, why, and where
//! it stays in the mailbox (account, folder, UID, Message-ID), so that a
//! person can find, read and if need be record it. Intake keeps the list
//! and answers it to the gateway's staff token; this page is for the admins
//! and the front-office staff who look after the mailbox.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};

use super::{
    AppState, Frame, render,
    signed_in::{MailboxKeepers, RequireRole},
};
use crate::i18n::email_problems::EmailProblemsTexts;

/// Rows a page shows.
const PAGE: u32 = 50;

struct Row {
    when: String,
    reason: &'static str,
    code: String,
    account: String,
    mailbox: String,
    uid: String,
    message_id: String,
}

#[derive(askama::Template)]
#[template(path = "email_problems.html")]
struct EmailProblemsPage {
    frame: Frame,
    t: &'static EmailProblemsTexts,
    csrf: String,
    display_name: String,
    rows: Vec<Row>,
    total: String,
    previous: Option<String>,
    next: Option<String>,
}

/// `?sayfa=` (1-based).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct PageQuery {
    #[serde(default)]
    sayfa: Option<String>,
}

/// An RFC 3339 time as the desk reads it, in Istanbul time.
fn istanbul(rfc3339: &str) -> String {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned(
                jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
        })
        .unwrap_or_default()
}

/// `GET /eposta-sorunlari`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<PageQuery>,
    RequireRole(s, _): RequireRole<MailboxKeepers>,
) -> Response {
    let t = &frame.texts().email_problems;
    let Some(entry) = state.entry.as_ref() else {
        return super::message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, t.not_configured);
    };
    let page = q
        .sayfa
        .as_deref()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let listed = match entry.intake.email_problems(PAGE, (page - 1) * PAGE).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error.message = %e, "reading the e-mail problems failed");
            return super::message_page(
                &frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.c.unavailable,
            );
        }
    };
    let rows = listed
        .problems
        .into_iter()
        .map(|p| Row {
            when: istanbul(&p.received_at),
            reason: t.reason_name(&p.reason),
            code: p.reason,
            account: p.account,
            mailbox: p.mailbox,
            uid: format!("{} / {}", p.uid, p.uid_validity),
            message_id: p.message_id,
        })
        .collect::<Vec<_>>();
    let shown_to = u64::from((page - 1) * PAGE) + rows.len() as u64;
    let total = (t.total)(listed.total);
    render(&EmailProblemsPage {
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        previous: (page > 1).then(|| format!("/eposta-sorunlari?sayfa={}", page - 1)),
        next: (shown_to < listed.total).then(|| format!("/eposta-sorunlari?sayfa={}", page + 1)),
        rows,
        total,
        frame,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::email_problems::{EN, TR};

    #[test]
    fn every_reason_intake_records_has_words_in_both_languages() {
        for code in ["no_sender", "unparseable", "empty", "bad_sender"] {
            for t in [&TR, &EN] {
                assert_ne!(t.reason_name(code), t.unknown_reason, "{code}");
            }
        }
        assert_eq!(TR.reason_name("something_new"), TR.unknown_reason);
        assert_eq!(
            TR.reason_name("no_sender"),
            "Gönderen adresi yok: yanıt verilecek kimse bulunamadı"
        );
    }

    #[test]
    fn times_read_in_istanbul() {
        assert_eq!(istanbul("2026-03-03T07:30:00Z"), "03.03.2026 10:30");
        assert_eq!(istanbul("not a time"), "");
    }
}
