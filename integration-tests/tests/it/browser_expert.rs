//! The institutional expert's whole day in a real Chromium, against the
//! gateway inside `tekmerkez dev`: sign in (Turkish), the home menu, *Çağrı
//! Havuzu*, claim one record by ticking it and pressing *Seçilenleri Üzerime
//! Al*, find it on *Üzerimdeki Çağrılar*, open it, *Not Ekle*, write the
//! *Yetkili Açıklaması* and *Kaydet ve Kaydı Kapat*, confirmed (the record
//! closes), *İşlem
//! Detaylarını Göster* lists the steps, sign out. Every screen is saved
//! under `test-artifacts/screens/browser_expert/`.

use tekmerkez::dev::Dev;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, shows};
use tekmerkez_integration_tests::web::dev_settings;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_signs_in_claims_notes_answers_closes_and_signs_out_in_a_real_browser() {
    let chrome = Chrome::start().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 120)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let s = chrome.session(addr, "browser_expert").await.unwrap();

    // Signed out, the home page sends the person to sign in, in Turkish.
    s.goto("/").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/giris");
    let page = s.page().await.unwrap();
    assert_eq!(page.title, "Giriş — Tek Merkez");
    assert_eq!(page.lang, "tr");
    assert_eq!(page.headings, ["Giriş"]);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    shows(
        &page.text,
        &[
            "Tek Merkez Başvuru ve Çözüm Merkezi",
            "Giriş",
            "Kullanıcı adı",
            "Parola",
            "Giriş yap",
        ],
    );
    s.screenshot("giris").await.unwrap();

    // A wrong password: the same page, a Turkish message, the name kept.
    s.fill_label("Kullanıcı adı", "uzman.ankara").await.unwrap();
    s.fill_label("Parola", "yanlış-parola").await.unwrap();
    s.click_button("Giriş yap").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/giris");
    let page = s.page().await.unwrap();
    shows(&page.text, &["Kullanıcı adı veya parola hatalı"]);
    assert_eq!(
        page.errors.len(),
        1,
        "told once, as an error: {:?}",
        page.errors
    );
    assert!(page.errors[0].contains("Kullanıcı adı veya parola hatalı"));
    let kept = s
        .labelled("Kullanıcı adı")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("uzman.ankara"));
    s.screenshot("giris-hatali-parola").await.unwrap();

    s.fill_label("Parola", DEMO_PASSWORD).await.unwrap();
    s.click_button("Giriş yap").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/");
    shows(
        &s.text().await.unwrap(),
        &[
            "Hoş geldiniz, Mehmet Öztürk",
            "Çağrı Havuzu",
            "Üzerimdeki Çağrılar",
            "Kullanıcı Bilgileri",
            "Çıkış",
        ],
    );
    s.screenshot("ana-menu").await.unwrap();

    // Çağrı Havuzu: the own province's unheld records.
    s.click_link("Çağrı Havuzu").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/cagri-havuzu");
    let pool = s.text().await.unwrap();
    shows(
        &pool,
        &[
            "Çağrı Havuzu",
            "Takip numarası",
            "Havuzda (gün)",
            "Ankara",
            "Seçilenleri Üzerime Al",
        ],
    );
    assert!(!pool.contains("İzmir"), "only the own province:\n{pool}");
    s.screenshot("cagri-havuzu").await.unwrap();

    // Claim one: tick it, press the button.
    let tn = s
        .offered()
        .await
        .unwrap()
        .first()
        .cloned()
        .expect("the pool offers at least one record");
    s.tick(&format!("Seç {tn}")).await.unwrap();
    s.screenshot("cagri-havuzu-secildi").await.unwrap();
    s.click_button("Seçilenleri Üzerime Al").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/uzerimdeki?durum=alindi");
    let mine = s.text().await.unwrap();
    shows(
        &mine,
        &[
            "Üzerimdeki Çağrılar",
            "Seçtiğiniz kayıtlar üzerinize alındı.",
            "Üzerimde (gün)",
            &tn,
        ],
    );
    s.screenshot("uzerimdeki-alindi").await.unwrap();

    // The pool no longer offers it.
    s.click_link("Menü").await.unwrap();
    s.click_link("Çağrı Havuzu").await.unwrap();
    assert!(!s.text().await.unwrap().contains(&tn), "{tn} left the pool");
    s.click_link("Menü").await.unwrap();
    s.click_link("Üzerimdeki Çağrılar").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/uzerimdeki");
    shows(&s.text().await.unwrap(), &[&tn]);

    // The record page.
    s.click_link(&format!("Aç {tn}")).await.unwrap();
    // Opened from the list, the record remembers it (`?from=`, for "next
    // record"); this walk goes on with the record alone, as opened directly.
    let record_path = s.path().await.unwrap();
    let record_path = record_path.split('?').next().unwrap().to_owned();
    s.goto(&record_path).await.unwrap();
    assert!(record_path.starts_with("/kayit/"), "{record_path}");
    let record = s.text().await.unwrap();
    shows(
        &record,
        &[
            &format!("Kayıt {tn}"),
            "Durum",
            "Uzmanda",
            "Başvuru sahibi",
            "Başvuru metni",
            "Notlar",
            "Yeni not",
            "Not Ekle",
            "Yetkili Açıklaması",
            "Kaydet ve Kaydı Kapat",
            "İşlem Detaylarını Göster",
        ],
    );
    assert!(
        !record.contains("iletişim bilgileri gizli"),
        "the holder sees the contact details:\n{record}"
    );
    s.screenshot("kayit").await.unwrap();

    // Not Ekle.
    let note = "Ekip yönlendirildi; çalışma başladı. Şikâyetçi bilgilendirildi (İŞ-ğüı).";
    s.fill_label("Yeni not", note).await.unwrap();
    s.click_button("Not Ekle").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{record_path}?durum=not-eklendi")
    );
    let page = s.text().await.unwrap();
    shows(&page, &["Not eklendi.", note]);
    assert_eq!(page.matches(note).count(), 1, "one note:\n{page}");
    s.screenshot("kayit-not-eklendi").await.unwrap();

    // Yetkili Açıklaması + Kaydet ve Kaydı Kapat, confirmed, closes the record.
    let answer = "Arıza giderildi, su verildi. Gösterdiğiniz ilgi için teşekkür ederiz.";
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
        s.path().await.unwrap(),
        format!("{record_path}?durum=kaydedildi")
    );
    let closed = s.text().await.unwrap();
    shows(
        &closed,
        &["Yetkili açıklaması kaydedildi; kayıt kapatıldı.", answer],
    );
    let status = s.one("#kayit-durum").await.unwrap().text().await.unwrap();
    assert_ne!(status, "Uzmanda", "no longer with the expert");
    assert!(
        ["Sonuçlandı", "Geri dönüş bekliyor"].contains(&status.as_str()),
        "closed: {status}"
    );
    let shown_answer = s
        .one("#yetkili-aciklamasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(shown_answer, answer);
    for gone in ["Not Ekle", "Kaydet ve Kaydı Kapat"] {
        assert!(
            s.client()
                .find_all(fantoccini::Locator::XPath(&format!(
                    "//button[normalize-space()='{gone}']"
                )))
                .await
                .unwrap()
                .is_empty(),
            "a closed record offers no '{gone}'"
        );
    }
    s.screenshot("kayit-kapatildi").await.unwrap();

    // İşlem Detaylarını Göster: the steps are folded away until asked for.
    let steps = ["Başvuru açıldı", "Uzman üzerine aldı", "Uzman kapattı"];
    let folded = s.text().await.unwrap();
    assert!(
        !folded.contains("Uzman üzerine aldı"),
        "the steps start folded:\n{folded}"
    );
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    let unfolded = s.text().await.unwrap();
    shows(&unfolded, &steps);
    let step_list = s.one("ol.adimlar").await.unwrap().text().await.unwrap();
    let opened_at = step_list.find("Başvuru açıldı").unwrap();
    let claimed_at = step_list.find("Uzman üzerine aldı").unwrap();
    let noted_at = step_list.find("Not eklendi").unwrap();
    let closed_at = step_list.find("Uzman kapattı").unwrap();
    assert!(
        opened_at < claimed_at && claimed_at < noted_at && noted_at < closed_at,
        "the steps in order:\n{step_list}"
    );
    s.screenshot("kayit-islem-detaylari").await.unwrap();

    // Sign out: back to the sign-in page; the lists need signing in again.
    s.click_button("Çıkış").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/giris");
    shows(&s.text().await.unwrap(), &["Giriş yap"]);
    s.screenshot("cikis").await.unwrap();
    s.goto("/uzerimdeki").await.unwrap();
    assert!(
        s.path().await.unwrap().starts_with("/giris"),
        "signed out: {}",
        s.path().await.unwrap()
    );

    s.close().await.unwrap();
    drop(chrome);
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
