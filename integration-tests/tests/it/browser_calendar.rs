//! *Takvim* in a real Chromium against `tekmerkez dev`: the admin opens
//! 2026 from the menu and the year picker, sees Kurban Bayramı with its
//! half-day eve, adds an idari izin day and sees it listed and in the
//! history; an edit made on a page another admin's change made stale is
//! refused with the form as typed, and saved on the second try; the page
//! reads in English too. Screens under
//! `test-artifacts/screens/browser_calendar/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Session, shows};
use tekmerkez_proto::case_v1::{self as pb, calendar_service_client::CalendarServiceClient};

/// The status message the page shows.
async fn told(s: &Session) -> String {
    s.one("#durum").await.unwrap().text().await.unwrap()
}

/// Types `value` (`YYYY-MM-DD`) into the date field labelled `label`, part
/// by part in the order the browser's locale shows them, as a person does.
async fn fill_date(s: &Session, label: &str, value: &str) {
    let order = s
        .client()
        .execute(
            "return new Intl.DateTimeFormat(undefined, {year: 'numeric', month: '2-digit', \
             day: '2-digit'}).formatToParts(new Date()).map(p => p.type) \
             .filter(t => t !== 'literal');",
            vec![],
        )
        .await
        .unwrap();
    let parts: Vec<String> = serde_json::from_value(order).unwrap();
    let mut keys = String::new();
    for p in &parts {
        match p.as_str() {
            "day" => keys.push_str(&value[8..10]),
            "month" => keys.push_str(&value[5..7]),
            "year" => {
                keys.push_str(&value[0..4]);
                keys.push(char::from(fantoccini::key::Key::Right));
            }
            _ => {}
        }
    }
    let field = s.labelled(label).await.unwrap();
    field.send_keys(&keys).await.unwrap();
    let held = field.prop("value").await.unwrap();
    assert_eq!(held.as_deref(), Some(value), "typed in the order {parts:?}");
}

/// The rows of the days' table.
async fn day_rows(s: &Session) -> Vec<String> {
    s.texts("#gun-tablosu tbody tr").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_keeps_the_working_calendar_and_a_stale_edit_is_refused_as_typed() {
    let chrome = tekmerkez_integration_tests::browser::Chrome::start()
        .await
        .unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, "browser_calendar").await.unwrap();

    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.click_link("Takvim").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/yonetim/takvim"));
    s.fill_label("Yıl", "2026").await.unwrap();
    s.click_button("Göster").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/yonetim/takvim?yil=2026");
    shows(
        &s.text().await.unwrap(),
        &["Takvim 2026", "Özel günler", "Değişiklik geçmişi"],
    );
    let rows = day_rows(&s).await;
    let eve = rows
        .iter()
        .find(|r| r.contains("26.05.2026"))
        .expect("the eve is listed");
    shows(eve, &["Salı", "Yarım gün (arife)", "Kurban Bayramı"]);
    let first = rows
        .iter()
        .find(|r| r.contains("27.05.2026"))
        .expect("the first day");
    shows(first, &["Çarşamba", "Resmî tatil", "Kurban Bayramı"]);
    assert!(!eve.contains("tahmini"), "2026 is announced, not estimated");
    s.screenshot("takvim-2026").await.unwrap();

    // An idari izin day, declared at short notice.
    fill_date(&s, "Tarih", "2026-06-01").await;
    s.choose("Tür", "İdari izin").await.unwrap();
    s.fill_label("Türkçe adı", "Kurban Bayramı sonrası idari izin")
        .await
        .unwrap();
    s.fill_label("İngilizce adı", "Administrative leave after Eid al-Adha")
        .await
        .unwrap();
    s.fill_label("Gerekçe", "Genelge 2026/12").await.unwrap();
    s.screenshot("takvim-yeni-gun").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(
        told(&s).await,
        "Gün kaydedildi; son tarihler yeni takvimle sayılıyor."
    );
    let row = day_rows(&s)
        .await
        .into_iter()
        .find(|r| r.contains("01.06.2026"))
        .expect("the new day is listed");
    shows(
        &row,
        &[
            "Pazartesi",
            "İdari izin",
            "Kurban Bayramı sonrası idari izin",
        ],
    );
    let history = s.texts("#gecmis-tablosu tbody tr").await.unwrap();
    shows(
        &history[0],
        &[
            "Sistem Yöneticisi",
            "Eklendi",
            "01.06.2026",
            "Genelge 2026/12",
        ],
    );
    assert!(
        history.last().unwrap().contains("Hazır takvim yüklendi"),
        "{history:?}"
    );
    s.screenshot("takvim-gun-eklendi").await.unwrap();

    // Another admin changes the calendar while this page is open.
    let mut calendar = CalendarServiceClient::new(app.channel().await);
    let version = calendar
        .list_calendar_days(app.as_user("admin", pb::ListCalendarDaysRequest { year: 2026 }))
        .await
        .unwrap()
        .into_inner()
        .version;
    calendar
        .put_calendar_day(app.as_user(
            "admin",
            pb::PutCalendarDayRequest {
                day: Some(pb::CalendarDay {
                    date: "2026-06-02".into(),
                    kind: pb::CalendarDayKind::AdministrativeLeave as i32,
                    name_tr: "İkinci idari izin".into(),
                    name_en: "Second administrative leave".into(),
                    estimated: false,
                }),
                expected_version: version,
                reason: String::new(),
            },
        ))
        .await
        .unwrap();
    fill_date(&s, "Tarih", "2026-06-03").await;
    s.choose("Tür", "İdari izin").await.unwrap();
    s.fill_label("Türkçe adı", "Üçüncü idari izin")
        .await
        .unwrap();
    s.fill_label("İngilizce adı", "Third administrative leave")
        .await
        .unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert!(
        told(&s).await.starts_with("Takvim siz düzenlerken değişti"),
        "{}",
        told(&s).await
    );
    // The latest calendar, and the form as typed.
    assert!(
        day_rows(&s)
            .await
            .iter()
            .any(|r| r.contains("İkinci idari izin"))
    );
    assert!(
        !day_rows(&s)
            .await
            .iter()
            .any(|r| r.contains("Üçüncü idari izin"))
    );
    let typed = s
        .labelled("Türkçe adı")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some("Üçüncü idari izin"));
    let date = s
        .labelled("Tarih")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(date.as_deref(), Some("2026-06-03"));
    s.screenshot("takvim-degisti").await.unwrap();
    // Checked, saved again: now against the latest version.
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(
        told(&s).await,
        "Gün kaydedildi; son tarihler yeni takvimle sayılıyor."
    );
    assert!(
        day_rows(&s)
            .await
            .iter()
            .any(|r| r.contains("Üçüncü idari izin"))
    );

    // Removed with a reason; the history says so.
    s.fill_in("#gun-2026-06-03 input[name=gerekce]", "Yanlış girildi")
        .await
        .unwrap();
    s.click_button("Kaldır: 03.06.2026").await.unwrap();
    assert_eq!(told(&s).await, "Gün kaldırıldı.");
    assert!(!day_rows(&s).await.iter().any(|r| r.contains("03.06.2026")));
    let history = s.texts("#gecmis-tablosu tbody tr").await.unwrap();
    shows(
        &history[0],
        &["Kaldırıldı", "Üçüncü idari izin", "Yanlış girildi"],
    );

    // In English.
    s.goto("/yonetim/takvim?yil=2026&lang=en").await.unwrap();
    let text = s.text().await.unwrap();
    shows(
        &text,
        &[
            "Calendar 2026",
            "Half day (eve)",
            "Eid al-Adha",
            "Tuesday",
            "Administrative leave after Eid al-Adha",
        ],
    );
    s.screenshot("calendar-en").await.unwrap();
    s.goto("/yonetim/takvim?yil=2026&lang=tr").await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}
