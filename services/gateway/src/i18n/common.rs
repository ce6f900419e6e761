//! The words every page shares: the frame (title, menu, sign-out, the other
//! language), the start page's menu, refusals, and the names of statuses,
//! roles and channels that several pages show.

/// Every text of the shared words, in one language.
#[derive(Debug)]
pub struct CommonTexts {
    pub sign_out: &'static str,
    pub menu: &'static str,
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    pub not_found: &'static str,
    pub not_allowed: &'static str,
    pub unavailable: &'static str,
    pub form_expired: &'static str,
    pub welcome: &'static str,
    pub pool_manager_pools: &'static str,
    pub call_pool: &'static str,
    pub my_calls: &'static str,
    pub callback_pool: &'static str,
    /// *Ulaşılamayanlar*: answered records whose answer did not reach the citizen.
    pub not_reached: &'static str,
    /// *Süresi Yaklaşan*: the managers' list of records whose due date is near.
    pub due_soon: &'static str,
    /// *Süresi Geçen*: the managers' list of overdue records.
    pub overdue: &'static str,
    pub admin: &'static str,
    /// *E-posta Sorunları*: the e-mails no case could be made of.
    pub email_problems: &'static str,
    pub my_details: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub full_name: &'static str,
    pub role: &'static str,
    pub work_email: &'static str,
    pub work_phone: &'static str,
    pub save: &'static str,
    pub tracking_number: &'static str,
    pub category: &'static str,
    pub place: &'static str,
    pub urgent: &'static str,
    pub normal: &'static str,
    pub line_passed: &'static str,
    pub line_near: &'static str,
    pub select: &'static str,
    pub open: &'static str,
    pub empty_list: &'static str,
    pub next_page: &'static str,
    pub days_in_pool: &'static str,
    pub status: &'static str,
    pub status_in_pool: &'static str,
    pub status_held: &'static str,
    pub status_awaiting_callback: &'static str,
    pub status_resolved: &'static str,
    pub pool: &'static str,
    pub any: &'static str,
    pub channel: &'static str,
    pub district: &'static str,
    pub urgency: &'static str,
    pub role_names: [&'static str; 9],
    /// `tekmerkez.common.v1.Channel` by number.
    pub channel_names: [&'static str; 10],
    /// A message's channel: e-mail (the other is SMS, the same in both
    /// languages).
    pub email_channel: &'static str,
    /// The desk menu's name (for screen readers).
    pub desk_menu: &'static str,
    /// A list's column of the application text's first line.
    pub text: &'static str,
    /// When the application came in (the list's column, sortable).
    pub received: &'static str,
    /// The list's column of how the citizen wants the answer.
    pub reply_channel: &'static str,
    /// Who holds a record.
    pub holder: &'static str,
    /// Nobody holds it.
    pub nobody: &'static str,
    /// `tekmerkez.common.v1.ReplyChannel` by number.
    pub reply_channel_names: [&'static str; 7],
    /// A list's caption after its name: `{} kayıt`.
    pub records: &'static str,
    /// The rows shown of the total: "1–50 / 82".
    pub of: &'static str,
    pub previous_page: &'static str,
    pub first_page: &'static str,
    /// Page `n` of a list.
    pub page: &'static str,
    /// Sorting a column: the orders offered.
    pub sorted_oldest: &'static str,
    pub sorted_newest: &'static str,
    pub sorted_urgent: &'static str,
}

pub const TR: CommonTexts = CommonTexts {
    sign_out: "Çıkış",
    menu: "Menü",
    other_language: "English",
    other_language_code: "en",
    not_found: "Aradığınız sayfa bulunamadı.",
    not_allowed: "Bu işlem için yetkiniz yok.",
    unavailable: "Sistem şu anda yanıt vermiyor; lütfen biraz sonra yeniden deneyiniz.",
    form_expired: "Formun süresi doldu; lütfen sayfayı yenileyip yeniden deneyiniz.",
    welcome: "Hoş geldiniz",
    pool_manager_pools: "Havuz Yönetimi",
    call_pool: "Çağrı Havuzu",
    my_calls: "Üzerimdeki Çağrılar",
    callback_pool: "Geri Dönüş Havuzu",
    not_reached: "Ulaşılamayanlar",
    due_soon: "Süresi Yaklaşan",
    overdue: "Süresi Geçen",
    admin: "Yönetim",
    email_problems: "E-posta Sorunları",
    my_details: "Kullanıcı Bilgileri",
    username: "Kullanıcı adı",
    password: "Parola",
    full_name: "Ad soyad",
    role: "Rol",
    work_email: "İş e-postası",
    work_phone: "İş telefonu",
    save: "Kaydet",
    tracking_number: "Takip numarası",
    category: "Konu",
    place: "İlçe / İl",
    urgent: "Acil",
    normal: "Normal",
    line_passed: "kapatmadan önce not gerekli",
    line_near: "yarından itibaren not gerekecek",
    select: "Seç",
    open: "Aç",
    empty_list: "Bu listede kayıt yok.",
    next_page: "Sonraki sayfa",
    days_in_pool: "Havuzda (gün)",
    status: "Durum",
    status_in_pool: "Havuzda",
    status_held: "Uzmanda",
    status_awaiting_callback: "Geri dönüş bekliyor",
    status_resolved: "Sonuçlandı",
    pool: "Havuz",
    any: "Tümü",
    channel: "Kanal",
    district: "İlçe",
    urgency: "Aciliyet",
    role_names: [
        "",
        "Yönetici",
        "Havuz Yöneticisi",
        "Kurum Uzmanı",
        "Geri Dönüş Temsilcisi",
        "Çağrı Merkezi Temsilcisi",
        "Kurum İstemcisi",
        "Müdürlük Yöneticisi",
        "KVKK Sorumlusu",
    ],
    channel_names: [
        "",
        "Web formu",
        "Mobil uygulama",
        "E-posta",
        "Sosyal medya",
        "Telefon",
        "Yazılı başvuru",
        "Yüz yüze",
        "Görüntülü görüşme",
        "Kurum (CİMER vb.)",
    ],
    email_channel: "E-posta",
    desk_menu: "Ekranlar",
    text: "Başvuru",
    received: "Alındı",
    reply_channel: "Yanıt",
    holder: "Üzerinde",
    nobody: "—",
    reply_channel_names: [
        "",
        "SMS",
        "Telefonla geri dönüş",
        "E-posta",
        "Mektup",
        "İletişim bilgisi yok",
        "Sosyal medya yazışması",
    ],
    records: "kayıt",
    of: "/",
    previous_page: "Önceki sayfa",
    first_page: "İlk sayfa",
    page: "Sayfa",
    sorted_oldest: "en eski önce",
    sorted_newest: "en yeni önce",
    sorted_urgent: "acil olanlar önce",
};

pub const EN: CommonTexts = CommonTexts {
    sign_out: "Sign out",
    menu: "Menu",
    other_language: "Türkçe",
    other_language_code: "tr",
    not_found: "The page you are looking for does not exist.",
    not_allowed: "You may not do this.",
    unavailable: "The system is not answering right now; please try again shortly.",
    form_expired: "This form has expired; reload the page and try again.",
    welcome: "Welcome",
    pool_manager_pools: "Pool management",
    call_pool: "Call pool",
    my_calls: "My calls",
    callback_pool: "Callback pool",
    not_reached: "Citizens not reached",
    due_soon: "Due soon",
    overdue: "Overdue",
    admin: "Administration",
    email_problems: "E-mail problems",
    my_details: "My details",
    username: "User name",
    password: "Password",
    full_name: "Name",
    role: "Role",
    work_email: "Work e-mail",
    work_phone: "Work phone",
    save: "Save",
    tracking_number: "Tracking number",
    category: "Category",
    place: "District / province",
    urgent: "Urgent",
    normal: "Normal",
    line_passed: "a note is needed before closing",
    line_near: "a note will be needed from tomorrow",
    select: "Select",
    open: "Open",
    empty_list: "There are no records in this list.",
    next_page: "Next page",
    days_in_pool: "Days in pool",
    status: "Status",
    status_in_pool: "In the pool",
    status_held: "With an expert",
    status_awaiting_callback: "Awaiting a callback",
    status_resolved: "Resolved",
    pool: "Pool",
    any: "Any",
    channel: "Channel",
    district: "District",
    urgency: "Urgency",
    role_names: [
        "",
        "Administrator",
        "Pool manager",
        "Institutional expert",
        "Callback agent",
        "Call-centre agent",
        "Partner client",
        "Directorate manager",
        "Data protection officer (KVKK)",
    ],
    channel_names: [
        "",
        "Web form",
        "Mobile app",
        "E-mail",
        "Social media",
        "Phone",
        "Letter",
        "In person",
        "Video call",
        "Partner (CİMER etc.)",
    ],
    email_channel: "E-mail",
    desk_menu: "Screens",
    text: "Application",
    received: "Received",
    reply_channel: "Reply",
    holder: "Held by",
    nobody: "—",
    reply_channel_names: [
        "",
        "SMS",
        "Phone callback",
        "E-mail",
        "Letter",
        "No contact given",
        "Social-media conversation",
    ],
    records: "records",
    of: "of",
    previous_page: "Previous page",
    first_page: "First page",
    page: "Page",
    sorted_oldest: "oldest first",
    sorted_newest: "newest first",
    sorted_urgent: "urgent first",
};

impl CommonTexts {
    /// The name of role `role` (a `case.v1.Role` number), or `""`.
    pub fn role_name(&self, role: i32) -> &'static str {
        usize::try_from(role)
            .ok()
            .and_then(|i| self.role_names.get(i).copied())
            .unwrap_or_default()
    }

    /// The name of channel `channel` (a `common.v1.Channel` number), or `""`.
    pub fn channel_name(&self, channel: i32) -> &'static str {
        usize::try_from(channel)
            .ok()
            .and_then(|i| self.channel_names.get(i).copied())
            .unwrap_or_default()
    }

    /// The name of reply channel `n` (a `common.v1.ReplyChannel` number), or `""`.
    pub fn reply_channel_name(&self, n: i32) -> &'static str {
        usize::try_from(n)
            .ok()
            .and_then(|i| self.reply_channel_names.get(i).copied())
            .unwrap_or_default()
    }

    /// The name of case status `status` (a `case.v1.CaseStatus` number), or `""`.
    pub fn status_name(&self, status: i32) -> &'static str {
        use tekmerkez_proto::case_v1::CaseStatus;
        match CaseStatus::try_from(status).unwrap_or_default() {
            CaseStatus::InPool => self.status_in_pool,
            CaseStatus::Held => self.status_held,
            CaseStatus::AwaitingCallback => self.status_awaiting_callback,
            CaseStatus::Resolved => self.status_resolved,
            CaseStatus::Unspecified => "",
        }
    }
}
