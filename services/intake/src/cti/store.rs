//! The CTI store: calls for the screen lookup, event ids seen, and the caller
//! index (an HMAC of each applicant's phone number → their applications).
//! One SQL for PostgreSQL and SQLite.

use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

use super::event::IvrSelection;

/// A call as the lookup shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Call {
    /// The CTI's call id.
    pub call_id: String,
    /// The caller's number, E.164; `None` when withheld. Personal data.
    pub caller_phone: Option<String>,
    /// The agent it was offered to.
    pub agent: Option<String>,
    /// The queue it came in on (or the number dialled).
    pub queue: Option<String>,
    /// The IVR steps before it.
    pub ivr_selections: Vec<IvrSelection>,
    /// When it was offered (microseconds).
    pub offered_at: Option<i64>,
    /// When it ended (microseconds).
    pub ended_at: Option<i64>,
    /// How it ended.
    pub disposition: Option<String>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("call_id", &self.call_id)
            .field("offered_at", &self.offered_at)
            .field("ended_at", &self.ended_at)
            .finish_non_exhaustive()
    }
}

/// What an event id already stood for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenEvent {
    /// SHA-256 (hex) of the body that first used it.
    pub fingerprint: String,
    /// The application an IVR record opened.
    pub application_id: Option<Uuid>,
    pub tracking_number: Option<String>,
    /// When it was first received (microseconds): a replay reuses it.
    pub received_at: i64,
    /// When the bus acknowledged the application an IVR record opened
    /// (microseconds): from then on a replay publishes nothing.
    pub published_at: Option<i64>,
}

/// One earlier application of a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierApplication {
    /// Its tracking number (canonical).
    pub tracking_number: String,
    /// Its channel (protobuf number).
    pub channel: i32,
    /// When it was received (microseconds).
    pub received_at: i64,
}

/// Where the CTI side keeps its state.
#[derive(Debug, Clone)]
pub struct CtiStore(SqlPool);

/// The no-op update makes `RETURNING` give the first use's row. A new IVR
/// record is inserted with the publishing lease of the request inserting it.
const REMEMBER_EVENT: &str = "INSERT INTO cti_events (event_id, fingerprint, application_id, \
    tracking_number, received_at, publishing_until) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT \
    (event_id) DO UPDATE SET event_id = excluded.event_id RETURNING fingerprint, application_id, \
    tracking_number, received_at, published_at";

/// Takes the publishing lease of an unpublished event nobody holds.
const CLAIM_PUBLICATION: &str = "UPDATE cti_events SET publishing_until = $2 WHERE event_id = $1 \
    AND published_at IS NULL AND (publishing_until IS NULL OR publishing_until <= $3)";

/// An offered call; an `ended` that arrived first keeps its end.
const UPSERT_OFFERED: &str = "INSERT INTO cti_calls (call_id, caller_phone, agent, ivr_selections, \
    offered_at, ended_at, disposition, updated_at, queue) VALUES ($1, $2, $3, $4, $5, NULL, NULL, \
    $6, $7) ON CONFLICT (call_id) DO UPDATE SET caller_phone = excluded.caller_phone, agent = \
    excluded.agent, ivr_selections = excluded.ivr_selections, offered_at = excluded.offered_at, \
    updated_at = excluded.updated_at, queue = excluded.queue";

const UPSERT_ENDED: &str = "INSERT INTO cti_calls (call_id, caller_phone, agent, ivr_selections, \
    offered_at, ended_at, disposition, updated_at) VALUES ($1, NULL, NULL, '[]', NULL, $2, $3, $4) \
    ON CONFLICT (call_id) DO UPDATE SET ended_at = excluded.ended_at, disposition = \
    excluded.disposition, updated_at = excluded.updated_at";

const CALL_COLUMNS: &str =
    "call_id, caller_phone, agent, ivr_selections, offered_at, ended_at, disposition, queue";

impl CtiStore {
    /// Connects lazily to `url`; intake's migrations create the tables.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 10).map(Self)
    }

    /// Records `event_id` unless seen; returns what it stands for now. A
    /// new event is inserted holding the publishing lease until
    /// `lease_until` (`None` for events that publish nothing).
    ///
    /// # Errors
    /// Database failures.
    pub async fn remember_event(
        &self,
        event_id: &str,
        fresh: &SeenEvent,
        lease_until: Option<i64>,
    ) -> Result<SeenEvent, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(REMEMBER_EVENT)
                .bind(event_id)
                .bind(&fresh.fingerprint)
                .bind(fresh.application_id.map(|u| u.to_string()))
                .bind(&fresh.tracking_number)
                .bind(fresh.received_at)
                .bind(lease_until)
                .fetch_one(p)
                .await?;
            let app: Option<String> = row.try_get("application_id")?;
            Ok(SeenEvent {
                fingerprint: row.try_get("fingerprint")?,
                application_id: app
                    .map(|a| Uuid::parse_str(&a).map_err(|e| sqlx::Error::Decode(Box::new(e))))
                    .transpose()?,
                tracking_number: row.try_get("tracking_number")?,
                received_at: row.try_get("received_at")?,
                published_at: row.try_get("published_at")?,
            })
        })
    }

    /// Takes the publishing lease of `event_id` until `lease_until`, unless
    /// it is published or another request's lease runs past `now` (on any
    /// replica: the lease is in the shared store). Whether it was taken.
    ///
    /// # Errors
    /// Database failures.
    pub async fn claim_publication(
        &self,
        event_id: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<bool, sqlx::Error> {
        on_pool!(&self.0, |p| Ok(sqlx::query(CLAIM_PUBLICATION)
            .bind(event_id)
            .bind(lease_until)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()
            == 1))
    }

    /// Marks `event_id` published (the bus acknowledged its application):
    /// replays answer as the first time and publish nothing.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mark_published(&self, event_id: &str, at: i64) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query(
            "UPDATE cti_events SET published_at = $2, publishing_until = NULL WHERE event_id = $1"
        )
        .bind(event_id)
        .bind(at)
        .execute(p)
        .await
        .map(|_| ()))
    }

    /// Gives up the publishing lease after a failed publish, so the CTI's
    /// retry publishes at once instead of waiting for the lease to run out.
    ///
    /// # Errors
    /// Database failures.
    pub async fn release_publication(&self, event_id: &str) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query(
            "UPDATE cti_events SET publishing_until = NULL WHERE event_id = $1 AND published_at \
             IS NULL"
        )
        .bind(event_id)
        .execute(p)
        .await
        .map(|_| ()))
    }

    /// Records an offered call.
    ///
    /// # Errors
    /// Database failures.
    pub async fn call_offered(&self, call: &Call, now: i64) -> Result<(), sqlx::Error> {
        let selections = serde_json::to_string(&call.ivr_selections)
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        on_pool!(&self.0, |p| sqlx::query(UPSERT_OFFERED)
            .bind(&call.call_id)
            .bind(&call.caller_phone)
            .bind(&call.agent)
            .bind(&selections)
            .bind(call.offered_at)
            .bind(now)
            .bind(&call.queue)
            .execute(p)
            .await
            .map(|_| ()))
    }

    /// Records a call's end.
    ///
    /// # Errors
    /// Database failures.
    pub async fn call_ended(
        &self,
        call_id: &str,
        ended_at: i64,
        disposition: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query(UPSERT_ENDED)
            .bind(call_id)
            .bind(ended_at)
            .bind(disposition)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()))
    }

    /// The call `call_id`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn call(&self, call_id: &str) -> Result<Option<Call>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&format!(
                "SELECT {CALL_COLUMNS} FROM cti_calls WHERE call_id = $1"
            ))
            .bind(call_id)
            .fetch_optional(p)
            .await?;
            row.map(|r| call_of(&r)).transpose()
        })
    }

    /// The newest call offered to `agent` that has not ended.
    ///
    /// # Errors
    /// Database failures.
    pub async fn current_call(&self, agent: &str) -> Result<Option<Call>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&format!(
                "SELECT {CALL_COLUMNS} FROM cti_calls WHERE agent = $1 AND ended_at IS NULL \
                 ORDER BY offered_at DESC LIMIT 1"
            ))
            .bind(agent)
            .fetch_optional(p)
            .await?;
            row.map(|r| call_of(&r)).transpose()
        })
    }

    /// Adds one application to the caller index (idempotent on its id).
    ///
    /// # Errors
    /// Database failures.
    pub async fn index_application(
        &self,
        application_id: &str,
        phone_hash: &str,
        tracking_number: &str,
        channel: i32,
        received_at: i64,
    ) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| {
            sqlx::query(
            "INSERT INTO caller_applications (application_id, phone_hash, tracking_number, channel, received_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO NOTHING",
        )
        .bind(application_id)
        .bind(phone_hash)
        .bind(tracking_number)
        // INTEGER is 4 bytes on PostgreSQL: bind and read it as i32.
        .bind(channel)
        .bind(received_at)
        .execute(p)
        .await
        .map(|_| ())
        })
    }

    /// The caller's applications since `since`, newest first, at most `limit`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn earlier_applications(
        &self,
        phone_hash: &str,
        since: i64,
        limit: u32,
    ) -> Result<Vec<EarlierApplication>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let rows = sqlx::query(
                "SELECT tracking_number, channel, received_at FROM caller_applications \
                 WHERE phone_hash = $1 AND received_at >= $2 ORDER BY received_at DESC LIMIT $3",
            )
            .bind(phone_hash)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(EarlierApplication {
                        tracking_number: r.try_get("tracking_number")?,
                        channel: r.try_get::<i32, _>("channel")?,
                        received_at: r.try_get("received_at")?,
                    })
                })
                .collect()
        })
    }

    /// Forgets calls idle since `calls_before`, event ids received before
    /// `events_before`, and index entries older than `index_before`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn purge(
        &self,
        calls_before: i64,
        events_before: i64,
        index_before: i64,
    ) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let a = sqlx::query("DELETE FROM cti_calls WHERE updated_at < $1")
                .bind(calls_before)
                .execute(p)
                .await?
                .rows_affected();
            let b = sqlx::query("DELETE FROM cti_events WHERE received_at < $1")
                .bind(events_before)
                .execute(p)
                .await?
                .rows_affected();
            let c = sqlx::query("DELETE FROM caller_applications WHERE received_at < $1")
                .bind(index_before)
                .execute(p)
                .await?
                .rows_affected();
            Ok(a + b + c)
        })
    }
}

fn call_of<R: sqlx::Row>(r: &R) -> Result<Call, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let selections: String = r.try_get("ivr_selections")?;
    Ok(Call {
        call_id: r.try_get("call_id")?,
        caller_phone: r.try_get("caller_phone")?,
        agent: r.try_get("agent")?,
        ivr_selections: serde_json::from_str(&selections)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        offered_at: r.try_get("offered_at")?,
        ended_at: r.try_get("ended_at")?,
        disposition: r.try_get("disposition")?,
        queue: r.try_get("queue")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::database;

    async fn calls_events_and_the_caller_index(url: &str) {
        let s = CtiStore::connect(url).unwrap();
        // An end that arrives before the offer keeps its end.
        s.call_ended("c-1", 20, "answered", 20).await.unwrap();
        let call = Call {
            call_id: "c-1".into(),
            caller_phone: Some("+905321234567".into()),
            agent: Some("cagrimerkezi".into()),
            ivr_selections: vec![IvrSelection {
                menu: "ana".into(),
                choice: "1".into(),
            }],
            offered_at: Some(10),
            ended_at: None,
            disposition: None,
            queue: Some("185".into()),
        };
        s.call_offered(&call, 21).await.unwrap();
        let got = s.call("c-1").await.unwrap().unwrap();
        assert_eq!(
            (
                got.offered_at,
                got.ended_at,
                got.disposition.as_deref(),
                got.queue.as_deref()
            ),
            (Some(10), Some(20), Some("answered"), Some("185"))
        );
        assert_eq!(got.ivr_selections, call.ivr_selections);
        assert!(
            s.current_call("cagrimerkezi").await.unwrap().is_none(),
            "it ended"
        );
        let live = Call {
            call_id: "c-2".into(),
            offered_at: Some(30),
            ..call.clone()
        };
        s.call_offered(&live, 31).await.unwrap();
        assert_eq!(
            s.current_call("cagrimerkezi")
                .await
                .unwrap()
                .unwrap()
                .call_id,
            "c-2"
        );

        let fresh = SeenEvent {
            fingerprint: "f".into(),
            application_id: Some(Uuid::now_v7()),
            tracking_number: Some("AAAAAAAAAA".into()),
            received_at: 5,
            published_at: None,
        };
        assert_eq!(
            s.remember_event("e-1", &fresh, Some(50)).await.unwrap(),
            fresh
        );
        let other = SeenEvent {
            fingerprint: "g".into(),
            application_id: None,
            tracking_number: None,
            received_at: 6,
            published_at: None,
        };
        assert_eq!(
            s.remember_event("e-1", &other, None).await.unwrap(),
            fresh,
            "the first use of an id stands"
        );
        // The first request holds the lease until 50: a replay at 10 (on
        // any replica) may not publish; once it ran out, one replay may.
        assert!(!s.claim_publication("e-1", 10, 60).await.unwrap());
        assert!(s.claim_publication("e-1", 50, 60).await.unwrap());
        assert!(!s.claim_publication("e-1", 55, 65).await.unwrap());
        s.release_publication("e-1").await.unwrap();
        assert!(
            s.claim_publication("e-1", 56, 66).await.unwrap(),
            "a failed publish let go"
        );
        s.mark_published("e-1", 57).await.unwrap();
        assert!(
            !s.claim_publication("e-1", 100, 110).await.unwrap(),
            "published: never again"
        );
        assert_eq!(
            s.remember_event("e-1", &fresh, Some(120))
                .await
                .unwrap()
                .published_at,
            Some(57)
        );

        for (id, tn, at) in [("a1", "T1", 100), ("a2", "T2", 300), ("a3", "T3", 200)] {
            s.index_application(id, "hash-1", tn, 1, at).await.unwrap();
        }
        s.index_application("a1", "hash-1", "T1", 1, 100)
            .await
            .unwrap();
        s.index_application("a9", "hash-2", "T9", 1, 400)
            .await
            .unwrap();
        let earlier = s.earlier_applications("hash-1", 150, 10).await.unwrap();
        let tns: Vec<&str> = earlier.iter().map(|e| e.tracking_number.as_str()).collect();
        assert_eq!(
            tns,
            vec!["T2", "T3"],
            "newest first, since the given time, this caller only"
        );
        assert_eq!(
            s.earlier_applications("hash-1", 0, 1).await.unwrap().len(),
            1
        );

        assert_eq!(s.purge(25, 6, 150).await.unwrap(), 1 + 1 + 1);
        assert!(s.call("c-1").await.unwrap().is_none());
        assert!(s.call("c-2").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn calls_events_and_the_caller_index_on_sqlite() {
        let (url, _dir) = database("sqlite").await;
        calls_events_and_the_caller_index(&url).await;
    }

    #[tokio::test]
    async fn calls_events_and_the_caller_index_on_postgres() {
        let (url, _dir) = database("postgres").await;
        calls_events_and_the_caller_index(&url).await;
    }
}
