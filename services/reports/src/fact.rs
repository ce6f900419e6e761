//! The per-case fact and what it contributes to the rollups (pure code).
//!
//! A [`Fact`] is what the reports know of one case, merged from its events
//! **in any order**: each key value (pool, category, province, type,
//! closure reason, legal due date) is kept with the `case_version` of the
//! event that set it and only a higher (or equal) version replaces it; the
//! lifecycle (resolutions and reopenings) is a list of marks sorted by
//! version; the first action is the earliest one seen. Merging is therefore
//! commutative, so a late or reordered event converges to the same fact as
//! the in-order stream, and an event for a case whose `CaseOpened` has not
//! been seen yet is kept in the fact without counting anything (a case
//! contributes nothing until its opening is known: its keys are not).
//!
//! The rollups are a pure function of the facts: [`Fact::contribution`]
//! lists what a case adds to which Istanbul day under its *current* keys.
//! Applying an event retracts the case's old contribution and adds the new
//! one (see [`crate::cells`]), so a transfer or a correction moves every
//! figure of the case to the new key, and the rollups always equal a direct
//! count over the cases as they are now.

use std::collections::BTreeMap;

use jiff::{Timestamp, civil::Date};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};

use crate::histogram;

/// A value and the case version that set it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// The `case_version` of the event that set it (0: never set).
    pub version: i64,
}

impl<T> Versioned<T> {
    /// Takes `value` unless a later version already set one.
    fn merge(&mut self, value: T, version: i64) {
        if version >= self.version {
            self.value = value;
            self.version = version;
        }
    }
}

/// What the opening said that never changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Opening {
    /// When, in Unix seconds.
    pub at: i64,
    /// The channel's code.
    pub channel: String,
    /// The source's code.
    pub source: String,
    /// The partner's id, empty for citizens.
    pub partner: String,
    /// Opened and resolved at once (no handling time to measure).
    pub information_only: bool,
    /// The tracking number people know the case by (not personal data);
    /// empty in facts kept before it was.
    #[serde(default)]
    pub tracking_number: String,
}

/// A lifecycle mark.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mark {
    /// The `case_version` of the event.
    pub version: i64,
    /// When, in Unix seconds.
    pub at: i64,
    /// Resolved (true) or reopened (false).
    pub resolved: bool,
}

/// A satisfaction answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Survey {
    /// When, in Unix seconds.
    pub at: i64,
    /// 1 to 5.
    pub score: i64,
}

/// What the reports know of one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    /// The opening, once seen.
    pub opening: Option<Opening>,
    /// The pool.
    pub pool: Versioned<String>,
    /// The category code.
    pub category: Versioned<String>,
    /// The province's plate code.
    pub province: Versioned<u32>,
    /// The application type's code.
    pub app_type: Versioned<String>,
    /// The closure reason's code, empty until the first resolution.
    pub closure_reason: Versioned<String>,
    /// The legal due date, YYYY-MM-DD, empty when none.
    pub legal_due_date: Versioned<String>,
    /// The first claim, assignment or note, Unix seconds.
    pub first_action_at: Option<i64>,
    /// Resolutions and reopenings, sorted by version then time.
    pub marks: Vec<Mark>,
    /// The satisfaction answer (one per case).
    pub survey: Option<Survey>,
    /// The incident the case is linked to now, empty when none: a link sets
    /// it, an unlink clears it, by version like the keys. An incident's
    /// close does not unlink, so a case answered with its incident stays
    /// linked. Facts kept before links were read have none.
    #[serde(default)]
    pub incident: Versioned<String>,
}

/// The keys a case is counted under, in [`crate::cells::DIMS`] order plus
/// the pool.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Keys {
    /// The pool's id.
    pub pool: String,
    /// channel, type, category, province, partner, closure_reason, source.
    pub values: [String; crate::cells::DIMS.len()],
}

/// A day's additive figures for one case (or one cell).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayFigures {
    /// Cases created.
    pub opened: i64,
    /// Resolutions.
    pub resolved: i64,
    /// Net change of the open count: +1 opened or reopened, −1 resolved.
    pub open_delta: i64,
    /// Resolutions by the legal due date.
    pub on_time: i64,
    /// Resolutions after it.
    pub late: i64,
    /// Satisfaction answers.
    pub survey_count: i64,
    /// Their scores' sum.
    pub survey_sum: i64,
    /// Cases opened that day that are linked to an incident now.
    pub linked: i64,
}

impl DayFigures {
    /// Adds `o` times `sign`.
    pub fn add(&mut self, o: &DayFigures, sign: i64) {
        self.opened += sign * o.opened;
        self.resolved += sign * o.resolved;
        self.open_delta += sign * o.open_delta;
        self.on_time += sign * o.on_time;
        self.late += sign * o.late;
        self.survey_count += sign * o.survey_count;
        self.survey_sum += sign * o.survey_sum;
        self.linked += sign * o.linked;
    }

    /// Whether every figure is zero.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Which duration a histogram sample measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Creation to first claim, assignment or note; on the opening day.
    FirstAction = 1,
    /// Opening (or reopening) to resolution; on the resolution day.
    Close = 2,
}

/// What one case adds to the rollups under its keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contribution {
    /// Day number → figures.
    pub days: BTreeMap<i32, DayFigures>,
    /// (day number, metric, bucket) → samples.
    pub samples: BTreeMap<(i32, Metric, i32), i64>,
}

/// Days since 1970-01-01 of an Istanbul date.
pub fn day_number(d: Date) -> i32 {
    // Dates in jiff's range are within ±3.7 M days: i32 holds them.
    d.since((jiff::Unit::Day, EPOCH))
        .map(|s| s.get_days())
        .unwrap_or(0)
}

/// The date of day number `n`.
pub fn date_of(n: i32) -> Date {
    EPOCH
        .checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap_or(EPOCH)
}

const EPOCH: Date = jiff::civil::date(1970, 1, 1);

/// The day number of the first day of day `n`'s month (the monthly
/// rollups' key).
pub fn month_start(n: i32) -> i32 {
    day_number(date_of(n).first_of_month())
}

/// The Istanbul day number of Unix second `secs`.
pub fn day_of(secs: i64) -> i32 {
    let t = Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH);
    day_number(tekmerkez_workdays::istanbul_date(t))
}

/// The snake_case code of a channel (`CHANNEL_MOBILE_APP` → `mobile_app`).
pub fn channel_code(c: i32) -> String {
    enum_code(
        common::Channel::try_from(c).map(|c| c.as_str_name()),
        "CHANNEL_",
    )
}

/// The code of an application type (`talep`, `bilgi_edinme`, …); an
/// unspecified type is `talep`, as the case service treats it.
pub fn type_code(t: i32) -> String {
    match common::ApplicationType::try_from(t) {
        Ok(common::ApplicationType::Unspecified) | Err(_) => "talep".to_owned(),
        Ok(t) => code_of(t.as_str_name(), "APPLICATION_TYPE_"),
    }
}

/// The code of a source; an unspecified source is `direct`.
pub fn source_code(s: i32) -> String {
    match common::ApplicationSource::try_from(s) {
        Ok(common::ApplicationSource::Unspecified) | Err(_) => "direct".to_owned(),
        Ok(s) => code_of(s.as_str_name(), "APPLICATION_SOURCE_"),
    }
}

fn enum_code<E>(name: Result<&str, E>, prefix: &str) -> String {
    match name {
        Ok(n) => code_of(n, prefix),
        Err(_) => "unspecified".to_owned(),
    }
}

fn code_of(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

fn secs(ts: Option<&prost_types::Timestamp>) -> i64 {
    ts.map_or(0, |t| t.seconds)
}

impl Fact {
    /// Merges `event` into the fact. Events that count nothing (notes'
    /// later ones, callbacks, escalations, …) leave it as it was.
    pub fn merge(&mut self, event: &pb::CaseEvent) {
        use pb::case_event::Payload;
        let v = event.case_version;
        let at = secs(event.occurred_at.as_ref());
        let Some(payload) = &event.payload else {
            return;
        };
        match payload {
            Payload::Opened(o) => {
                self.opening = Some(Opening {
                    at,
                    channel: channel_code(o.channel),
                    source: source_code(o.source),
                    partner: o.partner_id.clone(),
                    information_only: o.information_only,
                    tracking_number: event.tracking_number.clone(),
                });
                self.pool.merge(o.pool_id.clone(), v);
                self.category.merge(o.category.clone(), v);
                self.province.merge(o.province_code, v);
                self.app_type.merge(type_code(o.application_type), v);
                self.legal_due_date.merge(o.legal_due_date.clone(), v);
            }
            Payload::Claimed(_) | Payload::Assigned(_) | Payload::NoteAdded(_) => {
                self.first_action_at = Some(self.first_action_at.map_or(at, |f| f.min(at)));
            }
            Payload::Transferred(t) => self.pool.merge(t.to_pool_id.clone(), v),
            Payload::Reopened(r) => {
                self.pool.merge(r.pool_id.clone(), v);
                self.mark(Mark {
                    version: v,
                    at,
                    resolved: false,
                });
            }
            Payload::Corrected(c) => {
                self.province.merge(c.province_code, v);
                self.category.merge(c.category.clone(), v);
            }
            Payload::TypeChanged(t) => self.app_type.merge(type_code(t.to_type), v),
            Payload::LegalDeadlineExtended(e) => {
                self.legal_due_date.merge(e.to_due_date.clone(), v);
            }
            Payload::ClosedByExpert(c) if !c.closure_reason.is_empty() => {
                self.closure_reason.merge(c.closure_reason.clone(), v);
            }
            Payload::Resolved(r) => {
                self.closure_reason.merge(r.closure_reason.clone(), v);
                self.mark(Mark {
                    version: v,
                    at,
                    resolved: true,
                });
            }
            Payload::DeadlinesBackfilled(b) => {
                self.legal_due_date.merge(b.legal_due_date.clone(), v);
                if !b.closure_reason.is_empty() {
                    self.closure_reason.merge(b.closure_reason.clone(), v);
                }
            }
            Payload::SurveyAnswered(s) => {
                self.survey = Some(Survey {
                    at,
                    score: i64::from(s.score),
                });
            }
            Payload::ClosedByExpert(_)
            | Payload::CallbackRecorded(_)
            | Payload::CitizenMessageAdded(_)
            | Payload::CitizenNotReached(_)
            | Payload::NotReachedResolved(_)
            | Payload::AwaitingCitizenChanged(_)
            | Payload::EscalationRecorded(_) => {}
            // A linked report is still counted as opened and, with its
            // incident's answer, resolved; the link adds `linked`.
            Payload::LinkedToIncident(l) => self.incident.merge(l.incident_id.clone(), v),
            Payload::UnlinkedFromIncident(_) => self.incident.merge(String::new(), v),
            // A duplicate merged into the citizen's earlier record is
            // resolved by the merge (the case service sends no separate
            // resolution): counted as resolved that day, no longer open.
            Payload::Merged(_) => self.mark(Mark {
                version: v,
                at,
                resolved: true,
            }),
        }
    }

    /// Whether the case is linked to an incident now.
    pub fn is_linked(&self) -> bool {
        !self.incident.value.is_empty()
    }

    fn mark(&mut self, m: Mark) {
        let pos = self
            .marks
            .partition_point(|x| (x.version, x.at) <= (m.version, m.at));
        self.marks.insert(pos, m);
    }

    /// The keys the case is counted under; `None` until its opening is known.
    pub fn keys(&self) -> Option<Keys> {
        let o = self.opening.as_ref()?;
        Some(Keys {
            pool: self.pool.value.clone(),
            values: [
                o.channel.clone(),
                self.app_type.value.clone(),
                self.category.value.clone(),
                format!("{:02}", self.province.value),
                o.partner.clone(),
                self.closure_reason.value.clone(),
                o.source.clone(),
            ],
        })
    }

    /// What the case adds to the rollups (empty until its opening is known).
    pub fn contribution(&self) -> Contribution {
        let mut c = Contribution::default();
        let Some(o) = &self.opening else {
            return c;
        };
        let opened_day = day_of(o.at);
        let f = c.days.entry(opened_day).or_default();
        f.opened += 1;
        f.open_delta += 1;
        if self.is_linked() {
            f.linked += 1;
        }
        if let Some(first) = self.first_action_at
            && !o.information_only
        {
            let b = histogram::bucket(first - o.at);
            *c.samples
                .entry((opened_day, Metric::FirstAction, b))
                .or_default() += 1;
        }
        let due = Date::strptime("%Y-%m-%d", &self.legal_due_date.value)
            .ok()
            .map(day_number);
        // Walk the lifecycle: a resolution counts when the case is open, a
        // reopening when it is resolved (marks seen out of step with the
        // state are waiting for the event between them).
        let mut open_since = Some(o.at);
        for m in &self.marks {
            match (m.resolved, open_since) {
                (true, Some(since)) => {
                    let d = day_of(m.at);
                    let f = c.days.entry(d).or_default();
                    f.resolved += 1;
                    f.open_delta -= 1;
                    match due {
                        Some(due) if d <= due => f.on_time += 1,
                        Some(_) => f.late += 1,
                        None => {}
                    }
                    if !o.information_only {
                        let b = histogram::bucket(m.at - since);
                        *c.samples.entry((d, Metric::Close, b)).or_default() += 1;
                    }
                    open_since = None;
                }
                (false, None) => {
                    c.days.entry(day_of(m.at)).or_default().open_delta += 1;
                    open_since = Some(m.at);
                }
                _ => {}
            }
        }
        if let Some(s) = &self.survey {
            let f = c.days.entry(day_of(s.at)).or_default();
            f.survey_count += 1;
            f.survey_sum += s.score;
        }
        c
    }
}
