//! The citizen's satisfaction survey in a real Chromium against `tekmerkez
//! dev`, at a phone's width: the link from the survey SMS opens the Turkish
//! page, a score and a comment are sent once, the thanks page follows (a
//! reload sends nothing), the link opened again says it was answered (in
//! English too), and the status link from the answer SMS shows the
//! official answer. Screens under `test-artifacts/screens/browser_survey/`.

use tekmerkez_integration_tests::browser::{Chrome, shows};
use tekmerkez_proto::case_v1 as pb;

use crate::gateway_survey::{ANSWER, dev, resolved_by_sms, survey_of, token, wait_sms};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_answers_the_survey_once_on_a_phone_sized_page() {
    let chrome = Chrome::start().await.unwrap();
    let app = dev().await;
    let (tracking, case) = resolved_by_sms(&app, "0532 622 33 44").await;
    let survey = token(&wait_sms(&app, "+905326223344", "/anket/").await, "/anket/");
    let s = chrome.session(app.http, "browser_survey").await.unwrap();

    s.goto(&format!("/anket/{survey}")).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Memnuniyet Anketi",
            "Hizmetimizden ne kadar memnun kaldınız?",
            "5 — Çok memnun kaldım",
            "Görüşünüz (isteğe bağlı)",
            "Bana bir daha anket gönderilmesin",
            &tracking,
        ],
    );
    s.screenshot_phone("anket-formu").await.unwrap();

    // Sent without a score: refused by the field, the comment kept.
    let comment = "Sorunum üç günde çözüldü; çağrı merkezi çok ilgiliydi.";
    s.fill_label("Görüşünüz (isteğe bağlı)", comment)
        .await
        .unwrap();
    s.click_button("Gönder").await.unwrap();
    let refused = s.one("#puan-hata").await.unwrap().text().await.unwrap();
    assert!(refused.contains("1 ile 5 arasında"), "{refused}");
    assert_eq!(
        s.one("#yorum")
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(comment)
    );
    s.screenshot_phone("anket-puan-yok").await.unwrap();

    s.click_text("label", "4 — Memnun kaldım").await.unwrap();
    s.click_button("Gönder").await.unwrap();
    assert!(
        s.path().await.unwrap().ends_with("/tesekkurler"),
        "a redirect: reloading sends nothing"
    );
    shows(
        &s.text().await.unwrap(),
        &["Teşekkür ederiz", "Yanıtınız kaydedildi"],
    );
    s.screenshot_phone("anket-tesekkurler").await.unwrap();
    let a = survey_of(&app, &case.id).await.unwrap();
    assert_eq!(
        (a.score, a.source, a.comment.as_str()),
        (4, pb::SurveySource::Link as i32, comment)
    );

    // The link opened again: answered, no form; in English too.
    s.goto(&format!("/anket/{survey}")).await.unwrap();
    shows(&s.text().await.unwrap(), &["Bu anket zaten yanıtlandı"]);
    assert!(s.texts("input[name=puan]").await.unwrap().is_empty());
    s.screenshot_phone("anket-zaten-yanitlandi").await.unwrap();
    s.goto(&format!("/anket/{survey}?lang=en")).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &[
            "Satisfaction survey",
            "This survey has already been answered",
        ],
    );
    s.goto(&format!("/anket/{survey}?lang=tr")).await.unwrap();

    // The answer SMS's status link: the official answer, no digits typed.
    let status = token(
        &wait_sms(&app, "+905326223344", "/takip/d/").await,
        "/takip/d/",
    );
    s.goto(&format!("/takip/d/{status}")).await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Sonuçlandı", "Yetkili Açıklaması", ANSWER],
    );
    s.screenshot_phone("takip-baglantisi").await.unwrap();

    s.close().await.unwrap();
    drop(chrome);
    app.stop().await;
}
