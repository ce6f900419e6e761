//! Message templates: text with `{{name}}` placeholders filled from a fixed
//! set of variables, and `{{name | fallback text}}` for a value that may be
//! missing. Rendering never guesses: a placeholder with no value and no
//! fallback is an error naming the variable (never its value), so a broken
//! template marks its deliveries failed with a reason instead of sending a
//! hole; the admin API refuses a template that names a variable it does not
//! know, or one that may be missing without a fallback
//! ([`crate::template_check`]).

use std::collections::BTreeMap;

/// Every variable a template may use, and what it holds.
pub const VARIABLES: &[(&str, &str)] = &[
    ("tracking_number", "the case's tracking number, XXXXX-XXXXX"),
    ("tracking_url", "where the citizen can follow the case"),
    ("applicant_name", "the applicant's name (personal data)"),
    ("official_answer", "the official answer, once closed"),
    ("institution", "the institution's name"),
    (
        "outage_notice",
        "an acknowledgement's sentence on the outage in the citizen's area the report joined, with a space after it (\"Bölgenizde 16:00'ya kadar planlı çalışma var. \"); empty otherwise",
    ),
    ("date", "the day of the event, Europe/Istanbul, DD.MM.YYYY"),
    (
        "legal_due_date",
        "the new legal due date of an extended 4982 request, DD.MM.YYYY (extension messages only)",
    ),
    (
        "status_url",
        "the signed link to the case's status and official answer (the tracking page without signed links)",
    ),
    (
        "survey_url",
        "the signed satisfaction survey link (survey messages only)",
    ),
    (
        "opt_out_keyword",
        "the word a citizen texts back to get no more surveys",
    ),
];

/// How a message addresses an applicant who gave no name (an e-mail from a
/// bare address, a call with none recorded), in the template's language:
/// "Sayın Başvuru Sahibi", "Dear Applicant".
pub fn nameless_applicant(locale: &str) -> &'static str {
    if locale.starts_with("en") {
        "Applicant"
    } else {
        "Başvuru Sahibi"
    }
}

/// Why a template cannot be rendered or stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{{` without a closing `}}`.
    #[error("a placeholder is not closed")]
    Unclosed,
    /// A placeholder names a variable that does not exist.
    #[error("unknown variable {0}")]
    UnknownVariable(String),
    /// A variable the template uses has no value for this message.
    #[error("variable {0} has no value")]
    MissingVariable(String),
}

impl TemplateError {
    /// A short code for the delivery log and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unclosed => "template_unclosed",
            Self::UnknownVariable(_) => "template_unknown_variable",
            Self::MissingVariable(_) => "template_missing_variable",
        }
    }
}

enum Piece<'a> {
    Text(&'a str),
    /// A variable, with the text used when it has no value.
    Var(&'a str, Option<&'a str>),
}

fn pieces(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        let inner = &after[..end];
        out.push(match inner.split_once('|') {
            Some((name, fallback)) => Piece::Var(name.trim(), Some(fallback.trim())),
            None => Piece::Var(inner.trim(), None),
        });
        rest = &after[end + 2..];
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// One placeholder as written: the variable and whether it has a fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The variable's name.
    pub name: String,
    /// Whether `{{name | …}}` gives a text for a missing value.
    pub has_fallback: bool,
}

/// The placeholders of a template, in order.
///
/// # Errors
/// When it does not parse.
pub fn placeholders(template: &str) -> Result<Vec<Placeholder>, TemplateError> {
    Ok(pieces(template)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(name, fallback) => Some(Placeholder {
                name: name.to_owned(),
                has_fallback: fallback.is_some_and(|f| !f.is_empty()),
            }),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Checks that `template` parses and names only known variables.
///
/// # Errors
/// The first problem found.
pub fn validate(template: &str) -> Result<(), TemplateError> {
    for p in pieces(template)? {
        if let Piece::Var(name, _) = p
            && !VARIABLES.iter().any(|(v, _)| *v == name)
        {
            return Err(TemplateError::UnknownVariable(name.to_owned()));
        }
    }
    Ok(())
}

/// The variables a template uses.
///
/// # Errors
/// When it does not parse.
pub fn used_variables(template: &str) -> Result<Vec<String>, TemplateError> {
    Ok(placeholders(template)?
        .into_iter()
        .map(|p| p.name)
        .collect())
}

/// Values for one message. Empty values count as missing: a blank official
/// answer must not go out as an empty e-mail.
#[derive(Default, Clone)]
pub struct Variables(BTreeMap<&'static str, String>);

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values are personal data: only the names show.
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Variables {
    /// Sets `name` (one of [`VARIABLES`]).
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) -> &mut Self {
        self.0.insert(name, value.into());
        self
    }
}

/// How values are written into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As they are (SMS, plain-text e-mail, subjects).
    None,
    /// HTML-escaped (the HTML part of an e-mail).
    Html,
}

/// Escapes `s` for HTML text and attribute values.
pub use tekmerkez_types::text::escape_html as html_escape;

/// Variables that are a whole sentence said only when it applies: empty,
/// they render as nothing rather than missing.
const MAY_BE_EMPTY: &[&str] = &["outage_notice"];

/// Fills `template` from `vars`.
///
/// # Errors
/// [`TemplateError`] when it does not parse, names an unknown variable or
/// uses one that has no value.
pub fn render(template: &str, vars: &Variables, escape: Escape) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 64);
    for p in pieces(template)? {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name, fallback) => {
                if !VARIABLES.iter().any(|(v, _)| *v == name) {
                    return Err(TemplateError::UnknownVariable(name.to_owned()));
                }
                let given = vars.0.get(name).map(String::as_str);
                let value = given
                    .filter(|v| !v.trim().is_empty())
                    .or(fallback.filter(|f| !f.is_empty()))
                    .or(given.filter(|_| MAY_BE_EMPTY.contains(&name)))
                    .ok_or_else(|| TemplateError::MissingVariable(name.to_owned()))?;
                match escape {
                    Escape::None => out.push_str(value),
                    Escape::Html => out.push_str(&html_escape(value).replace('\n', "<br>\n")),
                }
            }
        }
    }
    Ok(out)
}

/// Fills `template` from `values`, for texts whose placeholders are not
/// the messages' [`VARIABLES`] (the ready answers', [`crate::ready_answer`]).
/// A placeholder without a value gets its fallback, or stays as written so
/// that the person editing the text sees what is left to fill.
///
/// # Errors
/// When it does not parse.
pub fn fill(template: &str, values: &[(&str, String)]) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 64);
    for p in pieces(template)? {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name, fallback) => {
                let given = values
                    .iter()
                    .find(|(n, v)| *n == name && !v.trim().is_empty())
                    .map(|(_, v)| v.as_str());
                match (given, fallback.filter(|f| !f.is_empty())) {
                    (Some(v), _) | (None, Some(v)) => out.push_str(v),
                    (None, None) => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_notice_is_said_only_when_there_is_one() {
        let t = "Alındı. {{outage_notice}}İzleyin.";
        let mut v = Variables::default();
        v.set("outage_notice", String::new());
        assert_eq!(render(t, &v, Escape::None).unwrap(), "Alındı. İzleyin.");
        v.set(
            "outage_notice",
            "Bölgenizde 16:00'ya kadar planlı çalışma var. ".to_owned(),
        );
        assert_eq!(
            render(t, &v, Escape::None).unwrap(),
            "Alındı. Bölgenizde 16:00'ya kadar planlı çalışma var. İzleyin."
        );
        let unset = Variables::default();
        assert!(
            render(t, &unset, Escape::None).is_err(),
            "never set is still missing"
        );
    }

    fn vars() -> Variables {
        let mut v = Variables::default();
        v.set("tracking_number", "ABCDE-FGHJK")
            .set("applicant_name", "Ayşe <b>");
        v
    }

    #[test]
    fn placeholders_are_filled_and_text_is_kept() {
        let out = render(
            "Sayın {{ applicant_name }}, takip no: {{tracking_number}}.",
            &vars(),
            Escape::None,
        )
        .unwrap();
        assert_eq!(out, "Sayın Ayşe <b>, takip no: ABCDE-FGHJK.");
    }

    #[test]
    fn a_nameless_applicant_is_addressed_in_the_templates_language() {
        assert_eq!(nameless_applicant("tr"), "Başvuru Sahibi");
        assert_eq!(nameless_applicant("en"), "Applicant");
        assert_eq!(nameless_applicant("en-GB"), "Applicant");
    }

    #[test]
    fn html_rendering_escapes_values_but_not_the_template() {
        let out = render("<p>{{applicant_name}}</p>", &vars(), Escape::Html).unwrap();
        assert_eq!(out, "<p>Ayşe &lt;b&gt;</p>");
    }

    #[test]
    fn a_missing_or_blank_variable_is_an_error_naming_it_not_its_value() {
        let e = render("{{official_answer}}", &vars(), Escape::None).unwrap_err();
        assert_eq!(e, TemplateError::MissingVariable("official_answer".into()));
        let mut v = vars();
        v.set("official_answer", "  ");
        assert!(render("{{official_answer}}", &v, Escape::None).is_err());
        assert_eq!(e.kind(), "template_missing_variable");
    }

    #[test]
    fn a_fallback_stands_in_for_a_missing_value_only() {
        let t = "Sayın {{ applicant_name | Başvuru Sahibi }}, yanıt: {{official_answer|yok}}";
        let out = render(t, &Variables::default(), Escape::None).unwrap();
        assert_eq!(out, "Sayın Başvuru Sahibi, yanıt: yok");
        let out = render(t, &vars(), Escape::Html).unwrap();
        assert_eq!(out, "Sayın Ayşe &lt;b&gt;, yanıt: yok");
        assert_eq!(
            placeholders(t).unwrap(),
            vec![
                Placeholder {
                    name: "applicant_name".into(),
                    has_fallback: true
                },
                Placeholder {
                    name: "official_answer".into(),
                    has_fallback: true
                },
            ]
        );
        assert!(!placeholders("{{official_answer | }}").unwrap()[0].has_fallback);
        assert!(render("{{official_answer | }}", &vars(), Escape::None).is_err());
    }

    #[test]
    fn unknown_variables_and_unclosed_placeholders_are_refused() {
        assert_eq!(
            validate("{{telefon}}"),
            Err(TemplateError::UnknownVariable("telefon".into()))
        );
        assert_eq!(validate("{{tracking_number"), Err(TemplateError::Unclosed));
        assert!(validate("Takip: {{tracking_number}}").is_ok());
        assert_eq!(
            used_variables("{{a}} {{ b }}").unwrap(),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }

    #[test]
    fn debug_of_variables_shows_names_only() {
        let s = format!("{:?}", vars());
        assert!(s.contains("applicant_name"));
        assert!(!s.contains("Ayşe"));
    }
}
