//! Signed-in sessions, kept in the gateway's database so that any replica
//! can serve any request. The browser holds a random 256-bit id in an
//! HttpOnly cookie; the table holds only its SHA-256. Each session carries
//! its own CSRF token, which every form posts back.

use jiff::{SignedDuration, Timestamp};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

/// Who is signed in.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: Uuid,
    /// Log-in name.
    pub username: String,
    /// Name shown in the header.
    pub display_name: String,
    /// `tekmerkez.case.v1.Role` as its number.
    pub role: i32,
    /// The token every form of this session must post back.
    pub csrf_token: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A random 256-bit value as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn digest(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// Whether `presented` is `expected`, in constant time.
pub fn tokens_match(expected: &str, presented: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

/// Where sessions live.
#[derive(Debug, Clone)]
pub struct SessionStore {
    pool: SqlPool,
    idle: SignedDuration,
}

impl SessionStore {
    /// Connects lazily to `url`; sessions end after `idle` without a request.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str, idle: SignedDuration) -> Result<Self, sqlx::Error> {
        Ok(Self {
            pool: SqlPool::connect_lazy(url, 10)?,
            idle,
        })
    }

    /// Applies migrations.
    ///
    /// # Errors
    /// Migration failures.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.pool {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await,
        }
    }

    /// Starts a session for `user`; returns the cookie's id.
    ///
    /// # Errors
    /// Database failures.
    pub async fn create(&self, user: &Session, now: Timestamp) -> Result<String, sqlx::Error> {
        let id = random_token();
        let expires = now.saturating_add(self.idle).unwrap_or(now);
        let sql = "INSERT INTO sessions (id_sha256, user_id, username, display_name, role, \
            csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_pool!(&self.pool, |p| {
            sqlx::query(sql)
                .bind(digest(&id))
                .bind(user.user_id.to_string())
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(i64::from(user.role))
                .bind(&user.csrf_token)
                .bind(now.as_microsecond())
                .bind(expires.as_microsecond())
                .execute(p)
                .await?;
        });
        Ok(id)
    }

    /// The live session with cookie id `id`, its idle time restarted.
    ///
    /// # Errors
    /// Database failures.
    pub async fn get(&self, id: &str, now: Timestamp) -> Result<Option<Session>, sqlx::Error> {
        self.read(id, now, true).await
    }

    /// The live session with cookie id `id`, without counting as activity:
    /// the live desk reads it, and an open tab must not keep an idle
    /// session alive for ever.
    ///
    /// # Errors
    /// Database failures.
    pub async fn peek(&self, id: &str, now: Timestamp) -> Result<Option<Session>, sqlx::Error> {
        self.read(id, now, false).await
    }

    async fn read(
        &self,
        id: &str,
        now: Timestamp,
        touch: bool,
    ) -> Result<Option<Session>, sqlx::Error> {
        let key = digest(id);
        let expires = now.saturating_add(self.idle).unwrap_or(now);
        let sql = if touch {
            "UPDATE sessions SET expires_at = $1 WHERE id_sha256 = $2 AND expires_at > $3 \
             RETURNING user_id, username, display_name, role, csrf_token"
        } else {
            "SELECT user_id, username, display_name, role, csrf_token FROM sessions \
             WHERE id_sha256 = $1 AND expires_at > $2"
        };
        on_pool!(&self.pool, |p| {
            let mut q = sqlx::query(sql);
            if touch {
                q = q.bind(expires.as_microsecond());
            }
            let row = q
                .bind(&key)
                .bind(now.as_microsecond())
                .fetch_optional(p)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let user_id: String = row.try_get("user_id")?;
            let role: i64 = row.try_get("role")?;
            Ok(Uuid::parse_str(&user_id).ok().map(|user_id| Session {
                user_id,
                username: row.try_get("username").unwrap_or_default(),
                display_name: row.try_get("display_name").unwrap_or_default(),
                role: i32::try_from(role).unwrap_or_default(),
                csrf_token: row.try_get("csrf_token").unwrap_or_default(),
            }))
        })
    }

    /// Ends the session with cookie id `id`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn delete(&self, id: &str) -> Result<(), sqlx::Error> {
        let sql = "DELETE FROM sessions WHERE id_sha256 = $1";
        on_pool!(&self.pool, |p| {
            sqlx::query(sql).bind(digest(id)).execute(p).await?;
        });
        Ok(())
    }

    /// Shows `display_name` in every session of `user` (after they renamed
    /// themselves).
    ///
    /// # Errors
    /// Database failures.
    pub async fn rename(&self, user: Uuid, display_name: &str) -> Result<(), sqlx::Error> {
        let sql = "UPDATE sessions SET display_name = $1 WHERE user_id = $2";
        on_pool!(&self.pool, |p| {
            sqlx::query(sql)
                .bind(display_name)
                .bind(user.to_string())
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of `user` but the one with cookie id `keep` (after
    /// a password change, a stolen session must not outlive it).
    ///
    /// # Errors
    /// Database failures.
    pub async fn end_others(&self, user: Uuid, keep: &str) -> Result<u64, sqlx::Error> {
        on_pool!(&self.pool, |p| Ok(sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND id_sha256 <> $2"
        )
        .bind(user.to_string())
        .bind(digest(keep))
        .execute(p)
        .await?
        .rows_affected()))
    }

    /// Deletes sessions that ended before `now`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn purge(&self, now: Timestamp) -> Result<u64, sqlx::Error> {
        on_pool!(&self.pool, |p| Ok(sqlx::query(
            "DELETE FROM sessions WHERE expires_at <= $1"
        )
        .bind(now.as_microsecond())
        .execute(p)
        .await?
        .rows_affected()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &b));
        assert!(!tokens_match(&a, &a[..63]));
        assert!(!tokens_match(&a, ""));
    }

    #[test]
    fn the_stored_key_is_not_the_cookie() {
        let id = random_token();
        assert_ne!(digest(&id), id);
        assert_eq!(digest(&id), digest(&id));
    }
}
