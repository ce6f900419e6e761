//! The case statements: cases with their notes, files and task steps.
//! A new case and every change are written with their outbox rows in one
//! transaction; a change's UPDATE carries the version check.

use sqlx::{QueryBuilder, Row as _, postgres::PgRow, sqlite::SqliteRow};
use uuid::Uuid;

use super::{
    PgStore, SqliteStore, code, micros, opt_micros, opt_timestamp, timestamp, unique_violation,
};
use crate::{
    domain::{
        case::{Actor, Case, Consent, Step},
        contact::{Contact, EmailAddress, PersonName, PhoneNumber, PostalAddress},
        enums::{CaseStatus, Channel, HistoryAction, ReplyChannel, Urgency},
    },
    store::{
        AttachmentRecord, CaseChange, CaseQuery, CaseStore, CitizenNote, CreateOutcome,
        HistoryRecord, HolderFilter, NoteRecord, OutboxRecord, Sort, StoreError,
    },
};

const CASE_COLUMNS: &str = "id, seq, tracking_number, application_id, request_fingerprint, channel, category, text, \
    urgency, province_code, district, latitude, longitude, pool_id, status, holder_id, reply_channel, \
    contact_name, contact_phone, contact_email, contact_address, consent_text_version, consent_accepted_at, \
    consent_special, information_only, official_answer, closed_by, created_by, created_at, entered_pool_at, \
    held_since, closed_at, resolved_at, last_note_at, callback_attempts, callback_retry_at, version";

const INSERT_CASE: &str = "INSERT INTO cases (id, tracking_number, application_id, request_fingerprint, channel, \
    category, text, urgency, province_code, district, latitude, longitude, pool_id, status, holder_id, \
    reply_channel, contact_name, contact_phone, contact_email, contact_address, consent_text_version, \
    consent_accepted_at, consent_special, information_only, official_answer, closed_by, created_by, created_at, \
    entered_pool_at, held_since, closed_at, resolved_at, last_note_at, callback_attempts, callback_retry_at, \
    version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
    $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37) \
    ON CONFLICT DO NOTHING";

const UPDATE_CASE: &str = "UPDATE cases SET pool_id = $1, status = $2, holder_id = $3, official_answer = $4, \
    closed_by = $5, closed_at = $6, entered_pool_at = $7, held_since = $8, resolved_at = $9, last_note_at = $10, \
    callback_attempts = $11, callback_retry_at = $12, version = $13, updated_at = $14 \
    WHERE id = $15 AND version = $16";

const INSERT_HISTORY: &str = "INSERT INTO case_history (case_id, action, actor_user_id, actor_service, \
    from_status, to_status, from_pool_id, to_pool_id, from_holder_id, to_holder_id, detail, occurred_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const NOTE_COLUMNS: &str = "id, case_id, author_id, text, created_at, author_channel, application_id, \
    request_fingerprint, from_applicant";

const INSERT_NOTE: &str = "INSERT INTO case_notes (id, case_id, author_id, text, created_at, author_channel, \
    application_id, request_fingerprint, from_applicant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const INSERT_ATTACHMENT: &str = "INSERT INTO case_attachments (id, case_id, file_name, content_type, size_bytes, \
    content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Splitting a list into (pool, status) branches pays off up to this many.
const MAX_BRANCHES: usize = 48;

/// The (pool, status) pairs of a list narrowed to a few pools and statuses,
/// or `None` when it is better read as one scan.
fn branches(q: &CaseQuery) -> Option<Vec<(Uuid, CaseStatus)>> {
    let pools = q.pools.as_ref()?;
    if q.statuses.is_empty() || q.tracking_number.is_some() {
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

macro_rules! case_sql {
    ($store:ident, $db:ty, $row:ty) => {
        impl $store {
            fn attachment_from_row(r: &$row, content: Vec<u8>) -> Result<AttachmentRecord, StoreError> {
                Ok(AttachmentRecord {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    size_bytes: r.try_get("size_bytes")?,
                    content,
                    created_at: timestamp(r.try_get("created_at")?)?,
                })
            }

            /// Every condition of `q` but pools and statuses, and the keyset position.
            fn push_case_filters(qb: &mut QueryBuilder<'_, $db>, q: &CaseQuery) {
            match q.holder {
                HolderFilter::Any => {}
                HolderFilter::Nobody => {
                    qb.push(" AND holder_id IS NULL");
                }
                HolderFilter::User(u) => {
                    qb.push(" AND holder_id = ").push_bind(u);
                }
            }
            if let Some(u) = q.created_by {
                qb.push(" AND created_by = ").push_bind(u);
            }
            if let Some(u) = q.closed_by {
                qb.push(" AND closed_by = ").push_bind(u);
            }
            if !q.channels.is_empty() {
                qb.push(" AND channel IN (");
                let mut sep = qb.separated(", ");
                for c in &q.channels {
                    sep.push_bind(c.as_str());
                }
                qb.push(")");
            }
            if let Some(c) = &q.category {
                qb.push(" AND category = ").push_bind(c.clone());
            }
            if let Some(d) = &q.district {
                qb.push(" AND district = ").push_bind(d.clone());
            }
            if let Some(u) = q.urgency {
                qb.push(" AND urgency = ").push_bind(u.rank());
            }
            if let Some(t) = q.entered_pool_before {
                qb.push(" AND entered_pool_at < ").push_bind(micros(t));
            }
            if let Some(t) = &q.tracking_number {
                qb.push(" AND tracking_number = ").push_bind(t.clone());
            }
            match (q.sort, q.after) {
                (Sort::OldestFirst, Some(c)) => {
                    qb.push(" AND seq > ").push_bind(c.seq);
                }
                (Sort::NewestFirst, Some(c)) => {
                    qb.push(" AND seq < ").push_bind(c.seq);
                }
                (Sort::UrgentFirst, Some(c)) => {
                    qb.push(" AND (urgency < ").push_bind(c.urgency);
                    qb.push(" OR (urgency = ").push_bind(c.urgency);
                    qb.push(" AND seq > ").push_bind(c.seq);
                    qb.push("))");
                }
                (_, None) => {}
            }
        }

            fn case_from_row(r: &$row) -> Result<Case, StoreError> {
                let lat: Option<f64> = r.try_get("latitude")?;
                let lon: Option<f64> = r.try_get("longitude")?;
                let consent = match r.try_get::<Option<String>, _>("consent_text_version")? {
                    Some(text_version) => Some(Consent {
                        text_version,
                        accepted_at: timestamp(r.try_get::<Option<i64>, _>("consent_accepted_at")?.unwrap_or(0))?,
                        special_category: r.try_get("consent_special")?,
                    }),
                    None => None,
                };
                Ok(Case {
                    id: r.try_get("id")?,
                    seq: r.try_get("seq")?,
                    tracking_number: r.try_get("tracking_number")?,
                    application_id: r.try_get("application_id")?,
                    request_fingerprint: r.try_get("request_fingerprint")?,
                    channel: code(Channel::from_code, r.try_get("channel")?, "channel")?,
                    category: r.try_get("category")?,
                    text: r.try_get("text")?,
                    urgency: if r.try_get::<i64, _>("urgency")? >= Urgency::Urgent.rank() { Urgency::Urgent } else { Urgency::Normal },
                    province_code: u8::try_from(r.try_get::<i64, _>("province_code")?).map_err(|_| StoreError::Corrupt("province_code"))?,
                    district: r.try_get("district")?,
                    coordinates: lat.zip(lon),
                    pool_id: r.try_get("pool_id")?,
                    status: code(CaseStatus::from_code, r.try_get("status")?, "status")?,
                    holder_id: r.try_get("holder_id")?,
                    reply_channel: code(ReplyChannel::from_code, r.try_get("reply_channel")?, "reply_channel")?,
                    contact: Contact {
                        name: r.try_get::<Option<String>, _>("contact_name")?.map(PersonName::from_trusted),
                        phone: r.try_get::<Option<String>, _>("contact_phone")?.map(PhoneNumber::from_trusted),
                        email: r.try_get::<Option<String>, _>("contact_email")?.map(EmailAddress::from_trusted),
                        postal_address: r.try_get::<Option<String>, _>("contact_address")?.map(PostalAddress::from_trusted),
                    },
                    consent,
                    information_only: r.try_get("information_only")?,
                    official_answer: r.try_get("official_answer")?,
                    closed_by: r.try_get("closed_by")?,
                    created_by: r.try_get("created_by")?,
                    created_at: timestamp(r.try_get("created_at")?)?,
                    entered_pool_at: timestamp(r.try_get("entered_pool_at")?)?,
                    held_since: opt_timestamp(r.try_get("held_since")?)?,
                    closed_at: opt_timestamp(r.try_get("closed_at")?)?,
                    resolved_at: opt_timestamp(r.try_get("resolved_at")?)?,
                    last_note_at: opt_timestamp(r.try_get("last_note_at")?)?,
                    callback_attempts: u32::try_from(r.try_get::<i64, _>("callback_attempts")?).unwrap_or(u32::MAX),
                    callback_retry_at: opt_timestamp(r.try_get("callback_retry_at")?)?,
                    version: r.try_get("version")?,
                })
            }

            fn note_from_row(r: &$row) -> Result<NoteRecord, StoreError> {
                let citizen = match r.try_get::<Option<String>, _>("author_channel")? {
                    Some(channel) => Some(CitizenNote {
                        channel: code(Channel::from_code, &channel, "author_channel")?,
                        application_id: r
                            .try_get::<Option<Uuid>, _>("application_id")?
                            .ok_or(StoreError::Corrupt("a citizen's note without application_id"))?,
                        fingerprint: r.try_get::<Option<String>, _>("request_fingerprint")?.unwrap_or_default(),
                        from_applicant: r.try_get("from_applicant")?,
                    }),
                    None => None,
                };
                Ok(NoteRecord {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    author_id: r.try_get("author_id")?,
                    text: r.try_get("text")?,
                    created_at: timestamp(r.try_get("created_at")?)?,
                    citizen,
                })
            }

            fn history_from_row(r: &$row) -> Result<HistoryRecord, StoreError> {
                let actor = match (r.try_get::<Option<Uuid>, _>("actor_user_id")?, r.try_get::<Option<String>, _>("actor_service")?) {
                    (Some(u), _) => Actor::User(u),
                    (None, Some(s)) => Actor::Service(crate::domain::caller::ServiceName::from_name(&s).map_or("system", |n| n.as_str())),
                    (None, None) => Actor::Service("system"),
                };
                let from_status: Option<String> = r.try_get("from_status")?;
                Ok(HistoryRecord {
                    step: Step {
                        action: code(HistoryAction::from_code, r.try_get("action")?, "action")?,
                        from_status: from_status.as_deref().map(|s| code(CaseStatus::from_code, s, "from_status")).transpose()?,
                        to_status: code(CaseStatus::from_code, r.try_get("to_status")?, "to_status")?,
                        from_pool: r.try_get("from_pool_id")?,
                        to_pool: r.try_get("to_pool_id")?,
                        from_holder: r.try_get("from_holder_id")?,
                        to_holder: r.try_get("to_holder_id")?,
                        detail: r.try_get("detail")?,
                    },
                    actor,
                    occurred_at: timestamp(r.try_get("occurred_at")?)?,
                })
            }

            async fn insert_history(
                tx: &mut sqlx::Transaction<'_, $db>,
                case_id: Uuid,
                history: &[HistoryRecord],
            ) -> Result<(), StoreError> {
                for h in history {
                    sqlx::query(INSERT_HISTORY)
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
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl CaseStore for $store {
            async fn create_case(&self, c: &Case, history: &[HistoryRecord], events: &[OutboxRecord], attachments: &[AttachmentRecord]) -> Result<CreateOutcome, StoreError> {
                let mut tx = self.writer().begin().await?;
                let inserted = sqlx::query(INSERT_CASE)
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
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if inserted == 0 {
                    let existing = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE application_id = $1"))
                        .bind(c.application_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    tx.rollback().await?;
                    return Ok(match existing {
                        Some(row) => CreateOutcome::Existing(Box::new(Self::case_from_row(&row)?)),
                        None => CreateOutcome::TrackingNumberTaken,
                    });
                }
                Self::insert_history(&mut tx, c.id, history).await?;
                Self::insert_outbox(&mut tx, events, micros(c.created_at)).await?;
                for a in attachments {
                    sqlx::query(INSERT_ATTACHMENT)
                        .bind(a.id).bind(a.case_id).bind(&a.file_name).bind(&a.content_type)
                        .bind(a.size_bytes).bind(&a.content).bind(micros(a.created_at))
                        .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(CreateOutcome::Created)
            }

            async fn apply_changes(&self, changes: &[CaseChange]) -> Result<(), StoreError> {
                let mut tx = self.writer().begin().await?;
                for ch in changes {
                    let c = &ch.case;
                    let now = ch.history.last().map_or(0, |h| micros(h.occurred_at));
                    let updated = sqlx::query(UPDATE_CASE)
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
                        .bind(c.id)
                        .bind(ch.expected_version)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if updated != 1 {
                        tx.rollback().await?;
                        return Err(StoreError::Conflict(c.id));
                    }
                    if let Some(n) = &ch.note {
                        let citizen = n.citizen.as_ref();
                        sqlx::query(INSERT_NOTE)
                            .bind(n.id).bind(n.case_id).bind(n.author_id).bind(&n.text).bind(micros(n.created_at))
                            .bind(citizen.map(|c| c.channel.as_str()))
                            .bind(citizen.map(|c| c.application_id))
                            .bind(citizen.map(|c| c.fingerprint.as_str()))
                            .bind(citizen.is_some_and(|c| c.from_applicant))
                            .execute(&mut *tx).await.map_err(unique_violation)?;
                    }
                    for a in &ch.attachments {
                        sqlx::query(INSERT_ATTACHMENT)
                            .bind(a.id).bind(a.case_id).bind(&a.file_name).bind(&a.content_type)
                            .bind(a.size_bytes).bind(&a.content).bind(micros(a.created_at))
                            .execute(&mut *tx).await?;
                    }
                    Self::insert_history(&mut tx, c.id, &ch.history).await?;
                    Self::insert_outbox(&mut tx, &ch.events, now).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn get_case(&self, id: Uuid) -> Result<Option<Case>, StoreError> {
                let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
                row.as_ref().map(Self::case_from_row).transpose()
            }

            async fn get_case_by_tracking_number(&self, tracking_number: &str) -> Result<Option<Case>, StoreError> {
                let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE tracking_number = $1"))
                    .bind(tracking_number).fetch_optional(self.reader()).await?;
                row.as_ref().map(Self::case_from_row).transpose()
            }

            async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<Case>, StoreError> {
                if q.pools.as_ref().is_some_and(Vec::is_empty) {
                    return Ok(Vec::new());
                }
                let order = match q.sort {
                    Sort::OldestFirst => " ORDER BY seq ASC",
                    Sort::NewestFirst => " ORDER BY seq DESC",
                    Sort::UrgentFirst => " ORDER BY urgency DESC, seq ASC",
                };
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {CASE_COLUMNS} FROM "));
                match branches(q) {
                    // One index-ordered scan per (pool, status), each stopping
                    // at the limit, merged: a rare filter over a big backlog
                    // reads a few pages per pool instead of every match.
                    Some(pairs) => {
                        qb.push("(");
                        for (i, (pool, status)) in pairs.iter().enumerate() {
                            if i > 0 {
                                qb.push(" UNION ALL ");
                            }
                            qb.push(format!("SELECT {CASE_COLUMNS} FROM (SELECT {CASE_COLUMNS} FROM cases WHERE pool_id = "));
                            qb.push_bind(*pool);
                            qb.push(" AND status = ").push_bind(status.as_str());
                            Self::push_case_filters(&mut qb, q);
                            qb.push(order);
                            qb.push(" LIMIT ").push_bind(i64::from(q.limit));
                            qb.push(format!(") AS b{i}"));
                        }
                        qb.push(") AS merged WHERE 1 = 1");
                    }
                    None => {
                        qb.push("cases WHERE 1 = 1");
                        if let Some(pools) = &q.pools {
                            qb.push(" AND pool_id IN (");
                            let mut sep = qb.separated(", ");
                            for p in pools {
                                sep.push_bind(*p);
                            }
                            qb.push(")");
                        }
                        if !q.statuses.is_empty() {
                            qb.push(" AND status IN (");
                            let mut sep = qb.separated(", ");
                            for s in &q.statuses {
                                sep.push_bind(s.as_str());
                            }
                            qb.push(")");
                        }
                        Self::push_case_filters(&mut qb, q);
                    }
                }
                qb.push(order);
                qb.push(" LIMIT ").push_bind(i64::from(q.limit));
                let rows = qb.build().fetch_all(self.reader()).await?;
                rows.iter().map(Self::case_from_row).collect()
            }

            async fn list_attachments(&self, case: Uuid) -> Result<Vec<AttachmentRecord>, StoreError> {
                let rows = sqlx::query("SELECT id, case_id, file_name, content_type, size_bytes, created_at FROM case_attachments WHERE case_id = $1 ORDER BY created_at, id")
                    .bind(case).fetch_all(self.reader()).await?;
                rows.iter().map(|r| Self::attachment_from_row(r, Vec::new())).collect()
            }

            async fn get_attachment(&self, case: Uuid, id: Uuid) -> Result<Option<AttachmentRecord>, StoreError> {
                let row = sqlx::query("SELECT id, case_id, file_name, content_type, size_bytes, created_at, content FROM case_attachments WHERE case_id = $1 AND id = $2")
                    .bind(case).bind(id).fetch_optional(self.reader()).await?;
                row.map(|r| {
                    let content: Vec<u8> = r.try_get("content")?;
                    Self::attachment_from_row(&r, content)
                })
                .transpose()
            }

            async fn list_notes(&self, case: Uuid) -> Result<Vec<NoteRecord>, StoreError> {
                let rows = sqlx::query(&format!("SELECT {NOTE_COLUMNS} FROM case_notes WHERE case_id = $1 ORDER BY created_at, id"))
                    .bind(case).fetch_all(self.reader()).await?;
                rows.iter().map(Self::note_from_row).collect()
            }

            async fn get_citizen_note(&self, application_id: Uuid) -> Result<Option<NoteRecord>, StoreError> {
                let row = sqlx::query(&format!("SELECT {NOTE_COLUMNS} FROM case_notes WHERE application_id = $1"))
                    .bind(application_id).fetch_optional(self.reader()).await?;
                row.as_ref().map(Self::note_from_row).transpose()
            }

            async fn list_history(&self, case: Uuid) -> Result<Vec<HistoryRecord>, StoreError> {
                let rows = sqlx::query("SELECT action, actor_user_id, actor_service, from_status, to_status, from_pool_id, to_pool_id, \
                                        from_holder_id, to_holder_id, detail, occurred_at FROM case_history WHERE case_id = $1 ORDER BY id")
                    .bind(case).fetch_all(self.reader()).await?;
                rows.iter().map(Self::history_from_row).collect()
            }

            async fn count_cases(&self) -> Result<i64, StoreError> {
                Ok(sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(self.reader()).await?.try_get("n")?)
            }

            async fn count_cases_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
                let rows = sqlx::query("SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM \
                                        (SELECT status, n FROM case_status_totals UNION ALL SELECT status, delta AS n FROM case_status_deltas) t \
                                        GROUP BY status ORDER BY status")
                    .fetch_all(self.reader()).await?;
                rows.iter().map(|r| Ok((r.try_get("status")?, r.try_get("n")?))).collect()
            }

            async fn fold_case_status_deltas(&self, limit: u32) -> Result<u64, StoreError> {
                let mut tx = self.writer().begin().await?;
                // Deleting is what claims a delta: a second folder running at
                // the same time finds the rows gone and adds nothing twice.
                let rows = sqlx::query("DELETE FROM case_status_deltas WHERE id IN \
                                        (SELECT id FROM case_status_deltas ORDER BY id LIMIT $1) RETURNING status, delta")
                    .bind(i64::from(limit)).fetch_all(&mut *tx).await?;
                let mut sums: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
                for r in &rows {
                    *sums.entry(r.try_get("status")?).or_default() += r.try_get::<i64, _>("delta")?;
                }
                for (status, n) in sums {
                    sqlx::query("INSERT INTO case_status_totals (status, n) VALUES ($1, $2) \
                                 ON CONFLICT (status) DO UPDATE SET n = case_status_totals.n + excluded.n")
                        .bind(status).bind(n).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(rows.len() as u64)
            }
        }
    };
}

case_sql!(PgStore, sqlx::Postgres, PgRow);
case_sql!(SqliteStore, sqlx::Sqlite, SqliteRow);

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pools: usize, statuses: &[CaseStatus]) -> CaseQuery {
        CaseQuery {
            pools: Some((0..pools).map(|_| Uuid::new_v4()).collect()),
            statuses: statuses.to_vec(),
            holder: HolderFilter::Any,
            created_by: None,
            closed_by: None,
            channels: Vec::new(),
            category: None,
            district: None,
            urgency: None,
            entered_pool_before: None,
            tracking_number: None,
            sort: Sort::UrgentFirst,
            after: None,
            limit: 51,
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
