//! *Ara* (issue 21): the search box on every agent page and its results
//! page, `GET /ara?q=…`. The case service reads the query (a tracking
//! number, phone, e-mail, partner reference or words), scopes the results
//! to the records the person may open and masks them as the record page
//! does; this page lists them as the desk's lists do, with how each
//! matched.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use super::{
    AppState, Frame,
    cases::{Row, row},
    render,
    signed_in::SignedIn,
};
use crate::i18n::search::SearchTexts;

fn with_status(status: StatusCode, mut r: Response) -> Response {
    *r.status_mut() = status;
    r
}

/// At most this many results on the page.
const SHOWN: u32 = 50;

/// The address's query.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SearchQuery {
    q: String,
}

/// One result: the list row and how it matched.
struct Found {
    row: Row,
    matched: &'static str,
}

#[derive(askama::Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    t: &'static SearchTexts,
    csrf: String,
    display_name: String,
    /// What was searched, kept in the box.
    q: String,
    heading: String,
    results: Vec<Found>,
    message: Option<&'static str>,
}

/// `GET /ara`.
pub(super) async fn search(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Query(SearchQuery { q }): Query<SearchQuery>,
    SignedIn { session: s, .. }: SignedIn,
) -> Response {
    let t = &frame.texts().search;
    let query = q.trim().to_owned();
    let page = |frame: Frame, results: Vec<Found>, message: Option<&'static str>| {
        let heading = if message.is_none() {
            t.count
                .replace("{q}", &query)
                .replace("{n}", &results.len().to_string())
        } else {
            t.title.to_owned()
        };
        SearchPage {
            t,
            csrf: s.csrf_token.clone(),
            display_name: s.display_name.clone(),
            q: query.clone(),
            heading,
            results,
            message,
            frame,
        }
    };
    if query.is_empty() {
        return render(&page(frame, Vec::new(), Some(t.empty_query)));
    }
    let b = &state.backend;
    let got = b
        .cases()
        .search_cases(b.as_user(
            s.user_id,
            pb::SearchCasesRequest {
                query: query.clone(),
                limit: SHOWN,
            },
        ))
        .await;
    match got {
        Ok(r) => {
            let results = r
                .into_inner()
                .results
                .into_iter()
                .filter_map(|f| {
                    let matched = usize::try_from(f.matched_by)
                        .ok()
                        .and_then(|m| t.matches.get(m))
                        .copied()
                        .unwrap_or_default();
                    f.case.map(|c| Found {
                        row: row(c, String::new(), &state, &frame),
                        matched,
                    })
                })
                .collect();
            render(&page(frame, results, None))
        }
        Err(st) if st.code() == Code::InvalidArgument => with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(frame, Vec::new(), Some(t.empty_query))),
        ),
        Err(st) => {
            tracing::error!(code = ?st.code(), "searching failed");
            with_status(
                StatusCode::SERVICE_UNAVAILABLE,
                render(&page(frame, Vec::new(), Some(t.unavailable))),
            )
        }
    }
}
