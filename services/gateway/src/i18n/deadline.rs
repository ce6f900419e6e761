//! The deadlines' words on the desk: the record page's *Süreyi uzat* and
//! the wait for the citizen, the due-date column of the case lists, and
//! the *Süre Kuralları* admin page.

/// Every deadline text, in one language.
#[derive(Debug)]
pub struct DeadlineTexts {
    /// *Süreyi uzat*: the form's title, its reason and its hint
    /// (`{n}`: the working days).
    pub extend: &'static str,
    pub extend_reason: &'static str,
    pub extend_hint: &'static str,
    pub extend_reason_needed: &'static str,
    pub extend_reason_too_long: &'static str,
    /// Success: `{n}` working days, `{date}` the new legal due date.
    pub extended: &'static str,
    /// Success when the page did not say by how many days.
    pub extended_no_days: &'static str,
    pub extend_refused: &'static str,
    /// The wait for the citizen: the two buttons and what happened.
    pub await_start: &'static str,
    pub await_end: &'static str,
    pub await_hint: &'static str,
    pub await_started: &'static str,
    pub await_ended: &'static str,
    pub await_failed: &'static str,
    /// The lists' due-date column: its heading, the sort link, and the
    /// words beside the date (`{n}`: working days).
    pub due_column: &'static str,
    pub sort_by_due: &'static str,
    pub sort_by_received: &'static str,
    pub overdue: &'static str,
    pub due_soon: &'static str,
    pub due_today: &'static str,
    pub days_left: &'static str,
    /// *Süre Kuralları*.
    pub policies: &'static str,
    pub policies_intro: &'static str,
    pub source: &'static str,
    pub application_type: &'static str,
    pub category: &'static str,
    pub any: &'static str,
    pub legal: &'static str,
    pub legal_days: &'static str,
    pub internal: &'static str,
    pub internal_n: &'static str,
    pub extension: &'static str,
    pub note_rule: &'static str,
    pub note_rule_days: &'static str,
    pub half_days_off: &'static str,
    pub version: &'static str,
    pub changed_by: &'static str,
    pub unset: &'static str,
    pub inherited: &'static str,
    /// Day counts in `DayCount` order (unspecified first).
    pub day_counts: [&'static str; 3],
    /// Target units in `TargetUnit` order (unspecified first).
    pub target_units: [&'static str; 5],
    pub edit: &'static str,
    pub delete: &'static str,
    pub save: &'static str,
    pub add: &'static str,
    pub new_policy: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    pub stale: &'static str,
    pub exists: &'static str,
    pub not_found: &'static str,
    pub default_kept: &'static str,
    /// A refused number, by its field's range (the case service's: legal
    /// and note-rule days 1–365, the extension 0–365, the target 1–8760).
    pub days_invalid: &'static str,
    pub extension_invalid: &'static str,
    pub target_invalid: &'static str,
    /// A value the general policy must state (the legal period, the note rule).
    pub default_needs: &'static str,
    pub unit_needed: &'static str,
    pub refused: &'static str,
    /// The closure reasons of the closes no person makes: the column, each
    /// kind's label, and the error of a reason that is not active.
    pub automatic_reasons: &'static str,
    pub automatic_reasons_hint: &'static str,
    pub reason_information_only: &'static str,
    pub reason_incident_closed: &'static str,
    pub reason_field_work: &'static str,
    pub reason_invalid: &'static str,
}

impl DeadlineTexts {
    /// A day count's words (`DayCount` number).
    #[must_use]
    pub fn day_count(&self, n: i32) -> &'static str {
        usize::try_from(n)
            .ok()
            .and_then(|i| self.day_counts.get(i).copied())
            .unwrap_or(self.day_counts[0])
    }

    /// A target unit's words (`TargetUnit` number).
    #[must_use]
    pub fn target_unit(&self, n: i32) -> &'static str {
        usize::try_from(n)
            .ok()
            .and_then(|i| self.target_units.get(i).copied())
            .unwrap_or(self.target_units[0])
    }
}

pub const TR: DeadlineTexts = DeadlineTexts {
    extend: "Süreyi uzat",
    extend_reason: "Uzatma gerekçesi",
    extend_hint: "4982 sayılı Kanun md. 11: yasal süre yalnızca bir kez, son gün geçmeden {n} iş günü uzatılabilir; başvuru sahibine gerekçesiyle bildirilir.",
    extend_reason_needed: "Süreyi uzatmak için bir gerekçe yazın.",
    extend_reason_too_long: "Gerekçe en fazla 2000 karakter olabilir.",
    extended: "Yasal süre {n} iş günü uzatıldı: yeni son gün {date}; başvuru sahibine bildirildi.",
    extended_no_days: "Yasal süre uzatıldı: yeni son gün {date}; başvuru sahibine bildirildi.",
    extend_refused: "Süre uzatılamadı: yasal süre yalnızca açık bir bilgi edinme başvurusunda, bir kez ve son gün geçmeden uzatılabilir.",
    await_start: "Vatandaştan bilgi bekleniyor",
    await_end: "Bilgi geldi, devam",
    await_hint: "Eksik bilgi beklenirken kurum içi hedef durur; yasal süre işlemeye devam eder.",
    await_started: "Vatandaştan bilgi bekleniyor: kurum içi hedef durduruldu, yasal süre işlemeye devam ediyor.",
    await_ended: "Bilgi geldi: kurum içi hedef beklenen süre kadar ileri alındı.",
    await_failed: "Bekleme durumu değiştirilemedi: kayıt siz bakarken değişti. Sayfa yenilendi.",
    due_column: "Yasal son gün",
    sort_by_due: "Son güne göre sırala",
    sort_by_received: "Geliş zamanına göre sırala",
    overdue: "süresi geçti",
    due_soon: "yaklaşıyor",
    due_today: "bugün son gün",
    days_left: "{n} iş günü kaldı",
    policies: "Süre Kuralları",
    policies_intro: "Her değer, onu belirten en özel kuraldan alınır (kategori > tür > kaynak); boş bırakılan değer daha genel kuraldan gelir. Açık kayıtlar aldıkları süreleri korur.",
    source: "Kaynak",
    application_type: "Başvuru türü",
    category: "Kategori",
    any: "Tümü",
    legal: "Yasal süre",
    legal_days: "Yasal süre (gün)",
    internal: "Kurum içi hedef",
    internal_n: "Kurum içi hedef (miktar)",
    extension: "Uzatma (iş günü)",
    note_rule: "Not kuralı",
    note_rule_days: "Not kuralı (gün)",
    half_days_off: "Yarım günler sayılmaz",
    version: "Sürüm",
    changed_by: "Son değiştiren",
    unset: "—",
    inherited: "genel kuraldan",
    day_counts: ["Seçiniz", "takvim günü", "iş günü"],
    target_units: [
        "Seçiniz",
        "saat (7/24)",
        "mesai saati",
        "iş günü",
        "takvim günü",
    ],
    edit: "Düzenle",
    delete: "Sil",
    save: "Kaydet",
    add: "Kural Ekle",
    new_policy: "Yeni kural",
    saved: "Süre kuralı kaydedildi.",
    deleted: "Süre kuralı silindi.",
    stale: "Bu kural siz bakarken başka biri tarafından değiştirildi; hiçbir şey yazılmadı. Güncel hâlini görüp yeniden deneyin.",
    exists: "Bu kaynak, tür ve kategori için zaten bir kural var; onu düzenleyin.",
    not_found: "Kural bulunamadı; tablo yenilendi.",
    default_kept: "Genel kural (her şey “Tümü”) silinemez.",
    days_invalid: "1 ile 365 arasında bir tam sayı yazın.",
    extension_invalid: "0 ile 365 arasında bir tam sayı yazın.",
    target_invalid: "1 ile 8760 arasında bir tam sayı yazın.",
    default_needs: "Genel kural (her şey “Tümü”) bu değeri belirtmeli; boş bırakılamaz.",
    unit_needed: "Birimini seçin.",
    refused: "Kural kaydedilemedi; işaretli alanları düzeltin.",
    automatic_reasons: "Otomatik kapanış nedenleri",
    automatic_reasons_hint: "Bir kişinin kapatmadığı kayıtların kapanış nedeni; genel kuralda üçü de belirtilmelidir.",
    reason_information_only: "Bilgi amaçlı kayıt",
    reason_incident_closed: "Olay kapanınca",
    reason_field_work: "Saha ekibi onayıyla",
    reason_invalid: "Etkin bir kapanış nedeni seçin (genel kuralda boş bırakılamaz).",
};

pub const EN: DeadlineTexts = DeadlineTexts {
    extend: "Extend the deadline",
    extend_reason: "Reason for the extension",
    extend_hint: "Law 4982 art. 11: the legal period may be extended once, before its last day, by {n} working days; the applicant is told with the reason.",
    extend_reason_needed: "Write a reason to extend the deadline.",
    extend_reason_too_long: "The reason may be at most 2000 characters.",
    extended: "The legal period was extended by {n} working days: new due date {date}; the applicant was notified.",
    extended_no_days: "The legal period was extended: new due date {date}; the applicant was notified.",
    extend_refused: "The deadline could not be extended: only an open information request, once, before its last day.",
    await_start: "Waiting for the citizen's information",
    await_end: "Information arrived, continue",
    await_hint: "While information is awaited the internal target stops; the legal period keeps running.",
    await_started: "Waiting for the citizen's information: the internal target is paused, the legal period keeps running.",
    await_ended: "Information arrived: the internal target moved on by the time waited.",
    await_failed: "The wait could not be changed: the record changed while you were looking at it. The page is up to date again.",
    due_column: "Legal due date",
    sort_by_due: "Sort by due date",
    sort_by_received: "Sort by time received",
    overdue: "overdue",
    due_soon: "due soon",
    due_today: "due today",
    days_left: "{n} working days left",
    policies: "Deadline Policies",
    policies_intro: "Each value comes from the most specific policy stating it (category > type > source); a value left empty comes from a more general policy. Open records keep the due dates they were given.",
    source: "Source",
    application_type: "Application type",
    category: "Category",
    any: "Any",
    legal: "Legal period",
    legal_days: "Legal period (days)",
    internal: "Internal target",
    internal_n: "Internal target (amount)",
    extension: "Extension (working days)",
    note_rule: "Note rule",
    note_rule_days: "Note rule (days)",
    half_days_off: "Half days not counted",
    version: "Version",
    changed_by: "Last changed by",
    unset: "—",
    inherited: "from a general policy",
    day_counts: ["Choose", "calendar days", "working days"],
    target_units: [
        "Choose",
        "hours (24/7)",
        "office hours",
        "working days",
        "calendar days",
    ],
    edit: "Edit",
    delete: "Delete",
    save: "Save",
    add: "Add policy",
    new_policy: "New policy",
    saved: "The deadline policy was saved.",
    deleted: "The deadline policy was deleted.",
    stale: "Someone else changed this policy while you were looking at it; nothing was written. Look at it as it is now and try again.",
    exists: "There is already a policy for this source, type and category; edit that one.",
    not_found: "Policy not found; the table is up to date again.",
    default_kept: "The general policy (everything “Any”) cannot be deleted.",
    days_invalid: "Write a whole number from 1 to 365.",
    extension_invalid: "Write a whole number from 0 to 365.",
    target_invalid: "Write a whole number from 1 to 8760.",
    default_needs: "The general policy (everything “Any”) must state this value; it cannot be left empty.",
    unit_needed: "Choose its unit.",
    refused: "The policy was not saved; correct the marked fields.",
    automatic_reasons: "Automatic closure reasons",
    automatic_reasons_hint: "The closure reason of records no person closes; the general policy must state all three.",
    reason_information_only: "Information-only record",
    reason_incident_closed: "Closed with its incident",
    reason_field_work: "Confirmed by a field team",
    reason_invalid: "Choose an active closure reason (the general policy cannot leave it empty).",
};
