//! Rule matching as an admin sees it: rules written through
//! `RoutingRulesService`, applications placed by the router. The first rule
//! by priority whose every condition holds names the unit; the application
//! goes to that unit's pool in its own province, else to the province's
//! triage pool; a rule's urgency overrides the category's default; an
//! application that came with only its channel's default category takes the
//! placing rule's assigned category; an edit
//! takes effect on the next application; only an admin may write rules.

use tekmerkez_proto::{common_v1 as common, routing_v1 as rpb};
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn with_no_rules_every_application_goes_to_its_provinces_triage_pool(app) {
        let ankara = application("fatura", "Faturam iki kat geldi.");
        assert_eq!(app.pool_of(&ankara).await, app.pools.ankara_triage);
        let izmir = Application { province: 35, district: "Karşıyaka", ..ankara };
        let d = app.route(&izmir).await;
        assert_eq!(d.pool_id, app.pools.izmir_triage);
        assert_eq!(d.rule_id, None);
        assert_eq!(d.urgency, common::Urgency::Normal);
    }

    async fn the_lowest_priority_number_that_matches_wins_and_a_catch_all_takes_the_rest(app) {
        // Written out of order: the priority decides, not the order of creation.
        let catch_all = app.create_rule(rule(30, &app.units.noise)).await;
        let water = app.create_rule(rpb::Rule { category: "su_arizasi".into(), ..rule(20, &app.units.water) }).await;
        let billing = app.create_rule(rpb::Rule { category: "fatura".into(), ..rule(10, &app.units.billing) }).await;
        let listed: Vec<String> = app.list_rules().await.into_iter().map(|r| r.id).collect();
        assert_eq!(listed, [billing.id, water.id.clone(), catch_all.id], "rules are listed in evaluation order");

        let d = app.route(&application("su_arizasi", "Boru patladı, sokak su içinde.")).await;
        assert_eq!(d.pool_id, app.pools.ankara_water);
        assert_eq!(d.rule_id.map(|id| id.to_string()), Some(water.id));
        assert_eq!(app.pool_of(&application("fatura", "Faturam iki kat geldi.")).await, app.pools.ankara_billing);
        assert_eq!(app.pool_of(&application("gurultu", "Gece boyunca müzik çalıyor.")).await, app.pools.ankara_noise, "the rule without conditions catches the rest");
    }

    async fn keywords_match_anywhere_in_the_text_ignoring_case_by_turkish_rules(app) {
        let r = app.create_rule(rpb::Rule { keywords: vec!["KAÇAK".into(), "Işık".into()], ..rule(1, &app.units.water) }).await;
        assert_eq!(r.keywords, ["kaçak", "ışık"], "keywords are stored folded by Turkish rules");
        for text in ["Sayaçta kaçak var.", "SAYAÇTA KAÇAK VAR", "Sokak ışıkları yanmıyor."] {
            assert_eq!(app.pool_of(&application("diger", text)).await, app.pools.ankara_water, "{text}");
        }
        // Turkish, not English, lower-casing: `I` is `ı`, so "ISIK" is not "ışık".
        for text in ["Sayaç bozuk.", "ISIK yok", "kacak"] {
            assert_eq!(app.pool_of(&application("diger", text)).await, app.pools.ankara_triage, "{text}");
        }
    }

    async fn channel_province_and_district_conditions_must_all_hold(app) {
        let r = app.create_rule(rpb::Rule {
            channels: vec![common::Channel::Email as i32, common::Channel::Phone as i32],
            province_code: 35,
            district: "KARSIYAKA".into(),
            ..rule(1, &app.units.billing)
        }).await;
        assert_eq!(r.district, "Karşıyaka", "the district is stored by its canonical name");
        let by_mail = Application {
            channel: common::Channel::Email,
            province: 35,
            district: "Karşıyaka",
            ..application("diger", "Sayacım okunmadı.")
        };
        assert_eq!(app.pool_of(&by_mail).await, app.pools.izmir_billing);
        assert_eq!(app.pool_of(&Application { channel: common::Channel::Phone, ..by_mail.clone() }).await, app.pools.izmir_billing);
        assert_eq!(app.pool_of(&Application { channel: common::Channel::WebForm, ..by_mail.clone() }).await, app.pools.izmir_triage, "another channel");
        assert_eq!(app.pool_of(&Application { district: "Bornova", ..by_mail.clone() }).await, app.pools.izmir_triage, "another district");
        assert_eq!(app.pool_of(&Application { province: 6, district: "Çankaya", ..by_mail }).await, app.pools.ankara_triage, "another province");
    }

    async fn a_rule_without_a_province_sends_each_application_to_its_own_provinces_pool(app) {
        app.create_rule(rpb::Rule { category: "su_arizasi".into(), ..rule(1, &app.units.water) }).await;
        let ankara = application("su_arizasi", "Su kesik.");
        assert_eq!(app.pool_of(&ankara).await, app.pools.ankara_water);
        let izmir = Application { province: 35, district: "Bornova", ..ankara };
        assert_eq!(app.pool_of(&izmir).await, app.pools.izmir_water);
    }

    async fn a_matching_rule_whose_unit_has_no_pool_in_the_province_sends_to_triage_not_to_a_later_rule(app) {
        // The noise unit works in Ankara only.
        let noise = app.create_rule(rpb::Rule { category: "gurultu".into(), ..rule(1, &app.units.noise) }).await;
        app.create_rule(rule(2, &app.units.billing)).await;
        let izmir = Application { province: 35, district: "Karşıyaka", ..application("gurultu", "Gece inşaat var.") };
        let d = app.route(&izmir).await;
        assert_eq!(d.pool_id, app.pools.izmir_triage);
        assert_eq!(d.rule_id, None);
        let ankara = application("gurultu", "Gece inşaat var.");
        assert_eq!(app.route(&ankara).await.rule_id.map(|id| id.to_string()), Some(noise.id));
    }

    async fn a_rules_urgency_overrides_the_categorys_default(app) {
        // Water faults are urgent by default, the rest normal.
        assert_eq!(app.route(&application("su_arizasi", "Boru patladı.")).await.urgency, common::Urgency::Urgent);
        assert_eq!(app.route(&application("fatura", "Fatura yüksek.")).await.urgency, common::Urgency::Normal);
        app.create_rule(rpb::Rule { category: "su_arizasi".into(), urgency: common::Urgency::Normal as i32, ..rule(1, &app.units.water) }).await;
        app.create_rule(rpb::Rule { keywords: vec!["elektrik".into()], urgency: common::Urgency::Urgent as i32, ..rule(2, &app.units.billing) }).await;
        app.create_rule(rpb::Rule { category: "fatura".into(), ..rule(3, &app.units.billing) }).await;
        assert_eq!(app.route(&application("su_arizasi", "Boru patladı.")).await.urgency, common::Urgency::Normal);
        assert_eq!(app.route(&application("diger", "Elektrik kaçağı var.")).await.urgency, common::Urgency::Urgent);
        assert_eq!(app.route(&application("fatura", "Fatura yüksek.")).await.urgency, common::Urgency::Normal, "a rule without urgency keeps the default");
    }

    async fn an_application_without_a_chosen_category_takes_the_placing_rules_category(app) {
        let r = app.create_rule(rpb::Rule {
            keywords: vec!["su yok".into(), "boru patla".into()],
            channels: vec![common::Channel::Email as i32, common::Channel::SocialMedia as i32],
            assigned_category: " su_arizasi ".into(),
            ..rule(1, &app.units.water)
        }).await;
        assert_eq!(r.assigned_category, "su_arizasi", "stored trimmed, listed as stored");
        assert_eq!(app.list_rules().await[0].assigned_category, "su_arizasi");
        let mail = Application {
            channel: common::Channel::Email,
            category_is_default: true,
            ..application("diger", "İki gündür su yok.")
        };
        let d = app.route(&mail).await;
        assert_eq!(d.pool_id, app.pools.ankara_water);
        assert_eq!(d.category, "su_arizasi", "the case reads the rule's category, not Diğer");
        assert_eq!(d.urgency, common::Urgency::Urgent, "and is urgent as water faults are");
        // A category the citizen chose is theirs, whatever the rule says.
        let chosen = Application { category_is_default: false, ..mail.clone() };
        let d = app.route(&chosen).await;
        assert_eq!((d.pool_id.as_str(), d.category.as_str()), (app.pools.ankara_water.as_str(), "diger"));
        assert_eq!(d.urgency, common::Urgency::Normal);
        // No rule placed it: the default stays.
        let other = Application { text: "Park bakımsız.", ..mail.clone() };
        let d = app.route(&other).await;
        assert_eq!((d.pool_id.as_str(), d.category.as_str()), (app.pools.ankara_triage.as_str(), "diger"));
        // A rule without an assigned category keeps the default too.
        app.update_rule(rpb::Rule { assigned_category: String::new(), ..r }).await.unwrap();
        assert_eq!(app.route(&mail).await.category, "diger");
    }

    async fn a_rules_application_type_is_its_decision_and_none_keeps_the_channels(app) {
        let r = app.create_rule(rpb::Rule {
            category: "su_arizasi".into(),
            application_type: common::ApplicationType::Talep as i32,
            ..rule(1, &app.units.water)
        }).await;
        assert_eq!(r.application_type, common::ApplicationType::Talep as i32);
        assert_eq!(app.list_rules().await[0].application_type, common::ApplicationType::Talep as i32);
        let d = app.route(&application("su_arizasi", "Boru patladı.")).await;
        assert_eq!(d.application_type, Some(common::ApplicationType::Talep as i32), "su_arizasi → talep");
        // No type on the rule: the channel's choice (or talep) stays.
        app.update_rule(rpb::Rule { application_type: 0, ..r }).await.unwrap();
        assert_eq!(app.route(&application("su_arizasi", "Boru patladı.")).await.application_type, None);
        let refused = app
            .create_rule_as(ADMIN, rpb::Rule { application_type: 99, ..rule(2, &app.units.water) })
            .await
            .unwrap_err();
        assert_eq!(violations(&refused), ["rule.application_type: must be a known application type"]);
    }

    async fn an_admins_edit_or_deletion_takes_effect_on_the_next_application(app) {
        let water = application("su_arizasi", "Su kesik.");
        let r = app.create_rule(rpb::Rule { category: "su_arizasi".into(), ..rule(1, &app.units.water) }).await;
        assert_eq!(app.pool_of(&water).await, app.pools.ankara_water);
        let moved = app.update_rule(rpb::Rule { target_unit_id: app.units.billing.clone(), ..r.clone() }).await.unwrap();
        assert_eq!(moved.id, r.id);
        assert_eq!(app.pool_of(&water).await, app.pools.ankara_billing);
        app.delete_rule(&r.id).await.unwrap();
        assert_eq!(app.pool_of(&water).await, app.pools.ankara_triage);
        assert!(app.list_rules().await.is_empty());
        assert_eq!(app.delete_rule(&r.id).await.unwrap_err().code(), Code::NotFound);
        assert_eq!(app.update_rule(r).await.unwrap_err().code(), Code::NotFound);
    }

    async fn each_change_is_recorded_in_the_audit_trail_and_none_is_made_unrecorded(app) {
        let r = app.create_rule(rpb::Rule { category: "su_arizasi".into(), ..rule(1, &app.units.water) }).await;
        app.update_rule(rpb::Rule { priority: 2, ..r.clone() }).await.unwrap();
        app.delete_rule(&r.id).await.unwrap();
        let object = format!("routing_rule:{}", r.id);
        let recorded = app.recorded.lock().unwrap().clone();
        assert_eq!(recorded, [(object.clone(), "created".into()), (object.clone(), "updated".into()), (object, "deleted".into())]);
        app.audit_down.store(true, std::sync::atomic::Ordering::SeqCst);
        let refused = app.create_rule_as(ADMIN, rule(1, &app.units.water)).await.unwrap_err();
        assert_eq!(refused.code(), Code::Unavailable);
        assert!(app.list_rules().await.is_empty(), "a change the trail could not record was made");
    }

    async fn only_an_admin_may_write_or_read_rules(app) {
        let r = rpb::Rule { category: "fatura".into(), ..rule(1, &app.units.billing) };
        let expert = app.create_rule_as(EXPERT, r.clone()).await.unwrap_err();
        assert_eq!(expert.code(), Code::PermissionDenied, "{expert:?}");
        assert_eq!(app.list_rules_as(EXPERT).await.unwrap_err().code(), Code::PermissionDenied);
        for token in ["", "forged-token"] {
            let nobody = app.create_rule_as(token, r.clone()).await.unwrap_err();
            assert_eq!(nobody.code(), Code::Unauthenticated, "{token:?}: {nobody:?}");
            assert_eq!(app.list_rules_as(token).await.unwrap_err().code(), Code::Unauthenticated);
        }
        assert!(app.list_rules().await.is_empty(), "a refused call saved a rule");
        assert_eq!(app.pool_of(&application("fatura", "Fatura yüksek.")).await, app.pools.ankara_triage);
    }

    async fn a_rule_that_cannot_match_as_written_is_refused_by_field_and_not_saved(app) {
        let unit = app.units.water.clone();
        let cases = [
            (rpb::Rule { district: "Çankaya".into(), ..rule(1, &unit) }, "rule.district: needs a province"),
            (rpb::Rule { province_code: 6, district: "Karşıyaka".into(), ..rule(1, &unit) }, "rule.district: must be a district of the province"),
            (rpb::Rule { province_code: 82, ..rule(1, &unit) }, "rule.province_code: must be 0 or a plate code"),
            (rpb::Rule { channels: vec![common::Channel::Unspecified as i32], ..rule(1, &unit) }, "rule.channels: must be known channels"),
            (rpb::Rule { keywords: vec!["  ".into()], ..rule(1, &unit) }, "rule.keywords: must be at most 50 words of 1 to 100 characters"),
            (rule(1, "not-a-unit"), "rule.target_unit_id: must be a unit id"),
            (rpb::Rule { assigned_category: "Su Arızası".into(), ..rule(1, &unit) }, "rule.assigned_category: must be a category code: 1 to 64 of a-z, 0-9 and _"),
        ];
        for (r, violation) in cases {
            let refused = app.create_rule_as(ADMIN, r.clone()).await.unwrap_err();
            assert_eq!(refused.code(), Code::InvalidArgument, "{r:?}");
            assert_eq!(violations(&refused), [violation], "{r:?}");
        }
        assert!(app.list_rules().await.is_empty());
    }
}
