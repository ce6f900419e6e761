//! Free-text fields: trimmed, Unicode NFC, bounded in characters, and
//! visible. This is the one place every channel's citizen text passes
//! (web form, app API, partner gRPC, e-mail, social, CTI, staff entry) and
//! the case service checks again, so the rules cannot drift apart:
//!
//! - Text is NFC, so what looks equal is equal.
//! - A field with nothing visible in it — only spaces, zero-width or other
//!   format characters (U+200B…U+2060, U+FEFF), combining marks with no
//!   letter to sit on — is empty, and an empty required field is refused.
//! - Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F,
//!   U+061C) make text display in another order than it is stored
//!   (`Ödeme \u{202E}gnp.exe` shows as "Ödeme exe.png"). In names and file
//!   names they have no honest use and are removed ([`parse_name_text`],
//!   [`parse_file_name`]); in free text they can be real (a quotation in
//!   Arabic), so they are kept, and every page that shows citizen text
//!   shows it through [`isolate_bidi`], which closes what the text opened
//!   and isolates it so it cannot reorder what surrounds it.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization as _, char::is_combining_mark};

use crate::fields::FieldError;

/// Escapes `s` for HTML text and attribute values (`&`, `<`, `>`, both
/// quotes): one rule for every page and e-mail a service writes by hand.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` is a bidirectional formatting control: the embeddings and
/// overrides (LRE RLE PDF LRO RLO), the isolates (LRI RLI FSI PDI) and the
/// marks (LRM RLM ALM).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Whether `c` shows nothing by itself: whitespace, a format character
/// (zero-width space and joiners, word joiner, BOM, soft hyphen, the bidi
/// controls, invisible operators, tags), a blank filler, or a combining
/// mark (which only shows on a letter before it).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_combining_mark(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether `s` has at least one character that shows something. A
/// combining mark counts only after a visible character (on which it sits).
pub fn has_visible(s: &str) -> bool {
    s.chars().any(|c| !is_invisible(c))
}

/// `s` without bidirectional controls.
pub fn strip_bidi(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_bidi_control) {
        Cow::Owned(s.chars().filter(|c| !is_bidi_control(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// `text` made safe to show among other text: when it holds any bidi
/// control, every embedding, override and isolate it leaves open is closed
/// at its end, closers that match nothing are left out (they could only
/// close what surrounds the text), and the whole is wrapped in FIRST STRONG
/// ISOLATE … POP DIRECTIONAL ISOLATE, so it cannot reorder what comes after
/// it, on a page or in a PDF (pages also isolate citizen text with
/// `unicode-bidi: isolate`). Text without bidi controls is returned as it
/// is.
pub fn isolate_bidi(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_bidi_control) {
        return Cow::Borrowed(text);
    }
    // What is open, innermost last: `true` for an isolate, `false` for an
    // embedding or override. A PDF closes the innermost embedding unless an
    // isolate is innermost (UBA X7), a PDI closes its isolate and the
    // embeddings inside it (X6a). Line breaks are not taken as paragraph
    // ends (on a page they often are not): where they are, the closers
    // appended below are unmatched there and ignored (X7, X6a), so closing
    // as if the text were one paragraph is right either way.
    let mut open: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(text.len() + 16);
    out.push('\u{2068}');
    for c in text.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => open.push(false),
            '\u{2066}'..='\u{2068}' => open.push(true),
            '\u{202C}' => {
                if open.last() == Some(&false) {
                    open.pop();
                } else {
                    // Unmatched: it does nothing inside the text, and left
                    // in it would close what surrounds it.
                    continue;
                }
            }
            '\u{2069}' => match open.iter().rposition(|isolate| *isolate) {
                Some(i) => open.truncate(i),
                // Unmatched: it would close the isolate around the text.
                None => continue,
            },
            _ => {}
        }
        out.push(c);
    }
    for isolate in open.iter().rev() {
        out.push(if *isolate { '\u{2069}' } else { '\u{202C}' });
    }
    out.push('\u{2069}');
    Cow::Owned(out)
}

/// A name as stored and shown: bidi controls removed, trimmed, NFC. For
/// channels that must keep a name they cannot refuse (an e-mail's file
/// names); check [`has_visible`] on the result.
pub fn normalise_name(raw: &str) -> String {
    strip_bidi(raw).trim().nfc().collect()
}

/// A name-like field (a person's or an organisation's name, a label): bidi
/// controls removed, then as [`parse_text`].
///
/// # Errors
/// As [`parse_text`].
pub fn parse_name_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    parse_text(field, &strip_bidi(raw), max)
}

/// A file name: bidi controls removed (so `Ödeme \u{202E}gnp.exe` is stored
/// and shown as `Ödeme gnp.exe`, what it is), then as [`parse_text`].
///
/// # Errors
/// As [`parse_text`].
pub fn parse_file_name(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    parse_name_text(field, raw, max)
}

/// Trims and NFC-normalises `raw`, then checks it holds 1..=`max` characters,
/// at least one of them visible ([`has_visible`]), and no control characters
/// other than line breaks and tabs.
///
/// # Errors
/// A [`FieldError`] on `field` naming the rule broken.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let t: String = raw.trim().nfc().collect();
    if !has_visible(&t) {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "is too long"));
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(t)
}

/// Like [`parse_text`] but an empty input is `None`.
///
/// # Errors
/// As [`parse_text`] for a non-empty input.
pub fn parse_optional_text(
    field: &str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        // Something typed that shows nothing is refused, not taken as
        // "nothing given": it is what a forged empty-looking field is made of.
        parse_text(field, raw, max).map(Some)
    }
}

/// A category code: 1..=64 of `a-z`, `0-9`, `_`.
///
/// # Errors
/// A [`FieldError`] on `field`.
pub fn parse_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if t.len() > 64
        || !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(FieldError::new(field, "must be 1 to 64 of a-z, 0-9 and _"));
    }
    Ok(t.to_owned())
}

/// A UUID in its hyphenated form.
///
/// # Errors
/// A [`FieldError`] on `field`.
pub fn parse_uuid(field: &str, raw: &str) -> Result<uuid::Uuid, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| FieldError::new(field, "must be a UUID"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_are_escaped_and_turkish_letters_kept() {
        assert_eq!(
            escape_html(r#"<a href="x">Şule & O'Neil</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Şule &amp; O&#39;Neil&lt;/a&gt;"
        );
    }

    #[test]
    fn text_is_trimmed_and_normalised_to_nfc() {
        // "ş" written as s + combining cedilla becomes the one code point.
        let t = parse_text("text", "  s\u{0327}u  ", 10).unwrap();
        assert_eq!(t, "şu");
    }

    #[test]
    fn empty_overlong_and_control_texts_are_rejected_by_rule() {
        assert_eq!(
            parse_text("text", "   ", 10).unwrap_err().rule,
            "must not be empty"
        );
        assert_eq!(
            parse_text("text", "çççççç", 5).unwrap_err().rule,
            "is too long"
        );
        assert_eq!(
            parse_text("text", "a\u{0007}b", 5).unwrap_err().rule,
            "must not contain control characters"
        );
        assert!(parse_text("text", "satır\nsatır", 20).is_ok());
    }

    #[test]
    fn fields_that_show_nothing_are_empty() {
        for raw in [
            "\u{200B}\u{200B}",
            "\u{200C}\u{200D}\u{2060}",
            "\u{FEFF}",
            "\u{0301}",
            " \u{0301}\u{0308} ",
            "\u{202E}\u{2066}",
            "\u{00AD}\u{3164}\u{2800}",
            "\u{E0041}",
        ] {
            assert_eq!(
                parse_text("text", raw, 100).unwrap_err().rule,
                "must not be empty",
                "{:?}",
                raw.escape_unicode().to_string()
            );
        }
        // A mark on a letter, and a zero-width joiner inside real text, stay.
        assert_eq!(parse_text("text", "e\u{0301}", 10).unwrap(), "é");
        assert!(parse_text("text", "su\u{200D}yok", 10).is_ok());
    }

    #[test]
    fn names_and_file_names_lose_bidi_controls_texts_keep_them() {
        let shown = parse_file_name("file_name", "Ödeme \u{202E}gnp.exe", 200).unwrap();
        assert_eq!(shown, "Ödeme gnp.exe");
        assert_eq!(
            parse_name_text("name", "\u{2067}Ayşe\u{2069} \u{200F}Yılmaz", 200).unwrap(),
            "Ayşe Yılmaz"
        );
        assert!(parse_file_name("file_name", "\u{202E}\u{200E}", 200).is_err());
        let text = parse_text("text", "Fatura \u{202E}abc", 100).unwrap();
        assert!(text.contains('\u{202E}'), "texts keep them");
    }

    #[test]
    fn isolated_text_closes_what_it_opened_and_cannot_reorder_what_follows() {
        assert_eq!(isolate_bidi("düz metin"), "düz metin");
        assert_eq!(
            isolate_bidi("Ödeme \u{202E}gnp.exe"),
            "\u{2068}Ödeme \u{202E}gnp.exe\u{202C}\u{2069}"
        );
        // Closed already: only the isolate around it.
        assert_eq!(
            isolate_bidi("a\u{202B}b\u{202C}"),
            "\u{2068}a\u{202B}b\u{202C}\u{2069}"
        );
        // An isolate and an override inside it: closed innermost first.
        assert_eq!(
            isolate_bidi("\u{2067}x\u{202D}y"),
            "\u{2068}\u{2067}x\u{202D}y\u{202C}\u{2069}\u{2069}"
        );
        // A PDI closes the override opened inside its isolate too.
        assert_eq!(
            isolate_bidi("\u{2066}x\u{202E}y\u{2069}z"),
            "\u{2068}\u{2066}x\u{202E}y\u{2069}z\u{2069}"
        );
        // A stray closer is left out: it would close the wrapper.
        assert_eq!(isolate_bidi("a\u{2069}b\u{202C}"), "\u{2068}ab\u{2069}");
        // Closed even across a line break.
        assert_eq!(
            isolate_bidi("\u{2066}x\ny"),
            "\u{2068}\u{2066}x\ny\u{2069}\u{2069}"
        );
    }

    proptest::proptest! {
        #[test]
        fn isolated_text_is_always_balanced(s in "[a\u{202A}-\u{202E}\u{2066}-\u{2069}\n]{0,24}") {
            let out = isolate_bidi(&s);
            let mut depth: Vec<bool> = Vec::new();
            // Re-run the pairing over the output: nothing stays open.
            for c in out.chars() {
                match c {
                    '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => depth.push(false),
                    '\u{2066}'..='\u{2068}' => depth.push(true),
                    '\u{202C}' if depth.last() == Some(&false) => { depth.pop(); }
                    '\u{2069}' => if let Some(i) = depth.iter().rposition(|x| *x) { depth.truncate(i); },
                    _ => {}
                }
            }
            proptest::prop_assert!(depth.is_empty(), "{:?}", out.escape_unicode().to_string());
            let wrapped = out.starts_with('\u{2068}');
            proptest::prop_assert!(wrapped || !s.chars().any(is_bidi_control), "not wrapped");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(parse_text("text", "ğüşiöç", 6).is_ok());
    }

    #[test]
    fn codes_allow_only_lower_ascii_digits_and_underscore() {
        assert!(parse_code("category", "su_arizasi").is_ok());
        assert!(parse_code("category", "Su").is_err());
        assert!(parse_code("category", "arıza").is_err());
    }
}
