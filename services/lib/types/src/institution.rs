//! The institution of a deployment (one per deployment): the name citizens
//! and staff read on every page, receipt, SMS and e-mail, its short form for
//! titles, and its logo. The binary reads it once (`institution:`) and gives
//! it to every service that names it, so that no two places disagree.

/// The institution's name, short name and logo.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionSettings {
    /// The full name, as citizens read it.
    pub name: String,
    /// A short name (the page titles); empty: the full name.
    #[serde(default)]
    pub short_name: String,
    /// A PNG, JPEG or SVG file shown beside the name in the page header and
    /// on the receipt; empty: none.
    #[serde(default)]
    pub logo_path: String,
}

impl InstitutionSettings {
    /// The short name, or the full one when none is set.
    pub fn short(&self) -> &str {
        if self.short_name.trim().is_empty() {
            self.name.trim()
        } else {
            self.short_name.trim()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_name_falls_back_to_the_full_one() {
        let mut i = InstitutionSettings {
            name: " Kocaeli İSU Genel Müdürlüğü ".into(),
            short_name: "  ".into(),
            logo_path: String::new(),
        };
        assert_eq!(i.short(), "Kocaeli İSU Genel Müdürlüğü");
        "Alo 185".clone_into(&mut i.short_name);
        assert_eq!(i.short(), "Alo 185");
    }
}
