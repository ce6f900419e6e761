//! The period a periodic report covers, as people and e-mails name it: a
//! month (`2026-11`, *Kasım 2026*), a year (`2026`, the year-end summary)
//! or any other run of days (`2026-03-01..2026-05-31`); and when the
//! monthly report is due.

use jiff::civil::Date;
use tekmerkez_types::format::month_name;
use tekmerkez_workdays::Calendar;

use crate::{grpc::MAX_DAYS, query::Granularity};

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPeriod {
    /// A calendar month.
    Month {
        /// The year.
        year: i16,
        /// 1 to 12.
        month: i8,
    },
    /// A calendar year.
    Year(i16),
    /// Istanbul days, both included.
    Range(Date, Date),
}

impl ReportPeriod {
    /// Reads `2026-11`, `2026` or `2026-03-01..2026-05-31`; `None` for
    /// anything else, an empty or reversed range, or one longer than the
    /// reports answer ([`MAX_DAYS`]).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let from: Date = a.trim().parse().ok()?;
            let to: Date = b.trim().parse().ok()?;
            let days = (to - from).get_days();
            return (from <= to && days <= MAX_DAYS).then_some(Self::Range(from, to));
        }
        match s.len() {
            4 => {
                let year: i16 = s.parse().ok()?;
                Date::new(year, 1, 1).ok().map(|_| Self::Year(year))
            }
            7 => {
                let (y, m) = s.split_once('-')?;
                let (year, month): (i16, i8) = (y.parse().ok()?, m.parse().ok()?);
                Date::new(year, month, 1)
                    .ok()
                    .map(|_| Self::Month { year, month })
            }
            _ => None,
        }
    }

    /// The month before the one `today` is in.
    pub fn month_before(today: Date) -> Self {
        let d = today
            .first_of_month()
            .yesterday()
            .unwrap_or(today.first_of_month());
        Self::Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// As [`Self::parse`] reads it.
    pub fn code(&self) -> String {
        match self {
            Self::Month { year, month } => format!("{year:04}-{month:02}"),
            Self::Year(y) => format!("{y:04}"),
            Self::Range(a, b) => format!("{a}..{b}"),
        }
    }

    /// The first and last day.
    pub fn bounds(&self) -> (Date, Date) {
        match *self {
            Self::Month { year, month } => {
                let first = Date::new(year, month, 1).unwrap_or(Date::MIN);
                (first, first.last_of_month())
            }
            Self::Year(y) => {
                let first = Date::new(y, 1, 1).unwrap_or(Date::MIN);
                (first, first.last_of_year())
            }
            Self::Range(a, b) => (a, b),
        }
    }

    /// How people name it: *Kasım 2026*, *2026*, *01.03.2026 – 31.05.2026*.
    pub fn label(&self, english: bool) -> String {
        match self {
            Self::Month { year, month } => format!("{} {year}", month_name(*month, english)),
            Self::Year(y) => y.to_string(),
            Self::Range(a, b) => format!("{} – {}", day(*a), day(*b)),
        }
    }

    /// The report's kind: *Aylık rapor*, *Yıl sonu raporu*, *Dönem raporu*.
    pub fn kind(&self, english: bool) -> &'static str {
        match (self, english) {
            (Self::Month { .. }, false) => "Aylık rapor",
            (Self::Month { .. }, true) => "Monthly report",
            (Self::Year(_), false) => "Yıl sonu raporu",
            (Self::Year(_), true) => "Year-end report",
            (Self::Range(..), false) => "Dönem raporu",
            (Self::Range(..), true) => "Period report",
        }
    }

    /// How the trend is split: by day up to two months, then by month.
    pub fn trend_step(&self) -> Granularity {
        let (a, b) = self.bounds();
        if (b - a).get_days() <= 62 {
            Granularity::Day
        } else {
            Granularity::Month
        }
    }
}

/// `31.01.2026`, as the desk writes days in both languages.
pub fn day(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// Whether `today` is the month's first working day (the monthly report's
/// day): weekends, holidays and administrative leave are skipped, a
/// half-day eve counts.
pub fn is_first_working_day(calendar: &Calendar, today: Date) -> bool {
    calendar.next_working_day_from(today.first_of_month(), true) == today
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn periods_read_and_name_themselves() {
        let nov = ReportPeriod::parse("2026-11").unwrap();
        assert_eq!(nov.bounds(), (date(2026, 11, 1), date(2026, 11, 30)));
        assert_eq!(nov.label(false), "Kasım 2026");
        assert_eq!(nov.code(), "2026-11");
        let year = ReportPeriod::parse("2026").unwrap();
        assert_eq!(year.bounds(), (date(2026, 1, 1), date(2026, 12, 31)));
        assert_eq!(year.kind(false), "Yıl sonu raporu");
        assert_eq!(year.trend_step(), Granularity::Month);
        let r = ReportPeriod::parse("2026-03-01..2026-05-31").unwrap();
        assert_eq!(r.code(), "2026-03-01..2026-05-31");
        assert_eq!(r.label(false), "01.03.2026 – 31.05.2026");
        for bad in [
            "",
            "2026-13",
            "26-1",
            "2026-05-31..2026-03-01",
            "2000-01-01..2026-01-01",
            "x",
        ] {
            assert_eq!(ReportPeriod::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_month_before_crosses_the_year() {
        assert_eq!(
            ReportPeriod::month_before(date(2027, 1, 4)),
            ReportPeriod::Month {
                year: 2026,
                month: 12
            }
        );
    }

    #[test]
    fn the_first_working_day_skips_weekends_and_holidays() {
        let cal = Calendar::builtin();
        // 1 November 2026 is a Sunday: Monday the 2nd.
        assert!(!is_first_working_day(&cal, date(2026, 11, 1)));
        assert!(is_first_working_day(&cal, date(2026, 11, 2)));
        assert!(!is_first_working_day(&cal, date(2026, 11, 3)));
        // 1 January is a holiday; 2 January 2026 a Friday.
        assert!(!is_first_working_day(&cal, date(2026, 1, 1)));
        assert!(is_first_working_day(&cal, date(2026, 1, 2)));
    }
}
