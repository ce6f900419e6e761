//! The CTI/IVR event wire format: one JSON object per `POST /v1/cti/events`,
//! told apart by `type`. Parsing depends on `serde`/`serde_json` only (the
//! fuzz target `fuzz/fuzz_targets/cti_event.rs` compiles it on its own).
//!
//! ```json
//! {"type": "call.offered", "event_id": "e-1", "call_id": "c-1",
//!  "occurred_at": "2026-11-25T09:30:00+03:00", "caller_number": "05321234567",
//!  "dialled_number": "185", "queue": "185-ariza", "agent": "cagrimerkezi",
//!  "ivr_selections": [{"menu": "ana_menu", "choice": "1"}]}
//! {"type": "call.ended", "event_id": "e-2", "call_id": "c-1",
//!  "occurred_at": "…", "disposition": "answered", "duration_seconds": 180}
//! {"type": "ivr.record", "event_id": "e-3", "call_id": "c-2", "occurred_at": "…",
//!  "caller_number": "05321234567", "record": "outage_report",
//!  "province_code": 41, "district": "İzmit", "ivr_selections": [...]}
//! {"type": "survey.score", "event_id": "e-4", "call_id": "c-3", "occurred_at": "…",
//!  "tracking_number": "ABCDE-12345", "score": 4}
//! ```
//!
//! `occurred_at` is RFC 3339 with an offset. Every problem is reported with
//! the field's name, never its value.

use serde::Deserialize;

/// Most IVR selections one event may carry.
pub const MAX_SELECTIONS: usize = 20;

/// The event types this endpoint knows.
pub const KNOWN_TYPES: &str = "call.offered, call.ended, ivr.record or survey.score";

/// One menu step the caller took in the IVR.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct IvrSelection {
    /// The menu's name in the IVR.
    pub menu: String,
    /// What the caller chose (a digit or a spoken option's code).
    pub choice: String,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// An agent talked to the caller.
    Answered,
    /// The caller hung up waiting.
    Abandoned,
    /// The IVR served the caller, no agent needed.
    IvrCompleted,
    /// The call was sent elsewhere.
    Transferred,
}

impl Disposition {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Abandoned => "abandoned",
            Self::IvrCompleted => "ivr_completed",
            Self::Transferred => "transferred",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            Self::Answered,
            Self::Abandoned,
            Self::IvrCompleted,
            Self::Transferred,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A parsed, checked event.
#[derive(Clone, PartialEq)]
pub enum Event {
    /// The call reached the call centre (and an agent, when `agent` is set).
    CallOffered {
        head: Head,
        /// The caller's number as the CTI gives it; `None` when withheld.
        /// Personal data.
        caller_number: Option<String>,
        /// The number the caller dialled.
        dialled_number: Option<String>,
        /// The CTI's queue the call came in on; the reports count calls by
        /// it (or by the number dialled when the CTI names no queue).
        queue: Option<String>,
        /// The user name of the agent the call is offered to.
        agent: Option<String>,
        /// The IVR steps before it.
        ivr_selections: Vec<IvrSelection>,
    },
    /// The call ended.
    CallEnded {
        head: Head,
        disposition: Disposition,
        /// How long it lasted.
        duration_seconds: Option<u32>,
    },
    /// An IVR self-service record (an outage report): opens an application.
    IvrRecord {
        head: Head,
        /// The caller's number. Personal data.
        caller_number: String,
        /// The record kind (`outage_report`), from `intake.cti.ivr_records`.
        record: String,
        /// The province, when the IVR asked for it.
        province_code: Option<u8>,
        /// The district, when the IVR asked for it.
        district: Option<String>,
        /// The IVR steps that made it.
        ivr_selections: Vec<IvrSelection>,
    },
    /// The caller's satisfaction score, asked by the IVR after a call about
    /// an application: recorded on its case (source IVR).
    SurveyScore {
        head: Head,
        /// The application's tracking number, as the IVR read it back.
        tracking_number: String,
        /// 1 to 5.
        score: u32,
    },
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, head) = match self {
            Self::CallOffered { head, .. } => ("call.offered", head),
            Self::CallEnded { head, .. } => ("call.ended", head),
            Self::IvrRecord { head, .. } => ("ivr.record", head),
            Self::SurveyScore { head, .. } => ("survey.score", head),
        };
        f.debug_struct("Event")
            .field("type", &kind)
            .field("event_id", &head.event_id)
            .field("call_id", &head.call_id)
            .finish_non_exhaustive()
    }
}

/// What every event has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Unique per event; a retry repeats it.
    pub event_id: String,
    /// The call it belongs to.
    pub call_id: String,
    /// When it happened (microseconds since the epoch).
    pub occurred_at_micros: i64,
}

impl Event {
    /// Its common fields.
    pub fn head(&self) -> &Head {
        match self {
            Self::CallOffered { head, .. }
            | Self::CallEnded { head, .. }
            | Self::IvrRecord { head, .. }
            | Self::SurveyScore { head, .. } => head,
        }
    }
}

/// A refused event: every (field, rule) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// Why, for the message.
    pub message: &'static str,
    /// The violations, in the order found.
    pub violations: Vec<(String, &'static str)>,
}

impl EventError {
    fn one(message: &'static str, field: &str, rule: &'static str) -> Self {
        Self {
            message,
            violations: vec![(field.to_owned(), rule)],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    #[serde(rename = "type")]
    kind: Option<String>,
    event_id: Option<String>,
    call_id: Option<String>,
    occurred_at: Option<String>,
    caller_number: Option<String>,
    dialled_number: Option<String>,
    queue: Option<String>,
    agent: Option<String>,
    #[serde(default)]
    ivr_selections: Vec<IvrSelection>,
    disposition: Option<String>,
    duration_seconds: Option<u32>,
    record: Option<String>,
    province_code: Option<u8>,
    district: Option<String>,
    tracking_number: Option<String>,
    score: Option<u32>,
}

fn id_ok(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_graphic())
}

/// Bounded text with something visible in it (the shared rule of
/// `tekmerkez_types::text`: zero-width characters alone are empty).
fn text_ok(s: &str, max: usize) -> bool {
    tekmerkez_types::text::has_visible(s)
        && s.chars().count() <= max
        && !s.chars().any(char::is_control)
}

/// Parses one event body.
///
/// # Errors
/// [`EventError`]: not JSON, an unknown `type`, or the fields that are
/// missing or malformed for its type.
pub fn parse(body: &[u8]) -> Result<Event, EventError> {
    let w: Wire = serde_json::from_slice(body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            EventError::one("the body is not JSON", "body", "must be JSON")
        } else {
            EventError::one(
                "the body is not a CTI event",
                "body",
                "has a field of the wrong type or an unknown field",
            )
        }
    })?;
    let kind = w.kind.as_deref().unwrap_or_default();
    if !matches!(
        kind,
        "call.offered" | "call.ended" | "ivr.record" | "survey.score"
    ) {
        return Err(EventError::one(
            "unknown CTI event type",
            "type",
            "must be call.offered, call.ended, ivr.record or survey.score",
        ));
    }
    let mut v: Vec<(String, &'static str)> = Vec::new();
    let mut bad = |f: &str, r: &'static str| v.push((f.to_owned(), r));
    let event_id = w.event_id.unwrap_or_default();
    if !id_ok(&event_id, 128) {
        bad("event_id", "must be 1 to 128 visible ASCII characters");
    }
    let call_id = w.call_id.unwrap_or_default();
    if !id_ok(&call_id, 128) {
        bad("call_id", "must be 1 to 128 visible ASCII characters");
    }
    let occurred = w
        .occurred_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    if occurred.is_none() {
        bad("occurred_at", "must be an RFC 3339 time with an offset");
    }
    if w.ivr_selections.len() > MAX_SELECTIONS {
        bad("ivr_selections", "must hold at most 20 steps");
    }
    for (i, s) in w.ivr_selections.iter().enumerate() {
        if !text_ok(&s.menu, 64) {
            bad(
                &format!("ivr_selections[{i}].menu"),
                "must be 1 to 64 characters",
            );
        }
        if !text_ok(&s.choice, 64) {
            bad(
                &format!("ivr_selections[{i}].choice"),
                "must be 1 to 64 characters",
            );
        }
    }
    let number_ok = |n: &str| {
        n.len() <= 32
            && n.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
            && n.chars().any(|c| c.is_ascii_digit())
    };
    let head = |occurred: Option<jiff::Timestamp>| Head {
        event_id: event_id.clone(),
        call_id: call_id.clone(),
        occurred_at_micros: occurred.map_or(0, jiff::Timestamp::as_microsecond),
    };
    let event = match kind {
        "call.offered" => {
            // A withheld number arrives empty or as "anonymous".
            let caller = w
                .caller_number
                .filter(|n| !n.trim().is_empty() && !n.eq_ignore_ascii_case("anonymous"));
            if caller.as_deref().is_some_and(|n| !number_ok(n)) {
                bad(
                    "caller_number",
                    "must be a phone number, empty or anonymous",
                );
            }
            if w.dialled_number.as_deref().is_some_and(|n| !number_ok(n)) {
                bad("dialled_number", "must be a phone number");
            }
            if w.agent.as_deref().is_some_and(|a| !text_ok(a, 64)) {
                bad("agent", "must be 1 to 64 characters");
            }
            if w.queue.as_deref().is_some_and(|q| !id_ok(q, 64)) {
                bad("queue", "must be 1 to 64 visible ASCII characters");
            }
            for (f, present) in [
                ("disposition", w.disposition.is_some()),
                ("record", w.record.is_some()),
            ] {
                if present {
                    bad(f, "does not belong to a call.offered event");
                }
            }
            Event::CallOffered {
                head: head(occurred),
                caller_number: caller,
                dialled_number: w.dialled_number,
                queue: w.queue,
                agent: w.agent,
                ivr_selections: w.ivr_selections,
            }
        }
        "call.ended" => {
            let disposition = w.disposition.as_deref().and_then(Disposition::parse);
            if disposition.is_none() {
                bad(
                    "disposition",
                    "must be answered, abandoned, ivr_completed or transferred",
                );
            }
            Event::CallEnded {
                head: head(occurred),
                disposition: disposition.unwrap_or(Disposition::Answered),
                duration_seconds: w.duration_seconds,
            }
        }
        "survey.score" => {
            // The tracking number's check symbol is verified by the
            // receiver; here only its shape (10 symbols, a hyphen allowed).
            let tn = w.tracking_number.unwrap_or_default();
            let symbols = tn.chars().filter(|c| *c != '-' && *c != ' ').count();
            if symbols != 10
                || !tn
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
            {
                bad("tracking_number", "must be a tracking number, XXXXX-XXXXX");
            }
            let score = w.score.unwrap_or_default();
            if !(1..=5).contains(&score) {
                bad("score", "must be 1 to 5");
            }
            for (f, present) in [
                ("caller_number", w.caller_number.is_some()),
                ("record", w.record.is_some()),
                ("disposition", w.disposition.is_some()),
            ] {
                if present {
                    bad(f, "does not belong to a survey.score event");
                }
            }
            Event::SurveyScore {
                head: head(occurred),
                tracking_number: tn,
                score,
            }
        }
        _ => {
            let caller = w.caller_number.unwrap_or_default();
            if !number_ok(&caller) {
                bad(
                    "caller_number",
                    "is required for an IVR record (the reply is an SMS)",
                );
            }
            let record = w.record.unwrap_or_default();
            if !id_ok(&record, 64) {
                bad("record", "must name a record kind");
            }
            if w.district.as_deref().is_some_and(|d| !text_ok(d, 64)) {
                bad("district", "must be 1 to 64 characters");
            }
            Event::IvrRecord {
                head: head(occurred),
                caller_number: caller,
                record,
                province_code: w.province_code,
                district: w.district,
                ivr_selections: w.ivr_selections,
            }
        }
    };
    if v.is_empty() {
        Ok(event)
    } else {
        Err(EventError {
            message: "the CTI event has invalid fields",
            violations: v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<String> {
        parse(body.as_bytes())
            .unwrap_err()
            .violations
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn the_three_documented_events_parse() {
        let offered = r#"{"type":"call.offered","event_id":"e-1","call_id":"c-1",
            "occurred_at":"2026-11-25T09:30:00+03:00","caller_number":"0532 123 45 67",
            "dialled_number":"185","agent":"cagrimerkezi",
            "ivr_selections":[{"menu":"ana_menu","choice":"1"},{"menu":"ariza","choice":"2"}]}"#;
        let Event::CallOffered {
            head,
            caller_number,
            agent,
            ivr_selections,
            ..
        } = parse(offered.as_bytes()).unwrap()
        else {
            panic!("not call.offered")
        };
        assert_eq!(head.call_id, "c-1");
        assert_eq!(
            head.occurred_at_micros,
            "2026-11-25T06:30:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_microsecond()
        );
        assert_eq!(caller_number.as_deref(), Some("0532 123 45 67"));
        assert_eq!(agent.as_deref(), Some("cagrimerkezi"));
        assert_eq!(ivr_selections.len(), 2);

        let ended = r#"{"type":"call.ended","event_id":"e-2","call_id":"c-1",
            "occurred_at":"2026-11-25T09:33:00+03:00","disposition":"answered","duration_seconds":180}"#;
        assert!(matches!(
            parse(ended.as_bytes()).unwrap(),
            Event::CallEnded {
                disposition: Disposition::Answered,
                duration_seconds: Some(180),
                ..
            }
        ));

        let record = r#"{"type":"ivr.record","event_id":"e-3","call_id":"c-2",
            "occurred_at":"2026-11-25T09:40:00+03:00","caller_number":"05321234567",
            "record":"outage_report","province_code":41,"district":"İzmit"}"#;
        assert!(matches!(
            parse(record.as_bytes()).unwrap(),
            Event::IvrRecord {
                province_code: Some(41),
                ..
            }
        ));
    }

    #[test]
    fn an_unknown_type_is_named_as_such() {
        let e = parse(br#"{"type":"call.parked","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z"}"#)
            .unwrap_err();
        assert_eq!(e.message, "unknown CTI event type");
        assert_eq!(e.violations[0].0, "type");
        assert_eq!(
            parse(br#"{"event_id":"e"}"#).unwrap_err().message,
            "unknown CTI event type"
        );
    }

    #[test]
    fn not_json_and_unknown_fields_are_refused() {
        assert_eq!(
            parse(b"type=call.offered").unwrap_err().message,
            "the body is not JSON"
        );
        assert_eq!(
            fields(r#"{"type":"call.ended","surprise":1}"#),
            vec!["body"]
        );
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let f = fields(
            r#"{"type":"ivr.record","event_id":"","call_id":"c","occurred_at":"yesterday",
                "record":"","district":"","ivr_selections":[{"menu":"","choice":"1"}]}"#,
        );
        assert_eq!(
            f,
            vec![
                "event_id",
                "occurred_at",
                "ivr_selections[0].menu",
                "caller_number",
                "record",
                "district"
            ]
        );
        assert_eq!(
            fields(
                r#"{"type":"call.ended","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z","disposition":"lost"}"#
            ),
            vec!["disposition"]
        );
    }

    #[test]
    fn a_survey_score_names_its_application_and_a_score_of_one_to_five() {
        let ok = r#"{"type":"survey.score","event_id":"e-9","call_id":"c-9",
            "occurred_at":"2026-11-25T09:45:00+03:00","tracking_number":"abcde-12345","score":4}"#;
        assert!(matches!(
            parse(ok.as_bytes()).unwrap(),
            Event::SurveyScore { score: 4, .. }
        ));
        assert_eq!(
            fields(
                r#"{"type":"survey.score","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z","tracking_number":"ABC","score":7}"#
            ),
            vec!["tracking_number", "score"]
        );
        assert_eq!(
            fields(
                r#"{"type":"survey.score","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z","tracking_number":"ABCDE-12345"}"#
            ),
            vec!["score"]
        );
    }

    #[test]
    fn a_withheld_number_is_no_number() {
        let e = parse(
            br#"{"type":"call.offered","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z","caller_number":"anonymous"}"#,
        )
        .unwrap();
        assert!(matches!(
            e,
            Event::CallOffered {
                caller_number: None,
                ..
            }
        ));
    }

    #[test]
    fn debug_shows_no_number() {
        let e = parse(
            br#"{"type":"call.offered","event_id":"e","call_id":"c","occurred_at":"2026-11-25T09:30:00Z","caller_number":"05321234567"}"#,
        )
        .unwrap();
        assert!(!format!("{e:?}").contains("0532"));
    }
}
