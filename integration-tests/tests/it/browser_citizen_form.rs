//! The citizen's form `/basvuru` in a real Chromium against `tekmerkez dev`,
//! for what a person does to a form besides filling it once: sending it
//! twice at once, reloading the thank-you page, going Back and sending
//! again (one application, one number, one SMS); asking for English; sending
//! it empty (every field named at once, the focus on the first, what was
//! typed kept); giving a landline for an SMS reply; and reading it on a
//! 390 px phone, where no label may wrap. Screens under
//! `test-artifacts/screens/browser_citizen_reload/` and, 390 px wide,
//! `test-artifacts/screens/browser_citizen_phone/`.

use serde_json::Value;
use tekmerkez_integration_tests::browser::{Session, shows, workspace_root};
use tekmerkez_proto::common_v1::Channel;

use crate::channels::{Running, start};
use tekmerkez_integration_tests::browser::Chrome;

const TEXT: &str =
    "Çöp konteyneri üç gündür boşaltılmadı; koku ve sinek yüzünden pencereyi açamıyoruz.";
const PHONE: &str = "0533 222 11 00";
const E164: &str = "+905332221100";

/// Fills the form with one good application (Turkish labels).
async fn fill_good_form(s: &Session, text: &str) {
    s.choose("Başvuru konusu", "Çevre kirliliği ve gürültü")
        .await
        .unwrap();
    s.choose("Başvuru türü", "Şikâyet").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Keçiören").await.unwrap();
    s.fill_label("Başvurunuz", text).await.unwrap();
    s.fill_label("Adınız soyadınız", "Gülşen Öztürk")
        .await
        .unwrap();
    s.fill_label("Telefon", PHONE).await.unwrap();
    s.click_text("label", "SMS").await.unwrap();
    consent(s, "Okudum, açık rıza veriyorum.").await;
}

/// Ticks the consent box unless it is ticked, by its label `label` when
/// the page has one reading so (else by the box itself).
async fn consent(s: &Session, label: &str) {
    let boxed = s.one("#kvkk").await.unwrap();
    if !boxed.is_selected().await.unwrap() && s.click_text("label", label).await.is_err() {
        boxed.click().await.unwrap();
    }
}

/// The tracking number the thank-you page shows.
async fn shown_number(s: &Session) -> String {
    s.one("#takip-numarasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned()
}

/// The SMS the dev sink holds for `recipient`.
async fn sms_to(app: &Running, recipient: &str) -> Vec<Value> {
    let list: Vec<Value> = reqwest::get(app.url("/dev/sms.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.into_iter()
        .filter(|m| m["recipient"] == recipient)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_send_a_reload_and_back_then_send_again_make_one_application() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome
        .session(app.http, "browser_citizen_reload")
        .await
        .unwrap();

    s.goto("/basvuru").await.unwrap();
    // Under the page's CSP (no inline code) its own script and stylesheet
    // still run: the district list waits for a province, the body is narrow.
    let applied: Value = s
        .client()
        .execute(
            "return [document.getElementById('ilce').disabled,
                     getComputedStyle(document.body).maxWidth !== 'none']",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        applied,
        serde_json::json!([true, true]),
        "the form's script and style load"
    );
    fill_good_form(&s, TEXT).await;
    // A double click: the same form goes twice more while the button's own
    // submit goes too.
    let sent: Value = s
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const f = document.querySelector('form');
             const body = new URLSearchParams(new FormData(f));
             Promise.all([1, 2].map(() => fetch(f.action, {method: 'POST', body, redirect: 'manual'})))
               .then(rs => done(rs.length), () => done(0));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sent, Value::from(2));
    s.click_button("Başvuruyu gönder").await.unwrap();
    // POST-redirect-GET: the thank-you page has an address of its own.
    let path = s.path().await.unwrap();
    assert!(path.starts_with("/basvuru/alindi?takip="), "{path}");
    let tn = shown_number(&s).await;
    assert!(path.ends_with(&tn), "{path} names {tn}");
    shows(
        &s.text().await.unwrap(),
        &["Başvurunuz alındı", "Başvurunuzu takip edin"],
    );
    s.screenshot("tesekkurler").await.unwrap();

    // Reloading the thank-you page sends nothing: the same page, the same number.
    s.client().refresh().await.unwrap();
    assert_eq!(s.path().await.unwrap(), path);
    assert_eq!(shown_number(&s).await, tn);

    // Back to the form and send it again: the same application.
    s.client().back().await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/basvuru");
    let restored = s.labelled("Başvurunuz").await.unwrap();
    if restored.prop("value").await.unwrap().unwrap_or_default() != TEXT {
        // The browser did not keep what was typed: a person types it again.
        fill_good_form(&s, TEXT).await;
    }
    s.screenshot("geri-ve-yeniden").await.unwrap();
    s.click_button("Başvuruyu gönder").await.unwrap();
    assert_eq!(
        shown_number(&s).await,
        tn,
        "Back and send again leads to the first application"
    );

    // The link on the thank-you page leads to the tracking page.
    s.click_link("Başvurunuzu takip edin").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/takip");

    // A new form is a new application; once it is a case, everything sent
    // before it is too, and there is one case and one SMS for the first.
    s.goto("/basvuru").await.unwrap();
    fill_good_form(
        &s,
        "Parktaki oyun alanının salıncağı kırık, çocuklar için tehlikeli.",
    )
    .await;
    s.click_button("Başvuruyu gönder").await.unwrap();
    let second = shown_number(&s).await;
    assert_ne!(second, tn);
    app.case(&second).await;
    let cases = app.wait_cases(Channel::WebForm, 2).await;
    let numbers: Vec<&str> = cases.iter().map(|c| c.tracking_number.as_str()).collect();
    assert_eq!(numbers.len(), 2, "one case per form: {numbers:?}");
    let first_case = app.case(&tn).await;
    assert_eq!(first_case.text, TEXT);
    tekmerkez_integration_tests::wait::eventually(
        std::time::Duration::from_secs(20),
        "the receipt SMS of both applications",
        async || sms_to(&app, E164).await.len() >= 2,
    )
    .await;
    let sms = sms_to(&app, E164).await;
    let of_first = sms
        .iter()
        .filter(|m| m["body"].as_str().unwrap_or_default().contains(tn.as_str()))
        .count();
    assert_eq!(of_first, 1, "one receipt SMS for the first form: {sms:?}");

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}

/// The label texts on the page that take more than one line (and the
/// page's width, when it is wider than the window: a label kept on one line
/// by overflowing is no better).
async fn wrapped_labels(s: &Session) -> Vec<Value> {
    let v = s
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('label, legend'))
               .filter(l => l.offsetParent !== null)
               .map(l => {
                 const r = document.createRange();
                 r.selectNodeContents(l);
                 const tops = [];
                 for (const b of r.getClientRects()) {
                   if (b.width > 0 && !tops.some(t => Math.abs(t - b.top) < 4)) tops.push(b.top);
                 }
                 return [l.textContent.trim(), tops.length];
               })
               .filter(x => x[1] > 1)
               .concat(document.documentElement.scrollWidth > window.innerWidth
                 ? [['the page is wider than the window', document.documentElement.scrollWidth]] : []);",
            vec![],
        )
        .await
        .unwrap();
    v.as_array().cloned().unwrap_or_default()
}

/// Where the 390 px screens go.
const PHONE_SHOTS: &str = "browser_citizen_phone";

/// The window's frame: how much wider and taller it is than the page.
async fn frame(s: &Session) -> (u32, u32) {
    let v: Value = s
        .client()
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let side = |i: usize| u32::try_from(v[i].as_u64().unwrap_or(0)).unwrap();
    (side(0), side(1))
}

/// Saves the whole page 390 px wide as `NN-<name>.png` in `dir`.
async fn phone_shot(s: &Session, dir: &std::path::Path, n: &mut usize, name: &str) {
    *n += 1;
    let (w, h) = frame(s).await;
    let height: Value = s
        .client()
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap();
    let height = u32::try_from(height.as_u64().unwrap_or(844))
        .unwrap()
        .clamp(844, 8000);
    s.client()
        .set_window_size(390 + w, height + h)
        .await
        .unwrap();
    let png = s.client().screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{n:02}-{name}.png")), png).unwrap();
    s.client().set_window_size(390 + w, 844 + h).await.unwrap();
}

/// Makes the page 390 px wide, as a phone shows it.
async fn phone_width(s: &Session) {
    let (w, h) = frame(s).await;
    s.client().set_window_size(390 + w, 844 + h).await.unwrap();
    let inner: Value = s
        .client()
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(inner, Value::from(390), "the page is 390 px wide");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_in_english_names_every_field_at_once_keeps_what_was_typed_and_fits_a_phone() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, PHONE_SHOTS).await.unwrap();
    let shots = workspace_root()
        .join("test-artifacts")
        .join("screens")
        .join(PHONE_SHOTS);
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let mut n = 0;

    // Turkish first, at 390 px: no label takes two lines, no code shows.
    phone_width(&s).await;
    s.goto("/basvuru").await.unwrap();
    let source = s.client().source().await.unwrap();
    assert!(
        !source.contains("kvkk-aydinlatma"),
        "the notice's version code is not shown"
    );
    assert_eq!(wrapped_labels(&s).await, Vec::<Value>::new());
    // Subjects and provinces in Turkish alphabetical order ("Diğer" last).
    let subjects = s.texts("#kategori option").await.unwrap();
    assert_eq!(
        subjects,
        [
            "Seçiniz",
            "Bilgi talebi",
            "Çevre kirliliği ve gürültü",
            "Fatura ve abonelik",
            "Kanalizasyon ve atık su",
            "Sayaç",
            "Su arızası / su kesintisi",
            "Diğer"
        ]
    );
    let provinces = s.texts("#il option").await.unwrap();
    assert_eq!(
        &provinces[1..6],
        ["Adana", "Adıyaman", "Afyonkarahisar", "Ağrı", "Aksaray"]
    );
    phone_shot(&s, &shots, &mut n, "turkce").await;

    // English when asked: every text.
    s.click_link("English").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/basvuru?lang=en");
    let page = s.text().await.unwrap();
    shows(
        &page,
        &[
            "Application form",
            "Subject",
            "Province",
            "District",
            "Your application",
            "How should we reply?",
            "Privacy notice",
            "I have read it and consent.",
            "Send application",
        ],
    );
    for turkish in ["Başvuru formu", "Seçiniz", "Aydınlatma", "Telefonla arama"] {
        assert!(!page.contains(turkish), "'{turkish}' on the English form");
    }
    assert_eq!(wrapped_labels(&s).await, Vec::<Value>::new());
    phone_shot(&s, &shots, &mut n, "ingilizce").await;

    // Sent with only the text and the name: every missing field is named at
    // once, the focus is on the first, and what was typed stays.
    s.fill_label("Your application", TEXT).await.unwrap();
    s.fill_label("Your full name", "Gülşen Öztürk")
        .await
        .unwrap();
    s.click_button("Send application").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/basvuru?lang=en");
    let listed = s.texts("#form-hatalari li").await.unwrap();
    for field in ["Subject", "Province", "District", "Phone", "Privacy notice"] {
        assert!(
            listed.iter().any(|l| l.starts_with(field)),
            "{field} missing in {listed:?}"
        );
    }
    for id in ["kategori", "il", "ilce", "telefon", "kvkk"] {
        let said = s
            .one(&format!("#{id}-hata"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !said.is_empty() && said.is_ascii(),
            "{id}: an English message: {said}"
        );
    }
    let focused = s.focused().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("kategori")
    );
    let kept = s.labelled("Your application").await.unwrap();
    assert_eq!(kept.prop("value").await.unwrap().as_deref(), Some(TEXT));
    let kept = s.labelled("Your full name").await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().as_deref(),
        Some("Gülşen Öztürk")
    );
    assert_eq!(wrapped_labels(&s).await, Vec::<Value>::new());
    phone_shot(&s, &shots, &mut n, "hepsi-birden").await;

    // A landline for an SMS reply: refused at the phone, in English.
    s.choose("Subject", "Pollution and noise").await.unwrap();
    s.choose("Type of application", "Complaint").await.unwrap();
    s.choose("Province", "Ankara").await.unwrap();
    s.choose("District", "Keçiören").await.unwrap();
    s.fill_label("Phone", "0 (312) 555 12 34").await.unwrap();
    consent(&s, "I have read it and consent.").await;
    s.click_button("Send application").await.unwrap();
    let said = s.one("#telefon-hata").await.unwrap().text().await.unwrap();
    assert!(said.contains("needs a mobile number (05xx)"), "{said}");
    assert_eq!(s.texts("#form-hatalari li").await.unwrap().len(), 1);
    let focused = s.focused().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("telefon")
    );
    let kept = s.labelled("District").await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().as_deref(),
        Some("Keçiören")
    );
    phone_shot(&s, &shots, &mut n, "sabit-hat").await;

    // The same in Turkish names the field in Turkish.
    s.click_link("Türkçe").await.unwrap();
    s.choose("Başvuru konusu", "Çevre kirliliği ve gürültü")
        .await
        .unwrap();
    s.choose("Başvuru türü", "Şikâyet").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Keçiören").await.unwrap();
    s.fill_label("Başvurunuz", TEXT).await.unwrap();
    s.fill_label("Telefon", "0 (312) 555 12 34").await.unwrap();
    consent(&s, "Okudum, açık rıza veriyorum.").await;
    s.click_button("Başvuruyu gönder").await.unwrap();
    let listed = s.texts("#form-hatalari li").await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with("Telefon: SMS ile dönüş için bir cep telefonu numarası (05xx) girin"),
        "{listed:?}"
    );
    phone_shot(&s, &shots, &mut n, "sabit-hat-turkce").await;

    // With a mobile number it goes through, and the thank-you page is English
    // when asked.
    s.fill_label("Telefon", PHONE).await.unwrap();
    s.click_button("Başvuruyu gönder").await.unwrap();
    let tn = shown_number(&s).await;
    s.goto(&format!("/basvuru/alindi?takip={tn}&lang=en"))
        .await
        .unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Your application was received", "Track your application"],
    );
    assert_eq!(wrapped_labels(&s).await, Vec::<Value>::new());
    phone_shot(&s, &shots, &mut n, "tesekkurler-ingilizce").await;

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
