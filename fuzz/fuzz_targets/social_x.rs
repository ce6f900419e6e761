//! The X Account Activity webhook parser on arbitrary bytes: never a panic,
//! every accepted direct message holds the channel's invariants and is not
//! the subscribed account's own.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../services/intake/src/social/parse/mod.rs"]
#[allow(dead_code)]
mod parse;

mod check {
    include!("social_check.rs");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = parse::x::parse(data) {
        check::parsed(&p);
        for m in &p.messages {
            assert_eq!(m.platform, parse::Platform::X);
            assert_ne!(
                m.sender_id, m.account_id,
                "an echo was taken for a citizen's message"
            );
        }
    }
});
