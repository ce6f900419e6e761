//! *Hazır Cevaplar*, *Bilgi Bankası* and the record page's ready-answer
//! picker and preview (`http::ready_answers`).

/// Every text of the ready answers, in one language.
#[derive(Debug)]
pub struct ReadyAnswerTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub kb_title: &'static str,
    pub kb_intro: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub no_results: &'static str,
    pub category: &'static str,
    pub general: &'static str,
    pub language: &'static str,
    pub turkish: &'static str,
    pub english: &'static str,
    pub answer_title: &'static str,
    pub body: &'static str,
    pub placeholders: &'static str,
    /// Each placeholder's code and its name in words.
    pub placeholder_words: &'static [(&'static str, &'static str)],
    pub save: &'static str,
    pub new_answer: &'static str,
    pub edit: &'static str,
    pub history: &'static str,
    pub version: &'static str,
    pub saved_by: &'static str,
    pub saved_at: &'static str,
    pub retire: &'static str,
    pub retired: &'static str,
    pub saved: &'static str,
    pub retired_done: &'static str,
    pub changed: &'static str,
    pub not_allowed: &'static str,
    pub unavailable: &'static str,
    /// A refused field, by its name.
    pub invalid: fn(&str) -> String,
    /// An unknown placeholder: the list of the known ones.
    pub unknown_placeholder: fn(&str) -> String,
    pub field_title: &'static str,
    pub field_body: &'static str,
    pub field_category: &'static str,
    pub field_language: &'static str,
    pub record_with: &'static str,
    pub back: &'static str,
    /// The record page.
    pub pick_label: &'static str,
    pub choose: &'static str,
    pub insert: &'static str,
    pub preview: &'static str,
    pub preview_title: &'static str,
    pub inserted: &'static str,
    pub nothing_written: &'static str,
    /// (segments, encoding name).
    pub sms_cost: fn(u32, &str) -> String,
    pub gsm7: &'static str,
    pub gsm7_tr: &'static str,
    pub ucs2: &'static str,
    pub subject: &'static str,
    pub sms: &'static str,
    pub email: &'static str,
    pub social: &'static str,
    /// The placeholders left, as written.
    pub unfilled: fn(&str) -> String,
    pub answer_needed: &'static str,
    pub needs_consent: &'static str,
    pub carries_answer: &'static str,
    pub answer_alone: &'static str,
}

impl ReadyAnswerTexts {
    /// The name of a field notify refused.
    pub fn field(&self, field: &str) -> &'static str {
        match field {
            "ready_answer.title" => self.field_title,
            "ready_answer.category" => self.field_category,
            "ready_answer.language" => self.field_language,
            _ => self.field_body,
        }
    }

    /// An SMS encoding's name.
    pub fn encoding(&self, code: &str) -> &'static str {
        match code {
            "gsm7" => self.gsm7,
            "gsm7_tr" => self.gsm7_tr,
            _ => self.ucs2,
        }
    }

    /// A language's name.
    pub fn language_name(&self, code: &str) -> &'static str {
        if code == "en" {
            self.english
        } else {
            self.turkish
        }
    }
}

pub const TR: ReadyAnswerTexts = ReadyAnswerTexts {
    title: "Hazır Cevaplar",
    intro: "Konuya göre hazır cevap metinleri. Uzmanlar yetkili açıklamasını bunlardan başlatır, çağrı merkezi bilgi bankası olarak arar. Her kayıt yeni bir sürüm oluşturur; geçmiş saklanır.",
    kb_title: "Bilgi Bankası",
    kb_intro: "Arayanın sorusunu yazın; hazır cevaplarda Türkçe harf ve ek farkı gözetmeden arar. Verdiğiniz bilgiyi «Bu bilgiyle kaydet» ile yalnızca bilgi verilen çağrı olarak kaydedin.",
    search_label: "Ara",
    search_button: "Ara",
    no_results: "Aramaya uyan hazır cevap yok.",
    category: "Konu",
    general: "Genel (tüm konular)",
    language: "Dil",
    turkish: "Türkçe",
    english: "İngilizce",
    answer_title: "Başlık",
    body: "Metin",
    placeholders: "Kullanılabilecek yer tutucular",
    placeholder_words: &[
        ("takip_no", "Takip numarası"),
        ("ad_soyad", "Başvuru sahibinin adı"),
        ("basvuru_tarihi", "Başvuru tarihi"),
        ("bugun", "Bugünün tarihi"),
    ],
    save: "Kaydet",
    new_answer: "Yeni hazır cevap",
    edit: "Düzenle",
    history: "Sürüm geçmişi",
    version: "Sürüm",
    saved_by: "Kaydeden",
    saved_at: "Tarih",
    retire: "Kullanımdan kaldır",
    retired: "Kullanımdan kaldırıldı",
    saved: "Hazır cevap kaydedildi.",
    retired_done: "Hazır cevap kullanımdan kaldırıldı.",
    changed: "Hazır cevap siz düzenlerken değiştirildi. Sayfayı yenileyip yeniden deneyin; yazdığınız aşağıda duruyor.",
    not_allowed: "Bu hazır cevabı düzenleme yetkiniz yok. Genel hazır cevapları yalnızca yöneticiler düzenler.",
    unavailable: "Hazır cevaplara şu anda ulaşılamıyor. Biraz sonra yeniden deneyin.",
    invalid: |f| format!("{f} geçersiz."),
    unknown_placeholder: |known| {
        format!("Metinde tanınmayan bir yer tutucu var. Kullanılabilenler: {known}")
    },
    field_title: "Başlık",
    field_body: "Metin",
    field_category: "Konu",
    field_language: "Dil",
    record_with: "Bu bilgiyle kaydet",
    back: "Hazır cevaplara dön",
    pick_label: "Hazır cevap",
    choose: "Hazır cevap seçin",
    insert: "Yerleştir",
    preview: "Önizle",
    preview_title: "Vatandaşa gidecek ileti",
    inserted: "Hazır cevap bu kayda göre dolduruldu. Düzenleyip önizleyebilirsiniz.",
    nothing_written: "Bu yanıt kanalında yetkili açıklaması yazılı ileti olarak gitmez (geri arama ya da mektup).",
    sms_cost: |n, enc| format!("{n} SMS ({enc})"),
    gsm7: "GSM 7 bit",
    gsm7_tr: "GSM 7 bit, Türkçe karakterli",
    ucs2: "UCS-2, Unicode",
    subject: "Konu",
    sms: "SMS",
    email: "E-posta",
    social: "Sosyal medya",
    unfilled: |list| format!("Metinde doldurulmamış yer tutucu var, olduğu gibi gider: {list}"),
    answer_needed: "Önizleme için yetkili açıklamasını yazın.",
    needs_consent: "KVKK onayı kayıtlıysa gönderilir",
    carries_answer: "yetkili açıklamasını taşır",
    answer_alone: "Yalnızca açıklama",
};

pub const EN: ReadyAnswerTexts = ReadyAnswerTexts {
    title: "Ready answers",
    intro: "Answer texts by subject. Experts start the official answer from them; the call centre searches them as a knowledge base. Every save makes a new version; the history is kept.",
    kb_title: "Knowledge base",
    kb_intro: "Type the caller's question; the search ignores Turkish letters and endings. Record the information you gave with “Record with this answer” as an information-only call.",
    search_label: "Search",
    search_button: "Search",
    no_results: "No ready answer matches.",
    category: "Subject",
    general: "General (every subject)",
    language: "Language",
    turkish: "Turkish",
    english: "English",
    answer_title: "Title",
    body: "Text",
    placeholders: "Placeholders you may use",
    placeholder_words: &[
        ("takip_no", "Tracking number"),
        ("ad_soyad", "Applicant's name"),
        ("basvuru_tarihi", "Date of application"),
        ("bugun", "Today's date"),
    ],
    save: "Save",
    new_answer: "New ready answer",
    edit: "Edit",
    history: "Version history",
    version: "Version",
    saved_by: "Saved by",
    saved_at: "Date",
    retire: "Retire",
    retired: "Retired",
    saved: "Ready answer saved.",
    retired_done: "Ready answer retired.",
    changed: "The ready answer changed while you were editing it. Reload the page and try again; what you typed is below.",
    not_allowed: "You may not edit this ready answer. Only admins edit general ready answers.",
    unavailable: "Ready answers cannot be reached right now. Try again shortly.",
    invalid: |f| format!("{f} is not valid."),
    unknown_placeholder: |known| {
        format!("The text has a placeholder that is not known. You may use: {known}")
    },
    field_title: "Title",
    field_body: "Text",
    field_category: "Subject",
    field_language: "Language",
    record_with: "Record with this answer",
    back: "Back to ready answers",
    pick_label: "Ready answer",
    choose: "Choose a ready answer",
    insert: "Insert",
    preview: "Preview",
    preview_title: "What the citizen receives",
    inserted: "The ready answer was filled for this record. Edit it and preview.",
    nothing_written: "On this reply channel the official answer is not sent in writing (callback or letter).",
    sms_cost: |n, enc| format!("{n} SMS ({enc})"),
    gsm7: "GSM 7-bit",
    gsm7_tr: "GSM 7-bit with Turkish letters",
    ucs2: "UCS-2, Unicode",
    subject: "Subject",
    sms: "SMS",
    email: "E-mail",
    social: "Social media",
    unfilled: |list| format!("The text has placeholders left; they go as written: {list}"),
    answer_needed: "Type the official answer to preview it.",
    needs_consent: "sent if KVKK consent is on record",
    carries_answer: "carries the official answer",
    answer_alone: "The answer alone",
};
