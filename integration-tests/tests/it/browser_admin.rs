//! The admin's *Yönetim* and a person's *Kullanıcı Bilgileri* in a real
//! Chromium against `tekmerkez dev`: the admin adds a directorate, a unit
//! under it and the unit's Ankara pool; a new expert with that pool; and a
//! routing rule sending Ankara's noise complaints to the unit. A citizen's
//! application on `/basvuru` then lands in the new pool (the case service
//! says so) and the new expert, signed in with the first password, sees it
//! in *Çağrı Havuzu*. On *Kullanıcı Bilgileri* the expert corrects the name
//! and the work phone and changes the password: the old password no longer
//! signs in, the new one does. Last the admin deletes the rule, after a
//! confirmation page that shows it. Screens under
//! `test-artifacts/screens/browser_admin/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{self as pb, directory_service_client::DirectoryServiceClient};

const DIRECTORATE: &str = "Çevre Koruma Daire Başkanlığı";
const UNIT: &str = "Gürültü Denetim Birimi";
const USERNAME: &str = "uzman3.ankara";
const FIRST_PASSWORD: &str = "ilk-parola-2026";
const NEW_PASSWORD: &str = "yeni-parola-İşçi-2026";

/// The status message the page shows.
async fn told(s: &Session) -> String {
    s.one("#durum").await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_builds_a_unit_pool_expert_and_rule_and_the_expert_works_and_changes_password() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, "browser_admin").await.unwrap();

    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Hoş geldiniz, Sistem Yöneticisi",
            "Yönetim",
            "Kullanıcı Bilgileri",
        ],
    );
    s.screenshot("ana-menu").await.unwrap();
    s.click_link("Yönetim").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/yonetim");
    shows(
        &s.text().await.unwrap(),
        &[
            "Kullanıcılar",
            "Teşkilat",
            "Yönlendirme Kuralları",
            "Yeni Kullanıcı",
            "Yeni Kural",
        ],
    );
    s.screenshot("yonetim").await.unwrap();

    // Teşkilat: a directorate, a unit under it, the unit's Ankara pool.
    s.fill_in("#m-ad", DIRECTORATE).await.unwrap();
    s.click_button_in("Yeni Daire Başkanlığı / Müdürlük", "Ekle")
        .await
        .unwrap();
    assert_eq!(told(&s).await, "Teşkilata eklendi.");
    s.choose_in("#b-mudurluk", DIRECTORATE).await.unwrap();
    s.fill_in("#b-ad", UNIT).await.unwrap();
    s.click_button_in("Yeni Birim", "Ekle").await.unwrap();
    assert_eq!(told(&s).await, "Teşkilata eklendi.");
    let unit_label = format!("{UNIT} — {DIRECTORATE}");
    s.choose_in("#h-birim", &unit_label).await.unwrap();
    s.choose_in("#h-il", "Ankara").await.unwrap();
    s.screenshot("yonetim-yeni-havuz").await.unwrap();
    s.click_button_in("Yeni Havuz", "Ekle").await.unwrap();
    assert_eq!(told(&s).await, "Teşkilata eklendi.");
    // Its name, made from the province and the unit, is in the pools' table.
    let pool = s
        .texts("#teskilat + table td")
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.contains(UNIT))
        .expect("the new pool is listed");
    assert!(pool.contains("Ankara"), "{pool}");
    s.screenshot("yonetim-teskilat-eklendi").await.unwrap();

    // Kullanıcılar: a new expert of the new pool.
    s.fill_label("Kullanıcı adı", USERNAME).await.unwrap();
    s.fill_in("#y-ad", "Çiğdem Işık").await.unwrap();
    s.choose("Rol", "Kurum Uzmanı").await.unwrap();
    s.fill_label("İlk parola (10–128 karakter)", FIRST_PASSWORD)
        .await
        .unwrap();
    s.fill_label("İş e-postası", "cigdem.isik@ankara.example")
        .await
        .unwrap();
    s.choose("Havuz", &pool).await.unwrap();
    s.screenshot("yonetim-yeni-kullanici").await.unwrap();
    s.click_button_in("Yeni Kullanıcı", "Ekle").await.unwrap();
    assert_eq!(told(&s).await, "Kullanıcı eklendi.");
    let row = s
        .texts("#kullanicilar + table tbody tr")
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.contains(USERNAME))
        .expect("the new user is listed");
    shows(&row, &["Çiğdem Işık", "Kurum Uzmanı", &pool, "Etkin"]);
    s.screenshot("yonetim-kullanici-eklendi").await.unwrap();

    // Yönlendirme Kuralları: Ankara's noise complaints by web form to the unit.
    let description = "Ankara'daki gürültü şikâyetleri Gürültü Denetim Birimi'ne";
    s.fill_in("#k-oncelik", "5").await.unwrap();
    s.choose_in("#k-konu", "Çevre kirliliği ve gürültü")
        .await
        .unwrap();
    s.fill_in("#k-kelimeler", "gürültü, korna").await.unwrap();
    s.choose_in("#k-il", "Ankara").await.unwrap();
    s.choose_in("#k-birim", &unit_label).await.unwrap();
    s.fill_in("#k-aciklama", description).await.unwrap();
    s.click_text("label", "Web formu").await.unwrap();
    s.screenshot("yonetim-yeni-kural").await.unwrap();
    s.click_button_in("Yeni Kural", "Ekle").await.unwrap();
    assert_eq!(told(&s).await, "Yönlendirme kuralı eklendi.");
    let rule = s
        .texts("#kurallar + table tbody tr")
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.contains(description))
        .expect("the new rule is listed");
    shows(&rule, &["Web formu", "Ankara", UNIT]);
    s.screenshot("yonetim-kural-eklendi").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // A citizen's noise complaint goes to the new pool by the new rule.
    s.goto("/basvuru").await.unwrap();
    s.choose("Başvuru konusu", "Çevre kirliliği ve gürültü")
        .await
        .unwrap();
    s.choose("Başvuru türü", "Şikâyet").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Çankaya").await.unwrap();
    s.fill_label(
        "Başvurunuz",
        "Gece yarısı sokakta sürekli korna çalınıyor, GÜRÜLTÜ yüzünden uyuyamıyoruz.",
    )
    .await
    .unwrap();
    s.fill_label("Adınız soyadınız", "Şükrü Güneş")
        .await
        .unwrap();
    s.fill_label("Telefon", "0533 444 55 66").await.unwrap();
    s.click_text("label", "SMS").await.unwrap();
    s.click_text("label", "Okudum, açık rıza veriyorum.")
        .await
        .unwrap();
    s.click_button("Başvuruyu gönder").await.unwrap();
    let tn = s
        .one(".takip")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned();
    let case = app.case(&tn).await;
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        pool,
        "routed by the rule"
    );

    // The new expert signs in with the first password and finds it.
    s.sign_in(USERNAME, FIRST_PASSWORD).await.unwrap();
    shows(&s.text().await.unwrap(), &["Hoş geldiniz, Çiğdem Işık"]);
    s.click_link("Çağrı Havuzu").await.unwrap();
    shows(&s.text().await.unwrap(), &[&tn]);
    s.screenshot("yeni-uzman-cagri-havuzu").await.unwrap();

    // Kullanıcı Bilgileri: the name and the work phone.
    s.click_link("Menü").await.unwrap();
    s.click_link("Kullanıcı Bilgileri").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/kullanici");
    shows(
        &s.text().await.unwrap(),
        &[
            "Kullanıcı Bilgileri",
            USERNAME,
            "Kurum Uzmanı",
            "Parola Değiştir",
        ],
    );
    s.screenshot("kullanici-bilgileri").await.unwrap();
    s.fill_label("Ad soyad", "Çiğdem Işık Öztürk")
        .await
        .unwrap();
    s.fill_label("İş telefonu", "0312 555 12 34").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/kullanici?durum=kaydedildi");
    assert_eq!(told(&s).await, "Bilgileriniz kaydedildi.");
    shows(&s.text().await.unwrap(), &["Çiğdem Işık Öztürk"]);
    s.screenshot("kullanici-kaydedildi").await.unwrap();
    let mut dir = DirectoryServiceClient::new(app.channel().await);
    let me = dir
        .list_users(app.as_user("admin", pb::ListUsersRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .users
        .into_iter()
        .find(|u| u.username == USERNAME)
        .unwrap();
    assert_eq!(me.display_name, "Çiğdem Işık Öztürk");
    assert!(
        me.phone.ends_with("3125551234"),
        "the work phone: {}",
        me.phone
    );

    // A new password: the current one is asked for first.
    s.fill_label("Mevcut parola", "yanlış-parola")
        .await
        .unwrap();
    s.fill_label("Yeni parola (10–128 karakter)", NEW_PASSWORD)
        .await
        .unwrap();
    s.fill_label("Yeni parola (tekrar)", NEW_PASSWORD)
        .await
        .unwrap();
    s.click_button("Parola Değiştir").await.unwrap();
    let page = s.page().await.unwrap();
    shows(&page.text, &["Mevcut parola doğru değil."]);
    assert!(
        page.errors
            .iter()
            .any(|e| e.contains("Mevcut parola doğru değil.")),
        "told as an error: {:?}",
        page.errors
    );
    s.screenshot("kullanici-mevcut-parola-yanlis")
        .await
        .unwrap();
    s.fill_label("Mevcut parola", FIRST_PASSWORD).await.unwrap();
    s.fill_label("Yeni parola (10–128 karakter)", NEW_PASSWORD)
        .await
        .unwrap();
    s.fill_label("Yeni parola (tekrar)", NEW_PASSWORD)
        .await
        .unwrap();
    s.click_button("Parola Değiştir").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/kullanici?durum=parola");
    assert_eq!(
        told(&s).await,
        "Parolanız değiştirildi; diğer oturumlarınız kapatıldı."
    );
    s.screenshot("kullanici-parola-degisti").await.unwrap();

    // Signed out, the old password no longer signs in; the new one does.
    s.click_button("Çıkış").await.unwrap();
    s.fill_label("Kullanıcı adı", USERNAME).await.unwrap();
    s.fill_label("Parola", FIRST_PASSWORD).await.unwrap();
    s.click_button("Giriş yap").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/giris");
    let page = s.page().await.unwrap();
    shows(&page.text, &["Kullanıcı adı veya parola hatalı"]);
    assert_eq!(page.errors.len(), 1, "told as an error: {:?}", page.errors);
    s.screenshot("giris-eski-parola").await.unwrap();
    s.sign_in(USERNAME, NEW_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Hoş geldiniz, Çiğdem Işık Öztürk"],
    );
    s.screenshot("giris-yeni-parola").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // The admin deletes the rule: asked first, with the rule shown; Vazgeç
    // keeps it, the confirmation deletes it.
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim").await.unwrap();
    let delete = format!("Sil: {description}");
    s.click_link(&delete).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Yönlendirme Kuralını Sil",
            "Bu kural silinsin mi?",
            description,
            UNIT,
            "Web formu",
        ],
    );
    s.screenshot("yonetim-kural-sil-onay").await.unwrap();
    s.click_link("Vazgeç").await.unwrap();
    let listed = |rows: Vec<String>| rows.iter().any(|r| r.contains(description));
    assert!(listed(s.texts("#kurallar + table tbody tr").await.unwrap()));
    s.click_link(&delete).await.unwrap();
    s.click_button("Evet, kuralı sil").await.unwrap();
    assert_eq!(told(&s).await, "Yönlendirme kuralı silindi.");
    assert!(!listed(
        s.texts("#kurallar + table tbody tr").await.unwrap()
    ));
    s.screenshot("yonetim-kural-silindi").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
