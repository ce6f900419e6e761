//! *Süre Kuralları* in a real Chromium against `tekmerkez dev`: the admin
//! opens it from *Yönetim* and reads every policy in words (no code such as
//! `bilgi_edinme` or `acik_kapi` on the screen); a policy with legal days 0
//! is refused by that field with everything typed kept, then added; the
//! general policy cannot lose its legal period; a policy is edited from its
//! row, and an edit made in a second tab on the version the first tab has
//! since changed is refused as typed; a case filed afterwards for that
//! source, type and category shows on its record the legal due date and the
//! internal target the policy gives; the policy is deleted. The page fits a
//! 1366-pixel desk screen, full width, nothing cut off. Screens under
//! `test-artifacts/screens/browser_deadline_policies/`.

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::{
    case_v1::{self as pb, deadline_service_client::DeadlineServiceClient},
    common_v1 as common,
};

const PAGE: &str = "/yonetim/sure-kurallari";

/// The text of the option chosen in the list matching `selector`.
async fn chosen(s: &Session, selector: &str) -> String {
    let v = s
        .client()
        .execute(
            &format!("return document.querySelector('{selector}').selectedOptions[0].text;"),
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

/// The table's row for the key `source / type / category`: its cells, as
/// shown, joined by " | ".
async fn row(s: &Session, key: [&str; 3]) -> Option<String> {
    let rows = s
        .client()
        .execute(
            "return [...document.querySelectorAll('#sure-kurallari tbody tr')]
               .map(r => [...r.cells].map(c => c.innerText.trim()));",
            vec![],
        )
        .await
        .unwrap();
    let rows: Vec<Vec<String>> = serde_json::from_value(rows).unwrap();
    rows.into_iter()
        .find(|cells| cells.len() > 3 && cells[..3] == key)
        .map(|cells| cells.join(" | "))
}

/// The status message on top.
async fn told(s: &Session) -> String {
    s.one("#durum").await.unwrap().text().await.unwrap()
}

/// Fills the policy form (`None` leaves a field as it is).
async fn fill_policy(
    s: &Session,
    key: Option<[&str; 3]>,
    legal: (&str, &str),
    internal: (&str, &str),
    note: (&str, &str),
) {
    if let Some([source, ty, category]) = key {
        s.choose("Kaynak", source).await.unwrap();
        s.choose("Başvuru türü", ty).await.unwrap();
        s.choose("Kategori", category).await.unwrap();
    }
    s.fill_label("Yasal süre (gün)", legal.0).await.unwrap();
    s.choose_in("select[name=yasal_sayim]", legal.1)
        .await
        .unwrap();
    s.fill_label("Kurum içi hedef (miktar)", internal.0)
        .await
        .unwrap();
    s.choose_in("select[name=ic_birim]", internal.1)
        .await
        .unwrap();
    s.fill_label("Not kuralı (gün)", note.0).await.unwrap();
    s.choose_in("select[name=not_sayim]", note.1).await.unwrap();
}

/// `2026-12-17` as the record writes it: `17 Aralık 2026`.
fn long_date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
        "Kasım", "Aralık",
    ];
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[usize::try_from(d.month() - 1).unwrap()],
        d.year()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_keeps_the_deadline_policies_and_a_new_case_gets_its_due_dates() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_deadline_policies")
        .await
        .unwrap();
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto("/yonetim").await.unwrap();
    s.click_link("Süre Kuralları").await.unwrap();
    assert_eq!(s.path().await.unwrap(), PAGE);

    // The seeded policies, in words.
    let text = s.text().await.unwrap();
    shows(
        &text,
        &[
            "Süre Kuralları",
            "Bilgi edinme",
            "15 iş günü",
            "Su arızası",
            "4 saat (7/24)",
            "30 takvim günü",
            "CİMER",
        ],
    );
    let general = row(&s, ["Tümü", "Tümü", "Tümü"]).await.unwrap();
    assert!(
        general.contains("30 takvim günü") && general.contains("3 takvim günü"),
        "{general}"
    );
    s.screenshot("sure-kurallari").await.unwrap();

    // Legal days 0: refused by that field, everything typed kept.
    let open_door = ["Açık Kapı", "Bilgi edinme", "Tümü"];
    fill_policy(
        &s,
        Some(open_door),
        ("0", "iş günü"),
        ("10", "saat (7/24)"),
        ("5", "iş günü"),
    )
    .await;
    s.click_button("Kural Ekle").await.unwrap();
    assert_eq!(
        s.texts("#yasal-gun-hata").await.unwrap(),
        ["1 ile 365 arasında bir tam sayı yazın."]
    );
    assert_eq!(
        s.one("#yasal-gun")
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        s.focused().await.unwrap().attr("id").await.unwrap(),
        Some("yasal-gun".to_owned()),
        "the refused field has the focus"
    );
    assert_eq!(s.value("#yasal-gun").await.unwrap(), "0");
    assert_eq!(s.value("#ic-hedef").await.unwrap(), "10");
    assert_eq!(s.value("#not-gun").await.unwrap(), "5");
    assert_eq!(chosen(&s, "#kaynak").await, "Açık Kapı");
    assert_eq!(chosen(&s, "#tur").await, "Bilgi edinme");
    assert_eq!(chosen(&s, "select[name=yasal_sayim]").await, "iş günü");
    assert_eq!(chosen(&s, "select[name=ic_birim]").await, "saat (7/24)");
    assert_eq!(chosen(&s, "select[name=not_sayim]").await, "iş günü");
    assert!(row(&s, open_door).await.is_none(), "nothing was written");
    s.screenshot("yasal-gun-sifir").await.unwrap();
    s.fill_label("Yasal süre (gün)", "10").await.unwrap();
    s.click_button("Kural Ekle").await.unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{PAGE}?durum=kaydedildi"));
    assert_eq!(told(&s).await, "Süre kuralı kaydedildi.");
    let added = row(&s, open_door).await.expect("the new row");
    shows(
        &added,
        &[
            "10 iş günü",
            "10 saat (7/24)",
            "5 iş günü",
            "Sistem Yöneticisi",
        ],
    );

    // The general policy cannot lose its legal period.
    s.click_link("Düzenle: Tümü / Tümü / Tümü").await.unwrap();
    assert_eq!(s.value("#yasal-gun").await.unwrap(), "30");
    s.fill_label("Yasal süre (gün)", "").await.unwrap();
    s.fill_label("Not kuralı (gün)", "4").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(
        s.texts("#yasal-gun-hata").await.unwrap(),
        ["Genel kural (her şey “Tümü”) bu değeri belirtmeli; boş bırakılamaz."]
    );
    assert_eq!(s.value("#yasal-gun").await.unwrap(), "");
    assert_eq!(s.value("#not-gun").await.unwrap(), "4", "the rest as typed");
    let general = row(&s, ["Tümü", "Tümü", "Tümü"]).await.unwrap();
    assert!(general.contains("30 takvim günü"), "unchanged: {general}");

    // A policy for direct complaints about bills: added, then edited from its row.
    let bills = ["Doğrudan", "Şikâyet", "Fatura ve abonelik"];
    s.goto(PAGE).await.unwrap();
    fill_policy(
        &s,
        Some(bills),
        ("7", "iş günü"),
        ("10", "saat (7/24)"),
        ("5", "iş günü"),
    )
    .await;
    s.click_button("Kural Ekle").await.unwrap();
    assert_eq!(told(&s).await, "Süre kuralı kaydedildi.");
    s.click_link("Düzenle: Doğrudan / Şikâyet / Fatura ve abonelik")
        .await
        .unwrap();
    assert_eq!(chosen(&s, "#kaynak").await, "Doğrudan");
    assert_eq!(s.value("#yasal-gun").await.unwrap(), "7");
    s.fill_label("Yasal süre (gün)", "8").await.unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(told(&s).await, "Süre kuralı kaydedildi.");
    let edited = row(&s, bills).await.unwrap();
    shows(&edited, &["8 iş günü", "10 saat (7/24)", "5 iş günü"]);

    // Two tabs on version 2: the first saves, the second is told and keeps its typing.
    let other = chrome
        .session(app.http, "browser_deadline_policies")
        .await
        .unwrap();
    other.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    other.goto(PAGE).await.unwrap();
    other
        .click_link("Düzenle: Doğrudan / Şikâyet / Fatura ve abonelik")
        .await
        .unwrap();
    s.click_link("Düzenle: Doğrudan / Şikâyet / Fatura ve abonelik")
        .await
        .unwrap();
    s.fill_label("Kurum içi hedef (miktar)", "12")
        .await
        .unwrap();
    s.click_button("Kaydet").await.unwrap();
    assert_eq!(told(&s).await, "Süre kuralı kaydedildi.");
    other.fill_label("Yasal süre (gün)", "6").await.unwrap();
    other.click_button("Kaydet").await.unwrap();
    let said = other.texts("#kaynak-hata").await.unwrap().join("");
    assert!(
        said.contains("siz bakarken başka biri tarafından değiştirildi"),
        "{said}"
    );
    assert_eq!(other.value("#yasal-gun").await.unwrap(), "6", "as typed");
    assert_eq!(chosen(&other, "#tur").await, "Şikâyet");
    let current = row(&other, bills).await.unwrap();
    shows(&current, &["8 iş günü", "12 saat (7/24)"]);
    other.screenshot("eski-surum").await.unwrap();
    other.close().await.unwrap();

    // A complaint about a bill filed now gets the policy's due dates.
    let tn = app.apply_typed("fatura", "sikayet").await;
    let case = app.case(&tn).await;
    let today = tekmerkez_workdays::istanbul_date(jiff::Timestamp::now());
    let due = tekmerkez_workdays::Calendar::builtin().add_working_days(today, 8, true);
    assert_eq!(case.legal_due_date, due.to_string(), "8 working days");
    let created = case.created_at.unwrap().seconds;
    let target = case.internal_due_at.unwrap().seconds;
    assert_eq!(target - created, 12 * 3600, "12 hours, around the clock");
    assert_eq!(
        (case.note_rule_days, case.note_rule_count.as_str()),
        (5, "working")
    );
    s.goto(&format!("/kayit/{}", case.id)).await.unwrap();
    let due_line = s.one("#yasal-son-gun").await.unwrap().text().await.unwrap();
    assert!(
        due_line.starts_with(&format!("{} — ", long_date(due))) && due_line.contains("iş günü"),
        "{due_line}"
    );
    let target_at = jiff::Timestamp::from_second(target)
        .unwrap()
        .to_zoned(tekmerkez_workdays::istanbul().clone())
        .strftime("%d.%m.%Y %H:%M")
        .to_string();
    assert_eq!(
        s.one("#ic-hedef").await.unwrap().text().await.unwrap(),
        target_at
    );
    shows(
        &s.one("#kayit-turu").await.unwrap().text().await.unwrap(),
        &["Şikâyet"],
    );
    s.screenshot("kayit-sure-kurali").await.unwrap();

    // Deleted.
    s.goto(PAGE).await.unwrap();
    s.click_button("Sil: Doğrudan / Şikâyet / Fatura ve abonelik")
        .await
        .unwrap();
    assert_eq!(s.path().await.unwrap(), format!("{PAGE}?durum=silindi"));
    assert_eq!(told(&s).await, "Süre kuralı silindi.");
    assert!(row(&s, bills).await.is_none());
    assert!(row(&s, open_door).await.is_some());

    // No code anywhere on the page, in Turkish or English.
    let text = s.text().await.unwrap();
    for code in [
        "bilgi_edinme",
        "acik_kapi",
        "su_arizasi",
        "sikayet",
        "cimer",
        "working",
        "calendar",
        "hours",
    ] {
        assert!(!text.contains(code), "'{code}' on the page:\n{text}");
    }
    s.goto(&format!("{PAGE}?lang=en")).await.unwrap();
    let english = s.text().await.unwrap();
    shows(
        &english,
        &["Information request (Law 4982)", "Açık Kapı", "Water fault"],
    );
    assert!(!english.contains("bilgi_edinme") && !english.contains("acik_kapi"));
    s.goto(&format!("{PAGE}?lang=tr")).await.unwrap();
    s.close().await.unwrap();
    app.stop().await;
}

/// The page at 1366 × 768, the desk's laptops: the table spans the width,
/// nothing sticks out to the right, no cell is cut off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_policies_page_fits_a_1366_pixel_screen() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_deadline_policies_1366")
        .await
        .unwrap();
    let frame = s
        .client()
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let side = |i: usize| u32::try_from(frame[i].as_u64().unwrap()).unwrap();
    s.client()
        .set_window_size(1366 + side(0), 768 + side(1))
        .await
        .unwrap();
    // A policy stating every value, changed by an admin: the widest row.
    DeadlineServiceClient::new(app.channel().await)
        .put_deadline_policy(app.as_user(
            "admin",
            pb::PutDeadlinePolicyRequest {
                policy: Some(pb::DeadlinePolicy {
                    source: common::ApplicationSource::AcikKapi as i32,
                    application_type: common::ApplicationType::BilgiEdinme as i32,
                    category: "cevre_kirliligi".into(),
                    legal: Some(pb::LegalPeriod {
                        days: 15,
                        count: pb::DayCount::Working as i32,
                        half_days_off: true,
                    }),
                    internal: Some(pb::InternalTarget {
                        n: 120,
                        unit: pb::TargetUnit::WorkingHours as i32,
                    }),
                    extension_days: Some(15),
                    note_rule: Some(pb::NoteRule {
                        days: 10,
                        count: pb::DayCount::Working as i32,
                    }),
                    ..Default::default()
                }),
                expected_version: 0,
            },
        ))
        .await
        .unwrap();
    s.sign_in("admin", DEMO_PASSWORD).await.unwrap();
    s.goto(PAGE).await.unwrap();
    let wide = row(
        &s,
        ["Açık Kapı", "Bilgi edinme", "Çevre kirliliği ve gürültü"],
    )
    .await
    .expect("the row");
    shows(&wide, &["Sistem Yöneticisi", "120 mesai saati"]);
    let shot = s.client().screenshot().await.unwrap();
    let dir = tekmerkez_integration_tests::browser::workspace_root()
        .join("test-artifacts")
        .join("screens")
        .join("browser_deadline_policies_1366");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sure-kurallari-1366.png"), shot).unwrap();

    let layout = s
        .client()
        .execute(
            "const t = document.querySelector('#sure-kurallari').getBoundingClientRect();
             const main = document.querySelector('main').getBoundingClientRect();
             const cut = [...document.querySelectorAll('#sure-kurallari td, #sure-kurallari th, #kural-formu *')]
               .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
               .map(e => e.outerHTML.slice(0, 80));
             return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                     table: t.width, right: t.right, main: main.width, cut};",
            vec![],
        )
        .await
        .unwrap();
    let n = |k: &str| layout[k].as_f64().unwrap();
    assert!(n("page") <= n("view"), "no sideways scrolling: {layout}");
    assert!(
        n("right") <= n("view"),
        "the table ends on the screen: {layout}"
    );
    assert!(
        n("table") >= 0.95 * n("main"),
        "the table spans the page: {layout}"
    );
    assert_eq!(layout["cut"], serde_json::json!([]), "nothing cut off");
    s.close().await.unwrap();
    app.stop().await;
}
