//! The case operations: each authenticates nothing (the caller is already
//! resolved), authorises through [`policy`], applies a domain transition,
//! and persists the change with its task steps and events atomically. A
//! version conflict means someone else changed the case in between: the
//! operation reloads and decides again, so the loser of a race gets the
//! rule that now applies (for example "already held"), not a retry error.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    CaseApp,
    error::{BulkFailure, CaseError},
    events::outbox_record,
};
use crate::{
    domain::{
        calendar,
        caller::{Caller, ServiceName, UserCaller},
        case::{Actor, Case, Consent, EventKind, RuleViolation, Step},
        contact::Contact,
        enums::{CallbackOutcome, CaseStatus, Channel, ReplyChannel, Role, Urgency},
        fields::Violations,
        policy,
    },
    store::{
        AttachmentRecord, CaseChange, CaseQuery, CitizenNote, CreateOutcome, Cursor, HistoryRecord,
        HolderFilter, NoteRecord, Sort, StoreError,
    },
};

/// How many times a change is recomputed after losing a race.
const CONFLICT_RETRIES: usize = 5;

/// At most this many cases in one bulk call.
pub const MAX_BULK: usize = 100;

/// A validated application to open as a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Idempotency key.
    pub application_id: Uuid,
    /// Given by intake, or generated.
    pub tracking_number: Option<tekmerkez_tracking::TrackingNumber>,
    /// Channel.
    pub channel: Channel,
    /// Category code.
    pub category: String,
    /// Text.
    pub text: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Province.
    pub province_code: u8,
    /// Canonical district.
    pub district: Option<String>,
    /// Point.
    pub coordinates: Option<(f64, f64)>,
    /// Pool.
    pub pool_id: Uuid,
    /// Applicant.
    pub contact: Contact,
    /// Reply channel.
    pub reply_channel: ReplyChannel,
    /// Consent.
    pub consent: Option<Consent>,
    /// Information-only, with what the citizen was told.
    pub information_answer: Option<String>,
    /// When the channel received it.
    pub received_at: Option<Timestamp>,
    /// Hash of the request, to refuse a replay with other content.
    pub fingerprint: String,
    /// Files that came with it, checked at the edge.
    pub attachments: Vec<NewAttachment>,
    /// The staff member who recorded it on the citizen's behalf (a
    /// call-centre agent, counter staff), as routing passes it on.
    pub recorded_by: Option<Uuid>,
}

/// A citizen's follow-up message to join an existing case, validated at the edge.
#[derive(Debug, Clone)]
pub struct CitizenMessage {
    /// Idempotency key.
    pub application_id: Uuid,
    /// The case it follows up.
    pub tracking_number: tekmerkez_tracking::TrackingNumber,
    /// Where it came in.
    pub channel: Channel,
    /// Text (personal data: never logged).
    pub text: String,
    /// The sender's e-mail address, if the channel knows it.
    pub sender_email: Option<crate::domain::contact::EmailAddress>,
    /// The sender's phone number, if the channel knows it.
    pub sender_phone: Option<crate::domain::contact::PhoneNumber>,
    /// Hash of the request, to refuse a replay with other content.
    pub fingerprint: String,
    /// Files that came with it, checked at the edge.
    pub attachments: Vec<NewAttachment>,
}

/// A file to store with a new case.
#[derive(Clone)]
pub struct NewAttachment {
    /// File name, without directories.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Content.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// A case as one caller may see it.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case.
    pub case: Case,
    /// Whether the caller gets the contact unmasked.
    pub contact_visible: bool,
    /// Notes (GetCase only).
    pub notes: Vec<NoteRecord>,
    /// Attachments without content (GetCase only).
    pub attachments: Vec<AttachmentRecord>,
    /// When it was read: days are counted to here.
    pub now: Timestamp,
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Pool view.
    Pool,
    /// My records.
    Mine,
    /// Callback pool.
    CallbackPool,
    /// Everything visible.
    All,
}

/// Narrowing asked for by the caller.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Statuses.
    pub statuses: Vec<CaseStatus>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// Category.
    pub category: Option<String>,
    /// Canonical district.
    pub district: Option<String>,
    /// Minimum days in pool.
    pub min_days_in_pool: u32,
    /// Urgency.
    pub urgency: Option<Urgency>,
    /// Pool.
    pub pool_id: Option<Uuid>,
    /// Holder.
    pub holder_id: Option<Uuid>,
    /// Tracking number, canonical.
    pub tracking_number: Option<String>,
}

/// One page request.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// View.
    pub view: View,
    /// Filter.
    pub filter: Filter,
    /// Order.
    pub sort: Sort,
    /// Page size, already capped.
    pub page_size: u32,
    /// Resume point.
    pub after: Option<Cursor>,
}

/// One status on the public timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Status reached.
    pub status: CaseStatus,
    /// When.
    pub at: Timestamp,
}

/// The public tracking answer.
#[derive(Debug, Clone)]
pub struct Tracking {
    /// Tracking number.
    pub tracking_number: String,
    /// Current status.
    pub status: CaseStatus,
    /// Timeline.
    pub timeline: Vec<TimelineEntry>,
    /// Opened.
    pub created_at: Timestamp,
}

/// A transition's result before persistence.
struct Transition {
    next: Case,
    steps: Vec<(Step, EventKind)>,
    note: Option<NoteRecord>,
    attachments: Vec<AttachmentRecord>,
}

impl Transition {
    fn one((next, step, kind): (Case, Step, EventKind)) -> Self {
        Self {
            next,
            steps: vec![(step, kind)],
            note: None,
            attachments: Vec::new(),
        }
    }

    fn many((next, steps): (Case, Vec<(Step, EventKind)>)) -> Self {
        Self {
            next,
            steps,
            note: None,
            attachments: Vec::new(),
        }
    }

    fn into_change(mut self, before: &Case, actor: &Actor, now: Timestamp) -> CaseChange {
        self.next.version = before.version + 1;
        let events = self
            .steps
            .iter()
            .map(|(_, kind)| outbox_record(kind, &self.next, actor, now))
            .collect();
        let history = self
            .steps
            .into_iter()
            .map(|(step, _)| HistoryRecord {
                step,
                actor: actor.clone(),
                occurred_at: now,
            })
            .collect();
        CaseChange {
            case: self.next,
            expected_version: before.version,
            history,
            note: self.note,
            events,
            attachments: self.attachments,
        }
    }
}

fn actor_of(caller: &Caller) -> Actor {
    match caller {
        Caller::User(u) => Actor::User(u.id),
        Caller::Service(s) => Actor::Service(s.as_str()),
    }
}

fn user_of(caller: &Caller) -> Result<&UserCaller, CaseError> {
    caller
        .user()
        .ok_or(CaseError::PermissionDenied("only a user may do this"))
}

/// Whether the case is within the user's reach at all: outside it, the case
/// is reported as not found so that its existence does not leak.
fn reachable(user: &UserCaller, case: &Case) -> bool {
    user.role == Role::Admin
        || user.pools.contains(&case.pool_id)
        || case.holder_id == Some(user.id)
}

impl CaseApp {
    fn view(&self, caller: &Caller, case: Case, now: Timestamp) -> CaseView {
        CaseView {
            contact_visible: policy::sees_contact(caller, &case),
            case,
            notes: Vec::new(),
            attachments: Vec::new(),
            now,
        }
    }

    /// Opens a case, or returns the one this application id already opened.
    ///
    /// # Errors
    /// Permission, validation of the pool, or an application id reused with other content.
    pub async fn create_case(
        &self,
        caller: &Caller,
        new: NewCase,
    ) -> Result<(CaseView, bool), CaseError> {
        if !policy::can_create(caller) {
            return Err(CaseError::PermissionDenied(
                "this caller may not open records",
            ));
        }
        let mut v = Violations::new();
        match self.store.get_pool(new.pool_id).await? {
            None => v.add("pool_id", "must name an existing pool"),
            Some(p) if p.province_code != new.province_code => {
                v.add("pool_id", "must be a pool in the record's province");
            }
            Some(_) => {}
        }
        let recorded_by = match (caller, new.recorded_by) {
            (_, None) => None,
            (Caller::Service(ServiceName::Routing), Some(u)) => self.recorder(u).await?,
            (_, Some(_)) => {
                v.add("recorded_by", "may only be set by the routing service");
                None
            }
        };
        v.into_result()?;
        let now = self.clock.now();
        // A record taken by staff is theirs: they opened it (the task steps
        // say so), they see it among the records they took, and an
        // information-only one was resolved by them.
        let actor = recorded_by.map_or_else(|| actor_of(caller), Actor::User);
        let given_tracking = new.tracking_number.clone();
        for _ in 0..CONFLICT_RETRIES {
            let tracking = given_tracking
                .clone()
                .unwrap_or_else(tekmerkez_tracking::TrackingNumber::generate);
            let mut case = Case {
                id: Uuid::now_v7(),
                seq: 0,
                tracking_number: tracking.as_str().to_owned(),
                application_id: new.application_id,
                request_fingerprint: new.fingerprint.clone(),
                channel: new.channel,
                category: new.category.clone(),
                text: new.text.clone(),
                urgency: new.urgency,
                province_code: new.province_code,
                district: new.district.clone(),
                coordinates: new.coordinates,
                pool_id: new.pool_id,
                status: CaseStatus::InPool,
                holder_id: None,
                reply_channel: new.reply_channel,
                contact: new.contact.clone(),
                consent: new.consent.clone(),
                information_only: new.information_answer.is_some(),
                official_answer: new.information_answer.clone(),
                closed_by: None,
                created_by: actor.user_id(),
                created_at: now,
                entered_pool_at: now,
                held_since: None,
                closed_at: None,
                resolved_at: None,
                last_note_at: None,
                callback_attempts: 0,
                callback_retry_at: None,
                version: 1,
            };
            if case.information_only {
                case.status = CaseStatus::Resolved;
                case.closed_at = Some(now);
                case.resolved_at = Some(now);
                case.closed_by = actor.user_id();
            }
            let steps = case.opening_steps();
            let events: Vec<_> = steps
                .iter()
                .map(|(_, k)| outbox_record(k, &case, &actor, now))
                .collect();
            let history: Vec<_> = steps
                .into_iter()
                .map(|(step, _)| HistoryRecord {
                    step,
                    actor: actor.clone(),
                    occurred_at: now,
                })
                .collect();
            let attachments: Vec<_> = new
                .attachments
                .iter()
                .map(|a| AttachmentRecord {
                    id: Uuid::now_v7(),
                    case_id: case.id,
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size_bytes: i64::try_from(a.content.len()).unwrap_or(i64::MAX),
                    content: a.content.clone(),
                    created_at: now,
                })
                .collect();
            match self
                .store
                .create_case(&case, &history, &events, &attachments)
                .await?
            {
                CreateOutcome::Created => {
                    tracing::debug!(case_id = %case.id, channel = case.channel.as_str(), "case opened");
                    return Ok((self.view(caller, case, now), true));
                }
                CreateOutcome::Existing(existing) => {
                    if existing.request_fingerprint != new.fingerprint {
                        return Err(CaseError::AlreadyExists(
                            "application_id was already used for a different application",
                        ));
                    }
                    return Ok((self.view(caller, *existing, now), false));
                }
                CreateOutcome::TrackingNumberTaken if given_tracking.is_some() => {
                    return Err(CaseError::AlreadyExists(
                        "tracking_number is already used by another record",
                    ));
                }
                CreateOutcome::TrackingNumberTaken => {}
            }
        }
        Err(CaseError::Contended)
    }

    /// `user` when they may record applications for citizens (an active
    /// call-centre agent or admin); otherwise nobody, so that a stale or
    /// wrong id never makes a record someone else's, while the citizen's
    /// application is still opened.
    async fn recorder(&self, user: Uuid) -> Result<Option<Uuid>, CaseError> {
        match self.store.get_user(user).await? {
            Some(u) if u.active && matches!(u.role, Role::CallCentreAgent | Role::Admin) => {
                Ok(Some(u.id))
            }
            _ => {
                tracing::warn!(recorded_by = %user, "recorded_by names no user who may record applications; ignored");
                Ok(None)
            }
        }
    }

    /// One case the caller may see, with its notes.
    ///
    /// # Errors
    /// `NotFound` when missing or out of scope.
    pub async fn get_case(
        &self,
        caller: &Caller,
        case: Option<Case>,
    ) -> Result<CaseView, CaseError> {
        let case = case
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))?;
        let notes = self.store.list_notes(case.id).await?;
        let attachments = self.store.list_attachments(case.id).await?;
        let now = self.clock.now();
        let mut view = self.view(caller, case, now);
        view.notes = notes;
        view.attachments = attachments;
        Ok(view)
    }

    /// One file of a case the caller may see.
    ///
    /// # Errors
    /// `NotFound` when the case is missing or out of scope, or has no such file.
    pub async fn get_attachment(
        &self,
        caller: &Caller,
        case: Uuid,
        id: Uuid,
    ) -> Result<AttachmentRecord, CaseError> {
        self.store
            .get_case(case)
            .await?
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))?;
        self.store
            .get_attachment(case, id)
            .await?
            .ok_or(CaseError::NotFound("record"))
    }

    /// Loads a case by id.
    ///
    /// # Errors
    /// Store failures.
    pub async fn load(&self, id: Uuid) -> Result<Option<Case>, CaseError> {
        Ok(self.store.get_case(id).await?)
    }

    /// Loads a case by canonical tracking number.
    ///
    /// # Errors
    /// Store failures.
    pub async fn load_by_tracking_number(&self, tn: &str) -> Result<Option<Case>, CaseError> {
        Ok(self.store.get_case_by_tracking_number(tn).await?)
    }

    /// A page of a view, with the cursor for the next page.
    ///
    /// # Errors
    /// `PermissionDenied` when the view is not for the caller's role.
    pub async fn list_cases(
        &self,
        caller: &Caller,
        req: ListRequest,
    ) -> Result<(Vec<CaseView>, Option<Cursor>), CaseError> {
        let user = user_of(caller)?;
        let scope: Option<Vec<Uuid>> =
            (user.role != Role::Admin).then(|| user.pools.iter().copied().collect());
        let unresolved = vec![
            CaseStatus::InPool,
            CaseStatus::Held,
            CaseStatus::AwaitingCallback,
        ];
        let mut q = CaseQuery {
            pools: None,
            statuses: Vec::new(),
            holder: HolderFilter::Any,
            created_by: None,
            closed_by: None,
            channels: req.filter.channels.clone(),
            category: req.filter.category.clone(),
            district: req.filter.district.clone(),
            urgency: req.filter.urgency,
            entered_pool_before: (req.filter.min_days_in_pool > 0).then(|| {
                calendar::start_of_day_days_ago(self.clock.now(), req.filter.min_days_in_pool)
            }),
            tracking_number: req.filter.tracking_number.clone(),
            sort: req.sort,
            after: req.after,
            limit: req.page_size + 1,
        };
        match (req.view, user.role) {
            (View::Pool, Role::Expert) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::InPool];
            }
            (View::Pool, Role::PoolManager | Role::Admin) => {
                q.pools = scope;
                q.statuses = unresolved;
            }
            (View::Mine, Role::Expert | Role::CallbackAgent | Role::Admin | Role::PoolManager) => {
                q.holder = HolderFilter::User(user.id);
                q.statuses = unresolved;
            }
            (View::CallbackPool, Role::CallbackAgent) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::AwaitingCallback];
                q.holder = HolderFilter::Nobody;
            }
            (View::CallbackPool, Role::PoolManager | Role::Admin) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::AwaitingCallback];
            }
            (View::All, Role::Admin | Role::PoolManager) => q.pools = scope,
            (View::All, Role::Expert) => q.closed_by = Some(user.id),
            (View::All, Role::CallCentreAgent | Role::PartnerClient) => {
                q.created_by = Some(user.id)
            }
            _ => {
                return Err(CaseError::PermissionDenied(
                    "this list is not available to the caller's role",
                ));
            }
        }
        if let Some(p) = req.filter.pool_id {
            q.pools = match q.pools {
                Some(pools) => Some(pools.into_iter().filter(|x| *x == p).collect()),
                None => Some(vec![p]),
            };
        }
        if let Some(h) = req.filter.holder_id {
            if q.holder == HolderFilter::Any {
                q.holder = HolderFilter::User(h);
            } else if q.holder != HolderFilter::User(h) {
                return Ok((Vec::new(), None));
            }
        }
        if !req.filter.statuses.is_empty() {
            q.statuses = if q.statuses.is_empty() {
                req.filter.statuses.clone()
            } else {
                q.statuses
                    .into_iter()
                    .filter(|s| req.filter.statuses.contains(s))
                    .collect()
            };
            if q.statuses.is_empty() {
                return Ok((Vec::new(), None));
            }
        }
        let mut cases = self.store.list_cases(&q).await?;
        let next = if cases.len() > req.page_size as usize {
            cases.truncate(req.page_size as usize);
            cases.last().map(|c| Cursor {
                urgency: c.urgency.rank(),
                seq: c.seq,
            })
        } else {
            None
        };
        let now = self.clock.now();
        // Defence in depth: the query is scoped, and every row is checked again.
        let views = cases
            .into_iter()
            .filter(|c| policy::can_view(caller, c))
            .map(|c| self.view(caller, c, now))
            .collect();
        Ok((views, next))
    }

    /// Applies `decide` to one case and persists it, recomputing after a lost race.
    async fn change_one<F>(
        &self,
        caller: &Caller,
        id: Uuid,
        expected: Option<i64>,
        decide: F,
    ) -> Result<CaseView, CaseError>
    where
        F: Fn(&UserCaller, &Case, Timestamp) -> Result<Transition, CaseError>,
    {
        let user = user_of(caller)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let case = self
                .store
                .get_case(id)
                .await?
                .filter(|c| reachable(user, c))
                .ok_or(CaseError::NotFound("record"))?;
            let now = self.clock.now();
            let decided = case
                .check_version(expected)
                .map_err(CaseError::from)
                .and_then(|()| decide(user, &case, now));
            let change = match decided {
                Ok(t) => t.into_change(&case, &actor, now),
                // A refusal must not tell a record the caller may not see
                // from one that does not exist.
                Err(_) if !policy::can_view(caller, &case) => {
                    return Err(CaseError::NotFound("record"));
                }
                Err(e) => return Err(e),
            };
            let next = change.case.clone();
            match self
                .store
                .apply_changes(std::slice::from_ref(&change))
                .await
            {
                Ok(()) => return Ok(self.view(caller, next, now)),
                Err(StoreError::Conflict(_)) if expected.is_some() => {
                    return Err(RuleViolation::StaleVersion.into());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Applies `decide` to every case or to none.
    async fn change_many<F>(
        &self,
        caller: &Caller,
        ids: &[Uuid],
        decide: F,
    ) -> Result<Vec<CaseView>, CaseError>
    where
        F: Fn(&UserCaller, &Case, Timestamp) -> Result<Transition, BulkFailure>,
    {
        let user = user_of(caller)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
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
                    Some(case) => match decide(user, &case, now) {
                        Ok(t) => changes.push(t.into_change(&case, &actor, now)),
                        Err(_) if !policy::can_view(caller, &case) => {
                            failures.push((*id, BulkFailure::NotFound));
                        }
                        Err(f) => failures.push((*id, f)),
                    },
                }
            }
            if !failures.is_empty() {
                return Err(CaseError::Bulk(failures));
            }
            match self.store.apply_changes(&changes).await {
                Ok(()) => {
                    return Ok(changes
                        .into_iter()
                        .map(|c| self.view(caller, c.case, now))
                        .collect());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Claims every case or none: an expert from the pool, a callback agent
    /// from the callback pool.
    ///
    /// # Errors
    /// `Bulk` naming each case that could not be claimed.
    pub async fn claim_cases(
        &self,
        caller: &Caller,
        ids: &[Uuid],
    ) -> Result<Vec<CaseView>, CaseError> {
        if !matches!(caller.role(), Some(Role::Expert | Role::CallbackAgent)) {
            return Err(CaseError::PermissionDenied(
                "only institutional experts and callback agents claim records",
            ));
        }
        self.change_many(caller, ids, |user, case, now| {
            if !policy::can_claim(user, case) {
                return Err(BulkFailure::PermissionDenied(
                    "only experts and callback agents of the record's pool may claim it",
                ));
            }
            let callback = user.role == Role::CallbackAgent;
            case.claim(user.id, callback, now)
                .map(Transition::one)
                .map_err(BulkFailure::Rule)
        })
        .await
    }

    /// Gives every case to `assignee`, or none.
    ///
    /// # Errors
    /// `NotFound` for an unknown assignee; `Bulk` for cases that cannot go to them.
    pub async fn assign_cases(
        &self,
        caller: &Caller,
        ids: &[Uuid],
        assignee: Uuid,
    ) -> Result<Vec<CaseView>, CaseError> {
        if !matches!(caller.role(), Some(Role::PoolManager | Role::Admin)) {
            return Err(CaseError::PermissionDenied(
                "only pool managers assign records",
            ));
        }
        let target = self
            .store
            .get_user(assignee)
            .await?
            .filter(|u| u.active && u.role == Role::Expert)
            .ok_or(CaseError::NotFound(
                "assignee (an active institutional expert)",
            ))?;
        self.change_many(caller, ids, |user, case, now| {
            if !policy::manages(user, case) {
                return Err(BulkFailure::PermissionDenied(
                    "only the pool's manager may assign its records",
                ));
            }
            if !target.pool_ids.contains(&case.pool_id) {
                return Err(BulkFailure::AssigneeNotInPool);
            }
            case.assign(target.id, now)
                .map(Transition::one)
                .map_err(BulkFailure::Rule)
        })
        .await
    }

    /// Moves a case to another pool.
    ///
    /// # Errors
    /// `NotFound` for an unknown target pool; permission and rule errors.
    pub async fn transfer_case(
        &self,
        caller: &Caller,
        id: Uuid,
        target: Uuid,
        reason: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.store
            .get_pool(target)
            .await?
            .ok_or(CaseError::NotFound("target pool"))?;
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::manages(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the pool's manager may transfer its records",
                ));
            }
            Ok(Transition::one(case.transfer(
                target,
                reason.clone(),
                now,
            )?))
        })
        .await
    }

    /// Adds a note.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn add_note(
        &self,
        caller: &Caller,
        id: Uuid,
        text: String,
        expected: Option<i64>,
    ) -> Result<(NoteRecord, CaseView), CaseError> {
        let note_id = Uuid::now_v7();
        let view = self
            .change_one(caller, id, expected, |user, case, now| {
                if !policy::can_note(user, case) {
                    return Err(CaseError::PermissionDenied(
                        "only the record's holder or its pool manager may add notes",
                    ));
                }
                let mut t = Transition::one(case.add_note(note_id, now)?);
                t.note = Some(NoteRecord {
                    id: note_id,
                    case_id: case.id,
                    author_id: Some(user.id),
                    text: text.clone(),
                    created_at: now,
                    citizen: None,
                });
                Ok(t)
            })
            .await?;
        let note = NoteRecord {
            id: note_id,
            case_id: id,
            author_id: Some(user_of(caller)?.id),
            text,
            created_at: view.now,
            citizen: None,
        };
        Ok((note, view))
    }

    /// Saves the official answer and closes the case.
    ///
    /// # Errors
    /// Permission and rule errors (including the 3-day note rule).
    pub async fn close_case(
        &self,
        caller: &Caller,
        id: Uuid,
        answer: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, now| {
            if user.role != Role::Expert {
                return Err(CaseError::PermissionDenied(
                    "only an institutional expert closes records",
                ));
            }
            Ok(Transition::many(case.close(
                user.id,
                answer.clone(),
                now,
            )?))
        })
        .await
    }

    /// Records a callback attempt, with an optional note.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn record_callback(
        &self,
        caller: &Caller,
        id: Uuid,
        outcome: CallbackOutcome,
        retry_at: Option<Timestamp>,
        note: Option<String>,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, now| {
            if user.role != Role::CallbackAgent {
                return Err(CaseError::PermissionDenied(
                    "only a callback agent records callbacks",
                ));
            }
            if outcome == CallbackOutcome::NotReached && retry_at.is_none_or(|t| t <= now) {
                let mut v = Violations::new();
                v.add(
                    "retry_at",
                    "is required for NOT_REACHED and must be in the future",
                );
                return Err(v.into());
            }
            let mut t = Transition::many(case.record_callback(user.id, outcome, retry_at, now)?);
            if let Some(text) = &note {
                let id = Uuid::now_v7();
                t.next.last_note_at = Some(now);
                t.note = Some(NoteRecord {
                    id,
                    case_id: case.id,
                    author_id: Some(user.id),
                    text: text.clone(),
                    created_at: now,
                    citizen: None,
                });
            }
            Ok(t)
        })
        .await
    }

    /// Adds a citizen's follow-up message to the case with its tracking
    /// number, or returns the note this application id already added; the
    /// boolean is whether it was added now. Returns the case's id too.
    ///
    /// # Errors
    /// `PermissionDenied` for any caller but routing; `NotFound` when no case
    /// has the tracking number; `AlreadyExists` when the application id
    /// already added a different message.
    pub async fn add_citizen_message(
        &self,
        caller: &Caller,
        msg: CitizenMessage,
    ) -> Result<(NoteRecord, bool), CaseError> {
        if !policy::can_add_citizen_message(caller) {
            return Err(CaseError::PermissionDenied(
                "only the routing service adds citizens' messages",
            ));
        }
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            if let Some(existing) = self.store.get_citizen_note(msg.application_id).await? {
                if existing
                    .citizen
                    .as_ref()
                    .is_some_and(|c| c.fingerprint != msg.fingerprint)
                {
                    return Err(CaseError::AlreadyExists(
                        "application_id was already used for a different message",
                    ));
                }
                return Ok((existing, false));
            }
            let case = self
                .store
                .get_case_by_tracking_number(msg.tracking_number.as_str())
                .await?
                .ok_or(CaseError::NotFound("record"))?;
            let now = self.clock.now();
            let same = |a: Option<&str>, b: Option<&str>| {
                a.zip(b).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
            };
            let from_applicant = same(
                msg.sender_email.as_ref().map(|e| e.expose()),
                case.contact.email.as_ref().map(|e| e.expose()),
            ) || same(
                msg.sender_phone.as_ref().map(|p| p.expose()),
                case.contact.phone.as_ref().map(|p| p.expose()),
            );
            let note_id = Uuid::now_v7();
            let mut t = Transition::one(case.add_citizen_message(
                note_id,
                msg.application_id,
                msg.channel,
                from_applicant,
            ));
            let note = NoteRecord {
                id: note_id,
                case_id: case.id,
                author_id: None,
                text: msg.text.clone(),
                created_at: now,
                citizen: Some(CitizenNote {
                    channel: msg.channel,
                    application_id: msg.application_id,
                    fingerprint: msg.fingerprint.clone(),
                    from_applicant,
                }),
            };
            t.note = Some(note.clone());
            t.attachments = msg
                .attachments
                .iter()
                .map(|a| AttachmentRecord {
                    id: Uuid::now_v7(),
                    case_id: case.id,
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size_bytes: i64::try_from(a.content.len()).unwrap_or(i64::MAX),
                    content: a.content.clone(),
                    created_at: now,
                })
                .collect();
            let change = t.into_change(&case, &actor, now);
            match self
                .store
                .apply_changes(std::slice::from_ref(&change))
                .await
            {
                Ok(()) => {
                    tracing::debug!(case_id = %case.id, channel = msg.channel.as_str(), "citizen's message added");
                    return Ok((note, true));
                }
                // Another delivery of the same message won the race (its note
                // is there now), or someone changed the case: look again.
                Err(StoreError::Conflict(_) | StoreError::Duplicate) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Puts a resolved case back into its pool.
    ///
    /// # Errors
    /// Permission and rule errors.
    pub async fn reopen_case(
        &self,
        caller: &Caller,
        id: Uuid,
        reason: String,
        expected: Option<i64>,
    ) -> Result<CaseView, CaseError> {
        self.change_one(caller, id, expected, |user, case, now| {
            if !policy::manages(user, case) {
                return Err(CaseError::PermissionDenied(
                    "only the pool's manager may reopen its records",
                ));
            }
            Ok(Transition::one(case.reopen(reason.clone(), now)?))
        })
        .await
    }

    /// The task steps of a case the caller may see.
    ///
    /// # Errors
    /// `NotFound` when missing or out of scope.
    pub async fn history(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<Vec<HistoryRecord>, CaseError> {
        let case = self
            .store
            .get_case(id)
            .await?
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))?;
        Ok(self.store.list_history(case.id).await?)
    }

    /// The public status of a case, if the phone's last four digits match.
    /// Every kind of miss gives the same `NotFound`.
    ///
    /// # Errors
    /// `PermissionDenied` for callers other than intake and the gateway; `NotFound`.
    pub async fn track(
        &self,
        caller: &Caller,
        tracking_number: Option<&str>,
        phone_last4: &str,
    ) -> Result<Tracking, CaseError> {
        if !policy::can_track(caller) {
            return Err(CaseError::PermissionDenied(
                "only the public channels may track records",
            ));
        }
        let miss = CaseError::NotFound("record");
        let Some(tn) = tracking_number else {
            return Err(miss);
        };
        let case = self
            .store
            .get_case_by_tracking_number(tn)
            .await?
            .ok_or(CaseError::NotFound("record"))?;
        let matches = case.contact.phone.as_ref().is_some_and(|p| {
            use subtle::ConstantTimeEq as _;
            p.last4().as_bytes().ct_eq(phone_last4.as_bytes()).into()
        });
        if !matches {
            return Err(miss);
        }
        let history = self.store.list_history(case.id).await?;
        let mut timeline: Vec<TimelineEntry> = Vec::new();
        for h in history {
            if h.step.from_status != Some(h.step.to_status)
                && timeline.last().is_none_or(|t| t.status != h.step.to_status)
            {
                timeline.push(TimelineEntry {
                    status: h.step.to_status,
                    at: h.occurred_at,
                });
            }
        }
        Ok(Tracking {
            tracking_number: case.tracking_number,
            status: case.status,
            timeline,
            created_at: case.created_at,
        })
    }
}
