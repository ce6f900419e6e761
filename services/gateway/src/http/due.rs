//! *Süresi Yaklaşan / Süresi Geçen*: for pool managers (their pools),
//! directorate managers (their directorate) and admins (everything), the
//! open records whose legal due date or internal target is near, or past,
//! most urgent first, with how late each is in working days or hours. The
//! case service scopes and orders the lists and computes the lateness on
//! its working-day calendar; the counts are on the menu.

use std::{collections::HashMap, sync::Arc};

use axum::{extract::State, response::Response};
use tekmerkez_proto::{case_v1 as pb, common_v1};
use tekmerkez_types::catalogue::name_of;
use tonic::Code;

use super::{
    AppState, Frame,
    record::when,
    render,
    signed_in::{PoolManagers, RequireRole},
};
use crate::i18n::due::DueTexts;

/// One listed record.
struct DueRow {
    id: String,
    tracking_number: String,
    category: String,
    pool: String,
    holder: String,
    /// `dd.mm.yyyy`, empty without one.
    legal_due: String,
    internal_due: String,
    lateness: String,
    stage: &'static str,
    /// `yaklasiyor`, `gecti` or `iletildi`: the row's colour.
    class: &'static str,
}

#[derive(askama::Template)]
#[template(path = "due.html")]
struct DuePage {
    frame: Frame,
    t: &'static DueTexts,
    csrf: String,
    display_name: String,
    heading: &'static str,
    intro: &'static str,
    rows: Vec<DueRow>,
    total: String,
    more: Option<String>,
    failure: Option<&'static str>,
}

/// The most rows one page shows (the case service's largest page).
const DUE_PAGE: u32 = 200;

/// A `YYYY-MM-DD` date as Turkish and English desks write it: `13.03.2026`.
fn day(date: &str) -> String {
    date.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

/// How late `c` is, in the words of the deadline nearest to passing.
pub(super) fn lateness(t: &DueTexts, c: &pb::Case) -> String {
    let legal = c.legal_working_days_late.map(|n| {
        if n >= 0 {
            (t.working_days_late)(n)
        } else {
            (t.working_days_left)(-n)
        }
    });
    let internal = c.internal_minutes_late.map(|m| {
        let a = m.abs();
        if m >= 0 {
            (t.time_late)(a / 60, a % 60)
        } else {
            (t.time_left)(a / 60, a % 60)
        }
    });
    legal
        .into_iter()
        .chain(internal)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An escalation step's detail (`legal:2026-03-13`,
/// `internal:2026-03-14T02:00:00Z`) in words.
pub(crate) fn deadline_detail(t: &DueTexts, detail: &str) -> String {
    match detail.split_once(':') {
        Some(("legal", date)) => format!("{}: {}", t.legal_due, day(date)),
        Some(("internal", at)) => {
            let at = at
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| prost_types::Timestamp {
                    seconds: t.as_second(),
                    nanos: 0,
                });
            format!("{}: {}", t.internal_due, when(at.as_ref()))
        }
        _ => detail.to_owned(),
    }
}

fn class_of(stage: i32) -> &'static str {
    match pb::EscalationStage::try_from(stage) {
        Ok(pb::EscalationStage::Approaching | pb::EscalationStage::Imminent) => "yaklasiyor",
        Ok(pb::EscalationStage::Overdue) => "gecti",
        Ok(pb::EscalationStage::Escalated) => "iletildi",
        _ => "",
    }
}

async fn show(
    state: &AppState,
    frame: Frame,
    s: crate::session::Session,
    view: pb::CaseView,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().due);
    let b = &state.backend;
    let (mut d1, mut d2) = (b.directory(), b.directory());
    let mut cases = b.cases();
    let (listed, pools, people) = tokio::join!(
        cases.list_cases(b.as_user(
            s.user_id,
            pb::ListCasesRequest {
                view: view as i32,
                filter: None,
                sort: pb::CaseSort::Unspecified as i32,
                page: Some(common_v1::PageRequest {
                    page_size: DUE_PAGE,
                    page_token: String::new(),
                }),
                with_total: true,
                ..Default::default()
            },
        )),
        d1.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
        d2.list_users(b.as_user(s.user_id, pb::ListUsersRequest::default())),
    );
    let pool_names: HashMap<String, String> = pools
        .map(|r| {
            r.into_inner()
                .pools
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect()
        })
        .unwrap_or_default();
    let people: HashMap<String, String> = people
        .map(|r| {
            r.into_inner()
                .users
                .into_iter()
                .map(|u| (u.id, u.display_name))
                .collect()
        })
        .unwrap_or_default();
    let (rows, total, failure) = match listed {
        Ok(r) => {
            let r = r.into_inner();
            let rows: Vec<DueRow> = r
                .cases
                .into_iter()
                .map(|case| DueRow {
                    stage: t.stage_name(case.escalation_stage),
                    class: class_of(case.escalation_stage),
                    lateness: lateness(t, &case),
                    category: name_of(&state.categories, &case.category, frame.english())
                        .to_owned(),
                    pool: pool_names.get(&case.pool_id).cloned().unwrap_or_default(),
                    holder: people.get(&case.holder_id).cloned().unwrap_or_default(),
                    legal_due: day(&case.legal_due_date),
                    internal_due: when(case.internal_due_at.as_ref()),
                    tracking_number: case.tracking_number,
                    id: case.id,
                })
                .collect();
            let total = super::capped_count(r.total, r.total_capped, frame.lang);
            (rows, total, None)
        }
        Err(st) if matches!(st.code(), Code::PermissionDenied) => return super::refuse(&frame),
        Err(st) => {
            tracing::error!(code = ?st.code(), "listing due records failed");
            (Vec::new(), String::new(), Some(c.unavailable))
        }
    };
    let more = (rows.len() >= DUE_PAGE as usize).then(|| (t.only_most_urgent)(rows.len()));
    // The two lists are the desk menu's two entries (with their counts),
    // which mark the one shown.
    let (heading, intro) = if view == pb::CaseView::Overdue {
        (c.overdue, t.overdue_intro)
    } else {
        (c.due_soon, t.due_soon_intro)
    };
    render(&DuePage {
        csrf: s.csrf_token,
        display_name: s.display_name,
        heading,
        intro,
        rows,
        total,
        more,
        failure,
        t,
        frame,
    })
}

/// `GET /sure-yaklasan`.
pub(super) async fn due_soon(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<PoolManagers>,
) -> Response {
    show(&state, frame, s, pb::CaseView::DueSoon).await
}

/// `GET /sure-gecen`.
pub(super) async fn overdue(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<PoolManagers>,
) -> Response {
    show(&state, frame, s, pb::CaseView::Overdue).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::due::{EN, TR};

    #[test]
    fn lateness_reads_in_working_days_and_hours_in_both_languages() {
        let c = pb::Case {
            legal_working_days_late: Some(3),
            internal_minutes_late: Some(-90),
            ..Default::default()
        };
        assert_eq!(lateness(&TR, &c), "3 iş günü gecikti · 1 sa 30 dk kaldı");
        assert_eq!(lateness(&EN, &c), "3 working days late · 1 h 30 min left");
        let left = pb::Case {
            legal_working_days_late: Some(-2),
            ..Default::default()
        };
        assert_eq!(lateness(&TR, &left), "2 iş günü kaldı");
        assert_eq!(day("2026-03-13"), "13.03.2026");
        assert_eq!(day(""), "");
        assert_eq!(
            deadline_detail(&TR, "legal:2026-03-13"),
            "Yasal son gün: 13.03.2026"
        );
        assert_eq!(
            deadline_detail(&TR, "internal:2026-03-14T02:00:00Z"),
            "Kurum içi hedef: 14.03.2026 05:00"
        );
    }
}
