//! Reading cases: one case with its notes and files, pages of the role's
//! views, a case's task steps, and the public tracking answer.

use jiff::Timestamp;
use uuid::Uuid;

use super::{CaseView, Filter, ListRequest, View, user_of};
use crate::{
    app::{
        CaseApp,
        audit::{About, contact_detail},
        error::CaseError,
    },
    domain::{
        audit::AuditAction,
        calendar,
        caller::Caller,
        case::Case,
        enums::{CaseStatus, Role},
        escalation, policy,
    },
    store::{
        AttachmentRecord, CaseQuery, Cursor, DueFilter, HistoryRecord, HolderFilter,
        IncidentFilter, Sort,
    },
};

/// One status on the public timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Status reached.
    pub status: CaseStatus,
    /// When the status was reached.
    pub at: Timestamp,
}

/// The public tracking answer.
#[derive(Debug, Clone)]
pub struct Tracking {
    pub tracking_number: String,
    /// Current status.
    pub status: CaseStatus,
    pub timeline: Vec<TimelineEntry>,
    /// When the case was opened.
    pub created_at: Timestamp,
    /// The legal due date (Istanbul date), when it has one.
    pub legal_due_date: Option<jiff::civil::Date>,
    /// Where it is: the outages there are shown with it.
    pub province_code: u8,
    pub district: Option<String>,
    /// The number asked about, when it was merged into this record.
    pub merged_from: Option<String>,
}

impl CaseApp {
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
        let survey = self.store.get_survey(case.id).await?;
        let incident = match case.linked_incident() {
            Some(i) => self.store.get_incident(i).await?,
            None => None,
        };
        let merged_into_tracking = match case.merged_into {
            Some(into) => self
                .store
                .get_case(into)
                .await?
                .map(|c| c.printed_tracking_number()),
            None => None,
        };
        let now = self.clock.now();
        let mut view = self.view(caller, case, now);
        // Recorded before anything is answered: no entry, no data.
        self.audit(
            caller,
            AuditAction::RecordViewed,
            About::case(&view.case).detail(contact_detail(view.contact_visible)),
        )
        .await?;
        view.incident = incident;
        view.merged_into_tracking = merged_into_tracking;
        view.notes = notes;
        view.attachments = attachments;
        view.survey = survey;
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
        let case = self
            .store
            .get_case(case)
            .await?
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))?;
        let file = self
            .store
            .get_attachment(case.id, id)
            .await?
            .ok_or(CaseError::NotFound("record"))?;
        let detail = format!("attachment:{id}");
        self.audit(
            caller,
            AuditAction::AttachmentDownloaded,
            About::case(&case).detail(&detail),
        )
        .await?;
        Ok(file)
    }

    /// The record a merged duplicate leads to, with the duplicate's
    /// tracking number; any other case as it is. The citizen follows the
    /// one answer they will get.
    pub(super) async fn follow_merge(
        &self,
        case: Case,
    ) -> Result<(Case, Option<String>), CaseError> {
        let Some(into) = case.merged_into else {
            return Ok((case, None));
        };
        Ok(match self.store.get_case(into).await? {
            Some(original) => (original, Some(case.printed_tracking_number())),
            None => (case, None),
        })
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
        let Some(mut q) = self.query_for(caller, req.view, &req.filter).await? else {
            return Ok((Vec::new(), None));
        };
        if q.due.is_some() {
            return self.list_due(caller, q, req.page_size).await;
        }
        q.sort = req.sort;
        q.after = req.after;
        q.limit = req.page_size + 1;
        let mut cases = self.store.list_cases(&q).await?;
        let next = if cases.len() > req.page_size as usize {
            cases.truncate(req.page_size as usize);
            cases.last().map(|c| Cursor {
                urgency: c.urgency.rank(),
                seq: c.seq,
                legal_due: c.legal_due_date,
            })
        } else {
            None
        };
        let now = self.clock.now();
        // Defence in depth: the query is scoped, and every row is checked again.
        let views: Vec<CaseView> = cases
            .into_iter()
            .filter(|c| policy::can_view(caller, c))
            .map(|c| self.view(caller, c, now))
            .collect();
        Ok((views, next))
    }

    /// A page of *Süresi Yaklaşan / Süresi Geçen*: the most urgent first
    /// (the earliest due instant of either deadline), read whole up to
    /// [`DUE_LIST_CAP`] cases and sorted here, since the order mixes a date
    /// and an instant; one page, the most urgent (the count says how many
    /// there are in all).
    async fn list_due(
        &self,
        caller: &Caller,
        mut q: CaseQuery,
        page_size: u32,
    ) -> Result<(Vec<CaseView>, Option<Cursor>), CaseError> {
        q.limit = DUE_LIST_CAP;
        let now = self.clock.now();
        let mut views: Vec<CaseView> = self
            .store
            .list_cases(&q)
            .await?
            .into_iter()
            .filter(|c| policy::can_view(caller, c))
            .map(|c| self.view(caller, c, now))
            .collect();
        views.sort_by_key(|v| (due_instant(&v.case), v.case.seq));
        views.truncate(page_size as usize);
        Ok((views, None))
    }

    /// How many cases a whole view holds (every page), counted up to `cap`:
    /// `(cap, true)` when it holds more.
    ///
    /// # Errors
    /// `PermissionDenied` when the view is not for the caller's role.
    pub async fn count_cases(
        &self,
        caller: &Caller,
        view: View,
        filter: &Filter,
        cap: u32,
    ) -> Result<(u32, bool), CaseError> {
        let Some(q) = self.query_for(caller, view, filter).await? else {
            return Ok((0, false));
        };
        // The query is scoped to what the caller may see (as a list's is):
        // the store counts it without shipping a row.
        let seen = self.store.count_matching(&q, cap).await?;
        Ok(if seen > cap {
            (cap, true)
        } else {
            (seen, false)
        })
    }

    /// The store query of `view` narrowed by `filter` for `caller` (oldest
    /// first, from the start, no limit set); `None` when nothing can match.
    async fn query_for(
        &self,
        caller: &Caller,
        view: View,
        filter: &Filter,
    ) -> Result<Option<CaseQuery>, CaseError> {
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
            channels: filter.channels.clone(),
            categories: filter.category.iter().cloned().collect(),
            not_categories: Vec::new(),
            district: filter.district.clone(),
            urgency: filter.urgency,
            entered_pool_before: (filter.min_days_in_pool > 0).then(|| {
                calendar::start_of_day_days_ago(self.clock.now(), filter.min_days_in_pool)
            }),
            tracking_number: filter.tracking_number.clone(),
            not_reached: false,
            partner_reference: filter.partner_reference.clone(),
            due: None,
            callback_due_before: filter.callback_due_today.then(|| {
                // The first instant of tomorrow in Istanbul.
                calendar::start_of_day_days_ago(self.clock.now(), 0)
            }),
            incident: IncidentFilter::Any,
            sort: Sort::OldestFirst,
            after: None,
            limit: 0,
        };
        match (view, user.role) {
            // A linked record waits for its incident's answer: it is on
            // the incident's page, not on a work list.
            (View::Pool, Role::Expert) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::InPool];
                q.incident = IncidentFilter::Unlinked;
            }
            (View::Pool, Role::PoolManager | Role::DirectorateManager | Role::Admin) => {
                q.pools = scope;
                q.statuses = unresolved;
                q.incident = IncidentFilter::Unlinked;
            }
            (
                View::Mine,
                Role::Expert
                | Role::CallbackAgent
                | Role::Admin
                | Role::PoolManager
                | Role::DirectorateManager,
            ) => {
                q.holder = HolderFilter::User(user.id);
                q.statuses = unresolved;
            }
            (View::CallbackPool, Role::CallbackAgent) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::AwaitingCallback];
                q.holder = HolderFilter::Nobody;
            }
            (View::CallbackPool, Role::PoolManager | Role::DirectorateManager | Role::Admin) => {
                q.pools = scope;
                q.statuses = vec![CaseStatus::AwaitingCallback];
            }
            (View::All, Role::Admin | Role::PoolManager | Role::DirectorateManager) => {
                q.pools = scope
            }
            (
                View::NotReached,
                Role::CallbackAgent | Role::PoolManager | Role::DirectorateManager | Role::Admin,
            ) => {
                q.pools = scope;
                q.not_reached = true;
            }
            (View::DueSoon | View::Overdue, role) => {
                let Some(pools) = policy::managed_pools(user) else {
                    return Err(CaseError::PermissionDenied(
                        "only managers and admins list due records",
                    ));
                };
                debug_assert!(role == Role::Admin || policy::is_manager(role));
                q.pools = pools;
                q.statuses = unresolved;
                q.incident = IncidentFilter::Unlinked;
                q.due = Some(self.due_filter(view).await?);
            }
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
        if filter.due_near_or_passed && q.due.is_none() {
            let now = self.clock.now();
            let cal = self.working_calendar().await?;
            q.due = Some(DueFilter::NearOrPassed {
                legal_by: escalation::legal_near_by(now, &cal, &self.escalation),
                internal_by: escalation::internal_near_by(now, &self.escalation),
            });
        }
        if let Some(p) = filter.pool_id {
            q.pools = match q.pools {
                Some(pools) => Some(pools.into_iter().filter(|x| *x == p).collect()),
                None => Some(vec![p]),
            };
        }
        if let Some(h) = filter.holder_id {
            if q.holder == HolderFilter::Any {
                q.holder = HolderFilter::User(h);
            } else if q.holder != HolderFilter::User(h) {
                return Ok(None);
            }
        }
        if !filter.statuses.is_empty() {
            q.statuses = if q.statuses.is_empty() {
                filter.statuses.clone()
            } else {
                q.statuses
                    .into_iter()
                    .filter(|s| filter.statuses.contains(s))
                    .collect()
            };
            if q.statuses.is_empty() {
                return Ok(None);
            }
        }
        Ok(Some(q))
    }

    /// The store's due condition of a due view at the clock's now.
    async fn due_filter(&self, view: View) -> Result<DueFilter, CaseError> {
        let now = self.clock.now();
        let today = tekmerkez_workdays::istanbul_date(now);
        Ok(match view {
            View::Overdue => DueFilter::Passed { today, now },
            _ => {
                let cal = self.working_calendar().await?;
                DueFilter::Near {
                    legal_by: escalation::legal_near_by(now, &cal, &self.escalation),
                    internal_by: escalation::internal_near_by(now, &self.escalation),
                    today,
                    now,
                }
            }
        })
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
    /// A `counted` lookup (a person typed the digits) first counts against
    /// the number's hourly budget of wrong guesses, in the store every
    /// replica shares, whether or not a case has the number; once the budget
    /// is spent the lookup is refused without checking the digits, so the
    /// right ones are refused too until the hour ends. A right answer takes
    /// its count back, so only wrong guesses use the budget. An unparsable
    /// number (`None`) is nobody's and counts nothing.
    ///
    /// # Errors
    /// `PermissionDenied` for callers other than intake and the gateway;
    /// `LookupsLocked` past the budget; `NotFound`.
    pub async fn track(
        &self,
        caller: &Caller,
        tracking_number: Option<&str>,
        phone_last4: &str,
        counted: bool,
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
        let window = if counted {
            Some(self.count_guess(tn).await?)
        } else {
            None
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
        if let Some(started) = window {
            // Failing to take the count back costs the citizen one guess of
            // the budget, not the answer.
            if let Err(e) = self.store.forgive_guess(tn, started).await {
                tracing::warn!(error.message = %e, "taking back a right lookup's count failed");
            }
        }
        let (case, merged_from) = self.follow_merge(case).await?;
        let history = self.store.list_history(case.id).await?;
        Ok(Tracking {
            merged_from,
            tracking_number: case.tracking_number,
            status: case.status,
            timeline: timeline(&history),
            created_at: case.created_at,
            legal_due_date: case.legal_due_date,
            province_code: case.province_code,
            district: case.district,
        })
    }

    /// Counts one lookup of `tn`; the window's start, or `LookupsLocked`
    /// with the time left when the budget is spent.
    async fn count_guess(&self, tn: &str) -> Result<Timestamp, CaseError> {
        let now = self.clock.now();
        let limit = self.wrong_guesses_per_hour;
        let g = self.store.count_guess(tn, now, GUESS_WINDOW, limit).await?;
        if g.guesses > limit {
            let left = (g.window_started_at + GUESS_WINDOW).duration_since(now);
            let left = std::time::Duration::try_from(left)
                .unwrap_or_default()
                .max(std::time::Duration::from_secs(1));
            tracing::warn!("tracking lookups refused: the number's wrong guesses are spent");
            return Err(CaseError::LookupsLocked(left));
        }
        Ok(g.window_started_at)
    }

    /// Deletes the lookup counters whose window has ended.
    ///
    /// # Errors
    /// The store's.
    pub async fn purge_tracking_guesses(&self) -> Result<u64, CaseError> {
        Ok(self
            .store
            .purge_guesses(self.clock.now() - GUESS_WINDOW)
            .await?)
    }
}

/// The most cases *Süresi Yaklaşan / Süresi Geçen* reads to sort.
pub const DUE_LIST_CAP: u32 = 1000;

/// The earliest instant either due date of `case` falls due (a legal due
/// date at the end of its Istanbul day): the due lists' order.
fn due_instant(case: &Case) -> Timestamp {
    let legal = case
        .legal_due_date
        .map(tekmerkez_workdays::end_of_istanbul_day);
    legal
        .into_iter()
        .chain(case.internal_due_at)
        .min()
        .unwrap_or(Timestamp::MAX)
}

/// The window the wrong-guess budget is counted in.
const GUESS_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// The public timeline of a case's task steps: each change of status, once.
pub(super) fn timeline(history: &[HistoryRecord]) -> Vec<TimelineEntry> {
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
    timeline
}
