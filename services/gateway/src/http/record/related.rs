//! The record page's *Vatandaşın Diğer Başvuruları*: the citizen's other
//! applications (the same phone number or e-mail address, from the case
//! service's person index), newest first, as far as the user's scope
//! reaches; the ones the user may open are links.

use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::catalogue::name_of;
use uuid::Uuid;

use super::when;
use crate::{http::AppState, i18n::Texts};

/// How many the record page lists: the newest ten say whether the citizen
/// keeps writing about the same thing; the page says when there are more.
const SHOWN: u32 = 10;

/// One other application, as the record page shows it.
pub(super) struct RelatedView {
    /// The case id, when the user may open it.
    pub(super) link: Option<String>,
    pub(super) tracking_number: String,
    pub(super) when: String,
    pub(super) channel: &'static str,
    pub(super) category: String,
    pub(super) status: &'static str,
    /// "aynı telefon, aynı e-posta".
    pub(super) shares: String,
}

/// The list and whether it stops at its limit; `None` when the case
/// service did not answer.
pub(super) struct Related {
    pub(super) cases: Vec<RelatedView>,
    pub(super) more: bool,
}

/// The other applications of the citizen of `case_id`, asked as the user.
pub(super) async fn related(
    state: &AppState,
    user: Uuid,
    case_id: &str,
    texts: &Texts,
    english: bool,
) -> Option<Related> {
    let answer = state
        .backend
        .cases()
        .list_related_cases(state.backend.as_user(
            user,
            pb::ListRelatedCasesRequest {
                case_id: case_id.to_owned(),
                limit: SHOWN,
            },
        ))
        .await
        .ok()?
        .into_inner();
    let (c, w) = (&texts.common, &texts.record.related);
    let cases = answer
        .cases
        .into_iter()
        .map(|r| RelatedView {
            shares: r
                .matched_by
                .iter()
                .filter_map(|k| match pb::PersonKeyKind::try_from(*k).ok()? {
                    pb::PersonKeyKind::Phone => Some(w.same_phone),
                    pb::PersonKeyKind::Email => Some(w.same_email),
                    pb::PersonKeyKind::Unspecified => None,
                })
                .collect::<Vec<_>>()
                .join(", "),
            link: r.openable.then_some(r.case_id),
            when: when(r.created_at.as_ref()),
            channel: c.channel_name(r.channel),
            category: name_of(&state.categories, &r.category, english).to_owned(),
            status: c.status_name(r.status),
            tracking_number: r.tracking_number,
        })
        .collect();
    Some(Related {
        cases,
        more: answer.more,
    })
}
