//! The webhook payload parsers: raw bytes (already signature-checked) → the
//! citizen messages they carry, in one platform-neutral shape.
//!
//! This tree depends on `serde` and `serde_json` only, and on nothing else in
//! the crate, so the fuzz targets (`fuzz/fuzz_targets/social_*.rs`) compile
//! it on its own through `#[path]` without building the service.
//!
//! Parsers are lenient where the platforms add things (unknown fields,
//! fields we do not subscribe to, status receipts, echoes of our own
//! messages: ignored, counted) and strict where the documented shape itself
//! is broken (`entry` not a list, a message without an id): that answers 400,
//! so the platform keeps the delivery and retries instead of us dropping it.
//!
//! - [`whatsapp`]: WhatsApp Cloud API `messages` notifications.
//! - [`messenger`]: Messenger (`object: page`) and Instagram Messaging
//!   (`object: instagram`) `messaging` events.
//! - [`x`]: X Account Activity API `direct_message_events`.

pub mod messenger;
pub mod whatsapp;
pub mod x;

/// Longest text kept from one message (WhatsApp allows 4 096, Messenger
/// 2 000, X 10 000 characters); longer text is cut, never refused.
pub const MAX_MESSAGE_CHARS: usize = tekmerkez_types::limits::APPLICATION_TEXT;

/// Most messages taken from one delivery (Meta batches up to 1 000 updates).
pub const MAX_MESSAGES: usize = 1_000;

/// Which platform a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// WhatsApp Cloud API.
    WhatsApp,
    /// Facebook Messenger (a Page).
    Messenger,
    /// Instagram Messaging (a professional account).
    Instagram,
    /// X (Account Activity API).
    X,
}

impl Platform {
    /// A short stable name, used in keys and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WhatsApp => "whatsapp",
            Self::Messenger => "messenger",
            Self::Instagram => "instagram",
            Self::X => "x",
        }
    }
}

/// What a message says.
#[derive(Clone, PartialEq)]
pub enum Content {
    /// Plain text (or the title of a button the citizen tapped).
    Text(String),
    /// A photo, video, voice note or file; only its caption travels here
    /// (the media itself stays on the platform).
    Media {
        /// `image`, `video`, `audio`, `document`, `file`.
        kind: String,
        /// The caption, if any.
        caption: Option<String>,
    },
    /// A shared location.
    Location {
        /// Degrees north.
        latitude: f64,
        /// Degrees east.
        longitude: f64,
        /// The place's name and address, if the citizen picked one.
        label: Option<String>,
    },
}

// Message content is personal data: never print it.
impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(t) => write!(f, "Text({} chars)", t.chars().count()),
            Self::Media { kind, caption } => {
                write!(f, "Media({kind}, caption: {})", caption.is_some())
            }
            Self::Location { .. } => f.write_str("Location(..)"),
        }
    }
}

/// One citizen message, whatever the platform.
#[derive(Clone, PartialEq)]
pub struct Inbound {
    /// Where it came from.
    pub platform: Platform,
    /// The institution's account that received it: WhatsApp phone number id,
    /// Page id, Instagram account id, X user id.
    pub account_id: String,
    /// The sender's platform id: WhatsApp `wa_id` (the phone number),
    /// page-scoped or Instagram-scoped id, X user id. Personal data.
    pub sender_id: String,
    /// The platform's message id (`wamid.…`, `mid.…`, DM event id).
    pub message_id: String,
    /// When the platform says it was sent, in milliseconds since the epoch;
    /// always within [`EARLIEST_MS`]`..=`[`LATEST_MS`] (see [`Stamp::millis`]).
    pub sent_at_ms: i64,
    /// The sender's display name, where the payload carries one. Personal data.
    pub sender_name: Option<String>,
    /// The sender's phone number as the platform gives it (WhatsApp `wa_id`,
    /// digits without `+`). Personal data.
    pub sender_phone: Option<String>,
    /// What it says.
    pub content: Content,
}

impl std::fmt::Debug for Inbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound")
            .field("platform", &self.platform)
            .field("message_id", &self.message_id)
            .field("sent_at_ms", &self.sent_at_ms)
            .field("content", &self.content)
            .finish_non_exhaustive()
    }
}

/// Everything one delivery carried.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// The citizen messages, in payload order.
    pub messages: Vec<Inbound>,
    /// Items that are not citizen messages (status receipts, echoes,
    /// reactions, other subscribed fields): acknowledged and dropped.
    pub ignored: usize,
}

/// Why a body is not a delivery we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON at all.
    NotJson,
    /// JSON, but not the documented shape; names the part.
    Shape(&'static str),
    /// A message's send time is missing or not a time a message can have
    /// been sent at (negative, overflowing, beyond the calendar); names the
    /// field.
    Time(&'static str),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson => f.write_str("the body is not JSON"),
            Self::Shape(part) => write!(f, "the body is not a documented payload: {part}"),
            Self::Time(part) => write!(f, "a message has no plausible send time: {part}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Reads JSON, telling "not JSON" from "JSON of another shape".
pub(crate) fn from_json<'a, T: serde::Deserialize<'a>>(
    body: &'a [u8],
    shape: &'static str,
) -> Result<T, ParseError> {
    serde_json::from_slice(body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ParseError::NotJson
        } else {
            ParseError::Shape(shape)
        }
    })
}

/// Trims and bounds a text; `None` when nothing is left.
pub(crate) fn clean_text(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    Some(t.chars().take(MAX_MESSAGE_CHARS).collect())
}

/// A timestamp the platforms send either as a JSON number or as a string of
/// digits (WhatsApp: seconds as a string; X: milliseconds as a string).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Stamp {
    Number(i64),
    Text(String),
}

/// The earliest send time taken, 2000-01-01T00:00:00Z in milliseconds: no
/// platform message is older, and a smaller number is a unit mistake or a
/// forgery.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// The latest send time taken, 9999-12-31T23:59:59.999Z in milliseconds: the
/// end of the calendar every time library here can represent (jiff's range
/// ends there too). Anything in between that is far from now is the replay
/// window's to refuse; anything beyond it cannot be compared with now
/// without overflow, so it is refused here.
pub const LATEST_MS: i64 = 253_402_300_799_999;

impl Stamp {
    /// The integer as sent (a number, or a string of digits).
    fn value(&self) -> Option<i64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(s) => s.trim().parse().ok(),
        }
    }

    /// The send time in milliseconds, from a stamp counted in units of
    /// `ms_per_unit` milliseconds (1 000 for seconds, 1 for milliseconds).
    ///
    /// # Errors
    /// [`ParseError::Time`] naming `field` when the stamp is missing, not an
    /// integer, or outside [`EARLIEST_MS`]`..=`[`LATEST_MS`] (which includes
    /// every overflow and every negative value).
    pub(crate) fn millis(
        stamp: Option<&Self>,
        ms_per_unit: i64,
        field: &'static str,
    ) -> Result<i64, ParseError> {
        stamp
            .and_then(Self::value)
            .and_then(|v| v.checked_mul(ms_per_unit))
            .filter(|ms| (EARLIEST_MS..=LATEST_MS).contains(ms))
            .ok_or(ParseError::Time(field))
    }
}

/// An id the platforms send as a string (and, in older payloads, sometimes
/// as a number).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Id {
    Text(String),
    Number(u64),
}

impl Id {
    pub(crate) fn into_string(self) -> String {
        match self {
            Self::Text(s) => s,
            Self::Number(n) => n.to_string(),
        }
    }
}

/// Accepts an id only when it is a plausible platform id: 1 to 256 visible
/// ASCII characters (they go into keys and logs).
pub(crate) fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_graphic())
}
