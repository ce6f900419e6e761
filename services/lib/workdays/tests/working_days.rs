//! The counting rules against the built-in holiday data: one test per rule,
//! then properties over every date 2024–2030.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use jiff::{Timestamp, civil::Date};
use proptest::prelude::*;
use tekmerkez_workdays::{Calendar, DayKind, SpecialDay, end_of_istanbul_day, istanbul_date};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

#[test]
fn filed_on_the_eve_of_kurban_bayrami_2026_a_4982_request_is_due_on_19_june() {
    // Eve Tuesday 26 May (half day); Kurban 27–30 May (Wednesday–Saturday);
    // counting starts Monday 1 June: 1–5, 8–12, 15–19 June are the 15 days.
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(d("2026-05-26"), 15, true),
        d("2026-06-19")
    );
    assert_eq!(
        cal.working_days_between(d("2026-05-26"), d("2026-06-19"), true),
        15
    );
}

#[test]
fn filed_on_the_eve_of_ramazan_bayrami_2027_a_4982_request_is_due_on_1_april() {
    // Eve Monday 8 March; Ramazan 9–11 March (Tuesday–Thursday); counting
    // starts Friday 12 March: 12, 15–19, 22–26, 29 March–1 April.
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(d("2027-03-08"), 15, true),
        d("2027-04-01")
    );
}

#[test]
fn a_bayram_spanning_a_weekend_is_skipped_whole() {
    // Ramazan 2026: Friday 20 – Sunday 22 March; eve Thursday 19 (half day).
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(d("2026-03-19"), 1, true),
        d("2026-03-23")
    );
    // Kurban 2025: Friday 6 – Monday 9 June.
    assert_eq!(
        cal.add_working_days(d("2025-06-05"), 1, true),
        d("2025-06-10")
    );
}

#[test]
fn a_half_day_eve_counts_as_a_working_day_unless_the_policy_says_otherwise() {
    let cal = Calendar::builtin();
    let eve = d("2026-05-26");
    assert_eq!(cal.special_day(eve).map(|s| s.kind), Some(DayKind::HalfDay));
    assert!(cal.is_working_day(eve, true));
    assert!(!cal.is_working_day(eve, false));
    assert_eq!(cal.add_working_days(d("2026-05-25"), 1, true), eve);
    assert_eq!(
        cal.add_working_days(d("2026-05-25"), 1, false),
        d("2026-06-01")
    );
    // Republic Day's eve, 28 October, is a half day too.
    assert_eq!(
        cal.add_working_days(d("2026-10-27"), 1, false),
        d("2026-10-30")
    );
    assert_eq!(
        cal.add_working_days(d("2026-10-27"), 2, true),
        d("2026-10-30")
    );
}

#[test]
fn counting_crosses_the_year_boundary_past_new_year() {
    // Thursday 31 December 2026; 1 January 2027 is a Friday holiday.
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(d("2026-12-31"), 1, true),
        d("2027-01-04")
    );
    // 30 calendar days from 2 December 2026 land on New Year's Day, then the weekend.
    assert_eq!(cal.add_calendar_days(d("2026-12-02"), 30), d("2027-01-04"));
}

#[test]
fn administrative_leave_is_a_day_off_even_on_an_eve() {
    // 2024: idari izin on Monday 8 April and on the eve, Tuesday 9 April, in full.
    let cal = Calendar::builtin();
    assert!(!cal.is_working_day(d("2024-04-08"), true));
    assert!(!cal.is_working_day(d("2024-04-09"), true));
    assert_eq!(
        cal.add_working_days(d("2024-04-05"), 1, true),
        d("2024-04-15")
    );
    // A calendar day added by an admin (a new idari izin) moves a due date.
    let mut days: Vec<SpecialDay> = cal.days().cloned().collect();
    days.push(SpecialDay {
        date: d("2026-06-01"),
        kind: DayKind::AdministrativeLeave,
        name_tr: "İdari izin".into(),
        name_en: "Administrative leave".into(),
        estimated: false,
    });
    let edited = Calendar::from_days(days);
    assert_eq!(
        edited.add_working_days(d("2026-05-26"), 15, true),
        d("2026-06-22")
    );
}

#[test]
fn a_calendar_period_ending_on_a_holiday_or_weekend_moves_to_the_next_working_day() {
    let cal = Calendar::builtin();
    // 30 days from 27 April 2026 is Wednesday 27 May, Kurban Bayramı: moves to Monday 1 June.
    assert_eq!(cal.add_calendar_days(d("2026-04-27"), 30), d("2026-06-01"));
    // Ending on an ordinary Tuesday stays.
    assert_eq!(cal.add_calendar_days(d("2026-01-05"), 30), d("2026-02-04"));
    // Ending on an eve: a working day by default, not when half days do not count.
    assert_eq!(cal.add_calendar_days(d("2026-04-26"), 30), d("2026-05-26"));
    assert_eq!(
        cal.add_calendar_days_rolling(d("2026-04-26"), 30, false),
        d("2026-06-01")
    );
}

#[test]
fn the_filing_day_is_an_istanbul_date() {
    // 22:30 UTC on 25 May is 01:30 on 26 May in Istanbul: filed on the eve.
    let t: Timestamp = "2026-05-25T22:30:00Z".parse().unwrap();
    assert_eq!(istanbul_date(t), d("2026-05-26"));
    // Due on 19 June means late from 00:00 Istanbul on 20 June (21:00 UTC on the 19th).
    assert_eq!(
        end_of_istanbul_day(d("2026-06-19")),
        "2026-06-19T21:00:00Z".parse::<Timestamp>().unwrap()
    );
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i64..(7 * 365)).prop_map(|n| {
        d("2024-01-01")
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
    })
}

proptest! {
    #[test]
    fn adding_n_working_days_then_counting_back_gives_n(
        filed in any_date(), n in 0u32..60, half in any::<bool>()
    ) {
        let cal = Calendar::builtin();
        let due = cal.add_working_days(filed, n, half);
        prop_assert!(due >= filed);
        if n > 0 {
            prop_assert_eq!(cal.working_days_between(filed, due, half), n);
        }
    }

    #[test]
    fn no_due_date_falls_on_a_weekend_or_a_day_off(
        filed in any_date(), n in 0u32..60, half in any::<bool>()
    ) {
        let cal = Calendar::builtin();
        for due in [
            cal.add_working_days(filed, n, half),
            cal.add_calendar_days_rolling(filed, n, half),
        ] {
            prop_assert!(cal.is_working_day(due, half), "{due} from {filed} + {n}");
            let off = cal.special_day(due).map(|s| s.kind);
            prop_assert!(!matches!(off, Some(DayKind::Holiday | DayKind::AdministrativeLeave)));
        }
    }

    #[test]
    fn a_calendar_period_is_never_shorter_and_lands_on_the_first_working_day(
        filed in any_date(), n in 0u32..60
    ) {
        let cal = Calendar::builtin();
        let due = cal.add_calendar_days(filed, n);
        let exact = filed.checked_add(jiff::Span::new().days(i64::from(n))).unwrap();
        prop_assert!(due >= exact);
        // Every day from the exact end to the day before the due date is a day off.
        let mut day = exact;
        while day < due {
            prop_assert!(!cal.is_working_day(day, true));
            day = day.tomorrow().unwrap();
        }
    }

    #[test]
    fn one_more_working_day_is_the_next_working_day(filed in any_date(), n in 1u32..40) {
        let cal = Calendar::builtin();
        let a = cal.add_working_days(filed, n, true);
        let b = cal.add_working_days(filed, n + 1, true);
        prop_assert_eq!(b, cal.next_working_day_from(a.tomorrow().unwrap(), true));
    }
}
