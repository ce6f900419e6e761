//! The case statements: cases with their notes, files and task steps.
//! A new case and every change are written with their outbox rows in one
//! transaction; a change's UPDATE carries the version check. The rows a
//! write adds beside the case (steps, files, outbox) are built as
//! statements first and run in the transaction after it.

use tekmerkez_sqlpool::{Statement, on_pool};
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use uuid::Uuid;

use super::{
    SqlStore, code,
    escalations::date_value,
    letters::{NEXT_SEQ, insert_letter},
    micros, opt_micros, opt_timestamp,
    outbox::insert_outbox,
    people::insert_person_keys,
    timestamp, unique_violation,
};
use crate::{
    domain::{
        case::{Actor, Case, Consent, Step},
        contact::{
            Contact, EmailAddress, PersonName, PhoneNumber, PostalAddress, SocialAddress,
            SocialPlatform, SocialUserId,
        },
        deadline::{DayCount, NoteRule},
        enums::{CaseStatus, Channel, HistoryAction, ReplyChannel, SurveySource, Urgency},
        incident::{IncidentLink, LinkMethod},
        not_reached::NotReached,
        survey::SurveyAnswer,
    },
    store::{
        AttachmentRecord, CaseChange, CaseQuery, CaseStore, CitizenNote, CreateOutcome, DueFilter,
        HistoryRecord, HolderFilter, IncidentFilter, NoteRecord, OutboxRecord, Sort, StoreError,
    },
};

pub(super) const CASE_COLUMNS: &str = "id, seq, tracking_number, application_id, request_fingerprint, \
    channel, category, text, urgency, province_code, district, latitude, longitude, pool_id, \
    status, holder_id, reply_channel, contact_name, contact_phone, contact_email, contact_address, \
    consent_text_version, consent_accepted_at, consent_special, information_only, official_answer, \
    closed_by, created_by, created_at, entered_pool_at, held_since, closed_at, resolved_at, \
    last_note_at, callback_attempts, callback_retry_at, version, not_reached_at, \
    not_reached_channel, not_reached_reason, not_reached_delivery, contact_social_platform, \
    contact_social_account, contact_social_user, contact_social_at, source_reference, \
    application_type, source, partner_id, partner_reference, closure_reason, legal_due_date, \
    internal_due_at, legal_extension_days, legal_extended_at, note_rule_days, note_rule_count, \
    awaiting_citizen_since, incident_id, incident_method, incident_linked_at, neighbourhood, \
    merged_into";

const INSERT_CASE: &str = "INSERT INTO cases (id, tracking_number, application_id, \
    request_fingerprint, channel, category, text, urgency, province_code, district, latitude, \
    longitude, pool_id, status, holder_id, reply_channel, contact_name, contact_phone, \
    contact_email, contact_address, consent_text_version, consent_accepted_at, consent_special, \
    information_only, official_answer, closed_by, created_by, created_at, entered_pool_at, \
    held_since, closed_at, resolved_at, last_note_at, callback_attempts, callback_retry_at, \
    version, updated_at, not_reached_at, not_reached_channel, not_reached_reason, \
    not_reached_delivery, contact_social_platform, contact_social_account, contact_social_user, \
    contact_social_at, source_reference, application_type, source, partner_id, partner_reference, \
    closure_reason, legal_due_date, internal_due_at, legal_extension_days, legal_extended_at, \
    note_rule_days, note_rule_count, awaiting_citizen_since, incident_id, incident_method, \
    incident_linked_at, neighbourhood, merged_into) VALUES ($1, $2, $3, $4, $5, $6, $7, \
    $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
    $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, \
    $46, $47, $48, $49, $50, $51, $52, $53, $54, $55, $56, $57, $58, $59, $60, $61, $62, $63) \
    ON CONFLICT DO NOTHING";

const UPDATE_CASE: &str = "UPDATE cases SET pool_id = $1, status = $2, holder_id = $3, \
    official_answer = $4, closed_by = $5, closed_at = $6, entered_pool_at = $7, held_since = $8, \
    resolved_at = $9, last_note_at = $10, callback_attempts = $11, callback_retry_at = $12, \
    version = $13, updated_at = $14, category = $15, province_code = $16, district = $17, \
    not_reached_at = $18, not_reached_channel = $19, not_reached_reason = $20, \
    not_reached_delivery = $21, application_type = $22, closure_reason = $23, \
    legal_due_date = $26, internal_due_at = $27, legal_extended_at = $28, \
    awaiting_citizen_since = $29, reply_channel = $30, incident_id = $31, incident_method = $32, \
    incident_linked_at = $33, neighbourhood = $34, merged_into = $35 WHERE id = $24 AND version = $25";

const INSERT_HISTORY: &str = "INSERT INTO case_history (case_id, action, actor_user_id, \
    actor_service, from_status, to_status, from_pool_id, to_pool_id, from_holder_id, to_holder_id, \
    detail, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const NOTE_COLUMNS: &str = "id, case_id, author_id, text, created_at, author_channel, \
    application_id, request_fingerprint, from_applicant";

const INSERT_NOTE: &str = "INSERT INTO case_notes (id, case_id, author_id, text, created_at, \
    author_channel, application_id, request_fingerprint, from_applicant) VALUES ($1, $2, $3, $4, \
    $5, $6, $7, $8, $9)";

const SURVEY_COLUMNS: &str = "case_id, score, source, comment, recorded_by, answered_at, \
    idempotency_key";

const INSERT_SURVEY: &str = "INSERT INTO case_surveys (case_id, score, source, comment, \
    recorded_by, answered_at, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const INSERT_ATTACHMENT: &str = "INSERT INTO case_attachments (id, case_id, file_name, \
    content_type, size_bytes, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// One change's statements: the case's id, its versioned UPDATE, a note,
/// the rows beside it, and a letter to number and insert.
type Write<'a> = (
    Uuid,
    Statement,
    Vec<Statement>,
    Vec<Statement>,
    Option<&'a crate::store::NewLetter>,
);

/// Splitting a list into (pool, status) branches pays off up to this many.
const MAX_BRANCHES: usize = 48;

/// The (pool, status) pairs of a list narrowed to a few pools and statuses,
/// or `None` when it is better read as one scan.
fn branches(q: &CaseQuery) -> Option<Vec<(Uuid, CaseStatus)>> {
    let pools = q.pools.as_ref()?;
    if q.statuses.is_empty() || q.tracking_number.is_some() || q.partner_reference.is_some() {
        return None;
    }
    let n = pools.len() * q.statuses.len();
    (n > 1 && n <= MAX_BRANCHES).then(|| {
        pools
            .iter()
            .flat_map(|p| q.statuses.iter().map(move |s| (*p, *s)))
            .collect()
    })
}

/// Every condition of `q` but pools and statuses, and the keyset position.
fn push_case_filters(select: &mut Statement, q: &CaseQuery) {
    match q.holder {
        HolderFilter::Any => {}
        HolderFilter::Nobody => {
            select.push(" AND holder_id IS NULL");
        }
        HolderFilter::User(u) => {
            select.push(" AND holder_id = ").push_bind(u);
        }
    }
    if let Some(u) = q.created_by {
        select.push(" AND created_by = ").push_bind(u);
    }
    if let Some(u) = q.closed_by {
        select.push(" AND closed_by = ").push_bind(u);
    }
    if !q.channels.is_empty() {
        select
            .push(" AND channel IN (")
            .push_list(q.channels.iter().map(|c| c.as_str()))
            .push(")");
    }
    if !q.categories.is_empty() {
        select
            .push(" AND category IN (")
            .push_list(q.categories.iter())
            .push(")");
    }
    if !q.not_categories.is_empty() {
        select
            .push(" AND category NOT IN (")
            .push_list(q.not_categories.iter())
            .push(")");
    }
    if let Some(d) = &q.district {
        select.push(" AND district = ").push_bind(d);
    }
    if let Some(u) = q.urgency {
        select.push(" AND urgency = ").push_bind(u.rank());
    }
    if let Some(t) = q.entered_pool_before {
        select.push(" AND entered_pool_at < ").push_bind(micros(t));
    }
    if let Some(t) = &q.tracking_number {
        select.push(" AND tracking_number = ").push_bind(t);
    }
    if q.not_reached {
        select.push(" AND not_reached_at IS NOT NULL");
    }
    if let Some(r) = &q.partner_reference {
        select.push(" AND partner_reference = ").push_bind(r);
    }
    if let Some(t) = q.callback_due_before {
        select
            .push(" AND (callback_retry_at IS NULL OR callback_retry_at < ")
            .push_bind(micros(t))
            .push(")");
    }
    match q.incident {
        IncidentFilter::Any => {}
        IncidentFilter::Unlinked => {
            select.push(" AND incident_id IS NULL");
        }
        IncidentFilter::LinkedTo(id) => {
            select.push(" AND incident_id = ").push_bind(id);
        }
    }
    match q.due {
        None => {}
        Some(DueFilter::Near {
            legal_by,
            internal_by,
            today,
            now,
        }) => {
            select
                .push(" AND (legal_due_date IS NULL OR legal_due_date >= ")
                .push_bind(date_value(today));
            select
                .push(") AND (internal_due_at IS NULL OR internal_due_at > ")
                .push_bind(micros(now));
            select
                .push(") AND (legal_due_date <= ")
                .push_bind(date_value(legal_by));
            select
                .push(" OR internal_due_at <= ")
                .push_bind(micros(internal_by))
                .push(")");
        }
        Some(DueFilter::NearOrPassed {
            legal_by,
            internal_by,
        }) => {
            select
                .push(" AND (legal_due_date <= ")
                .push_bind(date_value(legal_by));
            select
                .push(" OR internal_due_at <= ")
                .push_bind(micros(internal_by))
                .push(")");
        }
        Some(DueFilter::Passed { today, now }) => {
            select
                .push(" AND (legal_due_date < ")
                .push_bind(date_value(today));
            select
                .push(" OR internal_due_at <= ")
                .push_bind(micros(now))
                .push(")");
        }
    }
    match (q.sort, q.after) {
        (Sort::OldestFirst, Some(c)) => {
            select.push(" AND seq > ").push_bind(c.seq);
        }
        (Sort::NewestFirst, Some(c)) => {
            select.push(" AND seq < ").push_bind(c.seq);
        }
        (Sort::UrgentFirst, Some(c)) => {
            select.push(" AND (urgency < ").push_bind(c.urgency);
            select.push(" OR (urgency = ").push_bind(c.urgency);
            select.push(" AND seq > ").push_bind(c.seq);
            select.push("))");
        }
        // Keyset on (due date, nulls last; seq).
        (Sort::LegalDueFirst, Some(c)) => match c.legal_due {
            Some(d) => {
                let d = date_value(d);
                select
                    .push(" AND (legal_due_date IS NULL OR legal_due_date > ")
                    .push_bind(d.clone());
                select.push(" OR (legal_due_date = ").push_bind(d);
                select.push(" AND seq > ").push_bind(c.seq);
                select.push("))");
            }
            None => {
                select
                    .push(" AND legal_due_date IS NULL AND seq > ")
                    .push_bind(c.seq);
            }
        },
        (_, None) => {}
    }
}

/// The list query for `q` (not called with an empty pool list).
pub(super) fn list_statement(q: &CaseQuery) -> Statement {
    let order = match q.sort {
        Sort::OldestFirst => " ORDER BY seq ASC",
        Sort::NewestFirst => " ORDER BY seq DESC",
        Sort::UrgentFirst => " ORDER BY urgency DESC, seq ASC",
        // YYYY-MM-DD text sorts as dates on both stores; records older
        // than the policies (no due date) last.
        Sort::LegalDueFirst => {
            " ORDER BY CASE WHEN legal_due_date IS NULL THEN 1 ELSE 0 END, legal_due_date ASC, seq ASC"
        }
    };
    scans(q, CASE_COLUMNS, order)
}

/// How many cases `q` matches, reading at most `q.limit` of them: the
/// list's scans with no order and no columns, so each scan takes whichever
/// index finds its matches fastest (a category filter reads the category
/// index, whatever order the list itself is shown in) and nothing is sorted.
fn count_statement(q: &CaseQuery) -> Statement {
    let mut count = Statement::new("SELECT COUNT(*) FROM (");
    let scans = scans(q, "1 AS one", "");
    count.push(scans.sql()).push(") AS capped");
    scans.values().iter().cloned().fold(count, Statement::bind)
}

/// `SELECT columns` of `q`'s cases in `order` (none when empty), at most
/// `q.limit` of them.
fn scans(q: &CaseQuery, columns: &str, order: &str) -> Statement {
    let mut select = Statement::new(format!("SELECT {columns} FROM "));
    match branches(q) {
        // One index-ordered scan per (pool, status), each stopping at the
        // limit, merged: a rare filter over a big backlog reads a few pages
        // per pool instead of every match.
        Some(pairs) => {
            select.push("(");
            for (i, (pool, status)) in pairs.iter().enumerate() {
                if i > 0 {
                    select.push(" UNION ALL ");
                }
                select.push(&format!(
                    "SELECT {columns} FROM (SELECT {columns} FROM cases WHERE pool_id = "
                ));
                select.push_bind(*pool);
                select.push(" AND status = ").push_bind(status.as_str());
                push_case_filters(&mut select, q);
                select.push(order);
                select.push(" LIMIT ").push_bind(i64::from(q.limit));
                select.push(&format!(") AS b{i}"));
            }
            select.push(") AS merged WHERE 1 = 1");
        }
        None => {
            select.push("cases WHERE 1 = 1");
            if let Some(pools) = &q.pools {
                select
                    .push(" AND pool_id IN (")
                    .push_list(pools.iter().copied())
                    .push(")");
            }
            if !q.statuses.is_empty() {
                select
                    .push(" AND status IN (")
                    .push_list(q.statuses.iter().map(|s| s.as_str()))
                    .push(")");
            }
            push_case_filters(&mut select, q);
        }
    }
    select.push(order);
    select.push(" LIMIT ").push_bind(i64::from(q.limit));
    select
}

/// A case as stored: codes as text, times as microseconds.
#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    id: Uuid,
    seq: i64,
    tracking_number: String,
    application_id: Uuid,
    request_fingerprint: String,
    channel: String,
    category: String,
    text: String,
    urgency: i64,
    province_code: i64,
    district: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    pool_id: Uuid,
    status: String,
    holder_id: Option<Uuid>,
    reply_channel: String,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    contact_address: Option<String>,
    consent_text_version: Option<String>,
    consent_accepted_at: Option<i64>,
    consent_special: bool,
    information_only: bool,
    official_answer: Option<String>,
    closed_by: Option<Uuid>,
    created_by: Option<Uuid>,
    created_at: i64,
    entered_pool_at: i64,
    held_since: Option<i64>,
    closed_at: Option<i64>,
    resolved_at: Option<i64>,
    last_note_at: Option<i64>,
    callback_attempts: i64,
    callback_retry_at: Option<i64>,
    version: i64,
    not_reached_at: Option<i64>,
    not_reached_channel: Option<String>,
    not_reached_reason: Option<String>,
    not_reached_delivery: Option<Uuid>,
    contact_social_platform: Option<String>,
    contact_social_account: Option<String>,
    contact_social_user: Option<String>,
    contact_social_at: Option<i64>,
    source_reference: Option<String>,
    application_type: String,
    source: String,
    partner_id: Option<String>,
    partner_reference: Option<String>,
    closure_reason: Option<String>,
    legal_due_date: Option<String>,
    internal_due_at: Option<i64>,
    legal_extension_days: i64,
    legal_extended_at: Option<i64>,
    note_rule_days: i64,
    note_rule_count: String,
    awaiting_citizen_since: Option<i64>,
    incident_id: Option<Uuid>,
    incident_method: Option<String>,
    incident_linked_at: Option<i64>,
    neighbourhood: Option<String>,
    merged_into: Option<Uuid>,
}

impl TryFrom<CaseRow> for Case {
    type Error = StoreError;

    fn try_from(r: CaseRow) -> Result<Self, StoreError> {
        let consent = match r.consent_text_version {
            Some(text_version) => Some(Consent {
                text_version,
                accepted_at: timestamp(r.consent_accepted_at.unwrap_or(0))?,
                special_category: r.consent_special,
            }),
            None => None,
        };
        Ok(Case {
            id: r.id,
            seq: r.seq,
            tracking_number: r.tracking_number,
            application_id: r.application_id,
            request_fingerprint: r.request_fingerprint,
            channel: code(Channel::from_code, &r.channel, "channel")?,
            category: r.category,
            text: r.text,
            urgency: if r.urgency >= Urgency::Urgent.rank() {
                Urgency::Urgent
            } else {
                Urgency::Normal
            },
            province_code: u8::try_from(r.province_code)
                .map_err(|_| StoreError::Corrupt("province_code"))?,
            district: r.district,
            coordinates: r.latitude.zip(r.longitude),
            pool_id: r.pool_id,
            status: code(CaseStatus::from_code, &r.status, "status")?,
            holder_id: r.holder_id,
            reply_channel: code(ReplyChannel::from_code, &r.reply_channel, "reply_channel")?,
            contact: Contact {
                name: r.contact_name.map(PersonName::from_trusted),
                phone: r.contact_phone.map(PhoneNumber::from_trusted),
                email: r.contact_email.map(EmailAddress::from_trusted),
                postal_address: r.contact_address.map(PostalAddress::from_trusted),
                social: match (
                    r.contact_social_platform,
                    r.contact_social_account,
                    r.contact_social_user,
                ) {
                    (Some(platform), Some(account_id), Some(user)) => Some(SocialAddress {
                        platform: SocialPlatform::parse(&platform)
                            .ok_or(StoreError::Corrupt("contact_social_platform"))?,
                        account_id,
                        user_id: SocialUserId::from_trusted(user),
                        message_at: r.contact_social_at,
                    }),
                    _ => None,
                },
            },
            consent,
            information_only: r.information_only,
            official_answer: r.official_answer,
            closed_by: r.closed_by,
            created_by: r.created_by,
            created_at: timestamp(r.created_at)?,
            entered_pool_at: timestamp(r.entered_pool_at)?,
            held_since: opt_timestamp(r.held_since)?,
            closed_at: opt_timestamp(r.closed_at)?,
            resolved_at: opt_timestamp(r.resolved_at)?,
            last_note_at: opt_timestamp(r.last_note_at)?,
            callback_attempts: u32::try_from(r.callback_attempts).unwrap_or(u32::MAX),
            callback_retry_at: opt_timestamp(r.callback_retry_at)?,
            version: r.version,
            not_reached: match (r.not_reached_at, r.not_reached_delivery) {
                (Some(at), Some(delivery_id)) => Some(NotReached {
                    at: timestamp(at)?,
                    channel: r.not_reached_channel.unwrap_or_default(),
                    reason: r.not_reached_reason.unwrap_or_default(),
                    delivery_id,
                }),
                _ => None,
            },
            source_reference: r.source_reference,
            application_type: code(
                ApplicationType::from_code,
                &r.application_type,
                "application_type",
            )?,
            source: code(ApplicationSource::from_code, &r.source, "source")?,
            partner_id: r.partner_id,
            partner_reference: r.partner_reference,
            closure_reason: r.closure_reason,
            legal_due_date: r
                .legal_due_date
                .as_deref()
                .map(|d| d.parse().map_err(|_| StoreError::Corrupt("legal_due_date")))
                .transpose()?,
            internal_due_at: opt_timestamp(r.internal_due_at)?,
            legal_extension_days: u32::try_from(r.legal_extension_days).unwrap_or(0),
            legal_extended_at: opt_timestamp(r.legal_extended_at)?,
            note_rule: NoteRule {
                days: u32::try_from(r.note_rule_days).unwrap_or(NoteRule::SEED.days),
                count: code(DayCount::from_code, &r.note_rule_count, "note_rule_count")?,
            },
            awaiting_citizen_since: opt_timestamp(r.awaiting_citizen_since)?,
            incident: match (r.incident_id, r.incident_method, r.incident_linked_at) {
                (Some(incident_id), Some(method), Some(at)) => Some(IncidentLink {
                    incident_id,
                    method: code(LinkMethod::from_code, &method, "incident_method")?,
                    linked_at: timestamp(at)?,
                }),
                _ => None,
            },
            neighbourhood: r.neighbourhood,
            merged_into: r.merged_into,
        })
    }
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    case_id: Uuid,
    author_id: Option<Uuid>,
    text: String,
    created_at: i64,
    author_channel: Option<String>,
    application_id: Option<Uuid>,
    request_fingerprint: Option<String>,
    from_applicant: bool,
}

impl TryFrom<NoteRow> for NoteRecord {
    type Error = StoreError;

    fn try_from(r: NoteRow) -> Result<Self, StoreError> {
        let citizen = match r.author_channel {
            Some(channel) => Some(CitizenNote {
                channel: code(Channel::from_code, &channel, "author_channel")?,
                application_id: r.application_id.ok_or(StoreError::Corrupt(
                    "a citizen's note without application_id",
                ))?,
                fingerprint: r.request_fingerprint.unwrap_or_default(),
                from_applicant: r.from_applicant,
            }),
            None => None,
        };
        Ok(NoteRecord {
            id: r.id,
            case_id: r.case_id,
            author_id: r.author_id,
            text: r.text,
            created_at: timestamp(r.created_at)?,
            citizen,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    action: String,
    actor_user_id: Option<Uuid>,
    actor_service: Option<String>,
    from_status: Option<String>,
    to_status: String,
    from_pool_id: Option<Uuid>,
    to_pool_id: Uuid,
    from_holder_id: Option<Uuid>,
    to_holder_id: Option<Uuid>,
    detail: Option<String>,
    occurred_at: i64,
}

impl TryFrom<HistoryRow> for HistoryRecord {
    type Error = StoreError;

    fn try_from(r: HistoryRow) -> Result<Self, StoreError> {
        let actor = match (r.actor_user_id, r.actor_service) {
            (Some(u), _) => Actor::User(u),
            (None, Some(s)) => Actor::Service(
                crate::domain::caller::ServiceName::from_name(&s).map_or("system", |n| n.as_str()),
            ),
            (None, None) => Actor::Service("system"),
        };
        Ok(HistoryRecord {
            step: Step {
                action: code(HistoryAction::from_code, &r.action, "action")?,
                from_status: r
                    .from_status
                    .as_deref()
                    .map(|s| code(CaseStatus::from_code, s, "from_status"))
                    .transpose()?,
                to_status: code(CaseStatus::from_code, &r.to_status, "to_status")?,
                from_pool: r.from_pool_id,
                to_pool: r.to_pool_id,
                from_holder: r.from_holder_id,
                to_holder: r.to_holder_id,
                detail: r.detail,
            },
            actor,
            occurred_at: timestamp(r.occurred_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: Uuid,
    case_id: Uuid,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    created_at: i64,
    content: Option<Vec<u8>>,
}

impl TryFrom<AttachmentRow> for AttachmentRecord {
    type Error = StoreError;

    fn try_from(r: AttachmentRow) -> Result<Self, StoreError> {
        Ok(AttachmentRecord {
            id: r.id,
            case_id: r.case_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            content: r.content.unwrap_or_default(),
            created_at: timestamp(r.created_at)?,
        })
    }
}

fn insert_case(c: &Case) -> Statement {
    Statement::new(INSERT_CASE)
        .bind(c.id)
        .bind(&c.tracking_number)
        .bind(c.application_id)
        .bind(&c.request_fingerprint)
        .bind(c.channel.as_str())
        .bind(&c.category)
        .bind(&c.text)
        .bind(c.urgency.rank())
        .bind(i64::from(c.province_code))
        .bind(c.district.as_deref())
        .bind(c.coordinates.map(|p| p.0))
        .bind(c.coordinates.map(|p| p.1))
        .bind(c.pool_id)
        .bind(c.status.as_str())
        .bind(c.holder_id)
        .bind(c.reply_channel.as_str())
        .bind(c.contact.name.as_ref().map(PersonName::expose))
        .bind(c.contact.phone.as_ref().map(PhoneNumber::expose))
        .bind(c.contact.email.as_ref().map(EmailAddress::expose))
        .bind(c.contact.postal_address.as_ref().map(PostalAddress::expose))
        .bind(c.consent.as_ref().map(|x| x.text_version.as_str()))
        .bind(c.consent.as_ref().map(|x| micros(x.accepted_at)))
        .bind(c.consent.as_ref().is_some_and(|x| x.special_category))
        .bind(c.information_only)
        .bind(c.official_answer.as_deref())
        .bind(c.closed_by)
        .bind(c.created_by)
        .bind(micros(c.created_at))
        .bind(micros(c.entered_pool_at))
        .bind(opt_micros(c.held_since))
        .bind(opt_micros(c.closed_at))
        .bind(opt_micros(c.resolved_at))
        .bind(opt_micros(c.last_note_at))
        .bind(i64::from(c.callback_attempts))
        .bind(opt_micros(c.callback_retry_at))
        .bind(c.version)
        .bind(micros(c.created_at))
        .bind(c.not_reached.as_ref().map(|m| micros(m.at)))
        .bind(c.not_reached.as_ref().map(|m| m.channel.as_str()))
        .bind(c.not_reached.as_ref().map(|m| m.reason.as_str()))
        .bind(c.not_reached.as_ref().map(|m| m.delivery_id))
        .bind(c.contact.social.as_ref().map(|s| s.platform.as_str()))
        .bind(c.contact.social.as_ref().map(|s| s.account_id.as_str()))
        .bind(c.contact.social.as_ref().map(|s| s.user_id.expose()))
        .bind(c.contact.social.as_ref().and_then(|s| s.message_at))
        .bind(c.source_reference.as_deref())
        .bind(c.application_type.code())
        .bind(c.source.code())
        .bind(c.partner_id.as_deref())
        .bind(c.partner_reference.as_deref())
        .bind(c.closure_reason.as_deref())
        .bind(c.legal_due_date.map(|d| d.to_string()))
        .bind(opt_micros(c.internal_due_at))
        .bind(i64::from(c.legal_extension_days))
        .bind(opt_micros(c.legal_extended_at))
        .bind(i64::from(c.note_rule.days))
        .bind(c.note_rule.count.as_str())
        .bind(opt_micros(c.awaiting_citizen_since))
        .bind(c.incident.map(|l| l.incident_id))
        .bind(c.incident.map(|l| l.method.as_str()))
        .bind(c.incident.map(|l| micros(l.linked_at)))
        .bind(c.neighbourhood.as_deref())
        .bind(c.merged_into)
}

/// The UPDATE of `ch`'s case at `now`, matching only the version it was read at.
pub(super) fn update_case(ch: &CaseChange, now: i64) -> Statement {
    let c = &ch.case;
    Statement::new(UPDATE_CASE)
        .bind(c.pool_id)
        .bind(c.status.as_str())
        .bind(c.holder_id)
        .bind(c.official_answer.as_deref())
        .bind(c.closed_by)
        .bind(opt_micros(c.closed_at))
        .bind(micros(c.entered_pool_at))
        .bind(opt_micros(c.held_since))
        .bind(opt_micros(c.resolved_at))
        .bind(opt_micros(c.last_note_at))
        .bind(i64::from(c.callback_attempts))
        .bind(opt_micros(c.callback_retry_at))
        .bind(c.version)
        .bind(now)
        .bind(&c.category)
        .bind(i64::from(c.province_code))
        .bind(c.district.as_deref())
        .bind(c.not_reached.as_ref().map(|m| micros(m.at)))
        .bind(c.not_reached.as_ref().map(|m| m.channel.as_str()))
        .bind(c.not_reached.as_ref().map(|m| m.reason.as_str()))
        .bind(c.not_reached.as_ref().map(|m| m.delivery_id))
        .bind(c.application_type.code())
        .bind(c.closure_reason.as_deref())
        .bind(c.id)
        .bind(ch.expected_version)
        .bind(c.legal_due_date.map(|d| d.to_string()))
        .bind(opt_micros(c.internal_due_at))
        .bind(opt_micros(c.legal_extended_at))
        .bind(opt_micros(c.awaiting_citizen_since))
        .bind(c.reply_channel.as_str())
        .bind(c.incident.map(|l| l.incident_id))
        .bind(c.incident.map(|l| l.method.as_str()))
        .bind(c.incident.map(|l| micros(l.linked_at)))
        .bind(c.neighbourhood.as_deref())
        .bind(c.merged_into)
}

fn insert_note(n: &NoteRecord) -> Statement {
    let citizen = n.citizen.as_ref();
    Statement::new(INSERT_NOTE)
        .bind(n.id)
        .bind(n.case_id)
        .bind(n.author_id)
        .bind(&n.text)
        .bind(micros(n.created_at))
        .bind(citizen.map(|c| c.channel.as_str()))
        .bind(citizen.map(|c| c.application_id))
        .bind(citizen.map(|c| c.fingerprint.as_str()))
        .bind(citizen.is_some_and(|c| c.from_applicant))
}

fn insert_survey(a: &SurveyAnswer) -> Statement {
    Statement::new(INSERT_SURVEY)
        .bind(a.case_id)
        .bind(i64::from(a.score))
        .bind(a.source.as_str())
        .bind(a.comment.as_deref())
        .bind(a.recorded_by)
        .bind(micros(a.answered_at))
        .bind(a.idempotency_key.as_deref())
}

#[derive(sqlx::FromRow)]
struct SurveyRow {
    case_id: Uuid,
    score: i64,
    source: String,
    comment: Option<String>,
    recorded_by: Option<Uuid>,
    answered_at: i64,
    idempotency_key: Option<String>,
}

impl TryFrom<SurveyRow> for SurveyAnswer {
    type Error = StoreError;

    fn try_from(r: SurveyRow) -> Result<Self, StoreError> {
        Ok(Self {
            case_id: r.case_id,
            score: u8::try_from(r.score).map_err(|_| StoreError::Corrupt("survey score"))?,
            source: code(SurveySource::from_code, &r.source, "survey source")?,
            comment: r.comment,
            recorded_by: r.recorded_by,
            answered_at: timestamp(r.answered_at)?,
            idempotency_key: r.idempotency_key,
        })
    }
}

fn insert_attachments(attachments: &[AttachmentRecord]) -> impl Iterator<Item = Statement> + '_ {
    attachments.iter().map(|a| {
        Statement::new(INSERT_ATTACHMENT)
            .bind(a.id)
            .bind(a.case_id)
            .bind(&a.file_name)
            .bind(&a.content_type)
            .bind(a.size_bytes)
            .bind(&a.content)
            .bind(micros(a.created_at))
    })
}

/// The rows of `history`'s steps of case `case_id`.
pub(super) fn insert_history_rows(
    case_id: Uuid,
    history: &[HistoryRecord],
) -> impl Iterator<Item = Statement> + '_ {
    history.iter().map(move |h| {
        Statement::new(INSERT_HISTORY)
            .bind(case_id)
            .bind(h.step.action.as_str())
            .bind(h.actor.user_id())
            .bind(h.actor.service())
            .bind(h.step.from_status.map(CaseStatus::as_str))
            .bind(h.step.to_status.as_str())
            .bind(h.step.from_pool)
            .bind(h.step.to_pool)
            .bind(h.step.from_holder)
            .bind(h.step.to_holder)
            .bind(h.step.detail.as_deref())
            .bind(micros(h.occurred_at))
    })
}

#[async_trait::async_trait]
impl CaseStore for SqlStore {
    async fn create_case(
        &self,
        c: &Case,
        history: &[HistoryRecord],
        events: &[OutboxRecord],
        attachments: &[AttachmentRecord],
    ) -> Result<CreateOutcome, StoreError> {
        let insert = insert_case(c);
        let existing = Statement::new(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE application_id = $1"
        ))
        .bind(c.application_id);
        let rows: Vec<Statement> = insert_history_rows(c.id, history)
            .chain(insert_outbox(events, micros(c.created_at)))
            .chain(insert_attachments(attachments))
            .chain(insert_person_keys(c))
            .chain(super::search::insert_terms(c))
            .collect();
        // A case linked at opening (to an outage under way) takes the
        // incident's row lock first: a close deciding meanwhile either sees
        // the case once it commits, or wins and leaves this link refused.
        let still_open = c.incident.map(|l| {
            Statement::new(
                "UPDATE incidents SET version = version WHERE id = $1 AND status = 'open'",
            )
            .bind(l.incident_id)
        });
        let taken: Option<Option<CaseRow>> = on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            if let Some(s) = &still_open
                && s.query().execute(&mut *tx).await?.rows_affected() == 0
            {
                tx.rollback().await?;
                return Ok(CreateOutcome::IncidentClosed);
            }
            let inserted = insert.query().execute(&mut *tx).await?.rows_affected();
            if inserted == 0 {
                let row = existing.query_as().fetch_optional(&mut *tx).await?;
                tx.rollback().await?;
                Some(row)
            } else {
                for s in &rows {
                    s.query().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                None
            }
        });
        Ok(match taken {
            None => CreateOutcome::Created,
            Some(Some(row)) => CreateOutcome::Existing(Box::new(Case::try_from(row)?)),
            Some(None) => CreateOutcome::TrackingNumberTaken,
        })
    }

    async fn apply_changes(&self, changes: &[CaseChange]) -> Result<(), StoreError> {
        self.apply_guarded(None, Vec::new(), changes, None).await
    }

    async fn get_case(&self, id: Uuid) -> Result<Option<Case>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let row: Option<CaseRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Case::try_from).transpose()
    }

    async fn get_case_by_tracking_number(
        &self,
        tracking_number: &str,
    ) -> Result<Option<Case>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE tracking_number = $1");
        let row: Option<CaseRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(tracking_number)
            .fetch_optional(p)
            .await?);
        row.map(Case::try_from).transpose()
    }

    async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<Case>, StoreError> {
        if q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let select = list_statement(q);
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| select.query_as().fetch_all(p).await?);
        rows.into_iter().map(Case::try_from).collect()
    }

    async fn count_matching(&self, q: &CaseQuery, cap: u32) -> Result<u32, StoreError> {
        if q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(0);
        }
        // The list's own scans, stopping one past the cap, counted in the
        // database instead of shipped.
        let count = count_statement(&CaseQuery {
            limit: cap.saturating_add(1),
            after: None,
            ..q.clone()
        });
        let n: i64 = on_pool!(&self.read, |p| count.query_scalar().fetch_one(p).await?);
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn list_attachments(&self, case: Uuid) -> Result<Vec<AttachmentRecord>, StoreError> {
        // The list leaves the files' content out.
        let sql = "SELECT id, case_id, file_name, content_type, size_bytes, created_at, NULL AS \
            content FROM case_attachments WHERE case_id = $1 ORDER BY created_at, id";
        let rows: Vec<AttachmentRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(case)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(AttachmentRecord::try_from).collect()
    }

    async fn get_attachment(
        &self,
        case: Uuid,
        id: Uuid,
    ) -> Result<Option<AttachmentRecord>, StoreError> {
        let sql = "SELECT id, case_id, file_name, content_type, size_bytes, created_at, content \
            FROM case_attachments WHERE case_id = $1 AND id = $2";
        let row: Option<AttachmentRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(case)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(AttachmentRecord::try_from).transpose()
    }

    async fn list_notes(&self, case: Uuid) -> Result<Vec<NoteRecord>, StoreError> {
        let sql = format!(
            "SELECT {NOTE_COLUMNS} FROM case_notes WHERE case_id = $1 ORDER BY created_at, id"
        );
        let rows: Vec<NoteRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(case)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(NoteRecord::try_from).collect()
    }

    async fn get_citizen_note(
        &self,
        application_id: Uuid,
    ) -> Result<Option<NoteRecord>, StoreError> {
        let sql = format!("SELECT {NOTE_COLUMNS} FROM case_notes WHERE application_id = $1");
        let row: Option<NoteRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(application_id)
            .fetch_optional(p)
            .await?);
        row.map(NoteRecord::try_from).transpose()
    }

    async fn get_survey(&self, case: Uuid) -> Result<Option<SurveyAnswer>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM case_surveys WHERE case_id = $1");
        let row: Option<SurveyRow> = on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(case)
            .fetch_optional(p)
            .await?);
        row.map(SurveyAnswer::try_from).transpose()
    }

    async fn list_history(&self, case: Uuid) -> Result<Vec<HistoryRecord>, StoreError> {
        let sql = "SELECT action, actor_user_id, actor_service, from_status, to_status, \
            from_pool_id, to_pool_id, from_holder_id, to_holder_id, detail, occurred_at FROM \
            case_history WHERE case_id = $1 ORDER BY id";
        let rows: Vec<HistoryRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(case)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(HistoryRecord::try_from).collect()
    }

    async fn count_cases(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases"
        )
        .fetch_one(p)
        .await?))
    }

    async fn count_cases_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = "SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM (SELECT status, n FROM \
            case_status_totals UNION ALL SELECT status, delta AS n FROM case_status_deltas) t \
            GROUP BY status ORDER BY status";
        Ok(on_pool!(&self.read, |p| sqlx::query_as(sql)
            .fetch_all(p)
            .await?))
    }

    async fn fold_case_status_deltas(&self, limit: u32) -> Result<u64, StoreError> {
        // Deleting is what claims a delta: a second folder running at the
        // same time finds the rows gone and adds nothing twice.
        let claim = "DELETE FROM case_status_deltas WHERE id IN \
            (SELECT id FROM case_status_deltas ORDER BY id LIMIT $1) RETURNING status, delta";
        let add = "INSERT INTO case_status_totals (status, n) VALUES ($1, $2) \
            ON CONFLICT (status) DO UPDATE SET n = case_status_totals.n + excluded.n";
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let deltas: Vec<(String, i64)> = sqlx::query_as(claim)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut sums: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
            for (status, delta) in &deltas {
                *sums.entry(status).or_default() += delta;
            }
            for (status, n) in sums {
                sqlx::query(add)
                    .bind(status)
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            deltas.len() as u64
        }))
    }
}

impl SqlStore {
    /// Runs `guard` (a write that must touch exactly one row, or the whole
    /// change is a conflict on its id), then `after`, then `changes`, then
    /// `settled` (a count that must be zero, or a conflict on its id), in
    /// one transaction: an incident and the reports it changes.
    pub(super) async fn apply_guarded(
        &self,
        guard: Option<(Uuid, Statement)>,
        after: Vec<Statement>,
        changes: &[CaseChange],
        settled: Option<(Uuid, Statement)>,
    ) -> Result<(), StoreError> {
        let writes: Vec<Write<'_>> = changes
            .iter()
            .map(|ch| {
                let now = ch.history.last().map_or(0, |h| micros(h.occurred_at));
                let rows = insert_attachments(&ch.attachments)
                    .chain(insert_history_rows(ch.case.id, &ch.history))
                    .chain(insert_outbox(&ch.events, now))
                    .collect();
                // A note or an answer that exists already refuses the whole change.
                let unique = ch
                    .note
                    .iter()
                    .map(insert_note)
                    .chain(ch.survey.iter().map(insert_survey))
                    .chain(
                        ch.note
                            .iter()
                            .flat_map(|n| super::search::append_terms(ch.case.id, &n.text)),
                    )
                    .collect();
                (
                    ch.case.id,
                    update_case(ch, now),
                    unique,
                    rows,
                    ch.letter.as_ref(),
                )
            })
            .collect();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            if let Some((id, s)) = &guard {
                let touched = s
                    .query()
                    .execute(&mut *tx)
                    .await
                    .map_err(unique_violation)?
                    .rows_affected();
                if touched != 1 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(*id));
                }
            }
            for s in &after {
                s.query().execute(&mut *tx).await?;
            }
            for (id, update, unique, rows, letter) in &writes {
                if update.query().execute(&mut *tx).await?.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(*id));
                }
                for s in unique {
                    s.query()
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_violation)?;
                }
                for s in rows {
                    s.query().execute(&mut *tx).await?;
                }
                if let Some(l) = letter {
                    // Locks the year's counter row until the commit: the
                    // next close waits, and a rollback gives the number back.
                    let next = Statement::new(NEXT_SEQ).bind(i64::from(l.year));
                    let seq: i64 = next.query_scalar().fetch_one(&mut *tx).await?;
                    insert_letter(l, seq)
                        .query()
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_violation)?;
                }
            }
            if let Some((id, count)) = &settled {
                let left: i64 = count.query_scalar().fetch_one(&mut *tx).await?;
                if left != 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(*id));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pools: usize, statuses: &[CaseStatus]) -> CaseQuery {
        CaseQuery {
            pools: Some((0..pools).map(|_| Uuid::new_v4()).collect()),
            statuses: statuses.to_vec(),
            sort: Sort::UrgentFirst,
            ..CaseQuery::any(51)
        }
    }

    #[test]
    fn a_few_pools_and_statuses_are_read_as_one_branch_each() {
        let open = [
            CaseStatus::InPool,
            CaseStatus::Held,
            CaseStatus::AwaitingCallback,
        ];
        let q = query(4, &open);
        let pairs = branches(&q).unwrap();
        assert_eq!(pairs.len(), 12);
        for p in q.pools.as_ref().unwrap() {
            for s in open {
                assert!(pairs.contains(&(*p, s)));
            }
        }
        assert!(
            branches(&query(1, &[CaseStatus::InPool])).is_none(),
            "already one scan"
        );
        assert!(branches(&query(100, &open)).is_none(), "too many");
        assert!(branches(&query(4, &[])).is_none(), "any status");
        let mut by_number = query(4, &open);
        by_number.tracking_number = Some("AB12C-3D4E5".into());
        assert!(branches(&by_number).is_none(), "a unique index finds it");
        let mut anywhere = query(4, &open);
        anywhere.pools = None;
        assert!(branches(&anywhere).is_none());
    }
}
