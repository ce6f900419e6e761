//! The WhatsApp Cloud API webhook parser (`services/intake/src/social/parse`)
//! on arbitrary bytes: it must never panic, and every message it accepts
//! must hold what the channel relies on downstream (ids fit keys and logs,
//! text is bounded and non-empty, a location is a real point).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../services/intake/src/social/parse/mod.rs"]
#[allow(dead_code)]
mod parse;

mod check {
    include!("social_check.rs");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = parse::whatsapp::parse(data) {
        check::parsed(&p);
        for m in &p.messages {
            assert_eq!(m.platform, parse::Platform::WhatsApp);
        }
    }
});
