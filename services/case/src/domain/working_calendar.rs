//! The working-day calendar as the case service's data: the special days
//! (holidays, half-day eves, administrative leave), the calendar's
//! revisions, and the parsing of what an admin sends. The arithmetic over
//! them (which day is a working day, due dates) is `tekmerkez_workdays`';
//! this module only says what a stored day is and what a valid one looks
//! like.
//!
//! A holiday may fall on a weekend: the official calendar lists 29 Ekim or
//! 1 Mayıs on whatever weekday they fall, and the page shows the year as it
//! was announced, so such a day is accepted although it changes no count.

use jiff::{Timestamp, civil::Date};
use tekmerkez_proto::case_v1 as pb;
use uuid::Uuid;

use super::fields::FieldError;

/// The first and last years a day may be in: a wider range is a typo, and
/// due dates never reach past it.
pub const YEARS: std::ops::RangeInclusive<i16> = 2000..=2100;

/// The longest name of a day, in characters.
pub const NAME_MAX: usize = 100;

/// The longest reason of a change, in characters.
pub const REASON_MAX: usize = 500;

/// What kind of day a special day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Resmî tatil: not a working day.
    Holiday,
    /// Arife (yarım gün): a working day unless a policy says otherwise.
    HalfDay,
    /// İdari izin: not a working day for public servants.
    AdministrativeLeave,
}

impl DayKind {
    /// The storage code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::HalfDay => "half_day",
            Self::AdministrativeLeave => "administrative_leave",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "holiday" => Some(Self::Holiday),
            "half_day" => Some(Self::HalfDay),
            "administrative_leave" => Some(Self::AdministrativeLeave),
            _ => None,
        }
    }

    /// The protobuf value.
    pub fn to_proto(self) -> pb::CalendarDayKind {
        match self {
            Self::Holiday => pb::CalendarDayKind::Holiday,
            Self::HalfDay => pb::CalendarDayKind::HalfDay,
            Self::AdministrativeLeave => pb::CalendarDayKind::AdministrativeLeave,
        }
    }

    /// The domain value of a protobuf number; `None` for unspecified or unknown.
    pub fn from_proto(n: i32) -> Option<Self> {
        match pb::CalendarDayKind::try_from(n).ok()? {
            pb::CalendarDayKind::Holiday => Some(Self::Holiday),
            pb::CalendarDayKind::HalfDay => Some(Self::HalfDay),
            pb::CalendarDayKind::AdministrativeLeave => Some(Self::AdministrativeLeave),
            pb::CalendarDayKind::Unspecified => None,
        }
    }
}

/// One special day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    /// The Europe/Istanbul calendar date.
    pub date: Date,
    pub kind: DayKind,
    /// Turkish name ("Kurban Bayramı 1. gün").
    pub name_tr: String,
    /// English name.
    pub name_en: String,
    /// Computed ahead of the announcement, not yet confirmed by an admin.
    pub estimated: bool,
}

impl SpecialDay {
    /// The day's year.
    pub fn year(&self) -> i16 {
        self.date.year()
    }
}

/// What one revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarChange {
    /// The built-in days of a year were loaded.
    Seed,
    /// An admin added a day.
    Add,
    /// An admin changed a day.
    Edit,
    /// An admin removed a day.
    Remove,
    /// An admin confirmed a year's estimated days.
    ConfirmYear,
}

impl CalendarChange {
    /// The storage code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seed => "seed",
            Self::Add => "add",
            Self::Edit => "edit",
            Self::Remove => "remove",
            Self::ConfirmYear => "confirm_year",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "seed" => Some(Self::Seed),
            "add" => Some(Self::Add),
            "edit" => Some(Self::Edit),
            "remove" => Some(Self::Remove),
            "confirm_year" => Some(Self::ConfirmYear),
            _ => None,
        }
    }

    /// The protobuf value.
    pub fn to_proto(self) -> pb::CalendarChange {
        match self {
            Self::Seed => pb::CalendarChange::Seed,
            Self::Add => pb::CalendarChange::Add,
            Self::Edit => pb::CalendarChange::Edit,
            Self::Remove => pb::CalendarChange::Remove,
            Self::ConfirmYear => pb::CalendarChange::ConfirmYear,
        }
    }
}

/// One change of the calendar; revision N made version N.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRevision {
    pub revision: i64,
    pub changed_at: Timestamp,
    /// The admin; `None` when the service loaded built-in days.
    pub changed_by: Option<Uuid>,
    pub change: CalendarChange,
    pub year: i16,
    /// The day as it became (add, edit).
    pub day: Option<SpecialDay>,
    /// The day as it was (edit, remove).
    pub previous: Option<SpecialDay>,
    /// Days loaded (seed) or confirmed (confirm).
    pub day_count: u32,
    pub reason: Option<String>,
}

/// Who changes the calendar, when, against which version, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEdit {
    pub by: Uuid,
    pub at: Timestamp,
    /// The version the admin saw.
    pub expected_version: i64,
    pub reason: Option<String>,
}

/// Parses a year, 2000–2100.
///
/// # Errors
/// Outside the range, on `field`.
pub fn parse_year(field: &str, raw: i32) -> Result<i16, FieldError> {
    i16::try_from(raw)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| FieldError::new(field, "must be a year from 2000 to 2100"))
}

/// Parses a date `YYYY-MM-DD` in 2000–2100.
///
/// # Errors
/// Not such a date, on `field`.
pub fn parse_date(field: &str, raw: &str) -> Result<Date, FieldError> {
    let raw = raw.trim();
    // jiff also reads other ISO 8601 spellings; the wire format is exactly this one.
    let shaped = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    let date: Date = raw
        .parse()
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| FieldError::new(field, "must be a date YYYY-MM-DD"))?;
    if !YEARS.contains(&date.year()) {
        return Err(FieldError::new(field, "must be in the years 2000 to 2100"));
    }
    Ok(date)
}

/// Parses a day's name: trimmed, NFC, 1 to 100 characters.
///
/// # Errors
/// Empty or too long, on `field`.
pub fn parse_name(field: &str, raw: &str) -> Result<String, FieldError> {
    use unicode_normalization::UnicodeNormalization as _;
    let name: String = raw.trim().nfc().collect();
    if name.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(FieldError::new(field, "must be at most 100 characters"));
    }
    Ok(name)
}

/// Parses an optional reason: trimmed, at most 500 characters; empty is none.
///
/// # Errors
/// Too long, on `field`.
pub fn parse_reason(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    use unicode_normalization::UnicodeNormalization as _;
    let reason: String = raw.trim().nfc().collect();
    if reason.chars().count() > REASON_MAX {
        return Err(FieldError::new(field, "must be at most 500 characters"));
    }
    Ok((!reason.is_empty()).then_some(reason))
}

/// Parses an expected version: not negative.
///
/// # Errors
/// Negative, on `field`.
pub fn parse_version(field: &str, raw: i64) -> Result<i64, FieldError> {
    if raw < 0 {
        return Err(FieldError::new(field, "must not be negative"));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd_within_2000_to_2100() {
        assert_eq!(
            parse_date("d", " 2026-05-26 ").unwrap(),
            jiff::civil::date(2026, 5, 26)
        );
        for bad in [
            "",
            "26.05.2026",
            "2026-5-26",
            "2026-02-30",
            "1999-12-31",
            "2101-01-01",
            "2026-05-26T00:00",
        ] {
            assert!(parse_date("d", bad).is_err(), "{bad}");
        }
        assert!(parse_date("d", "2000-01-01").is_ok());
        assert!(parse_date("d", "2100-12-31").is_ok());
    }

    #[test]
    fn years_outside_2000_to_2100_are_refused() {
        assert_eq!(parse_year("y", 2026).unwrap(), 2026);
        for bad in [0, 1999, 2101, i32::MAX, -2026] {
            assert!(parse_year("y", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_required_and_bounded() {
        assert_eq!(parse_name("n", "  İdari izin ").unwrap(), "İdari izin");
        assert!(parse_name("n", "   ").is_err());
        assert!(parse_name("n", &"ş".repeat(101)).is_err());
        assert!(parse_name("n", &"ş".repeat(100)).is_ok());
    }

    #[test]
    fn an_empty_reason_is_none_and_a_long_one_is_refused() {
        assert_eq!(parse_reason("r", "  ").unwrap(), None);
        assert_eq!(
            parse_reason("r", " Genelge ").unwrap().as_deref(),
            Some("Genelge")
        );
        assert!(parse_reason("r", &"a".repeat(501)).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for k in [
            DayKind::Holiday,
            DayKind::HalfDay,
            DayKind::AdministrativeLeave,
        ] {
            assert_eq!(DayKind::from_code(k.as_str()), Some(k));
            assert_eq!(DayKind::from_proto(k.to_proto() as i32), Some(k));
        }
        assert_eq!(DayKind::from_proto(0), None);
        for c in [
            CalendarChange::Seed,
            CalendarChange::Add,
            CalendarChange::Edit,
            CalendarChange::Remove,
            CalendarChange::ConfirmYear,
        ] {
            assert_eq!(CalendarChange::from_code(c.as_str()), Some(c));
        }
    }
}
