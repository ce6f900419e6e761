//! The working-day calendar's store: the special days, the calendar's one
//! version number, the years whose built-in days were loaded, and the
//! append-only revisions. Every change bumps the version conditionally on
//! the version the admin saw, and writes its revision, in one transaction.

use jiff::{Timestamp, civil::Date};

use super::StoreError;
use crate::domain::working_calendar::{CalendarChange, CalendarEdit, CalendarRevision, SpecialDay};

/// The working-day calendar.
#[async_trait::async_trait]
pub trait CalendarStore: Send + Sync + std::fmt::Debug + 'static {
    /// The calendar's current version (0 before anything was stored).
    async fn calendar_version(&self) -> Result<i64, StoreError>;

    /// The special days of `year` (every year when `None`) in date order,
    /// with the version they are of (read together, so the days are
    /// exactly that version's).
    async fn list_calendar_days(
        &self,
        year: Option<i16>,
    ) -> Result<(Vec<SpecialDay>, i64), StoreError>;

    /// Loads the built-in `days` of `year` unless that year was loaded
    /// before (by this or another replica, now or at any earlier start):
    /// answers whether this call loaded it. A day already stored on a date
    /// (an admin's) is kept. Loading makes a new version and a `seed`
    /// revision.
    async fn seed_calendar_year(
        &self,
        year: i16,
        days: &[SpecialDay],
        at: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Adds `day`, or replaces the day on its date; answers the new version
    /// and whether it added or edited.
    ///
    /// # Errors
    /// [`StoreError::CalendarMoved`] when the version is not `edit.expected_version`.
    async fn put_calendar_day(
        &self,
        day: &SpecialDay,
        edit: &CalendarEdit,
    ) -> Result<(i64, CalendarChange), StoreError>;

    /// Removes the day on `date`; answers the new version, or `None` when
    /// there is no special day on that date (nothing changes).
    ///
    /// # Errors
    /// [`StoreError::CalendarMoved`] when the version is not `edit.expected_version`.
    async fn remove_calendar_day(
        &self,
        date: Date,
        edit: &CalendarEdit,
    ) -> Result<Option<i64>, StoreError>;

    /// Marks every estimated day of `year` confirmed; answers the version
    /// and how many days it confirmed. When none was estimated nothing
    /// changes (no new version, no revision).
    ///
    /// # Errors
    /// [`StoreError::CalendarMoved`] when the version is not `edit.expected_version`.
    async fn confirm_calendar_year(
        &self,
        year: i16,
        edit: &CalendarEdit,
    ) -> Result<(i64, u32), StoreError>;

    /// The revisions about `year` (every year when `None`), newest first, at most `limit`.
    async fn list_calendar_revisions(
        &self,
        year: Option<i16>,
        limit: u32,
    ) -> Result<Vec<CalendarRevision>, StoreError>;
}
