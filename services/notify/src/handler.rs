//! The consumer of `case.events.v1`: each event is matched against the
//! rules; for each rule that applies, one delivery is written to the log
//! (rendered from its template, with the quiet-hours due time), keyed by
//! `<event id>:<rule key>` so a redelivered event writes nothing new. The
//! bus position is committed by the consumer loop only after this returns,
//! that is after the deliveries are durable; the sender
//! ([`crate::dispatch`]) takes them from there.
//!
//! An event for a case the case service does not know is read again
//! `case_service.unknown_case_attempts` times, then its deliveries are
//! recorded as failed with reason `unknown_case` (never a crash, never a
//! silent drop); a template that cannot be rendered does the same with its
//! reason.
//!
//! An SMS goes only to a mobile number: a landline or an `0850` number the
//! applicant gave (for a callback or beside a letter reply) gets none.
//!
//! A resolved case (not information-only) is also a `survey_due` fact: of
//! the survey rules, only the one of the channel [`survey::channel_for`]
//! picks applies, once per case (its key is `survey:<case id>`), not when
//! the survey was already answered (on the phone) or the citizen opted out,
//! after `survey.delay_minutes` and outside quiet hours, whatever the
//! case's urgency.

use std::{sync::Arc, time::Duration};

use jiff::Timestamp;
use prost::Message as _;
use tekmerkez_bus::{
    Envelope,
    consumer::{HandleError, Handler},
};
use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{
    acknowledgement,
    cases::{CaseReader, CaseView, ReadError, reply_code},
    catalogue::{CatalogueCache, Channel, Facts, Rule, Snapshot, Timing, Trigger},
    email, gsm,
    quiet::QuietHours,
    store::{DeliveryState, NewDelivery, NotifyStore},
    survey::{self, Links, OptOuts, reaches_by_sms},
    template::{self, Escape, Variables},
};

/// What the handler needs besides the store and the case service.
#[derive(Debug, Clone)]
pub struct HandlerSettings {
    /// Templates' language.
    pub locale: String,
    /// `{{institution}}`.
    pub institution: String,
    /// `{{tracking_url}}`.
    pub tracking_url: String,
    /// Quiet hours, when on.
    pub quiet: Option<QuietHours>,
    /// How fresh an application must be for its acknowledgement to skip quiet hours.
    pub fresh: Duration,
    /// `Message-ID` domain.
    pub message_id_domain: String,
    /// Reads of an unknown case before giving up.
    pub unknown_case_attempts: u32,
    /// Pause between them.
    pub unknown_case_backoff: Duration,
    /// Events older than this send nothing (`None`: no limit).
    pub max_event_age: Option<Duration>,
    /// The citizens' signed links (`{{status_url}}`, `{{survey_url}}`).
    pub links: Links,
    /// The survey, when it can be sent (signed links and a contact key set).
    pub survey: Option<SurveyRuntime>,
}

/// What sending surveys needs.
#[derive(Debug, Clone)]
pub struct SurveyRuntime {
    /// The opt-out list, checked before each survey.
    pub opt_outs: OptOuts,
    /// How long after the resolution the survey goes.
    pub delay: Duration,
}

/// Turns case events into deliveries.
#[derive(Debug, Clone)]
pub struct NotifyHandler {
    store: NotifyStore,
    catalogue: CatalogueCache,
    cases: Arc<dyn CaseReader>,
    settings: HandlerSettings,
    /// Wakes the sender when something new is due.
    wake: Arc<Notify>,
}

/// The reply code of a case the citizen left no contact detail for: nothing
/// is sent for it, whatever the rules say (there is nobody to send it to).
const NO_CONTACT: &str = "no_contact";

/// Whether `rule`'s message carries the official answer: sent after the
/// case was answered, with a template that names the answer. Such a message
/// failing for good leaves the citizen without the answer, so the case is
/// marked "citizen not reached" ([`crate::not_reached`]).
fn carries_answer(rule: &Rule, snap: &Snapshot) -> bool {
    rule.trigger != Trigger::CaseOpened
        && snap
            .templates
            .iter()
            .filter(|t| t.key == rule.template)
            .any(|t| {
                [&t.body, &t.subject, &t.html].iter().any(|text| {
                    template::used_variables(text)
                        .is_ok_and(|v| v.iter().any(|n| n == "official_answer"))
                })
            })
}

fn permanent(kind: &'static str, e: impl Into<anyhow::Error>) -> HandleError {
    HandleError::Permanent {
        kind,
        source: e.into(),
    }
}

fn unavailable(what: &'static str, e: impl std::fmt::Debug) -> HandleError {
    HandleError::Unavailable(anyhow::anyhow!("{what}: {e:?}"))
}

impl NotifyHandler {
    /// A handler writing to `store`, reading cases from `cases`.
    pub fn new(
        store: NotifyStore,
        catalogue: CatalogueCache,
        cases: Arc<dyn CaseReader>,
        settings: HandlerSettings,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            catalogue,
            cases,
            settings,
            wake,
        }
    }

    async fn read_case(&self, case_id: &str) -> Result<Option<CaseView>, HandleError> {
        let mut attempt = 0;
        loop {
            match self.cases.get(case_id).await {
                Ok(c) => return Ok(Some(c)),
                Err(ReadError::Unavailable(code)) => return Err(unavailable("case service", code)),
                Err(ReadError::NotFound) => {
                    attempt += 1;
                    if attempt >= self.settings.unknown_case_attempts {
                        return Ok(None);
                    }
                    tracing::warn!(
                        case_id,
                        attempt,
                        "the case service does not know the case; reading it again"
                    );
                    tokio::time::sleep(self.settings.unknown_case_backoff).await;
                }
            }
        }
    }

    /// The delivery `rule` makes of `event` about `case` (`None`: the rule
    /// does not apply to this citizen, for lack of a contact or consent).
    fn delivery(
        &self,
        snap: &Snapshot,
        rule: &Rule,
        event: &pb::CaseEvent,
        case: Option<&CaseView>,
        now: Timestamp,
    ) -> Option<NewDelivery> {
        // As printed for citizens: XXXXX-XXXXX.
        let tracking = tekmerkez_tracking::TrackingNumber::parse(&event.tracking_number)
            .map_or_else(|_| event.tracking_number.clone(), |t| t.to_string());
        let is_survey = rule.trigger == Trigger::SurveyDue;
        let mut d = NewDelivery {
            id: Uuid::now_v7(),
            // One survey per case, whatever event asked for it.
            idempotency_key: if is_survey {
                survey::idempotency_key(&event.case_id)
            } else {
                format!("{}:{}", event.event_id, rule.key)
            },
            event_id: event.event_id.clone(),
            case_id: event.case_id.clone(),
            tracking_number: tracking.clone(),
            kind: rule.key.clone(),
            channel: rule.channel.as_str().to_owned(),
            rule_version: rule.version,
            template_key: rule.template.clone(),
            template_locale: self.settings.locale.clone(),
            template_version: 0,
            state: DeliveryState::Pending,
            reason: None,
            recipient: None,
            subject: None,
            body: None,
            html: None,
            message_id: None,
            in_reply_to: None,
            encoding: None,
            segments: None,
            urgent: case.is_some_and(|c| c.urgent),
            deferred: false,
            due_at: now.as_microsecond(),
            created_at: now.as_microsecond(),
            carries_answer: false,
        };
        let fail = |mut d: NewDelivery, reason: &str| {
            d.state = DeliveryState::Failed;
            d.reason = Some(reason.to_owned());
            Some(d)
        };
        let Some(case) = case else {
            return fail(d, "unknown_case");
        };
        let occurred = event
            .occurred_at
            .as_ref()
            .and_then(|t| Timestamp::new(t.seconds, t.nanos).ok())
            .unwrap_or(now);
        // Too old to act on (a replay, demo data): held back on purpose, so
        // no citizen is marked not reached for it.
        let stale = self
            .settings
            .max_event_age
            .is_some_and(|max| now.duration_since(occurred).unsigned_abs() > max && occurred < now);
        d.carries_answer = !stale && carries_answer(rule, snap);
        let recipient = match rule.channel {
            Channel::Sms => case.phone.clone().filter(|p| reaches_by_sms(p)),
            Channel::Email => case.email.clone(),
            Channel::Social => crate::social::recipient(case),
        };
        if rule.require_consent && !case.has_consent {
            return None;
        }
        // The answer on the channel the citizen chose, with no address to
        // send it to, is a citizen not reached, not a rule that did not apply.
        let Some(recipient) = recipient else {
            if d.carries_answer {
                return fail(d, "no_recipient");
            }
            return None;
        };
        if stale {
            return fail(d, "stale_event");
        }
        let Some(t) = snap.template(&rule.template, &self.settings.locale) else {
            return fail(d, "template_missing");
        };
        d.template_locale.clone_from(&t.locale);
        d.template_version = t.version;
        let name = case
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let mut vars = case_variables(
            &self.settings,
            &t.locale,
            &tracking,
            &event.case_id,
            name,
            case.official_answer.as_deref(),
            occurred,
            now,
        );
        let links = &self.settings.links;
        vars.set(
            "outage_notice",
            case.outage.map_or_else(String::new, |(planned, end)| {
                let english = t.locale == "en";
                tekmerkez_workdays::outage_notice(planned, end, now, english) + " "
            }),
        );
        if is_survey {
            if let Some(url) = links.survey_url(&event.case_id, now) {
                vars.set("survey_url", url);
            }
            if let Some(s) = &self.settings.survey {
                vars.set("opt_out_keyword", s.opt_outs.keyword().to_owned());
            }
        }
        // The extension's new due date, as Turkish dates are written.
        if let Some(pb::case_event::Payload::LegalDeadlineExtended(x)) = &event.payload
            && let Ok(due) = x.to_due_date.parse::<jiff::civil::Date>()
        {
            vars.set("legal_due_date", due.strftime("%d.%m.%Y").to_string());
        }
        let rendered = match render_message(t, rule.channel, &vars, &tracking) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(template = %t.key, locale = %t.locale, version = t.version, error.kind = e.kind(), error.message = %e, "a template cannot be rendered; the message is marked failed");
                return fail(d, e.kind());
            }
        };
        d.encoding = rendered.encoding.map(|e| e.as_str().to_owned());
        d.segments = rendered.segments.and_then(|n| i64::try_from(n).ok());
        d.subject = rendered.subject;
        d.html = rendered.html;
        if rule.channel == Channel::Email {
            d.message_id = Some(email::message_id(
                &tracking,
                &event.event_id,
                &self.settings.message_id_domain,
            ));
            d.in_reply_to = email::citizens_message_id(case);
        }
        let body = rendered.body;
        d.recipient = Some(recipient);
        d.body = Some(body);
        // A survey waits its delay after the resolution.
        let mut base = now;
        if is_survey && let Some(s) = &self.settings.survey {
            base = now
                .checked_add(jiff::SignedDuration::try_from(s.delay).unwrap_or_default())
                .unwrap_or(now);
            d.due_at = base.as_microsecond();
        }
        // Quiet hours hold back SMS that may wait: not the acknowledgement of
        // an application just made, and nothing urgent (a survey always waits).
        if rule.channel == Channel::Sms
            && let Some(q) = &self.settings.quiet
        {
            let fresh = case
                .created_at
                .is_none_or(|c| now.duration_since(c).unsigned_abs() <= self.settings.fresh);
            let at_once =
                !is_survey && (case.urgent || (rule.timing == Timing::Immediate && fresh));
            if !at_once {
                let due = q.next_allowed(base);
                d.deferred = due > base;
                d.due_at = due.as_microsecond();
            }
        }
        Some(d)
    }
}

/// The values every message about a case has: its tracking number and
/// links, the institution, the applicant's name (or how a nameless one is
/// addressed), the official answer when there is one, and the day.
#[allow(clippy::too_many_arguments, reason = "one message's values")]
pub fn case_variables(
    settings: &HandlerSettings,
    locale: &str,
    tracking: &str,
    case_id: &str,
    name: Option<&str>,
    official_answer: Option<&str>,
    day: Timestamp,
    now: Timestamp,
) -> Variables {
    let mut vars = Variables::default();
    let links = &settings.links;
    vars.set("tracking_number", tracking.to_owned())
        .set("tracking_url", settings.tracking_url.clone())
        // Without signed links the plain tracking page stands in.
        .set(
            "status_url",
            links
                .status_url(case_id, now)
                .unwrap_or_else(|| settings.tracking_url.clone()),
        )
        .set("institution", settings.institution.clone());
    // A name is optional on every channel: without one the salutation
    // reads "Sayın Başvuru Sahibi" instead of the message failing.
    vars.set(
        "applicant_name",
        name.unwrap_or_else(|| template::nameless_applicant(locale)),
    );
    if let Some(a) = official_answer {
        vars.set("official_answer", a.to_owned());
    }
    vars.set(
        "date",
        day.to_zoned(tekmerkez_workdays::istanbul().clone())
            .strftime("%d.%m.%Y")
            .to_string(),
    );
    vars
}

/// A message rendered from its template: what the citizen receives
/// (personal data, so no `Debug`).
pub struct Rendered {
    /// The SMS or social text, or the e-mail's plain-text part.
    pub body: String,
    /// The e-mail's subject, with the tracking number.
    pub subject: Option<String>,
    /// The e-mail's HTML part.
    pub html: Option<String>,
    /// The SMS encoding.
    pub encoding: Option<gsm::SmsEncoding>,
    /// The SMS segments.
    pub segments: Option<usize>,
}

/// Renders template `t` for `channel`: the one path both the messages sent
/// and the answer preview ([`crate::ready_answer`]) take, so a preview is
/// exactly what is sent.
///
/// # Errors
/// A template that cannot be rendered with `vars`.
pub fn render_message(
    t: &crate::catalogue::Template,
    channel: Channel,
    vars: &Variables,
    tracking: &str,
) -> Result<Rendered, template::TemplateError> {
    let body = template::render(&t.body, vars, Escape::None)?;
    let mut out = Rendered {
        body,
        subject: None,
        html: None,
        encoding: None,
        segments: None,
    };
    match channel {
        Channel::Sms => {
            let c = gsm::cost(&out.body);
            out.encoding = Some(c.encoding);
            out.segments = Some(c.segments);
        }
        Channel::Email => {
            let subject = template::render(&t.subject, vars, Escape::None)?;
            out.subject = Some(email::subject_with_tracking(&subject, tracking));
            out.html = Some(if t.html.trim().is_empty() {
                format!(
                    "<p>{}</p>",
                    template::html_escape(&out.body)
                        .replace("\n\n", "</p>\n<p>")
                        .replace('\n', "<br>\n")
                )
            } else {
                template::render(&t.html, vars, Escape::Html)?
            });
        }
        Channel::Social => {}
    }
    Ok(out)
}

impl NotifyHandler {
    /// `rules` without the survey rules, or with the one survey rule that
    /// applies to `case`: its citizen's channel, not answered yet, not
    /// opted out.
    async fn keep_one_survey<'r>(
        &self,
        rules: Vec<&'r Rule>,
        reply: &str,
        case: &CaseView,
    ) -> Result<Vec<&'r Rule>, HandleError> {
        let (surveys, mut rest): (Vec<&Rule>, Vec<&Rule>) = rules
            .into_iter()
            .partition(|r| r.trigger == Trigger::SurveyDue);
        let Some(channel) = survey::channel_for(reply, case) else {
            return Ok(rest);
        };
        let Some(rule) = surveys.into_iter().find(|r| r.channel == channel) else {
            return Ok(rest);
        };
        let Some(s) = &self.settings.survey else {
            return Ok(rest);
        };
        if case.survey_answered {
            return Ok(rest);
        }
        if s.opt_outs
            .is_opted_out(case)
            .await
            .map_err(|e| unavailable("notify store", e))?
        {
            tracing::info!(case_id = %case.id, "the citizen asked for no surveys; none is sent");
            return Ok(rest);
        }
        rest.push(rule);
        Ok(rest)
    }
}

#[async_trait::async_trait]
impl Handler for NotifyHandler {
    #[tracing::instrument(name = "notify.handle", skip_all, fields(event_id, case_id))]
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        use pb::case_event::Payload;
        let event =
            pb::CaseEvent::decode(envelope.payload.clone()).map_err(|e| permanent("decode", e))?;
        tracing::Span::current().record("event_id", event.event_id.as_str());
        tracing::Span::current().record("case_id", event.case_id.as_str());
        if event.event_id.is_empty() || event.case_id.is_empty() {
            return Err(permanent("invalid", anyhow::anyhow!("event without ids")));
        }
        let (facts, may_reach) = match &event.payload {
            Some(Payload::Opened(o)) => (
                Facts {
                    trigger: Trigger::CaseOpened,
                    information_only: o.information_only,
                    reply_channel: reply_code(o.reply_channel),
                },
                // A social-media application brings its conversation.
                o.has_phone || o.has_email || o.channel == common::Channel::SocialMedia as i32,
            ),
            Some(Payload::ClosedByExpert(c)) => (
                Facts {
                    trigger: Trigger::CaseClosedByExpert,
                    information_only: false,
                    reply_channel: reply_code(c.reply_channel),
                },
                true,
            ),
            Some(Payload::Resolved(r)) => (
                Facts {
                    trigger: Trigger::CaseResolved,
                    information_only: r.information_only,
                    reply_channel: reply_code(r.reply_channel),
                },
                true,
            ),
            Some(Payload::LegalDeadlineExtended(x)) => (
                Facts {
                    trigger: Trigger::LegalDeadlineExtended,
                    information_only: false,
                    reply_channel: reply_code(x.reply_channel),
                },
                true,
            ),
            _ => return Ok(()),
        };
        if !may_reach || facts.reply_channel == NO_CONTACT {
            return Ok(());
        }
        let snap = self
            .catalogue
            .snapshot()
            .await
            .map_err(|e| unavailable("notify store", e))?;
        let mut rules: Vec<&Rule> = snap.rules.iter().filter(|r| r.matches(&facts)).collect();
        // A resolution is also when the citizen may be asked how it went.
        if facts.trigger == Trigger::CaseResolved && self.settings.survey.is_some() {
            let due = Facts {
                trigger: Trigger::SurveyDue,
                ..facts.clone()
            };
            rules.extend(snap.rules.iter().filter(|r| r.matches(&due)));
        }
        if rules.is_empty() {
            return Ok(());
        }
        // A redelivery: what was recorded before stays, nothing is read again.
        let done = self
            .store
            .kinds_for_event(&event.event_id)
            .await
            .map_err(|e| unavailable("notify store", e))?;
        // Whichever channel acknowledged it before (a rule since switched
        // off included), it is not acknowledged again.
        let acknowledged = snap
            .rules
            .iter()
            .any(|r| acknowledgement::acknowledges(r) && done.contains(&r.key));
        rules.retain(|r| !done.contains(&r.key));
        if rules.is_empty() {
            return Ok(());
        }
        let case = self.read_case(&event.case_id).await?;
        if case.is_none() {
            tracing::error!(case_id = %event.case_id, event_id = %event.event_id, "the case service does not know the case; its messages are marked failed (unknown_case)");
        }
        if let Some(c) = &case {
            rules = self.keep_one_survey(rules, facts.reply_channel, c).await?;
        }
        let rules = acknowledgement::select(rules, &facts, case.as_ref(), acknowledged);
        let now = Timestamp::now();
        let mut wrote = false;
        for rule in rules {
            if let Some(d) = self.delivery(&snap, rule, &event, case.as_ref(), now) {
                let new = self
                    .store
                    .insert(&d)
                    .await
                    .map_err(|e| unavailable("notify store", e))?;
                if new {
                    tracing::info!(delivery_id = %d.id, kind = %d.kind, channel = %d.channel, state = d.state.as_str(), reason = d.reason.as_deref().unwrap_or(""), deferred = d.deferred, "delivery recorded");
                    wrote = true;
                }
            }
        }
        if wrote {
            self.wake.notify_one();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::carries_answer;
    use crate::catalogue::{Snapshot, default_rules, default_templates};
    use crate::survey::reaches_by_sms;

    #[test]
    fn only_the_messages_that_bring_the_answer_carry_it() {
        let snap = Snapshot {
            rules: default_rules(),
            templates: default_templates(),
        };
        let carrying: Vec<&str> = snap
            .rules
            .iter()
            .filter(|r| carries_answer(r, &snap))
            .map(|r| r.key.as_str())
            .collect();
        assert_eq!(carrying, ["yanit_eposta", "yanit_sms", "yanit_sosyal"]);
    }

    #[test]
    fn an_sms_reaches_only_a_mobile_number() {
        assert!(reaches_by_sms("+905321234567"));
        assert!(reaches_by_sms("0532 123 45 67"));
        for not_mobile in [
            "+903125551234",
            "0 (312) 555 12 34",
            "+908502220186",
            "181",
            "",
        ] {
            assert!(!reaches_by_sms(not_mobile), "{not_mobile}");
        }
    }
}
