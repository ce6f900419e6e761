//! *Raporlar*'s charts, drawn on the server as SVG with `plotters`: a line
//! chart (the trend), horizontal bars (a breakdown) and stacked horizontal
//! bars (deadline compliance). Pure functions: data in, SVG text out.
//!
//! Every chart is an image with a name: `role="img"` and a `<title>` the
//! `aria-labelledby` points to; the page puts the chart's table right after
//! it, which is the form a screen reader (and a spreadsheet) reads. Numbers
//! and dates are written the reader's way ([`number`], [`decimal`],
//! [`day`], [`month_name`]): `1.234`, `4,5`, `31.01.2026`, *Ocak* in
//! Turkish; `1,234`, `4.5`, `31.01.2026`, *January* in English.

use jiff::civil::Date;
use plotters::{
    coord::ranged1d::SegmentValue,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};
use tekmerkez_types::format;

use crate::{i18n::Lang, period::Step};

/// The charts' colours: distinguishable for the colour-blind (Okabe–Ito)
/// and dark enough on white for text next to them.
pub const BLUE: RGBColor = RGBColor(0, 94, 160);
/// The second series (resolved, on time).
pub const GREEN: RGBColor = RGBColor(0, 122, 84);
/// Late.
pub const RED: RGBColor = RGBColor(200, 60, 0);

const FONT: &str = "sans-serif";
const WIDTH: u32 = 900;

/// One named series of a chart.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    pub color: RGBColor,
    /// One value per x label (or per bar).
    pub values: &'a [i64],
}

/// `1234567` as `1.234.567` (Turkish) or `1,234,567` (English).
pub fn number(n: i64, lang: Lang) -> String {
    format::number(n, lang.is_english())
}

/// `4.5` with one decimal: `4,5` (Turkish) or `4.5` (English).
pub fn decimal(x: f64, lang: Lang) -> String {
    format::decimal(x, lang.is_english())
}

/// A share as a percentage with one decimal: `%87,5` or `87.5%`.
pub fn percent(part: i64, whole: i64, lang: Lang) -> String {
    format::percent(part, whole, lang.is_english())
}

/// A day as both languages' desks write it: `31.01.2026`.
pub fn day(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// The month's name (1 is January).
pub fn month_name(month: i8, lang: Lang) -> &'static str {
    format::month_name(month, lang.is_english())
}

/// How a trend's bucket starting on `d` is named: the day (`31.01.2026`),
/// the week by its Monday (`05.01.2026 haftası` / `week of 05.01.2026`),
/// the month (`Ocak 2026`).
pub fn bucket_label(step: Step, d: Date, lang: Lang) -> String {
    match step {
        Step::Day => day(d),
        Step::Week if lang.is_english() => format!("week of {}", day(d)),
        Step::Week => format!("{} haftası", day(d)),
        Step::Month => format!("{} {}", month_name(d.month(), lang), d.year()),
    }
}

/// The short form of [`bucket_label`] under a chart's axis: `31.01`,
/// `05.01`, `Oca 26`.
pub fn axis_label(step: Step, d: Date, lang: Lang) -> String {
    match step {
        Step::Day | Step::Week => d.strftime("%d.%m").to_string(),
        Step::Month => {
            let name: String = month_name(d.month(), lang).chars().take(3).collect();
            format!("{name} {:02}", d.year() % 100)
        }
    }
}

/// Escapes text for XML (a chart's title and labels are names people typed).
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Names the SVG: `role="img"`, `aria-labelledby` and a `<title>` first
/// inside it (what a screen reader reads out); the width scales with the
/// page.
fn accessible(svg: &str, id: &str, title: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    let Some(open_end) = svg.find('>') else {
        return svg.to_owned();
    };
    let (open, rest) = svg.split_at(open_end);
    let id = xml(id);
    format!(
        "{} id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-baslik\" class=\"grafik\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-baslik\">{}</title>{}",
        open,
        xml(title),
        &rest[1..]
    )
}

/// What a drawing failed on (plotters' errors carry the backend's); the
/// page then shows the table alone.
#[derive(Debug, thiserror::Error)]
#[error("drawing a chart: {0}")]
pub struct ChartError(String);

fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// A nice upper bound for an axis whose largest value is `max`.
fn axis_max(max: i64) -> i64 {
    let max = max.max(1);
    let mag = 10_i64.pow(max.ilog10());
    let step = if max <= 2 * mag { mag / 5 } else { mag / 2 }.max(1);
    (max / step + 1) * step
}

/// The value axis's end for bars up to `max`: with a legend (drawn in the
/// plot's lower right corner), a quarter of the width is left free of bars
/// so that the legend never covers a bar or its figure.
fn bar_axis_top(max: i64, legend: bool) -> i64 {
    axis_max(if legend {
        max.saturating_mul(4) / 3
    } else {
        max
    })
}

/// Lines of `series` over `x_labels` (the trend), with a legend.
///
/// # Errors
/// The drawing failing (it does not on an in-memory SVG).
pub fn line_chart(
    id: &str,
    title: &str,
    x_labels: &[String],
    series: &[Series<'_>],
    lang: Lang,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    let n = x_labels.len().max(1);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis_max(max);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0..(n as i32 - 1).max(1), 0..top)
            .map_err(err)?;
        // At most about a dozen labels fit under the axis; the table has
        // every one.
        let every = n.div_ceil(12).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(215, 215, 215))
            .x_labels(n.min(12 * every))
            .x_label_formatter(&|x| {
                usize::try_from(*x)
                    .ok()
                    .filter(|i| i % every == 0)
                    .and_then(|i| x_labels.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| number(*y, lang))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        for s in series {
            let color = s.color;
            chart
                .draw_series(LineSeries::new(
                    s.values.iter().enumerate().map(|(i, v)| (i as i32, *v)),
                    color.stroke_width(3),
                ))
                .map_err(err)?
                .label(s.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
                });
            if s.values.len() <= 45 {
                chart
                    .draw_series(
                        s.values
                            .iter()
                            .enumerate()
                            .map(|(i, v)| Circle::new((i as i32, *v), 3, color.filled())),
                    )
                    .map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .label_font((FONT, 14))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(accessible(&svg, id, title))
}

/// Height of a bar chart of `n` bars.
fn bars_height(n: usize) -> u32 {
    60 + 28 * u32::try_from(n.max(1)).unwrap_or(1)
}

/// Horizontal bars stacked from `parts` (each part one value per label),
/// one bar per label, with a legend; a single part is a plain bar chart.
///
/// # Errors
/// The drawing failing (it does not on an in-memory SVG).
pub fn bar_chart(
    id: &str,
    title: &str,
    labels: &[String],
    parts: &[Series<'_>],
    lang: Lang,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    let n = labels.len();
    let totals: Vec<i64> = (0..n)
        .map(|i| {
            parts
                .iter()
                .map(|p| p.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = bar_axis_top(totals.iter().copied().max().unwrap_or(0), parts.len() > 1);
    // Long names get the room they need, up to a third of the width.
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    let label_area = u32::try_from(longest.clamp(4, 40) * 7 + 16).unwrap_or(200);
    // The first label on top: the axis counts upwards, so label i sits at
    // position n - 1 - i.
    let at = |i: usize| i32::try_from(n.saturating_sub(1 + i)).unwrap_or(0);
    let label_at = |pos: i32| {
        usize::try_from(pos)
            .ok()
            .and_then(|p| n.checked_sub(1 + p))
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    };
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, bars_height(n))).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0..top, (0..n.max(1) as i32).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(215, 215, 215))
            .y_labels(n.max(1))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => label_at(*i),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|x| number(*x, lang))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let mut start = vec![0_i64; n];
        for p in parts {
            let color = p.color;
            let bars: Vec<_> = (0..n)
                .map(|i| {
                    let v = p.values.get(i).copied().unwrap_or(0);
                    let (a, b) = (start[i], start[i] + v);
                    start[i] = b;
                    let mut r = Rectangle::new(
                        [
                            (a, SegmentValue::Exact(at(i))),
                            (b, SegmentValue::Exact(at(i) + 1)),
                        ],
                        color.filled(),
                    );
                    r.set_margin(5, 5, 0, 0);
                    r
                })
                .collect();
            let series = chart.draw_series(bars).map_err(err)?;
            if parts.len() > 1 {
                series.label(p.name).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
                });
            }
        }
        // The total at the end of each bar: the figure, not only its length.
        let style = TextStyle::from((FONT, 13).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series((0..n).map(|i| {
                Text::new(
                    format!(" {}", number(totals[i], lang)),
                    (totals[i], SegmentValue::CenterOf(at(i))),
                    style.clone(),
                )
            }))
            .map_err(err)?;
        if parts.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(200, 200, 200))
                .label_font((FONT, 14))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(accessible(&svg, id, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_with_a_legend_leave_the_last_quarter_free() {
        for max in [1, 9, 577, 586, 1_000, 123_456] {
            let top = bar_axis_top(max, true);
            assert!(max * 4 <= top * 3, "{max} on an axis to {top}");
            assert!(bar_axis_top(max, false) > max);
            assert!(bar_axis_top(max, false) <= top);
        }
    }
    use jiff::civil::date;

    #[test]
    fn numbers_and_dates_are_written_the_readers_way() {
        assert_eq!(number(1234, Lang::Tr), "1.234");
        assert_eq!(number(1_073_711, Lang::Tr), "1.073.711");
        assert_eq!(number(1_073_711, Lang::En), "1,073,711");
        assert_eq!(number(999, Lang::Tr), "999");
        assert_eq!(number(-1200, Lang::Tr), "-1.200");
        assert_eq!(decimal(4.26, Lang::Tr), "4,3");
        assert_eq!(decimal(4.5, Lang::En), "4.5");
        assert_eq!(percent(7, 8, Lang::Tr), "%87,5");
        assert_eq!(percent(7, 8, Lang::En), "87.5%");
        assert_eq!(percent(0, 0, Lang::Tr), "");
        assert_eq!(day(date(2026, 1, 31)), "31.01.2026");
    }

    #[test]
    fn months_have_their_turkish_names() {
        let tr: Vec<_> = (1..=12).map(|m| month_name(m, Lang::Tr)).collect();
        assert_eq!(
            tr,
            [
                "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
                "Ekim", "Kasım", "Aralık"
            ]
        );
        assert_eq!(month_name(8, Lang::En), "August");
        assert_eq!(month_name(0, Lang::Tr), "");
        assert_eq!(
            bucket_label(Step::Month, date(2026, 2, 1), Lang::Tr),
            "Şubat 2026"
        );
        assert_eq!(
            bucket_label(Step::Week, date(2026, 1, 5), Lang::Tr),
            "05.01.2026 haftası"
        );
        assert_eq!(
            axis_label(Step::Month, date(2026, 8, 1), Lang::Tr),
            "Ağu 26"
        );
        assert_eq!(axis_label(Step::Day, date(2026, 8, 3), Lang::Tr), "03.08");
    }

    fn is_named_image(svg: &str, id: &str, title: &str) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.contains(&format!("id=\"{id}\"")));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-baslik\"")));
        assert!(svg.contains(&format!("<title id=\"{id}-baslik\">{title}</title>")));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn a_trend_is_a_named_svg_with_turkish_labels_and_a_legend() {
        let x: Vec<String> = (1..=3)
            .map(|m| axis_label(Step::Month, date(2026, m, 1), Lang::Tr))
            .collect();
        let svg = line_chart(
            "egilim",
            "Açılan & çözülen",
            &x,
            &[
                Series {
                    name: "Açılan",
                    color: BLUE,
                    values: &[1200, 1500, 900],
                },
                Series {
                    name: "Çözülen",
                    color: GREEN,
                    values: &[1000, 1400, 1300],
                },
            ],
            Lang::Tr,
        )
        .unwrap();
        is_named_image(&svg, "egilim", "Açılan &amp; çözülen");
        for text in ["Oca 26", "Şub 26", "Mar 26", "Açılan", "Çözülen", "1.000"] {
            assert!(svg.contains(text), "{text} missing");
        }
        assert!(svg.contains("<polyline") || svg.contains("<path"));
    }

    #[test]
    fn bars_carry_their_names_and_figures_and_escape_names() {
        let labels = vec!["Su <Arıza>".to_owned(), "Kanalizasyon".to_owned()];
        let svg = bar_chart(
            "uyum",
            "Süre uyumu",
            &labels,
            &[
                Series {
                    name: "Zamanında",
                    color: GREEN,
                    values: &[1200, 3],
                },
                Series {
                    name: "Geciken",
                    color: RED,
                    values: &[34, 0],
                },
            ],
            Lang::Tr,
        )
        .unwrap();
        is_named_image(&svg, "uyum", "Süre uyumu");
        assert!(svg.contains("Su &lt;Arıza&gt;"));
        assert!(!svg.contains("<Arıza>"));
        for text in ["Kanalizasyon", "1.234", "Zamanında", "Geciken"] {
            assert!(svg.contains(text), "{text} missing");
        }
        // One bar each for on time, late: four rectangles at least.
        assert!(svg.matches("<rect").count() >= 4);
        // An empty breakdown still draws (an empty chart, not an error).
        bar_chart("bos", "Boş", &[], &[], Lang::Tr).unwrap();
        line_chart("bos2", "Boş", &[], &[], Lang::Tr).unwrap();
    }

    #[test]
    fn axes_end_on_a_round_number_above_the_largest_value() {
        assert_eq!(axis_max(0), 2);
        assert_eq!(axis_max(7), 8);
        assert_eq!(axis_max(1234), 1400);
        assert_eq!(axis_max(1500), 1600);
        assert_eq!(axis_max(95), 100);
    }
}
