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
