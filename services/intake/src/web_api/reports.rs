//! `GET /v1/reports/summary`: the reports service's `Summary` over HTTP,
//! as JSON, CSV (comma or semicolon, with a BOM) or XLSX. The caller's
//! `Authorization: Bearer …` (a user's API token) is passed on to the
//! reports service, which asks the case service who the caller is: the
//! scope is the desk's, decided there, never here.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tekmerkez_proto::reports_v1 as rpb;
use tekmerkez_table::{Cell, Separator, Table};
use tekmerkez_types::fields::Violations;

use super::{
    openapi::ErrorBody,
    pass_through::{Refusals, from_status, unavailable, with_callers_token},
    state::WebState,
};
use crate::api_error::ApiError;

/// Every `by` value, as the API names it, with its wire dimension and its
/// column header in Turkish and English.
pub(super) const DIMENSIONS: [(&str, rpb::Dimension, &str, &str); 10] = [
    ("channel", rpb::Dimension::Channel, "Kanal", "Channel"),
    (
        "type",
        rpb::Dimension::Type,
        "Başvuru türü",
        "Application type",
    ),
    ("category", rpb::Dimension::Category, "Kategori", "Category"),
    ("unit", rpb::Dimension::Unit, "Birim", "Unit"),
    ("pool", rpb::Dimension::Pool, "Havuz", "Pool"),
    ("province", rpb::Dimension::Province, "İl", "Province"),
    ("partner", rpb::Dimension::Partner, "Kurum", "Partner"),
    (
        "closure_reason",
        rpb::Dimension::ClosureReason,
        "Kapanış nedeni",
        "Closure reason",
    ),
    ("source", rpb::Dimension::Source, "Kaynak", "Source"),
    (
        "directorate",
        rpb::Dimension::Directorate,
        "Müdürlük",
        "Directorate",
    ),
];

/// The values of `granularity`.
pub(super) const GRANULARITIES: [&str; 4] = ["day", "week", "month", "year"];
/// The values of `format`.
pub(super) const FORMATS: [&str; 3] = ["json", "csv", "xlsx"];

const BY_RULE: &str = "must be one or two of channel, type, category, unit, pool, province, partner, closure_reason, source, directorate, comma-separated, each once";

/// The query of the summary.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SummaryParams {
    /// The first day, YYYY-MM-DD (Europe/Istanbul).
    #[param(example = "2026-01-01")]
    from: Option<String>,
    /// The last day, YYYY-MM-DD, included.
    #[param(example = "2026-01-31")]
    to: Option<String>,
    /// One or two dimensions, comma-separated: channel, type, category,
    /// unit, pool, province, partner, closure_reason, source, directorate.
    #[param(example = "channel")]
    by: Option<String>,
    /// Split the period: day, week (ISO, Monday first), month or year.
    granularity: Option<String>,
    /// Only this directorate's pools (within the caller's scope).
    directorate: Option<String>,
    /// Only this unit's pools (within the caller's scope).
    unit: Option<String>,
    /// Only this pool (within the caller's scope).
    pool: Option<String>,
    /// json (the default), csv or xlsx.
    format: Option<String>,
    /// For csv: comma (the default) or semicolon (Excel in a Turkish locale).
    separator: Option<String>,
    /// tr (the default) or en: the labels' language, and csv/xlsx headers.
    lang: Option<String>,
}

/// How the answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Csv(Separator),
    Xlsx,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Checked {
    pub request: rpb::SummaryRequest,
    /// The `by` names, in order.
    pub by: Vec<&'static str>,
    pub format: Format,
    pub english: bool,
}

fn one_of(
    v: &mut Violations,
    field: &'static str,
    raw: Option<&str>,
    allowed: &[&str],
    rule: &'static str,
) -> Option<usize> {
    let raw = raw?.trim();
    let found = allowed.iter().position(|a| *a == raw);
    if found.is_none() {
        v.add(field, rule);
    }
    found
}

/// Checks the query, naming every bad parameter at once.
pub(super) fn check(p: &SummaryParams) -> Result<Checked, Violations> {
    let mut v = Violations::new();
    for (field, raw) in [("from", &p.from), ("to", &p.to)] {
        let ok = raw
            .as_deref()
            .is_some_and(|d| jiff::civil::Date::strptime("%Y-%m-%d", d.trim()).is_ok());
        if !ok {
            v.add(field, "must be a date YYYY-MM-DD");
        }
    }
    let mut by: Vec<&'static str> = Vec::new();
    let mut dims = Vec::new();
    let names: Vec<&str> =
        p.by.as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
    let mut by_ok = (1..=2).contains(&names.len());
    for n in names {
        match DIMENSIONS.iter().find(|d| d.0 == n) {
            Some(d) if !by.contains(&d.0) => {
                by.push(d.0);
                dims.push(d.1 as i32);
            }
            _ => by_ok = false,
        }
    }
    if !by_ok {
        v.add("by", BY_RULE);
    }
    let granularity = one_of(
        &mut v,
        "granularity",
        p.granularity.as_deref(),
        &GRANULARITIES,
        "must be day, week, month or year",
    )
    .map(|i| {
        [
            rpb::Granularity::Day,
            rpb::Granularity::Week,
            rpb::Granularity::Month,
            rpb::Granularity::Year,
        ][i] as i32
    });
    let format = one_of(
        &mut v,
        "format",
        p.format.as_deref(),
        &FORMATS,
        "must be json, csv or xlsx",
    );
    let separator = one_of(
        &mut v,
        "separator",
        p.separator.as_deref(),
        &["comma", "semicolon"],
        "must be comma or semicolon",
    );
    let lang = one_of(
        &mut v,
        "lang",
        p.lang.as_deref(),
        &["tr", "en"],
        "must be tr or en",
    );
    let within: Vec<_> = [&p.directorate, &p.unit, &p.pool]
        .iter()
        .map(|x| x.as_deref().map(str::trim).unwrap_or("").to_owned())
        .collect();
    if within.iter().filter(|w| !w.is_empty()).count() > 1 {
        v.add(
            "directorate",
            "at most one of directorate, unit and pool may be given",
        );
    }
    v.into_result()?;
    let format = match format {
        Some(1) => Format::Csv(if separator == Some(1) {
            Separator::Semicolon
        } else {
            Separator::Comma
        }),
        Some(2) => Format::Xlsx,
        _ => Format::Json,
    };
    let within = within.iter().any(|w| !w.is_empty()).then(|| rpb::Within {
        directorate_id: within[0].clone(),
        unit_id: within[1].clone(),
        pool_id: within[2].clone(),
    });
    Ok(Checked {
        request: rpb::SummaryRequest {
            from: p.from.as_deref().unwrap_or("").trim().to_owned(),
            to: p.to.as_deref().unwrap_or("").trim().to_owned(),
            by: dims,
            granularity,
            within,
        },
        by,
        format,
        english: lang == Some(1),
    })
}

/// The figures of a key or of the whole period.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReportFigures)]
pub(super) struct FiguresBody {
    /// Cases created in the period.
    opened: i64,
    /// Resolutions in the period (a case resolved again counts again).
    resolved: i64,
    /// Cases not resolved at the end of the period's last day.
    open_at_end: i64,
    /// Resolutions on or before the legal due date.
    on_time: i64,
    /// Resolutions after it.
    late: i64,
    /// Cases opened in the period and linked to an incident now (answered
    /// with the incident's answer).
    linked_to_incident: i64,
    /// Median hours from opening to resolution; null without resolutions.
    median_hours_to_close: Option<f64>,
    /// Median hours from creation to the first claim, assignment or note.
    median_hours_to_first_action: Option<f64>,
    /// Satisfaction answers given in the period.
    satisfaction_count: i64,
    /// Their average score (1 to 5); null without answers.
    satisfaction_average: Option<f64>,
    /// Resolutions behind the close median.
    close_samples: i64,
    /// Cases behind the first-action median.
    first_action_samples: i64,
}

impl From<&rpb::Figures> for FiguresBody {
    fn from(f: &rpb::Figures) -> Self {
        Self {
            opened: f.opened,
            resolved: f.resolved,
            open_at_end: f.open_at_end,
            on_time: f.on_time,
            late: f.late,
            linked_to_incident: f.linked_to_incident,
            median_hours_to_close: f.median_hours_to_close,
            median_hours_to_first_action: f.median_hours_to_first_action,
            satisfaction_count: f.satisfaction_count,
            satisfaction_average: f.satisfaction_average,
            close_samples: f.close_samples,
            first_action_samples: f.first_action_samples,
        }
    }
}

/// One row: the `by` dimensions' codes (keys named as in `by`), the
/// period's first day when split, and the figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReportRow)]
pub(super) struct RowBody {
    /// The first day of the row's period (with `granularity` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-01-01")]
    period: Option<String>,
    /// Dimension → code, for example `"channel": "mobile_app"` (empty:
    /// none, such as no partner).
    #[serde(flatten)]
    keys: BTreeMap<String, String>,
    #[serde(flatten)]
    figures: FiguresBody,
}

/// The summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReportSummary)]
pub(super) struct SummaryBody {
    /// The first day.
    #[schema(format = Date)]
    from: String,
    /// The last day.
    #[schema(format = Date)]
    to: String,
    /// The dimensions, as asked.
    by: Vec<String>,
    /// One row per key (and period), keys with nothing to show left out.
    rows: Vec<RowBody>,
    /// The whole period over every case in scope.
    totals: FiguresBody,
    /// Dimension → code → name, in the asked language (Turkish by default).
    labels: BTreeMap<String, BTreeMap<String, String>>,
}

/// The dimension name of a wire dimension.
fn dim_name(d: i32) -> Option<&'static str> {
    DIMENSIONS.iter().find(|x| x.1 as i32 == d).map(|x| x.0)
}

/// The JSON body of a response.
pub(super) fn body(c: &Checked, r: &rpb::SummaryResponse) -> SummaryBody {
    let empty = rpb::Figures::default();
    let mut labels: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for l in &r.labels {
        if let Some(d) = dim_name(l.dimension) {
            let name = if c.english { &l.name_en } else { &l.name_tr };
            labels
                .entry(d.to_owned())
                .or_default()
                .insert(l.code.clone(), name.clone());
        }
    }
    SummaryBody {
        from: r.from.clone(),
        to: r.to.clone(),
        by: c.by.iter().map(|b| (*b).to_owned()).collect(),
        rows: r
            .rows
            .iter()
            .map(|row| RowBody {
                period: Some(row.period.clone()).filter(|p| !p.is_empty()),
                keys: c
                    .by
                    .iter()
                    .map(|b| (*b).to_owned())
                    .zip(row.keys.iter().cloned())
                    .collect(),
                figures: row.figures.as_ref().unwrap_or(&empty).into(),
            })
            .collect(),
        totals: r.totals.as_ref().unwrap_or(&empty).into(),
        labels,
    }
}

/// The figures' headers, Turkish and English.
const FIGURE_HEADERS: [(&str, &str); 10] = [
    ("Açılan", "Opened"),
    ("Çözülen", "Resolved"),
    ("Dönem sonunda açık", "Open at end"),
    ("Süresinde", "On time"),
    ("Süresi geçmiş", "Late"),
    ("Olaya bağlı", "Linked to incident"),
    ("Kapanma süresi medyanı (saat)", "Median hours to close"),
    (
        "İlk işlem süresi medyanı (saat)",
        "Median hours to first action",
    ),
    ("Memnuniyet yanıtı", "Satisfaction answers"),
    ("Memnuniyet ortalaması", "Satisfaction average"),
];

fn figure_cells(f: &FiguresBody) -> Vec<Cell> {
    vec![
        f.opened.into(),
        f.resolved.into(),
        f.open_at_end.into(),
        f.on_time.into(),
        f.late.into(),
        f.linked_to_incident.into(),
        f.median_hours_to_close.into(),
        f.median_hours_to_first_action.into(),
        f.satisfaction_count.into(),
        f.satisfaction_average.into(),
    ]
}

/// The table of a response: per dimension its name and its code, the
/// period as a date when split, the figures; a totals row last.
pub(super) fn table(c: &Checked, b: &SummaryBody) -> Table {
    let pick = |tr: &str, en: &str| if c.english { en } else { tr }.to_owned();
    let split = c.request.granularity.is_some();
    let mut headers = Vec::new();
    if split {
        headers.push(pick("Dönem", "Period"));
    }
    for by in &c.by {
        if let Some(d) = DIMENSIONS.iter().find(|d| d.0 == *by) {
            headers.push(pick(d.2, d.3));
            headers.push(format!("{} ({})", pick(d.2, d.3), pick("kod", "code")));
        }
    }
    headers.extend(FIGURE_HEADERS.iter().map(|(tr, en)| pick(tr, en)));
    let mut t = Table::new(pick("Rapor", "Report"), headers);
    for row in &b.rows {
        let mut cells = Vec::new();
        if split {
            cells.push(
                row.period
                    .as_deref()
                    .and_then(|p| jiff::civil::Date::strptime("%Y-%m-%d", p).ok())
                    .map_or(Cell::Empty, Cell::Date),
            );
        }
        for by in &c.by {
            let code = row.keys.get(*by).cloned().unwrap_or_default();
            let name = b
                .labels
                .get(*by)
                .and_then(|l| l.get(&code))
                .cloned()
                .unwrap_or_else(|| code.clone());
            cells.push(name.into());
            cells.push(code.into());
        }
        cells.extend(figure_cells(&row.figures));
        t.push(cells);
    }
    let mut total = vec![Cell::from(pick("Toplam", "Total"))];
    let lead = usize::from(split) + 2 * c.by.len();
    total.resize(lead, Cell::Empty);
    total.extend(figure_cells(&b.totals));
    t.push(total);
    t
}

/// What the reports API says when the reports service refuses or fails.
const REFUSALS: Refusals = Refusals {
    forbidden: "reports are for admins, directorate managers and pool managers",
    invalid: "the report request has invalid parameters",
    unavailable: "the reports service is unavailable; retry",
};

/// `GET /v1/reports/summary`.
#[utoipa::path(
    get,
    path = "/v1/reports/summary",
    operation_id = "getReportSummary",
    summary = "The institution's figures for a period, by one or two dimensions (JSON, CSV or XLSX)",
    description = "Counts of applications opened, resolved and open at the period's end, deadline compliance, median times and satisfaction, by one or two dimensions, optionally split by day, week, month or year. Authorised with a user's API token (Authorization: Bearer …); the figures are scoped like the desk: an admin sees everything, a directorate manager its directorate, a pool manager its pools; directorate, unit or pool narrow that scope and never widen it. format=csv is UTF-8 with a BOM (separator=semicolon for Excel in a Turkish locale); csv and xlsx have Turkish headers (English with lang=en), each code's name beside it, and a totals row.",
    params(SummaryParams),
    responses(
        (status = 200, description = "The figures",
         content(
            (SummaryBody = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         )),
        (status = 400, description = "Invalid parameters, each named", body = ErrorBody),
        (status = 401, description = "No or an unknown API token", body = ErrorBody),
        (status = 403, description = "The token's user may not see reports", body = ErrorBody),
        (status = 429, description = "Rate-limited; see Retry-After", body = ErrorBody),
        (status = 503, description = "The reports service is not configured or did not answer", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(super) async fn summary(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<SummaryParams>,
) -> Response {
    match answer(&state, &headers, &params).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn answer(
    state: &WebState,
    headers: &HeaderMap,
    params: &SummaryParams,
) -> Result<Response, ApiError> {
    let req = with_callers_token(headers, ())?;
    let checked = check(params).map_err(|v| {
        ApiError::invalid(&v).with_message("the report request has invalid parameters")
    })?;
    let Some(client) = state.reports.clone() else {
        return Err(unavailable(
            "reports are not configured on this server (intake.reports_service_url is empty)",
        ));
    };
    let req = req.map(|()| checked.request.clone());
    let resp = client
        .clone()
        .summary(req)
        .await
        .map_err(|s| from_status(&s, &REFUSALS))?
        .into_inner();
    let b = body(&checked, &resp);
    let file = |ext: &str| format!("attachment; filename=\"rapor-{}-{}.{ext}\"", b.from, b.to);
    Ok(match checked.format {
        Format::Json => Json(b).into_response(),
        Format::Csv(sep) => download(
            table(&checked, &b).to_csv(sep),
            "text/csv; charset=utf-8",
            &file("csv"),
        ),
        Format::Xlsx => {
            let bytes = table(&checked, &b).to_xlsx().map_err(|e| {
                tracing::error!(error.message = %e, "writing the workbook failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            })?;
            download(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &file("xlsx"),
            )
        }
    })
}

fn download(bytes: Vec<u8>, kind: &'static str, disposition: &str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> SummaryParams {
        serde_urlencoded_parse(q)
    }

    /// The query as axum's `Query` reads it.
    fn serde_urlencoded_parse(q: &str) -> SummaryParams {
        let uri: axum::http::Uri = format!("/v1/reports/summary?{q}").parse().unwrap();
        Query::<SummaryParams>::try_from_uri(&uri).unwrap().0
    }

    fn fields(q: &str) -> Vec<String> {
        check(&params(q))
            .unwrap_err()
            .iter()
            .map(|f| f.field.clone())
            .collect()
    }

    #[test]
    fn every_bad_parameter_is_named() {
        assert_eq!(
            fields("from=2026-13-01&by=nonsense&format=pdf&separator=tab&lang=de&granularity=hour"),
            [
                "from",
                "to",
                "by",
                "granularity",
                "format",
                "separator",
                "lang"
            ]
        );
        assert_eq!(
            fields("from=2026-01-01&to=2026-01-31&by=channel,channel"),
            ["by"]
        );
        assert_eq!(
            fields("from=2026-01-01&to=2026-01-31&by=channel,type,pool"),
            ["by"]
        );
        assert_eq!(
            fields("from=2026-01-01&to=2026-01-31&by=channel&unit=u&pool=p"),
            ["directorate"]
        );
    }

    #[test]
    fn a_good_query_becomes_the_summary_request() {
        let c = check(&params(
            "from=2026-01-01&to=2026-01-31&by=channel,%20directorate&granularity=month&unit=u1&format=csv&separator=semicolon&lang=en",
        ))
        .unwrap();
        assert_eq!(c.by, ["channel", "directorate"]);
        assert_eq!(
            c.request.by,
            [
                rpb::Dimension::Channel as i32,
                rpb::Dimension::Directorate as i32
            ]
        );
        assert_eq!(c.request.granularity, Some(rpb::Granularity::Month as i32));
        assert_eq!(c.request.within.as_ref().unwrap().unit_id, "u1");
        assert_eq!(c.format, Format::Csv(Separator::Semicolon));
        assert!(c.english);
        let d = check(&params("from=2026-01-01&to=2026-01-31&by=province")).unwrap();
        assert_eq!(d.format, Format::Json);
        assert!(!d.english && d.request.within.is_none() && d.request.granularity.is_none());
    }

    fn response() -> rpb::SummaryResponse {
        let figures = |opened, close: Option<f64>| rpb::Figures {
            opened,
            resolved: 3,
            open_at_end: 2,
            on_time: 3,
            linked_to_incident: 2,
            median_hours_to_close: close,
            ..Default::default()
        };
        rpb::SummaryResponse {
            from: "2026-01-01".into(),
            to: "2026-01-31".into(),
            by: vec![rpb::Dimension::Channel as i32],
            rows: vec![rpb::SummaryRow {
                period: String::new(),
                keys: vec!["mobile_app".into()],
                figures: Some(figures(5, Some(4.5))),
            }],
            totals: Some(figures(5, None)),
            labels: vec![rpb::Label {
                dimension: rpb::Dimension::Channel as i32,
                code: "mobile_app".into(),
                name_tr: "Mobil uygulama".into(),
                name_en: "Mobile app".into(),
            }],
        }
    }

    #[test]
    fn the_json_is_the_documented_shape() {
        let c = check(&params("from=2026-01-01&to=2026-01-31&by=channel")).unwrap();
        let json = serde_json::to_value(body(&c, &response())).unwrap();
        assert_eq!(json["by"], serde_json::json!(["channel"]));
        let row = &json["rows"][0];
        assert_eq!(row["channel"], "mobile_app");
        assert_eq!(row["opened"], 5);
        assert_eq!(row["linked_to_incident"], 2);
        assert_eq!(row["median_hours_to_close"], 4.5);
        assert!(row.get("period").is_none());
        assert_eq!(
            json["totals"]["median_hours_to_close"],
            serde_json::Value::Null
        );
        assert_eq!(json["labels"]["channel"]["mobile_app"], "Mobil uygulama");
    }

    #[test]
    fn the_table_has_turkish_headers_names_and_codes_and_a_total() {
        let c = check(&params("from=2026-01-01&to=2026-01-31&by=channel")).unwrap();
        let t = table(&c, &body(&c, &response()));
        assert_eq!(t.headers[0], "Kanal");
        assert_eq!(t.headers[1], "Kanal (kod)");
        assert_eq!(t.headers[2], "Açılan");
        let linked = t.headers.iter().position(|h| h == "Olaya bağlı").unwrap();
        assert_eq!(t.rows[0][linked], Cell::from(2_i64));
        assert_eq!(t.rows[0][0], Cell::from("Mobil uygulama"));
        assert_eq!(t.rows[0][1], Cell::from("mobile_app"));
        assert_eq!(t.rows[1][0], Cell::from("Toplam"));
        let csv = String::from_utf8(t.to_csv(Separator::Semicolon)).unwrap();
        assert!(csv.starts_with("\u{feff}Kanal;Kanal (kod);Açılan"));
        let en = check(&params(
            "from=2026-01-01&to=2026-01-31&by=channel&lang=en&granularity=day",
        ))
        .unwrap();
        let mut r = response();
        r.rows[0].period = "2026-01-05".into();
        let t = table(&en, &body(&en, &r));
        assert_eq!(t.headers[..3], ["Period", "Channel", "Channel (code)"]);
        assert_eq!(t.rows[0][0], Cell::Date(jiff::civil::date(2026, 1, 5)));
        assert_eq!(t.rows[0][1], Cell::from("Mobile app"));
    }
}
