//! The record page (`http::record`): the application, notes, the answer,
//! transfer, callback outcome and the task steps.

use tekmerkez_types::limits;

use super::Formatted;

/// Every text of the record page, in one language.
#[derive(Debug)]
pub struct RecordTexts {
    pub record: &'static str,
    pub record_not_found: &'static str,
    pub applicant: &'static str,
    pub contact_hidden: &'static str,
    pub application_text: &'static str,
    pub notes: &'static str,
    pub no_notes: &'static str,
    pub new_note: &'static str,
    pub add_note: &'static str,
    pub official_answer: &'static str,
    pub show_steps: &'static str,
    pub note_rule_warning: &'static str,
    pub note_added: &'static str,
    pub record_closed: &'static str,
    pub record_changed: &'static str,
    pub note_rule_blocks: &'static str,
    /// A note, answer or call note empty or over [`limits::NOTE`].
    pub text_invalid: Formatted,
    /// A transfer without a reason, or with one over [`limits::REASON`].
    pub transfer_reason_invalid: Formatted,
    pub step_opened: &'static str,
    pub step_claimed: &'static str,
    pub step_assigned: &'static str,
    pub step_transferred: &'static str,
    pub step_note: &'static str,
    pub step_closed: &'static str,
    pub step_callback_claimed: &'static str,
    pub step_callback_recorded: &'static str,
    pub step_resolved: &'static str,
    pub step_reopened: &'static str,
    /// Task step: the citizen wrote again (a reply, a later message).
    pub step_citizen_message: &'static str,
    /// The label of a note that is the citizen's own message.
    pub citizen_note: &'static str,
    pub choose_target_pool: &'static str,
    pub choose_outcome: &'static str,
    pub retry_time_needed: &'static str,
    pub callback_saved: &'static str,
    pub transfer: &'static str,
    pub transfer_target: &'static str,
    pub transfer_reason: &'static str,
    pub reply_channel: &'static str,
    pub callback_outcome: &'static str,
    pub outcome_reached: &'static str,
    pub outcome_not_reached: &'static str,
    pub outcome_unreachable: &'static str,
    pub retry_at: &'static str,
    pub callback_note: &'static str,
    pub callback_attempts: &'static str,
    pub save_outcome: &'static str,
    pub attachments: &'static str,
    /// `tekmerkez.common.v1.ReplyChannel` by number (the last, no contact
    /// detail, is only shown: staff entry never offers it).
    pub reply_channel_names: [&'static str; 6],
    /// The delivery log: messages to the citizen.
    pub delivery: DeliveryTexts,
}

pub const TR: RecordTexts = RecordTexts {
    record: "Kayıt",
    record_not_found: "Kayıt bulunamadı.",
    applicant: "Başvuru sahibi",
    contact_hidden: "(iletişim bilgileri gizli)",
    application_text: "Başvuru metni",
    notes: "Notlar",
    no_notes: "Henüz not yok.",
    new_note: "Yeni not",
    add_note: "Not Ekle",
    official_answer: "Yetkili Açıklaması",
    show_steps: "İşlem Detaylarını Göster",
    note_rule_warning: "Bu kayıt 3 günden uzun süredir havuzda: kaydetmeden önce bir not eklemelisiniz.",
    note_added: "Not eklendi.",
    record_closed: "Yetkili açıklaması kaydedildi; kayıt kapatıldı.",
    record_changed: "Kayıt siz bakarken değişti ya da form iki kez gönderildi; hiçbir şey iki kez yazılmadı. Sayfa yenilendi.",
    note_rule_blocks: "Kaydedilemedi: 3 gün kuralı gereği önce bir not eklemelisiniz.",
    text_invalid: Formatted(|f| {
        write!(
            f,
            "Metin boş olamaz ve en çok {} karakter olabilir.",
            limits::NOTE
        )
    }),
    transfer_reason_invalid: Formatted(|f| {
        write!(
            f,
            "Aktarma gerekçesi yazılmalı; en çok {} karakter olabilir.",
            limits::REASON
        )
    }),
    step_opened: "Başvuru açıldı",
    step_claimed: "Uzman üzerine aldı",
    step_assigned: "Uzmana atandı",
    step_transferred: "Başka havuza aktarıldı",
    step_note: "Not eklendi",
    step_closed: "Uzman kapattı",
    step_callback_claimed: "Geri dönüş temsilcisi aldı",
    step_callback_recorded: "Geri dönüş sonucu kaydedildi",
    step_resolved: "Sonuçlandı",
    step_reopened: "Yeniden açıldı",
    step_citizen_message: "Vatandaştan yeni ileti",
    citizen_note: "Vatandaşın iletisi",
    choose_target_pool: "Aktarılacak havuzu seçiniz.",
    choose_outcome: "Görüşmenin sonucunu seçiniz.",
    retry_time_needed: "“Ulaşılamadı” için yeniden aranacağı ileri bir tarih ve saat giriniz.",
    callback_saved: "Geri dönüş sonucu kaydedildi.",
    transfer: "Başka Havuza Aktar",
    transfer_target: "Hedef havuz",
    transfer_reason: "Aktarma gerekçesi",
    reply_channel: "Yanıt kanalı",
    callback_outcome: "Geri Dönüş Sonucu",
    outcome_reached: "Ulaşıldı, bilgi verildi (saha çalışması teyit edildi)",
    outcome_not_reached: "Ulaşılamadı, yeniden aranacak",
    outcome_unreachable: "Ulaşılması mümkün değil (yanlış numara, tekrarlanan başarısız aramalar)",
    retry_at: "Yeniden arama zamanı",
    callback_note: "Görüşme notu",
    callback_attempts: "Geri dönüş denemesi",
    save_outcome: "Sonucu Kaydet",
    attachments: "Ekler",
    reply_channel_names: [
        "",
        "SMS",
        "Telefonla geri dönüş",
        "E-posta",
        "Mektup",
        "Yanıt gönderilemez (iletişim bilgisi yok)",
    ],
    delivery: DELIVERY_TR,
};

pub const EN: RecordTexts = RecordTexts {
    record: "Record",
    record_not_found: "Record not found.",
    applicant: "Applicant",
    contact_hidden: "(contact details hidden)",
    application_text: "Application text",
    notes: "Notes",
    no_notes: "No notes yet.",
    new_note: "New note",
    add_note: "Add note",
    official_answer: "Official answer",
    show_steps: "Show task steps",
    note_rule_warning: "This record has been in its pool for more than 3 days: add a note before saving.",
    note_added: "Note added.",
    record_closed: "The official answer was saved; the record is closed.",
    record_changed: "The record changed while you were looking at it, or the form was sent twice; nothing was written twice. The page is up to date again.",
    note_rule_blocks: "Not saved: under the 3-day rule you must add a note first.",
    text_invalid: Formatted(|f| {
        write!(
            f,
            "The text must not be empty and may have at most {} characters.",
            limits::NOTE
        )
    }),
    transfer_reason_invalid: Formatted(|f| {
        write!(
            f,
            "Write the reason for the transfer; it may have at most {} characters.",
            limits::REASON
        )
    }),
    step_opened: "Application opened",
    step_claimed: "Claimed by an expert",
    step_assigned: "Assigned to an expert",
    step_transferred: "Transferred to another pool",
    step_note: "Note added",
    step_closed: "Closed by the expert",
    step_callback_claimed: "Taken by a callback agent",
    step_callback_recorded: "Callback outcome recorded",
    step_resolved: "Resolved",
    step_reopened: "Reopened",
    step_citizen_message: "New message from the citizen",
    citizen_note: "The citizen's message",
    choose_target_pool: "Choose the pool to transfer to.",
    choose_outcome: "Choose the outcome of the call.",
    retry_time_needed: "For “not reached”, enter a future date and time to call again.",
    callback_saved: "The callback outcome was saved.",
    transfer: "Transfer to another pool",
    transfer_target: "Target pool",
    transfer_reason: "Reason for the transfer",
    reply_channel: "Reply channel",
    callback_outcome: "Callback outcome",
    outcome_reached: "Reached and informed (field work confirmed)",
    outcome_not_reached: "Not reached, call again",
    outcome_unreachable: "Cannot be reached (wrong number, repeated failures)",
    retry_at: "Call again at",
    callback_note: "Call note",
    callback_attempts: "Callback attempts",
    save_outcome: "Save outcome",
    attachments: "Attachments",
    reply_channel_names: [
        "",
        "SMS",
        "Phone callback",
        "E-mail",
        "Letter",
        "No reply possible (no contact details)",
    ],
    delivery: DELIVERY_EN,
};

/// What the record page says about messages to the citizen. Notify records
/// a message's kind (its rule) and a failure's reason as codes; an agent
/// reads words. A code without words here (a rule an admin added, a
/// provider's new error) is shown as it is, so nothing is hidden.
#[derive(Debug)]
pub struct DeliveryTexts {
    pub title: &'static str,
    pub none: &'static str,
    pub unavailable: &'static str,
    /// After the number of SMS parts.
    pub segments: &'static str,
    /// States of a message.
    pub waiting_for_quiet_hours: &'static str,
    pub pending: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    pub delivered: &'static str,
    /// Too late to be worth sending: held back on purpose, not a fault.
    pub not_sent: &'static str,
    pub failed: &'static str,
    /// Kinds: the rule that sent it.
    pub kind_basvuru_alindi: &'static str,
    pub kind_bilgi_verildi: &'static str,
    pub kind_yanit_eposta: &'static str,
    pub kind_yanit_sms: &'static str,
    pub kind_sonuclandi: &'static str,
    /// Reasons a message was not sent or not delivered.
    pub reason_stale_event: &'static str,
    pub reason_template_missing: &'static str,
    pub reason_unknown_case: &'static str,
    pub reason_no_provider: &'static str,
    pub reason_rejected_number: &'static str,
    pub reason_blacklisted_number: &'static str,
    pub reason_iys_rejected: &'static str,
    pub reason_provider_no_credit: &'static str,
    pub reason_expired: &'static str,
    pub reason_not_sent_to_operator: &'static str,
    pub reason_rejected_by_operator: &'static str,
    pub reason_delivery_error: &'static str,
    pub reason_duplicate: &'static str,
}

impl DeliveryTexts {
    /// The words for the rule `code` that sent a message, if it has any.
    pub fn kind(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "basvuru_alindi" => self.kind_basvuru_alindi,
            "bilgi_verildi" => self.kind_bilgi_verildi,
            "yanit_eposta" => self.kind_yanit_eposta,
            "yanit_sms" => self.kind_yanit_sms,
            "sonuclandi" => self.kind_sonuclandi,
            _ => return None,
        })
    }

    /// The words for a failure's reason `code`, if it has any.
    pub fn reason(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "stale_event" => self.reason_stale_event,
            "template_missing" => self.reason_template_missing,
            "unknown_case" => self.reason_unknown_case,
            "no_provider" => self.reason_no_provider,
            "rejected_number" => self.reason_rejected_number,
            "blacklisted_number" => self.reason_blacklisted_number,
            "iys_rejected" => self.reason_iys_rejected,
            "provider_no_credit" => self.reason_provider_no_credit,
            "expired" => self.reason_expired,
            "not_sent_to_operator" => self.reason_not_sent_to_operator,
            "rejected_by_operator" => self.reason_rejected_by_operator,
            "delivery_error" => self.reason_delivery_error,
            "duplicate" => self.reason_duplicate,
            _ => return None,
        })
    }
}

const DELIVERY_TR: DeliveryTexts = DeliveryTexts {
    title: "Vatandaşa Bildirimler",
    none: "Vatandaşa henüz bildirim gönderilmedi.",
    unavailable: "Bildirim servisi yanıt vermedi.",
    segments: "parça",
    waiting_for_quiet_hours: "sessiz saatlerin bitmesini bekliyor",
    pending: "gönderilecek",
    sending: "gönderiliyor",
    sent: "gönderildi",
    delivered: "iletildi",
    not_sent: "gönderilmedi",
    failed: "gönderilemedi",
    kind_basvuru_alindi: "başvuru alındı bildirimi",
    kind_bilgi_verildi: "bilgi verildi bildirimi",
    kind_yanit_eposta: "yetkili açıklaması (e-posta)",
    kind_yanit_sms: "yetkili açıklaması (SMS)",
    kind_sonuclandi: "sonuçlandı bildirimi",
    reason_stale_event: "olay bildirim servisine çok geç ulaştı; eski bir bildirim gönderilmez",
    reason_template_missing: "bu dilde şablon yok",
    reason_unknown_case: "kayıt bulunamadı",
    reason_no_provider: "SMS sağlayıcısı tanımlı değil",
    reason_rejected_number: "sağlayıcı numarayı kabul etmedi",
    reason_blacklisted_number: "numara gönderim dışı listesinde",
    reason_iys_rejected: "İYS kaydı gönderime izin vermiyor",
    reason_provider_no_credit: "sağlayıcıda bakiye yok",
    reason_expired: "geçerlilik süresi içinde iletilemedi",
    reason_not_sent_to_operator: "operatöre iletilemedi",
    reason_rejected_by_operator: "operatör reddetti",
    reason_delivery_error: "iletim hatası",
    reason_duplicate: "sağlayıcı mükerrer saydı",
};

const DELIVERY_EN: DeliveryTexts = DeliveryTexts {
    title: "Messages to the citizen",
    none: "No message to the citizen yet.",
    unavailable: "The notification service did not answer.",
    segments: "parts",
    waiting_for_quiet_hours: "waiting for quiet hours to end",
    pending: "to be sent",
    sending: "sending",
    sent: "sent",
    delivered: "delivered",
    not_sent: "not sent",
    failed: "failed",
    kind_basvuru_alindi: "application received",
    kind_bilgi_verildi: "information given",
    kind_yanit_eposta: "official answer (e-mail)",
    kind_yanit_sms: "official answer (SMS)",
    kind_sonuclandi: "resolved",
    reason_stale_event: "the event reached the notification service too late; old notices are not sent",
    reason_template_missing: "no template in this language",
    reason_unknown_case: "the record was not found",
    reason_no_provider: "no SMS provider is configured",
    reason_rejected_number: "the provider refused the number",
    reason_blacklisted_number: "the number is on the do-not-send list",
    reason_iys_rejected: "the İYS consent register does not allow it",
    reason_provider_no_credit: "no credit left at the provider",
    reason_expired: "not delivered before it expired",
    reason_not_sent_to_operator: "not passed to the operator",
    reason_rejected_by_operator: "the operator refused it",
    reason_delivery_error: "delivery error",
    reason_duplicate: "the provider counted it a duplicate",
};

#[cfg(test)]
mod tests {
    use super::{DELIVERY_EN, DELIVERY_TR};

    #[test]
    fn the_rules_and_reasons_notify_records_have_words_in_both_languages() {
        for code in [
            "basvuru_alindi",
            "bilgi_verildi",
            "yanit_eposta",
            "yanit_sms",
            "sonuclandi",
        ] {
            assert!(
                DELIVERY_TR.kind(code).is_some() && DELIVERY_EN.kind(code).is_some(),
                "{code}"
            );
        }
        for code in [
            "stale_event",
            "template_missing",
            "unknown_case",
            "no_provider",
            "rejected_number",
        ] {
            assert!(
                DELIVERY_TR.reason(code).is_some() && DELIVERY_EN.reason(code).is_some(),
                "{code}"
            );
        }
        assert_eq!(
            DELIVERY_TR.kind("basvuru_alindi"),
            Some("başvuru alındı bildirimi")
        );
    }

    #[test]
    fn an_unknown_code_has_no_words_so_the_page_shows_the_code() {
        assert_eq!(DELIVERY_TR.kind("yeni_kural"), None);
        assert_eq!(DELIVERY_EN.reason("provider_said_something_new"), None);
    }
}
