//! People's names of the codes reports and exports show (channels,
//! application types, sources), in Turkish and English, kept once here so
//! every service names a code the same way. Codes are the snake_case form
//! of the `tekmerkez.common.v1` enums (`mobile_app`, `bilgi_edinme`,
//! `acik_kapi`); a source is also known by its domain code (`dogrudan`,
//! `diger_kurum`).

/// (code, Turkish, English) of every channel.
const CHANNELS: [(&str, &str, &str); 9] = [
    ("web_form", "Web formu", "Web form"),
    ("mobile_app", "Mobil uygulama", "Mobile app"),
    ("email", "E-posta", "E-mail"),
    ("social_media", "Sosyal medya", "Social media"),
    ("phone", "Telefon", "Phone"),
    ("written", "Yazılı başvuru", "Letter"),
    ("face_to_face", "Yüz yüze", "In person"),
    ("video", "Görüntülü görüşme", "Video call"),
    ("partner", "Kurum (CİMER vb.)", "Partner (CİMER etc.)"),
];

/// (code, Turkish, English) of every application type.
const TYPES: [(&str, &str, &str); 6] = [
    ("talep", "Talep", "Request"),
    ("sikayet", "Şikâyet", "Complaint"),
    ("oneri", "Öneri", "Suggestion"),
    ("ihbar", "İhbar", "Report of wrongdoing"),
    (
        "bilgi_edinme",
        "Bilgi edinme",
        "Information request (Law 4982)",
    ),
    ("tesekkur", "Teşekkür", "Thanks"),
];

/// (codes, Turkish, English) of every source.
const SOURCES: [(&str, &str, &str, &str); 4] = [
    ("direct", "dogrudan", "Doğrudan", "Direct"),
    ("cimer", "cimer", "CİMER", "CİMER"),
    ("acik_kapi", "acik_kapi", "Açık Kapı", "Açık Kapı"),
    ("other_body", "diger_kurum", "Başka kurum", "Another body"),
];

fn pick(tr: &'static str, en: &'static str, english: bool) -> &'static str {
    if english { en } else { tr }
}

/// The name of channel `code`, if it is one.
pub fn channel(code: &str, english: bool) -> Option<&'static str> {
    CHANNELS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, tr, en)| pick(tr, en, english))
}

/// The name of application type `code`, if it is one.
pub fn application_type(code: &str, english: bool) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, tr, en)| pick(tr, en, english))
}

/// The name of source `code` (wire or domain code), if it is one.
pub fn source(code: &str, english: bool) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|(c, d, _, _)| *c == code || *d == code)
        .map(|(_, _, tr, en)| pick(tr, en, english))
}

/// "Yok" / "None": the name of an empty code (no partner, no closure
/// reason yet).
pub fn none(english: bool) -> &'static str {
    pick("Yok", "None", english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_turkish_and_english_names_and_unknown_ones_none() {
        assert_eq!(channel("mobile_app", false), Some("Mobil uygulama"));
        assert_eq!(channel("mobile_app", true), Some("Mobile app"));
        assert_eq!(application_type("sikayet", false), Some("Şikâyet"));
        assert_eq!(application_type("ihbar", false), Some("İhbar"));
        assert_eq!(source("other_body", false), Some("Başka kurum"));
        assert_eq!(source("diger_kurum", true), Some("Another body"));
        assert_eq!(channel("pigeon", false), None);
        assert_eq!(none(false), "Yok");
    }

    #[test]
    fn every_type_and_source_of_the_domain_is_named() {
        use crate::classification::{ApplicationSource, ApplicationType};
        for t in ApplicationType::ALL {
            assert!(application_type(t.code(), false).is_some(), "{t}");
        }
        for s in ApplicationSource::ALL {
            assert!(source(s.code(), true).is_some(), "{s}");
        }
    }
}
