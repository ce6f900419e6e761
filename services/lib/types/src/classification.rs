//! What kind of application a case is and where it came from: the two keys
//! (with the category) that choose a case's deadline policy and that the
//! reports count by. Codes are the wire and storage form; the labels live
//! with each user interface's texts.

use std::fmt;

/// The kind of application, as the citizen, routing or an agent classified it.
/// A 4982 information request (Bilgi Edinme Kanunu) is [`Self::BilgiEdinme`],
/// whatever its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplicationType {
    /// A request for a service (talep).
    Talep,
    /// A complaint (şikâyet).
    Sikayet,
    /// A suggestion (öneri).
    Oneri,
    /// A report of wrongdoing or danger (ihbar).
    Ihbar,
    /// An information request under Law 4982 (bilgi edinme).
    BilgiEdinme,
    /// Thanks (teşekkür).
    Tesekkur,
}

impl ApplicationType {
    /// Every type, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Talep,
        Self::Sikayet,
        Self::Oneri,
        Self::Ihbar,
        Self::BilgiEdinme,
        Self::Tesekkur,
    ];

    /// The code (`talep`, `sikayet`, `oneri`, `ihbar`, `bilgi_edinme`, `tesekkur`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Talep => "talep",
            Self::Sikayet => "sikayet",
            Self::Oneri => "oneri",
            Self::Ihbar => "ihbar",
            Self::BilgiEdinme => "bilgi_edinme",
            Self::Tesekkur => "tesekkur",
        }
    }

    /// The type of `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl fmt::Display for ApplicationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Which road an application took to the institution: straight from the
/// citizen, or handed over by a body whose own rules set its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplicationSource {
    /// The citizen applied to the institution itself (any channel).
    Direct,
    /// CİMER, the Presidency's communication centre (30 days).
    Cimer,
    /// Açık Kapı, the governorships' citizen desks.
    AcikKapi,
    /// Another public body passed it on.
    OtherBody,
}

impl ApplicationSource {
    /// Every source.
    pub const ALL: [Self; 4] = [Self::Direct, Self::Cimer, Self::AcikKapi, Self::OtherBody];

    /// The code (`dogrudan`, `cimer`, `acik_kapi`, `diger_kurum`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Direct => "dogrudan",
            Self::Cimer => "cimer",
            Self::AcikKapi => "acik_kapi",
            Self::OtherBody => "diger_kurum",
        }
    }

    /// The source of `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl fmt::Display for ApplicationSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for t in ApplicationType::ALL {
            assert_eq!(ApplicationType::from_code(t.code()), Some(t));
        }
        for s in ApplicationSource::ALL {
            assert_eq!(ApplicationSource::from_code(s.code()), Some(s));
        }
        assert_eq!(ApplicationType::from_code("Talep"), None);
        assert_eq!(ApplicationType::from_code("bilgi edinme"), None);
        assert_eq!(ApplicationSource::from_code(""), None);
    }
}
