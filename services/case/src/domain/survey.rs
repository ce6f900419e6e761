//! The satisfaction survey (memnuniyet anketi): one answer per case, a
//! score from 1 to 5 and an optional comment, given on the signed survey
//! link, to the callback agent during the callback, or to the IVR. The
//! answer is a task step and a `SurveyAnswered` event (score and codes,
//! never the comment); the comment stays with the case.

use jiff::Timestamp;
use uuid::Uuid;

use super::{
    case::{Case, EventKind, Step},
    enums::{HistoryAction, SurveySource},
    fields::FieldError,
    text::parse_optional_text,
};

/// The lowest and highest score.
pub const SCORES: std::ops::RangeInclusive<u32> = 1..=5;

/// A recorded answer.
#[derive(Clone, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub case_id: Uuid,
    /// 1 to 5.
    pub score: u8,
    pub source: SurveySource,
    /// The citizen's words (personal data: `Debug` hides it).
    pub comment: Option<String>,
    /// The callback agent who wrote it down; `None` for the link and the IVR.
    pub recorded_by: Option<Uuid>,
    pub answered_at: Timestamp,
    /// What made it (a form's key, a CTI event id): the same key again is
    /// the same answer, not a second one.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for SurveyAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SurveyAnswer")
            .field("case_id", &self.case_id)
            .field("score", &self.score)
            .field("source", &self.source)
            .field("has_comment", &self.comment.is_some())
            .finish_non_exhaustive()
    }
}

/// A score from the wire.
///
/// # Errors
/// Outside 1 to 5.
pub fn parse_score(field: &str, raw: u32) -> Result<u8, FieldError> {
    if SCORES.contains(&raw) {
        u8::try_from(raw).map_err(|_| FieldError::new(field, "must be 1 to 5"))
    } else {
        Err(FieldError::new(field, "must be 1 to 5"))
    }
}

/// A comment from the wire: empty is none.
///
/// # Errors
/// Too long or with control characters.
pub fn parse_comment(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    parse_optional_text(field, raw, tekmerkez_types::limits::SURVEY_COMMENT)
}

/// An idempotency key: 1 to 128 visible ASCII characters; empty is none.
///
/// # Errors
/// Anything else.
pub fn parse_key(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let k = raw.trim();
    if k.is_empty() {
        return Ok(None);
    }
    if k.len() > 128 || !k.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(FieldError::new(
            field,
            "must be 1 to 128 visible ASCII characters",
        ));
    }
    Ok(Some(k.to_owned()))
}

impl Case {
    /// Records `answer` on the case: status, pool and holder stay as they
    /// are; the step's detail is `"<score>:<source>"`. Whether the case was
    /// answered before is the caller's check (the answer is stored beside
    /// the case, unique per case).
    pub fn answer_survey(&self, answer: &SurveyAnswer) -> (Case, Step, EventKind) {
        let next = self.clone();
        let step = Step {
            action: HistoryAction::SurveyAnswered,
            from_status: Some(self.status),
            to_status: next.status,
            from_pool: Some(self.pool_id),
            to_pool: next.pool_id,
            from_holder: self.holder_id,
            to_holder: next.holder_id,
            detail: Some(format!("{}:{}", answer.score, answer.source.as_str())),
        };
        let kind = EventKind::SurveyAnswered {
            score: answer.score,
            source: answer.source,
            has_comment: answer.comment.is_some(),
        };
        (next, step, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{case::tests::sample, enums::CaseStatus};

    #[test]
    fn scores_are_one_to_five_and_comments_optional() {
        assert_eq!(parse_score("score", 1).unwrap(), 1);
        assert_eq!(parse_score("score", 5).unwrap(), 5);
        for bad in [0, 6, 255, u32::MAX] {
            assert_eq!(parse_score("score", bad).unwrap_err().field, "score");
        }
        assert_eq!(parse_comment("comment", "  ").unwrap(), None);
        assert_eq!(
            parse_comment("comment", " Teşekkürler ")
                .unwrap()
                .as_deref(),
            Some("Teşekkürler")
        );
        assert!(parse_comment("comment", &"a".repeat(2001)).is_err());
        assert_eq!(parse_key("k", "").unwrap(), None);
        assert!(parse_key("k", "a b").is_err());
    }

    #[test]
    fn an_answer_keeps_the_case_where_it_is_and_names_no_comment() {
        let now = Timestamp::now();
        let mut case = sample(now);
        case.status = CaseStatus::Resolved;
        let a = SurveyAnswer {
            case_id: case.id,
            score: 4,
            source: SurveySource::Link,
            comment: Some("Çok hızlıydı".into()),
            recorded_by: None,
            answered_at: now,
            idempotency_key: None,
        };
        let (next, step, kind) = case.answer_survey(&a);
        assert_eq!(next.status, CaseStatus::Resolved);
        assert_eq!(step.to_status, CaseStatus::Resolved);
        assert_eq!(step.detail.as_deref(), Some("4:link"));
        assert_eq!(
            kind,
            EventKind::SurveyAnswered {
                score: 4,
                source: SurveySource::Link,
                has_comment: true
            }
        );
        assert!(!format!("{a:?}").contains("hızlı"));
    }
}
