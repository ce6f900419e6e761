//! The person index's keys: how one citizen's applications find each other
//! whatever channel they came by. A key is a kind and a canonical value in
//! one string (`phone:+905321234567`), so that "0532 123 45 67" typed at the
//! counter and "+90 532 123 4567" from the app meet: phone numbers are
//! stored normalised already ([`PhoneNumber::parse`]); an e-mail address is
//! compared without regard to ASCII case (mail providers treat `Ayse@` and
//! `ayse@` as one mailbox, and the domain is lower-cased on input), while
//! any other letter is kept as typed, so no Turkish İ/ı folding guesses at
//! an address. The T.C. kimlik number joins the kinds with the KVKK issue.
//!
//! A key is personal data: its `Debug` names only the kind.

use std::fmt;

use tekmerkez_types::contact::{Contact, EmailAddress, PhoneNumber};

/// What two applications share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// The same phone number.
    Phone,
    /// The same e-mail address.
    Email,
}

impl KeyKind {
    const ALL: [Self; 2] = [Self::Phone, Self::Email];

    /// The stored key's prefix.
    const fn prefix(self) -> &'static str {
        match self {
            Self::Phone => "phone:",
            Self::Email => "email:",
        }
    }
}

/// One key of the person index, in its stored form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonKey(String);

impl PersonKey {
    /// The key of a (normalised) phone number.
    pub fn phone(p: &PhoneNumber) -> Self {
        Self(format!("{}{}", KeyKind::Phone.prefix(), p.expose()))
    }

    /// The key of an e-mail address: ASCII letters folded to lower case.
    pub fn email(e: &EmailAddress) -> Self {
        Self(format!(
            "{}{}",
            KeyKind::Email.prefix(),
            e.expose().to_ascii_lowercase()
        ))
    }

    /// Every key of a contact, phone first.
    pub fn of(contact: &Contact) -> Vec<Self> {
        contact
            .phone
            .iter()
            .map(Self::phone)
            .chain(contact.email.iter().map(Self::email))
            .collect()
    }

    /// A key read back from the index.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// The stored form.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// Its kind; `None` for a kind this version does not know.
    pub fn kind(&self) -> Option<KeyKind> {
        KeyKind::ALL
            .into_iter()
            .find(|k| self.0.starts_with(k.prefix()))
    }
}

impl fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            Some(k) => write!(f, "PersonKey({k:?})"),
            None => f.write_str("PersonKey(?)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(phone: &str, email: &str) -> Contact {
        Contact {
            phone: (!phone.is_empty()).then(|| PhoneNumber::parse(phone).unwrap()),
            email: (!email.is_empty()).then(|| EmailAddress::parse(email).unwrap()),
            ..Contact::default()
        }
    }

    #[test]
    fn the_ways_a_turkish_number_is_written_make_one_key() {
        let keys: Vec<PersonKey> = ["0532 123 45 67", "+90 (532) 123-4567", "5321234567"]
            .into_iter()
            .map(|p| PersonKey::phone(&PhoneNumber::parse(p).unwrap()))
            .collect();
        assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
        assert_eq!(keys[0].as_stored(), "phone:+905321234567");
        assert_eq!(keys[0].kind(), Some(KeyKind::Phone));
    }

    #[test]
    fn an_address_matches_whatever_the_ascii_case_but_turkish_letters_stay() {
        let a = PersonKey::email(&EmailAddress::parse("Ayse.Yilmaz@Ornek.COM.tr").unwrap());
        let b = PersonKey::email(&EmailAddress::parse("ayse.yilmaz@ornek.com.tr").unwrap());
        assert_eq!(a, b);
        assert_eq!(a.as_stored(), "email:ayse.yilmaz@ornek.com.tr");
        // Rust's to_lowercase would make "İ" into "i̇" and meet an address
        // nobody typed; the key keeps non-ASCII letters as they are.
        let dotted = PersonKey::email(&EmailAddress::parse("İlknur@ornek.com").unwrap());
        assert_eq!(dotted.as_stored(), "email:İlknur@ornek.com");
    }

    #[test]
    fn a_contact_gives_a_key_per_detail_and_none_for_a_name_or_address() {
        assert_eq!(PersonKey::of(&contact("", "")), Vec::<PersonKey>::new());
        let both = PersonKey::of(&contact("05321234567", "a@b.com"));
        let kinds: Vec<_> = both.iter().map(PersonKey::kind).collect();
        assert_eq!(kinds, [Some(KeyKind::Phone), Some(KeyKind::Email)]);
        let only_name = Contact {
            name: Some(tekmerkez_types::contact::PersonName::parse("Ayşe Yılmaz").unwrap()),
            ..Contact::default()
        };
        assert!(PersonKey::of(&only_name).is_empty());
    }

    #[test]
    fn debug_names_the_kind_and_never_the_value() {
        let k = PersonKey::phone(&PhoneNumber::parse("05321234567").unwrap());
        let shown = format!("{k:?}");
        assert_eq!(shown, "PersonKey(Phone)");
        assert_eq!(
            format!("{:?}", PersonKey::from_stored("tc:12345678901".into())),
            "PersonKey(?)"
        );
    }
}
