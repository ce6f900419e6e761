//! Incidents: declaring one (from scratch or from a record), linking and
//! unlinking reports, and closing it, which answers every linked report
//! in the same transaction. Each write bumps the incident's version with
//! the reports' changes, so a report linked while a close is decided makes
//! the close decide again instead of leaving that report unanswered.

use jiff::Timestamp;
use tekmerkez_types::{fields::Violations, text};
use uuid::Uuid;

use super::{
    actor_of, reachable,
    retry::{CONFLICT_RETRIES, Transition},
    user_of,
};
use crate::{
    app::{
        CaseApp,
        error::{BulkFailure, CaseError},
    },
    domain::{
        caller::{Caller, UserCaller},
        case::Case,
        classification::AutomaticClose,
        deadline,
        enums::{CaseStatus, ReplyChannel, Role},
        incident::{
            Area, Incident, IncidentKind, IncidentRule, IncidentStatus, LinkMethod, MAX_AREAS,
            MAX_TEXT, MAX_TITLE,
        },
    },
    store::{CaseChange, CaseQuery, IncidentFilter, IncidentQuery, LinkedCount, StoreError},
};

/// The most reports one incident gathers: its close answers them all in
/// one transaction, which stays short enough at this size.
pub const MAX_LINKED: u32 = 2_000;

/// How far ahead a planned outage is announced.
pub const OUTAGE_NOTICE: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// What a declaration asks for, as typed.
#[derive(Debug, Clone, Default)]
pub struct IncidentDraft {
    pub kind: Option<IncidentKind>,
    pub category: String,
    pub title: String,
    pub public_text: String,
    pub province_code: u8,
    /// Districts and neighbourhoods in any spelling.
    pub areas: Vec<Area>,
    pub starts_at: Option<Timestamp>,
    pub expected_end_at: Option<Timestamp>,
    pub pool_id: Option<Uuid>,
    pub origin_case_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
}

/// An incident with its reports counted.
#[derive(Debug, Clone)]
pub struct IncidentView {
    pub incident: Incident,
    pub linked: LinkedCount,
}

/// A linked report as the incident's page shows it.
#[derive(Debug, Clone)]
pub struct LinkedReport {
    pub case: Case,
    /// Whether the caller may open the record itself.
    pub visible: bool,
}

/// Who works incidents: the pools' experts and managers, and admins.
fn may_work_incidents(user: &UserCaller) -> Result<(), CaseError> {
    match user.role {
        Role::Expert | Role::PoolManager | Role::DirectorateManager | Role::Admin => Ok(()),
        _ => Err(CaseError::PermissionDenied(
            "only the pools' experts and managers work incidents",
        )),
    }
}

/// Whether `incident` is in `user`'s scope.
fn sees(user: &UserCaller, incident: &Incident) -> bool {
    user.role == Role::Admin || user.pools.contains(&incident.pool_id)
}

/// The districts and neighbourhoods of `raw` in the reference data's
/// spelling, one entry per district; violations named `areas[i]…`.
fn parse_areas(v: &mut Violations, province_code: u8, raw: &[Area]) -> Vec<Area> {
    let Some(province) = tekmerkez_geo::province_by_code(province_code) else {
        v.add("province_code", "must be a known province");
        return Vec::new();
    };
    if raw.is_empty() {
        v.add("areas", "must name at least one district");
    }
    if raw.len() > MAX_AREAS {
        v.add("areas", "names too many districts");
        return Vec::new();
    }
    let mut out: Vec<Area> = Vec::new();
    for (i, a) in raw.iter().enumerate() {
        let Some(district) = province.find_district(&a.district) else {
            v.add(
                format!("areas[{i}].district"),
                "must be a district of the province",
            );
            continue;
        };
        let mut names = Vec::new();
        for (j, n) in a.neighbourhoods.iter().enumerate() {
            match province.find_neighbourhood(district, n) {
                Some(found) => names.push(found.to_owned()),
                None => v.add(
                    format!("areas[{i}].neighbourhoods[{j}]"),
                    "must be a neighbourhood of the district",
                ),
            }
        }
        match out.iter_mut().find(|x| x.district == district) {
            // A district named twice: whole if either says whole.
            Some(x) if x.neighbourhoods.is_empty() || names.is_empty() => x.neighbourhoods.clear(),
            Some(x) => x.neighbourhoods.extend(names),
            None => out.push(Area {
                district: district.to_owned(),
                neighbourhoods: names,
            }),
        }
    }
    for a in &mut out {
        a.neighbourhoods
            .sort_by(|x, y| tekmerkez_turkish::compare(x, y));
        a.neighbourhoods.dedup();
    }
    out
}

fn valid_category(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl CaseApp {
    /// Declares an incident; from a record (`origin_case_id`), that record
    /// is linked to it in the same transaction. A repeated `request_id`
    /// returns the incident the first declaration made.
    ///
    /// # Errors
    /// `Invalid` naming each bad field; permission errors; `NotFound` for an
    /// origin record out of reach.
    pub async fn declare_incident(
        &self,
        caller: &Caller,
        draft: IncidentDraft,
    ) -> Result<IncidentView, CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        if let Some(r) = draft.request_id
            && let Some(done) = self.store.get_incident_by_request(r).await?
            && done.created_by == user.id
        {
            return self.incident_view(done).await;
        }
        let origin = match draft.origin_case_id {
            None => None,
            Some(id) => Some(
                self.store
                    .get_case(id)
                    .await?
                    .filter(|c| reachable(user, c))
                    .ok_or(CaseError::NotFound("record"))?,
            ),
        };
        let mut v = Violations::new();
        if draft.kind.is_none() {
            v.add("kind", "must be chosen");
        }
        if !valid_category(&draft.category) {
            v.add("category", "must be a category code");
        }
        let title = v.check(text::parse_text("title", &draft.title, MAX_TITLE));
        let public_text = v.check(text::parse_text(
            "public_text",
            &draft.public_text,
            MAX_TEXT,
        ));
        let areas = parse_areas(&mut v, draft.province_code, &draft.areas);
        let now = self.clock.now();
        let starts_at = draft.starts_at.unwrap_or(now);
        if draft.expected_end_at.is_some_and(|end| end <= starts_at) {
            v.add("expected_end_at", "must be after the start");
        }
        let pool_id = match draft.pool_id.or(origin.as_ref().map(|c| c.pool_id)) {
            Some(p) if user.role == Role::Admin || user.pools.contains(&p) => Some(p),
            Some(_) => {
                v.add("pool_id", "must be one of your pools");
                None
            }
            None => match self.pools_in(user, draft.province_code).await?.as_slice() {
                [only] => Some(*only),
                _ => {
                    v.add(
                        "pool_id",
                        "must be chosen: you work in several pools of the province, or none",
                    );
                    None
                }
            },
        };
        if let Some(p) = pool_id {
            match self.store.get_pool(p).await? {
                Some(pool) if pool.province_code != draft.province_code => {
                    v.add("pool_id", "must be a pool of the incident's province");
                }
                Some(_) => {}
                None => v.add("pool_id", "must name an existing pool"),
            }
        }
        v.into_result()?;
        let (Some(kind), Some(title), Some(public_text), Some(pool_id)) =
            (draft.kind, title, public_text, pool_id)
        else {
            unreachable!("every missing value was a violation");
        };
        let calendar = self.working_calendar().await?;
        let due_at = self
            .resolved_policy(None, None, &draft.category)
            .await?
            .due_dates(&calendar, now)
            .internal_due_at;
        for _ in 0..CONFLICT_RETRIES {
            let mut incident = Incident {
                id: Uuid::now_v7(),
                number: 0,
                kind,
                category: draft.category.clone(),
                title: title.clone(),
                public_text: public_text.clone(),
                province_code: draft.province_code,
                areas: areas.clone(),
                starts_at,
                expected_end_at: draft.expected_end_at,
                pool_id,
                status: IncidentStatus::Open,
                answer: None,
                closure_reason: None,
                created_by: user.id,
                created_at: now,
                closed_by: None,
                closed_at: None,
                due_at,
                request_id: draft.request_id,
                version: 1,
            };
            let link = match &origin {
                None => None,
                Some(case) => {
                    let t = Transition::one(case.link_to_incident(
                        &incident,
                        LinkMethod::Manual,
                        now,
                    )?);
                    Some(t.into_change(case, &actor_of(caller), now))
                }
            };
            match self.store.create_incident(&incident, link.as_ref()).await {
                Ok(number) => {
                    incident.number = number;
                    return self.incident_view(incident).await;
                }
                Err(StoreError::Duplicate) => {
                    if let Some(r) = draft.request_id
                        && let Some(done) = self.store.get_incident_by_request(r).await?
                    {
                        return self.incident_view(done).await;
                    }
                }
                // The origin record moved on: decide again on what it is now.
                Err(StoreError::Conflict(_)) if origin.is_some() => {
                    return Err(CaseError::Contended);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// The caller's pools in province `code`.
    async fn pools_in(&self, user: &UserCaller, code: u8) -> Result<Vec<Uuid>, CaseError> {
        let mut found = Vec::new();
        for p in &user.pools {
            if self
                .store
                .get_pool(*p)
                .await?
                .is_some_and(|pool| pool.province_code == code)
            {
                found.push(*p);
            }
        }
        Ok(found)
    }

    async fn incident_view(&self, incident: Incident) -> Result<IncidentView, CaseError> {
        let linked = self
            .store
            .count_linked(&[incident.id])
            .await?
            .first()
            .map(|(_, c)| *c)
            .unwrap_or_default();
        Ok(IncidentView { incident, linked })
    }

    /// The incident `id` in the caller's scope.
    async fn incident_in_scope(&self, user: &UserCaller, id: Uuid) -> Result<Incident, CaseError> {
        self.store
            .get_incident(id)
            .await?
            .filter(|i| sees(user, i))
            .ok_or(CaseError::NotFound("incident"))
    }

    /// An incident and its linked reports (without their texts or contacts).
    ///
    /// # Errors
    /// `NotFound` when missing or out of scope.
    pub async fn get_incident(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<(IncidentView, Vec<LinkedReport>), CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        let incident = self.incident_in_scope(user, id).await?;
        let linked = self.linked_reports(id, &[]).await?;
        let reports = linked
            .into_iter()
            .map(|case| LinkedReport {
                visible: reachable(user, &case),
                case,
            })
            .collect();
        Ok((self.incident_view(incident).await?, reports))
    }

    /// The reports linked to `id` in `statuses` (empty: any), oldest first.
    async fn linked_reports(
        &self,
        id: Uuid,
        statuses: &[CaseStatus],
    ) -> Result<Vec<Case>, CaseError> {
        Ok(self
            .store
            .list_cases(&CaseQuery {
                statuses: statuses.to_vec(),
                incident: IncidentFilter::LinkedTo(id),
                ..CaseQuery::any(MAX_LINKED)
            })
            .await?)
    }

    /// The incidents of the caller's pools, newest first.
    ///
    /// # Errors
    /// Permission errors.
    pub async fn list_incidents(
        &self,
        caller: &Caller,
        statuses: Vec<IncidentStatus>,
        limit: u32,
    ) -> Result<Vec<IncidentView>, CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        let incidents = self
            .store
            .list_incidents(&IncidentQuery {
                pools: (user.role != Role::Admin).then(|| user.pools.iter().copied().collect()),
                statuses,
                province_code: None,
                limit: limit.clamp(1, 500),
            })
            .await?;
        let ids: Vec<Uuid> = incidents.iter().map(|i| i.id).collect();
        let counts = self.store.count_linked(&ids).await?;
        Ok(incidents
            .into_iter()
            .map(|incident| IncidentView {
                linked: counts
                    .iter()
                    .find(|(id, _)| *id == incident.id)
                    .map(|(_, c)| *c)
                    .unwrap_or_default(),
                incident,
            })
            .collect())
    }

    /// The outages citizens are told about: open outage incidents under
    /// way or starting within [`OUTAGE_NOTICE`], in `province_code` (when
    /// given), reaching `district` (any spelling; a neighbourhood narrows
    /// it), under way first, then by start. Any caller may read them.
    ///
    /// # Errors
    /// `Invalid` for a district or neighbourhood the province does not have.
    pub async fn list_outages(
        &self,
        province_code: Option<u8>,
        district: &str,
        neighbourhood: &str,
    ) -> Result<Vec<Incident>, CaseError> {
        let mut v = Violations::new();
        let place = match (province_code, district.trim().is_empty()) {
            (_, true) => None,
            (None, false) => {
                v.add("province_code", "is required with a district");
                None
            }
            (Some(p), false) => {
                let found = tekmerkez_geo::province_by_code(p)
                    .and_then(|prov| prov.find_district(district).map(|d| (prov, d)));
                match found {
                    None => {
                        v.add("district", "must be a district of the province");
                        None
                    }
                    Some((prov, d)) if !neighbourhood.trim().is_empty() => {
                        match prov.find_neighbourhood(d, neighbourhood) {
                            Some(n) => Some((d, Some(n))),
                            None => {
                                v.add("neighbourhood", "must be a neighbourhood of the district");
                                None
                            }
                        }
                    }
                    Some((_, d)) => Some((d, None)),
                }
            }
        };
        v.into_result()?;
        let now = self.clock.now();
        let notice_until = now + OUTAGE_NOTICE;
        let mut outages: Vec<Incident> = self
            .store
            .list_incidents(&IncidentQuery {
                pools: None,
                statuses: vec![IncidentStatus::Open],
                province_code,
                limit: 500,
            })
            .await?
            .into_iter()
            .filter(|i| i.is_outage() && i.starts_at <= notice_until)
            .filter(|i| match place {
                None => true,
                Some((d, None)) => i.touches(i.province_code, d),
                Some((d, Some(n))) => i.covers(i.province_code, Some(d), Some(n)),
            })
            .collect();
        outages.sort_by_key(|i| (i.starts_at > now, i.starts_at));
        Ok(outages)
    }

    /// Links the records `ids` (each within the caller's reach) to the open
    /// incident `incident_id`: all of them or none.
    ///
    /// # Errors
    /// `Bulk` naming each refused record; `Incident` when it is closed.
    pub async fn link_cases(
        &self,
        caller: &Caller,
        incident_id: Uuid,
        ids: &[Uuid],
        method: LinkMethod,
    ) -> Result<IncidentView, CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        if method == LinkMethod::Automatic {
            return Err(CaseError::PermissionDenied(
                "only the case service links records automatically",
            ));
        }
        if ids.is_empty() || ids.len() > super::MAX_BULK {
            let mut v = Violations::new();
            v.add("case_ids", "must hold 1 to 100 ids");
            return Err(v.into());
        }
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let incident = self.incident_in_scope(user, incident_id).await?;
            incident.check_open().map_err(CaseError::Incident)?;
            let linked = self.incident_view(incident.clone()).await?.linked.total;
            if linked as usize + ids.len() > MAX_LINKED as usize {
                let mut v = Violations::new();
                v.add("case_ids", "would take the incident past its 2000 records");
                return Err(v.into());
            }
            let now = self.clock.now();
            let mut changes = Vec::with_capacity(ids.len());
            let mut failures = Vec::new();
            for id in ids {
                match self
                    .store
                    .get_case(*id)
                    .await?
                    .filter(|c| reachable(user, c))
                {
                    None => failures.push((*id, BulkFailure::NotFound)),
                    Some(case) => match case.link_to_incident(&incident, method, now) {
                        Ok(t) => changes.push(Transition::one(t).into_change(&case, &actor, now)),
                        Err(r) => failures.push((*id, BulkFailure::Rule(r))),
                    },
                }
            }
            if !failures.is_empty() {
                return Err(CaseError::Bulk(failures));
            }
            match self.bump_incident(&incident, &incident, &changes).await {
                Err(StoreError::Conflict(_)) => continue,
                other => other?,
            }
            return self
                .incident_view(self.incident_in_scope(user, incident_id).await?)
                .await;
        }
        Err(CaseError::Contended)
    }

    /// Stores `next` (the incident as it becomes; `before` as read) and the
    /// reports' `changes`, the incident's version bumped.
    async fn bump_incident(
        &self,
        before: &Incident,
        next: &Incident,
        changes: &[CaseChange],
    ) -> Result<(), StoreError> {
        let next = Incident {
            version: before.version + 1,
            ..next.clone()
        };
        self.store
            .change_incident(&next, before.version, changes)
            .await
    }

    /// Takes record `case_id` out of the open incident `incident_id`, with
    /// `reason`; it is back on its pool's work list.
    ///
    /// # Errors
    /// `Invalid` without a reason; rule errors.
    pub async fn unlink_case(
        &self,
        caller: &Caller,
        incident_id: Uuid,
        case_id: Uuid,
        reason: &str,
    ) -> Result<IncidentView, CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        let mut v = Violations::new();
        let reason = v.check(text::parse_text("reason", reason, 500));
        v.into_result()?;
        let reason = reason.unwrap_or_default();
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let incident = self.incident_in_scope(user, incident_id).await?;
            incident.check_open().map_err(CaseError::Incident)?;
            let case = self
                .store
                .get_case(case_id)
                .await?
                .ok_or(CaseError::NotFound("record"))?;
            let now = self.clock.now();
            let change = Transition::one(case.unlink_from_incident(&incident, &reason)?)
                .into_change(&case, &actor, now);
            match self.bump_incident(&incident, &incident, &[change]).await {
                Err(StoreError::Conflict(_)) => continue,
                other => other?,
            }
            return self
                .incident_view(self.incident_in_scope(user, incident_id).await?)
                .await;
        }
        Err(CaseError::Contended)
    }

    /// Closes the incident with `answer` and answers every linked open
    /// report with it in the same transaction: each report's closure reason
    /// is its own deadline policy's for an incident's close; a letter reply
    /// gets its letter.
    ///
    /// # Errors
    /// `Invalid` without an answer; `Incident` when closed already or when
    /// `expected` is not its version; permission errors.
    pub async fn close_incident(
        &self,
        caller: &Caller,
        id: Uuid,
        answer: &str,
        expected: Option<i64>,
    ) -> Result<(IncidentView, u32), CaseError> {
        let user = user_of(caller)?;
        may_work_incidents(user)?;
        let mut v = Violations::new();
        let answer = v.check(text::parse_text("answer", answer, MAX_TEXT));
        v.into_result()?;
        let answer = answer.unwrap_or_default();
        let policies: Vec<deadline::DeadlinePolicy> = self
            .store
            .list_deadline_policies()
            .await?
            .into_iter()
            .map(|p| p.policy)
            .collect();
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let incident = self.incident_in_scope(user, id).await?;
            if expected.is_some_and(|e| e != incident.version) {
                return Err(CaseError::Incident(IncidentRule::StaleVersion));
            }
            let now = self.clock.now();
            let reason = deadline::resolve(&policies, None, None, &incident.category)
                .automatic_reason(AutomaticClose::IncidentClosed)
                .to_owned();
            let closed = incident
                .close(user.id, answer.clone(), reason, now)
                .map_err(CaseError::Incident)?;
            let open = self
                .linked_reports(id, &[CaseStatus::InPool, CaseStatus::Held])
                .await?;
            let mut changes = Vec::with_capacity(open.len());
            for case in &open {
                let reason = deadline::resolve(
                    &policies,
                    Some(case.source),
                    Some(case.application_type),
                    &case.category,
                )
                .automatic_reason(AutomaticClose::IncidentClosed)
                .to_owned();
                let mut t =
                    Transition::many(case.close_by_incident(&closed, user.id, &reason, now)?);
                if t.next.reply_channel == ReplyChannel::Letter
                    && t.next.status == CaseStatus::Resolved
                {
                    t.with_letter(&self.letter_prefix, answer.clone(), user.id, now);
                }
                changes.push(t.into_change(case, &actor, now));
            }
            match self.bump_incident(&incident, &closed, &changes).await {
                Err(StoreError::Conflict(_)) => continue,
                other => other?,
            }
            let count = u32::try_from(changes.len()).unwrap_or(u32::MAX);
            let view = self
                .incident_view(self.incident_in_scope(user, id).await?)
                .await?;
            return Ok((view, count));
        }
        Err(CaseError::Contended)
    }
}
