//! Where an application is about, as a request names it: a province by its
//! plate code, a district and a neighbourhood in any spelling, and an
//! optional point. Checked against the reference data (`tekmerkez_geo`)
//! the same way wherever a location comes in (the case service's
//! `CreateCase`, intake's partners), each fault a violation of its field.

use crate::fields::Violations;

/// A location as given on the wire.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawPlace<'a> {
    /// The province's plate code (1 to 81).
    pub province_code: u32,
    /// The district in any spelling; empty when not known.
    pub district: &'a str,
    /// The neighbourhood in any spelling; empty when not known.
    pub neighbourhood: &'a str,
    /// Latitude and longitude, when given.
    pub coordinates: Option<(f64, f64)>,
}

/// A location checked, its names spelt as the reference data spells them.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The province.
    pub province: &'static tekmerkez_geo::Province,
    /// The district's official name, when given and known.
    pub district: Option<String>,
    /// The neighbourhood as listed, when given and known.
    pub neighbourhood: Option<String>,
    /// Latitude and longitude (WGS 84), when given.
    pub coordinates: Option<(f64, f64)>,
}

/// Checks `raw`, adding a violation of `<prefix>.province_code`,
/// `.district`, `.neighbourhood` or `.coordinates` for each fault; the
/// place when its province is known (its other parts are then those that
/// passed).
pub fn check_place(v: &mut Violations, prefix: &str, raw: RawPlace<'_>) -> Option<Place> {
    let field = |name: &str| format!("{prefix}.{name}");
    let coordinates = raw.coordinates.filter(|(lat, lon)| {
        let ok = (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon);
        if !ok {
            v.add(
                field("coordinates"),
                "must be a valid latitude and longitude",
            );
        }
        ok
    });
    let Some(province) = u8::try_from(raw.province_code)
        .ok()
        .and_then(tekmerkez_geo::province_by_code)
    else {
        v.add(field("province_code"), "must be a plate code from 1 to 81");
        return None;
    };
    let (mut district, mut neighbourhood) = (None, None);
    if raw.district.trim().is_empty() {
        if !raw.neighbourhood.trim().is_empty() {
            v.add(field("neighbourhood"), "needs a district");
        }
    } else {
        match province.find_district(raw.district) {
            None => v.add(field("district"), "must be a district of the province"),
            Some(d) => {
                district = Some(d.to_owned());
                if !raw.neighbourhood.trim().is_empty() {
                    match province.find_neighbourhood(d, raw.neighbourhood) {
                        Some(n) => neighbourhood = Some(n.to_owned()),
                        None => v.add(
                            field("neighbourhood"),
                            "must be a neighbourhood of the district",
                        ),
                    }
                }
            }
        }
    }
    Some(Place {
        province,
        district,
        neighbourhood,
        coordinates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: &Violations) -> Vec<String> {
        v.iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn names_are_spelt_as_the_reference_data_spells_them() {
        let mut v = Violations::new();
        let p = check_place(
            &mut v,
            "location",
            RawPlace {
                province_code: 41,
                district: "IZMIT",
                neighbourhood: "fevzi cakmak",
                coordinates: Some((40.7654, 29.9408)),
            },
        )
        .unwrap();
        assert!(v.is_empty());
        assert_eq!(p.province.code(), 41);
        assert_eq!(p.district.as_deref(), Some("İzmit"));
        assert_eq!(p.neighbourhood.as_deref(), Some("Fevzi Çakmak Mah"));
        assert_eq!(p.coordinates, Some((40.7654, 29.9408)));
    }

    #[test]
    fn each_fault_is_named_by_its_field() {
        let mut v = Violations::new();
        let raw = RawPlace {
            province_code: 41,
            district: "İzmit",
            neighbourhood: "Narnia",
            coordinates: Some((91.0, 0.0)),
        };
        assert!(check_place(&mut v, "location", raw).is_some());
        assert_eq!(
            fields(&v),
            ["location.coordinates", "location.neighbourhood"]
        );
        let mut v = Violations::new();
        let raw = RawPlace {
            district: "",
            ..raw
        };
        check_place(
            &mut v,
            "location",
            RawPlace {
                coordinates: None,
                ..raw
            },
        );
        assert_eq!(fields(&v), ["location.neighbourhood"], "needs a district");
        let mut v = Violations::new();
        check_place(
            &mut v,
            "location",
            RawPlace {
                province_code: 82,
                ..RawPlace::default()
            },
        );
        assert_eq!(fields(&v), ["location.province_code"]);
        let mut v = Violations::new();
        check_place(
            &mut v,
            "location",
            RawPlace {
                province_code: 41,
                district: "Çankaya",
                ..RawPlace::default()
            },
        );
        assert_eq!(fields(&v), ["location.district"]);
    }
}
