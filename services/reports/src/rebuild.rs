//! `tekmerkez reports rebuild`: empties facts, rollups, call figures and
//! dedupe rows, moves the consumer groups to the next generation (new
//! groups, which read `case.events.v1` and `intake.calls.v1` from their
//! beginnings), and replays both topics until no event arrived for
//! `rebuild.idle_ms`. The running service must be
//! stopped first (scaled to 0); started again, it reads the new
//! generation and goes on from where the rebuild stopped.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context as _;
use tekmerkez_bus::{Bus, Envelope, consumer};
use tokio_util::sync::CancellationToken;

use crate::{
    calls::{CALLS_TOPIC, CallHandler},
    config::ReportsSettings,
    handler::{CASE_EVENTS_TOPIC, ReportHandler},
    startup::open_store,
};

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct RebuildStats {
    /// Events applied (dead letters included).
    pub events: u64,
    /// Wall time, the final idle wait left out.
    pub elapsed: Duration,
    /// The generation now in use.
    pub generation: i64,
}

impl RebuildStats {
    /// Events per second.
    pub fn rate(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-3)
    }
}

/// Counts what the real handler handled, and when it last did.
struct Counting {
    inner: Arc<dyn consumer::Handler>,
    handled: Arc<AtomicU64>,
    last: Arc<std::sync::Mutex<Instant>>,
}

#[async_trait::async_trait]
impl consumer::Handler for Counting {
    async fn handle(&self, envelope: &Envelope) -> Result<(), consumer::HandleError> {
        let r = self.inner.handle(envelope).await;
        self.handled.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut last) = self.last.lock() {
            *last = Instant::now();
        }
        r
    }
}

/// Rebuilds the rollups from the topic; `progress` is called about once a
/// second with the events so far and the rate.
///
/// # Errors
/// Store or bus failures.
pub async fn rebuild(
    settings: &ReportsSettings,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
    mut progress: impl FnMut(u64, f64),
) -> anyhow::Result<RebuildStats> {
    settings.validate().map_err(anyhow::Error::msg)?;
    let store = open_store(settings).await?;
    let generation = store
        .reset_for_rebuild()
        .await
        .context("emptying the rollups")?;
    let handled = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let last = Arc::new(std::sync::Mutex::new(started));
    let stop = shutdown.child_token();
    let mut runs = Vec::new();
    let consumers: [(String, &str, Arc<dyn consumer::Handler>); 2] = [
        (
            settings.group(generation),
            CASE_EVENTS_TOPIC,
            Arc::new(ReportHandler::new(store.clone())),
        ),
        (
            settings.calls_group(generation),
            CALLS_TOPIC,
            Arc::new(CallHandler::new(store)),
        ),
    ];
    for (group, topic, handler) in consumers {
        let subscription = bus
            .subscribe(&group, topic)
            .await
            .with_context(|| format!("joining the rebuild's consumer group of {topic}"))?;
        runs.push(tokio::spawn(consumer::run(
            subscription,
            bus.clone(),
            Arc::new(Counting {
                inner: handler,
                handled: handled.clone(),
                last: last.clone(),
            }),
            settings.consumer_options(),
            stop.clone(),
        )));
    }
    let idle = Duration::from_millis(settings.rebuild.idle_ms);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = tick.tick() => {}
        }
        let n = handled.load(Ordering::Relaxed);
        progress(n, n as f64 / started.elapsed().as_secs_f64().max(1e-3));
        let quiet = last.lock().map(|l| l.elapsed()).unwrap_or(idle);
        if quiet >= idle {
            break;
        }
    }
    let finished = last.lock().map(|l| *l).unwrap_or(started);
    stop.cancel();
    for run in runs {
        run.await.context("the rebuild's consumer panicked")?;
    }
    Ok(RebuildStats {
        events: handled.load(Ordering::Relaxed),
        elapsed: finished.duration_since(started),
        generation,
    })
}
