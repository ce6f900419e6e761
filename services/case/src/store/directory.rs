//! The organisation (directorates, units, pools) and its users, with
//! sign-in state and API tokens.

use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::domain::{
    directory::{Directorate, Pool, Unit, User},
    enums::Role,
};

/// What sign-in needs to know about a user.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginState {
    /// The argon2id hash, when a password is set.
    pub password_hash: Option<String>,
    /// Consecutive failed sign-ins since the last success or lockout.
    pub failed_logins: u32,
    /// Sign-in is refused until then.
    pub locked_until: Option<Timestamp>,
}

impl std::fmt::Debug for LoginState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginState")
            .field("has_password", &self.password_hash.is_some())
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

/// One password check under way: the attempt is counted before the
/// password is verified, so concurrent guesses cannot all pass the lock.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordAttempt {
    /// The argon2id hash, when a password is set.
    pub password_hash: Option<String>,
    /// Consecutive failures including this attempt (1 for the first).
    pub attempt: u32,
}

impl std::fmt::Debug for PasswordAttempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordAttempt")
            .field("has_password", &self.password_hash.is_some())
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// Which users to list.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Only members of these pools (`None`: everyone).
    pub pools: Option<Vec<Uuid>>,
    /// Only this role.
    pub role: Option<Role>,
}

/// The organisation and its users.
#[async_trait::async_trait]
pub trait DirectoryStore: Send + Sync + std::fmt::Debug + 'static {
    /// Inserts a directorate; `Duplicate` if its name is taken.
    async fn insert_directorate(
        &self,
        d: &Directorate,
        name_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Every directorate.
    async fn list_directorates(&self) -> Result<Vec<Directorate>, StoreError>;
    async fn get_directorate(&self, id: Uuid) -> Result<Option<Directorate>, StoreError>;
    /// Inserts a unit; `Duplicate` if its name is taken in the directorate.
    async fn insert_unit(&self, u: &Unit, name_key: &str, now: Timestamp)
    -> Result<(), StoreError>;
    /// Units, optionally of one directorate.
    async fn list_units(&self, directorate: Option<Uuid>) -> Result<Vec<Unit>, StoreError>;
    async fn get_unit(&self, id: Uuid) -> Result<Option<Unit>, StoreError>;
    /// Inserts a pool; `Duplicate` if the unit has one in that province or a second triage pool.
    async fn insert_pool(&self, p: &Pool, now: Timestamp) -> Result<(), StoreError>;
    /// Pools, optionally of one province.
    async fn list_pools(&self, province: Option<u8>) -> Result<Vec<Pool>, StoreError>;
    async fn get_pool(&self, id: Uuid) -> Result<Option<Pool>, StoreError>;
    /// The pools of every unit of `directorate`: a directorate manager's scope.
    async fn directorate_pools(&self, directorate: Uuid) -> Result<Vec<Uuid>, StoreError>;

    /// Inserts a user with its pools; `Duplicate` if the user name is taken.
    async fn insert_user(
        &self,
        u: &User,
        username_key: &str,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Replaces a user's fields and pools.
    async fn update_user(&self, u: &User) -> Result<(), StoreError>;
    /// Sets a user's password hash.
    async fn set_password_hash(&self, user: Uuid, hash: &str) -> Result<(), StoreError>;
    /// A user's password hash.
    async fn password_hash(&self, user: Uuid) -> Result<Option<String>, StoreError>;
    /// A user's sign-in state: password hash, consecutive failures, and the
    /// end of a lockout.
    async fn login_state(&self, user: Uuid) -> Result<LoginState, StoreError>;
    /// Counts a password check of `user` as a failure in advance, unless the
    /// account is locked at `now`; `None` when it is (or there is no user).
    /// One atomic statement, so every concurrent check is counted.
    async fn begin_password_attempt(
        &self,
        user: Uuid,
        now: Timestamp,
    ) -> Result<Option<PasswordAttempt>, StoreError>;
    /// Stores a user's failure count and lockout end after a sign-in attempt.
    async fn record_login(
        &self,
        user: Uuid,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    async fn get_user(&self, id: Uuid) -> Result<Option<User>, StoreError>;
    /// One user by case-folded user name.
    async fn get_user_by_username(&self, username_key: &str) -> Result<Option<User>, StoreError>;
    /// The users matching `q`.
    async fn list_users(&self, q: &UserQuery) -> Result<Vec<User>, StoreError>;
    /// Stores an API token's hash for a user; `minted_by_dev` marks the
    /// tokens `tekmerkez dev` issues for one run.
    async fn insert_api_token(
        &self,
        sha256_hex: &str,
        user: Uuid,
        label: &str,
        minted_by_dev: bool,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Revokes every unrevoked token `tekmerkez dev` minted; returns how many.
    async fn revoke_dev_api_tokens(&self, now: Timestamp) -> Result<u64, StoreError>;
    /// The user an unrevoked token's hash belongs to.
    async fn user_for_api_token(&self, sha256_hex: &str) -> Result<Option<Uuid>, StoreError>;
}
