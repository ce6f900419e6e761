//! Numbers and month names written the reader's way, for every page,
//! export and report that shows figures: `1.234.567`, `4,5`, `%87,5`,
//! *Kasım* in Turkish; `1,234,567`, `4.5`, `87.5%`, *November* in English.

/// `1234567` as `1.234.567` (Turkish) or `1,234,567` (English).
pub fn number(n: i64, english: bool) -> String {
    let sep = if english { ',' } else { '.' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

/// `4.5` with one decimal: `4,5` (Turkish) or `4.5` (English).
pub fn decimal(x: f64, english: bool) -> String {
    let s = format!("{x:.1}");
    if english { s } else { s.replace('.', ",") }
}

/// A share as a percentage with one decimal: `%87,5` (Turkish writes the
/// sign first) or `87.5%`; empty when `whole` is not positive.
pub fn percent(part: i64, whole: i64, english: bool) -> String {
    if whole <= 0 {
        return String::new();
    }
    // Counts far below 2^52: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let p = decimal(part as f64 * 100.0 / whole as f64, english);
    if english {
        format!("{p}%")
    } else {
        format!("%{p}")
    }
}

/// The month's name (1 is January); empty outside 1 to 12.
pub fn month_name(month: i8, english: bool) -> &'static str {
    const TR: [&str; 12] = [
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
        "Kasım", "Aralık",
    ];
    const EN: [&str; 12] = [
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
    let names = if english { &EN } else { &TR };
    usize::try_from(month - 1)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_readers_way() {
        assert_eq!(number(1_073_711, false), "1.073.711");
        assert_eq!(number(1_073_711, true), "1,073,711");
        assert_eq!(number(-1234, false), "-1.234");
        assert_eq!(number(999, false), "999");
        assert_eq!(decimal(4.46, false), "4,5");
        assert_eq!(percent(7, 8, false), "%87,5");
        assert_eq!(percent(7, 8, true), "87.5%");
        assert_eq!(percent(1, 0, false), "");
        assert_eq!(month_name(11, false), "Kasım");
        assert_eq!(month_name(2, true), "February");
        assert_eq!(month_name(13, false), "");
    }
}
