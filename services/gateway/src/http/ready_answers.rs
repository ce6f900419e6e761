//! *Hazır Cevaplar* (`/hazir-cevaplar`, admins and managers) and *Bilgi
//! Bankası* (`/bilgi-bankasi`, everyone who answers citizens): notify's
//! ready answers. Notify keeps them, versioned, and decides who may edit
//! which (admins every answer, managers a category's), asking the
//! directory for the person's role; the gateway calls as the signed-in
//! person. A refused save shows the form again as typed, the error by its
//! field and the focus on it.
//!
//! In the knowledge base each answer has *Bu bilgiyle kaydet*: the call
//! entry form opened as an information-only call with the subject and the
//! answer filled in (`/kayit-girisi/cagri?bilgi=1&hazir=…`), so recording
//! the call is that click and *Kaydet* once the caller's details are in.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::notify_v1 as npb;
use tekmerkez_types::catalogue::name_of;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{checked_form, one},
    message_page, render, see_other,
    signed_in::{PoolManagers, RequireRole, Roles},
};
use crate::{i18n::ready_answers::ReadyAnswerTexts, session::Session};

/// Who reads the knowledge base: everyone who answers citizens.
pub(super) struct Readers;

impl Roles for Readers {
    const ROLES: &'static [tekmerkez_proto::case_v1::Role] = &[
        tekmerkez_proto::case_v1::Role::Admin,
        tekmerkez_proto::case_v1::Role::PoolManager,
        tekmerkez_proto::case_v1::Role::DirectorateManager,
        tekmerkez_proto::case_v1::Role::Expert,
        tekmerkez_proto::case_v1::Role::CallbackAgent,
        tekmerkez_proto::case_v1::Role::CallCentreAgent,
    ];
}

/// The query of the management page and the knowledge base.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct PageQuery {
    durum: String,
    /// The answer being edited (its id).
    duzenle: String,
    /// The knowledge base's search.
    q: String,
}

/// One answer in a list.
struct Row {
    id: String,
    title: String,
    category: String,
    language: &'static str,
    version: i64,
    retired: bool,
    body: String,
}

/// One version in the history.
struct VersionRow {
    version: i64,
    saved_by: String,
    saved_at: String,
    title: String,
    body: String,
    retired: bool,
}

/// The edit form, as stored or as typed.
#[derive(Default)]
struct FormView {
    id: String,
    version: i64,
    title: String,
    category: String,
    language: String,
    body: String,
    /// The refused field (`baslik`, `konu`, `dil`, `metin`) and its error.
    error: Option<(&'static str, String)>,
}

#[derive(askama::Template)]
#[template(path = "ready_answers.html")]
struct ManagePage {
    frame: Frame,
    t: &'static ReadyAnswerTexts,
    csrf: String,
    display_name: String,
    rows: Vec<Row>,
    categories: Vec<(String, String)>,
    placeholders: Vec<String>,
    form: FormView,
    history: Vec<VersionRow>,
    message: Option<String>,
    is_error: bool,
}

impl ManagePage {
    fn error_on(&self, field: &str) -> Option<&str> {
        self.form
            .error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }
}

#[derive(askama::Template)]
#[template(path = "knowledge_base.html")]
struct KnowledgePage {
    frame: Frame,
    t: &'static ReadyAnswerTexts,
    csrf: String,
    display_name: String,
    query: String,
    rows: Vec<Row>,
    /// The person may record calls: each answer offers *Bu bilgiyle kaydet*.
    may_record: bool,
}

fn category_name(state: &AppState, code: &str, english: bool, t: &ReadyAnswerTexts) -> String {
    if code.is_empty() {
        t.general.to_owned()
    } else {
        name_of(&state.categories, code, english).to_owned()
    }
}

/// `body` as a person reads it: each placeholder by its name in words
/// (`{{takip_no}}` → "[Takip numarası]"), so a call-centre agent reading an
/// answer aloud, or a manager scanning the list, sees no code. The edit
/// form keeps them as written.
fn readable(body: &str, t: &'static ReadyAnswerTexts) -> String {
    t.placeholder_words
        .iter()
        .fold(body.to_owned(), |b, (code, words)| {
            b.replace(&format!("{{{{{code}}}}}"), &format!("[{words}]"))
        })
}

fn row(state: &AppState, a: npb::ReadyAnswer, english: bool, t: &'static ReadyAnswerTexts) -> Row {
    Row {
        category: category_name(state, &a.category, english, t),
        language: t.language_name(&a.language),
        id: a.id,
        title: a.title,
        version: a.version,
        retired: a.retired,
        body: readable(&a.body, t),
    }
}

/// The answers of `r`, or the page saying notify cannot be reached.
async fn list(
    state: &AppState,
    frame: &Frame,
    s: &Session,
    r: npb::ListReadyAnswersRequest,
) -> Result<npb::ListReadyAnswersResponse, Response> {
    let t = &frame.texts().ready_answers;
    let Some(mut client) = state.backend.ready_answers() else {
        return Err(message_page(
            frame,
            StatusCode::SERVICE_UNAVAILABLE,
            t.unavailable,
        ));
    };
    match client
        .list_ready_answers(state.backend.as_user(s.user_id, r))
        .await
    {
        Ok(r) => Ok(r.into_inner()),
        Err(st) if matches!(st.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            Err(super::refuse(frame))
        }
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing ready answers failed");
            Err(message_page(
                frame,
                StatusCode::SERVICE_UNAVAILABLE,
                t.unavailable,
            ))
        }
    }
}

/// The management page with `form` and `message`.
async fn manage_page(
    state: &AppState,
    frame: Frame,
    s: Session,
    form: FormView,
    message: Option<(String, bool)>,
) -> Response {
    let t = &frame.texts().ready_answers;
    let english = frame.english();
    let listed = match list(
        state,
        &frame,
        &s,
        npb::ListReadyAnswersRequest {
            include_retired: true,
            ..Default::default()
        },
    )
    .await
    {
        Ok(l) => l,
        Err(r) => return r,
    };
    let mut rows: Vec<Row> = listed
        .ready_answers
        .into_iter()
        .map(|a| row(state, a, english, t))
        .collect();
    // By subject, then title, retired last, as people look for them.
    rows.sort_by(|a, b| {
        a.retired
            .cmp(&b.retired)
            .then_with(|| tekmerkez_turkish::compare(&a.category, &b.category))
            .then_with(|| tekmerkez_turkish::compare(&a.title, &b.title))
    });
    let mut history = Vec::new();
    if !form.id.is_empty()
        && let Some(mut client) = state.backend.ready_answers()
        && let Ok(got) = client
            .get_ready_answer(state.backend.as_user(
                s.user_id,
                npb::GetReadyAnswerRequest {
                    id: form.id.clone(),
                    context: None,
                    include_history: true,
                },
            ))
            .await
    {
        history = got
            .into_inner()
            .versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                saved_by: if v.saved_by == s.user_id.to_string() {
                    s.display_name.clone()
                } else {
                    v.saved_by
                },
                saved_at: super::record::when(v.saved_at.as_ref()),
                title: v.title,
                body: readable(&v.body, t),
                retired: v.retired,
            })
            .collect();
    }
    let mut categories: Vec<(String, String)> = state
        .categories
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                name_of(&state.categories, &c.code, english).to_owned(),
            )
        })
        .collect();
    categories.sort_by(|a, b| tekmerkez_turkish::compare(&a.1, &b.1));
    let refused = form.error.is_some();
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&ManagePage {
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        rows,
        categories,
        placeholders: listed.placeholders,
        form,
        history,
        message,
        is_error,
        frame,
    });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `GET /hazir-cevaplar`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<PageQuery>,
    RequireRole(s, _): RequireRole<PoolManagers>,
) -> Response {
    let t = &frame.texts().ready_answers;
    let message = match q.durum.as_str() {
        "kaydedildi" => Some((t.saved.to_owned(), false)),
        "kaldirildi" => Some((t.retired_done.to_owned(), false)),
        "degisti" => Some((t.changed.to_owned(), true)),
        "yetki" => Some((t.not_allowed.to_owned(), true)),
        "hata" => Some((t.unavailable.to_owned(), true)),
        _ => None,
    };
    let mut form = FormView {
        language: if frame.english() { "en" } else { "tr" }.to_owned(),
        ..FormView::default()
    };
    if !q.duzenle.is_empty()
        && let Some(mut client) = state.backend.ready_answers()
        && let Ok(got) = client
            .get_ready_answer(state.backend.as_user(
                s.user_id,
                npb::GetReadyAnswerRequest {
                    id: q.duzenle.clone(),
                    context: None,
                    include_history: false,
                },
            ))
            .await
        && let Some(a) = got.into_inner().ready_answer
    {
        form = FormView {
            id: a.id,
            version: a.version,
            title: a.title,
            category: a.category,
            language: a.language,
            body: a.body,
            error: None,
        };
    }
    manage_page(&state, frame, s, form, message).await
}

/// `POST /hazir-cevaplar`: a new answer, or a new version of one.
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<PoolManagers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    };
    let t = &frame.texts().ready_answers;
    // The text keeps what was typed; only a browser's CRLF becomes LF.
    let text = f
        .get("metin")
        .and_then(|v| v.first())
        .map(|v| v.replace("\r\n", "\n"))
        .unwrap_or_default();
    let mut form = FormView {
        id: one(&f, "id"),
        version: one(&f, "surum").parse().unwrap_or_default(),
        title: one(&f, "baslik"),
        category: one(&f, "konu"),
        language: one(&f, "dil"),
        body: text,
        error: None,
    };
    let Some(mut client) = state.backend.ready_answers() else {
        return see_other("/hazir-cevaplar?durum=hata");
    };
    let r = client
        .save_ready_answer(state.backend.as_user(
            s.user_id,
            npb::SaveReadyAnswerRequest {
                ready_answer: Some(npb::ReadyAnswer {
                    id: form.id.clone(),
                    title: form.title.clone(),
                    category: form.category.clone(),
                    language: form.language.clone(),
                    body: form.body.clone(),
                    ..Default::default()
                }),
                expected_version: form.version,
            },
        ))
        .await;
    let st = match r {
        Ok(saved) => {
            let id = saved
                .into_inner()
                .ready_answer
                .map(|a| a.id)
                .unwrap_or_default();
            return see_other(&format!(
                "/hazir-cevaplar?durum=kaydedildi&duzenle={id}#duzenle"
            ));
        }
        Err(st) => st,
    };
    let (field, error) = match st.code() {
        Code::InvalidArgument => {
            use tonic_types::StatusExt as _;
            let v = st
                .get_details_bad_request()
                .and_then(|b| b.field_violations.first().cloned());
            let (field, rule) = v.map(|v| (v.field, v.description)).unwrap_or_default();
            let element = match field.as_str() {
                "ready_answer.title" => "baslik",
                "ready_answer.category" => "konu",
                "ready_answer.language" => "dil",
                _ => "metin",
            };
            let message = if rule.contains("unknown placeholder") {
                (t.unknown_placeholder)(&listed_placeholders(&state, &s).await.join(", "))
            } else {
                (t.invalid)(t.field(&field))
            };
            (element, message)
        }
        Code::Aborted => ("metin", t.changed.to_owned()),
        Code::PermissionDenied | Code::Unauthenticated => ("konu", t.not_allowed.to_owned()),
        other => {
            tracing::error!(code = ?other, "saving a ready answer failed");
            ("metin", t.unavailable.to_owned())
        }
    };
    form.error = Some((field, error.clone()));
    manage_page(&state, frame, s, form, Some((error, true))).await
}

/// The placeholders notify knows, as written.
async fn listed_placeholders(state: &AppState, s: &Session) -> Vec<String> {
    let Some(mut client) = state.backend.ready_answers() else {
        return Vec::new();
    };
    client
        .list_ready_answers(state.backend.as_user(
            s.user_id,
            npb::ListReadyAnswersRequest {
                // Only the placeholders are wanted: a category no answer has.
                category: "-".into(),
                ..Default::default()
            },
        ))
        .await
        .map(|r| r.into_inner().placeholders)
        .unwrap_or_default()
}

/// `POST /hazir-cevaplar/{id}/kaldir`: retires an answer.
pub(super) async fn retire(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    RequireRole(s, _): RequireRole<PoolManagers>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    };
    let Some(mut client) = state.backend.ready_answers() else {
        return see_other("/hazir-cevaplar?durum=hata");
    };
    let r = client
        .retire_ready_answer(state.backend.as_user(
            s.user_id,
            npb::RetireReadyAnswerRequest {
                id,
                expected_version: one(&f, "surum").parse().unwrap_or_default(),
            },
        ))
        .await;
    let durum = match r {
        Ok(_) => "kaldirildi",
        Err(st) => match st.code() {
            Code::Aborted | Code::NotFound | Code::InvalidArgument => "degisti",
            Code::PermissionDenied | Code::Unauthenticated => "yetki",
            other => {
                tracing::error!(code = ?other, "retiring a ready answer failed");
                "hata"
            }
        },
    };
    see_other(&format!("/hazir-cevaplar?durum={durum}"))
}

/// `GET /bilgi-bankasi?q=…`.
pub(super) async fn knowledge_base(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<PageQuery>,
    RequireRole(s, _): RequireRole<Readers>,
) -> Response {
    let t = &frame.texts().ready_answers;
    let english = frame.english();
    let query = q.q.trim().chars().take(200).collect::<String>();
    let listed = match list(
        &state,
        &frame,
        &s,
        npb::ListReadyAnswersRequest {
            query: query.clone(),
            ..Default::default()
        },
    )
    .await
    {
        Ok(l) => l,
        Err(r) => return r,
    };
    let rows = listed
        .ready_answers
        .into_iter()
        .map(|a| row(&state, a, english, t))
        .collect();
    render(&KnowledgePage {
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        query,
        rows,
        may_record: state.entry.is_some() && super::entry::may_record(s.role),
        frame,
    })
}

/// The ready answer `id` as the call entry form fills it for an
/// information-only call: (category, title, the text with today's date filled).
pub(super) async fn for_information_call(
    state: &AppState,
    s: &Session,
    id: &str,
) -> Option<(String, String, String)> {
    let mut client = state.backend.ready_answers()?;
    let got = client
        .get_ready_answer(state.backend.as_user(
            s.user_id,
            npb::GetReadyAnswerRequest {
                id: id.to_owned(),
                // No case yet: the caller's name is not known, the
                // tracking number not given; today's date is.
                context: Some(npb::ReplyContext::default()),
                include_history: false,
            },
        ))
        .await
        .ok()?
        .into_inner();
    let a = got.ready_answer?;
    Some((a.category, a.title, got.filled_body))
}
