//! The directory statements: the organisation (directorates, units,
//! pools) and its users, with their pools, sign-in state and API tokens.

use jiff::Timestamp;
use sqlx::{QueryBuilder, Row as _, postgres::PgRow, sqlite::SqliteRow};
use uuid::Uuid;

use super::{PgStore, SqliteStore, code, micros, opt_micros, timestamp, unique_violation};
use crate::{
    domain::{
        contact::{EmailAddress, PhoneNumber},
        directory::{Directorate, Pool, Unit, User},
        enums::Role,
    },
    store::{DirectoryStore, LoginState, StoreError, UserQuery},
};

const USER_COLUMNS: &str = "id, username, display_name, role, active, email, phone, created_at";

macro_rules! directory_sql {
    ($store:ident, $db:ty, $row:ty) => {
        impl $store {
            fn user_from_row(r: &$row) -> Result<User, StoreError> {
                Ok(User {
                    id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                    role: code(Role::from_code, r.try_get("role")?, "role")?,
                    pool_ids: Vec::new(),
                    active: r.try_get("active")?,
                    email: r.try_get::<Option<String>, _>("email")?.map(EmailAddress::from_trusted),
                    phone: r.try_get::<Option<String>, _>("phone")?.map(PhoneNumber::from_trusted),
                    created_at: timestamp(r.try_get("created_at")?)?,
                })
            }

            fn pool_from_row(r: &$row) -> Result<Pool, StoreError> {
                Ok(Pool {
                    id: r.try_get("id")?,
                    unit_id: r.try_get("unit_id")?,
                    province_code: u8::try_from(r.try_get::<i64, _>("province_code")?).map_err(|_| StoreError::Corrupt("province_code"))?,
                    name: r.try_get("name")?,
                    triage: r.try_get("triage")?,
                })
            }

            async fn load_user_pools(&self, users: &mut [User]) -> Result<(), StoreError> {
                if users.is_empty() {
                    return Ok(());
                }
                let mut qb = QueryBuilder::<$db>::new("SELECT user_id, pool_id FROM user_pools WHERE user_id IN (");
                let mut sep = qb.separated(", ");
                for u in users.iter() {
                    sep.push_bind(u.id);
                }
                qb.push(") ORDER BY pool_id");
                for r in qb.build().fetch_all(self.reader()).await? {
                    let (user, pool): (Uuid, Uuid) = (r.try_get("user_id")?, r.try_get("pool_id")?);
                    if let Some(u) = users.iter_mut().find(|u| u.id == user) {
                        u.pool_ids.push(pool);
                    }
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl DirectoryStore for $store {
            async fn insert_directorate(&self, d: &Directorate, name_key: &str, now: Timestamp) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO directorates (id, name, name_key, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(d.id).bind(&d.name).bind(name_key).bind(micros(now))
                    .execute(self.writer()).await.map_err(unique_violation)?;
                Ok(())
            }

            async fn list_directorates(&self) -> Result<Vec<Directorate>, StoreError> {
                let rows = sqlx::query("SELECT id, name FROM directorates").fetch_all(self.reader()).await?;
                rows.iter().map(|r| Ok(Directorate { id: r.try_get("id")?, name: r.try_get("name")? })).collect()
            }

            async fn get_directorate(&self, id: Uuid) -> Result<Option<Directorate>, StoreError> {
                let row = sqlx::query("SELECT id, name FROM directorates WHERE id = $1").bind(id).fetch_optional(self.reader()).await?;
                row.map(|r| Ok(Directorate { id: r.try_get("id")?, name: r.try_get("name")? })).transpose()
            }

            async fn insert_unit(&self, u: &Unit, name_key: &str, now: Timestamp) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO units (id, directorate_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(u.id).bind(u.directorate_id).bind(&u.name).bind(name_key).bind(micros(now))
                    .execute(self.writer()).await.map_err(unique_violation)?;
                Ok(())
            }

            async fn list_units(&self, directorate: Option<Uuid>) -> Result<Vec<Unit>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new("SELECT id, directorate_id, name FROM units");
                if let Some(d) = directorate {
                    qb.push(" WHERE directorate_id = ").push_bind(d);
                }
                let rows = qb.build().fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|r| Ok(Unit { id: r.try_get("id")?, directorate_id: r.try_get("directorate_id")?, name: r.try_get("name")? }))
                    .collect()
            }

            async fn get_unit(&self, id: Uuid) -> Result<Option<Unit>, StoreError> {
                let row = sqlx::query("SELECT id, directorate_id, name FROM units WHERE id = $1").bind(id).fetch_optional(self.reader()).await?;
                row.map(|r| Ok(Unit { id: r.try_get("id")?, directorate_id: r.try_get("directorate_id")?, name: r.try_get("name")? }))
                    .transpose()
            }

            async fn insert_pool(&self, p: &Pool, now: Timestamp) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO pools (id, unit_id, province_code, name, triage, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(p.id).bind(p.unit_id).bind(i64::from(p.province_code)).bind(&p.name).bind(p.triage).bind(micros(now))
                    .execute(self.writer()).await.map_err(unique_violation)?;
                Ok(())
            }

            async fn list_pools(&self, province: Option<u8>) -> Result<Vec<Pool>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new("SELECT id, unit_id, province_code, name, triage FROM pools");
                if let Some(p) = province {
                    qb.push(" WHERE province_code = ").push_bind(i64::from(p));
                }
                qb.push(" ORDER BY province_code, name");
                let rows = qb.build().fetch_all(self.reader()).await?;
                rows.iter().map(Self::pool_from_row).collect()
            }

            async fn get_pool(&self, id: Uuid) -> Result<Option<Pool>, StoreError> {
                let row = sqlx::query("SELECT id, unit_id, province_code, name, triage FROM pools WHERE id = $1")
                    .bind(id).fetch_optional(self.reader()).await?;
                row.as_ref().map(Self::pool_from_row).transpose()
            }

            async fn insert_user(&self, u: &User, username_key: &str, password_hash: Option<&str>) -> Result<(), StoreError> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("INSERT INTO users (id, username, username_key, display_name, role, active, email, phone, password_hash, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(u.id).bind(&u.username).bind(username_key).bind(&u.display_name).bind(u.role.as_str()).bind(u.active)
                    .bind(u.email.as_ref().map(EmailAddress::expose)).bind(u.phone.as_ref().map(PhoneNumber::expose))
                    .bind(password_hash).bind(micros(u.created_at))
                    .execute(&mut *tx).await.map_err(unique_violation)?;
                for p in &u.pool_ids {
                    sqlx::query("INSERT INTO user_pools (user_id, pool_id) VALUES ($1, $2)").bind(u.id).bind(*p).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_user(&self, u: &User) -> Result<(), StoreError> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("UPDATE users SET display_name = $1, role = $2, active = $3, email = $4, phone = $5 WHERE id = $6")
                    .bind(&u.display_name).bind(u.role.as_str()).bind(u.active)
                    .bind(u.email.as_ref().map(EmailAddress::expose)).bind(u.phone.as_ref().map(PhoneNumber::expose)).bind(u.id)
                    .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM user_pools WHERE user_id = $1").bind(u.id).execute(&mut *tx).await?;
                for p in &u.pool_ids {
                    sqlx::query("INSERT INTO user_pools (user_id, pool_id) VALUES ($1, $2)").bind(u.id).bind(*p).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn set_password_hash(&self, user: Uuid, hash: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user).execute(self.writer()).await?;
                Ok(())
            }

            async fn password_hash(&self, user: Uuid) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1").bind(user).fetch_optional(self.reader()).await?;
                Ok(row.map(|r| r.try_get::<Option<String>, _>("password_hash")).transpose()?.flatten())
            }

            async fn login_state(&self, user: Uuid) -> Result<LoginState, StoreError> {
                let row = sqlx::query("SELECT password_hash, failed_logins, locked_until FROM users WHERE id = $1")
                    .bind(user).fetch_optional(self.reader()).await?;
                let Some(row) = row else {
                    return Ok(LoginState { password_hash: None, failed_logins: 0, locked_until: None });
                };
                let failed: i64 = row.try_get::<i64, _>("failed_logins").or_else(|_| row.try_get::<i32, _>("failed_logins").map(i64::from))?;
                Ok(LoginState {
                    password_hash: row.try_get("password_hash")?,
                    failed_logins: u32::try_from(failed).unwrap_or(0),
                    locked_until: row.try_get::<Option<i64>, _>("locked_until")?.map(timestamp).transpose()?,
                })
            }

            async fn record_login(&self, user: Uuid, failed_logins: u32, locked_until: Option<Timestamp>) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
                    .bind(i64::from(failed_logins)).bind(opt_micros(locked_until)).bind(user)
                    .execute(self.writer()).await?;
                Ok(())
            }

            async fn get_user(&self, id: Uuid) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
                let Some(row) = row else { return Ok(None) };
                let mut users = vec![Self::user_from_row(&row)?];
                self.load_user_pools(&mut users).await?;
                Ok(users.pop())
            }

            async fn get_user_by_username(&self, username_key: &str) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE username_key = $1"))
                    .bind(username_key).fetch_optional(self.reader()).await?;
                let Some(row) = row else { return Ok(None) };
                let mut users = vec![Self::user_from_row(&row)?];
                self.load_user_pools(&mut users).await?;
                Ok(users.pop())
            }

            async fn list_users(&self, q: &UserQuery) -> Result<Vec<User>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
                if let Some(pools) = &q.pools {
                    if pools.is_empty() {
                        return Ok(Vec::new());
                    }
                    qb.push(" AND id IN (SELECT user_id FROM user_pools WHERE pool_id IN (");
                    let mut sep = qb.separated(", ");
                    for p in pools {
                        sep.push_bind(*p);
                    }
                    qb.push("))");
                }
                if let Some(role) = q.role {
                    qb.push(" AND role = ").push_bind(role.as_str());
                }
                let rows = qb.build().fetch_all(self.reader()).await?;
                let mut users = rows.iter().map(Self::user_from_row).collect::<Result<Vec<_>, _>>()?;
                self.load_user_pools(&mut users).await?;
                Ok(users)
            }

            async fn insert_api_token(&self, sha256_hex: &str, user: Uuid, label: &str, now: Timestamp) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO api_tokens (token_sha256, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(sha256_hex).bind(user).bind(label).bind(micros(now))
                    .execute(self.writer()).await.map_err(unique_violation)?;
                Ok(())
            }

            async fn user_for_api_token(&self, sha256_hex: &str) -> Result<Option<Uuid>, StoreError> {
                let row = sqlx::query("SELECT user_id FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL")
                    .bind(sha256_hex).fetch_optional(self.reader()).await?;
                Ok(row.map(|r| r.try_get("user_id")).transpose()?)
            }
        }
    };
}

directory_sql!(PgStore, sqlx::Postgres, PgRow);
directory_sql!(SqliteStore, sqlx::Sqlite, SqliteRow);
