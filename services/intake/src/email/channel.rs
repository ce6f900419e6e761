//! The mailbox loop: connect, look for messages not yet processed, turn
//! each into an application, publish it, and only once the bus has
//! acknowledged it mark the message processed (the `$TekmerkezProcessed`
//! keyword, then a move when configured). Between rounds it waits in IDLE
//! when the server offers it, polling otherwise; a failure drops the
//! connection and reconnects after a capped, doubling wait.
//!
//! A crash (or a failed publish) between the publish and the mark leaves
//! the message unmarked: the next round publishes it again with the same
//! application id, which routing and the case service recognise, so
//! nothing is lost and nothing doubled.

use std::time::Duration;

use futures::TryStreamExt as _;
use jiff::Timestamp;
use sha2::{Digest as _, Sha256};
use tekmerkez_bus::PublishError;
use tokio_util::sync::CancellationToken;

use super::{
    application::{self, MessagePlace},
    imap::{self, ImapError, Session, bounded},
    parse::{self, Limits, Verdict},
    problems::{self, Problem, ProblemReason, ProblemStore},
    settings::EmailSettings,
};
use crate::publish::Publisher;

/// The keyword of every message the channel is done with.
pub const PROCESSED: &str = "$TekmerkezProcessed";
/// Added for an automated message (auto-reply, bounce): no case was opened.
pub const AUTOMATED: &str = "$TekmerkezAutomated";
/// Added for a message no case can be made of; it stays for a person to read.
pub const UNUSABLE: &str = "$TekmerkezUnusable";

/// Why a round stopped.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The mailbox failed.
    #[error(transparent)]
    Imap(#[from] ImapError),
    /// The bus did not acknowledge an application: its message stays unmarked.
    #[error("publishing an e-mail application")]
    Publish(#[from] PublishError),
    /// An unusable message could not be recorded for staff: it stays unmarked.
    #[error("recording an unusable e-mail")]
    Store(#[from] sqlx::Error),
}

impl ChannelError {
    fn kind(&self) -> &'static str {
        match self {
            Self::Imap(ImapError::Connect(_)) => "connect",
            Self::Imap(ImapError::Tls(_)) => "tls",
            Self::Imap(ImapError::Login(_)) => "login",
            Self::Imap(ImapError::Command(_)) => "command",
            Self::Imap(ImapError::Timeout) => "timeout",
            Self::Publish(_) => "publish",
            Self::Store(_) => "store",
        }
    }
}

/// The inbound e-mail channel, ready to run.
#[derive(Debug, Clone)]
pub struct EmailChannel {
    settings: EmailSettings,
    publisher: Publisher,
    limits: Limits,
    account: String,
    /// Where unusable messages are recorded for staff.
    problems: ProblemStore,
}

impl EmailChannel {
    /// A channel publishing through `publisher`, recording the messages no
    /// case can be made of in `problems`.
    pub fn new(settings: EmailSettings, publisher: Publisher, problems: ProblemStore) -> Self {
        let limits = Limits {
            max_attachments: crate::application::MAX_ATTACHMENTS,
            max_attachment_bytes: crate::application::MAX_ATTACHMENT_BYTES,
            max_text_chars: crate::application::MAX_TEXT,
            own_addresses: settings
                .own_addresses
                .iter()
                .map(|a| a.trim().to_ascii_lowercase())
                .collect(),
            notification_domain: settings.notification_domain.trim().to_owned(),
        };
        let account = format!("{}@{}", settings.imap.username, settings.imap.host);
        Self {
            settings,
            publisher,
            limits,
            account,
            problems,
        }
    }

    /// Reads the mailbox until `shutdown`, reconnecting after failures. A
    /// message being handled when shutdown comes is finished first (its
    /// publish is bounded), so it is either marked or left for next time.
    pub async fn run(self, shutdown: CancellationToken) {
        let max = Duration::from_millis(self.settings.imap.max_backoff_ms);
        let mut wait = Duration::from_secs(1);
        while !shutdown.is_cancelled() {
            match self.session(&shutdown).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(
                        error.kind = e.kind(),
                        error.message = %e,
                        error.cause_chain = ?e,
                        retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "e-mail channel: mailbox round failed; reconnecting"
                    );
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(max);
        }
        tracing::info!("e-mail channel stopped");
    }

    async fn session(&self, shutdown: &CancellationToken) -> Result<(), ChannelError> {
        let limit = self.settings.timeout();
        let imap_settings = &self.settings.imap;
        let mut s = imap::connect(imap_settings, limit).await?;
        let caps = bounded(limit, s.capabilities()).await?;
        let (idle, can_move) = (caps.has_str("IDLE"), caps.has_str("MOVE"));
        if !imap_settings.processed_mailbox.is_empty() {
            // Already there is the usual answer, and an error here shows at the first move.
            let _ = bounded(limit, s.create(&imap_settings.processed_mailbox)).await;
        }
        let mailbox = bounded(limit, s.select(&imap_settings.mailbox)).await?;
        let uid_validity = mailbox.uid_validity.unwrap_or(0);
        tracing::info!(idle, can_move, "e-mail channel: mailbox open");
        // What the server said unasked (`* N EXISTS`): a message that came
        // in after the search, announced in a STORE's answer or just before
        // IDLE started, is seen here and not left waiting for the next one.
        let unsolicited = s.unsolicited_responses.clone();
        loop {
            while unsolicited.try_recv().is_ok() {}
            self.drain(&mut s, uid_validity, can_move, shutdown).await?;
            if shutdown.is_cancelled() {
                let _ = bounded(limit, s.logout()).await;
                return Ok(());
            }
            if idle {
                let mut handle = s.idle();
                bounded(limit, handle.init()).await?;
                let arrived = std::iter::from_fn(|| unsolicited.try_recv().ok()).any(|r| {
                    matches!(
                        r,
                        async_imap::types::UnsolicitedResponse::Exists(_)
                            | async_imap::types::UnsolicitedResponse::Recent(_)
                    )
                });
                if !arrived {
                    let (wait, _stop) = handle
                        .wait_with_timeout(Duration::from_millis(imap_settings.idle_renew_ms));
                    let woke = tokio::select! {
                        r = wait => Some(r),
                        () = shutdown.cancelled() => None,
                    };
                    if let Some(r) = woke {
                        r.map_err(ImapError::from)?;
                    }
                }
                s = bounded(limit, handle.done()).await?;
            } else {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = tokio::time::sleep(Duration::from_millis(imap_settings.poll_interval_ms)) => {}
                }
                bounded(limit, s.noop()).await?;
            }
        }
    }

    /// Handles every message not yet marked, oldest first.
    async fn drain(
        &self,
        s: &mut Session,
        uid_validity: u32,
        can_move: bool,
        shutdown: &CancellationToken,
    ) -> Result<(), ChannelError> {
        let limit = self.settings.timeout();
        let found = bounded(limit, s.uid_search(format!("UNKEYWORD {PROCESSED}"))).await?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        for uid in uids {
            if shutdown.is_cancelled() {
                break;
            }
            self.handle(s, uid, uid_validity, can_move).await?;
        }
        Ok(())
    }

    async fn fetch_one(
        &self,
        s: &mut Session,
        uid: u32,
        query: &str,
    ) -> Result<Option<async_imap::types::Fetch>, ImapError> {
        let limit = self.settings.timeout();
        let stream = bounded(limit, s.uid_fetch(uid.to_string(), query)).await?;
        let all: Vec<_> = bounded(limit, stream.try_collect()).await?;
        Ok(all.into_iter().find(|f| f.uid == Some(uid)))
    }

    #[tracing::instrument(name = "intake.email.message", skip_all, fields(uid, application_id))]
    async fn handle(
        &self,
        s: &mut Session,
        uid: u32,
        uid_validity: u32,
        can_move: bool,
    ) -> Result<(), ChannelError> {
        tracing::Span::current().record("uid", uid);
        // Size and arrival first, so that a huge message is never fetched whole.
        let Some(meta) = self
            .fetch_one(s, uid, "(UID RFC822.SIZE INTERNALDATE)")
            .await?
        else {
            return Ok(()); // expunged meanwhile
        };
        let max = self.settings.max_message_bytes;
        let truncated = meta.size.is_some_and(|n| n > max);
        let query = if truncated {
            format!("(UID BODY.PEEK[]<0.{max}>)")
        } else {
            "(UID BODY.PEEK[])".to_owned()
        };
        let Some(full) = self.fetch_one(s, uid, &query).await? else {
            return Ok(());
        };
        let raw = full.body().unwrap_or_default();
        let received_at = meta
            .internal_date()
            .and_then(|d| Timestamp::from_second(d.timestamp()).ok());
        match parse::parse(raw, truncated, &self.limits) {
            Verdict::Citizen(m) => {
                let sha = hex::encode(Sha256::digest(raw));
                let place = MessagePlace {
                    account: &self.account,
                    mailbox: &self.settings.imap.mailbox,
                    uid_validity,
                    uid,
                    sha256: &sha,
                };
                let id = application::application_id(m.message_id.as_deref(), &place);
                tracing::Span::current().record("application_id", tracing::field::display(id));
                // The arrival time the server recorded: the same on every
                // round, so a message processed twice is the same application.
                let at = received_at
                    .or_else(|| m.date.and_then(|d| Timestamp::from_second(d).ok()))
                    .unwrap_or_else(Timestamp::now);
                match application::to_application(&m, id, at, &self.settings) {
                    Ok(app) => {
                        let app = tekmerkez_proto::intake_v1::ApplicationReceived::from(app);
                        self.publisher.publish(&app).await?;
                        tracing::info!(
                            follow_up = !app.follow_up_of.is_empty(),
                            files = app.attachments.len(),
                            refused_files = m.refused_files.len(),
                            truncated,
                            "e-mail application published"
                        );
                        self.mark(s, uid, &[PROCESSED], true, can_move).await?;
                    }
                    Err(r) => {
                        self.unusable(s, raw, (uid, uid_validity), at, r.into(), can_move)
                            .await?;
                    }
                }
            }
            Verdict::Automated(kind) => {
                tracing::info!(kind = kind.as_str(), "automated e-mail: no case, no answer");
                self.mark(s, uid, &[PROCESSED, AUTOMATED], true, can_move)
                    .await?;
            }
            Verdict::Unusable(r) => {
                let at = received_at.unwrap_or_else(Timestamp::now);
                self.unusable(s, raw, (uid, uid_validity), at, r.into(), can_move)
                    .await?;
            }
        }
        Ok(())
    }

    /// Leaves a message no case can be made of for a person: recorded for
    /// the staff list (counted once, when new), then marked and left in the
    /// mailbox. A failed record leaves it unmarked, to be read again.
    async fn unusable(
        &self,
        s: &mut Session,
        raw: &[u8],
        (uid, uid_validity): (u32, u32),
        received_at: Timestamp,
        reason: ProblemReason,
        can_move: bool,
    ) -> Result<(), ChannelError> {
        let problem = Problem {
            account: self.account.clone(),
            mailbox: self.settings.imap.mailbox.clone(),
            uid_validity,
            uid,
            message_id: parse::message_id(raw),
            reason,
            received_at_micros: received_at.as_microsecond(),
            recorded_at_micros: Timestamp::now().as_microsecond(),
        };
        if self.problems.record(&problem).await? {
            problems::count_recorded(reason);
        }
        tracing::warn!(
            reason = reason.as_str(),
            "e-mail left for a person: no application"
        );
        self.mark(s, uid, &[PROCESSED, UNUSABLE], false, can_move)
            .await?;
        Ok(())
    }

    /// Adds `flags`, then moves the message to the processed mailbox when
    /// one is configured and `relocate` holds (MOVE when offered, else
    /// copy, delete and expunge that one message).
    async fn mark(
        &self,
        s: &mut Session,
        uid: u32,
        flags: &[&str],
        relocate: bool,
        can_move: bool,
    ) -> Result<(), ImapError> {
        let limit = self.settings.timeout();
        let set = uid.to_string();
        let stored = bounded(
            limit,
            s.uid_store(&set, format!("+FLAGS.SILENT ({})", flags.join(" "))),
        )
        .await?;
        bounded(limit, stored.try_collect::<Vec<_>>()).await?;
        let target = &self.settings.imap.processed_mailbox;
        if !target.is_empty() && relocate && can_move {
            bounded(limit, s.uid_mv(&set, target)).await?;
        } else if !target.is_empty() && relocate {
            bounded(limit, s.uid_copy(&set, target)).await?;
            let deleted = bounded(limit, s.uid_store(&set, "+FLAGS.SILENT (\\Deleted)")).await?;
            bounded(limit, deleted.try_collect::<Vec<_>>()).await?;
            let gone = bounded(limit, s.uid_expunge(&set)).await?;
            bounded(limit, gone.try_collect::<Vec<_>>()).await?;
        }
        Ok(())
    }
}
