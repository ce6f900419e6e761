//! Who is asking: the signed-in person as an extractor, and the role guard.
//!
//! A handler that takes [`SignedIn`] runs only for a live session; anyone
//! else is sent to sign in (told that their session ended when the browser
//! still presented one). [`RequireRole`] also refuses, with the 403 page, a
//! person whose role is not among its [`Roles`]. These only decide what the
//! UI shows: the case service checks every permission again (ADR 0001).

use std::{marker::PhantomData, sync::Arc};

use axum::{extract::FromRequestParts, http::request::Parts, response::Response};
use tekmerkez_proto::case_v1::Role;

use super::{AppState, Frame, refuse, session_of, sign_in_again};
use crate::session::Session;

/// The signed-in person of a request.
pub struct SignedIn {
    pub session: Session,
    /// The session's id (the cookie's value), to end it.
    pub id: String,
}

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        match session_of(state, parts).await {
            Some((id, session)) => Ok(Self { session, id }),
            None => Err(sign_in_again(&parts.headers)),
        }
    }
}

/// The roles a guarded page is for.
pub trait Roles {
    /// Any of these may pass.
    const ROLES: &'static [Role];

    /// Whether `role` (a `case.v1.Role` number) is one of them.
    fn allow(role: i32) -> bool {
        Role::try_from(role).is_ok_and(|r| Self::ROLES.contains(&r))
    }
}

/// *Yönetim*.
pub enum Admins {}
impl Roles for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// *Havuz Yönetimi*, *Süresi Yaklaşan / Süresi Geçen*: whoever manages
/// pools (a directorate manager those of the directorate).
pub enum PoolManagers {}
impl Roles for PoolManagers {
    const ROLES: &'static [Role] = &[Role::PoolManager, Role::DirectorateManager, Role::Admin];
}

/// *Raporlar*: who reads the institution's figures — admins (all of
/// them), directorate managers (their directorate's) and pool managers
/// (their pools'), as the reports service scopes them.
pub enum Reporters {}
impl Roles for Reporters {
    const ROLES: &'static [Role] = &[Role::Admin, Role::DirectorateManager, Role::PoolManager];
}

/// *Olaylar*: the pools' experts and managers, and admins (the case
/// service scopes the incidents to their pools).
pub enum IncidentWorkers {}
impl Roles for IncidentWorkers {
    const ROLES: &'static [Role] = &[
        Role::Expert,
        Role::PoolManager,
        Role::DirectorateManager,
        Role::Admin,
    ];
}

/// Staff entry: who records applications for citizens (as the case
/// service's policy says).
pub enum Recorders {}
impl Roles for Recorders {
    const ROLES: &'static [Role] = &[Role::CallCentreAgent, Role::Admin];
}

/// *E-posta Sorunları*: who looks after the institution's mailbox — the
/// admins, and the front-office staff who record what a person must read
/// (a letter, a mail with no sender to answer) as a written application.
pub enum MailboxKeepers {}
impl Roles for MailboxKeepers {
    const ROLES: &'static [Role] = &[Role::CallCentreAgent, Role::Admin];
}

/// *Denetim İzi*: the KVKK officer alone reads who saw whose data.
pub enum KvkkOfficers {}
impl Roles for KvkkOfficers {
    const ROLES: &'static [Role] = &[Role::KvkkOfficer];
}

/// The signed-in person, if their role is one of `R`'s; the 403 page for
/// anyone else signed in.
pub struct RequireRole<R>(pub Session, pub PhantomData<R>);

impl<R: Roles> FromRequestParts<Arc<AppState>> for RequireRole<R> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn { session, .. } = SignedIn::from_request_parts(parts, state).await?;
        if R::allow(session.role) {
            Ok(Self(session, PhantomData))
        } else {
            Err(refuse(&Frame::of(&parts.headers)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_guard_lets_in_only_its_roles() {
        assert!(Admins::allow(Role::Admin as i32));
        assert!(!Admins::allow(Role::PoolManager as i32));
        assert!(PoolManagers::allow(Role::PoolManager as i32));
        assert!(PoolManagers::allow(Role::Admin as i32));
        assert!(PoolManagers::allow(Role::DirectorateManager as i32));
        assert!(!Admins::allow(Role::DirectorateManager as i32));
        assert!(!Recorders::allow(Role::DirectorateManager as i32));
        assert!(!PoolManagers::allow(Role::Expert as i32));
        assert!(Recorders::allow(Role::CallCentreAgent as i32));
        assert!(Recorders::allow(Role::Admin as i32));
        for r in [
            Role::Expert,
            Role::PoolManager,
            Role::CallbackAgent,
            Role::PartnerClient,
            Role::Unspecified,
        ] {
            assert!(!Recorders::allow(r as i32));
        }
        assert!(!Admins::allow(99));
        for r in [Role::Admin, Role::DirectorateManager, Role::PoolManager] {
            assert!(Reporters::allow(r as i32), "{r:?}");
        }
        for r in [
            Role::Expert,
            Role::CallbackAgent,
            Role::CallCentreAgent,
            Role::PartnerClient,
            Role::Unspecified,
        ] {
            assert!(!Reporters::allow(r as i32), "{r:?}");
        }
        assert!(MailboxKeepers::allow(Role::Admin as i32));
        assert!(MailboxKeepers::allow(Role::CallCentreAgent as i32));
        for r in [
            Role::Expert,
            Role::PoolManager,
            Role::CallbackAgent,
            Role::PartnerClient,
        ] {
            assert!(!MailboxKeepers::allow(r as i32), "{r:?}");
        }
    }
}
