//! Ready answers (hazır cevaplar) through the gateway inside `tekmerkez
//! dev`: a pool manager keeps them (a refused save comes back as typed,
//! with the error by its field; versions and their history; a general
//! answer is the admins'); an expert picks one in the *Yetkili Açıklaması*
//! box, filled for the record, edits it and previews exactly what the
//! citizen receives on an SMS-reply and an e-mail-reply record, then closes
//! with it; a call-centre agent finds an answer in the knowledge base and
//! records the information-only call with it in two clicks.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(30);

/// Files a web-form application in Ankara/Çankaya for "Mehmet Kaya" with
/// the answer by `reply`: its tracking number.
async fn apply(base: &str, category: &str, reply: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/applications"))
        .json(&json!({"channel":"web_form","category":category,
            "text":"Faturamda geçen aya göre çok yüksek bir tüketim görünüyor.",
            "province":"Ankara","district":"Çankaya",
            "applicant":{"name":"Mehmet Kaya","phone":"0532 111 22 33","email":"mehmet.kaya@example.org"},
            "reply_channel":reply,
            "kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Claims the case `tracking` for the expert holding `token`: its id.
async fn claim(grpc: std::net::SocketAddr, token: &str, tracking: &str) -> String {
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    fn auth<T>(token: &str, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        r
    }
    let case = eventually(WAIT, &format!("{tracking} in the pool"), async || {
        cases
            .get_case(auth(
                token,
                pb::GetCaseRequest {
                    case_id: String::new(),
                    tracking_number: tracking.to_owned(),
                },
            ))
            .await
            .ok()
            .and_then(|r| r.into_inner().case)
    })
    .await;
    cases
        .claim_cases(auth(
            token,
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    case.id
}

fn token_of(dev: &Dev, username: &str) -> String {
    dev.users()
        .iter()
        .find(|u| u.username == username)
        .unwrap()
        .api_token
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_keeps_ready_answers_and_an_expert_answers_from_one_after_a_preview() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 0);
    settings.notify.catalogue_refresh_ms = 100;
    let dev = Dev::build(settings).await.unwrap();
    let (http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let expert_token = token_of(&dev, "uzman.ankara");
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");

    // The manager's page lists the demo's answers and keeps new ones.
    let mut manager = Browser::new(http);
    sign_in(&mut manager, "yonetici.ankara").await;
    let (status, page, _, _) = manager.get("/hazir-cevaplar").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Arıza giderildi") && page.contains("Genel (tüm konular)"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let typed = "Sayın {{isim}}, {{basvuru_tarihi}} tarihli itirazınız incelendi.";
    let new = |body: &'static str, category: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("id", String::new()),
            ("surum", "0".to_owned()),
            ("baslik", "Tüketim itirazı yanıtı".to_owned()),
            ("konu", category.to_owned()),
            ("dil", "tr".to_owned()),
            ("metin", body.to_owned()),
        ]
    };
    let post = async |b: &mut Browser, path: &str, f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(path, &pairs).await
    };
    // An unknown placeholder: refused at the text, everything kept.
    let (status, page, _, _) = post(&mut manager, "/hazir-cevaplar", new(typed, "fatura")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = Page::parse(&page);
    assert!(
        p.text_in("#metin-hata")
            .contains("tanınmayan bir yer tutucu")
            && p.text_in("#metin-hata").contains("{{takip_no}}"),
        "{page}"
    );
    assert_eq!(p.value("metin"), typed);
    assert_eq!(p.value("baslik"), "Tüketim itirazı yanıtı");
    // A general answer is the admins'.
    let (status, page, _, _) = post(
        &mut manager,
        "/hazir-cevaplar",
        new("Başvurunuz alındı.", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Genel hazır cevapları yalnızca yöneticiler düzenler"),
        "{page}"
    );

    let body = "Sayın {{ad_soyad}}, {{basvuru_tarihi}} tarihli {{takip_no}} numaralı itirazınız incelendi; sayaç okumasında hata bulunmadı.";
    let (status, _, _, location) = post(&mut manager, "/hazir-cevaplar", new(body, "fatura")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let (_, page, _, _) = manager.get(&location).await;
    assert!(page.contains("Hazır cevap kaydedildi."), "{page}");
    let p = Page::parse(&page);
    let form_value = |p: &Page, name: &str| {
        p.attrs(&format!("form#duzenle input[name={name}]"), "value")
            .pop()
            .unwrap()
    };
    let answer_id = form_value(&p, "id");
    assert_eq!(form_value(&p, "surum"), "1");
    // A second version, with its history.
    let mut edit = new(body, "fatura");
    edit[1].1.clone_from(&answer_id);
    edit[2].1 = "1".into();
    edit[6].1 = format!("{body} Ayrıntılar için 185'i arayabilirsiniz.");
    let (status, _, _, location) = post(&mut manager, "/hazir-cevaplar", edit).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _, _) = manager.get(&location.unwrap()).await;
    let p = Page::parse(&page);
    assert_eq!(form_value(&p, "surum"), "2");
    assert_eq!(p.texts("#surumler tbody tr").len(), 2, "{page}");
    assert!(
        p.text_in("#surumler").contains("Ayşe Yıldırım"),
        "who saved it: {page}"
    );

    // The expert's SMS-reply record: the picker offers it, filled for the record.
    let tn = apply(&base, "fatura", "sms").await;
    let id = claim(grpc, &expert_token, &tn).await;
    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let path = format!("/kayit/{id}");
    let (_, page, _, _) = expert.get(&path).await;
    let p = Page::parse(&page);
    let offered = p.attrs("select#hazir option", "value");
    assert!(offered.contains(&answer_id), "{page}");
    assert!(
        page.contains("Başvurunuz ilgili birime iletildi"),
        "general ones too"
    );
    assert!(!page.contains("Arıza giderildi"), "not another category's");
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
    let note = "Sayaç okuması kontrol edildi.";
    let (status, page, _, _) = expert
        .post(
            &format!("{path}/hazir-cevap"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("text", note),
                ("aciklama", ""),
                ("hazir", &answer_id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = Page::parse(&page);
    let filled = p.value("aciklama");
    assert!(
        filled.starts_with("Sayın Mehmet Kaya, ")
            && filled.contains(&format!("tarihli {tn} numaralı itirazınız incelendi"))
            && !filled.contains("{{"),
        "{filled}"
    );
    assert_eq!(p.value("text"), note, "the note typed is kept");
    // Edited, then previewed: the SMS the citizen gets, its parts and encoding.
    let edited = format!("{filled} Ödeme süreniz 15 gün uzatıldı.");
    let (status, page, _, _) = expert
        .post(
            &format!("{path}/onizle"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("text", note),
                ("aciklama", &edited),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = Page::parse(&page);
    assert_eq!(p.value("aciklama"), edited, "the answer typed is kept");
    let preview = p.text_in("#onizleme");
    assert!(preview.contains("Vatandaşa gidecek ileti"), "{preview}");
    assert!(
        preview.contains(&format!(
            "{tn} numaralı başvurunuz sonuçlandı. Yanıtımız: Sayın Mehmet Kaya"
        )),
        "{preview}"
    );
    assert!(
        preview.contains("Ödeme süreniz 15 gün uzatıldı."),
        "{preview}"
    );
    let cost = p.texts("#onizleme .sms-maliyet");
    assert_eq!(cost.len(), 1, "{preview}");
    assert!(
        cost[0].ends_with("SMS (GSM 7 bit, Türkçe karakterli)") && !cost[0].starts_with("1 "),
        "{cost:?}"
    );
    // Closed with the edited answer.
    let (status, _, _, location) = expert
        .post(
            &format!("{path}/kaydet"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("aciklama", &edited),
                ("onay", "1"),
                ("neden", "cozuldu"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some(format!("{path}?durum=kaydedildi").as_str())
        )
    );
    let (_, page, _, _) = expert.get(&path).await;
    assert_eq!(Page::parse(&page).text_in("#yetkili-aciklamasi"), edited);

    // An e-mail-reply record: the e-mail with its subject, and nothing else carries the answer.
    let tn = apply(&base, "fatura", "email").await;
    let id = claim(grpc, &expert_token, &tn).await;
    let path = format!("/kayit/{id}");
    let (_, page, _, _) = expert.get(&path).await;
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
    let (status, page, _, _) = expert
        .post(
            &format!("{path}/onizle"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("aciklama", "İtirazınız incelendi; faturanız düzeltildi."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = Page::parse(&page);
    let preview = p.text_in("#onizleme");
    assert!(
        p.texts("#onizleme .onizleme-konu") == [format!("Başvurunuzun yanıtı [{tn}]")],
        "{preview}"
    );
    assert!(
        preview.contains("E-posta") && preview.contains("Sayın Mehmet Kaya,"),
        "{preview}"
    );
    assert!(preview.contains("İtirazınız incelendi; faturanız düzeltildi."));
    // An empty answer cannot be previewed: said by the box.
    let (status, page, _, _) = expert
        .post(
            &format!("{path}/onizle"),
            &[("csrf", &csrf), ("version", &version), ("aciklama", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        Page::parse(&page)
            .text_in("#aciklama-hata")
            .contains("Önizleme için"),
        "{page}"
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_centre_agent_finds_the_answer_and_records_the_information_call_in_two_clicks() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let (http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let admin_token = token_of(&dev, "admin");
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let mut agent = Browser::new(http);
    sign_in(&mut agent, "cagrimerkezi").await;
    let (_, home, _, _) = agent.get("/").await;
    assert!(
        home.contains("href=\"/bilgi-bankasi\""),
        "in the menu: {home}"
    );
    // Turkish-aware: ASCII and upper case find "Abonelik için gereken belgeler".
    for q in ["abonelik belgeleri", "ABONELİK", "tapu kira sozlesmesi"] {
        let (status, page, _, _) = agent
            .get(&format!(
                "/bilgi-bankasi?q={}",
                tekmerkez_integration_tests::web::urlencode(q)
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        // Best first: the words in its title.
        let titles = Page::parse(&page).texts("#bilgiler h2");
        assert_eq!(
            titles.first().map(String::as_str),
            Some("Abonelik için gereken belgeler"),
            "{q}: {page}"
        );
    }
    let (_, page, _, _) = agent.get("/bilgi-bankasi?q=isik").await;
    assert_eq!(
        Page::parse(&page).texts("#bilgiler h2"),
        ["Sokak aydınlatması ve gürültü"]
    );
    let (_, page, _, _) = agent.get("/bilgi-bankasi?q=telefon+rehberi").await;
    assert!(Page::parse(&page).has("#sonuc-yok"), "{page}");
    let (_, page, _, _) = agent.get("/bilgi-bankasi?q=abonelik").await;
    // Click one: the call form, as an information-only call, filled.
    let link = Page::parse(&page)
        .attrs("#bilgiler a.dugme", "href")
        .into_iter()
        .next()
        .unwrap();
    let (status, form, _, _) = agent.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    let f = Page::parse(&form);
    assert!(f.named("bilgi")[0].checked, "information only");
    assert_eq!(f.value("konu"), "genel_bilgi");
    let answer = f.value("verilen_bilgi");
    assert!(
        answer.starts_with("Yeni su aboneliği için kimlik belgesi"),
        "{answer}"
    );
    assert_eq!(f.value("metin"), "Abonelik için gereken belgeler");
    // Click two: Kaydet, with the caller's details the form needs.
    let fields = [
        ("csrf", f.value("csrf")),
        ("form_id", f.value("form_id")),
        ("konu", f.value("konu")),
        ("metin", f.value("metin")),
        ("bilgi", "1".to_owned()),
        ("verilen_bilgi", answer.clone()),
        ("il", "Ankara".to_owned()),
        ("ilce", "Çankaya".to_owned()),
        ("telefon", "0533 444 55 66".to_owned()),
        ("yanit", "sms".to_owned()),
        ("kvkk", "1".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body, _, location) = agent.post("/kayit-girisi/cagri", &pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    let tn = location.strip_prefix("/alindi/").unwrap().to_owned();
    let (_, receipt, _, _) = agent.get(&location).await;
    assert!(receipt.contains("Bilgi verildi; başvuru kaydedildi ve kapatıldı."));

    // Recorded, resolved as information given, with the answer read out.
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    let case = eventually(WAIT, "the information call recorded", async || {
        let mut r = tonic::Request::new(pb::GetCaseRequest {
            case_id: String::new(),
            tracking_number: tn.clone(),
        });
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {admin_token}").parse().unwrap(),
        );
        cases
            .get_case(r)
            .await
            .ok()
            .and_then(|r| r.into_inner().case)
    })
    .await;
    assert_eq!(case.status, pb::CaseStatus::Resolved as i32);
    assert!(case.information_only);
    assert_eq!(case.official_answer, answer);
    assert_eq!(case.category, "genel_bilgi");

    // An expert reads the knowledge base but is not offered to record calls.
    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, page, _, _) = expert.get("/bilgi-bankasi?q=abonelik").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!Page::parse(&page).has("#bilgiler a.dugme"), "{page}");
    // And does not keep ready answers.
    let (status, _, _, _) = expert.get("/hazir-cevaplar").await;
    assert_ne!(status, StatusCode::OK);

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
