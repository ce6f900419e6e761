//! People's names of the codes in a report, in Turkish and English:
//! channels, types and sources from `tekmerkez_types::names`, categories
//! and partners from the settings (intake's catalogue and partners, given
//! by the binary), provinces from `tekmerkez_geo`, pools, units and
//! directorates from the directory, closure reasons from the case
//! service's classification. An empty code is "Yok" / "None"; a code
//! nobody names any more (a category retired since) shows as it is.

use std::collections::{BTreeSet, HashMap};

use tekmerkez_proto::reports_v1 as rpb;
use tekmerkez_types::{catalogue::Category, names};

use crate::{config::ReportsSettings, directory::PoolMap, query::Dim};

/// The names the settings give.
#[derive(Debug, Clone, Default)]
pub struct Catalogues {
    /// The category catalogue.
    pub categories: Vec<Category>,
    /// Partner id → name.
    pub partners: HashMap<String, String>,
}

impl Catalogues {
    /// The catalogues of `settings`.
    pub fn from_settings(settings: &ReportsSettings) -> Self {
        Self {
            categories: settings.categories.clone(),
            partners: settings
                .partners
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
        }
    }
}

/// Everything needed to name a code.
#[derive(Debug, Clone, Copy)]
pub struct Namer<'a> {
    /// Categories and partners.
    pub catalogues: &'a Catalogues,
    /// Pools, units, directorates (absent when the directory was not read).
    pub map: Option<&'a PoolMap>,
    /// Closure reasons.
    pub reasons: &'a crate::directory::ReasonNames,
}

impl Namer<'_> {
    /// The (Turkish, English) names of `code` of `dim`.
    pub fn name(&self, dim: Dim, code: &str) -> (String, String) {
        if code.is_empty() {
            return (names::none(false).to_owned(), names::none(true).to_owned());
        }
        let both = |tr: Option<&str>, en: Option<&str>| {
            (
                tr.unwrap_or(code).to_owned(),
                en.or(tr).unwrap_or(code).to_owned(),
            )
        };
        let same = |n: Option<&String>| both(n.map(String::as_str), None);
        match dim {
            Dim::Channel => both(names::channel(code, false), names::channel(code, true)),
            Dim::Type => both(
                names::application_type(code, false),
                names::application_type(code, true),
            ),
            Dim::Source => both(names::source(code, false), names::source(code, true)),
            Dim::Category => {
                let cats = &self.catalogues.categories;
                both(
                    Some(tekmerkez_types::catalogue::name_of(cats, code, false)),
                    Some(tekmerkez_types::catalogue::name_of(cats, code, true)),
                )
            }
            Dim::Partner => same(self.catalogues.partners.get(code)),
            Dim::Province => both(
                code.parse::<u8>()
                    .ok()
                    .and_then(tekmerkez_geo::province_by_code)
                    .map(|p| p.name()),
                None,
            ),
            Dim::Pool => same(self.map.and_then(|m| m.pool_names.get(code))),
            Dim::Unit => same(self.map.and_then(|m| m.unit_names.get(code))),
            Dim::Directorate => same(self.map.and_then(|m| m.directorate_names.get(code))),
            Dim::ClosureReason => match self.reasons.get(code) {
                Some((tr, en)) => both(
                    Some(tr.as_str()),
                    Some(en.as_str()).filter(|e| !e.is_empty()),
                ),
                None => both(None, None),
            },
        }
    }

    /// The labels of every (dimension, code) in `codes`, in that order.
    pub fn labels(&self, codes: &BTreeSet<(Dim, String)>) -> Vec<rpb::Label> {
        codes
            .iter()
            .map(|(dim, code)| {
                let (name_tr, name_en) = self.name(*dim, code);
                rpb::Label {
                    dimension: dim_to_proto(*dim) as i32,
                    code: code.clone(),
                    name_tr,
                    name_en,
                }
            })
            .collect()
    }
}

/// The wire dimension of `d`.
pub fn dim_to_proto(d: Dim) -> rpb::Dimension {
    use rpb::Dimension as D;
    match d {
        Dim::Channel => D::Channel,
        Dim::Type => D::Type,
        Dim::Category => D::Category,
        Dim::Unit => D::Unit,
        Dim::Pool => D::Pool,
        Dim::Province => D::Province,
        Dim::Partner => D::Partner,
        Dim::ClosureReason => D::ClosureReason,
        Dim::Source => D::Source,
        Dim::Directorate => D::Directorate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dimension_is_named_in_turkish_and_english() {
        let catalogues = Catalogues {
            categories: vec![Category {
                code: "su_arizasi".into(),
                name_tr: "Su arızası".into(),
                name_en: "Water fault".into(),
            }],
            partners: [("cimer".to_owned(), "CİMER".to_owned())].into(),
        };
        let mut map = PoolMap::default();
        map.pool_names.insert("p1".into(), "Çankaya havuzu".into());
        map.unit_names.insert("u1".into(), "Su İşleri".into());
        map.directorate_names
            .insert("d1".into(), "Altyapı Müdürlüğü".into());
        let reasons: crate::directory::ReasonNames = [(
            "cozuldu".to_owned(),
            ("Çözüldü".to_owned(), "Resolved".to_owned()),
        )]
        .into();
        let n = Namer {
            catalogues: &catalogues,
            map: Some(&map),
            reasons: &reasons,
        };
        let name = |d, c: &str| n.name(d, c);
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            name(Dim::Channel, "mobile_app"),
            pair("Mobil uygulama", "Mobile app")
        );
        assert_eq!(name(Dim::Type, "sikayet"), pair("Şikâyet", "Complaint"));
        assert_eq!(
            name(Dim::Source, "other_body"),
            pair("Başka kurum", "Another body")
        );
        assert_eq!(
            name(Dim::Category, "su_arizasi"),
            pair("Su arızası", "Water fault")
        );
        assert_eq!(name(Dim::Partner, "cimer"), pair("CİMER", "CİMER"));
        assert_eq!(name(Dim::Province, "34"), pair("İstanbul", "İstanbul"));
        assert_eq!(name(Dim::Province, "06"), pair("Ankara", "Ankara"));
        assert_eq!(
            name(Dim::Pool, "p1"),
            pair("Çankaya havuzu", "Çankaya havuzu")
        );
        assert_eq!(name(Dim::Unit, "u1"), pair("Su İşleri", "Su İşleri"));
        assert_eq!(
            name(Dim::Directorate, "d1"),
            pair("Altyapı Müdürlüğü", "Altyapı Müdürlüğü")
        );
        assert_eq!(
            name(Dim::ClosureReason, "cozuldu"),
            pair("Çözüldü", "Resolved")
        );
        // Empty is "none"; an unknown code shows as it is.
        assert_eq!(name(Dim::Partner, ""), pair("Yok", "None"));
        assert_eq!(name(Dim::Category, "eski"), pair("eski", "eski"));
        let labels = n.labels(&[(Dim::Channel, "phone".to_owned())].into());
        assert_eq!(labels[0].dimension, rpb::Dimension::Channel as i32);
        assert_eq!(labels[0].name_tr, "Telefon");
    }
}
