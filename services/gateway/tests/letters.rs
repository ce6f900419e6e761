//! The answer letter's PDF read as a person and a scanner would, with tools
//! independent of the code under test: poppler's `pdfinfo`, `pdftotext`
//! and `pdftoppm`, and zbar's `zbarimg` (`scripts/install-deps` installs
//! Debian's poppler-utils and zbar-tools).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

use tekmerkez_gateway::letter::{LetterDoc, pdf};
use tekmerkez_pdf::Font;

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

fn font() -> Font {
    Font::load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        .expect("scripts/install-deps installs fonts-dejavu-core")
}

const ANSWER: &str = "Sayın başvuru sahibi, Çınar Sokak'taki su kesintisi şebeke arızasından \
    kaynaklanmıştır; ekiplerimiz arızayı 14 Kasım günü giderdi ve ölçüm cihazınız değiştirildi. \
    Fark tutarı bir sonraki faturanıza iade olarak yansıtılacaktır.";

fn doc<'a>(answer: &'a str, name: &'a str) -> LetterDoc<'a> {
    LetterDoc {
        institution: "Kocaeli Su ve Kanalizasyon İdaresi Genel Müdürlüğü",
        logo: None,
        number: "TM-2026-000042",
        // 2025-11-24 16:00 UTC: 19:00 in Istanbul.
        date: 1_764_000_000_000_000,
        recipient_name: name,
        postal_address: "Kızılay Mah. Atatürk Bulvarı No: 12/4\nÇankaya / Ankara",
        tracking_number: "7KQ2M-X9AB4",
        answer,
        tracking_url: "http://127.0.0.1:8080/takip",
    }
}

/// Writes `pdf` to `dir` and returns pdftotext's reading of it.
fn text_of(dir: &std::path::Path, name: &str, pdf: &[u8]) -> (String, String) {
    let file = dir.join(name);
    std::fs::write(&file, pdf).unwrap();
    let file = file.to_str().unwrap().to_owned();
    (run("pdftotext", &["-layout", &file, "-"]), file)
}

#[test]
fn the_letter_reads_as_an_official_letter_and_its_barcode_scans_to_the_tracking_number() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf(&doc(ANSWER, "Ayşe Yılmaz"), &font()).unwrap();
    let (text, file) = text_of(dir.path(), "mektup.pdf", &bytes);
    let info = run("pdfinfo", &[&file]);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("(A4)"), "{info}");
    // pdftotext joins the wrapped lines back with line breaks: compare words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "T.C.",
        "Kocaeli Su ve Kanalizasyon İdaresi Genel Müdürlüğü",
        "Sayı : TM-2026-000042",
        "24.11.2025",
        "Konu : 7KQ2M-X9AB4 takip numaralı başvurunuz hk.",
        "Sayın Ayşe Yılmaz",
        "Kızılay Mah. Atatürk Bulvarı No: 12/4",
        "Çankaya / Ankara",
        &ANSWER.split_whitespace().collect::<Vec<_>>().join(" "),
        "Bilgilerinize rica ederiz.",
        "Takip numarası",
        "http://127.0.0.1:8080/takip",
    ] {
        assert!(
            words.contains(want),
            "'{want}' missing from the letter:\n{text}"
        );
    }

    let stem = dir.path().join("mektup");
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            "-singlefile",
            &file,
            stem.to_str().unwrap(),
        ],
    );
    let png = dir.path().join("mektup.png");
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
        .join("../../test-artifacts/screens/gateway_letters");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(&file, shots.join("mektup.pdf")).unwrap();
    std::fs::copy(&png, shots.join("mektup-pdf.png")).unwrap();
}

#[test]
fn a_nameless_applicant_is_addressed_as_sayin_basvuru_sahibi() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf(&doc("Yanıtımız ektedir.", "  "), &font()).unwrap();
    let (text, _) = text_of(dir.path(), "adsiz.pdf", &bytes);
    assert!(text.contains("Sayın Başvuru Sahibi"), "{text}");
    assert!(!text.contains("Sayın  "), "no empty name: {text}");
}

#[test]
fn a_long_answer_runs_onto_numbered_pages_and_loses_no_word() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "Şikâyetiniz ilgili birimimizce yerinde incelenmiş; ölçüm ve şebeke kayıtları \
        karşılaştırılmıştır.";
    let long = (1..=60)
        .map(|i| format!("{i}. {paragraph}"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = pdf(&doc(&long, "Mehmet Öztürk"), &font()).unwrap();
    let (text, file) = text_of(dir.path(), "uzun.pdf", &bytes);
    let pages: usize = run("pdfinfo", &[&file])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{pages} pages");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for i in [1, 30, 60] {
        assert!(
            words.contains(&format!("{i}. Şikâyetiniz")),
            "paragraph {i} missing"
        );
    }
    assert!(
        words.contains(&format!("TM-2026-000042 — Sayfa {pages}")),
        "numbered pages"
    );
    assert!(
        words.contains("Sayı: TM-2026-000042 (devamı)"),
        "a loose page names its letter"
    );
}
