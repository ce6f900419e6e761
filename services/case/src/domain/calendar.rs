//! Days and deadlines are counted in Europe/Istanbul calendar days: a
//! record that reached its pool at 23:50 on Monday has been there one day at
//! 00:10 on Tuesday, whatever the server's own time zone is. The time-zone
//! rules are bundled into the binary, so a container without tzdata counts
//! the same way.

use std::sync::LazyLock;

use jiff::{Timestamp, Zoned, civil::Date, tz::TimeZone};

static ISTANBUL: LazyLock<TimeZone> = LazyLock::new(|| {
    TimeZone::get("Europe/Istanbul").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(3)))
});

/// The Istanbul calendar date of `t`.
pub fn istanbul_date(t: Timestamp) -> Date {
    t.to_zoned(ISTANBUL.clone()).date()
}

/// Whole Istanbul calendar days from `from` to `to`; zero when `to` is earlier.
pub fn days_between(from: Timestamp, to: Timestamp) -> u32 {
    let (a, b) = (istanbul_date(from), istanbul_date(to));
    if b <= a {
        return 0;
    }
    a.until(b)
        .map(|span| u32::try_from(span.get_days()).unwrap_or(0))
        .unwrap_or(0)
}

/// The first instant of the Istanbul day that is `days` days before `now`'s day.
/// A record entered before this instant has been in its pool at least `days` days.
pub fn start_of_day_days_ago(now: Timestamp, days: u32) -> Timestamp {
    let date = istanbul_date(now);
    let day = date
        .checked_sub(jiff::Span::new().days(i64::from(days).saturating_sub(1)))
        .unwrap_or(date);
    day.to_zoned(ISTANBUL.clone())
        .map(|z: Zoned| z.timestamp())
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn days_change_at_istanbul_midnight_not_utc_midnight() {
        // 23:50 Istanbul on 2 March is 20:50 UTC; 00:10 Istanbul on 3 March is 21:10 UTC.
        assert_eq!(
            days_between(ts("2026-03-02T20:50:00Z"), ts("2026-03-02T21:10:00Z")),
            1
        );
        // Both on 2 March in Istanbul although UTC dates differ... and the same UTC day spans two Istanbul days.
        assert_eq!(
            days_between(ts("2026-03-02T00:10:00Z"), ts("2026-03-02T20:00:00Z")),
            0
        );
    }

    #[test]
    fn days_never_go_negative() {
        assert_eq!(
            days_between(ts("2026-03-05T10:00:00Z"), ts("2026-03-02T10:00:00Z")),
            0
        );
    }

    #[test]
    fn start_of_day_days_ago_is_istanbul_midnight() {
        let now = ts("2026-03-05T10:00:00Z");
        // At least 1 day means entered before today's Istanbul midnight (21:00 UTC the day before).
        assert_eq!(start_of_day_days_ago(now, 1), ts("2026-03-04T21:00:00Z"));
        assert_eq!(start_of_day_days_ago(now, 4), ts("2026-03-01T21:00:00Z"));
        let entered = ts("2026-03-01T20:59:59Z");
        assert!(days_between(entered, now) >= 4);
    }
}
