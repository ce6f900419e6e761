//! *Kaydı Aktar* (`GET`/`POST /kayit/{id}/aktar`): a pool manager or an
//! admin sends a record to any pool of the institution (grouped by
//! province, then directorate and unit, in Turkish alphabetical order) and
//! may correct its province, district and category on the way. The case
//! service decides who may (an expert never moves a record across
//! provinces) and records each correction as a task step; a refused
//! transfer comes back with everything chosen and the error by its field.

use std::sync::Arc;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::{catalogue::name_of, limits};
use tonic::Code;

use super::{AppState, Frame, message_page, render, see_other, signed_in::SignedIn};
use crate::{
    i18n::transfer::TransferTexts,
    session::{Session, tokens_match},
};

/// One option of the target select.
struct Target {
    id: String,
    /// `Directorate › Unit`.
    label: String,
}

/// The targets of one province (an `optgroup`).
struct Group {
    province: String,
    targets: Vec<Target>,
}

#[derive(askama::Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    frame: Frame,
    t: &'static TransferTexts,
    csrf: String,
    display_name: String,
    id: String,
    version: i64,
    tracking_number: String,
    pool: String,
    /// What the record has now, in words.
    province_now: String,
    district_now: String,
    category_now: String,
    groups: Vec<Group>,
    /// Every province (code, name), in Turkish alphabetical order.
    provinces: Vec<(u32, String)>,
    /// The districts of the chosen (or the record's) province.
    districts: Vec<String>,
    /// Every category (code, name), in Turkish alphabetical order.
    categories: Vec<(String, String)>,
    /// What the person chose (kept through a refusal).
    v: TransferForm,
    /// The list the record was opened from (`path?filters`; empty: none),
    /// so the transfer leads to its next record.
    from_list: String,
    /// The record page, remembering that list.
    back_href: String,
    message: Option<String>,
    is_error: bool,
    /// Field-level messages: (field id, message); the first gets the focus.
    problems: Vec<(&'static str, String)>,
}

impl TransferPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn focus(&self, field: &str) -> bool {
        self.problems.first().is_some_and(|(f, _)| *f == field)
    }
}

/// What the transfer form posts.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(super) struct TransferForm {
    csrf: String,
    version: String,
    /// The target pool.
    hedef: String,
    /// The reason.
    gerekce: String,
    /// The corrected province's plate code; empty keeps the record's.
    il: String,
    /// The corrected district; empty keeps it (or clears it with a new province).
    ilce: String,
    /// The corrected category code; empty keeps the record's.
    kategori: String,
    /// The list the record was opened from (see `views::list_address`).
    from: String,
}

/// The target pools, grouped by province and sorted the Turkish way,
/// without the record's own pool.
fn group_targets(
    pools: &[pb::Pool],
    units: &[pb::Unit],
    directorates: &[pb::Directorate],
    current: &str,
) -> Vec<Group> {
    let province_name = |code: u32| {
        u8::try_from(code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
            .map_or_else(|| code.to_string(), |p| p.name().to_owned())
    };
    let mut rows: Vec<(String, String, String, String)> = pools
        .iter()
        .filter(|p| p.id != current)
        .map(|p| {
            let unit = units.iter().find(|u| u.id == p.unit_id);
            let directorate = unit
                .and_then(|u| directorates.iter().find(|d| d.id == u.directorate_id))
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let unit = unit.map_or_else(|| p.name.clone(), |u| u.name.clone());
            (
                province_name(p.province_code),
                directorate,
                unit,
                p.id.clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        tekmerkez_turkish::compare(&a.0, &b.0)
            .then_with(|| tekmerkez_turkish::compare(&a.1, &b.1))
            .then_with(|| tekmerkez_turkish::compare(&a.2, &b.2))
    });
    let mut groups: Vec<Group> = Vec::new();
    for (province, directorate, unit, id) in rows {
        let label = if directorate.is_empty() {
            unit
        } else {
            format!("{directorate} › {unit}")
        };
        match groups.last_mut() {
            Some(g) if g.province == province => g.targets.push(Target { id, label }),
            _ => groups.push(Group {
                province,
                targets: vec![Target { id, label }],
            }),
        }
    }
    groups
}

/// The page for record `id`, with `v` chosen, or the not-found page.
async fn page(
    state: &AppState,
    frame: Frame,
    s: Session,
    id: String,
    v: TransferForm,
    (message, problems, status): Refused,
) -> Response {
    let t = &frame.texts().transfer;
    let b = &state.backend;
    let got = b
        .cases()
        .get_case(b.as_user(
            s.user_id,
            pb::GetCaseRequest {
                case_id: id.clone(),
                ..Default::default()
            },
        ))
        .await;
    let Ok(Some(case)) = got.map(|r| r.into_inner().case) else {
        let not_found = frame.texts().record.record_not_found;
        return message_page(&frame, StatusCode::NOT_FOUND, not_found);
    };
    let mut dir = b.directory();
    let pools = dir
        .list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default()))
        .await
        .map(|r| r.into_inner().pools)
        .unwrap_or_default();
    let units = dir
        .list_units(b.as_user(s.user_id, pb::ListUnitsRequest::default()))
        .await
        .map(|r| r.into_inner().units)
        .unwrap_or_default();
    let directorates = dir
        .list_directorates(b.as_user(s.user_id, pb::ListDirectoratesRequest {}))
        .await
        .map(|r| r.into_inner().directorates)
        .unwrap_or_default();
    let loc = case.location.clone().unwrap_or_default();
    let province_of = |code: u32| {
        u8::try_from(code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
    };
    let mut provinces: Vec<(u32, String)> = tekmerkez_geo::provinces()
        .iter()
        .map(|p| (u32::from(p.code()), p.name().to_owned()))
        .collect();
    provinces.sort_by(|a, b| tekmerkez_turkish::compare(&a.1, &b.1));
    let chosen_province = v.il.parse::<u32>().unwrap_or(loc.province_code);
    let mut districts = province_of(chosen_province)
        .map(|p| p.districts().to_vec())
        .unwrap_or_default();
    districts.sort_by(|a, b| tekmerkez_turkish::compare(a, b));
    let english = frame.english();
    let mut categories: Vec<(String, String)> = state
        .categories
        .iter()
        .map(|c| {
            let name = if english { &c.name_en } else { &c.name_tr };
            (c.code.clone(), name.clone())
        })
        .collect();
    categories.sort_by(|a, b| tekmerkez_turkish::compare(&a.1, &b.1));
    let pool = pools
        .iter()
        .find(|p| p.id == case.pool_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let list = super::views::list_address(&v.from, state);
    let from_list = list
        .as_ref()
        .map(super::views::ListAddress::href)
        .unwrap_or_default();
    let back_href = match &list {
        Some(l) => format!("/kayit/{}?{}", case.id, super::views::from_pair(l)),
        None => format!("/kayit/{}", case.id),
    };
    let mut r = render(&TransferPage {
        from_list,
        back_href,
        csrf: s.csrf_token,
        display_name: s.display_name,
        id: case.id.clone(),
        version: case.version,
        tracking_number: case.tracking_number.clone(),
        pool,
        province_now: province_of(loc.province_code)
            .map(|p| p.name().to_owned())
            .unwrap_or_default(),
        district_now: if loc.district.is_empty() {
            t.none.to_owned()
        } else {
            loc.district.clone()
        },
        category_now: name_of(&state.categories, &case.category, english).to_owned(),
        groups: group_targets(&pools, &units, &directorates, &case.pool_id),
        provinces,
        districts,
        categories,
        v,
        is_error: message.is_some() || !problems.is_empty(),
        message,
        problems,
        t,
        frame,
    });
    *r.status_mut() = status;
    r
}

/// The transfer link's query: the list the record was opened from.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct FromQuery {
    from: String,
}

/// `GET /kayit/{id}/aktar`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    Query(q): Query<FromQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    if uuid::Uuid::parse_str(&id).is_err() {
        let not_found = frame.texts().record.record_not_found;
        return message_page(&frame, StatusCode::NOT_FOUND, not_found);
    }
    page(
        &state,
        frame,
        s,
        id,
        TransferForm {
            from: q.from,
            ..TransferForm::default()
        },
        (None, Vec::new(), StatusCode::OK),
    )
    .await
}

/// The form's field for a field the case service named.
fn field_of(t: &TransferTexts, field: &str) -> Option<(&'static str, String)> {
    Some(match field {
        "target_pool_id" => ("hedef", t.target_needed.to_owned()),
        "reason" => ("gerekce", t.reason_needed.to_string()),
        "province_code" => ("il", t.province_invalid.to_owned()),
        "district" => ("ilce", t.district_invalid.to_owned()),
        "category" => ("kategori", t.category_invalid.to_owned()),
        _ => return None,
    })
}

/// What the form itself gets wrong, before asking the case service.
fn check(t: &TransferTexts, f: &TransferForm) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if uuid::Uuid::parse_str(f.hedef.trim()).is_err() {
        problems.push(("hedef", t.target_needed.to_owned()));
    }
    let reason = f.gerekce.trim();
    if reason.is_empty() || reason.chars().count() > limits::REASON {
        problems.push(("gerekce", t.reason_needed.to_string()));
    }
    if !f.il.is_empty() && f.il.parse::<u32>().is_err() {
        problems.push(("il", t.province_invalid.to_owned()));
    }
    problems
}

/// `POST /kayit/{id}/aktar`.
pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    Form(f): Form<TransferForm>,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().transfer);
    if uuid::Uuid::parse_str(&id).is_err() {
        return message_page(
            &frame,
            StatusCode::NOT_FOUND,
            frame.texts().record.record_not_found,
        );
    }
    let (message, problems, status) = if !tokens_match(&s.csrf_token, &f.csrf) {
        (
            Some(c.form_expired.to_owned()),
            Vec::new(),
            StatusCode::FORBIDDEN,
        )
    } else {
        let problems = check(t, &f);
        if problems.is_empty() {
            let req = pb::TransferCaseRequest {
                case_id: id.clone(),
                target_pool_id: f.hedef.trim().to_owned(),
                reason: f.gerekce.trim().to_owned(),
                expected_version: f.version.parse().ok(),
                province_code: f.il.parse().unwrap_or(0),
                district: f.ilce.trim().to_owned(),
                category: f.kategori.trim().to_owned(),
            };
            let b = &state.backend;
            match b.cases().transfer_case(b.as_user(s.user_id, req)).await {
                // Opened from a list: its next record, saying where this
                // one went.
                Ok(r) => {
                    let no = r
                        .get_ref()
                        .case
                        .as_ref()
                        .map(|c| c.tracking_number.as_str())
                        .unwrap_or_default();
                    if let Some(to) =
                        super::views::after_action(&f.from, &state, &id, "aktarildi", no)
                    {
                        return see_other(&to);
                    }
                    // The record may have left the person's sight: back to the pool.
                    return see_other("/havuz?durum=aktarildi");
                }
                Err(st) => refusal(t, c.not_allowed, &st),
            }
        } else {
            (None, problems, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let message = message.or_else(|| (!problems.is_empty()).then(|| t.check_fields.to_owned()));
    page(&state, frame, s, id, f, (message, problems, status)).await
}

/// The page's message, its field problems and the answer's status.
type Refused = (Option<String>, Vec<(&'static str, String)>, StatusCode);

/// The page's message and field problems for the case service's refusal.
fn refusal(t: &TransferTexts, not_allowed: &str, st: &tonic::Status) -> Refused {
    use tonic_types::StatusExt as _;
    match st.code() {
        Code::InvalidArgument => {
            let mut problems: Vec<_> = st
                .get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| field_of(t, &v.field))
                .collect();
            problems.dedup_by_key(|p| p.0);
            (None, problems, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Code::FailedPrecondition if st.message().contains("already in that pool") => (
            None,
            vec![("hedef", t.target_same.to_owned())],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Code::NotFound if st.message().contains("target pool") => (
            None,
            vec![("hedef", t.target_needed.to_owned())],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Code::PermissionDenied | Code::NotFound => (
            Some(not_allowed.to_owned()),
            Vec::new(),
            StatusCode::FORBIDDEN,
        ),
        Code::FailedPrecondition | Code::Aborted => (
            Some(t.record_changed.to_owned()),
            Vec::new(),
            StatusCode::CONFLICT,
        ),
        other => {
            tracing::error!(code = ?other, "a transfer failed");
            (
                Some(t.record_changed.to_owned()),
                Vec::new(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

/// The words of a correction step's detail (`old → new` codes) for the
/// record page: plate codes become province names, category codes their
/// names, an empty side "(none)".
pub(in crate::http) fn correction_detail(
    t: &TransferTexts,
    categories: &[tekmerkez_types::catalogue::Category],
    english: bool,
    action: pb::HistoryAction,
    detail: &str,
) -> String {
    let Some((from, to)) = detail.split_once(" → ") else {
        return detail.to_owned();
    };
    let word = |s: &str| -> String {
        let s = s.trim();
        if s.is_empty() {
            return t.none.to_owned();
        }
        match action {
            pb::HistoryAction::ProvinceCorrected => s
                .parse::<u8>()
                .ok()
                .and_then(tekmerkez_geo::province_by_code)
                .map_or_else(|| s.to_owned(), |p| p.name().to_owned()),
            pb::HistoryAction::CategoryCorrected => name_of(categories, s, english).to_owned(),
            _ => s.to_owned(),
        }
    };
    format!("{} → {}", word(from), word(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_grouped_by_province_then_directorate_and_unit_in_turkish_order() {
        let d = |id: &str, name: &str| pb::Directorate {
            id: id.into(),
            name: name.into(),
        };
        let u = |id: &str, dir: &str, name: &str| pb::Unit {
            id: id.into(),
            directorate_id: dir.into(),
            name: name.into(),
        };
        let p = |id: &str, unit: &str, province: u32| pb::Pool {
            id: id.into(),
            unit_id: unit.into(),
            province_code: province,
            name: String::new(),
            triage: false,
        };
        let dirs = [d("d1", "Su İşleri"), d("d2", "Çevre Koruma")];
        let units = [
            u("u1", "d1", "Arıza"),
            u("u2", "d2", "Denetim"),
            u("u3", "d1", "Abone"),
        ];
        // İzmir (35), Çankırı (18), Ankara (6), Istanbul (34): Turkish order
        // puts Çankırı after C and İstanbul after I.
        let pools = [
            p("a", "u1", 35),
            p("b", "u2", 18),
            p("c", "u1", 6),
            p("d", "u3", 6),
            p("e", "u2", 6),
            p("f", "u1", 34),
        ];
        let groups = group_targets(&pools, &units, &dirs, "c");
        let seen: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.province.as_str(),
                    g.targets.iter().map(|t| t.label.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "Ankara",
                    vec!["Çevre Koruma › Denetim", "Su İşleri › Abone"]
                ),
                ("Çankırı", vec!["Çevre Koruma › Denetim"]),
                ("İstanbul", vec!["Su İşleri › Arıza"]),
                ("İzmir", vec!["Su İşleri › Arıza"]),
            ]
        );
    }

    #[test]
    fn a_correction_step_reads_in_words() {
        let t = &crate::i18n::transfer::TR;
        let cats = [tekmerkez_types::catalogue::Category {
            code: "su_arizasi".into(),
            name_tr: "Su arızası".into(),
            name_en: "Water failure".into(),
        }];
        let w = |a, d: &str| correction_detail(t, &cats, false, a, d);
        assert_eq!(
            w(pb::HistoryAction::ProvinceCorrected, "6 → 35"),
            "Ankara → İzmir"
        );
        assert_eq!(
            w(pb::HistoryAction::DistrictCorrected, "Çankaya → "),
            "Çankaya → (yok)"
        );
        assert_eq!(
            w(pb::HistoryAction::CategoryCorrected, "su_arizasi → fatura"),
            "Su arızası → fatura"
        );
    }
}
