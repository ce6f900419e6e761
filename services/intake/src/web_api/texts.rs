//! The words of the citizen's form and its thank-you page, in Turkish and
//! English: one struct, a `const` per language. The language is `?lang=en`
//! (or `tr`) on the address, else the language cookie the staff screens and
//! the tracking page set, else Turkish.

use axum::http::{HeaderMap, header};

/// The cookie the gateway's pages keep the chosen language in; the form
/// reads and sets the same one, so the citizen's choice holds on `/takip`.
pub(super) const LANG_COOKIE: &str = "tmk_dil";

/// Every text of the form pages, in one language.
#[derive(Debug)]
pub(super) struct FormTexts {
    /// `tr` or `en`: the page's `lang` and the `?lang=` it links with.
    pub code: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    /// The link to the other language, and that language's code.
    pub other_language: &'static str,
    pub other_code: &'static str,
    pub choose: &'static str,
    pub category: &'static str,
    /// The kind of application, and each type's label in
    /// `ApplicationType` order (talep … teşekkür).
    pub application_type: &'static str,
    pub types: [&'static str; 6],
    pub province: &'static str,
    pub district: &'static str,
    /// The neighbourhood field, optional, and its hint.
    pub neighbourhood: &'static str,
    pub neighbourhood_hint: &'static str,
    /// The point the browser gives: the group's name, the button, what the
    /// page says once a point is taken (`{lat}`, `{lon}`), the button that
    /// drops it, and what it says when the browser gives none.
    pub location: &'static str,
    pub use_location: &'static str,
    pub location_taken: &'static str,
    pub location_remove: &'static str,
    pub location_failed: &'static str,
    /// Above the outages of the district chosen (shown by the script).
    pub outages_here: &'static str,
    /// The link to every outage.
    pub all_outages: &'static str,
    pub text: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub reply: &'static str,
    pub reply_sms: &'static str,
    pub reply_phone: &'static str,
    pub reply_email: &'static str,
    pub reply_letter: &'static str,
    pub kvkk_title: &'static str,
    pub kvkk_notice: &'static str,
    pub kvkk_consent_note: &'static str,
    pub kvkk_accept: &'static str,
    pub submit: &'static str,
    pub fix_fields: &'static str,
    pub failure: &'static str,
    pub already_sent: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub tracking_number: &'static str,
    pub thanks_track: &'static str,
    pub track_link: &'static str,
    pub new_application: &'static str,
    pub render_failed: &'static str,
    err_required: &'static str,
    err_category: &'static str,
    err_type: &'static str,
    err_province: &'static str,
    err_district: &'static str,
    err_neighbourhood: &'static str,
    err_location: &'static str,
    err_text_long: &'static str,
    err_phone_needed: &'static str,
    err_phone_mobile: &'static str,
    err_phone: &'static str,
    err_email_needed: &'static str,
    err_email: &'static str,
    /// A non-ASCII address the mail relay cannot send to.
    err_email_ascii: &'static str,
    err_address: &'static str,
    err_reply: &'static str,
    err_kvkk: &'static str,
    err_long: &'static str,
    err_other: &'static str,
}

pub(super) const TR: FormTexts = FormTexts {
    code: "tr",
    title: "Başvuru formu",
    intro: "Şikâyet, talep, arıza bildirimi ya da sorunuzu bu formla iletebilirsiniz. Başvurunuz kaydedildiğinde size bir takip numarası verilir.",
    other_language: "English",
    other_code: "en",
    choose: "Seçiniz",
    category: "Başvuru konusu",
    application_type: "Başvuru türü",
    types: [
        "Talep",
        "Şikâyet",
        "Öneri",
        "İhbar",
        "Bilgi edinme (4982 sayılı Kanun)",
        "Teşekkür",
    ],
    province: "İl",
    district: "İlçe",
    neighbourhood: "Mahalle (isteğe bağlı)",
    neighbourhood_hint: "Listeden seçebilir ya da yazabilirsiniz.",
    location: "Konum (isteğe bağlı)",
    use_location: "Konumumu kullan",
    location_taken: "Konumunuz eklendi: {lat}, {lon}",
    location_remove: "Konumu kaldır",
    location_failed: "Konumunuz alınamadı; başvurunuzu konumsuz da gönderebilirsiniz.",
    outages_here: "Bu ilçede bildirilmiş bir kesinti var; aynı kesinti için ayrıca başvurmanıza gerek yok:",
    all_outages: "Tüm kesintiler",
    text: "Başvurunuz",
    name: "Adınız soyadınız",
    phone: "Telefon",
    email: "E-posta",
    address: "Posta adresi (mektupla dönüş için)",
    reply: "Size nasıl dönüş yapalım?",
    reply_sms: "SMS",
    reply_phone: "Telefonla arama",
    reply_email: "E-posta",
    reply_letter: "Mektup",
    kvkk_title: "Kişisel verilerin korunması hakkında aydınlatma metni",
    kvkk_notice: "6698 sayılı Kişisel Verilerin Korunması Kanunu uyarınca; adınız, iletişim bilgileriniz ve başvuru metniniz yalnızca başvurunuzu sonuçlandırmak ve size dönüş yapmak amacıyla işlenir, üçüncü kişilerle paylaşılmaz ve mevzuatta öngörülen süre boyunca saklanır. Kanunun 11. maddesindeki haklarınızı kurumumuza başvurarak kullanabilirsiniz.",
    kvkk_consent_note: "Aşağıdaki kutuyu işaretleyerek aydınlatma metnini okuduğunuzu ve kişisel verilerinizin bu amaçla işlenmesine açık rıza verdiğinizi belirtirsiniz.",
    kvkk_accept: "Okudum, açık rıza veriyorum.",
    submit: "Başvuruyu gönder",
    fix_fields: "Lütfen işaretli alanları düzeltin:",
    failure: "Başvurunuz şu anda kaydedilemedi. Lütfen biraz sonra yeniden deneyin.",
    already_sent: "Bu form daha önce başka bilgilerle gönderildi. Bu bilgilerle yeni bir başvuru yapmak için formu yeniden gönderin.",
    thanks_title: "Başvurunuz alındı",
    thanks_body: "Başvurunuz kaydedildi ve ilgili birime iletilmek üzere sıraya alındı. Takip numaranız:",
    tracking_number: "Takip numarası",
    thanks_track: "Bu numarayı ve telefonunuzun son dört hanesini kullanarak başvurunuzun durumunu takip edebilirsiniz.",
    track_link: "Başvurunuzu takip edin",
    new_application: "Yeni bir başvuru yap",
    render_failed: "Sayfa oluşturulamadı.",
    err_required: "Bu alan zorunludur.",
    err_category: "Lütfen bir başvuru konusu seçin.",
    err_type: "Lütfen başvurunuzun türünü seçin.",
    err_province: "Lütfen bir il seçin.",
    err_district: "Lütfen seçtiğiniz ile ait bir ilçe seçin.",
    err_neighbourhood: "Bu mahalle seçtiğiniz ilçede bulunamadı; lütfen listeden seçin ya da boş bırakın.",
    err_location: "Konum geçersiz; lütfen konumu kaldırın ya da yeniden alın.",
    err_text_long: "Başvuru metni en fazla 10.000 karakter olabilir.",
    err_phone_needed: "SMS ya da telefonla dönüş için telefon numarası gereklidir.",
    err_phone_mobile: "SMS ile dönüş için bir cep telefonu numarası (05xx) girin; sabit hatta ya da 0850 numarasına SMS gönderilemez.",
    err_phone: "Geçerli bir Türkiye telefon numarası girin (ör. 0532 123 45 67).",
    err_email_needed: "E-posta ile dönüş için e-posta adresi gereklidir.",
    err_email: "Geçerli bir e-posta adresi girin.",
    err_email_ascii: "Bu e-posta adresinde Türkçe harf (ç, ğ, ı, ö, ş, ü) ya da başka ASCII dışı \
        karakter var; kurumun e-posta sunucusu böyle bir adrese yanıt gönderemiyor. Lütfen \
        Türkçe harfsiz bir e-posta adresi yazın ya da başka bir dönüş yolu seçin.",
    err_address: "Mektupla dönüş için posta adresi gereklidir.",
    err_reply: "Lütfen size nasıl dönüş yapılacağını seçin.",
    err_kvkk: "Başvurunuzu işleyebilmemiz için aydınlatma metnini onaylamanız gerekir.",
    err_long: "Bu alan çok uzun.",
    err_other: "Bu alanı kontrol edin.",
};

pub(super) const EN: FormTexts = FormTexts {
    code: "en",
    title: "Application form",
    intro: "Send us a complaint, a request, a fault report or a question with this form. Once your application is recorded you get a tracking number.",
    other_language: "Türkçe",
    other_code: "tr",
    choose: "Choose",
    category: "Subject",
    application_type: "Type of application",
    types: [
        "Request",
        "Complaint",
        "Suggestion",
        "Report of wrongdoing",
        "Information request (Law 4982)",
        "Thanks",
    ],
    province: "Province",
    district: "District",
    neighbourhood: "Neighbourhood (optional)",
    neighbourhood_hint: "Pick it from the list or type it.",
    location: "Location (optional)",
    use_location: "Use my location",
    location_taken: "Your location was added: {lat}, {lon}",
    location_remove: "Remove the location",
    location_failed: "Your location could not be read; you can send your application without it.",
    outages_here: "An outage has been announced in this district; you need not apply about it:",
    all_outages: "All outages",
    text: "Your application",
    name: "Your full name",
    phone: "Phone",
    email: "E-mail",
    address: "Postal address (for a letter reply)",
    reply: "How should we reply?",
    reply_sms: "SMS",
    reply_phone: "Phone call",
    reply_email: "E-mail",
    reply_letter: "Letter",
    kvkk_title: "Privacy notice on the protection of personal data",
    kvkk_notice: "Under Law No. 6698 on the Protection of Personal Data (KVKK), your name, contact details and application text are processed only to settle your application and reply to you, are not shared with third parties and are kept for the period the regulations set. You may use your rights under Article 11 of the Law by applying to our institution.",
    kvkk_consent_note: "By ticking the box below you confirm that you have read the notice and give your explicit consent to your personal data being processed for this purpose.",
    kvkk_accept: "I have read it and consent.",
    submit: "Send application",
    fix_fields: "Please correct the marked fields:",
    failure: "Your application could not be recorded just now. Please try again in a little while.",
    already_sent: "This form was already sent with other details. To make a new application with these details, send the form again.",
    thanks_title: "Your application was received",
    thanks_body: "Your application was recorded and queued for the responsible unit. Your tracking number:",
    tracking_number: "Tracking number",
    thanks_track: "With this number and the last four digits of your phone you can follow the status of your application.",
    track_link: "Track your application",
    new_application: "Make another application",
    render_failed: "The page could not be built.",
    err_required: "This field is required.",
    err_category: "Choose what your application is about.",
    err_type: "Choose the type of your application.",
    err_province: "Choose a province.",
    err_district: "Choose a district of the chosen province.",
    err_neighbourhood: "This neighbourhood is not in the chosen district; pick one from the list or leave it empty.",
    err_location: "The location is not valid; remove it or take it again.",
    err_text_long: "The application text may be at most 10,000 characters.",
    err_phone_needed: "A reply by SMS or phone needs a phone number.",
    err_phone_mobile: "A reply by SMS needs a mobile number (05xx); an SMS cannot reach a landline or an 0850 number.",
    err_phone: "Enter a valid Turkish phone number (e.g. 0532 123 45 67).",
    err_email_needed: "A reply by e-mail needs an e-mail address.",
    err_email: "Enter a valid e-mail address.",
    err_email_ascii: "This e-mail address has Turkish (ç, ğ, ı, ö, ş, ü) or other non-ASCII \
        letters; the institution's mail server cannot send an answer to it. Please enter an \
        address without them, or choose another way to be answered.",
    err_address: "A reply by letter needs a postal address.",
    err_reply: "Choose how we should reply to you.",
    err_kvkk: "To process your application we need you to accept the privacy notice.",
    err_long: "This field is too long.",
    err_other: "Check this field.",
};

impl FormTexts {
    /// The texts of `code` (`en`, else Turkish).
    pub(super) fn of_code(code: &str) -> &'static Self {
        if code.trim().eq_ignore_ascii_case("en") {
            &EN
        } else {
            &TR
        }
    }

    /// The request's language: `?lang=` when given, else the cookie, else
    /// Turkish. The second value says whether `?lang=` chose it (then the
    /// answer sets the cookie).
    pub(super) fn of_request(lang: Option<&str>, headers: &HeaderMap) -> (&'static Self, bool) {
        if let Some(l) = lang.filter(|l| !l.trim().is_empty()) {
            return (Self::of_code(l), true);
        }
        let cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|p| p.trim().split_once('='))
            .rfind(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| v);
        (Self::of_code(cookie.unwrap_or("tr")), false)
    }

    /// Whether these are the English texts.
    pub(super) fn is_english(&self) -> bool {
        self.code == "en"
    }

    /// The message for a refused field of the request (`applicant.phone`)
    /// and its rule, in this language.
    pub(super) fn rule(&self, field: &str, rule: &str) -> &'static str {
        match (field, rule) {
            ("category", _) => self.err_category,
            ("application_type", _) => self.err_type,
            ("province", _) => self.err_province,
            ("district", _) => self.err_district,
            ("neighbourhood", _) => self.err_neighbourhood,
            ("latitude" | "longitude", _) => self.err_location,
            (f, _) if f.starts_with("kvkk_consent") => self.err_kvkk,
            ("reply_channel", _) => self.err_reply,
            (_, "must not be empty" | "is required") => self.err_required,
            ("text", "is too long") => self.err_text_long,
            ("applicant.phone", "is required for an SMS or phone reply") => self.err_phone_needed,
            ("applicant.phone", r) if r == tekmerkez_types::contact::SMS_NEEDS_MOBILE => {
                self.err_phone_mobile
            }
            ("applicant.phone", _) => self.err_phone,
            ("applicant.email", "is required for an e-mail reply") => self.err_email_needed,
            ("applicant.email", r) if r == tekmerkez_types::contact::EMAIL_NEEDS_ASCII => {
                self.err_email_ascii
            }
            ("applicant.email", _) => self.err_email,
            ("applicant.address", "is too long") => self.err_long,
            ("applicant.address", _) => self.err_address,
            (_, "is too long") => self.err_long,
            _ => self.err_other,
        }
    }

    /// The label of a form field (`telefon`), for the list of refused
    /// fields at the top of the form.
    pub(super) fn label(&self, field: &str) -> &'static str {
        match field {
            "kategori" => self.category,
            "tur" => self.application_type,
            "il" => self.province,
            "ilce" => self.district,
            "mahalle" => self.neighbourhood,
            "konum" => self.location,
            "metin" => self.text,
            "ad" => self.name,
            "telefon" => self.phone,
            "eposta" => self.email,
            "adres" => self.address,
            "yanit" => self.reply,
            "kvkk" => self.kvkk_title,
            _ => self.title,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_address_then_the_cookie_then_turkish() {
        let code = |lang, h: &HeaderMap| {
            let (t, chosen) = FormTexts::of_request(lang, h);
            (t.code, chosen)
        };
        let mut h = HeaderMap::new();
        assert_eq!(code(None, &h), ("tr", false));
        assert_eq!(code(Some("en"), &h), ("en", true));
        h.insert(header::COOKIE, "a=b; tmk_dil=en".parse().unwrap());
        assert_eq!(code(None, &h), ("en", false));
        assert_eq!(code(Some("tr"), &h), ("tr", true));
    }

    #[test]
    fn a_non_ascii_address_the_relay_cannot_reach_is_named_in_both_languages() {
        let rule = tekmerkez_types::contact::EMAIL_NEEDS_ASCII;
        assert!(TR.rule("applicant.email", rule).contains("Türkçe harf"));
        assert!(EN.rule("applicant.email", rule).contains("non-ASCII"));
    }

    #[test]
    fn a_wrong_place_is_named_in_both_languages() {
        assert!(TR.rule("neighbourhood", "x").contains("mahalle"));
        assert!(EN.rule("neighbourhood", "x").contains("neighbourhood"));
        assert_eq!(TR.rule("longitude", "x"), TR.rule("latitude", "y"));
        assert!(EN.rule("latitude", "x").contains("location"));
    }

    #[test]
    fn a_landline_for_an_sms_reply_is_named_in_both_languages() {
        let rule = tekmerkez_types::contact::SMS_NEEDS_MOBILE;
        assert!(TR.rule("applicant.phone", rule).contains("cep telefonu"));
        assert!(EN.rule("applicant.phone", rule).contains("mobile number"));
    }
}
