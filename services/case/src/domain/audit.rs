//! The KVKK audit trail: who read whose personal data and who changed the
//! institution's settings, when, from where and in which request. Entries
//! are appended in the request they record (the store refuses to change or
//! delete one) and carry codes and counts, never personal data: the name
//! of an applicant never reaches the trail, only the record's id and number.

use jiff::Timestamp;
use uuid::Uuid;

use super::enums::Role;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    RecordViewed,
    AttachmentDownloaded,
    LetterRead,
    PeopleSearched,
    PersonIndexRead,
    Exported,
    AdminChanged,
    AuditRead,
}

impl AuditAction {
    pub const ALL: [Self; 8] = [
        Self::RecordViewed,
        Self::AttachmentDownloaded,
        Self::LetterRead,
        Self::PeopleSearched,
        Self::PersonIndexRead,
        Self::Exported,
        Self::AdminChanged,
        Self::AuditRead,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RecordViewed => "record_viewed",
            Self::AttachmentDownloaded => "attachment_downloaded",
            Self::LetterRead => "letter_read",
            Self::PeopleSearched => "people_searched",
            Self::PersonIndexRead => "person_index_read",
            Self::Exported => "exported",
            Self::AdminChanged => "admin_changed",
            Self::AuditRead => "audit_read",
        }
    }

    /// The action a stored code names.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == code)
    }

    /// The wire number (`tekmerkez.case.v1.AuditAction`).
    pub fn number(self) -> i32 {
        match self {
            Self::RecordViewed => 1,
            Self::AttachmentDownloaded => 2,
            Self::LetterRead => 3,
            Self::PeopleSearched => 4,
            Self::PersonIndexRead => 5,
            Self::Exported => 6,
            Self::AdminChanged => 7,
            Self::AuditRead => 8,
        }
    }

    /// The action of a wire number.
    pub fn from_number(n: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.number() == n)
    }
}

/// Where a person's request came from, as the gateway (or, for a direct
/// gRPC call, the case service) saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// The HTTP request (from the gateway) or nothing: then each call is
    /// its own request.
    pub request: Option<Uuid>,
    /// The client's address.
    pub client: Option<String>,
    /// A short one-way mark of the browser session.
    pub session: Option<String>,
}

/// Longest client address, session mark and detail kept.
pub const MAX_CLIENT: usize = 64;
pub const MAX_SESSION: usize = 32;
pub const MAX_DETAIL: usize = 500;
pub const MAX_OBJECT: usize = 120;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person (none for a service).
    pub user_id: Option<Uuid>,
    /// Their user name, or the service's name.
    pub name: String,
    pub role: Option<Role>,
}

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position (assigned by the store; 0 before).
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Actor,
    pub access: Access,
    pub action: AuditAction,
    pub case_id: Option<Uuid>,
    pub tracking_number: Option<String>,
    /// `kind:id` of what an administrative change changed; empty otherwise.
    pub object: String,
    /// Codes and counts, never personal data.
    pub detail: String,
}

impl AuditEntry {
    /// The key that makes one page one entry per record or object, however
    /// many reads it makes (a record page reads the record, then the
    /// citizen's other applications: the first names the page): none when
    /// the call is its own request.
    pub fn request_key(&self) -> Option<String> {
        let request = self.access.request?;
        Some(format!(
            "{request}|{}|{}",
            self.case_id.map(|c| c.to_string()).unwrap_or_default(),
            self.object
        ))
    }
}

/// Cuts `s` to `max` characters, for values that come from outside.
pub fn bounded(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A filter over the trail, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub actor: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    /// Entries before this position.
    pub before: Option<i64>,
    pub limit: u32,
}

/// Default and largest page of the trail.
pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1000;

/// The page size asked for, as served: 0 is the default, and no more than
/// the largest.
pub fn page_size(asked: u32) -> u32 {
    match asked {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_its_code_and_number() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.as_str()), Some(a));
            assert_eq!(AuditAction::from_number(a.number()), Some(a));
        }
        assert_eq!(AuditAction::from_number(0), None);
        assert_eq!(AuditAction::from_code("viewed"), None);
    }

    #[test]
    fn one_request_has_one_key_per_record_and_a_call_of_its_own_none() {
        let mut e = AuditEntry {
            seq: 0,
            at: Timestamp::UNIX_EPOCH,
            actor: Actor {
                user_id: None,
                name: "uzman".into(),
                role: Some(Role::Expert),
            },
            access: Access::default(),
            action: AuditAction::RecordViewed,
            case_id: Some(Uuid::from_u128(7)),
            tracking_number: None,
            object: String::new(),
            detail: String::new(),
        };
        assert_eq!(e.request_key(), None);
        e.access.request = Some(Uuid::from_u128(1));
        let first = e.request_key();
        e.detail = "contact:shown".into();
        assert_eq!(
            e.request_key(),
            first,
            "the detail does not make it another"
        );
        e.action = AuditAction::PersonIndexRead;
        assert_eq!(e.request_key(), first, "nor another read of the record");
        e.case_id = Some(Uuid::from_u128(8));
        assert_ne!(e.request_key(), first, "another record is another entry");
    }
}
