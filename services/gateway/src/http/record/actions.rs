//! The record page's forms: *Not Ekle*, the official answer with *Kaydet*
//! (which closes the record) and the callback agent's outcome (the
//! transfer has its own page, `http::transfer`). Each checks the session's CSRF token and sends the
//! version the page showed; where it leads is a redirect back with a
//! `durum` the page words.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::limits;
use tonic::Code;

use crate::{
    http::{AppState, see_other, signed_in::SignedIn},
    session::{Session, tokens_match},
};

/// What the record page's forms post (each form sends the fields it has).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(in crate::http) struct TextForm {
    csrf: String,
    text: String,
    version: String,
    /// Callback: the outcome number.
    sonuc: String,
    /// Callback: when to call again (`datetime-local`, Istanbul time).
    zaman: String,
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
    /// The callback agent records what the call brought.
    Callback,
}

/// Checks the id and the form, then writes with the version the page
/// showed.
async fn write(
    kind: TextWrite,
    state: &AppState,
    s: Session,
    id: String,
    f: &TextForm,
) -> Response {
    if uuid::Uuid::parse_str(&id).is_err() {
        return see_other("/");
    }
    let (max, optional) = match kind {
        // The desk's answer keeps to a note's length (the case service
        // would take up to `limits::OFFICIAL_ANSWER`).
        TextWrite::Note | TextWrite::Answer => (limits::NOTE, false),
        TextWrite::Callback => (limits::NOTE, true),
    };
    let (version, text) = match accept(&s.csrf_token, f, max, optional) {
        Ok(v) => v,
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
pub(in crate::http) async fn add_note(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Note, &state, s, id, &f).await
}

/// `POST /kayit/{id}/kaydet`: the official answer, closing the record.
pub(in crate::http) async fn close(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Answer, &state, s, id, &f).await
}

/// `POST /kayit/{id}/geri-donus`: a callback's outcome.
pub(in crate::http) async fn record_callback(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TextForm>,
) -> Response {
    write(TextWrite::Callback, &state, s, id, &f).await
}

#[cfg(test)]
mod tests {
    use super::*;

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
