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
//!   the conversation gave earlier), joining the texts of the messages held
//!   before it;
//! - **held** until a message of the conversation gives a phone number, since
//!   the reply is a phone callback and Messenger, Instagram and X never tell
//!   the number. Held texts are erased when the window passes.
//!
//! A message id seen before is a replay (the platform's retry, or someone
//! resending a captured delivery): published ones are not published again;
//! one whose publish was never acknowledged is published again with the same
//! ids, so the retry the platform makes after our error is what finishes it.

use sqlx::Row as _;
use tekmerkez_sqlpool::{SqlPool, on_pool};
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
    /// Its text, kept only if it must be held. Personal data.
    pub text: &'a str,
    /// The conversation window (microseconds).
    pub window: i64,
    /// A fresh tracking number, used if this message opens or may open a case.
    pub new_tracking_number: &'a str,
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
#[derive(Clone, PartialEq, Eq)]
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
}

impl std::fmt::Debug for Planned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planned")
            .field("application_id", &self.application_id)
            .field("follow_up", &self.follow_up_of.is_some())
            .field("earlier_texts", &self.earlier_texts.len())
            .finish_non_exhaustive()
    }
}

/// What [`ConversationStore::record`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Seen before and done (published, held, joined or expired).
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
    /// Held messages whose window passed without a phone number (texts erased).
    pub expired_held: u64,
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
const LOCK_CONVERSATION: &str = "INSERT INTO social_conversations \
     (conversation_key, tracking_number, opened_application_id, phone, last_message_at, updated_at) \
     VALUES ($1, NULL, NULL, NULL, $2, $3) \
     ON CONFLICT (conversation_key) DO UPDATE SET updated_at = social_conversations.updated_at \
     RETURNING tracking_number, opened_application_id, phone, last_message_at";

const GET_MESSAGE: &str = "SELECT application_id, bus_key, tracking_number, follow_up_of, state, sent_at \
     FROM social_messages WHERE message_key = $1";

const INSERT_MESSAGE: &str = "INSERT INTO social_messages \
     (message_key, conversation_key, application_id, bus_key, tracking_number, follow_up_of, state, held_text, sent_at, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const HELD_TEXTS: &str = "SELECT held_text FROM social_messages \
     WHERE conversation_key = $1 AND state = 'held' ORDER BY sent_at, message_key";

const JOINED_TEXTS: &str = "SELECT held_text FROM social_messages \
     WHERE application_id = $1 AND state = 'joined' ORDER BY sent_at, message_key";

const JOIN_HELD: &str = "UPDATE social_messages SET state = 'joined', application_id = $2, bus_key = $2, tracking_number = $3 \
     WHERE conversation_key = $1 AND state = 'held'";

const EXPIRE_HELD_OF: &str = "UPDATE social_messages SET state = 'expired', held_text = NULL \
     WHERE conversation_key = $1 AND state = 'held'";

const UPDATE_CONVERSATION: &str = "UPDATE social_conversations SET tracking_number = $2, opened_application_id = $3, \
     phone = $4, last_message_at = $5, updated_at = $6 WHERE conversation_key = $1";

const MARK_PUBLISHED: &str = "UPDATE social_messages SET state = 'published', held_text = NULL \
     WHERE application_id = $1 AND state IN ('pending', 'joined')";

/// The conversation as its row says.
struct Conversation {
    tracking_number: Option<String>,
    opened_application_id: Option<String>,
    phone: Option<String>,
    last_message_at: i64,
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
        on_pool!(&self.0, p => {
            let mut tx = p.begin().await?;
            let row = sqlx::query(LOCK_CONVERSATION)
                .bind(m.conversation_key)
                .bind(m.sent_at)
                .bind(m.now)
                .fetch_one(&mut *tx)
                .await?;
            let conv = Conversation {
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
                    let earlier: Vec<Option<String>> = sqlx::query_scalar(JOINED_TEXTS)
                        .bind(&application_id)
                        .fetch_all(&mut *tx)
                        .await?;
                    Recorded::Republish(Planned {
                        application_id: parse_id(&application_id)?,
                        bus_key: seen.try_get("bus_key")?,
                        tracking_number: seen
                            .try_get::<Option<String>, _>("tracking_number")?
                            .unwrap_or_default(),
                        follow_up_of: seen.try_get("follow_up_of")?,
                        sent_at: seen.try_get("sent_at")?,
                        phone: m.phone.map(str::to_owned).or(conv.phone),
                        earlier_texts: earlier.into_iter().flatten().collect(),
                    })
                } else {
                    Recorded::Duplicate
                };
                tx.commit().await?;
                return Ok(outcome);
            }

            let fresh = (m.sent_at - conv.last_message_at).abs() <= m.window;
            // A message from before the conversation's window (a very late
            // first delivery) must not reset a conversation that moved on.
            let older = !fresh && m.sent_at < conv.last_message_at;
            let last = conv.last_message_at.max(m.sent_at);
            let phone = m
                .phone
                .map(str::to_owned)
                .or(if fresh { conv.phone.clone() } else { None });
            let application_id = Uuid::now_v7();
            let app_s = application_id.to_string();
            let outcome = match (&conv.tracking_number, &conv.opened_application_id) {
                (Some(tn), Some(opened)) if fresh => {
                    sqlx::query(INSERT_MESSAGE)
                        .bind(m.message_key)
                        .bind(m.conversation_key)
                        .bind(&app_s)
                        .bind(opened)
                        .bind(m.new_tracking_number)
                        .bind(tn)
                        .bind("pending")
                        .bind(None::<String>)
                        .bind(m.sent_at)
                        .bind(m.now)
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
                    Recorded::Publish(Planned {
                        application_id,
                        bus_key: opened.clone(),
                        tracking_number: m.new_tracking_number.to_owned(),
                        follow_up_of: Some(tn.clone()),
                        sent_at: m.sent_at,
                        phone,
                        earlier_texts: Vec::new(),
                    })
                }
                _ if phone.is_some() => {
                    let earlier: Vec<Option<String>> = if fresh {
                        sqlx::query_scalar(HELD_TEXTS)
                            .bind(m.conversation_key)
                            .fetch_all(&mut *tx)
                            .await?
                    } else {
                        Vec::new()
                    };
                    sqlx::query(INSERT_MESSAGE)
                        .bind(m.message_key)
                        .bind(m.conversation_key)
                        .bind(&app_s)
                        .bind(&app_s)
                        .bind(m.new_tracking_number)
                        .bind(None::<String>)
                        .bind("pending")
                        .bind(None::<String>)
                        .bind(m.sent_at)
                        .bind(m.now)
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
                        if !fresh {
                            sqlx::query(EXPIRE_HELD_OF)
                                .bind(m.conversation_key)
                                .execute(&mut *tx)
                                .await?;
                        }
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
                        earlier_texts: earlier.into_iter().flatten().collect(),
                    })
                }
                _ => {
                    if !fresh && !older {
                        sqlx::query(EXPIRE_HELD_OF)
                            .bind(m.conversation_key)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query(INSERT_MESSAGE)
                        .bind(m.message_key)
                        .bind(m.conversation_key)
                        .bind(&app_s)
                        .bind(&app_s)
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind("held")
                        .bind(m.text)
                        .bind(m.sent_at)
                        .bind(m.now)
                        .execute(&mut *tx)
                        .await?;
                    if !older {
                        // The conversation waits for a phone number; a case it
                        // had before the window is no longer joined.
                        sqlx::query(UPDATE_CONVERSATION)
                            .bind(m.conversation_key)
                            .bind(if fresh { conv.tracking_number.clone() } else { None })
                            .bind(if fresh { conv.opened_application_id.clone() } else { None })
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

    /// Marks `application_id` (and the messages that joined it) as
    /// acknowledged by the bus, erasing the held texts it carried.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mark_published(&self, application_id: Uuid) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, p => sqlx::query(MARK_PUBLISHED)
            .bind(application_id.to_string())
            .execute(p)
            .await
            .map(|_| ()))
    }

    /// Erases held texts whose window passed (`held_before`), forgets message
    /// ids recorded before `messages_before` and conversations idle since
    /// `conversations_before` (all microseconds).
    ///
    /// # Errors
    /// Database failures.
    pub async fn purge(
        &self,
        held_before: i64,
        messages_before: i64,
        conversations_before: i64,
    ) -> Result<Purged, sqlx::Error> {
        on_pool!(&self.0, p => {
            let expired_held = sqlx::query(
                "UPDATE social_messages SET state = 'expired', held_text = NULL WHERE state = 'held' AND sent_at < $1",
            )
            .bind(held_before)
            .execute(p)
            .await?
            .rows_affected();
            let messages = sqlx::query(
                "DELETE FROM social_messages WHERE recorded_at < $1 AND state <> 'held'",
            )
            .bind(messages_before)
            .execute(p)
            .await?
            .rows_affected();
            let conversations = sqlx::query("DELETE FROM social_conversations WHERE updated_at < $1")
                .bind(conversations_before)
                .execute(p)
                .await?
                .rows_affected();
            Ok(Purged { expired_held, messages, conversations })
        })
    }

    /// How many message records are in `state` (`held`, `pending`, `joined`,
    /// `published`, `expired`).
    ///
    /// # Errors
    /// Database failures.
    pub async fn count_in_state(&self, state: &str) -> Result<i64, sqlx::Error> {
        on_pool!(&self.0, p => sqlx::query_scalar("SELECT COUNT(*) FROM social_messages WHERE state = $1")
            .bind(state)
            .fetch_one(p)
            .await)
    }
}

fn parse_id(s: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
