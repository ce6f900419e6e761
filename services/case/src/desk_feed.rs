//! The live desk's feed: one reader per process turns new case events into
//! [`FeedItem`]s (each with its case as it stands) and broadcasts them to
//! every open desk stream, which picks what its caller may hear
//! ([`crate::domain::desk::notice_for`]). The database is read once per
//! round for all streams, never once per stream, and only while someone is
//! watching.
//!
//! The cursor is the outbox row id. The outbox keeps its rows, so a stream
//! that reconnects with its last cursor replays what it missed. Ids are
//! taken when a transaction writes and become visible when it commits, so a
//! lower id can appear after a higher one: the reader stops at a hole and
//! waits up to [`HOLE_WAIT`] for it to fill (a rolled-back write leaves one
//! for good) before it reads past it.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use jiff::Timestamp;
use prost::Message as _;
use tekmerkez_proto::case_v1::{CaseEvent, case_event::Payload};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    clock::Clock,
    config::DeskSettings,
    domain::{case::Case, desk::Happening},
    store::{DeskFeedRow, Store, StoreError},
};

/// How long the reader waits for a hole in the ids to fill.
pub const HOLE_WAIT: Duration = Duration::from_secs(2);

/// Streams that fall this far behind are told to refresh instead.
const CHANNEL_CAPACITY: usize = 1024;

/// Outbox rows read per round.
const ROUND_LIMIT: u32 = 500;

/// One thing that happened to one case, for the desks.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// The outbox id of the event (for a callback coming due: the feed's
    /// position when it was found, which is not replayed).
    pub cursor: i64,
    pub occurred_at: Timestamp,
    pub happening: Happening,
    /// Pools the case just left.
    pub left_pools: Vec<Uuid>,
    /// The case as it stands now.
    pub case: Case,
}

/// The start of one stream: what it missed, then what comes.
pub struct Subscription {
    /// Where the stream stands once `replay` is sent.
    pub start: i64,
    /// Missed items, oldest first (the latest `replay_limit` of them).
    pub replay: Vec<Arc<FeedItem>>,
    /// Whether more were missed than `replay` holds.
    pub truncated: bool,
    /// New items; events at or below `start` are repeats of the replay
    /// (callbacks coming due are never repeats).
    pub live: broadcast::Receiver<Arc<FeedItem>>,
}

/// The process's desk feed.
#[derive(Debug, Clone)]
pub struct DeskFeed {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: DeskSettings,
    tx: broadcast::Sender<Arc<FeedItem>>,
    /// Every case event at or below this id has been broadcast (or skipped).
    watermark: Arc<AtomicI64>,
    /// Cancelled when the service stops: the reader and every stream end.
    stopping: CancellationToken,
    /// Held while a stream starts and while the idle reader forgets its
    /// position: a stream starting just as the last one left must not read
    /// a position the reader is about to forget (its events would be
    /// skipped).
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl DeskFeed {
    /// A feed over `store` until `stopping`; nothing is read until
    /// [`Self::run`].
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: DeskSettings,
        stopping: CancellationToken,
    ) -> Self {
        let (tx, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            store,
            clock,
            settings,
            tx,
            watermark: Arc::new(AtomicI64::new(-1)),
            stopping,
            gate: Arc::default(),
        }
    }

    /// Cancelled when the service stops (streams end then, so a graceful
    /// shutdown does not wait for them).
    pub fn stopping(&self) -> &CancellationToken {
        &self.stopping
    }

    /// How long one stream lasts.
    pub fn stream_lifetime(&self) -> Duration {
        Duration::from_secs(self.settings.stream_seconds)
    }

    /// Opens a stream resuming after `after` (`None`: from now).
    ///
    /// # Errors
    /// The store failed.
    pub async fn subscribe(&self, after: Option<i64>) -> Result<Subscription, StoreError> {
        // Subscribed before the watermark is read: whatever is broadcast
        // after that read is in `live`, whatever was before is replayed.
        let (live, start) = {
            let _gate = self.gate.lock().await;
            let live = self.tx.subscribe();
            let mut start = self.watermark.load(Ordering::Acquire);
            if start < 0 {
                // Nobody was watching: the reader starts from the head.
                start = self.store.last_outbox_id().await?;
                self.watermark.store(start, Ordering::Release);
            }
            (live, start)
        };
        let Some(after) = after.filter(|a| *a < start) else {
            return Ok(Subscription {
                start,
                replay: Vec::new(),
                truncated: false,
                live,
            });
        };
        let limit = self.settings.replay_limit;
        let rows = self
            .store
            .case_events_after(after, limit.saturating_add(1))
            .await?;
        let rows: Vec<DeskFeedRow> = rows.into_iter().filter(|r| r.id <= start).collect();
        let truncated = rows.len() > limit as usize;
        let rows = &rows[rows.len().saturating_sub(limit as usize)..];
        let replay = self.items(rows).await?;
        Ok(Subscription {
            start,
            replay,
            truncated,
            live,
        })
    }

    /// Reads new events and callbacks coming due until the service stops.
    pub async fn run(self) {
        let shutdown = self.stopping.clone();
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        let scan_every = Duration::from_secs(self.settings.callback_scan_seconds);
        let mut hole = Hole::default();
        let mut last_scan: Option<(Instant, Timestamp)> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
            if self.tx.receiver_count() == 0 {
                // Nobody watching: forget the position, so the next watcher
                // starts from the head rather than the backlog.
                let _gate = self.gate.lock().await;
                if self.tx.receiver_count() == 0 {
                    self.watermark.store(-1, Ordering::Release);
                    last_scan = None;
                    continue;
                }
            }
            if let Err(e) = self.round(&mut hole).await {
                tracing::warn!(error = %e, "the live desk could not read new case events");
            }
            let now = self.clock.now();
            match last_scan {
                Some((at, _)) if at.elapsed() < scan_every => {}
                Some((_, from)) => {
                    if let Err(e) = self.callbacks_due(from, now).await {
                        tracing::warn!(error = %e, "the live desk could not read due callbacks");
                    } else {
                        last_scan = Some((Instant::now(), now));
                    }
                }
                None => last_scan = Some((Instant::now(), now)),
            }
        }
    }

    /// One read of new events.
    async fn round(&self, hole: &mut Hole) -> Result<(), StoreError> {
        let mark = self.watermark.load(Ordering::Acquire);
        if mark < 0 {
            // Not started: the first stream sets the position.
            return Ok(());
        }
        let rows = self.store.case_events_after(mark, ROUND_LIMIT).await?;
        let ready = hole.ready(mark, &rows, Instant::now());
        if ready.is_empty() {
            return Ok(());
        }
        let last = ready.last().map_or(mark, |r| r.id);
        let items = self.items(ready).await?;
        // Broadcast and moved on as one step for a stream starting now: it
        // either hears these live or replays them, never neither.
        let _gate = self.gate.lock().await;
        for item in items {
            // No receivers left is not an error: the next watcher starts anew.
            let _ = self.tx.send(item);
        }
        self.watermark.store(last, Ordering::Release);
        Ok(())
    }

    async fn callbacks_due(&self, from: Timestamp, to: Timestamp) -> Result<(), StoreError> {
        let cases = self
            .store
            .callbacks_coming_due(from, to, self.settings.replay_limit)
            .await?;
        let cursor = self.watermark.load(Ordering::Acquire).max(0);
        for case in cases {
            let _ = self.tx.send(Arc::new(FeedItem {
                cursor,
                occurred_at: to,
                happening: Happening::CallbackDue,
                left_pools: Vec::new(),
                case,
            }));
        }
        Ok(())
    }

    /// The items of `rows`, each with its case read (one query for all).
    async fn items(&self, rows: &[DeskFeedRow]) -> Result<Vec<Arc<FeedItem>>, StoreError> {
        let decoded: Vec<(i64, Decoded)> = rows
            .iter()
            .filter_map(|r| Some((r.id, decode(r.payload.as_deref()?)?)))
            .collect();
        let mut ids: Vec<Uuid> = decoded.iter().map(|(_, d)| d.case_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let cases: HashMap<Uuid, Case> = self
            .store
            .cases_by_ids(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(decoded
            .into_iter()
            .filter_map(|(cursor, d)| {
                Some(Arc::new(FeedItem {
                    cursor,
                    occurred_at: d.occurred_at,
                    happening: d.happening,
                    left_pools: d.left_pools,
                    case: cases.get(&d.case_id)?.clone(),
                }))
            })
            .collect())
    }
}

/// Where the reader waits for a hole in the ids.
#[derive(Debug, Default)]
struct Hole {
    /// The missing id and when it was first seen missing.
    waiting: Option<(i64, Instant)>,
}

impl Hole {
    /// The rows that may go out now: the run of consecutive ids after
    /// `mark`, and past a hole once it has been open for [`HOLE_WAIT`].
    fn ready<'a>(&mut self, mark: i64, rows: &'a [DeskFeedRow], now: Instant) -> &'a [DeskFeedRow] {
        let mut expected = mark + 1;
        for (end, r) in rows.iter().enumerate() {
            if r.id != expected {
                let since = match self.waiting {
                    Some((id, since)) if id == expected => since,
                    _ => {
                        self.waiting = Some((expected, now));
                        now
                    }
                };
                if now.duration_since(since) < HOLE_WAIT {
                    return &rows[..end];
                }
            }
            expected = r.id + 1;
        }
        self.waiting = None;
        rows
    }
}

/// What the desks need of one encoded event.
struct Decoded {
    case_id: Uuid,
    occurred_at: Timestamp,
    happening: Happening,
    left_pools: Vec<Uuid>,
}

fn decode(payload: &[u8]) -> Option<Decoded> {
    let e = CaseEvent::decode(payload).ok()?;
    let case_id = e.case_id.parse().ok()?;
    let occurred_at = e
        .occurred_at
        .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok())
        .unwrap_or_else(Timestamp::now);
    let actor = e
        .actor
        .as_ref()
        .and_then(|a| a.user_id.parse::<Uuid>().ok());
    let mut left_pools = Vec::new();
    let happening = match e.payload? {
        Payload::Opened(o) if o.information_only => Happening::Other,
        Payload::Opened(_) | Payload::Reopened(_) | Payload::ClosedByExpert(_) => {
            Happening::Arrived
        }
        Payload::Transferred(t) => {
            left_pools.extend(t.from_pool_id.parse::<Uuid>().ok());
            Happening::Arrived
        }
        Payload::Assigned(a) => match a.to_holder_id.parse() {
            Ok(holder) => Happening::HandedTo { holder, by: actor },
            Err(_) => Happening::Other,
        },
        Payload::Claimed(c) => match c.holder_id.parse() {
            Ok(holder) => Happening::HandedTo {
                holder,
                by: Some(holder),
            },
            Err(_) => Happening::Other,
        },
        _ => Happening::Other,
    };
    Some(Decoded {
        case_id,
        occurred_at,
        happening,
        left_pools,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(ids: &[i64]) -> Vec<DeskFeedRow> {
        ids.iter()
            .map(|&id| DeskFeedRow { id, payload: None })
            .collect()
    }

    #[test]
    fn consecutive_ids_go_out_at_once() {
        let mut h = Hole::default();
        let r = rows(&[11, 12, 13]);
        assert_eq!(h.ready(10, &r, Instant::now()).len(), 3);
    }

    #[test]
    fn a_hole_holds_back_what_follows_it_until_it_fills_or_times_out() {
        let mut h = Hole::default();
        let t0 = Instant::now();
        // 12 is written but not committed yet.
        let r = rows(&[11, 13, 14]);
        assert_eq!(h.ready(10, &r, t0).len(), 1, "11 only");
        assert_eq!(
            h.ready(11, &r[1..], t0 + Duration::from_millis(500)).len(),
            0
        );
        // It commits: everything goes.
        let filled = rows(&[12, 13, 14]);
        assert_eq!(h.ready(11, &filled, t0 + Duration::from_secs(1)).len(), 3);
        // A rolled-back write never fills: read past it after the wait.
        let r = rows(&[16, 17]);
        assert_eq!(h.ready(14, &r, t0 + Duration::from_secs(3)).len(), 0);
        assert_eq!(
            h.ready(14, &r, t0 + Duration::from_secs(3) + HOLE_WAIT)
                .len(),
            2
        );
    }
}
