//! Deciding where an application goes: the current rules (cached for a
//! second, reloaded at once after a local change, so an admin's edit takes
//! effect without a restart) and the pools of the case service's directory
//! (cached, refreshed on a miss).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::{
    rules::{Facts, Rule, first_match},
    store::{RulesStore, RulesStoreError},
};

/// A value read at an instant, shared by the cache's readers.
type Cached<T> = Arc<RwLock<Option<(Instant, Arc<T>)>>>;

/// How long loaded rules are trusted before re-reading (other replicas' edits).
const RULES_TTL: Duration = Duration::from_secs(1);

/// The rules, cached.
#[derive(Debug, Clone)]
pub struct RuleCache {
    store: RulesStore,
    /// The rules and when they were read; the cache owns it, readers share it.
    cached: Cached<Vec<Rule>>,
}

impl RuleCache {
    /// A cache over `store`.
    pub fn new(store: RulesStore) -> Self {
        Self {
            store,
            cached: Arc::new(RwLock::new(None)),
        }
    }

    pub fn store(&self) -> &RulesStore {
        &self.store
    }

    /// Forgets the cached rules (after a local change).
    pub async fn invalidate(&self) {
        *self.cached.write().await = None;
    }

    /// The current rules.
    ///
    /// # Errors
    /// Store failures.
    pub async fn current(&self) -> Result<Arc<Vec<Rule>>, RulesStoreError> {
        if let Some((at, rules)) = self.cached.read().await.as_ref()
            && at.elapsed() < RULES_TTL
        {
            return Ok(rules.clone());
        }
        let rules = Arc::new(self.store.list().await?);
        *self.cached.write().await = Some((Instant::now(), rules.clone()));
        Ok(rules)
    }
}

/// A pool as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRef {
    pub id: String,
    pub unit_id: String,
    /// Province plate code.
    pub province_code: u32,
    /// Triage pool of its province.
    pub triage: bool,
}

/// Where the pool list comes from.
#[async_trait::async_trait]
pub trait PoolSource: Send + Sync + std::fmt::Debug + 'static {
    /// Every pool.
    async fn pools(&self) -> Result<Vec<PoolRef>, tonic::Status>;
}

/// The case service's directory, cached.
#[derive(Debug, Clone)]
pub struct PoolDirectory {
    source: Arc<dyn PoolSource>,
    /// The last list read; refreshed when a lookup misses or it is old.
    cached: Cached<Vec<PoolRef>>,
}

/// Where an application goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub pool_id: String,
    pub urgency: common::Urgency,
    /// The case's category: the application's, or the placing rule's
    /// assigned category for an application whose category was a default.
    pub category: String,
    /// The rule that matched, if any (for logs).
    pub rule_id: Option<Uuid>,
    /// The placing rule's application type (protobuf number), if it gives
    /// one: it wins over the channel's.
    pub application_type: Option<i32>,
}

/// Why no decision could be made.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// The rules could not be read.
    #[error("reading the rules")]
    Rules(#[from] RulesStoreError),
    /// The directory could not be read.
    #[error("reading the pool directory")]
    Directory(#[source] tonic::Status),
    /// The province has no triage pool to fall back to.
    #[error("province {0} has no triage pool")]
    NoTriagePool(u32),
}

impl PoolDirectory {
    /// A directory over `source`.
    pub fn new(source: Arc<dyn PoolSource>) -> Self {
        Self {
            source,
            cached: Arc::new(RwLock::new(None)),
        }
    }

    async fn list(&self, refresh: bool) -> Result<Arc<Vec<PoolRef>>, RouteError> {
        if !refresh
            && let Some((at, pools)) = self.cached.read().await.as_ref()
            && at.elapsed() < Duration::from_secs(60)
        {
            return Ok(pools.clone());
        }
        let pools = Arc::new(self.source.pools().await.map_err(RouteError::Directory)?);
        *self.cached.write().await = Some((Instant::now(), pools.clone()));
        Ok(pools)
    }

    async fn find(&self, pred: impl Fn(&PoolRef) -> bool) -> Result<Option<String>, RouteError> {
        if let Some(p) = self.list(false).await?.iter().find(|p| pred(p)) {
            return Ok(Some(p.id.clone()));
        }
        Ok(self
            .list(true)
            .await?
            .iter()
            .find(|p| pred(p))
            .map(|p| p.id.clone()))
    }
}

/// Decides pool and urgency for applications.
#[derive(Debug, Clone)]
pub struct Router {
    rules: RuleCache,
    pools: PoolDirectory,
    urgent_categories: Arc<Vec<String>>,
}

impl Router {
    /// A router over the rules and pools; `urgent_categories` (fault reports) default to urgent.
    pub fn new(rules: RuleCache, pools: PoolDirectory, urgent_categories: Vec<String>) -> Self {
        Self {
            rules,
            pools,
            urgent_categories: Arc::new(urgent_categories),
        }
    }

    pub fn rules(&self) -> &RuleCache {
        &self.rules
    }

    /// Where `app` goes: the first matching rule's unit's pool in the
    /// application's province, else that province's triage pool. An
    /// application whose category is the channel's default
    /// (`category_is_default`: e-mail, social media) takes the placing
    /// rule's assigned category, and the urgency that category has by
    /// default.
    ///
    /// # Errors
    /// [`RouteError`] when rules or pools cannot be read, or no triage pool exists.
    pub async fn decide(
        &self,
        category: &str,
        category_is_default: bool,
        text: &str,
        channel: i32,
        province: u32,
        district: &str,
    ) -> Result<Decision, RouteError> {
        let rules = self.rules.current().await?;
        let folded = tekmerkez_turkish::fold(text);
        let facts = Facts {
            category,
            folded_text: &folded,
            channel,
            province_code: u8::try_from(province).unwrap_or(0),
            district,
        };
        let default_urgency = |category: &str| {
            if self.urgent_categories.iter().any(|c| c == category) {
                common::Urgency::Urgent
            } else {
                common::Urgency::Normal
            }
        };
        if let Some(rule) = first_match(&rules, &facts) {
            let unit = rule.target_unit_id.to_string();
            if let Some(pool_id) = self
                .pools
                .find(|p| p.unit_id == unit && p.province_code == province)
                .await?
            {
                let urgency = rule
                    .urgency
                    .and_then(|u| common::Urgency::try_from(u).ok())
                    .filter(|u| *u != common::Urgency::Unspecified);
                let category = rule
                    .assigned_category
                    .as_deref()
                    .filter(|_| category_is_default)
                    .unwrap_or(category);
                return Ok(Decision {
                    pool_id,
                    urgency: urgency.unwrap_or_else(|| default_urgency(category)),
                    category: category.to_owned(),
                    rule_id: Some(rule.id),
                    application_type: rule.application_type,
                });
            }
        }
        let triage = self
            .pools
            .find(|p| p.triage && p.province_code == province)
            .await?
            .ok_or(RouteError::NoTriagePool(province))?;
        Ok(Decision {
            pool_id: triage,
            urgency: default_urgency(category),
            category: category.to_owned(),
            rule_id: None,
            application_type: None,
        })
    }
}

/// The case service's `DirectoryService` as a pool source.
#[derive(Debug, Clone)]
pub struct GrpcPoolSource<S> {
    client: tekmerkez_proto::case_v1::directory_service_client::DirectoryServiceClient<S>,
}

impl<S> GrpcPoolSource<S> {
    /// A source over `client` (whose calls carry their deadline).
    pub fn new(
        client: tekmerkez_proto::case_v1::directory_service_client::DirectoryServiceClient<S>,
    ) -> Self {
        Self { client }
    }
}

#[async_trait::async_trait]
impl<S> PoolSource for GrpcPoolSource<S>
where
    S: tonic::client::GrpcService<tonic::body::Body>
        + Clone
        + Send
        + Sync
        + std::fmt::Debug
        + 'static,
    S::Future: Send,
    S::ResponseBody: tonic::transport::Body<Data = bytes::Bytes> + Send + 'static,
    <S::ResponseBody as tonic::transport::Body>::Error:
        Into<Box<dyn std::error::Error + Send + Sync>> + Send,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    async fn pools(&self) -> Result<Vec<PoolRef>, tonic::Status> {
        let req = tonic::Request::new(pb::ListPoolsRequest { province_code: 0 });
        let pools = self
            .client
            .clone()
            .list_pools(req)
            .await?
            .into_inner()
            .pools;
        Ok(pools
            .into_iter()
            .map(|p| PoolRef {
                id: p.id,
                unit_id: p.unit_id,
                province_code: p.province_code,
                triage: p.triage,
            })
            .collect())
    }
}
