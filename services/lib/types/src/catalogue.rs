//! The category catalogue: the codes channels accept and the names people
//! read, in Turkish and English.

/// One category of application.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code (`su_arizasi`).
    pub code: String,
    /// Turkish name.
    pub name_tr: String,
    /// English name.
    pub name_en: String,
}

/// The name of `code` in Turkish (or English when `english`), or the code
/// itself when the catalogue does not know it (a category retired since).
pub fn name_of<'a>(catalogue: &'a [Category], code: &'a str, english: bool) -> &'a str {
    catalogue
        .iter()
        .find(|c| c.code == code)
        .map_or(code, |c| if english { &c.name_en } else { &c.name_tr })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_code_has_its_name_and_an_unknown_one_shows_as_is() {
        let cats = [Category {
            code: "fatura".into(),
            name_tr: "Fatura ve abonelik".into(),
            name_en: "Bills".into(),
        }];
        assert_eq!(name_of(&cats, "fatura", false), "Fatura ve abonelik");
        assert_eq!(name_of(&cats, "fatura", true), "Bills");
        assert_eq!(name_of(&cats, "eski_kod", false), "eski_kod");
    }
}
