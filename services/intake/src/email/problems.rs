//! Messages no case could be made of, for staff to find: the channel
//! records each one (when it arrived, why, the mailbox and UID it stays
//! at, its `Message-ID`), counts it by reason in
//! `tekmerkez_intake_email_unusable_total`, and the desk's *E-posta
//! Sorunları* page reads them newest first through
//! `GET /v1/staff/email-problems` (the gateway's staff token).
//!
//! The message itself stays in the mailbox with `$TekmerkezUnusable`: the
//! row says where, and holds no address, name, subject or text. The
//! `Message-ID` is the one detail a mail program searches by; it is shown
//! only to the staff the desk lets see this list, and never logged.
//!
//! A message read again (a crash between the record and the IMAP mark) is
//! the same row: its place (account, mailbox, UIDVALIDITY, UID) is the key,
//! and only a new row is counted.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use secrecy::{ExposeSecret as _, SecretString};
use tekmerkez_sqlpool::{SqlPool, on_pool};
use tekmerkez_types::fields::Violations;

use crate::{api_error::ApiError, bearer};

/// Why a message made no case; fixed codes, safe to log and to label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemReason {
    /// Not a message at all.
    Unparseable,
    /// No sender address in `From`, `Sender`, `Reply-To` or `Return-Path`.
    NoSender,
    /// No subject, no text and no file.
    Empty,
    /// A sender address the system cannot write to.
    BadSender,
}

impl ProblemReason {
    /// Every reason, for the metric's help and the tests.
    pub const ALL: [Self; 4] = [
        Self::Unparseable,
        Self::NoSender,
        Self::Empty,
        Self::BadSender,
    ];

    /// The code stored, logged and labelled.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unparseable => "unparseable",
            Self::NoSender => "no_sender",
            Self::Empty => "empty",
            Self::BadSender => "bad_sender",
        }
    }

    /// The reason of `code`, if it is one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

impl From<super::parse::Unusable> for ProblemReason {
    fn from(u: super::parse::Unusable) -> Self {
        match u {
            super::parse::Unusable::Unparseable => Self::Unparseable,
            super::parse::Unusable::NoSender => Self::NoSender,
            super::parse::Unusable::Empty => Self::Empty,
        }
    }
}

impl From<super::application::Refusal> for ProblemReason {
    fn from(r: super::application::Refusal) -> Self {
        match r {
            super::application::Refusal::BadSender => Self::BadSender,
        }
    }
}

/// One unusable message.
#[derive(Clone, PartialEq, Eq)]
pub struct Problem {
    /// The mailbox account, `user@host`.
    pub account: String,
    /// The folder it stays in.
    pub mailbox: String,
    pub uid_validity: u32,
    pub uid: u32,
    /// `Message-ID` without angle brackets, when it had one.
    pub message_id: Option<String>,
    pub reason: ProblemReason,
    /// When it reached the mailbox (IMAP INTERNALDATE), microseconds.
    pub received_at_micros: i64,
    /// When the channel recorded it, microseconds.
    pub recorded_at_micros: i64,
}

impl std::fmt::Debug for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem")
            .field("uid", &self.uid)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

/// Where unusable messages are recorded (intake's database).
#[derive(Debug, Clone)]
pub struct ProblemStore(SqlPool);

const COLUMNS: &str =
    "account, mailbox, uid_validity, uid, message_id, reason, received_at, recorded_at";

/// Newest first; ties (one arrival second) by the place, so paging is stable.
const ORDER: &str = "received_at DESC, account DESC, mailbox DESC, uid_validity DESC, uid DESC";

impl ProblemStore {
    /// Connects lazily to `url`; intake's migrations create the table.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        SqlPool::connect_lazy(url, 4).map(Self)
    }

    /// Records `p` unless its message is already recorded; `true` when it
    /// was new.
    ///
    /// # Errors
    /// Database failures.
    pub async fn record(&self, p: &Problem) -> Result<bool, sqlx::Error> {
        let sql = format!(
            "INSERT INTO email_problems ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (account, mailbox, uid_validity, uid) DO NOTHING"
        );
        on_pool!(&self.0, |pool| {
            let done = sqlx::query(&sql)
                .bind(&p.account)
                .bind(&p.mailbox)
                .bind(i64::from(p.uid_validity))
                .bind(i64::from(p.uid))
                .bind(p.message_id.as_deref())
                .bind(p.reason.as_str())
                .bind(p.received_at_micros)
                .bind(p.recorded_at_micros)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Up to `limit` problems, newest first, after `offset` of them.
    ///
    /// # Errors
    /// Database failures.
    pub async fn list(&self, limit: u32, offset: u32) -> Result<Vec<Problem>, sqlx::Error> {
        let sql =
            format!("SELECT {COLUMNS} FROM email_problems ORDER BY {ORDER} LIMIT $1 OFFSET $2");
        on_pool!(&self.0, |pool| {
            let rows = sqlx::query(&sql)
                .bind(i64::from(limit))
                .bind(i64::from(offset))
                .fetch_all(pool)
                .await?;
            rows.iter().map(problem).collect()
        })
    }

    /// How many problems are recorded.
    ///
    /// # Errors
    /// Database failures.
    pub async fn count(&self) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, |pool| {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_problems")
                .fetch_one(pool)
                .await?;
            Ok(u64::try_from(n).unwrap_or_default())
        })
    }
}

fn problem<R>(row: &R) -> Result<Problem, sqlx::Error>
where
    R: sqlx::Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let reason: String = row.try_get("reason")?;
    let number = |name: &str| -> Result<u32, sqlx::Error> {
        let n: i64 = row.try_get(name)?;
        u32::try_from(n).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    Ok(Problem {
        account: row.try_get("account")?,
        mailbox: row.try_get("mailbox")?,
        uid_validity: number("uid_validity")?,
        uid: number("uid")?,
        message_id: row.try_get("message_id")?,
        reason: ProblemReason::parse(&reason).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown e-mail problem reason {reason:?}").into())
        })?,
        received_at_micros: row.try_get("received_at")?,
        recorded_at_micros: row.try_get("recorded_at")?,
    })
}

/// Counts a newly recorded problem by reason.
pub fn count_recorded(reason: ProblemReason) {
    metrics::counter!(
        tekmerkez_telemetry::metrics::names::EMAIL_UNUSABLE,
        "reason" => reason.as_str(),
    )
    .increment(1);
}

/// The staff route's state.
#[derive(Clone)]
pub struct ProblemsState {
    /// `None`: staff entry is off, so no caller can be trusted; no route.
    token: Option<SecretString>,
    store: ProblemStore,
}

impl std::fmt::Debug for ProblemsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemsState").finish_non_exhaustive()
    }
}

impl ProblemsState {
    /// The state answering callers that present `token` (the gateway's
    /// staff token; `None` serves nothing).
    pub fn new(token: Option<SecretString>, store: ProblemStore) -> Self {
        Self { token, store }
    }
}

/// The most rows one page holds.
pub const MAX_PAGE: u32 = 200;

/// `GET /v1/staff/email-problems`'s query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Rows per page, 1 to [`MAX_PAGE`] (default 50).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// One row as the staff API answers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProblemView {
    /// RFC 3339, UTC.
    pub received_at: String,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    /// A [`ProblemReason`] code.
    pub reason: String,
    pub account: String,
    pub mailbox: String,
    pub uid_validity: u32,
    pub uid: u32,
    /// Empty when the message had none.
    pub message_id: String,
}

/// A page of problems and how many there are.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProblemPage {
    pub problems: Vec<ProblemView>,
    pub total: u64,
}

fn rfc3339(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The route (none while staff entry is off).
pub fn router(state: &ProblemsState) -> Router {
    if state.token.is_none() {
        return Router::new();
    }
    Router::new()
        .route("/v1/staff/email-problems", get(list))
        .with_state(state.clone())
}

/// `GET /v1/staff/email-problems?limit=&offset=`.
#[tracing::instrument(name = "intake.email.problems", skip_all)]
async fn list(
    State(state): State<ProblemsState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let token = state
        .token
        .as_ref()
        .map(|t| t.expose_secret())
        .unwrap_or_default();
    if !bearer::presents(&headers, token) {
        tracing::warn!("e-mail problems refused: not the gateway's token");
        return ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated").into_response();
    }
    let Ok(Query(q)) = query else {
        let mut v = Violations::new();
        v.add("query", "limit and offset must be whole numbers");
        return ApiError::invalid(&v).into_response();
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        let mut v = Violations::new();
        v.add("limit", "must be 1 to 200");
        return ApiError::invalid(&v).into_response();
    }
    let read = async {
        let rows = state.store.list(limit, q.offset.unwrap_or(0)).await?;
        let total = state.store.count().await?;
        Ok::<_, sqlx::Error>((rows, total))
    };
    match read.await {
        Ok((rows, total)) => Json(ProblemPage {
            problems: rows
                .into_iter()
                .map(|p| ProblemView {
                    received_at: rfc3339(p.received_at_micros),
                    recorded_at: rfc3339(p.recorded_at_micros),
                    reason: p.reason.as_str().to_owned(),
                    account: p.account,
                    mailbox: p.mailbox,
                    uid_validity: p.uid_validity,
                    uid: p.uid,
                    message_id: p.message_id.unwrap_or_default(),
                })
                .collect(),
            total,
        })
        .into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "reading the e-mail problems failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable; retry",
            )
            .retry_after(1)
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use tower::ServiceExt as _;

    use super::*;
    use crate::testing::database;

    fn problem(uid: u32, received: i64, reason: ProblemReason) -> Problem {
        Problem {
            account: "basvuru@tekmerkez.local@127.0.0.1".into(),
            mailbox: "INBOX".into(),
            uid_validity: 7,
            uid,
            message_id: Some(format!("m{uid}@ornek.com.tr")),
            reason,
            received_at_micros: received,
            recorded_at_micros: 1_772_000_000_000_000,
        }
    }

    async fn records_once_and_lists_newest_first(backend: &str) {
        let (url, _dir) = database(backend).await;
        let store = ProblemStore::connect(&url).unwrap();
        let old = problem(1, 1_772_000_000_000_000, ProblemReason::NoSender);
        let new = problem(2, 1_772_000_100_000_000, ProblemReason::Empty);
        assert!(store.record(&old).await.unwrap());
        assert!(store.record(&new).await.unwrap());
        assert!(
            !store.record(&old).await.unwrap(),
            "a message read again is the same row"
        );
        let mut no_id = problem(3, 1_771_000_000_000_000, ProblemReason::Unparseable);
        no_id.message_id = None;
        assert!(store.record(&no_id).await.unwrap());
        assert_eq!(store.count().await.unwrap(), 3);
        assert_eq!(store.list(10, 0).await.unwrap(), [new, old.clone(), no_id]);
        assert_eq!(store.list(1, 1).await.unwrap(), [old]);
    }

    #[tokio::test]
    async fn problems_are_recorded_once_and_listed_newest_first_on_sqlite() {
        records_once_and_lists_newest_first("sqlite").await;
    }

    #[tokio::test]
    async fn problems_are_recorded_once_and_listed_newest_first_on_postgres() {
        records_once_and_lists_newest_first("postgres").await;
    }

    #[tokio::test]
    async fn the_staff_route_answers_the_gateways_token_only() {
        let (url, _dir) = database("sqlite").await;
        let store = ProblemStore::connect(&url).unwrap();
        store
            .record(&problem(9, 1_772_000_000_000_000, ProblemReason::BadSender))
            .await
            .unwrap();
        let token = "staff-token-0123456789abcdef0123456789";
        let app = router(&ProblemsState::new(
            Some(SecretString::from(token)),
            store.clone(),
        ));
        let get = |auth: Option<&str>, uri: &str| {
            let mut b = axum::http::Request::get(uri);
            if let Some(a) = auth {
                b = b.header("authorization", format!("Bearer {a}"));
            }
            app.clone()
                .oneshot(b.body(axum::body::Body::empty()).unwrap())
        };
        let res = get(None, "/v1/staff/email-problems").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = get(Some("wrong"), "/v1/staff/email-problems")
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = get(Some(token), "/v1/staff/email-problems?limit=0")
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = get(Some(token), "/v1/staff/email-problems?limit=x")
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = get(Some(token), "/v1/staff/email-problems").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let page: ProblemPage = serde_json::from_slice(&body).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(
            page.problems,
            [ProblemView {
                received_at: "2026-02-25T06:13:20Z".into(),
                recorded_at: "2026-02-25T06:13:20Z".into(),
                reason: "bad_sender".into(),
                account: "basvuru@tekmerkez.local@127.0.0.1".into(),
                mailbox: "INBOX".into(),
                uid_validity: 7,
                uid: 9,
                message_id: "m9@ornek.com.tr".into(),
            }]
        );
        // Off while staff entry is off: nobody could be trusted.
        let off = router(&ProblemsState::new(None, store));
        let res = off
            .oneshot(
                axum::http::Request::get("/v1/staff/email-problems")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn every_reason_reads_back_from_its_code() {
        for r in ProblemReason::ALL {
            assert_eq!(ProblemReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(ProblemReason::parse("ayse@ornek.com.tr"), None);
    }
}
