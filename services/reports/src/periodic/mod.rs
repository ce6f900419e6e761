//! The periodic report: each directorate's month (or any period, or the
//! institution's year) as a PDF with charts and an XLSX of its tables,
//! e-mailed through notify (`reports.mail.v1`) to the recipients admins set.
//!
//! - [`period`]: months, years and ranges, and the month's first working day.
//! - [`content`]: the figures a report shows, read from the rollups once.
//! - [`pdf`], [`xlsx`]: the two files; [`texts`]: their words.
//! - [`store`]: recipients, the reports handed to notify, the round's lease.
//! - [`schedule`]: the monthly round, one replica at a time.
//! - [`grpc`]: the `PeriodicReportService` handlers.
//!
//! Exactly once: the round runs under a lease; a directorate's period is
//! recorded after notify's request is published, and never sent by the
//! round again; and the request's event id is a UUID v5 of directorate and
//! period, so a crash between the publish and the record (or a request by
//! hand) publishes the same event again, which notify sends to nobody twice.

pub mod content;
pub mod grpc;
pub mod pdf;
pub mod period;
pub mod schedule;
pub mod store;
pub mod texts;
pub mod xlsx;

use std::sync::Arc;

use prost::Message as _;
use tekmerkez_bus::{Bus, Envelope, headers};
use tekmerkez_pdf::Font;
use tekmerkez_proto::notify_v1::{ReportAttachment, ReportMailRequested};
use uuid::Uuid;

use self::{
    content::{ReportContent, Subject},
    period::ReportPeriod,
    store::MailRun,
    texts::Texts,
};
use crate::{directory::Directory, labels::Catalogues, store::ReportStore};

/// The topic notify takes report e-mails from.
pub const REPORT_MAIL_TOPIC: &str = "reports.mail.v1";

/// The namespace of the requests' event ids (a UUID v5 of
/// `<directorate>:<period>` in it).
const EVENT_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_9b3d_4e57_a1c8_5d2f_7e90_b314);

/// XLSX's media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why a report could not be drawn or sent.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The rollups could not be read.
    #[error("reading the figures")]
    Store(#[from] crate::store::StoreError),
    /// The directory (directorates' names and pools) could not be read.
    #[error("reading the directory")]
    Directory(#[source] tonic::Status),
    /// The PDF could not be written.
    #[error("writing the PDF")]
    Pdf(#[from] tekmerkez_pdf::PdfError),
    /// The XLSX could not be written.
    #[error("writing the XLSX")]
    Xlsx(#[from] tekmerkez_table::TableError),
    /// The files are larger than a report e-mail carries.
    #[error("the report is larger than an e-mail carries")]
    TooLarge,
    /// The bus refused notify's request.
    #[error("publishing the e-mail request")]
    Publish(#[from] tekmerkez_bus::PublishError),
}

/// A report's two files.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// The XLSX.
    pub xlsx: Vec<u8>,
    /// The files' name without extension.
    pub file_stem: String,
}

/// Draws and sends periodic reports.
#[derive(Debug, Clone)]
pub struct Reporter {
    store: ReportStore,
    directory: Directory,
    catalogues: Arc<Catalogues>,
    font: Arc<Font>,
    bus: Arc<dyn Bus>,
    institution: String,
}

impl Reporter {
    /// A reporter drawing with `font`, naming `institution` on the cover.
    pub fn new(
        store: ReportStore,
        directory: Directory,
        catalogues: Arc<Catalogues>,
        font: Font,
        bus: Arc<dyn Bus>,
        institution: String,
    ) -> Self {
        Self {
            store,
            directory,
            catalogues,
            font: Arc::new(font),
            bus,
            institution,
        }
    }

    /// The store.
    pub fn store(&self) -> &ReportStore {
        &self.store
    }

    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// What `subject`'s report for `period` shows.
    ///
    /// # Errors
    /// The store or the directory failed.
    pub async fn content(
        &self,
        subject: &Subject,
        period: ReportPeriod,
        english: bool,
    ) -> Result<ReportContent, ReportError> {
        let map = self.directory.get().await.map_err(ReportError::Directory)?;
        Ok(content::gather(
            &self.store,
            &map,
            &self.catalogues,
            subject,
            period,
            &self.institution,
            english,
        )
        .await?)
    }

    /// `subject`'s report for `period`, drawn.
    ///
    /// # Errors
    /// As [`Self::content`], or a file that cannot be written.
    pub async fn draw(
        &self,
        subject: &Subject,
        period: ReportPeriod,
        english: bool,
    ) -> Result<Drawn, ReportError> {
        let c = self.content(subject, period, english).await?;
        self.files(&c)
    }

    /// `c` as the two files.
    fn files(&self, c: &ReportContent) -> Result<Drawn, ReportError> {
        Ok(Drawn {
            pdf: pdf::render(&self.font, c)?,
            xlsx: xlsx::render(c)?,
            file_stem: file_stem(c),
        })
    }

    /// E-mails `directorate`'s report for `period` to its recipients;
    /// `None` when it has none. The same directorate and period is always
    /// the same event: notify sends it to each address once.
    ///
    /// # Errors
    /// As [`Self::draw`], files too large for an e-mail, or the bus.
    pub async fn send(
        &self,
        directorate: &str,
        period: ReportPeriod,
        now_ms: i64,
    ) -> Result<Option<MailRun>, ReportError> {
        let Some(r) = self
            .store
            .all_recipients()
            .await?
            .into_iter()
            .find(|r| r.directorate_id == directorate && !r.emails.is_empty())
        else {
            return Ok(None);
        };
        let english = r.language == "en";
        let subject = Subject::Directorate(directorate.to_owned());
        let c = self.content(&subject, period, english).await?;
        let drawn = self.files(&c)?;
        if drawn.pdf.len() + drawn.xlsx.len() > MAX_ATTACHMENTS {
            return Err(ReportError::TooLarge);
        }
        let event_id = event_id(directorate, period);
        let request = mail_request(&c, &drawn, directorate, &event_id, r.emails.clone());
        self.bus
            .publish(Envelope {
                topic: REPORT_MAIL_TOPIC.to_owned(),
                key: directorate.to_owned(),
                headers: vec![
                    (headers::EVENT_ID.to_owned(), event_id.clone()),
                    (
                        headers::EVENT_TYPE.to_owned(),
                        "tekmerkez.notify.v1.ReportMailRequested".to_owned(),
                    ),
                    (
                        headers::CONTENT_TYPE.to_owned(),
                        "application/protobuf".to_owned(),
                    ),
                ],
                payload: request.encode_to_vec().into(),
            })
            .await?;
        let run = MailRun {
            directorate_id: directorate.to_owned(),
            period: period.code(),
            event_id,
            recipients: i32::try_from(r.emails.len()).unwrap_or(i32::MAX),
        };
        self.store.record_mail_run(&run, now_ms).await?;
        tracing::info!(
            directorate_id = directorate,
            period = %run.period,
            event_id = %run.event_id,
            recipients = run.recipients,
            "report e-mail requested"
        );
        Ok(Some(run))
    }
}

/// The attachments together at most (notify's limit, within Kafka's 1 MB).
pub const MAX_ATTACHMENTS: usize = 900 * 1024;

/// The request's event id for `directorate`'s `period`.
pub fn event_id(directorate: &str, period: ReportPeriod) -> String {
    Uuid::new_v5(
        &EVENT_NAMESPACE,
        format!("{directorate}:{}", period.code()).as_bytes(),
    )
    .to_string()
}

/// "Aylık rapor - Su ve Kanalizasyon Dairesi - Kasım 2026": no characters a
/// file name cannot hold.
fn file_stem(c: &ReportContent) -> String {
    format!(
        "{} - {} - {}",
        c.period.kind(c.english),
        c.subject_name,
        c.period.label(c.english)
    )
    .chars()
    .map(|ch| {
        if "/\\:*?\"<>|".contains(ch) || ch.is_control() {
            '-'
        } else {
            ch
        }
    })
    .collect::<String>()
    .replace('–', "-")
}

/// Notify's request for `c`'s files.
fn mail_request(
    c: &ReportContent,
    drawn: &Drawn,
    directorate: &str,
    event_id: &str,
    recipients: Vec<String>,
) -> ReportMailRequested {
    let t = Texts::of(c.english);
    let title = format!(
        "{} — {}",
        c.period.kind(c.english),
        c.period.label(c.english)
    );
    let subject = format!("{title} — {}", c.subject_name);
    let text_body = format!(
        "{}\n\n{} {} {}\n\n{}\n{}\n",
        t.mail_greeting,
        c.subject_name,
        c.period.label(c.english),
        t.mail_body,
        c.institution,
        t.mail_closing,
    );
    ReportMailRequested {
        event_id: event_id.to_owned(),
        directorate_id: directorate.to_owned(),
        period: c.period.code(),
        recipients,
        subject,
        text_body,
        html_body: None,
        attachments: vec![
            ReportAttachment {
                filename: format!("{}.pdf", drawn.file_stem),
                content_type: "application/pdf".to_owned(),
                content: drawn.pdf.clone(),
            },
            ReportAttachment {
                filename: format!("{}.xlsx", drawn.file_stem),
                content_type: XLSX.to_owned(),
                content: drawn.xlsx.clone(),
            },
        ],
        language: if c.english { "en" } else { "tr" }.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directorates_period_is_always_the_same_event() {
        let nov = ReportPeriod::parse("2026-11").unwrap();
        let dec = ReportPeriod::parse("2026-12").unwrap();
        assert_eq!(event_id("d1", nov), event_id("d1", nov));
        assert_ne!(event_id("d1", nov), event_id("d1", dec));
        assert_ne!(event_id("d1", nov), event_id("d2", nov));
    }
}
