//! Incidents (olaylar): a place-bound parent record, such as a burst main
//! or a planned cut, that many citizens' reports are linked to and that
//! answers them all at once.
//!
//! ```text
//!  declare ─► OPEN ──link/unlink reports──► OPEN ──close (one answer)──► CLOSED
//! ```
//!
//! A linked report stays a case of its own (its citizen, its channel, its
//! counts in the reports) but leaves the pools' work lists: nobody claims,
//! assigns or moves it while it is linked. Closing the incident closes each
//! linked open report with the incident's answer ([`Case::close_by_incident`]).

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    case::{Case, EventKind, RuleViolation, Step},
    enums::{CaseStatus, HistoryAction, ReplyChannel},
};

pub use super::enums::{IncidentKind, IncidentStatus, LinkMethod};

/// A district, whole (no neighbourhoods) or some of its neighbourhoods,
/// spelled as the reference data spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub district: String,
    pub neighbourhoods: Vec<String>,
}

/// A report's link to its incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentLink {
    pub incident_id: Uuid,
    pub method: LinkMethod,
    pub linked_at: Timestamp,
}

/// One incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: Uuid,
    /// Its number (assigned by the store; zero before it is stored).
    pub number: i64,
    pub kind: IncidentKind,
    /// Category code of the reports it gathers.
    pub category: String,
    pub title: String,
    /// What citizens are told while it lasts.
    pub public_text: String,
    pub province_code: u8,
    pub areas: Vec<Area>,
    pub starts_at: Timestamp,
    pub expected_end_at: Option<Timestamp>,
    /// The pool that owns it.
    pub pool_id: Uuid,
    pub status: IncidentStatus,
    pub answer: Option<String>,
    pub closure_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<Timestamp>,
    /// Its own deadline: its category's internal target.
    pub due_at: Option<Timestamp>,
    /// Idempotency key of the declaration.
    pub request_id: Option<Uuid>,
    /// Optimistic-concurrency version, from 1.
    pub version: i64,
}

/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The longest public text or answer.
pub const MAX_TEXT: usize = 4000;
/// The most districts one incident covers.
pub const MAX_AREAS: usize = 100;

impl Incident {
    /// Its reference as people say it: `OLY-000012`.
    pub fn reference(&self) -> String {
        reference(self.number)
    }

    /// Whether it reaches `district` of `province_code` at all: the whole
    /// district or some of its neighbourhoods.
    pub fn touches(&self, province_code: u8, district: &str) -> bool {
        self.province_code == province_code && self.areas.iter().any(|a| a.district == district)
    }

    /// Whether it certainly covers the place: a listed district that is
    /// whole, or whose listed neighbourhoods hold `neighbourhood`.
    pub fn covers(
        &self,
        province_code: u8,
        district: Option<&str>,
        neighbourhood: Option<&str>,
    ) -> bool {
        self.province_code == province_code
            && self.areas.iter().any(|a| {
                Some(a.district.as_str()) == district
                    && (a.neighbourhoods.is_empty()
                        || neighbourhood.is_some_and(|n| a.neighbourhoods.iter().any(|x| x == n)))
            })
    }

    /// A planned or unplanned outage, which citizens are told about.
    pub fn is_outage(&self) -> bool {
        matches!(
            self.kind,
            IncidentKind::PlannedOutage | IncidentKind::UnplannedOutage
        )
    }

    /// Closes it with `answer` and `reason` by `by` at `now` (the store
    /// moves its version on).
    ///
    /// # Errors
    /// [`IncidentRule::Closed`] when it is closed already.
    pub fn close(
        &self,
        by: Uuid,
        answer: String,
        reason: String,
        now: Timestamp,
    ) -> Result<Incident, IncidentRule> {
        self.check_open()?;
        let mut next = self.clone();
        next.status = IncidentStatus::Closed;
        next.answer = Some(answer);
        next.closure_reason = Some(reason);
        next.closed_by = Some(by);
        next.closed_at = Some(now);
        Ok(next)
    }

    /// # Errors
    /// [`IncidentRule::Closed`] when it no longer takes links or answers.
    pub fn check_open(&self) -> Result<(), IncidentRule> {
        match self.status {
            IncidentStatus::Open => Ok(()),
            IncidentStatus::Closed => Err(IncidentRule::Closed),
        }
    }
}

/// The reference of incident number `n`.
pub fn reference(n: i64) -> String {
    format!("OLY-{n:06}")
}

/// A rule of the incident itself that a request broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IncidentRule {
    #[error("the incident is closed: it takes no more records and was answered already")]
    Closed,
    #[error("the incident changed since it was loaded: reload it")]
    StaleVersion,
}

impl Case {
    /// Links it to `incident`, which it leaves the work lists for: an
    /// expert holding it lets it go, and it waits in its pool, unheld,
    /// for the incident's answer.
    ///
    /// # Errors
    /// [`RuleViolation`] when it is closed, already linked, or in another province.
    pub fn link_to_incident(
        &self,
        incident: &Incident,
        method: LinkMethod,
        now: Timestamp,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        self.check_open_for_incident()?;
        if self.incident.is_some() {
            return Err(RuleViolation::AlreadyLinked);
        }
        if self.province_code != incident.province_code {
            return Err(RuleViolation::OtherProvince);
        }
        let mut next = self.clone();
        next.incident = Some(IncidentLink {
            incident_id: incident.id,
            method,
            linked_at: now,
        });
        next.status = CaseStatus::InPool;
        next.holder_id = None;
        next.held_since = None;
        let step = self.step(
            HistoryAction::LinkedToIncident,
            &next,
            Some(incident.reference()),
        );
        Ok((
            next,
            step,
            EventKind::LinkedToIncident {
                incident_id: incident.id,
                method,
            },
        ))
    }

    /// Takes it out of `incident` with `reason`: it is back in its pool's
    /// work list, where it was.
    ///
    /// # Errors
    /// [`RuleViolation::NotLinked`] when it is not linked to `incident`.
    pub fn unlink_from_incident(
        &self,
        incident: &Incident,
        reason: &str,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        if self.linked_incident() != Some(incident.id) {
            return Err(RuleViolation::NotLinked);
        }
        self.check_open_for_incident()?;
        let mut next = self.clone();
        next.incident = None;
        let step = self.step(
            HistoryAction::UnlinkedFromIncident,
            &next,
            Some(format!("{}: {reason}", incident.reference())),
        );
        Ok((
            next,
            step,
            EventKind::UnlinkedFromIncident {
                incident_id: incident.id,
            },
        ))
    }

    /// Closes it with its incident's answer, given by `by` at `now` with
    /// closure reason `reason`. The citizen is told on their reply channel;
    /// one who asked to be phoned and gave a mobile number gets the answer
    /// by SMS instead (the reply channel changes, and its step says so),
    /// any other phone-reply citizen waits in the callback pool.
    ///
    /// # Errors
    /// [`RuleViolation`] when it is not an open record linked to `incident`.
    pub fn close_by_incident(
        &self,
        incident: &Incident,
        by: Uuid,
        reason: &str,
        now: Timestamp,
    ) -> Result<(Case, Vec<(Step, EventKind)>), RuleViolation> {
        if self.linked_incident() != Some(incident.id) {
            return Err(RuleViolation::NotLinked);
        }
        self.check_open_for_incident()?;
        let by_sms = self.reply_channel == ReplyChannel::PhoneCallback
            && self.contact.phone.as_ref().is_some_and(|p| p.is_mobile());
        let reply = if by_sms {
            ReplyChannel::Sms
        } else {
            self.reply_channel
        };
        let (mut next, steps) = self.answered(
            by,
            incident.answer.clone().unwrap_or_default(),
            reply,
            Some(incident.reference()),
            now,
        );
        next.closure_reason = Some(reason.to_owned());
        Ok((next, steps))
    }

    /// The incident it is linked to.
    pub fn linked_incident(&self) -> Option<Uuid> {
        self.incident.map(|l| l.incident_id)
    }

    /// A linked or linkable record is one nobody has answered yet.
    fn check_open_for_incident(&self) -> Result<(), RuleViolation> {
        match self.status {
            CaseStatus::InPool | CaseStatus::Held => Ok(()),
            CaseStatus::AwaitingCallback => Err(RuleViolation::AlreadyClosed),
            CaseStatus::Resolved => Err(RuleViolation::Resolved),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        contact::PhoneNumber,
        enums::{CaseStatus, ReplyChannel},
    };

    fn incident(now: Timestamp) -> Incident {
        Incident {
            id: Uuid::now_v7(),
            number: 12,
            kind: IncidentKind::UnplannedOutage,
            category: "su_arizasi".into(),
            title: "İzmit ana boru".into(),
            public_text: "Ana boru patladı".into(),
            province_code: 41,
            areas: vec![Area {
                district: "İzmit".into(),
                neighbourhoods: vec![],
            }],
            starts_at: now,
            expected_end_at: None,
            pool_id: Uuid::now_v7(),
            status: IncidentStatus::Open,
            answer: None,
            closure_reason: None,
            created_by: Uuid::now_v7(),
            created_at: now,
            closed_by: None,
            closed_at: None,
            due_at: None,
            request_id: None,
            version: 1,
        }
    }

    fn report(now: Timestamp) -> Case {
        let mut c = crate::domain::case::tests::sample(now);
        c.province_code = 41;
        c.district = Some("İzmit".into());
        c
    }

    #[test]
    fn a_reference_has_six_digits() {
        assert_eq!(reference(12), "OLY-000012");
        assert_eq!(reference(1_234_567), "OLY-1234567");
    }

    #[test]
    fn an_incident_covers_its_districts_in_its_province_only() {
        let mut i = incident(Timestamp::now());
        i.areas.push(Area {
            district: "Gebze".into(),
            neighbourhoods: vec!["Arapçeşme".into()],
        });
        assert!(i.covers(41, Some("İzmit"), None), "a whole district");
        assert!(i.covers(41, Some("İzmit"), Some("Yenişehir")));
        assert!(!i.covers(35, Some("İzmit"), None));
        assert!(!i.covers(41, None, None));
        assert!(i.covers(41, Some("Gebze"), Some("Arapçeşme")));
        assert!(!i.covers(41, Some("Gebze"), Some("Hacıhalil")));
        assert!(!i.covers(41, Some("Gebze"), None), "only some of it");
        assert!(i.touches(41, "Gebze"));
        assert!(!i.touches(41, "Kartepe"));
        assert!(i.is_outage());
    }

    #[test]
    fn linking_lets_go_of_the_holder_and_names_the_incident() {
        let now = Timestamp::now();
        let i = incident(now);
        let mut c = report(now);
        c.status = CaseStatus::Held;
        c.holder_id = Some(Uuid::now_v7());
        let (next, step, kind) = c.link_to_incident(&i, LinkMethod::Bulk, now).unwrap();
        assert_eq!(next.linked_incident(), Some(i.id));
        assert_eq!(next.status, CaseStatus::InPool);
        assert_eq!(next.holder_id, None);
        assert_eq!(step.detail.as_deref(), Some("OLY-000012"));
        assert_eq!(
            kind,
            EventKind::LinkedToIncident {
                incident_id: i.id,
                method: LinkMethod::Bulk
            }
        );
        assert_eq!(
            next.link_to_incident(&i, LinkMethod::Manual, now)
                .unwrap_err(),
            RuleViolation::AlreadyLinked
        );
    }

    #[test]
    fn a_closed_or_foreign_record_is_not_linked() {
        let now = Timestamp::now();
        let i = incident(now);
        let mut c = report(now);
        c.status = CaseStatus::Resolved;
        assert_eq!(
            c.link_to_incident(&i, LinkMethod::Manual, now).unwrap_err(),
            RuleViolation::Resolved
        );
        let mut c = report(now);
        c.province_code = 35;
        assert_eq!(
            c.link_to_incident(&i, LinkMethod::Manual, now).unwrap_err(),
            RuleViolation::OtherProvince
        );
    }

    #[test]
    fn unlinking_needs_the_link_and_keeps_the_reason() {
        let now = Timestamp::now();
        let i = incident(now);
        let c = report(now);
        assert_eq!(
            c.unlink_from_incident(&i, "başka adres").unwrap_err(),
            RuleViolation::NotLinked
        );
        let (linked, _, _) = c.link_to_incident(&i, LinkMethod::Manual, now).unwrap();
        let (back, step, _) = linked.unlink_from_incident(&i, "başka adres").unwrap();
        assert_eq!(back.incident, None);
        assert_eq!(step.detail.as_deref(), Some("OLY-000012: başka adres"));
    }

    fn closed_incident(now: Timestamp) -> Incident {
        incident(now)
            .close(Uuid::now_v7(), "Onarıldı.".into(), "cozuldu".into(), now)
            .unwrap()
    }

    fn linked(now: Timestamp, i: &Incident, reply: ReplyChannel, phone: &str) -> Case {
        let mut c = report(now);
        c.reply_channel = reply;
        c.contact.phone = PhoneNumber::parse(phone).ok();
        c.link_to_incident(i, LinkMethod::Automatic, now).unwrap().0
    }

    #[test]
    fn closing_answers_each_citizen_on_their_channel() {
        let now = Timestamp::now();
        let open = incident(now);
        let i = Incident {
            id: open.id,
            ..closed_incident(now)
        };
        let by = Uuid::now_v7();
        // An e-mail reply is resolved at once.
        let c = linked(now, &open, ReplyChannel::Email, "+905321234567");
        let (next, steps) = c.close_by_incident(&i, by, "cozuldu", now).unwrap();
        assert_eq!(next.status, CaseStatus::Resolved);
        assert_eq!(next.official_answer.as_deref(), Some("Onarıldı."));
        assert_eq!(next.closure_reason.as_deref(), Some("cozuldu"));
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].0.detail.as_deref(), Some("OLY-000012"));
        // A phone reply with a mobile number gets an SMS.
        let c = linked(now, &open, ReplyChannel::PhoneCallback, "0532 123 45 67");
        let (next, _) = c.close_by_incident(&i, by, "cozuldu", now).unwrap();
        assert_eq!(next.reply_channel, ReplyChannel::Sms);
        assert_eq!(next.status, CaseStatus::Resolved);
        // A landline waits for a callback.
        let c = linked(now, &open, ReplyChannel::PhoneCallback, "0312 555 12 34");
        let (next, steps) = c.close_by_incident(&i, by, "cozuldu", now).unwrap();
        assert_eq!(next.reply_channel, ReplyChannel::PhoneCallback);
        assert_eq!(next.status, CaseStatus::AwaitingCallback);
        assert_eq!(steps.len(), 1);
        // Twice is refused.
        let c = linked(now, &open, ReplyChannel::Email, "+905321234567");
        let (done, _) = c.close_by_incident(&i, by, "cozuldu", now).unwrap();
        assert_eq!(
            done.close_by_incident(&i, by, "cozuldu", now).unwrap_err(),
            RuleViolation::Resolved
        );
    }

    #[test]
    fn a_closed_incident_closes_once() {
        let now = Timestamp::now();
        let i = closed_incident(now);
        assert_eq!(i.status, IncidentStatus::Closed);
        assert_eq!(i.answer.as_deref(), Some("Onarıldı."));
        assert_eq!(
            i.close(Uuid::now_v7(), "x".into(), "cozuldu".into(), now)
                .unwrap_err(),
            IncidentRule::Closed
        );
    }
}
