//! Authentication: a bearer token becomes a [`Caller`].
//!
//! - Service tokens come from configuration (secrets), one per service, and
//!   are compared in constant time.
//! - The gateway's token may carry `x-tekmerkez-acting-user` (a user id or
//!   user name): the gateway has checked that person's password or session,
//!   and the case service then authorises the call as that user.
//! - Any other token is an API token issued to a user (a partner client, or
//!   a person scripting against the API); only its SHA-256 is stored.
//!
//! Passwords are hashed with argon2id (PHC string format).

use std::sync::Arc;

use argon2::{
    Argon2,
    password_hash::{
        PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng,
    },
};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::error::CaseError;
use crate::{
    domain::{
        audit::Access,
        caller::{Caller, ServiceName, UserCaller},
        directory::User,
    },
    store::DirectoryStore,
};

/// The metadata key with which the gateway names the user it acts for.
pub const ACTING_USER_HEADER: &str = "x-tekmerkez-acting-user";

/// The gateway's HTTP request (a UUID), so the audit trail records one
/// entry per page however many calls it makes.
pub const REQUEST_ID_HEADER: &str = "x-tekmerkez-request-id";
/// The browser's address as the gateway saw it.
pub const CLIENT_ADDRESS_HEADER: &str = "x-tekmerkez-client-address";
/// A short one-way mark of the browser session.
pub const SESSION_HEADER: &str = "x-tekmerkez-session";

/// What a request presented.
#[derive(Clone)]
pub struct Credentials {
    pub bearer: SecretString,
    /// The user the gateway acts for.
    pub acting_user: Option<String>,
    /// The request headers above: believed only from the gateway.
    pub forwarded: Access,
    /// The address the call came from.
    pub peer: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("acting_user", &self.acting_user.is_some())
            .field("request", &self.forwarded.request)
            .finish_non_exhaustive()
    }
}

/// Resolves credentials to callers.
#[derive(Clone)]
pub struct Authenticator {
    store: Arc<dyn DirectoryStore>,
    service_tokens: Arc<Vec<(ServiceName, SecretString)>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("services", &self.service_tokens.len())
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// An authenticator over `store` with the configured service tokens.
    pub fn new(
        store: Arc<dyn DirectoryStore>,
        service_tokens: Vec<(ServiceName, SecretString)>,
    ) -> Self {
        Self {
            store,
            service_tokens: Arc::new(service_tokens),
        }
    }

    /// The caller these credentials prove.
    ///
    /// # Errors
    /// [`CaseError::Unauthenticated`] for unknown tokens, inactive users, or
    /// an acting user presented by anyone but the gateway.
    pub async fn resolve(&self, creds: &Credentials) -> Result<Caller, CaseError> {
        let presented = creds.bearer.expose_secret().as_bytes();
        let service = self
            .service_tokens
            .iter()
            .fold(None, |found, (name, token)| {
                let eq: bool = token.expose_secret().as_bytes().ct_eq(presented).into();
                if eq { Some(*name) } else { found }
            });
        if let Some(service) = service {
            return match (&creds.acting_user, service) {
                (None, s) => Ok(Caller::Service(s)),
                (Some(who), ServiceName::Gateway) => {
                    self.acting_user(who, creds.forwarded.clone()).await
                }
                (Some(_), _) => Err(CaseError::Unauthenticated),
            };
        }
        if creds.acting_user.is_some() {
            return Err(CaseError::Unauthenticated);
        }
        let user_id = self
            .store
            .user_for_api_token(&token_hash(creds.bearer.expose_secret()))
            .await?
            .ok_or(CaseError::Unauthenticated)?;
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(CaseError::Unauthenticated)?;
        // A direct call: its own request, from the address it came from.
        let access = Access {
            request: None,
            client: creds.peer.clone(),
            session: None,
        };
        self.active_caller(user, access).await
    }

    async fn acting_user(&self, who: &str, access: Access) -> Result<Caller, CaseError> {
        let user = match uuid::Uuid::parse_str(who) {
            Ok(id) => self.store.get_user(id).await?,
            Err(_) => self.store.get_user_by_username(&username_key(who)).await?,
        };
        self.active_caller(user.ok_or(CaseError::Unauthenticated)?, access)
            .await
    }

    async fn active_caller(&self, user: User, access: Access) -> Result<Caller, CaseError> {
        if !user.active {
            return Err(CaseError::Unauthenticated);
        }
        let pools = scope_pools(self.store.as_ref(), &user).await?;
        Ok(Caller::User(UserCaller {
            id: user.id,
            role: user.role,
            pools: pools.into_iter().collect(),
            directorate_id: user.directorate_id,
            username: user.username.clone(),
            access,
        }))
    }
}

/// The pools `user` works in or manages: for a directorate manager every
/// pool of the directorate's units as they are now (a pool added to a unit
/// is in scope on the next call), for everyone else the pools named on the
/// user. This is the one place the directorate manager's scope is decided;
/// the policy then treats those pools as a pool manager's.
///
/// # Errors
/// The store's.
pub async fn scope_pools(
    store: &dyn DirectoryStore,
    user: &User,
) -> Result<Vec<uuid::Uuid>, CaseError> {
    Ok(match (user.role, user.directorate_id) {
        (crate::domain::enums::Role::DirectorateManager, Some(d)) => {
            store.directorate_pools(d).await?
        }
        // A directorate manager without a directorate (refused on create
        // and update) manages nothing.
        (crate::domain::enums::Role::DirectorateManager, None) => Vec::new(),
        _ => user.pool_ids.clone(),
    })
}

/// The key user names are unique by: Turkish case folding.
pub fn username_key(username: &str) -> String {
    tekmerkez_turkish::fold(username)
}

/// The stored form of an API token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random API token: `tmk_` and 64 hex digits (256 bits).
pub fn new_api_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("tmk_{}", hex::encode(bytes))
}

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// Only if argon2 rejects its parameters, which the defaults never do.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// [`verify_password`] on the blocking pool: a check is tens of
/// milliseconds of CPU, and guesses sent at once must not stall the async
/// workers that drive everyone else's requests (and the database).
pub async fn verify_password_off_runtime(password: &secrecy::SecretString, hash: &str) -> bool {
    use secrecy::ExposeSecret as _;
    let (password, hash) = (password.clone(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(password.expose_secret(), &hash))
        .await
        .unwrap_or(false)
}

/// Whether `password` matches the PHC-format `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("çok-gizli-parola").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("çok-gizli-parola", &h));
        assert!(!verify_password("cok-gizli-parola", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn api_tokens_are_random_and_stored_only_as_hashes() {
        let (a, b) = (new_api_token(), new_api_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(!token_hash(&a).contains(&a[4..]));
    }
}
