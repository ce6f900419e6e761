//! *Kaydı Aktar* (`http::transfer`): the transfer page, and the words of
//! the corrections it records as task steps on the record page.

use tekmerkez_types::limits;

use super::Formatted;

/// Every text of the transfer page, in one language.
#[derive(Debug)]
pub struct TransferTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub back_to_record: &'static str,
    pub current_pool: &'static str,
    pub target: &'static str,
    pub choose_target: &'static str,
    pub reason: Formatted,
    pub corrections: &'static str,
    pub corrections_hint: &'static str,
    pub province: &'static str,
    pub district: &'static str,
    pub district_hint: &'static str,
    pub category: &'static str,
    /// The first option of a correction's select: keep what the record has.
    pub keep: &'static str,
    pub submit: &'static str,
    pub check_fields: &'static str,
    pub target_needed: &'static str,
    pub target_same: &'static str,
    pub reason_needed: Formatted,
    pub district_invalid: &'static str,
    pub province_invalid: &'static str,
    pub category_invalid: &'static str,
    pub record_changed: &'static str,
    /// Task steps on the record page.
    pub step_province_corrected: &'static str,
    pub step_district_corrected: &'static str,
    pub step_category_corrected: &'static str,
    /// A corrected district that was empty, or cleared.
    pub none: &'static str,
}

pub const TR: TransferTexts = TransferTexts {
    title: "Kaydı Aktar",
    intro: "Kaydı kurumun herhangi bir havuzuna aktarabilir, yanlış girilmiş il, ilçe ve kategoriyi aktarırken düzeltebilirsiniz. Her düzeltme görev adımı olarak kaydedilir.",
    back_to_record: "Kayda dön",
    current_pool: "Şu anki havuz",
    target: "Hedef havuz (il, müdürlük, birim)",
    choose_target: "Aktarılacak havuzu seçiniz",
    reason: Formatted(|f| write!(f, "Aktarma gerekçesi (en çok {} karakter)", limits::REASON)),
    corrections: "Düzeltmeler",
    corrections_hint: "Yalnızca yanlış olanı değiştiriniz; boş bırakılan alan kayıttaki gibi kalır.",
    province: "İl",
    district: "İlçe",
    district_hint: "İl değişirse ilçe de yeni ilden seçilmelidir; boş bırakılırsa ilçe silinir.",
    category: "Kategori",
    keep: "Değiştirme",
    submit: "Aktar",
    check_fields: "Lütfen işaretli alanları düzeltiniz.",
    target_needed: "Aktarılacak havuzu seçiniz.",
    target_same: "Kayıt zaten bu havuzda; başka bir havuz seçiniz.",
    reason_needed: Formatted(|f| {
        write!(
            f,
            "Aktarma gerekçesini yazınız; en çok {} karakter olabilir.",
            limits::REASON
        )
    }),
    district_invalid: "Bu ilçe seçilen ilde yok; ilin ilçelerinden birini yazınız.",
    province_invalid: "Listeden bir il seçiniz.",
    category_invalid: "Listeden bir kategori seçiniz.",
    record_changed: "Kayıt siz bakarken değişti; seçimleriniz duruyor, kontrol edip yeniden gönderiniz.",
    step_province_corrected: "İl düzeltildi",
    step_district_corrected: "İlçe düzeltildi",
    step_category_corrected: "Kategori düzeltildi",
    none: "(yok)",
};

pub const EN: TransferTexts = TransferTexts {
    title: "Transfer the record",
    intro: "You may transfer the record to any pool of the institution, and correct a wrongly recorded province, district and category on the way. Each correction is recorded as a task step.",
    back_to_record: "Back to the record",
    current_pool: "Current pool",
    target: "Target pool (province, directorate, unit)",
    choose_target: "Choose the pool to transfer to",
    reason: Formatted(|f| {
        write!(
            f,
            "Reason for the transfer (at most {} characters)",
            limits::REASON
        )
    }),
    corrections: "Corrections",
    corrections_hint: "Change only what is wrong; a field left empty stays as recorded.",
    province: "Province",
    district: "District",
    district_hint: "When the province changes, choose a district of the new province; left empty, the district is cleared.",
    category: "Category",
    keep: "Keep",
    submit: "Transfer",
    check_fields: "Please correct the marked fields.",
    target_needed: "Choose the pool to transfer to.",
    target_same: "The record is already in this pool; choose another.",
    reason_needed: Formatted(|f| {
        write!(
            f,
            "Write the reason for the transfer; it may have at most {} characters.",
            limits::REASON
        )
    }),
    district_invalid: "This district is not in the chosen province; type one of its districts.",
    province_invalid: "Choose a province from the list.",
    category_invalid: "Choose a category from the list.",
    record_changed: "The record changed while you were looking at it; your choices are kept: check them and send again.",
    step_province_corrected: "Province corrected",
    step_district_corrected: "District corrected",
    step_category_corrected: "Category corrected",
    none: "(none)",
};
