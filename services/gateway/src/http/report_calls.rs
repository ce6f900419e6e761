//! *Raporlar*'s call-centre section, for admins and directorate managers
//! (the call centre serves the whole institution; the reports service
//! refuses anyone else): the period's calls by queue with the answered
//! share and the average talk, and by hour as a chart with its table —
//! seed 002's "calls answered" and "IVR self-service" lines, the latter
//! with the outage questions the IVR answered by itself (one per call).

use tekmerkez_proto::{case_v1 as pb, reports_v1 as rpb};

use super::AppState;
use crate::{
    charts::{self, Series},
    i18n::{Lang, report_calls::ReportCallsTexts},
    session::Session,
};

/// One row of the queue table (or its total), as shown.
pub(crate) struct CallRow {
    pub name: String,
    pub offered: String,
    pub answered: String,
    pub ivr: String,
    pub abandoned: String,
    pub transferred: String,
    /// Outage questions the IVR answered without an agent.
    pub self_service: String,
    pub answered_share: String,
    pub average_talk: String,
}

/// One hour's counts, as shown.
pub(crate) struct HourRow {
    pub hour: String,
    pub answered: String,
    pub ivr: String,
    pub abandoned: String,
    pub self_service: String,
}

/// The section.
pub(crate) struct CallsSection {
    pub t: &'static ReportCallsTexts,
    pub rows: Vec<CallRow>,
    pub total: CallRow,
    pub hours: Vec<HourRow>,
    /// The hours as stacked bars (SVG).
    pub chart: Option<String>,
    /// No call ended and the IVR answered no question in the period.
    pub empty: bool,
    /// The reports service did not answer.
    pub failed: bool,
}

fn row(name: String, f: &rpb::CallFigures, t: &ReportCallsTexts, lang: Lang) -> CallRow {
    let n = |v: i64| charts::number(v, lang);
    // Whole seconds over answered calls that said how long they lasted.
    #[allow(clippy::cast_precision_loss)]
    let average_talk = if f.answered_timed > 0 {
        let minutes = f.answered_seconds as f64 / f.answered_timed as f64 / 60.0;
        format!("{} {}", charts::decimal(minutes, lang), t.minutes)
    } else {
        String::new()
    };
    CallRow {
        name,
        offered: n(f.offered),
        answered: n(f.answered),
        ivr: n(f.ivr_completed),
        abandoned: n(f.abandoned),
        transferred: n(f.transferred),
        self_service: n(f.ivr_self_service),
        answered_share: charts::percent(f.answered + f.ivr_completed, f.offered, lang),
        average_talk,
    }
}

/// The section of `from`–`to` (`YYYY-MM-DD`) for `s`, when its role has
/// it and the reports service is configured.
pub(crate) async fn load(
    state: &AppState,
    s: &Session,
    lang: Lang,
    t: &'static ReportCallsTexts,
    from: &str,
    to: &str,
) -> Option<CallsSection> {
    let role = pb::Role::try_from(s.role).unwrap_or(pb::Role::Unspecified);
    if !matches!(role, pb::Role::Admin | pb::Role::DirectorateManager) {
        return None;
    }
    let mut client = state.backend.call_reports()?;
    let mut by_hour = client.clone();
    let b = &state.backend;
    let ask = |by: rpb::CallDimension| {
        b.as_user(
            s.user_id,
            rpb::CallSummaryRequest {
                from: from.to_owned(),
                to: to.to_owned(),
                by: vec![by as i32],
                granularity: None,
            },
        )
    };
    let (queues, hours) = tokio::join!(
        client.call_summary(ask(rpb::CallDimension::Queue)),
        by_hour.call_summary(ask(rpb::CallDimension::Hour)),
    );
    let failed = CallsSection {
        t,
        rows: Vec::new(),
        total: row(String::new(), &rpb::CallFigures::default(), t, lang),
        hours: Vec::new(),
        chart: None,
        empty: false,
        failed: true,
    };
    let (queues, hours) = match (queues, hours) {
        (Ok(q), Ok(h)) => (q.into_inner(), h.into_inner()),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(code = ?e.code(), "reading the call figures failed");
            return Some(failed);
        }
    };
    let totals = queues.totals.unwrap_or_default();
    let mut rows: Vec<(String, rpb::CallFigures)> = queues
        .rows
        .into_iter()
        .map(|r| {
            let q = r.keys.into_iter().next().unwrap_or_default();
            let name = if q.is_empty() {
                t.no_queue.to_owned()
            } else {
                q
            };
            (name, r.figures.unwrap_or_default())
        })
        .collect();
    rows.sort_by(|a, b| b.1.offered.cmp(&a.1.offered).then_with(|| a.0.cmp(&b.0)));
    // Every hour of the day, the quiet ones too.
    let mut per_hour: [rpb::CallFigures; 24] = std::array::from_fn(|_| rpb::CallFigures::default());
    for r in hours.rows {
        if let Some(h) = r.keys.first().and_then(|k| k.parse::<usize>().ok())
            && let Some(slot) = per_hour.get_mut(h)
        {
            *slot = r.figures.unwrap_or_default();
        }
    }
    let labels: Vec<String> = (0..24).map(|h| format!("{h:02}:00")).collect();
    let pick = |f: fn(&rpb::CallFigures) -> i64| per_hour.iter().map(f).collect::<Vec<i64>>();
    let (answered, ivr, abandoned) = (
        pick(|f| f.answered),
        pick(|f| f.ivr_completed),
        pick(|f| f.abandoned),
    );
    let chart = (totals.offered > 0)
        .then(|| {
            charts::bar_chart(
                "grafik-cagrilar",
                t.by_hour,
                &labels,
                &[
                    Series {
                        name: t.answered,
                        color: charts::GREEN,
                        values: &answered,
                    },
                    Series {
                        name: t.ivr,
                        color: charts::BLUE,
                        values: &ivr,
                    },
                    Series {
                        name: t.abandoned,
                        color: charts::RED,
                        values: &abandoned,
                    },
                ],
                lang,
            )
            .map_err(|e| tracing::error!(error.message = %e, "drawing the calls by hour failed"))
            .ok()
        })
        .flatten();
    let n = |v: i64| charts::number(v, lang);
    Some(CallsSection {
        t,
        rows: rows
            .iter()
            .map(|(name, f)| row(name.clone(), f, t, lang))
            .collect(),
        total: row(t.total.to_owned(), &totals, t, lang),
        hours: labels
            .into_iter()
            .zip(per_hour.iter())
            .map(|(hour, f)| HourRow {
                hour,
                answered: n(f.answered),
                ivr: n(f.ivr_completed),
                abandoned: n(f.abandoned),
                self_service: n(f.ivr_self_service),
            })
            .collect(),
        chart,
        empty: totals.offered == 0 && totals.ivr_self_service == 0,
        failed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_row_shows_the_ivrs_outage_answers_beside_the_calls() {
        let f = rpb::CallFigures {
            offered: 10,
            answered: 6,
            ivr_completed: 2,
            ivr_self_service: 1234,
            ..Default::default()
        };
        let tr = row("185".into(), &f, &crate::i18n::report_calls::TR, Lang::Tr);
        assert_eq!(tr.self_service, "1.234");
        let en = row("185".into(), &f, &crate::i18n::report_calls::EN, Lang::En);
        assert_eq!(en.self_service, "1,234");
        assert_eq!(
            crate::i18n::report_calls::EN.self_service,
            "Outage answers by the voice response system"
        );
    }
}
