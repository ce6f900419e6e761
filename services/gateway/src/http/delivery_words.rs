//! What the record page says about a message to the citizen: notify records
//! a message's kind (its rule) and a failure's reason as codes; an agent reads
//! words. A code without words here (a rule an admin added, a provider's new
//! error) is shown as it is, so nothing is hidden.

/// The message's kind: the rule that sent it.
pub(super) fn kind(code: &str, en: bool) -> Option<&'static str> {
    Some(match (code, en) {
        ("basvuru_alindi", false) => "başvuru alındı bildirimi",
        ("basvuru_alindi", true) => "application received",
        ("bilgi_verildi", false) => "bilgi verildi bildirimi",
        ("bilgi_verildi", true) => "information given",
        ("yanit_eposta", false) => "yetkili açıklaması (e-posta)",
        ("yanit_eposta", true) => "official answer (e-mail)",
        ("yanit_sms", false) => "yetkili açıklaması (SMS)",
        ("yanit_sms", true) => "official answer (SMS)",
        ("sonuclandi", false) => "sonuçlandı bildirimi",
        ("sonuclandi", true) => "resolved",
        _ => return None,
    })
}

/// Why a message was not sent or not delivered.
pub(super) fn reason(code: &str, en: bool) -> Option<&'static str> {
    Some(match (code, en) {
        ("stale_event", false) => {
            "olay bildirim servisine çok geç ulaştı; eski bir bildirim gönderilmez"
        }
        ("stale_event", true) => {
            "the event reached the notification service too late; old notices are not sent"
        }
        ("template_missing", false) => "bu dilde şablon yok",
        ("template_missing", true) => "no template in this language",
        ("unknown_case", false) => "kayıt bulunamadı",
        ("unknown_case", true) => "the record was not found",
        ("no_provider", false) => "SMS sağlayıcısı tanımlı değil",
        ("no_provider", true) => "no SMS provider is configured",
        ("rejected_number", false) => "sağlayıcı numarayı kabul etmedi",
        ("rejected_number", true) => "the provider refused the number",
        ("blacklisted_number", false) => "numara gönderim dışı listesinde",
        ("blacklisted_number", true) => "the number is on the do-not-send list",
        ("iys_rejected", false) => "İYS kaydı gönderime izin vermiyor",
        ("iys_rejected", true) => "the İYS consent register does not allow it",
        ("provider_no_credit", false) => "sağlayıcıda bakiye yok",
        ("provider_no_credit", true) => "no credit left at the provider",
        ("expired", false) => "geçerlilik süresi içinde iletilemedi",
        ("expired", true) => "not delivered before it expired",
        ("not_sent_to_operator", false) => "operatöre iletilemedi",
        ("not_sent_to_operator", true) => "not passed to the operator",
        ("rejected_by_operator", false) => "operatör reddetti",
        ("rejected_by_operator", true) => "the operator refused it",
        ("delivery_error", false) => "iletim hatası",
        ("delivery_error", true) => "delivery error",
        ("duplicate", false) => "sağlayıcı mükerrer saydı",
        ("duplicate", true) => "the provider counted it a duplicate",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{kind, reason};

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
                kind(code, false).is_some() && kind(code, true).is_some(),
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
                reason(code, false).is_some() && reason(code, true).is_some(),
                "{code}"
            );
        }
        assert_eq!(
            kind("basvuru_alindi", false),
            Some("başvuru alındı bildirimi")
        );
    }

    #[test]
    fn an_unknown_code_has_no_words_so_the_page_shows_the_code() {
        assert_eq!(kind("yeni_kural", false), None);
        assert_eq!(reason("provider_said_something_new", true), None);
    }
}
