//! A table of figures as people download it: CSV or XLSX.
//!
//! Every export of tekmerkez (the reports API, the *Raporlar* pages, the
//! cases behind a figure) builds one [`Table`] and writes it with
//! [`Table::to_csv`] or [`Table::to_xlsx`], so the formats agree on what a
//! cell is. CSV is UTF-8 with a byte-order mark — without it Excel reads
//! ç ğ ı İ ö ş ü as Windows-1254 mojibake — and comes in two separators:
//! the comma of RFC 4180 and the semicolon that Excel expects where the
//! decimal separator is a comma, as in Turkish locales ([`Separator`]).
//! A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`,
//! `@`, tab, carriage return first) is written with a leading apostrophe
//! in CSV: a citizen-typed or admin-typed name is data, never a formula.

use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (a figure that does not exist, such as a median of no case).
    Empty,
    /// Text.
    Text(String),
    /// A count.
    Int(i64),
    /// A measured value, shown with two decimals.
    Number(f64),
    /// A calendar day (Istanbul).
    Date(Date),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Self {
        x.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Self {
        Cell::Date(d)
    }
}

/// The CSV field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `,` with `.` decimals (RFC 4180; the API's default).
    Comma,
    /// `;` with `,` decimals, which Excel in a Turkish locale opens as
    /// columns.
    Semicolon,
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing the workbook")]
pub struct TableError(#[from] XlsxError);

/// A titled table: a header row and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The sheet's name in XLSX (at most 31 characters are kept).
    pub title: String,
    /// The column headers, in the reader's language.
    pub headers: Vec<String>,
    /// The rows; a row shorter than the headers is padded with empty cells.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table titled `title` with these headers.
    pub fn new(
        title: impl Into<String>,
        headers: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            title: title.into(),
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The table as CSV: a BOM, the header line, one line per row, CRLF
    /// line ends (RFC 4180).
    pub fn to_csv(&self, sep: Separator) -> Vec<u8> {
        let mut out = String::from('\u{feff}');
        let s = match sep {
            Separator::Comma => ',',
            Separator::Semicolon => ';',
        };
        let line = |out: &mut String, fields: &mut dyn Iterator<Item = String>| {
            let mut first = true;
            for f in fields {
                if !first {
                    out.push(s);
                }
                first = false;
                push_field(out, &f, s);
            }
            out.push_str("\r\n");
        };
        line(&mut out, &mut self.headers.iter().cloned());
        let width = self.headers.len();
        for row in &self.rows {
            let mut cells = row
                .iter()
                .map(|c| csv_text(c, sep))
                .chain(std::iter::repeat_n(
                    String::new(),
                    width.saturating_sub(row.len()),
                ));
            line(&mut out, &mut cells);
        }
        out.into_bytes()
    }

    /// The table as an XLSX workbook of one sheet: a bold, frozen header
    /// row, counts as numbers, measures with two decimals, days as Excel
    /// dates shown `GG.AA.YYYY` (the Turkish order), columns sized to fit.
    ///
    /// # Errors
    /// When the workbook cannot be written (not expected for any table).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, TableError> {
        workbook(std::slice::from_ref(self))
    }

    /// Writes the table as a new sheet of `book` named `name`.
    fn add_sheet(&self, book: &mut Workbook, name: &str) -> Result<(), TableError> {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        let bold = Format::new().set_bold().set_align(FormatAlign::Center);
        let date = Format::new().set_num_format("dd.mm.yyyy");
        let decimal = Format::new().set_num_format("0.00");
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col(c), h, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let shown = match cell {
                    Cell::Empty => 0,
                    Cell::Text(t) => {
                        sheet.write_string(r, col(c), t)?;
                        t.chars().count()
                    }
                    Cell::Int(n) => {
                        // Counts fit an f64 exactly far beyond any report.
                        #[allow(clippy::cast_precision_loss)]
                        sheet.write_number(r, col(c), *n as f64)?;
                        n.to_string().len()
                    }
                    Cell::Number(x) => {
                        sheet.write_number_with_format(r, col(c), *x, &decimal)?;
                        format!("{x:.2}").len()
                    }
                    Cell::Date(d) => {
                        let when = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            u8::try_from(d.month()).unwrap_or(1),
                            u8::try_from(d.day()).unwrap_or(1),
                        )?;
                        sheet.write_datetime_with_format(r, col(c), &when, &date)?;
                        10
                    }
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(shown);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            // Character counts to Excel's width unit, with a little room.
            #[allow(clippy::cast_precision_loss)]
            sheet.set_column_width(col(c), (*w).clamp(6, 60) as f64 + 2.0)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }
}

/// `tables` as one XLSX workbook, a sheet each in this order, written as
/// [`Table::to_xlsx`] writes one. Sheets whose names (cut to 31
/// characters) would repeat get " (2)", " (3)", … so Excel opens the file.
///
/// # Errors
/// When the workbook cannot be written (not expected for any tables).
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, TableError> {
    let mut book = Workbook::new();
    let mut seen: Vec<String> = Vec::new();
    for t in tables {
        let mut name = sheet_name(&t.title);
        let mut n = 1;
        while seen.iter().any(|s| s.to_lowercase() == name.to_lowercase()) {
            n += 1;
            let suffix = format!(" ({n})");
            let base: String = sheet_name(&t.title)
                .chars()
                .take(31 - suffix.chars().count())
                .collect();
            name = format!("{base}{suffix}");
        }
        t.add_sheet(&mut book, &name)?;
        seen.push(name);
    }
    Ok(book.save_to_buffer()?)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Excel refuses sheet names over 31 characters or with `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if name.trim().is_empty() {
        "Rapor".to_owned()
    } else {
        name
    }
}

fn csv_text(cell: &Cell, sep: Separator) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => {
            if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{t}")
            } else {
                t.clone()
            }
        }
        Cell::Int(n) => n.to_string(),
        Cell::Number(x) => {
            let s = format!("{x:.2}");
            match sep {
                Separator::Comma => s,
                Separator::Semicolon => s.replace('.', ","),
            }
        }
        Cell::Date(d) => match sep {
            // ISO for machines; the day-first Turkish form where a Turkish
            // Excel reads it.
            Separator::Comma => d.to_string(),
            Separator::Semicolon => d.strftime("%d.%m.%Y").to_string(),
        },
    }
}

fn push_field(out: &mut String, f: &str, sep: char) {
    if f.contains([sep, '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("Kanal özeti", ["Kanal", "Açılan", "Ortanca (saat)", "Gün"]);
        t.push(vec![
            "Web formu".into(),
            5.into(),
            Some(4.5).into(),
            Cell::Date(jiff::civil::date(2026, 1, 31)),
        ]);
        t.push(vec!["Şikâyet; \"İğdır\"".into(), 0.into(), None.into()]);
        t.push(vec!["=HYPERLINK(\"x\")".into(), (-3).into()]);
        t
    }

    #[test]
    fn csv_has_a_bom_quotes_what_needs_it_and_pads_short_rows() {
        let csv = String::from_utf8(sample().to_csv(Separator::Comma)).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Kanal,Açılan,Ortanca (saat),Gün");
        assert_eq!(lines[1], "Web formu,5,4.50,2026-01-31");
        assert_eq!(lines[2], "\"Şikâyet; \"\"İğdır\"\"\",0,,");
        assert_eq!(lines[3], "\"'=HYPERLINK(\"\"x\"\")\",-3,,");
        assert_eq!(lines[4], "");
    }

    #[test]
    fn semicolon_csv_uses_decimal_commas_and_turkish_dates() {
        let csv = String::from_utf8(sample().to_csv(Separator::Semicolon)).unwrap();
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[1], "Web formu;5;4,50;31.01.2026");
        assert_eq!(lines[2], "\"Şikâyet; \"\"İğdır\"\"\";0;;");
    }

    #[test]
    fn xlsx_is_a_zip_with_the_turkish_text_in_it() {
        let bytes = sample().to_xlsx().unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn sheet_names_obey_excel() {
        assert_eq!(sheet_name("a/b:c"), "a-b-c");
        assert_eq!(sheet_name(&"ş".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name("  "), "Rapor");
    }

    #[test]
    fn a_workbook_has_a_sheet_per_table_and_no_name_twice() {
        let t = |title: &str| Table::new(title, ["Kanal", "Açılan"]);
        let book = workbook(&[t("Kanallar"), t("Kanallar"), t("Türler")]).unwrap();
        // An XLSX is a zip: each sheet is its own part, named in workbook.xml.
        let text = String::from_utf8_lossy(&book);
        assert!(text.contains("xl/worksheets/sheet3.xml"), "three sheets");
        assert!(!text.contains("xl/worksheets/sheet4.xml"));
    }
}
