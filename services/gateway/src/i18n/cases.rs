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
    /// The expert pool's filter box.
    pub filters: &'static str,
    pub min_days: &'static str,
    pub apply: &'static str,
    pub clear: &'static str,
    /// The callback screen's list of the records the agent holds.
    pub my_callbacks: &'static str,
    pub phone: &'static str,
    pub call_again_at: &'static str,
    pub attempts: &'static str,
    /// The callback pool shows the number masked until a record is taken.
    pub phone_after_claim: &'static str,
    /// The note rule's column on *Üzerimdeki Çağrılar* (each row names its
    /// case's rule: the deadline policy sets the days).
    pub note_rule: &'static str,
    /// *Ulaşılamayanlar*: what did not reach the citizen, and what to do.
    pub not_reached_what: &'static str,
    pub not_reached_hint: &'static str,
    pub not_reached_done: &'static str,
}

pub const TR: CasesTexts = CasesTexts {
    list_reset: "Liste yeniden başlatıldı; lütfen ilk sayfadan devam ediniz.",
    days_held: "Üzerimde (gün)",
    claimed: "Seçtiğiniz kayıtlar üzerinize alındı.",
    claim_conflict: "Seçtiğiniz kayıtlardan en az biri başka bir uzman tarafından alınmış; hiçbiri üzerinize alınmadı. Liste yenilendi.",
    nothing_selected: "Üzerinize almak için en az bir kayıt seçiniz.",
    claim_selected: "Seçilenleri Üzerime Al",
    callback_resolved: "Geri dönüş sonucu kaydedildi; kayıt sonuçlandırıldı.",
    filters: "Süzgeçler",
    min_days: "Havuzda en az (gün)",
    apply: "Uygula",
    clear: "Temizle",
    my_callbacks: "Üzerimdeki geri dönüşler",
    phone: "Telefon",
    call_again_at: "Yeniden arama",
    attempts: "Deneme",
    phone_after_claim: "Numara, kaydı üzerinize aldığınızda aranabilir olarak görünür.",
    note_rule: "Not kuralı",
    not_reached_what: "Ulaşmayan ileti",
    not_reached_hint: "Yanıtı vatandaşa ulaşmayan kayıtlar. Kaydı açın; arayın, başka bir kanaldan yazın ya da mektupla gönderin ve ne yaptığınızı kaydedin.",
    not_reached_done: "Kaydedildi; kayıt Ulaşılamayanlar listesinden çıktı.",
};

pub const EN: CasesTexts = CasesTexts {
    list_reset: "The list was restarted; continue from the first page.",
    days_held: "Days held",
    claimed: "The selected records are now yours.",
    claim_conflict: "At least one of the selected records was taken by another expert; none was claimed. The list is up to date again.",
    nothing_selected: "Select at least one record to claim.",
    claim_selected: "Claim selected",
    callback_resolved: "The callback outcome was saved; the record is resolved.",
    filters: "Filters",
    min_days: "At least days in pool",
    apply: "Apply",
    clear: "Clear",
    my_callbacks: "My callbacks",
    phone: "Phone",
    call_again_at: "Call again at",
    attempts: "Tries",
    phone_after_claim: "The number becomes callable once you take the record.",
    note_rule: "Note rule",
    not_reached_what: "Message not delivered",
    not_reached_hint: "Records whose answer did not reach the citizen. Open one; call, write on another channel or send it by post, and record what you did.",
    not_reached_done: "Saved; the record has left the list of citizens not reached.",
};
