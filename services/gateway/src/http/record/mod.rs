//! The record page: the application (received when, by which channel,
//! where, how urgent), contact details and the one the reply uses (masked
//! when the caller's role does not need them), notes with their authors and
//! *Not Ekle*, the official answer (*Yetkili Açıklaması*) with *Kaydet ve
//! Kaydı Kapat*, which closes the record after a confirmation, the 3-day
//! note rule shown before it blocks, *Üzerime Al*, assignment, and *İşlem
//! Detaylarını Göster* with every task step: who did it, from → to.
//!
//! - [`page`]: the page and the attachments' downloads; for a record the
//!   person may no longer see, what happened to it (`WhereIsCase`).
//! - [`actions`]: its forms (claim, assign, note and answer, callback
//!   outcome, reopening; transferring is `http::transfer`). Every write
//!   carries the version the page showed, so a double-submitted form or a record changed meanwhile writes
//!   nothing twice; a refused one shows the page again with what was typed.
//! - [`delivery_log`]: the messages sent to the citizen, from notify.
//! - [`ready_answer`]: the answer box's ready answers and the preview of
//!   what the citizen receives (from notify).
//! - [`related`]: the citizen's other applications, from the case
//!   service's person index.
//! - [`duplicates`]: the records this one may repeat, their merge and
//!   dismissal.

mod actions;
mod delivery_log;
mod duplicates;
mod page;
mod ready_answer;
mod related;

pub(super) use actions::istanbul_time;
pub(super) use actions::{
    add_note, assign, await_citizen, citizen_answered, claim, close, extend_deadline, reclassify,
    record_callback, reopen, resolve_not_reached,
};
pub(super) use duplicates::{dismiss as dismiss_duplicate, merge};
pub(super) use page::{attachment, show};
pub(super) use ready_answer::{insert_ready_answer, preview_answer};

/// A protobuf timestamp as the desk reads it, in Istanbul time
/// (`25.11.2026 10:30`).
pub(super) fn when(t: Option<&prost_types::Timestamp>) -> String {
    t.and_then(|t| jiff::Timestamp::new(t.seconds, 0).ok())
        .map(|t| {
            t.to_zoned(
                jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
        })
        .unwrap_or_default()
}
