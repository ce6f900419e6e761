//! Due dates at opening (issue 18): the case's deadline policy and the
//! working-day calendar, counted from the filing time the test's clock shows.

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
