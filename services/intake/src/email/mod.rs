//! The inbound e-mail channel: reads the institution's mailbox over IMAP
//! (IDLE where the server offers it, polling otherwise), turns each
//! citizen's message into an application, and marks the message processed
//! only once the bus has acknowledged it. Replies naming a case (the
//! notification e-mails' `Message-ID` in `In-Reply-To`/`References`, or a
//! tracking number in the subject) go out as follow-ups of that case
//! (`ApplicationReceived.follow_up_of`); auto-replies and bounces open
//! nothing.
//!
//! - [`parse`]: MIME into a verdict, no I/O (the fuzz target's subject).
//! - [`application`]: a citizen's message into a new application.
//! - [`imap`]: connecting (TLS, STARTTLS), logging in.
//! - [`channel`]: the mailbox loop.
//! - [`problems`]: the messages no case could be made of, counted by
//!   reason and listed for staff (`GET /v1/staff/email-problems`).
//! - [`settings`] — `intake.email`.
//!
//! Intake's background tasks run it, in `tekmerkez intake` and
//! `tekmerkez dev`.

pub mod application;
pub mod channel;
pub mod imap;
pub mod parse;
pub mod problems;
pub mod settings;

pub use channel::EmailChannel;
pub use settings::EmailSettings;
