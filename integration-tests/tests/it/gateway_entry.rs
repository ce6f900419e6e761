//! Staff entry through the gateway inside `tekmerkez dev`, over HTTP as a
//! browser sends it: the call-centre agent records a call and an
//! information-only call (opened and resolved at once), sees the caller of
//! an offered call with their earlier applications; front-office staff
//! record a letter, a counter visit with its queue ticket and a video
//! meeting. Each application reaches its pool through intake, the bus and
//! routing, as the person who recorded it; each receipt is a page and a
//! PDF whose barcode an independent reader (zbar) decodes back to the
//! tracking number. Bad input gets a Turkish answer at the field and
//! records nothing.

use crate::channels::{Running, WAIT, hmac_sha256, http, now_seconds, start};
use crate::entry_support::{
    pdf_images, pdf_text, read_barcodes, receipt_tracking_number, render_pdf, write_logo_png,
};
use reqwest::StatusCode;
use serde_json::json;
use tekmerkez::dev_channels::DEV_CTI_SIGNING_SECRET;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, hidden, sign_in},
};
use tekmerkez_proto::{
    case_v1 as pb,
    common_v1::{Channel, ReplyChannel},
};

const FAULT_POOL: &str = "Kocaeli Su Arıza Birimi";
const BILLING_POOL: &str = "Kocaeli Abone İşleri Birimi";
const TRIAGE_POOL: &str = "Kocaeli Ön Değerlendirme (Triyaj)";

/// The entry form at `path`: its CSRF token and one-time form id.
async fn open_form(b: &mut Browser, path: &str) -> (String, String, String) {
    let (status, page, _, _) = b.get(path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    (hidden(&page, "csrf"), hidden(&page, "form_id"), page)
}

/// Sends the form at `path` with `fields` (plus the token and form id).
async fn send(
    b: &mut Browser,
    path: &str,
    csrf: &str,
    form_id: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let mut all = vec![("csrf", csrf), ("form_id", form_id)];
    all.extend_from_slice(fields);
    let (status, body, _, location) = b.post(path, &all).await;
    (status, body, location)
}

const CALL: &[(&str, &str)] = &[
    ("konu", "su_arizasi"),
    (
        "metin",
        "Mahallede sabahtan beri su yok, ana boru patlamış olabilir.",
    ),
    ("il", "Kocaeli"),
    ("ilce", "İzmit"),
    ("ad", "Ayşe Yılmaz"),
    ("telefon", "0532 111 22 33"),
    ("yanit", "sms"),
    ("kvkk", "1"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_centre_agent_records_a_call_and_an_information_only_call_each_in_its_pool() {
    let app = start(|_| {}).await;
    let mut agent = Browser::new(app.http);
    sign_in(&mut agent, "cagrimerkezi").await;
    let (_, home, _, _) = agent.get("/").await;
    assert!(
        Page::parse(&home).has("a[href=\"/kayit-girisi/cagri\"]"),
        "{home}"
    );

    let (csrf, form_id, page) = open_form(&mut agent, "/kayit-girisi/cagri").await;
    assert_eq!(Page::parse(&page).texts("h1"), ["Çağrı Kaydı"]);
    assert!(page.contains("Size bağlı bir çağrı görünmüyor"));
    let (status, body, location) =
        send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, CALL).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    let tn = receipt_tracking_number(&location);
    // The form sent again (a double click, a retry): the same application.
    let (_, _, again) = send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, CALL).await;
    assert_eq!(again.as_deref(), Some(location.as_str()));

    let (status, receipt, _, _) = agent.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    for want in [
        "Başvuru Alındı Belgesi",
        tn.as_str(),
        "Takip numarasını başvuru sahibine okuyun.",
        "Telefon (çağrı merkezi)",
        "kvkk-aydinlatma-v1",
        "<svg",
    ] {
        assert!(receipt.contains(want), "'{want}' missing:\n{receipt}");
    }
    assert!(
        !receipt.contains("Ayşe") && !receipt.contains("111 22 33"),
        "no personal data on the receipt"
    );

    let case = app.case(&tn).await;
    assert_eq!(case.channel, Channel::Phone as i32);
    assert_eq!(case.status, pb::CaseStatus::InPool as i32);
    assert_eq!(app.pool_name(&case.pool_id).await, FAULT_POOL);
    assert_eq!(case.consent.unwrap().text_version, "kvkk-aydinlatma-v1");

    // The record is the agent's: listed among the records they took, and
    // its page opens for them with the contact they typed.
    let (_, taken, _, _) = agent.get("/aldigim-kayitlar").await;
    assert!(taken.contains(&tn), "{taken}");
    let (status, record, _, _) = agent.get(&format!("/kayit/{}", case.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Ayşe Yılmaz"));

    // Information only: the agent answered at once; opened and resolved.
    let (csrf, form_id, _) = open_form(&mut agent, "/kayit-girisi/cagri").await;
    let info: &[(&str, &str)] = &[
        ("konu", "genel_bilgi"),
        ("metin", "Yarınki planlı su kesintisinin saatini sordu."),
        ("il", "Kocaeli"),
        ("ilce", "Gebze"),
        ("telefon", "0533 444 55 66"),
        ("yanit", "sms"),
        ("kvkk", "1"),
        ("bilgi", "1"),
        (
            "verilen_bilgi",
            "Kesinti yarın 09.00–14.00 arasında olacak.",
        ),
    ];
    let (status, body, location) =
        send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, info).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    let (_, receipt, _, _) = agent.get(&location).await;
    assert!(receipt.contains("Bilgi verildi; başvuru kaydedildi ve kapatıldı."));
    let info_case = app.case(&receipt_tracking_number(&location)).await;
    assert_eq!(info_case.status, pb::CaseStatus::Resolved as i32);
    assert!(info_case.information_only);
    assert_eq!(
        info_case.official_answer,
        "Kesinti yarın 09.00–14.00 arasında olacak."
    );
    assert_eq!(app.pool_name(&info_case.pool_id).await, TRIAGE_POOL);
    assert_eq!(info_case.closed_by, case_creator(&app, &info_case.id).await);

    // Two applications, however often the first form was sent.
    assert_eq!(app.cases_of(Channel::Phone).await.len(), 2);
    app.stop().await;
}

/// Who opened case `id`, by its first task step.
async fn case_creator(app: &Running, id: &str) -> String {
    let mut client = pb::case_service_client::CaseServiceClient::new(app.channel().await);
    let steps = client
        .get_history(app.as_user(
            "admin",
            pb::GetHistoryRequest {
                case_id: id.to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .steps;
    let who = steps[0].actor_user_id.clone();
    assert!(!who.is_empty(), "opened by a person, not by a service");
    who
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_office_staff_record_a_letter_a_counter_visit_and_a_video_meeting_with_receipts() {
    let files = tempfile::tempdir().unwrap();
    let logo = files.path().join("logo.png");
    write_logo_png(&logo, 120, 40);
    let app = start(|s| {
        logo.to_str()
            .unwrap()
            .clone_into(&mut s.institution.logo_path)
    })
    .await;
    let mut staff = Browser::new(app.http);
    sign_in(&mut staff, "danisma").await;

    // A letter: answered by post, its document number kept.
    let (csrf, form_id, page) = open_form(&mut staff, "/kayit-girisi/yazi").await;
    assert!(page.contains("Gelen evrak no"));
    assert!(
        !Page::parse(&page).has("#bilgi"),
        "a letter cannot be information only"
    );
    // So are the subjects, "Diğer" last.
    assert_eq!(
        Page::parse(&page).texts("#konu option"),
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
    let letter: &[(&str, &str)] = &[
        ("konu", "fatura"),
        (
            "metin",
            "Ekteki faturada okunan sayaç değeri yanlıştır; düzeltilmesini rica ederim.",
        ),
        ("il", "Kocaeli"),
        ("ilce", "Gebze"),
        ("ad", "Şükrü Öztürk"),
        ("adres", "Cumhuriyet Mah. İnönü Cad. No: 12, Gebze"),
        ("yanit", "letter"),
        ("referans", "2025/1187"),
        ("kvkk", "1"),
    ];
    let (status, body, location) =
        send(&mut staff, "/kayit-girisi/yazi", &csrf, &form_id, letter).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let letter_tn = receipt_tracking_number(&location.unwrap());
    let case = app.case(&letter_tn).await;
    assert_eq!(case.channel, Channel::Written as i32);
    assert_eq!(case.reply_channel, ReplyChannel::Letter as i32);
    assert!(
        case.text.ends_with("\nGelen evrak no: 2025/1187"),
        "{}",
        case.text
    );
    assert_eq!(app.pool_name(&case.pool_id).await, BILLING_POOL);

    // A counter visit: refused without its queue ticket, at the field.
    let (csrf, form_id, _) = open_form(&mut staff, "/kayit-girisi/gise").await;
    let mut visit: Vec<(&str, &str)> = vec![
        ("konu", "su_arizasi"),
        (
            "metin",
            "Sokaktaki rögar kapağı kırık, çocuklar için tehlikeli.",
        ),
        ("il", "Kocaeli"),
        ("ilce", "Körfez"),
        ("ad", "Gülay Çelik"),
        ("telefon", "0542 987 65 43"),
        ("yanit", "phone"),
        ("kvkk", "1"),
    ];
    let (status, page, _) = send(&mut staff, "/kayit-girisi/gise", &csrf, &form_id, &visit).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Gişe başvurusunda sıra numarası gereklidir"),
        "{page}"
    );
    let parsed = Page::parse(&page);
    assert!(
        parsed
            .fields
            .iter()
            .any(|f| f.id == "sira" && f.invalid && f.value.is_empty()),
        "{page}"
    );
    assert_eq!(
        parsed.attrs("[autofocus]", "id"),
        vec!["sira"],
        "the refused field takes the focus"
    );
    assert!(page.contains("Gülay Çelik"), "what was typed is kept");
    visit.push(("sira", "A-042"));
    let (status, body, location) =
        send(&mut staff, "/kayit-girisi/gise", &csrf, &form_id, &visit).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the same form id, corrected: {body}"
    );
    let location = location.unwrap();
    let tn = receipt_tracking_number(&location);
    let (_, receipt, _, _) = staff.get(&location).await;
    for want in [
        "Sıra numarası",
        "A-042",
        "Yüz yüze (gişe)",
        "Telefonla geri dönüş",
        "6698 sayılı",
    ] {
        assert!(receipt.contains(want), "'{want}' missing:\n{receipt}");
    }
    let case = app.case(&tn).await;
    assert_eq!(case.channel, Channel::FaceToFace as i32);
    assert!(case.text.ends_with("\nSıra numarası: A-042"));
    assert_eq!(app.pool_name(&case.pool_id).await, FAULT_POOL);

    // The PDF: its text in Turkish letters, and a barcode that an
    // independent reader decodes back to the tracking number.
    let res = http()
        .get(app.url(&format!("{location}/pdf")))
        .header("cookie", cookie_header(&staff))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    let text = pdf_text(&pdf, files.path());
    for want in [
        "Başvuru Alındı Belgesi",
        tn.as_str(),
        "Sıra numarası",
        "A-042",
        "Kişisel verileriniz 6698 sayılı",
        "Tek Merkez Başvuru ve Çözüm Merkezi",
    ] {
        assert!(
            text.contains(want),
            "'{want}' missing from the PDF's text:\n{text}"
        );
    }
    // The institution's logo is on it, as poppler reads it.
    assert_eq!(
        pdf_images(&pdf, files.path()),
        [(120, 40, "rgb".to_owned())]
    );
    let png = render_pdf(&pdf, files.path(), 200);
    assert_eq!(read_barcodes(&png), vec![tn.clone()]);
    let shots = tekmerkez_integration_tests::browser::workspace_root()
        .join("test-artifacts/screens/gateway_entry");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(&png, shots.join("alindi-pdf.png")).unwrap();

    // A video meeting: its own channel.
    let (csrf, form_id, page) = open_form(&mut staff, "/kayit-girisi/goruntulu").await;
    assert!(page.contains("Görüşme no"));
    let video: &[(&str, &str)] = &[
        ("konu", "cevre_kirliligi"),
        (
            "metin",
            "Dere kenarına atık su boşaltılıyor, koku dayanılmaz.",
        ),
        ("il", "Kocaeli"),
        ("ilce", "Derince"),
        ("eposta", "ozan.koc@ornek.com.tr"),
        ("yanit", "email"),
        ("referans", "GRS-0042"),
        ("kvkk", "1"),
    ];
    let (status, body, location) = send(
        &mut staff,
        "/kayit-girisi/goruntulu",
        &csrf,
        &form_id,
        video,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let case = app.case(&receipt_tracking_number(&location.unwrap())).await;
    assert_eq!(case.channel, Channel::Video as i32);
    assert_eq!(case.reply_channel, ReplyChannel::Email as i32);

    // The call-centre agent cannot open front-office receipts.
    let mut agent = Browser::new(app.http);
    sign_in(&mut agent, "cagrimerkezi").await;
    let (status, _, _, _) = agent.get(&format!("/alindi/{letter_tn}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _, _) = agent.get(&format!("/alindi/{letter_tn}/pdf")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

fn cookie_header(b: &Browser) -> String {
    b.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_entries_get_turkish_answers_at_the_field_and_record_nothing() {
    let app = start(|_| {}).await;
    let mut agent = Browser::new(app.http);
    sign_in(&mut agent, "cagrimerkezi").await;
    let (csrf, form_id, _) = open_form(&mut agent, "/kayit-girisi/cagri").await;

    // Special-category data without explicit consent.
    let mut fields = CALL.to_vec();
    fields.push(("ozel", "1"));
    let (status, page, _) = send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Özel nitelikli kişisel veri için başvuru sahibinin açık rızası gereklidir."),
        "{page}"
    );
    assert!(Page::parse(&page).has("[role=alert]"));

    // Personal data without the KVKK box, a district of another province,
    // an SMS reply without a phone: every field named at once.
    let bad: &[(&str, &str)] = &[
        ("konu", "su_arizasi"),
        ("metin", "Su yok."),
        ("il", "Kocaeli"),
        ("ilce", "Çankaya"),
        ("ad", "Ali Veli"),
        ("yanit", "sms"),
    ];
    let (status, page, _) = send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let page = Page::parse(&page);
    let listed = page.attrs("#alan-hatalari a", "href");
    for (field, want) in [
        ("ilce", "Seçilen ilin ilçelerinden birini seçin."),
        (
            "kvkk",
            "Kişisel veri alındığında KVKK onayı işaretlenmelidir.",
        ),
        ("telefon", "Geçerli bir Türkiye telefon numarası yazın"),
    ] {
        assert!(
            listed.contains(&format!("#{field}")),
            "{field} not in the list of problems: {listed:?}"
        );
        let said = page.text_in(&format!("#{field}-hata"));
        assert!(said.contains(want), "{field}: '{want}' missing: {said}");
    }

    // A forged form token: refused, nothing recorded.
    let (status, _, _) = send(&mut agent, "/kayit-girisi/cagri", "forged", &form_id, CALL).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A tampered form id: refused with a fresh form.
    let (status, page, _) = send(&mut agent, "/kayit-girisi/cagri", &csrf, "1 OR 1=1", CALL).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        !Page::parse(&page)
            .fields
            .iter()
            .any(|f| f.value == "1 OR 1=1"),
        "the tampered value is not put back"
    );
    // An unknown kind of entry.
    let (status, _, _, _) = agent.get("/kayit-girisi/faks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The same form id with other content, after it was recorded: refused.
    let (status, _, location) =
        send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, CALL).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let tn = receipt_tracking_number(&location.unwrap());
    let mut other = CALL.to_vec();
    other[1] = ("metin", "Başka bir başvuru.");
    let (status, page, _) = send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Bu form daha önce farklı bilgilerle gönderilmiş."));
    // A receipt that does not exist, and one with a mistyped number.
    for path in [
        "/alindi/00000-00000",
        "/alindi/bozuk",
        "/alindi/0000000000/pdf",
    ] {
        let (status, _, _, _) = agent.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }

    // Roles that do not take applications see no entry screens.
    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.kocaeli").await;
    let (_, home, _, _) = expert.get("/").await;
    assert!(!home.contains("/kayit-girisi/"));
    let (status, _, _, _) = expert.get("/kayit-girisi/cagri").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, pool, _, _) = expert.get("/cagri-havuzu").await;
    let (status, _, _, _) = expert
        .post(
            "/kayit-girisi/cagri",
            &[("csrf", &hidden(&pool, "csrf")), ("form_id", &form_id)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _, _) = expert.get(&format!("/alindi/{tn}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Intake's staff endpoint answers only the gateway's token, and needs
    // the acting person and the form's id.
    let body = json!({ "channel": "phone", "category": "su_arizasi", "text": "Su yok.",
                       "province": "Kocaeli", "district": "İzmit", "reply_channel": "sms" })
    .to_string();
    for token in [None, Some("not-the-gateway-token-0123456789abcdef")] {
        let mut req = http()
            .post(app.url("/v1/staff/applications"))
            .header("content-type", "application/json")
            .header("x-tekmerkez-acting-user", uuid::Uuid::new_v4().to_string())
            .header("idempotency-key", "f1")
            .body(body.clone());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let text = r.text().await.unwrap();
        assert!(!text.contains("Su yok"), "{text}");
    }

    // Only the one valid application was recorded.
    app.case(&tn).await;
    assert_eq!(app.cases_of(Channel::Phone).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offered_call_shows_the_caller_and_their_earlier_applications_on_the_entry_screen() {
    let app = start(|_| {}).await;
    // The caller applied on the web form before.
    let r = http()
        .post(app.url("/v1/applications"))
        .header("content-type", "application/json")
        .body(
            json!({
                "channel": "web_form", "category": "fatura",
                "text": "Faturam bu ay üç katına çıktı.", "province": "Kocaeli", "district": "İzmit",
                "applicant": { "name": "Mehmet Kaya", "phone": "0532 765 43 21" },
                "reply_channel": "sms",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let earlier: serde_json::Value = r.json().await.unwrap();
    let earlier_tn = earlier["tracking_number"].as_str().unwrap().to_owned();
    app.case(&earlier_tn).await;

    // The CTI offers the call to the agent.
    let event = json!({
        "type": "call.offered", "event_id": "evt-entry-1", "call_id": "call-77",
        "occurred_at": jiff::Timestamp::now().to_string(), "caller_number": "0532 765 43 21",
        "dialled_number": "185", "agent": "cagrimerkezi",
        "ivr_selections": [{ "menu": "ana_menu", "choice": "2" }]
    })
    .to_string();
    let ts = now_seconds();
    let sig = format!(
        "sha256={}",
        hex::encode(hmac_sha256(
            DEV_CTI_SIGNING_SECRET.as_bytes(),
            format!("{ts}.{event}").as_bytes()
        ))
    );
    let r = http()
        .post(app.url("/v1/cti/events"))
        .header("content-type", "application/json")
        .header("x-tekmerkez-timestamp", ts.to_string())
        .header("x-tekmerkez-signature", sig)
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let mut agent = Browser::new(app.http);
    sign_in(&mut agent, "cagrimerkezi").await;
    // The caller index fills from the bus.
    let page = eventually(
        WAIT,
        "the earlier application on the entry screen",
        || async {
            let mut b = Browser::new(app.http);
            b.cookies.clone_from(&agent.cookies);
            let (_, page, _, _) = b.get("/kayit-girisi/cagri").await;
            page.contains(&earlier_tn).then_some(page)
        },
    )
    .await;
    let shown = Page::parse(&page);
    assert_eq!(shown.text_in("#arayan-numara"), "+905327654321", "{page}");
    assert_eq!(shown.text_in("#ivr-adimlari"), "2", "the key pressed");
    assert!(!page.contains("ana_menu"), "no IVR menu code on the screen");
    assert!(
        shown
            .text_in("#onceki-basvurular tbody")
            .contains("Web formu"),
        "the earlier application's channel in words"
    );
    assert!(page.contains("Havuzda"), "the earlier application's status");
    // Each earlier application opens its public status in a new tab: the
    // row posts its tracking number and the caller's last four digits, so
    // the agent reads the caller what the caller could read themselves.
    assert_eq!(shown.attrs("#onceki-basvurular form", "action"), ["/takip"]);
    assert_eq!(shown.attrs("#onceki-basvurular form", "target"), ["_blank"]);
    assert_eq!(
        shown.attrs("#onceki-basvurular input[name=son4]", "value"),
        ["4321"]
    );
    let (status, status_page, _, _) = agent
        .post("/takip", &[("takip", &earlier_tn), ("son4", "4321")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        Page::parse(&status_page).text_in("#takip-durum"),
        "Alındı, ilgili birimde sırada",
        "the citizen's words: {status_page}"
    );
    assert_eq!(
        shown.value("telefon"),
        "+905327654321",
        "the number is filled in"
    );
    assert_eq!(shown.value("referans"), "call-77");

    // Recorded during the call: the call id goes with it, also through a
    // form refused once (the caller's panel stays on the screen).
    let (csrf, form_id) = (hidden(&page, "csrf"), hidden(&page, "form_id"));
    let (status, page, _) = send(
        &mut agent,
        "/kayit-girisi/cagri",
        &csrf,
        &form_id,
        &[("metin", "Yarım kalan kayıt."), ("referans", "call-77")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let shown = Page::parse(&page);
    assert_eq!(shown.text_in("#arayan-numara"), "+905327654321", "{page}");
    assert_eq!(shown.value("referans"), "call-77");
    let fields: &[(&str, &str)] = &[
        ("konu", "fatura"),
        (
            "metin",
            "Geçen ayki yüksek faturası için itirazını yineledi.",
        ),
        ("il", "Kocaeli"),
        ("ilce", "İzmit"),
        ("ad", "Mehmet Kaya"),
        ("telefon", "+905327654321"),
        ("yanit", "phone"),
        ("kvkk", "1"),
        ("referans", "call-77"),
    ];
    let (status, body, location) =
        send(&mut agent, "/kayit-girisi/cagri", &csrf, &form_id, fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let case = app.case(&receipt_tracking_number(&location.unwrap())).await;
    assert!(case.text.ends_with("\nÇağrı no: call-77"), "{}", case.text);
    assert_eq!(app.pool_name(&case.pool_id).await, BILLING_POOL);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_with_a_landline_for_an_sms_reply_is_refused_at_the_phone_with_everything_kept() {
    let app = start(|_| {}).await;
    let mut staff = Browser::new(app.http);
    sign_in(&mut staff, "danisma").await;
    let (csrf, form_id, page) = open_form(&mut staff, "/kayit-girisi/yazi").await;
    // The province list is by name in Turkish order, not by plate code.
    let provinces = Page::parse(&page).texts("#il option");
    assert_eq!(
        &provinces[..6],
        [
            "Seçiniz",
            "Adana",
            "Adıyaman",
            "Afyonkarahisar",
            "Ağrı",
            "Aksaray"
        ]
    );
    let letter: &[(&str, &str)] = &[
        ("konu", "fatura"),
        ("metin", "Abonelik devri için dilekçemdir."),
        ("il", "6"),
        ("ilce", "Çankaya"),
        ("referans", "2026/0312"),
        ("ad", "Hülya Çağlayan"),
        ("telefon", "0 (312) 555 12 34"),
        ("yanit", "sms"),
        ("kvkk", "1"),
    ];
    let (status, page, _) = send(&mut staff, "/kayit-girisi/yazi", &csrf, &form_id, letter).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let page = Page::parse(&page);
    assert_eq!(page.attrs("#alan-hatalari a", "href"), vec!["#telefon"]);
    assert!(
        page.text_in("#telefon-hata")
            .starts_with("SMS ile yanıt için cep telefonu numarası (05xx) gerekir"),
        "{}",
        page.text_in("#telefon-hata")
    );
    assert_eq!(page.attrs("#telefon[autofocus]", "id"), vec!["telefon"]);
    for (name, typed) in [
        ("ad", "Hülya Çağlayan"),
        ("telefon", "0 (312) 555 12 34"),
        ("referans", "2026/0312"),
    ] {
        assert!(
            page.fields
                .iter()
                .any(|f| f.name == name && f.value == typed),
            "{name} kept"
        );
    }
    assert_eq!(page.texts("#il option[selected]"), vec!["Ankara"]);
    assert_eq!(page.texts("#ilce option[selected]"), vec!["Çankaya"]);
    // By post instead: recorded.
    let mut by_post = letter.to_vec();
    by_post[7] = ("yanit", "letter");
    by_post.push(("adres", "Atatürk Bulvarı No: 101, Çankaya"));
    let (status, _, location) =
        send(&mut staff, "/kayit-girisi/yazi", &csrf, &form_id, &by_post).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let tn = receipt_tracking_number(&location.unwrap());
    let case = app.case(&tn).await;
    assert_eq!(case.reply_channel, ReplyChannel::Letter as i32);
    app.stop().await;
}
