//! The record page in a real Chromium against `tekmerkez dev` with its demo
//! records (issue 15): no typed work is lost, and a record that moved away
//! says where it went.
//!
//! - The expert claims a record more than 3 days in its pool from its page
//!   (*Üzerime Al*), writes the *Yetkili Açıklaması*, is asked to confirm
//!   closing, then refused by the 3-day rule: the answer stays in its box,
//!   the error sits by the note box, which has the focus. *Not Ekle* keeps
//!   the answer too; then the record closes. Notes and task steps name who
//!   did them.
//! - A pool manager moves a record to another expert (from the record page)
//!   while its expert has it open: the expert's *Not Ekle* says who moved it
//!   to whom, keeps the note and the signed-in frame.
//! - The callback agent types a retry time in the past: told so by the time
//!   field, the note and the outcome kept. After "reached" resolves the
//!   record, its page says so and offers *Kaydı Yeniden Aç* for the day: an
//!   empty reason is refused by its field, a reason reopens it with the agent.
//! - A returning citizen's other application is a link on the record page
//!   (*Vatandaşın Diğer Başvuruları*) that opens it.
//!
//! Screens under `test-artifacts/screens/browser_record*/`.

use crate::channels::{Running, start};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

/// The unheld records of `who`'s pools at least `min_days` in their pool.
async fn pool_records(app: &Running, who: &str, min_days: u32) -> Vec<pb::Case> {
    let mut cases = CaseServiceClient::new(app.channel().await);
    let req = pb::ListCasesRequest {
        view: pb::CaseView::Pool as i32,
        filter: Some(pb::CaseFilter {
            statuses: vec![pb::CaseStatus::InPool as i32],
            min_days_in_pool: min_days,
            ..Default::default()
        }),
        page: Some(tekmerkez_proto::common_v1::PageRequest {
            page_size: 50,
            page_token: String::new(),
        }),
        ..Default::default()
    };
    cases
        .list_cases(app.as_user(who, req))
        .await
        .unwrap()
        .into_inner()
        .cases
}

/// The id of the focused element.
async fn focused_id(s: &Session) -> String {
    s.focused()
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_answer_survives_the_3_day_refusal_and_adding_a_note() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let old = pool_records(&app, "uzman.ankara", 4).await;
    let case = old
        .iter()
        .find(|c| c.days_in_pool > 3)
        .expect("the demo data has Ankara records more than 3 days in their pool")
        .clone();
    let s = chrome.session(app.http, "browser_record").await.unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();

    // The record page shows what a decision needs, and offers Üzerime Al.
    let path = format!("/kayit/{}", case.id);
    s.goto(&path).await.unwrap();
    let page = s.text().await.unwrap();
    shows(
        &page,
        &[
            &format!("Kayıt {}", case.tracking_number),
            "Alındığı tarih",
            "Kanal",
            "Aciliyet",
            "Yanıt kanalı",
            "Kayıt kimde\nKimsede değil",
            "Başvuru türü",
            "Kaynak",
            "Üzerime Al",
        ],
    );
    s.screenshot("kayit-havuzda").await.unwrap();
    s.click_button("Üzerime Al").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{path}?durum=alindi"));
    shows(
        &s.text().await.unwrap(),
        &[
            "Kayıt üzerinize alındı.",
            "Kayıt kimde\nMehmet Öztürk",
            "3 günden uzun süredir havuzda",
        ],
    );

    // The answer, Kaydet without confirming: asked to confirm, answer kept.
    let answer = "Arıza giderildi; hattınıza su verildi. İlginiz için teşekkür ederiz (ğüşıöç).";
    s.fill_label("Yetkili Açıklaması", answer).await.unwrap();
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Kaydı kapatmak için onay kutusunu işaretleyiniz."],
    );
    assert_eq!(s.value("#aciklama").await.unwrap(), answer);
    assert_eq!(focused_id(&s).await, "onay");
    s.screenshot("kayit-onay-istendi").await.unwrap();

    // Confirmed but without a closure reason: refused by the reason, the
    // answer and the confirmation kept, the focus on the reason.
    s.click_text(
        "label",
        "Kaydedince kayıt kapanır ve yetkili açıklaması vatandaşa seçtiği kanaldan iletilir; onaylıyorum.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Kapatmak için bir kapanış nedeni seçin."],
    );
    assert_eq!(
        s.value("#aciklama").await.unwrap(),
        answer,
        "the answer is kept"
    );
    assert_eq!(focused_id(&s).await, "neden");
    let reasons = s.texts("#neden option").await.unwrap();
    for r in [
        "Çözüldü",
        "Bilgi verildi",
        "Yetki dışı — başka kuruma yönlendirildi",
        "Mükerrer başvuru",
    ] {
        assert!(reasons.iter().any(|o| o == r), "{r} in {reasons:?}");
    }
    s.screenshot("kayit-kapanis-nedeni-istendi").await.unwrap();

    // With the reason: the 3-day refusal, the answer kept, the note box
    // focused with the error next to it.
    s.choose("Kapanış nedeni", "Yetki dışı — başka kuruma yönlendirildi")
        .await
        .unwrap();
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    let refused = s.text().await.unwrap();
    shows(
        &refused,
        &[
            "Kaydedilemedi: 3 gün kuralı gereği önce bir not eklemelisiniz.",
            "Yetkili açıklamanız aşağıda duruyor.",
        ],
    );
    assert_eq!(
        s.value("#aciklama").await.unwrap(),
        answer,
        "the answer is kept"
    );
    assert_eq!(focused_id(&s).await, "not", "the focus is on the note box");
    let note_box = s.one("#not").await.unwrap();
    assert_eq!(
        note_box.attr("aria-describedby").await.unwrap().as_deref(),
        Some("not-hata")
    );
    s.screenshot("kayit-3-gun-kurali").await.unwrap();

    // Not Ekle with both boxes filled: the note is added, the answer stays.
    let note = "Saha ekibi arızayı giderdi; kontrol ölçümü bekleniyor.";
    s.fill_label("Yeni not", note).await.unwrap();
    s.click_button("Not Ekle").await.unwrap();
    let noted = s.text().await.unwrap();
    shows(&noted, &["Not eklendi.", &format!("Mehmet Öztürk: {note}")]);
    assert_eq!(
        s.value("#aciklama").await.unwrap(),
        answer,
        "the answer is kept"
    );
    assert_eq!(
        s.value("#not").await.unwrap(),
        "",
        "the note box is empty again"
    );
    s.screenshot("kayit-not-eklendi-aciklama-duruyor")
        .await
        .unwrap();

    // Now it closes.
    s.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{path}?durum=kaydedildi"));
    shows(
        &s.text().await.unwrap(),
        &[
            "Yetkili açıklaması kaydedildi; kayıt kapatıldı.",
            answer,
            "Kapanış nedeni\nYetki dışı — başka kuruma yönlendirildi",
        ],
    );
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    let steps = s.one("ol.adimlar").await.unwrap().text().await.unwrap();
    shows(
        &steps,
        &[
            "Uzman üzerine aldı (yapan: Mehmet Öztürk); durum: Havuzda → Uzmanda; kişi: Kimsede değil → Mehmet Öztürk",
            "Not eklendi (yapan: Mehmet Öztürk)",
            "Uzman kapattı (yapan: Mehmet Öztürk)",
        ],
    );
    s.screenshot("kayit-kapatildi-adimlar").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_moved_away_while_open_says_where_it_went_and_keeps_the_note() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let case = pool_records(&app, "uzman.ankara", 0)
        .await
        .into_iter()
        .next()
        .expect("an unheld Ankara record");
    let path = format!("/kayit/{}", case.id);

    // The expert claims it and starts a note.
    let expert = chrome
        .session(app.http, "browser_record_moved")
        .await
        .unwrap();
    expert.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    expert.goto(&path).await.unwrap();
    expert.click_button("Üzerime Al").await.unwrap();
    let note = "Vatandaş aradı; arıza hâlâ sürüyor, ekip yeniden yönlendirilecek.";
    expert.fill_label("Yeni not", note).await.unwrap();
    expert.screenshot("not-yaziliyor").await.unwrap();

    // Meanwhile the pool manager gives it to Zeynep Çelik from the record page.
    let manager = chrome
        .session(app.http, "browser_record_moved_manager")
        .await
        .unwrap();
    manager
        .sign_in("yonetici.ankara", DEMO_PASSWORD)
        .await
        .unwrap();
    manager.goto(&path).await.unwrap();
    shows(
        &manager.text().await.unwrap(),
        &["Kayıt kimde\nMehmet Öztürk", "Uzmana Ata"],
    );
    manager
        .choose("Atanacak uzman", "Zeynep Çelik")
        .await
        .unwrap();
    manager.screenshot("uzmana-ata").await.unwrap();
    manager.click_button("Uzmana Ata").await.unwrap();
    assert_eq!(
        manager.path().await.unwrap(),
        format!("{path}?durum=atandi")
    );
    shows(
        &manager.text().await.unwrap(),
        &["Kayıt uzmana atandı.", "Kayıt kimde\nZeynep Çelik"],
    );
    manager.screenshot("atandi").await.unwrap();

    // The expert presses Not Ekle: told what happened, the note kept, the
    // frame (name, Çıkış) still there.
    expert.click_button("Not Ekle").await.unwrap();
    let page = expert.page().await.unwrap();
    assert!(
        page.text.contains(
            "Bu kayıt artık sizde değil: Ayşe Yıldırım tarafından Zeynep Çelik'e aktarıldı"
        ),
        "{}",
        page.text
    );
    assert!(!page.text.contains("Kayıt bulunamadı"), "{}", page.text);
    shows(
        &page.text,
        &[
            "Mehmet Öztürk",
            "Çıkış",
            &case.tracking_number,
            "Yazdıklarınız kaydedilmedi",
        ],
    );
    assert_eq!(
        expert.value("#yazilan-not").await.unwrap(),
        note,
        "the note is kept"
    );
    assert!(
        !page.text.contains(&case.text),
        "the record's content is not shown to its former holder"
    );
    expert
        .screenshot("kayit-baskasina-aktarildi")
        .await
        .unwrap();

    // Opening it again says the same, in the frame.
    expert.goto(&path).await.unwrap();
    shows(
        &expert.text().await.unwrap(),
        &[
            "Bu kayıt artık sizde değil: Ayşe Yıldırım tarafından Zeynep Çelik'e aktarıldı",
            "Çıkış",
        ],
    );

    // Someone who never worked it learns nothing.
    let other = chrome
        .session(app.http, "browser_record_moved_other")
        .await
        .unwrap();
    other.sign_in("uzman.izmir", DEMO_PASSWORD).await.unwrap();
    other.goto(&path).await.unwrap();
    let stranger = other.text().await.unwrap();
    shows(&stranger, &["Kayıt bulunamadı.", "Işıl Güneş", "Çıkış"]);
    assert!(!stranger.contains(&case.tracking_number), "{stranger}");
    assert!(!stranger.contains("Ayşe Yıldırım"), "{stranger}");

    for s in [expert, manager, other] {
        s.close().await.unwrap();
    }
    drop(chrome);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_past_retry_time_is_named_and_a_resolved_record_can_be_reopened_that_day() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let s = chrome
        .session(app.http, "browser_record_callback")
        .await
        .unwrap();
    s.sign_in("geridonus", DEMO_PASSWORD).await.unwrap();
    s.goto("/geri-donus").await.unwrap();
    let tn = s
        .offered()
        .await
        .unwrap()
        .first()
        .cloned()
        .expect("the demo data has records awaiting a callback");
    let case = app.case(&tn).await;
    let path = format!("/kayit/{}", case.id);

    // Claimed from the record page.
    s.goto(&path).await.unwrap();
    s.click_button("Üzerime Al").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{path}?durum=alindi"));

    // "Not reached" with a time that has passed: said so by the time field,
    // the outcome and the note kept.
    let yesterday = jiff::Zoned::now()
        .in_tz("Europe/Istanbul")
        .unwrap()
        .date()
        .yesterday()
        .unwrap();
    let past = format!("{}T10:30", yesterday.strftime("%Y-%m-%d"));
    let note = "Telefonu açmadı; yeniden aranacak.";
    s.click_text("label", "Ulaşılamadı, yeniden aranacak")
        .await
        .unwrap();
    s.fill_datetime("Yeniden arama zamanı", &past)
        .await
        .unwrap();
    s.fill_label("Görüşme notu", note).await.unwrap();
    s.click_button("Sonucu Kaydet").await.unwrap();
    let page = s.text().await.unwrap();
    shows(
        &page,
        &["Yeniden arama zamanı geçmişte kalıyor; ileri bir tarih ve saat giriniz."],
    );
    assert!(!page.contains("Metin boş olamaz"), "{page}");
    assert_eq!(s.value("#gorusme").await.unwrap(), note, "the note is kept");
    assert_eq!(s.value("#zaman").await.unwrap(), past, "the time is kept");
    assert_eq!(focused_id(&s).await, "zaman");
    let chosen = s
        .one("input[name=sonuc][value='2']")
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap();
    assert!(chosen, "the outcome stays chosen");
    s.screenshot("gecmis-zaman").await.unwrap();
    assert_eq!(
        app.case(&tn).await.callback_attempts,
        case.callback_attempts
    );

    // Reached: resolved, off the list.
    s.click_text(
        "label",
        "Ulaşıldı, bilgi verildi (saha çalışması teyit edildi)",
    )
    .await
    .unwrap();
    s.click_button("Sonucu Kaydet").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/geri-donus?durum=sonuclandi");

    // Its page says what happened, in the frame, and offers reopening.
    s.goto(&path).await.unwrap();
    let gone = s.text().await.unwrap();
    shows(
        &gone,
        &[
            "Bu kayıt sonuçlandı: Gülşen Kılıç",
            "Gülşen Kılıç",
            "Çıkış",
            "Kaydı Yeniden Aç",
            "bugün saat 23.59’a kadar",
        ],
    );
    assert!(!gone.contains("Kayıt bulunamadı"), "{gone}");
    s.screenshot("sonuclandi-yeniden-ac").await.unwrap();

    // Without a reason: refused by the field, focused.
    s.click_button("Kaydı Yeniden Aç").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Yeniden açma gerekçesi yazılmalı"],
    );
    assert_eq!(focused_id(&s).await, "yeniden-gerekce");
    s.screenshot("yeniden-ac-gerekce-yok").await.unwrap();

    let reason = "Vatandaş geri aradı: arıza yeniden başlamış.";
    s.fill_label("Yeniden açma gerekçesi", reason)
        .await
        .unwrap();
    s.click_button("Kaydı Yeniden Aç").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{path}?durum=yeniden-acildi")
    );
    shows(
        &s.text().await.unwrap(),
        &[
            "Kayıt yeniden açıldı; geri dönüşünüzü bekliyor.",
            "Geri Dönüş Sonucu",
            "Sonucu Kaydet",
        ],
    );
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    shows(
        &s.one("ol.adimlar").await.unwrap().text().await.unwrap(),
        &[&format!(
            "Yeniden açıldı (yapan: Gülşen Kılıç); durum: Sonuçlandı → Geri dönüş bekliyor; kişi: Kimsede değil → Gülşen Kılıç: {reason}"
        )],
    );
    s.screenshot("yeniden-acildi").await.unwrap();
    let after = app.case(&tn).await;
    assert_eq!(after.status, pb::CaseStatus::AwaitingCallback as i32);

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}

/// A citizen who applied twice about Ankara's water (the phone written two
/// ways): the second record, and the first as the record page lists it.
async fn returning_citizen(app: &Running) -> (pb::Case, pb::RelatedCase) {
    let numbers = [
        app.apply("Ankara", "Çankaya", "su_arizasi", "0532 765 43 21")
            .await,
        app.apply("Ankara", "Çankaya", "su_arizasi", "+90 532 765 4321")
            .await,
    ];
    let first = app.case(&numbers[0]).await;
    let second = app.case(&numbers[1]).await;
    let mut cases = CaseServiceClient::new(app.channel().await);
    let req = pb::ListRelatedCasesRequest {
        case_id: second.id.clone(),
        limit: 0,
    };
    let related = cases
        .list_related_cases(app.as_user("uzman.ankara", req))
        .await
        .unwrap()
        .into_inner()
        .cases;
    let other = related
        .into_iter()
        .find(|r| r.case_id == first.id)
        .expect("the first application is listed");
    (second, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_citizens_other_applications_are_links_on_the_record_page() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let (case, other) = returning_citizen(&app).await;
    let s = chrome
        .session(app.http, "browser_record_related")
        .await
        .unwrap();
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    s.goto(&format!("/kayit/{}", case.id)).await.unwrap();
    let table = s
        .one("#diger-basvurular")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    shows(
        &table,
        &["Takip numarası", "Ortak bilgi", &other.tracking_number],
    );
    assert!(
        table.contains("aynı telefon") || table.contains("aynı e-posta"),
        "{table}"
    );
    s.screenshot("diger-basvurular").await.unwrap();
    // The same record may be suggested as a duplicate too: the link of
    // this list.
    s.click_link_in("diger-basvurular", &other.tracking_number)
        .await
        .unwrap();
    assert_eq!(s.path().await.unwrap(), format!("/kayit/{}", other.case_id));
    shows(
        &s.text().await.unwrap(),
        &[&format!("Kayıt {}", other.tracking_number)],
    );
}
