//! The record page itself (`GET /kayit/{id}`) and its attachments'
//! downloads.

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::{catalogue::name_of, limits};
use tonic::Code;

use super::{
    delivery_log::{DeliveryView, deliveries},
    when,
};
use crate::{
    http::{AppState, Frame, message_page, render, signed_in::SignedIn},
    i18n::{
        Texts,
        record::{DeliveryTexts, RecordTexts},
    },
};

struct NoteView {
    when: String,
    text: String,
    /// Set for a citizen's follow-up message (an e-mail reply and the like).
    from_citizen: bool,
}

struct FileView {
    id: String,
    name: String,
    size: String,
}

struct StepView {
    when: String,
    action: &'static str,
    /// The transfer reason or callback outcome.
    detail: String,
}

#[derive(askama::Template)]
#[template(path = "record.html")]
struct RecordPage {
    frame: Frame,
    t: &'static RecordTexts,
    csrf: String,
    display_name: String,
    id: String,
    version: i64,
    tracking_number: String,
    status: &'static str,
    category: String,
    text: String,
    contact_masked: bool,
    name: String,
    phone: String,
    email: String,
    days_in_pool: u32,
    pool: String,
    reply_channel: &'static str,
    official_answer: String,
    mine: bool,
    note_required: bool,
    /// Pool manager or admin, record not resolved: the link to *Kaydı Aktar*.
    can_transfer: bool,
    /// The callback agent holds it: the outcome form.
    callback_mine: bool,
    callback_attempts: u32,
    callback_retry_at: String,
    notes: Vec<NoteView>,
    files: Vec<FileView>,
    steps: Vec<StepView>,
    /// Messages to the citizen (notify's delivery log); `None` when notify
    /// is not configured or did not answer.
    deliveries: Option<Vec<DeliveryView>>,
    /// Notify is configured but did not answer.
    delivery_error: bool,
    /// Headings of the delivery log, in the page's language.
    delivery_labels: &'static DeliveryTexts,
    message: Option<String>,
    is_error: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(in crate::http) struct Durum {
    durum: String,
}

fn action_name(texts: &Texts, a: i32) -> &'static str {
    use pb::HistoryAction as A;
    let t = &texts.record;
    match A::try_from(a).unwrap_or_default() {
        A::Opened => t.step_opened,
        A::Claimed => t.step_claimed,
        A::Assigned => t.step_assigned,
        A::Transferred => t.step_transferred,
        A::NoteAdded => t.step_note,
        A::ClosedByExpert => t.step_closed,
        A::CallbackClaimed => t.step_callback_claimed,
        A::CallbackRecorded => t.step_callback_recorded,
        A::Resolved => t.step_resolved,
        A::Reopened => t.step_reopened,
        A::CitizenMessageAdded => t.step_citizen_message,
        A::ProvinceCorrected => texts.transfer.step_province_corrected,
        A::DistrictCorrected => texts.transfer.step_district_corrected,
        A::CategoryCorrected => texts.transfer.step_category_corrected,
        A::Unspecified => "",
    }
}

/// `GET /kayit/{id}`.
pub(in crate::http) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    Query(q): Query<Durum>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let texts = frame.texts();
    let (c, t) = (frame.c, &texts.record);
    if uuid::Uuid::parse_str(&id).is_err() {
        return message_page(&frame, StatusCode::NOT_FOUND, t.record_not_found);
    }
    let cases = state.backend.cases();
    let got = cases
        .clone()
        .get_case(state.backend.as_user(
            s.user_id,
            pb::GetCaseRequest {
                case_id: id.clone(),
                ..Default::default()
            },
        ))
        .await;
    let case = match got.map(|r| r.into_inner().case) {
        Ok(Some(case)) => case,
        // Out of scope answers NOT_FOUND too: the record's existence does not leak.
        Ok(None) | Err(_) => {
            return message_page(&frame, StatusCode::NOT_FOUND, t.record_not_found);
        }
    };
    let steps = cases
        .clone()
        .get_history(state.backend.as_user(
            s.user_id,
            pb::GetHistoryRequest {
                case_id: id.clone(),
            },
        ))
        .await
        .map(|r| r.into_inner().steps)
        .unwrap_or_default();
    let (message, is_error) = match q.durum.as_str() {
        "not-eklendi" => (Some(t.note_added.to_owned()), false),
        "kaydedildi" => (Some(t.record_closed.to_owned()), false),
        "degisti" => (Some(t.record_changed.to_owned()), true),
        "kural" => (Some(t.note_rule_blocks.to_owned()), true),
        "gecersiz" => (Some(t.text_invalid.to_string()), true),
        "gerekce" => (Some(t.transfer_reason_invalid.to_string()), true),
        "yetki" => (Some(c.not_allowed.to_owned()), true),
        "hedef-yok" => (Some(t.choose_target_pool.to_owned()), true),
        "sonuc-yok" => (Some(t.choose_outcome.to_owned()), true),
        "zaman" => (Some(t.retry_time_needed.to_owned()), true),
        "geri-donus-kaydedildi" => (Some(t.callback_saved.to_owned()), false),
        _ => (None, false),
    };
    let role = pb::Role::try_from(s.role).unwrap_or_default();
    let open = case.status != pb::CaseStatus::Resolved as i32;
    let can_transfer = open && matches!(role, pb::Role::PoolManager | pb::Role::Admin);
    let province = case.location.as_ref().map_or(0, |l| l.province_code);
    let pools = state
        .backend
        .directory()
        .list_pools(state.backend.as_user(
            s.user_id,
            pb::ListPoolsRequest {
                province_code: province,
            },
        ))
        .await
        .map(|r| r.into_inner().pools)
        .unwrap_or_default();
    let pool = pools
        .iter()
        .find(|p| p.id == case.pool_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let me = s.user_id.to_string();
    let callback_mine = role == pb::Role::CallbackAgent
        && case.holder_id == me
        && case.status == pb::CaseStatus::AwaitingCallback as i32;
    let contact = case.contact.clone().unwrap_or_default();
    // Only now, after the case service let this user read the case.
    let deliveries = deliveries(&state, &case.id, texts).await;
    render(&RecordPage {
        delivery_error: deliveries.is_none() && state.backend.notify().is_some(),
        deliveries,
        delivery_labels: &t.delivery,
        csrf: s.csrf_token,
        display_name: s.display_name,
        mine: case.holder_id == me && case.status == pb::CaseStatus::Held as i32,
        can_transfer,
        callback_mine,
        callback_attempts: case.callback_attempts,
        callback_retry_at: when(case.callback_retry_at.as_ref()),
        pool,
        reply_channel: usize::try_from(case.reply_channel)
            .ok()
            .and_then(|i| t.reply_channel_names.get(i).copied())
            .unwrap_or_default(),
        official_answer: case.official_answer.clone(),
        status: c.status_name(case.status),
        note_required: case.note_required_to_close,
        notes: case
            .notes
            .iter()
            .map(|n| NoteView {
                when: when(n.created_at.as_ref()),
                text: n.text.clone(),
                from_citizen: n.author == pb::NoteAuthor::Citizen as i32,
            })
            .collect(),
        files: case
            .attachments
            .iter()
            .map(|a| FileView {
                id: a.id.clone(),
                name: a.file_name.clone(),
                size: size_text(a.size_bytes),
            })
            .collect(),
        steps: steps
            .iter()
            .map(|st| StepView {
                when: when(st.occurred_at.as_ref()),
                action: action_name(texts, st.action),
                detail: crate::http::transfer::correction_detail(
                    &texts.transfer,
                    &state.categories,
                    frame.english(),
                    pb::HistoryAction::try_from(st.action).unwrap_or_default(),
                    &st.detail,
                ),
            })
            .collect(),
        id: case.id,
        version: case.version,
        tracking_number: case.tracking_number,
        category: name_of(&state.categories, &case.category, frame.english()).to_owned(),
        text: case.text,
        contact_masked: case.contact_masked,
        name: contact.name,
        phone: crate::http::readable_phone(&contact.phone),
        email: contact.email,
        days_in_pool: case.days_in_pool,
        message,
        is_error,
        frame,
        t,
    })
}

/// A file size as people read it (`12 KB`).
fn size_text(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// `GET /kayit/{id}/ek/{file}`: one attachment, as a download (never shown
/// inline, so a file can do nothing in the UI's origin).
pub(in crate::http) async fn attachment(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path((id, file)): Path<(String, String)>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    use axum::response::IntoResponse as _;
    let not_found = frame.texts().record.record_not_found;
    if uuid::Uuid::parse_str(&id).is_err() || uuid::Uuid::parse_str(&file).is_err() {
        return message_page(&frame, StatusCode::NOT_FOUND, not_found);
    }
    let req = state.backend.as_user(
        s.user_id,
        pb::GetAttachmentRequest {
            case_id: id,
            attachment_id: file,
        },
    );
    let got = match state.backend.cases().get_attachment(req).await {
        Ok(r) => r.into_inner(),
        Err(st) => {
            if !matches!(st.code(), Code::NotFound | Code::PermissionDenied) {
                tracing::error!(code = ?st.code(), "reading an attachment failed");
            }
            return message_page(&frame, StatusCode::NOT_FOUND, not_found);
        }
    };
    let meta = got.attachment.unwrap_or_default();
    let content_type = match meta.content_type.as_str() {
        t @ ("image/jpeg" | "image/png" | "application/pdf") => t,
        _ => "application/octet-stream",
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        meta.file_name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        crate::http::cases::query_value(&meta.file_name)
    );
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        got.content,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_in_bytes_then_kilobytes() {
        assert_eq!(size_text(900), "900 B");
        assert_eq!(size_text(1024), "1 KB");
        assert_eq!(size_text(256 * 1024), "256 KB");
    }
}
