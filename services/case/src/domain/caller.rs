//! Who is calling: a user (directly with an API token, or through the
//! gateway acting for them) or a service with a fixed set of rights.

use std::collections::HashSet;

use uuid::Uuid;

use super::enums::Role;

/// A service principal authenticated by its configured token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceName {
    /// The HTTP gateway; may act for a user named in request metadata.
    Gateway,
    /// The routing service; opens cases.
    Routing,
    /// The intake service; answers the public tracking page.
    Intake,
    /// The notification service; reads cases to write to citizens.
    Notify,
    /// The reports service; reads the directory (pools, units) only.
    Reports,
}

impl ServiceName {
    /// Every service.
    pub const ALL: &'static [Self] = &[
        Self::Gateway,
        Self::Routing,
        Self::Intake,
        Self::Notify,
        Self::Reports,
    ];

    /// The configuration key and actor name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Routing => "routing",
            Self::Intake => "intake",
            Self::Notify => "notify",
            Self::Reports => "reports",
        }
    }

    /// Parses a configuration key.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|n| n.as_str() == s)
    }
}

/// An authenticated user with role and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCaller {
    /// The user.
    pub id: Uuid,
    pub role: Role,
    /// Pools in scope: those named on the user, or for a directorate
    /// manager every pool of the directorate (see [`crate::app::auth`]).
    pub pools: HashSet<Uuid>,
    /// A directorate manager's directorate.
    pub directorate_id: Option<Uuid>,
    /// Their user name (for the audit trail, as it is at the time).
    pub username: String,
    /// Where the request came from (the audit trail's who-from-where).
    pub access: super::audit::Access,
}

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A person.
    User(UserCaller),
    /// A service.
    Service(ServiceName),
}

impl Caller {
    /// The user, if a person.
    pub fn user(&self) -> Option<&UserCaller> {
        match self {
            Self::User(u) => Some(u),
            Self::Service(_) => None,
        }
    }

    /// The role, if a person.
    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    /// Whether this is `service`.
    pub fn is_service(&self, service: ServiceName) -> bool {
        matches!(self, Self::Service(s) if *s == service)
    }
}
