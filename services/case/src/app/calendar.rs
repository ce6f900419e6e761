//! The working-day calendar's operations: reading a year (every signed-in
//! staff member and the services: due dates depend on it), an admin's
//! changes (each against the version the admin saw, refused when the
//! calendar moved on), loading the built-in days of the years the store
//! does not have yet, and [`CaseApp::working_calendar`], the calendar the
//! rest of the service counts working days on.

use std::sync::{Arc, LazyLock, RwLock};

use jiff::civil::Date;
use uuid::Uuid;

use super::{CaseApp, error::CaseError};
use crate::{
    domain::{
        caller::Caller,
        enums::Role,
        working_calendar::{CalendarChange, CalendarEdit, CalendarRevision, SpecialDay},
    },
    store::StoreError,
};

/// The most revisions one list returns.
pub const MAX_REVISIONS: u32 = 500;

/// Revisions listed when the caller names no limit.
pub const DEFAULT_REVISIONS: u32 = 100;

/// The working calendar last built, with the store version it was built
/// from. Shared by every clone of the [`CaseApp`]; replaced whole when the
/// store's version differs, so a reader holds a consistent calendar. A
/// std lock: it is never held across an await, and the synchronous
/// [`CaseApp::last_working_calendar`] reads it too.
#[derive(Debug, Default)]
pub(crate) struct CalendarCache {
    current: RwLock<Option<(i64, Arc<tekmerkez_workdays::Calendar>)>>,
}

/// The built-in days, for a synchronous reader before any calendar was loaded.
static BUILTIN: LazyLock<Arc<tekmerkez_workdays::Calendar>> =
    LazyLock::new(|| Arc::new(tekmerkez_workdays::Calendar::builtin()));

/// A revision with the display name of the admin who made it.
#[derive(Debug, Clone)]
pub struct NamedRevision {
    pub revision: CalendarRevision,
    /// Empty for the service's own loading or an unknown user.
    pub changed_by_display_name: String,
}

/// Every signed-in staff member reads the calendar (a due date shown to
/// them is counted on it), and so do the services; a partner's client
/// does not need it.
fn may_read(caller: &Caller) -> Result<(), CaseError> {
    match caller.role() {
        Some(Role::PartnerClient) => Err(CaseError::PermissionDenied(
            "a partner client may not read the working calendar",
        )),
        _ => Ok(()),
    }
}

/// Checks that `caller` may change the calendar (an admin), before the
/// request's fields are.
///
/// # Errors
/// [`CaseError::PermissionDenied`] for anyone else.
pub fn may_change(caller: &Caller) -> Result<(), CaseError> {
    admin(caller).map(|_| ())
}

/// Only an admin changes the calendar.
fn admin(caller: &Caller) -> Result<Uuid, CaseError> {
    match caller.user() {
        Some(u) if u.role == Role::Admin => Ok(u.id),
        _ => Err(CaseError::PermissionDenied(
            "only an admin may change the working calendar",
        )),
    }
}

fn moved(e: StoreError) -> CaseError {
    match e {
        StoreError::CalendarMoved { current } => CaseError::CalendarMoved { current },
        other => CaseError::Store(other),
    }
}

/// The special day as the workday arithmetic reads it.
fn to_workdays(d: &SpecialDay) -> tekmerkez_workdays::SpecialDay {
    use crate::domain::working_calendar::DayKind;
    tekmerkez_workdays::SpecialDay {
        date: d.date,
        kind: match d.kind {
            DayKind::Holiday => tekmerkez_workdays::DayKind::Holiday,
            DayKind::HalfDay => tekmerkez_workdays::DayKind::HalfDay,
            DayKind::AdministrativeLeave => tekmerkez_workdays::DayKind::AdministrativeLeave,
        },
        name_tr: d.name_tr.clone(),
        name_en: d.name_en.clone(),
        estimated: d.estimated,
    }
}

/// A built-in day as the store keeps it.
fn from_workdays(d: &tekmerkez_workdays::SpecialDay) -> SpecialDay {
    use crate::domain::working_calendar::DayKind;
    SpecialDay {
        date: d.date,
        kind: match d.kind {
            tekmerkez_workdays::DayKind::Holiday => DayKind::Holiday,
            tekmerkez_workdays::DayKind::HalfDay => DayKind::HalfDay,
            tekmerkez_workdays::DayKind::AdministrativeLeave => DayKind::AdministrativeLeave,
        },
        name_tr: d.name_tr.clone(),
        name_en: d.name_en.clone(),
        estimated: d.estimated,
    }
}

impl CaseApp {
    /// The working calendar as stored now: the special days every replica
    /// shares, which an admin may have changed a moment ago.
    ///
    /// One version check per use (a one-row read): a replica counts on the
    /// new calendar from the first call after a change, where a time-based
    /// refresh would let two replicas give one case different due dates
    /// for a while. The days are read again only when the version moved.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn working_calendar(&self) -> Result<Arc<tekmerkez_workdays::Calendar>, CaseError> {
        let version = self.store.calendar_version().await?;
        if let Some((v, cal)) = self.cached_calendar()
            && v == version
        {
            return Ok(cal);
        }
        let (days, version) = self.store.list_calendar_days(None).await?;
        let cal = Arc::new(tekmerkez_workdays::Calendar::from_days(
            days.iter().map(to_workdays),
        ));
        let mut current = self
            .calendar
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A concurrent call may have built a newer one meanwhile: keep the newest.
        if current.as_ref().is_none_or(|(v, _)| *v < version) {
            *current = Some((version, cal.clone()));
        }
        Ok(cal)
    }

    /// The working calendar as the last [`CaseApp::working_calendar`] call
    /// on this replica found it (the built-in days before the first), for
    /// synchronous code that shows a count (days left on a record) rather
    /// than decides a due date: it may lag an admin's change until the next
    /// call of the async accessor.
    pub fn last_working_calendar(&self) -> Arc<tekmerkez_workdays::Calendar> {
        self.cached_calendar()
            .map_or_else(|| BUILTIN.clone(), |(_, cal)| cal)
    }

    fn cached_calendar(&self) -> Option<(i64, Arc<tekmerkez_workdays::Calendar>)> {
        self.calendar
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Loads the built-in days of every year the store has not had yet
    /// (each year once ever: a day an admin changed or removed is never
    /// brought back); answers how many years this call loaded.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn seed_builtin_calendar(&self) -> Result<u32, CaseError> {
        let builtin = tekmerkez_workdays::Calendar::builtin();
        let mut by_year: std::collections::BTreeMap<i16, Vec<SpecialDay>> = Default::default();
        for d in builtin.days() {
            by_year
                .entry(d.date.year())
                .or_default()
                .push(from_workdays(d));
        }
        let mut loaded = 0;
        for (year, days) in by_year {
            let at = self.clock.now();
            if self.store.seed_calendar_year(year, &days, at).await? {
                tracing::info!(year, days = days.len(), "built-in calendar days loaded");
                loaded += 1;
            }
        }
        Ok(loaded)
    }

    /// A year's special days, in date order, with the calendar's version.
    ///
    /// # Errors
    /// A partner client; the store.
    pub async fn list_calendar_days(
        &self,
        caller: &Caller,
        year: i16,
    ) -> Result<(Vec<SpecialDay>, i64), CaseError> {
        may_read(caller)?;
        Ok(self.store.list_calendar_days(Some(year)).await?)
    }

    /// Adds `day` or replaces the day on its date; an admin's day is
    /// confirmed. Answers the new version and whether it added or edited.
    ///
    /// # Errors
    /// Not an admin; [`CaseError::CalendarMoved`]; the store.
    pub async fn put_calendar_day(
        &self,
        caller: &Caller,
        mut day: SpecialDay,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<(SpecialDay, i64, CalendarChange), CaseError> {
        let by = admin(caller)?;
        day.estimated = false;
        let edit = self.edit(by, expected_version, reason);
        let (version, change) = self
            .store
            .put_calendar_day(&day, &edit)
            .await
            .map_err(moved)?;
        tracing::info!(version, change = change.as_str(), "calendar day stored");
        let object = format!("calendar:{}", day.date);
        let detail = format!("{} version:{version}", change.as_str());
        self.audit(
            caller,
            crate::domain::audit::AuditAction::AdminChanged,
            super::audit::About::object(&object).detail(&detail),
        )
        .await?;
        Ok((day, version, change))
    }

    /// Removes the special day on `date`; answers the new version.
    ///
    /// # Errors
    /// Not an admin; no special day on `date`; [`CaseError::CalendarMoved`]; the store.
    pub async fn remove_calendar_day(
        &self,
        caller: &Caller,
        date: Date,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<i64, CaseError> {
        let by = admin(caller)?;
        let edit = self.edit(by, expected_version, reason);
        let version = self
            .store
            .remove_calendar_day(date, &edit)
            .await
            .map_err(moved)?
            .ok_or(CaseError::NotFound("calendar day"))?;
        tracing::info!(version, "calendar day removed");
        let object = format!("calendar:{date}");
        let detail = format!("removed version:{version}");
        self.audit(
            caller,
            crate::domain::audit::AuditAction::AdminChanged,
            super::audit::About::object(&object).detail(&detail),
        )
        .await?;
        Ok(version)
    }

    /// Confirms every estimated day of `year`; answers the version and how
    /// many days it confirmed (none: nothing changed).
    ///
    /// # Errors
    /// Not an admin; [`CaseError::CalendarMoved`]; the store.
    pub async fn confirm_calendar_year(
        &self,
        caller: &Caller,
        year: i16,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<(i64, u32), CaseError> {
        let by = admin(caller)?;
        let edit = self.edit(by, expected_version, reason);
        let (version, confirmed) = self
            .store
            .confirm_calendar_year(year, &edit)
            .await
            .map_err(moved)?;
        tracing::info!(version, year, confirmed, "calendar year confirmed");
        let object = format!("calendar:{year}");
        let detail = format!("confirmed:{confirmed} version:{version}");
        self.audit(
            caller,
            crate::domain::audit::AuditAction::AdminChanged,
            super::audit::About::object(&object).detail(&detail),
        )
        .await?;
        Ok((version, confirmed))
    }

    /// The revisions about `year` (every year when `None`), newest first,
    /// with their admins' names.
    ///
    /// # Errors
    /// A partner client; the store.
    pub async fn list_calendar_revisions(
        &self,
        caller: &Caller,
        year: Option<i16>,
        limit: u32,
    ) -> Result<Vec<NamedRevision>, CaseError> {
        may_read(caller)?;
        let limit = match limit {
            0 => DEFAULT_REVISIONS,
            n => n.min(MAX_REVISIONS),
        };
        let revisions = self.store.list_calendar_revisions(year, limit).await?;
        let names = self
            .display_names(revisions.iter().filter_map(|r| r.changed_by).collect())
            .await?;
        Ok(revisions
            .into_iter()
            .map(|r| NamedRevision {
                changed_by_display_name: r
                    .changed_by
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                revision: r,
            })
            .collect())
    }

    fn edit(&self, by: Uuid, expected_version: i64, reason: Option<String>) -> CalendarEdit {
        CalendarEdit {
            by,
            at: self.clock.now(),
            expected_version,
            reason,
        }
    }
}
