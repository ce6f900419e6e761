//! `tekmerkez.reports.v1.ReportService`. Who the caller is comes from the
//! case service's directory (the owner of users, roles and scopes): the
//! caller's own bearer token (and the gateway's acting-user header) is
//! shown to `GetCurrentUser`, as routing's admin API does. The scope is the
//! desk's: an admin counts everything, a directorate manager the pools of
//! its directorate's units, a pool manager its own pools; anyone else is
//! refused.

use std::{collections::BTreeSet, sync::Arc};

use jiff::civil::Date;
use tekmerkez_proto::{
    case_v1 as pb,
    reports_v1::{self as rpb, report_service_server::ReportService},
};
use tekmerkez_types::fields::Violations;
use tonic::{Request, Response, Status};

use crate::{
    directory::{Directory, PoolMap, ReasonNames},
    fact::{date_of, day_number},
    labels::{Catalogues, Namer},
    query::{self, Dim, Granularity, Scope, SummaryQuery},
    rows::{PoolCond, RowQuery, StoredRow, Which, column_of},
    store::ReportStore,
};

/// Cases LongestOpen lists when the request leaves `limit` out.
pub const DEFAULT_LIMIT: i32 = 20;
/// The most LongestOpen lists.
pub const MAX_LIMIT: i32 = 500;
/// Rows CasesBehind reads from the database at once.
const PAGE: u32 = 500;

/// The longest period a summary covers, in days (ten years).
pub const MAX_DAYS: i32 = 3660;

/// The report API.
#[derive(Debug, Clone)]
pub struct ReportGrpc {
    store: ReportStore,
    directory: Directory,
    catalogues: Arc<Catalogues>,
    users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
}

impl ReportGrpc {
    /// Handlers over `store`; `directory` maps pools to units and names
    /// them, `catalogues` names categories and partners, `users` says who
    /// callers are (called with each caller's own credentials).
    pub fn new(
        store: ReportStore,
        directory: Directory,
        catalogues: Arc<Catalogues>,
        users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    ) -> Self {
        Self {
            store,
            directory,
            catalogues,
            users,
        }
    }

    /// The caller's `scope` narrowed by `within` (a drill-down), and the
    /// directory's map when it was read.
    async fn narrowed(
        &self,
        scope: Scope,
        within: Option<&Within>,
    ) -> Result<(Scope, Option<Arc<PoolMap>>), Status> {
        let Some(w) = within else {
            return Ok((scope, None));
        };
        let map = self.directory.get().await?;
        let pools = match w {
            Within::Directorate(d) => map.pools_of_directorate(d),
            Within::Unit(u) => map.pools_of_unit(u),
            Within::Pool(p) => BTreeSet::from([p.clone()]),
        };
        Ok((scope.narrow(pools), Some(map)))
    }

    /// The map, read when `need` and not read yet.
    async fn map_if(
        &self,
        have: Option<Arc<PoolMap>>,
        need: bool,
    ) -> Result<Option<Arc<PoolMap>>, Status> {
        match have {
            Some(m) => Ok(Some(m)),
            None if need => Ok(Some(self.directory.get().await?)),
            None => Ok(None),
        }
    }

    /// The closure reasons' names when `need`.
    async fn reasons_if<T>(&self, req: &Request<T>, need: bool) -> Arc<ReasonNames> {
        if need {
            self.directory.closure_reasons(req.metadata()).await
        } else {
            Arc::default()
        }
    }

    async fn scope_of<T>(&self, req: &Request<T>) -> Result<Scope, Status> {
        let me = current_user(&self.users, req).await?;
        match pb::Role::try_from(me.role) {
            Ok(pb::Role::Admin) => Ok(Scope::All),
            Ok(pb::Role::PoolManager) => Ok(Scope::Pools(me.pool_ids.into_iter().collect())),
            Ok(pb::Role::DirectorateManager) if !me.directorate_id.is_empty() => {
                let map = self.directory.get().await?;
                Ok(Scope::Pools(map.pools_of_directorate(&me.directorate_id)))
            }
            _ => Err(Status::permission_denied(
                "reports are for admins, directorate managers and pool managers",
            )),
        }
    }
}

/// The caller, as the case service's directory knows it: asked with the
/// caller's own bearer token (and the gateway's acting-user header).
///
/// # Errors
/// UNAUTHENTICATED for an unknown caller; UNAVAILABLE when the directory
/// cannot be asked.
pub(crate) async fn current_user<T>(
    users: &pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    req: &Request<T>,
) -> Result<pb::User, Status> {
    let ask = tekmerkez_case_client::on_behalf_of(req.metadata(), pb::GetCurrentUserRequest {});
    users
        .clone()
        .get_current_user(ask)
        .await
        .map_err(|s| match s.code() {
            tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
                Status::unauthenticated("unauthenticated")
            }
            _ => Status::unavailable("the directory is unavailable"),
        })?
        .into_inner()
        .user
        .ok_or_else(|| Status::unauthenticated("unauthenticated"))
}

/// The wire form of field violations: INVALID_ARGUMENT with one
/// bad-request violation per field.
pub(crate) fn invalid(v: &Violations) -> Status {
    use tonic_types::{ErrorDetails, StatusExt as _};
    let mut d = ErrorDetails::new();
    for f in v.iter() {
        d.add_bad_request_violation(f.field.clone(), f.rule);
    }
    Status::with_error_details(
        tonic::Code::InvalidArgument,
        format!("invalid request: {v}"),
        d,
    )
}

/// A checked `Within`: the part of the caller's scope a request narrows to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    /// The pools of this directorate's units.
    Directorate(String),
    /// The pools of this unit.
    Unit(String),
    /// This pool.
    Pool(String),
}

/// Checks a request's `within`: at most one field set.
fn parse_within(v: &mut Violations, w: Option<&rpb::Within>) -> Option<Within> {
    let w = w?;
    let mut set = Vec::new();
    for (text, make) in [
        (
            &w.directorate_id,
            Within::Directorate as fn(String) -> Within,
        ),
        (&w.unit_id, Within::Unit as fn(String) -> Within),
        (&w.pool_id, Within::Pool as fn(String) -> Within),
    ] {
        let t = text.trim();
        if !t.is_empty() {
            set.push(make(t.to_owned()));
        }
    }
    if set.len() > 1 {
        v.add(
            "within",
            "must name at most one of directorate_id, unit_id and pool_id",
        );
        return None;
    }
    set.pop()
}

fn parse_date(v: &mut Violations, field: &'static str, raw: &str) -> Option<Date> {
    match Date::strptime("%Y-%m-%d", raw.trim()) {
        Ok(d) => Some(d),
        Err(_) => {
            v.add(field, "must be a date YYYY-MM-DD");
            None
        }
    }
}

/// Checks a period: both dates, in order, at most [`MAX_DAYS`] long.
pub(crate) fn parse_period(v: &mut Violations, from: &str, to: &str) -> Option<(Date, Date)> {
    let from = parse_date(v, "from", from);
    let to = parse_date(v, "to", to);
    let (f, t) = (from?, to?);
    if t < f {
        v.add("to", "must not be before from");
        None
    } else if day_number(t) - day_number(f) >= MAX_DAYS {
        v.add("to", "must be at most 3660 days after from");
        None
    } else {
        Some((f, t))
    }
}

/// Checks an optional granularity (left out: the whole period).
pub(crate) fn parse_granularity(v: &mut Violations, raw: Option<i32>) -> Option<Granularity> {
    match raw.map(rpb::Granularity::try_from) {
        None => None,
        Some(Ok(rpb::Granularity::Day)) => Some(Granularity::Day),
        Some(Ok(rpb::Granularity::Week)) => Some(Granularity::Week),
        Some(Ok(rpb::Granularity::Month)) => Some(Granularity::Month),
        Some(Ok(rpb::Granularity::Year)) => Some(Granularity::Year),
        Some(_) => {
            v.add(
                "granularity",
                "must be day, week, month or year (or left out)",
            );
            None
        }
    }
}

fn dim_from_proto(d: i32) -> Option<Dim> {
    use rpb::Dimension as D;
    Some(match D::try_from(d).ok()? {
        D::Unspecified => return None,
        D::Directorate => Dim::Directorate,
        D::Channel => Dim::Channel,
        D::Type => Dim::Type,
        D::Category => Dim::Category,
        D::Unit => Dim::Unit,
        D::Pool => Dim::Pool,
        D::Province => Dim::Province,
        D::Partner => Dim::Partner,
        D::ClosureReason => Dim::ClosureReason,
        D::Source => Dim::Source,
    })
}

/// Checks a request, collecting every violation.
///
/// # Errors
/// The violations, by field.
pub fn parse_summary(
    r: &rpb::SummaryRequest,
) -> Result<(SummaryQuery, Option<Within>), Violations> {
    let mut v = Violations::new();
    let period = parse_period(&mut v, &r.from, &r.to);
    let mut by = Vec::new();
    if r.by.is_empty() || r.by.len() > 2 {
        v.add("by", "must name one or two dimensions");
    }
    for d in &r.by {
        match dim_from_proto(*d) {
            Some(d) if by.contains(&d) => v.add("by", "must not name a dimension twice"),
            Some(d) => by.push(d),
            None => v.add("by", "must be known dimensions"),
        }
    }
    let granularity = parse_granularity(&mut v, r.granularity);
    let within = parse_within(&mut v, r.within.as_ref());
    v.into_result()?;
    let Some((from, to)) = period else {
        return Err(missing("from"));
    };
    Ok((
        SummaryQuery {
            from,
            to,
            by,
            granularity,
        },
        within,
    ))
}

/// Unreachable in practice: a date that did not parse recorded a
/// violation before; kept so no path can go on without one.
pub(crate) fn missing(field: &'static str) -> Violations {
    Violations::from(tekmerkez_types::fields::FieldError::new(
        field,
        "must be a date YYYY-MM-DD",
    ))
}

/// A checked LongestOpen request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongestOpenQuery {
    /// The day whose end the cases were open at.
    pub at: Date,
    /// How many.
    pub limit: u32,
    /// The drill-down.
    pub within: Option<Within>,
}

/// Checks a LongestOpen request.
///
/// # Errors
/// The violations, by field.
pub fn parse_longest_open(r: &rpb::LongestOpenRequest) -> Result<LongestOpenQuery, Violations> {
    let mut v = Violations::new();
    let at = parse_date(&mut v, "at", &r.at);
    let limit = match r.limit {
        0 => DEFAULT_LIMIT,
        n if (1..=MAX_LIMIT).contains(&n) => n,
        _ => {
            v.add("limit", "must be 1 to 500");
            0
        }
    };
    let within = parse_within(&mut v, r.within.as_ref());
    v.into_result()?;
    let Some(at) = at else {
        return Err(missing("at"));
    };
    Ok(LongestOpenQuery {
        at,
        limit: u32::try_from(limit).unwrap_or(20),
        within,
    })
}

/// A checked CasesBehind request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasesBehindQuery {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
    /// Which rows.
    pub which: Which,
    /// The key's dimensions and codes.
    pub key: Vec<(Dim, String)>,
    /// The drill-down.
    pub within: Option<Within>,
}

/// Checks a CasesBehind request.
///
/// # Errors
/// The violations, by field.
pub fn parse_cases_behind(r: &rpb::CasesBehindRequest) -> Result<CasesBehindQuery, Violations> {
    let mut v = Violations::new();
    let period = parse_period(&mut v, &r.from, &r.to);
    let figure = rpb::Figure::try_from(r.figure).unwrap_or(rpb::Figure::Unspecified);
    if figure == rpb::Figure::Unspecified {
        v.add(
            "figure",
            "must be opened, resolved, open_at_end, on_time, late or linked_to_incident",
        );
    }
    let mut key: Vec<(Dim, String)> = Vec::new();
    if r.key.len() > 2 {
        v.add("key", "must fix at most two dimensions");
    }
    for kv in &r.key {
        match dim_from_proto(kv.dimension) {
            Some(d) if key.iter().any(|(k, _)| *k == d) => {
                v.add("key", "must not name a dimension twice");
            }
            Some(d) => key.push((d, kv.code.trim().to_owned())),
            None => v.add("key", "must be known dimensions"),
        }
    }
    let within = parse_within(&mut v, r.within.as_ref());
    v.into_result()?;
    let Some((from, to)) = period else {
        return Err(missing("from"));
    };
    let (a, b) = (day_number(from), day_number(to));
    let which = match figure {
        rpb::Figure::Resolved => Which::Resolved(a, b),
        rpb::Figure::OpenAtEnd => Which::OpenAt(b),
        rpb::Figure::OnTime => Which::OnTime(a, b),
        rpb::Figure::Late => Which::Late(a, b),
        rpb::Figure::LinkedToIncident => Which::Linked(a, b),
        rpb::Figure::Opened | rpb::Figure::Unspecified => Which::Opened(a, b),
    };
    Ok(CasesBehindQuery {
        from,
        to,
        which,
        key,
        within,
    })
}

/// The pool conditions of `scope`.
fn scope_conds(scope: &Scope) -> Vec<PoolCond> {
    match scope {
        Scope::All => Vec::new(),
        Scope::Pools(p) => vec![PoolCond::In(p.iter().cloned().collect())],
    }
}

/// The row query of `which` for `key` in `scope`: a unit or directorate
/// code becomes its pools now (the empty code: the pools the directory
/// does not place), exactly as summaries map pools at query time.
pub fn row_query(
    which: Which,
    key: &[(Dim, String)],
    scope: &Scope,
    map: Option<&PoolMap>,
) -> RowQuery {
    let mut q = RowQuery {
        which,
        pools: scope_conds(scope),
        keys: Vec::new(),
    };
    let empty = PoolMap::default();
    let map = map.unwrap_or(&empty);
    for (dim, code) in key {
        match dim {
            Dim::Unit | Dim::Directorate => {
                let directorate = *dim == Dim::Directorate;
                q.pools.push(if code.is_empty() {
                    PoolCond::NotIn(map.placed_pools(directorate).into_iter().collect())
                } else if directorate {
                    PoolCond::In(map.pools_of_directorate(code).into_iter().collect())
                } else {
                    PoolCond::In(map.pools_of_unit(code).into_iter().collect())
                });
            }
            d => {
                if let Some(col) = column_of(d.code()) {
                    q.keys.push((col, code.clone()));
                }
            }
        }
    }
    q
}

/// RFC 3339 of Unix second `secs`.
fn rfc3339(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The wire form of a row; `end` is the request's last day.
fn case_to_proto(
    r: &StoredRow,
    end: i32,
    map: Option<&PoolMap>,
    show_resolution: bool,
) -> rpb::ReportCase {
    let until = r
        .resolved_day
        .filter(|_| show_resolution)
        .map_or(end, |d| d.min(end));
    rpb::ReportCase {
        case_id: r.case_id.clone(),
        opened_at: rfc3339(r.opened_at),
        resolved_at: r
            .resolved_at
            .filter(|_| show_resolution)
            .map(rfc3339)
            .unwrap_or_default(),
        due_date: r
            .due_day
            .map(|d| date_of(d).to_string())
            .unwrap_or_default(),
        channel: r.channel.clone(),
        r#type: r.app_type.clone(),
        category: r.category.clone(),
        pool_id: r.pool_id.clone(),
        unit_id: map.map(|m| m.unit_of(&r.pool_id)).unwrap_or_default(),
        province: r.province.clone(),
        partner: r.partner.clone(),
        closure_reason: r.closure_reason.clone(),
        source: r.source.clone(),
        days_open: (until - r.opened_day).max(0),
        tracking_number: r.tracking_number.clone(),
    }
}

/// Every (dimension, code) of `cases`, for their labels.
fn case_codes(cases: &[rpb::ReportCase]) -> BTreeSet<(Dim, String)> {
    let mut out = BTreeSet::new();
    for c in cases {
        for (d, code) in [
            (Dim::Channel, &c.channel),
            (Dim::Type, &c.r#type),
            (Dim::Category, &c.category),
            (Dim::Pool, &c.pool_id),
            (Dim::Unit, &c.unit_id),
            (Dim::Province, &c.province),
            (Dim::Partner, &c.partner),
            (Dim::ClosureReason, &c.closure_reason),
            (Dim::Source, &c.source),
        ] {
            out.insert((d, code.clone()));
        }
    }
    out
}

fn store_failed(e: &crate::store::StoreError) -> Status {
    tracing::error!(error.message = %e, error.cause_chain = ?e, "reading the reports failed");
    Status::internal("internal error")
}

fn figures_to_proto(f: &query::Figures) -> rpb::Figures {
    rpb::Figures {
        opened: f.opened,
        resolved: f.resolved,
        open_at_end: f.open_at_end,
        on_time: f.on_time,
        late: f.late,
        median_hours_to_close: f.median_hours_to_close.map(round2),
        median_hours_to_first_action: f.median_hours_to_first_action.map(round2),
        satisfaction_count: f.satisfaction_count,
        satisfaction_sum: f.satisfaction_sum,
        satisfaction_average: (f.satisfaction_count > 0)
            .then(|| round2(f.satisfaction_sum as f64 / f.satisfaction_count as f64)),
        close_samples: f.close_samples,
        first_action_samples: f.first_action_samples,
        linked_to_incident: f.linked_to_incident,
    }
}

/// Two decimals: more would promise a precision the histogram has not.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[tonic::async_trait]
impl ReportService for ReportGrpc {
    #[tracing::instrument(name = "reports.summary", skip_all)]
    async fn summary(
        &self,
        req: Request<rpb::SummaryRequest>,
    ) -> Result<Response<rpb::SummaryResponse>, Status> {
        // Who first: a caller without reports learns nothing of the request.
        let scope = self.scope_of(&req).await?;
        let (q, within) = parse_summary(req.get_ref()).map_err(|v| invalid(&v))?;
        let (scope, map) = self.narrowed(scope, within.as_ref()).await?;
        let placed = q.by.iter().any(|d| d.stored().is_none());
        let map = self.map_if(map, placed).await?;
        let reasons = self
            .reasons_if(&req, q.by.contains(&Dim::ClosureReason))
            .await;
        let place_of = |d: Dim, pool: &str| match (&map, d) {
            (Some(m), Dim::Directorate) => m.directorate_of(pool),
            (Some(m), _) => m.unit_of(pool),
            (None, _) => String::new(),
        };
        let s = query::summary(&self.store, &q, &scope, &place_of)
            .await
            .map_err(|e| store_failed(&e))?;
        let codes: BTreeSet<(Dim, String)> = s
            .rows
            .iter()
            .flat_map(|row| q.by.iter().copied().zip(row.keys.iter().cloned()))
            .collect();
        let namer = Namer {
            catalogues: &self.catalogues,
            map: map.as_deref(),
            reasons: &reasons,
        };
        Ok(Response::new(rpb::SummaryResponse {
            from: q.from.to_string(),
            to: q.to.to_string(),
            by: req.get_ref().by.clone(),
            rows: s
                .rows
                .iter()
                .map(|row| rpb::SummaryRow {
                    period: row.period.map(|d| d.to_string()).unwrap_or_default(),
                    keys: row.keys.clone(),
                    figures: Some(figures_to_proto(&row.figures)),
                })
                .collect(),
            totals: Some(figures_to_proto(&s.totals)),
            labels: namer.labels(&codes),
        }))
    }

    #[tracing::instrument(name = "reports.longest_open", skip_all)]
    async fn longest_open(
        &self,
        req: Request<rpb::LongestOpenRequest>,
    ) -> Result<Response<rpb::LongestOpenResponse>, Status> {
        let scope = self.scope_of(&req).await?;
        let q = parse_longest_open(req.get_ref()).map_err(|v| invalid(&v))?;
        let (scope, map) = self.narrowed(scope, q.within.as_ref()).await?;
        // Units are shown on each case, and pools are named.
        let map = self.map_if(map, true).await?;
        let at = day_number(q.at);
        let rq = row_query(Which::OpenAt(at), &[], &scope, map.as_deref());
        let rows = self
            .store
            .case_rows(&rq, None, q.limit)
            .await
            .map_err(|e| store_failed(&e))?;
        let cases: Vec<_> = rows
            .iter()
            .map(|r| case_to_proto(r, at, map.as_deref(), false))
            .collect();
        let reasons = self.reasons_if(&req, true).await;
        let namer = Namer {
            catalogues: &self.catalogues,
            map: map.as_deref(),
            reasons: &reasons,
        };
        let labels = namer.labels(&case_codes(&cases));
        Ok(Response::new(rpb::LongestOpenResponse { cases, labels }))
    }

    type CasesBehindStream =
        tokio_stream::wrappers::ReceiverStream<Result<rpb::CasesBehindResponse, Status>>;

    #[tracing::instrument(name = "reports.cases_behind", skip_all)]
    async fn cases_behind(
        &self,
        req: Request<rpb::CasesBehindRequest>,
    ) -> Result<Response<Self::CasesBehindStream>, Status> {
        let scope = self.scope_of(&req).await?;
        let q = parse_cases_behind(req.get_ref()).map_err(|v| invalid(&v))?;
        let (scope, map) = self.narrowed(scope, q.within.as_ref()).await?;
        let map = self.map_if(map, true).await?;
        let rq = row_query(q.which, &q.key, &scope, map.as_deref());
        let end = day_number(q.to);
        let store = self.store.clone();
        // A page at a time: the channel holds two pages, and the next is
        // read only once the client has taken one, so a large export never
        // sits in memory whole.
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        tokio::spawn(async move {
            let mut after = None;
            loop {
                let page = match store.case_rows(&rq, after.as_ref(), PAGE).await {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = tx.send(Err(store_failed(&e))).await;
                        return;
                    }
                };
                let full = page.len() == PAGE as usize;
                after = page.last().map(StoredRow::cursor);
                if page.is_empty() {
                    return;
                }
                let cases = page
                    .iter()
                    .map(|r| case_to_proto(r, end, map.as_deref(), true))
                    .collect();
                if tx
                    .send(Ok(rpb::CasesBehindResponse { cases }))
                    .await
                    .is_err()
                {
                    // The client went away.
                    return;
                }
                if !full {
                    return;
                }
            }
        });
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(from: &str, to: &str, by: &[rpb::Dimension], g: Option<i32>) -> rpb::SummaryRequest {
        rpb::SummaryRequest {
            from: from.into(),
            to: to.into(),
            by: by.iter().map(|d| *d as i32).collect(),
            granularity: g,
            within: None,
        }
    }

    fn fields(r: &rpb::SummaryRequest) -> Vec<(String, &'static str)> {
        parse_summary(r)
            .unwrap_err()
            .iter()
            .map(|f| (f.field.clone(), f.rule))
            .collect()
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        use rpb::Dimension as D;
        let bad = fields(&req("2026-13-01", "x", &[], Some(0)));
        let names: Vec<_> = bad.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["from", "to", "by", "granularity"]);
        assert_eq!(
            fields(&req("2026-02-01", "2026-01-01", &[D::Channel], None)),
            [("to".to_owned(), "must not be before from")]
        );
        assert_eq!(
            fields(&req("2026-01-01", "2026-01-31", &[D::Pool, D::Pool], None)),
            [("by".to_owned(), "must not name a dimension twice")]
        );
        assert_eq!(
            fields(&req(
                "2026-01-01",
                "2026-01-31",
                &[D::Pool, D::Unit, D::Channel],
                None
            ))[0]
                .0,
            "by"
        );
        assert_eq!(
            fields(&req("2000-01-01", "2026-01-31", &[D::Pool], None))[0].1,
            "must be at most 3660 days after from"
        );
        let (ok, _) = parse_summary(&req(
            "2026-01-01",
            "2026-01-31",
            &[D::ClosureReason, D::Unit],
            Some(rpb::Granularity::Week as i32),
        ))
        .unwrap();
        assert_eq!(ok.by, [Dim::ClosureReason, Dim::Unit]);
        assert_eq!(ok.granularity, Some(Granularity::Week));
    }

    #[test]
    fn within_names_one_place_and_narrows_never_widens() {
        let mut v = Violations::new();
        let both = rpb::Within {
            directorate_id: "d".into(),
            unit_id: "u".into(),
            pool_id: String::new(),
        };
        assert_eq!(parse_within(&mut v, Some(&both)), None);
        assert_eq!(v.iter().next().unwrap().field, "within");
        let mut v = Violations::new();
        let unit = rpb::Within {
            unit_id: " u1 ".into(),
            ..Default::default()
        };
        assert_eq!(
            parse_within(&mut v, Some(&unit)),
            Some(Within::Unit("u1".into()))
        );
        assert!(v.is_empty());
        let set = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        // An admin gets the named pools; a manager only those it has.
        assert_eq!(
            Scope::All.narrow(set(&["a", "b"])),
            Scope::Pools(set(&["a", "b"]))
        );
        assert_eq!(
            Scope::Pools(set(&["a"])).narrow(set(&["a", "b"])),
            Scope::Pools(set(&["a"]))
        );
        assert_eq!(
            Scope::Pools(set(&["a"])).narrow(set(&["c"])),
            Scope::Pools(BTreeSet::new())
        );
    }

    #[test]
    fn longest_open_and_cases_behind_name_their_bad_fields() {
        let bad = parse_longest_open(&rpb::LongestOpenRequest {
            at: "31.01.2026".into(),
            limit: 501,
            within: None,
        })
        .unwrap_err();
        let names: Vec<_> = bad.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["at", "limit"]);
        let ok = parse_longest_open(&rpb::LongestOpenRequest {
            at: "2026-01-31".into(),
            limit: 0,
            within: None,
        })
        .unwrap();
        assert_eq!(ok.limit, 20);
        assert!(
            parse_longest_open(&rpb::LongestOpenRequest {
                at: "2026-01-31".into(),
                limit: -1,
                within: None,
            })
            .is_err()
        );

        let kv = |d: rpb::Dimension, c: &str| rpb::KeyValue {
            dimension: d as i32,
            code: c.into(),
        };
        let bad = parse_cases_behind(&rpb::CasesBehindRequest {
            from: "2026-01-31".into(),
            to: "2026-01-01".into(),
            figure: 0,
            key: vec![
                kv(rpb::Dimension::Channel, "phone"),
                kv(rpb::Dimension::Channel, "email"),
            ],
            within: None,
        })
        .unwrap_err();
        let names: Vec<_> = bad.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["to", "figure", "key"]);
        let ok = parse_cases_behind(&rpb::CasesBehindRequest {
            from: "2026-01-01".into(),
            to: "2026-01-31".into(),
            figure: rpb::Figure::OpenAtEnd as i32,
            key: vec![
                kv(rpb::Dimension::Directorate, "d1"),
                kv(rpb::Dimension::Partner, ""),
            ],
            within: None,
        })
        .unwrap();
        assert_eq!(
            ok.which,
            Which::OpenAt(day_number(jiff::civil::date(2026, 1, 31)))
        );
        assert_eq!(
            ok.key,
            [
                (Dim::Directorate, "d1".to_owned()),
                (Dim::Partner, String::new())
            ]
        );
    }

    #[test]
    fn a_unit_or_directorate_key_is_its_pools_now_and_none_is_the_unplaced() {
        let mut map = PoolMap::default();
        for (p, u, d) in [("p1", "u1", "d1"), ("p2", "u1", "d1"), ("p3", "u2", "")] {
            map.pools.insert(p.into(), (u.into(), d.into()));
        }
        let q = row_query(
            Which::Opened(1, 2),
            &[
                (Dim::Directorate, "d1".into()),
                (Dim::Channel, "phone".into()),
            ],
            &Scope::Pools(["p2".to_owned(), "p3".to_owned()].into()),
            Some(&map),
        );
        assert_eq!(
            q.pools,
            [
                PoolCond::In(vec!["p2".into(), "p3".into()]),
                PoolCond::In(vec!["p1".into(), "p2".into()]),
            ]
        );
        assert_eq!(q.keys, [("channel", "phone".to_owned())]);
        let none = row_query(
            Which::OpenAt(3),
            &[(Dim::Directorate, String::new())],
            &Scope::All,
            Some(&map),
        );
        assert_eq!(
            none.pools,
            [PoolCond::NotIn(vec!["p1".into(), "p2".into()])]
        );
        let pool = row_query(
            Which::OpenAt(3),
            &[(Dim::Pool, "p9".into())],
            &Scope::All,
            Some(&map),
        );
        assert_eq!(pool.keys, [("pool_id", "p9".to_owned())]);
    }
}
