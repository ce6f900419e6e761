//! The case aggregate and its life-cycle, following the ALO 181 screens:
//!
//! ```text
//!  open ─► IN_POOL ──claim/assign──► HELD ──close──► AWAITING_CALLBACK ──reached──► RESOLVED
//!            ▲   ▲                    │  │ (phone reply)     │ claim by callback agent  ▲
//!            │   └──transfer──────────┘  └──close (sms, e-mail, letter reply)───────────┘
//!            └────────────reopen──────────────────────────────────────────── RESOLVED
//!  information-only: open ─► RESOLVED at once
//! ```
//!
//! [`Case::open`] makes a case from a [`NewCase`] with its opening steps.
//! Each transition checks its rule and returns what changed: the new state,
//! one task step, and the events to publish. Who may do it is decided by
//! [`super::policy`]; persistence (with the version check) by the store.

use jiff::Timestamp;
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use uuid::Uuid;

use super::{
    calendar,
    contact::Contact,
    deadline::{CaseDeadlines, NoteRule},
    enums::{CallbackOutcome, CaseStatus, Channel, HistoryAction, ReplyChannel, Urgency},
};

/// KVKK consent recorded with an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The consent text's version.
    pub text_version: String,
    /// When it was accepted.
    pub accepted_at: Timestamp,
    /// Whether it covers special-category data.
    pub special_category: bool,
}

/// A validated application to open as a case, placed in its pool.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Idempotency key.
    pub application_id: Uuid,
    /// Given by intake, or generated.
    pub tracking_number: Option<TrackingNumber>,
    pub channel: Channel,
    /// Category code.
    pub category: String,
    pub text: String,
    pub urgency: Urgency,
    /// Province plate code.
    pub province_code: u8,
    /// Canonical district.
    pub district: Option<String>,
    /// Canonical neighbourhood within the district.
    pub neighbourhood: Option<String>,
    /// Latitude and longitude, when the applicant gave a point.
    pub coordinates: Option<(f64, f64)>,
    /// The pool it opens in.
    pub pool_id: Uuid,
    /// Applicant.
    pub contact: Contact,
    pub reply_channel: ReplyChannel,
    /// KVKK consent.
    pub consent: Option<Consent>,
    /// Information-only, with what the citizen was told.
    pub information_answer: Option<String>,
    /// When the channel received it.
    pub received_at: Option<Timestamp>,
    /// Hash of the request, to refuse a replay with other content.
    pub fingerprint: String,
    /// Files that came with it, checked at the edge.
    pub attachments: Vec<NewAttachment>,
    /// The staff member who recorded it on the citizen's behalf (a
    /// call-centre agent, counter staff), as routing passes it on.
    pub recorded_by: Option<Uuid>,
    /// The channel's own reference (an e-mail's Message-ID, a partner's
    /// reference, a platform message id).
    pub source_reference: Option<String>,
    /// The kind of application (the channel's, a routing rule's, or `talep`).
    pub application_type: ApplicationType,
    /// The road it took: direct, or the partner's configured source.
    pub source: ApplicationSource,
    /// The partner client that handed it over, as intake knows it.
    pub partner_id: Option<String>,
    /// The partner's own reference number (the partner's, not the citizen's).
    pub partner_reference: Option<String>,
}

/// A file to store with a case.
#[derive(Clone)]
pub struct NewAttachment {
    /// File name, without directories.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A person.
    User(Uuid),
    /// A service, by name.
    Service(&'static str),
}

impl Actor {
    /// The user id, if a person.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Self::User(id) => Some(*id),
            Self::Service(_) => None,
        }
    }

    /// The service name, if a service.
    pub fn service(&self) -> Option<&'static str> {
        match self {
            Self::User(_) => None,
            Self::Service(s) => Some(s),
        }
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: Uuid,
    /// Arrival order, assigned by the store (zero before the case is stored).
    pub seq: i64,
    /// Tracking number, canonical form.
    pub tracking_number: String,
    /// The application's id: the idempotency key.
    pub application_id: Uuid,
    /// Hash of the creating request; a replay with other content is refused.
    pub request_fingerprint: String,
    pub channel: Channel,
    /// Category code.
    pub category: String,
    /// Application text (may hold personal data: never logged).
    pub text: String,
    pub urgency: Urgency,
    /// Province plate code.
    pub province_code: u8,
    /// Canonical district name, if known.
    pub district: Option<String>,
    /// Canonical neighbourhood (mahalle) name within the district, if known.
    pub neighbourhood: Option<String>,
    /// Latitude and longitude, if given.
    pub coordinates: Option<(f64, f64)>,
    /// Current pool.
    pub pool_id: Uuid,
    pub status: CaseStatus,
    /// Holder: the expert when held, the callback agent when claimed for a callback.
    pub holder_id: Option<Uuid>,
    pub reply_channel: ReplyChannel,
    /// Applicant's personal data.
    pub contact: Contact,
    /// KVKK consent.
    pub consent: Option<Consent>,
    pub information_only: bool,
    pub official_answer: Option<String>,
    /// Who closed it.
    pub closed_by: Option<Uuid>,
    /// The user who recorded it (call-centre agent, partner), if a person.
    pub created_by: Option<Uuid>,
    /// When the case was opened.
    pub created_at: Timestamp,
    /// Entered the current pool.
    pub entered_pool_at: Timestamp,
    /// Current holder got it.
    pub held_since: Option<Timestamp>,
    /// Closed by the expert.
    pub closed_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    /// Latest note.
    pub last_note_at: Option<Timestamp>,
    pub callback_attempts: u32,
    /// Next callback attempt.
    pub callback_retry_at: Option<Timestamp>,
    /// Optimistic-concurrency version, from 1.
    pub version: i64,
    /// The answer could not be delivered and nobody has acted on it yet.
    pub not_reached: Option<super::not_reached::NotReached>,
    /// The channel's own reference of the application (an e-mail's
    /// Message-ID may name the citizen's mail host: shown with the contact).
    pub source_reference: Option<String>,
    /// The kind of application; an agent may change it.
    pub application_type: ApplicationType,
    /// The road it took: direct, or the partner's configured source.
    pub source: ApplicationSource,
    /// The partner client that handed it over, as intake knows it.
    pub partner_id: Option<String>,
    /// The partner's own reference number: the partner's, not the
    /// citizen's, so shown to everyone who sees the case and searchable.
    pub partner_reference: Option<String>,
    /// The closure reason's code, once closed (`None` for cases closed
    /// before reasons existed, and while open).
    pub closure_reason: Option<String>,
    /// Due by the end of this Istanbul day (the legal period of its
    /// policy, set at opening; `None` for records older than policies).
    pub legal_due_date: Option<jiff::civil::Date>,
    /// The institution's own target, pushed back by the time spent waiting
    /// for the citizen.
    pub internal_due_at: Option<Timestamp>,
    /// Working days the legal due date may be extended by, once (0: never).
    pub legal_extension_days: u32,
    /// When the one extension was made.
    pub legal_extended_at: Option<Timestamp>,
    /// The note rule of its policy.
    pub note_rule: NoteRule,
    /// Waiting for the citizen (missing information) since then: the
    /// internal target is paused, the legal deadline is not.
    pub awaiting_citizen_since: Option<Timestamp>,
    /// The incident it is linked to: off the work lists, answered with it.
    pub incident: Option<super::incident::IncidentLink>,
    /// The citizen's record this duplicate was merged into.
    pub merged_into: Option<Uuid>,
}

/// What a transfer corrects on the way; `None` keeps the case's value.
/// The values are checked (a known province, a district of it, a category
/// code) before they get here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Correction {
    /// Province plate code.
    pub province_code: Option<u8>,
    /// Canonical district name.
    pub district: Option<String>,
    /// Category code.
    pub category: Option<String>,
}

/// What one transition did, besides the new state.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The task step's kind.
    pub action: HistoryAction,
    /// Status before.
    pub from_status: Option<CaseStatus>,
    /// Status after.
    pub to_status: CaseStatus,
    /// Pool before.
    pub from_pool: Option<Uuid>,
    /// Pool after.
    pub to_pool: Uuid,
    /// Holder before.
    pub from_holder: Option<Uuid>,
    /// Holder after.
    pub to_holder: Option<Uuid>,
    /// Reason or outcome code; never personal data... except a transfer or
    /// reopen reason, which staff write and which stays in the case's history.
    pub detail: Option<String>,
}

/// What happened, for the event on `case.events.v1`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    Opened,
    Claimed,
    /// Assigned or moved.
    Assigned {
        /// Holder before.
        from: Option<Uuid>,
    },
    Transferred {
        /// Pool before.
        from_pool: Uuid,
    },
    /// Province, district or category corrected.
    Corrected {
        /// `province`, `district` or `category`.
        field: &'static str,
    },
    /// Note added.
    NoteAdded {
        note_id: Uuid,
    },
    /// Closed by the expert.
    ClosedByExpert,
    /// Callback attempt recorded.
    CallbackRecorded {
        outcome: CallbackOutcome,
    },
    Resolved,
    Reopened,
    /// A message carrying the answer could not be delivered.
    CitizenNotReached {
        /// `sms`, `email` or `social`.
        channel: String,
        /// The delivery's reason code.
        reason: String,
    },
    /// Someone acted on the "not reached" mark.
    NotReachedResolved {
        outcome: super::enums::NotReachedOutcome,
    },
    /// The citizen's follow-up message added.
    CitizenMessageAdded {
        /// The note holding it.
        note_id: Uuid,
        /// The message's application id.
        application_id: Uuid,
        /// Where it came in.
        channel: Channel,
        /// Whether it came from the applicant's own address or number.
        from_applicant: bool,
        /// The status when it arrived.
        status: CaseStatus,
    },
    /// An agent changed the application type (the new one is on the case).
    TypeChanged {
        /// The type before.
        from: ApplicationType,
    },
    /// The citizen's satisfaction score recorded.
    SurveyAnswered {
        /// 1 to 5.
        score: u8,
        source: super::enums::SurveySource,
        /// Whether a comment came with it (the text stays in the case).
        has_comment: bool,
    },
    /// The legal due date extended (Law 4982).
    LegalDeadlineExtended {
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        working_days: u32,
    },
    /// The wait for the citizen started or ended.
    AwaitingCitizenChanged {
        waiting: bool,
    },
    /// A due date neared, passed, or the case was escalated.
    /// A case opened before due dates existed got its legal due date
    /// (and, closed before reasons existed, the "not recorded" reason).
    DeadlinesBackfilled {
        /// The closure reason set with it, if any.
        closure_reason: Option<String>,
    },
    /// Linked to an incident.
    LinkedToIncident {
        incident_id: Uuid,
        method: super::incident::LinkMethod,
    },
    /// Taken out of an incident.
    UnlinkedFromIncident {
        incident_id: Uuid,
    },
    /// Merged into the citizen's other record (named on the case).
    Merged {
        /// That record's tracking number.
        into_tracking_number: String,
    },
    Escalation {
        /// Which due date, and its value.
        due: super::escalation::Due,
        stage: super::escalation::Stage,
        /// The pool's unit and its directorate when recorded.
        unit_id: Uuid,
        directorate_id: Uuid,
    },
}

/// A rule a transition refused, in words fit for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    /// Claim of a case that is not in the pool.
    #[error("the record is not in the pool: someone already holds it or it is closed")]
    NotInPool,
    /// Callback claim of a case that is not waiting for a callback.
    #[error("the record is not waiting in the callback pool")]
    NotAwaitingCallback,
    /// Someone else holds it.
    #[error("the record is held by someone else")]
    HeldByOther,
    /// Needs the caller to hold it.
    #[error("only the user holding the record may do this")]
    NotHolder,
    /// Resolved cases take no more work.
    #[error("the record is resolved")]
    Resolved,
    /// Only resolved cases may be reopened.
    #[error("only a resolved record can be reopened")]
    NotResolved,
    /// A closed case is past assignment and transfer.
    #[error("the record is already closed by the expert")]
    AlreadyClosed,
    /// The note rule (seed 000's 3 days, a policy value).
    #[error("the record has been in its pool for more than {0} days: add a note before closing it")]
    NoteRequired(u32),
    /// Transfer to the same pool.
    #[error("the record is already in that pool")]
    SamePool,
    /// Assign to the current holder.
    #[error("the record is already held by that user")]
    SameHolder,
    /// The caller's screen is stale.
    #[error("the record changed since it was loaded: reload it")]
    StaleVersion,
    /// A type change to the type the record has.
    #[error("the record already has that application type")]
    SameType,
    /// The legal due date of this record may not be extended (only a
    /// bilgi_edinme record whose policy allows it).
    #[error("only an information request (bilgi edinme) may have its legal due date extended")]
    NotExtendable,
    /// The one extension was already made.
    #[error("the legal due date was already extended once")]
    AlreadyExtended,
    /// Extending after the due date passed.
    #[error("the legal due date has passed: it can no longer be extended")]
    DeadlinePassed,
    /// Starting a wait that is already running.
    #[error("the record is already waiting for the citizen")]
    AlreadyAwaitingCitizen,
    /// Ending a wait that is not running.
    #[error("the record is not waiting for the citizen")]
    NotAwaitingCitizen,
    /// Acting on a "citizen not reached" mark that is not there.
    #[error("the record has no open \"citizen not reached\" mark: someone already acted on it")]
    NotMarkedNotReached,
    /// Linking a record linked already.
    #[error("the record is already linked to an incident")]
    AlreadyLinked,
    /// Unlinking or answering a record not linked to that incident.
    #[error("the record is not linked to this incident")]
    NotLinked,
    /// Linking a record of another province.
    #[error("the record is in another province than the incident")]
    OtherProvince,
    /// Claiming, assigning or moving a linked record.
    #[error("the record is linked to an incident and is answered with it: unlink it first")]
    LinkedToIncident,
    /// Merging records of different citizens (no shared phone or e-mail).
    #[error("the records are not the same citizen's: link them to an incident instead")]
    NotSameCitizen,
    /// Merging a record into itself.
    #[error("a record cannot be merged into itself")]
    SameRecord,
    /// Merging into a record that was itself merged.
    #[error("that record was merged into another one: merge into that one")]
    Merged,
}

impl Case {
    /// The tracking number as printed (`XXXXX-XXXXX`).
    pub fn printed_tracking_number(&self) -> String {
        TrackingNumber::parse(&self.tracking_number)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| self.tracking_number.clone())
    }

    /// Opens `new` as case `id` with `tracking_number` at `now`, recorded by
    /// `opened_by` when a person opened it. The case enters its pool now
    /// (its day counters start at zero), unheld, at version 1. An
    /// information-only application (one with an `information_answer`) is
    /// resolved at once, by `opened_by`, with what the citizen was told as
    /// its answer. Returns the case with its opening steps: Opened, then
    /// Resolved for an information-only one. `deadlines` are its policy's
    /// due dates, computed for its filing time.
    pub fn open(
        new: &NewCase,
        id: Uuid,
        tracking_number: &TrackingNumber,
        opened_by: Option<Uuid>,
        now: Timestamp,
        deadlines: &CaseDeadlines,
    ) -> (Case, Vec<(Step, EventKind)>) {
        let information_only = new.information_answer.is_some();
        let resolved_at = information_only.then_some(now);
        let case = Case {
            id,
            seq: 0,
            tracking_number: tracking_number.as_str().to_owned(),
            application_id: new.application_id,
            request_fingerprint: new.fingerprint.clone(),
            channel: new.channel,
            category: new.category.clone(),
            text: new.text.clone(),
            urgency: new.urgency,
            province_code: new.province_code,
            district: new.district.clone(),
            neighbourhood: new.neighbourhood.clone(),
            coordinates: new.coordinates,
            pool_id: new.pool_id,
            status: if information_only {
                CaseStatus::Resolved
            } else {
                CaseStatus::InPool
            },
            holder_id: None,
            reply_channel: new.reply_channel,
            contact: new.contact.clone(),
            consent: new.consent.clone(),
            information_only,
            official_answer: new.information_answer.clone(),
            closed_by: opened_by.filter(|_| information_only),
            created_by: opened_by,
            created_at: now,
            entered_pool_at: now,
            held_since: None,
            closed_at: resolved_at,
            resolved_at,
            last_note_at: None,
            callback_attempts: 0,
            callback_retry_at: None,
            not_reached: None,
            version: 1,
            source_reference: new.source_reference.clone(),
            application_type: new.application_type,
            source: new.source,
            partner_id: new.partner_id.clone(),
            partner_reference: new.partner_reference.clone(),
            closure_reason: None,
            legal_due_date: deadlines.legal_due_date,
            internal_due_at: deadlines.internal_due_at,
            legal_extension_days: deadlines.extension_days,
            legal_extended_at: None,
            note_rule: deadlines.note_rule,
            awaiting_citizen_since: None,
            incident: None,
            merged_into: None,
        };
        let steps = case.opening_steps();
        (case, steps)
    }

    /// Istanbul calendar days in the current pool at `now`.
    pub fn days_in_pool(&self, now: Timestamp) -> u32 {
        calendar::days_between(self.entered_pool_at, now)
    }

    /// Istanbul calendar days with the current holder at `now`.
    pub fn days_held(&self, now: Timestamp) -> u32 {
        self.held_since
            .map_or(0, |t| calendar::days_between(t, now))
    }

    /// Days in the current pool at `now` as its note rule counts them.
    pub fn rule_days_in_pool(
        &self,
        now: Timestamp,
        calendar: &tekmerkez_workdays::Calendar,
    ) -> u32 {
        super::deadline::days_between(
            calendar,
            calendar::istanbul_date(self.entered_pool_at),
            calendar::istanbul_date(now),
            self.note_rule.count,
        )
    }

    /// Whether closing at `now` needs a note first: more days in the pool
    /// than its note rule allows (counted as the rule says) and no note
    /// since it entered.
    pub fn note_required_to_close(
        &self,
        now: Timestamp,
        calendar: &tekmerkez_workdays::Calendar,
    ) -> bool {
        self.rule_days_in_pool(now, calendar) > self.note_rule.days
            && self.last_note_at.is_none_or(|t| t < self.entered_pool_at)
    }

    /// Checks the caller's expected version, when given.
    ///
    /// # Errors
    /// [`RuleViolation::StaleVersion`] when it differs.
    pub fn check_version(&self, expected: Option<i64>) -> Result<(), RuleViolation> {
        match expected {
            Some(v) if v != self.version => Err(RuleViolation::StaleVersion),
            _ => Ok(()),
        }
    }

    pub(super) fn step(&self, action: HistoryAction, next: &Case, detail: Option<String>) -> Step {
        Step {
            action,
            from_status: Some(self.status),
            to_status: next.status,
            from_pool: Some(self.pool_id),
            to_pool: next.pool_id,
            from_holder: self.holder_id,
            to_holder: next.holder_id,
            detail,
        }
    }

    /// The task steps of opening it.
    fn opening_steps(&self) -> Vec<(Step, EventKind)> {
        let opened = Step {
            action: HistoryAction::Opened,
            from_status: None,
            to_status: CaseStatus::InPool,
            from_pool: None,
            to_pool: self.pool_id,
            from_holder: None,
            to_holder: None,
            detail: None,
        };
        let mut steps = vec![(opened, EventKind::Opened)];
        if self.status == CaseStatus::Resolved {
            steps.push((
                Step {
                    action: HistoryAction::Resolved,
                    from_status: Some(CaseStatus::InPool),
                    to_status: CaseStatus::Resolved,
                    from_pool: Some(self.pool_id),
                    to_pool: self.pool_id,
                    from_holder: None,
                    to_holder: None,
                    detail: Some("information_only".to_owned()),
                },
                EventKind::Resolved,
            ));
        }
        steps
    }

    /// An expert claims it from the pool, or a callback agent from the callback pool.
    ///
    /// # Errors
    /// [`RuleViolation`] when it is not unheld in the right pool.
    pub fn claim(
        &self,
        by: Uuid,
        callback: bool,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        let (expected, action) = if callback {
            (CaseStatus::AwaitingCallback, HistoryAction::CallbackClaimed)
        } else {
            (CaseStatus::InPool, HistoryAction::Claimed)
        };
        if self.status != expected {
            return Err(if callback {
                RuleViolation::NotAwaitingCallback
            } else {
                RuleViolation::NotInPool
            });
        }
        if self.holder_id.is_some() {
            return Err(RuleViolation::HeldByOther);
        }
        if self.incident.is_some() {
            return Err(RuleViolation::LinkedToIncident);
        }
        let mut next = self.clone();
        next.holder_id = Some(by);
        next.held_since = Some(now);
        if !callback {
            next.status = CaseStatus::Held;
        }
        let step = self.step(action, &next, None);
        Ok((next, step, EventKind::Claimed))
    }

    /// A pool manager gives it to an expert, or moves it from one to another.
    ///
    /// # Errors
    /// [`RuleViolation`] when it is closed or already with that expert.
    pub fn assign(
        &self,
        to: Uuid,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        match self.status {
            CaseStatus::InPool | CaseStatus::Held => {}
            CaseStatus::AwaitingCallback => return Err(RuleViolation::AlreadyClosed),
            CaseStatus::Resolved => return Err(RuleViolation::Resolved),
        }
        if self.holder_id == Some(to) {
            return Err(RuleViolation::SameHolder);
        }
        if self.incident.is_some() {
            return Err(RuleViolation::LinkedToIncident);
        }
        let mut next = self.clone();
        next.status = CaseStatus::Held;
        next.holder_id = Some(to);
        next.held_since = Some(now);
        let step = self.step(HistoryAction::Assigned, &next, None);
        Ok((
            next,
            step,
            EventKind::Assigned {
                from: self.holder_id,
            },
        ))
    }

    /// Moves it to another pool's unassigned list; the 3-day clock restarts there.
    ///
    /// # Errors
    /// [`RuleViolation`] when closed, resolved, or already in `to_pool`.
    pub fn transfer(
        &self,
        to_pool: Uuid,
        reason: String,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        match self.status {
            CaseStatus::InPool | CaseStatus::Held => {}
            CaseStatus::AwaitingCallback => return Err(RuleViolation::AlreadyClosed),
            CaseStatus::Resolved => return Err(RuleViolation::Resolved),
        }
        if self.pool_id == to_pool {
            return Err(RuleViolation::SamePool);
        }
        if self.incident.is_some() {
            return Err(RuleViolation::LinkedToIncident);
        }
        let mut next = self.clone();
        next.pool_id = to_pool;
        next.status = CaseStatus::InPool;
        next.holder_id = None;
        next.held_since = None;
        next.entered_pool_at = now;
        let step = self.step(HistoryAction::Transferred, &next, Some(reason));
        Ok((
            next,
            step,
            EventKind::Transferred {
                from_pool: self.pool_id,
            },
        ))
    }

    /// Corrects what was recorded wrong, each change a step of its own
    /// (the detail is `old → new`: plate codes, district names, category
    /// codes), then moves it to `to_pool` as [`Case::transfer`] does. A
    /// province correction without a district clears the district.
    ///
    /// # Errors
    /// As [`Case::transfer`].
    pub fn transfer_corrected(
        &self,
        to_pool: Uuid,
        reason: String,
        fix: &Correction,
        now: Timestamp,
    ) -> Result<(Case, Vec<(Step, EventKind)>), RuleViolation> {
        let mut steps = Vec::new();
        let mut cur = self.clone();
        let mut change =
            |cur: &mut Case, action, field, detail: String, apply: &dyn Fn(&mut Case)| {
                let mut next = cur.clone();
                apply(&mut next);
                steps.push((
                    cur.step(action, &next, Some(detail)),
                    EventKind::Corrected { field },
                ));
                *cur = next;
            };
        if let Some(p) = fix.province_code.filter(|p| *p != cur.province_code) {
            let detail = format!("{} → {p}", cur.province_code);
            change(
                &mut cur,
                HistoryAction::ProvinceCorrected,
                "province",
                detail,
                &|c| {
                    c.province_code = p;
                },
            );
            if fix.district.is_none() && cur.district.is_some() {
                let detail = format!("{} → ", cur.district.clone().unwrap_or_default());
                change(
                    &mut cur,
                    HistoryAction::DistrictCorrected,
                    "district",
                    detail,
                    &|c| {
                        c.district = None;
                    },
                );
            }
        }
        if let Some(d) = fix
            .district
            .as_ref()
            .filter(|d| cur.district.as_ref() != Some(*d))
        {
            let detail = format!("{} → {d}", cur.district.clone().unwrap_or_default());
            change(
                &mut cur,
                HistoryAction::DistrictCorrected,
                "district",
                detail,
                &|c| {
                    c.district = Some(d.clone());
                },
            );
        }
        if let Some(k) = fix.category.as_ref().filter(|k| **k != cur.category) {
            let detail = format!("{} → {k}", cur.category);
            change(
                &mut cur,
                HistoryAction::CategoryCorrected,
                "category",
                detail,
                &|c| {
                    c.category = k.clone();
                },
            );
        }
        let (next, step, kind) = cur.transfer(to_pool, reason, now)?;
        steps.push((step, kind));
        Ok((next, steps))
    }

    /// Adds a note; a note never closes the case.
    ///
    /// # Errors
    /// [`RuleViolation::Resolved`] on a resolved case.
    pub fn add_note(
        &self,
        note_id: Uuid,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        if self.status == CaseStatus::Resolved {
            return Err(RuleViolation::Resolved);
        }
        let mut next = self.clone();
        next.last_note_at = Some(now);
        let step = self.step(HistoryAction::NoteAdded, &next, None);
        Ok((next, step, EventKind::NoteAdded { note_id }))
    }

    /// The citizen's follow-up message (an e-mail reply, a later message)
    /// joins the case, whatever its status: what a citizen wrote is never
    /// refused or lost, and a message on a resolved case is for its pool
    /// manager to read (and reopen it if need be). It changes neither status
    /// nor holder, and it is not a progress note: `last_note_at` stays, so
    /// the 3-day rule still asks the expert for one.
    pub fn add_citizen_message(
        &self,
        note_id: Uuid,
        application_id: Uuid,
        channel: Channel,
        from_applicant: bool,
    ) -> (Case, Step, EventKind) {
        let next = self.clone();
        let step = self.step(
            HistoryAction::CitizenMessageAdded,
            &next,
            Some(channel.as_str().to_owned()),
        );
        (
            next,
            step,
            EventKind::CitizenMessageAdded {
                note_id,
                application_id,
                channel,
                from_applicant,
                status: self.status,
            },
        )
    }

    /// The holding expert saves the official answer. A phone reply sends it
    /// to the callback pool; any other reply resolves it.
    ///
    /// # Errors
    /// [`RuleViolation`] when the caller does not hold it, or the note rule applies.
    pub fn close(
        &self,
        by: Uuid,
        answer: String,
        now: Timestamp,
        calendar: &tekmerkez_workdays::Calendar,
    ) -> Result<(Case, Vec<(Step, EventKind)>), RuleViolation> {
        match self.status {
            CaseStatus::Held => {}
            CaseStatus::InPool => return Err(RuleViolation::NotHolder),
            CaseStatus::AwaitingCallback => return Err(RuleViolation::AlreadyClosed),
            CaseStatus::Resolved => return Err(RuleViolation::Resolved),
        }
        if self.holder_id != Some(by) {
            return Err(RuleViolation::NotHolder);
        }
        if self.note_required_to_close(now, calendar) {
            return Err(RuleViolation::NoteRequired(self.note_rule.days));
        }
        Ok(self.answered(by, answer, self.reply_channel, None, now))
    }

    /// It with `answer` given by `by` at `now`, to go out on `reply`: the
    /// "closed by expert" step (its detail `detail`), then, unless the
    /// answer waits for a phone call, the step resolving it, which names
    /// the reply channel. The closing rules are the caller's.
    pub(super) fn answered(
        &self,
        by: Uuid,
        answer: String,
        reply: ReplyChannel,
        detail: Option<String>,
        now: Timestamp,
    ) -> (Case, Vec<(Step, EventKind)>) {
        let mut closed = self.clone();
        closed.official_answer = Some(answer);
        closed.closed_by = Some(by);
        closed.closed_at = Some(now);
        closed.holder_id = None;
        closed.held_since = None;
        closed.reply_channel = reply;
        closed.status = CaseStatus::AwaitingCallback;
        let mut steps = vec![(
            self.step(HistoryAction::ClosedByExpert, &closed, detail),
            EventKind::ClosedByExpert,
        )];
        if reply == ReplyChannel::PhoneCallback {
            return (closed, steps);
        }
        let mut resolved = closed.clone();
        resolved.status = CaseStatus::Resolved;
        resolved.resolved_at = Some(now);
        steps.push((
            closed.step(
                HistoryAction::Resolved,
                &resolved,
                Some(reply.as_str().to_owned()),
            ),
            EventKind::Resolved,
        ));
        (resolved, steps)
    }

    /// The holding callback agent records a call. Reached or unreachable
    /// resolves it; not reached keeps it with the agent until `retry_at`.
    ///
    /// # Errors
    /// [`RuleViolation`] when not waiting for a callback or held by another agent.
    pub fn record_callback(
        &self,
        by: Uuid,
        outcome: CallbackOutcome,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(Case, Vec<(Step, EventKind)>), RuleViolation> {
        if self.status == CaseStatus::Resolved {
            return Err(RuleViolation::Resolved);
        }
        if self.status != CaseStatus::AwaitingCallback {
            return Err(RuleViolation::NotAwaitingCallback);
        }
        if self.holder_id != Some(by) {
            return Err(RuleViolation::NotHolder);
        }
        let mut next = self.clone();
        next.callback_attempts = self.callback_attempts.saturating_add(1);
        next.callback_retry_at = retry_at;
        let recorded = self.step(
            HistoryAction::CallbackRecorded,
            &next,
            Some(outcome.as_str().to_owned()),
        );
        let mut steps = vec![(recorded, EventKind::CallbackRecorded { outcome })];
        if outcome == CallbackOutcome::NotReached {
            return Ok((next, steps));
        }
        let mut resolved = next.clone();
        resolved.status = CaseStatus::Resolved;
        resolved.resolved_at = Some(now);
        resolved.holder_id = None;
        resolved.held_since = None;
        resolved.callback_retry_at = None;
        steps.push((
            next.step(
                HistoryAction::Resolved,
                &resolved,
                Some(outcome.as_str().to_owned()),
            ),
            EventKind::Resolved,
        ));
        Ok((resolved, steps))
    }

    /// Puts a resolved case back into its pool, unheld, with a fresh 3-day clock.
    ///
    /// # Errors
    /// [`RuleViolation::NotResolved`] unless resolved.
    pub fn reopen(
        &self,
        reason: String,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        if self.status != CaseStatus::Resolved {
            return Err(RuleViolation::NotResolved);
        }
        let mut next = self.clone();
        next.status = CaseStatus::InPool;
        next.holder_id = None;
        next.held_since = None;
        // The previous answer and who gave it stay on record until the next close.
        next.resolved_at = None;
        next.entered_pool_at = now;
        next.callback_retry_at = None;
        let step = self.step(HistoryAction::Reopened, &next, Some(reason));
        Ok((next, step, EventKind::Reopened))
    }
}

impl Case {
    /// Reclassifies the case as `to` (who may is [`super::policy`]'s);
    /// its status, pool and holder stay.
    ///
    /// # Errors
    /// [`RuleViolation::SameType`] when it already is `to`.
    pub fn change_type(
        &self,
        to: ApplicationType,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        if self.application_type == to {
            return Err(RuleViolation::SameType);
        }
        let mut next = self.clone();
        next.application_type = to;
        let step = self.step(
            HistoryAction::TypeChanged,
            &next,
            Some(format!("{} → {}", self.application_type.code(), to.code())),
        );
        Ok((
            next,
            step,
            EventKind::TypeChanged {
                from: self.application_type,
            },
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(now: Timestamp) -> Case {
        Case {
            id: Uuid::new_v4(),
            seq: 0,
            tracking_number: "0123456789".into(),
            application_id: Uuid::new_v4(),
            request_fingerprint: String::new(),
            channel: Channel::WebForm,
            category: "su_arizasi".into(),
            text: "Sokakta su borusu patladı".into(),
            urgency: Urgency::Urgent,
            province_code: 6,
            district: Some("Çankaya".into()),
            neighbourhood: None,
            coordinates: None,
            pool_id: Uuid::new_v4(),
            status: CaseStatus::InPool,
            holder_id: None,
            reply_channel: ReplyChannel::PhoneCallback,
            contact: Contact::default(),
            consent: None,
            information_only: false,
            official_answer: None,
            closed_by: None,
            created_by: None,
            created_at: now,
            entered_pool_at: now,
            held_since: None,
            closed_at: None,
            resolved_at: None,
            last_note_at: None,
            callback_attempts: 0,
            callback_retry_at: None,
            not_reached: None,
            version: 1,
            source_reference: None,
            application_type: ApplicationType::Talep,
            source: ApplicationSource::Direct,
            partner_id: None,
            partner_reference: None,
            closure_reason: None,
            legal_due_date: None,
            internal_due_at: None,
            legal_extension_days: 0,
            legal_extended_at: None,
            note_rule: NoteRule::SEED,
            awaiting_citizen_since: None,
            incident: None,
            merged_into: None,
        }
    }

    pub(crate) fn no_deadlines() -> CaseDeadlines {
        CaseDeadlines {
            legal_due_date: None,
            internal_due_at: None,
            extension_days: 0,
            note_rule: NoteRule::SEED,
        }
    }

    fn cal() -> tekmerkez_workdays::Calendar {
        tekmerkez_workdays::Calendar::from_days([])
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn application(information_answer: Option<&str>) -> NewCase {
        NewCase {
            application_id: Uuid::new_v4(),
            tracking_number: None,
            channel: Channel::Phone,
            category: "genel_bilgi".into(),
            text: "Su kesintisi ne zaman bitecek?".into(),
            urgency: Urgency::Normal,
            province_code: 6,
            district: Some("Çankaya".into()),
            neighbourhood: None,
            coordinates: Some((39.92, 32.85)),
            pool_id: Uuid::new_v4(),
            contact: Contact::default(),
            reply_channel: ReplyChannel::Sms,
            consent: None,
            information_answer: information_answer.map(str::to_owned),
            received_at: None,
            fingerprint: "abc".into(),
            attachments: Vec::new(),
            recorded_by: None,
            source_reference: None,
            application_type: ApplicationType::Talep,
            source: ApplicationSource::Direct,
            partner_id: None,
            partner_reference: None,
        }
    }

    #[test]
    fn an_opened_case_waits_unheld_in_its_pool_from_now() {
        let now = ts("2026-03-02T08:00:00Z");
        let new = application(None);
        let id = Uuid::new_v4();
        let tn = TrackingNumber::generate();
        let (case, steps) = Case::open(&new, id, &tn, None, now, &no_deadlines());
        assert_eq!(case.id, id);
        assert_eq!(case.tracking_number, tn.as_str());
        assert_eq!(case.application_id, new.application_id);
        assert_eq!(case.request_fingerprint, "abc");
        assert_eq!(case.pool_id, new.pool_id);
        assert_eq!(case.coordinates, Some((39.92, 32.85)));
        assert_eq!(case.status, CaseStatus::InPool);
        assert_eq!(case.holder_id, None);
        assert!(!case.information_only);
        assert_eq!(case.official_answer, None);
        assert_eq!((case.created_at, case.entered_pool_at), (now, now));
        assert_eq!(
            (case.closed_at, case.resolved_at, case.closed_by),
            (None, None, None)
        );
        assert_eq!((case.days_in_pool(now), case.days_held(now)), (0, 0));
        assert_eq!((case.seq, case.version, case.callback_attempts), (0, 1, 0));
        assert_eq!(case.created_by, None, "a service opened it");
        assert_eq!(steps.len(), 1);
        let (step, kind) = &steps[0];
        assert_eq!(kind, &EventKind::Opened);
        assert_eq!(step.action, HistoryAction::Opened);
        assert_eq!(
            (step.from_status, step.to_status),
            (None, CaseStatus::InPool)
        );
        assert_eq!((step.from_pool, step.to_pool), (None, new.pool_id));
    }

    #[test]
    fn an_information_only_request_is_resolved_at_once_by_whoever_recorded_it() {
        let now = ts("2026-03-02T08:00:00Z");
        let agent = Uuid::new_v4();
        let new = application(Some("Kesinti 18:00'de bitecek."));
        let (case, steps) = Case::open(
            &new,
            Uuid::new_v4(),
            &TrackingNumber::generate(),
            Some(agent),
            now,
            &no_deadlines(),
        );
        assert_eq!(case.status, CaseStatus::Resolved);
        assert!(case.information_only);
        assert_eq!(
            case.official_answer.as_deref(),
            Some("Kesinti 18:00'de bitecek.")
        );
        assert_eq!((case.closed_at, case.resolved_at), (Some(now), Some(now)));
        assert_eq!(
            (case.created_by, case.closed_by),
            (Some(agent), Some(agent))
        );
        assert_eq!(case.holder_id, None);
        let kinds: Vec<_> = steps.iter().map(|(_, k)| k.clone()).collect();
        assert_eq!(kinds, [EventKind::Opened, EventKind::Resolved]);
        let resolved = &steps[1].0;
        assert_eq!(resolved.action, HistoryAction::Resolved);
        assert_eq!(
            (resolved.from_status, resolved.to_status),
            (Some(CaseStatus::InPool), CaseStatus::Resolved)
        );
        assert_eq!(resolved.detail.as_deref(), Some("information_only"));

        let (by_service, _) = Case::open(
            &new,
            Uuid::new_v4(),
            &TrackingNumber::generate(),
            None,
            now,
            &no_deadlines(),
        );
        assert_eq!((by_service.created_by, by_service.closed_by), (None, None));
        assert_eq!(by_service.status, CaseStatus::Resolved);
    }

    #[test]
    fn a_claimed_record_cannot_be_claimed_again() {
        let now = ts("2026-03-02T08:00:00Z");
        let (held, _, _) = sample(now).claim(Uuid::new_v4(), false, now).unwrap();
        assert_eq!(held.status, CaseStatus::Held);
        assert_eq!(
            held.claim(Uuid::new_v4(), false, now).unwrap_err(),
            RuleViolation::NotInPool
        );
    }

    #[test]
    fn closing_with_a_phone_reply_goes_to_the_callback_pool_and_others_resolve() {
        let now = ts("2026-03-02T08:00:00Z");
        let expert = Uuid::new_v4();
        let (held, _, _) = sample(now).claim(expert, false, now).unwrap();
        let (closed, steps) = held.close(expert, "Onarıldı".into(), now, &cal()).unwrap();
        assert_eq!(closed.status, CaseStatus::AwaitingCallback);
        assert_eq!(closed.holder_id, None);
        assert_eq!(steps.len(), 1);

        let mut email = held.clone();
        email.reply_channel = ReplyChannel::Email;
        let (resolved, steps) = email.close(expert, "Onarıldı".into(), now, &cal()).unwrap();
        assert_eq!(resolved.status, CaseStatus::Resolved);
        assert_eq!(
            steps.iter().map(|(s, _)| s.action).collect::<Vec<_>>(),
            [HistoryAction::ClosedByExpert, HistoryAction::Resolved]
        );
    }

    #[test]
    fn closing_a_case_without_contact_resolves_it_and_sends_it_to_no_callback() {
        let now = ts("2026-03-02T08:00:00Z");
        let expert = Uuid::new_v4();
        let mut c = sample(now);
        c.channel = Channel::SocialMedia;
        c.reply_channel = ReplyChannel::NoContact;
        let (held, _, _) = c.claim(expert, false, now).unwrap();
        let (resolved, steps) = held.close(expert, "Onarıldı".into(), now, &cal()).unwrap();
        assert_eq!(resolved.status, CaseStatus::Resolved);
        assert_eq!(resolved.official_answer.as_deref(), Some("Onarıldı"));
        assert_eq!(resolved.callback_attempts, 0);
        assert_eq!(
            steps.iter().map(|(s, _)| s.action).collect::<Vec<_>>(),
            [HistoryAction::ClosedByExpert, HistoryAction::Resolved]
        );
    }

    #[test]
    fn only_the_holder_may_close() {
        let now = ts("2026-03-02T08:00:00Z");
        let (held, _, _) = sample(now).claim(Uuid::new_v4(), false, now).unwrap();
        assert_eq!(
            held.close(Uuid::new_v4(), "x".into(), now, &cal())
                .unwrap_err(),
            RuleViolation::NotHolder
        );
    }

    #[test]
    fn after_three_istanbul_days_closing_needs_a_note_made_since_entering_the_pool() {
        // Entered 23:30 Istanbul on 1 March; 00:10 Istanbul on 5 March is 4 calendar days later.
        let entered = ts("2026-03-01T20:30:00Z");
        let expert = Uuid::new_v4();
        let (held, _, _) = sample(entered).claim(expert, false, entered).unwrap();
        let day3 = ts("2026-03-04T20:00:00Z"); // 23:00 on 4 March: 3 days, still allowed
        assert!(held.close(expert, "x".into(), day3, &cal()).is_ok());
        let day4 = ts("2026-03-04T21:10:00Z");
        assert_eq!(
            held.close(expert, "x".into(), day4, &cal()).unwrap_err(),
            RuleViolation::NoteRequired(3)
        );
        let (noted, _, _) = held.add_note(Uuid::new_v4(), day4).unwrap();
        assert_eq!(
            noted.status,
            CaseStatus::Held,
            "a note never closes the record"
        );
        assert!(noted.close(expert, "x".into(), day4, &cal()).is_ok());
    }

    #[test]
    fn a_note_from_before_a_transfer_does_not_satisfy_the_rule_in_the_new_pool() {
        let t0 = ts("2026-03-01T08:00:00Z");
        let expert = Uuid::new_v4();
        let (noted, _, _) = sample(t0).add_note(Uuid::new_v4(), t0).unwrap();
        let t1 = ts("2026-03-02T08:00:00Z");
        let (moved, _, _) = noted
            .transfer(Uuid::new_v4(), "başka il".into(), t1)
            .unwrap();
        let (held, _, _) = moved.claim(expert, false, t1).unwrap();
        let later = ts("2026-03-06T08:00:00Z");
        assert_eq!(
            held.close(expert, "x".into(), later, &cal()).unwrap_err(),
            RuleViolation::NoteRequired(3)
        );
    }

    #[test]
    fn a_correction_to_what_the_record_already_has_is_no_step() {
        let now = ts("2026-03-02T08:00:00Z");
        let case = sample(now);
        let same = Correction {
            province_code: Some(case.province_code),
            district: case.district.clone(),
            category: Some(case.category.clone()),
        };
        let (moved, steps) = case
            .transfer_corrected(Uuid::new_v4(), "birim".into(), &same, now)
            .unwrap();
        assert_eq!(
            steps.iter().map(|(s, _)| s.action).collect::<Vec<_>>(),
            vec![HistoryAction::Transferred]
        );
        assert_eq!(
            (moved.province_code, &moved.district, &moved.category),
            (case.province_code, &case.district, &case.category)
        );
        // A refused transfer corrects nothing either.
        let fix = Correction {
            category: Some("fatura".into()),
            ..Correction::default()
        };
        assert_eq!(
            case.transfer_corrected(case.pool_id, "x".into(), &fix, now)
                .unwrap_err(),
            RuleViolation::SamePool
        );
    }

    #[test]
    fn callbacks_resolve_when_reached_and_wait_when_not() {
        let now = ts("2026-03-02T08:00:00Z");
        let (expert, agent) = (Uuid::new_v4(), Uuid::new_v4());
        let (held, _, _) = sample(now).claim(expert, false, now).unwrap();
        let (waiting, _) = held.close(expert, "Onarıldı".into(), now, &cal()).unwrap();
        let (claimed, _, _) = waiting.claim(agent, true, now).unwrap();
        let retry = ts("2026-03-02T12:00:00Z");
        let (again, _) = claimed
            .record_callback(agent, CallbackOutcome::NotReached, Some(retry), now)
            .unwrap();
        assert_eq!(
            (again.status, again.callback_attempts, again.holder_id),
            (CaseStatus::AwaitingCallback, 1, Some(agent))
        );
        let (done, steps) = again
            .record_callback(agent, CallbackOutcome::Reached, None, retry)
            .unwrap();
        assert_eq!(done.status, CaseStatus::Resolved);
        assert_eq!(steps.len(), 2);
        assert_eq!(
            done.add_note(Uuid::new_v4(), retry).unwrap_err(),
            RuleViolation::Resolved
        );
    }

    #[test]
    fn only_resolved_records_reopen_and_they_return_unheld_to_their_pool() {
        let now = ts("2026-03-02T08:00:00Z");
        assert_eq!(
            sample(now).reopen("r".into(), now).unwrap_err(),
            RuleViolation::NotResolved
        );
        let mut resolved = sample(now);
        resolved.status = CaseStatus::Resolved;
        let (open, _, _) = resolved.reopen("r".into(), now).unwrap();
        assert_eq!((open.status, open.holder_id), (CaseStatus::InPool, None));
    }

    #[test]
    fn a_citizen_message_joins_any_status_and_is_not_a_progress_note() {
        let entered = ts("2026-03-01T08:00:00Z");
        let expert = Uuid::new_v4();
        let (held, _, _) = sample(entered).claim(expert, false, entered).unwrap();
        let (after, step, kind) =
            held.add_citizen_message(Uuid::new_v4(), Uuid::new_v4(), Channel::Email, true);
        assert_eq!(
            (after.status, after.holder_id, after.last_note_at),
            (CaseStatus::Held, Some(expert), None)
        );
        assert_eq!(step.action, HistoryAction::CitizenMessageAdded);
        assert_eq!(step.detail.as_deref(), Some("email"));
        assert!(matches!(
            kind,
            EventKind::CitizenMessageAdded {
                status: CaseStatus::Held,
                ..
            }
        ));
        let later = ts("2026-03-06T08:00:00Z");
        assert_eq!(
            after.close(expert, "x".into(), later, &cal()).unwrap_err(),
            RuleViolation::NoteRequired(3),
            "the citizen's message does not stand for the expert's note"
        );
        let mut resolved = sample(entered);
        resolved.status = CaseStatus::Resolved;
        let (still, _, _) =
            resolved.add_citizen_message(Uuid::new_v4(), Uuid::new_v4(), Channel::Email, false);
        assert_eq!(still.status, CaseStatus::Resolved);
    }

    #[test]
    fn a_type_change_is_a_step_from_the_old_code_to_the_new_and_keeps_the_rest() {
        let c = sample(ts("2026-03-02T08:00:00Z"));
        let (next, step, kind) = c.change_type(ApplicationType::Sikayet).unwrap();
        assert_eq!(next.application_type, ApplicationType::Sikayet);
        assert_eq!(
            (next.status, next.pool_id, next.holder_id),
            (c.status, c.pool_id, c.holder_id)
        );
        assert_eq!(step.action, HistoryAction::TypeChanged);
        assert_eq!(step.detail.as_deref(), Some("talep → sikayet"));
        assert_eq!(
            kind,
            EventKind::TypeChanged {
                from: ApplicationType::Talep
            }
        );
        assert_eq!(
            next.change_type(ApplicationType::Sikayet).unwrap_err(),
            RuleViolation::SameType
        );
    }

    #[test]
    fn a_stale_expected_version_is_refused() {
        let c = sample(ts("2026-03-02T08:00:00Z"));
        assert!(c.check_version(None).is_ok());
        assert!(c.check_version(Some(1)).is_ok());
        assert_eq!(
            c.check_version(Some(0)).unwrap_err(),
            RuleViolation::StaleVersion
        );
    }
}
