//! The receipt (*alındı belgesi*) handed to a citizen whose application
//! staff recorded: the tracking number as text and as a Code 128 barcode,
//! when and how it was recorded, the reply channel, a counter visit's queue
//! ticket, the consent recorded, the KVKK notice and where to track it.
//!
//! What a receipt prints is kept in the gateway's database ([`ReceiptStore`])
//! when intake has acknowledged the application, so it can be printed at
//! once (the case is opened by routing a moment later) and again later. It
//! holds no personal data — a lost receipt tells nobody who applied, and
//! tracking needs the phone's last four digits — and only the person who
//! recorded it (or an admin) may open it.

use jiff::Timestamp;
use tekmerkez_sqlpool::{SqlPool, on_pool};
use uuid::Uuid;

use tekmerkez_pdf::{A4, Font, Image, Page, PdfError};

use crate::{
    barcode::{Code128, QUIET_ZONE},
    i18n::entry::EntryTexts,
};

/// What one receipt prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// `XXXXX-XXXXX`.
    pub tracking_number: String,
    /// Who recorded the application.
    pub recorded_by: Uuid,
    /// `phone`, `written`, `face_to_face` or `video`.
    pub channel: String,
    /// Category code.
    pub category: String,
    /// `sms`, `phone`, `email` or `letter`.
    pub reply_channel: String,
    /// A counter visit's queue ticket, else empty.
    pub queue_ticket: String,
    /// A letter's document number or a meeting's id, else empty.
    pub reference: String,
    /// Information only: answered and closed at once.
    pub information_only: bool,
    /// The KVKK notice version the citizen accepted, empty when no personal data was taken.
    pub consent_version: String,
    /// When the consent was recorded (microseconds since the epoch).
    pub consent_at: Option<i64>,
    /// Explicit consent for special-category data.
    pub special_category: bool,
    /// When intake recorded the application (microseconds since the epoch).
    pub received_at: i64,
}

/// Receipts, in the gateway's database.
#[derive(Debug, Clone)]
pub struct ReceiptStore {
    pool: SqlPool,
}

const COLUMNS: &str = "tracking_number, recorded_by, channel, category, reply_channel, \
    queue_ticket, reference, information_only, consent_version, consent_at, special_category, \
    received_at";

/// A receipt as stored: the recorder's id as text, flags as integers.
#[derive(sqlx::FromRow)]
struct ReceiptRow {
    tracking_number: String,
    recorded_by: String,
    channel: String,
    category: String,
    reply_channel: String,
    queue_ticket: String,
    reference: String,
    information_only: i32,
    consent_version: String,
    consent_at: Option<i64>,
    special_category: i32,
    received_at: i64,
}

impl TryFrom<ReceiptRow> for Receipt {
    type Error = sqlx::Error;

    fn try_from(r: ReceiptRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            tracking_number: r.tracking_number,
            recorded_by: Uuid::parse_str(&r.recorded_by)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            channel: r.channel,
            category: r.category,
            reply_channel: r.reply_channel,
            queue_ticket: r.queue_ticket,
            reference: r.reference,
            information_only: r.information_only != 0,
            consent_version: r.consent_version,
            consent_at: r.consent_at,
            special_category: r.special_category != 0,
            received_at: r.received_at,
        })
    }
}

impl ReceiptStore {
    /// Connects lazily to `url` (the sessions' database; its migrations
    /// create the table).
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Ok(Self {
            pool: SqlPool::connect_lazy(url, 4)?,
        })
    }

    /// Keeps `r`; a receipt already kept for its tracking number stays as it was.
    ///
    /// # Errors
    /// Database failures.
    pub async fn save(&self, r: &Receipt) -> Result<(), sqlx::Error> {
        let sql = format!(
            "INSERT INTO receipts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (tracking_number) DO NOTHING"
        );
        on_pool!(&self.pool, |p| {
            sqlx::query(&sql)
                .bind(&r.tracking_number)
                .bind(r.recorded_by.to_string())
                .bind(&r.channel)
                .bind(&r.category)
                .bind(&r.reply_channel)
                .bind(&r.queue_ticket)
                .bind(&r.reference)
                .bind(i32::from(r.information_only))
                .bind(&r.consent_version)
                .bind(r.consent_at)
                .bind(i32::from(r.special_category))
                .bind(r.received_at)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// The receipt of `tracking_number` (canonical, with its hyphen).
    ///
    /// # Errors
    /// Database failures.
    pub async fn get(&self, tracking_number: &str) -> Result<Option<Receipt>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM receipts WHERE tracking_number = $1");
        let row: Option<ReceiptRow> = on_pool!(&self.pool, |p| sqlx::query_as(&sql)
            .bind(tracking_number)
            .fetch_optional(p)
            .await?);
        row.map(Receipt::try_from).transpose()
    }

    /// The newest receipts `user` recorded, at most `limit`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn by_recorder(&self, user: Uuid, limit: i64) -> Result<Vec<Receipt>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM receipts WHERE recorded_by = $1 ORDER BY received_at DESC LIMIT $2"
        );
        let rows: Vec<ReceiptRow> = on_pool!(&self.pool, |p| sqlx::query_as(&sql)
            .bind(user.to_string())
            .bind(limit)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Receipt::try_from).collect()
    }
}

/// A time as the citizen reads it: Europe/Istanbul, `31.12.2025 14:05`.
pub fn local_time(micros: i64) -> String {
    Timestamp::from_microsecond(micros)
        .ok()
        .and_then(|t| t.in_tz("Europe/Istanbul").ok())
        .map(|z| z.strftime("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// What the receipt says, line by line: (label, value).
pub fn lines(r: &Receipt, t: &EntryTexts, category_name: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![
        (t.received_at, local_time(r.received_at)),
        (t.channel, t.channel_name(&r.channel).to_owned()),
        (t.subject, category_name.to_owned()),
    ];
    if !r.queue_ticket.is_empty() {
        out.push((t.queue_ticket, r.queue_ticket.clone()));
    }
    if !r.reference.is_empty() {
        out.push((t.reference, r.reference.clone()));
    }
    if !r.information_only {
        out.push((t.reply, t.reply_name(&r.reply_channel).to_owned()));
    }
    if !r.consent_version.is_empty() {
        let at = r.consent_at.map(local_time).unwrap_or_default();
        out.push((t.consent, format!("{} — {at}", r.consent_version)));
    }
    out
}

/// Who issues a receipt: the institution's name and logo, and the public
/// tracking page it points to.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    pub institution: &'a str,
    pub logo: Option<&'a Image>,
    pub tracking_url: &'a str,
}

/// The receipt as a one-page A4 PDF in `font`.
///
/// # Errors
/// [`PdfError`] when the PDF cannot be made; a tracking number that is not
/// printable ASCII cannot happen (they are Crockford base 32).
pub fn pdf(
    r: &Receipt,
    t: &EntryTexts,
    font: &Font,
    issuer: Issuer<'_>,
    category_name: &str,
    lang: &str,
) -> Result<Vec<u8>, PdfError> {
    let Issuer {
        institution,
        logo,
        tracking_url,
    } = issuer;
    let mut page = Page::new(font, A4);
    let left = 56.0;
    let width = A4.0 - 2.0 * left;
    let mut y = page.height() - 64.0;
    // The logo, at most 40 pt tall and 160 pt wide, left of the name and
    // standing on its baseline.
    let mut name_x = left;
    if let Some(img) = logo {
        let w = (40.0 * img.aspect()).min(160.0);
        let h = w / img.aspect();
        page.image(img, left, y - 4.0, w, h);
        name_x += w + 10.0;
    }
    page.text(name_x, y, 11.0, institution);
    y -= 30.0;
    page.text(left, y, 20.0, t.receipt_title);
    y -= 14.0;
    page.rect(left, y, width, 0.8);
    y -= 26.0;
    page.text(left, y, 11.0, t.tracking_number);
    y -= 26.0;
    page.text(left, y, 22.0, &r.tracking_number);
    y -= 16.0;
    // The bars: 0.9 pt per module (a little over 0.3 mm, which every
    // scanner reads), 60 pt tall, with the quiet zones left white.
    if let Ok(code) = Code128::encode(&r.tracking_number) {
        let module = 0.9;
        let height = 60.0;
        let x0 = left - module * QUIET_ZONE as f32;
        for (x, w) in code.bars() {
            page.rect(
                x0 + module * x as f32,
                y - height,
                module * w as f32,
                height,
            );
        }
        y -= height + 28.0;
    }
    for (label, value) in lines(r, t, category_name) {
        page.text(left, y, 11.0, label);
        page.text(left + 150.0, y, 11.0, &value);
        y -= 18.0;
    }
    if r.information_only {
        y = page.paragraph(left, y, width, 11.0, 15.0, t.info_only_note);
    }
    if r.special_category {
        y = page.paragraph(left, y, width, 11.0, 15.0, t.explicit_yes);
    }
    y -= 10.0;
    page.rect(left, y + 8.0, width, 0.5);
    y -= 8.0;
    page.text(left, y, 11.0, t.kvkk_title);
    y -= 16.0;
    y = page.paragraph(left, y, width, 9.5, 13.0, t.kvkk_notice);
    y -= 10.0;
    y = page.paragraph(left, y, width, 10.0, 14.0, t.track_hint);
    page.text(left, y, 10.0, tracking_url);
    page.finish(&format!("{} {}", t.receipt_title, r.tracking_number), lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::entry::TR as ENTRY_TR;

    fn receipt() -> Receipt {
        Receipt {
            tracking_number: "7KQ2M-X9AB4".into(),
            recorded_by: Uuid::nil(),
            channel: "face_to_face".into(),
            category: "fatura".into(),
            reply_channel: "letter".into(),
            queue_ticket: "A-042".into(),
            reference: String::new(),
            information_only: false,
            consent_version: "kvkk-aydinlatma-v1".into(),
            consent_at: Some(1_764_000_000_000_000),
            special_category: false,
            received_at: 1_764_000_000_000_000,
        }
    }

    #[test]
    fn the_lines_name_the_ticket_the_reply_and_the_consent_in_istanbul_time() {
        let l = lines(&receipt(), &ENTRY_TR, "Fatura ve abonelik");
        let find = |label: &str| l.iter().find(|(k, _)| *k == label).map(|(_, v)| v.clone());
        // 1 764 000 000 s is 2025-11-24 16:00 UTC, 19:00 in Istanbul.
        assert_eq!(find("Kayıt tarihi").as_deref(), Some("24.11.2025 19:00"));
        assert_eq!(find("Sıra numarası").as_deref(), Some("A-042"));
        assert_eq!(
            find("Yanıt kanalı").as_deref(),
            Some("Posta (yazılı yanıt)")
        );
        assert_eq!(find("Başvuru kanalı").as_deref(), Some("Yüz yüze (gişe)"));
        assert_eq!(
            find("KVKK onayı").as_deref(),
            Some("kvkk-aydinlatma-v1 — 24.11.2025 19:00")
        );
    }

    #[test]
    fn an_information_only_receipt_has_no_reply_channel() {
        let mut r = receipt();
        r.information_only = true;
        assert!(
            !lines(&r, &ENTRY_TR, "x")
                .iter()
                .any(|(k, _)| *k == "Yanıt kanalı")
        );
    }

    #[test]
    fn the_pdf_is_one_page_with_the_bars_and_the_turkish_text_font() {
        let font = Font::load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap();
        let pdf = pdf(
            &receipt(),
            &ENTRY_TR,
            &font,
            Issuer {
                institution: "Kocaeli İSU Alo 185",
                logo: None,
                tracking_url: "http://127.0.0.1:8080/takip",
            },
            "Fatura ve abonelik",
            "tr-TR",
        )
        .unwrap();
        let s = String::from_utf8_lossy(&pdf);
        let pages = s
            .match_indices("/Type /Page")
            .filter(|(at, m)| !s[at + m.len()..].starts_with('s'))
            .count();
        assert_eq!(pages, 1);
        assert!(s.contains("DejaVuSans"));
        assert!(!s.contains("/Subtype /Image"), "no logo, no image");
    }

    #[test]
    fn a_logo_is_embedded_once_and_drawn_beside_the_name() {
        let font = Font::load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap();
        let logo = Image {
            width: 300,
            height: 100,
            colors: 3,
            encoding: tekmerkez_pdf::Encoding::Jpeg,
            data: b"(jpeg bytes)".to_vec(),
        };
        let pdf = pdf(
            &receipt(),
            &ENTRY_TR,
            &font,
            Issuer {
                institution: "Kocaeli İSU Alo 185",
                logo: Some(&logo),
                tracking_url: "http://127.0.0.1:8080/takip",
            },
            "Fatura ve abonelik",
            "tr-TR",
        )
        .unwrap();
        let s = String::from_utf8_lossy(&pdf);
        assert_eq!(s.matches("/Subtype /Image").count(), 1);
        assert!(s.contains("/Filter /DCTDecode") && s.contains("(jpeg bytes)"));
        assert!(s.contains("/Width 300") && s.contains("/Height 100"));
        assert!(s.contains("/Im0"), "named in the page's resources");
    }
}
