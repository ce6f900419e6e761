//! `tekmerkez.reports.v1.CallReportService`: the call centre's figures for
//! a period, by queue and hour. The call centre serves the whole
//! institution, so admins and directorate managers see every queue; other
//! roles are refused. Who the caller is comes from the case service's
//! directory, asked with the caller's own credentials (as `ReportService`).

use jiff::civil::Date;
use tekmerkez_proto::{
    case_v1 as pb,
    reports_v1::{self as rpb, call_report_service_server::CallReportService},
};
use tekmerkez_types::fields::Violations;
use tonic::{Request, Response, Status};

use crate::{
    calls::{self, CallCounts, CallDim},
    fact::day_number,
    grpc::{missing, parse_granularity, parse_period},
    query::Granularity,
    store::ReportStore,
};

/// The call report API.
#[derive(Debug, Clone)]
pub struct CallReportGrpc {
    store: ReportStore,
    users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallQuery {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Keys.
    pub by: Vec<CallDim>,
    /// Periods.
    pub granularity: Option<Granularity>,
}

/// Checks a request, naming every bad field.
///
/// # Errors
/// The violations.
pub fn parse_call_summary(r: &rpb::CallSummaryRequest) -> Result<CallQuery, Violations> {
    let mut v = Violations::new();
    let period = parse_period(&mut v, &r.from, &r.to);
    let mut by = Vec::new();
    for d in &r.by {
        let dim = match rpb::CallDimension::try_from(*d) {
            Ok(rpb::CallDimension::Queue) => Some(CallDim::Queue),
            Ok(rpb::CallDimension::Hour) => Some(CallDim::Hour),
            _ => None,
        };
        match dim {
            Some(d) if by.contains(&d) => v.add("by", "must not name a dimension twice"),
            Some(d) => by.push(d),
            None => v.add("by", "must be queue or hour"),
        }
    }
    let granularity = parse_granularity(&mut v, r.granularity);
    match (v.into_result(), period) {
        (Ok(()), Some((from, to))) => Ok(CallQuery {
            from,
            to,
            by,
            granularity,
        }),
        (Err(v), _) => Err(v),
        // Unreachable: a missing date recorded a violation.
        _ => Err(missing("from")),
    }
}

fn counts_to_proto(c: &CallCounts) -> rpb::CallFigures {
    rpb::CallFigures {
        offered: c.offered,
        answered: c.answered,
        abandoned: c.abandoned,
        ivr_completed: c.ivr_completed,
        transferred: c.transferred,
        answered_seconds: c.answered_seconds,
        answered_timed: c.answered_timed,
        ivr_self_service: c.ivr_self_service,
    }
}

impl CallReportGrpc {
    /// Handlers over `store`; `users` says who callers are.
    pub fn new(
        store: ReportStore,
        users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    ) -> Self {
        Self { store, users }
    }

    async fn allowed<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let me = crate::grpc::current_user(&self.users, req).await?;
        match pb::Role::try_from(me.role) {
            Ok(pb::Role::Admin | pb::Role::DirectorateManager) => Ok(()),
            _ => Err(Status::permission_denied(
                "call-centre figures are for admins and directorate managers",
            )),
        }
    }
}

#[tonic::async_trait]
impl CallReportService for CallReportGrpc {
    #[tracing::instrument(name = "reports.call_summary", skip_all)]
    async fn call_summary(
        &self,
        req: Request<rpb::CallSummaryRequest>,
    ) -> Result<Response<rpb::CallSummaryResponse>, Status> {
        self.allowed(&req).await?;
        let q = parse_call_summary(req.get_ref()).map_err(|v| crate::grpc::invalid(&v))?;
        let rows = self
            .store
            .call_rows(day_number(q.from), day_number(q.to))
            .await
            .map_err(|e| {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "reading the call figures failed");
                Status::internal("internal error")
            })?;
        let (rows, totals) = calls::summarise(&rows, &q.by, q.granularity);
        Ok(Response::new(rpb::CallSummaryResponse {
            rows: rows
                .into_iter()
                .map(|((period, keys), c)| rpb::CallSummaryRow {
                    period: period.map(|d| d.to_string()).unwrap_or_default(),
                    keys,
                    figures: Some(counts_to_proto(&c)),
                })
                .collect(),
            totals: Some(counts_to_proto(&totals)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named() {
        let bad = parse_call_summary(&rpb::CallSummaryRequest {
            from: "2026-02-30".into(),
            to: "x".into(),
            by: vec![
                0,
                rpb::CallDimension::Hour as i32,
                rpb::CallDimension::Hour as i32,
            ],
            granularity: Some(9),
        })
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["from", "to", "by", "by", "granularity"]);
        let ok = parse_call_summary(&rpb::CallSummaryRequest {
            from: "2026-01-01".into(),
            to: "2026-12-31".into(),
            by: vec![rpb::CallDimension::Queue as i32],
            granularity: Some(rpb::Granularity::Month as i32),
        })
        .unwrap();
        assert_eq!(ok.by, [CallDim::Queue]);
        assert_eq!(ok.granularity, Some(Granularity::Month));
    }
}
