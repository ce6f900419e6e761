//! Escalation: how far a case's due dates have gone, decided from the due
//! value, the instant, the working-day calendar and the thresholds (all
//! settings). No I/O: the scheduler ([`crate::escalation`]) asks this
//! module which stages a case has reached and records each once; the lists
//! ask it where a case stands as they read it.
//!
//! Two warnings go out before a due date, as the issue orders them: first
//! to the holder (*approaching*), then to the pool manager (*imminent*);
//! after it, the pool manager (*overdue*), then the directorate manager
//! (*escalated*).
//!
//! - A **legal** due date is an Istanbul day, due by its end: the case is
//!   *approaching* from `approaching_working_days` working days before it
//!   (the due day itself included), *imminent* from
//!   `manager_warning_working_days` before it, *overdue* from the next day,
//!   and *escalated* once it is `escalate_after_working_days` working days
//!   overdue.
//! - An **internal** target is an instant (round the clock: a water fault's
//!   4 hours run through the night): *approaching* `approaching_hours`
//!   before it, *imminent* `manager_warning_hours` before it, *overdue* at
//!   it, *escalated* `escalate_after_hours` after it.

use jiff::{SignedDuration, Timestamp, civil::Date};
use tekmerkez_workdays::{Calendar, istanbul_date};

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
    /// Within the second, closer threshold and still open: the pool
    /// manager is warned before the due date passes.
    Imminent,
    /// Past due: the pool manager is warned.
    Overdue,
    /// Overdue longer than the threshold: the directorate manager is warned.
    Escalated,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Self; 4] = [
        Self::Approaching,
        Self::Imminent,
        Self::Overdue,
        Self::Escalated,
    ];

    /// The storage code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approaching => "approaching",
            Self::Imminent => "imminent",
            Self::Overdue => "overdue",
            Self::Escalated => "escalated",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// Whether the stage is a warning before the due date (moot once it
    /// has passed).
    pub fn is_before_due(self) -> bool {
        self < Self::Overdue
    }

    /// Who is warned at this stage.
    pub fn recipient(self, held: bool) -> Recipient {
        match self {
            Self::Approaching if held => Recipient::Holder,
            Self::Approaching | Self::Imminent | Self::Overdue => Recipient::PoolManager,
            Self::Escalated => Recipient::DirectorateManager,
        }
    }
}

/// Who a stage's warning is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// The expert or agent holding the case.
    Holder,
    /// The managers of the case's pool.
    PoolManager,
    /// The manager of the pool's directorate.
    DirectorateManager,
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

    /// The stored form, part of the once-only key: `YYYY-MM-DD`, or the
    /// instant's microseconds since the epoch, as the case's own columns
    /// hold them (so a query can tell a fully escalated due value apart).
    pub fn key(self) -> String {
        match self {
            Self::Legal(d) => d.to_string(),
            Self::Internal(t) => t.as_microsecond().to_string(),
        }
    }

    /// The value for people: `YYYY-MM-DD`, or the instant in RFC 3339 (UTC).
    pub fn display(self) -> String {
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
    /// The pool manager's warning, this many working days before it (1:
    /// on the due day); at most `approaching_working_days`.
    pub manager_warning_working_days: u32,
    /// An overdue legal due date escalates after this many working days.
    pub escalate_after_working_days: u32,
    /// An internal target is near this many hours before it.
    pub approaching_hours: u32,
    /// The pool manager's warning, this many hours before an internal
    /// target; at most `approaching_hours`.
    pub manager_warning_hours: u32,
    /// An overdue internal target escalates after this many hours.
    pub escalate_after_hours: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            approaching_working_days: 3,
            manager_warning_working_days: 1,
            escalate_after_working_days: 5,
            approaching_hours: 2,
            manager_warning_hours: 1,
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

/// Half-day eves count as working days when thresholds are counted: the
/// office is open that morning, as the Clarifications count them for due
/// dates.
const HALF_DAYS_COUNT: bool = true;

/// An internal target's lateness in whole minutes (negative: left).
fn minutes_late(due: Timestamp, now: Timestamp) -> i64 {
    let d: SignedDuration = now.duration_since(due);
    d.as_secs().div_euclid(60)
}

fn hours(h: u32) -> SignedDuration {
    SignedDuration::from_hours(i64::from(h))
}

/// The stage `due` has reached at `now`; `None` while it is not near.
pub fn stage_at(due: Due, now: Timestamp, cal: &Calendar, t: &Thresholds) -> Option<Stage> {
    match due {
        Due::Legal(date) => {
            let today = istanbul_date(now);
            if today > date {
                let late = cal.working_days_between(date, today, HALF_DAYS_COUNT);
                Some(if late >= t.escalate_after_working_days {
                    Stage::Escalated
                } else {
                    Stage::Overdue
                })
            } else {
                // With 3: on the due day and the two working days before it.
                let ahead = cal.working_days_between(today, date, HALF_DAYS_COUNT);
                if ahead < t.manager_warning_working_days {
                    Some(Stage::Imminent)
                } else if ahead < t.approaching_working_days {
                    Some(Stage::Approaching)
                } else {
                    None
                }
            }
        }
        Due::Internal(at) => {
            if now
                >= at
                    .saturating_add(hours(t.escalate_after_hours))
                    .unwrap_or(at)
            {
                Some(Stage::Escalated)
            } else if now >= at {
                Some(Stage::Overdue)
            } else if now
                >= at
                    .saturating_sub(hours(t.manager_warning_hours))
                    .unwrap_or(at)
            {
                Some(Stage::Imminent)
            } else if now >= at.saturating_sub(hours(t.approaching_hours)).unwrap_or(at) {
                Some(Stage::Approaching)
            } else {
                None
            }
        }
    }
}

/// The stages to record for `due` at `now`, in order, given those already
/// `recorded` for this very due value. A stage passed unrecorded (the
/// scheduler was down, or the case came in late) is caught up, except the
/// moot warnings before the due date: once it has passed, telling anyone
/// it is near says nothing, and the overdue warning goes out instead.
pub fn stages_to_record(
    due: Due,
    now: Timestamp,
    cal: &Calendar,
    t: &Thresholds,
    recorded: &[Stage],
) -> Vec<Stage> {
    let Some(reached) = stage_at(due, now, cal, t) else {
        return Vec::new();
    };
    Stage::ALL
        .into_iter()
        .filter(|s| *s <= reached && !recorded.contains(s))
        .filter(|s| !s.is_before_due() || reached.is_before_due())
        .collect()
}

/// Where a case with these due values stands at `now`.
pub fn standing(
    legal: Option<Date>,
    internal: Option<Timestamp>,
    now: Timestamp,
    cal: &Calendar,
    t: &Thresholds,
) -> Standing {
    let stage = [legal.map(Due::Legal), internal.map(Due::Internal)]
        .into_iter()
        .flatten()
        .filter_map(|d| stage_at(d, now, cal, t))
        .max();
    Standing {
        stage,
        legal_working_days_late: legal.map(|d| working_days_late(d, now, cal)),
        internal_minutes_late: internal.map(|at| minutes_late(at, now)),
    }
}

/// Working days past a legal due date (negative: working days left, the
/// due day itself counted as left while it lasts).
pub fn working_days_late(due: Date, now: Timestamp, cal: &Calendar) -> i32 {
    let today = istanbul_date(now);
    let n = |from, to| {
        i32::try_from(cal.working_days_between(from, to, HALF_DAYS_COUNT)).unwrap_or(i32::MAX)
    };
    if today > due {
        n(due, today)
    } else {
        // Due today: 0 left after today, so -1 would mislead; a day that
        // still lasts counts as one left.
        -(n(today, due) + 1)
    }
}

/// The latest legal due date that is near at `now` (a due date on or
/// before it is approaching or past): what the lists and the scheduler
/// select by.
pub fn legal_near_by(now: Timestamp, cal: &Calendar, t: &Thresholds) -> Date {
    let today = istanbul_date(now);
    match t.approaching_working_days {
        0 => today.yesterday().unwrap_or(today),
        n => cal.add_working_days(today, n - 1, HALF_DAYS_COUNT),
    }
}

/// The latest internal target that is near at `now`.
pub fn internal_near_by(now: Timestamp, t: &Thresholds) -> Timestamp {
    now.saturating_add(hours(t.approaching_hours))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn t() -> Thresholds {
        Thresholds {
            approaching_working_days: 3,
            manager_warning_working_days: 1,
            escalate_after_working_days: 2,
            approaching_hours: 2,
            manager_warning_hours: 1,
            escalate_after_hours: 4,
        }
    }

    #[test]
    fn a_legal_due_date_nears_passes_and_escalates_by_istanbul_working_days() {
        let cal = Calendar::builtin();
        // Due Friday 13 March 2026, a plain week.
        let due = Due::Legal(date("2026-03-13"));
        let stage = |s: &str| stage_at(due, at(s), &cal, &t());
        // Monday 9 March: 4 working days ahead (10, 11, 12, 13) - not near.
        assert_eq!(stage("2026-03-09T09:00:00Z"), None);
        // Wednesday 11 March: 12 and 13 ahead → within 3 working days.
        assert_eq!(stage("2026-03-11T09:00:00Z"), Some(Stage::Approaching));
        // Thursday 12 March: the holder's warning still.
        assert_eq!(stage("2026-03-12T09:00:00Z"), Some(Stage::Approaching));
        // The due day itself, from Istanbul's midnight (21:00 UTC the day
        // before): the pool manager's warning, to its last minute.
        assert_eq!(stage("2026-03-12T20:59:00Z"), Some(Stage::Approaching));
        assert_eq!(stage("2026-03-12T21:00:00Z"), Some(Stage::Imminent));
        assert_eq!(stage("2026-03-13T20:59:00Z"), Some(Stage::Imminent));
        // Istanbul midnight: overdue, although it is still the 13th in UTC.
        assert_eq!(stage("2026-03-13T21:00:00Z"), Some(Stage::Overdue));
        // The weekend does not count: Monday 16 is 1 working day late.
        assert_eq!(stage("2026-03-16T09:00:00Z"), Some(Stage::Overdue));
        // Tuesday 17: 2 working days late → escalated.
        assert_eq!(stage("2026-03-17T09:00:00Z"), Some(Stage::Escalated));
        assert_eq!(
            working_days_late(date("2026-03-13"), at("2026-03-17T09:00:00Z"), &cal),
            2
        );
        assert_eq!(
            working_days_late(date("2026-03-13"), at("2026-03-11T09:00:00Z"), &cal),
            -3
        );
    }

    #[test]
    fn holidays_do_not_count_towards_the_escalation_threshold() {
        let cal = Calendar::builtin();
        // Due Wednesday 18 March 2026; 19 March is the Ramazan Bayramı eve
        // (a half day, counted), 20 March the bayram (not counted), then
        // the weekend.
        let due = Due::Legal(date("2026-03-18"));
        assert_eq!(
            stage_at(due, at("2026-03-19T09:00:00Z"), &cal, &t()),
            Some(Stage::Overdue)
        );
        assert_eq!(
            stage_at(due, at("2026-03-22T09:00:00Z"), &cal, &t()),
            Some(Stage::Overdue)
        );
        assert_eq!(
            stage_at(due, at("2026-03-23T09:00:00Z"), &cal, &t()),
            Some(Stage::Escalated)
        );
    }

    #[test]
    fn an_internal_target_runs_round_the_clock_in_hours() {
        let cal = Calendar::builtin();
        let due = Due::Internal(at("2026-03-14T02:00:00Z"));
        let stage = |s: &str| stage_at(due, at(s), &cal, &t());
        assert_eq!(stage("2026-03-13T23:59:00Z"), None);
        assert_eq!(stage("2026-03-14T00:00:00Z"), Some(Stage::Approaching));
        assert_eq!(stage("2026-03-14T00:59:00Z"), Some(Stage::Approaching));
        assert_eq!(stage("2026-03-14T01:00:00Z"), Some(Stage::Imminent));
        assert_eq!(stage("2026-03-14T02:00:00Z"), Some(Stage::Overdue));
        assert_eq!(stage("2026-03-14T06:00:00Z"), Some(Stage::Escalated));
        let s = standing(
            None,
            Some(at("2026-03-14T02:00:00Z")),
            at("2026-03-14T03:30:00Z"),
            &cal,
            &t(),
        );
        assert_eq!(
            (s.stage, s.internal_minutes_late),
            (Some(Stage::Overdue), Some(90))
        );
    }

    #[test]
    fn catching_up_records_every_passed_stage_once_but_not_a_moot_warning() {
        let cal = Calendar::builtin();
        let due = Due::Legal(date("2026-03-13"));
        let late = at("2026-03-17T09:00:00Z");
        assert_eq!(
            stages_to_record(due, late, &cal, &t(), &[]),
            [Stage::Overdue, Stage::Escalated],
            "the warnings before the due date are moot once it has passed"
        );
        assert_eq!(
            stages_to_record(due, late, &cal, &t(), &[Stage::Approaching, Stage::Overdue]),
            [Stage::Escalated]
        );
        assert!(stages_to_record(due, late, &cal, &t(), &Stage::ALL).is_empty());
        assert_eq!(
            stages_to_record(due, at("2026-03-12T09:00:00Z"), &cal, &t(), &[]),
            [Stage::Approaching]
        );
        // Down until the due day: both warnings before it still say
        // something, the holder's and the pool manager's.
        let due_day = at("2026-03-13T09:00:00Z");
        assert_eq!(
            stages_to_record(due, due_day, &cal, &t(), &[]),
            [Stage::Approaching, Stage::Imminent]
        );
        assert_eq!(
            stages_to_record(due, due_day, &cal, &t(), &[Stage::Approaching]),
            [Stage::Imminent]
        );
    }

    #[test]
    fn the_holder_is_warned_first_then_the_pool_manager_then_the_directorate() {
        assert_eq!(Stage::Approaching.recipient(true), Recipient::Holder);
        assert_eq!(Stage::Approaching.recipient(false), Recipient::PoolManager);
        assert_eq!(Stage::Imminent.recipient(true), Recipient::PoolManager);
        assert_eq!(Stage::Overdue.recipient(true), Recipient::PoolManager);
        assert_eq!(
            Stage::Escalated.recipient(true),
            Recipient::DirectorateManager
        );
    }

    #[test]
    fn the_near_bounds_select_exactly_the_due_dates_that_are_near() {
        let cal = Calendar::builtin();
        let now = at("2026-03-11T09:00:00Z");
        assert_eq!(legal_near_by(now, &cal, &t()), date("2026-03-13"));
        for d in ["2026-03-12", "2026-03-13", "2026-03-16", "2026-03-10"] {
            let near = stage_at(Due::Legal(date(d)), now, &cal, &t()).is_some();
            assert_eq!(near, date(d) <= legal_near_by(now, &cal, &t()), "{d}");
        }
        assert_eq!(internal_near_by(now, &t()), at("2026-03-11T11:00:00Z"));
    }
}
