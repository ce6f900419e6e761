//! Social-media webhooks: WhatsApp Cloud API, Messenger, Instagram
//! Messaging and X direct messages become applications on
//! `intake.applications.v1` (channel `SOCIAL_MEDIA`). A citizen's messages
//! make one conversation: the first with a phone number opens a case, the
//! later ones within the window follow it up, and messages without a number
//! are held until one arrives or the window passes.
//!
//! - [`webhooks`]: the routes, the handshakes, the signature checks.
//! - [`delivery`]: each message of a delivery recorded, published and
//!   acknowledged (and replays refused).
//! - [`application`]: a message or a held conversation as an application.
//! - [`housekeeping`]: held conversations past their window become cases;
//!   old message ids and idle conversations are forgotten.
//! - [`parse`]: the payload parsers (no dependencies beyond serde, fuzzed).
//! - [`store`]: conversations and message ids.
//! - [`phone`]: a phone number written into a message.
//! - [`settings`]: the `intake.social` block.

pub mod application;
pub mod delivery;
pub mod housekeeping;
pub mod parse;
pub mod phone;
pub mod settings;
mod state;
pub mod store;
pub mod webhooks;

pub use delivery::Summary;
pub use housekeeping::Tidied;
pub use state::SocialState;
pub use webhooks::router;

#[cfg(test)]
mod tests;
