//! A small PDF 1.7 writer for one-page documents (the receipt): text in one
//! embedded TrueType font, filled rectangles (barcode bars, rules), nothing
//! else. The font — DejaVu Sans, which has every Turkish letter — is
//! subset to the glyphs the page uses (`subsetter`) and embedded as a
//! CIDFontType2 with Identity-H encoding and a ToUnicode map, so ç ğ ı İ ö
//! ş ü print as they are and copy, search and read aloud as text. Streams
//! are Flate-compressed.
//!
//! DejaVu's licence (the Bitstream Vera licence, with the DejaVu changes in
//! the public domain) allows embedding the font in documents; only selling
//! the font by itself is forbidden.

use std::{collections::BTreeMap, fmt::Write as _, io::Write as _, sync::Arc};

/// A font read once at start-up.
#[derive(Clone)]
pub struct Font {
    data: Arc<Vec<u8>>,
    units_per_em: f32,
    ascent: i16,
    descent: i16,
    cap_height: i16,
    bbox: [i16; 4],
    name: String,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Why a font or a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The font file could not be read.
    #[error("reading the font file")]
    Read(#[source] std::io::Error),
    /// The file is not a TrueType font.
    #[error("the font file is not a TrueType font")]
    Parse,
    /// Subsetting failed.
    #[error("subsetting the font")]
    Subset,
    /// Compressing a stream failed.
    #[error("compressing a stream")]
    Compress(#[source] std::io::Error),
}

impl Font {
    /// Reads and checks the TrueType font at `path`.
    ///
    /// # Errors
    /// [`PdfError`] when it cannot be read or is not a font.
    pub fn load(path: &str) -> Result<Self, PdfError> {
        Self::from_bytes(std::fs::read(path).map_err(PdfError::Read)?)
    }

    /// The font in `data`.
    ///
    /// # Errors
    /// [`PdfError::Parse`] when it is not a TrueType font.
    pub fn from_bytes(data: Vec<u8>) -> Result<Self, PdfError> {
        let (name, units_per_em, ascent, descent, cap_height, bbox) = {
            let face = ttf_parser::Face::parse(&data, 0).map_err(|_| PdfError::Parse)?;
            Self::metrics(&face)
        };
        Ok(Self {
            data: Arc::new(data),
            units_per_em,
            ascent,
            descent,
            cap_height,
            bbox,
            name,
        })
    }

    /// The font's PostScript name and the metrics the PDF describes it with.
    fn metrics(face: &ttf_parser::Face<'_>) -> (String, f32, i16, i16, i16, [i16; 4]) {
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "Font".to_owned())
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let b = face.global_bounding_box();
        let (ascent, descent) = (face.ascender(), face.descender());
        let cap_height = face.capital_height().unwrap_or(ascent);
        let units_per_em = f32::from(face.units_per_em());
        let bbox = [b.x_min, b.y_min, b.x_max, b.y_max];
        (name, units_per_em, ascent, descent, cap_height, bbox)
    }

    fn face(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, 0).ok()
    }

    /// PDF units (thousandths of the font size) for font units.
    fn scale(&self, v: f32) -> f32 {
        v * 1000.0 / self.units_per_em
    }
}

/// One page being drawn, in points from the bottom-left corner.
pub struct Page<'f> {
    font: &'f Font,
    face: Option<ttf_parser::Face<'f>>,
    width: f32,
    height: f32,
    ops: String,
    glyphs: subsetter::GlyphRemapper,
    /// New glyph id → (advance in PDF units, the text it stands for).
    used: BTreeMap<u16, (f32, char)>,
}

/// An A4 page's size in points.
pub const A4: (f32, f32) = (595.28, 841.89);

impl<'f> Page<'f> {
    /// An empty page of `size` (points) using `font`.
    pub fn new(font: &'f Font, size: (f32, f32)) -> Self {
        Self {
            font,
            face: font.face(),
            width: size.0,
            height: size.1,
            ops: String::new(),
            glyphs: subsetter::GlyphRemapper::new(),
            used: BTreeMap::new(),
        }
    }

    /// The page's height, to draw from the top.
    pub fn height(&self) -> f32 {
        self.height
    }

    fn glyph(&self, c: char) -> (u16, f32) {
        let Some(face) = &self.face else {
            return (0, 0.0);
        };
        let gid = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
        let adv = face.glyph_hor_advance(gid).unwrap_or(0);
        (gid.0, self.font.scale(f32::from(adv)))
    }

    /// How wide `text` is at `size` points.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size / 1000.0
    }

    /// Writes `text` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let mut hex = String::with_capacity(text.len() * 4);
        for c in text.chars().filter(|c| !c.is_control()) {
            let (gid, adv) = self.glyph(c);
            let new = self.glyphs.remap(gid);
            self.used.entry(new).or_insert((adv, c));
            let _ = write!(hex, "{new:04X}");
        }
        let _ = writeln!(
            self.ops,
            "BT /F1 {size:.2} Tf {x:.2} {y:.2} Td <{hex}> Tj ET"
        );
    }

    /// Writes `text` wrapped to `width` points from (`x`, `y`) downwards,
    /// `leading` points apart; returns the baseline after the last line.
    pub fn paragraph(
        &mut self,
        x: f32,
        mut y: f32,
        width: f32,
        size: f32,
        leading: f32,
        text: &str,
    ) -> f32 {
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.text_width(&candidate, size) > width {
                self.text(x, y, size, &line);
                y -= leading;
                line = word.to_owned();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.text(x, y, size, &line);
            y -= leading;
        }
        y
    }

    /// A filled black rectangle with its lower-left corner at (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.ops, "{x:.3} {y:.3} {w:.3} {h:.3} re f");
    }

    /// The whole PDF file, titled `title`, in language `lang` (BCP 47).
    ///
    /// # Errors
    /// [`PdfError`] when the font cannot be subset or a stream compressed.
    pub fn finish(self, title: &str, lang: &str) -> Result<Vec<u8>, PdfError> {
        let subset =
            subsetter::subset(&self.font.data, 0, &self.glyphs).map_err(|_| PdfError::Subset)?;
        // A subset's name starts with six capital letters that differ from
        // one subset to another.
        let tag: String = {
            use sha2::Digest as _;
            let d = sha2::Sha256::digest(
                self.used
                    .keys()
                    .flat_map(|g| g.to_be_bytes())
                    .collect::<Vec<u8>>(),
            );
            d.iter()
                .take(6)
                .map(|b| char::from(b'A' + b % 26))
                .collect()
        };
        let font_name = format!("{tag}+{}", self.font.name);
        let f = self.font;
        let mut widths = String::new();
        for (gid, (adv, _)) in &self.used {
            let _ = write!(widths, "{gid} [{adv:.0}] ");
        }
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let pairs: Vec<_> = self.used.iter().collect();
        for chunk in pairs.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
            for (gid, (_, c)) in chunk {
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                let _ = writeln!(cmap, "<{gid:04X}> <{hex}>");
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

        let mut w = Writer::default();
        w.object(
            1,
            "<< /Type /Catalog /Pages 2 0 R /Lang ".to_owned() + &literal(lang) + " >>",
        );
        w.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned());
        w.object(
            3,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] \
                 /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
                self.width, self.height
            ),
        );
        w.stream(4, "", self.ops.as_bytes())?;
        w.object(
            5,
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{font_name} /Encoding /Identity-H \
                 /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>"
            ),
        );
        w.object(
            6,
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font_name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>"
            ),
        );
        let [x0, y0, x1, y1] = f.bbox.map(|v| f.scale(f32::from(v)));
        w.object(
            7,
            format!(
                "<< /Type /FontDescriptor /FontName /{font_name} /Flags 32 \
                 /FontBBox [{x0:.0} {y0:.0} {x1:.0} {y1:.0}] /ItalicAngle 0 \
                 /Ascent {:.0} /Descent {:.0} /CapHeight {:.0} /StemV 80 /FontFile2 9 0 R >>",
                f.scale(f32::from(f.ascent)),
                f.scale(f32::from(f.descent)),
                f.scale(f32::from(f.cap_height)),
            ),
        );
        w.stream(8, "", cmap.as_bytes())?;
        w.stream(9, &format!("/Length1 {}", subset.len()), &subset)?;
        w.object(
            10,
            format!("<< /Title {} /Producer (tekmerkez) >>", utf16_string(title)),
        );
        Ok(w.finish(1, 10))
    }
}

/// A PDF literal string of ASCII text.
fn literal(s: &str) -> String {
    let mut out = String::from("(");
    for c in s.chars().filter(char::is_ascii) {
        if matches!(c, '(' | ')' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(')');
    out
}

/// A PDF text string in UTF-16BE with its byte-order mark, for any text.
fn utf16_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// The file being written and where each object starts.
#[derive(Default)]
struct Writer {
    out: Vec<u8>,
    offsets: BTreeMap<u32, usize>,
}

impl Writer {
    fn start(&mut self) {
        if self.out.is_empty() {
            // The binary comment tells tools the file is not plain text.
            self.out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        }
    }

    fn object(&mut self, id: u32, body: String) {
        self.start();
        self.offsets.insert(id, self.out.len());
        self.out
            .extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    fn stream(&mut self, id: u32, extra: &str, data: &[u8]) -> Result<(), PdfError> {
        self.start();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).map_err(PdfError::Compress)?;
        let packed = z.finish().map_err(PdfError::Compress)?;
        self.offsets.insert(id, self.out.len());
        self.out.extend_from_slice(
            format!(
                "{id} 0 obj\n<< /Length {} /Filter /FlateDecode {extra} >>\nstream\n",
                packed.len()
            )
            .as_bytes(),
        );
        self.out.extend_from_slice(&packed);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
        Ok(())
    }

    fn finish(mut self, root: u32, info: u32) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.keys().max().copied().unwrap_or(0) + 1;
        let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n");
        for id in 1..count {
            match self.offsets.get(&id) {
                Some(at) => {
                    // Each entry is 20 bytes: the space before the newline counts.
                    let _ = writeln!(table, "{at:010} 00000 n ");
                }
                None => table.push_str("0000000000 65535 f \n"),
            }
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    #[test]
    fn a_page_embeds_only_the_glyphs_it_uses_and_maps_them_back_to_text() {
        let font = Font::load(DEJAVU).expect("scripts/install-deps installs fonts-dejavu-core");
        let mut page = Page::new(&font, A4);
        page.text(40.0, 800.0, 12.0, "Çığ öşü İÜĞ");
        page.rect(40.0, 700.0, 2.0, 40.0);
        let used = page.used.len();
        assert_eq!(used, 10, "each distinct letter once, the space included");
        let pdf = page.finish("Başvuru Alındı Belgesi", "tr-TR").unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.7"));
        assert!(text.contains("/Subtype /CIDFontType2"));
        assert!(text.contains("/FontFile2 9 0 R"));
        assert!(text.contains("/Lang (tr-TR)"));
        assert!(text.trim_end().ends_with("%%EOF"));
        // A subset, not the whole 700 kB font.
        assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    }

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let font = Font::load(DEJAVU).unwrap();
        let mut page = Page::new(&font, A4);
        page.text(10.0, 10.0, 10.0, "abc");
        let pdf = page.finish("t", "en").unwrap();
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let xref = text.rfind("xref\n").unwrap();
        for (i, line) in text[xref..].lines().skip(3).take(10).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(
                text[at..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
    }

    #[test]
    fn widths_measure_text_and_paragraphs_wrap() {
        let font = Font::load(DEJAVU).unwrap();
        let mut page = Page::new(&font, A4);
        let one = page.text_width("ş", 10.0);
        assert!(one > 3.0 && one < 10.0, "{one}");
        assert!((page.text_width("şş", 10.0) - 2.0 * one).abs() < 0.01);
        let y = page.paragraph(
            0.0,
            100.0,
            80.0,
            10.0,
            12.0,
            "bir iki üç dört beş altı yedi sekiz",
        );
        assert!(y < 100.0 - 24.0, "wrapped onto three lines or more: {y}");
    }

    #[test]
    fn something_that_is_not_a_font_is_refused() {
        assert!(matches!(
            Font::from_bytes(b"not a font".to_vec()),
            Err(PdfError::Parse)
        ));
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(literal("a(b)\\"), "(a\\(b\\)\\\\)");
        assert_eq!(utf16_string("ı"), "<FEFF0131>");
    }
}
