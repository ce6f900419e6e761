//! The record page (`http::record`): the application, notes, the answer,
//! transfer, callback outcome and the task steps.

use tekmerkez_types::limits;

use super::Formatted;

/// Every text of the record page, in one language.
#[derive(Debug)]
pub struct RecordTexts {
    pub record: &'static str,
    pub record_not_found: &'static str,
    pub applicant: &'static str,
    pub contact_hidden: &'static str,
    pub application_text: &'static str,
    pub notes: &'static str,
    pub no_notes: &'static str,
    pub new_note: &'static str,
    pub add_note: &'static str,
    pub official_answer: &'static str,
    pub show_steps: &'static str,
    /// The note rule's warning on a record, for the case's own rule (its
    /// policy's days, and whether they are working days).
    pub note_rule_warning: fn(NoteRule) -> String,
    pub note_added: &'static str,
    pub record_closed: &'static str,
    pub record_changed: &'static str,
    /// A close refused by the note rule (the case's rule, as above).
    pub note_rule_blocks: fn(NoteRule) -> String,
    /// A note, answer or call note empty or over [`limits::NOTE`].
    pub text_invalid: Formatted,
    pub step_opened: &'static str,
    pub step_claimed: &'static str,
    pub step_assigned: &'static str,
    pub step_transferred: &'static str,
    pub step_note: &'static str,
    pub step_closed: &'static str,
    pub step_callback_claimed: &'static str,
    pub step_callback_recorded: &'static str,
    pub step_resolved: &'static str,
    pub step_reopened: &'static str,
    /// Task step: the citizen wrote again (a reply, a later message).
    pub step_citizen_message: &'static str,
    pub step_not_reached: &'static str,
    pub step_not_reached_resolved: &'static str,
    /// The due dates on the record: labels, the days left (`{n}` working
    /// days), due today, late, extended, the wait for the citizen.
    pub legal_due_label: &'static str,
    pub internal_due_label: &'static str,
    pub days_left: &'static str,
    pub due_today: &'static str,
    pub days_late: &'static str,
    pub extended: &'static str,
    pub awaiting_citizen: &'static str,
    /// The due dates' task steps.
    pub step_legal_extended: &'static str,
    pub step_awaiting_started: &'static str,
    pub step_awaiting_ended: &'static str,
    pub step_linked_to_incident: &'static str,
    pub step_unlinked_from_incident: &'static str,
    /// How long the wait for the citizen lasted (hours, minutes), for its
    /// task step.
    pub waited: fn(u64, u64) -> String,
    /// What the callback unit did about a citizen not reached, by
    /// `NotReachedOutcome` number (the form's choices and the task steps).
    pub reach_outcomes: [&'static str; 5],
    /// The banner of a record whose answer did not reach the citizen.
    pub not_reached_title: &'static str,
    pub not_reached_help: &'static str,
    pub reach_choose: &'static str,
    pub reach_note: &'static str,
    pub reach_save: &'static str,
    pub reach_choose_needed: &'static str,
    pub reach_note_too_long: &'static str,
    pub reach_already_done: &'static str,
    pub reach_letter_impossible: &'static str,
    /// The label of a note that is the citizen's own message.
    pub citizen_note: &'static str,
    pub choose_outcome: &'static str,
    pub retry_time_needed: &'static str,
    pub callback_saved: &'static str,
    pub transfer: &'static str,
    pub reply_channel: &'static str,
    pub callback_outcome: &'static str,
    pub outcome_reached: &'static str,
    pub outcome_not_reached: &'static str,
    pub outcome_unreachable: &'static str,
    pub retry_at: &'static str,
    pub callback_note: &'static str,
    pub callback_attempts: &'static str,
    pub save_outcome: &'static str,
    pub attachments: &'static str,
    /// `tekmerkez.common.v1.ReplyChannel` by number (the last, no contact
    /// detail, is only shown: staff entry never offers it).
    pub reply_channel_names: [&'static str; 7],
    /// The delivery log: messages to the citizen.
    pub delivery: DeliveryTexts,
    /// The citizen's other applications.
    pub related: RelatedTexts,
    /// When the application was received.
    pub received_at: &'static str,
    /// The applicant's postal address.
    pub address: &'static str,
    /// Where the answer goes (the number or address the reply channel uses).
    pub reply_to: &'static str,
    /// Who holds the record now.
    pub holder: &'static str,
    pub nobody: &'static str,
    /// *Üzerime Al* on the record page, and what it leads to.
    pub claim: &'static str,
    pub claimed: &'static str,
    pub claim_failed: &'static str,
    /// The pool manager's assignment from the record page.
    pub assign: &'static str,
    pub assign_to: &'static str,
    pub choose_expert: &'static str,
    pub assigned: &'static str,
    pub assign_failed: &'static str,
    /// The button that saves the answer says that it closes the record.
    pub close_button: &'static str,
    /// The box the person ticks to confirm closing (works without scripts).
    pub close_confirm: &'static str,
    pub close_confirm_needed: &'static str,
    /// The note rule's refusal, next to the note box (the case's rule).
    pub note_first: fn(NoteRule) -> String,
    pub answer_needed: Formatted,
    pub note_needed: Formatted,
    pub retry_time_past: &'static str,
    pub call_note_too_long: Formatted,
    /// The task steps' words: who did it, and from → to.
    pub step_by: &'static str,
    pub step_status: &'static str,
    pub step_holder: &'static str,
    pub step_pool: &'static str,
    pub the_system: &'static str,
    /// Short callback outcomes for the task steps, by `CallbackOutcome` number.
    pub outcome_short: [&'static str; 4],
    /// A record resolved as information only.
    pub information_given: &'static str,
    /// The reply sent when a record was resolved.
    pub reply_sent_by: &'static str,
    /// Where a record went, told to its former holder.
    pub gone: GoneTexts,
    /// Reopening a record the callback agent resolved today.
    pub reopen: &'static str,
    pub reopen_reason: &'static str,
    pub reopen_hint: &'static str,
    pub reopened: &'static str,
    pub reopen_reason_invalid: Formatted,
    pub reopen_failed: &'static str,
    /// Above what the person typed on a record they can no longer write to.
    pub kept_typing: &'static str,
}

pub const TR: RecordTexts = RecordTexts {
    record: "Kayıt",
    record_not_found: "Kayıt bulunamadı.",
    applicant: "Başvuru sahibi",
    contact_hidden: "(iletişim bilgileri gizli)",
    application_text: "Başvuru metni",
    notes: "Notlar",
    no_notes: "Henüz not yok.",
    new_note: "Yeni not",
    add_note: "Not Ekle",
    official_answer: "Yetkili Açıklaması",
    show_steps: "İşlem Detaylarını Göster",
    note_rule_warning: |r| {
        format!(
            "Bu kayıt {} uzun süredir havuzda: kaydetmeden önce bir not eklemelisiniz.",
            r.tr_ablative()
        )
    },
    note_added: "Not eklendi.",
    record_closed: "Yetkili açıklaması kaydedildi; kayıt kapatıldı.",
    record_changed: "Kayıt siz bakarken değişti ya da form iki kez gönderildi; hiçbir şey iki kez yazılmadı. Sayfa yenilendi.",
    note_rule_blocks: |r| {
        format!(
            "Kaydedilemedi: {} kuralı gereği önce bir not eklemelisiniz.",
            r.tr_days()
        )
    },
    text_invalid: Formatted(|f| {
        write!(
            f,
            "Metin boş olamaz ve en çok {} karakter olabilir.",
            limits::NOTE
        )
    }),
    step_opened: "Başvuru açıldı",
    step_claimed: "Uzman üzerine aldı",
    step_assigned: "Uzmana atandı",
    step_transferred: "Başka havuza aktarıldı",
    step_note: "Not eklendi",
    step_closed: "Uzman kapattı",
    step_callback_claimed: "Geri dönüş temsilcisi aldı",
    step_callback_recorded: "Geri dönüş sonucu kaydedildi",
    step_resolved: "Sonuçlandı",
    step_reopened: "Yeniden açıldı",
    step_citizen_message: "Vatandaştan yeni ileti",
    step_not_reached: "Vatandaşa ulaşılamadı",
    step_not_reached_resolved: "Ulaşılamayan vatandaş için işlem yapıldı",
    legal_due_label: "Yasal son gün",
    internal_due_label: "Kurum içi hedef",
    days_left: "{n} iş günü kaldı",
    due_today: "bugün son gün",
    days_late: "{n} iş günü gecikti",
    extended: "uzatıldı",
    awaiting_citizen: "Vatandaştan bilgi bekleniyor: iç hedef durduruldu",
    step_legal_extended: "Yasal cevap süresi uzatıldı",
    step_awaiting_started: "Vatandaştan bilgi bekleniyor",
    step_awaiting_ended: "Vatandaştan beklenen bilgi geldi",
    step_linked_to_incident: "Olaya bağlandı",
    step_unlinked_from_incident: "Olaydan çıkarıldı",
    waited: |h, m| match (h, m) {
        (0, m) => format!("{m} dakika beklendi"),
        (h, 0) => format!("{h} saat beklendi"),
        (h, m) => format!("{h} saat {m} dakika beklendi"),
    },
    reach_outcomes: [
        "",
        "telefonla arandı, yanıt iletildi",
        "başka bir kanaldan ulaşıldı",
        "yanıt mektupla gönderilecek (Gönderilecek Mektuplar'a eklenir)",
        "tüm yollar denendi, ulaşılamıyor",
    ],
    not_reached_title: "Yanıt vatandaşa ulaşmadı",
    not_reached_help: "Vatandaşı arayın, başka bir kanaldan yazın ya da mektupla gönderin; sonra ne yaptığınızı kaydedin. Kayıt o zaman Ulaşılamayanlar listesinden çıkar.",
    reach_choose: "Ne yapıldı?",
    reach_note: "Not (isteğe bağlı)",
    reach_save: "Kaydet",
    reach_choose_needed: "Ne yapıldığını seçiniz.",
    reach_note_too_long: "Not çok uzun.",
    reach_already_done: "Bu kayıt için başka biri işlem yaptı; kayıt artık Ulaşılamayanlar listesinde değil.",
    reach_letter_impossible: "Mektup gönderilemez: kayıtta posta adresi yok. Vatandaşı arayın ya da başka bir kanaldan ulaşın.",
    citizen_note: "Vatandaşın iletisi",
    choose_outcome: "Görüşmenin sonucunu seçiniz.",
    retry_time_needed: "“Ulaşılamadı” için yeniden aranacağı ileri bir tarih ve saat giriniz.",
    callback_saved: "Geri dönüş sonucu kaydedildi.",
    transfer: "Başka Havuza Aktar",
    reply_channel: "Yanıt kanalı",
    callback_outcome: "Geri Dönüş Sonucu",
    outcome_reached: "Ulaşıldı, bilgi verildi (saha çalışması teyit edildi)",
    outcome_not_reached: "Ulaşılamadı, yeniden aranacak",
    outcome_unreachable: "Ulaşılması mümkün değil (yanlış numara, tekrarlanan başarısız aramalar)",
    retry_at: "Yeniden arama zamanı",
    callback_note: "Görüşme notu",
    callback_attempts: "Geri dönüş denemesi",
    save_outcome: "Sonucu Kaydet",
    attachments: "Ekler",
    reply_channel_names: [
        "",
        "SMS",
        "Telefonla geri dönüş",
        "E-posta",
        "Mektup",
        "Yanıt gönderilemez (iletişim bilgisi yok)",
        "Sosyal medya yazışmasında",
    ],
    delivery: DELIVERY_TR,
    related: RELATED_TR,
    received_at: "Alındığı tarih",
    address: "Adres",
    reply_to: "Yanıtın gideceği yer",
    holder: "Kayıt kimde",
    nobody: "Kimsede değil",
    claim: "Üzerime Al",
    claimed: "Kayıt üzerinize alındı.",
    claim_failed: "Kayıt üzerinize alınamadı: başka biri almış ya da kayıt artık havuzda değil.",
    assign: "Uzmana Ata",
    assign_to: "Atanacak uzman",
    choose_expert: "Atanacak uzmanı seçiniz.",
    assigned: "Kayıt uzmana atandı.",
    assign_failed: "Kayıt atanamadı: kayıt siz bakarken değişti ya da uzman bu havuzda değil.",
    close_button: "Kaydet ve Kaydı Kapat",
    close_confirm: "Kaydedince kayıt kapanır ve yetkili açıklaması vatandaşa seçtiği kanaldan iletilir; onaylıyorum.",
    close_confirm_needed: "Kaydı kapatmak için onay kutusunu işaretleyiniz.",
    note_first: |r| {
        format!(
            "Bu kayıt {} uzun süredir havuzda: kaydetmeden önce buraya bir not yazıp “Not Ekle” düğmesine basınız. Yetkili açıklamanız aşağıda duruyor.",
            r.tr_ablative()
        )
    },
    answer_needed: Formatted(|f| {
        write!(
            f,
            "Yetkili açıklaması boş olamaz ve en çok {} karakter olabilir.",
            limits::NOTE
        )
    }),
    note_needed: Formatted(|f| {
        write!(
            f,
            "Not boş olamaz ve en çok {} karakter olabilir.",
            limits::NOTE
        )
    }),
    retry_time_past: "Yeniden arama zamanı geçmişte kalıyor; ileri bir tarih ve saat giriniz.",
    call_note_too_long: Formatted(|f| {
        write!(f, "Görüşme notu en çok {} karakter olabilir.", limits::NOTE)
    }),
    step_by: "yapan",
    step_status: "durum",
    step_holder: "kişi",
    step_pool: "havuz",
    the_system: "sistem",
    outcome_short: [
        "",
        "ulaşıldı, bilgi verildi",
        "ulaşılamadı",
        "ulaşılması mümkün değil",
    ],
    information_given: "bilgi verilerek kapatıldı",
    reply_sent_by: "yanıt kanalı",
    gone: GONE_TR,
    reopen: "Kaydı Yeniden Aç",
    reopen_reason: "Yeniden açma gerekçesi",
    reopen_hint: "Bu kaydı siz sonuçlandırdınız: bugün saat 23.59’a kadar gerekçesini yazarak yeniden açabilirsiniz; kayıt yeniden sizin geri dönüşünüzü bekler.",
    reopened: "Kayıt yeniden açıldı; geri dönüşünüzü bekliyor.",
    reopen_reason_invalid: Formatted(|f| {
        write!(
            f,
            "Yeniden açma gerekçesi yazılmalı; en çok {} karakter olabilir.",
            limits::REASON
        )
    }),
    reopen_failed: "Kayıt yeniden açılamadı: yeniden açma süresi doldu ya da kayıt siz bakarken değişti.",
    kept_typing: "Yazdıklarınız kaydedilmedi; buradan kopyalayabilirsiniz:",
};

pub const EN: RecordTexts = RecordTexts {
    record: "Record",
    record_not_found: "Record not found.",
    applicant: "Applicant",
    contact_hidden: "(contact details hidden)",
    application_text: "Application text",
    notes: "Notes",
    no_notes: "No notes yet.",
    new_note: "New note",
    add_note: "Add note",
    official_answer: "Official answer",
    show_steps: "Show task steps",
    note_rule_warning: |r| {
        format!(
            "This record has been in its pool for more than {}: add a note before saving.",
            r.en_days()
        )
    },
    note_added: "Note added.",
    record_closed: "The official answer was saved; the record is closed.",
    record_changed: "The record changed while you were looking at it, or the form was sent twice; nothing was written twice. The page is up to date again.",
    note_rule_blocks: |r| {
        format!(
            "Not saved: under the {} rule you must add a note first.",
            r.en_rule()
        )
    },
    text_invalid: Formatted(|f| {
        write!(
            f,
            "The text must not be empty and may have at most {} characters.",
            limits::NOTE
        )
    }),
    step_opened: "Application opened",
    step_claimed: "Claimed by an expert",
    step_assigned: "Assigned to an expert",
    step_transferred: "Transferred to another pool",
    step_note: "Note added",
    step_closed: "Closed by the expert",
    step_callback_claimed: "Taken by a callback agent",
    step_callback_recorded: "Callback outcome recorded",
    step_resolved: "Resolved",
    step_reopened: "Reopened",
    step_citizen_message: "New message from the citizen",
    step_not_reached: "Citizen not reached",
    step_not_reached_resolved: "Action taken for a citizen not reached",
    legal_due_label: "Legal due date",
    internal_due_label: "Internal target",
    days_left: "{n} working days left",
    due_today: "due today",
    days_late: "{n} working days late",
    extended: "extended",
    awaiting_citizen: "Waiting for information from the citizen: the internal target is paused",
    step_legal_extended: "Legal answer period extended",
    step_awaiting_started: "Waiting for information from the citizen",
    step_awaiting_ended: "The citizen's information arrived",
    step_linked_to_incident: "Linked to an incident",
    step_unlinked_from_incident: "Taken out of an incident",
    waited: |h, m| match (h, m) {
        (0, 1) => "waited 1 minute".to_owned(),
        (0, m) => format!("waited {m} minutes"),
        (1, 0) => "waited 1 hour".to_owned(),
        (h, 0) => format!("waited {h} hours"),
        (h, m) => format!("waited {h} h {m} min"),
    },
    reach_outcomes: [
        "",
        "phoned, answer given",
        "reached on another channel",
        "answer to be sent by post (added to the letters to post)",
        "every way tried, cannot be reached",
    ],
    not_reached_title: "The answer did not reach the citizen",
    not_reached_help: "Call the citizen, write on another channel or send it by post; then record what you did. The record then leaves the list of citizens not reached.",
    reach_choose: "What was done?",
    reach_note: "Note (optional)",
    reach_save: "Save",
    reach_choose_needed: "Choose what was done.",
    reach_note_too_long: "The note is too long.",
    reach_already_done: "Someone else already acted on this record; it is no longer on the list of citizens not reached.",
    reach_letter_impossible: "No letter can be sent: the record has no postal address. Call the citizen or reach them on another channel.",
    citizen_note: "The citizen's message",
    choose_outcome: "Choose the outcome of the call.",
    retry_time_needed: "For “not reached”, enter a future date and time to call again.",
    callback_saved: "The callback outcome was saved.",
    transfer: "Transfer to another pool",
    reply_channel: "Reply channel",
    callback_outcome: "Callback outcome",
    outcome_reached: "Reached and informed (field work confirmed)",
    outcome_not_reached: "Not reached, call again",
    outcome_unreachable: "Cannot be reached (wrong number, repeated failures)",
    retry_at: "Call again at",
    callback_note: "Call note",
    callback_attempts: "Callback attempts",
    save_outcome: "Save outcome",
    attachments: "Attachments",
    reply_channel_names: [
        "",
        "SMS",
        "Phone callback",
        "E-mail",
        "Letter",
        "No reply possible (no contact details)",
        "In the social-media conversation",
    ],
    delivery: DELIVERY_EN,
    related: RELATED_EN,
    received_at: "Received",
    address: "Address",
    reply_to: "The answer goes to",
    holder: "Held by",
    nobody: "Nobody",
    claim: "Claim",
    claimed: "The record is now yours.",
    claim_failed: "The record could not be claimed: someone else has it, or it is no longer in the pool.",
    assign: "Assign to an expert",
    assign_to: "Expert",
    choose_expert: "Choose the expert to assign it to.",
    assigned: "The record was assigned to the expert.",
    assign_failed: "The record could not be assigned: it changed while you were looking at it, or the expert is not in this pool.",
    close_button: "Save and close the record",
    close_confirm: "Saving closes the record and sends the official answer to the citizen through the channel they chose; I confirm.",
    close_confirm_needed: "Tick the box to confirm closing the record.",
    note_first: |r| {
        format!(
            "This record has been in its pool for more than {}: write a note here and press “Add note” before saving. Your official answer is kept below.",
            r.en_days()
        )
    },
    answer_needed: Formatted(|f| {
        write!(
            f,
            "The official answer must not be empty and may have at most {} characters.",
            limits::NOTE
        )
    }),
    note_needed: Formatted(|f| {
        write!(
            f,
            "The note must not be empty and may have at most {} characters.",
            limits::NOTE
        )
    }),
    retry_time_past: "The time to call again is in the past; enter a future date and time.",
    call_note_too_long: Formatted(|f| {
        write!(
            f,
            "The call note may have at most {} characters.",
            limits::NOTE
        )
    }),
    step_by: "by",
    step_status: "status",
    step_holder: "person",
    step_pool: "pool",
    the_system: "the system",
    outcome_short: [
        "",
        "reached and informed",
        "not reached",
        "cannot be reached",
    ],
    information_given: "closed with information given",
    reply_sent_by: "reply channel",
    gone: GONE_EN,
    reopen: "Reopen the record",
    reopen_reason: "Reason for reopening",
    reopen_hint: "You resolved this record: until 23:59 today you may reopen it with a reason; it then waits for your callback again.",
    reopened: "The record was reopened; it waits for your callback.",
    reopen_reason_invalid: Formatted(|f| {
        write!(
            f,
            "Write the reason for reopening; it may have at most {} characters.",
            limits::REASON
        )
    }),
    reopen_failed: "The record could not be reopened: the time to reopen it has passed, or it changed while you were looking at it.",
    kept_typing: "What you typed was not saved; copy it from here:",
};

/// What a former holder is told about a record they may no longer see:
/// who moved it where, and when (`actor`, `target`, `when`), never its
/// content.
#[derive(Debug)]
pub struct GoneTexts {
    /// Assigned or moved to another person.
    pub assigned: fn(&str, &str, &str) -> String,
    /// Claimed by another expert.
    pub claimed: fn(&str, &str, &str) -> String,
    /// Transferred to another pool (the target is the pool's name).
    pub transferred: fn(&str, &str, &str) -> String,
    /// Closed by the expert, waiting for a callback.
    pub closed: fn(&str, &str, &str) -> String,
    /// Resolved.
    pub resolved: fn(&str, &str, &str) -> String,
    /// Taken by a callback agent.
    pub callback_claimed: fn(&str, &str, &str) -> String,
    /// Reopened into a pool (the target is the pool's name).
    pub reopened: fn(&str, &str, &str) -> String,
    /// Any other step (the target is the step's name).
    pub other: fn(&str, &str, &str) -> String,
    /// A record that does not exist, or one the person never worked.
    pub not_found: &'static str,
}

const GONE_TR: GoneTexts = GoneTexts {
    assigned: |actor, to, when| {
        format!(
            "Bu kayıt artık sizde değil: {actor} tarafından {} aktarıldı ({when}).",
            dative(to)
        )
    },
    claimed: |actor, _, when| format!("Bu kayıt artık sizde değil: {actor} üzerine aldı ({when})."),
    transferred: |actor, to, when| {
        format!(
            "Bu kayıt artık sizde değil: {actor} tarafından “{to}” havuzuna aktarıldı ({when})."
        )
    },
    closed: |actor, _, when| {
        format!("Bu kayıt {actor} tarafından kapatıldı ({when}); geri dönüş bekliyor.")
    },
    resolved: |actor, _, when| format!("Bu kayıt sonuçlandı: {actor}, {when}."),
    callback_claimed: |actor, _, when| {
        format!("Bu kayıt artık sizde değil: {actor} geri dönüş için üzerine aldı ({when}).")
    },
    reopened: |actor, to, when| {
        format!("Bu kayıt {actor} tarafından yeniden açıldı ({when}); şimdi “{to}” havuzunda.")
    },
    other: |actor, step, when| {
        format!("Bu kayıt artık sizde değil. Son işlem: {step} — {actor}, {when}.")
    },
    not_found: "Kayıt bulunamadı.",
};

const GONE_EN: GoneTexts = GoneTexts {
    assigned: |actor, to, when| {
        format!("This record is no longer yours: {actor} moved it to {to} ({when}).")
    },
    claimed: |actor, _, when| {
        format!("This record is no longer yours: {actor} claimed it ({when}).")
    },
    transferred: |actor, to, when| {
        format!(
            "This record is no longer yours: {actor} transferred it to the pool “{to}” ({when})."
        )
    },
    closed: |actor, _, when| {
        format!("This record was closed by {actor} ({when}); it awaits a callback.")
    },
    resolved: |actor, _, when| format!("This record was resolved: {actor}, {when}."),
    callback_claimed: |actor, _, when| {
        format!("This record is no longer yours: {actor} took it for a callback ({when}).")
    },
    reopened: |actor, to, when| {
        format!("This record was reopened by {actor} ({when}); it is now in the pool “{to}”.")
    },
    other: |actor, step, when| {
        format!("This record is no longer yours. Last step: {step} — {actor}, {when}.")
    },
    not_found: "Record not found.",
};

/// A case's note rule (its deadline policy's): more than `days` days in the
/// pool, working days or calendar days, and closing needs a note first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteRule {
    pub days: u32,
    pub working: bool,
}

impl NoteRule {
    /// The rule of `case` (`note_rule_count` is "working" or "calendar").
    pub fn of(case: &tekmerkez_proto::case_v1::Case) -> Self {
        Self {
            days: case.note_rule_days,
            working: case.note_rule_count == "working",
        }
    }

    /// The rule's days in words: "3 gün", "5 iş günü"; "3 days".
    pub fn words(self, english: bool) -> String {
        if english {
            self.en_days()
        } else {
            self.tr_days()
        }
    }

    /// "3 gün", "5 iş günü".
    fn tr_days(self) -> String {
        if self.working {
            format!("{} iş günü", self.days)
        } else {
            format!("{} gün", self.days)
        }
    }

    /// "3 günden", "5 iş gününden" (ablative: "more than … ago").
    fn tr_ablative(self) -> String {
        if self.working {
            format!("{} iş gününden", self.days)
        } else {
            format!("{} günden", self.days)
        }
    }

    /// "3 days", "1 day", "5 working days".
    fn en_days(self) -> String {
        let unit = match (self.working, self.days) {
            (false, 1) => "day",
            (false, _) => "days",
            (true, 1) => "working day",
            (true, _) => "working days",
        };
        format!("{} {unit}", self.days)
    }

    /// "3-day", "5-working-day".
    fn en_rule(self) -> String {
        if self.working {
            format!("{}-working-day", self.days)
        } else {
            format!("{}-day", self.days)
        }
    }
}

/// A person's name with the Turkish dative suffix after an apostrophe
/// (*Zeynep Çelik'e*, *Ayşe'ye*, *Mehmet Öztürk'e*, *Kemal'e*), by the last
/// vowel's harmony; a vowel at the end takes the buffer *y*.
pub fn dative(name: &str) -> String {
    let lower: String = name.chars().flat_map(char::to_lowercase).collect();
    // Arabic loan names whose final "l" is palatal take front suffixes.
    let palatal_l = [
        "kemal", "cemal", "celal", "hilal", "bilal", "iclal", "meral", "nihal",
    ]
    .iter()
    .any(|n| lower.ends_with(n));
    let last_vowel = lower
        .chars()
        .rev()
        .find(|c| "aıoueiöü".contains(*c) || *c == 'â' || *c == 'î' || *c == 'û');
    let back = matches!(last_vowel, Some('a' | 'ı' | 'o' | 'u' | 'â' | 'û')) && !palatal_l;
    let ends_in_vowel = lower
        .chars()
        .last()
        .is_some_and(|c| "aıoueiöüâîû".contains(c));
    let buffer = if ends_in_vowel { "y" } else { "" };
    let vowel = if back { "a" } else { "e" };
    format!("{name}'{buffer}{vowel}")
}

/// What the record page says about messages to the citizen. Notify records
/// a message's kind (its rule) and a failure's reason as codes; an agent
/// reads words. A code without words here (a rule an admin added, a
/// provider's new error) is shown as it is, so nothing is hidden.
#[derive(Debug)]
pub struct DeliveryTexts {
    pub title: &'static str,
    pub none: &'static str,
    pub unavailable: &'static str,
    /// After the number of SMS parts.
    pub segments: &'static str,
    /// States of a message.
    pub waiting_for_quiet_hours: &'static str,
    pub pending: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    pub delivered: &'static str,
    /// Too late to be worth sending: held back on purpose, not a fault.
    pub not_sent: &'static str,
    pub failed: &'static str,
    /// Kinds: the rule that sent it.
    pub kind_basvuru_alindi: &'static str,
    pub kind_bilgi_verildi: &'static str,
    pub kind_yanit_eposta: &'static str,
    pub kind_yanit_sms: &'static str,
    pub kind_sonuclandi: &'static str,
    /// The satisfaction survey, by SMS and by e-mail.
    pub kind_anket_sms: &'static str,
    pub kind_anket_eposta: &'static str,
    /// Reasons a message was not sent or not delivered.
    pub reason_stale_event: &'static str,
    pub reason_template_missing: &'static str,
    pub reason_unknown_case: &'static str,
    pub reason_no_provider: &'static str,
    pub reason_rejected_number: &'static str,
    pub reason_blacklisted_number: &'static str,
    pub reason_iys_rejected: &'static str,
    pub reason_provider_no_credit: &'static str,
    pub reason_expired: &'static str,
    pub reason_not_sent_to_operator: &'static str,
    pub reason_rejected_by_operator: &'static str,
    pub reason_delivery_error: &'static str,
    pub reason_duplicate: &'static str,
    pub reason_no_recipient: &'static str,
    pub reason_address_rejected: &'static str,
    pub reason_smtp_rejected: &'static str,
    pub reason_invalid_number: &'static str,
    pub reason_outcome_unknown: &'static str,
    pub reason_template_missing_variable: &'static str,
    /// A failure not named above.
    pub reason_other: &'static str,
    /// A non-ASCII address while the relay takes no SMTPUTF8.
    pub reason_address_not_ascii: &'static str,
    /// The relay did not offer SMTPUTF8 after all.
    pub reason_relay_lacks_smtputf8: &'static str,
    /// The codes of the social replies and the e-mail acknowledgement
    /// (issue 16) and the 4982 extension notices (issue 18), rule keys and
    /// reasons, with their words.
    pub social_codes: &'static [(&'static str, &'static str)],
}

/// The words for `code` in `table`.
fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, w)| *w)
}

impl DeliveryTexts {
    /// The words for the rule `code` that sent a message, if it has any.
    pub fn kind(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "basvuru_alindi" => self.kind_basvuru_alindi,
            "bilgi_verildi" => self.kind_bilgi_verildi,
            "yanit_eposta" => self.kind_yanit_eposta,
            "yanit_sms" => self.kind_yanit_sms,
            "sonuclandi" => self.kind_sonuclandi,
            "anket_sms" => self.kind_anket_sms,
            "anket_eposta" => self.kind_anket_eposta,
            _ => return lookup(self.social_codes, code),
        })
    }

    /// The words for a failure's reason `code`, if it has any.
    pub fn reason(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "stale_event" => self.reason_stale_event,
            "template_missing" => self.reason_template_missing,
            "unknown_case" => self.reason_unknown_case,
            "no_provider" => self.reason_no_provider,
            "rejected_number" => self.reason_rejected_number,
            "blacklisted_number" => self.reason_blacklisted_number,
            "iys_rejected" => self.reason_iys_rejected,
            "provider_no_credit" => self.reason_provider_no_credit,
            "expired" => self.reason_expired,
            "not_sent_to_operator" => self.reason_not_sent_to_operator,
            "rejected_by_operator" => self.reason_rejected_by_operator,
            "delivery_error" => self.reason_delivery_error,
            "duplicate" => self.reason_duplicate,
            "no_recipient" => self.reason_no_recipient,
            "address_rejected" | "message_too_large" => self.reason_address_rejected,
            "smtp_rejected" => self.reason_smtp_rejected,
            "invalid_number" => self.reason_invalid_number,
            "outcome_unknown" => self.reason_outcome_unknown,
            "template_missing_variable" | "template_unknown_variable" | "template_unclosed" => {
                self.reason_template_missing_variable
            }
            "address_not_ascii" => self.reason_address_not_ascii,
            "relay_lacks_smtputf8" => self.reason_relay_lacks_smtputf8,
            _ => return lookup(self.social_codes, code),
        })
    }
}

const DELIVERY_TR: DeliveryTexts = DeliveryTexts {
    title: "Vatandaşa Bildirimler",
    none: "Vatandaşa henüz bildirim gönderilmedi.",
    unavailable: "Bildirim servisi yanıt vermedi.",
    segments: "parça",
    waiting_for_quiet_hours: "sessiz saatlerin bitmesini bekliyor",
    pending: "gönderilecek",
    sending: "gönderiliyor",
    sent: "gönderildi",
    delivered: "iletildi",
    not_sent: "gönderilmedi",
    failed: "gönderilemedi",
    kind_basvuru_alindi: "başvuru alındı bildirimi",
    kind_bilgi_verildi: "bilgi verildi bildirimi",
    kind_yanit_eposta: "yetkili açıklaması (e-posta)",
    kind_yanit_sms: "yetkili açıklaması (SMS)",
    kind_sonuclandi: "sonuçlandı bildirimi",
    kind_anket_sms: "memnuniyet anketi (SMS)",
    kind_anket_eposta: "memnuniyet anketi (e-posta)",
    reason_stale_event: "olay bildirim servisine çok geç ulaştı; eski bir bildirim gönderilmez",
    reason_template_missing: "bu dilde şablon yok",
    reason_unknown_case: "kayıt bulunamadı",
    reason_no_provider: "SMS sağlayıcısı tanımlı değil",
    reason_rejected_number: "sağlayıcı numarayı kabul etmedi",
    reason_blacklisted_number: "numara gönderim dışı listesinde",
    reason_iys_rejected: "İYS kaydı gönderime izin vermiyor",
    reason_provider_no_credit: "sağlayıcıda bakiye yok",
    reason_expired: "geçerlilik süresi içinde iletilemedi",
    reason_not_sent_to_operator: "operatöre iletilemedi",
    reason_rejected_by_operator: "operatör reddetti",
    reason_delivery_error: "iletim hatası",
    reason_duplicate: "sağlayıcı mükerrer saydı",
    reason_no_recipient: "kayıtta bu kanalın adresi yok",
    reason_address_rejected: "alıcının e-posta sunucusu adresi kabul etmedi",
    reason_smtp_rejected: "e-posta sunucusu iletiyi reddetti",
    reason_invalid_number: "numara geçersiz",
    reason_outcome_unknown: "sağlayıcı iletinin alınıp alınmadığını bildirmedi",
    reason_template_missing_variable: "şablon doldurulamadı",
    reason_other: "gönderilemedi",
    reason_address_not_ascii: "e-posta adresinde Türkçe ya da başka ASCII dışı harf var; e-posta sunucusu bu adreslere gönderemiyor",
    reason_relay_lacks_smtputf8: "e-posta sunucusu Türkçe harfli adreslere göndermeyi desteklemiyor (SMTPUTF8)",
    social_codes: &[
        (
            "basvuru_alindi_eposta",
            "başvuru alındı bildirimi (e-posta)",
        ),
        (
            "basvuru_alindi_sosyal",
            "başvuru alındı bildirimi (sosyal medya yazışması)",
        ),
        (
            "yanit_sosyal",
            "yetkili açıklaması (sosyal medya yazışması)",
        ),
        ("anket_sosyal", "memnuniyet anketi (sosyal medya yazışması)"),
        (
            "sure_uzatildi_sms",
            "yasal sürenin uzatıldığı bildirimi (SMS)",
        ),
        (
            "sure_uzatildi_eposta",
            "yasal sürenin uzatıldığı bildirimi (e-posta)",
        ),
        (
            "social_window_closed",
            "platformun yazışma süresi geçti ve kayıtlı cep telefonu yok",
        ),
        (
            "social_recipient_unreachable",
            "vatandaşa bu platformdan ulaşılamıyor ve kayıtlı cep telefonu yok",
        ),
        (
            "social_platform_off",
            "bu platformdan gönderim kapalı ve kayıtlı cep telefonu yok",
        ),
        (
            "social_account_restricted",
            "kurumun platform hesabı kısıtlanmış",
        ),
        (
            "social_template_rejected",
            "platform onaylı ileti şablonunu kabul etmedi",
        ),
        ("social_rejected_message", "platform iletiyi kabul etmedi"),
        ("social_rejected_request", "platform isteği kabul etmedi"),
        (
            "social_rejected_recipient",
            "vatandaşın platformdaki kimliği geçersiz",
        ),
        ("social_recipient_unreadable", "yazışma adresi okunamadı"),
        ("social_auth", "platform erişim anahtarını kabul etmedi"),
        (
            "social_account_unknown",
            "bu hesap için erişim anahtarı tanımlı değil",
        ),
        (
            "social_rate_limited",
            "platformun gönderim sınırına ulaşıldı",
        ),
        ("social_unavailable", "platform hizmet veremedi"),
        ("social_server_error", "platform hizmet veremedi"),
        ("social_timeout", "platform zamanında yanıt vermedi"),
        ("social_unreachable", "platforma bağlanılamadı"),
        ("social_connection_lost", "platformla bağlantı koptu"),
        ("social_garbled_answer", "platformun yanıtı okunamadı"),
    ],
};

const DELIVERY_EN: DeliveryTexts = DeliveryTexts {
    title: "Messages to the citizen",
    none: "No message to the citizen yet.",
    unavailable: "The notification service did not answer.",
    segments: "parts",
    waiting_for_quiet_hours: "waiting for quiet hours to end",
    pending: "to be sent",
    sending: "sending",
    sent: "sent",
    delivered: "delivered",
    not_sent: "not sent",
    failed: "failed",
    kind_basvuru_alindi: "application received",
    kind_bilgi_verildi: "information given",
    kind_yanit_eposta: "official answer (e-mail)",
    kind_yanit_sms: "official answer (SMS)",
    kind_sonuclandi: "resolved",
    kind_anket_sms: "satisfaction survey (SMS)",
    kind_anket_eposta: "satisfaction survey (e-mail)",
    reason_stale_event: "the event reached the notification service too late; old notices are not sent",
    reason_template_missing: "no template in this language",
    reason_unknown_case: "the record was not found",
    reason_no_provider: "no SMS provider is configured",
    reason_rejected_number: "the provider refused the number",
    reason_blacklisted_number: "the number is on the do-not-send list",
    reason_iys_rejected: "the İYS consent register does not allow it",
    reason_provider_no_credit: "no credit left at the provider",
    reason_expired: "not delivered before it expired",
    reason_not_sent_to_operator: "not passed to the operator",
    reason_rejected_by_operator: "the operator refused it",
    reason_delivery_error: "delivery error",
    reason_duplicate: "the provider counted it a duplicate",
    reason_no_recipient: "the record has no address for this channel",
    reason_address_rejected: "the recipient's mail server refused the address",
    reason_smtp_rejected: "the mail server refused the message",
    reason_invalid_number: "the number is not valid",
    reason_outcome_unknown: "the provider never said whether it took the message",
    reason_template_missing_variable: "the template could not be filled in",
    reason_other: "could not be sent",
    reason_address_not_ascii: "the e-mail address has Turkish or other non-ASCII letters, which the mail server cannot send to",
    reason_relay_lacks_smtputf8: "the mail server does not support addresses with Turkish letters (SMTPUTF8)",
    social_codes: &[
        ("basvuru_alindi_eposta", "application received (e-mail)"),
        (
            "basvuru_alindi_sosyal",
            "application received (social-media conversation)",
        ),
        (
            "yanit_sosyal",
            "official answer (social-media conversation)",
        ),
        (
            "anket_sosyal",
            "satisfaction survey (social-media conversation)",
        ),
        ("sure_uzatildi_sms", "legal period extended notice (SMS)"),
        (
            "sure_uzatildi_eposta",
            "legal period extended notice (e-mail)",
        ),
        (
            "social_window_closed",
            "the platform's reply window has passed and no mobile number is on record",
        ),
        (
            "social_recipient_unreachable",
            "the citizen cannot be reached on this platform and no mobile number is on record",
        ),
        (
            "social_platform_off",
            "sending on this platform is off and no mobile number is on record",
        ),
        (
            "social_account_restricted",
            "the institution's account on the platform is restricted",
        ),
        (
            "social_template_rejected",
            "the platform refused the approved message template",
        ),
        (
            "social_rejected_message",
            "the platform refused the message",
        ),
        (
            "social_rejected_request",
            "the platform refused the request",
        ),
        (
            "social_rejected_recipient",
            "the citizen's id on the platform is not valid",
        ),
        (
            "social_recipient_unreadable",
            "the conversation's address could not be read",
        ),
        ("social_auth", "the platform refused the access token"),
        (
            "social_account_unknown",
            "no access token is configured for this account",
        ),
        (
            "social_rate_limited",
            "the platform's sending limit was reached",
        ),
        (
            "social_unavailable",
            "the platform could not serve the request",
        ),
        (
            "social_server_error",
            "the platform could not serve the request",
        ),
        ("social_timeout", "the platform did not answer in time"),
        ("social_unreachable", "the platform could not be reached"),
        (
            "social_connection_lost",
            "the connection to the platform was lost",
        ),
        (
            "social_garbled_answer",
            "the platform's answer could not be read",
        ),
    ],
};

/// The record page's list of the citizen's other applications (the same
/// phone number or e-mail address).
#[derive(Debug)]
pub struct RelatedTexts {
    pub title: &'static str,
    pub none: &'static str,
    /// The list stops at its limit.
    pub more: &'static str,
    pub unavailable: &'static str,
    /// The column saying what the two applications share.
    pub shares: &'static str,
    pub same_phone: &'static str,
    pub same_email: &'static str,
    /// A record in the person's pool that is not theirs to open now
    /// (another expert holds it, it waits for a callback).
    pub not_openable: &'static str,
}

const RELATED_TR: RelatedTexts = RelatedTexts {
    title: "Vatandaşın Diğer Başvuruları",
    none: "Aynı telefon numarası veya e-posta adresiyle başka başvuru yok.",
    more: "Yalnızca en yeni başvurular gösteriliyor.",
    unavailable: "Vatandaşın diğer başvuruları şu an getirilemedi.",
    shares: "Ortak bilgi",
    same_phone: "aynı telefon",
    same_email: "aynı e-posta",
    not_openable: "açma yetkiniz yok",
};

const RELATED_EN: RelatedTexts = RelatedTexts {
    title: "The citizen's other applications",
    none: "No other application with the same phone number or e-mail address.",
    more: "Only the newest applications are shown.",
    unavailable: "The citizen's other applications could not be fetched just now.",
    shares: "In common",
    same_phone: "same phone",
    same_email: "same e-mail",
    not_openable: "not yours to open",
};

#[cfg(test)]
mod tests {
    use super::{DELIVERY_EN, DELIVERY_TR, EN, NoteRule, TR, dative};

    #[test]
    fn a_name_takes_the_dative_by_vowel_harmony() {
        assert_eq!(dative("Zeynep Çelik"), "Zeynep Çelik'e");
        assert_eq!(dative("Mehmet Öztürk"), "Mehmet Öztürk'e");
        assert_eq!(dative("Ayşe"), "Ayşe'ye");
        assert_eq!(dative("Işıl Güneş"), "Işıl Güneş'e");
        assert_eq!(dative("Gökhan Aydın"), "Gökhan Aydın'a");
        assert_eq!(dative("Şule Doğan"), "Şule Doğan'a");
        assert_eq!(dative("Ali Kara"), "Ali Kara'ya");
        assert_eq!(dative("Kemal"), "Kemal'e");
        assert_eq!(dative("Gülşen Kılıç"), "Gülşen Kılıç'a");
    }

    #[test]
    fn the_rules_and_reasons_notify_records_have_words_in_both_languages() {
        for code in [
            "basvuru_alindi",
            "bilgi_verildi",
            "yanit_eposta",
            "yanit_sms",
            "sonuclandi",
            "anket_sms",
            "anket_eposta",
        ] {
            assert!(
                DELIVERY_TR.kind(code).is_some() && DELIVERY_EN.kind(code).is_some(),
                "{code}"
            );
        }
        for code in [
            "stale_event",
            "template_missing",
            "unknown_case",
            "no_provider",
            "rejected_number",
            "address_not_ascii",
            "relay_lacks_smtputf8",
        ] {
            assert!(
                DELIVERY_TR.reason(code).is_some() && DELIVERY_EN.reason(code).is_some(),
                "{code}"
            );
        }
        assert_eq!(
            DELIVERY_TR.kind("basvuru_alindi"),
            Some("başvuru alındı bildirimi")
        );
    }

    #[test]
    fn the_social_replies_codes_have_words_in_both_languages() {
        for code in [
            "basvuru_alindi_eposta",
            "basvuru_alindi_sosyal",
            "yanit_sosyal",
            "social_window_closed",
            "social_recipient_unreachable",
            "social_rate_limited",
        ] {
            assert!(
                DELIVERY_TR.kind(code).is_some() && DELIVERY_EN.reason(code).is_some(),
                "{code}"
            );
        }
        let tr: Vec<_> = DELIVERY_TR.social_codes.iter().map(|(c, _)| c).collect();
        let en: Vec<_> = DELIVERY_EN.social_codes.iter().map(|(c, _)| c).collect();
        assert_eq!(tr, en, "the same codes in both languages");
    }

    #[test]
    fn every_notify_rule_has_words_in_both_languages() {
        // The rule codes of notify's catalogue (services/notify/src/catalogue.rs).
        for code in [
            "basvuru_alindi",
            "bilgi_verildi",
            "yanit_eposta",
            "yanit_sms",
            "sonuclandi",
            "anket_sms",
            "anket_eposta",
            "anket_sosyal",
            "basvuru_alindi_eposta",
            "basvuru_alindi_sosyal",
            "yanit_sosyal",
            "sure_uzatildi_sms",
            "sure_uzatildi_eposta",
        ] {
            assert!(
                DELIVERY_TR.kind(code).is_some() && DELIVERY_EN.kind(code).is_some(),
                "{code}"
            );
        }
    }

    #[test]
    fn an_unknown_code_has_no_words_so_the_page_shows_the_code() {
        assert_eq!(DELIVERY_TR.kind("yeni_kural"), None);
        assert_eq!(DELIVERY_EN.reason("provider_said_something_new"), None);
    }

    #[test]
    fn the_note_rule_texts_name_the_cases_own_rule() {
        let three = NoteRule {
            days: 3,
            working: false,
        };
        let five = NoteRule {
            days: 5,
            working: true,
        };
        assert_eq!(
            (TR.note_rule_warning)(three),
            "Bu kayıt 3 günden uzun süredir havuzda: kaydetmeden önce bir not eklemelisiniz."
        );
        assert_eq!(
            (TR.note_rule_blocks)(five),
            "Kaydedilemedi: 5 iş günü kuralı gereği önce bir not eklemelisiniz."
        );
        assert!((TR.note_first)(five).starts_with("Bu kayıt 5 iş gününden uzun süredir havuzda"));
        assert_eq!(
            (EN.note_rule_warning)(five),
            "This record has been in its pool for more than 5 working days: add a note before saving."
        );
        assert_eq!(
            (EN.note_rule_blocks)(three),
            "Not saved: under the 3-day rule you must add a note first."
        );
        assert!(
            (EN.note_first)(NoteRule {
                days: 1,
                working: false
            })
            .contains("more than 1 day:")
        );
    }
}
