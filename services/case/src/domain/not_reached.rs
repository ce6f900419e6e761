//! "Citizen not reached" (vatandaşa ulaşılamadı): when a message carrying
//! the answer cannot be delivered after its retries, notify reports it and
//! the case keeps its status but carries a mark, so the case appears in the
//! callback unit's *Ulaşılamayanlar* list instead of being a failed row
//! nobody reads. Whoever acts on it (calls, writes on another channel,
//! posts a letter, or gives up) records what they did, which clears the mark.
//!
//! The mark is keyed by the failed delivery: notify's report of the same
//! delivery again changes nothing, and a later delivery failing after the
//! mark was cleared marks the case again.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    case::{Case, EventKind, RuleViolation, Step},
    enums::{HistoryAction, NotReachedOutcome},
    fields::Violations,
};

/// The open mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReached {
    /// When notify gave up.
    pub at: Timestamp,
    /// `sms`, `email` or `social`.
    pub channel: String,
    /// The delivery's reason code.
    pub reason: String,
    /// The notify delivery that failed.
    pub delivery_id: Uuid,
}

/// The channels a delivery can fail on.
pub const CHANNELS: &[&str] = &["sms", "email", "social"];

/// A reason code is a short code, never free text (it is shown in the
/// history and sent in events, so it must not carry personal data).
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks notify's report before anything is read.
///
/// # Errors
/// The fields that are not codes.
pub fn check_report(channel: &str, reason: &str) -> Result<(), Violations> {
    let mut v = Violations::new();
    if !CHANNELS.contains(&channel) {
        v.add("channel", "must be sms, email or social");
    }
    if !is_code(reason) {
        v.add(
            "reason",
            "must be a reason code: 1 to 64 lower-case letters, digits or '_'",
        );
    }
    v.into_result()
}

impl Case {
    /// Marks that `delivery` could not reach the citizen on `channel`;
    /// `None` when this delivery's mark is already open (a repeated report).
    pub fn mark_not_reached(
        &self,
        delivery: Uuid,
        channel: &str,
        reason: &str,
        now: Timestamp,
    ) -> Option<(Case, Step, EventKind)> {
        if self
            .not_reached
            .as_ref()
            .is_some_and(|m| m.delivery_id == delivery)
        {
            return None;
        }
        let mut next = self.clone();
        next.not_reached = Some(NotReached {
            at: now,
            channel: channel.to_owned(),
            reason: reason.to_owned(),
            delivery_id: delivery,
        });
        let step = self.step(
            HistoryAction::CitizenNotReached,
            &next,
            Some(format!("{channel}: {reason}")),
        );
        let kind = EventKind::CitizenNotReached {
            channel: channel.to_owned(),
            reason: reason.to_owned(),
        };
        Some((next, step, kind))
    }

    /// Records what was done about the mark, and clears it.
    ///
    /// # Errors
    /// [`RuleViolation::NotMarkedNotReached`] when there is no open mark.
    pub fn resolve_not_reached(
        &self,
        outcome: NotReachedOutcome,
    ) -> Result<(Case, Step, EventKind), RuleViolation> {
        if self.not_reached.is_none() {
            return Err(RuleViolation::NotMarkedNotReached);
        }
        let mut next = self.clone();
        next.not_reached = None;
        let step = self.step(
            HistoryAction::NotReachedResolved,
            &next,
            Some(outcome.as_str().to_owned()),
        );
        Ok((next, step, EventKind::NotReachedResolved { outcome }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{case::tests::sample, enums::CaseStatus};

    fn now() -> Timestamp {
        "2026-12-06T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_failed_answer_marks_the_case_once_per_delivery_and_keeps_its_status() {
        let case = sample(now());
        let delivery = Uuid::now_v7();
        let (marked, step, kind) = case
            .mark_not_reached(delivery, "email", "rejected", now())
            .unwrap();
        assert_eq!(marked.status, case.status);
        assert_eq!(step.action, HistoryAction::CitizenNotReached);
        assert_eq!(step.detail.as_deref(), Some("email: rejected"));
        assert!(matches!(kind, EventKind::CitizenNotReached { .. }));
        assert!(
            marked
                .mark_not_reached(delivery, "email", "rejected", now())
                .is_none(),
            "the same delivery reported again changes nothing"
        );
        let (again, _, _) = marked
            .mark_not_reached(Uuid::now_v7(), "sms", "invalid_number", now())
            .expect("another delivery's failure is a new mark");
        assert_eq!(again.not_reached.unwrap().channel, "sms");
    }

    #[test]
    fn acting_on_the_mark_clears_it_and_a_second_action_is_refused() {
        let mut case = sample(now());
        case.status = CaseStatus::Resolved;
        let (marked, _, _) = case
            .mark_not_reached(Uuid::now_v7(), "sms", "rejected", now())
            .unwrap();
        let (done, step, _) = marked
            .resolve_not_reached(NotReachedOutcome::Called)
            .unwrap();
        assert!(done.not_reached.is_none());
        assert_eq!(done.status, CaseStatus::Resolved);
        assert_eq!(step.detail.as_deref(), Some("called"));
        assert_eq!(
            done.resolve_not_reached(NotReachedOutcome::GaveUp),
            Err(RuleViolation::NotMarkedNotReached)
        );
    }

    #[test]
    fn reports_carry_codes_only() {
        assert!(check_report("sms", "invalid_number").is_ok());
        assert!(check_report("fax", "rejected").is_err());
        assert!(check_report("email", "550 no such user ayse@example.com").is_err());
        assert!(check_report("email", "").is_err());
    }
}
