//! The domain's closed sets. Each has a stable lower-case code for storage,
//! and conversions from and to its protobuf enum; the protobuf
//! `*_UNSPECIFIED` value and unknown numbers have no domain value, so they
//! are rejected at the edge.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};

macro_rules! domain_enum {
    ($(#[$doc:meta])* $name:ident, $pb:ty, { $($(#[$vdoc:meta])* $variant:ident = $code:literal => $pbv:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The storage code.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// Parses a storage code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            /// The protobuf value.
            pub fn to_proto(self) -> $pb {
                match self { $(Self::$variant => <$pb>::$pbv),+ }
            }

            /// The domain value of a protobuf number; `None` for unspecified or unknown.
            pub fn from_proto(n: i32) -> Option<Self> {
                match <$pb>::try_from(n).ok()? { $(<$pb>::$pbv => Some(Self::$variant),)+ #[allow(unreachable_patterns)] _ => None }
            }
        }
    };
}

domain_enum!(
    /// Where an application came in.
    Channel, common::Channel, {
        /// Web form.
        WebForm = "web_form" => WebForm,
        /// Mobile app.
        MobileApp = "mobile_app" => MobileApp,
        Email = "email" => Email,
        /// Social media.
        SocialMedia = "social_media" => SocialMedia,
        /// Phone or IVR.
        Phone = "phone" => Phone,
        /// Letter.
        Written = "written" => Written,
        /// Counter visit.
        FaceToFace = "face_to_face" => FaceToFace,
        /// Video meeting.
        Video = "video" => Video,
        /// Partner hand-over.
        Partner = "partner" => Partner,
    }
);

domain_enum!(
    /// How the citizen wants the answer.
    ReplyChannel, common::ReplyChannel, {
        /// Text message.
        Sms = "sms" => Sms,
        /// Phone callback.
        PhoneCallback = "phone_callback" => PhoneCallback,
        Email = "email" => Email,
        /// A posted letter.
        Letter = "letter" => Letter,
        /// None can be sent: the citizen left no contact detail (a social
        /// conversation that never gave a phone number).
        NoContact = "no_contact" => NoContact,
        /// In the social-media conversation the application came from.
        Social = "social" => Social,
    }
);

domain_enum!(
    /// Whether a case may wait its turn in arrival order.
    Urgency, common::Urgency, {
        /// Arrival order.
        Normal = "normal" => Normal,
        /// Cannot wait.
        Urgent = "urgent" => Urgent,
    }
);

impl Urgency {
    /// Sort rank: higher is more urgent.
    pub fn rank(self) -> i64 {
        match self {
            Self::Normal => 1,
            Self::Urgent => 2,
        }
    }
}

domain_enum!(
    /// A case's life-cycle status.
    CaseStatus, pb::CaseStatus, {
        /// In the pool's unassigned list.
        InPool = "in_pool" => InPool,
        /// Held by an expert.
        Held = "held" => Held,
        /// Closed by the expert, waiting for a phone callback.
        AwaitingCallback = "awaiting_callback" => AwaitingCallback,
        /// Done.
        Resolved = "resolved" => Resolved,
    }
);

domain_enum!(
    /// A user's role.
    Role, pb::Role, {
        /// Everything.
        Admin = "admin" => Admin,
        /// Havuz yöneticisi.
        PoolManager = "pool_manager" => PoolManager,
        /// Kurum uzmanı.
        Expert = "expert" => Expert,
        /// Geri dönüş temsilcisi.
        CallbackAgent = "callback_agent" => CallbackAgent,
        /// Call-centre and front-desk staff.
        CallCentreAgent = "call_centre_agent" => CallCentreAgent,
        /// A partner institution's client.
        PartnerClient = "partner_client" => PartnerClient,
        /// Müdürlük yöneticisi: a pool manager of every pool of one directorate.
        DirectorateManager = "directorate_manager" => DirectorateManager,
        /// KVKK sorumlusu: the audit trail and data subjects' requests.
        KvkkOfficer = "kvkk_officer" => KvkkOfficer,
    }
);

domain_enum!(
    /// The result of a callback attempt.
    CallbackOutcome, pb::CallbackOutcome, {
        /// Reached and informed.
        Reached = "reached" => Reached,
        /// Not reached; try again.
        NotReached = "not_reached" => NotReached,
        /// Cannot be reached.
        Unreachable = "unreachable" => Unreachable,
    }
);

domain_enum!(
    /// A task step's kind.
    HistoryAction, pb::HistoryAction, {
        Opened = "opened" => Opened,
        /// Claimed by an expert.
        Claimed = "claimed" => Claimed,
        /// Assigned or moved by a pool manager.
        Assigned = "assigned" => Assigned,
        /// Moved to another pool.
        Transferred = "transferred" => Transferred,
        /// Note added.
        NoteAdded = "note_added" => NoteAdded,
        /// Official answer saved.
        ClosedByExpert = "closed_by_expert" => ClosedByExpert,
        /// Claimed from the callback pool.
        CallbackClaimed = "callback_claimed" => CallbackClaimed,
        /// Callback attempt recorded.
        CallbackRecorded = "callback_recorded" => CallbackRecorded,
        Resolved = "resolved" => Resolved,
        Reopened = "reopened" => Reopened,
        /// The citizen's follow-up message added.
        CitizenMessageAdded = "citizen_message_added" => CitizenMessageAdded,
        /// Province corrected (on a transfer).
        ProvinceCorrected = "province_corrected" => ProvinceCorrected,
        /// District corrected (on a transfer).
        DistrictCorrected = "district_corrected" => DistrictCorrected,
        /// Category corrected (on a transfer).
        CategoryCorrected = "category_corrected" => CategoryCorrected,
        /// A message carrying the answer could not be delivered.
        CitizenNotReached = "citizen_not_reached" => CitizenNotReached,
        /// Someone acted on the "not reached" mark.
        NotReachedResolved = "not_reached_resolved" => NotReachedResolved,
        /// The citizen's satisfaction score recorded.
        SurveyAnswered = "survey_answered" => SurveyAnswered,
        /// The answer letter posted.
        LetterPosted = "letter_posted" => LetterPosted,
        /// The application type changed by an agent.
        TypeChanged = "type_changed" => TypeChanged,
        /// The legal due date extended (Law 4982).
        LegalDeadlineExtended = "legal_deadline_extended" => LegalDeadlineExtended,
        /// Waiting for the citizen's missing information started.
        AwaitingCitizenStarted = "awaiting_citizen_started" => AwaitingCitizenStarted,
        /// The wait for the citizen ended.
        AwaitingCitizenEnded = "awaiting_citizen_ended" => AwaitingCitizenEnded,
        /// A due date passed with the case open.
        DeadlineOverdue = "deadline_overdue" => DeadlineOverdue,
        /// Escalated to the directorate's manager.
        DeadlineEscalated = "deadline_escalated" => DeadlineEscalated,
        /// A legal due date given to a case opened before due dates existed.
        DeadlinesBackfilled = "deadlines_backfilled" => DeadlinesBackfilled,
        /// Linked to an incident.
        LinkedToIncident = "linked_to_incident" => LinkedToIncident,
        /// Taken out of an incident.
        UnlinkedFromIncident = "unlinked_from_incident" => UnlinkedFromIncident,
        /// Merged into the citizen's other record.
        MergedInto = "merged_into" => MergedInto,
        /// A duplicate of the citizen merged in.
        DuplicateMerged = "duplicate_merged" => DuplicateMerged,
        /// Given to an expert by automatic assignment.
        AutoAssigned = "auto_assigned" => AutoAssigned,
    }
);

domain_enum!(
    /// What the callback unit did about a citizen the answer could not reach.
    NotReachedOutcome, pb::NotReachedOutcome, {
        /// Phoned and gave the answer.
        Called = "called" => Called,
        /// Reached on another channel.
        OtherChannel = "other_channel" => OtherChannel,
        /// The answer goes by post.
        Letter = "letter" => Letter,
        /// Cannot be reached.
        GaveUp = "gave_up" => GaveUp,
    }
);

domain_enum!(
    /// How a satisfaction score reached the case.
    SurveySource, pb::SurveySource, {
        /// The citizen answered the signed survey link.
        Link = "link" => Link,
        /// The callback agent asked during the callback.
        PhoneCallback = "phone_callback" => PhoneCallback,
        /// The IVR asked after a call.
        Ivr = "ivr" => Ivr,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_code_and_its_proto() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.as_str()), Some(*c));
            assert_eq!(Channel::from_proto(c.to_proto() as i32), Some(*c));
        }
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_code(s.as_str()), Some(*s));
            assert_eq!(CaseStatus::from_proto(s.to_proto() as i32), Some(*s));
        }
        for r in Role::ALL {
            assert_eq!(Role::from_proto(r.to_proto() as i32), Some(*r));
        }
        for o in NotReachedOutcome::ALL {
            assert_eq!(NotReachedOutcome::from_code(o.as_str()), Some(*o));
            assert_eq!(NotReachedOutcome::from_proto(o.to_proto() as i32), Some(*o));
        }
        for r in ReplyChannel::ALL {
            assert_eq!(ReplyChannel::from_code(r.as_str()), Some(*r));
            assert_eq!(ReplyChannel::from_proto(r.to_proto() as i32), Some(*r));
        }
        for s in SurveySource::ALL {
            assert_eq!(SurveySource::from_code(s.as_str()), Some(*s));
            assert_eq!(SurveySource::from_proto(s.to_proto() as i32), Some(*s));
        }
    }

    #[test]
    fn unspecified_and_unknown_proto_values_have_no_domain_value() {
        assert_eq!(Channel::from_proto(0), None);
        assert_eq!(Channel::from_proto(999), None);
        assert_eq!(Role::from_proto(-1), None);
    }
}

domain_enum!(
    /// What happened.
    IncidentKind, pb::IncidentKind, {
        /// Planlı kesinti.
        PlannedOutage = "planned_outage" => PlannedOutage,
        /// Plansız kesinti.
        UnplannedOutage = "unplanned_outage" => UnplannedOutage,
        /// Arıza or another place-bound event.
        Fault = "fault" => Fault,
    }
);

domain_enum!(
    /// Where an incident stands.
    IncidentStatus, pb::IncidentStatus, {
        Open = "open" => Open,
        Closed = "closed" => Closed,
    }
);

domain_enum!(
    /// How a report came to be linked.
    LinkMethod, pb::IncidentLinkMethod, {
        Manual = "manual" => Manual,
        Bulk = "bulk" => Bulk,
        Automatic = "automatic" => Automatic,
    }
);
