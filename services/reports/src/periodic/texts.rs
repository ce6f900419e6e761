//! The words of the periodic report (PDF, XLSX and e-mail), in Turkish and
//! English.

use crate::query::Dim;

/// Every word a report uses, in one language.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub period: &'static str,
    pub key_figures: &'static str,
    pub opened: &'static str,
    pub resolved: &'static str,
    pub open_at_end: &'static str,
    pub open_at_end_short: &'static str,
    pub on_time: &'static str,
    pub on_time_share: &'static str,
    pub late: &'static str,
    pub median_close: &'static str,
    pub median_first_action: &'static str,
    pub hours: &'static str,
    pub satisfaction: &'static str,
    pub answers: &'static str,
    pub year_end: &'static str,
    pub calls_offered: &'static str,
    pub calls_answered: &'static str,
    pub calls_ivr: &'static str,
    /// The IVR's answers to the outage question (one per call).
    pub calls_self_service: &'static str,
    pub calls_abandoned: &'static str,
    pub resolved_social: &'static str,
    pub resolved_partners: &'static str,
    pub trend: &'static str,
    pub nothing: &'static str,
    pub dim_channel: &'static str,
    pub dim_type: &'static str,
    pub dim_category: &'static str,
    pub dim_unit: &'static str,
    pub dim_directorate: &'static str,
    pub dim_other: &'static str,
    pub sheet_summary: &'static str,
    pub sheet_trend: &'static str,
    pub figure: &'static str,
    pub value: &'static str,
    pub step_start: &'static str,
    pub mail_greeting: &'static str,
    pub mail_body: &'static str,
    pub mail_closing: &'static str,
}

const TR: Texts = Texts {
    period: "Dönem",
    key_figures: "Temel göstergeler",
    opened: "Açılan",
    resolved: "Çözülen",
    open_at_end: "Dönem sonunda açık",
    open_at_end_short: "Sonda açık",
    on_time: "Süresinde çözülen",
    on_time_share: "Süresinde",
    late: "Süresi geçtikten sonra çözülen",
    median_close: "Kapanış süresi (ortanca)",
    median_first_action: "İlk işlem süresi (ortanca)",
    hours: "saat",
    satisfaction: "Memnuniyet ortalaması",
    answers: "yanıt",
    year_end: "Yıl sonu özeti",
    calls_offered: "Çağrı merkezine gelen çağrı",
    calls_answered: "Temsilcinin cevapladığı çağrı",
    calls_ivr: "Temsilciye bağlanmadan sesli yanıt sistemiyle hizmet alan",
    calls_self_service: "Sesli yanıt sisteminden kesinti bilgisi alan",
    calls_abandoned: "Beklerken kapatılan çağrı",
    resolved_social: "Sosyal medyadan gelip çözülen başvuru",
    resolved_partners: "CİMER, Açık Kapı ve diğer kurumlardan gelip çözülen başvuru",
    trend: "Açılan ve çözülen başvurular",
    nothing: "Bu dönemde kayıt yok.",
    dim_channel: "Başvuru kanalına göre",
    dim_type: "Başvuru türüne göre",
    dim_category: "Konuya göre",
    dim_unit: "Birime göre",
    dim_directorate: "Daire başkanlığına göre",
    dim_other: "Diğer kırılım",
    sheet_summary: "Özet",
    sheet_trend: "Eğilim",
    figure: "Gösterge",
    value: "Değer",
    step_start: "Başlangıç",
    mail_greeting: "Merhaba,",
    mail_body: "dönemine ait raporunuz ektedir: grafikli PDF ve tabloların bulunduğu XLSX dosyası.",
    mail_closing: "Bu e-posta tekmerkez tarafından otomatik olarak gönderilmiştir. Alıcı listesini sistem yöneticiniz düzenler.",
};

const EN: Texts = Texts {
    period: "Period",
    key_figures: "Key figures",
    opened: "Opened",
    resolved: "Resolved",
    open_at_end: "Open at the end",
    open_at_end_short: "Open at end",
    on_time: "Resolved on time",
    on_time_share: "On time",
    late: "Resolved late",
    median_close: "Time to close (median)",
    median_first_action: "Time to first action (median)",
    hours: "hours",
    satisfaction: "Average satisfaction",
    answers: "answers",
    year_end: "Year-end summary",
    calls_offered: "Calls to the call centre",
    calls_answered: "Calls answered by an agent",
    calls_ivr: "Served by the voice response system without an agent",
    calls_self_service: "Told about outages by the voice response system",
    calls_abandoned: "Calls abandoned while waiting",
    resolved_social: "Applications from social media resolved",
    resolved_partners: "Applications from CİMER, Açık Kapı and other bodies resolved",
    trend: "Applications opened and resolved",
    nothing: "No records in this period.",
    dim_channel: "By channel",
    dim_type: "By application type",
    dim_category: "By category",
    dim_unit: "By unit",
    dim_directorate: "By directorate",
    dim_other: "Other breakdown",
    sheet_summary: "Summary",
    sheet_trend: "Trend",
    figure: "Figure",
    value: "Value",
    step_start: "Starting",
    mail_greeting: "Hello,",
    mail_body: "— your report for this period is attached: a PDF with the charts and an XLSX with the tables.",
    mail_closing: "This e-mail was sent automatically by tekmerkez. Your administrator keeps the list of recipients.",
};

impl Texts {
    /// The texts in English or Turkish.
    pub fn of(english: bool) -> &'static Texts {
        if english { &EN } else { &TR }
    }

    /// A breakdown's heading.
    pub fn by(&self, dim: Dim) -> &'static str {
        match dim {
            Dim::Channel => self.dim_channel,
            Dim::Type => self.dim_type,
            Dim::Category => self.dim_category,
            Dim::Unit => self.dim_unit,
            Dim::Directorate => self.dim_directorate,
            _ => self.dim_other,
        }
    }
}
