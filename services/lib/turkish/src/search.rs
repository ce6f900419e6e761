//! Search terms, the Turkish way, made in Rust so that every store indexes
//! and queries the same terms (SQLite's FTS5 has no Turkish stemmer, and
//! PostgreSQL's `turkish` configuration would not fold as [`loose_key`]
//! does).
//!
//! The index holds each word [`fold`]ed by Turkish case rules and then
//! [`loose_key`]ed, so "IŞIK", "ışık" and "isik" are one term. A query
//! word becomes a *root*: the same key, its common noun suffixes stripped
//! (plural, possessive, case: "borular", "borusu", "borudan" → "boru"),
//! cut to [`ROOT`] letters; it matches every indexed term it begins. Fixed
//! prefixes are what Turkish retrieval studies found to work about as well
//! as a full morphological analyser (Can et al., "Information retrieval on
//! Turkish texts", JASIST 2008, found 5 letters best); the Snowball Turkish
//! stemmer was tried and cut "boru" to "bor" but left "borusu" whole.

use crate::{fold, loose_key};

/// Longest term kept: longer runs (a pasted token, a hash) say nothing a
/// search would ask for.
const MAX_TERM: usize = 40;

/// Letters of a query root.
pub const ROOT: usize = 5;

/// A root keeps at least this many letters when a suffix is stripped.
const MIN_STEM: usize = 3;

/// Noun suffixes in their loose spelling, longest first: plural, possessive
/// and case endings, and those together.
const SUFFIXES: &[&str] = &[
    "larindan", "lerinden", "larinda", "lerinde", "larini", "lerini", "lari", "leri", "lar", "ler",
    "sindan", "sinden", "sundan", "sunden", "sinda", "sinde", "sunda", "sunde", "sini", "sunu",
    "dan", "den", "tan", "ten", "nin", "nun", "nda", "nde", "si", "su", "da", "de", "ta", "te",
    "yi", "yu", "ya", "ye",
];

/// The terms that index `text`, each once, in first-seen order.
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(text) {
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// The roots a query asks for, each once: every one must begin an indexed
/// term of a match.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(text) {
        let r = root(&word);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The words of a query with their roots, one per root, in order: a word
/// is what a misspelling is looked up by ([`trigram_similarity`]), its
/// root what the index is matched with.
pub fn query_words(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for word in words(text) {
        let r = root(&word);
        if !out.iter().any(|(_, known)| *known == r) {
            out.push((word, r));
        }
    }
    out
}

/// Similar enough to stand for a misspelt word: PostgreSQL's `pg_trgm`
/// default threshold, so both stores agree.
pub const SIMILAR: f32 = 0.3;

/// How alike two words are, as `pg_trgm`'s `similarity` measures it: the
/// share of their three-letter pieces they have in common, each word padded
/// with two blanks before and one after (so the start of a word weighs
/// more). 1 for the same word, 0 for nothing in common.
pub fn trigram_similarity(a: &str, b: &str) -> f32 {
    let (x, y) = (trigrams(a), trigrams(b));
    if x.is_empty() && y.is_empty() {
        return 0.0;
    }
    let common = x.intersection(&y).count();
    let all = x.len() + y.len() - common;
    #[expect(clippy::cast_precision_loss, reason = "counts of a word's trigrams")]
    let share = common as f32 / all as f32;
    share
}

/// The padded three-letter pieces of `word`.
pub fn trigrams(word: &str) -> std::collections::BTreeSet<[char; 3]> {
    if word.is_empty() {
        return std::collections::BTreeSet::new();
    }
    let padded: Vec<char> = "  ".chars().chain(word.chars()).chain([' ']).collect();
    padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// A word's root: its suffixes stripped while at least [`MIN_STEM`]
/// letters stay, then its first [`ROOT`] letters.
fn root(word: &str) -> String {
    let mut w = word;
    'strip: loop {
        for s in SUFFIXES {
            if let Some(rest) = w.strip_suffix(s)
                && rest.chars().count() >= MIN_STEM
            {
                w = rest;
                continue 'strip;
            }
        }
        break;
    }
    w.chars().take(ROOT).collect()
}

/// The words of `text`, folded and loosened: runs of letters and digits
/// up to [`MAX_TERM`] characters.
fn words(text: &str) -> Vec<String> {
    loose_key(&fold(text))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_TERM)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the query `q` finds `text`: each query root begins an
    /// indexed term.
    fn finds(q: &str, text: &str) -> bool {
        let index = index_terms(text);
        let query = query_terms(q);
        !query.is_empty()
            && query
                .iter()
                .all(|t| index.iter().any(|i| i.starts_with(t.as_str())))
    }

    #[test]
    fn suffixes_do_not_hide_a_word() {
        for text in [
            "Ana boru patladı",
            "Borusu patlamış",
            "Borular eskidi",
            "Boruları değişmeli",
            "Borudan su sızıyor",
        ] {
            for q in ["boru", "borusu", "borular", "boruları", "borudan"] {
                assert!(finds(q, text), "{q} in {text}: {:?}", query_terms(q));
            }
        }
        assert!(finds("arızası", "Su arızası var"));
        assert!(finds("arıza", "Su arızası var"));
        assert!(finds("faturam", "Faturalarım yüksek"));
        assert!(finds("sayacı", "Sayaç bozuk"));
    }

    #[test]
    fn turkish_capitals_and_ascii_spellings_meet() {
        assert!(finds("IŞIK", "Sokak ışıkları yanmıyor"));
        assert!(finds("isik", "Sokak ışıkları yanmıyor"));
        assert!(finds("İZMİT", "izmit'te su yok"));
        assert!(finds("sü yök", "Su yok"));
        assert!(finds("sokak", "SOKAKTA SU YOK"));
        assert!(finds("borulari", "Boruları değişmeli"));
    }

    #[test]
    fn every_word_must_match() {
        assert!(finds("su kesintisi", "Mahallede su kesintisi var"));
        assert!(!finds("su elektrik", "Mahallede su kesintisi var"));
        assert!(!finds("   ", "Su yok"), "no terms, no match");
        assert!(!finds("borç", "Ana boru patladı"));
    }

    #[test]
    fn misspellings_are_close_and_other_words_are_not() {
        let close = |a: &str, b: &str| trigram_similarity(a, b) >= SIMILAR;
        assert!((trigram_similarity("boru", "boru") - 1.0).abs() < f32::EPSILON);
        assert!(close("borru", "boru"));
        assert!(close("mehmed", "mehmet"));
        assert!(close("aydinlatma", "aydinlatmasi"));
        assert!(close("kesinti", "kesintisi"));
        assert!(!close("boru", "fatura"));
        assert!(!close("su", "elektrik"));
        // pg_trgm's own figure for these: 4 shared of 7.
        assert!((trigram_similarity("boru", "borru") - 4.0 / 7.0).abs() < 1e-6);
        assert!(trigram_similarity("", "") < f32::EPSILON);
    }

    #[test]
    fn query_words_keep_the_word_beside_its_root() {
        assert_eq!(
            query_words("Borular borusu IŞIK"),
            [
                ("borular".to_owned(), "boru".to_owned()),
                ("isik".to_owned(), "isik".to_owned())
            ]
        );
    }

    #[test]
    fn a_root_keeps_three_letters_and_at_most_five() {
        assert_eq!(
            query_terms("suda"),
            ["suda"],
            "'su' + 'da' would leave two letters"
        );
        assert_eq!(query_terms("elektriği"), ["elekt"]);
        assert_eq!(query_terms("No: 12/B"), ["no", "12", "b"]);
        assert!(index_terms(&"x".repeat(MAX_TERM + 1)).is_empty());
        assert_eq!(index_terms("Su su SU"), ["su"]);
    }
}
