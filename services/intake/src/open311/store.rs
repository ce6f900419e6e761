//! What each Open311 client filed: one row per request, with its tracking
//! number (`service_request_id`), its token, its service and when it came.
//! The same SQL on PostgreSQL and SQLite. A row is written before the
//! application is published and marked published once the bus acknowledged
//! it; only published rows are listed, so a request whose publish failed
//! (the client was told to retry) never shows.

use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

/// One request as intake keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// The client that filed it.
    pub client_id: String,
    /// The tracking number, canonical form.
    pub service_request_id: String,
    /// What `tokens/{token}` resolves.
    pub token: String,
    /// The application's id.
    pub application_id: Uuid,
    /// The category code.
    pub service_code: String,
    /// When intake took it (microseconds since the epoch).
    pub requested_at: i64,
    /// The client's `Idempotency-Key`, when it sent one.
    pub idempotency_key: Option<String>,
    /// SHA-256 (hex) of the request's fields without the api_key.
    pub fingerprint: String,
    /// The client's media link, as given.
    pub media_url: Option<String>,
}

/// Which requests a `GET requests` lists.
#[derive(Debug, Clone)]
pub struct Query {
    /// From (microseconds, inclusive).
    pub from: i64,
    /// To (microseconds, inclusive).
    pub to: i64,
    /// Only these services; empty: all.
    pub service_codes: Vec<String>,
    /// At most this many, newest first.
    pub limit: u32,
}

/// The Open311 request store.
#[derive(Debug, Clone)]
pub struct Open311Store(SqlPool);

const COLUMNS: &str = "client_id, service_request_id, token, application_id, service_code, \
    requested_at, idempotency_key, fingerprint, media_url";

impl Open311Store {
    /// Connects lazily to `url`; intake's migrations create the table.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 10).map(Self)
    }

    /// Records `fresh`, or, when its client already used its idempotency
    /// key, returns what that key filed.
    ///
    /// # Errors
    /// Database failures.
    pub async fn remember(&self, fresh: &Filed) -> Result<Filed, sqlx::Error> {
        let sql = format!(
            "INSERT INTO open311_requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (client_id, idempotency_key) DO UPDATE SET client_id = excluded.client_id \
             RETURNING {COLUMNS}"
        );
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&sql)
                .bind(&fresh.client_id)
                .bind(&fresh.service_request_id)
                .bind(&fresh.token)
                .bind(fresh.application_id.to_string())
                .bind(&fresh.service_code)
                .bind(fresh.requested_at)
                .bind(&fresh.idempotency_key)
                .bind(&fresh.fingerprint)
                .bind(&fresh.media_url)
                .fetch_one(p)
                .await?;
            filed(&row)
        })
    }

    /// Marks a request published (the bus acknowledged it).
    ///
    /// # Errors
    /// Database failures.
    pub async fn mark_published(&self, client: &str, id: &str) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query(
            "UPDATE open311_requests SET published = TRUE \
             WHERE client_id = $1 AND service_request_id = $2"
        )
        .bind(client)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
    }

    /// The published request `id` of `client`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn by_id(&self, client: &str, id: &str) -> Result<Option<Filed>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM open311_requests \
             WHERE client_id = $1 AND service_request_id = $2 AND published"
        );
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&sql)
                .bind(client)
                .bind(id)
                .fetch_optional(p)
                .await?;
            row.map(|r| filed(&r)).transpose()
        })
    }

    /// The published request of `client` with `token`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn by_token(&self, client: &str, token: &str) -> Result<Option<Filed>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM open311_requests \
             WHERE client_id = $1 AND token = $2 AND published"
        );
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&sql)
                .bind(client)
                .bind(token)
                .fetch_optional(p)
                .await?;
            row.map(|r| filed(&r)).transpose()
        })
    }

    /// The published requests of `client` that `q` selects, newest first.
    ///
    /// # Errors
    /// Database failures.
    pub async fn list(&self, client: &str, q: &Query) -> Result<Vec<Filed>, sqlx::Error> {
        // The codes are bound one placeholder each ($5, $6, …).
        let codes = if q.service_codes.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (0..q.service_codes.len())
                .map(|i| format!("${}", i + 5))
                .collect();
            format!(" AND service_code IN ({})", marks.join(", "))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM open311_requests WHERE client_id = $1 AND published \
             AND requested_at >= $2 AND requested_at <= $3{codes} \
             ORDER BY requested_at DESC, service_request_id LIMIT $4"
        );
        on_pool!(&self.0, |p| {
            let mut query = sqlx::query(&sql)
                .bind(client)
                .bind(q.from)
                .bind(q.to)
                .bind(i64::from(q.limit));
            for c in &q.service_codes {
                query = query.bind(c);
            }
            let rows = query.fetch_all(p).await?;
            rows.iter().map(filed).collect()
        })
    }
}

fn filed<R: sqlx::Row>(row: &R) -> Result<Filed, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id: String = row.try_get("application_id")?;
    Ok(Filed {
        client_id: row.try_get("client_id")?,
        service_request_id: row.try_get("service_request_id")?,
        token: row.try_get("token")?,
        application_id: Uuid::parse_str(&id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        service_code: row.try_get("service_code")?,
        requested_at: row.try_get("requested_at")?,
        idempotency_key: row.try_get("idempotency_key")?,
        fingerprint: row.try_get("fingerprint")?,
        media_url: row.try_get("media_url")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::database;

    fn filed(client: &str, id: &str, key: Option<&str>, at: i64, code: &str) -> Filed {
        Filed {
            client_id: client.into(),
            service_request_id: id.into(),
            token: Uuid::new_v4().simple().to_string(),
            application_id: Uuid::now_v7(),
            service_code: code.into(),
            requested_at: at,
            idempotency_key: key.map(Into::into),
            fingerprint: format!("f-{id}"),
            media_url: None,
        }
    }

    async fn requests_are_kept_per_client(url: &str) {
        let s = Open311Store::connect(url).unwrap();
        let a = filed("belediye", "AAAAAAAAAA", Some("k-1"), 1_000, "su_arizasi");
        assert_eq!(s.remember(&a).await.unwrap(), a);
        // The same key again: the first request answers.
        let again = s
            .remember(&filed(
                "belediye",
                "BBBBBBBBBB",
                Some("k-1"),
                2_000,
                "fatura",
            ))
            .await
            .unwrap();
        assert_eq!(again, a);
        // Without a key every request is its own; another client's key is its own.
        let b = filed("belediye", "CCCCCCCCCC", None, 3_000, "fatura");
        let c = filed("belediye", "DDDDDDDDDD", None, 4_000, "su_arizasi");
        let d = filed("baska", "EEEEEEEEEE", Some("k-1"), 5_000, "su_arizasi");
        for f in [&b, &c, &d] {
            assert_eq!(&s.remember(f).await.unwrap(), f);
        }
        // Unpublished rows are not shown.
        assert!(s.by_id("belediye", "AAAAAAAAAA").await.unwrap().is_none());
        for f in [&a, &b, &c, &d] {
            s.mark_published(&f.client_id, &f.service_request_id)
                .await
                .unwrap();
        }
        assert_eq!(
            s.by_id("belediye", "AAAAAAAAAA").await.unwrap(),
            Some(a.clone())
        );
        assert!(s.by_id("baska", "AAAAAAAAAA").await.unwrap().is_none());
        assert_eq!(
            s.by_token("belediye", &b.token).await.unwrap(),
            Some(b.clone())
        );
        assert!(s.by_token("baska", &b.token).await.unwrap().is_none());
        let q = |from, to, codes: &[&str]| Query {
            from,
            to,
            service_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            limit: 10,
        };
        let ids = |v: Vec<Filed>| {
            v.into_iter()
                .map(|f| f.service_request_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(s.list("belediye", &q(0, 10_000, &[])).await.unwrap()),
            ["DDDDDDDDDD", "CCCCCCCCCC", "AAAAAAAAAA"]
        );
        assert_eq!(
            ids(s
                .list("belediye", &q(2_000, 10_000, &["su_arizasi"]))
                .await
                .unwrap()),
            ["DDDDDDDDDD"]
        );
        assert_eq!(
            ids(s
                .list("belediye", &q(0, 3_500, &["fatura", "su_arizasi"]))
                .await
                .unwrap()),
            ["CCCCCCCCCC", "AAAAAAAAAA"]
        );
        let mut one = q(0, 10_000, &[]);
        one.limit = 1;
        assert_eq!(ids(s.list("belediye", &one).await.unwrap()), ["DDDDDDDDDD"]);
    }

    #[tokio::test]
    async fn requests_are_kept_per_client_on_sqlite() {
        let (url, _dir) = database("sqlite").await;
        requests_are_kept_per_client(&url).await;
    }

    #[tokio::test]
    async fn requests_are_kept_per_client_on_postgres() {
        let (url, _dir) = database("postgres").await;
        requests_are_kept_per_client(&url).await;
    }
}
