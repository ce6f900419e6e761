//! The pool manager's *Havuz Yönetimi* in a real Chromium against `tekmerkez
//! dev` with its demo records: sign in, the managed province's records;
//! filters (status, channel, days in pool) that every listed record meets
//! (checked against the case service); search by tracking number; tick
//! three records and assign them to an expert of the pool (the list then
//! shows the expert on each); move one of them to another expert; open a
//! record and transfer it to another unit's pool, refused in Turkish
//! without a reason, then done with one. Screens under
//! `test-artifacts/screens/browser_manager/`.

use crate::channels::{Running, start};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{
    self as pb, case_service_client::CaseServiceClient,
    directory_service_client::DirectoryServiceClient,
};
use tekmerkez_proto::common_v1::Channel;

const TARGET_POOL: &str = "Ankara Çevre Denetim Birimi";
/// The same pool on the transfer page: province, directorate and unit.
const TARGET_OPTION: &str =
    "Ankara — Çevre Koruma ve Kontrol Dairesi Başkanlığı › Çevre Denetim Birimi";
const TARGET_LABEL: &str = "Hedef havuz (il, müdürlük, birim)";
const REASON_LABEL: &str = "Aktarma gerekçesi (en çok 2000 karakter)";

/// The text of the list's row for `tn`.
async fn row_of(s: &Session, tn: &str) -> String {
    let rows = s.texts("tbody tr").await.unwrap();
    rows.into_iter()
        .find(|r| r.contains(tn))
        .unwrap_or_else(|| panic!("{tn} is not listed"))
}

/// The id of demo user `username`, from the case service.
async fn user_id(app: &Running, username: &str) -> String {
    let mut dir = DirectoryServiceClient::new(app.channel().await);
    dir.list_users(app.as_user("admin", pb::ListUsersRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .users
        .into_iter()
        .find(|u| u.username == username)
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_filters_searches_assigns_in_bulk_moves_and_transfers_in_a_real_browser() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let s = chrome.session(app.http, "browser_manager").await.unwrap();

    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Hoş geldiniz, Ayşe Yıldırım", "Havuz Yönetimi"],
    );
    s.screenshot("ana-menu").await.unwrap();

    // Havuz Yönetimi: the managed province's open records.
    s.click_link("Havuz Yönetimi").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/havuz");
    let all = s.text().await.unwrap();
    shows(
        &all,
        &[
            "Havuz Yönetimi",
            "Süzgeçler",
            "Takip numarası",
            "Havuzda (gün)",
        ],
    );
    for row in s.texts("tbody tr").await.unwrap() {
        assert!(row.contains("Ankara"), "only the managed province: {row}");
    }
    s.screenshot("havuz-yonetimi").await.unwrap();

    // Filters: in the pool, by web form, at least two days there.
    s.choose("Durum", "Havuzda").await.unwrap();
    s.choose("Kanal", "Web formu").await.unwrap();
    s.fill_label("Havuzda en az (gün)", "2").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    let path = s.path().await.unwrap();
    for part in ["statu=1", "kanal=1", "gun=2"] {
        assert!(path.contains(part), "{part} in {path}");
    }
    let filtered = s.offered().await.unwrap();
    assert!(!filtered.is_empty(), "the demo data has such records");
    for tn in &filtered {
        let case = app.case(tn).await;
        assert_eq!(case.status, pb::CaseStatus::InPool as i32, "{tn}");
        assert_eq!(case.channel, Channel::WebForm as i32, "{tn}");
        assert!(case.days_in_pool >= 2, "{tn}: {} days", case.days_in_pool);
        assert!(row_of(&s, tn).await.contains("Havuzda"));
    }
    s.screenshot("havuz-suzgecli").await.unwrap();

    // Search by tracking number (typed in lower case): that record alone.
    let sought = filtered[0].clone();
    s.click_link("Temizle").await.unwrap();
    s.fill_label("Takip numarası", &sought.to_lowercase())
        .await
        .unwrap();
    s.click_button("Uygula").await.unwrap();
    assert_eq!(s.offered().await.unwrap(), vec![sought.clone()]);
    s.screenshot("havuz-takip-numarasi").await.unwrap();

    // Bulk assignment: three records in the pool to Mehmet Öztürk.
    s.click_link("Temizle").await.unwrap();
    s.choose("Durum", "Havuzda").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    let in_pool = s.offered().await.unwrap();
    assert!(in_pool.len() >= 4, "{in_pool:?}");
    let three: Vec<String> = in_pool.iter().take(3).cloned().collect();
    for tn in &three {
        s.tick(&format!("Seç {tn}")).await.unwrap();
    }
    s.choose("Atanacak uzman", "Mehmet Öztürk").await.unwrap();
    s.screenshot("havuz-toplu-secim").await.unwrap();
    s.click_button("Ata").await.unwrap();
    let back = s.path().await.unwrap();
    assert!(
        back.starts_with("/havuz?statu=1&") && back.ends_with("&durum=atandi"),
        "back to the same filter: {back}"
    );
    shows(
        &s.text().await.unwrap(),
        &["Seçilen kayıtlar uzmana atandı."],
    );
    let left = s.offered().await.unwrap();
    for tn in &three {
        assert!(!left.contains(tn), "{tn} is no longer unheld");
    }
    s.screenshot("havuz-atandi").await.unwrap();

    // The list shows the assignee on each.
    s.choose("Durum", "Açık kayıtların tümü").await.unwrap();
    s.choose_in("#uzman", "Mehmet Öztürk").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    for tn in &three {
        let row = row_of(&s, tn).await;
        assert!(
            row.contains("Uzmanda") && row.contains("Mehmet Öztürk"),
            "{row}"
        );
    }
    let mehmet = user_id(&app, "uzman.ankara").await;
    for tn in &three {
        assert_eq!(app.case(tn).await.holder_id, mehmet, "{tn}");
    }
    s.screenshot("havuz-uzmana-gore").await.unwrap();

    // Move one of them to Zeynep Çelik.
    let moved = three[0].clone();
    s.tick(&format!("Seç {moved}")).await.unwrap();
    s.choose_in("#atanan", "Zeynep Çelik").await.unwrap();
    s.click_button("Ata").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Seçilen kayıtlar uzmana atandı."],
    );
    let mehmets = s.offered().await.unwrap();
    assert!(!mehmets.contains(&moved), "{moved} left Mehmet Öztürk");
    assert!(mehmets.contains(&three[1]) && mehmets.contains(&three[2]));
    s.screenshot("havuz-tasindi").await.unwrap();
    s.choose_in("#uzman", "Zeynep Çelik").await.unwrap();
    s.click_button("Uygula").await.unwrap();
    assert!(row_of(&s, &moved).await.contains("Zeynep Çelik"));
    let zeynep = user_id(&app, "uzman2.ankara").await;
    assert_eq!(app.case(&moved).await.holder_id, zeynep);

    // Transfer a record in the pool to another unit's pool.
    let sent = in_pool[3].clone();
    s.click_link("Temizle").await.unwrap();
    s.click_link(&format!("Aç {sent}")).await.unwrap();
    // The list it was opened from rides along (`?from=`); the record's own path:
    let record_path = s.path().await.unwrap();
    let record_path = record_path.split('?').next().unwrap().to_owned();
    let record = s.text().await.unwrap();
    shows(
        &record,
        &[
            &format!("Kayıt {sent}"),
            "Başka Havuza Aktar",
            "(iletişim bilgileri gizli)",
        ],
    );
    s.screenshot("kayit").await.unwrap();
    // The transfer has its own page.
    s.click_link("Başka Havuza Aktar").await.unwrap();
    let transfer_path = s.path().await.unwrap();
    // The list the record was opened from rides along.
    assert!(
        transfer_path.starts_with(&format!("{record_path}/aktar?from=")),
        "{transfer_path}"
    );
    let transfer_path = format!("{record_path}/aktar");
    s.choose(TARGET_LABEL, TARGET_OPTION).await.unwrap();
    // An empty reason is stopped by the browser itself (the field is
    // required); one of blanks only reaches the server, which refuses it.
    let missing = s
        .client()
        .execute(
            "return document.getElementById('gerekce').validity.valueMissing;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(missing, serde_json::Value::Bool(true));
    s.fill_label(REASON_LABEL, "   ").await.unwrap();
    s.click_button("Aktar").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        transfer_path,
        "the page comes back"
    );
    let refused = s.one("#gerekce-hata").await.unwrap().text().await.unwrap();
    assert_eq!(
        refused,
        "Aktarma gerekçesini yazınız; en çok 2000 karakter olabilir."
    );
    // The pool chosen before the refusal is still chosen.
    let chosen = s
        .client()
        .execute(
            "const h = document.getElementById('hedef'); return h.options[h.selectedIndex].text;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen, serde_json::Value::String(TARGET_OPTION.to_owned()));
    let before = app.case(&sent).await;
    assert_ne!(app.pool_name(&before.pool_id).await, TARGET_POOL);
    s.screenshot("kayit-gerekce-yok").await.unwrap();

    let reason = "Başvuru çevre kirliliğiyle ilgili; Çevre Denetim Birimi'ne aktarıldı.";
    s.fill_label(REASON_LABEL, reason).await.unwrap();
    s.click_button("Aktar").await.unwrap();
    // Opened from the pool's list: its next record, naming the one transferred.
    let next = s.path().await.unwrap();
    assert!(
        next.starts_with("/kayit/") && next.contains("durum=sonraki"),
        "{next}"
    );
    let page = s.text().await.unwrap();
    shows(&page, &["numaralı kayıt aktarıldı; sıradaki kayıt"]);
    assert!(
        page.replace('-', "").contains(&sent.replace('-', "")),
        "names {sent}: {page}"
    );
    s.screenshot("aktarildi-siradaki").await.unwrap();
    s.goto("/havuz").await.unwrap();
    let after = app.case(&sent).await;
    assert_eq!(app.pool_name(&after.pool_id).await, TARGET_POOL);
    assert_eq!(after.status, pb::CaseStatus::InPool as i32);

    // The target pool lists it; its steps carry the reason.
    s.choose("Havuz", TARGET_POOL).await.unwrap();
    s.click_button("Uygula").await.unwrap();
    assert!(row_of(&s, &sent).await.contains(TARGET_POOL));
    s.click_link(&format!("Aç {sent}")).await.unwrap();
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    let steps = s.one("ol.adimlar").await.unwrap().text().await.unwrap();
    // Who did it, from which pool to which, and why.
    assert!(
        steps.contains("Başka havuza aktarıldı (yapan: Ayşe Yıldırım); havuz: Ankara ")
            && steps.contains(&format!(" → {TARGET_POOL}: {reason}")),
        "{steps}"
    );
    s.screenshot("kayit-aktarim-adimi").await.unwrap();
    let mut cases = CaseServiceClient::new(app.channel().await);
    let history = cases
        .get_history(app.as_user(
            "admin",
            pb::GetHistoryRequest {
                case_id: after.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .steps;
    assert_eq!(
        history
            .iter()
            .filter(|st| st.action == pb::HistoryAction::Transferred as i32)
            .count(),
        1,
        "one transfer"
    );

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
