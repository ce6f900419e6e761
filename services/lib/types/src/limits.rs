//! How long or how many an input may be, in one place, so that a form's
//! `maxlength`, the message that states a limit and the service that enforces
//! it say the same number. Lengths count characters (Unicode scalar values)
//! after trimming; `_BYTES` counts bytes.

/// An application's text, on every channel.
pub const APPLICATION_TEXT: usize = 10_000;
/// An official answer, as the case service takes it (the desk's answer form
/// keeps to [`NOTE`]).
pub const OFFICIAL_ANSWER: usize = 10_000;
/// A note on a case, and a callback's call note.
pub const NOTE: usize = 4_000;
/// The reason for a transfer or for reopening a case.
pub const REASON: usize = 2_000;
/// A person's name (an applicant's, a user's display name) and the name of
/// a directorate, unit or pool.
pub const NAME: usize = 200;
/// A postal address.
pub const POSTAL_ADDRESS: usize = 500;
/// An e-mail address.
pub const EMAIL: usize = 254;
/// A queue ticket number or a document, call or meeting reference at staff
/// entry.
pub const REFERENCE: usize = 64;
/// A user name, at least.
pub const USERNAME_MIN: usize = 3;
/// A user name, at most.
pub const USERNAME_MAX: usize = 64;
/// A password, at least.
pub const PASSWORD_MIN: usize = 10;
/// A password, at most.
pub const PASSWORD_MAX: usize = 128;
/// Files with one application.
pub const ATTACHMENTS: usize = 3;
/// The largest file, decoded.
pub const ATTACHMENT_BYTES: usize = 256 * 1024;
/// A citizen's comment with a satisfaction score.
pub const SURVEY_COMMENT: usize = 2_000;
/// Records claimed or assigned in one step.
pub const BULK: usize = 100;
