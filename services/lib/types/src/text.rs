//! Free-text fields: trimmed, Unicode NFC, bounded in characters.

use unicode_normalization::UnicodeNormalization as _;

use crate::fields::FieldError;

/// Trims and NFC-normalises `raw`, then checks it holds 1..=`max` characters
/// and no control characters other than line breaks and tabs.
///
/// # Errors
/// A [`FieldError`] on `field` naming the rule broken.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let t: String = raw.trim().nfc().collect();
    if t.is_empty() {
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
