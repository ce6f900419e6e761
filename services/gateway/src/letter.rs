//! The answer letter (*resmî yazı*) posted to a citizen who asked for a
//! letter reply: the institution's header with its logo, the number (*sayı*)
//! and date, the addressee and postal address, the subject with the
//! tracking number, the official answer (wrapped, on as many A4 pages as it
//! takes), a signature block with the institution's name, and the tracking
//! number with its Code 128 barcode, which the citizen or a desk scans to
//! find the application.
//!
//! The letter is always in Turkish, whatever language the desk is read in:
//! it goes to the citizen on paper, as the institution's official answer.

use tekmerkez_pdf::{A4, Font, Image, Page, PdfError};

use crate::{
    barcode::{Code128, QUIET_ZONE},
    receipt::local_time,
};

/// How a letter addresses a citizen who gave no name (notify's answer
/// e-mails use the same words).
pub const NAMELESS_APPLICANT: &str = "Sayın Başvuru Sahibi";

/// What one letter prints: the case service's letter, read with GetLetter.
#[derive(Clone)]
pub struct LetterDoc<'a> {
    pub institution: &'a str,
    pub logo: Option<&'a Image>,
    /// The number (*sayı*).
    pub number: &'a str,
    /// The letter's date (microseconds since the epoch).
    pub date: i64,
    /// The addressee; empty when the citizen gave no name.
    pub recipient_name: &'a str,
    pub postal_address: &'a str,
    /// `XXXXX-XXXXX`.
    pub tracking_number: &'a str,
    pub answer: &'a str,
    /// The public tracking page.
    pub tracking_url: &'a str,
}

const LEFT: f32 = 70.0;
const RIGHT: f32 = 70.0;
const TOP: f32 = 60.0;
/// Text stops this far above the bottom edge; the page number sits below.
const BOTTOM: f32 = 80.0;
const BODY: f32 = 11.0;
const LEADING: f32 = 15.5;

/// The letter as an A4 PDF in `font`.
///
/// # Errors
/// [`PdfError`] when the PDF cannot be made.
pub fn pdf<'a>(doc: &LetterDoc<'a>, font: &'a Font) -> Result<Vec<u8>, PdfError> {
    let mut page = Page::new(font, A4);
    let width = A4.0 - LEFT - RIGHT;
    let mut y = header(&mut page, doc);

    // Number and date on one line, the date at the right margin.
    let date = local_time(doc.date);
    let date = date.split(' ').next().unwrap_or_default().to_owned();
    page.text(LEFT, y, 10.0, &format!("Sayı    : {}", doc.number));
    let w = page.text_width(&date, 10.0);
    page.text(A4.0 - RIGHT - w, y, 10.0, &date);
    y -= 15.0;
    page.text(
        LEFT,
        y,
        10.0,
        &format!(
            "Konu   : {} takip numaralı başvurunuz hk.",
            doc.tracking_number
        ),
    );
    y -= 34.0;

    // The addressee and where it goes.
    let name = if doc.recipient_name.trim().is_empty() {
        NAMELESS_APPLICANT.to_owned()
    } else {
        format!("Sayın {}", doc.recipient_name.trim())
    };
    page.text(LEFT, y, BODY, &name);
    y -= LEADING;
    for line in page.wrap(doc.postal_address, width * 0.6, 10.0) {
        page.text(LEFT, y, 10.0, &line);
        y -= 13.5;
    }
    y -= 22.0;

    // The answer, wrapped, onto as many pages as it takes.
    let mut lines = vec![format!(
        "{} takip numarasıyla kaydedilen başvurunuz incelenmiş olup yetkili açıklaması aşağıdadır.",
        doc.tracking_number
    )];
    lines.push(String::new());
    lines.extend(page.wrap(doc.answer, width, BODY));
    lines.push(String::new());
    lines.push("Bilgilerinize rica ederiz.".to_owned());
    let mut wrapped = Vec::new();
    for l in &lines {
        if l.is_empty() {
            wrapped.push(String::new());
        } else {
            wrapped.extend(page.wrap(l, width, BODY));
        }
    }
    for line in wrapped {
        if y < BOTTOM {
            y = next_page(&mut page, doc);
        }
        if !line.is_empty() {
            page.text(LEFT, y, BODY, &line);
        }
        y -= LEADING;
    }

    // The signature block: the institution, at the right.
    let block = 2.0 * LEADING + 20.0;
    if y - block < BOTTOM {
        y = next_page(&mut page, doc);
    }
    y -= 20.0;
    // Each line centred in a block at the right margin, as signed.
    let block_w = width * 0.5;
    for line in page.wrap(doc.institution, block_w, BODY) {
        let w = page.text_width(&line, BODY);
        page.text(A4.0 - RIGHT - block_w + (block_w - w) / 2.0, y, BODY, &line);
        y -= LEADING;
    }

    // The tracking number and its barcode, and where to follow it.
    let barcode_block = 110.0;
    if y - barcode_block < BOTTOM - 40.0 {
        y = next_page(&mut page, doc);
    }
    y -= 24.0;
    page.rect(LEFT, y + 10.0, width, 0.5);
    page.text(LEFT, y - 4.0, 9.0, "Takip numarası");
    page.text(LEFT, y - 22.0, 16.0, doc.tracking_number);
    y -= 30.0;
    if let Ok(code) = Code128::encode(doc.tracking_number) {
        // As on the receipt: 0.9 pt a module, quiet zones left white.
        let module = 0.9;
        let height = 42.0;
        let x0 = LEFT - module * QUIET_ZONE as f32;
        for (x, w) in code.bars() {
            page.rect(
                x0 + module * x as f32,
                y - height,
                module * w as f32,
                height,
            );
        }
        y -= height + 14.0;
    }
    let hint = format!(
        "Başvurunuzu takip numarası ve telefonunuzun son dört hanesiyle {} adresinden izleyebilirsiniz.",
        doc.tracking_url
    );
    for line in page.wrap(&hint, width, 8.5) {
        page.text(LEFT, y, 8.5, &line);
        y -= 11.0;
    }
    footer(&mut page, doc);
    page.finish(
        &format!("Yazı {} ({})", doc.number, doc.tracking_number),
        "tr-TR",
    )
}

/// The first page's header: the logo, the institution's name centred, a
/// rule; returns where the text starts.
fn header<'a>(page: &mut Page<'a>, doc: &LetterDoc<'a>) -> f32 {
    let mut y = page.height() - TOP;
    if let Some(img) = doc.logo {
        let h = 46.0;
        let w = (h * img.aspect()).min(140.0);
        let h = w / img.aspect();
        page.image(img, (A4.0 - w) / 2.0, y - h + 10.0, w, h);
        y -= h + 8.0;
    }
    page.text(
        (A4.0 - page.text_width("T.C.", 11.0)) / 2.0,
        y,
        11.0,
        "T.C.",
    );
    y -= 16.0;
    for line in page.wrap(doc.institution, A4.0 - LEFT - RIGHT, 13.0) {
        let w = page.text_width(&line, 13.0);
        page.text((A4.0 - w) / 2.0, y, 13.0, &line);
        y -= 17.0;
    }
    y -= 4.0;
    page.rect(LEFT, y, A4.0 - LEFT - RIGHT, 0.8);
    y - 24.0
}

/// Ends a page with its footer and starts the next under a short header
/// (the number, so a loose page still tells which letter it belongs to).
fn next_page(page: &mut Page<'_>, doc: &LetterDoc<'_>) -> f32 {
    footer(page, doc);
    page.new_page();
    let y = page.height() - TOP;
    page.text(LEFT, y, 9.0, &format!("Sayı: {} (devamı)", doc.number));
    page.rect(LEFT, y - 8.0, A4.0 - LEFT - RIGHT, 0.5);
    y - 32.0
}

/// The page's number at the bottom.
fn footer(page: &mut Page<'_>, doc: &LetterDoc<'_>) {
    let text = format!("{} — Sayfa {}", doc.number, page.page_count());
    let w = page.text_width(&text, 8.0);
    page.text((A4.0 - w) / 2.0, 40.0, 8.0, &text);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    fn doc<'a>(answer: &'a str, name: &'a str) -> LetterDoc<'a> {
        LetterDoc {
            institution: "Kocaeli Su ve Kanalizasyon İdaresi Genel Müdürlüğü",
            logo: None,
            number: "TM-2026-000042",
            date: 1_764_000_000_000_000,
            recipient_name: name,
            postal_address: "Kızılay Mah. Atatürk Bulvarı No: 12/4\nÇankaya / Ankara",
            tracking_number: "7KQ2M-X9AB4",
            answer,
            tracking_url: "http://127.0.0.1:8080/takip",
        }
    }

    fn pages(pdf: &[u8]) -> usize {
        let s = String::from_utf8_lossy(pdf);
        s.match_indices("/Type /Page")
            .filter(|(at, m)| !s[at + m.len()..].starts_with('s'))
            .count()
    }

    #[test]
    fn a_short_answer_is_one_page_and_a_long_one_runs_onto_more() {
        let font = Font::load(DEJAVU).unwrap();
        let short = pdf(&doc("Sayacınız değiştirildi.", "Ayşe Yılmaz"), &font).unwrap();
        assert_eq!(pages(&short), 1);
        let long = "Şikâyetiniz ilgili birimimizce yerinde incelenmiştir. ".repeat(120);
        let long = pdf(&doc(&long, "Ayşe Yılmaz"), &font).unwrap();
        assert!(pages(&long) >= 3, "{} pages", pages(&long));
    }
}
