//! The live desk: the notices that appear without reloading.

/// Every text of the live desk, in one language.
#[derive(Debug)]
pub struct LiveTexts {
    /// "{n}: {category}" arrived in the person's pool.
    pub new_in_pool: &'static str,
    /// The same, for an urgent record (an alert).
    pub urgent_in_pool: &'static str,
    pub assigned_to_me: &'static str,
    pub callback_due: &'static str,
    /// The link on a notice.
    pub open: &'static str,
    /// Closes a notice.
    pub dismiss: &'static str,
    /// The notices' region, for screen readers.
    pub region: &'static str,
    /// Shown on a list page when records came and went since it was drawn.
    pub list_changed: &'static str,
    pub refresh: &'static str,
}

pub const TR: LiveTexts = LiveTexts {
    new_in_pool: "Havuzunuza yeni kayıt: {n} ({category})",
    urgent_in_pool: "ACİL kayıt havuzunuza geldi: {n} ({category})",
    assigned_to_me: "Size bir kayıt atandı: {n} ({category})",
    callback_due: "Geri dönüş zamanı geldi: {n} ({category})",
    open: "Aç",
    dismiss: "Kapat",
    region: "Anlık bildirimler",
    list_changed: "Bu listede değişiklik var.",
    refresh: "Listeyi yenile",
};

pub const EN: LiveTexts = LiveTexts {
    new_in_pool: "New record in your pool: {n} ({category})",
    urgent_in_pool: "URGENT record arrived in your pool: {n} ({category})",
    assigned_to_me: "A record was assigned to you: {n} ({category})",
    callback_due: "A callback is due: {n} ({category})",
    open: "Open",
    dismiss: "Dismiss",
    region: "Live notices",
    list_changed: "This list has changed.",
    refresh: "Refresh the list",
};
