//! Due dates at opening (issue 18): the case's deadline policy and the
//! working-day calendar, counted from the filing time the test's clock shows.

use prost::Message as _;
use tekmerkez_bus::{Bus as _, Subscription};
use tekmerkez_proto::{
    case_v1::{self as pb, deadline_service_client::DeadlineServiceClient},
    common_v1 as common,
};
use tonic::{Code, transport::Channel};

use crate::{both_stores, helpers::*};

both_stores! {
    async fn a_water_fault_gets_the_default_legal_date_and_its_four_hour_target(app) {
        // Filed Monday 2 March 2026, 10:00 Istanbul: 30 calendar days later is
        // Wednesday 1 April; the internal target is 4 hours round the clock.
        let c = app.open_case().await;
        assert_eq!(c.legal_due_date, "2026-04-01");
        let internal = c.internal_due_at.unwrap();
        assert_eq!(internal.seconds, start_time().as_second() + 4 * 3600);
        // 3 March – 1 April: 22 weekdays less Ramazan Bayramı's first day
        // (Friday 20 March; its eve, the 19th, counts as a working day).
        assert_eq!(c.legal_days_left, Some(21));
        assert!(!c.legal_extended);
        assert_eq!(c.legal_extension_days, 0, "only 4982 requests may be extended");
        assert_eq!((c.note_rule_days, c.note_rule_count.as_str()), (3, "calendar"));
        // Read again later, it is the same date with fewer days left.
        app.clock.advance(jiff::SignedDuration::from_hours(24 * 7));
        let again = app.get("admin", &c.id).await.unwrap();
        assert_eq!(again.legal_due_date, "2026-04-01");
        assert_eq!(again.legal_days_left, Some(16));
    }

    async fn a_category_without_its_own_target_has_no_internal_due_time(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.category = "fatura".into();
        let c = app.create(req).await;
        assert_eq!(c.legal_due_date, "2026-04-01");
        assert_eq!(c.internal_due_at, None);
    }
}

fn typed(
    app: &TestApp,
    t: common::ApplicationType,
    s: common::ApplicationSource,
) -> pb::CreateCaseRequest {
    let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    req.category = "fatura".into();
    req.application_type = t as i32;
    req.source = s as i32;
    if s != common::ApplicationSource::Direct {
        req.channel = common::Channel::Partner as i32;
        req.partner_id = "cimer".into();
        req.partner_reference = format!("C-{}", uuid::Uuid::new_v4());
    }
    req
}

both_stores! {
    async fn a_4982_request_gets_15_working_days_extendable_by_15(app) {
        use common::{ApplicationSource::Direct, ApplicationType::BilgiEdinme};
        // Monday 2 March 2026: 3–6, 9–13, 16–19 March (the 19th is Ramazan
        // Bayramı's eve, a half day that counts), the 20th is the bayram, 23, 24.
        let c = app.create(typed(&app, BilgiEdinme, Direct)).await;
        assert_eq!(c.legal_due_date, "2026-03-24");
        assert_eq!(c.legal_days_left, Some(15));
        assert_eq!(c.legal_extension_days, 15);
    }

    async fn a_4982_request_filed_on_the_eve_of_kurban_bayrami_2026(app) {
        use common::{ApplicationSource::Direct, ApplicationType::BilgiEdinme};
        // Tuesday 26 May 2026 (arife), 10:00 Istanbul. Counting starts the
        // next day: 27–30 May bayram, 31 Sunday; 1–5, 8–12, 15–19 June.
        app.clock.set("2026-05-26T07:00:00Z".parse().unwrap());
        let c = app.create(typed(&app, BilgiEdinme, Direct)).await;
        assert_eq!(c.legal_due_date, "2026-06-19");
        // Monday 8 March 2027, the eve of Ramazan Bayramı (estimated data):
        // 9–11 March bayram; 12, 15–19, 22–26, 29–31 March, 1 April.
        app.clock.set("2027-03-08T07:00:00Z".parse().unwrap());
        let c = app.create(typed(&app, BilgiEdinme, Direct)).await;
        assert_eq!(c.legal_due_date, "2027-04-01");
    }

    async fn a_cimer_application_gets_30_days_but_a_cimer_4982_request_keeps_its_law(app) {
        use common::{ApplicationSource::Cimer, ApplicationType::{BilgiEdinme, Sikayet}};
        // Friday 6 March 2026: 30 days later is Sunday 5 April → Monday 6 April.
        app.clock.set("2026-03-06T07:00:00Z".parse().unwrap());
        let c = app.create(typed(&app, Sikayet, Cimer)).await;
        assert_eq!(c.legal_due_date, "2026-04-06");
        assert_eq!(c.legal_extension_days, 0);
        // The type outranks the source alone: 15 working days (9–13, 16–19,
        // 23–27 March, 30 March: the 20th is the bayram).
        let r = app.create(typed(&app, BilgiEdinme, Cimer)).await;
        assert_eq!(r.legal_due_date, "2026-03-30");
    }
}

async fn deadlines(app: &TestApp) -> DeadlineServiceClient<Channel> {
    DeadlineServiceClient::connect(format!("http://{}", app.addr))
        .await
        .unwrap()
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn policy(category: &str) -> pb::DeadlinePolicy {
    pb::DeadlinePolicy {
        category: category.into(),
        internal: Some(pb::InternalTarget {
            n: 2,
            unit: pb::TargetUnit::WorkingDays as i32,
        }),
        ..Default::default()
    }
}

async fn extend(
    app: &TestApp,
    who: &str,
    id: &str,
    reason: &str,
) -> Result<pb::Case, tonic::Status> {
    deadlines(app)
        .await
        .extend_legal_deadline(as_user(
            who,
            pb::ExtendLegalDeadlineRequest {
                case_id: id.into(),
                reason: reason.into(),
                expected_version: 0,
            },
        ))
        .await
        .map(|r| r.into_inner().case.unwrap())
}

async fn awaiting(
    app: &TestApp,
    who: &str,
    id: &str,
    waiting: bool,
) -> Result<pb::Case, tonic::Status> {
    deadlines(app)
        .await
        .set_awaiting_citizen(as_user(
            who,
            pb::SetAwaitingCitizenRequest {
                case_id: id.into(),
                waiting,
                expected_version: 0,
            },
        ))
        .await
        .map(|r| r.into_inner().case.unwrap())
}

/// The next LegalDeadlineExtended event on the topic.
async fn extended_event(
    rx: &mut Box<dyn Subscription>,
) -> (pb::CaseEvent, pb::LegalDeadlineExtended) {
    loop {
        let env = tokio::time::timeout(std::time::Duration::from_secs(10), rx.next())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .envelope;
        let e = pb::CaseEvent::decode(env.payload.clone()).unwrap();
        if let Some(pb::case_event::Payload::LegalDeadlineExtended(x)) = e.payload.clone() {
            return (e, x);
        }
    }
}

both_stores! {
    async fn admins_edit_the_policies_and_new_cases_follow_them(app) {
        let mut d = deadlines(&app).await;
        let seed = d.list_deadline_policies(as_user("admin", pb::ListDeadlinePoliciesRequest {})).await.unwrap().into_inner().policies;
        assert_eq!(seed.len(), 4, "the seed: default, bilgi_edinme, CİMER, su_arizasi");
        assert_eq!(seed[0].category, "", "most general first");
        assert_eq!(seed[0].legal.unwrap().days, 30);
        // Only admins.
        let err = d.list_deadline_policies(as_user("manager_ankara", pb::ListDeadlinePoliciesRequest {})).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        // A new category policy: fatura within 2 working days (internal).
        let put = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(policy("fatura")), expected_version: 0 }))
            .await.unwrap().into_inner().policy.unwrap();
        assert_eq!(put.version, 1);
        assert!(!put.updated_by.is_empty(), "who changed it is kept");
        // The same key again is a duplicate; a stale version is refused.
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(policy("fatura")), expected_version: 0 })).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.category = "fatura".into();
        let c = app.create(req.clone()).await;
        // Monday 10:00 + 2 working days: due by the end of Wednesday 4 March.
        assert_eq!(c.internal_due_at.unwrap().seconds, ts("2026-03-04T21:00:00Z").as_second());
        assert_eq!(c.legal_due_date, "2026-04-01", "the legal period still comes from the default");
        // Deleting it: the next case has no internal target again.
        let err = d.delete_deadline_policy(as_user("admin", pb::DeleteDeadlinePolicyRequest { category: "fatura".into(), expected_version: 7, ..Default::default() })).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "a stale version");
        d.delete_deadline_policy(as_user("admin", pb::DeleteDeadlinePolicyRequest { category: "fatura".into(), expected_version: 1, ..Default::default() })).await.unwrap();
        req.application_id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.create(req).await.internal_due_at, None);
        // The default stays.
        let err = d.delete_deadline_policy(as_user("admin", pb::DeleteDeadlinePolicyRequest { expected_version: 1, ..Default::default() })).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }

    async fn a_refused_policy_names_each_bad_field(app) {
        let mut d = deadlines(&app).await;
        let bad = pb::DeadlinePolicy {
            legal: Some(pb::LegalPeriod { days: 0, count: pb::DayCount::Working as i32, half_days_off: false }),
            internal: Some(pb::InternalTarget { n: 4, unit: 0 }),
            note_rule: None,
            ..Default::default()
        };
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(bad), expected_version: 1 })).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let fields = violated_fields(&err);
        assert!(fields.contains(&"internal.unit".to_owned()), "{fields:?}");
        let bad = pb::DeadlinePolicy {
            legal: Some(pb::LegalPeriod { days: 0, count: pb::DayCount::Working as i32, half_days_off: false }),
            ..Default::default()
        };
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(bad), expected_version: 1 })).await.unwrap_err();
        let fields = violated_fields(&err);
        for f in ["legal.days", "note_rule"] {
            assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
        }
    }

    async fn closes_no_person_makes_take_their_reason_from_the_policy(app) {
        let mut d = deadlines(&app).await;
        let seed = d.list_deadline_policies(as_user("admin", pb::ListDeadlinePoliciesRequest {})).await.unwrap().into_inner().policies;
        let default = &seed[0];
        assert_eq!(default.information_only_reason.as_deref(), Some("bilgi_verildi"));
        assert_eq!(default.incident_closed_reason.as_deref(), Some("cozuldu"));
        assert_eq!(default.field_work_confirmed_reason.as_deref(), Some("cozuldu"));
        assert_eq!(seed[1].information_only_reason, None, "the others take the default's");
        // An information-only call about a bill is "referred elsewhere" here.
        let mut fatura = policy("fatura");
        fatura.information_only_reason = Some("yetki_disi".into());
        d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(fatura.clone()), expected_version: 0 })).await.unwrap();
        let info = |app: &TestApp, category: &str| {
            let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
            req.category = category.into();
            req.information_only = true;
            req.information_answer = "Son ödeme günü ayın 20'si.".into();
            req
        };
        let c = app.create(info(&app, "fatura")).await;
        assert_eq!((c.status, c.closure_reason.as_str()), (pb::CaseStatus::Resolved as i32, "yetki_disi"));
        let c = app.create(info(&app, "su_arizasi")).await;
        assert_eq!(c.closure_reason, "bilgi_verildi", "the default policy's");
        // A reason must be an active closure reason; the default states all three.
        fatura.information_only_reason = Some("boyle_bir_neden_yok".into());
        fatura.incident_closed_reason = Some("Çözüldü".into());
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(fatura), expected_version: 1 })).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), ["incident_closed_reason"], "the malformed code first");
        let mut unknown = policy("fatura");
        unknown.information_only_reason = Some("boyle_bir_neden_yok".into());
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(unknown), expected_version: 1 })).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["information_only_reason"]);
        let mut bare = default.clone();
        bare.field_work_confirmed_reason = None;
        let err = d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(bare), expected_version: default.version })).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["field_work_confirmed_reason"]);
    }

    async fn the_note_rule_is_a_policy_value_stating_its_days(app) {
        let mut d = deadlines(&app).await;
        let default = d.list_deadline_policies(as_user("admin", pb::ListDeadlinePoliciesRequest {})).await.unwrap().into_inner().policies.remove(0);
        let mut changed = default.clone();
        changed.note_rule = Some(pb::NoteRule { days: 3, count: pb::DayCount::Working as i32 });
        d.put_deadline_policy(as_user("admin", pb::PutDeadlinePolicyRequest { policy: Some(changed), expected_version: default.version })).await.unwrap();
        // Thursday 5 March: 3 working days would end on Tuesday; the
        // weekend is not counted, so on Tuesday 10 March (5 calendar days,
        // 3 working days) no note is needed yet, on Wednesday it is.
        app.clock.set(ts("2026-03-05T07:00:00Z"));
        let c = app.open_case().await;
        assert_eq!((c.note_rule_days, c.note_rule_count.as_str()), (3, "working"));
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.clock.set(ts("2026-03-10T07:00:00Z"));
        let tue = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!(tue.days_in_pool, 5);
        assert_eq!(tue.rule_days_in_pool, 3);
        assert!(!tue.note_required_to_close);
        app.clock.set(ts("2026-03-11T07:00:00Z"));
        assert!(app.get("expert_ankara", &c.id).await.unwrap().note_required_to_close);
    }

    async fn a_4982_request_is_extended_once_with_a_reason_and_the_applicant_is_told(app) {
        use common::{ApplicationSource::Direct, ApplicationType::BilgiEdinme};
        let mut rx = app.bus.subscribe("test", "case.events.v1").await.unwrap();
        let c = app.create(typed(&app, BilgiEdinme, Direct)).await;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        let err = extend(&app, "expert_ankara", &c.id, "   ").await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["reason".to_owned()]);
        // Someone who neither holds nor manages it.
        let err = extend(&app, "expert_izmir", &c.id, "Arşiv taraması gerekiyor").await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        let e = extend(&app, "expert_ankara", &c.id, "Arşiv taraması gerekiyor").await.unwrap();
        // 24 March + 15 working days: 25–27, 30–31 March, 1–3, 6–10, 13–14 April.
        assert_eq!(e.legal_due_date, "2026-04-14");
        assert!(e.legal_extended);
        assert_eq!(e.legal_extension_days, 0, "nothing more to extend");
        let (event, x) = extended_event(&mut rx).await;
        assert_eq!((x.from_due_date.as_str(), x.to_due_date.as_str(), x.working_days), ("2026-03-24", "2026-04-14", 15));
        assert_eq!(x.reply_channel, common::ReplyChannel::PhoneCallback as i32);
        let bytes = event.encode_to_vec();
        assert!(!String::from_utf8_lossy(&bytes).contains("Arşiv"), "the reason stays out of the event");
        let steps = app.history("admin", &c.id).await;
        let step = steps.iter().find(|s| s.action == pb::HistoryAction::LegalDeadlineExtended as i32).unwrap();
        assert_eq!(step.detail, "Arşiv taraması gerekiyor");
        // Only once.
        let err = extend(&app, "manager_ankara", &c.id, "Bir daha").await.unwrap_err();
        assert_eq!(failed_subjects(&err), vec!["AlreadyExtended".to_owned()]);
    }

    async fn only_an_information_request_before_its_due_date_may_be_extended(app) {
        use common::{ApplicationSource::Direct, ApplicationType::{BilgiEdinme, Sikayet}};
        let c = app.create(typed(&app, Sikayet, Direct)).await;
        let err = extend(&app, "manager_ankara", &c.id, "Gerekçe").await.unwrap_err();
        assert_eq!(failed_subjects(&err), vec!["NotExtendable".to_owned()]);
        let r = app.create(typed(&app, BilgiEdinme, Direct)).await;
        // Due by the end of 24 March; on the 25th it has passed.
        app.clock.set(ts("2026-03-24T20:59:00Z"));
        app.clock.set(ts("2026-03-24T21:00:00Z"));
        let err = extend(&app, "manager_ankara", &r.id, "Gerekçe").await.unwrap_err();
        assert_eq!(failed_subjects(&err), vec!["DeadlinePassed".to_owned()]);
        assert_eq!(app.get("admin", &r.id).await.unwrap().legal_due_date, "2026-03-24");
    }

    async fn waiting_for_the_citizen_pauses_the_internal_target_never_the_legal_date(app) {
        let c = app.open_case().await;
        let due = c.internal_due_at.unwrap().seconds;
        app.claim("expert_ankara", &[&c.id]).await.unwrap();
        app.clock.advance(jiff::SignedDuration::from_hours(1));
        let w = awaiting(&app, "expert_ankara", &c.id, true).await.unwrap();
        assert!(w.awaiting_citizen_since.is_some());
        let err = awaiting(&app, "expert_ankara", &c.id, true).await.unwrap_err();
        assert_eq!(failed_subjects(&err), vec!["AlreadyAwaitingCitizen".to_owned()]);
        app.clock.advance(jiff::SignedDuration::from_hours(2));
        let done = awaiting(&app, "expert_ankara", &c.id, false).await.unwrap();
        assert_eq!(done.awaiting_citizen_since, None);
        assert_eq!(done.internal_due_at.unwrap().seconds, due + 2 * 3600, "the two hours waited are added");
        assert_eq!(done.legal_due_date, c.legal_due_date, "the legal due date never pauses");
        // The citizen's follow-up message ends a wait too.
        awaiting(&app, "expert_ankara", &c.id, true).await.unwrap();
        app.clock.advance(jiff::SignedDuration::from_hours(3));
        app.case.add_citizen_message(with_token(ROUTING_TOKEN, pb::AddCitizenMessageRequest {
            application_id: uuid::Uuid::new_v4().to_string(),
            tracking_number: c.tracking_number.clone(),
            channel: common::Channel::Email as i32,
            text: "İstenen belge ektedir.".into(),
            sender: Some(common::Contact { email: "ayse.yilmaz@ornek.com.tr".into(), ..Default::default() }),
            received_at: None,
            attachments: Vec::new(),
        })).await.unwrap();
        let after = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!(after.awaiting_citizen_since, None);
        assert_eq!(after.internal_due_at.unwrap().seconds, due + 5 * 3600);
    }
}

both_stores! {
    async fn the_public_status_carries_the_legal_due_date(app) {
        let c = app.open_case().await;
        let t = app
            .case
            .track_case(with_token(INTAKE_TOKEN, pb::TrackCaseRequest {
                tracking_number: c.tracking_number.clone(),
                phone_last4: "4567".into(),
                digits_from_verified_phone: false,
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(t.legal_due_date, "2026-04-01");
        let p = app
            .case
            .get_public_status(as_user("admin", pb::GetPublicStatusRequest { case_id: c.id.clone() }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(p.legal_due_date, "2026-04-01");
    }
}
