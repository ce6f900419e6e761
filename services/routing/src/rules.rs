//! Routing rules and how an application is matched against them. Pure:
//! no I/O, so every rule is unit-tested.

use uuid::Uuid;

/// One rule; `None` or empty conditions match everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: Uuid,
    /// Evaluation order, lowest first.
    pub priority: i32,
    /// Category code.
    pub category: Option<String>,
    /// Keywords, stored Turkish-folded.
    pub keywords: Vec<String>,
    /// Channels (protobuf numbers).
    pub channels: Vec<i32>,
    /// Province plate code.
    pub province_code: Option<u8>,
    /// Canonical district name.
    pub district: Option<String>,
    /// The unit whose pool gets the application.
    pub target_unit_id: Uuid,
    /// Urgency to give (protobuf number), if any.
    pub urgency: Option<i32>,
    /// The category code given to an application that came without a
    /// chosen one (e-mail, social media), if any.
    pub assigned_category: Option<String>,
    /// The application type to give (protobuf number), over the channel's.
    pub application_type: Option<i32>,
    /// For admins.
    pub description: String,
}

/// What matching looks at.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Category code.
    pub category: &'a str,
    /// The text, Turkish-folded.
    pub folded_text: &'a str,
    /// Channel (protobuf number).
    pub channel: i32,
    /// Province plate code.
    pub province_code: u8,
    /// Canonical district.
    pub district: &'a str,
}

impl Rule {
    /// Whether every condition holds for `f`.
    pub fn matches(&self, f: &Facts<'_>) -> bool {
        self.category.as_deref().is_none_or(|c| c == f.category)
            && (self.channels.is_empty() || self.channels.contains(&f.channel))
            && self.province_code.is_none_or(|p| p == f.province_code)
            && self.district.as_deref().is_none_or(|d| d == f.district)
            && (self.keywords.is_empty()
                || self
                    .keywords
                    .iter()
                    .any(|k| f.folded_text.contains(k.as_str())))
    }
}

/// The first matching rule in evaluation order (`rules` sorted by priority, then id).
pub fn first_match<'r>(rules: &'r [Rule], f: &Facts<'_>) -> Option<&'r Rule> {
    rules.iter().find(|r| r.matches(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(priority: i32) -> Rule {
        Rule {
            id: Uuid::new_v4(),
            priority,
            category: None,
            keywords: vec![],
            channels: vec![],
            province_code: None,
            district: None,
            target_unit_id: Uuid::new_v4(),
            urgency: None,
            assigned_category: None,
            application_type: None,
            description: String::new(),
        }
    }

    fn facts(text: &str) -> (String, u8) {
        (tekmerkez_turkish::fold(text), 6)
    }

    #[test]
    fn the_first_rule_by_priority_that_matches_wins() {
        let mut a = rule(1);
        a.category = Some("fatura".into());
        let mut b = rule(2);
        b.category = Some("su_arizasi".into());
        let c = rule(3);
        let rules = vec![a, b.clone(), c.clone()];
        let (t, p) = facts("boru patladı");
        let f = Facts {
            category: "su_arizasi",
            folded_text: &t,
            channel: 1,
            province_code: p,
            district: "Çankaya",
        };
        assert_eq!(first_match(&rules, &f).unwrap().id, b.id);
        let f = Facts {
            category: "gurultu",
            ..f
        };
        assert_eq!(
            first_match(&rules, &f).unwrap().id,
            c.id,
            "an empty rule catches the rest"
        );
    }

    #[test]
    fn keywords_match_turkish_case_insensitively() {
        let mut r = rule(1);
        r.keywords = vec![tekmerkez_turkish::fold("KAÇAK")];
        let (t, p) = facts("Sayaçta kaçak var");
        assert!(r.matches(&Facts {
            category: "x",
            folded_text: &t,
            channel: 1,
            province_code: p,
            district: ""
        }));
        let (t, p) = facts("Sayaç bozuk");
        assert!(!r.matches(&Facts {
            category: "x",
            folded_text: &t,
            channel: 1,
            province_code: p,
            district: ""
        }));
    }

    #[test]
    fn channel_province_and_district_conditions_must_all_hold() {
        let mut r = rule(1);
        r.channels = vec![2];
        r.province_code = Some(35);
        r.district = Some("Karşıyaka".into());
        let t = String::new();
        let ok = Facts {
            category: "x",
            folded_text: &t,
            channel: 2,
            province_code: 35,
            district: "Karşıyaka",
        };
        assert!(r.matches(&ok));
        assert!(!r.matches(&Facts { channel: 1, ..ok }));
        assert!(!r.matches(&Facts {
            province_code: 6,
            ..ok
        }));
        assert!(!r.matches(&Facts {
            district: "Bornova",
            ..ok
        }));
    }
}
