//! Reading a case from the case service with notify's own service token:
//! the only place notify learns a citizen's contact details and the official
//! answer (events carry ids and codes only, ADR 0003).

use jiff::Timestamp;
use tekmerkez_case_client::CaseClient;
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tekmerkez_types::contact::{SocialAddress, SocialPlatform};

/// What notify needs of a case (personal data: `Debug` hides it).
#[derive(Clone, Default)]
pub struct CaseView {
    pub id: String,
    pub tracking_number: String,
    /// Urgent cases are not deferred by quiet hours.
    pub urgent: bool,
    pub information_only: bool,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Applicant's name.
    pub name: Option<String>,
    /// Whether KVKK consent is on record.
    pub has_consent: bool,
    /// The official answer, once closed.
    pub official_answer: Option<String>,
    /// When it was opened.
    pub created_at: Option<Timestamp>,
    /// Whether the satisfaction survey was answered (on the phone too).
    pub survey_answered: bool,
    /// Where the application came in.
    pub channel: common::Channel,
    /// How the citizen wants the answer.
    pub reply_channel: common::ReplyChannel,
    /// The social-media conversation to reply in.
    pub social: Option<SocialAddress>,
    /// The channel's own reference of the application (an e-mail's
    /// Message-ID: notify's e-mails answer it).
    pub source_reference: Option<String>,
    /// When the case service recorded the citizen's later messages in the
    /// social-media conversation (notes of channel `SOCIAL_MEDIA`).
    pub social_follow_ups: Vec<Timestamp>,
    /// The outage the report joined: planned or not, and its expected end.
    pub outage: Option<(bool, Option<Timestamp>)>,
}

impl CaseView {
    /// When the citizen last wrote in the conversation: the platforms'
    /// customer-service window runs from it.
    pub fn last_social_message_at(&self) -> Option<Timestamp> {
        let first = self
            .social
            .as_ref()
            .and_then(|s| s.message_at)
            .and_then(|m| Timestamp::from_microsecond(m).ok());
        first
            .into_iter()
            .chain(self.social_follow_ups.iter().copied())
            .max()
    }
}

/// The code of a `tekmerkez.common.v1.ReplyChannel` number, as rules name
/// reply channels (`""` for none or unknown).
pub fn reply_code(r: i32) -> &'static str {
    match common::ReplyChannel::try_from(r) {
        Ok(common::ReplyChannel::Sms) => "sms",
        Ok(common::ReplyChannel::PhoneCallback) => "phone_callback",
        Ok(common::ReplyChannel::Email) => "email",
        Ok(common::ReplyChannel::Letter) => "letter",
        Ok(common::ReplyChannel::NoContact) => "no_contact",
        Ok(common::ReplyChannel::Social) => "social",
        _ => "",
    }
}

impl std::fmt::Debug for CaseView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseView")
            .field("id", &self.id)
            .field("urgent", &self.urgent)
            .field("has_phone", &self.phone.is_some())
            .field("has_email", &self.email.is_some())
            .field("social", &self.social)
            .field("channel", &self.channel)
            .field("reply_channel", &self.reply_channel)
            .field("has_consent", &self.has_consent)
            .field("survey_answered", &self.survey_answered)
            .finish_non_exhaustive()
    }
}

/// Why a case could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The case service does not know it.
    #[error("the case service does not know the case")]
    NotFound,
    /// The case service is unreachable, slow, or refused notify's credential.
    #[error("the case service is unavailable ({0:?})")]
    Unavailable(tonic::Code),
}

/// Where cases are read from, and where a citizen the answer did not
/// reach is reported.
#[async_trait::async_trait]
pub trait CaseReader: Send + Sync + std::fmt::Debug + 'static {
    /// The case `case_id`.
    ///
    /// # Errors
    /// [`ReadError`].
    async fn get(&self, case_id: &str) -> Result<CaseView, ReadError>;

    /// Marks `case_id` "citizen not reached" by `delivery_id` on `channel`
    /// for `reason` (a code); `Ok(false)` when that delivery was reported before.
    ///
    /// # Errors
    /// [`ReadError`].
    async fn mark_not_reached(
        &self,
        case_id: &str,
        delivery_id: &str,
        channel: &str,
        reason: &str,
    ) -> Result<bool, ReadError>;
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl From<pb::Case> for CaseView {
    fn from(c: pb::Case) -> Self {
        let contact = c.contact.unwrap_or_default();
        Self {
            id: c.id,
            tracking_number: c.tracking_number,
            urgent: c.urgency == common::Urgency::Urgent as i32,
            information_only: c.information_only,
            // A masked contact is no contact: notify must see it unmasked.
            phone: if c.contact_masked {
                None
            } else {
                non_empty(contact.phone)
            },
            email: if c.contact_masked {
                None
            } else {
                non_empty(contact.email)
            },
            name: if c.contact_masked {
                None
            } else {
                non_empty(contact.name)
            },
            has_consent: c.consent.is_some(),
            official_answer: non_empty(c.official_answer),
            created_at: c
                .created_at
                .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok()),
            survey_answered: c.survey.is_some(),
            channel: common::Channel::try_from(c.channel).unwrap_or_default(),
            reply_channel: common::ReplyChannel::try_from(c.reply_channel).unwrap_or_default(),
            social: if c.contact_masked {
                None
            } else {
                contact.social.as_ref().and_then(social_address)
            },
            source_reference: non_empty(c.source_reference),
            outage: match pb::IncidentKind::try_from(c.incident_kind) {
                Ok(k @ (pb::IncidentKind::PlannedOutage | pb::IncidentKind::UnplannedOutage)) => {
                    Some((
                        k == pb::IncidentKind::PlannedOutage,
                        c.incident_expected_end_at
                            .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok()),
                    ))
                }
                _ => None,
            },
            social_follow_ups: c
                .notes
                .iter()
                .filter(|n| {
                    n.author == pb::NoteAuthor::Citizen as i32
                        && n.channel == common::Channel::SocialMedia as i32
                })
                .filter_map(|n| n.created_at.as_ref())
                .filter_map(|t| Timestamp::new(t.seconds, t.nanos).ok())
                .collect(),
        }
    }
}

/// The conversation's address as the contract carries it; `None` for one
/// that does not parse (it could not be written to).
fn social_address(s: &common::SocialAddress) -> Option<SocialAddress> {
    let platform = match common::SocialPlatform::try_from(s.platform).ok()? {
        common::SocialPlatform::Whatsapp => SocialPlatform::WhatsApp,
        common::SocialPlatform::Messenger => SocialPlatform::Messenger,
        common::SocialPlatform::Instagram => SocialPlatform::Instagram,
        common::SocialPlatform::X => SocialPlatform::X,
        common::SocialPlatform::Unspecified => return None,
    };
    let at = s
        .message_at
        .as_ref()
        .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok())
        .map(Timestamp::as_microsecond);
    SocialAddress::parse(platform, &s.account_id, &s.user_id, at).ok()
}

/// The case service over gRPC.
#[derive(Debug, Clone)]
pub struct GrpcCaseReader {
    /// Calls carry notify's token and the case-service deadline.
    client: CaseClient,
}

impl GrpcCaseReader {
    /// A reader calling through `client`.
    pub fn new(client: CaseClient) -> Self {
        Self { client }
    }
}

#[async_trait::async_trait]
impl CaseReader for GrpcCaseReader {
    async fn get(&self, case_id: &str) -> Result<CaseView, ReadError> {
        let req = tonic::Request::new(pb::GetCaseRequest {
            case_id: case_id.to_owned(),
            tracking_number: String::new(),
        });
        match self.client.clone().get_case(req).await {
            Ok(r) => r
                .into_inner()
                .case
                .map(CaseView::from)
                .ok_or(ReadError::Unavailable(tonic::Code::Internal)),
            // A malformed id is a case that does not exist, too.
            Err(s)
                if matches!(
                    s.code(),
                    tonic::Code::NotFound | tonic::Code::InvalidArgument
                ) =>
            {
                Err(ReadError::NotFound)
            }
            Err(s) => Err(ReadError::Unavailable(s.code())),
        }
    }

    async fn mark_not_reached(
        &self,
        case_id: &str,
        delivery_id: &str,
        channel: &str,
        reason: &str,
    ) -> Result<bool, ReadError> {
        let req = tonic::Request::new(pb::MarkCitizenNotReachedRequest {
            case_id: case_id.to_owned(),
            delivery_id: delivery_id.to_owned(),
            channel: channel.to_owned(),
            reason: reason.to_owned(),
        });
        match self.client.clone().mark_citizen_not_reached(req).await {
            Ok(r) => Ok(r.into_inner().marked),
            Err(s) if s.code() == tonic::Code::NotFound => Err(ReadError::NotFound),
            Err(s) => Err(ReadError::Unavailable(s.code())),
        }
    }
}
