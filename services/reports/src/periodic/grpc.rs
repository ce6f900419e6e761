//! `PeriodicReportService`: recipients (admins set them), and a report
//! drawn or sent on demand. Admins reach every directorate and the whole
//! institution; a directorate manager its own directorate.

use std::collections::BTreeMap;

use tekmerkez_proto::{case_v1 as pb, reports_v1 as rpb};
use tekmerkez_types::{contact::EmailAddress, fields::Violations};
use tonic::{Request, Response, Status};

use super::{ReportError, Reporter, content::Subject, period::ReportPeriod, store::SetOutcome};
use crate::grpc::{current_user, invalid};

/// The most addresses one directorate's report goes to.
pub const MAX_RECIPIENTS: usize = 50;

/// Who may do what here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Caller {
    Admin,
    /// A directorate manager, of this directorate.
    Directorate(String),
}

/// The service.
#[derive(Debug, Clone)]
pub struct PeriodicReportGrpc {
    reporter: Reporter,
    users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
}

impl PeriodicReportGrpc {
    /// Handlers over `reporter`; `users` says who callers are (asked with
    /// each caller's own credentials).
    pub fn new(
        reporter: Reporter,
        users: pb::directory_service_client::DirectoryServiceClient<tonic::transport::Channel>,
    ) -> Self {
        Self { reporter, users }
    }

    async fn caller<T>(&self, req: &Request<T>) -> Result<Caller, Status> {
        let me = current_user(&self.users, req).await?;
        match pb::Role::try_from(me.role) {
            Ok(pb::Role::Admin) => Ok(Caller::Admin),
            Ok(pb::Role::DirectorateManager) if !me.directorate_id.is_empty() => {
                Ok(Caller::Directorate(me.directorate_id))
            }
            _ => Err(Status::permission_denied(
                "periodic reports are for admins and directorate managers",
            )),
        }
    }

    /// The pool → unit → directorate map.
    async fn map(&self) -> Result<std::sync::Arc<crate::directory::PoolMap>, Status> {
        self.reporter
            .directory()
            .get()
            .await
            .map_err(|s| failed(&ReportError::Directory(s)))
    }

    /// The subject a caller asks for, when it may.
    fn subject(caller: &Caller, directorate: &str) -> Result<Subject, Status> {
        match (caller, directorate.trim()) {
            (Caller::Admin, "") => Ok(Subject::Institution),
            (Caller::Admin, d) => Ok(Subject::Directorate(d.to_owned())),
            (Caller::Directorate(mine), d) if d.is_empty() || d == mine => {
                Ok(Subject::Directorate(mine.clone()))
            }
            (Caller::Directorate(_), _) => Err(Status::permission_denied(
                "a directorate manager reads its own directorate's report",
            )),
        }
    }
}

fn period_of(raw: &str) -> Result<ReportPeriod, Status> {
    ReportPeriod::parse(raw).ok_or_else(|| {
        let mut v = Violations::new();
        v.add(
            "period",
            "must be YYYY-MM, YYYY or YYYY-MM-DD..YYYY-MM-DD (at most ten years)",
        );
        invalid(&v)
    })
}

fn language_of(raw: &str) -> Result<bool, Status> {
    match raw.trim() {
        "" | "tr" => Ok(false),
        "en" => Ok(true),
        _ => {
            let mut v = Violations::new();
            v.add("language", "must be tr or en");
            Err(invalid(&v))
        }
    }
}

fn failed(e: &ReportError) -> Status {
    match e {
        ReportError::Directory(s) => {
            Status::unavailable(format!("the directory is unavailable: {}", s.code()))
        }
        ReportError::Publish(_) => Status::unavailable("the message bus is unavailable; try again"),
        ReportError::TooLarge => Status::failed_precondition(
            "the report is larger than an e-mail carries; draw it and send it by hand",
        ),
        _ => {
            tracing::error!(error.message = %e, error.cause_chain = ?e, "a periodic report failed");
            Status::internal("internal error")
        }
    }
}

#[tonic::async_trait]
impl rpb::periodic_report_service_server::PeriodicReportService for PeriodicReportGrpc {
    #[tracing::instrument(name = "reports.list_report_recipients", skip_all)]
    async fn list_report_recipients(
        &self,
        req: Request<rpb::ListReportRecipientsRequest>,
    ) -> Result<Response<rpb::ListReportRecipientsResponse>, Status> {
        let caller = self.caller(&req).await?;
        let map = self.map().await?;
        let store = self.reporter.store();
        let stored: BTreeMap<String, _> = store
            .all_recipients()
            .await
            .map_err(|e| failed(&e.into()))?
            .into_iter()
            .map(|r| (r.directorate_id.clone(), r))
            .collect();
        let mut last: BTreeMap<String, String> = BTreeMap::new();
        for run in store.mail_runs().await.map_err(|e| failed(&e.into()))? {
            // Newest period first: the first seen is the last sent.
            last.entry(run.directorate_id).or_insert(run.period);
        }
        let mut directorates: Vec<rpb::ReportRecipients> = map
            .directorate_names
            .iter()
            .filter(|(id, _)| match &caller {
                Caller::Admin => true,
                Caller::Directorate(mine) => *id == mine,
            })
            .map(|(id, name)| {
                let s = stored.get(id);
                rpb::ReportRecipients {
                    directorate_id: id.clone(),
                    directorate_name: name.clone(),
                    emails: s.map(|s| s.emails.clone()).unwrap_or_default(),
                    language: s.map_or_else(|| "tr".to_owned(), |s| s.language.clone()),
                    version: s.map_or(0, |s| s.version),
                    last_sent_period: last.get(id).cloned().unwrap_or_default(),
                }
            })
            .collect();
        directorates
            .sort_by(|a, b| tekmerkez_turkish::compare(&a.directorate_name, &b.directorate_name));
        Ok(Response::new(rpb::ListReportRecipientsResponse {
            directorates,
        }))
    }

    #[tracing::instrument(name = "reports.set_report_recipients", skip_all)]
    async fn set_report_recipients(
        &self,
        req: Request<rpb::SetReportRecipientsRequest>,
    ) -> Result<Response<rpb::SetReportRecipientsResponse>, Status> {
        if self.caller(&req).await? != Caller::Admin {
            return Err(Status::permission_denied(
                "only admins set report recipients",
            ));
        }
        let r = req.into_inner();
        let mut v = Violations::new();
        let directorate = r.directorate_id.trim().to_owned();
        if directorate.is_empty() {
            v.add("directorate_id", "is required");
        }
        if r.emails.len() > MAX_RECIPIENTS {
            v.add("emails", "at most 50 addresses");
        }
        let mut emails: Vec<String> = Vec::new();
        for (i, raw) in r.emails.iter().enumerate() {
            match EmailAddress::parse(raw) {
                Ok(a) => {
                    let a = a.expose().to_owned();
                    if !emails.iter().any(|e| e.eq_ignore_ascii_case(&a)) {
                        emails.push(a);
                    }
                }
                Err(_) => v.add(format!("emails[{i}]"), "must be a valid e-mail address"),
            }
        }
        let english = match language_of(&r.language) {
            Ok(e) => e,
            Err(_) => {
                v.add("language", "must be tr or en");
                false
            }
        };
        if r.version < 0 {
            v.add("version", "must not be negative");
        }
        if !v.is_empty() {
            return Err(invalid(&v));
        }
        let map = self.map().await?;
        let Some(name) = map.directorate_names.get(&directorate).cloned() else {
            return Err(Status::not_found(format!("no directorate {directorate}")));
        };
        let now_ms = jiff::Timestamp::now().as_millisecond();
        let language = if english { "en" } else { "tr" };
        match self
            .reporter
            .store()
            .set_recipients(&directorate, &emails, language, r.version, now_ms)
            .await
            .map_err(|e| failed(&e.into()))?
        {
            SetOutcome::Stored(s) => {
                tracing::info!(directorate_id = %directorate, recipients = s.emails.len(), version = s.version, "report recipients changed");
                Ok(Response::new(rpb::SetReportRecipientsResponse {
                    recipients: Some(rpb::ReportRecipients {
                        directorate_id: s.directorate_id,
                        directorate_name: name,
                        emails: s.emails,
                        language: s.language,
                        version: s.version,
                        last_sent_period: String::new(),
                    }),
                }))
            }
            SetOutcome::Stale { current } => Err(Status::aborted(format!(
                "the recipients were changed meanwhile (now version {current}); reload and edit again"
            ))),
        }
    }

    #[tracing::instrument(name = "reports.render_report", skip_all)]
    async fn render_report(
        &self,
        req: Request<rpb::RenderReportRequest>,
    ) -> Result<Response<rpb::RenderReportResponse>, Status> {
        let caller = self.caller(&req).await?;
        let r = req.get_ref();
        let subject = Self::subject(&caller, &r.directorate_id)?;
        let period = period_of(&r.period)?;
        let english = language_of(&r.language)?;
        if let Subject::Directorate(d) = &subject {
            let map = self.map().await?;
            if !map.directorate_names.contains_key(d) {
                return Err(Status::not_found(format!("no directorate {d}")));
            }
        }
        let drawn = self
            .reporter
            .draw(&subject, period, english)
            .await
            .map_err(|e| failed(&e))?;
        Ok(Response::new(rpb::RenderReportResponse {
            pdf: drawn.pdf,
            xlsx: drawn.xlsx,
            file_stem: drawn.file_stem,
        }))
    }

    #[tracing::instrument(name = "reports.send_report", skip_all)]
    async fn send_report(
        &self,
        req: Request<rpb::SendReportRequest>,
    ) -> Result<Response<rpb::SendReportResponse>, Status> {
        let caller = self.caller(&req).await?;
        let r = req.get_ref();
        if r.directorate_id.trim().is_empty() {
            let mut v = Violations::new();
            v.add("directorate_id", "is required");
            return Err(invalid(&v));
        }
        let Subject::Directorate(d) = Self::subject(&caller, &r.directorate_id)? else {
            return Err(Status::internal("internal error"));
        };
        let period = period_of(&r.period)?;
        let now_ms = jiff::Timestamp::now().as_millisecond();
        match self
            .reporter
            .send(&d, period, now_ms)
            .await
            .map_err(|e| failed(&e))?
        {
            Some(run) => Ok(Response::new(rpb::SendReportResponse {
                event_id: run.event_id,
                recipients: run.recipients,
            })),
            None => Err(Status::failed_precondition(
                "the directorate has no report recipients; an admin sets them first",
            )),
        }
    }
}
