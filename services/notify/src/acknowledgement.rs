//! One acknowledgement per application, with its tracking number, and on
//! which channel (issue 16): the one place that decides it.
//!
//! 1. Written and counter applications (`WRITTEN`, `FACE_TO_FACE`) are
//!    acknowledged by the printed receipt the desk hands over: nothing is sent.
//! 2. Otherwise on the reply channel, when it can carry a message and the
//!    contact detail is there: SMS to a mobile number, e-mail, the
//!    social-media conversation.
//! 3. If not (a letter, a phone callback, a missing detail): on the channel
//!    the application came from, when one can reply there (an e-mail to the
//!    address it came from; a message in the conversation).
//! 4. Else by SMS to a mobile number, as before issue 16 (a web-form or
//!    app applicant who asked for a letter or a callback).
//! 5. Else nothing: there is no one to write to.
//!
//! The rules that send acknowledgements stay data an admin edits (a rule for
//! an opened case that is not information-only is an acknowledgement; the
//! defaults are `basvuru_alindi` by SMS, `basvuru_alindi_eposta` and
//! `basvuru_alindi_sosyal`): [`select`] keeps, of the rules that matched an
//! opened case, only the one whose channel [`choose`] picked, and none once
//! one of them was recorded for the event, so a redelivered event (or an
//! edit between two deliveries) never acknowledges twice.

use tekmerkez_proto::common_v1 as common;

use crate::{
    cases::CaseView,
    catalogue::{Channel, Facts, Rule, Trigger},
};

/// How an application is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledgement {
    /// A message on this channel.
    Send(Channel),
    /// The printed receipt the desk handed over.
    Receipt,
    /// Nobody to write to.
    Nothing,
}

/// Which contact details can carry a message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// A mobile number (an SMS reaches nothing else).
    pub mobile: bool,
    /// An e-mail address.
    pub email: bool,
    /// A social-media conversation.
    pub social: bool,
}

/// The acknowledgement of an application that came in on `origin`, to be
/// answered by `reply`, with the contact details `reach`.
pub fn choose(
    origin: common::Channel,
    reply: common::ReplyChannel,
    reach: Reach,
) -> Acknowledgement {
    use Acknowledgement::{Nothing, Receipt, Send};
    use common::{Channel as From, ReplyChannel as Reply};
    if matches!(origin, From::Written | From::FaceToFace) {
        return Receipt;
    }
    match reply {
        Reply::Sms if reach.mobile => return Send(Channel::Sms),
        Reply::Email if reach.email => return Send(Channel::Email),
        Reply::Social if reach.social => return Send(Channel::Social),
        _ => {}
    }
    match origin {
        From::Email if reach.email => return Send(Channel::Email),
        From::SocialMedia if reach.social => return Send(Channel::Social),
        _ => {}
    }
    if reach.mobile {
        Send(Channel::Sms)
    } else {
        Nothing
    }
}

/// The acknowledgement of `case`.
pub fn of_case(case: &CaseView) -> Acknowledgement {
    choose(
        case.channel,
        case.reply_channel,
        Reach {
            mobile: case
                .phone
                .as_deref()
                .is_some_and(crate::survey::reaches_by_sms),
            email: case.email.is_some(),
            social: case.social.is_some(),
        },
    )
}

/// Whether `rule` sends an acknowledgement.
pub fn acknowledges(rule: &Rule) -> bool {
    rule.trigger == Trigger::CaseOpened && rule.information_only != Some(true)
}

/// Of `rules` (those that matched the event), the ones to apply: for an
/// opened case that is not information-only only the acknowledgement on the
/// channel [`of_case`] picks, and none when one was `recorded_before` for
/// this event. For an unknown `case` the first acknowledgement rule stays,
/// so its failure (`unknown_case`) is recorded once.
pub fn select<'r>(
    rules: Vec<&'r Rule>,
    facts: &Facts<'_>,
    case: Option<&CaseView>,
    recorded_before: bool,
) -> Vec<&'r Rule> {
    if facts.trigger != Trigger::CaseOpened || facts.information_only {
        return rules;
    }
    let ack = case.map(of_case);
    let mut kept_unknown = false;
    rules
        .into_iter()
        .filter(|r| {
            if !acknowledges(r) {
                return true;
            }
            if recorded_before {
                return false;
            }
            match ack {
                Some(Acknowledgement::Send(c)) => r.channel == c,
                Some(_) => false,
                None => !std::mem::replace(&mut kept_unknown, true),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Acknowledgement::{Nothing, Receipt, Send};
    use common::{Channel as From, ReplyChannel as Reply};

    const ALL: Reach = Reach {
        mobile: true,
        email: true,
        social: true,
    };
    const MOBILE: Reach = Reach {
        mobile: true,
        email: false,
        social: false,
    };
    const EMAIL: Reach = Reach {
        mobile: false,
        email: true,
        social: false,
    };
    const SOCIAL: Reach = Reach {
        mobile: false,
        email: false,
        social: true,
    };
    const NONE: Reach = Reach {
        mobile: false,
        email: false,
        social: false,
    };
    const EMAIL_AND_MOBILE: Reach = Reach {
        mobile: true,
        email: true,
        social: false,
    };
    const SOCIAL_AND_MOBILE: Reach = Reach {
        mobile: true,
        email: false,
        social: true,
    };

    #[test]
    fn the_acknowledgement_channel_by_channel_reply_channel_and_contact() {
        let table = [
            // Written and counter applications: the printed receipt, whatever else.
            (From::Written, Reply::Sms, ALL, Receipt),
            (From::Written, Reply::Letter, NONE, Receipt),
            (From::FaceToFace, Reply::Email, EMAIL, Receipt),
            (From::FaceToFace, Reply::PhoneCallback, MOBILE, Receipt),
            // The reply channel, when it can carry it.
            (From::WebForm, Reply::Sms, ALL, Send(Channel::Sms)),
            (
                From::MobileApp,
                Reply::Email,
                EMAIL_AND_MOBILE,
                Send(Channel::Email),
            ),
            (
                From::SocialMedia,
                Reply::Social,
                SOCIAL_AND_MOBILE,
                Send(Channel::Social),
            ),
            (From::Partner, Reply::Email, EMAIL, Send(Channel::Email)),
            // E-mail applicants: by e-mail, unless they asked for an SMS reply.
            (From::Email, Reply::Email, EMAIL, Send(Channel::Email)),
            (
                From::Email,
                Reply::Sms,
                EMAIL_AND_MOBILE,
                Send(Channel::Sms),
            ),
            (
                From::Email,
                Reply::PhoneCallback,
                EMAIL_AND_MOBILE,
                Send(Channel::Email),
            ),
            (From::Email, Reply::Letter, EMAIL, Send(Channel::Email)),
            // Social applicants: in the conversation, also with a callback reply.
            (
                From::SocialMedia,
                Reply::PhoneCallback,
                SOCIAL_AND_MOBILE,
                Send(Channel::Social),
            ),
            (
                From::SocialMedia,
                Reply::Sms,
                SOCIAL_AND_MOBILE,
                Send(Channel::Sms),
            ),
            (
                From::SocialMedia,
                Reply::PhoneCallback,
                MOBILE,
                Send(Channel::Sms),
            ),
            // A letter or a callback: the SMS as before, when there is a mobile.
            (From::WebForm, Reply::Letter, MOBILE, Send(Channel::Sms)),
            (
                From::MobileApp,
                Reply::PhoneCallback,
                MOBILE,
                Send(Channel::Sms),
            ),
            (
                From::Phone,
                Reply::PhoneCallback,
                MOBILE,
                Send(Channel::Sms),
            ),
            (From::Video, Reply::Sms, MOBILE, Send(Channel::Sms)),
            (From::WebForm, Reply::PhoneCallback, EMAIL, Nothing),
            (From::Phone, Reply::PhoneCallback, NONE, Nothing),
            // The reply channel without its detail falls through.
            (From::WebForm, Reply::Email, MOBILE, Send(Channel::Sms)),
            (From::SocialMedia, Reply::Social, MOBILE, Send(Channel::Sms)),
            (From::Partner, Reply::Social, NONE, Nothing),
            (
                From::SocialMedia,
                Reply::NoContact,
                SOCIAL,
                Send(Channel::Social),
            ),
        ];
        for (origin, reply, reach, want) in table {
            assert_eq!(
                choose(origin, reply, reach),
                want,
                "{origin:?} → {reply:?} with {reach:?}"
            );
        }
    }

    fn rule(key: &str, channel: Channel, information_only: Option<bool>) -> Rule {
        let mut r = crate::catalogue::default_rules().remove(0);
        r.key = key.into();
        r.channel = channel;
        r.information_only = information_only;
        r
    }

    fn opened() -> Facts<'static> {
        Facts {
            trigger: Trigger::CaseOpened,
            information_only: false,
            reply_channel: "email",
        }
    }

    #[test]
    fn of_the_acknowledgement_rules_only_the_chosen_channels_applies_and_only_once() {
        let sms = rule("basvuru_alindi", Channel::Sms, Some(false));
        let email = rule("basvuru_alindi_eposta", Channel::Email, Some(false));
        let social = rule("basvuru_alindi_sosyal", Channel::Social, None);
        let info = rule("bilgi_verildi", Channel::Sms, Some(true));
        let mut case = CaseView {
            channel: From::Email,
            reply_channel: Reply::Email,
            email: Some("vatandas@ornek.com.tr".into()),
            phone: Some("+905321234567".into()),
            ..CaseView::default()
        };
        let keys = |v: Vec<&Rule>| v.into_iter().map(|r| r.key.clone()).collect::<Vec<_>>();
        let all = || vec![&sms, &email, &social, &info];
        assert_eq!(
            keys(select(all(), &opened(), Some(&case), false)),
            ["basvuru_alindi_eposta", "bilgi_verildi"]
        );
        assert_eq!(
            keys(select(all(), &opened(), Some(&case), true)),
            ["bilgi_verildi"],
            "already acknowledged"
        );
        case.channel = From::Written;
        assert_eq!(
            keys(select(all(), &opened(), Some(&case), false)),
            ["bilgi_verildi"],
            "the receipt did"
        );
        assert_eq!(
            keys(select(all(), &opened(), None, false)),
            ["basvuru_alindi", "bilgi_verildi"],
            "one failure for an unknown case"
        );
        let resolved = Facts {
            trigger: Trigger::CaseResolved,
            ..opened()
        };
        assert_eq!(
            select(all(), &resolved, Some(&case), true).len(),
            4,
            "other events are not acknowledgements"
        );
        let information_only = Facts {
            information_only: true,
            ..opened()
        };
        assert_eq!(select(all(), &information_only, Some(&case), true).len(), 4);
    }
}
