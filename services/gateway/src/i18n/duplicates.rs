//! The record page's *Olası Yinelenenler*: the same citizen's repeats to
//! merge, and other citizens' reports of the same place to gather into an
//! incident.

/// Every text of the section, in one language.
#[derive(Debug)]
pub struct DuplicateTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    pub unavailable: &'static str,
    pub kind: &'static str,
    pub same_citizen: &'static str,
    pub same_place: &'static str,
    pub score: &'static str,
    /// "%{n} benzer metin".
    pub text_likeness: &'static str,
    /// "{n} m uzakta".
    pub distance: &'static str,
    pub text: &'static str,
    pub hidden_text: &'static str,
    /// In the incident "OLY-000012".
    pub in_incident: &'static str,
    /// "Bu kaydı {no} kaydına birleştir".
    pub merge_this: &'static str,
    /// "{no} kaydını bu kayda birleştir".
    pub merge_that: &'static str,
    pub merge_hint: &'static str,
    pub dismiss: &'static str,
    pub not_mergeable: &'static str,
    /// "{no} bu kayda birleştirildi: ...".
    pub merged: &'static str,
    pub dismissed: &'static str,
    /// On a merged record: "Bu kayıt {no} kaydına birleştirildi".
    pub merged_banner: &'static str,
    pub refused_other_citizen: &'static str,
    pub refused_answered: &'static str,
    pub refused_incident: &'static str,
    pub refused_merged: &'static str,
    /// History steps.
    pub step_merged_into: &'static str,
    pub step_duplicate_merged: &'static str,
}

pub const TR: DuplicateTexts = DuplicateTexts {
    title: "Olası Yinelenenler",
    intro: "Aynı vatandaşın aynı konudaki başvuruları birleştirilebilir; başka vatandaşların aynı yerdeki bildirimleri birleştirilmez, bir olaya bağlanır.",
    none: "Bu kaydı yineleyen bir başvuru görünmüyor.",
    unavailable: "Olası yinelenenler şu an getirilemedi.",
    kind: "Neden",
    same_citizen: "Aynı vatandaş, aynı konu",
    same_place: "Aynı yer, aynı konu (başka vatandaş)",
    score: "Benzerlik",
    text_likeness: "metin %{n} benzer",
    distance: "{n} m uzakta",
    text: "Metin",
    hidden_text: "Başka vatandaşın metni gösterilmez.",
    in_incident: "Olaya bağlı:",
    merge_this: "Bu kaydı {no} kaydına birleştir",
    merge_that: "{no} kaydını bu kayda birleştir",
    merge_hint: "Yeni kayıt yanıtsız kapanır; metni ve ekleri eski kayda eklenir, iki takip numarası da eski kaydın yanıtını gösterir.",
    dismiss: "Yinelenen değil",
    not_mergeable: "Birleştirilemez (yanıtlanmış, olaya bağlı ya da yetkiniz yok).",
    merged: "{no} numaralı kayıt bu kayda birleştirildi: metni vatandaşın mesajı olarak eklendi, vatandaşa tek yanıt verilecek.",
    dismissed: "Öneri kaldırıldı: bu iki kayıt bir daha yinelenen olarak önerilmeyecek.",
    merged_banner: "Bu kayıt yinelenen olarak şu kayda birleştirildi:",
    refused_other_citizen: "Birleştirilmedi: kayıtlar aynı vatandaşın değil. Aynı yerdeki bildirimleri bir olaya bağlayın.",
    refused_answered: "Birleştirilmedi: kayıtlardan biri yanıtlanmış.",
    refused_incident: "Birleştirilmedi: kayıtlardan biri bir olaya bağlı.",
    refused_merged: "Birleştirilmedi: o kayıt da başka bir kayda birleştirilmiş.",
    step_merged_into: "Yinelenen olarak birleştirildi",
    step_duplicate_merged: "Yinelenen kayıt birleştirildi",
};

pub const EN: DuplicateTexts = DuplicateTexts {
    title: "Possible duplicates",
    intro: "The same citizen's records about one thing can be merged; other citizens' reports of the same place are never merged but linked to an incident.",
    none: "No record seems to repeat this one.",
    unavailable: "Possible duplicates could not be fetched just now.",
    kind: "Why",
    same_citizen: "Same citizen, same subject",
    same_place: "Same place, same subject (another citizen)",
    score: "Likeness",
    text_likeness: "text {n}% alike",
    distance: "{n} m away",
    text: "Text",
    hidden_text: "Another citizen's text is not shown.",
    in_incident: "In incident:",
    merge_this: "Merge this record into {no}",
    merge_that: "Merge {no} into this record",
    merge_hint: "The newer record closes without an answer of its own; its text and files join the older one, and both tracking numbers show the older one's answer.",
    dismiss: "Not a duplicate",
    not_mergeable: "Cannot be merged (answered, in an incident, or not yours to act on).",
    merged: "Record {no} was merged into this one: its text was added as the citizen's message; the citizen gets one answer.",
    dismissed: "Suggestion removed: these two records will not be suggested as duplicates again.",
    merged_banner: "This record was merged as a duplicate into:",
    refused_other_citizen: "Not merged: the records are not the same citizen's. Link reports of one place to an incident.",
    refused_answered: "Not merged: one of the records has been answered.",
    refused_incident: "Not merged: one of the records is linked to an incident.",
    refused_merged: "Not merged: that record was itself merged into another one.",
    step_merged_into: "Merged as a duplicate",
    step_duplicate_merged: "Duplicate merged in",
};
