//! The citizen, signed in nowhere, in a real Chromium against `tekmerkez
//! dev`: fills the public form `/basvuru` in Turkish (ç ğ ı İ ö ş ü), reads
//! the tracking number on the thank-you page, and on `/takip` gives it with
//! the phone's last four digits: the status and its dated timeline, with not
//! one piece of personal data on the page. A wrong last four and an unknown
//! number get the very same answer. Statuses read in the citizen's words,
//! not the desk's ("Havuzda"). Once an expert has the record, the English
//! page shows the longer timeline. Screens under
//! `test-artifacts/screens/browser_citizen/`.

use crate::channels::start;
use tekmerkez_integration_tests::browser::{Chrome, Session, shows};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

const NAME: &str = "Çiğdem Ağaoğlu";
const PHONE: &str = "0532 987 65 43";
const EMAIL: &str = "cigdem.agaoglu@ornek.com.tr";
const TEXT: &str = "Sokağımızdaki su borusu üç gündür akıtıyor; İlçe ekipleri gelmedi, çukur derinleşiyor ve şu an yürümek güç.";

/// Asserts nothing the citizen gave about themselves is in the page's
/// source (its text, its fields, its markup).
async fn no_personal_data(s: &Session) {
    let source = s.client().source().await.unwrap();
    for personal in [
        "Çiğdem",
        "Ağaoğlu",
        "0532",
        "987 65",
        "9876543",
        "cigdem",
        "borusu",
        "Sokağımızdaki",
    ] {
        assert!(
            !source.contains(personal),
            "'{personal}' is on the tracking page:\n{source}"
        );
    }
}

/// Looks `number` up on `/takip` with the last four digits `last4`.
async fn look_up(s: &Session, number: &str, last4: &str, english: bool) {
    s.goto("/takip").await.unwrap();
    let (field_number, field_last4, button) = if english {
        (
            "Tracking number",
            "Last 4 digits of your phone number",
            "Look up",
        )
    } else {
        (
            "Takip numarası",
            "Telefon numaranızın son 4 hanesi",
            "Sorgula",
        )
    };
    s.fill_label(field_number, number).await.unwrap();
    s.fill_label(field_last4, last4).await.unwrap();
    s.click_button(button).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_on_the_public_form_and_tracks_it_without_seeing_personal_data() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let s = chrome.session(app.http, "browser_citizen").await.unwrap();

    // The public form, in Turkish, without signing in.
    s.goto("/basvuru").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Başvuru formu",
            "Başvuru konusu",
            "Size nasıl dönüş yapalım?",
            "Kişisel verilerin korunması",
        ],
    );
    s.screenshot("basvuru-formu").await.unwrap();
    s.choose("Başvuru konusu", "Su arızası / su kesintisi")
        .await
        .unwrap();
    s.choose("Başvuru türü", "Talep").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Çankaya").await.unwrap();
    s.fill_label("Başvurunuz", TEXT).await.unwrap();
    s.fill_label("Adınız soyadınız", NAME).await.unwrap();
    s.fill_label("Telefon", PHONE).await.unwrap();
    // "E-posta" also labels the reply-by-e-mail choice: the field by its name.
    s.fill("eposta", EMAIL).await.unwrap();
    s.click_text("label", "SMS").await.unwrap();
    s.click_text("label", "Okudum, açık rıza veriyorum.")
        .await
        .unwrap();
    s.screenshot("basvuru-dolduruldu").await.unwrap();
    s.click_button("Başvuruyu gönder").await.unwrap();

    // The thank-you page gives the tracking number, at an address of its own.
    assert!(
        s.path()
            .await
            .unwrap()
            .starts_with("/basvuru/alindi?takip=")
    );
    let thanks = s.text().await.unwrap();
    shows(&thanks, &["Başvurunuz alındı", "Takip numaranız"]);
    let tn = s.one(".takip").await.unwrap().text().await.unwrap();
    let tn = tn.trim().to_owned();
    assert!(
        tn.len() == 11 && tn.as_bytes()[5] == b'-',
        "a tracking number XXXXX-XXXXX: {tn}"
    );
    s.screenshot("basvuru-alindi").await.unwrap();

    // The application becomes a case asynchronously; the case service has
    // it, as the citizen wrote it, before the citizen looks.
    let case = app.case(&tn).await;
    assert_eq!(case.text, TEXT, "the Turkish text arrives whole");
    assert_eq!(case.status, pb::CaseStatus::InPool as i32);

    // /takip: the status and the timeline, nothing personal.
    s.goto("/takip").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Başvuru Takibi", "Takip numarası", "son 4 hanesi"],
    );
    s.screenshot("takip-formu").await.unwrap();
    look_up(&s, &tn, "6543", false).await;
    let found = s.text().await.unwrap();
    shows(
        &found,
        &[
            "Başvurunuzun durumu: Alındı, ilgili birimde sırada",
            "Geçmiş",
            &tn,
            "Başka bir başvuruyu sorgula",
        ],
    );
    let timeline = s.texts("#zaman-cizelgesi li").await.unwrap();
    assert_eq!(timeline.len(), 1, "one step so far: {timeline:?}");
    assert!(
        timeline[0].ends_with("— Alındı, ilgili birimde sırada"),
        "{timeline:?}"
    );
    assert!(
        !found.contains("Havuzda"),
        "the desk's words are not the citizen's"
    );
    no_personal_data(&s).await;
    s.screenshot("takip-bulundu").await.unwrap();

    // A wrong last four and an unknown number: one and the same answer.
    look_up(&s, &tn, "0000", false).await;
    let wrong = s.one("#takip-hata").await.unwrap().text().await.unwrap();
    assert!(
        wrong.starts_with("Bu bilgilerle eşleşen bir başvuru bulunamadı."),
        "{wrong}"
    );
    assert!(s.texts("#zaman-cizelgesi li").await.unwrap().is_empty());
    no_personal_data(&s).await;
    s.screenshot("takip-yanlis-son4").await.unwrap();
    look_up(&s, "ZZZZZ-99999", "6543", false).await;
    let unknown = s.one("#takip-hata").await.unwrap().text().await.unwrap();
    assert_eq!(unknown, wrong, "every kind of miss reads the same");
    s.screenshot("takip-bilinmeyen-numara").await.unwrap();

    // An expert takes the record; the citizen, now in English, sees it.
    let mut cases = CaseServiceClient::new(app.channel().await);
    cases
        .claim_cases(app.as_user(
            "uzman.ankara",
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    s.goto("/takip").await.unwrap();
    s.click_link("English").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/takip?lang=en");
    shows(&s.text().await.unwrap(), &["Track your application"]);
    look_up(&s, &tn, "6543", true).await;
    shows(
        &s.text().await.unwrap(),
        &[
            "Status of your application: Being handled by an expert",
            "Timeline",
        ],
    );
    let timeline = s.texts("#zaman-cizelgesi li").await.unwrap();
    assert_eq!(timeline.len(), 2, "{timeline:?}");
    assert!(
        timeline[0].ends_with("— Received, queued at the responsible unit"),
        "{timeline:?}"
    );
    assert!(
        timeline[1].ends_with("— Being handled by an expert"),
        "{timeline:?}"
    );
    no_personal_data(&s).await;
    s.screenshot("takip-ingilizce").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
