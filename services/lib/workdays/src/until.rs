//! "Until when" in the words citizens read, and the outage notice built on it, in Istanbul time: a time today
//! is the clock alone, another day has its date before it; Turkish adds
//! the dative ending the way the time is read aloud ("16:00'ya kadar").

use jiff::Timestamp;

use crate::{istanbul, istanbul_date};

const MONTHS_TR: [&str; 12] = [
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
    "Kasım", "Aralık",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `date` as written in a letter: `8 Aralık 2026`, `8 December 2026`.
pub fn long_date(date: jiff::civil::Date, english: bool) -> String {
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    let name = if english {
        MONTHS_EN[month]
    } else {
        MONTHS_TR[month]
    };
    format!("{} {name} {}", date.day(), date.year())
}

/// `end` as the object of "until" seen at `now`: `16:00'ya` or
/// `8 Aralık 16:00'ya` in Turkish, `16:00` or `8 December 16:00` in English.
pub fn until(end: Timestamp, now: Timestamp, english: bool) -> String {
    let z = end.to_zoned(istanbul().clone());
    let (h, m) = (
        u32::try_from(z.hour()).unwrap_or(0),
        u32::try_from(z.minute()).unwrap_or(0),
    );
    let time = if english {
        format!("{h:02}:{m:02}")
    } else {
        tekmerkez_turkish::time_dative(h, m)
    };
    if istanbul_date(end) == istanbul_date(now) {
        return time;
    }
    let month = usize::try_from(z.month() - 1).unwrap_or(0);
    let name = if english {
        MONTHS_EN[month]
    } else {
        MONTHS_TR[month]
    };
    format!("{} {name} {time}", z.day())
}

/// What a citizen is told about an outage in their area: planned work or
/// a fault, and until when (`end` seen at `now`), in Turkish or English:
/// "Bölgenizde 16:00'ya kadar planlı çalışma var."
pub fn outage_notice(
    planned: bool,
    end: Option<Timestamp>,
    now: Timestamp,
    english: bool,
) -> String {
    match (end.map(|e| until(e, now, english)), planned, english) {
        (Some(u), true, false) => format!("Bölgenizde {u} kadar planlı çalışma var."),
        (Some(u), false, false) => format!("Bölgenizde {u} kadar arıza nedeniyle kesinti var."),
        (Some(u), true, true) => format!("There is planned work in your area until {u}."),
        (Some(u), false, true) => {
            format!("There is an outage in your area because of a fault until {u}.")
        }
        (None, true, false) => {
            "Bölgenizde planlı çalışma var; bitiş saati henüz belli değil.".to_owned()
        }
        (None, false, false) => {
            "Bölgenizde arıza nedeniyle kesinti var; bitiş saati henüz belli değil.".to_owned()
        }
        (None, true, true) => {
            "There is planned work in your area; when it ends is not known yet.".to_owned()
        }
        (None, false, true) => {
            "There is an outage in your area because of a fault; when it ends is not known yet."
                .to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_date_has_the_month_by_name() {
        let d = jiff::civil::date(2026, 12, 8);
        assert_eq!(long_date(d, false), "8 Aralık 2026");
        assert_eq!(long_date(d, true), "8 December 2026");
        assert_eq!(
            long_date(jiff::civil::date(2027, 2, 1), false),
            "1 Şubat 2027"
        );
    }

    #[test]
    fn today_is_the_clock_and_another_day_has_its_date() {
        let now: Timestamp = "2026-12-07T07:00:00Z".parse().unwrap();
        let today: Timestamp = "2026-12-07T13:00:00Z".parse().unwrap();
        assert_eq!(until(today, now, false), "16:00'ya");
        assert_eq!(until(today, now, true), "16:00");
        let tomorrow: Timestamp = "2026-12-08T06:30:00Z".parse().unwrap();
        assert_eq!(until(tomorrow, now, false), "8 Aralık 09:30'a");
        assert_eq!(until(tomorrow, now, true), "8 December 09:30");
    }

    #[test]
    fn a_notice_says_what_and_until_when() {
        let now: Timestamp = "2026-12-07T07:00:00Z".parse().unwrap();
        let end: Timestamp = "2026-12-07T13:00:00Z".parse().unwrap();
        assert_eq!(
            outage_notice(true, Some(end), now, false),
            "Bölgenizde 16:00'ya kadar planlı çalışma var."
        );
        assert_eq!(
            outage_notice(true, Some(end), now, true),
            "There is planned work in your area until 16:00."
        );
        assert!(outage_notice(false, None, now, false).contains("arıza"));
    }
}
