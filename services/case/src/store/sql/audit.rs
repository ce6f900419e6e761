//! The audit trail's statements: one insert that leaves a repeat of the
//! same request out (its unique request key), and a filtered read newest
//! first by position.

use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, code, micros, timestamp};
use crate::{
    domain::{
        audit::{Access, Actor, AuditAction, AuditEntry, AuditQuery},
        enums::Role,
    },
    store::{AuditStore, StoreError},
};

const COLUMNS: &str = "seq, at, actor_user_id, actor, actor_role, client_address, session_mark, \
    request_id, action, case_id, tracking_number, object, detail";

const INSERT: &str = "INSERT INTO audit_entries (at, actor_user_id, actor, actor_role, \
    client_address, session_mark, request_id, action, case_id, tracking_number, object, detail, \
    request_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
    ON CONFLICT (request_key) DO NOTHING RETURNING seq";

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: i64,
    actor_user_id: Option<Uuid>,
    actor: String,
    actor_role: Option<String>,
    client_address: Option<String>,
    session_mark: Option<String>,
    request_id: Option<Uuid>,
    action: String,
    case_id: Option<Uuid>,
    tracking_number: Option<String>,
    object: String,
    detail: String,
}

impl TryFrom<Row> for AuditEntry {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            seq: r.seq,
            at: timestamp(r.at)?,
            actor: Actor {
                user_id: r.actor_user_id,
                name: r.actor,
                role: r
                    .actor_role
                    .map(|c| code(Role::from_code, &c, "audit role"))
                    .transpose()?,
            },
            access: Access {
                request: r.request_id,
                client: r.client_address,
                session: r.session_mark,
            },
            action: code(AuditAction::from_code, &r.action, "audit action")?,
            case_id: r.case_id,
            tracking_number: r.tracking_number,
            object: r.object,
            detail: r.detail,
        })
    }
}

fn select(q: &AuditQuery) -> Statement {
    let mut s = Statement::new(format!("SELECT {COLUMNS} FROM audit_entries WHERE 1 = 1"));
    if let Some(from) = q.from {
        s.push(" AND at >= ").push_bind(micros(from));
    }
    if let Some(to) = q.to {
        s.push(" AND at < ").push_bind(micros(to));
    }
    if let Some(actor) = q.actor {
        s.push(" AND actor_user_id = ").push_bind(actor);
    }
    if let Some(case) = q.case_id {
        s.push(" AND case_id = ").push_bind(case);
    }
    if let Some(action) = q.action {
        s.push(" AND action = ").push_bind(action.as_str());
    }
    if let Some(before) = q.before {
        s.push(" AND seq < ").push_bind(before);
    }
    s.push(" ORDER BY seq DESC LIMIT ")
        .push_bind(i64::from(q.limit));
    s
}

#[async_trait::async_trait]
impl AuditStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, e: &AuditEntry) -> Result<Option<i64>, StoreError> {
        let insert = Statement::new(INSERT)
            .bind(micros(e.at))
            .bind(e.actor.user_id)
            .bind(e.actor.name.as_str())
            .bind(e.actor.role.map(|r| r.as_str().to_owned()))
            .bind(e.access.client.clone())
            .bind(e.access.session.clone())
            .bind(e.access.request)
            .bind(e.action.as_str())
            .bind(e.case_id)
            .bind(e.tracking_number.clone())
            .bind(e.object.as_str())
            .bind(e.detail.as_str())
            .bind(e.request_key());
        Ok(on_pool!(&self.write, |p| insert
            .query_scalar::<_, i64>()
            .fetch_optional(p)
            .await?))
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let read = select(q);
        let rows: Vec<Row> = on_pool!(&self.read, |p| read.query_as().fetch_all(p).await?);
        rows.into_iter().map(AuditEntry::try_from).collect()
    }
}
