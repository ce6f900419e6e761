//! The report as an A4 PDF: the key figures first (laid out like seed
//! 002's year-end lines for the institution's year), the trend as paired
//! bars, then each breakdown as horizontal bars with its table beside the
//! numbers, so the printout reads without the spreadsheet. Charts are drawn
//! as vector shapes in the document itself (`tekmerkez-pdf`), the text in
//! the embedded DejaVu subset, so every Turkish letter prints, copies and
//! searches as text.

use tekmerkez_pdf::{A4, Font, Page, PdfError};
use tekmerkez_types::format::{decimal, number, percent};

use super::{
    content::{Breakdown, ReportContent, TrendPoint},
    period::{ReportPeriod, day},
    texts::Texts,
};
use crate::query::Granularity;

const MARGIN: f32 = 48.0;
const BOTTOM: f32 = 56.0;
/// Okabe–Ito blue and green, as on the pages' charts.
const BLUE: (f32, f32, f32) = (0.0, 94.0 / 255.0, 160.0 / 255.0);
const GREEN: (f32, f32, f32) = (0.0, 122.0 / 255.0, 84.0 / 255.0);
const GREY: (f32, f32, f32) = (0.55, 0.55, 0.55);
const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);

/// A page being filled from the top, breaking to the next when full.
struct Doc<'f> {
    page: Page<'f>,
    y: f32,
    width: f32,
    footer: String,
}

impl<'f> Doc<'f> {
    fn new(font: &'f Font, footer: String) -> Self {
        let page = Page::new(font, A4);
        let y = page.height() - MARGIN;
        let mut d = Self {
            page,
            y,
            width: A4.0 - 2.0 * MARGIN,
            footer,
        };
        d.draw_footer();
        d
    }

    fn draw_footer(&mut self) {
        let n = self.page.page_count();
        colour(&mut self.page, GREY);
        let footer = format!("{} · {n}", self.footer);
        self.page.text(MARGIN, 28.0, 8.0, &footer);
        colour(&mut self.page, BLACK);
    }

    /// Room for `h` points, on a new page when this one has less.
    fn need(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.page.new_page();
            self.y = self.page.height() - MARGIN;
            self.draw_footer();
        }
    }

    fn text(&mut self, size: f32, s: &str) {
        self.need(size * 1.5);
        self.y -= size * 1.2;
        self.page.text(MARGIN, self.y, size, s);
        self.y -= size * 0.3;
    }

    fn heading(&mut self, s: &str) {
        // A heading never ends a page: keep room for what follows it.
        self.need(90.0);
        self.y -= 10.0;
        self.text(13.0, s);
        colour(&mut self.page, GREY);
        self.page.rect(MARGIN, self.y - 2.0, self.width, 0.6);
        colour(&mut self.page, BLACK);
        self.y -= 8.0;
    }

    /// Label and value on one line, the value right-aligned at `right`.
    fn line(&mut self, label: &str, value: &str) {
        self.need(16.0);
        self.y -= 14.0;
        self.page.text(MARGIN, self.y, 10.0, label);
        let w = self.page.text_width(value, 10.0);
        self.page.text(MARGIN + self.width - w, self.y, 10.0, value);
    }
}

fn colour(page: &mut Page<'_>, (r, g, b): (f32, f32, f32)) {
    page.fill_rgb(r, g, b);
}

/// The report's PDF.
///
/// # Errors
/// [`PdfError`] when the font cannot be subset or a stream compressed.
pub fn render(font: &Font, c: &ReportContent) -> Result<Vec<u8>, PdfError> {
    let t = *Texts::of(c.english);
    let title = format!(
        "{} — {}",
        c.period.kind(c.english),
        c.period.label(c.english)
    );
    let mut d = Doc::new(
        font,
        format!("{} · {} · {}", c.institution, c.subject_name, title),
    );
    d.text(10.0, &c.institution);
    d.text(18.0, &title);
    d.text(13.0, &c.subject_name);
    let (from, to) = c.period.bounds();
    d.text(9.0, &format!("{}: {} – {}", t.period, day(from), day(to)));

    key_figures(&mut d, &t, c);
    if let ReportPeriod::Year(_) = c.period
        && c.calls.is_some()
    {
        year_end_lines(&mut d, &t, c);
    }
    d.heading(t.trend);
    trend_chart(&mut d, &t, &c.trend, c.period.trend_step(), c.english);
    for b in &c.breakdowns {
        breakdown(&mut d, &t, b, c.english);
    }
    let lang = if c.english { "en" } else { "tr" };
    d.page.finish(&title, lang)
}

fn key_figures(d: &mut Doc<'_>, t: &Texts, c: &ReportContent) {
    let e = c.english;
    let f = &c.totals;
    d.heading(t.key_figures);
    d.line(t.opened, &number(f.opened, e));
    d.line(t.resolved, &number(f.resolved, e));
    d.line(t.open_at_end, &number(f.open_at_end, e));
    let judged = f.on_time + f.late;
    d.line(
        t.on_time,
        &format!(
            "{} ({})",
            number(f.on_time, e),
            percent(f.on_time, judged, e)
        ),
    );
    d.line(t.late, &number(f.late, e));
    let hours = |h: Option<f64>| {
        h.map_or_else(
            || "—".to_owned(),
            |h| format!("{} {}", decimal(h, e), t.hours),
        )
    };
    d.line(t.median_close, &hours(f.median_hours_to_close));
    d.line(
        t.median_first_action,
        &hours(f.median_hours_to_first_action),
    );
    if f.satisfaction_count > 0 {
        // A mean of 1–5 scores; counts far below 2^52.
        #[allow(clippy::cast_precision_loss)]
        let mean = f.satisfaction_sum as f64 / f.satisfaction_count as f64;
        d.line(
            t.satisfaction,
            &format!(
                "{} / 5 ({} {})",
                decimal(mean, e),
                number(f.satisfaction_count, e),
                t.answers
            ),
        );
    }
}

/// The year-end summary's own lines, as seed 002 reports a year.
fn year_end_lines(d: &mut Doc<'_>, t: &Texts, c: &ReportContent) {
    let e = c.english;
    d.heading(t.year_end);
    if let Some(calls) = &c.calls {
        d.line(t.calls_offered, &number(calls.offered, e));
        d.line(t.calls_answered, &number(calls.answered, e));
        d.line(t.calls_ivr, &number(calls.ivr_completed, e));
        d.line(t.calls_self_service, &number(calls.ivr_self_service, e));
        d.line(t.calls_abandoned, &number(calls.abandoned, e));
    }
    d.line(t.resolved_social, &number(c.resolved_from_social_media, e));
    d.line(t.resolved_partners, &number(c.resolved_from_partners, e));
}

/// Opened and resolved side by side per step, with a grey baseline and
/// sparse axis labels.
fn trend_chart(d: &mut Doc<'_>, t: &Texts, points: &[TrendPoint], step: Granularity, e: bool) {
    if points.is_empty() {
        d.text(10.0, t.nothing);
        return;
    }
    let height = 150.0;
    d.need(height + 50.0);
    legend(d, &[(t.opened, BLUE), (t.resolved, GREEN)]);
    let top = d.y - 6.0;
    let base = top - height;
    let max = points
        .iter()
        .map(|p| p.opened.max(p.resolved))
        .max()
        .unwrap_or(0)
        .max(1);
    let label_w = d.page.text_width(&number(max, e), 7.0) + 4.0;
    let left = MARGIN + label_w;
    let slot = (d.width - label_w) / points.len() as f32;
    let bar = (slot * 0.4).min(14.0);
    let scale = |v: i64| height * v as f32 / max as f32;
    colour(&mut d.page, GREY);
    d.page.rect(left, base, d.width - label_w, 0.6);
    d.page.text(MARGIN, top - 7.0, 7.0, &number(max, e));
    d.page.text(MARGIN, base, 7.0, "0");
    for (i, p) in points.iter().enumerate() {
        let x = left + slot * i as f32 + (slot - 2.0 * bar) / 2.0;
        colour(&mut d.page, BLUE);
        d.page.rect(x, base, bar, scale(p.opened));
        colour(&mut d.page, GREEN);
        d.page.rect(x + bar, base, bar, scale(p.resolved));
    }
    // At most about twelve labels under the axis.
    let every = points.len().div_ceil(12).max(1);
    colour(&mut d.page, BLACK);
    for (i, p) in points.iter().enumerate().step_by(every) {
        let label = match step {
            Granularity::Month | Granularity::Year => {
                let m = tekmerkez_types::format::month_name(p.start.month(), e);
                format!(
                    "{} {}",
                    m.chars().take(3).collect::<String>(),
                    p.start.year() % 100
                )
            }
            _ => p.start.strftime("%d.%m").to_string(),
        };
        d.page
            .text(left + slot * i as f32, base - 10.0, 7.0, &label);
    }
    d.y = base - 18.0;
}

fn legend(d: &mut Doc<'_>, items: &[(&str, (f32, f32, f32))]) {
    d.y -= 12.0;
    let mut x = MARGIN;
    for (name, c) in items {
        colour(&mut d.page, *c);
        d.page.rect(x, d.y, 8.0, 8.0);
        colour(&mut d.page, BLACK);
        d.page.text(x + 11.0, d.y, 8.0, name);
        x += 11.0 + d.page.text_width(name, 8.0) + 14.0;
    }
}

/// One breakdown: a bar per key (opened), then its numbers.
fn breakdown(d: &mut Doc<'_>, t: &Texts, b: &Breakdown, e: bool) {
    d.heading(t.by(b.dim));
    if b.rows.is_empty() {
        d.text(10.0, t.nothing);
        return;
    }
    let name_w = 170.0;
    let cols = [t.opened, t.resolved, t.open_at_end_short, t.on_time_share];
    let col_w = 62.0;
    let bar_w = d.width - name_w - col_w * cols.len() as f32 - 8.0;
    let max = b
        .rows
        .iter()
        .map(|(_, f)| f.opened)
        .max()
        .unwrap_or(0)
        .max(1);
    // The header row.
    d.need(30.0);
    d.y -= 12.0;
    for (i, h) in cols.iter().enumerate() {
        let right = MARGIN + d.width - col_w * (cols.len() - 1 - i) as f32;
        let w = d.page.text_width(h, 7.5);
        d.page.text(right - w, d.y, 7.5, h);
    }
    for (name, f) in &b.rows {
        d.need(14.0);
        d.y -= 13.0;
        let shown = fit(&d.page, name, name_w - 6.0, 8.5);
        d.page.text(MARGIN, d.y, 8.5, &shown);
        colour(&mut d.page, BLUE);
        d.page.rect(
            MARGIN + name_w,
            d.y - 1.0,
            bar_w * f.opened as f32 / max as f32,
            8.0,
        );
        colour(&mut d.page, BLACK);
        let judged = f.on_time + f.late;
        let values = [
            number(f.opened, e),
            number(f.resolved, e),
            number(f.open_at_end, e),
            percent(f.on_time, judged, e),
        ];
        for (i, v) in values.iter().enumerate() {
            let right = MARGIN + d.width - col_w * (cols.len() - 1 - i) as f32;
            let w = d.page.text_width(v, 8.5);
            d.page.text(right - w, d.y, 8.5, v);
        }
    }
    d.y -= 6.0;
}

/// `s` cut with an ellipsis to fit `width` points at `size`.
fn fit(page: &Page<'_>, s: &str, width: f32, size: f32) -> String {
    if page.text_width(s, size) <= width {
        return s.to_owned();
    }
    let mut out: String = s.to_owned();
    while !out.is_empty() && page.text_width(&format!("{out}…"), size) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}
