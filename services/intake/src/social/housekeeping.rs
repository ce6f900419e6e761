//! Held conversations are never dropped: the platform was answered 200 for
//! them. When a held conversation's window passes without a phone number,
//! [`SocialState::tidy`] (every `housekeeping_interval_seconds`) makes it a
//! case anyway: the held texts joined into one application, reply channel
//! `NO_CONTACT` ("no reply can be sent: the citizen left no contact
//! detail"), published with the id and tracking number claimed for it, so a
//! crash or a bus failure before the store marks it only publishes the same
//! application again. The texts are erased once the bus acknowledged it, as
//! for every published message. Later messages of the conversation within
//! the window follow that case up as the citizen's notes — also one that
//! finally gives a phone number (the number is then in the note, for the
//! agent). The round also forgets message ids past the replay horizon and
//! idle conversations.

use std::time::Duration;

use jiff::Timestamp;
use tekmerkez_proto::intake_v1 as pb;
use tokio_util::sync::CancellationToken;

use super::{
    application::expired_application,
    settings::{self, AccountSettings, SocialSettings},
    state::{SocialState, micros},
    store::Expired,
};

/// Held conversations claimed, and claimed applications published, per
/// housekeeping round at most (the next round takes the rest).
const EXPIRY_BATCH: i64 = 100;

/// What one housekeeping round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Held conversations whose window passed, claimed as applications.
    pub claimed: u64,
    /// Claimed applications published (and acknowledged) this round.
    pub published: u64,
    /// Claimed applications still waiting for the bus (or for their account
    /// to be configured): tried again next round.
    pub waiting: u64,
}

impl SocialState {
    /// Runs [`Self::tidy`] every `housekeeping_interval_seconds` until
    /// `shutdown`.
    pub async fn housekeeping(self, shutdown: CancellationToken) {
        let interval = self.0.settings.housekeeping_interval();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(interval) => {}
            }
            self.tidy(Timestamp::now().as_microsecond()).await;
        }
    }

    /// One housekeeping round at `now` (microseconds): held conversations
    /// whose window passed without a phone number become applications no
    /// reply can be sent to, claimed ones the bus has not acknowledged yet
    /// are published (again), and message ids past the longest replay
    /// horizon and idle conversations are forgotten. Failures are logged and
    /// left for the next round; nothing held is ever erased unpublished.
    pub async fn tidy(&self, now: i64) -> Tidied {
        let s = &self.0.settings;
        let window = micros(s.window());
        let mut done = Tidied::default();
        match self
            .0
            .store
            .expire_held(now - window, now, EXPIRY_BATCH)
            .await
        {
            Ok(n) => done.claimed = n,
            Err(e) => {
                tracing::warn!(error.message = %e, "claiming held social conversations failed; retried next round");
            }
        }
        match self.0.store.expired_unpublished(EXPIRY_BATCH).await {
            Ok(claims) => {
                let mut bus_down = false;
                for e in &claims {
                    if bus_down {
                        done.waiting += 1;
                        continue;
                    }
                    let Some(account) = origin_account(s, e) else {
                        tracing::error!(
                            application_id = %e.application_id,
                            platform = e.platform.as_deref().unwrap_or(""),
                            account = e.account_id.as_deref().unwrap_or(""),
                            "a held social conversation is for an account missing from intake.social; kept until it is configured"
                        );
                        done.waiting += 1;
                        continue;
                    };
                    match self.publish_expired(account, e).await {
                        Ok(()) => done.published += 1,
                        Err(()) => {
                            // The bus is down: the rest waits for the next round.
                            bus_down = true;
                            done.waiting += 1;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error.message = %e, "reading claimed social conversations failed; retried next round");
            }
        }
        self.purge(now).await;
        done
    }

    /// Publishes a claimed conversation and, once acknowledged, marks it.
    /// `Err` (logged) when the bus did not acknowledge it.
    pub(super) async fn publish_expired(
        &self,
        account: &AccountSettings,
        e: &Expired,
    ) -> Result<(), ()> {
        let app = pb::ApplicationReceived::from(expired_application(&self.0.settings, account, e));
        let key = e.application_id.to_string();
        if let Err(err) = self.0.publisher.publish_keyed(&key, &app).await {
            tracing::warn!(
                application_id = %e.application_id,
                error.message = %err,
                error.cause_chain = ?err,
                "publishing a held social conversation failed; its texts are kept and it is published again"
            );
            return Err(());
        }
        if let Err(err) = self.0.store.mark_published(e.application_id).await {
            // On the bus already; the next round publishes the very same
            // application again, which routing and the case service take once.
            tracing::warn!(error.message = %err, "marking a held social conversation published failed");
        }
        tracing::info!(
            application_id = %e.application_id,
            platform = e.platform.as_deref().unwrap_or(""),
            messages = e.texts.len(),
            "a held social conversation without a phone number became a case no reply can be sent to"
        );
        Ok(())
    }

    /// Forgets message ids past the longest replay horizon and idle conversations.
    async fn purge(&self, now: i64) {
        let s = &self.0.settings;
        let max_age_min = [
            s.whatsapp.max_message_age_minutes,
            s.messenger.max_message_age_minutes,
            s.instagram.max_message_age_minutes,
            s.x.max_message_age_minutes,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let window = micros(s.window());
        let horizon =
            micros(Duration::from_secs(max_age_min * 60)) + micros(Duration::from_secs(3600));
        if let Err(e) = self
            .0
            .store
            .purge(now - horizon, now - window - horizon)
            .await
        {
            tracing::warn!(error.message = %e, "purging social conversations failed");
        }
    }
}

/// The account a claimed conversation's messages came to, by the origin its
/// messages kept.
pub(super) fn origin_account<'a>(
    s: &'a SocialSettings,
    e: &Expired,
) -> Option<&'a AccountSettings> {
    let accounts = match e.platform.as_deref()? {
        "whatsapp" => &s.whatsapp.accounts,
        "messenger" => &s.messenger.accounts,
        "instagram" => &s.instagram.accounts,
        "x" => &s.x.accounts,
        _ => return None,
    };
    settings::account(accounts, e.account_id.as_deref()?)
}
