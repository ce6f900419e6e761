//! `/alindi/{tracking}`: the receipt as a printable page (its own print
//! stylesheet: only the receipt is printed) and `/alindi/{tracking}/pdf`
//! as a PDF. Only the person who recorded the application, or an admin,
//! may open it; to anyone else it does not exist.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use tekmerkez_proto::case_v1::Role;
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::catalogue::name_of;

use super::{AppState, Frame, message_page, render, signed_in::SignedIn};
use crate::{
    barcode::Code128,
    http::entry::{EntryState, may_record},
    i18n::entry::EntryTexts,
    receipt::{self, Receipt},
    session::Session,
};

/// The receipt of `tracking` if the signed-in person `s` may open it.
async fn load(
    state: &AppState,
    frame: &Frame,
    s: Session,
    tracking: &str,
) -> Result<(Session, EntryState, Receipt), Response> {
    let missing = || message_page(frame, StatusCode::NOT_FOUND, frame.c.not_found);
    let Some(entry) = state.entry.clone().filter(|_| may_record(s.role)) else {
        return Err(missing());
    };
    let Ok(tn) = TrackingNumber::parse(tracking.trim_end_matches(".pdf")) else {
        return Err(missing());
    };
    match entry.receipts.get(&tn.to_string()).await {
        Ok(Some(r)) if r.recorded_by == s.user_id || s.role == Role::Admin as i32 => {
            Ok((s, entry, r))
        }
        Ok(_) => Err(missing()),
        Err(e) => {
            tracing::error!(error.message = %e, "reading a receipt failed");
            Err(message_page(
                frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.c.unavailable,
            ))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    frame: Frame,
    t: &'static EntryTexts,
    csrf: String,
    display_name: String,
    institution: String,
    tracking_number: String,
    barcode_svg: String,
    lines: Vec<(&'static str, String)>,
    information_only: bool,
    special_category: bool,
    is_call: bool,
    tracking_url: String,
    new_entry: &'static str,
}

fn entry_path(channel: &str) -> &'static str {
    match channel {
        "phone" => "/kayit-girisi/cagri",
        "written" => "/kayit-girisi/yazi",
        "face_to_face" => "/kayit-girisi/gise",
        _ => "/kayit-girisi/goruntulu",
    }
}

/// `GET /alindi/{tracking}`.
pub(super) async fn page(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(tracking): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let (s, entry, r) = match load(&state, &frame, s, &tracking).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let e = &frame.texts().entry;
    let category = name_of(&state.categories, &r.category, frame.english()).to_owned();
    let label = format!("{} {}", e.tracking_number, r.tracking_number);
    let barcode_svg = Code128::encode(&r.tracking_number)
        .map(|c| c.svg(&label, 60))
        .unwrap_or_default();
    render(&ReceiptPage {
        t: e,
        csrf: s.csrf_token,
        display_name: s.display_name,
        institution: state.institution.name.clone(),
        lines: receipt::lines(&r, e, &category),
        tracking_number: r.tracking_number.clone(),
        barcode_svg,
        information_only: r.information_only,
        special_category: r.special_category,
        is_call: r.channel == "phone",
        tracking_url: entry.tracking_url.to_string(),
        new_entry: entry_path(&r.channel),
        frame,
    })
}

/// `GET /alindi/{tracking}/pdf`.
pub(super) async fn pdf(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(tracking): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let (_, entry, r) = match load(&state, &frame, s, &tracking).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let category = name_of(&state.categories, &r.category, frame.english()).to_owned();
    let lang = if frame.english() { "en" } else { "tr-TR" };
    match receipt::pdf(
        &r,
        &frame.texts().entry,
        &entry.font,
        receipt::Issuer {
            institution: &state.institution.name,
            logo: state.institution.receipt_logo.as_ref(),
            tracking_url: &entry.tracking_url,
        },
        &category,
        lang,
    ) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"alindi-{}.pdf\"", r.tracking_number),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "making a receipt PDF failed");
            message_page(
                &frame,
                StatusCode::INTERNAL_SERVER_ERROR,
                frame.c.unavailable,
            )
        }
    }
}

/// The receipt's own styles: on paper only the receipt shows.
pub(super) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/receipt.css"),
    )
        .into_response()
}

/// The print button (the pages run only their own scripts).
pub(super) async fn print_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/print.js"),
    )
        .into_response()
}
