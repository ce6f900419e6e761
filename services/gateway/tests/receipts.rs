//! The receipt store on both databases the gateway runs on: a receipt is
//! kept once per tracking number (a resent form never changes it), read
//! back whole, and listed for the person who recorded it, newest first.
//! And the receipt's PDF read as a person and a scanner would, with tools
//! independent of the code under test: poppler's `pdfinfo`, `pdftotext`
//! and `pdftoppm`, and zbar's `zbarimg` (`scripts/install-deps` installs
//! Debian's poppler-utils and zbar-tools).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

use jiff::SignedDuration;
use tekmerkez_gateway::{
    i18n::entry::TR as ENTRY_TR,
    receipt::{Receipt, ReceiptStore},
    session::SessionStore,
};
use tekmerkez_pdf::Font;
use uuid::Uuid;

async fn postgres_url() -> String {
    use sqlx::Connection as _;
    let admin = std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned());
    let name = format!("test_gw_{}", Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL for tests is not reachable: run `scripts/postgres start` (the README's test command does)");
    sqlx::Executor::execute(&mut c, format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

fn receipt(tn: &str, by: Uuid, at: i64) -> Receipt {
    Receipt {
        tracking_number: tn.into(),
        recorded_by: by,
        channel: "face_to_face".into(),
        category: "sayac".into(),
        reply_channel: "sms".into(),
        queue_ticket: "A-042".into(),
        reference: String::new(),
        information_only: false,
        consent_version: "kvkk-aydinlatma-v1".into(),
        consent_at: Some(at),
        special_category: true,
        received_at: at,
    }
}

async fn the_store_keeps_receipts(url: &str) {
    // The sessions' migrations create the receipts table too.
    SessionStore::connect(url, SignedDuration::from_mins(30))
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let store = ReceiptStore::connect(url).unwrap();
    let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
    let first = receipt("7KQ2M-X9AB4", me, 1_764_000_000_000_000);
    store.save(&first).await.unwrap();
    let mut again = first.clone();
    again.queue_ticket = "B-999".into();
    store.save(&again).await.unwrap();
    assert_eq!(
        store.get("7KQ2M-X9AB4").await.unwrap(),
        Some(first.clone()),
        "every field round-trips, and the first receipt stays"
    );
    let mut info = receipt("1NMAM-FEN7Z", me, 1_764_000_100_000_000);
    info.information_only = true;
    info.consent_version = String::new();
    info.consent_at = None;
    info.special_category = false;
    store.save(&info).await.unwrap();
    store
        .save(&receipt("9GG7J-55VVG", other, 1_764_000_200_000_000))
        .await
        .unwrap();
    let mine = store.by_recorder(me, 10).await.unwrap();
    assert_eq!(mine, vec![info, first]);
    assert_eq!(store.by_recorder(me, 1).await.unwrap().len(), 1);
    assert!(store.get("00000-00000").await.unwrap().is_none());
}

#[tokio::test]
async fn receipts_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gateway.db").display());
    the_store_keeps_receipts(&url).await;
}

#[tokio::test]
async fn receipts_on_postgres() {
    the_store_keeps_receipts(&postgres_url().await).await;
}

fn run(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} cannot run ({e}); run scripts/install-deps (poppler-utils, zbar-tools)"
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_receipt_pdf_is_one_a4_page_with_turkish_text_and_a_barcode_a_scanner_reads() {
    let font = Font::load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        .expect("scripts/install-deps installs fonts-dejavu-core");
    let r = receipt("7KQ2M-X9AB4", Uuid::nil(), 1_764_000_000_000_000);
    let pdf = tekmerkez_gateway::receipt::pdf(
        &r,
        &ENTRY_TR,
        &font,
        tekmerkez_gateway::receipt::Issuer {
            institution: "Kocaeli İSU Alo 185 Çözüm Merkezi",
            logo: None,
            tracking_url: "http://127.0.0.1:8080/takip",
        },
        "Sayaç ve ölçüm",
        "tr-TR",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alindi.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let file = file.to_str().unwrap();

    let info = run("pdfinfo", &[file]);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(
        info.contains("Page size:       595.28 x 841.89 pts (A4)"),
        "{info}"
    );
    assert!(
        info.contains("Title:           Başvuru Alındı Belgesi 7KQ2M-X9AB4"),
        "{info}"
    );

    // The text comes back through the font's ToUnicode map, letter for letter.
    let text = run("pdftotext", &[file, "-"]);
    for want in [
        "Kocaeli İSU Alo 185 Çözüm Merkezi",
        "Başvuru Alındı Belgesi",
        "7KQ2M-X9AB4",
        "Sıra numarası",
        "A-042",
        "Sayaç ve ölçüm",
        "kvkk-aydinlatma-v1 — 24.11.2025 19:00",
        "Kişisel verileriniz 6698 sayılı",
        "http://127.0.0.1:8080/takip",
    ] {
        assert!(
            text.contains(want),
            "'{want}' missing from the PDF's text:\n{text}"
        );
    }

    let stem = dir.path().join("alindi");
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            "-singlefile",
            file,
            stem.to_str().unwrap(),
        ],
    );
    let png = dir.path().join("alindi.png");
    let codes = run(
        "zbarimg",
        &[
            "--quiet",
            "--raw",
            "-Sdisable",
            "-Scode128.enable",
            png.to_str().unwrap(),
        ],
    );
    assert_eq!(codes.lines().collect::<Vec<_>>(), vec!["7KQ2M-X9AB4"]);

    // Kept to look at, like the integration tests' screens.
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-artifacts/screens/gateway_receipts");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(file, shots.join("alindi.pdf")).unwrap();
    std::fs::copy(&png, shots.join("alindi-pdf.png")).unwrap();
}
