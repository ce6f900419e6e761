//! How alike two short texts are, the Turkish way: for spotting a citizen's
//! repeated report ("Sokakta su yok" and, from a phone keyboard, "sokakta
//! sü yök"). Both texts go through [`loose_key`] (Turkish case folding,
//! then the diacritics forgotten), and are compared as sets of letter
//! trigrams of their words, so a suffix changes little ("borusu patladı"
//! and "boru patlamış" share most of their trigrams) and word order none.

use std::collections::BTreeSet;

use crate::loose_key;

/// The Sørensen–Dice coefficient of the texts' word trigrams: 1.0 when
/// they are the same words once folded, 0.0 when they share none (or one
/// has no letters or digits). Symmetric.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (ta, tb) = (trigrams(a), trigrams(b));
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let shared = ta.intersection(&tb).count();
    // Counts of distinct trigrams of short texts: far inside f64's exact range.
    2.0 * shared as f64 / (ta.len() + tb.len()) as f64
}

/// The trigrams of each word of `text` folded, with a space either side
/// so a word's start and end count ("su" gives " su" and "su ").
fn trigrams(text: &str) -> BTreeSet<[char; 3]> {
    let mut out = BTreeSet::new();
    for word in loose_key(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let chars: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for w in chars.windows(3) {
            out.insert([w[0], w[1], w[2]]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_typed_without_turkish_letters_or_in_capitals_are_alike() {
        assert_eq!(similarity("Sokakta su yok", "sokakta sü yök"), 1.0);
        assert_eq!(similarity("IŞIK YANMIYOR", "ışık yanmıyor"), 1.0);
        assert_eq!(
            similarity("İzmit'te su yok!", "izmit te su yok"),
            1.0,
            "punctuation splits words"
        );
        assert_eq!(
            similarity("su yok, elektrik var", "elektrik var su yok"),
            1.0
        );
    }

    #[test]
    fn suffixes_change_little_and_other_words_much() {
        let same_fault = similarity("Boru patladı, su akıyor", "borusu patlamış su akıyo");
        let other = similarity("Boru patladı, su akıyor", "Faturam yanlış geldi");
        assert!(same_fault > 0.5, "{same_fault}");
        assert!(other < 0.15, "{other}");
        assert!(same_fault > other);
    }

    #[test]
    fn texts_without_words_are_alike_to_nothing() {
        assert_eq!(similarity("", "su yok"), 0.0);
        assert_eq!(similarity("?!", "?!"), 0.0);
    }
}
