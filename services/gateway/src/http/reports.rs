//! *Raporlar*: for admins (everything), directorate managers (their
//! directorate) and pool managers (their pools), the figures of a period
//! from the reports service — a breakdown by one dimension with totals and
//! a drill-down (directorate → unit → pool), the trend of opened and
//! resolved records, deadline compliance and the records open longest —
//! each as an SVG chart ([`crate::charts`]) followed by its table, and every
//! table downloadable as CSV or XLSX (`tekmerkez-table`).
//!
//! Every number of the breakdown links to an export of the records it
//! counts (`CasesBehind`): small ones download at once, large ones (more
//! than [`BACKGROUND_FROM`] rows) are prepared in the background with a
//! progress page ([`crate::report_jobs`]).
//!
//! The page's state is all in its URL (bookmarkable): `donem`,
//! `baslangic`/`bitis`, `kirilim`, `adim`, `mudurluk`/`birim`/`havuz` (the
//! drill-down) and `bicim` (the record lists' format). The reports service
//! scopes every figure to the signed-in person (the gateway calls it as
//! them); the page only chooses where a person starts.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, RawQuery, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use tekmerkez_proto::{case_v1 as pb, common_v1, reports_v1 as rpb};
use tekmerkez_table::{Cell, Separator, Table};
use tonic::Code;

use super::{
    AppState, Frame, form_pairs, render,
    signed_in::{Reporters, RequireRole},
};
use crate::{
    charts::{self, Series},
    i18n::{Lang, reports::ReportsTexts},
    period::{self, Period, PeriodError, PeriodRule, Preset, Step},
    report_jobs::{self, ExportFile, JobState},
    session::Session,
};

/// Exports of more rows than this run in the background.
pub const BACKGROUND_FROM: i64 = 5_000;

/// The longest-open records listed.
const LONGEST: i32 = 20;

/// The most keys a chart draws (the table lists every one).
const CHART_KEYS: usize = 25;

/// A dimension of the breakdown, as the URL names it (`kirilim=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dim {
    Directorate,
    Unit,
    Pool,
    Channel,
    Type,
    Category,
    Province,
    Partner,
    ClosureReason,
    Source,
}

impl Dim {
    /// Every dimension, in the picker's order (and the texts').
    pub(crate) const ALL: [Self; 10] = [
        Self::Directorate,
        Self::Unit,
        Self::Pool,
        Self::Channel,
        Self::Type,
        Self::Category,
        Self::Province,
        Self::Partner,
        Self::ClosureReason,
        Self::Source,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Directorate => "mudurluk",
            Self::Unit => "birim",
            Self::Pool => "havuz",
            Self::Channel => "kanal",
            Self::Type => "tur",
            Self::Category => "konu",
            Self::Province => "il",
            Self::Partner => "kurum",
            Self::ClosureReason => "kapanis",
            Self::Source => "yol",
        }
    }

    pub(crate) fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    fn proto(self) -> rpb::Dimension {
        use rpb::Dimension as D;
        match self {
            Self::Directorate => D::Directorate,
            Self::Unit => D::Unit,
            Self::Pool => D::Pool,
            Self::Channel => D::Channel,
            Self::Type => D::Type,
            Self::Category => D::Category,
            Self::Province => D::Province,
            Self::Partner => D::Partner,
            Self::ClosureReason => D::ClosureReason,
            Self::Source => D::Source,
        }
    }

    fn name(self, t: &ReportsTexts) -> &'static str {
        let i = Self::ALL.iter().position(|d| *d == self).unwrap_or(0);
        t.dimensions[i]
    }

    /// The breakdown a row of this dimension drills into, and the
    /// narrowing it sets.
    fn drill(self, code: &str) -> Option<(Within, Dim)> {
        match self {
            Self::Directorate => Some((Within::Directorate(code.to_owned()), Self::Unit)),
            Self::Unit => Some((Within::Unit(code.to_owned()), Self::Pool)),
            Self::Pool => Some((Within::Pool(code.to_owned()), Self::Category)),
            _ => None,
        }
    }
}

/// The drill-down: the part of the person's scope the page is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Within {
    #[default]
    All,
    Directorate(String),
    Unit(String),
    Pool(String),
}

impl Within {
    fn to_proto(&self) -> Option<rpb::Within> {
        let mut w = rpb::Within::default();
        match self {
            Self::All => return None,
            Self::Directorate(id) => w.directorate_id.clone_from(id),
            Self::Unit(id) => w.unit_id.clone_from(id),
            Self::Pool(id) => w.pool_id.clone_from(id),
        }
        Some(w)
    }

    fn param(&self) -> Option<(&'static str, &str)> {
        match self {
            Self::All => None,
            Self::Directorate(id) => Some(("mudurluk", id)),
            Self::Unit(id) => Some(("birim", id)),
            Self::Pool(id) => Some(("havuz", id)),
        }
    }
}

/// The format of a download (`bicim=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    /// `;`-separated, for Excel in a Turkish locale.
    CsvTr,
    Xlsx,
}

impl Format {
    const ALL: [Self; 3] = [Self::Csv, Self::CsvTr, Self::Xlsx];

    fn parse(code: &str) -> Self {
        match code {
            "csv" => Self::Csv,
            "csv-tr" => Self::CsvTr,
            _ => Self::Xlsx,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::CsvTr => "csv-tr",
            Self::Xlsx => "xlsx",
        }
    }

    fn name(self, t: &ReportsTexts) -> &'static str {
        match self {
            Self::Csv => t.formats[0],
            Self::CsvTr => t.formats[1],
            Self::Xlsx => t.formats[2],
        }
    }

    /// `table` written in this format.
    fn write(self, table: &Table, base_name: &str) -> Option<ExportFile> {
        let (bytes, content_type, ext) = match self {
            Self::Csv => (
                table.to_csv(Separator::Comma),
                "text/csv; charset=utf-8",
                "csv",
            ),
            Self::CsvTr => (
                table.to_csv(Separator::Semicolon),
                "text/csv; charset=utf-8",
                "csv",
            ),
            Self::Xlsx => match table.to_xlsx() {
                Ok(b) => (b, XLSX_TYPE, "xlsx"),
                Err(e) => {
                    tracing::error!(error.message = %e, error.cause_chain = ?e, "writing an XLSX failed");
                    return None;
                }
            },
        };
        Some(ExportFile {
            bytes: Arc::new(bytes),
            content_type,
            file_name: format!("{base_name}.{ext}"),
        })
    }
}

/// The page's query, parsed (unknown values fall back to defaults).
#[derive(Debug, Clone)]
pub(crate) struct ReportQuery {
    preset: Preset,
    from: String,
    to: String,
    dim: Option<Dim>,
    step: Option<Step>,
    within: Within,
    format: Format,
}

impl ReportQuery {
    pub(crate) fn parse(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| super::last_value(pairs, k);
        let id = |k| get(k).map(str::trim).filter(|v| !v.is_empty());
        let within = if let Some(p) = id("havuz") {
            Within::Pool(p.to_owned())
        } else if let Some(u) = id("birim") {
            Within::Unit(u.to_owned())
        } else if let Some(d) = id("mudurluk") {
            Within::Directorate(d.to_owned())
        } else {
            Within::All
        };
        Self {
            preset: Preset::parse(get("donem").unwrap_or("")),
            from: get("baslangic").unwrap_or("").to_owned(),
            to: get("bitis").unwrap_or("").to_owned(),
            dim: get("kirilim").and_then(Dim::parse),
            step: get("adim").and_then(Step::parse),
            within,
            format: Format::parse(get("bicim").unwrap_or("")),
        }
    }

    /// The query string of this page with `within` and `dim` replaced
    /// (a drill-down link, a breadcrumb).
    fn with(&self, within: &Within, dim: Option<Dim>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("donem", self.preset.code());
        if self.preset == Preset::Custom {
            s.append_pair("baslangic", &self.from);
            s.append_pair("bitis", &self.to);
        }
        if let Some(d) = dim {
            s.append_pair("kirilim", d.code());
        }
        if let Some(st) = self.step {
            s.append_pair("adim", st.code());
        }
        if let Some((k, v)) = within.param() {
            s.append_pair(k, v);
        }
        s.append_pair("bicim", self.format.code());
        s.finish()
    }
}

/// Where a role starts: an admin at directorates, a directorate manager at
/// its units, a pool manager at its pools; a drill-down one level lower.
pub(crate) fn default_dim(role: pb::Role, within: &Within) -> Dim {
    match within {
        Within::Directorate(_) => Dim::Unit,
        Within::Unit(_) => Dim::Pool,
        Within::Pool(_) => Dim::Category,
        Within::All => match role {
            pb::Role::Admin => Dim::Directorate,
            pb::Role::DirectorateManager => Dim::Unit,
            _ => Dim::Pool,
        },
    }
}

/// Names for every code the page shows: the reports service's labels
/// first, then the gateway's own names (channels, types, sources,
/// categories, provinces, the directory's directorates, units and pools,
/// partners, closure reasons), and the code itself last.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    lang: Lang,
    labels: HashMap<(i32, String), (String, String)>,
    directorates: HashMap<String, String>,
    /// Unit id → (name, directorate id).
    units: HashMap<String, (String, String)>,
    /// Pool id → (name, unit id).
    pools: HashMap<String, (String, String)>,
    users: HashMap<String, String>,
    reasons: HashMap<String, (String, String)>,
    categories: Arc<Vec<tekmerkez_types::catalogue::Category>>,
}

impl Names {
    fn learn(&mut self, labels: &[rpb::Label]) {
        for l in labels {
            if !(l.name_tr.is_empty() && l.name_en.is_empty()) {
                self.labels.insert(
                    (l.dimension, l.code.clone()),
                    (l.name_tr.clone(), l.name_en.clone()),
                );
            }
        }
    }

    /// The name of `code` of `dim` in the page's language.
    pub(crate) fn name(&self, dim: Dim, code: &str) -> String {
        let en = self.lang.is_english();
        let t = &self.lang.texts().reports;
        if code.is_empty() {
            return t.none.to_owned();
        }
        if let Some((tr, e)) = self.labels.get(&(dim.proto() as i32, code.to_owned())) {
            let n = if en && !e.is_empty() { e } else { tr };
            if !n.is_empty() {
                return n.clone();
            }
        }
        let upper = code.to_ascii_uppercase();
        let own: Option<String> = match dim {
            Dim::Channel => common_v1::Channel::from_str_name(&format!("CHANNEL_{upper}"))
                .map(|c| self.lang.texts().common.channel_name(c as i32).to_owned()),
            Dim::Type => {
                common_v1::ApplicationType::from_str_name(&format!("APPLICATION_TYPE_{upper}"))
                    .map(|c| self.lang.texts().classify.type_name(c as i32).to_owned())
            }
            Dim::Source => {
                common_v1::ApplicationSource::from_str_name(&format!("APPLICATION_SOURCE_{upper}"))
                    .map(|c| self.lang.texts().classify.source_name(c as i32).to_owned())
            }
            Dim::Category => {
                Some(tekmerkez_types::catalogue::name_of(&self.categories, code, en).to_owned())
            }
            Dim::Province => code.parse::<u8>().ok().and_then(|n| {
                tekmerkez_geo::provinces()
                    .iter()
                    .find(|p| p.code() == n)
                    .map(|p| p.name().to_owned())
            }),
            Dim::Directorate => self.directorates.get(code).cloned(),
            Dim::Unit => self.units.get(code).map(|u| u.0.clone()),
            Dim::Pool => self.pools.get(code).map(|p| p.0.clone()),
            Dim::Partner => self.users.get(code).cloned(),
            Dim::ClosureReason => self.reasons.get(code).map(|(tr, e)| {
                if en && !e.is_empty() {
                    e.clone()
                } else {
                    tr.clone()
                }
            }),
        };
        own.filter(|n| !n.is_empty())
            .unwrap_or_else(|| code.to_owned())
    }
}

/// Reads the directory's names the page may show (what the person may not
/// list stays a code; the reports' labels usually name it anyway).
async fn names(state: &AppState, s: &Session, lang: Lang, dim: Dim) -> Names {
    let b = &state.backend;
    let (mut d1, mut d2, mut d3, mut d4) =
        (b.directory(), b.directory(), b.directory(), b.directory());
    let mut classification = b.classification();
    let want_users = dim == Dim::Partner;
    let want_reasons = dim == Dim::ClosureReason;
    let (dirs, units, pools, users, reasons) = tokio::join!(
        d1.list_directorates(b.as_user(s.user_id, pb::ListDirectoratesRequest {})),
        d2.list_units(b.as_user(s.user_id, pb::ListUnitsRequest::default())),
        d3.list_pools(b.as_user(s.user_id, pb::ListPoolsRequest::default())),
        async {
            if want_users {
                d4.list_users(b.as_user(
                    s.user_id,
                    pb::ListUsersRequest {
                        role: pb::Role::PartnerClient as i32,
                        ..Default::default()
                    },
                ))
                .await
                .ok()
            } else {
                None
            }
        },
        async {
            if want_reasons {
                classification
                    .list_closure_reasons(b.as_user(
                        s.user_id,
                        pb::ListClosureReasonsRequest {
                            include_inactive: true,
                        },
                    ))
                    .await
                    .ok()
            } else {
                None
            }
        },
    );
    Names {
        lang,
        labels: HashMap::new(),
        directorates: dirs
            .map(|r| {
                r.into_inner()
                    .directorates
                    .into_iter()
                    .map(|d| (d.id, d.name))
                    .collect()
            })
            .unwrap_or_default(),
        units: units
            .map(|r| {
                r.into_inner()
                    .units
                    .into_iter()
                    .map(|u| (u.id, (u.name, u.directorate_id)))
                    .collect()
            })
            .unwrap_or_default(),
        pools: pools
            .map(|r| {
                r.into_inner()
                    .pools
                    .into_iter()
                    .map(|p| (p.id, (p.name, p.unit_id)))
                    .collect()
            })
            .unwrap_or_default(),
        users: users
            .map(|r| {
                r.into_inner()
                    .users
                    .into_iter()
                    .map(|u| (u.id, u.display_name))
                    .collect()
            })
            .unwrap_or_default(),
        reasons: reasons
            .map(|r| {
                r.into_inner()
                    .reasons
                    .into_iter()
                    .map(|c| (c.code, (c.label_tr, c.label_en)))
                    .collect()
            })
            .unwrap_or_default(),
        categories: state.categories.clone(),
    }
}

/// Istanbul's today.
fn today() -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).date()
}

/// A figure of a key (or of the totals), as a cell of the breakdown.
pub(crate) struct FigureCell {
    pub text: String,
    /// The export of the records it counts (counts only, and not zero).
    pub href: Option<String>,
    /// What the link downloads, for screen readers.
    pub label: String,
}

/// A breakdown row.
pub(crate) struct BreakdownRow {
    pub code: String,
    pub name: String,
    /// The drill-down into this row.
    pub drill: Option<String>,
    pub drill_label: String,
    pub cells: Vec<FigureCell>,
}

/// One trend bucket.
pub(crate) struct TrendRow {
    pub label: String,
    pub opened: String,
    pub resolved: String,
}

/// One longest-open record.
pub(crate) struct LongRow {
    pub id: String,
    /// The tracking number (the id's start for a case counted before the
    /// reports kept it).
    pub name: String,
    pub days_open: String,
    pub pool: String,
    pub category: String,
    pub due: String,
    pub opened: String,
}

/// Everything the page (and its exports) shows.
pub(crate) struct Report {
    pub period: Period,
    pub step: Step,
    pub dim: Dim,
    /// Keys with their figures, most opened first.
    pub keys: Vec<(String, rpb::Figures)>,
    pub totals: rpb::Figures,
    pub trend: Option<Vec<(jiff::civil::Date, i64, i64)>>,
    pub longest: Option<Vec<rpb::ReportCase>>,
    pub names: Names,
}

/// Why the figures could not be shown.
enum LoadError {
    Refused,
    Invalid,
    Unavailable,
    NotConfigured,
}

async fn load(
    state: &AppState,
    s: &Session,
    lang: Lang,
    q: &ReportQuery,
    period: Period,
) -> Result<Report, LoadError> {
    let Some(mut client) = state.backend.reports() else {
        return Err(LoadError::NotConfigured);
    };
    let role = pb::Role::try_from(s.role).unwrap_or(pb::Role::Unspecified);
    let dim = q.dim.unwrap_or_else(|| default_dim(role, &q.within));
    let step = q.step.unwrap_or_else(|| Step::default_for(&period));
    let b = &state.backend;
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let summary = |granularity: Option<rpb::Granularity>| rpb::SummaryRequest {
        from: from.clone(),
        to: to.clone(),
        by: vec![dim.proto() as i32],
        granularity: granularity.map(|g| g as i32),
        within: q.within.to_proto(),
    };
    let (mut c2, mut c3) = (client.clone(), client.clone());
    let granularity = match step {
        Step::Day => rpb::Granularity::Day,
        Step::Week => rpb::Granularity::Week,
        Step::Month => rpb::Granularity::Month,
    };
    let (whole, trend, longest, mut names) = tokio::join!(
        client.summary(b.as_user(s.user_id, summary(None))),
        c2.summary(b.as_user(s.user_id, summary(Some(granularity)))),
        c3.longest_open(b.as_user(
            s.user_id,
            rpb::LongestOpenRequest {
                // Open until today, not until a period's end still to come.
                at: period.to.min(today()).to_string(),
                limit: LONGEST,
                within: q.within.to_proto(),
            },
        )),
        names(state, s, lang, dim),
    );
    let whole = match whole {
        Ok(r) => r.into_inner(),
        Err(st) => {
            return Err(match st.code() {
                Code::PermissionDenied | Code::Unauthenticated => LoadError::Refused,
                Code::InvalidArgument => {
                    tracing::warn!(code = ?st.code(), "the reports service refused a summary");
                    LoadError::Invalid
                }
                _ => {
                    tracing::error!(code = ?st.code(), "reading a report summary failed");
                    LoadError::Unavailable
                }
            });
        }
    };
    names.learn(&whole.labels);
    let mut keys: Vec<(String, rpb::Figures)> = whole
        .rows
        .into_iter()
        .map(|r| {
            (
                r.keys.into_iter().next().unwrap_or_default(),
                r.figures.unwrap_or_default(),
            )
        })
        .collect();
    keys.sort_by(|a, b| {
        b.1.opened
            .cmp(&a.1.opened)
            .then_with(|| names.name(dim, &a.0).cmp(&names.name(dim, &b.0)))
    });
    let trend = match trend {
        Ok(r) => {
            let r = r.into_inner();
            names.learn(&r.labels);
            let mut by_bucket: HashMap<String, (i64, i64)> = HashMap::new();
            for row in r.rows {
                let f = row.figures.unwrap_or_default();
                let e = by_bucket.entry(row.period).or_default();
                e.0 += f.opened;
                e.1 += f.resolved;
            }
            Some(
                step.buckets(&period)
                    .into_iter()
                    .map(|d| {
                        let (o, r) = by_bucket.get(&d.to_string()).copied().unwrap_or_default();
                        (d, o, r)
                    })
                    .collect(),
            )
        }
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading a report trend failed");
            None
        }
    };
    let longest = match longest {
        Ok(r) => {
            let r = r.into_inner();
            names.learn(&r.labels);
            Some(r.cases)
        }
        Err(st) => {
            tracing::warn!(code = ?st.code(), "reading the longest-open records failed");
            None
        }
    };
    Ok(Report {
        period,
        step,
        dim,
        keys,
        totals: whole.totals.unwrap_or_default(),
        trend,
        longest,
        names,
    })
}

/// A figure of the breakdown, by its URL code (`rakam=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Figure {
    Opened,
    Resolved,
    OpenAtEnd,
    OnTime,
    Late,
    /// Opened in the period and linked to an incident now.
    Linked,
}

impl Figure {
    const ALL: [Self; 6] = [
        Self::Opened,
        Self::Resolved,
        Self::OpenAtEnd,
        Self::OnTime,
        Self::Late,
        Self::Linked,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::Opened => "acilan",
            Self::Resolved => "cozulen",
            Self::OpenAtEnd => "acik",
            Self::OnTime => "zamaninda",
            Self::Late => "geciken",
            Self::Linked => "olaya-bagli",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    fn proto(self) -> rpb::Figure {
        match self {
            Self::Opened => rpb::Figure::Opened,
            Self::Resolved => rpb::Figure::Resolved,
            Self::OpenAtEnd => rpb::Figure::OpenAtEnd,
            Self::OnTime => rpb::Figure::OnTime,
            Self::Late => rpb::Figure::Late,
            Self::Linked => rpb::Figure::LinkedToIncident,
        }
    }

    fn of(self, f: &rpb::Figures) -> i64 {
        match self {
            Self::Opened => f.opened,
            Self::Resolved => f.resolved,
            Self::OpenAtEnd => f.open_at_end,
            Self::OnTime => f.on_time,
            Self::Late => f.late,
            Self::Linked => f.linked_to_incident,
        }
    }

    fn name(self, t: &ReportsTexts) -> &'static str {
        match self {
            Self::Opened => t.opened,
            Self::Resolved => t.resolved,
            Self::OpenAtEnd => t.open_at_end,
            Self::OnTime => t.on_time,
            Self::Late => t.late,
            Self::Linked => t.linked_to_incident,
        }
    }
}

/// The breakdown's column headers, in order.
fn figure_headers(t: &ReportsTexts) -> [&'static str; 10] {
    [
        t.opened,
        t.resolved,
        t.open_at_end,
        t.on_time,
        t.late,
        t.linked_to_incident,
        t.on_time_rate,
        t.median_close_hours,
        t.median_first_action_hours,
        t.satisfaction,
    ]
}

/// The link to the records behind figure `fig` of `key` (`None`: the
/// totals).
fn cases_href(q: &ReportQuery, r: &Report, fig: Figure, key: Option<&str>, n: i64) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("baslangic", &r.period.from.to_string());
    s.append_pair("bitis", &r.period.to.to_string());
    s.append_pair("rakam", fig.code());
    if let Some(k) = key {
        s.append_pair("kirilim", r.dim.code());
        s.append_pair("anahtar", k);
    }
    if let Some((k, v)) = q.within.param() {
        s.append_pair(k, v);
    }
    s.append_pair("bicim", q.format.code());
    s.append_pair("n", &n.to_string());
    format!("/raporlar/kayitlar?{}", s.finish())
}

fn figure_cells(
    t: &ReportsTexts,
    lang: Lang,
    q: &ReportQuery,
    r: &Report,
    key: Option<&str>,
    name: &str,
    f: &rpb::Figures,
) -> Vec<FigureCell> {
    let mut cells: Vec<FigureCell> = Figure::ALL
        .into_iter()
        .map(|fig| {
            let n = fig.of(f);
            let text = charts::number(n, lang);
            FigureCell {
                href: (n > 0).then(|| cases_href(q, r, fig, key, n)),
                label: (t.cases_of)(&text, &format!("{name} — {}", fig.name(t))),
                text,
            }
        })
        .collect();
    let plain = |text: String| FigureCell {
        text,
        href: None,
        label: String::new(),
    };
    cells.push(plain(charts::percent(f.on_time, f.on_time + f.late, lang)));
    cells.push(plain(
        f.median_hours_to_close
            .map(|h| charts::decimal(h, lang))
            .unwrap_or_default(),
    ));
    cells.push(plain(
        f.median_hours_to_first_action
            .map(|h| charts::decimal(h, lang))
            .unwrap_or_default(),
    ));
    cells.push(plain(
        f.satisfaction_average
            .map(|h| charts::decimal(h, lang))
            .unwrap_or_default(),
    ));
    cells
}

/// The figures of a key as a spreadsheet row (after its name).
fn figure_row(name: String, f: &rpb::Figures) -> Vec<Cell> {
    let rate = (f.on_time + f.late > 0)
        .then(|| (f.on_time as f64 * 10_000.0 / (f.on_time + f.late) as f64).round() / 100.0);
    vec![
        Cell::Text(name),
        Cell::Int(f.opened),
        Cell::Int(f.resolved),
        Cell::Int(f.open_at_end),
        Cell::Int(f.on_time),
        Cell::Int(f.late),
        Cell::Int(f.linked_to_incident),
        rate.into(),
        f.median_hours_to_close.into(),
        f.median_hours_to_first_action.into(),
        f.satisfaction_average.into(),
    ]
}

/// The breakdown table (with its totals row).
pub(crate) fn breakdown_table(t: &ReportsTexts, r: &Report) -> Table {
    let mut headers = vec![r.dim.name(t)];
    headers.extend(figure_headers(t));
    let mut table = Table::new(t.sheet_breakdown, headers);
    for (code, f) in &r.keys {
        table.push(figure_row(r.names.name(r.dim, code), f));
    }
    table.push(figure_row(t.total.to_owned(), &r.totals));
    table
}

/// The trend table.
pub(crate) fn trend_table(t: &ReportsTexts, r: &Report, lang: Lang) -> Table {
    let mut table = Table::new(t.sheet_trend, [t.bucket, t.opened, t.resolved]);
    for (d, o, res) in r.trend.iter().flatten() {
        table.push(vec![
            charts::bucket_label(r.step, *d, lang).into(),
            Cell::Int(*o),
            Cell::Int(*res),
        ]);
    }
    table
}

/// The deadline compliance table.
pub(crate) fn compliance_table(t: &ReportsTexts, r: &Report, lang: Lang) -> Table {
    let mut table = Table::new(
        t.sheet_compliance,
        [r.dim.name(t), t.on_time, t.late, t.on_time_rate],
    );
    let row = |name: String, f: &rpb::Figures| {
        vec![
            Cell::Text(name),
            Cell::Int(f.on_time),
            Cell::Int(f.late),
            Cell::Text(charts::percent(f.on_time, f.on_time + f.late, lang)),
        ]
    };
    for (code, f) in r.keys.iter().filter(|(_, f)| f.on_time + f.late > 0) {
        table.push(row(r.names.name(r.dim, code), f));
    }
    table.push(row(t.total.to_owned(), &r.totals));
    table
}

fn date_cell(s: &str) -> Cell {
    s.parse::<jiff::civil::Date>()
        .map(Cell::Date)
        .unwrap_or(Cell::Empty)
}

/// An RFC 3339 time's Istanbul day.
fn istanbul_day(s: &str) -> Option<jiff::civil::Date> {
    let tz = jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC);
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.to_zoned(tz).date())
}

/// The longest-open table.
pub(crate) fn longest_table(t: &ReportsTexts, r: &Report) -> Table {
    let mut table = Table::new(
        t.sheet_longest,
        [
            t.tracking_number,
            t.case_id,
            t.days_open,
            t.pool,
            t.category,
            t.due_date,
            t.opened_at,
        ],
    );
    for c in r.longest.iter().flatten() {
        table.push(vec![
            c.tracking_number.clone().into(),
            c.case_id.clone().into(),
            Cell::Int(i64::from(c.days_open)),
            r.names.name(Dim::Pool, &c.pool_id).into(),
            r.names.name(Dim::Category, &c.category).into(),
            date_cell(&c.due_date),
            istanbul_day(&c.opened_at).map_or(Cell::Empty, Cell::Date),
        ]);
    }
    table
}

/// The export's headers of the records behind a figure.
fn cases_headers(t: &ReportsTexts) -> [&'static str; 15] {
    [
        t.tracking_number,
        t.case_id,
        t.opened_at,
        t.resolved_at,
        t.due_date,
        t.channel,
        t.application_type,
        t.category,
        t.pool,
        t.unit,
        t.province,
        t.partner,
        t.closure_reason,
        t.source,
        t.days_open,
    ]
}

/// One record behind a figure as a spreadsheet row: codes as names, no
/// personal data (the reports service keeps none).
pub(crate) fn case_row(names: &Names, c: &rpb::ReportCase) -> Vec<Cell> {
    let day = |s: &str| istanbul_day(s).map_or(Cell::Empty, Cell::Date);
    let opt = |d: Dim, code: &str| {
        if code.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(names.name(d, code))
        }
    };
    vec![
        c.tracking_number.clone().into(),
        c.case_id.clone().into(),
        day(&c.opened_at),
        day(&c.resolved_at),
        date_cell(&c.due_date),
        opt(Dim::Channel, &c.channel),
        opt(Dim::Type, &c.r#type),
        opt(Dim::Category, &c.category),
        opt(Dim::Pool, &c.pool_id),
        opt(Dim::Unit, &c.unit_id),
        opt(Dim::Province, &c.province),
        opt(Dim::Partner, &c.partner),
        opt(Dim::ClosureReason, &c.closure_reason),
        opt(Dim::Source, &c.source),
        Cell::Int(i64::from(c.days_open)),
    ]
}

/// A crumb of the drill-down's path.
pub(crate) struct Crumb {
    pub name: String,
    /// `None` for the page shown.
    pub href: Option<String>,
}

fn crumbs(t: &ReportsTexts, role: pb::Role, q: &ReportQuery, names: &Names) -> Vec<Crumb> {
    let root = match role {
        pb::Role::Admin => t.everything,
        pb::Role::DirectorateManager => t.my_directorate,
        _ => t.my_pools,
    };
    let link = |w: &Within| {
        Some(format!(
            "/raporlar?{}",
            q.with(w, Some(default_dim(role, w)))
        ))
    };
    let mut path = vec![(root.to_owned(), link(&Within::All))];
    let unit_of_pool = |p: &str| names.pools.get(p).map(|x| x.1.clone()).unwrap_or_default();
    let dir_of_unit = |u: &str| names.units.get(u).map(|x| x.1.clone()).unwrap_or_default();
    let mut chain: Vec<Within> = Vec::new();
    match &q.within {
        Within::All => {}
        Within::Directorate(d) => chain.push(Within::Directorate(d.clone())),
        Within::Unit(u) => {
            chain.push(Within::Directorate(dir_of_unit(u)));
            chain.push(Within::Unit(u.clone()));
        }
        Within::Pool(p) => {
            let u = unit_of_pool(p);
            chain.push(Within::Directorate(dir_of_unit(&u)));
            chain.push(Within::Unit(u));
            chain.push(Within::Pool(p.clone()));
        }
    }
    // A directorate manager's root is its directorate, a pool manager's
    // its pools: the levels above are not theirs to open.
    let skip = match role {
        pb::Role::Admin => 0,
        pb::Role::DirectorateManager => 1,
        _ => 2,
    };
    for w in chain.into_iter().skip(skip) {
        let name = match &w {
            // A level the directory did not tell (not the person's to
            // list) is left out rather than shown as "none".
            Within::Directorate(id) | Within::Unit(id) | Within::Pool(id) if id.is_empty() => {
                continue;
            }
            Within::Directorate(id) => names.name(Dim::Directorate, id),
            Within::Unit(id) => names.name(Dim::Unit, id),
            Within::Pool(id) => names.name(Dim::Pool, id),
            Within::All => continue,
        };
        let href = link(&w);
        path.push((name, href));
    }
    let last = path.len() - 1;
    path.into_iter()
        .enumerate()
        .map(|(i, (name, href))| Crumb {
            name,
            href: if i == last { None } else { href },
        })
        .collect()
}

/// An option of a picker.
pub(crate) struct Choice {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

/// A chart and what the page says around it.
pub(crate) struct Chart {
    pub svg: String,
}

#[derive(askama::Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    frame: Frame,
    t: &'static ReportsTexts,
    csrf: String,
    display_name: String,
    presets: Vec<Choice>,
    from: String,
    to: String,
    dims: Vec<Choice>,
    steps: Vec<Choice>,
    formats: Vec<Choice>,
    within_param: Option<(&'static str, String)>,
    /// *Özel*, next to the custom days' labels.
    custom_name: &'static str,
    /// The custom period's errors, by field.
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
    /// The period was refused: no figures.
    refused: bool,
    breakdown_title: String,
    failure: Option<&'static str>,
    shown: String,
    crumbs: Vec<Crumb>,
    dim_name: &'static str,
    headers: [&'static str; 10],
    rows: Vec<BreakdownRow>,
    totals: Vec<FigureCell>,
    breakdown_chart: Option<Chart>,
    compliance_chart: Option<Chart>,
    compliance: Vec<(String, String, String, String)>,
    compliance_total: (String, String, String),
    trend_chart: Option<Chart>,
    trend: Vec<TrendRow>,
    trend_failed: bool,
    longest: Vec<LongRow>,
    longest_failed: bool,
    /// The query string of the page (for the downloads).
    query: String,
    /// The periodic report of the period shown (`donem=…&daire=…`), for
    /// admins and directorate managers.
    period_report: Option<String>,
    /// The call centre's figures, for admins and directorate managers.
    calls: Option<super::report_calls::CallsSection>,
    /// Whether there is anything to count.
    empty: bool,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    name: impl Fn(usize, T) -> &'static str,
    selected: Option<T>,
) -> Vec<Choice> {
    all.iter()
        .enumerate()
        .map(|(i, v)| Choice {
            code: code(*v),
            name: name(i, *v),
            selected: Some(*v) == selected,
        })
        .collect()
}

/// `GET /raporlar`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    RawQuery(raw): RawQuery,
) -> Response {
    if state.backend.reports().is_none() {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    }
    let q = ReportQuery::parse(&form_pairs(raw.unwrap_or_default().as_bytes()));
    let t = &frame.texts().reports;
    let lang = frame.lang;
    let role = pb::Role::try_from(s.role).unwrap_or(pb::Role::Unspecified);
    let resolved = period::resolve(q.preset, &q.from, &q.to, today());
    let mut page = ReportsPage {
        t,
        csrf: s.csrf_token.clone(),
        display_name: s.display_name.clone(),
        presets: choices(
            &Preset::ALL,
            Preset::code,
            |i, _| t.presets[i],
            Some(q.preset),
        ),
        from: q.from.clone(),
        to: q.to.clone(),
        dims: choices(
            &Dim::ALL,
            Dim::code,
            |i, _| t.dimensions[i],
            Some(q.dim.unwrap_or_else(|| default_dim(role, &q.within))),
        ),
        steps: Vec::new(),
        formats: choices(&Format::ALL, Format::code, |_, f| f.name(t), Some(q.format)),
        within_param: q.within.param().map(|(k, v)| (k, v.to_owned())),
        custom_name: t.presets[4],
        from_error: None,
        to_error: None,
        refused: false,
        breakdown_title: String::new(),
        failure: None,
        shown: String::new(),
        crumbs: Vec::new(),
        dim_name: "",
        headers: figure_headers(t),
        rows: Vec::new(),
        totals: Vec::new(),
        breakdown_chart: None,
        compliance_chart: None,
        compliance: Vec::new(),
        compliance_total: Default::default(),
        trend_chart: None,
        trend: Vec::new(),
        trend_failed: false,
        longest: Vec::new(),
        longest_failed: false,
        query: raw_query(&q),
        period_report: None,
        calls: None,
        empty: true,
        frame,
    };
    let period = match resolved {
        Ok(p) => p,
        Err(PeriodError { field, rule, .. }) => {
            let text = match rule {
                PeriodRule::NotADate => t.not_a_date,
                PeriodRule::EndBeforeStart => t.end_before_start,
                PeriodRule::TooLong => t.too_long,
            };
            page.refused = true;
            if field == "baslangic" {
                page.from_error = Some(text);
            } else {
                page.to_error = Some(text);
            }
            page.steps = choices(&Step::ALL, Step::code, |i, _| t.steps[i], q.step);
            let mut r = render(&page);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        }
    };
    if q.preset != Preset::Custom {
        // The custom inputs start from the period shown.
        page.from = period.from.to_string();
        page.to = period.to.to_string();
    }
    page.steps = choices(
        &Step::ALL,
        Step::code,
        |i, _| t.steps[i],
        Some(q.step.unwrap_or_else(|| Step::default_for(&period))),
    );
    page.shown = format!("{} – {}", charts::day(period.from), charts::day(period.to));
    if matches!(role, pb::Role::Admin | pb::Role::DirectorateManager) {
        let directorate = match &q.within {
            Within::Directorate(d) => d.as_str(),
            _ => "",
        };
        page.period_report = Some(format!(
            "donem={}&daire={directorate}",
            period_code(period.from, period.to)
        ));
    }
    page.calls = super::report_calls::load(
        &state,
        &s,
        lang,
        &page.frame.texts().report_calls,
        &period.from.to_string(),
        &period.to.to_string(),
    )
    .await;
    let report = match load(&state, &s, lang, &q, period).await {
        Ok(r) => r,
        Err(LoadError::Refused) => return super::refuse(&page.frame),
        Err(LoadError::NotConfigured) => {
            return super::message_page(&page.frame, StatusCode::NOT_FOUND, page.frame.c.not_found);
        }
        Err(LoadError::Invalid | LoadError::Unavailable) => {
            page.failure = Some(page.frame.c.unavailable);
            let mut r = render(&page);
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            return r;
        }
    };
    fill(&mut page, &q, &report, role);
    render(&page)
}

/// The page's query string as the downloads repeat it.
fn raw_query(q: &ReportQuery) -> String {
    q.with(&q.within, q.dim)
}

fn fill(page: &mut ReportsPage, q: &ReportQuery, r: &Report, role: pb::Role) {
    let t = page.t;
    let lang = page.frame.lang;
    page.crumbs = crumbs(t, role, q, &r.names);
    page.dim_name = r.dim.name(t);
    page.breakdown_title = (t.by)(page.dim_name);
    page.empty = r.keys.is_empty();
    let drillable = !matches!(q.within, Within::Pool(_));
    page.rows = r
        .keys
        .iter()
        .map(|(code, f)| {
            let name = r.names.name(r.dim, code);
            let drill = drillable
                .then(|| r.dim.drill(code))
                .flatten()
                .filter(|_| !code.is_empty())
                .map(|(w, d)| format!("/raporlar?{}", q.with(&w, Some(d))));
            BreakdownRow {
                cells: figure_cells(t, lang, q, r, Some(code), &name, f),
                drill_label: (t.drill_into)(&name),
                code: code.clone(),
                name,
                drill,
            }
        })
        .collect();
    page.totals = figure_cells(t, lang, q, r, None, t.total, &r.totals);
    let top: Vec<&(String, rpb::Figures)> = r.keys.iter().take(CHART_KEYS).collect();
    let labels: Vec<String> = top.iter().map(|(c, _)| r.names.name(r.dim, c)).collect();
    let opened: Vec<i64> = top.iter().map(|(_, f)| f.opened).collect();
    if !top.is_empty() {
        page.breakdown_chart = charts::bar_chart(
            "grafik-kirilim",
            &(t.opened_by)(r.dim.name(t)),
            &labels,
            &[Series {
                name: t.opened,
                color: charts::BLUE,
                values: &opened,
            }],
            lang,
        )
        .map_err(|e| tracing::error!(error.message = %e, "drawing the breakdown failed"))
        .ok()
        .map(|svg| Chart { svg });
    }
    let judged: Vec<&(String, rpb::Figures)> = r
        .keys
        .iter()
        .filter(|(_, f)| f.on_time + f.late > 0)
        .collect();
    page.compliance = judged
        .iter()
        .map(|(c, f)| {
            (
                r.names.name(r.dim, c),
                charts::number(f.on_time, lang),
                charts::number(f.late, lang),
                charts::percent(f.on_time, f.on_time + f.late, lang),
            )
        })
        .collect();
    page.compliance_total = (
        charts::number(r.totals.on_time, lang),
        charts::number(r.totals.late, lang),
        charts::percent(r.totals.on_time, r.totals.on_time + r.totals.late, lang),
    );
    if !judged.is_empty() {
        let top: Vec<_> = judged.iter().take(CHART_KEYS).collect();
        let labels: Vec<String> = top.iter().map(|(c, _)| r.names.name(r.dim, c)).collect();
        let on_time: Vec<i64> = top.iter().map(|(_, f)| f.on_time).collect();
        let late: Vec<i64> = top.iter().map(|(_, f)| f.late).collect();
        page.compliance_chart = charts::bar_chart(
            "grafik-uyum",
            t.compliance,
            &labels,
            &[
                Series {
                    name: t.on_time,
                    color: charts::GREEN,
                    values: &on_time,
                },
                Series {
                    name: t.late,
                    color: charts::RED,
                    values: &late,
                },
            ],
            lang,
        )
        .map_err(|e| tracing::error!(error.message = %e, "drawing the compliance failed"))
        .ok()
        .map(|svg| Chart { svg });
    }
    match &r.trend {
        Some(points) => {
            page.trend = points
                .iter()
                .map(|(d, o, res)| TrendRow {
                    label: charts::bucket_label(r.step, *d, lang),
                    opened: charts::number(*o, lang),
                    resolved: charts::number(*res, lang),
                })
                .collect();
            let x: Vec<String> = points
                .iter()
                .map(|(d, _, _)| charts::axis_label(r.step, *d, lang))
                .collect();
            let opened: Vec<i64> = points.iter().map(|p| p.1).collect();
            let resolved: Vec<i64> = points.iter().map(|p| p.2).collect();
            page.trend_chart = charts::line_chart(
                "grafik-egilim",
                t.trend,
                &x,
                &[
                    Series {
                        name: t.opened,
                        color: charts::BLUE,
                        values: &opened,
                    },
                    Series {
                        name: t.resolved,
                        color: charts::GREEN,
                        values: &resolved,
                    },
                ],
                lang,
            )
            .map_err(|e| tracing::error!(error.message = %e, "drawing the trend failed"))
            .ok()
            .map(|svg| Chart { svg });
        }
        None => page.trend_failed = true,
    }
    match &r.longest {
        Some(cases) => {
            page.longest = cases
                .iter()
                .map(|c| LongRow {
                    name: if c.tracking_number.is_empty() {
                        c.case_id.chars().take(8).collect()
                    } else {
                        c.tracking_number.clone()
                    },
                    id: c.case_id.clone(),
                    days_open: charts::number(i64::from(c.days_open), lang),
                    pool: r.names.name(Dim::Pool, &c.pool_id),
                    category: r.names.name(Dim::Category, &c.category),
                    due: c
                        .due_date
                        .parse::<jiff::civil::Date>()
                        .map(charts::day)
                        .unwrap_or_default(),
                    opened: istanbul_day(&c.opened_at)
                        .map(charts::day)
                        .unwrap_or_default(),
                })
                .collect();
        }
        None => page.longest_failed = true,
    }
}

/// XLSX's media type.
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How the periodic report names `from`–`to`: a whole month `2026-11`, a
/// whole year `2026`, else `2026-03-01..2026-05-31`.
fn period_code(from: jiff::civil::Date, to: jiff::civil::Date) -> String {
    if from.day() == 1 && to == from.last_of_month() {
        from.strftime("%Y-%m").to_string()
    } else if from == from.first_of_year() && to == from.last_of_year() {
        from.year().to_string()
    } else {
        format!("{from}..{to}")
    }
}

/// `GET /raporlar/donem-raporu?donem=…&daire=…&bicim=pdf|xlsx`: the
/// periodic report as it is e-mailed, drawn by the reports service (which
/// decides who may read which directorate's).
pub(super) async fn period_report(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(mut client) = state.backend.periodic_reports() else {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let pairs = form_pairs(raw.unwrap_or_default().as_bytes());
    let get = |k: &str| {
        super::last_value(&pairs, k)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let xlsx = get("bicim") == "xlsx";
    let asked = client
        .render_report(state.backend.as_user(
            s.user_id,
            rpb::RenderReportRequest {
                directorate_id: get("daire"),
                period: get("donem"),
                language: if frame.lang.is_english() { "en" } else { "tr" }.to_owned(),
            },
        ))
        .await;
    match asked {
        Ok(r) => {
            let r = r.into_inner();
            let (bytes, ext, content_type) = if xlsx {
                (r.xlsx, "xlsx", XLSX_TYPE)
            } else {
                (r.pdf, "pdf", "application/pdf")
            };
            (
                [
                    (header::CONTENT_TYPE, content_type.to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        content_disposition(&r.file_stem, ext),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) => {
            super::refuse(&frame)
        }
        Err(e) if matches!(e.code(), Code::InvalidArgument | Code::NotFound) => {
            super::message_page(
                &frame,
                StatusCode::BAD_REQUEST,
                frame.texts().reports.not_a_date,
            )
        }
        Err(e) => {
            tracing::error!(code = ?e.code(), "drawing the periodic report failed");
            super::message_page(
                &frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.texts().report_mail.unavailable,
            )
        }
    }
}

/// An attachment's `Content-Disposition`: an ASCII name for old browsers
/// and the Turkish one (RFC 5987) for the rest.
fn content_disposition(stem: &str, ext: &str) -> String {
    let ascii: String = stem
        .chars()
        .map(|c| match c {
            'ç' => 'c',
            'Ç' => 'C',
            'ğ' => 'g',
            'Ğ' => 'G',
            'ı' => 'i',
            'İ' => 'I',
            'ö' => 'o',
            'Ö' => 'O',
            'ş' => 's',
            'Ş' => 'S',
            'ü' => 'u',
            'Ü' => 'U',
            'â' | 'Â' => 'a',
            c if c.is_ascii_alphanumeric() || " -_.()".contains(c) => c,
            _ => '-',
        })
        .collect();
    let encoded: String = format!("{stem}.{ext}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{encoded}")
}

/// A file download.
fn download(file: &ExportFile) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        ],
        file.bytes.as_ref().clone(),
    )
        .into_response()
}

/// `GET /raporlar/indir?…&tablo=kirilim|egilim|uyum|en-uzun&bicim=…`: a
/// table of the page as CSV or XLSX.
pub(super) async fn export(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = form_pairs(raw.unwrap_or_default().as_bytes());
    let q = ReportQuery::parse(&pairs);
    let t = &frame.texts().reports;
    let which = super::last_value(&pairs, "tablo")
        .unwrap_or("kirilim")
        .to_owned();
    let period = match period::resolve(q.preset, &q.from, &q.to, today()) {
        Ok(p) => p,
        Err(e) => return period_refused(&frame, &e),
    };
    let r = match load(&state, &s, frame.lang, &q, period).await {
        Ok(r) => r,
        Err(LoadError::Refused) => return super::refuse(&frame),
        Err(LoadError::NotConfigured) => {
            return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
        }
        Err(_) => {
            return super::message_page(
                &frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.c.unavailable,
            );
        }
    };
    let (table, slug) = match which.as_str() {
        "egilim" => (trend_table(t, &r, frame.lang), "egilim"),
        "uyum" => (compliance_table(t, &r, frame.lang), "sure-uyumu"),
        "en-uzun" => (longest_table(t, &r), "en-uzun-acik"),
        _ => (breakdown_table(t, &r), "kirilim"),
    };
    let name = format!("rapor-{slug}-{}_{}", r.period.from, r.period.to);
    match q.format.write(&table, &name) {
        Some(f) => download(&f),
        None => super::message_page(
            &frame,
            StatusCode::INTERNAL_SERVER_ERROR,
            frame.c.unavailable,
        ),
    }
}

/// A custom period refused on a download link (the page itself shows the
/// form with the field marked).
fn period_refused(frame: &Frame, e: &PeriodError) -> Response {
    let t = &frame.texts().reports;
    let text = match e.rule {
        PeriodRule::NotADate => t.not_a_date,
        PeriodRule::EndBeforeStart => t.end_before_start,
        PeriodRule::TooLong => t.too_long,
    };
    super::message_page(frame, StatusCode::BAD_REQUEST, text)
}

/// The request behind `/raporlar/kayitlar`.
struct CasesQuery {
    request: rpb::CasesBehindRequest,
    figure: Figure,
    /// The dimension of the key, for the names (none: the totals).
    dim: Dim,
    count: i64,
    format: Format,
    /// The parameters in a fixed order, for the job's key.
    params: Vec<(&'static str, String)>,
}

fn parse_cases(pairs: &[(String, String)]) -> Result<CasesQuery, PeriodError> {
    let get = |k: &str| super::last_value(pairs, k).map(str::to_owned);
    let from = get("baslangic").unwrap_or_default();
    let to = get("bitis").unwrap_or_default();
    let period = period::resolve(Preset::Custom, &from, &to, today())?;
    let q = ReportQuery::parse(pairs);
    let figure = get("rakam")
        .as_deref()
        .and_then(Figure::parse)
        .unwrap_or(Figure::Opened);
    let dim = q.dim.unwrap_or(Dim::Pool);
    let key = get("anahtar");
    let count = get("n")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let mut params = vec![
        ("baslangic", period.from.to_string()),
        ("bitis", period.to.to_string()),
        ("rakam", figure.code().to_owned()),
        ("bicim", q.format.code().to_owned()),
    ];
    if let Some(k) = &key {
        params.push(("kirilim", dim.code().to_owned()));
        params.push(("anahtar", k.clone()));
    }
    if let Some((k, v)) = q.within.param() {
        params.push((k, v.to_owned()));
    }
    Ok(CasesQuery {
        request: rpb::CasesBehindRequest {
            from: period.from.to_string(),
            to: period.to.to_string(),
            figure: figure.proto() as i32,
            key: key
                .into_iter()
                .map(|code| rpb::KeyValue {
                    dimension: dim.proto() as i32,
                    code,
                })
                .collect(),
            within: q.within.to_proto(),
        },
        figure,
        dim,
        count,
        format: q.format,
        params,
    })
}

/// Streams the records behind a figure into a table, counting each on
/// `progress`.
async fn collect_cases(
    state: &AppState,
    user: uuid::Uuid,
    names: &Names,
    t: &ReportsTexts,
    request: rpb::CasesBehindRequest,
    progress: impl Fn(),
) -> Result<Table, tonic::Status> {
    let Some(mut client) = state.backend.reports() else {
        return Err(tonic::Status::unavailable("reports are not configured"));
    };
    let mut stream = client
        .cases_behind(state.backend.as_user(user, request))
        .await?
        .into_inner();
    let mut table = Table::new(t.sheet_cases, cases_headers(t));
    while let Some(page) = stream.message().await? {
        for c in &page.cases {
            table.push(case_row(names, c));
            progress();
        }
    }
    Ok(table)
}

/// `GET /raporlar/kayitlar?baslangic&bitis&rakam&kirilim&anahtar&…&n`: the
/// records behind one number of the breakdown. Up to [`BACKGROUND_FROM`]
/// rows download at once; more are prepared in the background behind a
/// progress page (the same export asked again finds the same job).
pub(super) async fn cases(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    RawQuery(raw): RawQuery,
) -> Response {
    if state.backend.reports().is_none() {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    }
    let pairs = form_pairs(raw.unwrap_or_default().as_bytes());
    let cq = match parse_cases(&pairs) {
        Ok(c) => c,
        Err(e) => return period_refused(&frame, &e),
    };
    let t = &frame.texts().reports;
    let lang = frame.lang;
    let base_name = format!(
        "kayitlar-{}-{}_{}",
        cq.figure.code(),
        cq.request.from,
        cq.request.to
    );
    let names = names(&state, &s, lang, cq.dim).await;
    if cq.count <= BACKGROUND_FROM {
        return match collect_cases(&state, s.user_id, &names, t, cq.request, || {}).await {
            Ok(table) => match cq.format.write(&table, &base_name) {
                Some(f) => download(&f),
                None => super::message_page(
                    &frame,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    frame.c.unavailable,
                ),
            },
            Err(st) if matches!(st.code(), Code::PermissionDenied | Code::Unauthenticated) => {
                super::refuse(&frame)
            }
            Err(st) => {
                tracing::error!(code = ?st.code(), "reading the records behind a figure failed");
                super::message_page(&frame, StatusCode::SERVICE_UNAVAILABLE, t.failed)
            }
        };
    }
    let params: Vec<(&str, &str)> = cq.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = report_jobs::key(s.user_id, &params);
    let (job, started) = state
        .report_jobs
        .start(&key, s.user_id, cq.count.unsigned_abs());
    if started {
        let state = state.clone();
        let user = s.user_id;
        let format = cq.format;
        let request = cq.request;
        tokio::spawn(async move {
            let progress = || job.advance();
            let result = match collect_cases(&state, user, &names, t, request, progress).await {
                Ok(table) => format.write(&table, &base_name),
                Err(st) => {
                    tracing::error!(code = ?st.code(), "preparing the records behind a figure failed");
                    None
                }
            };
            job.finish(result);
        });
    }
    super::see_other(&format!("/raporlar/is/{key}"))
}

#[derive(askama::Template)]
#[template(path = "reports_job.html")]
struct JobPage {
    frame: Frame,
    t: &'static ReportsTexts,
    csrf: String,
    display_name: String,
    key: String,
    running: bool,
    failed: bool,
    progress: String,
    done: u64,
    total: u64,
}

/// `GET /raporlar/is/{key}`: a large export's progress, then its file.
pub(super) async fn job(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    Path(key): Path<String>,
) -> Response {
    let Some(job) = state.report_jobs.get(&key, s.user_id) else {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let t = &frame.texts().reports;
    let lang = frame.lang;
    let state_now = job.state();
    let done = job.done();
    render(&JobPage {
        running: matches!(state_now, JobState::Running),
        failed: matches!(state_now, JobState::Failed),
        progress: (t.preparing)(
            &charts::number(i64::try_from(done).unwrap_or(i64::MAX), lang),
            &charts::number(i64::try_from(job.total).unwrap_or(i64::MAX), lang),
        ),
        done,
        total: job.total.max(done),
        key,
        t,
        csrf: s.csrf_token,
        display_name: s.display_name,
        frame,
    })
}

/// `GET /raporlar/is/{key}/dosya`: a finished export's file.
pub(super) async fn job_file(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Reporters>,
    Path(key): Path<String>,
) -> Response {
    match state.report_jobs.get(&key, s.user_id).map(|j| j.state()) {
        Some(JobState::Done(f)) => download(&f),
        Some(JobState::Running) => super::see_other(&format!("/raporlar/is/{key}")),
        _ => super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> ReportQuery {
        ReportQuery::parse(&form_pairs(s.as_bytes()))
    }

    #[test]
    fn each_role_starts_at_its_own_level_and_drills_one_lower() {
        assert_eq!(default_dim(pb::Role::Admin, &Within::All), Dim::Directorate);
        assert_eq!(
            default_dim(pb::Role::DirectorateManager, &Within::All),
            Dim::Unit
        );
        assert_eq!(default_dim(pb::Role::PoolManager, &Within::All), Dim::Pool);
        assert_eq!(
            default_dim(pb::Role::Admin, &Within::Directorate("d".into())),
            Dim::Unit
        );
        assert_eq!(
            default_dim(pb::Role::Admin, &Within::Unit("u".into())),
            Dim::Pool
        );
        assert_eq!(
            Dim::Directorate.drill("d"),
            Some((Within::Directorate("d".into()), Dim::Unit))
        );
        assert_eq!(Dim::Channel.drill("web_form"), None);
    }

    #[test]
    fn the_query_round_trips_through_links() {
        let a = q(
            "donem=ozel&baslangic=2026-01-01&bitis=2026-01-31&kirilim=kanal&adim=hafta&birim=u1&bicim=csv-tr",
        );
        assert_eq!(a.preset, Preset::Custom);
        assert_eq!(a.dim, Some(Dim::Channel));
        assert_eq!(a.step, Some(Step::Week));
        assert_eq!(a.within, Within::Unit("u1".into()));
        assert_eq!(a.format, Format::CsvTr);
        let b = q(&a.with(&a.within, a.dim));
        assert_eq!(
            (b.preset, b.from, b.to, b.dim, b.step, b.within, b.format),
            (a.preset, a.from, a.to, a.dim, a.step, a.within, a.format)
        );
        // The narrowest drill-down wins; unknown values fall back.
        let c = q("mudurluk=d&havuz=p&kirilim=xyz&bicim=pdf");
        assert_eq!(c.within, Within::Pool("p".into()));
        assert_eq!(c.dim, None);
        assert_eq!(c.format, Format::Xlsx);
    }

    fn names() -> Names {
        let mut n = Names {
            lang: Lang::Tr,
            ..Default::default()
        };
        n.pools
            .insert("p1".into(), ("Ankara Su Arıza".into(), "u1".into()));
        n.units
            .insert("u1".into(), ("Su Arıza Birimi".into(), "d1".into()));
        n.directorates
            .insert("d1".into(), "Su ve Kanalizasyon".into());
        n
    }

    #[test]
    fn codes_are_named_by_the_reports_labels_then_the_gateways_own_names_then_the_code() {
        let mut n = names();
        assert_eq!(n.name(Dim::Channel, "mobile_app"), "Mobil uygulama");
        assert_eq!(n.name(Dim::Type, "sikayet"), "Şikâyet");
        assert_eq!(n.name(Dim::Province, "34"), "İstanbul");
        assert_eq!(n.name(Dim::Pool, "p1"), "Ankara Su Arıza");
        assert_eq!(n.name(Dim::Partner, ""), "Belirtilmemiş");
        assert_eq!(n.name(Dim::ClosureReason, "xyz"), "xyz");
        n.learn(&[rpb::Label {
            dimension: rpb::Dimension::ClosureReason as i32,
            code: "xyz".into(),
            name_tr: "Çözüldü".into(),
            name_en: "Solved".into(),
        }]);
        assert_eq!(n.name(Dim::ClosureReason, "xyz"), "Çözüldü");
        n.lang = Lang::En;
        assert_eq!(n.name(Dim::ClosureReason, "xyz"), "Solved");
    }

    #[test]
    fn the_breadcrumb_goes_back_up_only_as_far_as_the_persons_scope() {
        let n = names();
        let t = &crate::i18n::TR.reports;
        let at_pool = q("donem=bu-ay&havuz=p1");
        let admin: Vec<_> = crumbs(t, pb::Role::Admin, &at_pool, &n)
            .into_iter()
            .map(|c| (c.name, c.href.is_some()))
            .collect();
        assert_eq!(
            admin,
            [
                ("Tüm kurum".to_owned(), true),
                ("Su ve Kanalizasyon".to_owned(), true),
                ("Su Arıza Birimi".to_owned(), true),
                ("Ankara Su Arıza".to_owned(), false)
            ]
        );
        let manager: Vec<_> = crumbs(t, pb::Role::DirectorateManager, &at_pool, &n)
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            manager,
            ["Müdürlüğüm", "Su Arıza Birimi", "Ankara Su Arıza"]
        );
        let up = crumbs(t, pb::Role::Admin, &at_pool, &n);
        assert!(up[2].href.as_deref().unwrap().contains("birim=u1"));
        assert!(up[2].href.as_deref().unwrap().contains("kirilim=havuz"));
    }

    fn report() -> Report {
        let f = |opened, on_time, late| rpb::Figures {
            opened,
            resolved: on_time + late,
            on_time,
            late,
            median_hours_to_close: Some(4.5),
            linked_to_incident: opened / 4,
            ..Default::default()
        };
        Report {
            period: Period {
                preset: Preset::ThisMonth,
                from: jiff::civil::date(2026, 1, 1),
                to: jiff::civil::date(2026, 1, 31),
            },
            step: Step::Day,
            dim: Dim::Channel,
            keys: vec![
                ("phone".into(), f(1200, 7, 1)),
                ("web_form".into(), f(3, 0, 0)),
            ],
            totals: f(1203, 7, 1),
            trend: None,
            longest: None,
            names: Names {
                lang: Lang::Tr,
                ..Default::default()
            },
        }
    }

    #[test]
    fn the_breakdown_table_names_its_keys_and_ends_with_the_totals() {
        let r = report();
        let tb = breakdown_table(&crate::i18n::TR.reports, &r);
        assert_eq!(tb.headers[0], "Kanal");
        assert_eq!(tb.headers[1], "Açılan");
        assert_eq!(tb.rows.len(), 3);
        assert_eq!(tb.rows[0][0], Cell::Text("Telefon".into()));
        assert_eq!(tb.rows[0][1], Cell::Int(1200));
        // Linked to an incident, after the late ones.
        assert_eq!(tb.headers[6], "Olaya bağlı");
        assert_eq!(tb.rows[0][6], Cell::Int(300));
        assert_eq!(tb.rows[2][6], Cell::Int(300));
        assert_eq!(tb.rows[0][7], Cell::Number(87.5));
        assert_eq!(tb.rows[2][0], Cell::Text("Toplam".into()));
        let csv = String::from_utf8(tb.to_csv(Separator::Semicolon)).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("Kanal;Açılan;Çözülen"));
        let en = breakdown_table(&crate::i18n::EN.reports, &r);
        assert_eq!(en.headers[1], "Opened");
        assert_eq!(en.headers[6], "Linked to incident");
        // Compliance leaves out keys with nothing judged.
        let c = compliance_table(&crate::i18n::TR.reports, &r, Lang::Tr);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0][3], Cell::Text("%87,5".into()));
    }

    #[test]
    fn a_figures_link_names_the_figure_the_key_and_the_format() {
        let r = report();
        let qq = q("donem=bu-ay&kirilim=kanal&bicim=csv-tr&birim=u1");
        let cells = figure_cells(
            &crate::i18n::TR.reports,
            Lang::Tr,
            &qq,
            &r,
            Some("phone"),
            "Telefon",
            &r.keys[0].1,
        );
        let href = cells[0].href.as_deref().unwrap();
        for part in [
            "/raporlar/kayitlar?",
            "baslangic=2026-01-01",
            "bitis=2026-01-31",
            "rakam=acilan",
            "kirilim=kanal",
            "anahtar=phone",
            "birim=u1",
            "bicim=csv-tr",
            "n=1200",
        ] {
            assert!(href.contains(part), "{part} not in {href}");
        }
        assert_eq!(cells[0].text, "1.200");
        // A zero is not a link: there is nothing to download.
        let zero = figure_cells(
            &crate::i18n::TR.reports,
            Lang::Tr,
            &qq,
            &r,
            Some("web_form"),
            "Web",
            &r.keys[1].1,
        );
        assert!(zero[3].href.is_none());
        let cq = parse_cases(&form_pairs(href.split_once('?').unwrap().1.as_bytes())).unwrap();
        assert_eq!(cq.count, 1200);
        assert_eq!(cq.request.figure, rpb::Figure::Opened as i32);
        assert_eq!(cq.request.key[0].code, "phone");
        assert_eq!(cq.request.key[0].dimension, rpb::Dimension::Channel as i32);
        assert_eq!(cq.request.within.as_ref().unwrap().unit_id, "u1");
        assert_eq!(cq.format, Format::CsvTr);
    }
}
