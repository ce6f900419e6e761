//! Duplicate suggestions, merge and dismissal (issue 20): which records a
//! case may repeat, as far as the caller may open them; a citizen's repeat
//! merged into their first record in one transaction; a suggestion the
//! agent says is wrong never shown again for the pair.

use jiff::SignedDuration;
use uuid::Uuid;

use super::{CaseView, actor_of, retry::CONFLICT_RETRIES, user_of};
use crate::{
    app::{CaseApp, error::CaseError},
    domain::{
        caller::Caller,
        case::{Case, RuleViolation},
        duplicate::{self, DuplicateKind, Likeness},
        person::PersonKey,
        policy,
    },
    store::{AttachmentRecord, CaseChange, CitizenNote, NoteRecord, PlaceQuery, StoreError},
};

/// At most this many suggestions in one answer.
pub const MAX_CANDIDATES: usize = 10;

/// Records read per source before scoring: the person index's and the
/// place's newest.
const READ: u32 = 50;

/// A suggested record with why and how likely.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub case: Case,
    pub likeness: Likeness,
    /// Whether the caller may merge the two now.
    pub mergeable: bool,
    /// Its incident's reference, when it is linked to one.
    pub incident_reference: Option<String>,
}

impl CaseApp {
    /// The records case `id` may repeat, best first, at most
    /// [`MAX_CANDIDATES`], each one the caller may open.
    ///
    /// # Errors
    /// `PermissionDenied` for a service; `NotFound` when the case is
    /// missing or out of the caller's sight.
    pub async fn duplicate_candidates(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> Result<Vec<Candidate>, CaseError> {
        user_of(caller)?;
        let case = self.visible_case(caller, id).await?;
        let window = self.duplicates;
        let mut found: Vec<Case> = self
            .store
            .cases_sharing(&PersonKey::of(&case.contact), case.id, READ)
            .await?
            .into_iter()
            .map(|s| s.case)
            .collect();
        if let Some(district) = &case.district {
            let span = SignedDuration::from_hours(i64::from(window.same_place_hours));
            found.extend(
                self.store
                    .cases_at_place(&PlaceQuery {
                        category: case.category.clone(),
                        province_code: case.province_code,
                        district: district.clone(),
                        from: case
                            .created_at
                            .saturating_sub(span)
                            .unwrap_or(case.created_at),
                        to: case
                            .created_at
                            .saturating_add(span)
                            .unwrap_or(case.created_at),
                        except: case.id,
                        limit: READ,
                    })
                    .await?,
            );
        }
        let dismissed = self.store.dismissed_with(case.id).await?;
        let mut scored: Vec<(Case, Likeness)> = Vec::new();
        for other in found {
            if dismissed.contains(&other.id)
                || scored.iter().any(|(c, _)| c.id == other.id)
                || !policy::can_view(caller, &other)
            {
                continue;
            }
            if let Some(l) = duplicate::likeness(&case, &other, &window) {
                scored.push((other, l));
            }
        }
        scored
            .sort_by(|(a, x), (b, y)| y.score.cmp(&x.score).then(b.created_at.cmp(&a.created_at)));
        scored.truncate(MAX_CANDIDATES);
        let mut out = Vec::with_capacity(scored.len());
        for (other, likeness) in scored {
            let mergeable = likeness.kind == DuplicateKind::SameCitizen
                && policy::can_merge(caller, &case, &other)
                && mergeable_pair(&case, &other);
            let incident_reference = match other.linked_incident() {
                Some(i) => self.store.get_incident(i).await?.map(|i| i.reference()),
                None => None,
            };
            out.push(Candidate {
                case: other,
                likeness,
                mergeable,
                incident_reference,
            });
        }
        Ok(out)
    }

    /// Merges case `id` (a duplicate) into `into`, the same citizen's
    /// other record, and returns both after it. Merging it again into the
    /// same record returns them as they are.
    ///
    /// # Errors
    /// `NotFound` when either is missing or out of sight; `PermissionDenied`
    /// when the caller may act on neither; a [`RuleViolation`] when the
    /// merge is not allowed; `StaleVersion` when `expected` is old.
    pub async fn merge_case(
        &self,
        caller: &Caller,
        id: Uuid,
        into: Uuid,
        expected: Option<i64>,
    ) -> Result<(CaseView, CaseView), CaseError> {
        let user = user_of(caller)?;
        let actor = actor_of(caller);
        for _ in 0..CONFLICT_RETRIES {
            let dup = self.visible_case(caller, id).await?;
            let original = self.visible_case(caller, into).await?;
            let now = self.clock.now();
            if dup.merged_into == Some(original.id) {
                return Ok((
                    self.view(caller, dup, now),
                    self.view(caller, original, now),
                ));
            }
            if !policy::can_merge(caller, &dup, &original) {
                return Err(CaseError::PermissionDenied(
                    "only one who holds either record or manages its pool may merge them",
                ));
            }
            dup.check_version(expected)?;
            let note_id = Uuid::now_v7();
            let m = dup.merge_into(&original, user.id, note_id, now)?;
            let dup_change = single(m.duplicate, m.duplicate_step, &dup, &actor, now);
            let mut original_change = single(m.original, m.original_step, &original, &actor, now);
            original_change.note = Some(NoteRecord {
                id: note_id,
                case_id: original.id,
                author_id: None,
                text: dup.text.clone(),
                created_at: now,
                citizen: Some(CitizenNote {
                    channel: dup.channel,
                    application_id: dup.application_id,
                    fingerprint: dup.request_fingerprint.clone(),
                    from_applicant: true,
                }),
            });
            original_change.attachments = self.copied_attachments(&dup, original.id).await?;
            let changes = [dup_change, original_change];
            match self.store.apply_changes(&changes).await {
                Ok(()) => {
                    tracing::info!(case_id = %dup.id, into = %original.id, "duplicate merged");
                    let [d, o] = changes;
                    return Ok((
                        self.view(caller, d.case, now),
                        self.view(caller, o.case, now),
                    ));
                }
                Err(StoreError::Conflict(_)) if expected.is_some() => {
                    return Err(RuleViolation::StaleVersion.into());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CaseError::Contended)
    }

    /// Records that cases `id` and `other` are not duplicates.
    ///
    /// # Errors
    /// `NotFound` when either is missing or out of sight.
    pub async fn dismiss_duplicate(
        &self,
        caller: &Caller,
        id: Uuid,
        other: Uuid,
    ) -> Result<(), CaseError> {
        let user = user_of(caller)?;
        if id == other {
            return Err(RuleViolation::SameRecord.into());
        }
        self.visible_case(caller, id).await?;
        self.visible_case(caller, other).await?;
        self.store
            .dismiss_duplicate(id, other, user.id, self.clock.now())
            .await?;
        Ok(())
    }

    /// The case, if the caller may see it.
    async fn visible_case(&self, caller: &Caller, id: Uuid) -> Result<Case, CaseError> {
        self.store
            .get_case(id)
            .await?
            .filter(|c| policy::can_view(caller, c))
            .ok_or(CaseError::NotFound("record"))
    }

    /// `from`'s files, each a new copy on case `to`.
    async fn copied_attachments(
        &self,
        from: &Case,
        to: Uuid,
    ) -> Result<Vec<AttachmentRecord>, CaseError> {
        let mut out = Vec::new();
        for a in self.store.list_attachments(from.id).await? {
            if let Some(full) = self.store.get_attachment(from.id, a.id).await? {
                out.push(AttachmentRecord {
                    id: Uuid::now_v7(),
                    case_id: to,
                    ..full
                });
            }
        }
        Ok(out)
    }
}

/// Whether the two could be merged by the rules (either way round).
fn mergeable_pair(a: &Case, b: &Case) -> bool {
    a.merge_into(b, Uuid::nil(), Uuid::nil(), a.created_at)
        .is_ok()
}

/// One case's change with one step.
fn single(
    next: Case,
    step: (crate::domain::case::Step, crate::domain::case::EventKind),
    before: &Case,
    actor: &crate::domain::case::Actor,
    now: jiff::Timestamp,
) -> CaseChange {
    super::retry::Transition::many((next, vec![step])).into_change(before, actor, now)
}
