//! *Bildirimler* (`http::admin_notify`): notify's rules and templates.

/// Every text of the notifications page, in one language.
#[derive(Debug)]
pub struct AdminNotifyTexts {
    pub title: &'static str,
    pub rules: &'static str,
    pub templates: &'static str,
    pub key: &'static str,
    pub description: &'static str,
    pub channel: &'static str,
    pub template: &'static str,
    pub timing: &'static str,
    pub at_once: &'static str,
    pub after_quiet_hours: &'static str,
    pub state: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub switch_on: &'static str,
    pub switch_off: &'static str,
    pub version: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
    pub html: &'static str,
    pub html_hint: &'static str,
    pub variables: &'static str,
    pub save: &'static str,
    pub unavailable: &'static str,
    pub back: &'static str,
    /// A template's language, by its locale.
    pub turkish: &'static str,
    pub english: &'static str,
    /// The outcomes of a write.
    pub template_saved: &'static str,
    pub rule_updated: &'static str,
    pub changed: &'static str,
    pub not_allowed: &'static str,
    /// A refused template, naming the field (one of the four below).
    pub invalid: fn(&str) -> String,
    /// A variable the rule's event may leave empty, used without a
    /// fallback: (field, variable, rule).
    pub needs_fallback: fn(&str, &str, &str) -> String,
    /// A variable the rule's event never has: (field, variable, rule).
    pub unavailable_variable: fn(&str, &str, &str) -> String,
    pub field_subject: &'static str,
    pub field_body: &'static str,
    pub field_html: &'static str,
    pub field_other: &'static str,
}

impl AdminNotifyTexts {
    /// The name of a template field notify refused.
    pub fn field(&self, field: &str) -> &'static str {
        match field {
            "template.subject" => self.field_subject,
            "template.body" => self.field_body,
            "template.html" => self.field_html,
            _ => self.field_other,
        }
    }

    /// The name of a template's language `locale`.
    pub fn language(&self, locale: &str) -> &'static str {
        match locale {
            "tr" => self.turkish,
            "en" => self.english,
            _ => "",
        }
    }
}

pub const TR: AdminNotifyTexts = AdminNotifyTexts {
    title: "Bildirimler",
    rules: "Bildirim kuralları",
    templates: "Şablonlar",
    key: "Anahtar",
    description: "Açıklama",
    channel: "Kanal",
    template: "Şablon",
    timing: "Gönderim",
    at_once: "hemen",
    after_quiet_hours: "sessiz saatler bitince",
    state: "Durum",
    on: "açık",
    off: "kapalı",
    switch_on: "Aç",
    switch_off: "Kapat",
    version: "Sürüm",
    subject: "Konu",
    body: "Metin",
    html: "HTML bölümü",
    html_hint: "Boş bırakılırsa metinden üretilir.",
    variables: "Kullanılabilecek değişkenler",
    save: "Kaydet (yeni sürüm)",
    unavailable: "Bildirim servisine ulaşılamadı; daha sonra yeniden deneyin.",
    back: "Yönetim",
    turkish: "Türkçe",
    english: "İngilizce",
    template_saved: "Şablon kaydedildi; yeni sürüm yürürlükte.",
    rule_updated: "Kural güncellendi.",
    changed: "Siz düzenlerken başka biri değiştirdi: son hâli aşağıda, yeniden deneyin.",
    not_allowed: "Bu işlem için yetkiniz yok.",
    invalid: |field| {
        format!(
            "Kaydedilmedi: {field} boş, çok uzun, olmayan bir değişken kullanıyor ya da bir yer tutucu kapanmamış."
        )
    },
    needs_fallback: |field, var, rule| {
        format!(
            "Kaydedilmedi: {field} {{{{{var}}}}} kullanıyor, ama {rule} kuralının gönderdiği iletilerin bazılarında bu değer yok. Boş kaldığında yazılacak metni verin: {{{{{var} | …}}}}"
        )
    },
    unavailable_variable: |field, var, rule| {
        format!(
            "Kaydedilmedi: {field} {{{{{var}}}}} kullanıyor, ama {rule} kuralının gönderdiği iletilerde bu değer hiç yok."
        )
    },
    field_subject: "konu",
    field_body: "metin",
    field_html: "HTML bölümü",
    field_other: "bir alan",
};

pub const EN: AdminNotifyTexts = AdminNotifyTexts {
    title: "Notifications",
    rules: "Notification rules",
    templates: "Templates",
    key: "Key",
    description: "Description",
    channel: "Channel",
    template: "Template",
    timing: "Sending",
    at_once: "at once",
    after_quiet_hours: "after quiet hours",
    state: "State",
    on: "on",
    off: "off",
    switch_on: "Switch on",
    switch_off: "Switch off",
    version: "Version",
    subject: "Subject",
    body: "Text",
    html: "HTML part",
    html_hint: "Made from the text when left empty.",
    variables: "Variables you can use",
    save: "Save (new version)",
    unavailable: "The notification service cannot be reached; try again later.",
    back: "Administration",
    turkish: "Turkish",
    english: "English",
    template_saved: "Template saved; the new version is in force.",
    rule_updated: "Rule updated.",
    changed: "Someone changed it while you were editing: the latest is below, try again.",
    not_allowed: "You are not allowed to do this.",
    invalid: |field| {
        format!(
            "Not saved: the {field} is empty, too long, names a variable that does not exist or leaves a placeholder open."
        )
    },
    needs_fallback: |field, var, rule| {
        format!(
            "Not saved: the {field} uses {{{{{var}}}}}, but some messages of rule {rule} have no such value. Give the text to write when it is empty: {{{{{var} | …}}}}"
        )
    },
    unavailable_variable: |field, var, rule| {
        format!(
            "Not saved: the {field} uses {{{{{var}}}}}, but the messages of rule {rule} never have that value."
        )
    },
    field_subject: "subject",
    field_body: "text",
    field_html: "HTML part",
    field_other: "a field",
};
