//! Duplicates: which records a new one may repeat, how likely, and the
//! merge of a citizen's repeated report into their first one.
//!
//! Two kinds are told apart because the clarifications of issue 20 treat
//! them differently: the same citizen's repeat (a shared phone number or
//! e-mail address, the same category) is merged; other citizens' reports
//! of one place are never merged, only linked to an incident, and nobody
//! sees another citizen's text through the suggestion.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::{
    case::{Case, EventKind, RuleViolation, Step},
    enums::{CaseStatus, HistoryAction},
    person::PersonKey,
};

/// Why a record is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateKind {
    /// The same citizen, the same category: mergeable.
    SameCitizen,
    /// Another citizen's report of the same category and place.
    SamePlace,
}

/// How far apart records may be to be suggested (settings
/// `case.duplicates.*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// The same citizen's records within this many days of each other.
    pub same_citizen_days: u32,
    /// Other citizens' reports within this many hours of each other.
    pub same_place_hours: u32,
    /// Other citizens' reports within this many metres, when both have a
    /// point.
    pub same_place_metres: u32,
}

impl Default for Window {
    fn default() -> Self {
        Self {
            same_citizen_days: 30,
            same_place_hours: 48,
            same_place_metres: 500,
        }
    }
}

/// A suggested record with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Likeness {
    pub kind: DuplicateKind,
    /// 0 to 100.
    pub score: u8,
    /// 0 to 100: the texts' likeness alone.
    pub text: u8,
    /// Metres apart, when both have a point.
    pub distance_m: Option<u32>,
}

/// Whether `a` and `b` share a phone number or an e-mail address.
pub fn same_citizen(a: &Case, b: &Case) -> bool {
    let keys = PersonKey::of(&a.contact);
    PersonKey::of(&b.contact).iter().any(|k| keys.contains(k))
}

/// How likely `other` repeats `case`, or `None` when it is not a candidate
/// at all (another category, too far apart in time or space, itself
/// merged away).
///
/// The same citizen's record scores 50 for who and what, plus half the
/// texts' likeness: a citizen asking twice about one thing is a repeat
/// even in other words. Another citizen's report scores up to 40 for
/// nearness (by metres when both have a point, else 25 for the same
/// neighbourhood, 10 for the district alone), up to 30 for nearness in
/// time, and up to 30 for the texts' likeness.
pub fn likeness(case: &Case, other: &Case, window: &Window) -> Option<Likeness> {
    if other.id == case.id || other.merged_into.is_some() || other.category != case.category {
        return None;
    }
    let apart = (case.created_at.duration_since(other.created_at)).abs();
    let text = text_likeness(&case.text, &other.text);
    if same_citizen(case, other) {
        if apart > SignedDuration::from_hours(24 * i64::from(window.same_citizen_days)) {
            return None;
        }
        return Some(Likeness {
            kind: DuplicateKind::SameCitizen,
            score: 50 + text / 2,
            text,
            distance_m: distance(case, other),
        });
    }
    if other.province_code != case.province_code
        || other.district.is_none()
        || other.district != case.district
    {
        return None;
    }
    let hours = i64::from(window.same_place_hours.max(1));
    if apart > SignedDuration::from_hours(hours) {
        return None;
    }
    let distance_m = distance(case, other);
    let place = match (distance_m, &case.neighbourhood, &other.neighbourhood) {
        (Some(d), _, _) if d > window.same_place_metres => return None,
        (Some(d), _, _) => 40 - scale(40, d, window.same_place_metres.max(1)),
        (None, Some(a), Some(b)) if a != b => return None,
        (None, Some(_), Some(_)) => 25,
        (None, _, _) => 10,
    };
    let secs = u32::try_from(apart.as_secs()).unwrap_or(u32::MAX);
    let hours_secs = u32::try_from(hours * 3600).unwrap_or(u32::MAX);
    let time = 30 - scale(30, secs, hours_secs);
    Some(Likeness {
        kind: DuplicateKind::SamePlace,
        score: place + time + scale(30, u32::from(text), 100),
        text,
        distance_m,
    })
}

/// `max * part / whole`, rounded down, `part` at most `whole`.
fn scale(max: u8, part: u32, whole: u32) -> u8 {
    let v = u64::from(max) * u64::from(part.min(whole)) / u64::from(whole.max(1));
    u8::try_from(v).unwrap_or(max)
}

/// The texts' likeness, 0 to 100 (see [`tekmerkez_turkish::similarity`]).
fn text_likeness(a: &str, b: &str) -> u8 {
    let v = (tekmerkez_turkish::similarity(a, b) * 100.0).round();
    // In 0..=100 by the similarity's definition.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let v = v.clamp(0.0, 100.0) as u8;
    v
}

/// Metres between the two records' points, when both have one.
fn distance(a: &Case, b: &Case) -> Option<u32> {
    let (p, q) = (a.coordinates?, b.coordinates?);
    let m = metres_between(p, q).round();
    // Earth's half circumference fits u32 metres.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let m = m.clamp(0.0, f64::from(u32::MAX)) as u32;
    Some(m)
}

/// Great-circle distance in metres (haversine, mean Earth radius).
pub fn metres_between((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// What a merge did: the duplicate resolved into the original, and the
/// original with the duplicate's text as the citizen's message.
#[derive(Debug, Clone)]
pub struct Merge {
    pub duplicate: Case,
    pub duplicate_step: (Step, EventKind),
    pub original: Case,
    pub original_step: (Step, EventKind),
}

impl Case {
    /// Merges this record, a duplicate, into the same citizen's `original`
    /// by `by` at `now`. The duplicate is resolved without an answer of
    /// its own (the original's answer reaches the citizen once) and names
    /// the original; the original gets the duplicate's text as the
    /// citizen's message (`note_id`), its status and holder unchanged.
    ///
    /// # Errors
    /// [`RuleViolation`] when the two are one record, not one citizen's,
    /// either is answered, merged or linked to an incident.
    pub fn merge_into(
        &self,
        original: &Case,
        by: Uuid,
        note_id: Uuid,
        now: Timestamp,
    ) -> Result<Merge, RuleViolation> {
        if self.id == original.id {
            return Err(RuleViolation::SameRecord);
        }
        if original.merged_into.is_some() {
            return Err(RuleViolation::Merged);
        }
        for c in [self, original] {
            match c.status {
                CaseStatus::InPool | CaseStatus::Held => {}
                CaseStatus::AwaitingCallback => return Err(RuleViolation::AlreadyClosed),
                CaseStatus::Resolved => return Err(RuleViolation::Resolved),
            }
            if c.incident.is_some() {
                return Err(RuleViolation::LinkedToIncident);
            }
        }
        if !same_citizen(self, original) {
            return Err(RuleViolation::NotSameCitizen);
        }
        let mut duplicate = self.clone();
        duplicate.status = CaseStatus::Resolved;
        duplicate.holder_id = None;
        duplicate.held_since = None;
        duplicate.closed_by = Some(by);
        duplicate.closed_at = Some(now);
        duplicate.resolved_at = Some(now);
        duplicate.merged_into = Some(original.id);
        let duplicate_step = (
            self.step(
                HistoryAction::MergedInto,
                &duplicate,
                Some(original.printed_tracking_number()),
            ),
            EventKind::Merged {
                into_tracking_number: original.printed_tracking_number(),
            },
        );
        let next = original.clone();
        let original_step = (
            original.step(
                HistoryAction::DuplicateMerged,
                &next,
                Some(self.printed_tracking_number()),
            ),
            EventKind::CitizenMessageAdded {
                note_id,
                application_id: self.application_id,
                channel: self.channel,
                from_applicant: true,
                status: original.status,
            },
        );
        Ok(Merge {
            duplicate,
            duplicate_step,
            original: next,
            original_step,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        case::tests::sample,
        contact::{EmailAddress, PhoneNumber},
        incident::{IncidentLink, LinkMethod},
    };

    fn now() -> Timestamp {
        "2026-12-07T10:00:00Z".parse().unwrap()
    }

    fn citizen(phone: &str) -> Case {
        let mut c = sample(now());
        c.id = Uuid::now_v7();
        c.tracking_number = format!("T{}", c.id.simple());
        c.contact.phone = Some(PhoneNumber::parse(phone).unwrap());
        c.contact.email = None;
        c.province_code = 41;
        c.district = Some("İzmit".into());
        c
    }

    #[test]
    fn the_same_citizen_asking_again_in_other_letters_is_a_likely_repeat() {
        let first = citizen("05321234567");
        let mut again = citizen("+90 532 123 45 67");
        again.text = "SOKAKTA SU BORUSU PATLADI".into();
        again.created_at = now() + SignedDuration::from_hours(30);
        let l = likeness(&again, &first, &Window::default()).unwrap();
        assert_eq!(l.kind, DuplicateKind::SameCitizen);
        assert_eq!((l.text, l.score), (100, 100));
    }

    #[test]
    fn the_same_citizen_by_e_mail_counts_and_past_the_window_does_not() {
        let mut first = citizen("05321234567");
        first.contact.email = Some(EmailAddress::parse("ayse@Example.org").unwrap());
        let mut again = citizen("05329999999");
        again.contact.email = Some(EmailAddress::parse("ayse@example.org").unwrap());
        again.text = "Faturam yanlış geldi".into();
        let l = likeness(&again, &first, &Window::default()).unwrap();
        assert_eq!(l.kind, DuplicateKind::SameCitizen);
        assert!(l.score >= 50 && l.score < 60, "{l:?}");
        again.created_at = now() + SignedDuration::from_hours(24 * 31);
        assert_eq!(likeness(&again, &first, &Window::default()), None);
    }

    #[test]
    fn another_category_or_a_merged_record_is_never_suggested() {
        let first = citizen("05321234567");
        let mut other = citizen("05321234567");
        other.category = "elektrik_arizasi".into();
        assert_eq!(likeness(&other, &first, &Window::default()), None);
        let mut merged = first.clone();
        merged.id = Uuid::now_v7();
        merged.merged_into = Some(first.id);
        assert_eq!(likeness(&other, &merged, &Window::default()), None);
    }

    #[test]
    fn other_citizens_near_in_place_and_time_are_place_candidates() {
        let mut a = citizen("05321234567");
        a.coordinates = Some((40.7654, 29.9408));
        let mut b = citizen("05551112233");
        b.coordinates = Some((40.7660, 29.9410));
        b.text = "su yok".into();
        b.created_at = now() + SignedDuration::from_hours(2);
        let l = likeness(&b, &a, &Window::default()).unwrap();
        assert_eq!(l.kind, DuplicateKind::SamePlace);
        let d = l.distance_m.unwrap();
        assert!((60..=75).contains(&d), "{d} m");
        assert!(l.score > 50, "{l:?}");
        // Farther than the window's metres, another district, or too late.
        b.coordinates = Some((40.78, 29.94));
        assert_eq!(likeness(&b, &a, &Window::default()), None);
        b.coordinates = None;
        b.district = Some("Gebze".into());
        assert_eq!(likeness(&b, &a, &Window::default()), None);
        b.district = a.district.clone();
        b.created_at = now() + SignedDuration::from_hours(49);
        assert_eq!(likeness(&b, &a, &Window::default()), None);
    }

    #[test]
    fn other_neighbourhoods_of_a_district_are_not_one_place() {
        let mut a = citizen("05321234567");
        let mut b = citizen("05551112233");
        a.neighbourhood = Some("Cedit".into());
        b.neighbourhood = Some("Gültepe".into());
        assert_eq!(likeness(&b, &a, &Window::default()), None);
        b.neighbourhood = Some("Cedit".into());
        let same = likeness(&b, &a, &Window::default()).unwrap().score;
        b.neighbourhood = None;
        let district_only = likeness(&b, &a, &Window::default()).unwrap().score;
        assert!(same > district_only);
    }

    #[test]
    fn metres_between_two_known_points() {
        // Ankara Kızılay to İstanbul Taksim: about 350 km.
        let m = metres_between((39.9208, 32.8541), (41.0369, 28.9850));
        assert!((348_000.0..352_000.0).contains(&m), "{m}");
    }

    #[test]
    fn a_merge_resolves_the_duplicate_into_the_original_and_keeps_its_text() {
        let original = citizen("05321234567");
        let mut dup = citizen("05321234567");
        dup.status = CaseStatus::Held;
        dup.holder_id = Some(Uuid::now_v7());
        let by = Uuid::now_v7();
        let note = Uuid::now_v7();
        let m = dup.merge_into(&original, by, note, now()).unwrap();
        assert_eq!(m.duplicate.status, CaseStatus::Resolved);
        assert_eq!(m.duplicate.merged_into, Some(original.id));
        assert_eq!(m.duplicate.holder_id, None);
        assert_eq!(m.duplicate.official_answer, None, "no answer of its own");
        assert_eq!(m.duplicate_step.0.action, HistoryAction::MergedInto);
        assert_eq!(
            m.duplicate_step.0.detail,
            Some(original.printed_tracking_number())
        );
        assert_eq!(
            m.duplicate_step.1,
            EventKind::Merged {
                into_tracking_number: original.printed_tracking_number()
            }
        );
        assert_eq!(m.original.status, original.status);
        assert_eq!(m.original_step.0.action, HistoryAction::DuplicateMerged);
        assert_eq!(
            m.original_step.0.detail,
            Some(dup.printed_tracking_number())
        );
        assert!(matches!(
            m.original_step.1,
            EventKind::CitizenMessageAdded { note_id, application_id, .. }
                if note_id == note && application_id == dup.application_id
        ));
    }

    #[test]
    fn a_merge_refuses_other_citizens_answered_linked_or_merged_records() {
        let original = citizen("05321234567");
        let by = Uuid::now_v7();
        let (n, t) = (Uuid::now_v7(), now());
        let stranger = citizen("05551112233");
        assert_eq!(
            stranger.merge_into(&original, by, n, t).unwrap_err(),
            RuleViolation::NotSameCitizen
        );
        assert_eq!(
            original.merge_into(&original, by, n, t).unwrap_err(),
            RuleViolation::SameRecord
        );
        let dup = citizen("05321234567");
        let mut answered = original.clone();
        answered.status = CaseStatus::AwaitingCallback;
        assert_eq!(
            dup.merge_into(&answered, by, n, t).unwrap_err(),
            RuleViolation::AlreadyClosed
        );
        let mut linked = original.clone();
        linked.incident = Some(IncidentLink {
            incident_id: Uuid::now_v7(),
            method: LinkMethod::Manual,
            linked_at: t,
        });
        assert_eq!(
            dup.merge_into(&linked, by, n, t).unwrap_err(),
            RuleViolation::LinkedToIncident
        );
        let mut merged = original.clone();
        merged.merged_into = Some(Uuid::now_v7());
        assert_eq!(
            dup.merge_into(&merged, by, n, t).unwrap_err(),
            RuleViolation::Merged
        );
    }
}
