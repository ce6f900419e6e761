//! *Kullanıcı Bilgileri* (`http::profile`).

use tekmerkez_types::limits;

use super::Formatted;

/// Every text of the profile page, in one language.
#[derive(Debug)]
pub struct ProfileTexts {
    pub invalid_display_name: Formatted,
    pub invalid_email: &'static str,
    pub invalid_phone: &'static str,
    pub wrong_current_password: &'static str,
    pub invalid_new_password: Formatted,
    pub passwords_differ: &'static str,
    pub check_fields: &'static str,
    pub profile_saved: &'static str,
    pub password_changed: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: Formatted,
    pub new_password_again: &'static str,
}

pub const TR: ProfileTexts = ProfileTexts {
    invalid_display_name: Formatted(|f| {
        write!(
            f,
            "Ad soyad boş olamaz ve en çok {} karakter olabilir.",
            limits::NAME
        )
    }),
    invalid_email: "Geçerli bir e-posta adresi giriniz.",
    invalid_phone: "Geçerli bir telefon numarası giriniz (ör. 0312 555 12 34).",
    wrong_current_password: "Mevcut parola doğru değil.",
    invalid_new_password: Formatted(|f| {
        write!(
            f,
            "Yeni parola {} ile {} karakter arasında olmalıdır.",
            limits::PASSWORD_MIN,
            limits::PASSWORD_MAX
        )
    }),
    passwords_differ: "Yeni parola ve tekrarı aynı değil.",
    check_fields: "Lütfen işaretli alanları düzeltiniz.",
    profile_saved: "Bilgileriniz kaydedildi.",
    password_changed: "Parolanız değiştirildi; diğer oturumlarınız kapatıldı.",
    change_password: "Parola Değiştir",
    current_password: "Mevcut parola",
    new_password: Formatted(|f| {
        write!(
            f,
            "Yeni parola ({}–{} karakter)",
            limits::PASSWORD_MIN,
            limits::PASSWORD_MAX
        )
    }),
    new_password_again: "Yeni parola (tekrar)",
};

pub const EN: ProfileTexts = ProfileTexts {
    invalid_display_name: Formatted(|f| {
        write!(
            f,
            "The name must not be empty and may have at most {} characters.",
            limits::NAME
        )
    }),
    invalid_email: "Enter a valid e-mail address.",
    invalid_phone: "Enter a valid phone number (e.g. 0312 555 12 34).",
    wrong_current_password: "The current password is not correct.",
    invalid_new_password: Formatted(|f| {
        write!(
            f,
            "The new password must have {} to {} characters.",
            limits::PASSWORD_MIN,
            limits::PASSWORD_MAX
        )
    }),
    passwords_differ: "The new password and its repetition differ.",
    check_fields: "Please correct the marked fields.",
    profile_saved: "Your details were saved.",
    password_changed: "Your password was changed; your other sessions were ended.",
    change_password: "Change password",
    current_password: "Current password",
    new_password: Formatted(|f| {
        write!(
            f,
            "New password ({}–{} characters)",
            limits::PASSWORD_MIN,
            limits::PASSWORD_MAX
        )
    }),
    new_password_again: "New password (again)",
};
