//! Dates as GeoReport v2 writes them: the W3C profile of ISO 8601 with an
//! offset (`2026-12-07T18:16:25+03:00`), in Europe/Istanbul; read in any
//! offset, or as a day (`2026-12-07`, midnight in Istanbul).

use jiff::{Timestamp, tz::TimeZone};

fn istanbul() -> TimeZone {
    TimeZone::get("Europe/Istanbul").unwrap_or(TimeZone::fixed(jiff::tz::offset(3)))
}

/// `t` in Istanbul time with its offset.
pub fn w3c(t: Timestamp) -> String {
    t.to_zoned(istanbul())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A W3C date-time with an offset (or `Z`), or a day.
pub fn parse_w3c(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Some(t);
    }
    // A day alone (`2026-12-07`); a time without an offset is refused.
    if raw.len() != 10 {
        return None;
    }
    let day: jiff::civil::Date = raw.parse().ok()?;
    day.to_zoned(istanbul()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_istanbul_with_the_offset() {
        let t: Timestamp = "2010-04-14T06:37:38-08:00".parse().unwrap();
        assert_eq!(w3c(t), "2010-04-14T17:37:38+03:00");
        assert_eq!(parse_w3c(&w3c(t)), Some(t));
    }

    #[test]
    fn the_specifications_forms_are_read() {
        assert_eq!(
            parse_w3c("2010-05-24T00:00:00Z"),
            Some("2010-05-24T00:00:00Z".parse().unwrap())
        );
        assert_eq!(
            parse_w3c("2026-12-07"),
            Some("2026-12-06T21:00:00Z".parse().unwrap())
        );
        assert_eq!(parse_w3c("dün"), None);
        assert_eq!(
            parse_w3c("2010-05-24T00:00:00"),
            None,
            "an offset is required"
        );
    }
}
