//! The record page: the application, contact details (masked when the
//! caller's role does not need them), notes with *Not Ekle*, the official
//! answer (*Yetkili Açıklaması*) with *Kaydet*, which closes the record, the
//! 3-day note rule shown before it blocks, and *İşlem Detaylarını Göster*
//! with every task step.
//!
//! - [`page`]: the page and the attachments' downloads.
//! - [`actions`]: its forms (note, answer, callback outcome). Every
//!   write carries the version the page showed, so a double-submitted form
//!   or a record changed meanwhile writes nothing twice.
//! - [`delivery_log`]: the messages sent to the citizen, from notify.

mod actions;
mod delivery_log;
mod page;

pub(super) use actions::{add_note, close, record_callback};
pub(super) use page::{attachment, show};

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
