//! What routing brings in: a new case (idempotent on the application id,
//! with a fresh tracking number when a generated one is taken), and a
//! citizen's follow-up message joining an existing case.

use uuid::Uuid;

use super::{
    CaseView, CitizenMessage, actor_of, attachment_records, persisted_steps,
    retry::{CONFLICT_RETRIES, Transition},
};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::{Caller, ServiceName},
        case::{Actor, Case, NewCase},
        classification::AutomaticClose,
        enums::Role,
        fields::Violations,
        incident::{Incident, IncidentStatus, LinkMethod},
        policy,
    },
    store::{CitizenNote, CreateOutcome, IncidentQuery, NoteRecord, StoreError},
};

impl CaseApp {
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
        // Counted from when the channel received it (never from the future).
        let filed = new.received_at.map_or(now, |t| t.min(now));
        let policy = self
            .resolved_policy(Some(new.source), Some(new.application_type), &new.category)
            .await?;
        let deadlines = policy.for_case(&*self.working_calendar().await?, filed);
        let mut outage = if new.information_answer.is_none() {
            self.incident_under_way(&new, now).await?
        } else {
            None
        };
        for _ in 0..CONFLICT_RETRIES {
            let tracking = given_tracking
                .clone()
                .unwrap_or_else(tekmerkez_tracking::TrackingNumber::generate);
            let (mut case, mut steps) = Case::open(
                &new,
                Uuid::now_v7(),
                &tracking,
                actor.user_id(),
                now,
                &deadlines,
            );
            if case.information_only {
                case.closure_reason = Some(
                    policy
                        .automatic_reason(AutomaticClose::InformationOnly)
                        .to_owned(),
                );
            }
            // A report in the place and time of an incident under way joins
            // it at once: off the work lists, answered with it.
            if let Some(incident) = &outage {
                let (linked, step, kind) =
                    case.link_to_incident(incident, LinkMethod::Automatic, now)?;
                case = linked;
                steps.push((step, kind));
            }
            let (history, events) = persisted_steps(steps, &case, &actor, now);
            let attachments = attachment_records(&new.attachments, case.id, now);
            match self
                .store
                .create_case(&case, &history, &events, &attachments)
                .await?
            {
                CreateOutcome::Created => {
                    tracing::debug!(case_id = %case.id, channel = case.channel.as_str(), "case opened");
                    let case = self.refilled(None, case).await;
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
                // Closed while this one was decided: it opens on its own.
                CreateOutcome::IncidentClosed => outage = None,
            }
        }
        Err(CaseError::Contended)
    }

    /// The open incident `new` belongs to, if any: one of its category,
    /// under way at `now`, covering its place (its whole district, or its
    /// neighbourhood when the report names one); the first listed when
    /// several.
    async fn incident_under_way(
        &self,
        new: &NewCase,
        now: jiff::Timestamp,
    ) -> Result<Option<Incident>, CaseError> {
        let Some(district) = new.district.as_deref() else {
            return Ok(None);
        };
        Ok(self
            .store
            .list_incidents(&IncidentQuery {
                pools: None,
                statuses: vec![IncidentStatus::Open],
                province_code: Some(new.province_code),
                limit: 100,
            })
            .await?
            .into_iter()
            .find(|i| {
                i.category == new.category
                    && i.starts_at <= now
                    && i.covers(
                        new.province_code,
                        Some(district),
                        new.neighbourhood.as_deref(),
                    )
            }))
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
            // A reply about a merged duplicate joins the record it was
            // merged into, where the work goes on.
            let case = match case.merged_into {
                Some(into) => self
                    .store
                    .get_case(into)
                    .await?
                    .ok_or(CaseError::NotFound("record"))?,
                None => case,
            };
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
            let (next, step, kind) =
                case.add_citizen_message(note_id, msg.application_id, msg.channel, from_applicant);
            let mut steps = vec![(step, kind)];
            // The information the record was waiting for may be in it: the
            // wait ends (the internal target runs again), the agent reads it.
            let next = match next.end_awaiting_citizen(now) {
                Ok((ended, step, kind)) => {
                    steps.push((step, kind));
                    ended
                }
                Err(_) => next,
            };
            let mut t = Transition::many((next, steps));
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
            t.attachments = attachment_records(&msg.attachments, case.id, now);
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
}
