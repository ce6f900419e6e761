//! A social message (or a held conversation) as a new application: channel
//! `SOCIAL_MEDIA`, the account's category and province, the conversation's
//! address (platform, our account, the citizen's id, when the message was
//! sent) with the contact, and the reply in that conversation
//! (`intake.social.reply: conversation`, the default) or by phone callback
//! (`phone_callback`, seed 001: "the customer is called back"); a held
//! conversation that never gave a number gets none. Deterministic in what
//! the store planned, so a republish after a failure is byte-for-byte the
//! first one.

use axum::http::StatusCode;
use tekmerkez_proto::common_v1 as common;
use tekmerkez_types::contact::{Contact, PersonName, PhoneNumber, SocialAddress, SocialPlatform};
use uuid::Uuid;

use super::{
    parse::{Content, Inbound, Platform},
    settings::{AccountSettings, SocialReply, SocialSettings},
    store::{Expired, Planned},
};
use crate::{
    api_error::ApiError,
    application::{Consent, NewApplication, Place, at_micros, joined_text},
};

/// The text of a held conversation whose messages carried none (a sticker,
/// a reaction): the case still opens, so the agent sees something came.
const NO_TEXT: &str = "[metin içermeyen ileti]";

/// The application text of a message, in Turkish: the agent reads it.
pub(super) fn render(c: &Content) -> String {
    let clean = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect()
    };
    match c {
        Content::Text(t) => clean(t),
        Content::Media { kind, caption } => {
            let what = match kind.as_str() {
                "image" => "fotoğraf",
                "video" => "video",
                "audio" => "ses kaydı",
                "document" | "file" => "belge",
                _ => "dosya",
            };
            match caption {
                Some(c) => format!("[{what} gönderildi; dosya platformda] {}", clean(c)),
                None => format!("[{what} gönderildi; dosya platformda]"),
            }
        }
        Content::Location { label, .. } => match label {
            Some(l) => format!("[konum paylaşıldı: {}]", clean(l)),
            None => "[konum paylaşıldı]".to_owned(),
        },
    }
}

/// The location a message shares, if any.
pub(super) fn coordinates(c: &Content) -> Option<(f64, f64)> {
    match c {
        Content::Location {
            latitude,
            longitude,
            ..
        } => Some((*latitude, *longitude)),
        _ => None,
    }
}

/// The application of a message the store planned to publish: the texts
/// held before it first, then its own; called back at the phone number the
/// conversation gave.
pub(super) fn application(
    settings: &SocialSettings,
    account: &AccountSettings,
    m: &Inbound,
    plan: &Planned,
    text: &str,
    message_key: &str,
) -> Result<NewApplication, ApiError> {
    let earlier = plan.earlier_texts.iter().map(String::as_str);
    let text = joined_text(earlier.chain(std::iter::once(text))).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the message has no usable text",
        )
    })?;
    Ok(social_application(
        settings,
        account,
        Parts {
            id: plan.application_id,
            tracking_number: &plan.tracking_number,
            text,
            sender_name: m.sender_name.as_deref(),
            phone: plan.phone.clone().map(PhoneNumber::from_trusted),
            social: conversation(m, plan.sent_at),
            // This message's location, else one shared before it.
            coordinates: coordinates(&m.content).or(plan.earlier_coordinates),
            reply: match settings.reply {
                SocialReply::Conversation => common::ReplyChannel::Social,
                SocialReply::PhoneCallback => common::ReplyChannel::PhoneCallback,
            },
            sent_at: plan.sent_at,
            source_reference: message_key.to_owned(),
            follow_up_of: plan.follow_up_of.clone(),
        },
    ))
}

/// The application of a held conversation whose window passed without a
/// phone number: its texts joined as the phone path joins them, no contact
/// but the name the platform gave, reply channel `NO_CONTACT`.
pub(super) fn expired_application(
    settings: &SocialSettings,
    account: &AccountSettings,
    e: &Expired,
) -> NewApplication {
    let text =
        joined_text(e.texts.iter().map(String::as_str)).unwrap_or_else(|_| NO_TEXT.to_owned());
    social_application(
        settings,
        account,
        Parts {
            id: e.application_id,
            tracking_number: &e.tracking_number,
            text,
            sender_name: e.sender_name.as_deref(),
            phone: None,
            social: None,
            coordinates: e.coordinates,
            reply: common::ReplyChannel::NoContact,
            sent_at: e.sent_at,
            source_reference: e.source_reference.clone(),
            follow_up_of: None,
        },
    )
}

/// The conversation `m` came in, to reply in: the platform, our account,
/// the sender and when the message was sent (`sent_at`, microseconds). A
/// sender id the platforms would never send (the parsers take any string)
/// leaves the application without one rather than refusing it.
fn conversation(m: &Inbound, sent_at: i64) -> Option<SocialAddress> {
    let platform = match m.platform {
        Platform::WhatsApp => SocialPlatform::WhatsApp,
        Platform::Messenger => SocialPlatform::Messenger,
        Platform::Instagram => SocialPlatform::Instagram,
        Platform::X => SocialPlatform::X,
    };
    SocialAddress::parse(platform, &m.account_id, &m.sender_id, Some(sent_at)).ok()
}

/// What a message and a held conversation give their application.
struct Parts<'a> {
    id: Uuid,
    tracking_number: &'a str,
    text: String,
    sender_name: Option<&'a str>,
    phone: Option<PhoneNumber>,
    /// The conversation to reply in. Personal data.
    social: Option<SocialAddress>,
    coordinates: Option<(f64, f64)>,
    reply: common::ReplyChannel,
    /// When the (first) message was sent (microseconds): the application
    /// is received then, and the channel's notice accepted.
    sent_at: i64,
    source_reference: String,
    follow_up_of: Option<String>,
}

fn social_application(
    settings: &SocialSettings,
    account: &AccountSettings,
    p: Parts<'_>,
) -> NewApplication {
    NewApplication {
        id: p.id,
        tracking_number: Some(p.tracking_number.to_owned()),
        channel: common::Channel::SocialMedia,
        category: account.category.clone(),
        // The account's, not the citizen's: the routing rule may say better.
        category_is_default: true,
        text: p.text,
        place: Place {
            province_code: account.province_code,
            district: None,
            neighbourhood: None,
            coordinates: p.coordinates,
        },
        contact: Contact {
            name: p.sender_name.and_then(|n| PersonName::parse(n).ok()),
            phone: p.phone,
            social: p.social,
            ..Contact::default()
        },
        reply: p.reply,
        consent: Some(Consent {
            text_version: settings.kvkk_text_version.trim().to_owned(),
            accepted_at: at_micros(p.sent_at),
            special_category: false,
        }),
        received_at: at_micros(p.sent_at),
        attachments: Vec::new(),
        information_answer: None,
        source_reference: Some(p.source_reference),
        follow_up_of: p.follow_up_of,
        recorded_by: None,
        application_type: common::ApplicationType::Unspecified,
        partner: None,
    }
}
