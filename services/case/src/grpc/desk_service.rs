//! `tekmerkez.case.v1.DeskService`: each signed-in page's stream of what
//! happens on its person's desk. The caller is resolved once per stream and
//! every item is checked against it ([`notice_for`]); the stream ends after
//! [`DeskFeed::stream_lifetime`] so a changed scope takes effect on the
//! page's reconnect.

use std::{sync::Arc, time::Duration};

use tekmerkez_proto::case_v1::{self as pb, desk_service_server::DeskService};
use tokio::sync::{broadcast::error::RecvError, mpsc};
use tonic::{Request, Response, Status};

use super::CallerResolver;
use crate::{
    app::events::to_proto_ts,
    desk_feed::{DeskFeed, FeedItem},
    domain::{
        caller::Caller,
        desk::{DeskKind, Happening, Notice, notice_for},
    },
};

/// "Your lists changed" goes out at most this often per stream.
const CHANGED_EVERY: Duration = Duration::from_secs(1);

/// The gRPC face of the live desk.
#[derive(Debug, Clone)]
pub struct DeskGrpc {
    feed: DeskFeed,
    callers: CallerResolver,
}

impl DeskGrpc {
    /// Streams from `feed`.
    pub fn new(feed: DeskFeed, callers: CallerResolver) -> Self {
        Self { feed, callers }
    }
}

fn wrap(event: pb::DeskEvent) -> pb::WatchDeskResponse {
    pb::WatchDeskResponse { event: Some(event) }
}

fn ready(cursor: i64) -> pb::DeskEvent {
    pb::DeskEvent {
        cursor,
        kind: pb::DeskEventKind::Ready as i32,
        ..Default::default()
    }
}

fn changed(cursor: i64) -> pb::DeskEvent {
    pb::DeskEvent {
        cursor,
        kind: pb::DeskEventKind::Changed as i32,
        ..Default::default()
    }
}

/// An announced item on the wire: what a list row shows, no personal data.
fn announced(item: &FeedItem, n: Notice) -> pb::DeskEvent {
    let kind = match n.kind {
        DeskKind::NewInPool => pb::DeskEventKind::NewInPool,
        DeskKind::AssignedToMe => pb::DeskEventKind::AssignedToMe,
        DeskKind::CallbackDue => pb::DeskEventKind::CallbackDue,
        DeskKind::Changed => pb::DeskEventKind::Changed,
    };
    let c = &item.case;
    pb::DeskEvent {
        cursor: item.cursor,
        kind: kind as i32,
        case_id: c.id.to_string(),
        tracking_number: super::convert::tracking_number(c),
        category: c.category.clone(),
        urgency: c.urgency.to_proto() as i32,
        pool_id: c.pool_id.to_string(),
        status: c.status.to_proto() as i32,
        alert: n.alert,
        occurred_at: Some(to_proto_ts(item.occurred_at)),
    }
}

/// What one stream does with its items: announcements at once, "changed"
/// signals folded into one per [`CHANGED_EVERY`].
struct Outlet {
    caller: Caller,
    tx: mpsc::Sender<Result<pb::WatchDeskResponse, Status>>,
    /// The cursor of the last event sent or folded.
    last: i64,
    /// A "changed" signal waiting for its turn.
    pending_changed: bool,
}

impl Outlet {
    /// Sends what `item` means to this caller; false when the page left.
    async fn offer(&mut self, item: &FeedItem) -> bool {
        let repeat = item.cursor <= self.last && item.happening != Happening::CallbackDue;
        if repeat {
            return true;
        }
        self.last = self.last.max(item.cursor);
        match notice_for(&self.caller, &item.happening, &item.case, &item.left_pools) {
            None => true,
            Some(n) if n.kind == DeskKind::Changed => {
                self.pending_changed = true;
                true
            }
            Some(n) => self.tx.send(Ok(wrap(announced(item, n)))).await.is_ok(),
        }
    }

    async fn flush(&mut self) -> bool {
        if std::mem::take(&mut self.pending_changed) {
            self.tx.send(Ok(wrap(changed(self.last)))).await.is_ok()
        } else {
            !self.tx.is_closed()
        }
    }
}

#[tonic::async_trait]
impl DeskService for DeskGrpc {
    type WatchDeskStream =
        tokio_stream::wrappers::ReceiverStream<Result<pb::WatchDeskResponse, Status>>;

    #[tracing::instrument(name = "case.watch_desk", skip_all)]
    async fn watch_desk(
        &self,
        req: Request<pb::WatchDeskRequest>,
    ) -> Result<Response<Self::WatchDeskStream>, Status> {
        let caller = self.callers.resolve(&req).await?;
        if caller.user().is_none() {
            return Err(Status::permission_denied(
                "a desk belongs to a signed-in person",
            ));
        }
        let after = req.get_ref().after;
        if after.is_some_and(|a| a < 0) {
            return Err(Status::invalid_argument("after: must not be negative"));
        }
        let sub = self
            .feed
            .subscribe(after)
            .await
            .map_err(|_| Status::unavailable("the desk feed cannot be read just now"))?;
        let lifetime = self.feed.stream_lifetime();
        let stopping = self.feed.stopping().clone();
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            let mut out = Outlet {
                caller,
                tx,
                last: after.unwrap_or(sub.start).min(sub.start),
                pending_changed: sub.truncated,
            };
            if out.tx.send(Ok(wrap(ready(sub.start)))).await.is_err() {
                return;
            }
            for item in &sub.replay {
                if !out.offer(item).await {
                    return;
                }
            }
            out.last = out.last.max(sub.start);
            let mut live = sub.live;
            let end = tokio::time::sleep(lifetime);
            tokio::pin!(end);
            let mut tick = tokio::time::interval(CHANGED_EVERY);
            loop {
                tokio::select! {
                    () = &mut end => return,
                    () = stopping.cancelled() => return,
                    _ = tick.tick() => {
                        if !out.flush().await {
                            return;
                        }
                    }
                    got = live.recv() => match got {
                        Ok(item) => {
                            if !out.offer(Arc::as_ref(&item)).await {
                                return;
                            }
                        }
                        // Too far behind to tell each: tell the page to
                        // refresh what it shows.
                        Err(RecvError::Lagged(_)) => out.pending_changed = true,
                        Err(RecvError::Closed) => return,
                    },
                }
            }
        });
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }
}
