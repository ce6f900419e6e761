//! Finds the phone number a citizen wrote into a message ("beni 0532 123 45
//! 67'den arayın"): Messenger, Instagram and X never tell it, and the reply
//! is a phone callback.
//!
//! Only what is unmistakably a Turkish number counts: written with a leading
//! `0`, `90` or `+90`, or a ten-digit mobile number (`5…`). A bare ten-digit
//! run that does not start with 5 is more likely a subscriber or meter
//! number, and calling the wrong person back is worse than asking again.

use tekmerkez_types::contact::PhoneNumber;

/// The first phone number written in `text`.
pub fn find_phone(text: &str) -> Option<PhoneNumber> {
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.' | ' ' | '\u{a0}') {
            // Non-breaking spaces are how phones paste numbers.
            run.push(if c == '\u{a0}' { ' ' } else { c });
            continue;
        }
        if let Some(p) = candidate(&run) {
            return Some(p);
        }
        run.clear();
    }
    None
}

fn candidate(run: &str) -> Option<PhoneNumber> {
    // A run may hold several numbers ("0532 123 45 67 veya 0212 …" is split
    // by the letters; "05321234567 05331234567" is not): try each
    // space-separated piece grown to the right until it has enough digits.
    let pieces: Vec<&str> = run.split(' ').filter(|p| !p.is_empty()).collect();
    for start in 0..pieces.len() {
        let mut joined = String::new();
        for piece in &pieces[start..] {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(piece);
            let digits: String = joined.chars().filter(char::is_ascii_digit).collect();
            if digits.len() > 12 {
                break;
            }
            let t = joined.trim_matches(|c: char| matches!(c, '.' | '-' | ')' | '('));
            let plausible = match digits.len() {
                10 => digits.starts_with('5') && !t.starts_with('+'),
                11 => digits.starts_with('0'),
                12 => digits.starts_with("90"),
                _ => false,
            };
            if plausible && let Ok(p) = PhoneNumber::parse(t) {
                return Some(p);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn found(text: &str) -> Option<String> {
        find_phone(text).map(|p| p.expose().to_owned())
    }

    #[test]
    fn numbers_written_the_usual_ways_are_found() {
        for (text, want) in [
            ("Beni 0532 123 45 67'den arayın.", "+905321234567"),
            ("telefonum: +90 (532) 123-4567", "+905321234567"),
            ("5321234567 numarasından ulaşabilirsiniz", "+905321234567"),
            ("905321234567", "+905321234567"),
            ("Ev: 0262\u{a0}321\u{a0}45\u{a0}67", "+902623214567"),
            ("Tel.0532.123.45.67.", "+905321234567"),
        ] {
            assert_eq!(found(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn other_numbers_are_not_taken_for_phones() {
        for text in [
            "Sokağımızda 3 gündür su yok.",
            "Abone no 4123456789, sayaç 123456",
            "2024 yılında 12 kez kesildi",
            "+1 650 555 1234",
            "",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn the_first_of_two_numbers_wins() {
        assert_eq!(
            found("05321234567 ya da 05331234567").as_deref(),
            Some("+905321234567")
        );
    }

    proptest! {
        #[test]
        fn any_mobile_number_written_with_a_zero_is_found_in_any_text(
            n in 5_000_000_000u64..6_000_000_000,
            before in "[a-zçğıöşü ]{0,30}",
            after in "[a-zçğıöşü ]{0,30}",
        ) {
            let text = format!("{before} 0{n} {after}");
            prop_assert_eq!(found(&text), Some(format!("+90{n}")));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
            let _ = find_phone(&s);
        }
    }
}
