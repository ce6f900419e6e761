//! The sender: claims due deliveries from the log under a lease and sends
//! them, `dispatch.concurrency` at once.
//!
//! - **Before** a request leaves, the attempt and its provider are written
//!   down ([`NotifyStore::start_attempt`]); **after** the answer, the
//!   outcome. A crash between the two leaves the row `sending`; when its
//!   lease runs out it is claimed again *in doubt*, and the provider of the
//!   last attempt is asked first ([`SmsProvider::lookup`]): Netgsm through
//!   its report API, the webhook and the dev sink by sending again with the
//!   same message id (they deduplicate). Only a provider that certainly does
//!   not have the message gets it again, or the next provider.
//! - SMS fail over down `sms.order` while providers certainly did not take
//!   the message; a message a provider refuses for good fails with the reason.
//! - Retries wait with capped exponential backoff and jitter; after
//!   `dispatch.max_attempts` rounds the delivery fails with the last reason.
//! - **Fencing**: each claim gets a fresh `claim_seq`, and every write for
//!   the attempt (recording it, extending the lease, the outcome) matches
//!   only while the row still carries it. A sender paused past its lease,
//!   whose row another sender claimed since, finds its writes matching
//!   nothing ([`StoreError::ClaimLost`]) and leaves the delivery alone: it
//!   sends nothing more and records nothing (counted as a retry with reason
//!   `claim_lost`).
//! - **No "not found" too early**: a provider's lookup that does not find
//!   the message in doubt is believed only once the last attempt's request
//!   can no longer reach it ([`DispatchOptions::in_doubt_settle`] after the
//!   attempt started: the request timeout and [`IN_DOUBT_MARGIN`]). Before
//!   that the delivery is held in doubt until then and asked again, not sent.
//! - E-mail is resent after a crash with the same `Message-ID` (see
//!   [`crate::email`] for what that leaves possible).
//! - Social messages ([`social`]): the window decides the form, a refusal
//!   of the conversation turns the delivery into an SMS to the mobile on
//!   record, or fails it with the reason.

mod social;

use std::{sync::Arc, time::Duration};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{Notify, Semaphore};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    email::{Mailer, OutgoingEmail},
    gsm::SmsEncoding,
    sms::{Lookup, OutgoingSms, SendOutcome, SmsProvider},
    store::{Delivery, NotifyStore, StoreError},
};

/// The sender's timing.
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    /// Pause between claims when nothing is due.
    pub poll_interval: Duration,
    /// Claimed at once.
    pub batch_size: u32,
    /// Sent at once.
    pub concurrency: usize,
    /// A claim's lease.
    pub lease: Duration,
    /// When to ask about an in-doubt message.
    pub in_doubt_retry: Duration,
    /// How long after an attempt started a provider may still record its
    /// request: the longest SMS request timeout plus [`IN_DOUBT_MARGIN`].
    /// A lookup that finds nothing sooner than this is not believed.
    pub in_doubt_settle: Duration,
    /// Retry rounds and backoff.
    pub retry: tekmerkez_bus::consumer::RetryPolicy,
}

/// The sender.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    store: NotifyStore,
    providers: Arc<Vec<Arc<dyn SmsProvider>>>,
    mailer: Mailer,
    options: DispatchOptions,
    /// Woken by the handler when it recorded something, so a new message
    /// does not wait for the next poll.
    wake: Arc<Notify>,
    /// The social platforms' clients ([`Self::with_social`]; none by default).
    social: Arc<crate::social::SocialSenders>,
}

/// Added to the SMS request timeout before a provider's "I do not have it"
/// about a message in doubt is believed: time for a request that left just
/// before its sender's timeout to be recorded and listed by the provider's
/// report API, and for the clocks to differ a little.
pub const IN_DOUBT_MARGIN: Duration = Duration::from_secs(10);

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl Dispatcher {
    /// A sender over `store` with SMS `providers` in failover order.
    pub fn new(
        store: NotifyStore,
        providers: Vec<Arc<dyn SmsProvider>>,
        mailer: Mailer,
        options: DispatchOptions,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            providers: Arc::new(providers),
            mailer,
            options,
            wake,
            social: Arc::default(),
        }
    }

    /// The same sender, writing social messages through `social`.
    #[must_use]
    pub fn with_social(mut self, social: crate::social::SocialSenders) -> Self {
        self.social = Arc::new(social);
        self
    }

    /// Claims and sends until `shutdown`, then lets the sends in flight finish.
    pub async fn run(self, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.options.concurrency.max(1)));
        let tracker = TaskTracker::new();
        while !shutdown.is_cancelled() {
            // Claim only what can start now: a claimed row never waits in a
            // queue while its lease runs out.
            let first = tokio::select! {
                () = shutdown.cancelled() => break,
                p = permits.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            let free = u32::try_from(permits.available_permits() + 1).unwrap_or(u32::MAX);
            let now = Timestamp::now();
            let lease_until = now.as_microsecond() + micros(self.options.lease);
            let claimed = match self
                .store
                .claim(
                    now.as_microsecond(),
                    lease_until,
                    self.options.batch_size.min(free),
                )
                .await
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error.message = %e, error.cause_chain = ?e, "claiming deliveries failed; retrying");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                drop(first);
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.options.poll_interval) => {}
                }
                continue;
            }
            let mut first = Some(first);
            for d in claimed {
                let permit = match first.take() {
                    Some(p) => p,
                    None => match permits.clone().acquire_owned().await {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                };
                let this = self.clone();
                let stop = shutdown.clone();
                tracker.spawn(async move {
                    let id = d.id;
                    if stop.is_cancelled() {
                        // Not started: hand it back for the next sender.
                        let _ = this
                            .store
                            .reschedule(id, d.claim_seq, d.due_at, d.reason.as_deref().unwrap_or(""), Timestamp::now().as_microsecond())
                            .await;
                    } else if let Err(e) = this.process(d).await {
                        tracing::warn!(delivery_id = %id, error.message = %e, error.cause_chain = ?e, "recording a delivery's outcome failed; its lease will bring it back");
                    }
                    drop(permit);
                });
            }
        }
        tracker.close();
        tracker.wait().await;
    }

    /// Sends one claimed delivery and records what happened.
    ///
    /// # Errors
    /// Store failures (the lease brings the delivery back).
    /// The send is a span of the trace the case event came in (the
    /// delivery's stored `traceparent`), however long after it was recorded.
    /// A claim lost on the way (another sender claimed the delivery after
    /// this one's lease ran out) is not an error: this sender stops there.
    pub async fn process(&self, d: Delivery) -> Result<(), StoreError> {
        let span = tracing::info_span!("notify.dispatch", delivery_id = %d.id, kind = %d.kind, channel = %d.channel, in_doubt = d.in_doubt);
        tekmerkez_telemetry::continue_trace(&span, d.traceparent.as_deref(), None);
        let (id, channel, claim_seq) = (d.id, channel_label(&d), d.claim_seq);
        match tracing::Instrument::instrument(self.process_in_span(d), span).await {
            Err(StoreError::ClaimLost) => {
                tracing::info!(delivery_id = %id, claim_seq, "the claim on the delivery was lost (its lease ran out and another sender claimed it): leaving it to that sender");
                metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_RETRIED, "channel" => channel, "reason" => "claim_lost").increment(1);
                Ok(())
            }
            other => other,
        }
    }

    async fn process_in_span(&self, d: Delivery) -> Result<(), StoreError> {
        let now = Timestamp::now().as_microsecond();
        let (Some(to), Some(body)) = (d.recipient.clone(), d.body.clone()) else {
            count_failed(&d, "message_missing");
            return self
                .store
                .mark_failed(d.id, d.claim_seq, "message_missing", now)
                .await;
        };
        match d.channel.as_str() {
            "sms" => self.send_sms(&d, to, body).await,
            "email" => self.send_email(&d, to, body).await,
            "social" => self.send_social(&d, &to, body).await,
            _ => {
                count_failed(&d, "channel_unknown");
                self.store
                    .mark_failed(d.id, d.claim_seq, "channel_unknown", now)
                    .await
            }
        }
    }

    fn lease_from_now(&self) -> i64 {
        Timestamp::now().as_microsecond() + micros(self.options.lease)
    }

    async fn retry_or_fail(
        &self,
        d: &Delivery,
        rounds: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let now = Timestamp::now();
        let max = i64::from(self.options.retry.max_attempts);
        if rounds >= max {
            tracing::error!(delivery_id = %d.id, attempts = rounds, reason, "delivery failed: attempts exhausted");
            count_failed(d, reason);
            return self
                .store
                .mark_failed(d.id, d.claim_seq, reason, now.as_microsecond())
                .await;
        }
        let pause = self
            .options
            .retry
            .backoff(u32::try_from(rounds).unwrap_or(u32::MAX).saturating_sub(1));
        tracing::warn!(delivery_id = %d.id, attempts = rounds, reason, retry_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX), "delivery not sent; retrying later");
        count_retried(d, reason);
        self.store
            .reschedule(
                d.id,
                d.claim_seq,
                now.as_microsecond() + micros(pause),
                reason,
                now.as_microsecond(),
            )
            .await
    }

    async fn in_doubt(&self, d: &Delivery, rounds: i64, reason: &str) -> Result<(), StoreError> {
        let now = Timestamp::now().as_microsecond();
        if rounds >= i64::from(self.options.retry.max_attempts) {
            tracing::error!(delivery_id = %d.id, reason, "delivery's outcome stays unknown after every attempt; marked failed");
            count_failed(d, "outcome_unknown");
            return self
                .store
                .mark_failed(d.id, d.claim_seq, "outcome_unknown", now)
                .await;
        }
        tracing::warn!(delivery_id = %d.id, reason, "the provider's answer leaves it unknown whether it took the message; asking it later");
        count_retried(d, reason);
        self.store
            .mark_in_doubt(
                d.id,
                d.claim_seq,
                now + micros(self.options.in_doubt_retry),
                reason,
                now,
            )
            .await
    }

    async fn send_sms(&self, d: &Delivery, to: String, text: String) -> Result<(), StoreError> {
        let encoding = d
            .encoding
            .as_deref()
            .and_then(SmsEncoding::parse)
            .unwrap_or_else(|| crate::gsm::cost(&text).encoding);
        let sms = OutgoingSms {
            id: d.id,
            to,
            text,
            encoding,
            segments: d.segments.and_then(|s| u32::try_from(s).ok()).unwrap_or(1),
        };
        let mut order: Vec<Arc<dyn SmsProvider>> = self
            .providers
            .iter()
            .filter(|p| p.supports(encoding))
            .cloned()
            .collect();
        if order.is_empty() {
            count_failed(d, "encoding_unsupported");
            return self
                .store
                .mark_failed(
                    d.id,
                    d.claim_seq,
                    "encoding_unsupported",
                    Timestamp::now().as_microsecond(),
                )
                .await;
        }
        if d.in_doubt
            && let Some(last) = d
                .provider
                .as_deref()
                .and_then(|n| self.providers.iter().find(|p| p.name() == n))
                .cloned()
        {
            let started = d
                .attempt_started_at
                .and_then(|t| Timestamp::from_microsecond(t).ok())
                .unwrap_or_else(|| Timestamp::now() - SignedDuration::from_hours(1));
            // Asking may take a while (report pages): hold the claim meanwhile.
            self.store
                .extend_lease(d.id, d.claim_seq, self.lease_from_now())
                .await?;
            match last.lookup(&sms, started).await {
                Lookup::Found(reference) => {
                    tracing::info!(delivery_id = %d.id, provider = last.name(), "the provider had the message in doubt: recorded as sent, not sent again");
                    count_sent(d, last.name());
                    return self
                        .store
                        .mark_sent(
                            d.id,
                            d.claim_seq,
                            last.name(),
                            &reference,
                            Timestamp::now().as_microsecond(),
                        )
                        .await;
                }
                Lookup::NotFound => {
                    let settled = started
                        + SignedDuration::try_from(self.options.in_doubt_settle)
                            .unwrap_or(SignedDuration::MAX);
                    let now = Timestamp::now();
                    if now < settled {
                        // The last attempt's request may still reach the
                        // provider (its sender starved past its lease, say):
                        // "not found" means nothing yet. Hold it in doubt
                        // until it would, and ask again.
                        tracing::info!(delivery_id = %d.id, provider = last.name(), ask_in_ms = settled.as_millisecond() - now.as_millisecond(), "the provider does not have the message in doubt yet, but the last attempt may still reach it: asking again later");
                        count_retried(d, "in_doubt_too_early");
                        return self
                            .store
                            .mark_in_doubt(
                                d.id,
                                d.claim_seq,
                                settled.as_microsecond(),
                                d.reason.as_deref().unwrap_or("in_doubt"),
                                now.as_microsecond(),
                            )
                            .await;
                    }
                    tracing::info!(delivery_id = %d.id, provider = last.name(), "the provider does not have the message in doubt: sending it");
                }
                Lookup::ResendIsSafe => {
                    // The same provider first: it drops the duplicate.
                    order.retain(|p| p.name() != last.name());
                    order.insert(0, last);
                }
                Lookup::CannotTell(reason) => return self.in_doubt(d, d.attempts, reason).await,
            }
        }
        let rounds = d.attempts + 1;
        let mut last_reason = "no_provider";
        for (i, p) in order.iter().enumerate() {
            self.store
                .start_attempt(
                    d.id,
                    d.claim_seq,
                    p.name(),
                    i == 0,
                    Timestamp::now().as_microsecond(),
                    self.lease_from_now(),
                )
                .await?;
            match p.send(&sms).await {
                SendOutcome::Accepted(reference) => {
                    tracing::info!(delivery_id = %d.id, provider = p.name(), segments = sms.segments, encoding = encoding.as_str(), "SMS sent");
                    count_sent(d, p.name());
                    return self
                        .store
                        .mark_sent(
                            d.id,
                            d.claim_seq,
                            p.name(),
                            &reference,
                            Timestamp::now().as_microsecond(),
                        )
                        .await;
                }
                SendOutcome::Rejected(reason) => {
                    tracing::error!(delivery_id = %d.id, provider = p.name(), reason, "the provider refused the SMS for good; marked failed");
                    count_failed(d, reason);
                    return self
                        .store
                        .mark_failed(d.id, d.claim_seq, reason, Timestamp::now().as_microsecond())
                        .await;
                }
                SendOutcome::Unknown(reason) => return self.in_doubt(d, rounds, reason).await,
                SendOutcome::NotAccepted(reason) => {
                    tracing::warn!(delivery_id = %d.id, provider = p.name(), reason, "the provider did not take the SMS; failing over");
                    last_reason = reason;
                }
            }
        }
        self.retry_or_fail(d, rounds, last_reason).await
    }

    async fn send_email(&self, d: &Delivery, to: String, text: String) -> Result<(), StoreError> {
        let e = OutgoingEmail {
            id: d.id,
            to,
            subject: d.subject.clone().unwrap_or_default(),
            text,
            html: d.html.clone().unwrap_or_default(),
            message_id: d.message_id.clone().unwrap_or_default(),
            references: crate::email::thread_root(
                &d.tracking_number,
                d.message_id
                    .as_deref()
                    .and_then(|m| m.rsplit_once('@'))
                    .map_or("localhost", |(_, dom)| dom.trim_end_matches('>')),
            ),
            tracking_number: d.tracking_number.clone(),
            in_reply_to: d.in_reply_to.clone(),
        };
        if d.in_doubt {
            tracing::warn!(delivery_id = %d.id, "an e-mail's outcome is unknown (crash or lost answer): sending it again with the same Message-ID");
        }
        let rounds = d.attempts + 1;
        let name = match &self.mailer {
            Mailer::Smtp { .. } => "smtp",
            Mailer::Dev { .. } => "dev",
            Mailer::Off => "off",
        };
        self.store
            .start_attempt(
                d.id,
                d.claim_seq,
                name,
                true,
                Timestamp::now().as_microsecond(),
                self.lease_from_now(),
            )
            .await?;
        match self.mailer.send(&e).await {
            SendOutcome::Accepted(reference) => {
                tracing::info!(delivery_id = %d.id, "e-mail sent");
                count_sent(d, name);
                self.store
                    .mark_sent(
                        d.id,
                        d.claim_seq,
                        name,
                        &reference,
                        Timestamp::now().as_microsecond(),
                    )
                    .await
            }
            SendOutcome::Rejected(reason) => {
                tracing::error!(delivery_id = %d.id, reason, "the e-mail was refused for good; marked failed");
                count_failed(d, reason);
                self.store
                    .mark_failed(d.id, d.claim_seq, reason, Timestamp::now().as_microsecond())
                    .await
            }
            SendOutcome::NotAccepted(reason) | SendOutcome::Unknown(reason) => {
                self.retry_or_fail(d, rounds, reason).await
            }
        }
    }
}

/// The delivery's channel as a metric label, from a fixed set.
fn channel_label(d: &Delivery) -> &'static str {
    match d.channel.as_str() {
        "sms" => "sms",
        "email" => "email",
        "social" => "social",
        _ => "other",
    }
}

/// Counts a message the provider or relay took.
fn count_sent(d: &Delivery, provider: &'static str) {
    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_SENT, "channel" => channel_label(d), "provider" => provider).increment(1);
}

/// Counts a message that failed for good; `reason` is a reason code.
fn count_failed(d: &Delivery, reason: &str) {
    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_FAILED, "channel" => channel_label(d), "reason" => reason.to_owned()).increment(1);
}

/// Counts a message put back for a later attempt; `reason` is a reason code.
fn count_retried(d: &Delivery, reason: &str) {
    metrics::counter!(tekmerkez_telemetry::metrics::names::NOTIFY_RETRIED, "channel" => channel_label(d), "reason" => reason.to_owned()).increment(1);
}
