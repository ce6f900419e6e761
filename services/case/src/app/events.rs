//! Turns what a transition did into the `CaseEvent` written to the outbox,
//! in the same transaction as the change.

use jiff::Timestamp;
use prost::Message as _;
use tekmerkez_proto::case_v1 as pb;
use uuid::Uuid;

use crate::{
    domain::{
        case::{Actor, Case, EventKind},
        classification::{source_to_proto, type_to_proto},
    },
    store::OutboxRecord,
};

/// The topic case events go to.
pub const CASE_EVENTS_TOPIC: &str = "case.events.v1";

/// The `event-type` header of every case event.
pub const CASE_EVENT_TYPE: &str = "tekmerkez.case.v1.CaseEvent";

/// A protobuf timestamp.
pub fn to_proto_ts(t: Timestamp) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: t.subsec_nanosecond(),
    }
}

fn actor_proto(actor: &Actor) -> pb::Actor {
    pb::Actor {
        user_id: actor.user_id().map(|u| u.to_string()).unwrap_or_default(),
        service: actor.service().unwrap_or_default().to_owned(),
    }
}

fn payload(kind: &EventKind, after: &Case) -> pb::case_event::Payload {
    use pb::case_event::Payload;
    let s = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    match kind {
        EventKind::Opened => Payload::Opened(pb::CaseOpened {
            application_id: after.application_id.to_string(),
            channel: after.channel.to_proto() as i32,
            category: after.category.clone(),
            urgency: after.urgency.to_proto() as i32,
            pool_id: after.pool_id.to_string(),
            province_code: u32::from(after.province_code),
            reply_channel: after.reply_channel.to_proto() as i32,
            information_only: after.information_only,
            has_phone: after.contact.phone.is_some(),
            has_email: after.contact.email.is_some(),
            has_consent: after.consent.is_some(),
            application_type: type_to_proto(after.application_type) as i32,
            source: source_to_proto(after.source) as i32,
            partner_id: after.partner_id.clone().unwrap_or_default(),
            legal_due_date: after
                .legal_due_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            internal_due_at: after.internal_due_at.map(to_proto_ts),
        }),
        EventKind::Claimed => Payload::Claimed(pb::CaseClaimed {
            holder_id: s(after.holder_id),
            status: after.status.to_proto() as i32,
        }),
        EventKind::Assigned { from } => Payload::Assigned(pb::CaseAssigned {
            from_holder_id: s(*from),
            to_holder_id: s(after.holder_id),
        }),
        EventKind::Transferred { from_pool } => Payload::Transferred(pb::CaseTransferred {
            from_pool_id: from_pool.to_string(),
            to_pool_id: after.pool_id.to_string(),
        }),
        EventKind::Corrected { field } => Payload::Corrected(pb::CaseCorrected {
            field: (*field).to_owned(),
            province_code: u32::from(after.province_code),
            category: after.category.clone(),
        }),
        EventKind::NoteAdded { note_id } => Payload::NoteAdded(pb::NoteAdded {
            note_id: note_id.to_string(),
        }),
        EventKind::ClosedByExpert => Payload::ClosedByExpert(pb::CaseClosedByExpert {
            expert_id: s(after.closed_by),
            reply_channel: after.reply_channel.to_proto() as i32,
            closure_reason: after.closure_reason.clone().unwrap_or_default(),
        }),
        EventKind::CallbackRecorded { outcome } => {
            Payload::CallbackRecorded(pb::CallbackRecorded {
                outcome: outcome.to_proto() as i32,
                retry_at: after.callback_retry_at.map(to_proto_ts),
                attempts: after.callback_attempts,
            })
        }
        EventKind::Resolved => Payload::Resolved(pb::CaseResolved {
            information_only: after.information_only,
            reply_channel: after.reply_channel.to_proto() as i32,
            closure_reason: after.closure_reason.clone().unwrap_or_default(),
        }),
        EventKind::TypeChanged { from } => Payload::TypeChanged(pb::ApplicationTypeChanged {
            from_type: type_to_proto(*from) as i32,
            to_type: type_to_proto(after.application_type) as i32,
        }),
        EventKind::Reopened => Payload::Reopened(pb::CaseReopened {
            pool_id: after.pool_id.to_string(),
        }),
        EventKind::CitizenMessageAdded {
            note_id,
            application_id,
            channel,
            from_applicant,
            status,
        } => Payload::CitizenMessageAdded(pb::CitizenMessageAdded {
            note_id: note_id.to_string(),
            application_id: application_id.to_string(),
            channel: channel.to_proto() as i32,
            from_applicant: *from_applicant,
            status: status.to_proto() as i32,
        }),
        EventKind::CitizenNotReached { channel, reason } => {
            Payload::CitizenNotReached(pb::CitizenNotReached {
                channel: channel.clone(),
                reason: reason.clone(),
            })
        }
        EventKind::NotReachedResolved { outcome } => {
            Payload::NotReachedResolved(pb::NotReachedResolved {
                outcome: outcome.to_proto() as i32,
            })
        }
        EventKind::LegalDeadlineExtended {
            from,
            to,
            working_days,
        } => Payload::LegalDeadlineExtended(pb::LegalDeadlineExtended {
            from_due_date: from.to_string(),
            to_due_date: to.to_string(),
            working_days: *working_days,
            reply_channel: after.reply_channel.to_proto() as i32,
            category: after.category.clone(),
        }),
        EventKind::DeadlinesBackfilled { closure_reason } => {
            Payload::DeadlinesBackfilled(pb::DeadlinesBackfilled {
                legal_due_date: after
                    .legal_due_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                closure_reason: closure_reason.clone().unwrap_or_default(),
            })
        }
        EventKind::AwaitingCitizenChanged { waiting } => {
            Payload::AwaitingCitizenChanged(pb::AwaitingCitizenChanged {
                waiting: *waiting,
                internal_due_at: after.internal_due_at.map(to_proto_ts),
            })
        }
        EventKind::SurveyAnswered {
            score,
            source,
            has_comment,
        } => Payload::SurveyAnswered(pb::SurveyAnswered {
            score: u32::from(*score),
            source: source.to_proto() as i32,
            has_comment: *has_comment,
            pool_id: after.pool_id.to_string(),
            expert_id: s(after.closed_by),
            channel: after.channel.to_proto() as i32,
            category: after.category.clone(),
            reply_channel: after.reply_channel.to_proto() as i32,
            province_code: u32::from(after.province_code),
        }),
        EventKind::LinkedToIncident {
            incident_id,
            method,
        } => Payload::LinkedToIncident(pb::LinkedToIncident {
            incident_id: incident_id.to_string(),
            method: method.to_proto() as i32,
            pool_id: after.pool_id.to_string(),
            category: after.category.clone(),
        }),
        EventKind::UnlinkedFromIncident { incident_id } => {
            Payload::UnlinkedFromIncident(pb::UnlinkedFromIncident {
                incident_id: incident_id.to_string(),
                pool_id: after.pool_id.to_string(),
            })
        }
        EventKind::Merged {
            into_tracking_number,
        } => Payload::Merged(pb::CaseMerged {
            into_case_id: after.merged_into.map(|i| i.to_string()).unwrap_or_default(),
            into_tracking_number: into_tracking_number.clone(),
            pool_id: after.pool_id.to_string(),
            category: after.category.clone(),
        }),
        EventKind::Escalation {
            due,
            stage,
            unit_id,
            directorate_id,
        } => {
            use crate::domain::escalation::Due;
            let (deadline, legal_due_date, internal_due_at) = match due {
                Due::Legal(d) => (pb::EscalationDeadline::Legal, d.to_string(), None),
                Due::Internal(t) => (
                    pb::EscalationDeadline::Internal,
                    String::new(),
                    Some(to_proto_ts(*t)),
                ),
            };
            Payload::EscalationRecorded(pb::EscalationRecorded {
                deadline: deadline as i32,
                stage: crate::grpc::convert::stage_to_proto(*stage) as i32,
                pool_id: after.pool_id.to_string(),
                unit_id: unit_id.to_string(),
                directorate_id: directorate_id.to_string(),
                legal_due_date,
                internal_due_at,
                holder_id: s(after.holder_id),
                category: after.category.clone(),
                province_code: u32::from(after.province_code),
                recipient: crate::grpc::convert::recipient_to_proto(
                    stage.recipient(after.holder_id.is_some()),
                ) as i32,
            })
        }
    }
}

/// The outbox row for `kind` having happened to `after` (the case's state
/// after the whole change) by `actor` at `at`.
pub fn outbox_record(kind: &EventKind, after: &Case, actor: &Actor, at: Timestamp) -> OutboxRecord {
    let event_id = Uuid::now_v7();
    let event = pb::CaseEvent {
        event_id: event_id.to_string(),
        case_id: after.id.to_string(),
        tracking_number: after.tracking_number.clone(),
        occurred_at: Some(to_proto_ts(at)),
        actor: Some(actor_proto(actor)),
        case_version: after.version,
        payload: Some(payload(kind, after)),
    };
    OutboxRecord {
        id: 0,
        event_id,
        topic: CASE_EVENTS_TOPIC.to_owned(),
        key: after.id.to_string(),
        event_type: CASE_EVENT_TYPE.to_owned(),
        payload: event.encode_to_vec(),
        traceparent: None,
    }
}
