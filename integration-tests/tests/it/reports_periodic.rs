//! The periodic report in `tekmerkez dev`, end to end with the project's
//! SMTP server (`scripts/smtp`): an admin sets the water directorate's
//! recipients on *Rapor Alıcıları* (a bad address is refused by name, the
//! typing kept; an edit on an old version is refused, not lost), sends last
//! month's report, and it arrives once — the PDF with its charts and the
//! XLSX attached under their Turkish names — however often it is sent. The
//! directorate manager downloads the same report of the period shown on
//! *Raporlar*; a pool manager gets neither the link nor the file.

use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders as _};
use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tokio_util::sync::CancellationToken;

use crate::{
    entry_support::pdf_text,
    notify_email_dev::{received, smtp},
};

const WATER: &str = "Su ve Kanalizasyon Dairesi Başkanlığı";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directorates_report_goes_to_its_recipients_once_with_the_pdf_and_the_xlsx() {
    let s = smtp();
    let data = tempfile::tempdir().unwrap();
    let mut settings = dev_settings(data.path(), 30);
    settings.dev.smtp_relay = true;
    let n = &mut settings.notify.email;
    n.transport = "smtp".into();
    n.smtp.host = "localhost".into();
    n.smtp.port = s.port;
    n.smtp.tls = "required".into();
    n.smtp.ca_file = Some(s.ca.clone());
    n.smtp.username = s.user.clone().into();
    n.smtp.password = s.password.clone().into();
    n.smtp.timeout_ms = 5_000;
    let dev = Dev::build(settings).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let (mut admin, mut director, mut pool_manager) =
        (Browser::new(addr), Browser::new(addr), Browser::new(addr));
    sign_in(&mut admin, "admin").await;
    sign_in(&mut director, "mudur.su").await;
    sign_in(&mut pool_manager, "yonetici.ankara").await;

    // The page lists every directorate; the water one has no one yet.
    let (status, page, _, _) = admin.get("/yonetim/rapor-alicilari").await;
    assert_eq!(status, StatusCode::OK);
    let p = Page::parse(&page);
    let row = p
        .attrs("#rapor-alicilari tbody tr", "id")
        .into_iter()
        .find(|id| {
            p.texts(&format!("#{id} th"))
                .first()
                .is_some_and(|t| t.contains(WATER))
        })
        .expect("the water directorate's row");
    let water = row.trim_start_matches("daire-").to_owned();
    assert!(
        p.texts(&format!("#{row} td"))
            .iter()
            .any(|t| t.contains("Henüz gönderilmedi"))
    );
    let (_, home, _, _) = admin.get("/yonetim").await;
    assert!(
        home.contains("href=\"/yonetim/rapor-alicilari\""),
        "linked from Yönetim"
    );

    let id = uuid::Uuid::new_v4().simple().to_string();
    let (a, b) = (
        format!("mudur-{id}@su.example.gov.tr"),
        format!("rapor-{id}@su.example.gov.tr"),
    );
    let csrf = hidden(&page, "csrf");
    let save = format!("/yonetim/rapor-alicilari/{water}");
    // A bad address: refused by name, the typing kept.
    let typed = format!("{a}\nbozuk-adres");
    let (status, body, _, _) = admin
        .post(
            &save,
            &[
                ("csrf", &csrf),
                ("surum", "0"),
                ("dil", "tr"),
                ("alicilar", &typed),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Geçerli bir e-posta adresi değil: bozuk-adres"),
        "{body}"
    );
    assert!(
        body.contains(&a) && body.contains("bozuk-adres"),
        "the typing is kept"
    );
    // Saved.
    let good = format!("{a}\n{b}");
    let (status, _, _, to) = admin
        .post(
            &save,
            &[
                ("csrf", &csrf),
                ("surum", "0"),
                ("dil", "tr"),
                ("alicilar", &good),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        to.as_deref(),
        Some("/yonetim/rapor-alicilari?durum=kaydedildi")
    );
    // A second edit made on the version before: refused, the typing kept.
    let (status, body, _, _) = admin
        .post(
            &save,
            &[
                ("csrf", &csrf),
                ("surum", "0"),
                ("dil", "tr"),
                ("alicilar", &a),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("başka biri tarafından değiştirildi"),
        "{body}"
    );

    // Sent now, twice: one e-mail each.
    let send = format!("/yonetim/rapor-alicilari/{water}/gonder");
    for _ in 0..2 {
        let (status, _, _, to) = admin.post(&send, &[("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            to.as_deref(),
            Some("/yonetim/rapor-alicilari?durum=gonderildi")
        );
    }
    let raw = eventually(
        Duration::from_secs(60),
        "the report at the SMTP server",
        || async { received(&s, &b).into_iter().next() },
    )
    .await;
    let m = MessageParser::default().parse(&raw).unwrap();
    let subject = m.subject().unwrap().to_owned();
    assert!(subject.starts_with("Aylık rapor — "), "{subject}");
    assert!(subject.ends_with(&format!("— {WATER}")), "{subject}");
    assert_eq!(m.attachment_count(), 2);
    let pdf = m.attachment(0).unwrap();
    let name = pdf.attachment_name().unwrap();
    assert!(
        name.starts_with(&format!("Aylık rapor - {WATER} - ")) && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(pdf.contents().starts_with(b"%PDF-"));
    // Its text is text, in Turkish letters: it copies, searches and reads aloud.
    let files = tempfile::tempdir().unwrap();
    let text = pdf_text(pdf.contents(), files.path());
    for words in [
        WATER,
        "Temel göstergeler",
        "Açılan ve çözülen başvurular",
        "Başvuru kanalına göre",
        "Birime göre",
    ] {
        assert!(text.contains(words), "{words} in the PDF: {text}");
    }
    let xlsx = m.attachment(1).unwrap();
    assert!(xlsx.attachment_name().unwrap().ends_with(".xlsx"));
    assert!(xlsx.contents().starts_with(b"PK"));
    // Both sends handled: still one each.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        received(&s, &a).len(),
        1,
        "one e-mail for the first recipient"
    );
    assert_eq!(received(&s, &b).len(), 1, "one e-mail for the second");
    let (_, page, _, _) = admin.get("/yonetim/rapor-alicilari").await;
    assert!(
        !Page::parse(&page)
            .texts(&format!("#{row} td"))
            .iter()
            .any(|t| t.contains("Henüz gönderilmedi"))
    );

    // The directorate manager's period report on Raporlar.
    let (_, page, _, _) = director.get("/raporlar?donem=gecen-yil").await;
    let links = Page::parse(&page).attrs("#donem-raporu a", "href");
    assert_eq!(links.len(), 2, "PDF and XLSX: {page}");
    let (status, bytes, headers) = director.get_bytes(&links[0].replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("filename*=UTF-8''Y%C4%B1l%20sonu%20raporu"),
        "{disposition}"
    );
    // Another directorate's: refused.
    let (status, _, _) = director
        .get_bytes("/raporlar/donem-raporu?donem=2026&daire=00000000-0000-0000-0000-000000000000&bicim=pdf")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A pool manager: neither the link nor the file.
    let (_, page, _, _) = pool_manager.get("/raporlar?donem=bu-yil").await;
    assert!(!page.contains("donem-raporu"));
    let (status, _, _) = pool_manager
        .get_bytes("/raporlar/donem-raporu?donem=2026&bicim=pdf")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor the recipients page.
    let (status, _, _, _) = pool_manager.get("/yonetim/rapor-alicilari").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
