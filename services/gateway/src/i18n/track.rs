//! The public tracking page (`http::track`), in the citizen's words: a
//! status reads as what happens to the application, never as a code or
//! the desk's terms (*Havuzda*).

/// Every text of the tracking page, in one language.
#[derive(Debug)]
pub struct TrackTexts {
    pub track_title: &'static str,
    pub track_intro: &'static str,
    pub phone_last4: &'static str,
    pub track_button: &'static str,
    /// The link back to the form from a tracking result.
    pub track_again: &'static str,
    pub track_fill_both: &'static str,
    pub track_miss: &'static str,
    /// "{from} ... {to}": the number asked about was merged into another.
    pub merged_from: &'static str,
    pub track_slow_down: &'static str,
    /// Too many wrong digits for this number (from anyone): locked for now,
    /// and the signed link the citizen received still works.
    pub track_locked: &'static str,
    pub track_current: &'static str,
    pub track_timeline: &'static str,
    /// The link to the citizen's form, for a new application.
    pub new_application: &'static str,
    /// The citizen's words for each status (not the desk's "in the pool").
    pub status_received: &'static str,
    pub status_in_pool: &'static str,
    pub status_held: &'static str,
    pub status_awaiting_callback: &'static str,
    pub status_resolved: &'static str,
    /// Before the legal due date: the last day the answer is due by law.
    pub legal_due: &'static str,
    /// Written in English (dates written out name their months so).
    pub english: bool,
}

impl TrackTexts {
    /// The citizen's name of case status `status` (never a code).
    pub fn status_name(&self, status: i32) -> &'static str {
        use tekmerkez_proto::case_v1::CaseStatus;
        match CaseStatus::try_from(status).unwrap_or_default() {
            CaseStatus::InPool => self.status_in_pool,
            CaseStatus::Held => self.status_held,
            CaseStatus::AwaitingCallback => self.status_awaiting_callback,
            CaseStatus::Resolved => self.status_resolved,
            CaseStatus::Unspecified => self.status_received,
        }
    }

    /// `iso` (`YYYY-MM-DD`) written out: "1 Nisan 2026"; `None` when it is
    /// not a date.
    pub fn long_date(&self, iso: &str) -> Option<String> {
        let d: jiff::civil::Date = iso.parse().ok()?;
        let month = tekmerkez_types::format::month_name(d.month(), self.english);
        (!month.is_empty()).then(|| format!("{} {month} {}", d.day(), d.year()))
    }
}

pub const TR: TrackTexts = TrackTexts {
    track_title: "Başvuru Takibi",
    track_intro: "Başvurunuzda size verilen takip numarasını ve başvuruda verdiğiniz telefon numarasının son dört hanesini giriniz.",
    phone_last4: "Telefon numaranızın son 4 hanesi",
    track_button: "Sorgula",
    track_again: "Başka bir başvuruyu sorgula",
    track_fill_both: "Takip numarasını ve telefonunuzun son 4 hanesini giriniz.",
    track_miss: "Bu bilgilerle eşleşen bir başvuru bulunamadı. Takip numarasını ve telefonunuzun son 4 hanesini kontrol ediniz.",
    merged_from: "{from} numaralı başvurunuz, aynı konudaki {to} numaralı başvurunuzla birleştirildi; yanıtınız bu başvuru üzerinden verilecek.",
    track_slow_down: "Çok fazla sorgu yapıldı; lütfen bir süre sonra yeniden deneyiniz.",
    track_locked: "Bu takip numarası için çok fazla hatalı sorgu yapıldığından sorgulama şimdilik kapatıldı; lütfen bir saat sonra yeniden deneyiniz. Başvurunuzun durumunu, size gönderilen SMS veya e-postadaki bağlantıdan telefon hanesi girmeden her zaman görebilirsiniz.",
    track_current: "Başvurunuzun durumu",
    track_timeline: "Geçmiş",
    new_application: "Yeni bir başvuru yapın",
    status_received: "Alındı",
    status_in_pool: "Alındı, ilgili birimde sırada",
    status_held: "Uzman tarafından inceleniyor",
    status_awaiting_callback: "Yanıtlandı, size dönüş yapılacak",
    status_resolved: "Sonuçlandı",
    legal_due: "Yasal cevap süresinin son günü",
    english: false,
};

pub const EN: TrackTexts = TrackTexts {
    track_title: "Track your application",
    track_intro: "Enter the tracking number you were given and the last four digits of the phone number you gave with your application.",
    phone_last4: "Last 4 digits of your phone number",
    track_button: "Look up",
    track_again: "Look up another application",
    track_fill_both: "Enter the tracking number and the last 4 digits of your phone.",
    track_miss: "No application matches these details. Check the tracking number and the last 4 digits of your phone.",
    merged_from: "Your application {from} was merged with your application {to} about the same matter; you will be answered through that one.",
    track_slow_down: "Too many lookups; please try again later.",
    track_locked: "Too many wrong lookups were made for this tracking number, so it cannot be looked up for now; please try again in an hour. The link in the SMS or e-mail you received always shows your application's status without the phone digits.",
    track_current: "Status of your application",
    track_timeline: "Timeline",
    new_application: "Make a new application",
    status_received: "Received",
    status_in_pool: "Received, queued at the responsible unit",
    status_held: "Being handled by an expert",
    status_awaiting_callback: "Answered, we will get back to you",
    status_resolved: "Resolved",
    legal_due: "Answer due by law by",
    english: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_written_out_in_each_language() {
        assert_eq!(TR.long_date("2026-04-01").as_deref(), Some("1 Nisan 2026"));
        assert_eq!(
            TR.long_date("2026-08-31").as_deref(),
            Some("31 Ağustos 2026")
        );
        assert_eq!(EN.long_date("2026-04-01").as_deref(), Some("1 April 2026"));
        assert_eq!(TR.long_date(""), None);
    }
}
