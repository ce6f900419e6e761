//! The directory statements: the organisation (directorates, units,
//! pools) and its users, with their pools, sign-in state and API tokens.

use jiff::Timestamp;
use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, code, micros, opt_micros, timestamp, unique_violation};
use crate::{
    domain::{
        contact::{EmailAddress, PhoneNumber},
        directory::{Directorate, Pool, Unit, User},
        enums::Role,
    },
    store::{DirectoryStore, LoginState, PasswordAttempt, StoreError, UserQuery},
};

const USER_COLUMNS: &str =
    "id, username, display_name, role, active, email, phone, created_at, directorate_id";

const POOL_COLUMNS: &str = "id, unit_id, province_code, name, triage";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    role: String,
    active: bool,
    email: Option<String>,
    phone: Option<String>,
    created_at: i64,
    directorate_id: Option<Uuid>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: code(Role::from_code, &r.role, "role")?,
            pool_ids: Vec::new(),
            active: r.active,
            email: r.email.map(EmailAddress::from_trusted),
            phone: r.phone.map(PhoneNumber::from_trusted),
            created_at: timestamp(r.created_at)?,
            directorate_id: r.directorate_id,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PoolRow {
    id: Uuid,
    unit_id: Uuid,
    province_code: i64,
    name: String,
    triage: bool,
}

impl TryFrom<PoolRow> for Pool {
    type Error = StoreError;

    fn try_from(r: PoolRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            unit_id: r.unit_id,
            province_code: u8::try_from(r.province_code)
                .map_err(|_| StoreError::Corrupt("province_code"))?,
            name: r.name,
            triage: r.triage,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DirectorateRow {
    id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: Uuid,
    directorate_id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    password_hash: Option<String>,
    failed_logins: i64,
    locked_until: Option<i64>,
}

/// The rows that give user `user` exactly `pools`.
fn user_pool_rows(user: Uuid, pools: &[Uuid]) -> impl Iterator<Item = Statement> + '_ {
    pools.iter().map(move |p| {
        Statement::new("INSERT INTO user_pools (user_id, pool_id) VALUES ($1, $2)")
            .bind(user)
            .bind(*p)
    })
}

impl SqlStore {
    async fn users_with_pools(&self, rows: Vec<UserRow>) -> Result<Vec<User>, StoreError> {
        let mut users = rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        if users.is_empty() {
            return Ok(users);
        }
        let mut select =
            Statement::new("SELECT user_id, pool_id FROM user_pools WHERE user_id IN (");
        select
            .push_list(users.iter().map(|u| u.id))
            .push(") ORDER BY pool_id");
        let pairs: Vec<(Uuid, Uuid)> =
            on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        for (user, pool) in pairs {
            if let Some(u) = users.iter_mut().find(|u| u.id == user) {
                u.pool_ids.push(pool);
            }
        }
        Ok(users)
    }

    async fn one_user(&self, select: Statement) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> =
            on_pool!(&self.read, |p| select.query_as().fetch_optional(p).await?);
        Ok(self
            .users_with_pools(row.into_iter().collect())
            .await?
            .pop())
    }
}

#[async_trait::async_trait]
impl DirectoryStore for SqlStore {
    async fn insert_directorate(
        &self,
        d: &Directorate,
        name_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sql =
            "INSERT INTO directorates (id, name, name_key, created_at) VALUES ($1, $2, $3, $4)";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(d.id)
            .bind(&d.name)
            .bind(name_key)
            .bind(micros(now))
            .execute(p)
            .await
            .map_err(unique_violation)?
            .rows_affected());
        Ok(())
    }

    async fn list_directorates(&self) -> Result<Vec<Directorate>, StoreError> {
        let rows: Vec<DirectorateRow> = on_pool!(&self.read, |p| sqlx::query_as(
            "SELECT id, name FROM directorates"
        )
        .fetch_all(p)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| Directorate {
                id: r.id,
                name: r.name,
            })
            .collect())
    }

    async fn get_directorate(&self, id: Uuid) -> Result<Option<Directorate>, StoreError> {
        let row: Option<DirectorateRow> = on_pool!(&self.read, |p| sqlx::query_as(
            "SELECT id, name FROM directorates WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await?);
        Ok(row.map(|r| Directorate {
            id: r.id,
            name: r.name,
        }))
    }

    async fn insert_unit(
        &self,
        u: &Unit,
        name_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO units (id, directorate_id, name, name_key, created_at) VALUES ($1, \
            $2, $3, $4, $5)";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(u.id)
            .bind(u.directorate_id)
            .bind(&u.name)
            .bind(name_key)
            .bind(micros(now))
            .execute(p)
            .await
            .map_err(unique_violation)?
            .rows_affected());
        Ok(())
    }

    async fn list_units(&self, directorate: Option<Uuid>) -> Result<Vec<Unit>, StoreError> {
        let mut select = Statement::new("SELECT id, directorate_id, name FROM units");
        if let Some(d) = directorate {
            select.push(" WHERE directorate_id = ").push_bind(d);
        }
        let rows: Vec<UnitRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        Ok(rows.into_iter().map(unit).collect())
    }

    async fn get_unit(&self, id: Uuid) -> Result<Option<Unit>, StoreError> {
        let row: Option<UnitRow> = on_pool!(&self.read, |p| sqlx::query_as(
            "SELECT id, directorate_id, name FROM units WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await?);
        Ok(row.map(unit))
    }

    async fn insert_pool(&self, pool: &Pool, now: Timestamp) -> Result<(), StoreError> {
        let sql = "INSERT INTO pools (id, unit_id, province_code, name, triage, created_at) VALUES \
            ($1, $2, $3, $4, $5, $6)";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(pool.id)
            .bind(pool.unit_id)
            .bind(i64::from(pool.province_code))
            .bind(&pool.name)
            .bind(pool.triage)
            .bind(micros(now))
            .execute(p)
            .await
            .map_err(unique_violation)?
            .rows_affected());
        Ok(())
    }

    async fn list_pools(&self, province: Option<u8>) -> Result<Vec<Pool>, StoreError> {
        let mut select = Statement::new(format!("SELECT {POOL_COLUMNS} FROM pools"));
        if let Some(province) = province {
            select
                .push(" WHERE province_code = ")
                .push_bind(i64::from(province));
        }
        select.push(" ORDER BY province_code, name");
        let rows: Vec<PoolRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        rows.into_iter().map(Pool::try_from).collect()
    }

    async fn directorate_pools(&self, directorate: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let sql = "SELECT p.id FROM pools p JOIN units u ON u.id = p.unit_id WHERE \
            u.directorate_id = $1 ORDER BY p.id";
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(directorate)
            .fetch_all(p)
            .await?))
    }

    async fn get_pool(&self, id: Uuid) -> Result<Option<Pool>, StoreError> {
        let sql = format!("SELECT {POOL_COLUMNS} FROM pools WHERE id = $1");
        let row: Option<PoolRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Pool::try_from).transpose()
    }

    async fn insert_user(
        &self,
        u: &User,
        username_key: &str,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO users (id, username, username_key, display_name, role, active, \
            email, phone, password_hash, created_at, directorate_id) VALUES ($1, $2, $3, $4, $5, \
            $6, $7, $8, $9, $10, $11)";
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(sql)
                .bind(u.id)
                .bind(&u.username)
                .bind(username_key)
                .bind(&u.display_name)
                .bind(u.role.as_str())
                .bind(u.active)
                .bind(u.email.as_ref().map(EmailAddress::expose))
                .bind(u.phone.as_ref().map(PhoneNumber::expose))
                .bind(password_hash)
                .bind(micros(u.created_at))
                .bind(u.directorate_id)
                .execute(&mut *tx)
                .await
                .map_err(unique_violation)?;
            for s in user_pool_rows(u.id, &u.pool_ids) {
                s.query().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn update_user(&self, u: &User) -> Result<(), StoreError> {
        let sql = "UPDATE users SET display_name = $1, role = $2, active = $3, email = $4, phone = \
            $5, directorate_id = $6 WHERE id = $7";
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(sql)
                .bind(&u.display_name)
                .bind(u.role.as_str())
                .bind(u.active)
                .bind(u.email.as_ref().map(EmailAddress::expose))
                .bind(u.phone.as_ref().map(PhoneNumber::expose))
                .bind(u.directorate_id)
                .bind(u.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM user_pools WHERE user_id = $1")
                .bind(u.id)
                .execute(&mut *tx)
                .await?;
            for s in user_pool_rows(u.id, &u.pool_ids) {
                s.query().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn set_password_hash(&self, user: Uuid, hash: &str) -> Result<(), StoreError> {
        on_pool!(&self.write, |p| sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE id = $2"
        )
        .bind(hash)
        .bind(user)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn password_hash(&self, user: Uuid) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> = on_pool!(&self.read, |p| sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE id = $1"
        )
        .bind(user)
        .fetch_optional(p)
        .await?);
        Ok(hash.flatten())
    }

    async fn login_state(&self, user: Uuid) -> Result<LoginState, StoreError> {
        // PostgreSQL keeps the counter as INTEGER: read as BIGINT on both.
        let sql = "SELECT password_hash, CAST(failed_logins AS BIGINT) AS failed_logins, \
            locked_until FROM users WHERE id = $1";
        let row: Option<LoginRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(user)
            .fetch_optional(p)
            .await?);
        let Some(row) = row else {
            return Ok(LoginState {
                password_hash: None,
                failed_logins: 0,
                locked_until: None,
            });
        };
        Ok(LoginState {
            password_hash: row.password_hash,
            failed_logins: u32::try_from(row.failed_logins).unwrap_or(0),
            locked_until: row.locked_until.map(timestamp).transpose()?,
        })
    }

    async fn begin_password_attempt(
        &self,
        user: Uuid,
        now: Timestamp,
    ) -> Result<Option<PasswordAttempt>, StoreError> {
        // The row lock (PostgreSQL) or the single writer (SQLite) orders
        // concurrent attempts: each sees the count of those before it.
        let sql = "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 AND \
            (locked_until IS NULL OR locked_until <= $2) RETURNING password_hash, \
            CAST(failed_logins AS BIGINT) AS failed_logins";
        let row: Option<(Option<String>, i64)> = on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(user)
            .bind(micros(now))
            .fetch_optional(p)
            .await?);
        Ok(row.map(|(password_hash, failed)| PasswordAttempt {
            password_hash,
            attempt: u32::try_from(failed).unwrap_or(u32::MAX),
        }))
    }

    async fn record_login(
        &self,
        user: Uuid,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(i64::from(failed_logins))
            .bind(opt_micros(locked_until))
            .bind(user)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn get_user(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        self.one_user(
            Statement::new(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id),
        )
        .await
    }

    async fn get_user_by_username(&self, username_key: &str) -> Result<Option<User>, StoreError> {
        self.one_user(
            Statement::new(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE username_key = $1"
            ))
            .bind(username_key),
        )
        .await
    }

    async fn list_users(&self, q: &UserQuery) -> Result<Vec<User>, StoreError> {
        let mut select = Statement::new(format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
        if let Some(pools) = &q.pools {
            if pools.is_empty() {
                return Ok(Vec::new());
            }
            select
                .push(" AND id IN (SELECT user_id FROM user_pools WHERE pool_id IN (")
                .push_list(pools.iter().copied())
                .push("))");
        }
        if let Some(role) = q.role {
            select.push(" AND role = ").push_bind(role.as_str());
        }
        let rows: Vec<UserRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        self.users_with_pools(rows).await
    }

    async fn insert_api_token(
        &self,
        sha256_hex: &str,
        user: Uuid,
        label: &str,
        minted_by_dev: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO api_tokens (token_sha256, user_id, label, minted_by_dev, \
            created_at) VALUES ($1, $2, $3, $4, $5)";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(sha256_hex)
            .bind(user)
            .bind(label)
            .bind(minted_by_dev)
            .bind(micros(now))
            .execute(p)
            .await
            .map_err(unique_violation)?
            .rows_affected());
        Ok(())
    }

    async fn revoke_dev_api_tokens(&self, now: Timestamp) -> Result<u64, StoreError> {
        let sql =
            "UPDATE api_tokens SET revoked_at = $1 WHERE minted_by_dev AND revoked_at IS NULL";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(micros(now))
            .execute(p)
            .await?
            .rows_affected()))
    }

    async fn user_for_api_token(&self, sha256_hex: &str) -> Result<Option<Uuid>, StoreError> {
        let sql = "SELECT user_id FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL";
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(sha256_hex)
            .fetch_optional(p)
            .await?))
    }
}

fn unit(r: UnitRow) -> Unit {
    Unit {
        id: r.id,
        directorate_id: r.directorate_id,
        name: r.name,
    }
}
