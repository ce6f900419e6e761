//! The sign-in page (`http::auth`).

/// Every text of the sign-in page, in one language.
#[derive(Debug)]
pub struct AuthTexts {
    pub sign_in_title: &'static str,
    pub sign_in: &'static str,
    pub bad_credentials: &'static str,
    pub missing_fields: &'static str,
    pub dev_hint: &'static str,
    pub track_link: &'static str,
    pub session_ended: &'static str,
}

pub const TR: AuthTexts = AuthTexts {
    sign_in_title: "Giriş",
    sign_in: "Giriş yap",
    bad_credentials: "Kullanıcı adı veya parola hatalı ya da hesap geçici olarak kilitli. Beş hatalı denemeden sonra hesap 15 dakika kilitlenir.",
    missing_fields: "Kullanıcı adını ve parolayı giriniz.",
    dev_hint: "Geliştirme kipi: örnek kullanıcılar ve ortak parola:",
    track_link: "Başvurunuzu takip edin",
    session_ended: "Oturumunuz sona erdi (uzun süre işlem yapılmadı ya da oturum kapatıldı); son işleminiz kaydedilmedi. Lütfen yeniden giriş yapınız.",
};

pub const EN: AuthTexts = AuthTexts {
    sign_in_title: "Sign in",
    sign_in: "Sign in",
    bad_credentials: "Wrong user name or password, or the account is locked for a while. After five failed attempts an account is locked for 15 minutes.",
    missing_fields: "Enter your user name and password.",
    dev_hint: "Development mode: demo users and their shared password:",
    track_link: "Track your application",
    session_ended: "Your session ended (it was idle too long or was closed); your last action was not saved. Please sign in again.",
};
