//! The classification's words: application types and sources (by their
//! codes, never shown raw), the record page's classification box and its
//! *Türü Değiştir* action, the close form's reason, the list's partner
//! reference search, and the *Kapanış Nedenleri* admin page.

use tekmerkez_proto::common_v1 as common;

/// Every classification text, in one language.
#[derive(Debug)]
pub struct ClassifyTexts {
    /// Application types, in `ApplicationType` order (talep … teşekkür).
    pub types: [&'static str; 6],
    /// Sources, in `ApplicationSource` order (direct … another body).
    pub sources: [&'static str; 4],
    /// The record's labels.
    pub type_label: &'static str,
    pub source_label: &'static str,
    pub partner_label: &'static str,
    /// Between the partner's source and its reference ("CİMER — başvuru no. …").
    pub partner_reference_prefix: &'static str,
    pub closure_reason_label: &'static str,
    /// The type-change form.
    pub change_type: &'static str,
    pub change_type_hint: &'static str,
    pub type_changed: &'static str,
    pub type_unchanged: &'static str,
    /// The task step.
    pub step_type_changed: &'static str,
    /// The close form's select.
    pub choose_reason: &'static str,
    pub reason_required: &'static str,
    pub reason_unknown: &'static str,
    /// The list filter.
    pub partner_reference_filter: &'static str,
    /// A routing rule that gives no type.
    pub rule_type_keep: &'static str,
    /// A form's type select: the prompt, and that one must be chosen.
    pub choose_type: &'static str,
    pub type_required: &'static str,
    /// *Kapanış Nedenleri*.
    pub admin_title: &'static str,
    pub admin_intro: &'static str,
    pub code: &'static str,
    pub label_tr: &'static str,
    pub label_en: &'static str,
    pub position: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub save: &'static str,
    pub add: &'static str,
    pub add_title: &'static str,
    pub saved: &'static str,
    pub added: &'static str,
    pub changed_by: &'static str,
    pub code_invalid: &'static str,
    pub code_taken: &'static str,
    pub label_invalid: &'static str,
    pub position_invalid: &'static str,
    /// A reason changed by someone else while the admin edited it: by the
    /// field, and on top with its current names (Turkish, English); what
    /// the admin typed stays, and saving again saves it.
    pub stale: &'static str,
    pub stale_now: fn(&str, &str) -> String,
    pub deactivate_hint: &'static str,
}

impl ClassifyTexts {
    /// The label of a type number (empty for unspecified or unknown).
    pub fn type_name(&self, n: i32) -> &'static str {
        usize::try_from(n)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.types.get(i))
            .copied()
            .unwrap_or("")
    }

    /// The label of a source number (direct for unspecified).
    pub fn source_name(&self, n: i32) -> &'static str {
        let i = match common::ApplicationSource::try_from(n) {
            Ok(common::ApplicationSource::Cimer) => 1,
            Ok(common::ApplicationSource::AcikKapi) => 2,
            Ok(common::ApplicationSource::OtherBody) => 3,
            _ => 0,
        };
        self.sources[i]
    }
}

pub const TR: ClassifyTexts = ClassifyTexts {
    types: [
        "Talep",
        "Şikâyet",
        "Öneri",
        "İhbar",
        "Bilgi edinme",
        "Teşekkür",
    ],
    sources: ["Doğrudan", "CİMER", "Açık Kapı", "Başka kurum"],
    type_label: "Başvuru türü",
    source_label: "Kaynak",
    partner_label: "Gönderen kurum",
    partner_reference_prefix: "başvuru no.",
    closure_reason_label: "Kapanış nedeni",
    change_type: "Türü değiştir",
    change_type_hint: "Başvurunun türünü düzeltin; değişiklik görev adımlarına yazılır.",
    type_changed: "Başvuru türü değiştirildi.",
    type_unchanged: "Kayıt zaten bu türde.",
    step_type_changed: "Başvuru türü değiştirildi",
    choose_reason: "Kapanış nedeni seçin",
    reason_required: "Kapatmak için bir kapanış nedeni seçin.",
    reason_unknown: "Bu kapanış nedeni artık kullanılmıyor; başka bir neden seçin.",
    partner_reference_filter: "Kurum başvuru no.",
    rule_type_keep: "Kanalın seçtiği (yoksa talep)",
    choose_type: "Başvuru türünü seçin",
    type_required: "Başvuru türünü seçin.",
    admin_title: "Kapanış Nedenleri",
    admin_intro: "Kayıt kapatılırken seçilen nedenler. Pasif bir neden yeni kapanışlarda \
        seçilemez; onunla kapanmış kayıtlar etkilenmez.",
    code: "Kod",
    label_tr: "Türkçe ad",
    label_en: "İngilizce ad",
    position: "Sıra",
    active: "Etkin",
    inactive: "Pasif",
    save: "Kaydet",
    add: "Ekle",
    add_title: "Yeni kapanış nedeni",
    saved: "Kapanış nedeni kaydedildi.",
    added: "Kapanış nedeni eklendi.",
    changed_by: "Son değiştiren",
    code_invalid: "Kod 1–64 küçük harf (a–z), rakam ve _ olmalıdır.",
    code_taken: "Bu kod zaten var.",
    label_invalid: "Ad boş olamaz ve en çok 100 karakter olabilir.",
    position_invalid: "Sıra 0 ile 9999 arasında bir sayı olmalıdır.",
    stale: "Bu neden siz düzenlerken değişti.",
    stale_now: |tr, en| {
        format!(
            "Bu neden siz düzenlerken değişti; şimdiki adı “{tr}” ({en}). Yazdıklarınız duruyor: kontrol edip yeniden kaydederseniz onlar geçerli olur."
        )
    },
    deactivate_hint: "Pasif yapmak, kapanmış kayıtları değiştirmez.",
};

pub const EN: ClassifyTexts = ClassifyTexts {
    types: [
        "Request",
        "Complaint",
        "Suggestion",
        "Report of wrongdoing",
        "Information request (Law 4982)",
        "Thanks",
    ],
    sources: ["Direct", "CİMER", "Açık Kapı", "Another body"],
    type_label: "Application type",
    source_label: "Source",
    partner_label: "Sent by",
    partner_reference_prefix: "application no.",
    closure_reason_label: "Closure reason",
    change_type: "Change type",
    change_type_hint: "Correct the application's type; the change is written to the task steps.",
    type_changed: "The application type was changed.",
    type_unchanged: "The record already has this type.",
    step_type_changed: "Application type changed",
    choose_reason: "Choose a closure reason",
    reason_required: "Choose a closure reason to close the record.",
    reason_unknown: "This closure reason is no longer in use; choose another.",
    partner_reference_filter: "Partner application no.",
    rule_type_keep: "The channel's choice (else request)",
    choose_type: "Choose the application type",
    type_required: "Choose the application type.",
    admin_title: "Closure Reasons",
    admin_intro: "The reasons chosen when a record is closed. An inactive reason cannot be \
        chosen for new closes; records closed with it are not affected.",
    code: "Code",
    label_tr: "Turkish name",
    label_en: "English name",
    position: "Order",
    active: "Active",
    inactive: "Inactive",
    save: "Save",
    add: "Add",
    add_title: "New closure reason",
    saved: "The closure reason was saved.",
    added: "The closure reason was added.",
    changed_by: "Last changed by",
    code_invalid: "The code must be 1–64 lower-case letters (a–z), digits and _.",
    code_taken: "This code already exists.",
    label_invalid: "The name must not be empty and may have at most 100 characters.",
    position_invalid: "The order must be a number from 0 to 9999.",
    stale: "This reason changed while you were editing it.",
    stale_now: |tr, en| {
        format!(
            "This reason changed while you were editing it; it now reads “{en}” ({tr}). What you typed is kept: check it and save again to make it count."
        )
    },
    deactivate_hint: "Making it inactive does not change closed records.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_and_source_has_a_label_in_both_languages_and_codes_are_never_shown() {
        for (n, code) in [(1, "talep"), (5, "bilgi_edinme"), (6, "tesekkur")] {
            assert!(!TR.type_name(n).is_empty());
            assert_ne!(TR.type_name(n), code);
            assert_ne!(EN.type_name(n), code);
        }
        assert_eq!(TR.type_name(5), "Bilgi edinme");
        assert_eq!(TR.type_name(0), "");
        assert_eq!(TR.type_name(99), "");
        assert_eq!(
            TR.source_name(common::ApplicationSource::Cimer as i32),
            "CİMER"
        );
        assert_eq!(TR.source_name(0), "Doğrudan");
    }
}
