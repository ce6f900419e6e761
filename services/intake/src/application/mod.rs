//! A new application, whatever channel took it. Every channel (the web form
//! and the app API, staff entry, partners, e-mail, the IVR, social media)
//! builds one [`NewApplication`] from what it received and turns it into the
//! bus contract `ApplicationReceived` in one place, the `From` below, so a
//! field means the same on the bus whichever channel filled it.
//!
//! - [`request`]: the JSON application of the web form and the app API,
//!   parsed by the rules staff entry shares.

pub mod request;

use jiff::Timestamp;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_types::{
    contact::{Contact, SocialAddress, SocialPlatform},
    fields::FieldError,
    text::parse_text,
};
use uuid::Uuid;

pub use request::{Applicant, ApplicationRequest, AttachmentRequest, KvkkConsent, parse};

/// The longest text the case service takes.
pub const MAX_TEXT: usize = tekmerkez_types::limits::APPLICATION_TEXT;
/// Most attachments.
pub const MAX_ATTACHMENTS: usize = tekmerkez_types::limits::ATTACHMENTS;
/// Largest attachment after decoding.
pub const MAX_ATTACHMENT_BYTES: usize = tekmerkez_types::limits::ATTACHMENT_BYTES;
/// Attachment types accepted.
pub const ATTACHMENT_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];

/// An application a channel took, checked, with its ids chosen.
#[derive(Clone)]
pub struct NewApplication {
    /// The application id (the case service opens one case per id).
    pub id: Uuid,
    /// The tracking number (canonical form), or `None` when the case
    /// service gives it (e-mail: the acknowledgement tells it).
    pub tracking_number: Option<String>,
    /// The channel that took it.
    pub channel: common::Channel,
    /// A category code.
    pub category: String,
    /// Whether `category` is the channel's default (an e-mail mailbox's, a
    /// social-media account's), not chosen by the citizen or staff: routing
    /// then gives the case its rule's assigned category.
    pub category_is_default: bool,
    /// The text staff read. Personal data.
    pub text: String,
    /// Where it is about.
    pub place: Place,
    /// The applicant's contact details, any part missing.
    pub contact: Contact,
    /// How the applicant is answered.
    pub reply: common::ReplyChannel,
    /// The KVKK consent, when one was given.
    pub consent: Option<Consent>,
    /// When intake took it (or the partner, for a partner's application).
    pub received_at: Timestamp,
    /// Files, as the contract carries them.
    pub attachments: Vec<pb::Attachment>,
    /// What the citizen was told, for an information-only application
    /// (resolved at once).
    pub information_answer: Option<String>,
    /// The channel's own reference (a partner's, an e-mail's `Message-ID`,
    /// a platform message, a queue ticket).
    pub source_reference: Option<String>,
    /// The tracking number of the case this follows up.
    pub follow_up_of: Option<String>,
    /// The staff member who recorded it.
    pub recorded_by: Option<Uuid>,
    /// The kind of application the citizen (or staff, or the partner)
    /// chose; unspecified lets routing's rule or the default decide.
    pub application_type: common::ApplicationType,
    /// The partner that sent it, with its configured source and its own
    /// reference; `None` for citizens.
    pub partner: Option<PartnerOrigin>,
}

/// The rule of an application type field.
pub const TYPE_RULE: &str = "must be talep, sikayet, oneri, ihbar, bilgi_edinme or tesekkur";

/// The application type a channel was given as its code (`talep` …):
/// blank is not given (routing's rule or the default decides); an unknown
/// code is a violation on `field`.
pub fn parse_application_type(
    v: &mut tekmerkez_types::fields::Violations,
    field: &str,
    raw: &str,
) -> common::ApplicationType {
    use tekmerkez_types::classification::ApplicationType as T;
    let raw = raw.trim();
    if raw.is_empty() {
        return common::ApplicationType::Unspecified;
    }
    match T::from_code(raw) {
        Some(T::Talep) => common::ApplicationType::Talep,
        Some(T::Sikayet) => common::ApplicationType::Sikayet,
        Some(T::Oneri) => common::ApplicationType::Oneri,
        Some(T::Ihbar) => common::ApplicationType::Ihbar,
        Some(T::BilgiEdinme) => common::ApplicationType::BilgiEdinme,
        Some(T::Tesekkur) => common::ApplicationType::Tesekkur,
        None => {
            v.add(field, TYPE_RULE);
            common::ApplicationType::Unspecified
        }
    }
}

/// Where a partner's application came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerOrigin {
    /// The partner's id in intake's settings (`cimer`).
    pub id: String,
    /// The source configured on that partner.
    pub source: common::ApplicationSource,
    /// The partner's own reference number.
    pub reference: String,
}

impl std::fmt::Debug for NewApplication {
    // The text and the contact details are personal data: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApplication")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// Where an application is about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    /// The province's plate code.
    pub province_code: u8,
    /// The district's official name, when known.
    pub district: Option<String>,
    /// The neighbourhood (mahalle) as the reference data spells it, when
    /// given (it needs the district).
    pub neighbourhood: Option<String>,
    /// Latitude and longitude, when shared. Personal data.
    pub coordinates: Option<(f64, f64)>,
}

/// The KVKK consent an applicant gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The notice version shown.
    pub text_version: String,
    /// When it was given.
    pub accepted_at: Timestamp,
    /// Explicit consent for special-category data (KVKK art. 6).
    pub special_category: bool,
}

impl From<NewApplication> for pb::ApplicationReceived {
    fn from(a: NewApplication) -> Self {
        let c = a.contact;
        let expose = |v: Option<&str>| v.unwrap_or_default().to_owned();
        Self {
            application_id: a.id.to_string(),
            tracking_number: a.tracking_number.unwrap_or_default(),
            channel: a.channel as i32,
            category: a.category,
            text: a.text,
            location: Some(common::Location {
                province_code: u32::from(a.place.province_code),
                district: a.place.district.unwrap_or_default(),
                coordinates: a
                    .place
                    .coordinates
                    .map(|(latitude, longitude)| common::Coordinates {
                        latitude,
                        longitude,
                    }),
                neighbourhood: a.place.neighbourhood.unwrap_or_default(),
            }),
            contact: Some(common::Contact {
                name: expose(c.name.as_ref().map(|x| x.expose())),
                phone: expose(c.phone.as_ref().map(|x| x.expose())),
                email: expose(c.email.as_ref().map(|x| x.expose())),
                postal_address: expose(c.postal_address.as_ref().map(|x| x.expose())),
                social: c.social.as_ref().map(social_to_proto),
            }),
            reply_channel: a.reply as i32,
            consent: a.consent.map(|c| common::Consent {
                text_version: c.text_version,
                accepted_at: Some(timestamp(c.accepted_at)),
                special_category: c.special_category,
            }),
            received_at: Some(timestamp(a.received_at)),
            attachments: a.attachments,
            information_only: a.information_answer.is_some(),
            information_answer: a.information_answer.unwrap_or_default(),
            source_reference: a.source_reference.unwrap_or_default(),
            follow_up_of: a.follow_up_of.unwrap_or_default(),
            recorded_by: a.recorded_by.map(|u| u.to_string()).unwrap_or_default(),
            category_is_default: a.category_is_default,
            application_type: a.application_type as i32,
            source: a.partner.as_ref().map_or(0, |p| p.source as i32),
            partner_id: a.partner.as_ref().map(|p| p.id.clone()).unwrap_or_default(),
            partner_reference: a.partner.map(|p| p.reference).unwrap_or_default(),
        }
    }
}

/// The conversation to reply in, as the contract carries it.
fn social_to_proto(s: &SocialAddress) -> common::SocialAddress {
    common::SocialAddress {
        platform: match s.platform {
            SocialPlatform::WhatsApp => common::SocialPlatform::Whatsapp,
            SocialPlatform::Messenger => common::SocialPlatform::Messenger,
            SocialPlatform::Instagram => common::SocialPlatform::Instagram,
            SocialPlatform::X => common::SocialPlatform::X,
        } as i32,
        account_id: s.account_id.clone(),
        user_id: s.user_id.expose().to_owned(),
        message_at: s.message_at.map(|m| timestamp(at_micros(m))),
    }
}

/// A time in the contract's form: nanoseconds never negative, also before
/// 1970 (as protobuf's `Timestamp` requires).
fn timestamp(t: Timestamp) -> prost_types::Timestamp {
    let (seconds, nanos) = (t.as_second(), t.subsec_nanosecond());
    if nanos < 0 {
        prost_types::Timestamp {
            seconds: seconds - 1,
            nanos: nanos + 1_000_000_000,
        }
    } else {
        prost_types::Timestamp { seconds, nanos }
    }
}

/// A time the stores keep in microseconds. A value beyond jiff's range
/// (years past ±9999) cannot come from a clock or a parsed time; it is
/// clamped rather than refused.
pub fn at_micros(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(if micros < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Texts joined one a line into one application text, cut to [`MAX_TEXT`]
/// characters (the oldest kept) rather than refused: the citizen's messages
/// were already acknowledged.
///
/// # Errors
/// When nothing usable is left (no text at all, only blanks).
pub fn joined_text<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<String, FieldError> {
    let mut full = texts.into_iter().collect::<Vec<_>>().join("\n");
    if full.chars().count() > MAX_TEXT {
        full = full.chars().take(MAX_TEXT).collect();
    }
    parse_text("text", &full, MAX_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_before_1970_keep_their_nanoseconds_positive() {
        let t = at_micros(-500_000);
        assert_eq!(
            timestamp(t),
            prost_types::Timestamp {
                seconds: -1,
                nanos: 500_000_000
            }
        );
        let t = at_micros(1_764_000_000_123_456);
        assert_eq!(
            timestamp(t),
            prost_types::Timestamp {
                seconds: 1_764_000_000,
                nanos: 123_456_000
            }
        );
    }

    #[test]
    fn joined_texts_are_cut_to_the_limit() {
        let long = "a".repeat(MAX_TEXT);
        let t = joined_text([long.as_str(), "b"]).unwrap();
        assert_eq!(t.chars().count(), MAX_TEXT);
        assert!(joined_text([" ", ""]).is_err());
    }
}
