//! The record page's *Vatandaşa Bildirimler*: the messages notify sent (or
//! holds, or could not send) to the citizen about this case, in words.

use tekmerkez_proto::notify_v1 as npb;

use super::when;
use crate::{http::AppState, i18n::Texts};

/// One message to the citizen, as the record page shows it.
pub(super) struct DeliveryView {
    pub(super) when: String,
    pub(super) channel: &'static str,
    /// The rule that sent it, in words (or its code when it has none).
    pub(super) kind: String,
    pub(super) state: &'static str,
    /// Why it failed, in words (or its code when it has none).
    pub(super) reason: String,
    pub(super) segments: u32,
}

/// The delivery log of a case the user was just allowed to read, asked of
/// notify with the gateway's own service credential; `None` when notify is
/// not configured or did not answer.
pub(super) async fn deliveries(
    state: &AppState,
    case_id: &str,
    t: &Texts,
) -> Option<Vec<DeliveryView>> {
    let mut notify = state.backend.notify()?;
    let list = notify
        .list_deliveries(state.backend.as_gateway(npb::ListDeliveriesRequest {
            case_id: case_id.to_owned(),
        }))
        .await
        .ok()?
        .into_inner()
        .deliveries;
    let w = &t.record.delivery;
    Some(
        list.into_iter()
            .map(|d| {
                let state = match npb::DeliveryState::try_from(d.state).unwrap_or_default() {
                    npb::DeliveryState::Pending if d.deferred => w.waiting_for_quiet_hours,
                    npb::DeliveryState::Pending => w.pending,
                    npb::DeliveryState::Sending => w.sending,
                    npb::DeliveryState::Sent => w.sent,
                    npb::DeliveryState::Delivered => w.delivered,
                    // Too late to be worth sending: held back on purpose, not a fault.
                    npb::DeliveryState::Failed if d.reason == "stale_event" => w.not_sent,
                    npb::DeliveryState::Failed => w.failed,
                    npb::DeliveryState::Unspecified => "",
                };
                let channel = if d.channel == npb::MessageChannel::Email as i32 {
                    t.common.email_channel
                } else if d.channel == npb::MessageChannel::Social as i32 {
                    t.common
                        .channel_name(tekmerkez_proto::common_v1::Channel::SocialMedia as i32)
                } else {
                    "SMS"
                };
                DeliveryView {
                    when: when(d.sent_at.as_ref().or(d.created_at.as_ref())),
                    channel,
                    kind: w
                        .kind(&d.kind)
                        .map_or_else(|| d.kind.clone(), str::to_owned),
                    state,
                    reason: w
                        .reason(&d.reason)
                        .map_or_else(|| d.reason.clone(), str::to_owned),
                    segments: d.segments,
                }
            })
            .collect(),
    )
}
