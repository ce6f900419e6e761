//! Code 128 barcodes for the receipt's tracking number (ISO/IEC 15417).
//!
//! A tracking number (`XXXXX-XXXXX`: digits, capital letters and a hyphen)
//! is printable ASCII, so it is encoded whole in code set B: start B, one
//! symbol per character, the modulo-103 check symbol, stop. The result is
//! a list of bar and space widths in modules, which the receipt draws as
//! vector bars (SVG on the page, rectangles in the PDF), so it prints
//! sharp at any size. A scanner reads back exactly the text shown beneath.

/// The width pattern (bar, space, bar, space, bar, space) of every symbol
/// value 0–105, each 11 modules wide; the stop symbol is [`STOP`].
const PATTERNS: [[u8; 6]; 106] = [
    [2, 1, 2, 2, 2, 2],
    [2, 2, 2, 1, 2, 2],
    [2, 2, 2, 2, 2, 1],
    [1, 2, 1, 2, 2, 3],
    [1, 2, 1, 3, 2, 2],
    [1, 3, 1, 2, 2, 2],
    [1, 2, 2, 2, 1, 3],
    [1, 2, 2, 3, 1, 2],
    [1, 3, 2, 2, 1, 2],
    [2, 2, 1, 2, 1, 3],
    [2, 2, 1, 3, 1, 2],
    [2, 3, 1, 2, 1, 2],
    [1, 1, 2, 2, 3, 2],
    [1, 2, 2, 1, 3, 2],
    [1, 2, 2, 2, 3, 1],
    [1, 1, 3, 2, 2, 2],
    [1, 2, 3, 1, 2, 2],
    [1, 2, 3, 2, 2, 1],
    [2, 2, 3, 2, 1, 1],
    [2, 2, 1, 1, 3, 2],
    [2, 2, 1, 2, 3, 1],
    [2, 1, 3, 2, 1, 2],
    [2, 2, 3, 1, 1, 2],
    [3, 1, 2, 1, 3, 1],
    [3, 1, 1, 2, 2, 2],
    [3, 2, 1, 1, 2, 2],
    [3, 2, 1, 2, 2, 1],
    [3, 1, 2, 2, 1, 2],
    [3, 2, 2, 1, 1, 2],
    [3, 2, 2, 2, 1, 1],
    [2, 1, 2, 1, 2, 3],
    [2, 1, 2, 3, 2, 1],
    [2, 3, 2, 1, 2, 1],
    [1, 1, 1, 3, 2, 3],
    [1, 3, 1, 1, 2, 3],
    [1, 3, 1, 3, 2, 1],
    [1, 1, 2, 3, 1, 3],
    [1, 3, 2, 1, 1, 3],
    [1, 3, 2, 3, 1, 1],
    [2, 1, 1, 3, 1, 3],
    [2, 3, 1, 1, 1, 3],
    [2, 3, 1, 3, 1, 1],
    [1, 1, 2, 1, 3, 3],
    [1, 1, 2, 3, 3, 1],
    [1, 3, 2, 1, 3, 1],
    [1, 1, 3, 1, 2, 3],
    [1, 1, 3, 3, 2, 1],
    [1, 3, 3, 1, 2, 1],
    [3, 1, 3, 1, 2, 1],
    [2, 1, 1, 3, 3, 1],
    [2, 3, 1, 1, 3, 1],
    [2, 1, 3, 1, 1, 3],
    [2, 1, 3, 3, 1, 1],
    [2, 1, 3, 1, 3, 1],
    [3, 1, 1, 1, 2, 3],
    [3, 1, 1, 3, 2, 1],
    [3, 3, 1, 1, 2, 1],
    [3, 1, 2, 1, 1, 3],
    [3, 1, 2, 3, 1, 1],
    [3, 3, 2, 1, 1, 1],
    [3, 1, 4, 1, 1, 1],
    [2, 2, 1, 4, 1, 1],
    [4, 3, 1, 1, 1, 1],
    [1, 1, 1, 2, 2, 4],
    [1, 1, 1, 4, 2, 2],
    [1, 2, 1, 1, 2, 4],
    [1, 2, 1, 4, 2, 1],
    [1, 4, 1, 1, 2, 2],
    [1, 4, 1, 2, 2, 1],
    [1, 1, 2, 2, 1, 4],
    [1, 1, 2, 4, 1, 2],
    [1, 2, 2, 1, 1, 4],
    [1, 2, 2, 4, 1, 1],
    [1, 4, 2, 1, 1, 2],
    [1, 4, 2, 2, 1, 1],
    [2, 4, 1, 2, 1, 1],
    [2, 2, 1, 1, 1, 4],
    [4, 1, 3, 1, 1, 1],
    [2, 4, 1, 1, 1, 2],
    [1, 3, 4, 1, 1, 1],
    [1, 1, 1, 2, 4, 2],
    [1, 2, 1, 1, 4, 2],
    [1, 2, 1, 2, 4, 1],
    [1, 1, 4, 2, 1, 2],
    [1, 2, 4, 1, 1, 2],
    [1, 2, 4, 2, 1, 1],
    [4, 1, 1, 2, 1, 2],
    [4, 2, 1, 1, 1, 2],
    [4, 2, 1, 2, 1, 1],
    [2, 1, 2, 1, 4, 1],
    [2, 1, 4, 1, 2, 1],
    [4, 1, 2, 1, 2, 1],
    [1, 1, 1, 1, 4, 3],
    [1, 1, 1, 3, 4, 1],
    [1, 3, 1, 1, 4, 1],
    [1, 1, 4, 1, 1, 3],
    [1, 1, 4, 3, 1, 1],
    [4, 1, 1, 1, 1, 3],
    [4, 1, 1, 3, 1, 1],
    [1, 1, 3, 1, 4, 1],
    [1, 1, 4, 1, 3, 1],
    [3, 1, 1, 1, 4, 1],
    [4, 1, 1, 1, 3, 1],
    [2, 1, 1, 4, 1, 2],
    [2, 1, 1, 2, 1, 4],
    [2, 1, 1, 2, 3, 2],
];

/// The stop symbol: 13 modules, ending in a bar.
const STOP: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];
/// Start code B.
const START_B: u8 = 104;
/// Blank modules on each side, so a scanner finds where the code begins.
pub const QUIET_ZONE: u32 = 10;

/// A Code 128 symbol: alternating bar and space widths in modules, a bar
/// first and last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code128 {
    widths: Vec<u8>,
}

/// `text` cannot be encoded (only printable ASCII can, and not nothing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a Code 128 barcode holds 1 to 80 printable ASCII characters")]
pub struct EncodeError;

impl Code128 {
    /// Encodes `text` in code set B.
    ///
    /// # Errors
    /// [`EncodeError`] for an empty or over-long text or one outside ASCII 32–126.
    pub fn encode(text: &str) -> Result<Self, EncodeError> {
        if text.is_empty() || text.len() > 80 || !text.bytes().all(|b| (32..=126).contains(&b)) {
            return Err(EncodeError);
        }
        let values: Vec<u8> = std::iter::once(START_B)
            .chain(text.bytes().map(|b| b - 32))
            .collect();
        let check = values
            .iter()
            .enumerate()
            .map(|(i, v)| u32::from(*v) * u32::try_from(i.max(1)).unwrap_or(1))
            .sum::<u32>()
            % 103;
        let mut widths = Vec::with_capacity((values.len() + 1) * 6 + 7);
        for v in values
            .iter()
            .copied()
            .chain([u8::try_from(check).unwrap_or(0)])
        {
            widths.extend_from_slice(&PATTERNS[usize::from(v)]);
        }
        widths.extend_from_slice(&STOP);
        Ok(Self { widths })
    }

    /// The widths, bar first.
    pub fn widths(&self) -> &[u8] {
        &self.widths
    }

    /// Total modules without the quiet zones.
    pub fn modules(&self) -> u32 {
        self.widths.iter().map(|w| u32::from(*w)).sum()
    }

    /// The bars as (start module, width in modules), counted from the left
    /// edge of the left quiet zone.
    pub fn bars(&self) -> Vec<(u32, u32)> {
        let mut at = QUIET_ZONE;
        let mut out = Vec::with_capacity(self.widths.len() / 2 + 1);
        for (i, w) in self.widths.iter().enumerate() {
            let w = u32::from(*w);
            if i % 2 == 0 {
                out.push((at, w));
            }
            at += w;
        }
        out
    }

    /// An SVG drawing, `height` modules tall, that scales to its box; the
    /// text is its accessible name.
    pub fn svg(&self, label: &str, height: u32) -> String {
        use std::fmt::Write as _;
        let total = self.modules() + 2 * QUIET_ZONE;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total} {height}\" \
             preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" role=\"img\" \
             aria-label=\"{}\"><rect width=\"{total}\" height=\"{height}\" fill=\"#fff\"/>",
            escape(label)
        );
        for (x, w) in self.bars() {
            let _ = write!(
                s,
                "<rect x=\"{x}\" width=\"{w}\" height=\"{height}\" fill=\"#000\"/>"
            );
        }
        s.push_str("</svg>");
        s
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_is_eleven_modules_with_even_bars_and_all_differ() {
        let mut seen = std::collections::HashSet::new();
        for (v, p) in PATTERNS.iter().enumerate() {
            assert_eq!(
                p.iter().map(|x| u32::from(*x)).sum::<u32>(),
                11,
                "value {v}"
            );
            // Code 128's own parity rule: the bars of a symbol add up to an
            // even number of modules.
            assert_eq!((p[0] + p[2] + p[4]) % 2, 0, "value {v}");
            assert!(seen.insert(*p), "value {v} repeats another pattern");
        }
        assert_eq!(STOP.iter().map(|x| u32::from(*x)).sum::<u32>(), 13);
    }

    #[test]
    fn the_standards_worked_example_checks_out() {
        // "PJJ123C" in code set B: the check symbol is (104 + 48·1 + 42·2 +
        // 42·3 + 17·4 + 18·5 + 19·6 + 35·7) mod 103 = 879 mod 103 = 55.
        let c = Code128::encode("PJJ123C").unwrap();
        let w = c.widths();
        assert_eq!(&w[..6], &PATTERNS[104], "start B");
        assert_eq!(&w[6..12], &PATTERNS[48], "P");
        let check = &w[w.len() - 13..w.len() - 7];
        assert_eq!(check, &PATTERNS[55]);
        assert_eq!(&w[w.len() - 7..], &STOP);
        assert_eq!(c.modules(), 11 * 9 + 13);
    }

    #[test]
    fn a_tracking_number_encodes_whole_with_its_hyphen() {
        let c = Code128::encode("7KQ2M-X9AB4").unwrap();
        // Start, 11 characters, check symbol, stop.
        assert_eq!(c.widths().len(), 13 * 6 + 7);
        assert_eq!(&c.widths()[6 * 6..7 * 6], &PATTERNS[usize::from(b'-' - 32)]);
        let bars = c.bars();
        assert_eq!(bars[0].0, QUIET_ZONE);
        assert_eq!(bars.len(), 13 * 3 + 4);
    }

    #[test]
    fn text_outside_printable_ascii_is_refused() {
        for bad in ["", "İSTANBUL", "a\nb", &"A".repeat(81)] {
            assert_eq!(Code128::encode(bad), Err(EncodeError), "{bad:?}");
        }
    }

    #[test]
    fn the_svg_has_one_rect_per_bar_and_its_label() {
        let c = Code128::encode("AB-12").unwrap();
        let svg = c.svg("Takip numarası AB-12", 60);
        assert_eq!(svg.matches("fill=\"#000\"").count(), c.bars().len());
        assert!(svg.contains("aria-label=\"Takip numarası AB-12\""));
    }
}
