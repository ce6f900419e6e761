//! *Kapanış Nedenleri* in a real Chromium against `tekmerkez dev`: the
//! admin adds a reason (a code already taken is refused by its field, the
//! names as typed), renames and deactivates another; a rename on a version
//! another admin changed meanwhile is refused with the typing kept and the
//! current name told, and saved when sent again. On a
//! record, the close form offers the active reasons only, and a close
//! without a reason is refused by the reason with the typed answer kept;
//! the record closed with the new reason names it. Screens under
//! `test-artifacts/screens/browser_closure_reasons/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{
    self as pb, classification_service_client::ClassificationServiceClient,
};

const PAGE: &str = "/yonetim/kapanis-nedenleri";

/// The status message on top.
async fn told(s: &Session) -> String {
    s.one("#durum").await.unwrap().text().await.unwrap()
}

/// Presses the *Kaydet* of reason `code`'s row.
async fn save_row(s: &Session, code: &str) {
    let label = s
        .one(&format!("tr#neden-{code} button"))
        .await
        .unwrap()
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap();
    s.click_button(&label).await.unwrap();
}

/// The texts of the close form's reasons.
async fn offered_reasons(s: &Session) -> Vec<String> {
    s.texts("#neden option").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_keeps_the_closure_reasons_and_the_close_form_offers_the_active_ones() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_closure_reasons")
        .await
        .unwrap();
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim").await.unwrap();
    s.click_link("Kapanış Nedenleri").await.unwrap();
    assert_eq!(s.path().await.unwrap(), PAGE);
    shows(
        &s.text().await.unwrap(),
        &["Kapanış Nedenleri", "Yeni kapanış nedeni"],
    );
    assert_eq!(
        s.value("tr#neden-asilsiz input[name=ad_tr]").await.unwrap(),
        "Asılsız"
    );
    s.screenshot("kapanis-nedenleri").await.unwrap();

    // A code already taken: refused by the code, the names kept.
    s.fill_label("Kod", "cozuldu").await.unwrap();
    s.fill_label("Türkçe ad", "Kurum içinde çözüldü")
        .await
        .unwrap();
    s.fill_label("İngilizce ad", "Solved in house")
        .await
        .unwrap();
    s.fill_label("Sıra", "15").await.unwrap();
    s.click_button("Ekle").await.unwrap();
    assert_eq!(
        s.texts("#yeni-kod-hata").await.unwrap(),
        ["Bu kod zaten var."]
    );
    assert_eq!(s.value("#yeni-kod").await.unwrap(), "cozuldu");
    assert_eq!(
        s.value("#yeni-ad-tr").await.unwrap(),
        "Kurum içinde çözüldü"
    );
    assert_eq!(s.value("#yeni-ad-en").await.unwrap(), "Solved in house");
    assert_eq!(s.value("#yeni-sira").await.unwrap(), "15");
    assert_eq!(
        s.focused().await.unwrap().attr("id").await.unwrap(),
        Some("yeni-kod".to_owned())
    );
    s.screenshot("kod-alinmis").await.unwrap();
    s.fill_label("Kod", "kurum_ici").await.unwrap();
    s.click_button("Ekle").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{PAGE}?durum=eklendi"));
    assert_eq!(told(&s).await, "Kapanış nedeni eklendi.");
    let added = s.texts("tr#neden-kurum_ici").await.unwrap().join("");
    shows(&added, &["Etkin", "Sistem Yöneticisi"]);
    assert_eq!(
        s.value("tr#neden-kurum_ici input[name=ad_tr]")
            .await
            .unwrap(),
        "Kurum içinde çözüldü"
    );

    // Renamed and deactivated.
    s.fill_in("tr#neden-asilsiz input[name=ad_tr]", "Asılsız ihbar")
        .await
        .unwrap();
    s.one("tr#neden-asilsiz input[name=etkin]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    save_row(&s, "asilsiz").await;
    assert_eq!(told(&s).await, "Kapanış nedeni kaydedildi.");
    assert_eq!(
        s.value("tr#neden-asilsiz input[name=ad_tr]").await.unwrap(),
        "Asılsız ihbar"
    );
    let row = s.one("tr#neden-asilsiz").await.unwrap();
    assert_eq!(row.attr("class").await.unwrap().as_deref(), Some("pasif"));
    shows(&row.text().await.unwrap(), &["Pasif", "Sistem Yöneticisi"]);
    s.screenshot("pasif").await.unwrap();

    // Another admin renames the new reason while this page is open.
    let mut reasons = ClassificationServiceClient::new(app.channel().await);
    let listed = reasons
        .list_closure_reasons(app.as_user(
            "admin",
            pb::ListClosureReasonsRequest {
                include_inactive: true,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .reasons;
    let mine = listed.iter().find(|r| r.code == "kurum_ici").unwrap();
    reasons
        .update_closure_reason(app.as_user(
            "admin",
            pb::UpdateClosureReasonRequest {
                code: "kurum_ici".into(),
                label_tr: "Birim içinde çözüldü".into(),
                label_en: "Solved in the unit".into(),
                position: 15,
                active: true,
                expected_version: mine.version,
            },
        ))
        .await
        .unwrap();
    s.fill_in("tr#neden-kurum_ici input[name=ad_tr]", "Kurumda çözüldü")
        .await
        .unwrap();
    save_row(&s, "kurum_ici").await;
    assert_eq!(
        told(&s).await,
        "Bu neden siz düzenlerken değişti; şimdiki adı “Birim içinde çözüldü” (Solved in the unit). \
         Yazdıklarınız duruyor: kontrol edip yeniden kaydederseniz onlar geçerli olur."
    );
    assert_eq!(
        s.texts("#ad-tr-hata-kurum_ici").await.unwrap(),
        ["Bu neden siz düzenlerken değişti."]
    );
    assert_eq!(
        s.value("tr#neden-kurum_ici input[name=ad_tr]")
            .await
            .unwrap(),
        "Kurumda çözüldü",
        "the typing kept"
    );
    s.screenshot("neden-degisti").await.unwrap();
    // Checked, saved again: now against the current version.
    save_row(&s, "kurum_ici").await;
    assert_eq!(told(&s).await, "Kapanış nedeni kaydedildi.");
    assert_eq!(
        s.value("tr#neden-kurum_ici input[name=ad_tr]")
            .await
            .unwrap(),
        "Kurumda çözüldü"
    );
    s.close().await.unwrap();

    // The expert's close form: the active reasons only.
    let tn = app.apply_typed("fatura", "talep").await;
    let case = app.case(&tn).await;
    let e = chrome
        .session(app.http, "browser_closure_reasons")
        .await
        .unwrap();
    e.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    let path = format!("/kayit/{}", case.id);
    e.goto(&path).await.unwrap();
    e.click_button("Üzerime Al").await.unwrap();
    let offered = offered_reasons(&e).await;
    assert!(
        offered.iter().any(|o| o == "Kurumda çözüldü"),
        "{offered:?}"
    );
    assert!(offered.iter().any(|o| o == "Çözüldü"), "{offered:?}");
    assert!(
        !offered.iter().any(|o| o.starts_with("Asılsız")),
        "a passive reason is not offered: {offered:?}"
    );
    assert_eq!(offered[0], "Kapanış nedeni seçin");

    // Without a reason: refused by the reason, the answer kept.
    let answer = "Faturanız yeniden hesaplandı; fark bir sonraki dönemde düşülecek (ğüşıöç).";
    e.fill_label("Yetkili Açıklaması", answer).await.unwrap();
    e.click_text(
        "label",
        "Kaydedince kayıt kapanır ve yetkili açıklaması vatandaşa seçtiği kanaldan iletilir; onaylıyorum.",
    )
    .await
    .unwrap();
    e.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    assert_eq!(
        e.texts("#neden-hata").await.unwrap(),
        ["Kapatmak için bir kapanış nedeni seçin."]
    );
    assert_eq!(e.value("#aciklama").await.unwrap(), answer);
    assert!(e.one("#onay").await.unwrap().is_selected().await.unwrap());
    assert_eq!(
        e.focused().await.unwrap().attr("id").await.unwrap(),
        Some("neden".to_owned())
    );
    e.screenshot("neden-secilmedi").await.unwrap();

    e.choose("Kapanış nedeni", "Kurumda çözüldü").await.unwrap();
    e.click_button("Kaydet ve Kaydı Kapat").await.unwrap();
    shows(
        &e.text().await.unwrap(),
        &["Yetkili açıklaması kaydedildi; kayıt kapatıldı."],
    );
    e.goto(&path).await.unwrap();
    assert_eq!(
        e.one("#kapanis-nedeni")
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Kurumda çözüldü"
    );
    assert_eq!(app.case(&tn).await.closure_reason, "kurum_ici");
    e.screenshot("kapandi").await.unwrap();
    e.close().await.unwrap();
    app.stop().await;
}
