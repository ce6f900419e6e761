//! Citizen-facing tracking numbers: the short code an applicant reads from an
//! SMS or a receipt and types or dictates back to follow up an application.
//!
//! A [`TrackingNumber`] is 10 symbols of Crockford base32
//! (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`, no `I L O U`): 9 drawn from a
//! cryptographically secure generator, so one number says nothing about the
//! next, and 1 check symbol computed with the Luhn mod N algorithm (N = 32).
//! It is shown as `XXXXX-XXXXX`.
//!
//! [`TrackingNumber::parse`] is lenient about how people type and dictate:
//! case does not matter (Turkish `ı`, `İ` and `i` as well as `I` and `L`
//! read as `1`, `O` reads as `0`), and spaces and hyphens are ignored. It
//! rejects a wrong length, a character outside the alphabet, and a wrong check
//! symbol with distinct [`TrackingNumberError`] variants, none of which echo
//! the input.
//!
//! # What the check symbol catches
//!
//! Luhn mod 32 detects every single-symbol substitution and every transposition
//! of two adjacent different symbols **except `0` ↔ `Z`** (code points 0 and
//! N − 1 = 31): doubling `Z` gives 62 = 1·32 + 30, whose base-32 digit sum
//! 1 + 30 = 31 equals `Z` undoubled, and doubling `0` gives 0, so `…0Z…` and
//! `…Z0…` have the same checksum. This is the mod-32 counterpart of Luhn's
//! blind spot `09` ↔ `90` in decimal. Since `O` reads as `0`, `OZ` ↔ `ZO` is
//! the same case.

#![warn(missing_docs)]

use std::fmt;
use std::str::FromStr;

/// Crockford base32: a symbol's code point is its index here.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// N of Luhn mod N.
const N: u32 = 32;
/// Random symbols before the check symbol.
const PAYLOAD_LEN: usize = 9;
/// Symbols in a tracking number, check symbol included.
const LEN: usize = PAYLOAD_LEN + 1;
/// Symbols before the hyphen in the displayed form.
const GROUP_LEN: usize = 5;

/// A valid tracking number, held in canonical form: 10 upper-case Crockford
/// base32 symbols without separators, the last one a Luhn mod 32 check symbol.
///
/// The only ways in are [`TrackingNumber::generate`],
/// [`TrackingNumber::generate_with`] and [`TrackingNumber::parse`] (also
/// through [`FromStr`] and [`TryFrom<&str>`]), so every value is valid.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TrackingNumber(String);

/// Why [`TrackingNumber::parse`] rejected its input. No variant carries any
/// part of the input, so errors are safe to log and to return to a caller.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum TrackingNumberError {
    /// Not exactly 10 symbols once spaces and hyphens are removed.
    #[error("tracking number must have exactly 10 symbols")]
    WrongLength,
    /// A character that is neither a symbol of the alphabet, nor one read as
    /// a symbol (`O`, `I`, `L`, `ı`, `İ`), nor a space or hyphen; `U` is one.
    #[error("tracking number contains a character outside its alphabet")]
    InvalidCharacter,
    /// The check symbol does not match the other nine: a symbol was mistyped
    /// or two were swapped.
    #[error("tracking number check symbol does not match")]
    CheckSymbolMismatch,
}

impl TrackingNumber {
    /// Draws a new tracking number from the thread-local CSPRNG
    /// (`rand::rng()`, ChaCha seeded and reseeded from the operating system).
    pub fn generate() -> Self {
        Self::generate_with(&mut rand::rng())
    }

    /// Draws a new tracking number from `rng`. Production code should call
    /// [`TrackingNumber::generate`]; this exists so tests can use a seeded
    /// generator.
    pub fn generate_with(rng: &mut impl rand::Rng) -> Self {
        let mut payload = [0u8; PAYLOAD_LEN];
        for symbol in &mut payload {
            *symbol = rng.random_range(0..32);
        }
        Self::from_payload(payload)
    }

    /// Builds the number for nine code points (each below 32), appending the
    /// check symbol.
    fn from_payload(payload: [u8; PAYLOAD_LEN]) -> Self {
        let check = check_code_point(&payload);
        let text = payload
            .iter()
            .chain(std::iter::once(&check))
            .map(|&cp| char::from(symbol(cp)))
            .collect();
        Self(text)
    }

    /// Parses a tracking number as a person typed or dictated it.
    ///
    /// Case is ignored; `O`/`o` read as `0`; `I`, `i`, `ı`, `İ`, `L` and `l`
    /// read as `1`; whitespace and hyphens (`-` and the Unicode hyphens and
    /// dashes U+2010–U+2015, U+2212) are ignored, so `"abcde-fghjt"`,
    /// `"ABCDE FGHJT"` and `"ABCDEFGHJT"` are the same number. Characters
    /// are checked in input order, so the first rule broken is reported.
    ///
    /// # Errors
    ///
    /// - [`TrackingNumberError::InvalidCharacter`] for any other character
    ///   (for example `U`, `*` or `ş`);
    /// - [`TrackingNumberError::WrongLength`] when there are not exactly 10
    ///   symbols;
    /// - [`TrackingNumberError::CheckSymbolMismatch`] when the check symbol
    ///   does not match the other nine.
    pub fn parse(input: &str) -> Result<Self, TrackingNumberError> {
        let mut code_points = [0u8; LEN];
        let mut len = 0;
        for c in input.chars() {
            if is_separator(c) {
                continue;
            }
            let cp = read_symbol(c).ok_or(TrackingNumberError::InvalidCharacter)?;
            let slot = code_points
                .get_mut(len)
                .ok_or(TrackingNumberError::WrongLength)?;
            *slot = cp;
            len += 1;
        }
        if len != LEN {
            return Err(TrackingNumberError::WrongLength);
        }
        if !is_valid(&code_points) {
            return Err(TrackingNumberError::CheckSymbolMismatch);
        }
        Ok(Self(
            code_points
                .iter()
                .map(|&cp| char::from(symbol(cp)))
                .collect(),
        ))
    }

    /// The canonical form: 10 upper-case symbols without separators, for
    /// storage and comparison.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shows the number as `XXXXX-XXXXX`, the form printed for citizens.
impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_at_checked(GROUP_LEN) {
            Some((head, tail)) => write!(f, "{head}-{tail}"),
            None => f.write_str(&self.0),
        }
    }
}

/// Same as [`TrackingNumber::parse`].
impl FromStr for TrackingNumber {
    type Err = TrackingNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Same as [`TrackingNumber::parse`].
impl TryFrom<&str> for TrackingNumber {
    type Error = TrackingNumberError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

/// The symbol for a code point below 32.
fn symbol(cp: u8) -> u8 {
    ALPHABET[usize::from(cp) % ALPHABET.len()]
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The code point a typed character stands for, with Crockford's readings of
/// look-alikes and the Turkish i letters.
fn read_symbol(c: char) -> Option<u8> {
    let c = match c {
        'o' | 'O' => '0',
        'i' | 'I' | 'ı' | 'İ' | 'l' | 'L' => '1',
        other => other,
    };
    if !c.is_ascii_alphanumeric() {
        return None;
    }
    let upper = c.to_ascii_uppercase();
    ALPHABET
        .iter()
        .position(|&s| char::from(s) == upper)
        .and_then(|i| u8::try_from(i).ok())
}

/// The sum of the base-N digits of `factor · cp`, Luhn's "add the digits of
/// the doubled value".
fn luhn_addend(cp: u8, factor: u32) -> u32 {
    let product = factor * u32::from(cp);
    product / N + product % N
}

/// Luhn mod N: walking from the right, double every second code point
/// starting with the rightmost payload symbol, sum the base-N digits, and
/// pick the check code point that makes the total a multiple of N.
fn check_code_point(payload: &[u8; PAYLOAD_LEN]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .zip([2, 1].into_iter().cycle())
        .map(|(&cp, factor)| luhn_addend(cp, factor))
        .sum();
    // The result is below N = 32, so it fits a u8.
    u8::try_from((N - sum % N) % N).unwrap_or(0)
}

/// Luhn mod N validation: the same sum over all 10 code points, the check
/// symbol undoubled, must be a multiple of N.
fn is_valid(code_points: &[u8; LEN]) -> bool {
    let sum: u32 = code_points
        .iter()
        .rev()
        .zip([1, 2].into_iter().cycle())
        .map(|(&cp, factor)| luhn_addend(cp, factor))
        .sum();
    sum.is_multiple_of(N)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "a test may unwrap: the panic is the test failing, with the value shown"
)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn code_points(s: &str) -> [u8; LEN] {
        let mut out = [0u8; LEN];
        for (slot, c) in out.iter_mut().zip(s.chars()) {
            *slot = read_symbol(c).unwrap();
        }
        out
    }

    fn text(code_points: &[u8]) -> String {
        code_points
            .iter()
            .map(|&cp| char::from(symbol(cp)))
            .collect()
    }

    #[test]
    fn the_alphabet_is_crockford_base32_without_i_l_o_u() {
        assert_eq!(ALPHABET.len(), 32);
        let set: HashSet<u8> = ALPHABET.iter().copied().collect();
        assert_eq!(set.len(), 32);
        for excluded in *b"ILOU" {
            assert!(!set.contains(&excluded));
        }
    }

    #[test]
    fn check_symbols_match_hand_computed_luhn_mod_32_values() {
        // "000000001": the 1 is doubled (2), check = 32 - 2 = 30 = 'Y'.
        // "00000000Z": doubled Z = 62 -> 1 + 30 = 31, check = 1.
        // "000000010": the 1 is undoubled (1), check = 31 = 'Z'.
        // "0000000GH": H (17) doubled = 34 -> 1 + 2 = 3, G (16) = 16,
        //              sum 19, check = 13 = 'D'.
        let cases = [
            ("000000000", '0'),
            ("000000001", 'Y'),
            ("00000000Z", '1'),
            ("000000010", 'Z'),
            ("0000000GH", 'D'),
        ];
        for (payload, check) in cases {
            let cps = code_points(payload);
            let mut payload_cps = [0u8; PAYLOAD_LEN];
            payload_cps.copy_from_slice(&cps[..PAYLOAD_LEN]);
            let number = TrackingNumber::from_payload(payload_cps);
            assert_eq!(number.as_str(), format!("{payload}{check}"));
            assert!(TrackingNumber::parse(number.as_str()).is_ok());
        }
    }

    #[test]
    fn generated_numbers_are_ten_alphabet_symbols_and_valid() {
        for _ in 0..200 {
            let number = TrackingNumber::generate();
            assert_eq!(number.as_str().len(), LEN);
            assert!(number.as_str().bytes().all(|b| ALPHABET.contains(&b)));
            assert_eq!(TrackingNumber::parse(number.as_str()), Ok(number));
        }
    }

    #[test]
    fn generated_numbers_do_not_repeat() {
        let numbers: HashSet<TrackingNumber> =
            (0..10_000).map(|_| TrackingNumber::generate()).collect();
        assert_eq!(numbers.len(), 10_000);
    }

    #[test]
    fn a_seeded_generator_gives_reproducible_numbers() {
        let a = TrackingNumber::generate_with(&mut StdRng::seed_from_u64(7));
        let b = TrackingNumber::generate_with(&mut StdRng::seed_from_u64(7));
        let c = TrackingNumber::generate_with(&mut StdRng::seed_from_u64(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn display_groups_the_symbols_five_and_five() {
        let number = TrackingNumber::parse("000000001Y").unwrap();
        assert_eq!(number.to_string(), "00000-0001Y");
        assert_eq!(number.as_str(), "000000001Y");
    }

    #[test]
    fn parsing_accepts_the_forms_people_type_and_dictate() {
        let cases = [
            "000000001Y",
            "00000-0001Y",
            "00000 0001Y",
            " 00000-0001Y ",
            "0000 0000 1Y",
            "00000\u{2013}0001Y",
            "00000\u{2011}0001Y",
            "000000001y",
            "OOOOO-OOO1Y",
            "ooooo-ooo1y",
            "00000-000IY",
            "00000-000iY",
            "00000-000ıY",
            "00000-000İY",
            "00000-000LY",
            "00000-000lY",
        ];
        for input in cases {
            assert_eq!(
                TrackingNumber::parse(input).map(|n| n.as_str().to_owned()),
                Ok("000000001Y".to_owned()),
                "{input:?}"
            );
        }
        for input in ["abcde-fghjt", "ABCDE FGHJT", "ABCDEFGHJT"] {
            assert_eq!(
                TrackingNumber::parse(input).map(|n| n.to_string()),
                Ok("ABCDE-FGHJT".to_owned())
            );
        }
        let via_from_str: TrackingNumber = "00000-0001Y".parse().unwrap();
        let via_try_from = TrackingNumber::try_from("000000001y").unwrap();
        assert_eq!(via_from_str, via_try_from);
    }

    #[test]
    fn parsing_rejects_a_wrong_length() {
        for input in [
            "",
            "   ",
            "-",
            "000000001",
            "00000-0001",
            "000000001Y0",
            "0000000000000000000000",
        ] {
            assert_eq!(
                TrackingNumber::parse(input),
                Err(TrackingNumberError::WrongLength),
                "{input:?}"
            );
        }
    }

    #[test]
    fn parsing_rejects_characters_outside_the_alphabet() {
        for input in [
            "00000-0001U",
            "00000-0001u",
            "00000-000*Y",
            "00000_0001Y",
            "00000.0001Y",
            "00000-000şY",
            "00000-000ÜY",
            "00000-000１Y",
            "U",
        ] {
            assert_eq!(
                TrackingNumber::parse(input),
                Err(TrackingNumberError::InvalidCharacter),
                "{input:?}"
            );
        }
    }

    #[test]
    fn parsing_rejects_a_wrong_check_symbol() {
        // Valid: "000000001Y". A wrong check symbol, a mistyped first symbol,
        // and two swapped symbols.
        for input in ["000000001Z", "00000-0001X", "100000001Y", "000000010Y"] {
            assert_eq!(
                TrackingNumber::parse(input),
                Err(TrackingNumberError::CheckSymbolMismatch),
                "{input:?}"
            );
        }
    }

    #[test]
    fn errors_never_echo_the_input() {
        let input = "ABCDE-FGHJU";
        let error = TrackingNumber::parse(input).unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(
                !shown.contains("ABCDE") && !shown.contains("FGHJU"),
                "{shown}"
            );
        }
    }

    /// Sets `free` to the one code point that makes `cps` valid.
    fn make_valid(mut cps: [u8; LEN], free: usize) -> [u8; LEN] {
        for cp in 0..32 {
            cps[free] = cp;
            if is_valid(&cps) {
                return cps;
            }
        }
        unreachable!("Luhn mod N digit sums are a permutation, so some value fits")
    }

    #[test]
    fn every_adjacent_transposition_is_caught_except_zero_and_z() {
        // Exhaustive over every adjacent position (the check symbol included)
        // and every ordered pair of different symbols.
        let mut undetected = HashSet::new();
        for i in 0..LEN - 1 {
            let free = if i >= 2 { 0 } else { LEN - 1 };
            for a in 0..32u8 {
                for b in (0..32u8).filter(|&b| b != a) {
                    let mut cps = [0u8; LEN];
                    cps[i] = a;
                    cps[i + 1] = b;
                    let valid = make_valid(cps, free);
                    assert_eq!(TrackingNumber::parse(&text(&valid)).map(|_| ()), Ok(()));
                    let mut swapped = valid;
                    swapped.swap(i, i + 1);
                    match TrackingNumber::parse(&text(&swapped)) {
                        Ok(_) => {
                            undetected.insert((symbol(a.min(b)), symbol(a.max(b))));
                        }
                        Err(e) => assert_eq!(e, TrackingNumberError::CheckSymbolMismatch),
                    }
                }
            }
        }
        assert_eq!(undetected, HashSet::from([(b'0', b'Z')]));
    }

    #[test]
    fn swapping_zero_and_z_goes_unnoticed() {
        // The documented blind spot, shown on a concrete number.
        let number = TrackingNumber::from_payload(
            code_points("7K0ZQ4M2X")[..PAYLOAD_LEN].try_into().unwrap(),
        );
        let swapped = number.as_str().replacen("0Z", "Z0", 1);
        assert_ne!(swapped, number.as_str());
        assert!(TrackingNumber::parse(&swapped).is_ok());
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "a test may unwrap: the panic is the test failing, with the value shown"
)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn tracking_number() -> impl Strategy<Value = TrackingNumber> {
        proptest::array::uniform9(0u8..32).prop_map(TrackingNumber::from_payload)
    }

    /// Whether `a` and `b` are the pair Luhn mod 32 cannot tell apart when
    /// swapped.
    fn is_blind_spot(a: u8, b: u8) -> bool {
        matches!((a, b), (b'0', b'Z') | (b'Z', b'0'))
    }

    proptest! {
        #[test]
        fn every_number_parses_back_from_its_display_form(n in tracking_number()) {
            prop_assert_eq!(TrackingNumber::parse(&n.to_string()), Ok(n.clone()));
            prop_assert_eq!(TrackingNumber::parse(n.as_str()), Ok(n));
        }

        #[test]
        fn every_number_parses_back_from_lower_case(n in tracking_number()) {
            prop_assert_eq!(TrackingNumber::parse(&n.to_string().to_lowercase()), Ok(n.clone()));
            prop_assert_eq!(TrackingNumber::parse(&n.as_str().to_lowercase()), Ok(n));
        }

        #[test]
        fn generated_numbers_parse_back_to_themselves(seed in any::<u64>()) {
            use rand::SeedableRng;
            let n = TrackingNumber::generate_with(&mut rand::rngs::StdRng::seed_from_u64(seed));
            prop_assert_eq!(TrackingNumber::parse(&n.to_string()), Ok(n));
        }

        #[test]
        fn every_single_symbol_substitution_is_rejected(n in tracking_number()) {
            let original = n.as_str().as_bytes().to_vec();
            for i in 0..LEN {
                for &replacement in ALPHABET.iter().filter(|&&s| s != original[i]) {
                    let mut changed = original.clone();
                    changed[i] = replacement;
                    let changed = String::from_utf8(changed).unwrap();
                    prop_assert_eq!(
                        TrackingNumber::parse(&changed),
                        Err(TrackingNumberError::CheckSymbolMismatch),
                        "{} -> {}", n, changed
                    );
                }
            }
        }

        #[test]
        fn every_adjacent_transposition_is_rejected_except_zero_and_z(n in tracking_number()) {
            let original = n.as_str().as_bytes().to_vec();
            for i in 0..LEN - 1 {
                let (a, b) = (original[i], original[i + 1]);
                if a == b {
                    continue;
                }
                let mut swapped = original.clone();
                swapped.swap(i, i + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                let parsed = TrackingNumber::parse(&swapped);
                if is_blind_spot(a, b) {
                    prop_assert!(parsed.is_ok(), "{} -> {}", n, swapped);
                } else {
                    prop_assert_eq!(parsed, Err(TrackingNumberError::CheckSymbolMismatch), "{} -> {}", n, swapped);
                }
            }
        }

        #[test]
        fn parsing_arbitrary_text_never_panics_and_only_yields_canonical_numbers(s in any::<String>()) {
            if let Ok(n) = TrackingNumber::parse(&s) {
                prop_assert_eq!(n.as_str().len(), LEN);
                prop_assert_eq!(TrackingNumber::parse(n.as_str()), Ok(n));
            }
        }
    }
}
