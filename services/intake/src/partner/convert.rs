//! `SubmitApplicationRequest` → [`NewApplication`], collecting every
//! violation at once, named by the request's field path and rule, never by
//! the value.

use jiff::Timestamp;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_types::place::{RawPlace, check_place};
use tekmerkez_types::{
    catalogue::Category,
    contact::{Contact, EMAIL_NEEDS_ASCII, RawContact, SMS_NEEDS_MOBILE},
    fields::Violations,
    text::{parse_file_name, parse_text},
};
use uuid::Uuid;

use crate::application::{
    ATTACHMENT_TYPES, Consent, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_TEXT, NewApplication,
    Place,
};

/// Checks a partner reference: 1 to 128 visible ASCII characters.
pub fn check_reference(v: &mut Violations, field: &str, raw: &str) -> Option<String> {
    if raw.is_empty() || raw.len() > 128 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        v.add(field, "must be 1 to 128 visible ASCII characters");
        return None;
    }
    Some(raw.to_owned())
}

fn timestamp(v: &mut Violations, field: &str, t: &prost_types::Timestamp) -> Option<Timestamp> {
    match Timestamp::new(t.seconds, t.nanos) {
        Ok(t) => Some(t),
        Err(_) => {
            v.add(field, "must be a valid timestamp");
            None
        }
    }
}

/// Validates `req` (ids not yet chosen).
///
/// # Errors
/// Every violation found.
pub fn validate(
    req: &pb::SubmitApplicationRequest,
    categories: &[Category],
    now: Timestamp,
    smtputf8: bool,
) -> Result<(), Violations> {
    build(
        req,
        categories,
        Uuid::nil(),
        &tekmerkez_tracking::TrackingNumber::generate(),
        now,
        smtputf8,
    )
    .map(|_| ())
}

/// Builds the application with the given ids, received at `received_at`
/// (the partner's `submitted_at` when given, else when intake first took it).
/// `smtputf8`: whether the mail relay takes non-ASCII addresses.
///
/// # Errors
/// Every violation found.
pub fn build(
    req: &pb::SubmitApplicationRequest,
    categories: &[Category],
    application_id: Uuid,
    tracking_number: &tekmerkez_tracking::TrackingNumber,
    received_at: Timestamp,
    smtputf8: bool,
) -> Result<NewApplication, Violations> {
    let mut v = Violations::new();
    let reference = check_reference(&mut v, "partner_reference", &req.partner_reference);
    let application_type =
        common::ApplicationType::try_from(req.application_type).unwrap_or_else(|_| {
            v.add("application_type", "must be a known application type");
            common::ApplicationType::Unspecified
        });
    if !categories.iter().any(|c| c.code == req.category) {
        v.add("category", "must be a known category");
    }
    let text = v.check(parse_text("text", &req.text, MAX_TEXT));
    let place = match &req.location {
        None => {
            v.add("location", "is required");
            None
        }
        Some(loc) => check_place(
            &mut v,
            "location",
            RawPlace {
                province_code: loc.province_code,
                district: &loc.district,
                neighbourhood: &loc.neighbourhood,
                coordinates: loc.coordinates.as_ref().map(|c| (c.latitude, c.longitude)),
            },
        ),
    };
    let (province, district, neighbourhood, coordinates) = match place {
        Some(p) => (Some(p.province), p.district, p.neighbourhood, p.coordinates),
        None => (None, None, None, None),
    };
    let raw = req.contact.clone().unwrap_or_default();
    let contact = Contact::parse(
        RawContact {
            name: &raw.name,
            phone: &raw.phone,
            email: &raw.email,
            postal_address: &raw.postal_address,
        },
        &mut v,
    );
    if !smtputf8 && contact.email.as_ref().is_some_and(|e| !e.is_ascii()) {
        v.add("contact.email", EMAIL_NEEDS_ASCII);
    }
    // A partner always knows how to reach the applicant: "no contact" is
    // only for a social conversation that never gave a phone number, and a
    // reply in a social conversation only for a message that came in one.
    let reply = common::ReplyChannel::try_from(req.reply_channel)
        .ok()
        .filter(|r| {
            !matches!(
                r,
                common::ReplyChannel::Unspecified
                    | common::ReplyChannel::NoContact
                    | common::ReplyChannel::Social
            )
        });
    match reply {
        None => v.add(
            "reply_channel",
            "must be SMS, PHONE_CALLBACK, EMAIL or LETTER",
        ),
        Some(common::ReplyChannel::Sms | common::ReplyChannel::PhoneCallback)
            if contact.phone.is_none() =>
        {
            v.add("contact.phone", "is required for an SMS or phone reply");
        }
        Some(common::ReplyChannel::Sms)
            if contact.phone.as_ref().is_some_and(|p| !p.is_mobile()) =>
        {
            v.add("contact.phone", SMS_NEEDS_MOBILE);
        }
        Some(common::ReplyChannel::Email) if contact.email.is_none() => {
            v.add("contact.email", "is required for an e-mail reply");
        }
        Some(common::ReplyChannel::Letter) if contact.postal_address.is_none() => {
            v.add("contact.postal_address", "is required for a letter reply");
        }
        Some(_) => {}
    }
    let consent = match &req.consent {
        None => {
            if !contact.is_empty() {
                v.add("consent", "is required when personal data is given (KVKK)");
            }
            None
        }
        Some(c) => {
            let version = v.check(parse_text("consent.text_version", &c.text_version, 64));
            let at = match &c.accepted_at {
                None => {
                    v.add("consent.accepted_at", "is required");
                    None
                }
                Some(t) => timestamp(&mut v, "consent.accepted_at", t),
            };
            if at.is_some_and(|a| {
                a > received_at.max(Timestamp::now()) + jiff::SignedDuration::from_mins(10)
            }) {
                v.add("consent.accepted_at", "must not be in the future");
            }
            version.zip(at).map(|(text_version, accepted_at)| Consent {
                text_version,
                accepted_at,
                special_category: c.special_category,
            })
        }
    };
    if req.attachments.len() > MAX_ATTACHMENTS {
        v.add("attachments", "must hold at most 3 files");
    }
    let mut attachments = Vec::new();
    for (i, a) in req.attachments.iter().enumerate().take(MAX_ATTACHMENTS) {
        if !ATTACHMENT_TYPES.contains(&a.content_type.as_str()) {
            v.add(
                format!("attachments[{i}].content_type"),
                "must be image/jpeg, image/png or application/pdf",
            );
        }
        let name = v.check(parse_file_name(
            &format!("attachments[{i}].file_name"),
            &a.file_name,
            200,
        ));
        if a.content.is_empty() {
            v.add(format!("attachments[{i}].content"), "must not be empty");
        } else if a.content.len() > MAX_ATTACHMENT_BYTES {
            v.add(
                format!("attachments[{i}].content"),
                "must be at most 256 KiB",
            );
        } else if let Some(file_name) = name {
            attachments.push(pb::Attachment {
                file_name,
                content_type: a.content_type.clone(),
                content: a.content.clone(),
            });
        }
    }
    v.clone().into_result()?;
    let (Some(_), Some(text), Some(province), Some(reply)) = (reference, text, province, reply)
    else {
        return Err(v);
    };
    Ok(NewApplication {
        id: application_id,
        tracking_number: Some(tracking_number.as_str().to_owned()),
        channel: common::Channel::Partner,
        category: req.category.clone(),
        category_is_default: false,
        text,
        place: Place {
            province_code: province.code(),
            district,
            neighbourhood,
            coordinates,
        },
        contact,
        reply,
        consent,
        received_at,
        attachments,
        information_answer: None,
        source_reference: Some(req.partner_reference.clone()),
        follow_up_of: None,
        recorded_by: None,
        application_type,
        partner: None,
    })
}

/// When the application counts as received: the partner's `submitted_at`
/// when it is plausible (not in the future, at most a year back), else `now`.
///
/// # Errors
/// A violation on `submitted_at`.
pub fn received_at(
    req: &pb::SubmitApplicationRequest,
    now: Timestamp,
) -> Result<Timestamp, Violations> {
    let Some(t) = &req.submitted_at else {
        return Ok(now);
    };
    let mut v = Violations::new();
    let Some(at) = timestamp(&mut v, "submitted_at", t) else {
        return Err(v);
    };
    if at > now + jiff::SignedDuration::from_mins(10) {
        v.add("submitted_at", "must not be in the future");
        return Err(v);
    }
    if at < now - jiff::SignedDuration::from_hours(24 * 366) {
        v.add("submitted_at", "must be within the last year");
        return Err(v);
    }
    // Microseconds, as the store keeps them: a replay rebuilds the same message.
    Timestamp::from_microsecond(at.as_microsecond()).map_err(|_| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(t: Timestamp) -> prost_types::Timestamp {
        prost_types::Timestamp {
            seconds: t.as_second(),
            nanos: t.subsec_nanosecond(),
        }
    }

    fn cats() -> Vec<Category> {
        vec![Category {
            code: "su_arizasi".into(),
            name_tr: "Su arızası".into(),
            name_en: "Water fault".into(),
        }]
    }

    pub(crate) fn valid() -> pb::SubmitApplicationRequest {
        pb::SubmitApplicationRequest {
            partner_reference: "CIMER-2026-000123".into(),
            category: "su_arizasi".into(),
            text: "Mahallemizde iki gündür su yok.".into(),
            location: Some(common::Location {
                province_code: 41,
                district: "izmit".into(),
                coordinates: None,
                neighbourhood: String::new(),
            }),
            contact: Some(common::Contact {
                name: "Ayşe Yılmaz".into(),
                phone: "0532 123 45 67".into(),
                ..Default::default()
            }),
            reply_channel: common::ReplyChannel::Sms as i32,
            consent: Some(common::Consent {
                text_version: "cimer-kvkk-v3".into(),
                accepted_at: Some(prost_types::Timestamp {
                    seconds: 1_764_000_000,
                    nanos: 0,
                }),
                special_category: false,
            }),
            attachments: vec![],
            submitted_at: None,
            application_type: common::ApplicationType::BilgiEdinme as i32,
        }
    }

    fn fields(r: &pb::SubmitApplicationRequest) -> Vec<String> {
        validate(r, &cats(), Timestamp::now(), false)
            .unwrap_err()
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn a_valid_request_becomes_a_partner_application() {
        let tn = tekmerkez_tracking::TrackingNumber::generate();
        let m = pb::ApplicationReceived::from(
            build(
                &valid(),
                &cats(),
                Uuid::nil(),
                &tn,
                Timestamp::UNIX_EPOCH,
                false,
            )
            .unwrap(),
        );
        assert_eq!(m.channel, common::Channel::Partner as i32);
        assert_eq!(m.source_reference, "CIMER-2026-000123");
        assert_eq!(
            m.application_type,
            common::ApplicationType::BilgiEdinme as i32,
            "the partner's type goes with the application"
        );
        let loc = m.location.unwrap();
        assert_eq!((loc.province_code, loc.district.as_str()), (41, "İzmit"));
        assert_eq!(m.contact.unwrap().phone, "+905321234567");
        assert!(m.follow_up_of.is_empty());
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut r = valid();
        r.partner_reference = " with space ".into();
        r.category = "nope".into();
        r.text = String::new();
        r.location = Some(common::Location {
            province_code: 99,
            ..Default::default()
        });
        r.reply_channel = 0;
        r.consent = None;
        r.application_type = 42;
        let f = fields(&r);
        for want in [
            "application_type",
            "partner_reference",
            "category",
            "text",
            "location.province_code",
            "reply_channel",
            "consent",
        ] {
            assert!(f.iter().any(|x| x == want), "{want} missing in {f:?}");
        }
    }

    #[test]
    fn a_neighbourhood_is_forwarded_as_the_reference_data_spells_it() {
        let mut r = valid();
        r.location.as_mut().unwrap().neighbourhood = "fevzi cakmak".into();
        let tn = tekmerkez_tracking::TrackingNumber::generate();
        let a = build(&r, &cats(), Uuid::nil(), &tn, Timestamp::now(), false).unwrap();
        assert_eq!(a.place.neighbourhood.as_deref(), Some("Fevzi Çakmak Mah"));
        let sent = pb::ApplicationReceived::from(a);
        assert_eq!(sent.location.unwrap().neighbourhood, "Fevzi Çakmak Mah");
        r.location.as_mut().unwrap().neighbourhood = "Narnia".into();
        assert_eq!(fields(&r), ["location.neighbourhood"]);
    }

    #[test]
    fn a_non_ascii_address_is_refused_unless_the_relay_takes_smtputf8() {
        let mut r = valid();
        r.reply_channel = common::ReplyChannel::Email as i32;
        r.contact.as_mut().unwrap().email = "çağrı@örnek.com.tr".into();
        let e = validate(&r, &cats(), Timestamp::now(), false).unwrap_err();
        let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
        assert_eq!(got, vec![("contact.email", EMAIL_NEEDS_ASCII)]);
        assert!(validate(&r, &cats(), Timestamp::now(), true).is_ok());
    }

    #[test]
    fn the_reply_channel_needs_its_contact_detail_and_consent_needs_a_time() {
        let mut r = valid();
        r.reply_channel = common::ReplyChannel::Email as i32;
        assert_eq!(fields(&r), vec!["contact.email"]);
        let mut r = valid();
        r.consent.as_mut().unwrap().accepted_at = None;
        assert_eq!(fields(&r), vec!["consent.accepted_at"]);
        let mut r = valid();
        r.reply_channel = common::ReplyChannel::NoContact as i32;
        assert_eq!(fields(&r), vec!["reply_channel"], "not for partners");
        r.reply_channel = common::ReplyChannel::Social as i32;
        assert_eq!(
            fields(&r),
            vec!["reply_channel"],
            "no conversation to reply in"
        );
    }

    #[test]
    fn an_sms_reply_to_a_landline_is_refused_at_the_phone_field() {
        let mut r = valid();
        r.contact.as_mut().unwrap().phone = "0 (312) 555 12 34".into();
        let e = validate(&r, &cats(), Timestamp::now(), false).unwrap_err();
        let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
        assert_eq!(got, vec![("contact.phone", SMS_NEEDS_MOBILE)]);
        r.reply_channel = common::ReplyChannel::PhoneCallback as i32;
        assert!(validate(&r, &cats(), Timestamp::now(), false).is_ok());
    }

    #[test]
    fn attachments_are_bounded() {
        let mut r = valid();
        r.attachments = vec![
            pb::Attachment {
                file_name: "a.exe".into(),
                content_type: "application/x-msdownload".into(),
                content: vec![1],
            },
            pb::Attachment {
                file_name: "b.pdf".into(),
                content_type: "application/pdf".into(),
                content: vec![0; MAX_ATTACHMENT_BYTES + 1],
            },
        ];
        assert_eq!(
            fields(&r),
            vec!["attachments[0].content_type", "attachments[1].content"]
        );
    }

    #[test]
    fn submitted_at_must_be_plausible() {
        let now = Timestamp::now();
        let mut r = valid();
        r.submitted_at = Some(ts(now + jiff::SignedDuration::from_hours(2)));
        assert!(received_at(&r, now).is_err());
        r.submitted_at = Some(ts(now - jiff::SignedDuration::from_hours(24 * 400)));
        assert!(received_at(&r, now).is_err());
        let earlier = now - jiff::SignedDuration::from_hours(5);
        r.submitted_at = Some(ts(earlier));
        assert_eq!(
            received_at(&r, now).unwrap().as_microsecond(),
            earlier.as_microsecond()
        );
    }

    #[test]
    fn violations_never_name_the_values() {
        let mut r = valid();
        r.contact.as_mut().unwrap().phone = "0999 888 77 66".into();
        let msg = validate(&r, &cats(), Timestamp::now(), false)
            .unwrap_err()
            .to_string();
        assert!(!msg.contains("999") && !msg.contains("Ayşe"), "{msg}");
    }
}
