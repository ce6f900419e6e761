//! Sending a social delivery: its conversation's address from the log, the
//! platform through [`crate::social::SocialSenders`], and what the outcome
//! means for the row — sent, retried with the usual backoff, failed with
//! the reason, or switched to an SMS to the mobile number on record (the
//! same row, pending at once, taken by the SMS path with its failover and
//! in-doubt checks).

use jiff::Timestamp;

use super::{Dispatcher, count_failed, count_sent};
use crate::{
    social::{OutgoingSocial, SocialRecipient, Step},
    store::{Delivery, StoreError},
};

impl Dispatcher {
    pub(super) async fn send_social(
        &self,
        d: &Delivery,
        to: &str,
        text: String,
    ) -> Result<(), StoreError> {
        let now = Timestamp::now();
        let Ok(recipient) = serde_json::from_str::<SocialRecipient>(to) else {
            count_failed(d, "social_recipient_unreadable");
            return self
                .store
                .mark_failed(
                    d.id,
                    d.claim_seq,
                    "social_recipient_unreadable",
                    now.as_microsecond(),
                )
                .await;
        };
        if d.in_doubt {
            tracing::warn!(delivery_id = %d.id, "a social message's outcome is unknown (crash or lost answer): sending it again (the platforms take no idempotency key)");
        }
        let provider = provider_name(&recipient.platform);
        let rounds = d.attempts + 1;
        self.store
            .start_attempt(
                d.id,
                d.claim_seq,
                provider,
                true,
                now.as_microsecond(),
                self.lease_from_now(),
            )
            .await?;
        let msg = OutgoingSocial {
            id: d.id,
            text: text.clone(),
            tracking_number: d.tracking_number.clone(),
        };
        let done = Timestamp::now().as_microsecond();
        match self.social.deliver(&recipient, &msg, now).await {
            Step::Sent(reference) => {
                tracing::info!(delivery_id = %d.id, provider, "social message sent");
                count_sent(d, provider);
                self.store
                    .mark_sent(d.id, d.claim_seq, provider, &reference, done)
                    .await
            }
            Step::Fallback { phone, reason } => {
                tracing::info!(delivery_id = %d.id, provider, reason, "the conversation cannot take the message; it goes by SMS to the mobile number on record");
                let cost = crate::gsm::cost(&text);
                self.store
                    .switch_to_sms(d.id, d.claim_seq, &phone, &cost, reason, done)
                    .await?;
                self.wake.notify_one();
                Ok(())
            }
            Step::Failed(reason) => {
                tracing::error!(delivery_id = %d.id, provider, reason, "the social message cannot be delivered; marked failed");
                count_failed(d, reason);
                self.store
                    .mark_failed(d.id, d.claim_seq, reason, done)
                    .await
            }
            Step::Retry(reason) => self.retry_or_fail(d, rounds, reason).await,
        }
    }
}

/// The platform as the delivery log names the provider.
fn provider_name(platform: &str) -> &'static str {
    match platform {
        "whatsapp" => "whatsapp",
        "messenger" => "messenger",
        "instagram" => "instagram",
        "x" => "x",
        _ => "social",
    }
}
