//! The pool manager's *Havuz Yönetimi* through the gateway inside `tekmerkez
//! dev`: only the managed province's records; filters by status and
//! category with names, search by tracking number; a tampered filter is
//! named, not obeyed; bulk assignment to an expert and a move to another,
//! all or none; a transfer with a reason, refused without one or from a
//! stale page; an expert gets no manager screen.

use std::time::Duration;

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::web::{
    Browser, dev_settings, hidden, offered, option, sign_in, tracking_number,
};
use tekmerkez_integration_tests::{page::Page, wait::eventually};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_filters_searches_assigns_in_bulk_and_moves_records_all_or_none() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 150)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let (mut m, mut e1, mut e2) = (Browser::new(addr), Browser::new(addr), Browser::new(addr));
    sign_in(&mut m, "yonetici.ankara").await;
    sign_in(&mut e1, "uzman.ankara").await;
    sign_in(&mut e2, "uzman2.ankara").await;

    let (status, all, _, _) = m.get("/havuz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("Havuz Yönetimi") && all.contains("Süzgeçler"));
    assert!(
        all.contains("Ankara") && !all.contains("/ İzmir"),
        "only the managed province"
    );
    assert!(
        !all.contains(">su_arizasi<") && all.contains("Su arızası / su kesintisi"),
        "category names, not codes"
    );

    // Status and category filters narrow; every row carries them.
    let (_, bills, _, _) = m.get("/havuz?statu=1&konu=fatura").await;
    let bill_ids = offered(&bills);
    assert!(!bill_ids.is_empty());
    assert!(bill_ids.len() < offered(&all).len());
    assert_eq!(
        bills.matches("<td>Fatura ve abonelik</td>").count(),
        bill_ids.len()
    );
    assert_eq!(
        bills.matches("<td>Havuzda</td>").count(),
        bill_ids.len(),
        "only records in the pool"
    );

    // Search by tracking number finds exactly that record.
    let tn = tracking_number(&bills, &bill_ids[0]);
    let (_, found, _, _) = m.get(&format!("/havuz?takip={}", tn.to_lowercase())).await;
    assert_eq!(offered(&found), vec![bill_ids[0].clone()]);

    // A tampered filter is named and ignored, never a 500.
    let (status, tampered, _, _) = m.get("/havuz?statu=99&kanal=%27%3B--&gun=-4").await;
    assert_eq!(status, StatusCode::OK);
    assert!(tampered.contains("geçersizdi ve dikkate alınmadı"));

    // Bulk assignment of three records to an expert of the pool.
    let csrf = hidden(&bills, "csrf");
    let expert1 = option(&bills, "Mehmet Öztürk");
    let expert2 = option(&bills, "Zeynep Çelik");
    let three: Vec<&str> = bill_ids.iter().take(3).map(String::as_str).collect();
    let mut form = vec![("csrf", csrf.as_str()), ("atanan", expert1.as_str())];
    form.extend(three.iter().map(|id| ("case_id", *id)));
    form.push(("geri", "statu=1&konu=fatura"));
    let (_, _, _, location) = m.post("/havuz/ata", &form).await;
    assert_eq!(
        location.as_deref(),
        Some("/havuz?statu=1&konu=fatura&durum=atandi")
    );
    let (_, mine1, _, _) = e1.get("/uzerimdeki").await;
    for id in &three {
        assert!(mine1.contains(&format!("/kayit/{id}")), "assigned {id}");
    }

    // Moving one of them to another expert.
    let mut form = vec![("csrf", csrf.as_str()), ("atanan", expert2.as_str())];
    form.push(("case_id", three[0]));
    let (_, _, _, location) = m.post("/havuz/ata", &form).await;
    assert_eq!(location.as_deref(), Some("/havuz?durum=atandi"));
    let (_, mine1, _, _) = e1.get("/uzerimdeki").await;
    let (_, mine2, _, _) = e2.get("/uzerimdeki").await;
    assert!(!mine1.contains(&format!("/kayit/{}", three[0])));
    assert!(mine2.contains(&format!("/kayit/{}", three[0])));

    // All or none: one record of the batch is already resolved → nothing moves.
    let (_, resolved, _, _) = m.get("/havuz?statu=4").await;
    let done = offered(&resolved);
    assert!(!done.is_empty(), "the demo data has resolved records");
    let form = vec![
        ("csrf", csrf.as_str()),
        ("atanan", expert2.as_str()),
        ("case_id", three[1]),
        ("case_id", done[0].as_str()),
    ];
    let (_, _, _, location) = m.post("/havuz/ata", &form).await;
    assert_eq!(location.as_deref(), Some("/havuz?durum=atanamadi"));
    let (_, told, _, _) = m.get("/havuz?durum=atanamadi").await;
    assert!(told.contains("Hiçbir kayıt atanmadı"));
    let (_, mine1, _, _) = e1.get("/uzerimdeki").await;
    assert!(mine1.contains(&format!("/kayit/{}", three[1])), "unchanged");

    // No expert chosen, nothing selected, forged token: messages, no writes.
    let (_, _, _, location) = m
        .post("/havuz/ata", &[("csrf", &csrf), ("case_id", three[1])])
        .await;
    assert_eq!(location.as_deref(), Some("/havuz?durum=uzman-yok"));
    let (_, _, _, location) = m
        .post("/havuz/ata", &[("csrf", &csrf), ("atanan", &expert2)])
        .await;
    assert_eq!(location.as_deref(), Some("/havuz?durum=secilmedi"));
    let (status, _, _, _) = m
        .post(
            "/havuz/ata",
            &[
                ("csrf", "forged"),
                ("atanan", &expert2),
                ("case_id", three[1]),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An expert gets no manager screen.
    let (status, page, _, _) = e1.get("/havuz").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("yetkiniz yok"));

    shutdown.cancel();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_transfers_a_record_to_another_pool_with_a_reason() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 60)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let mut m = Browser::new(addr);
    sign_in(&mut m, "yonetici.ankara").await;

    let (_, list, _, _) = m.get("/havuz?statu=1&konu=fatura").await;
    let id = offered(&list).into_iter().next().unwrap();
    let (status, record, _, _) = m.get(&format!("/kayit/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Başka Havuza Aktar"));
    assert!(
        record.contains("(iletişim bilgileri gizli)"),
        "a manager does not need the contact details"
    );
    let path = format!("/kayit/{id}/aktar");
    let (status, transfer, _, _) = m.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let target = option(
        &transfer,
        "Ankara — Çevre Koruma ve Kontrol Dairesi Başkanlığı › Çevre Denetim Birimi",
    );
    let csrf = hidden(&transfer, "csrf");
    let version = hidden(&transfer, "version");

    let (status, page, _, _) = m
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("hedef", &target),
                ("gerekce", "  "),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    assert!(
        page.contains("Aktarma gerekçesini yazınız; en çok 2000 karakter olabilir."),
        "the reason is named"
    );
    assert!(
        Page::parse(&page).has(&format!("option[value=\"{target}\"][selected]")),
        "the chosen pool stays chosen"
    );
    let reason = "Başvuru çevre kirliliğiyle ilgili; Çevre Denetim Birimi'ne aktarıldı.";
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("hedef", target.as_str()),
        ("gerekce", reason),
    ];
    let (_, _, _, location) = m.post(&path, &form).await;
    assert_eq!(location.as_deref(), Some("/havuz?durum=aktarildi"));
    // The same form again (a double submit) writes nothing.
    let (status, page, _, _) = m.post(&path, &form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Kayıt siz bakarken değişti"), "{page}");

    let (_, moved, _, _) = m.get(&format!("/havuz?havuz={target}")).await;
    assert!(offered(&moved).contains(&id), "in the target pool");
    let (_, record, _, _) = m.get(&format!("/kayit/{id}")).await;
    assert_eq!(
        record.matches("Başka havuza aktarıldı").count(),
        1,
        "one transfer step"
    );
    assert!(
        record.contains("Çevre Denetim Birimi&#39;ne aktarıldı")
            || record.contains("Çevre Denetim Birimi&#x27;ne aktarıldı"),
        "the reason is on the step: {record}"
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_sent_with_an_application_is_listed_on_the_record_and_downloads_for_those_in_scope_only()
 {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    // A 1×1 PNG, as the mobile app would send a photo.
    let png: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89,
    ];
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(png)
    };
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/v1/applications"))
        .json(&serde_json::json!({
            "channel": "mobile_app",
            "category": "su_arizasi",
            "text": "Boru patladı, fotoğrafı ekte.",
            "province": "Ankara",
            "district": "Çankaya",
            "applicant": { "name": "Şükrü Öztürk", "phone": "0532 765 43 21" },
            "reply_channel": "sms",
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true },
            "attachments": [{ "file_name": "borunun fotoğrafı.png", "content_type": "image/png", "content_base64": b64 }]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let tn = res.json::<serde_json::Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();

    let (mut m, mut izmir) = (Browser::new(addr), Browser::new(addr));
    sign_in(&mut m, "yonetici.ankara").await;
    sign_in(&mut izmir, "yonetici.izmir").await;
    let id = eventually(
        Duration::from_secs(10),
        "the application's case",
        async || {
            let (_, found, _, _) = m.get(&format!("/havuz?takip={tn}")).await;
            offered(&found).into_iter().next()
        },
    )
    .await;
    let (_, record, _, _) = m.get(&format!("/kayit/{id}")).await;
    assert!(record.contains("Ekler") && record.contains("borunun fotoğrafı.png"));
    let link = &Page::parse(&record).target(&format!("a[href^=\"/kayit/{id}/ek/\"]"));

    let (status, _, _, headers) = m.get(link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''borunun%20foto%C4%9Fraf%C4%B1.png"),
        "the Turkish name survives: {disposition}"
    );
    let body = reqwest::Client::new()
        .get(format!("http://{addr}{link}"))
        .header(
            "cookie",
            m.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], png, "the very file");

    let (status, page, _, _) = izmir.get(link).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another province's manager");
    assert!(!page.contains("PNG"));

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
