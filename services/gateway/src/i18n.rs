//! The UI's texts: Turkish by default, English on request (`?lang=en`, then
//! remembered in a cookie). Every string a page shows comes from here.

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Türkçe.
    #[default]
    Tr,
    /// English.
    En,
}

impl Lang {
    /// `tr` or `en`; anything else is Turkish.
    pub fn parse(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Self::En
        } else {
            Self::Tr
        }
    }

    /// The `lang` attribute and cookie value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Tr => "tr",
            Self::En => "en",
        }
    }

    /// The texts.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Tr => &TR,
            Self::En => &EN,
        }
    }
}

/// Every text of the UI, in one language.
#[derive(Debug)]
pub struct Texts {
    pub app_name: &'static str,
    pub sign_in_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub missing_fields: &'static str,
    pub form_expired: &'static str,
    pub unavailable: &'static str,
    pub welcome: &'static str,
    pub menu: &'static str,
    pub pool_manager_pools: &'static str,
    pub call_pool: &'static str,
    pub my_calls: &'static str,
    pub callback_pool: &'static str,
    pub admin: &'static str,
    pub record_entry: &'static str,
    pub my_details: &'static str,
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    pub not_found: &'static str,
    pub dev_hint: &'static str,
    pub list_reset: &'static str,
    pub days_held: &'static str,
    pub days_in_pool: &'static str,
    pub claimed: &'static str,
    pub claim_conflict: &'static str,
    pub nothing_selected: &'static str,
    pub empty_list: &'static str,
    pub select: &'static str,
    pub tracking_number: &'static str,
    pub category: &'static str,
    pub place: &'static str,
    pub urgent: &'static str,
    pub line_passed: &'static str,
    pub line_near: &'static str,
    pub claim_selected: &'static str,
    pub next_page: &'static str,
    pub record: &'static str,
    pub record_not_found: &'static str,
    pub status: &'static str,
    pub status_in_pool: &'static str,
    pub status_held: &'static str,
    pub status_awaiting_callback: &'static str,
    pub status_resolved: &'static str,
    pub applicant: &'static str,
    pub contact_hidden: &'static str,
    pub application_text: &'static str,
    pub notes: &'static str,
    pub no_notes: &'static str,
    pub new_note: &'static str,
    pub add_note: &'static str,
    pub official_answer: &'static str,
    pub save: &'static str,
    pub show_steps: &'static str,
    pub note_rule_warning: &'static str,
    pub note_added: &'static str,
    pub record_closed: &'static str,
    pub record_changed: &'static str,
    pub note_rule_blocks: &'static str,
    pub text_invalid: &'static str,
    pub not_allowed: &'static str,
    pub open: &'static str,
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
    pub role_names: [&'static str; 7],
}

/// Türkçe.
pub static TR: Texts = Texts {
    app_name: "tekmerkez Çağrı Merkezi",
    sign_in_title: "Giriş",
    username: "Kullanıcı adı",
    password: "Parola",
    sign_in: "Giriş yap",
    sign_out: "Çıkış",
    bad_credentials: "Kullanıcı adı veya parola hatalı ya da hesap geçici olarak kilitli. Beş hatalı denemeden sonra hesap 15 dakika kilitlenir.",
    missing_fields: "Kullanıcı adını ve parolayı giriniz.",
    form_expired: "Formun süresi doldu; lütfen sayfayı yenileyip yeniden deneyiniz.",
    unavailable: "Sistem şu anda yanıt vermiyor; lütfen biraz sonra yeniden deneyiniz.",
    welcome: "Hoş geldiniz",
    menu: "Menü",
    pool_manager_pools: "Havuz Yönetimi",
    call_pool: "Çağrı Havuzu",
    my_calls: "Üzerimdeki Çağrılar",
    callback_pool: "Geri Dönüş Havuzu",
    admin: "Yönetim",
    record_entry: "Başvuru Kaydı",
    my_details: "Kullanıcı Bilgileri",
    other_language: "English",
    other_language_code: "en",
    not_found: "Aradığınız sayfa bulunamadı.",
    dev_hint: "Geliştirme kipi: örnek kullanıcılar ve ortak parola:",
    list_reset: "Liste yeniden başlatıldı; lütfen ilk sayfadan devam ediniz.",
    days_held: "Üzerimde (gün)",
    days_in_pool: "Havuzda (gün)",
    claimed: "Seçtiğiniz kayıtlar üzerinize alındı.",
    claim_conflict: "Seçtiğiniz kayıtlardan en az biri başka bir uzman tarafından alınmış; hiçbiri üzerinize alınmadı. Liste yenilendi.",
    nothing_selected: "Üzerinize almak için en az bir kayıt seçiniz.",
    empty_list: "Bu listede kayıt yok.",
    select: "Seç",
    tracking_number: "Takip numarası",
    category: "Konu",
    place: "İlçe / İl",
    urgent: "Acil",
    line_passed: "3 gün geçti",
    line_near: "3. gün yaklaşıyor",
    claim_selected: "Seçilenleri Üzerime Al",
    next_page: "Sonraki sayfa",
    record: "Kayıt",
    record_not_found: "Kayıt bulunamadı.",
    status: "Durum",
    status_in_pool: "Havuzda",
    status_held: "Uzmanda",
    status_awaiting_callback: "Geri dönüş bekliyor",
    status_resolved: "Sonuçlandı",
    applicant: "Başvuru sahibi",
    contact_hidden: "(iletişim bilgileri gizli)",
    application_text: "Başvuru metni",
    notes: "Notlar",
    no_notes: "Henüz not yok.",
    new_note: "Yeni not",
    add_note: "Not Ekle",
    official_answer: "Yetkili Açıklaması",
    save: "Kaydet",
    show_steps: "İşlem Detaylarını Göster",
    note_rule_warning: "Bu kayıt 3 günden uzun süredir havuzda: kaydetmeden önce bir not eklemelisiniz.",
    note_added: "Not eklendi.",
    record_closed: "Yetkili açıklaması kaydedildi; kayıt kapatıldı.",
    record_changed: "Kayıt siz bakarken değişti ya da form iki kez gönderildi; hiçbir şey iki kez yazılmadı. Sayfa yenilendi.",
    note_rule_blocks: "Kaydedilemedi: 3 gün kuralı gereği önce bir not eklemelisiniz.",
    text_invalid: "Metin boş olamaz ve en çok 4000 karakter olabilir.",
    not_allowed: "Bu işlem için yetkiniz yok.",
    open: "Aç",
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
    role_names: [
        "",
        "Yönetici",
        "Havuz Yöneticisi",
        "Kurum Uzmanı",
        "Geri Dönüş Temsilcisi",
        "Çağrı Merkezi Temsilcisi",
        "Kurum İstemcisi",
    ],
};

/// English.
pub static EN: Texts = Texts {
    app_name: "tekmerkez Contact Centre",
    sign_in_title: "Sign in",
    username: "User name",
    password: "Password",
    sign_in: "Sign in",
    sign_out: "Sign out",
    bad_credentials: "Wrong user name or password, or the account is locked for a while. After five failed attempts an account is locked for 15 minutes.",
    missing_fields: "Enter your user name and password.",
    form_expired: "This form has expired; reload the page and try again.",
    unavailable: "The system is not answering right now; please try again shortly.",
    welcome: "Welcome",
    menu: "Menu",
    pool_manager_pools: "Pool management",
    call_pool: "Call pool",
    my_calls: "My calls",
    callback_pool: "Callback pool",
    admin: "Administration",
    record_entry: "Record an application",
    my_details: "My details",
    other_language: "Türkçe",
    other_language_code: "tr",
    not_found: "The page you are looking for does not exist.",
    dev_hint: "Development mode: demo users and their shared password:",
    list_reset: "The list was restarted; continue from the first page.",
    days_held: "Days held",
    days_in_pool: "Days in pool",
    claimed: "The selected records are now yours.",
    claim_conflict: "At least one of the selected records was taken by another expert; none was claimed. The list is up to date again.",
    nothing_selected: "Select at least one record to claim.",
    empty_list: "There are no records in this list.",
    select: "Select",
    tracking_number: "Tracking number",
    category: "Category",
    place: "District / province",
    urgent: "Urgent",
    line_passed: "3 days passed",
    line_near: "day 3 is near",
    claim_selected: "Claim selected",
    next_page: "Next page",
    record: "Record",
    record_not_found: "Record not found.",
    status: "Status",
    status_in_pool: "In the pool",
    status_held: "With an expert",
    status_awaiting_callback: "Awaiting a callback",
    status_resolved: "Resolved",
    applicant: "Applicant",
    contact_hidden: "(contact details hidden)",
    application_text: "Application text",
    notes: "Notes",
    no_notes: "No notes yet.",
    new_note: "New note",
    add_note: "Add note",
    official_answer: "Official answer",
    save: "Save",
    show_steps: "Show task steps",
    note_rule_warning: "This record has been in its pool for more than 3 days: add a note before saving.",
    note_added: "Note added.",
    record_closed: "The official answer was saved; the record is closed.",
    record_changed: "The record changed while you were looking at it, or the form was sent twice; nothing was written twice. The page is up to date again.",
    note_rule_blocks: "Not saved: under the 3-day rule you must add a note first.",
    text_invalid: "The text must not be empty and may have at most 4000 characters.",
    not_allowed: "You may not do this.",
    open: "Open",
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
    role_names: [
        "",
        "Administrator",
        "Pool manager",
        "Institutional expert",
        "Callback agent",
        "Call-centre agent",
        "Partner client",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_is_the_default_and_keeps_its_letters() {
        assert_eq!(Lang::default(), Lang::Tr);
        assert_eq!(Lang::parse("xx"), Lang::Tr);
        assert_eq!(Lang::parse("EN"), Lang::En);
        let all = format!("{TR:?}");
        for c in ['ç', 'ğ', 'ı', 'İ', 'ö', 'ş', 'ü'] {
            assert!(all.contains(c), "{c} appears in the Turkish texts");
        }
    }
}
