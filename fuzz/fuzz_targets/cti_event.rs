//! The CTI/IVR event parser (`services/intake/src/cti/event.rs`) on
//! arbitrary bytes: never a panic; an accepted event has its ids and a time,
//! and a refused one names at least one field.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../services/intake/src/cti/event.rs"]
#[allow(dead_code)]
mod event;

fuzz_target!(|data: &[u8]| {
    match event::parse(data) {
        Ok(e) => {
            let h = e.head();
            for id in [&h.event_id, &h.call_id] {
                assert!(!id.is_empty() && id.len() <= 128);
                assert!(id.bytes().all(|b| b.is_ascii_graphic()));
            }
            match &e {
                event::Event::CallOffered { ivr_selections, .. }
                | event::Event::IvrRecord { ivr_selections, .. } => {
                    assert!(ivr_selections.len() <= event::MAX_SELECTIONS);
                }
                event::Event::CallEnded { .. } => {}
                event::Event::SurveyScore { score, .. } => assert!((1..=5).contains(score)),
            }
            if let event::Event::IvrRecord { caller_number, .. } = &e {
                assert!(caller_number.chars().any(|c| c.is_ascii_digit()));
            }
            let _ = format!("{e:?}");
        }
        Err(err) => {
            assert!(!err.violations.is_empty(), "a refusal that names no field");
            assert!(!err.message.is_empty());
        }
    }
});
