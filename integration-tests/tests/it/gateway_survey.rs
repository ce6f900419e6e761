//! The citizens' signed links and the satisfaction survey in `tekmerkez
//! dev`, over HTTP as a phone's browser and the CTI platform use them:
//! an expert closes an SMS-reply record, the answer SMS carries the signed
//! status link (the answer without digits; `/takip` with the digits still
//! shows status only) and one survey SMS follows; the survey link takes one
//! answer (the same form again is the same answer, another is refused
//! "Bu anket zaten yanıtlandı"), refuses a tampered link and a link for
//! something else, and lets the citizen opt out (no survey for their next
//! record); the IVR's `survey.score` event and the callback agent's outcome
//! form record a score on the case.

use serde_json::{Value, json};
use tekmerkez::dev_channels::DEV_CTI_SIGNING_SECRET;
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, hidden, sign_in},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

use crate::channels::{Running, WAIT, hmac_sha256, http, now_seconds, start};

/// The official answer the expert gives.
pub(crate) const ANSWER: &str =
    "Faturanız yeniden hesaplandı; fark bir sonraki faturanızdan düşülecek.";

/// Dev with quiet hours off, so the answers and surveys go at once.
pub(crate) async fn dev() -> Running {
    start(|s| s.notify.quiet_hours.enabled = false).await
}

/// The SMS bodies dev's sink holds for `phone` (E.164).
pub(crate) async fn sms_to(app: &Running, phone: &str) -> Vec<String> {
    let list: Vec<Value> = http()
        .get(app.url("/dev/sms.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.iter()
        .filter(|m| m["recipient"] == phone)
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits for an SMS to `phone` holding `part`, and returns it.
pub(crate) async fn wait_sms(app: &Running, phone: &str, part: &str) -> String {
    eventually(WAIT, &format!("an SMS with {part}"), || async {
        sms_to(app, phone)
            .await
            .into_iter()
            .find(|b| b.contains(part))
    })
    .await
}

/// The token after `path` in `text` (a signed link is 51 URL-safe characters).
pub(crate) fn token(text: &str, path: &str) -> String {
    let at = text
        .find(path)
        .unwrap_or_else(|| panic!("no {path} in {text}"));
    text[at + path.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// An Ankara bill record by SMS from `phone` (0532 …), closed by the expert
/// with [`ANSWER`]: its tracking number and case.
pub(crate) async fn resolved_by_sms(app: &Running, phone: &str) -> (String, pb::Case) {
    let tracking = app.apply("Ankara", "Çankaya", "fatura", phone).await;
    let case = app.case(&tracking).await;
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
    cases
        .close_case(app.as_user(
            "uzman.ankara",
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: ANSWER.into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    (tracking, case)
}

/// The case with its survey answer, as the admin reads it.
pub(crate) async fn survey_of(app: &Running, case_id: &str) -> Option<pb::SurveyResponse> {
    let mut cases = CaseServiceClient::new(app.channel().await);
    cases
        .get_case(app.as_user(
            "admin",
            pb::GetCaseRequest {
                case_id: case_id.to_owned(),
                tracking_number: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap()
        .survey
}

/// `token` with one character changed.
fn tampered(token: &str) -> String {
    let mut t: Vec<char> = token.chars().collect();
    let i = t.len() / 2;
    t[i] = if t[i] == 'A' { 'B' } else { 'A' };
    t.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_survey_link_takes_one_answer_refuses_a_second_and_a_tampered_link_and_honours_an_opt_out()
 {
    let app = dev().await;
    let (tracking, case) = resolved_by_sms(&app, "0532 611 22 33").await;
    let sms = wait_sms(&app, "+905326112233", "/anket/").await;
    assert!(
        sms.contains(&tracking) && sms.contains("RET yazıp yanıtlayın"),
        "{sms}"
    );
    let survey = token(&sms, "/anket/");
    assert_eq!(survey.len(), 51, "{sms}");
    let mut phone = Browser::new(app.http);

    // The form: Turkish, the record's number, five scores.
    let (status, form, _, _) = phone.get(&format!("/anket/{survey}")).await;
    assert_eq!(status, 200);
    let p = Page::parse(&form);
    assert_eq!(p.text_in("h1"), "Memnuniyet Anketi");
    assert_eq!(p.text_in("#anket-takip"), tracking);
    assert_eq!(
        p.attrs("input[name=puan]", "value"),
        ["1", "2", "3", "4", "5"]
    );
    let key = hidden(&form, "anahtar");

    // No score: refused by the field, the comment kept.
    let comment = "Ekip güler yüzlüydü; çözüm biraz geç geldi.";
    let (status, page, _, _) = phone
        .post(
            &format!("/anket/{survey}"),
            &[("anahtar", &key), ("takip", &tracking), ("yorum", comment)],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        Page::parse(&page)
            .text_in("#puan-hata")
            .contains("1 ile 5 arasında")
    );
    assert!(page.contains(comment), "the comment is kept");

    let answer = [
        ("anahtar", key.as_str()),
        ("takip", tracking.as_str()),
        ("puan", "4"),
        ("yorum", comment),
    ];
    let (status, _, _, location) = phone.post(&format!("/anket/{survey}"), &answer).await;
    assert_eq!(status, 303);
    assert_eq!(location.unwrap(), format!("/anket/{survey}/tesekkurler"));
    let (_, thanks, _, _) = phone.get(&format!("/anket/{survey}/tesekkurler")).await;
    assert!(thanks.contains("Teşekkür ederiz"), "{thanks}");
    // A double click: the same form again is the same answer.
    let (status, _, _, _) = phone.post(&format!("/anket/{survey}"), &answer).await;
    assert_eq!(status, 303, "the same submission is not a second answer");
    let s = survey_of(&app, &case.id).await.unwrap();
    assert_eq!(
        (s.score, s.source, s.comment.as_str()),
        (4, pb::SurveySource::Link as i32, comment)
    );

    // A second answer from a fresh form (the link opened again, or forwarded).
    let mut other = Browser::new(app.http);
    let (status, page, _, _) = other.get(&format!("/anket/{survey}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Bu anket zaten yanıtlandı"), "{page}");
    assert!(
        !Page::parse(&page).has("input[name=puan]"),
        "no form for an answered survey"
    );
    let (status, page, _, _) = other
        .post(
            &format!("/anket/{survey}"),
            &[
                ("anahtar", "00ff00ff00ff00ff"),
                ("takip", &tracking),
                ("puan", "1"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(page.contains("Bu anket zaten yanıtlandı"), "{page}");
    assert_eq!(
        survey_of(&app, &case.id).await.unwrap().score,
        4,
        "the first answer stays"
    );

    // A tampered link, a cut one, and the status link used as a survey link.
    let status_link = token(
        &wait_sms(&app, "+905326112233", "/takip/d/").await,
        "/takip/d/",
    );
    for bad in [tampered(&survey), survey[..40].to_owned(), status_link] {
        let (status, page, _, _) = other.get(&format!("/anket/{bad}")).await;
        assert_eq!(status, 404, "{bad}");
        assert!(page.contains("Bu anket bağlantısı geçerli değil"), "{page}");
        let (status, _, _, _) = other
            .post(
                &format!("/anket/{bad}"),
                &[("anahtar", "ab"), ("puan", "5")],
            )
            .await;
        assert_eq!(status, 404);
    }
    assert_eq!(survey_of(&app, &case.id).await.unwrap().score, 4);

    // "Send me no more surveys": the citizen's next record gets none.
    let (status, _, _, location) = phone.post(&format!("/anket/{survey}/ret"), &[]).await;
    assert_eq!(status, 303);
    let (_, done, _, _) = phone.get(&location.unwrap()).await;
    assert!(
        done.contains("size bundan sonra memnuniyet anketi gönderilmeyecek"),
        "{done}"
    );
    let (next, _) = resolved_by_sms(&app, "0532 611 22 33").await;
    wait_sms(
        &app,
        "+905326112233",
        &format!("{next} numaralı başvurunuz sonuçlandı"),
    )
    .await;
    // The survey would follow its answer within the same handling.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let surveys: Vec<String> = sms_to(&app, "+905326112233")
        .await
        .into_iter()
        .filter(|b| b.contains("/anket/"))
        .collect();
    assert_eq!(surveys.len(), 1, "no survey after the opt-out: {surveys:?}");

    // The record page shows the answer to the desk.
    let mut desk = Browser::new(app.http);
    sign_in(&mut desk, "yonetici.ankara").await;
    let (_, record, _, _) = desk.get(&format!("/kayit/{}", case.id)).await;
    let r = Page::parse(&record);
    assert!(
        r.text_in("#memnuniyet-puani")
            .starts_with("4/5 — anket bağlantısıyla"),
        "{record}"
    );
    assert_eq!(r.text_in("#memnuniyet-gorusu"), comment);
    assert!(
        record.contains("Memnuniyet anketi yanıtlandı"),
        "the task step"
    );
    assert!(
        record.contains("memnuniyet anketi (SMS)"),
        "the delivery log"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signed_status_link_shows_the_answer_and_takip_with_the_digits_does_not() {
    let app = dev().await;
    let (tracking, _) = resolved_by_sms(&app, "0532 611 44 55").await;
    let sms = wait_sms(&app, "+905326114455", "Yanıtımız:").await;
    assert!(sms.contains("Ayrıntılar: http://"), "{sms}");
    let link = token(&sms, "/takip/d/");
    let mut phone = Browser::new(app.http);
    let (status, page, _, _) = phone.get(&format!("/takip/d/{link}")).await;
    assert_eq!(status, 200);
    let p = Page::parse(&page);
    assert_eq!(p.text_in("#takip-durum"), "Sonuçlandı");
    assert_eq!(p.text_in("#yetkili-aciklamasi"), ANSWER);
    assert!(
        !page.contains("Mehmet Kaya") && !page.contains("0532"),
        "no personal data"
    );

    // The status link is not a lookup: it is not counted against /takip's limits.
    for _ in 0..25 {
        assert_eq!(phone.get(&format!("/takip/d/{link}")).await.0, 200);
    }
    let (status, page, _, _) = phone
        .post("/takip", &[("takip", &tracking), ("son4", "4455")])
        .await;
    assert_eq!(status, 200, "{page}");
    let p = Page::parse(&page);
    assert_eq!(p.text_in("#takip-durum"), "Sonuçlandı");
    assert!(
        !p.has("#yetkili-aciklamasi") && !page.contains("fark bir sonraki"),
        "the digits show status only"
    );

    // A tampered link and a survey link are no status link.
    let survey = token(&wait_sms(&app, "+905326114455", "/anket/").await, "/anket/");
    for bad in [tampered(&link), survey] {
        let (status, page, _, _) = phone.get(&format!("/takip/d/{bad}")).await;
        assert_eq!(status, 404);
        assert!(page.contains("Bu bağlantı geçerli değil"), "{page}");
        assert!(!page.contains(ANSWER));
    }
    app.stop().await;
}

/// POSTs a CTI event signed with dev's secret.
async fn cti(app: &Running, event: &Value) -> (u16, Value) {
    let body = event.to_string();
    let ts = now_seconds();
    let sig = hex::encode(hmac_sha256(
        DEV_CTI_SIGNING_SECRET.as_bytes(),
        format!("{ts}.{body}").as_bytes(),
    ));
    let r = http()
        .post(app.url("/v1/cti/events"))
        .header("content-type", "application/json")
        .header("x-tekmerkez-timestamp", ts.to_string())
        .header("x-tekmerkez-signature", format!("sha256={sig}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ivr_survey_score_is_recorded_on_the_case_once() {
    let app = dev().await;
    let (tracking, case) = resolved_by_sms(&app, "0532 611 66 77").await;
    let at = jiff::Timestamp::now().to_string();
    let event = |id: &str, tn: &str, score: u32| {
        json!({"type": "survey.score", "event_id": id, "call_id": "call-anket-1",
               "occurred_at": at, "tracking_number": tn, "score": score})
    };
    let first = event("anket-1", &tracking.to_lowercase(), 2);
    let (status, body) = cti(&app, &first).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "recorded");
    let (status, _) = cti(&app, &first).await;
    assert_eq!(status, 200, "a CTI retry is answered as the first time");
    let s = survey_of(&app, &case.id).await.unwrap();
    assert_eq!((s.score, s.source), (2, pb::SurveySource::Ivr as i32));
    let (status, _) = cti(&app, &event("anket-2", &tracking, 5)).await;
    assert_eq!(status, 409, "one answer per case");
    let (status, body) = cti(&app, &event("anket-3", &tracking, 9)).await;
    assert_eq!(status, 400);
    assert!(body["errors"]["score"].is_array(), "{body}");
    let (status, _) = cti(&app, &event("anket-4", "ZZZZZ-ZZZZZ", 3)).await;
    assert!(matches!(status, 400 | 404), "{status}");
    assert_eq!(survey_of(&app, &case.id).await.unwrap().score, 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callback_agent_records_the_citizens_score_in_the_outcome_form() {
    let app = dev().await;
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&json!({
            "channel": "web_form", "category": "fatura",
            "text": "Faturam iki kat geldi, geri aranmak istiyorum.",
            "province": "Ankara", "district": "Çankaya",
            "applicant": { "name": "Mehmet Kaya", "phone": "0312 555 12 34" },
            "reply_channel": "phone",
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let tracking = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = app.case(&tracking).await;
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
    cases
        .close_case(app.as_user(
            "uzman.ankara",
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: ANSWER.into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    let mut cb = Browser::new(app.http);
    sign_in(&mut cb, "geridonus").await;
    let (_, pool, _, _) = cb.get("/geri-donus").await;
    let csrf = hidden(&pool, "csrf");
    cb.post("/geri-donus/al", &[("csrf", &csrf), ("case_id", &case.id)])
        .await;
    let path = format!("/kayit/{}/geri-donus", case.id);
    let (_, record, _, _) = cb.get(&format!("/kayit/{}", case.id)).await;
    assert!(
        record.contains("Vatandaşın memnuniyet puanı"),
        "the form asks for the score"
    );
    let version = hidden(&record, "version");
    // A score with "not reached" is refused by its field, everything kept.
    let (status, page, _, _) = cb
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("sonuc", "2"),
                ("zaman", "2099-01-02T10:30"),
                ("text", "Meşguldü."),
                ("puan", "5"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        Page::parse(&page)
            .text_in("#puan-hata")
            .contains("yalnızca vatandaşa ulaşıldığında"),
        "{page}"
    );
    assert!(page.contains("Meşguldü."));
    let (_, _, _, location) = cb
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("sonuc", "1"),
                ("text", "Vatandaş bilgilendirildi."),
                ("puan", "5"),
                ("gorus", "Aradığınız için teşekkürler."),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/geri-donus?durum=sonuclandi"));
    let s = survey_of(&app, &case.id).await.unwrap();
    assert_eq!(
        (s.score, s.source, s.comment.as_str()),
        (
            5,
            pb::SurveySource::PhoneCallback as i32,
            "Aradığınız için teşekkürler."
        )
    );
    assert!(
        !s.recorded_by.is_empty(),
        "the callback agent who wrote it down"
    );
    let mut desk = Browser::new(app.http);
    sign_in(&mut desk, "yonetici.ankara").await;
    let (_, record, _, _) = desk.get(&format!("/kayit/{}", case.id)).await;
    assert!(
        Page::parse(&record)
            .text_in("#memnuniyet-puani")
            .starts_with("5/5 — geri dönüş aramasında"),
        "{record}"
    );
    app.stop().await;
}
