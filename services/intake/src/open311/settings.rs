//! `intake.open311`: the GeoReport v2 endpoints, their clients (each with a
//! hashed `api_key`, a quota and the KVKK consent terms it accepted for its
//! users) and what the service list adds to the category catalogue (group,
//! keywords, attributes).

use crate::partner::settings::PartnerSource;

/// The Open311 GeoReport v2 endpoints under `/open311/v2/`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open311Settings {
    /// Whether the routes are served.
    pub enabled: bool,
    /// The `jurisdiction_id` this endpoint answers to (the institution's
    /// web domain, e.g. `izmitsu.gov.tr`); a request may also leave it out.
    /// Empty: only requests without one are answered.
    pub jurisdiction_id: String,
    /// `realtime`: a POST answers with the `service_request_id` (the
    /// tracking number, chosen before the application is published);
    /// `batch`: it answers with a `token` that `tokens/{token}` resolves once
    /// the case exists.
    pub request_ids: RequestIds,
    /// The province (plate code) an address that names none is in: a city
    /// app sends "Yahya Kaptan Mah., İzmit". 0: every request names one.
    pub default_province_code: u8,
    /// Most requests one `GET requests` answers (the specification's 1000).
    pub list_limit: u32,
    /// What a POST answers as `service_notice` (Turkish); empty: none.
    pub service_notice: String,
    /// Group, keywords and attributes of categories of the catalogue, by
    /// code; a category without an entry is in the group `Genel` and has no
    /// attributes.
    pub services: Vec<ServiceSettings>,
    /// Who may file and follow requests.
    pub clients: Vec<Open311Client>,
}

/// Which identifier a POST answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestIds {
    /// The `service_request_id` at once (services of `type` `realtime`).
    Realtime,
    /// A `token` (services of `type` `batch`).
    Batch,
}

/// What the service list says about one category beyond its names.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// The category code.
    pub code: String,
    /// The group, in Turkish.
    pub group_tr: String,
    /// The group, in English.
    pub group_en: String,
    /// Comma-separated search words (Turkish).
    #[serde(default)]
    pub keywords: String,
    /// The attributes a request of this service may (or must) carry.
    #[serde(default)]
    pub attributes: Vec<AttributeSettings>,
}

/// One attribute of a service definition.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeSettings {
    /// Its code (`attribute[code]=value`): a-z, 0-9 and `_`.
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist` or `multivaluelist`.
    pub datatype: String,
    /// Whether a request must give it.
    pub required: bool,
    /// The question, in Turkish.
    pub description_tr: String,
    /// The question, in English.
    pub description_en: String,
    /// The choices of a list.
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

/// One choice of a list attribute.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeValue {
    /// What the client sends.
    pub key: String,
    /// Its name, in Turkish.
    pub name_tr: String,
    /// Its name, in English.
    pub name_en: String,
}

/// One client: a partner's system or a city app.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open311Client {
    /// A short stable id (a-z, 0-9, - and _): the case's partner id.
    pub id: String,
    /// Its name, for operators.
    pub name: String,
    /// Lower-case hex SHA-256 of its `api_key` (random, at least 32
    /// characters; handed to the client, never stored):
    /// `printf %s "$KEY" | sha256sum`.
    pub api_key_sha256: String,
    /// Requests per minute, sustained.
    pub per_minute: u32,
    /// Requests at once above the sustained rate.
    pub burst: u32,
    /// The KVKK notice version the client shows its users and accepted the
    /// terms of on their behalf: recorded as each application's consent.
    pub kvkk_text_version: String,
    /// The road its applications took: `dogrudan` (a city's own app, the
    /// default), `diger_kurum`, `cimer` or `acik_kapi`.
    #[serde(default = "direct")]
    pub source: PartnerSource,
}

fn direct() -> PartnerSource {
    PartnerSource::Dogrudan
}

/// The datatypes of the specification.
pub const DATATYPES: &[&str] = &[
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
];

impl Open311Settings {
    /// The entry of category `code`, when there is one.
    pub fn service(&self, code: &str) -> Option<&ServiceSettings> {
        self.services.iter().find(|s| s.code == code)
    }

    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self, categories: &[String], partner_ids: &[String]) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        if self.list_limit == 0 || self.list_limit > 10_000 {
            return Err("intake.open311.list_limit must be 1 to 10000".into());
        }
        if self.default_province_code != 0
            && tekmerkez_geo::province_by_code(self.default_province_code).is_none()
        {
            return Err("intake.open311.default_province_code must be 0 or a plate code".into());
        }
        let code_ok = |c: &str| {
            !c.is_empty()
                && c.len() <= 64
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        for (i, s) in self.services.iter().enumerate() {
            if !categories.contains(&s.code) {
                return Err(format!(
                    "intake.open311.services[{i}].code must be a category of intake.categories"
                ));
            }
            for (j, a) in s.attributes.iter().enumerate() {
                let at = format!("intake.open311.services[{i}].attributes[{j}]");
                if !code_ok(&a.code) {
                    return Err(format!("{at}.code must be 1 to 64 of a-z, 0-9 and _"));
                }
                if !DATATYPES.contains(&a.datatype.as_str()) {
                    return Err(format!("{at}.datatype must be one of {DATATYPES:?}"));
                }
                if a.datatype.ends_with("valuelist") == a.values.is_empty() {
                    return Err(format!(
                        "{at}.values must be given for a list, and only for one"
                    ));
                }
            }
        }
        let mut ids = std::collections::HashSet::new();
        for (i, c) in self.clients.iter().enumerate() {
            let id_ok = !c.id.is_empty()
                && c.id.len() <= 64
                && c.id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                });
            if !id_ok {
                return Err(format!(
                    "intake.open311.clients[{i}].id must be 1 to 64 of a-z, 0-9, - and _"
                ));
            }
            // The id becomes the case's partner id: one name, one sender.
            if !ids.insert(c.id.as_str()) || partner_ids.contains(&c.id) {
                return Err(format!(
                    "intake.open311.clients[{i}].id is used twice (clients and intake.partner.partners share ids)"
                ));
            }
            if c.api_key_sha256.len() != 64
                || !c
                    .api_key_sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(format!(
                    "intake.open311.clients[{i}].api_key_sha256 must be 64 lower-case hex digits"
                ));
            }
            if c.per_minute == 0 || c.burst == 0 {
                return Err(format!(
                    "intake.open311.clients[{i}] quota values must be positive"
                ));
            }
            let v = c.kvkk_text_version.trim();
            if v.is_empty() || v.len() > 64 {
                return Err(format!(
                    "intake.open311.clients[{i}].kvkk_text_version must be 1 to 64 characters"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn settings() -> Open311Settings {
        Open311Settings {
            enabled: true,
            jurisdiction_id: String::new(),
            request_ids: RequestIds::Realtime,
            default_province_code: 41,
            list_limit: 1000,
            service_notice: String::new(),
            services: vec![ServiceSettings {
                code: "fatura".into(),
                group_tr: "Abonelik".into(),
                group_en: "Subscription".into(),
                keywords: String::new(),
                attributes: vec![AttributeSettings {
                    code: "abone_no".into(),
                    datatype: "string".into(),
                    required: true,
                    description_tr: "Abone numarası".into(),
                    description_en: "Subscriber number".into(),
                    values: vec![],
                }],
            }],
            clients: vec![Open311Client {
                id: "belediye".into(),
                name: "Belediye".into(),
                api_key_sha256: "a".repeat(64),
                per_minute: 60,
                burst: 10,
                kvkk_text_version: "kvkk-v1".into(),
                source: PartnerSource::Dogrudan,
            }],
        }
    }

    /// A change to the valid settings, and the key its error must name.
    type Change = (fn(&mut Open311Settings), &'static str);

    fn check(s: &Open311Settings) -> Result<(), String> {
        s.validate(&["fatura".to_owned()], &["cimer".to_owned()])
    }

    #[test]
    fn settings_that_cannot_work_are_named_by_key() {
        assert_eq!(check(&settings()), Ok(()));
        let cases: Vec<Change> = vec![
            (|s| s.services[0].code = "uzay".into(), "services[0].code"),
            (
                |s| s.services[0].attributes[0].datatype = "renk".into(),
                "attributes[0].datatype",
            ),
            (
                |s| s.services[0].attributes[0].datatype = "singlevaluelist".into(),
                "attributes[0].values",
            ),
            (
                |s| s.clients[0].id = "cimer".into(),
                "clients[0].id is used twice",
            ),
            (
                |s| s.clients[0].api_key_sha256 = "the-key-itself".into(),
                "api_key_sha256",
            ),
            (
                |s| s.clients[0].kvkk_text_version = " ".into(),
                "kvkk_text_version",
            ),
            (|s| s.default_province_code = 99, "default_province_code"),
            (|s| s.list_limit = 0, "list_limit"),
        ];
        for (change, key) in cases {
            let mut s = settings();
            change(&mut s);
            let e = check(&s).unwrap_err();
            assert!(e.contains(key), "{key} in {e}");
        }
        // Off, nothing is checked.
        let mut s = settings();
        s.enabled = false;
        s.list_limit = 0;
        assert_eq!(check(&s), Ok(()));
    }
}
