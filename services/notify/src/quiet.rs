//! Quiet hours: SMS that may wait are not sent at night, local time
//! (21:00–09:00 Europe/Istanbul by default). A message due inside the window
//! is deferred to its end, never dropped; the acknowledgement of an
//! application just made and anything urgent are not deferred (the caller
//! decides that, see [`crate::handler`]).

use jiff::{Timestamp, civil::Time, tz::TimeZone};

/// Quiet hours: SMS that may wait are not sent between `start` and `end`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursSettings {
    /// Off sends everything at once.
    pub enabled: bool,
    /// `HH:MM`, local time.
    pub start: String,
    /// `HH:MM`, local time (before `start`: the window crosses midnight).
    pub end: String,
    /// IANA time zone.
    pub time_zone: String,
    /// An acknowledgement goes out at once only while the application is
    /// this fresh; an older one (a backlog after an outage) waits too.
    pub fresh_minutes: u64,
}

/// A nightly window in one time zone.
#[derive(Debug, Clone)]
pub struct QuietHours {
    start: Time,
    end: Time,
    tz: TimeZone,
}

fn parse_time(s: &str) -> Result<Time, String> {
    let (h, m) = s
        .split_once(':')
        .ok_or_else(|| format!("{s:?} is not HH:MM"))?;
    let h: i8 = h.parse().map_err(|_| format!("{s:?} is not HH:MM"))?;
    let m: i8 = m.parse().map_err(|_| format!("{s:?} is not HH:MM"))?;
    Time::new(h, m, 0, 0).map_err(|_| format!("{s:?} is not a time of day"))
}

impl QuietHours {
    /// The window from settings.
    ///
    /// # Errors
    /// A time that is not `HH:MM`, an unknown zone, or start equal to end.
    pub fn from_settings(s: &QuietHoursSettings) -> Result<Self, String> {
        let start = parse_time(&s.start)?;
        let end = parse_time(&s.end)?;
        if start == end {
            return Err("start and end must differ".into());
        }
        let tz = TimeZone::get(&s.time_zone)
            .map_err(|_| format!("unknown time zone {:?}", s.time_zone))?;
        Ok(Self { start, end, tz })
    }

    fn inside(&self, t: Time) -> bool {
        if self.start < self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// When a message that may wait can go, if it is due at `at`: `at`
    /// itself outside the window, else the window's end (the next local
    /// `end` after `at`, correct across midnight and DST changes).
    pub fn next_allowed(&self, at: Timestamp) -> Timestamp {
        let local = at.to_zoned(self.tz.clone());
        if !self.inside(local.time()) {
            return at;
        }
        let mut day = local.date();
        if local.time() >= self.end {
            // Evening part of a window that crosses midnight: it ends tomorrow.
            day = day.tomorrow().unwrap_or(day);
        }
        day.to_datetime(self.end)
            .to_zoned(self.tz.clone())
            .map_or(at, |z| z.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn istanbul() -> QuietHours {
        QuietHours::from_settings(&QuietHoursSettings {
            enabled: true,
            start: "21:00".into(),
            end: "09:00".into(),
            time_zone: "Europe/Istanbul".into(),
            fresh_minutes: 60,
        })
        .unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn daytime_messages_go_at_once() {
        // 12:00 in Istanbul (UTC+3).
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-25T09:00:00Z")),
            ts("2026-11-25T09:00:00Z")
        );
        // 20:59 local.
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-25T17:59:00Z")),
            ts("2026-11-25T17:59:00Z")
        );
    }

    #[test]
    fn evening_messages_wait_for_nine_the_next_morning() {
        // 21:00 local on the 25th → 09:00 local on the 26th (06:00 UTC).
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-25T18:00:00Z")),
            ts("2026-11-26T06:00:00Z")
        );
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-25T20:59:00Z")),
            ts("2026-11-26T06:00:00Z")
        );
    }

    #[test]
    fn small_hours_messages_wait_for_nine_the_same_morning() {
        // 02:30 local on the 26th.
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-25T23:30:00Z")),
            ts("2026-11-26T06:00:00Z")
        );
        // 08:59 local still waits; 09:00 goes.
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-26T05:59:00Z")),
            ts("2026-11-26T06:00:00Z")
        );
        assert_eq!(
            istanbul().next_allowed(ts("2026-11-26T06:00:00Z")),
            ts("2026-11-26T06:00:00Z")
        );
    }

    #[test]
    fn a_window_within_one_day_works_too_and_bad_settings_are_refused() {
        let q = QuietHours::from_settings(&QuietHoursSettings {
            enabled: true,
            start: "12:00".into(),
            end: "13:30".into(),
            time_zone: "UTC".into(),
            fresh_minutes: 60,
        })
        .unwrap();
        assert_eq!(
            q.next_allowed(ts("2026-01-01T12:10:00Z")),
            ts("2026-01-01T13:30:00Z")
        );
        assert_eq!(
            q.next_allowed(ts("2026-01-01T13:30:00Z")),
            ts("2026-01-01T13:30:00Z")
        );
        let bad = |start: &str, end: &str, tz: &str| {
            QuietHours::from_settings(&QuietHoursSettings {
                enabled: true,
                start: start.into(),
                end: end.into(),
                time_zone: tz.into(),
                fresh_minutes: 1,
            })
            .is_err()
        };
        assert!(bad("25:00", "09:00", "UTC"));
        assert!(bad("21:00", "21:00", "UTC"));
        assert!(bad("21:00", "09:00", "Mars/Olympus"));
        assert!(bad("9", "10:00", "UTC"));
    }
}
