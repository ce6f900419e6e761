//! The record's deadline actions and its classification in a real Chromium
//! against `tekmerkez dev`:
//!
//! - On a 4982 information request (`bilgi_edinme`) the holder extends the
//!   legal deadline: a blank reason is refused by its field; a version
//!   changed underneath keeps the typed reason; then the message names the
//!   new due date, the record marks it extended, and the action is gone.
//!   *Vatandaştan bilgi bekleniyor* pauses the internal target (the record
//!   says so), *Bilgi geldi, devam* moves it on by the time waited, and the
//!   task steps say how long in words.
//! - The type-change form: the new type in words on the record and in its
//!   task steps (never a code); the same type again is told so.
//! - The note rule speaks of the record's own rule: a record whose policy
//!   asks for a note after 5 working days says "5 iş günü", on its page,
//!   in the refusal of a close, and on *Üzerimdeki Çağrılar*. Its internal
//!   target, long passed, says so.
//!
//! Screens under `test-artifacts/screens/browser_deadline_actions*/`.

use std::time::Duration;

use crate::channels::{Running, start};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

/// The text of the one element matching `selector`.
async fn text_of(s: &Session, selector: &str) -> String {
    s.one(selector).await.unwrap().text().await.unwrap()
}

/// The task steps, opened as a person opens them.
async fn steps(s: &Session) -> Vec<String> {
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    s.texts("ol.adimlar li").await.unwrap()
}

/// `2026-12-17` as the record writes it: `17 Aralık 2026`.
fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
        "Kasım", "Aralık",
    ];
    let d: jiff::civil::Date = iso.parse().unwrap();
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[usize::try_from(d.month() - 1).unwrap()],
        d.year()
    )
}

/// `t` as the record writes a time: `17.12.2026 14:05`, Istanbul.
fn istanbul_time(t: &prost_types::Timestamp) -> String {
    jiff::Timestamp::from_second(t.seconds)
        .unwrap()
        .to_zoned(tekmerkez_workdays::istanbul().clone())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

/// The expert of Ankara opens the record `tn` and takes it (*Üzerime Al*):
/// the record's path.
async fn take(app: &Running, s: &Session, tn: &str) -> String {
    let case = app.case(tn).await;
    let path = format!("/kayit/{}", case.id);
    s.goto(&path).await.unwrap();
    s.click_button("Üzerime Al").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{path}?durum=alindi"));
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_holder_extends_a_4982_request_once_and_waits_for_the_citizen() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_deadline_actions")
        .await
        .unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    // A water fault's information request: 15 working days, and the
    // category's internal target of 4 hours.
    let tn = app.apply_typed("su_arizasi", "bilgi_edinme").await;
    let path = take(&app, &s, &tn).await;
    let before = app.case(&tn).await;
    assert!(before.internal_due_at.is_some(), "the category's target");
    shows(&text_of(&s, "#kayit-turu").await, &["Bilgi edinme"]);
    let due_before = text_of(&s, "#yasal-son-gun").await;
    assert!(
        due_before.starts_with(&long_date(&before.legal_due_date)),
        "{due_before}"
    );
    assert_eq!(text_of(&s, "#sure-uzat legend").await, "Süreyi uzat");
    shows(
        &text_of(&s, "#sure-uzat").await,
        &["yalnızca bir kez, son gün geçmeden 15 iş günü uzatılabilir"],
    );
    s.screenshot("bilgi-edinme").await.unwrap();

    // A blank reason (the box's `required` lets spaces through): refused by it.
    s.fill_label("Uzatma gerekçesi", "   ").await.unwrap();
    s.click_button_in("Süreyi uzat", "Süreyi uzat")
        .await
        .unwrap();
    assert_eq!(
        s.texts("#uzatma-gerekcesi-hata").await.unwrap(),
        ["Süreyi uzatmak için bir gerekçe yazın."]
    );
    assert_eq!(
        s.focused().await.unwrap().attr("id").await.unwrap(),
        Some("uzatma-gerekcesi".to_owned())
    );
    assert_eq!(text_of(&s, "#yasal-son-gun").await, due_before);

    // Changed underneath (a note added elsewhere): refused, the reason kept.
    CaseServiceClient::new(app.channel().await)
        .add_note(app.as_user(
            "uzman.ankara",
            pb::AddNoteRequest {
                case_id: before.id.clone(),
                text: "Arşiv birimine soruldu.".into(),
                expected_version: None,
            },
        ))
        .await
        .unwrap();
    let reason = "İstenen kararlar arşivde taranıyor; başka birimin görüşü gerekiyor.";
    s.fill_label("Uzatma gerekçesi", reason).await.unwrap();
    s.click_button_in("Süreyi uzat", "Süreyi uzat")
        .await
        .unwrap();
    assert!(!text_of(&s, "#durum").await.is_empty());
    assert_eq!(s.value("#uzatma-gerekcesi").await.unwrap(), reason, "kept");
    assert_eq!(text_of(&s, "#yasal-son-gun").await, due_before);
    assert!(!app.case(&tn).await.legal_extended);
    s.screenshot("uzatma-degisti").await.unwrap();

    // Sent again from the page as it is now: extended.
    s.click_button_in("Süreyi uzat", "Süreyi uzat")
        .await
        .unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{path}?durum=sure-uzatildi&gun=15")
    );
    let after = app.case(&tn).await;
    assert!(after.legal_extended);
    let calendar = tekmerkez_workdays::Calendar::builtin();
    let old_due: jiff::civil::Date = before.legal_due_date.parse().unwrap();
    assert_eq!(
        after.legal_due_date,
        calendar.add_working_days(old_due, 15, true).to_string(),
        "15 working days more"
    );
    assert_eq!(
        text_of(&s, "#durum").await,
        format!(
            "Yasal süre 15 iş günü uzatıldı: yeni son gün {}; başvuru sahibine bildirildi.",
            long_date(&after.legal_due_date)
        )
    );
    let due_after = text_of(&s, "#yasal-son-gun").await;
    assert!(
        due_after.starts_with(&long_date(&after.legal_due_date))
            && due_after.ends_with("(uzatıldı)"),
        "{due_after}"
    );
    assert!(
        s.texts("#sure-uzat").await.unwrap().is_empty(),
        "offered once only"
    );
    let extended = steps(&s).await;
    assert!(
        extended
            .iter()
            .any(|st| st.contains("Yasal cevap süresi uzatıldı") && st.contains(reason)),
        "{extended:?}"
    );
    s.screenshot("uzatildi").await.unwrap();

    // Waiting for the citizen: the internal target paused, then moved on.
    let target_before = after.internal_due_at.unwrap();
    assert_eq!(
        text_of(&s, "#ic-hedef").await,
        istanbul_time(&target_before)
    );
    s.click_button("Vatandaştan bilgi bekleniyor")
        .await
        .unwrap();
    assert_eq!(
        text_of(&s, "#durum").await,
        "Vatandaştan bilgi bekleniyor: kurum içi hedef durduruldu, yasal süre işlemeye devam ediyor."
    );
    assert_eq!(
        text_of(&s, "#ic-hedef").await,
        format!(
            "{} — Vatandaştan bilgi bekleniyor: iç hedef durduruldu",
            istanbul_time(&target_before)
        )
    );
    assert!(app.case(&tn).await.awaiting_citizen_since.is_some());
    s.screenshot("bilgi-bekleniyor").await.unwrap();
    // A minute and a bit, so that the target moves on by a minute the page shows.
    tokio::time::sleep(Duration::from_secs(62)).await;
    s.click_button("Bilgi geldi, devam").await.unwrap();
    assert_eq!(
        text_of(&s, "#durum").await,
        "Bilgi geldi: kurum içi hedef beklenen süre kadar ileri alındı."
    );
    let resumed = app.case(&tn).await;
    assert!(resumed.awaiting_citizen_since.is_none());
    let target_after = resumed.internal_due_at.unwrap();
    assert!(
        target_after.seconds >= target_before.seconds + 60,
        "moved on by the wait: {target_before:?} → {target_after:?}"
    );
    assert_eq!(text_of(&s, "#ic-hedef").await, istanbul_time(&target_after));
    assert_ne!(istanbul_time(&target_after), istanbul_time(&target_before));
    assert_eq!(
        resumed.legal_due_date, after.legal_due_date,
        "the legal deadline never pauses"
    );
    assert_eq!(
        s.texts("#bilgi-bekleme button").await.unwrap(),
        ["Vatandaştan bilgi bekleniyor"]
    );
    let waited = steps(&s).await;
    assert!(
        waited
            .iter()
            .any(|st| st.contains("Vatandaştan beklenen bilgi geldi")
                && st.contains("1 dakika beklendi")),
        "{waited:?}"
    );
    assert!(!waited.iter().any(|st| st.contains(" min")), "{waited:?}");
    // The applicant was told of the extension, in words.
    let notices = s.texts("section.bildirimler li").await.unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("yasal sürenin uzatıldığı bildirimi (e-posta)")),
        "{notices:?}"
    );
    assert!(
        !notices.iter().any(|n| n.contains("sure_uzatildi")),
        "{notices:?}"
    );
    s.screenshot("bilgi-geldi").await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_holder_changes_the_application_type_and_reads_it_in_words() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_deadline_actions_type")
        .await
        .unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    let tn = app.apply_typed("fatura", "talep").await;
    let path = take(&app, &s, &tn).await;
    assert_eq!(text_of(&s, "#kayit-turu").await, "Talep");
    assert!(
        s.texts("#sure-uzat").await.unwrap().is_empty(),
        "a request is not extended"
    );

    s.choose("Türü değiştir", "Şikâyet").await.unwrap();
    s.click_button("Türü değiştir").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{path}?durum=tur-degisti"));
    assert_eq!(text_of(&s, "#durum").await, "Başvuru türü değiştirildi.");
    assert_eq!(text_of(&s, "#kayit-turu").await, "Şikâyet");
    assert_eq!(
        app.case(&tn).await.application_type,
        tekmerkez_proto::common_v1::ApplicationType::Sikayet as i32
    );
    let history = steps(&s).await;
    let step = history
        .iter()
        .find(|st| st.contains("Başvuru türü değiştirildi"))
        .unwrap_or_else(|| panic!("the task step: {history:?}"));
    shows(step, &["Talep → Şikâyet", "Mehmet Öztürk"]);
    let text = s.text().await.unwrap();
    for code in ["sikayet", "talep →", "bilgi_edinme"] {
        assert!(!text.contains(code), "'{code}' on the page:\n{text}");
    }
    s.screenshot("tur-degisti").await.unwrap();

    // The type it has: said so, nothing written.
    let version = app.case(&tn).await.version;
    s.choose("Türü değiştir", "Şikâyet").await.unwrap();
    s.click_button("Türü değiştir").await.unwrap();
    assert_eq!(text_of(&s, "#durum").await, "Kayıt zaten bu türde.");
    assert_eq!(app.case(&tn).await.version, version);

    // In English.
    s.goto(&format!("{path}?lang=en")).await.unwrap();
    assert_eq!(text_of(&s, "#kayit-turu").await, "Complaint");
    s.click_text("summary", "Show task steps").await.unwrap();
    let history = s.texts("ol.adimlar li").await.unwrap();
    assert!(
        history.iter().any(|st| st.contains("Request → Complaint")),
        "{history:?}"
    );
    s.goto(&format!("{path}?lang=tr")).await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}

/// Gives the demo record `tn` the note rule of a policy asking for a note
/// after 5 working days, as a record filed under such a policy keeps it
/// (the demo records were all filed under the seeded rule, 3 calendar
/// days, and none can be filed days ago through the pages).
async fn five_working_days_rule(app: &Running, tn: &str) {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", app.data_dir().join("case.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let changed = sqlx::query(
        "UPDATE cases SET note_rule_days = 5, note_rule_count = 'working' WHERE tracking_number = $1",
    )
    // Stored without the dash the receipts print.
    .bind(tn.replace('-', ""))
    .execute(&mut db)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(changed, 1);
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_note_rule_names_the_records_own_days() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let mut cases = CaseServiceClient::new(app.channel().await);
    let pool = cases
        .list_cases(app.as_user(
            "uzman.ankara",
            pb::ListCasesRequest {
                view: pb::CaseView::Pool as i32,
                filter: Some(pb::CaseFilter {
                    statuses: vec![pb::CaseStatus::InPool as i32],
                    min_days_in_pool: 9,
                    ..Default::default()
                }),
                page: Some(tekmerkez_proto::common_v1::PageRequest {
                    page_size: 50,
                    page_token: String::new(),
                }),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .cases;
    let old = pool
        .iter()
        // A water fault (its category's 4-hour target), no note since it came.
        .filter(|c| !c.note_written_in_pool && c.internal_due_at.is_some())
        .max_by_key(|c| c.days_in_pool)
        .expect("the demo has Ankara records 9 days and more in their pool")
        .clone();
    five_working_days_rule(&app, &old.tracking_number).await;
    let case = app.case(&old.tracking_number).await;
    assert_eq!(
        (case.note_rule_days, case.note_rule_count.as_str()),
        (5, "working")
    );
    assert!(
        case.rule_days_in_pool > 5,
        "more than 5 working days in the pool: {}",
        case.rule_days_in_pool
    );

    let s = chrome
        .session(app.http, "browser_deadline_actions_note_rule")
        .await
        .unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    let path = take(&app, &s, &old.tracking_number).await;
    assert!(app.case(&old.tracking_number).await.note_required_to_close);
    // The water fault's 4-hour target passed long ago: said so.
    let target = case
        .internal_due_at
        .as_ref()
        .expect("the category's target");
    assert_eq!(
        text_of(&s, "#ic-hedef").await,
        format!("{} — süresi geçti", istanbul_time(target))
    );
    assert_eq!(
        text_of(&s, "#not-kurali").await,
        "Bu kayıt 5 iş gününden uzun süredir havuzda: kaydetmeden önce bir not eklemelisiniz."
    );

    // A close without the note: refused in the rule's own words, the answer kept.
    let answer = "Arıza giderildi; hattınıza su verildi.";
    s.fill_label("Yetkili Açıklaması", answer).await.unwrap();
    s.choose("Kapanış nedeni", "Çözüldü").await.unwrap();
    s.click_text(
        "label",
        "Kaydedince kayıt kapanır ve yetkili açıklaması vatandaşa seçtiği kanaldan iletilir; onaylıyorum.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    assert_eq!(
        text_of(&s, "#durum").await,
        "Kaydedilemedi: 5 iş günü kuralı gereği önce bir not eklemelisiniz."
    );
    assert!(text_of(&s, "#not-hata").await.starts_with(
        "Bu kayıt 5 iş gününden uzun süredir havuzda: kaydetmeden önce buraya bir not yazıp"
    ),);
    assert_eq!(s.value("#aciklama").await.unwrap(), answer);
    let page = s.text().await.unwrap();
    assert!(
        !page.contains("3 gün kuralı") && !page.contains(" 3 günden"),
        "{page}"
    );
    s.screenshot("not-kurali-5-is-gunu").await.unwrap();

    // Its row on Üzerimdeki Çağrılar.
    s.goto("/uzerimdeki").await.unwrap();
    let row = s
        .texts("table.liste tbody tr")
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.contains(&old.tracking_number))
        .expect("the record is listed");
    shows(&row, &["kapatmadan önce not gerekli (5 iş günü)"]);
    assert!(
        s.texts("table.liste thead th")
            .await
            .unwrap()
            .iter()
            .any(|h| h == "Not kuralı")
    );

    // In English.
    s.goto(&format!("{path}?lang=en")).await.unwrap();
    assert_eq!(
        text_of(&s, "#not-kurali").await,
        "This record has been in its pool for more than 5 working days: add a note before saving."
    );
    s.goto(&format!("{path}?lang=tr")).await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}
