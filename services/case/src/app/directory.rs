//! Directory operations: directorates, units, pools, users, API tokens, and
//! each user's own details. Writes are for admins; reads are scoped.

use uuid::Uuid;

use super::{
    CaseApp,
    audit::About,
    auth::{hash_password, new_api_token, token_hash, username_key, verify_password_off_runtime},
    error::CaseError,
};
use crate::{
    domain::{
        audit::AuditAction,
        caller::{Caller, ServiceName},
        contact::{EmailAddress, PhoneNumber},
        directory::{Directorate, Pool, Unit, User},
        enums::Role,
        fields::{FieldError, Violations},
        text::parse_text,
    },
    store::{StoreError, UserQuery},
};

/// Consecutive failed sign-ins that lock an account.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long a locked account refuses sign-in.
pub const LOCKOUT: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

/// A fixed argon2id hash to verify against when there is no user, so that an
/// unknown name takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("tekmerkez-no-such-user").unwrap_or_default())
}

/// What a password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PasswordCheck {
    Correct,
    Wrong,
    /// Locked, by this failure or before it.
    Locked,
}

/// A validated new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Log-in name.
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Pools to work in or manage.
    pub pool_ids: Vec<Uuid>,
    /// Initial password (kept only long enough to hash it).
    pub password: Option<secrecy::SecretString>,
    /// Work e-mail.
    pub email: Option<EmailAddress>,
    /// Work phone.
    pub phone: Option<PhoneNumber>,
    /// A directorate manager's directorate (required for that role,
    /// refused for any other).
    pub directorate_id: Option<Uuid>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub role: Option<Role>,
    /// Replaces the whole set of pools worked in or managed.
    pub pool_ids: Option<Vec<Uuid>>,
    /// Whether the user may log in.
    pub active: Option<bool>,
    pub display_name: Option<String>,
    /// `Some(None)` takes the directorate away.
    pub directorate_id: Option<Option<Uuid>>,
}

/// Changes to one's own details.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    /// Work e-mail.
    pub email: Option<EmailAddress>,
    /// Work phone.
    pub phone: Option<PhoneNumber>,
    /// Current and new password.
    pub password: Option<(secrecy::SecretString, secrecy::SecretString)>,
}

/// Checks a user name: 3 to 64 of letters, digits, `.`, `_`, `-`.
///
/// # Errors
/// A `username` violation.
pub fn parse_username(raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    let len = t.chars().count();
    if !(tekmerkez_types::limits::USERNAME_MIN..=tekmerkez_types::limits::USERNAME_MAX)
        .contains(&len)
        || !t
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            "username",
            "must be 3 to 64 letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(t.to_owned())
}

/// Checks a password's length: 10 to 128 characters.
///
/// # Errors
/// A violation on `field`.
pub fn check_password(field: &str, raw: &str) -> Result<(), FieldError> {
    if !(tekmerkez_types::limits::PASSWORD_MIN..=tekmerkez_types::limits::PASSWORD_MAX)
        .contains(&raw.chars().count())
    {
        return Err(FieldError::new(field, "must be 10 to 128 characters"));
    }
    Ok(())
}

fn require_admin(caller: &Caller) -> Result<(), CaseError> {
    if caller.role() == Some(Role::Admin) {
        Ok(())
    } else {
        Err(CaseError::PermissionDenied(
            "only an admin may change the directory",
        ))
    }
}

fn duplicate(what: &'static str) -> impl Fn(StoreError) -> CaseError {
    move |e| match e {
        StoreError::Duplicate => CaseError::AlreadyExists(what),
        other => CaseError::Store(other),
    }
}

fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| tekmerkez_turkish::compare(name(a), name(b)));
}

impl CaseApp {
    /// The display names of `ids` (an unknown user reads as empty), one
    /// lookup per distinct id: for the few people who change admin data.
    ///
    /// # Errors
    /// Store failures.
    pub(crate) async fn display_names(
        &self,
        ids: Vec<Uuid>,
    ) -> Result<std::collections::HashMap<Uuid, String>, CaseError> {
        let mut names = std::collections::HashMap::new();
        for id in ids {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                let user = self.store.get_user(id).await?;
                slot.insert(user.map(|u| u.display_name).unwrap_or_default());
            }
        }
        Ok(names)
    }

    /// Adds a directorate.
    ///
    /// # Errors
    /// Admin only; the name must be new.
    pub async fn create_directorate(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<Directorate, CaseError> {
        require_admin(caller)?;
        let name = parse_text("name", name, 200).map_err(Violations::from)?;
        let d = Directorate {
            id: Uuid::now_v7(),
            name,
        };
        let key = tekmerkez_turkish::fold(&d.name);
        self.store
            .insert_directorate(&d, &key, self.clock.now())
            .await
            .map_err(duplicate("a directorate with that name exists"))?;
        let object = format!("directorate:{}", d.id);
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail("created"),
        )
        .await?;
        Ok(d)
    }

    /// Every directorate, in Turkish alphabetical order.
    ///
    /// # Errors
    /// Store failures.
    pub async fn list_directorates(&self) -> Result<Vec<Directorate>, CaseError> {
        let mut all = self.store.list_directorates().await?;
        sort_by_name(&mut all, |d| &d.name);
        Ok(all)
    }

    /// Adds a unit.
    ///
    /// # Errors
    /// Admin only; the directorate must exist and the name be new in it.
    pub async fn create_unit(
        &self,
        caller: &Caller,
        directorate_id: Uuid,
        name: &str,
    ) -> Result<Unit, CaseError> {
        require_admin(caller)?;
        let name = parse_text("name", name, 200).map_err(Violations::from)?;
        self.store
            .get_directorate(directorate_id)
            .await?
            .ok_or(CaseError::NotFound("directorate"))?;
        let u = Unit {
            id: Uuid::now_v7(),
            directorate_id,
            name,
        };
        let key = tekmerkez_turkish::fold(&u.name);
        self.store
            .insert_unit(&u, &key, self.clock.now())
            .await
            .map_err(duplicate("a unit with that name exists in the directorate"))?;
        let object = format!("unit:{}", u.id);
        let detail = format!("created directorate:{directorate_id}");
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail(&detail),
        )
        .await?;
        Ok(u)
    }

    /// Units, optionally of one directorate.
    ///
    /// # Errors
    /// Store failures.
    pub async fn list_units(&self, directorate: Option<Uuid>) -> Result<Vec<Unit>, CaseError> {
        let mut all = self.store.list_units(directorate).await?;
        sort_by_name(&mut all, |u| &u.name);
        Ok(all)
    }

    /// Adds a pool; its name defaults to `<province> <unit>`.
    ///
    /// # Errors
    /// Admin only; unit and province must exist; one pool per unit and province, one triage pool per province.
    pub async fn create_pool(
        &self,
        caller: &Caller,
        unit_id: Uuid,
        province_code: u32,
        name: &str,
        triage: bool,
    ) -> Result<Pool, CaseError> {
        require_admin(caller)?;
        let province = u8::try_from(province_code)
            .ok()
            .and_then(tekmerkez_geo::province_by_code)
            .ok_or_else(|| {
                Violations::from(FieldError::new(
                    "province_code",
                    "must be a plate code from 1 to 81",
                ))
            })?;
        let unit = self
            .store
            .get_unit(unit_id)
            .await?
            .ok_or(CaseError::NotFound("unit"))?;
        let name = if name.trim().is_empty() {
            format!("{} {}", province.name(), unit.name)
        } else {
            parse_text("name", name, 200).map_err(Violations::from)?
        };
        let p = Pool {
            id: Uuid::now_v7(),
            unit_id,
            province_code: province.code(),
            name,
            triage,
        };
        self.store
            .insert_pool(&p, self.clock.now())
            .await
            .map_err(duplicate("the unit already has a pool in that province, or the province already has a triage pool"))?;
        let object = format!("pool:{}", p.id);
        let detail = format!(
            "created unit:{unit_id} province:{} triage:{triage}",
            p.province_code
        );
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail(&detail),
        )
        .await?;
        Ok(p)
    }

    /// Pools, optionally of one province.
    ///
    /// # Errors
    /// Store failures.
    pub async fn list_pools(&self, province: Option<u8>) -> Result<Vec<Pool>, CaseError> {
        Ok(self.store.list_pools(province).await?)
    }

    /// Checks that a directorate manager names an existing directorate and
    /// that no other role names one.
    async fn check_directorate(
        &self,
        role: Role,
        directorate: Option<Uuid>,
        v: &mut Violations,
    ) -> Result<(), CaseError> {
        match (role, directorate) {
            (Role::DirectorateManager, None) => {
                v.add(
                    "directorate_id",
                    "a directorate manager needs a directorate",
                );
            }
            (Role::DirectorateManager, Some(d)) => {
                if self.store.get_directorate(d).await?.is_none() {
                    v.add("directorate_id", "must name an existing directorate");
                }
            }
            (_, Some(_)) => v.add(
                "directorate_id",
                "only a directorate manager has a directorate",
            ),
            (_, None) => {}
        }
        Ok(())
    }

    async fn check_pools(&self, pools: &[Uuid], v: &mut Violations) -> Result<(), CaseError> {
        for p in pools {
            if self.store.get_pool(*p).await?.is_none() {
                v.add("pool_ids", "must name existing pools");
                break;
            }
        }
        Ok(())
    }

    /// Adds a user.
    ///
    /// # Errors
    /// Admin only; pools must exist; the user name must be new.
    pub async fn create_user(&self, caller: &Caller, new: NewUser) -> Result<User, CaseError> {
        require_admin(caller)?;
        let user = self.create_user_unchecked(new).await?;
        let object = format!("user:{}", user.id);
        let detail = format!(
            "created role:{} pools:{}",
            user.role.as_str(),
            user.pool_ids.len()
        );
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail(&detail),
        )
        .await?;
        Ok(user)
    }

    /// Adds a user without an authorisation check: for the bootstrap admin
    /// and demo data, never reachable from the API.
    pub(crate) async fn create_user_unchecked(&self, new: NewUser) -> Result<User, CaseError> {
        let mut v = Violations::new();
        self.check_pools(&new.pool_ids, &mut v).await?;
        self.check_directorate(new.role, new.directorate_id, &mut v)
            .await?;
        v.into_result()?;
        let hash = match &new.password {
            Some(p) => Some(
                hash_password(secrecy::ExposeSecret::expose_secret(p))
                    .map_err(|_| CaseError::PermissionDenied("password hashing failed"))?,
            ),
            None => None,
        };
        let user = User {
            id: Uuid::now_v7(),
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            pool_ids: new.pool_ids,
            active: true,
            email: new.email,
            phone: new.phone,
            created_at: self.clock.now(),
            directorate_id: new.directorate_id,
        };
        self.store
            .insert_user(&user, &username_key(&user.username), hash.as_deref())
            .await
            .map_err(duplicate("that user name is taken"))?;
        Ok(user)
    }

    /// Changes a user's role, pools, active flag or display name.
    ///
    /// # Errors
    /// Admin only; the user and pools must exist.
    pub async fn update_user(
        &self,
        caller: &Caller,
        id: Uuid,
        update: UserUpdate,
    ) -> Result<User, CaseError> {
        require_admin(caller)?;
        let mut user = self
            .store
            .get_user(id)
            .await?
            .ok_or(CaseError::NotFound("user"))?;
        let before = user.clone();
        let mut v = Violations::new();
        if let Some(pools) = &update.pool_ids {
            self.check_pools(pools, &mut v).await?;
        }
        self.check_directorate(
            update.role.unwrap_or(user.role),
            update.directorate_id.unwrap_or(user.directorate_id),
            &mut v,
        )
        .await?;
        v.into_result()?;
        if let Some(r) = update.role {
            user.role = r;
        }
        if let Some(p) = update.pool_ids {
            user.pool_ids = p;
        }
        if let Some(a) = update.active {
            user.active = a;
        }
        if let Some(n) = update.display_name {
            user.display_name = n;
        }
        if let Some(d) = update.directorate_id {
            user.directorate_id = d;
        }
        self.store.update_user(&user).await?;
        let object = format!("user:{}", user.id);
        let detail = user_changes(&before, &user);
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail(&detail),
        )
        .await?;
        Ok(user)
    }

    /// Users: all for an admin, the members of the managed pools for a pool manager.
    ///
    /// # Errors
    /// `PermissionDenied` for other roles.
    pub async fn list_users(
        &self,
        caller: &Caller,
        pool: Option<Uuid>,
        role: Option<Role>,
    ) -> Result<Vec<User>, CaseError> {
        let user = caller
            .user()
            .ok_or(CaseError::PermissionDenied("only a user may list users"))?;
        let pools = match user.role {
            Role::Admin => pool.map(|p| vec![p]),
            Role::PoolManager | Role::DirectorateManager => Some(
                user.pools
                    .iter()
                    .copied()
                    .filter(|p| pool.is_none_or(|x| x == *p))
                    .collect(),
            ),
            _ => {
                return Err(CaseError::PermissionDenied(
                    "only admins and pool managers list users",
                ));
            }
        };
        let mut users = self.store.list_users(&UserQuery { pools, role }).await?;
        sort_by_name(&mut users, |u| &u.display_name);
        Ok(users)
    }

    /// Issues an API token for a user; only its hash is kept.
    ///
    /// # Errors
    /// Admin only; the user must exist.
    pub async fn issue_api_token(
        &self,
        caller: &Caller,
        user_id: Uuid,
        label: &str,
    ) -> Result<String, CaseError> {
        require_admin(caller)?;
        let label = parse_text("label", label, 100).map_err(Violations::from)?;
        let token = self
            .issue_api_token_unchecked(user_id, &label, false)
            .await?;
        let object = format!("user:{user_id}");
        self.audit(
            caller,
            AuditAction::AdminChanged,
            About::object(&object).detail("api_token:issued"),
        )
        .await?;
        Ok(token)
    }

    /// Issues a token without an authorisation check: `minted_by_dev` for
    /// `tekmerkez dev`'s per-run tokens ([`Self::revoke_dev_api_tokens`]).
    pub(crate) async fn issue_api_token_unchecked(
        &self,
        user_id: Uuid,
        label: &str,
        minted_by_dev: bool,
    ) -> Result<String, CaseError> {
        self.store
            .get_user(user_id)
            .await?
            .ok_or(CaseError::NotFound("user"))?;
        let token = new_api_token();
        self.store
            .insert_api_token(
                &token_hash(&token),
                user_id,
                label,
                minted_by_dev,
                self.clock.now(),
            )
            .await?;
        Ok(token)
    }

    /// Revokes the tokens an earlier `tekmerkez dev` run minted (its banner
    /// promised them for that run only); admins' tokens stay valid.
    pub(crate) async fn revoke_dev_api_tokens(&self) -> Result<u64, CaseError> {
        Ok(self.store.revoke_dev_api_tokens(self.clock.now()).await?)
    }

    /// The caller's own user.
    ///
    /// # Errors
    /// `PermissionDenied` for services.
    pub async fn current_user(&self, caller: &Caller) -> Result<User, CaseError> {
        let me = caller
            .user()
            .ok_or(CaseError::PermissionDenied("only a user has a profile"))?;
        let mut user = self
            .store
            .get_user(me.id)
            .await?
            .ok_or(CaseError::Unauthenticated)?;
        // A directorate manager's pools are the directorate's, as in scope
        // (the pool manager's page offers them as its pool filter).
        if user.role == Role::DirectorateManager {
            user.pool_ids = me.pools.iter().copied().collect();
            user.pool_ids.sort();
        }
        Ok(user)
    }

    /// Checks `username` and `password` for the gateway's sign-in page.
    ///
    /// Counts toward the lockout like every password check
    /// ([`Self::check_password`]). Every refusal is the same
    /// `Unauthenticated` (whether the name exists or the account is locked is
    /// not revealed), and an unknown name costs one password hash like a
    /// known one, so timing does not reveal it either.
    ///
    /// # Errors
    /// `PermissionDenied` for any caller but the gateway; `Unauthenticated`
    /// for every failed sign-in.
    pub async fn authenticate_user(
        &self,
        caller: &Caller,
        username: &str,
        password: &secrecy::SecretString,
    ) -> Result<User, CaseError> {
        if !matches!(caller, Caller::Service(ServiceName::Gateway)) {
            return Err(CaseError::PermissionDenied(
                "only the gateway signs people in",
            ));
        }
        let user = self
            .store
            .get_user_by_username(&username_key(username))
            .await?;
        let Some(user) = user else {
            let _ = verify_password_off_runtime(password, dummy_hash()).await;
            return Err(CaseError::Unauthenticated);
        };
        match self.check_password(user.id, password).await? {
            PasswordCheck::Correct if user.active => Ok(user),
            _ => Err(CaseError::Unauthenticated),
        }
    }

    /// Checks `password` against `user`'s, wherever a password is checked
    /// (sign-in, the profile's password change), all toward one lockout:
    /// [`MAX_FAILED_LOGINS`] consecutive failures lock the account for
    /// [`LOCKOUT`], and while locked even the right password is refused
    /// uncounted. The attempt is counted before the hash is verified, so
    /// guesses sent at once are counted each (and those past the limit
    /// refused unverified); a correct password resets the count.
    async fn check_password(
        &self,
        user: Uuid,
        password: &secrecy::SecretString,
    ) -> Result<PasswordCheck, CaseError> {
        let now = self.clock.now();
        let lock = async || {
            let until = now.checked_add(LOCKOUT).unwrap_or(now);
            tracing::warn!(user_id = %user, "password checks locked after repeated failures");
            self.store.record_login(user, 0, Some(until)).await
        };
        let Some(attempt) = self.store.begin_password_attempt(user, now).await? else {
            // Locked: the same cost as a check, so timing tells nothing.
            let _ = verify_password_off_runtime(password, dummy_hash()).await;
            return Ok(PasswordCheck::Locked);
        };
        if attempt.attempt > MAX_FAILED_LOGINS {
            // More guesses in flight than the limit allows: refused
            // unverified, and locked (should the attempt that reached the
            // limit never finish, the count would otherwise stay stuck).
            let _ = verify_password_off_runtime(password, dummy_hash()).await;
            lock().await?;
            return Ok(PasswordCheck::Locked);
        }
        let matches = match attempt.password_hash.as_deref() {
            Some(h) => verify_password_off_runtime(password, h).await,
            None => false,
        };
        if matches {
            self.store.record_login(user, 0, None).await?;
            return Ok(PasswordCheck::Correct);
        }
        if attempt.attempt >= MAX_FAILED_LOGINS {
            lock().await?;
            return Ok(PasswordCheck::Locked);
        }
        Ok(PasswordCheck::Wrong)
    }

    /// Changes the caller's own details; a new password needs the current
    /// one, checked toward the sign-in lockout ([`Self::check_password`]).
    ///
    /// # Errors
    /// `Invalid` when the current password is wrong; `AccountLocked` when
    /// that wrong password reached the limit or the account is locked.
    pub async fn update_current_user(
        &self,
        caller: &Caller,
        update: ProfileUpdate,
    ) -> Result<User, CaseError> {
        use secrecy::ExposeSecret as _;
        let mut user = self.current_user(caller).await?;
        if let Some((current, new)) = &update.password {
            match self.check_password(user.id, current).await? {
                PasswordCheck::Correct => {}
                PasswordCheck::Wrong => {
                    return Err(Violations::from(FieldError::new(
                        "current_password",
                        "is not correct",
                    ))
                    .into());
                }
                PasswordCheck::Locked => return Err(CaseError::AccountLocked),
            }
            let hash = hash_password(new.expose_secret())
                .map_err(|_| CaseError::PermissionDenied("password hashing failed"))?;
            self.store.set_password_hash(user.id, &hash).await?;
        }
        if let Some(n) = update.display_name {
            user.display_name = n;
        }
        if let Some(e) = update.email {
            user.email = Some(e);
        }
        if let Some(p) = update.phone {
            user.phone = Some(p);
        }
        self.store.update_user(&user).await?;
        Ok(user)
    }
}

/// What an update changed, in codes (never names): role, pools, scope,
/// active flag, and that the display name changed.
fn user_changes(before: &User, after: &User) -> String {
    let mut parts = Vec::new();
    if before.role != after.role {
        parts.push(format!(
            "role:{}→{}",
            before.role.as_str(),
            after.role.as_str()
        ));
    }
    if before.pool_ids != after.pool_ids {
        let ids = |p: &[Uuid]| p.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
        parts.push(format!(
            "pools:[{}]→[{}]",
            ids(&before.pool_ids),
            ids(&after.pool_ids)
        ));
    }
    if before.directorate_id != after.directorate_id {
        let d = |d: Option<Uuid>| d.map(|d| d.to_string()).unwrap_or_default();
        parts.push(format!(
            "directorate:{}→{}",
            d(before.directorate_id),
            d(after.directorate_id)
        ));
    }
    if before.active != after.active {
        parts.push(format!("active:{}→{}", before.active, after.active));
    }
    if before.display_name != after.display_name {
        parts.push("display_name:changed".to_owned());
    }
    if parts.is_empty() {
        "unchanged".to_owned()
    } else {
        parts.join(" ")
    }
}
