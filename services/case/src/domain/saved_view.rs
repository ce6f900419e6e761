//! Saved list filters: a user's own named narrowing of one work list. The
//! name is checked and folded by Turkish rules (its key, unique per user);
//! the filter is the list page's query string, kept opaque here but held to
//! a URL query's characters and a size, since the gateway writes it back
//! into links.

use jiff::Timestamp;
use tekmerkez_types::fields::FieldError;
use uuid::Uuid;

/// The most views one user keeps.
pub const MAX_PER_USER: usize = 20;

/// The longest name, in characters.
pub const LONGEST_NAME: usize = 60;

/// The longest query string, in bytes (all ASCII).
pub const LONGEST_QUERY: usize = 1000;

/// The work lists a view may narrow (their `CaseView` numbers on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedList {
    Pool,
    Mine,
    CallbackPool,
    NotReached,
}

impl SavedList {
    /// The stored and wire number (`tekmerkez.case.v1.CaseView`).
    pub fn number(self) -> i32 {
        match self {
            Self::Pool => 1,
            Self::Mine => 2,
            Self::CallbackPool => 3,
            Self::NotReached => 5,
        }
    }

    /// The list of a stored or wire number.
    ///
    /// # Errors
    /// `field` when the number is no work list.
    pub fn parse(field: &str, n: i32) -> Result<Self, FieldError> {
        match n {
            1 => Ok(Self::Pool),
            2 => Ok(Self::Mine),
            3 => Ok(Self::CallbackPool),
            5 => Ok(Self::NotReached),
            _ => Err(FieldError::new(
                field,
                "must be POOL, MINE, CALLBACK_POOL or NOT_REACHED",
            )),
        }
    }
}

/// A view's name: trimmed, whitespace collapsed, NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewName(String);

impl ViewName {
    /// # Errors
    /// `name` when empty, longer than [`LONGEST_NAME`] or holding control
    /// characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        use unicode_normalization::UnicodeNormalization as _;
        let t: String = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .nfc()
            .collect();
        if t.is_empty() {
            return Err(FieldError::new("name", "must not be empty"));
        }
        if t.chars().count() > LONGEST_NAME {
            return Err(FieldError::new("name", "must be at most 60 characters"));
        }
        if t.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(Self(t))
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two names share when they differ only in case (Turkish rules).
    pub fn key(&self) -> String {
        tekmerkez_turkish::fold(&self.0)
    }
}

/// A list's query string, without `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewQuery(String);

impl ViewQuery {
    /// # Errors
    /// `query` when longer than [`LONGEST_QUERY`], holding a character a
    /// percent-encoded query does not, or a pair without a key.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let q = raw.trim().trim_start_matches('?');
        if q.len() > LONGEST_QUERY {
            return Err(FieldError::new("query", "must be at most 1000 characters"));
        }
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~%&=+".contains(&b);
        if !q.bytes().all(allowed) {
            return Err(FieldError::new(
                "query",
                "must be a percent-encoded query string",
            ));
        }
        if q.split('&').any(|p| p.is_empty() || p.starts_with('=')) && !q.is_empty() {
            return Err(FieldError::new("query", "every pair must have a key"));
        }
        Ok(Self(q.to_owned()))
    }

    /// The query string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One stored view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub id: Uuid,
    /// Whose it is: nobody else reads or changes it.
    pub user_id: Uuid,
    pub name: ViewName,
    pub list: SavedList,
    pub query: ViewQuery,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded_and_fold_by_turkish_rules() {
        let n = ViewName::parse("  Acil   İşler ").unwrap();
        assert_eq!(n.as_str(), "Acil İşler");
        assert_eq!(n.key(), ViewName::parse("ACİL işler").unwrap().key());
        assert_ne!(n.key(), ViewName::parse("ACIL işler").unwrap().key());
        assert!(ViewName::parse("   ").is_err());
        assert!(ViewName::parse(&"ş".repeat(60)).is_ok());
        assert!(ViewName::parse(&"ş".repeat(61)).is_err());
        assert!(ViewName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn queries_are_url_query_strings_of_bounded_size() {
        assert_eq!(
            ViewQuery::parse("?aciliyet=2&ilce=%C3%87ankaya")
                .unwrap()
                .as_str(),
            "aciliyet=2&ilce=%C3%87ankaya"
        );
        assert_eq!(ViewQuery::parse("").unwrap().as_str(), "");
        for bad in ["a=<script>", "a=1#x", "a=1&&b=2", "=1", "a b=1", "ç=1"] {
            assert!(ViewQuery::parse(bad).is_err(), "{bad}");
        }
        assert!(ViewQuery::parse(&"a".repeat(1000)).is_ok());
        assert!(ViewQuery::parse(&"a".repeat(1001)).is_err());
    }

    #[test]
    fn only_work_lists_may_be_saved() {
        for n in [1, 2, 3, 5] {
            assert_eq!(SavedList::parse("view", n).unwrap().number(), n);
        }
        for n in [0, 4, 20, 21, 99] {
            assert!(SavedList::parse("view", n).is_err());
        }
    }
}
