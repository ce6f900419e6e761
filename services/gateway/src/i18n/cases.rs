//! The expert's and callback agent's lists (`http::cases`).

/// Every text of the lists, in one language.
#[derive(Debug)]
pub struct CasesTexts {
    pub list_reset: &'static str,
    pub days_held: &'static str,
    pub claimed: &'static str,
    pub claim_conflict: &'static str,
    pub nothing_selected: &'static str,
    pub claim_selected: &'static str,
    pub callback_resolved: &'static str,
}

pub const TR: CasesTexts = CasesTexts {
    list_reset: "Liste yeniden başlatıldı; lütfen ilk sayfadan devam ediniz.",
    days_held: "Üzerimde (gün)",
    claimed: "Seçtiğiniz kayıtlar üzerinize alındı.",
    claim_conflict: "Seçtiğiniz kayıtlardan en az biri başka bir uzman tarafından alınmış; hiçbiri üzerinize alınmadı. Liste yenilendi.",
    nothing_selected: "Üzerinize almak için en az bir kayıt seçiniz.",
    claim_selected: "Seçilenleri Üzerime Al",
    callback_resolved: "Geri dönüş sonucu kaydedildi; kayıt sonuçlandırıldı.",
};

pub const EN: CasesTexts = CasesTexts {
    list_reset: "The list was restarted; continue from the first page.",
    days_held: "Days held",
    claimed: "The selected records are now yours.",
    claim_conflict: "At least one of the selected records was taken by another expert; none was claimed. The list is up to date again.",
    nothing_selected: "Select at least one record to claim.",
    claim_selected: "Claim selected",
    callback_resolved: "The callback outcome was saved; the record is resolved.",
};
