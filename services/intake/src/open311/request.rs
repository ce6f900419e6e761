//! A POSTed service request (`application/x-www-form-urlencoded`, with
//! `attribute[code]=value`) → the application it files. Every violation is
//! collected at once and named as the specification names the field
//! (`service_code`, `lat`, `address_string`, `attribute[abone_no]`), never
//! by its value. The contact details go through the same
//! [`Contact::parse`] as every other channel; province and district through
//! `tekmerkez_geo`, as the web form's; the category through the catalogue.

use std::collections::BTreeMap;

use jiff::Timestamp;
use tekmerkez_proto::common_v1 as common;
use tekmerkez_types::{
    catalogue::Category,
    contact::{Contact, EMAIL_NEEDS_ASCII, RawContact},
    fields::Violations,
    text::parse_text,
};

use super::settings::{AttributeSettings, Open311Settings};
use crate::application::{MAX_TEXT, Place};

/// The longest description the specification allows.
pub const MAX_DESCRIPTION: usize = 4000;

/// What separates the client's description from what intake adds to the
/// case's text for the desk (address, attributes, media link); `GET
/// requests` answers the description before it.
pub const DETAILS_MARKER: &str = "\n\n[Open311]\n";

/// The location attributes every service takes (not listed in the
/// definitions: they only place the request): the district and province
/// when the address does not name them.
pub const DISTRICT_ATTRIBUTE: &str = "ilce";
/// See [`DISTRICT_ATTRIBUTE`].
pub const PROVINCE_ATTRIBUTE: &str = "il";

/// Decoded `key=value` pairs of a form body or a query string, in order.
#[derive(Debug, Clone, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Decodes `application/x-www-form-urlencoded` bytes (`+` is a space,
    /// `%XX` a byte, the whole UTF-8).
    ///
    /// # Errors
    /// A body that is not UTF-8 after decoding.
    pub fn parse(raw: &[u8]) -> Result<Self, std::string::FromUtf8Error> {
        let mut pairs = Vec::new();
        for part in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            let (k, v) = match part.iter().position(|&b| b == b'=') {
                Some(i) => (&part[..i], &part[i + 1..]),
                None => (part, &[][..]),
            };
            pairs.push((decode(k)?, decode(v)?));
        }
        Ok(Self(pairs))
    }

    /// The first value of `key`, trimmed; an empty one is not given (the
    /// specification's "optional").
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-empty value of `key`, comma-separated ones split.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// `attribute[code]=v` and `attribute[code][]=v`, by code; blank values dropped.
    pub fn attributes(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &self.0 {
            let Some(rest) = k.strip_prefix("attribute[") else {
                continue;
            };
            let code = rest
                .strip_suffix("][]")
                .or_else(|| rest.strip_suffix(']'))
                .unwrap_or(rest);
            let entry = out.entry(code.to_owned()).or_default();
            if !v.trim().is_empty() {
                entry.push(v.trim().to_owned());
            }
        }
        out
    }

    /// The pairs without `api_key`, sorted: what identifies a request's
    /// content whichever order or key it came with.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let mut pairs: Vec<_> = self.0.iter().filter(|(k, _)| k != "api_key").collect();
        pairs.sort();
        let mut h = Sha256::new();
        for (k, v) in pairs {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
        hex::encode(h.finalize())
    }
}

fn decode(raw: &[u8]) -> Result<String, std::string::FromUtf8Error> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
}

/// A checked request, before its ids are chosen.
#[derive(Clone)]
pub struct Submitted {
    /// The category code.
    pub service_code: String,
    /// The case's text: the description (or the service's name), then the
    /// details after [`DETAILS_MARKER`]. Personal data.
    pub text: String,
    /// Province, district and coordinates.
    pub place: Place,
    /// Name, phone, e-mail.
    pub contact: Contact,
    /// How the citizen hears the answer, from the contact given.
    pub reply: common::ReplyChannel,
    /// The media link, kept as given (never fetched).
    pub media_url: Option<String>,
}

impl std::fmt::Debug for Submitted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submitted")
            .field("service_code", &self.service_code)
            .finish_non_exhaustive()
    }
}

/// Why a request was refused.
#[derive(Debug)]
pub enum Refusal {
    /// Fields missing or wrong (400).
    Invalid(Violations),
    /// `service_code` names no service (404, as the specification says).
    UnknownService,
}

/// Checks a POSTed request against the catalogue and the service's
/// attributes.
///
/// # Errors
/// [`Refusal::UnknownService`] for an unknown `service_code`, else every
/// violation found.
pub fn validate(
    form: &Form,
    categories: &[Category],
    settings: &Open311Settings,
    smtputf8: bool,
) -> Result<Submitted, Refusal> {
    let mut v = Violations::new();
    let Some(service_code) = form.get("service_code") else {
        v.add("service_code", "is required");
        return Err(Refusal::Invalid(v));
    };
    let Some(category) = categories.iter().find(|c| c.code == service_code) else {
        return Err(Refusal::UnknownService);
    };
    let definition = settings
        .service(service_code)
        .map(|s| s.attributes.as_slice())
        .unwrap_or_default();
    let attributes = form.attributes();
    let answers = check_attributes(&mut v, definition, &attributes);

    let description = form.get("description").and_then(|d| {
        if d.chars().count() > MAX_DESCRIPTION {
            v.add("description", "must be at most 4000 characters");
            return None;
        }
        v.check(parse_text("description", d, MAX_DESCRIPTION))
    });

    // Location: lat & long, address_string or address_id.
    let mut coordinates = None;
    match (form.get("lat"), form.get("long")) {
        (None, None) => {}
        (Some(lat), Some(long)) => {
            let lat = lat
                .parse::<f64>()
                .ok()
                .filter(|l| (35.5..=42.5).contains(l));
            let long = long
                .parse::<f64>()
                .ok()
                .filter(|l| (25.5..=45.0).contains(l));
            if lat.is_none() {
                v.add("lat", "must be a WGS84 latitude within Türkiye");
            }
            if long.is_none() {
                v.add("long", "must be a WGS84 longitude within Türkiye");
            }
            coordinates = lat.zip(long);
        }
        (None, Some(_)) => v.add("lat", "is required with long"),
        (Some(_), None) => v.add("long", "is required with lat"),
    }
    let half_a_pair = form.get("lat").is_some() != form.get("long").is_some();
    let address = form.get("address_string");
    if address.is_some_and(|a| a.chars().count() > 500) {
        v.add("address_string", "must be at most 500 characters");
    }
    let address_id = form.get("address_id");
    if address_id.is_some_and(|a| a.chars().count() > 100) {
        v.add("address_id", "must be at most 100 characters");
    }
    let located = form.get("lat").is_some() || address.is_some() || address_id.is_some();
    let place = if half_a_pair {
        None
    } else if located {
        place(&mut v, settings, address, &attributes, coordinates)
    } else {
        v.add(
            "location",
            "one of lat and long, address_string or address_id is required",
        );
        None
    };

    let name = [form.get("first_name"), form.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut contact_v = Violations::new();
    let contact = Contact::parse(
        RawContact {
            name: &name,
            phone: form.get("phone").unwrap_or_default(),
            email: form.get("email").unwrap_or_default(),
            postal_address: "",
        },
        &mut contact_v,
    );
    for e in contact_v.iter() {
        let field = match e.field.as_str() {
            "contact.name" => "first_name",
            "contact.phone" => "phone",
            "contact.email" => "email",
            other => other,
        };
        v.add(field, e.rule);
    }
    if !smtputf8 && contact.email.as_ref().is_some_and(|e| !e.is_ascii()) {
        v.add("email", EMAIL_NEEDS_ASCII);
    }
    // Open311 has no reply channel: a mobile number gets the answer by SMS,
    // else an e-mail address by e-mail, else a landline by a callback; with
    // none, the client follows the request by GET.
    let reply = match (&contact.phone, &contact.email) {
        (Some(p), _) if p.is_mobile() => common::ReplyChannel::Sms,
        (_, Some(_)) => common::ReplyChannel::Email,
        (Some(_), None) => common::ReplyChannel::PhoneCallback,
        (None, None) => common::ReplyChannel::NoContact,
    };

    let media_url = form.get("media_url").and_then(|u| {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() <= 2000
            && !u.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            v.add(
                "media_url",
                "must be an http or https URL of at most 2000 characters",
            );
        }
        ok.then(|| u.to_owned())
    });

    v.clone().into_result().map_err(Refusal::Invalid)?;
    let Some(place) = place else {
        return Err(Refusal::Invalid(v));
    };
    let mut details = Vec::new();
    if let Some(a) = address {
        details.push(format!("Adres: {a}"));
    }
    if let Some(a) = address_id {
        details.push(format!("Adres no: {a}"));
    }
    details.extend(answers);
    if let Some(u) = &media_url {
        details.push(format!("Medya bağlantısı: {u}"));
    }
    let mut text = description.unwrap_or_else(|| category.name_tr.clone());
    if !details.is_empty() {
        text.push_str(DETAILS_MARKER);
        text.push_str(&details.join("\n"));
    }
    if text.chars().count() > MAX_TEXT {
        v.add("description", "is too long with the address and attributes");
        return Err(Refusal::Invalid(v));
    }
    Ok(Submitted {
        service_code: service_code.to_owned(),
        text,
        place,
        contact,
        reply,
        media_url,
    })
}

/// The service's attributes checked; the answers as lines for the desk
/// (`Abone numarası: 123`).
fn check_attributes(
    v: &mut Violations,
    definition: &[AttributeSettings],
    given: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut lines = Vec::new();
    for code in given.keys() {
        let known = code == DISTRICT_ATTRIBUTE
            || code == PROVINCE_ATTRIBUTE
            || definition.iter().any(|a| &a.code == code);
        if !known {
            v.add(
                format!("attribute[{}]", printable(code)),
                "is not an attribute of this service",
            );
        }
    }
    for a in definition {
        let field = format!("attribute[{}]", a.code);
        let values = given.get(&a.code).cloned().unwrap_or_default();
        if values.is_empty() {
            if a.required {
                v.add(field, "is required");
            }
            continue;
        }
        if values.len() > 1 && a.datatype != "multivaluelist" {
            v.add(field, "takes one value");
            continue;
        }
        let mut shown = Vec::new();
        let mut ok = true;
        for value in &values {
            let fine = value.chars().count() <= 500
                && match a.datatype.as_str() {
                    "number" => value.parse::<f64>().is_ok_and(f64::is_finite),
                    "datetime" => super::dates::parse_w3c(value).is_some(),
                    "string" => !value.contains(['\n', '\r']),
                    "singlevaluelist" | "multivaluelist" => {
                        a.values.iter().any(|x| &x.key == value)
                    }
                    _ => true,
                };
            if !fine {
                ok = false;
            } else if let Some(choice) = a.values.iter().find(|x| &x.key == value) {
                shown.push(choice.name_tr.clone());
            } else {
                shown.push(value.clone());
            }
        }
        if ok {
            lines.push(format!("{}: {}", a.description_tr, shown.join(", ")));
        } else {
            v.add(
                field,
                match a.datatype.as_str() {
                    "number" => "must be a number",
                    "datetime" => "must be a W3C date and time",
                    "string" => "must be one line of at most 500 characters",
                    "singlevaluelist" | "multivaluelist" => {
                        "must be a key of the attribute's values"
                    }
                    _ => "must be at most 500 characters",
                },
            );
        }
    }
    lines
}

/// A code as safe to name in an error: ASCII letters, digits and `_`, cut short.
fn printable(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

/// Province and district from the location attributes, else the address
/// (a part naming a province, one naming a district of it), else the
/// configured province.
fn place(
    v: &mut Violations,
    settings: &Open311Settings,
    address: Option<&str>,
    attributes: &BTreeMap<String, Vec<String>>,
    coordinates: Option<(f64, f64)>,
) -> Option<Place> {
    let attr = |code: &str| {
        attributes
            .get(code)
            .and_then(|v| v.first())
            .map(String::as_str)
    };
    let words: Vec<String> = address.map(candidates).unwrap_or_default();
    let province = match attr(PROVINCE_ATTRIBUTE) {
        Some(p) => match tekmerkez_geo::find_province(p) {
            Some(p) => Some(p),
            None => {
                v.add("attribute[il]", "must be a province name or plate code");
                return None;
            }
        },
        None => words
            .iter()
            .rev()
            .find_map(|w| {
                // A plate code alone is a house number more often than a province.
                (!w.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| tekmerkez_geo::find_province(w))
                    .flatten()
            })
            .or_else(|| tekmerkez_geo::province_by_code(settings.default_province_code)),
    };
    let Some(province) = province else {
        v.add(
            "address_string",
            "must name the province (il), or give attribute[il]",
        );
        return None;
    };
    let district = match attr(DISTRICT_ATTRIBUTE) {
        Some(d) => match province.find_district(d) {
            Some(d) => d.to_owned(),
            None => {
                v.add("attribute[ilce]", "must be a district of the province");
                return None;
            }
        },
        None => match words.iter().rev().find_map(|w| province.find_district(w)) {
            Some(d) => d.to_owned(),
            None if address.is_some() => {
                v.add(
                    "address_string",
                    "must name the district (ilçe), or give attribute[ilce]",
                );
                return None;
            }
            None => {
                v.add(
                    "attribute[ilce]",
                    "is required when no address_string names the district",
                );
                return None;
            }
        },
    };
    Some(Place {
        province_code: province.code(),
        district: Some(district),
        neighbourhood: None,
        coordinates,
    })
}

/// The parts of an address a place name may be: each comma- or
/// slash-separated part, then its words and word pairs.
fn candidates(address: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in address.split([',', '/', ';', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        out.push(part.to_owned());
        let words: Vec<&str> = part
            .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            out.push(pair.join(" "));
        }
        out.extend(words.iter().map(|w| (*w).to_owned()));
    }
    out
}

/// When the application counts as received, in the store's microseconds.
pub fn now_micros() -> Option<Timestamp> {
    Timestamp::from_microsecond(Timestamp::now().as_microsecond()).ok()
}
