//! The period a report covers, as *Raporlar* asks for it: a preset (this
//! month, last month, this year, last year) or a custom range of Istanbul
//! days; and how a period is split for the trend (days, ISO weeks starting
//! on Monday, months) — the same buckets the reports service counts by, so
//! the gateway can show every bucket, the empty ones included.
//!
//! Pure functions of the query and "today" (the caller reads the Istanbul
//! clock), so every rule is unit-tested without a clock.

use jiff::{ToSpan as _, civil::Date};

/// The longest period, in days: the reports service's limit (ten years).
pub const MAX_DAYS: i32 = 3660;

/// A period preset, as the URL names it (`donem=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// *Bu ay*: the first of this month to today.
    ThisMonth,
    /// *Geçen ay*: the whole of last month.
    LastMonth,
    /// *Bu yıl*: 1 January to today.
    ThisYear,
    /// *Geçen yıl*: the whole of last year.
    LastYear,
    /// *Özel*: the days the person typed.
    Custom,
}

impl Preset {
    /// Every preset, in the picker's order.
    pub const ALL: [Self; 5] = [
        Self::ThisMonth,
        Self::LastMonth,
        Self::ThisYear,
        Self::LastYear,
        Self::Custom,
    ];

    /// The URL's code; unknown codes are this month.
    pub fn parse(code: &str) -> Self {
        match code {
            "gecen-ay" => Self::LastMonth,
            "bu-yil" => Self::ThisYear,
            "gecen-yil" => Self::LastYear,
            "ozel" => Self::Custom,
            _ => Self::ThisMonth,
        }
    }

    /// The URL's code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ThisMonth => "bu-ay",
            Self::LastMonth => "gecen-ay",
            Self::ThisYear => "bu-yil",
            Self::LastYear => "gecen-yil",
            Self::Custom => "ozel",
        }
    }
}

/// A period's first and last day (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub preset: Preset,
    pub from: Date,
    pub to: Date,
}

/// A custom period that cannot be counted: the field at fault (`from` or
/// `to`, as the form names them `baslangic` / `bitis`) and why, with what
/// was typed kept so the form shows it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    /// `baslangic` or `bitis`.
    pub field: &'static str,
    /// What is wrong.
    pub rule: PeriodRule,
    /// The first day as typed.
    pub from: String,
    /// The last day as typed.
    pub to: String,
}

/// Why a custom period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRule {
    /// Not a date `YYYY-MM-DD`.
    NotADate,
    /// The last day is before the first.
    EndBeforeStart,
    /// Longer than [`MAX_DAYS`].
    TooLong,
}

fn first_of_month(d: Date) -> Date {
    d.first_of_month()
}

/// The period `preset` names on `today` (an Istanbul day); for
/// [`Preset::Custom`], the days `from` and `to` as typed (`YYYY-MM-DD`).
///
/// # Errors
/// A custom period whose days are not dates, whose end is before its start
/// or that is longer than [`MAX_DAYS`].
pub fn resolve(preset: Preset, from: &str, to: &str, today: Date) -> Result<Period, PeriodError> {
    let (f, t) = match preset {
        Preset::ThisMonth => (first_of_month(today), today),
        Preset::LastMonth => {
            // Saturating: day one of the calendar has no month before it.
            let last = first_of_month(today).yesterday().unwrap_or(today);
            (first_of_month(last), last)
        }
        Preset::ThisYear => (today.first_of_year(), today),
        Preset::LastYear => {
            let last = today.first_of_year().yesterday().unwrap_or(today);
            (last.first_of_year(), last)
        }
        Preset::Custom => {
            let refuse = |field, rule| PeriodError {
                field,
                rule,
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            };
            let f = Date::strptime("%Y-%m-%d", from.trim())
                .map_err(|_| refuse("baslangic", PeriodRule::NotADate))?;
            let t = Date::strptime("%Y-%m-%d", to.trim())
                .map_err(|_| refuse("bitis", PeriodRule::NotADate))?;
            if t < f {
                return Err(refuse("bitis", PeriodRule::EndBeforeStart));
            }
            if days_between(f, t) >= MAX_DAYS {
                return Err(refuse("bitis", PeriodRule::TooLong));
            }
            (f, t)
        }
    };
    Ok(Period {
        preset,
        from: f,
        to: t,
    })
}

/// Whole days from `a` to `b`.
fn days_between(a: Date, b: Date) -> i32 {
    // A civil date's span is in days unless asked otherwise.
    a.until(b).map_or(0, |s| s.get_days())
}

/// How a trend splits its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
}

impl Step {
    /// Every step, in the picker's order.
    pub const ALL: [Self; 3] = [Self::Day, Self::Week, Self::Month];

    /// The URL's code (`adim=`): `gun`, `hafta`, `ay`; anything else is
    /// `None` (the period's default).
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "gun" => Some(Self::Day),
            "hafta" => Some(Self::Week),
            "ay" => Some(Self::Month),
            _ => None,
        }
    }

    /// The URL's code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "gun",
            Self::Week => "hafta",
            Self::Month => "ay",
        }
    }

    /// The step that draws `p` in a readable number of points: days up to
    /// a month and a half, weeks up to half a year, months beyond.
    pub fn default_for(p: &Period) -> Self {
        match days_between(p.from, p.to) {
            ..=45 => Self::Day,
            46..=186 => Self::Week,
            _ => Self::Month,
        }
    }

    /// The first day of the bucket `d` falls in.
    pub fn start_of(self, d: Date) -> Date {
        match self {
            Self::Day => d,
            Self::Week => d
                .checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days())
                .unwrap_or(d),
            Self::Month => d.first_of_month(),
        }
    }

    /// The first day of the bucket after the one starting on `start`.
    fn next(self, start: Date) -> Option<Date> {
        match self {
            Self::Day => start.tomorrow().ok(),
            Self::Week => start.checked_add(7.days()).ok(),
            Self::Month => start.checked_add(1.month()).ok(),
        }
    }

    /// The first day of every bucket `p` touches, in order (the first
    /// bucket may start before `p.from`: a week starts on Monday).
    pub fn buckets(self, p: &Period) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = self.start_of(p.from);
        while d <= p.to {
            out.push(d);
            match self.next(d) {
                Some(n) => d = n,
                None => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn presets_cover_the_month_and_year_of_today_and_the_ones_before() {
        let today = date(2026, 3, 17);
        let p = |preset| resolve(preset, "", "", today).unwrap();
        assert_eq!(
            (p(Preset::ThisMonth).from, p(Preset::ThisMonth).to),
            (date(2026, 3, 1), today)
        );
        assert_eq!(
            (p(Preset::LastMonth).from, p(Preset::LastMonth).to),
            (date(2026, 2, 1), date(2026, 2, 28))
        );
        assert_eq!(
            (p(Preset::ThisYear).from, p(Preset::ThisYear).to),
            (date(2026, 1, 1), today)
        );
        assert_eq!(
            (p(Preset::LastYear).from, p(Preset::LastYear).to),
            (date(2025, 1, 1), date(2025, 12, 31))
        );
    }

    #[test]
    fn last_month_in_january_is_december_of_the_year_before() {
        let p = resolve(Preset::LastMonth, "", "", date(2026, 1, 9)).unwrap();
        assert_eq!((p.from, p.to), (date(2025, 12, 1), date(2025, 12, 31)));
    }

    #[test]
    fn a_custom_period_ending_before_it_starts_is_refused_naming_the_end_and_keeping_both() {
        let e = resolve(
            Preset::Custom,
            "2026-03-10",
            " 2026-03-01",
            date(2026, 3, 17),
        )
        .unwrap_err();
        assert_eq!(e.field, "bitis");
        assert_eq!(e.rule, PeriodRule::EndBeforeStart);
        assert_eq!(
            (e.from.as_str(), e.to.as_str()),
            ("2026-03-10", "2026-03-01")
        );
        let e = resolve(
            Preset::Custom,
            "10.03.2026",
            "2026-03-01",
            date(2026, 3, 17),
        )
        .unwrap_err();
        assert_eq!((e.field, e.rule), ("baslangic", PeriodRule::NotADate));
        let e = resolve(Preset::Custom, "2026-03-10", "", date(2026, 3, 17)).unwrap_err();
        assert_eq!((e.field, e.rule), ("bitis", PeriodRule::NotADate));
        let e = resolve(
            Preset::Custom,
            "2000-01-01",
            "2026-03-01",
            date(2026, 3, 17),
        )
        .unwrap_err();
        assert_eq!((e.field, e.rule), ("bitis", PeriodRule::TooLong));
        let ok = resolve(
            Preset::Custom,
            "2026-03-01",
            "2026-03-01",
            date(2026, 3, 17),
        )
        .unwrap();
        assert_eq!((ok.from, ok.to), (date(2026, 3, 1), date(2026, 3, 1)));
    }

    #[test]
    fn weeks_start_on_monday_and_buckets_cover_the_whole_period() {
        // 2026-01-01 is a Thursday; its week started on Monday 29 December.
        assert_eq!(Step::Week.start_of(date(2026, 1, 1)), date(2025, 12, 29));
        assert_eq!(Step::Week.start_of(date(2026, 1, 5)), date(2026, 1, 5));
        assert_eq!(Step::Week.start_of(date(2026, 1, 11)), date(2026, 1, 5));
        let p = Period {
            preset: Preset::Custom,
            from: date(2026, 1, 1),
            to: date(2026, 1, 12),
        };
        assert_eq!(
            Step::Week.buckets(&p),
            [date(2025, 12, 29), date(2026, 1, 5), date(2026, 1, 12)]
        );
        assert_eq!(Step::Day.buckets(&p).len(), 12);
        let year = resolve(Preset::LastYear, "", "", date(2026, 1, 9)).unwrap();
        assert_eq!(Step::Month.buckets(&year).len(), 12);
    }

    #[test]
    fn the_default_step_keeps_a_trend_readable() {
        let today = date(2026, 3, 17);
        let p = |preset| resolve(preset, "", "", today).unwrap();
        assert_eq!(Step::default_for(&p(Preset::ThisMonth)), Step::Day);
        assert_eq!(Step::default_for(&p(Preset::ThisYear)), Step::Week);
        assert_eq!(Step::default_for(&p(Preset::LastYear)), Step::Month);
        assert_eq!(Step::parse("hafta"), Some(Step::Week));
        assert_eq!(Step::parse("x"), None);
        assert_eq!(Preset::parse("gecen-yil"), Preset::LastYear);
        assert_eq!(Preset::parse("x"), Preset::ThisMonth);
    }
}
