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
