//! Deadline policies and the due dates they give a case.
//!
//! A policy is admin-editable data keyed by (source, application type,
//! category), each part optional ("any"). Every value a policy can state —
//! the legal period, the internal target, the 4982 extension, the note
//! rule, the closure reasons of the closes no person makes — is taken from the **most specific policy that states it**, so a
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

use super::{
    case::{EventKind, RuleViolation, Step},
    classification::AutomaticClose,
    enums::{CaseStatus, HistoryAction},
};

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

/// The closure reason (a `case_closure_reasons` code) of each close no
/// person makes (Clarifications: "take a default closure reason from the
/// policy"); `None`: taken from a less specific policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutomaticReasons {
    /// An information-only application, resolved when recorded.
    pub information_only: Option<String>,
    /// A case closed with its incident.
    pub incident_closed: Option<String>,
    /// A case closed by a field team's confirmation.
    pub field_work_confirmed: Option<String>,
}

impl AutomaticReasons {
    /// The reason stated for `kind`.
    pub fn get(&self, kind: AutomaticClose) -> Option<&str> {
        match kind {
            AutomaticClose::InformationOnly => self.information_only.as_deref(),
            AutomaticClose::IncidentClosed => self.incident_closed.as_deref(),
            AutomaticClose::FieldWorkConfirmed => self.field_work_confirmed.as_deref(),
        }
    }

    /// The seed's reasons (the migration writes the same on the default
    /// policy): *bilgi verildi* for information-only calls, *çözüldü* for
    /// the others.
    pub fn seed() -> Self {
        Self {
            information_only: Some("bilgi_verildi".to_owned()),
            incident_closed: Some("cozuldu".to_owned()),
            field_work_confirmed: Some("cozuldu".to_owned()),
        }
    }

    /// Every reason stated, with its field name.
    pub fn stated(&self) -> impl Iterator<Item = (&'static str, &str)> {
        AutomaticClose::ALL
            .into_iter()
            .filter_map(|k| self.get(k).map(|r| (k.field(), r)))
    }
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
    /// The stored key: `source|type|category`, `*` for "any".
    pub fn storage_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.source.map_or("*", ApplicationSource::code),
            self.application_type.map_or("*", ApplicationType::code),
            self.category.as_deref().unwrap_or("*")
        )
    }

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
    pub automatic_reasons: AutomaticReasons,
}

/// A policy as stored: with its version and who changed it last, when.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPolicy {
    pub policy: DeadlinePolicy,
    /// From 1; every change adds one.
    pub version: i64,
    /// Who changed it last (`None` for the seed).
    pub updated_by: Option<uuid::Uuid>,
    pub updated_at: Timestamp,
}

impl DeadlinePolicy {
    /// A short code-only description of the values, for the change log.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(l) = self.legal {
            parts.push(format!(
                "legal={} {}{}",
                l.days,
                l.count.as_str(),
                if l.half_days_count {
                    ""
                } else {
                    " (half days off)"
                }
            ));
        }
        if let Some(t) = self.internal {
            parts.push(format!("internal={} {}", t.n, t.unit.as_str()));
        }
        if let Some(e) = self.extension_days {
            parts.push(format!("extension={e}"));
        }
        if let Some(n) = self.note_rule {
            parts.push(format!("note_rule={} {}", n.days, n.count.as_str()));
        }
        for (field, reason) in self.automatic_reasons.stated() {
            parts.push(format!("{field}={reason}"));
        }
        parts.join("; ")
    }
}

/// Checks an admin's policy: numbers in range, reason codes well formed,
/// and the default (every key part "any") states a legal period, a note
/// rule and every automatic close's reason, so that every case gets a due
/// date, the note rule and a reason however it is closed. (Whether a
/// reason code names an active reason is the store's to say: the caller
/// checks it.)
pub fn check_policy(v: &mut super::fields::Violations, p: &DeadlinePolicy) {
    if let Some(c) = &p.key.category
        && v.check(super::text::parse_code("category", c)).is_none()
    {
        return;
    }
    if let Some(l) = p.legal
        && !(1..=365).contains(&l.days)
    {
        v.add("legal.days", "must be between 1 and 365");
    }
    if let Some(t) = p.internal
        && !(1..=8760).contains(&t.n)
    {
        v.add("internal.n", "must be between 1 and 8760");
    }
    if p.extension_days.is_some_and(|e| e > 365) {
        v.add("extension_days", "must be at most 365");
    }
    if let Some(n) = p.note_rule
        && !(1..=365).contains(&n.days)
    {
        v.add("note_rule.days", "must be between 1 and 365");
    }
    for (field, reason) in p.automatic_reasons.stated() {
        v.check(super::text::parse_code(field, reason));
    }
    if p.key.specificity() == 0 {
        if p.legal.is_none() {
            v.add("legal", "is required on the default policy");
        }
        if p.note_rule.is_none() {
            v.add("note_rule", "is required on the default policy");
        }
        for kind in AutomaticClose::ALL {
            if p.automatic_reasons.get(kind).is_none() {
                v.add(kind.field(), "is required on the default policy");
            }
        }
    }
}

/// What the policies give one application: each value from the most
/// specific policy stating it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub legal: Option<LegalPeriod>,
    pub internal: Option<InternalTarget>,
    /// Working days of the one allowed extension; 0 when none.
    pub extension_days: u32,
    pub note_rule: NoteRule,
    /// Every automatic close's reason (the seed's where no policy states
    /// one, which the default policy's check rules out).
    pub automatic_reasons: AutomaticReasons,
}

impl Resolved {
    /// The closure reason of a close of `kind` no person makes.
    pub fn automatic_reason(&self, kind: AutomaticClose) -> &str {
        self.automatic_reasons.get(kind).unwrap_or("cozuldu")
    }
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
        automatic_reasons: {
            let seed = AutomaticReasons::seed();
            let pick = |kind: AutomaticClose| {
                matching
                    .iter()
                    .find_map(|p| p.automatic_reasons.get(kind))
                    .or_else(|| seed.get(kind))
                    .map(str::to_owned)
            };
            AutomaticReasons {
                information_only: pick(AutomaticClose::InformationOnly),
                incident_closed: pick(AutomaticClose::IncidentClosed),
                field_work_confirmed: pick(AutomaticClose::FieldWorkConfirmed),
            }
        },
    }
}

/// The policies a new installation starts with (the migrations insert the
/// same rows): Law 3071's 30 days by default, Law 4982's 15 working days
/// extendable once by 15 for `bilgi_edinme`, CİMER's 30 days, a water fault
/// within 4 hours round the clock, seed 000's 3 calendar days note rule,
/// and the automatic closes' reasons on the default.
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
            automatic_reasons: AutomaticReasons::seed(),
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
            automatic_reasons: AutomaticReasons::default(),
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
            automatic_reasons: AutomaticReasons::default(),
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
            automatic_reasons: AutomaticReasons::default(),
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

/// The closure reason of a case closed before closure reasons existed
/// (an inactive reason, seeded by migration 20261209000011): "not
/// recorded", rather than a guess.
pub const UNRECORDED_CLOSURE_REASON: &str = "kaydedilmedi";

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

impl super::case::Case {
    /// Extends the legal due date once by its policy's working days (Law
    /// 4982 art. 11), before it passes (`now`'s Istanbul date at the
    /// latest), for a `bilgi_edinme` record still open. `reason` stays in
    /// the task step; the event carries only the dates.
    ///
    /// # Errors
    /// [`RuleViolation`] when it may not be extended.
    pub fn extend_legal_deadline(
        &self,
        reason: String,
        now: Timestamp,
        calendar: &Calendar,
    ) -> Result<(Self, Step, EventKind), RuleViolation> {
        if self.status == CaseStatus::Resolved {
            return Err(RuleViolation::Resolved);
        }
        let due = match self.legal_due_date {
            Some(due)
                if self.application_type == ApplicationType::BilgiEdinme
                    && self.legal_extension_days > 0 =>
            {
                due
            }
            _ => return Err(RuleViolation::NotExtendable),
        };
        if self.legal_extended_at.is_some() {
            return Err(RuleViolation::AlreadyExtended);
        }
        if istanbul_date(now) > due {
            return Err(RuleViolation::DeadlinePassed);
        }
        let to = calendar.add_working_days(due, self.legal_extension_days, true);
        let mut next = self.clone();
        next.legal_due_date = Some(to);
        next.legal_extended_at = Some(now);
        let step = self.step(HistoryAction::LegalDeadlineExtended, &next, Some(reason));
        Ok((
            next,
            step,
            EventKind::LegalDeadlineExtended {
                from: due,
                to,
                working_days: self.legal_extension_days,
            },
        ))
    }

    /// Gives a case opened before due dates existed (no legal due date)
    /// what its policy gives a case of its keys opened when it was: the
    /// legal due date, the extension and the note rule; and, closed before
    /// closure reasons existed, the reason [`UNRECORDED_CLOSURE_REASON`].
    /// The internal target stays unset: hours counted from a day long past
    /// would only escalate at once what nobody can still meet. `None` when
    /// it has a due date already (another replica's round was first) or
    /// the policy gives none.
    pub fn backfill_deadlines(&self, d: &CaseDeadlines) -> Option<(Self, Step, EventKind)> {
        if self.legal_due_date.is_some() {
            return None;
        }
        let due = d.legal_due_date?;
        let mut next = self.clone();
        next.legal_due_date = Some(due);
        next.legal_extension_days = d.extension_days;
        next.note_rule = d.note_rule;
        let closure_reason = (self.status == CaseStatus::Resolved && self.closure_reason.is_none())
            .then(|| UNRECORDED_CLOSURE_REASON.to_owned());
        if closure_reason.is_some() {
            next.closure_reason.clone_from(&closure_reason);
        }
        let step = self.step(
            HistoryAction::DeadlinesBackfilled,
            &next,
            Some(format!("legal:{due}")),
        );
        Some((
            next,
            step,
            EventKind::DeadlinesBackfilled { closure_reason },
        ))
    }

    /// Starts waiting for the citizen's missing information at `now`: the
    /// internal target stops running (the legal due date does not).
    ///
    /// # Errors
    /// [`RuleViolation`] when resolved or already waiting.
    pub fn start_awaiting_citizen(
        &self,
        now: Timestamp,
    ) -> Result<(Self, Step, EventKind), RuleViolation> {
        if self.status == CaseStatus::Resolved {
            return Err(RuleViolation::Resolved);
        }
        if self.awaiting_citizen_since.is_some() {
            return Err(RuleViolation::AlreadyAwaitingCitizen);
        }
        let mut next = self.clone();
        next.awaiting_citizen_since = Some(now);
        let step = self.step(HistoryAction::AwaitingCitizenStarted, &next, None);
        Ok((
            next,
            step,
            EventKind::AwaitingCitizenChanged { waiting: true },
        ))
    }

    /// Ends the wait at `now`: the time waited is added to the internal
    /// target (the legal due date is unchanged).
    ///
    /// # Errors
    /// [`RuleViolation::NotAwaitingCitizen`] when not waiting.
    pub fn end_awaiting_citizen(
        &self,
        now: Timestamp,
    ) -> Result<(Self, Step, EventKind), RuleViolation> {
        let since = self
            .awaiting_citizen_since
            .ok_or(RuleViolation::NotAwaitingCitizen)?;
        let waited = if now > since {
            since.duration_until(now)
        } else {
            SignedDuration::ZERO
        };
        let mut next = self.clone();
        next.awaiting_citizen_since = None;
        next.internal_due_at = self
            .internal_due_at
            .map(|t| t.checked_add(waited).unwrap_or(t));
        let step = self.step(
            HistoryAction::AwaitingCitizenEnded,
            &next,
            Some(format!("{} min", waited.as_secs() / 60)),
        );
        Ok((
            next,
            step,
            EventKind::AwaitingCitizenChanged { waiting: false },
        ))
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
            automatic_reasons: AutomaticReasons::default(),
        }
    }

    #[test]
    fn an_automatic_close_takes_the_reason_of_the_most_specific_policy_stating_it() {
        let mut policies = seed();
        policies.push(DeadlinePolicy {
            automatic_reasons: AutomaticReasons {
                information_only: Some("yetki_disi".to_owned()),
                ..AutomaticReasons::default()
            },
            ..only_legal(key(None, None, Some("dogalgaz")), 5)
        });
        let r = resolve(&policies, None, Some(ApplicationType::Talep), "dogalgaz");
        assert_eq!(
            r.automatic_reason(AutomaticClose::InformationOnly),
            "yetki_disi"
        );
        assert_eq!(
            r.automatic_reason(AutomaticClose::IncidentClosed),
            "cozuldu",
            "not stated there: the default's"
        );
        let r = resolve(&policies, None, Some(ApplicationType::Talep), "cop");
        assert_eq!(
            r.automatic_reason(AutomaticClose::InformationOnly),
            "bilgi_verildi"
        );
    }

    #[test]
    fn the_default_policy_must_state_every_automatic_closes_reason() {
        let mut default = seed().remove(0);
        default.automatic_reasons.incident_closed = None;
        let mut v = super::super::fields::Violations::new();
        check_policy(&mut v, &default);
        let err = v.into_result().unwrap_err();
        assert!(
            format!("{err:?}").contains("incident_closed_reason"),
            "{err:?}"
        );
        let mut bad = seed().remove(0);
        bad.automatic_reasons.information_only = Some("Bilgi Verildi".to_owned());
        let mut v = super::super::fields::Violations::new();
        check_policy(&mut v, &bad);
        assert!(format!("{:?}", v.into_result().unwrap_err()).contains("information_only_reason"));
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
