//! Issue 15, defects 4 and 8, in a real Chromium against `tekmerkez dev`
//! with its demo records. A pool manager transfers an Ankara record to an
//! İzmir pool (every pool of the institution, grouped by province, then
//! directorate and unit) and corrects its province, district and category
//! on the way: a district outside the new province is refused by its field
//! with everything chosen kept; each correction then reads in words among
//! the record's task steps. An expert's transfer is refused. An admin's new
//! pool is flagged "Yöneticisi yok" until the admin names its manager, who
//! then finds it on *Havuz Yönetimi*. Screens under
//! `test-artifacts/screens/browser_transfer/` and `…/browser_transfer_pool/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1 as pb;

const TARGET_LABEL: &str = "Hedef havuz (il, müdürlük, birim)";
const REASON_LABEL: &str = "Aktarma gerekçesi (en çok 2000 karakter)";
const TARGET: &str = "İzmir — Su ve Kanalizasyon Dairesi Başkanlığı › Abone İşleri Birimi";

async fn run_js(s: &Session, script: &str) -> serde_json::Value {
    s.client().execute(script, vec![]).await.unwrap()
}

/// The text of the chosen option of the select `id`.
async fn chosen(s: &Session, id: &str) -> String {
    let v = run_js(
        s,
        &format!(
            "const h = document.getElementById('{id}'); return h.options[h.selectedIndex].text;"
        ),
    )
    .await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_transfers_a_record_to_another_province_and_corrects_it_on_the_way() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 40).await;
    let s = chrome.session(app.http, "browser_transfer").await.unwrap();

    // An expert reaches the page but the case service refuses the transfer.
    s.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    s.goto("/cagri-havuzu").await.unwrap();
    let offered = s.offered().await.unwrap();
    let expert_tn = offered.first().expect("the demo pool has records").clone();
    let expert_case = app.case(&expert_tn).await;
    s.goto(&format!("/kayit/{}/aktar", expert_case.id))
        .await
        .unwrap();
    s.choose(TARGET_LABEL, TARGET).await.unwrap();
    s.fill_label(REASON_LABEL, "İzmir'e ait.").await.unwrap();
    s.click_button("Aktar").await.unwrap();
    assert_eq!(
        s.one("#durum").await.unwrap().text().await.unwrap(),
        "Bu işlem için yetkiniz yok."
    );
    assert_eq!(chosen(&s, "hedef").await, TARGET, "the choice is kept");
    s.screenshot("uzman-reddedildi").await.unwrap();
    let after = app.case(&expert_tn).await;
    assert_eq!(after.pool_id, expert_case.pool_id, "nothing moved");
    s.click_button("Çıkış").await.unwrap();

    // The pool manager opens a water-failure record of Ankara.
    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    s.goto("/havuz?statu=1&konu=su_arizasi").await.unwrap();
    let tn = s.offered().await.unwrap().first().unwrap().clone();
    s.click_link(&format!("Aç {tn}")).await.unwrap();
    // The list it was opened from rides along (`?from=`); the record's own path:
    let record_path = s.path().await.unwrap();
    let record_path = record_path.split('?').next().unwrap().to_owned();
    s.click_link("Başka Havuza Aktar").await.unwrap();
    // The list rides along to the transfer page too, for its next record.
    let transfer_path = s.path().await.unwrap();
    assert!(
        transfer_path.starts_with(&format!("{record_path}/aktar?from=")),
        "{transfer_path}"
    );
    // Every pool of the institution, one group per province in Turkish order.
    let groups = run_js(
        &s,
        "return [...document.querySelectorAll('#hedef optgroup')].map(g => g.label);",
    )
    .await;
    assert_eq!(groups, serde_json::json!(["Ankara", "İzmir", "Kocaeli"]));
    shows(
        &s.text().await.unwrap(),
        &["Kaydı Aktar", "Düzeltmeler", "Su arızası", "Ankara"],
    );
    s.screenshot("aktar-sayfasi").await.unwrap();

    // A district of Ankara with İzmir as the province: refused by its field,
    // with everything chosen and typed kept, and the focus on the district.
    let reason = "Adres İzmir Bornova'da; il ve konu yanlış girilmiş.";
    s.choose(TARGET_LABEL, TARGET).await.unwrap();
    s.fill_label(REASON_LABEL, reason).await.unwrap();
    s.choose("İl", "İzmir").await.unwrap();
    s.fill_label("İlçe", "Çankaya").await.unwrap();
    s.choose("Kategori", "Fatura ve abonelik").await.unwrap();
    s.click_button("Aktar").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{record_path}/aktar"));
    assert_eq!(
        s.one("#ilce-hata").await.unwrap().text().await.unwrap(),
        "Bu ilçe seçilen ilde yok; ilin ilçelerinden birini yazınız."
    );
    assert_eq!(chosen(&s, "hedef").await, TARGET);
    assert_eq!(chosen(&s, "il").await, "İzmir");
    assert_eq!(chosen(&s, "kategori").await, "Fatura ve abonelik");
    assert_eq!(
        run_js(&s, "return [document.getElementById('gerekce').value, document.getElementById('ilce').value, document.activeElement.id];").await,
        serde_json::json!([reason, "Çankaya", "ilce"])
    );
    s.screenshot("aktar-ilce-reddedildi").await.unwrap();
    let unchanged = app.case(&tn).await;
    assert_eq!(unchanged.location.unwrap().province_code, 6);

    s.fill_label("İlçe", "Bornova").await.unwrap();
    s.click_button("Aktar").await.unwrap();
    // Opened from a list: the list's next record, saying where this one went.
    let next = s.path().await.unwrap();
    assert!(
        next.starts_with("/kayit/") && next.contains("durum=sonraki"),
        "{next}"
    );
    shows(
        &s.text().await.unwrap(),
        &["numaralı kayıt aktarıldı; sıradaki kayıt"],
    );
    let moved = app.case(&tn).await;
    let loc = moved.location.clone().unwrap();
    assert_eq!(
        (
            loc.province_code,
            loc.district.as_str(),
            moved.category.as_str()
        ),
        (35, "Bornova", "fatura")
    );
    assert_eq!(
        app.pool_name(&moved.pool_id).await,
        "İzmir Abone İşleri Birimi"
    );
    assert_eq!(moved.status, pb::CaseStatus::InPool as i32);
    s.click_button("Çıkış").await.unwrap();

    // İzmir's manager reads each correction in words among the steps.
    s.sign_in("yonetici.izmir", DEMO_PASSWORD).await.unwrap();
    s.goto(&record_path).await.unwrap();
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    let steps = s.one("ol.adimlar").await.unwrap().text().await.unwrap();
    // Each step names who did it, then what changed, in words.
    for step in [
        "İl düzeltildi (yapan: Ayşe Yıldırım): Ankara → İzmir",
        "İlçe düzeltildi (yapan: Ayşe Yıldırım): ",
        "→ Bornova",
        "Kategori düzeltildi (yapan: Ayşe Yıldırım): Su arızası / su kesintisi → Fatura ve abonelik",
        "Başka havuza aktarıldı (yapan: Ayşe Yıldırım); havuz: Ankara Su Arıza Birimi → İzmir Abone İşleri Birimi",
        &format!(": {reason}"),
    ] {
        assert!(steps.contains(step), "{step} in {steps}");
    }
    s.screenshot("kayit-duzeltme-adimlari").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_pool_is_flagged_until_the_admin_names_its_manager_who_then_sees_it() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_transfer_pool")
        .await
        .unwrap();
    const UNIT: &str = "Gürültü Denetim Birimi";
    const POOL: &str = "Ankara Gürültü Denetim Birimi";

    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim").await.unwrap();
    s.choose_in("#b-mudurluk", "Çevre Koruma ve Kontrol Dairesi Başkanlığı")
        .await
        .unwrap();
    s.fill_in("#b-ad", UNIT).await.unwrap();
    s.click_button_in("Yeni Birim", "Ekle").await.unwrap();
    s.choose_in(
        "#h-birim",
        &format!("{UNIT} — Çevre Koruma ve Kontrol Dairesi Başkanlığı"),
    )
    .await
    .unwrap();
    s.choose_in("#h-il", "Ankara").await.unwrap();
    s.click_button_in("Yeni Havuz", "Ekle").await.unwrap();
    let row_of = |rows: Vec<String>| {
        rows.into_iter()
            .find(|r| r.contains(POOL))
            .unwrap_or_else(|| panic!("{POOL} is not listed"))
    };
    let row = row_of(s.texts("#teskilat + table tbody tr").await.unwrap());
    assert!(row.contains("Yöneticisi yok"), "{row}");
    let demo_row = row_of_pool(&s, "Ankara Su Arıza Birimi").await;
    assert!(demo_row.contains("Ayşe Yıldırım") && !demo_row.contains("Yöneticisi yok"));
    s.screenshot("yonetim-yoneticisiz-havuz").await.unwrap();

    // The admin names Ayşe Yıldırım (yonetici.ankara) its manager.
    s.choose_in(
        &format!("select[aria-label='{POOL} havuzunun yöneticileri']"),
        "Ayşe Yıldırım",
    )
    .await
    .unwrap();
    s.click_button(&format!("Yöneticileri Kaydet: {POOL}"))
        .await
        .unwrap();
    assert_eq!(
        s.one("#durum").await.unwrap().text().await.unwrap(),
        "Havuzun yöneticileri kaydedildi."
    );
    let row = row_of(s.texts("#teskilat + table tbody tr").await.unwrap());
    assert!(
        row.contains("Ayşe Yıldırım") && !row.contains("Yöneticisi yok"),
        "{row}"
    );
    s.screenshot("yonetim-yonetici-atandi").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // The manager finds the pool on Havuz Yönetimi, and keeps the others.
    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    s.click_link("Havuz Yönetimi").await.unwrap();
    s.choose("Havuz", POOL).await.unwrap();
    s.choose("Havuz", "Ankara Su Arıza Birimi").await.unwrap();
    s.choose("Havuz", POOL).await.unwrap();
    s.click_button("Uygula").await.unwrap();
    assert!(s.path().await.unwrap().contains("havuz="));
    s.screenshot("havuz-yonetimi-yeni-havuz").await.unwrap();
    let _ = app;
}

async fn row_of_pool(s: &Session, pool: &str) -> String {
    s.texts("#teskilat + table tbody tr")
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.starts_with(pool))
        .unwrap_or_else(|| panic!("{pool} is not listed"))
}
