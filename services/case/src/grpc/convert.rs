//! Conversions between the wire and the domain, in one place per message.
//! Requests are parsed whole, collecting every field violation; responses
//! mask personal data for callers that do not need it.

use jiff::Timestamp;
use prost::Message as _;
use sha2::{Digest as _, Sha256};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use unicode_normalization::UnicodeNormalization as _;
use uuid::Uuid;

use crate::{
    app::{
        cases::{Candidate, CaseView, CitizenMessage, Filter, Names, RelatedCase, View},
        error::CaseError,
        events::to_proto_ts,
    },
    domain::{
        case::{Case, Consent, Correction, NewAttachment, NewCase, Step},
        classification,
        contact::{Contact, EmailAddress, PhoneNumber, RawContact, SocialAddress, SocialPlatform},
        directory::{Directorate, Pool, Unit, User},
        duplicate::DuplicateKind,
        enums::{CaseStatus, Channel, ReplyChannel, Urgency},
        fields::{FieldError, Violations},
        person::KeyKind,
        text::{has_visible, parse_code, parse_optional_text, parse_text, parse_uuid, strip_bidi},
    },
    store::{AttachmentRecord, Cursor, HistoryRecord, NoteRecord, Sort},
};

/// Longest application text or answer.
pub const MAX_TEXT: usize = tekmerkez_types::limits::APPLICATION_TEXT;
/// Longest note.
pub const MAX_NOTE: usize = tekmerkez_types::limits::NOTE;
/// Longest reason.
pub const MAX_REASON: usize = tekmerkez_types::limits::REASON;

/// A protobuf timestamp as an instant.
pub fn from_proto_ts(field: &str, t: &prost_types::Timestamp) -> Result<Timestamp, FieldError> {
    Timestamp::new(t.seconds, t.nanos)
        .map_err(|_| FieldError::new(field, "must be a valid timestamp"))
}

fn opt_id(u: Option<Uuid>) -> String {
    u.map(|u| u.to_string()).unwrap_or_default()
}

/// Parses a request whose only checked field is the id `field`: the id,
/// or INVALID_ARGUMENT naming the field.
///
/// # Errors
/// `Invalid` with the field's violation.
pub fn one_id(field: &str, raw: &str) -> Result<Uuid, CaseError> {
    parse_uuid(field, raw).map_err(|e| CaseError::Invalid(e.into()))
}

/// Parses an id field, recording a violation.
pub fn id_field(v: &mut Violations, field: &str, raw: &str) -> Option<Uuid> {
    v.check(parse_uuid(field, raw))
}

/// What a transfer corrects: a known province, a district as typed (the
/// case service checks it against the province), a category code.
pub fn correction(v: &mut Violations, req: &pb::TransferCaseRequest) -> Correction {
    let mut fix = Correction::default();
    if req.province_code != 0 {
        match u8::try_from(req.province_code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
        {
            Some(p) => fix.province_code = Some(p.code()),
            None => v.add("province_code", "must be a province's plate code, 1 to 81"),
        }
    }
    if !req.district.trim().is_empty() {
        fix.district = Some(req.district.trim().to_owned());
    }
    if !req.category.is_empty() {
        fix.category = v.check(parse_code("category", &req.category));
    }
    fix
}

/// Parses `CreateCaseRequest` whole.
///
/// # Errors
/// Every violation found.
pub fn new_case(req: &pb::CreateCaseRequest) -> Result<NewCase, Violations> {
    let mut v = Violations::new();
    let application_id = id_field(&mut v, "application_id", &req.application_id);
    let tracking_number = if req.tracking_number.trim().is_empty() {
        None
    } else {
        v.check(
            tekmerkez_tracking::TrackingNumber::parse(&req.tracking_number)
                .map_err(|_| FieldError::new("tracking_number", "must be a valid tracking number")),
        )
    };
    let channel = Channel::from_proto(req.channel);
    if channel.is_none() {
        v.add("channel", "must be a known channel");
    }
    let category = v.check(parse_code("category", &req.category));
    let text = v.check(parse_text("text", &req.text, MAX_TEXT));
    let urgency = Urgency::from_proto(req.urgency);
    if urgency.is_none() {
        v.add("urgency", "must be NORMAL or URGENT");
    }
    let place = match &req.location {
        None => {
            v.add("location", "is required");
            None
        }
        Some(loc) => tekmerkez_types::place::check_place(&mut v, "location", raw_place(loc)),
    };
    let (province, district, neighbourhood, coordinates) = match place {
        Some(p) => (Some(p.province), p.district, p.neighbourhood, p.coordinates),
        None => (None, None, None, None),
    };
    let pool_id = id_field(&mut v, "pool_id", &req.pool_id);
    let raw = req.contact.as_ref();
    let mut contact = Contact::parse(
        RawContact {
            name: raw.map_or("", |c| c.name.as_str()),
            phone: raw.map_or("", |c| c.phone.as_str()),
            email: raw.map_or("", |c| c.email.as_str()),
            postal_address: raw.map_or("", |c| c.postal_address.as_str()),
        },
        &mut v,
    );
    contact.social = raw
        .and_then(|c| c.social.as_ref())
        .and_then(|s| social_address(&mut v, s));
    let reply_channel = ReplyChannel::from_proto(req.reply_channel);
    match reply_channel {
        None => v.add(
            "reply_channel",
            "must be SMS, PHONE_CALLBACK, EMAIL, LETTER, NO_CONTACT or SOCIAL",
        ),
        // A malformed address is reported on its own field already.
        Some(ReplyChannel::Social)
            if raw.and_then(|c| c.social.as_ref()).is_none() && !req.information_only =>
        {
            v.add(
                "contact.social",
                "is required for a reply in the social-media conversation",
            );
        }
        // Nothing will be sent, so no contact detail is required (a social
        // conversation that never gave a phone number still becomes a case).
        Some(ReplyChannel::NoContact) => {}
        Some(ReplyChannel::Sms | ReplyChannel::PhoneCallback)
            if contact.phone.is_none() && !req.information_only =>
        {
            v.add("contact.phone", "is required for an SMS or phone reply");
        }
        Some(ReplyChannel::Email) if contact.email.is_none() && !req.information_only => {
            v.add("contact.email", "is required for an e-mail reply");
        }
        Some(ReplyChannel::Letter) if contact.postal_address.is_none() && !req.information_only => {
            v.add("contact.postal_address", "is required for a letter reply");
        }
        Some(_) => {}
    }
    let consent = match &req.consent {
        Some(c) => {
            let text_version = v.check(parse_text("consent.text_version", &c.text_version, 64));
            let accepted_at = match &c.accepted_at {
                Some(t) => v.check(from_proto_ts("consent.accepted_at", t)),
                None => {
                    v.add("consent.accepted_at", "is required");
                    None
                }
            };
            text_version
                .zip(accepted_at)
                .map(|(text_version, accepted_at)| Consent {
                    text_version,
                    accepted_at,
                    special_category: c.special_category,
                })
        }
        None => None,
    };
    if !contact.is_empty() && req.consent.is_none() {
        v.add("consent", "is required when personal data is given (KVKK)");
    }
    let information_answer = if req.information_only {
        let a = v.check(parse_text(
            "information_answer",
            &req.information_answer,
            MAX_TEXT,
        ));
        a.or(Some(String::new()))
    } else {
        if !req.information_answer.trim().is_empty() {
            v.add(
                "information_answer",
                "is only for information-only requests",
            );
        }
        None
    };
    let received_at = req
        .received_at
        .as_ref()
        .and_then(|t| v.check(from_proto_ts("received_at", t)));
    let attachments = new_attachments(&mut v, &req.attachments);
    let source_reference = source_reference(&mut v, &req.source_reference);
    let (application_type, source, partner_id, partner_reference) = classification::parse_new(
        &mut v,
        req.application_type,
        req.source,
        &req.partner_id,
        &req.partner_reference,
    );
    let recorded_by = if req.recorded_by.trim().is_empty() {
        None
    } else {
        id_field(&mut v, "recorded_by", req.recorded_by.trim())
    };
    v.clone().into_result()?;
    let (
        Some(application_id),
        Some(channel),
        Some(category),
        Some(text),
        Some(urgency),
        Some(province),
        Some(pool_id),
        Some(reply_channel),
    ) = (
        application_id,
        channel,
        category,
        text,
        urgency,
        province,
        pool_id,
        reply_channel,
    )
    else {
        return Err(v);
    };
    Ok(NewCase {
        application_id,
        tracking_number,
        channel,
        category,
        text,
        urgency,
        province_code: province.code(),
        district,
        neighbourhood,
        coordinates,
        pool_id,
        contact,
        reply_channel,
        consent,
        information_answer,
        received_at,
        fingerprint: hex::encode(Sha256::digest(req.encode_to_vec())),
        attachments,
        recorded_by,
        source_reference,
        application_type,
        source,
        partner_id,
        partner_reference,
    })
}

/// The longest source reference kept (an e-mail header line is at most 998).
pub const MAX_SOURCE_REFERENCE: usize = 1_000;

/// A channel's own reference: printable, at most [`MAX_SOURCE_REFERENCE`]
/// characters; blank is none.
fn source_reference(v: &mut Violations, raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > MAX_SOURCE_REFERENCE || t.chars().any(char::is_control) {
        v.add(
            "source_reference",
            "must be at most 1 000 printable characters",
        );
        return None;
    }
    Some(t.to_owned())
}

/// A social-media address as the domain keeps it; an unset one (no
/// platform, no ids) is none.
fn social_address(v: &mut Violations, s: &common::SocialAddress) -> Option<SocialAddress> {
    if s.platform == 0 && s.account_id.is_empty() && s.user_id.is_empty() {
        return None;
    }
    let platform = match common::SocialPlatform::try_from(s.platform) {
        Ok(common::SocialPlatform::Whatsapp) => SocialPlatform::WhatsApp,
        Ok(common::SocialPlatform::Messenger) => SocialPlatform::Messenger,
        Ok(common::SocialPlatform::Instagram) => SocialPlatform::Instagram,
        Ok(common::SocialPlatform::X) => SocialPlatform::X,
        _ => {
            v.add(
                "contact.social.platform",
                "must be WHATSAPP, MESSENGER, INSTAGRAM or X",
            );
            return None;
        }
    };
    let message_at = match &s.message_at {
        Some(t) => Some(v.check(from_proto_ts("contact.social.message_at", t))?),
        None => None,
    };
    v.check(SocialAddress::parse(
        platform,
        &s.account_id,
        &s.user_id,
        message_at.map(|t| t.as_microsecond()),
    ))
}

/// A social-media address on the wire; `masked` keeps the platform and
/// account and hides the citizen's id.
fn social_to_proto(s: &SocialAddress, masked: bool) -> common::SocialAddress {
    common::SocialAddress {
        platform: match s.platform {
            SocialPlatform::WhatsApp => common::SocialPlatform::Whatsapp,
            SocialPlatform::Messenger => common::SocialPlatform::Messenger,
            SocialPlatform::Instagram => common::SocialPlatform::Instagram,
            SocialPlatform::X => common::SocialPlatform::X,
        } as i32,
        account_id: s.account_id.clone(),
        user_id: if masked {
            s.user_id.masked()
        } else {
            s.user_id.expose().to_owned()
        },
        message_at: s
            .message_at
            .and_then(|m| Timestamp::from_microsecond(m).ok())
            .map(to_proto_ts),
    }
}

/// Parses `AddCitizenMessageRequest` whole. The sender's details are only
/// compared with the applicant's, so a malformed one is not an error: it
/// just matches nothing.
///
/// # Errors
/// Every violation found.
pub fn citizen_message(req: &pb::AddCitizenMessageRequest) -> Result<CitizenMessage, Violations> {
    let mut v = Violations::new();
    let application_id = id_field(&mut v, "application_id", &req.application_id);
    let tracking_number = v.check(
        tekmerkez_tracking::TrackingNumber::parse(&req.tracking_number)
            .map_err(|_| FieldError::new("tracking_number", "must be a valid tracking number")),
    );
    let channel = Channel::from_proto(req.channel);
    if channel.is_none() {
        v.add("channel", "must be a known channel");
    }
    let text = v.check(parse_text("text", &req.text, MAX_TEXT));
    if let Some(t) = &req.received_at {
        v.check(from_proto_ts("received_at", t));
    }
    let attachments = new_attachments(&mut v, &req.attachments);
    v.clone().into_result()?;
    let (Some(application_id), Some(tracking_number), Some(channel), Some(text)) =
        (application_id, tracking_number, channel, text)
    else {
        return Err(v);
    };
    let sender = req.sender.as_ref();
    Ok(CitizenMessage {
        application_id,
        tracking_number,
        channel,
        text,
        sender_email: sender
            .filter(|s| !s.email.trim().is_empty())
            .and_then(|s| EmailAddress::parse(&s.email).ok()),
        sender_phone: sender
            .filter(|s| !s.phone.trim().is_empty())
            .and_then(|s| PhoneNumber::parse(&s.phone).ok()),
        fingerprint: hex::encode(Sha256::digest(req.encode_to_vec())),
        attachments,
    })
}

/// Most files with one application.
pub const MAX_ATTACHMENTS: usize = tekmerkez_types::limits::ATTACHMENTS;
/// Largest file.
pub const MAX_ATTACHMENT_BYTES: usize = tekmerkez_types::limits::ATTACHMENT_BYTES;

/// The media types accepted, each with the bytes its files start with (a
/// file whose content is not what its type says is refused, so that nothing
/// else is ever served under an image's name).
const ATTACHMENT_TYPES: [(&str, &[u8]); 3] = [
    ("image/jpeg", &[0xFF, 0xD8, 0xFF]),
    ("image/png", &[0x89, b'P', b'N', b'G']),
    ("application/pdf", b"%PDF"),
];

/// Checks the files of a new case; each problem is a violation on
/// `attachments[i]`.
fn new_attachments(v: &mut Violations, files: &[pb::NewAttachment]) -> Vec<NewAttachment> {
    if files.len() > MAX_ATTACHMENTS {
        v.add("attachments", "at most 3 files");
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let field = format!("attachments[{i}]");
        // Bidi controls removed (`Ödeme \u{202E}gnp.exe` is `Ödeme gnp.exe`),
        // NFC, and a name that shows nothing counts as none.
        let stripped = strip_bidi(&f.file_name);
        let name: String = stripped
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .trim()
            .nfc()
            .collect();
        let name = name.as_str();
        let magic = ATTACHMENT_TYPES
            .iter()
            .find(|(t, _)| *t == f.content_type)
            .map(|(_, m)| *m);
        if !has_visible(name) || name.chars().count() > 200 || name.chars().any(char::is_control) {
            v.add(
                format!("{field}.file_name"),
                "must be 1 to 200 printable characters",
            );
        } else if f.content.is_empty() || f.content.len() > MAX_ATTACHMENT_BYTES {
            v.add(format!("{field}.content"), "must be 1 byte to 256 KiB");
        } else if magic.is_none() {
            v.add(
                format!("{field}.content_type"),
                "must be image/jpeg, image/png or application/pdf",
            );
        } else if magic.is_some_and(|m| !f.content.starts_with(m)) {
            v.add(
                format!("{field}.content"),
                "is not a file of its content_type",
            );
        } else {
            out.push(NewAttachment {
                file_name: name.to_owned(),
                content_type: f.content_type.clone(),
                content: f.content.clone(),
            });
        }
    }
    out
}

/// An attachment's description on the wire.
pub fn attachment_to_proto(a: &AttachmentRecord) -> pb::Attachment {
    pb::Attachment {
        id: a.id.to_string(),
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
    }
}

fn masked_contact(view: &CaseView) -> common::Contact {
    let c = &view.case.contact;
    if view.contact_visible {
        common::Contact {
            name: c
                .name
                .as_ref()
                .map(|x| x.expose().to_owned())
                .unwrap_or_default(),
            phone: c
                .phone
                .as_ref()
                .map(|x| x.expose().to_owned())
                .unwrap_or_default(),
            email: c
                .email
                .as_ref()
                .map(|x| x.expose().to_owned())
                .unwrap_or_default(),
            postal_address: c
                .postal_address
                .as_ref()
                .map(|x| x.expose().to_owned())
                .unwrap_or_default(),
            social: c.social.as_ref().map(|x| social_to_proto(x, false)),
        }
    } else {
        common::Contact {
            name: c.name.as_ref().map(|x| x.masked()).unwrap_or_default(),
            phone: c.phone.as_ref().map(|x| x.masked()).unwrap_or_default(),
            email: c.email.as_ref().map(|x| x.masked()).unwrap_or_default(),
            postal_address: c
                .postal_address
                .as_ref()
                .map(|x| x.masked())
                .unwrap_or_default(),
            social: c.social.as_ref().map(|x| social_to_proto(x, true)),
        }
    }
}

/// A note on the wire.
pub fn note_to_proto(n: &NoteRecord) -> pb::Note {
    pb::Note {
        id: n.id.to_string(),
        author_id: opt_id(n.author_id),
        text: n.text.clone(),
        created_at: Some(to_proto_ts(n.created_at)),
        author: if n.citizen.is_some() {
            pb::NoteAuthor::Citizen
        } else {
            pb::NoteAuthor::Staff
        } as i32,
        channel: n
            .citizen
            .as_ref()
            .map_or(0, |c| c.channel.to_proto() as i32),
        from_applicant: n.citizen.as_ref().is_some_and(|c| c.from_applicant),
        // GetCase fills it in (`Names`).
        author_display_name: String::new(),
    }
}

/// A case on the wire, masked for its viewer.
pub fn case_to_proto(view: &CaseView) -> pb::Case {
    let c = &view.case;
    pb::Case {
        id: c.id.to_string(),
        tracking_number: tracking_number(c),
        application_id: c.application_id.to_string(),
        channel: c.channel.to_proto() as i32,
        category: c.category.clone(),
        text: c.text.clone(),
        urgency: c.urgency.to_proto() as i32,
        location: Some(common::Location {
            province_code: u32::from(c.province_code),
            district: c.district.clone().unwrap_or_default(),
            neighbourhood: c.neighbourhood.clone().unwrap_or_default(),
            coordinates: c
                .coordinates
                .map(|(latitude, longitude)| common::Coordinates {
                    latitude,
                    longitude,
                }),
        }),
        pool_id: c.pool_id.to_string(),
        status: c.status.to_proto() as i32,
        holder_id: opt_id(c.holder_id),
        reply_channel: c.reply_channel.to_proto() as i32,
        contact: Some(masked_contact(view)),
        contact_masked: !view.contact_visible,
        consent: c.consent.as_ref().map(|x| common::Consent {
            text_version: x.text_version.clone(),
            accepted_at: Some(to_proto_ts(x.accepted_at)),
            special_category: x.special_category,
        }),
        information_only: c.information_only,
        official_answer: c.official_answer.clone().unwrap_or_default(),
        created_at: Some(to_proto_ts(c.created_at)),
        entered_pool_at: Some(to_proto_ts(c.entered_pool_at)),
        held_since: c.held_since.map(to_proto_ts),
        closed_at: c.closed_at.map(to_proto_ts),
        resolved_at: c.resolved_at.map(to_proto_ts),
        days_in_pool: c.days_in_pool(view.now),
        days_held: c.days_held(view.now),
        note_required_to_close: view.note_required_to_close,
        rule_days_in_pool: view.rule_days_in_pool,
        callback_attempts: c.callback_attempts,
        callback_retry_at: c.callback_retry_at.map(to_proto_ts),
        version: c.version,
        notes: view.notes.iter().map(note_to_proto).collect(),
        closed_by: opt_id(c.closed_by),
        attachments: view.attachments.iter().map(attachment_to_proto).collect(),
        note_written_in_pool: c.last_note_at.is_some_and(|t| t >= c.entered_pool_at),
        not_reached: c.not_reached.as_ref().map(|m| pb::NotReached {
            channel: m.channel.clone(),
            reason: m.reason.clone(),
            marked_at: Some(to_proto_ts(m.at)),
        }),
        survey: view.survey.as_ref().map(survey_to_proto),
        // GetCase and CloseCase fill these in (`grpc::letters::fill_case`).
        letter_number: String::new(),
        letter_id: String::new(),
        letter_posted_at: None,
        source_reference: if view.contact_visible {
            c.source_reference.clone().unwrap_or_default()
        } else {
            String::new()
        },
        application_type: classification::type_to_proto(c.application_type) as i32,
        source: classification::source_to_proto(c.source) as i32,
        partner_id: c.partner_id.clone().unwrap_or_default(),
        partner_reference: c.partner_reference.clone().unwrap_or_default(),
        closure_reason: c.closure_reason.clone().unwrap_or_default(),
        legal_due_date: c.legal_due_date.map(|d| d.to_string()).unwrap_or_default(),
        legal_days_left: view.legal_days_left,
        internal_due_at: c.internal_due_at.map(to_proto_ts),
        legal_extended: c.legal_extended_at.is_some(),
        legal_extension_days: if c.legal_extended_at.is_some() {
            0
        } else {
            c.legal_extension_days
        },
        note_rule_days: c.note_rule.days,
        note_rule_count: c.note_rule.count.as_str().to_owned(),
        awaiting_citizen_since: c.awaiting_citizen_since.map(to_proto_ts),
        escalation_stage: view
            .standing
            .stage
            .map_or(pb::EscalationStage::Unspecified, stage_to_proto)
            as i32,
        legal_working_days_late: view.standing.legal_working_days_late,
        internal_minutes_late: view.standing.internal_minutes_late,
        incident_id: c
            .linked_incident()
            .map(|i| i.to_string())
            .unwrap_or_default(),
        incident_reference: view
            .incident
            .as_ref()
            .map(|i| i.reference())
            .unwrap_or_default(),
        incident_kind: view
            .incident
            .as_ref()
            .map_or(0, |i| i.kind.to_proto() as i32),
        incident_expected_end_at: view
            .incident
            .as_ref()
            .and_then(|i| i.expected_end_at)
            .map(to_proto_ts),
        merged_into_case_id: opt_id(c.merged_into),
        merged_into_tracking_number: view.merged_into_tracking.clone().unwrap_or_default(),
    }
}

/// An escalation stage on the wire.
pub fn stage_to_proto(s: crate::domain::escalation::Stage) -> pb::EscalationStage {
    use crate::domain::escalation::Stage;
    match s {
        Stage::Approaching => pb::EscalationStage::Approaching,
        Stage::Imminent => pb::EscalationStage::Imminent,
        Stage::Overdue => pb::EscalationStage::Overdue,
        Stage::Escalated => pb::EscalationStage::Escalated,
    }
}

/// A warning's recipient on the wire.
pub fn recipient_to_proto(r: crate::domain::escalation::Recipient) -> pb::EscalationRecipient {
    use crate::domain::escalation::Recipient;
    match r {
        Recipient::Holder => pb::EscalationRecipient::Holder,
        Recipient::PoolManager => pb::EscalationRecipient::PoolManager,
        Recipient::DirectorateManager => pb::EscalationRecipient::DirectorateManager,
    }
}

/// A satisfaction answer on the wire.
pub fn survey_to_proto(a: &crate::domain::survey::SurveyAnswer) -> pb::SurveyResponse {
    pb::SurveyResponse {
        score: u32::from(a.score),
        source: a.source.to_proto() as i32,
        comment: a.comment.clone().unwrap_or_default(),
        answered_at: Some(to_proto_ts(a.answered_at)),
        recorded_by: opt_id(a.recorded_by),
    }
}

/// A location on the wire, to check.
fn raw_place(loc: &common::Location) -> tekmerkez_types::place::RawPlace<'_> {
    tekmerkez_types::place::RawPlace {
        province_code: loc.province_code,
        district: &loc.district,
        neighbourhood: &loc.neighbourhood,
        coordinates: loc.coordinates.as_ref().map(|c| (c.latitude, c.longitude)),
    }
}

/// The tracking number as printed (`XXXXX-XXXXX`).
pub fn tracking_number(c: &Case) -> String {
    c.printed_tracking_number()
}

/// Another application of the citizen on the wire: no content, no contact.
pub fn related_to_proto(r: &RelatedCase) -> pb::RelatedCase {
    let c = &r.case;
    pb::RelatedCase {
        case_id: c.id.to_string(),
        tracking_number: tracking_number(c),
        status: c.status.to_proto() as i32,
        category: c.category.clone(),
        channel: c.channel.to_proto() as i32,
        created_at: Some(to_proto_ts(c.created_at)),
        matched_by: r
            .shares
            .iter()
            .map(|k| match k {
                KeyKind::Phone => pb::PersonKeyKind::Phone as i32,
                KeyKind::Email => pb::PersonKeyKind::Email as i32,
            })
            .collect(),
        openable: r.openable,
    }
}

/// A duplicate suggestion on the wire: the text only of the same
/// citizen's record, never a contact.
pub fn candidate_to_proto(d: &Candidate) -> pb::DuplicateCandidate {
    let c = &d.case;
    let same_citizen = d.likeness.kind == DuplicateKind::SameCitizen;
    pb::DuplicateCandidate {
        case_id: c.id.to_string(),
        tracking_number: tracking_number(c),
        status: c.status.to_proto() as i32,
        category: c.category.clone(),
        channel: c.channel.to_proto() as i32,
        created_at: Some(to_proto_ts(c.created_at)),
        kind: if same_citizen {
            pb::DuplicateKind::SameCitizen
        } else {
            pb::DuplicateKind::SamePlace
        } as i32,
        score: u32::from(d.likeness.score),
        text_likeness: u32::from(d.likeness.text),
        distance_m: d.likeness.distance_m,
        mergeable: d.mergeable,
        incident_id: opt_id(c.linked_incident()),
        incident_reference: d.incident_reference.clone().unwrap_or_default(),
        text: if same_citizen {
            c.text.clone()
        } else {
            String::new()
        },
    }
}

/// A task step on the wire.
pub fn history_to_proto(i: usize, h: &HistoryRecord) -> pb::HistoryStep {
    let s: &Step = &h.step;
    pb::HistoryStep {
        sequence: i64::try_from(i + 1).unwrap_or(i64::MAX),
        action: s.action.to_proto() as i32,
        actor_user_id: opt_id(h.actor.user_id()),
        actor_service: h.actor.service().unwrap_or_default().to_owned(),
        from_status: s.from_status.map_or(0, |x| x.to_proto() as i32),
        to_status: s.to_status.to_proto() as i32,
        from_pool_id: opt_id(s.from_pool),
        to_pool_id: s.to_pool.to_string(),
        from_holder_id: opt_id(s.from_holder),
        to_holder_id: opt_id(s.to_holder),
        detail: s.detail.clone().unwrap_or_default(),
        occurred_at: Some(to_proto_ts(h.occurred_at)),
        ..Default::default()
    }
}

/// A task step on the wire with the names of its actor, pools and holders.
pub fn history_to_proto_named(i: usize, h: &HistoryRecord, names: &Names) -> pb::HistoryStep {
    pb::HistoryStep {
        actor_display_name: names.user(h.actor.user_id()),
        from_pool_name: names.pool(h.step.from_pool),
        to_pool_name: names.pool(Some(h.step.to_pool)),
        from_holder_display_name: names.user(h.step.from_holder),
        to_holder_display_name: names.user(h.step.to_holder),
        ..history_to_proto(i, h)
    }
}

/// Parses a page token: `<sort>.<urgency>.<seq>`, hex-encoded so callers treat it as opaque.
pub fn parse_page_token(raw: &str, sort: Sort) -> Result<Option<Cursor>, FieldError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            "page.page_token",
            "must be a token from a previous page of the same list",
        )
    };
    let bytes = hex::decode(raw).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split('.');
    let (Some(s), Some(u), Some(q), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if s != sort_code(sort) {
        return Err(bad());
    }
    if sort == Sort::LegalDueFirst {
        // The middle part is the due date, `-` for none.
        let legal_due = if u == "-" {
            None
        } else {
            Some(u.parse().map_err(|_| bad())?)
        };
        return Ok(Some(Cursor {
            urgency: 0,
            seq: q.parse().map_err(|_| bad())?,
            legal_due,
        }));
    }
    Ok(Some(Cursor {
        legal_due: None,
        urgency: u.parse().map_err(|_| bad())?,
        seq: q.parse().map_err(|_| bad())?,
    }))
}

fn sort_code(sort: Sort) -> &'static str {
    match sort {
        Sort::OldestFirst => "o",
        Sort::NewestFirst => "n",
        Sort::UrgentFirst => "u",
        Sort::LegalDueFirst => "d",
    }
}

/// Encodes a page token.
pub fn page_token(cursor: Option<Cursor>, sort: Sort) -> String {
    cursor
        .map(|c| {
            let middle = if sort == Sort::LegalDueFirst {
                c.legal_due
                    .map_or_else(|| "-".to_owned(), |d| d.to_string())
            } else {
                c.urgency.to_string()
            };
            hex::encode(format!("{}.{middle}.{}", sort_code(sort), c.seq))
        })
        .unwrap_or_default()
}

/// Parses the view enum.
pub fn view(n: i32) -> Result<View, FieldError> {
    match pb::CaseView::try_from(n) {
        Ok(pb::CaseView::Pool) => Ok(View::Pool),
        Ok(pb::CaseView::Mine) => Ok(View::Mine),
        Ok(pb::CaseView::CallbackPool) => Ok(View::CallbackPool),
        Ok(pb::CaseView::All) => Ok(View::All),
        Ok(pb::CaseView::NotReached) => Ok(View::NotReached),
        Ok(pb::CaseView::DueSoon) => Ok(View::DueSoon),
        Ok(pb::CaseView::Overdue) => Ok(View::Overdue),
        _ => Err(FieldError::new(
            "view",
            "must be POOL, MINE, CALLBACK_POOL, ALL or NOT_REACHED",
        )),
    }
}

/// Parses the sort enum; unspecified is oldest first.
pub fn sort(n: i32) -> Result<Sort, FieldError> {
    match pb::CaseSort::try_from(n) {
        Ok(pb::CaseSort::Unspecified | pb::CaseSort::OldestFirst) => Ok(Sort::OldestFirst),
        Ok(pb::CaseSort::NewestFirst) => Ok(Sort::NewestFirst),
        Ok(pb::CaseSort::UrgentFirst) => Ok(Sort::UrgentFirst),
        Ok(pb::CaseSort::LegalDueFirst) => Ok(Sort::LegalDueFirst),
        Err(_) => Err(FieldError::new("sort", "must be a known sort order")),
    }
}

/// A partner reference to search by: trimmed, exact; blank is no filter.
pub fn partner_reference_filter(v: &mut Violations, raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > classification::MAX_PARTNER_REFERENCE || t.chars().any(char::is_control)
    {
        v.add(
            "partner_reference",
            "must be at most 200 printable characters",
        );
        return None;
    }
    Some(t.to_owned())
}

/// Parses a filter, collecting violations into `v`.
pub fn filter(f: Option<&pb::CaseFilter>, v: &mut Violations) -> Filter {
    let Some(f) = f else { return Filter::default() };
    let mut out = Filter {
        min_days_in_pool: f.min_days_in_pool,
        due_near_or_passed: f.due_near_or_passed,
        callback_due_today: f.callback_due_today,
        ..Filter::default()
    };
    for s in &f.statuses {
        match CaseStatus::from_proto(*s) {
            Some(s) => out.statuses.push(s),
            None => v.add("filter.statuses", "must be known statuses"),
        }
    }
    for c in &f.channels {
        match Channel::from_proto(*c) {
            Some(c) => out.channels.push(c),
            None => v.add("filter.channels", "must be known channels"),
        }
    }
    if !f.category.is_empty() {
        out.category = v.check(parse_code("filter.category", &f.category));
    }
    if !f.district.trim().is_empty() {
        // Districts are stored canonically; any province's spelling of the name will do.
        let canonical = tekmerkez_geo::provinces()
            .iter()
            .find_map(|p| p.find_district(&f.district));
        match canonical {
            Some(d) => out.district = Some(d.to_owned()),
            None => v.add("filter.district", "must be a known district"),
        }
    }
    if f.urgency != 0 {
        out.urgency = Urgency::from_proto(f.urgency);
        if out.urgency.is_none() {
            v.add("filter.urgency", "must be NORMAL or URGENT");
        }
    }
    if !f.pool_id.is_empty() {
        out.pool_id = id_field(v, "filter.pool_id", &f.pool_id);
    }
    if !f.holder_id.is_empty() {
        out.holder_id = id_field(v, "filter.holder_id", &f.holder_id);
    }
    if !f.tracking_number.is_empty() {
        out.tracking_number = v.check(
            tekmerkez_tracking::TrackingNumber::parse(&f.tracking_number)
                .map(|t| t.as_str().to_owned())
                .map_err(|_| {
                    FieldError::new("filter.tracking_number", "must be a valid tracking number")
                }),
        );
    }
    out
}

/// Parses an optional free text into `Some` only when non-empty.
pub fn optional_text(v: &mut Violations, field: &str, raw: &str, max: usize) -> Option<String> {
    v.check(parse_optional_text(field, raw, max)).flatten()
}

/// A directorate on the wire.
pub fn directorate_to_proto(d: &Directorate) -> pb::Directorate {
    pb::Directorate {
        id: d.id.to_string(),
        name: d.name.clone(),
    }
}

/// A unit on the wire.
pub fn unit_to_proto(u: &Unit) -> pb::Unit {
    pb::Unit {
        id: u.id.to_string(),
        directorate_id: u.directorate_id.to_string(),
        name: u.name.clone(),
    }
}

/// A pool on the wire.
pub fn pool_to_proto(p: &Pool) -> pb::Pool {
    pb::Pool {
        id: p.id.to_string(),
        unit_id: p.unit_id.to_string(),
        province_code: u32::from(p.province_code),
        name: p.name.clone(),
        triage: p.triage,
    }
}

/// A user on the wire. Work contact details are shown only to admins and the user.
pub fn user_to_proto(u: &User, with_contact: bool) -> pb::User {
    pb::User {
        id: u.id.to_string(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.to_proto() as i32,
        pool_ids: u.pool_ids.iter().map(Uuid::to_string).collect(),
        active: u.active,
        email: if with_contact {
            u.email
                .as_ref()
                .map(|e| e.expose().to_owned())
                .unwrap_or_default()
        } else {
            String::new()
        },
        phone: if with_contact {
            u.phone
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default()
        } else {
            String::new()
        },
        created_at: Some(to_proto_ts(u.created_at)),
        directorate_id: u.directorate_id.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// Parses a list of case ids for a bulk call.
pub fn case_ids(raw: &[String], v: &mut Violations) -> Vec<Uuid> {
    if raw.is_empty() || raw.len() > crate::app::cases::MAX_BULK {
        v.add("case_ids", "must hold 1 to 100 ids");
    }
    let mut ids = Vec::with_capacity(raw.len());
    for r in raw {
        match Uuid::parse_str(r.trim()) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => v.add("case_ids", "must not repeat an id"),
            Err(_) => v.add("case_ids", "must be UUIDs"),
        }
    }
    ids
}

/// Converts collected violations into the error, if any.
pub fn finish(v: Violations) -> Result<(), CaseError> {
    v.into_result().map_err(CaseError::Invalid)
}
