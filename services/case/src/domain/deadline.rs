//! Deadline policies and the due dates they give a case.
//!
//! A policy is admin-editable data keyed by (source, application type,
//! category), each part optional ("any"). Every value a policy can state —
//! the legal period, the internal target, the 4982 extension, the note
//! rule — is taken from the **most specific policy that states it**, so a
//! category policy that only sets an internal target (su arızası, 4 hours
//! round the clock) leaves the legal period to the type or source policy.
//! Specificity follows the Clarifications: source + type + category,
//! then source + type, then type, then the default; a key part ranks
//! category > type > source, so a CİMER 4982 request keeps the 15 working
//! days of its type rather than CİMER's 30 days.
//!
//! Counting (Clarifications): the filing day is not counted, the period
//! starts the next day, a deadline on a weekend or holiday moves to the next
//! working day, Europe/Istanbul dates; half-day eves count as working days
//! unless the policy says otherwise. The arithmetic is `tekmerkez_workdays`.

use jiff::{SignedDuration, Timestamp, civil::Date};
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use tekmerkez_workdays::{Calendar, DayKind, istanbul, istanbul_date};

/// Working hours of the institution's offices (Istanbul time): an internal
/// target "n working hours" counts only these. A half-day eve ends at noon
/// (the afternoon is off by the government's circular).
const WORK_START: (i8, i8) = (8, 30);
const WORK_END: (i8, i8) = (17, 30);
const HALF_DAY_END: (i8, i8) = (12, 30);

/// How days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Every day; a period ending on a non-working day moves to the next working day.
    Calendar,
    /// Working days only (weekends, holidays and idari izin skipped).
    Working,
}

impl DayCount {
    /// Every value.
    pub const ALL: [Self; 2] = [Self::Calendar, Self::Working];

    /// The storage code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Working => "working",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// The unit of an internal target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetUnit {
    /// Hours round the clock (7/24).
    Hours,
    /// Hours within office hours on working days.
    WorkingHours,
    /// Working days.
    WorkingDays,
    /// Calendar days (rolled forward to a working day).
    CalendarDays,
}

impl TargetUnit {
    /// Every value.
    pub const ALL: [Self; 4] = [
        Self::Hours,
        Self::WorkingHours,
        Self::WorkingDays,
        Self::CalendarDays,
    ];

    /// The storage code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::WorkingHours => "working_hours",
            Self::WorkingDays => "working_days",
            Self::CalendarDays => "calendar_days",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// A legal period: `days` counted as `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegalPeriod {
    pub days: u32,
    pub count: DayCount,
    /// Whether half-day eves count as working days (the default).
    pub half_days_count: bool,
}

/// An internal target: `n` of `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InternalTarget {
    pub n: u32,
    pub unit: TargetUnit,
}

/// The note rule (seed 000: a record longer than `days` days in its pool
/// needs a note before it is closed), stating which days it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteRule {
    pub days: u32,
    pub count: DayCount,
}

impl NoteRule {
    /// Seed 000's rule, the built-in value when no policy states one:
    /// more than 3 calendar days.
    pub const SEED: NoteRule = NoteRule {
        days: 3,
        count: DayCount::Calendar,
    };
}

/// What a policy applies to; `None` is "any".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PolicyKey {
    pub source: Option<ApplicationSource>,
    pub application_type: Option<ApplicationType>,
    /// Category code.
    pub category: Option<String>,
}

impl PolicyKey {
    /// How specific the key is: category 4, type 2, source 1, summed, so
    /// source+type+category > … > source+type > type > source > default.
    pub fn specificity(&self) -> u8 {
        u8::from(self.category.is_some()) * 4
            + u8::from(self.application_type.is_some()) * 2
            + u8::from(self.source.is_some())
    }

    /// Whether the key covers an application of these keys.
    pub fn matches(
        &self,
        source: Option<ApplicationSource>,
        application_type: Option<ApplicationType>,
        category: &str,
    ) -> bool {
        self.source.is_none_or(|s| Some(s) == source)
            && self
                .application_type
                .is_none_or(|t| Some(t) == application_type)
            && self.category.as_deref().is_none_or(|c| c == category)
    }
}

/// One deadline policy: the values it states (`None`: taken from a less
/// specific policy).
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlinePolicy {
    pub key: PolicyKey,
    pub legal: Option<LegalPeriod>,
    pub internal: Option<InternalTarget>,
    /// Working days the legal due date may be extended by, once (Law 4982
    /// art. 11: 15). `Some(0)` states "not extendable".
    pub extension_days: Option<u32>,
    pub note_rule: Option<NoteRule>,
}

/// What the policies give one application: each value from the most
/// specific policy stating it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub legal: Option<LegalPeriod>,
    pub internal: Option<InternalTarget>,
    /// Working days of the one allowed extension; 0 when none.
    pub extension_days: u32,
    pub note_rule: NoteRule,
}

/// The values for an application of `source`, `application_type` and
/// `category` under `policies` (any order).
pub fn resolve(
    policies: &[DeadlinePolicy],
    source: Option<ApplicationSource>,
    application_type: Option<ApplicationType>,
    category: &str,
) -> Resolved {
    let mut matching: Vec<&DeadlinePolicy> = policies
        .iter()
        .filter(|p| p.key.matches(source, application_type, category))
        .collect();
    matching.sort_by_key(|p| std::cmp::Reverse(p.key.specificity()));
    Resolved {
        legal: matching.iter().find_map(|p| p.legal),
        internal: matching.iter().find_map(|p| p.internal),
        extension_days: matching.iter().find_map(|p| p.extension_days).unwrap_or(0),
        note_rule: matching
            .iter()
            .find_map(|p| p.note_rule)
            .unwrap_or(NoteRule::SEED),
    }
}

/// The policies a new installation starts with (the migration inserts the
/// same rows): Law 3071's 30 days by default, Law 4982's 15 working days
/// extendable once by 15 for `bilgi_edinme`, CİMER's 30 days, a water fault
/// within 4 hours round the clock, seed 000's 3 calendar days note rule.
pub fn seed() -> Vec<DeadlinePolicy> {
    vec![
        DeadlinePolicy {
            key: PolicyKey::default(),
            legal: Some(LegalPeriod {
                days: 30,
                count: DayCount::Calendar,
                half_days_count: true,
            }),
            internal: None,
            extension_days: Some(0),
            note_rule: Some(NoteRule::SEED),
        },
        DeadlinePolicy {
            key: PolicyKey {
                application_type: Some(ApplicationType::BilgiEdinme),
                ..PolicyKey::default()
            },
            legal: Some(LegalPeriod {
                days: 15,
                count: DayCount::Working,
                half_days_count: true,
            }),
            internal: None,
            extension_days: Some(15),
            note_rule: None,
        },
        DeadlinePolicy {
            key: PolicyKey {
                source: Some(ApplicationSource::Cimer),
                ..PolicyKey::default()
            },
            legal: Some(LegalPeriod {
                days: 30,
                count: DayCount::Calendar,
                half_days_count: true,
            }),
            internal: None,
            extension_days: None,
            note_rule: None,
        },
        DeadlinePolicy {
            key: PolicyKey {
                category: Some("su_arizasi".to_owned()),
                ..PolicyKey::default()
            },
            legal: None,
            internal: Some(InternalTarget {
                n: 4,
                unit: TargetUnit::Hours,
            }),
            extension_days: None,
            note_rule: None,
        },
    ]
}

/// The due dates of an application filed at `filed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDates {
    /// Due by the end of this Istanbul day.
    pub legal_due_date: Option<Date>,
    pub internal_due_at: Option<Timestamp>,
}

impl Resolved {
    /// The due dates of an application filed at `filed`.
    pub fn due_dates(&self, calendar: &Calendar, filed: Timestamp) -> DueDates {
        let day = istanbul_date(filed);
        DueDates {
            legal_due_date: self.legal.map(|l| legal_due_date(calendar, day, l)),
            internal_due_at: self.internal.map(|t| internal_due_at(calendar, filed, t)),
        }
    }
}

/// What a new case takes from its policy: its due dates for its filing
/// time, the extension it allows and its note rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDeadlines {
    pub legal_due_date: Option<Date>,
    pub internal_due_at: Option<Timestamp>,
    pub extension_days: u32,
    pub note_rule: NoteRule,
}

impl Resolved {
    /// What a case filed at `filed` takes from these values.
    pub fn for_case(&self, calendar: &Calendar, filed: Timestamp) -> CaseDeadlines {
        let due = self.due_dates(calendar, filed);
        CaseDeadlines {
            legal_due_date: due.legal_due_date,
            internal_due_at: due.internal_due_at,
            extension_days: self.extension_days,
            note_rule: self.note_rule,
        }
    }
}

/// The legal due date of a period starting the day after `filed`.
pub fn legal_due_date(calendar: &Calendar, filed: Date, p: LegalPeriod) -> Date {
    match p.count {
        DayCount::Working => calendar.add_working_days(filed, p.days, p.half_days_count),
        DayCount::Calendar => {
            let due = calendar.add_calendar_days(filed, p.days);
            // The calendar rolls onto half-day eves; a policy that does not
            // count them rolls on to a whole working day.
            roll_to_working(calendar, due, p.half_days_count)
        }
    }
}

fn roll_to_working(calendar: &Calendar, mut d: Date, half_days_count: bool) -> Date {
    while !calendar.is_working_day(d, half_days_count) {
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    d
}

/// The end of Istanbul day `d` (the first instant of the next day).
pub fn end_of_day(d: Date) -> Option<Timestamp> {
    d.tomorrow()
        .ok()?
        .to_zoned(istanbul().clone())
        .ok()
        .map(|z| z.timestamp())
}

/// The internal target of an application filed at `filed`.
pub fn internal_due_at(calendar: &Calendar, filed: Timestamp, t: InternalTarget) -> Timestamp {
    let day = istanbul_date(filed);
    match t.unit {
        TargetUnit::Hours => filed
            .checked_add(SignedDuration::from_hours(i64::from(t.n)))
            .ok(),
        TargetUnit::WorkingHours => add_working_hours(calendar, filed, t.n),
        TargetUnit::WorkingDays => end_of_day(calendar.add_working_days(day, t.n, true)),
        TargetUnit::CalendarDays => end_of_day(calendar.add_calendar_days(day, t.n)),
    }
    .unwrap_or(filed)
}

/// `filed` plus `hours` of office time: only working days' office hours
/// count (a half-day eve's morning).
fn add_working_hours(calendar: &Calendar, filed: Timestamp, hours: u32) -> Option<Timestamp> {
    let tz = istanbul();
    let mut left = SignedDuration::from_hours(i64::from(hours));
    let mut day = istanbul_date(filed);
    // A year of days is more than any target needs; the bound keeps a
    // calendar with no working day from looping.
    for _ in 0..400 {
        if calendar.is_working_day(day, true) {
            let end_hm = match calendar.special_day(day).map(|s| s.kind) {
                Some(DayKind::HalfDay) => HALF_DAY_END,
                _ => WORK_END,
            };
            let open = day
                .at(WORK_START.0, WORK_START.1, 0, 0)
                .to_zoned(tz.clone())
                .ok()?
                .timestamp();
            let close = day
                .at(end_hm.0, end_hm.1, 0, 0)
                .to_zoned(tz.clone())
                .ok()?
                .timestamp();
            let from = open.max(filed);
            if from < close {
                let available = from.duration_until(close);
                if left <= available {
                    return from.checked_add(left).ok();
                }
                left -= available;
            }
        }
        day = day.tomorrow().ok()?;
    }
    None
}

/// Working days from `today` to `due` (negative when past): what the
/// record page shows as "days left". Due today is 0.
pub fn working_days_left(calendar: &Calendar, today: Date, due: Date) -> i64 {
    if due >= today {
        i64::from(calendar.working_days_between(today, due, true))
    } else {
        -i64::from(calendar.working_days_between(due, today, true))
    }
}

/// Whole days from `from` to `to` under `count` (zero when `to` is not later).
pub fn days_between(calendar: &Calendar, from: Date, to: Date, count: DayCount) -> u32 {
    if to <= from {
        return 0;
    }
    match count {
        DayCount::Working => calendar.working_days_between(from, to, true),
        DayCount::Calendar => from
            .until(to)
            .map(|s| u32::try_from(s.get_days()).unwrap_or(0))
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: Option<ApplicationSource>, t: Option<ApplicationType>, c: Option<&str>) -> PolicyKey {
        PolicyKey {
            source: s,
            application_type: t,
            category: c.map(str::to_owned),
        }
    }

    fn legal(days: u32) -> Option<LegalPeriod> {
        Some(LegalPeriod {
            days,
            count: DayCount::Calendar,
            half_days_count: true,
        })
    }

    fn only_legal(k: PolicyKey, days: u32) -> DeadlinePolicy {
        DeadlinePolicy {
            key: k,
            legal: legal(days),
            internal: None,
            extension_days: None,
            note_rule: None,
        }
    }

    #[test]
    fn the_most_specific_policy_wins() {
        use ApplicationSource::{AcikKapi, Cimer, Direct};
        use ApplicationType::{BilgiEdinme, Sikayet, Talep};
        let policies = vec![
            only_legal(key(None, None, None), 1),
            only_legal(key(None, Some(Talep), None), 2),
            only_legal(key(Some(Cimer), Some(Talep), None), 3),
            only_legal(key(Some(Cimer), Some(Talep), Some("su_arizasi")), 4),
            only_legal(key(Some(Cimer), None, None), 5),
            only_legal(key(None, None, Some("yol")), 6),
            only_legal(key(None, Some(BilgiEdinme), None), 7),
        ];
        let table: &[(
            Option<ApplicationSource>,
            Option<ApplicationType>,
            &str,
            u32,
        )] = &[
            // source + type + category
            (Some(Cimer), Some(Talep), "su_arizasi", 4),
            // source + type
            (Some(Cimer), Some(Talep), "cop", 3),
            // type
            (Some(Direct), Some(Talep), "cop", 2),
            (Some(AcikKapi), Some(Talep), "su_arizasi", 2),
            // source only
            (Some(Cimer), Some(Sikayet), "cop", 5),
            // a type outranks a source: a CİMER 4982 request keeps 4982's period
            (Some(Cimer), Some(BilgiEdinme), "cop", 7),
            // a category outranks source + type
            (Some(Cimer), Some(Talep), "yol", 6),
            // default
            (Some(Direct), Some(Sikayet), "cop", 1),
            (None, None, "cop", 1),
        ];
        for (s, t, c, want) in table {
            let got = resolve(&policies, *s, *t, c).legal.map(|l| l.days);
            assert_eq!(got, Some(*want), "{s:?} {t:?} {c}");
        }
    }

    #[test]
    fn each_value_comes_from_the_most_specific_policy_stating_it() {
        let r = resolve(
            &seed(),
            Some(ApplicationSource::Cimer),
            Some(ApplicationType::Sikayet),
            "su_arizasi",
        );
        assert_eq!(
            r.legal.map(|l| (l.days, l.count)),
            Some((30, DayCount::Calendar))
        );
        assert_eq!(
            r.internal,
            Some(InternalTarget {
                n: 4,
                unit: TargetUnit::Hours
            })
        );
        assert_eq!(r.extension_days, 0);
        assert_eq!(r.note_rule, NoteRule::SEED);
        let r = resolve(&seed(), None, Some(ApplicationType::BilgiEdinme), "cop");
        assert_eq!(
            r.legal.map(|l| (l.days, l.count)),
            Some((15, DayCount::Working))
        );
        assert_eq!(r.extension_days, 15);
        assert_eq!(r.internal, None);
    }

    #[test]
    fn no_policy_at_all_keeps_the_seed_note_rule_and_no_due_date() {
        let r = resolve(&[], None, None, "x");
        assert_eq!(r.legal, None);
        assert_eq!(r.note_rule, NoteRule::SEED);
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_days_roll_to_a_working_day_and_working_days_skip_holidays() {
        let cal = Calendar::from_days([]);
        // Filed Friday 2026-03-06; 30 days later is Sunday 5 April → Monday 6 April.
        let p = LegalPeriod {
            days: 30,
            count: DayCount::Calendar,
            half_days_count: true,
        };
        assert_eq!(
            legal_due_date(&cal, date("2026-03-06"), p),
            date("2026-04-06")
        );
        // 15 working days from Monday 2 March: the filing day is not counted.
        let p = LegalPeriod {
            days: 15,
            count: DayCount::Working,
            half_days_count: true,
        };
        assert_eq!(
            legal_due_date(&cal, date("2026-03-02"), p),
            date("2026-03-23")
        );
    }

    #[test]
    fn round_the_clock_hours_ignore_the_calendar_and_working_hours_do_not() {
        let cal = Calendar::from_days([]);
        // Saturday 2026-03-07 22:00 Istanbul (19:00 UTC).
        let filed = ts("2026-03-07T19:00:00Z");
        let four = |unit| internal_due_at(&cal, filed, InternalTarget { n: 4, unit });
        assert_eq!(four(TargetUnit::Hours), ts("2026-03-07T23:00:00Z"));
        // Monday 08:30 + 4 h = 12:30 Istanbul = 09:30 UTC.
        assert_eq!(four(TargetUnit::WorkingHours), ts("2026-03-09T09:30:00Z"));
        // Friday 16:30 Istanbul + 2 working hours: 1 h Friday, 1 h Monday → 09:30.
        let fri = ts("2026-03-06T13:30:00Z");
        let got = internal_due_at(
            &cal,
            fri,
            InternalTarget {
                n: 2,
                unit: TargetUnit::WorkingHours,
            },
        );
        assert_eq!(got, ts("2026-03-09T06:30:00Z"));
    }

    #[test]
    fn days_left_are_working_days_and_go_negative_when_late() {
        let cal = Calendar::from_days([]);
        // Friday to next Tuesday: Monday and Tuesday.
        assert_eq!(
            working_days_left(&cal, date("2026-03-06"), date("2026-03-10")),
            2
        );
        assert_eq!(
            working_days_left(&cal, date("2026-03-10"), date("2026-03-10")),
            0
        );
        assert_eq!(
            working_days_left(&cal, date("2026-03-11"), date("2026-03-10")),
            -1
        );
    }
}
