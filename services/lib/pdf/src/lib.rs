//! A PDF of one or more A4 pages (the receipt, the answer letter, the
//! periodic report) written with `pdf-writer`: text in one embedded
//! TrueType font, filled rectangles in any colour (barcode bars, rules, a
//! chart's bars) and images embedded as they are (the logo; see [`image`]),
//! nothing else. The font — DejaVu Sans, which has every Turkish letter —
//! is subset to the glyphs the page uses (`subsetter`, from the same
//! project as `pdf-writer`) and embedded as a CIDFontType2 with Identity-H
//! encoding and a ToUnicode map, so ç ğ ı İ ö ş ü print as they are and
//! copy, search and read aloud as text. Streams are Flate-compressed.
//!
//! DejaVu's licence (the Bitstream Vera licence, with the DejaVu changes in
//! the public domain) allows embedding the font in documents; only selling
//! the font by itself is forbidden.

use std::{collections::BTreeMap, io::Write as _, sync::Arc};

use pdf_writer::{
    Content, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr,
    types::{CidFontType, FontFlags, Predictor, SystemInfo, UnicodeCmap},
};

pub mod image;

pub use image::{Encoding, Image};

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

/// The page's one font resource.
const FONT: Name<'static> = Name(b"F1");

/// A document being drawn, one page at a time ([`Page::new_page`] starts
/// the next), in points from the bottom-left corner; every page shares the
/// one font subset and the images.
pub struct Page<'f> {
    font: &'f Font,
    face: Option<ttf_parser::Face<'f>>,
    width: f32,
    height: f32,
    content: Content,
    /// The pages before the one being drawn.
    done: Vec<Content>,
    glyphs: subsetter::GlyphRemapper,
    /// New glyph id → (advance in PDF units, the text it stands for).
    used: BTreeMap<u16, (f32, char)>,
    /// The images drawn, `/Im0`, `/Im1`, … in order.
    images: Vec<&'f Image>,
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
            content: Content::new(),
            done: Vec::new(),
            glyphs: subsetter::GlyphRemapper::new(),
            used: BTreeMap::new(),
            images: Vec::new(),
        }
    }

    /// The page's height, to draw from the top.
    pub fn height(&self) -> f32 {
        self.height
    }

    /// Ends the page being drawn and starts the next, of the same size.
    pub fn new_page(&mut self) {
        let page = std::mem::replace(&mut self.content, Content::new());
        self.done.push(page);
    }

    /// How many pages there are so far, the one being drawn included.
    pub fn page_count(&self) -> usize {
        self.done.len() + 1
    }

    /// `text` broken into lines at most `width` points wide at `size`: at
    /// its own line breaks, then between words; a word wider than a line
    /// (a long address or link) is broken where it must. An empty line of
    /// the text stays an empty line (a paragraph break).
    pub fn wrap(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        let mut out = Vec::new();
        for raw in text.lines() {
            let mut line = String::new();
            if raw.trim().is_empty() {
                out.push(String::new());
                continue;
            }
            for word in raw.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.text_width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // The word alone: broken by characters when still too wide.
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.text_width(&next, size) > width {
                        out.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            out.push(line);
        }
        out
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
        // Identity-H: each glyph is its two-byte id in the subset.
        let mut codes = Vec::with_capacity(text.len() * 2);
        // A PDF draws glyphs in the order given, so bidi controls reorder
        // nothing here; left in, they would travel with copied text (the
        // ToUnicode map) and reorder it wherever it is pasted.
        for c in text
            .chars()
            .filter(|c| !c.is_control() && !tekmerkez_types::text::is_bidi_control(*c))
        {
            let (gid, adv) = self.glyph(c);
            let new = self.glyphs.remap(gid);
            self.used.entry(new).or_insert((adv, c));
            codes.extend_from_slice(&new.to_be_bytes());
        }
        self.content
            .begin_text()
            .set_font(FONT, size)
            .next_line(x, y)
            .show(Str(&codes))
            .end_text();
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

    /// A filled rectangle with its lower-left corner at (`x`, `y`), in the
    /// fill colour (black until [`Page::fill_rgb`] changes it).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.content.rect(x, y, w, h).fill_nonzero();
    }

    /// The colour rectangles and text are filled with from here on (0 to 1
    /// each); black again with `(0, 0, 0)`.
    pub fn fill_rgb(&mut self, r: f32, g: f32, b: f32) {
        self.content.set_fill_rgb(r, g, b);
    }

    /// Draws `image` into the box at (`x`, `y`), `w` by `h` points.
    pub fn image(&mut self, image: &'f Image, x: f32, y: f32, w: f32, h: f32) {
        let name = format!("Im{}", self.images.len());
        self.images.push(image);
        self.content
            .save_state()
            .transform([w, 0.0, 0.0, h, x, y])
            .x_object(Name(name.as_bytes()))
            .restore_state();
    }

    /// The whole PDF file, titled `title`, in language `lang` (BCP 47).
    ///
    /// # Errors
    /// [`PdfError`] when the font cannot be subset or a stream compressed.
    pub fn finish(self, title: &str, lang: &str) -> Result<Vec<u8>, PdfError> {
        let subset =
            subsetter::subset(&self.font.data, 0, &self.glyphs).map_err(|_| PdfError::Subset)?;
        let font_name = format!("{}+{}", self.subset_tag(), self.font.name);
        let font_name = Name(font_name.as_bytes());
        let f = self.font;

        let mut next = Ref::new(1);
        let (catalog, pages) = (next.bump(), next.bump());
        let (type0, cid_font, descriptor) = (next.bump(), next.bump(), next.bump());
        let (to_unicode, font_file, info) = (next.bump(), next.bump(), next.bump());
        let image_refs: Vec<(String, Ref)> = (0..self.images.len())
            .map(|i| (format!("Im{i}"), next.bump()))
            .collect();
        let mut contents = self.done;
        contents.push(self.content);
        let page_refs: Vec<(Ref, Ref)> = contents
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages).lang(TextStr(lang));
        pdf.pages(pages)
            .kids(page_refs.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_refs.len()).unwrap_or(i32::MAX));
        for ((page, content), drawn) in page_refs.iter().zip(contents) {
            let mut p = pdf.page(*page);
            p.parent(pages)
                .media_box(Rect::new(0.0, 0.0, self.width, self.height))
                .contents(*content);
            // Every page names the one font and every image.
            let mut resources = p.resources();
            resources.fonts().pair(FONT, type0);
            let mut objects = resources.x_objects();
            for (name, id) in &image_refs {
                objects.pair(Name(name.as_bytes()), *id);
            }
            objects.finish();
            resources.finish();
            p.finish();
            pdf.stream(*content, &deflate(&drawn.finish())?)
                .filter(Filter::FlateDecode);
        }
        for ((_, id), image) in image_refs.iter().zip(&self.images) {
            write_image(&mut pdf, *id, image);
        }

        pdf.type0_font(type0)
            .base_font(font_name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_font)
            .to_unicode(to_unicode);
        let mut cid = pdf.cid_font(cid_font);
        cid.subtype(CidFontType::Type2)
            .base_font(font_name)
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"))
            .default_width(1000.0);
        let mut widths = cid.widths();
        for (&gid, &(adv, _)) in &self.used {
            widths.consecutive(gid, [adv.round()]);
        }
        widths.finish();
        cid.finish();
        let [x0, y0, x1, y1] = f.bbox.map(|v| f.scale(f32::from(v)).round());
        pdf.font_descriptor(descriptor)
            .name(font_name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(x0, y0, x1, y1))
            .italic_angle(0.0)
            .ascent(f.scale(f32::from(f.ascent)).round())
            .descent(f.scale(f32::from(f.descent)).round())
            .cap_height(f.scale(f32::from(f.cap_height)).round())
            .stem_v(80.0)
            .font_file2(font_file);

        let ucs = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        };
        let mut cmap = UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), ucs);
        for (&gid, &(_, c)) in &self.used {
            cmap.pair(gid, c);
        }
        pdf.cmap(to_unicode, &deflate(&cmap.finish())?)
            .name(Name(b"Adobe-Identity-UCS"))
            .system_info(ucs)
            .filter(Filter::FlateDecode);
        let length1 = i32::try_from(subset.len()).unwrap_or(i32::MAX);
        pdf.stream(font_file, &deflate(&subset)?)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length1);

        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("tekmerkez"));
        Ok(pdf.finish())
    }

    /// A subset's name starts with six capital letters that differ from one
    /// subset to another.
    fn subset_tag(&self) -> String {
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
    }
}

/// An image XObject of `image`'s data as it is.
fn write_image(pdf: &mut Pdf, id: Ref, image: &Image) {
    let mut x = pdf.image_xobject(id, &image.data);
    x.width(i32::try_from(image.width).unwrap_or(i32::MAX))
        .height(i32::try_from(image.height).unwrap_or(i32::MAX))
        .bits_per_component(8);
    if image.colors == 1 {
        x.color_space().device_gray();
    } else {
        x.color_space().device_rgb();
    }
    match image.encoding {
        Encoding::Jpeg => {
            x.filter(Filter::DctDecode);
        }
        Encoding::PngRows => {
            x.filter(Filter::FlateDecode);
            x.decode_parms()
                .predictor(Predictor::PngOptimum)
                .colors(i32::from(image.colors))
                .bits_per_component(8)
                .columns(i32::try_from(image.width).unwrap_or(i32::MAX));
        }
    }
}

/// `data` Flate-compressed, as `/Filter /FlateDecode` reads it.
fn deflate(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).map_err(PdfError::Compress)?;
    z.finish().map_err(PdfError::Compress)
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
        assert!(text.contains("/FontFile2 "));
        assert!(text.contains("/ToUnicode "));
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
    fn pages_share_the_font_and_long_words_and_line_breaks_wrap() {
        let font = Font::load(DEJAVU).unwrap();
        let mut page = Page::new(&font, A4);
        page.text(40.0, 800.0, 12.0, "bir");
        page.new_page();
        page.text(40.0, 800.0, 12.0, "iki");
        assert_eq!(page.page_count(), 2);
        let lines = page.wrap("kısa satır\n\n", 200.0, 10.0);
        assert_eq!(lines, vec!["kısa satır".to_owned(), String::new()]);
        let long = "ş".repeat(200);
        let broken = page.wrap(&long, 100.0, 10.0);
        assert!(broken.len() > 1 && broken.iter().all(|l| page.text_width(l, 10.0) <= 100.0));
        assert_eq!(broken.concat(), long, "nothing lost");
        let pdf = page.finish("t", "tr-TR").unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 2"), "{text}");
        assert_eq!(
            text.matches("/Subtype /Type0").count(),
            1,
            "one font for both pages"
        );
        assert_eq!(text.matches("/FontFile2 ").count(), 1, "embedded once");
    }

    #[test]
    fn something_that_is_not_a_font_is_refused() {
        assert!(matches!(
            Font::from_bytes(b"not a font".to_vec()),
            Err(PdfError::Parse)
        ));
    }

    #[test]
    fn a_turkish_title_is_written_in_utf_16() {
        let font = Font::load(DEJAVU).unwrap();
        let pdf = Page::new(&font, A4).finish("ı", "tr-TR").unwrap();
        let text = String::from_utf8_lossy(&pdf).to_uppercase();
        assert!(text.contains("/TITLE <FEFF0131>"), "{text}");
    }
}
