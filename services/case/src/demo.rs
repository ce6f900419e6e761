//! The demo organisation `tekmerkez dev` loads on first start: three
//! provinces (Ankara, İzmir, Kocaeli), a water directorate's units, an
//! environment unit and a triage pool in each, a user of every role, and a
//! few hundred cases across channels and states, backdated so that days in
//! pool and the 3-day note rule show. Seeding is deterministic apart from ids
//! and tracking numbers, and skipped when users already exist.

use std::sync::Arc;

use jiff::SignedDuration;
use rand::{Rng as _, SeedableRng as _, rngs::StdRng, seq::IndexedRandom as _};
use secrecy::SecretString;
use tekmerkez_types::classification::{ApplicationSource, ApplicationType};
use uuid::Uuid;

mod year;

pub use year::{YearSeeded, seed_year};

use crate::{
    app::{CaseApp, cases::CallbackReport, directory::NewUser, error::CaseError},
    clock::{Clock as _, ManualClock},
    domain::{
        caller::{Caller, ServiceName, UserCaller},
        case::{Consent, NewCase},
        contact::{
            Contact, EmailAddress, PersonName, PhoneNumber, PostalAddress, SocialAddress,
            SocialPlatform,
        },
        directory::{Pool, User},
        enums::{CallbackOutcome, Channel, ReplyChannel, Role, Urgency},
    },
    store::UserQuery,
};

/// The password of every demo user (dev mode only).
pub const DEMO_PASSWORD: &str = "tekmerkez-demo";

/// One demo user's credentials, printed by `tekmerkez dev`.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Log-in name.
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A gRPC API token acting as the user.
    pub api_token: String,
}

struct Org {
    pools: Vec<(Pool, &'static str)>,
    /// Su ve Kanalizasyon Dairesi Başkanlığı: the demo directorate manager's.
    water_directorate: Uuid,
}

const PROVINCES: [u8; 3] = [6, 35, 41];

/// The demo's application types, about as often as a desk sees them.
const DEMO_TYPES: &[ApplicationType] = &[
    ApplicationType::Talep,
    ApplicationType::Talep,
    ApplicationType::Talep,
    ApplicationType::Talep,
    ApplicationType::Sikayet,
    ApplicationType::Sikayet,
    ApplicationType::Oneri,
    ApplicationType::Ihbar,
    ApplicationType::BilgiEdinme,
    ApplicationType::Tesekkur,
];

/// The reasons the demo's experts close with.
const DEMO_CLOSURE_REASONS: &[&str] = &[
    "cozuldu",
    "cozuldu",
    "cozuldu",
    "bilgi_verildi",
    "is_programina_alindi",
    "yetki_disi",
    "mukerrer",
];

/// The WhatsApp phone-number id the demo's social-media applications came
/// to (`tekmerkez dev`'s WhatsApp line).
const DEMO_WHATSAPP_ACCOUNT: &str = "106540352242922";

struct Template {
    unit: &'static str,
    category: &'static str,
    urgency: Urgency,
    texts: &'static [&'static str],
}

const TEMPLATES: &[Template] = &[
    Template {
        unit: "Su Arıza Birimi",
        category: "su_arizasi",
        urgency: Urgency::Urgent,
        texts: &[
            "Sokağımızda ana boru patladı, su yola taşıyor.",
            "Dün akşamdan beri mahallede su yok, ne zaman gelecek?",
            "Sayacın yanındaki vanadan sürekli su sızıyor.",
            "Kaldırımdaki rögar kapağından temiz su fışkırıyor.",
        ],
    },
    Template {
        unit: "Abone İşleri Birimi",
        category: "fatura",
        urgency: Urgency::Normal,
        texts: &[
            "Bu ayki faturam geçen aya göre üç kat yüksek geldi, itiraz ediyorum.",
            "Taşındım, aboneliğimin yeni adrese taşınmasını istiyorum.",
            "Otomatik ödeme talimatım faturaya yansımamış.",
            "Sayaç okuma yapılmadan tahmini fatura düzenlenmiş.",
        ],
    },
    Template {
        unit: "Çevre Denetim Birimi",
        category: "cevre_kirliligi",
        urgency: Urgency::Normal,
        texts: &[
            "Dere kenarına gece boyunca moloz dökülüyor.",
            "Fabrikanın bacasından yoğun ve kokulu duman çıkıyor.",
            "Parkın yanındaki çöp konteynerleri günlerdir boşaltılmadı.",
            "İnşaat gürültüsü gece yarısına kadar sürüyor.",
        ],
    },
];

const FIRST_NAMES: &[&str] = &[
    "Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep", "Hüseyin",
    "Elif", "İbrahim", "Şule", "Çağrı", "Gökhan", "Özlem",
];
const LAST_NAMES: &[&str] = &[
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Kara",
];

async fn build_org(app: &CaseApp, admin: &Caller) -> Result<Org, CaseError> {
    let water = app
        .create_directorate(admin, "Su ve Kanalizasyon Dairesi Başkanlığı")
        .await?;
    let env = app
        .create_directorate(admin, "Çevre Koruma ve Kontrol Dairesi Başkanlığı")
        .await?;
    let centre = app
        .create_directorate(admin, "Çağrı Merkezi Müdürlüğü")
        .await?;
    let units = [
        (
            app.create_unit(admin, water.id, "Su Arıza Birimi").await?,
            false,
        ),
        (
            app.create_unit(admin, water.id, "Abone İşleri Birimi")
                .await?,
            false,
        ),
        (
            app.create_unit(admin, env.id, "Çevre Denetim Birimi")
                .await?,
            false,
        ),
        (
            app.create_unit(admin, centre.id, "Ön Değerlendirme (Triyaj)")
                .await?,
            true,
        ),
    ];
    let mut pools = Vec::new();
    for code in PROVINCES {
        for (unit, triage) in &units {
            let p = app
                .create_pool(admin, unit.id, u32::from(code), "", *triage)
                .await?;
            let name: &'static str = match unit.name.as_str() {
                "Su Arıza Birimi" => "Su Arıza Birimi",
                "Abone İşleri Birimi" => "Abone İşleri Birimi",
                "Çevre Denetim Birimi" => "Çevre Denetim Birimi",
                _ => "triage",
            };
            pools.push((p, name));
        }
    }
    Ok(Org {
        pools,
        water_directorate: water.id,
    })
}

impl Org {
    fn pools_of(&self, province: u8) -> Vec<Uuid> {
        self.pools
            .iter()
            .filter(|(p, _)| p.province_code == province)
            .map(|(p, _)| p.id)
            .collect()
    }

    fn pool(&self, province: u8, unit: &str) -> Option<&Pool> {
        self.pools
            .iter()
            .find(|(p, u)| p.province_code == province && *u == unit)
            .map(|(p, _)| p)
    }
}

fn caller_of(u: &User) -> Caller {
    Caller::User(UserCaller {
        id: u.id,
        role: u.role,
        pools: u.pool_ids.iter().copied().collect(),
        directorate_id: u.directorate_id,
        username: u.username.clone(),
        access: Default::default(),
    })
}

/// Whether the store has no users yet: [`seed`] will load the demo (and
/// `tekmerkez dev` its year of history, [`seed_year`]).
///
/// # Errors
/// Store failures.
pub async fn is_fresh(app: &CaseApp) -> Result<bool, CaseError> {
    Ok(app
        .store
        .list_users(&UserQuery::default())
        .await?
        .is_empty())
}

/// Loads the demo organisation, users and cases unless users exist already.
/// Returns the demo users with fresh API tokens: the banner shows them "for
/// this run", so the previous run's are revoked first (only their hashes
/// are stored, so they could not be shown again anyway).
///
/// # Errors
/// Store failures.
pub async fn seed(app: &CaseApp, cases: usize) -> Result<Vec<DemoUser>, CaseError> {
    let existing = app.store.list_users(&UserQuery::default()).await?;
    let users = if existing.is_empty() {
        let users = seed_everything(app, cases).await?;
        tracing::info!(users = users.len(), cases, "demo data loaded");
        users
    } else {
        existing
    };
    let revoked = app.revoke_dev_api_tokens().await?;
    if revoked > 0 {
        tracing::info!(revoked, "the previous run's API tokens revoked");
    }
    let mut out = Vec::new();
    for u in users.iter().filter(|u| u.active) {
        let api_token = app
            .issue_api_token_unchecked(u.id, "tekmerkez dev", true)
            .await?;
        out.push(DemoUser {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            api_token,
        });
    }
    out.sort_by_key(|u| Role::ALL.iter().position(|r| *r == u.role));
    Ok(out)
}

/// A Turkish mobile number: 0 5XX XXX XX XX.
/// Minutes of the office day the demo's applications arrive in, from 08:30.
const OFFICE_MINUTES: i64 = 10 * 60;

/// The instant `draw` (0 ≤ draw < 12 · [`OFFICE_MINUTES`]) names: day
/// `draw / OFFICE_MINUTES` before `now`'s Istanbul date, at 08:30 plus the
/// rest in minutes; never after `now`: today's arrivals the hour has not
/// reached yet are spread, in the same order, over today before `now`.
fn demo_time(now: jiff::Timestamp, draw: i64) -> jiff::Timestamp {
    let (days_ago, minute) = (draw / OFFICE_MINUTES, draw % OFFICE_MINUTES);
    let tz = tekmerkez_workdays::istanbul();
    let today = tekmerkez_workdays::istanbul_date(now);
    let midnight = |d: jiff::civil::Date| d.to_zoned(tz.clone()).map(|z| z.timestamp());
    let at = today
        .checked_sub(jiff::Span::new().days(days_ago))
        .ok()
        .and_then(|d| d.at(8, 30, 0, 0).to_zoned(tz.clone()).ok())
        .and_then(|z| {
            z.timestamp()
                .checked_add(SignedDuration::from_mins(minute))
                .ok()
        })
        .unwrap_or(now);
    if at < now {
        return at;
    }
    let Ok(start) = midnight(today) else {
        return now;
    };
    let so_far = start.duration_until(now).as_secs();
    start
        .checked_add(SignedDuration::from_secs(so_far * minute / OFFICE_MINUTES))
        .unwrap_or(now)
}

fn demo_phone(rng: &mut impl rand::Rng) -> String {
    format!(
        "05{}{:07}",
        rng.random_range(30..56),
        rng.random_range(0..10_000_000u32)
    )
}

async fn seed_everything(app: &CaseApp, case_count: usize) -> Result<Vec<User>, CaseError> {
    let real_now = app.clock.now();
    let clock = Arc::new(ManualClock::new(real_now));
    let timed =
        CaseApp::new(app.store.clone(), clock.clone()).with_letter_prefix(&app.letter_prefix);
    let mk = |username: &str, display: &str, role: Role, pools: Vec<Uuid>| NewUser {
        username: username.to_owned(),
        display_name: display.to_owned(),
        role,
        pool_ids: pools,
        password: Some(SecretString::from(DEMO_PASSWORD)),
        email: EmailAddress::parse(&format!("{username}@tekmerkez.local")).ok(),
        phone: None,
        directorate_id: None,
    };
    let admin = timed
        .create_user_unchecked(mk("admin", "Sistem Yöneticisi", Role::Admin, vec![]))
        .await?;
    let admin_caller = caller_of(&admin);
    let org = build_org(&timed, &admin_caller).await?;
    let ankara = org.pools_of(6);
    let izmir = org.pools_of(35);
    let kocaeli = org.pools_of(41);
    let all: Vec<Uuid> = org.pools.iter().map(|(p, _)| p.id).collect();
    let mut users = vec![admin];
    for (u, d, r, p) in [
        (
            "yonetici.ankara",
            "Ayşe Yıldırım",
            Role::PoolManager,
            ankara.clone(),
        ),
        (
            "uzman.ankara",
            "Mehmet Öztürk",
            Role::Expert,
            ankara.clone(),
        ),
        (
            "uzman2.ankara",
            "Zeynep Çelik",
            Role::Expert,
            ankara.clone(),
        ),
        (
            "yonetici.izmir",
            "İlker Şahin",
            Role::PoolManager,
            izmir.clone(),
        ),
        ("uzman.izmir", "Işıl Güneş", Role::Expert, izmir.clone()),
        (
            "yonetici.kocaeli",
            "Gökhan Aydın",
            Role::PoolManager,
            kocaeli.clone(),
        ),
        ("uzman.kocaeli", "Şule Doğan", Role::Expert, kocaeli.clone()),
        (
            "geridonus",
            "Gülşen Kılıç",
            Role::CallbackAgent,
            all.clone(),
        ),
        (
            "cagrimerkezi",
            "Ömer Çetin",
            Role::CallCentreAgent,
            all.clone(),
        ),
        // Front-office staff (danışma): letters, counter visits and video
        // meetings are recorded with the call-centre agent's role.
        (
            "danisma",
            "Zeynep Aksoy",
            Role::CallCentreAgent,
            all.clone(),
        ),
        ("cimer", "CİMER Entegrasyonu", Role::PartnerClient, vec![]),
        // The data protection officer: the audit trail, data subjects' requests.
        ("kvkk", "Elif Kaya", Role::KvkkOfficer, vec![]),
    ] {
        users.push(timed.create_user_unchecked(mk(u, d, r, p)).await?);
    }
    // The water directorate's manager: every province's water and
    // subscriber pools, where overdue cases escalate to.
    users.push(
        timed
            .create_user_unchecked(NewUser {
                directorate_id: Some(org.water_directorate),
                ..mk(
                    "mudur.su",
                    "Hülya Karaca",
                    Role::DirectorateManager,
                    Vec::new(),
                )
            })
            .await?,
    );
    let find = |name: &str| users.iter().find(|u| u.username == name).map(caller_of);
    let (Some(call_centre), Some(callback)) = (find("cagrimerkezi"), find("geridonus")) else {
        return Ok(users);
    };
    let experts: Vec<(u8, Caller)> = [
        (6, "uzman.ankara"),
        (6, "uzman2.ankara"),
        (35, "uzman.izmir"),
        (41, "uzman.kocaeli"),
    ]
    .into_iter()
    .filter_map(|(p, n)| find(n).map(|c| (p, c)))
    .collect();
    let routing = Caller::Service(ServiceName::Routing);

    let mut rng = StdRng::seed_from_u64(181);
    // Whether an application comes from a citizen who applied before (about
    // one in four, in the same province), so the record page's "other
    // applications" have something to show; drawn apart from `rng`, so the
    // rest of the demo stays as it was.
    let mut returning = StdRng::seed_from_u64(186);
    let mut citizens: Vec<(u8, Contact)> = Vec::new();
    // The application types, and about one application in twelve handed
    // over by CİMER with its own number, drawn apart from `rng` as well.
    let mut classes = StdRng::seed_from_u64(18);
    let mut cimer_numbers = 0u32;
    // Over the last 12 Istanbul days, in office hours, oldest first so
    // history reads in order. Placed by day rather than by minutes before
    // now, so that the days in pool the desk shows (Istanbul dates) are the
    // same whatever the hour the demo is started at.
    let mut times: Vec<jiff::Timestamp> = (0..case_count)
        .map(|_| demo_time(real_now, rng.random_range(0..12 * OFFICE_MINUTES)))
        .collect();
    times.sort_unstable();
    for at in times {
        clock.set(at);
        let province = *PROVINCES.choose(&mut rng).unwrap_or(&6);
        let tpl = TEMPLATES.choose(&mut rng).unwrap_or(&TEMPLATES[0]);
        let Some(pool) = org.pool(province, tpl.unit) else {
            continue;
        };
        let districts = tekmerkez_geo::province_by_code(province)
            .map(|p| p.districts().to_vec())
            .unwrap_or_default();
        let channel = *[
            Channel::WebForm,
            Channel::MobileApp,
            Channel::Email,
            Channel::Phone,
            Channel::SocialMedia,
            Channel::Written,
            Channel::FaceToFace,
        ]
        .choose(&mut rng)
        .unwrap_or(&Channel::WebForm);
        let reply = *[
            ReplyChannel::Sms,
            ReplyChannel::PhoneCallback,
            ReplyChannel::PhoneCallback,
            ReplyChannel::Email,
        ]
        .choose(&mut rng)
        .unwrap_or(&ReplyChannel::Sms);
        let first = FIRST_NAMES.choose(&mut rng).copied().unwrap_or("Ayşe");
        let last = LAST_NAMES.choose(&mut rng).copied().unwrap_or("Yılmaz");
        let phone = demo_phone(&mut rng);
        let info_only = channel == Channel::Phone && rng.random_bool(0.15);
        let contact = Contact {
            name: PersonName::parse(&format!("{first} {last}")).ok(),
            phone: PhoneNumber::parse(&phone).ok(),
            // The number's last digits tell apart the many Ayşe Yılmaz.
            email: EmailAddress::parse(&format!(
                "{}.{}{}@ornek.com.tr",
                tekmerkez_turkish::loose_key(first),
                tekmerkez_turkish::loose_key(last),
                &phone[phone.len() - 2..]
            ))
            .ok(),
            postal_address: PostalAddress::parse("Atatürk Cad. No: 1").ok(),
            social: None,
        };
        let again = citizens
            .iter()
            .filter(|(p, _)| *p == province)
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
            .choose(&mut returning)
            .map(|c| (*c).clone());
        let mut contact = match again {
            Some(c) if returning.random_bool(0.25) => c,
            _ => {
                citizens.push((province, contact.clone()));
                contact
            }
        };
        // A social-media application is answered in its WhatsApp
        // conversation (the number is the citizen's WhatsApp id).
        let reply = if channel == Channel::SocialMedia {
            contact.social = contact.phone.as_ref().and_then(|p| {
                SocialAddress::parse(
                    SocialPlatform::WhatsApp,
                    DEMO_WHATSAPP_ACCOUNT,
                    p.expose().trim_start_matches('+'),
                    Some(at.as_microsecond()),
                )
                .ok()
            });
            ReplyChannel::Social
        } else {
            reply
        };
        let new = NewCase {
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
                .choose(&mut rng)
                .copied()
                .unwrap_or("Başvuru")
                .to_owned(),
            urgency: tpl.urgency,
            province_code: province,
            district: districts.choose(&mut rng).cloned(),
            neighbourhood: None,
            coordinates: None,
            pool_id: pool.id,
            contact,
            reply_channel: reply,
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
                *DEMO_TYPES
                    .choose(&mut classes)
                    .unwrap_or(&ApplicationType::Talep)
            },
            source: ApplicationSource::Direct,
            partner_id: None,
            partner_reference: None,
        };
        let mut new = new;
        if !info_only && classes.random_bool(1.0 / 12.0) {
            cimer_numbers += 1;
            new.channel = Channel::Partner;
            new.source = ApplicationSource::Cimer;
            new.partner_id = Some("cimer".to_owned());
            new.partner_reference = Some(format!("2026-{:06}", 4180 + cimer_numbers));
        }
        let creator = if matches!(
            channel,
            Channel::Phone | Channel::Written | Channel::FaceToFace
        ) {
            &call_centre
        } else {
            &routing
        };
        let (view, _) = timed.create_case(creator, new).await?;
        if info_only {
            continue;
        }
        // Move some cases along: held, closed into the callback pool, resolved.
        let roll: f64 = rng.random();
        if roll < 0.45 {
            continue;
        }
        let Some((_, expert)) = experts
            .iter()
            .filter(|(p, _)| *p == province)
            .collect::<Vec<_>>()
            .choose(&mut rng)
            .copied()
            .cloned()
        else {
            continue;
        };
        clock.advance(SignedDuration::from_mins(rng.random_range(5..240)));
        timed.claim_cases(&expert, &[view.case.id]).await?;
        if roll < 0.75 || clock.now() > real_now {
            continue;
        }
        clock.advance(SignedDuration::from_mins(rng.random_range(30..600)));
        if clock.now() > real_now {
            continue;
        }
        if view.case.entered_pool_at
            < clock
                .now()
                .checked_sub(SignedDuration::from_hours(72))
                .unwrap_or(clock.now())
        {
            timed
                .add_note(
                    &expert,
                    view.case.id,
                    "Saha ekibi yönlendirildi, sonuç bekleniyor.".to_owned(),
                    None,
                )
                .await?;
        }
        let closed = timed
            .close_case(
                &expert,
                view.case.id,
                "Ekiplerimiz sorunu yerinde giderdi. Bilginize sunarız.".to_owned(),
                DEMO_CLOSURE_REASONS
                    .choose(&mut rng)
                    .copied()
                    .unwrap_or("cozuldu"),
                None,
            )
            .await?;
        if closed.case.reply_channel == ReplyChannel::PhoneCallback && roll > 0.9 {
            clock.advance(SignedDuration::from_mins(rng.random_range(10..120)));
            if clock.now() <= real_now {
                timed.claim_cases(&callback, &[view.case.id]).await?;
                timed
                    .record_callback(
                        &callback,
                        view.case.id,
                        CallbackReport {
                            outcome: CallbackOutcome::Reached,
                            retry_at: None,
                            note: Some("Vatandaş bilgilendirildi.".to_owned()),
                            // The citizen's satisfaction, asked on the phone.
                            survey: Some((rng.random_range(3..=5), None)),
                        },
                        None,
                    )
                    .await?;
            }
        }
    }
    clock.set(real_now);
    // Only beside the demo's cases: a test that asks for none gets none.
    if case_count > 0 {
        seed_letters(&timed, &clock, &org, &call_centre, &callback, &experts).await?;
        if let (Some(pool), Some((_, expert))) = (
            org.pool(41, "Su Arıza Birimi"),
            experts.iter().find(|(p, _)| *p == 41),
        ) {
            seed_outage(&timed, expert, pool.id, real_now).await?;
        }
    }
    Ok(users)
}

/// An ongoing planned outage in İzmit (Kocaeli) for `/kesintiler`, the
/// form and the IVR: since 09:00 today (or an hour ago, early in the
/// morning) until 16:00, or two hours from now when later.
async fn seed_outage(
    app: &CaseApp,
    expert: &Caller,
    pool: Uuid,
    now: jiff::Timestamp,
) -> Result<(), CaseError> {
    let tz = tekmerkez_workdays::istanbul();
    let today = tekmerkez_workdays::istanbul_date(now);
    let at = |h: i8| {
        today
            .at(h, 0, 0, 0)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(now)
    };
    let starts_at = at(9).min(now - SignedDuration::from_hours(1));
    let two_hours_on = now + SignedDuration::from_hours(2);
    let ends_at = at(16).max(
        jiff::Timestamp::from_second(two_hours_on.as_second() / 3600 * 3600 + 3600)
            .unwrap_or(two_hours_on),
    );
    app.declare_incident(
        expert,
        crate::app::cases::IncidentDraft {
            kind: Some(crate::domain::incident::IncidentKind::PlannedOutage),
            category: "su_arizasi".to_owned(),
            title: "İzmit'te planlı şebeke çalışması".to_owned(),
            public_text: "Ana isale hattındaki planlı bakım çalışması nedeniyle bu mahallelerde \
                          su verilemiyor. Çalışma bitince su kademeli olarak verilecektir."
                .to_owned(),
            province_code: 41,
            areas: vec![crate::domain::incident::Area {
                district: "İzmit".to_owned(),
                neighbourhoods: ["Cedit", "Kadıköy", "Fevzi Çakmak", "Gültepe"]
                    .map(str::to_owned)
                    .to_vec(),
            }],
            starts_at: Some(starts_at),
            expected_end_at: Some(ends_at),
            pool_id: Some(pool),
            origin_case_id: None,
            request_id: None,
        },
    )
    .await?;
    Ok(())
}

/// Letter replies for *Gönderilecek Mektuplar*: written applications whose
/// citizens asked for an answer by post, answered by an expert in the last
/// two days (so each has its numbered letter waiting to be posted), the
/// oldest already posted by the callback agent.
async fn seed_letters(
    timed: &CaseApp,
    clock: &ManualClock,
    org: &Org,
    recorder: &Caller,
    poster: &Caller,
    experts: &[(u8, Caller)],
) -> Result<(), CaseError> {
    const LETTERS: [(u8, &str, &str, &str, &str); 5] = [
        (
            6,
            "Hüseyin Arslan",
            "Kızılay Mah. Atatürk Bulvarı No: 112/7\nÇankaya / Ankara",
            "Ocak ayından beri faturalarım tahmini okumayla düzenleniyor, düzeltilmesini istiyorum.",
            "Sayaç okuma kayıtlarınız incelenmiş, son üç dönemin faturaları gerçek okumaya göre yeniden düzenlenmiştir. Oluşan 214,60 TL fark bir sonraki faturanızdan düşülecektir.\n\nBundan sonraki okumalar her ay düzenli olarak yapılacaktır.",
        ),
        (
            6,
            "",
            "Bahçelievler Mah. 7. Cadde No: 19\nÇankaya / Ankara",
            "Abonelik devri için hangi belgeler gerekiyor? Yazılı yanıt rica ederim.",
            "Abonelik devri için kimlik belgenizin, tapu veya kira sözleşmesinin ve önceki abonenin son faturasının ödendiğini gösteren belgenin bir örneğiyle abone işleri biriminize başvurmanız yeterlidir. Devir işlemi aynı gün tamamlanır.",
        ),
        (
            35,
            "Fatma Çelik",
            "Alsancak Mah. Kıbrıs Şehitleri Cad. No: 45 D: 3\nKonak / İzmir",
            "Otomatik ödeme talimatım faturaya yansımamış, gecikme bedeli çıkmış.",
            "Bankanızdan gelen talimat kaydı sistemimize geç aktarıldığı için gecikme bedeli oluşmuştur. Bu bedel iptal edilmiş, talimatınız bu aydan itibaren geçerli hâle getirilmiştir.",
        ),
        (
            41,
            "Şule Doğan",
            "Yahya Kaptan Mah. Şehit Ömer Halisdemir Cad. No: 8\nİzmit / Kocaeli",
            "Taşındım, aboneliğimin yeni adrese taşınmasını istiyorum.",
            "Aboneliğiniz yeni adresinize taşınmış, eski adresteki sayacınız kapatılmıştır. Yeni sayacınızın ilk okuması önümüzdeki ay yapılacaktır.",
        ),
        (
            41,
            "Ömer Kaya",
            "Gebze Cumhuriyet Mah. 2251 Sok. No: 4\nGebze / Kocaeli",
            "Sayaç okuma yapılmadan tahmini fatura düzenlenmiş.",
            "Yerinde yapılan okumada sayacınızın doğru çalıştığı görülmüş, faturanız gerçek tüketime göre düzeltilmiştir.",
        ),
    ];
    let now = clock.now();
    for (i, (province, name, address, text, answer)) in LETTERS.into_iter().enumerate() {
        let (Some(pool), Some((_, expert))) = (
            org.pool(province, "Abone İşleri Birimi"),
            experts.iter().find(|(p, _)| *p == province),
        ) else {
            continue;
        };
        let hours = 40 - 6 * i64::try_from(i).unwrap_or(0);
        clock.set(
            now.checked_sub(SignedDuration::from_hours(hours))
                .unwrap_or(now),
        );
        let at = clock.now();
        let new = NewCase {
            application_id: Uuid::new_v4(),
            tracking_number: None,
            channel: Channel::Written,
            category: "fatura".to_owned(),
            text: text.to_owned(),
            urgency: Urgency::Normal,
            province_code: province,
            district: address
                .lines()
                .last()
                .and_then(|l| l.split(" / ").next())
                .map(str::to_owned),
            neighbourhood: None,
            coordinates: None,
            pool_id: pool.id,
            contact: Contact {
                name: PersonName::parse(name).ok(),
                phone: None,
                email: None,
                postal_address: PostalAddress::parse(address).ok(),
                social: None,
            },
            reply_channel: ReplyChannel::Letter,
            consent: Some(Consent {
                text_version: "kvkk-aydinlatma-v1".to_owned(),
                accepted_at: at,
                special_category: false,
            }),
            information_answer: None,
            received_at: Some(at),
            fingerprint: Uuid::new_v4().to_string(),
            attachments: Vec::new(),
            recorded_by: None,
            source_reference: None,
            application_type: ApplicationType::Talep,
            source: ApplicationSource::Direct,
            partner_id: None,
            partner_reference: None,
        };
        let (view, _) = timed.create_case(recorder, new).await?;
        clock.advance(SignedDuration::from_hours(2));
        timed.claim_cases(expert, &[view.case.id]).await?;
        clock.advance(SignedDuration::from_hours(3));
        timed
            .close_case(
                expert,
                view.case.id,
                answer.to_owned(),
                "bilgi_verildi",
                None,
            )
            .await?;
        if i == 0 {
            clock.advance(SignedDuration::from_hours(1));
            if let Some(letter) = timed.latest_letter(view.case.id).await? {
                timed.mark_letters_posted(poster, &[letter.id]).await?;
            }
        }
    }
    clock.set(now);
    Ok(())
}

/// The bootstrap admin for a store that has no users (first production start).
///
/// # Errors
/// Store failures or an invalid user name.
pub async fn ensure_admin(
    app: &CaseApp,
    username: &str,
    password: SecretString,
) -> Result<bool, CaseError> {
    if !app
        .store
        .list_users(&UserQuery {
            pools: None,
            role: Some(Role::Admin),
        })
        .await?
        .is_empty()
    {
        return Ok(false);
    }
    app.create_user_unchecked(NewUser {
        username: username.to_owned(),
        display_name: "Sistem Yöneticisi".to_owned(),
        role: Role::Admin,
        pool_ids: Vec::new(),
        password: Some(password),
        email: None,
        phone: None,
        directorate_id: None,
    })
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_phone_number_is_a_valid_turkish_mobile() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let p = demo_phone(&mut rng);
            assert!(PhoneNumber::parse(&p).is_ok(), "{p}");
        }
    }
}

#[cfg(test)]
mod demo_time_tests {
    use super::{OFFICE_MINUTES, demo_time};
    use tekmerkez_workdays::istanbul_date;

    #[test]
    fn a_demo_arrival_falls_on_its_istanbul_day_whatever_the_hour_of_the_start() {
        // 00:10, 05:40, 14:00 and 23:50 Istanbul on 7 December 2026.
        for now in [
            "2026-12-06T21:10:00Z",
            "2026-12-07T02:40:00Z",
            "2026-12-07T11:00:00Z",
            "2026-12-07T20:50:00Z",
        ] {
            let now: jiff::Timestamp = now.parse().unwrap();
            for draw in [
                0,
                1,
                OFFICE_MINUTES - 1,
                3 * OFFICE_MINUTES + 17,
                12 * OFFICE_MINUTES - 1,
            ] {
                let at = demo_time(now, draw);
                assert!(at <= now, "{now} {draw}");
                let days_ago = istanbul_date(at)
                    .until(istanbul_date(now))
                    .unwrap()
                    .get_days();
                assert_eq!(
                    i64::from(days_ago),
                    draw / OFFICE_MINUTES,
                    "{now} {draw}: {at}"
                );
            }
        }
    }
}
