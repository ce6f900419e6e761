//! The report's tables as one XLSX workbook: the key figures, the trend,
//! and a sheet per breakdown, headed in the report's language.

use tekmerkez_table::{Cell, Table, TableError, workbook};

use super::{content::ReportContent, texts::Texts};

/// The report's workbook.
///
/// # Errors
/// When the workbook cannot be written (not expected).
pub fn render(c: &ReportContent) -> Result<Vec<u8>, TableError> {
    let t = Texts::of(c.english);
    let f = &c.totals;
    let mut summary = Table::new(t.sheet_summary, [t.figure, t.value]);
    let mut line = |name: &str, v: Cell| summary.push(vec![name.to_owned().into(), v]);
    line(t.opened, Cell::Int(f.opened));
    line(t.resolved, Cell::Int(f.resolved));
    line(t.open_at_end, Cell::Int(f.open_at_end));
    line(t.on_time, Cell::Int(f.on_time));
    line(t.late, Cell::Int(f.late));
    let hours = |h: Option<f64>| h.map_or(Cell::Empty, Cell::Number);
    line(t.median_close, hours(f.median_hours_to_close));
    line(t.median_first_action, hours(f.median_hours_to_first_action));
    if f.satisfaction_count > 0 {
        // A mean of 1–5 scores; counts far below 2^52.
        #[allow(clippy::cast_precision_loss)]
        let mean = f.satisfaction_sum as f64 / f.satisfaction_count as f64;
        line(t.satisfaction, Cell::Number(mean));
    }
    if let Some(calls) = &c.calls {
        line(t.calls_offered, Cell::Int(calls.offered));
        line(t.calls_answered, Cell::Int(calls.answered));
        line(t.calls_ivr, Cell::Int(calls.ivr_completed));
        line(t.calls_self_service, Cell::Int(calls.ivr_self_service));
        line(t.calls_abandoned, Cell::Int(calls.abandoned));
    }
    line(t.resolved_social, Cell::Int(c.resolved_from_social_media));
    line(t.resolved_partners, Cell::Int(c.resolved_from_partners));

    let mut trend = Table::new(t.sheet_trend, [t.step_start, t.opened, t.resolved]);
    for p in &c.trend {
        trend.push(vec![
            Cell::Date(p.start),
            Cell::Int(p.opened),
            Cell::Int(p.resolved),
        ]);
    }
    let mut tables = vec![summary, trend];
    for b in &c.breakdowns {
        let heading = t.by(b.dim);
        let mut table = Table::new(
            heading,
            [
                heading,
                t.opened,
                t.resolved,
                t.open_at_end,
                t.on_time,
                t.late,
            ],
        );
        for (name, f) in &b.rows {
            table.push(vec![
                name.clone().into(),
                Cell::Int(f.opened),
                Cell::Int(f.resolved),
                Cell::Int(f.open_at_end),
                Cell::Int(f.on_time),
                Cell::Int(f.late),
            ]);
        }
        tables.push(table);
    }
    workbook(&tables)
}
