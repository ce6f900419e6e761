//! Due dates at opening (issue 18): the case's deadline policy and the
//! working-day calendar, counted from the filing time the test's clock shows.

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};

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
