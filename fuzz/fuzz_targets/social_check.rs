// The invariants every social parser's output must hold; included by the
// social_* targets (inside a `mod check`), where `super::parse` is the
// parser tree.

use super::parse::{Content, MAX_MESSAGE_CHARS, MAX_MESSAGES, Parsed};

fn id(s: &str) {
    assert!(!s.is_empty() && s.len() <= 256, "id length {}", s.len());
    assert!(
        s.bytes().all(|b| b.is_ascii_graphic()),
        "id with invisible bytes"
    );
}

fn text(t: &str) {
    assert!(!t.trim().is_empty(), "empty text accepted");
    assert!(t.chars().count() <= MAX_MESSAGE_CHARS, "text not bounded");
    assert_eq!(t, t.trim(), "text not trimmed");
}

pub fn parsed(p: &Parsed) {
    assert!(p.messages.len() <= MAX_MESSAGES);
    for m in &p.messages {
        id(&m.message_id);
        id(&m.sender_id);
        id(&m.account_id);
        // The send time is one the replay window can compare with now.
        assert!((super::parse::EARLIEST_MS..=super::parse::LATEST_MS).contains(&m.sent_at_ms));
        if let Some(n) = &m.sender_name {
            assert!(n.chars().count() <= 200);
        }
        match &m.content {
            Content::Text(t) => text(t),
            Content::Media { kind, caption } => {
                assert!(!kind.is_empty());
                if let Some(c) = caption {
                    text(c);
                }
            }
            Content::Location {
                latitude,
                longitude,
                label,
            } => {
                assert!((-90.0..=90.0).contains(latitude) && (-180.0..=180.0).contains(longitude));
                if let Some(l) = label {
                    text(l);
                }
            }
        }
        // Debug is what logs would print: it must work and show no text.
        let _ = format!("{m:?}");
    }
}
