//! The Messenger and Instagram Messaging webhook parser on arbitrary bytes:
//! never a panic, and every accepted message holds the channel's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../services/intake/src/social/parse/mod.rs"]
#[allow(dead_code)]
mod parse;

mod check {
    include!("social_check.rs");
}

fuzz_target!(|data: &[u8]| {
    // The same parser serves both objects; each body is tried as both.
    for platform in [parse::Platform::Messenger, parse::Platform::Instagram] {
        if let Ok(p) = parse::messenger::parse(data, platform) {
            check::parsed(&p);
            for m in &p.messages {
                assert_eq!(m.platform, platform);
                assert!(
                    m.sender_phone.is_none(),
                    "Meta never gives a Messenger sender's phone"
                );
            }
        }
    }
});
