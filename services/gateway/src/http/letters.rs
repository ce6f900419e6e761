//! *Gönderilecek Mektuplar* (`/mektuplar`): the answer letters to print and
//! post, each with its PDF (`/mektuplar/{id}/pdf`) and "Postalandı olarak
//! işaretle", one or several at once (`POST /mektuplar/postalandi`); the
//! posted ones with who posted them and when (`?liste=postalanan`). The
//! case service decides who may see which letter (admins, and callback
//! agents and front-office staff in their pools) and marks each letter
//! once: a double click or a reload after the redirect records nothing
//! twice, and the message says which letters this click posted and which
//! were posted already.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use tekmerkez_proto::case_v1::{self as pb, Role};
use tekmerkez_types::limits;
use tonic::Code;

use super::{
    AppState, Frame, cases::query_value, message_page, record::when, refuse, render, see_other,
    signed_in::SignedIn,
};
use crate::{
    i18n::letters::LettersTexts,
    letter::{self, LetterDoc},
    session::tokens_match,
};

/// Letters on one page of the list.
const PAGE_SIZE: u32 = 50;

/// Whether `role` posts letters (the case service decides which ones).
pub(super) fn posts_letters(role: i32) -> bool {
    [Role::Admin, Role::CallbackAgent, Role::CallCentreAgent]
        .iter()
        .any(|r| *r as i32 == role)
}

/// The list's address: `?liste=postalanan` for the posted ones, `sayfa`
/// from 1; after a mark, the numbers it posted (`postalandi`) and those
/// posted before (`zaten`), or `durum` (`secilmedi`, `bulunamadi`,
/// `hata`: the case service could not be reached).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct LettersQuery {
    #[serde(default)]
    liste: String,
    #[serde(default)]
    sayfa: Option<u32>,
    #[serde(default)]
    postalandi: String,
    #[serde(default)]
    zaten: String,
    #[serde(default)]
    durum: String,
}

/// One letter as the list shows it.
struct Row {
    id: String,
    case_id: String,
    number: String,
    date: String,
    tracking_number: String,
    recipient: String,
    /// The address on one line (it names the district and province).
    address: String,
    pool: String,
    posted_at: String,
    posted_by: String,
}

fn row(l: pb::Letter, t: &LettersTexts) -> Row {
    Row {
        date: when(l.created_at.as_ref()),
        recipient: if l.recipient_name.trim().is_empty() {
            t.no_name.to_owned()
        } else {
            tekmerkez_types::text::strip_bidi(&l.recipient_name).into_owned()
        },
        address: tekmerkez_types::text::isolate_bidi(
            &l.postal_address
                .lines()
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .into_owned(),
        pool: l.pool_name,
        posted_at: when(l.posted_at.as_ref()),
        posted_by: l.posted_by_display_name,
        tracking_number: l.tracking_number,
        number: l.number,
        case_id: l.case_id,
        id: l.id,
    }
}

#[derive(askama::Template)]
#[template(path = "letters.html")]
struct LettersPage {
    frame: Frame,
    t: &'static LettersTexts,
    csrf: String,
    display_name: String,
    posted: bool,
    /// Whether the person may open the letters' records (an admin; the
    /// callback agent and front office may not read a resolved record).
    opens_records: bool,
    rows: Vec<Row>,
    total: String,
    /// Previous and next pages' addresses.
    previous: Option<String>,
    next: Option<String>,
    /// What the last mark did, in words, and whether it was refused.
    messages: Vec<String>,
    is_error: bool,
}

/// Numbers from a query value (`TM-2026-000001,TM-2026-000002`), only
/// the characters a number has.
fn numbers(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 80
                && n.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '/'))
        })
        .take(limits::BULK)
        .map(str::to_owned)
        .collect()
}

/// `GET /mektuplar`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<LettersQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    if !posts_letters(s.role) {
        return refuse(&frame);
    }
    let t = &frame.texts().letters;
    let posted = q.liste == "postalanan";
    let page = q.sayfa.unwrap_or(1).clamp(1, 10_000);
    let offset = (page - 1) * PAGE_SIZE;
    let req = state.backend.as_user(
        s.user_id,
        pb::ListLettersRequest {
            status: if posted {
                pb::LetterStatus::Posted
            } else {
                pb::LetterStatus::ToBePosted
            } as i32,
            page: Some(tekmerkez_proto::common_v1::PageRequest {
                page_size: PAGE_SIZE,
                page_token: if offset == 0 {
                    String::new()
                } else {
                    format!("o{offset}")
                },
            }),
        },
    );
    let r = match state.backend.cases().list_letters(req).await {
        Ok(r) => r.into_inner(),
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "listing letters failed");
            return message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable);
        }
    };
    let list = if posted { "&liste=postalanan" } else { "" };
    let previous = (page > 1).then(|| format!("/mektuplar?sayfa={}{list}", page - 1));
    let next =
        (!r.next_page_token.is_empty()).then(|| format!("/mektuplar?sayfa={}{list}", page + 1));
    let mut messages = Vec::new();
    let marked = numbers(&q.postalandi);
    if !marked.is_empty() {
        messages.push(format!("{} {}", t.marked, marked.join(", ")));
    }
    let already = numbers(&q.zaten);
    if !already.is_empty() {
        messages.push(format!("{} {}", t.already, already.join(", ")));
    }
    let is_error = matches!(q.durum.as_str(), "secilmedi" | "bulunamadi" | "hata");
    match q.durum.as_str() {
        "secilmedi" => messages.push(t.nothing_selected.to_owned()),
        "bulunamadi" => messages.push(t.not_found.to_owned()),
        // Nothing is known to be marked: the person may try again.
        "hata" => messages.push(frame.c.unavailable.to_owned()),
        _ => {}
    }
    let total = super::capped_count(r.total, r.total_capped, frame.lang);
    render(&LettersPage {
        opens_records: s.role == Role::Admin as i32,
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        posted,
        rows: r.letters.into_iter().map(|l| row(l, t)).collect(),
        total,
        previous,
        next,
        messages,
        is_error,
        frame,
    })
}

/// A posted form: the CSRF token, the ticked letters (`letter_id`) and,
/// when a row's own button was pressed, that letter alone (`tek`).
fn mark_form(body: &[u8]) -> (String, Vec<String>) {
    let mut csrf = String::new();
    let mut ticked = Vec::new();
    let mut single = None;
    for (k, v) in super::form_pairs(body) {
        let valid = uuid::Uuid::parse_str(&v).is_ok();
        match k.as_str() {
            "csrf" => csrf = v,
            "letter_id" if valid && ticked.len() < limits::BULK && !ticked.contains(&v) => {
                ticked.push(v);
            }
            "tek" if valid => single = Some(v),
            _ => {}
        }
    }
    (csrf, single.map_or(ticked, |one| vec![one]))
}

/// `POST /mektuplar/postalandi`: marks the letters posted, then back to
/// the list (a reload sends nothing again) with what happened.
pub(super) async fn mark(
    State(state): State<Arc<AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let (csrf, ids) = mark_form(&body);
    if !tokens_match(&s.csrf_token, &csrf) {
        let mut r = see_other("/mektuplar");
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    if ids.is_empty() {
        return see_other("/mektuplar?durum=secilmedi");
    }
    let req = state
        .backend
        .as_user(s.user_id, pb::MarkLettersPostedRequest { letter_ids: ids });
    match state.backend.cases().mark_letters_posted(req).await {
        Ok(r) => {
            let (mut now, mut before) = (Vec::new(), Vec::new());
            for p in r.into_inner().letters {
                let number = p.letter.map(|l| l.number).unwrap_or_default();
                if p.newly_posted {
                    now.push(number);
                } else {
                    before.push(number);
                }
            }
            tracing::info!(
                posted = now.len(),
                already = before.len(),
                "letters marked posted"
            );
            see_other(&format!(
                "/mektuplar?postalandi={}&zaten={}",
                query_value(&now.join(",")),
                query_value(&before.join(","))
            ))
        }
        Err(st) if matches!(st.code(), Code::NotFound | Code::PermissionDenied) => {
            see_other("/mektuplar?durum=bulunamadi")
        }
        Err(st) => {
            tracing::warn!(code = ?st.code(), "marking letters posted failed");
            see_other("/mektuplar?durum=hata")
        }
    }
}

/// `GET /mektuplar/{id}/pdf`: the letter to print, for whoever may post it.
pub(super) async fn pdf(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let missing = || message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    if uuid::Uuid::parse_str(&id).is_err() {
        return missing();
    }
    let req = state
        .backend
        .as_user(s.user_id, pb::GetLetterRequest { letter_id: id });
    let l = match state.backend.cases().get_letter(req).await {
        Ok(r) => match r.into_inner().letter {
            Some(l) => l,
            None => return missing(),
        },
        Err(st) if st.code() == Code::PermissionDenied => return refuse(&frame),
        Err(st) if st.code() == Code::NotFound => return missing(),
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading a letter failed");
            return message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable);
        }
    };
    let Some(entry) = state.entry.as_ref() else {
        let t = &frame.texts().letters;
        return message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, t.pdf_unavailable);
    };
    let date = l
        .created_at
        .as_ref()
        .map_or(0, |t| t.seconds.saturating_mul(1_000_000));
    let doc = LetterDoc {
        institution: &state.institution.name,
        logo: state.institution.receipt_logo.as_ref(),
        number: &l.number,
        date,
        recipient_name: &l.recipient_name,
        postal_address: &l.postal_address,
        tracking_number: &l.tracking_number,
        answer: &l.official_answer,
        tracking_url: &entry.tracking_url,
    };
    match letter::pdf(&doc, &entry.font) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"mektup-{}.pdf\"", l.number),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "making a letter PDF failed");
            message_page(
                &frame,
                StatusCode::INTERNAL_SERVER_ERROR,
                frame.c.unavailable,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_button_marks_its_letter_alone_and_ticks_are_kept_once() {
        let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let body = format!("csrf=x&letter_id={a}&letter_id={a}&letter_id={b}&letter_id=nope");
        assert_eq!(
            mark_form(body.as_bytes()),
            ("x".into(), vec![a.to_string(), b.to_string()])
        );
        let body = format!("csrf=x&letter_id={a}&tek={b}");
        assert_eq!(mark_form(body.as_bytes()).1, vec![b.to_string()]);
    }

    #[test]
    fn only_numbers_come_back_into_the_message() {
        assert_eq!(
            numbers("TM-2026-000001, E-41.02/2026-000002,<script>"),
            vec!["TM-2026-000001", "E-41.02/2026-000002"]
        );
    }
}
