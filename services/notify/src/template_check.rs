//! The check a template or a rule gets when an admin saves it: every
//! variable a template uses must be one that the event of each rule using
//! it provides, and a variable that an event may leave without a value
//! needs a fallback (`{{official_answer | …}}`). So an edit that makes a
//! message depend on a value that is sometimes missing is refused when it
//! is saved, not discovered when a citizen's answer fails to go out.

use crate::{
    catalogue::{Rule, Snapshot, Template, Trigger},
    template::{self, TemplateError},
};

/// Whether an event gives a variable a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Every message of the event has it.
    Always,
    /// Some messages lack it: a template needs a fallback.
    Sometimes,
    /// The event never has it.
    Never,
}

/// Whether `trigger`'s messages have `variable`.
pub fn availability(variable: &str, trigger: Trigger) -> Availability {
    match (variable, trigger) {
        // The handler fills these for every message; a missing name reads
        // "Başvuru Sahibi" (`template::nameless_applicant`).
        (
            "tracking_number" | "tracking_url" | "institution" | "date" | "applicant_name"
            | "status_url" | "outage_notice",
            _,
        ) => Availability::Always,
        // Only the survey's own messages carry its link and opt-out word.
        ("survey_url" | "opt_out_keyword", Trigger::SurveyDue) => Availability::Always,
        // Closing needs the answer; a resolution by a callback or an
        // information-only opening may come without one.
        ("official_answer", Trigger::CaseClosedByExpert) => Availability::Always,
        ("official_answer", Trigger::CaseOpened | Trigger::CaseResolved) => Availability::Sometimes,
        // The new due date of an extension (dd.mm.yyyy, Istanbul).
        ("legal_due_date", Trigger::LegalDeadlineExtended) => Availability::Always,
        _ => Availability::Never,
    }
}

/// Why a template cannot serve a rule, for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `template.body`, `template.subject`, `template.html` or `rule.template`.
    pub field: &'static str,
    /// What is wrong, naming the variable and the rule.
    pub message: String,
    /// For a client to say it in its own words: `TEMPLATE_NEEDS_FALLBACK`,
    /// `TEMPLATE_VARIABLE_UNAVAILABLE`, or `TEMPLATE_UNPARSABLE`.
    pub reason: &'static str,
    /// The variable concerned (empty when the text does not parse).
    pub variable: String,
    /// The rule concerned.
    pub rule: String,
}

/// Checks `template` against the events of `rules` (the ones naming it).
///
/// # Errors
/// The first variable an event lacks or may lack without a fallback.
pub fn check_template(template: &Template, rules: &[&Rule]) -> Result<(), Refusal> {
    for (field, text) in [
        ("template.body", &template.body),
        ("template.subject", &template.subject),
        ("template.html", &template.html),
    ] {
        let placeholders = template::placeholders(text).map_err(|e| Refusal {
            field,
            message: match e {
                TemplateError::Unclosed => "has a placeholder that is not closed".into(),
                other => other.to_string(),
            },
            reason: "TEMPLATE_UNPARSABLE",
            variable: String::new(),
            rule: String::new(),
        })?;
        for rule in rules {
            for p in &placeholders {
                let trigger = rule.trigger.as_str();
                match availability(&p.name, rule.trigger) {
                    Availability::Always => {}
                    Availability::Sometimes if p.has_fallback => {}
                    Availability::Sometimes => {
                        return Err(Refusal {
                            field,
                            message: format!(
                                "{name} may have no value for {trigger} (rule {rule}): give it a fallback text, {{{{{name} | …}}}}",
                                name = p.name,
                                rule = rule.key
                            ),
                            reason: "TEMPLATE_NEEDS_FALLBACK",
                            variable: p.name.clone(),
                            rule: rule.key.clone(),
                        });
                    }
                    Availability::Never => {
                        return Err(Refusal {
                            field,
                            message: format!(
                                "{name} has no value for {trigger} (rule {rule})",
                                name = p.name,
                                rule = rule.key
                            ),
                            reason: "TEMPLATE_VARIABLE_UNAVAILABLE",
                            variable: p.name.clone(),
                            rule: rule.key.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

impl Refusal {
    /// The gRPC status: INVALID_ARGUMENT with the field, and an `ErrorInfo`
    /// (domain `notify.tekmerkez`) carrying the reason, variable and rule.
    pub fn into_status(self) -> tonic::Status {
        use tonic_types::{ErrorDetails, StatusExt as _};
        let mut d = ErrorDetails::new();
        d.add_bad_request_violation(self.field, self.message.clone());
        d.set_error_info(
            self.reason,
            "notify.tekmerkez",
            [
                ("variable".to_owned(), self.variable),
                ("rule".to_owned(), self.rule),
            ]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>(),
        );
        tonic::Status::with_error_details(
            tonic::Code::InvalidArgument,
            format!("invalid request: {}: {}", self.field, self.message),
            d,
        )
    }
}

/// Checks a template being saved against the rules in force that name it.
///
/// # Errors
/// As [`check_template`].
pub fn check_template_save(template: &Template, snap: &Snapshot) -> Result<(), Refusal> {
    let rules: Vec<&Rule> = snap
        .rules
        .iter()
        .filter(|r| r.template == template.key)
        .collect();
    check_template(template, &rules)
}

/// Checks a rule being saved against the templates in force it names (every
/// language).
///
/// # Errors
/// As [`check_template`], reported on `rule.template`.
pub fn check_rule_save(rule: &Rule, snap: &Snapshot) -> Result<(), Refusal> {
    for t in snap.templates.iter().filter(|t| t.key == rule.template) {
        check_template(t, &[rule]).map_err(|r| Refusal {
            field: "rule.template",
            message: format!("template {} ({}): {}", t.key, t.locale, r.message),
            ..r
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{default_rules, default_templates};

    fn defaults() -> Snapshot {
        Snapshot {
            rules: default_rules(),
            templates: default_templates(),
        }
    }

    fn template(key: &str) -> Template {
        default_templates()
            .into_iter()
            .find(|t| t.key == key && t.locale == "tr")
            .unwrap()
    }

    #[test]
    fn every_default_template_passes_the_check_of_its_rules() {
        let snap = defaults();
        for t in &snap.templates {
            check_template_save(t, &snap).unwrap();
        }
        for r in &snap.rules {
            check_rule_save(r, &snap).unwrap();
        }
    }

    #[test]
    fn a_value_an_event_may_lack_needs_a_fallback() {
        let snap = defaults();
        // The SMS answer goes on resolution, which a callback may reach without an answer.
        let mut t = template("yanit_sms");
        assert!(t.body.contains("{{official_answer |"), "{}", t.body);
        t.body = "Yanıtımız: {{official_answer}}".into();
        let r = check_template_save(&t, &snap).unwrap_err();
        assert_eq!(r.field, "template.body");
        assert!(
            r.message.contains("official_answer")
                && r.message.contains("yanit_sms")
                && r.message.contains("fallback"),
            "{}",
            r.message
        );
        assert_eq!(
            (r.reason, r.variable.as_str(), r.rule.as_str()),
            ("TEMPLATE_NEEDS_FALLBACK", "official_answer", "yanit_sms")
        );
        t.body = "Yanıtımız: {{official_answer | ayrıntılar takip sayfasında}}".into();
        check_template_save(&t, &snap).unwrap();
    }

    #[test]
    fn a_value_the_event_has_for_sure_needs_no_fallback_and_one_it_never_has_is_refused() {
        let snap = defaults();
        // The e-mail answer goes when the expert closes: the answer is there.
        let t = template("yanit_eposta");
        assert!(t.body.contains("{{official_answer}}"));
        check_template_save(&t, &snap).unwrap();
        // Pointing a rule of another event at it is checked too.
        let mut rule = snap
            .rules
            .iter()
            .find(|r| r.key == "yanit_eposta")
            .unwrap()
            .clone();
        rule.trigger = Trigger::CaseResolved;
        let r = check_rule_save(&rule, &snap).unwrap_err();
        assert_eq!(r.field, "rule.template");
        assert!(r.message.contains("official_answer"), "{}", r.message);
        assert_eq!(
            availability("official_answer", Trigger::CaseOpened),
            Availability::Sometimes
        );
        assert_eq!(
            availability("no_such", Trigger::CaseOpened),
            Availability::Never
        );
    }
}
