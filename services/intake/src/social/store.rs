//! The conversation store: for every conversation, which case its messages
//! join and until when; for every platform message id, what it was published
//! as. One SQL for PostgreSQL and SQLite (`tekmerkez-sqlpool`).
//!
//! [`ConversationStore::record`] decides, in one transaction that holds the
//! conversation's row (PostgreSQL locks it with the upsert; SQLite has one
//! writer), what a new message becomes:
//!
//! - a **follow-up** of the conversation's case when the previous message was
//!   at most the window ago (published with `follow_up_of` and keyed like the
//!   case's first message, so routing sees them in order);
//! - a **new application** when it carries a phone number (its own, or one
//!   the conversation gave earlier), or whenever the reply goes to the
//!   conversation itself ([`NewMessage::needs_phone`] false), joining the
//!   texts of the messages held before it;
//! - **held** until a message of the conversation gives a phone number, when
//!   the reply is a phone callback and Messenger, Instagram and X never tell
//!   the number.
//!
//! A held conversation whose window passes without a phone number still
//! becomes a case — the platform was answered 200, so what it sent was
//! accepted and must not be lost. [`ConversationStore::expire_held`] claims
//! its held messages as one application (state `expiring`): a fresh
//! application id and tracking number, stored with the messages, so a
//! publish that is retried after a crash or a bus failure is the very same
//! application, which routing and the case service take once. The
//! conversation then follows that case: a message within the window of the
//! claim is its follow-up (even one that now gives a phone number: it is a
//! note on the case, and the agent sees the number there). The texts stay
//! until the bus acknowledged ([`ConversationStore::mark_published`]) and are
//! erased then, as for every published message; until then
//! [`ConversationStore::expired_unpublished`] lists them for the next try,
//! and a follow-up's plan carries its case's claim
//! ([`Planned::opens_first`]) so the case is on the bus before its
//! follow-up. A message arriving after the window before the housekeeping
//! round claimed the held ones claims them itself, so the outcome does not
//! depend on which came first.
//!
//! A message id seen before is a replay (the platform's retry, or someone
//! resending a captured delivery): published ones are not published again;
//! one whose publish was never acknowledged is published again with the same
//! ids, so the retry the platform makes after our error is what finishes it.

use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, Statement, on_pool};
use uuid::Uuid;

/// A message to record.
#[derive(Clone, Copy)]
pub struct NewMessage<'a> {
    /// `platform:message id`.
    pub message_key: &'a str,
    /// The conversation's HMAC key.
    pub conversation_key: &'a str,
    /// When it was sent (microseconds), from the platform or, lacking that, now.
    pub sent_at: i64,
    /// Now (microseconds).
    pub now: i64,
    /// The E.164 phone number this message gives, if any. Personal data.
    pub phone: Option<&'a str>,
    /// Whether a message needs a phone number to open a case (the reply is
    /// a phone callback): without one it is held. When the reply goes to
    /// the conversation itself, every message opens or joins a case at once.
    pub needs_phone: bool,
    /// Its text, kept only if it must be held. Personal data.
    pub text: &'a str,
    /// The conversation window (microseconds).
    pub window: i64,
    /// A fresh tracking number, used if this message opens or may open a case.
    pub new_tracking_number: &'a str,
    /// Where it came from, kept only if it must be held.
    pub origin: Origin<'a>,
}

/// Where a message came from and what the platform told of its sender: kept
/// with a held message, so that its conversation can still become an
/// application if no phone number ever arrives.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    /// [`super::parse::Platform::as_str`].
    pub platform: &'a str,
    /// The institution's account on the platform.
    pub account_id: &'a str,
    /// The sender's display name. Personal data.
    pub sender_name: Option<&'a str>,
    /// A location the message shared (latitude, longitude). Personal data.
    pub coordinates: Option<(f64, f64)>,
}

// Personal data inside: print ids only.
impl std::fmt::Debug for NewMessage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMessage")
            .field("message_key", &self.message_key)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

/// What to publish for a message.
#[derive(Clone, PartialEq)]
pub struct Planned {
    /// The application id (idempotency key to the case).
    pub application_id: Uuid,
    /// The bus key: the conversation's first application id, so routing
    /// handles a conversation's messages in order.
    pub bus_key: String,
    /// The tracking number of this application.
    pub tracking_number: String,
    /// The case it follows up, if any.
    pub follow_up_of: Option<String>,
    /// When it was sent (microseconds).
    pub sent_at: i64,
    /// The contact phone (E.164). Personal data.
    pub phone: Option<String>,
    /// Texts of earlier messages that join this application, oldest first.
    /// Personal data.
    pub earlier_texts: Vec<String>,
    /// The newest location those earlier messages shared (a WhatsApp
    /// location sent before the text, or before the phone number the
    /// conversation waited for), kept with the application they join.
    /// Personal data.
    pub earlier_coordinates: Option<(f64, f64)>,
    /// The case this follow-up joins, when it was claimed from held messages
    /// and the bus has not acknowledged it yet: publish it first (again, if
    /// it was published before: the same application), so routing never
    /// sees the follow-up before its case.
    pub opens_first: Option<Expired>,
}

impl std::fmt::Debug for Planned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planned")
            .field("application_id", &self.application_id)
            .field("follow_up", &self.follow_up_of.is_some())
            .field("earlier_texts", &self.earlier_texts.len())
            .field("opens_first", &self.opens_first)
            .finish_non_exhaustive()
    }
}

/// The held messages of a conversation whose window passed without a phone
/// number, claimed as one application no reply can be sent to
/// (`REPLY_CHANNEL_NO_CONTACT`). Everything needed to publish it is here, so
/// a republish is byte-for-byte the first publish.
#[derive(Clone, PartialEq)]
pub struct Expired {
    /// The application id, fixed at the claim (idempotency key to the case).
    pub application_id: Uuid,
    /// Its tracking number, fixed at the claim.
    pub tracking_number: String,
    /// The first message's `platform:message id`.
    pub source_reference: String,
    /// The platform (`None` for messages held before origins were kept).
    pub platform: Option<String>,
    /// The institution's account on it.
    pub account_id: Option<String>,
    /// The first display name the messages carried. Personal data.
    pub sender_name: Option<String>,
    /// The last location the messages shared. Personal data.
    pub coordinates: Option<(f64, f64)>,
    /// When the first message was sent (microseconds).
    pub sent_at: i64,
    /// The messages' texts, oldest first. Personal data.
    pub texts: Vec<String>,
}

impl std::fmt::Debug for Expired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expired")
            .field("application_id", &self.application_id)
            .field("platform", &self.platform)
            .field("texts", &self.texts.len())
            .finish_non_exhaustive()
    }
}

/// What [`ConversationStore::record`] decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Seen before and done (published, held, joined or claimed).
    Duplicate,
    /// Seen before, but its publish was never acknowledged: publish it again.
    Republish(Planned),
    /// New: publish it.
    Publish(Planned),
    /// New, and held until the conversation gives a phone number.
    Held,
}

/// Counts from one purge round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Message records past the replay horizon.
    pub messages: u64,
    /// Idle conversations.
    pub conversations: u64,
}

/// Where conversations and message ids are kept.
#[derive(Debug, Clone)]
pub struct ConversationStore(SqlPool);

/// Takes the conversation's row (creating it), which also locks it on
/// PostgreSQL until the transaction ends.
const LOCK_CONVERSATION: &str = "INSERT INTO social_conversations (conversation_key, \
    tracking_number, opened_application_id, phone, last_message_at, updated_at) VALUES ($1, NULL, \
    NULL, NULL, $2, $3) ON CONFLICT (conversation_key) DO UPDATE SET updated_at = \
    social_conversations.updated_at RETURNING tracking_number, opened_application_id, phone, \
    last_message_at";

const GET_MESSAGE: &str = "SELECT application_id, bus_key, tracking_number, follow_up_of, state, \
    sent_at FROM social_messages WHERE message_key = $1";

const INSERT_MESSAGE: &str = "INSERT INTO social_messages (message_key, conversation_key, \
    application_id, bus_key, tracking_number, follow_up_of, state, held_text, sent_at, \
    recorded_at, platform, account_id, sender_name, latitude, longitude) VALUES ($1, $2, $3, $4, \
    $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

const HELD_TEXTS: &str = "SELECT held_text, latitude, longitude FROM social_messages WHERE conversation_key = $1 AND \
    state = 'held' ORDER BY sent_at, message_key";

const JOINED_TEXTS: &str = "SELECT held_text, latitude, longitude FROM social_messages WHERE application_id = $1 AND \
    state = 'joined' ORDER BY sent_at, message_key";

/// The texts of earlier messages (held, or joined to an application), and
/// the newest location among them.
fn earlier(
    rows: Vec<(Option<String>, Option<f64>, Option<f64>)>,
) -> (Vec<String>, Option<(f64, f64)>) {
    let mut point = None;
    let mut texts = Vec::with_capacity(rows.len());
    for (text, latitude, longitude) in rows {
        texts.extend(text);
        if let (Some(lat), Some(lon)) = (latitude, longitude) {
            point = Some((lat, lon));
        }
    }
    (texts, point)
}

const JOIN_HELD: &str = "UPDATE social_messages SET state = 'joined', application_id = $2, bus_key \
    = $2, tracking_number = $3 WHERE conversation_key = $1 AND state = 'held'";

/// Claims a conversation's held messages as one application.
const CLAIM_HELD: &str = "UPDATE social_messages SET state = 'expiring', application_id = $2, \
    bus_key = $2, tracking_number = $3 WHERE conversation_key = $1 AND state = 'held'";

/// Conversations whose newest held message is older than the window.
const DUE_HELD: &str = "SELECT conversation_key FROM social_messages WHERE state = 'held' GROUP BY \
    conversation_key HAVING MAX(sent_at) < $1 ORDER BY MAX(sent_at) LIMIT $2";

const HELD_AGE: &str =
    "SELECT MAX(sent_at) FROM social_messages WHERE conversation_key = $1 AND state = 'held'";

const EXPIRED_ROWS: &str = "SELECT message_key, tracking_number, platform, account_id, \
    sender_name, latitude, longitude, held_text, sent_at FROM social_messages WHERE application_id \
    = $1 AND state = 'expiring' ORDER BY sent_at, message_key";

const EXPIRED_IDS: &str = "SELECT application_id FROM social_messages WHERE state = 'expiring' \
    GROUP BY application_id ORDER BY MIN(sent_at) LIMIT $1";

const UPDATE_CONVERSATION: &str = "UPDATE social_conversations SET tracking_number = $2, \
    opened_application_id = $3, phone = $4, last_message_at = $5, updated_at = $6 WHERE \
    conversation_key = $1";

const MARK_PUBLISHED: &str = "UPDATE social_messages SET state = 'published', held_text = NULL, \
    sender_name = NULL, latitude = NULL, longitude = NULL WHERE application_id = $1 AND state IN \
    ('pending', 'joined', 'expiring')";

/// The conversation as its row says.
struct Conversation {
    tracking_number: Option<String>,
    opened_application_id: Option<String>,
    phone: Option<String>,
    last_message_at: i64,
}

/// A held (or claimed) message row, as [`Expired`] is assembled from.
#[derive(sqlx::FromRow)]
struct HeldRow {
    message_key: String,
    tracking_number: Option<String>,
    platform: Option<String>,
    account_id: Option<String>,
    sender_name: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[sqlx(rename = "held_text")]
    text: Option<String>,
    sent_at: i64,
}

/// The rows of claimed application `app` while its messages still wait for
/// the bus (none once it was published, or for an id that is not a claim);
/// [`expired_of`] assembles them.
fn expired_rows(app: &str) -> Statement {
    Statement::new(EXPIRED_ROWS).bind(app)
}

/// Claiming the held messages of conversation `key` as one application
/// with a fresh id and tracking number, opened at `now`.
struct Claim {
    application_id: String,
    tracking_number: String,
    /// Marks the held messages claimed.
    held: Statement,
    /// Makes the conversation follow the new case (its later messages
    /// within the window are follow-ups); run only when anything was held.
    follow: Option<Statement>,
}

impl Claim {
    /// `link`: whether the conversation follows the new case from then on.
    fn new(key: &str, now: i64, link: bool) -> Self {
        let application_id = Uuid::now_v7().to_string();
        let tracking_number = tekmerkez_tracking::TrackingNumber::generate()
            .as_str()
            .to_owned();
        let held = Statement::new(CLAIM_HELD)
            .bind(key)
            .bind(&application_id)
            .bind(&tracking_number);
        let follow = link.then(|| {
            Statement::new(UPDATE_CONVERSATION)
                .bind(key)
                .bind(&tracking_number)
                .bind(&application_id)
                .bind(None::<String>)
                .bind(now)
                .bind(now)
        });
        Self {
            application_id,
            tracking_number,
            held,
            follow,
        }
    }
}

/// Where a recorded message goes: its application, the bus key it is
/// published under, its tracking number and the case it follows up.
struct Placement<'a> {
    application_id: &'a str,
    bus_key: &'a str,
    tracking_number: Option<&'a str>,
    follow_up_of: Option<&'a str>,
}

/// The row of message `m` in `state`; the origin columns only for a held one.
fn insert_message(m: &NewMessage<'_>, at: Placement<'_>, state: &str) -> Statement {
    let held = state == "held";
    let o = &m.origin;
    Statement::new(INSERT_MESSAGE)
        .bind(m.message_key)
        .bind(m.conversation_key)
        .bind(at.application_id)
        .bind(at.bus_key)
        .bind(at.tracking_number)
        .bind(at.follow_up_of)
        .bind(state)
        .bind(held.then_some(m.text))
        .bind(m.sent_at)
        .bind(m.now)
        .bind(held.then_some(o.platform))
        .bind(held.then_some(o.account_id))
        .bind(o.sender_name.filter(|_| held))
        .bind(o.coordinates.filter(|_| held).map(|c| c.0))
        .bind(o.coordinates.filter(|_| held).map(|c| c.1))
}

impl ConversationStore {
    /// Connects lazily to `url` (`postgres://` or `sqlite:`); intake's
    /// migrations (applied with the idempotency store's) create the tables.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 10).map(Self)
    }

    /// Records `m` and says what to publish.
    ///
    /// # Errors
    /// Database failures (nothing is recorded then).
    pub async fn record(&self, m: NewMessage<'_>) -> Result<Recorded, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let mut tx = p.begin().await?;
            let row = sqlx::query(LOCK_CONVERSATION)
                .bind(m.conversation_key)
                .bind(m.sent_at)
                .bind(m.now)
                .fetch_one(&mut *tx)
                .await?;
            let mut conv = Conversation {
                tracking_number: row.try_get("tracking_number")?,
                opened_application_id: row.try_get("opened_application_id")?,
                phone: row.try_get("phone")?,
                last_message_at: row.try_get("last_message_at")?,
            };
            if let Some(seen) = sqlx::query(GET_MESSAGE)
                .bind(m.message_key)
                .fetch_optional(&mut *tx)
                .await?
            {
                let state: String = seen.try_get("state")?;
                let outcome = if state == "pending" {
                    let application_id: String = seen.try_get("application_id")?;
                    let bus_key: String = seen.try_get("bus_key")?;
                    let (earlier_texts, earlier_coordinates) = earlier(
                        sqlx::query_as(JOINED_TEXTS)
                            .bind(&application_id)
                            .fetch_all(&mut *tx)
                            .await?,
                    );
                    let opens_first = expired_of(
                        &bus_key,
                        expired_rows(&bus_key)
                            .query_as()
                            .fetch_all(&mut *tx)
                            .await?,
                    )?;
                    Recorded::Republish(Planned {
                        application_id: parse_id(&application_id)?,
                        bus_key,
                        tracking_number: seen
                            .try_get::<Option<String>, _>("tracking_number")?
                            .unwrap_or_default(),
                        follow_up_of: seen.try_get("follow_up_of")?,
                        sent_at: seen.try_get("sent_at")?,
                        phone: m.phone.map(str::to_owned).or(conv.phone),
                        earlier_texts,
                        earlier_coordinates,
                        opens_first,
                    })
                } else {
                    Recorded::Duplicate
                };
                tx.commit().await?;
                return Ok(outcome);
            }

            let mut fresh = (m.sent_at - conv.last_message_at).abs() <= m.window;
            // A message from before the conversation's window (a very late
            // first delivery) must not reset a conversation that moved on.
            let mut older = !fresh && m.sent_at < conv.last_message_at;
            if !fresh && !older {
                // The window passed: what the conversation held becomes its
                // case (no contact) first, exactly as the housekeeping round
                // would have made it, and this message is weighed against that.
                let claim = Claim::new(m.conversation_key, m.now, true);
                if claim.held.query().execute(&mut *tx).await?.rows_affected() > 0 {
                    if let Some(follow) = &claim.follow {
                        follow.query().execute(&mut *tx).await?;
                    }
                    conv = Conversation {
                        tracking_number: Some(claim.tracking_number),
                        opened_application_id: Some(claim.application_id),
                        phone: None,
                        last_message_at: m.now,
                    };
                    fresh = (m.sent_at - conv.last_message_at).abs() <= m.window;
                    older = !fresh && m.sent_at < conv.last_message_at;
                }
            }
            let last = conv.last_message_at.max(m.sent_at);
            let phone =
                m.phone
                    .map(str::to_owned)
                    .or(if fresh { conv.phone.clone() } else { None });
            let application_id = Uuid::now_v7();
            let app_s = application_id.to_string();
            let outcome = match (&conv.tracking_number, &conv.opened_application_id) {
                (Some(tn), Some(opened)) if fresh => {
                    let at = Placement {
                        application_id: &app_s,
                        bus_key: opened,
                        tracking_number: Some(m.new_tracking_number),
                        follow_up_of: Some(tn),
                    };
                    insert_message(&m, at, "pending")
                        .query()
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(UPDATE_CONVERSATION)
                        .bind(m.conversation_key)
                        .bind(tn)
                        .bind(opened)
                        .bind(&phone)
                        .bind(last)
                        .bind(m.now)
                        .execute(&mut *tx)
                        .await?;
                    let opens_first = expired_of(
                        opened,
                        expired_rows(opened).query_as().fetch_all(&mut *tx).await?,
                    )?;
                    Recorded::Publish(Planned {
                        application_id,
                        bus_key: opened.clone(),
                        tracking_number: m.new_tracking_number.to_owned(),
                        follow_up_of: Some(tn.clone()),
                        sent_at: m.sent_at,
                        phone,
                        earlier_texts: Vec::new(),
                        earlier_coordinates: None,
                        opens_first,
                    })
                }
                _ if phone.is_some() || !m.needs_phone => {
                    let (earlier_texts, earlier_coordinates) = if fresh {
                        earlier(
                            sqlx::query_as(HELD_TEXTS)
                                .bind(m.conversation_key)
                                .fetch_all(&mut *tx)
                                .await?,
                        )
                    } else {
                        (Vec::new(), None)
                    };
                    let at = Placement {
                        application_id: &app_s,
                        bus_key: &app_s,
                        tracking_number: Some(m.new_tracking_number),
                        follow_up_of: None,
                    };
                    insert_message(&m, at, "pending")
                        .query()
                        .execute(&mut *tx)
                        .await?;
                    if fresh {
                        sqlx::query(JOIN_HELD)
                            .bind(m.conversation_key)
                            .bind(&app_s)
                            .bind(m.new_tracking_number)
                            .execute(&mut *tx)
                            .await?;
                    }
                    if !older {
                        sqlx::query(UPDATE_CONVERSATION)
                            .bind(m.conversation_key)
                            .bind(m.new_tracking_number)
                            .bind(&app_s)
                            .bind(&phone)
                            .bind(last)
                            .bind(m.now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Recorded::Publish(Planned {
                        application_id,
                        bus_key: app_s.clone(),
                        tracking_number: m.new_tracking_number.to_owned(),
                        follow_up_of: None,
                        sent_at: m.sent_at,
                        phone,
                        earlier_texts,
                        earlier_coordinates,
                        opens_first: None,
                    })
                }
                _ => {
                    let at = Placement {
                        application_id: &app_s,
                        bus_key: &app_s,
                        tracking_number: None,
                        follow_up_of: None,
                    };
                    insert_message(&m, at, "held")
                        .query()
                        .execute(&mut *tx)
                        .await?;
                    if !older {
                        // The conversation waits for a phone number; a case it
                        // had before the window is no longer joined.
                        sqlx::query(UPDATE_CONVERSATION)
                            .bind(m.conversation_key)
                            .bind(if fresh {
                                conv.tracking_number.clone()
                            } else {
                                None
                            })
                            .bind(if fresh {
                                conv.opened_application_id.clone()
                            } else {
                                None
                            })
                            .bind(None::<String>)
                            .bind(last)
                            .bind(m.now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Recorded::Held
                }
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// Claims, as one application each, the held messages of up to `limit`
    /// conversations whose newest held message was sent before `cutoff`
    /// (now minus the window): their window passed without a phone number.
    /// A conversation idle since before `cutoff` follows the new case from
    /// `now` on; one that moved on (a very late message held after it opened
    /// a case) keeps its case. Returns how many conversations were claimed;
    /// [`Self::expired_unpublished`] lists what to publish.
    ///
    /// # Errors
    /// Database failures (what was claimed before stays claimed).
    pub async fn expire_held(&self, cutoff: i64, now: i64, limit: i64) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let due: Vec<String> = sqlx::query_scalar(DUE_HELD)
                .bind(cutoff)
                .bind(limit)
                .fetch_all(p)
                .await?;
            let mut claimed = 0;
            for key in &due {
                let mut tx = p.begin().await?;
                // A conversation row purged meanwhile counts as idle.
                let row = sqlx::query(LOCK_CONVERSATION)
                    .bind(key)
                    .bind(0_i64)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                let last: i64 = row.try_get("last_message_at")?;
                // Under the lock again: a message may have come since.
                let newest: Option<i64> = sqlx::query_scalar(HELD_AGE)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                if newest.is_some_and(|t| t < cutoff) {
                    let claim = Claim::new(key, now, last < cutoff);
                    if claim.held.query().execute(&mut *tx).await?.rows_affected() > 0 {
                        if let Some(follow) = &claim.follow {
                            follow.query().execute(&mut *tx).await?;
                        }
                        claimed += 1;
                    }
                }
                tx.commit().await?;
            }
            Ok(claimed)
        })
    }

    /// The claimed applications the bus has not acknowledged yet, oldest
    /// first, at most `limit`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn expired_unpublished(&self, limit: i64) -> Result<Vec<Expired>, sqlx::Error> {
        on_pool!(&self.0, |p| {
            let ids: Vec<String> = sqlx::query_scalar(EXPIRED_IDS)
                .bind(limit)
                .fetch_all(p)
                .await?;
            let mut out = Vec::with_capacity(ids.len());
            let mut conn = p.acquire().await?;
            for id in &ids {
                let rows = expired_rows(id).query_as().fetch_all(&mut *conn).await?;
                if let Some(e) = expired_of(id, rows)? {
                    out.push(e);
                }
            }
            Ok(out)
        })
    }

    /// Marks `application_id` (and the messages that joined it, or the held
    /// messages claimed as it) as acknowledged by the bus, erasing the texts
    /// and sender details it carried.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mark_published(&self, application_id: Uuid) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query(MARK_PUBLISHED)
            .bind(application_id.to_string())
            .execute(p)
            .await
            .map(|_| ()))
    }

    /// Forgets message ids recorded before `messages_before` and
    /// conversations idle since `conversations_before` (microseconds). Held
    /// and claimed messages stay whatever their age: they are what the
    /// platform was told we accepted.
    ///
    /// # Errors
    /// Database failures.
    pub async fn purge(
        &self,
        messages_before: i64,
        conversations_before: i64,
    ) -> Result<Purged, sqlx::Error> {
        let sql = "DELETE FROM social_conversations WHERE updated_at < $1";
        on_pool!(&self.0, |p| {
            let messages = sqlx::query(
                "DELETE FROM social_messages WHERE recorded_at < $1 AND state NOT IN ('held', 'expiring')",
            )
            .bind(messages_before)
            .execute(p)
            .await?
            .rows_affected();
            let conversations = sqlx::query(sql)
                .bind(conversations_before)
                .execute(p)
                .await?
                .rows_affected();
            Ok(Purged {
                messages,
                conversations,
            })
        })
    }

    /// How many message records are in `state` (`held`, `pending`, `joined`,
    /// `expiring`, `published`; `expired` for texts erased before held
    /// conversations became cases).
    ///
    /// # Errors
    /// Database failures.
    pub async fn count_in_state(&self, state: &str) -> Result<i64, sqlx::Error> {
        on_pool!(&self.0, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM social_messages WHERE state = $1"
        )
        .bind(state)
        .fetch_one(p)
        .await)
    }
}

#[cfg(test)]
impl ConversationStore {
    /// How many message records still keep a text or sender details.
    pub(crate) async fn personal_data_kept(&self) -> Result<i64, sqlx::Error> {
        on_pool!(&self.0, |p| {
            sqlx::query_scalar(
            "SELECT COUNT(*) FROM social_messages \
             WHERE held_text IS NOT NULL OR sender_name IS NOT NULL OR latitude IS NOT NULL OR longitude IS NOT NULL",
        )
        .fetch_one(p)
        .await
        })
    }
}

/// The claim `app` assembled from its rows (oldest first); `None` without rows.
fn expired_of(app: &str, rows: Vec<HeldRow>) -> Result<Option<Expired>, sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut e = Expired {
        application_id: parse_id(app)?,
        tracking_number: first.tracking_number.clone().unwrap_or_default(),
        source_reference: first.message_key.clone(),
        platform: first.platform.clone(),
        account_id: first.account_id.clone(),
        sender_name: None,
        coordinates: None,
        sent_at: first.sent_at,
        texts: Vec::with_capacity(rows.len()),
    };
    for r in rows {
        if e.sender_name.is_none() {
            e.sender_name = r.sender_name;
        }
        if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
            e.coordinates = Some((lat, lon));
        }
        if e.platform.is_none() {
            e.platform = r.platform;
            e.account_id = r.account_id;
        }
        e.texts.extend(r.text);
    }
    Ok(Some(e))
}

fn parse_id(s: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
