//! What a periodic report says, read from the rollups once and drawn twice
//! (the PDF and the XLSX): the period's totals, its breakdowns by channel,
//! application type, category and unit (or directorate, for the whole
//! institution), the trend, and — for the institution — the call centre's
//! figures, the lines seed 002's year-end report is made of.

use jiff::civil::Date;

use super::period::ReportPeriod;
use crate::{
    calls::{CallCounts, CallDim, summarise},
    directory::{PoolMap, ReasonNames},
    fact::day_number,
    labels::{Catalogues, Namer},
    query::{self, Dim, Figures, Granularity, Scope, SummaryQuery},
    store::{ReportStore, StoreError},
};

/// Whose report it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// One directorate's pools.
    Directorate(String),
    /// Every pool (admins only).
    Institution,
}

/// One breakdown: a key's name and its figures, largest first.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// What it is broken down by.
    pub dim: Dim,
    /// The rows.
    pub rows: Vec<(String, Figures)>,
}

/// One step of the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// The step's first day.
    pub start: Date,
    /// Cases opened in it.
    pub opened: i64,
    /// Resolutions in it.
    pub resolved: i64,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct ReportContent {
    /// Written in English (else Turkish).
    pub english: bool,
    /// The institution's name, on the cover.
    pub institution: String,
    /// The directorate's name, or the institution's.
    pub subject_name: String,
    /// The period.
    pub period: ReportPeriod,
    /// The whole period over the subject's pools.
    pub totals: Figures,
    /// By channel, type, category, and unit or directorate.
    pub breakdowns: Vec<Breakdown>,
    /// Opened and resolved by day or month.
    pub trend: Vec<TrendPoint>,
    /// The call centre's calls (the institution's report only: calls are
    /// not the directorates').
    pub calls: Option<CallCounts>,
    /// Resolved applications from partner institutions (CİMER, Açık Kapı,
    /// other bodies) and from social media: seed 002's year-end lines.
    pub resolved_from_partners: i64,
    /// Resolved applications that came in over social media.
    pub resolved_from_social_media: i64,
}

/// The most rows a breakdown keeps (the rest are summed as "other").
const TOP: usize = 12;

/// What the report of `subject` for `period` shows.
///
/// # Errors
/// Store failures.
pub async fn gather(
    store: &ReportStore,
    map: &PoolMap,
    catalogues: &Catalogues,
    subject: &Subject,
    period: ReportPeriod,
    institution: &str,
    english: bool,
) -> Result<ReportContent, StoreError> {
    let (from, to) = period.bounds();
    let (scope, subject_name, places) = match subject {
        Subject::Directorate(d) => (
            Scope::Pools(map.pools_of_directorate(d)),
            map.directorate_names
                .get(d)
                .cloned()
                .unwrap_or_else(|| d.clone()),
            Dim::Unit,
        ),
        Subject::Institution => (Scope::All, institution.to_owned(), Dim::Directorate),
    };
    let place_of = |d: Dim, pool: &str| match d {
        Dim::Directorate => map.directorate_of(pool),
        _ => map.unit_of(pool),
    };
    let q = |by: Vec<Dim>, granularity| SummaryQuery {
        from,
        to,
        by,
        granularity,
    };
    let reasons = ReasonNames::default();
    let namer = Namer {
        catalogues,
        map: Some(map),
        reasons: &reasons,
    };
    let whole = query::summary(store, &q(vec![Dim::Channel], None), &scope, &place_of).await?;
    let mut breakdowns = Vec::new();
    for dim in [Dim::Channel, Dim::Type, Dim::Category, places] {
        let s = if dim == Dim::Channel {
            whole.clone()
        } else {
            query::summary(store, &q(vec![dim], None), &scope, &place_of).await?
        };
        let mut rows: Vec<(String, Figures)> = s
            .rows
            .into_iter()
            .map(|r| {
                let code = r.keys.into_iter().next().unwrap_or_default();
                let (tr, en) = namer.name(dim, &code);
                (if english { en } else { tr }, r.figures)
            })
            .filter(|(_, f)| f.opened + f.resolved + f.open_at_end > 0)
            .collect();
        rows.sort_by(|a, b| b.1.opened.cmp(&a.1.opened).then_with(|| a.0.cmp(&b.0)));
        breakdowns.push(Breakdown {
            dim,
            rows: fold_tail(rows, english),
        });
    }
    let step = period.trend_step();
    let trend =
        query::summary(store, &q(vec![Dim::Channel], Some(step)), &scope, &place_of).await?;
    // Every step of the period, the quiet ones too: a chart's gap is a zero.
    let mut points: Vec<TrendPoint> = Vec::new();
    let mut start = from;
    while start <= to {
        points.push(TrendPoint {
            start,
            opened: 0,
            resolved: 0,
        });
        let next = match step {
            Granularity::Month => start
                .first_of_month()
                .checked_add(jiff::Span::new().months(1)),
            _ => start.tomorrow(),
        };
        match next {
            Ok(n) => start = n,
            Err(_) => break,
        }
    }
    for r in &trend.rows {
        let at = r.period.unwrap_or(from);
        if let Some(p) = points.iter_mut().rev().find(|p| p.start <= at) {
            p.opened += r.figures.opened;
            p.resolved += r.figures.resolved;
        }
    }
    let resolved_by = |code: &str| {
        whole
            .rows
            .iter()
            .filter(|r| r.keys.first().is_some_and(|k| k == code))
            .map(|r| r.figures.resolved)
            .sum::<i64>()
    };
    let calls = match subject {
        Subject::Institution => {
            let rows = store.call_rows(day_number(from), day_number(to)).await?;
            Some(summarise(&rows, &[] as &[CallDim], None).1)
        }
        Subject::Directorate(_) => None,
    };
    Ok(ReportContent {
        english,
        institution: institution.to_owned(),
        subject_name,
        period,
        totals: whole.totals.clone(),
        breakdowns,
        trend: points,
        calls,
        resolved_from_partners: resolved_by("partner"),
        resolved_from_social_media: resolved_by("social_media"),
    })
}

/// `rows` cut to the [`TOP`] largest, the rest summed into one "other" row.
fn fold_tail(mut rows: Vec<(String, Figures)>, english: bool) -> Vec<(String, Figures)> {
    if rows.len() <= TOP {
        return rows;
    }
    let tail = rows.split_off(TOP - 1);
    let mut other = Figures::default();
    for (_, f) in &tail {
        other.opened += f.opened;
        other.resolved += f.resolved;
        other.open_at_end += f.open_at_end;
        other.on_time += f.on_time;
        other.late += f.late;
    }
    let name = if english { "Other" } else { "Diğer" };
    rows.push((format!("{name} ({})", tail.len()), other));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(opened: i64) -> Figures {
        Figures {
            opened,
            ..Figures::default()
        }
    }

    #[test]
    fn a_long_breakdown_keeps_the_largest_and_sums_the_rest() {
        let rows: Vec<(String, Figures)> = (0..15).map(|i| (format!("k{i}"), f(100 - i))).collect();
        let folded = fold_tail(rows, false);
        assert_eq!(folded.len(), TOP);
        assert_eq!(folded[0].0, "k0");
        let other = folded.last().unwrap();
        assert_eq!(other.0, "Diğer (4)");
        assert_eq!(other.1.opened, 89 + 88 + 87 + 86);
    }
}
