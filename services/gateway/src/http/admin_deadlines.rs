//! *Süre Kuralları* (admins only, `/yonetim/sure-kurallari`): the deadline
//! policies the case service chooses due dates from. One dense table (the
//! key — source, type, category, translated — the legal period, the
//! internal target, the extension, the note rule, the closure reasons of
//! the closes no person makes, the version and who changed it), each row with *Düzenle* (which fills the form below) and
//! *Sil*; one form adds or changes a policy. The case service records who
//! and when and refuses an edit made on an old version; a refused form comes
//! back with everything typed and the error by its field.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tekmerkez_types::catalogue::name_of;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{checked_form, form_refused, one},
    refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{i18n::deadline::DeadlineTexts, session::Session};

const PAGE: &str = "/yonetim/sure-kurallari";

/// One policy as the table shows it.
struct PolicyRow {
    source: i32,
    application_type: i32,
    category: String,
    /// The key in words.
    source_name: &'static str,
    type_name: &'static str,
    category_name: String,
    legal: String,
    /// "yarım günler sayılmaz" when the policy says so: under the period,
    /// so that the period keeps to one line.
    legal_note: String,
    internal: String,
    extension: String,
    note_rule: String,
    /// The automatic closes' reasons in words ("Bilgi amaçlı kayıt: Bilgi
    /// verildi"), each stated one.
    automatic_reasons: Vec<String>,
    version: i64,
    changed: String,
}

/// The form, as stored or as typed. Numbers stay text so a refused form
/// shows what was typed.
#[derive(Debug, Default, Clone)]
struct PolicyForm {
    source: i32,
    application_type: i32,
    category: String,
    legal_days: String,
    legal_count: i32,
    half_days_off: bool,
    internal_n: String,
    internal_unit: i32,
    extension: String,
    note_days: String,
    note_count: i32,
    /// The automatic closes' reason codes, in `AUTOMATIC` order; empty:
    /// from a more general policy.
    reasons: [String; 3],
    /// 0: a new key.
    version: i64,
    /// The refused field (its form name) and what to say by it.
    error: Option<(&'static str, &'static str)>,
}

impl PolicyForm {
    fn error_on(&self, field: &str) -> Option<&str> {
        self.error.filter(|(f, _)| *f == field).map(|(_, e)| e)
    }

    fn of(p: &pb::DeadlinePolicy) -> Self {
        let legal = p.legal.unwrap_or_default();
        let internal = p.internal.unwrap_or_default();
        let note = p.note_rule.unwrap_or_default();
        Self {
            source: p.source,
            application_type: p.application_type,
            category: p.category.clone(),
            legal_days: p.legal.map(|l| l.days.to_string()).unwrap_or_default(),
            legal_count: legal.count,
            half_days_off: legal.half_days_off,
            internal_n: p.internal.map(|t| t.n.to_string()).unwrap_or_default(),
            internal_unit: internal.unit,
            extension: p.extension_days.map(|e| e.to_string()).unwrap_or_default(),
            note_days: p.note_rule.map(|n| n.days.to_string()).unwrap_or_default(),
            note_count: note.count,
            reasons: [
                p.information_only_reason.clone().unwrap_or_default(),
                p.incident_closed_reason.clone().unwrap_or_default(),
                p.field_work_confirmed_reason.clone().unwrap_or_default(),
            ],
            version: p.version,
            error: None,
        }
    }

    /// What the admin typed.
    fn typed(f: &HashMap<String, Vec<String>>) -> Self {
        let n = |k: &str| one(f, k).parse::<i32>().unwrap_or_default();
        Self {
            source: n("kaynak"),
            application_type: n("tur"),
            category: one(f, "kategori"),
            legal_days: one(f, "yasal_gun"),
            legal_count: n("yasal_sayim"),
            half_days_off: one(f, "yarim_gun") == "1",
            internal_n: one(f, "ic_hedef"),
            internal_unit: n("ic_birim"),
            extension: one(f, "uzatma"),
            note_days: one(f, "not_gun"),
            note_count: n("not_sayim"),
            reasons: AUTOMATIC.map(|(name, _)| one(f, name)),
            version: one(f, "surum").parse().unwrap_or_default(),
            error: None,
        }
    }

    /// The policy to send, or the first field the gateway refuses: a number
    /// out of its range (empty: unset, taken from a more general policy)
    /// and, with it, its unit.
    fn policy(
        &self,
        t: &DeadlineTexts,
    ) -> Result<pb::DeadlinePolicy, (&'static str, &'static str)> {
        // The case service's ranges, so that a number it would refuse is
        // refused here with the range in words.
        let number = |field: &'static str,
                      raw: &str,
                      range: std::ops::RangeInclusive<u32>,
                      error: &'static str|
         -> Result<Option<u32>, _> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or((field, error))
        };
        let unit = |field: &'static str, n: Option<u32>, unit: i32| {
            if n.is_some() && unit == 0 {
                Err((field, t.unit_needed))
            } else {
                Ok(())
            }
        };
        let legal = number("yasal_gun", &self.legal_days, 1..=365, t.days_invalid)?;
        unit("yasal_sayim", legal, self.legal_count)?;
        let internal = number("ic_hedef", &self.internal_n, 1..=8760, t.target_invalid)?;
        unit("ic_birim", internal, self.internal_unit)?;
        let extension = number("uzatma", &self.extension, 0..=365, t.extension_invalid)?;
        let note = number("not_gun", &self.note_days, 1..=365, t.days_invalid)?;
        unit("not_sayim", note, self.note_count)?;
        Ok(pb::DeadlinePolicy {
            source: self.source,
            application_type: self.application_type,
            category: self.category.clone(),
            legal: legal.map(|days| pb::LegalPeriod {
                days,
                count: self.legal_count,
                half_days_off: self.half_days_off,
            }),
            internal: internal.map(|n| pb::InternalTarget {
                n,
                unit: self.internal_unit,
            }),
            extension_days: extension,
            note_rule: note.map(|days| pb::NoteRule {
                days,
                count: self.note_count,
            }),
            information_only_reason: stated(&self.reasons[0]),
            incident_closed_reason: stated(&self.reasons[1]),
            field_work_confirmed_reason: stated(&self.reasons[2]),
            ..Default::default()
        })
    }
}

/// The automatic closes' form fields, with the case service's field names.
const AUTOMATIC: [(&str, &str); 3] = [
    ("neden_bilgi", "information_only_reason"),
    ("neden_olay", "incident_closed_reason"),
    ("neden_saha", "field_work_confirmed_reason"),
];

/// A reason as chosen; none is "from a more general policy".
fn stated(code: &str) -> Option<String> {
    (!code.is_empty()).then(|| code.to_owned())
}

/// The automatic closes' labels, in `AUTOMATIC` order.
fn automatic_labels(t: &DeadlineTexts) -> [&'static str; 3] {
    [
        t.reason_information_only,
        t.reason_incident_closed,
        t.reason_field_work,
    ]
}

#[derive(askama::Template)]
#[template(path = "admin_deadlines.html")]
struct PoliciesPage {
    frame: Frame,
    t: &'static DeadlineTexts,
    csrf: String,
    display_name: String,
    policies: Vec<PolicyRow>,
    form: PolicyForm,
    /// The form's choices: (number, words).
    sources: Vec<(i32, &'static str)>,
    types: Vec<(i32, &'static str)>,
    /// (code, name).
    categories: Vec<(String, String)>,
    /// The automatic closes' fields: (form name, label, choice).
    automatic: Vec<(&'static str, &'static str, String)>,
    /// The active closure reasons, and those the form states: (code, label).
    reasons: Vec<(String, String)>,
    message: Option<String>,
    is_error: bool,
}

/// Which policy to put in the form (`?kaynak=…&tur=…&kategori=…`), and
/// what the last write did (`?durum=…`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct PolicyQuery {
    durum: String,
    duzenle: String,
    kaynak: i32,
    tur: i32,
    kategori: String,
}

fn message(t: &DeadlineTexts, durum: &str) -> Option<(String, bool)> {
    let (text, error) = match durum {
        "kaydedildi" => (t.saved, false),
        "silindi" => (t.deleted, false),
        "degisti" => (t.stale, true),
        "yok" => (t.not_found, true),
        _ => return None,
    };
    Some((text.to_owned(), error))
}

/// `GET /yonetim/sure-kurallari`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(q): Query<PolicyQuery>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let m = message(&frame.texts().deadline, &q.durum);
    let edit = (q.duzenle == "1").then_some((q.kaynak, q.tur, q.kategori));
    page(&state, frame, s, m, edit, None).await
}

/// A period in words ("15 iş günü").
fn period(n: u32, unit: &str) -> String {
    format!("{n} {unit}")
}

/// The page with `message` on top; the form holds the policy `edit`
/// names, or `typed` (a refused form), or a new policy.
async fn page(
    state: &AppState,
    frame: Frame,
    s: Session,
    message: Option<(String, bool)>,
    edit: Option<(i32, i32, String)>,
    typed: Option<PolicyForm>,
) -> Response {
    let texts = frame.texts();
    let (t, cl) = (&texts.deadline, &texts.classify);
    let b = &state.backend;
    let listed = b
        .deadlines()
        .list_deadline_policies(b.as_user(s.user_id, pb::ListDeadlinePoliciesRequest {}))
        .await;
    let policies = match listed {
        Ok(r) => r.into_inner().policies,
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            return refuse(&frame);
        }
        Err(e) => return failed(&frame, &e),
    };
    let english = frame.english();
    // Their labels (inactive ones too, to name what a policy still states).
    let reasons = b
        .classification()
        .list_closure_reasons(b.as_user(
            s.user_id,
            pb::ListClosureReasonsRequest {
                include_inactive: true,
            },
        ))
        .await;
    let reasons = match reasons {
        Ok(r) => r.into_inner().reasons,
        Err(e) => return failed(&frame, &e),
    };
    let reason_label = |code: &str| {
        reasons.iter().find(|r| r.code == code).map_or_else(
            || code.to_owned(),
            |r| {
                if english {
                    r.label_en.clone()
                } else {
                    r.label_tr.clone()
                }
            },
        )
    };
    let category_name = |code: &str| {
        if code.is_empty() {
            t.any.to_owned()
        } else {
            name_of(&state.categories, code, english).to_owned()
        }
    };
    let any_or = |name: &'static str| if name.is_empty() { t.any } else { name };
    let rows = policies
        .iter()
        .map(|p| PolicyRow {
            source: p.source,
            application_type: p.application_type,
            category: p.category.clone(),
            source_name: if p.source == 0 {
                t.any
            } else {
                cl.source_name(p.source)
            },
            type_name: any_or(cl.type_name(p.application_type)),
            category_name: category_name(&p.category),
            legal: p.legal.map_or_else(
                || t.unset.to_owned(),
                |l| period(l.days, t.day_count(l.count)),
            ),
            legal_note: p
                .legal
                .filter(|l| l.half_days_off)
                .map(|_| t.half_days_off.to_lowercase())
                .unwrap_or_default(),
            internal: p.internal.map_or_else(
                || t.unset.to_owned(),
                |i| period(i.n, t.target_unit(i.unit)),
            ),
            extension: p
                .extension_days
                .map_or_else(|| t.unset.to_owned(), |e| e.to_string()),
            note_rule: p.note_rule.map_or_else(
                || t.unset.to_owned(),
                |n| period(n.days, t.day_count(n.count)),
            ),
            automatic_reasons: automatic_labels(t)
                .into_iter()
                .zip([
                    &p.information_only_reason,
                    &p.incident_closed_reason,
                    &p.field_work_confirmed_reason,
                ])
                .filter_map(|(label, code)| {
                    code.as_deref()
                        .map(|c| format!("{label}: {}", reason_label(c)))
                })
                .collect(),
            version: p.version,
            changed: if p.updated_by_display_name.is_empty() {
                String::new()
            } else {
                format!(
                    "{}, {}",
                    p.updated_by_display_name,
                    super::record::when(p.updated_at.as_ref())
                )
            },
        })
        .collect();
    let refused = typed.is_some();
    let form = typed
        .or_else(|| {
            let (source, ty, category) = edit?;
            policies
                .iter()
                .find(|p| p.source == source && p.application_type == ty && p.category == category)
                .map(PolicyForm::of)
        })
        .unwrap_or_default();
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&PoliciesPage {
        sources: [
            common::ApplicationSource::Direct,
            common::ApplicationSource::Cimer,
            common::ApplicationSource::AcikKapi,
            common::ApplicationSource::OtherBody,
        ]
        .into_iter()
        .map(|s| (s as i32, cl.source_name(s as i32)))
        .collect(),
        types: (1..=6).map(|n| (n, cl.type_name(n))).collect(),
        categories: state
            .categories
            .iter()
            .map(|c| {
                (
                    c.code.clone(),
                    name_of(&state.categories, &c.code, english).to_owned(),
                )
            })
            .collect(),
        automatic: AUTOMATIC
            .iter()
            .zip(automatic_labels(t))
            .zip(&form.reasons)
            .map(|(((name, _), label), chosen)| (*name, label, chosen.clone()))
            .collect(),
        reasons: reasons
            .iter()
            // An inactive reason a policy still states stays choosable,
            // or saving the policy again would silently drop it.
            .filter(|r| r.active || form.reasons.contains(&r.code))
            .map(|r| (r.code.clone(), reason_label(&r.code)))
            .collect(),
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        policies: rows,
        form,
        message,
        is_error,
        frame,
    });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The form field of a refused request field.
fn refused_field(t: &DeadlineTexts, st: &tonic::Status) -> (&'static str, &'static str) {
    use tonic_types::StatusExt as _;
    let field = st
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default();
    if let Some((name, _)) = AUTOMATIC.iter().find(|(_, f)| field.contains(f)) {
        return (name, t.reason_invalid);
    }
    // "legal" or "note_rule" alone: the general policy must state it.
    match field.as_str() {
        "legal" => return ("yasal_gun", t.default_needs),
        "note_rule" => return ("not_gun", t.default_needs),
        _ => {}
    }
    if field.contains("legal") {
        ("yasal_gun", t.days_invalid)
    } else if field.contains("internal") {
        ("ic_hedef", t.target_invalid)
    } else if field.contains("extension") {
        ("uzatma", t.extension_invalid)
    } else if field.contains("note_rule") {
        ("not_gun", t.days_invalid)
    } else if field.contains("category") {
        ("kategori", t.refused)
    } else if field.contains("type") {
        ("tur", t.refused)
    } else {
        ("kaynak", t.refused)
    }
}

/// `POST /yonetim/sure-kurallari`: a policy added (version 0) or changed.
pub(super) async fn put(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let t = &frame.texts().deadline;
    let mut form = PolicyForm::typed(&f);
    let policy = match form.policy(t) {
        Ok(p) => p,
        Err(error) => {
            form.error = Some(error);
            return page(
                &state,
                frame,
                s,
                Some((t.refused.to_owned(), true)),
                None,
                Some(form),
            )
            .await;
        }
    };
    let b = &state.backend;
    let r = b
        .deadlines()
        .put_deadline_policy(b.as_user(
            s.user_id,
            pb::PutDeadlinePolicyRequest {
                policy: Some(policy),
                expected_version: form.version,
            },
        ))
        .await;
    let (field, error) = match r {
        Ok(_) => return see_other(&format!("{PAGE}?durum=kaydedildi")),
        Err(st) if st.code() == Code::InvalidArgument => refused_field(t, &st),
        Err(st) if st.code() == Code::AlreadyExists => ("kaynak", t.exists),
        Err(st)
            if matches!(
                st.code(),
                Code::FailedPrecondition | Code::Aborted | Code::NotFound
            ) =>
        {
            ("kaynak", t.stale)
        }
        Err(st) => return failed(&frame, &st),
    };
    form.error = Some((field, error));
    page(
        &state,
        frame,
        s,
        Some((error.to_owned(), true)),
        None,
        Some(form),
    )
    .await
}

/// `POST /yonetim/sure-kurallari/sil`: a policy removed.
pub(super) async fn delete(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let form = PolicyForm::typed(&f);
    let b = &state.backend;
    let r = b
        .deadlines()
        .delete_deadline_policy(b.as_user(
            s.user_id,
            pb::DeleteDeadlinePolicyRequest {
                source: form.source,
                application_type: form.application_type,
                category: form.category,
                expected_version: form.version,
            },
        ))
        .await;
    let t = &frame.texts().deadline;
    match r {
        Ok(_) => see_other(&format!("{PAGE}?durum=silindi")),
        Err(st) if st.code() == Code::NotFound => see_other(&format!("{PAGE}?durum=yok")),
        // The case service keeps the general policy (every part "any").
        Err(st) if st.code() == Code::InvalidArgument => {
            let mut r = page(
                &state,
                frame,
                s,
                Some((t.default_kept.to_owned(), true)),
                None,
                None,
            )
            .await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(st) if matches!(st.code(), Code::FailedPrecondition | Code::Aborted) => {
            let mut r = page(
                &state,
                frame,
                s,
                Some((t.stale.to_owned(), true)),
                None,
                None,
            )
            .await;
            *r.status_mut() = StatusCode::CONFLICT;
            r
        }
        Err(st) => failed(&frame, &st),
    }
}

/// A call that failed for another reason than the form.
fn failed(frame: &Frame, st: &tonic::Status) -> Response {
    match st.code() {
        Code::PermissionDenied | Code::Unauthenticated => refuse(frame),
        other => {
            tracing::error!(code = ?other, "a deadline policy call failed");
            let mut r =
                super::message_page(frame, StatusCode::SERVICE_UNAVAILABLE, frame.c.unavailable);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}
