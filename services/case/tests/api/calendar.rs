//! The working-day calendar: the store's contract (each year's built-in
//! days loaded once, versions, append-only revisions) and
//! `CalendarService` over gRPC (reads for staff, changes for admins, the
//! version check, field violations), against both stores.

use jiff::civil::date;
use tekmerkez_case::{
    domain::working_calendar::{CalendarChange, CalendarEdit, DayKind, SpecialDay},
    store::StoreError,
};
use tekmerkez_proto::case_v1::{self as pb, calendar_service_client::CalendarServiceClient};
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt as _;
use uuid::Uuid;

use crate::{both_stores, helpers::*};

fn client(app: &TestApp) -> CalendarServiceClient<Channel> {
    CalendarServiceClient::new(
        Channel::from_shared(format!("http://{}", app.addr))
            .unwrap()
            .connect_lazy(),
    )
}

async fn year(
    c: &mut CalendarServiceClient<Channel>,
    who: &str,
    y: i32,
) -> pb::ListCalendarDaysResponse {
    c.list_calendar_days(as_user(who, pb::ListCalendarDaysRequest { year: y }))
        .await
        .unwrap()
        .into_inner()
}

fn leave(d: &str) -> pb::CalendarDay {
    pb::CalendarDay {
        date: d.into(),
        kind: pb::CalendarDayKind::AdministrativeLeave as i32,
        name_tr: "İdari izin".into(),
        name_en: "Administrative leave".into(),
        estimated: true,
    }
}

fn put(day: pb::CalendarDay, expected_version: i64) -> pb::PutCalendarDayRequest {
    pb::PutCalendarDayRequest {
        day: Some(day),
        expected_version,
        reason: "Cumhurbaşkanlığı genelgesi".into(),
    }
}

fn edit(expected_version: i64) -> CalendarEdit {
    CalendarEdit {
        by: Uuid::now_v7(),
        at: start_time(),
        expected_version,
        reason: None,
    }
}

fn day(d: jiff::civil::Date, estimated: bool) -> SpecialDay {
    SpecialDay {
        date: d,
        kind: DayKind::Holiday,
        name_tr: "Bayram".into(),
        name_en: "Feast".into(),
        estimated,
    }
}

both_stores! {
    async fn the_built_in_years_are_loaded_once_and_an_admins_removal_stays_removed(app) {
        let store = app.app.store().clone();
        let (days, version) = store.list_calendar_days(Some(2026)).await.unwrap();
        assert!(version > 0, "start-up loaded the built-in years");
        let eve = days.iter().find(|d| d.date == date(2026, 5, 26)).expect("the Kurban Bayramı eve");
        assert_eq!(eve.kind, DayKind::HalfDay);
        assert!(days.iter().any(|d| d.date == date(2026, 5, 27) && d.kind == DayKind::Holiday));
        // Loading again (another start, another replica) changes nothing.
        assert_eq!(app.app.seed_builtin_calendar().await.unwrap(), 0);
        assert_eq!(store.calendar_version().await.unwrap(), version);
        // An admin removes a built-in day; a later start does not bring it back.
        store.remove_calendar_day(date(2026, 5, 19), &edit(version)).await.unwrap().unwrap();
        assert_eq!(app.app.seed_builtin_calendar().await.unwrap(), 0);
        let (days, _) = store.list_calendar_days(Some(2026)).await.unwrap();
        assert!(!days.iter().any(|d| d.date == date(2026, 5, 19)));
        // A year the store never had is loaded once; a day an admin put
        // there first is kept as the admin wrote it.
        let v = store.calendar_version().await.unwrap();
        let mine = SpecialDay { name_tr: "Yöneticinin günü".into(), ..day(date(2031, 1, 1), false) };
        store.put_calendar_day(&mine, &edit(v)).await.unwrap();
        let builtin = [day(date(2031, 1, 1), true), day(date(2031, 4, 23), true)];
        assert!(store.seed_calendar_year(2031, &builtin, start_time()).await.unwrap());
        assert!(!store.seed_calendar_year(2031, &builtin, start_time()).await.unwrap());
        let (days, _) = store.list_calendar_days(Some(2031)).await.unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0], mine);
        let seed = &store.list_calendar_revisions(Some(2031), 10).await.unwrap()[0];
        assert_eq!((seed.change, seed.day_count, seed.changed_by), (CalendarChange::Seed, 1, None));
    }

    async fn every_change_names_its_version_and_a_stale_one_writes_nothing(app) {
        let store = app.app.store().clone();
        let v = store.calendar_version().await.unwrap();
        let d = day(date(2040, 3, 5), false);
        let (v1, change) = store.put_calendar_day(&d, &edit(v)).await.unwrap();
        assert_eq!((v1, change), (v + 1, CalendarChange::Add));
        // Made against the version before: refused, nothing written.
        let other = SpecialDay { name_tr: "Başka".into(), ..d.clone() };
        match store.put_calendar_day(&other, &edit(v)).await {
            Err(StoreError::CalendarMoved { current }) => assert_eq!(current, v1),
            other => panic!("{other:?}"),
        }
        assert!(matches!(store.remove_calendar_day(d.date, &edit(v)).await, Err(StoreError::CalendarMoved { .. })));
        assert!(matches!(store.confirm_calendar_year(2040, &edit(v)).await, Err(StoreError::CalendarMoved { .. })));
        assert_eq!(store.list_calendar_days(Some(2040)).await.unwrap(), (vec![d.clone()], v1));
        // An edit records the day before and after; a removal the day removed.
        let (v2, change) = store.put_calendar_day(&other, &edit(v1)).await.unwrap();
        assert_eq!((v2, change), (v1 + 1, CalendarChange::Edit));
        assert_eq!(store.remove_calendar_day(d.date, &edit(v2)).await.unwrap(), Some(v2 + 1));
        assert_eq!(store.remove_calendar_day(d.date, &edit(v2 + 1)).await.unwrap(), None, "nothing left to remove");
        let revs = store.list_calendar_revisions(Some(2040), 10).await.unwrap();
        let seen: Vec<_> = revs.iter().map(|r| (r.revision, r.change)).collect();
        assert_eq!(seen, vec![(v2 + 1, CalendarChange::Remove), (v2, CalendarChange::Edit), (v1, CalendarChange::Add)]);
        assert_eq!(revs[0].previous.as_ref(), Some(&other));
        assert_eq!((revs[1].previous.as_ref(), revs[1].day.as_ref()), (Some(&d), Some(&other)));
        // Confirming: every estimated day of the year, once.
        let v3 = store.calendar_version().await.unwrap();
        for (i, dd) in [date(2041, 1, 1), date(2041, 4, 23)].into_iter().enumerate() {
            store.put_calendar_day(&day(dd, true), &edit(v3 + i as i64)).await.unwrap();
        }
        assert_eq!(store.confirm_calendar_year(2041, &edit(v3 + 2)).await.unwrap(), (v3 + 3, 2));
        assert_eq!(store.confirm_calendar_year(2041, &edit(v3 + 3)).await.unwrap(), (v3 + 3, 0), "nothing left: no new version");
        assert!(store.list_calendar_days(Some(2041)).await.unwrap().0.iter().all(|d| !d.estimated));
    }

    async fn two_admins_changing_at_once_against_one_version_only_one_wins(app) {
        let store = app.app.store().clone();
        let v = store.calendar_version().await.unwrap();
        let tries = (0..8i8).map(|i| {
            let store = store.clone();
            async move { store.put_calendar_day(&day(date(2042, 1, 1 + i), false), &edit(v)).await }
        });
        let results = futures::future::join_all(tries).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().all(|r| r.is_ok() || matches!(r, Err(StoreError::CalendarMoved { .. }))));
        assert_eq!(store.list_calendar_days(Some(2042)).await.unwrap().0.len(), 1);
        assert_eq!(store.calendar_version().await.unwrap(), v + 1);
    }

    async fn the_revisions_table_refuses_updates_and_deletes(app) {
        let store = app.app.store().clone();
        let before = store.list_calendar_revisions(None, 500).await.unwrap();
        assert!(!before.is_empty());
        for sql in ["UPDATE calendar_revisions SET reason = 'forged'", "DELETE FROM calendar_revisions"] {
            let err = match app.backend {
                Backend::Sqlite => {
                    use sqlx::Connection as _;
                    let mut conn = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
                    sqlx::query(sql).execute(&mut conn).await.unwrap_err()
                }
                Backend::Postgres => {
                    use sqlx::Connection as _;
                    let mut conn = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
                    sqlx::query(sql).execute(&mut conn).await.unwrap_err()
                }
            };
            assert!(err.to_string().contains("calendar_revisions is append-only"), "{err}");
        }
        assert_eq!(store.list_calendar_revisions(None, 500).await.unwrap(), before);
    }

    async fn an_admin_adds_changes_and_removes_days_over_grpc_and_a_stale_edit_is_aborted(app) {
        let mut c = client(&app);
        let y = year(&mut c, "admin", 2026).await;
        let kurban: Vec<_> = y.days.iter().filter(|d| d.name_tr.starts_with("Kurban Bayramı")).collect();
        assert_eq!(kurban.len(), 5);
        assert_eq!(kurban[0].date, "2026-05-26");
        assert_eq!(kurban[0].kind, pb::CalendarDayKind::HalfDay as i32);
        let stored = c.put_calendar_day(as_user("admin", put(leave("2026-05-25"), y.version))).await.unwrap().into_inner();
        assert_eq!(stored.version, y.version + 1);
        assert!(!stored.day.unwrap().estimated, "an admin's day is confirmed");
        let after = year(&mut c, "expert_ankara", 2026).await;
        assert_eq!(after.version, y.version + 1);
        assert!(after.days.iter().any(|d| d.date == "2026-05-25" && d.kind == pb::CalendarDayKind::AdministrativeLeave as i32));
        // Made on the page as it was before: refused, naming the reason.
        let stale = c.put_calendar_day(as_user("admin", put(leave("2026-06-01"), y.version))).await.unwrap_err();
        assert_eq!(stale.code(), Code::Aborted);
        let info = stale.get_details_error_info().unwrap();
        assert_eq!(info.reason, "CALENDAR_VERSION_CONFLICT");
        assert_eq!(info.metadata["current_version"], after.version.to_string());
        let removed = c.remove_calendar_day(as_user("admin", pb::RemoveCalendarDayRequest {
            date: "2026-05-25".into(), expected_version: after.version, reason: "Genelge geri alındı".into(),
        })).await.unwrap().into_inner();
        assert_eq!(removed.version, after.version + 1);
        let missing = c.remove_calendar_day(as_user("admin", pb::RemoveCalendarDayRequest {
            date: "2026-06-02".into(), expected_version: removed.version, reason: String::new(),
        })).await.unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);
        let history = c.list_calendar_revisions(as_user("admin", pb::ListCalendarRevisionsRequest { year: 2026, limit: 0 }))
            .await.unwrap().into_inner().revisions;
        assert_eq!(history[0].change, pb::CalendarChange::Remove as i32);
        assert_eq!(history[0].reason, "Genelge geri alındı");
        assert_eq!(history[0].previous.as_ref().unwrap().date, "2026-05-25");
        assert_eq!(history[1].change, pb::CalendarChange::Add as i32);
        assert_eq!(history[1].changed_by_display_name, "Sistem Yöneticisi");
        assert!(!history[1].changed_by.is_empty());
        assert_eq!(history.last().unwrap().change, pb::CalendarChange::Seed as i32);
        assert!(history.last().unwrap().changed_by.is_empty(), "the service loaded it");
    }

    async fn confirming_an_estimated_year_clears_every_estimate(app) {
        let mut c = client(&app);
        let y = year(&mut c, "admin", 2027).await;
        assert!(y.days.iter().any(|d| d.estimated), "the religious days after 2026 are estimated");
        let r = c.confirm_calendar_year(as_user("admin", pb::ConfirmCalendarYearRequest {
            year: 2027, expected_version: y.version, reason: "Diyanet takvimi".into(),
        })).await.unwrap().into_inner();
        assert_eq!(r.version, y.version + 1);
        assert_eq!(r.confirmed_days as usize, y.days.iter().filter(|d| d.estimated).count());
        let after = year(&mut c, "admin", 2027).await;
        assert!(after.days.iter().all(|d| !d.estimated));
        assert_eq!(after.days.len(), y.days.len());
    }

    async fn only_admins_change_the_calendar_and_partners_do_not_read_it(app) {
        let mut c = client(&app);
        let y = year(&mut c, "manager_ankara", 2026).await;
        for who in ["manager_ankara", "expert_ankara", "callcentre"] {
            let st = c.put_calendar_day(as_user(who, put(leave("2026-06-01"), y.version))).await.unwrap_err();
            assert_eq!(st.code(), Code::PermissionDenied, "{who}");
            // Refused before its fields are looked at.
            let st = c.put_calendar_day(as_user(who, pb::PutCalendarDayRequest::default())).await.unwrap_err();
            assert_eq!(st.code(), Code::PermissionDenied, "{who}");
            let st = c.confirm_calendar_year(as_user(who, pb::ConfirmCalendarYearRequest { year: 2027, expected_version: y.version, reason: String::new() })).await.unwrap_err();
            assert_eq!(st.code(), Code::PermissionDenied, "{who}");
            let st = c.remove_calendar_day(as_user(who, pb::RemoveCalendarDayRequest { date: "2026-05-27".into(), expected_version: y.version, reason: String::new() })).await.unwrap_err();
            assert_eq!(st.code(), Code::PermissionDenied, "{who}");
        }
        let st = c.list_calendar_days(as_user("partner", pb::ListCalendarDaysRequest { year: 2026 })).await.unwrap_err();
        assert_eq!(st.code(), Code::PermissionDenied);
        let st = c.list_calendar_days(tonic::Request::new(pb::ListCalendarDaysRequest { year: 2026 })).await.unwrap_err();
        assert_eq!(st.code(), Code::Unauthenticated);
        // The routing service reads it (due dates at creation).
        c.list_calendar_days(with_token(ROUTING_TOKEN, pb::ListCalendarDaysRequest { year: 2026 })).await.unwrap();
        assert_eq!(year(&mut c, "admin", 2026).await.version, y.version, "nothing changed");
    }

    async fn a_bad_day_is_refused_field_by_field(app) {
        let mut c = client(&app);
        let y = year(&mut c, "admin", 2026).await;
        let bad = pb::PutCalendarDayRequest {
            day: Some(pb::CalendarDay { date: "1999-12-31".into(), kind: 0, name_tr: "  ".into(), name_en: String::new(), estimated: false }),
            expected_version: -1,
            reason: "x".repeat(501),
        };
        let st = c.put_calendar_day(as_user("admin", bad)).await.unwrap_err();
        assert_eq!(st.code(), Code::InvalidArgument);
        let mut fields = violated_fields(&st);
        fields.sort();
        assert_eq!(fields, ["day.date", "day.kind", "day.name_en", "day.name_tr", "expected_version", "reason"]);
        for raw in ["2026-13-01", "26.05.2026", "2101-01-01"] {
            let st = c.put_calendar_day(as_user("admin", put(leave(raw), y.version))).await.unwrap_err();
            assert_eq!(violated_fields(&st), ["day.date"], "{raw}");
        }
        let st = c.list_calendar_days(as_user("admin", pb::ListCalendarDaysRequest { year: 1999 })).await.unwrap_err();
        assert_eq!(violated_fields(&st), ["year"]);
        // A holiday on a Saturday is what the official calendar says: accepted.
        c.put_calendar_day(as_user("admin", put(pb::CalendarDay { kind: pb::CalendarDayKind::Holiday as i32, ..leave("2026-06-06") }, y.version))).await.unwrap();
        assert_eq!(year(&mut c, "admin", 2026).await.version, y.version + 1, "only the valid one was stored");
    }

    async fn the_working_calendar_follows_an_admins_change_at_once(app) {
        let mut c = client(&app);
        let cal = app.app.working_calendar().await.unwrap();
        let monday = date(2026, 6, 1);
        assert!(cal.is_working_day(monday, true));
        assert!(!cal.is_working_day(date(2026, 5, 27), true), "Kurban Bayramı");
        assert!(std::sync::Arc::ptr_eq(&cal, &app.app.working_calendar().await.unwrap()), "unchanged: the cached copy");
        let y = year(&mut c, "admin", 2026).await;
        c.put_calendar_day(as_user("admin", put(leave("2026-06-01"), y.version))).await.unwrap();
        assert!(app.app.last_working_calendar().is_working_day(monday, true), "the synchronous copy waits for the next check");
        let cal = app.app.working_calendar().await.unwrap();
        assert!(!cal.is_working_day(monday, true), "the idari izin counts from the next use");
        assert!(!app.app.last_working_calendar().is_working_day(monday, true));
        assert_eq!(cal.add_working_days(date(2026, 5, 29), 1, true), date(2026, 6, 2));
    }
}
