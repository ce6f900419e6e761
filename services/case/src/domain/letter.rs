//! Answer letters: the official answer posted to a citizen who asked for a
//! letter reply (seed 001's written channel). A letter is made in the same
//! transaction as the expert's close, with the institution's outgoing number
//! (*sayı*): a configured prefix, the Europe/Istanbul year, and a sequence
//! per year that the store draws from a counter row locked by that
//! transaction, so numbers have no gaps and no duplicates whatever runs at
//! once, and a close that is rolled back or retried takes no number. It then
//! waits to be printed and posted (*Gönderilecek Mektuplar*); marking it
//! posted is a task step of its case.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    calendar,
    contact::{PersonName, PostalAddress},
    fields::FieldError,
};

/// The most characters a number prefix may have.
pub const MAX_PREFIX: usize = 40;

/// Checks a configured number prefix: 1 to 40 of letters, digits, `.`,
/// `-` and `/` (an institution's code such as `E-12345678-622.02`).
///
/// # Errors
/// A [`FieldError`] naming the rule.
pub fn parse_prefix(raw: &str) -> Result<String, FieldError> {
    let p = raw.trim();
    let ok = !p.is_empty()
        && p.chars().count() <= MAX_PREFIX
        && p.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '/'));
    if ok {
        Ok(p.to_owned())
    } else {
        Err(FieldError::new(
            "number_prefix",
            "must be 1 to 40 letters, digits, '.', '-' or '/'",
        ))
    }
}

/// The number (*sayı*) of the `seq`th letter of `year`: `TM-2026-000042`.
pub fn number(prefix: &str, year: i16, seq: i64) -> String {
    format!("{prefix}-{year}-{seq:06}")
}

/// The Europe/Istanbul year of `t`: a letter made at 00:30 on 1 January in
/// Istanbul (21:30 UTC on 31 December) belongs to the new year.
pub fn year_of(t: Timestamp) -> i16 {
    calendar::istanbul_date(t).year()
}

/// A letter to make with a close, before the store numbers it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewLetter {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The case's version the close produced: one letter per close, even
    /// when the same change is written twice.
    pub case_version: i64,
    /// The number's prefix, from the settings.
    pub prefix: String,
    /// The Istanbul year of `created_at`.
    pub year: i16,
    /// The official answer as it was closed (personal data may be in it).
    pub official_answer: String,
    /// The expert who closed the case.
    pub created_by: Uuid,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for NewLetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewLetter")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("year", &self.year)
            .finish_non_exhaustive()
    }
}

/// A stored letter, with what the queue and the printed letter read from
/// its case.
#[derive(Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The number (*sayı*).
    pub number: String,
    pub year: i16,
    /// The sequence within the year, from 1.
    pub seq: i64,
    /// The answer as closed.
    pub official_answer: String,
    pub created_by: Uuid,
    /// The letter's date.
    pub created_at: Timestamp,
    /// When it was marked posted, and by whom.
    pub posted_at: Option<Timestamp>,
    pub posted_by: Option<Uuid>,
    /// The case's tracking number.
    pub tracking_number: String,
    /// The case's pool, the scope of who may post it.
    pub pool_id: Uuid,
    pub province_code: u8,
    pub district: Option<String>,
    /// Category code.
    pub category: String,
    /// The addressee, if a name was given.
    pub recipient_name: Option<PersonName>,
    /// Where it goes.
    pub postal_address: Option<PostalAddress>,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer, name and address are personal data.
        f.debug_struct("Letter")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("number", &self.number)
            .field("posted_at", &self.posted_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_prefix_year_and_a_zero_padded_sequence() {
        assert_eq!(number("TM", 2026, 42), "TM-2026-000042");
        assert_eq!(
            number("E-12345678-622.02", 2027, 1_234_567),
            "E-12345678-622.02-2027-1234567"
        );
    }

    #[test]
    fn the_year_turns_at_istanbul_midnight() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        // 21:30 UTC on 31 December is 00:30 on 1 January in Istanbul.
        assert_eq!(year_of(t("2026-12-31T21:30:00Z")), 2027);
        assert_eq!(year_of(t("2026-12-31T20:30:00Z")), 2026);
    }

    #[test]
    fn prefixes_are_short_codes_without_spaces() {
        assert_eq!(parse_prefix(" TM ").unwrap(), "TM");
        assert!(parse_prefix("E-12345678-622.02/ÇŞ").is_ok());
        for bad in ["", "  ", "T M", "TM;DROP", &"X".repeat(41)] {
            assert!(parse_prefix(bad).is_err(), "{bad:?}");
        }
    }
}
