//! Due dates: the working-day calendar the case service counts with, and
//! the deadline values a new case takes from its policy.

use std::sync::{Arc, LazyLock};

use jiff::Timestamp;
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use tekmerkez_workdays::Calendar;

use super::{CaseApp, error::CaseError};
use crate::domain::deadline::{self, CaseDeadlines};

/// The built-in holiday data (2024–2030).
static BUILTIN: LazyLock<Arc<Calendar>> = LazyLock::new(|| Arc::new(Calendar::builtin()));

impl CaseApp {
    /// The working-day calendar every due date and day count uses. The one
    /// place it is chosen: the admin-edited calendar (branch `calendar`)
    /// replaces the built-in data here.
    pub(crate) fn working_calendar(&self) -> Arc<Calendar> {
        BUILTIN.clone()
    }

    /// What a case of `source`, `application_type` and `category` filed at
    /// `filed` takes from the deadline policies.
    ///
    /// # Errors
    /// When the policies cannot be read.
    pub(crate) async fn opening_deadlines(
        &self,
        source: Option<ApplicationSource>,
        application_type: Option<ApplicationType>,
        category: &str,
        filed: Timestamp,
    ) -> Result<CaseDeadlines, CaseError> {
        let policies = deadline::seed();
        let resolved = deadline::resolve(&policies, source, application_type, category);
        Ok(resolved.for_case(&self.working_calendar(), filed))
    }
}
