//! Escalation: how far a case's due dates have gone, decided from the due
//! value, the instant, the working-day calendar and the thresholds (all
//! settings). No I/O: the scheduler ([`crate::escalation`]) asks this
//! module which stages a case has reached and records each once; the lists
//! ask it where a case stands as they read it.
//!
//! - A **legal** due date is an Istanbul day, due by its end: the case is
//!   *approaching* from `approaching_working_days` working days before it
//!   (the due day itself included), *overdue* from the next day, and
//!   *escalated* once it is `escalate_after_working_days` working days
//!   overdue.
//! - An **internal** target is an instant (round the clock: a water fault's
//!   4 hours run through the night): *approaching* `approaching_hours`
//!   before it, *overdue* at it, *escalated* `escalate_after_hours` after it.

use jiff::{SignedDuration, Timestamp, civil::Date};

/// Which of a case's due dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// The legal due date.
    Legal,
    /// The institution's internal target.
    Internal,
}

impl DeadlineKind {
    /// The storage code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legal => "legal",
            Self::Internal => "internal",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "legal" => Some(Self::Legal),
            "internal" => Some(Self::Internal),
            _ => None,
        }
    }
}

/// How far a deadline has gone, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Within the warning threshold: the holder is warned (the pool
    /// manager when nobody holds the case).
    Approaching,
    /// Past due: the pool manager is warned.
    Overdue,
    /// Overdue longer than the threshold: the directorate manager is warned.
    Escalated,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Self; 3] = [Self::Approaching, Self::Overdue, Self::Escalated];

    /// The storage code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approaching => "approaching",
            Self::Overdue => "overdue",
            Self::Escalated => "escalated",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }
}

/// One due value of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Due by the end of this Istanbul day.
    Legal(Date),
    /// Due at this instant.
    Internal(Timestamp),
}

impl Due {
    /// Which deadline.
    pub fn kind(self) -> DeadlineKind {
        match self {
            Self::Legal(_) => DeadlineKind::Legal,
            Self::Internal(_) => DeadlineKind::Internal,
        }
    }

    /// The stored form: `YYYY-MM-DD`, or the instant in RFC 3339 (UTC).
    /// Part of the once-only key, so one value always reads the same.
    pub fn value(self) -> String {
        match self {
            Self::Legal(d) => d.to_string(),
            Self::Internal(t) => t.to_string(),
        }
    }
}

/// The escalation thresholds (settings `case.escalation.*`, validated there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A legal due date is near this many working days before it (1: on
    /// the due day only).
    pub approaching_working_days: u32,
    /// An overdue legal due date escalates after this many working days.
    pub escalate_after_working_days: u32,
    /// An internal target is near this many hours before it.
    pub approaching_hours: u32,
    /// An overdue internal target escalates after this many hours.
    pub escalate_after_hours: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            approaching_working_days: 3,
            escalate_after_working_days: 5,
            approaching_hours: 2,
            escalate_after_hours: 8,
        }
    }
}

/// Where a case stands against its due dates when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// The most advanced stage of either deadline; `None` while none is near.
    pub stage: Option<Stage>,
    /// Working days past the legal due date (negative: left).
    pub legal_working_days_late: Option<i32>,
    /// Minutes past the internal target (negative: left).
    pub internal_minutes_late: Option<i64>,
}

/// An internal target's lateness in whole minutes (negative: left).
fn minutes_late(due: Timestamp, now: Timestamp) -> i64 {
    let d: SignedDuration = now.duration_since(due);
    d.as_secs().div_euclid(60)
}
