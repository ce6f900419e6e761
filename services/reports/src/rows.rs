//! The cases behind the figures (`report_case_rows`): one row per open
//! span of a case (its opening, then each reopening), under the case's
//! current keys, derived from its [`Fact`] exactly as the rollups are, so
//! that counting rows gives the rollups' figures:
//!
//! - opened: span 0 whose `opened_day` is in the period;
//! - resolved: rows whose `resolved_day` is in the period (a case resolved,
//!   reopened and resolved again in a period counts, and is listed, twice,
//!   as the figure counts resolutions);
//! - on time / late: those with `on_time` 1 / 0 (null without a due date);
//! - open at the end of day `T`: `start_day ≤ T` and not resolved by `T`;
//! - linked to an incident: span 0 whose `opened_day` is in the period and
//!   whose case is linked now (`linked` 1, on every span of the case).
//!
//! Spans of one case never overlap, so "open at `T`" lists a case once.

use tekmerkez_sqlpool::Statement;

use crate::fact::{Fact, Keys, day_number, day_of};

/// One span of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// 0 for the opening, then 1, 2, … for each reopening.
    pub span: i32,
    /// The case's creation, Unix seconds.
    pub opened_at: i64,
    /// Its Istanbul day.
    pub opened_day: i32,
    /// The span's first day (the opening's or the reopening's).
    pub start_day: i32,
    /// The span's resolution, Unix seconds; `None` while open.
    pub resolved_at: Option<i64>,
    /// Its Istanbul day.
    pub resolved_day: Option<i32>,
    /// The legal due date's day, when there is one.
    pub due_day: Option<i32>,
    /// Resolved by the due date; `None` while open or without a due date.
    pub on_time: Option<bool>,
    /// The case's keys now.
    pub keys: Keys,
    /// The case's tracking number.
    pub tracking_number: String,
    /// The case is linked to an incident now.
    pub linked: bool,
}

impl Fact {
    /// The case's rows (none until its opening is known). Walks the
    /// lifecycle as [`Fact::contribution`] does: a resolution counts when
    /// the case is open, a reopening when it is resolved.
    pub fn rows(&self) -> Vec<CaseRow> {
        let (Some(o), Some(keys)) = (&self.opening, self.keys()) else {
            return Vec::new();
        };
        let opened_day = day_of(o.at);
        let due_day = jiff::civil::Date::strptime("%Y-%m-%d", &self.legal_due_date.value)
            .ok()
            .map(day_number);
        let mut out = Vec::new();
        let mut open = Some(CaseRow {
            span: 0,
            opened_at: o.at,
            opened_day,
            start_day: opened_day,
            resolved_at: None,
            resolved_day: None,
            due_day,
            on_time: None,
            keys,
            tracking_number: o.tracking_number.clone(),
            linked: self.is_linked(),
        });
        let mut last: Option<CaseRow> = None;
        for m in &self.marks {
            match (m.resolved, open.take()) {
                (true, Some(mut row)) => {
                    let d = day_of(m.at);
                    row.resolved_at = Some(m.at);
                    row.resolved_day = Some(d);
                    row.on_time = due_day.map(|due| d <= due);
                    out.push(row.clone());
                    last = Some(row);
                }
                (false, None) => {
                    if let Some(prev) = &last {
                        open = Some(CaseRow {
                            span: prev.span + 1,
                            start_day: day_of(m.at),
                            resolved_at: None,
                            resolved_day: None,
                            on_time: None,
                            ..prev.clone()
                        });
                    }
                }
                (_, still) => open = still,
            }
        }
        out.extend(open);
        out
    }
}

/// Which rows a figure (or the open list) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Cases created from day `.0` to day `.1`.
    Opened(i32, i32),
    /// Resolutions in the days.
    Resolved(i32, i32),
    /// Resolutions in the days by the due date.
    OnTime(i32, i32),
    /// Resolutions in the days after the due date.
    Late(i32, i32),
    /// Cases open at the end of the day.
    OpenAt(i32),
    /// Cases created in the days and linked to an incident now.
    Linked(i32, i32),
}

/// A condition on the rows' pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolCond {
    /// The pool is one of these (none: no row).
    In(Vec<String>),
    /// The pool is none of these.
    NotIn(Vec<String>),
}

/// The rows one figure of one key counts, in a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowQuery {
    /// The figure.
    pub which: Which,
    /// Conditions on the pool (scope, Within, a unit's or directorate's
    /// pools), all of them.
    pub pools: Vec<PoolCond>,
    /// Columns fixed to a code (`channel`, `pool_id`, …).
    pub keys: Vec<(&'static str, String)>,
}

/// The stored column of a key kept on the rows.
pub fn column_of(dim: &str) -> Option<&'static str> {
    Some(match dim {
        "channel" => "channel",
        "type" => "type",
        "category" => "category",
        "pool" => "pool_id",
        "province" => "province",
        "partner" => "partner",
        "closure_reason" => "closure_reason",
        "source" => "source",
        _ => return None,
    })
}

const COLUMNS: &str = "case_id, span, opened_at, opened_day, start_day, resolved_at, resolved_day, \
    due_day, on_time, channel, type AS app_type, category, pool_id, province, partner, \
    closure_reason, source, tracking_number";

/// Where a statement finds its rows: a figure's own condition, except
/// that cases open at a day's end are two kinds, each with its own index:
/// those still open (a partial index in creation order, so the oldest come
/// first without a scan) and those resolved after that day (by resolution
/// day). One condition with `OR` scanned every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Branch {
    Opened(i32, i32),
    Resolved(i32, i32),
    OnTime(i32, i32),
    Late(i32, i32),
    Linked(i32, i32),
    /// Open at the end of day `.0` and still open.
    StillOpen(i32),
    /// Open at the end of day `.0`, resolved on a later day.
    ResolvedAfter(i32),
}

impl RowQuery {
    /// The branches the rows of this query come from.
    fn branches(&self) -> Vec<Branch> {
        match self.which {
            Which::Opened(a, b) => vec![Branch::Opened(a, b)],
            Which::Resolved(a, b) => vec![Branch::Resolved(a, b)],
            Which::OnTime(a, b) => vec![Branch::OnTime(a, b)],
            Which::Late(a, b) => vec![Branch::Late(a, b)],
            Which::OpenAt(t) => vec![Branch::StillOpen(t), Branch::ResolvedAfter(t)],
            Which::Linked(a, b) => vec![Branch::Linked(a, b)],
        }
    }

    fn push_where(&self, s: &mut Statement, branch: Branch) {
        let range = |s: &mut Statement, col: &str, a: i32, b: i32| {
            s.push(" WHERE ")
                .push(col)
                .push(" >= ")
                .push_bind(i64::from(a))
                .push(" AND ")
                .push(col)
                .push(" <= ")
                .push_bind(i64::from(b));
        };
        match branch {
            Branch::Opened(a, b) => {
                range(s, "opened_day", a, b);
                s.push(" AND span = 0");
            }
            Branch::Linked(a, b) => {
                range(s, "opened_day", a, b);
                s.push(" AND span = 0 AND linked = 1");
            }
            Branch::Resolved(a, b) => range(s, "resolved_day", a, b),
            Branch::OnTime(a, b) => {
                range(s, "resolved_day", a, b);
                s.push(" AND on_time = 1");
            }
            Branch::Late(a, b) => {
                range(s, "resolved_day", a, b);
                s.push(" AND on_time = 0");
            }
            Branch::StillOpen(t) => {
                s.push(" WHERE resolved_day IS NULL AND start_day <= ")
                    .push_bind(i64::from(t));
            }
            Branch::ResolvedAfter(t) => {
                s.push(" WHERE resolved_day > ")
                    .push_bind(i64::from(t))
                    .push(" AND start_day <= ")
                    .push_bind(i64::from(t));
            }
        }
        for c in &self.pools {
            match c {
                PoolCond::In(p) if p.is_empty() => {
                    s.push(" AND 1 = 0");
                }
                PoolCond::In(p) => {
                    s.push(" AND pool_id IN (").push_list(p.iter()).push(")");
                }
                PoolCond::NotIn(p) if p.is_empty() => {}
                PoolCond::NotIn(p) => {
                    s.push(" AND pool_id NOT IN (")
                        .push_list(p.iter())
                        .push(")");
                }
            }
        }
        for (col, code) in &self.keys {
            s.push(" AND ")
                .push(col)
                .push(" = ")
                .push_bind(code.as_str());
        }
    }

    /// The page after `after` (opened_at, case_id, span), creation order:
    /// each branch's first `limit` in that order, merged.
    pub fn statement(&self, after: Option<&(i64, String, i32)>, limit: u32) -> Statement {
        let mut s = Statement::new("SELECT * FROM (");
        for (i, branch) in self.branches().into_iter().enumerate() {
            if i > 0 {
                s.push(" UNION ALL ");
            }
            s.push(&format!(
                "SELECT * FROM (SELECT {COLUMNS} FROM report_case_rows"
            ));
            self.push_where(&mut s, branch);
            if let Some((at, id, span)) = after {
                s.push(" AND (opened_at > ")
                    .push_bind(*at)
                    .push(" OR (opened_at = ")
                    .push_bind(*at)
                    .push(" AND (case_id > ")
                    .push_bind(id.as_str())
                    .push(" OR (case_id = ")
                    .push_bind(id.as_str())
                    .push(" AND span > ")
                    .push_bind(i64::from(*span))
                    .push("))))");
            }
            s.push(" ORDER BY opened_at, case_id, span LIMIT ")
                .push_bind(i64::from(limit))
                .push(&format!(") AS branch{i}"));
        }
        s.push(") AS branches ORDER BY opened_at, case_id, span LIMIT ")
            .push_bind(i64::from(limit));
        s
    }

    /// How many rows match: the branches' counts summed.
    pub fn count_statement(&self) -> Statement {
        let mut s = Statement::new("SELECT CAST(");
        for (i, branch) in self.branches().into_iter().enumerate() {
            if i > 0 {
                s.push(" + ");
            }
            s.push("(SELECT COUNT(*) FROM report_case_rows");
            self.push_where(&mut s, branch);
            s.push(")");
        }
        s.push(" AS BIGINT)");
        s
    }
}

/// A row as read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRow {
    /// The case.
    pub case_id: String,
    /// The span.
    pub span: i32,
    /// Created, Unix seconds.
    pub opened_at: i64,
    /// Its day.
    pub opened_day: i32,
    /// The span's first day.
    pub start_day: i32,
    /// The span's resolution, Unix seconds.
    pub resolved_at: Option<i64>,
    /// Its day.
    pub resolved_day: Option<i32>,
    /// The legal due date's day.
    pub due_day: Option<i32>,
    /// 1 on time, 0 late.
    pub on_time: Option<i32>,
    /// Key.
    pub channel: String,
    /// Key.
    pub app_type: String,
    /// Key.
    pub category: String,
    /// Key.
    pub pool_id: String,
    /// Key.
    pub province: String,
    /// Key.
    pub partner: String,
    /// Key.
    pub closure_reason: String,
    /// Key.
    pub source: String,
    /// The tracking number, empty in rows kept before it was.
    pub tracking_number: String,
}

impl StoredRow {
    /// The paging cursor after this row.
    pub fn cursor(&self) -> (i64, String, i32) {
        (self.opened_at, self.case_id.clone(), self.span)
    }
}

#[cfg(test)]
mod tests {
    use tekmerkez_proto::case_v1 as pb;

    use super::*;
    use crate::fact::DayFigures;

    fn ev(v: i64, at: i64, p: pb::case_event::Payload) -> pb::CaseEvent {
        pb::CaseEvent {
            event_id: format!("e{v}"),
            case_id: "c".into(),
            case_version: v,
            occurred_at: Some(prost_types::Timestamp {
                seconds: at,
                nanos: 0,
            }),
            payload: Some(p),
            ..Default::default()
        }
    }

    /// The rows' counts per day, as the rollups count them.
    fn counted(rows: &[CaseRow]) -> std::collections::BTreeMap<i32, DayFigures> {
        let mut out = std::collections::BTreeMap::<i32, DayFigures>::new();
        for r in rows {
            if r.span == 0 {
                let f = out.entry(r.opened_day).or_default();
                f.opened += 1;
                f.open_delta += 1;
            } else {
                out.entry(r.start_day).or_default().open_delta += 1;
            }
            if let Some(d) = r.resolved_day {
                let f = out.entry(d).or_default();
                f.resolved += 1;
                f.open_delta -= 1;
                match r.on_time {
                    Some(true) => f.on_time += 1,
                    Some(false) => f.late += 1,
                    None => {}
                }
            }
        }
        out.retain(|_, f| !f.is_zero());
        out
    }

    #[test]
    fn a_reopened_case_has_a_row_per_span_and_counts_as_the_rollups_do() {
        use pb::case_event::Payload as P;
        let day = 86_400;
        let t0 = 1_772_312_400 + 3600;
        let mut f = Fact::default();
        // Nothing before the opening is known.
        f.merge(&ev(
            2,
            t0 + day,
            P::Resolved(pb::CaseResolved {
                closure_reason: "cozuldu".into(),
                ..Default::default()
            }),
        ));
        assert!(f.rows().is_empty());
        f.merge(&ev(
            1,
            t0,
            P::Opened(pb::CaseOpened {
                pool_id: "p".into(),
                legal_due_date: "2026-03-03".into(),
                ..Default::default()
            }),
        ));
        f.merge(&ev(
            3,
            t0 + 2 * day,
            P::Reopened(pb::CaseReopened {
                pool_id: "p".into(),
            }),
        ));
        f.merge(&ev(
            4,
            t0 + 5 * day,
            P::Resolved(pb::CaseResolved::default()),
        ));
        f.merge(&ev(
            5,
            t0 + 6 * day,
            P::Reopened(pb::CaseReopened {
                pool_id: "p".into(),
            }),
        ));
        let rows = f.rows();
        let spans: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.span,
                    r.start_day - r.opened_day,
                    r.resolved_day.map(|d| d - r.opened_day),
                    r.on_time,
                )
            })
            .collect();
        assert_eq!(
            spans,
            [
                (0, 0, Some(1), Some(true)),
                (1, 2, Some(5), Some(false)),
                (2, 6, None, None)
            ]
        );
        let mut want = f.contribution().days;
        want.retain(|_, f| {
            f.survey_count = 0;
            f.survey_sum = 0;
            !f.is_zero()
        });
        assert_eq!(counted(&rows), want);
    }
}
