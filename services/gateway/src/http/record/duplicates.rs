//! The record page's *Olası Yinelenenler*: the records this one may repeat,
//! from the case service, best first. The same citizen's repeat shows its
//! text and, when the person may, a button merging the newer record into
//! the older; another citizen's report of the same place shows neither
//! text nor contact and is for an incident (the page's *Olaylar* form).
//! *Yinelenen değil* hides a pair for good.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tonic::Code;
use uuid::Uuid;

use super::when;
use crate::{
    http::{
        AppState,
        admin::{checked_form, form_refused, one},
        see_other,
        signed_in::SignedIn,
    },
    i18n::Texts,
};

/// A merge the person may make: `duplicate` into `original`, worded.
pub(super) struct MergeOffer {
    pub(super) duplicate: String,
    pub(super) original: String,
    pub(super) label: String,
}

/// One suggestion, as the record page shows it.
pub(super) struct DuplicateView {
    pub(super) case_id: String,
    pub(super) tracking_number: String,
    pub(super) when: String,
    pub(super) channel: &'static str,
    pub(super) status: &'static str,
    /// Why it is suggested (the category is this record's).
    pub(super) kind: &'static str,
    pub(super) score: u32,
    /// "metin %80 benzer, 120 m uzakta".
    pub(super) detail: String,
    /// The same citizen's text; `None` for another citizen's.
    pub(super) text: Option<String>,
    pub(super) incident_reference: Option<String>,
    pub(super) merge: Option<MergeOffer>,
}

/// The suggestions for `case`, asked as the user; `None` when the case
/// service did not answer.
pub(super) async fn duplicates(
    state: &AppState,
    user: Uuid,
    case: &pb::Case,
    texts: &Texts,
) -> Option<Vec<DuplicateView>> {
    let answer = state
        .backend
        .cases()
        .list_duplicate_candidates(state.backend.as_user(
            user,
            pb::ListDuplicateCandidatesRequest {
                case_id: case.id.clone(),
            },
        ))
        .await
        .ok()?
        .into_inner();
    let (c, d) = (&texts.common, &texts.duplicates);
    let here = case.created_at.as_ref().map_or(0, |t| t.seconds);
    Some(
        answer
            .candidates
            .into_iter()
            .map(|x| {
                let same_citizen = x.kind == pb::DuplicateKind::SameCitizen as i32;
                let mut detail = vec![d.text_likeness.replace("{n}", &x.text_likeness.to_string())];
                if let Some(m) = x.distance_m {
                    detail.push(d.distance.replace("{n}", &m.to_string()));
                }
                // The newer of the two is the repeat.
                let older = x.created_at.as_ref().map_or(0, |t| t.seconds) <= here;
                let merge = x.mergeable.then(|| {
                    let no = &x.tracking_number;
                    if older {
                        MergeOffer {
                            duplicate: case.id.clone(),
                            original: x.case_id.clone(),
                            label: d.merge_this.replace("{no}", no),
                        }
                    } else {
                        MergeOffer {
                            duplicate: x.case_id.clone(),
                            original: case.id.clone(),
                            label: d.merge_that.replace("{no}", no),
                        }
                    }
                });
                DuplicateView {
                    kind: if same_citizen {
                        d.same_citizen
                    } else {
                        d.same_place
                    },
                    score: x.score,
                    detail: detail.join(", "),
                    text: same_citizen.then_some(x.text),
                    incident_reference: Some(x.incident_reference).filter(|r| !r.is_empty()),
                    when: when(x.created_at.as_ref()),
                    channel: c.channel_name(x.channel),
                    status: c.status_name(x.status),
                    tracking_number: x.tracking_number,
                    case_id: x.case_id,
                    merge,
                }
            })
            .collect(),
    )
}

/// `POST /kayit/{id}/birlestir`: merges `kopya` into `asil` (the page
/// offers the newer into the older) and shows the record that stays.
pub(in crate::http) async fn merge(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let (duplicate, original) = (one(&f, "kopya"), one(&f, "asil"));
    let b = &state.backend;
    let got = b
        .cases()
        .merge_case(b.as_user(
            s.user_id,
            pb::MergeCaseRequest {
                case_id: duplicate,
                into_case_id: original.clone(),
                expected_version: 0,
            },
        ))
        .await;
    match got.map(tonic::Response::into_inner) {
        Ok(r) => {
            let no = r.merged.map(|m| m.tracking_number).unwrap_or_default();
            see_other(&format!("/kayit/{original}?durum=birlestirildi&no={no}"))
        }
        Err(st) => see_other(&format!("/kayit/{id}?durum={}", refusal(&st))),
    }
}

/// `POST /kayit/{id}/yinelenen-degil`: `diger` is not a duplicate of it.
pub(in crate::http) async fn dismiss(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedIn { session: s, .. }: SignedIn,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
    };
    let b = &state.backend;
    let got = b
        .cases()
        .dismiss_duplicate(b.as_user(
            s.user_id,
            pb::DismissDuplicateRequest {
                case_id: id.clone(),
                other_case_id: one(&f, "diger"),
            },
        ))
        .await;
    let durum = match got {
        Ok(_) => "yinelenen-degil",
        Err(st) => refusal(&st),
    };
    see_other(&format!("/kayit/{id}?durum={durum}"))
}

/// The page's `durum` for a refused merge, by the case service's rule.
fn refusal(st: &tonic::Status) -> &'static str {
    use tonic_types::StatusExt as _;
    let rule = |subject: &str| {
        st.get_details_precondition_failure()
            .is_some_and(|p| p.violations.iter().any(|v| v.subject == subject))
    };
    match st.code() {
        Code::FailedPrecondition if rule("NotSameCitizen") => "birlestirme-baska-vatandas",
        Code::FailedPrecondition if rule("AlreadyClosed") || rule("Resolved") => {
            "birlestirme-yanitlanmis"
        }
        Code::FailedPrecondition if rule("LinkedToIncident") => "birlestirme-olay",
        Code::FailedPrecondition if rule("Merged") => "birlestirme-birlestirilmis",
        Code::PermissionDenied | Code::NotFound => "yetki",
        _ => "degisti",
    }
}

/// What the record page says for a duplicate's `durum`, and whether it is
/// an error; `None` for any other `durum`.
pub(super) fn message(texts: &Texts, durum: &str, no: &str) -> Option<(String, bool)> {
    let d = &texts.duplicates;
    Some(match durum {
        "birlestirildi" => (d.merged.replace("{no}", no), false),
        "yinelenen-degil" => (d.dismissed.to_owned(), false),
        "birlestirme-baska-vatandas" => (d.refused_other_citizen.to_owned(), true),
        "birlestirme-yanitlanmis" => (d.refused_answered.to_owned(), true),
        "birlestirme-olay" => (d.refused_incident.to_owned(), true),
        "birlestirme-birlestirilmis" => (d.refused_merged.to_owned(), true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::TR;

    #[test]
    fn every_refused_merge_is_worded_and_a_merge_names_the_number() {
        for durum in [
            "birlestirme-baska-vatandas",
            "birlestirme-yanitlanmis",
            "birlestirme-olay",
            "birlestirme-birlestirilmis",
        ] {
            let (text, is_error) = message(&TR, durum, "").unwrap();
            assert!(is_error && !text.is_empty(), "{durum}");
        }
        let (text, is_error) = message(&TR, "birlestirildi", "AB12C-DE34F").unwrap();
        assert!(!is_error);
        assert!(text.starts_with("AB12C-DE34F numaralı kayıt"), "{text}");
        assert_eq!(message(&TR, "alindi", ""), None);
    }
}
