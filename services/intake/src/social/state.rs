//! The social channels' shared state: their settings, the conversation
//! store and the publisher.

use std::{sync::Arc, time::Duration};

use tekmerkez_bus::Bus;

use super::{settings::SocialSettings, store::ConversationStore};
use crate::publish::Publisher;

/// The social channels' shared state.
#[derive(Clone)]
pub struct SocialState(pub(super) Arc<Inner>);

pub(super) struct Inner {
    pub(super) settings: SocialSettings,
    pub(super) store: ConversationStore,
    pub(super) publisher: Publisher,
}

impl std::fmt::Debug for SocialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialState").finish_non_exhaustive()
    }
}

impl SocialState {
    /// The state for `settings`, keeping conversations in intake's database
    /// at `database_url` and publishing to `bus`.
    ///
    /// # Errors
    /// An unparsable database URL.
    pub fn new(
        settings: &SocialSettings,
        database_url: &str,
        bus: Arc<dyn Bus>,
        publish_timeout: Duration,
    ) -> Result<Self, sqlx::Error> {
        Ok(Self(Arc::new(Inner {
            settings: settings.clone(),
            store: ConversationStore::connect(database_url)?,
            publisher: Publisher::new(bus, publish_timeout),
        })))
    }

    /// The store (tests read it).
    pub fn store(&self) -> &ConversationStore {
        &self.0.store
    }

    /// Whether any social channel is switched on.
    pub fn any_enabled(&self) -> bool {
        let s = &self.0.settings;
        s.whatsapp.enabled || s.messenger.enabled || s.instagram.enabled || s.x.enabled
    }
}

/// A duration in microseconds, as the store counts time.
pub(super) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}
