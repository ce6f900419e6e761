//! *Ulaşılamayanlar* end to end in `tekmerkez dev`, with notify sending
//! through the test suite's real SMTP server: an e-mail applicant's answer
//! bounces (the server refuses the mailbox with 550), notify reports it to
//! the case service, and the resolved record appears on the callback unit's
//! list (counted in the pool manager's menu) with the failure in words. The
//! callback agent opens it, records that they phoned the citizen, and the
//! record leaves the list with a task step saying what was done.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::within,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tokio_util::sync::CancellationToken;

use crate::gateway_admin_notify::close_as_expert;

const WAIT: Duration = Duration::from_secs(60);

/// Notify sends e-mail through the test SMTP server (STARTTLS, AUTH).
fn smtp_settings(s: &mut tekmerkez::settings::Settings) {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} (scripts/smtp start)"));
    let addr = var("TEKMERKEZ_TEST_SMTP");
    let (host, port) = addr.rsplit_once(':').unwrap();
    s.dev.smtp_relay = true;
    let e = &mut s.notify.email;
    e.transport = "smtp".into();
    e.smtp.host = if host == "127.0.0.1" {
        "localhost".into()
    } else {
        host.into()
    };
    e.smtp.port = port.parse().unwrap();
    e.smtp.tls = "required".into();
    e.smtp.ca_file = Some(var("TEKMERKEZ_TEST_SMTP_CA"));
    e.smtp.username = var("TEKMERKEZ_TEST_SMTP_USER").into();
    e.smtp.password = var("TEKMERKEZ_TEST_SMTP_PASSWORD").into();
    s.notify.quiet_hours.enabled = false;
    s.notify.dispatch.poll_interval_ms = 100;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounced_answer_puts_the_record_on_ulasilamayanlar_until_the_callback_unit_acts() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 0);
    smtp_settings(&mut settings);
    let dev = Dev::build(settings).await.unwrap();
    let (http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let expert = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");

    // An e-mail reply to a mailbox the relay refuses.
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/applications"))
        .header("idempotency-key", "not-reached-1")
        .json(&json!({"channel":"web_form","category":"fatura","text":"Faturam çok yüksek geldi.",
            "province":"Ankara","district":"Çankaya",
            "applicant":{"name":"Ayşe Yılmaz","email":"bounce.ayse@ornek.com.tr","phone":"0532 765 43 99"},
            "reply_channel":"email","kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let tracking = r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    close_as_expert(grpc, &expert, &tracking, "Faturanız yeniden hesaplandı.").await;

    // The callback unit sees it, with the failure in words.
    let mut agent = Browser::new(http);
    sign_in(&mut agent, "geridonus").await;
    let page = within(WAIT, async || {
        let (status, page, _, _) = agent.get("/ulasilamayanlar").await;
        assert_eq!(status, 200);
        page.contains(&tracking).then_some(page)
    })
    .await
    .expect("the record reaches Ulaşılamayanlar");
    assert!(
        page.contains("E-posta: alıcının e-posta sunucusu adresi kabul etmedi"),
        "{page}"
    );
    assert!(
        page.contains("0532 765 43 99"),
        "the agent sees the number to call"
    );

    // The pool manager sees the count in the menu; the expert has no such list.
    let mut manager = Browser::new(http);
    sign_in(&mut manager, "yonetici.ankara").await;
    let (_, home, _, _) = manager.get("/").await;
    let menu = Page::parse(&home).texts("nav li").join(" | ");
    assert!(menu.contains("Ulaşılamayanlar 1"), "{menu}");
    let mut expert_b = Browser::new(http);
    sign_in(&mut expert_b, "uzman.ankara").await;
    let (status, _, _, _) = expert_b.get("/ulasilamayanlar").await;
    assert_eq!(status, 403);

    // The agent opens it and records the call.
    let href = Page::parse(&page)
        .attrs(&format!("a[aria-label$=\"{tracking}\"]"), "href")
        .pop()
        .unwrap();
    // The link carries its list (`?from=`, for "next record"); the record's own path:
    let id = href.split('?').next().unwrap().to_owned();
    let (status, record, _, _) = agent.get(&id).await;
    assert_eq!(status, 200);
    assert!(record.contains("Yanıt vatandaşa ulaşmadı"), "{record}");
    let csrf = hidden(&record, "csrf");
    let version = Page::parse(&record)
        .attrs(
            "form[action$=\"/ulasilamadi\"] input[name=version]",
            "value",
        )
        .pop()
        .unwrap();
    // Without a choice: refused by the field, the note kept.
    let (status, refused, _, _) = agent
        .post(
            &format!("{id}/ulasilamadi"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("ulasim_notu", "Cep telefonundan arandı."),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("Ne yapıldığını seçiniz.") && refused.contains("Cep telefonundan arandı.")
    );
    // By post needs an address the citizen never gave: said by the choice.
    let (status, refused, _, _) = agent
        .post(
            &format!("{id}/ulasilamadi"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("ulasim", "3"),
                ("ulasim_notu", "Mektupla gönderilsin."),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("Mektup gönderilemez: kayıtta posta adresi yok.")
            && refused.contains("Mektupla gönderilsin."),
        "{refused}"
    );
    let (status, _, _, location) = agent
        .post(
            &format!("{id}/ulasilamadi"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("ulasim", "1"),
                ("ulasim_notu", "Cep telefonundan arandı, yanıt okundu."),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/ulasilamayanlar?durum=ulasildi"));
    let (_, after, _, _) = agent.get("/ulasilamayanlar?durum=ulasildi").await;
    assert!(after.contains("Kaydedildi; kayıt Ulaşılamayanlar listesinden çıktı."));
    assert!(!after.contains(&tracking), "it left the list");

    // The history says what happened and what was done.
    let (_, record, _, _) = manager.get(&id).await;
    assert!(record.contains("Vatandaşa ulaşılamadı"), "{record}");
    assert!(
        record.contains("telefonla arandı, yanıt iletildi"),
        "{record}"
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
