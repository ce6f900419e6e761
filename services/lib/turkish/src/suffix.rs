//! Suffixes written after numerals: Turkish writes a number as digits and
//! the case ending after an apostrophe, chosen by how the number is read
//! aloud ("16:00'ya kadar": on altı-ya; "16:30'a kadar": otuz-a).

/// The dative ending (-e/-a, -ye/-ya after a vowel) of the number `n` as
/// read aloud, with its apostrophe.
pub fn dative(n: u32) -> &'static str {
    const ONES: [&str; 10] = [
        "sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz",
    ];
    const TENS: [&str; 10] = [
        "", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan",
    ];
    // The last word read decides: the ones, or the tens of a round number,
    // or "yüz", "bin" (enough for clock times and day counts).
    let last_word = match (n % 10, n % 100 / 10) {
        (0, 0) if n == 0 => ONES[0],
        (0, 0) if n.is_multiple_of(1000) => "bin",
        (0, 0) => "yüz",
        (0, t) => TENS[t as usize],
        (o, _) => ONES[o as usize],
    };
    let is_vowel = |c: char| "aeıioöuü".contains(c);
    let back = last_word
        .chars()
        .rev()
        .find(|c| is_vowel(*c))
        .is_some_and(|c| "aıou".contains(c));
    match (last_word.ends_with(is_vowel), back) {
        (true, true) => "'ya",
        (true, false) => "'ye",
        (false, true) => "'a",
        (false, false) => "'e",
    }
}

/// A clock time with its dative ending, as in "16:00'ya kadar".
pub fn time_dative(hour: u32, minute: u32) -> String {
    let spoken = if minute == 0 { hour } else { minute };
    format!("{hour:02}:{minute:02}{}", dative(spoken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_take_the_ending_of_the_last_word_read() {
        assert_eq!(time_dative(16, 0), "16:00'ya");
        assert_eq!(time_dative(17, 0), "17:00'ye");
        assert_eq!(time_dative(18, 0), "18:00'e");
        assert_eq!(time_dative(9, 0), "09:00'a");
        assert_eq!(time_dative(10, 0), "10:00'a");
        assert_eq!(time_dative(12, 0), "12:00'ye");
        assert_eq!(time_dative(13, 0), "13:00'e");
        assert_eq!(time_dative(20, 0), "20:00'ye");
        assert_eq!(time_dative(0, 0), "00:00'a");
        assert_eq!(time_dative(16, 30), "16:30'a");
        assert_eq!(time_dative(16, 45), "16:45'e");
        assert_eq!(time_dative(16, 50), "16:50'ye");
        assert_eq!(time_dative(16, 40), "16:40'a");
        assert_eq!(time_dative(14, 15), "14:15'e");
    }

    #[test]
    fn round_numbers_read_as_their_tens() {
        assert_eq!(dative(60), "'a");
        assert_eq!(dative(70), "'e");
        assert_eq!(dative(80), "'e");
        assert_eq!(dative(90), "'a");
        assert_eq!(dative(100), "'e");
        assert_eq!(dative(2000), "'e");
        assert_eq!(dative(3), "'e");
        assert_eq!(dative(6), "'ya");
    }
}
