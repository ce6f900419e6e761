//! What the form, the API and the OpenAPI tests share, built by startup:
//! kept apart from `web_api`'s router so no handler imports its wiring.

use std::sync::Arc;

use tekmerkez_case_client::CaseClient;
use tekmerkez_types::{catalogue::Category, institution::InstitutionSettings};

use super::rate_limit::ClientLimiter;
use crate::{idempotency::IdempotencyStore, publish::Publisher};

/// What the form and the API share.
#[derive(Clone)]
pub struct WebState {
    /// Puts applications on the bus.
    pub publisher: Publisher,
    /// Idempotency keys.
    pub keys: IdempotencyStore,
    /// The category catalogue.
    pub categories: Arc<Vec<Category>>,
    /// The case service, for the public status (its calls carry intake's
    /// token and the case-service deadline).
    pub cases: CaseClient,
    /// The case service's outages, for `/v1/outages` and the form.
    pub incidents: tekmerkez_case_client::IncidentClient,
    /// The case service's audit trail, for `/v1/audit`: called with the
    /// caller's own token, never intake's.
    pub audit: tekmerkez_proto::case_v1::audit_service_client::AuditServiceClient<
        tonic::transport::Channel,
    >,
    /// Per-client limits.
    pub limiter: ClientLimiter,
    /// The KVKK notice version the form shows.
    pub kvkk_text_version: Arc<str>,
    /// The institution the form's header and title name.
    pub institution: Arc<InstitutionSettings>,
    /// Whether the mail relay takes non-ASCII addresses (`notify.email.smtputf8`).
    pub smtputf8: bool,
    /// The reports service (`intake.reports_service_url`); `None` when not
    /// configured, and `/v1/reports/summary` answers 503. Called with the
    /// caller's own token, never intake's.
    pub reports: Option<
        tekmerkez_proto::reports_v1::report_service_client::ReportServiceClient<
            tonic::transport::Channel,
        >,
    >,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState").finish_non_exhaustive()
    }
}
