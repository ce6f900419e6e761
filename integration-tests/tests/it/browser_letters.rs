//! A letter reply from the citizen's form to the post, in a real Chromium
//! against `tekmerkez dev`: the form refuses a letter reply without a postal
//! address at the address field (what was typed kept), then takes it; an
//! expert answers and closes the record; the callback agent finds the
//! letter on *Gönderilecek Mektuplar* (the menu counts it), opens its PDF —
//! read with poppler (`pdftotext`: the answer, the name, the address, the
//! number) and zbar (`zbarimg`: the barcode is the tracking number) — and
//! marks it posted: it leaves the queue, the posted list shows who and
//! when, a second mark changes nothing and says so, and the record's task
//! steps hold one posting. Screens, the PDF and its first page (60 dpi)
//! under `test-artifacts/screens/browser_letters/`.

use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::{
    browser::{Chrome, Session, shows, workspace_root},
    web::{Browser, hidden, sign_in},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};

use crate::channels::start;

const TEST: &str = "browser_letters";
const TEXT: &str = "Ocak ayından beri faturalarım tahmini okumayla düzenleniyor; düzeltilmesini ve yanıtın mektupla gönderilmesini istiyorum.";
const NAME: &str = "Gülşen Öztürk";
const ADDRESS: &str = "Kızılay Mah. Atatürk Bulvarı No: 112/7 Çankaya / Ankara";
const ANSWER: &str = "Sayaç okuma kayıtlarınız incelenmiş, son üç dönemin faturaları gerçek okumaya göre yeniden düzenlenmiştir. Oluşan fark bir sonraki faturanızdan düşülecektir.";

fn run(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot run ({e}); run scripts/install-deps"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The citizen's form, filled for a letter reply; the address left out.
async fn fill_letter_form(s: &Session) {
    s.choose("Başvuru konusu", "Fatura ve abonelik")
        .await
        .unwrap();
    s.choose("Başvuru türü", "Talep").await.unwrap();
    s.choose("İl", "Ankara").await.unwrap();
    s.choose("İlçe", "Çankaya").await.unwrap();
    s.fill_label("Başvurunuz", TEXT).await.unwrap();
    s.fill_label("Adınız soyadınız", NAME).await.unwrap();
    s.fill_label("Telefon", "0533 222 11 00").await.unwrap();
    s.click_text("label", "Mektup").await.unwrap();
    let boxed = s.one("#kvkk").await.unwrap();
    if !boxed.is_selected().await.unwrap() {
        boxed.click().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_reply_is_printed_from_the_queue_scanned_and_marked_posted_once() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|_| {}).await;
    let shots = workspace_root().join("test-artifacts/screens").join(TEST);
    let s = chrome.session(app.http, TEST).await.unwrap();

    // The form: a letter reply needs a postal address, asked for at its field.
    s.goto("/basvuru").await.unwrap();
    fill_letter_form(&s).await;
    s.click_button("Başvuruyu gönder").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/basvuru");
    let refused = s.text().await.unwrap();
    shows(&refused, &["Mektupla dönüş için posta adresi gereklidir."]);
    assert_eq!(
        s.one("#adres-hata")
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .trim(),
        "Mektupla dönüş için posta adresi gereklidir."
    );
    assert_eq!(
        s.one("#adres")
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    let kept = s
        .labelled("Başvurunuz")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(TEXT), "the text typed is kept");
    let kept = s
        .labelled("Adınız soyadınız")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(NAME));
    s.screenshot("basvuru-adres-eksik").await.unwrap();
    s.fill_label("Posta adresi (mektupla dönüş için)", ADDRESS)
        .await
        .unwrap();
    let boxed = s.one("#kvkk").await.unwrap();
    if !boxed.is_selected().await.unwrap() {
        boxed.click().await.unwrap();
    }
    s.click_button("Başvuruyu gönder").await.unwrap();
    let tn = s
        .one("#takip-numarasi")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned();

    // An expert answers and closes it: the letter is made with the close.
    let case = app.case(&tn).await;
    assert_eq!(
        case.contact.as_ref().map(|c| c.postal_address.as_str()),
        Some(ADDRESS)
    );
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
    let closed = cases
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
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    let number = closed.letter_number.clone();
    assert!(number.starts_with("TM-20"), "{number}");

    // The pool manager counts the queue, and the record names the letter
    // (no way to print it: that is for the staff who post letters).
    s.sign_in("yonetici.ankara", DEMO_PASSWORD).await.unwrap();
    s.click_link("Havuz Yönetimi").await.unwrap();
    assert_eq!(
        s.one("#mektup-sayisi").await.unwrap().text().await.unwrap(),
        "Havuzlarınızda postalanmayı bekleyen mektup: 1"
    );
    assert!(s.goto("/mektuplar").await.is_ok());
    shows(&s.text().await.unwrap(), &["Bu işlem için yetkiniz yok"]);
    s.goto(&format!("/kayit/{}", case.id)).await.unwrap();
    let line = s.one("#yanit-mektubu").await.unwrap().text().await.unwrap();
    assert_eq!(line, format!("Sayı: {number} — postalanmayı bekliyor"));
    s.screenshot("kayit-mektup").await.unwrap();
    s.click_button("Çıkış").await.unwrap();

    // The callback agent: the menu counts it, the queue lists it.
    s.sign_in("geridonus", DEMO_PASSWORD).await.unwrap();
    let menu = s.text().await.unwrap();
    shows(&menu, &["Gönderilecek Mektuplar"]);
    s.click_link("Gönderilecek Mektuplar").await.unwrap();
    assert_eq!(s.path().await.unwrap(), "/mektuplar");
    let queue = s.text().await.unwrap();
    shows(
        &queue,
        &[
            "Gönderilecek Mektuplar",
            &number,
            &tn,
            NAME,
            ADDRESS,
            "Aç / Yazdır (PDF)",
            "Postalandı olarak işaretle",
        ],
    );
    s.screenshot("mektuplar").await.unwrap();

    // Its PDF, as the link serves it to the signed-in agent.
    let pdf_path = s
        .one(&format!("#mektup-{} a.pdf", closed.letter_id))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let mut b = Browser::new(app.http);
    sign_in(&mut b, "geridonus").await;
    let (status, pdf, headers) = b.get_bytes(&pdf_path).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(headers["content-type"], "application/pdf");
    std::fs::create_dir_all(&shots).unwrap();
    let file = shots.join("mektup.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let file = file.to_str().unwrap();
    let text = run("pdftotext", &[file, "-"]);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        ANSWER,
        &format!("Sayın {NAME}"),
        ADDRESS,
        &format!("Sayı : {number}"),
        &tn,
    ] {
        assert!(
            words.contains(want),
            "'{want}' missing from the letter:\n{text}"
        );
    }
    let scan = shots.join("mektup-200dpi");
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            "-singlefile",
            file,
            scan.to_str().unwrap(),
        ],
    );
    let codes = run(
        "zbarimg",
        &[
            "--quiet",
            "--raw",
            "-Sdisable",
            "-Scode128.enable",
            shots.join("mektup-200dpi.png").to_str().unwrap(),
        ],
    );
    assert_eq!(codes.lines().collect::<Vec<_>>(), vec![tn.as_str()]);
    std::fs::remove_file(shots.join("mektup-200dpi.png")).unwrap();
    // The first page, small, for a person to look at.
    let first = shots.join("mektup-sayfa1");
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-singlefile",
            file,
            first.to_str().unwrap(),
        ],
    );

    // Marked posted: it leaves the queue, and the message names it.
    s.click_button(&format!("Postalandı olarak işaretle {number}"))
        .await
        .unwrap();
    let after = s.text().await.unwrap();
    shows(
        &after,
        &[
            &format!("Postalandı olarak işaretlendi: {number}"),
            "Postalanmayı bekleyen mektup yok.",
        ],
    );
    s.screenshot("mektuplar-postalandi").await.unwrap();

    // A second mark (the form sent again) changes nothing and says so.
    let (_, page, _, _) = b.get("/mektuplar?liste=postalanan").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, _, location) = b
        .post(
            "/mektuplar/postalandi",
            &[("csrf", &csrf), ("tek", &closed.letter_id)],
        )
        .await;
    assert_eq!(status.as_u16(), 303);
    let (_, again, _, _) = b.get(&location.unwrap()).await;
    assert!(
        again.contains(&format!(
            "Zaten postalanmıştı (değişiklik yapılmadı): {number}"
        )),
        "{again}"
    );

    // The posted list: who posted it and when.
    s.click_link("Postalananlar").await.unwrap();
    let posted = s.text().await.unwrap();
    shows(&posted, &["Postalanan Mektuplar", &number, "Gülşen Kılıç"]);
    s.screenshot("postalananlar").await.unwrap();

    // One posting in the record's task steps, in words.
    let steps = cases
        .get_history(app.as_user(
            "admin",
            pb::GetHistoryRequest {
                case_id: case.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .steps;
    let postings: Vec<_> = steps
        .iter()
        .filter(|st| st.action == pb::HistoryAction::LetterPosted as i32)
        .collect();
    assert_eq!(postings.len(), 1, "{steps:?}");
    assert_eq!(postings[0].detail, number);

    // The English desk names every part in English.
    s.goto("/mektuplar?liste=postalanan&lang=en").await.unwrap();
    shows(
        &s.text().await.unwrap(),
        &["Posted letters", "Number", "Posted by"],
    );
    s.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_letters_waiting_to_be_posted_and_one_posted() {
    let app = start(|s| s.dev.demo_cases = 20).await;
    let mut cases = CaseServiceClient::new(app.channel().await);
    let list = |status: pb::LetterStatus| pb::ListLettersRequest {
        status: status as i32,
        page: None,
    };
    let waiting = cases
        .list_letters(app.as_user("danisma", list(pb::LetterStatus::ToBePosted)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(waiting.total, 4, "{:?}", waiting.letters);
    assert!(
        waiting
            .letters
            .iter()
            .any(|l| l.recipient_name.is_empty() && !l.postal_address.is_empty()),
        "one citizen gave no name"
    );
    let posted = cases
        .list_letters(app.as_user("geridonus", list(pb::LetterStatus::Posted)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(posted.letters.len(), 1);
    assert_eq!(posted.letters[0].posted_by_display_name, "Gülşen Kılıç");
    app.stop().await;
}
