//! *Olaylar* in a real Chromium against `tekmerkez dev` (no demo records),
//! walked by Kocaeli's pool manager as a person does, errors first:
//!
//! - a declaration with a blank title and a district Kocaeli has not comes
//!   back with the error by each field, everything else typed kept, the
//!   fields marked invalid and the first one focused; fixed, it declares an
//!   unplanned outage of water in Gebze (its OLY- number on its page), and a
//!   double send and a reload declare once (one row on the list);
//! - two water reports of Gebze filed before the declaration wait in the
//!   pool; two filed after it join it by themselves (*Otomatik*); one of the
//!   waiting ones is linked from its record page (*Elle*: the record says
//!   so and leaves *Havuz Yönetimi*), the other by its tracking number on
//!   the incident's page (*Listeden*, after an unknown number is refused
//!   with what was typed kept);
//! - taking one out with a blank reason is refused by that row's box, the
//!   typed reason kept; with a reason it is back in the pool and its steps
//!   read the reason;
//! - closing with a blank answer is refused by the answer field; with an
//!   answer every linked record is answered (the page says how many), and
//!   each record page shows the incident and its answer;
//! - the list and the incident's page in English.
//!
//! Screens under `test-artifacts/screens/browser_incidents/`.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, Session, shows},
    wait::{eventually, within},
};

use crate::channels::{Running, WAIT, start};

const TITLE: &str = "Gebze ana boru arızası";
const NOTICE: &str = "Ana boru arızası nedeniyle Gebze'de su kesintisi var; ekiplerimiz çalışıyor.";
const REASON: &str = "Başka sokak, ayrı arıza.";
const ANSWER: &str = "Arıza giderildi, suyunuz verildi. Anlayışınız için teşekkür ederiz.";
/// The category's name in the lists (the code is `su_arizasi`).
const WATER: &str = "Su arızası / su kesintisi";

async fn run_js(s: &Session, script: &str) -> Value {
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

/// The id of the focused element, once the page's autofocus has run.
async fn focus_lands_on(s: &Session, id: &str) -> bool {
    within(Duration::from_secs(5), async || {
        run_js(
            s,
            "return document.activeElement && document.activeElement.id;",
        )
        .await
            == id
    })
    .await
    .is_some()
}

async fn text_of(s: &Session, css: &str) -> String {
    s.one(css).await.unwrap().text().await.unwrap()
}

/// No internal code shows through on the page.
fn no_codes(text: &str) {
    for code in [
        "su_arizasi",
        "unplanned",
        "UNPLANNED",
        "INCIDENT_",
        "CASE_STATUS",
        "in_pool",
        "manual",
        "bulk",
        "automatic",
    ] {
        assert!(!text.contains(code), "the code {code} shows:\n{text}");
    }
}

/// The tracking numbers on the manager's *Havuz Yönetimi*.
async fn on_pool_list(s: &Session) -> Vec<String> {
    s.goto("/havuz").await.unwrap();
    s.offered().await.unwrap()
}

/// The expected end, four hours from now, as a `datetime-local` field
/// holds it in Istanbul time (UTC+3 all year).
fn four_hours_on() -> String {
    let offset = jiff::tz::TimeZone::fixed(jiff::tz::offset(3));
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(4))
        .to_zoned(offset)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Waits until report `tn` is a case (linked to `incident`, or to none when empty).
async fn case_of(app: &Running, tn: &str, incident: &str) -> String {
    eventually(WAIT, "the report's case and its link", || async {
        let c = app.case(tn).await;
        (c.incident_id == incident).then_some(c.id)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_declares_links_unlinks_and_closes_an_incident_in_the_browser() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.notify.quiet_hours.enabled = false).await;
    let s = chrome.session(app.http, "browser_incidents").await.unwrap();

    // Two reports before any incident: they wait in the pool.
    let early_a = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 710 20 01")
        .await;
    let early_b = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 710 20 02")
        .await;
    let early_a_id = case_of(&app, &early_a, "").await;
    let early_b_id = case_of(&app, &early_b, "").await;

    s.sign_in("yonetici.kocaeli", DEMO_PASSWORD).await.unwrap();
    let waiting = on_pool_list(&s).await;
    assert!(
        waiting.contains(&early_a) && waiting.contains(&early_b),
        "both reports wait in the pool: {waiting:?}"
    );

    // 1. Olaylar from the menu; a blank title and a district Kocaeli has not.
    s.goto("/").await.unwrap();
    s.click_link("Olaylar").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/olaylar");
    shows(
        &s.text().await.unwrap(),
        &[
            "Olaylar",
            "Açık olaylar",
            "Yeni olay bildir",
            "Kapatılan olaylar",
        ],
    );
    assert_eq!(text_of(&s, "#acik-bos").await, "Olay yok.");
    let request = s.value("input[name=istek]").await.unwrap();
    assert!(!request.is_empty(), "the form carries a request id");
    let pool = run_js(
        &s,
        "return [...document.querySelectorAll('#havuz option')].map(o => o.text)\
         .find(t => t.includes('Su Arıza')) || '';",
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    assert!(!pool.is_empty(), "the manager's water pool is offered");
    let end = four_hours_on();
    s.choose("Tür", "Plansız kesinti").await.unwrap();
    s.choose("Konu", WATER).await.unwrap();
    s.choose("İl", "Kocaeli").await.unwrap();
    s.choose("Havuz", &pool).await.unwrap();
    s.fill_datetime("Tahmini bitiş", &end).await.unwrap();
    // Blank, but not empty: the browser's own check lets it go, the server's does not.
    s.fill_label("Başlık", "   ").await.unwrap();
    s.fill_label("Etkilenen yerler", "Narnia").await.unwrap();
    s.fill_label("Vatandaşa duyuru metni", NOTICE)
        .await
        .unwrap();
    s.click_button("Olayı bildir").await.unwrap();

    assert_eq!(s.path().await.unwrap(), "/olaylar");
    let page = s.text().await.unwrap();
    shows(&page, &["Yeni olay bildir"]);
    assert_eq!(
        text_of(&s, "#olay-baslik-hata").await,
        "Başlık boş olamaz ve en çok 200 karakter olabilir.",
        "the title's error by the title"
    );
    assert!(
        text_of(&s, "#yerler-hata")
            .await
            .starts_with("Her satır ilin bir ilçesini (ve o ilçenin mahallelerini) adlandırmalı."),
        "the place's error by the places"
    );
    assert!(text_of(&s, "#yerler-hata").await.contains("1. satır"));
    // Everything else as typed and chosen.
    assert_eq!(chosen(&s, "tur").await, "Plansız kesinti");
    assert_eq!(chosen(&s, "konu").await, WATER);
    assert_eq!(chosen(&s, "il").await, "Kocaeli");
    assert_eq!(chosen(&s, "havuz").await, pool);
    assert_eq!(s.value("#bitis").await.unwrap(), end);
    assert_eq!(s.value("#yerler").await.unwrap(), "Narnia");
    assert_eq!(s.value("#duyuru").await.unwrap(), NOTICE);
    assert_eq!(
        s.value("input[name=istek]").await.unwrap(),
        request,
        "sent again, it is the same declaration"
    );
    // The fields in error say so to a screen reader; the first has the focus.
    assert_eq!(
        run_js(
            &s,
            "return ['olay-baslik', 'yerler', 'tur', 'duyuru'].map(id => {
                const e = document.getElementById(id);
                return [e.getAttribute('aria-invalid'), e.getAttribute('aria-describedby')];
            });"
        )
        .await,
        json!([
            ["true", "olay-baslik-hata"],
            ["true", "yerler-ipucu yerler-hata"],
            [null, null],
            [null, "duyuru-ipucu"]
        ])
    );
    assert!(
        focus_lands_on(&s, "olay-baslik").await,
        "the focus is on the first field in error"
    );
    s.screenshot("olaylar-hata").await.unwrap();

    // 2. Fixed: declared, and a double send and a reload declare once.
    s.fill_label("Başlık", TITLE).await.unwrap();
    // Typed in lower case: spelt as the reference data spells it.
    s.fill_label("Etkilenen yerler", "gebze").await.unwrap();
    let sent = s
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const f = document.getElementById('olay-bildir');
             const body = new URLSearchParams(new FormData(f));
             Promise.all([1, 2].map(() => fetch(f.action, {method: 'POST', body, redirect: 'manual'})))
               .then(rs => done(rs.length), () => done(0));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sent, Value::from(2));
    s.click_button("Olayı bildir").await.unwrap();
    let at = s.path().await.unwrap();
    assert!(
        at.starts_with("/olaylar/") && at.ends_with("?durum=bildirildi"),
        "{at}"
    );
    let incident_path = at.split('?').next().unwrap().to_owned();
    let incident_id = incident_path.trim_start_matches("/olaylar/").to_owned();
    assert_eq!(text_of(&s, "#durum").await, "Olay bildirildi.");
    let heading = text_of(&s, "h1").await;
    assert!(
        heading.starts_with("OLY-") && heading.ends_with(&format!(" — {TITLE}")),
        "{heading}"
    );
    let reference = heading.split(' ').next().unwrap().to_owned();
    let page = s.text().await.unwrap();
    shows(
        &page,
        &[
            "Açık",
            "Plansız kesinti",
            WATER,
            "Gebze",
            &pool,
            NOTICE,
            "Bağlı kayıtlar (0)",
            "Kayıt bağla",
            "Olayı kapat ve cevapla",
        ],
    );
    no_codes(&page);
    assert!(
        text_of(&s, "#olay-yerler").await.starts_with("Gebze"),
        "spelt as the reference data"
    );
    s.screenshot("olay").await.unwrap();
    s.client().refresh().await.unwrap();
    assert_eq!(s.path().await.unwrap(), at);
    // The page has the menu's link and its own back to the list.
    s.goto("/olaylar").await.unwrap();
    let rows = s.texts("#acik-olaylar tbody tr").await.unwrap();
    assert_eq!(rows.len(), 1, "declared once: {rows:?}");
    assert!(rows[0].contains(&reference) && rows[0].contains(TITLE));
    assert!(rows[0].contains("Plansız kesinti") && rows[0].contains(WATER));
    no_codes(&s.text().await.unwrap());
    s.screenshot("olaylar-liste").await.unwrap();

    // 3. Reports after it join it by themselves.
    let late_a = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 710 20 03")
        .await;
    let late_b = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 710 20 04")
        .await;
    let late_a_id = case_of(&app, &late_a, &incident_id).await;
    let late_b_id = case_of(&app, &late_b, &incident_id).await;
    let pool_now = on_pool_list(&s).await;
    assert!(
        !pool_now.contains(&late_a) && !pool_now.contains(&late_b),
        "joined reports never wait in the pool: {pool_now:?}"
    );
    s.goto(&incident_path).await.unwrap();
    for tn in [&late_a, &late_b] {
        let row = text_of(&s, &format!("tr[data-takip=\"{tn}\"]")).await;
        assert!(row.contains("Otomatik"), "{row}");
        assert!(
            row.contains("Havuzda") && row.contains("Web formu"),
            "{row}"
        );
        assert!(row.contains("Gebze"), "{row}");
    }
    shows(&s.text().await.unwrap(), &["Bağlı kayıtlar (2)"]);

    // One waiting report linked from its record page.
    s.goto(&format!("/kayit/{early_a_id}")).await.unwrap();
    s.choose("Olaya bağla", &format!("{reference} — {TITLE}"))
        .await
        .unwrap();
    s.screenshot("kayit-olaya-bagla").await.unwrap();
    s.click_button("Olaya bağla").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{incident_path}?durum=baglandi&n=1")
    );
    assert_eq!(text_of(&s, "#durum").await, "1 kayıt olaya bağlandı.");
    let row = text_of(&s, &format!("tr[data-takip=\"{early_a}\"]")).await;
    assert!(row.contains("Elle"), "{row}");
    s.goto(&format!("/kayit/{early_a_id}")).await.unwrap();
    assert_eq!(
        text_of(&s, "#kayit-olay").await,
        format!("Bu kayıt bir olaya bağlı; cevabı olayla birlikte verilecek: {reference}")
    );
    assert!(
        s.one("#olaya-bagla").await.is_err(),
        "a linked record offers no other incident"
    );
    s.screenshot("kayit-bagli").await.unwrap();
    let pool_now = on_pool_list(&s).await;
    assert!(
        !pool_now.contains(&early_a) && pool_now.contains(&early_b),
        "the linked record left the pool's list: {pool_now:?}"
    );

    // The other by its number: an unknown number first.
    s.goto(&incident_path).await.unwrap();
    s.fill_label("Takip numarası", "ABCDE-FGHJK").await.unwrap();
    s.click_button("Bağla").await.unwrap();
    assert_eq!(
        text_of(&s, "#numaralar-hata").await,
        "Bu takip numaraları havuzlarınızdaki açık kayıtlar değil: ABCDE-FGHJK"
    );
    assert_eq!(s.value("#numaralar").await.unwrap(), "ABCDE-FGHJK");
    assert!(focus_lands_on(&s, "numaralar").await);
    s.fill_label("Takip numarası", &early_b).await.unwrap();
    s.click_button("Bağla").await.unwrap();
    assert_eq!(text_of(&s, "#durum").await, "1 kayıt olaya bağlandı.");
    let row = text_of(&s, &format!("tr[data-takip=\"{early_b}\"]")).await;
    assert!(row.contains("Listeden"), "{row}");
    shows(&s.text().await.unwrap(), &["Bağlı kayıtlar (4)"]);
    assert_eq!(text_of(&s, "#olay-sayilar").await, "4 (Cevap bekleyen: 4)");

    // 4. Taking one out: a blank reason is refused, then with a reason.
    let reason_box = format!("input[aria-label=\"Çıkarma nedeni: {early_a}\"]");
    s.fill_in(&reason_box, "  ").await.unwrap();
    s.click_button(&format!("Olaydan çıkar: {early_a}"))
        .await
        .unwrap();
    // The error by that row's box, what was typed kept, the box marked.
    let row = text_of(&s, &format!("tr[data-takip=\"{early_a}\"]")).await;
    assert!(row.contains("Çıkarma nedenini yazın."), "{row}");
    assert!(row.contains("Elle"), "still linked: {row}");
    assert_eq!(s.value(&reason_box).await.unwrap(), "  ", "kept as typed");
    let marked = run_js(
        &s,
        &format!(
            "return document.querySelector('input[aria-label=\"Çıkarma nedeni: {early_a}\"]').getAttribute('aria-invalid');"
        ),
    )
    .await;
    assert_eq!(marked, json!("true"));
    s.screenshot("olaydan-cikar-hata").await.unwrap();
    s.fill_in(&reason_box, REASON).await.unwrap();
    s.click_button(&format!("Olaydan çıkar: {early_a}"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&s, "#durum").await,
        "Kayıt olaydan çıkarıldı ve havuzuna döndü."
    );
    assert!(
        s.one(&format!("tr[data-takip=\"{early_a}\"]"))
            .await
            .is_err(),
        "no longer listed"
    );
    assert!(
        on_pool_list(&s).await.contains(&early_a),
        "back in the pool"
    );
    s.goto(&format!("/kayit/{early_a_id}")).await.unwrap();
    assert!(s.one("#kayit-olay").await.is_err(), "linked no more");
    s.click_text("summary", "İşlem Detaylarını Göster")
        .await
        .unwrap();
    let steps = text_of(&s, "ol.adimlar").await;
    assert!(steps.contains("Olaya bağlandı"), "{steps}");
    assert!(
        steps
            .lines()
            .any(|l| l.contains("Olaydan çıkarıldı") && l.contains(REASON)),
        "the step reads the reason: {steps}"
    );
    s.screenshot("kayit-cikarildi").await.unwrap();

    // 5. Closing: a blank answer is refused by the answer.
    s.goto(&incident_path).await.unwrap();
    assert!(
        text_of(&s, "#cevap-ipucu")
            .await
            .starts_with("Bu cevap olaya bağlı 3 açık kayda"),
        "the close says how many it answers"
    );
    s.fill_label("Resmî cevap", "   ").await.unwrap();
    s.click_button("Olayı kapat").await.unwrap();
    assert_eq!(text_of(&s, "#cevap-hata").await, "Resmî cevabı yazın.");
    assert_eq!(s.value("#cevap").await.unwrap(), "   ", "kept as typed");
    assert_eq!(
        run_js(
            &s,
            "const e = document.getElementById('cevap'); \
             return [e.getAttribute('aria-invalid'), e.getAttribute('aria-describedby')];"
        )
        .await,
        json!(["true", "cevap-ipucu cevap-hata"])
    );
    assert!(focus_lands_on(&s, "cevap").await);
    assert_eq!(text_of(&s, "#olay-durum").await, "Açık");
    s.screenshot("olay-kapat-hata").await.unwrap();
    s.fill_label("Resmî cevap", ANSWER).await.unwrap();
    s.click_button("Olayı kapat").await.unwrap();
    assert_eq!(
        s.path().await.unwrap(),
        format!("{incident_path}?durum=kapatildi&n=3")
    );
    assert_eq!(
        text_of(&s, "#durum").await,
        "Olay kapatıldı; 3 kayıt cevaplandı."
    );
    assert!(text_of(&s, "#olay-durum").await.starts_with("Kapatıldı ("));
    assert_eq!(text_of(&s, "#olay-cevap").await, ANSWER);
    assert!(s.one("#olay-kapat").await.is_err(), "closed once");
    assert!(s.one("#kayit-bagla").await.is_err(), "nothing more to link");
    for tn in [&late_a, &late_b, &early_b] {
        let row = text_of(&s, &format!("tr[data-takip=\"{tn}\"]")).await;
        assert!(row.contains("Sonuçlandı"), "{row}");
    }
    let page = s.text().await.unwrap();
    no_codes(&page);
    s.screenshot("olay-kapandi").await.unwrap();
    for id in [&late_a_id, &late_b_id, &early_b_id] {
        s.goto(&format!("/kayit/{id}")).await.unwrap();
        assert_eq!(text_of(&s, "#kayit-durum").await, "Sonuçlandı");
        assert!(text_of(&s, "#kayit-olay").await.ends_with(&reference));
        shows(&s.text().await.unwrap(), &[ANSWER]);
        assert!(s.one("#olaya-bagla").await.is_err());
    }
    s.screenshot("kayit-cevaplandi").await.unwrap();
    // The one taken out is not answered with it.
    s.goto(&format!("/kayit/{early_a_id}")).await.unwrap();
    assert_eq!(text_of(&s, "#kayit-durum").await, "Havuzda");
    assert!(!s.text().await.unwrap().contains(ANSWER));
    s.click_link("Olaylar").await.unwrap();
    assert_eq!(text_of(&s, "#acik-bos").await, "Olay yok.");
    let closed = s.texts("#kapali-olaylar tbody tr").await.unwrap();
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert!(closed[0].contains(&reference), "{closed:?}");

    // 6. In English.
    s.goto("/olaylar?lang=en").await.unwrap();
    let page = s.text().await.unwrap();
    shows(
        &page,
        &[
            "Incidents",
            "Open incidents",
            "No incidents.",
            "Declare an incident",
            "Closed incidents",
            "Unplanned outage",
            "Affected places",
            "Notice to citizens",
        ],
    );
    no_codes(&page);
    s.screenshot("olaylar-en").await.unwrap();
    s.goto(&format!("{incident_path}?lang=en")).await.unwrap();
    let page = s.text().await.unwrap();
    shows(
        &page,
        &[
            "Incidents",
            "Status",
            "Closed (",
            "Unplanned outage",
            "Linked records (3)",
            "Automatically",
            "From a list",
            "Answer given",
            ANSWER,
        ],
    );
    assert!(
        !page.contains("Otomatik") && !page.contains("Sonuçlandı"),
        "{page}"
    );
    no_codes(&page);
    s.screenshot("olay-en").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
