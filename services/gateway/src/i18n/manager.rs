//! The pool manager's *Havuz Yönetimi* (`http::manager`).

/// Every text of the pool manager's page, in one language.
#[derive(Debug)]
pub struct ManagerTexts {
    pub assigned: &'static str,
    pub assign_failed: &'static str,
    pub nothing_selected_assign: &'static str,
    pub choose_expert: &'static str,
    pub transferred: &'static str,
    pub filter_invalid: &'static str,
    pub sort_oldest: &'static str,
    pub sort_newest: &'static str,
    pub sort_urgent: &'static str,
    pub filters: &'static str,
    pub open_records: &'static str,
    pub min_days: &'static str,
    pub holder: &'static str,
    pub sort: &'static str,
    pub apply: &'static str,
    pub clear: &'static str,
    pub assign_to: &'static str,
    /// The assignment box's expert field (the filter is `holder`).
    pub assignee: &'static str,
    pub assign: &'static str,
    pub nobody: &'static str,
}

/// Türkçe.
pub const TR: ManagerTexts = ManagerTexts {
    assigned: "Seçilen kayıtlar uzmana atandı.",
    assign_failed: "Atama yapılamadı: kayıtlardan biri değişmiş, kapanmış ya da seçilen uzman o kaydın havuzunda çalışmıyor. Hiçbir kayıt atanmadı.",
    nothing_selected_assign: "Atamak için en az bir kayıt seçiniz.",
    choose_expert: "Atanacak uzmanı seçiniz.",
    transferred: "Kayıt başka havuza aktarıldı.",
    filter_invalid: "Süzgeç değerlerinden biri geçersizdi ve dikkate alınmadı.",
    sort_oldest: "En eski önce",
    sort_newest: "En yeni önce",
    sort_urgent: "Acil olanlar önce",
    filters: "Süzgeçler",
    open_records: "Açık kayıtların tümü",
    min_days: "Havuzda en az (gün)",
    holder: "Üzerinde olan",
    sort: "Sıralama",
    apply: "Uygula",
    clear: "Temizle",
    assign_to: "Seçilenleri ata (ya da başka uzmana taşı)",
    assignee: "Atanacak uzman",
    assign: "Ata",
    nobody: "—",
};

/// English.
pub const EN: ManagerTexts = ManagerTexts {
    assigned: "The selected records were assigned.",
    assign_failed: "Not assigned: one of the records changed or was closed, or the expert does not work in its pool. No record was assigned.",
    nothing_selected_assign: "Select at least one record to assign.",
    choose_expert: "Choose the expert to assign to.",
    transferred: "The record was transferred to another pool.",
    filter_invalid: "One of the filter values was not valid and was ignored.",
    sort_oldest: "Oldest first",
    sort_newest: "Newest first",
    sort_urgent: "Urgent first",
    filters: "Filters",
    open_records: "All open records",
    min_days: "At least days in pool",
    holder: "Held by",
    sort: "Sort",
    apply: "Apply",
    clear: "Clear",
    assign_to: "Assign the selected (or move them to another expert)",
    assignee: "Expert to assign to",
    assign: "Assign",
    nobody: "—",
};
