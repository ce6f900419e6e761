//! The e-mail channel's MIME path (`services/intake/src/email/parse`) on
//! arbitrary bytes: it must never panic, and whatever it accepts must hold
//! the limits the case service enforces (a message the channel accepts but
//! the case service refuses would be dead-lettered instead of opened).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../services/intake/src/email/parse/mod.rs"]
#[allow(dead_code)]
mod parse;

fuzz_target!(|data: &[u8]| {
    let limits = parse::Limits {
        max_attachments: 3,
        max_attachment_bytes: 256 * 1024,
        max_text_chars: 10_000,
        own_addresses: vec!["basvuru@ornek.gov.tr".to_owned()],
        notification_domain: "bildirim.ornek.gov.tr".to_owned(),
    };
    // The first byte's low bit says whether the bytes are a message cut at
    // the fetch limit, so both paths get fuzzed.
    let truncated = data.first().is_some_and(|b| b & 1 == 1);
    if let parse::Verdict::Citizen(m) = parse::parse(data, truncated, &limits) {
        assert!(m.body.chars().count() <= limits.max_text_chars);
        assert!(
            m.body
                .chars()
                .chain(m.subject.chars())
                .all(|c| !c.is_control() || c == '\n' || c == '\t'),
            "control characters reach the text"
        );
        assert!(m.files.len() <= limits.max_attachments);
        for f in &m.files {
            assert!(!f.content.is_empty() && f.content.len() <= limits.max_attachment_bytes);
            assert!(
                parse::ATTACHMENT_TYPES
                    .iter()
                    .any(|(t, magic)| *t == f.content_type && f.content.starts_with(magic))
            );
            let n = f.name.chars().count();
            assert!((1..=200).contains(&n) && !f.name.contains(['/', '\\']));
            assert!(!f.name.chars().any(char::is_control));
        }
        if let Some(tn) = &m.follow_up_of {
            assert!(tekmerkez_tracking::TrackingNumber::parse(tn).is_ok());
        }
        assert!(m.reply_address.contains('@'));
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let stripped = parse::text::strip_quoted_reply(&parse::text::clean(s));
        assert!(stripped.len() <= s.len() + 1);
        let _ = parse::text::bound(s, 100);
        let cleaned = parse::text::clean(s);
        let kept = parse::text::strip_signature(&parse::text::strip_outlook_quote(&cleaned));
        assert!(kept.len() <= cleaned.len() + 1);
        if let Some((address, _)) = parse::sender::scan(s) {
            assert_eq!(parse::sender::usable(&address).as_deref(), Some(address.as_str()));
        }
    }
});
