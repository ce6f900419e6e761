//! Staff entry in a real Chromium against `tekmerkez dev`: the call-centre
//! agent records a call and an information-only call, front-office staff
//! record a letter and a counter visit (first without its queue ticket,
//! refused at the field), province and district picked from the lists, and
//! each receipt page is saved as a screenshot
//! whose barcode an independent reader (zbar) decodes back to the tracking
//! number shown on it. Every screen is saved under
//! `test-artifacts/screens/browser_entry/`.

use crate::channels::start;
use crate::entry_support::read_barcodes;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::{case_v1 as pb, common_v1::Channel};

/// Picks the option starting with `text` in the list labelled `label`, by
/// typing as a person does (a list cannot be cleared like a text field).
async fn choose(s: &Session, label: &str, text: &str) {
    s.labelled(label)
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// The tracking number the receipt page shows.
async fn shown_tracking_number(s: &Session) -> String {
    s.one("#takip-numarasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned()
}

/// Saves the receipt page and reads its barcode from the screenshot.
async fn scan_receipt(s: &Session, name: &str) -> String {
    let tn = shown_tracking_number(s).await;
    let png = s.screenshot(name).await.unwrap();
    assert_eq!(
        read_barcodes(&png),
        vec![tn.clone()],
        "the barcode on {name} reads back as the number shown"
    );
    tn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_calls_letters_and_counter_visits_and_print_receipts_in_a_real_browser() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, "browser_entry").await.unwrap();

    // The call-centre agent: the menu, then Çağrı Kaydı.
    s.sign_in("cagrimerkezi", DEMO_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Çağrı Kaydı",
            "Yazılı Başvuru (Dilekçe)",
            "Gişe Başvurusu",
            "Görüntülü Görüşme",
            "Aldığım Kayıtlar",
        ],
    );
    s.screenshot("menu").await.unwrap();
    s.click_link("Çağrı Kaydı").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/kayit-girisi/cagri");
    choose(&s, "Konu", "Su arızası").await;
    s.fill_label(
        "Başvuru metni",
        "Sokakta su borusu patladı, yol su altında.",
    )
    .await
    .unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("İlçe", "İzmit").await.unwrap();
    s.fill_label("Ad Soyad", "Ayşe Yılmaz").await.unwrap();
    s.fill_label("Telefon", "0532 111 22 33").await.unwrap();
    s.click_text(
        "label",
        "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    )
    .await
    .unwrap();
    s.screenshot("cagri-formu").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/alindi/"));
    shows(
        &s.text().await.unwrap(),
        &[
            "Başvuru Alındı Belgesi",
            "Takip numarasını başvuru sahibine okuyun.",
            "Yazdır",
            "PDF indir",
        ],
    );
    let call_tn = scan_receipt(&s, "cagri-alindi").await;
    let case = app.case(&call_tn).await;
    assert_eq!(case.channel, Channel::Phone as i32);
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        "Kocaeli Su Arıza Birimi"
    );

    // An information-only call from the receipt's "Yeni kayıt".
    s.click_link("Yeni kayıt").await.unwrap();
    choose(&s, "Konu", "Bilgi talebi").await;
    s.fill_label("Başvuru metni", "Fatura son ödeme tarihini sordu.")
        .await
        .unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("İlçe", "Gebze").await.unwrap();
    s.fill_label("Telefon", "0533 444 55 66").await.unwrap();
    s.click_text(
        "label",
        "Yalnızca bilgi verildi (kayıt açılır ve hemen kapanır)",
    )
    .await
    .unwrap();
    s.fill_label("Verilen bilgi", "Son ödeme tarihi ayın 25'idir.")
        .await
        .unwrap();
    s.click_text(
        "label",
        "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Bilgi verildi; başvuru kaydedildi ve kapatıldı."],
    );
    let info_tn = scan_receipt(&s, "bilgi-alindi").await;
    assert_eq!(
        app.case(&info_tn).await.status,
        pb::CaseStatus::Resolved as i32
    );
    s.click_link("Aldığım Kayıtlar").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[&call_tn, &info_tn, "Sonuçlandı"],
    );
    s.screenshot("aldigim-kayitlar").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // Front-office staff: a counter visit, first without the queue ticket.
    s.sign_in("danisma", DEMO_PASSWORD).await.unwrap();
    s.click_link("Gişe Başvurusu").await.unwrap();
    choose(&s, "Konu", "Sayaç").await;
    s.fill_label(
        "Başvuru metni",
        "Sayacım donmuş, çatlamış; değiştirilmesini istiyorum.",
    )
    .await
    .unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("İlçe", "Körfez").await.unwrap();
    s.fill_label("Ad Soyad", "Gülay Çelik").await.unwrap();
    s.fill_label("Telefon", "0542 987 65 43").await.unwrap();
    s.click_text(
        "label",
        "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    )
    .await
    .unwrap();
    s.click_button("Kaydet").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Başvuru kaydedilemedi; aşağıdaki alanları düzeltin:",
            "Gişe başvurusunda sıra numarası gereklidir",
        ],
    );
    s.screenshot("gise-sira-eksik").await.unwrap();
    // What was typed is still there; only the ticket is missing.
    assert_eq!(
        s.labelled("Ad Soyad")
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Gülay Çelik")
    );
    s.fill_label("Sıra numarası", "B-117").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Sıra numarası", "B-117", "Yüz yüze (gişe)"],
    );
    let counter_tn = scan_receipt(&s, "gise-alindi").await;
    assert_eq!(
        app.case(&counter_tn).await.channel,
        Channel::FaceToFace as i32
    );

    // A letter, answered by post.
    s.click_link("Menü").await.unwrap();
    s.click_link("Yazılı Başvuru (Dilekçe)").await.unwrap();
    choose(&s, "Konu", "Fatura ve abonelik").await;
    s.fill_label("Başvuru metni", "Abonelik devri için dilekçemdir.")
        .await
        .unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("İlçe", "Gebze").await.unwrap();
    s.fill_label("Gelen evrak no", "2025/2044").await.unwrap();
    s.fill_label("Ad Soyad", "Şükrü Öztürk").await.unwrap();
    s.fill_label("Adres", "Cumhuriyet Mah. İnönü Cad. No: 12, Gebze")
        .await
        .unwrap();
    s.click_text("label", "Posta (yazılı yanıt)").await.unwrap();
    s.click_text(
        "label",
        "Aydınlatma metni başvuru sahibine okundu veya verildi; kişisel verilerinin bu başvuru için işlenmesini kabul etti.",
    )
    .await
    .unwrap();
    s.screenshot("yazi-formu").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Yazılı başvuru", "2025/2044", "Posta (yazılı yanıt)"],
    );
    let letter_tn = scan_receipt(&s, "yazi-alindi").await;
    assert_eq!(app.case(&letter_tn).await.channel, Channel::Written as i32);

    // The English locale.
    s.goto("/kayit-girisi/goruntulu?lang=en").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Video meeting", "Meeting number", "KVKK notice and consent"],
    );
    s.screenshot("goruntulu-en").await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}

fn key(k: fantoccini::key::Key) -> String {
    char::from(k).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_information_only_call_is_recorded_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_entry_keyboard")
        .await
        .unwrap();
    s.sign_in("cagrimerkezi", DEMO_PASSWORD).await.unwrap();
    s.goto("/kayit-girisi/cagri").await.unwrap();
    // Tab from the top of the page reaches the first field after the header
    // and the desk menu.
    let mut at = String::new();
    for _ in 0..16 {
        s.keys(&key(Key::Tab)).await.unwrap();
        at = s
            .focused()
            .await
            .unwrap()
            .attr("id")
            .await
            .unwrap()
            .unwrap_or_default();
        if at == "konu" {
            break;
        }
    }
    assert_eq!(at, "konu", "Tab reaches the subject list");
    // Each Tab goes to the next field in reading order; what is typed lands there.
    let steps: &[(&str, String)] = &[
        ("konu", "Bilgi".to_owned()),
        // Typing picks the type by its first letters, as the subject.
        ("tur", "Bilgi".to_owned()),
        (
            "metin",
            "Su kesintisinin ne zaman biteceğini sordu.".to_owned(),
        ),
        ("il", "Kocaeli".to_owned()),
        ("ilce", "Başiskele".to_owned()),
        ("bilgi", key(Key::Space)),
        (
            "verilen_bilgi",
            "Kesinti bu akşam 18.00'de bitecek.".to_owned(),
        ),
        ("ad", String::new()),
        ("telefon", "0535 222 33 44".to_owned()),
        ("eposta", String::new()),
        ("adres", String::new()),
        ("yanit-sms", String::new()),
        ("kvkk", key(Key::Space)),
        ("ozel", String::new()),
        ("acik_riza", String::new()),
    ];
    for (i, (id, typed)) in steps.iter().enumerate() {
        let focused = s.focused().await.unwrap().attr("id").await.unwrap();
        assert_eq!(focused.as_deref(), Some(*id), "step {i}");
        if !typed.is_empty() {
            s.keys(typed).await.unwrap();
        }
        s.keys(&key(Key::Tab)).await.unwrap();
    }
    let button = s.focused().await.unwrap();
    assert_eq!(button.text().await.unwrap(), "Kaydet");
    s.screenshot("klavye-formu").await.unwrap();
    s.keys_navigating(&key(Key::Enter)).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Bilgi verildi; başvuru kaydedildi ve kapatıldı."],
    );
    let tn = scan_receipt(&s, "klavye-alindi").await;
    let case = app.case(&tn).await;
    assert_eq!(case.status, pb::CaseStatus::Resolved as i32);
    assert_eq!(case.category, "genel_bilgi");
    s.close().await.unwrap();
    app.stop().await;
}
