//! Automatic assignment's state: a pool's switch, mode and round-robin
//! cursor; each expert's capacity and skills in a pool, presence and
//! absence days; and the round that hands waiting cases out under the
//! pool's lock.

use jiff::{Timestamp, civil::Date};
use uuid::Uuid;

use super::{CaseChange, StoreError};
use crate::domain::{
    assignment::{Expert, PoolSettings},
    case::Case,
};

/// One expert of a pool, with their settings there and their load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolExpert {
    pub user_id: Uuid,
    pub display_name: String,
    /// Their capacity in the pool (`None`: the configured default).
    pub capacity: Option<u32>,
    /// Categories they take in the pool; empty: any.
    pub skills: Vec<String>,
    /// At the desk (their toggle).
    pub present: bool,
    /// Away on the round's day.
    pub absent: bool,
    /// Cases they hold in the pool now.
    pub held: u32,
}

impl PoolExpert {
    /// As the assignment rule sees them, `default_capacity` standing for a
    /// capacity nobody set.
    pub fn as_expert(&self, default_capacity: u32) -> Expert {
        Expert {
            id: self.user_id,
            capacity: self.capacity.unwrap_or(default_capacity),
            held: self.held,
            skills: self.skills.clone(),
            available: self.present && !self.absent,
        }
    }
}

/// What a round reads, under the pool's lock.
#[derive(Debug)]
pub struct Round<'a> {
    pub settings: &'a PoolSettings,
    pub experts: &'a [PoolExpert],
    /// Unassigned cases waiting in the pool (not linked to an incident),
    /// urgent first, then the oldest.
    pub waiting: &'a [Case],
}

/// What a round decided: the changes to write and the cursor after them.
#[derive(Debug, Default)]
pub struct RoundResult {
    pub changes: Vec<CaseChange>,
    pub last_expert: Option<Uuid>,
}

/// The rule a round applies (the store persists what it decides).
pub type Decide = dyn Fn(Round<'_>) -> RoundResult + Send + Sync;

/// Automatic assignment's state and its rounds.
#[async_trait::async_trait]
pub trait AssignmentStore: Send + Sync + std::fmt::Debug + 'static {
    /// A pool's settings (off when never set).
    async fn get_pool_assignment(&self, pool: Uuid) -> Result<PoolSettings, StoreError>;
    /// Switches a pool on or off and sets its mode (its cursor stays).
    async fn put_pool_assignment(
        &self,
        settings: &PoolSettings,
        by: Uuid,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The pools with automatic assignment on.
    async fn auto_assigned_pools(&self) -> Result<Vec<Uuid>, StoreError>;
    /// The active experts of `pool`, by id, with their settings there, their
    /// load, and whether they are away on `today`.
    async fn pool_experts(&self, pool: Uuid, today: Date) -> Result<Vec<PoolExpert>, StoreError>;
    /// Sets an expert's capacity (`None`: the default) and skills in a pool.
    async fn set_expert_pool(
        &self,
        user: Uuid,
        pool: Uuid,
        capacity: Option<u32>,
        skills: &[String],
    ) -> Result<(), StoreError>;
    /// Whether a user is at the desk (present unless they said otherwise).
    async fn get_presence(&self, user: Uuid) -> Result<bool, StoreError>;
    async fn set_presence(
        &self,
        user: Uuid,
        present: bool,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// A user's absence days, in order.
    async fn list_absences(&self, user: Uuid) -> Result<Vec<Date>, StoreError>;
    /// Replaces a user's absence days.
    async fn set_absences(&self, user: Uuid, days: &[Date]) -> Result<(), StoreError>;
    /// One round for `pool` on `today`, in one transaction holding the pool's
    /// lock: reads its settings (nothing happens when it is off), its
    /// experts (`default_capacity` for those with none set) and the waiting
    /// cases they could take ([`crate::domain::assignment::demand`], at most
    /// `limit` per category), applies `decide`, and writes
    /// its changes (one whose case moved on meanwhile is left out) and the
    /// cursor. The cases given out, as stored.
    async fn hand_out(
        &self,
        pool: Uuid,
        today: Date,
        limit: u32,
        default_capacity: u32,
        decide: &Decide,
    ) -> Result<Vec<Case>, StoreError>;
}
