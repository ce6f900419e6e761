//! The T.C. kimlik numarası (and the foreigners' YKN, which starts with 99
//! and passes the same checksum): 11 digits, the first not 0, the tenth
//! and eleventh check digits of the nine before them. Personal data like
//! the contact values: the inner value is private, `Debug` masks it, there
//! is no `Display`, and `masked()` (`1********46`) is what a role that does
//! not need the number sees.

use std::fmt;

use crate::fields::FieldError;

/// The rule a wrong number is refused with, on every channel.
pub const INVALID_TC_KIMLIK: &str =
    "must be an 11-digit T.C. kimlik number (or YKN) whose check digits are right";

/// A T.C. kimlik numarası whose check digits are right.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TcKimlikNo(String);

impl TcKimlikNo {
    /// The number typed in `raw` (spaces and dashes between the digits are
    /// allowed, as people write it), or the field's error.
    ///
    /// # Errors
    /// [`INVALID_TC_KIMLIK`] on `field` for anything but 11 digits, not
    /// starting with 0, with right check digits.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let valid = digits.chars().all(|c| c.is_ascii_digit())
            && d.len() == 11
            && d[0] != 0
            && check_digits(&d[..9]) == (d[9], d[10]);
        if valid {
            Ok(Self(digits))
        } else {
            Err(FieldError::new(field, INVALID_TC_KIMLIK))
        }
    }

    /// The raw number, for the places that must use it (encrypting it).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first digit and the last two, the rest hidden: `1********46`.
    pub fn masked(&self) -> String {
        let first = &self.0[..1];
        let last = &self.0[9..];
        format!("{first}********{last}")
    }

    /// Whether this is a foreigner's number (YKN, starting with 99).
    pub fn is_foreigners(&self) -> bool {
        self.0.starts_with("99")
    }
}

impl fmt::Debug for TcKimlikNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TcKimlikNo({})", self.masked())
    }
}

/// The tenth and eleventh digits of the first nine: the tenth is seven times
/// the sum of the odd-placed digits less the sum of the even-placed ones,
/// modulo 10; the eleventh the sum of the first ten, modulo 10.
fn check_digits(nine: &[u32]) -> (u32, u32) {
    let odd: u32 = nine.iter().step_by(2).sum();
    let even: u32 = nine.iter().skip(1).step_by(2).sum();
    // Seven times the odd sum may be below the even sum (at most 36):
    // adding 40, a multiple of 10 above it, keeps the modulo of a positive.
    let tenth = (7 * odd + 40 - even) % 10;
    let eleventh = (nine.iter().sum::<u32>() + tenth) % 10;
    (tenth, eleventh)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The number the first nine digits make.
    fn complete(nine: &[u32]) -> String {
        let (t, e) = check_digits(nine);
        nine.iter()
            .chain([t, e].iter())
            .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
            .collect()
    }

    #[test]
    fn known_numbers_pass_and_their_neighbours_fail() {
        // A number whose check digits are right by the rule (not a person's).
        let n = TcKimlikNo::parse("tc", "10000000146").unwrap();
        assert_eq!(n.masked(), "1********46");
        assert_eq!(format!("{n:?}"), "TcKimlikNo(1********46)");
        assert_eq!(
            TcKimlikNo::parse("tc", "100 000 001 46").unwrap().expose(),
            "10000000146"
        );
        for bad in [
            "10000000147",
            "00000000146",
            "1000000014",
            "100000001466",
            "1000000014a",
            "",
            "１0000000146",
        ] {
            let e = TcKimlikNo::parse("applicant.tc_kimlik_no", bad).unwrap_err();
            assert_eq!(e.field, "applicant.tc_kimlik_no", "{bad}");
        }
    }

    #[test]
    fn a_foreigners_number_passes_the_same_checksum() {
        let ykn = complete(&[9, 9, 1, 2, 3, 4, 5, 6, 7]);
        let n = TcKimlikNo::parse("tc", &ykn).unwrap();
        assert!(n.is_foreigners());
    }

    proptest! {
        #[test]
        fn every_number_made_by_the_rule_passes(
            first in 1u32..10,
            rest in prop::collection::vec(0u32..10, 8),
        ) {
            let nine: Vec<u32> = std::iter::once(first).chain(rest).collect();
            let n = complete(&nine);
            prop_assert!(TcKimlikNo::parse("tc", &n).is_ok(), "{}", n);
        }

        /// A slip of one digit (the commonest typing error) is always caught.
        #[test]
        fn any_one_digit_changed_fails(
            first in 1u32..10,
            rest in prop::collection::vec(0u32..10, 8),
            at in 0usize..11,
            by in 1u32..10,
        ) {
            let nine: Vec<u32> = std::iter::once(first).chain(rest).collect();
            let mut d: Vec<u32> = complete(&nine).chars().filter_map(|c| c.to_digit(10)).collect();
            d[at] = (d[at] + by) % 10;
            let changed: String = d.iter().filter_map(|x| char::from_digit(*x, 10)).collect();
            prop_assert!(TcKimlikNo::parse("tc", &changed).is_err(), "{}", changed);
        }
    }
}
