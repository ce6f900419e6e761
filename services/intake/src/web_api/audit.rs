//! `GET /v1/audit`: the KVKK audit trail over HTTP, as JSON or CSV, for the
//! KVKK officer's API token. The caller's `Authorization: Bearer …` is
//! passed on to the case service, which decides (only the KVKK officer
//! reads it) and records the reading; intake only translates.

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_table::{Cell, Separator, Table};
use tekmerkez_types::fields::Violations;

use super::{
    openapi::ErrorBody,
    pass_through::{Refusals, from_status, with_callers_token},
    state::WebState,
};
use crate::api_error::ApiError;

/// The actions, as the API names them, by wire number.
const ACTIONS: [(&str, pb::AuditAction); 8] = [
    ("record_viewed", pb::AuditAction::RecordViewed),
    (
        "attachment_downloaded",
        pb::AuditAction::AttachmentDownloaded,
    ),
    ("letter_read", pb::AuditAction::LetterRead),
    ("people_searched", pb::AuditAction::PeopleSearched),
    ("person_index_read", pb::AuditAction::PersonIndexRead),
    ("exported", pb::AuditAction::Exported),
    ("admin_changed", pb::AuditAction::AdminChanged),
    ("audit_read", pb::AuditAction::AuditRead),
];

/// The query of the trail.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditParams {
    /// Only entries from this instant (RFC 3339) or day (YYYY-MM-DD, from
    /// its start in Europe/Istanbul).
    #[param(example = "2026-11-01")]
    from: Option<String>,
    /// Only entries before this instant, or up to the end of this day.
    #[param(example = "2026-11-30")]
    to: Option<String>,
    /// Only this person: a user id or a user name.
    actor: Option<String>,
    /// Only this record: a case id or a tracking number.
    case: Option<String>,
    /// Only this action: record_viewed, attachment_downloaded, letter_read,
    /// people_searched, person_index_read, exported, admin_changed, audit_read.
    action: Option<String>,
    /// Entries older than this position (the previous page's `next_before`).
    before: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<u32>,
    /// json (the default) or csv (UTF-8 with a BOM, `;`-separated).
    format: Option<String>,
}

/// One entry.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct EntryBody {
    seq: i64,
    /// RFC 3339.
    at: String,
    actor_user_id: String,
    actor: String,
    /// The role's code (admin, expert, …), empty for a service.
    actor_role: String,
    client_address: String,
    session: String,
    action: String,
    case_id: String,
    tracking_number: String,
    object: String,
    detail: String,
    request_id: String,
}

/// A page of the trail, newest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct AuditBody {
    entries: Vec<EntryBody>,
    /// Ask with `before=` this for the next page; absent after the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_before: Option<i64>,
}

fn istanbul() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Istanbul").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// An instant or a day; `end` takes a day's end (the next day's start).
fn instant(raw: &str, end: bool) -> Option<prost_types::Timestamp> {
    let raw = raw.trim();
    let t = match raw.parse::<jiff::Timestamp>() {
        Ok(t) => t,
        Err(_) => {
            let d = raw.parse::<jiff::civil::Date>().ok()?;
            let d = if end { d.tomorrow().ok()? } else { d };
            d.to_zoned(istanbul()).ok()?.timestamp()
        }
    };
    Some(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: t.subsec_nanosecond(),
    })
}

/// The request of `p` and whether CSV was asked, or every bad parameter.
fn check(p: &AuditParams) -> Result<(pb::ListAuditEntriesRequest, bool), Violations> {
    let mut v = Violations::new();
    let mut time = |field: &str, raw: &Option<String>, end: bool| {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let t = instant(raw, end);
        if t.is_none() {
            v.add(field, "must be YYYY-MM-DD or an RFC 3339 instant");
        }
        t
    };
    let from = time("from", &p.from, false);
    let to = time("to", &p.to, true);
    let action = match p.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(a) => match ACTIONS.iter().find(|(code, _)| *code == a) {
            Some((_, n)) => *n as i32,
            None => {
                v.add("action", "must be one of the actions listed");
                0
            }
        },
    };
    if p.limit.is_some_and(|l| l == 0 || l > 1000) {
        v.add("limit", "must be 1 to 1000");
    }
    let csv = match p.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        _ => {
            v.add("format", "must be json or csv");
            false
        }
    };
    v.clone().into_result()?;
    Ok((
        pb::ListAuditEntriesRequest {
            from,
            to,
            actor: p.actor.clone().unwrap_or_default(),
            case: p.case.clone().unwrap_or_default(),
            action,
            before: p.before,
            limit: p.limit.unwrap_or(0),
        },
        csv,
    ))
}

fn body(r: pb::ListAuditEntriesResponse) -> AuditBody {
    let role = |n: i32| {
        pb::Role::try_from(n)
            .ok()
            .filter(|r| *r != pb::Role::Unspecified)
            .map(|r| {
                r.as_str_name()
                    .trim_start_matches("ROLE_")
                    .to_ascii_lowercase()
            })
            .unwrap_or_default()
    };
    let action = |n: i32| {
        ACTIONS
            .iter()
            .find(|(_, a)| *a as i32 == n)
            .map(|(c, _)| (*c).to_owned())
            .unwrap_or_default()
    };
    AuditBody {
        entries: r
            .entries
            .into_iter()
            .map(|e| EntryBody {
                seq: e.seq,
                at: e
                    .at
                    .and_then(|t| jiff::Timestamp::new(t.seconds, t.nanos).ok())
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                actor_user_id: e.actor_user_id,
                actor: e.actor,
                actor_role: role(e.actor_role),
                client_address: e.client_address,
                session: e.session,
                action: action(e.action),
                case_id: e.case_id,
                tracking_number: e.tracking_number,
                object: e.object,
                detail: e.detail,
                request_id: e.request_id,
            })
            .collect(),
        next_before: r.next_before,
    }
}

/// What the audit API says when the case service refuses or fails.
const REFUSALS: Refusals = Refusals {
    forbidden: "only the KVKK officer reads the audit trail",
    invalid: "the audit request has invalid parameters",
    unavailable: "the case service is unavailable; retry",
};

/// `GET /v1/audit`.
#[utoipa::path(
    get,
    path = "/v1/audit",
    operation_id = "listAuditEntries",
    summary = "The KVKK audit trail: who read whose personal data and who changed what (JSON or CSV)",
    description = "Entries newest first: each access to personal data (a record read, an attachment downloaded, a letter read, a search that named people, a citizen's other applications, an export) and each administrative change, with who, when, from which address and session, and which record. Authorised with the KVKK officer's API token (Authorization: Bearer …); every other token is refused with 403. Each reading is itself recorded. Page with before= the previous page's next_before.",
    params(AuditParams),
    responses(
        (status = 200, description = "A page of the trail",
         content((AuditBody = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Invalid parameters, each named", body = ErrorBody),
        (status = 401, description = "No or an unknown API token", body = ErrorBody),
        (status = 403, description = "The token's user is not the KVKK officer", body = ErrorBody),
        (status = 503, description = "The case service did not answer", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(super) async fn list(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<AuditParams>,
) -> Response {
    match answer(&state, &headers, &params).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn answer(
    state: &WebState,
    headers: &HeaderMap,
    params: &AuditParams,
) -> Result<Response, ApiError> {
    let req = with_callers_token(headers, ())?;
    let (request, csv) =
        check(params).map_err(|v| ApiError::invalid(&v).with_message(REFUSALS.invalid))?;
    let req = req.map(|()| request);
    let resp = state
        .audit
        .clone()
        .list_audit_entries(req)
        .await
        .map_err(|s| from_status(&s, &REFUSALS))?
        .into_inner();
    let b = body(resp);
    if !csv {
        return Ok(Json(b).into_response());
    }
    let mut table = Table::new(
        "denetim-izi",
        [
            "seq",
            "at",
            "actor_user_id",
            "actor",
            "actor_role",
            "client_address",
            "session",
            "action",
            "case_id",
            "tracking_number",
            "object",
            "detail",
            "request_id",
        ],
    );
    for e in b.entries {
        let mut row = vec![Cell::Int(e.seq)];
        row.extend(
            [
                e.at,
                e.actor_user_id,
                e.actor,
                e.actor_role,
                e.client_address,
                e.session,
                e.action,
                e.case_id,
                e.tracking_number,
                e.object,
                e.detail,
                e.request_id,
            ]
            .into_iter()
            .map(Cell::Text),
        );
        table.push(row);
    }
    let mut r = (StatusCode::OK, table.to_csv(Separator::Semicolon)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"denetim-izi.csv\""),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> AuditParams {
        let uri: axum::http::Uri = format!("/v1/audit?{q}").parse().unwrap();
        Query::<AuditParams>::try_from_uri(&uri).unwrap().0
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let v = check(&params(
            "from=yesterday&to=2026-13-40&action=peeked&limit=0&format=pdf",
        ))
        .unwrap_err();
        let fields: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["from", "to", "action", "limit", "format"]);
    }

    #[test]
    fn days_are_istanbul_days_and_the_last_is_whole() {
        let (r, csv) = check(&params(
            "from=2026-11-01&to=2026-11-30&case=2026-ABC1234&action=record_viewed&format=csv",
        ))
        .unwrap();
        assert!(csv);
        assert_eq!(r.action, pb::AuditAction::RecordViewed as i32);
        assert_eq!(r.case, "2026-ABC1234");
        let at = |t: Option<prost_types::Timestamp>| {
            jiff::Timestamp::new(t.unwrap().seconds, 0)
                .unwrap()
                .to_string()
        };
        assert_eq!(at(r.from), "2026-10-31T21:00:00Z");
        assert_eq!(at(r.to), "2026-11-30T21:00:00Z");
        let (r, _) = check(&params("from=2026-11-01T10:00:00Z")).unwrap();
        assert_eq!(at(r.from), "2026-11-01T10:00:00Z");
    }
}
