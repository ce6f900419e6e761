//! *Gönderilecek Mektuplar* (`http::letters`): the answer letters to print
//! and post, the posted ones, and what marking them did.

/// Every text of the letters page, in one language.
#[derive(Debug)]
pub struct LettersTexts {
    /// The menu entry and the page's heading.
    pub menu: &'static str,
    pub heading_waiting: &'static str,
    pub heading_posted: &'static str,
    /// The two lists, as a switch above the table.
    pub show_waiting: &'static str,
    pub show_posted: &'static str,
    pub intro: &'static str,
    pub empty_waiting: &'static str,
    pub empty_posted: &'static str,
    /// Columns.
    pub number: &'static str,
    pub date: &'static str,
    pub recipient: &'static str,
    pub address: &'static str,
    pub pool: &'static str,
    pub letter: &'static str,
    pub posted_at: &'static str,
    pub posted_by: &'static str,
    /// Actions.
    pub open_pdf: &'static str,
    pub mark_one: &'static str,
    pub mark_selected: &'static str,
    /// The addressee when the citizen gave no name.
    pub no_name: &'static str,
    /// What marking did: the letters this click posted, and those someone
    /// had posted already (each followed by their numbers).
    pub marked: &'static str,
    pub already: &'static str,
    pub nothing_selected: &'static str,
    pub not_found: &'static str,
    /// The pool manager's page: letters of the managed pools still to post.
    pub manager_count: &'static str,
    /// The record page.
    pub record_letter: &'static str,
    pub record_waiting: &'static str,
    pub record_posted: &'static str,
    /// No font for PDFs (staff entry off).
    pub pdf_unavailable: &'static str,
    /// The task step of a posting, on the record page.
    pub step_posted: &'static str,
}

pub const TR: LettersTexts = LettersTexts {
    menu: "Gönderilecek Mektuplar",
    heading_waiting: "Gönderilecek Mektuplar",
    heading_posted: "Postalanan Mektuplar",
    show_waiting: "Gönderilecekler",
    show_posted: "Postalananlar",
    intro: "Mektupla yanıt isteyen vatandaşlara gidecek resmî yazılar. Her birini açıp yazdırın, zarflayıp postaladıktan sonra “Postalandı olarak işaretle” deyin; işaretlenen mektup bu listeden çıkar.",
    empty_waiting: "Postalanmayı bekleyen mektup yok.",
    empty_posted: "Henüz postalanan mektup yok.",
    number: "Sayı",
    date: "Tarih",
    recipient: "Alıcı",
    address: "Posta adresi",
    pool: "Havuz",
    letter: "Mektup",
    posted_at: "Postalanma",
    posted_by: "Postalayan",
    open_pdf: "Aç / Yazdır (PDF)",
    mark_one: "Postalandı olarak işaretle",
    mark_selected: "Seçilenleri postalandı olarak işaretle",
    no_name: "Başvuru Sahibi (ad verilmedi)",
    marked: "Postalandı olarak işaretlendi:",
    already: "Zaten postalanmıştı (değişiklik yapılmadı):",
    nothing_selected: "İşaretlemek için en az bir mektup seçiniz.",
    not_found: "Seçilen mektuplardan en az biri bulunamadı veya sizin havuzlarınızda değil; hiçbiri işaretlenmedi.",
    manager_count: "Havuzlarınızda postalanmayı bekleyen mektup:",
    record_letter: "Yanıt mektubu",
    record_waiting: "postalanmayı bekliyor",
    record_posted: "postalandı",
    pdf_unavailable: "Mektup PDF'i şu anda hazırlanamıyor (yazı tipi ayarlanmamış).",
    step_posted: "Yanıt mektubu postalandı",
};

pub const EN: LettersTexts = LettersTexts {
    menu: "Letters to post",
    heading_waiting: "Letters to post",
    heading_posted: "Posted letters",
    show_waiting: "To post",
    show_posted: "Posted",
    intro: "Official letters to citizens who asked for a reply by post. Open and print each one; once it is in the post, mark it posted and it leaves this list.",
    empty_waiting: "No letter is waiting to be posted.",
    empty_posted: "No letter has been posted yet.",
    number: "Number",
    date: "Date",
    recipient: "Recipient",
    address: "Postal address",
    pool: "Pool",
    letter: "Letter",
    posted_at: "Posted",
    posted_by: "Posted by",
    open_pdf: "Open / print (PDF)",
    mark_one: "Mark as posted",
    mark_selected: "Mark selected as posted",
    no_name: "Applicant (no name given)",
    marked: "Marked as posted:",
    already: "Already posted (nothing changed):",
    nothing_selected: "Select at least one letter to mark.",
    not_found: "At least one of the selected letters was not found or is not in your pools; none was marked.",
    manager_count: "Letters of your pools waiting to be posted:",
    record_letter: "Answer letter",
    record_waiting: "waiting to be posted",
    record_posted: "posted",
    pdf_unavailable: "The letter's PDF cannot be made now (no font is configured).",
    step_posted: "Answer letter posted",
};
