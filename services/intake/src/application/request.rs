//! An application as the web form and the app API submit it, parsed whole
//! into a [`NewApplication`]. Staff entry shares these rules for the fields
//! it has in common. Every field error is collected, named by its JSON path
//! and rule, never by its value.

use base64::Engine as _;
use jiff::Timestamp;
use tekmerkez_proto::{common_v1 as common, intake_v1 as pb};
use tekmerkez_types::{
    catalogue::Category,
    contact::{Contact, EMAIL_NEEDS_ASCII, RawContact, SMS_NEEDS_MOBILE},
    fields::Violations,
    text::{parse_file_name, parse_text},
};
use uuid::Uuid;

use super::{
    ATTACHMENT_TYPES, Consent, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_TEXT, NewApplication,
    Place,
};

/// The rule of a latitude out of range (or not a number).
pub const LATITUDE_RULE: &str = "must be a WGS 84 latitude from -90 to 90";
/// The rule of a longitude out of range (or not a number).
pub const LONGITUDE_RULE: &str = "must be a WGS 84 longitude from -180 to 180";
/// The rule of a latitude without a longitude, or the reverse.
pub const COORDINATES_PAIR_RULE: &str = "must be given together with the other coordinate";
/// The rule of a neighbourhood the district does not have.
pub const NEIGHBOURHOOD_RULE: &str = "must be a neighbourhood of the district";

/// A point from a latitude and a longitude given together, each in its
/// WGS 84 range; a violation by field otherwise (NaN and infinities are
/// out of range).
fn coordinates(
    v: &mut Violations,
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> Option<(f64, f64)> {
    let lat_ok = latitude.is_none_or(|x| (-90.0..=90.0).contains(&x));
    let lon_ok = longitude.is_none_or(|x| (-180.0..=180.0).contains(&x));
    if !lat_ok {
        v.add("latitude", LATITUDE_RULE);
    }
    if !lon_ok {
        v.add("longitude", LONGITUDE_RULE);
    }
    match (latitude, longitude) {
        (Some(lat), Some(lon)) if lat_ok && lon_ok => Some((lat, lon)),
        (Some(_), None) if lat_ok => {
            v.add("longitude", COORDINATES_PAIR_RULE);
            None
        }
        (None, Some(_)) if lon_ok => {
            v.add("latitude", COORDINATES_PAIR_RULE);
            None
        }
        _ => None,
    }
}

/// The JSON body of `POST /v1/applications`.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Application)]
pub struct ApplicationRequest {
    /// `web_form` or `mobile_app`.
    #[serde(default)]
    #[schema(required = true)]
    pub channel: String,
    /// A category code.
    #[serde(default)]
    #[schema(required = true)]
    pub category: String,
    /// The application text.
    #[serde(default)]
    #[schema(required = true)]
    pub text: String,
    /// Province name or plate code.
    #[serde(default)]
    #[schema(required = true)]
    pub province: String,
    /// District name.
    #[serde(default)]
    #[schema(required = true)]
    pub district: String,
    /// The neighbourhood (mahalle) of the district, in any case, with or
    /// without Turkish letters and the word *mahallesi*; forwarded as the
    /// reference data spells it. Omitted or empty: not known.
    #[serde(default)]
    #[schema(example = "Fevzi Çakmak Mah")]
    pub neighbourhood: String,
    /// The point the application is about, WGS 84 degrees (-90 to 90);
    /// given together with `longitude`, or neither.
    #[serde(default)]
    #[schema(example = 40.7654)]
    pub latitude: Option<f64>,
    /// WGS 84 degrees (-180 to 180); given together with `latitude`.
    #[serde(default)]
    #[schema(example = 29.9408)]
    pub longitude: Option<f64>,
    /// The applicant.
    #[serde(default)]
    #[schema(inline)]
    pub applicant: Applicant,
    /// `sms`, `phone`, `email` or `letter`.
    #[serde(default)]
    #[schema(required = true)]
    pub reply_channel: String,
    /// The KVKK consent.
    #[schema(inline)]
    pub kvkk_consent: Option<KvkkConsent>,
    /// Files.
    #[serde(default)]
    #[schema(inline)]
    pub attachments: Vec<AttachmentRequest>,
    /// The kind of application: `talep`, `sikayet`, `oneri`, `ihbar`,
    /// `bilgi_edinme` (a Law 4982 information request) or `tesekkur`.
    /// Omitted or empty, the institution's routing rule or `talep` decides.
    #[serde(default)]
    #[schema(example = "sikayet")]
    pub application_type: String,
}

/// The applicant's contact details.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Turkish phone number.
    #[serde(default)]
    pub phone: String,
    /// E-mail address.
    #[serde(default)]
    pub email: String,
    /// Postal address, for a letter reply.
    #[serde(default)]
    pub address: String,
}

/// The consent the applicant gave.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KvkkConsent {
    /// The notice version shown.
    #[serde(default)]
    #[schema(required = true)]
    pub text_version: String,
    /// Whether it was accepted.
    #[serde(default)]
    #[schema(required = true)]
    pub accepted: bool,
}

/// One file, base64-encoded.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// File name.
    #[serde(default)]
    #[schema(required = true)]
    pub file_name: String,
    /// Media type.
    #[serde(default)]
    #[schema(required = true)]
    pub content_type: String,
    /// Standard base64 of the content.
    #[serde(default)]
    #[schema(required = true)]
    pub content_base64: String,
}

fn channel(raw: &str) -> Option<common::Channel> {
    match raw {
        "web_form" => Some(common::Channel::WebForm),
        "mobile_app" => Some(common::Channel::MobileApp),
        _ => None,
    }
}

fn reply_channel(raw: &str) -> Option<common::ReplyChannel> {
    match raw {
        "sms" => Some(common::ReplyChannel::Sms),
        "phone" => Some(common::ReplyChannel::PhoneCallback),
        "email" => Some(common::ReplyChannel::Email),
        "letter" => Some(common::ReplyChannel::Letter),
        _ => None,
    }
}

/// Parses a request into a new application with these ids, received at
/// `now`. `smtputf8` says whether the mail relay takes non-ASCII addresses
/// (`notify.email.smtputf8`): without it such an address is refused here,
/// where the citizen can still correct it.
///
/// # Errors
/// Every violation found.
pub fn parse(
    req: &ApplicationRequest,
    categories: &[Category],
    application_id: Uuid,
    tracking_number: &tekmerkez_tracking::TrackingNumber,
    now: Timestamp,
    smtputf8: bool,
) -> Result<NewApplication, Violations> {
    let mut v = Violations::new();
    let channel = channel(req.channel.trim());
    if channel.is_none() {
        v.add("channel", "must be web_form or mobile_app");
    }
    if !categories.iter().any(|c| c.code == req.category.trim()) {
        v.add("category", "must be a known category");
    }
    let text = v.check(parse_text("text", &req.text, MAX_TEXT));
    let application_type =
        super::parse_application_type(&mut v, "application_type", &req.application_type);
    let province = tekmerkez_geo::find_province(&req.province);
    let mut district = None;
    match province {
        None => v.add("province", "must be a province name or plate code"),
        Some(p) => match p.find_district(&req.district) {
            Some(d) => district = Some(d.to_owned()),
            None => v.add("district", "must be a district of the province"),
        },
    }
    // Checked only against a district found: a wrong district is named once.
    let mut neighbourhood = None;
    if !req.neighbourhood.trim().is_empty()
        && let (Some(p), Some(d)) = (province, district.as_deref())
    {
        match p.find_neighbourhood(d, &req.neighbourhood) {
            Some(n) => neighbourhood = Some(n.to_owned()),
            None => v.add("neighbourhood", NEIGHBOURHOOD_RULE),
        }
    }
    let point = coordinates(&mut v, req.latitude, req.longitude);
    let mut contact_v = Violations::new();
    let contact = Contact::parse(
        RawContact {
            name: &req.applicant.name,
            phone: &req.applicant.phone,
            email: &req.applicant.email,
            postal_address: &req.applicant.address,
        },
        &mut contact_v,
    );
    for e in contact_v.iter() {
        // The JSON body names it `applicant.*`, not `contact.*`.
        let field = e
            .field
            .replacen("contact.", "applicant.", 1)
            .replace("postal_address", "address");
        v.add(field, e.rule);
    }
    if !smtputf8 && contact.email.as_ref().is_some_and(|e| !e.is_ascii()) {
        v.add("applicant.email", EMAIL_NEEDS_ASCII);
    }
    let reply = reply_channel(req.reply_channel.trim());
    match reply {
        None => v.add("reply_channel", "must be sms, phone, email or letter"),
        Some(common::ReplyChannel::Sms | common::ReplyChannel::PhoneCallback)
            if contact.phone.is_none() =>
        {
            v.add("applicant.phone", "is required for an SMS or phone reply");
        }
        Some(common::ReplyChannel::Sms)
            if contact.phone.as_ref().is_some_and(|p| !p.is_mobile()) =>
        {
            v.add("applicant.phone", SMS_NEEDS_MOBILE);
        }
        Some(common::ReplyChannel::Email) if contact.email.is_none() => {
            v.add("applicant.email", "is required for an e-mail reply")
        }
        Some(common::ReplyChannel::Letter) if contact.postal_address.is_none() => {
            v.add("applicant.address", "is required for a letter reply");
        }
        Some(_) => {}
    }
    let consent = match &req.kvkk_consent {
        Some(c)
            if c.accepted && !c.text_version.trim().is_empty() && c.text_version.len() <= 64 =>
        {
            Some(Consent {
                text_version: c.text_version.trim().to_owned(),
                accepted_at: now,
                special_category: false,
            })
        }
        Some(c) if !c.accepted => {
            v.add(
                "kvkk_consent.accepted",
                "must be true to process personal data",
            );
            None
        }
        Some(_) => {
            v.add(
                "kvkk_consent.text_version",
                "must name the notice version shown (1 to 64 characters)",
            );
            None
        }
        None => None,
    };
    if !contact.is_empty() && req.kvkk_consent.is_none() {
        v.add("kvkk_consent", "is required when personal data is given");
    }
    let mut attachments = Vec::new();
    if req.attachments.len() > MAX_ATTACHMENTS {
        v.add("attachments", "must hold at most 3 files");
    }
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
        match base64::engine::general_purpose::STANDARD.decode(a.content_base64.as_bytes()) {
            Ok(bytes) if bytes.is_empty() => v.add(
                format!("attachments[{i}].content_base64"),
                "must not be empty",
            ),
            Ok(bytes) if bytes.len() > MAX_ATTACHMENT_BYTES => {
                v.add(
                    format!("attachments[{i}].content_base64"),
                    "must decode to at most 256 KiB",
                );
            }
            Ok(bytes) => {
                if let Some(file_name) = name {
                    attachments.push(pb::Attachment {
                        file_name,
                        content_type: a.content_type.clone(),
                        content: bytes,
                    });
                }
            }
            Err(_) => v.add(
                format!("attachments[{i}].content_base64"),
                "must be standard base64",
            ),
        }
    }
    v.clone().into_result()?;
    let (Some(channel), Some(text), Some(province), Some(reply)) = (channel, text, province, reply)
    else {
        return Err(v);
    };
    let application = NewApplication {
        id: application_id,
        tracking_number: Some(tracking_number.as_str().to_owned()),
        channel,
        category: req.category.trim().to_owned(),
        category_is_default: false,
        text,
        place: Place {
            province_code: province.code(),
            district,
            neighbourhood,
            coordinates: point,
        },
        contact,
        reply,
        consent,
        received_at: now,
        attachments,
        information_answer: None,
        source_reference: None,
        follow_up_of: None,
        recorded_by: None,
        application_type,
        partner: None,
    };
    Ok(application)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<Category> {
        vec![Category {
            code: "su_arizasi".into(),
            name_tr: "Su arızası".into(),
            name_en: "Water fault".into(),
        }]
    }

    fn valid() -> ApplicationRequest {
        ApplicationRequest {
            channel: "web_form".into(),
            category: "su_arizasi".into(),
            text: "Sokakta su borusu patladı.".into(),
            province: "izmir".into(),
            district: "KARŞIYAKA".into(),
            applicant: Applicant {
                name: "Ayşe Yılmaz".into(),
                phone: "0532 123 45 67".into(),
                ..Applicant::default()
            },
            reply_channel: "sms".into(),
            kvkk_consent: Some(KvkkConsent {
                text_version: "kvkk-v1".into(),
                accepted: true,
            }),
            attachments: vec![],
            application_type: "sikayet".into(),
            ..ApplicationRequest::default()
        }
    }

    fn run(r: &ApplicationRequest) -> Result<pb::ApplicationReceived, Violations> {
        parse(
            r,
            &cats(),
            Uuid::nil(),
            &tekmerkez_tracking::TrackingNumber::generate(),
            Timestamp::UNIX_EPOCH,
            false,
        )
        .map(pb::ApplicationReceived::from)
    }

    fn fields(r: &ApplicationRequest) -> Vec<String> {
        run(r)
            .unwrap_err()
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn a_valid_request_becomes_the_bus_message_with_official_names() {
        let m = run(&valid()).unwrap();
        let loc = m.location.unwrap();
        assert_eq!(
            (loc.province_code, loc.district.as_str()),
            (35, "Karşıyaka")
        );
        assert_eq!(m.contact.unwrap().phone, "+905321234567");
        assert!(m.consent.is_some());
        assert_eq!(
            m.application_type,
            common::ApplicationType::Sikayet as i32,
            "the citizen's type goes with the application"
        );
        assert!(
            !m.category_is_default,
            "the citizen chose it: no routing rule replaces it"
        );
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut r = valid();
        r.channel = "fax".into();
        r.category = "unknown".into();
        r.text = " ".into();
        r.province = "Atlantis".into();
        r.applicant.phone = "12".into();
        r.reply_channel = "pigeon".into();
        r.application_type = "Şikayet".into();
        let f = fields(&r);
        for want in [
            "application_type",
            "channel",
            "category",
            "text",
            "province",
            "applicant.phone",
            "reply_channel",
        ] {
            assert!(f.iter().any(|x| x == want), "{want} missing in {f:?}");
        }
    }

    #[test]
    fn a_missing_type_is_left_to_routing() {
        let mut r = valid();
        r.application_type = String::new();
        assert_eq!(
            run(&r).unwrap().application_type,
            common::ApplicationType::Unspecified as i32
        );
    }

    #[test]
    fn text_and_names_that_show_nothing_are_refused_by_field() {
        let mut r = valid();
        r.text = "\u{200B}\u{200C}\u{FEFF}".into();
        r.applicant.name = "\u{0301}".into();
        let f = fields(&r);
        assert!(f.iter().any(|x| x == "text"), "{f:?}");
        assert!(f.iter().any(|x| x == "applicant.name"), "{f:?}");
    }

    #[test]
    fn a_file_name_loses_its_bidi_controls_and_the_text_is_nfc() {
        let mut r = valid();
        r.text = "Su yok, fatura ekte: Ödeme \u{202E}gnp.exe".into();
        r.applicant.name = "Ays\u{0327}e \u{202E}Yılmaz".into();
        r.attachments = vec![AttachmentRequest {
            file_name: "Ödeme \u{202E}gnp.exe".into(),
            content_type: "application/pdf".into(),
            content_base64: "JVBERi0xLjQK".into(),
        }];
        let m = run(&r).unwrap();
        assert_eq!(m.attachments[0].file_name, "Ödeme gnp.exe");
        assert_eq!(m.contact.unwrap().name, "Ayşe Yılmaz");
        assert!(m.text.contains('\u{202E}'), "a text keeps them");
    }

    #[test]
    fn personal_data_needs_accepted_consent() {
        let mut r = valid();
        r.kvkk_consent = None;
        assert_eq!(fields(&r), vec!["kvkk_consent"]);
        r.kvkk_consent = Some(KvkkConsent {
            text_version: "kvkk-v1".into(),
            accepted: false,
        });
        assert_eq!(fields(&r), vec!["kvkk_consent.accepted"]);
    }

    #[test]
    fn the_reply_channel_needs_its_contact_detail() {
        let mut r = valid();
        r.reply_channel = "email".into();
        assert_eq!(fields(&r), vec!["applicant.email"]);
        r.reply_channel = "letter".into();
        assert_eq!(fields(&r), vec!["applicant.address"]);
    }

    #[test]
    fn a_non_ascii_address_is_refused_unless_the_relay_takes_smtputf8() {
        let mut r = valid();
        r.applicant.email = "çağrı@örnek.com.tr".into();
        r.reply_channel = "email".into();
        let e = run(&r).unwrap_err();
        let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
        assert_eq!(got, vec![("applicant.email", EMAIL_NEEDS_ASCII)]);
        let with_relay = parse(
            &r,
            &cats(),
            Uuid::nil(),
            &tekmerkez_tracking::TrackingNumber::generate(),
            Timestamp::UNIX_EPOCH,
            true,
        )
        .unwrap();
        assert_eq!(
            with_relay.contact.email.unwrap().expose(),
            "çağrı@örnek.com.tr"
        );
        r.applicant.email = "cagri@ornek.com.tr".into();
        assert!(run(&r).is_ok(), "ASCII goes through any relay");
    }

    #[test]
    fn an_sms_reply_needs_a_mobile_number_and_a_callback_takes_a_landline() {
        for landline in ["0 (312) 555 12 34", "0850 222 01 86"] {
            let mut r = valid();
            r.applicant.phone = landline.into();
            let e = run(&r).unwrap_err();
            let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
            assert_eq!(
                got,
                vec![("applicant.phone", SMS_NEEDS_MOBILE)],
                "{landline}"
            );
            r.reply_channel = "phone".into();
            assert!(run(&r).is_ok(), "a callback can ring {landline}");
            r.reply_channel = "letter".into();
            r.applicant.address = "Atatürk Bulvarı No: 1 Çankaya".into();
            assert!(
                run(&r).is_ok(),
                "a letter reply keeps {landline} as contact"
            );
        }
    }

    #[test]
    fn attachments_are_bounded_in_count_type_and_size() {
        let mut r = valid();
        let big =
            base64::engine::general_purpose::STANDARD.encode(vec![0u8; MAX_ATTACHMENT_BYTES + 1]);
        r.attachments = vec![
            AttachmentRequest {
                file_name: "a.exe".into(),
                content_type: "application/x-msdownload".into(),
                content_base64: "AA==".into(),
            },
            AttachmentRequest {
                file_name: "b.jpg".into(),
                content_type: "image/jpeg".into(),
                content_base64: big,
            },
            AttachmentRequest {
                file_name: "c.pdf".into(),
                content_type: "application/pdf".into(),
                content_base64: "%%%".into(),
            },
        ];
        assert_eq!(
            fields(&r),
            vec![
                "attachments[0].content_type",
                "attachments[1].content_base64",
                "attachments[2].content_base64"
            ]
        );
    }

    #[test]
    fn coordinates_and_a_neighbourhood_go_into_the_location_canonical() {
        let mut r = valid();
        r.province = "41".into();
        r.district = "izmit".into();
        r.neighbourhood = "FEVZİ ÇAKMAK MAHALLESİ".into();
        r.latitude = Some(40.7654);
        r.longitude = Some(29.9408);
        let loc = run(&r).unwrap().location.unwrap();
        assert_eq!(loc.district, "İzmit");
        assert_eq!(
            loc.neighbourhood, "Fevzi Çakmak Mah",
            "as the reference data spells it"
        );
        let c = loc.coordinates.unwrap();
        assert_eq!((c.latitude, c.longitude), (40.7654, 29.9408));
    }

    #[test]
    fn without_coordinates_or_neighbourhood_the_location_has_none() {
        let loc = run(&valid()).unwrap().location.unwrap();
        assert!(loc.coordinates.is_none());
        assert_eq!(loc.neighbourhood, "");
    }

    #[test]
    fn a_neighbourhood_the_district_lacks_is_refused_by_field() {
        let mut r = valid();
        r.province = "Kocaeli".into();
        r.district = "İzmit".into();
        r.neighbourhood = "Kızılay".into();
        let e = run(&r).unwrap_err();
        let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
        assert_eq!(got, vec![("neighbourhood", NEIGHBOURHOOD_RULE)]);
        assert!(!e.to_string().contains("Kızılay"), "{e}");
        // A wrong district is named once, not again at the neighbourhood.
        r.district = "Atlantis".into();
        assert_eq!(fields(&r), vec!["district"]);
    }

    #[test]
    fn coordinates_out_of_range_or_alone_are_refused_by_field() {
        let cases = [
            (Some(90.5), Some(29.0), vec![("latitude", LATITUDE_RULE)]),
            (
                Some(40.0),
                Some(-180.1),
                vec![("longitude", LONGITUDE_RULE)],
            ),
            (
                Some(f64::NAN),
                Some(f64::INFINITY),
                vec![("latitude", LATITUDE_RULE), ("longitude", LONGITUDE_RULE)],
            ),
            (Some(40.0), None, vec![("longitude", COORDINATES_PAIR_RULE)]),
            (None, Some(29.0), vec![("latitude", COORDINATES_PAIR_RULE)]),
            (Some(-91.0), None, vec![("latitude", LATITUDE_RULE)]),
        ];
        for (lat, lon, want) in cases {
            let mut r = valid();
            r.latitude = lat;
            r.longitude = lon;
            let e = run(&r).unwrap_err();
            let got: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.rule)).collect();
            assert_eq!(got, want, "{lat:?} {lon:?}");
        }
        let mut r = valid();
        (r.latitude, r.longitude) = (Some(-90.0), Some(180.0));
        assert!(run(&r).is_ok(), "the bounds are in range");
    }

    #[test]
    fn a_parsed_application_does_not_show_the_place_in_debug() {
        let mut r = valid();
        r.province = "41".into();
        r.district = "İzmit".into();
        r.neighbourhood = "Yenişehir".into();
        r.latitude = Some(40.7654);
        r.longitude = Some(29.9408);
        let p = parse(
            &r,
            &cats(),
            Uuid::nil(),
            &tekmerkez_tracking::TrackingNumber::generate(),
            Timestamp::UNIX_EPOCH,
            false,
        )
        .unwrap();
        let d = format!("{p:?}");
        assert!(!d.contains("Yenişehir") && !d.contains("40.76"), "{d}");
    }

    #[test]
    fn errors_never_contain_the_submitted_values() {
        let mut r = valid();
        r.applicant.phone = "0999 888 77 66".into();
        let msg = run(&r).unwrap_err().to_string();
        assert!(!msg.contains("999"), "{msg}");
    }
}
