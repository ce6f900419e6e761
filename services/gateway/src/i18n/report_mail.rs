//! *Rapor Alıcıları* (`http::admin_report_mail`): who receives each
//! directorate's monthly report, and the periodic report's links on
//! *Raporlar*.

/// Every text of the page, in one language.
#[derive(Debug)]
pub struct ReportMailTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub directorate: &'static str,
    pub recipients: &'static str,
    pub recipients_hint: &'static str,
    pub language: &'static str,
    pub turkish: &'static str,
    pub english: &'static str,
    pub last_sent: &'static str,
    pub never_sent: &'static str,
    pub save: &'static str,
    pub send_now: &'static str,
    pub saved: &'static str,
    /// The directorate's recipients changed meanwhile.
    pub stale: &'static str,
    /// Before the address that does not parse.
    pub invalid_address: &'static str,
    pub too_many: &'static str,
    pub sent: &'static str,
    pub no_recipients: &'static str,
    pub unavailable: &'static str,
    /// *Raporlar*: the periodic report of the period shown.
    pub period_report: &'static str,
    pub period_report_hint: &'static str,
}

pub const TR: ReportMailTexts = ReportMailTexts {
    title: "Rapor Alıcıları",
    intro: "Her daire başkanlığının aylık raporu (grafikli PDF ve XLSX) ayın ilk iş günü saat 08.00'den sonra buradaki adreslere e-postayla gönderilir. Adres girilmeyen daireye rapor gönderilmez.",
    directorate: "Daire başkanlığı",
    recipients: "Alıcılar",
    recipients_hint: "Her satıra bir e-posta adresi (en çok 50).",
    language: "Rapor dili",
    turkish: "Türkçe",
    english: "İngilizce",
    last_sent: "Son gönderilen dönem",
    never_sent: "Henüz gönderilmedi",
    save: "Kaydet",
    send_now: "Geçen ayın raporunu şimdi gönder",
    saved: "Alıcılar kaydedildi.",
    stale: "Bu dairenin alıcıları siz düzenlerken başka biri tarafından değiştirildi. Yazdıklarınız duruyor; güncel listeyi kontrol edip yeniden kaydedin.",
    invalid_address: "Geçerli bir e-posta adresi değil:",
    too_many: "En çok 50 adres girilebilir.",
    sent: "Rapor gönderilmek üzere sıraya alındı. Aynı dönem yeniden gönderildiğinde kimseye ikinci kez gitmez.",
    no_recipients: "Bu dairenin alıcısı yok; önce adres girip kaydedin.",
    unavailable: "Rapor servisine şu an ulaşılamıyor; biraz sonra yeniden deneyin.",
    period_report: "Dönem raporu",
    period_report_hint: "Gösterilen dönemin raporu, e-postayla gönderilen biçimde",
};

pub const EN: ReportMailTexts = ReportMailTexts {
    title: "Report recipients",
    intro: "Each directorate's monthly report (a PDF with charts and an XLSX) is e-mailed to the addresses here on the first working day of the month, from 08:00. A directorate without addresses gets no report.",
    directorate: "Directorate",
    recipients: "Recipients",
    recipients_hint: "One e-mail address a line (at most 50).",
    language: "Report language",
    turkish: "Turkish",
    english: "English",
    last_sent: "Last period sent",
    never_sent: "Not sent yet",
    save: "Save",
    send_now: "Send last month's report now",
    saved: "Recipients saved.",
    stale: "Someone else changed this directorate's recipients while you were editing. What you typed is kept; check the current list and save again.",
    invalid_address: "Not a valid e-mail address:",
    too_many: "At most 50 addresses.",
    sent: "The report is queued to be sent. Sending the same period again reaches nobody twice.",
    no_recipients: "This directorate has no recipients; enter addresses and save first.",
    unavailable: "The reports service cannot be reached now; try again shortly.",
    period_report: "Period report",
    period_report_hint: "The report of the period shown, as it is e-mailed",
};
