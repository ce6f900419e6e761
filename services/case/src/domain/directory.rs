//! The organisation: directorates (müdürlük), units (birim), pools (a unit in
//! a province) and users with a role and the pools they work in.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    contact::{EmailAddress, PhoneNumber},
    enums::Role,
};

/// A directorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directorate {
    pub id: Uuid,
    pub name: String,
}

/// A unit under a directorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: Uuid,
    pub directorate_id: Uuid,
    pub name: String,
}

/// A unit's pool in a province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// Province plate code.
    pub province_code: u8,
    /// Display name.
    pub name: String,
    /// The province's triage pool.
    pub triage: bool,
}

/// A user. The password hash is stored separately and never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    /// Log-in name as entered (unique by its Turkish case-folded form).
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Pools worked in or managed.
    pub pool_ids: Vec<Uuid>,
    /// May log in.
    pub active: bool,
    /// Work e-mail.
    pub email: Option<EmailAddress>,
    /// Work phone.
    pub phone: Option<PhoneNumber>,
    pub created_at: Timestamp,
    /// The directorate a directorate manager is scoped to (none for every
    /// other role).
    pub directorate_id: Option<Uuid>,
}
