//! Partner references → the application they made: the same reference with
//! the same content is the same application and tracking number; with other
//! content it is refused. One table, the same SQL on PostgreSQL and SQLite.
//! It holds ids and a content hash only, no personal data, and is kept (the
//! partner asks for the status by its reference for as long as it likes).

use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

/// What a partner reference stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// SHA-256 (hex) of the request that first used the reference.
    pub fingerprint: String,
    /// The application the reference's first request opened.
    pub application_id: Uuid,
    pub tracking_number: String,
    /// When intake first received it (microseconds since the epoch).
    pub received_at_micros: i64,
}

/// The partner-reference store.
#[derive(Debug, Clone)]
pub struct PartnerStore(SqlPool);

/// Inserts, or (on a reused reference) returns the first row: the no-op
/// update makes `RETURNING` answer in one round trip.
const REMEMBER: &str = "INSERT INTO partner_applications (partner_id, partner_reference, \
    fingerprint, application_id, tracking_number, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON \
    CONFLICT (partner_id, partner_reference) DO UPDATE SET partner_id = excluded.partner_id \
    RETURNING fingerprint, application_id, tracking_number, received_at";

const COLUMNS: &str =
    "fingerprint, application_id, tracking_number, received_at, partner_reference";

impl PartnerStore {
    /// Connects lazily to `url`; intake's migrations create the table.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 10).map(Self)
    }

    /// Records `fresh` under (`partner`, `reference`) unless the reference
    /// exists; returns what the reference stands for now.
    ///
    /// # Errors
    /// Database failures.
    pub async fn remember(
        &self,
        partner: &str,
        reference: &str,
        fresh: &Submission,
    ) -> Result<Submission, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(REMEMBER)
                .bind(partner)
                .bind(reference)
                .bind(&fresh.fingerprint)
                .bind(fresh.application_id.to_string())
                .bind(&fresh.tracking_number)
                .bind(fresh.received_at_micros)
                .fetch_one(p)
                .await?;
            submission(&row)
        })
    }

    /// The submission of `partner` under `reference`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn by_reference(
        &self,
        partner: &str,
        reference: &str,
    ) -> Result<Option<(Submission, String)>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM partner_applications WHERE partner_id = $1 AND partner_reference = $2"
            ))
            .bind(partner)
            .bind(reference)
            .fetch_optional(p)
            .await?;
            row.map(|r| Ok((submission(&r)?, r.try_get("partner_reference")?)))
                .transpose()
        })
    }

    /// The submission of `partner` with `tracking_number` (canonical form).
    ///
    /// # Errors
    /// Database failures.
    pub async fn by_tracking_number(
        &self,
        partner: &str,
        tracking_number: &str,
    ) -> Result<Option<(Submission, String)>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM partner_applications WHERE partner_id = $1 AND tracking_number = $2"
            ))
            .bind(partner)
            .bind(tracking_number)
            .fetch_optional(p)
            .await?;
            row.map(|r| Ok((submission(&r)?, r.try_get("partner_reference")?)))
                .transpose()
        })
    }

    /// Checks the database answers.
    ///
    /// # Errors
    /// Database failures.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))
    }
}

fn submission<R: sqlx::Row>(row: &R) -> Result<Submission, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id: String = row.try_get("application_id")?;
    Ok(Submission {
        fingerprint: row.try_get("fingerprint")?,
        application_id: Uuid::parse_str(&id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        tracking_number: row.try_get("tracking_number")?,
        received_at_micros: row.try_get("received_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::database;

    fn sub(fingerprint: &str, tn: &str) -> Submission {
        Submission {
            fingerprint: fingerprint.into(),
            application_id: Uuid::now_v7(),
            tracking_number: tn.into(),
            received_at_micros: 1_764_000_000_000_000,
        }
    }

    async fn references_are_idempotent_per_partner(url: &str) {
        let s = PartnerStore::connect(url).unwrap();
        let first = sub("f1", "AAAAAAAAAA");
        assert_eq!(s.remember("cimer", "R-1", &first).await.unwrap(), first);
        // Reused: the first submission answers, whatever the new one carries.
        let again = s
            .remember("cimer", "R-1", &sub("f2", "BBBBBBBBBB"))
            .await
            .unwrap();
        assert_eq!(again, first);
        // The same reference of another partner is another application.
        let other = sub("f1", "CCCCCCCCCC");
        assert_eq!(s.remember("bimer", "R-1", &other).await.unwrap(), other);
        let (found, reference) = s
            .by_tracking_number("cimer", "AAAAAAAAAA")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found, reference.as_str()), (first.clone(), "R-1"));
        assert!(
            s.by_tracking_number("bimer", "AAAAAAAAAA")
                .await
                .unwrap()
                .is_none()
        );
        assert!(s.by_reference("cimer", "R-2").await.unwrap().is_none());
        assert_eq!(
            s.by_reference("bimer", "R-1").await.unwrap().unwrap().0,
            other
        );
        s.ping().await.unwrap();
    }

    #[tokio::test]
    async fn references_are_idempotent_per_partner_on_sqlite() {
        let (url, _dir) = database("sqlite").await;
        references_are_idempotent_per_partner(&url).await;
    }

    #[tokio::test]
    async fn references_are_idempotent_per_partner_on_postgres() {
        let (url, _dir) = database("postgres").await;
        references_are_idempotent_per_partner(&url).await;
    }
}
