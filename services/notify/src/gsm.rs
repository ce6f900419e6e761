//! SMS text encoding and segment counts (3GPP TS 23.038 / 23.040).
//!
//! A text is sent in the cheapest encoding that carries every letter as it is:
//!
//! 1. [`SmsEncoding::Gsm7`]: the GSM 7-bit default alphabet and its extension
//!    table (`{ } [ ] ~ \ | ^ €` cost two septets). 160 septets in one
//!    message, 153 per part of a concatenated one.
//! 2. [`SmsEncoding::Gsm7Turkish`]: the default alphabet with the **Turkish
//!    national language single shift table**, which adds `ğ Ğ ı İ ş Ş ç €`
//!    as two-septet escapes (`ç Ç ö Ö ü Ü` are in the default alphabet
//!    already). The user data header then carries the national language
//!    identifier (3 octets plus the header length octet), so one message
//!    holds 155 septets and a part of a concatenated one 149.
//! 3. [`SmsEncoding::Ucs2`]: anything else (emoji, other scripts, typographic
//!    quotes): 70 UTF-16 code units, 67 per part.
//!
//! A two-septet escape and a surrogate pair are never split across parts,
//! so segment counts follow what a handset receives, not a naive division.

/// How an SMS is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmsEncoding {
    /// GSM 7-bit default alphabet (+ extension table).
    Gsm7,
    /// GSM 7-bit with the Turkish single shift table.
    Gsm7Turkish,
    /// UCS-2 (UTF-16).
    Ucs2,
}

impl SmsEncoding {
    /// The code stored in the delivery log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "gsm7",
            Self::Gsm7Turkish => "gsm7_tr",
            Self::Ucs2 => "ucs2",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "gsm7" => Some(Self::Gsm7),
            "gsm7_tr" => Some(Self::Gsm7Turkish),
            "ucs2" => Some(Self::Ucs2),
            _ => None,
        }
    }

    /// (units in a single message, units per part of a concatenated one);
    /// units are septets for GSM 7-bit and UTF-16 code units for UCS-2.
    pub fn capacity(self) -> (usize, usize) {
        match self {
            Self::Gsm7 => (160, 153),
            Self::Gsm7Turkish => (155, 149),
            Self::Ucs2 => (70, 67),
        }
    }
}

/// The GSM 7-bit default alphabet, in code order (0x1B, the escape, is a
/// placeholder that never matches text).
const DEFAULT_ALPHABET: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The default extension table (reached with the escape): code → character.
const DEFAULT_EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// The Turkish national language single shift table (TS 23.038 A.2.1).
const TURKISH_SINGLE_SHIFT: [(u8, char); 16] = [
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x47, 'Ğ'),
    (0x49, 'İ'),
    (0x53, 'Ş'),
    (0x63, 'ç'),
    (0x65, '€'),
    (0x67, 'ğ'),
    (0x69, 'ı'),
    (0x73, 'ş'),
];

fn in_default(c: char) -> bool {
    c != '\u{1B}' && DEFAULT_ALPHABET.contains(&c)
}

/// Septets `c` costs with `shift` as the escape table, or `None` when it
/// cannot be written with it.
fn septets(c: char, shift: &[(u8, char)]) -> Option<usize> {
    if in_default(c) {
        Some(1)
    } else if shift.iter().any(|&(_, s)| s == c) {
        Some(2)
    } else {
        None
    }
}

/// What an SMS text costs: the encoding chosen and how many parts it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsCost {
    pub encoding: SmsEncoding,
    /// Septets (GSM) or UTF-16 code units (UCS-2) in all.
    pub units: usize,
    /// Messages it travels as (1 when it fits a single one).
    pub segments: usize,
}

/// Packs items of the given sizes into parts of `per_part`, never splitting one.
fn pack(sizes: &[usize], single: usize, per_part: usize) -> usize {
    let total: usize = sizes.iter().sum();
    if total <= single {
        return 1;
    }
    let mut parts = 1;
    let mut used = 0;
    for &s in sizes {
        if used + s > per_part {
            parts += 1;
            used = 0;
        }
        used += s;
    }
    parts
}

/// Chooses the encoding for `text` and counts its segments.
pub fn cost(text: &str) -> SmsCost {
    for (encoding, shift) in [
        (SmsEncoding::Gsm7, &DEFAULT_EXTENSION[..]),
        (SmsEncoding::Gsm7Turkish, &TURKISH_SINGLE_SHIFT[..]),
    ] {
        let sizes: Option<Vec<usize>> = text.chars().map(|c| septets(c, shift)).collect();
        if let Some(sizes) = sizes {
            // Plain default-alphabet text needs no national shift at all.
            let encoding = if encoding == SmsEncoding::Gsm7Turkish && sizes.iter().all(|&s| s == 1)
            {
                SmsEncoding::Gsm7
            } else {
                encoding
            };
            let (single, per_part) = encoding.capacity();
            return SmsCost {
                encoding,
                units: sizes.iter().sum(),
                segments: pack(&sizes, single, per_part),
            };
        }
    }
    let sizes: Vec<usize> = text.chars().map(char::len_utf16).collect();
    let (single, per_part) = SmsEncoding::Ucs2.capacity();
    SmsCost {
        encoding: SmsEncoding::Ucs2,
        units: sizes.iter().sum(),
        segments: pack(&sizes, single, per_part),
    }
}

/// Encodes `text` as unpacked septets (one per octet) in `encoding`, with
/// 0x1B before each shifted character; `None` for UCS-2 or a character the
/// table lacks. Providers take text, not septets: this is what proves the
/// tables are complete and is what a stand-in decodes to check arrival.
pub fn encode_septets(text: &str, encoding: SmsEncoding) -> Option<Vec<u8>> {
    let shift: &[(u8, char)] = match encoding {
        SmsEncoding::Gsm7 => &DEFAULT_EXTENSION,
        SmsEncoding::Gsm7Turkish => &TURKISH_SINGLE_SHIFT,
        SmsEncoding::Ucs2 => return None,
    };
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(i) = DEFAULT_ALPHABET
            .iter()
            .position(|&d| d == c && c != '\u{1B}')
        {
            out.push(u8::try_from(i).ok()?);
        } else {
            let &(code, _) = shift.iter().find(|&&(_, s)| s == c)?;
            out.extend([0x1B, code]);
        }
    }
    Some(out)
}

/// Decodes septets from [`encode_septets`].
pub fn decode_septets(septets: &[u8], encoding: SmsEncoding) -> Option<String> {
    let shift: &[(u8, char)] = match encoding {
        SmsEncoding::Gsm7 => &DEFAULT_EXTENSION,
        SmsEncoding::Gsm7Turkish => &TURKISH_SINGLE_SHIFT,
        SmsEncoding::Ucs2 => return None,
    };
    let mut out = String::new();
    let mut it = septets.iter();
    while let Some(&s) = it.next() {
        if s == 0x1B {
            let &code = it.next()?;
            out.push(shift.iter().find(|&&(c, _)| c == code)?.1);
        } else {
            out.push(*DEFAULT_ALPHABET.get(usize::from(s))?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn plain_ascii_is_default_gsm7_with_160_in_one_message() {
        let c = cost("Basvurunuz alindi.");
        assert_eq!(c.encoding, SmsEncoding::Gsm7);
        assert_eq!((c.units, c.segments), (18, 1));
        assert_eq!(cost(&"a".repeat(160)).segments, 1);
        assert_eq!(cost(&"a".repeat(161)).segments, 2);
        assert_eq!(cost(&"a".repeat(306)).segments, 2);
        assert_eq!(cost(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn c_cedilla_o_and_u_umlaut_fit_the_default_alphabet() {
        // Ç ö Ö ü Ü are default-alphabet letters; lower-case ç is not.
        assert_eq!(cost("Ç ö Ö ü Ü").encoding, SmsEncoding::Gsm7);
        assert_eq!(cost("ç").encoding, SmsEncoding::Gsm7Turkish);
    }

    #[test]
    fn turkish_letters_take_the_single_shift_table_at_two_septets_each() {
        let text = "Başvurunuz alındı. Takip numaranız: ABCDE-FGHJK. Çağrı İletişim";
        let c = cost(text);
        assert_eq!(c.encoding, SmsEncoding::Gsm7Turkish);
        // ş ı ı ı ğ ı İ ş: 8 shifted letters; Ç is in the default alphabet.
        let shifted = text.chars().filter(|c| "ğĞıİşŞç".contains(*c)).count();
        assert_eq!(shifted, 8);
        assert_eq!(c.units, text.chars().count() + shifted);
        assert_eq!(c.segments, 1);
    }

    #[test]
    fn the_turkish_header_leaves_155_septets_in_one_and_149_per_part() {
        let one = format!("ş{}", "a".repeat(153)); // 2 + 153 = 155
        assert_eq!(cost(&one).segments, 1);
        let over = format!("ş{}", "a".repeat(154)); // 156
        assert_eq!(cost(&over).segments, 2);
        // 149 + 149 = 298 septets fill two parts exactly.
        let two = format!("ş{}", "a".repeat(296));
        assert_eq!(cost(&two).units, 298);
        assert_eq!(cost(&two).segments, 2);
        assert_eq!(cost(&format!("{two}a")).segments, 3);
    }

    #[test]
    fn an_escape_pair_is_never_split_across_parts() {
        // 148 septets, then ş (2): it does not fit the first part's last
        // septet, so it starts the second part.
        let text = format!("{}ş{}", "a".repeat(148), "a".repeat(10));
        let c = cost(&text);
        assert_eq!(c.units, 160);
        assert_eq!(c.segments, 2);
        let text = format!("{}ş{}", "a".repeat(148), "a".repeat(148));
        // Without the rule 298 septets would fit two parts; with it, three.
        assert_eq!(cost(&text).units, 298);
        assert_eq!(cost(&text).segments, 3);
    }

    #[test]
    fn text_outside_both_tables_is_ucs2_with_70_and_67() {
        let c = cost("Başvurunuz “alındı” 😊");
        assert_eq!(c.encoding, SmsEncoding::Ucs2);
        assert_eq!(c.segments, 1);
        let long = format!("“{}", "ğ".repeat(69)); // 70 units
        assert_eq!(cost(&long).segments, 1);
        assert_eq!(cost(&format!("{long}ğ")).segments, 2);
        assert_eq!(cost(&format!("“{}", "ğ".repeat(133))).segments, 2); // 134
        assert_eq!(cost(&format!("“{}", "ğ".repeat(134))).segments, 3); // 135
    }

    #[test]
    fn a_surrogate_pair_is_never_split_across_ucs2_parts() {
        // 66 units, then an emoji (2 units): part one cannot take it.
        let text = format!("“{}😊{}", "a".repeat(65), "a".repeat(10));
        let c = cost(&text);
        assert_eq!(c.units, 78);
        assert_eq!(c.segments, 2);
        let text = format!("“{}😊{}", "a".repeat(65), "a".repeat(66));
        assert_eq!(c.encoding, SmsEncoding::Ucs2);
        assert_eq!(cost(&text).units, 134);
        assert_eq!(cost(&text).segments, 3);
    }

    #[test]
    fn curly_braces_and_euro_cost_two_septets_in_the_default_alphabet() {
        let c = cost("{€}");
        assert_eq!(c.encoding, SmsEncoding::Gsm7);
        assert_eq!(c.units, 6);
    }

    #[test]
    fn septets_round_trip_for_every_turkish_letter() {
        let text = "ÇçĞğIıİiÖöŞşÜü €[]";
        let c = cost(text);
        assert_eq!(c.encoding, SmsEncoding::Gsm7Turkish);
        let s = encode_septets(text, c.encoding).unwrap();
        assert_eq!(s.len(), c.units);
        assert_eq!(decode_septets(&s, c.encoding).unwrap(), text);
        assert!(encode_septets("😊", SmsEncoding::Gsm7Turkish).is_none());
    }

    proptest! {
        #[test]
        fn any_text_of_the_turkish_repertoire_round_trips_and_counts_consistently(
            text in "[a-zA-Z0-9 .,:!?çÇğĞıİöÖşŞüÜ€\\[\\]-]{0,400}"
        ) {
            let c = cost(&text);
            prop_assert_ne!(c.encoding, SmsEncoding::Ucs2);
            let s = encode_septets(&text, c.encoding).unwrap();
            prop_assert_eq!(s.len(), c.units);
            prop_assert_eq!(decode_septets(&s, c.encoding).unwrap(), text.clone());
            let (single, per_part) = c.encoding.capacity();
            if c.units <= single {
                prop_assert_eq!(c.segments, 1);
            } else {
                prop_assert!(c.segments >= c.units.div_ceil(per_part));
                prop_assert!(c.segments <= c.units.div_ceil(per_part - 1));
            }
        }
    }
}
