//! A year of finished applications before the demo's last twelve days, so
//! that *Raporlar* shows a real year from the first start of `tekmerkez
//! dev`: applications on every channel, more on weekdays and in summer
//! (water faults), most answered in days with a closure reason, some late,
//! a few still open, some with a satisfaction answer.
//!
//! It goes through [`CaseApp`] like the rest of the demo, on a clock that is
//! set to each step's time, so every event carries the day it happened on
//! and the reports count it there. It takes a while (thousands of cases), so
//! `tekmerkez dev` runs it in the background after it starts serving; the
//! events are backdated, so notify (which drops events older than
//! `notify.max_event_age_minutes`) texts no one.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp, civil::Weekday};
use rand::{Rng as _, SeedableRng as _, rngs::StdRng, seq::IndexedRandom as _};
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use uuid::Uuid;

use super::{
    DEMO_CLOSURE_REASONS, DEMO_TYPES, FIRST_NAMES, LAST_NAMES, OFFICE_MINUTES, PROVINCES,
    TEMPLATES, caller_of, demo_phone,
};
use crate::{
    app::{
        CaseApp,
        cases::{CaseRef, NewSurveyAnswer},
        error::CaseError,
    },
    clock::ManualClock,
    domain::{
        caller::{Caller, ServiceName},
        case::{Consent, NewCase},
        contact::{Contact, PersonName, PhoneNumber},
        enums::{Channel, ReplyChannel, Role, SurveySource, Urgency},
    },
    store::UserQuery,
};

/// The days before the demo's own twelve that the year covers.
const FIRST_DAY_AGO: i64 = 13;

/// The channels of the year, about as often as a call centre sees them.
const YEAR_CHANNELS: &[(Channel, u32)] = &[
    (Channel::Phone, 36),
    (Channel::WebForm, 18),
    (Channel::MobileApp, 16),
    (Channel::Email, 8),
    (Channel::SocialMedia, 7),
    (Channel::Written, 5),
    (Channel::FaceToFace, 4),
    (Channel::Partner, 6),
];

/// What the year left behind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearSeeded {
    /// Applications created.
    pub cases: usize,
    /// Of them, answered and closed.
    pub closed: usize,
    /// Satisfaction answers recorded.
    pub surveys: usize,
}

/// How many applications arrive on `day` (weekends quieter, summer's
/// water faults busier), around `per_working_day` on an ordinary weekday.
fn arrivals(day: jiff::civil::Date, per_working_day: u32, rng: &mut StdRng) -> u32 {
    let base = f64::from(per_working_day);
    let weekday = match day.weekday() {
        Weekday::Saturday => 0.3,
        Weekday::Sunday => 0.2,
        _ => 1.0,
    };
    let season = match day.month() {
        6..=8 => 1.35,
        12 | 1 | 2 => 0.9,
        _ => 1.0,
    };
    let mean = base * weekday * season;
    // ±30 % around the day's mean.
    let n = mean * rng.random_range(0.7..1.3);
    // A day's arrivals are a small positive count.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = n.round().max(0.0) as u32;
    n
}

/// How long an application takes to answer, by how urgent its work is:
/// a water fault in hours, most others in days, a few past any deadline.
fn time_to_close(urgent: bool, rng: &mut StdRng) -> SignedDuration {
    let hours = if urgent {
        rng.random_range(2..30)
    } else {
        match rng.random_range(0..100) {
            0..60 => rng.random_range(6..72),
            60..90 => rng.random_range(72..336),
            90..98 => rng.random_range(336..720),
            _ => rng.random_range(720..1200),
        }
    };
    SignedDuration::from_hours(hours)
}

/// Loads a year (`days` days before the demo's twelve) of applications,
/// `per_working_day` on an ordinary weekday. Needs the demo organisation
/// and users ([`super::seed`]); does nothing without them.
///
/// # Errors
/// Store failures.
pub async fn seed_year(
    app: &CaseApp,
    days: i64,
    per_working_day: u32,
) -> Result<YearSeeded, CaseError> {
    let real_now = app.clock.now();
    let clock = Arc::new(ManualClock::new(real_now));
    let timed =
        CaseApp::new(app.store.clone(), clock.clone()).with_letter_prefix(&app.letter_prefix);
    let users = app.store.list_users(&UserQuery::default()).await?;
    let by_name = |name: &str| users.iter().find(|u| u.username == name).map(caller_of);
    let (Some(call_centre), Some(_)) = (by_name("cagrimerkezi"), by_name("admin")) else {
        return Ok(YearSeeded::default());
    };
    let pools = app.store.list_pools(None).await?;
    let units = app.store.list_units(None).await?;
    let pool_of = |province: u8, unit: &str| {
        let unit = units.iter().find(|u| u.name == unit)?;
        pools
            .iter()
            .find(|p| p.province_code == province && p.unit_id == unit.id)
    };
    let routing = Caller::Service(ServiceName::Routing);
    let survey_link = Caller::Service(ServiceName::Gateway);
    let channels: Vec<Channel> = YEAR_CHANNELS
        .iter()
        .flat_map(|(c, w)| std::iter::repeat_n(*c, *w as usize))
        .collect();

    let mut rng = StdRng::seed_from_u64(2026);
    let mut out = YearSeeded::default();
    let mut cimer = 0u32;
    let today = tekmerkez_workdays::istanbul_date(real_now);
    let tz = tekmerkez_workdays::istanbul();
    for ago in (FIRST_DAY_AGO..FIRST_DAY_AGO + days).rev() {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(ago)) else {
            continue;
        };
        let mut minutes: Vec<i64> = (0..arrivals(day, per_working_day, &mut rng))
            .map(|_| rng.random_range(0..OFFICE_MINUTES))
            .collect();
        minutes.sort_unstable();
        for minute in minutes {
            let Some(at) = day.at(8, 30, 0, 0).to_zoned(tz.clone()).ok().and_then(|z| {
                z.timestamp()
                    .checked_add(SignedDuration::from_mins(minute))
                    .ok()
            }) else {
                continue;
            };
            clock.set(at);
            let province = *PROVINCES.choose(&mut rng).unwrap_or(&6);
            let tpl = TEMPLATES.choose(&mut rng).unwrap_or(&TEMPLATES[0]);
            let Some(pool) = pool_of(province, tpl.unit) else {
                continue;
            };
            let channel = *channels.choose(&mut rng).unwrap_or(&Channel::WebForm);
            let info_only = channel == Channel::Phone && rng.random_bool(0.12);
            let new = year_case(
                &mut rng, province, pool.id, tpl, channel, info_only, at, &mut cimer,
            );
            let creator = if matches!(
                channel,
                Channel::Phone | Channel::Written | Channel::FaceToFace
            ) {
                &call_centre
            } else {
                &routing
            };
            let (view, _) = timed.create_case(creator, new).await?;
            out.cases += 1;
            if info_only {
                out.closed += 1;
                continue;
            }
            // One of the experts of the record's pool.
            let Some(expert) = users
                .iter()
                .filter(|u| u.role == Role::Expert && u.active && u.pool_ids.contains(&pool.id))
                .collect::<Vec<_>>()
                .choose(&mut rng)
                .map(|u| caller_of(u))
            else {
                continue;
            };
            let expert = &expert;
            clock.advance(SignedDuration::from_mins(rng.random_range(5..240)));
            timed.claim_cases(expert, &[view.case.id]).await?;
            // About one in a hundred is still open, the longest-open cases.
            if rng.random_bool(0.01) {
                continue;
            }
            let close_at = at
                .checked_add(time_to_close(tpl.urgency == Urgency::Urgent, &mut rng))
                .unwrap_or(at);
            if close_at >= real_now {
                continue;
            }
            if close_at.duration_since(at) > SignedDuration::from_hours(48) {
                clock.set(at.checked_add(SignedDuration::from_hours(47)).unwrap_or(at));
                timed
                    .add_note(
                        expert,
                        view.case.id,
                        "Saha ekibi yönlendirildi, sonuç bekleniyor.".to_owned(),
                        None,
                    )
                    .await?;
            }
            clock.set(close_at);
            let reason = DEMO_CLOSURE_REASONS
                .choose(&mut rng)
                .copied()
                .unwrap_or("cozuldu");
            timed
                .close_case(
                    expert,
                    view.case.id,
                    "Başvurunuz incelenmiş ve gereği yapılmıştır. Bilginize sunarız.".to_owned(),
                    reason,
                    None,
                )
                .await?;
            out.closed += 1;
            if rng.random_bool(0.3) {
                let answered = close_at
                    .checked_add(SignedDuration::from_hours(rng.random_range(1..48)))
                    .unwrap_or(close_at);
                if answered < real_now {
                    clock.set(answered);
                    let score = *[5u8, 5, 5, 4, 4, 4, 3, 2, 1].choose(&mut rng).unwrap_or(&4);
                    timed
                        .record_survey(
                            &survey_link,
                            NewSurveyAnswer {
                                case: CaseRef::Id(view.case.id),
                                score,
                                comment: None,
                                source: SurveySource::Link,
                                idempotency_key: None,
                            },
                        )
                        .await?;
                    out.surveys += 1;
                }
            }
        }
    }
    Ok(out)
}

/// One application of the year.
#[allow(clippy::too_many_arguments)]
fn year_case(
    rng: &mut StdRng,
    province: u8,
    pool: Uuid,
    tpl: &super::Template,
    channel: Channel,
    info_only: bool,
    at: Timestamp,
    cimer: &mut u32,
) -> NewCase {
    let first = FIRST_NAMES.choose(rng).copied().unwrap_or("Ayşe");
    let last = LAST_NAMES.choose(rng).copied().unwrap_or("Yılmaz");
    let phone = demo_phone(rng);
    let districts = tekmerkez_geo::province_by_code(province)
        .map(|p| p.districts().to_vec())
        .unwrap_or_default();
    let partner = channel == Channel::Partner;
    if partner {
        *cimer += 1;
    }
    NewCase {
        application_id: Uuid::new_v4(),
        tracking_number: None,
        channel,
        category: if info_only {
            "genel_bilgi".to_owned()
        } else {
            tpl.category.to_owned()
        },
        text: tpl
            .texts
            .choose(rng)
            .copied()
            .unwrap_or("Başvuru")
            .to_owned(),
        urgency: tpl.urgency,
        province_code: province,
        district: districts.choose(rng).cloned(),
        neighbourhood: None,
        coordinates: None,
        pool_id: pool,
        contact: Contact {
            name: PersonName::parse(&format!("{first} {last}")).ok(),
            phone: PhoneNumber::parse(&phone).ok(),
            email: None,
            postal_address: None,
            social: None,
        },
        // The year's answers went by SMS: the demo's own twelve days show
        // the other ways of answering.
        reply_channel: ReplyChannel::Sms,
        consent: Some(Consent {
            text_version: "kvkk-aydinlatma-v1".to_owned(),
            accepted_at: at,
            special_category: false,
        }),
        information_answer: info_only.then(|| "Planlı kesinti bilgisi verildi.".to_owned()),
        received_at: Some(at),
        fingerprint: Uuid::new_v4().to_string(),
        attachments: Vec::new(),
        recorded_by: None,
        source_reference: None,
        application_type: if info_only {
            ApplicationType::BilgiEdinme
        } else {
            *DEMO_TYPES.choose(rng).unwrap_or(&ApplicationType::Talep)
        },
        source: if partner {
            ApplicationSource::Cimer
        } else {
            ApplicationSource::Direct
        },
        partner_id: partner.then(|| "cimer".to_owned()),
        partner_reference: partner.then(|| format!("{}-{:06}", at.strftime("%Y"), 10_000 + *cimer)),
    }
}
