//! The record page: the application, contact details (masked when the
//! caller's role does not need them), notes with *Not Ekle*, the official
//! answer (*Yetkili Açıklaması*) with *Kaydet*, which closes the record, the
//! 3-day note rule shown before it blocks, and *İşlem Detaylarını Göster*
//! with every task step. Every write carries the version the page showed,
//! so a double-submitted form or a record changed meanwhile writes nothing
//! twice.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use super::{AppState, Frame, current, message_page, render, see_other};
use crate::{i18n::Texts, session::tokens_match};
use tekmerkez_types::catalogue::name_of;

/// Longest note and answer, in characters (the case service enforces it too).
const MAX_TEXT: usize = 4000;

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
#[template(path = "kayit.html")]
struct RecordPage {
    frame: Frame,
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
    /// Pool manager or admin, record not resolved: the transfer form.
    can_transfer: bool,
    /// Pool id, name and whether it is the one chosen before a refusal.
    transfer_targets: Vec<(String, String, bool)>,
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
    delivery_labels: DeliveryLabels,
    message: Option<&'static str>,
    is_error: bool,
}

/// One message to the citizen, as the record page shows it.
struct DeliveryView {
    when: String,
    channel: &'static str,
    /// The rule that sent it, in words (or its code when it has none).
    kind: String,
    state: &'static str,
    /// Why it failed, in words (or its code when it has none).
    reason: String,
    /// The reason's code, for whoever asks the provider.
    reason_code: String,
    segments: u32,
}

/// The delivery log's words (Turkish, or English with `?lang=en`).
struct DeliveryLabels {
    title: &'static str,
    none: &'static str,
    unavailable: &'static str,
    segments: &'static str,
}

fn delivery_labels(en: bool) -> DeliveryLabels {
    if en {
        DeliveryLabels {
            title: "Messages to the citizen",
            none: "No message to the citizen yet.",
            unavailable: "The notification service did not answer.",
            segments: "parts",
        }
    } else {
        DeliveryLabels {
            title: "Vatandaşa Bildirimler",
            none: "Vatandaşa henüz bildirim gönderilmedi.",
            unavailable: "Bildirim servisi yanıt vermedi.",
            segments: "parça",
        }
    }
}

/// The delivery log of a case the user was just allowed to read, asked of
/// notify with the gateway's own service credential.
async fn deliveries(state: &AppState, case_id: &str, en: bool) -> Option<Vec<DeliveryView>> {
    use tekmerkez_proto::notify_v1 as npb;
    let mut notify = state.backend.notify()?;
    let list = notify
        .list_deliveries(state.backend.as_gateway(npb::ListDeliveriesRequest {
            case_id: case_id.to_owned(),
        }))
        .await
        .ok()?
        .into_inner()
        .deliveries;
    Some(
        list.into_iter()
            .map(|d| {
                let st = npb::DeliveryState::try_from(d.state).unwrap_or_default();
                let (tr, en_name) = match st {
                    npb::DeliveryState::Pending if d.deferred => (
                        "sessiz saatlerin bitmesini bekliyor",
                        "waiting for quiet hours to end",
                    ),
                    npb::DeliveryState::Pending => ("gönderilecek", "to be sent"),
                    npb::DeliveryState::Sending => ("gönderiliyor", "sending"),
                    npb::DeliveryState::Sent => ("gönderildi", "sent"),
                    npb::DeliveryState::Delivered => ("iletildi", "delivered"),
                    // Too late to be worth sending: held back on purpose, not a fault.
                    npb::DeliveryState::Failed if d.reason == "stale_event" => {
                        ("gönderilmedi", "not sent")
                    }
                    npb::DeliveryState::Failed => ("gönderilemedi", "failed"),
                    npb::DeliveryState::Unspecified => ("", ""),
                };
                let channel = if d.channel == npb::MessageChannel::Email as i32 {
                    if en { "E-mail" } else { "E-posta" }
                } else {
                    "SMS"
                };
                DeliveryView {
                    when: when(d.sent_at.as_ref().or(d.created_at.as_ref())),
                    channel,
                    kind: super::delivery_words::kind(&d.kind, en)
                        .map_or_else(|| d.kind.clone(), str::to_owned),
                    state: if en { en_name } else { tr },
                    reason: super::delivery_words::reason(&d.reason, en)
                        .map_or_else(|| d.reason.clone(), str::to_owned),
                    reason_code: d.reason,
                    segments: d.segments,
                }
            })
            .collect(),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Durum {
    durum: String,
    /// The pool a refused transfer had chosen, chosen again on the page.
    hedef: String,
}

/// What the record page's forms post (each form sends the fields it has).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct TextForm {
    csrf: String,
    text: String,
    version: String,
    /// Transfer: the target pool.
    hedef: String,
    /// Callback: the outcome number.
    sonuc: String,
    /// Callback: when to call again (`datetime-local`, Istanbul time).
    zaman: String,
}

pub(super) fn when(t: Option<&prost_types::Timestamp>) -> String {
    t.and_then(|t| jiff::Timestamp::new(t.seconds, 0).ok())
        .map(|t| {
            t.to_zoned(
                jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
        })
        .unwrap_or_default()
}

pub(super) fn status_name(t: &Texts, s: i32) -> &'static str {
    match pb::CaseStatus::try_from(s).unwrap_or_default() {
        pb::CaseStatus::InPool => t.status_in_pool,
        pb::CaseStatus::Held => t.status_held,
        pb::CaseStatus::AwaitingCallback => t.status_awaiting_callback,
        pb::CaseStatus::Resolved => t.status_resolved,
        pb::CaseStatus::Unspecified => "",
    }
}

fn action_name(t: &Texts, a: i32) -> &'static str {
    use pb::HistoryAction as A;
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
        A::Unspecified => "",
    }
}

/// `GET /kayit/{id}`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Durum>,
) -> Response {
    let Some((_, s)) = current(&state, &headers).await else {
        return super::sign_in_again(&headers);
    };
    let frame = Frame::of(&headers);
    let t = frame.t;
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
    let c = match got.map(|r| r.into_inner().case) {
        Ok(Some(c)) => c,
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
        "not-eklendi" => (Some(t.note_added), false),
        "kaydedildi" => (Some(t.record_closed), false),
        "degisti" => (Some(t.record_changed), true),
        "kural" => (Some(t.note_rule_blocks), true),
        "gecersiz" => (Some(t.text_invalid), true),
        "gerekce" => (Some(t.transfer_reason_invalid), true),
        "yetki" => (Some(t.not_allowed), true),
        "hedef-yok" => (Some(t.choose_target_pool), true),
        "sonuc-yok" => (Some(t.choose_outcome), true),
        "zaman" => (Some(t.retry_time_needed), true),
        "geri-donus-kaydedildi" => (Some(t.callback_saved), false),
        _ => (None, false),
    };
    let role = pb::Role::try_from(s.role).unwrap_or_default();
    let open = c.status != pb::CaseStatus::Resolved as i32;
    let can_transfer = open && matches!(role, pb::Role::PoolManager | pb::Role::Admin);
    let province = c.location.as_ref().map_or(0, |l| l.province_code);
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
        .find(|p| p.id == c.pool_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let transfer_targets = if can_transfer {
        pools
            .iter()
            .filter(|p| p.id != c.pool_id)
            .map(|p| (p.id.clone(), p.name.clone(), p.id == q.hedef))
            .collect()
    } else {
        Vec::new()
    };
    let me = s.user_id.to_string();
    let callback_mine = role == pb::Role::CallbackAgent
        && c.holder_id == me
        && c.status == pb::CaseStatus::AwaitingCallback as i32;
    let contact = c.contact.clone().unwrap_or_default();
    // Only now, after the case service let this user read the case.
    let en = frame.lang == "en";
    let deliveries = deliveries(&state, &c.id, en).await;
    render(&RecordPage {
        delivery_error: deliveries.is_none() && state.backend.notify().is_some(),
        deliveries,
        delivery_labels: delivery_labels(en),
        csrf: s.csrf_token,
        display_name: s.display_name,
        mine: c.holder_id == me && c.status == pb::CaseStatus::Held as i32,
        can_transfer,
        transfer_targets,
        callback_mine,
        callback_attempts: c.callback_attempts,
        callback_retry_at: when(c.callback_retry_at.as_ref()),
        pool,
        reply_channel: usize::try_from(c.reply_channel)
            .ok()
            .and_then(|i| t.reply_channel_names.get(i).copied())
            .unwrap_or_default(),
        official_answer: c.official_answer.clone(),
        status: status_name(t, c.status),
        note_required: c.note_required_to_close,
        notes: c
            .notes
            .iter()
            .map(|n| NoteView {
                when: when(n.created_at.as_ref()),
                text: n.text.clone(),
                from_citizen: n.author == pb::NoteAuthor::Citizen as i32,
            })
            .collect(),
        files: c
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
                action: action_name(t, st.action),
                detail: st.detail.clone(),
            })
            .collect(),
        id: c.id,
        version: c.version,
        tracking_number: c.tracking_number,
        category: name_of(&state.categories, &c.category, t.english).to_owned(),
        text: c.text,
        contact_masked: c.contact_masked,
        name: contact.name,
        phone: super::readable_phone(&contact.phone),
        email: contact.email,
        days_in_pool: c.days_in_pool,
        message,
        is_error,
        frame,
    })
}

/// The longest transfer reason (the case service enforces it too).
const MAX_REASON: usize = 2000;

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
pub(super) async fn attachment(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    use axum::response::IntoResponse as _;
    let Some((_, s)) = current(&state, &headers).await else {
        return super::sign_in_again(&headers);
    };
    let frame = Frame::of(&headers);
    if uuid::Uuid::parse_str(&id).is_err() || uuid::Uuid::parse_str(&file).is_err() {
        return message_page(&frame, StatusCode::NOT_FOUND, frame.t.record_not_found);
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
            return message_page(&frame, StatusCode::NOT_FOUND, frame.t.record_not_found);
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
        super::cases::query_value(&meta.file_name)
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

/// Checks the form's token, version and text (required unless
/// `text_optional`, at most `max` characters), or the status and `durum` to
/// send the person back with.
fn accept(
    session_csrf: &str,
    f: &TextForm,
    max: usize,
    text_optional: bool,
) -> Result<(i64, String), (StatusCode, &'static str)> {
    if !tokens_match(session_csrf, &f.csrf) {
        return Err((StatusCode::FORBIDDEN, "degisti"));
    }
    let Ok(version) = f.version.parse::<i64>() else {
        return Err((StatusCode::SEE_OTHER, "degisti"));
    };
    let text = f.text.trim();
    if (text.is_empty() && !text_optional) || text.chars().count() > max {
        return Err((StatusCode::SEE_OTHER, "gecersiz"));
    }
    Ok((version, text.to_owned()))
}

/// A `datetime-local` value read as Europe/Istanbul wall time.
fn istanbul_time(v: &str) -> Option<prost_types::Timestamp> {
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M", v.trim()).ok()?;
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul").ok()?;
    let at = civil.to_zoned(tz).ok()?.timestamp();
    Some(prost_types::Timestamp {
        seconds: at.as_second(),
        nanos: 0,
    })
}

/// The callback form's outcome and retry time, or the `durum` to go back with.
fn callback_fields(
    f: &TextForm,
) -> Result<(pb::CallbackOutcome, Option<prost_types::Timestamp>), &'static str> {
    let outcome = f
        .sonuc
        .parse::<i32>()
        .ok()
        .and_then(|n| pb::CallbackOutcome::try_from(n).ok())
        .filter(|o| *o != pb::CallbackOutcome::Unspecified)
        .ok_or("sonuc-yok")?;
    let retry = if outcome == pb::CallbackOutcome::NotReached {
        Some(istanbul_time(&f.zaman).ok_or("zaman")?)
    } else {
        None
    };
    Ok((outcome, retry))
}

fn back(id: &str, status: StatusCode, durum: &str) -> Response {
    let mut r = see_other(&format!("/kayit/{id}?durum={durum}"));
    *r.status_mut() = status;
    r
}

/// Whether the case service refused because of the 3-day note rule (its
/// precondition-failure detail names the rule).
fn breaks_note_rule(st: &tonic::Status) -> bool {
    use tonic_types::StatusExt as _;
    st.get_details_precondition_failure()
        .is_some_and(|p| p.violations.iter().any(|v| v.subject == "NoteRequired"))
}

/// Where a write's outcome sends the person.
fn outcome(id: &str, r: Result<(), tonic::Status>, done: &str) -> Response {
    let d = match r {
        // The record left the caller's sight: back to the list they came from.
        Ok(()) if done == "aktarildi" => return see_other("/havuz?durum=aktarildi"),
        Ok(()) if done == "sonuclandi" => return see_other("/geri-donus?durum=sonuclandi"),
        Ok(()) => done,
        Err(st) => match st.code() {
            Code::InvalidArgument => "gecersiz",
            Code::FailedPrecondition if breaks_note_rule(&st) => "kural",
            Code::PermissionDenied | Code::NotFound => "yetki",
            Code::FailedPrecondition | Code::Aborted => "degisti",
            other => {
                tracing::error!(code = ?other, "a record write failed");
                "degisti"
            }
        },
    };
    back(id, StatusCode::SEE_OTHER, d)
}

/// The forms of the record page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextWrite {
    /// *Not Ekle*.
    Note,
    /// *Yetkili Açıklaması* with *Kaydet*: closes the record.
    Answer,
    /// The pool manager sends the record to another unit's pool.
    Transfer,
    /// The callback agent records what the call brought.
    Callback,
}

/// Checks the session, the id and the form, then writes with the version
/// the page showed.
async fn write(
    kind: TextWrite,
    state: &AppState,
    headers: &HeaderMap,
    id: String,
    f: &TextForm,
) -> Response {
    let Some((_, s)) = current(state, headers).await else {
        return super::sign_in_again(headers);
    };
    if uuid::Uuid::parse_str(&id).is_err() {
        return see_other("/");
    }
    let (max, optional) = match kind {
        TextWrite::Note | TextWrite::Answer => (MAX_TEXT, false),
        TextWrite::Transfer => (MAX_REASON, false),
        TextWrite::Callback => (MAX_TEXT, true),
    };
    let (version, text) = match accept(&s.csrf_token, f, max, optional) {
        Ok(v) => v,
        // A transfer's reason has its own limit, and the pool chosen stays
        // chosen, so the manager only adds the reason.
        Err((status, "gecersiz")) if kind == TextWrite::Transfer => {
            let hedef = match uuid::Uuid::parse_str(f.hedef.trim()) {
                Ok(u) => format!("&hedef={u}"),
                Err(_) => String::new(),
            };
            let mut r = see_other(&format!("/kayit/{id}?durum=gerekce{hedef}"));
            *r.status_mut() = status;
            return r;
        }
        Err((status, durum)) => return back(&id, status, durum),
    };
    let b = &state.backend;
    let mut cases = b.cases();
    let case_id = id.clone();
    let expected_version = Some(version);
    let (result, done) = match kind {
        TextWrite::Note => {
            let req = pb::AddNoteRequest {
                case_id,
                text,
                expected_version,
            };
            let r = cases.add_note(b.as_user(s.user_id, req)).await;
            (r.map(|_| ()), "not-eklendi")
        }
        TextWrite::Answer => {
            let req = pb::CloseCaseRequest {
                case_id,
                official_answer: text,
                expected_version,
            };
            let r = cases.close_case(b.as_user(s.user_id, req)).await;
            (r.map(|_| ()), "kaydedildi")
        }
        TextWrite::Transfer => {
            if uuid::Uuid::parse_str(f.hedef.trim()).is_err() {
                return back(&id, StatusCode::SEE_OTHER, "hedef-yok");
            }
            let req = pb::TransferCaseRequest {
                case_id,
                target_pool_id: f.hedef.trim().to_owned(),
                reason: text,
                expected_version,
            };
            let r = cases.transfer_case(b.as_user(s.user_id, req)).await;
            (r.map(|_| ()), "aktarildi")
        }
        TextWrite::Callback => {
            let (outcome, retry_at) = match callback_fields(f) {
                Ok(v) => v,
                Err(durum) => return back(&id, StatusCode::SEE_OTHER, durum),
            };
            let req = pb::RecordCallbackOutcomeRequest {
                case_id,
                outcome: outcome as i32,
                retry_at,
                note: text,
                expected_version,
            };
            let r = cases
                .record_callback_outcome(b.as_user(s.user_id, req))
                .await;
            let done = if outcome == pb::CallbackOutcome::NotReached {
                "geri-donus-kaydedildi"
            } else {
                "sonuclandi"
            };
            (r.map(|_| ()), done)
        }
    };
    outcome(&id, result, done)
}

/// `POST /kayit/{id}/not`: *Not Ekle*.
pub(super) async fn add_note(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Note, &state, &headers, id, &f).await
}

/// `POST /kayit/{id}/kaydet`: the official answer, closing the record.
pub(super) async fn close(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Answer, &state, &headers, id, &f).await
}

/// `POST /kayit/{id}/aktar`: transfer to another pool, with a reason.
pub(super) async fn transfer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Transfer, &state, &headers, id, &f).await
}

/// `POST /kayit/{id}/geri-donus`: a callback's outcome.
pub(super) async fn record_callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Callback, &state, &headers, id, &f).await
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

    #[test]
    fn a_retry_time_is_istanbul_wall_time() {
        // 25 Nov 2026 10:30 in Istanbul (UTC+3) is 07:30 UTC.
        let t = istanbul_time("2026-11-25T10:30").unwrap();
        assert_eq!(
            jiff::Timestamp::new(t.seconds, 0).unwrap().to_string(),
            "2026-11-25T07:30:00Z"
        );
        assert!(istanbul_time("25.11.2026 10:30").is_none());
    }

    #[test]
    fn not_reached_needs_a_time_and_an_outcome_is_required() {
        let f = |sonuc: &str, zaman: &str| TextForm {
            sonuc: sonuc.into(),
            zaman: zaman.into(),
            ..Default::default()
        };
        assert_eq!(callback_fields(&f("", "")).unwrap_err(), "sonuc-yok");
        assert_eq!(callback_fields(&f("0", "")).unwrap_err(), "sonuc-yok");
        assert_eq!(callback_fields(&f("2", "")).unwrap_err(), "zaman");
        assert!(
            callback_fields(&f("2", "2026-11-25T10:30"))
                .unwrap()
                .1
                .is_some()
        );
        assert_eq!(
            callback_fields(&f("1", "")).unwrap(),
            (pb::CallbackOutcome::Reached, None)
        );
    }

    #[test]
    fn forms_are_refused_without_the_token_or_with_text_out_of_bounds() {
        let form = |csrf: &str, text: &str| TextForm {
            csrf: csrf.into(),
            text: text.into(),
            version: "3".into(),
            ..Default::default()
        };
        assert_eq!(
            accept("t", &form("x", "a"), 10, false).unwrap_err().0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            accept("t", &form("t", " "), 10, false).unwrap_err().1,
            "gecersiz"
        );
        assert_eq!(
            accept("t", &form("t", &"ş".repeat(11)), 10, false)
                .unwrap_err()
                .1,
            "gecersiz"
        );
        assert_eq!(
            accept("t", &form("t", ""), 10, true).unwrap(),
            (3, String::new())
        );
        assert_eq!(
            accept("t", &form("t", " çağrı "), 10, false).unwrap(),
            (3, "çağrı".into())
        );
    }
}
