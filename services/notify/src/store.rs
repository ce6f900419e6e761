//! The delivery log and the catalogue on PostgreSQL or SQLite, one SQL text
//! for both (ADR 0002; the claim differs only by PostgreSQL's `FOR UPDATE
//! SKIP LOCKED`, which SQLite's single writer does not need).
//!
//! A delivery moves `pending → sending → sent → delivered`, or ends
//! `failed` with a reason. `sending` is held under a lease: a row still
//! `sending` after its lease is *in doubt* (its sender died, or the
//! provider's answer was lost) and the next claim asks the provider before
//! sending again (see [`crate::dispatch`]). Each claim takes a fresh
//! `claim_seq`, and every write for the claimed attempt compares it: a
//! sender whose row was claimed again since writes nothing
//! ([`StoreError::ClaimLost`]). Report e-mails fence the same way on their
//! `attempts`.

mod ready_answers;

use tekmerkez_sqlpool::{SqlPool, Statement, on_pool};
use uuid::Uuid;

use crate::catalogue::{Rule, Template};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("running migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored row is unreadable.
    #[error("stored row is invalid: {0}")]
    Corrupt(&'static str),
    /// The write matched nothing: the delivery was claimed again since this
    /// sender's claim (its lease ran out), or is no longer `sending`. The
    /// sender must not touch the delivery any more.
    #[error("the claim on the delivery was lost")]
    ClaimLost,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting to be sent (maybe until quiet hours end, or a retry).
    Pending,
    /// Claimed by a sender.
    Sending,
    /// The provider or SMTP relay took it.
    Sent,
    /// The provider reported it reached the handset.
    Delivered,
    /// It will not be sent; `reason` says why.
    Failed,
}

impl DeliveryState {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Sending,
            Self::Sent,
            Self::Delivered,
            Self::Failed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A message to record.
#[derive(Clone)]
pub struct NewDelivery {
    /// Its id: also the client-side message id given to providers.
    pub id: Uuid,
    /// `<event id>:<rule key>`.
    pub idempotency_key: String,
    /// The case event.
    pub event_id: String,
    pub case_id: String,
    pub tracking_number: String,
    /// The rule's key.
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    pub rule_version: i64,
    pub template_key: String,
    pub template_locale: String,
    pub template_version: i64,
    /// `pending`, or `failed` when it can never be sent.
    pub state: DeliveryState,
    /// Why it failed.
    pub reason: Option<String>,
    /// Phone (E.164) or e-mail address (personal data).
    pub recipient: Option<String>,
    /// E-mail subject.
    pub subject: Option<String>,
    /// SMS text or the e-mail's text part (personal data).
    pub body: Option<String>,
    /// The e-mail's HTML part.
    pub html: Option<String>,
    /// The e-mail's Message-ID.
    pub message_id: Option<String>,
    /// The citizen's own Message-ID an e-mail answers (`In-Reply-To`).
    pub in_reply_to: Option<String>,
    /// SMS encoding.
    pub encoding: Option<String>,
    /// SMS segments.
    pub segments: Option<i64>,
    /// Urgent case (not deferred by quiet hours).
    pub urgent: bool,
    /// Deferred by quiet hours.
    pub deferred: bool,
    /// Not before (µs).
    pub due_at: i64,
    /// Now (µs).
    pub created_at: i64,
    /// It carries the official answer: failing for good marks the case
    /// "citizen not reached".
    pub carries_answer: bool,
}

impl std::fmt::Debug for NewDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDelivery")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// A delivery as stored.
#[derive(Clone)]
pub struct Delivery {
    /// Id (the client-side message id).
    pub id: Uuid,
    /// The case event.
    pub event_id: String,
    pub case_id: String,
    pub tracking_number: String,
    /// The rule's key.
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    pub rule_version: i64,
    /// The template, language and version used.
    pub template: (String, String, i64),
    /// Where it stands.
    pub state: DeliveryState,
    /// Why it failed, or why the last attempt did not work.
    pub reason: Option<String>,
    /// Personal data while in flight; `None` once final.
    pub recipient: Option<String>,
    /// E-mail subject while in flight.
    pub subject: Option<String>,
    /// Text while in flight.
    pub body: Option<String>,
    /// HTML while in flight.
    pub html: Option<String>,
    /// The e-mail's Message-ID.
    pub message_id: Option<String>,
    /// The citizen's own Message-ID an e-mail answers, while in flight.
    pub in_reply_to: Option<String>,
    /// SMS encoding code.
    pub encoding: Option<String>,
    /// SMS segments.
    pub segments: Option<i64>,
    pub urgent: bool,
    /// Deferred by quiet hours.
    pub deferred: bool,
    /// Not before (µs).
    pub due_at: i64,
    /// Send attempts so far.
    pub attempts: i64,
    /// Whether the last attempt's outcome is unknown.
    pub in_doubt: bool,
    /// The provider of the last attempt.
    pub provider: Option<String>,
    /// The provider's reference.
    pub provider_ref: Option<String>,
    /// When the last attempt started (µs).
    pub attempt_started_at: Option<i64>,
    /// The fencing token of the claim that returned this row: every claim
    /// adds one, and the writes for an attempt match only while it holds.
    pub claim_seq: i64,
    /// Recorded (µs).
    pub created_at: i64,
    /// Last change (µs).
    pub updated_at: i64,
    /// Taken by the provider (µs).
    pub sent_at: Option<i64>,
    /// Reported delivered (µs).
    pub delivered_at: Option<i64>,
    /// The W3C trace context of the event it was recorded for.
    pub traceparent: Option<String>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, event_id, case_id, tracking_number, kind, channel, rule_version, \
    template_key, template_locale, template_version, state, reason, recipient, subject, body, \
    html, message_id, encoding, segments, urgent, deferred, due_at, attempts, in_doubt, provider, \
    provider_ref, attempt_started_at, created_at, updated_at, sent_at, delivered_at, traceparent, \
    in_reply_to, claim_seq";

fn from_row<R: sqlx::Row>(r: &R) -> Result<Delivery, StoreError>
where
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    Uuid: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    bool: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'x> sqlx::Decode<'x, R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database>,
{
    let state: String = r.try_get("state")?;
    Ok(Delivery {
        id: r.try_get("id")?,
        event_id: r.try_get("event_id")?,
        case_id: r.try_get("case_id")?,
        tracking_number: r.try_get("tracking_number")?,
        kind: r.try_get("kind")?,
        channel: r.try_get("channel")?,
        rule_version: r.try_get("rule_version")?,
        template: (
            r.try_get("template_key")?,
            r.try_get("template_locale")?,
            r.try_get("template_version")?,
        ),
        state: DeliveryState::parse(&state).ok_or(StoreError::Corrupt("state"))?,
        reason: r.try_get("reason")?,
        recipient: r.try_get("recipient")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        html: r.try_get("html")?,
        message_id: r.try_get("message_id")?,
        in_reply_to: r.try_get("in_reply_to")?,
        encoding: r.try_get("encoding")?,
        segments: r.try_get("segments")?,
        urgent: r.try_get("urgent")?,
        deferred: r.try_get("deferred")?,
        due_at: r.try_get("due_at")?,
        attempts: r.try_get("attempts")?,
        in_doubt: r.try_get("in_doubt")?,
        provider: r.try_get("provider")?,
        provider_ref: r.try_get("provider_ref")?,
        attempt_started_at: r.try_get("attempt_started_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        sent_at: r.try_get("sent_at")?,
        delivered_at: r.try_get("delivered_at")?,
        traceparent: r.try_get("traceparent")?,
        claim_seq: r.try_get("claim_seq")?,
    })
}

/// A message the development sink received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SinkMessage {
    /// Order of arrival.
    pub seq: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The delivery's message id.
    pub message_id: String,
    /// Phone or address.
    pub recipient: String,
    /// E-mail subject.
    pub subject: String,
    /// The plain-text part (the SMS text for an SMS).
    pub body: String,
    pub html: String,
    /// E-mail headers, one per line.
    pub headers: String,
    /// SMS encoding.
    pub encoding: String,
    /// SMS segments.
    pub segments: i64,
    /// When (µs).
    pub received_at: i64,
    /// An e-mail's attachments: names and sizes, not their contents.
    pub attachments: Vec<SinkAttachment>,
}

/// What the development sink keeps of an attachment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SinkAttachment {
    /// The file's name.
    pub filename: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
}

/// A row of `notify_dev_sink`, in column order.
type SinkRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
);

/// The notify database.
#[derive(Debug, Clone)]
pub struct NotifyStore(SqlPool);

/// Clearing the personal data of a message that will not be sent again.
const INSERT_RULE: &str = "INSERT INTO notify_rules (rule_key, version, definition, created_at, \
    created_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (rule_key, version) DO NOTHING";

/// Who the default rules and templates are written by.
const DEFAULTS: &str = "defaults";

/// `Ok` when a fenced write changed its row, [`StoreError::ClaimLost`] when
/// it matched nothing.
fn fenced(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::ClaimLost)
    } else {
        Ok(())
    }
}

const CLEAR_PII: &str =
    "recipient = NULL, subject = NULL, body = NULL, html = NULL, in_reply_to = NULL";

impl NotifyStore {
    /// Connects lazily to `url` (`postgres://` or `sqlite:`).
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str, pg_max_connections: u32) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, pg_max_connections).map(Self)
    }

    /// Applies migrations.
    ///
    /// # Errors
    /// Migration failures.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.0 {
            SqlPool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
            SqlPool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        }
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        on_pool!(&self.0, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .is_ok())
    }

    /// Records `d` unless a delivery with its idempotency key exists; true
    /// when it was new.
    ///
    /// # Errors
    /// Database failures.
    #[tracing::instrument(skip_all)]
    pub async fn insert(&self, d: &NewDelivery) -> Result<bool, StoreError> {
        let sql = "INSERT INTO notify_deliveries (id, idempotency_key, event_id, case_id, \
            tracking_number, kind, channel, rule_version, template_key, template_locale, \
            template_version, state, reason, recipient, subject, body, html, message_id, encoding, \
            segments, urgent, deferred, due_at, attempts, in_doubt, created_at, updated_at, \
            traceparent, carries_answer, in_reply_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
            $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 0, FALSE, $24, $24, $25, $26, $27) \
            ON CONFLICT (idempotency_key) DO NOTHING";
        on_pool!(&self.0, |p| {
            let n = sqlx::query(sql)
                .bind(d.id)
                .bind(&d.idempotency_key)
                .bind(&d.event_id)
                .bind(&d.case_id)
                .bind(&d.tracking_number)
                .bind(&d.kind)
                .bind(&d.channel)
                .bind(d.rule_version)
                .bind(&d.template_key)
                .bind(&d.template_locale)
                .bind(d.template_version)
                .bind(d.state.as_str())
                .bind(d.reason.as_deref())
                .bind(d.recipient.as_deref())
                .bind(d.subject.as_deref())
                .bind(d.body.as_deref())
                .bind(d.html.as_deref())
                .bind(d.message_id.as_deref())
                .bind(d.encoding.as_deref())
                .bind(d.segments)
                .bind(d.urgent)
                .bind(d.deferred)
                .bind(d.due_at)
                .bind(d.created_at)
                // Recorded inside the event's consume span: the send continues it.
                .bind(tekmerkez_telemetry::current_traceparent())
                .bind(d.carries_answer)
                .bind(d.in_reply_to.as_deref())
                .execute(p)
                .await?
                .rows_affected();
            Ok(n == 1)
        })
    }

    /// Failed deliveries that carried the answer and whose case the case
    /// service has not yet been told about, oldest first: `(id, case id,
    /// channel, reason)`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn unreported_not_reached(
        &self,
        limit: u32,
    ) -> Result<Vec<(Uuid, String, String, String)>, StoreError> {
        on_pool!(&self.0, |p| {
            let rows: Vec<(Uuid, String, String, Option<String>)> = sqlx::query_as(
                "SELECT id, case_id, channel, reason FROM notify_deliveries WHERE state = 'failed' \
                 AND carries_answer AND not_reached_reported_at IS NULL ORDER BY updated_at LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, case, channel, reason)| (id, case, channel, reason.unwrap_or_default()))
                .collect())
        })
    }

    /// The case service took the report of `id`'s failure.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mark_not_reached_reported(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        on_pool!(&self.0, |p| {
            sqlx::query("UPDATE notify_deliveries SET not_reached_reported_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(p)
                .await?;
            Ok(())
        })
    }

    /// The rule keys already recorded for `event_id`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn kinds_for_event(&self, event_id: &str) -> Result<Vec<String>, StoreError> {
        on_pool!(&self.0, |p| Ok(sqlx::query_scalar(
            "SELECT kind FROM notify_deliveries WHERE event_id = $1"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }

    /// Claims up to `limit` deliveries that are due (pending and due, or
    /// sending with an expired lease: in doubt), holding them until `lease_until`.
    /// Each claimed row's `claim_seq` goes up by one: the returned
    /// [`Delivery::claim_seq`] fences every later write for this claim.
    ///
    /// # Errors
    /// Database failures.
    #[tracing::instrument(skip_all)]
    pub async fn claim(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let lock = match &self.0 {
            SqlPool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            SqlPool::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE notify_deliveries SET in_doubt = (state = 'sending' OR in_doubt), state = 'sending', lease_until = $1, updated_at = $2, \
             claim_seq = claim_seq + 1 \
             WHERE id IN (SELECT id FROM notify_deliveries WHERE (state = 'pending' AND due_at <= $2) OR (state = 'sending' AND lease_until < $2) \
             ORDER BY due_at LIMIT $3{lock}) RETURNING {COLUMNS}"
        );
        on_pool!(&self.0, |p| {
            let rows = sqlx::query(&sql)
                .bind(lease_until)
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?;
            rows.iter().map(from_row).collect()
        })
    }

    /// Records that an attempt through `provider` starts now (before the
    /// request leaves, so a crash names the provider to ask).
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    /// `new_round` counts an attempt (the first provider of a round; a
    /// failover within the round does not).
    /// The claim's lease is renewed to `lease_until`: each attempt gets a
    /// whole lease. Fenced on `claim_seq` ([`StoreError::ClaimLost`]: do not send).
    pub async fn start_attempt(
        &self,
        id: Uuid,
        claim_seq: i64,
        provider: &str,
        new_round: bool,
        now: i64,
        lease_until: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notify_deliveries SET provider = $1, attempt_started_at = $2, attempts = \
            attempts + $3, updated_at = $2, lease_until = $4 WHERE id = $5 AND claim_seq = $6 \
            AND state = 'sending'";
        let n = on_pool!(&self.0, |p| sqlx::query(sql)
            .bind(provider)
            .bind(now)
            .bind(i64::from(new_round))
            .bind(lease_until)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// Holds a claim until `lease_until`.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row.
    pub async fn extend_lease(
        &self,
        id: Uuid,
        claim_seq: i64,
        lease_until: i64,
    ) -> Result<(), StoreError> {
        let n = on_pool!(&self.0, |p| sqlx::query(
            "UPDATE notify_deliveries SET lease_until = $1 WHERE id = $2 AND claim_seq = $3 \
             AND state = 'sending'",
        )
        .bind(lease_until)
        .bind(id)
        .bind(claim_seq)
        .execute(p)
        .await?
        .rows_affected());
        fenced(n)
    }

    /// The provider took it.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    pub async fn mark_sent(
        &self,
        id: Uuid,
        claim_seq: i64,
        provider: &str,
        reference: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE notify_deliveries SET state = 'sent', provider = $1, provider_ref = $2, sent_at = $3, updated_at = $3, \
             in_doubt = FALSE, lease_until = NULL, reason = NULL, {CLEAR_PII} WHERE id = $4 AND claim_seq = $5 \
             AND state = 'sending'"
        );
        let n = on_pool!(&self.0, |p| sqlx::query(&sql)
            .bind(provider)
            .bind(reference)
            .bind(now)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// It will never be sent.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    pub async fn mark_failed(
        &self,
        id: Uuid,
        claim_seq: i64,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE notify_deliveries SET state = 'failed', reason = $1, updated_at = $2, in_doubt = FALSE, lease_until = NULL, {CLEAR_PII} \
             WHERE id = $3 AND claim_seq = $4 AND state = 'sending'"
        );
        let n = on_pool!(&self.0, |p| sqlx::query(&sql)
            .bind(reason)
            .bind(now)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// Back to pending until `due_at` (a retry), with why.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    pub async fn reschedule(
        &self,
        id: Uuid,
        claim_seq: i64,
        due_at: i64,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notify_deliveries SET state = 'pending', due_at = $1, reason = $2, \
            updated_at = $3, in_doubt = FALSE, lease_until = NULL WHERE id = $4 AND claim_seq = $5 \
            AND state = 'sending'";
        let n = on_pool!(&self.0, |p| sqlx::query(sql)
            .bind(due_at)
            .bind(reason)
            .bind(now)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// A social message the platform no longer lets the institution write
    /// goes as an SMS to `phone` instead: the same delivery (its kind, its
    /// text, its idempotency key), now channel `sms`, pending at once; the
    /// social attempt's provider is forgotten so the SMS path never asks
    /// it, and `reason` says why it changed.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    pub async fn switch_to_sms(
        &self,
        id: Uuid,
        claim_seq: i64,
        phone: &str,
        cost: &crate::gsm::SmsCost,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notify_deliveries SET channel = 'sms', recipient = $1, encoding = $2, \
            segments = $3, state = 'pending', due_at = $4, reason = $5, updated_at = $4, \
            in_doubt = FALSE, lease_until = NULL, provider = NULL, provider_ref = NULL \
            WHERE id = $6 AND claim_seq = $7 AND state = 'sending' AND channel = 'social'";
        let n = on_pool!(&self.0, |p| sqlx::query(sql)
            .bind(phone)
            .bind(cost.encoding.as_str())
            .bind(i64::try_from(cost.segments).unwrap_or(i64::MAX))
            .bind(now)
            .bind(reason)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// The outcome of the attempt is unknown: keep it `sending`, in doubt,
    /// and look again at `retry_at`.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when the claim
    /// `claim_seq` no longer holds the row (nothing written).
    pub async fn mark_in_doubt(
        &self,
        id: Uuid,
        claim_seq: i64,
        retry_at: i64,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notify_deliveries SET in_doubt = TRUE, lease_until = $1, reason = $2, \
            updated_at = $3 WHERE id = $4 AND claim_seq = $5 AND state = 'sending'";
        let n = on_pool!(&self.0, |p| sqlx::query(sql)
            .bind(retry_at)
            .bind(reason)
            .bind(now)
            .bind(id)
            .bind(claim_seq)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// A delivery report: the message `reference` of `provider` reached the
    /// handset (`None`) or finally failed (`Some(reason)`). Returns how many
    /// deliveries it changed (0 for an unknown or already final reference).
    ///
    /// # Errors
    /// Database failures.
    pub async fn report(
        &self,
        provider: &str,
        reference: &str,
        failure: Option<&str>,
        now: i64,
    ) -> Result<u64, StoreError> {
        let delivered = "UPDATE notify_deliveries SET state = 'delivered', delivered_at = $1, \
            updated_at = $1 WHERE provider = $2 AND provider_ref = $3 AND state = 'sent'";
        let failed = "UPDATE notify_deliveries SET state = 'failed', reason = $4, updated_at = $1 \
            WHERE provider = $2 AND provider_ref = $3 AND state = 'sent'";
        let update = match failure {
            None => Statement::new(delivered),
            Some(_) => Statement::new(failed),
        }
        .bind(now)
        .bind(provider)
        .bind(reference);
        let update = match failure {
            Some(reason) => update.bind(reason),
            None => update,
        };
        Ok(on_pool!(&self.0, |p| update
            .query()
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Whether `provider` was ever given a message with `reference`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn known_reference(
        &self,
        provider: &str,
        reference: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(&self.0, |p| {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM notify_deliveries WHERE provider = $1 AND provider_ref = $2",
            )
            .bind(provider)
            .bind(reference)
            .fetch_one(p)
            .await?;
            Ok(n > 0)
        })
    }

    /// Provider references of messages `provider` took but has not reported on.
    ///
    /// # Errors
    /// Database failures.
    pub async fn awaiting_report(
        &self,
        provider: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        on_pool!(&self.0, |p| {
            Ok(sqlx::query_scalar(
            "SELECT provider_ref FROM notify_deliveries WHERE provider = $1 AND state = 'sent' AND provider_ref IS NOT NULL ORDER BY sent_at LIMIT $2")
            .bind(provider).bind(i64::from(limit)).fetch_all(p).await?)
        })
    }

    /// One delivery.
    ///
    /// # Errors
    /// Database failures.
    pub async fn get(&self, id: Uuid) -> Result<Option<Delivery>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notify_deliveries WHERE id = $1");
        on_pool!(&self.0, |p| {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await?;
            row.as_ref().map(from_row).transpose()
        })
    }

    /// The deliveries of a case, oldest first.
    ///
    /// # Errors
    /// Database failures.
    pub async fn list_by_case(&self, case_id: &str) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notify_deliveries WHERE case_id = $1 ORDER BY created_at, id"
        );
        on_pool!(&self.0, |p| {
            let rows = sqlx::query(&sql).bind(case_id).fetch_all(p).await?;
            rows.iter().map(from_row).collect()
        })
    }

    /// How many deliveries are in each state.
    ///
    /// # Errors
    /// Database failures.
    pub async fn count_by_state(&self) -> Result<Vec<(String, i64)>, StoreError> {
        on_pool!(&self.0, |p| {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT state, COUNT(*) FROM notify_deliveries GROUP BY state ORDER BY state",
            )
            .fetch_all(p)
            .await?;
            Ok(rows)
        })
    }

    /// The earliest `due_at` of a pending delivery, to sleep until it.
    ///
    /// # Errors
    /// Database failures.
    pub async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        on_pool!(&self.0, |p| Ok(sqlx::query_scalar(
            "SELECT MIN(due_at) FROM notify_deliveries WHERE state = 'pending'"
        )
        .fetch_one(p)
        .await?))
    }

    // --- the catalogue ---------------------------------------------------------

    /// The version in force of every rule.
    ///
    /// # Errors
    /// Database failures or an unreadable row.
    pub async fn current_rules(&self) -> Result<Vec<Rule>, StoreError> {
        let sql = "SELECT r.version, r.definition FROM notify_rules r WHERE r.version = (SELECT \
            MAX(version) FROM notify_rules x WHERE x.rule_key = r.rule_key) ORDER BY r.rule_key";
        on_pool!(&self.0, |p| {
            let rows: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(p).await?;
            rows.into_iter()
                .map(|(v, d)| {
                    let mut r: Rule =
                        serde_json::from_str(&d).map_err(|_| StoreError::Corrupt("rule"))?;
                    r.version = v;
                    Ok(r)
                })
                .collect()
        })
    }

    /// The version in force of every template in every language.
    ///
    /// # Errors
    /// Database failures or an unreadable row.
    pub async fn current_templates(&self) -> Result<Vec<Template>, StoreError> {
        Ok(self
            .templates_in_force()
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect())
    }

    /// The version in force of every template, with who wrote it.
    async fn templates_in_force(&self) -> Result<Vec<(Template, String)>, StoreError> {
        let sql = "SELECT t.version, t.definition, t.created_by FROM notify_templates t WHERE \
            t.version = (SELECT MAX(version) FROM notify_templates x WHERE x.template_key = \
            t.template_key AND x.locale = t.locale) ORDER BY t.template_key, t.locale";
        on_pool!(&self.0, |p| {
            let rows: Vec<(i64, String, String)> = sqlx::query_as(sql).fetch_all(p).await?;
            rows.into_iter()
                .map(|(v, d, by)| {
                    let mut t: Template =
                        serde_json::from_str(&d).map_err(|_| StoreError::Corrupt("template"))?;
                    t.version = v;
                    Ok((t, by))
                })
                .collect()
        })
    }

    /// Stores `rule` as its next version (or as `expected + 1` only, when
    /// `expected` is given) and returns the version; `None` when `expected`
    /// is stale.
    ///
    /// # Errors
    /// Database failures.
    pub async fn save_rule(
        &self,
        rule: &Rule,
        expected: Option<i64>,
        by: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let definition = serde_json::to_string(rule).map_err(|_| StoreError::Corrupt("rule"))?;
        on_pool!(&self.0, |p| {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM notify_rules WHERE rule_key = $1")
                    .bind(&rule.key)
                    .fetch_one(p)
                    .await?;
            let current = current.unwrap_or(0);
            if expected.is_some_and(|e| e != current) {
                return Ok(None);
            }
            let version = current + 1;
            // A concurrent edit of the same version loses on the primary key.
            let n = sqlx::query(INSERT_RULE)
                .bind(&rule.key)
                .bind(version)
                .bind(&definition)
                .bind(now)
                .bind(by)
                .execute(p)
                .await?
                .rows_affected();
            Ok((n == 1).then_some(version))
        })
    }

    /// Stores `template` as its next version; as [`Self::save_rule`].
    ///
    /// # Errors
    /// Database failures.
    pub async fn save_template(
        &self,
        template: &Template,
        expected: Option<i64>,
        by: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let definition =
            serde_json::to_string(template).map_err(|_| StoreError::Corrupt("template"))?;
        let sql = "INSERT INTO notify_templates (template_key, locale, version, definition, \
            created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (template_key, \
            locale, version) DO NOTHING";
        on_pool!(&self.0, |p| {
            let current: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM notify_templates WHERE template_key = $1 AND locale = $2",
            )
            .bind(&template.key)
            .bind(&template.locale)
            .fetch_one(p)
            .await?;
            let current = current.unwrap_or(0);
            if expected.is_some_and(|e| e != current) {
                return Ok(None);
            }
            let version = current + 1;
            let n = sqlx::query(sql)
                .bind(&template.key)
                .bind(&template.locale)
                .bind(version)
                .bind(&definition)
                .bind(now)
                .bind(by)
                .execute(p)
                .await?
                .rows_affected();
            Ok((n == 1).then_some(version))
        })
    }

    /// Writes the default rules and templates. A key with no version gets
    /// the default as version 1. A template whose version in force is a
    /// default text an earlier release wrote ([`crate::catalogue::superseded_templates`],
    /// written by the defaults, never edited since) gets today's default as
    /// its next version, so a changed default reaches every deployment that
    /// kept the old one. A version an admin wrote is never replaced, and a
    /// text this release does not know as superseded (a newer release's,
    /// during a rolling upgrade) is left alone.
    ///
    /// # Errors
    /// Database failures.
    pub async fn ensure_defaults(&self, now: i64) -> Result<(), StoreError> {
        let rules = self.current_rules().await?;
        for r in crate::catalogue::default_rules() {
            if !rules.iter().any(|x| x.key == r.key) {
                self.save_rule(&r, Some(0), DEFAULTS, now).await?;
            }
        }
        let templates = self.templates_in_force().await?;
        let superseded = crate::catalogue::superseded_templates();
        for t in crate::catalogue::default_templates() {
            match templates
                .iter()
                .find(|(x, _)| x.key == t.key && x.locale == t.locale)
            {
                None => {
                    self.save_template(&t, Some(0), DEFAULTS, now).await?;
                }
                Some((x, by))
                    if by == DEFAULTS
                        && !x.same_words(&t)
                        && superseded.iter().any(|old| old.same_words(x)) =>
                {
                    self.save_template(&t, Some(x.version), DEFAULTS, now)
                        .await?;
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    // --- survey opt-outs ----------------------------------------------------------

    /// Records the contact hash `hash` as opted out of surveys (idempotent).
    ///
    /// # Errors
    /// Database failures.
    pub async fn record_opt_out(
        &self,
        hash: &str,
        source: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(&self.0, |p| {
            sqlx::query(
                "INSERT INTO notify_survey_opt_outs (contact_hash, source, created_at) VALUES \
                 ($1, $2, $3) ON CONFLICT (contact_hash) DO NOTHING",
            )
            .bind(hash)
            .bind(source)
            .bind(now)
            .execute(p)
            .await?;
            Ok(())
        })
    }

    /// Whether any of `hashes` opted out of surveys.
    ///
    /// # Errors
    /// Database failures.
    pub async fn any_opted_out(&self, hashes: &[String]) -> Result<bool, StoreError> {
        for h in hashes {
            let n: i64 = on_pool!(&self.0, |p| sqlx::query_scalar(
                "SELECT COUNT(*) FROM notify_survey_opt_outs WHERE contact_hash = $1"
            )
            .bind(h)
            .fetch_one(p)
            .await?);
            if n > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // --- the development sink -------------------------------------------------

    /// Stores what a development sink received; idempotent on `message_id`
    /// (a resent message shows once, as a real handset would get it once
    /// from an idempotent provider). True when new.
    ///
    /// # Errors
    /// Database failures.
    pub async fn sink_insert(&self, m: &SinkMessage) -> Result<bool, StoreError> {
        let sql = "INSERT INTO notify_dev_sink (channel, message_id, recipient, subject, body, \
            html, headers, encoding, segments, received_at, attachments) VALUES ($1, $2, $3, $4, \
            $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (message_id) DO NOTHING";
        let attachments = serde_json::to_string(&m.attachments)
            .map_err(|_| StoreError::Corrupt("attachments"))?;
        on_pool!(&self.0, |p| {
            let n = sqlx::query(sql)
                .bind(&m.channel)
                .bind(&m.message_id)
                .bind(&m.recipient)
                .bind(&m.subject)
                .bind(&m.body)
                .bind(&m.html)
                .bind(&m.headers)
                .bind(&m.encoding)
                .bind(m.segments)
                .bind(m.received_at)
                .bind(&attachments)
                .execute(p)
                .await?
                .rows_affected();
            Ok(n == 1)
        })
    }

    /// The newest `limit` messages of `channel` in the development sink.
    ///
    /// # Errors
    /// Database failures.
    pub async fn sink_list(
        &self,
        channel: &str,
        limit: u32,
    ) -> Result<Vec<SinkMessage>, StoreError> {
        on_pool!(&self.0, |p| {
            let rows: Vec<SinkRow> = sqlx::query_as(
                "SELECT seq, channel, message_id, recipient, subject, body, html, headers, encoding, segments, received_at, attachments \
                 FROM notify_dev_sink WHERE channel = $1 ORDER BY seq DESC LIMIT $2")
                .bind(channel).bind(i64::from(limit)).fetch_all(p).await?;
            Ok(rows
                .into_iter()
                .map(
                    |(
                        seq,
                        channel,
                        message_id,
                        recipient,
                        subject,
                        body,
                        html,
                        headers,
                        encoding,
                        segments,
                        received_at,
                        attachments,
                    )| SinkMessage {
                        seq,
                        channel,
                        message_id,
                        recipient,
                        subject,
                        body,
                        html,
                        headers,
                        encoding,
                        segments,
                        received_at,
                        // Written by sink_insert; an unreadable list shows none.
                        attachments: serde_json::from_str(&attachments).unwrap_or_default(),
                    },
                )
                .collect())
        })
    }
}

/// One recipient of a report e-mail, as recorded in `notify_report_mails`
/// (no address: its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMailRecord {
    /// The request's event id.
    pub event_id: String,
    /// SHA-256 (hex) of the lower-cased address.
    pub recipient_hash: String,
    /// The directorate the report is about.
    pub directorate_id: String,
    /// The period it covers.
    pub period: String,
    /// The address's place in the request's list.
    pub position: i64,
    /// `sending`, `sent`, `failed` or `pending`.
    pub state: String,
    /// Why it failed, or why the last attempt did not go.
    pub reason: Option<String>,
    /// The e-mail's Message-ID.
    pub message_id: String,
    /// Send attempts so far.
    pub attempts: i64,
    /// Taken by the relay (µs).
    pub sent_at: Option<i64>,
}

/// What claiming one report recipient found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportClaim {
    /// This sender holds it now and must send; `in_doubt` when an earlier
    /// sender claimed it and its lease ran out (it may have sent).
    Claimed {
        /// The earlier attempt's outcome is unknown.
        in_doubt: bool,
        /// The claim's number (the recipient's `attempts` after it): the
        /// fencing token [`NotifyStore::report_mail_mark`] compares.
        attempt: i64,
    },
    /// Sent or failed for good already: nothing to do.
    Done,
    /// Another sender holds a live claim.
    Busy,
}

/// The key and facts of one report recipient to claim or record.
#[derive(Debug, Clone)]
pub struct ReportMailKey<'a> {
    /// The request's event id.
    pub event_id: &'a str,
    /// SHA-256 (hex) of the lower-cased address.
    pub recipient_hash: &'a str,
    /// The directorate.
    pub directorate_id: &'a str,
    /// The period.
    pub period: &'a str,
    /// The address's place in the list.
    pub position: i64,
    /// The e-mail's Message-ID.
    pub message_id: &'a str,
}

type ReportMailRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

impl NotifyStore {
    // --- report e-mails ---------------------------------------------------------

    /// Claims `key` for sending until `lease_until`: a new recipient is
    /// written `sending`; a `pending` one, or one still `sending` after its
    /// lease (its sender died between send and mark), is taken over.
    ///
    /// # Errors
    /// Database failures.
    pub async fn report_mail_claim(
        &self,
        key: &ReportMailKey<'_>,
        now: i64,
        lease_until: i64,
    ) -> Result<ReportClaim, StoreError> {
        let insert = "INSERT INTO notify_report_mails (event_id, recipient_hash, directorate_id, \
            period, list_index, state, reason, message_id, attempts, lease_until, created_at, \
            updated_at, sent_at) VALUES ($1, $2, $3, $4, $5, 'sending', NULL, $6, 1, $7, $8, $8, NULL) \
            ON CONFLICT (event_id, recipient_hash) DO NOTHING";
        let take_over = "UPDATE notify_report_mails SET state = 'sending', attempts = attempts + 1, \
            lease_until = $3, updated_at = $4 WHERE event_id = $1 AND recipient_hash = $2 \
            AND (state = 'pending' OR (state = 'sending' AND lease_until < $4)) RETURNING attempts";
        let state =
            "SELECT state FROM notify_report_mails WHERE event_id = $1 AND recipient_hash = $2";
        on_pool!(&self.0, |p| {
            let n = sqlx::query(insert)
                .bind(key.event_id)
                .bind(key.recipient_hash)
                .bind(key.directorate_id)
                .bind(key.period)
                .bind(key.position)
                .bind(key.message_id)
                .bind(lease_until)
                .bind(now)
                .execute(p)
                .await?
                .rows_affected();
            if n == 1 {
                return Ok(ReportClaim::Claimed {
                    in_doubt: false,
                    attempt: 1,
                });
            }
            let before: Option<(String,)> = sqlx::query_as(state)
                .bind(key.event_id)
                .bind(key.recipient_hash)
                .fetch_optional(p)
                .await?;
            let taken: Option<i64> = sqlx::query_scalar(take_over)
                .bind(key.event_id)
                .bind(key.recipient_hash)
                .bind(lease_until)
                .bind(now)
                .fetch_optional(p)
                .await?;
            if let Some(attempt) = taken {
                // Taken over from `sending`: the earlier sender may have sent.
                let in_doubt = before.is_some_and(|(s,)| s == "sending");
                return Ok(ReportClaim::Claimed { in_doubt, attempt });
            }
            let after: Option<(String,)> = sqlx::query_as(state)
                .bind(key.event_id)
                .bind(key.recipient_hash)
                .fetch_optional(p)
                .await?;
            Ok(match after.as_ref().map(|(s,)| s.as_str()) {
                Some("sent" | "failed") => ReportClaim::Done,
                _ => ReportClaim::Busy,
            })
        })
    }

    /// Records `key` failed with `reason` without sending (an address that
    /// does not parse); a recipient already recorded keeps its record.
    ///
    /// # Errors
    /// Database failures.
    pub async fn report_mail_refuse(
        &self,
        key: &ReportMailKey<'_>,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO notify_report_mails (event_id, recipient_hash, directorate_id, \
            period, list_index, state, reason, message_id, attempts, lease_until, created_at, \
            updated_at, sent_at) VALUES ($1, $2, $3, $4, $5, 'failed', $6, $7, 0, 0, $8, $8, NULL) \
            ON CONFLICT (event_id, recipient_hash) DO NOTHING";
        on_pool!(&self.0, |p| {
            sqlx::query(sql)
                .bind(key.event_id)
                .bind(key.recipient_hash)
                .bind(key.directorate_id)
                .bind(key.period)
                .bind(key.position)
                .bind(reason)
                .bind(key.message_id)
                .bind(now)
                .execute(p)
                .await?;
            Ok(())
        })
    }

    /// Records the outcome of a claimed recipient: `sent`, `failed` (for
    /// good, `reason`) or `pending` (not taken, `reason`; the next delivery
    /// of the event tries again). Fenced: it matches only while the claim
    /// `attempt` ([`ReportClaim::Claimed`]) still holds the recipient.
    ///
    /// # Errors
    /// Database failures; [`StoreError::ClaimLost`] when another sender
    /// claimed the recipient since (this sender's lease ran out) or it is
    /// no longer `sending` (nothing written).
    pub async fn report_mail_mark(
        &self,
        event_id: &str,
        recipient_hash: &str,
        attempt: i64,
        state: &str,
        reason: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notify_report_mails SET state = $3, reason = $4, updated_at = $5, \
            lease_until = 0, sent_at = CASE WHEN $3 = 'sent' THEN $5 ELSE sent_at END \
            WHERE event_id = $1 AND recipient_hash = $2 AND attempts = $6 AND state = 'sending'";
        let n = on_pool!(&self.0, |p| sqlx::query(sql)
            .bind(event_id)
            .bind(recipient_hash)
            .bind(state)
            .bind(reason)
            .bind(now)
            .bind(attempt)
            .execute(p)
            .await?
            .rows_affected());
        fenced(n)
    }

    /// The recipients recorded for `event_id`, in the request's order.
    ///
    /// # Errors
    /// Database failures.
    pub async fn report_mails(&self, event_id: &str) -> Result<Vec<ReportMailRecord>, StoreError> {
        let sql = "SELECT event_id, recipient_hash, directorate_id, period, list_index, state, \
            reason, message_id, attempts, sent_at FROM notify_report_mails WHERE event_id = $1 \
            ORDER BY list_index";
        on_pool!(&self.0, |p| {
            let rows: Vec<ReportMailRow> = sqlx::query_as(sql).bind(event_id).fetch_all(p).await?;
            Ok(rows
                .into_iter()
                .map(
                    |(
                        event_id,
                        recipient_hash,
                        directorate_id,
                        period,
                        position,
                        state,
                        reason,
                        message_id,
                        attempts,
                        sent_at,
                    )| ReportMailRecord {
                        event_id,
                        recipient_hash,
                        directorate_id,
                        period,
                        position,
                        state,
                        reason,
                        message_id,
                        attempts,
                        sent_at,
                    },
                )
                .collect())
        })
    }
}
