//! The pool → unit → directorate map and the names of pools, units,
//! directorates and closure reasons, from the case service's
//! `DirectoryService` and `ClassificationService`, cached for a while.
//!
//! Units are resolved **at query time**, not when an event is applied: the
//! events carry the pool, a pool belongs to exactly one unit, so a unit's
//! figures are exactly the sum of its pools' pre-aggregated rows. Mapping
//! late means a pool moved to another unit (a reorganisation) shows under
//! its new unit everywhere without a rebuild, the consumer never waits on
//! the case service, and a directorate manager's scope is the pools its
//! units hold now, as on the desk.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use tekmerkez_case_client::DirectoryClient;
use tekmerkez_proto::case_v1 as pb;
use tokio::sync::RwLock;

/// The map as last read.
#[derive(Debug, Clone, Default)]
pub struct PoolMap {
    /// Pool id → (unit id, directorate id).
    pub pools: HashMap<String, (String, String)>,
    /// Pool id → name.
    pub pool_names: HashMap<String, String>,
    /// Unit id → name.
    pub unit_names: HashMap<String, String>,
    /// Unit id → directorate id.
    pub unit_directorate: HashMap<String, String>,
    /// Directorate id → name.
    pub directorate_names: HashMap<String, String>,
}

impl PoolMap {
    /// The directorate of `pool`'s unit (empty when unknown).
    pub fn directorate_of(&self, pool: &str) -> String {
        self.pools
            .get(pool)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    }

    /// The pools of `unit`.
    pub fn pools_of_unit(&self, unit: &str) -> BTreeSet<String> {
        self.pools
            .iter()
            .filter(|(_, (u, _))| u == unit)
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The pools whose unit (or directorate, with `directorate`) is known:
    /// the complement of the empty code's pools.
    pub fn placed_pools(&self, directorate: bool) -> BTreeSet<String> {
        self.pools
            .iter()
            .filter(|(_, (u, d))| !if directorate { d } else { u }.is_empty())
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The unit of `pool` (empty when unknown).
    pub fn unit_of(&self, pool: &str) -> String {
        self.pools
            .get(pool)
            .map(|(u, _)| u.clone())
            .unwrap_or_default()
    }

    /// The pools of `directorate`'s units.
    pub fn pools_of_directorate(&self, directorate: &str) -> BTreeSet<String> {
        self.pools
            .iter()
            .filter(|(_, (_, d))| d == directorate)
            .map(|(p, _)| p.clone())
            .collect()
    }
}

/// The map and when it was read.
type Cached = Arc<RwLock<Option<(Instant, Arc<PoolMap>)>>>;

/// Closure reason code → (Turkish, English) label.
pub type ReasonNames = HashMap<String, (String, String)>;

/// The closure reasons and when they were read.
type CachedReasons = Arc<RwLock<Option<(Instant, Arc<ReasonNames>)>>>;

/// The cached map.
#[derive(Debug, Clone)]
pub struct Directory {
    client: DirectoryClient,
    reasons:
        pb::classification_service_client::ClassificationServiceClient<tonic::transport::Channel>,
    ttl: Duration,
    cached: Cached,
    cached_reasons: CachedReasons,
}

impl Directory {
    /// A cache over `client` keeping a read for `ttl`; `reasons` reads the
    /// closure reasons (with a caller's credentials: the case service lists
    /// them to users only).
    pub fn new(
        client: DirectoryClient,
        reasons: pb::classification_service_client::ClassificationServiceClient<
            tonic::transport::Channel,
        >,
        ttl: Duration,
    ) -> Self {
        Self {
            client,
            reasons,
            ttl,
            cached: Arc::new(RwLock::new(None)),
            cached_reasons: Arc::new(RwLock::new(None)),
        }
    }

    /// A directory that answers `map` for ever without asking the case
    /// service (no closure reasons: codes show as they are), for tools and
    /// tests that run without one. Must be called inside a Tokio runtime.
    pub fn fixed(map: PoolMap) -> Self {
        // Never called: the map never expires.
        let nowhere = tekmerkez_case_client::Connection::connect_lazy(
            "http://127.0.0.1:9",
            &secrecy::SecretString::from("unused"),
            Duration::from_secs(1),
        );
        let Ok(nowhere) = nowhere else {
            unreachable!("a fixed URL and an ASCII token always connect lazily")
        };
        Self {
            client: nowhere.directory(),
            reasons: pb::classification_service_client::ClassificationServiceClient::new(
                nowhere.channel(),
            ),
            ttl: Duration::MAX,
            cached: Arc::new(RwLock::new(Some((Instant::now(), Arc::new(map))))),
            cached_reasons: Arc::new(RwLock::new(Some((Instant::now(), Arc::default())))),
        }
    }

    /// The closure reasons' labels, read with `credentials` (a caller's
    /// `authorization` and acting-user metadata) when older than the ttl.
    /// Labels are no secret, so one caller's read serves every caller;
    /// when the read fails, the last one (or none: codes show as they are).
    pub async fn closure_reasons(
        &self,
        credentials: &tonic::metadata::MetadataMap,
    ) -> Arc<ReasonNames> {
        if let Some((at, names)) = &*self.cached_reasons.read().await
            && at.elapsed() < self.ttl
        {
            return names.clone();
        }
        let mut guard = self.cached_reasons.write().await;
        if let Some((at, names)) = &*guard
            && at.elapsed() < self.ttl
        {
            return names.clone();
        }
        let mut ask = tonic::Request::new(pb::ListClosureReasonsRequest {
            include_inactive: true,
        });
        for key in ["authorization", "x-tekmerkez-acting-user"] {
            if let Some(v) = credentials.get(key) {
                ask.metadata_mut().insert(key, v.clone());
            }
        }
        match self.reasons.clone().list_closure_reasons(ask).await {
            Ok(r) => {
                let names: ReasonNames = r
                    .into_inner()
                    .reasons
                    .into_iter()
                    .map(|r| (r.code, (r.label_tr, r.label_en)))
                    .collect();
                let names = Arc::new(names);
                *guard = Some((Instant::now(), names.clone()));
                names
            }
            Err(e) => {
                tracing::warn!(code = ?e.code(), "the closure reasons are unavailable; codes shown as they are");
                guard.as_ref().map(|(_, n)| n.clone()).unwrap_or_default()
            }
        }
    }

    /// The map, read again when older than the ttl.
    ///
    /// # Errors
    /// The directory's status when it cannot be read and nothing is cached.
    pub async fn get(&self) -> Result<Arc<PoolMap>, tonic::Status> {
        if let Some((at, map)) = &*self.cached.read().await
            && at.elapsed() < self.ttl
        {
            return Ok(map.clone());
        }
        let mut guard = self.cached.write().await;
        if let Some((at, map)) = &*guard
            && at.elapsed() < self.ttl
        {
            return Ok(map.clone());
        }
        match self.read().await {
            Ok(map) => {
                let map = Arc::new(map);
                *guard = Some((Instant::now(), map.clone()));
                Ok(map)
            }
            // A stale map answers better than none while the case service is away.
            Err(e) => match &*guard {
                Some((_, map)) => {
                    tracing::warn!(code = ?e.code(), "the directory is unavailable; using the cached pools");
                    Ok(map.clone())
                }
                None => Err(e),
            },
        }
    }

    async fn read(&self) -> Result<PoolMap, tonic::Status> {
        let mut client = self.client.clone();
        let directorates = client
            .list_directorates(pb::ListDirectoratesRequest {})
            .await?
            .into_inner()
            .directorates;
        let units = client
            .list_units(pb::ListUnitsRequest {
                directorate_id: String::new(),
            })
            .await?
            .into_inner()
            .units;
        let pools = client
            .list_pools(pb::ListPoolsRequest { province_code: 0 })
            .await?
            .into_inner()
            .pools;
        let mut map = PoolMap {
            directorate_names: directorates.into_iter().map(|d| (d.id, d.name)).collect(),
            ..PoolMap::default()
        };
        for u in units {
            map.unit_directorate.insert(u.id.clone(), u.directorate_id);
            map.unit_names.insert(u.id, u.name);
        }
        for p in pools {
            let d = map
                .unit_directorate
                .get(&p.unit_id)
                .cloned()
                .unwrap_or_default();
            map.pool_names.insert(p.id.clone(), p.name);
            map.pools.insert(p.id, (p.unit_id, d));
        }
        Ok(map)
    }
}
