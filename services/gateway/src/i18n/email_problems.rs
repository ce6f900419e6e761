//! *E-posta Sorunları* (`http::email_problems`): the e-mails no case could
//! be made of, for the staff who look after the mailbox.

/// Every text of the page, in one language.
#[derive(Debug)]
pub struct EmailProblemsTexts {
    /// What the list is and what to do with a row.
    pub intro: &'static str,
    pub received_at: &'static str,
    pub reason: &'static str,
    pub mailbox: &'static str,
    pub folder: &'static str,
    pub uid: &'static str,
    pub message_id: &'static str,
    /// In place of a missing `Message-ID`.
    pub no_message_id: &'static str,
    pub empty: &'static str,
    /// "12 e-posta".
    pub total: fn(u64) -> String,
    /// Staff entry (and so intake's staff API) is off in this deployment.
    pub not_configured: &'static str,
    pub no_sender: &'static str,
    pub unparseable: &'static str,
    pub no_content: &'static str,
    pub bad_sender: &'static str,
    pub unknown_reason: &'static str,
}

impl EmailProblemsTexts {
    /// The reason of intake's code `code`, in words.
    pub fn reason_name(&self, code: &str) -> &'static str {
        match code {
            "no_sender" => self.no_sender,
            "unparseable" => self.unparseable,
            "empty" => self.no_content,
            "bad_sender" => self.bad_sender,
            _ => self.unknown_reason,
        }
    }
}

pub const TR: EmailProblemsTexts = EmailProblemsTexts {
    intro: "Bu e-postalardan başvuru açılamadı. Her biri posta kutusunda, $TekmerkezUnusable \
            işaretiyle duruyor: klasörü ve UID ya da Message-ID ile bulup okuyun; gerekirse \
            Yazılı Başvuru olarak kaydedin.",
    received_at: "Geldiği zaman",
    reason: "Neden",
    mailbox: "Posta kutusu",
    folder: "Klasör",
    uid: "UID",
    message_id: "Message-ID",
    no_message_id: "(yok)",
    empty: "Başvuru açılamayan e-posta yok.",
    total: |n| format!("{n} e-posta"),
    not_configured: "Bu kurulumda e-posta sorun listesine ulaşılamıyor (personel kaydı kapalı).",
    no_sender: "Gönderen adresi yok: yanıt verilecek kimse bulunamadı",
    unparseable: "İleti okunamadı",
    no_content: "Konu, metin ve ek yok",
    bad_sender: "Gönderen adresine yazılamıyor",
    unknown_reason: "Bilinmeyen neden",
};

pub const EN: EmailProblemsTexts = EmailProblemsTexts {
    intro: "No application could be opened from these e-mails. Each stays in the mailbox with \
            the $TekmerkezUnusable keyword: find it by folder and UID or by Message-ID, read it, \
            and record it as a written application if need be.",
    received_at: "Received",
    reason: "Reason",
    mailbox: "Mailbox",
    folder: "Folder",
    uid: "UID",
    message_id: "Message-ID",
    no_message_id: "(none)",
    empty: "There are no e-mails that could not become an application.",
    total: |n| format!("{n} {}", if n == 1 { "e-mail" } else { "e-mails" }),
    not_configured: "The e-mail problem list cannot be reached in this deployment (staff entry is off).",
    no_sender: "No sender address: nobody to answer",
    unparseable: "The message could not be read",
    no_content: "No subject, text or file",
    bad_sender: "The sender's address cannot be written to",
    unknown_reason: "Unknown reason",
};
