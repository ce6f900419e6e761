//! *Olaylar* in `tekmerkez dev`: an expert declares an incident (a refused
//! declaration keeps what was typed, the error by its field; a repeated
//! post declares once), links two records of the pool by their tracking
//! numbers (they leave the pool's list; an unknown number is named), takes
//! one out with a reason (it is back on the list), and closes the incident
//! with one answer: the linked record is answered and says which incident
//! answered it. A call-centre agent has no such page.

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tokio_util::sync::CancellationToken;

/// The tracking numbers on the expert's pool list.
async fn pool_numbers(b: &mut Browser) -> Vec<String> {
    let (status, page, _, _) = b.get("/cagri-havuzu").await;
    assert_eq!(status, 200);
    Page::parse(&page).texts("a.satir")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_declares_links_unlinks_and_answers_an_incident_from_the_desk() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 60)).await.unwrap();
    let http = dev.http_addr();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let mut agent = Browser::new(http);
    sign_in(&mut agent, "cagrimerkezi").await;
    let (status, _, _, _) = agent.get("/olaylar").await;
    assert_eq!(status, 403);

    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (_, home, _, _) = expert.get("/").await;
    assert!(
        Page::parse(&home).has("a[href=\"/olaylar\"]"),
        "on the menu"
    );
    let (status, page, _, _) = expert.get("/olaylar").await;
    assert_eq!(status, 200, "{page}");
    let csrf = hidden(&page, "csrf");
    let request = hidden(&page, "istek");
    let pools = Page::parse(&page).attrs("#havuz option", "value");
    assert!(
        pools.len() > 2,
        "the expert's Ankara pools to choose from: {pools:?}"
    );

    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("istek", request.as_str()),
        ("tur", ""),
        ("konu", "su_arizasi"),
        ("il", "6"),
        ("havuz", ""),
        ("baslangic", "2026-12-07T09:00"),
        ("bitis", "2026-12-07T16:00"),
        ("baslik", "Çankaya ana boru arızası"),
        ("yerler", "Karşıyaka"),
        (
            "duyuru",
            "Ana boru arızası nedeniyle Çankaya'da su kesintisi var.",
        ),
    ];
    let (status, page, _, _) = expert.post("/olaylar", &form).await;
    assert_eq!(status, 422);
    let refused = Page::parse(&page);
    assert_eq!(refused.text_in("#tur-hata"), "Olayın türünü seçin.");
    assert!(refused.text_in("#yerler-hata").contains("1. satır"));
    assert_eq!(
        refused.value("baslik"),
        "Çankaya ana boru arızası",
        "kept as typed"
    );
    assert_eq!(refused.value("yerler"), "Karşıyaka");
    assert_eq!(
        refused.value("istek"),
        request,
        "the same declaration when sent again"
    );

    form[2] = ("tur", "2");
    form[5] = ("havuz", pools[1].as_str());
    form[9] = ("yerler", "cankaya");
    let (status, page, _, to) = expert.post("/olaylar", &form).await;
    assert_eq!(status, 303, "{:?}", Page::parse(&page).texts(".hata"));
    let to = to.unwrap();
    let (_, _, _, again) = expert.post("/olaylar", &form).await;
    assert_eq!(
        again.as_deref(),
        Some(to.as_str()),
        "a double click declares once"
    );
    let (status, page, _, _) = expert.get(&to).await;
    assert_eq!(status, 200);
    let incident = Page::parse(&page);
    assert_eq!(incident.text_in("#durum"), "Olay bildirildi.");
    assert!(
        incident.text_in("#olay-yerler").starts_with("Çankaya"),
        "spelt as the reference data"
    );
    let base = to.split('?').next().unwrap().to_owned();

    let before = pool_numbers(&mut expert).await;
    assert!(before.len() >= 2, "the demo pool has records: {before:?}");
    let (a, b) = (before[0].clone(), before[1].clone());
    let numbers = format!("{a}\n{b}");
    let (status, page, _, _) = expert
        .post(
            &format!("{base}/bagla"),
            &[("csrf", &csrf), ("numaralar", "ABCDE-FGHJK")],
        )
        .await;
    assert_eq!(status, 422);
    let refused = Page::parse(&page);
    assert!(refused.text_in("#numaralar-hata").contains("ABCDE-FGHJK"));
    assert_eq!(refused.value("numaralar"), "ABCDE-FGHJK");
    let (status, _, _, to) = expert
        .post(
            &format!("{base}/bagla"),
            &[("csrf", &csrf), ("numaralar", &numbers)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _, _) = expert.get(&to.unwrap()).await;
    let linked = Page::parse(&page);
    assert_eq!(linked.text_in("#durum"), "2 kayıt olaya bağlandı.");
    assert_eq!(
        linked
            .attrs("#bagli-kayitlar tr[data-takip]", "data-takip")
            .len(),
        2
    );
    let after = pool_numbers(&mut expert).await;
    assert!(
        !after.contains(&a) && !after.contains(&b),
        "linked records leave the pool's list"
    );

    let a_id = linked
        .attrs(
            &format!("tr[data-takip=\"{a}\"] input[name=kayit]"),
            "value",
        )
        .pop()
        .unwrap();
    let (status, _, _, to) = expert
        .post(
            &format!("{base}/cikar"),
            &[
                ("csrf", &csrf),
                ("kayit", &a_id),
                ("neden", "Başka sokak, ayrı arıza."),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _, _) = expert.get(&to.unwrap()).await;
    assert_eq!(
        Page::parse(&page).text_in("#durum"),
        "Kayıt olaydan çıkarıldı ve havuzuna döndü."
    );
    assert!(
        pool_numbers(&mut expert).await.contains(&a),
        "back on the list"
    );

    let version = Page::parse(&page).value("surum");
    let (status, page, _, _) = expert
        .post(
            &format!("{base}/kapat"),
            &[("csrf", &csrf), ("surum", &version), ("cevap", " ")],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        Page::parse(&page).text_in("#cevap-hata"),
        "Resmî cevabı yazın."
    );
    let answer = "Arıza giderildi, suyunuz verildi.";
    let (status, _, _, to) = expert
        .post(
            &format!("{base}/kapat"),
            &[("csrf", &csrf), ("surum", &version), ("cevap", answer)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _, _) = expert.get(&to.unwrap()).await;
    let closed = Page::parse(&page);
    assert_eq!(
        closed.text_in("#durum"),
        "Olay kapatıldı; 1 kayıt cevaplandı."
    );
    assert_eq!(closed.text_in("#olay-cevap"), answer);
    assert!(!closed.has("#olay-kapat"), "closed once");
    let b_link = closed
        .attrs(&format!("tr[data-takip=\"{b}\"] a"), "href")
        .pop()
        .unwrap();
    let (_, html, _, _) = expert.get(&b_link).await;
    let record = Page::parse(&html);
    assert!(
        record.text_in("#kayit-olay").contains("OLY-"),
        "the record names its incident"
    );
    assert!(
        html.contains(answer),
        "the incident's answer is the record's"
    );
    assert!(
        !record.has("#olaya-bagla"),
        "an answered record is linked no more"
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
