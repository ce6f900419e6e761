//! Calls to the case service (and to routing's rules and notify's delivery
//! log): the gateway's service token on every call, through the shared case
//! client, and the signed-in person named in `x-tekmerkez-acting-user`.

use secrecy::SecretString;
use tekmerkez_case_client::{CallCredentials, CaseClient, Connection, DirectoryClient};
use tekmerkez_proto::{
    case_v1::assignment_service_client::AssignmentServiceClient,
    case_v1::audit_service_client::AuditServiceClient,
    case_v1::calendar_service_client::CalendarServiceClient,
    case_v1::classification_service_client::ClassificationServiceClient,
    case_v1::deadline_service_client::DeadlineServiceClient,
    case_v1::desk_service_client::DeskServiceClient,
    case_v1::incident_service_client::IncidentServiceClient,
    case_v1::saved_view_service_client::SavedViewServiceClient,
    notify_v1::notification_service_client::NotificationServiceClient,
    reports_v1::{
        call_report_service_client::CallReportServiceClient,
        periodic_report_service_client::PeriodicReportServiceClient,
        report_service_client::ReportServiceClient,
    },
    routing_v1::routing_rules_service_client::RoutingRulesServiceClient,
};
use tonic::{service::interceptor::InterceptedService, transport::Channel};
use uuid::Uuid;

tokio::task_local! {
    /// The HTTP request being served, set by `http::access` for the
    /// handler's task: every call it makes on a person's behalf names it.
    pub static ACCESS: RequestAccess;
}

/// One HTTP request as the case service's audit trail records it: its id
/// (a page's several calls are one entry), the browser's address and a
/// one-way mark of its session (never the session itself).
#[derive(Debug, Clone)]
pub struct RequestAccess {
    pub request: Uuid,
    pub client: String,
    pub session: Option<String>,
}

impl RequestAccess {
    fn stamp(&self, m: &mut tonic::metadata::MetadataMap) {
        let mut put = |k: &'static str, v: &str| {
            if let Ok(v) = v.parse() {
                m.insert(k, v);
            }
        };
        put("x-tekmerkez-request-id", &self.request.to_string());
        put("x-tekmerkez-client-address", &self.client);
        if let Some(s) = &self.session {
            put("x-tekmerkez-session", s);
        }
    }
}

/// The case service's audit trail, as the gateway calls it.
pub type AuditClient = AuditServiceClient<InterceptedService<Channel, CallCredentials>>;

/// Routing's rules API, as the gateway calls it.
pub type RulesClient = RoutingRulesServiceClient<InterceptedService<Channel, CallCredentials>>;

/// Notify's ready answers, as the gateway calls them.
pub type ReadyAnswersClient =
    tekmerkez_proto::notify_v1::ready_answer_service_client::ReadyAnswerServiceClient<
        InterceptedService<Channel, CallCredentials>,
    >;

/// Notify's API, as the gateway calls it.
pub type NotifyClient = NotificationServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The reports service's API (*Raporlar*), as the gateway calls it.
pub type ReportsClient = ReportServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The reports service's periodic reports (recipients, the PDF and XLSX).
pub type PeriodicReportsClient =
    PeriodicReportServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The reports service's call-centre figures.
pub type CallReportsClient = CallReportServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The case service's working calendar, as the gateway calls it.
pub type CalendarClient = CalendarServiceClient<InterceptedService<Channel, CallCredentials>>;
/// The case service's classification API (closure reasons, type changes).
pub type ClassificationClient =
    ClassificationServiceClient<InterceptedService<Channel, CallCredentials>>;
/// The case service's incidents.
pub type IncidentClient = IncidentServiceClient<InterceptedService<Channel, CallCredentials>>;
/// The case service's saved list filters.
pub type SavedViewsClient = SavedViewServiceClient<InterceptedService<Channel, CallCredentials>>;
/// The case service's automatic assignment (pool settings, presence).
pub type AssignmentClient = AssignmentServiceClient<InterceptedService<Channel, CallCredentials>>;
/// The case service's deadline policies and due-date actions.
pub type DeadlineClient = DeadlineServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The case service's live desk streams.
pub type DeskClient = DeskServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The case service, as the gateway calls it.
#[derive(Clone, Debug)]
pub struct Backend {
    case: Connection,
    /// Routing's rules API, for the admin's rules page.
    routing: Option<Connection>,
    /// Notify's API, for the record page's delivery log.
    notify: Option<Connection>,
    /// The reports service's API, for *Raporlar*.
    reports: Option<Connection>,
}

impl Backend {
    /// A backend calling the case service at `case_url` with `token`; calls
    /// that set no deadline get `timeout`. Nothing connects before the first
    /// call.
    ///
    /// # Errors
    /// An invalid URL, or a token that is not visible ASCII.
    pub fn connect_lazy(
        case_url: &str,
        token: &SecretString,
        timeout: std::time::Duration,
    ) -> anyhow::Result<Self> {
        let case = Connection::connect_lazy(case_url, token, timeout)
            .map_err(|e| anyhow::anyhow!("gateway.case_service: {e}"))?;
        Ok(Self {
            case,
            routing: None,
            notify: None,
            reports: None,
        })
    }

    /// The same backend, editing routing rules at `url` (empty: no rules page).
    ///
    /// # Errors
    /// An invalid URL.
    pub fn with_routing(mut self, url: &str) -> anyhow::Result<Self> {
        self.routing = self
            .peer(url)
            .map_err(|e| anyhow::anyhow!("gateway.routing_service_url: {e}"))?;
        Ok(self)
    }

    /// The same backend, reading delivery logs from notify at `url` (empty:
    /// no delivery log).
    ///
    /// # Errors
    /// An invalid URL.
    pub fn with_notify(mut self, url: &str) -> anyhow::Result<Self> {
        self.notify = self
            .peer(url)
            .map_err(|e| anyhow::anyhow!("gateway.notify_service_url: {e}"))?;
        Ok(self)
    }

    /// The same backend, reading figures from the reports service at `url`
    /// (empty: no *Raporlar*).
    ///
    /// # Errors
    /// An invalid URL.
    pub fn with_reports(mut self, url: &str) -> anyhow::Result<Self> {
        self.reports = self
            .peer(url)
            .map_err(|e| anyhow::anyhow!("gateway.reports_service_url: {e}"))?;
        Ok(self)
    }

    /// The reports service's API, when configured. Calls made with
    /// [`Self::as_user`] carry the gateway's token and the signed-in person,
    /// which the reports service shows to the case service's directory to
    /// learn the person's scope.
    pub fn reports(&self) -> Option<ReportsClient> {
        self.reports
            .as_ref()
            .map(|c| ReportServiceClient::with_interceptor(c.channel(), c.credentials()))
    }

    fn peer(&self, url: &str) -> Result<Option<Connection>, tekmerkez_case_client::ConnectError> {
        if url.is_empty() {
            Ok(None)
        } else {
            self.case.to(url).map(Some)
        }
    }

    /// The reports service's call-centre figures, when configured (called
    /// as [`Self::reports`] is).
    pub fn call_reports(&self) -> Option<CallReportsClient> {
        self.reports
            .as_ref()
            .map(|c| CallReportServiceClient::with_interceptor(c.channel(), c.credentials()))
    }

    /// The reports service's periodic reports, when configured (called as
    /// [`Self::reports`] is).
    pub fn periodic_reports(&self) -> Option<PeriodicReportsClient> {
        self.reports
            .as_ref()
            .map(|c| PeriodicReportServiceClient::with_interceptor(c.channel(), c.credentials()))
    }

    /// Notify's API, when configured.
    pub fn notify(&self) -> Option<NotifyClient> {
        self.notify
            .as_ref()
            .map(|c| NotificationServiceClient::with_interceptor(c.channel(), c.credentials()))
    }

    /// Notify's ready answers, when notify is configured (called as
    /// [`Self::as_user`]: notify asks the directory for the person's role).
    pub fn ready_answers(&self) -> Option<ReadyAnswersClient> {
        self.notify.as_ref().map(|c| {
            tekmerkez_proto::notify_v1::ready_answer_service_client::ReadyAnswerServiceClient::with_interceptor(
                c.channel(),
                c.credentials(),
            )
        })
    }

    /// A request as the gateway itself (sign-in, the public tracking page).
    pub fn as_gateway<T>(&self, msg: T) -> tonic::Request<T> {
        tonic::Request::new(msg)
    }

    /// A request on behalf of the signed-in user `user`, carrying the HTTP
    /// request it is part of ([`RequestAccess`]) for the audit trail.
    pub fn as_user<T>(&self, user: Uuid, msg: T) -> tonic::Request<T> {
        let mut r = self.as_gateway(msg);
        if let Ok(v) = user.to_string().parse() {
            r.metadata_mut().insert("x-tekmerkez-acting-user", v);
        }
        // Outside a page's task (a background job) the call is its own request.
        let _ = ACCESS.try_with(|a| a.stamp(r.metadata_mut()));
        r
    }

    pub fn directory(&self) -> DirectoryClient {
        self.case.directory()
    }

    /// The routing rules' client, when the routing service is configured.
    /// It forwards the gateway's token and the acting user to the case
    /// service's directory, which says whether they are an admin.
    pub fn rules(&self) -> Option<RulesClient> {
        self.routing
            .as_ref()
            .map(|c| RoutingRulesServiceClient::with_interceptor(c.channel(), c.credentials()))
    }

    /// The case service's audit trail (*Denetim İzi*).
    pub fn audit(&self) -> AuditClient {
        AuditServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's working calendar (the *Takvim* page).
    pub fn calendar(&self) -> CalendarClient {
        CalendarServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's live desk (one stream per signed-in browser).
    pub fn desk(&self) -> DeskClient {
        DeskServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's saved list filters (each user's own).
    pub fn saved_views(&self) -> SavedViewsClient {
        SavedViewServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    pub fn cases(&self) -> CaseClient {
        self.case.cases()
    }

    /// The case service's classification API.
    pub fn classification(&self) -> ClassificationClient {
        ClassificationServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's `DeadlineService`.
    pub fn deadlines(&self) -> DeadlineClient {
        DeadlineServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's `IncidentService`.
    pub fn incidents(&self) -> IncidentClient {
        IncidentServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }

    /// The case service's `AssignmentService`.
    pub fn assignment(&self) -> AssignmentClient {
        AssignmentServiceClient::with_interceptor(self.case.channel(), self.case.credentials())
    }
}
