//! Staff entry (`http::entry`) and the receipt (`http::receipt`, the
//! receipt's PDF): the forms, the caller panel, the refused fields and the
//! receipt's lines.

use tekmerkez_types::limits;

use super::{Formatted, grouped};

/// Every text of the entry screens and the receipt, in one language.
#[derive(Debug)]
pub struct EntryTexts {
    pub menu_call: &'static str,
    pub menu_letter: &'static str,
    pub menu_counter: &'static str,
    pub menu_video: &'static str,
    pub menu_taken: &'static str,
    pub intro_call: &'static str,
    pub intro_letter: &'static str,
    pub intro_counter: &'static str,
    pub intro_video: &'static str,
    pub caller: &'static str,
    pub caller_number: &'static str,
    pub withheld: &'static str,
    pub ivr_steps: &'static str,
    pub earlier: &'static str,
    pub no_earlier: &'static str,
    /// The title of an earlier application's link: its public status
    /// (`/takip`), in a new tab, so the call's form stays as typed.
    pub earlier_status: &'static str,
    pub no_call: &'static str,
    pub applicant: &'static str,
    pub legend_application: &'static str,
    pub legend_info: &'static str,
    pub subject: &'static str,
    /// The application type select, and its "left to routing" choice.
    pub application_type: &'static str,
    pub type_by_routing: &'static str,
    pub text: &'static str,
    pub province: &'static str,
    pub district: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub reply: &'static str,
    pub reply_sms: &'static str,
    pub reply_phone: &'static str,
    pub reply_email: &'static str,
    pub reply_letter: &'static str,
    pub queue_ticket: &'static str,
    pub letter_ref: &'static str,
    pub video_ref: &'static str,
    pub info_only: &'static str,
    pub info_answer: &'static str,
    pub kvkk_title: &'static str,
    pub kvkk_notice: &'static str,
    pub kvkk_accepted: &'static str,
    pub special: &'static str,
    pub explicit: &'static str,
    pub submit: &'static str,
    pub errors_title: &'static str,
    pub unavailable: &'static str,
    pub conflict: &'static str,
    pub receipt_title: &'static str,
    pub tracking_number: &'static str,
    pub received_at: &'static str,
    pub channel: &'static str,
    pub channel_phone: &'static str,
    pub channel_written: &'static str,
    pub channel_face_to_face: &'static str,
    pub channel_video: &'static str,
    pub reference: &'static str,
    pub info_only_note: &'static str,
    pub consent: &'static str,
    pub explicit_yes: &'static str,
    pub track_hint: &'static str,
    pub read_out: &'static str,
    pub print: &'static str,
    pub pdf: &'static str,
    pub new_entry: &'static str,
    pub taken_empty: &'static str,
    pub receipt: &'static str,
    pub status: &'static str,
    pub status_received: &'static str,
    pub status_in_pool: &'static str,
    pub status_in_progress: &'static str,
    pub status_awaiting_callback: &'static str,
    pub status_resolved: &'static str,
    /// The empty choice of a list ("Seçiniz").
    pub choose: &'static str,
    /// The district list before a province is chosen.
    pub choose_province_first: &'static str,
    /// The message for every field intake may refuse.
    pub field_errors: FieldErrors,
}

/// One message per field intake's staff endpoint may refuse.
#[derive(Debug)]
pub struct FieldErrors {
    pub channel: &'static str,
    pub category: &'static str,
    pub text: Formatted,
    pub province: &'static str,
    pub district: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    /// An SMS reply with a number that is not a mobile one.
    pub phone_mobile: &'static str,
    pub email: &'static str,
    /// A non-ASCII address the mail relay cannot send to.
    pub email_ascii: &'static str,
    pub address: &'static str,
    pub reply_channel: &'static str,
    /// `kvkk_consent` and `kvkk_consent.accepted`.
    pub consent: &'static str,
    pub consent_text_version: &'static str,
    pub consent_special_category: &'static str,
    pub special_category_data: &'static str,
    pub queue_ticket: Formatted,
    pub reference: Formatted,
    pub information_only: &'static str,
    pub information_answer: &'static str,
    /// Any other field.
    pub other: &'static str,
}

impl EntryTexts {
    /// The message for a refused `field` with the rules intake gave: a
    /// rule with its own message (an SMS reply to a landline) gets it.
    pub fn field_rule_error(&self, field: &str, rules: &[String]) -> String {
        let sms_to_landline = field == "applicant.phone"
            && rules
                .iter()
                .any(|r| r == tekmerkez_types::contact::SMS_NEEDS_MOBILE);
        if sms_to_landline {
            return self.field_errors.phone_mobile.to_owned();
        }
        let unreachable_address = field == "applicant.email"
            && rules
                .iter()
                .any(|r| r == tekmerkez_types::contact::EMAIL_NEEDS_ASCII);
        if unreachable_address {
            return self.field_errors.email_ascii.to_owned();
        }
        self.field_error(field)
    }

    /// The message for a refused `field`.
    pub fn field_error(&self, field: &str) -> String {
        let e = &self.field_errors;
        match field {
            "channel" => e.channel,
            "category" => e.category,
            "text" => return e.text.to_string(),
            "province" => e.province,
            "district" => e.district,
            "applicant.name" => e.name,
            "applicant.phone" => e.phone,
            "applicant.email" => e.email,
            "applicant.address" => e.address,
            "reply_channel" => e.reply_channel,
            "kvkk_consent" | "kvkk_consent.accepted" => e.consent,
            "kvkk_consent.text_version" => e.consent_text_version,
            "kvkk_consent.special_category" => e.consent_special_category,
            "special_category_data" => e.special_category_data,
            "queue_ticket" => return e.queue_ticket.to_string(),
            "reference" => return e.reference.to_string(),
            "information_only" => e.information_only,
            "information_answer" => e.information_answer,
            _ => e.other,
        }
        .to_owned()
    }

    /// The name of channel `code`.
    pub fn channel_name(&self, code: &str) -> &'static str {
        match code {
            "phone" => self.channel_phone,
            "written" => self.channel_written,
            "face_to_face" => self.channel_face_to_face,
            _ => self.channel_video,
        }
    }

    /// The name of reply channel `code`.
    pub fn reply_name(&self, code: &str) -> &'static str {
        match code {
            "sms" => self.reply_sms,
            "phone" => self.reply_phone,
            "email" => self.reply_email,
            _ => self.reply_letter,
        }
    }

    /// The name of the caller lookup's status `code`.
    pub fn status_name(&self, code: &str) -> &'static str {
        match code {
            "in_pool" => self.status_in_pool,
            "in_progress" => self.status_in_progress,
            "awaiting_callback" => self.status_awaiting_callback,
            "resolved" => self.status_resolved,
            _ => self.status_received,
        }
    }
}

pub const TR: EntryTexts = EntryTexts {
    menu_call: "Çağrı Kaydı",
    menu_letter: "Yazılı Başvuru (Dilekçe)",
    menu_counter: "Gişe Başvurusu",
    menu_video: "Görüntülü Görüşme",
    menu_taken: "Aldığım Kayıtlar",
    intro_call: "Başvuruyu görüşme sırasında kaydedin. Yalnızca bilgi verdiyseniz ilgili kutuyu işaretleyin: kayıt açılır ve hemen kapanır.",
    intro_letter: "Gelen dilekçeyi veya iletişim formunu kaydedin; ardından alındı belgesini yazdırıp başvuru sahibine verin.",
    intro_counter: "Gişeye gelen başvuru sahibinin başvurusunu sıra numarasıyla kaydedin ve alındı belgesini verin.",
    intro_video: "Çevrim içi görüntülü görüşmede alınan başvuruyu kaydedin; alındı belgesini PDF olarak iletebilirsiniz.",
    caller: "Arayan",
    caller_number: "Arayan numara",
    withheld: "Numara gizli",
    ivr_steps: "IVR'da tuşladıkları",
    earlier: "Arayanın önceki başvuruları",
    no_earlier: "Bu numaradan önceki başvuru yok.",
    earlier_status: "Başvurunun durumunu yeni sekmede aç",
    no_call: "Size bağlı bir çağrı görünmüyor; bilgileri arayandan alın.",
    applicant: "Başvuru sahibi",
    legend_application: "Başvuru",
    legend_info: "Yalnızca bilgi",
    subject: "Konu",
    application_type: "Başvuru türü",
    type_by_routing: "Yönlendirme kuralı belirlesin (yoksa talep)",
    text: "Başvuru metni",
    province: "İl",
    district: "İlçe",
    name: "Ad Soyad",
    phone: "Telefon",
    email: "E-posta",
    address: "Adres",
    reply: "Yanıt kanalı",
    reply_sms: "SMS",
    reply_phone: "Telefonla geri dönüş",
    reply_email: "E-posta",
    reply_letter: "Posta (yazılı yanıt)",
    queue_ticket: "Sıra numarası",
    letter_ref: "Gelen evrak no",
    video_ref: "Görüşme no",
    info_only: "Yalnızca bilgi verildi (kayıt açılır ve hemen kapanır)",
    info_answer: "Verilen bilgi",
    kvkk_title: "KVKK aydınlatma ve onay",
    kvkk_notice: "Kişisel verileriniz 6698 sayılı Kişisel Verilerin Korunması Kanunu uyarınca yalnızca başvurunuzun kaydı, ilgili birime yönlendirilmesi, sonuçlandırılması ve size yanıt verilmesi amacıyla işlenir; üçüncü kişilerle paylaşılmaz. Kanunun 11. maddesindeki haklarınızı kurumumuza başvurarak kullanabilirsiniz.",
    kvkk_accepted: "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    special: "Başvuru özel nitelikli kişisel veri içeriyor (sağlık, engellilik vb.)",
    explicit: "Başvuru sahibi özel nitelikli kişisel verilerinin işlenmesine açık rıza verdi.",
    submit: "Kaydet",
    errors_title: "Başvuru kaydedilemedi; aşağıdaki alanları düzeltin:",
    unavailable: "Başvuru şu anda kaydedilemedi; lütfen yeniden deneyin. Yazdıklarınız korunmuştur.",
    conflict: "Bu form daha önce farklı bilgilerle gönderilmiş. Lütfen yeni bir form açın.",
    receipt_title: "Başvuru Alındı Belgesi",
    tracking_number: "Takip numarası",
    received_at: "Kayıt tarihi",
    channel: "Başvuru kanalı",
    channel_phone: "Telefon (çağrı merkezi)",
    channel_written: "Yazılı başvuru",
    channel_face_to_face: "Yüz yüze (gişe)",
    channel_video: "Görüntülü görüşme",
    reference: "Evrak / görüşme no",
    info_only_note: "Bilgi verildi; başvuru kaydedildi ve kapatıldı.",
    consent: "KVKK onayı",
    explicit_yes: "Özel nitelikli kişisel veriler için açık rıza alındı.",
    track_hint: "Başvurunuzun durumunu takip numarası ve telefonunuzun son dört hanesiyle şu adresten sorgulayabilirsiniz:",
    read_out: "Takip numarasını başvuru sahibine okuyun.",
    print: "Yazdır",
    pdf: "PDF indir",
    new_entry: "Yeni kayıt",
    taken_empty: "Henüz kaydettiğiniz bir başvuru yok.",
    receipt: "Alındı belgesi",
    status: "Durum",
    status_received: "Alındı",
    status_in_pool: "Havuzda",
    status_in_progress: "İşlemde",
    status_awaiting_callback: "Geri dönüş bekliyor",
    status_resolved: "Sonuçlandı",
    choose: "Seçiniz",
    choose_province_first: "Önce il seçin",
    field_errors: FieldErrors {
        channel: "Başvuru kanalı geçersiz.",
        category: "Bir konu seçin.",
        text: Formatted(|f| {
            write!(
                f,
                "Başvuru metnini yazın (en çok {} karakter).",
                grouped(limits::APPLICATION_TEXT, ' ')
            )
        }),
        province: "Bir il seçin.",
        district: "Seçilen ilin ilçelerinden birini seçin.",
        name: "Ad soyad geçersiz ya da çok uzun.",
        phone: "Geçerli bir Türkiye telefon numarası yazın; SMS ve telefonla yanıt için gereklidir.",
        phone_mobile: "SMS ile yanıt için cep telefonu numarası (05xx) gerekir; sabit hatta SMS gönderilemez.",
        email: "Geçerli bir e-posta adresi yazın; e-postayla yanıt için gereklidir.",
        email_ascii: "Bu e-posta adresinde Türkçe ya da başka ASCII dışı harf var; kurumun e-posta sunucusu böyle bir adrese yanıt gönderemiyor. Başvuru sahibinden Türkçe harfsiz bir adres isteyin ya da başka bir yanıt kanalı seçin.",
        address: "Adresi yazın; posta ile yanıt için gereklidir.",
        reply_channel: "Bir yanıt kanalı seçin.",
        consent: "Kişisel veri alındığında KVKK onayı işaretlenmelidir.",
        consent_text_version: "Aydınlatma metninin sürümü eksik.",
        consent_special_category: "Özel nitelikli kişisel veri için başvuru sahibinin açık rızası gereklidir.",
        special_category_data: "Açık rıza yalnızca özel nitelikli veri içeren başvurularda işaretlenir.",
        queue_ticket: Formatted(|f| {
            write!(
                f,
                "Gişe başvurusunda sıra numarası gereklidir (en çok {} karakter).",
                limits::REFERENCE
            )
        }),
        reference: Formatted(|f| {
            write!(f, "Numara en çok {} karakter olabilir.", limits::REFERENCE)
        }),
        information_only: "Yazılı başvuru her zaman yanıtlanır; yalnızca bilgi olarak kapatılamaz.",
        information_answer: "Yalnızca bilgi verilen başvuruda verilen bilgiyi yazın.",
        other: "Bu alan geçersiz.",
    },
};

pub const EN: EntryTexts = EntryTexts {
    menu_call: "Call entry",
    menu_letter: "Letter",
    menu_counter: "Counter visit",
    menu_video: "Video meeting",
    menu_taken: "Records I took",
    intro_call: "Record the application during the call. If you only gave information, tick the box: the record is opened and resolved at once.",
    intro_letter: "Record the incoming letter or contact form, then print the receipt and hand it to the applicant.",
    intro_counter: "Record the visitor's application with their queue ticket number and hand them the receipt.",
    intro_video: "Record the application taken in an online video meeting; the receipt can be sent as a PDF.",
    caller: "Caller",
    caller_number: "Caller's number",
    withheld: "Number withheld",
    ivr_steps: "Keys pressed in the IVR",
    earlier: "The caller's earlier applications",
    no_earlier: "No earlier applications from this number.",
    earlier_status: "Open the application's status in a new tab",
    no_call: "No call is connected to you; take the details from the caller.",
    applicant: "Applicant",
    legend_application: "Application",
    legend_info: "Information only",
    subject: "Subject",
    application_type: "Application type",
    type_by_routing: "Left to the routing rule (else request)",
    text: "Application text",
    province: "Province",
    district: "District",
    name: "Full name",
    phone: "Phone",
    email: "E-mail",
    address: "Address",
    reply: "Reply channel",
    reply_sms: "SMS",
    reply_phone: "Phone callback",
    reply_email: "E-mail",
    reply_letter: "Letter (post)",
    queue_ticket: "Queue ticket number",
    letter_ref: "Incoming document number",
    video_ref: "Meeting number",
    info_only: "Information only (the record is opened and resolved at once)",
    info_answer: "Information given",
    kvkk_title: "KVKK notice and consent",
    kvkk_notice: "Your personal data is processed under Law No. 6698 on the Protection of Personal Data only to record your application, route it to the responsible unit, resolve it and answer you; it is not shared with third parties. You may exercise your rights under Article 11 of the Law by applying to us.",
    kvkk_accepted: "The notice was read out or handed to the applicant; they accept the processing of their personal data for this application.",
    special: "The application holds special-category personal data (health, disability and the like)",
    explicit: "The applicant gave explicit consent to the processing of special-category data.",
    submit: "Save",
    errors_title: "The application was not recorded; correct these fields:",
    unavailable: "The application could not be recorded just now; please try again. What you wrote is kept.",
    conflict: "This form was already sent with other content. Please open a new form.",
    receipt_title: "Application Receipt",
    tracking_number: "Tracking number",
    received_at: "Recorded at",
    channel: "Channel",
    channel_phone: "Phone (call centre)",
    channel_written: "Letter",
    channel_face_to_face: "In person (counter)",
    channel_video: "Video meeting",
    reference: "Document / meeting number",
    info_only_note: "Information was given; the application was recorded and closed.",
    consent: "KVKK consent",
    explicit_yes: "Explicit consent for special-category data was obtained.",
    track_hint: "Track your application with the tracking number and the last four digits of your phone at:",
    read_out: "Read the tracking number to the applicant.",
    print: "Print",
    pdf: "Download PDF",
    new_entry: "New entry",
    taken_empty: "You have not recorded any applications yet.",
    receipt: "Receipt",
    status: "Status",
    status_received: "Received",
    status_in_pool: "In the pool",
    status_in_progress: "In progress",
    status_awaiting_callback: "Awaiting callback",
    status_resolved: "Resolved",
    choose: "Choose",
    choose_province_first: "Choose a province first",
    field_errors: FieldErrors {
        channel: "The channel is not valid.",
        category: "Choose a subject.",
        text: Formatted(|f| {
            write!(
                f,
                "Write the application text (at most {} characters).",
                grouped(limits::APPLICATION_TEXT, ',')
            )
        }),
        province: "Choose a province.",
        district: "Choose one of the chosen province's districts.",
        name: "The name is not valid or too long.",
        phone: "Give a valid Turkish phone number; an SMS or phone reply needs it.",
        phone_mobile: "An SMS reply needs a mobile number (05xx); an SMS cannot reach a landline.",
        email: "Give a valid e-mail address; an e-mail reply needs it.",
        email_ascii: "This e-mail address has Turkish or other non-ASCII letters; the institution's mail server cannot send an answer to it. Ask the applicant for an address without them or choose another reply channel.",
        address: "Give the address; a reply by post needs it.",
        reply_channel: "Choose a reply channel.",
        consent: "When personal data is taken, the KVKK consent must be ticked.",
        consent_text_version: "The notice version is missing.",
        consent_special_category: "Special-category data needs the applicant's explicit consent.",
        special_category_data: "Explicit consent is ticked only for applications with special-category data.",
        queue_ticket: Formatted(|f| {
            write!(
                f,
                "A counter visit needs its queue ticket number (at most {} characters).",
                limits::REFERENCE
            )
        }),
        reference: Formatted(|f| {
            write!(
                f,
                "The number may have at most {} characters.",
                limits::REFERENCE
            )
        }),
        information_only: "A letter is always answered; it cannot be closed as information only.",
        information_answer: "For an information-only application, write the information given.",
        other: "This field is not valid.",
    },
};
